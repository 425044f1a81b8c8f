//! Statements that add nothing: a statement identical to an earlier one (`REDUNDANT_STATEMENT`)
//! and an `Allow` whose every action and resource one `Deny` of the same policy denies
//! unconditionally (`ALLOW_SHADOWED_BY_DENY`).
//!
//! Both are linear in the policy: statements are compared through a canonical text in a hash
//! map, and a `Deny` is looked up by the literal prefixes of its action patterns.
//!
//! Shadowing is claimed only when it is proven: the `Deny` has no condition (or the same one as
//! the `Allow`), its `Action` patterns cover every `Action` pattern of the `Allow`, its `Resource`
//! patterns cover every resource of the `Allow`, and its principal covers the `Allow`'s (`"*"` or
//! the same principal). A `Deny` with `NotAction`, `NotResource` or `NotPrincipal` is never used;
//! an `Allow` with `NotAction` / `NotResource` is shadowed only by a `Deny` of `"*"`. Coverage is
//! [`pattern_covers`]: case-insensitive for actions, exact for ARNs.

use rustc_hash::FxHashMap as HashMap;

use super::common::is_incomplete;
use super::list_util::pattern_covers;
use super::{Context, Rule, Sink, statement_canon};
use crate::finding::Tag;
use crate::model::{Effect, Principal, Statement, StringList};
use crate::span::Span;

check!(
    REDUNDANT_STATEMENT,
    Suggestion,
    "The statement repeats an earlier one",
    r#"## What it does
Reports a statement identical to an earlier statement of the policy, apart from its `Sid`.
Element order, the order of list entries, repeated entries, a string versus a one-item list, and
the case of action names, condition operators and condition keys do not matter; values and ARNs
are compared exactly.

## Why is this bad
The copy adds nothing and counts against the policy size quota; when one copy is edited later,
the other silently keeps the old permissions.

## Example
```json
{"Version": "2012-10-17", "Statement": [
  {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"},
  {"Sid": "ReadAgain", "Effect": "Allow", "Action": ["s3:ListBucket", "s3:getobject"], "Resource": ["*"]}
]}
```

## Use instead
```json
{"Version": "2012-10-17", "Statement": [
  {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"}
]}
```
"#
);

check!(
    ALLOW_SHADOWED_BY_DENY,
    Warning,
    "An Allow is entirely denied by a Deny of the same policy",
    r#"## What it does
Reports an `Allow` statement whose every action and resource a single `Deny` statement of the
same policy denies without condition (or with the same condition), and points at that `Deny`.
Only proven cases are reported: the `Deny`'s `Action` patterns cover each of the `Allow`'s, its
`Resource` patterns cover each of the `Allow`'s resources, and it applies to the same principals;
a `Deny` with `NotAction`, `NotResource` or `NotPrincipal` is not used.

## Why is this bad
An explicit deny wins over any allow, so the `Allow` never grants anything: either it is dead
text, or the `Deny` is wider than intended.

## Example
```json
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::logs/*"},
  {"Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}
]}
```

## Use instead
```json
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::logs/*"},
  {"Effect": "Deny", "Action": "s3:Delete*", "Resource": "arn:aws:s3:::audit/*"}
]}
```
"#
);

pub const RULE: Rule = Rule {
    checks: &[&REDUNDANT_STATEMENT, &ALLOW_SHADOWED_BY_DENY],
    run,
};

/// Candidate `Deny` statements tried per `Allow`: keeps the check linear when a policy has
/// hundreds of broad denies.
const CANDIDATES: usize = 64;

fn run(ctx: &Context<'_>, out: &mut Sink) {
    let complete: Vec<&Statement<'_>> = ctx
        .policy
        .statements
        .iter()
        .filter(|s| !is_incomplete(ctx.text, s.object, s.span))
        .collect();
    redundant(ctx.text, &complete, out);
    shadowed(&complete, out);
}

fn anchor(statement: &Statement<'_>) -> Span {
    statement.sid.map_or_else(|| statement.head_span(), |s| s.span)
}

