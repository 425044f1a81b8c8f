//! YAML (tree-sitter-yaml) read into the same value tree as JSON, with byte spans into the
//! YAML text. CloudFormation's short-form tags become their long form (`!Sub x` reads as
//! `{"Fn::Sub": x}`, the key spanning the tag), so one resolver handles both template syntaxes.
//! Aliases are not expanded (a template that repeats a node by alias would otherwise cost
//! exponential time and memory); they read as values only known at deploy time.
//!
//! While a template is typed, tree-sitter keeps what it can and wraps the rest in ERROR nodes:
//! a bare word in a mapping is a key still waiting for its `:`, an unclosed quote is a string
//! running to the end of its line, as in the JSON reader.

use crate::host::strings::StrBuilder;
use crate::json::{Array, JsonString, MAX_DEPTH, Member, Node, Object, SyntaxError, Value};
use crate::span::Span;
use tree_sitter::{Node as TsNode, Tree};

/// The key that marks a value only known at deploy time when it is not an intrinsic function
/// (an alias, an unknown tag).
pub const OPAQUE_KEY: &str = "!opaque";

/// The deepest block indentation tree-sitter-yaml can take: its scanner keeps one entry per
/// indentation level and, past about 250 levels, overflows its state buffer and aborts the
/// process (tree-sitter-yaml 0.7.2, `serialize` in `scanner.c`). Each level starts at least one
/// column further right, so a text whose lines all start their content before this column is
/// safe.
const MAX_INDENT_COLUMN: usize = 200;

/// Whether tree-sitter-yaml can parse `text` without aborting (see [`MAX_INDENT_COLUMN`]).
/// Indentation counts leading whitespace and the block indicators of compact nested
/// collections (`- - - x`, `? `), which open a level each on one line.
pub fn safe_to_parse(text: &str) -> bool {
    text.lines().all(|line| {
        let mut column = 0;
        let mut rest = line;
        loop {
            let trimmed = rest.trim_start();
            column += rest.len() - trimmed.len();
            let indicator = ["- ", "? ", ": "].iter().find(|i| trimmed.starts_with(**i));
            match indicator {
                Some(i) if column < MAX_INDENT_COLUMN => {
                    column += i.len();
                    rest = trimmed.get(i.len()..).unwrap_or("");
                }
                _ => return column < MAX_INDENT_COLUMN,
            }
        }
    })
}

/// One YAML document of a stream.
#[derive(Debug)]
pub struct Document {
    pub root: Option<Node>,
    pub span: Span,
}

/// Every document of the stream and the syntax errors tree-sitter found, in order.
pub fn read(text: &str, tree: &Tree) -> (Vec<Document>, Vec<SyntaxError>) {
    read_with(text, tree, None)
}

/// Which properties of a resource type can hold policies: `(type, property) -> bool`.
pub type PolicyProperties = fn(&str, &str) -> bool;

/// Like [`read`], for templates: of each document only what can hold policies is read — the
/// top-level `AWSTemplateFormatVersion` and `Transform`, and under `Resources` each resource's
/// `Type`, and those of its `Properties` that `reads` says can hold policies for its type. The
/// rest reads as `null` (keys kept), so a keystroke in a 3,000-line template reads a few hundred
/// lines.
pub fn read_template(text: &str, tree: &Tree, reads: PolicyProperties) -> (Vec<Document>, Vec<SyntaxError>) {
    read_with(text, tree, Some(reads))
}

/// The resource of a template whose entry under `Resources` holds byte `offset`, read as
/// [`read_template`] reads it: its member, the entry's range, and the syntax errors in it.
pub fn read_resource(
    text: &str,
    tree: &Tree,
    offset: usize,
    reads: PolicyProperties,
) -> Option<(Member, Span, Vec<SyntaxError>)> {
    let mut reader = Reader {
        text,
        errors: Vec::new(),
    };
    let root = tree.root_node();
    let mut cursor = root.walk();
    let document = root
        .children(&mut cursor)
        .find(|d| d.kind() == "document" && d.start_byte() <= offset && offset < d.end_byte())?;
    let mut c = document.walk();
    let top = document.named_children(&mut c).find(|n| is_value_node(n.kind()))?;
    let top = mapping_of(top)?;
    let resources = reader.pair_value(top, "Resources")?;
    let resources = mapping_of(resources)?;
    let mut cursor = resources.walk();
    let pair = resources
        .children(&mut cursor)
        .filter(|p| matches!(p.kind(), "block_mapping_pair" | "flow_pair"))
        .find(|p| p.start_byte() <= offset && offset < p.end_byte())?;
    let key = pair.child_by_field_name("key").and_then(|k| reader.key(k))?;
    let value = pair.child_by_field_name("value").map(|v| reader.resource(v, reads));
    reader.collect_errors_outside(pair);
    let span = key.span.cover(value.as_ref().map_or(key.span, |v| v.span));
    Some((Member { key, value }, span, reader.errors))
}

