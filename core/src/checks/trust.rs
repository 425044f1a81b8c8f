//! Role trust policies: no `Resource`; the `sts:AssumeRole*` action that fits each kind of
//! principal; the actions IAM Roles Anywhere needs, and those conditions on session tags and the
//! source identity need; conditions that keep an OIDC provider (GitHub Actions above all) from
//! letting every one of its users assume the role; and the `aud` claim.

use super::common::removal_span;
use super::type_support::{GITHUB_OIDC, KeyUse, Reach, entries, is_saml_provider, key_uses, oidc_provider, reaches};
use super::{Context, Rule, Sink};
use crate::catalog::has_wildcard;
use crate::finding::Fix;
use crate::model::{Effect, Principal, Statement};
use crate::operator::Qualifier;
use crate::policy_type::PolicyType;

check!(
    ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE,
    Error,
    "A role trust policy has Resource or NotResource",
    r#"## What it does
Reports `Resource` and `NotResource` in a role trust policy.

## Why is this bad
The resource of a trust policy is the role it is attached to; IAM rejects a trust policy that
names one.

<!-- policy-type: trust -->

## Example
```json
{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole", "Resource": "*"}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
```
"#
);

check!(
    MISMATCHED_ACTION_FOR_PRINCIPAL,
    Error,
    "The sts:AssumeRole* action does not fit the principal",
    r#"## What it does
Reports an `sts:AssumeRole`, `sts:AssumeRoleWithSAML` or `sts:AssumeRoleWithWebIdentity` action
in a trust policy statement that names no principal able to perform it: `AssumeRoleWithSAML`
needs a SAML provider, `AssumeRoleWithWebIdentity` an OIDC provider or web identity domain, and
`AssumeRole` an AWS or service principal.

## Why is this bad
The principal can never assume the role through this statement; IAM Access Analyzer rejects the
combination.

<!-- policy-type: trust -->

## Example
```json
{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/Okta"}, "Action": "sts:AssumeRoleWithWebIdentity",
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
    MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY,
    Error,
    "An IAM Roles Anywhere trust lacks sts:AssumeRole, sts:TagSession or sts:SetSourceIdentity",
    r#"## What it does
Reports a statement trusting `rolesanywhere.amazonaws.com` whose actions do not include all of
`sts:AssumeRole`, `sts:TagSession` and `sts:SetSourceIdentity`.

## Why is this bad
IAM Roles Anywhere performs all three when it creates a session; without them it cannot use the
role.

<!-- policy-type: trust -->

## Example
```json
{"Effect": "Allow", "Principal": {"Service": "rolesanywhere.amazonaws.com"}, "Action": "sts:AssumeRole",
 "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:rolesanywhere:us-east-1:111122223333:trust-anchor/0a1b2c3d"}}}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"Service": "rolesanywhere.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
 "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:rolesanywhere:us-east-1:111122223333:trust-anchor/0a1b2c3d"}}}
```
"#
);

check!(
    MISSING_ACTION_FOR_CONDITION_KEY,
    Error,
    "A trust policy conditions a value its actions do not let the caller set",
    r#"## What it does
Reports, in an `Allow` statement of a role trust policy, a condition on a value the caller sets
while assuming the role, when the statement's actions do not include the permission to set it:
`sts:SourceIdentity` needs `sts:SetSourceIdentity`, and the session tag keys
(`aws:RequestTag/...`, `aws:TagKeys`, `sts:TransitiveTagKeys`) need `sts:TagSession`. A `Null`
test that the key is absent needs nothing.

## Why is this bad
Without the permission the caller cannot pass the value, so a condition that requires it is never
true: "The condition key ... is not evaluated unless the specified action is in the Action
element" (IAM User Guide, "IAM policy validation check reference").

<!-- policy-type: trust -->

## Example
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/ci"}, "Action": "sts:AssumeRole",
 "Condition": {"StringEquals": {"aws:RequestTag/project": "atlas"}}}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/ci"}, "Action": ["sts:AssumeRole", "sts:TagSession"],
 "Condition": {"StringEquals": {"aws:RequestTag/project": "atlas"}}}
```
"#
);

