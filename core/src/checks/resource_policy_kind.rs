//! Resource-based policies of the resource types IAM Access Analyzer validates specifically
//! (its `validatePolicyResourceType`: Amazon S3 buckets, access points, Multi-Region Access
//! Points and Object Lambda access points, Amazon DynamoDB tables): actions of another service,
//! resource ARNs of another service, and condition keys that cannot vary for a policy attached
//! to one resource.
//!
//! The resource type is inferred, since a policy does not say what it is attached to: from its
//! resource ARNs and actions. When the policy type is known to be `resource` (given, set by the
//! configuration, or named by the file, such as `bucket-policy.json`), the one such service its
//! ARNs and actions name is the resource's, and everything else in the policy is checked
//! against it. When the type is only inferred (a statement names a principal), the policy could
//! also be a VPC endpoint policy or a resource control policy, so only statements whose
//! resources are all ARNs of that one service are checked, for their actions.

use super::{Context, Rule, Sink};
use crate::catalog::has_wildcard;
use crate::model::Statement;
use crate::policy_type::PolicyType;

check!(
    UNSUPPORTED_ACTION_IN_POLICY,
    Error,
    "An action of another service in an S3 or DynamoDB resource policy",
    r#"## What it does
Reports an action of another service in the resource-based policy of an Amazon S3 bucket or
access point, an S3 Object Lambda access point or an Amazon DynamoDB table
(`kms:Decrypt` in a bucket policy). The resource type is inferred from the policy's resource
ARNs and actions (see the module documentation in `core/src/checks/resource_policy_kind.rs`);
these are the resource types IAM Access Analyzer validates specifically
(`validatePolicyResourceType`).

## Why is this bad
The service the policy is attached to rejects it: "The action kms:Decrypt is not supported for
the resource-based policy attached to the resource type S3 Bucket" (IAM User Guide, "IAM policy
validation check reference"). Permissions on the key belong in the key policy or an identity
policy.

<!-- policy-type: resource -->

## Example
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/reader"},
 "Action": ["s3:GetObject", "kms:Decrypt"], "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*"}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/reader"},
 "Action": "s3:GetObject", "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*"}
```
"#
);

check!(
    UNSUPPORTED_RESOURCE_ARN_IN_POLICY,
    Error,
    "A resource ARN of another service in an S3 or DynamoDB resource policy",
    r#"## What it does
Reports a resource ARN of another service in the resource-based policy of an Amazon S3 bucket
or access point, an S3 Object Lambda access point or an Amazon DynamoDB table (a KMS key ARN in
a bucket policy). Raised when the policy type is known to be `resource` (given, configured, or
named by the file, such as `bucket-policy.json`) and the policy's other ARNs and actions name
one of these services.

## Why is this bad
The service rejects the policy: a resource policy applies only to the resource it is attached to
(IAM User Guide, "IAM policy validation check reference").

<!-- policy-type: resource -->

## Example
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/reader"}, "Action": "s3:GetObject",
 "Resource": ["arn:aws:s3:::amzn-s3-demo-bucket/*", "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"]}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/reader"}, "Action": "s3:GetObject",
 "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*"}
```
"#
);

check!(
    IRRELEVANT_CONDITION_KEY_IN_POLICY,
    Suggestion,
    "A condition key that cannot vary in this resource policy",
    r#"## What it does
Reports a condition key about the resource's owner (`aws:ResourceAccount`, `aws:ResourceOrgID`,
`aws:ResourceOrgPaths`, and for Amazon S3 `s3:ResourceAccount`) in the resource-based policy of
an Amazon S3 bucket or access point, an S3 Object Lambda access point or an Amazon DynamoDB
table, when the policy type is known to be `resource`.

## Why is this bad
The policy is attached to one resource, whose owner never changes: the condition is always true
or always false. IAM Access Analyzer suggests using the key in an identity-based policy instead,
where it tells resources apart (IAM User Guide, "IAM policy validation check reference": the key
"s3:ResourceAccount isn't relevant for the resource-based policy attached to an Amazon S3 bucket").

<!-- policy-type: resource -->

## Example
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/reader"}, "Action": "s3:GetObject",
 "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*", "Condition": {"StringEquals": {"aws:ResourceAccount": "111122223333"}}}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/reader"}, "Action": "s3:GetObject",
 "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*", "Condition": {"StringEquals": {"aws:PrincipalAccount": "111122223333"}}}
