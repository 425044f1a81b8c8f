#![allow(clippy::indexing_slicing, reason = "test code: a failure is a test failure")]

use super::*;
use crate::access::Access;
use crate::checks::test_support::all_findings;

fn settings_all() -> RiskSettings {
    RiskSettings {
        all: true,
        ..RiskSettings::default()
    }
}

fn policy(statements: &str) -> String {
    format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#)
}

/// (kind, method, actions) of each risk of `text` as a policy of `t`.
fn risks(text: &str, t: PolicyType, settings: &RiskSettings) -> Vec<(RiskKind, Option<&'static str>, Vec<String>)> {
    let access = Access::from_text(text, Some(t));
    let found: Vec<_> = assess(&access, settings)
        .iter()
        .map(|r| {
            let d = r.detail();
            (d.kind, d.method, d.actions)
        })
        .collect();
    // The quick test never rules out what the full one finds.
    let doc = crate::json::parse(text);
    let policy = crate::model::Policy::from_json(&doc);
    assert!(found.is_empty() || may_carry(&policy, t, settings), "{text}");
    found
}

fn methods(text: &str) -> Vec<&'static str> {
    risks(text, PolicyType::Identity, &RiskSettings::default())
        .into_iter()
        .filter_map(|(_, m, _)| m)
        .collect()
}

#[test]
fn every_listed_action_is_in_the_catalog() {
    let lists = METHODS
        .iter()
        .flat_map(|m| m.actions.iter())
        .chain(DATA_EXFILTRATION_ACTIONS)
        .chain(CREDENTIALS_EXPOSURE_ACTIONS);
    let unknown: Vec<&&str> = lists.filter(|a| ActionId::named(a).is_none()).collect();
    assert_eq!(unknown, Vec::<&&str>::new());
}

#[test]
fn each_method_is_found_from_its_own_actions() {
    for method in METHODS {
        let actions: Vec<String> = method.actions.iter().map(|a| format!("\"{a}\"")).collect();
        let text = policy(&format!(
            r#"{{"Effect": "Allow", "Action": [{}], "Resource": "*"}}"#,
            actions.join(", ")
        ));
        let found = methods(&text);
        // A method that contains a smaller published one is reported as the smaller one.
        let smaller = METHODS.iter().any(|m| {
            found.contains(&m.name)
                && m.actions.len() < method.actions.len()
                && m.actions.iter().all(|a| method.actions.contains(a))
        });
        assert!(
            found.contains(&method.name) || smaller,
            "{}: found {found:?}",
            method.name
        );
    }
}

#[test]
fn pass_role_and_run_instances_is_reported_with_its_actions_and_statements() {
    let text = policy(
        r#"{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/admin"},
           {"Sid": "Run", "Effect": "Allow", "Action": "ec2:Run*", "Resource": "*"}"#,
    );
    let found = risks(&text, PolicyType::Identity, &RiskSettings::default());
    assert_eq!(
        found,
        vec![(
            RiskKind::PrivilegeEscalation,
            Some("CreateEC2WithExistingIP"),
            vec!["ec2:RunInstances".to_owned(), "iam:PassRole".to_owned()]
        )]
    );
    let findings = all_findings(&text, PolicyType::Identity);
    let f = findings
        .iter()
        .find(|f| f.code == "PRIVILEGE_ESCALATION")
        .expect("reported");
    assert_eq!(text.get(f.span.range()), Some("\"iam:PassRole\""));
    let related: Vec<(&str, &str)> = f
        .related
        .iter()
        .map(|r| (text.get(r.span.range()).unwrap_or(""), r.message.as_str()))
        .collect();
    assert_eq!(
        related,
        vec![
            ("\"iam:PassRole\"", "statement 1 grants iam:PassRole"),
            ("\"ec2:Run*\"", "statement \"Run\" grants ec2:RunInstances"),
        ]
    );
    assert_eq!(
        f.risk.as_ref().map(|r| (r.kind.as_str(), r.method)),
        Some(("privilege-escalation", Some("CreateEC2WithExistingIP")))
    );
}

