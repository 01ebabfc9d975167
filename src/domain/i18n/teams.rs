//! The teams page's texts ("Hold", issue 18): a table of their own, read only by that page, so
//! they sit in its wasm chunk. Same rules as [`super::Texts`]: every text in both languages (a
//! missing one is a compile error), none empty, English translated.

use super::Lang;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct TeamTexts {
    pub intro: &'static str,
    pub what_server_sees: &'static str,
    pub training_note: &'static str,
    pub none_yet: &'static str,
    pub yours: &'static str,
    pub member: &'static str,
    pub shared_count: &'static str,
    pub last_sync: &'static str,
    pub never: &'static str,
    pub waiting: &'static str,
    pub aside: &'static str,
    pub last_error: &'static str,
    pub sync_now: &'static str,
    pub invite: &'static str,
    pub invite_title: &'static str,
    pub invite_face_to_face: &'static str,
    pub invite_qr_label: &'static str,
    pub invite_code_label: &'static str,
    pub invite_valid_until: &'static str,
    pub invite_copy: &'static str,
    pub invite_copied: &'static str,
    pub invite_close: &'static str,
    pub invite_making: &'static str,
    pub create_title: &'static str,
    pub create_help: &'static str,
    pub name_label: &'static str,
    pub name_help: &'static str,
    pub url_label: &'static str,
    pub organiser_label: &'static str,
    pub organiser_help: &'static str,
    pub create: &'static str,
    pub creating: &'static str,
    pub created: &'static str,
    pub name_missing: &'static str,
    pub name_too_long: &'static str,
    pub organiser_missing: &'static str,
    pub organiser_refused: &'static str,
    pub join_title: &'static str,
    pub join_help: &'static str,
    pub code_label: &'static str,
    pub join: &'static str,
    pub joining: &'static str,
    pub joined: &'static str,
    pub scan: &'static str,
    pub scan_stop: &'static str,
    pub scan_looking: &'static str,
    pub scan_failed: &'static str,
    pub already_member: &'static str,
    pub invite_used: &'static str,
    pub invite_expired: &'static str,
    pub store_failed: &'static str,
    pub couch_not_yet: &'static str,
    pub removed_here: &'static str,
    pub device_removed_done: &'static str,
    pub device_remove_no: &'static str,
    pub device_remove_yes: &'static str,
    pub device_remove_confirm: &'static str,
    pub device_remove: &'static str,
    pub device_removed: &'static str,
    pub device_here: &'static str,
    pub device_owner: &'static str,
    pub device_joined: &'static str,
    pub devices_title: &'static str,
    pub devices_show: &'static str,
    pub this_device: &'static str,
}

