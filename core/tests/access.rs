//! The access model on policies from the AWS documentation: what each grants, where, to whom,
//! and what its `Deny` statements take away. Each example names its source page.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a panic in a test is a test failure"
)]

use iam_policy::PolicyType;
use iam_policy::access::{
    Access, ActionId, ActionSet, Implication, PrincipalKind, Principals, Resources, conditions_imply, expand,
};
use iam_policy::catalog::{AccessLevel, catalog};
use iam_policy::eval::{CompiledPolicy, Context, Decision, Policies, PrincipalId, Request, decide};
use iam_policy::glob::Subset;
use proptest::prelude::*;

fn identity(text: &str) -> Access {
    Access::from_text(text, Some(PolicyType::Identity))
}

fn id(name: &str) -> ActionId {
    ActionId::named(name).unwrap_or_else(|| panic!("{name} is not in the catalog"))
}

fn resource_type(service: &str, name: &str) -> iam_policy::catalog::ResourceType {
    catalog().service(service).unwrap().resource_type(name).unwrap()
}

fn service_count(prefix: &str) -> usize {
    catalog().service(prefix).unwrap().actions().len()
}

/// IAM User Guide, "IAM JSON policy elements: NotAction": "Allow access to all AWS services
/// except IAM" — `NotAction` with `Allow` grants every other action, in every service.
#[test]
fn not_action_with_allow_grants_everything_else() {
    let access = identity(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}"#,
    );
    let effective = access.effective();
    assert!(effective.contains(id("s3:GetObject")));
    assert!(effective.contains(id("ec2:RunInstances")));
    assert!(!effective.contains(id("iam:CreateUser")));
    assert_eq!(effective.len(), ActionSet::all().len() - service_count("iam"));
    let st = &access.statements[0];
    assert!(st.actions.negated);
    assert_eq!(st.actions.patterns[0].text, "iam:*");
}

/// IAM User Guide, "IAM JSON policy elements: NotResource": an `Allow` with `NotResource`
/// grants on every resource but the listed ones; it is kept as that complement, not as `*`.
#[test]
fn not_resource_is_an_exact_complement() {
    let access = identity(
        r#"{"Version": "2012-10-17", "Statement": {
            "Effect": "Allow", "Action": "s3:*",
            "NotResource": ["arn:aws:s3:::HRBucket/Payroll", "arn:aws:s3:::HRBucket/Payroll/*"]}}"#,
    );
    let st = &access.statements[0];
    let Resources::AllExcept(excluded) = &st.resources else {
        panic!("NotResource became {:?}", st.resources);
    };
    assert_eq!(excluded.len(), 2);
    assert!(!st.resources.is_everything());
    assert!(st.resources.may_contain("arn:aws:s3:::HRBucket/Benefits/plan.pdf"));
    assert!(!st.resources.may_contain("arn:aws:s3:::HRBucket/Payroll/2024.csv"));
    assert!(!st.resources.may_contain("arn:aws:s3:::HRBucket/Payroll"));
    // Objects in general are still reachable, and the grant does not limit resources.
    let get = access.grant_named("s3:GetObject").unwrap();
    assert!(get.reaches(resource_type("s3", "object")).is_some());
    assert!(!get.constrained_by_resource());
    // `*` contains the complement; `arn:aws:s3:::*/*` does not (buckets are outside it).
    let everything =
        identity(r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}"#);
    assert_eq!(
        st.resources.subset_of(&[&everything.statements[0].resources]),
        Subset::Yes
    );
    let all_objects = identity(
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::*/*"}}"#,
    );
    let answer = st.resources.subset_of(&[&all_objects.statements[0].resources]);
    let Subset::No { witness } = answer else {
        panic!("NotResource claimed within arn:aws:s3:::*/*: {answer:?}");
    };
    assert!(
        st.resources.may_contain(&witness) && !witness.contains('/'),
        "{witness}"
    );
}

