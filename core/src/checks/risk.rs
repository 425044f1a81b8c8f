//! The `risk` category: what the policy lets its holder (or the public) do, from
//! [`crate::risk::assess`] over the access model. Each finding names the actions (and the
//! escalation method), carries them in [`Finding::risk`], and points at every granting
//! statement.

use super::{Check, Context, Rule, Sink};
use crate::access::{Access, ActionId, StatementAccess};
use crate::finding::Finding;
use crate::model::Policy;
use crate::risk::{self, Risk, RiskKind};
use crate::span::Span;

/// A sentence for every risk check's doc: how the examples are checked.
macro_rules! risk_doc {
    ($what:literal, $why:literal, $example:literal, $instead:literal) => {
        concat!(
            "## What it does\n",
            $what,
            "\n\n## Why is this bad\n",
            $why,
            "\n\n## Example\n```json\n",
            $example,
            "\n```\n\n## Use instead\n```json\n",
            $instead,
            "\n```\n"
        )
    };
}

check!(
    PRIVILEGE_ESCALATION,
    SecurityWarning,
    "The policy allows every action of a known privilege-escalation method",
    risk_doc!(
        "Reports each published privilege-escalation method whose actions the identity policy all \
allows, on resources the actions act on, with no `Deny` of the policy removing one. The methods are \
Rhino Security Labs' (\"AWS IAM Privilege Escalation – Methods and Mitigation\") and DataDog's \
pathfinding.cloud paths, as cloudsplaining 0.9.1 encodes them, with cloudsplaining's names. A method that \
contains another reported method is not reported again. The finding names the method and its \
actions, and points at each statement that grants one.\n\n\
**Compared with cloudsplaining:** cloudsplaining counts an action only when a statement grants it \
on `Resource: \"*\"` without condition, and drops an action from every result when any `Deny` names \
it. Here an action counts on any resource it acts on (passing one named admin role is an \
escalation), a condition does not hide it (the caller may meet it), and only a `Deny` that covers \
every caller, every resource of the type and has no condition removes it. `ssm:SendCommand` and \
`ssm:StartSession` are not methods here either: they are how AWS documents administering \
instances; list them under `[risk] forbid` to have them reported.",
        "The holder can give itself more permissions than the policy grants — up to administrator — \
so the policy is effectively as strong as the strongest role or policy it can reach.",
        r#"{"Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances"], "Resource": "*"}"#,
        r#"{"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"}"#
    )
);

