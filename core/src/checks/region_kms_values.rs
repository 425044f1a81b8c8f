//! Condition values that must name a Region (`aws:RequestedRegion`, `ec2:Region`, the
//! `...Region` keys of services) or a KMS key (`s3:x-amz-server-side-encryption-aws-kms-key-id`,
//! `secretsmanager:KmsKeyArn`, the ARN-typed KMS key keys).

use super::{Context, Rule, Sink};
use crate::catalog::{KeyType, PARTITIONS, REGIONS, catalog, distance, has_wildcard, wildcard_match};
use crate::finding::Fix;
use crate::model::ConditionEntry;
use crate::operator::{Comparison, Family, parse};

check!(
    INVALID_REGION,
    Error,
    "A Region in a condition value does not exist",
    r#"## What it does
Reports a value of a Region condition key (`aws:RequestedRegion`, `ec2:Region` and the service
keys named `...Region` or `...Regions`) that is not a known Region, with the closest Region as a
fix. A wildcard value (`eu-*`) is reported when it matches no known Region. Values with policy
variables are not checked. The list of Regions is botocore's (see `catalog::REGIONS`); a Region
newer than it is reported too, so update the tool when AWS opens one.

## Why is this bad
Region names are lowercase and exact: `us-east1` or `US-EAST-1` never matches, so a condition
meant to restrict Regions allows or denies everything.

## Example
```json
"Condition": {"StringEquals": {"aws:RequestedRegion": ["us-east1", "eu-west-1"]}}
```

## Use instead
```json
"Condition": {"StringEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}
```
"#
);

check!(
    INVALID_KMS_KEY_VALUE,
    Error,
    "A KMS key condition value is not a KMS key ARN",
    r#"## What it does
Reports a value of a condition key that holds a KMS key ARN (the ARN-typed KMS key keys such as
`s3:x-amz-server-side-encryption-aws-kms-key-id`, `secretsmanager:KmsKeyArn`,
`sagemaker:VolumeKmsKeyArn`) that is not a KMS key or alias ARN
(`arn:aws:kms:us-east-1:111122223333:key/...` or `...:alias/...`). Wildcards are allowed where a
KMS ARN could still match (`arn:aws:kms:*:111122223333:key/*`); keys typed as plain strings
(`ec2:KmsKeyId`, which also takes IDs) are not checked.

## Why is this bad
The request carries the key's ARN: a key ID, an alias name or a malformed ARN never matches, so
the condition does not restrict the key as intended.

## Example
```json
"Condition": {"StringEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": "1234abcd-12ab-34cd-56ef-1234567890ab"}}
```

## Use instead
```json
"Condition": {"ArnEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}
```
"#
);

pub const RULE: Rule = Rule {
    checks: &[&INVALID_REGION, &INVALID_KMS_KEY_VALUE],
    run,
};

fn run(ctx: &Context<'_>, out: &mut Sink) {
    for statement in &ctx.policy.statements {
        let Some(condition) = &statement.condition else {
            continue;
        };
        for block in &condition.operators {
            let Some(op) = parse(&block.operator.value) else {
                continue;
            };
            if !matches!(op.base.family, Family::String | Family::Arn) {
                continue;
            }
            let ignore_case = matches!(
                op.base.comparison,
                Comparison::EqualsIgnoreCase | Comparison::NotEqualsIgnoreCase
            );
            for entry in &block.entries {
                let key = entry.key.value.as_str();
                if is_region_key(key) {
                    regions(entry, ignore_case, out);
                } else if is_kms_key_arn_key(key) {
                    kms_keys(entry, out);
                }
            }
        }
    }
}

/// `aws:RequestedRegion`, `ec2:Region` and documented service keys named `...Region(s)`
/// (`ec2:VpceMultiRegion`, a yes/no flag, is not one).
fn is_region_key(key: &str) -> bool {
    let Some((prefix, name)) = key.split_once(':') else {
        return false;
    };
    if key.eq_ignore_ascii_case("aws:RequestedRegion") {
        return true;
    }
    if prefix.eq_ignore_ascii_case("aws") {
        return false;
    }
    let lower = name.to_ascii_lowercase();
    let named = (lower.ends_with("region") || lower.ends_with("regions")) && !lower.ends_with("multiregion");
    named
        && catalog()
            .service(prefix)
            .and_then(|s| s.condition_key(key))
            .is_some_and(|k| matches!(k.key_type(), KeyType::String | KeyType::ArrayOfString))
}

