//! What a change to a policy grants that it did not grant before (Access Analyzer's
//! `CheckNoNewAccess`, offline), and what it no longer grants.
//!
//! [`diff`] compares two access models ([`crate::access::Access`]) and lists:
//! - **actions** NEW grants and OLD does not (wildcards and `NotAction` expanded with the
//!   catalog), or that OLD removed with an unconditional `Deny` that is gone;
//! - for actions both grant, the NEW `Allow` statements no OLD `Allow` contains: **resources**
//!   beyond OLD's (ARN containment, with an example ARN), **principals** newly trusted,
//!   **conditions** removed or loosened (with both sides' conditions);
//! - **denies** of OLD that NEW no longer has, or has narrowed, where NEW allows the actions;
//! - **unknown actions**: entries naming no catalog action that OLD does not cover.
//!
//! Each item of [`PolicyDiff::added`] points at the NEW statements that grant the access;
//! [`PolicyDiff::removed`] is the same comparison the other way round and points at OLD's.
//! An item is [`Change::certain`] when the patterns prove that some request gets through;
//! otherwise it reads "may grant new access": the comparison could not be decided (two
//! conditions on different operators, a containment search over its budget, a statement
//! widened in several ways against several old statements). Nothing undecided is ever reported
//! as "no new access". "Certain" compares `Allow` statements: a `Deny` of NEW that refuses the
//! example is not consulted.
//!
//! # Soundness
//! A NEW `Allow` counts as contained when one OLD `Allow` of the same actions contains its
//! resources, principals and conditions, or when the OLD statements whose principals and
//! conditions contain it together contain its resources (or the same for principals). An OLD
//! `Deny` counts as kept when one NEW `Deny` of the same actions contains it. When both hold for
//! every statement, every request NEW allows, OLD allows (the property test in
//! `core/tests/diff.rs` checks this against the evaluator). The converse is not promised: a
//! containment that needs several OLD statements at once on more than one dimension is
//! reported as "may".
//!
//! ```
//! use iam_policy::access::Access;
//! use iam_policy::diff::{ChangeKind, diff};
//!
//! let old = Access::from_text(r#"{"Version": "2012-10-17", "Statement":
//!     {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::logs/*"}}"#, None);
//! let new = Access::from_text(r#"{"Version": "2012-10-17", "Statement":
//!     {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::*"}}"#, None);
//! let d = diff(&old, &new);
//! assert_eq!(d.headline(), "+1 action, 1 resource widened");
//! assert!(matches!(d.added[0].kind, ChangeKind::Actions));
//! assert!(matches!(&d.added[1].kind, ChangeKind::Resources { .. }));
//! ```

mod compare;

use crate::Span;
use crate::access::{Access, ActionSet, StatementAccess};

/// The access NEW grants beyond OLD, and the access OLD granted beyond NEW.
#[derive(Debug, Clone)]
pub struct PolicyDiff {
    /// New access; statements are NEW's.
    pub added: Vec<Change>,
    /// Access no longer granted; statements are OLD's.
    pub removed: Vec<Change>,
}

/// One way one side grants more than the other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    /// The catalog actions it concerns (empty for [`ChangeKind::UnknownAction`]).
    pub actions: ActionSet,
    /// Proven: some request gets through. Otherwise "may".
    pub certain: bool,
    /// The statements that grant the access (NEW's in `added`, OLD's in `removed`).
    pub statements: Vec<StatementRef>,
    /// The other side's statements compared with: the `Allow` that was narrower, the `Deny`
    /// that is gone or narrowed.
    pub compared: Vec<StatementRef>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    /// Actions the other side does not grant at all (`compared` holds the `Deny` that removed
    /// them there, if one did).
    Actions,
    /// Resources beyond the other side's, with an ARN only this side reaches when one is known.
    Resources { example: Option<String> },
    /// Principals the other side does not trust, with one such value when known.
    Principals { example: Option<String> },
    /// Conditions removed or loosened, or not comparable: this side's and the other's.
    Conditions { now: Vec<String>, before: Vec<String> },
    /// A `Deny` of the other side (in `compared`) that this side lacks or narrows.
    Deny,
    /// An action entry naming no catalog action, not covered by the other side.
    UnknownAction { pattern: String },
}

