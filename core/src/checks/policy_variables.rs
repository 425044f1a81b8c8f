use super::common::set_version_fix;
use super::{Check, Context, Rule, Sink};
use crate::finding::{Fix, Severity};
use crate::json::JsonString;
use crate::model::{CURRENT_VERSION, Effect, Principal, Statement};
use crate::span::Span;
use crate::variables::{self, Piece, Problem};

pub const VARIABLE_UNSUPPORTED_IN_VERSION: Check = Check {
    code: "VARIABLE_UNSUPPORTED_IN_VERSION",
    severity: Severity::Error,
    summary: "A policy variable is used without Version 2012-10-17",
    doc: r#"## What it does
Reports a policy variable such as `${aws:username}` in `Resource`, `NotResource` or a condition
value of a policy whose `Version` is missing or `2008-10-17`, with a fix that sets `Version` to
`2012-10-17`.

## Why is this bad
Only the 2012-10-17 policy language substitutes variables. Under 2008-10-17, the default when
`Version` is missing, `${aws:username}` is compared as the literal text `${aws:username}`: an
Allow never matches, and the result is a classic, hard to explain Access Denied (while a Deny
silently stops applying).

## Example
```json
{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:username}/*"}]}
```

## Use instead
```json
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:username}/*"}]}
```
"#,
};

pub const VARIABLE_UNSUPPORTED_IN_ELEMENT: Check = Check {
    code: "VARIABLE_UNSUPPORTED_IN_ELEMENT",
    severity: Severity::Error,
    summary: "A policy variable is used outside Resource and condition values",
    doc: r#"## What it does
Reports a policy variable (`${...}`) in an element where IAM does not substitute variables:
`Sid`, `Effect`, `Action`, `NotAction`, `Principal`, `NotPrincipal`, condition operators and
condition keys. Variables work only in `Resource`, `NotResource` and condition values.

## Why is this bad
The text is taken literally: an action or principal named `${aws:username}` matches nothing,
so the statement does not do what it says.

## Example
```json
{"Effect": "Allow", "Action": "s3:${aws:PrincipalTag/allowed-action}", "Resource": "*"}
```

## Use instead
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
 "Condition": {"StringEquals": {"aws:ResourceTag/owner": "${aws:username}"}}}
```
"#,
};

pub const MISSING_BRACE_IN_VARIABLE: Check = Check {
    code: "MISSING_BRACE_IN_VARIABLE",
    severity: Severity::Error,
    summary: "A policy variable has no closing brace",
    doc: r#"## What it does
Reports a `${` in `Resource`, `NotResource` or a condition value with no `}` after it.

## Why is this bad
Without the closing brace the text is not a variable and is matched literally, so the statement
never matches the requests it was written for.

## Example
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:username/*"}
```

