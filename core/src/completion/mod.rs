//! Completion: from a document, its JSON tree, a byte offset and the policy type to the context
//! the cursor is in and the items to offer there.
//!
//! Every item replaces the whole partial token it stands on, quotes included (`"s3:Get` or
//! `"s3:Get"` becomes `"s3:GetObject"`), so the editor never doubles a quote. Items are filtered
//! by what the user typed (case-insensitive; prefix matches before substring matches) and ranked
//! here; [`Completion::is_incomplete`] tells the editor to ask again as the user types, which is
//! how the 22,000 actions stay cheap: services first, then one service's actions once its prefix
//! and colon are typed.

mod actions;
mod arn;
mod conditions;
mod elements;
mod host;
mod locate;
mod principals;
mod resources;

use crate::json::{JsonDocument, JsonString, Node, Object, Value};
use crate::policy_type::PolicyType;
use crate::span::Span;
pub use host::complete_embedded;
use locate::{Pos, Seg};

/// What the cursor is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Context {
    /// A key of the policy object.
    TopLevelKey,
    /// The value of `Version`.
    Version,
    /// A key of a statement.
    StatementKey,
    Effect,
    /// An element of `Action` / `NotAction`.
    Action,
    /// An element of `Resource` / `NotResource`.
    Resource,
    /// The value of `Principal` / `NotPrincipal` itself (`"*"`).
    Principal,
    /// A key in a `Principal` object (`AWS`, `Service`, ...).
    PrincipalKey,
    /// A principal under a principal type.
    PrincipalValue {
        principal_type: String,
    },
    /// A key of the `Condition` object: an operator.
    ConditionOperator,
    /// A condition key under an operator.
    ConditionKey {
        operator: String,
    },
    /// A value of a condition key.
    ConditionValue {
        operator: String,
        key: String,
    },
    /// A policy variable after `${` in a resource or condition value.
    Variable,
    /// Nowhere completion has anything to offer.
    None,
}

/// The kind of an item, mapped by the server to the LSP's `CompletionItemKind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// A policy or statement element name.
    Property,
    /// A fixed value (`Allow`, `2012-10-17`, `true`).
    Value,
    /// A service prefix.
    Module,
    /// An action.
    Function,
    /// A wildcard action or resource.
    Constant,
    /// A condition operator.
    Operator,
    /// A condition key.
    Field,
    /// An ARN template or other snippet.
    Snippet,
    /// A policy variable.
    Variable,
    /// A principal (service principal, identity provider).
    Reference,
}

/// One completion item, in byte offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub label: String,
    pub kind: ItemKind,
    /// Short: access level, key type, service name.
    pub detail: String,
    /// Markdown.
    pub documentation: String,
    /// What the item replaces: the partial token including its quotes, or an empty span.
    pub span: Span,
    /// The replacement; an LSP snippet when `is_snippet`.
    pub insert_text: String,
    pub is_snippet: bool,
    /// What the editor matches the typed text (from `span.start` to the cursor) against.
    pub filter_text: String,
    /// Our ranking, as a sortable string.
    pub sort_text: String,
}

