//! End-to-end tests of the risk findings on the command line: `check --risk/--forbid`, the
//! `"risk"` object in JSON and SARIF, the `[risk]` configuration, and `summary`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure is a test failure"
)]

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iam-policy-ls"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run iam-policy-ls")
}

fn run(args: &[&str]) -> Output {
    run_in(&repo_root(), args)
}

fn stdout_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

/// (code, risk object) of every risk finding of `check --format json`.
fn risk_findings(out: &Output) -> Vec<(String, Value)> {
    stdout_json(out)
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["category"] == "risk")
        .map(|f| (f["code"].as_str().unwrap().to_owned(), f["risk"].clone()))
        .collect()
}

/// A fresh directory under the system's temporary directory.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iam-policy-ls-risk-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn check_json_carries_the_risk_object() {
    let out = run(&["check", "--format", "json", "tests/fixtures/risk/escalation.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        risk_findings(&out),
        vec![(
            "PRIVILEGE_ESCALATION".to_owned(),
            json!({"kind": "privilege-escalation", "method": "CreateEC2WithExistingIP",
                   "actions": ["ec2:RunInstances", "iam:PassRole"]})
        )]
    );
}

#[test]
fn risk_all_turns_on_the_exposure_categories() {
    let out = run(&[
        "check",
        "--risk",
        "all",
        "--format",
        "json",
        "tests/fixtures/risk/escalation.json",
    ]);
    let found = risk_findings(&out);
    let kinds: Vec<&str> = found.iter().map(|(_, r)| r["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        // In the order of their places in the file.
        [
            "privilege-escalation",
            "infrastructure-modification",
            "data-exfiltration",
            "resource-exposure"
        ],
        "{found:?}"
    );
    let exfiltration = &found[2].1;
    assert_eq!(exfiltration["actions"], json!(["s3:GetObject"]));
    // Some categories only.
    let out = run(&[
        "check",
        "--risk",
        "data-exfiltration",
        "--format",
        "json",
        "tests/fixtures/risk/escalation.json",
    ]);
    let codes: Vec<String> = risk_findings(&out).into_iter().map(|(c, _)| c).collect();
    assert_eq!(codes, ["PRIVILEGE_ESCALATION", "DATA_EXFILTRATION"]);
}

#[test]
fn forbid_on_the_command_line_is_an_error_per_granting_statement() {
    let out = run(&[
        "check",
        "--forbid",
        "iam:*,s3:DeleteBucket",
        "--format",
        "json",
        "tests/fixtures/risk/escalation.json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let forbidden: Vec<Value> = risk_findings(&out)
        .into_iter()
        .filter(|(c, _)| c == "FORBIDDEN_ACCESS")
        .map(|(_, r)| r)
        .collect();
    assert_eq!(
        forbidden,
        vec![json!({"kind": "forbidden-access", "actions": ["iam:PassRole"]})]
    );
    let bad = run(&["check", "--forbid", "iam", "tests/fixtures/risk/escalation.json"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("`iam` is not an action pattern"));
}

#[test]
fn the_configuration_forbids_and_turns_checks_off_and_risk_all_wins() {
    let dir = temp_dir("config");
    std::fs::write(
        dir.join(".iam-policy-ls.toml"),
        "[checks]\nPRIVILEGE_ESCALATION = \"off\"\n[risk]\nforbid = [{action = \"s3:PutBucketPolicy\", resources = [\"*\"]}]\n",
    )
    .unwrap();
    std::fs::copy(
        repo_root().join("tests/fixtures/risk/escalation.json"),
        dir.join("policy.json"),
    )
    .unwrap();
    let out = run_in(&dir, &["check", "--format", "json", "policy.json"]);
    let codes: Vec<String> = risk_findings(&out).into_iter().map(|(c, _)| c).collect();
    assert_eq!(codes, ["FORBIDDEN_ACCESS"], "{}", String::from_utf8_lossy(&out.stderr));
    let out = run_in(&dir, &["check", "--risk", "all", "--format", "json", "policy.json"]);
    let codes: Vec<String> = risk_findings(&out).into_iter().map(|(c, _)| c).collect();
    assert!(codes.contains(&"PRIVILEGE_ESCALATION".to_owned()), "{codes:?}");
    std::fs::write(dir.join(".iam-policy-ls.toml"), "[risk]\nforbid = [\"iam\"]\n").unwrap();
    let out = run_in(&dir, &["check", "policy.json"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(".iam-policy-ls.toml:2:10: [risk] forbid: `iam` is not an action pattern"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sarif_results_carry_the_risk_properties() {
    let out = run(&["check", "--format", "sarif", "tests/fixtures/risk/public-bucket.json"]);
    let sarif = stdout_json(&out);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let public: Vec<&Value> = results.iter().filter(|r| r["ruleId"] == "PUBLIC_ACCESS").collect();
    assert_eq!(public.len(), 1, "{results:?}");
    assert_eq!(
        public[0]["properties"],
        json!({"category": "risk", "risk": {"kind": "public-access", "actions": ["s3:GetObject"]}})
    );
    assert_eq!(public[0]["locations"][0]["physicalLocation"]["region"]["startLine"], 7);
}

#[test]
fn summary_of_a_json_policy_prints_the_table_and_the_findings() {
    let out = run(&["summary", "tests/fixtures/risk/escalation.json"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with(
            "tests/fixtures/risk/escalation.json (identity policy): grants 4 actions in 3 services · 1 escalation path\n"
        ),
        "{text}"
    );
    let s3_row = text.lines().find(|l| l.contains(" s3 ")).unwrap_or_default();
    let cells: Vec<&str> = s3_row.split_whitespace().collect();
    // s3: one Read, one Permissions management, neither limited nor conditional.
    assert_eq!(cells, ["│", "s3", "1", "1", "2", "│"], "{text}");
    assert!(
        text.contains("escalation.json:7:17: security-warning PRIVILEGE_ESCALATION"),
        "{text}"
    );
    assert!(text.trim_end().ends_with("1 policy, 1 risk finding"), "{text}");
}

#[test]
fn summary_json_covers_templates_policy_by_policy() {
    let out = run(&[
        "summary",
        "--format",
        "json",
        "tests/fixtures/risk/template.yaml",
        "tests/fixtures/risk/public-bucket.json",
    ]);
    let all = stdout_json(&out);
    let brief: Vec<(String, String, String, Vec<String>)> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["policyPointer"].as_str().unwrap().to_owned(),
                p["policyType"].as_str().unwrap().to_owned(),
                p["headline"].as_str().unwrap().to_owned(),
                p["risks"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r["code"].as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        brief,
        vec![
            (
                "Resources.DeployRole.Properties.AssumeRolePolicyDocument".to_owned(),
                "trust".to_owned(),
                "grants 1 action in 1 service".to_owned(),
                vec![]
            ),
            (
                "Resources.DeployRole.Properties.Policies[0].PolicyDocument".to_owned(),
                "identity".to_owned(),
                "grants 2 actions in 2 services · 1 escalation path".to_owned(),
                vec!["PRIVILEGE_ESCALATION".to_owned()]
            ),
            (
                String::new(),
                "resource".to_owned(),
                "grants 2 actions in 1 service".to_owned(),
                vec!["PUBLIC_ACCESS".to_owned()]
            ),
        ]
    );
    let identity = &all[1];
    assert_eq!(identity["escalationPaths"], json!(["PassExistingRoleToCloudFormation"]));
    assert_eq!(
        identity["services"][0],
        json!({"service": "cloudformation", "actions": 1, "levels": [
            {"level": "Write", "actions": 1, "byResource": 0, "byCondition": 0, "unconstrained": 1, "narrowedByDeny": 0}]})
    );
    assert_eq!(
        identity["risks"][0]["risk"]["method"],
        "PassExistingRoleToCloudFormation"
    );
}

#[test]
fn summary_ends_quietly_on_a_closed_pipe_and_reports_unreadable_files() {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_iam-policy-ls"))
        .args(["summary", "tests/corpus/aws-managed/ReadOnlyAccess.json"])
        .current_dir(repo_root())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    let missing = run(&["summary", "no-such-policy.json"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no-such-policy.json"));
}

#[test]
fn the_readme_shows_real_summary_output() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let start = readme.find("<!-- summary-example:start -->").expect("start marker");
    let end = readme.find("<!-- summary-example:end -->").expect("end marker");
    let block = &readme[start..end];
    let command = "$ iam-policy-ls summary tests/fixtures/risk/escalation.json\n";
    let shown = block
        .split_once(command)
        .and_then(|(_, rest)| rest.rsplit_once("```"))
        .map(|(output, _)| output)
        .expect("a text block with the command");
    let out = run(&["summary", "tests/fixtures/risk/escalation.json"]);
    assert_eq!(shown, String::from_utf8_lossy(&out.stdout));
}
