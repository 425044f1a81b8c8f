//! What one policy document grants: the access model that risk findings, `summary` and `diff`
//! are built on.
//!
//! [`Access::new`] takes the policy model and its type and, with the catalog, works out:
//! - **actions**: every `Action` and `NotAction` entry expanded against the catalog,
//!   case-insensitively, into a set of [`ActionId`]s (a bitset over the catalog's ~22,000
//!   actions). Entries that name no catalog action (typos, new services) are kept as patterns
//!   ([`Actions::unknown`]); a `NotAction` statement keeps its list, since it also covers actions
//!   the catalog does not know;
//! - **resources** ([`Resources`]): the `Resource` patterns, or `NotResource` as an explicit
//!   complement ("every resource but these"), never rounded to `*`; a statement with neither
//!   (trust policies) applies to the resource the policy is attached to;
//! - **principals** ([`Principals`]): `Principal`, or `NotPrincipal` as a complement; absent in
//!   identity policies;
//! - **conditions** ([`ConditionTest`]): each `operator: {key: values}` entry, all of which
//!   must hold;
//! - the **statements** (with their spans) that grant or deny each action.
//!
//! `Deny` statements are kept, not applied blindly. A `Deny` without condition, for every
//! caller and every resource removes its actions entirely ([`Access::removed`]); any other
//! `Deny` narrows: it is listed in [`Grant::denied_by`], and [`Grant::reaches`] subtracts it
//! where it covers a whole resource type. Nothing here evaluates a request: the evaluator
//! (`crate::eval`) does that; this answers "what could be allowed, where, to whom, under which
//! conditions".
//!
//! For SCPs, RCPs and permissions boundaries an `Allow` grants nothing by itself: there the
//! model reads as "what the policy lets through".
//!
//! # For the consumers
//! - Risk (issue 18): [`Access::grant`] / [`Access::grant_named`] then [`Grant::reaches`] for
//!   "are actions A and B allowed on resources of type T, with no `Deny` of this policy removing
//!   one"; [`Access::summary`] for services × access levels; [`StatementAccess::is_public`] for
//!   public access.
//! - Diff (issue 19): [`ActionSet::difference`] of [`Access::effective`] for actions newly
//!   allowed; [`Access::groups`] to compare the statements behind each group of actions once;
//!   [`Resources::subset_of`], [`Principals::subset_of`] and [`conditions_imply`] to decide
//!   whether a grant widened, exactly where the patterns decide it and `Unknown` ("may")
//!   otherwise.
//!
//! ```
//! use iam_policy::PolicyType;
//! use iam_policy::access::Access;
//! use iam_policy::catalog::catalog;
//!
//! // Risk: can this policy pass a role to a new EC2 instance?
//! let access = Access::from_text(r#"{"Version": "2012-10-17", "Statement": [
//!     {"Effect": "Allow", "Action": ["iam:PassRole", "ec2:Run*"], "Resource": "*"},
//!     {"Effect": "Deny", "Action": "iam:PassRole", "Resource": "arn:aws:iam::*:role/admin-*"}]}"#,
//!     Some(PolicyType::Identity));
//! let role = catalog().service("iam").unwrap().resource_type("role").unwrap();
//! let instance = catalog().service("ec2").unwrap().resource_type("instance").unwrap();
//! let pass = access.grant_named("iam:PassRole").and_then(|g| g.reaches(role)).unwrap();
//! assert!(access.grant_named("ec2:RunInstances").and_then(|g| g.reaches(instance)).is_some());
//! assert_eq!(pass.narrowed_by.len(), 1); // the Deny covers some roles, not all
//!
//! // Diff: what does the new version allow that the old one did not?
//! let old = Access::from_text(r#"{"Version": "2012-10-17", "Statement":
//!     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::logs/*"}}"#, None);
//! let new = Access::from_text(r#"{"Version": "2012-10-17", "Statement":
//!     {"Effect": "Allow", "Action": ["s3:Get*", "s3:PutObject"], "Resource": "arn:aws:s3:::*"}}"#, None);
//! let added: Vec<String> = new.effective().difference(&old.effective()).iter().map(|a| a.full_name()).collect();
//! assert_eq!(added, ["s3:PutObject"]);
//! let widened = new.statements[0].resources.subset_of(&[&old.statements[0].resources]);
//! assert!(!widened.holds()); // arn:aws:s3:::* reaches beyond arn:aws:s3:::logs/*
//! ```
//!
//! # Limits
//! - Resource types come from the catalog's ARN templates; an action without resource types
//!   reaches any resource its statement names (how AWS treats ARNs on such actions is the
//!   evaluator's call).
//! - Condition keys are taken as independent of each other, and of the action (a key the
//!   action never sets is not treated as missing).
//! - Policy variables are unknown values: see `crate::glob`.

