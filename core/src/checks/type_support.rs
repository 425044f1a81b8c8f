//! Helpers shared by the policy-type rules and the security checks: the condition keys of a
//! statement, principal classification, and whether a type-specific error may be raised.

use super::Context;
use crate::catalog::wildcard_match;
use crate::json::JsonString;
use crate::model::{ConditionEntry, ConditionOperatorBlock, Principal, PrincipalEntry, Statement};
use crate::operator::{ParsedOperator, parse};
use crate::policy_type::PolicyType;

/// Whether the policy is certainly of type `ty`: given by the user or a file name, or inferred
/// as a resource-based type (inference only yields those when a statement names a principal,
/// which no identity policy, boundary or SCP may do, so the mistake is real whatever the type).
pub(super) fn is_certainly(ctx: &Context<'_>, ty: PolicyType) -> bool {
    ctx.policy_type == ty && (ctx.type_is_explicit || ty.has_principal())
}

/// One `key: values` entry of a statement's condition with its operator (`None` when the
/// operator is unknown, which another check reports).
pub(super) struct KeyUse<'s, 'a> {
    pub block: &'s ConditionOperatorBlock<'a>,
    pub op: Option<ParsedOperator>,
    pub entry: &'s ConditionEntry<'a>,
}

impl KeyUse<'_, '_> {
    pub fn key(&self) -> &str {
        &self.entry.key.value
    }

    pub fn is(&self, key: &str) -> bool {
        self.entry.key.value.eq_ignore_ascii_case(key)
    }

    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.entry.values.iter().map(|v| v.text.as_ref())
    }

    /// Whether the condition is false when the key is missing from the request: a positive
    /// operator without `IfExists` and without `ForAllValues`.
    pub fn requires_key(&self) -> bool {
        self.op.is_some_and(|op| {
            !op.if_exists
                && !op.base.is_negated()
                && op.qualifier != Some(crate::operator::Qualifier::ForAllValues)
                && op.base.family != crate::operator::Family::Null
        })
    }
}

/// Every condition entry of `statement`.
pub(super) fn key_uses<'s, 'a>(statement: &'s Statement<'a>) -> Vec<KeyUse<'s, 'a>> {
    let Some(condition) = &statement.condition else {
        return Vec::new();
    };
    condition
        .operators
        .iter()
        .flat_map(|block| {
            let op = parse(&block.operator.value);
            block.entries.iter().map(move |entry| KeyUse { block, op, entry })
        })
        .collect()
}

/// Whether `statement`'s condition uses `key` (case-insensitively).
pub(super) fn uses_key(statement: &Statement<'_>, key: &str) -> bool {
    statement.condition.as_ref().is_some_and(|c| {
        c.operators
            .iter()
            .any(|b| b.entries.iter().any(|e| e.key.value.eq_ignore_ascii_case(key)))
    })
}

/// The entries of a `Principal` map (empty for a bare `"*"`).
pub(super) fn entries<'p, 'a>(principal: &'p Principal<'a>) -> &'p [PrincipalEntry<'a>] {
    match principal {
        Principal::Bare { .. } => &[],
        Principal::Map { entries, .. } => entries,
    }
}

/// The values of the principal entries of `kind` (`AWS`, `Service`, ...), exact case.
pub(super) fn principal_values<'p, 'a>(
    principal: &'p Principal<'a>,
    kind: &'p str,
) -> impl Iterator<Item = &'a JsonString> + 'p {
    entries(principal)
        .iter()
        .filter(move |e| e.kind.value == kind)
        .flat_map(|e| e.values.iter().copied())
}

/// How an action element relates to one specific action: named literally, reached through a
/// wildcard, reached through `NotAction`, or not reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reach<'a> {
    Named(&'a JsonString),
    Wildcard(&'a JsonString),
    NotAction,
    No,
}

/// Whether `statement`'s `Action` or `NotAction` covers `action` (`iam:PassRole`).
pub(super) fn reaches<'a>(statement: &Statement<'a>, action: &str) -> Reach<'a> {
    match statement.actions() {
        Some((list, false)) => {
            if let Some(named) = list.items.iter().find(|a| a.value.eq_ignore_ascii_case(action)) {
                return Reach::Named(named);
            }
            match list.items.iter().find(|a| wildcard_match(&a.value, action, true)) {
                Some(w) => Reach::Wildcard(w),
                None => Reach::No,
            }
        }
        Some((list, true)) => {
            if list.items.iter().any(|a| wildcard_match(&a.value, action, true)) {
                Reach::No
            } else {
                Reach::NotAction
            }
        }
        None => Reach::No,
    }
}

/// The OIDC provider a federated principal names (`token.actions.githubusercontent.com`,
/// `oidc.eks.us-east-1.amazonaws.com/id/ABC`, `cognito-identity.amazonaws.com`), or `None` for a
/// SAML provider or something else.
pub(super) fn oidc_provider(value: &str) -> Option<&str> {
    if let Some(rest) = value.strip_prefix("arn:") {
        let resource = rest.splitn(5, ':').nth(4)?;
        return resource.strip_prefix("oidc-provider/");
    }
    (value.contains('.') && !value.contains([':', '*', ' '])).then_some(value)
}

/// Whether a federated principal is a SAML provider ARN.
pub(super) fn is_saml_provider(value: &str) -> bool {
    value.starts_with("arn:")
        && value
            .splitn(6, ':')
            .nth(5)
            .is_some_and(|r| r.starts_with("saml-provider/"))
}

pub(super) const GITHUB_OIDC: &str = "token.actions.githubusercontent.com";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn providers() {
        assert_eq!(
            oidc_provider("arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"),
            Some(GITHUB_OIDC)
        );
        assert_eq!(
            oidc_provider("cognito-identity.amazonaws.com"),
            Some("cognito-identity.amazonaws.com")
        );
        assert_eq!(oidc_provider("arn:aws:iam::111122223333:saml-provider/Okta"), None);
        assert!(is_saml_provider("arn:aws:iam::111122223333:saml-provider/Okta"));
        assert!(!is_saml_provider("accounts.google.com"));
    }
}
