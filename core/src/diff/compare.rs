//! The comparison one way: what `after` grants that `before` does not.
//!
//! The actions `after` grants are split into groups named by the same statements of both
//! policies (partition refinement over both statement lists), so each group's statements are
//! compared once, whatever the number of actions in it.

use super::{Change, ChangeKind, StatementRef, condition_text};
use crate::access::{Access, ActionSet, Implication, Principals, Resources, StatementAccess, conditions_imply};
use crate::glob::Subset;

/// Actions granted the same way by both policies: the statements of each that name them.
struct Group<'a> {
    actions: ActionSet,
    after_allows: Vec<&'a StatementAccess>,
    after_denies: Vec<&'a StatementAccess>,
    before_allows: Vec<&'a StatementAccess>,
    /// `Deny` statements of `before` that do not remove the actions outright.
    before_denies: Vec<&'a StatementAccess>,
    /// `before` removes the actions with an unconditional `Deny` (these statements).
    before_removed_by: Vec<&'a StatementAccess>,
}

pub(super) fn widenings(before: &Access, after: &Access) -> Vec<Change> {
    let mut out = Vec::new();
    for group in groups(before, after) {
        compare_group(&group, &mut out);
    }
    unknown_actions(before, after, &mut out);
    merge(out)
}

/// Refines `after`'s granted actions by every statement of both policies.
fn groups<'a>(before: &'a Access, after: &'a Access) -> Vec<Group<'a>> {
    let universe = after.effective();
    if universe.is_empty() {
        return Vec::new();
    }
    let statements: Vec<(bool, &StatementAccess)> = after
        .statements
        .iter()
        .map(|s| (true, s))
        .chain(before.statements.iter().map(|s| (false, s)))
        .collect();
    let mut parts: Vec<(ActionSet, Vec<usize>)> = vec![(universe, Vec::new())];
    for (i, (_, st)) in statements.iter().enumerate() {
        let mut split = Vec::new();
        for (set, members) in &mut parts {
            let mut inside = set.clone();
            inside.intersect_with(&st.actions.set);
            if inside.is_empty() {
                continue;
            }
            if inside == *set {
                members.push(i);
                continue;
            }
            set.subtract(&st.actions.set);
            let mut with = members.clone();
            with.push(i);
            split.push((inside, with));
        }
        parts.extend(split);
    }
    parts
        .into_iter()
        .map(|(actions, members)| {
            let mut g = Group {
                actions,
                after_allows: Vec::new(),
                after_denies: Vec::new(),
                before_allows: Vec::new(),
                before_denies: Vec::new(),
                before_removed_by: Vec::new(),
            };
            for (is_after, st) in members.iter().filter_map(|&i| statements.get(i)) {
                let list = match (is_after, st.is_allow()) {
                    (true, true) => &mut g.after_allows,
                    (true, false) => &mut g.after_denies,
                    (false, true) => &mut g.before_allows,
                    (false, false) if st.denies_unconditionally() => &mut g.before_removed_by,
                    (false, false) => &mut g.before_denies,
                };
                list.push(st);
            }
            g
        })
        .collect()
}

fn refs(statements: &[&StatementAccess]) -> Vec<StatementRef> {
    statements.iter().map(|s| StatementRef::of(s)).collect()
}

fn compare_group(g: &Group<'_>, out: &mut Vec<Change>) {
    if g.after_allows.is_empty() {
        return;
    }
    let change =
        |kind: ChangeKind, certain: bool, statements: &[&StatementAccess], compared: &[&StatementAccess]| Change {
            kind,
            actions: g.actions.clone(),
            certain,
            statements: refs(statements),
            compared: refs(compared),
        };
    if g.before_allows.is_empty() || !g.before_removed_by.is_empty() {
        out.push(change(ChangeKind::Actions, true, &g.after_allows, &g.before_removed_by));
        return;
    }
    for s in &g.after_allows {
        for (kind, certain, compared) in widening(s, &g.before_allows).unwrap_or_default() {
            out.push(change(kind, certain, &[s], &compared));
        }
    }
    for d in &g.before_denies {
        let granting: Vec<&StatementAccess> = g
            .after_allows
            .iter()
            .copied()
            .filter(|s| resources_meet(&s.resources, &d.resources))
            .collect();
        if granting.is_empty() || g.after_denies.iter().any(|n| deny_within(d, n)) {
            continue;
        }
        // Gone entirely when no `Deny` of `after` names these actions on its resources.
        let gone = !g
            .after_denies
            .iter()
            .any(|n| resources_meet(&n.resources, &d.resources));
        out.push(change(ChangeKind::Deny, gone, &granting, &[d]));
    }
}