```
"#
);

pub const RULE: Rule = Rule {
    checks: &[
        &UNSUPPORTED_ACTION_IN_POLICY,
        &UNSUPPORTED_RESOURCE_ARN_IN_POLICY,
        &IRRELEVANT_CONDITION_KEY_IN_POLICY,
    ],
    run,
};

/// The resource types Access Analyzer validates specifically, grouped by the service whose
/// actions and ARNs they take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Buckets, access points, Multi-Region Access Points.
    S3,
    S3ObjectLambda,
    DynamoDb,
}

impl Kind {
    const ALL: [Kind; 3] = [Kind::S3, Kind::S3ObjectLambda, Kind::DynamoDb];

    /// The prefix of its actions and the service field of its ARNs.
    fn service(self) -> &'static str {
        match self {
            Kind::S3 => "s3",
            Kind::S3ObjectLambda => "s3-object-lambda",
            Kind::DynamoDb => "dynamodb",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::S3 => "an S3 bucket or access point",
            Kind::S3ObjectLambda => "an S3 Object Lambda access point",
            Kind::DynamoDb => "a DynamoDB table",
        }
    }

    /// Keys about the resource's owner, constant for a policy attached to the resource.
    fn irrelevant_keys(self) -> &'static [&'static str] {
        match self {
            Kind::S3 => &[
                "aws:ResourceAccount",
                "aws:ResourceOrgID",
                "aws:ResourceOrgPaths",
                "s3:ResourceAccount",
            ],
            Kind::S3ObjectLambda | Kind::DynamoDb => {
                &["aws:ResourceAccount", "aws:ResourceOrgID", "aws:ResourceOrgPaths"]
            }
        }
    }

    fn of_service(service: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.service() == service)
    }
}

/// The concrete service field of an ARN (`None` for `*`, wildcards, variables, non-ARNs).
fn arn_service(arn: &str) -> Option<&str> {
    let service = arn.strip_prefix("arn:")?.split(':').nth(1)?;
    (!service.is_empty() && !has_wildcard(service) && !service.contains('$')).then_some(service)
}

/// The concrete service prefix of an action (`None` for wildcards in the prefix).
fn action_service(action: &str) -> Option<&str> {
    let (service, _) = action.split_once(':')?;
    (!service.is_empty() && !has_wildcard(service)).then_some(service)
}

/// The one kind the services named by `services` point to, when exactly one does.
fn unique_kind<'a>(services: impl Iterator<Item = &'a str>) -> Option<Kind> {
    let mut found = None;
    for kind in services.filter_map(|s| Kind::of_service(&s.to_ascii_lowercase())) {
        match found {
            Some(k) if k != kind => return None,
            _ => found = Some(kind),
        }
    }
    found
}

fn resource_arns<'s>(statement: &'s Statement<'_>) -> impl Iterator<Item = &'s str> {
    statement.resource.iter().flat_map(|r| r.values())
}

fn actions<'s>(statement: &'s Statement<'_>) -> impl Iterator<Item = &'s str> {
    statement.action.iter().flat_map(|a| a.values())
}

fn run(ctx: &Context<'_>, out: &mut Sink) {
    if ctx.policy_type != PolicyType::Resource {
        return;
    }
    let statements = &ctx.policy.statements;
    if ctx.type_is_explicit {
        let named = statements.iter().flat_map(|s| {
            resource_arns(s)
                .filter_map(arn_service)
                .chain(actions(s).filter_map(action_service))
        });
        let Some(kind) = unique_kind(named) else { return };
        for statement in statements {
            foreign_actions(statement, kind, out);
            foreign_arns(statement, kind, out);
            irrelevant_keys(statement, kind, out);
        }
        return;
    }
    let arns = statements.iter().flat_map(|s| resource_arns(s));
    let services: Vec<Option<&str>> = arns.map(arn_service).collect();
    if services.is_empty() || services.iter().any(Option::is_none) {
        return;
    }
    let Some(kind) = unique_kind(services.iter().flatten().copied()) else {
        return;
    };
    if !services
        .iter()
        .flatten()
        .all(|s| s.eq_ignore_ascii_case(kind.service()))
    {
        return;
    }
    for statement in statements.iter().filter(|s| s.resource.is_some()) {
        foreign_actions(statement, kind, out);
    }
}

fn foreign_actions(statement: &Statement<'_>, kind: Kind, out: &mut Sink) {
    let Some(list) = &statement.action else { return };
    for item in &list.items {
        let Some(service) = action_service(&item.value) else {
            continue;
        };
        if !service.eq_ignore_ascii_case(kind.service()) {
            out.report(
                &UNSUPPORTED_ACTION_IN_POLICY,
                item.span,
                format!(
                    "\"{}\" is not supported in the resource policy of {}, which takes only {}: actions",
                    item.value,
                    kind.name(),
                    kind.service()
                ),
            );
        }
    }
}

fn foreign_arns(statement: &Statement<'_>, kind: Kind, out: &mut Sink) {
    let Some(list) = &statement.resource else { return };
    for item in &list.items {
        let Some(service) = arn_service(&item.value) else {
            continue;
        };
        if !service.eq_ignore_ascii_case(kind.service()) {
            out.report(
                &UNSUPPORTED_RESOURCE_ARN_IN_POLICY,
                item.span,
                format!(
                    "a {service} ARN is not supported in the resource policy of {}, which applies only to its own {} resources",
                    kind.name(),
                    kind.service()
                ),
            );
        }
    }
}

fn irrelevant_keys(statement: &Statement<'_>, kind: Kind, out: &mut Sink) {
    let Some(condition) = &statement.condition else { return };
    for entry in condition.operators.iter().flat_map(|b| &b.entries) {
        let key = entry.key.value.as_str();
        if kind.irrelevant_keys().iter().any(|k| k.eq_ignore_ascii_case(key)) {
            out.report(
                &IRRELEVANT_CONDITION_KEY_IN_POLICY,
                entry.key.span,
                format!(
                    "\"{key}\" is the same for every request in the policy of {}: use it in an identity-based policy",
                    kind.name()
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::spans_of;
    use crate::policy_type::PolicyType::{Endpoint, Resource};

    fn policy(statements: &str) -> String {
        format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#)
    }

    const BUCKET: &str = r#"{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": ["s3:GetObject", "kms:Decrypt"],
        "Resource": ["arn:aws:s3:::b/*", "arn:aws:kms:us-east-1:111122223333:key/k"],
        "Condition": {"StringEquals": {"s3:ResourceAccount": "111122223333", "aws:PrincipalAccount": "111122223333"}}}"#;

    #[test]
    fn a_known_resource_policy_is_checked_against_its_service() {
        let text = policy(BUCKET);
        assert_eq!(
            spans_of(&text, Resource, "UNSUPPORTED_ACTION_IN_POLICY"),
            ["\"kms:Decrypt\""]
        );
        assert_eq!(
            spans_of(&text, Resource, "UNSUPPORTED_RESOURCE_ARN_IN_POLICY"),
            ["\"arn:aws:kms:us-east-1:111122223333:key/k\""]
        );
        assert_eq!(
            spans_of(&text, Resource, "IRRELEVANT_CONDITION_KEY_IN_POLICY"),
            ["\"s3:ResourceAccount\""]
        );
        // Not a resource type Access Analyzer validates specifically: nothing.
        let key_policy = policy(
            r#"{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "kms:*", "Resource": "*",
                "Condition": {"StringEquals": {"aws:ResourceAccount": "111122223333"}}}"#,
        );
        for code in ["UNSUPPORTED_ACTION_IN_POLICY", "IRRELEVANT_CONDITION_KEY_IN_POLICY"] {
            assert!(spans_of(&key_policy, Resource, code).is_empty(), "{code}");
        }
        // Two such services: which one the resource is cannot be told.
        let mixed = policy(
            r#"{"Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "dynamodb:GetItem"], "Resource": "*"}"#,
        );
        assert!(spans_of(&mixed, Resource, "UNSUPPORTED_ACTION_IN_POLICY").is_empty());
        // Endpoint policies name other services' resources by design.
        assert!(spans_of(&text, Endpoint, "UNSUPPORTED_ACTION_IN_POLICY").is_empty());
    }

    #[test]
    fn an_inferred_resource_policy_is_checked_only_where_it_is_sure() {
        let bucket = policy(
            r#"{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": ["s3:GetObject", "kms:Decrypt"], "Resource": "arn:aws:s3:::b/*",
                "Condition": {"StringEquals": {"aws:ResourceAccount": "111122223333"}}}"#,
        );
        let analysis = crate::analyze_text(&bucket, crate::Options::default());
        let codes: Vec<&str> = analysis.findings.iter().map(|f| f.code).collect();
        assert_eq!(analysis.policy_type, Resource);
        assert!(codes.contains(&"UNSUPPORTED_ACTION_IN_POLICY"), "{codes:?}");
        // The key may be an endpoint policy's: only a known resource policy is told.
        assert!(!codes.contains(&"IRRELEVANT_CONDITION_KEY_IN_POLICY"), "{codes:?}");
        // A resource control policy guarding S3 and other services is left alone.
        let rcp = policy(
            r#"{"Effect": "Deny", "Principal": "*", "Action": ["s3:*", "sqs:*"], "Resource": ["arn:aws:s3:::*", "arn:aws:sqs:*:*:*"]},
               {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole", "Resource": "*"}"#,
        );
        let analysis = crate::analyze_text(&rcp, crate::Options::default());
        assert!(
            analysis
                .findings
                .iter()
                .all(|f| f.code != "UNSUPPORTED_ACTION_IN_POLICY")
        );
    }
}
