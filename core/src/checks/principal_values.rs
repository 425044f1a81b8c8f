//! The values of `Principal` and `NotPrincipal` in resource-based and trust policies: principal
//! types, ARN and account formats, service principal names, wildcards, federated providers, unique
//! IDs in place of ARNs, and assumed-role sessions made redundant by their role.

use super::common::suggest;
use super::type_support::{entries, is_saml_provider};
use super::{Context, Rule, Sink};
use crate::catalog::has_wildcard;
use crate::finding::{Fix, Tag};
use crate::json::JsonString;
use crate::model::Principal;
use crate::policy_type::PolicyType;

check!(
    INVALID_PRINCIPAL_KEY,
    Error,
    "The principal type is not AWS, Service, Federated or CanonicalUser",
    r#"## What it does
Reports a key of a `Principal` object other than `AWS`, `Service`, `Federated` and
`CanonicalUser` (the names are case-sensitive), with the intended name as a fix.

## Why is this bad
The service rejects the policy.

<!-- policy-type: resource -->

## Example
```json
{"Effect": "Allow", "Principal": {"Account": "111122223333"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}
```
"#
);

check!(
    INVALID_PRINCIPAL_FORMAT,
    Error,
    "A principal value is not a valid principal",
    r#"## What it does
Reports a principal that is not well formed: a bare string other than `"*"`
(`"Principal": "arn:aws:iam::111122223333:root"`), an `AWS` value that is neither `"*"`, a
12-digit account ID nor an IAM or STS principal ARN (`root`, `user/...`, `role/...`,
`assumed-role/...`, `federated-user/...`), or a `CanonicalUser` that is not 64 hexadecimal
digits.

## Why is this bad
The service rejects the policy.

<!-- policy-type: resource -->

## Example
```json
{"Effect": "Allow", "Principal": "arn:aws:iam::111122223333:root", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}
```
"#
);

check!(
    INVALID_SERVICE_PRINCIPAL_FORMAT,
    Error,
    "A service principal is not a service's DNS name",
    r#"## What it does
Reports a `Service` principal that is not a lowercase DNS name of an AWS service, such as
`lambda.amazonaws.com` (or `ec2.amazonaws.com.cn`, `logs.us-east-1.amazonaws.com`).

Also the values of the condition keys that hold service principals (`aws:PrincipalServiceName`,
`aws:PrincipalServiceNamesList`, `aws:CalledVia`, `aws:CalledViaFirst`, `aws:CalledViaLast`,
`iam:PassedToService`, `iam:AWSServiceName`, `organizations:ServicePrincipal`), and of
`kms:ViaService`, whose format includes the Region: `SERVICE.REGION.amazonaws.com`
(`ec2.us-east-1.amazonaws.com`; IAM User Guide, "IAM policy validation check reference", and AWS
KMS Developer Guide, "kms:ViaService"). Values with wildcards or policy variables are not
checked.

## Why is this bad
The service rejects the policy, or the principal matches no service.

<!-- policy-type: trust -->

## Example
```json
{"Effect": "Allow", "Principal": {"Service": "lambda"}, "Action": "sts:AssumeRole"}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
```
"#
);

check!(
    UNSUPPORTED_WILDCARD_IN_PRINCIPAL,
    Error,
    "A principal uses a wildcard other than a whole \"*\"",
    r#"## What it does
Reports `*` or `?` inside a principal value (`arn:aws:iam::111122223333:role/*`), and a wildcard
as a `Service`, `Federated` or `CanonicalUser` principal. Only `"*"` alone, as the whole
`Principal` or as an `AWS` value, is a wildcard.

## Why is this bad
Principals do not support partial wildcards; the service rejects the policy. To match a family
of principals, use `"AWS": "*"` with a condition on `aws:PrincipalArn`.

<!-- policy-type: resource -->

## Example
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/app-*"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*",
 "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/app-*"}}}
