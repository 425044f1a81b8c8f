#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, reason = "tests")]

use super::*;
use crate::json;
use crate::{Options, Severity, analyze_text};

const CURSOR: &str = "<CURSOR>";

/// Applies the fix's edits (from the end backwards, as an editor does).
pub fn apply(text: &str, fix: &Fix) -> String {
    let mut edits = fix.edits.clone();
    edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
    let mut out = text.to_owned();
    for e in edits {
        out.replace_range(e.span.range(), &e.new_text);
    }
    out
}

fn errors(text: &str) -> usize {
    analyze_text(text, Options::default())
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count()
}

/// Applies the refactor titled `starts_with` at the cursor; checks the result parses, has no
/// more errors than before, and returns it.
fn refactor(src: &str, starts_with: &str) -> Option<String> {
    let offset = src.find(CURSOR).expect("cursor");
    let text = src.replace(CURSOR, "");
    let doc = json::parse(&text);
    let fix = refactors(&text, &doc, offset)
        .into_iter()
        .find(|f| f.title.starts_with(starts_with))?;
    let out = apply(&text, &fix);
    assert!(json::parse(&out).syntax_errors.is_empty(), "invalid JSON:\n{out}");
    assert!(errors(&out) <= errors(&text), "new errors:\n{out}");
    Some(out)
}

#[test]
fn expands_wildcard_in_a_multiline_array_keeping_indentation() {
    let src = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": [\n        \"s3:GetObject\",\n        \"sqs:Get<CURSOR>Queue*\"\n      ],\n      \"Resource\": \"*\"\n    }\n  ]\n}\n";
    let out = refactor(src, "Expand").unwrap();
    assert!(
        out.contains(
            "        \"s3:GetObject\",\n        \"sqs:GetQueueAttributes\",\n        \"sqs:GetQueueUrl\"\n      ],"
        ),
        "{out}"
    );
}

#[test]
fn expands_a_single_string_into_an_indented_array() {
    let src = "{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": {\n        \"Effect\": \"Allow\",\n        \"Action\": \"sqs:GetQ<CURSOR>ueue*\",\n        \"Resource\": \"*\"\n    }\n}";
    let out = refactor(src, "Expand").unwrap();
    assert!(
        out.contains(
            "\"Action\": [\n            \"sqs:GetQueueAttributes\",\n            \"sqs:GetQueueUrl\"\n        ],"
        ),
        "{out}"
    );
    // One-line documents stay on one line.
    let one = r#"{"Statement": [{"Effect": "Allow", "Action": "sqs:GetQueue<CURSOR>*", "Resource": "*"}]}"#;
    let out = refactor(one, "Expand").unwrap();
    assert!(
        out.contains(r#""Action": ["sqs:GetQueueAttributes", "sqs:GetQueueUrl"]"#),
        "{out}"
    );
    // `*` is far too many.
    let star = r#"{"Statement": [{"Effect": "Allow", "Action": "*<CURSOR>", "Resource": "*"}]}"#;
    assert!(refactor(star, "Expand").is_none());
}

#[test]
fn sorts_and_deduplicates_actions() {
    let src = "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\n    \"s3:PutObject\",\n    \"s3:getobject\",\n    \"S3:PutObject\"<CURSOR>\n  ], \"Resource\": \"*\"}]}";
    let out = refactor(src, "Sort the actions and remove 1 duplicate").unwrap();
    assert!(
        out.contains("[\n    \"s3:getobject\",\n    \"s3:PutObject\"\n  ]"),
        "{out}"
    );
    let sorted = r#"{"Statement": [{"Effect": "Allow", "Action": ["a:A", "b:B<CURSOR>"], "Resource": "*"}]}"#;
    assert!(refactor(sorted, "Sort").is_none());
}

#[test]
fn toggles_between_string_and_array() {
    let src = r#"{"Statement": [{"Effect": "Allow", "Action": "s3:Get<CURSOR>Object", "Resource": "*"}]}"#;
    let out = refactor(src, "Make `Action` an array").unwrap();
    assert!(out.contains(r#""Action": ["s3:GetObject"]"#), "{out}");
    let back = out.replace("s3:GetObject", "s3:Get<CURSOR>Object");
    let again = refactor(&back, "Make `Action` a single string").unwrap();
    assert_eq!(again, src.replace(CURSOR, ""));
    let res =
        r#"{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": ["arn:aws:s3:::b\u002f*"<CURSOR>]}]}"#;
    let out = refactor(res, "Make `Resource` a single string").unwrap();
    assert!(out.contains(r#""Resource": "arn:aws:s3:::b\u002f*""#), "{out}");
}
