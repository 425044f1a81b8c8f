use super::{Check, Context, Rule, Sink};
use crate::finding::{Fix, Severity};
use crate::json::{Member, Node, Value};

pub const DATA_TYPE_MISMATCH: Check = Check {
    code: "DATA_TYPE_MISMATCH",
    severity: Severity::Error,
    summary: "An element's value has the wrong JSON type",
    doc: r#"## What it does
Reports a value whose JSON type the element does not accept:

- `Version`, `Id`, `Sid` and `Effect` are strings;
- `Statement` is an object or an array of objects;
- `Action`, `NotAction`, `Resource` and `NotResource` are a string or an array of strings;
- `Principal` and `NotPrincipal` are `"*"` or an object whose values are a string or an array
  of strings;
- `Condition` is an object of operators, each an object of condition keys, each a string,
  number or boolean or an array of them.

A number or boolean where a string is expected comes with a fix that quotes it.

## Why is this bad
IAM rejects the policy. Tools that read policies leniently skip the value, so what you see is not
what is enforced.

## Example
```json
{"Effect": "Allow", "Action": ["s3:GetObject", 42], "Resource": "*"}
```

## Use instead
```json
{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "*"}
```
"#,
};

pub const RULE: Rule = Rule {
    checks: &[&DATA_TYPE_MISMATCH],
    run,
};

fn run(ctx: &Context<'_>, out: &mut Sink) {
    let Some(root) = ctx.policy.object else {
        return;
    };
    for member in &root.members {
        let Some(value) = &member.value else { continue };
        match member.key.value.as_str() {
            "Version" | "Id" => expect_string(ctx, member, value, out),
            "Statement" => match &value.value {
                Value::Object(_) => {}
                Value::Array(array) => {
                    for item in array.items.iter().filter(|i| i.value.as_object().is_none()) {
                        report(
                            item,
                            format!(
                                "each \"Statement\" entry must be an object, not {}; write the statement as \
                                 {{\"Effect\": ..., \"Action\": ..., \"Resource\": ...}}",
                                item.value.type_name()
                            ),
                            out,
                        );
                    }
                }
                other => report(
                    value,
                    format!(
                        "\"Statement\" must be an object or an array of objects, not {}; write \
                         \"Statement\": [{{...}}]",
                        other.type_name()
                    ),
                    out,
                ),
            },
            _ => {}
        }
    }
    for statement in &ctx.policy.statements {
        for member in &statement.object.members {
            let Some(value) = &member.value else { continue };
            match member.key.value.as_str() {
                "Sid" | "Effect" => expect_string(ctx, member, value, out),
                "Action" | "NotAction" | "Resource" | "NotResource" => {
                    expect_string_list(ctx, &format!("\"{}\"", member.key.value), value, out);
                }
                "Principal" | "NotPrincipal" => check_principal(ctx, member, value, out),
                "Condition" => check_condition(value, out),
                _ => {}
            }
        }
    }
}

fn expect_string(ctx: &Context<'_>, member: &Member, value: &Node, out: &mut Sink) {
    if value.value.as_str().is_none() {
        report_not_string(
            ctx,
            value,
            format!(
                "\"{}\" must be a string, not {}{}",
                member.key.value,
                value.value.type_name(),
                how_to_make_string(value)
            ),
            out,
        );
    }
}

/// A string or an array of strings; `what` names the element in messages.
fn expect_string_list(ctx: &Context<'_>, what: &str, value: &Node, out: &mut Sink) {
    match &value.value {
        Value::String(_) => {}
        Value::Array(array) => {
            for item in array.items.iter().filter(|i| i.value.as_str().is_none()) {
                report_not_string(
                    ctx,
                    item,
                    format!(
                        "each {what} entry must be a string, not {}{}",
                        item.value.type_name(),
                        how_to_make_string(item)
                    ),
                    out,
                );
            }
        }
        other => report_not_string(
            ctx,
            value,
            format!(
                "{what} must be a string or an array of strings, not {}{}",
                other.type_name(),
                how_to_make_string(value)
            ),
            out,
        ),
    }
}

fn check_principal(ctx: &Context<'_>, member: &Member, value: &Node, out: &mut Sink) {
    match &value.value {
        Value::String(_) => {}
        Value::Object(object) => {
            for entry in &object.members {
                if let Some(v) = &entry.value {
                    expect_string_list(ctx, &format!("principal \"{}\"", entry.key.value), v, out);
                }
            }
        }
        other => report(
            value,
            format!(
                "\"{}\" must be \"*\" or an object such as {{\"AWS\": \"arn:aws:iam::111122223333:root\"}}, not {}",
                member.key.value,
                other.type_name()
            ),
            out,
        ),
    }
}

