//! What a policy lets its holder do that matters for security: privilege escalation, data
//! exfiltration, credentials and resource exposure, infrastructure modification, public access,
//! and access a project forbids.
//!
//! Built on the access model ([`crate::access`]), so the answer respects `Deny` statements,
//! `NotAction`, `NotResource`, conditions and resource constraints instead of matching action
//! names. The checks in the `risk` category (`crate::checks`) report what [`assess`] finds; the
//! lists they use are data here, each with its source.

mod escalation;
mod exposure;
mod forbid;
mod overview;
mod public;
mod settings;

pub use escalation::{METHODS, Method};
pub use exposure::{CREDENTIALS_EXPOSURE_ACTIONS, DATA_EXFILTRATION_ACTIONS};
pub use forbid::{Forbidden, parse_forbidden};
pub use overview::{LEVEL_TITLES, Overview, Row, thousands};
pub use settings::{RiskSettings, Scope, scope, settings};

use crate::PolicyType;
use crate::access::{Access, ActionId, StatementAccess};

/// The kinds of risk, as `check --format json` names them in `"risk": {"kind": …}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RiskKind {
    PrivilegeEscalation,
    DataExfiltration,
    CredentialsExposure,
    ResourceExposure,
    InfrastructureModification,
    PublicAccess,
    ForbiddenAccess,
}

impl RiskKind {
    pub const ALL: [RiskKind; 7] = [
        RiskKind::PrivilegeEscalation,
        RiskKind::DataExfiltration,
        RiskKind::CredentialsExposure,
        RiskKind::ResourceExposure,
        RiskKind::InfrastructureModification,
        RiskKind::PublicAccess,
        RiskKind::ForbiddenAccess,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RiskKind::PrivilegeEscalation => "privilege-escalation",
            RiskKind::DataExfiltration => "data-exfiltration",
            RiskKind::CredentialsExposure => "credentials-exposure",
            RiskKind::ResourceExposure => "resource-exposure",
            RiskKind::InfrastructureModification => "infrastructure-modification",
            RiskKind::PublicAccess => "public-access",
            RiskKind::ForbiddenAccess => "forbidden-access",
        }
    }

    pub fn parse(s: &str) -> Option<RiskKind> {
        RiskKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
    }

    /// The check code that reports this kind.
    pub fn code(self) -> &'static str {
        match self {
            RiskKind::PrivilegeEscalation => "PRIVILEGE_ESCALATION",
            RiskKind::DataExfiltration => "DATA_EXFILTRATION",
            RiskKind::CredentialsExposure => "CREDENTIALS_EXPOSURE",
            RiskKind::ResourceExposure => "RESOURCE_EXPOSURE",
            RiskKind::InfrastructureModification => "INFRASTRUCTURE_MODIFICATION",
            RiskKind::PublicAccess => "PUBLIC_ACCESS",
            RiskKind::ForbiddenAccess => "FORBIDDEN_ACCESS",
        }
    }

    /// The kind a check code reports, if it is a risk check.
    pub fn of_code(code: &str) -> Option<RiskKind> {
        RiskKind::ALL.into_iter().find(|k| k.code().eq_ignore_ascii_case(code))
    }

    /// Reported unless the project turns it on: the exposure categories, which would flag
    /// most service roles (see docs/checks.md).
    pub fn off_by_default(self) -> bool {
        matches!(
            self,
            RiskKind::DataExfiltration
                | RiskKind::CredentialsExposure
                | RiskKind::ResourceExposure
                | RiskKind::InfrastructureModification
        )
    }

    /// Whether the kind means anything for a policy of type `t`. Escalation and exposure
    /// concern what a principal holding the policy can do (identity policies); public access
    /// concerns who a resource or trust policy lets in; an SCP, RCP, boundary or endpoint
    /// policy grants nothing by itself.
    pub fn applies_to(self, t: PolicyType) -> bool {
        match self {
            RiskKind::PublicAccess => matches!(t, PolicyType::Resource | PolicyType::Trust),
            RiskKind::ForbiddenAccess => matches!(t, PolicyType::Identity | PolicyType::Resource | PolicyType::Trust),
            _ => t == PolicyType::Identity,
        }
    }
}

/// What `check --format json` carries in a risk finding's `"risk"` object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskDetail {
    pub kind: RiskKind,
    /// The escalation method's name.
    pub method: Option<&'static str>,
    /// The actions concerned, sorted.
    pub actions: Vec<String>,
}

/// Each action concerned, with the `Allow` statements that grant it.
pub type Grants<'a> = Vec<(ActionId, Vec<&'a StatementAccess>)>;

