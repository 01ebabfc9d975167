//! The app's pages: their paths, titles and whether they appear in the navigation. The UI's router and navigation are generated from this table,
//! and the end-to-end tests walk it.

use super::i18n::Texts;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Page {
    /// Start: choose the municipality on first start, then the two big actions.
    Start,
    /// "Jeg er bekymret for et barn": the concern guide that saves a concern.
    NewConcern,
    /// "Hvad skal jeg gøre?": the same guide without saving anything.
    Guide,
    /// Indsatstrappen (the intervention staircase).
    Staircase,
    /// The municipality's SSP organisation: bodies, members, meeting rhythm.
    Organisation,
    /// Saved concerns on this device.
    Concerns,
    /// Overblik: the SSP consultant's numbers from the saved concerns.
    Overview,
    /// Undervisning (training mode) for staff sessions.
    Training,
    Settings,
    /// The chosen municipality's profile; import and export of profiles.
    Profile,
    /// "Lav en profil": a municipality builds its own profile in forms.
    ProfileEditor,
    /// What is stored where, for how long.
    Privacy,
    Conflicts,
    /// "Hold": teams that share concerns end-to-end encrypted (create, invite, join).
    Teams,
    /// "Giv videre som fil": one concern handed to another device as an encrypted file.
    Handoff,
}

impl Page {
    pub const ALL: [Page; 15] = [
        Page::Start,
        Page::NewConcern,
        Page::Guide,
        Page::Staircase,
        Page::Organisation,
        Page::Concerns,
        Page::Overview,
        Page::Training,
        Page::Settings,
        Page::Profile,
        Page::ProfileEditor,
        Page::Privacy,
        Page::Conflicts,
        Page::Teams,
        Page::Handoff,
    ];

    /// Pages in the main navigation, in order. `NewConcern` is reached from the start page,
    /// `Settings` from the header (it is rarely needed, and keeps the navigation on one line
    /// on a tablet held upright). `Overview` is linked from the start page and the concerns
    /// list: a seventh item would break the Danish navigation onto two lines at 768 px.
    pub const NAV: [Page; 6] = [
        Page::Start,
        Page::Guide,
        Page::Staircase,
        Page::Organisation,
        Page::Concerns,
        Page::Training,
    ];

    pub fn path(self) -> &'static str {
        match self {
            Page::Start => "/",
            Page::NewConcern => "/concern/new",
            Page::Guide => "/guide",
            Page::Staircase => "/staircase",
            Page::Organisation => "/organisation",
            Page::Concerns => "/concerns",
            Page::Overview => "/overview",
            Page::Training => "/training",
            Page::Settings => "/settings",
            Page::Profile => "/profile",
            Page::ProfileEditor => "/profile/edit",
            Page::Privacy => "/privacy",
            Page::Conflicts => "/conflicts",
            Page::Teams => "/teams",
            Page::Handoff => "/handoff",
        }
    }

    /// The page's main heading.
    pub fn title(self, t: &Texts) -> &'static str {
        match self {
            Page::Start => t.page_start,
            Page::NewConcern => t.page_new_concern,
            Page::Guide => t.page_guide,
            Page::Staircase => t.page_staircase,
            Page::Organisation => t.page_organisation,
            Page::Concerns => t.page_concerns,
            Page::Overview => t.page_overview,
            Page::Training => t.page_training,
            Page::Settings => t.page_settings,
            Page::Profile => t.page_profile,
            Page::ProfileEditor => t.page_profile_editor,
            Page::Privacy => t.page_privacy,
            Page::Conflicts => t.page_conflicts,
            Page::Teams => t.page_teams,
            Page::Handoff => super::i18n::handoff::page_title(t),
        }
    }

    /// The short label in the navigation.
    pub fn nav_label(self, t: &Texts) -> &'static str {
        match self {
            Page::Start => t.nav_start,
            Page::NewConcern | Page::Guide => t.nav_guide,
            Page::Staircase => t.nav_staircase,
            Page::Organisation => t.nav_organisation,
            Page::Concerns => t.nav_concerns,
            Page::Training => t.nav_training,
            Page::Settings => t.nav_settings,
            Page::Profile => t.page_profile,
            Page::ProfileEditor => t.page_profile_editor,
            Page::Privacy => t.page_privacy,
            Page::Overview => t.page_overview,
            Page::Conflicts => t.page_conflicts,
            Page::Teams => t.page_teams,
            Page::Handoff => super::i18n::handoff::page_title(t),
        }
    }

    /// The page at `path`, if any (exact match; a trailing slash is ignored).
    pub fn from_path(path: &str) -> Option<Page> {
        let trimmed = if path.len() > 1 {
            path.trim_end_matches('/')
        } else {
            path
        };
        Page::ALL.into_iter().find(|p| p.path() == trimmed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::i18n::{texts, Lang};
    use std::collections::HashSet;

    #[test]
    fn paths_are_unique_and_absolute() {
        let paths: HashSet<_> = Page::ALL.iter().map(|p| p.path()).collect();
        assert_eq!(paths.len(), Page::ALL.len());
        assert!(paths.iter().all(|p| p.starts_with('/')));
    }

    #[test]
    fn every_page_is_reachable_from_nav_or_start() {
        for page in Page::ALL {
            assert!(
                // NewConcern from the start page, Settings from the header, Profile from both
                // the first-start page and Settings, Overview from the start page and the
                // concerns list.
                Page::NAV.contains(&page)
                    || matches!(
                        page,
                        Page::NewConcern
                            | Page::Settings
                            | Page::Profile
                            // Reached from the profile page.
                            | Page::ProfileEditor
                            | Page::Privacy
                            | Page::Overview
                            // Reached from Settings' sync status and a concern's conflict badge.
                            | Page::Conflicts
                            // Reached from Settings and a concern's sharing.
                            | Page::Teams
                            // Reached from a concern's page ("Giv videre som fil").
                            | Page::Handoff
                    ),
                "{page:?} is not in the navigation"
            );
        }
    }

    #[test]
    fn titles_and_labels_are_distinct_per_language() {
        for lang in Lang::ALL {
            let t = texts(lang);
            let titles: HashSet<_> = Page::ALL.iter().map(|p| p.title(t)).collect();
            assert_eq!(titles.len(), Page::ALL.len(), "{lang:?} titles collide");
            let labels: HashSet<_> = Page::NAV.iter().map(|p| p.nav_label(t)).collect();
            assert_eq!(labels.len(), Page::NAV.len(), "{lang:?} nav labels collide");
        }
    }

    #[test]
    fn from_path_round_trips_and_rejects_unknown() {
        for page in Page::ALL {
            assert_eq!(Page::from_path(page.path()), Some(page));
        }
        assert_eq!(Page::from_path("/guide/"), Some(Page::Guide));
        assert_eq!(Page::from_path("/nope"), None);
        assert_eq!(Page::from_path(""), None);
    }
}
