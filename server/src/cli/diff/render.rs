//! The diff's reports: for people (grouped by service and action), JSON, and SARIF.

use super::{Comparison, Side};
use crate::cli::report::sarif_uri;
use crate::position::{Encoding, Position, position};
use iam_policy::access::ActionId;
use iam_policy::diff::{Change, ChangeKind, PolicyDiff, StatementRef};
use ropey::Rope;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Action names listed per change and service before the rest is counted.
const LISTED: usize = 8;

/// Services listed per block before the rest is counted (a `NotAction` reaches hundreds).
const SERVICES_LISTED: usize = 20;

/// Which way a list of changes reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// NEW grants beyond OLD (statements are NEW's).
    Added,
    /// OLD granted beyond NEW (statements are OLD's).
    Removed,
}

/// A side's text with its line index, for positions.
struct Located<'s> {
    side: &'s Side,
    rope: Rope,
}

impl<'s> Located<'s> {
    fn new(side: &'s Side) -> Located<'s> {
        Located {
            side,
            rope: Rope::from_str(&side.text),
        }
    }

    fn at(&self, offset: usize, encoding: Encoding) -> Position {
        position(&self.rope, offset, encoding)
    }

    /// `path:line:column`, 1-based, columns in characters.
    fn place(&self, s: &StatementRef) -> String {
        let p = self.at(s.span.start, Encoding::Utf32);
        format!("{}:{}:{}", self.side.path, p.line + 1, p.character + 1)
    }

    fn json(&self, s: &StatementRef) -> Value {
        let (start, end) = (
            self.at(s.span.start, Encoding::Utf16),
            self.at(s.span.end, Encoding::Utf16),
        );
        json!({
            "path": self.side.path,
            "label": s.label,
            "index": s.index,
            "range": {
                "start": {"line": start.line, "character": start.character},
                "end": {"line": end.line, "character": end.character},
            },
            "byteRange": [s.span.start, s.span.end],
        })
    }
}

/// The two sides of a comparison, located; in a direction, the side whose statements a change
/// names and the other one.
struct Sides<'s> {
    old: Option<Located<'s>>,
    new: Option<Located<'s>>,
}

impl<'s> Sides<'s> {
    fn of(c: &'s Comparison) -> Sides<'s> {
        Sides {
            old: c.old.as_ref().map(Located::new),
            new: c.new.as_ref().map(Located::new),
        }
    }

    fn granting(&self, direction: Direction) -> Option<&Located<'s>> {
        match direction {
            Direction::Added => self.new.as_ref(),
            Direction::Removed => self.old.as_ref(),
        }
    }

    fn other(&self, direction: Direction) -> Option<&Located<'s>> {
        match direction {
            Direction::Added => self.old.as_ref(),
            Direction::Removed => self.new.as_ref(),
        }
    }
}

/// What a change means, in words, read in its direction.
fn describe(change: &Change, direction: Direction) -> String {
    let added = direction == Direction::Added;
    let example = |e: &Option<String>| e.as_ref().map(|e| format!(", e.g. {e}")).unwrap_or_default();
    match &change.kind {
        ChangeKind::Actions if added && !change.compared.is_empty() => {
            "newly allowed: OLD refused them with a Deny that is gone".into()
        }
        ChangeKind::Actions if added => "newly allowed".into(),
        ChangeKind::Actions if !change.compared.is_empty() => "no longer allowed: refused by a new Deny".into(),
        ChangeKind::Actions => "no longer allowed".into(),
        ChangeKind::Resources { example: e } if added => format!("on resources OLD did not grant{}", example(e)),
        ChangeKind::Resources { example: e } => format!("no longer on some resources{}", example(e)),
        ChangeKind::Principals { example: e } if added => format!("to principals OLD did not trust{}", example(e)),
        ChangeKind::Principals { example: e } => format!("no longer to some principals{}", example(e)),
        ChangeKind::Conditions { .. } if !change.certain => "under conditions that cannot be compared".into(),
        ChangeKind::Conditions { .. } if added => "under looser conditions (a condition removed or loosened)".into(),
        ChangeKind::Conditions { .. } => "only under stricter conditions now".into(),
        ChangeKind::Deny if added => "a Deny removed or narrowed".into(),
        ChangeKind::Deny => "refused by a new or wider Deny".into(),
        ChangeKind::UnknownAction { .. } if added => "not in the IAM catalog, and not allowed before".into(),
        ChangeKind::UnknownAction { .. } => "not in the IAM catalog, no longer allowed".into(),
    }
}

/// The change's actions by service prefix (an unknown entry under its own prefix).
fn by_service(change: &Change) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if let ChangeKind::UnknownAction { pattern } = &change.kind {
        let prefix = pattern.split_once(':').map_or(pattern.as_str(), |(p, _)| p);
        out.entry(prefix.to_ascii_lowercase())
            .or_default()
            .push(pattern.clone());
        return out;
    }
    for id in change.actions.iter() {
        out.entry(id.service().prefix().to_owned())
            .or_default()
            .push(ActionId::full_name(id));
    }
    out
}