check!(
    MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL,
    SecurityWarning,
    "An OIDC provider is trusted without a condition on its claims",
    r#"## What it does
Reports an OIDC or web identity provider trusted by an `Allow` statement that has no condition
on one of the provider's claims (`PROVIDER:aud`, `PROVIDER:sub`, `PROVIDER:amr`, ...). GitHub
Actions has its own check, MISSING_GITHUB_REPO_CONDITION_KEY.

## Why is this bad
Without a condition, every identity the provider issues tokens to — every user of a public
identity provider, every application of the identity pool or cluster — can assume the role.

<!-- policy-type: trust -->

## Example
```json
{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE0123456789"},
 "Action": "sts:AssumeRoleWithWebIdentity"}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE0123456789"},
 "Action": "sts:AssumeRoleWithWebIdentity",
 "Condition": {"StringEquals": {"oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE0123456789:sub": "system:serviceaccount:app:web",
                                "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE0123456789:aud": "sts.amazonaws.com"}}}
```
"#
);

check!(
    MISSING_GITHUB_REPO_CONDITION_KEY,
    SecurityWarning,
    "GitHub Actions is trusted without a condition on token.actions.githubusercontent.com:sub",
    r#"## What it does
Reports a trust of GitHub Actions' OIDC provider (`token.actions.githubusercontent.com`) by an
`Allow` statement without a condition on `token.actions.githubusercontent.com:sub`.

## Why is this bad
Every workflow of every GitHub repository — anyone's — can then assume the role.

<!-- policy-type: trust -->

## Example
```json
{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
 "Action": "sts:AssumeRoleWithWebIdentity",
 "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
 "Action": "sts:AssumeRoleWithWebIdentity",
 "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                                "token.actions.githubusercontent.com:sub": "repo:example-org/example-repo:ref:refs/heads/main"}}}
```
"#
);

check!(
    SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED,
    Warning,
    "The GitHub Actions sub condition uses a wildcard",
    r#"## What it does
Reports a `token.actions.githubusercontent.com:sub` condition value with a wildcard
(`repo:example-org/*`, `repo:example-org/example-repo:*`).

## Why is this bad
Every repository, branch, pull request or environment the wildcard matches can assume the role —
including branches anyone with write access can push and workflows run for forks. Name the
repository and the branch or environment.

<!-- policy-type: trust -->

## Example
```json
{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
 "Action": "sts:AssumeRoleWithWebIdentity",
 "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
               "StringLike": {"token.actions.githubusercontent.com:sub": "repo:example-org/*"}}}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
 "Action": "sts:AssumeRoleWithWebIdentity",
 "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                                "token.actions.githubusercontent.com:sub": "repo:example-org/example-repo:environment:production"}}}
```
"#
);

check!(
    CONFIRM_AUDIENCE_CLAIM_TYPE,
    Suggestion,
    "An OIDC audience (aud) claim: confirm whether it is single-valued",
    r#"## What it does
Reports every condition on the `aud` (audience) claim of an OpenID Connect provider
(`cognito-identity.amazonaws.com:aud`, `token.actions.githubusercontent.com:aud`,
`oidc.eks.REGION.amazonaws.com/id/ID:aud`), as IAM Access Analyzer does whenever the key
appears: a reminder to confirm how the provider issues the claim. With `ForAllValues:` the
finding says more: that qualifier is also true when the claim is missing. `ForAnyValue:` is
FORANYVALUE_WITH_AUDIENCE_CLAIM_TYPE, a security warning. SAML's `SAML:aud` is not an OIDC claim
and is not reported.

A suggestion: with a single-valued audience and an operator without qualifier (the usual case)
there is nothing to change.

## Why is this bad
The claim identifies the application the token was issued to. If the provider issues several
audiences per token, the condition needs a set operator to compare them; if it issues one, a set
operator is wrong (`ForAllValues` accepts a token without the claim).

<!-- policy-type: trust -->

## Example
```json
{"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "sts:AssumeRoleWithWebIdentity",
 "Condition": {"ForAllValues:StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:12345678-1234-1234-1234-123456789012"}}}
```

## Use instead
Keep the audience condition without a qualifier when the claim is single-valued; the reminder
stays. Only a trust policy without an OIDC audience, such as a SAML one, is not reported:

```json
{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/ExampleIdP"}, "Action": "sts:AssumeRoleWithSAML",
 "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}}
```
"#
);

