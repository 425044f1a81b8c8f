//! Runs the checks over the AWS managed policies in `tests/corpus/aws-managed`. They are real,
//! deployed identity policies, so any error from the syntax and structure checks is a false
//! positive.

use iam_policy::{Options, PolicyType, Severity, analyze_text};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Codes that judge syntax and structure only, so they must never be errors on a deployed policy.
const STRUCTURAL_CODES: &[&str] = &[
    "JSON_SYNTAX_ERROR",
    "DUPLICATE_JSON_KEY",
    "MISSING_STATEMENT",
    "MISSING_EFFECT",
    "INVALID_EFFECT",
    "MISSING_ACTION",
    "MISSING_RESOURCE",
    "INVALID_POLICY_ELEMENT",
    "UNSUPPORTED_ELEMENT_COMBINATION",
    "DATA_TYPE_MISMATCH",
    "MISSING_VERSION",
    "INVALID_VERSION",
    "UNIQUE_SIDS_REQUIRED",
    "UNIQUE_SIDS_RECOMMENDED",
    "UNSUPPORTED_SID",
    "EMPTY_SID_VALUE",
    "EMPTY_ARRAY_ACTION",
    "EMPTY_ARRAY_RESOURCE",
    "EMPTY_ARRAY_PRINCIPAL",
    "EMPTY_OBJECT_PRINCIPAL",
    "EMPTY_ARRAY_CONDITION",
    "EMPTY_ARRAY_CONDITION_FORALLVALUES",
    "EMPTY_ARRAY_CONDITION_FORANYVALUE",
    "EMPTY_ARRAY_CONDITION_IFEXISTS",
    "EMPTY_OBJECT_CONDITION",
    "DUPLICATE_KEYS_WITH_DIFFERENT_CASE",
    "VARIABLE_UNSUPPORTED_IN_VERSION",
    "VARIABLE_UNSUPPORTED_IN_ELEMENT",
    "MISSING_BRACE_IN_VARIABLE",
    "EMPTY_VARIABLE",
    "UNSUPPORTED_SPACE_IN_VARIABLE",
    "MISSING_QUOTE_IN_VARIABLE",
];

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus/aws-managed")
}

#[test]
fn structural_codes_are_registered() {
    for code in STRUCTURAL_CODES {
        assert!(iam_policy::checks::check(code).is_some(), "{code} is not registered");
    }
}

#[test]
fn aws_managed_policies_have_no_structural_errors() {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("corpus directory")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 1500, "corpus has only {} policies", paths.len());

    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut errors = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).expect("readable policy");
        let analysis = analyze_text(
            &text,
            Options {
                policy_type: Some(PolicyType::Identity),
                path: None,
            },
        );
        for finding in analysis.findings {
            *counts.entry(finding.code).or_default() += 1;
            let structural = STRUCTURAL_CODES.contains(&finding.code);
            if structural && (finding.severity == Severity::Error || finding.code == "JSON_SYNTAX_ERROR") {
                let snippet = text.get(finding.span.range()).unwrap_or("").to_owned();
                errors.push(format!(
                    "{}: {} at {:?} `{snippet}`: {}",
                    path.display(),
                    finding.code,
                    finding.span,
                    finding.message
                ));
            }
        }
    }
    println!("{} policies; findings by code:", paths.len());
    if counts.is_empty() {
        println!("  (none)");
    }
    for (code, count) in &counts {
        println!("  {code:<40} {count}");
    }
    assert!(
        errors.is_empty(),
        "{} false errors, first ones:\n{}",
        errors.len(),
        errors.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );
}

/// The same policies without their `Version`: every one gets MISSING_VERSION, and each policy
/// variable in a Resource or condition value gets VARIABLE_UNSUPPORTED_IN_VERSION. Shows that
/// the clean result above comes from checks that do look at these documents.
#[test]
fn aws_managed_policies_without_version_are_reported() {
    let mut missing_version = 0;
    let mut unsupported_variables = 0;
    let mut variables_in_text = 0;
    let mut files = 0;
    for entry in std::fs::read_dir(corpus_dir()).expect("corpus directory") {
        let path = entry.expect("directory entry").path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable policy");
        let Some(without) = remove_version(&text) else {
            continue;
        };
        files += 1;
        variables_in_text += without.matches("${").count();
        let analysis = analyze_text(
            &without,
            Options {
                policy_type: Some(PolicyType::Identity),
                path: None,
            },
        );
        for finding in &analysis.findings {
            match finding.code {
                "MISSING_VERSION" => missing_version += 1,
                "VARIABLE_UNSUPPORTED_IN_VERSION" => unsupported_variables += 1,
                _ => {}
            }
        }
    }
    println!(
        "{files} policies without Version: {missing_version} MISSING_VERSION, {unsupported_variables} of {variables_in_text} variables reported"
    );
    assert_eq!(missing_version, files);
    assert!(unsupported_variables > 1000, "{unsupported_variables}");
    assert!(unsupported_variables <= variables_in_text);
}

/// The text without its `"Version": "2012-10-17",` member.
fn remove_version(text: &str) -> Option<String> {
    let start = text.find("\"Version\"")?;
    let rest = text.get(start..)?;
    let comma = rest.find(',')?;
    let after = rest.get(comma + 1..)?.trim_start();
    Some(format!("{}{}", text.get(..start)?, after))
}
