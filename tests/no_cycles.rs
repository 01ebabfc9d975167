//! Invariant: the files in `src/` import each other without cycles, and each layer imports only
//! the layers below it: `domain` nothing, `app` the domain, `platform` the domain, `ui` all three.
//! (ARCHITECTURE.md, invariants 1 and 12.)
//!
//! A small scan, not a compiler: every `crate::…`, `super::…` and `self::…` path in a file's code
//! (comments and its `#[cfg(test)]` module left out) is resolved to the file that defines the
//! module it names. A name a module only re-exports (`pub use child::Name`) is followed to the
//! file that defines it, so a facade `mod.rs` is not a hub every child seems to depend on.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// A module path such as `["domain", "guide", "cond"]` (the crate root is `[]`).
type ModPath = Vec<String>;

struct Source {
    file: String,
    module: ModPath,
    /// The code, with comments and the test module removed.
    code: String,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .expect("read a source folder")
        .map(|entry| entry.expect("a folder entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn module_of(relative: &str) -> ModPath {
    let without = relative.trim_end_matches(".rs");
    let mut parts: ModPath = without.split('/').map(str::to_string).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// The code of a file without comments, string contents and its `#[cfg(test)]` module.
fn code_of(text: &str) -> String {
    let mut code = String::new();
    let mut in_block_comment = 0usize;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if in_block_comment == 0 && trimmed.starts_with("#[cfg(test)]") {
            break;
        }
        let mut out = String::new();
        let mut chars = line.chars().peekable();
        let mut in_string = false;
        while let Some(c) = chars.next() {
            if in_block_comment > 0 {
                if c == '*' && chars.peek() == Some(&'/') {
                    chars.next();
                    in_block_comment -= 1;
                }
                continue;
            }
            if in_string {
                if c == '\\' {
                    chars.next();
                } else if c == '"' {
                    in_string = false;
                    out.push('"');
                }
                continue;
            }
            match c {
                '/' if chars.peek() == Some(&'/') => break,
                '/' if chars.peek() == Some(&'*') => {
                    chars.next();
                    in_block_comment += 1;
                }
                '"' => {
                    in_string = true;
                    out.push('"');
                }
                _ => out.push(c),
            }
        }
        code += &out;
        code.push('\n');
    }
    code
}

/// Every path written in `code` that starts with `crate`, `super` or `self`, with `use` groups
/// (`use crate::a::{b, c::D}`) expanded, as (path, whether it is a `pub use`).
fn paths_in(code: &str) -> Vec<(Vec<String>, bool)> {
    let mut found = Vec::new();
    // `use` items first: they may hold groups.
    let mut rest = code;
    let mut outside_use = String::new();
    while let Some(at) = find_use(rest) {
        outside_use += &rest[..at];
        let before = rest[..at].trim_end();
        let public = before.ends_with("pub") || before.ends_with(')');
        let item = &rest[at + "use ".len()..];
        let end = item.find(';').unwrap_or(item.len());
        for path in expand(&item[..end]) {
            found.push((path, public));
        }
        rest = &item[(end + 1).min(item.len())..];
    }
    outside_use += rest;
    // Paths in expressions and types: `a::b…` at the start of a word.
    let chars: Vec<char> = outside_use.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let starts_word = is_ident(chars[i])
            && !chars[i].is_ascii_digit()
            && (i == 0 || !is_ident(chars[i - 1]) && chars[i - 1] != ':');
        if !starts_word {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len() && (is_ident(chars[j]) || chars[j] == ':') {
            j += 1;
        }
        let text: String = chars[i..j].iter().collect();
        if text.contains("::") {
            found.push((segments(&text), false));
        }
        i = j;
    }
    found
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Where the next `use` item starts (the `u` of `use`), if any.
fn find_use(code: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = code[from..].find("use ") {
        let at = from + at;
        let before = code[..at].chars().next_back();
        if before.is_none_or(|c| !is_ident(c)) {
            return Some(at);
        }
        from = at + 4;
    }
    None
}

/// `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e` (aliases and `self` handled).
fn expand(tree: &str) -> Vec<Vec<String>> {
    // Whitespace goes, except the spaces around `as`, which mark an alias (a name such as
    // `staircase` holds the letters "as" too).
    let tree = tree.split_whitespace().collect::<Vec<_>>().join(" ");
    let tree: String = tree
        .replace(" as ", "\u{0}")
        .chars()
        .filter(|c| *c != ' ')
        .collect();
    let mut out = Vec::new();
    expand_into(&[], &tree, &mut out);
    out
}

fn expand_into(prefix: &[String], tree: &str, out: &mut Vec<Vec<String>>) {
    for part in split_top(tree) {
        if let Some(open) = part.find('{') {
            let head = &part[..open];
            let inner = &part[open + 1..part.len() - 1];
            let mut next = prefix.to_vec();
            next.extend(segments(head));
            expand_into(&next, inner, out);
        } else {
            let plain = part.split('\u{0}').next().unwrap_or(part);
            let mut path = prefix.to_vec();
            path.extend(segments(plain).into_iter().filter(|s| s != "self"));
            if !path.is_empty() {
                out.push(path);
            }
        }
    }
}

fn segments(text: &str) -> Vec<String> {
    text.split("::")
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Splits `a, b::{c, d}, e` at the commas outside braces.
fn split_top(tree: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in tree.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&tree[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&tree[start..]);
    parts.into_iter().filter(|p| !p.is_empty()).collect()
}

/// The module a path in `from` names in absolute form: `super` and `self` resolved.
fn absolute(
    krate_modules: &BTreeMap<ModPath, usize>,
    from: &ModPath,
    path: &[String],
) -> Option<Vec<String>> {
    let mut base: Vec<String>;
    let mut rest = path;
    match path.first().map(String::as_str) {
        Some("crate") => {
            base = Vec::new();
            rest = &path[1..];
        }
        Some("self") => {
            base = from.clone();
            rest = &path[1..];
        }
        Some("super") => {
            base = from.clone();
            while rest.first().map(String::as_str) == Some("super") {
                base.pop()?;
                rest = &rest[1..];
            }
        }
        Some(first) => {
            // A path relative to this module: `child::thing` for a child module of this file.
            let mut child = from.clone();
            child.push(first.to_string());
            if !krate_modules.contains_key(&child) {
                return None; // another crate, or a type's associated item
            }
            base = from.clone();
        }
        None => return None,
    }
    base.extend(rest.iter().cloned());
    Some(base)
}

struct Crate {
    sources: Vec<Source>,
    /// module path → index in `sources`
    by_module: BTreeMap<ModPath, usize>,
    /// (module, name) → the absolute path it re-exports
    reexports: BTreeMap<(ModPath, String), Vec<String>>,
}

impl Crate {
    fn load(root: &Path) -> Crate {
        let src = root.join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        let mut sources = Vec::new();
        for file in files {
            let relative = file
                .strip_prefix(&src)
                .expect("under src")
                .to_string_lossy()
                .replace('\\', "/");
            if relative == "main.rs" {
                continue; // The binary is its own crate; it only mounts the app.
            }
            let text = fs::read_to_string(&file).expect("read a source file");
            sources.push(Source {
                module: module_of(&relative),
                file: format!("src/{relative}"),
                code: code_of(&text),
            });
        }
        Crate::from_sources(sources)
    }

    fn from_sources(sources: Vec<Source>) -> Crate {
        let by_module = sources
            .iter()
            .enumerate()
            .map(|(i, s)| (s.module.clone(), i))
            .collect();
        let mut krate = Crate {
            sources,
            by_module,
            reexports: BTreeMap::new(),
        };
        let mut reexports = BTreeMap::new();
        for source in &krate.sources {
            for (path, public) in paths_in(&source.code) {
                if !public {
                    continue;
                }
                let Some(target) = absolute(&krate.by_module, &source.module, &path) else {
                    continue;
                };
                if let Some(name) = path.last() {
                    reexports.insert((source.module.clone(), name.clone()), target);
                }
            }
        }
        krate.reexports = reexports;
        krate
    }

    /// The file an absolute path points into: the longest module prefix that is a file, with
    /// re-exported names followed to where they are defined.
    fn file_of(&self, path: &[String], depth: usize) -> Option<usize> {
        for len in (0..=path.len()).rev() {
            let module: ModPath = path[..len].to_vec();
            if let Some(&index) = self.by_module.get(&module) {
                if let Some(name) = path.get(len) {
                    if let Some(target) = self.reexports.get(&(module.clone(), name.clone())) {
                        if depth < 8 && target.as_slice() != path {
                            let mut followed = target.clone();
                            followed.extend(path[len + 1..].iter().cloned());
                            return self.file_of(&followed, depth + 1);
                        }
                    }
                }
                return Some(index);
            }
        }
        None
    }

    /// File-to-file imports, without self-imports and without `pub use` re-exports.
    fn edges(&self) -> BTreeMap<usize, BTreeSet<usize>> {
        let mut edges: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
        for (from, source) in self.sources.iter().enumerate() {
            for (path, public) in paths_in(&source.code) {
                if public {
                    continue;
                }
                let Some(target) = absolute(&self.by_module, &source.module, &path) else {
                    continue;
                };
                if let Some(to) = self.file_of(&target, 0) {
                    if to != from {
                        edges.entry(from).or_default().insert(to);
                    }
                }
            }
        }
        edges
    }
}

/// Strongly connected components with more than one file (Tarjan), each sorted.
fn cycles(nodes: usize, edges: &BTreeMap<usize, BTreeSet<usize>>) -> Vec<Vec<usize>> {
    struct State<'a> {
        edges: &'a BTreeMap<usize, BTreeSet<usize>>,
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        out: Vec<Vec<usize>>,
    }
    fn visit(s: &mut State, v: usize) {
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        let targets: Vec<usize> = s
            .edges
            .get(&v)
            .map(|t| t.iter().copied().collect())
            .unwrap_or_default();
        for w in targets {
            match s.index[w] {
                None => {
                    visit(s, w);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(index) if s.on_stack[w] => s.low[v] = s.low[v].min(index),
                Some(_) => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack[w] = false;
                component.push(w);
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.out.push(component);
            }
        }
    }
    let mut state = State {
        edges,
        index: vec![None; nodes],
        low: vec![0; nodes],
        on_stack: vec![false; nodes],
        stack: Vec::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in 0..nodes {
        if state.index[v].is_none() {
            visit(&mut state, v);
        }
    }
    state.out.sort();
    state.out
}

fn describe(krate: &Crate, edges: &BTreeMap<usize, BTreeSet<usize>>, cycle: &[usize]) -> String {
    let members: BTreeSet<usize> = cycle.iter().copied().collect();
    let mut text = String::new();
    for &from in cycle {
        for to in edges.get(&from).into_iter().flatten() {
            if members.contains(to) {
                text += &format!(
                    "    {} → {}\n",
                    krate.sources[from].file, krate.sources[*to].file
                );
            }
        }
    }
    text
}

/// What each layer may import (besides itself). The crate root may import all.
fn allowed(from: &str, to: &str) -> bool {
    match from {
        "domain" => to == "domain",
        "app" => matches!(to, "app" | "domain"),
        "platform" => matches!(to, "platform" | "domain"),
        _ => true,
    }
}

fn layer(module: &ModPath) -> &str {
    module.first().map(String::as_str).unwrap_or("")
}

/// The imports that lie on a circle, as `from → to`.
fn cycle_imports(krate: &Crate) -> BTreeSet<String> {
    let edges = krate.edges();
    let mut out = BTreeSet::new();
    for cycle in cycles(krate.sources.len(), &edges) {
        for line in describe(krate, &edges, &cycle).lines() {
            out.insert(line.trim().to_string());
        }
    }
    out
}

#[test]
fn no_file_in_src_imports_itself_through_others() {
    let krate = Crate::load(Path::new(env!("CARGO_MANIFEST_DIR")));
    assert!(krate.sources.len() > 50, "found the sources");
    let edges = krate.edges();
    assert!(
        edges.values().map(BTreeSet::len).sum::<usize>() > 100,
        "found the imports"
    );
    let found = cycle_imports(&krate);
    assert!(
        found.is_empty(),
        "files in src/ import each other in a circle; these imports close one:\n{}",
        found.iter().map(|e| format!("  {e}\n")).collect::<String>()
    );
}

#[test]
fn each_layer_imports_only_the_layers_below_it() {
    let krate = Crate::load(Path::new(env!("CARGO_MANIFEST_DIR")));
    let edges = krate.edges();
    let mut report = String::new();
    for (from, targets) in &edges {
        for to in targets {
            let (a, b) = (&krate.sources[*from], &krate.sources[*to]);
            if !allowed(layer(&a.module), layer(&b.module)) {
                report += &format!("  {} → {}\n", a.file, b.file);
            }
        }
    }
    assert!(report.is_empty(), "imports against the layers:\n{report}");
}

// The scan checked on small made-up crates: it must find what it should.

fn fake(files: &[(&str, &str)]) -> Crate {
    Crate::from_sources(
        files
            .iter()
            .map(|(file, text)| Source {
                file: format!("src/{file}"),
                module: module_of(file),
                code: code_of(text),
            })
            .collect(),
    )
}

fn cycle_files(krate: &Crate) -> Vec<Vec<String>> {
    cycles(krate.sources.len(), &krate.edges())
        .into_iter()
        .map(|c| {
            c.into_iter()
                .map(|i| krate.sources[i].file.clone())
                .collect()
        })
        .collect()
}

#[test]
fn the_scan_finds_a_cycle_through_use_groups_and_inline_paths() {
    let krate = fake(&[
        ("lib.rs", "pub mod a;"),
        ("a/mod.rs", "pub mod b; pub mod c;"),
        ("a/b.rs", "use crate::a::{c::Thing, other};\n"),
        ("a/c.rs", "fn f() { super::b::g(); }\n"),
    ]);
    assert_eq!(
        cycle_files(&krate),
        vec![vec!["src/a/b.rs".to_string(), "src/a/c.rs".to_string()]]
    );
}

#[test]
fn the_scan_follows_reexports_and_skips_comments_strings_and_tests() {
    let krate = fake(&[
        ("lib.rs", "pub mod a;"),
        ("a/mod.rs", "mod b;\nmod c;\npub use b::Thing;\npub use c::Other;\n"),
        ("a/b.rs", "pub struct Thing; use super::Other;\n"),
        (
            "a/c.rs",
            "// use crate::a::b::Thing;\nlet s = \"crate::a::b\";\npub struct Other;\n#[cfg(test)]\nmod tests { use crate::a::Thing; }\n",
        ),
    ]);
    assert!(cycle_files(&krate).is_empty(), "{:?}", cycle_files(&krate));
    // The same crate where c really uses b's Thing through the facade: a cycle.
    let krate = fake(&[
        ("lib.rs", "pub mod a;"),
        (
            "a/mod.rs",
            "mod b;\nmod c;\npub use b::Thing;\npub use c::Other;\n",
        ),
        ("a/b.rs", "pub struct Thing; use super::Other;\n"),
        ("a/c.rs", "pub struct Other; fn f(_: crate::a::Thing) {}\n"),
    ]);
    assert_eq!(
        cycle_files(&krate),
        vec![vec!["src/a/b.rs".to_string(), "src/a/c.rs".to_string()]]
    );
}

#[test]
fn a_name_holding_the_letters_as_is_not_read_as_an_alias() {
    // `staircase` holds "as": it once cut the path to `crate::a::stairc`, which fell back to
    // the parent module and made a cycle that was not there.
    let krate = fake(&[
        ("lib.rs", "mod a;\n"),
        ("a/mod.rs", "mod staircase;\nmod page;\nfn f() { page::g(); }\n"),
        ("a/staircase.rs", "pub fn Preview() {}\n"),
        (
            "a/page.rs",
            "use crate::a::staircase::Preview;\nuse crate::a::staircase::Preview as P;\npub fn g() {}\n",
        ),
    ]);
    assert!(cycle_files(&krate).is_empty(), "{:?}", cycle_files(&krate));
}

#[test]
fn the_scan_finds_a_layer_pointing_up() {
    let krate = fake(&[
        ("lib.rs", "pub mod domain; pub mod ui;"),
        ("domain/mod.rs", "pub mod x;"),
        ("domain/x.rs", "use crate::ui::Thing;\n"),
        ("ui/mod.rs", "pub struct Thing;"),
    ]);
    let edges = krate.edges();
    let up: Vec<_> = edges
        .iter()
        .flat_map(|(f, ts)| ts.iter().map(move |t| (*f, *t)))
        .filter(|(f, t)| {
            !allowed(
                layer(&krate.sources[*f].module),
                layer(&krate.sources[*t].module),
            )
        })
        .collect();
    assert_eq!(up.len(), 1);
}
