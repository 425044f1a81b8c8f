//! The diff of two policy versions: each kind of new access, where it points, what was
//! removed, and a property test against the evaluator (a request NEW allows and OLD does not is
//! always covered by the diff).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a panic in a test is a test failure"
)]

use iam_policy::PolicyType;
use iam_policy::access::{Access, ActionId, expand};
use iam_policy::diff::{Change, ChangeKind, PolicyDiff, diff};
use iam_policy::eval::{CompiledPolicy, Context, Decision, Policies, PrincipalId, Request, decide};
use proptest::prelude::*;

fn identity(statements: &str) -> (String, Access) {
    let text = format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#);
    let access = Access::from_text(&text, Some(PolicyType::Identity));
    (text, access)
}

fn diff_of(old: &str, new: &str) -> (String, PolicyDiff) {
    let (_, old) = identity(old);
    let (text, new) = identity(new);
    (text, diff(&old, &new))
}

fn id(name: &str) -> ActionId {
    ActionId::named(name).unwrap_or_else(|| panic!("{name} is not in the catalog"))
}

fn names(change: &Change) -> Vec<String> {
    change.actions.iter().map(ActionId::full_name).collect()
}

#[test]
fn the_same_policy_grants_nothing_new() {
    let st = r#"{"Effect": "Allow", "Action": ["s3:Get*", "sqs:SendMessage"], "Resource": "arn:aws:s3:::b/*",
                 "Condition": {"StringEquals": {"aws:PrincipalTag/team": "data"}}}"#;
    let (_, d) = diff_of(st, st);
    assert!(d.added.is_empty() && d.removed.is_empty(), "{d:?}");
    assert_eq!(d.headline(), "no new access");
}

#[test]
fn wildcards_are_expanded_into_the_actions_newly_allowed() {
    let (text, d) = diff_of(
        r#"{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}"#,
        r#"{"Effect": "Allow", "Action": ["s3:Get*", "s3:Put*"], "Resource": "*"}"#,
    );
    assert_eq!(d.added.len(), 1, "{d:?}");
    let change = &d.added[0];
    assert_eq!(change.kind, ChangeKind::Actions);
    assert!(change.certain);
    assert_eq!(change.actions, expand("s3:Put*"));
    assert!(names(change).contains(&"s3:PutObject".to_string()));
    // It points at the NEW statement that grants them.
    let span = change.statements[0].span;
    assert!(text[span.start..span.end].contains("s3:Put*"));
    assert!(d.removed.is_empty());
    assert_eq!(d.headline(), format!("+{} actions", expand("s3:Put*").len()));
}

