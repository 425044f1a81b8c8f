//! `iam-policy-ls/policyType`, which editors show in a status bar.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

mod common;

use common::{TestServer, uri};
use serde_json::{Value, json};

const TRUST: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#;

fn policy_type(s: &mut TestServer, u: &str) -> Value {
    let id = s.request("iam-policy-ls/policyType", json!({"textDocument": {"uri": u}}));
    s.result(id)
}

#[test]
fn policy_type_and_its_source() {
    let mut s = TestServer::start();
    let inferred = uri("role.json");
    s.open(&inferred, "json", 1, TRUST);
    s.diagnostics(&inferred);
    assert_eq!(
        policy_type(&mut s, &inferred),
        json!({"policyType": "trust", "source": "inferred"})
    );

    let named = uri("guardrails.scp.json");
    s.open(&named, "iam-policy", 1, r#"{"Version": "2012-10-17", "Statement": []}"#);
    s.diagnostics(&named);
    assert_eq!(
        policy_type(&mut s, &named),
        json!({"policyType": "scp", "source": "fileName"})
    );

    // JSON that is not a policy, and documents that are not open: no type.
    let package = uri("package.json");
    s.open(&package, "json", 1, r#"{"name": "x"}"#);
    assert_eq!(policy_type(&mut s, &package), Value::Null);
    assert_eq!(policy_type(&mut s, &uri("closed.json")), Value::Null);
    assert!(s.shutdown().success());
}

#[test]
fn policy_type_given_by_editor_settings() {
    let (mut s, _) = TestServer::initialized(json!({}), Some(json!({"iam-policy-ls": {"policy-type": "boundary"}})));
    let u = uri("limits.json");
    s.open(
        &u,
        "iam-policy",
        1,
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}"#,
    );
    s.diagnostics(&u);
    assert_eq!(
        policy_type(&mut s, &u),
        json!({"policyType": "boundary", "source": "given"})
    );
    assert!(s.shutdown().success());
}
