//! `iam:PassRole` and `iam:CreateServiceLinkedRole` granted too widely in identity policies and
//! boundaries: by name, through a wildcard action or `NotAction`, on `Resource: "*"` or through
//! `NotResource`, without the condition key that narrows them.

use super::type_support::{Reach, reaches, uses_key};
use super::{Check, Context, Rule, Sink};
use crate::model::Effect;
use crate::policy_type::PolicyType;

/// A check of the two families, whose docs differ only in a phrase and the example: the family
/// gives the severity, the key that narrows the action, why it matters and what to write
/// instead; each check its code, summary, the "where ..." phrase and its example.
macro_rules! widely_granted {
    ($sev:ident, $key:literal, $why:literal, $instead:literal, $name:ident, $summary:literal, $where:literal, $example:literal) => {
        check!(
            $name,
            $sev,
            $summary,
            concat!(
                "## What it does\nReports an `Allow` statement of an identity policy or permissions boundary where ",
                $where,
                " and no\ncondition on `",
                $key,
                "` narrows it.\n\n## Why is this bad\n",
                $why,
                "\n\n## Example\n```json\n",
                $example,
                "\n```\n\n## Use instead\n```json\n",
                $instead,
                "\n```\n"
            )
        );
    };
}

macro_rules! pass_role {
    ($($args:tt)*) => {
        widely_granted!(
            SecurityWarning,
            "iam:PassedToService",
            r#"The statement passes any role to any service — including roles with more permissions than the caller's, a privilege escalation. Name the resources, and add a condition on `iam:PassedToService`."#,
            r#"{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/lambda-*",
 "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}}"#,
            $($args)*
        );
    };
}

macro_rules! create_slr {
    ($($args:tt)*) => {
        widely_granted!(
            Warning,
            "iam:AWSServiceName",
            r#"The statement creates the service-linked role of any service. Name the resources, and add a condition on `iam:AWSServiceName`."#,
            r#"{"Effect": "Allow", "Action": "iam:CreateServiceLinkedRole", "Resource": "arn:aws:iam::*:role/aws-service-role/autoscaling.amazonaws.com/*",
 "Condition": {"StringEquals": {"iam:AWSServiceName": "autoscaling.amazonaws.com"}}}"#,
            $($args)*
        );
    };
}

pass_role!(
    PASS_ROLE_WITH_NOT_RESOURCE,
    "iam:PassRole with NotResource",
    "iam:PassRole with NotResource",
    r#"{"Effect": "Allow", "Action": "iam:PassRole", "NotResource": "arn:aws:iam::111122223333:role/Admin"}"#
);

pass_role!(
    PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE,
    "A wildcard action reaches iam:PassRole with NotResource",
    "a wildcard action reaches iam:PassRole with NotResource",
    r#"{"Effect": "Allow", "Action": "iam:*", "NotResource": "arn:aws:iam::111122223333:role/Admin"}"#
);

pass_role!(
    PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE,
    "NotAction and NotResource reach iam:PassRole",
    "NotAction and NotResource reach iam:PassRole",
    r#"{"Effect": "Allow", "NotAction": "s3:*", "NotResource": "arn:aws:iam::111122223333:role/Admin"}"#
);

pass_role!(
    PASS_ROLE_WITH_STAR_IN_RESOURCE,
    "iam:PassRole on Resource \"*\" or on every role",
    "iam:PassRole is allowed on `Resource: \"*\"` or on every role: an IAM ARN whose role part \
     is only wildcards (`arn:aws:iam::111122223333:role/*`, `arn:aws:iam::*:*`). A path or a \
     name prefix narrows the roles (`role/service-role/*`, `role/lambda-*`) and is not reported, \
     as IAM Access Analyzer does not report role names that start with a service's name \
     (`role/Service*`, IAM User Guide, \"IAM policy validation check reference\"),",
    r#"{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/*"}"#
);

pass_role!(
    PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE,
    "A wildcard action reaches iam:PassRole on Resource \"*\" or on every role",
    "a wildcard action reaches iam:PassRole on `Resource: \"*\"` or on every role (as \
     PASS_ROLE_WITH_STAR_IN_RESOURCE defines it)",
    r#"{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}"#
);

pass_role!(
    PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION,
    "NotAction reaches iam:PassRole on Resource \"*\" or on every role",
    "NotAction reaches iam:PassRole on `Resource: \"*\"` or on every role (as \
     PASS_ROLE_WITH_STAR_IN_RESOURCE defines it)",
    r#"{"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}"#
);

create_slr!(
    CREATE_SLR_WITH_NOT_RESOURCE,
    "iam:CreateServiceLinkedRole with NotResource",
    "iam:CreateServiceLinkedRole with NotResource",
    r#"{"Effect": "Allow", "Action": "iam:CreateServiceLinkedRole", "NotResource": "arn:aws:iam::111122223333:role/Admin"}"#
);

