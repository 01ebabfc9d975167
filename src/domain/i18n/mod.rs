//! UI text: one typed table per language.
//!
//! [`Texts`] has one field per piece of UI text, so a text missing in one language is a
//! compile error; the tests below also catch empty texts and untranslated copies. Guidance,
//! legal facts and municipality content are *not* here: they live in data files with their
//! sources.

use serde::{Deserialize, Serialize};

mod da;
mod en;

/// The languages the app speaks. Danish first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Da,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Da, Lang::En];

    /// BCP 47 tag for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Da => "da",
            Lang::En => "en",
        }
    }

    /// The other language, for the one-button switch.
    pub fn other(self) -> Lang {
        match self {
            Lang::Da => Lang::En,
            Lang::En => Lang::Da,
        }
    }

    /// The language's name in itself, as shown on the switch.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::Da => "Dansk",
            Lang::En => "English",
        }
    }
}

/// Every piece of UI chrome text. Field names are the keys.
#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct Texts {
    pub app_name: &'static str,
    pub app_tagline: &'static str,
    pub skip_to_content: &'static str,
    pub nav_label: &'static str,
    pub lang_switch_label: &'static str,
    pub hide_screen: &'static str,
    pub hidden_screen_label: &'static str,
    pub show_screen_again: &'static str,
    pub municipality_none: &'static str,

    pub page_start: &'static str,
    pub page_new_concern: &'static str,
    pub page_guide: &'static str,
    pub page_staircase: &'static str,
    pub page_organisation: &'static str,
    pub page_concerns: &'static str,
    pub page_training: &'static str,
    pub page_settings: &'static str,

    pub nav_start: &'static str,
    pub nav_guide: &'static str,
    pub nav_staircase: &'static str,
    pub nav_organisation: &'static str,
    pub nav_concerns: &'static str,
    pub nav_training: &'static str,
    pub nav_settings: &'static str,

    pub choose_municipality_title: &'static str,
    pub choose_municipality_intro: &'static str,
    pub choose_municipality_later: &'static str,

    pub start_title: &'static str,
    pub start_intro: &'static str,
    pub action_concern_title: &'static str,
    pub action_concern_body: &'static str,
    pub action_guide_title: &'static str,
    pub action_guide_body: &'static str,
    pub start_more_title: &'static str,

    pub back_to_start: &'static str,

    pub not_found_title: &'static str,
    pub not_found_body: &'static str,

    pub settings_language: &'static str,
    pub settings_language_hint: &'static str,
    pub settings_municipality: &'static str,
    pub settings_municipality_hint: &'static str,
    pub settings_saved: &'static str,
    pub settings_more_later: &'static str,

    pub notice_setting_quarantined: &'static str,
    pub notice_storage_unavailable: &'static str,
    pub notice_setting_unreadable_full: &'static str,
    pub notice_storage_write_failed: &'static str,
    pub notice_dismiss: &'static str,

    pub page_profile: &'static str,
    pub years: &'static str,
    pub not_stated: &'static str,
    pub choose_municipality_first: &'static str,
    pub choose_municipality_link: &'static str,
    pub import_own_profile: &'static str,
    pub profile_intro: &'static str,
    pub profile_sources: &'static str,
    pub profile_target_age: &'static str,
    pub profile_about: &'static str,
    pub profile_policy_basis: &'static str,
    pub profile_goals: &'static str,
    pub profile_values: &'static str,
    pub profile_success_criteria: &'static str,
    pub profile_roles: &'static str,
    pub profile_sparring_door: &'static str,
    pub profile_helps_with: &'static str,
    pub profile_methods: &'static str,
    pub profile_partners: &'static str,
    pub profile_builtin: &'static str,
    pub profile_imported: &'static str,
    pub source_label: &'static str,
    pub mapped_label: &'static str,
    pub mapped_dkr: &'static str,
    pub mapped_editorial: &'static str,
    pub export_profile: &'static str,
    pub import_title: &'static str,
    pub import_intro: &'static str,
    pub import_file_label: &'static str,
    pub import_paste_label: &'static str,
    pub import_check: &'static str,
    pub import_errors_title: &'static str,
    pub import_error_path: &'static str,
    pub import_error_reason: &'static str,
    pub import_done: &'static str,
    pub import_use_it: &'static str,
    pub import_replace_question: &'static str,
    pub import_replace: &'static str,
    pub import_cancel: &'static str,
    pub import_builtin_clash: &'static str,
    pub import_empty: &'static str,
    pub import_save_failed: &'static str,
    pub import_file_unreadable: &'static str,
    pub imported_profiles: &'static str,
    pub no_imported_profiles: &'static str,
    pub delete_profile: &'static str,
    pub notice_profile_set_aside: &'static str,
    pub settings_profiles_link: &'static str,
    pub staircase_intro: &'static str,
    pub level_label: &'static str,
    pub filter_label: &'static str,
    pub filter_all: &'static str,
    pub view_label: &'static str,
    pub view_picture: &'static str,
    pub view_list: &'static str,
    pub no_interventions_for_topic: &'static str,
    pub action_plan_badge: &'static str,
    pub detail_close: &'static str,
    pub detail_description: &'static str,
    pub detail_target_group: &'static str,
    pub detail_topics: &'static str,
    pub topics_mapped_note: &'static str,
    pub legend_mapped: &'static str,
    pub legend_open: &'static str,
    pub legend_open_body: &'static str,
    pub legend_mapped_links: &'static str,
    pub parent_mapped_note: &'static str,
    pub organisation_intro: &'static str,
    pub organisation_empty: &'static str,
    pub kind_strategic: &'static str,
    pub kind_steering: &'static str,
    pub kind_network: &'static str,
    pub kind_meeting: &'static str,
    pub kind_team: &'static str,
    pub kind_local: &'static str,
    pub purpose_label: &'static str,
    pub members_label: &'static str,
    pub chair_label: &'static str,
    pub cadence_label: &'static str,
    pub cadence_not_stated: &'static str,
    pub convener_label: &'static str,
    pub parent_label: &'static str,
    pub cadence_strip_note: &'static str,
    pub guide_intro_guide: &'static str,
    pub guide_intro_concern: &'static str,
    pub progress_label: &'static str,
    pub progress_question: &'static str,
    pub progress_of: &'static str,
    pub next_button: &'static str,
    pub back_button: &'static str,
    pub restart: &'static str,
    pub restart_confirm: &'static str,
    pub restart_yes: &'static str,
    pub restart_no: &'static str,
    pub cleared_notice: &'static str,
    pub cpr_warning: &'static str,
    pub cpr_remove: &'static str,
    pub error_cpr_not_saved: &'static str,
    pub error_missing_observation: &'static str,
    pub error_too_few: &'static str,
    pub error_exclusive: &'static str,
    pub barometer_column: &'static str,
    pub outcome_title: &'static str,
    pub outcome_level: &'static str,
    pub duty_title: &'static str,
    pub duty_applies: &'static str,
    pub duty_not: &'static str,
    pub plan_title: &'static str,
    pub plan_who: &'static str,
    pub timing_now: &'static str,
    pub timing_today: &'static str,
    pub timing_this_week: &'static str,
    pub timing_follow_up: &'static str,
    pub staircase_place: &'static str,
    pub interventions_fit: &'static str,
    pub no_interventions_fit: &'static str,
    pub other_level_note: &'static str,
    pub legal_title: &'static str,
    pub not_confirmed: &'static str,
    /// The mark on a statement without a paragraph: practice, not law (with its source).
    pub practice_mark: &'static str,
    /// On the duty step: a ground the earlier answers already imply.
    pub implied_ground: &'static str,
    /// "None of these" when a ground is already implied: none of the others.
    pub duty_none_others: &'static str,
    /// Under the staircase placement: it is the guide's suggestion.
    pub staircase_suggested: &'static str,
    /// Under the staircase placement when the profile's levels are an editorial mapping.
    pub staircase_mapped: &'static str,
    pub follow_up_title: &'static str,
    pub follow_up_on: &'static str,
    pub print: &'static str,
    pub your_answers: &'static str,
    pub edit_answer: &'static str,
    pub acute_banner: &'static str,
    pub save_title: &'static str,
    pub save_intro: &'static str,
    pub child_label: &'static str,
    pub child_hint: &'static str,
    pub school_class_label: &'static str,
    pub my_role_label: &'static str,
    pub save_button: &'static str,
    pub problem_child_missing: &'static str,
    pub problem_child_too_long: &'static str,
    pub problem_child_name: &'static str,
    pub problem_cpr: &'static str,
    pub save_failed: &'static str,
    pub concerns_empty: &'static str,
    pub concerns_new: &'static str,
    pub status_open: &'static str,
    pub status_closed: &'static str,
    pub overdue: &'static str,
    pub follow_up_label: &'static str,
    pub created_label: &'static str,
    pub concern_not_found: &'static str,
    pub back_to_list: &'static str,
    pub observed_label: &'static str,
    pub child_words_label: &'static str,
    pub action_plan_title: &'static str,
    pub item_what: &'static str,
    pub item_who: &'static str,
    pub item_by: &'static str,
    pub item_done: &'static str,
    pub add_item: &'static str,
    pub history_title: &'static str,
    pub close_title: &'static str,
    pub close_reason_label: &'static str,
    pub close_button: &'static str,
    pub close_reason_missing: &'static str,
    pub reopen_button: &'static str,
    pub delete_button: &'static str,
    pub delete_confirm: &'static str,
    pub delete_yes: &'static str,
    pub notice_values_set_aside: &'static str,
    pub item_missing: &'static str,
    /// The roles a user can pick for the change history, separated by '|'.
    pub my_roles: &'static str,
    pub change_created: &'static str,
    pub change_done: &'static str,
    pub change_not_done: &'static str,
    pub change_item_added: &'static str,
    pub change_follow_up: &'static str,
    pub change_closed: &'static str,
    pub change_reopened: &'static str,
    pub change_notification: &'static str,
    pub notification_write: &'static str,
    pub notification_title: &'static str,
    pub notification_intro: &'static str,
    pub notification_send_to: &'static str,
    pub notification_channel_missing: &'static str,
    pub notification_empty: &'static str,
    pub notification_placeholder: &'static str,
    pub notification_copy: &'static str,
    pub notification_copied: &'static str,
    pub notification_copy_failed: &'static str,
    pub notification_cpr: &'static str,
    pub notification_name: &'static str,
    pub notification_name_hint: &'static str,
    pub notification_copy_anyway: &'static str,
    pub notification_print: &'static str,
    pub notification_back: &'static str,
    pub notification_in_memory: &'static str,
    pub notification_with_concern: &'static str,
    pub notification_save: &'static str,
    pub notification_saved: &'static str,
    pub notification_open: &'static str,
    pub notification_close: &'static str,
    pub notification_none: &'static str,
    pub notification_advised: &'static str,
    pub follow_up_change: &'static str,
    pub change_edited: &'static str,
    pub edit_details: &'static str,
    pub save_changes: &'static str,
    pub guide_invalid: &'static str,
    pub page_privacy: &'static str,
    pub data_title: &'static str,
    pub data_used: &'static str,
    pub data_used_of: &'static str,
    pub quarantine_title: &'static str,
    pub quarantine_intro: &'static str,
    pub quarantine_none: &'static str,
    pub quarantine_from: &'static str,
    pub quarantine_reason: &'static str,
    pub download: &'static str,
    pub delete: &'static str,
    pub clear_title: &'static str,
    pub clear_intro: &'static str,
    pub clear_confirm_label: &'static str,
    pub clear_confirm_word: &'static str,
    pub clear_button: &'static str,
    pub clear_wrong_word: &'static str,
    pub privacy_link: &'static str,
    pub privacy_where_title: &'static str,
    pub privacy_where: &'static str,
    pub privacy_what_title: &'static str,
    pub privacy_what: &'static str,
    pub privacy_guide_title: &'static str,
    pub privacy_guide: &'static str,
    pub privacy_how_long_title: &'static str,
    pub privacy_how_long: &'static str,
    pub page_conflicts: &'static str,
    pub sync_title: &'static str,
    pub sync_hint: &'static str,
    pub sync_enabled: &'static str,
    pub sync_kind: &'static str,
    pub sync_kind_json: &'static str,
    pub sync_kind_couch: &'static str,
    pub sync_url: &'static str,
    pub sync_url_hint: &'static str,
    pub sync_user: &'static str,
    pub sync_token: &'static str,
    pub sync_password: &'static str,
    pub sync_secret_sealed: &'static str,
    pub sync_secret_plain: &'static str,
    pub sync_save: &'static str,
    pub sync_saved: &'static str,
    pub sync_test: &'static str,
    pub sync_testing: &'static str,
    pub sync_test_ok: &'static str,
    pub sync_now: &'static str,
    pub sync_running: &'static str,
    pub sync_status_title: &'static str,
    pub sync_never: &'static str,
    pub sync_last: &'static str,
    pub sync_waiting: &'static str,
    pub sync_conflicts: &'static str,
    pub sync_conflicts_link: &'static str,
    pub sync_last_error: &'static str,
    pub sync_off_note: &'static str,
    pub sync_training_note: &'static str,
    pub sync_from_future: &'static str,
    pub sync_err_throttled: &'static str,
    pub sync_err_redirected: &'static str,
    pub sync_err_answer_too_large: &'static str,
    pub sync_rejected: &'static str,
    pub sync_url_empty: &'static str,
    pub sync_url_invalid: &'static str,
    pub sync_url_not_https: &'static str,
    pub sync_url_credentials: &'static str,
    pub sync_secret_missing: &'static str,
    pub sync_user_missing: &'static str,
    pub sync_err_network: &'static str,
    pub sync_err_unauthorized: &'static str,
    pub sync_err_forbidden: &'static str,
    pub sync_err_not_found: &'static str,
    pub sync_err_too_large: &'static str,
    pub sync_err_bad_answer: &'static str,
    pub sync_err_server: &'static str,
    pub conflicts_intro: &'static str,
    pub conflicts_none: &'static str,
    pub conflict_mine: &'static str,
    pub conflict_theirs: &'static str,
    pub conflict_deleted: &'static str,
    pub conflict_keep_mine: &'static str,
    pub conflict_take_theirs: &'static str,
    pub conflict_merge: &'static str,
    pub conflict_merge_hint: &'static str,
    pub conflict_resolved: &'static str,
    pub conflict_field: &'static str,
    pub conflict_badge: &'static str,
    pub cmp_pseudonym: &'static str,
    pub cmp_class: &'static str,
    pub cmp_level: &'static str,
    pub cmp_status: &'static str,
    pub cmp_follow_up: &'static str,
    pub cmp_plan: &'static str,
    pub cmp_history: &'static str,
    pub privacy_sync_title: &'static str,
    pub privacy_sync: &'static str,
    pub conflict_differs: &'static str,
    pub sync_secret_stored: &'static str,
    pub conflict_theirs_deleted_note: &'static str,
    pub conflict_mine_deleted_note: &'static str,
    pub privacy_notify_title: &'static str,
    pub privacy_notify: &'static str,
    pub conflict_message: &'static str,
    pub conflict_reload: &'static str,
    pub conflict_keep_both: &'static str,
    pub backup_title: &'static str,
    pub backup_intro: &'static str,
    pub export_all: &'static str,
    pub import_all_label: &'static str,
    pub import_plan_title: &'static str,
    pub import_plan_add: &'static str,
    pub import_plan_replace: &'static str,
    pub import_plan_keep: &'static str,
    pub import_plan_profiles: &'static str,
    pub import_plan_settings: &'static str,
    pub import_plan_nothing_deleted: &'static str,
    pub import_apply: &'static str,
    pub import_all_done: &'static str,
    pub import_all_failed: &'static str,
    pub notice_storage_full: &'static str,
    pub retry: &'static str,
    pub notice_needs_update: &'static str,
    pub update_ready: &'static str,
    pub update_reload: &'static str,
    pub retention_pending: &'static str,
    pub retention_deleted: &'static str,
    pub retention_label: &'static str,
    pub retention_hint: &'static str,
    pub days: &'static str,
    pub to_settings: &'static str,
    pub footer_local_only: &'static str,
    pub footer_synced: &'static str,
    pub lock_title: &'static str,
    pub lock_intro: &'static str,
    pub pin_label: &'static str,
    pub unlock_button: &'static str,
    pub pin_busy: &'static str,
    pub pin_wrong: &'static str,
    pub pin_wait: &'static str,
    pub seconds: &'static str,
    pub lock_damaged: &'static str,
    pub lock_browser: &'static str,
    pub forgot_pin_title: &'static str,
    pub forgot_pin_text: &'static str,
    pub lock_now: &'static str,
    pub pin_section_title: &'static str,
    pub pin_recommended: &'static str,
    pub pin_forgot_warning: &'static str,
    pub pin_understood: &'static str,
    pub pin_new_label: &'static str,
    pub pin_repeat_label: &'static str,
    pub pin_set_button: &'static str,
    pub pin_current_label: &'static str,
    pub pin_change_title: &'static str,
    pub pin_change_button: &'static str,
    pub pin_remove_title: &'static str,
    pub pin_remove_hint: &'static str,
    pub pin_remove_button: &'static str,
    pub pin_set_done: &'static str,
    pub pin_changed: &'static str,
    pub pin_removed: &'static str,
    pub pin_problem_length: &'static str,
    pub pin_problem_digits: &'static str,
    pub pin_problem_easy: &'static str,
    pub pin_problem_mismatch: &'static str,
    pub pin_must_understand: &'static str,
    pub pin_store_failed: &'static str,
    pub auto_lock_label: &'static str,
    pub auto_lock_hint: &'static str,
    pub lock_intro_passphrase: &'static str,
    pub passphrase_label: &'static str,
    pub lock_kind_legend: &'static str,
    pub lock_kind_pin: &'static str,
    pub lock_kind_passphrase: &'static str,
    pub lock_protects_title: &'static str,
    pub lock_protects_pin: &'static str,
    pub lock_protects_passphrase: &'static str,
    pub lock_kind_device: &'static str,
    pub lock_protects_device: &'static str,
    pub lock_intro_device: &'static str,
    pub device_key_failed_title: &'static str,
    pub device_key_failed: &'static str,
    pub device_key_gone: &'static str,
    pub device_unsupported: &'static str,
    pub passphrase_new_label: &'static str,
    pub passphrase_repeat_label: &'static str,
    pub passphrase_current_label: &'static str,
    pub strength_label: &'static str,
    pub strength_weak: &'static str,
    pub strength_fair: &'static str,
    pub strength_strong: &'static str,
    pub pin_problem_date: &'static str,
    pub passphrase_problem_length: &'static str,
    pub passphrase_problem_weak: &'static str,
    pub lock_status_complete: &'static str,
    pub lock_status_partial: &'static str,
    pub lock_no_room: &'static str,
    pub notice_concerns_some_set_aside: &'static str,
    pub notice_concerns_none_readable: &'static str,
    pub notice_see_set_aside: &'static str,
    pub reason_damaged: &'static str,
    pub reason_not_opened: &'static str,
    pub reason_upgrade: &'static str,
    pub reason_profile: &'static str,
    pub reason_other: &'static str,
    pub reason_detail: &'static str,
    pub minutes: &'static str,
    pub backup_not_encrypted: &'static str,
    pub training_banner: &'static str,
    pub training_leave: &'static str,
    pub training_reset: &'static str,
    pub training_reset_done: &'static str,
    pub large_text: &'static str,
    pub training_intro: &'static str,
    pub training_start: &'static str,
    pub training_cases_title: &'static str,
    pub training_walk: &'static str,
    pub training_fill: &'static str,
    pub training_case_label: &'static str,
    pub training_facit_title: &'static str,
    pub training_expected: &'static str,
    pub training_yours: &'static str,
    pub training_match: &'static str,
    pub training_differs: &'static str,
    pub training_discussion: &'static str,
    pub training_row_level: &'static str,
    pub training_row_acute: &'static str,
    pub training_row_duty: &'static str,
    pub training_row_no_parents_first: &'static str,
    pub training_row_notification: &'static str,
    pub training_row_police: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub training_back_to_cases: &'static str,
    pub training_save_note: &'static str,
    pub training_no_backup: &'static str,
    pub minute: &'static str,
    pub overview_total: &'static str,
    pub overview_open: &'static str,
    pub overview_closed: &'static str,
    pub overview_overdue_follow_ups: &'static str,
    pub overview_overdue_items: &'static str,
    pub overview_staircase_unknown: &'static str,
    pub page_overview: &'static str,
    pub overview_intro: &'static str,
    pub overview_link: &'static str,
    pub overview_filter_legend: &'static str,
    pub overview_class_label: &'static str,
    pub overview_class_all: &'static str,
    pub overview_from_label: &'static str,
    pub overview_to_label: &'static str,
    pub overview_reset: &'static str,
    /// `{shown}` and `{all}` are replaced by the numbers.
    pub overview_showing: &'static str,
    pub overview_reversed: &'static str,
    pub overview_figures_title: &'static str,
    pub overview_by_topic: &'static str,
    pub overview_by_topic_note: &'static str,
    pub overview_by_level: &'static str,
    pub overview_by_staircase: &'static str,
    pub overview_by_staircase_note: &'static str,
    pub overview_by_month: &'static str,
    pub overview_no_months: &'static str,
    pub overview_col_topic: &'static str,
    pub overview_col_level: &'static str,
    pub overview_col_step: &'static str,
    pub overview_col_month: &'static str,
    pub overview_col_count: &'static str,
    pub overview_export_title: &'static str,
    pub overview_export: &'static str,
    pub overview_export_hint: &'static str,
    pub overview_empty: &'static str,
    /// The twelve month names, January first, separated by '|'.
    pub month_names: &'static str,
}

