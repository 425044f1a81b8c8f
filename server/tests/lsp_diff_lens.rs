//! The diff lens: for a file in a git repository, each policy's code lens says what it grants
//! beyond its version at HEAD, and its command shows the whole comparison. Driven through the
//! real binary over stdio on a temporary repository.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic, reason = "tests")]

mod common;

use common::TestServer;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

const COMMITTED: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]
}
"#;

const TEMPLATE: &str = "AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: read
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Action: s3:GetObject
                Resource: arn:aws:s3:::reports/*
";

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("lsp-diff-lens-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The diff lenses of `uri` (each policy also has a summary lens, tested in `lsp_risk.rs`).
fn lenses(server: &mut TestServer, uri: &str) -> Vec<Value> {
    let id = server.request("textDocument/codeLens", json!({"textDocument": {"uri": uri}}));
    let all = server.result(id).as_array().cloned().unwrap_or_default();
    all.into_iter()
        .filter(|l| l["command"]["command"] == "iam-policy-ls.showDiff")
        .collect()
}

fn titles(lenses: &[Value]) -> Vec<String> {
    lenses
        .iter()
        .map(|l| l["command"]["title"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn each_policy_says_what_it_grants_beyond_head_and_its_command_shows_the_comparison() {
    let dir = scratch("repo");
    std::fs::write(dir.join("reader.json"), COMMITTED).unwrap();
    std::fs::write(dir.join("template.yaml"), TEMPLATE).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "first"]);
    let mut server = TestServer::start();

    // Unchanged: nothing new.
    let policy = file_uri(&dir.join("reader.json"));
    server.open(&policy, "iam-policy", 1, COMMITTED);
    server.diagnostics(&policy);
    assert_eq!(titles(&lenses(&mut server, &policy)), ["vs HEAD: no new access"]);

    // Edited in the editor, not saved: the lens follows the buffer.
    let widened = COMMITTED.replace("\"s3:GetObject\"", "[\"s3:GetObject\", \"s3:PutObject\"]");
    server.change_full(&policy, 2, &widened);
    server.diagnostics(&policy);
    let found = lenses(&mut server, &policy);
    assert_eq!(titles(&found), ["vs HEAD: +1 action"]);
    assert_eq!(found[0]["range"]["start"], json!({"line": 0, "character": 0}));
    let command = &found[0]["command"];
    assert_eq!(command["command"], "iam-policy-ls.showDiff");
    let id = server.request(
        "workspace/executeCommand",
        json!({"command": command["command"], "arguments": command["arguments"]}),
    );
    let report = server.result(id);
    let report = report.as_str().unwrap();
    assert!(report.contains("s3:PutObject"), "{report}");
    assert!(
        !report.contains("s3:GetObject"),
        "GetObject was granted before: {report}"
    );
    let shown = server.notification("window/showMessage");
    assert_eq!(shown["message"], report);

    // A template: one lens per policy, each compared with the policy at the same place.
    let template = file_uri(&dir.join("template.yaml"));
    let trusting_more = TEMPLATE.replace(
        "{Service: lambda.amazonaws.com}",
        "{Service: [lambda.amazonaws.com, ec2.amazonaws.com]}",
    );
    server.open(&template, "yaml", 1, &trusting_more);
    server.diagnostics(&template);
    let found = lenses(&mut server, &template);
    assert_eq!(
        titles(&found),
        ["vs HEAD: 1 principal widened", "vs HEAD: no new access"]
    );
    assert_eq!(
        found[0]["command"]["arguments"][1],
        "Resources.Role.Properties.AssumeRolePolicyDocument"
    );

    // A new file: everything it grants is new.
    let fresh = dir.join("writer.json");
    std::fs::write(&fresh, &widened).unwrap();
    let fresh = file_uri(&fresh);
    server.open(&fresh, "iam-policy", 1, &widened);
    server.diagnostics(&fresh);
    assert_eq!(titles(&lenses(&mut server, &fresh)), ["new since HEAD: +2 actions"]);
    assert!(server.shutdown().success());
}

#[test]
fn no_lens_outside_a_git_repository() {
    let dir = scratch("no-repo");
    // The target directory may sit inside the project's own repository: make the scratch one
    // its own world by pointing git's discovery ceiling at it.
    let path = dir.join("reader.json");
    std::fs::write(&path, COMMITTED).unwrap();
    let ceiling = dir.parent().unwrap().to_str().unwrap();
    let mut server = TestServer::spawn_in(None, &[("GIT_CEILING_DIRECTORIES", ceiling)]);
    server.initialize(json!({}), None);
    let uri = file_uri(&path);
    server.open(&uri, "iam-policy", 1, COMMITTED);
    server.diagnostics(&uri);
    assert_eq!(lenses(&mut server, &uri), Vec::<Value>::new());
    assert!(server.shutdown().success());
}

fn codes(published: &Value) -> Vec<String> {
    published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn statements_that_grant_new_access_get_a_diagnostic_when_the_project_asks() {
    let dir = scratch("diagnostics");
    std::fs::write(dir.join("reader.json"), COMMITTED).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "first"]);
    let widened = COMMITTED.replace("\"s3:GetObject\"", "[\"s3:GetObject\", \"s3:PutObject\"]");
    let uri = file_uri(&dir.join("reader.json"));

    // Off by default.
    let mut server = TestServer::start();
    server.open(&uri, "iam-policy", 1, &widened);
    assert!(!codes(&server.diagnostics(&uri)).contains(&"NEW_ACCESS".to_owned()));
    assert!(server.shutdown().success());

    std::fs::write(dir.join(".iam-policy-ls.toml"), "[diff]\ndiagnostics = true\n").unwrap();
    let mut server = TestServer::start();
    server.open(&uri, "iam-policy", 1, &widened);
    let published = server.diagnostics(&uri);
    let new_access: Vec<&Value> = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "NEW_ACCESS")
        .collect();
    assert_eq!(new_access.len(), 1, "{published}");
    let message = new_access[0]["message"].as_str().unwrap();
    assert!(
        message.contains("s3:PutObject") && !message.contains("s3:GetObject"),
        "{message}"
    );
    // On the statement that grants it (line 2 of the policy).
    assert_eq!(new_access[0]["range"]["start"]["line"], 2);
    // Back to what HEAD has: nothing new.
    server.change_full(&uri, 2, COMMITTED);
    assert!(!codes(&server.diagnostics(&uri)).contains(&"NEW_ACCESS".to_owned()));
    assert!(server.shutdown().success());
}