pub static DA: TeamTexts = TeamTexts {
    intro: "Et hold er de kolleger, der følger de samme børn — fx skolens SSP-kontakt og lærerne i en klasse. En bekymring, du deler med et hold, kan de andre på holdet se og skrive i. Det, du ikke deler, bliver på denne enhed.",
    what_server_sees: "Delte bekymringer krypteres på enheden, før de sendes. Serveren gemmer kun krypteret tekst: den kan se, hvor mange og hvor store bekymringerne er, og hvornår de ændres, men ikke hvad der står i dem. Nøglen findes kun på holdets enheder.",
    training_note: "Undervisningstilstand er slået til: holdene synkroniserer ikke, og øvelsesdata deles aldrig.",
    none_yet: "Denne enhed er ikke med på noget hold endnu.",
    yours: "Du oprettede holdet på denne enhed",
    member: "Denne enhed er med på holdet",
    shared_count: "Bekymringer delt med holdet: {n}",
    last_sync: "Sidst synkroniseret",
    never: "Endnu ikke",
    waiting: "Venter på at blive sendt",
    aside: "Kunne ikke åbnes og er lagt til side: {n}. De kan være krypteret med en nøgle, enheden ikke har fået endnu.",
    last_error: "Seneste fejl",
    sync_now: "Synkronisér nu",
    invite: "Inviter en kollega",
    invite_title: "Invitation til {team}",
    invite_face_to_face: "Vis kun koden ansigt til ansigt, og kun til en kollega, der skal være med. Koden giver adgang til holdets bekymringer. Send den ikke på mail eller chat.",
    invite_qr_label: "QR-kode med invitationen",
    invite_code_label: "Eller indsæt koden på den anden enhed",
    invite_valid_until: "Koden kan bruges én gang, indtil {time}.",
    invite_copy: "Kopiér koden",
    invite_copied: "Koden er kopieret.",
    invite_close: "Luk invitationen",
    invite_making: "Laver en invitation …",
    create_title: "Opret et hold",
    create_help: "Holdets nøgle laves på denne enhed og forlader den kun i de invitationer, du viser. Du skal bruge adressen på kommunens synkroniseringsserver og en opretter-nøgle fra kommunens IT.",
    name_label: "Holdets navn",
    name_help: "Fx »5.B's lærere« eller »SSP Testrup Skole«. Navnet står i invitationen, ikke på serveren.",
    url_label: "Serverens adresse",
    organiser_label: "Opretter-nøgle",
    organiser_help: "Fås hos kommunens IT. Den bruges kun til at oprette holdet og gemmes ikke.",
    create: "Opret holdet",
    creating: "Opretter holdet …",
    created: "Holdet er oprettet. Del en bekymring med holdet fra bekymringen, og inviter kollegerne her.",
    name_missing: "Skriv holdets navn.",
    name_too_long: "Holdets navn må højst være 80 tegn.",
    organiser_missing: "Skriv opretter-nøglen fra kommunens IT.",
    organiser_refused: "Serveren tager ikke imod nøglen som opretter-nøgle. Brug den opretter-nøgle, kommunens IT har givet dig. Intet er oprettet.",
    join_title: "Tilslut et hold",
    join_help: "Bed en kollega på holdet om at trykke »Inviter en kollega« og vise dig koden. Scan QR-koden, eller indsæt koden her.",
    code_label: "Invitationskode",
    join: "Tilslut",
    joining: "Tilslutter …",
    joined: "Denne enhed er nu med på holdet. Holdets delte bekymringer hentes nu.",
    scan: "Scan QR-koden med kameraet",
    scan_stop: "Stop kameraet",
    scan_looking: "Hold QR-koden foran kameraet …",
    scan_failed: "Kameraet kunne ikke bruges. Indsæt koden i stedet.",
    already_member: "Denne enhed er allerede med på holdet. Invitationen er ikke brugt.",
    invite_used: "Invitationen er allerede brugt. Bed om en ny under »Inviter en kollega« på den anden enhed.",
    invite_expired: "Invitationen er udløbet. Bed om en ny under »Inviter en kollega« på den anden enhed.",
    store_failed: "Holdet kunne ikke gemmes på enheden (lageret er måske fuldt). Intet er ændret her.",
    couch_not_yet: "Hold på CouchDB kommer senere. Brug kommunens synkroniseringsserver.",
    this_device: "Denne enheds nummer på holdet: {device}",
    devices_show: "Vis holdets enheder",
    devices_title: "Holdets enheder",
    device_joined: "Med siden {time}",
    device_owner: "oprettede holdet",
    device_here: "denne enhed",
    device_removed: "fjernet",
    device_remove: "Fjern {device} fra holdet",
    device_remove_confirm: "Fjern {device}? Enheden får intet nyt fra holdet. Det, den allerede har hentet, kan ikke kaldes tilbage. Bed personen om at bekræfte enhedens nummer, før du fjerner den.",
    device_remove_yes: "Ja, fjern enheden",
    device_remove_no: "Annullér",
    device_removed_done: "{device} er fjernet fra holdet.",
    removed_here: "Denne enhed er fjernet fra holdet: serveren tager ikke længere imod den. Den får intet nyt fra holdet. Det, der allerede er på enheden, bliver her.",
};

