//! Reuse of findings across keystrokes. A rule whose findings for a piece of the document depend
//! only on that piece's text (an Action list, say) can run through [`Sink::memoized`]: the
//! first run records the findings relative to the piece, later runs on the same text replay
//! them. Typing elsewhere in a 141 KB policy then no longer re-checks its thousands of actions.

use super::Sink;
use crate::finding::Finding;
use crate::span::Span;
use rustc_hash::FxHashMap;
use std::cell::RefCell;

/// Bounds the memory of the memo; it is cleared when either is exceeded.
const MAX_ENTRIES: usize = 4096;
const MAX_BYTES: usize = 16 << 20;

/// Findings by rule, then by the piece's text (looked up by `&str`, so a replay allocates
/// nothing but the findings), for the catalog they were computed with.
#[derive(Default)]
struct Memo {
    entries: FxHashMap<&'static str, FxHashMap<String, Vec<Finding>>>,
    bytes: usize,
    /// The address of that catalog: findings depend on it, and a project may use another.
    catalog: usize,
}

impl Memo {
    /// Entries over all rules (a handful of rules use the memo).
    fn len(&self) -> usize {
        self.entries.values().map(FxHashMap::len).sum()
    }
}

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::new(Memo::default());
}

impl Sink {
    /// Runs `compute` for the piece of text at `span` (whose findings must depend only on that
    /// text), or replays the findings recorded for the same `rule` and text. Results that used
    /// a did-you-mean search are not recorded, since the per-document search budget makes them
    /// depend on the rest of the document.
    pub fn memoized(&mut self, rule: &'static str, text: &str, span: Span, compute: impl FnOnce(&mut Sink)) {
        let Some(piece) = text.get(span.range()).filter(|_| self.memo) else {
            compute(self);
            return;
        };
        let catalog = std::ptr::from_ref(crate::catalog::catalog()).addr();
        let replay = MEMO.with(|memo| {
            let mut memo = memo.borrow_mut();
            if memo.catalog != catalog {
                *memo = Memo {
                    catalog,
                    ..Memo::default()
                };
            }
            memo.entries
                .get(rule)
                .and_then(|by_text| by_text.get(piece))
                .map(|found| found.iter().map(|f| shift(f, span.start, true)).collect::<Vec<_>>())
        });
        if let Some(findings) = replay {
            self.findings.extend(findings);
            return;
        }
        let (before, budget) = (self.findings.len(), self.suggestions_left);
        compute(self);
        if self.suggestions_left != budget {
            return;
        }
        let added = self.findings.get(before..).unwrap_or_default();
        if !added.iter().all(|f| within(f, span)) {
            return;
        }
        let relative: Vec<Finding> = added.iter().map(|f| shift(f, span.start, false)).collect();
        MEMO.with(|memo| {
            let mut memo = memo.borrow_mut();
            if memo.len() >= MAX_ENTRIES || memo.bytes + piece.len() > MAX_BYTES {
                *memo = Memo {
                    catalog,
                    ..Memo::default()
                };
            }
            memo.bytes += piece.len();
            memo.entries.entry(rule).or_default().insert(piece.to_owned(), relative);
        });
    }
}

fn spans(f: &Finding) -> impl Iterator<Item = Span> + '_ {
    std::iter::once(f.span)
        .chain(f.related.iter().map(|r| r.span))
        .chain(f.fixes.iter().flat_map(|fix| fix.edits.iter().map(|e| e.span)))
}

fn within(f: &Finding, outer: Span) -> bool {
    spans(f).all(|s| outer.contains_span(s))
}

/// Moves every span of `f` by `by` bytes: forward when replaying, back when recording.
fn shift(f: &Finding, by: usize, forward: bool) -> Finding {
    if forward {
        f.relocated(0, by)
    } else {
        f.relocated(by, 0)
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::findings_of;
    use crate::policy_type::PolicyType::Identity;

    #[test]
    fn replayed_findings_land_on_the_new_position() {
        let list = r#"["s3:*", "s3:GetObject"]"#;
        let first = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": {list}, "Resource": "*"}}]}}"#
        );
        let moved = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "Moved", "Effect": "Allow", "Action": {list}, "Resource": "*"}}]}}"#
        );
        let a = findings_of(&first, Identity, "REDUNDANT_ACTION");
        let b = findings_of(&moved, Identity, "REDUNDANT_ACTION");
        assert_eq!(a, b, "same message and same source text under the span");
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].1, "\"s3:GetObject\"");
    }

    /// The ARN findings depend on the Version (variables expanded or literal): replaying them
    /// across a Version change would be wrong, in either order.
    #[test]
    fn arn_findings_are_remembered_apart_per_version() {
        // Without a Version the account is the literal `${aws:PrincipalAccount}`, not 12
        // digits. With one, `${aws:username}/x` names objects, which s3:ListBucket does not
        // take; without, that literal (with its `:`) is no bucket or object name at all.
        let statement = r#"[{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::${aws:PrincipalAccount}:role/x"},
            {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::${aws:username}/x"}]"#;
        let with = format!(r#"{{"Version": "2012-10-17", "Statement": {statement}}}"#);
        let without = format!(r#"{{"Statement": {statement}}}"#);
        for _ in 0..2 {
            for (code, with_version, without_version) in
                [("INVALID_ARN_ACCOUNT", 0, 1), ("RESOURCE_MATCHES_NO_ACTION", 1, 0)]
            {
                assert_eq!(findings_of(&with, Identity, code).len(), with_version, "{code}");
                assert_eq!(findings_of(&without, Identity, code).len(), without_version, "{code}");
            }
        }
    }
}
