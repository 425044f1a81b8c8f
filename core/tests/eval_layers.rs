//! Layer rules from the AWS IAM User Guide ("Policy evaluation logic", "Cross-account policy
//! evaluation logic", SCP/RCP evaluation, KMS key policies, role trust policies), each with the
//! traps that make people ask "why is this Access Denied?".
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure is a test failure"
)]

use iam_policy::eval::input;
use iam_policy::eval::{ActionCatalog, Decision, EmbeddedCatalog, Evaluation, LayerDecision, Options, evaluate};

const ACCT: &str = "111122223333";
const OTHER: &str = "444455556666";

fn run_with(request: &str, catalog: Option<&dyn ActionCatalog>) -> Evaluation {
    let mut no_files = |p: &str| Err(format!("no file {p}"));
    let loaded = input::load(request, "test.json", &mut no_files).unwrap();
    let eval = evaluate(&loaded.policies, &loaded.request, &Options { explain: true, catalog });
    // The fast path must agree with the explained one.
    let fast = evaluate(
        &loaded.policies,
        &loaded.request,
        &Options {
            explain: false,
            catalog,
        },
    );
    assert_eq!(fast.decision, eval.decision);
    eval
}

fn run(request: &str) -> Evaluation {
    run_with(request, None)
}

fn decision(request: &str) -> Decision {
    run(request).decision
}

fn reason(e: &Evaluation) -> String {
    e.explanation.as_ref().map(|x| x.reason.clone()).unwrap_or_default()
}

/// A request JSON: principal, action, resource, then the `policies` object body.
fn req(principal: &str, action: &str, resource: &str, policies: &str) -> String {
    format!(
        r#"{{"request": {{"principal": "{principal}", "action": "{action}", "resource": "{resource}"}},
            "policies": {{{policies}}}}}"#
    )
}

fn req_ctx(principal: &str, action: &str, resource: &str, context: &str, policies: &str) -> String {
    format!(
        r#"{{"request": {{"principal": "{principal}", "action": "{action}", "resource": "{resource}",
            "resourceAccount": "{ACCT}", "context": {context}}},
            "policies": {{{policies}}}}}"#
    )
}

fn allow(action: &str, resource: &str) -> String {
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "{action}", "Resource": "{resource}"}}]}}"#
    )
}

fn deny(action: &str, resource: &str) -> String {
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Deny", "Action": "{action}", "Resource": "{resource}"}}]}}"#
    )
}

fn grant(principal_json: &str, action: &str, resource: &str) -> String {
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "Grant", "Effect": "Allow", "Principal": {principal_json}, "Action": "{action}", "Resource": "{resource}"}}]}}"#
    )
}

fn user() -> String {
    format!("arn:aws:iam::{ACCT}:user/alice")
}
fn session() -> String {
    format!("arn:aws:sts::{ACCT}:assumed-role/app/s1")
}
fn queue() -> String {
    format!("arn:aws:sqs:us-east-1:{ACCT}:q")
}

