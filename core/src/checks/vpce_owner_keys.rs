//! The VPC endpoint owner keys (`aws:VpceAccount`, `aws:VpceOrgID`, `aws:VpceOrgPaths`), which
//! only some services put in their requests: a statement using one must be scoped to them.
//!
//! The lists of services are the IAM User Guide's ("AWS global condition context keys", the
//! Availability of each key, as of 2026-11); `iam` supports the keys except for `iam:PassRole`.

use super::type_support::key_uses;
use super::{Context, Rule, Sink};
use crate::catalog::{has_wildcard, wildcard_match};
use crate::model::{Effect, Statement};

check!(
    USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES,
    Warning,
    "A VPC endpoint owner key is used with services that do not support it",
    r#"## What it does
Reports `aws:VpceAccount`, `aws:VpceOrgID` or `aws:VpceOrgPaths` in a statement whose actions
reach services that do not support the key: actions of other services, wildcards over service
prefixes (`*`, `*:Get*`), `NotAction`, or `iam:PassRole` (IAM supports the keys except for
that action). The supported services are those the IAM User Guide lists for each key ("AWS global
condition context keys"; `aws:VpceOrgID` is supported by more services than the other two).

Not reported for the exception of a `Deny` (a negated operator with `IfExists`, as in AWS's
data perimeter examples, `"StringNotEqualsIfExists": {"aws:VpceOrgID": ...}`): where a service
lacks the key, the exception does not apply and the `Deny` does, which fails closed, and
`IfExists` says the writer meant it so. (AWS's examples list the services that support
`aws:VpceOrgID` and put `aws:VpceAccount`, supported by fewer, in the same exception.)

## Why is this bad
"This condition key is currently supported for a select set of AWS services. Using this key with
unsupported services can lead to unintended authorization results. Always scope the condition key
to supported services in your policies" (IAM User Guide). For an unsupported service the key is
absent: an `Allow` requiring it never applies, a `Deny` with `...IfExists` never denies.

## Example
```json
{"Effect": "Allow", "Action": ["s3:GetObject", "sns:Publish"], "Resource": "*",
 "Condition": {"StringEquals": {"aws:VpceAccount": "111122223333"}}}
```

## Use instead
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
 "Condition": {"StringEquals": {"aws:VpceAccount": "111122223333"}}}
```
"#
);

pub const RULE: Rule = Rule {
    checks: &[&USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES],
    run,
};

/// Services supporting `aws:VpceAccount` and `aws:VpceOrgPaths`.
const VPCE_ACCOUNT_SERVICES: &[&str] = &[
    "acm-pca",
    "applicationinsights",
    "apprunner",
    "athena",
    "cloudformation",
    "comprehendmedical",
    "compute-optimizer",
    "datasync",
    "discovery",
    "dynamodb",
    "ebs",
    "ecr",
    "ecs",
    "firehose",
    "gamelift",
    "healthlake",
    "iam",
    "iotfleetwise",
    "iotwireless",
    "kinesisanalytics",
    "kms",
    "lambda",
    "medical-imaging",
    "omics",
    "payment-cryptography",
    "polly",
    "rbin",
    "rekognition",
    "route53",
    "s3",
    "scheduler",
    "servicediscovery",
    "servicequotas",
    "shield",
    "ssm-contacts",
    "storagegateway",
    "textract",
    "transcribe",
    "transfer",
];

/// Services supporting `aws:VpceOrgID`: the above and these.
const VPCE_ORG_ID_MORE_SERVICES: &[&str] = &[
    "b2bi",
    "cassandra",
    "cognito-identity",
    "dms",
    "ds-data",
    "identitystore",
    "iottwinmaker",
    "network-firewall",
    "pricing",
    "ses",
    "sms-voice",
    "sqs",
    "workmail",
];

/// Whether `service` supports `key` (one of the three keys, lowercased).
fn supports(key: &str, service: &str) -> bool {
    let service = service.to_ascii_lowercase();
    VPCE_ACCOUNT_SERVICES.contains(&service.as_str())
        || (key == "aws:vpceorgid" && VPCE_ORG_ID_MORE_SERVICES.contains(&service.as_str()))
}

/// What of the statement's actions reach services without the key: the unsupported entries,
/// or `NotAction`.
fn unsupported<'s>(statement: &'s Statement<'_>, key: &str) -> Vec<&'s str> {
    if let Some(not_action) = &statement.not_action {
        return vec![not_action.member.key.value.as_str()];
    }
    let Some(actions) = &statement.action else {
        return Vec::new();
    };
    actions
        .values()
        .filter(|action| match action.split_once(':') {
            Some((service, _)) if !has_wildcard(service) => {
                !supports(key, service) || wildcard_match(action, "iam:PassRole", true)
            }
            _ => true,
        })
        .collect()
}

fn run(ctx: &Context<'_>, out: &mut Sink) {
    for statement in &ctx.policy.statements {
        for u in key_uses(statement) {
            let key = u.key().to_ascii_lowercase();
            if !matches!(key.as_str(), "aws:vpceaccount" | "aws:vpceorgid" | "aws:vpceorgpaths") {
                continue;
            }
            // A Deny's exception (`StringNotEqualsIfExists`): where the service lacks the key, the
            // exception does not apply and the Deny does, so it fails closed.
            let exception =
                statement.effect() == Some(Effect::Deny) && u.op.is_some_and(|op| op.if_exists && op.base.is_negated());
            if exception {
                continue;
            }
            let outside = unsupported(statement, &key);
            if outside.is_empty() {
                continue;
            }
            let more = if outside.len() > 3 { ", ..." } else { "" };
            let listed: Vec<&str> = outside.iter().take(3).copied().collect();
            out.report(
                &USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES,
                u.entry.key.span,
                format!(
                    "\"{}\" works only with some services, not with {}{more}: scope the statement to services that \
                     support the key",
                    u.key(),
                    listed.join(", ")
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::spans_of;
    use crate::policy_type::PolicyType::Scp;

    fn deny(actions: &str, key: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Deny", "Action": {actions}, "Resource": "*",
                "Condition": {{"StringNotEquals": {{"{key}": "o-a1b2c3d4e5"}}}}}}]}}"#
        )
    }

    const CODE: &str = "USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES";

    #[test]
    fn statements_must_stay_within_the_supported_services() {
        for (actions, key) in [
            (r#"["s3:*", "sns:Publish"]"#, "aws:VpceAccount"),
            (r#""*""#, "aws:VpceOrgID"),
            (r#""*:Get*""#, "aws:VpceOrgPaths"),
            (r#"["iam:*"]"#, "aws:VpceAccount"),
            (r#""sqs:SendMessage""#, "aws:VpceAccount"),
        ] {
            assert_eq!(
                spans_of(&deny(actions, key), Scp, CODE),
                [format!("\"{key}\"")],
                "{actions}"
            );
        }
        let not_action = deny(r#""s3:*""#, "aws:VpceAccount").replace("\"Action\"", "\"NotAction\"");
        assert_eq!(spans_of(&not_action, Scp, CODE).len(), 1);
        // The exception of a Deny fails closed where the key is missing.
        let exception =
            deny(r#"["s3:*", "sqs:*"]"#, "aws:VpceAccount").replace("StringNotEquals", "StringNotEqualsIfExists");
        assert!(spans_of(&exception, Scp, CODE).is_empty());
        for (actions, key) in [
            (r#"["s3:*", "kms:Decrypt"]"#, "aws:VpceAccount"),
            (r#""sqs:SendMessage""#, "aws:VpceOrgID"),
            (r#""iam:GetRole""#, "aws:VpceOrgPaths"),
        ] {
            assert!(spans_of(&deny(actions, key), Scp, CODE).is_empty(), "{actions} {key}");
        }
    }
}
