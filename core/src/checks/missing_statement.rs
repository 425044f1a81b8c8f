use super::{Check, Context, Rule, Sink};
use crate::finding::Severity;
use crate::json::Value;
use crate::span::Span;

pub const MISSING_STATEMENT: Check = Check {
    code: "MISSING_STATEMENT",
    severity: Severity::Error,
    summary: "The policy has no Statement element",
    doc: r#"## What it does
Reports a policy document without a `Statement` element, or whose `Statement` is an empty
array (`"Statement": []`), as IAM Access Analyzer does ("Add a statement to the policy").

## Why is this bad
A policy's permissions are its statements; IAM rejects a policy without one.

## Example
```json
{"Version": "2012-10-17"}
```

## Use instead
```json
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}
```
"#,
};

pub const RULE: Rule = Rule {
    checks: &[&MISSING_STATEMENT],
    run,
};

fn run(ctx: &Context<'_>, out: &mut Sink) {
    if let Some(member) = ctx.policy.statement {
        if let Some(node) = &member.value
            && let Value::Array(array) = &node.value
            && array.items.is_empty()
            && array.closed
        {
            out.report(
                &MISSING_STATEMENT,
                node.span,
                "\"Statement\" is empty: the policy has no statements; add one",
            );
        }
        return;
    }
    match ctx.policy.object {
        Some(_) => {
            let start = ctx.policy.root_span.start;
            out.report(
                &MISSING_STATEMENT,
                Span::new(start, start + 1),
                "the policy has no \"Statement\" element; add one",
            );
        }
        None if ctx.json.root.is_some() => {
            out.report(
                &MISSING_STATEMENT,
                ctx.policy.root_span,
                "a policy document must be a JSON object with a \"Statement\" element",
            );
        }
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::spans_of;
    use crate::policy_type::PolicyType::Identity;

    #[test]
    fn reports_at_opening_brace() {
        assert_eq!(
            spans_of(r#"{"Version": "2012-10-17"}"#, Identity, "MISSING_STATEMENT"),
            ["{"]
        );
        assert_eq!(spans_of(r#"[1]"#, Identity, "MISSING_STATEMENT"), ["[1]"]);
    }

    #[test]
    fn an_empty_statement_array_has_no_statements() {
        assert_eq!(
            spans_of(
                r#"{"Version": "2012-10-17", "Statement": []}"#,
                Identity,
                "MISSING_STATEMENT"
            ),
            ["[]"]
        );
        // Still being typed: the array is not closed yet.
        assert!(
            spans_of(
                r#"{"Version": "2012-10-17", "Statement": ["#,
                Identity,
                "MISSING_STATEMENT"
            )
            .is_empty()
        );
    }

    #[test]
    fn statement_present_passes() {
        let text = r#"{"Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}"#;
        assert!(spans_of(text, Identity, "MISSING_STATEMENT").is_empty());
        assert!(spans_of(r#"{"Statement": {}}"#, Identity, "MISSING_STATEMENT").is_empty());
    }
}
