//! Policy tests in the editor, through the real binary over stdio: a test document and the
//! policy it uses; editing the policy so a case flips shows the failure on the policy and on
//! the case, editing back clears it.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic, reason = "tests")]

mod common;

use common::TestServer;
use serde_json::{Value, json};
use std::path::PathBuf;

const ROLE: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
  ]
}"#;

const TESTS: &str = r#"{
  "policies": {"identity": ["policies/role.json"]},
  "principal": "arn:aws:iam::111122223333:role/app",
  "cases": [
    {"name": "reads", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "expect": "Allowed"},
    {"name": "no writes", "action": "s3:PutObject", "resource": "arn:aws:s3:::b/k", "expect": "ImplicitlyDenied"}
  ]
}"#;

struct Dir(PathBuf);

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn setup(name: &str) -> (Dir, String, String) {
    let dir = std::env::temp_dir().join(format!("iam-ls-ptests-{name}-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("policies")).unwrap();
    std::fs::write(dir.join("policies/role.json"), ROLE).unwrap();
    std::fs::write(dir.join("access.iamtest.json"), TESTS).unwrap();
    let test_uri = format!("file://{}", dir.join("access.iamtest.json").display());
    let policy_uri = format!("file://{}", dir.join("policies/role.json").display());
    (Dir(dir), test_uri, policy_uri)
}

fn failures(published: &Value) -> Vec<Value> {
    published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "POLICY_TEST_FAILED")
        .cloned()
        .collect()
}

fn lens_titles(server: &mut TestServer, uri: &str) -> Vec<String> {
    let id = server.request("textDocument/codeLens", json!({"textDocument": {"uri": uri}}));
    let lenses = server.result(id);
    lenses
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["command"]["title"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn editing_a_policy_re_evaluates_its_tests_live() {
    let (_dir, test_uri, policy_uri) = setup("live");
    let mut server = TestServer::start();
    server.open(&test_uri, "json", 1, TESTS);
    assert!(failures(&server.diagnostics(&test_uri)).is_empty());
    assert_eq!(lens_titles(&mut server, &test_uri), vec!["✓ passes", "✓ passes"]);

    server.open(&policy_uri, "iam-policy", 1, ROLE);
    assert!(failures(&server.diagnostics(&policy_uri)).is_empty());
    assert!(failures(&server.diagnostics(&test_uri)).is_empty());

    // The read is no longer allowed (unsaved edit): newly denied, no deciding statement.
    let edited = ROLE.replace("s3:GetObject", "s3:ListBucket");
    server.change_full(&policy_uri, 2, &edited);
    let on_policy = failures(&server.diagnostics(&policy_uri));
    assert_eq!(on_policy.len(), 1, "{on_policy:#?}");
    // On the "Statement" key (line 2).
    assert_eq!(
        on_policy[0]["range"],
        json!({"start": {"line": 2, "character": 2}, "end": {"line": 2, "character": 13}})
    );
    let message = on_policy[0]["message"].as_str().unwrap();
    assert!(
        message.contains("\"reads\": expected Allowed, got ImplicitlyDenied"),
        "{message}"
    );
    assert!(message.contains("access.iamtest.json"), "{message}");
    let on_test = failures(&server.diagnostics(&test_uri));
    assert_eq!(on_test.len(), 1, "{on_test:#?}");
    // On the case's "Allowed" (line 4).
    assert_eq!(on_test[0]["range"]["start"]["line"], 4);
    assert!(
        on_test[0]["message"]
            .as_str()
            .unwrap()
            .contains("expected Allowed, got ImplicitlyDenied")
    );
    assert_eq!(
        lens_titles(&mut server, &test_uri),
        vec!["✗ fails: ImplicitlyDenied", "✓ passes"]
    );

    // Back as it was: both clear.
    server.change_full(&policy_uri, 3, ROLE);
    assert!(failures(&server.diagnostics(&policy_uri)).is_empty());
    assert!(failures(&server.diagnostics(&test_uri)).is_empty());

    // Allowing writes flips the other case: shown on the statement that now decides.
    let widened = ROLE.replace("\"s3:GetObject\"", "[\"s3:GetObject\", \"s3:PutObject\"]");
    server.change_full(&policy_uri, 4, &widened);
    let on_policy = failures(&server.diagnostics(&policy_uri));
    assert_eq!(on_policy.len(), 1, "{on_policy:#?}");
    assert_eq!(on_policy[0]["range"]["start"], json!({"line": 3, "character": 4}));
    assert!(
        on_policy[0]["message"]
            .as_str()
            .unwrap()
            .contains("\"no writes\": expected ImplicitlyDenied, got Allowed")
    );
    let on_test = failures(&server.diagnostics(&test_uri));
    assert_eq!(on_test[0]["range"]["start"]["line"], 5);
    assert!(
        on_test[0]["message"]
            .as_str()
            .unwrap()
            .contains("decided by \"Read\" (Allow in role.json)")
    );
    server.shutdown();
}

#[test]
fn a_test_file_on_disk_is_found_for_an_open_policy() {
    let (_dir, _test_uri, policy_uri) = setup("disk");
    let mut server = TestServer::start();
    server.open(&policy_uri, "iam-policy", 1, ROLE);
    assert!(failures(&server.diagnostics(&policy_uri)).is_empty());
    server.change_full(&policy_uri, 2, &ROLE.replace("s3:GetObject", "s3:ListBucket"));
    let on_policy = failures(&server.diagnostics(&policy_uri));
    assert_eq!(on_policy.len(), 1, "{on_policy:#?}");
    server.shutdown();
}

#[test]
fn test_file_checks_and_completion() {
    let (dir, test_uri, _) = setup("checks");
    let text = TESTS
        .replace("\"expect\": \"Allowed\"", "\"expect\": \"Allow\"")
        .replace("policies/role.json", "policies/nope.json")
        .replace("s3:PutObject", "s3:PutObjet");
    std::fs::write(dir.0.join("access.iamtest.json"), &text).unwrap();
    let mut server = TestServer::start();
    server.open(&test_uri, "json", 1, &text);
    let published = server.diagnostics(&test_uri);
    let messages: Vec<&str> = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("did you mean \"Allowed\"")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("did you mean \"s3:PutObject\"")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("policies/nope.json: cannot read")),
        "{messages:?}"
    );
    assert_eq!(lens_titles(&mut server, &test_uri), vec!["▶ run", "▶ run"]);

    // Decisions in "expect" (line 4 holds the first case).
    let line = text.lines().nth(4).unwrap();
    let character = line.find("\"Allow\"").unwrap() + 2;
    let id = server.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": test_uri}, "position": {"line": 4, "character": character}}),
    );
    let items = server.result(id);
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, vec!["Allowed", "ImplicitlyDenied", "ExplicitlyDenied"]);
    server.shutdown();
}