#[test]
fn identity_allow_and_implicit_deny() {
    let p = format!(r#""identity": [{}]"#, allow("sqs:SendMessage", &queue()));
    assert_eq!(
        decision(&req(&user(), "sqs:SendMessage", &queue(), &p)),
        Decision::Allowed
    );
    assert_eq!(
        decision(&req(&user(), "sqs:DeleteQueue", &queue(), &p)),
        Decision::ImplicitlyDenied
    );
    let e = run(&req(&user(), "sqs:SendMessage", &queue(), ""));
    assert_eq!(e.decision, Decision::ImplicitlyDenied);
    assert!(
        reason(&e).contains("no identity-based or resource-based policy allows"),
        "{}",
        reason(&e)
    );
}

#[test]
fn explicit_deny_anywhere_wins() {
    let p = format!(
        r#""identity": [{}, {}], "resource": {}"#,
        allow("*", "*"),
        deny("sqs:send*", "*"),
        grant(&format!("{{\"AWS\": \"{}\"}}", user()), "sqs:*", "*")
    );
    let e = run(&req(&user(), "sqs:SendMessage", &queue(), &p));
    assert_eq!(e.decision, Decision::ExplicitlyDenied);
    assert!(
        reason(&e).contains("policies.identity[1] statement 0"),
        "{}",
        reason(&e)
    );
}

#[test]
fn actions_are_case_insensitive_with_wildcards_and_not_action() {
    let p = format!(r#""identity": [{}]"#, allow("SQS:send?ess*", "*"));
    assert_eq!(
        decision(&req(&user(), "sqs:SendMessage", &queue(), &p)),
        Decision::Allowed
    );
    let not_action = r#""identity": [{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": ["iam:*", "sqs:Delete*"], "Resource": "*"}}]"#;
    assert_eq!(
        decision(&req(&user(), "sqs:SendMessage", &queue(), not_action)),
        Decision::Allowed
    );
    assert_eq!(
        decision(&req(&user(), "s3:GetObject", "arn:aws:s3:::b/k", not_action)),
        Decision::Allowed
    );
    assert_eq!(
        decision(&req(&user(), "IAM:CreateUser", "*", not_action)),
        Decision::ImplicitlyDenied
    );
    assert_eq!(
        decision(&req(&user(), "sqs:DeleteQueue", &queue(), not_action)),
        Decision::ImplicitlyDenied
    );
}

#[test]
fn resources_wildcards_cross_slash_and_colon_and_not_resource() {
    let p = format!(r#""identity": [{}]"#, allow("s3:GetObject", "arn:aws:s3:::bucket/*"));
    let r = |res: &str| decision(&req(&user(), "s3:GetObject", res, &p));
    assert_eq!(r("arn:aws:s3:::bucket/a/b:c"), Decision::Allowed);
    assert_eq!(r("arn:aws:s3:::bucket"), Decision::ImplicitlyDenied);
    assert_eq!(
        r("arn:aws:s3:::Bucket/a"),
        Decision::ImplicitlyDenied,
        "resources are case-sensitive"
    );
    let not_res = r#""identity": [{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"}}]"#;
    assert_eq!(
        decision(&req(&user(), "s3:GetObject", "arn:aws:s3:::pub/x", not_res)),
        Decision::Allowed
    );
    assert_eq!(
        decision(&req(&user(), "s3:GetObject", "arn:aws:s3:::secret/x", not_res)),
        Decision::ImplicitlyDenied
    );
}

struct NoResourceType;
impl ActionCatalog for NoResourceType {
    fn takes_resource_type(&self, action: &str) -> Option<bool> {
        (action.eq_ignore_ascii_case("s3:ListAllMyBuckets")).then_some(false)
    }
}

#[test]
fn actions_without_resource_type_match_only_star() {
    let scoped = format!(
        r#""identity": [{}]"#,
        allow("s3:ListAllMyBuckets", "arn:aws:s3:::bucket")
    );
    let star = format!(r#""identity": [{}]"#, allow("s3:ListAllMyBuckets", "*"));
    let cat: &dyn ActionCatalog = &NoResourceType;
    // With the catalog hook, an entry naming one resource never matches such an action.
    let r = req(&user(), "s3:ListAllMyBuckets", "*", &scoped);
    assert_eq!(run_with(&r, Some(cat)).decision, Decision::ImplicitlyDenied);
    let r = req(&user(), "s3:ListAllMyBuckets", "*", &star);
    assert_eq!(run_with(&r, Some(cat)).decision, Decision::Allowed);
}

#[test]
fn scp_must_allow_at_every_level() {
    let levels = |ou_policy: &str| {
        format!(
            r#""identity": [{}], "scps": [{{"orgIdentifier": "r-root", "policies": [{}]}}, {{"orgIdentifier": "ou-abcd", "policies": [{ou_policy}]}}]"#,
            allow("*", "*"),
            allow("*", "*")
        )
    };
    let e = run(&req(
        &user(),
        "s3:PutObject",
        "arn:aws:s3:::b/k",
        &levels(&allow("s3:Get*", "*")),
    ));
    assert_eq!(e.decision, Decision::ImplicitlyDenied);
    assert_eq!(reason(&e), "denied by SCP at ou-abcd: no statement allows s3:PutObject");
    let e = run(&req(
        &user(),
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        &levels(&allow("s3:Get*", "*")),
    ));
    assert_eq!(e.decision, Decision::Allowed);
    // SCPs never grant: the identity policy is still needed.
    let only_scp = format!(
        r#""scps": [{{"orgIdentifier": "r-root", "policies": [{}]}}]"#,
        allow("*", "*")
    );
    assert_eq!(
        decision(&req(&user(), "s3:GetObject", "arn:aws:s3:::b/k", &only_scp)),
        Decision::ImplicitlyDenied
    );
    // An empty list means SCPs do not apply; a level with no policies allows nothing.
    let empty_level = format!(
        r#""identity": [{}], "scps": [{{"orgIdentifier": "r-root", "policies": []}}]"#,
        allow("*", "*")
    );
    assert_eq!(
        decision(&req(&user(), "s3:GetObject", "arn:aws:s3:::b/k", &empty_level)),
        Decision::ImplicitlyDenied
    );
}

#[test]
fn scps_do_not_restrict_service_principals_but_rcps_restrict_iam_principals() {
    let p = format!(
        r#""resource": {}, "scps": [{{"orgIdentifier": "r-root", "policies": [{}]}}]"#,
        grant(r#"{"Service": "sns.amazonaws.com"}"#, "sqs:SendMessage", &queue()),
        deny("*", "*")
    );
    assert_eq!(
        decision(&req("sns.amazonaws.com", "sqs:SendMessage", &queue(), &p)),
        Decision::Allowed
    );
    let rcp = format!(
        r#""identity": [{}], "rcps": [{{"orgIdentifier": "r-root", "policies": [{}, {}]}}]"#,
        allow("*", "*"),
        allow("*", "*"),
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": "*", "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-123"}}}}"#
    );
    let e = run(&req(&user(), "sqs:SendMessage", &queue(), &rcp));
    assert_eq!(e.decision, Decision::ExplicitlyDenied);
    assert!(
        reason(&e).contains("RCP") && reason(&e).contains("r-root"),
        "{}",
        reason(&e)
    );
}

#[test]
fn permissions_boundary_caps_identity_but_not_a_user_arn_grant() {
    let p = |resource_policy: &str| {
        format!(
            r#""identity": [{}], "permissionBoundaries": [{}], "resource": {resource_policy}"#,
            allow("sqs:*", "*"),
            allow("s3:*", "*")
        )
    };
    let e = run(&req(&user(), "sqs:SendMessage", &queue(), &p("null")));
    assert_eq!(e.decision, Decision::ImplicitlyDenied);
    assert!(reason(&e).contains("permissions boundary does not"), "{}", reason(&e));
    let named = grant(&format!(r#"{{"AWS": "{}"}}"#, user()), "sqs:SendMessage", &queue());
    assert_eq!(
        decision(&req(&user(), "sqs:SendMessage", &queue(), &p(&named))),
        Decision::Allowed
    );
}

#[test]
fn role_arn_grant_is_capped_but_session_arn_grant_is_not() {
    let policies = |principal: &str| {
        format!(
            r#""permissionBoundaries": [{}], "session": {}, "resource": {}"#,
            allow("s3:*", "*"),
            allow("s3:*", "*"),
            grant(&format!(r#"{{"AWS": "{principal}"}}"#), "sqs:SendMessage", &queue())
        )
    };
    let role_arn = format!("arn:aws:iam::{ACCT}:role/service-role/app");
    let e = run(&req(&session(), "sqs:SendMessage", &queue(), &policies(&role_arn)));
    assert_eq!(e.decision, Decision::ImplicitlyDenied, "{}", reason(&e));
    assert!(reason(&e).contains("names the role"), "{}", reason(&e));
    let e = run(&req(&session(), "sqs:SendMessage", &queue(), &policies(&session())));
    assert_eq!(e.decision, Decision::Allowed, "{}", reason(&e));
    // Without boundary and session policy, the role ARN grant alone allows (no identity policy).
    let bare = format!(
        r#""resource": {}"#,
        grant(&format!(r#"{{"AWS": "{role_arn}"}}"#), "sqs:*", "*")
    );
    assert_eq!(
        decision(&req(&session(), "sqs:SendMessage", &queue(), &bare)),
        Decision::Allowed
    );
    // A role ARN of another role does not name this session.
    let other = format!(
        r#""resource": {}"#,
        grant(&format!(r#"{{"AWS": "arn:aws:iam::{ACCT}:role/other"}}"#), "sqs:*", "*")
    );
    assert_eq!(
        decision(&req(&session(), "sqs:SendMessage", &queue(), &other)),
        Decision::ImplicitlyDenied
    );
}

#[test]
fn session_policy_caps_role_sessions_and_federated_users_need_one() {
    let p = |session: &str| format!(r#""identity": [{}], "session": {session}"#, allow("*", "*"));
    assert_eq!(
        decision(&req(&session(), "sqs:SendMessage", &queue(), &p("null"))),
        Decision::Allowed
    );
    let capped = allow("s3:*", "*");
    let e = run(&req(&session(), "sqs:SendMessage", &queue(), &p(&capped)));
    assert_eq!(e.decision, Decision::ImplicitlyDenied);
    assert!(reason(&e).contains("session policy does not"), "{}", reason(&e));
    let fed = format!("arn:aws:sts::{ACCT}:federated-user/bob");
    let e = run(&req(&fed, "sqs:SendMessage", &queue(), &p("null")));
    assert_eq!(e.decision, Decision::ImplicitlyDenied);
    assert!(
        reason(&e).contains("federated user session without a session policy"),
        "{}",
        reason(&e)
    );
    // A resource policy naming the federated user bypasses the missing session policy.
    let named = format!(
        r#""resource": {}"#,
        grant(&format!(r#"{{"AWS": "{fed}"}}"#), "sqs:*", "*")
    );
    assert_eq!(
        decision(&req(&fed, "sqs:SendMessage", &queue(), &named)),
        Decision::Allowed
    );
}

#[test]
fn cross_account_needs_both_sides() {
    let bucket = "arn:aws:s3:::shared/k";
    let both = |identity: bool, resource: Option<&str>| {
        format!(
            r#"{{"request": {{"principal": "{}", "action": "s3:GetObject", "resource": "{bucket}", "resourceAccount": "{OTHER}"}},
                "policies": {{"identity": [{}], "resource": {}}}}}"#,
            user(),
            if identity {
                allow("s3:GetObject", "*")
            } else {
                allow("sqs:*", "*")
            },
            resource.map_or("null".to_string(), |p| grant(
                p,
                "s3:GetObject",
                "arn:aws:s3:::shared/*"
            ))
        )
    };
    let named = format!(r#"{{"AWS": "{}"}}"#, user());
    let e = run(&both(true, None));
    assert_eq!(e.decision, Decision::ImplicitlyDenied);
    assert!(
        reason(&e).contains("cross-account request: the resource-based policy of account 444455556666"),
        "{}",
        reason(&e)
    );
    let e = run(&both(false, Some(&named)));
    assert_eq!(e.decision, Decision::ImplicitlyDenied);
    assert!(reason(&e).contains("no identity-based policy allows"), "{}", reason(&e));
    assert_eq!(run(&both(true, Some(&named))).decision, Decision::Allowed);
    // Naming the caller's account delegates to its identity policies.
    let account = format!(r#"{{"AWS": "arn:aws:iam::{ACCT}:root"}}"#);
    assert_eq!(run(&both(true, Some(&account))).decision, Decision::Allowed);
    assert_eq!(run(&both(false, Some(&account))).decision, Decision::ImplicitlyDenied);
    assert!(run(&both(true, Some(&named))).explanation.unwrap().cross_account);
}

#[test]
fn same_account_union_of_identity_and_resource() {
    let bucket = "arn:aws:s3:::mine/k";
    let r = |policies: &str| {
        format!(
            r#"{{"request": {{"principal": "{}", "action": "s3:GetObject", "resource": "{bucket}", "resourceAccount": "{ACCT}"}}, "policies": {{{policies}}}}}"#,
            user()
        )
    };
    let named = format!(r#"{{"AWS": "{}"}}"#, user());
    assert_eq!(
        decision(&r(&format!(r#""resource": {}"#, grant(&named, "s3:*", "*")))),
        Decision::Allowed
    );
    assert_eq!(
        decision(&r(&format!(r#""identity": [{}]"#, allow("s3:*", "*")))),
        Decision::Allowed
    );
    // An account principal in the same account delegates: it grants nothing by itself.
    let acct = format!(r#"{{"AWS": "{ACCT}"}}"#);
    assert_eq!(
        decision(&r(&format!(r#""resource": {}"#, grant(&acct, "s3:*", "*")))),
        Decision::ImplicitlyDenied
    );
}

#[test]
fn kms_key_policy_must_name_the_caller_or_delegate_to_the_account() {
    let key = format!("arn:aws:kms:us-east-1:{ACCT}:key/1234abcd");
    let p = |key_policy: &str, identity: bool| {
        format!(
            r#""identity": [{}], "resource": {key_policy}"#,
            if identity {
                allow("kms:Decrypt", "*")
            } else {
                allow("s3:*", "*")
            }
        )
    };
    let other_role = grant(&format!(r#"{{"AWS": "arn:aws:iam::{ACCT}:role/admin"}}"#), "kms:*", "*");
    let e = run(&req(&user(), "kms:Decrypt", &key, &p(&other_role, true)));
    assert_eq!(e.decision, Decision::ImplicitlyDenied);
    assert!(reason(&e).contains("KMS key policy does not allow"), "{}", reason(&e));
    let e = run(&req(&user(), "kms:Decrypt", &key, &p("null", true)));
    assert_eq!(e.decision, Decision::ImplicitlyDenied);
    let delegating = grant(&format!(r#"{{"AWS": "arn:aws:iam::{ACCT}:root"}}"#), "kms:*", "*");
    assert_eq!(
        decision(&req(&user(), "kms:Decrypt", &key, &p(&delegating, true))),
        Decision::Allowed
    );
    let e = run(&req(&user(), "kms:Decrypt", &key, &p(&delegating, false)));
    assert_eq!(e.decision, Decision::ImplicitlyDenied);
    assert!(reason(&e).contains("delegates"), "{}", reason(&e));
    let direct = grant(&format!(r#"{{"AWS": "{}"}}"#, user()), "kms:Decrypt", "*");
    assert_eq!(
        decision(&req(&user(), "kms:Decrypt", &key, &p(&direct, false))),
        Decision::Allowed
    );
}

#[test]
fn role_trust_policy_must_allow_explicitly() {
    let role = format!("arn:aws:iam::{ACCT}:role/deploy");
    // Trust policies have no Resource element.
    let trust = |principal: &str| {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {principal}, "Action": "sts:AssumeRole"}}]}}"#
        )
    };
    let p = |t: &str| format!(r#""identity": [{}], "resource": {t}"#, allow("sts:AssumeRole", "*"));
    assert_eq!(
        decision(&req(&user(), "sts:AssumeRole", &role, &p("null"))),
        Decision::ImplicitlyDenied
    );
    let lambda = trust(r#"{"Service": "lambda.amazonaws.com"}"#);
    assert_eq!(
        decision(&req(&user(), "sts:AssumeRole", &role, &p(&lambda))),
        Decision::ImplicitlyDenied
    );
    assert_eq!(
        decision(&req("lambda.amazonaws.com", "sts:AssumeRole", &role, &p(&lambda))),
        Decision::Allowed
    );
    let account = trust(&format!(r#"{{"AWS": "{ACCT}"}}"#));
    assert_eq!(
        decision(&req(&user(), "sts:AssumeRole", &role, &p(&account))),
        Decision::Allowed
    );
    let account_no_identity = format!(r#""resource": {account}"#);
    assert_eq!(
        decision(&req(&user(), "sts:AssumeRole", &role, &account_no_identity)),
        Decision::ImplicitlyDenied
    );
}

#[test]
fn anonymous_callers_need_principal_star() {
    let bucket = "arn:aws:s3:::public/index.html";
    let public = format!(
        r#""resource": {}"#,
        grant(r#""*""#, "s3:GetObject", "arn:aws:s3:::public/*")
    );
    assert_eq!(
        decision(&req("anonymous", "s3:GetObject", bucket, &public)),
        Decision::Allowed
    );
    let aws_star = format!(r#""resource": {}"#, grant(r#"{"AWS": "*"}"#, "s3:GetObject", "*"));
    assert_eq!(
        decision(&req("anonymous", "s3:GetObject", bucket, &aws_star)),
        Decision::Allowed
    );
    let account = format!(
        r#""resource": {}"#,
        grant(&format!(r#"{{"AWS": "{ACCT}"}}"#), "s3:GetObject", "*")
    );
    assert_eq!(
        decision(&req("anonymous", "s3:GetObject", bucket, &account)),
        Decision::ImplicitlyDenied
    );
    // Identity policies never apply to anonymous callers.
    let identity = format!(r#""identity": [{}]"#, allow("*", "*"));
    assert_eq!(
        decision(&req("anonymous", "s3:GetObject", bucket, &identity)),
        Decision::ImplicitlyDenied
    );
}

#[test]
fn not_principal_deny_excludes_the_listed_principals() {
    let p = |principal: &str| {
        format!(
            r#""identity": [{}], "resource": {{"Version": "2012-10-17", "Statement": {{"Effect": "Deny", "NotPrincipal": {{"AWS": "{principal}"}}, "Action": "*", "Resource": "*"}}}}"#,
            allow("*", "*")
        )
    };
    assert_eq!(
        decision(&req(&user(), "sqs:SendMessage", &queue(), &p(&user()))),
        Decision::Allowed
    );
    let other = format!("arn:aws:iam::{ACCT}:user/mallory");
    assert_eq!(
        decision(&req(&user(), "sqs:SendMessage", &queue(), &p(&other))),
        Decision::ExplicitlyDenied
    );
}

#[test]
fn vpc_endpoint_policy_must_allow() {
    let p = |vpce: &str| format!(r#""identity": [{}], "vpcEndpoint": [{vpce}]"#, allow("*", "*"));
    let only_get = grant(r#""*""#, "s3:GetObject", "*");
    let e = run(&req(&user(), "s3:PutObject", "arn:aws:s3:::b/k", &p(&only_get)));
    assert_eq!(e.decision, Decision::ImplicitlyDenied);
    assert!(reason(&e).contains("VPC endpoint"), "{}", reason(&e));
    assert_eq!(
        decision(&req(&user(), "s3:GetObject", "arn:aws:s3:::b/k", &p(&only_get))),
        Decision::Allowed
    );
}

#[test]
fn root_user_has_its_account_permissions_but_scps_still_apply() {
    let root = format!("arn:aws:iam::{ACCT}:root");
    assert_eq!(
        decision(&req(&root, "sqs:SendMessage", &queue(), "")),
        Decision::Allowed
    );
    let scp = format!(
        r#""scps": [{{"orgIdentifier": "r-root", "policies": [{}]}}]"#,
        allow("s3:*", "*")
    );
    assert_eq!(
        decision(&req(&root, "sqs:SendMessage", &queue(), &scp)),
        Decision::ImplicitlyDenied
    );
}

#[test]
fn explanation_names_layers_statements_and_spans() {
    let text = req_ctx(
        &user(),
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        r#"{"aws:SourceIp": "198.51.100.1"}"#,
        r#""identity": [{"Version": "2012-10-17", "Statement": [
            {"Sid": "Other", "Effect": "Allow", "Action": "sqs:*", "Resource": "*"},
            {"Sid": "FromOffice", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
             "Condition": {"IpAddress": {"AWS:SOURCEIP": "203.0.113.0/24"}, "Bool": {"aws:SecureTransport": "true"}}}]}]"#,
    );
    let e = run(&text);
    assert_eq!(e.decision, Decision::ImplicitlyDenied);
    let x = e.explanation.unwrap();
    let identity = x
        .layers
        .iter()
        .find(|l| l.layer == iam_policy::eval::Layer::Identity)
        .unwrap();
    assert_eq!(identity.decision, LayerDecision::NoMatch);
    assert_eq!(
        identity.statements.len(),
        1,
        "only statements whose action and resource match are listed"
    );
    let st = &identity.statements[0];
    assert_eq!(
        (st.statement_index, st.sid.as_deref(), st.matched),
        (1, Some("FromOffice"), false)
    );
    assert!(text[st.range.start..st.range.end].starts_with(r#"{"Sid": "FromOffice""#));
    let ip = &st.conditions[0];
    assert_eq!(ip.key, "AWS:SOURCEIP");
    assert_eq!(ip.request_values.as_deref(), Some(&["198.51.100.1".to_string()][..]));
    assert_eq!(ip.policy_values, vec!["203.0.113.0/24"]);
    assert!(!ip.result);
    assert!(text[ip.range.start..ip.range.end].starts_with(r#""AWS:SOURCEIP""#));
    assert_eq!(x.missing_context_keys, vec!["aws:SecureTransport"]);
    let scp = x.layers.iter().find(|l| l.layer == iam_policy::eval::Layer::Scp);
    assert!(scp.is_none(), "no SCP levels given: no SCP layer rows");
}

#[test]
fn service_linked_roles_are_not_restricted_by_scps_or_rcps() {
    let deny_all_rcp = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}}"#;
    let p = format!(
        r#""identity": [{}], "scps": [{{"orgIdentifier": "r-root", "policies": [{}]}}], "rcps": [{{"orgIdentifier": "r-root", "policies": [{}]}}]"#,
        allow("*", "*"),
        deny("*", "*"),
        deny_all_rcp
    );
    let slr_session = format!("arn:aws:sts::{ACCT}:assumed-role/AWSServiceRoleForECS/ecs");
    let slr_role = format!("arn:aws:iam::{ACCT}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS");
    for principal in [&slr_session, &slr_role] {
        assert_eq!(
            decision(&req(principal, "sqs:SendMessage", &queue(), &p)),
            Decision::Allowed,
            "{principal}"
        );
    }
    // Any other role is denied by the same policies.
    assert_eq!(
        decision(&req(&session(), "sqs:SendMessage", &queue(), &p)),
        Decision::ExplicitlyDenied
    );
}

#[test]
fn the_management_account_is_not_restricted_by_scps_and_its_resources_not_by_rcps() {
    let deny_all_rcp = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}}"#;
    // The caller and the queue are both in ACCT.
    for (layer, denying) in [("scps", deny("*", "*")), ("rcps", deny_all_rcp.to_owned())] {
        let policies = |management: &str| {
            format!(
                r#""identity": [{}], "{layer}": [{{"orgIdentifier": "r-root", "policies": [{denying}]}}], "managementAccount": "{management}""#,
                allow("*", "*")
            )
        };
        let in_management = req(&user(), "sqs:SendMessage", &queue(), &policies(ACCT));
        assert_eq!(decision(&in_management), Decision::Allowed, "{layer}");
        let in_member = req(&user(), "sqs:SendMessage", &queue(), &policies("999988887777"));
        assert_eq!(decision(&in_member), Decision::ExplicitlyDenied, "{layer}");
    }
}

// Rules for resources AWS manages itself, and the other documented rules of issue 16. Each test
// names the AWS page it was written from; docs/simulate.md lists them with their sources.

fn warnings(e: &Evaluation) -> Vec<String> {
    e.explanation.as_ref().map(|x| x.warnings.clone()).unwrap_or_default()
}

fn notes(e: &Evaluation) -> Vec<(String, Option<(usize, usize)>)> {
    e.explanation
        .iter()
        .flat_map(|x| &x.layers)
        .flat_map(|l| &l.statements)
        .flat_map(|s| &s.notes)
        .map(|n| (n.message.clone(), n.range.map(|r| (r.start, r.end))))
        .collect()
}

/// AWS KMS Developer Guide, "Controlling access to aliases": "kms:CreateAlias for the alias.
/// Provide this permission in an IAM policy"; "Use aliases to control access to KMS keys": "When
/// an alias is the value of a resource element, the policy applies to the alias resource, not to
/// any KMS key". The key-policy rule ("must allow explicitly") is for keys.
#[test]
fn kms_aliases_are_governed_by_iam_policies_alone() {
    let alias = format!("arn:aws:kms:us-west-2:{ACCT}:alias/test-key");
    let key = format!("arn:aws:kms:us-west-2:{ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab");
    let identity = allow("kms:*", "*");
    let alone = format!(r#""identity": [{identity}]"#);
    assert_eq!(
        decision(&req(&user(), "kms:CreateAlias", &alias, &alone)),
        Decision::Allowed
    );
    assert_eq!(
        decision(&req(&user(), "kms:CreateAlias", &key, &alone)),
        Decision::ImplicitlyDenied,
        "a key still needs its key policy"
    );
    // A key policy given for an alias request is not the alias's policy.
    let key_policy = grant(&format!(r#"{{"AWS": "{OTHER}"}}"#), "kms:*", "*");
    let with_key_policy = format!(r#""identity": [{identity}], "resource": {key_policy}"#);
    let e = run(&req(&user(), "kms:CreateAlias", &alias, &with_key_policy));
    assert_eq!(e.decision, Decision::Allowed);
    assert!(
        warnings(&e).iter().any(|w| w.contains("KMS alias")),
        "{:?}",
        warnings(&e)
    );
}

/// AWS KMS API Reference, CreateAlias: "The alias name cannot begin with aws/. The aws/ prefix is
/// reserved for AWS managed keys."
#[test]
fn aliases_of_aws_managed_keys_are_reserved() {
    let p = format!(r#""identity": [{}]"#, allow("*", "*"));
    for action in ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"] {
        let e = run(&req(
            &user(),
            action,
            &format!("arn:aws:kms:us-east-1:{ACCT}:alias/aws/s3"),
            &p,
        ));
        assert_eq!(e.decision, Decision::ImplicitlyDenied, "{action}");
        assert!(reason(&e).contains("reserved for AWS managed keys"), "{}", reason(&e));
    }
    let own = req(
        &user(),
        "kms:CreateAlias",
        &format!("arn:aws:kms:us-east-1:{ACCT}:alias/awsome"),
        &p,
    );
    assert_eq!(decision(&own), Decision::Allowed);
}

/// IAM User Guide, "Edit IAM policies": "AWS managed policies cannot be edited."
#[test]
fn aws_managed_policies_cannot_be_changed() {
    let admin = format!(r#""identity": [{}]"#, allow("*", "*"));
    let managed = "arn:aws:iam::aws:policy/AdministratorAccess";
    for action in [
        "iam:CreatePolicyVersion",
        "iam:DeletePolicy",
        "iam:DeletePolicyVersion",
        "iam:SetDefaultPolicyVersion",
        "iam:TagPolicy",
        "iam:UntagPolicy",
    ] {
        let e = run(&req(&user(), action, managed, &admin));
        assert_eq!(e.decision, Decision::ImplicitlyDenied, "{action}");
        assert!(reason(&e).contains("AWS managed policy"), "{}", reason(&e));
    }
    let root = format!("arn:aws:iam::{ACCT}:root");
    assert_eq!(
        decision(&req(&root, "iam:CreatePolicyVersion", managed, "")),
        Decision::ImplicitlyDenied,
        "not even the root user"
    );
    // Reads, and writes to the account's own policies, stay governed by the policies.
    assert_eq!(
        decision(&req(&user(), "iam:GetPolicy", managed, &admin)),
        Decision::Allowed
    );
    let own = format!("arn:aws:iam::{ACCT}:policy/app");
    assert_eq!(
        decision(&req(&user(), "iam:CreatePolicyVersion", &own, &admin)),
        Decision::Allowed
    );
    // An explicit deny is still reported as such.
    let denied = format!(r#""identity": [{}, {}]"#, allow("*", "*"), deny("iam:*", "*"));
    assert_eq!(
        decision(&req(&user(), "iam:DeletePolicy", managed, &denied)),
        Decision::ExplicitlyDenied
    );
}

/// IAM Identity Center User Guide, "IAM roles created by IAM Identity Center" ("IAM Identity
/// Center manages the role"); AWS re:Post, "identity-center-aws-reserved-sso": changing such a
/// role in IAM fails with "Cannot perform the operation on the protected role
/// 'AWSReservedSSO_...' - this role is only modifiable by AWS".
#[test]
fn roles_of_iam_identity_center_are_only_changed_by_it() {
    let admin = format!(r#""identity": [{}]"#, allow("*", "*"));
    let sso = format!(
        "arn:aws:iam::{ACCT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123456789abcdef"
    );
    for action in [
        "iam:DeleteRole",
        "iam:PutRolePolicy",
        "iam:AttachRolePolicy",
        "iam:DetachRolePolicy",
        "iam:UpdateAssumeRolePolicy",
    ] {
        let e = run(&req(&user(), action, &sso, &admin));
        assert_eq!(e.decision, Decision::ImplicitlyDenied, "{action}");
        assert!(reason(&e).contains("IAM Identity Center"), "{}", reason(&e));
    }
    assert_eq!(decision(&req(&user(), "iam:GetRole", &sso, &admin)), Decision::Allowed);
    // IAM Identity Center's own service-linked role provisions these roles.
    let sso_slr = format!("arn:aws:sts::{ACCT}:assumed-role/AWSServiceRoleForSSO/sso");
    assert_eq!(
        decision(&req(&sso_slr, "iam:PutRolePolicy", &sso, &admin)),
        Decision::Allowed
    );
}

/// IAM API Reference, UnmodifiableEntity: "service-linked roles are protected AWS resources. Only
/// the service that depends on the service-linked role can modify or delete the role"; IAM User
/// Guide, "Update a service-linked role": "You can edit the description of any role".
#[test]
fn service_linked_roles_are_changed_only_through_their_service() {
    let admin = format!(r#""identity": [{}]"#, allow("*", "*"));
    let slr = format!("arn:aws:iam::{ACCT}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS");
    for action in [
        "iam:DeleteRole",
        "iam:AttachRolePolicy",
        "iam:PutRolePolicy",
        "iam:UpdateAssumeRolePolicy",
    ] {
        let e = run(&req(&user(), action, &slr, &admin));
        assert_eq!(e.decision, Decision::ImplicitlyDenied, "{action}");
        assert!(reason(&e).contains("service-linked role"), "{}", reason(&e));
    }
    for action in [
        "iam:UpdateRoleDescription",
        "iam:DeleteServiceLinkedRole",
        "iam:GetRole",
    ] {
        assert_eq!(
            decision(&req(&user(), action, &slr, &admin)),
            Decision::Allowed,
            "{action}"
        );
    }
}

/// IAM User Guide, "AWS JSON policy elements: NotPrincipal": "The NotPrincipal element with a
/// Deny effect will always deny any IAM principal that has a permissions boundary policy
/// attached, regardless of the values specified in the NotPrincipal element."
#[test]
fn not_principal_deny_denies_every_principal_with_a_boundary() {
    let bucket = "arn:aws:s3:::reports/q1.csv";
    let bucket_policy = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "OnlyAlice", "Effect": "Deny", "NotPrincipal": {{"AWS": ["{}", "arn:aws:iam::{ACCT}:root"]}}, "Action": "s3:*", "Resource": "*"}}]}}"#,
        user()
    );
    let without_boundary = format!(r#""identity": [{}], "resource": {bucket_policy}"#, allow("s3:*", "*"));
    let with_boundary = format!(
        r#""identity": [{}], "permissionBoundaries": [{}], "resource": {bucket_policy}"#,
        allow("s3:*", "*"),
        allow("s3:*", "*")
    );
    assert_eq!(
        decision(&req(&user(), "s3:GetObject", bucket, &without_boundary)),
        Decision::Allowed
    );
    let e = run(&req(&user(), "s3:GetObject", bucket, &with_boundary));
    assert_eq!(e.decision, Decision::ExplicitlyDenied);
    assert!(reason(&e).contains("OnlyAlice"), "{}", reason(&e));
    assert!(
        notes(&e).iter().any(|(m, _)| m.contains("permissions boundary")),
        "{:?}",
        notes(&e)
    );
}

/// IAM User Guide, "AWS JSON policy elements: Principal": "You must use the Principal element in
/// resource-based policies". Such a statement is ignored (docs/simulate.md) and the explanation
/// says so.
#[test]
fn resource_statements_without_principal_are_ignored_and_explained() {
    let object = "arn:aws:s3:::reports/q1.csv";
    let no_principal =
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#;
    let p = format!(r#""resource": {no_principal}"#);
    let outsider = format!("arn:aws:iam::{OTHER}:user/bob");
    // The bucket is in ACCT.
    let policies = format!(r#""identity": [{}], {p}"#, allow("*", "*"));
    let e = run(&req_ctx(&outsider, "s3:GetObject", object, "{}", &policies));
    assert_eq!(e.decision, Decision::ImplicitlyDenied);
    assert!(
        warnings(&e).iter().any(|w| w.contains("has no Principal")),
        "{:?}",
        warnings(&e)
    );
    assert!(
        notes(&e).iter().any(|(m, _)| m.contains("no Principal")),
        "{:?}",
        notes(&e)
    );
    assert_eq!(
        decision(&req("anonymous", "s3:GetObject", object, &p)),
        Decision::ImplicitlyDenied
    );
}

/// AWS Organizations User Guide, "Resource control policies": RCPs apply only to the services
/// listed there; `core/data/rcp-services.txt` is generated from the catalog package's list.
#[test]
fn rcps_never_restrict_a_service_they_do_not_cover() {
    let deny_all = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}}"#;
    let p = format!(
        r#""identity": [{}], "rcps": [{{"orgIdentifier": "r-root", "policies": [{deny_all}]}}]"#,
        allow("*", "*")
    );
    let instance = format!("arn:aws:ec2:us-east-1:{ACCT}:instance/i-0123456789abcdef0");
    let e = run(&req(&user(), "ec2:StartInstances", &instance, &p));
    assert_eq!(e.decision, Decision::Allowed);
    assert!(
        warnings(&e).iter().any(|w| w.contains("RCPs do not apply")),
        "{:?}",
        warnings(&e)
    );
    assert_eq!(
        decision(&req(&user(), "s3:GetObject", "arn:aws:s3:::reports/q1.csv", &p)),
        Decision::ExplicitlyDenied
    );
    assert_eq!(
        decision(&req(&user(), "sqs:SendMessage", &queue(), &p)),
        Decision::ExplicitlyDenied
    );
}

/// IAM User Guide, "IAM policy elements: Variables and tags": "you must include the Version
/// element and set it to 2012-10-17 ... If you don't, variables such as ${aws:username} aren't
/// recognized as variables and are instead treated as literal strings in the policy."
#[test]
fn literal_variables_are_explained_and_pointed_at() {
    let object = "arn:aws:s3:::home/alice/notes.txt";
    let unversioned = r#"{"Statement": [{"Sid": "Home", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:username}/*"}]}"#;
    let text = req(
        &user(),
        "s3:GetObject",
        object,
        &format!(r#""identity": [{unversioned}]"#),
    );
    let e = run(&text);
    assert_eq!(e.decision, Decision::ImplicitlyDenied);
    let found = notes(&e);
    let (message, range) = found.first().expect("a note on the Home statement");
    assert!(
        message.contains("2012-10-17") && message.contains("${aws:username}"),
        "{message}"
    );
    let (start, end) = range.expect("the note points at the variable");
    assert_eq!(&text[start..end], "${aws:username}");
    let versioned = unversioned.replacen('{', r#"{"Version": "2012-10-17", "#, 1);
    assert_eq!(
        decision(&req(
            &user(),
            "s3:GetObject",
            object,
            &format!(r#""identity": [{versioned}]"#)
        )),
        Decision::Allowed
    );
    // In a condition value.
    let in_condition = r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/owner": "${aws:username}"}}}]}"#;
    let text = req_ctx(
        &user(),
        "s3:GetObject",
        object,
        r#"{"aws:PrincipalTag/owner": "alice"}"#,
        &format!(r#""identity": [{in_condition}]"#),
    );
    let e = run(&text);
    assert_eq!(e.decision, Decision::ImplicitlyDenied);
    let (start, end) = notes(&e).first().and_then(|(_, r)| *r).expect("a note with a range");
    assert_eq!(&text[start..end], "${aws:username}");
}

/// Actions with no resource type in the Service Authorization Reference are authorized against
/// an ARN the service chooses: `logs:DescribeLogGroups` "on resource:
/// arn:aws:logs:us-east-1:...:log-group::log-stream:" (hashicorp/terraform-provider-aws#8804),
/// denied when the policy names one log group (maxbanton/cwh#83); `s3:ListAllMyBuckets` granted
/// on `arn:aws:s3:::*` in the Amazon S3 User Guide's examples. See docs/simulate.md.
#[test]
fn actions_without_resource_type_are_matched_against_a_service_wide_resource() {
    let catalog: &dyn ActionCatalog = &EmbeddedCatalog;
    let decide = |action: &str, resource: &str, policy_resource: &str| {
        let p = format!(r#""identity": [{}]"#, allow(action, policy_resource));
        run_with(&req(&user(), action, resource, &p), Some(catalog)).decision
    };
    assert_eq!(decide("s3:ListAllMyBuckets", "*", "arn:aws:s3:::*"), Decision::Allowed);
    assert_eq!(decide("s3:ListAllMyBuckets", "*", "*"), Decision::Allowed);
    assert_eq!(
        decide("s3:ListAllMyBuckets", "*", "arn:aws:s3:::my-bucket"),
        Decision::ImplicitlyDenied
    );
    let all_groups = format!("arn:aws:logs:*:{ACCT}:log-group:*");
    let one_group = format!("arn:aws:logs:eu-west-1:{ACCT}:log-group:test-log-group:*");
    assert_eq!(decide("logs:DescribeLogGroups", "*", &all_groups), Decision::Allowed);
    assert_eq!(
        decide("logs:DescribeLogGroups", "*", &one_group),
        Decision::ImplicitlyDenied
    );
    assert_eq!(
        decide("iam:ListRoles", "*", &format!("arn:aws:iam::{ACCT}:role/*")),
        Decision::Allowed
    );
    assert_eq!(
        decide("iam:ListRoles", "*", &format!("arn:aws:iam::{OTHER}:role/*")),
        Decision::ImplicitlyDenied
    );
    // The ARN AWS reports in its error, given as the request's resource, is matched as usual.
    let reported = format!("arn:aws:logs:us-east-1:{ACCT}:log-group::log-stream:");
    assert_eq!(
        decide("logs:DescribeLogGroups", &reported, &all_groups),
        Decision::Allowed
    );
    assert_eq!(
        decide("logs:DescribeLogGroups", &reported, &one_group),
        Decision::ImplicitlyDenied
    );
    // The explanation says why an ARN matched.
    let p = format!(r#""identity": [{}]"#, allow("s3:ListAllMyBuckets", "arn:aws:s3:::*"));
    let e = run_with(&req(&user(), "s3:ListAllMyBuckets", "*", &p), Some(catalog));
    assert!(
        notes(&e).iter().any(|(m, _)| m.contains("no resource type")),
        "{:?}",
        notes(&e)
    );
}
