//! Properties of the code actions a user can apply: for random policies from a generator (valid
//! JSON with the mistakes the checks look for, compact or one member per line), every fix of
//! every finding and every refactor offered on an action or resource list
//! - leaves valid JSON (no new syntax error), and
//! - changes nothing outside the member it edits: with that member blanked out on both sides,
//!   the value trees before and after are equal.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a panic in a test is a test failure"
)]

use iam_policy::finding::Fix;
use iam_policy::json::{self, JsonDocument, Node, Value};
use iam_policy::refactor::refactors;
use iam_policy::{Options, PolicyType, Span, analyze_text};
use proptest::prelude::*;
use serde_json::{Value as J, json};

const EFFECTS: &[&str] = &["\"Allow\"", "\"Deny\"", "\"allow\"", "\"Alow\"", "1"];
const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:getobject",
    "s3:Get*",
    "iam:PassRole",
    "ec2:*",
    "S3:ListBucket",
    "s3:NoSuchAction",
    "*",
    "sts:AssumeRole",
    "kms:Decrypt",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::bucket/*",
    "arn:aws:s3:::bucket",
    "arn:aws:iam::123456789012:role/x",
    "arn:aws:s3:bucket",
    "",
    "arn:aws:s3:::bucket/${aws:username}",
];
const PRINCIPALS: &[&str] = &[
    "\"*\"",
    "{\"AWS\": \"123456789012\"}",
    "{\"Service\": \"ec2.amazonaws.com\"}",
    "{\"aws\": \"*\"}",
    "{\"AWS\": [\"arn:aws:iam::123456789012:root\", \"arn:aws:iam::123456789012:root\"]}",
];
const CONDITIONS: &[&str] = &[
    "{\"StringEquals\": {\"aws:sourceip\": \"1.2.3.4\"}}",
    "{\"Bool\": {\"aws:SecureTransport\": \"false\"}}",
    "{\"StringLike\": {\"s3:prefix\": []}}",
    "{\"IpAddress\": {\"aws:SourceIp\": \"10.0.0.0/33\"}}",
    "{\"DateLessThan\": {\"aws:CurrentTime\": \"yesterday\"}}",
    "{\"stringequals\": {\"aws:PrincipalOrgID\": \"o-abc\"}}",
    "{\"StringEquals\": {\"aws:PrincipalTag/team\": \"${aws:username}\"}}",
];
const VERSIONS: &[&str] = &["\"2012-10-17\"", "\"2008-10-17\"", "\"2012-10-17 \"", "2012"];
const TYPES: [PolicyType; 7] = [
    PolicyType::Identity,
    PolicyType::Resource,
    PolicyType::Trust,
    PolicyType::Scp,
    PolicyType::Rcp,
    PolicyType::Boundary,
    PolicyType::Endpoint,
];

fn list(pool: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        (0..pool.len()).prop_map(move |i| format!("{:?}", pool[i])),
        proptest::collection::vec(0..pool.len(), 0..5).prop_map(move |ix| format!(
            "[{}]",
            ix.iter()
                .map(|&i| format!("{:?}", pool[i]))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    ]
}

/// A statement as its members (key, value text), in a random order.
fn statement() -> impl Strategy<Value = Vec<(String, String)>> {
    (
        proptest::option::of(prop_oneof![Just("\"A\""), Just("\"Sid 1\""), Just("\"\"")]),
        0..EFFECTS.len(),
        prop_oneof![Just("Action"), Just("NotAction"), Just("action")],
        list(ACTIONS),
        proptest::option::of((prop_oneof![Just("Resource"), Just("NotResource")], list(RESOURCES))),
        proptest::option::of((
            prop_oneof![Just("Principal"), Just("NotPrincipal")],
            0..PRINCIPALS.len(),
        )),
        proptest::option::of(0..CONDITIONS.len()),
        any::<bool>(),
    )
        .prop_map(
            |(sid, effect, action_key, actions, resource, principal, condition, extra)| {
                let mut members = Vec::new();
                if let Some(sid) = sid {
                    members.push(("Sid".to_owned(), sid.to_owned()));
                }
                members.push(("Effect".to_owned(), EFFECTS[effect].to_owned()));
                members.push((action_key.to_owned(), actions));
                if let Some((key, value)) = resource {
                    members.push((key.to_owned(), value));
                }
                if let Some((key, i)) = principal {
                    members.push((key.to_owned(), PRINCIPALS[i].to_owned()));
                }
                if let Some(i) = condition {
                    members.push(("Condition".to_owned(), CONDITIONS[i].to_owned()));
                }
                if extra {
                    members.push(("Extra".to_owned(), "1".to_owned()));
                }
                members
            },
        )
}

fn object(members: &[(String, String)], pretty: bool, indent: usize) -> String {
    if members.is_empty() {
        return "{}".to_owned();
    }
    let parts: Vec<String> = members.iter().map(|(k, v)| format!("{k:?}: {v}")).collect();
    if pretty {
        let pad = " ".repeat(indent + 2);
        format!(
            "{{\n{pad}{}\n{}}}",
            parts.join(&format!(",\n{pad}")),
            " ".repeat(indent)
        )
    } else {
        format!("{{{}}}", parts.join(", "))
    }
}

fn policy() -> impl Strategy<Value = String> {
    (
        proptest::option::of(0..VERSIONS.len()),
        proptest::collection::vec(statement(), 1..4),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(version, statements, pretty, single)| {
            let statements: Vec<String> = statements.iter().map(|s| object(s, pretty, 4)).collect();
            let statement = if single && statements.len() == 1 {
                statements[0].clone()
            } else if pretty {
                format!("[\n    {}\n  ]", statements.join(",\n    "))
            } else {
                format!("[{}]", statements.join(", "))
            };
            let mut members = Vec::new();
            if let Some(v) = version {
                members.push(("Version".to_owned(), VERSIONS[v].to_owned()));
            }
            members.push(("Statement".to_owned(), statement));
            object(&members, pretty, 0)
        })
}

/// The value tree without spans; objects as lists of `[key, value]` so that order and duplicate
/// keys count.
fn strip(node: &Node) -> J {
    match &node.value {
        Value::Object(o) => J::Array(
            o.members
                .iter()
                .map(|m| json!([m.key.value, m.value.as_ref().map_or(J::Null, strip)]))
                .collect(),
        ),
        Value::Array(a) => json!({"array": a.items.iter().map(strip).collect::<Vec<_>>()}),
        Value::String(s) => json!({"string": s.value}),
        Value::Number(n) => json!({"number": n}),
        Value::Bool(b) => J::Bool(*b),
        Value::Null => J::Null,
        Value::TooDeep => J::String("too deep".to_owned()),
    }
}

fn inside(outer: Span, edit: Span) -> bool {
    outer.contains_span(edit) && !(edit.is_empty() && (edit.start == outer.start || edit.start == outer.end))
}

/// The path (indices, and whether each step is an object member) to the innermost member that
/// holds `edit`, cut after the last member step.
fn member_path(doc: &JsonDocument, edit: Span) -> Vec<(bool, usize)> {
    let mut path = Vec::new();
    let mut node = doc.root.as_ref();
    while let Some(n) = node {
        node = None;
        match &n.value {
            Value::Object(o) => {
                if let Some((i, m)) = o.members.iter().enumerate().find(|(_, m)| inside(m.span(), edit)) {
                    path.push((true, i));
                    node = m.value.as_ref().filter(|v| inside(v.span, edit));
                }
            }
            Value::Array(a) => {
                if let Some((i, item)) = a.items.iter().enumerate().find(|(_, item)| inside(item.span, edit)) {
                    path.push((false, i));
                    node = Some(item);
                }
            }
            _ => {}
        }
    }
    while path.last().is_some_and(|(member, _)| !member) {
        path.pop();
    }
    path
}

fn blank(value: &mut J, path: &[(bool, usize)]) {
    let Some(((_, i), rest)) = path.split_first() else {
        *value = J::String("edited".to_owned());
        return;
    };
    if rest.is_empty() {
        // The whole member, key included.
        match value.as_array_mut().and_then(|members| members.get_mut(*i)) {
            Some(member) => *member = J::String("edited".to_owned()),
            None => *value = J::String("edited".to_owned()),
        }
        return;
    }
    let child = match value {
        J::Array(members) => members.get_mut(*i).and_then(|m| m.get_mut(1)),
        J::Object(o) => o.get_mut("array").and_then(|a| a.get_mut(*i)),
        _ => None,
    };
    match child {
        Some(child) => blank(child, rest),
        None => *value = J::String("edited".to_owned()),
    }
}

fn apply(text: &str, fix: &Fix) -> String {
    let mut edits: Vec<_> = fix.edits.iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
    let mut out = text.to_owned();
    for e in edits {
        out.replace_range(e.span.start..e.span.end, &e.new_text);
    }
    out
}

fn check_fix(text: &str, before: &JsonDocument, fix: &Fix, origin: &str) -> Result<(), TestCaseError> {
    let after_text = apply(text, fix);
    let after = json::parse(&after_text);
    prop_assert!(
        after.syntax_errors.is_empty(),
        "{origin} {:?} made invalid JSON: {:?}\n{after_text}",
        fix.title,
        after.syntax_errors
    );
    let cover = fix.edits.iter().map(|e| e.span).reduce(Span::cover).unwrap_or_default();
    let path = member_path(before, cover);
    let mut old = before.root.as_ref().map_or(J::Null, strip);
    let mut new = after.root.as_ref().map_or(J::Null, strip);
    blank(&mut old, &path);
    blank(&mut new, &path);
    prop_assert_eq!(
        old,
        new,
        "{} {:?} changed something outside its member\n{}\n=>\n{}",
        origin,
        fix.title,
        text,
        after_text
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn fixes_and_refactors_keep_json_valid_and_edit_only_their_member(text in policy(), t in 0..TYPES.len()) {
        let before = json::parse(&text);
        prop_assume!(before.syntax_errors.is_empty());
        let analysis = analyze_text(&text, Options { policy_type: Some(TYPES[t]), path: None });
        for finding in &analysis.findings {
            for fix in &finding.fixes {
                check_fix(&text, &before, fix, finding.code)?;
            }
        }
        // Refactors with the cursor on every action and resource list (key and first value).
        let policy = iam_policy::model::Policy::from_json(&before);
        for st in &policy.statements {
            for list in [&st.action, &st.not_action, &st.resource, &st.not_resource].into_iter().flatten() {
                for offset in [list.key_span().start + 1, list.value_span().start + 1] {
                    for fix in refactors(&text, &before, offset) {
                        check_fix(&text, &before, &fix, "refactor")?;
                    }
                }
            }
        }
    }
}

/// A few edits a user makes while typing: a structural character or a word inserted, a span
/// deleted. No `/` or `\`: comments and escapes are errors tree-sitter does not flag.
fn typo() -> impl Strategy<Value = (prop::sample::Index, prop::sample::Index, &'static str)> {
    let inserted = prop::sample::select(&["", "{", "}", "[", "]", ":", ",", "\"", "Allow", " ", "1", "true"][..]);
    (any::<prop::sample::Index>(), any::<prop::sample::Index>(), inserted)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Syntax errors come from the token stream, not tree-sitter's error nodes; they must still
    /// agree with tree-sitter on whether the document is broken: callers take "no syntax error"
    /// to mean valid JSON, and valid JSON must never get one.
    #[test]
    fn syntax_errors_agree_with_tree_sitter(text in policy(), typos in prop::collection::vec(typo(), 0..4)) {
        let mut text = text;
        for (at, len, inserted) in typos {
            let start = at.index(text.len() + 1);
            let end = (start + len.index(4)).min(text.len());
            if text.is_char_boundary(start) && text.is_char_boundary(end) {
                text.replace_range(start..end, inserted);
            }
        }
        let broken = iam_policy::syntax::parse_tree(&text).is_some_and(|t| t.root_node().has_error());
        // Two document-level rules are ours alone: one top-level value, and not empty.
        let errors: Vec<_> = json::parse(&text)
            .syntax_errors
            .into_iter()
            .filter(|e| !e.message.starts_with("unexpected content after") && !e.message.contains("document is empty"))
            .collect();
        prop_assert_eq!(broken, !errors.is_empty(), "{}\n{:?}", text, errors);
    }
}
