//! The AWS managed policies are the reference for what is valid: every check runs on all of them
//! (`tests/corpus/aws-managed/*.json`, the latest version of each) as identity policies.
//!
//! The counts of findings by code and every file that carries an error are recorded in
//! `tests/corpus/expected-findings.txt`; the test fails when the result differs, so a change in
//! findings shows up as a diff. Regenerate with `UPDATE_CORPUS=1 cargo test -p iam-policy --test
//! corpus`. At most 1% of the files may carry an error.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a panic in a test is a test failure"
)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use iam_policy::{Options, PolicyType, Severity, analyze_text};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn report() -> (String, usize, usize) {
    let dir = root().join("tests/corpus/aws-managed");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut counts: BTreeMap<(&'static str, &'static str), usize> = BTreeMap::new();
    let mut errors = String::new();
    let mut files_with_errors = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let analysis = analyze_text(
            &text,
            Options {
                policy_type: Some(PolicyType::Identity),
                path: None,
            },
        );
        let name = path.file_name().unwrap().to_string_lossy();
        let mut has_error = false;
        for f in &analysis.findings {
            *counts.entry((f.severity.as_str(), f.code)).or_default() += 1;
            if f.severity == Severity::Error {
                has_error = true;
                writeln!(errors, "{name}\t{}\t{}", f.code, f.message).unwrap();
            }
        }
        files_with_errors += usize::from(has_error);
    }
    let mut out = String::new();
    writeln!(
        out,
        "# Findings on the AWS managed policies (identity policies), by severity and code."
    )
    .unwrap();
    writeln!(
        out,
        "# Regenerate: UPDATE_CORPUS=1 cargo test -p iam-policy --test corpus"
    )
    .unwrap();
    writeln!(out, "files\t{}", files.len()).unwrap();
    writeln!(out, "files with errors\t{files_with_errors}").unwrap();
    writeln!(out).unwrap();
    writeln!(out, "## counts").unwrap();
    for ((severity, code), n) in &counts {
        writeln!(out, "{severity}\t{code}\t{n}").unwrap();
    }
    writeln!(out).unwrap();
    writeln!(out, "## errors (file, code, message)").unwrap();
    out.push_str(&errors);
    (out, files.len(), files_with_errors)
}

#[test]
fn aws_managed_policies() {
    let (actual, files, with_errors) = report();
    let expected_path = root().join("tests/corpus/expected-findings.txt");
    if std::env::var_os("UPDATE_CORPUS").is_some() {
        std::fs::write(&expected_path, &actual).unwrap();
    } else {
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            let diff: Vec<String> = diff_lines(&expected, &actual);
            panic!(
                "findings on the corpus changed (rerun with UPDATE_CORPUS=1 to accept):\n{}",
                diff.join("\n")
            );
        }
    }
    assert!(files > 1000, "the corpus is missing ({files} files)");
    assert!(
        with_errors * 100 <= files,
        "{with_errors} of {files} AWS managed policies carry an error (budget: 1%)"
    );
}

/// Lines only in `a` (`-`) or only in `b` (`+`), in order: enough to see what changed.
fn diff_lines(a: &str, b: &str) -> Vec<String> {
    let in_a: std::collections::HashSet<&str> = a.lines().collect();
    let in_b: std::collections::HashSet<&str> = b.lines().collect();
    let mut out: Vec<String> = a
        .lines()
        .filter(|l| !in_b.contains(l))
        .map(|l| format!("-{l}"))
        .collect();
    out.extend(b.lines().filter(|l| !in_a.contains(l)).map(|l| format!("+{l}")));
    out
}
