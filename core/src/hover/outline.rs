//! The document's shape for an editor: outline symbols, folding, selection ranges, inlay hints
//! after actions and links to the AWS documentation. All in byte spans.

use crate::catalog::{catalog, has_wildcard};
use crate::json::{JsonDocument, Node, Value};
use crate::model::{Policy, Statement};
use crate::span::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolKind {
    /// A statement object.
    Statement,
    /// A top-level or statement element (`Version`, `Action`, ...).
    Element,
    /// The `Statement` array.
    Array,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    /// A short summary ("Allow s3:GetObject on arn:aws:s3:::b/*").
    pub detail: String,
    pub kind: SymbolKind,
    pub span: Span,
    /// What to select when the symbol is picked: the Sid or the key.
    pub selection: Span,
    pub children: Vec<Symbol>,
}

/// Summaries are cut here (characters).
const DETAIL_LIMIT: usize = 80;

fn short(s: String) -> String {
    if s.chars().count() <= DETAIL_LIMIT {
        return s;
    }
    let mut cut: String = s.chars().take(DETAIL_LIMIT - 1).collect();
    cut.push('…');
    cut
}

fn list_summary(values: &[&str]) -> String {
    match values {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [first, rest @ ..] => format!("{first} +{}", rest.len()),
    }
}

fn statement_summary(st: &Statement<'_>) -> String {
    let effect = st.effect.map_or("?", |e| e.value.as_str());
    let mut out = effect.to_owned();
    if let Some((list, not)) = st.actions() {
        let values: Vec<&str> = list.values().collect();
        out.push_str(if not { " all but " } else { " " });
        out.push_str(&list_summary(&values));
    }
    if let Some((list, not)) = st.resources() {
        let values: Vec<&str> = list.values().collect();
        out.push_str(if not { " on all but " } else { " on " });
        out.push_str(&list_summary(&values));
    }
    if st.condition.is_some() {
        out.push_str(" (conditional)");
    }
    short(out)
}

/// Outline: top-level elements, and each statement (by Sid or number) with its elements.
pub fn symbols(json: &JsonDocument) -> Vec<Symbol> {
    let policy = Policy::from_json(json);
    let Some(object) = policy.object else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for member in &object.members {
        let value_text = member
            .value
            .as_ref()
            .and_then(|v| v.value.as_str())
            .map(|s| s.value.clone())
            .unwrap_or_default();
        let mut symbol = Symbol {
            name: member.key.value.clone(),
            detail: short(value_text),
            kind: SymbolKind::Element,
            span: member.span(),
            selection: member.key.span,
            children: Vec::new(),
        };
        if member.key.value == "Statement" {
            symbol.kind = SymbolKind::Array;
            symbol.detail = format!(
                "{} statement{}",
                policy.statements.len(),
                if policy.statements.len() == 1 { "" } else { "s" }
            );
            symbol.children = policy.statements.iter().map(statement_symbol).collect();
        }
        out.push(symbol);
    }
    out
}

fn statement_symbol(st: &Statement<'_>) -> Symbol {
    let name = match st.sid {
        Some(sid) if !sid.value.is_empty() => sid.value.clone(),
        _ => format!("Statement {}", st.index + 1),
    };
    let children = st
        .object
        .members
        .iter()
        .map(|m| {
            let detail = match m.value.as_ref().map(|v| &v.value) {
                Some(Value::String(s)) => s.value.clone(),
                Some(Value::Array(a)) => {
                    let values: Vec<&str> = a
                        .items
                        .iter()
                        .filter_map(|n| n.value.as_str())
                        .map(|s| s.value.as_str())
                        .collect();
                    list_summary(&values)
                }
                _ => String::new(),
            };
            Symbol {
                name: m.key.value.clone(),
                detail: short(detail),
                kind: SymbolKind::Element,
                span: m.span(),
                selection: m.key.span,
                children: Vec::new(),
            }
        })
        .collect();
    Symbol {
        name,
        detail: statement_summary(st),
        kind: SymbolKind::Statement,
        span: st.span,
        selection: st.sid.map_or(st.head_span(), |s| s.span),
        children,
    }
}