fn listed(names: &[String]) -> String {
    let shown: Vec<&str> = names.iter().take(LISTED).map(String::as_str).collect();
    let mut line = shown.join(", ");
    if names.len() > LISTED {
        let _ = write!(line, " … and {} more", names.len() - LISTED);
    }
    line
}

/// One block (new or removed access) of one comparison, grouped by service.
fn human_block(out: &mut String, changes: &[Change], direction: Direction, sides: &Sides<'_>) {
    let mut services: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for change in changes {
        let mark = match (direction, change.certain) {
            (Direction::Removed, _) => "-",
            (Direction::Added, true) => "+",
            (Direction::Added, false) => "?",
        };
        let mut detail = String::new();
        if let ChangeKind::Conditions { now, before } = &change.kind {
            let (now, before) = match direction {
                Direction::Added => (now, before),
                Direction::Removed => (before, now),
            };
            let list = |c: &[String]| if c.is_empty() { "none".to_owned() } else { c.join("; ") };
            let _ = write!(
                detail,
                "\n          NEW: {}\n          OLD: {}",
                list(now),
                list(before)
            );
        }
        let verb = if direction == Direction::Added { "by" } else { "was" };
        for s in &change.statements {
            let at = sides.granting(direction).map(|l| l.place(s)).unwrap_or_default();
            let _ = write!(detail, "\n          {verb} {} at {at}", s.label);
        }
        for s in &change.compared {
            let at = sides.other(direction).map(|l| l.place(s)).unwrap_or_default();
            let side = if direction == Direction::Added { "OLD" } else { "NEW" };
            let _ = write!(detail, "\n          {side} {} at {at}", s.label);
        }
        for (service, names) in by_service(change) {
            let count = names.len();
            let line = format!(
                "      {mark} {} ({count} {}) {}{detail}",
                listed(&names),
                if count == 1 { "action" } else { "actions" },
                describe(change, direction),
            );
            services.entry(service).or_default().push(line);
        }
    }
    let more = services.len().saturating_sub(SERVICES_LISTED);
    for (service, lines) in services.into_iter().take(SERVICES_LISTED) {
        let _ = writeln!(out, "    {service}");
        for line in lines {
            let _ = writeln!(out, "{line}");
        }
    }
    if more > 0 {
        let _ = writeln!(out, "    … and {more} more services (--format json lists every action)");
    }
}

/// The report for people; `removed`: list the access NEW no longer grants (not against a
/// reference, where it is most of the reference).
pub(super) fn human(comparisons: &[Comparison], removed: bool) -> String {
    let mut out = String::new();
    let mut with_new = 0;
    for c in comparisons {
        let shows_removed = removed && !c.diff.removed.is_empty();
        if c.diff.added.is_empty() && !shows_removed && c.status() == "changed" {
            continue;
        }
        with_new += usize::from(!c.diff.grants_nothing_new());
        let sides = Sides::of(c);
        let revision = match (&c.old, &c.new) {
            (Some(old), Some(new)) if old.pointer == new.pointer => old
                .path
                .strip_suffix(new.path.as_str())
                .and_then(|r| r.strip_suffix(':'))
                .filter(|r| !r.is_empty()),
            _ => None,
        };
        let against = match (c.status(), &c.old) {
            ("added", _) => " (new policy)".to_owned(),
            ("removed", _) => " (deleted)".to_owned(),
            (_, Some(_)) if revision.is_some() => format!(" against {}", revision.unwrap_or_default()),
            (_, Some(old)) if old.pointer.is_empty() => format!(" against {}", old.path),
            (_, Some(old)) => format!(" against {}#{}", old.path, old.pointer),
            _ => String::new(),
        };
        let headline = if removed {
            c.diff.headline()
        } else {
            PolicyDiff {
                added: c.diff.added.clone(),
                removed: Vec::new(),
            }
            .headline()
        };
        let _ = writeln!(out, "{}{against}: {headline}", c.label());
        if !c.diff.added.is_empty() {
            let _ = writeln!(out, "  new access (+ certain, ? may grant new access):");
            human_block(&mut out, &c.diff.added, Direction::Added, &sides);
        }
        if shows_removed {
            let _ = writeln!(out, "  removed access:");
            human_block(&mut out, &c.diff.removed, Direction::Removed, &sides);
        }
        out.push('\n');
    }
    let n = comparisons.len();
    let _ = write!(
        out,
        "compared {n} {}: {}",
        if n == 1 { "policy" } else { "policies" },
        match with_new {
            0 => "no new access".to_owned(),
            1 => "1 grants new access".to_owned(),
            k => format!("{k} grant new access"),
        }
    );
    out
}

