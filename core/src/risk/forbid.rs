//! Forbidden access (Access Analyzer's `CheckAccessNotGranted`, offline): actions, optionally on
//! resources, that a project says no policy may grant (`[risk] forbid` in
//! `.iam-policy-ls.toml`, `check --forbid`).

use super::{Risk, RiskKind};
use crate::access::{Access, ActionId, ActionSet, expand};

/// Actions (a wildcard pattern, matched as IAM matches actions) no policy may grant, on
/// `resources` when given (ARN patterns), else anywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forbidden {
    pub action: String,
    pub resources: Vec<String>,
}

/// A comma-separated list of action patterns, as `check --forbid` takes it. Empty entries are
/// skipped; an entry that is not `service:action` is an error that names it.
pub fn parse_forbidden(list: &str) -> Result<Vec<Forbidden>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(|a| {
            if a == "*" || a.split_once(':').is_some_and(|(s, n)| !s.is_empty() && !n.is_empty()) {
                Ok(Forbidden {
                    action: a.to_owned(),
                    resources: Vec::new(),
                })
            } else {
                Err(format!(
                    "`{a}` is not an action pattern such as `iam:*` or `s3:DeleteBucket`"
                ))
            }
        })
        .collect()
}

/// One risk per `Allow` statement that grants a forbidden action on a forbidden resource.
pub(super) fn find<'a>(access: &'a Access, forbidden: &[Forbidden]) -> Vec<Risk<'a>> {
    if forbidden.is_empty() {
        return Vec::new();
    }
    let sets: Vec<(ActionSet, &Forbidden)> = forbidden.iter().map(|f| (expand(&f.action), f)).collect();
    let mut out = Vec::new();
    for st in access.allows() {
        let mut granted = ActionSet::empty();
        for (set, rule) in &sets {
            let on_resource = rule.resources.is_empty() || rule.resources.iter().any(|r| st.resources.may_contain(r));
            if on_resource {
                let mut hit = set.clone();
                hit.intersect_with(&st.actions.set);
                granted.union_with(&hit);
            }
        }
        granted.subtract(access.removed());
        let grants: Vec<(ActionId, _)> = granted.iter().map(|id| (id, vec![st])).collect();
        if !grants.is_empty() {
            out.push(Risk::new(RiskKind::ForbiddenAccess, None, grants));
        }
    }
    out
}
