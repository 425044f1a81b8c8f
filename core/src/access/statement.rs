//! One statement as the access model sees it: its actions expanded, its resources and
//! principals as patterns (the `Not…` forms kept as complements), its conditions.

use super::actions::{ActionPattern, ActionSet, Expander};
use super::condition::ConditionTest;
use crate::Span;
use crate::catalog::ResourceType;
use crate::glob::{ArnPattern, Subset};
use crate::model::{Effect, Principal, Statement, StringList};

/// A statement with a valid `Effect`.
#[derive(Debug, Clone)]
pub struct StatementAccess {
    /// Position in the `Statement` array (0 for a single statement object).
    pub index: usize,
    pub sid: Option<String>,
    pub span: Span,
    pub effect: Effect,
    pub actions: Actions,
    pub resources: Resources,
    pub principals: Principals,
    /// Every `operator: {key: values}` entry; all must hold for the statement to apply.
    pub conditions: Vec<ConditionTest>,
}

impl StatementAccess {
    /// `None` for a statement without a valid `Effect` (AWS rejects it; the evaluator skips it).
    pub(super) fn new(st: &Statement<'_>, variables: bool) -> Option<StatementAccess> {
        let effect = st.effect()?;
        let conditions = st
            .condition
            .iter()
            .flat_map(|c| &c.operators)
            .flat_map(|block| {
                block
                    .entries
                    .iter()
                    .map(move |entry| ConditionTest::new(block, entry, variables))
            })
            .collect();
        Some(StatementAccess {
            index: st.index,
            sid: st.sid.map(|s| s.value.clone()),
            span: st.span,
            effect,
            actions: Actions::new(st),
            resources: Resources::new(st, variables),
            principals: Principals::new(st),
            conditions,
        })
    }

    pub fn is_allow(&self) -> bool {
        self.effect == Effect::Allow
    }

    /// Has at least one condition: it applies only to some requests.
    pub fn is_conditional(&self) -> bool {
        !self.conditions.is_empty()
    }

    /// Applies to every caller the policy can name: no `Principal` element (identity policies
    /// and the like), or one that names everyone.
    pub fn applies_to_everyone(&self) -> bool {
        match &self.principals {
            Principals::Absent => true,
            Principals::Only(values) => values.iter().any(PrincipalValue::is_everyone),
            Principals::AllExcept(values) => values.is_empty(),
        }
    }

    /// A `Deny` that removes its actions from every request: no condition, every caller, every
    /// resource.
    pub fn denies_unconditionally(&self) -> bool {
        !self.is_allow() && !self.is_conditional() && self.applies_to_everyone() && self.resources.is_everything()
    }

    /// Public access in the sense of Amazon S3's "The meaning of public": an `Allow` to
    /// everyone (`Principal: "*"`, `{"AWS": "*"}`, or a `NotPrincipal`) that no condition pins
    /// to fixed callers (see [`ConditionTest::pins_caller`]).
    pub fn is_public(&self) -> bool {
        let everyone = match &self.principals {
            Principals::Only(values) => values.iter().any(PrincipalValue::is_everyone),
            Principals::AllExcept(_) => true,
            Principals::Absent => false,
        };
        self.is_allow() && everyone && !self.conditions.iter().any(ConditionTest::pins_caller)
    }

    /// A short name for messages: the Sid when there is one, else the position.
    pub fn label(&self) -> String {
        match &self.sid {
            Some(sid) if !sid.is_empty() => format!("statement \"{sid}\""),
            _ => format!("statement {}", self.index + 1),
        }
    }
}

/// `Action` or `NotAction`, expanded against the catalog.
#[derive(Debug, Clone)]
pub struct Actions {
    pub patterns: Vec<ActionPattern>,
    /// `NotAction`: the statement applies to every action *not* matched, in every service,
    /// unknown and future ones included.
    pub negated: bool,
    /// The catalog actions the statement applies to.
    pub set: ActionSet,
}

impl Actions {
    fn new(st: &Statement<'_>) -> Actions {
        let Some((list, negated)) = st.actions() else {
            // Neither element: the statement matches no action (AWS rejects it).
            return Actions {
                patterns: Vec::new(),
                negated: false,
                set: ActionSet::empty(),
            };
        };
        let mut expander = Expander::new();
        let patterns: Vec<ActionPattern> = list
            .items
            .iter()
            .map(|item| expander.add(&item.value, item.span))
            .collect();
        let set = expander.set;
        Actions {
            set: if negated { set.complement() } else { set },
            patterns,
            negated,
        }
    }

    /// Entries of an `Action` list that name no catalog action, kept as patterns (for a
    /// `NotAction` list they exclude nothing the catalog knows).
    pub fn unknown(&self) -> impl Iterator<Item = &ActionPattern> {
        self.patterns.iter().filter(|p| p.is_unknown())
    }