/// One risk a policy carries, with the statements through which it does.
#[derive(Debug, Clone)]
pub struct Risk<'a> {
    pub kind: RiskKind,
    pub method: Option<&'static Method>,
    pub grants: Grants<'a>,
}

impl<'a> Risk<'a> {
    fn new(kind: RiskKind, method: Option<&'static Method>, grants: Grants<'a>) -> Self {
        Risk { kind, method, grants }
    }

    pub fn detail(&self) -> RiskDetail {
        let mut actions: Vec<String> = self.grants.iter().map(|(id, _)| id.full_name()).collect();
        actions.sort();
        actions.dedup();
        RiskDetail {
            kind: self.kind,
            method: self.method.map(|m| m.name),
            actions,
        }
    }

    /// The statements that grant the actions, in document order, each once.
    pub fn statements(&self) -> Vec<&'a StatementAccess> {
        let mut out: Vec<&StatementAccess> = self.grants.iter().flat_map(|(_, s)| s.iter().copied()).collect();
        out.sort_by_key(|s| s.index);
        out.dedup_by_key(|s| s.index);
        out
    }
}

/// Every risk `access` carries that `settings` turns on, kind by kind in [`RiskKind::ALL`]
/// order.
pub fn assess<'a>(access: &'a Access, settings: &RiskSettings) -> Vec<Risk<'a>> {
    let on = |kind: RiskKind| settings.is_on(kind) && kind.applies_to(access.policy_type);
    let mut out = Vec::new();
    if on(RiskKind::PrivilegeEscalation) {
        out.extend(escalation::find(access));
    }
    for kind in [
        RiskKind::DataExfiltration,
        RiskKind::CredentialsExposure,
        RiskKind::ResourceExposure,
        RiskKind::InfrastructureModification,
    ] {
        if on(kind) {
            out.extend(exposure::find(access, kind));
        }
    }
    if on(RiskKind::PublicAccess) {
        out.extend(public::find(access));
    }
    if on(RiskKind::ForbiddenAccess) {
        out.extend(forbid::find(access, &settings.forbid));
    }
    out
}

/// Whether `policy` may carry a risk `settings` turns on, judged from the actions its `Allow`
/// statements name and whether one names everyone as principal: the full access model is built
/// only when it may. False means [`assess`] finds nothing.
pub fn may_carry(policy: &crate::model::Policy<'_>, policy_type: PolicyType, settings: &RiskSettings) -> bool {
    let on = |kind: RiskKind| settings.is_on(kind) && kind.applies_to(policy_type);
    if !RiskKind::ALL.into_iter().any(on) {
        return false;
    }
    if on(RiskKind::PublicAccess) && policy.statements.iter().any(names_everyone) {
        return true;
    }
    let bound = crate::access::allowed_bound(policy);
    let holds = |name: &&str| ActionId::named(name).is_some_and(|id| bound.contains(id));
    let level = |wanted: &[crate::catalog::AccessLevel]| {
        bound
            .iter()
            .any(|id| id.access_level().is_some_and(|l| wanted.contains(&l)))
    };
    (on(RiskKind::PrivilegeEscalation) && METHODS.iter().any(|m| m.actions.iter().all(holds)))
        || (on(RiskKind::DataExfiltration) && DATA_EXFILTRATION_ACTIONS.iter().any(holds))
        || (on(RiskKind::CredentialsExposure) && CREDENTIALS_EXPOSURE_ACTIONS.iter().any(holds))
        || (on(RiskKind::ResourceExposure) && level(&[crate::catalog::AccessLevel::PermissionsManagement]))
        || (on(RiskKind::InfrastructureModification)
            && level(&[crate::catalog::AccessLevel::Write, crate::catalog::AccessLevel::Tagging]))
        || (on(RiskKind::ForbiddenAccess)
            && settings.forbid.iter().any(|f| {
                let mut hit = crate::access::expand(&f.action);
                hit.intersect_with(&bound);
                !hit.is_empty()
            }))
}

/// A `NotPrincipal`, or a `Principal` that names everyone (`"*"`, `{"AWS": "*"}`).
fn names_everyone(st: &crate::model::Statement<'_>) -> bool {
    use crate::model::Principal;
    st.not_principal.is_some()
        || st.principal.as_ref().is_some_and(|p| match p {
            Principal::Bare { value, .. } => value.value == "*",
            Principal::Map { entries, .. } => entries
                .iter()
                .any(|e| e.kind.value == "AWS" && e.values.iter().any(|v| v.value == "*")),
        })
}

/// The escalation methods a policy allows, for the code lens and `summary` (whatever the
/// settings say, for identity policies).
pub fn escalations(access: &Access) -> Vec<Risk<'_>> {
    if RiskKind::PrivilegeEscalation.applies_to(access.policy_type) {
        escalation::find(access)
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests;
