//! How the command line behaves around its output: a reader that closes the pipe early, and
//! files that cannot be read (`UNREADABLE_FILE`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure is a test failure"
)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn bin() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_iam-policy-ls"));
    command.current_dir(repo_root()).stdin(Stdio::null());
    command
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

/// Runs with stdout a pipe whose reading end is already closed, as `| head -1` leaves it.
fn run_with_closed_stdout(args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    bin().args(args).stdout(writer).stderr(Stdio::piped()).output().unwrap()
}

#[test]
fn every_subcommand_ends_quietly_on_a_closed_pipe() {
    // Arguments, the status of a normal run, and the status when the reader has gone: the same,
    // except for output streamed line by line, which stops at the first line nobody reads.
    let cases: &[(&[&str], i32, i32)] = &[
        (&["explain"], 0, 0),
        (&["explain", "INVALID_EFFECT"], 0, 0),
        (&["check", "tests/fixtures/check/broken.json"], 1, 1),
        (&["check", "--format", "json", "tests/fixtures/check/broken.json"], 1, 1),
        (&["check", "--format", "sarif", "tests/fixtures/check/clean.json"], 0, 0),
        (&["check", "tests/fixtures/check"], 1, 1),
        (&["check", "no-such-policy.json"], 2, 2),
        (
            &[
                "simulate",
                "--request",
                "tests/fixtures/simulate/allowed-with-conditions.json",
            ],
            0,
            0,
        ),
        // Its fourth line is malformed; the first answer already goes nowhere.
        (&["simulate", "--batch", "tests/fixtures/simulate/batch.jsonl"], 2, 0),
        (&["test", "examples"], 0, 0),
        (&["--help"], 0, 0),
        (&["--version"], 0, 0),
    ];
    for (args, status, closed_status) in cases {
        let normal = run(args);
        assert_eq!(
            normal.status.code(),
            Some(*status),
            "{args:?}: {}",
            String::from_utf8_lossy(&normal.stderr)
        );
        let out = run_with_closed_stdout(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(*closed_status),
            "{args:?} with a closed pipe: {stderr}"
        );
        assert!(
            !stderr.contains("panicked") && !stderr.contains("standard output"),
            "{args:?} with a closed pipe: {stderr}"
        );
    }
}

#[test]
fn a_missing_file_is_reported_once_and_counted() {
    let out = run(&["check", "no-such-policy.json"]);
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stdout.matches("no-such-policy.json").count(), 1, "{stdout}");
    assert!(stdout.contains("UNREADABLE_FILE"), "{stdout}");
    assert!(
        stdout
            .trim_end()
            .ends_with("checked 0 policies: 0 errors, 0 warnings, 0 suggestions; 1 file could not be read"),
        "{stdout}"
    );
    assert!(stderr.is_empty(), "the human report already says it: {stderr}");
}

#[test]
fn machine_formats_keep_a_note_on_stderr() {
    let out = run(&["check", "--format", "json", "no-such-policy.json"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no-such-policy.json: cannot read file"), "{stderr}");
}

#[test]
fn unreadable_file_in_json_has_the_contract_fields() {
    let out = run(&["check", "--format", "json", "missing.scp.json", "no-such-policy.json"]);
    let findings: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = findings.as_array().unwrap();
    assert_eq!(findings.len(), 2);
    let scp = &findings[0];
    assert_eq!(scp["code"], "UNREADABLE_FILE");
    assert_eq!(scp["severity"], "error");
    assert_eq!(scp["policyType"], "scp", "the type the file name gives");
    assert_eq!(scp["policyTypeSource"], "file name");
    assert!(
        scp["docs"].as_str().unwrap().ends_with("README.md#unreadable_file"),
        "{scp}"
    );
    assert_eq!(
        findings[1]["policyType"],
        Value::Null,
        "no type without content or a name"
    );

    let given = run(&["check", "--format", "json", "--policy-type", "rcp", "missing.scp.json"]);
    let findings: Value = serde_json::from_slice(&given.stdout).unwrap();
    assert_eq!(findings[0]["policyType"], "rcp");
    assert_eq!(findings[0]["policyTypeSource"], "given");
}

#[test]
fn unreadable_file_in_sarif_points_at_its_rule() {
    let out = run(&["check", "--format", "sarif", "no-such-policy.json"]);
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let run0 = &sarif["runs"][0];
    let result = &run0["results"][0];
    assert_eq!(result["ruleId"], "UNREADABLE_FILE");
    let index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(run0["tool"]["driver"]["rules"][index]["id"], "UNREADABLE_FILE");
}

#[test]
fn explain_knows_unreadable_file() {
    let out = run(&["explain", "unreadable_file"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("# UNREADABLE_FILE (error)"), "{text}");
    assert!(text.contains("## What it does"), "{text}");
    let list = run(&["explain"]);
    assert!(
        String::from_utf8_lossy(&list.stdout)
            .lines()
            .any(|l| l.starts_with("UNREADABLE_FILE "))
    );
}

#[test]
fn the_readme_has_the_anchor_unreadable_file_docs_point_at() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    assert!(
        readme.contains("<a id=\"unreadable_file\"></a>"),
        "README lacks the UNREADABLE_FILE anchor"
    );
}
