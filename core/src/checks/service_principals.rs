//! Resource-based policies that grant to AWS service principals: the confused-deputy guard
//! (`aws:SourceArn` / `aws:SourceAccount` / `aws:SourceOrgID`), keys that do not identify the
//! calling resource, and keys a service principal's requests never carry. Also `s3:prefix` where
//! omitting it slips past a deny.

use super::type_support::{key_uses, uses_key};
use super::{Context, Rule, Sink};
use crate::model::Effect;
use crate::policy_type::PolicyType;

check!(
    RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL,
    SecurityWarning,
    "A service principal is granted access without aws:SourceArn or aws:SourceAccount",
    r#"## What it does
Reports an `Allow` statement of a resource-based policy that grants to a `Service` principal
without a condition on `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceOrgID` or
`aws:SourceOrgPaths`. Trust policies are not reported.

## Why is this bad
The service acts for every AWS customer. Without a condition naming your resource or account,
anyone can make the service use this grant on their behalf — the confused deputy problem.

<!-- policy-type: resource -->

## Example
```json
{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
 "Resource": "arn:aws:s3:::example-trail-bucket/AWSLogs/111122223333/*"}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
 "Resource": "arn:aws:s3:::example-trail-bucket/AWSLogs/111122223333/*",
 "Condition": {"StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:111122223333:trail/main"}}}
```
"#
);

check!(
    RECOMMENDED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL,
    Suggestion,
    "A service principal grant is conditioned on a key that does not identify the caller's resource",
    r#"## What it does
Reports `aws:Referer`, `aws:UserAgent`, `aws:SourceIp`, `aws:SourceVpc` or `aws:SourceVpce` in an
`Allow` statement that grants to a `Service` principal.

## Why is this bad
When a service calls with its service principal these keys describe the service's own request,
not your resource: `aws:SourceIp` is an AWS address, `aws:SourceVpc` is absent. Use
`aws:SourceArn` or `aws:SourceAccount`.

<!-- policy-type: resource -->

## Example
```json
{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
 "Resource": "arn:aws:s3:::example-trail-bucket/AWSLogs/111122223333/*",
 "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}, "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
 "Resource": "arn:aws:s3:::example-trail-bucket/AWSLogs/111122223333/*",
 "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}}
```
"#
);

