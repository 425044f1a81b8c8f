#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, reason = "tests")]

use super::*;
use crate::json;

const CURSOR: &str = "<CURSOR>";

/// The hover at `<CURSOR>` in `src`: (hovered source text, markdown).
fn hover_at(src: &str, policy_type: PolicyType) -> Option<(String, String)> {
    let offset = src.find(CURSOR).expect("cursor marker");
    let text = src.replace(CURSOR, "");
    let doc = json::parse(&text);
    let ctx = Context {
        text: &text,
        json: &doc,
        policy_type,
        type_source: TypeSource::Inferred,
    };
    hover(ctx, offset).map(|h| (text[h.span.range()].to_owned(), h.markdown))
}

fn md(src: &str) -> String {
    hover_at(src, PolicyType::Identity).expect("a hover").1
}

fn statement(body: &str) -> String {
    format!(r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", {body}}}]}}"#)
}

#[test]
fn action_has_description_level_resources_keys_and_link() {
    let src = statement(r#""Action": "s3:Get<CURSOR>Object", "Resource": "*""#);
    let (span, m) = hover_at(&src, PolicyType::Identity).unwrap();
    assert_eq!(span, "\"s3:GetObject\"");
    assert!(m.starts_with("**s3:GetObject** — Read"), "{m}");
    assert!(
        m.contains("- `object`: `arn:${Partition}:s3:::${BucketName}/${ObjectName}`"),
        "{m}"
    );
    assert!(m.contains("arn:${Partition}:s3:::"), "{m}");
    assert!(m.contains("Condition keys:"), "{m}");
    assert!(m.contains("https://docs.aws.amazon.com/service-authorization/"), "{m}");
}

#[test]
fn unknown_action_suggests() {
    let m = md(&statement(r#""Action": "iam:PassRoel<CURSOR>", "Resource": "*""#));
    assert!(m.contains("Did you mean `iam:PassRole`"), "{m}");
}

#[test]
fn wildcard_action_counts_and_groups_by_level() {
    let m = md(&statement(r#""Action": ["s3:<CURSOR>Get*"], "Resource": "*""#));
    let total = catalog().count_actions_matching("s3:Get*");
    assert!(m.starts_with(&format!("**s3:Get*** matches {total} actions")), "{m}");
    assert!(m.contains("- **Read** ("), "{m}");
    assert!(m.contains(" more"), "{m}");
}

#[test]
fn not_action_in_words() {
    let m = md(&statement(r#""Not<CURSOR>Action": "iam:*", "Resource": "*""#));
    assert!(
        m.starts_with("**NotAction**: this Allow grants every action of every service except `iam:*`"),
        "{m}"
    );
    let src = r#"{"Statement": [{"Effect": "Deny", "NotRes<CURSOR>ource": ["arn:aws:s3:::a"], "Action": "s3:*"}]}"#;
    assert!(md(src).contains("this Deny denies the actions on every resource except `arn:aws:s3:::a`"));
    let src = r#"{"Statement": [{"Effect": "Deny", "NotPrin<CURSOR>cipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:*", "Resource": "*"}]}"#;
    assert!(md(src).contains("every principal except `arn:aws:iam::111122223333:root`"));
}

#[test]
fn effect_depends_on_policy_type() {
    let deny = r#"{"Statement": [{"Effect": "De<CURSOR>ny", "Action": "s3:*", "Resource": "*"}]}"#;
    assert!(md(deny).contains("overrides every Allow in every policy type"));
    let allow = statement(r#""Action": "s3:*", "Resource": "*""#).replace("\"Allow\"", "\"Al<CURSOR>low\"");
    let (span, scp) = hover_at(&allow, PolicyType::Scp).unwrap();
    assert_eq!(span, "\"Allow\"");
    assert!(scp.contains("only caps, never grants"), "{scp}");
    assert!(md(&allow).contains("grants the matched actions to the principal"));
}

#[test]
fn operator_semantics() {
    let src = statement(
        r#""Action": "s3:*", "Resource": "*", "Condition": {"ForAll<CURSOR>Values:StringEquals": {"aws:TagKeys": ["a"]}}"#,
    );
    let m = md(&src);
    assert!(m.contains("**missing or empty**"), "{m}");
    assert!(m.contains("ORed"), "{m}");
    let neg = statement(
        r#""Action": "s3:*", "Resource": "*", "Condition": {"StringNotEquals<CURSOR>": {"aws:username": ["a", "b"]}}"#,
    );
    let m = md(&neg);
    assert!(m.contains("**none** of them"), "{m}");
    assert!(m.contains("makes this negated condition **true**"), "{m}");
    let ifx = statement(
        r#""Action": "s3:*", "Resource": "*", "Condition": {"<CURSOR>StringLikeIfExists": {"aws:username": "a*"}}"#,
    );
    assert!(md(&ifx).contains("`IfExists`: a **missing** key makes the condition **true**"));
}

#[test]
fn condition_key_lists_supporting_and_ignoring_actions() {
    let src = statement(
        r#""Action": ["s3:PutObject", "ec2:DescribeInstances"], "Resource": "*", "Condition": {"StringEquals": {"s3:x-amz-<CURSOR>acl": "private"}}"#,
    );
    let m = md(&src);
    assert!(m.contains("Supported by `s3:PutObject`"), "{m}");
    assert!(m.contains("**Ignored by** `ec2:DescribeInstances`"), "{m}");
    let global = statement(
        r#""Action": "s3:*", "Resource": "*", "Condition": {"IpAddress": {"aws:Source<CURSOR>Ip": "10.0.0.0/8"}}"#,
    );
    let m = md(&global);
    assert!(
        m.starts_with("**aws:SourceIp** — IPAddress, single-valued") || m.contains("single-valued"),
        "{m}"
    );
    assert!(m.contains("Global key"), "{m}");
}

#[test]
fn policy_variable_resolution_and_version_rule() {
    let src = statement(r#""Action": "s3:*", "Resource": "arn:aws:s3:::b/${aws:user<CURSOR>name}/*""#);
    let (span, m) = hover_at(&src, PolicyType::Identity).unwrap();
    assert_eq!(span, "${aws:username}");
    assert!(m.contains("Substituted because"), "{m}");
    assert!(m.contains("${key, 'value'}"), "{m}");
    let old = src.replace("2012-10-17", "2008-10-17");
    assert!(md(&old).contains("**Not substituted**"));
    let cond = statement(
        r#""Action": "s3:*", "Resource": "*", "Condition": {"StringLike": {"s3:prefix": "${aws:userid, '<CURSOR>x'}/*"}}"#,
    );
    assert!(md(&cond).contains("the default `'x'` is used"));
}

#[test]
fn principal_values() {
    let p = |v: &str| {
        md(&format!(
            r#"{{"Statement": [{{"Effect": "Allow", "Principal": {{"AWS": "{v}<CURSOR>"}}, "Action": "s3:GetObject", "Resource": "*"}}]}}"#
        ))
    };
    assert!(p("arn:aws:iam::111122223333:root").contains("**account** principal"));
    assert!(p("111122223333").contains("It delegates to the account"));
    assert!(p("arn:aws:iam::111122223333:role/r").contains("a **role**"));
    assert!(p("arn:aws:sts::111122223333:assumed-role/r/s").contains("**role session**"));
    let svc = r#"{"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazon<CURSOR>aws.com"}, "Action": "sts:AssumeRole"}]}"#;
    assert!(md(svc).contains("**service principal**"));
    let star =
        r#"{"Statement": [{"Effect": "Allow", "Principal": "*<CURSOR>", "Action": "s3:GetObject", "Resource": "*"}]}"#;
    assert!(md(star).contains("**everyone**"));
}

#[test]
fn resource_arn_parts_and_matching_actions() {
    let src = statement(r#""Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "arn:aws:s3:::bucket/<CURSOR>*""#);
    let m = md(&src);
    assert!(m.contains("service `s3`"), "{m}");
    assert!(m.contains("resource type `s3:object` for `s3:GetObject`"), "{m}");
    assert!(!m.contains("s3:ListBucket"), "{m}");
    let none = statement(r#""Action": "s3:ListBucket", "Resource": "arn:aws:sqs:us-east-1:1:q<CURSOR>""#);
    assert!(md(&none).contains("never applies to it"));
}

#[test]
fn elements_and_policy_type() {
    let src = r#"{"Vers<CURSOR>ion": "2012-10-17", "Statement": []}"#;
    assert!(md(src).contains("policy variables"));
    assert!(md(r#"{"Version": "2008-10<CURSOR>-17"}"#).contains("matched literally"));
    assert!(md(&statement(r#""Sid": "A<CURSOR>b", "Action": "s3:*""#)).starts_with("**Sid**"));
    assert!(md(r#"{"State<CURSOR>ment": []}"#).starts_with("**Statement**"));
    let top = r#"<CURSOR>{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "1"}, "Action": "s3:GetObject"}]}"#;
    let (span, m) = hover_at(top, PolicyType::Resource).unwrap();
    assert_eq!(span, "{");
    assert!(
        m.starts_with("**Resource-based policy** (inferred: a statement has a Principal)"),
        "{m}"
    );
}

#[test]
fn nothing_outside_known_places() {
    assert!(hover_at(r#"[1, <CURSOR>2]"#, PolicyType::Identity).is_none());
    assert!(hover_at(&statement(r#""Foo": "b<CURSOR>ar""#), PolicyType::Identity).is_none());
}
