//! The risk findings and the policy summary in the editor, through the real server: risk
//! diagnostics with a related location per granting statement, a code lens per policy, and
//! the summary table as a hover on the `Statement` key.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure is a test failure"
)]

mod common;

use common::{TestServer, uri};
use serde_json::{Value, json};

const POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Pass", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/app-*"},
    {"Sid": "Run", "Effect": "Allow", "Action": ["ec2:RunInstances", "s3:GetObject"], "Resource": "*"}
  ]
}"#;

const TEMPLATE: &str = r#"Resources:
  AppRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: "*"
            Action: sts:AssumeRole
      Policies:
        - PolicyName: deploy
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: ["iam:PassRole", "cloudformation:CreateStack"]
                Resource: "*"
"#;

fn pos(text: &str, needle: &str, shift: usize) -> Value {
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle} not in text")) + shift;
    let before = &text[..at];
    let line = before.matches('\n').count();
    let character = at - before.rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": character})
}

fn with_code<'a>(published: &'a Value, code: &str) -> Vec<&'a Value> {
    published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code)
        .collect()
}

fn lenses(server: &mut TestServer, u: &str) -> Vec<(Value, String)> {
    let id = server.request("textDocument/codeLens", json!({"textDocument": {"uri": u}}));
    server
        .result(id)
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["range"]["start"].clone(),
                l["command"]["title"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn escalation_is_a_diagnostic_pointing_at_each_granting_statement() {
    let mut server = TestServer::start();
    let u = uri("role.json");
    server.open(&u, "iam-policy", 1, POLICY);
    let published = server.diagnostics(&u);
    let found = with_code(&published, "PRIVILEGE_ESCALATION");
    assert_eq!(found.len(), 1, "{published}");
    let d = found[0];
    assert_eq!(d["severity"], 2);
    assert_eq!(d["range"]["start"], pos(POLICY, "\"iam:PassRole\"", 0));
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .starts_with("privilege escalation (CreateEC2WithExistingIP): iam:PassRole + ec2:RunInstances"),
        "{d}"
    );
    let related: Vec<(Value, &str)> = d["relatedInformation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["location"]["range"]["start"].clone(), r["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        related,
        vec![
            (
                pos(POLICY, "\"iam:PassRole\"", 0),
                "statement \"Pass\" grants iam:PassRole"
            ),
            (
                pos(POLICY, "\"ec2:RunInstances\"", 0),
                "statement \"Run\" grants ec2:RunInstances"
            ),
        ]
    );
    // Exposure categories are off by default.
    assert!(with_code(&published, "DATA_EXFILTRATION").is_empty());
    assert!(server.shutdown().success());
}

#[test]
fn a_lens_over_the_policy_and_the_summary_as_its_hover() {
    let mut server = TestServer::start();
    let u = uri("role.json");
    server.open(&u, "iam-policy", 1, POLICY);
    server.diagnostics(&u);
    assert_eq!(
        lenses(&mut server, &u),
        vec![(
            pos(POLICY, "\"Statement\"", 0),
            "grants 3 actions in 3 services · 1 escalation path".to_owned()
        )]
    );
    let id = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": pos(POLICY, "\"Statement\"", 3)}),
    );
    let hover = server.result(id);
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(
        md.starts_with("**grants 3 actions in 3 services · 1 escalation path**"),
        "{md}"
    );
    assert!(md.contains("| `ec2` |  |  | 1 |  |  |  |  | 1 |"), "{md}");
    assert!(md.contains("Escalation paths: `CreateEC2WithExistingIP`"), "{md}");
    // The element's own documentation follows.
    assert!(md.contains("**Statement**"), "{md}");
    assert_eq!(hover["range"]["start"], pos(POLICY, "\"Statement\"", 0));
    // Elsewhere, no summary.
    let id = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": pos(POLICY, "\"ec2:RunInstances\"", 2)}),
    );
    let md = server.result(id)["contents"]["value"].as_str().unwrap().to_owned();
    assert!(!md.contains("escalation path"), "{md}");
    assert!(server.shutdown().success());
}

#[test]
fn templates_get_a_lens_per_policy_and_their_risks() {
    let mut server = TestServer::start();
    let u = uri("template.yaml");
    server.open(&u, "yaml", 1, TEMPLATE);
    let published = server.diagnostics(&u);
    let public = with_code(&published, "PUBLIC_ACCESS");
    assert_eq!(public.len(), 1, "{published}");
    assert_eq!(public[0]["range"]["start"], pos(TEMPLATE, "Principal:", 0));
    let escalation = with_code(&published, "PRIVILEGE_ESCALATION");
    assert_eq!(escalation.len(), 1, "{published}");
    assert_eq!(escalation[0]["range"]["start"], pos(TEMPLATE, "\"iam:PassRole\"", 0));
    let found = lenses(&mut server, &u);
    let second_statement = TEMPLATE.match_indices("Statement:").nth(1).unwrap().0;
    let at = |offset: usize| {
        let before = &TEMPLATE[..offset];
        json!({"line": before.matches('\n').count(), "character": offset - before.rfind('\n').map_or(0, |i| i + 1)})
    };
    assert_eq!(
        found,
        vec![
            (
                pos(TEMPLATE, "Statement:", 0),
                "grants 1 action in 1 service".to_owned()
            ),
            (
                at(second_statement),
                "grants 2 actions in 2 services · 1 escalation path".to_owned()
            ),
        ]
    );
    assert!(server.shutdown().success());
}

#[test]
fn the_project_configuration_forbids_access_in_the_editor() {
    let dir = std::env::temp_dir().join(format!("iam-policy-ls-lsp-risk-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join(".iam-policy-ls.toml"),
        "[risk]\nforbid = [\"s3:GetObject\"]\n[checks]\nDATA_EXFILTRATION = \"warning\"\n",
    )
    .unwrap();
    let mut server = TestServer::start();
    let u = format!("file://{}", dir.join("role.json").display());
    server.open(&u, "iam-policy", 1, POLICY);
    let published = server.diagnostics(&u);
    let forbidden = with_code(&published, "FORBIDDEN_ACCESS");
    assert_eq!(forbidden.len(), 1, "{published}");
    assert_eq!(forbidden[0]["severity"], 1);
    assert_eq!(forbidden[0]["range"]["start"], pos(POLICY, "\"s3:GetObject\"", 0));
    let exfiltration = with_code(&published, "DATA_EXFILTRATION");
    assert_eq!(exfiltration.len(), 1, "{published}");
    assert_eq!(exfiltration[0]["severity"], 2);
    assert!(server.shutdown().success());
    let _ = std::fs::remove_dir_all(&dir);
}
