//! Services × access levels: what `summary` prints and the code lens counts.

use super::{Access, actions, constrained_by_resource};
use crate::catalog::{AccessLevel, Service};

/// The actions a policy grants, by service and access level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Services with at least one granted action, by prefix.
    pub services: Vec<ServiceSummary>,
    /// Granted actions in total.
    pub actions: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceSummary {
    pub prefix: &'static str,
    /// Levels with at least one granted action, in [`AccessLevel::ALL`] order; actions the
    /// reference does not document come last, with `level: None`.
    pub levels: Vec<LevelSummary>,
}

/// Counts for one service and access level. An action counts in `by_resource` when every
/// `Allow` naming it limits resources, in `by_condition` when every one has a condition (it
/// may count in both), and in `unconstrained` when one `Allow` does neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LevelSummary {
    pub level: Option<AccessLevel>,
    pub actions: usize,
    pub by_resource: usize,
    pub by_condition: usize,
    pub unconstrained: usize,
    /// Actions some `Deny` of the policy narrows (conditional, or for part of the resources
    /// or callers).
    pub narrowed_by_deny: usize,
}

impl ServiceSummary {
    pub fn service(&self) -> Option<Service> {
        crate::catalog::catalog().service(self.prefix)
    }

    pub fn actions(&self) -> usize {
        self.levels.iter().map(|l| l.actions).sum()
    }
}

/// Slot of a level in a per-service row: the five levels, then "undocumented".
fn slot(level: Option<AccessLevel>) -> usize {
    level
        .and_then(|l| AccessLevel::ALL.iter().position(|x| *x == l))
        .unwrap_or(5)
}

pub(super) fn summarize(access: &Access) -> Summary {
    let empty = |slot: usize| LevelSummary {
        level: AccessLevel::ALL.get(slot).copied(),
        actions: 0,
        by_resource: 0,
        by_condition: 0,
        unconstrained: 0,
        narrowed_by_deny: 0,
    };
    // One row per service, made when the service's first action shows up.
    let mut row_of: Vec<Option<usize>> = vec![None; actions::service_count()];
    let mut rows: Vec<(usize, [LevelSummary; 6])> = Vec::new();
    let mut total = 0;
    for group in access.groups() {
        if group.allowed_by.is_empty() {
            continue;
        }
        let by_resource = group.allowed_by.iter().all(|s| constrained_by_resource(s));
        let by_condition = group.allowed_by.iter().all(|s| s.is_conditional());
        let unconstrained = group
            .allowed_by
            .iter()
            .any(|s| !constrained_by_resource(s) && !s.is_conditional());
        let narrowed = !group.denied_by.is_empty();
        for id in group.actions.iter() {
            let (service, level) = actions::facts(id);
            let Some(slot_of_row) = row_of.get_mut(service) else {
                continue;
            };
            let row = *slot_of_row.get_or_insert_with(|| {
                rows.push((service, std::array::from_fn(empty)));
                rows.len() - 1
            });
            let Some(cell) = rows.get_mut(row).and_then(|(_, r)| r.get_mut(slot(level))) else {
                continue;
            };
            cell.actions += 1;
            cell.by_resource += usize::from(by_resource);
            cell.by_condition += usize::from(by_condition);
            cell.unconstrained += usize::from(unconstrained);
            cell.narrowed_by_deny += usize::from(narrowed);
            total += 1;
        }
    }
    // Services are numbered in prefix order.
    rows.sort_by_key(|(service, _)| *service);
    Summary {
        services: rows
            .into_iter()
            .map(|(service, row)| ServiceSummary {
                prefix: actions::service_prefix(service),
                levels: row.into_iter().filter(|l| l.actions > 0).collect(),
            })
            .collect(),
        actions: total,
    }
}