fn read_with(text: &str, tree: &Tree, template: Option<PolicyProperties>) -> (Vec<Document>, Vec<SyntaxError>) {
    let mut reader = Reader {
        text,
        errors: Vec::new(),
    };
    let mut documents = Vec::new();
    let root = tree.root_node();
    let mut cursor = root.walk();
    for child in root.children(&mut cursor) {
        match child.kind() {
            "document" => {
                let mut c = child.walk();
                let node = child.named_children(&mut c).find(|n| is_value_node(n.kind()));
                let value = match template {
                    Some(has_policies) => node.and_then(|n| reader.template_root(n, has_policies)),
                    None => node.and_then(|n| reader.value(n, 0)),
                };
                reader.collect_errors_outside(child);
                documents.push(Document {
                    root: value,
                    span: span_of(child),
                });
            }
            "ERROR" => reader.error(child),
            _ => {}
        }
    }
    reader.errors.sort_by_key(|e| (e.span.start, e.span.end));
    reader.errors.dedup_by(|a, b| a.span == b.span);
    (documents, reader.errors)
}

fn span_of(node: TsNode<'_>) -> Span {
    Span::new(node.start_byte(), node.end_byte())
}

fn is_value_node(kind: &str) -> bool {
    matches!(
        kind,
        "block_node"
            | "flow_node"
            | "block_mapping"
            | "block_sequence"
            | "flow_mapping"
            | "flow_sequence"
            | "plain_scalar"
            | "double_quote_scalar"
            | "single_quote_scalar"
            | "block_scalar"
            | "alias"
    )
}

struct Reader<'t> {
    text: &'t str,
    errors: Vec<SyntaxError>,
}

/// The long form of CloudFormation's short-form tags.
fn long_form(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "!Ref" => "Ref",
        "!Condition" => "Condition",
        "!Sub" => "Fn::Sub",
        "!GetAtt" => "Fn::GetAtt",
        "!Join" => "Fn::Join",
        "!If" => "Fn::If",
        "!Select" => "Fn::Select",
        "!Split" => "Fn::Split",
        "!ImportValue" => "Fn::ImportValue",
        "!FindInMap" => "Fn::FindInMap",
        "!Base64" => "Fn::Base64",
        "!Cidr" => "Fn::Cidr",
        "!GetAZs" => "Fn::GetAZs",
        "!Equals" => "Fn::Equals",
        "!Not" => "Fn::Not",
        "!And" => "Fn::And",
        "!Or" => "Fn::Or",
        "!Transform" => "Fn::Transform",
        "!ToJsonString" => "Fn::ToJsonString",
        "!Length" => "Fn::Length",
        "!ForEach" => "Fn::ForEach",
        _ => return None,
    })
}