fn regions(entry: &ConditionEntry<'_>, ignore_case: bool, out: &mut Sink) {
    for value in &entry.values {
        let text = value.text.as_ref();
        if text.contains("${") || text.is_empty() {
            continue;
        }
        let folded;
        let probe = if ignore_case {
            folded = text.to_ascii_lowercase();
            folded.as_str()
        } else {
            text
        };
        let known = if has_wildcard(probe) {
            REGIONS.iter().any(|(r, _)| wildcard_match(probe, r, false))
        } else {
            REGIONS.iter().any(|(r, _)| *r == probe)
        };
        if known {
            continue;
        }
        let lower = text.to_ascii_lowercase();
        let suggestion = REGIONS
            .iter()
            .filter_map(|(r, _)| distance(&lower, r, 2).map(|d| (d, *r)))
            .min_by_key(|(d, _)| *d)
            .map(|(_, r)| r)
            .filter(|_| !has_wildcard(text));
        let hint = suggestion.map_or(String::new(), |s| format!("; did you mean \"{s}\"?"));
        let finding = out.report(
            &INVALID_REGION,
            value.node.span,
            format!("\"{text}\" is not a known AWS Region{hint}"),
        );
        if let Some(s) = suggestion {
            finding.fixes.push(Fix::replace(
                format!("Replace with \"{s}\""),
                value.node.span,
                format!("\"{s}\""),
            ));
        }
    }
}

/// Condition keys that hold the ARN of a KMS key: ARN-typed keys (or keys named `...KeyArn(s)`)
/// whose name mentions KMS.
fn is_kms_key_arn_key(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    if !lower.contains("kms") || lower.starts_with("aws:") {
        return false;
    }
    let Some((prefix, _)) = key.split_once(':') else {
        return false;
    };
    let Some(k) = catalog().service(prefix).and_then(|s| s.condition_key(key)) else {
        return false;
    };
    let name = k.name().to_ascii_lowercase();
    matches!(k.key_type(), KeyType::Arn | KeyType::ArrayOfArn) || name.ends_with("keyarn") || name.ends_with("keyarns")
}

fn kms_keys(entry: &ConditionEntry<'_>, out: &mut Sink) {
    for value in &entry.values {
        let text = value.text.as_ref();
        if could_be_kms_arn(text) {
            continue;
        }
        out.report(
            &INVALID_KMS_KEY_VALUE,
            value.node.span,
            format!(
                "\"{text}\" is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) or alias ARN \
                 (...:alias/<name>): \"{}\" holds the key's ARN",
                entry.key.value
            ),
        );
    }
}

/// Could `text` (maybe with `*` / `?` / `${...}`) match a KMS key or alias ARN? Only the part
/// before the first wildcard or variable is judged, field by field.
fn could_be_kms_arn(text: &str) -> bool {
    let cut = text.find(['*', '?']).into_iter().chain(text.find("${")).min();
    let (literal, open) = match cut {
        Some(n) => (text.get(..n).unwrap_or(""), true),
        None => (text, false),
    };
    let fields: Vec<&str> = literal.splitn(6, ':').collect();
    let last = fields.len().saturating_sub(1);
    for (i, field) in fields.iter().enumerate() {
        // A field the wildcard cuts short only needs to be a prefix of a valid one.
        let partial = open && i == last;
        let ok = match i {
            0 => field_ok(field, partial, |f| f == "arn"),
            1 => field_ok(field, partial, |f| PARTITIONS.contains(&f)),
            2 => field_ok(field, partial, |f| f == "kms"),
            3 => true,
            4 => field.bytes().all(|b| b.is_ascii_digit()) && (partial || field.len() == 12),
            _ => {
                let resource_ok = |f: &str| {
                    f.strip_prefix("key/").is_some_and(|id| !id.is_empty())
                        || f.strip_prefix("alias/").is_some_and(|a| !a.is_empty())
                };
                if partial {
                    ["key/", "alias/"]
                        .iter()
                        .any(|p| p.starts_with(field) || field.starts_with(p))
                } else {
                    resource_ok(field)
                }
            }
        };
        if !ok {
            return false;
        }
    }
    open || fields.len() == 6
}

