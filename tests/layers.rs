//! The crate's layers import one way: collect → model → analysis → rules → triage → report →
//! scan → cli, with a few leaf modules that anyone may use and that use nobody. A `crate::`
//! path in a file that names a layer it may not use fails here, so the layering stays true as
//! the code grows.

use std::collections::BTreeSet;
use std::path::Path;

/// Modules that import nothing from the crate: usable from every layer.
const LEAVES: &[&str] = &[
    "account_selection",
    "cores",
    "date",
    "glob",
    "secrets",
    "term",
    "operations",
];

/// Each layer and the layers (besides the leaves) it may import.
const ALLOWED: &[(&str, &[&str])] = &[
    ("model", &[]),
    ("collect", &["model"]),
    ("analysis", &["model"]),
    ("rules", &["model", "analysis"]),
    // The configuration carries rule parameters and selections.
    ("config", &["model", "rules"]),
    ("triage", &["model", "rules", "config"]),
    ("report", &["model", "rules", "triage"]),
    (
        "scan",
        &[
            "model", "collect", "analysis", "rules", "config", "triage", "report",
        ],
    ),
    (
        "cli",
        &[
            "model", "collect", "analysis", "rules", "config", "triage", "report", "scan",
        ],
    ),
];

/// The layer a source file belongs to: its first path component under `src/`, or the leaf
/// it is.
fn layer_of(rel: &str) -> String {
    let module = rel.trim_end_matches(".rs").replace('/', "::");
    if let Some(leaf) = LEAVES.iter().find(|l| module == **l) {
        return leaf.to_string();
    }
    module.split("::").next().unwrap().to_string()
}

/// What a `crate::` path names: a leaf when it starts with one, else its first component.
fn target_of(path: &str) -> String {
    LEAVES
        .iter()
        .find(|l| path == **l || path.starts_with(&format!("{l}::")))
        .map(|l| l.to_string())
        .unwrap_or_else(|| path.split("::").next().unwrap().to_string())
}

/// Every module path a file names through `crate::`, including the members of
/// `use crate::{a::b, c}` groups.
fn crate_paths(source: &str) -> BTreeSet<String> {
    let mut paths = BTreeSet::new();
    let code: String = source
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let mut rest = code.as_str();
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            for member in top_level_members(group) {
                paths.insert(path_prefix(member.trim()));
            }
        } else {
            paths.insert(path_prefix(rest));
        }
    }
    paths
}

/// The comma-separated members of a `{...}` group (without its opening brace), nested groups
/// kept whole: `a::b, c::{d, e}} ...` → `a::b`, `c::{d, e}`.
fn top_level_members(group: &str) -> Vec<&str> {
    let (mut depth, mut start, mut members) = (0, 0, Vec::new());
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                members.push(&group[start..i]);
                break;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                members.push(&group[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    members.retain(|m| !m.trim().is_empty());
    members
}

/// `collect::operations::{self, X}` → `collect::operations`.
fn path_prefix(s: &str) -> String {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(s.len());
    s[..end].trim_end_matches(':').to_string()
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_layer_imports_upward() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut violations = Vec::new();
    for file in &files {
        let rel = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let rel = rel.trim_end_matches("/mod.rs").to_string();
        if rel == "lib.rs" || rel == "main.rs" {
            continue;
        }
        let layer = layer_of(&rel);
        let source = std::fs::read_to_string(file).unwrap();
        for path in crate_paths(&source) {
            let target = target_of(&path);
            if target == layer || LEAVES.contains(&target.as_str()) {
                if LEAVES.contains(&layer.as_str()) && target != layer {
                    violations.push(format!("{rel}: leaf `{layer}` uses crate::{path}"));
                }
                continue;
            }
            let allowed = ALLOWED
                .iter()
                .find(|(l, _)| *l == layer)
                .unwrap_or_else(|| panic!("{rel}: layer `{layer}` is not in ALLOWED"))
                .1;
            if LEAVES.contains(&layer.as_str()) || !allowed.contains(&target.as_str()) {
                violations.push(format!("{rel} ({layer}) uses crate::{path}"));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "imports against the layering:\n  {}",
        violations.join("\n  ")
    );
}

#[test]
fn the_checker_sees_grouped_and_inline_paths() {
    let paths = crate_paths(
        "use crate::{model::Snapshot, rules::{self, Finding}};\n\
         fn f() { crate::report::json::load(p); } // crate::cli is a comment\n\
         use crate::collect::clients::{self, Clients};\n\
         use crate::operations::{self as op, Operation};",
    );
    let targets: BTreeSet<String> = paths.iter().map(|p| target_of(p)).collect();
    assert_eq!(
        targets,
        ["collect", "model", "operations", "report", "rules"]
            .map(String::from)
            .into()
    );
    assert_eq!(layer_of("operations.rs"), "operations");
    assert_eq!(layer_of("rules/access/gw101.rs"), "rules");
}
