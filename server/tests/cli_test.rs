//! End-to-end tests of `iam-policy-ls test`, driving the built binary.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure is a test failure"
)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn test(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iam-policy-ls"))
        .arg("test")
        .args(args)
        .current_dir(repo_root())
        .output()
        .unwrap()
}

const FIXTURES: &str = "server/tests/fixtures/policy_tests";

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_examples_pass() {
    let out = test(&["examples/"]);
    let text = stdout(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("✓ analysts read reports (Allowed)"), "{text}");
    assert!(text.contains("✓ plain HTTP is refused (ExplicitlyDenied)"), "{text}");
    assert!(text.trim_end().ends_with("9 passed, 0 failed"), "{text}");
}

#[test]
fn a_failing_case_exits_1_with_its_explanation_and_deciding_statement() {
    let out = test(&[&format!("{FIXTURES}/failing")]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("✓ reads <ok> (Allowed)"), "{text}");
    assert!(
        text.contains("✗ no writes & co: expected ImplicitlyDenied, got Allowed"),
        "{text}"
    );
    assert!(text.contains("decided by \"Write\" (Allow "), "{text}");
    assert!(text.contains("role.json:3:3)"), "{text}");
    assert!(text.trim_end().ends_with("1 passed, 1 failed"), "{text}");
}

#[test]
fn json_format_reports_each_case() {
    let out = test(&[&format!("{FIXTURES}/failing/writes.iamtest.json"), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["passed"], 1);
    assert_eq!(report["failed"], 1);
    let cases = &report["files"][0]["cases"];
    assert_eq!(cases[0]["passed"], true);
    assert_eq!(cases[0]["decidedBy"][0]["sid"], "Read");
    assert_eq!(cases[1]["passed"], false);
    assert_eq!(cases[1]["expected"], "ImplicitlyDenied");
    assert_eq!(cases[1]["actual"], "Allowed");
    assert_eq!(cases[1]["explanation"]["action"], "s3:PutObject");
}

#[test]
fn junit_format_escapes_names_and_marks_failures() {
    let out = test(&[&format!("{FIXTURES}/failing"), "--format", "junit"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.starts_with("<?xml"), "{text}");
    assert!(
        text.contains("<testsuites name=\"iam-policy-ls test\" tests=\"2\" failures=\"1\">"),
        "{text}"
    );
    assert!(text.contains("<testcase name=\"reads &lt;ok&gt;\""), "{text}");
    assert!(
        text.contains("<testcase name=\"no writes &amp; co\"")
            && text.contains("<failure message=\"expected ImplicitlyDenied, got Allowed"),
        "{text}"
    );
}

#[test]
fn malformed_test_files_and_missing_policies_exit_2() {
    let out = test(&[&format!("{FIXTURES}/malformed")]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("bad.iamtest.json:4:"), "{text}");
    assert!(text.contains("did you mean \"Allowed\""), "{text}");
    assert!(text.contains("missing.json: cannot read"), "{text}");
    // Malformed wins over failing when both are given.
    let out = test(&[&format!("{FIXTURES}/malformed"), &format!("{FIXTURES}/failing")]);
    assert_eq!(out.status.code(), Some(2));
    let out = test(&["no/such/dir"]);
    assert_eq!(out.status.code(), Some(2));
}