fn field_ok(field: &str, partial: bool, valid: impl Fn(&str) -> bool) -> bool {
    if partial {
        match field {
            "" => true,
            f => ["arn", "kms"].iter().any(|v| v.starts_with(f)) || PARTITIONS.iter().any(|p| p.starts_with(f)),
        }
    } else {
        valid(field)
    }
}

#[cfg(test)]
mod tests {
    use super::could_be_kms_arn;
    use crate::checks::test_support::{findings_of, spans_of};
    use crate::policy_type::PolicyType::Identity;

    fn c(action: &str, condition: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "{action}", "Resource": "*", "Condition": {condition}}}]}}"#
        )
    }

    #[test]
    fn regions() {
        let text = c(
            "ec2:RunInstances",
            r#"{"StringEquals": {"aws:RequestedRegion": ["us-east1", "eu-west-1", "US-WEST-2", "${aws:PrincipalTag/r}"]}, "StringLike": {"ec2:Region": ["eu-*", "xx-*"]}}"#,
        );
        let found = findings_of(&text, Identity, "INVALID_REGION");
        assert_eq!(
            found.iter().map(|(_, s)| s.as_str()).collect::<Vec<_>>(),
            ["\"us-east1\"", "\"US-WEST-2\"", "\"xx-*\""]
        );
        assert!(found[0].0.contains("did you mean \"us-east-1\""), "{}", found[0].0);
        let fixed = crate::checks::fix_support::apply_fix(&text, Identity, "INVALID_REGION").unwrap();
        assert!(fixed.contains("\"us-east-1\""));
        let ok = c(
            "ec2:RunInstances",
            r#"{"StringEqualsIgnoreCase": {"aws:RequestedRegion": "US-WEST-2"}, "StringNotEquals": {"aws:RequestedRegion": ["us-gov-west-1", "cn-north-1"]}, "Null": {"aws:RequestedRegion": "false"}}"#,
        );
        assert!(spans_of(&ok, Identity, "INVALID_REGION").is_empty());
        // Not a region key.
        let other = c(
            "ec2:RunInstances",
            r#"{"StringEquals": {"ec2:VpceMultiRegion": "true"}}"#,
        );
        assert!(spans_of(&other, Identity, "INVALID_REGION").is_empty());
    }

    #[test]
    fn kms_values() {
        let key = "s3:x-amz-server-side-encryption-aws-kms-key-id";
        let text = c(
            "s3:PutObject",
            &format!(
                r#"{{"ArnEquals": {{"{key}": ["1234abcd-12ab", "alias/mine", "arn:aws:kms:us-east-1:111122223333:key/1234", "arn:aws:s3:::b/*"]}}}}"#
            ),
        );
        assert_eq!(
            spans_of(&text, Identity, "INVALID_KMS_KEY_VALUE"),
            ["\"1234abcd-12ab\"", "\"alias/mine\"", "\"arn:aws:s3:::b/*\""]
        );
        let ok = c(
            "s3:PutObject",
            &format!(
                r#"{{"ArnLike": {{"{key}": ["arn:aws:kms:*:111122223333:key/*", "arn:aws:kms:us-east-1:111122223333:alias/a", "*", "arn:${{aws:PrincipalTag/p}}:kms:*"]}}}}"#
            ),
        );
        assert!(spans_of(&ok, Identity, "INVALID_KMS_KEY_VALUE").is_empty());
        // ec2:KmsKeyId also takes key IDs.
        let id = c("ec2:CreateVolume", r#"{"StringEquals": {"ec2:KmsKeyId": "1234abcd"}}"#);
        assert!(spans_of(&id, Identity, "INVALID_KMS_KEY_VALUE").is_empty());
    }

    #[test]
    fn kms_arn_shapes() {
        assert!(could_be_kms_arn("arn:aws-cn:kms:cn-north-1:111122223333:key/abc"));
        assert!(could_be_kms_arn("arn:aws:kms:*"));
        assert!(could_be_kms_arn("arn:aws:km*"));
        assert!(could_be_kms_arn("arn:aws:kms:us-east-1:1111*"));
        assert!(!could_be_kms_arn("arn:aws:kms:us-east-1:1111:key/a"));
        assert!(!could_be_kms_arn("arn:aws:kms:us-east-1:111122223333:key/"));
        assert!(!could_be_kms_arn("arn:aws:kms:us-east-1:111122223333:table/*"));
        assert!(!could_be_kms_arn("arn:aws:kms:us-east-1:111122223333"));
    }
}
