//! Conditions that say something simpler than they seem to: a wildcard test that only checks
//! whether the key is present (`EQUIVALENT_TO_NULL_FALSE` / `EQUIVALENT_TO_NULL_TRUE`), one that
//! is always true (`REDUNDANT_KEY_DUE_TO_WILDCARD_IN_CONDITION`) or never true
//! (`REDUNDANT_STATEMENT_DUE_TO_WILDCARD_IN_CONDITION`), and numeric values that another value of
//! the same list makes useless (`REDUNDANT_CONDITION_VALUE_NUM`).
//!
//! Only the clear cases. With `"*"` among the values: `StringLike` is true exactly when the key is
//! present and `StringNotLike` / `StringNotLikeIfExists` exactly when it is missing, without a set
//! qualifier (for a multivalued key an empty set blurs "present"); `...LikeIfExists` and
//! `ForAllValues:...Like` are always true (every value matches, and a missing key passes);
//! `ForAnyValue:...NotLike` is never true (no value fails to match, and a missing key fails).

use super::{Context, Rule, Sink};
use crate::finding::{Edit, Fix, Tag};
use crate::json::Value;
use crate::model::{ConditionEntry, ConditionOperatorBlock, ConditionValue};
use crate::operator::{Comparison, Family, ParsedOperator, Qualifier, parse};
use crate::span::Span;

check!(
    EQUIVALENT_TO_NULL_FALSE,
    Suggestion,
    "The condition only tests that the key is present: use Null false",
    r#"## What it does
Reports `StringLike` with the value `"*"`, which matches any value, so the condition is true
exactly when the key is in the request, with a fix that writes `{"Null": {key: "false"}}` when
the key is alone under its operator.

## Why is this bad
The intent ("the key must be present") is hidden behind a pattern; `Null` says it plainly.

## Example
```json
"Condition": {"StringLike": {"aws:PrincipalTag/team": "*"}}
```

## Use instead
```json
"Condition": {"Null": {"aws:PrincipalTag/team": "false"}}
```
"#
);

check!(
    EQUIVALENT_TO_NULL_TRUE,
    Suggestion,
    "The condition only tests that the key is missing: use Null true",
    r#"## What it does
Reports `StringNotLike` or `StringNotLikeIfExists` with the value `"*"`: any present value
matches `"*"`, so the condition is true exactly when the key is missing from the request. The
fix writes `{"Null": {key: "true"}}` when the key is alone under its operator.

## Why is this bad
The intent ("the key must be missing") is hidden behind a negated pattern; `Null` says it
plainly.

## Example
```json
"Condition": {"StringNotLike": {"aws:PrincipalTag/team": "*"}}
```

## Use instead
```json
"Condition": {"Null": {"aws:PrincipalTag/team": "true"}}
```
"#
);

check!(
    REDUNDANT_KEY_DUE_TO_WILDCARD_IN_CONDITION,
    Suggestion,
    "A condition key is always matched because of a wildcard",
    r#"## What it does
Reports a condition key whose test is always true: `StringLikeIfExists` / `ArnLikeIfExists`, or
`ForAllValues:StringLike` / `ForAllValues:ArnLike`, with `"*"` among its values. Every present
value matches `"*"`, and a missing key passes `IfExists` and `ForAllValues`.

## Why is this bad
The key restricts nothing and suggests a restriction that is not there: remove it, or write the
values that were meant (IAM User Guide, "IAM policy validation check reference").

## Example
```json
"Condition": {"StringLikeIfExists": {"aws:PrincipalTag/team": "*"}}
```

## Use instead
```json
"Condition": {"StringLikeIfExists": {"aws:PrincipalTag/team": "data-*"}}
```
"#
);

check!(
    REDUNDANT_STATEMENT_DUE_TO_WILDCARD_IN_CONDITION,
    Suggestion,
    "A condition key never matches because of a wildcard, so the statement never applies",
    r#"## What it does
Reports `ForAnyValue:StringNotLike` or `ForAnyValue:ArnNotLike` with `"*"` among its values:
every value of the request matches `"*"`, so none is "not like" it, and a missing key makes
`ForAnyValue` false. The condition never matches and the statement never applies.

## Why is this bad
The statement grants (or denies) nothing: remove it, or write the values that were meant (IAM
User Guide, "IAM policy validation check reference").

## Example
```json
"Condition": {"ForAnyValue:StringNotLike": {"aws:TagKeys": "*"}}
```

## Use instead
```json
"Condition": {"ForAnyValue:StringNotLike": {"aws:TagKeys": "temp-*"}}
```
"#
);