/// The first case's failure on the test document, if any.
fn first_failure(published: &Value) -> Option<String> {
    let failures = failures(published);
    failures.first().map(|f| f["message"].as_str().unwrap().to_owned())
}

#[test]
fn a_policy_read_from_disk_is_read_again_once_the_client_says_it_changed() {
    let (dir, test_uri, policy_uri) = setup("watched");
    let mut server = TestServer::start();
    server.open(&test_uri, "json", 1, TESTS);
    assert_eq!(first_failure(&server.diagnostics(&test_uri)), None);

    // Reads no longer allowed on disk; the server keeps what it read until told.
    std::fs::write(
        dir.0.join("policies/role.json"),
        ROLE.replace("s3:GetObject", "s3:ListBucket"),
    )
    .unwrap();
    server.change_full(&test_uri, 2, &format!("{TESTS}\n"));
    assert_eq!(first_failure(&server.diagnostics(&test_uri)), None);
    assert_eq!(lens_titles(&mut server, &test_uri), vec!["✓ passes", "✓ passes"]);

    // The open test document is run again and republished at once, without an edit.
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": policy_uri, "type": 2}]}),
    );
    let failure = first_failure(&server.diagnostics(&test_uri)).unwrap();
    assert!(failure.contains("expected Allowed, got ImplicitlyDenied"), "{failure}");
    assert_eq!(
        lens_titles(&mut server, &test_uri),
        vec!["✗ fails: ImplicitlyDenied", "✓ passes"]
    );
    server.shutdown();
}

