use super::common::{is_incomplete, suggest};
use super::{Check, Context, Rule, Sink};
use crate::finding::Severity;
use crate::model::{STATEMENT_ELEMENTS, Statement};
use crate::policy_type::PolicyType;

pub const MISSING_ACTION: Check = Check {
    code: "MISSING_ACTION",
    severity: Severity::Error,
    summary: "A statement has neither Action nor NotAction",
    doc: r#"## What it does
Reports a statement that has neither an `Action` nor a `NotAction` element.

A statement that is still being typed (its `}` is missing, or a key has no value yet) is not
reported; an element name in the wrong case or with a typo (`action`, `Actions`) is reported as
INVALID_POLICY_ELEMENT instead, with a fix.

## Why is this bad
A statement must say which actions it applies to; IAM rejects the policy.

## Example
```json
{"Effect": "Allow", "Resource": "arn:aws:s3:::example-bucket/*"}
```

## Use instead
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}
```
"#,
};

pub const MISSING_RESOURCE: Check = Check {
    code: "MISSING_RESOURCE",
    severity: Severity::Error,
    summary: "A statement has neither Resource nor NotResource",
    doc: r#"## What it does
Reports a statement that has neither a `Resource` nor a `NotResource` element. Role trust
policies are exempt: their resource is the role itself, and they must not name one.

A statement that is still being typed (its `}` is missing, or a key has no value yet) is not
reported; an element name in the wrong case or with a typo (`resource`, `Resources`) is reported
as INVALID_POLICY_ELEMENT instead, with a fix.

## Why is this bad
Identity policies, permissions boundaries, SCPs, RCPs and resource policies must say which
resources a statement applies to; IAM rejects the policy.

## Example
```json
{"Effect": "Allow", "Action": "s3:GetObject"}
```

## Use instead
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}
```
"#,
};

pub const RULE: Rule = Rule {
    checks: &[&MISSING_ACTION, &MISSING_RESOURCE],
    run,
};

fn run(ctx: &Context<'_>, out: &mut Sink) {
    for statement in &ctx.policy.statements {
        if is_incomplete(ctx.text, statement.object, statement.span) {
            continue;
        }
        if !has_or_misspells(statement, &["Action", "NotAction"]) {
            out.report(
                &MISSING_ACTION,
                statement.head_span(),
                format!(
                    "{} has no \"Action\" or \"NotAction\"; add \"Action\" with the actions it applies to",
                    statement.label()
                ),
            );
        }
        if ctx.policy_type != PolicyType::Trust && !has_or_misspells(statement, &["Resource", "NotResource"]) {
            out.report(
                &MISSING_RESOURCE,
                statement.head_span(),
                format!(
                    "{} has no \"Resource\" or \"NotResource\"; add \"Resource\" with the ARNs it applies to \
                     (\"*\" for all)",
                    statement.label()
                ),
            );
        }
    }
}

/// Whether the statement has one of `names`, or a key that INVALID_POLICY_ELEMENT will suggest
/// renaming to one of them (that finding carries the fix; a second one here would be noise).
fn has_or_misspells(statement: &Statement<'_>, names: &[&str]) -> bool {
    statement.object.members.iter().any(|m| {
        let key = m.key.value.as_str();
        names.contains(&key)
            || (!STATEMENT_ELEMENTS.contains(&key)
                && suggest(key, STATEMENT_ELEMENTS).is_some_and(|s| names.contains(&s)))
    })
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::{findings_of, spans_of};
    use crate::policy_type::PolicyType::{Identity, Trust};

    #[test]
    fn missing_action_points_at_statement_brace() {
        let text = r#"{"Statement": [{"Effect": "Allow", "Resource": "*"}]}"#;
        assert_eq!(spans_of(text, Identity, "MISSING_ACTION"), ["{"]);
        let found = findings_of(text, Identity, "MISSING_ACTION");
        assert!(
            found
                .iter()
                .all(|(m, _)| m.contains("statement 1") && m.contains("add \"Action\""))
        );
    }

    #[test]
    fn missing_resource_points_at_statement_brace() {
        let text = r#"{"Statement": [{"Effect": "Allow", "Action": "s3:*"}, {"Sid": "B", "Effect": "Allow"}]}"#;
        let found = findings_of(text, Identity, "MISSING_RESOURCE");
        let spans: Vec<_> = found.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(spans, ["{", "{"]);
        assert!(found.iter().any(|(m, _)| m.contains("statement \"B\"")));
    }

    #[test]
    fn trust_policies_need_no_resource() {
        let text = r#"{"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#;
        assert!(spans_of(text, Trust, "MISSING_RESOURCE").is_empty());
        assert_eq!(spans_of(text, Identity, "MISSING_RESOURCE"), ["{"]);
    }

    #[test]
    fn complete_statements_pass() {
        let text = r#"{"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "NotResource": "*"}]}"#;
        assert!(spans_of(text, Identity, "MISSING_ACTION").is_empty());
        assert!(spans_of(text, Identity, "MISSING_RESOURCE").is_empty());
    }

    #[test]
    fn statements_being_typed_are_not_reported() {
        for text in [
            r#"{"Statement": [{"Effect": "Allow", "#,
            r#"{"Statement": [{"Effect": "Allow", "Act"}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Action": }]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Action": "s3:*", }]}"#,
        ] {
            assert!(spans_of(text, Identity, "MISSING_ACTION").is_empty(), "{text}");
            assert!(spans_of(text, Identity, "MISSING_RESOURCE").is_empty(), "{text}");
        }
    }

    #[test]
    fn misspelled_elements_are_left_to_invalid_policy_element() {
        let text = r#"{"Statement": [{"Effect": "Allow", "action": "s3:*", "Resources": "*"}]}"#;
        assert!(spans_of(text, Identity, "MISSING_ACTION").is_empty());
        assert!(spans_of(text, Identity, "MISSING_RESOURCE").is_empty());
    }
}