check!(
    REDUNDANT_CONDITION_VALUE_NUM,
    Suggestion,
    "A numeric condition value is made redundant by another",
    r#"## What it does
Reports a value of a `Numeric*` comparison that another value of the same list already
covers: the smaller limits of `NumericLessThan` / `NumericLessThanEquals` (the values are ORed,
so the largest wins), the larger limits of `NumericGreaterThan` / `NumericGreaterThanEquals`,
and repeated values of `NumericEquals` / `NumericNotEquals` (`"10"` and `"10.0"` are the same
number). A fix removes the value.

## Why is this bad
The value changes nothing and suggests a bound that is not enforced.

## Example
```json
"Condition": {"NumericLessThan": {"s3:max-keys": ["10", "20"]}}
```

## Use instead
```json
"Condition": {"NumericLessThan": {"s3:max-keys": "20"}}
```
"#
);

pub const RULE: Rule = Rule {
    checks: &[
        &EQUIVALENT_TO_NULL_FALSE,
        &EQUIVALENT_TO_NULL_TRUE,
        &REDUNDANT_KEY_DUE_TO_WILDCARD_IN_CONDITION,
        &REDUNDANT_STATEMENT_DUE_TO_WILDCARD_IN_CONDITION,
        &REDUNDANT_CONDITION_VALUE_NUM,
    ],
    run,
};

fn run(ctx: &Context<'_>, out: &mut Sink) {
    for statement in &ctx.policy.statements {
        let Some(condition) = &statement.condition else {
            continue;
        };
        let has_null_block = condition
            .operators
            .iter()
            .any(|b| b.operator.value.eq_ignore_ascii_case("Null"));
        for block in &condition.operators {
            let Some(op) = parse(&block.operator.value) else {
                continue;
            };
            for entry in &block.entries {
                null_equivalent(ctx, op, block, entry, has_null_block, out);
                always_or_never(op, entry, out);
                if op.base.family == Family::Numeric {
                    redundant_numbers(op, entry, out);
                }
            }
        }
    }
}

fn null_equivalent(
    ctx: &Context<'_>,
    op: ParsedOperator,
    block: &ConditionOperatorBlock<'_>,
    entry: &ConditionEntry<'_>,
    has_null_block: bool,
    out: &mut Sink,
) {
    if op.base.family != Family::String || op.qualifier.is_some() {
        return;
    }
    let (check, null_value, meaning) = match op.base.comparison {
        Comparison::Like if !op.if_exists => (
            &EQUIVALENT_TO_NULL_FALSE,
            "false",
            "matches any value, so the condition only tests that the key is present",
        ),
        Comparison::NotLike => (
            &EQUIVALENT_TO_NULL_TRUE,
            "true",
            "matches any value, so the condition only tests that the key is missing",
        ),
        _ => return,
    };
    let Some(star) = entry.values.iter().find(|v| v.text == "*") else {
        return;
    };
    let key = entry.key.value.as_str();
    let finding = out.report(
        check,
        star.node.span,
        format!(
            "{} \"*\" {meaning}: write {{\"Null\": {{\"{key}\": \"{null_value}\"}}}}",
            op.canonical()
        ),
    );
    // The rewrite replaces the whole operator block: only when the key is alone in it and no
    // `Null` block exists already (that would make a duplicate JSON key).
    if block.entries.len() == 1 && !has_null_block {
        let key_source = ctx.text.get(entry.key.span.range()).unwrap_or("\"\"");
        finding.fixes.push(Fix::replace(
            format!("Replace with Null {null_value}"),
            block.member.span(),
            format!("\"Null\": {{{key_source}: \"{null_value}\"}}"),
        ));
    }
}

