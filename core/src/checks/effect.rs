use super::{Check, Context, Rule, Sink};
use crate::finding::{Fix, Severity};
use crate::json::Value;

pub const MISSING_EFFECT: Check = Check {
    code: "MISSING_EFFECT",
    severity: Severity::Error,
    summary: "A statement has no Effect",
    doc: r#"## What it does
Reports a statement without an `Effect` element.

## Why is this bad
Every statement must say whether it allows or denies; IAM rejects the policy.

## Example
```json
{"Action": "s3:GetObject", "Resource": "*"}
```

## Use instead
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
```
"#,
};

pub const INVALID_EFFECT: Check = Check {
    code: "INVALID_EFFECT",
    severity: Severity::Error,
    summary: "Effect is neither Allow nor Deny",
    doc: r#"## What it does
Reports an `Effect` whose value is not exactly `Allow` or `Deny` (the values are case-sensitive).

## Why is this bad
IAM rejects the policy.

## Example
```json
{"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}
```

## Use instead
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
```
"#,
};

pub const RULE: Rule = Rule {
    checks: &[&MISSING_EFFECT, &INVALID_EFFECT],
    run,
};

fn run(ctx: &Context<'_>, out: &mut Sink) {
    for statement in &ctx.policy.statements {
        let Some(member) = statement.object.get("Effect") else {
            // While the user types `"Effect` the key exists without a value; only a statement with
            // no Effect key at all is missing it.
            if !super::common::is_incomplete(ctx.text, statement.object, statement.span) {
                out.report(
                    &MISSING_EFFECT,
                    statement.head_span(),
                    format!(
                        "{} has no \"Effect\"; add \"Effect\": \"Allow\" or \"Deny\"",
                        statement.label()
                    ),
                );
            }
            continue;
        };
        let Some(Value::String(effect)) = member.value.as_ref().map(|v| &v.value) else {
            continue; // A non-string Effect is a DATA_TYPE_MISMATCH.
        };
        if crate::model::Effect::parse(&effect.value).is_some() {
            continue;
        }
        let finding = out.report(
            &INVALID_EFFECT,
            effect.span,
            format!("\"Effect\" must be \"Allow\" or \"Deny\", not \"{}\"", effect.value),
        );
        for fixed in ["Allow", "Deny"] {
            if effect.value.eq_ignore_ascii_case(fixed) {
                finding.fixes.push(Fix::replace(
                    format!("Change to \"{fixed}\""),
                    effect.span,
                    format!("\"{fixed}\""),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::spans_of;
    use crate::policy_type::PolicyType::Identity;

    #[test]
    fn missing_effect_points_at_statement_start() {
        let text = r#"{"Statement": [{"Action": "s3:GetObject", "Resource": "*"}]}"#;
        assert_eq!(spans_of(text, Identity, "MISSING_EFFECT"), ["{"]);
    }

    #[test]
    fn invalid_effect_points_at_value() {
        let text = r#"{"Statement": [{"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}]}"#;
        assert_eq!(spans_of(text, Identity, "INVALID_EFFECT"), ["\"allow\""]);
    }

    #[test]
    fn valid_effects_pass() {
        let text = r#"{"Statement": [{"Effect": "Allow"}, {"Effect": "Deny"}]}"#;
        assert!(spans_of(text, Identity, "INVALID_EFFECT").is_empty());
        assert!(spans_of(text, Identity, "MISSING_EFFECT").is_empty());
    }
}
