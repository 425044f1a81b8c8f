//! Conditions and policy variables through whole policies ("Condition operators", "Policy
//! variables", "Multivalued context keys" in the AWS IAM User Guide).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure is a test failure"
)]

use iam_policy::eval::{CompiledPolicy, Context, Decision, Policies, PrincipalId, Request, decide, explain};

fn user(name: &str) -> PrincipalId {
    PrincipalId::parse(&format!("arn:aws:iam::111122223333:user/{name}")).unwrap()
}

fn identity(policy: &str) -> Policies {
    Policies {
        identity: vec![CompiledPolicy::from_text("id.json", policy)],
        ..Policies::default()
    }
}

fn request(principal: PrincipalId, action: &str, resource: &str, context: Context) -> Request {
    Request::new(principal, action, resource, Some("111122223333"), context)
}

fn home_policy(version: &str) -> String {
    format!(
        r#"{{"Version": "{version}", "Statement": {{"Effect": "Allow", "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::home/${{aws:username}}/*"}}}}"#
    )
}

#[test]
fn variables_are_substituted_only_under_2012_10_17() {
    let bob = |r: &str| request(user("bob"), "s3:GetObject", r, Context::new());
    let modern = identity(&home_policy("2012-10-17"));
    assert_eq!(decide(&modern, &bob("arn:aws:s3:::home/bob/notes")), Decision::Allowed);
    assert_eq!(
        decide(&modern, &bob("arn:aws:s3:::home/alice/notes")),
        Decision::ImplicitlyDenied
    );
    // 2008-10-17 (or no Version): `${aws:username}` is literal text.
    for old in [
        identity(&home_policy("2008-10-17")),
        identity(&home_policy("").replace(r#""Version": "", "#, "")),
    ] {
        assert_eq!(
            decide(&old, &bob("arn:aws:s3:::home/bob/notes")),
            Decision::ImplicitlyDenied
        );
        assert_eq!(
            decide(&old, &bob("arn:aws:s3:::home/${aws:username}/notes")),
            Decision::Allowed
        );
    }
}

#[test]
fn substituted_values_are_literal_and_escapes_work() {
    let policies = identity(&home_policy("2012-10-17"));
    // A user named `b*` does not get a wildcard.
    let star = request(user("b*"), "s3:GetObject", "arn:aws:s3:::home/bob/x", Context::new());
    assert_eq!(decide(&policies, &star), Decision::ImplicitlyDenied);
    let own = request(user("b*"), "s3:GetObject", "arn:aws:s3:::home/b*/x", Context::new());
    assert_eq!(decide(&policies, &own), Decision::Allowed);
    let escapes = identity(
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b/${*}${?}${$}-${aws:PrincipalTag/team, 'none'}"}}"#,
    );
    let r = |res: &str| decide(&escapes, &request(user("x"), "s3:GetObject", res, Context::new()));
    assert_eq!(r("arn:aws:s3:::b/*?$-none"), Decision::Allowed);
    assert_eq!(r("arn:aws:s3:::b/xx$-none"), Decision::ImplicitlyDenied);
}

#[test]
fn missing_variable_in_resource_matches_nothing() {
    let policies = identity(
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b/${aws:PrincipalTag/team}/*"}}"#,
    );
    let role = PrincipalId::parse("arn:aws:sts::111122223333:assumed-role/app/s").unwrap();
    let r = request(role.clone(), "s3:GetObject", "arn:aws:s3:::b//x", Context::new());
    assert_eq!(decide(&policies, &r), Decision::ImplicitlyDenied);
    let e = explain(&policies, &r);
    assert!(e.explanation.unwrap().reason.contains("no identity-based"));
    let mut ctx = Context::new();
    ctx.insert("aws:principaltag/TEAM", "red");
    let r = request(role, "s3:GetObject", "arn:aws:s3:::b/red/x", ctx);
    assert_eq!(decide(&policies, &r), Decision::Allowed);
}

const TAG_POLICY: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ec2:CreateTags",
    "Resource": "*", "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}}}}"#;

#[test]
fn for_all_values_with_a_missing_key_allows() {
    let policies = identity(TAG_POLICY);
    let r = |ctx: Context| decide(&policies, &request(user("a"), "ec2:CreateTags", "*", ctx));
    // The classic hole: no aws:TagKeys at all → ForAllValues is vacuously true.
    assert_eq!(r(Context::new()), Decision::Allowed);
    let mut ok = Context::new();
    ok.insert_multi("aws:TagKeys", vec!["team".into()]);
    assert_eq!(r(ok), Decision::Allowed);
    let mut extra = Context::new();
    extra.insert_multi("aws:TagKeys", vec!["team".into(), "owner".into()]);
    assert_eq!(r(extra), Decision::ImplicitlyDenied);
    // The guard: Null false requires the key.
    let guarded = identity(&TAG_POLICY.replace(
        r#""Condition": {"#,
        r#""Condition": {"Null": {"aws:TagKeys": "false"}, "#,
    ));
    assert_eq!(
        decide(&guarded, &request(user("a"), "ec2:CreateTags", "*", Context::new())),
        Decision::ImplicitlyDenied
    );
}

#[test]
fn negated_operator_over_several_values_denies_only_outside_all_of_them() {
    let deny = r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "*", "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}}]}"#;
    let policies = identity(deny);
    let r = |region: Option<&str>| {
        let mut ctx = Context::new();
        if let Some(region) = region {
            ctx.insert("aws:RequestedRegion", region);
        }
        decide(&policies, &request(user("a"), "ec2:RunInstances", "*", ctx))
    };
    assert_eq!(r(Some("eu-west-1")), Decision::Allowed);
    assert_eq!(r(Some("eu-central-1")), Decision::Allowed);
    assert_eq!(r(Some("us-east-1")), Decision::ExplicitlyDenied);
    // A negated operator with the key missing is true: the deny applies.
    assert_eq!(r(None), Decision::ExplicitlyDenied);
}

#[test]
fn plain_operator_on_multivalued_key_matches_nothing_and_says_so() {
    let policies = identity(
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
            "Condition": {"StringEquals": {"aws:TagKeys": "team"}}}}"#,
    );
    let mut ctx = Context::new();
    ctx.insert_multi("aws:TagKeys", vec!["team".into(), "env".into()]);
    let r = request(user("a"), "ec2:CreateTags", "*", ctx);
    let e = explain(&policies, &r);
    assert_eq!(e.decision, Decision::ImplicitlyDenied);
    let x = e.explanation.unwrap();
    let note = x
        .layers
        .iter()
        .flat_map(|l| &l.statements)
        .flat_map(|s| &s.conditions)
        .find_map(|c| c.note.clone());
    assert!(note.unwrap().contains("several values"));
    // A one-element array is a single value.
    let mut one = Context::new();
    one.insert_multi("aws:TagKeys", vec!["team".into()]);
    assert_eq!(
        decide(&policies, &request(user("a"), "ec2:CreateTags", "*", one)),
        Decision::Allowed
    );
}

#[test]
fn keys_in_one_block_that_differ_by_case_are_the_same_key() {
    let policies = identity(
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalTag/Team": "red", "aws:principaltag/team": "blue"}}}}"#,
    );
    let mut ctx = Context::new();
    ctx.insert("AWS:PrincipalTag/TEAM", "red");
    assert_eq!(
        decide(&policies, &request(user("a"), "s3:GetObject", "*", ctx)),
        Decision::ImplicitlyDenied
    );
}

#[test]
fn if_exists_dates_numbers_bool_and_condition_variables() {
    let policies = identity(
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*",
            "Condition": {
              "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"},
              "NumericLessThanEqualsIfExists": {"s3:max-keys": 100},
              "Bool": {"aws:SecureTransport": true},
              "StringLike": {"s3:prefix": ["home/${aws:username}/*", "public/*"]}}}}"#,
    );
    let r = |pairs: &[(&str, &str)]| {
        let mut ctx = Context::new();
        for (k, v) in pairs {
            ctx.insert(k, *v);
        }
        decide(&policies, &request(user("bob"), "s3:ListBucket", "arn:aws:s3:::b", ctx))
    };
    let base = [
        ("aws:CurrentTime", "2024-05-01T12:00:00Z"),
        ("aws:SecureTransport", "true"),
        ("s3:prefix", "home/bob/docs"),
    ];
    assert_eq!(r(&base), Decision::Allowed);
    let mut epoch = base;
    epoch[0] = ("aws:CurrentTime", "1714564800");
    assert_eq!(r(&epoch), Decision::Allowed);
    let mut late = base;
    late[0] = ("aws:CurrentTime", "2031-01-01T00:00:00Z");
    assert_eq!(r(&late), Decision::ImplicitlyDenied);
    let mut other_home = base;
    other_home[2] = ("s3:prefix", "home/alice/docs");
    assert_eq!(r(&other_home), Decision::ImplicitlyDenied);
    let mut many = base.to_vec();
    many.push(("s3:max-keys", "1000"));
    assert_eq!(r(&many), Decision::ImplicitlyDenied);
    let mut insecure = base;
    insecure[1] = ("aws:SecureTransport", "false");
    assert_eq!(r(&insecure), Decision::ImplicitlyDenied);
}

#[test]
fn ipv6_source_ip_and_not_ip_address_deny() {
    let policies = identity(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "*", "Resource": "*",
             "Condition": {"NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24", "2001:DB8:1234::/48"]}}}]}"#,
    );
    let r = |ip: &str| {
        let mut ctx = Context::new();
        ctx.insert("aws:SourceIp", ip);
        decide(&policies, &request(user("a"), "s3:GetObject", "*", ctx))
    };
    assert_eq!(r("192.0.2.44"), Decision::Allowed);
    assert_eq!(r("2001:db8:1234:ffff::1"), Decision::Allowed);
    assert_eq!(r("2001:db8:1235::1"), Decision::ExplicitlyDenied);
    assert_eq!(r("203.0.113.9"), Decision::ExplicitlyDenied);
}

#[test]
fn unknown_operator_never_holds() {
    let policies = identity(
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
            "Condition": {"StringEqualz": {"aws:username": "a"}}}}"#,
    );
    assert_eq!(
        decide(&policies, &request(user("a"), "s3:GetObject", "*", Context::new())),
        Decision::ImplicitlyDenied
    );
}

#[test]
fn statements_without_valid_effect_are_ignored_with_a_warning() {
    let policies =
        identity(r#"{"Version": "2012-10-17", "Statement": {"Effect": "allow", "Action": "*", "Resource": "*"}}"#);
    let e = explain(&policies, &request(user("a"), "s3:GetObject", "*", Context::new()));
    assert_eq!(e.decision, Decision::ImplicitlyDenied);
    assert!(
        e.explanation
            .unwrap()
            .warnings
            .iter()
            .any(|w| w.contains("no valid Effect"))
    );
}