mod actions;
mod bound;
mod condition;
mod statement;
mod summary;

pub use actions::{ActionId, ActionPattern, ActionSet, expand};
pub use bound::allowed_bound;
pub use condition::{CALLER_KEYS, ConditionTest, Implication, conditions_imply};
pub use statement::{
    Actions, PrincipalKind, PrincipalValue, Principals, ResourcePattern, Resources, StatementAccess,
    resource_type_pattern,
};
pub use summary::{LevelSummary, ServiceSummary, Summary};

use crate::PolicyType;
use crate::catalog::ResourceType;
use crate::model::Policy;

/// What one policy document grants. See the module docs.
#[derive(Debug, Clone)]
pub struct Access {
    pub policy_type: PolicyType,
    /// The partition the policy's ARNs name (`aws` unless they all name another one): where a
    /// `Deny` must cover a whole resource type to remove an action from it.
    pub partition: String,
    /// The statements with a valid `Effect`, in document order.
    pub statements: Vec<StatementAccess>,
    allowed: ActionSet,
    removed: ActionSet,
}

impl Access {
    pub fn new(policy: &Policy<'_>, policy_type: PolicyType) -> Access {
        let variables = policy.supports_variables();
        let statements: Vec<StatementAccess> = policy
            .statements
            .iter()
            .filter_map(|st| StatementAccess::new(st, variables))
            .collect();
        let mut allowed = ActionSet::empty();
        let mut removed = ActionSet::empty();
        for st in &statements {
            if st.is_allow() {
                allowed.union_with(&st.actions.set);
            } else if st.denies_unconditionally() {
                removed.union_with(&st.actions.set);
            }
        }
        Access {
            policy_type,
            partition: partition(&statements),
            statements,
            allowed,
            removed,
        }
    }

    /// Parses `text` and builds its access model; the type is inferred when not given.
    pub fn from_text(text: &str, policy_type: Option<PolicyType>) -> Access {
        let doc = crate::json::parse(text);
        let policy = Policy::from_json(&doc);
        let policy_type = policy_type.unwrap_or_else(|| PolicyType::infer(&policy));
        Access::new(&policy, policy_type)
    }

    /// The `Allow` statements.
    pub fn allows(&self) -> impl Iterator<Item = &StatementAccess> {
        self.statements.iter().filter(|s| s.is_allow())
    }

    /// The `Deny` statements.
    pub fn denies(&self) -> impl Iterator<Item = &StatementAccess> {
        self.statements.iter().filter(|s| !s.is_allow())
    }

    /// Catalog actions some `Allow` statement applies to, before any `Deny`.
    pub fn allowed(&self) -> &ActionSet {
        &self.allowed
    }

    /// Catalog actions an unconditional `Deny` for every caller on every resource removes.
    pub fn removed(&self) -> &ActionSet {
        &self.removed
    }

    /// Catalog actions allowed and not removed: the policy may grant them on some resource,
    /// to some caller, under some conditions.
    pub fn effective(&self) -> ActionSet {
        self.allowed.difference(&self.removed)
    }

