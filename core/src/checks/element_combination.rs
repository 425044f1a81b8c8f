use super::{Check, Context, Rule, Sink};
use crate::finding::{Related, Severity};

pub const UNSUPPORTED_ELEMENT_COMBINATION: Check = Check {
    code: "UNSUPPORTED_ELEMENT_COMBINATION",
    severity: Severity::Error,
    summary: "A statement has both an element and its Not form",
    doc: r#"## What it does
Reports a statement that has both `Action` and `NotAction`, both `Resource` and `NotResource`, or
both `Principal` and `NotPrincipal`. The finding is on the second of the two, with the first as
related information.

## Why is this bad
Each pair is mutually exclusive; IAM rejects the policy.

## Example
```json
{"Effect": "Allow", "Action": "s3:*", "NotAction": "s3:DeleteBucket", "Resource": "*"}
```

## Use instead
```json
{"Effect": "Allow", "NotAction": "s3:DeleteBucket", "Resource": "*"}
```
"#,
};

pub const RULE: Rule = Rule {
    checks: &[&UNSUPPORTED_ELEMENT_COMBINATION],
    run,
};

const PAIRS: [(&str, &str); 3] = [
    ("Action", "NotAction"),
    ("Resource", "NotResource"),
    ("Principal", "NotPrincipal"),
];

fn run(ctx: &Context<'_>, out: &mut Sink) {
    for statement in &ctx.policy.statements {
        for (plain, not) in PAIRS {
            let (Some(a), Some(b)) = (statement.object.get(plain), statement.object.get(not)) else {
                continue;
            };
            let (first, second) = if a.key.span.start <= b.key.span.start {
                (a, b)
            } else {
                (b, a)
            };
            out.report(
                &UNSUPPORTED_ELEMENT_COMBINATION,
                second.key.span,
                format!(
                    "a statement cannot have both \"{plain}\" and \"{not}\"; keep one of them (or split the \
                     statement in two)"
                ),
            )
            .related
            .push(Related {
                span: first.key.span,
                message: format!("\"{}\" is here", first.key.value),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::spans_of;
    use crate::policy_type::PolicyType::{Identity, Resource};

    #[test]
    fn reports_the_second_of_each_pair() {
        let text = r#"{"Statement": [{"Effect": "Allow", "NotAction": "a:b", "Action": "a:c", "Resource": "*", "NotResource": "x"}]}"#;
        assert_eq!(
            spans_of(text, Identity, "UNSUPPORTED_ELEMENT_COMBINATION"),
            ["\"Action\"", "\"NotResource\""]
        );
        let text = r#"{"Statement": [{"Effect": "Deny", "Principal": "*", "NotPrincipal": {"AWS": "x"}, "Action": "a:b", "Resource": "*"}]}"#;
        assert_eq!(
            spans_of(text, Resource, "UNSUPPORTED_ELEMENT_COMBINATION"),
            ["\"NotPrincipal\""]
        );
    }

    #[test]
    fn one_of_each_pair_passes() {
        let text = r#"{"Statement": [{"Effect": "Allow", "NotAction": "a:b", "Resource": "*", "Principal": "*"}]}"#;
        assert!(spans_of(text, Identity, "UNSUPPORTED_ELEMENT_COMBINATION").is_empty());
    }
}