check!(
    FORANYVALUE_WITH_AUDIENCE_CLAIM_TYPE,
    SecurityWarning,
    "ForAnyValue on the aud claim",
    r#"## What it does
Reports `ForAnyValue:` with an `aud` (audience) claim key.

## Why is this bad
With a multivalued audience, `ForAnyValue` accepts a token issued for several audiences as soon
as one of them matches — a token meant for another application can be used to assume the role.
For the usual single-valued claim, use the plain operator.

<!-- policy-type: trust -->

## Example
```json
{"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "sts:AssumeRoleWithWebIdentity",
 "Condition": {"ForAnyValue:StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:12345678-1234-1234-1234-123456789012"}}}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "sts:AssumeRoleWithWebIdentity",
 "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:12345678-1234-1234-1234-123456789012"}}}
```
"#
);

pub const RULE: Rule = Rule {
    checks: &[
        &ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE,
        &MISMATCHED_ACTION_FOR_PRINCIPAL,
        &MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY,
        &MISSING_ACTION_FOR_CONDITION_KEY,
        &MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL,
        &MISSING_GITHUB_REPO_CONDITION_KEY,
        &SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED,
        &CONFIRM_AUDIENCE_CLAIM_TYPE,
        &FORANYVALUE_WITH_AUDIENCE_CLAIM_TYPE,
    ],
    run,
};

fn run(ctx: &Context<'_>, out: &mut Sink) {
    let trust = ctx.policy_type == PolicyType::Trust;
    for statement in &ctx.policy.statements {
        let uses = key_uses(statement);
        audience(&uses, out);
        github_sub_wildcards(&uses, out);
        if !trust {
            continue;
        }
        for resource in [&statement.resource, &statement.not_resource].into_iter().flatten() {
            let member = resource.member;
            out.report(
                &ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE,
                member.key.span,
                format!(
                    "role trust policies do not support \"{}\": the resource is the role itself",
                    member.key.value
                ),
            )
            .fixes
            .push(Fix::replace(
                format!("Remove \"{}\"", member.key.value),
                removal_span(ctx.text, member),
                "",
            ));
        }
        if statement.effect() != Some(Effect::Allow) {
            continue;
        }
        let Some(principal) = &statement.principal else {
            continue;
        };
        mismatched_actions(ctx, statement, principal, out);
        roles_anywhere(statement, principal, out);
        actions_for_keys(statement, &uses, out);
        oidc_conditions(principal, &uses, out);
    }
}

fn mismatched_actions(ctx: &Context<'_>, statement: &Statement<'_>, principal: &Principal<'_>, out: &mut Sink) {
    let Some((actions, false)) = statement.actions() else {
        return;
    };
    let (mut direct, mut saml, mut oidc) = (matches!(principal, Principal::Bare { .. }), false, false);
    for entry in entries(principal) {
        match entry.kind.value.as_str() {
            "Federated" => {
                for v in &entry.values {
                    // A provider only known at deploy time (`${local.oidc_arn}`) may be either.
                    let unknown = ctx.host.is_some_and(|h| h.touches_unknown(v.span));
                    saml |= unknown || is_saml_provider(&v.value);
                    oidc |= unknown || oidc_provider(&v.value).is_some();
                }
            }
            _ => direct = true,
        }
    }
    for action in &actions.items {
        let (fits, needs) = match action.value.to_ascii_lowercase().as_str() {
            "sts:assumerole" => (direct, "an AWS or service principal"),
            "sts:assumerolewithsaml" => (
                saml,
                "a SAML provider principal (arn:aws:iam::ACCOUNT:saml-provider/NAME)",
            ),
            "sts:assumerolewithwebidentity" => (oidc, "an OIDC provider or web identity principal"),
            _ => continue,
        };
        if !fits {
            out.report(
                &MISMATCHED_ACTION_FOR_PRINCIPAL,
                action.span,
                format!("\"{}\" needs {needs}, and this statement names none", action.value),
            );
        }
    }
}