/// The mapping a value node holds, if it is one.
fn mapping_of(node: TsNode<'_>) -> Option<TsNode<'_>> {
    let mut n = node;
    loop {
        match n.kind() {
            "block_node" | "flow_node" => {
                let mut cursor = n.walk();
                // A tagged or anchored mapping is not a template's structure.
                if n.children(&mut cursor).any(|c| matches!(c.kind(), "tag" | "anchor")) {
                    return None;
                }
                n = n.named_child(0)?;
            }
            "block_mapping" | "flow_mapping" => return Some(n),
            _ => return None,
        }
    }
}

impl Reader<'_> {
    /// The value of the pair of `mapping` whose key is `key`.
    fn pair_value<'n>(&self, mapping: TsNode<'n>, key: &str) -> Option<TsNode<'n>> {
        let mut cursor = mapping.walk();
        let pair = mapping
            .children(&mut cursor)
            .filter(|p| matches!(p.kind(), "block_mapping_pair" | "flow_pair"))
            .find(|p| p.child_by_field_name("key").and_then(|k| self.simple_key(k)) == Some(key))?;
        pair.child_by_field_name("value")
    }

    /// The root of a template document, read only where policies can be (see
    /// [`read_template`]).
    fn template_root(&mut self, node: TsNode<'_>, reads: PolicyProperties) -> Option<Node> {
        let Some(mapping) = mapping_of(node) else {
            return self.value(node, 0);
        };
        let members = self.pruned_mapping(
            mapping,
            |key| matches!(key, "AWSTemplateFormatVersion" | "Transform" | "Resources"),
            |reader, key, value| match key {
                "Resources" => Some(reader.resources(value, reads)),
                _ => reader.value(value, 1),
            },
        );
        Some(Node {
            span: span_of(node),
            value: Value::Object(Object { members, closed: true }),
        })
    }

    fn resources(&mut self, node: TsNode<'_>, reads: PolicyProperties) -> Node {
        let span = span_of(node);
        let Some(mapping) = mapping_of(node) else {
            return self.value(node, 1).unwrap_or(Node {
                span,
                value: Value::Null,
            });
        };
        let members = self.pruned_mapping(
            mapping,
            |_| true,
            |reader, _, value| Some(reader.resource(value, reads)),
        );
        Node {
            span,
            value: Value::Object(Object { members, closed: true }),
        }
    }

    fn resource(&mut self, node: TsNode<'_>, reads: PolicyProperties) -> Node {
        let span = span_of(node);
        let Some(mapping) = mapping_of(node) else {
            return self.value(node, 2).unwrap_or(Node {
                span,
                value: Value::Null,
            });
        };
        // The type decides which properties are read; it may come after them.
        let mut ty: Option<String> = None;
        let mut cursor = mapping.walk();
        for pair in mapping
            .children(&mut cursor)
            .filter(|c| matches!(c.kind(), "block_mapping_pair" | "flow_pair"))
        {
            let is_type = pair
                .child_by_field_name("key")
                .and_then(|k| self.key(k))
                .is_some_and(|k| k.value == "Type");
            if is_type {
                ty = pair
                    .child_by_field_name("value")
                    .map(|v| self.src(span_of(v)).trim().trim_matches(['"', '\'']).to_owned());
            }
        }
        let members = self.pruned_mapping(
            mapping,
            |key| matches!(key, "Type" | "Properties"),
            |reader, key, value| match (key, &ty) {
                ("Type", _) => reader.value(value, 3),
                ("Properties", Some(ty)) => {
                    let properties = mapping_of(value)?;
                    let members = reader.pruned_mapping(
                        properties,
                        |property| reads(ty, property),
                        |reader, _, value| reader.value(value, 4),
                    );
                    Some(Node {
                        span: span_of(value),
                        value: Value::Object(Object { members, closed: true }),
                    })
                }
                _ => None,
            },
        );
        Node {
            span,
            value: Value::Object(Object { members, closed: true }),
        }
    }

    /// The members of a mapping whose keys `keep` accepts, each value read by `read` (`None`:
    /// not needed, read as null). Keys are first looked at as raw text, so members not kept
    /// cost no decoding.
    fn pruned_mapping(
        &mut self,
        mapping: TsNode<'_>,
        keep: impl Fn(&str) -> bool,
        mut read: impl FnMut(&mut Self, &str, TsNode<'_>) -> Option<Node>,
    ) -> Vec<Member> {
        let mut members = Vec::new();
        let mut cursor = mapping.walk();
        for pair in mapping.children(&mut cursor) {
            match pair.kind() {
                "block_mapping_pair" | "flow_pair" => {
                    let Some(key_node) = pair.child_by_field_name("key") else {
                        continue;
                    };
                    if let Some(raw) = self.simple_key(key_node)
                        && !keep(raw)
                    {
                        continue;
                    }
                    // Simple keys (nearly all of a template's) need no decoding or mapping.
                    let key = match self.simple_key(key_node) {
                        Some(raw) => {
                            let span = span_of(key_node);
                            let quoted = matches!(self.text.as_bytes().get(span.start), Some(b'"' | b'\''));
                            let content = if quoted {
                                Span::new(span.start + 1, span.end.saturating_sub(1))
                            } else {
                                span
                            };
                            let mut b = StrBuilder::new();
                            b.verbatim(raw, content.start);
                            b.finish(span, content, true)
                        }
                        None => match self.key(key_node) {
                            Some(key) => key,
                            None => continue,
                        },
                    };
                    if !keep(&key.value) {
                        continue;
                    }
                    let value = pair.child_by_field_name("value").map(|v| {
                        read(self, key.value.as_str(), v).unwrap_or(Node {
                            span: span_of(v),
                            value: Value::Null,
                        })
                    });
                    members.push(Member { key, value });
                }
                "ERROR" => self.error_in_mapping(pair, &mut members),
                _ => {}
            }
        }
        members
    }

    /// A key's text when it is written simply (one line, no escapes): what it reads as.
    fn simple_key(&self, key: TsNode<'_>) -> Option<&str> {
        let raw = self.src(span_of(key)).trim();
        if raw.contains(['\n', '\\', '!', '&', '*', '#']) {
            return None;
        }
        let unquoted = raw
            .strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'))
            .or_else(|| raw.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')))
            .unwrap_or(raw);
        (!unquoted.contains(['"', '\''])).then_some(unquoted)
    }

    fn src(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }

    fn push_error(&mut self, span: Span, message: String) {
        self.errors.push(SyntaxError { span, message });
    }

    /// An ERROR node's own message.
    fn error(&mut self, node: TsNode<'_>) {
        let span = span_of(node);
        let first_line = self.src(span).lines().next().unwrap_or("").trim();
        let snippet: String = first_line.chars().take(24).collect();
        let end = span.start + self.src(span).find('\n').unwrap_or(span.len());
        let span = Span::new(span.start, end.max(span.start + 1).min(self.text.len().max(span.start)));
        let message = if snippet.starts_with(['"', '\'']) {
            let quote = snippet.chars().next().unwrap_or('"');
            format!("YAML: unterminated string: add the closing `{quote}`")
        } else if snippet.is_empty() {
            "YAML cannot be read here".to_owned()
        } else {
            format!("YAML cannot be read here: unexpected `{snippet}`")
        };
        self.push_error(span, message);
    }

    /// Errors (ERROR and MISSING nodes) anywhere under `node` that the reader did not already
    /// report while reading values.
    fn collect_errors_outside(&mut self, node: TsNode<'_>) {
        if !node.has_error() {
            return;
        }
        let mut cursor = node.walk();
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            if n.is_missing() {
                let at = n.start_byte();
                let span = Span::new(at.saturating_sub(1), at.max(1).min(self.text.len()));
                self.push_error(span, format!("YAML: expected `{}`", n.kind()));
                continue;
            }
            if n.is_error() {
                if !self.errors.iter().any(|e| e.span.start == n.start_byte()) {
                    self.error(n);
                }
                continue;
            }
            if n.has_error() {
                stack.extend(n.children(&mut cursor));
            }
        }
    }

    /// Reads a value node (`block_node`, `flow_node` or a bare content node).
    fn value(&mut self, node: TsNode<'_>, depth: usize) -> Option<Node> {
        let span = span_of(node);
        if depth >= MAX_DEPTH {
            return Some(Node {
                span,
                value: Value::TooDeep,
            });
        }
        match node.kind() {
            "block_node" | "flow_node" => {
                let mut tag = None;
                let mut content = None;
                let mut cursor = node.walk();
                for child in node.children(&mut cursor) {
                    match child.kind() {
                        "tag" => tag = Some(child),
                        "anchor" | "comment" => {}
                        "ERROR" => self.error(child),
                        kind if is_value_node(kind) => content = Some(child),
                        _ => {}
                    }
                }
                let inner = match content {
                    Some(c) => self.content(c, depth, tag.is_some()),
                    None => None,
                };
                match tag {
                    Some(tag) => Some(self.tagged(tag, inner, span)),
                    None => inner,
                }
            }
            _ => self.content(node, depth, false),
        }
    }

    /// `!Sub x` as `{"Fn::Sub": x}`; `!!str 1` as a string; unknown tags as opaque values.
    fn tagged(&mut self, tag: TsNode<'_>, inner: Option<Node>, span: Span) -> Node {
        let tag_span = span_of(tag);
        let tag_text = self.src(tag_span).to_owned();
        if tag_text == "!!str"
            && let Some(node) = inner
        {
            {
                let value = match node.value {
                    Value::Number(raw) => Value::String(self.plain_string(&raw, node.span)),
                    Value::Bool(_) | Value::Null => {
                        let raw = self.src(node.span).to_owned();
                        Value::String(self.plain_string(&raw, node.span))
                    }
                    other => other,
                };
                return Node { span, value };
            }
        }
        let key = long_form(&tag_text).unwrap_or(OPAQUE_KEY);
        let value = inner.unwrap_or(Node {
            span: Span::empty(tag_span.end),
            value: Value::Null,
        });
        Node {
            span,
            value: Value::Object(Object {
                members: vec![Member {
                    key: JsonString::new(key.to_owned(), tag_span, true, false),
                    value: Some(value),
                }],
                closed: true,
            }),
        }
    }

    fn plain_string(&self, raw: &str, span: Span) -> JsonString {
        let mut b = StrBuilder::new();
        b.verbatim(raw, span.start);
        b.finish(span, span, true)
    }

    fn content(&mut self, node: TsNode<'_>, depth: usize, tagged: bool) -> Option<Node> {
        let span = span_of(node);
        let value = match node.kind() {
            "block_mapping" | "flow_mapping" => Value::Object(self.mapping(node, depth)),
            "block_sequence" | "flow_sequence" => Value::Array(self.sequence(node, depth)),
            "plain_scalar" => self.plain(node, tagged),
            "double_quote_scalar" => Value::String(self.double_quoted(span)),
            "single_quote_scalar" => Value::String(self.single_quoted(span)),
            "block_scalar" => Value::String(self.block_scalar(span)),
            "alias" => {
                return Some(Node {
                    span,
                    value: Value::Object(Object {
                        members: vec![Member {
                            key: JsonString::new(OPAQUE_KEY.to_owned(), span, true, false),
                            value: None,
                        }],
                        closed: true,
                    }),
                });
            }
            "block_node" | "flow_node" => return self.value(node, depth + 1),
            _ => return None,
        };
        Some(Node { span, value })
    }

    fn plain(&mut self, node: TsNode<'_>, tagged: bool) -> Value {
        let span = span_of(node);
        let raw = self.src(span).to_owned();
        let kind = node.named_child(0).map_or("string_scalar", |c| c.kind());
        // A tagged scalar (`!Ref 123`) is always read as the text written.
        match kind {
            "integer_scalar" | "float_scalar" if !tagged => Value::Number(raw),
            "boolean_scalar" if !tagged => Value::Bool(raw.eq_ignore_ascii_case("true")),
            "null_scalar" if !tagged => Value::Null,
            _ => Value::String(self.plain_scalar(span)),
        }
    }

    /// Keys and values of a mapping. A bare scalar in an ERROR node is a key still being typed.
    fn mapping(&mut self, node: TsNode<'_>, depth: usize) -> Object {
        let mut members: Vec<Member> = Vec::new();
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            match child.kind() {
                "block_mapping_pair" | "flow_pair" => {
                    let key = child.child_by_field_name("key");
                    let value = child.child_by_field_name("value");
                    let Some(key) = key.and_then(|k| self.key(k)) else {
                        continue;
                    };
                    let value = value.and_then(|v| self.value(v, depth + 1));
                    members.push(Member { key, value });
                }
                // `{a}`: a key with no value in a flow mapping.
                "flow_node" => {
                    if let Some(key) = self.key(child) {
                        members.push(Member { key, value: None });
                    }
                }
                "ERROR" => self.error_in_mapping(child, &mut members),
                _ => {}
            }
        }
        Object { members, closed: true }
    }

    fn error_in_mapping(&mut self, error: TsNode<'_>, members: &mut Vec<Member>) {
        self.error(error);
        let span = span_of(error);
        let text = self.src(span);
        let first_line = text.lines().next().unwrap_or("");
        let trimmed = first_line.trim_end();
        if trimmed.starts_with(['"', '\'']) {
            // `Resource: "arn:...` with no closing quote: the value of the key before it.
            if let Some(last) = members.last_mut()
                && last.value.is_none()
            {
                let quote = trimmed.chars().next().unwrap_or('"');
                let string_span = Span::new(span.start, span.start + trimmed.len());
                let s = if quote == '"' {
                    self.double_quoted(string_span)
                } else {
                    self.single_quoted(string_span)
                };
                last.value = Some(Node {
                    span: string_span,
                    value: Value::String(s),
                });
            }
            return;
        }
        let word_like = !trimmed.is_empty()
            && !trimmed.contains(": ")
            && trimmed.chars().all(|c| c.is_alphanumeric() || "_-.:*/${}".contains(c));
        if word_like {
            let key_span = Span::new(span.start, span.start + trimmed.trim_end_matches(':').len());
            let key = self.plain_string(self.src(key_span).to_owned().as_str(), key_span);
            members.push(Member { key, value: None });
        }
    }

    fn key(&mut self, node: TsNode<'_>) -> Option<JsonString> {
        let mut n = node;
        // A key is a flow_node around a scalar.
        while matches!(n.kind(), "flow_node" | "block_node") {
            let mut cursor = n.walk();
            let inner = n.named_children(&mut cursor).find(|c| is_value_node(c.kind()))?;
            n = inner;
        }
        let span = span_of(n);
        match n.kind() {
            "plain_scalar" => Some(self.plain_scalar(span)),
            "double_quote_scalar" => Some(self.double_quoted(span)),
            "single_quote_scalar" => Some(self.single_quoted(span)),
            _ => None,
        }
    }

    fn sequence(&mut self, node: TsNode<'_>, depth: usize) -> Array {
        let mut items = Vec::new();
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            match child.kind() {
                "block_sequence_item" => {
                    let mut c = child.walk();
                    let inner = child.named_children(&mut c).find(|n| is_value_node(n.kind()));
                    match inner.and_then(|n| self.value(n, depth + 1)) {
                        Some(v) => items.push(v),
                        // `- ` with nothing after it yet.
                        None => items.push(Node {
                            span: span_of(child),
                            value: Value::Null,
                        }),
                    }
                }
                "flow_node" => {
                    if let Some(v) = self.value(child, depth + 1) {
                        items.push(v);
                    }
                }
                "flow_pair" => {
                    let key = child.child_by_field_name("key").and_then(|k| self.key(k));
                    let value = child
                        .child_by_field_name("value")
                        .and_then(|v| self.value(v, depth + 1));
                    if let Some(key) = key {
                        items.push(Node {
                            span: span_of(child),
                            value: Value::Object(Object {
                                members: vec![Member { key, value }],
                                closed: true,
                            }),
                        });
                    }
                }
                "ERROR" => self.error(child),
                _ => {}
            }
        }
        Array { items, closed: true }
    }

    /// A plain scalar: lines folded into one, each line trimmed.
    fn plain_scalar(&self, span: Span) -> JsonString {
        let raw = self.src(span);
        let mut b = StrBuilder::new();
        fold_lines(&mut b, raw, span.start, |b, line, at| b.verbatim(line, at));
        b.finish(span, span, true)
    }

    fn single_quoted(&self, span: Span) -> JsonString {
        let raw = self.src(span);
        let terminated = raw.len() >= 2 && raw.ends_with('\'') && !ends_in_doubled_quote(raw);
        let content = content_span(span, terminated);
        let inner = self.src(content);
        let mut b = StrBuilder::new();
        fold_lines(&mut b, inner, content.start, |b, line, at| {
            let mut rest = line;
            let mut pos = at;
            while let Some(i) = rest.find("''") {
                b.verbatim(rest.get(..i + 1).unwrap_or(""), pos);
                b.mapped("", Span::new(pos + i + 1, pos + i + 2));
                rest = rest.get(i + 2..).unwrap_or("");
                pos += i + 2;
            }
            b.verbatim(rest, pos);
        });
        b.finish(span, content, terminated)
    }

    fn double_quoted(&self, span: Span) -> JsonString {
        let raw = self.src(span);
        let terminated = raw.len() >= 2 && raw.ends_with('"') && !ends_in_escaped_quote(raw);
        let content = content_span(span, terminated);
        let inner = self.src(content);
        let mut b = StrBuilder::new();
        // Escaped line breaks join lines with nothing between them: handled before folding by
        // treating `\` + break as the end of a line whose break folds to nothing.
        let mut pieces: Vec<(usize, &str, bool)> = Vec::new();
        let mut start = 0;
        let bytes = inner.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes.get(i) == Some(&b'\\') {
                if matches!(bytes.get(i + 1), Some(b'\n' | b'\r')) {
                    pieces.push((start, inner.get(start..i).unwrap_or(""), true));
                    let mut j = i + 1;
                    while matches!(bytes.get(j), Some(b'\n' | b'\r' | b' ' | b'\t')) {
                        j += 1;
                    }
                    start = j;
                    i = j;
                    continue;
                }
                i += 2;
                continue;
            }
            i += 1;
        }
        pieces.push((start, inner.get(start..).unwrap_or(""), false));
        for (offset, piece, joined) in pieces {
            let at = content.start + offset;
            fold_lines(&mut b, piece, at, decode_escapes);
            if joined {
                b.mapped("", Span::new(at + piece.len(), at + piece.len()));
            }
        }
        b.finish(span, content, terminated)
    }

    /// `|` and `>` block scalars, with their chomping indicator.
    fn block_scalar(&self, span: Span) -> JsonString {
        let raw = self.src(span);
        let header_end = raw.find('\n').unwrap_or(raw.len());
        let header = raw.get(..header_end).unwrap_or("");
        let header = header.split('#').next().unwrap_or("").trim();
        let folded = header.starts_with('>');
        let chomp = if header.contains('-') {
            Chomp::Strip
        } else if header.contains('+') {
            Chomp::Keep
        } else {
            Chomp::Clip
        };
        let body_start = (header_end + 1).min(raw.len());
        let body = raw.get(body_start..).unwrap_or("");
        let indent = body
            .lines()
            .find(|l| !l.trim().is_empty())
            .map_or(0, |l| l.len() - l.trim_start_matches(' ').len());
        let content = Span::new(span.start + body_start, span.end);
        let mut b = StrBuilder::new();
        let mut pos = span.start + body_start;
        let mut pending_breaks: Vec<Span> = Vec::new();
        let mut previous_normal = false;
        let mut first = true;
        for line in body.split_inclusive('\n') {
            let text = line.trim_end_matches(['\n', '\r']);
            let break_span = Span::new(pos + text.len(), pos + line.len());
            let stripped = text.get(indent.min(text.len())..).unwrap_or("");
            let stripped_at = pos + (text.len() - stripped.len());
            if text.trim().is_empty() {
                pending_breaks.push(break_span);
                pos += line.len();
                continue;
            }
            let more_indented = stripped.starts_with([' ', '\t']);
            if !first {
                // Line breaks before this line: the first of them folds to a space between two
                // normal lines of a folded scalar; empty lines stay line breaks.
                let (first_break, rest) = pending_breaks
                    .split_first()
                    .map_or((None, &[][..]), |(f, r)| (Some(*f), r));
                if let Some(first_break) = first_break {
                    let fold = folded && previous_normal && !more_indented;
                    if fold && rest.is_empty() {
                        b.mapped(" ", first_break);
                    } else if fold {
                        b.mapped("", first_break);
                    } else {
                        b.mapped("\n", first_break);
                    }
                    for br in rest {
                        b.mapped("\n", *br);
                    }
                }
            } else {
                for br in &pending_breaks {
                    b.mapped("\n", *br);
                }
            }
            pending_breaks.clear();
            b.verbatim(stripped, stripped_at);
            pending_breaks.push(break_span);
            previous_normal = !more_indented;
            first = false;
            pos += line.len();
        }
        match chomp {
            Chomp::Strip => {}
            Chomp::Clip => {
                if let Some(first_break) = pending_breaks.first()
                    && !first
                {
                    b.mapped("\n", *first_break);
                }
            }
            Chomp::Keep => {
                for br in &pending_breaks {
                    b.mapped("\n", *br);
                }
            }
        }
        b.finish(span, content, true)
    }
}