impl Item {
    /// The insert text without snippet syntax, for clients without snippet support.
    pub fn plain_text(&self) -> String {
        if self.is_snippet {
            snippet_to_plain(&self.insert_text)
        } else {
            self.insert_text.clone()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub context: Context,
    pub items: Vec<Item>,
    /// The list was filtered or cut by what is typed: the editor must ask again as typing goes on.
    pub is_incomplete: bool,
}

/// Most items a list holds; beyond it, the user narrows the list by typing.
pub const MAX_ITEMS: usize = 150;

/// For lists of services (all ~460 service prefixes fit).
pub(crate) const MAX_SERVICES: usize = 600;

/// Services listed before anything is typed: the list stays small enough to send in a few
/// milliseconds, and the first letter typed brings every service that matches.
pub(crate) const UNTYPED_SERVICES: usize = 100;

/// The completion at byte `offset` of `text`, whose tree is `doc`.
pub fn complete(text: &str, doc: &JsonDocument, offset: usize, policy_type: PolicyType) -> Completion {
    // An offset inside a character (only a caller's bug can make one) moves back to its start, so
    // that item spans never split a character.
    let offset = crate::syntax::floor_char_boundary(text, offset.min(text.len()));
    let Some(located) = locate::locate(text, doc, offset) else {
        return Completion {
            context: Context::None,
            items: Vec::new(),
            is_incomplete: false,
        };
    };
    let slot = Slot::new(text, &located.pos, offset);
    let ctx = Ctx {
        text,
        cursor: offset,
        policy_type,
        located: &located,
        slot: &slot,
    };
    let (context, list) = ctx.dispatch();
    let (items, is_incomplete) = list.finish(&slot);
    Completion {
        context,
        items,
        is_incomplete,
    }
}

/// The token under the cursor and what of it is typed.
#[derive(Debug)]
pub(crate) struct Slot {
    /// What an item replaces.
    pub span: Span,
    /// The token's text between its opening quote and the cursor (decoded).
    pub typed: String,
    /// On a string token (so items' filter text starts with a quote).
    pub in_string: bool,
    /// A `:` follows the token (a key that already has its value).
    pub colon_after: bool,
}

impl Slot {
    fn new(text: &str, pos: &Pos<'_>, cursor: usize) -> Slot {
        let token = match pos {
            Pos::Key { token, .. } | Pos::Value { token } => *token,
        };
        match token {
            Some(s) => {
                let end = if s.terminated {
                    s.span.end
                } else {
                    cursor.max(s.span.start)
                };
                let colon_after = text
                    .get(end..)
                    .is_some_and(|rest| rest.trim_start().starts_with([':', '=']));
                Slot {
                    span: Span::new(s.span.start, end),
                    typed: typed_in(text, s, cursor),
                    in_string: true,
                    colon_after,
                }
            }
            None => Slot {
                span: Span::empty(cursor),
                typed: String::new(),
                in_string: false,
                colon_after: false,
            },
        }
    }
}

/// The decoded text of `s` from its opening quote to the cursor.
fn typed_in(text: &str, s: &JsonString, cursor: usize) -> String {
    let content = s.content_span();
    let end = cursor.clamp(content.start, content.end);
    if s.has_escapes {
        // Rare in policies: take the decoded value as far as the source goes, approximately.
        let raw_len = end - content.start;
        return s.value.chars().take(raw_len).collect();
    }
    text.get(content.start..end).unwrap_or("").to_owned()
}

struct Ctx<'a> {
    text: &'a str,
    cursor: usize,
    policy_type: PolicyType,
    located: &'a locate::Located<'a>,
    slot: &'a Slot,
}

impl<'a> Ctx<'a> {
    fn dispatch(&self) -> (Context, List) {
        let path = &self.located.path;
        let is_key = matches!(self.located.pos, Pos::Key { .. });
        let key = |i: usize| match path.get(i) {
            Some(Seg::Key(k)) => Some(*k),
            _ => None,
        };
        if path.is_empty() {
            return match is_key {
                true => (Context::TopLevelKey, elements::top_level(self)),
                false => (Context::None, List::default()),
            };
        }
        match (key(0), path.len(), is_key) {
            (Some("Version"), 1, false) => return (Context::Version, elements::version(self)),
            (Some("Statement"), _, _) => {}
            _ => return (Context::None, List::default()),
        }
        // A statement is the `Statement` object itself or an element of the array.
        let (statement_index, rest) = match path.get(1) {
            Some(Seg::Index(_)) => (2, path.get(2..).unwrap_or(&[])),
            _ => (1, path.get(1..).unwrap_or(&[])),
        };
        let statement = self
            .located
            .nodes
            .get(statement_index)
            .and_then(|n| n.value.as_object());
        let in_array = matches!(path.get(1), Some(Seg::Index(_)));
        if statement.is_none() && !(rest.is_empty() && is_key) {
            // `"Statement": [|]`: a new statement.
            if rest.is_empty() && in_array && !is_key && self.slot.span.is_empty() {
                return (Context::StatementKey, elements::new_statement(self));
            }
            return (Context::None, List::default());
        }
        let st = Statement {
            object: statement,
            policy_type: self.policy_type,
        };
        let rest_keys: Vec<Option<&str>> = rest
            .iter()
            .map(|s| match s {
                Seg::Key(k) => Some(*k),
                Seg::Index(_) => None,
            })
            .collect();
        // Drop a trailing index: an element of a list is completed like the single value.
        let (rest_keys, in_list) = match rest_keys.split_last() {
            Some((None, init)) => (init.to_vec(), true),
            _ => (rest_keys, false),
        };
        match (rest_keys.as_slice(), is_key) {
            ([], true) => (Context::StatementKey, elements::statement_keys(self, &st)),
            ([Some("Effect")], false) if !in_list => (Context::Effect, elements::effect(self)),
            ([Some("Action" | "NotAction")], false) => (Context::Action, actions::complete(self)),
            ([Some("Resource" | "NotResource")], false) => match self.variable() {
                Some(v) => (Context::Variable, resources::variables(self, v)),
                None => (Context::Resource, resources::complete(self, &st)),
            },
            ([Some("Principal" | "NotPrincipal")], false) if !in_list => {
                (Context::Principal, principals::element(self))
            }
            ([Some("Principal" | "NotPrincipal")], true) => (Context::PrincipalKey, principals::keys(self)),
            ([Some("Principal" | "NotPrincipal"), Some(kind)], false) => (
                Context::PrincipalValue {
                    principal_type: (*kind).to_owned(),
                },
                principals::values(self, kind),
            ),
            ([Some("Condition")], true) => (Context::ConditionOperator, conditions::operators(self)),
            ([Some("Condition"), Some(op)], true) => (
                Context::ConditionKey {
                    operator: (*op).to_owned(),
                },
                conditions::keys(self, &st, op),
            ),
            ([Some("Condition"), Some(op), Some(key)], false) => {
                let variables_allowed = crate::operator::parse(op).is_none_or(|p| {
                    matches!(
                        p.base.family,
                        crate::operator::Family::String | crate::operator::Family::Arn
                    )
                });
                match self.variable() {
                    Some(v) if variables_allowed => (Context::Variable, resources::variables(self, v)),
                    _ => (
                        Context::ConditionValue {
                            operator: (*op).to_owned(),
                            key: (*key).to_owned(),
                        },
                        conditions::values(self, op, key),
                    ),
                }
            }
            _ => (Context::None, List::default()),
        }
    }

