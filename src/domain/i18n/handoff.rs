//! The hand-off page's texts ("Giv videre som fil", issue 18, item 7): a table of their own, read
//! only by that page, so they sit in its wasm chunk. Same rules as [`super::Texts`]: every text in
//! both languages (a missing one is a compile error), none empty, English translated. The page's
//! title and the concern page's link are two small functions, as the navigation and the concern
//! page (other chunks) need them.

use super::{Lang, Texts};
use crate::domain::handoff::HandoffError;
use serde::Serialize;

/// The page's title (the page table's `title`, which has only the text table to go by).
pub fn page_title(t: &Texts) -> &'static str {
    if super::english().is_some_and(|en| std::ptr::eq(t, en)) {
        "Hand over a concern as a file"
    } else {
        "Giv en bekymring videre som fil"
    }
}

/// The link on a concern's page.
pub fn link(lang: Lang) -> &'static str {
    match lang {
        Lang::Da => "Giv videre som fil",
        Lang::En => "Hand over as a file",
    }
}

#[derive(Debug, Serialize)]
pub struct HandoffTexts {
    pub intro: &'static str,
    pub send_title: &'static str,
    pub concern_label: &'static str,
    pub no_concern: &'static str,
    pub concern_missing: &'static str,
    pub training_no_send: &'static str,
    pub how_legend: &'static str,
    pub to_team: &'static str,
    pub with_code: &'static str,
    pub no_team: &'static str,
    pub make_file: &'static str,
    pub making: &'static str,
    pub made_team: &'static str,
    pub made_code: &'static str,
    pub code_label: &'static str,
    pub code_once: &'static str,
    pub qr_label: &'static str,
    pub receive_title: &'static str,
    pub receive_help: &'static str,
    pub file_label: &'static str,
    pub enter_code_label: &'static str,
    pub enter_code_help: &'static str,
    pub team_file: &'static str,
    pub open: &'static str,
    pub opening: &'static str,
    pub received: &'static str,
    pub see_list: &'static str,
    pub too_large: &'static str,
    pub not_handoff: &'static str,
    pub damaged: &'static str,
    pub newer_version: &'static str,
    pub not_on_team: &'static str,
    pub no_key_for_epoch: &'static str,
    pub code_malformed: &'static str,
    pub wrong_code: &'static str,
    pub already_here: &'static str,
    pub read_failed: &'static str,
    pub browser_failed: &'static str,
    pub write_failed: &'static str,
}

pub static DA: HandoffTexts = HandoffTexts {
    intro: "Giv én bekymring videre til en anden enhed som en krypteret fil — uden nogen server. Filen kan kun åbnes med holdets nøgle eller med en engangskode, som kun vises her på skærmen.",
    send_title: "Giv bekymringen videre",
    concern_label: "Bekymring for {child}",
    no_concern: "Vælg først en bekymring under »Bekymringer« og tryk »Giv videre som fil« på den.",
    concern_missing: "Bekymringen findes ikke på denne enhed.",
    training_no_send: "Undervisningstilstand er slået til: øvelsesdata gives ikke videre.",
    how_legend: "Hvem skal kunne åbne filen?",
    to_team: "Til en på holdet {team}",
    with_code: "Med en engangskode",
    no_team: "Denne enhed er ikke med på et hold; filen kan låses med en engangskode.",
    make_file: "Lav den krypterede fil",
    making: "Krypterer …",
    made_team: "Filen {file} er hentet. Den kan kun åbnes på en enhed, der er med på holdet {team}.",
    made_code: "Filen {file} er hentet.",
    code_label: "Engangskode",
    code_once: "Koden vises kun denne ene gang. Sig den til modtageren ansigt til ansigt eller i telefonen — aldrig i samme mail, besked eller mappe som filen. Filen kan kun åbnes med koden.",
    qr_label: "Den krypterede fil som QR-kode",
    receive_title: "Modtag en fil",
    receive_help: "Vælg en .sspo-fil, du har fået. Intet gemmes, før filen er åbnet og kontrolleret.",
    file_label: "Fil",
    enter_code_label: "Engangskoden fra afsenderen",
    enter_code_help: "12 tegn. Store eller små bogstaver, med eller uden mellemrum og bindestreger.",
    team_file: "Filen er låst til holdet {team} og åbnes med holdets nøgle.",
    open: "Åbn filen",
    opening: "Åbner …",
    received: "Bekymringen for {child} er tilføjet på denne enhed.",
    see_list: "Se bekymringerne",
    too_large: "Filen er for stor til at være en bekymring (højst 1 MB). Intet er ændret.",
    not_handoff: "Det er ikke en fil fra »Giv videre som fil« i SSP Handleguide. Intet er ændret.",
    damaged: "Filen er ødelagt eller ændret undervejs og kan ikke åbnes. Bed afsenderen om en ny. Intet er ændret.",
    newer_version: "Filen er lavet af en nyere udgave af appen. Opdatér appen på denne enhed først. Intet er ændret.",
    not_on_team: "Filen er låst til et hold, denne enhed ikke er med på. Bed afsenderen om en fil med engangskode. Intet er ændret.",
    no_key_for_epoch: "Denne enhed har ikke holdets nøgle til filen endnu (den er skiftet). Synkronisér holdet under »Hold«, og prøv igen. Intet er ændret.",
    code_malformed: "Koden skal være 12 tegn: tal og bogstaver som på afsenderens skærm. Intet er ændret.",
    wrong_code: "Koden passer ikke til filen (eller filen er ændret). Tjek koden med afsenderen. Intet er ændret.",
    already_here: "Bekymringen findes allerede på denne enhed. Den her er beholdt uændret, og filen er ikke lagt ind.",
    read_failed: "Filen kunne ikke læses. Intet er ændret.",
    browser_failed: "Browseren kunne ikke kryptere eller dekryptere (kræver en sikker forbindelse). Intet er ændret.",
    write_failed: "Bekymringen kunne ikke gemmes på enheden. Intet er ændret.",
};

