//! End-to-end tests of `iam-policy-ls simulate`, driving the built binary with the request
//! files in tests/fixtures/simulate.
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

fn simulate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iam-policy-ls"))
        .arg("simulate")
        .args(args)
        .current_dir(repo_root())
        .output()
        .unwrap()
}

fn fixture(name: &str) -> String {
    format!("tests/fixtures/simulate/{name}")
}

fn json(name: &str) -> Value {
    let out = simulate(&["--request", &fixture(name), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn human(name: &str) -> String {
    let out = simulate(&["--request", &fixture(name)]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn decisions_of_the_fixtures() {
    let cases = [
        ("allowed-with-conditions.json", "Allowed"),
        ("scp-root-allows-ou-does-not.json", "ImplicitlyDenied"),
        ("kms-key-policy-does-not-name-caller.json", "ImplicitlyDenied"),
        ("role-arn-grant-capped-by-boundary.json", "ImplicitlyDenied"),
        ("session-arn-grant-not-capped.json", "Allowed"),
        ("cross-account-resource-side-only.json", "ImplicitlyDenied"),
        ("for-all-values-missing-key.json", "Allowed"),
        ("username-under-2008.json", "ImplicitlyDenied"),
        ("explicit-deny-negated.json", "ExplicitlyDenied"),
        ("anonymous-public-read.json", "Allowed"),
        // s3:ListAllMyBuckets takes no resource type: an ARN naming one bucket does not grant it.
        ("action-without-resource-type.json", "ImplicitlyDenied"),
    ];
    for (name, expected) in cases {
        let v = json(name);
        assert_eq!(v["decision"], expected, "{name}: {}", v["explanation"]["reason"]);
        assert!(
            v["explanation"]["reason"].as_str().is_some_and(|r| !r.is_empty()),
            "{name}"
        );
    }
}

#[test]
fn json_explanation_carries_statements_conditions_and_ranges() {
    let v = json("allowed-with-conditions.json");
    let x = &v["explanation"];
    let identity = x["layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["layer"] == "identity")
        .unwrap();
    assert_eq!(identity["applies"], true);
    assert_eq!(identity["decision"], "Allow");
    let st = &identity["statements"][0];
    assert_eq!(st["policy"], "policies.identity[0]");
    assert_eq!(st["statementIndex"], 1);
    assert_eq!(st["sid"], "ReadReportsFromOffice");
    assert_eq!(st["matched"], true);
    let text = std::fs::read_to_string(repo_root().join(fixture("allowed-with-conditions.json"))).unwrap();
    let (start, end) = (
        st["range"]["start"].as_u64().unwrap() as usize,
        st["range"]["end"].as_u64().unwrap() as usize,
    );
    assert!(text[start..end].contains("\"ReadReportsFromOffice\""));
    let cond = &st["conditions"][0];
    assert_eq!(cond["operator"], "IpAddress");
    assert_eq!(cond["key"], "aws:SourceIp");
    assert_eq!(cond["requestValues"], serde_json::json!(["203.0.113.7"]));
    assert_eq!(
        cond["policyValues"],
        serde_json::json!(["203.0.113.0/24", "2001:db8::/32"])
    );
    assert_eq!(cond["result"], true);
    assert_eq!(x["missingContextKeys"], serde_json::json!([]));
    // Layers that do not take part are still listed, marked as not applying.
    let scp_free = x["layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["layer"] == "resource")
        .unwrap();
    assert_eq!(scp_free["applies"], false);
    assert_eq!(scp_free["decision"], "NotApplicable");
}

#[test]
fn policy_files_are_resolved_relative_to_the_request_and_spans_refer_to_them() {
    let v = json("session-arn-grant-not-capped.json");
    assert_eq!(v["decision"], "Allowed");
    let v = json("role-arn-grant-capped-by-boundary.json");
    let boundary = v["explanation"]["layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["layer"] == "permissionBoundary")
        .unwrap();
    assert_eq!(boundary["decision"], "NoMatch");
    assert!(
        v["explanation"]["reason"]
            .as_str()
            .unwrap()
            .contains("permissions boundary does not allow")
    );
}

#[test]
fn for_all_values_with_missing_key_is_reported_as_missing() {
    let v = json("for-all-values-missing-key.json");
    assert_eq!(
        v["explanation"]["missingContextKeys"],
        serde_json::json!(["aws:TagKeys"])
    );
}

#[test]
fn human_trace_scp_ou() {
    insta::assert_snapshot!(human("scp-root-allows-ou-does-not.json"));
}

#[test]
fn human_trace_conditions() {
    insta::assert_snapshot!(human("allowed-with-conditions.json"));
}

#[test]
fn human_trace_kms() {
    insta::assert_snapshot!(human("kms-key-policy-does-not-name-caller.json"));
}

#[test]
fn human_trace_negated_deny() {
    insta::assert_snapshot!(human("explicit-deny-negated.json"));
}

#[test]
fn malformed_request_names_the_field() {
    let out = simulate(&["--request", &fixture("malformed-action.json")]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("request.action: expected a string"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn policy_file_with_syntax_error_names_file_and_line() {
    let out = simulate(&["--request", &fixture("broken-policy-file.json")]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("policies/broken.json:4:"), "{err}");
}

#[test]
fn missing_request_file_is_an_error() {
    let out = simulate(&["--request", &fixture("no-such-file.json")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
}

#[test]
fn request_and_batch_are_exclusive_and_one_is_required() {
    assert_eq!(simulate(&[]).status.code(), Some(2));
    let both = simulate(&["--request", &fixture("batch.jsonl"), "--batch", &fixture("batch.jsonl")]);
    assert_eq!(both.status.code(), Some(2));
}

#[test]
fn batch_prints_one_result_per_line_in_order() {
    let out = simulate(&["--batch", &fixture("batch.jsonl")]);
    // Line 4 is malformed: its error takes its place and the exit status is 2.
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 5);
    let decisions: Vec<&str> = lines
        .iter()
        .map(|l| l["decision"].as_str().unwrap_or("error"))
        .collect();
    assert_eq!(
        decisions,
        ["Allowed", "ImplicitlyDenied", "Allowed", "error", "ImplicitlyDenied"]
    );
    let error = lines[3]["error"].as_str().unwrap();
    assert!(
        error.contains("batch.jsonl:4") && error.contains("request.resource"),
        "{error}"
    );
}

#[test]
fn malformed_inputs_never_panic() {
    let dir = std::env::temp_dir().join(format!("iam-simulate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases = [
        "",
        "[]",
        "{}",
        "null",
        r#"{"request": []}"#,
        r#"{"request": {"principal": "x y", "action": "s3:GetObject", "resource": "*"}}"#,
        r#"{"request": {"principal": "arn:aws:iam::1:user/a", "action": "s3:*", "resource": "*"}}"#,
        r#"{"request": {"principal": "arn:aws:iam::1:user/a", "action": "s3:Get", "resource": "*", "context": {"k": {}}}}"#,
        r#"{"request": {"principal": "arn:aws:iam::1:user/a", "action": "s3:Get", "resource": "*"}, "policies": {"identity": {}}}"#,
        r#"{"request": {"principal": "arn:aws:iam::1:user/a", "action": "s3:Get", "resource": "*"}, "policies": {"identity": [3]}}"#,
        r#"{"request": {"principal": "arn:aws:iam::1:user/a", "action": "s3:Get", "resource": "*"}, "policies": {"scps": [{"policies": []}]}}"#,
        r#"{"request": {"principal": "arn:aws:iam::1:user/a", "action": "s3:Get", "resource": "*"}, "policies": {"identity": ["../../../../nonexistent"]}}"#,
        r#"{"request": {"principal": "arn:aws:iam::1:user/a", "action": "s3:Get", "resource": "*"} // comment
        }"#,
    ];
    for (i, case) in cases.iter().enumerate() {
        let path = dir.join(format!("case{i}.json"));
        std::fs::write(&path, case).unwrap();
        let out = simulate(&["--request", path.to_str().unwrap(), "--format", "json"]);
        assert_eq!(out.status.code(), Some(2), "case {i}: {case}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("iam-policy-ls simulate: "), "case {i}: {err}");
        assert!(!err.contains("panicked"), "case {i}: {err}");
    }
    // Odd but well-formed policies decide without panicking.
    let odd = r#"{"request": {"principal": "arn:aws:iam::1:user/a", "action": "s3:Get", "resource": "*"},
        "policies": {"identity": [{"Statement": [{"Effect": "Allow", "Action": [1, "s3:*"], "Resource": {"x": 1},
          "Condition": {"StringLike": {"k": [null, "${"]}, "Nope": 3, "DateLessThan": {"k": "garbage"}}}]}],
          "resource": {"Statement": {"Effect": "Allow", "Principal": {"AWS": ["*x", 5]}, "Action": "*"}}}}"#;
    let path = dir.join("odd.json");
    std::fs::write(&path, odd).unwrap();
    let out = simulate(&["--request", path.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let _ = std::fs::remove_dir_all(&dir);
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iam-simulate-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn batch_in(dir: &Path, lines: &str, threads: &str) -> Output {
    let file = dir.join("batch.jsonl");
    std::fs::write(&file, lines).unwrap();
    Command::new(env!("CARGO_BIN_EXE_iam-policy-ls"))
        .args(["simulate", "--batch"])
        .arg(&file)
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .unwrap()
}

const ALLOW_S3: &str =
    r#"{"Version": "2012-10-17", "Statement": [{"Sid": "S3", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}"#;

fn batch_request(principal: &str, action: &str, identity: &str) -> String {
    format!(
        r#"{{"request": {{"principal": "{principal}", "action": "{action}", "resource": "arn:aws:s3:::b/k"}}, "policies": {{"identity": [{identity}]}}}}"#
    )
}

#[test]
fn batch_keeps_input_order_across_chunks_and_threads() {
    let dir = scratch("order");
    std::fs::write(dir.join("id.json"), ALLOW_S3).unwrap();
    let user = "arn:aws:iam::111122223333:user/alice";
    // More lines than one chunk; decisions and errors in a pattern the output must follow.
    let expected = |i: usize| match i % 7 {
        0 => "error",
        1 | 4 => "ImplicitlyDenied",
        _ => "Allowed",
    };
    let mut input = String::new();
    for i in 0..4_200 {
        let line = match expected(i) {
            "error" => format!(r#"{{"request": {{"principal": "{user}", "action": "s3:GetObject", "resource": ""}}}}"#),
            "ImplicitlyDenied" => batch_request(user, "sqs:SendMessage", "\"id.json\""),
            _ if i % 2 == 0 => batch_request(user, "s3:GetObject", "\"id.json\""),
            _ => batch_request(user, "s3:PutObject", ALLOW_S3),
        };
        input.push_str(&line);
        input.push('\n');
    }
    let out = batch_in(&dir, &input, "2");
    assert_eq!(out.status.code(), Some(2), "malformed lines make the status 2");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4_200);
    for (i, line) in lines.iter().enumerate() {
        let got = line["decision"].as_str().unwrap_or("error");
        assert_eq!(got, expected(i), "line {}", i + 1);
        if got == "error" {
            let message = line["error"].as_str().unwrap();
            assert!(message.contains(&format!("batch.jsonl:{}:", i + 1)), "{message}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn batch_inline_policies_compiled_once_still_point_into_their_own_line() {
    let dir = scratch("ranges");
    // The same inline policy at different offsets: principals of different lengths.
    let input = [
        batch_request("arn:aws:iam::111122223333:user/al", "s3:GetObject", ALLOW_S3),
        batch_request(
            "arn:aws:iam::111122223333:user/a-much-longer-name",
            "s3:GetObject",
            ALLOW_S3,
        ),
    ]
    .join("\n");
    let out = batch_in(&dir, &input, "2");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    for (line, result) in input.lines().zip(stdout.lines()) {
        let v: Value = serde_json::from_str(result).unwrap();
        let st = &v["explanation"]["layers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["layer"] == "identity")
            .unwrap()["statements"][0];
        let (start, end) = (
            st["range"]["start"].as_u64().unwrap() as usize,
            st["range"]["end"].as_u64().unwrap() as usize,
        );
        assert!(line[start..end].starts_with(r#"{"Sid": "S3""#), "{}", &line[start..end]);
        assert_eq!(st["policy"], "policies.identity[0]");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn batch_reads_a_changed_policy_file_afresh_on_the_next_run() {
    let dir = scratch("fresh");
    let line = batch_request("arn:aws:iam::111122223333:user/alice", "s3:GetObject", "\"id.json\"");
    let decision = |policy: &str| {
        std::fs::write(dir.join("id.json"), policy).unwrap();
        let out = batch_in(&dir, &format!("{line}\n{line}\n"), "2");
        let stdout = String::from_utf8(out.stdout).unwrap();
        let decisions: Vec<String> = stdout
            .lines()
            .map(|l| {
                serde_json::from_str::<Value>(l).unwrap()["decision"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(decisions.len(), 2);
        assert_eq!(decisions[0], decisions[1]);
        decisions[0].clone()
    };
    assert_eq!(decision(ALLOW_S3), "Allowed");
    assert_eq!(decision(&ALLOW_S3.replace("Allow", "Deny")), "ExplicitlyDenied");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn human_trace_shows_why_a_statement_did_not_match() {
    let dir = scratch("notes");
    let request = r#"{"request": {"principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject",
  "resource": "arn:aws:s3:::home/alice/notes.txt"},
 "policies": {"identity": [{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
  "Resource": "arn:aws:s3:::home/${aws:username}/*"}]}]}}"#;
    let file = dir.join("req.json");
    std::fs::write(&file, request).unwrap();
    let out = simulate(&["--request", file.to_str().unwrap()]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("ImplicitlyDenied"), "{stdout}");
    assert!(
        stdout.contains("note: ${aws:username} in Resource is matched as literal text")
            && stdout.contains("req.json:4:"),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