    /// How the policy grants `action`; `None` when it does not (not allowed, or removed).
    pub fn grant(&self, action: ActionId) -> Option<Grant<'_>> {
        if !self.allowed.contains(action) || self.removed.contains(action) {
            return None;
        }
        let covering = |allow: bool| {
            self.statements
                .iter()
                .filter(move |s| s.is_allow() == allow && s.actions.set.contains(action))
                .collect()
        };
        Some(Grant {
            action,
            partition: &self.partition,
            allowed_by: covering(true),
            denied_by: covering(false),
        })
    }

    /// [`Access::grant`] by name (`iam:PassRole`, any case); `None` also for names the
    /// catalog does not know (see [`Access::unknown_actions`] for those).
    pub fn grant_named(&self, name: &str) -> Option<Grant<'_>> {
        self.grant(ActionId::named(name)?)
    }

    /// Entries of `Allow` statements' `Action` lists that name no catalog action.
    pub fn unknown_actions(&self) -> impl Iterator<Item = (&StatementAccess, &ActionPattern)> {
        self.allows().flat_map(|s| s.actions.unknown().map(move |p| (s, p)))
    }

    /// `Allow` statements that grant public access (see [`StatementAccess::is_public`]).
    pub fn public_statements(&self) -> impl Iterator<Item = &StatementAccess> {
        self.statements.iter().filter(|s| s.is_public())
    }

    /// The actions any statement applies to, grouped by the statements that allow and deny
    /// them: actions of one group are granted the same way, so a consumer compares each group
    /// once instead of each action. Actions removed entirely are left out; groups come in the
    /// order of their first action.
    pub fn groups(&self) -> Vec<ActionGroup<'_>> {
        let mut universe = self.allowed.clone();
        for st in self.denies() {
            universe.union_with(&st.actions.set);
        }
        universe.subtract(&self.removed);
        // Partition refinement: split every group by every statement. A group is read only
        // over the words where it has actions, and copied only when a statement splits it.
        struct Part {
            set: ActionSet,
            span: Option<(usize, usize)>,
            members: Vec<usize>,
        }
        let mut groups = vec![Part {
            span: universe.word_span(),
            set: universe,
            members: Vec::new(),
        }];
        for (i, st) in self.statements.iter().enumerate() {
            let mut split = Vec::new();
            for part in &mut groups {
                let Some(span) = part.span else { continue };
                let (meets, within) = part.set.meets_and_within(&st.actions.set, span);
                if within && meets {
                    part.members.push(i);
                } else if meets {
                    let inside = {
                        let mut s = part.set.clone();
                        s.intersect_with(&st.actions.set);
                        s
                    };
                    part.set.subtract(&st.actions.set);
                    part.span = part.set.word_span();
                    let mut members = part.members.clone();
                    members.push(i);
                    split.push(Part {
                        span: inside.word_span(),
                        set: inside,
                        members,
                    });
                }
            }
            groups.extend(split);
        }
        let groups: Vec<(ActionSet, Vec<usize>)> = groups.into_iter().map(|p| (p.set, p.members)).collect();
        let mut out: Vec<ActionGroup<'_>> = groups
            .into_iter()
            .filter(|(set, _)| !set.is_empty())
            .map(|(actions, members)| {
                let pick = |allow: bool| {
                    members
                        .iter()
                        .filter_map(|&i| self.statements.get(i))
                        .filter(|s| s.is_allow() == allow)
                        .collect()
                };
                ActionGroup {
                    allowed_by: pick(true),
                    denied_by: pick(false),
                    actions,
                }
            })
            .collect();
        out.sort_by_cached_key(|g| g.actions.iter().next());
        out
    }

    /// Services × access levels: how many actions are granted and how constrained.
    pub fn summary(&self) -> Summary {
        summary::summarize(self)
    }
}

