//! Where `Principal` and `NotPrincipal` may appear, by policy type: never in identity policies,
//! boundaries or SCPs; always in resource-based policies and trust policies; only as `"*"` in
//! RCPs; `NotPrincipal` never in trust policies and RCPs, and dangerous with `Allow` elsewhere.

use super::common::{is_incomplete, removal_span, suggest};
use super::type_support::is_certainly;
use super::{Context, Rule, Sink};
use crate::finding::Fix;
use crate::model::{Effect, Principal, STATEMENT_ELEMENTS, Statement};
use crate::policy_type::PolicyType;

check!(
    UNSUPPORTED_PRINCIPAL,
    Error,
    "An identity policy or permissions boundary has a Principal",
    r#"## What it does
Reports `Principal` or `NotPrincipal` in a policy given as an identity policy or a permissions
boundary (by `--policy-type`, the editor setting, the configuration or the file name). A policy
whose type is only inferred is never reported: a `Principal` makes it a resource-based policy.

## Why is this bad
An identity policy applies to the user, group or role it is attached to; it cannot name another
principal. IAM rejects the policy.

## Example
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "*"}
```

## Use instead
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
```
"#
);

check!(
    SCP_SYNTAX_ERROR_PRINCIPAL,
    Error,
    "An SCP has a Principal or NotPrincipal",
    r#"## What it does
Reports `Principal` or `NotPrincipal` in a service control policy.

## Why is this bad
An SCP applies to every principal of the accounts it is attached to; AWS Organizations rejects
an SCP that names principals. To exempt principals, use a condition such as
`"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Admin"}`.

<!-- policy-type: scp -->

## Example
```json
{"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket", "Resource": "*"}
```

## Use instead
```json
{"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*",
 "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Admin"}}}
```
"#
);

check!(
    RCP_SYNTAX_ERROR_PRINCIPAL,
    Error,
    "An RCP statement's Principal is not \"*\"",
    r#"## What it does
Reports an RCP statement whose `Principal` is missing or anything but `"*"`, and `NotPrincipal`
in an RCP.

## Why is this bad
A resource control policy applies to every principal that calls the resources; AWS
Organizations only accepts `"Principal": "*"`. Restrict principals with conditions
(`aws:PrincipalOrgID`, `aws:PrincipalIsAWSService`).

<!-- policy-type: rcp -->

## Example
```json
{"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:*", "Resource": "*"}
```

## Use instead
```json
{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
 "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
               "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}
```
"#
);