pub static EN: TeamTexts = TeamTexts {
    intro: "A team is the colleagues who follow the same children — e.g. the school's SSP contact and the teachers of a class. A concern you share with a team can be seen and edited by the others on it. What you do not share stays on this device.",
    what_server_sees: "Shared concerns are encrypted on the device before they are sent. The server stores only encrypted text: it can see how many concerns there are, how large they are and when they change, but not what they say. The key exists only on the team's devices.",
    training_note: "Training mode is on: teams do not sync, and practice data is never shared.",
    none_yet: "This device is not in any team yet.",
    yours: "You created the team on this device",
    member: "This device is in the team",
    shared_count: "Concerns shared with the team: {n}",
    last_sync: "Last synced",
    never: "Not yet",
    waiting: "Waiting to be sent",
    aside: "Could not be opened and were set aside: {n}. They may be encrypted with a key this device has not received yet.",
    last_error: "Last error",
    sync_now: "Sync now",
    invite: "Invite a colleague",
    invite_title: "Invitation to {team}",
    invite_face_to_face: "Show the code only face to face, and only to a colleague who is to join. The code gives access to the team's concerns. Do not send it by e-mail or chat.",
    invite_qr_label: "QR code with the invitation",
    invite_code_label: "Or paste the code on the other device",
    invite_valid_until: "The code can be used once, until {time}.",
    invite_copy: "Copy the code",
    invite_copied: "The code is copied.",
    invite_close: "Close the invitation",
    invite_making: "Making an invitation …",
    create_title: "Create a team",
    create_help: "The team's key is made on this device and leaves it only in the invitations you show. You need the address of the municipality's sync server and an organiser key from the municipality's IT.",
    name_label: "Team name",
    name_help: "E.g. \"Class 5B teachers\" or \"SSP Testrup School\". The name is in the invitation, not on the server.",
    url_label: "Server address",
    organiser_label: "Organiser key",
    organiser_help: "From the municipality's IT. It is used only to create the team and is not stored.",
    create: "Create the team",
    creating: "Creating the team …",
    created: "The team is created. Share a concern with the team from the concern, and invite your colleagues here.",
    name_missing: "Write the team's name.",
    name_too_long: "The team's name can be at most 80 characters.",
    organiser_missing: "Write the organiser key from the municipality's IT.",
    organiser_refused: "The server does not accept the key as an organiser key. Use the organiser key the municipality's IT gave you. Nothing was created.",
    join_title: "Join a team",
    join_help: "Ask a colleague in the team to press \"Invite a colleague\" and show you the code. Scan the QR code, or paste the code here.",
    code_label: "Invitation code",
    join: "Join",
    joining: "Joining …",
    joined: "This device is now in the team. The team's shared concerns are being fetched.",
    scan: "Scan the QR code with the camera",
    scan_stop: "Stop the camera",
    scan_looking: "Hold the QR code in front of the camera …",
    scan_failed: "The camera could not be used. Paste the code instead.",
    already_member: "This device is already in the team. The invitation was not used.",
    invite_used: "The invitation has been used already. Ask for a new one under \"Invite a colleague\" on the other device.",
    invite_expired: "The invitation has expired. Ask for a new one under \"Invite a colleague\" on the other device.",
    store_failed: "The team could not be stored on the device (the storage may be full). Nothing was changed here.",
    couch_not_yet: "Teams on CouchDB come later. Use the municipality's sync server.",
    this_device: "This device's number in the team: {device}",
    devices_show: "Show the team's devices",
    devices_title: "The team's devices",
    device_joined: "Joined {time}",
    device_owner: "created the team",
    device_here: "this device",
    device_removed: "removed",
    device_remove: "Remove {device} from the team",
    device_remove_confirm: "Remove {device}? The device gets nothing new from the team. What it has already fetched cannot be called back. Ask the person to confirm the device's number before you remove it.",
    device_remove_yes: "Yes, remove the device",
    device_remove_no: "Cancel",
    device_removed_done: "{device} has been removed from the team.",
    removed_here: "This device has been removed from the team: the server no longer accepts it. It gets nothing new from the team. What is already on the device stays here.",
};

/// The teams page's text table for `lang`.
pub fn team_texts(lang: Lang) -> &'static TeamTexts {
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
        let Value::Object(map) = serde_json::to_value(team_texts(lang)).unwrap() else {
            panic!("an object")
        };
        map.into_iter()
            .map(|(k, v)| (k, v.as_str().unwrap().to_string()))
            .collect()
    }

    #[test]
    fn every_text_is_there_and_english_is_translated() {
        let (da, en) = (flat(Lang::Da), flat(Lang::En));
        assert_eq!(da.len(), en.len());
        for ((key, d), (_, e)) in da.iter().zip(&en) {
            assert!(!d.trim().is_empty() && !e.trim().is_empty(), "{key}");
            assert_ne!(d, e, "{key} is not translated");
        }
        // Placeholders survive translation.
        for ((key, d), (_, e)) in da.iter().zip(&en) {
            for p in ["{n}", "{team}", "{time}", "{device}"] {
                assert_eq!(d.contains(p), e.contains(p), "{key}: {p}");
            }
        }
    }
}