#[derive(Clone, Copy)]
enum Chomp {
    Strip,
    Clip,
    Keep,
}

fn content_span(span: Span, terminated: bool) -> Span {
    let start = (span.start + 1).min(span.end);
    let end = if terminated {
        span.end.saturating_sub(1).max(start)
    } else {
        span.end
    };
    Span::new(start, end)
}

fn ends_in_escaped_quote(raw: &str) -> bool {
    let body = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
    body.bytes().rev().take_while(|&c| c == b'\\').count() % 2 == 1
}

fn ends_in_doubled_quote(raw: &str) -> bool {
    // `'it''` is unterminated: the final quote is the first of a doubled pair.
    let body = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
    body.bytes().rev().take_while(|&c| c == b'\'').count() % 2 == 1
}

/// Flow scalar line folding: each line trimmed; one line break becomes a space, `n` breaks in a
/// row become `n - 1` line feeds. `line` writes one trimmed line.
fn fold_lines(b: &mut StrBuilder, text: &str, start: usize, mut line: impl FnMut(&mut StrBuilder, &str, usize)) {
    let mut pos = 0usize;
    let mut breaks = 0usize;
    let mut gap_start: Option<usize> = None;
    let mut first = true;
    for raw_line in text.split_inclusive('\n') {
        let body = raw_line.trim_end_matches(['\n', '\r']);
        let lead = if first {
            0
        } else {
            body.len() - body.trim_start_matches([' ', '\t']).len()
        };
        let trimmed_end = if raw_line.ends_with('\n') {
            body.trim_end_matches([' ', '\t']).len()
        } else {
            body.len()
        };
        let content = body.get(lead..trimmed_end.max(lead)).unwrap_or("");
        if content.is_empty() && !first && raw_line.ends_with('\n') {
            breaks += 1;
            pos += raw_line.len();
            continue;
        }
        if let Some(gap) = gap_start {
            let gap_span = Span::new(start + gap, start + pos + lead);
            let joiner = if breaks == 0 {
                " ".to_owned()
            } else {
                "\n".repeat(breaks)
            };
            b.mapped(&joiner, gap_span);
        }
        line(b, content, start + pos + lead);
        first = false;
        breaks = 0;
        gap_start = Some(pos + lead + content.len());
        pos += raw_line.len();
    }
}