fn change_json(change: &Change, direction: Direction, sides: &Sides<'_>) -> Value {
    let kind = match &change.kind {
        ChangeKind::Actions => "actions",
        ChangeKind::Resources { .. } => "resources",
        ChangeKind::Principals { .. } => "principals",
        ChangeKind::Conditions { .. } => "conditions",
        ChangeKind::Deny => "deny",
        ChangeKind::UnknownAction { .. } => "unknownAction",
    };
    let locate = |list: &[StatementRef], side: Option<&Located<'_>>| -> Vec<Value> {
        side.map_or_else(Vec::new, |l| list.iter().map(|s| l.json(s)).collect())
    };
    let mut v = json!({
        "kind": kind,
        "certain": change.certain,
        "description": describe(change, direction),
        "actions": change.actions.iter().map(ActionId::full_name).collect::<Vec<_>>(),
        "statements": locate(&change.statements, sides.granting(direction)),
        "compared": locate(&change.compared, sides.other(direction)),
    });
    if let Some(obj) = v.as_object_mut() {
        match &change.kind {
            ChangeKind::Resources { example } | ChangeKind::Principals { example } => {
                obj.insert("example".into(), json!(example));
            }
            ChangeKind::Conditions { now, before } => {
                obj.insert("conditions".into(), json!({"this": now, "other": before}));
            }
            ChangeKind::UnknownAction { pattern } => {
                obj.insert("pattern".into(), json!(pattern));
            }
            ChangeKind::Actions | ChangeKind::Deny => {}
        }
    }
    v
}

pub(super) fn json(comparisons: &[Comparison]) -> Value {
    let policies: Vec<Value> = comparisons
        .iter()
        .map(|c| {
            let sides = Sides::of(c);
            let side = |s: &Option<Side>| {
                s.as_ref()
                    .map(|s| json!({"path": s.path, "policyPointer": s.pointer, "policyType": s.policy_type.as_str()}))
            };
            json!({
                "policy": c.label(),
                "status": c.status(),
                "new": side(&c.new),
                "old": side(&c.old),
                "headline": c.diff.headline(),
                "grantsNewAccess": !c.diff.grants_nothing_new(),
                "newAccess": c.diff.added.iter().map(|ch| change_json(ch, Direction::Added, &sides)).collect::<Vec<_>>(),
                "removedAccess": c.diff.removed.iter().map(|ch| change_json(ch, Direction::Removed, &sides)).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "grantsNewAccess": comparisons.iter().any(|c| !c.diff.grants_nothing_new()),
        "policies": policies,
    })
}

const NEW_ACCESS: &str = "NEW_ACCESS";
const MAY_GRANT_NEW_ACCESS: &str = "MAY_GRANT_NEW_ACCESS";

/// SARIF 2.1.0: one result per new-access item, at the first statement that grants it.
pub(super) fn sarif(comparisons: &[Comparison]) -> Value {
    let rules = json!([
        {"id": NEW_ACCESS, "name": NEW_ACCESS,
         "shortDescription": {"text": "The policy grants access its previous version did not"},
         "defaultConfiguration": {"level": "error"}},
        {"id": MAY_GRANT_NEW_ACCESS, "name": MAY_GRANT_NEW_ACCESS,
         "shortDescription": {"text": "The policy may grant access its previous version did not (not decidable offline)"},
         "defaultConfiguration": {"level": "warning"}},
    ]);
    let mut results = Vec::new();
    for c in comparisons {
        let sides = Sides::of(c);
        let Some(new) = sides.new.as_ref() else { continue };
        for change in &c.diff.added {
            let (rule, index, level) = if change.certain {
                (NEW_ACCESS, 0, "error")
            } else {
                (MAY_GRANT_NEW_ACCESS, 1, "warning")
            };
            let names: Vec<String> = by_service(change).into_values().flatten().collect();
            let message = format!("{}: {}", listed(&names), describe(change, Direction::Added));
            let mut result = json!({
                "ruleId": rule,
                "ruleIndex": index,
                "level": level,
                "message": {"text": message},
            });
            if let (Some(s), Some(obj)) = (change.statements.first(), result.as_object_mut()) {
                let (start, end) = (
                    new.at(s.span.start, Encoding::Utf16),
                    new.at(s.span.end, Encoding::Utf16),
                );
                obj.insert(
                    "locations".into(),
                    json!([{"physicalLocation": {
                        "artifactLocation": {"uri": sarif_uri(&new.side.path)},
                        "region": {
                            "startLine": start.line + 1,
                            "startColumn": start.character + 1,
                            "endLine": end.line + 1,
                            "endColumn": end.character + 1,
                            "byteOffset": s.span.start,
                            "byteLength": s.span.len(),
                        },
                    }}]),
                );
            }
            results.push(result);
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "iam-policy-ls",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/iam-policy-ls/iam-policy-ls",
                "rules": rules,
            }},
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    })
}
