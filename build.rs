//! Copies the built-in data (`data/*.json`, `data/profiles/*.json`) into `OUT_DIR` without the
//! whitespace between tokens, so the wasm carries no indentation (≈ 3 KB gzip). Nothing else
//! changes: strings are copied byte for byte and the key order stays. The files are checked by
//! the tests (`tests/profile_builtin.rs`, `tests/guide_engine.rs`, `tests/training_cases.rs`),
//! not here.
//!
//! It also writes `builtin_profiles.rs`: each built-in profile's id and name, so the list of
//! municipalities is shown without decoding five profiles at start-up; and
//! `builtin_profiles_file.rs`, the name of the one file the browser fetches them from:
//! `/data/profiles-<FNV-1a 64 of the text>.jsonl`, the five minified texts in this order, one
//! per line. The profiles are not compiled into the browser's wasm (its data segments are all in
//! the main module, so they were on the first screen, issue 15); `tools/data-files.mjs` writes
//! that file into the build with the same minifying, order and hash, and fails the build when
//! the app does not name it. `builtin_profile_texts.rs` includes the texts for native builds
//! (the tests). One file, not five: gzip finds what they share (12.8 KB against 16.4 KB).
//!
//! And the English text table (`src/domain/i18n/en.rs`, compiled here with `table.rs`) as the
//! file the browser fetches when English is chosen: `data/texts-en.json` in `OUT_DIR`, a JSON
//! array of the texts in the order of the table's fields, and `texts_en_file.rs`, its name in
//! the build: `/data/texts-en-<FNV-1a 64 of the file>.json`. tools/data-files.mjs copies it into
//! the build under that name, and fails the build when the app does not name it (issue 15: the
//! main module's data is all on the first screen, and most tablets never show English).
use std::{env, fs, path::Path};

#[allow(dead_code)]
#[path = "src/domain/i18n/table.rs"]
mod table;
use table::Texts;
#[allow(dead_code)]
#[path = "src/domain/i18n/en.rs"]
mod en;

const FILES: [&str; 8] = [
    "guide.json",
    "topics.json",
    "training.json",
    "profiles/halsnaes.json",
    "profiles/holbaek.json",
    "profiles/koege.json",
    "profiles/silkeborg.json",
    "profiles/viborg.json",
];

/// JSON without whitespace outside strings.
fn minify(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_ascii_whitespace() {
            out.push(c);
        }
    }
    out
}

fn main() {
    let out = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let out = Path::new(&out).join("data");
    fs::create_dir_all(out.join("profiles")).expect("OUT_DIR is writable");
    let mut table = String::from("[\n");
    let mut texts = String::from("[\n");
    let mut lines = Vec::new();
    for file in FILES {
        let source = Path::new("data").join(file);
        println!("cargo:rerun-if-changed={}", source.display());
        let text = fs::read_to_string(&source)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", source.display()));
        fs::write(out.join(file), minify(&text)).expect("OUT_DIR is writable");
        if let Some(name) = file.strip_prefix("profiles/") {
            let value: serde_json::Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is not JSON: {e}", source.display()));
            let field = |key: &str| {
                value[key]
                    .as_str()
                    .unwrap_or_else(|| panic!("{} has no string {key:?}", source.display()))
                    .to_string()
            };
            table.push_str(&format!(
                "    BuiltinText {{ id: {:?}, name: {:?} }},\n",
                field("id"),
                field("name"),
            ));
            lines.push(minify(&text));
            texts.push_str(&format!(
                "    include_str!(concat!(env!(\"OUT_DIR\"), \"/data/profiles/{name}\")),\n"
            ));
        }
    }
    table.push_str("]\n");
    texts.push_str("]\n");
    fs::write(out.join("builtin_profiles.rs"), table).expect("OUT_DIR is writable");
    fs::write(out.join("builtin_profile_texts.rs"), texts).expect("OUT_DIR is writable");
    // Minified JSON has no line break outside strings, and inside them one is written `\n`.
    assert!(lines.iter().all(|l| !l.contains('\n')));
    fs::write(
        out.join("builtin_profiles_file.rs"),
        format!(
            "\"/data/profiles-{:016x}.jsonl\"",
            fnv1a64(lines.join("\n").as_bytes())
        ),
    )
    .expect("OUT_DIR is writable");
    english_file(&out);
}

/// The English table as the browser fetches it, and its name.
fn english_file(out: &Path) {
    for source in ["src/domain/i18n/table.rs", "src/domain/i18n/en.rs"] {
        println!("cargo:rerun-if-changed={source}");
    }
    let text = serde_json::to_string(en::EN.values()).expect("texts serialise");
    fs::write(out.join("texts-en.json"), &text).expect("OUT_DIR is writable");
    fs::write(
        out.join("texts_en_file.rs"),
        format!("\"/data/texts-en-{:016x}.json\"", fnv1a64(text.as_bytes())),
    )
    .expect("OUT_DIR is writable");
}

/// FNV-1a, 64 bits: a content hash for a file name (not a security check).
fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