check!(
    DATA_EXFILTRATION,
    Suggestion,
    "Reads of stored data or secrets granted on every resource without condition",
    risk_doc!(
        "Reports reads that hand over stored data or secrets (`s3:GetObject`, `s3:GetObjectVersion`, \
`ssm:GetParameter*`, `ssm:GetParameterHistory`, `secretsmanager:GetSecretValue`) that an identity \
policy grants with no resource limit (`Resource: \"*\"` or `NotResource`) and no condition, and no \
`Deny` of the policy names. Off by default: turn it on with `check --risk all`, `[risk] all = true` \
or `[checks] DATA_EXFILTRATION = \"on\"`; the examples are checked that way.\n\n\
**Compared with cloudsplaining:** the list is cloudsplaining's `READ_ONLY_DATA_EXFILTRATION_ACTIONS` \
plus `s3:GetObjectVersion` and `ssm:GetParameterHistory`, which return the same data. cloudsplaining \
reports it on by default; here it is off, since most service roles read their data this way.",
        "Any object, parameter or secret in the account can be read, so one leaked credential leaks \
all the data.",
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}"#,
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports-bucket/*"}"#
    )
);

check!(
    CREDENTIALS_EXPOSURE,
    Suggestion,
    "Actions that return credentials granted on every resource without condition",
    risk_doc!(
        "Reports actions whose response holds credentials (`iam:CreateAccessKey`, \
`ecr:GetAuthorizationToken`, `sts:AssumeRole`, `redshift:GetClusterCredentials`, …: the list \
cloudsplaining keeps, from Kinnaird McQuade's survey) that an identity policy grants with no \
resource limit and no condition, and no `Deny` of the policy names. Off by default: turn it on with \
`check --risk all`, `[risk] all = true` or `[checks] CREDENTIALS_EXPOSURE = \"on\"`; the examples \
are checked that way.\n\n\
**Compared with cloudsplaining:** the same list, with its two misspelt `gamelist:` entries read as \
the GameLift actions they mean; a condition counts as a limit here.",
        "Credentials returned by these calls outlive the session that fetched them and act as \
someone else.",
        r#"{"Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "*"}"#,
        r#"{"Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "arn:aws:iam::111122223333:user/${aws:username}"}"#
    )
);

check!(
    RESOURCE_EXPOSURE,
    Suggestion,
    "Permissions-management actions granted on every resource without condition",
    risk_doc!(
        "Reports actions of the \"Permissions management\" access level (`s3:PutBucketPolicy`, \
`kms:PutKeyPolicy`, `iam:PutRolePolicy`, `ram:CreateResourceShare`, …, from the Service \
Authorization Reference) that an identity policy grants with no resource limit and no condition, \
and no `Deny` of the policy names. Off by default: turn it on with `check --risk all`, \
`[risk] all = true` or `[checks] RESOURCE_EXPOSURE = \"on\"`; the examples are checked that way.\n\n\
**Compared with cloudsplaining:** the same definition (its `permissions_management_without_constraints`); \
a condition counts as a limit here.",
        "The holder can rewrite who may use any resource — make a bucket or key public, or share it \
with another account.",
        r#"{"Effect": "Allow", "Action": "s3:PutBucketPolicy", "Resource": "*"}"#,
        r#"{"Effect": "Allow", "Action": "s3:PutBucketPolicy", "Resource": "arn:aws:s3:::reports-bucket"}"#
    )
);

check!(
    INFRASTRUCTURE_MODIFICATION,
    Suggestion,
    "Write or tagging actions granted on every resource without condition",
    risk_doc!(
        "Reports actions of the \"Write\" and \"Tagging\" access levels that an identity policy \
grants with no resource limit and no condition, and no `Deny` of the policy names. Off by default: \
turn it on with `check --risk all`, `[risk] all = true` or `[checks] INFRASTRUCTURE_MODIFICATION = \
\"on\"`; the examples are checked that way.\n\n\
**Compared with cloudsplaining:** cloudsplaining's \"Infrastructure Modification\" also counts the \
\"Permissions management\" level, which is RESOURCE_EXPOSURE here, and its `include-actions` reads \
(`s3:GetObject`, …), which are DATA_EXFILTRATION here.",
        "The holder can create, change or delete any resource of those services in the account.",
        r#"{"Effect": "Allow", "Action": "ec2:TerminateInstances", "Resource": "*"}"#,
        r#"{"Effect": "Allow", "Action": "ec2:TerminateInstances", "Resource": "*",
 "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}}"#
    )
);

check!(
    PUBLIC_ACCESS,
    SecurityWarning,
    "A resource or trust policy grants access to everyone",
    risk_doc!(
        "<!-- policy-type: resource -->\n\
Reports an `Allow` of a resource or trust policy to everyone (`Principal: \"*\"`, \
`{\"AWS\": \"*\"}`, or a `NotPrincipal`) that no condition pins to fixed callers, with the actions \
it makes public: IAM Access Analyzer's `CheckNoPublicAccess`, offline. Amazon S3's \"The meaning of \
public\" decides which conditions pin: fixed values (no wildcard, no policy variable) of \
`aws:SourceIp` (not `0.0.0.0/0`), `aws:SourceArn`, `aws:SourceVpc`, `aws:SourceVpce`, \
`aws:SourceAccount`, `aws:SourceOwner`, `aws:userid`, `aws:PrincipalOrgID`, `aws:PrincipalAccount`, \
`aws:PrincipalArn`, `aws:SourceOrgID` or `s3:x-amz-server-side-encryption-aws-kms-key-id` with a \
positive operator. Negated operators, `…IfExists`, wildcards and keys the caller controls \
(`aws:Referer`, `aws:UserAgent`, `aws:SecureTransport`) do not.\n\n\
**Compared with cloudsplaining:** cloudsplaining scans identity policies and reports trust policies \
assumable by any principal; it does not judge resource policies' conditions.",
        "Anyone on the internet, in any AWS account, can make these requests.",
        r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports-bucket/*",
 "Condition": {"StringLike": {"aws:Referer": "https://example.com/*"}}}"#,
        r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports-bucket/*",
 "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}"#
    )
);

check!(
    FORBIDDEN_ACCESS,
    Error,
    "A statement grants access the project forbids",
    risk_doc!(
        "Reports each statement of an identity, resource or trust policy that grants an action the \
project forbids: `[risk] forbid` in `.iam-policy-ls.toml` (`forbid = [\"iam:*\", {action = \
\"s3:DeleteBucket\", resources = [\"arn:aws:s3:::prod-*\"]}]`) or `check --forbid \
'iam:*,s3:DeleteBucket'`. A statement grants an action when it allows it on a resource the entry \
names (any, without `resources`) and no unconditional `Deny` of the policy removes it: IAM Access \
Analyzer's `CheckAccessNotGranted`, offline. The examples are checked with `forbid = [\"iam:*\"]`.",
        "The project decided no policy may grant this access; a policy that does would pass review \
unnoticed.",
        r#"{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}"#,
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports-bucket/*"}"#
    )
);

pub const RULE: Rule = Rule {
    checks: &[
        &PRIVILEGE_ESCALATION,
        &DATA_EXFILTRATION,
        &CREDENTIALS_EXPOSURE,
        &RESOURCE_EXPOSURE,
        &INFRASTRUCTURE_MODIFICATION,
        &PUBLIC_ACCESS,
        &FORBIDDEN_ACCESS,
    ],
    run,
};

fn check_of(kind: RiskKind) -> &'static Check {
    match kind {
        RiskKind::PrivilegeEscalation => &PRIVILEGE_ESCALATION,
        RiskKind::DataExfiltration => &DATA_EXFILTRATION,
        RiskKind::CredentialsExposure => &CREDENTIALS_EXPOSURE,
        RiskKind::ResourceExposure => &RESOURCE_EXPOSURE,
        RiskKind::InfrastructureModification => &INFRASTRUCTURE_MODIFICATION,
        RiskKind::PublicAccess => &PUBLIC_ACCESS,
        RiskKind::ForbiddenAccess => &FORBIDDEN_ACCESS,
    }
}

fn run(ctx: &Context<'_>, sink: &mut Sink) {
    let settings = risk::settings();
    if !risk::may_carry(ctx.policy, ctx.policy_type, &settings) {
        return;
    }
    let access = Access::new(ctx.policy, ctx.policy_type);
    for found in risk::assess(&access, &settings) {
        report(ctx.policy, &found, sink);
    }
}

fn report(policy: &Policy<'_>, found: &Risk<'_>, sink: &mut Sink) {
    let detail = found.detail();
    let Some((first_action, first_statements)) = found.grants.first() else {
        return;
    };
    let Some(first) = first_statements.first() else {
        return;
    };
    let span = match found.kind {
        RiskKind::PublicAccess => principal_site(policy, first).unwrap_or(first.span),
        _ => action_site(policy, first, *first_action),
    };
    let message = message(found, &detail.actions, first);
    let finding = sink.report(check_of(found.kind), span, message);
    add_related(policy, found, finding);
    finding.risk = Some(detail);
}

/// The related places: for an escalation each action in each statement that grants it, else
/// each granting statement once.
fn add_related(policy: &Policy<'_>, found: &Risk<'_>, finding: &mut Finding) {
    if found.kind == RiskKind::PrivilegeEscalation {
        for (action, statements) in &found.grants {
            for st in statements {
                finding.related.push(crate::finding::Related {
                    span: action_site(policy, st, *action),
                    message: format!("{} grants {}", st.label(), action.full_name()),
                });
            }
        }
        return;
    }
    for st in found.statements() {
        let count = found
            .grants
            .iter()
            .filter(|(_, by)| by.iter().any(|s| s.index == st.index))
            .count();
        let first = found
            .grants
            .iter()
            .find(|(_, by)| by.iter().any(|s| s.index == st.index))
            .map(|(a, _)| *a);
        let span = first.map_or(st.span, |a| action_site(policy, st, a));
        let what = if count == 1 {
            first.map_or_else(String::new, ActionId::full_name)
        } else {
            format!("{count} of the actions")
        };
        finding.related.push(crate::finding::Related {
            span,
            message: format!("{} grants {what}", st.label()),
        });
    }
}

/// At most five names, then how many more.
fn list(actions: &[String]) -> String {
    const SHOWN: usize = 5;
    let shown: Vec<&str> = actions.iter().take(SHOWN).map(String::as_str).collect();
    match actions.len().saturating_sub(SHOWN) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

fn message(found: &Risk<'_>, actions: &[String], first: &StatementAccess) -> String {
    let unlimited = "granted on every resource with no condition";
    match (found.kind, found.method) {
        (RiskKind::PrivilegeEscalation, Some(method)) => format!(
            "privilege escalation ({}): {} let the holder {}",
            method.name,
            method.actions.join(" + "),
            method.how
        ),
        (RiskKind::DataExfiltration, _) => format!("data exfiltration: {} {unlimited}", list(actions)),
        (RiskKind::CredentialsExposure, _) => {
            format!(
                "credentials exposure: {} return credentials, {unlimited}",
                list(actions)
            )
        }
        (RiskKind::ResourceExposure, _) => format!(
            "resource exposure: {} permissions-management action{} ({}) {unlimited}: they change who may use resources",
            actions.len(),
            if actions.len() == 1 { "" } else { "s" },
            list(actions)
        ),
        (RiskKind::InfrastructureModification, _) => format!(
            "infrastructure modification: {} write or tagging action{} ({}) {unlimited}",
            actions.len(),
            if actions.len() == 1 { "" } else { "s" },
            list(actions)
        ),
        (RiskKind::PublicAccess, _) => format!(
            "public access: {} lets anyone call {}; no condition pins the caller to fixed values",
            first.label(),
            list(actions)
        ),
        (RiskKind::ForbiddenAccess, _) => format!(
            "forbidden access: {} grants {}, which the project forbids",
            first.label(),
            list(actions)
        ),
        (RiskKind::PrivilegeEscalation, None) => format!("privilege escalation: {}", actions.join(" + ")),
    }
}

/// Where `st` names `action`: the first `Action` entry matching it, else the `NotAction` key.
fn action_site(policy: &Policy<'_>, st: &StatementAccess, action: ActionId) -> Span {
    let Some(model) = policy.statements.iter().find(|s| s.index == st.index) else {
        return st.span;
    };
    let name = action.full_name();
    if let Some(list) = &model.action {
        return list
            .items
            .iter()
            .find(|item| crate::glob::wildcard_match(&item.value, &name, true))
            .map_or_else(|| list.key_span(), |item| item.span);
    }
    model.not_action.as_ref().map_or(st.span, |l| l.key_span())
}

/// The `Principal` (or `NotPrincipal`) member of `st`.
fn principal_site(policy: &Policy<'_>, st: &StatementAccess) -> Option<Span> {
    let model = policy.statements.iter().find(|s| s.index == st.index)?;
    let principal = model.principal.as_ref().or(model.not_principal.as_ref())?;
    Some(principal.member().span())
}
