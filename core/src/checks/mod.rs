//! The checks. One file per check (or per family of codes that share their logic); each file
//! declares its codes with their documentation and a `run` function, and registers in [`RULES`].
//!
//! Codes are Access Analyzer's where it has an equivalent, so users recognise them.

use crate::finding::{Finding, Severity};
use crate::json::JsonDocument;
use crate::model::Policy;
use crate::policy_type::PolicyType;
use crate::span::Span;

/// Declares a check: `check!(CODE, Severity, "summary", "markdown doc")`. Defined before the
/// modules below so that each can use it.
macro_rules! check {
    ($name:ident, $sev:ident, $summary:literal, $doc:expr) => {
        pub const $name: $crate::checks::Check = $crate::checks::Check {
            code: stringify!($name),
            severity: $crate::finding::Severity::$sev,
            summary: $summary,
            doc: $doc,
        };
    };
}

mod actions;
mod common;
mod condition_key_case;
mod condition_keys;
mod condition_security;
mod condition_simplify;
mod condition_values;
mod contradictions;
mod data_type;
mod duplicate_json_keys;
mod effect;
mod element_combination;
mod empty_values;
#[cfg(test)]
mod fix_support;
mod invalid_policy_element;
mod json_syntax;
mod list_util;
mod memo;
mod missing_elements;
mod missing_statement;
mod org_policies;
mod pass_role;
mod permissive_values;
mod policy_size;
mod policy_variables;
mod principal_placement;
mod principal_values;
mod region_kms_values;
mod resource_policy_kind;
mod resources;
mod risk;
mod service_principals;
mod sid;
mod statement_canon;
mod statement_overlap;
mod tag_key_support;
mod trust;
mod type_support;
mod version;
mod vpce_owner_keys;

/// A check code with its documentation. `doc` is markdown with the headings
/// "What it does", "Why is this bad", "Example" and "Use instead"; it feeds `explain`, the docs
/// pages and hovers.
#[derive(Debug)]
pub struct Check {
    pub code: &'static str,
    pub severity: Severity,
    /// One line, shown in lists.
    pub summary: &'static str,
    pub doc: &'static str,
}

/// The codes a file reports and the function that reports them.
pub struct Rule {
    pub checks: &'static [&'static Check],
    pub run: fn(&Context<'_>, &mut Sink),
}

/// Every rule, in the order findings are produced.
pub static RULES: &[Rule] = &[
    json_syntax::RULE,
    duplicate_json_keys::RULE,
    missing_statement::RULE,
    version::RULE,
    invalid_policy_element::RULE,
    data_type::RULE,
    effect::RULE,
    missing_elements::RULE,
    policy_size::RULE,
    element_combination::RULE,
    sid::RULE,
    empty_values::RULE,
    condition_key_case::RULE,
    policy_variables::RULE,
    actions::RULE,
    condition_keys::RULE,
    condition_values::RULE,
    resources::RULE,
    resource_policy_kind::RULE,
    principal_placement::RULE,
    principal_values::RULE,
    trust::RULE,
    org_policies::RULE,
    service_principals::RULE,
    pass_role::RULE,
    condition_security::RULE,
    vpce_owner_keys::RULE,
    permissive_values::RULE,
    tag_key_support::RULE,
    region_kms_values::RULE,
    condition_simplify::RULE,
    statement_overlap::RULE,
    contradictions::RULE,
    risk::RULE,
];

/// How many of [`RULES`], from the first, are quick: syntax, structure and size, each one pass
/// over the document without the catalog. Documents too large to check fully on every keystroke
/// get these alone (see [`Depth::Quick`]).
pub const QUICK_RULES: usize = 9;

/// Which rules run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Depth {
    #[default]
    Full,
    /// The first [`QUICK_RULES`] rules only.
    Quick,
}

/// The rules run at `depth`.
pub fn rules(depth: Depth) -> &'static [Rule] {
    match depth {
        Depth::Full => RULES,
        Depth::Quick => RULES.get(..QUICK_RULES).unwrap_or(RULES),
    }
}

/// Every check code, for `explain`, documentation and configuration validation.
pub fn all_checks() -> impl Iterator<Item = &'static Check> {
    RULES.iter().flat_map(|r| r.checks.iter().copied())
}

/// Looks up a check by code (case-insensitive).
pub fn check(code: &str) -> Option<&'static Check> {
    all_checks().find(|c| c.code.eq_ignore_ascii_case(code))
}

/// What a check sees.
pub struct Context<'a> {
    pub text: &'a str,
    pub json: &'a JsonDocument,
    pub policy: &'a Policy<'a>,
    pub policy_type: PolicyType,
    /// Whether the type was given by the user (or a file-name convention) rather than inferred;
    /// type-specific errors are only raised when the type is certain.
    pub type_is_explicit: bool,
    /// Where the policy stands when it is embedded in a template (`None` for a JSON policy).
    pub host: Option<&'a crate::host::EmbeddedPolicy>,
}

