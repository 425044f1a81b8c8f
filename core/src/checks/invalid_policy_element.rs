use super::common::{is_settled, suggest};
use super::{Check, Context, Rule, Sink};
use crate::finding::{Fix, Severity};
use crate::json::{Member, Object};
use crate::model::{POLICY_ELEMENTS, STATEMENT_ELEMENTS, unknown_members};

pub const INVALID_POLICY_ELEMENT: Check = Check {
    code: "INVALID_POLICY_ELEMENT",
    severity: Severity::Error,
    summary: "An element name is not a policy or statement element",
    doc: r#"## What it does
Reports a key at the top level of the policy other than `Version`, `Id` and `Statement`, and a
key in a statement other than `Sid`, `Effect`, `Principal`, `NotPrincipal`, `Action`,
`NotAction`, `Resource`, `NotResource` and `Condition`. Element names are case-sensitive.

When the name is a case slip (`action`), a plural (`Resources`) or a small typo (`Efect`) of a
valid element, the finding offers to rename it. An element at the wrong level (`Effect` at the
top, `Version` in a statement) is reported with a hint to move it.

## Why is this bad
IAM rejects the policy. Tools that ignore unknown keys are worse: a misspelled `Condition` or
`NotResource` silently disappears, and the statement grants more than intended.

## Example
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resources": "arn:aws:s3:::example-bucket/*"}
```

## Use instead
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}
```
"#,
};

pub const RULE: Rule = Rule {
    checks: &[&INVALID_POLICY_ELEMENT],
    run,
};

#[derive(Clone, Copy)]
enum Level {
    Policy,
    Statement,
}

impl Level {
    fn allowed(self) -> &'static [&'static str] {
        match self {
            Level::Policy => POLICY_ELEMENTS,
            Level::Statement => STATEMENT_ELEMENTS,
        }
    }

    fn other(self) -> &'static [&'static str] {
        match self {
            Level::Policy => STATEMENT_ELEMENTS,
            Level::Statement => POLICY_ELEMENTS,
        }
    }

    fn container(self) -> &'static str {
        match self {
            Level::Policy => "the policy",
            Level::Statement => "this statement",
        }
    }
}

fn run(ctx: &Context<'_>, out: &mut Sink) {
    if let Some(object) = ctx.policy.object {
        check_object(object, Level::Policy, out);
    }
    for statement in &ctx.policy.statements {
        check_object(statement.object, Level::Statement, out);
    }
}

fn check_object(object: &Object, level: Level, out: &mut Sink) {
    for member in unknown_members(object, level.allowed()).filter(|m| is_settled(m)) {
        report(object, member, level, out);
    }
}

fn report(object: &Object, member: &Member, level: Level, out: &mut Sink) {
    let key = &member.key;
    let name = key.value.as_str();
    if level.other().contains(&name) {
        let message = match level {
            Level::Policy => format!(
                "\"{name}\" belongs inside a statement, not at the top level of the policy; move it into a statement"
            ),
            Level::Statement => {
                format!("\"{name}\" belongs at the top level of the policy, not in a statement; move it there")
            }
        };
        out.report(&INVALID_POLICY_ELEMENT, key.span, message);
        return;
    }
    match suggest(name, level.allowed()) {
        Some(meant) if object.get(meant).is_some() => {
            out.report(
                &INVALID_POLICY_ELEMENT,
                key.span,
                format!(
                    "unknown element \"{name}\" (did you mean \"{meant}\"?); {} already has \"{meant}\": merge the \
                     values into it and remove this one",
                    level.container()
                ),
            );
        }
        Some(meant) => {
            let why = if meant.eq_ignore_ascii_case(name) {
                " (element names are case-sensitive)"
            } else {
                ""
            };
            out.report(
                &INVALID_POLICY_ELEMENT,
                key.span,
                format!("unknown element \"{name}\"{why}; did you mean \"{meant}\"? Rename it"),
            )
            .fixes
            .push(Fix::replace(
                format!("Rename to \"{meant}\""),
                key.span,
                format!("\"{meant}\""),
            ));
        }
        None => {
            out.report(
                &INVALID_POLICY_ELEMENT,
                key.span,
                format!(
                    "unknown element \"{name}\"; {} may only contain {}: remove or rename it",
                    match level {
                        Level::Policy => "a policy",
                        Level::Statement => "a statement",
                    },
                    level.allowed().join(", ")
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::fix_support::apply_fix;
    use crate::checks::test_support::{findings_of, spans_of};
    use crate::policy_type::PolicyType::Identity;

    #[test]
    fn case_slip_is_reported_with_rename_fix() {
        let text =
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "action": "s3:*", "Resource": "*"}]}"#;
        assert_eq!(spans_of(text, Identity, "INVALID_POLICY_ELEMENT"), ["\"action\""]);
        assert_eq!(
            apply_fix(text, Identity, "INVALID_POLICY_ELEMENT").as_deref(),
            Some(r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}"#)
        );
    }

    #[test]
    fn plural_and_typo_are_suggested() {
        let text = r#"{"Statement": [{"Efect": "Allow", "Action": "s3:*", "Resources": "*"}]}"#;
        let found = findings_of(text, Identity, "INVALID_POLICY_ELEMENT");
        let spans: Vec<_> = found.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(spans, ["\"Efect\"", "\"Resources\""]);
        assert!(found.iter().any(|(m, _)| m.contains("did you mean \"Resource\"")));
    }

    #[test]
    fn policy_level_and_wrong_level() {
        let text = r#"{"Version": "2012-10-17", "Statements": [], "Effect": "Allow", "Statement": [{"Version": "x", "Foo": 1}]}"#;
        let found = findings_of(text, Identity, "INVALID_POLICY_ELEMENT");
        let spans: Vec<_> = found.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(spans, ["\"Statements\"", "\"Effect\"", "\"Version\"", "\"Foo\""]);
        assert!(found.iter().any(|(m, _)| m.contains("already has \"Statement\"")));
        assert!(found.iter().any(|(m, _)| m.contains("belongs inside a statement")));
        assert!(found.iter().any(|(m, _)| m.contains("belongs at the top level")));
        assert!(found.iter().any(|(m, _)| m.contains("remove or rename it")));
    }

    #[test]
    fn valid_elements_and_half_typed_keys_pass() {
        let text = r#"{"Version": "2012-10-17", "Id": "x", "Statement": [{"Sid": "A", "Effect": "Allow", "Principal": "*", "NotPrincipal": "*", "Action": "s3:*", "NotAction": "s3:*", "Resource": "*", "NotResource": "*", "Condition": {}}]}"#;
        assert!(spans_of(text, Identity, "INVALID_POLICY_ELEMENT").is_empty());
        let typing = r#"{"Statement": [{"Effect": "Allow", "Acti"#;
        assert!(spans_of(typing, Identity, "INVALID_POLICY_ELEMENT").is_empty());
        let no_value = r#"{"Statement": [{"Effect": "Allow", "Acti"}]}"#;
        assert!(spans_of(no_value, Identity, "INVALID_POLICY_ELEMENT").is_empty());
    }

    #[test]
    fn principal_map_keys_are_not_elements() {
        let text =
            r#"{"Statement": [{"Effect": "Allow", "Principal": {"Aws": "*"}, "Action": "s3:*", "Resource": "*"}]}"#;
        assert!(spans_of(text, Identity, "INVALID_POLICY_ELEMENT").is_empty());
    }
}
