//! Policies inside CloudFormation/SAM templates and Terraform files, through the real binary
//! over stdio: diagnostics at host positions, fixes and completion in the host's syntax, hover,
//! outline, and silence on files that hold no policy.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic, reason = "tests")]

mod common;

use common::{TestServer, uri};
use serde_json::{Value, json};
use std::time::Duration;

const TEMPLATE: &str = "AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  BucketName:
    Type: String
Resources:
  AppRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal:
              Service: lambda.amazonaws.com
            Action: sts:AssumeRole
      Policies:
        - PolicyName: read
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: allow
                Action:
                  - s3:GetObjekt
                Resource:
                  - !Sub 'arn:${AWS::Partition}:s3:::${BucketName}/*'
                  - !GetAtt Bucket.Arn
";

const TERRAFORM: &str = r#"resource "aws_iam_policy" "read" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:GetObjekt"]
      Resource = "${aws_s3_bucket.b.arn}/*"
    }]
  })
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "app" {
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
"#;

fn diagnostics_by_code(published: &Value) -> Vec<(String, u64, u64)> {
    published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["range"]["start"]["line"].as_u64().unwrap(),
                d["range"]["start"]["character"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// The 0-based (line, character) of the first occurrence of `needle` in `text` (ASCII text).
fn position_of(text: &str, needle: &str) -> (u32, u32) {
    let at = text.find(needle).unwrap();
    let line = text[..at].matches('\n').count() as u32;
    let character = (at - text[..at].rfind('\n').map_or(0, |n| n + 1)) as u32;
    (line, character)
}

#[test]
fn yaml_template_diagnostics_land_in_the_template_and_intrinsics_stay_clean() {
    let mut server = TestServer::start();
    let u = uri("template.yaml");
    server.open(&u, "yaml", 1, TEMPLATE);
    let published = server.diagnostics(&u);
    let found = diagnostics_by_code(&published);
    let (effect_line, effect_char) = position_of(TEMPLATE, "allow");
    let (action_line, action_char) = position_of(TEMPLATE, "s3:GetObjekt");
    assert_eq!(
        found,
        [
            (
                "INVALID_EFFECT".to_owned(),
                u64::from(effect_line),
                u64::from(effect_char)
            ),
            (
                "INVALID_ACTION".to_owned(),
                u64::from(action_line),
                u64::from(action_char)
            ),
        ],
        "{published}"
    );
    // The fix keeps YAML plain scalars plain.
    let effect = &published["diagnostics"][0];
    assert_eq!(effect["data"]["fixes"][0]["edits"][0]["newText"], "Allow");
    let action = &published["diagnostics"][1];
    assert_eq!(action["data"]["fixes"][0]["edits"][0]["newText"], "s3:GetObject");

    // Fixing the typo in place clears it.
    let end = action_char + "s3:GetObjekt".len() as u32;
    server.change(&u, 2, [action_line, action_char, action_line, end], "s3:GetObject");
    let published = server.diagnostics(&u);
    let codes: Vec<String> = diagnostics_by_code(&published).into_iter().map(|(c, _, _)| c).collect();
    assert_eq!(codes, ["INVALID_EFFECT"]);
    server.shutdown();
}

#[test]
fn terraform_diagnostics_completion_and_types() {
    let mut server = TestServer::start();
    let u = uri("main.tf");
    server.open(&u, "terraform", 1, TERRAFORM);
    let published = server.diagnostics(&u);
    let found = diagnostics_by_code(&published);
    let (line, character) = position_of(TERRAFORM, "\"s3:GetObjekt\"");
    assert_eq!(
        found,
        [("INVALID_ACTION".to_owned(), u64::from(line), u64::from(character))],
        "{published}"
    );
    assert_eq!(
        published["diagnostics"][0]["data"]["fixes"][0]["edits"][0]["newText"],
        "\"s3:GetObject\""
    );

    // The data source is a trust policy: its json is the role's assume_role_policy.
    let (line, character) = position_of(TERRAFORM, "sts:AssumeRole");
    let id = server.request(
        "iam-policy-ls/policyType",
        json!({"textDocument": {"uri": u}, "position": {"line": line, "character": character}}),
    );
    let result = server.result(id);
    assert_eq!(result["policyType"], "trust", "{result}");
    assert_eq!(result["source"], "template");
    assert_eq!(result["pointer"], "data.aws_iam_policy_document.trust");
    let policy: Value = serde_json::from_str(result["policy"].as_str().unwrap()).unwrap();
    assert_eq!(policy["Statement"][0]["Action"][0], "sts:AssumeRole");

    // `actions = ["s3:GetObj` completes inside the HCL string.
    let (line, character) = position_of(TERRAFORM, "s3:GetObjekt");
    let id = server.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": u}, "position": {"line": line, "character": character + 9}}),
    );
    let result = server.result(id);
    let item = result["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "s3:GetObject")
        .cloned()
        .unwrap_or(Value::Null);
    assert_eq!(item["textEdit"]["newText"], "\"s3:GetObject\"", "{result}");
    server.shutdown();
}

#[test]
fn yaml_completion_hover_and_outline() {
    let mut server = TestServer::start();
    let u = uri("template.yaml");
    let text = TEMPLATE.replace("                  - s3:GetObjekt\n", "                  - s3:GetObj\n");
    server.open(&u, "yaml", 1, &text);
    server.diagnostics(&u);
    let (line, character) = position_of(&text, "s3:GetObj\n");
    let id = server.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": u}, "position": {"line": line, "character": character + 9}}),
    );
    let result = server.result(id);
    let item = result["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "s3:GetObject")
        .cloned()
        .unwrap_or(Value::Null);
    assert_eq!(item["textEdit"]["newText"], "s3:GetObject", "{result}");
    assert_eq!(item["filterText"], "s3:GetObject");
    assert_eq!(
        item["textEdit"]["range"],
        json!({"start": {"line": line, "character": character}, "end": {"line": line, "character": character + 9}})
    );

    // Hover on the trust policy's action explains it.
    let (line, character) = position_of(&text, "sts:AssumeRole");
    let id = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": {"line": line, "character": character + 2}}),
    );
    let hover = server.result(id);
    assert!(
        hover["contents"]["value"].as_str().unwrap().contains("AssumeRole"),
        "{hover}"
    );

    // The outline names each policy by where it stands.
    let id = server.request("textDocument/documentSymbol", json!({"textDocument": {"uri": u}}));
    let symbols = server.result(id);
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Resources.AppRole.Properties.AssumeRolePolicyDocument",
            "Resources.AppRole.Properties.Policies[0].PolicyDocument"
        ]
    );
    assert_eq!(symbols[0]["detail"], "trust policy");
    server.shutdown();
}

