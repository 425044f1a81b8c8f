use super::common::{is_incomplete, set_version_fix};
use super::{Check, Context, Rule, Sink};
use crate::finding::{Fix, Severity};
use crate::model::{CURRENT_VERSION, VERSIONS};
use crate::span::Span;

pub const MISSING_VERSION: Check = Check {
    code: "MISSING_VERSION",
    severity: Severity::Warning,
    summary: "The policy has no Version element",
    doc: r#"## What it does
Reports a policy without a `Version` element, with a fix that adds `"Version": "2012-10-17"` as
the first element in the document's own layout.

## Why is this bad
Without `Version`, IAM uses the 2008-10-17 language, in which policy variables such as
`${aws:username}` are not substituted but matched literally, and newer features are missing.

## Example
```json
{"Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}
```

## Use instead
```json
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}
```
"#,
};

pub const INVALID_VERSION: Check = Check {
    code: "INVALID_VERSION",
    severity: Severity::Error,
    summary: "Version is not a policy language version",
    doc: r#"## What it does
Reports a `Version` other than `2012-10-17` and `2008-10-17`, the two policy language versions,
with a fix to `2012-10-17`.

## Why is this bad
`Version` is the version of the policy language, not of your policy; IAM rejects any other date.

## Example
```json
{"Version": "2024-01-01", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}
```

## Use instead
```json
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}
```
"#,
};

pub const RULE: Rule = Rule {
    checks: &[&MISSING_VERSION, &INVALID_VERSION],
    run,
};

fn run(ctx: &Context<'_>, out: &mut Sink) {
    let Some(object) = ctx.policy.object else {
        return;
    };
    let Some(member) = ctx.policy.version else {
        // A document still being typed gets the warning once its `}` is there. A misspelled
        // `version` key is INVALID_POLICY_ELEMENT's, with a rename fix.
        let misspelled = object
            .members
            .iter()
            .any(|m| m.key.value != "Version" && m.key.value.eq_ignore_ascii_case("version"));
        if !is_incomplete(ctx.text, object, ctx.policy.root_span) && !misspelled {
            let start = ctx.policy.root_span.start;
            let finding = out.report(
                &MISSING_VERSION,
                Span::new(start, start + 1),
                format!(
                    "the policy has no \"Version\", so IAM uses the 2008-10-17 language (no policy variables); \
                     add \"Version\": \"{CURRENT_VERSION}\""
                ),
            );
            finding.fixes.extend(set_version_fix(ctx));
        }
        return;
    };
    let Some(version) = member.value.as_ref().and_then(|v| v.value.as_str()) else {
        return; // no value yet, or not a string (DATA_TYPE_MISMATCH)
    };
    if !version.terminated || VERSIONS.contains(&version.value.as_str()) {
        return;
    }
    out.report(
        &INVALID_VERSION,
        version.span,
        format!(
            "\"{}\" is not a policy language version (it is not the date of your policy); use \"{CURRENT_VERSION}\"",
            version.value
        ),
    )
    .fixes
    .push(Fix::replace(
        format!("Change to \"{CURRENT_VERSION}\""),
        version.span,
        format!("\"{CURRENT_VERSION}\""),
    ));
}

#[cfg(test)]
mod tests {
    use crate::checks::fix_support::apply_fix;
    use crate::checks::test_support::spans_of;
    use crate::policy_type::PolicyType::Identity;

    #[test]
    fn missing_version_points_at_brace_and_fix_keeps_layout() {
        let text = "{\n    \"Statement\": []\n}";
        assert_eq!(spans_of(text, Identity, "MISSING_VERSION"), ["{"]);
        assert_eq!(
            apply_fix(text, Identity, "MISSING_VERSION").as_deref(),
            Some("{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": []\n}")
        );
        let text = "{\n\t\"Statement\": []}";
        assert_eq!(
            apply_fix(text, Identity, "MISSING_VERSION").as_deref(),
            Some("{\n\t\"Version\": \"2012-10-17\",\n\t\"Statement\": []}")
        );
        let text = r#"{"Statement": []}"#;
        assert_eq!(
            apply_fix(text, Identity, "MISSING_VERSION").as_deref(),
            Some(r#"{"Version": "2012-10-17", "Statement": []}"#)
        );
        assert_eq!(
            apply_fix("{}", Identity, "MISSING_VERSION").as_deref(),
            Some(r#"{"Version": "2012-10-17"}"#)
        );
    }

    #[test]
    fn missing_version_waits_for_the_closing_brace_and_misspellings() {
        assert!(spans_of(r#"{"Statement": ["#, Identity, "MISSING_VERSION").is_empty());
        assert!(spans_of(r#"{"Versio"}"#, Identity, "MISSING_VERSION").is_empty());
        assert!(spans_of(r#"{"Statement": [], }"#, Identity, "MISSING_VERSION").is_empty());
        assert!(
            spans_of(
                r#"{"version": "2012-10-17", "Statement": []}"#,
                Identity,
                "MISSING_VERSION"
            )
            .is_empty()
        );
    }

    #[test]
    fn invalid_version_is_reported_with_fix() {
        let text = r#"{"Version": "2012-10-18", "Statement": []}"#;
        assert_eq!(spans_of(text, Identity, "INVALID_VERSION"), ["\"2012-10-18\""]);
        assert_eq!(
            apply_fix(text, Identity, "INVALID_VERSION").as_deref(),
            Some(r#"{"Version": "2012-10-17", "Statement": []}"#)
        );
    }

    #[test]
    fn valid_versions_pass() {
        for v in ["2012-10-17", "2008-10-17"] {
            let text = format!(r#"{{"Version": "{v}", "Statement": []}}"#);
            assert!(spans_of(&text, Identity, "INVALID_VERSION").is_empty());
            assert!(spans_of(&text, Identity, "MISSING_VERSION").is_empty());
        }
        assert!(spans_of(r#"{"Version": "2012-1"#, Identity, "INVALID_VERSION").is_empty());
    }
}
