use super::common::removal_span;
use super::{Check, Context, Rule, Sink};
use crate::finding::{Fix, Severity, Tag};
use crate::json::{Member, Node, Value};

pub const EMPTY_ARRAY_ACTION: Check = Check {
    code: "EMPTY_ARRAY_ACTION",
    severity: Severity::Suggestion,
    summary: "Action or NotAction is an empty array",
    doc: r#"## What it does
Reports `"Action": []` and `"NotAction": []`.

## Why is this bad
With an empty `Action` the statement applies to no action and does nothing; an empty `NotAction`
excludes nothing, so it applies to every action, which is rarely what was meant.

## Example
```json
{"Effect": "Allow", "Action": [], "Resource": "*"}
```

## Use instead
```json
{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}
```
"#,
};

pub const EMPTY_ARRAY_RESOURCE: Check = Check {
    code: "EMPTY_ARRAY_RESOURCE",
    severity: Severity::Suggestion,
    summary: "Resource or NotResource is an empty array",
    doc: r#"## What it does
Reports `"Resource": []` and `"NotResource": []`.

## Why is this bad
With an empty `Resource` the statement applies to no resource and does nothing; an empty
`NotResource` excludes nothing, so it applies to every resource.

## Example
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resource": []}
```

## Use instead
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::example-bucket/*"]}
```
"#,
};

pub const EMPTY_ARRAY_PRINCIPAL: Check = Check {
    code: "EMPTY_ARRAY_PRINCIPAL",
    severity: Severity::Suggestion,
    summary: "A principal type lists no principals",
    doc: r#"<!-- policy-type: resource -->
## What it does
Reports a principal type with an empty array, such as `"Principal": {"AWS": []}`.

## Why is this bad
The entry names no principal; the statement applies to fewer principals than it appears to.

## Example
```json
{"Effect": "Allow", "Principal": {"AWS": []}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:root"]}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}
```
"#,
};

pub const EMPTY_OBJECT_PRINCIPAL: Check = Check {
    code: "EMPTY_OBJECT_PRINCIPAL",
    severity: Severity::Suggestion,
    summary: "Principal or NotPrincipal is an empty object",
    doc: r#"<!-- policy-type: resource -->
## What it does
Reports `"Principal": {}` and `"NotPrincipal": {}`.

## Why is this bad
An empty `Principal` names nobody, so the statement applies to no one; an empty `NotPrincipal`
excludes nobody.

## Example
```json
{"Effect": "Allow", "Principal": {}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}
```
"#,
};

pub const EMPTY_ARRAY_CONDITION: Check = Check {
    code: "EMPTY_ARRAY_CONDITION",
    severity: Severity::Suggestion,
    summary: "A condition key has an empty array of values",
    doc: r#"## What it does
Reports a condition key whose value is an empty array, under an operator without a
`ForAllValues:` or `ForAnyValue:` qualifier or an `IfExists` suffix (those have their own codes).

## Why is this bad
No request value can equal a member of an empty list: the condition never matches and the
statement has no effect.

## Example
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
 "Condition": {"StringEquals": {"aws:PrincipalTag/team": []}}}
```

## Use instead
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
 "Condition": {"StringEquals": {"aws:PrincipalTag/team": ["blue"]}}}
```
"#,
};

pub const EMPTY_ARRAY_CONDITION_FORALLVALUES: Check = Check {
    code: "EMPTY_ARRAY_CONDITION_FORALLVALUES",
    severity: Severity::Suggestion,
    summary: "A ForAllValues condition key has an empty array of values",
    doc: r#"## What it does
Reports a condition key with an empty array of values under a `ForAllValues:` operator.

## Why is this bad
`ForAllValues` requires every request value to be in the list. With an empty list it matches
only requests in which the key is missing or has no values, which is better said with the
`Null` operator.

## Example
```json
{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
 "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": []}}}
```

## Use instead
```json
{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
 "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "cost-center"]}}}
```
"#,
};

