use super::Texts;

pub(super) const EN: Texts = Texts {
    app_name: "SSP Handleguide",
    app_tagline: "Help with the next steps when you are worried about a child",
    skip_to_content: "Skip to content",
    nav_label: "Main menu",
    lang_switch_label: "Switch language to",
    hide_screen: "Hide screen",
    hidden_screen_label: "The screen is hidden",
    show_screen_again: "Show the screen again",
    municipality_none: "No municipality chosen",

    page_start: "Home",
    page_new_concern: "I am worried about a child",
    page_guide: "What should I do?",
    page_staircase: "Intervention staircase",
    page_organisation: "Organisation",
    page_concerns: "Saved concerns",
    page_training: "Training",
    page_settings: "Settings",

    nav_start: "Home",
    nav_guide: "Guidance",
    nav_staircase: "Staircase",
    nav_organisation: "Organisation",
    nav_concerns: "Concerns",
    nav_training: "Training",
    nav_settings: "Settings",

    choose_municipality_title: "Choose your municipality",
    choose_municipality_intro: "The guidance follows your municipality's SSP collaboration: whom to contact and which interventions you have.",
    choose_municipality_later: "You can change the municipality at any time in Settings.",
    import_profile_later: "Importing your own municipality profile comes in a later version.",

    start_title: "What do you need?",
    start_intro: "Get clear next steps when you are worried about a child or young person. Everything stays on this device.",
    action_concern_title: "I am worried about a child",
    action_concern_body: "Get guidance and save the concern with initials, an action plan and a follow-up date.",
    action_guide_title: "What should I do?",
    action_guide_body: "Get the same concrete advice without saving anything.",
    start_more_title: "See also",

    coming_soon_badge: "Coming soon",
    coming_soon_body: "This part of SSP Handleguide is not built yet. It comes in a later version.",
    back_to_start: "Back to home",

    not_found_title: "Page not found",
    not_found_body: "There is no page at this address:",

    settings_language: "Language",
    settings_language_hint: "The choice is remembered on this device.",
    settings_municipality: "Municipality",
    settings_municipality_hint: "The guidance and contacts follow the chosen municipality.",
    settings_saved: "Saved",
    settings_more_later: "More settings (PIN lock, deleting data, sync) come in later versions.",

    notice_setting_quarantined: "A saved setting could not be read. It was set aside, not deleted, and the default settings are used.",
    notice_storage_unavailable: "The browser does not let the app store data. Your choices last only until the page is closed.",
    notice_setting_unreadable_full: "A saved setting could not be read, and the device has no room to set it aside. It was left untouched, and the default settings are used.",
    notice_storage_write_failed: "Your choice could not be saved on the device. It lasts until the page is closed.",
    notice_dismiss: "Dismiss message",

    footer_local_only: "Data is stored only on this device.",
};