/// How the `Allow` `s` reaches beyond every statement of `olds` (which grant the same actions):
/// `None` when one of them, or several together on one dimension, contain it.
fn widening<'a>(
    s: &StatementAccess,
    olds: &[&'a StatementAccess],
) -> Option<Vec<(ChangeKind, bool, Vec<&'a StatementAccess>)>> {
    struct Verdict {
        resources: Subset,
        principals: Subset,
        conditions: Implication,
    }
    let verdicts: Vec<Verdict> = olds
        .iter()
        .map(|t| Verdict {
            resources: s.resources.subset_of(&[&t.resources]),
            principals: s.principals.subset_of(&[&t.principals]),
            conditions: conditions_imply(&s.conditions, &t.conditions),
        })
        .collect();
    let pairs = || olds.iter().copied().zip(&verdicts);
    if verdicts
        .iter()
        .any(|v| v.resources.holds() && v.principals.holds() && v.conditions == Implication::Yes)
    {
        return None;
    }
    // Several statements may share one dimension between them.
    let resource_peers: Vec<&StatementAccess> = pairs()
        .filter(|(_, v)| v.principals.holds() && v.conditions == Implication::Yes)
        .map(|(t, _)| t)
        .collect();
    let resources_together = (!resource_peers.is_empty()).then(|| {
        let wider: Vec<&Resources> = resource_peers.iter().map(|t| &t.resources).collect();
        s.resources.subset_of(&wider)
    });
    if resources_together == Some(Subset::Yes) {
        return None;
    }
    let principal_peers: Vec<&StatementAccess> = pairs()
        .filter(|(_, v)| v.resources.holds() && v.conditions == Implication::Yes)
        .map(|(t, _)| t)
        .collect();
    let principals_together = (!principal_peers.is_empty()).then(|| {
        let wider: Vec<&Principals> = principal_peers.iter().map(|t| &t.principals).collect();
        s.principals.subset_of(&wider)
    });
    if principals_together == Some(Subset::Yes) {
        return None;
    }
    if let Some(answer) = resources_together {
        let example = witness(&answer).map(|w| readable_arn(w, &s.resources, &resource_peers));
        return Some(vec![(
            ChangeKind::Resources { example },
            matches!(answer, Subset::No { .. }),
            resource_peers,
        )]);
    }
    if let Some(answer) = principals_together {
        return Some(vec![(
            ChangeKind::Principals {
                example: witness(&answer),
            },
            matches!(answer, Subset::No { .. }),
            principal_peers,
        )]);
    }
    // Resources and principals contained by one statement: the conditions differ.
    let condition_peers: Vec<(&StatementAccess, &Verdict)> = pairs()
        .filter(|(_, v)| v.resources.holds() && v.principals.holds())
        .collect();
    if let Some((closest, _)) = condition_peers
        .iter()
        .find(|(_, v)| v.conditions == Implication::Unknown)
        .or_else(|| condition_peers.first())
    {
        let certain = condition_peers.iter().all(|(_, v)| v.conditions == Implication::No);
        return Some(vec![(
            ChangeKind::Conditions {
                now: s.conditions.iter().map(condition_text).collect(),
                before: closest.conditions.iter().map(condition_text).collect(),
            },
            certain,
            vec![*closest],
        )]);
    }
    // Two dimensions or more: each that differs from the closest statement. Proven when that
    // statement is the only one and the dimension's answer is a definite no.
    let score = |v: &Verdict| {
        usize::from(v.resources.holds())
            + usize::from(v.principals.holds())
            + usize::from(v.conditions == Implication::Yes)
    };
    let (closest, verdict) = pairs().max_by_key(|(_, v)| score(v))?;
    let alone = olds.len() == 1;
    let mut out = Vec::new();
    if !verdict.resources.holds() {
        let example = witness(&verdict.resources).map(|w| readable_arn(w, &s.resources, &[closest]));
        let certain = alone && matches!(verdict.resources, Subset::No { .. });
        out.push((ChangeKind::Resources { example }, certain, vec![closest]));
    }
    if !verdict.principals.holds() {
        let certain = alone && matches!(verdict.principals, Subset::No { .. });
        let example = witness(&verdict.principals);
        out.push((ChangeKind::Principals { example }, certain, vec![closest]));
    }
    if verdict.conditions != Implication::Yes {
        let kind = ChangeKind::Conditions {
            now: s.conditions.iter().map(condition_text).collect(),
            before: closest.conditions.iter().map(condition_text).collect(),
        };
        out.push((kind, alone && verdict.conditions == Implication::No, vec![closest]));
    }
    Some(out)
}