#[test]
fn files_without_policies_stay_silent() {
    let mut server = TestServer::start();
    let yaml = uri("docker-compose.yaml");
    server.open(&yaml, "yaml", 1, "services:\n  web:\n    image: nginx\n");
    let tf = uri("vars.tf");
    server.open(&tf, "terraform", 1, "variable \"x\" {\n  default = 1\n}\n");
    let broken = uri("broken.yaml");
    server.open(&broken, "yaml", 1, "key: [unclosed\n  - : :\n");
    server.assert_quiet(Duration::from_millis(300));
    // No completion or hover either.
    let id = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": yaml}, "position": {"line": 0, "character": 2}}),
    );
    assert_eq!(server.result(id), Value::Null);
    server.shutdown();
}

const TEMPLATE_TESTS: &str = r#"{
  "policies": {"identity": ["template.yaml#Resources.AppRole.Properties.Policies[0].PolicyDocument"]},
  "principal": "arn:aws:iam::111122223333:role/app",
  "cases": [
    {"name": "reads", "action": "s3:GetObject", "resource": "arn:aws:s3:::my-bucket/k", "expect": "Allowed"}
  ]
}"#;

/// A fixed template whose read statement allows s3:GetObject on every bucket.
fn readable_template() -> String {
    TEMPLATE
        .replace("Effect: allow", "Effect: Allow")
        .replace("s3:GetObjekt", "s3:GetObject")
        .replace(
            "                  - !Sub 'arn:${AWS::Partition}:s3:::${BucketName}/*'\n                  - !GetAtt Bucket.Arn\n",
            "                  - 'arn:aws:s3:::*/*'\n",
        )
}

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn test_dir(name: &str) -> TempDir {
    let dir = std::env::temp_dir().join(format!("iam-ls-template-tests-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("template.yaml"), readable_template()).unwrap();
    std::fs::write(dir.join("access.iamtest.json"), TEMPLATE_TESTS).unwrap();
    TempDir(dir)
}

#[test]
fn policy_tests_name_a_policy_inside_a_template() {
    let dir = test_dir("cli");
    let run = |args: &[&str]| {
        std::process::Command::new(common::binary())
            .arg("test")
            .args(args)
            .current_dir(&dir.0)
            .output()
            .unwrap()
    };
    let out = run(&["access.iamtest.json"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("✓ reads (Allowed)"), "{text}");

    // The case fails once the template stops granting it; the explanation names the policy
    // by file and pointer.
    std::fs::write(
        dir.0.join("template.yaml"),
        readable_template().replace("s3:GetObject", "s3:ListBucket"),
    )
    .unwrap();
    let out = run(&["access.iamtest.json"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("✗ reads: expected Allowed, got ImplicitlyDenied"),
        "{text}"
    );

    // A pointer that names no policy says which ones there are.
    let wrong = TEMPLATE_TESTS.replace("Policies[0]", "Policies[3]");
    std::fs::write(dir.0.join("access.iamtest.json"), wrong).unwrap();
    let out = run(&["access.iamtest.json"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_ne!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("no policy at `Resources.AppRole.Properties.Policies[3].PolicyDocument`")
            && text.contains("Resources.AppRole.Properties.AssumeRolePolicyDocument"),
        "{text}"
    );
}

#[test]
fn editing_a_template_re_runs_the_tests_that_name_its_policies() {
    let dir = test_dir("lsp");
    let test_uri = format!("file://{}", dir.0.join("access.iamtest.json").display());
    let template_uri = format!("file://{}", dir.0.join("template.yaml").display());
    let mut server = TestServer::start();
    server.open(&test_uri, "json", 1, TEMPLATE_TESTS);
    let failed = |published: &Value| {
        published["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "POLICY_TEST_FAILED")
            .count()
    };
    assert_eq!(failed(&server.diagnostics(&test_uri)), 0);
    let template = readable_template();
    server.open(&template_uri, "yaml", 1, &template);
    assert_eq!(failed(&server.diagnostics(&template_uri)), 0);
    assert_eq!(failed(&server.diagnostics(&test_uri)), 0);

    // An unsaved edit that stops the read fails the case, in the test file.
    let (line, character) = position_of(&template, "s3:GetObject");
    server.change(
        &template_uri,
        2,
        [line, character, line, character + 12],
        "s3:ListBucket",
    );
    let test_failures = Some(failed(&server.diagnostics(&test_uri)));
    server.diagnostics(&template_uri);
    assert_eq!(test_failures, Some(1));
    server.shutdown();
}
