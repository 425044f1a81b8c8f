//! Helpers shared by the catalog checks: redundant list entries and the fix that removes one.

use rustc_hash::FxHashMap as HashMap;

use crate::finding::{Edit, Fix};
use crate::json::{JsonString, Value};
use crate::model::StringList;
use crate::span::Span;

/// A fix that deletes `item` from `list`, with the comma that separates it from its neighbour,
/// so the result is still valid JSON. `None` when the item is the list's only entry (removing
/// it would leave an empty list, which is its own problem) or the list is not an array.
pub fn remove_item_fix(list: &StringList<'_>, item: &JsonString, title: impl Into<String>) -> Option<Fix> {
    let Some(Value::Array(array)) = list.member.value.as_ref().map(|v| &v.value) else {
        return None;
    };
    if array.items.len() < 2 {
        return None;
    }
    let index = array.items.iter().position(|n| n.span == item.span)?;
    let span = if index > 0 {
        let prev = array.items.get(index - 1)?;
        Span::new(prev.span.end, item.span.end)
    } else {
        let next = array.items.get(index + 1)?;
        Span::new(item.span.start, next.span.start)
    };
    Some(Fix {
        title: title.into(),
        edits: vec![Edit {
            span,
            new_text: String::new(),
        }],
    })
}

/// A fix that renames the operator of `block` to `new_name` (keeping the source's quotes).
/// `None` unless the block holds one key (renaming changes the test of every key under it) and
/// no sibling operator is already named so (that would make a duplicate key).
pub fn rename_operator_fix(
    condition: &crate::model::Condition<'_>,
    block: &crate::model::ConditionOperatorBlock<'_>,
    new_name: &str,
    title: impl Into<String>,
) -> Option<Fix> {
    if block.entries.len() != 1 || condition.operators.iter().any(|b| b.operator.value == new_name) {
        return None;
    }
    Some(Fix {
        title: title.into(),
        edits: vec![Edit {
            span: block.operator.span,
            new_text: format!("\"{new_name}\""),
        }],
    })
}

/// Does the pattern `wide` (with `*` / `?`) match every string `narrow` (maybe with wildcards)
/// matches? Exact when `narrow` has no wildcards. When it has, `wide` must match `narrow`'s
/// text with its `*` taken literally and `wide` must have no `?` (a `*` of `wide` that absorbs
/// a `*` of `narrow` absorbs whatever it stands for); this is sound, never claiming a cover that
/// does not hold, though it misses some covers.
pub fn pattern_covers(wide: &str, narrow: &str, case_insensitive: bool) -> bool {
    if crate::catalog::has_wildcard(narrow) && wide.contains('?') {
        return false;
    }
    crate::catalog::wildcard_match(wide, narrow, case_insensitive)
}

/// For each entry of `values`, the index of an earlier or wider entry that already covers it
/// (see [`pattern_covers`]). Identical entries: the later one is the redundant one. Entries
/// for which `skip` is true neither cover nor are covered.
pub fn redundant_entries(values: &[&str], case_insensitive: bool, skip: impl Fn(&str) -> bool) -> Vec<Option<usize>> {
    let fold = |v: &str| {
        if case_insensitive {
            v.to_ascii_lowercase()
        } else {
            v.to_owned()
        }
    };
    let mut out = vec![None; values.len()];
    // Wildcard entries keyed by their literal prefix (up to the first `*` or `?`): only a value
    // that starts with that prefix can be covered, so each value looks up its own prefixes
    // instead of trying every wildcard. Lists of thousands of actions stay linear.
    let mut wildcards_by_prefix: HashMap<String, Vec<usize>> = HashMap::default();
    for (i, v) in values.iter().enumerate() {
        if crate::catalog::has_wildcard(v) && !skip(v) {
            let literal = v.find(['*', '?']).and_then(|n| v.get(..n)).unwrap_or(v);
            wildcards_by_prefix.entry(fold(literal)).or_default().push(i);
        }
    }
    // Only prefixes as long as some wildcard's literal part can hit the index.
    let mut prefix_lengths: Vec<usize> = wildcards_by_prefix.keys().map(String::len).collect();
    prefix_lengths.sort_unstable();
    prefix_lengths.dedup();
    let mut first_seen: HashMap<String, usize> = HashMap::default();
    for (i, v) in values.iter().enumerate() {
        if skip(v) {
            continue;
        }
        let folded = fold(v);
        // An identical earlier entry.
        if let Some(&j) = first_seen.get(&folded) {
            if let Some(slot) = out.get_mut(i) {
                *slot = Some(j);
            }
            continue;
        }
        first_seen.insert(folded.clone(), i);
        let cover = prefix_lengths
            .iter()
            .filter_map(|&n| folded.get(..n).and_then(|p| wildcards_by_prefix.get(p)))
            .flatten()
            .copied()
            .filter(|&j| j != i)
            .filter(|&j| {
                values.get(j).is_some_and(|w| {
                    fold(w) != folded
                        && pattern_covers(w, v, case_insensitive)
                        // Two wildcard entries covering each other are equal as patterns; keep one.
                        && !(crate::catalog::has_wildcard(v) && pattern_covers(v, w, case_insensitive) && i < j)
                })
            })
            .min();
        if let Some(slot) = out.get_mut(i) {
            *slot = cover;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers() {
        assert!(pattern_covers("s3:*", "s3:GetObject", true));
        assert!(pattern_covers("s3:*", "s3:Get*", true));
        assert!(pattern_covers("s3:Get*", "s3:GetObject*", true));
        assert!(!pattern_covers("s3:Get?", "s3:Get*", true));
        assert!(!pattern_covers("s3:Get*", "s3:*", true));
        assert!(!pattern_covers("arn:aws:s3:::B/*", "arn:aws:s3:::b/x", false));
    }

    #[test]
    fn redundant() {
        let r = redundant_entries(
            &["s3:GetObject", "s3:*", "s3:Get*", "ec2:X", "s3:getobject"],
            true,
            |_| false,
        );
        assert_eq!(r, vec![Some(1), None, Some(1), None, Some(0)]);
        let r = redundant_entries(&["a*", "a*"], true, |_| false);
        assert_eq!(r, vec![None, Some(0)]);
    }
}
