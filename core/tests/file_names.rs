#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code: a failure is a test failure"
)]
//! The editor integrations and the configuration docs list the file-name conventions of
//! `iam_policy::file_names::CONVENTIONS`; these tests fail when a copy is stale.
//!
//! Regenerate with `UPDATE_FILE_NAMES=1 cargo test -p iam-policy --test file_names`.

use iam_policy::PolicyType;
use iam_policy::file_names::{CONVENTIONS, Convention};
use std::path::PathBuf;

const GENERATED: &str = "generated from core/src/file_names.rs by \
                         `UPDATE_FILE_NAMES=1 cargo test -p iam-policy --test file_names`";

fn repo_file(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(relative)
}

/// Replaces the lines strictly between the line containing `start` and the next line containing
/// `end` with `body`.
fn splice(text: &str, start: &str, end: &str, body: &str) -> String {
    let from = text.find(start).unwrap_or_else(|| panic!("no {start:?} marker"));
    let from = from + text[from..].find('\n').expect("marker line ends") + 1;
    let to = from + text[from..].find(end).unwrap_or_else(|| panic!("no {end:?} marker"));
    let to = text[..to].rfind('\n').map_or(from, |i| i + 1);
    format!("{}{}{}", &text[..from], body, &text[to..])
}

/// Compares a file with what it should be, or rewrites it under UPDATE_FILE_NAMES=1.
fn check_file(relative: &str, render: impl Fn(&str) -> String) {
    let path = repo_file(relative);
    let current = std::fs::read_to_string(&path).unwrap();
    let wanted = render(&current);
    if std::env::var_os("UPDATE_FILE_NAMES").is_some() {
        std::fs::write(&path, &wanted).unwrap();
    } else {
        assert!(
            current == wanted,
            "{relative} lists stale file-name conventions; regenerate with \
             `UPDATE_FILE_NAMES=1 cargo test -p iam-policy --test file_names`"
        );
    }
}

fn is_exact(c: &Convention) -> bool {
    !c.pattern.starts_with('*')
}

#[test]
fn vscode_filename_patterns() {
    check_file("editors/vscode/package.json", |text| {
        let body: Vec<String> = CONVENTIONS
            .iter()
            .map(|c| format!("          \"{}\"", c.pattern))
            .collect();
        splice(
            text,
            "\"filenamePatterns\": [",
            "        ],",
            &format!("{}\n", body.join(",\n")),
        )
    });
}

/// A `*END` convention as a Lua pattern for `vim.filetype.add`, which anchors it at both ends.
fn lua_pattern(c: &Convention) -> String {
    let end = c.pattern.trim_start_matches('*');
    let mut out = String::from(".*");
    for ch in end.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch);
        } else {
            out.push('%');
            out.push(ch);
        }
    }
    out
}

#[test]
fn neovim_filetypes() {
    check_file("editors/neovim/plugin/iam_policy.lua", |text| {
        let mut body = format!("-- The file-name conventions, {GENERATED}.\nvim.filetype.add({{\n  filename = {{\n");
        for c in CONVENTIONS.iter().filter(|c| is_exact(c)) {
            body.push_str(&format!("    ['{}'] = 'iam-policy',\n", c.pattern));
        }
        body.push_str("  },\n  pattern = {\n");
        for c in CONVENTIONS.iter().filter(|c| !is_exact(c)) {
            body.push_str(&format!("    ['{}'] = 'iam-policy',\n", lua_pattern(c)));
        }
        body.push_str("  },\n})\n");
        splice(text, "-- file-names:start", "-- file-names:end", &body)
    });
}

#[test]
fn helix_file_types() {
    check_file("editors/helix/languages.toml", |text| {
        let body: String = CONVENTIONS
            .iter()
            .map(|c| format!("  {{ glob = \"{}\" }},\n", c.pattern))
            .collect();
        splice(text, "# file-names:start", "# file-names:end", &body)
    });
}

#[test]
fn configuration_docs_table() {
    check_file("docs/configuration.md", |text| {
        let mut body = String::from("   | file name | type |\n   |---|---|\n");
        let typed = PolicyType::ALL.iter().map(|t| (Some(*t), format!("`{t}`")));
        let untyped = std::iter::once((None, "a policy, typed by 4–5".to_owned()));
        for (policy_type, label) in typed.chain(untyped) {
            let names: Vec<String> = CONVENTIONS
                .iter()
                .filter(|c| c.policy_type == policy_type)
                .map(|c| format!("`{}`", c.pattern))
                .collect();
            if !names.is_empty() {
                body.push_str(&format!("   | {} | {label} |\n", names.join(", ")));
            }
        }
        splice(text, "<!-- file-names:start", "<!-- file-names:end", &body)
    });
}

#[test]
fn lua_patterns_escape_magic_characters() {
    let c = Convention {
        pattern: "*.scp-x_y.json",
        policy_type: None,
    };
    assert_eq!(lua_pattern(&c), ".*%.scp%-x%_y%.json");
}