## Use instead
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:username}/*"}
```
"#,
};

pub const EMPTY_VARIABLE: Check = Check {
    code: "EMPTY_VARIABLE",
    severity: Severity::Error,
    summary: "A policy variable names no key",
    doc: r#"## What it does
Reports `${}` or `${ }` in `Resource`, `NotResource` or a condition value.

## Why is this bad
An empty variable names no context key; it cannot be substituted and the policy is invalid.

## Example
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${}/*"}
```

## Use instead
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:username}/*"}
```
"#,
};

pub const UNSUPPORTED_SPACE_IN_VARIABLE: Check = Check {
    code: "UNSUPPORTED_SPACE_IN_VARIABLE",
    severity: Severity::Error,
    summary: "A policy variable has a space in its name",
    doc: r#"## What it does
Reports a policy variable whose key name contains a space (`${aws: username}`), with a fix that
removes it. Spaces around the default value (`${aws:username, 'guest'}`) are fine.

## Why is this bad
No context key has a space in its name; the variable cannot be substituted.

## Example
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws: username}/*"}
```

## Use instead
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:username}/*"}
```
"#,
};

pub const MISSING_QUOTE_IN_VARIABLE: Check = Check {
    code: "MISSING_QUOTE_IN_VARIABLE",
    severity: Severity::Error,
    summary: "A policy variable's default value is not single-quoted",
    doc: r#"## What it does
Reports a policy variable whose default value is not in single quotes
(`${aws:PrincipalTag/team, none}`), with a fix that adds them.

## Why is this bad
IAM recognises a default value only in single quotes; the policy is invalid.

## Example
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::${aws:PrincipalTag/team, shared}/*"}
```

## Use instead
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::${aws:PrincipalTag/team, 'shared'}/*"}
```
"#,
};

pub const RULE: Rule = Rule {
    checks: &[
        &VARIABLE_UNSUPPORTED_IN_VERSION,
        &VARIABLE_UNSUPPORTED_IN_ELEMENT,
        &MISSING_BRACE_IN_VARIABLE,
        &EMPTY_VARIABLE,
        &UNSUPPORTED_SPACE_IN_VARIABLE,
        &MISSING_QUOTE_IN_VARIABLE,
    ],
    run,
};

fn run(ctx: &Context<'_>, out: &mut Sink) {
    let unsupported_version = unsupported_version(ctx);
    if let Some(id) = ctx
        .policy
        .id
        .and_then(|m| m.value.as_ref())
        .and_then(|v| v.value.as_str())
    {
        report_in_element(ctx, id, "\"Id\"", out);
    }
    for statement in &ctx.policy.statements {
        let consequence = match statement.effect() {
            Some(Effect::Deny) => "so this Deny does not apply to the requests it was written for",
            _ => "a classic cause of Access Denied",
        };
        for s in substituted_strings(statement) {
            check_substituted(
                ctx,
                s,
                unsupported_version.as_deref().map(|why| (why, consequence)),
                out,
            );
        }
        for (s, element) in literal_strings(statement) {
            report_in_element(ctx, s, &element, out);
        }
    }
}

/// Why variables are not substituted in this policy ("has no \"Version\"", ...), or `None` when
/// they are or when another check already reports the Version (invalid, wrong type, misspelled).
fn unsupported_version(ctx: &Context<'_>) -> Option<String> {
    match ctx.policy.version {
        None => {
            let misspelled = ctx
                .policy
                .object
                .is_some_and(|o| o.members.iter().any(|m| m.key.value.eq_ignore_ascii_case("version")));
            (!misspelled).then(|| "the policy has no \"Version\" (so IAM uses 2008-10-17)".to_owned())
        }
        Some(_) => match ctx.policy.version_str() {
            Some("2008-10-17") => Some("\"Version\" is \"2008-10-17\"".to_owned()),
            _ => None,
        },
    }
}

/// The strings in which IAM substitutes variables: Resource, NotResource and condition values.
fn substituted_strings<'a>(statement: &Statement<'a>) -> Vec<&'a JsonString> {
    let mut strings: Vec<&JsonString> = Vec::new();
    for list in [&statement.resource, &statement.not_resource].into_iter().flatten() {
        strings.extend(list.items.iter().copied());
    }
    if let Some(condition) = &statement.condition {
        for block in &condition.operators {
            for entry in &block.entries {
                strings.extend(entry.values.iter().filter_map(|v| v.as_json_string()));
            }
        }
    }
    strings
}

/// The strings taken literally, with the element they belong to (for messages).
fn literal_strings<'a>(statement: &Statement<'a>) -> Vec<(&'a JsonString, String)> {
    let mut strings: Vec<(&JsonString, String)> = Vec::new();
    for (s, name) in [(statement.sid, "Sid"), (statement.effect, "Effect")] {
        if let Some(s) = s {
            strings.push((s, format!("\"{name}\"")));
        }
    }
    for (list, name) in [(&statement.action, "Action"), (&statement.not_action, "NotAction")] {
        for item in list.iter().flat_map(|l| l.items.iter()) {
            strings.push((item, format!("\"{name}\"")));
        }
    }
    for (principal, name) in [
        (&statement.principal, "Principal"),
        (&statement.not_principal, "NotPrincipal"),
    ] {
        match principal {
            Some(Principal::Bare { value, .. }) => strings.push((value, format!("\"{name}\""))),
            Some(Principal::Map { entries, .. }) => {
                for entry in entries {
                    strings.push((entry.kind, format!("\"{name}\"")));
                    for value in &entry.values {
                        strings.push((value, format!("\"{name}\"")));
                    }
                }
            }
            None => {}
        }
    }
    if let Some(condition) = &statement.condition {
        for block in &condition.operators {
            strings.push((block.operator, "a condition operator".to_owned()));
            for entry in &block.entries {
                strings.push((entry.key, "a condition key".to_owned()));
            }
        }
    }
    strings
}

/// `unsupported_version` is why variables are not substituted and what that does to this
/// statement, or `None` when they are.
fn check_substituted(ctx: &Context<'_>, s: &JsonString, unsupported_version: Option<(&str, &str)>, out: &mut Sink) {
    if !s.terminated || !variables::has_variables(&s.value) {
        return;
    }
    for piece in variables::scan(&s.value) {
        match piece {
            Piece::Variable { range, .. } => {
                let Some((why, consequence)) = unsupported_version else {
                    continue;
                };
                let span = s.source_span(ctx.text, range.clone());
                let variable = s.value.get(range).unwrap_or("${...}");
                let finding = out.report(
                    &VARIABLE_UNSUPPORTED_IN_VERSION,
                    span,
                    format!(
                        "policy variable {variable} is not substituted because {why}: it is matched literally, \
                         {consequence}; set \"Version\": \"{CURRENT_VERSION}\""
                    ),
                );
                finding.fixes.extend(set_version_fix(ctx));
            }
            Piece::Malformed { range, problem } => report_malformed(ctx, s, range, problem, out),
            Piece::Text(_) | Piece::Literal { .. } => {}
        }
    }
}

fn report_malformed(
    ctx: &Context<'_>,
    s: &JsonString,
    range: std::ops::Range<usize>,
    problem: Problem,
    out: &mut Sink,
) {
    let span = s.source_span(ctx.text, range.clone());
    let variable = s.value.get(range).unwrap_or("${");
    let body = variable
        .strip_prefix("${")
        .map(|b| b.strip_suffix('}').unwrap_or(b))
        .unwrap_or("");
    match problem {
        Problem::MissingBrace => {
            out.report(
                &MISSING_BRACE_IN_VARIABLE,
                span,
                format!("policy variable \"{variable}\" has no closing \"}}\"; add it after the key name"),
            );
        }
        Problem::Empty => {
            out.report(
                &EMPTY_VARIABLE,
                span,
                format!("\"{variable}\" names no context key; write one, such as ${{aws:username}}, or remove it"),
            );
        }
        Problem::SpaceInName => {
            let (name, default) = match body.split_once(',') {
                Some((name, default)) => (name, Some(default)),
                None => (body, None),
            };
            let name: String = name.chars().filter(|c| !c.is_whitespace()).collect();
            let fixed = match default {
                Some(default) => format!("${{{name},{default}}}"),
                None => format!("${{{name}}}"),
            };
            let finding = out.report(
                &UNSUPPORTED_SPACE_IN_VARIABLE,
                span,
                format!("policy variable \"{variable}\" has a space in its key name; remove it: {fixed}"),
            );
            push_fix(finding, s, span, fixed);
        }
        Problem::UnquotedDefault => {
            let (name, default) = body.split_once(',').unwrap_or((body, ""));
            let default = default.trim().trim_matches('\'');
            let fixed = format!("${{{name}, '{default}'}}");
            let finding = out.report(
                &MISSING_QUOTE_IN_VARIABLE,
                span,
                format!("the default value in policy variable \"{variable}\" must be in single quotes: {fixed}"),
            );
            push_fix(finding, s, span, fixed);
        }
    }
}

/// Adds a fix replacing `span` with `fixed`; only when the string has no escapes, so that the
/// decoded text can be written back as it is.
fn push_fix(finding: &mut crate::finding::Finding, s: &JsonString, span: Span, fixed: String) {
    if !s.has_escapes && !fixed.contains(['"', '\\']) {
        finding
            .fixes
            .push(Fix::replace(format!("Change to {fixed}"), span, fixed));
    }
}

fn report_in_element(ctx: &Context<'_>, s: &JsonString, element: &str, out: &mut Sink) {
    if !s.terminated || !variables::has_variables(&s.value) {
        return;
    }
    for piece in variables::scan(&s.value) {
        let range = match piece {
            Piece::Variable { range, .. } | Piece::Malformed { range, .. } => range,
            Piece::Text(_) | Piece::Literal { .. } => continue,
        };
        let span = s.source_span(ctx.text, range.clone());
        let variable = s.value.get(range).unwrap_or("${");
        out.report(
            &VARIABLE_UNSUPPORTED_IN_ELEMENT,
            span,
            format!(
                "policy variable {variable} is not substituted in {element} and is taken literally; variables work \
                 only in \"Resource\", \"NotResource\" and condition values: write the value out, or move the test \
                 into a condition"
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::fix_support::apply_fix;
    use crate::checks::test_support::{findings_of, spans_of};
    use crate::policy_type::PolicyType::{Identity, Resource};

    fn policy(version: &str, statement_body: &str) -> String {
        format!(r#"{{{version}"Statement": [{{"Effect": "Allow", {statement_body}}}]}}"#)
    }

    #[test]
    fn variables_need_version_2012() {
        let body = r#""Action": "s3:*", "Resource": "arn:aws:s3:::b/${aws:username}/*", "Condition": {"StringLike": {"s3:prefix": ["${aws:username}/*", "x"]}}"#;
        let text = policy("", body);
        assert_eq!(
            spans_of(&text, Identity, "VARIABLE_UNSUPPORTED_IN_VERSION"),
            ["${aws:username}", "${aws:username}"]
        );
        let found = findings_of(&text, Identity, "VARIABLE_UNSUPPORTED_IN_VERSION");
        assert!(
            found
                .iter()
                .all(|(m, _)| m.contains("matched literally") && m.contains("Access Denied"))
        );
        assert_eq!(
            apply_fix(&text, Identity, "VARIABLE_UNSUPPORTED_IN_VERSION"),
            Some(policy(r#""Version": "2012-10-17", "#, body))
        );
        let old = policy(r#""Version": "2008-10-17", "#, body);
        assert_eq!(spans_of(&old, Identity, "VARIABLE_UNSUPPORTED_IN_VERSION").len(), 2);
        assert_eq!(
            apply_fix(&old, Identity, "VARIABLE_UNSUPPORTED_IN_VERSION"),
            Some(policy(r#""Version": "2012-10-17", "#, body))
        );
        let deny = format!(r#"{{"Statement": [{{"Effect": "Deny", {body}}}]}}"#);
        let found = findings_of(&deny, Identity, "VARIABLE_UNSUPPORTED_IN_VERSION");
        assert!(
            found.iter().all(|(m, _)| m.contains("this Deny does not apply")),
            "{found:?}"
        );
        let current = policy(r#""Version": "2012-10-17", "#, body);
        assert!(spans_of(&current, Identity, "VARIABLE_UNSUPPORTED_IN_VERSION").is_empty());
        // An invalid Version is INVALID_VERSION's to report.
        let invalid = policy(r#""Version": "2020-01-01", "#, body);
        assert!(spans_of(&invalid, Identity, "VARIABLE_UNSUPPORTED_IN_VERSION").is_empty());
    }

    #[test]
    fn span_maps_through_escapes() {
        let text = policy(
            "",
            r#""Action": "s3:*", "Resource": "arn:aws:s3:::\u0062/${aws:userid}""#,
        );
        assert_eq!(
            spans_of(&text, Identity, "VARIABLE_UNSUPPORTED_IN_VERSION"),
            ["${aws:userid}"]
        );
    }

    #[test]
    fn variables_in_other_elements() {
        let text = policy(
            r#""Version": "2012-10-17", "#,
            r#""Sid": "${x}", "Principal": {"AWS": "arn:aws:iam::${aws:PrincipalAccount}:root"}, "Action": ["s3:${a}", "s3:GetObject"], "Resource": "arn:aws:s3:::${aws:username}", "Condition": {"StringEquals": {"aws:ResourceTag/${aws:username}": "${aws:username}"}}"#,
        );
        assert_eq!(
            spans_of(&text, Resource, "VARIABLE_UNSUPPORTED_IN_ELEMENT"),
            ["${x}", "${aws:PrincipalAccount}", "${a}", "${aws:username}"]
        );
        let text = policy(
            r#""Version": "2012-10-17", "#,
            r#""Action": "s3:GetObject", "Resource": "arn:aws:s3:::${aws:username}/${*}""#,
        );
        assert!(spans_of(&text, Identity, "VARIABLE_UNSUPPORTED_IN_ELEMENT").is_empty());
    }

    #[test]
    fn malformed_variables() {
        let v = r#""Version": "2012-10-17", "#;
        let text = policy(v, r#""Action": "s3:*", "Resource": "arn:aws:s3:::b/${aws:username/*""#);
        assert_eq!(
            spans_of(&text, Identity, "MISSING_BRACE_IN_VARIABLE"),
            ["${aws:username/*"]
        );
        let text = policy(
            v,
            r#""Action": "s3:*", "Resource": ["arn:aws:s3:::b/${}/*", "arn:aws:s3:::c/${ }"]"#,
        );
        assert_eq!(spans_of(&text, Identity, "EMPTY_VARIABLE"), ["${}", "${ }"]);
        let text = policy(
            v,
            r#""Action": "s3:*", "Resource": "arn:aws:s3:::b/${aws: username}/*""#,
        );
        assert_eq!(
            spans_of(&text, Identity, "UNSUPPORTED_SPACE_IN_VARIABLE"),
            ["${aws: username}"]
        );
        assert_eq!(
            apply_fix(&text, Identity, "UNSUPPORTED_SPACE_IN_VARIABLE"),
            Some(policy(
                v,
                r#""Action": "s3:*", "Resource": "arn:aws:s3:::b/${aws:username}/*""#
            ))
        );
        let text = policy(
            v,
            r#""Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team, none}"}}"#,
        );
        assert_eq!(
            spans_of(&text, Identity, "MISSING_QUOTE_IN_VARIABLE"),
            ["${aws:PrincipalTag/team, none}"]
        );
        assert_eq!(
            apply_fix(&text, Identity, "MISSING_QUOTE_IN_VARIABLE"),
            Some(policy(
                v,
                r#""Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team, 'none'}"}}"#,
            ))
        );
    }

    #[test]
    fn well_formed_variables_pass() {
        let text = policy(
            r#""Version": "2012-10-17", "#,
            r#""Action": "s3:*", "Resource": ["arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::b/${aws:PrincipalTag/team, 'none'}", "arn:aws:s3:::b/$folder$"]"#,
        );
        for code in [
            "MISSING_BRACE_IN_VARIABLE",
            "EMPTY_VARIABLE",
            "UNSUPPORTED_SPACE_IN_VARIABLE",
            "MISSING_QUOTE_IN_VARIABLE",
            "VARIABLE_UNSUPPORTED_IN_VERSION",
            "VARIABLE_UNSUPPORTED_IN_ELEMENT",
        ] {
            assert!(spans_of(&text, Identity, code).is_empty(), "{code}");
        }
    }
}
