//! File-name conventions for policies: the one table the server reads types from and the editor
//! integrations are generated from (VS Code's `filenamePatterns`, the Neovim plugin, the Helix
//! config and the table in `docs/configuration.md`; `core/tests/file_names.rs` keeps them current).

use crate::policy_type::PolicyType;

/// One naming convention: a lowercase file name, or `*` followed by the name's lowercase end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Convention {
    pub pattern: &'static str,
    /// The type a file so named has; `None`: a policy of no particular type.
    pub policy_type: Option<PolicyType>,
}

const fn named(pattern: &'static str, policy_type: PolicyType) -> Convention {
    Convention {
        pattern,
        policy_type: Some(policy_type),
    }
}

const fn untyped(pattern: &'static str) -> Convention {
    Convention {
        pattern,
        policy_type: None,
    }
}

use PolicyType::{Boundary, Endpoint, Identity, Rcp, Resource, Scp, Trust};

/// Every convention. A type word is the last part of the name before `.json`, after a `.`, `-`
/// or `_`, or the whole name; a few common whole names carry a type too. The first match wins.
pub const CONVENTIONS: &[Convention] = &[
    named("*.scp.json", Scp),
    named("*-scp.json", Scp),
    named("*_scp.json", Scp),
    named("scp.json", Scp),
    named("*.rcp.json", Rcp),
    named("*-rcp.json", Rcp),
    named("*_rcp.json", Rcp),
    named("rcp.json", Rcp),
    named("*.trust.json", Trust),
    named("*-trust.json", Trust),
    named("*_trust.json", Trust),
    named("trust.json", Trust),
    named("trust-policy.json", Trust),
    named("trust_policy.json", Trust),
    named("assume-role-policy.json", Trust),
    named("*.boundary.json", Boundary),
    named("*-boundary.json", Boundary),
    named("*_boundary.json", Boundary),
    named("boundary.json", Boundary),
    named("permissions-boundary.json", Boundary),
    named("*.identity.json", Identity),
    named("*-identity.json", Identity),
    named("*_identity.json", Identity),
    named("identity.json", Identity),
    named("*.resource.json", Resource),
    named("*-resource.json", Resource),
    named("*_resource.json", Resource),
    named("resource.json", Resource),
    named("bucket-policy.json", Resource),
    named("key-policy.json", Resource),
    named("queue-policy.json", Resource),
    named("topic-policy.json", Resource),
    named("resource-policy.json", Resource),
    named("*.endpoint.json", Endpoint),
    named("*-endpoint.json", Endpoint),
    named("*_endpoint.json", Endpoint),
    named("endpoint.json", Endpoint),
    untyped("*.policy.json"),
    untyped("*-policy.json"),
    untyped("*_policy.json"),
];

impl Convention {
    /// Whether a lowercase file name (no directory) follows this convention.
    pub fn matches(&self, lowercase_name: &str) -> bool {
        match self.pattern.strip_prefix('*') {
            Some(end) => lowercase_name.ends_with(end),
            None => lowercase_name == self.pattern,
        }
    }
}

fn lowercase_file_name(path: &str) -> String {
    path.rsplit(['/', '\\']).next().unwrap_or(path).to_ascii_lowercase()
}

/// The policy type a path's file name gives (case-insensitive), if any.
pub fn policy_type_from_file_name(path: &str) -> Option<PolicyType> {
    let name = lowercase_file_name(path);
    CONVENTIONS
        .iter()
        .find(|c| c.matches(&name))
        .and_then(|c| c.policy_type)
}

/// Whether a path's file name follows a convention, so it is a policy whatever its content.
pub fn is_policy_file_name(path: &str) -> bool {
    let name = lowercase_file_name(path);
    CONVENTIONS.iter().any(|c| c.matches(&name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_from_names() {
        assert_eq!(policy_type_from_file_name("org/deny-regions.scp.json"), Some(Scp));
        assert_eq!(policy_type_from_file_name("org\\Deny_Regions_SCP.JSON"), Some(Scp));
        assert_eq!(policy_type_from_file_name("roles/app/trust-policy.json"), Some(Trust));
        assert_eq!(policy_type_from_file_name("assume-role-policy.json"), Some(Trust));
        assert_eq!(policy_type_from_file_name("bucket-policy.json"), Some(Resource));
        assert_eq!(policy_type_from_file_name("permissions-boundary.json"), Some(Boundary));
        assert_eq!(policy_type_from_file_name("scp.json"), Some(Scp));
        assert_eq!(policy_type_from_file_name("read.policy.json"), None);
        assert_eq!(policy_type_from_file_name("package.json"), None);
        assert_eq!(policy_type_from_file_name("trust.json.bak"), None);
    }

    #[test]
    fn policies_by_name() {
        assert!(is_policy_file_name("a/b/read.policy.json"));
        assert!(is_policy_file_name("deploy-policy.json"));
        assert!(is_policy_file_name("queue-policy.json"));
        assert!(!is_policy_file_name("tsconfig.json"));
        assert!(!is_policy_file_name("policy.json"));
        assert!(!is_policy_file_name("x.scp.json/readme.md"));
    }

    #[test]
    fn patterns_are_lowercase_json_names() {
        for c in CONVENTIONS {
            assert_eq!(c.pattern, c.pattern.to_ascii_lowercase(), "{}", c.pattern);
            assert!(c.pattern.ends_with(".json"), "{}", c.pattern);
            let rest = c.pattern.strip_prefix('*').unwrap_or(c.pattern);
            assert!(!rest.contains(['*', '?', '[', ']', '{', '/']), "{}", c.pattern);
        }
    }
}