pub const EMPTY_ARRAY_CONDITION_FORANYVALUE: Check = Check {
    code: "EMPTY_ARRAY_CONDITION_FORANYVALUE",
    severity: Severity::Suggestion,
    summary: "A ForAnyValue condition key has an empty array of values",
    doc: r#"## What it does
Reports a condition key with an empty array of values under a `ForAnyValue:` operator.

## Why is this bad
`ForAnyValue` requires at least one request value to be in the list; with an empty list it never
matches and the statement has no effect.

## Example
```json
{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
 "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": []}}}
```

## Use instead
```json
{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
 "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}}}
```
"#,
};

pub const EMPTY_ARRAY_CONDITION_IFEXISTS: Check = Check {
    code: "EMPTY_ARRAY_CONDITION_IFEXISTS",
    severity: Severity::Suggestion,
    summary: "An IfExists condition key has an empty array of values",
    doc: r#"## What it does
Reports a condition key with an empty array of values under an operator ending in `IfExists`.

## Why is this bad
With no values the operator can never match a key that is present, so the condition matches only
when the key is missing: a roundabout `Null` check, and probably not what was meant.

## Example
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
 "Condition": {"StringEqualsIfExists": {"aws:PrincipalTag/team": []}}}
```

## Use instead
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
 "Condition": {"StringEqualsIfExists": {"aws:PrincipalTag/team": ["blue"]}}}
```
"#,
};

pub const EMPTY_OBJECT_CONDITION: Check = Check {
    code: "EMPTY_OBJECT_CONDITION",
    severity: Severity::Suggestion,
    summary: "Condition, or an operator in it, is an empty object",
    doc: r#"## What it does
Reports `"Condition": {}` and an operator with no condition keys (`"StringEquals": {}`), with a
fix that removes the empty element.

## Why is this bad
An empty condition has no effect: the statement applies unconditionally, which a reader may not
expect from a statement that seems to have a condition.

## Example
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {}}
```

## Use instead
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
```
"#,
};

pub const RULE: Rule = Rule {
    checks: &[
        &EMPTY_ARRAY_ACTION,
        &EMPTY_ARRAY_RESOURCE,
        &EMPTY_ARRAY_PRINCIPAL,
        &EMPTY_OBJECT_PRINCIPAL,
        &EMPTY_ARRAY_CONDITION,
        &EMPTY_ARRAY_CONDITION_FORALLVALUES,
        &EMPTY_ARRAY_CONDITION_FORANYVALUE,
        &EMPTY_ARRAY_CONDITION_IFEXISTS,
        &EMPTY_OBJECT_CONDITION,
    ],
    run,
};

/// A closed `[]`; an array still being typed is not empty yet.
fn is_empty_array(node: &Node) -> bool {
    matches!(&node.value, Value::Array(a) if a.closed && a.items.is_empty())
}

/// A closed `{}`.
fn is_empty_object(node: &Node) -> bool {
    matches!(&node.value, Value::Object(o) if o.closed && o.members.is_empty())
}

fn run(ctx: &Context<'_>, out: &mut Sink) {
    for statement in &ctx.policy.statements {
        for member in &statement.object.members {
            let Some(value) = &member.value else { continue };
            let name = member.key.value.as_str();
            match name {
                "Action" | "Resource" if is_empty_array(value) => {
                    let (check, what) = if name == "Action" {
                        (&EMPTY_ARRAY_ACTION, "action")
                    } else {
                        (&EMPTY_ARRAY_RESOURCE, "resource")
                    };
                    out.report(
                        check,
                        value.span,
                        format!(
                            "\"{name}\" is an empty array, so the statement applies to no {what} and has no effect; \
                             list the {what}s or remove the statement"
                        ),
                    );
                }
                "NotAction" | "NotResource" if is_empty_array(value) => {
                    let (check, what, plain) = if name == "NotAction" {
                        (&EMPTY_ARRAY_ACTION, "action", "Action")
                    } else {
                        (&EMPTY_ARRAY_RESOURCE, "resource", "Resource")
                    };
                    out.report(
                        check,
                        value.span,
                        format!(
                            "\"{name}\" is an empty array, which excludes nothing, so the statement applies to every \
                             {what}; list the {what}s to exclude, or write \"{plain}\": \"*\" if every {what} is meant"
                        ),
                    );
                }
                "Principal" | "NotPrincipal" => check_principal(name, value, out),
                "Condition" => check_condition(ctx, member, value, out),
                _ => {}
            }
        }
    }
}

