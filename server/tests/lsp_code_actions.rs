//! Code actions over stdio: each quick fix a diagnostic carries, and the refactors at the cursor.
//! Every action's edit is applied the way an editor does, and the result must still be valid
//! JSON, keep its indentation, and lose the finding it fixes.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic, reason = "tests")]

mod common;

use common::{TestServer, uri};
use iam_policy::{Options, analyze_text, json as iam_json};
use serde_json::{Value, json};

/// Byte offset of an LSP position in ASCII `text` (the tests use ASCII only).
fn offset(text: &str, p: &Value) -> usize {
    let line = p["line"].as_u64().unwrap() as usize;
    let character = p["character"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    start + character
}

fn apply(text: &str, action: &Value, u: &str) -> String {
    let mut edits: Vec<(usize, usize, String)> = action["edit"]["changes"][u]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                offset(text, &e["range"]["start"]),
                offset(text, &e["range"]["end"]),
                e["newText"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_owned();
    for (start, end, new) in edits {
        out.replace_range(start..end, &new);
    }
    out
}

fn codes(text: &str) -> Vec<&'static str> {
    analyze_text(text, Options::default())
        .findings
        .iter()
        .map(|f| f.code)
        .collect()
}

fn code_actions(server: &mut TestServer, u: &str, range: Value, diagnostics: Value, only: Option<&str>) -> Vec<Value> {
    let mut context = json!({"diagnostics": diagnostics});
    if let Some(only) = only {
        context["only"] = json!([only]);
    }
    let id = server.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": range, "context": context}),
    );
    server.result(id).as_array().unwrap().clone()
}

/// Each case: a policy with one finding, the code, and the title of the fix to apply.
const QUICK_FIXES: &[(&str, &str, &str)] = &[
    (
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"iam:PassRoel\",\n      \"Resource\": \"*\"\n    }\n  ]\n}\n",
        "INVALID_ACTION",
        "iam:PassRole",
    ),
    (
        "{\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"s3:GetObject\",\n      \"Resource\": \"*\"\n    }\n  ]\n}\n",
        "MISSING_VERSION",
        "Version",
    ),
    (
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Acton\": \"s3:GetObject\",\n      \"Resource\": \"*\"\n    }\n  ]\n}\n",
        "INVALID_POLICY_ELEMENT",
        "Action",
    ),
    (
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"s3:GetObject\",\n      \"Resource\": \"*\",\n      \"Condition\": {\"StringEqualz\": {\"aws:username\": \"a\"}}\n    }\n  ]\n}\n",
        "INVALID_CONDITION_OPERATOR",
        "StringEquals",
    ),
    (
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"s3:GetObject\",\n      \"Resource\": \"*\",\n      \"Condition\": {\"StringEquals\": {\"aws:SourceIpp\": \"a\"}}\n    }\n  ]\n}\n",
        "INVALID_GLOBAL_CONDITION_KEY",
        "aws:SourceIp",
    ),
    (
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"s3:GetObject\",\n      \"Resource\": \"*\",\n      \"Condition\": {\"StringLike\": {\"aws:SourceArn\": \"arn:aws:s3:::b*\"}}\n    }\n  ]\n}\n",
        "STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS",
        "ArnLike",
    ),
    (
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"s3:GetObject\",\n      \"Resource\": \"*\",\n      \"Condition\": {\"StringEquals\": {\"aws:CalledVia\": \"athena.amazonaws.com\"}}\n    }\n  ]\n}\n",
        "MISSING_QUALIFIER",
        "ForAnyValue:",
    ),
    (
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": [\n        \"s3:GetObject\",\n        \"s3:GetObject\"\n      ],\n      \"Resource\": \"*\"\n    }\n  ]\n}\n",
        "REDUNDANT_ACTION",
        "Remove",
    ),
];