/// The text table for `lang`.
pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Da => &da::DA,
        Lang::En => &en::EN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, Value};

    fn table(lang: Lang) -> Map<String, Value> {
        match serde_json::to_value(texts(lang)).unwrap() {
            Value::Object(map) => map,
            other => panic!("texts serialise to an object, got {other}"),
        }
    }

    /// Keys whose Danish and English text are rightly the same word.
    const SAME_IN_BOTH: &[&str] = &[
        "app_name",
        "page_organisation",
        "nav_organisation",
        "kind_team",
        // "Case" is the word Danish SSP training uses.
        "training_cases_title",
        "training_case_label",
        "sync_status_title",
        "sync_token",
    ];

    #[test]
    fn every_key_exists_in_every_language() {
        let da = table(Lang::Da);
        for lang in Lang::ALL {
            let t = table(lang);
            let missing: Vec<_> = da.keys().filter(|k| !t.contains_key(*k)).collect();
            let extra: Vec<_> = t.keys().filter(|k| !da.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{lang:?} lacks {missing:?}");
            assert!(extra.is_empty(), "{lang:?} has extra {extra:?}");
        }
        assert!(da.len() > 40, "the table has all the shell's texts");
    }

    #[test]
    fn no_text_is_empty() {
        for lang in Lang::ALL {
            for (key, value) in table(lang) {
                let text = value.as_str().unwrap();
                assert!(!text.trim().is_empty(), "{lang:?}.{key} is empty");
            }
        }
    }

    #[test]
    fn english_is_translated_not_copied() {
        let (da, en) = (table(Lang::Da), table(Lang::En));
        for (key, da_text) in &da {
            if SAME_IN_BOTH.contains(&key.as_str()) {
                continue;
            }
            assert_ne!(Some(da_text), en.get(key), "{key} is not translated");
        }
    }

    #[test]
    fn danish_texts_use_danish_letters_not_ascii_stand_ins() {
        // "ae"/"oe"/"aa" stand-ins are a common slip when typing Danish on an English keyboard.
        for (key, value) in table(Lang::Da) {
            let text = value.as_str().unwrap().to_lowercase();
            for stand_in in [
                "skaerm",
                "kommer snaert",
                "foelg",
                "gaa ",
                "vaelg",
                "oversaet",
            ] {
                assert!(!text.contains(stand_in), "da.{key} has '{stand_in}'");
            }
        }
    }

    #[test]
    fn lang_tags_and_switch() {
        assert_eq!(Lang::default(), Lang::Da);
        assert_eq!(Lang::Da.other(), Lang::En);
        assert_eq!(Lang::En.other(), Lang::Da);
        assert_eq!(Lang::Da.tag(), "da");
        assert_eq!(serde_json::to_string(&Lang::En).unwrap(), "\"en\"");
    }
}