/// Did-you-mean searches per document: each scans the catalog, so a document with thousands of
/// bogus names (generated or pasted) must not cost thousands of scans on every keystroke.
const SUGGESTION_BUDGET: usize = 200;

/// Collects findings.
pub struct Sink {
    findings: Vec<Finding>,
    suggestions_left: usize,
    /// Whether findings may be replayed by text (see `memo.rs`): only for JSON policies, where
    /// the same text always reads the same.
    memo: bool,
}

impl Default for Sink {
    fn default() -> Self {
        Self {
            findings: Vec::new(),
            suggestions_left: SUGGESTION_BUDGET,
            memo: true,
        }
    }
}

impl Sink {
    /// Whether a check may still spend a did-you-mean search on this document.
    pub fn spend_suggestion(&mut self) -> bool {
        let left = self.suggestions_left;
        self.suggestions_left = left.saturating_sub(1);
        left > 0
    }

    /// Reports `check` at `span` and returns the finding to attach fixes or related spans to.
    pub fn report(&mut self, check: &Check, span: Span, message: impl Into<String>) -> &mut Finding {
        self.findings.push_mut(Finding {
            code: check.code,
            severity: check.severity,
            span,
            message: message.into(),
            related: Vec::new(),
            fixes: Vec::new(),
            tags: Vec::new(),
            risk: None,
        })
    }

    pub fn into_findings(self) -> Vec<Finding> {
        self.findings
    }
}

/// Runs every rule and returns the findings sorted by position.
pub fn run_all(ctx: &Context<'_>) -> Vec<Finding> {
    run(ctx, Depth::Full)
}

/// Runs the rules of `depth` and returns the findings sorted by position.
pub fn run(ctx: &Context<'_>, depth: Depth) -> Vec<Finding> {
    let mut sink = Sink {
        memo: ctx.host.is_none(),
        ..Sink::default()
    };
    for rule in rules(depth) {
        (rule.run)(ctx, &mut sink);
    }
    let mut findings = sink.into_findings();
    findings.sort_by(|a, b| (a.span.start, a.span.end, a.code).cmp(&(b.span.start, b.span.end, b.code)));
    findings
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;
    use crate::json;

    /// Every finding of all checks on `text` as a policy of (explicitly) `policy_type`.
    pub fn all_findings(text: &str, policy_type: PolicyType) -> Vec<Finding> {
        let doc = json::parse(text);
        let policy = Policy::from_json(&doc);
        let ctx = Context {
            text,
            json: &doc,
            policy: &policy,
            policy_type,
            type_is_explicit: true,
            host: None,
        };
        run_all(&ctx)
    }

    /// Runs all checks on `text` as a policy of `policy_type` and returns the findings of `code`
    /// as (code, source text of the span) pairs.
    pub fn findings_of(text: &str, policy_type: PolicyType, code: &str) -> Vec<(String, String)> {
        all_findings(text, policy_type)
            .into_iter()
            .filter(|f| f.code == code)
            .map(|f| (f.message, text.get(f.span.range()).unwrap_or("<bad span>").to_owned()))
            .collect()
    }

    /// The source texts of the spans of `code` findings.
    pub fn spans_of(text: &str, policy_type: PolicyType, code: &str) -> Vec<String> {
        findings_of(text, policy_type, code)
            .into_iter()
            .map(|(_, span)| span)
            .collect()
    }
}

#[cfg(test)]
mod depth_tests {
    use super::*;
    use crate::analysis::{Options, analyze_to};
    use crate::json;

    fn codes(text: &str, depth: Depth) -> Vec<&'static str> {
        let options = Options {
            policy_type: Some(PolicyType::Identity),
            path: None,
        };
        let doc = json::parse(text);
        analyze_to(text, &doc, options, depth)
            .findings
            .iter()
            .map(|f| f.code)
            .collect()
    }

    #[test]
    fn quick_depth_keeps_syntax_structure_and_size_and_skips_the_catalog() {
        let padding = "x".repeat(7000);
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "{padding}", "Effect": "allow", "Action": "s3:GetObjectt", "Resource": "*"}}]}}"#
        );
        let full = codes(&text, Depth::Full);
        let quick = codes(&text, Depth::Quick);
        assert!(full.contains(&"INVALID_ACTION"), "{full:?}");
        assert!(!quick.contains(&"INVALID_ACTION"), "{quick:?}");
        for code in ["INVALID_EFFECT", "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA"] {
            assert!(quick.contains(&code), "{code} missing from {quick:?}");
        }
        assert!(quick.iter().all(|c| full.contains(c)), "{quick:?} vs {full:?}");
        assert_eq!(codes("{", Depth::Quick), codes("{", Depth::Full));
    }
}