/// A statement, for pointing at it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatementRef {
    /// Position in the `Statement` array.
    pub index: usize,
    /// `statement "Sid"` or `statement 2`.
    pub label: String,
    pub span: Span,
}

impl StatementRef {
    pub(crate) fn of(s: &StatementAccess) -> StatementRef {
        StatementRef {
            index: s.index,
            label: s.label(),
            span: s.span,
        }
    }
}

/// Compares two versions of a policy. See the module docs.
pub fn diff(old: &Access, new: &Access) -> PolicyDiff {
    PolicyDiff {
        added: compare::widenings(old, new),
        removed: compare::widenings(new, old),
    }
}

impl PolicyDiff {
    /// Nothing new is granted, not even possibly.
    pub fn grants_nothing_new(&self) -> bool {
        self.added.is_empty()
    }

    /// Some new access is proven (not only possible).
    pub fn certainly_grants_new(&self) -> bool {
        self.added.iter().any(|c| c.certain)
    }

    /// One line for a code lens: `+3 actions, 1 resource widened`, `no new access`, with what
    /// was removed after a semicolon (`; -2 actions`).
    pub fn headline(&self) -> String {
        let added = counts(&self.added, "+");
        let removed = counts(&self.removed, "-");
        let mut line = if added.is_empty() {
            "no new access".to_string()
        } else {
            added.join(", ")
        };
        if !removed.is_empty() {
            line.push_str("; ");
            line.push_str(&removed.join(", "));
        }
        line
    }
}

fn counts(changes: &[Change], sign: &str) -> Vec<String> {
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut actions = ActionSet::empty();
    let (mut resources, mut principals, mut loosened, mut maybe, mut denies, mut unknown) = (0, 0, 0, 0, 0, 0);
    for c in changes {
        match &c.kind {
            ChangeKind::Actions => actions.union_with(&c.actions),
            ChangeKind::Resources { .. } => resources += 1,
            ChangeKind::Principals { .. } => principals += 1,
            ChangeKind::Conditions { .. } if c.certain => loosened += 1,
            ChangeKind::Conditions { .. } => maybe += 1,
            ChangeKind::Deny => denies += 1,
            ChangeKind::UnknownAction { .. } => unknown += 1,
        }
    }
    let widened = if sign == "+" { "widened" } else { "narrowed" };
    let mut out = Vec::new();
    let n = actions.len() + unknown;
    if n > 0 {
        out.push(format!("{sign}{}", plural(n, "action", "actions")));
    }
    if resources > 0 {
        out.push(format!("{} {widened}", plural(resources, "resource", "resources")));
    }
    if principals > 0 {
        out.push(format!("{} {widened}", plural(principals, "principal", "principals")));
    }
    if loosened > 0 {
        let how = if sign == "+" { "loosened" } else { "tightened" };
        out.push(format!("{} {how}", plural(loosened, "condition", "conditions")));
    }
    if maybe > 0 {
        out.push(format!("{} not comparable", plural(maybe, "condition", "conditions")));
    }
    if denies > 0 {
        let how = if sign == "+" {
            "removed or narrowed"
        } else {
            "added or widened"
        };
        out.push(format!("{} {how}", plural(denies, "deny", "denies")));
    }
    out
}

/// A condition entry as one line: `StringEquals aws:SourceVpc ["vpc-1", "vpc-2"]`.
pub fn condition_text(c: &crate::access::ConditionTest) -> String {
    let values: Vec<String> = c.values.iter().map(|v| format!("{v:?}")).collect();
    format!("{} {} [{}]", c.operator_text, c.key, values.join(", "))
}