/// Double-quoted YAML escapes within one line.
fn decode_escapes(b: &mut StrBuilder, line: &str, at: usize) {
    let mut rest_start = 0;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            continue;
        }
        b.verbatim(line.get(rest_start..i).unwrap_or(""), at + rest_start);
        let Some((j, e)) = chars.next() else {
            rest_start = i;
            break;
        };
        let mut end = j + e.len_utf8();
        let decoded: Option<char> = match e {
            '0' => Some('\0'),
            'a' => Some('\u{7}'),
            'b' => Some('\u{8}'),
            't' | '\t' => Some('\t'),
            'n' => Some('\n'),
            'v' => Some('\u{b}'),
            'f' => Some('\u{c}'),
            'r' => Some('\r'),
            'e' => Some('\u{1b}'),
            ' ' => Some(' '),
            '"' => Some('"'),
            '/' => Some('/'),
            '\\' => Some('\\'),
            'N' => Some('\u{85}'),
            '_' => Some('\u{a0}'),
            'L' => Some('\u{2028}'),
            'P' => Some('\u{2029}'),
            'x' | 'u' | 'U' => {
                let digits = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex = line.get(end..end + digits).unwrap_or("");
                let cp = if hex.len() == digits {
                    u32::from_str_radix(hex, 16).ok()
                } else {
                    None
                };
                if cp.is_some() {
                    end += digits;
                    for _ in 0..digits {
                        chars.next();
                    }
                }
                Some(cp.and_then(char::from_u32).unwrap_or('\u{FFFD}'))
            }
            other => Some(other),
        };
        if let Some(ch) = decoded {
            let mut buf = [0u8; 4];
            b.mapped(ch.encode_utf8(&mut buf), Span::new(at + i, at + end));
        }
        rest_start = end;
    }
    b.verbatim(line.get(rest_start..).unwrap_or(""), at + rest_start);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Vec<Document>, Vec<SyntaxError>) {
        let mut parser = tree_sitter::Parser::new();
        let _ = parser.set_language(&tree_sitter_yaml::LANGUAGE.into());
        let Some(tree) = parser.parse(text, None) else {
            return (Vec::new(), Vec::new());
        };
        read(text, &tree)
    }

    fn get<'a>(node: &'a Node, path: &[&str]) -> Option<&'a Node> {
        let mut n = node;
        for key in path {
            n = match key.parse::<usize>() {
                Ok(i) => n.value.as_array()?.items.get(i)?,
                Err(_) => n.value.as_object()?.get(key)?.value.as_ref()?,
            };
        }
        Some(n)
    }

    fn string_at<'a>(doc: &'a Document, path: &[&str]) -> Option<&'a JsonString> {
        get(doc.root.as_ref()?, path)?.value.as_str()
    }

    #[test]
    fn indentation_deep_enough_to_abort_the_scanner_is_refused() {
        assert!(safe_to_parse("a:\n  b:\n    - - c\n"));
        assert!(!safe_to_parse(&format!("a:\n{}x: 1\n", " ".repeat(300))));
        assert!(!safe_to_parse(&format!("a:\n  {}x\n", "- ".repeat(150))));
        assert!(safe_to_parse(&format!("a: [{}]\n", "[".repeat(300))));
    }

    #[test]
    fn scalars_decode_and_map_to_the_source() {
        let text = "a: plain words\nb: 'it''s'\nc: \"x\\u0041\\ty\"\nd: >-\n  folded\n  text\ne: |\n  line1\n  line2\nf: 2012-10-17\ng: 12\n";
        let (docs, errors) = parse(text);
        assert!(errors.is_empty(), "{errors:?}");
        let doc = &docs[0];
        let value = |k: &str| string_at(doc, &[k]).map(|s| s.value.clone());
        assert_eq!(value("a").as_deref(), Some("plain words"));
        assert_eq!(value("b").as_deref(), Some("it's"));
        assert_eq!(value("c").as_deref(), Some("xA\ty"));
        assert_eq!(value("d").as_deref(), Some("folded text"));
        assert_eq!(value("e").as_deref(), Some("line1\nline2\n"));
        assert_eq!(value("f").as_deref(), Some("2012-10-17"));
        assert!(matches!(
            get(doc.root.as_ref().unwrap(), &["g"]).map(|n| &n.value),
            Some(Value::Number(_))
        ));
        // Decoded ranges map back to the YAML text.
        let d = string_at(doc, &["d"]).unwrap();
        let span = d.source_span(text, 7..11);
        assert_eq!(&text[span.range()], "text");
        let c = string_at(doc, &["c"]).unwrap();
        assert_eq!(&text[c.source_span(text, 1..2).range()], "\\u0041");
        let b = string_at(doc, &["b"]).unwrap();
        assert_eq!(&text[b.source_span(text, 3..4).range()], "s");
    }

    #[test]
    fn short_form_tags_read_as_long_form() {
        let text = "A: !Sub 'arn:${AWS::Partition}:s3:::b'\nB: !GetAtt [R, Arn]\nC: *x\n";
        let (docs, _) = parse(text);
        let root = docs[0].root.as_ref().unwrap();
        let a = get(root, &["A"]).and_then(|n| n.value.as_object()).unwrap();
        assert_eq!(a.members[0].key.value, "Fn::Sub");
        assert_eq!(&text[a.members[0].key.span.range()], "!Sub");
        let b = get(root, &["B", "Fn::GetAtt", "1"]).and_then(|n| n.value.as_str());
        assert_eq!(b.map(|s| s.value.as_str()), Some("Arn"));
        let c = get(root, &["C"]).and_then(|n| n.value.as_object()).unwrap();
        assert_eq!(c.members[0].key.value, OPAQUE_KEY);
    }

    #[test]
    fn half_typed_mapping_keeps_the_pending_key_and_the_open_string() {
        let text = "S:\n  - Effect: Allow\n    Acti\n    Resource: \"arn:aws:s3:::b/*\n  - Effect: Deny\n";
        let (docs, errors) = parse(text);
        assert!(!errors.is_empty());
        let root = docs[0].root.as_ref().unwrap();
        let first = get(root, &["S", "0"]).and_then(|n| n.value.as_object()).unwrap();
        let keys: Vec<&str> = first.members.iter().map(|m| m.key.value.as_str()).collect();
        assert!(keys.contains(&"Acti"), "{keys:?}");
        let resource = first
            .get("Resource")
            .and_then(|m| m.value.as_ref())
            .and_then(|v| v.value.as_str());
        assert_eq!(
            resource.map(|s| (s.value.as_str(), s.terminated)),
            Some(("arn:aws:s3:::b/*", false))
        );
        assert!(get(root, &["S", "1", "Effect"]).is_some());
    }
}
