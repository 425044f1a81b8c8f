//! Requests AWS refuses whatever the policies allow: changes to resources that AWS manages.
//!
//! Each refusal is an implicit deny whose reason says why. The action lists and their sources
//! are in docs/simulate.md ("Resources AWS protects").

use super::request::{PrincipalId, Request};

/// Writes to a managed policy. AWS managed policies (`arn:aws:iam::aws:policy/...`) "cannot be
/// edited" (IAM User Guide, "Edit IAM policies"), deleted or tagged; reading and attaching them
/// stay governed by the policies.
pub const MANAGED_POLICY_WRITES: &[&str] = &[
    "iam:createpolicyversion",
    "iam:deletepolicy",
    "iam:deletepolicyversion",
    "iam:setdefaultpolicyversion",
    "iam:tagpolicy",
    "iam:untagpolicy",
];

/// Changes to a role that IAM refuses with `UnmodifiableEntity` for the roles IAM Identity
/// Center manages (`role/aws-reserved/sso.amazonaws.com/...`, "Cannot perform the operation on
/// the protected role 'AWSReservedSSO_...' - this role is only modifiable by AWS").
pub const RESERVED_SSO_ROLE_CHANGES: &[&str] = &[
    "iam:attachrolepolicy",
    "iam:deleterole",
    "iam:deleterolepermissionsboundary",
    "iam:deleterolepolicy",
    "iam:detachrolepolicy",
    "iam:putrolepermissionsboundary",
    "iam:putrolepolicy",
    "iam:updateassumerolepolicy",
    "iam:updaterole",
    "iam:updateroledescription",
];

/// Changes to a service-linked role (`role/aws-service-role/...`) that only its service makes
/// ("service-linked roles are protected AWS resources", IAM API `UnmodifiableEntity`). The
/// description stays editable ("You can edit the description of any role", IAM User Guide,
/// "Update a service-linked role"), and `iam:DeleteServiceLinkedRole` is how an account
/// principal deletes one.
pub const SERVICE_LINKED_ROLE_CHANGES: &[&str] = &[
    "iam:attachrolepolicy",
    "iam:deleterole",
    "iam:deleterolepermissionsboundary",
    "iam:deleterolepolicy",
    "iam:detachrolepolicy",
    "iam:putrolepermissionsboundary",
    "iam:putrolepolicy",
    "iam:updateassumerolepolicy",
];

/// Alias operations refused on `alias/aws/...`: that prefix "is reserved for AWS managed keys"
/// (AWS KMS API Reference, CreateAlias), whose aliases customers cannot create, update or delete.
pub const RESERVED_ALIAS_CHANGES: &[&str] = &["kms:createalias", "kms:deletealias", "kms:updatealias"];

/// Why AWS refuses the request whatever the policies say, if it does.
pub fn refusal(request: &Request) -> Option<String> {
    let action = request.action_lower.as_str();
    let (service, resource) = arn_service_and_resource(&request.resource)?;
    let by_aws_itself =
        matches!(request.principal, PrincipalId::Service { .. }) || request.principal.is_service_linked_role();
    match service {
        "iam" if resource.starts_with("policy/") && arn_account(&request.resource) == Some("aws") => {
            MANAGED_POLICY_WRITES.contains(&action).then(|| {
                format!(
                    "{} is an AWS managed policy, which no account principal can change: AWS refuses {} whatever the policies allow",
                    request.resource, request.action
                )
            })
        }
        "iam" if resource.starts_with("role/aws-reserved/sso.amazonaws.com/") && !by_aws_itself => {
            RESERVED_SSO_ROLE_CHANGES.contains(&action).then(|| {
                format!(
                    "{} is a role that IAM Identity Center manages (path /aws-reserved/sso.amazonaws.com/): only IAM Identity Center changes it, so AWS refuses {} whatever the policies allow",
                    request.resource, request.action
                )
            })
        }
        "iam" if resource.starts_with("role/aws-service-role/") && !by_aws_itself => {
            SERVICE_LINKED_ROLE_CHANGES.contains(&action).then(|| {
                format!(
                    "{} is a service-linked role: only its service changes it (iam:DeleteServiceLinkedRole deletes it), so AWS refuses {} whatever the policies allow",
                    request.resource, request.action
                )
            })
        }
        "kms" if resource.starts_with("alias/aws/") => RESERVED_ALIAS_CHANGES.contains(&action).then(|| {
            format!(
                "aliases beginning with alias/aws/ are reserved for AWS managed keys: AWS refuses {} on {} whatever the policies allow",
                request.action, request.resource
            )
        }),
        _ => None,
    }
}

/// Whether the resource is a KMS alias (`arn:aws:kms:REGION:ACCOUNT:alias/NAME`).
pub fn is_kms_alias(resource: &str) -> bool {
    arn_service_and_resource(resource).is_some_and(|(service, rest)| service == "kms" && rest.starts_with("alias/"))
}

fn arn_service_and_resource(arn: &str) -> Option<(&str, &str)> {
    let mut parts = arn.splitn(6, ':');
    (parts.next()? == "arn").then_some(())?;
    let service = parts.nth(1)?;
    let resource = parts.nth(2)?;
    Some((service, resource))
}

fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':').nth(4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_lowercase_and_name_real_actions() {
        let catalog = crate::catalog::catalog();
        for action in MANAGED_POLICY_WRITES
            .iter()
            .chain(RESERVED_SSO_ROLE_CHANGES)
            .chain(SERVICE_LINKED_ROLE_CHANGES)
            .chain(RESERVED_ALIAS_CHANGES)
        {
            assert_eq!(*action, action.to_ascii_lowercase());
            assert!(catalog.action(action).is_some(), "{action} is not in the catalog");
        }
    }

    #[test]
    fn every_write_on_the_policy_resource_type_is_covered() {
        // Actions on an IAM `policy` resource that change it; CreatePolicy makes a policy in the
        // caller's account, never under the `aws` account.
        let catalog = crate::catalog::catalog();
        let writes: Vec<String> = catalog
            .actions_matching("iam:*")
            .filter(|a| {
                a.resource_types().any(|rt| rt.resource_type().name() == "policy")
                    && !matches!(
                        a.access_level(),
                        Some(crate::catalog::AccessLevel::Read | crate::catalog::AccessLevel::List)
                    )
            })
            .map(|a| a.full_name().to_ascii_lowercase())
            .filter(|a| a != "iam:createpolicy")
            .collect();
        assert!(!writes.is_empty());
        for action in &writes {
            assert!(
                MANAGED_POLICY_WRITES.contains(&action.as_str()),
                "{action} is not refused"
            );
        }
    }
}