/// IAM User Guide, "Policy evaluation logic": an explicit deny overrides any allow. An
/// unconditional `Deny` on `*` removes an action entirely; a `Deny` on part of the resources
/// or under a condition only narrows it, and is kept.
#[test]
fn deny_statements_remove_or_narrow() {
    let access = identity(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"},
            {"Sid": "ProtectSecrets", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::secrets/*"},
            {"Sid": "TlsOnly", "Effect": "Deny", "Action": "s3:PutObject", "Resource": "*",
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}"#,
    );
    assert!(access.removed().contains(id("s3:DeleteBucket")));
    assert!(access.grant_named("s3:DeleteBucket").is_none());
    assert_eq!(access.effective().len(), service_count("s3") - 1);

    let put = access.grant_named("s3:PutObject").unwrap();
    let labels: Vec<String> = put.denied_by.iter().map(|d| d.label()).collect();
    assert_eq!(labels, ["statement \"ProtectSecrets\"", "statement \"TlsOnly\""]);
    let reach = put.reaches(resource_type("s3", "object")).unwrap();
    assert_eq!(reach.allowed_by.len(), 1);
    assert_eq!(reach.narrowed_by.len(), 2);
    // The secrets Deny does not touch buckets.
    let list = access.grant_named("s3:ListBucket").unwrap();
    assert!(
        list.reaches(resource_type("s3", "bucket"))
            .unwrap()
            .narrowed_by
            .is_empty()
    );
}

/// A `Deny` that covers a whole resource type removes the action from that type only.
#[test]
fn deny_on_a_whole_resource_type() {
    let access = identity(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
            {"Effect": "Deny", "Action": "iam:*", "Resource": "arn:aws:iam::*:role/*"}]}"#,
    );
    let pass = access.grant_named("iam:PassRole").unwrap();
    assert!(pass.reaches(resource_type("iam", "role")).is_none());
    assert!(pass.applies().is_none());
    // Not removed everywhere: the Deny names only roles.
    assert!(access.effective().contains(id("iam:PassRole")));
}

/// IAM User Guide, "IAM: Allows IAM users to manage their own credentials": wildcards in the
/// middle of action names, and a resource with a policy variable.
#[test]
fn wildcards_in_the_middle_of_actions() {
    let access = identity(
        r#"{"Version": "2012-10-17", "Statement": [{
            "Sid": "ManageOwnCredentials", "Effect": "Allow",
            "Action": ["iam:*AccessKey*", "iam:ChangePassword", "iam:GetUser", "iam:*LoginProfile",
                       "iam:*ServiceSpecificCredential*", "iam:*SigningCertificate*"],
            "Resource": ["arn:aws:iam::*:user/${aws:username}"]}]}"#,
    );
    let effective = access.effective();
    for name in [
        "iam:CreateAccessKey",
        "iam:ListAccessKeys",
        "iam:UpdateAccessKey",
        "iam:GetLoginProfile",
    ] {
        assert!(effective.contains(id(name)), "{name}");
    }
    assert!(!effective.contains(id("iam:CreateUser")));
    let expected: Vec<ActionId> = catalog()
        .actions_matching("iam:*AccessKey*")
        .map(|a| id(&a.full_name()))
        .collect();
    assert!(expected.len() >= 4);
    assert!(expected.iter().all(|a| effective.contains(*a)));
    // The variable stands for one user: bob's key is in reach, the whole account's users are not.
    let st = &access.statements[0];
    assert!(st.resources.may_contain("arn:aws:iam::111122223333:user/bob"));
    let own = &st.resources;
    let everyone = identity(
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:*", "Resource": "arn:aws:iam::*:user/*"}}"#,
    );
    assert_eq!(own.subset_of(&[&everyone.statements[0].resources]), Subset::Yes);
    assert!(!everyone.statements[0].resources.subset_of(&[own]).holds());
    assert!(
        access
            .grant_named("iam:CreateAccessKey")
            .unwrap()
            .constrained_by_resource()
    );
}

/// Entries that name nothing the catalog knows are kept as patterns, not dropped.
#[test]
fn unknown_actions_are_kept_as_patterns() {
    let access = identity(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObjekt", "newservice:Do*", "s3:GetObject"], "Resource": "*"}]}"#,
    );
    let unknown: Vec<&str> = access.unknown_actions().map(|(_, p)| p.text.as_str()).collect();
    assert_eq!(unknown, ["s3:GetObjekt", "newservice:Do*"]);
    assert_eq!(access.effective().len(), 1);
    assert!(ActionId::named("s3:GetObjekt").is_none());
    // A later diff can still compare them as patterns.
    let st = &access.statements[0];
    assert!(
        st.actions
            .covers_pattern(&iam_policy::glob::Glob::new("NEWSERVICE:DoThing", true))
    );
    assert!(
        !st.actions
            .covers_pattern(&iam_policy::glob::Glob::new("newservice:*", true))
    );
}

/// Amazon S3 User Guide, "Examples of Amazon S3 bucket policies": read access for anonymous
/// users is public; the same grant limited by `aws:SourceIp` or `aws:PrincipalOrgID` is not
/// (Amazon S3 API Reference, `PublicAccessBlockConfiguration`); a caller-controlled key
/// (`aws:Referer`) does not make it private, nor does a negated operator.
#[test]
fn public_access() {
    let bucket = |condition: &str| {
        Access::from_text(
            &format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "PublicRead", "Effect": "Allow",
                    "Principal": "*", "Action": ["s3:GetObject", "s3:GetObjectVersion"],
                    "Resource": "arn:aws:s3:::DOC-EXAMPLE-BUCKET/*"{condition}}}]}}"#
            ),
            Some(PolicyType::Resource),
        )
    };
    assert_eq!(bucket("").public_statements().count(), 1);
    for pinned in [
        r#"{"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}"#,
        r#"{"StringEquals": {"aws:PrincipalOrgID": "o-exampleorgid"}}"#,
        r#"{"ArnLike": {"aws:SourceArn": "arn:aws:cloudfront::111122223333:distribution/*"}}"#,
    ] {
        let access = bucket(&format!(", \"Condition\": {pinned}"));
        assert_eq!(access.public_statements().count(), 0, "{pinned}");
    }
    for open in [
        r#"{"StringLike": {"aws:Referer": "https://www.example.com/*"}}"#,
        r#"{"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}"#,
        r#"{"StringNotEquals": {"aws:PrincipalOrgID": "o-exampleorgid"}}"#,
        r#"{"StringEqualsIfExists": {"aws:SourceAccount": "111122223333"}}"#,
        r#"{"StringLike": {"aws:PrincipalOrgID": "o-*"}}"#,
        r#"{"ArnLike": {"aws:SourceArn": "arn:aws:cloudfront::*:distribution/*"}}"#,
    ] {
        let access = bucket(&format!(", \"Condition\": {open}"));
        assert_eq!(access.public_statements().count(), 1, "{open}");
    }
    // `{"AWS": "*"}` is everyone too; a named account is not.
    let aws_star = Access::from_text(
        r#"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sqs:SendMessage", "Resource": "*"}}"#,
        None,
    );
    assert_eq!(aws_star.policy_type, PolicyType::Resource);
    assert_eq!(aws_star.public_statements().count(), 1);
    let account = Access::from_text(
        r#"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sqs:SendMessage", "Resource": "*"}}"#,
        None,
    );
    assert_eq!(account.public_statements().count(), 0);
}

/// IAM User Guide, "Creating a role to delegate permissions to an AWS service": a trust
/// policy has no `Resource`; it applies to the role it is attached to.
#[test]
fn trust_policy() {
    let access = Access::from_text(
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#,
        None,
    );
    assert_eq!(access.policy_type, PolicyType::Trust);
    let st = &access.statements[0];
    assert!(matches!(st.resources, Resources::Implicit));
    let Principals::Only(values) = &st.principals else {
        panic!("{:?}", st.principals)
    };
    assert_eq!(values[0].kind, PrincipalKind::Service);
    assert!(access.grant_named("sts:AssumeRole").unwrap().applies().is_some());
    assert_eq!(access.public_statements().count(), 0);
}

/// What a diff asks of principals: newly trusted callers are those no old value covers; an
/// account covers its own roles.
#[test]
fn principals_newly_trusted() {
    let trust = |principal: &str| {
        Access::from_text(
            &format!(r#"{{"Statement": {{"Effect": "Allow", "Principal": {principal}, "Action": "sts:AssumeRole"}}}}"#),
            Some(PolicyType::Trust),
        )
    };
    let account = trust(r#"{"AWS": "arn:aws:iam::111122223333:root"}"#);
    let role = trust(r#"{"AWS": "arn:aws:iam::111122223333:role/deploy"}"#);
    let other = trust(r#"{"AWS": ["arn:aws:iam::111122223333:role/deploy", "444455556666"]}"#);
    let everyone = trust(r#""*""#);
    let p = |a: &Access| a.statements[0].principals.clone();
    assert_eq!(p(&role).subset_of(&[&p(&account)]), Subset::Yes);
    assert_eq!(
        p(&other).subset_of(&[&p(&account)]),
        Subset::No {
            witness: "444455556666".into()
        }
    );
    assert!(!p(&account).subset_of(&[&p(&role)]).holds());
    assert!(p(&other).subset_of(&[&p(&everyone)]).holds());
    assert!(!p(&everyone).subset_of(&[&p(&other)]).holds());
}

fn conditions(condition: &str) -> Vec<iam_policy::access::ConditionTest> {
    identity(&format!(
        r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {condition}}}}}"#
    ))
    .statements
    .remove(0)
    .conditions
}

/// What a diff asks of conditions: is the new statement's condition at least as strict as
/// the old one's? Exact where the values decide it.
#[test]
fn conditions_loosened_or_not() {
    let c = conditions;
    let imply = |new: &str, old: &str| conditions_imply(&c(new), &c(old));
    use Implication::{No, Unknown, Yes};
    // The same condition, and a narrower value set.
    assert_eq!(
        imply(
            r#"{"StringEquals": {"aws:PrincipalTag/team": "a"}}"#,
            r#"{"StringEquals": {"aws:PrincipalTag/team": ["a", "b"]}}"#
        ),
        Yes
    );
    assert_eq!(
        imply(
            r#"{"StringEquals": {"aws:PrincipalTag/team": ["a", "b"]}}"#,
            r#"{"StringEquals": {"aws:PrincipalTag/team": "a"}}"#
        ),
        No
    );
    // A key removed is loosened; a key added is stricter.
    assert_eq!(
        imply(
            r#"{"Bool": {"aws:SecureTransport": "true"}}"#,
            r#"{"Bool": {"aws:SecureTransport": "true"}, "StringEquals": {"aws:PrincipalOrgID": "o-1"}}"#
        ),
        No
    );
    assert_eq!(
        imply(
            r#"{"Bool": {"aws:SecureTransport": "true"}, "StringEquals": {"aws:PrincipalOrgID": "o-1"}}"#,
            r#"{"Bool": {"aws:SecureTransport": "true"}}"#
        ),
        Yes
    );
    // StringEquals → StringLike with a wildcard widens; the reverse narrows.
    assert_eq!(
        imply(
            r#"{"StringLike": {"s3:prefix": "home/*"}}"#,
            r#"{"StringEquals": {"s3:prefix": "home/"}}"#
        ),
        No
    );
    assert_eq!(
        imply(
            r#"{"StringEquals": {"s3:prefix": "home/bob"}}"#,
            r#"{"StringLike": {"s3:prefix": "home/*"}}"#
        ),
        Yes
    );
    assert_eq!(
        imply(
            r#"{"StringLike": {"s3:prefix": "home/${aws:username}/*"}}"#,
            r#"{"StringLike": {"s3:prefix": "home/*"}}"#
        ),
        Yes
    );
    // IfExists added: a request without the key now passes.
    assert_eq!(
        imply(
            r#"{"StringEqualsIfExists": {"aws:SourceVpc": "vpc-1"}}"#,
            r#"{"StringEquals": {"aws:SourceVpc": "vpc-1"}}"#
        ),
        No
    );
    // Negated operators: excluding more is stricter.
    assert_eq!(
        imply(
            r#"{"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}"#,
            r#"{"StringNotEquals": {"aws:RequestedRegion": "us-east-1"}}"#
        ),
        Yes
    );
    assert_eq!(
        imply(
            r#"{"StringNotLike": {"aws:RequestedRegion": "us-east-1"}}"#,
            r#"{"StringNotLike": {"aws:RequestedRegion": "us-*"}}"#
        ),
        No
    );
    // Numbers, dates and addresses by their ranges.
    assert_eq!(
        imply(
            r#"{"NumericLessThan": {"s3:max-keys": "10"}}"#,
            r#"{"NumericLessThanEquals": {"s3:max-keys": "10"}}"#
        ),
        Yes
    );
    assert_eq!(
        imply(
            r#"{"NumericLessThanEquals": {"s3:max-keys": "10"}}"#,
            r#"{"NumericLessThan": {"s3:max-keys": "10"}}"#
        ),
        No
    );
    assert_eq!(
        imply(
            r#"{"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}"#,
            r#"{"DateLessThan": {"aws:CurrentTime": "2029-01-01T00:00:00Z"}}"#
        ),
        No
    );
    assert_eq!(
        imply(
            r#"{"IpAddress": {"aws:SourceIp": "203.0.113.0/25"}}"#,
            r#"{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#
        ),
        Yes
    );
    assert_eq!(
        imply(
            r#"{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#,
            r#"{"IpAddress": {"aws:SourceIp": "203.0.113.0/25"}}"#
        ),
        No
    );
    // Set qualifiers: a narrower value set is stricter; `ForAllValues:` holds when the key is
    // missing (IAM User Guide, "Multivalued context keys"), so it is looser than `ForAnyValue:`.
    assert_eq!(
        imply(
            r#"{"ForAnyValue:StringEquals": {"aws:TagKeys": "a"}}"#,
            r#"{"ForAnyValue:StringEquals": {"aws:TagKeys": ["a", "b"]}}"#
        ),
        Yes
    );
    assert_eq!(
        imply(
            r#"{"ForAllValues:StringEquals": {"aws:TagKeys": "a"}}"#,
            r#"{"ForAnyValue:StringEquals": {"aws:TagKeys": "a"}}"#
        ),
        No
    );
    // Mixed qualifiers otherwise: not decided, never a silent "no change".
    assert_eq!(
        imply(
            r#"{"ForAnyValue:StringEquals": {"aws:TagKeys": "a"}}"#,
            r#"{"ForAllValues:StringEquals": {"aws:TagKeys": "a"}}"#
        ),
        Unknown
    );
}

/// Every `Action` pattern of the AWS managed policies expands to exactly the actions the
/// catalog's own matcher names.
#[test]
fn expansion_agrees_with_the_catalog_on_managed_policies() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus/aws-managed");
    let mut patterns = std::collections::BTreeSet::new();
    for name in [
        "ReadOnlyAccess.json",
        "AdministratorAccess.json",
        "PowerUserAccess.json",
        "ViewOnlyAccess.json",
    ] {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let access = identity(&text);
        for st in &access.statements {
            patterns.extend(st.actions.patterns.iter().map(|p| p.text.clone()));
        }
    }
    assert!(patterns.len() > 1000);
    for pattern in &patterns {
        assert_same_expansion(pattern);
    }
}

fn assert_same_expansion(pattern: &str) {
    let ours: Vec<String> = expand(pattern).iter().map(ActionId::full_name).collect();
    let mut theirs: Vec<String> = catalog().actions_matching(pattern).map(|a| a.full_name()).collect();
    theirs.sort_by_key(|n| n.to_ascii_lowercase());
    let mut ours_sorted = ours.clone();
    ours_sorted.sort_by_key(|n| n.to_ascii_lowercase());
    assert_eq!(ours_sorted, theirs, "{pattern}");
}

#[test]
fn summary_counts_services_and_levels() {
    let access = identity(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::uploads/*"},
            {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
             "Condition": {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}}]}"#,
    );
    let summary = access.summary();
    assert_eq!(summary.actions, access.effective().len());
    let prefixes: Vec<&str> = summary.services.iter().map(|s| s.prefix).collect();
    assert_eq!(prefixes, ["kms", "s3"]);
    let kms = &summary.services[0].levels;
    assert_eq!(kms.len(), 1);
    assert_eq!(
        (kms[0].level, kms[0].actions, kms[0].by_condition, kms[0].unconstrained),
        (Some(AccessLevel::Write), 1, 1, 0)
    );
    let s3 = &summary.services[1];
    let write = s3.levels.iter().find(|l| l.level == Some(AccessLevel::Write)).unwrap();
    assert_eq!((write.actions, write.by_resource, write.unconstrained), (1, 1, 0));
    let read = s3.levels.iter().find(|l| l.level == Some(AccessLevel::Read)).unwrap();
    assert_eq!(read.actions, read.unconstrained);
    let expected_s3 = expand("s3:Get*").len() + expand("s3:List*").len() + 1;
    assert_eq!(s3.actions(), expected_s3);
}

/// Groups partition the granted actions by the statements behind them.
#[test]
fn groups_partition_actions_by_statement() {
    let access = identity(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::b/*"},
            {"Effect": "Deny", "Action": ["s3:GetObject", "ec2:RunInstances"], "Resource": "arn:aws:s3:::secret/*"}]}"#,
    );
    let groups = access.groups();
    let mut seen = ActionSet::empty();
    for g in &groups {
        let mut overlap = g.actions.clone();
        overlap.intersect_with(&seen);
        assert!(overlap.is_empty(), "groups overlap");
        seen.union_with(&g.actions);
        for a in g.actions.iter() {
            let in_statement = |i: usize| access.statements[i].actions.set.contains(a);
            let expected: Vec<usize> = (0..3).filter(|&i| in_statement(i)).collect();
            let got: Vec<usize> = g.allowed_by.iter().chain(&g.denied_by).map(|s| s.index).collect();
            let mut got = got;
            got.sort_unstable();
            assert_eq!(got, expected);
        }
    }
    // ec2:RunInstances is only denied: a group with no Allow.
    assert!(
        groups
            .iter()
            .any(|g| g.allowed_by.is_empty() && g.actions.contains(id("ec2:RunInstances")))
    );
    assert_eq!(seen.len(), service_count("s3") + 1);
}

const ACTION_POOL: &[&str] = &[
    "s3:Get*",
    "s3:*Object*",
    "iam:*AccessKey*",
    "*",
    "ec2:Describe*",
    "s3:GetObjekt",
    "sqs:*",
    "s3:PutObject",
];
const RESOURCE_POOL: &[&str] = &[
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b",
    "arn:aws:s3:::*",
    "arn:aws:iam::111122223333:user/${aws:username}",
    "arn:aws:sqs:*:111122223333:q*",
];
const CONDITION_POOL: &[&str] = &[
    "",
    r#", "Condition": {"StringEquals": {"aws:username": "bob"}}"#,
    r#", "Condition": {"Bool": {"aws:SecureTransport": "true"}}"#,
];
const REQUEST_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "iam:CreateAccessKey",
    "ec2:DescribeInstances",
    "sqs:SendMessage",
    "s3:ListBucket",
];
const REQUEST_RESOURCES: &[&str] = &[
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::b",
    "arn:aws:iam::111122223333:user/bob",
    "*",
    "arn:aws:sqs:us-east-1:111122223333:queue",
];

fn statement() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(0..ACTION_POOL.len(), 1..3),
        any::<bool>(),
        prop::collection::vec(0..RESOURCE_POOL.len(), 1..3),
        0..CONDITION_POOL.len(),
    )
        .prop_map(|(allow, not_action, actions, not_resource, resources, condition)| {
            let list = |pool: &[&str], picks: &[usize]| {
                let items: Vec<String> = picks.iter().map(|&i| format!("\"{}\"", pool[i])).collect();
                format!("[{}]", items.join(", "))
            };
            format!(
                r#"{{"Effect": "{}", "{}": {}, "{}": {}{}}}"#,
                if allow { "Allow" } else { "Deny" },
                if not_action { "NotAction" } else { "Action" },
                list(ACTION_POOL, &actions),
                if not_resource { "NotResource" } else { "Resource" },
                list(RESOURCE_POOL, &resources),
                CONDITION_POOL[condition]
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The access model never misses what the evaluator allows: when a request is allowed,
    /// its action is granted, by a statement whose resources may name the resource.
    #[test]
    fn the_model_covers_every_allowed_request(
        statements in prop::collection::vec(statement(), 1..4),
        action in 0..REQUEST_ACTIONS.len(),
        resource in 0..REQUEST_RESOURCES.len(),
        secure in any::<bool>(),
    ) {
        let text = format!(r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#, statements.join(", "));
        let access = identity(&text);
        let policies = Policies { identity: vec![CompiledPolicy::from_text("p.json", &text)], ..Policies::default() };
        let mut context = Context::new();
        context.insert("aws:SecureTransport", if secure { "true" } else { "false" });
        let principal = PrincipalId::User {
            arn: "arn:aws:iam::111122223333:user/bob".into(),
            account: "111122223333".into(),
            name: "bob".into(),
        };
        let (action, resource) = (REQUEST_ACTIONS[action], REQUEST_RESOURCES[resource]);
        let request = Request::new(principal, action, resource, None, context);
        if decide(&policies, &request) == Decision::Allowed {
            let grant = access.grant_named(action);
            prop_assert!(grant.is_some(), "{action} allowed by the evaluator, not granted: {text}");
            let grant = grant.unwrap();
            prop_assert!(
                grant.allowed_by.iter().any(|s| s.resources.may_contain(resource)),
                "{action} on {resource}: no granting statement names it: {text}"
            );
        }
    }

    /// Expansion agrees with the catalog on arbitrary patterns.
    #[test]
    fn expansion_agrees_with_the_catalog(pattern in "(\\*|s3|S3|iam|ec?2|a[a-z]?)(:([A-Za-z*?]{0,6}))?(:x)?") {
        assert_same_expansion(&pattern);
    }
}