fn roles_anywhere(statement: &Statement<'_>, principal: &Principal<'_>, out: &mut Sink) {
    let trusts = entries(principal)
        .iter()
        .filter(|e| e.kind.value == "Service")
        .flat_map(|e| e.values.iter())
        .any(|v| v.value == "rolesanywhere.amazonaws.com");
    if !trusts {
        return;
    }
    let Some((actions, _)) = statement.actions() else {
        return;
    };
    let missing: Vec<&str> = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]
        .into_iter()
        .filter(|a| reaches(statement, a) == Reach::No)
        .collect();
    if !missing.is_empty() {
        out.report(
            &MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY,
            actions.value_span(),
            format!("IAM Roles Anywhere also needs {}", missing.join(", ")),
        );
    }
}

/// The action a condition key needs, for keys whose value the caller sets while assuming the role.
fn action_for_key(key: &str) -> Option<&'static str> {
    let lower = key.to_ascii_lowercase();
    if lower == "sts:sourceidentity" {
        Some("sts:SetSourceIdentity")
    } else if lower.starts_with("aws:requesttag/") || lower == "aws:tagkeys" || lower == "sts:transitivetagkeys" {
        Some("sts:TagSession")
    } else {
        None
    }
}

fn actions_for_keys(statement: &Statement<'_>, uses: &[KeyUse<'_, '_>], out: &mut Sink) {
    if statement.action.is_none() {
        return;
    }
    for u in uses {
        let Some(needed) = action_for_key(u.key()) else {
            continue;
        };
        let tests_absence = u.op.is_some_and(|op| op.base.family == crate::operator::Family::Null)
            && u.values().all(|v| v.eq_ignore_ascii_case("true"));
        if tests_absence || reaches(statement, needed) != Reach::No {
            continue;
        }
        out.report(
            &MISSING_ACTION_FOR_CONDITION_KEY,
            u.entry.key.span,
            format!(
                "the caller can set \"{}\" only with {needed}: add {needed} to the statement's actions, or the condition is never true",
                u.key()
            ),
        );
    }
}

fn oidc_conditions(principal: &Principal<'_>, uses: &[KeyUse<'_, '_>], out: &mut Sink) {
    for entry in entries(principal).iter().filter(|e| e.kind.value == "Federated") {
        for value in &entry.values {
            let Some(provider) = oidc_provider(&value.value) else {
                continue;
            };
            let restricts = |claim: Option<&str>| {
                uses.iter().any(|u| {
                    u.requires_key()
                        && u.key().split_once(':').is_some_and(|(p, c)| {
                            p.eq_ignore_ascii_case(provider) && claim.is_none_or(|claim| c.eq_ignore_ascii_case(claim))
                        })
                })
            };
            if provider.eq_ignore_ascii_case(GITHUB_OIDC) {
                if !restricts(Some("sub")) {
                    out.report(
                        &MISSING_GITHUB_REPO_CONDITION_KEY,
                        value.span,
                        "every GitHub repository's workflows can assume this role: add a condition on \
                         token.actions.githubusercontent.com:sub naming your repository and branch",
                    );
                }
            } else if !restricts(None) {
                out.report(
                    &MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL,
                    value.span,
                    format!(
                        "every identity of \"{provider}\" can assume this role: add a condition on its claims \
                         ({provider}:aud, {provider}:sub)"
                    ),
                );
            }
        }
    }
}

fn audience(uses: &[KeyUse<'_, '_>], out: &mut Sink) {
    for u in uses {
        // An OIDC provider's claim: the prefix is the provider's host (SAML's is `saml`).
        let is_oidc_aud = u
            .key()
            .rsplit_once(':')
            .is_some_and(|(provider, claim)| claim.eq_ignore_ascii_case("aud") && provider.contains('.'));
        if !is_oidc_aud {
            continue;
        }
        match u.op.and_then(|op| op.qualifier) {
            Some(Qualifier::ForAnyValue) => {
                out.report(
                    &FORANYVALUE_WITH_AUDIENCE_CLAIM_TYPE,
                    u.block.operator.span,
                    "ForAnyValue accepts a token for several audiences if one matches; the aud claim is \
                     single-valued for most providers: use the operator without ForAnyValue",
                );
                out.report(
                    &CONFIRM_AUDIENCE_CLAIM_TYPE,
                    u.entry.key.span,
                    "confirm whether your provider issues one audience per token; if it does, drop the qualifier",
                );
            }
            Some(Qualifier::ForAllValues) => {
                out.report(
                    &CONFIRM_AUDIENCE_CLAIM_TYPE,
                    u.block.operator.span,
                    "the aud claim is single-valued for most providers, and ForAllValues is also true when it is \
                     missing: confirm it is multivalued, or drop ForAllValues",
                );
            }
            None => {
                out.report(
                    &CONFIRM_AUDIENCE_CLAIM_TYPE,
                    u.entry.key.span,
                    "the aud claim identifies the application the token was issued to: confirm your provider \
                     issues one audience per token, as this condition without a set operator assumes",
                );
            }
        }
    }
}