/// A wildcard test that is always true or never true (see the module docs).
fn always_or_never(op: ParsedOperator, entry: &ConditionEntry<'_>, out: &mut Sink) {
    if !matches!(op.base.family, Family::String | Family::Arn) || !entry.values.iter().any(|v| v.text == "*") {
        return;
    }
    let (check, what) = match (op.base.comparison, op.qualifier, op.if_exists) {
        (Comparison::Like, Some(Qualifier::ForAllValues), _) | (Comparison::Like, None, true) => (
            &REDUNDANT_KEY_DUE_TO_WILDCARD_IN_CONDITION,
            "is always matched: every value matches \"*\" and a missing key passes; remove it or name the values meant",
        ),
        (Comparison::NotLike, Some(Qualifier::ForAnyValue), false) => (
            &REDUNDANT_STATEMENT_DUE_TO_WILDCARD_IN_CONDITION,
            "never matches: every value matches \"*\" and a missing key fails, so the statement never applies",
        ),
        _ => return,
    };
    out.report(
        check,
        entry.key.span,
        format!("\"{}\" under {} {what}", entry.key.value, op.canonical()),
    );
}

fn redundant_numbers(op: ParsedOperator, entry: &ConditionEntry<'_>, out: &mut Sink) {
    let numbers: Vec<(&ConditionValue<'_>, f64)> = entry
        .values
        .iter()
        .filter_map(|v| {
            v.text
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(|n| (v, n))
        })
        .collect();
    if numbers.len() < 2 {
        return;
    }
    // The value that makes the others redundant, for a bound; none for (in)equality lists.
    let keeper = match op.base.comparison {
        Comparison::LessThan | Comparison::LessThanEquals => {
            numbers
                .iter()
                .enumerate()
                .fold(None, |best: Option<(usize, f64)>, (i, (_, n))| match best {
                    Some((_, b)) if b >= *n => best,
                    _ => Some((i, *n)),
                })
        }
        Comparison::GreaterThan | Comparison::GreaterThanEquals => {
            numbers
                .iter()
                .enumerate()
                .fold(None, |best: Option<(usize, f64)>, (i, (_, n))| match best {
                    Some((_, b)) if b <= *n => best,
                    _ => Some((i, *n)),
                })
        }
        Comparison::Equals | Comparison::NotEquals => None,
        _ => return,
    };
    for (i, (value, n)) in numbers.iter().enumerate() {
        let covered_by = match keeper {
            Some((k, _)) if k != i => numbers.get(k).map(|(v, _)| v),
            Some(_) => None,
            // A repeat of an earlier value.
            None => numbers.iter().take(i).find(|(_, m)| m == n).map(|(v, _)| v),
        };
        let Some(by) = covered_by else { continue };
        let finding = out.report(
            &REDUNDANT_CONDITION_VALUE_NUM,
            value.node.span,
            format!(
                "\"{}\" is redundant: {} already covers it with \"{}\"",
                value.text,
                op.canonical(),
                by.text
            ),
        );
        finding.tags.push(Tag::Unnecessary);
        finding.fixes.extend(remove_value_fix(entry, value.node.span));
    }
}

/// Deletes one value from the entry's array with its separating comma.
fn remove_value_fix(entry: &ConditionEntry<'_>, span: Span) -> Option<Fix> {
    let Some(Value::Array(array)) = entry.member.value.as_ref().map(|v| &v.value) else {
        return None;
    };
    let index = array.items.iter().position(|n| n.span == span)?;
    let cut = if index > 0 {
        Span::new(array.items.get(index - 1)?.span.end, span.end)
    } else {
        Span::new(span.start, array.items.get(index + 1)?.span.start)
    };
    Some(Fix {
        title: "Remove the redundant value".to_owned(),
        edits: vec![Edit {
            span: cut,
            new_text: String::new(),
        }],
    })
}

#[cfg(test)]
mod tests {
    use crate::checks::fix_support::apply_fix;
    use crate::checks::test_support::spans_of;
    use crate::policy_type::PolicyType::Identity;

    fn c(condition: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*", "Condition": {condition}}}]}}"#
        )
    }

    #[test]
    fn null_false() {
        let text = c(r#"{"StringLike": {"aws:PrincipalTag/team": ["a*", "*"]}}"#);
        assert_eq!(spans_of(&text, Identity, "EQUIVALENT_TO_NULL_FALSE"), ["\"*\""]);
        let fixed = apply_fix(&text, Identity, "EQUIVALENT_TO_NULL_FALSE").unwrap();
        assert!(
            fixed.contains(r#"{"Null": {"aws:PrincipalTag/team": "false"}}"#),
            "{fixed}"
        );
        for ok in [
            r#"{"StringLike": {"aws:PrincipalTag/team": "a*"}}"#,
            r#"{"StringLikeIfExists": {"aws:PrincipalTag/team": "*"}}"#,
            r#"{"ForAnyValue:StringLike": {"aws:TagKeys": "*"}}"#,
            r#"{"StringEquals": {"aws:PrincipalTag/team": "*"}}"#,
        ] {
            assert!(
                spans_of(&c(ok), Identity, "EQUIVALENT_TO_NULL_FALSE").is_empty(),
                "{ok}"
            );
        }
    }

    #[test]
    fn null_true() {
        let text = c(r#"{"StringNotLikeIfExists": {"aws:PrincipalTag/team": "*"}}"#);
        assert_eq!(spans_of(&text, Identity, "EQUIVALENT_TO_NULL_TRUE"), ["\"*\""]);
        // Two keys under the operator: no rewrite.
        let two = c(r#"{"StringNotLike": {"aws:PrincipalTag/team": "*", "aws:username": "a*"}}"#);
        assert_eq!(spans_of(&two, Identity, "EQUIVALENT_TO_NULL_TRUE"), ["\"*\""]);
        assert!(apply_fix(&two, Identity, "EQUIVALENT_TO_NULL_TRUE").is_none());
        let ok = c(r#"{"StringNotLike": {"aws:PrincipalTag/team": "a*"}}"#);
        assert!(spans_of(&ok, Identity, "EQUIVALENT_TO_NULL_TRUE").is_empty());
    }

    #[test]
    fn wildcards_always_or_never_matched() {
        let text = c(
            r#"{"StringLikeIfExists": {"aws:PrincipalTag/team": "*"}, "ForAllValues:StringLike": {"aws:TagKeys": ["a", "*"]},
                "ForAnyValue:StringNotLike": {"aws:CalledVia": "*"}, "StringLike": {"aws:username": "*"}}"#,
        );
        assert_eq!(
            spans_of(&text, Identity, "REDUNDANT_KEY_DUE_TO_WILDCARD_IN_CONDITION"),
            ["\"aws:PrincipalTag/team\"", "\"aws:TagKeys\""]
        );
        assert_eq!(
            spans_of(&text, Identity, "REDUNDANT_STATEMENT_DUE_TO_WILDCARD_IN_CONDITION"),
            ["\"aws:CalledVia\""]
        );
        // Plain StringLike "*" tests presence: that is EQUIVALENT_TO_NULL_FALSE, not these.
        assert_eq!(spans_of(&text, Identity, "EQUIVALENT_TO_NULL_FALSE").len(), 1);
        let ok = c(
            r#"{"StringLikeIfExists": {"aws:PrincipalTag/team": "data-*"}, "ForAnyValue:StringNotLike": {"aws:TagKeys": "temp-*"}}"#,
        );
        for code in [
            "REDUNDANT_KEY_DUE_TO_WILDCARD_IN_CONDITION",
            "REDUNDANT_STATEMENT_DUE_TO_WILDCARD_IN_CONDITION",
        ] {
            assert!(spans_of(&ok, Identity, code).is_empty(), "{code}");
        }
    }

    #[test]
    fn redundant_numbers() {
        let code = "REDUNDANT_CONDITION_VALUE_NUM";
        let text = c(r#"{"NumericLessThan": {"s3:max-keys": ["10", "20", "5"]}}"#);
        assert_eq!(spans_of(&text, Identity, code), ["\"10\"", "\"5\""]);
        let fixed = apply_fix(&text, Identity, code).unwrap();
        assert!(fixed.contains(r#"["20", "5"]"#), "{fixed}");
        let text = c(r#"{"NumericGreaterThanEquals": {"s3:max-keys": ["10", "20"]}}"#);
        assert_eq!(spans_of(&text, Identity, code), ["\"20\""]);
        let text = c(r#"{"NumericEquals": {"s3:max-keys": ["10", "20", "10.0"]}}"#);
        assert_eq!(spans_of(&text, Identity, code), ["\"10.0\""]);
        for ok in [
            r#"{"NumericLessThan": {"s3:max-keys": "10"}}"#,
            r#"{"NumericEquals": {"s3:max-keys": ["10", "20"]}}"#,
            r#"{"NumericNotEquals": {"s3:max-keys": ["10", "20"]}}"#,
        ] {
            assert!(spans_of(&c(ok), Identity, code).is_empty(), "{ok}");
        }
    }
}