fn check_principal(name: &str, value: &Node, out: &mut Sink) {
    if is_empty_object(value) {
        let effect = if name == "Principal" {
            "names nobody, so the statement applies to no one"
        } else {
            "excludes nobody"
        };
        out.report(
            &EMPTY_OBJECT_PRINCIPAL,
            value.span,
            format!(
                "\"{name}\" is an empty object and {effect}; add principals such as \
                 {{\"AWS\": \"arn:aws:iam::111122223333:root\"}}"
            ),
        );
        return;
    }
    let Some(map) = value.value.as_object() else {
        return;
    };
    for entry in &map.members {
        if let Some(v) = entry.value.as_ref().filter(|v| is_empty_array(v)) {
            out.report(
                &EMPTY_ARRAY_PRINCIPAL,
                v.span,
                format!(
                    "principal \"{}\" is an empty array and names no principal; list the principals or remove the \
                     entry",
                    entry.key.value
                ),
            );
        }
    }
}

fn check_condition(ctx: &Context<'_>, member: &Member, value: &Node, out: &mut Sink) {
    if is_empty_object(value) {
        report_empty_object(
            ctx,
            member,
            value,
            "\"Condition\" is an empty object and has no effect; add conditions or remove it".into(),
            out,
        );
        return;
    }
    let Some(operators) = value.value.as_object() else {
        return;
    };
    for operator in &operators.members {
        let Some(block) = &operator.value else { continue };
        let op = operator.key.value.as_str();
        if is_empty_object(block) {
            report_empty_object(
                ctx,
                operator,
                block,
                format!("the \"{op}\" operator has no condition keys and no effect; add a condition key or remove it"),
                out,
            );
            continue;
        }
        let Some(keys) = block.value.as_object() else {
            continue;
        };
        let lower = op.to_ascii_lowercase();
        for key in &keys.members {
            let Some(values) = key.value.as_ref().filter(|v| is_empty_array(v)) else {
                continue;
            };
            let k = &key.key.value;
            let (check, message) = if lower.starts_with("forallvalues:") {
                (
                    &EMPTY_ARRAY_CONDITION_FORALLVALUES,
                    format!(
                        "\"{k}\" has no values: with ForAllValues it matches only requests without \"{k}\"; list the \
                         allowed values, or use {{\"Null\": {{\"{k}\": \"true\"}}}} if that is what you mean"
                    ),
                )
            } else if lower.starts_with("foranyvalue:") {
                (
                    &EMPTY_ARRAY_CONDITION_FORANYVALUE,
                    format!(
                        "\"{k}\" has no values: with ForAnyValue the condition never matches and the statement has \
                         no effect; list the values"
                    ),
                )
            } else if lower.ends_with("ifexists") {
                (
                    &EMPTY_ARRAY_CONDITION_IFEXISTS,
                    format!(
                        "\"{k}\" has no values: \"{op}\" then matches only requests without \"{k}\"; list the \
                         values, or use {{\"Null\": {{\"{k}\": \"true\"}}}} if that is what you mean"
                    ),
                )
            } else {
                (
                    &EMPTY_ARRAY_CONDITION,
                    format!(
                        "\"{k}\" has no values, so the condition never matches and the statement has no effect; \
                         list the values"
                    ),
                )
            };
            out.report(check, values.span, message);
        }
    }
}

fn report_empty_object(ctx: &Context<'_>, member: &Member, value: &Node, message: String, out: &mut Sink) {
    let finding = out.report(&EMPTY_OBJECT_CONDITION, value.span, message);
    finding.tags.push(Tag::Unnecessary);
    finding.fixes.push(Fix::replace(
        format!("Remove the empty \"{}\"", member.key.value),
        removal_span(ctx.text, member),
        "",
    ));
}

#[cfg(test)]
mod tests {
    use crate::checks::fix_support::apply_fix;
    use crate::checks::test_support::spans_of;
    use crate::policy_type::PolicyType::{Identity, Resource};

