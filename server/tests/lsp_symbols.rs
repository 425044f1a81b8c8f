//! Outline, folding, selection ranges, inlay hints and document links over stdio.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic, reason = "tests")]

mod common;

use common::{TestServer, uri};
use serde_json::{Value, json};

const POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Read",
      "Effect": "Allow",
      "Action": ["s3:GetObject", "sqs:GetQueue*"],
      "Resource": "arn:aws:s3:::b/*"
    },
    {
      "Effect": "Deny",
      "NotAction": "iam:*",
      "Resource": "*",
      "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    }
  ]
}"#;

fn open(server: &mut TestServer, name: &str) -> String {
    let u = uri(name);
    server.open(&u, "iam-policy", 1, POLICY);
    server.diagnostics(&u);
    u
}

fn request(server: &mut TestServer, method: &str, params: Value) -> Value {
    let id = server.request(method, params);
    server.result(id)
}

#[test]
fn outline_names_statements_by_sid_or_number_with_a_summary() {
    let mut server = TestServer::start();
    let u = open(&mut server, "outline.json");
    let symbols = request(
        &mut server,
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": u}}),
    );
    let outline: Vec<(String, String)> = symbols[1]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_owned(),
                s["detail"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        outline,
        [
            (
                "Read".to_owned(),
                "Allow s3:GetObject +1 on arn:aws:s3:::b/*".to_owned()
            ),
            (
                "Statement 2".to_owned(),
                "Deny all but iam:* on * (conditional)".to_owned()
            ),
        ]
    );
    assert_eq!(symbols[0]["name"], "Version");
    assert_eq!(symbols[1]["detail"], "2 statements");
    // A statement's range covers its braces; picking it selects the Sid.
    let read = &symbols[1]["children"][0];
    assert_eq!(
        read["range"],
        json!({"start": {"line": 3, "character": 4}, "end": {"line": 8, "character": 5}})
    );
    assert_eq!(read["selectionRange"]["start"], json!({"line": 4, "character": 13}));
    assert_eq!(read["children"][2]["name"], "Action");
    assert!(server.shutdown().success());
}

#[test]
fn folding_and_selection_ranges() {
    let mut server = TestServer::start();
    let u = open(&mut server, "fold.json");
    let folds = request(
        &mut server,
        "textDocument/foldingRange",
        json!({"textDocument": {"uri": u}}),
    );
    let lines: Vec<(u64, u64)> = folds
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["startLine"].as_u64().unwrap(), f["endLine"].as_u64().unwrap()))
        .collect();
    assert_eq!(lines, [(0, 16), (2, 15), (3, 8), (9, 14)]);
    // From "s3:GetObject" outwards: content, token, array, member, statement, ..., document.
    let ranges = request(
        &mut server,
        "textDocument/selectionRange",
        json!({"textDocument": {"uri": u}, "positions": [{"line": 6, "character": 20}]}),
    );
    let mut chain = Vec::new();
    let mut node = &ranges[0];
    while !node.is_null() {
        let r = &node["range"];
        chain.push((
            r["start"]["line"].as_u64().unwrap(),
            r["start"]["character"].as_u64().unwrap(),
            r["end"]["character"].as_u64().unwrap(),
        ));
        node = &node["parent"];
    }
    assert_eq!(&chain[..4], &[(6, 18, 30), (6, 17, 31), (6, 16, 49), (6, 6, 49)]);
    assert_eq!(chain.last(), Some(&(0, 0, 1)));
    assert!(server.shutdown().success());
}

#[test]
fn inlay_hints_and_links() {
    let mut server = TestServer::start();
    let u = open(&mut server, "hints.json");
    let range = json!({"start": {"line": 0, "character": 0}, "end": {"line": 17, "character": 0}});
    let hints = request(
        &mut server,
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": u}, "range": range}),
    );
    let labels: Vec<(u64, u64, String)> = hints
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["position"]["line"].as_u64().unwrap(),
                h["position"]["character"].as_u64().unwrap(),
                h["label"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let iam = iam_policy::catalog::catalog().count_actions_matching("iam:*");
    assert_eq!(
        labels,
        [
            (6, 31, "Read".to_owned()),
            (6, 48, "→ 2 actions".to_owned()),
            (11, 26, format!("→ {iam} actions")),
        ]
    );
    let links = request(
        &mut server,
        "textDocument/documentLink",
        json!({"textDocument": {"uri": u}}),
    );
    let targets: Vec<&str> = links
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["target"].as_str().unwrap())
        .collect();
    assert_eq!(targets.len(), 3);
    assert!(targets[0].ends_with("/list_amazons3.html"), "{targets:?}");
    assert!(targets[1].contains("list_amazonsqs"), "{targets:?}");
    assert!(server.shutdown().success());
}

#[test]
fn access_level_hints_follow_the_setting() {
    let (mut server, _) = TestServer::initialized(json!({}), Some(json!({"inlayHints": {"accessLevel": false}})));
    let u = open(&mut server, "nohints.json");
    let range = json!({"start": {"line": 0, "character": 0}, "end": {"line": 17, "character": 0}});
    let hints = request(
        &mut server,
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": u}, "range": range}),
    );
    let labels: Vec<&str> = hints
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["label"].as_str().unwrap())
        .collect();
    assert!(labels.iter().all(|l| l.starts_with('→')), "{labels:?}");
    assert_eq!(labels.len(), 2);
    assert!(server.shutdown().success());
}