    /// A `${` before the cursor in the current string with no `}` after it: (start of the
    /// variable name, name typed so far).
    fn variable(&self) -> Option<(usize, String)> {
        if !self.slot.in_string {
            return None;
        }
        let before = self.text.get(self.slot.span.start..self.cursor)?;
        let open = before.rfind("${")?;
        let name = before.get(open + 2..)?;
        if name.contains('}') {
            return None;
        }
        Some((self.slot.span.start + open + 2, name.to_owned()))
    }

    /// The object the cursor's key is in (for keys already present).
    fn key_object(&self) -> Option<&'a Object> {
        match self.located.pos {
            Pos::Key { object, .. } => Some(object),
            Pos::Value { .. } => None,
        }
    }

    /// Is `member_key` the key token being typed (so not "already present")?
    fn is_current_key(&self, member_key: &JsonString) -> bool {
        matches!(self.located.pos, Pos::Key { token: Some(t), .. } if t.span == member_key.span)
    }
}

/// The statement the cursor is in.
pub(crate) struct Statement<'a> {
    object: Option<&'a Object>,
    policy_type: PolicyType,
}

impl<'a> Statement<'a> {
    fn member_value(&self, key: &str) -> Option<&'a Node> {
        self.object?.get(key)?.value.as_ref()
    }

    /// Whether the statement's `Effect` is `Allow` (exactly as IAM spells it).
    fn allows(&self) -> bool {
        self.member_value("Effect")
            .and_then(|n| n.value.as_str())
            .is_some_and(|s| s.value == "Allow")
    }

    /// The strings of `Action`. `NotAction` names what is excluded, so it says nothing about
    /// the statement's resources or keys.
    fn action_patterns(&self) -> Vec<&'a str> {
        let node = self.member_value("Action");
        strings(node)
    }
}

fn strings(node: Option<&Node>) -> Vec<&str> {
    match node.map(|n| &n.value) {
        Some(Value::String(s)) => vec![s.value.as_str()],
        Some(Value::Array(a)) => a
            .items
            .iter()
            .filter_map(|i| i.value.as_str())
            .map(|s| s.value.as_str())
            .collect(),
        _ => Vec::new(),
    }
}