#[test]
fn a_wider_resource_is_new_access_with_an_example_arn() {
    let (_, d) = diff_of(
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::logs/*"}"#,
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::*"}"#,
    );
    assert_eq!(d.added.len(), 1, "{d:?}");
    let ChangeKind::Resources { example: Some(arn) } = &d.added[0].kind else {
        panic!("{:?}", d.added[0]);
    };
    assert!(
        arn.starts_with("arn:aws:s3:::") && !arn.starts_with("arn:aws:s3:::logs/"),
        "{arn}"
    );
    assert!(d.added[0].certain);
    assert_eq!(names(&d.added[0]), ["s3:GetObject"]);
    // The other way round the same statement is a narrowing: removed access.
    assert_eq!(d.removed.len(), 0, "narrower resources lose nothing: {d:?}");
    let (_, back) = diff_of(
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::*"}"#,
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::logs/*"}"#,
    );
    assert!(back.added.is_empty(), "{back:?}");
    assert!(matches!(back.removed[0].kind, ChangeKind::Resources { .. }));
    assert_eq!(back.headline(), "no new access; 1 resource narrowed");
}

#[test]
fn resources_split_over_two_old_statements_still_contain_the_new_one() {
    let (_, d) = diff_of(
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::a/*"},
           {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#,
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::a/x*", "arn:aws:s3:::b/*"]}"#,
    );
    assert!(d.added.is_empty(), "{d:?}");
}

#[test]
fn a_removed_condition_is_a_certain_loosening_with_both_conditions() {
    let (_, d) = diff_of(
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1"}}}"#,
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}"#,
    );
    assert_eq!(d.added.len(), 1, "{d:?}");
    let ChangeKind::Conditions { now, before } = &d.added[0].kind else {
        panic!("{:?}", d.added[0]);
    };
    assert!(now.is_empty());
    assert_eq!(before, &[r#"StringEquals aws:SourceVpc ["vpc-1"]"#]);
    assert!(d.added[0].certain);
    assert_eq!(d.headline(), "1 condition loosened");
}

#[test]
fn condition_loosenings_are_decided_where_the_values_decide() {
    let pair = |old: &str, new: &str| {
        let st =
            |c: &str| format!(r#"{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {c}}}"#);
        diff_of(&st(old), &st(new)).1
    };
    // A value set widened.
    let d = pair(
        r#"{"StringEquals": {"aws:SourceVpc": "vpc-1"}}"#,
        r#"{"StringEquals": {"aws:SourceVpc": ["vpc-1", "vpc-2"]}}"#,
    );
    assert!(
        d.added[0].certain && matches!(d.added[0].kind, ChangeKind::Conditions { .. }),
        "{d:?}"
    );
    // A value set narrowed: nothing new.
    let d = pair(
        r#"{"StringEquals": {"aws:SourceVpc": ["vpc-1", "vpc-2"]}}"#,
        r#"{"StringEquals": {"aws:SourceVpc": "vpc-1"}}"#,
    );
    assert!(d.added.is_empty(), "{d:?}");
    // StringEquals turned into StringLike with a wildcard.
    let d = pair(
        r#"{"StringEquals": {"aws:SourceVpc": "vpc-1"}}"#,
        r#"{"StringLike": {"aws:SourceVpc": "vpc-*"}}"#,
    );
    assert!(d.added[0].certain, "{d:?}");
    // IfExists added: a request without the key now gets through.
    let d = pair(
        r#"{"StringEquals": {"aws:SourceVpc": "vpc-1"}}"#,
        r#"{"StringEqualsIfExists": {"aws:SourceVpc": "vpc-1"}}"#,
    );
    assert!(d.added[0].certain, "{d:?}");
    // A narrower IP range and a later date: nothing new.
    let d = pair(
        r#"{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}, "DateLessThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}}"#,
        r#"{"IpAddress": {"aws:SourceIp": "10.1.0.0/16"}, "DateLessThan": {"aws:CurrentTime": "2026-06-01T00:00:00Z"}}"#,
    );
    assert!(d.added.is_empty(), "{d:?}");
}

#[test]
fn conditions_that_cannot_be_compared_may_grant_new_access_never_nothing() {
    let (_, d) = diff_of(
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalTag/team": "data"}}}"#,
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
            "Condition": {"ForAnyValue:StringEquals": {"aws:PrincipalTag/team": ["data", "ops"]}}}"#,
    );
    assert_eq!(d.added.len(), 1, "{d:?}");
    assert!(!d.added[0].certain);
    let ChangeKind::Conditions { now, before } = &d.added[0].kind else {
        panic!("{:?}", d.added[0]);
    };
    assert_eq!(
        now,
        &[r#"ForAnyValue:StringEquals aws:PrincipalTag/team ["data", "ops"]"#]
    );
    assert_eq!(before, &[r#"StringEquals aws:PrincipalTag/team ["data"]"#]);
    assert!(
        d.headline().starts_with("1 condition not comparable"),
        "{}",
        d.headline()
    );
}

#[test]
fn a_deny_removed_or_narrowed_is_new_access() {
    let allow = r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}"#;
    let deny =
        r#"{"Sid": "NoDeletes", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::prod/*"}"#;
    // Removed.
    let (text, d) = diff_of(&format!("{allow}, {deny}"), allow);
    assert_eq!(d.added.len(), 1, "{d:?}");
    let change = &d.added[0];
    assert_eq!(change.kind, ChangeKind::Deny);
    assert!(change.certain);
    assert_eq!(names(change), ["s3:DeleteObject"]);
    assert_eq!(change.compared[0].label, "statement \"NoDeletes\"");
    let span = change.statements[0].span;
    assert_eq!(&text[span.start..span.end], allow);
    // Narrowed to fewer resources.
    let narrower = r#"{"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::prod/keep/*"}"#;
    let (_, d) = diff_of(&format!("{allow}, {deny}"), &format!("{allow}, {narrower}"));
    assert_eq!(d.added.len(), 1, "{d:?}");
    assert_eq!(d.added[0].kind, ChangeKind::Deny);
    // Widened: nothing new, and the removed side names the new Deny.
    let (_, d) = diff_of(&format!("{allow}, {narrower}"), &format!("{allow}, {deny}"));
    assert!(d.added.is_empty(), "{d:?}");
    assert_eq!(d.removed[0].kind, ChangeKind::Deny);
    // An unconditional Deny of everything removed: the actions come back.
    let (_, d) = diff_of(
        &format!(r#"{allow}, {{"Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}}"#),
        allow,
    );
    assert_eq!(d.added[0].kind, ChangeKind::Actions);
    assert_eq!(d.added[0].actions, expand("s3:Delete*"));
    assert_eq!(d.added[0].compared.len(), 1);
}

#[test]
fn principals_newly_trusted_in_a_trust_policy() {
    let trust = |principal: &str| {
        Access::from_text(
            &format!(
                r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Principal": {principal},
                    "Action": "sts:AssumeRole"}}}}"#
            ),
            Some(PolicyType::Trust),
        )
    };
    let old = trust(r#"{"Service": "ec2.amazonaws.com"}"#);
    let new = trust(r#"{"Service": "ec2.amazonaws.com", "AWS": "arn:aws:iam::444455556666:root"}"#);
    let d = diff(&old, &new);
    assert_eq!(d.added.len(), 1, "{d:?}");
    assert_eq!(
        d.added[0].kind,
        ChangeKind::Principals {
            example: Some("arn:aws:iam::444455556666:root".into())
        }
    );
    assert!(d.added[0].certain);
    assert_eq!(d.headline(), "1 principal widened");
    assert!(diff(&new, &old).added.is_empty());
}

#[test]
fn an_unknown_action_not_covered_before_may_be_new() {
    let (_, d) = diff_of(
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}"#,
        r#"{"Effect": "Allow", "Action": ["s3:GetObject", "newservice:DoThing"], "Resource": "*"}"#,
    );
    assert_eq!(
        d.added[0].kind,
        ChangeKind::UnknownAction {
            pattern: "newservice:DoThing".into()
        }
    );
    assert!(!d.added[0].certain);
    let (_, d) = diff_of(
        r#"{"Effect": "Allow", "Action": "newservice:*", "Resource": "*"}"#,
        r#"{"Effect": "Allow", "Action": "newservice:DoThing", "Resource": "*"}"#,
    );
    assert!(d.added.is_empty(), "{d:?}");
}

#[test]
fn a_new_policy_is_new_access_entirely() {
    let empty = Access::from_text(
        r#"{"Version": "2012-10-17", "Statement": []}"#,
        Some(PolicyType::Identity),
    );
    let (_, new) = identity(r#"{"Effect": "Allow", "Action": ["s3:GetObject", "iam:PassRole"], "Resource": "*"}"#);
    let d = diff(&empty, &new);
    assert_eq!(d.headline(), "+2 actions");
    assert!(d.added[0].actions.contains(id("iam:PassRole")));
    let gone = diff(&new, &empty);
    assert_eq!(gone.headline(), "no new access; -2 actions");
}

// Property: the diff never misses a request the evaluator allows under NEW and not under OLD.

const ACTIONS: &[&str] = &[
    "s3:Get*",
    "s3:*Object",
    "s3:PutObject",
    "*",
    "iam:*AccessKey*",
    "sqs:Send*",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/${aws:username}/*",
    "arn:aws:s3:::*",
    "arn:aws:s3:::b",
    "arn:aws:iam::111122223333:user/*",
];
const CONDITIONS: &[&str] = &[
    "",
    r#", "Condition": {"StringEquals": {"aws:username": "bob"}}"#,
    r#", "Condition": {"StringLike": {"aws:username": "b*"}}"#,
    r#", "Condition": {"StringEqualsIfExists": {"aws:SourceVpc": "vpc-1"}}"#,
    r#", "Condition": {"StringEquals": {"aws:SourceVpc": ["vpc-1", "vpc-2"]}}"#,
    r#", "Condition": {"StringNotEquals": {"aws:SourceVpc": "vpc-2"}}"#,
    r#", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#,
    r#", "Condition": {"IpAddress": {"aws:SourceIp": "10.1.0.0/16"}}"#,
    r#", "Condition": {"Bool": {"aws:SecureTransport": "true"}}"#,
    r#", "Condition": {"Null": {"aws:SourceVpc": "false"}}"#,
];
const REQUEST_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:ListBucket",
    "iam:CreateAccessKey",
    "sqs:SendMessage",
];
const REQUEST_RESOURCES: &[&str] = &[
    "arn:aws:s3:::b/bob/k",
    "arn:aws:s3:::b/alice/k",
    "arn:aws:s3:::c/k",
    "arn:aws:s3:::b",
    "arn:aws:iam::111122223333:user/bob",
];

fn statement() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        prop::bool::weighted(0.15),
        prop::collection::vec(0..ACTIONS.len(), 1..3),
        prop::bool::weighted(0.15),
        prop::collection::vec(0..RESOURCES.len(), 1..3),
        0..CONDITIONS.len(),
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
                list(ACTIONS, &actions),
                if not_resource { "NotResource" } else { "Resource" },
                list(RESOURCES, &resources),
                CONDITIONS[condition]
            )
        })
}

/// NEW: OLD with one statement changed, added or removed (most real diffs), or another policy.
fn policy_pair() -> impl Strategy<Value = (Vec<String>, Vec<String>)> {
    (
        prop::collection::vec(statement(), 1..4),
        prop::collection::vec(statement(), 1..4),
        0..4usize,
        any::<prop::sample::Index>(),
    )
        .prop_map(|(old, other, edit, at)| {
            let mut new = old.clone();
            let i = at.index(new.len());
            match edit {
                0 => new[i].clone_from(&other[0]),
                1 => new.push(other[0].clone()),
                2 if new.len() > 1 => {
                    new.remove(i);
                }
                _ => new = other,
            }
            (old, new)
        })
}

fn allowed(text: &str, request: &Request) -> bool {
    let policies = Policies {
        identity: vec![CompiledPolicy::from_text("p.json", text)],
        ..Policies::default()
    };
    decide(&policies, request) == Decision::Allowed
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every request of a small grid (actions × resources × users) under one random context.
    #[test]
    fn a_request_newly_allowed_is_always_in_the_diff(
        (old, new) in policy_pair(),
        vpc in prop::option::of(prop::sample::select(vec!["vpc-1", "vpc-2", "vpc-3"])),
        ip in prop::sample::select(vec!["10.1.2.3", "10.2.0.1", "192.0.2.1"]),
        secure in any::<bool>(),
    ) {
        let (old_text, old_access) = identity(&old.join(", "));
        let (new_text, new_access) = identity(&new.join(", "));
        let d = diff(&old_access, &new_access);
        for user in ["bob", "alice"] {
            let mut context = Context::new();
            context.insert("aws:SecureTransport", if secure { "true" } else { "false" });
            context.insert("aws:SourceIp", ip);
            context.insert("aws:username", user);
            if let Some(vpc) = vpc {
                context.insert("aws:SourceVpc", vpc);
            }
            for action in REQUEST_ACTIONS {
                for resource in REQUEST_RESOURCES {
                    let principal = PrincipalId::User {
                        arn: format!("arn:aws:iam::111122223333:user/{user}"),
                        account: "111122223333".into(),
                        name: user.into(),
                    };
                    let request = Request::new(principal, action, resource, None, context.clone());
                    if allowed(&new_text, &request) && !allowed(&old_text, &request) {
                        let covered = d.added.iter().any(|c| c.actions.contains(id(action)));
                        prop_assert!(
                            covered,
                            "{action} on {resource} as {user} is new, not in the diff {d:?}\nOLD {old_text}\nNEW {new_text}"
                        );
                        prop_assert!(d.headline() != "no new access" && !d.grants_nothing_new());
                    }
                }
            }
        }
    }
}

// The same property for resource policies: principals newly trusted.

const PRINCIPALS: &[&str] = &[
    r#""Principal": "*""#,
    r#""Principal": {"AWS": "arn:aws:iam::444455556666:root"}"#,
    r#""Principal": {"AWS": "444455556666"}"#,
    r#""Principal": {"AWS": "arn:aws:iam::444455556666:user/bob"}"#,
    r#""Principal": {"AWS": ["arn:aws:iam::111122223333:user/bob", "arn:aws:iam::444455556666:user/eve"]}"#,
    r#""Principal": {"Service": "ec2.amazonaws.com"}"#,
    r#""NotPrincipal": {"AWS": "arn:aws:iam::444455556666:root"}"#,
];
const CALLERS: &[&str] = &[
    "arn:aws:iam::111122223333:user/bob",
    "arn:aws:iam::444455556666:user/bob",
    "arn:aws:iam::444455556666:user/eve",
    "ec2.amazonaws.com",
    "anonymous",
];

fn resource_statement() -> impl Strategy<Value = String> {
    (
        prop::bool::weighted(0.7),
        0..PRINCIPALS.len(),
        prop::collection::vec(0..3usize, 1..3),
        prop::collection::vec(0..4usize, 1..3),
        prop::sample::select(vec![0usize, 0, 1, 5, 8]),
    )
        .prop_map(|(allow, principal, actions, resources, condition)| {
            let list = |pool: &[&str], picks: &[usize]| {
                let items: Vec<String> = picks.iter().map(|&i| format!("\"{}\"", pool[i])).collect();
                format!("[{}]", items.join(", "))
            };
            format!(
                r#"{{"Effect": "{}", {}, "Action": {}, "Resource": {}{}}}"#,
                if allow { "Allow" } else { "Deny" },
                PRINCIPALS[principal],
                list(&["s3:GetObject", "s3:*", "s3:Put*"], &actions),
                list(
                    &["arn:aws:s3:::b/*", "arn:aws:s3:::*", "arn:aws:s3:::b/bob/*", "*"],
                    &resources
                ),
                CONDITIONS[condition]
            )
        })
}

fn bucket_policy_pair() -> impl Strategy<Value = (Vec<String>, Vec<String>)> {
    (
        prop::collection::vec(resource_statement(), 1..4),
        prop::collection::vec(resource_statement(), 1..4),
        0..4usize,
        any::<prop::sample::Index>(),
    )
        .prop_map(|(old, other, edit, at)| {
            let mut new = old.clone();
            let i = at.index(new.len());
            match edit {
                0 => new[i].clone_from(&other[0]),
                1 => new.push(other[0].clone()),
                2 if new.len() > 1 => {
                    new.remove(i);
                }
                _ => new = other,
            }
            (old, new)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A bucket policy in account 111122223333; callers from the account, another account
    /// (whose own policies allow everything), a service, and anonymous.
    #[test]
    fn a_caller_newly_allowed_by_a_resource_policy_is_always_in_the_diff(
        (old, new) in bucket_policy_pair(),
        secure in any::<bool>(),
    ) {
        let text = |statements: &[String]| format!(r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#, statements.join(", "));
        let (old_text, new_text) = (text(&old), text(&new));
        let old_access = Access::from_text(&old_text, Some(PolicyType::Resource));
        let new_access = Access::from_text(&new_text, Some(PolicyType::Resource));
        let d = diff(&old_access, &new_access);
        let decide_under = |policy: &str, request: &Request| {
            let cross_account = request.principal.account().is_some_and(|a| a != "111122223333");
            let identity = if cross_account {
                vec![CompiledPolicy::from_text(
                    "caller.json",
                    r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#,
                )]
            } else {
                Vec::new()
            };
            let policies = Policies {
                identity,
                resource: Some(CompiledPolicy::from_text("bucket.json", policy)),
                ..Policies::default()
            };
            decide(&policies, request) == Decision::Allowed
        };
        for caller in CALLERS {
            for action in ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"] {
                for resource in ["arn:aws:s3:::b/bob/k", "arn:aws:s3:::b/k", "arn:aws:s3:::c/k"] {
                    let mut context = Context::new();
                    context.insert("aws:SecureTransport", if secure { "true" } else { "false" });
                    context.insert("aws:username", "bob");
                    let request = Request::new(
                        PrincipalId::parse(caller).unwrap(),
                        action,
                        resource,
                        Some("111122223333"),
                        context,
                    );
                    if decide_under(&new_text, &request) && !decide_under(&old_text, &request) {
                        let covered = d.added.iter().any(|c| c.actions.contains(id(action)));
                        prop_assert!(
                            covered,
                            "{caller} {action} on {resource} is new, not in the diff {d:?}\nOLD {old_text}\nNEW {new_text}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn a_statement_widened_two_ways_lists_both() {
    let (_, d) = diff_of(
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::logs/*",
            "Condition": {"Bool": {"aws:SecureTransport": "true"}}}"#,
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::*"}"#,
    );
    let kinds: Vec<(&str, bool)> = d
        .added
        .iter()
        .map(|c| match c.kind {
            ChangeKind::Resources { .. } => ("resources", c.certain),
            ChangeKind::Conditions { .. } => ("conditions", c.certain),
            _ => ("other", c.certain),
        })
        .collect();
    assert_eq!(kinds, [("resources", true), ("conditions", true)], "{d:?}");
    assert_eq!(d.headline(), "1 resource widened, 1 condition loosened");
}
