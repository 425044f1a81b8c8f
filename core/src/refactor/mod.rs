//! Refactors offered at the cursor, as byte-span edits: expand a wildcard action into the
//! explicit list, sort and deduplicate an action list, turn a single string into an array and
//! back. Every edit leaves valid JSON and follows the document's own layout (one line or one
//! entry per line, its indentation).

use crate::catalog::{catalog, has_wildcard};
use crate::finding::{Edit, Fix};
use crate::json::{Array, JsonDocument, Member, Value};
use crate::model::{Policy, StringList};
use crate::span::Span;

/// Expanding a wildcard into more actions than this makes a list nobody can review.
pub const MAX_EXPANSION: usize = 400;

/// The refactors that apply at byte `offset`.
pub fn refactors(text: &str, json: &JsonDocument, offset: usize) -> Vec<Fix> {
    let policy = Policy::from_json(json);
    let Some(st) = policy.statement_at(offset) else {
        return Vec::new();
    };
    let lists = [
        (st.action.as_ref(), true),
        (st.not_action.as_ref(), true),
        (st.resource.as_ref(), false),
        (st.not_resource.as_ref(), false),
    ];
    let mut out = Vec::new();
    for (list, is_action) in lists {
        let Some(list) = list.filter(|l| l.member.span().touches(offset)) else {
            continue;
        };
        if is_action {
            out.extend(expand_wildcard(text, list, offset));
            out.extend(sort_dedup(text, list));
        }
        out.extend(toggle_array(text, list));
    }
    out
}

fn array_of(member: &Member) -> Option<(&Array, Span)> {
    let node = member.value.as_ref()?;
    match &node.value {
        Value::Array(a) => Some((a, node.span)),
        _ => None,
    }
}

/// The indentation of the line holding `offset`.
fn line_indent(text: &str, offset: usize) -> &str {
    let start = text.get(..offset).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1);
    let line = text.get(start..).unwrap_or("");
    let end = line.find(|c: char| c != ' ' && c != '\t').unwrap_or(line.len());
    line.get(..end).unwrap_or("")
}

/// One level of the document's indentation: a tab, or the smallest space indent it uses.
fn indent_unit(text: &str) -> String {
    let mut smallest: Option<usize> = None;
    for line in text.lines() {
        if line.starts_with('\t') {
            return "\t".to_owned();
        }
        let n = line.len() - line.trim_start_matches(' ').len();
        if n > 0 && line.len() > n {
            smallest = Some(smallest.map_or(n, |s| s.min(n)));
        }
    }
    " ".repeat(smallest.unwrap_or(2))
}

/// What separates entries of this array: the text between its first two entries, else a
/// newline and the first entry's indentation when it sits on its own line, else `", "`.
fn separator(text: &str, array: &Array, array_span: Span) -> String {
    if let [first, second, ..] = array.items.as_slice()
        && let Some(gap) = text.get(first.span.end..second.span.start)
    {
        return gap.to_owned();
    }
    if let Some(first) = array.items.first()
        && text
            .get(array_span.start..first.span.start)
            .is_some_and(|g| g.contains('\n'))
    {
        return format!(",\n{}", line_indent(text, first.span.start));
    }
    ", ".to_owned()
}

fn quoted(items: &[String]) -> Vec<String> {
    items.iter().map(|s| format!("\"{s}\"")).collect()
}

/// An array literal of `entries` for a value that was a single string at `value_span`: one entry
/// per line, indented one level deeper than the member, unless the document is on one line.
fn array_literal(text: &str, value_span: Span, entries: &[String]) -> String {
    if !text.contains('\n') || entries.len() < 2 {
        return format!("[{}]", entries.join(", "));
    }
    let indent = line_indent(text, value_span.start);
    let inner = format!("{indent}{}", indent_unit(text));
    format!("[\n{inner}{}\n{indent}]", entries.join(&format!(",\n{inner}")))
}

fn expand_wildcard(text: &str, list: &StringList<'_>, offset: usize) -> Option<Fix> {
    let item = list.items.iter().find(|s| s.span.touches(offset))?;
    if !has_wildcard(&item.value) {
        return None;
    }
    let mut names: Vec<String> = catalog().actions_matching(&item.value).map(|a| a.full_name()).collect();
    if names.is_empty() || names.len() > MAX_EXPANSION {
        return None;
    }
    names.sort_by_key(|n| n.to_ascii_lowercase());
    let entries = quoted(&names);
    let title = format!("Expand `{}` into its {} actions", item.value, names.len());
    let new_text = match array_of(list.member) {
        Some((array, span)) => entries.join(&separator(text, array, span)),
        None => array_literal(text, item.span, &entries),
    };
    Some(Fix::replace(title, item.span, new_text))
}

fn sort_dedup(text: &str, list: &StringList<'_>) -> Option<Fix> {
    let (array, span) = array_of(list.member)?;
    // Only plain string lists; anything between entries but commas and spaces (a comment) stays.
    if array.items.len() < 2 || array.items.len() != list.items.len() {
        return None;
    }
    let (first, last) = (array.items.first()?, array.items.last()?);
    let gaps_clean = array.items.windows(2).all(|w| match w {
        [a, b] => text.get(a.span.end..b.span.start).is_some_and(|g| g.trim() == ","),
        _ => true,
    });
    if !gaps_clean {
        return None;
    }
    // Most lists are already in order: find that out without allocating (large managed policies
    // hold thousands of actions and this runs on every code-action request).
    let ci = |a: &str, b: &str| {
        a.bytes()
            .map(|c| c.to_ascii_lowercase())
            .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
    };
    let in_order = list.items.windows(2).all(|w| match w {
        [a, b] => ci(&a.value, &b.value).is_lt(),
        _ => true,
    });
    if in_order {
        return None;
    }
    let mut entries: Vec<(String, &str)> = list
        .items
        .iter()
        .map(|s| (s.value.to_ascii_lowercase(), text.get(s.span.range()).unwrap_or("")))
        .collect();
    let original: Vec<String> = entries.iter().map(|(k, _)| k.clone()).collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries.dedup_by(|a, b| a.0 == b.0);
    if entries.iter().map(|(k, _)| k).eq(original.iter()) {
        return None;
    }
    let removed = original.len() - entries.len();
    let title = if removed > 0 {
        format!(
            "Sort the actions and remove {removed} duplicate{}",
            if removed == 1 { "" } else { "s" }
        )
    } else {
        "Sort the actions".to_owned()
    };
    let sep = separator(text, array, span);
    let joined: Vec<&str> = entries.iter().map(|(_, raw)| *raw).collect();
    Some(Fix::replace(
        title,
        Span::new(first.span.start, last.span.end),
        joined.join(&sep),
    ))
}

fn toggle_array(text: &str, list: &StringList<'_>) -> Option<Fix> {
    let node = list.member.value.as_ref()?;
    let name = &list.member.key.value;
    match &node.value {
        Value::String(s) => Some(Fix {
            title: format!("Make `{name}` an array"),
            edits: vec![
                Edit {
                    span: Span::empty(s.span.start),
                    new_text: "[".to_owned(),
                },
                Edit {
                    span: Span::empty(s.span.end),
                    new_text: "]".to_owned(),
                },
            ],
        }),
        Value::Array(a) => match a.items.as_slice() {
            [only] if only.value.as_str().is_some() => Some(Fix::replace(
                format!("Make `{name}` a single string"),
                node.span,
                text.get(only.span.range())?,
            )),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests;
