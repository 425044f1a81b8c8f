use super::{Check, Context, Rule, Sink};
use crate::finding::Severity;

pub const DUPLICATE_JSON_KEY: Check = Check {
    code: "DUPLICATE_JSON_KEY",
    severity: Severity::Error,
    summary: "The same key appears twice in one JSON object",
    doc: r#"## What it does
Reports an object that contains the same key twice, such as two `Action` elements in one
statement or the same condition key twice under one operator.

## Why is this bad
JSON parsers keep only one of the two values, and which one is not something to rely on: one of
the two lists of actions, resources or condition values is silently ignored.

## Example
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Action": "s3:PutObject", "Resource": "*"}
```

## Use instead
```json
{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "*"}
```
"#,
};

pub const RULE: Rule = Rule {
    checks: &[&DUPLICATE_JSON_KEY],
    run,
};

fn run(ctx: &Context<'_>, out: &mut Sink) {
    for dup in &ctx.json.duplicate_keys {
        out.report(
            &DUPLICATE_JSON_KEY,
            dup.duplicate,
            format!(
                "duplicate key \"{}\": only one of the two values takes effect; merge them",
                dup.key
            ),
        )
        .related
        .push(crate::finding::Related {
            span: dup.first,
            message: "first defined here".into(),
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::spans_of;
    use crate::policy_type::PolicyType::Identity;

    #[test]
    fn reports_second_occurrence() {
        let text = r#"{"Statement": [{"Effect": "Allow", "Action": "a:b", "Action": "c:d"}]}"#;
        assert_eq!(spans_of(text, Identity, "DUPLICATE_JSON_KEY"), ["\"Action\""]);
    }

    #[test]
    fn distinct_keys_pass() {
        let text = r#"{"Statement": [{"Effect": "Allow", "Action": "a:b"}]}"#;
        assert!(spans_of(text, Identity, "DUPLICATE_JSON_KEY").is_empty());
    }
}
