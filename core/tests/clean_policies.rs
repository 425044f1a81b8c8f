//! Realistic, correct policies of every type (`tests/policies/<type>/*.json`, the type taken from
//! the folder name) raise no error and no warning: each is a pattern AWS documents or
//! recommends, and a finding on one is a false positive. Suggestions are allowed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a panic in a test is a test failure"
)]

use std::path::Path;

use iam_policy::{Options, PolicyType, Severity, analyze_text};

#[test]
fn clean_policies_have_no_errors_or_warnings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/policies");
    let mut problems = Vec::new();
    let mut checked = 0;
    let mut types_seen = Vec::new();
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let policy_type: PolicyType = name.parse().unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        types_seen.push(policy_type);
        for file in std::fs::read_dir(&dir).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            let analysis = analyze_text(
                &text,
                Options {
                    policy_type: Some(policy_type),
                    path: None,
                },
            );
            checked += 1;
            for f in analysis.findings.iter().filter(|f| f.severity != Severity::Suggestion) {
                problems.push(format!(
                    "{name}/{}: {} {}: {}",
                    file.file_name().unwrap().to_string_lossy(),
                    f.severity.as_str(),
                    f.code,
                    f.message
                ));
            }
        }
    }
    for ty in PolicyType::ALL {
        assert!(types_seen.contains(&ty), "no clean policies of type {ty}");
    }
    assert!(checked >= PolicyType::ALL.len());
    assert!(
        problems.is_empty(),
        "{} findings on clean policies:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Without a type, inference gets the clean trust policies right (so users who do not configure
/// anything still get the trust rules, and no MISSING_RESOURCE).
#[test]
fn trust_policies_are_inferred_as_trust() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/policies/trust");
    for file in std::fs::read_dir(&dir).unwrap() {
        let file = file.unwrap().path();
        let text = std::fs::read_to_string(&file).unwrap();
        let analysis = analyze_text(&text, Options::default());
        assert_eq!(analysis.policy_type, PolicyType::Trust, "{}", file.display());
    }
}

/// Resource control policies that guard role assumption (`Deny` with `"Principal": "*"` over
/// `sts:AssumeRole*`) are not trust policies: inferring "trust" would raise the trust-only errors
/// (a `Resource` element, `"Principal": "*"`) on a valid RCP.
#[test]
fn rcps_over_role_assumption_are_not_inferred_as_trust() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/policies/rcp");
    for file in std::fs::read_dir(&dir).unwrap() {
        let file = file.unwrap().path();
        let text = std::fs::read_to_string(&file).unwrap();
        let analysis = analyze_text(&text, Options::default());
        assert_ne!(analysis.policy_type, PolicyType::Trust, "{}", file.display());
        let errors: Vec<_> = analysis
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| f.code)
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", file.display());
    }
}