    /// Does the statement apply to every action `pattern` (a case-insensitive glob) names,
    /// known or not? Exact for `Action`; for `NotAction`, when no entry overlaps the pattern.
    pub fn covers_pattern(&self, pattern: &crate::glob::Glob) -> bool {
        if self.negated {
            !self.patterns.iter().any(|p| p.glob().overlaps(pattern))
        } else {
            let globs: Vec<crate::glob::Glob> = self.patterns.iter().map(ActionPattern::glob).collect();
            pattern.subset_of(&globs).holds()
        }
    }
}

/// An entry of a `Resource` or `NotResource` list.
#[derive(Debug, Clone)]
pub struct ResourcePattern {
    pub text: String,
    /// Policy variables (under `Version: 2012-10-17`) kept as variables.
    pub pattern: ArnPattern,
    pub span: Span,
    variables: bool,
}

impl ResourcePattern {
    fn new(text: &str, span: Span, variables: bool) -> ResourcePattern {
        let pattern = if variables {
            ArnPattern::with_variables(text)
        } else {
            ArnPattern::new(text)
        };
        ResourcePattern {
            text: text.to_string(),
            pattern,
            span,
            variables,
        }
    }

    /// Could it name a resource of type `rt`? The catalog's test, with each policy variable
    /// read as `*`.
    pub fn may_name(&self, rt: ResourceType) -> bool {
        let text = if self.variables {
            variables_as_stars(&self.text)
        } else {
            std::borrow::Cow::Borrowed(self.text.as_str())
        };
        rt.matches_arn(&text)
    }
}