#[test]
fn a_policy_that_could_not_be_read_stays_an_error_until_it_changes() {
    let (dir, test_uri, policy_uri) = setup("broken");
    let role = dir.0.join("policies/role.json");
    std::fs::write(&role, "{\"Statement\": [").unwrap();
    let mut server = TestServer::start();
    let not_loaded = |published: &Value| -> Vec<String> {
        published["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "POLICY_TEST_POLICY_NOT_LOADED")
            .map(|d| d["message"].as_str().unwrap().to_owned())
            .collect()
    };
    server.open(&test_uri, "json", 1, TESTS);
    let messages = not_loaded(&server.diagnostics(&test_uri));
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].starts_with("policies/role.json: JSON syntax error"),
        "{messages:?}"
    );

    // Fixed on disk: still the error until the client says the file changed.
    std::fs::write(&role, ROLE).unwrap();
    server.change_full(&test_uri, 2, &format!("{TESTS}\n"));
    assert_eq!(not_loaded(&server.diagnostics(&test_uri)), messages);
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": policy_uri, "type": 2}]}),
    );
    let published = server.diagnostics(&test_uri);
    assert!(not_loaded(&published).is_empty(), "{published:#?}");
    assert_eq!(lens_titles(&mut server, &test_uri), vec!["✓ passes", "✓ passes"]);
    server.shutdown();
}

#[test]
fn a_policy_saved_and_closed_in_the_editor_is_read_again() {
    let (dir, test_uri, policy_uri) = setup("saved");
    let mut server = TestServer::start();
    server.open(&test_uri, "json", 1, TESTS);
    assert_eq!(first_failure(&server.diagnostics(&test_uri)), None);

    // Edited, saved and closed: the saved text decides from then on.
    let edited = ROLE.replace("s3:GetObject", "s3:ListBucket");
    server.open(&policy_uri, "iam-policy", 1, ROLE);
    server.diagnostics(&policy_uri);
    server.diagnostics(&test_uri);
    server.change_full(&policy_uri, 2, &edited);
    server.diagnostics(&policy_uri);
    assert!(first_failure(&server.diagnostics(&test_uri)).is_some());
    std::fs::write(dir.0.join("policies/role.json"), &edited).unwrap();
    server.notify("textDocument/didSave", json!({"textDocument": {"uri": policy_uri}}));
    server.notify("textDocument/didClose", json!({"textDocument": {"uri": policy_uri}}));
    assert_eq!(server.diagnostics(&policy_uri)["diagnostics"], json!([]));

    server.change_full(&test_uri, 2, &format!("{TESTS}\n"));
    let failure = first_failure(&server.diagnostics(&test_uri)).unwrap();
    assert!(failure.contains("expected Allowed, got ImplicitlyDenied"), "{failure}");
    server.shutdown();
}

#[test]
fn a_test_file_saved_and_closed_in_the_editor_is_read_again() {
    let (dir, test_uri, policy_uri) = setup("test-saved");
    let mut server = TestServer::start();
    // The policy's tests are read from disk (and cached).
    server.open(&policy_uri, "iam-policy", 1, ROLE);
    assert!(failures(&server.diagnostics(&policy_uri)).is_empty());

    // The test file is opened, made to fail, saved and closed.
    let failing = TESTS.replace(r#""expect": "Allowed""#, r#""expect": "ImplicitlyDenied""#);
    server.open(&test_uri, "json", 1, &failing);
    assert!(first_failure(&server.diagnostics(&test_uri)).is_some());
    assert!(!failures(&server.diagnostics(&policy_uri)).is_empty());
    std::fs::write(dir.0.join("access.iamtest.json"), &failing).unwrap();
    server.notify("textDocument/didSave", json!({"textDocument": {"uri": test_uri}}));
    server.notify("textDocument/didClose", json!({"textDocument": {"uri": test_uri}}));
    assert_eq!(server.diagnostics(&test_uri)["diagnostics"], json!([]));
    // Closing drops the open document's run, and with it what it said on the policy.
    assert!(failures(&server.diagnostics(&policy_uri)).is_empty());

    // The saved text decides from then on, not what was read before it was opened.
    server.change_full(&policy_uri, 2, &format!("{ROLE}\n"));
    let published = server.diagnostics(&policy_uri);
    assert_eq!(published["version"], 2);
    assert!(!failures(&published).is_empty(), "{published:#}");
    server.shutdown();
}