#[test]
fn every_quick_fix_applies_and_clears_its_finding() {
    let mut server = TestServer::start();
    for (i, (text, code, title)) in QUICK_FIXES.iter().enumerate() {
        let u = uri(&format!("fix{i}.json"));
        server.open(&u, "iam-policy", 1, text);
        let published = server.diagnostics(&u);
        let diagnostic = published["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == *code)
            .unwrap_or_else(|| panic!("no {code} in {published}"))
            .clone();
        let actions = code_actions(
            &mut server,
            &u,
            diagnostic["range"].clone(),
            json!([diagnostic]),
            Some("quickfix"),
        );
        let action = actions
            .iter()
            .find(|a| a["title"].as_str().unwrap().contains(title))
            .unwrap_or_else(|| panic!("{code}: no fix titled *{title}* in {actions:?}"));
        assert_eq!(action["kind"], "quickfix");
        assert_eq!(action["diagnostics"][0]["code"], *code);
        let fixed = apply(text, action, &u);
        assert!(
            iam_json::parse(&fixed).syntax_errors.is_empty(),
            "{code}: invalid JSON\n{fixed}"
        );
        assert!(
            !codes(&fixed).contains(code),
            "{code} still reported after the fix:\n{fixed}"
        );
        // Two-space indentation everywhere, as in the input.
        for line in fixed.lines() {
            let indent = line.len() - line.trim_start().len();
            assert_eq!(indent % 2, 0, "{code}: indentation changed:\n{fixed}");
        }
    }
    assert!(server.shutdown().success());
}

#[test]
fn refactors_at_the_cursor_keep_json_valid_and_layout() {
    let text = "{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n        {\n            \"Effect\": \"Allow\",\n            \"Action\": \"sqs:GetQueue*\",\n            \"Resource\": \"*\"\n        },\n        {\n            \"Effect\": \"Allow\",\n            \"Action\": [\n                \"s3:PutObject\",\n                \"s3:GetObject\",\n                \"s3:PutObject\"\n            ],\n            \"Resource\": [\"arn:aws:s3:::b/*\"]\n        }\n    ]\n}\n";
    let mut server = TestServer::start();
    let u = uri("refactor.json");
    server.open(&u, "iam-policy", 1, text);
    server.diagnostics(&u);
    let at = |line: u32, character: u32| json!({"start": {"line": line, "character": character}, "end": {"line": line, "character": character}});
    let cases = [
        (
            at(5, 25),
            "Expand `sqs:GetQueue*` into its 2 actions",
            "\"Action\": [\n                \"sqs:GetQueueAttributes\",\n                \"sqs:GetQueueUrl\"\n            ],",
        ),
        (at(5, 25), "Make `Action` an array", "\"Action\": [\"sqs:GetQueue*\"],"),
        (
            at(12, 20),
            "Sort the actions and remove 1 duplicate",
            "[\n                \"s3:GetObject\",\n                \"s3:PutObject\"\n            ],",
        ),
        (
            at(15, 30),
            "Make `Resource` a single string",
            "\"Resource\": \"arn:aws:s3:::b/*\"\n",
        ),
    ];
    for (range, title, expected) in cases {
        let actions = code_actions(&mut server, &u, range, json!([]), None);
        let action = actions
            .iter()
            .find(|a| a["title"] == title)
            .unwrap_or_else(|| panic!("no {title} in {actions:?}"));
        assert_eq!(action["kind"], "refactor.rewrite");
        let out = apply(text, action, &u);
        assert!(
            iam_json::parse(&out).syntax_errors.is_empty(),
            "{title}: invalid JSON\n{out}"
        );
        assert!(out.contains(expected), "{title}:\n{out}");
        let errors = |t: &str| {
            analyze_text(t, Options::default())
                .findings
                .iter()
                .filter(|f| f.severity == iam_policy::Severity::Error)
                .count()
        };
        assert!(errors(&out) <= errors(text), "{title} added errors:\n{out}");
    }
    // `only: quickfix` leaves the refactors out.
    assert!(code_actions(&mut server, &u, at(5, 25), json!([]), Some("quickfix")).is_empty());
    assert!(server.shutdown().success());
}