fn check_condition(value: &Node, out: &mut Sink) {
    let Some(operators) = value.value.as_object() else {
        report(
            value,
            format!(
                "\"Condition\" must be an object such as {{\"StringEquals\": {{\"aws:PrincipalTag/team\": \"blue\"}}}}, \
                 not {}",
                value.value.type_name()
            ),
            out,
        );
        return;
    };
    for operator in &operators.members {
        let Some(block) = &operator.value else { continue };
        let Some(keys) = block.value.as_object() else {
            report(
                block,
                format!(
                    "the \"{}\" operator must map condition keys to values, such as {{\"aws:RequestedRegion\": \
                     \"eu-west-1\"}}, not {}",
                    operator.key.value,
                    block.value.type_name()
                ),
                out,
            );
            continue;
        };
        for key in &keys.members {
            let Some(values) = &key.value else { continue };
            let scalar = |v: &Value| matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_));
            let expected = "a string, number or boolean, or an array of them";
            match &values.value {
                Value::Array(array) => {
                    for item in array.items.iter().filter(|i| !scalar(&i.value)) {
                        report(
                            item,
                            format!(
                                "each value of condition key \"{}\" must be a string, number or boolean, not {}; \
                                 list the values directly",
                                key.key.value,
                                item.value.type_name()
                            ),
                            out,
                        );
                    }
                }
                v if scalar(v) => {}
                other => report(
                    values,
                    format!(
                        "the value of condition key \"{}\" must be {expected}, not {}",
                        key.key.value,
                        other.type_name()
                    ),
                    out,
                ),
            }
        }
    }
}

/// The end of a message saying how to turn `node` into a string.
fn how_to_make_string(node: &Node) -> &'static str {
    match node.value {
        Value::Number(_) | Value::Bool(_) => "; put it in quotes",
        Value::Null => "; give it a value or remove the element",
        _ => "; write the value as a string",
    }
}

fn report(node: &Node, message: String, out: &mut Sink) {
    out.report(&DATA_TYPE_MISMATCH, node.span, message);
}

/// Reports `node` where a string is expected; a number or boolean gets a fix that quotes it.
fn report_not_string(ctx: &Context<'_>, node: &Node, message: String, out: &mut Sink) {
    let finding = out.report(&DATA_TYPE_MISMATCH, node.span, message);
    if matches!(node.value, Value::Number(_) | Value::Bool(_))
        && let Some(raw) = ctx.text.get(node.span.range())
    {
        finding
            .fixes
            .push(Fix::replace("Put the value in quotes", node.span, format!("\"{raw}\"")));
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::{findings_of, spans_of};
    use crate::policy_type::PolicyType::{Identity, Resource};

    #[test]
    fn scalars_must_be_strings() {
        let text = r#"{"Version": 2012, "Id": null, "Statement": [{"Sid": 1, "Effect": true, "Action": "s3:*", "Resource": "*"}]}"#;
        assert_eq!(
            spans_of(text, Identity, "DATA_TYPE_MISMATCH"),
            ["2012", "null", "1", "true"]
        );
        let found = findings_of(text, Identity, "DATA_TYPE_MISMATCH");
        assert!(
            found
                .iter()
                .any(|(m, _)| m == "\"Sid\" must be a string, not a number; put it in quotes")
        );
    }

    #[test]
    fn statement_shapes() {
        assert_eq!(
            spans_of(r#"{"Statement": "Allow all"}"#, Identity, "DATA_TYPE_MISMATCH"),
            ["\"Allow all\""]
        );
        assert_eq!(
            spans_of(
                r#"{"Statement": [{"Effect": "Allow"}, [], 3]}"#,
                Identity,
                "DATA_TYPE_MISMATCH"
            ),
            ["[]", "3"]
        );
    }

    #[test]
    fn string_lists() {
        let text = r#"{"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", 42, {"a": 1}], "NotResource": {"x": "y"}}]}"#;
        assert_eq!(
            spans_of(text, Identity, "DATA_TYPE_MISMATCH"),
            ["42", r#"{"a": 1}"#, r#"{"x": "y"}"#]
        );
    }

    #[test]
    fn principals() {
        let text = r#"{"Statement": [{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:root", 7], "Service": {"x": 1}}, "Action": "s3:*", "Resource": "*"}, {"Effect": "Deny", "NotPrincipal": ["*"], "Action": "s3:*", "Resource": "*"}]}"#;
        assert_eq!(
            spans_of(text, Resource, "DATA_TYPE_MISMATCH"),
            ["7", r#"{"x": 1}"#, r#"["*"]"#]
        );
    }

    #[test]
    fn conditions() {
        let text = r#"{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {"aws:a": ["x", 1, true, null], "aws:b": {"c": "d"}}, "Bool": "true"}}, {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": []}]}"#;
        assert_eq!(
            spans_of(text, Identity, "DATA_TYPE_MISMATCH"),
            ["null", r#"{"c": "d"}"#, r#""true""#, "[]"]
        );
    }

    #[test]
    fn well_typed_policy_passes() {
        let text = r#"{"Version": "2012-10-17", "Id": "x", "Statement": {"Sid": "A", "Effect": "Allow", "Principal": {"AWS": ["a", "b"], "Service": "s"}, "Action": ["s3:*"], "Resource": "*", "Condition": {"NumericLessThan": {"s3:max-keys": 10}, "Bool": {"aws:SecureTransport": [true]}}}}"#;
        assert!(spans_of(text, Resource, "DATA_TYPE_MISMATCH").is_empty());
        let text = r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}"#;
        assert!(spans_of(text, Resource, "DATA_TYPE_MISMATCH").is_empty());
    }
}
