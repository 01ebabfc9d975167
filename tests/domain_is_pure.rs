//! Invariant: `src/domain` is plain Rust. It never imports browser or UI crates, so all rules
//! are tested natively and stay portable. (ARCHITECTURE.md, invariant 1.)

use std::fs;
use std::path::{Path, PathBuf};

const FORBIDDEN: &[&str] = &["web_sys", "js_sys", "wasm_bindgen", "gloo", "leptos"];

/// Lines of Rust source (comments skipped) that mention a forbidden crate.
fn violations(source: &str) -> Vec<(usize, String)> {
    source
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
        .filter(|(_, line)| {
            FORBIDDEN.iter().any(|krate| {
                line.match_indices(krate).any(|(at, _)| {
                    // A whole identifier, not part of a longer one (`my_gloo_thing`).
                    let before = line[..at].chars().next_back();
                    let after = line[at + krate.len()..].chars().next();
                    let ident =
                        |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
                    !ident(before) && !ident(after)
                })
            })
        })
        .map(|(n, line)| (n + 1, line.trim().to_string()))
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read src/domain") {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn domain_uses_no_browser_or_ui_crates() {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/domain"),
        &mut files,
    );
    assert!(files.len() >= 5, "found the domain sources: {files:?}");
    let mut report = String::new();
    for file in &files {
        for (line, text) in violations(&fs::read_to_string(file).unwrap()) {
            report += &format!("{}:{line}: {text}\n", file.display());
        }
    }
    assert!(
        report.is_empty(),
        "src/domain must stay plain Rust; move these to src/platform or src/ui:\n{report}"
    );
}

#[test]
fn the_check_catches_what_it_should() {
    assert_eq!(violations("use web_sys::Storage;").len(), 1);
    assert_eq!(violations("    let x = js_sys::Date::now();").len(), 1);
    assert_eq!(violations("use leptos::prelude::*;").len(), 1);
    assert_eq!(
        violations("gloo::timers::callback::Timeout::new(1, f);").len(),
        1
    );
    assert!(violations("// web_sys in a comment is fine").is_empty());
    assert!(violations("let my_gloo_thing = 1;").is_empty());
    assert!(violations("let text = \"plain\";").is_empty());
}
