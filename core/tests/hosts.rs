//! Policies read from templates and Terraform: regressions found on public templates, each
//! one a case the host layer once read wrong.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure is a test failure"
)]

use iam_policy::analysis::{self, Options};
use iam_policy::host::{self, Contents, EmbeddedPolicy};
use iam_policy::json::Value;

fn policies(path: &str, text: &str) -> Vec<EmbeddedPolicy> {
    match host::read(Some(path), text) {
        Contents::Host(_, found) => found.policies,
        other => panic!("{path} is not read as a host: {other:?}"),
    }
}

/// The codes found in every policy of a host file, with the text each finding covers.
fn findings(path: &str, text: &str) -> Vec<(String, String)> {
    policies(path, text)
        .iter()
        .flat_map(|p| analysis::analyze_embedded(text, p, Options::default()).findings)
        .map(|f| (f.code.to_owned(), text.get(f.span.range()).unwrap_or("").to_owned()))
        .collect()
}

fn codes(path: &str, text: &str) -> Vec<String> {
    findings(path, text).into_iter().map(|(c, _)| c).collect()
}

#[test]
fn terraform_star_principal_type_is_principal_star() {
    let text = r#"
data "aws_iam_policy_document" "deny_insecure" {
  statement {
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = ["arn:aws:s3:::bucket/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}
"#;
    let found = policies("main.tf", text);
    let statement = found
        .first()
        .and_then(|p| p.json.root.as_ref())
        .and_then(|r| r.value.as_object())
        .and_then(|o| o.get("Statement"))
        .and_then(|m| m.value.as_ref())
        .and_then(|s| s.value.as_array())
        .and_then(|a| a.items.first())
        .and_then(|s| s.value.as_object());
    let principal = statement
        .and_then(|s| s.get("Principal"))
        .and_then(|m| m.value.as_ref());
    match principal.map(|p| &p.value) {
        Some(Value::String(s)) => assert_eq!(s.value, "*"),
        other => panic!("Principal should be the string \"*\": {other:?}"),
    }
    assert_eq!(codes("main.tf", text), Vec::<String>::new());
}

#[test]
fn statements_given_without_a_document_need_no_version() {
    // EventBridge and SAM write the document around these statements themselves.
    let text = r#"AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  BusPolicy:
    Type: AWS::Events::EventBusPolicy
    Properties:
      StatementId: AllowAccount
      Statement:
        Effect: Allow
        Principal:
          AWS: arn:aws:iam::111122223333:root
        Action: events:PutEvents
        Resource: !GetAtt Bus.Arn
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
      Auth:
        ResourcePolicy:
          CustomStatements:
            - Effect: Allow
              Principal: "*"
              Action: execute-api:Invoke
              Resource: !Sub arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:*/*
              Condition:
                IpAddress:
                  aws:SourceIp: 192.0.2.0/24
"#;
    assert_eq!(policies("template.yaml", text).len(), 2);
    let found = codes("template.yaml", text);
    assert!(!found.iter().any(|c| c == "MISSING_VERSION"), "{found:?}");
}

#[test]
fn a_yaml_list_finding_does_not_cover_the_comments_after_it() {
    let text = r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Service: states.amazonaws.com
            Action: sts:AssumeRole
      Policies:
        - PolicyName: invoke
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: states:InvokeHTTPEndpoint
                Resource:
                  - !Sub "arn:aws:states:${AWS::Region}:${AWS::AccountId}:stateMachine:*"

##########################
# Outputs
##########################
Outputs:
  RoleArn:
    Value: !GetAtt Role.Arn
"#;
    for (code, covered) in findings("template.yaml", text) {
        assert!(!covered.contains('#'), "{code} covers a comment: {covered:?}");
        assert!(
            !covered.ends_with(char::is_whitespace),
            "{code} covers trailing blanks: {covered:?}"
        );
    }
}

#[test]
fn size_counts_deploy_time_values_as_empty() {
    let text = r#"resource "aws_iam_policy" "p" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "s3:GetObject"
      Resource = "${aws_s3_bucket.very_long_bucket_resource_name.arn}/*"
    }]
  })
}
"#;
    let found = policies("main.tf", text);
    let root = found.first().and_then(|p| p.json.root.as_ref());
    let compact = root.map(host::compact_json).unwrap_or_default();
    assert_eq!(
        compact,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"/*"}]}"#
    );
}

#[test]
fn a_federated_principal_known_only_at_deploy_time_may_be_an_oidc_provider() {
    let text = r#"data "aws_iam_policy_document" "ci_trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [local.github_oidc_provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringLike"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:${var.org}/${var.repo}:ref:refs/heads/main"]
    }
  }
}

resource "aws_iam_role" "ci" {
  assume_role_policy = data.aws_iam_policy_document.ci_trust.json
}
"#;
    // Only the reminder Access Analyzer gives on every OIDC audience condition.
    assert_eq!(codes("main.tf", text), ["CONFIRM_AUDIENCE_CLAIM_TYPE"]);
    // A provider that is known and of the wrong kind is still reported.
    let saml = text.replace(
        "local.github_oidc_provider_arn",
        "\"arn:aws:iam::111122223333:saml-provider/corp\"",
    );
    assert_eq!(
        codes("main.tf", &saml),
        ["MISMATCHED_ACTION_FOR_PRINCIPAL", "CONFIRM_AUDIENCE_CLAIM_TYPE"]
    );
}

#[test]
fn observability_sink_and_lattice_policies_are_resource_policies() {
    // CloudFormation Template Reference: AWS::OAM::Sink `Policy`, AWS::VpcLattice::AuthPolicy
    // and ::ResourcePolicy `Policy` (type Json); the provider's aws_oam_sink_policy and
    // aws_vpclattice_auth_policy / _resource_policy `policy`.
    let template = r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Sink:
    Type: AWS::OAM::Sink
    Properties:
      Name: central
      Policy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {AWS: ["111122223333"]}
            Action: ["oam:CreateLink", "oam:UpdateLink"]
            Resource: "*"
  Auth:
    Type: AWS::VpcLattice::AuthPolicy
    Properties:
      ResourceIdentifier: !Ref Service
      Policy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: "vpc-lattice-svcs:Invoke"
            Resource: "*"
"#;
    let found = policies("template.yaml", template);
    let types: Vec<_> = found.iter().map(|p| (p.pointer.as_str(), p.policy_type)).collect();
    assert_eq!(
        types,
        [
            (
                "Resources.Sink.Properties.Policy",
                Some(iam_policy::PolicyType::Resource)
            ),
            (
                "Resources.Auth.Properties.Policy",
                Some(iam_policy::PolicyType::Resource)
            ),
        ]
    );
    let tf = r#"resource "aws_vpclattice_auth_policy" "a" {
  resource_identifier = aws_vpclattice_service.s.arn
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = "*", Action = "vpc-lattice-svcs:Invoke", Resource = "*" }]
  })
}
"#;
    let found = policies("main.tf", tf);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].policy_type, Some(iam_policy::PolicyType::Resource));
}