check!(
    UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL,
    Error,
    "A condition key a service principal's requests never carry",
    r#"## What it does
Reports, in a statement of a resource-based policy whose principals are all service principals, a
condition key that only IAM users, roles and their sessions have: `aws:PrincipalOrgID` and `aws:PrincipalOrgPaths`
(present "only if the principal is a member of an organization"), `aws:PrincipalTag/...`
(tags of an IAM user or role), `aws:username` (IAM users), and the role-session keys
`aws:MultiFactorAuthPresent`, `aws:MultiFactorAuthAge`, `aws:TokenIssueTime`,
`aws:SourceIdentity`, `aws:FederatedProvider` and `aws:AssumedRoot` (IAM User Guide, "AWS global
condition context keys", the Availability of each key). IAM Access Analyzer gives
`aws:PrincipalOrgID` with `cloudfront.amazonaws.com` as its example. Role trust policies are not
reported: a service that assumes a role for someone passes their attributes (IAM Roles Anywhere
sets `aws:PrincipalTag/x509Subject/CN` from the certificate, IAM Roles Anywhere User Guide, "Trust
model").

## Why is this bad
The key is never in the service's request: the condition is always false (or, with `IfExists`
or a negated operator, always true), so the statement does not do what it says. To limit a
service to your resources, use `aws:SourceArn`, `aws:SourceAccount` or `aws:SourceOrgID`.

<!-- policy-type: resource -->

## Example
```json
{"Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
 "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
 "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*", "Condition": {"StringEquals": {"aws:SourceOrgID": "o-a1b2c3d4e5"}}}
```
"#
);

check!(
    S3_PREFIX_IN_NEGATIVE_CONTEXT,
    SecurityWarning,
    "s3:prefix in a Deny or with a negated operator",
    r#"## What it does
Reports the `s3:prefix` condition key in a `Deny` statement or under a negated operator
(`StringNotLike`, `StringNotEquals`).

## Why is this bad
`s3:prefix` is only present when the `ListBucket` request has a `prefix` parameter, and S3 does
not normalise it. A caller who omits it, or writes it differently (`home//alice`), is not matched
by the deny. Grant listing with a positive `Allow` on the prefixes instead.

## Example
```json
{"Effect": "Deny", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::example-bucket",
 "Condition": {"StringLike": {"s3:prefix": "confidential/*"}}}
```

## Use instead
```json
{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::example-bucket",
 "Condition": {"StringLike": {"s3:prefix": ["public/", "public/*"]}}}
```
"#
);

pub const RULE: Rule = Rule {
    checks: &[
        &RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL,
        &RECOMMENDED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL,
        &UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL,
        &S3_PREFIX_IN_NEGATIVE_CONTEXT,
    ],
    run,
};

const SOURCE_KEYS: &[&str] = &[
    "aws:SourceArn",
    "aws:SourceAccount",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
];
const CALLER_KEYS: &[&str] = &[
    "aws:Referer",
    "aws:UserAgent",
    "aws:SourceIp",
    "aws:SourceVpc",
    "aws:SourceVpce",
];

/// Keys only IAM users, roles and their sessions have (see the check's docs); templates end
/// with `/`.
const IDENTITY_ONLY_KEYS: &[&str] = &[
    "aws:AssumedRoot",
    "aws:FederatedProvider",
    "aws:MultiFactorAuthAge",
    "aws:MultiFactorAuthPresent",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalTag/",
    "aws:SourceIdentity",
    "aws:TokenIssueTime",
    "aws:username",
];

fn identity_only(key: &str) -> bool {
    IDENTITY_ONLY_KEYS.iter().any(|k| match k.strip_suffix('/') {
        Some(head) => key
            .get(..head.len() + 1)
            .is_some_and(|h| h.eq_ignore_ascii_case(k) && key.len() > k.len()),
        None => key.eq_ignore_ascii_case(k),
    })
}

/// Whether every principal the statement names is a service principal.
fn only_service_principals(statement: &crate::model::Statement<'_>) -> bool {
    let Some(principal) = &statement.principal else {
        return false;
    };
    let entries = super::type_support::entries(principal);
    !entries.is_empty()
        && entries
            .iter()
            .all(|e| e.kind.value == "Service" && !e.values.is_empty())
}

fn run(ctx: &Context<'_>, out: &mut Sink) {
    let granting = matches!(ctx.policy_type, PolicyType::Resource | PolicyType::Endpoint);
    let statements = ctx.policy.statements.iter().filter(|_| granting);
    for statement in statements.filter(|s| only_service_principals(s)) {
        for u in key_uses(statement).iter().filter(|u| identity_only(u.key())) {
            out.report(
                &UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL,
                u.entry.key.span,
                format!(
                    "a service principal's request never carries \"{}\", which only IAM users, roles and their sessions have; \
                     use aws:SourceArn, aws:SourceAccount or aws:SourceOrgID",
                    u.key()
                ),
            );
        }
    }
    let resource = matches!(ctx.policy_type, PolicyType::Resource | PolicyType::Endpoint);
    for statement in &ctx.policy.statements {
        let uses = key_uses(statement);
        let deny = statement.effect() == Some(Effect::Deny);
        for u in &uses {
            if u.is("s3:prefix") && (deny || u.op.is_some_and(|op| op.base.is_negated())) {
                out.report(
                    &S3_PREFIX_IN_NEGATIVE_CONTEXT,
                    u.entry.key.span,
                    "a request without a prefix parameter, or with the prefix spelt differently, is not matched: \
                     grant listing with a positive Allow on s3:prefix instead",
                );
            }
        }
        if !resource || statement.effect() != Some(Effect::Allow) {
            continue;
        }
        let Some(principal) = &statement.principal else {
            continue;
        };
        let services: Vec<_> = super::type_support::principal_values(principal, "Service").collect();
        let Some(first) = services.first() else {
            continue;
        };
        if !SOURCE_KEYS.iter().any(|k| uses_key(statement, k)) {
            out.report(
                &RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL,
                first.span,
                format!(
                    "{} acts for every AWS customer: add a condition on aws:SourceArn or aws:SourceAccount so it \
                     can only use this grant for your resources",
                    first.value
                ),
            );
        }
        for u in uses.iter().filter(|u| CALLER_KEYS.iter().any(|k| u.is(k))) {
            out.report(
                &RECOMMENDED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL,
                u.entry.key.span,
                format!(
                    "{} describes the service's own request, not your resource; use aws:SourceArn or aws:SourceAccount",
                    u.key()
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::spans_of;
    use crate::policy_type::PolicyType::{Identity, Resource, Trust};

    fn policy(condition: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"Service": "logs.amazonaws.com"}},
               "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"{condition}}}]}}"#
        )
    }

    #[test]
    fn confused_deputy() {
        let text = policy("");
        assert_eq!(
            spans_of(&text, Resource, "RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL"),
            ["\"logs.amazonaws.com\""]
        );
        assert!(spans_of(&text, Trust, "RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL").is_empty());
        let ok = policy(r#", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:logs:us-east-1:111122223333:*"}}"#);
        assert!(spans_of(&ok, Resource, "RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL").is_empty());
    }

    #[test]
    fn caller_keys_with_service_principal() {
        let text =
            policy(r#", "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333", "aws:Referer": "x"}}"#);
        assert_eq!(
            spans_of(&text, Resource, "RECOMMENDED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL"),
            ["\"aws:Referer\""]
        );
        let ok = policy(r#", "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}"#);
        assert!(spans_of(&ok, Resource, "RECOMMENDED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL").is_empty());
    }

    #[test]
    fn trust_policies_carry_what_the_service_passes() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "rolesanywhere.amazonaws.com"},
            "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
            "Condition": {"StringEquals": {"aws:PrincipalTag/x509Subject/CN": "host-1"}}}]}"#;
        assert!(spans_of(text, Trust, "UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL").is_empty());
    }

    #[test]
    fn identity_keys_with_service_principals() {
        let text = policy(
            r#", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1", "aws:PrincipalTag/team": "x", "aws:SourceAccount": "111122223333"}}"#,
        );
        assert_eq!(
            spans_of(&text, Resource, "UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL"),
            ["\"aws:PrincipalOrgID\"", "\"aws:PrincipalTag/team\""]
        );
        // With an AWS principal too, the key applies to that principal's requests.
        let mixed = text.replace(
            r#"{"Service": "logs.amazonaws.com"}"#,
            r#"{"Service": "logs.amazonaws.com", "AWS": "111122223333"}"#,
        );
        assert!(spans_of(&mixed, Resource, "UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL").is_empty());
    }

    #[test]
    fn s3_prefix() {
        let text = r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b", "Condition": {"StringNotLike": {"s3:prefix": "x/*"}}},
            {"Effect": "Deny", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b", "Condition": {"StringLike": {"s3:prefix": "y/*"}}},
            {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b", "Condition": {"StringLike": {"s3:prefix": "z/*"}}}]}"#;
        assert_eq!(
            spans_of(text, Identity, "S3_PREFIX_IN_NEGATIVE_CONTEXT"),
            ["\"s3:prefix\"", "\"s3:prefix\""]
        );
    }
}