pub static EN: HandoffTexts = HandoffTexts {
    intro: "Hand one concern to another device as an encrypted file — with no server at all. The file opens only with the team's key or with a one-time code that is shown only here on screen.",
    send_title: "Hand over the concern",
    concern_label: "Concern about {child}",
    no_concern: "First choose a concern under \"Concerns\" and press \"Hand over as a file\" on it.",
    concern_missing: "The concern is not on this device.",
    training_no_send: "Training mode is on: practice data is not handed over.",
    how_legend: "Who should be able to open the file?",
    to_team: "Someone on the team {team}",
    with_code: "With a one-time code",
    no_team: "This device is not on a team; the file can be locked with a one-time code.",
    make_file: "Make the encrypted file",
    making: "Encrypting …",
    made_team: "The file {file} was downloaded. It opens only on a device that is on the team {team}.",
    made_code: "The file {file} was downloaded.",
    code_label: "One-time code",
    code_once: "The code is shown this one time only. Tell it to the receiver face to face or by phone — never in the same email, message or folder as the file. The file opens only with the code.",
    qr_label: "The encrypted file as a QR code",
    receive_title: "Receive a file",
    receive_help: "Choose an .sspo file you were given. Nothing is saved until the file has been opened and checked.",
    file_label: "File",
    enter_code_label: "The one-time code from the sender",
    enter_code_help: "12 characters. Upper or lower case, with or without spaces and hyphens.",
    team_file: "The file is locked to the team {team} and opens with the team's key.",
    open: "Open the file",
    opening: "Opening …",
    received: "The concern about {child} was added on this device.",
    see_list: "See the concerns",
    too_large: "The file is too large to be a concern (1 MB at most). Nothing was changed.",
    not_handoff: "This is not a file from \"Hand over as a file\" in SSP Handleguide. Nothing was changed.",
    damaged: "The file is damaged or was changed on the way and cannot be opened. Ask the sender for a new one. Nothing was changed.",
    newer_version: "The file was made by a newer version of the app. Update the app on this device first. Nothing was changed.",
    not_on_team: "The file is locked to a team this device is not on. Ask the sender for a file with a one-time code. Nothing was changed.",
    no_key_for_epoch: "This device does not have the team's key for the file yet (it was changed). Sync the team under \"Teams\" and try again. Nothing was changed.",
    code_malformed: "The code must be 12 characters: digits and letters as on the sender's screen. Nothing was changed.",
    wrong_code: "The code does not fit the file (or the file was changed). Check the code with the sender. Nothing was changed.",
    already_here: "The concern is already on this device. The one here was kept unchanged, and the file was not added.",
    read_failed: "The file could not be read. Nothing was changed.",
    browser_failed: "The browser could not encrypt or decrypt (it needs a secure connection). Nothing was changed.",
    write_failed: "The concern could not be saved on the device. Nothing was changed.",
};

/// The hand-off page's text table for `lang`.
pub fn handoff_texts(lang: Lang) -> &'static HandoffTexts {
    match lang {
        Lang::Da => &DA,
        Lang::En => &EN,
    }
}

/// What the page says for a refused hand-off.
pub fn error_text(e: &HandoffError, t: &HandoffTexts) -> &'static str {
    match e {
        HandoffError::TooLarge => t.too_large,
        HandoffError::NotHandoff => t.not_handoff,
        HandoffError::Damaged => t.damaged,
        HandoffError::NewerVersion => t.newer_version,
        HandoffError::NotOnTeam => t.not_on_team,
        HandoffError::NoKeyForEpoch { .. } => t.no_key_for_epoch,
        HandoffError::CodeMalformed => t.code_malformed,
        HandoffError::WrongCode => t.wrong_code,
        HandoffError::AlreadyHere => t.already_here,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_is_there_and_english_is_translated() {
        crate::domain::i18n::assert_translated(
            handoff_texts(Lang::Da),
            handoff_texts(Lang::En),
            &["{child}", "{team}", "{file}"],
        );
        assert_ne!(link(Lang::Da), link(Lang::En));
        let (tda, ten) = (super::super::texts(Lang::Da), super::super::texts(Lang::En));
        assert_ne!(page_title(tda), page_title(ten));
    }

    #[test]
    fn every_refusal_says_nothing_was_changed_in_both_languages() {
        use HandoffError::*;
        let all = [
            TooLarge,
            NotHandoff,
            Damaged,
            NewerVersion,
            NotOnTeam,
            NoKeyForEpoch { epoch: 2 },
            CodeMalformed,
            WrongCode,
            AlreadyHere,
        ];
        for e in &all {
            let (d, en) = (error_text(e, &DA), error_text(e, &EN));
            assert!(
                d.contains("Intet er ændret") || d.contains("uændret"),
                "{e:?}: {d}"
            );
            assert!(
                en.contains("Nothing was changed") || en.contains("unchanged"),
                "{e:?}: {en}"
            );
        }
        // Each refusal has its own words.
        let distinct: std::collections::HashSet<_> =
            all.iter().map(|e| error_text(e, &DA)).collect();
        assert_eq!(distinct.len(), all.len());
    }
}