#[test]
fn a_deny_removing_one_action_stops_the_method_and_a_conditional_one_does_not() {
    let allow = r#"{"Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances"], "Resource": "*"}"#;
    let removed = policy(&format!(
        r#"{allow}, {{"Effect": "Deny", "Action": "iam:PassRole", "Resource": "*"}}"#
    ));
    assert_eq!(methods(&removed), Vec::<&str>::new());
    let every_role = policy(&format!(
        r#"{allow}, {{"Effect": "Deny", "Action": "iam:PassRole", "Resource": "arn:aws:iam::*:role/*"}}"#
    ));
    assert_eq!(methods(&every_role), Vec::<&str>::new());
    let conditional = policy(&format!(
        r#"{allow}, {{"Effect": "Deny", "Action": "iam:PassRole", "Resource": "*",
            "Condition": {{"BoolIfExists": {{"aws:MultiFactorAuthPresent": "false"}}}}}}"#
    ));
    assert_eq!(methods(&conditional), vec!["CreateEC2WithExistingIP"]);
}

#[test]
fn resources_that_do_not_reach_the_action_grant_nothing() {
    let text = policy(
        r#"{"Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances"], "Resource": "arn:aws:s3:::bucket/*"}"#,
    );
    assert_eq!(methods(&text), Vec::<&str>::new());
}