fn redundant(text: &str, statements: &[&Statement<'_>], out: &mut Sink) {
    let mut seen: HashMap<std::rc::Rc<str>, &Statement<'_>> = HashMap::default();
    for statement in statements {
        let source = text.get(statement.span.range()).unwrap_or("");
        let canon = statement_canon::statement_of_source(source, statement.object);
        match seen.get(&canon) {
            Some(first) => {
                let finding = out.report(
                    &REDUNDANT_STATEMENT,
                    anchor(statement),
                    format!("this statement repeats {}", first.label()),
                );
                finding.tags.push(Tag::Unnecessary);
                finding.related.push(crate::finding::Related {
                    span: anchor(first),
                    message: "first written here".to_owned(),
                });
            }
            None => {
                seen.insert(canon, statement);
            }
        }
    }
}

fn is_star(pattern: &str) -> bool {
    !pattern.is_empty() && pattern.bytes().all(|b| b == b'*')
}

fn condition_canon(statement: &Statement<'_>) -> Option<String> {
    statement
        .condition
        .as_ref()
        .and_then(|c| c.member.value.as_ref())
        .map(|v| statement_canon::element(v, true))
}

fn principal_canon(principal: Option<&Principal<'_>>) -> Option<String> {
    principal
        .and_then(|p| p.member().value.as_ref())
        .map(|v| statement_canon::element(v, false))
}

/// Whether a `Deny`'s principal reaches every principal the `Allow`'s reaches.
fn principal_covers(deny: &Statement<'_>, allow: &Statement<'_>) -> bool {
    if deny.not_principal.is_some() {
        return false;
    }
    match &deny.principal {
        None => allow.principal.is_none() && allow.not_principal.is_none(),
        Some(Principal::Bare { value, .. }) if value.value == "*" => true,
        Some(p) => {
            if let Principal::Map { entries, .. } = p
                && entries
                    .iter()
                    .any(|e| e.kind.value == "AWS" && e.values.iter().any(|v| v.value == "*"))
            {
                return true;
            }
            allow.not_principal.is_none() && principal_canon(Some(p)) == principal_canon(allow.principal.as_ref())
        }
    }
}

/// Whether `wide` (a `Deny`'s list, never negated) covers `narrow` (the `Allow`'s, maybe negated).
fn list_covers(wide: &StringList<'_>, narrow: Option<(&StringList<'_>, bool)>, case_insensitive: bool) -> bool {
    let Some((narrow, negated)) = narrow else {
        return false;
    };
    if negated || narrow.items.is_empty() {
        return !narrow.items.is_empty() && wide.values().any(is_star);
    }
    narrow
        .values()
        .all(|n| wide.values().any(|w| pattern_covers(w, n, case_insensitive)))
}

fn literal_prefix(pattern: &str) -> String {
    let cut = pattern.find(['*', '?']).unwrap_or(pattern.len());
    pattern.get(..cut).unwrap_or("").to_ascii_lowercase()
}

