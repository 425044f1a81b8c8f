//! `Principal` / `NotPrincipal`: `*`, the principal types and principals of each type.

use super::elements::key_insert;
use super::{Candidate, Ctx, ItemKind, List, quoted};

const PRINCIPAL_TYPES: &[(&str, &str)] = &[
    (
        "AWS",
        "AWS accounts, IAM users and roles, assumed-role sessions: account IDs or ARNs, or `*`.",
    ),
    (
        "Service",
        "AWS services, by service principal (`lambda.amazonaws.com`).",
    ),
    (
        "Federated",
        "Web identity or SAML providers (`cognito-identity.amazonaws.com`, a SAML provider ARN).",
    ),
    ("CanonicalUser", "An S3 canonical user ID (a long hex string); legacy."),
];

/// Service principals that trust and resource policies most often name.
const SERVICE_PRINCIPALS: &[(&str, &str)] = &[
    ("lambda.amazonaws.com", "AWS Lambda"),
    ("ec2.amazonaws.com", "Amazon EC2"),
    ("ecs-tasks.amazonaws.com", "Amazon ECS tasks"),
    ("states.amazonaws.com", "AWS Step Functions"),
    ("events.amazonaws.com", "Amazon EventBridge"),
    ("scheduler.amazonaws.com", "Amazon EventBridge Scheduler"),
    ("apigateway.amazonaws.com", "Amazon API Gateway"),
    ("sns.amazonaws.com", "Amazon SNS"),
    ("sqs.amazonaws.com", "Amazon SQS"),
    ("s3.amazonaws.com", "Amazon S3"),
    ("cloudformation.amazonaws.com", "AWS CloudFormation"),
    ("codebuild.amazonaws.com", "AWS CodeBuild"),
    ("codepipeline.amazonaws.com", "AWS CodePipeline"),
    ("codedeploy.amazonaws.com", "AWS CodeDeploy"),
    ("cloudtrail.amazonaws.com", "AWS CloudTrail"),
    ("config.amazonaws.com", "AWS Config"),
    ("logs.amazonaws.com", "Amazon CloudWatch Logs"),
    ("delivery.logs.amazonaws.com", "Log delivery (VPC Flow Logs, ...)"),
    ("firehose.amazonaws.com", "Amazon Data Firehose"),
    ("glue.amazonaws.com", "AWS Glue"),
    ("sagemaker.amazonaws.com", "Amazon SageMaker"),
    ("bedrock.amazonaws.com", "Amazon Bedrock"),
    ("batch.amazonaws.com", "AWS Batch"),
    ("backup.amazonaws.com", "AWS Backup"),
    ("rds.amazonaws.com", "Amazon RDS"),
    ("redshift.amazonaws.com", "Amazon Redshift"),
    ("elasticmapreduce.amazonaws.com", "Amazon EMR"),
    ("ssm.amazonaws.com", "AWS Systems Manager"),
    ("eks.amazonaws.com", "Amazon EKS"),
    ("pods.eks.amazonaws.com", "Amazon EKS Pod Identity"),
    ("edgelambda.amazonaws.com", "Lambda@Edge"),
    ("cloudfront.amazonaws.com", "Amazon CloudFront"),
    ("elasticloadbalancing.amazonaws.com", "Elastic Load Balancing"),
    ("autoscaling.amazonaws.com", "Amazon EC2 Auto Scaling"),
    ("application-autoscaling.amazonaws.com", "Application Auto Scaling"),
    ("monitoring.amazonaws.com", "Amazon CloudWatch"),
    ("kms.amazonaws.com", "AWS KMS"),
    ("secretsmanager.amazonaws.com", "AWS Secrets Manager"),
    ("dynamodb.amazonaws.com", "Amazon DynamoDB"),
    ("appsync.amazonaws.com", "AWS AppSync"),
    ("iot.amazonaws.com", "AWS IoT"),
    ("guardduty.amazonaws.com", "Amazon GuardDuty"),
    ("securityhub.amazonaws.com", "AWS Security Hub"),
];

const FEDERATED: &[(&str, &str, &str)] = &[
    (
        "cognito-identity.amazonaws.com",
        "Amazon Cognito",
        "Amazon Cognito identity pools (`sts:AssumeRoleWithWebIdentity`).",
    ),
    ("accounts.google.com", "Google", "Sign in with Google (web identity)."),
    (
        "www.amazon.com",
        "Login with Amazon",
        "Login with Amazon (web identity).",
    ),
    ("graph.facebook.com", "Facebook", "Facebook Login (web identity)."),
];

pub(super) fn keys(ctx: &Ctx<'_>) -> List {
    let present = |name: &str| {
        ctx.key_object().is_some_and(|o| {
            o.members
                .iter()
                .any(|m| m.key.value == name && !ctx.is_current_key(&m.key))
        })
    };
    let candidates = PRINCIPAL_TYPES
        .iter()
        .enumerate()
        .filter(|(_, (name, _))| !present(name))
        .map(|(i, (name, doc))| {
            let (insert_text, is_snippet) = key_insert(ctx, name, "\"$1\"");
            Candidate {
                label: (*name).to_owned(),
                kind: ItemKind::Property,
                detail: "principal type".to_owned(),
                documentation: (*doc).to_owned(),
                insert_text,
                is_snippet,
                matches: (*name).to_owned(),
                group: u32::try_from(i).unwrap_or(0),
            }
        })
        .collect();
    List {
        candidates,
        ..List::default()
    }
}