#[test]
fn not_action_reaches_methods_and_points_at_its_key() {
    let text = policy(r#"{"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}"#);
    let found = methods(&text);
    assert!(
        found.contains(&"CreateAccessKey") && found.contains(&"CreateEC2WithExistingIP"),
        "{found:?}"
    );
    // Contained methods are left out.
    assert!(!found.contains(&"CreateAndRotateAccessKey"), "{found:?}");
    let findings = all_findings(&text, PolicyType::Identity);
    let spans: Vec<&str> = findings
        .iter()
        .filter(|f| f.code == "PRIVILEGE_ESCALATION")
        .filter_map(|f| text.get(f.span.range()))
        .collect();
    assert!(
        !spans.is_empty() && spans.iter().all(|s| *s == "\"NotAction\""),
        "{spans:?}"
    );
}

#[test]
fn escalation_is_for_identity_policies() {
    let text = policy(r#"{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}"#);
    for t in [PolicyType::Scp, PolicyType::Boundary, PolicyType::Rcp] {
        assert_eq!(risks(&text, t, &settings_all()), vec![], "{t}");
    }
}

#[test]
fn exposure_categories_are_off_by_default() {
    let text = policy(r#"{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutBucketPolicy"], "Resource": "*"}"#);
    assert_eq!(risks(&text, PolicyType::Identity, &RiskSettings::default()), vec![]);
    let enabled = RiskSettings {
        enabled: [RiskKind::ResourceExposure].into_iter().collect(),
        ..RiskSettings::default()
    };
    assert_eq!(
        risks(&text, PolicyType::Identity, &enabled),
        vec![(RiskKind::ResourceExposure, None, vec!["s3:PutBucketPolicy".to_owned()])]
    );
}

#[test]
fn exposure_categories_from_documented_examples() {
    let cases = [
        (r#""s3:GetObject""#, RiskKind::DataExfiltration, "s3:GetObject"),
        (
            r#""secretsmanager:GetSecretValue""#,
            RiskKind::DataExfiltration,
            "secretsmanager:GetSecretValue",
        ),
        (
            r#""ecr:GetAuthorizationToken""#,
            RiskKind::CredentialsExposure,
            "ecr:GetAuthorizationToken",
        ),
        (r#""kms:PutKeyPolicy""#, RiskKind::ResourceExposure, "kms:PutKeyPolicy"),
        (
            r#""ec2:TerminateInstances""#,
            RiskKind::InfrastructureModification,
            "ec2:TerminateInstances",
        ),
    ];
    for (action, kind, name) in cases {
        let text = policy(&format!(
            r#"{{"Effect": "Allow", "Action": {action}, "Resource": "*"}}"#
        ));
        let found: Vec<_> = risks(&text, PolicyType::Identity, &settings_all())
            .into_iter()
            .filter(|(k, _, _)| *k == kind)
            .collect();
        assert_eq!(found, vec![(kind, None, vec![name.to_owned()])], "{action}");
        // A resource limit, a condition or a Deny naming the action quiets it.
        let limited = [
            format!(r#"{{"Effect": "Allow", "Action": {action}, "Resource": "arn:aws:s3:::b/*"}}"#),
            format!(
                r#"{{"Effect": "Allow", "Action": {action}, "Resource": "*", "Condition": {{"StringEquals": {{"aws:ResourceTag/team": "a"}}}}}}"#
            ),
            format!(
                r#"{{"Effect": "Allow", "Action": {action}, "Resource": "*"}}, {{"Effect": "Deny", "Action": {action}, "Resource": "*", "Condition": {{"Bool": {{"aws:MultiFactorAuthPresent": "false"}}}}}}"#
            ),
        ];
        for statements in limited {
            let text = policy(&statements);
            let found: Vec<_> = risks(&text, PolicyType::Identity, &settings_all())
                .into_iter()
                .filter(|(k, _, _)| *k == kind)
                .collect();
            assert_eq!(found, vec![], "{statements}");
        }
    }
}

fn public(principal_and_condition: &str, t: PolicyType) -> Vec<Vec<String>> {
    let text = policy(&format!(
        r#"{{"Effect": "Allow", {principal_and_condition}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}"#
    ));
    risks(&text, t, &RiskSettings::default())
        .into_iter()
        .filter(|(k, _, _)| *k == RiskKind::PublicAccess)
        .map(|(_, _, a)| a)
        .collect()
}

#[test]
fn public_access_follows_the_meaning_of_public() {
    let get = vec![vec!["s3:GetObject".to_owned()]];
    let public_cases = [
        r#""Principal": "*""#,
        r#""Principal": {"AWS": "*"}"#,
        r#""Principal": "*", "Condition": {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}"#,
        r#""Principal": "*", "Condition": {"StringNotEquals": {"aws:SourceAccount": "111122223333"}}"#,
        r#""Principal": "*", "Condition": {"StringLike": {"aws:SourceArn": "arn:aws:sns:*:*:*"}}"#,
        r#""Principal": "*", "Condition": {"StringLike": {"aws:Referer": "https://example.com/*"}}"#,
        r#""Principal": "*", "Condition": {"StringEquals": {"aws:UserAgent": "my-app"}}"#,
        r#""Principal": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}"#,
        r#""Principal": "*", "Condition": {"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1a2b3c4d"}}"#,
    ];
    for case in public_cases {
        assert_eq!(public(case, PolicyType::Resource), get, "{case}");
    }
    let pinned_cases = [
        r#""Principal": {"AWS": "arn:aws:iam::111122223333:root"}"#,
        r#""Principal": "*", "Condition": {"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}"#,
        r#""Principal": "*", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}"#,
        r#""Principal": "*", "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-111bbb22"}}"#,
        r#""Principal": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}"#,
        r#""Principal": "*", "Condition": {"StringEquals": {"aws:PrincipalAccount": "111122223333"}}"#,
        r#""Principal": "*", "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:topic"}}"#,
        r#""Principal": "*", "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}}"#,
        r#""Principal": "*", "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}"#,
    ];
    for case in pinned_cases {
        assert_eq!(public(case, PolicyType::Resource), Vec::<Vec<String>>::new(), "{case}");
    }
}

#[test]
fn public_access_across_services_and_trust_policies() {
    let services = [
        r#"{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:111122223333:queue"}"#,
        r#"{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sns:Publish", "Resource": "arn:aws:sns:us-east-1:111122223333:topic"}"#,
        r#"{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}"#,
        r#"{"Effect": "Allow", "Principal": "*", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}"#,
        r#"{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Resource": "*"}"#,
        r#"{"Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction", "Resource": "arn:aws:lambda:us-east-1:111122223333:function:f"}"#,
        r#"{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "es:ESHttpGet", "Resource": "arn:aws:es:us-east-1:111122223333:domain/d/*"}"#,
    ];
    for st in services {
        let found = risks(&policy(st), PolicyType::Resource, &RiskSettings::default());
        assert_eq!(found.len(), 1, "{st}: {found:?}");
        assert_eq!(found[0].0, RiskKind::PublicAccess);
    }
    let trust = policy(r#"{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}"#);
    assert_eq!(
        risks(&trust, PolicyType::Trust, &RiskSettings::default()),
        vec![(RiskKind::PublicAccess, None, vec!["sts:AssumeRole".to_owned()])]
    );
    let findings = all_findings(&trust, PolicyType::Trust);
    let f = findings.iter().find(|f| f.code == "PUBLIC_ACCESS").expect("reported");
    assert_eq!(trust.get(f.span.range()), Some(r#""Principal": {"AWS": "*"}"#));
}

#[test]
fn forbidden_access_per_statement_and_resource() {
    let settings = RiskSettings {
        forbid: parse_forbidden("iam:*, s3:DeleteBucket").unwrap_or_default(),
        ..RiskSettings::default()
    };
    let text = policy(
        r#"{"Effect": "Allow", "Action": ["iam:PassRole", "iam:GetRole"], "Resource": "*"},
           {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::logs"},
           {"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}"#,
    );
    let found = risks(&text, PolicyType::Identity, &settings);
    let forbidden: Vec<_> = found
        .into_iter()
        .filter(|(k, _, _)| *k == RiskKind::ForbiddenAccess)
        .collect();
    assert_eq!(
        forbidden,
        vec![
            (
                RiskKind::ForbiddenAccess,
                None,
                vec!["iam:GetRole".to_owned(), "iam:PassRole".to_owned()]
            ),
            (RiskKind::ForbiddenAccess, None, vec!["s3:DeleteBucket".to_owned()]),
        ]
    );
    let on_prod = RiskSettings {
        forbid: vec![Forbidden {
            action: "s3:DeleteBucket".to_owned(),
            resources: vec!["arn:aws:s3:::prod-*".to_owned()],
        }],
        ..RiskSettings::default()
    };
    assert_eq!(risks(&text, PolicyType::Identity, &on_prod), vec![]);
    assert!(parse_forbidden("iam").is_err());
    assert!(parse_forbidden("*").is_ok());
}

#[test]
fn settings_scope_reaches_the_checks() {
    let text = policy(r#"{"Effect": "Allow", "Action": "iam:GetRole", "Resource": "*"}"#);
    let forbidden = || {
        all_findings(&text, PolicyType::Identity)
            .into_iter()
            .filter(|f| f.code == "FORBIDDEN_ACCESS")
            .count()
    };
    assert_eq!(forbidden(), 0);
    {
        let _scope = scope(std::sync::Arc::new(RiskSettings {
            forbid: parse_forbidden("iam:Get*").unwrap_or_default(),
            ..RiskSettings::default()
        }));
        assert_eq!(forbidden(), 1);
    }
    assert_eq!(forbidden(), 0);
}

#[test]
fn clean_least_privilege_policies_raise_nothing() {
    let cases = [
        (
            PolicyType::Identity,
            r#"{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::reports/*"},
               {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/app",
                "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}}"#,
        ),
        (
            PolicyType::Resource,
            r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/reader"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}"#,
        ),
        (
            PolicyType::Trust,
            r#"{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}"#,
        ),
        (
            PolicyType::Scp,
            r#"{"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"}"#,
        ),
        (
            PolicyType::Rcp,
            r#"{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}"#,
        ),
        (
            PolicyType::Boundary,
            r#"{"Effect": "Allow", "Action": ["s3:*", "iam:PassRole"], "Resource": "*"}"#,
        ),
        (
            PolicyType::Endpoint,
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}"#,
        ),
    ];
    for (t, statements) in cases {
        assert_eq!(risks(&policy(statements), t, &settings_all()), vec![], "{t}");
    }
}