create_slr!(
    CREATE_SLR_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE,
    "A wildcard action reaches iam:CreateServiceLinkedRole with NotResource",
    "a wildcard action reaches iam:CreateServiceLinkedRole with NotResource",
    r#"{"Effect": "Allow", "Action": "iam:*", "NotResource": "arn:aws:iam::111122223333:role/Admin"}"#
);

create_slr!(
    CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE,
    "NotAction and NotResource reach iam:CreateServiceLinkedRole",
    "NotAction and NotResource reach iam:CreateServiceLinkedRole",
    r#"{"Effect": "Allow", "NotAction": "s3:*", "NotResource": "arn:aws:iam::111122223333:role/Admin"}"#
);

create_slr!(
    CREATE_SLR_WITH_STAR_IN_RESOURCE,
    "iam:CreateServiceLinkedRole on Resource \"*\"",
    "iam:CreateServiceLinkedRole on Resource \"*\"",
    r#"{"Effect": "Allow", "Action": "iam:CreateServiceLinkedRole", "Resource": "*"}"#
);

create_slr!(
    CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE,
    "A wildcard action reaches iam:CreateServiceLinkedRole on Resource \"*\"",
    "a wildcard action reaches iam:CreateServiceLinkedRole on Resource \"*\"",
    r#"{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}"#
);

create_slr!(
    CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION,
    "NotAction reaches iam:CreateServiceLinkedRole on Resource \"*\"",
    "NotAction reaches iam:CreateServiceLinkedRole on Resource \"*\"",
    r#"{"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}"#
);

pub const RULE: Rule = Rule {
    checks: &[
        &PASS_ROLE_WITH_NOT_RESOURCE,
        &PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE,
        &PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE,
        &PASS_ROLE_WITH_STAR_IN_RESOURCE,
        &PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE,
        &PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION,
        &CREATE_SLR_WITH_NOT_RESOURCE,
        &CREATE_SLR_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE,
        &CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE,
        &CREATE_SLR_WITH_STAR_IN_RESOURCE,
        &CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE,
        &CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION,
    ],
    run,
};

