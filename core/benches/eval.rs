//! Decisions per second for a realistic request: an identity policy of 10 statements with
//! conditions, a bucket policy, a permissions boundary and two SCP levels (root and OU).
//!
//! `cargo bench -p iam-policy --bench eval` — the `items/s` column is decisions per second
//! (one thread).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmark setup")]

use divan::counter::ItemsCount;
use divan::{Bencher, black_box};
use iam_policy::eval::{CompiledPolicy, Context, OrgLevel, Policies, PrincipalId, Request, decide, explain};

fn main() {
    divan::main();
}

const IDENTITY: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "Ec2Describe", "Effect": "Allow", "Action": ["ec2:Describe*", "ec2:Get*"], "Resource": "*"},
  {"Sid": "Ec2StartStopOwnTeam", "Effect": "Allow", "Action": ["ec2:StartInstances", "ec2:StopInstances"],
   "Resource": "arn:aws:ec2:*:111122223333:instance/*",
   "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}},
  {"Sid": "DynamoTable", "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"],
   "Resource": "arn:aws:dynamodb:eu-west-1:111122223333:table/orders",
   "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:PrincipalTag/tenant}"]}}},
  {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
   "Resource": "arn:aws:logs:*:111122223333:log-group:/app/*"},
  {"Sid": "SqsJobs", "Effect": "Allow", "Action": "sqs:*", "Resource": "arn:aws:sqs:eu-west-1:111122223333:jobs-*",
   "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
  {"Sid": "KmsViaS3", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
   "Condition": {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}},
  {"Sid": "DenyIamWrites", "Effect": "Deny", "Action": ["iam:Create*", "iam:Delete*", "iam:Put*", "iam:Attach*"], "Resource": "*"},
  {"Sid": "S3List", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::reports",
   "Condition": {"StringLike": {"s3:prefix": ["home/${aws:username}/*", "shared/*"]}}},
  {"Sid": "S3ReadFromOffice", "Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion"],
   "Resource": ["arn:aws:s3:::reports/shared/*", "arn:aws:s3:::reports/2024/*"],
   "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]},
                 "StringEquals": {"aws:PrincipalTag/team": ["analytics", "finance"]},
                 "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}},
  {"Sid": "DenyOutsideVpc", "Effect": "Deny", "Action": "s3:*", "Resource": "*",
   "Condition": {"StringNotEqualsIfExists": {"aws:SourceVpc": ["vpc-111", "vpc-222"]}, "Bool": {"aws:ViaAWSService": "false"}}}
]}"#;

const BUCKET: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "DenyInsecure", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
   "Resource": ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
  {"Sid": "OrgRead", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject",
   "Resource": "arn:aws:s3:::reports/*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}}
]}"#;

const BOUNDARY: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "Services", "Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
  {"Sid": "NoBoundaryChange", "Effect": "Deny", "Action": "iam:DeleteRolePermissionsBoundary", "Resource": "*"}
]}"#;

const SCP_ROOT: &str = r#"{"Version": "2012-10-17", "Statement": {"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"}}"#;

const SCP_OU: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "AllowAll", "Effect": "Allow", "Action": "*", "Resource": "*"},
  {"Sid": "RegionLock", "Effect": "Deny", "NotAction": ["iam:*", "sts:*", "cloudfront:*", "support:*"], "Resource": "*",
   "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}}
]}"#;

fn policies() -> Policies {
    Policies {
        identity: vec![CompiledPolicy::from_text("identity.json", IDENTITY)],
        permission_boundaries: vec![CompiledPolicy::from_text("boundary.json", BOUNDARY)],
        resource: Some(CompiledPolicy::from_text("bucket.json", BUCKET)),
        scps: vec![
            OrgLevel {
                org_identifier: "r-root".into(),
                policies: vec![CompiledPolicy::from_text("scp-root.json", SCP_ROOT)],
            },
            OrgLevel {
                org_identifier: "ou-abcd-11111111".into(),
                policies: vec![CompiledPolicy::from_text("scp-ou.json", SCP_OU)],
            },
        ],
        ..Policies::default()
    }
}

fn request() -> Request {
    let mut ctx = Context::new();
    ctx.insert("aws:SourceIp", "203.0.113.7");
    ctx.insert("aws:SecureTransport", "true");
    ctx.insert("aws:PrincipalTag/team", "analytics");
    ctx.insert("aws:PrincipalOrgID", "o-abc123");
    ctx.insert("aws:RequestedRegion", "eu-west-1");
    ctx.insert("aws:CurrentTime", "2026-11-26T10:00:00Z");
    ctx.insert("aws:ViaAWSService", "false");
    ctx.insert("aws:SourceVpc", "vpc-111");
    let principal = PrincipalId::parse("arn:aws:sts::111122223333:assumed-role/analyst/alice").unwrap();
    Request::new(
        principal,
        "s3:GetObject",
        "arn:aws:s3:::reports/2024/q1.csv",
        Some("111122223333"),
        ctx,
    )
}

/// One decision with the explanation off: the hot path.
#[divan::bench]
fn decide_realistic(bencher: Bencher) {
    let policies = policies();
    let request = request();
    assert_eq!(decide(&policies, &request), iam_policy::eval::Decision::Allowed);
    bencher
        .counter(ItemsCount::new(1usize))
        .bench(|| decide(black_box(&policies), black_box(&request)));
}

/// The same decision, building the request each time (action lowercasing, implied keys).
#[divan::bench]
fn decide_realistic_with_request_build(bencher: Bencher) {
    let policies = policies();
    let template = request();
    bencher.counter(ItemsCount::new(1usize)).bench(|| {
        let r = Request::new(
            template.principal.clone(),
            "s3:GetObject",
            "arn:aws:s3:::reports/2024/q1.csv",
            Some("111122223333"),
            template.context.clone(),
        );
        decide(black_box(&policies), &r)
    });
}

/// The same decision with the full explanation.
#[divan::bench]
fn explain_realistic(bencher: Bencher) {
    let policies = policies();
    let request = request();
    bencher
        .counter(ItemsCount::new(1usize))
        .bench(|| explain(black_box(&policies), black_box(&request)));
}

/// Compiling the five policies (done once per policy set).
#[divan::bench]
fn compile_realistic() -> Policies {
    policies()
}