```
"#
);

check!(
    ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL,
    Error,
    "A role trust policy has \"Principal\": \"*\"",
    r#"## What it does
Reports `"Principal": "*"` in a role trust policy.

## Why is this bad
IAM does not accept `"Principal": "*"` in a trust policy. Name the principals that may assume the
role; to let a whole organization assume it, use `{"AWS": "*"}` with an `aws:PrincipalOrgID`
condition.

<!-- policy-type: trust -->

## Example
```json
{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}
```
"#
);

check!(
    FEDERATED_PRINCIPAL_NOT_SUPPORTED,
    Error,
    "A Federated principal outside a role trust policy",
    r#"## What it does
Reports a `Federated` principal in a policy given as a resource-based policy or a VPC endpoint
policy.

## Why is this bad
Identity providers can only be trusted by a role; no other resource-based policy accepts a
federated principal.

<!-- policy-type: resource -->

## Example
```json
{"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/WebIdentityRole"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}
```
"#
);

check!(
    INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY,
    Error,
    "A Federated principal is neither an identity provider ARN nor a provider domain",
    r#"## What it does
Reports a `Federated` principal of a trust policy that is neither a SAML or OIDC provider ARN
(`arn:aws:iam::111122223333:saml-provider/Name`, `...:oidc-provider/host/path`) nor the domain
of a web identity provider (`cognito-identity.amazonaws.com`, `accounts.google.com`,
`graph.facebook.com`, `www.amazon.com`).

## Why is this bad
IAM rejects the trust policy.

<!-- policy-type: trust -->

## Example
```json
{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:role/Okta"}, "Action": "sts:AssumeRoleWithSAML",
 "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/Okta"}, "Action": "sts:AssumeRoleWithSAML",
 "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}}