/// One candidate before filtering.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    pub label: String,
    pub kind: ItemKind,
    pub detail: String,
    pub documentation: String,
    pub insert_text: String,
    pub is_snippet: bool,
    /// What the typed text is matched against (the value without quotes).
    pub matches: String,
    /// Lower ranks first, after the match quality.
    pub group: u32,
}

#[derive(Debug, Default)]
pub(crate) struct List {
    pub candidates: Vec<Candidate>,
    /// Set when the producer already cut the list (more would come with more typing).
    pub incomplete: bool,
    /// For variables: the span to replace instead of the slot's.
    pub span: Option<Span>,
    /// For variables: the name typed so far (instead of the slot's).
    pub typed: Option<String>,
    /// Most items to return (default [`MAX_ITEMS`]).
    pub limit: Option<usize>,
    /// The producer filtered and ordered the candidates itself: keep them all, by group.
    pub prefiltered: bool,
    /// Match candidates as JSON strings (`"x"`) in the editor, the default.
    pub bare_filter: bool,
}

/// How well `typed` matches `value`: 0 prefix, 1 substring, `None` no match (ASCII
/// case-insensitive).
pub(crate) fn match_rank(typed: &str, value: &str) -> Option<u8> {
    if typed.is_empty() {
        return Some(0);
    }
    let starts = value
        .get(..typed.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(typed));
    if starts {
        return Some(0);
    }
    let hay = value.to_ascii_lowercase();
    hay.contains(&typed.to_ascii_lowercase()).then_some(1)
}

impl List {
    fn finish(self, slot: &Slot) -> (Vec<Item>, bool) {
        let typed = self.typed.as_deref().unwrap_or(&slot.typed);
        let span = self.span.unwrap_or(slot.span);
        let total = self.candidates.len();
        let mut ranked: Vec<(u8, u32, usize, Candidate)> = self
            .candidates
            .into_iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let rank = if self.prefiltered {
                    Some(0)
                } else {
                    match_rank(typed, &c.matches)
                };
                rank.map(|r| (r, c.group, i, c))
            })
            .collect();
        ranked.sort_by_key(|(r, g, i, _)| (*r, *g, *i));
        let mut incomplete = self.incomplete || ranked.len() < total;
        let limit = self.limit.unwrap_or(MAX_ITEMS);
        if ranked.len() > limit {
            ranked.truncate(limit);
            incomplete = true;
        }
        let quote = slot.in_string && self.span.is_none();
        let items = ranked
            .into_iter()
            .enumerate()
            .map(|(n, (_, _, _, c))| Item {
                filter_text: if quote && !self.bare_filter {
                    format!("\"{}\"", c.matches)
                } else {
                    c.matches.clone()
                },
                label: c.label,
                kind: c.kind,
                detail: c.detail,
                documentation: c.documentation,
                span,
                insert_text: c.insert_text,
                is_snippet: c.is_snippet,
                sort_text: format!("{n:04}"),
            })
            .collect();
        (items, incomplete)
    }
}

/// A JSON string literal of `s`.
pub(crate) fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Escapes text for use inside an LSP snippet.
pub(crate) fn escape_snippet(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '$' | '}' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Snippet text as plain text: tabstops vanish, placeholders keep their default, choices their
/// first option, escapes are undone.
pub fn snippet_to_plain(snippet: &str) -> String {
    let mut out = String::with_capacity(snippet.len());
    let mut chars = snippet.chars().peekable();
    // Depth of placeholders whose closing `}` must be dropped.
    let mut open = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            '$' if chars.peek().is_some_and(char::is_ascii_digit) => {
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
            }
            '$' if chars.peek() == Some(&'{') => {
                chars.next();
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
                match chars.next() {
                    Some(':') => open += 1,
                    Some('|') => {
                        // A choice: keep the first option, skip to `|}`.
                        let mut first = true;
                        while let Some(x) = chars.next() {
                            match x {
                                ',' => first = false,
                                '|' if chars.peek() == Some(&'}') => {
                                    chars.next();
                                    break;
                                }
                                x if first => out.push(x),
                                _ => {}
                            }
                        }
                    }
                    _ => {}
                }
            }
            '}' if open > 0 => open -= 1,
            c => out.push(c),
        }
    }
    out
}

/// Lines of markdown joined by blank lines, skipping empty ones.
pub(crate) fn markdown(parts: &[&str]) -> String {
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[cfg(test)]
mod tests;