/// The six checks of one action, in the order (named, wildcard, NotAction) × (NotResource, "*").
struct Family {
    action: &'static str,
    key: &'static str,
    /// Whether an ARN reaches every resource of the action as `"*"` does.
    covers_all: fn(&str) -> bool,
    checks: [[&'static Check; 2]; 3],
}

/// Whether a resource ARN names every IAM role: its role part (after `role/`, or the whole
/// resource part) is only wildcards and slashes, and the service field is `iam` or a wildcard.
fn every_role(arn: &str) -> bool {
    if arn == "*" {
        return true;
    }
    let mut fields = arn.splitn(6, ':');
    let (Some("arn"), Some(_), Some(service), Some(_), Some(_), Some(resource)) = (
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
    ) else {
        return false;
    };
    let only_wildcards = |s: &str| !s.is_empty() && s.bytes().all(|b| matches!(b, b'*' | b'?' | b'/'));
    (service == "iam" || service.bytes().all(|b| b == b'*'))
        && (only_wildcards(resource)
            || resource
                .strip_prefix("role")
                .is_some_and(|r| only_wildcards(r) && r.starts_with(['/', '*'])))
}

const FAMILIES: [Family; 2] = [
    Family {
        action: "iam:PassRole",
        key: "iam:PassedToService",
        covers_all: every_role,
        checks: [
            [&PASS_ROLE_WITH_NOT_RESOURCE, &PASS_ROLE_WITH_STAR_IN_RESOURCE],
            [
                &PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE,
                &PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE,
            ],
            [
                &PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE,
                &PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION,
            ],
        ],
    },
    Family {
        action: "iam:CreateServiceLinkedRole",
        key: "iam:AWSServiceName",
        covers_all: |arn| arn == "*",
        checks: [
            [&CREATE_SLR_WITH_NOT_RESOURCE, &CREATE_SLR_WITH_STAR_IN_RESOURCE],
            [
                &CREATE_SLR_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE,
                &CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE,
            ],
            [
                &CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE,
                &CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION,
            ],
        ],
    },
];

fn run(ctx: &Context<'_>, out: &mut Sink) {
    if !matches!(ctx.policy_type, PolicyType::Identity | PolicyType::Boundary) {
        return;
    }
    for statement in &ctx.policy.statements {
        if statement.effect() != Some(Effect::Allow) {
            continue;
        }
        for family in &FAMILIES {
            let (resource, widest) = match statement.resources() {
                Some((_, true)) => (0, None),
                Some((list, false)) => match list.items.iter().find(|r| (family.covers_all)(&r.value)) {
                    Some(r) => (1, Some(r.value.as_str())),
                    None => continue,
                },
                None => continue,
            };
            if uses_key(statement, family.key) {
                continue;
            }
            let (row, span, how) = match reaches(statement, family.action) {
                Reach::Named(a) => (0, a.span, String::new()),
                Reach::Wildcard(a) => (1, a.span, format!("\"{}\" includes {}; ", a.value, family.action)),
                Reach::NotAction => match &statement.not_action {
                    Some(n) => (2, n.key_span(), format!("\"NotAction\" includes {}; ", family.action)),
                    None => continue,
                },
                Reach::No => continue,
            };
            let Some(check) = family.checks.get(row).and_then(|r| r.get(resource)) else {
                continue;
            };
            let scope = match widest {
                None => "every resource but the ones in \"NotResource\"".to_owned(),
                Some("*") => "\"Resource\": \"*\"".to_owned(),
                Some(arn) => format!("every role (\"{arn}\")"),
            };
            out.report(
                check,
                span,
                format!(
                    "{how}{} is allowed on {scope} without a condition on {}: name the roles and add the condition",
                    family.action, family.key
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::spans_of;
    use crate::policy_type::PolicyType::{Identity, Resource};

    fn policy(statement: &str) -> String {
        format!(r#"{{"Version": "2012-10-17", "Statement": [{statement}]}}"#)
    }

    #[test]
    fn pass_role_variants() {
        let cases = [
            (
                r#""Action": "iam:PassRole", "NotResource": "arn:aws:iam::1:role/A""#,
                "PASS_ROLE_WITH_NOT_RESOURCE",
                "\"iam:PassRole\"",
            ),
            (
                r#""Action": "iam:Pass*", "NotResource": "arn:aws:iam::1:role/A""#,
                "PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE",
                "\"iam:Pass*\"",
            ),
            (
                r#""NotAction": "s3:*", "NotResource": "arn:aws:iam::1:role/A""#,
                "PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE",
                "\"NotAction\"",
            ),
            (
                r#""Action": ["s3:GetObject", "iam:PassRole"], "Resource": "*""#,
                "PASS_ROLE_WITH_STAR_IN_RESOURCE",
                "\"iam:PassRole\"",
            ),
            (
                r#""Action": "*", "Resource": "*""#,
                "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE",
                "\"*\"",
            ),
            (
                r#""NotAction": "s3:*", "Resource": "*""#,
                "PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION",
                "\"NotAction\"",
            ),
        ];
        for (members, code, span) in cases {
            let text = policy(&format!(r#"{{"Effect": "Allow", {members}}}"#));
            assert_eq!(spans_of(&text, Identity, code), [span], "{code}");
            if members.contains("NotAction") || members.contains(r#""Action": "*""#) {
                let slr = code.replace("PASS_ROLE", "CREATE_SLR");
                assert_eq!(spans_of(&text, Identity, &slr).len(), 1, "{slr}");
            }
            assert!(spans_of(&text, Resource, code).is_empty());
        }
    }

    #[test]
    fn every_role_is_as_wide_as_a_star() {
        for arn in [
            "arn:aws:iam::111122223333:role/*",
            "arn:aws:iam::*:role/*",
            "arn:aws:iam::*:*",
            "arn:*:iam::111122223333:role*",
            "arn:aws:*:*:*:*",
        ] {
            let text = policy(&format!(
                r#"{{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "{arn}"}}"#
            ));
            assert_eq!(
                spans_of(&text, Identity, "PASS_ROLE_WITH_STAR_IN_RESOURCE"),
                ["\"iam:PassRole\""],
                "{arn}"
            );
        }
        let text = policy(r#"{"Effect": "Allow", "Action": "iam:*", "Resource": "arn:aws:iam::*:role/*"}"#);
        assert_eq!(
            spans_of(&text, Identity, "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE").len(),
            1
        );
        // Only "*" reaches every service-linked role.
        assert!(spans_of(&text, Identity, "CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE").is_empty());
        // A path or a name prefix narrows the roles (Access Analyzer's exemption for
        // service-named roles), and so does the condition key.
        for arn in [
            "arn:aws:iam::111122223333:role/service-role/*",
            "arn:aws:iam::*:role/Service*",
            "arn:aws:iam::111122223333:role/lambda-*",
            "arn:aws:iam::111122223333:user/*",
        ] {
            let text = policy(&format!(
                r#"{{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "{arn}"}}"#
            ));
            assert!(
                spans_of(&text, Identity, "PASS_ROLE_WITH_STAR_IN_RESOURCE").is_empty(),
                "{arn}"
            );
        }
    }

    #[test]
    fn narrowed_or_excluded_passes() {
        let ok = [
            r#"{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*", "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}}"#,
            r#"{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/app-*"}"#,
            r#"{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}"#,
            r#"{"Effect": "Deny", "Action": "iam:PassRole", "Resource": "*"}"#,
            r#"{"Effect": "Allow", "Action": "iam:Get*", "Resource": "*"}"#,
        ];
        for statement in ok {
            let text = policy(statement);
            for code in [
                "PASS_ROLE_WITH_STAR_IN_RESOURCE",
                "PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION",
            ] {
                assert!(spans_of(&text, Identity, code).is_empty(), "{statement}");
            }
        }
    }
}
