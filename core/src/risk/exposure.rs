//! The exposure categories: actions granted with no limit on resources, no condition and no
//! `Deny` of the policy narrowing them, sorted into what they expose.
//!
//! - data exfiltration: reads of stored data and secrets ([`DATA_EXFILTRATION_ACTIONS`]);
//! - credentials exposure: actions whose response holds credentials
//!   ([`CREDENTIALS_EXPOSURE_ACTIONS`]);
//! - resource exposure: the catalog's "Permissions management" access level (resource
//!   policies, grants, ACLs, sharing);
//! - infrastructure modification: the "Write" and "Tagging" levels.

use super::{Risk, RiskKind};
use crate::access::{Access, ActionId, ActionSet, StatementAccess, constrained_by_resource};
use crate::catalog::AccessLevel;

/// Reads that hand over stored data or secrets. cloudsplaining's
/// `READ_ONLY_DATA_EXFILTRATION_ACTIONS` (its "Data Exfiltration" definition), plus two reads
/// that return the same data: `s3:GetObjectVersion` (an object's earlier versions) and
/// `ssm:GetParameterHistory` (every past value of a parameter, decrypted on request; AWS
/// Systems Manager API Reference).
pub const DATA_EXFILTRATION_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:GetObjectVersion",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "ssm:GetParameterHistory",
    "secretsmanager:GetSecretValue",
];

/// Actions whose response contains credentials: cloudsplaining's
/// `ACTIONS_THAT_RETURN_CREDENTIALS` (from Kinnaird McQuade's list,
/// <https://gist.github.com/kmcquade/33860a617e651104d243c324ddf7992a>), with its two
/// misspelt `gamelist:` entries written as the GameLift actions they mean, and without the two
/// the Service Authorization Reference does not list (`connect:GetFederationTokens`,
/// `sso:GetRoleCredentials`: IAM policies cannot name them).
pub const CREDENTIALS_EXPOSURE_ACTIONS: &[&str] = &[
    "airflow:CreateCliToken",
    "airflow:CreateWebLoginToken",
    "appsync:CreateApiKey",
    "chime:CreateApiKey",
    "cloud9:CreateEnvironmentToken",
    "codeartifact:GetAuthorizationToken",
    "codepipeline:PollForJobs",
    "cognito-identity:GetOpenIdToken",
    "cognito-identity:GetOpenIdTokenForDeveloperIdentity",
    "cognito-identity:GetCredentialsForIdentity",
    "cognito-idp:GetSigningCertificate",
    "connect:GetFederationToken",
    "ec2:GetPasswordData",
    "ecr:GetAuthorizationToken",
    "ecr-public:GetAuthorizationToken",
    "emr-containers:GetManagedEndpointSessionCredentials",
    "finspace-api:GetProgrammaticAccessCredentials",
    "gamelift:RequestUploadCredentials",
    "gamelift:GetInstanceAccess",
    "gamelift:GetComputeAccess",
    "gamelift:GetComputeAuthToken",
    "grafana:CreateWorkspaceApiKey",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:CreateServiceSpecificCredential",
    "iam:ResetServiceSpecificCredential",
    "iam:UpdateAccessKey",
    "license-manager:GetAccessToken",
    "lightsail:GetInstanceAccessDetails",
    "lightsail:DownloadDefaultKeyPair",
    "lightsail:CreateBucketAccessKey",
    "lightsail:GetRelationalDatabaseMasterUserPassword",
    "mediapackage:RotateChannelCredentials",
    "mediapackage:RotateIngestEndpointCredentials",
    "rds-db:connect",
    "redshift:GetClusterCredentials",
    "redshift:GetClusterCredentialsWithIAM",
    "redshift-serverless:GetCredentials",
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:GetFederationToken",
    "sts:GetSessionToken",
];

/// Is `id` in the category?
fn in_category(kind: RiskKind, id: ActionId, listed: &ActionSet) -> bool {
    match kind {
        RiskKind::DataExfiltration | RiskKind::CredentialsExposure => listed.contains(id),
        RiskKind::ResourceExposure => id.access_level() == Some(AccessLevel::PermissionsManagement),
        RiskKind::InfrastructureModification => {
            matches!(id.access_level(), Some(AccessLevel::Write | AccessLevel::Tagging))
        }
        _ => false,
    }
}

fn named(names: &[&str]) -> ActionSet {
    let mut set = ActionSet::empty();
    for id in names.iter().filter_map(|n| ActionId::named(n)) {
        set.insert(id);
    }
    set
}

/// Granted with no limit: some `Allow` has neither a resource limit nor a condition, and no
/// `Deny` names the actions.
fn unconstrained(allowed_by: &[&StatementAccess], denied_by: &[&StatementAccess]) -> bool {
    denied_by.is_empty()
        && allowed_by
            .iter()
            .any(|s| !constrained_by_resource(s) && !s.is_conditional())
}

/// One risk for the category with every action of it granted without limit; none when there
/// is none.
pub(super) fn find(access: &Access, kind: RiskKind) -> Option<Risk<'_>> {
    let listed = match kind {
        RiskKind::DataExfiltration => named(DATA_EXFILTRATION_ACTIONS),
        RiskKind::CredentialsExposure => named(CREDENTIALS_EXPOSURE_ACTIONS),
        _ => ActionSet::empty(),
    };
    let mut grants = Vec::new();
    for group in access.groups() {
        if group.allowed_by.is_empty() || !unconstrained(&group.allowed_by, &group.denied_by) {
            continue;
        }
        let granting: Vec<&StatementAccess> = group
            .allowed_by
            .iter()
            .copied()
            .filter(|s| !constrained_by_resource(s) && !s.is_conditional())
            .collect();
        for id in group.actions.iter().filter(|id| in_category(kind, *id, &listed)) {
            grants.push((id, granting.clone()));
        }
    }
    (!grants.is_empty()).then(|| Risk::new(kind, None, grants))
}
