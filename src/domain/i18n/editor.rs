//! The profile editor's texts: a table of their own, read only by the editor, so they sit in the
//! editor's wasm chunk and not on the first screen. Same rules as [`super::Texts`]: every text in
//! both languages (a missing one is a compile error), none empty, English translated.

use super::Lang;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct EditorTexts {
    pub intro: &'static str,
    pub start_blank: &'static str,
    pub start_copy: &'static str,
    pub new_name_label: &'static str,
    pub new_name_help: &'static str,
    pub draft_found: &'static str,
    pub draft_continue: &'static str,
    pub draft_discard: &'static str,
    pub discard_confirm: &'static str,
    pub undo: &'static str,
    pub redo: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub save_failed: &'static str,
    pub export: &'static str,
    pub close: &'static str,
    pub kept_note: &'static str,
    pub problems_title: &'static str,
    pub problems_none: &'static str,
    pub section_municipality: &'static str,
    pub name_label: &'static str,
    pub id_label: &'static str,
    pub id_help: &'static str,
    pub section_door: &'static str,
    pub door_help: &'static str,
    pub door_role: &'static str,
    pub door_none: &'static str,
    pub door_text: &'static str,
    pub section_roles: &'static str,
    pub roles_help: &'static str,
    pub role_name: &'static str,
    pub role_description: &'static str,
    pub role_functions: &'static str,
    pub add_role: &'static str,
    pub section_levels: &'static str,
    pub levels_help: &'static str,
    pub level_title: &'static str,
    pub level_goal: &'static str,
    pub add_level: &'static str,
    pub section_interventions: &'static str,
    pub interventions_help: &'static str,
    pub intervention_name: &'static str,
    pub intervention_levels: &'static str,
    pub intervention_topics: &'static str,
    pub intervention_action_plan: &'static str,
    pub add_intervention: &'static str,
    pub new_item_name: &'static str,
    pub remove: &'static str,
    pub move_up: &'static str,
    pub move_down: &'static str,
    pub still_named: &'static str,
    pub remove_anyway: &'static str,
    pub keep_it: &'static str,
    pub preview_title: &'static str,
    pub preview_empty: &'static str,
    pub cpr_warning: &'static str,
    pub item_role: &'static str,
    pub section_texts: &'static str,
    pub texts_help: &'static str,
    /// In the order of `TextList::ALL`: about, policy basis, goals, values, success criteria.
    pub text_lists: [&'static str; 5],
    pub item_text: &'static str,
    pub add_text: &'static str,
    pub item_level: &'static str,
    pub item_intervention: &'static str,
    /// In the order of `Function::ALL`.
    pub functions: [&'static str; 8],
}

pub static DA: EditorTexts = EditorTexts {
    intro: "Her laver du kommunens egen profil i formularer: roller, døren til sparring og indsatstrappen. Billedet af trappen følger med, mens du skriver. Kladden gemmes på enheden hele tiden, så intet går tabt.",
    start_blank: "Start med en tom profil",
    start_copy: "Start med en kopi af den valgte profil",
    new_name_label: "Kommunens navn",
    new_name_help: "For eksempel »Testrup Kommune«. Profilen får sit eget id ud fra navnet.",
    draft_found: "Der ligger en kladde på enheden:",
    draft_continue: "Fortsæt kladden",
    draft_discard: "Kassér kladden",
    discard_confirm: "Kladden slettes fra enheden. Gemte profiler ændres ikke.",
    undo: "Fortryd",
    redo: "Gentag",
    save: "Gem profilen",
    saved: "Profilen er gemt på enheden og kan vælges under Indstillinger.",
    save_failed: "Profilen kunne ikke gemmes på enheden. Kladden er ikke ændret.",
    export: "Eksportér som fil",
    close: "Luk editoren",
    kept_note: "Kladden gemmes på enheden, mens du skriver.",
    problems_title: "Det mangler, før profilen kan gemmes",
    problems_none: "Profilen er gyldig og kan gemmes.",
    section_municipality: "Kommunen",
    name_label: "Navn",
    id_label: "Id",
    id_help: "Profilens faste id. Det skifter ikke, når navnet ændres.",
    section_door: "Døren til sparring",
    door_help: "Hvem spørger en bekymret medarbejder først? Vælg rollen, og skriv med kommunens ord, hvad døren er.",
    door_role: "Rollen bag døren",
    door_none: "Vælg en rolle",
    door_text: "Hvad døren er",
    section_roles: "Roller og kontakter",
    roles_help: "Funktioner, ikke personer: for eksempel SSP-konsulent, politiet eller socialrådgiver. Skriv aldrig navne på personer.",
    role_name: "Rollens navn",
    role_description: "Hvad rollen gør",
    role_functions: "Rollens opgaver i vejledningen",
    add_role: "Tilføj rolle",
    section_levels: "Indsatstrappens trin",
    levels_help: "Trin 1 er for alle børn; de højere trin er mere målrettede. Skriv hvert trins mål.",
    level_title: "Trinnets navn",
    level_goal: "Trinnets mål",
    add_level: "Tilføj trin",
    section_interventions: "Indsatser",
    interventions_help: "Hver indsats står på et eller flere trin og kan knyttes til emner fra den fælles emneliste.",
    intervention_name: "Indsatsens navn",
    intervention_levels: "Trin",
    intervention_topics: "Emner",
    intervention_action_plan: "Indsatsen er (eller har) en handleplan",
    add_intervention: "Tilføj indsats",
    new_item_name: "Navn på det nye punkt",
    remove: "Fjern",
    move_up: "Flyt op",
    move_down: "Flyt ned",
    still_named: "Den nævnes stadig disse steder. Ret dem bagefter, ellers kan profilen ikke gemmes:",
    remove_anyway: "Fjern alligevel",
    keep_it: "Behold",
    preview_title: "Indsatstrappen, som lærerne vil se den",
    preview_empty: "Trappen vises her, når der er et trin.",
    cpr_warning: "Teksten ligner et CPR-nummer. En profil må ikke indeholde personoplysninger.",
    item_role: "Rolle",
    section_texts: "Grundlag, mål og værdier",
    texts_help: "Med kommunens egne ord, som de står i dens dokumenter. Hvert punkt er én sætning eller et kort afsnit.",
    text_lists: ["Sådan er SSP sat op", "Politikker, arbejdet bygger på", "Mål", "Værdier", "Succeskriterier"],
    item_text: "Tekst",
    add_text: "Tilføj",
    item_level: "Trin",
    item_intervention: "Indsats",
    functions: [
        "SSP-konsulent",
        "Politiet",
        "Børne- og familierådgivning",
        "Skolens SSP-kontakt",
        "§ 115-forum",
        "Infohus",
        "Tværfagligt forum",
        "Medarbejderens leder",
    ],
};

pub static EN: EditorTexts = EditorTexts {
    intro: "Here you build the municipality's own profile in forms: roles, the door for sparring and the intervention staircase. The picture of the staircase follows as you type. The draft is kept on the device all the time, so nothing is lost.",
    start_blank: "Start with an empty profile",
    start_copy: "Start with a copy of the chosen profile",
    new_name_label: "The municipality's name",
    new_name_help: "For example \"Testrup Kommune\". The profile gets its own id from the name.",
    draft_found: "There is a draft on this device:",
    draft_continue: "Continue the draft",
    draft_discard: "Discard the draft",
    discard_confirm: "The draft is deleted from the device. Saved profiles do not change.",
    undo: "Undo",
    redo: "Redo",
    save: "Save the profile",
    saved: "The profile is saved on this device and can be chosen in Settings.",
    save_failed: "The profile could not be saved on this device. The draft is unchanged.",
    export: "Export as a file",
    close: "Close the editor",
    kept_note: "The draft is kept on the device as you type.",
    problems_title: "What is missing before the profile can be saved",
    problems_none: "The profile is valid and can be saved.",
    section_municipality: "The municipality",
    name_label: "Name",
    id_label: "Id",
    id_help: "The profile's fixed id. It does not change when the name does.",
    section_door: "The door for sparring",
    door_help: "Whom does a worried employee ask first? Choose the role, and say in the municipality's words what the door is.",
    door_role: "The role behind the door",
    door_none: "Choose a role",
    door_text: "What the door is",
    section_roles: "Roles and contacts",
    roles_help: "Functions, not people: for example the SSP consultant, the police or a social worker. Never write the names of people.",
    role_name: "The role's name",
    role_description: "What the role does",
    role_functions: "The role's tasks in the guide",
    add_role: "Add a role",
    section_levels: "The staircase's levels",
    levels_help: "Level 1 is for all children; the higher levels are more targeted. Write each level's goal.",
    level_title: "The level's name",
    level_goal: "The level's goal",
    add_level: "Add a level",
    section_interventions: "Interventions",
    interventions_help: "Each intervention is on one or more levels and can be linked to topics from the shared topic list.",
    intervention_name: "The intervention's name",
    intervention_levels: "Levels",
    intervention_topics: "Topics",
    intervention_action_plan: "The intervention is (or has) an action plan",
    add_intervention: "Add an intervention",
    new_item_name: "Name of the new item",
    remove: "Remove",
    move_up: "Move up",
    move_down: "Move down",
    still_named: "It is still named in these places. Correct them afterwards, or the profile cannot be saved:",
    remove_anyway: "Remove anyway",
    keep_it: "Keep it",
    preview_title: "The intervention staircase, as teachers will see it",
    preview_empty: "The staircase is shown here once there is a level.",
    cpr_warning: "The text looks like a CPR number. A profile must not hold personal data.",
    item_role: "Role",
    section_texts: "Basis, goals and values",
    texts_help: "In the municipality's own words, as its documents put them. Each item is one sentence or a short paragraph.",
    text_lists: ["How SSP is set up", "Policies the work builds on", "Goals", "Values", "Success criteria"],
    item_text: "Text",
    add_text: "Add",
    item_level: "Level",
    item_intervention: "Intervention",
    functions: [
        "SSP consultant",
        "The police",
        "Children and family services",
        "The school's SSP contact",
        "Section 115 forum",
        "Infohus",
        "Cross-disciplinary forum",
        "The employee's leader",
    ],
};

/// The editor's text table for `lang`.
pub fn editor_texts(lang: Lang) -> &'static EditorTexts {
    match lang {
        Lang::Da => &DA,
        Lang::En => &EN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn flat(lang: Lang) -> Vec<(String, String)> {
        let Value::Object(map) = serde_json::to_value(editor_texts(lang)).unwrap() else {
            panic!("an object")
        };
        let mut out = Vec::new();
        for (key, value) in map {
            match value {
                Value::String(s) => out.push((key, s)),
                Value::Array(items) => {
                    for (i, v) in items.into_iter().enumerate() {
                        out.push((format!("{key}[{i}]"), v.as_str().unwrap().to_string()));
                    }
                }
                other => panic!("{key}: {other}"),
            }
        }
        out
    }

    #[test]
    fn every_text_is_there_and_english_is_translated() {
        let (da, en) = (flat(Lang::Da), flat(Lang::En));
        assert_eq!(da.len(), en.len());
        // Names that are the same word in both languages.
        let same = ["functions[5]", "id_label"];
        for ((key, d), (_, e)) in da.iter().zip(&en) {
            assert!(
                !d.trim().is_empty() && !e.trim().is_empty(),
                "{key} is empty"
            );
            if !same.contains(&key.as_str()) {
                assert_ne!(d, e, "{key} is not translated");
            }
        }
    }
}
