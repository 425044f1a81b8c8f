use super::{Check, Context, Rule, Sink};
use crate::finding::{Related, Severity};
use crate::json::Member;

pub const DUPLICATE_KEYS_WITH_DIFFERENT_CASE: Check = Check {
    code: "DUPLICATE_KEYS_WITH_DIFFERENT_CASE",
    severity: Severity::Error,
    summary: "A condition key or operator repeats with different capitalization",
    doc: r#"## What it does
Reports a condition key that appears twice under one operator with different capitalization
(`aws:TagKeys` and `aws:tagkeys`), and an operator that appears twice in one `Condition` with
different capitalization. The finding is on the second, with the first as related information.
Exact repeats are DUPLICATE_JSON_KEY.

## Why is this bad
Condition key names are case-insensitive, so both entries name the same key, but a JSON object
keeps both: which values apply is unclear, and Access Analyzer rejects the policy.

## Example
```json
{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
 "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"], "aws:tagkeys": ["owner"]}}}
```

## Use instead
```json
{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
 "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "owner"]}}}
```
"#,
};

pub const RULE: Rule = Rule {
    checks: &[&DUPLICATE_KEYS_WITH_DIFFERENT_CASE],
    run,
};

fn run(ctx: &Context<'_>, out: &mut Sink) {
    for statement in &ctx.policy.statements {
        let Some(condition) = &statement.condition else {
            continue;
        };
        let operators: Vec<&Member> = condition.operators.iter().map(|o| o.member).collect();
        for (second, first) in case_duplicates(&operators) {
            out.report(
                &DUPLICATE_KEYS_WITH_DIFFERENT_CASE,
                second.key.span,
                format!(
                    "operator \"{}\" repeats \"{}\" with different capitalization; merge the two into one \"{}\" \
                     block",
                    second.key.value, first.key.value, first.key.value
                ),
            )
            .related
            .push(Related {
                span: first.key.span,
                message: "first used here".into(),
            });
        }
        for block in &condition.operators {
            let keys: Vec<&Member> = block.entries.iter().map(|e| e.member).collect();
            for (second, first) in case_duplicates(&keys) {
                out.report(
                    &DUPLICATE_KEYS_WITH_DIFFERENT_CASE,
                    second.key.span,
                    format!(
                        "condition key \"{}\" is the same key as \"{}\" (condition keys are case-insensitive); merge \
                         their values into one entry",
                        second.key.value, first.key.value
                    ),
                )
                .related
                .push(Related {
                    span: first.key.span,
                    message: "first used here".into(),
                });
            }
        }
    }
}

/// Pairs (later, earlier) of members whose keys are equal ignoring ASCII case but not exactly
/// equal. Exact repeats are left to DUPLICATE_JSON_KEY.
fn case_duplicates<'m>(members: &[&'m Member]) -> Vec<(&'m Member, &'m Member)> {
    let mut pairs = Vec::new();
    for (i, later) in members.iter().enumerate() {
        if !later.key.terminated {
            continue;
        }
        let earlier = members
            .iter()
            .take(i)
            .find(|m| m.key.value.eq_ignore_ascii_case(&later.key.value));
        if let Some(first) = earlier
            && first.key.value != later.key.value
        {
            pairs.push((*later, *first));
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::{findings_of, spans_of};
    use crate::policy_type::PolicyType::Identity;

    fn with_condition(condition: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {condition}}}]}}"#
        )
    }

    #[test]
    fn keys_differing_in_case_under_one_operator() {
        let text = with_condition(r#"{"StringEquals": {"aws:TagKeys": "a", "aws:tagkeys": "b", "aws:TagKeys": "c"}}"#);
        let found = findings_of(&text, Identity, "DUPLICATE_KEYS_WITH_DIFFERENT_CASE");
        let spans: Vec<_> = found.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(spans, ["\"aws:tagkeys\""]);
        assert!(found.iter().all(|(m, _)| m.contains("same key as \"aws:TagKeys\"")));
    }

    #[test]
    fn operators_differing_in_case() {
        let text = with_condition(r#"{"StringEquals": {"aws:a": "x"}, "stringequals": {"aws:b": "y"}}"#);
        assert_eq!(
            spans_of(&text, Identity, "DUPLICATE_KEYS_WITH_DIFFERENT_CASE"),
            ["\"stringequals\""]
        );
    }

    #[test]
    fn same_key_under_different_operators_passes() {
        let text = with_condition(r#"{"StringEquals": {"aws:TagKeys": "a"}, "StringLike": {"aws:tagkeys": "b*"}}"#);
        assert!(spans_of(&text, Identity, "DUPLICATE_KEYS_WITH_DIFFERENT_CASE").is_empty());
    }
}
