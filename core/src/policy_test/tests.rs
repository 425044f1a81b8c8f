#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic, reason = "tests")]

use super::*;
use crate::eval::{CompiledPolicy, Decision};

const IDENTITY: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "ReadReports", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"},
  {"Sid": "NoSecrets", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::reports/secret/*"}
]}"#;

const TESTS: &str = r#"{
  "policies": {"identity": ["identity.json"]},
  "principal": "arn:aws:iam::111122223333:role/app",
  "cases": [
    {"name": "reads", "action": "s3:GetObject", "resource": "arn:aws:s3:::reports/a", "expect": "Allowed", "decidedBy": "ReadReports"},
    {"name": "no writes", "action": "s3:PutObject", "resource": "arn:aws:s3:::reports/a", "expect": "ImplicitlyDenied"},
    {"name": "no secrets", "action": "s3:GetObject", "resource": "arn:aws:s3:::reports/secret/k", "expect": "ExplicitlyDenied", "decidedBy": "NoSecrets"}
  ]
}"#;

fn run_with(tests: &str, identity: &str) -> (TestFile, Vec<CaseResult>) {
    let file = parse(tests);
    let resolved = resolve(&file, &mut |p: &str| {
        if p == "identity.json" {
            Ok(CompiledPolicy::from_text(p, identity))
        } else {
            Err(format!("{p}: not found"))
        }
    });
    let results = run(&file, &resolved);
    (file, results)
}

#[test]
fn cases_pass_when_the_policy_decides_as_expected() {
    let (file, results) = run_with(TESTS, IDENTITY);
    assert!(file.problems.is_empty(), "{:?}", file.problems);
    assert_eq!(results.len(), 3);
    for r in &results {
        assert!(r.passed, "{}: {:?}", r.name, r.message);
    }
    assert_eq!(results[0].deciding[0].sid.as_deref(), Some("ReadReports"));
}

#[test]
fn a_flipped_case_fails_and_blames_the_deciding_statement() {
    // Deny everything in reports/: the read is now explicitly denied by NoSecrets.
    let identity = IDENTITY.replace("reports/secret/*", "reports/*");
    let (_, results) = run_with(TESTS, &identity);
    let r = &results[0];
    assert!(!r.passed);
    assert_eq!(r.actual(), Some(Decision::ExplicitlyDenied));
    assert!(
        r.message
            .as_deref()
            .unwrap()
            .starts_with("expected Allowed, got ExplicitlyDenied")
    );
    assert_eq!(r.blame.len(), 1);
    let span = r.blame[0].span.unwrap();
    assert!(identity[span.range()].contains("\"NoSecrets\""));
    assert_eq!(r.blame[0].policy, "identity.json");
}

#[test]
fn a_newly_denied_case_blames_the_policy_of_the_layer_that_did_not_allow() {
    let identity = IDENTITY.replace("s3:GetObject", "s3:ListBucket");
    let (_, results) = run_with(TESTS, &identity);
    let r = &results[0];
    assert_eq!(r.actual(), Some(Decision::ImplicitlyDenied));
    assert_eq!(
        r.blame,
        vec![Blame {
            policy: "identity.json".into(),
            span: None,
            message: r.blame[0].message.clone()
        }]
    );
    assert!(r.blame[0].message.contains("\"reads\""));
    let doc = crate::json::parse(&identity);
    assert_eq!(&identity[statement_anchor(&doc).range()], "\"Statement\"");
}

#[test]
fn decided_by_names_a_statement_that_does_not_decide() {
    let tests = TESTS.replace("\"decidedBy\": \"ReadReports\"", "\"decidedBy\": \"Other\"");
    let (_, results) = run_with(&tests, IDENTITY);
    assert!(!results[0].passed);
    assert!(
        results[0]
            .message
            .as_deref()
            .unwrap()
            .contains("expected statement \"Other\"")
    );
}

#[test]
fn problems_unknown_fields_bad_decisions_unknown_actions_and_missing_policies() {
    let tests = r#"{
  "policies": {"identity": ["missing.json"], "boundary": []},
  "principal": "arn:aws:iam::111122223333:role/app",
  "cases": [
    {"name": "x", "action": "s3:GetObjet", "resource": "*", "expect": "Allow", "sid": "A"},
    {"action": "s3:GetObject", "resource": "*"}
  ]
}"#;
    let (file, results) = run_with(tests, IDENTITY);
    let messages: Vec<&str> = file.problems.iter().map(|p| p.message.as_str()).collect();
    assert!(
        messages.iter().any(|m| m.contains("unknown field \"boundary\"")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("unknown field \"sid\" in a case")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("\"Allow\" is not a decision") && m.contains("did you mean \"Allowed\"")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("did you mean \"s3:GetObject\"")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("cases[1]: missing \"expect\"")),
        "{messages:?}"
    );
    let span = file
        .problems
        .iter()
        .find(|p| p.message.contains("\"sid\""))
        .unwrap()
        .span;
    assert_eq!(&tests[span.range()], "\"sid\"");
    // The missing policy file keeps every case from running.
    assert!(results.iter().all(|r| !r.passed && r.evaluation.is_none()));
    let resolved = resolve(&file, &mut |p: &str| Err(format!("{p}: not found")));
    assert_eq!(resolved.problems[0].code, codes::POLICY_NOT_LOADED);
    assert_eq!(&tests[resolved.problems[0].span.range()], "\"missing.json\"");
}

#[test]
fn inline_policies_org_levels_and_context_defaults() {
    let tests = r#"{
  "policies": {
    "identity": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
                  "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}],
    "scps": [{"orgIdentifier": "r-root", "policies": [{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}]},
             {"orgIdentifier": "ou-1", "policies": []}]
  },
  "principal": "arn:aws:iam::111122223333:role/app",
  "context": {"aws:SecureTransport": "true"},
  "cases": [
    {"name": "blocked by the empty OU level", "action": "s3:GetObject", "resource": "*", "expect": "ImplicitlyDenied"},
    {"name": "context override", "action": "s3:GetObject", "resource": "*", "context": {"aws:securetransport": "false"}, "expect": "ImplicitlyDenied"}
  ]
}"#;
    let (file, results) = run_with(tests, IDENTITY);
    assert!(file.problems.is_empty(), "{:?}", file.problems);
    assert_eq!(file.scp_levels, vec!["r-root", "ou-1"]);
    assert!(results.iter().all(|r| r.passed), "{results:?}");
}

#[test]
fn the_management_account_is_spared_by_scps() {
    let tests = |management: &str| {
        format!(
            r#"{{
  "policies": {{
    "identity": [{{"Statement": [{{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}]}}],
    "scps": [{{"orgIdentifier": "r-root", "policies": []}}],
    "managementAccount": {management}
  }},
  "principal": "arn:aws:iam::111122223333:role/app",
  "cases": [{{"name": "reads", "action": "s3:GetObject", "resource": "*", "expect": "Allowed"}}]
}}"#
        )
    };
    let (file, results) = run_with(&tests("\"111122223333\""), IDENTITY);
    assert!(file.problems.is_empty(), "{:?}", file.problems);
    assert!(results.iter().all(|r| r.passed), "{results:?}");
    let (_, results) = run_with(&tests("\"999988887777\""), IDENTITY);
    assert!(results.iter().all(|r| !r.passed), "{results:?}");
    let (file, _) = run_with(&tests("12"), IDENTITY);
    assert!(
        file.problems.iter().any(|p| p.message.contains("managementAccount")),
        "{:?}",
        file.problems
    );
}

#[test]
fn test_file_names() {
    assert!(is_test_file("a/bucket-access.iamtest.json"));
    assert!(is_test_file("X.IAMTEST.JSON"));
    assert!(!is_test_file(".iamtest.json"));
    assert!(!is_test_file("policy.json"));
}