/// Every object and array, as a span from its opening to its closing bracket. The caller keeps
/// those that span several lines.
pub fn folding_ranges(json: &JsonDocument) -> Vec<Span> {
    let mut out = Vec::new();
    let mut stack: Vec<&Node> = json.root.iter().collect();
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::Object(o) => {
                out.push(node.span);
                stack.extend(o.members.iter().filter_map(|m| m.value.as_ref()));
            }
            Value::Array(a) => {
                out.push(node.span);
                stack.extend(a.items.iter());
            }
            _ => {}
        }
    }
    out.sort();
    out
}

/// The spans enclosing `offset`, innermost first: a string's content, the token, the member
/// (`"key": value`), the container, and so on up to the document.
pub fn selection_ranges(json: &JsonDocument, offset: usize) -> Vec<Span> {
    let mut chain = Vec::new();
    let mut node = json.root.as_ref().filter(|n| n.span.touches(offset));
    while let Some(n) = node {
        chain.push(n.span);
        node = None;
        match &n.value {
            Value::Object(o) => {
                if let Some(m) = o.members.iter().find(|m| m.span().touches(offset)) {
                    chain.push(m.span());
                    if m.key.span.touches(offset) {
                        chain.push(m.key.span);
                        chain.push(m.key.content_span());
                    } else {
                        node = m.value.as_ref().filter(|v| v.span.touches(offset));
                    }
                }
            }
            Value::Array(a) => node = a.items.iter().find(|i| i.span.touches(offset)),
            Value::String(s) => chain.push(s.content_span()),
            _ => {}
        }
    }
    chain.dedup();
    chain.reverse();
    chain
}

/// An inlay hint: a label shown at `offset`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlayHint {
    pub offset: usize,
    pub label: String,
}

/// After each wildcard action, how many actions it matches (`→ 58 actions`); after each other
/// action its access level, when `access_level` is on. Only within `range`.
pub fn inlay_hints(json: &JsonDocument, range: Span, access_level: bool) -> Vec<InlayHint> {
    let policy = Policy::from_json(json);
    let cat = catalog();
    let mut out = Vec::new();
    for st in &policy.statements {
        let Some((list, _)) = st.actions() else { continue };
        for item in &list.items {
            if !range.contains_span(item.span) && !item.span.touches(range.start) {
                continue;
            }
            let label = if has_wildcard(&item.value) {
                let n = cat.count_actions_matching(&item.value);
                format!("→ {n} action{}", if n == 1 { "" } else { "s" })
            } else if access_level {
                match cat.action(&item.value).and_then(|a| a.access_level()) {
                    Some(level) => level.to_string(),
                    None => continue,
                }
            } else {
                continue;
            };
            out.push(InlayHint {
                offset: item.span.end,
                label,
            });
        }
    }
    out
}

/// A link from an action to its service's page in the Service Authorization Reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub span: Span,
    pub url: String,
}

pub fn links(json: &JsonDocument) -> Vec<Link> {
    let policy = Policy::from_json(json);
    let cat = catalog();
    let mut out = Vec::new();
    for st in &policy.statements {
        let Some((list, _)) = st.actions() else { continue };
        for item in &list.items {
            let url = if has_wildcard(&item.value) {
                item.value
                    .split_once(':')
                    .filter(|(svc, _)| !has_wildcard(svc))
                    .and_then(|(svc, _)| cat.service(svc))
                    .and_then(|s| s.docs_url())
            } else {
                cat.action(&item.value).and_then(|a| a.docs_url())
            };
            if let Some(url) = url {
                out.push(Link {
                    span: item.content_span(),
                    url,
                });
            }
        }
    }
    out
}