fn github_sub_wildcards(uses: &[KeyUse<'_, '_>], out: &mut Sink) {
    let sub = format!("{GITHUB_OIDC}:sub");
    for u in uses.iter().filter(|u| u.is(&sub)) {
        for value in &u.entry.values {
            if has_wildcard(&value.text) {
                out.report(
                    &SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED,
                    value.node.span,
                    format!(
                        "\"{}\" lets every repository, branch or environment it matches assume the role; \
                         name the repository and the branch or environment",
                        value.text
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::spans_of;
    use crate::policy_type::PolicyType::{Resource, Trust};

    fn trust(statement: &str) -> String {
        format!(r#"{{"Version": "2012-10-17", "Statement": [{statement}]}}"#)
    }

    const GH: &str = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";

    #[test]
    fn resource_in_trust() {
        let text = trust(
            r#"{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole", "Resource": "*"}"#,
        );
        assert_eq!(
            spans_of(&text, Trust, "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE"),
            ["\"Resource\""]
        );
        assert!(spans_of(&text, Trust, "MISSING_RESOURCE").is_empty());
        assert!(spans_of(&text, Resource, "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE").is_empty());
    }

    #[test]
    fn mismatched_actions() {
        let text = trust(
            r#"{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/Okta"}, "Action": ["sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML", "sts:AssumeRole", "sts:TagSession"]}"#,
        );
        assert_eq!(
            spans_of(&text, Trust, "MISMATCHED_ACTION_FOR_PRINCIPAL"),
            ["\"sts:AssumeRoleWithWebIdentity\"", "\"sts:AssumeRole\""]
        );
        let ok = trust(
            r#"{"Effect": "Allow", "Principal": {"AWS": "111122223333", "Federated": "accounts.google.com"}, "Action": ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"]}"#,
        );
        assert!(spans_of(&ok, Trust, "MISMATCHED_ACTION_FOR_PRINCIPAL").is_empty());
    }

    #[test]
    fn roles_anywhere() {
        let text = trust(
            r#"{"Effect": "Allow", "Principal": {"Service": "rolesanywhere.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}"#,
        );
        assert_eq!(
            spans_of(&text, Trust, "MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY"),
            ["[\"sts:AssumeRole\", \"sts:TagSession\"]"]
        );
        let ok = text.replace("\"sts:TagSession\"", "\"sts:TagSession\", \"sts:SetSourceIdentity\"");
        assert!(spans_of(&ok, Trust, "MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY").is_empty());
    }

    #[test]
    fn oidc_conditions() {
        let bare = trust(&format!(
            r#"{{"Effect": "Allow", "Principal": {{"Federated": ["{GH}", "cognito-identity.amazonaws.com"]}}, "Action": "sts:AssumeRoleWithWebIdentity",
              "Condition": {{"StringEquals": {{"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}}}}}"#
        ));
        assert_eq!(
            spans_of(&bare, Trust, "MISSING_GITHUB_REPO_CONDITION_KEY"),
            [format!("\"{GH}\"")]
        );
        assert_eq!(
            spans_of(&bare, Trust, "MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL"),
            ["\"cognito-identity.amazonaws.com\""]
        );
        let ok = trust(&format!(
            r#"{{"Effect": "Allow", "Principal": {{"Federated": ["{GH}", "cognito-identity.amazonaws.com"]}}, "Action": "sts:AssumeRoleWithWebIdentity",
              "Condition": {{"StringEquals": {{"token.actions.githubusercontent.com:sub": "repo:o/r:ref:refs/heads/main",
                                               "cognito-identity.amazonaws.com:aud": "us-east-1:x"}}}}}}"#
        ));
        assert!(spans_of(&ok, Trust, "MISSING_GITHUB_REPO_CONDITION_KEY").is_empty());
        assert!(spans_of(&ok, Trust, "MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL").is_empty());
        assert!(spans_of(&ok, Trust, "SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED").is_empty());
        let wild = ok.replace("repo:o/r:ref:refs/heads/main", "repo:o/*");
        assert_eq!(
            spans_of(&wild, Trust, "SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED"),
            ["\"repo:o/*\""]
        );
        // A negated operator does not restrict who may assume the role.
        let negated = ok.replace("StringEquals", "StringNotEquals");
        assert_eq!(spans_of(&negated, Trust, "MISSING_GITHUB_REPO_CONDITION_KEY").len(), 1);
    }

    #[test]
    fn keys_the_caller_sets_need_their_action() {
        let text = trust(
            r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/ci"}, "Action": "sts:AssumeRole",
              "Condition": {"StringEquals": {"sts:SourceIdentity": "alice", "aws:RequestTag/project": "x"},
                            "ForAllValues:StringEquals": {"aws:TagKeys": "project"}}}"#,
        );
        assert_eq!(
            spans_of(&text, Trust, "MISSING_ACTION_FOR_CONDITION_KEY"),
            [
                "\"sts:SourceIdentity\"",
                "\"aws:RequestTag/project\"",
                "\"aws:TagKeys\""
            ]
        );
        let ok = text.replace(
            r#""Action": "sts:AssumeRole""#,
            r#""Action": ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"]"#,
        );
        assert!(spans_of(&ok, Trust, "MISSING_ACTION_FOR_CONDITION_KEY").is_empty());
        let wildcard = text.replace(r#""Action": "sts:AssumeRole""#, r#""Action": "sts:*""#);
        assert!(spans_of(&wildcard, Trust, "MISSING_ACTION_FOR_CONDITION_KEY").is_empty());
        let absent = trust(
            r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/ci"}, "Action": "sts:AssumeRole",
              "Condition": {"Null": {"sts:SourceIdentity": "true"}}}"#,
        );
        assert!(spans_of(&absent, Trust, "MISSING_ACTION_FOR_CONDITION_KEY").is_empty());
    }

    #[test]
    fn audience_qualifiers() {
        let text = trust(
            r#"{"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "sts:AssumeRoleWithWebIdentity",
              "Condition": {"ForAnyValue:StringEquals": {"cognito-identity.amazonaws.com:aud": "a"},
                            "ForAllValues:StringEquals": {"cognito-identity.amazonaws.com:aud": "a"},
                            "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}}}"#,
        );
        assert_eq!(
            spans_of(&text, Trust, "FORANYVALUE_WITH_AUDIENCE_CLAIM_TYPE"),
            ["\"ForAnyValue:StringEquals\""]
        );
        assert_eq!(
            spans_of(&text, Trust, "CONFIRM_AUDIENCE_CLAIM_TYPE"),
            [
                "\"cognito-identity.amazonaws.com:aud\"",
                "\"ForAllValues:StringEquals\""
            ]
        );
    }

    #[test]
    fn every_oidc_audience_is_a_reminder_saml_is_not() {
        let github = trust(
            r#"{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
              "Action": "sts:AssumeRoleWithWebIdentity",
              "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                                             "token.actions.githubusercontent.com:sub": "repo:o/r:ref:refs/heads/main"}}}"#,
        );
        assert_eq!(
            spans_of(&github, Trust, "CONFIRM_AUDIENCE_CLAIM_TYPE"),
            ["\"token.actions.githubusercontent.com:aud\""]
        );
        let saml = trust(
            r#"{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/Okta"},
              "Action": "sts:AssumeRoleWithSAML", "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}}"#,
        );
        assert!(spans_of(&saml, Trust, "CONFIRM_AUDIENCE_CLAIM_TYPE").is_empty());
    }
}
