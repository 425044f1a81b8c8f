#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code: a failure is a test failure"
)]
//! `docs/checks.md` is generated from the check registry; these tests keep it current and keep
//! every check's documentation honest: the four headings are there, the Example triggers the
//! check and the Use-instead block does not.
//!
//! Regenerate with `UPDATE_DOCS=1 cargo test -p iam-policy --test docs`.

use iam_policy::checks::{Check, all_checks};
use iam_policy::json::{self, Value};
use iam_policy::model::POLICY_ELEMENTS;
use iam_policy::risk::{self, RiskKind, RiskSettings, parse_forbidden};
use iam_policy::{Options, PolicyType, Severity, analyze_text};
use std::path::PathBuf;
use std::sync::Arc;

const HEADINGS: [&str; 4] = ["## What it does", "## Why is this bad", "## Example", "## Use instead"];

fn docs_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/checks.md")
}

/// The markdown page for every check, in registry order.
fn render() -> String {
    let mut out = String::new();
    out.push_str("# Checks\n\n");
    out.push_str(
        "<!-- Generated from the check registry (`iam_policy::checks::all_checks`); do not edit.\n     \
         Regenerate with `UPDATE_DOCS=1 cargo test -p iam-policy --test docs`. -->\n\n",
    );
    out.push_str(
        "Codes follow IAM Access Analyzer's policy validation where it has an equivalent. An example that\n\
         shows a single statement stands for a policy with `\"Version\": \"2012-10-17\"` and that one\n\
         statement; one that shows only some elements of a statement stands for a statement that also has\n\
         `\"Effect\": \"Allow\"`, `\"Action\": \"*\"` and `\"Resource\": \"*\"` where those are not shown.\n\n",
    );
    out.push_str("| Code | Severity | Summary |\n| --- | --- | --- |\n");
    for check in all_checks() {
        out.push_str(&format!(
            "| [`{}`](#{}) | {} | {} |\n",
            check.code,
            check.code.to_ascii_lowercase(),
            check.severity.as_str(),
            check.summary
        ));
    }
    for check in all_checks() {
        out.push_str(&format!(
            "\n## {}\n\n**Severity:** {}. {}.\n\n",
            check.code,
            check.severity.as_str(),
            check.summary
        ));
        for line in check.doc.trim().lines() {
            if let Some(marker) = line.strip_prefix("<!-- policy-type:") {
                let name = marker.trim_end_matches("-->").trim();
                out.push_str(&format!("*The examples below are checked as `{name}` policies.*\n\n"));
                continue;
            }
            if line.starts_with("## ") {
                out.push('#');
            }
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The list of checks in README.md, between its `checks:start` and `checks:end` markers.
fn render_readme_list() -> String {
    let mut out = String::from("| Code | Severity | Summary |\n| --- | --- | --- |\n");
    for check in all_checks() {
        out.push_str(&format!(
            "| [`{}`](docs/checks.md#{}) | {} | {} |\n",
            check.code,
            check.code.to_ascii_lowercase(),
            check.severity.as_str(),
            check.summary
        ));
    }
    out
}

#[test]
fn readme_check_list_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let readme = std::fs::read_to_string(&path).expect("read README.md");
    let (start, end) = ("<!-- checks:start -->\n", "<!-- checks:end -->");
    let (Some(a), Some(b)) = (readme.find(start), readme.find(end)) else {
        panic!("README.md lacks the checks:start / checks:end markers");
    };
    let updated = format!("{}{}{}{}", &readme[..a], start, render_readme_list(), &readme[b..]);
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &updated).expect("write README.md");
        return;
    }
    assert!(
        updated == readme,
        "README.md's list of checks is out of date; run `UPDATE_DOCS=1 cargo test -p iam-policy --test docs`"
    );
}

#[test]
fn checks_md_is_current() {
    let rendered = render();
    let path = docs_path();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("create docs/");
        }
        std::fs::write(&path, &rendered).expect("write docs/checks.md");
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == rendered,
        "docs/checks.md is out of date with the check registry; run \
         `UPDATE_DOCS=1 cargo test -p iam-policy --test docs` and commit the result"
    );
}

#[test]
fn codes_are_unique_upper_snake_case() {
    let mut codes: Vec<&str> = all_checks().map(|c| c.code).collect();
    for code in &codes {
        assert!(
            code.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'),
            "{code}"
        );
    }
    let count = codes.len();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), count, "a code is registered twice");
}

#[test]
fn every_doc_has_the_four_headings_in_order() {
    for check in all_checks() {
        let mut from = 0;
        for heading in HEADINGS {
            let found = check
                .doc
                .lines()
                .enumerate()
                .skip(from)
                .find(|(_, line)| line.trim_end() == heading);
            assert!(
                found.is_some(),
                "{}: missing or misplaced heading `{heading}`",
                check.code
            );
            from = found.map_or(from, |(i, _)| i + 1);
        }
        assert!(
            !check.summary.is_empty() && !check.summary.ends_with('.'),
            "{}: summary",
            check.code
        );
    }
}

