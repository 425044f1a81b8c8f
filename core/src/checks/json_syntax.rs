use super::{Check, Context, Rule, Sink};
use crate::finding::Severity;

pub const JSON_SYNTAX_ERROR: Check = Check {
    code: "JSON_SYNTAX_ERROR",
    severity: Severity::Error,
    summary: "The document is not valid JSON",
    doc: r#"## What it does
Reports text that is not strict JSON: missing commas or brackets, unterminated strings, invalid
escapes, comments, trailing commas, and content after the policy object. Each mistake is
reported once, where JSON expected something else ("expected `,` between these items"), not
again at every token after it.

## Why is this bad
IAM accepts strict JSON only and rejects the whole policy. Comments and trailing commas, which
many editors accept in `.json` files, are rejected too.

## Example
```json
{
  // read access
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",}]
}
```

## Use instead
```json
{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]
}
```
"#,
};

pub const RULE: Rule = Rule {
    checks: &[&JSON_SYNTAX_ERROR],
    run,
};

fn run(ctx: &Context<'_>, out: &mut Sink) {
    for error in &ctx.json.syntax_errors {
        out.report(&JSON_SYNTAX_ERROR, error.span, error.message.clone());
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::spans_of;
    use crate::policy_type::PolicyType::Identity;

    #[test]
    fn reports_trailing_comma_and_comment() {
        let text = "{\"Version\": \"2012-10-17\", // x\n \"Statement\": [],}";
        assert_eq!(spans_of(text, Identity, "JSON_SYNTAX_ERROR"), ["// x", ","]);
    }

    #[test]
    fn valid_json_passes() {
        let text = r#"{"Version": "2012-10-17", "Statement": []}"#;
        assert!(spans_of(text, Identity, "JSON_SYNTAX_ERROR").is_empty());
    }
}
