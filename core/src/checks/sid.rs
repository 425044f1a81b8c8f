use super::common::removal_span;
use super::{Check, Context, Rule, Sink};
use crate::finding::{Fix, Related, Severity, Tag};
use crate::json::JsonString;
use crate::policy_type::PolicyType;

pub const UNIQUE_SIDS_REQUIRED: Check = Check {
    code: "UNIQUE_SIDS_REQUIRED",
    severity: Severity::Error,
    summary: "Two statements share a Sid in a policy type that requires unique Sids",
    doc: r#"<!-- policy-type: scp -->
## What it does
Reports a statement whose `Sid` repeats an earlier statement's, in a policy type whose service
rejects duplicates: IAM policies (identity policies, permissions boundaries and role trust
policies: "In IAM, the Sid value must be unique within a JSON policy", IAM User Guide, "IAM JSON
policy elements: Sid"; IAM answers `MalformedPolicyDocument: Statement IDs (SID) in a single
policy must be unique`), service control policies, resource control policies and resource-based
policies (bucket, key, queue and topic policies). The finding is on the second `Sid`, with the
first as related information.

This error needs a known policy type (given with `--policy-type`, an editor setting or a file
name such as `deny.scp.json`). When the type is only inferred from the content, and for VPC
endpoint policies, duplicates are reported as UNIQUE_SIDS_RECOMMENDED instead.

## Why is this bad
AWS Organizations and services such as Amazon SQS and Amazon SNS refuse the policy.

## Example
```json
{"Version": "2012-10-17", "Statement": [
  {"Sid": "DenyRegions", "Effect": "Deny", "Action": "ec2:*", "Resource": "*"},
  {"Sid": "DenyRegions", "Effect": "Deny", "Action": "rds:*", "Resource": "*"}
]}
```

## Use instead
```json
{"Version": "2012-10-17", "Statement": [
  {"Sid": "DenyEc2", "Effect": "Deny", "Action": "ec2:*", "Resource": "*"},
  {"Sid": "DenyRds", "Effect": "Deny", "Action": "rds:*", "Resource": "*"}
]}
```
"#,
};

pub const UNIQUE_SIDS_RECOMMENDED: Check = Check {
    code: "UNIQUE_SIDS_RECOMMENDED",
    severity: Severity::Warning,
    summary: "Two statements share a Sid",
    doc: r#"## What it does
Reports a statement whose `Sid` repeats an earlier statement's in VPC endpoint policies and any
policy whose type is only inferred from its content. Policy types that reject duplicates get
UNIQUE_SIDS_REQUIRED.

<!-- policy-type: endpoint -->

## Why is this bad
A `Sid` exists to name a statement; two statements with one name make findings, logs and reviews
ambiguous, and the policy cannot be reused as an SCP or a resource policy.

## Example
```json
{"Version": "2012-10-17", "Statement": [
  {"Sid": "Read", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"},
  {"Sid": "Read", "Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket", "Resource": "*"}
]}
```

## Use instead
```json
{"Version": "2012-10-17", "Statement": [
  {"Sid": "ReadObjects", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"},
  {"Sid": "ListBuckets", "Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket", "Resource": "*"}
]}
```
"#,
};

pub const UNSUPPORTED_SID: Check = Check {
    code: "UNSUPPORTED_SID",
    severity: Severity::Error,
    summary: "Sid has characters other than letters and digits",
    doc: r#"## What it does
Reports a `Sid` with characters other than ASCII letters and digits in identity policies,
permissions boundaries, role trust policies, SCPs and RCPs, with a fix that joins the words in
CamelCase (`Allow read-only` → `AllowReadOnly`).

Resource-based and VPC endpoint policies are not checked: their services validate `Sid`
themselves and accept more (the default AWS KMS key policy uses `Enable IAM User Permissions`,
the default Amazon SNS topic policy `__default_statement_ID`).

## Why is this bad
IAM and AWS Organizations accept only `[A-Za-z0-9]` in a `Sid` and reject the policy.

## Example
```json
{"Sid": "Allow read-only", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
```

## Use instead
```json
{"Sid": "AllowReadOnly", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
```
"#,
};

pub const EMPTY_SID_VALUE: Check = Check {
    code: "EMPTY_SID_VALUE",
    severity: Severity::Suggestion,
    summary: "Sid is an empty string",
    doc: r#"## What it does
Reports `"Sid": ""`, with a fix that removes the element.

## Why is this bad
An empty `Sid` names nothing; give the statement a name or leave the element out.

## Example
```json
{"Sid": "", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
```

## Use instead
```json
{"Sid": "ReadObjects", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
```
"#,
};

pub const RULE: Rule = Rule {
    checks: &[
        &UNIQUE_SIDS_REQUIRED,
        &UNIQUE_SIDS_RECOMMENDED,
        &UNSUPPORTED_SID,
        &EMPTY_SID_VALUE,
    ],
    run,
};

/// Policy types whose service rejects duplicate Sids: IAM, AWS Organizations, and the services
/// that hold resource policies.
fn requires_unique_sids(policy_type: PolicyType) -> bool {
    matches!(
        policy_type,
        PolicyType::Identity
            | PolicyType::Boundary
            | PolicyType::Trust
            | PolicyType::Scp
            | PolicyType::Rcp
            | PolicyType::Resource
    )
}

/// Policy types validated by IAM or AWS Organizations, which accept only `[A-Za-z0-9]`.
fn restricts_sid_characters(policy_type: PolicyType) -> bool {
    matches!(
        policy_type,
        PolicyType::Identity | PolicyType::Boundary | PolicyType::Trust | PolicyType::Scp | PolicyType::Rcp
    )
}

fn run(ctx: &Context<'_>, out: &mut Sink) {
    // By value: a linear scan made this quadratic (100,000 statements took most of a minute).
    let mut seen: rustc_hash::FxHashMap<&str, &JsonString> = rustc_hash::FxHashMap::default();
    let unique_check = if ctx.type_is_explicit && requires_unique_sids(ctx.policy_type) {
        &UNIQUE_SIDS_REQUIRED
    } else {
        &UNIQUE_SIDS_RECOMMENDED
    };
    for statement in &ctx.policy.statements {
        let Some(sid) = statement.sid.filter(|s| s.terminated) else {
            continue;
        };
        if sid.value.is_empty() {
            let finding = out.report(
                &EMPTY_SID_VALUE,
                sid.span,
                "the \"Sid\" is empty; name the statement or remove the element",
            );
            finding.tags.push(Tag::Unnecessary);
            if let Some(member) = statement.object.get("Sid") {
                finding.fixes.push(Fix::replace(
                    "Remove the empty \"Sid\"",
                    removal_span(ctx.text, member),
                    "",
                ));
            }
            continue;
        }
        if let Some(first) = seen.get(sid.value.as_str()) {
            let message = if unique_check.severity == crate::finding::Severity::Error {
                format!(
                    "Sid \"{}\" is already used; {} policies require unique Sids: rename one of them",
                    sid.value, ctx.policy_type
                )
            } else {
                format!(
                    "Sid \"{}\" is already used by another statement; give each statement its own Sid",
                    sid.value
                )
            };
            out.report(unique_check, sid.span, message).related.push(Related {
                span: first.span,
                message: "first used here".into(),
            });
        } else {
            seen.insert(&sid.value, sid);
        }
        if restricts_sid_characters(ctx.policy_type) && !sid.value.chars().all(|c| c.is_ascii_alphanumeric()) {
            let camel = camel_case(&sid.value);
            let finding = out.report(
                &UNSUPPORTED_SID,
                sid.span,
                format!(
                    "Sid \"{}\" may contain only letters A-Z, a-z and digits 0-9 in {} policies; {}",
                    sid.value,
                    ctx.policy_type,
                    if camel.is_empty() {
                        "rename it".to_owned()
                    } else {
                        format!("use \"{camel}\"")
                    }
                ),
            );
            if !camel.is_empty() {
                finding.fixes.push(Fix::replace(
                    format!("Change to \"{camel}\""),
                    sid.span,
                    format!("\"{camel}\""),
                ));
            }
        }
    }
}

/// Joins the ASCII alphanumeric runs of `s`, capitalising each run after the first.
fn camel_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, word) in s
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .enumerate()
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            if i == 0 {
                out.push(first);
            } else {
                out.push(first.to_ascii_uppercase());
            }
            out.extend(chars);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::camel_case;
    use crate::checks::fix_support::apply_fix;
    use crate::checks::test_support::spans_of;
    use crate::policy_type::PolicyType::{Boundary, Endpoint, Identity, Resource, Scp, Trust};

    const DUPLICATES: &str = r#"{"Statement": [{"Sid": "A", "Effect": "Deny", "Action": "a:b", "Resource": "*"}, {"Sid": "B", "Effect": "Deny", "Action": "a:b", "Resource": "*"}, {"Sid": "A", "Effect": "Deny", "Action": "a:b", "Resource": "*"}]}"#;

    #[test]
    fn duplicate_sids_by_policy_type() {
        assert_eq!(spans_of(DUPLICATES, Scp, "UNIQUE_SIDS_REQUIRED"), ["\"A\""]);
        assert!(spans_of(DUPLICATES, Scp, "UNIQUE_SIDS_RECOMMENDED").is_empty());
        assert_eq!(spans_of(DUPLICATES, Resource, "UNIQUE_SIDS_REQUIRED"), ["\"A\""]);
        // IAM rejects duplicate Sids in every policy it stores.
        for iam in [Identity, Boundary, Trust] {
            assert_eq!(spans_of(DUPLICATES, iam, "UNIQUE_SIDS_REQUIRED"), ["\"A\""], "{iam}");
            assert!(spans_of(DUPLICATES, iam, "UNIQUE_SIDS_RECOMMENDED").is_empty());
        }
        assert_eq!(spans_of(DUPLICATES, Endpoint, "UNIQUE_SIDS_RECOMMENDED"), ["\"A\""]);
        assert!(spans_of(DUPLICATES, Endpoint, "UNIQUE_SIDS_REQUIRED").is_empty());
    }

    #[test]
    fn inferred_type_only_recommends() {
        let analysis = crate::analyze_text(DUPLICATES, crate::Options::default());
        let codes: Vec<_> = analysis.findings.iter().map(|f| f.code).collect();
        assert!(codes.contains(&"UNIQUE_SIDS_RECOMMENDED"), "{codes:?}");
        assert!(!codes.contains(&"UNIQUE_SIDS_REQUIRED"), "{codes:?}");
    }

    #[test]
    fn distinct_sids_pass() {
        let text = r#"{"Statement": [{"Sid": "A"}, {"Sid": "a"}, {"Sid": ""}, {"Sid": ""}, {}]}"#;
        assert!(spans_of(text, Scp, "UNIQUE_SIDS_REQUIRED").is_empty());
        assert!(spans_of(text, Endpoint, "UNIQUE_SIDS_RECOMMENDED").is_empty());
    }

    #[test]
    fn unsupported_sid_characters() {
        let text =
            r#"{"Statement": [{"Sid": "Allow read-only", "Effect": "Allow", "Action": "a:b", "Resource": "*"}]}"#;
        assert_eq!(spans_of(text, Identity, "UNSUPPORTED_SID"), ["\"Allow read-only\""]);
        assert_eq!(
            apply_fix(text, Identity, "UNSUPPORTED_SID").as_deref(),
            Some(r#"{"Statement": [{"Sid": "AllowReadOnly", "Effect": "Allow", "Action": "a:b", "Resource": "*"}]}"#)
        );
        assert!(spans_of(text, Resource, "UNSUPPORTED_SID").is_empty());
        let ok = r#"{"Statement": [{"Sid": "AllowReadOnly2", "Effect": "Allow", "Action": "a:b", "Resource": "*"}]}"#;
        assert!(spans_of(ok, Identity, "UNSUPPORTED_SID").is_empty());
        assert_eq!(camel_case("__default_statement_ID"), "defaultStatementID");
        assert_eq!(camel_case("-- "), "");
    }

    #[test]
    fn empty_sid_is_suggested_for_removal() {
        let text = r#"{"Statement": [{"Sid": "", "Effect": "Allow", "Action": "a:b", "Resource": "*"}]}"#;
        assert_eq!(spans_of(text, Identity, "EMPTY_SID_VALUE"), ["\"\""]);
        assert_eq!(
            apply_fix(text, Identity, "EMPTY_SID_VALUE").as_deref(),
            Some(r#"{"Statement": [{"Effect": "Allow", "Action": "a:b", "Resource": "*"}]}"#)
        );
        let last = "{\"Statement\": [{\"Effect\": \"Allow\",\n  \"Sid\": \"\"\n}]}";
        assert_eq!(
            apply_fix(last, Identity, "EMPTY_SID_VALUE").as_deref(),
            Some("{\"Statement\": [{\"Effect\": \"Allow\"\n}]}")
        );
        assert!(spans_of(r#"{"Statement": [{"Sid": "A"}]}"#, Identity, "EMPTY_SID_VALUE").is_empty());
    }
}