#[test]
fn examples_trigger_their_check_and_fixes_do_not() {
    let mut problems = Vec::new();
    for check in all_checks() {
        if let Err(problem) = std::panic::catch_unwind(|| example_behaves(check)) {
            let text = problem.downcast_ref::<String>().cloned().unwrap_or_default();
            problems.push(text);
        }
    }
    assert!(
        problems.is_empty(),
        "{} checks' docs are wrong:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

fn example_behaves(check: &'static Check) {
    {
        // Risk checks off by default, and forbidden access, are shown as their docs say.
        let _risk = RiskKind::of_code(check.code).map(|kind| {
            let forbid = if kind == RiskKind::ForbiddenAccess {
                parse_forbidden("iam:*").unwrap()
            } else {
                Vec::new()
            };
            risk::scope(Arc::new(RiskSettings {
                all: true,
                forbid,
                ..RiskSettings::default()
            }))
        });
        let policy_type =
            policy_type_of(check).unwrap_or_else(|e| panic!("{}: bad policy-type marker: {e}", check.code));
        let example = json_block_after(check.doc, "## Example")
            .unwrap_or_else(|| panic!("{}: no ```json block under Example", check.code));
        let fixed = json_block_after(check.doc, "## Use instead")
            .unwrap_or_else(|| panic!("{}: no ```json block under Use instead", check.code));

        let codes = codes_in(&as_policy(&example, policy_type), policy_type);
        assert!(
            codes.iter().any(|(c, _)| *c == check.code),
            "{}: the Example does not produce it (as a {policy_type} policy); it produces {codes:?}",
            check.code
        );
        let codes = codes_in(&as_policy(&fixed, policy_type), policy_type);
        assert!(
            !codes.iter().any(|(c, _)| *c == check.code),
            "{}: the Use-instead block still produces it",
            check.code
        );
        let errors: Vec<_> = codes.iter().filter(|(_, s)| *s == Severity::Error).collect();
        assert!(
            errors.is_empty(),
            "{}: the Use-instead block has errors: {errors:?}",
            check.code
        );
    }
}

/// The type named by a `<!-- policy-type: NAME -->` marker in the doc, else identity.
fn policy_type_of(check: &Check) -> Result<PolicyType, String> {
    let marker = "<!-- policy-type:";
    let Some(start) = check.doc.find(marker) else {
        return Ok(PolicyType::Identity);
    };
    let rest = check.doc.get(start + marker.len()..).unwrap_or("");
    let name = rest.split("-->").next().unwrap_or("").trim();
    name.parse()
}

/// The body of the first ```json block after `heading`.
fn json_block_after(doc: &str, heading: &str) -> Option<String> {
    let after = doc.get(doc.find(heading)? + heading.len()..)?;
    let open = after.find("```json\n")? + "```json\n".len();
    let body = after.get(open..)?;
    let close = body.find("\n```")?;
    Some(expand_repeats(body.get(..close + 1)?))
}

/// Examples too long to show (size quotas) abbreviate with a line `... ×N`: the line above
/// repeated N more times.
fn expand_repeats(example: &str) -> String {
    let mut out = String::new();
    let mut previous = "";
    for line in example.lines() {
        let times = line.trim().strip_prefix("... ×").and_then(|n| n.parse::<usize>().ok());
        match times {
            Some(n) => {
                for _ in 0..n {
                    out.push_str(previous);
                    out.push('\n');
                }
            }
            None => {
                out.push_str(line);
                out.push('\n');
                previous = line;
            }
        }
    }
    out
}

/// An example that is a single statement (an object with none of the policy elements) wrapped
/// into a policy; anything else as it is.
fn as_policy(example: &str, policy_type: PolicyType) -> String {
    // Members of a statement (`"Condition": {...}`): the rest of the statement is filled in with
    // elements that match everything, so only the shown members can produce findings.
    if example.trim_start().starts_with('"') {
        let statement = format!("{{{}}}", example.trim());
        let doc = json::parse(&statement);
        let has = |key: &str| {
            doc.root
                .as_ref()
                .and_then(|r| r.value.as_object())
                .is_some_and(|o| o.members.iter().any(|m| m.key.value == key))
        };
        let mut filled = String::from("{");
        // Resource-based types need a principal; a trust policy names no resource.
        let principal = match policy_type {
            PolicyType::Trust => Some("{\"AWS\": \"arn:aws:iam::111122223333:root\"}"),
            t if t.has_principal() => Some("\"*\""),
            _ => None,
        };
        let resource = (policy_type != PolicyType::Trust).then_some("\"*\"");
        let elements = [
            ("Effect", Some("\"Allow\"")),
            ("Principal", principal),
            ("Action", Some("\"*\"")),
            ("Resource", resource),
        ];
        for (key, value) in elements.into_iter().filter_map(|(k, v)| Some((k, v?))) {
            let negated = format!("Not{key}");
            if !has(key) && !has(&negated) {
                filled.push_str(&format!("\"{key}\": {value}, "));
            }
        }
        filled.push_str(example.trim());
        filled.push('}');
        return as_policy(&filled, policy_type);
    }
    let doc = json::parse(example);
    let is_statement = doc.root.as_ref().and_then(|r| match &r.value {
        Value::Object(o) => Some(
            !o.members
                .iter()
                .any(|m| POLICY_ELEMENTS.contains(&m.key.value.as_str())),
        ),
        _ => None,
    });
    if is_statement == Some(true) {
        format!(
            "{{\"Version\": \"2012-10-17\", \"Statement\": [{}]}}",
            example.trim_end()
        )
    } else {
        example.to_owned()
    }
}

fn codes_in(text: &str, policy_type: PolicyType) -> Vec<(&'static str, Severity)> {
    analyze_text(
        text,
        Options {
            policy_type: Some(policy_type),
            path: None,
        },
    )
    .findings
    .into_iter()
    .map(|f| (f.code, f.severity))
    .collect()
}