check!(
    MISSING_PRINCIPAL,
    Error,
    "A resource-based or trust policy statement has no Principal",
    r#"## What it does
Reports a statement without `Principal` or `NotPrincipal` in a resource-based policy (bucket
policy, key policy, queue policy, ...) or a role trust policy.

A statement that is still being typed is not reported, nor one whose `Principal` is misspelt
(INVALID_POLICY_ELEMENT reports that, with a fix).

## Why is this bad
A resource-based policy grants or denies access to the principals it names; without a principal
the service rejects the policy.

<!-- policy-type: resource -->

## Example
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}
```
"#
);

check!(
    ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL,
    Error,
    "A role trust policy uses NotPrincipal",
    r#"## What it does
Reports `NotPrincipal` in a role trust policy.

## Why is this bad
IAM does not support `NotPrincipal` in trust policies and rejects the policy. Name the principals
that may assume the role in `Principal`.

<!-- policy-type: trust -->

## Example
```json
{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:user/mallory"}, "Action": "sts:AssumeRole"}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Deployer"}, "Action": "sts:AssumeRole"}
```
"#
);

check!(
    ALLOW_WITH_NOT_PRINCIPAL,
    SecurityWarning,
    "Allow with NotPrincipal grants access to everyone else",
    r#"## What it does
Reports a statement of a resource-based policy that combines `"Effect": "Allow"` with
`NotPrincipal`.

## Why is this bad
The statement allows every principal except the ones listed — including anonymous users and
every other AWS account. It is almost never what was meant.

<!-- policy-type: resource -->

## Example
```json
{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:user/mallory"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Reader"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}
```
"#
);

pub const RULE: Rule = Rule {
    checks: &[
        &UNSUPPORTED_PRINCIPAL,
        &SCP_SYNTAX_ERROR_PRINCIPAL,
        &RCP_SYNTAX_ERROR_PRINCIPAL,
        &MISSING_PRINCIPAL,
        &ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL,
        &ALLOW_WITH_NOT_PRINCIPAL,
    ],
    run,
};

fn run(ctx: &Context<'_>, out: &mut Sink) {
    let ty = ctx.policy_type;
    for statement in &ctx.policy.statements {
        let principals = [&statement.principal, &statement.not_principal];
        match ty {
            PolicyType::Identity | PolicyType::Boundary | PolicyType::Scp => {
                if !ctx.type_is_explicit {
                    continue;
                }
                let check = if ty == PolicyType::Scp {
                    &SCP_SYNTAX_ERROR_PRINCIPAL
                } else {
                    &UNSUPPORTED_PRINCIPAL
                };
                let what = match ty {
                    PolicyType::Scp => "an SCP",
                    PolicyType::Boundary => "a permissions boundary",
                    _ => "an identity policy",
                };
                for principal in principals.into_iter().flatten() {
                    let member = principal.member();
                    out.report(
                        check,
                        member.key.span,
                        format!("\"{}\" is not allowed in {what}", member.key.value),
                    )
                    .fixes
                    .push(Fix::replace(
                        format!("Remove \"{}\"", member.key.value),
                        removal_span(ctx.text, member),
                        "",
                    ));
                }
            }
            PolicyType::Rcp => rcp_principal(ctx, statement, out),
            PolicyType::Resource | PolicyType::Trust => {
                if statement.principal.is_none()
                    && statement.not_principal.is_none()
                    && !is_incomplete(ctx.text, statement.object, statement.span)
                    && !mentions_principal(statement)
                {
                    out.report(
                        &MISSING_PRINCIPAL,
                        statement.head_span(),
                        format!(
                            "{} has no \"Principal\": {} must name who it applies to",
                            statement.label(),
                            if ty == PolicyType::Trust {
                                "a trust policy statement"
                            } else {
                                "a resource-based policy statement"
                            }
                        ),
                    );
                }
                not_principal(ctx, statement, out);
            }
            PolicyType::Endpoint => not_principal(ctx, statement, out),
        }
    }
}

/// Whether the statement has a key that INVALID_POLICY_ELEMENT suggests renaming to `Principal`.
fn mentions_principal(statement: &Statement<'_>) -> bool {
    statement.object.members.iter().any(|m| {
        let key = m.key.value.as_str();
        !STATEMENT_ELEMENTS.contains(&key)
            && suggest(key, STATEMENT_ELEMENTS).is_some_and(|s| s == "Principal" || s == "NotPrincipal")
    })
}

fn not_principal(ctx: &Context<'_>, statement: &Statement<'_>, out: &mut Sink) {
    let Some(np) = &statement.not_principal else {
        return;
    };
    let key = np.member().key.span;
    if ctx.policy_type == PolicyType::Trust {
        if is_certainly(ctx, PolicyType::Trust) {
            out.report(
                &ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL,
                key,
                "role trust policies do not support \"NotPrincipal\"; name the principals that may assume the role in \"Principal\"",
            );
        }
    } else if statement.effect() == Some(Effect::Allow) {
        out.report(
            &ALLOW_WITH_NOT_PRINCIPAL,
            key,
            "\"Allow\" with \"NotPrincipal\" allows every principal not listed, anonymous users and other accounts included",
        );
    }
}

fn rcp_principal(ctx: &Context<'_>, statement: &Statement<'_>, out: &mut Sink) {
    if let Some(np) = &statement.not_principal {
        out.report(
            &RCP_SYNTAX_ERROR_PRINCIPAL,
            np.member().key.span,
            "RCPs do not support \"NotPrincipal\"; use \"Principal\": \"*\" with conditions",
        );
    }
    match &statement.principal {
        Some(Principal::Bare { value, .. }) if value.value == "*" => {}
        Some(principal) => {
            let span = principal
                .member()
                .value
                .as_ref()
                .map_or(principal.member().key.span, |v| v.span);
            out.report(
                &RCP_SYNTAX_ERROR_PRINCIPAL,
                span,
                "the \"Principal\" of an RCP must be \"*\"; restrict principals with conditions such as aws:PrincipalOrgID",
            )
            .fixes
            .push(Fix::replace("Set \"Principal\" to \"*\"", span, "\"*\""));
        }
        None => {
            if statement.not_principal.is_none()
                && !is_incomplete(ctx.text, statement.object, statement.span)
                && !mentions_principal(statement)
            {
                out.report(
                    &RCP_SYNTAX_ERROR_PRINCIPAL,
                    statement.head_span(),
                    format!(
                        "{} has no \"Principal\"; RCP statements need \"Principal\": \"*\"",
                        statement.label()
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::spans_of;
    use crate::policy_type::PolicyType::{Boundary, Identity, Rcp, Resource, Scp, Trust};

    fn policy(statement: &str) -> String {
        format!(r#"{{"Version": "2012-10-17", "Statement": [{statement}]}}"#)
    }

    #[test]
    fn principal_not_allowed_in_identity_boundary_scp() {
        let text = policy(r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}"#);
        assert_eq!(spans_of(&text, Identity, "UNSUPPORTED_PRINCIPAL"), ["\"Principal\""]);
        assert_eq!(spans_of(&text, Boundary, "UNSUPPORTED_PRINCIPAL"), ["\"Principal\""]);
        assert_eq!(spans_of(&text, Scp, "SCP_SYNTAX_ERROR_PRINCIPAL"), ["\"Principal\""]);
        assert!(spans_of(&text, Resource, "UNSUPPORTED_PRINCIPAL").is_empty());
        let ok = policy(r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}"#);
        assert!(spans_of(&ok, Identity, "UNSUPPORTED_PRINCIPAL").is_empty());
        assert!(spans_of(&ok, Scp, "SCP_SYNTAX_ERROR_PRINCIPAL").is_empty());
    }

    #[test]
    fn missing_principal() {
        let text = policy(r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}"#);
        assert_eq!(spans_of(&text, Resource, "MISSING_PRINCIPAL"), ["{"]);
        assert_eq!(spans_of(&text, Trust, "MISSING_PRINCIPAL"), ["{"]);
        assert!(spans_of(&text, Identity, "MISSING_PRINCIPAL").is_empty());
        let typo = policy(r#"{"Effect": "Allow", "principal": "*", "Action": "s3:GetObject", "Resource": "*"}"#);
        assert!(spans_of(&typo, Resource, "MISSING_PRINCIPAL").is_empty());
        let typing = r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "#;
        assert!(spans_of(typing, Resource, "MISSING_PRINCIPAL").is_empty());
    }

    #[test]
    fn not_principal_by_type() {
        let text = policy(
            r#"{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}"#,
        );
        assert_eq!(
            spans_of(&text, Trust, "ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL"),
            ["\"NotPrincipal\""]
        );
        assert!(spans_of(&text, Trust, "ALLOW_WITH_NOT_PRINCIPAL").is_empty());
        assert_eq!(
            spans_of(&text, Resource, "ALLOW_WITH_NOT_PRINCIPAL"),
            ["\"NotPrincipal\""]
        );
        let deny = text.replace("Allow", "Deny");
        assert!(spans_of(&deny, Resource, "ALLOW_WITH_NOT_PRINCIPAL").is_empty());
    }

    #[test]
    fn rcp_principal_must_be_star() {
        let text = policy(r#"{"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*", "Resource": "*"}"#);
        assert_eq!(spans_of(&text, Rcp, "RCP_SYNTAX_ERROR_PRINCIPAL"), ["{\"AWS\": \"*\"}"]);
        let missing = policy(r#"{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}"#);
        assert_eq!(spans_of(&missing, Rcp, "RCP_SYNTAX_ERROR_PRINCIPAL"), ["{"]);
        let ok = policy(r#"{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}"#);
        assert!(spans_of(&ok, Rcp, "RCP_SYNTAX_ERROR_PRINCIPAL").is_empty());
    }
}