/// The containment search returns the shortest ARN outside the old statements, often with
/// empty names (`arn:aws:s3:::`). An ARN written from a NEW pattern (each `*` read as
/// `example`) or the witness with a name appended reads better; either is used when it is
/// inside the new statement and outside every old one.
fn readable_arn(witness: String, new: &Resources, olds: &[&StatementAccess]) -> String {
    let outside = |arn: &str| new.may_contain(arn) && !olds.iter().any(|t| t.resources.may_contain(arn));
    let from_patterns = new
        .patterns()
        .iter()
        .filter(|p| !p.text.contains("${"))
        .map(|p| p.text.replace('*', "example").replace('?', "x"));
    let appended = (witness.ends_with(':') || witness.ends_with('/')).then(|| format!("{witness}example"));
    from_patterns
        .chain(appended)
        .find(|arn| outside(arn))
        .unwrap_or(witness)
}

fn witness(answer: &Subset) -> Option<String> {
    match answer {
        Subset::No { witness } => Some(witness.clone()),
        _ => None,
    }
}

/// Does the `Deny` `n` of `after` refuse every request the `Deny` `d` of `before` refused?
fn deny_within(d: &StatementAccess, n: &StatementAccess) -> bool {
    d.resources.subset_of(&[&n.resources]).holds()
        && d.principals.subset_of(&[&n.principals]).holds()
        && conditions_imply(&d.conditions, &n.conditions) == Implication::Yes
}

/// Can a resource be named by both? Exact for two `Resource` lists; true otherwise.
fn resources_meet(a: &Resources, b: &Resources) -> bool {
    match (a, b) {
        (Resources::Only(x), Resources::Only(y)) => x.iter().any(|p| y.iter().any(|q| p.pattern.overlaps(&q.pattern))),
        _ => true,
    }
}

/// Entries of `after`'s `Allow` lists that name no catalog action and that no `Allow` of
/// `before` covers: new services or typos the catalog cannot expand.
fn unknown_actions(before: &Access, after: &Access, out: &mut Vec<Change>) {
    for (s, pattern) in after.unknown_actions() {
        if s.actions.negated {
            continue;
        }
        let glob = pattern.glob();
        if before.allows().any(|t| t.actions.covers_pattern(&glob)) {
            continue;
        }
        out.push(Change {
            kind: ChangeKind::UnknownAction {
                pattern: pattern.text.clone(),
            },
            actions: ActionSet::empty(),
            certain: false,
            statements: vec![StatementRef::of(s)],
            compared: Vec::new(),
        });
    }
}

/// Joins changes that differ only in their actions (groups split by unrelated statements).
fn merge(changes: Vec<Change>) -> Vec<Change> {
    let mut out: Vec<Change> = Vec::with_capacity(changes.len());
    for c in changes {
        match out.iter_mut().find(|o| {
            o.kind == c.kind && o.certain == c.certain && o.statements == c.statements && o.compared == c.compared
        }) {
            Some(existing) => existing.actions.union_with(&c.actions),
            None => out.push(c),
        }
    }
    out.sort_by_cached_key(|c| {
        (
            rank(&c.kind),
            c.actions.iter().next(),
            c.statements.first().map(|s| s.index),
        )
    });
    out
}

/// The order changes are listed in: whole actions first, unknown entries last.
fn rank(kind: &ChangeKind) -> u8 {
    match kind {
        ChangeKind::Actions => 0,
        ChangeKind::Deny => 1,
        ChangeKind::Resources { .. } => 2,
        ChangeKind::Principals { .. } => 3,
        ChangeKind::Conditions { .. } => 4,
        ChangeKind::UnknownAction { .. } => 5,
    }
}