```
"#
);

check!(
    INVALID_ROLE_REFERENCE,
    Warning,
    "A principal names a role by its unique ID",
    r#"## What it does
Reports an `AWS` principal that is a role's unique ID (`AROA...`) rather than its ARN.

## Why is this bad
AWS turns a role's ARN into its unique ID when it stores the policy, so that a role deleted and
re-created under the same name is not trusted. A unique ID shown in a policy means the role was
deleted; writing one yourself is fragile and hard to review. Use the role's ARN.

<!-- policy-type: resource -->

## Example
```json
{"Effect": "Allow", "Principal": {"AWS": "AROAEXAMPLEID1234567"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Reader"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}
```
"#
);

check!(
    INVALID_USER_REFERENCE,
    Warning,
    "A principal names a user by its unique ID",
    r#"## What it does
Reports an `AWS` principal that is an IAM user's unique ID (`AIDA...`) rather than its ARN.

## Why is this bad
As for roles: a unique ID in a policy usually means the user was deleted, and is hard to review.
Use the user's ARN.

<!-- policy-type: resource -->

## Example
```json
{"Effect": "Allow", "Principal": {"AWS": "AIDAEXAMPLEID1234567"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/alice"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}
```
"#
);

check!(
    REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY,
    Suggestion,
    "An assumed-role session principal next to its role",
    r#"## What it does
Reports an assumed-role session principal (`arn:aws:sts::111122223333:assumed-role/Deployer/ci`)
in a trust policy statement that also names the role itself (`...:role/Deployer`).

## Why is this bad
Trusting the role already trusts every session of it, so the session principal adds nothing.

<!-- policy-type: trust -->

## Example
```json
{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:role/Deployer", "arn:aws:sts::111122223333:assumed-role/Deployer/ci"]}, "Action": "sts:AssumeRole"}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Deployer"}, "Action": "sts:AssumeRole"}
```
"#
);

pub const RULE: Rule = Rule {
    checks: &[
        &INVALID_PRINCIPAL_KEY,
        &INVALID_PRINCIPAL_FORMAT,
        &INVALID_SERVICE_PRINCIPAL_FORMAT,
        &UNSUPPORTED_WILDCARD_IN_PRINCIPAL,
        &ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL,
        &FEDERATED_PRINCIPAL_NOT_SUPPORTED,
        &INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY,
        &INVALID_ROLE_REFERENCE,
        &INVALID_USER_REFERENCE,
        &REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY,
    ],
    run,
};

const PRINCIPAL_KEYS: &[&str] = &["AWS", "Service", "Federated", "CanonicalUser"];

/// Suffixes of the DNS names of service principals, by partition.
const SERVICE_SUFFIXES: &[&str] = &[
    ".amazonaws.com",
    ".amazonaws.com.cn",
    ".amazon.com",
    ".aws.internal",
    ".amazonaws.eu",
    ".c2s.ic.gov",
    ".sc2s.sgov.gov",
];

/// Condition keys whose values are service principals.
const SERVICE_PRINCIPAL_KEYS: &[&str] = &[
    "aws:CalledVia",
    "aws:CalledViaFirst",
    "aws:CalledViaLast",
    "aws:PrincipalServiceName",
    "aws:PrincipalServiceNamesList",
    "iam:AWSServiceName",
    "iam:PassedToService",
    "organizations:ServicePrincipal",
];

fn run(ctx: &Context<'_>, out: &mut Sink) {
    service_principal_values(ctx, out);
    let ty = ctx.policy_type;
    // Identity policies, boundaries and SCPs reject the element whole; RCPs accept only "*".
    if !matches!(ty, PolicyType::Resource | PolicyType::Trust | PolicyType::Endpoint) {
        return;
    }
    for statement in &ctx.policy.statements {
        for principal in [&statement.principal, &statement.not_principal].into_iter().flatten() {
            check_principal(ctx, principal, out);
        }
    }
}

fn check_principal(ctx: &Context<'_>, principal: &Principal<'_>, out: &mut Sink) {
    let trust = ctx.policy_type == PolicyType::Trust;
    let entries = match principal {
        Principal::Bare { value, .. } => {
            if value.value != "*" {
                let finding = out.report(
                    &INVALID_PRINCIPAL_FORMAT,
                    value.span,
                    format!(
                        "a principal must be \"*\" or an object such as {{\"AWS\": \"{}\"}}",
                        value.value
                    ),
                );
                if looks_like_aws_principal(&value.value) {
                    finding.fixes.push(Fix::replace(
                        "Wrap in {\"AWS\": ...}",
                        value.span,
                        format!("{{\"AWS\": \"{}\"}}", value.value),
                    ));
                }
            } else if trust {
                out.report(
                    &ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL,
                    value.span,
                    "\"Principal\": \"*\" is not allowed in a role trust policy; name the principals that may assume the role",
                );
            }
            return;
        }
        Principal::Map { .. } => entries(principal),
    };
    for entry in entries {
        let kind = entry.kind.value.as_str();
        if !PRINCIPAL_KEYS.contains(&kind) {
            let fixed = suggest(kind, PRINCIPAL_KEYS).or(match kind.to_ascii_lowercase().as_str() {
                "account" | "arn" | "iam" | "user" | "role" => Some("AWS"),
                _ => None,
            });
            let finding = out.report(
                &INVALID_PRINCIPAL_KEY,
                entry.kind.span,
                format!("\"{kind}\" is not a principal type; use AWS, Service, Federated or CanonicalUser"),
            );
            if let Some(fixed) = fixed {
                finding.fixes.push(Fix::replace(
                    format!("Change to \"{fixed}\""),
                    entry.kind.span,
                    format!("\"{fixed}\""),
                ));
            }
            continue;
        }
        for value in &entry.values {
            match kind {
                "AWS" => aws_value(value, out),
                "Service" => service_value(value, out),
                "CanonicalUser" => canonical_value(value, out),
                _ => federated_value(ctx, value, out),
            }
        }
        if trust && kind == "AWS" {
            redundant_sessions(&entry.values, out);
        }
    }
}

fn wildcard(value: &JsonString, what: &str, out: &mut Sink) -> bool {
    if !has_wildcard(&value.value) {
        return false;
    }
    out.report(
        &UNSUPPORTED_WILDCARD_IN_PRINCIPAL,
        value.span,
        format!("{what} principals do not support wildcards; use \"AWS\": \"*\" with a condition (aws:PrincipalArn, aws:PrincipalServiceName)"),
    );
    true
}

fn looks_like_aws_principal(value: &str) -> bool {
    is_account(value) || value.starts_with("arn:")
}

fn is_account(value: &str) -> bool {
    value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit())
}

fn unique_id(value: &str, prefix: &str) -> bool {
    value.len() >= 16
        && value.starts_with(prefix)
        && value.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

fn aws_value(value: &JsonString, out: &mut Sink) {
    let v = value.value.as_str();
    if v == "*" || is_account(v) {
        return;
    }
    if unique_id(v, "AROA") {
        out.report(
            &INVALID_ROLE_REFERENCE,
            value.span,
            format!("\"{v}\" is a role's unique ID; use the role's ARN (a unique ID here usually means the role was deleted)"),
        );
        return;
    }
    if unique_id(v, "AIDA") {
        out.report(
            &INVALID_USER_REFERENCE,
            value.span,
            format!("\"{v}\" is a user's unique ID; use the user's ARN (a unique ID here usually means the user was deleted)"),
        );
        return;
    }
    if has_wildcard(v) {
        out.report(
            &UNSUPPORTED_WILDCARD_IN_PRINCIPAL,
            value.span,
            "AWS principals support no partial wildcards; use \"AWS\": \"*\" with an ArnLike condition on aws:PrincipalArn",
        );
        return;
    }
    if !is_principal_arn(v) {
        out.report(
            &INVALID_PRINCIPAL_FORMAT,
            value.span,
            format!(
                "\"{v}\" is not an AWS principal: use \"*\", a 12-digit account ID, or an IAM or STS principal ARN \
                 (arn:aws:iam::111122223333:root, ...:role/Name, ...:user/Name)"
            ),
        );
    }
}

/// `arn:PARTITION:iam::ACCOUNT:(root|user/...|role/...)` or
/// `arn:PARTITION:sts::ACCOUNT:(assumed-role/...|federated-user/...)`. The account of a
/// CloudFront origin access identity is `cloudfront`.
fn is_principal_arn(v: &str) -> bool {
    let mut parts = v.splitn(6, ':');
    let (Some("arn"), Some(partition), Some(service), Some(""), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    if !partition.starts_with("aws") || !(is_account(account) || account == "cloudfront") {
        return false;
    }
    match service {
        "iam" => resource == "root" || resource.starts_with("user/") || resource.starts_with("role/"),
        "sts" => resource.starts_with("assumed-role/") || resource.starts_with("federated-user/"),
        _ => false,
    }
}

fn service_value(value: &JsonString, out: &mut Sink) {
    if wildcard(value, "Service", out) {
        return;
    }
    let v = value.value.as_str();
    if is_service_principal(v) {
        return;
    }
    let lower = v.to_ascii_lowercase();
    let finding = out.report(
        &INVALID_SERVICE_PRINCIPAL_FORMAT,
        value.span,
        format!("\"{v}\" is not a service principal; service principals are DNS names such as lambda.amazonaws.com"),
    );
    let fixed = if SERVICE_SUFFIXES.iter().any(|s| lower.ends_with(s)) {
        Some(lower)
    } else if !lower.is_empty()
        && lower
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        Some(format!("{lower}.amazonaws.com"))
    } else {
        None
    };
    if let Some(fixed) = fixed.filter(|f| f != v) {
        finding.fixes.push(Fix::replace(
            format!("Change to \"{fixed}\""),
            value.span,
            format!("\"{fixed}\""),
        ));
    }
}

/// The values of condition keys that hold service principals, and of `kms:ViaService`.
fn service_principal_values(ctx: &Context<'_>, out: &mut Sink) {
    for statement in &ctx.policy.statements {
        let Some(condition) = &statement.condition else {
            continue;
        };
        // String operators compare service principals; `Null` takes "true" or "false".
        let string_blocks = condition.operators.iter().filter(|b| {
            crate::operator::parse(&b.operator.value)
                .is_some_and(|op| op.base.family == crate::operator::Family::String)
        });
        for entry in string_blocks.flat_map(|b| &b.entries) {
            let key = entry.key.value.as_str();
            let via_service = key.eq_ignore_ascii_case("kms:ViaService");
            if !via_service && !SERVICE_PRINCIPAL_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key)) {
                continue;
            }
            for value in &entry.values {
                let v = value.text.as_ref();
                if v.is_empty() || has_wildcard(v) || v.contains("${") {
                    continue;
                }
                let expected = if via_service {
                    (!is_regional_service_principal(v))
                        .then_some("SERVICE.REGION.amazonaws.com, such as ec2.us-east-1.amazonaws.com")
                } else {
                    (!is_service_principal(v)).then_some("a service's DNS name, such as lambda.amazonaws.com")
                };
                if let Some(expected) = expected {
                    out.report(
                        &INVALID_SERVICE_PRINCIPAL_FORMAT,
                        value.node.span,
                        format!("\"{v}\" is not a service principal as {key} takes it: use {expected}"),
                    );
                }
            }
        }
    }
}

/// A lowercase DNS name ending with a service principal suffix (`lambda.amazonaws.com`).
fn is_service_principal(v: &str) -> bool {
    SERVICE_SUFFIXES.iter().any(|s| v.len() > s.len() && v.ends_with(s))
        && v.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && !v.starts_with(['.', '-'])
}

/// `SERVICE.REGION.amazonaws.com` (or `.amazonaws.com.cn`), as `kms:ViaService` takes it.
fn is_regional_service_principal(v: &str) -> bool {
    let Some(rest) = v
        .strip_suffix(".amazonaws.com")
        .or_else(|| v.strip_suffix(".amazonaws.com.cn"))
    else {
        return false;
    };
    rest.rsplit_once('.').is_some_and(|(service, region)| {
        !service.is_empty()
            && service
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
            && region.split('-').count() >= 3
            && region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    })
}

fn canonical_value(value: &JsonString, out: &mut Sink) {
    if wildcard(value, "CanonicalUser", out) {
        return;
    }
    let v = value.value.as_str();
    if v.len() != 64 || !v.bytes().all(|b| b.is_ascii_hexdigit()) {
        out.report(
            &INVALID_PRINCIPAL_FORMAT,
            value.span,
            "a canonical user ID is 64 hexadecimal digits",
        );
    }
}

fn federated_value(ctx: &Context<'_>, value: &JsonString, out: &mut Sink) {
    match ctx.policy_type {
        PolicyType::Trust => {}
        PolicyType::Resource | PolicyType::Endpoint if ctx.type_is_explicit => {
            out.report(
                &FEDERATED_PRINCIPAL_NOT_SUPPORTED,
                value.span,
                "federated principals are only supported in role trust policies; name the role that federated users assume",
            );
            return;
        }
        _ => return,
    }
    if wildcard(value, "Federated", out) {
        return;
    }
    let v = value.value.as_str();
    let valid = if v.starts_with("arn:") {
        is_saml_provider(v)
            || v.splitn(6, ':')
                .nth(5)
                .is_some_and(|r| r.strip_prefix("oidc-provider/").is_some_and(|p| !p.is_empty()))
    } else {
        v.contains('.')
            && !v.starts_with('.')
            && !v.ends_with('.')
            && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    };
    if !valid {
        out.report(
            &INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY,
            value.span,
            format!(
                "\"{v}\" is not an identity provider: use a SAML or OIDC provider ARN \
                 (arn:aws:iam::111122223333:saml-provider/Name) or a provider domain such as cognito-identity.amazonaws.com"
            ),
        );
    }
}

/// Reports `assumed-role/R/session` principals when `role/.../R` of the same account is listed.
fn redundant_sessions(values: &[&JsonString], out: &mut Sink) {
    let roles: Vec<(&str, &str)> = values
        .iter()
        .filter_map(|v| {
            let rest = v.value.strip_prefix("arn:")?;
            let mut parts = rest.splitn(5, ':');
            let (_, service, _, account, resource) = (
                parts.next()?,
                parts.next()?,
                parts.next()?,
                parts.next()?,
                parts.next()?,
            );
            let path = resource.strip_prefix("role/").filter(|_| service == "iam")?;
            Some((account, path.rsplit('/').next().unwrap_or(path)))
        })
        .collect();
    if roles.is_empty() {
        return;
    }
    for value in values {
        let Some(rest) = value.value.strip_prefix("arn:") else {
            continue;
        };
        let mut parts = rest.splitn(5, ':');
        let (Some(_), Some("sts"), Some(_), Some(account), Some(resource)) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let Some(role) = resource.strip_prefix("assumed-role/").and_then(|r| r.split('/').next()) else {
            continue;
        };
        if roles.iter().any(|(a, r)| *a == account && *r == role) {
            out.report(
                &REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY,
                value.span,
                format!("the role \"{role}\" is already trusted, and with it every session of the role"),
            )
            .tags
            .push(Tag::Unnecessary);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::spans_of;
    use crate::policy_type::PolicyType::{self, Identity, Resource, Trust};

    fn with_principal(principal: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {principal}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}]}}"#
        )
    }

    fn spans(principal: &str, ty: PolicyType, code: &str) -> Vec<String> {
        spans_of(&with_principal(principal), ty, code)
    }

    #[test]
    fn principal_keys() {
        assert_eq!(spans(r#"{"aws": "*"}"#, Resource, "INVALID_PRINCIPAL_KEY"), ["\"aws\""]);
        assert!(
            spans(
                r#"{"AWS": "*", "Service": "s3.amazonaws.com"}"#,
                Resource,
                "INVALID_PRINCIPAL_KEY"
            )
            .is_empty()
        );
    }

    #[test]
    fn aws_formats() {
        let bad = r#"{"AWS": ["arn:aws:s3:::b", "bob", "arn:aws:iam::111122223333:group/g"]}"#;
        assert_eq!(
            spans(bad, Resource, "INVALID_PRINCIPAL_FORMAT"),
            ["\"arn:aws:s3:::b\"", "\"bob\"", "\"arn:aws:iam::111122223333:group/g\""]
        );
        let good = r#"{"AWS": ["*", "111122223333", "arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:role/p/R",
            "arn:aws-cn:sts::111122223333:assumed-role/R/s", "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E1"]}"#;
        assert!(spans(good, Resource, "INVALID_PRINCIPAL_FORMAT").is_empty());
        assert_eq!(
            spans(
                r#""arn:aws:iam::111122223333:root""#,
                Resource,
                "INVALID_PRINCIPAL_FORMAT"
            )
            .len(),
            1
        );
        assert_eq!(
            spans(r#"{"CanonicalUser": "abc"}"#, Resource, "INVALID_PRINCIPAL_FORMAT"),
            ["\"abc\""]
        );
    }

    #[test]
    fn wildcards() {
        assert_eq!(
            spans(
                r#"{"AWS": "arn:aws:iam::*:root"}"#,
                Resource,
                "UNSUPPORTED_WILDCARD_IN_PRINCIPAL"
            ),
            ["\"arn:aws:iam::*:root\""]
        );
        assert_eq!(
            spans(r#"{"Service": "*"}"#, Resource, "UNSUPPORTED_WILDCARD_IN_PRINCIPAL"),
            ["\"*\""]
        );
        assert!(spans(r#"{"AWS": "*"}"#, Resource, "UNSUPPORTED_WILDCARD_IN_PRINCIPAL").is_empty());
        assert_eq!(
            spans(r#""*""#, Trust, "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL"),
            ["\"*\""]
        );
        assert!(
            spans(
                r#""*""#,
                Resource,
                "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL"
            )
            .is_empty()
        );
    }

    #[test]
    fn service_principals() {
        let bad = r#"{"Service": ["lambda", "Lambda.amazonaws.com", "arn:aws:iam::111122223333:root"]}"#;
        assert_eq!(spans(bad, Trust, "INVALID_SERVICE_PRINCIPAL_FORMAT").len(), 3);
        let good = r#"{"Service": ["lambda.amazonaws.com", "ec2.amazonaws.com.cn", "logs.us-east-1.amazonaws.com"]}"#;
        assert!(spans(good, Trust, "INVALID_SERVICE_PRINCIPAL_FORMAT").is_empty());
    }

    #[test]
    fn service_principals_in_condition_values() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
            "Condition": {"StringEquals": {"kms:ViaService": ["s3.amazonaws.com", "s3.us-east-1.amazonaws.com"],
                                           "aws:CalledViaFirst": ["athena", "athena.amazonaws.com"]},
                          "StringLike": {"kms:ViaService": "ec2.*.amazonaws.com"}}}]}"#;
        assert_eq!(
            crate::checks::test_support::spans_of(text, Identity, "INVALID_SERVICE_PRINCIPAL_FORMAT"),
            ["\"s3.amazonaws.com\"", "\"athena\""]
        );
        let pass = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
            "Condition": {"StringEquals": {"iam:PassedToService": ["lambda.amazonaws.com", "ec2.amazonaws.com.cn"]}}}]}"#;
        assert!(crate::checks::test_support::spans_of(pass, Identity, "INVALID_SERVICE_PRINCIPAL_FORMAT").is_empty());
    }

    #[test]
    fn federated() {
        let p = r#"{"Federated": "cognito-identity.amazonaws.com"}"#;
        assert_eq!(spans(p, Resource, "FEDERATED_PRINCIPAL_NOT_SUPPORTED").len(), 1);
        assert!(spans(p, Trust, "FEDERATED_PRINCIPAL_NOT_SUPPORTED").is_empty());
        assert!(spans(p, Trust, "INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY").is_empty());
        let bad = r#"{"Federated": ["arn:aws:iam::111122223333:role/x", "okta"]}"#;
        assert_eq!(
            spans(bad, Trust, "INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY"),
            ["\"arn:aws:iam::111122223333:role/x\"", "\"okta\""]
        );
        let good = r#"{"Federated": ["arn:aws:iam::111122223333:saml-provider/Okta", "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"]}"#;
        assert!(spans(good, Trust, "INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY").is_empty());
    }

    #[test]
    fn unique_ids() {
        let p = r#"{"AWS": ["AROAEXAMPLEID1234567", "AIDAEXAMPLEID1234567"]}"#;
        assert_eq!(
            spans(p, Resource, "INVALID_ROLE_REFERENCE"),
            ["\"AROAEXAMPLEID1234567\""]
        );
        assert_eq!(
            spans(p, Resource, "INVALID_USER_REFERENCE"),
            ["\"AIDAEXAMPLEID1234567\""]
        );
        assert!(spans(p, Resource, "INVALID_PRINCIPAL_FORMAT").is_empty());
    }

    #[test]
    fn redundant_session() {
        let p = r#"{"AWS": ["arn:aws:iam::111122223333:role/ops/Deployer", "arn:aws:sts::111122223333:assumed-role/Deployer/ci", "arn:aws:sts::111122223333:assumed-role/Other/ci"]}"#;
        assert_eq!(
            spans(p, Trust, "REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY"),
            ["\"arn:aws:sts::111122223333:assumed-role/Deployer/ci\""]
        );
    }
}