    fn statement(body: &str) -> String {
        format!(r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", {body}}}]}}"#)
    }

    #[test]
    fn empty_actions_and_resources() {
        let text = statement(r#""Action": [], "Resource": []"#);
        assert_eq!(spans_of(&text, Identity, "EMPTY_ARRAY_ACTION"), ["[]"]);
        assert_eq!(spans_of(&text, Identity, "EMPTY_ARRAY_RESOURCE"), ["[]"]);
        let text = statement(r#""NotAction": [ ], "NotResource": []"#);
        assert_eq!(spans_of(&text, Identity, "EMPTY_ARRAY_ACTION"), ["[ ]"]);
        assert_eq!(spans_of(&text, Identity, "EMPTY_ARRAY_RESOURCE"), ["[]"]);
        let text = statement(r#""Action": ["s3:*"], "Resource": "*""#);
        assert!(spans_of(&text, Identity, "EMPTY_ARRAY_ACTION").is_empty());
        assert!(spans_of(&text, Identity, "EMPTY_ARRAY_RESOURCE").is_empty());
    }

    #[test]
    fn array_being_typed_is_not_empty() {
        let text = r#"{"Statement": [{"Effect": "Allow", "Action": ["#;
        assert!(spans_of(text, Identity, "EMPTY_ARRAY_ACTION").is_empty());
    }

    #[test]
    fn empty_principals() {
        let text = statement(r#""Principal": {"AWS": [], "Service": "s3.amazonaws.com"}, "Action": "s3:*""#);
        assert_eq!(spans_of(&text, Resource, "EMPTY_ARRAY_PRINCIPAL"), ["[]"]);
        let text = statement(r#""NotPrincipal": {}, "Action": "s3:*""#);
        assert_eq!(spans_of(&text, Resource, "EMPTY_OBJECT_PRINCIPAL"), ["{}"]);
        let text = statement(r#""Principal": {"AWS": ["x"]}, "Action": "s3:*""#);
        assert!(spans_of(&text, Resource, "EMPTY_ARRAY_PRINCIPAL").is_empty());
        assert!(spans_of(&text, Resource, "EMPTY_OBJECT_PRINCIPAL").is_empty());
    }

    #[test]
    fn empty_condition_values_by_operator() {
        let text = statement(
            r#""Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {"a:b": []}, "ForAllValues:StringLike": {"a:c": []}, "forAnyValue:StringLike": {"a:d": []}, "ArnLikeIfExists": {"a:e": []}, "ForAllValues:StringEqualsIfExists": {"a:f": ["x"]}}"#,
        );
        assert_eq!(spans_of(&text, Identity, "EMPTY_ARRAY_CONDITION"), ["[]"]);
        assert_eq!(spans_of(&text, Identity, "EMPTY_ARRAY_CONDITION_FORALLVALUES"), ["[]"]);
        assert_eq!(spans_of(&text, Identity, "EMPTY_ARRAY_CONDITION_FORANYVALUE"), ["[]"]);
        assert_eq!(spans_of(&text, Identity, "EMPTY_ARRAY_CONDITION_IFEXISTS"), ["[]"]);
    }

    #[test]
    fn empty_condition_objects_with_removal_fix() {
        let text = statement(r#""Action": "s3:*", "Resource": "*", "Condition": {}"#);
        assert_eq!(spans_of(&text, Identity, "EMPTY_OBJECT_CONDITION"), ["{}"]);
        assert_eq!(
            apply_fix(&text, Identity, "EMPTY_OBJECT_CONDITION"),
            Some(statement(r#""Action": "s3:*", "Resource": "*""#))
        );
        let text = statement(
            r#""Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {}, "Bool": {"aws:SecureTransport": "true"}}"#,
        );
        assert_eq!(spans_of(&text, Identity, "EMPTY_OBJECT_CONDITION"), ["{}"]);
        assert_eq!(
            apply_fix(&text, Identity, "EMPTY_OBJECT_CONDITION"),
            Some(statement(
                r#""Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}"#
            ))
        );
        let text =
            statement(r#""Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}"#);
        assert!(spans_of(&text, Identity, "EMPTY_OBJECT_CONDITION").is_empty());
    }
}