fn shadowed(statements: &[&Statement<'_>], out: &mut Sink) {
    // Usable denies, indexed by the literal prefix of each action pattern.
    let mut by_prefix: HashMap<String, Vec<usize>> = HashMap::default();
    for (i, s) in statements.iter().enumerate() {
        let usable = s.effect() == Some(Effect::Deny)
            && s.not_action.is_none()
            && s.not_resource.is_none()
            && s.not_principal.is_none();
        let Some(actions) = s.action.as_ref().filter(|_| usable) else {
            continue;
        };
        for pattern in actions.values() {
            let list = by_prefix.entry(literal_prefix(pattern)).or_default();
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }
    if by_prefix.is_empty() {
        return;
    }
    let mut lengths: Vec<usize> = by_prefix.keys().map(String::len).collect();
    lengths.sort_unstable();
    lengths.dedup();
    for allow in statements.iter().filter(|s| s.effect() == Some(Effect::Allow)) {
        let Some((actions, negated)) = allow.actions() else {
            continue;
        };
        let Some(first) = actions.values().next() else {
            continue;
        };
        // A deny covering the first action has a pattern whose literal prefix starts it.
        let probe = if negated {
            String::new()
        } else {
            first.to_ascii_lowercase()
        };
        let mut candidates: Vec<usize> = lengths
            .iter()
            .filter_map(|&n| probe.get(..n).and_then(|p| by_prefix.get(p)))
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        candidates.truncate(CANDIDATES);
        let allow_condition = condition_canon(allow);
        let shadow = candidates.into_iter().filter_map(|i| statements.get(i)).find(|deny| {
            let Some(deny_actions) = &deny.action else {
                return false;
            };
            let same_condition = deny.condition.is_none() || condition_canon(deny) == allow_condition;
            let resources_ok = match (&deny.resource, allow.resources()) {
                (Some(wide), narrow) => list_covers(wide, narrow, false),
                // Trust policies: neither has a resource.
                (None, None) => true,
                (None, Some(_)) => false,
            };
            same_condition
                && list_covers(deny_actions, allow.actions(), true)
                && resources_ok
                && principal_covers(deny, allow)
        });
        let Some(deny) = shadow else { continue };
        let how = if deny.condition.is_some() {
            "with the same condition"
        } else {
            "without condition"
        };
        let finding = out.report(
            &ALLOW_SHADOWED_BY_DENY,
            anchor(allow),
            format!(
                "{} denies every action and resource of this Allow {how}: it never grants anything",
                deny.label()
            ),
        );
        finding.related.push(crate::finding::Related {
            span: anchor(deny),
            message: "the Deny that wins".to_owned(),
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::spans_of;
    use crate::policy_type::PolicyType::{Identity, Resource};

    fn policy(statements: &str) -> String {
        format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#)
    }

    #[test]
    fn redundant_statements() {
        let text = policy(
            r#"{"Sid": "A", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"},
               {"Sid": "B", "Effect": "Allow", "Action": "s3:ListObject", "Resource": "*"},
               {"Sid": "C", "Effect": "Allow", "Resource": ["*"], "Action": ["s3:listbucket", "s3:GetObject"]}"#,
        );
        assert_eq!(spans_of(&text, Identity, "REDUNDANT_STATEMENT"), ["\"C\""]);
        let ok = policy(
            r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::a/*"},
               {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::A/*"},
               {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::a/*"}"#,
        );
        assert!(spans_of(&ok, Identity, "REDUNDANT_STATEMENT").is_empty());
    }

    /// Large statements' canonical texts are remembered by source text: the answer must be the
    /// same on the first and later runs, and an edit to one of them must count.
    #[test]
    fn redundant_large_statements_across_runs() {
        let actions: Vec<String> = (0..200).map(|i| format!("\"s3:Get{i}\"")).collect();
        let statement = |sid: &str, last: &str| {
            format!(
                r#"{{"Sid": "{sid}", "Effect": "Allow", "Action": [{}, "{last}"], "Resource": "*"}}"#,
                actions.join(", ")
            )
        };
        let same = policy(&format!(
            "{}, {}",
            statement("A", "s3:PutObject"),
            statement("B", "s3:PutObject")
        ));
        let different = policy(&format!(
            "{}, {}",
            statement("A", "s3:PutObject"),
            statement("B", "s3:DeleteObject")
        ));
        assert!(same.len() > 2 * super::statement_canon::REMEMBER_FROM);
        for _ in 0..2 {
            assert_eq!(spans_of(&same, Identity, "REDUNDANT_STATEMENT"), ["\"B\""]);
            assert!(spans_of(&different, Identity, "REDUNDANT_STATEMENT").is_empty());
        }
    }

    #[test]
    fn shadowed_allow() {
        let code = "ALLOW_SHADOWED_BY_DENY";
        let text = policy(
            r#"{"Sid": "Put", "Effect": "Allow", "Action": ["s3:PutObject", "s3:DeleteObject*"], "Resource": "arn:aws:s3:::b/*"},
               {"Sid": "Guard", "Effect": "Deny", "Action": ["s3:Put*", "s3:Delete*"], "Resource": "arn:aws:s3:::b/*"}"#,
        );
        assert_eq!(spans_of(&text, Identity, code), ["\"Put\""]);
        // NotAction in the allow: only a Deny of "*" shadows it.
        let text = policy(
            r#"{"Sid": "All", "Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
               {"Effect": "Deny", "Action": "*", "Resource": "*"}"#,
        );
        assert_eq!(spans_of(&text, Identity, code), ["\"All\""]);
        for ok in [
            // The deny does not cover every action.
            r#"{"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"], "Resource": "*"},
               {"Effect": "Deny", "Action": "s3:Put*", "Resource": "*"}"#,
            // Nor every resource.
            r#"{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"},
               {"Effect": "Deny", "Action": "s3:Put*", "Resource": "arn:aws:s3:::b/*"}"#,
            // A conditional deny.
            r#"{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"},
               {"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}"#,
            // NotAction / NotResource in the deny: not used.
            r#"{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"},
               {"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"}"#,
            r#"{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/x"},
               {"Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::c/*"}"#,
        ] {
            assert!(spans_of(&policy(ok), Identity, code).is_empty(), "{ok}");
        }
        // Same condition on both: shadowed.
        let cond = r#""Condition": {"Bool": {"aws:SecureTransport": "false"}}"#;
        let text = policy(&format!(
            r#"{{"Sid": "A", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*", {cond}}},
               {{"Effect": "Deny", "Action": "s3:*", "Resource": "*", {cond}}}"#
        ));
        assert_eq!(spans_of(&text, Identity, code), ["\"A\""]);
    }

    #[test]
    fn shadowed_principals() {
        let code = "ALLOW_SHADOWED_BY_DENY";
        let text = policy(
            r#"{"Sid": "A", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
               {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}"#,
        );
        assert_eq!(spans_of(&text, Resource, code), ["\"A\""]);
        let ok = policy(
            r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
               {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}"#,
        );
        assert!(spans_of(&ok, Resource, code).is_empty());
    }
}
