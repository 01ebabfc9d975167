use super::Texts;

pub(super) const DA: Texts = Texts {
    app_name: "SSP Handleguide",
    app_tagline: "Hjælp til næste skridt, når du er bekymret for et barn",
    skip_to_content: "Gå til indhold",
    nav_label: "Hovedmenu",
    lang_switch_label: "Skift sprog til",
    hide_screen: "Skjul skærm",
    hidden_screen_label: "Skærmen er skjult",
    show_screen_again: "Vis skærmen igen",
    municipality_none: "Ingen kommune valgt",

    page_start: "Forside",
    page_new_concern: "Jeg er bekymret for et barn",
    page_guide: "Hvad skal jeg gøre?",
    page_staircase: "Indsatstrappen",
    page_organisation: "Organisation",
    page_concerns: "Gemte bekymringer",
    page_training: "Undervisning",
    page_settings: "Indstillinger",

    nav_start: "Forside",
    nav_guide: "Vejledning",
    nav_staircase: "Indsatstrappen",
    nav_organisation: "Organisation",
    nav_concerns: "Bekymringer",
    nav_training: "Undervisning",
    nav_settings: "Indstillinger",

    choose_municipality_title: "Vælg din kommune",
    choose_municipality_intro: "Vejledningen følger din kommunes SSP-samarbejde: hvem du kontakter, og hvilke indsatser I har.",
    choose_municipality_later: "Du kan altid skifte kommune under Indstillinger.",
    import_profile_later: "Import af jeres egen kommuneprofil kommer i en senere version.",

    start_title: "Hvad har du brug for?",
    start_intro: "Få klare næste skridt, når du er bekymret for et barn eller en ung. Alt bliver på denne enhed.",
    action_concern_title: "Jeg er bekymret for et barn",
    action_concern_body: "Få vejledning og gem bekymringen med initialer, handleplan og opfølgningsdato.",
    action_guide_title: "Hvad skal jeg gøre?",
    action_guide_body: "Få de samme konkrete råd uden at gemme noget.",
    start_more_title: "Se også",

    coming_soon_badge: "Kommer snart",
    coming_soon_body: "Denne del af SSP Handleguide er ikke bygget endnu. Den kommer i en senere version.",
    back_to_start: "Til forsiden",

    not_found_title: "Siden findes ikke",
    not_found_body: "Der er ingen side på denne adresse:",

    settings_language: "Sprog",
    settings_language_hint: "Valget huskes på denne enhed.",
    settings_municipality: "Kommune",
    settings_municipality_hint: "Vejledningen og kontaktpersonerne følger den valgte kommune.",
    settings_saved: "Gemt",
    settings_more_later: "Flere indstillinger (PIN-lås, sletning af data, synkronisering) kommer i senere versioner.",

    notice_setting_quarantined: "En gemt indstilling kunne ikke læses. Den er lagt til side, ikke slettet, og standardindstillingerne bruges.",
    notice_storage_unavailable: "Browseren tillader ikke, at appen gemmer data. Dine valg gælder kun, indtil siden lukkes.",
    notice_setting_unreadable_full: "En gemt indstilling kunne ikke læses, og enheden har ikke plads til at lægge den til side. Den er ikke rørt, og standardindstillingerne bruges.",
    notice_storage_write_failed: "Dit valg kunne ikke gemmes på enheden. Det gælder, indtil siden lukkes.",
    notice_dismiss: "Luk besked",

    footer_local_only: "Data gemmes kun på denne enhed.",
};