/// The one partition the statements' ARNs name literally, else `aws`.
fn partition(statements: &[StatementAccess]) -> String {
    let mut named = statements
        .iter()
        .flat_map(|s| s.resources.patterns())
        .filter_map(|r| r.text.strip_prefix("arn:")?.split(':').next())
        .filter(|p| !p.is_empty() && !crate::glob::has_wildcard(p));
    match named.next() {
        Some(first) if named.all(|p| p == first) => first.to_string(),
        _ => "aws".to_string(),
    }
}

/// Actions granted and denied by the same statements.
#[derive(Debug, Clone)]
pub struct ActionGroup<'a> {
    pub actions: ActionSet,
    /// Empty for actions only a `Deny` names.
    pub allowed_by: Vec<&'a StatementAccess>,
    pub denied_by: Vec<&'a StatementAccess>,
}

/// How a policy grants one action.
#[derive(Debug, Clone)]
pub struct Grant<'a> {
    pub action: ActionId,
    /// The policy's partition (see [`Access::partition`]).
    pub partition: &'a str,
    /// The `Allow` statements that name the action.
    pub allowed_by: Vec<&'a StatementAccess>,
    /// The `Deny` statements that name it without removing it entirely: conditional, for some
    /// callers, or on some resources.
    pub denied_by: Vec<&'a StatementAccess>,
}

/// The statements through which an action reaches a resource type.
#[derive(Debug, Clone)]
pub struct Reach<'a> {
    /// `Allow` statements whose resources can name the type.
    pub allowed_by: Vec<&'a StatementAccess>,
    /// `Deny` statements that may refuse some of those requests (conditional, for some
    /// callers, or on part of the type).
    pub narrowed_by: Vec<&'a StatementAccess>,
}

impl<'a> Grant<'a> {
    /// Is the action allowed on some resource of type `rt`, with no `Deny` of the policy
    /// removing it from the whole type? `None` when not.
    pub fn reaches(&self, rt: ResourceType) -> Option<Reach<'a>> {
        let allowed_by: Vec<&StatementAccess> = self
            .allowed_by
            .iter()
            .copied()
            .filter(|s| s.resources.may_name(rt))
            .collect();
        if allowed_by.is_empty() {
            return None;
        }
        let relevant = self.denied_by.iter().copied().filter(|d| d.resources.may_name(rt));
        let mut narrowed_by = Vec::new();
        for deny in relevant {
            if !deny.is_conditional() && deny.applies_to_everyone() && deny.resources.covers_type(rt, self.partition) {
                return None;
            }
            narrowed_by.push(deny);
        }
        Some(Reach {
            allowed_by,
            narrowed_by,
        })
    }

    /// Is the action allowed on some resource it acts on? For an action with resource types:
    /// [`Grant::reaches`] one of them (the first that does); without: any `Allow` naming it.
    pub fn applies(&self) -> Option<Reach<'a>> {
        let action = self.action.action();
        let mut types = action.resource_types().map(|ar| ar.resource_type()).peekable();
        if types.peek().is_none() || !action.is_documented() {
            return Some(Reach {
                allowed_by: self.allowed_by.clone(),
                narrowed_by: self.denied_by.clone(),
            });
        }
        types.find_map(|rt| self.reaches(rt))
    }

    /// Every `Allow` naming the action limits the resources (not `*`, not a `NotResource`).
    pub fn constrained_by_resource(&self) -> bool {
        self.allowed_by.iter().all(|s| constrained_by_resource(s))
    }

    /// Every `Allow` naming the action has a condition.
    pub fn constrained_by_condition(&self) -> bool {
        self.allowed_by.iter().all(|s| s.is_conditional())
    }
}

/// A `Resource` list without `*`, or the one resource a policy without `Resource` is attached
/// to. A `NotResource` grants everything but its list, so it does not count as a limit.
pub(crate) fn constrained_by_resource(s: &StatementAccess) -> bool {
    match &s.resources {
        Resources::Implicit => true,
        Resources::Only(_) => !s.resources.is_everything(),
        Resources::AllExcept(_) => false,
    }
}
