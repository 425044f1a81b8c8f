//! Policy types. The same statement means different things in an identity policy, a bucket
//! policy, a role trust policy or an SCP, so every check and the evaluator know the type.

use crate::model::Policy;
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyType {
    Identity,
    Resource,
    Trust,
    Scp,
    Rcp,
    Boundary,
    Endpoint,
}

/// Why a document got its type, for hovers and `check --format json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeSource {
    /// Given by the caller (`--policy-type`, editor setting, configuration).
    Given,
    /// Taken from the file name.
    FileName,
    /// Inferred from the content.
    Inferred,
    /// From where the policy stands in a template (`AssumeRolePolicyDocument` is a trust policy).
    Template,
}

impl PolicyType {
    pub const ALL: [PolicyType; 7] = [
        PolicyType::Identity,
        PolicyType::Resource,
        PolicyType::Trust,
        PolicyType::Scp,
        PolicyType::Rcp,
        PolicyType::Boundary,
        PolicyType::Endpoint,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PolicyType::Identity => "identity",
            PolicyType::Resource => "resource",
            PolicyType::Trust => "trust",
            PolicyType::Scp => "scp",
            PolicyType::Rcp => "rcp",
            PolicyType::Boundary => "boundary",
            PolicyType::Endpoint => "endpoint",
        }
    }

    /// Whether statements name a principal (resource-based policies of every kind).
    pub fn has_principal(self) -> bool {
        matches!(
            self,
            PolicyType::Resource | PolicyType::Trust | PolicyType::Rcp | PolicyType::Endpoint
        )
    }

    /// Infers the type from the content: a `Principal` means a resource-based policy, and a
    /// role trust policy when every action is one of the `sts:AssumeRole*` family (with the
    /// session tagging actions that accompany them), no statement names a resource (the
    /// resource of a trust policy is its role) and some statement allows (a policy of `Deny`s
    /// over `sts:AssumeRole` is a resource control policy or a resource policy guarding roles).
    pub fn infer(policy: &Policy<'_>) -> PolicyType {
        let has_principal = policy
            .statements
            .iter()
            .any(|s| s.principal.is_some() || s.not_principal.is_some());
        if !has_principal {
            return PolicyType::Identity;
        }
        let names_resource = policy
            .statements
            .iter()
            .any(|s| s.resource.is_some() || s.not_resource.is_some());
        let allows = policy
            .statements
            .iter()
            .any(|s| s.effect() == Some(crate::model::Effect::Allow));
        let mut actions = policy
            .statements
            .iter()
            .filter_map(|s| s.action.as_ref())
            .flat_map(|a| a.values())
            .peekable();
        if names_resource || !allows || actions.peek().is_none() {
            return PolicyType::Resource;
        }
        let trust_action = |a: &str| {
            let a = a.to_ascii_lowercase();
            a.starts_with("sts:assumerole")
                || a == "sts:tagsession"
                || a == "sts:setsourceidentity"
                || a == "sts:setcontext"
        };
        if actions.all(trust_action) {
            PolicyType::Trust
        } else {
            PolicyType::Resource
        }
    }
}

impl fmt::Display for PolicyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PolicyType {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.to_ascii_lowercase();
        let found = match lower.as_str() {
            "identity" => PolicyType::Identity,
            "resource" => PolicyType::Resource,
            "trust" | "role-trust" => PolicyType::Trust,
            "scp" | "service-control" => PolicyType::Scp,
            "rcp" | "resource-control" => PolicyType::Rcp,
            "boundary" | "permissions-boundary" => PolicyType::Boundary,
            "endpoint" | "vpc-endpoint" => PolicyType::Endpoint,
            _ => {
                let names: Vec<_> = PolicyType::ALL.iter().map(|t| t.as_str()).collect();
                return Err(format!(
                    "unknown policy type `{s}`; expected one of {}",
                    names.join(", ")
                ));
            }
        };
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn infer(text: &str) -> PolicyType {
        let doc = json::parse(text);
        PolicyType::infer(&Policy::from_json(&doc))
    }

    #[test]
    fn inference() {
        assert_eq!(
            infer(r#"{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}"#),
            PolicyType::Identity
        );
        assert_eq!(
            infer(
                r#"{"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}]}"#
            ),
            PolicyType::Trust
        );
        assert_eq!(
            infer(
                r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#
            ),
            PolicyType::Resource
        );
    }

    #[test]
    fn assume_role_with_a_resource_or_only_denies_is_not_a_trust_policy() {
        // A resource control policy guarding role assumption.
        assert_eq!(
            infer(
                r#"{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole", "Resource": "*",
                    "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abc"}}}]}"#
            ),
            PolicyType::Resource
        );
        assert_eq!(
            infer(r#"{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole*"}]}"#),
            PolicyType::Resource
        );
        assert_eq!(
            infer(
                r#"{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"},
                                  {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}"#
            ),
            PolicyType::Trust
        );
    }

    #[test]
    fn parses_names() {
        assert_eq!("SCP".parse::<PolicyType>(), Ok(PolicyType::Scp));
        assert!("bogus".parse::<PolicyType>().is_err());
    }
}
