//! Hover over stdio: one request per hover context, against the real binary.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic, reason = "tests")]

mod common;

use common::{TestServer, uri};
use serde_json::{Value, json};

const POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadLogs",
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:List*"],
      "Resource": "arn:aws:s3:::logs/${aws:username}/*",
      "Condition": {
        "ForAllValues:StringEquals": {"aws:TagKeys": ["team"]},
        "StringEquals": {"s3:x-amz-acl": "private"}
      }
    },
    {
      "Effect": "Deny",
      "NotAction": "iam:*",
      "Resource": "*"
    }
  ]
}"#;

const BUCKET: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::111122223333:root", "Service": "logs.amazonaws.com"},
    "Action": "s3:PutObject",
    "Resource": "arn:aws:s3:::b/*"
  }]
}"#;

/// (line, character) of the `nth` occurrence of `needle` in ASCII `text`, plus `shift`.
fn pos(text: &str, needle: &str, shift: usize) -> Value {
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle} not in text")) + shift;
    let before = &text[..at];
    let line = before.matches('\n').count();
    let character = at - before.rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": character})
}

fn hover(server: &mut TestServer, u: &str, text: &str, needle: &str) -> Value {
    let id = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": pos(text, needle, 1)}),
    );
    server.result(id)
}

fn markdown(result: &Value) -> String {
    assert_eq!(result["contents"]["kind"], "markdown", "{result}");
    result["contents"]["value"].as_str().unwrap().to_owned()
}

#[test]
fn hovers_explain_every_context() {
    let mut server = TestServer::start();
    let u = uri("policy.json");
    server.open(&u, "iam-policy", 1, POLICY);
    server.diagnostics(&u);
    let cases: &[(&str, &str)] = &[
        (
            "{",
            "**Identity-based policy** (inferred: no statement has a Principal)",
        ),
        ("\"Version\"", "**Version**"),
        ("\"2012-10-17\"", "**2012-10-17**"),
        ("\"Statement\"", "**Statement**"),
        ("\"Sid\"", "**Sid**"),
        ("\"Allow\"", "**Allow** grants the matched actions"),
        ("\"Deny\"", "An explicit Deny overrides every Allow"),
        ("\"s3:GetObject\"", "**s3:GetObject** — Read"),
        ("\"s3:List*\"", "**s3:List*** matches"),
        (
            "\"NotAction\"",
            "this Deny denies every action of every service except `iam:*`",
        ),
        ("arn:aws:s3:::logs", "resource type `s3:object` for `s3:GetObject`"),
        ("${aws:username}", "**Policy variable** `${aws:username}`"),
        ("\"ForAllValues:StringEquals\"", "**missing or empty**"),
        ("\"aws:TagKeys\"", "multivalued"),
        ("\"s3:x-amz-acl\"", "**Ignored by**"),
    ];
    for (needle, expected) in cases {
        let md = markdown(&hover(&mut server, &u, POLICY, needle));
        assert!(
            md.contains(expected),
            "hover on {needle}: expected {expected:?} in\n{md}"
        );
    }
    // The range is the hovered token, in the client's encoding.
    let result = hover(&mut server, &u, POLICY, "\"s3:GetObject\"");
    assert_eq!(result["range"]["start"], pos(POLICY, "\"s3:GetObject\"", 0));
    assert_eq!(result["range"]["end"], pos(POLICY, "\"s3:GetObject\"", 14));
    // Nothing to say between elements.
    let id = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": {"line": 2, "character": 16}}),
    );
    assert_eq!(server.result(id), Value::Null);
    assert!(server.shutdown().success());
}

#[test]
fn principals_and_policy_type_from_the_file_name() {
    let mut server = TestServer::start();
    let u = uri("bucket-policy.json");
    server.open(&u, "json", 1, BUCKET);
    server.diagnostics(&u);
    assert!(
        markdown(&hover(&mut server, &u, BUCKET, "{")).starts_with("**Resource-based policy** (from the file name)")
    );
    assert!(
        markdown(&hover(&mut server, &u, BUCKET, "\"arn:aws:iam::111122223333:root\""))
            .contains("**account** principal")
    );
    assert!(markdown(&hover(&mut server, &u, BUCKET, "\"logs.amazonaws.com\"")).contains("**service principal**"));
    assert!(markdown(&hover(&mut server, &u, BUCKET, "\"Service\"")).starts_with("**Service**"));
    // Plain JSON that is not a policy gets no hover.
    let other = uri("package.json");
    server.open(&other, "json", 1, r#"{"name": "x"}"#);
    let id = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": other}, "position": {"line": 0, "character": 3}}),
    );
    assert_eq!(server.result(id), Value::Null);
    assert!(server.shutdown().success());
}

#[test]
fn hover_positions_follow_the_negotiated_encoding() {
    // A Sid with a non-BMP character before the action: UTF-8 columns differ from UTF-16 ones.
    let text = "{\"Statement\": [{\"Sid\": \"\u{1F600}\", \"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}]}";
    let (mut server, _) = TestServer::initialized(json!({"general": {"positionEncodings": ["utf-8"]}}), None);
    let u = uri("utf8.json");
    server.open(&u, "iam-policy", 1, text);
    server.diagnostics(&u);
    let at = text.find("s3:GetObject").unwrap();
    let id = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": {"line": 0, "character": at}}),
    );
    let result = server.result(id);
    assert!(markdown(&result).starts_with("**s3:GetObject**"));
    assert_eq!(result["range"]["start"]["character"], at - 1);
    assert!(server.shutdown().success());
}