/// `"Principal": "|"`: only `*` is a string principal.
pub(super) fn element(ctx: &Ctx<'_>) -> List {
    let mut candidates = vec![Candidate {
        label: "*".to_owned(),
        kind: ItemKind::Constant,
        detail: "everyone".to_owned(),
        documentation:
            "Every principal, including anonymous ones. Restrict with conditions such as `aws:PrincipalOrgID`."
                .to_owned(),
        insert_text: quoted("*"),
        is_snippet: false,
        matches: "*".to_owned(),
        group: 0,
    }];
    if !ctx.slot.in_string {
        for (i, (name, doc)) in PRINCIPAL_TYPES.iter().enumerate() {
            candidates.push(Candidate {
                label: format!("{{\"{name}\": ...}}"),
                kind: ItemKind::Snippet,
                detail: "principal type".to_owned(),
                documentation: (*doc).to_owned(),
                insert_text: format!("{{\"{name}\": \"$1\"}}"),
                is_snippet: true,
                matches: String::new(),
                group: 1 + u32::try_from(i).unwrap_or(0),
            });
        }
    }
    List {
        candidates,
        ..List::default()
    }
}

fn arn(label: &str, snippet: &str, detail: &str, doc: &str, group: u32) -> Candidate {
    Candidate {
        label: label.to_owned(),
        kind: ItemKind::Snippet,
        detail: detail.to_owned(),
        documentation: doc.to_owned(),
        insert_text: format!("\"{snippet}\""),
        is_snippet: true,
        matches: label.replace("${Partition}", "aws"),
        group,
    }
}

pub(super) fn values(_ctx: &Ctx<'_>, principal_type: &str) -> List {
    let mut candidates = Vec::new();
    match principal_type {
        "AWS" => {
            candidates.push(Candidate {
                label: "*".to_owned(),
                kind: ItemKind::Constant,
                detail: "every AWS principal".to_owned(),
                documentation: "Every authenticated AWS principal of any account.".to_owned(),
                insert_text: quoted("*"),
                is_snippet: false,
                matches: "*".to_owned(),
                group: 0,
            });
            candidates.push(arn(
                "arn:${Partition}:iam::${Account}:root",
                "arn:${1:aws}:iam::${2:111122223333}:root",
                "account",
                "A whole AWS account: its principals the account's own IAM policies allow.",
                1,
            ));
            candidates.push(arn(
                "arn:${Partition}:iam::${Account}:role/${RoleName}",
                "arn:${1:aws}:iam::${2:111122223333}:role/${3:RoleName}",
                "IAM role",
                "An IAM role (and every session of it).",
                2,
            ));
            candidates.push(arn(
                "arn:${Partition}:iam::${Account}:user/${UserName}",
                "arn:${1:aws}:iam::${2:111122223333}:user/${3:UserName}",
                "IAM user",
                "An IAM user.",
                3,
            ));
            candidates.push(arn(
                "arn:${Partition}:sts::${Account}:assumed-role/${RoleName}/${SessionName}",
                "arn:${1:aws}:sts::${2:111122223333}:assumed-role/${3:RoleName}/${4:SessionName}",
                "role session",
                "One session of an assumed role.",
                4,
            ));
        }
        "Service" => {
            candidates.extend(SERVICE_PRINCIPALS.iter().enumerate().map(|(i, (p, name))| Candidate {
                label: (*p).to_owned(),
                kind: ItemKind::Reference,
                detail: (*name).to_owned(),
                documentation: format!("The service principal of {name}."),
                insert_text: quoted(p),
                is_snippet: false,
                matches: (*p).to_owned(),
                group: u32::try_from(i).unwrap_or(0),
            }));
        }
        "Federated" => {
            candidates.extend(FEDERATED.iter().enumerate().map(|(i, (p, name, doc))| Candidate {
                label: (*p).to_owned(),
                kind: ItemKind::Reference,
                detail: (*name).to_owned(),
                documentation: (*doc).to_owned(),
                insert_text: quoted(p),
                is_snippet: false,
                matches: (*p).to_owned(),
                group: u32::try_from(i).unwrap_or(0),
            }));
            candidates.push(arn(
                "arn:${Partition}:iam::${Account}:oidc-provider/${Provider}",
                "arn:${1:aws}:iam::${2:111122223333}:oidc-provider/${3:token.actions.githubusercontent.com}",
                "OIDC provider",
                "An IAM OIDC identity provider (GitHub Actions, EKS, ...).",
                10,
            ));
            candidates.push(arn(
                "arn:${Partition}:iam::${Account}:saml-provider/${ProviderName}",
                "arn:${1:aws}:iam::${2:111122223333}:saml-provider/${3:ProviderName}",
                "SAML provider",
                "An IAM SAML 2.0 identity provider.",
                11,
            ));
        }
        _ => {}
    }
    List {
        candidates,
        ..List::default()
    }
}
