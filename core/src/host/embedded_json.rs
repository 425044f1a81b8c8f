//! A policy written as JSON text inside a host string: `PolicyDocument: '{"Version": ...}'`,
//! `!Sub '{...}'`, a Terraform heredoc. The decoded string is parsed as JSON, then every span
//! is mapped back through the string's pieces to the host text, so findings land where the
//! user typed them.

use super::strings::{compose, host_of, json_pieces, unknown_through};
use crate::json::{self, HostString, JsonDocument, JsonString, Node, Value};
use crate::span::Span;

/// Parses the JSON in `s` (a string read from `source`). Host spans of values only known at
/// deploy time are added to `unknown`; JSON errors that touch one are dropped (an
/// interpolation outside a JSON string is not a JSON mistake of the user's).
pub fn read(source: &str, s: &JsonString, unknown: &mut Vec<Span>) -> JsonDocument {
    let outer = host_of(s, source);
    let middle = s.value.as_str();
    let mut doc = json::parse(middle);
    let map = |span: Span| outer.source_span(span.range());
    let touches_unknown = |span: Span| outer.touches_unknown(&span.range());
    doc.syntax_errors.retain(|e| !touches_unknown(e.span));
    for e in &mut doc.syntax_errors {
        e.span = map(e.span);
    }
    for d in &mut doc.duplicate_keys {
        d.first = map(d.first);
        d.duplicate = map(d.duplicate);
    }
    if let Some(root) = doc.root.as_mut() {
        remap(root, middle, &outer, unknown);
    }
    doc
}

/// Moves every span of the tree from the middle text to the host, and gives each string the
/// composed pieces.
fn remap(root: &mut Node, middle: &str, outer: &HostString, unknown: &mut Vec<Span>) {
    let mut stack: Vec<&mut Node> = vec![root];
    while let Some(node) = stack.pop() {
        let middle_span = node.span;
        node.span = outer.source_span(middle_span.range());
        match &mut node.value {
            Value::Object(o) => {
                for m in &mut o.members {
                    remap_string(&mut m.key, middle, outer, unknown);
                    if let Some(v) = m.value.as_mut() {
                        stack.push(v);
                    }
                }
            }
            Value::Array(a) => stack.extend(a.items.iter_mut()),
            Value::String(s) => remap_string(s, middle, outer, unknown),
            _ => {
                if outer.touches_unknown(&middle_span.range()) {
                    unknown.push(node.span);
                }
            }
        }
    }
}

fn remap_string(s: &mut JsonString, middle: &str, outer: &HostString, unknown: &mut Vec<Span>) {
    let content = s.content_span();
    let raw = middle.get(content.range()).unwrap_or("");
    let inner = json_pieces(raw, content.start);
    let pieces = compose(&inner, outer);
    let inner_unknown = unknown_through(&inner, &outer.unknown);
    for u in &inner_unknown {
        let host = HostString {
            content: Span::default(),
            pieces: pieces.clone(),
            unknown: Vec::new(),
        }
        .source_span(u.clone());
        if !unknown.contains(&host) {
            unknown.push(host);
        }
    }
    let host = HostString {
        content: outer.source_span(content.range()),
        pieces,
        unknown: inner_unknown,
    };
    s.span = outer.source_span(s.span.range());
    s.host = Some(Box::new(host));
}