/// `text` with each `${…}` policy variable replaced by `*`.
fn variables_as_stars(text: &str) -> std::borrow::Cow<'_, str> {
    use crate::variables::{Piece, scan};
    if !crate::variables::has_variables(text) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for piece in scan(text) {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Literal { char, .. } => out.push(char),
            Piece::Variable { .. } => out.push('*'),
            Piece::Malformed { range, .. } => out.push_str(text.get(range).unwrap_or("")),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// An ARN pattern covering every ARN of the resource type: each `${Placeholder}` of its
/// template read as `?*` (one or more characters), except `${Partition}`, which is `partition`
/// when given. It over-approximates the type (a bucket name cannot hold `/`, this pattern can),
/// which keeps "contains every ARN of the type" sound.
pub fn resource_type_pattern(rt: ResourceType, partition: Option<&str>) -> ArnPattern {
    let template = rt.arn_template();
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        out.push_str(rest.get(..start).unwrap_or(""));
        let after = rest.get(start..).unwrap_or("");
        match after.find('}') {
            Some(end) => {
                let name = after.get(2..end).unwrap_or("");
                match partition {
                    Some(p) if name == "Partition" => out.push_str(p),
                    _ => out.push_str("?*"),
                }
                rest = after.get(end + 1..).unwrap_or("");
            }
            None => {
                out.push_str(after);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    ArnPattern::new(&out)
}

/// `Resource` or `NotResource`.
#[derive(Debug, Clone)]
pub enum Resources {
    /// Neither element (role trust policies): the resource the policy is attached to.
    Implicit,
    /// `Resource`: these patterns.
    Only(Vec<ResourcePattern>),
    /// `NotResource`: every resource but these.
    AllExcept(Vec<ResourcePattern>),
}

impl Resources {
    fn new(st: &Statement<'_>, variables: bool) -> Resources {
        let patterns = |list: &StringList<'_>| {
            list.items
                .iter()
                .map(|item| ResourcePattern::new(&item.value, item.span, variables))
                .collect()
        };
        match st.resources() {
            None => Resources::Implicit,
            Some((list, false)) => Resources::Only(patterns(list)),
            Some((list, true)) => Resources::AllExcept(patterns(list)),
        }
    }

    /// The entries of `Resource` or `NotResource`.
    pub fn patterns(&self) -> &[ResourcePattern] {
        match self {
            Resources::Implicit => &[],
            Resources::Only(p) | Resources::AllExcept(p) => p,
        }
    }

    /// Every resource (`"Resource": "*"`, an empty `NotResource`, or the implicit resource).
    pub fn is_everything(&self) -> bool {
        match self {
            Resources::Implicit => true,
            Resources::Only(p) => p.iter().any(|r| r.pattern.is_any()),
            Resources::AllExcept(p) => p.is_empty(),
        }
    }

    /// Could the statement apply to the resource `arn` (a concrete ARN)? A policy variable may
    /// take any value, so a pattern with one may name it.
    pub fn may_contain(&self, arn: &str) -> bool {
        let exact = ArnPattern::new(arn);
        match self {
            Resources::Implicit => true,
            Resources::Only(p) => p.iter().any(|r| r.pattern.overlaps(&exact)),
            Resources::AllExcept(p) => !p.iter().any(|r| exact.is_subset_of(&r.pattern)),
        }
    }

    /// Could the statement apply to some resource of type `rt`?
    pub fn may_name(&self, rt: ResourceType) -> bool {
        match self {
            Resources::Implicit => true,
            Resources::Only(p) => p.iter().any(|r| r.may_name(rt)),
            Resources::AllExcept(p) => {
                let all_of_type = resource_type_pattern(rt, None);
                !all_of_type.subset_of(p.iter().map(|r| &r.pattern)).holds()
            }
        }
    }

    /// Does the statement apply to every resource of type `rt` in `partition` (`aws`,
    /// `aws-cn`, ...)? Sound: true only when it does (a `Deny` that covers the whole type
    /// removes the action from it).
    pub fn covers_type(&self, rt: ResourceType, partition: &str) -> bool {
        let all_of_type = resource_type_pattern(rt, Some(partition));
        match self {
            Resources::Implicit => true,
            Resources::Only(p) => all_of_type.subset_of(p.iter().map(|r| &r.pattern)).holds(),
            Resources::AllExcept(p) => !p.iter().any(|r| r.pattern.overlaps(&all_of_type)),
        }
    }

    /// Is every resource `self` names also named by one of `wider`? `Resource`,
    /// `NotResource` and their mixtures: exact with a witness ARN where the patterns decide it,
    /// [`Subset::Unknown`] where a mixture is beyond them.
    pub fn subset_of(&self, wider: &[&Resources]) -> Subset {
        if wider.iter().any(|w| w.is_everything()) {
            return Subset::Yes;
        }
        let only: Vec<&ArnPattern> = wider
            .iter()
            .filter_map(|w| match w {
                Resources::Only(p) => Some(p.iter().map(|r| &r.pattern)),
                _ => None,
            })
            .flatten()
            .collect();
        let excepts: Vec<&Vec<ResourcePattern>> = wider
            .iter()
            .filter_map(|w| match w {
                Resources::AllExcept(p) => Some(p),
                _ => None,
            })
            .collect();
        // A witness is real when no `NotResource` of the wider side lets it through.
        let confirm = |answer: Subset| match answer {
            Subset::No { witness } if excepts.iter().all(|ex| ex.iter().any(|r| r.pattern.matches(&witness))) => {
                Subset::No { witness }
            }
            Subset::No { .. } | Subset::Unknown => Subset::Unknown,
            Subset::Yes => Subset::Yes,
        };
        match self {
            Resources::Implicit => Subset::Unknown,
            Resources::Only(patterns) => {
                for p in patterns {
                    // Outside every excluded pattern of one `NotResource`: contained.
                    let escapes = excepts
                        .iter()
                        .any(|ex| !ex.iter().any(|r| r.pattern.overlaps(&p.pattern)));
                    if escapes {
                        continue;
                    }
                    match confirm(p.pattern.subset_of(only.iter().copied())) {
                        Subset::Yes => {}
                        other => return other,
                    }
                }
                Subset::Yes
            }
            Resources::AllExcept(excluded) => {
                // comp(P) ⊆ comp(R) when R ⊆ P.
                let within_except = excepts.iter().any(|ex| {
                    ex.iter()
                        .all(|r| r.pattern.subset_of(excluded.iter().map(|e| &e.pattern)).holds())
                });
                if within_except {
                    return Subset::Yes;
                }
                // comp(P) ⊆ Q when every ARN is in P or Q.
                let any = ArnPattern::new("*");
                confirm(any.subset_of(excluded.iter().map(|e| &e.pattern).chain(only.iter().copied())))
            }
        }
    }
}

/// `Principal` or `NotPrincipal`.
#[derive(Debug, Clone)]
pub enum Principals {
    /// Neither element: identity policies, SCPs, boundaries (the caller is whoever holds it).
    Absent,
    Only(Vec<PrincipalValue>),
    /// `NotPrincipal`: everyone but these.
    AllExcept(Vec<PrincipalValue>),
}

/// Which key of a `Principal` map a value is under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    /// `"Principal": "*"`.
    Everyone,
    Aws,
    Service,
    Federated,
    CanonicalUser,
    /// A key IAM does not know, or a bare string other than `*` (the checks report both).
    Other,
}

#[derive(Debug, Clone)]
pub struct PrincipalValue {
    pub kind: PrincipalKind,
    pub value: String,
    pub span: Span,
}

impl PrincipalValue {
    /// `"*"` or `{"AWS": "*"}`: every caller, anonymous ones included.
    pub fn is_everyone(&self) -> bool {
        self.kind == PrincipalKind::Everyone || (self.kind == PrincipalKind::Aws && self.value == "*")
    }

    /// The account a value names: `111122223333` or `arn:aws:iam::111122223333:root`.
    pub fn account(&self) -> Option<&str> {
        if self.kind != PrincipalKind::Aws {
            return None;
        }
        if self.value.len() == 12 && self.value.bytes().all(|b| b.is_ascii_digit()) {
            return Some(&self.value);
        }
        let fields: Vec<&str> = self.value.splitn(6, ':').collect();
        match fields.as_slice() {
            ["arn", _, "iam", "", account, "root"] => Some(account),
            _ => None,
        }
    }

    /// Does trusting `self` trust every caller `other` names? Everyone covers all; an account
    /// covers its own principals (a delegation to that account); otherwise equal values
    /// (service and federated names ignoring case).
    pub fn covers(&self, other: &PrincipalValue) -> bool {
        if self.is_everyone() {
            return true;
        }
        if other.is_everyone() || self.kind != other.kind {
            return false;
        }
        if let Some(account) = self.account() {
            if other.account() == Some(account) {
                return true;
            }
            let fields: Vec<&str> = other.value.splitn(6, ':').collect();
            return matches!(fields.as_slice(), ["arn", _, _, _, a, _] if *a == account);
        }
        match self.kind {
            PrincipalKind::Service | PrincipalKind::Federated => self.value.eq_ignore_ascii_case(&other.value),
            _ => self.value == other.value,
        }
    }

    /// Can some caller be named by both?
    fn meets(&self, other: &PrincipalValue) -> bool {
        self.covers(other) || other.covers(self)
    }
}

impl Principals {
    fn new(st: &Statement<'_>) -> Principals {
        match (&st.principal, &st.not_principal) {
            (Some(p), _) => Principals::Only(values(p)),
            (None, Some(p)) => Principals::AllExcept(values(p)),
            _ => Principals::Absent,
        }
    }

    pub fn values(&self) -> &[PrincipalValue] {
        match self {
            Principals::Absent => &[],
            Principals::Only(v) | Principals::AllExcept(v) => v,
        }
    }

    /// Is every caller `self` trusts also trusted by one of `wider`? A witness names a
    /// principal value of `self` no wider element trusts.
    pub fn subset_of(&self, wider: &[&Principals]) -> Subset {
        if wider.iter().any(|w| matches!(w, Principals::Absent)) {
            return Subset::Yes;
        }
        let covered = |p: &PrincipalValue| {
            wider.iter().any(|w| match w {
                Principals::Absent => true,
                Principals::Only(values) => values.iter().any(|v| v.covers(p)),
                // `p` stays clear of every excluded principal.
                Principals::AllExcept(excluded) => !p.is_everyone() && !excluded.iter().any(|e| e.meets(p)),
            })
        };
        match self {
            Principals::Absent => Subset::Unknown,
            Principals::Only(values) => match values.iter().find(|p| !covered(p)) {
                Some(p) => Subset::No {
                    witness: p.value.clone(),
                },
                None => Subset::Yes,
            },
            Principals::AllExcept(excluded) => {
                let everyone_trusted = wider.iter().any(|w| match w {
                    Principals::Only(values) => values.iter().any(PrincipalValue::is_everyone),
                    // comp(P) ⊆ comp(R) when every r is covered by some p.
                    Principals::AllExcept(r) => r.iter().all(|r| excluded.iter().any(|p| p.covers(r))),
                    Principals::Absent => true,
                });
                if everyone_trusted { Subset::Yes } else { Subset::Unknown }
            }
        }
    }
}

fn values(p: &Principal<'_>) -> Vec<PrincipalValue> {
    match p {
        Principal::Bare { value, .. } => vec![PrincipalValue {
            kind: if value.value == "*" {
                PrincipalKind::Everyone
            } else {
                PrincipalKind::Other
            },
            value: value.value.clone(),
            span: value.span,
        }],
        Principal::Map { entries, .. } => entries
            .iter()
            .flat_map(|e| {
                let kind = match e.kind.value.as_str() {
                    "AWS" => PrincipalKind::Aws,
                    "Service" => PrincipalKind::Service,
                    "Federated" => PrincipalKind::Federated,
                    "CanonicalUser" => PrincipalKind::CanonicalUser,
                    _ => PrincipalKind::Other,
                };
                e.values.iter().map(move |v| PrincipalValue {
                    kind,
                    value: v.value.clone(),
                    span: v.span,
                })
            })
            .collect(),
    }
}
