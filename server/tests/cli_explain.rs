//! `iam-policy-ls explain` lists every IAM Access Analyzer policy check code, and ours.
//!
//! `tests/reference/access-analyzer-checks.tsv` is Access Analyzer's list of issue codes with
//! their finding types, taken from the IAM User Guide ("IAM policy validation check
//! reference"): 153 codes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure is a test failure"
)]

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// The codes that are ours: no Access Analyzer equivalent. Adding one is a decision, so it is
/// listed here.
const OURS: &[&str] = &[
    "ALLOW_SHADOWED_BY_DENY",
    "CREDENTIALS_EXPOSURE",
    "DATA_EXFILTRATION",
    "DUPLICATE_JSON_KEY",
    "FORBIDDEN_ACCESS",
    "INFRASTRUCTURE_MODIFICATION",
    "PRIVILEGE_ESCALATION",
    "PUBLIC_ACCESS",
    "RESOURCE_EXPOSURE",
    "RESOURCE_MATCHES_NO_ACTION",
    "RETIRED_ACTION",
    "STATEMENT_NEVER_APPLIES",
    // The command line's own: a file it cannot read.
    "UNREADABLE_FILE",
    "WILDCARD_ACTION_MATCHES_NOTHING",
];

fn access_analyzer_codes() -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/reference/access-analyzer-checks.tsv");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|line| line.split('\t').nth(1).map(str::to_owned))
        .collect()
}

#[test]
fn explain_lists_every_access_analyzer_code_and_ours() {
    let out = Command::new(env!("CARGO_BIN_EXE_iam-policy-ls"))
        .arg("explain")
        .output()
        .expect("run explain");
    assert_eq!(out.status.code(), Some(0));
    let listed: BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect();
    let theirs = access_analyzer_codes();
    assert_eq!(theirs.len(), 153, "the reference list");
    let missing: Vec<&String> = theirs.difference(&listed).collect();
    assert!(missing.is_empty(), "Access Analyzer codes not implemented: {missing:?}");
    let extra: BTreeSet<&str> = listed
        .iter()
        .filter(|c| !theirs.contains(*c))
        .map(String::as_str)
        .collect();
    assert_eq!(extra, OURS.iter().copied().collect::<BTreeSet<_>>(), "codes of our own");
}

#[test]
fn every_code_explains_itself() {
    for code in access_analyzer_codes()
        .iter()
        .map(String::as_str)
        .chain(OURS.iter().copied())
    {
        let out = Command::new(env!("CARGO_BIN_EXE_iam-policy-ls"))
            .args(["explain", code])
            .output()
            .expect("run explain");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.starts_with(&format!("# {code} (")), "{code}: {text}");
        for heading in ["## What it does", "## Why is this bad", "## Example", "## Use instead"] {
            assert!(text.contains(heading), "{code}: no {heading}");
        }
    }
}
