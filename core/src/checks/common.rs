//! Helpers shared by several checks: recognising a half-typed object, suggesting element names,
//! and the `Version` insertion fix.

use super::Context;
use crate::finding::{Edit, Fix};
use crate::json::{Member, Object};
use crate::model::CURRENT_VERSION;
use crate::span::Span;

/// Whether the user is visibly still typing `object` (whose value spans `span`): its `}` is
/// missing, a key's closing quote is missing, a key has no value yet, or a comma after the last
/// member waits for the next one.
///
/// "Something is missing" checks wait until the object is complete, so an editor user typing a
/// new statement is not flooded with findings about elements they have not reached yet. Nothing
/// is lost on a finished file: these states are JSON syntax errors and reported as such.
pub(super) fn is_incomplete(text: &str, object: &Object, span: Span) -> bool {
    if !object.closed || object.members.iter().any(|m| !m.key.terminated || m.value.is_none()) {
        return true;
    }
    let after_last = object.members.last().map_or(span.start, |m| m.span().end);
    text.get(after_last..span.end).is_some_and(|tail| tail.contains(','))
}

/// Whether a member is complete enough to judge its key: the key is terminated and has a value.
pub(super) fn is_settled(member: &Member) -> bool {
    member.key.terminated && member.value.is_some()
}

/// The element of `allowed` that `name` most likely meant: the same name in another case, a
/// plural or singular slip (`Resources`), or a typo within two edits. `None` when nothing is
/// close or when two candidates are equally close.
pub(super) fn suggest<'a>(name: &str, allowed: &[&'a str]) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase();
    if let Some(same) = allowed.iter().find(|a| a.eq_ignore_ascii_case(name)) {
        return Some(same);
    }
    let singular = lower.strip_suffix('s').unwrap_or(&lower);
    if let Some(plural_slip) = allowed
        .iter()
        .find(|a| a.eq_ignore_ascii_case(singular) || a.to_ascii_lowercase().strip_suffix('s') == Some(&lower))
    {
        return Some(plural_slip);
    }
    let limit = if lower.chars().count() <= 4 { 1 } else { 2 };
    let mut best: Option<(&str, usize)> = None;
    let mut tie = false;
    for candidate in allowed {
        let distance = levenshtein(&lower, &candidate.to_ascii_lowercase());
        if distance > limit {
            continue;
        }
        match best {
            Some((_, d)) if distance > d => {}
            Some((_, d)) if distance == d => tie = true,
            _ => {
                best = Some((candidate, distance));
                tie = false;
            }
        }
    }
    if tie { None } else { best.map(|(c, _)| c) }
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        current.fill(0);
        if let Some(first) = current.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous.get(j).copied().unwrap_or(usize::MAX - 1) + usize::from(ca != *cb);
            let deletion = previous.get(j + 1).copied().unwrap_or(usize::MAX - 1) + 1;
            let insertion = current.get(j).copied().unwrap_or(usize::MAX - 1) + 1;
            if let Some(cell) = current.get_mut(j + 1) {
                *cell = substitution.min(deletion).min(insertion);
            }
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous.last().copied().unwrap_or(0)
}

/// The span to delete to remove `member` from its object, with the comma that separates it
/// from the next member (and the space up to that member) or, for the last member, the comma
/// before it.
pub(super) fn removal_span(text: &str, member: &Member) -> Span {
    let span = member.span();
    let after = text.get(span.end..).unwrap_or("");
    let trimmed = after.trim_start();
    if let Some(rest) = trimmed.strip_prefix(',') {
        let next = rest.len() - rest.trim_start().len();
        let end = span.end + (after.len() - trimmed.len()) + 1 + next;
        return Span::new(span.start, end);
    }
    let before = text.get(..span.start).unwrap_or("");
    let trimmed = before.trim_end();
    if trimmed.ends_with(',') {
        return Span::new(trimmed.len() - 1, span.end);
    }
    span
}

/// A fix that makes the policy's `Version` "2012-10-17": replaces the existing value, or inserts
/// `"Version": "2012-10-17",` as the first member of the top-level object in the document's own
/// layout (on its own line with the indentation of the first member when the object is spread
/// over lines, inline otherwise). `None` when the document is not an object.
pub(super) fn set_version_fix(ctx: &Context<'_>) -> Option<Fix> {
    if let Some(version) = ctx.policy.version {
        let span = version.value.as_ref().map_or(version.key.span, |v| v.span);
        let (span, text) = if version.value.is_some() {
            (span, format!("\"{CURRENT_VERSION}\""))
        } else {
            (Span::empty(span.end), format!(": \"{CURRENT_VERSION}\""))
        };
        return Some(Fix::replace(
            format!("Set \"Version\" to \"{CURRENT_VERSION}\""),
            span,
            text,
        ));
    }
    let object = ctx.policy.object?;
    let brace = ctx.policy.root_span.start;
    let member = format!("\"Version\": \"{CURRENT_VERSION}\"");
    let edit = match object.members.first() {
        None => Edit {
            span: Span::empty(brace + 1),
            new_text: member,
        },
        Some(first) => {
            let at = first.key.span.start;
            let gap = ctx.text.get(brace + 1..at).unwrap_or("");
            let separator = match gap.rfind('\n') {
                Some(newline) => format!(",\n{}", gap.get(newline + 1..).unwrap_or("")),
                None => ", ".to_owned(),
            };
            Edit {
                span: Span::empty(at),
                new_text: format!("{member}{separator}"),
            }
        }
    };
    Some(Fix {
        title: format!("Add \"Version\": \"{CURRENT_VERSION}\""),
        edits: vec![edit],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ELEMENTS: &[&str] = crate::model::STATEMENT_ELEMENTS;

    #[test]
    fn suggests_case_plural_and_typos() {
        assert_eq!(suggest("action", ELEMENTS), Some("Action"));
        assert_eq!(suggest("Resources", ELEMENTS), Some("Resource"));
        assert_eq!(suggest("Conditions", ELEMENTS), Some("Condition"));
        assert_eq!(suggest("Efect", ELEMENTS), Some("Effect"));
        assert_eq!(suggest("Principle", ELEMENTS), Some("Principal"));
        assert_eq!(suggest("Statements", crate::model::POLICY_ELEMENTS), Some("Statement"));
        assert_eq!(suggest("Banana", ELEMENTS), None);
        assert_eq!(suggest("Sd", ELEMENTS), Some("Sid"));
    }

    #[test]
    fn levenshtein_counts_edits() {
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("abc", "abc"), 0);
    }
}
