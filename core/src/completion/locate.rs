//! Where the cursor is in the JSON tree: the path of keys and indices down to it, and whether it
//! sits on a key or on a value (inside a string token or on an empty slot).
//!
//! The tolerant tree already recovers the nesting of half-typed documents; what it cannot say is
//! whether an empty spot is a key or a value slot, so that is read from the raw text before the
//! cursor (`"Effect": |` is a value slot because a `:` precedes it).

use crate::json::{JsonDocument, JsonString, Node, Object, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

#[derive(Debug)]
pub(super) enum Pos<'a> {
    /// A key of `object` (being typed in `token`, or an empty spot for a new one).
    Key {
        object: &'a Object,
        token: Option<&'a JsonString>,
    },
    /// A value: inside a string token, or an empty value slot / array element.
    Value { token: Option<&'a JsonString> },
}

#[derive(Debug)]
pub(super) struct Located<'a> {
    /// Keys and indices from the root to the cursor's slot.
    pub path: Vec<Seg<'a>>,
    /// `nodes[i]` is the value at `path[..i]` (so `nodes[0]` is the root); a value slot that has
    /// no node yet has no entry.
    pub nodes: Vec<&'a Node>,
    pub pos: Pos<'a>,
}

/// Is the cursor inside the string token (after its opening quote, before its closing one)?
/// An unquoted token of a template (a YAML plain scalar, an HCL identifier) holds the cursor
/// from its first character to just after its last.
pub(super) fn in_string(text: &str, s: &JsonString, cursor: usize) -> bool {
    if is_unquoted(text, s) {
        return s.span.start <= cursor && cursor <= s.span.end;
    }
    s.span.start < cursor && (cursor < s.span.end || (!s.terminated && cursor <= s.span.end))
}

/// A template token written without quotes.
pub(super) fn is_unquoted(text: &str, s: &JsonString) -> bool {
    s.host.is_some() && !matches!(text.as_bytes().get(s.span.start), Some(b'"' | b'\''))
}

fn inside(text: &str, node: &Node, cursor: usize) -> bool {
    let closed = match &node.value {
        Value::Object(o) => o.closed,
        Value::Array(a) => a.closed,
        Value::String(s) => return in_string(text, s, cursor),
        _ => return node.span.start < cursor && cursor <= node.span.end,
    };
    node.span.start < cursor && (cursor < node.span.end || !closed)
}

/// Is the text between `from` and the cursor a lone `:` (or HCL's `=`), with whitespace?
fn colon_between(text: &str, from: usize, cursor: usize) -> bool {
    from <= cursor && text.get(from..cursor).is_some_and(|t| matches!(t.trim(), ":" | "="))
}

pub(super) fn locate<'a>(text: &str, doc: &'a JsonDocument, cursor: usize) -> Option<Located<'a>> {
    let root = doc.root.as_ref()?;
    if !inside(text, root, cursor) {
        return None;
    }
    let mut path = Vec::new();
    let mut nodes = vec![root];
    let mut node = root;
    loop {
        match &node.value {
            Value::Object(object) => {
                let mut next = None;
                for m in &object.members {
                    if in_string(text, &m.key, cursor) {
                        let pos = Pos::Key {
                            object,
                            token: Some(&m.key),
                        };
                        return Some(Located { path, nodes, pos });
                    }
                    match &m.value {
                        Some(v) if inside(text, v, cursor) => {
                            next = Some((m.key.value.as_str(), v));
                            break;
                        }
                        // `"Effect": |` (no value yet, or the value starts after the cursor).
                        value
                            if colon_between(text, m.key.span.end, cursor)
                                && value.as_ref().is_none_or(|v| v.span.start >= cursor) =>
                        {
                            path.push(Seg::Key(m.key.value.as_str()));
                            let pos = Pos::Value { token: None };
                            return Some(Located { path, nodes, pos });
                        }
                        _ => {}
                    }
                }
                match next {
                    Some((key, v)) => {
                        path.push(Seg::Key(key));
                        nodes.push(v);
                        node = v;
                    }
                    None => {
                        let pos = Pos::Key { object, token: None };
                        return Some(Located { path, nodes, pos });
                    }
                }
            }
            Value::Array(array) => match array
                .items
                .iter()
                .enumerate()
                .find(|(_, item)| inside(text, item, cursor))
            {
                Some((i, item)) => {
                    path.push(Seg::Index(i));
                    nodes.push(item);
                    node = item;
                }
                None => {
                    path.push(Seg::Index(array.items.len()));
                    let pos = Pos::Value { token: None };
                    return Some(Located { path, nodes, pos });
                }
            },
            Value::String(s) => {
                let pos = Pos::Value { token: Some(s) };
                return Some(Located { path, nodes, pos });
            }
            _ => return None,
        }
    }
}
