//! A JSON value tree with byte spans, built from the tree-sitter syntax tree.
//!
//! Tree-sitter's error recovery keeps complete pieces but can flatten the nesting of a document
//! that is still being typed (an unclosed `{` turns the whole document into one ERROR node). So
//! we walk the tree's leaves in order and rebuild the nesting with a tolerant stack machine: what
//! is complete keeps its structure, what is open is closed at the end. The walk and the builder
//! are iterative, so nesting depth never touches the call stack; values nested deeper than
//! [`MAX_DEPTH`] are kept as [`Value::TooDeep`].

use crate::json_grammar::{Container, Grammar, Tok};
use crate::span::Span;
use tree_sitter::{Node as TsNode, Tree};

/// IAM policies nest five levels deep at most; anything past this is not a policy and is kept
/// opaque so that neither building nor dropping the tree can exhaust the stack.
pub const MAX_DEPTH: usize = 64;

/// Mismatched closing brackets per document whose reading is guessed by scanning the rest.
const MAX_GUESSES: usize = 8;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Object(Object),
    Array(Array),
    String(JsonString),
    Number(String),
    Bool(bool),
    Null,
    /// Nested deeper than [`MAX_DEPTH`]; its content is not kept.
    TooDeep,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Object {
    pub members: Vec<Member>,
    /// False when the closing `}` is missing (the user is still typing).
    pub closed: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Array {
    pub items: Vec<Node>,
    pub closed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: JsonString,
    /// `None` while the value is not typed yet (`"Action": ` or `"Action"`).
    pub value: Option<Node>,
}

impl Member {
    /// From the key to the end of the value (or the key when there is no value).
    pub fn span(&self) -> Span {
        match &self.value {
            Some(v) => self.key.span.cover(v.span),
            None => self.key.span,
        }
    }
}

/// A decoded string and where it stands in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonString {
    pub value: String,
    /// The token including its quotes.
    pub span: Span,
    /// False when the closing quote is missing.
    pub terminated: bool,
    /// True when the source contains escapes, so decoded and source offsets differ.
    pub has_escapes: bool,
    /// Set for strings read from a template (YAML, HCL, a JSON string inside a string): how the
    /// decoded value maps to the source, and which parts are only known at deploy time.
    pub host: Option<Box<HostString>>,
}

/// How a string read from a template maps to its source. Plain JSON policies never need it:
/// their strings are one token whose escapes [`JsonString::source_span`] re-scans.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HostString {
    /// The source span of the content, without quotes, tag or block-scalar header.
    pub content: Span,
    /// Decoded text ↔ source, in order and without gaps in the decoded text. Verbatim pieces
    /// map byte for byte; the others (escapes, folded line breaks, `$${`) map as a whole.
    pub pieces: Vec<Piece>,
    /// Decoded byte ranges whose value is only known at deploy time (`${AWS::AccountId}`,
    /// `!Ref Bucket`, `${var.name}`): the decoded text holds a stand-in there.
    pub unknown: Vec<std::ops::Range<usize>>,
}

/// One run of a [`HostString`]: `decoded.start..decoded.start + decoded_len` of the value comes
/// from `source`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    pub decoded: usize,
    pub decoded_len: usize,
    pub source: Span,
    pub verbatim: bool,
}

impl HostString {
    /// The source span of a decoded byte range.
    pub fn source_span(&self, decoded: std::ops::Range<usize>) -> Span {
        let locate = |at: usize, is_end: bool| -> Option<usize> {
            let index = self.pieces.partition_point(|p| {
                let piece_end = p.decoded + p.decoded_len;
                if is_end { piece_end < at } else { piece_end <= at }
            });
            let piece = self.pieces.get(index)?;
            let offset = at.saturating_sub(piece.decoded);
            Some(if piece.verbatim {
                piece.source.start + offset.min(piece.source.len())
            } else if (is_end && offset > 0) || (!is_end && offset >= piece.decoded_len && piece.decoded_len > 0) {
                piece.source.end
            } else {
                piece.source.start
            })
        };
        let last = self.pieces.last().map_or(self.content.end, |p| p.source.end);
        let start = locate(decoded.start, false).unwrap_or(last);
        let end = locate(decoded.end, true).unwrap_or(last).max(start);
        Span::new(start, end)
    }

    /// Whether a decoded range touches a part only known at deploy time.
    pub fn touches_unknown(&self, decoded: &std::ops::Range<usize>) -> bool {
        self.unknown
            .iter()
            .any(|u| u.start < decoded.end.max(decoded.start + 1) && decoded.start < u.end.max(u.start + 1))
    }
}

impl JsonString {
    /// A string with no host mapping (its span is a JSON string token).
    pub fn new(value: String, span: Span, terminated: bool, has_escapes: bool) -> JsonString {
        JsonString {
            value,
            span,
            terminated,
            has_escapes,
            host: None,
        }
    }

    /// Whether part of the value is only known at deploy time (a template's intrinsic
    /// function or interpolation), so checks cannot judge the value as written.
    pub fn has_unknown(&self) -> bool {
        self.host.as_ref().is_some_and(|h| !h.unknown.is_empty())
    }

    /// The source span of the text between the quotes.
    pub fn content_span(&self) -> Span {
        if let Some(host) = &self.host {
            return host.content;
        }
        let start = (self.span.start + 1).min(self.span.end);
        let end = if self.terminated {
            self.span.end.saturating_sub(1).max(start)
        } else {
            self.span.end
        };
        Span::new(start, end)
    }

    /// Maps a byte range of the decoded value to a source span. Exact when the string has no
    /// escapes; otherwise re-scans the token.
    pub fn source_span(&self, source: &str, decoded: std::ops::Range<usize>) -> Span {
        if let Some(host) = &self.host {
            return host.source_span(decoded);
        }
        let content = self.content_span();
        if !self.has_escapes {
            return Span::new(content.start + decoded.start, content.start + decoded.end).clamp_to(content);
        }
        let raw = source.get(content.range()).unwrap_or("");
        let mut decoded_pos = 0usize;
        let mut start = None;
        let mut end = None;
        let mut chars = raw.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if start.is_none() && decoded_pos >= decoded.start {
                start = Some(i);
            }
            if decoded_pos >= decoded.end {
                end = Some(i);
                break;
            }
            if c == '\\' {
                match chars.next() {
                    Some((_, 'u')) => {
                        let hex: String = (0..4).filter_map(|_| chars.next().map(|(_, h)| h)).collect();
                        let cp = u32::from_str_radix(&hex, 16).unwrap_or(0xFFFD);
                        decoded_pos += char::from_u32(cp).map_or(3, char::len_utf8);
                    }
                    Some(_) => decoded_pos += 1,
                    None => {}
                }
            } else {
                decoded_pos += c.len_utf8();
            }
        }
        let start = content.start + start.unwrap_or(raw.len());
        let end = content.start + end.unwrap_or(raw.len());
        Span::new(start, end.max(start))
    }
}

trait ClampSpan {
    fn clamp_to(self, outer: Span) -> Span;
}

impl ClampSpan for Span {
    fn clamp_to(self, outer: Span) -> Span {
        let start = self.start.clamp(outer.start, outer.end);
        Span::new(start, self.end.clamp(start, outer.end))
    }
}

/// A syntax problem: where, and what is wrong in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

/// Two members of one object with the same key (JSON parsers keep only one of them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    pub key: String,
    pub first: Span,
    pub duplicate: Span,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct JsonDocument {
    /// The first top-level value, if any.
    pub root: Option<Node>,
    pub syntax_errors: Vec<SyntaxError>,
    pub duplicate_keys: Vec<DuplicateKey>,
}

impl Value {
    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&Array> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&JsonString> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The JSON type name as a user would say it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Object(_) => "an object",
            Value::Array(_) => "an array",
            Value::String(_) => "a string",
            Value::Number(_) => "a number",
            Value::Bool(_) => "a boolean",
            Value::Null => "null",
            Value::TooDeep => "a deeply nested value",
        }
    }
}

impl Object {
    /// The first member with exactly this key.
    pub fn get(&self, key: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.key.value == key)
    }
}

/// Parses `text` (with tree-sitter) and builds the value tree.
pub fn parse(text: &str) -> JsonDocument {
    match crate::syntax::parse_tree(text) {
        Some(tree) => build(text, &tree),
        None => JsonDocument::default(),
    }
}

/// Builds the value tree from an existing syntax tree of `text`.
pub fn build(text: &str, tree: &Tree) -> JsonDocument {
    let mut builder = Builder::new(text);
    builder.tree_has_error = tree.root_node().has_error();
    walk_leaves(text, tree, &mut builder);
    builder.finish()
}

enum Token {
    Open(Span, bool),
    Close(Span, bool),
    Colon(Span),
    Comma(Span),
    Scalar(Node),
    Str(JsonString),
}

/// Visits the leaves of the tree in order, turning each into a [`Token`] and collecting syntax
/// errors. Strings and scalars are leaves here even though tree-sitter gives strings children.
fn walk_leaves(text: &str, tree: &Tree, builder: &mut Builder<'_>) {
    let mut cursor = tree.walk();
    // Bytes before this offset belong to an unterminated string we already consumed.
    let mut skip_until = 0usize;
    loop {
        let node = cursor.node();
        let descend = visit(text, node, &mut skip_until, builder);
        if descend && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

/// Handles one node; returns whether to descend into its children.
fn visit(text: &str, node: TsNode<'_>, skip_until: &mut usize, b: &mut Builder<'_>) -> bool {
    let span = Span::new(node.start_byte(), node.end_byte());
    if node.start_byte() < *skip_until && !node.is_missing() {
        let partly_skipped = node.end_byte() > *skip_until;
        if partly_skipped && node.is_error() && node.child_count() > 0 {
            // The rest of an ERROR node a string ran into: re-lexed like any ERROR node.
            relex(text, span, skip_until, b);
            return false;
        }
        return partly_skipped;
    }
    if node.is_missing() {
        b.missing(span, node.kind());
        return false;
    }
    if node.is_error() {
        b.error_node(node, span);
        if node.child_count() > 0 {
            // Inside an ERROR node tree-sitter's leaves are unreliable (it pairs quotes across
            // tokens: `"a" "b", "c"` gives the string `", "`), so its text is read again here.
            relex(text, span, skip_until, b);
        }
        return false;
    }
    match node.kind() {
        "string" => {
            let s = decode_string(text, span, node.end_byte(), b);
            b.token(Token::Str(s));
            false
        }
        "number" => {
            let raw = text.get(span.range()).unwrap_or("").to_owned();
            b.token(Token::Scalar(Node {
                span,
                value: Value::Number(raw),
            }));
            false
        }
        "true" | "false" => {
            b.token(Token::Scalar(Node {
                span,
                value: Value::Bool(node.kind() == "true"),
            }));
            false
        }
        "null" => {
            b.token(Token::Scalar(Node {
                span,
                value: Value::Null,
            }));
            false
        }
        "comment" => {
            b.error(span, COMMENT_MESSAGE.into());
            false
        }
        "{" => {
            b.token(Token::Open(span, true));
            false
        }
        "[" => {
            b.token(Token::Open(span, false));
            false
        }
        "}" => {
            b.token(Token::Close(span, true));
            false
        }
        "]" => {
            b.token(Token::Close(span, false));
            false
        }
        ":" => {
            b.token(Token::Colon(span));
            false
        }
        "," => {
            b.token(Token::Comma(span));
            false
        }
        "\"" => {
            // An opening quote outside a string node: a string that is never closed.
            let end = unterminated_string_end(text, span.start);
            *skip_until = end;
            let s = decode_string(text, Span::new(span.start, end), end, b);
            b.token(Token::Str(s));
            false
        }
        _ => node.child_count() > 0,
    }
}

const COMMENT_MESSAGE: &str = "comments are not allowed: IAM accepts strict JSON only; remove the comment";

/// Tokenises `span` of `text` (an ERROR node's text) as JSON, from `skip_until` on.
fn relex(text: &str, span: Span, skip_until: &mut usize, b: &mut Builder<'_>) {
    let bytes = text.as_bytes();
    let end = span.end.min(text.len());
    let mut i = span.start.max(*skip_until);
    // Bytes that end a run of garbage: whitespace and JSON's own punctuation.
    let delimiter = |c: u8| c.is_ascii_whitespace() || b"{}[]:,\"/".contains(&c);
    while i < end {
        let Some(&c) = bytes.get(i) else { break };
        let single = Span::new(i, i + 1);
        match c {
            c if c.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'{' | b'[' => b.token(Token::Open(single, c == b'{')),
            b'}' | b']' => b.token(Token::Close(single, c == b'}')),
            b':' => b.token(Token::Colon(single)),
            b',' => b.token(Token::Comma(single)),
            b'"' => {
                let string_end = unterminated_string_end(text, i);
                let s = decode_string(text, Span::new(i, string_end), string_end, b);
                b.token(Token::Str(s));
                i = string_end;
                *skip_until = (*skip_until).max(string_end);
                continue;
            }
            b'/' if matches!(bytes.get(i + 1), Some(b'/' | b'*')) => {
                let comment_end = if bytes.get(i + 1) == Some(&b'/') {
                    text.get(i..).and_then(|r| r.find('\n')).map_or(text.len(), |n| i + n)
                } else {
                    text.get(i + 2..)
                        .and_then(|r| r.find("*/"))
                        .map_or(text.len(), |n| i + 2 + n + 2)
                };
                b.error(Span::new(i, comment_end), COMMENT_MESSAGE.into());
                i = comment_end;
                *skip_until = (*skip_until).max(comment_end);
                continue;
            }
            _ => {
                let mut run_end = i + 1;
                while run_end < end && bytes.get(run_end).is_some_and(|&c| !delimiter(c)) {
                    run_end += 1;
                }
                while !text.is_char_boundary(run_end) && run_end < text.len() {
                    run_end += 1;
                }
                let run = Span::new(i, run_end);
                let word = text.get(run.range()).unwrap_or("");
                let value = match word {
                    "true" => Some(Value::Bool(true)),
                    "false" => Some(Value::Bool(false)),
                    "null" => Some(Value::Null),
                    w if is_json_number(w) => Some(Value::Number(w.to_owned())),
                    _ => None,
                };
                match value {
                    Some(value) => b.token(Token::Scalar(Node { span: run, value })),
                    None => b.garbage(run),
                }
                i = run_end;
                continue;
            }
        }
        i += 1;
    }
}

fn is_json_number(word: &str) -> bool {
    let digits = word.strip_prefix('-').unwrap_or(word);
    digits.starts_with(|c: char| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
}

/// Where an unterminated string starting at `quote` ends: at the line end or end of text.
fn unterminated_string_end(text: &str, quote: usize) -> usize {
    let rest = text.get(quote + 1..).unwrap_or("");
    let mut escaped = false;
    for (i, c) in rest.char_indices() {
        match c {
            '\n' | '\r' => return quote + 1 + i,
            '"' if !escaped => return quote + 1 + i + 1,
            '\\' => escaped = !escaped,
            _ => escaped = false,
        }
    }
    text.len()
}

/// Decodes the string token at `span` (quotes included when present). Reports invalid escapes,
/// raw control characters and lone surrogates.
fn decode_string(text: &str, span: Span, _end: usize, b: &mut Builder<'_>) -> JsonString {
    let raw = text.get(span.range()).unwrap_or("");
    let terminated = raw.len() >= 2 && raw.ends_with('"') && !ends_with_escaped_quote(raw);
    let inner_start = span.start + 1;
    let inner = raw
        .get(1..if terminated { raw.len() - 1 } else { raw.len() })
        .unwrap_or("");
    if !terminated {
        b.grammar
            .lexical_error(span, "unterminated string: add the closing `\"`".into());
    }
    let mut value = String::with_capacity(inner.len());
    let mut has_escapes = false;
    let mut chars = inner.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                has_escapes = true;
                let at = inner_start + i;
                match chars.next() {
                    Some((_, '"')) => value.push('"'),
                    Some((_, '\\')) => value.push('\\'),
                    Some((_, '/')) => value.push('/'),
                    Some((_, 'b')) => value.push('\u{8}'),
                    Some((_, 'f')) => value.push('\u{c}'),
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, 'r')) => value.push('\r'),
                    Some((_, 't')) => value.push('\t'),
                    Some((_, 'u')) => {
                        let unit = read_hex4(&mut chars);
                        match unit {
                            Some(hi @ 0xD800..=0xDBFF) => {
                                let mut lookahead = chars.clone();
                                let lo = match (lookahead.next(), lookahead.next()) {
                                    (Some((_, '\\')), Some((_, 'u'))) => read_hex4(&mut lookahead),
                                    _ => None,
                                };
                                match lo {
                                    Some(lo @ 0xDC00..=0xDFFF) => {
                                        chars = lookahead;
                                        let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                        value.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                                    }
                                    _ => {
                                        b.error(Span::new(at, at + 6), "lone surrogate escape: `\\uD800`–`\\uDBFF` must be followed by a low surrogate `\\uDC00`–`\\uDFFF`".into());
                                        value.push('\u{FFFD}');
                                    }
                                }
                            }
                            Some(0xDC00..=0xDFFF) => {
                                b.error(
                                    Span::new(at, at + 6),
                                    "lone surrogate escape: a low surrogate must follow a high surrogate".into(),
                                );
                                value.push('\u{FFFD}');
                            }
                            Some(cp) => value.push(char::from_u32(cp).unwrap_or('\u{FFFD}')),
                            None => b.error(
                                Span::new(at, at + 2),
                                "invalid `\\u` escape: expected four hex digits".into(),
                            ),
                        }
                    }
                    Some((j, other)) => {
                        b.error(
                            Span::new(at, inner_start + j + other.len_utf8()),
                            format!(
                                "invalid escape `\\{other}`: JSON allows \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX"
                            ),
                        );
                        value.push(other);
                    }
                    None => {}
                }
            }
            c if (c as u32) < 0x20 => {
                let at = inner_start + i;
                b.error(
                    Span::new(at, at + 1),
                    format!("control character U+{:04X} must be escaped inside a string", c as u32),
                );
                value.push(c);
            }
            c => value.push(c),
        }
    }
    JsonString::new(value, span, terminated, has_escapes)
}

fn ends_with_escaped_quote(raw: &str) -> bool {
    // `"abc\"` is unterminated: count the backslashes before the final quote.
    let body = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
    body.bytes().rev().take_while(|&c| c == b'\\').count() % 2 == 1
}

fn read_hex4(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>) -> Option<u32> {
    let mut cp = 0u32;
    for _ in 0..4 {
        let (_, h) = chars.peek().copied()?;
        let digit = h.to_digit(16)?;
        chars.next();
        cp = cp * 16 + digit;
    }
    Some(cp)
}

enum Frame {
    Object {
        start: Span,
        members: Vec<Member>,
        pending_key: Option<JsonString>,
        seen: Vec<(String, Span)>,
    },
    Array {
        start: Span,
        items: Vec<Node>,
    },
}

struct Builder<'t> {
    text: &'t str,
    frames: Vec<Frame>,
    /// Depth of containers skipped because they nest past [`MAX_DEPTH`], and where they began.
    skipped: usize,
    skipped_start: usize,
    root: Option<Node>,
    extra_top_level: Option<Span>,
    /// Errors that stand on their own: comments, bad escapes, a BOM, the document's end.
    errors: Vec<SyntaxError>,
    /// What JSON expected where the tokens stop fitting, and lexical errors.
    grammar: Grammar,
    /// Errors read from tree-sitter's ERROR and MISSING nodes: only used when nothing else
    /// explains why tree-sitter found the document broken.
    tree_errors: Vec<SyntaxError>,
    tree_has_error: bool,
    /// Closing brackets whose meaning was guessed; see [`Builder::is_stray`].
    guesses: usize,
    duplicates: Vec<DuplicateKey>,
    last_end: usize,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str) -> Self {
        Self {
            text,
            frames: Vec::new(),
            skipped: 0,
            skipped_start: 0,
            root: None,
            extra_top_level: None,
            errors: Vec::new(),
            grammar: Grammar::default(),
            tree_errors: Vec::new(),
            tree_has_error: false,
            guesses: 0,
            duplicates: Vec::new(),
            last_end: 0,
        }
    }

    fn error(&mut self, span: Span, message: String) {
        self.errors.push(SyntaxError { span, message });
    }

    fn tree_error(&mut self, span: Span, message: String) {
        self.tree_errors.push(SyntaxError { span, message });
    }

    fn missing(&mut self, span: Span, kind: &str) {
        let before = self.text.get(..span.start).unwrap_or("").trim_end();
        let after = self.text.get(span.end..).unwrap_or("").trim_start();
        let message = match kind {
            "}" | "]" | ":" | "," | "\"" => format!("expected `{kind}`"),
            _ if before.ends_with(',') && (after.starts_with(']') || after.starts_with('}')) => {
                let comma = before.len() - 1;
                let span = Span::new(comma, comma + 1);
                self.tree_error(span, "trailing comma is not allowed in JSON; remove it".to_owned());
                return;
            }
            _ => "expected a value".to_owned(),
        };
        // A zero-width error is hard to see; point at the character before when there is one.
        let span = self.widen(span);
        self.tree_error(span, message);
    }

    fn widen(&self, span: Span) -> Span {
        if !span.is_empty() {
            return span;
        }
        let start = self
            .text
            .get(..span.start)
            .and_then(|s| s.char_indices().next_back())
            .map_or(0, |(i, _)| i);
        Span::new(start, span.start.max(start + 1).min(self.text.len().max(start)))
    }

    /// The start of the text at `span`, short enough for a message.
    fn snippet(&self, span: Span) -> String {
        self.text
            .get(span.range())
            .unwrap_or("")
            .trim()
            .chars()
            .take(24)
            .collect()
    }

    fn error_node(&mut self, node: TsNode<'_>, span: Span) {
        let snippet = self.snippet(span);
        let after = self.text.get(span.end..).unwrap_or("").trim_start();
        if snippet.starts_with('\u{feff}') {
            let bom = Span::new(span.start, span.start + '\u{feff}'.len_utf8());
            self.error(
                bom,
                "byte order mark (BOM) is not allowed: save the file as UTF-8 without BOM".to_owned(),
            );
            if node.child_count() == 0 {
                return;
            }
        }
        if node.child_count() == 0 {
            self.garbage(span);
            return;
        }
        let message = if snippet.starts_with(',') && (after.starts_with('}') || after.starts_with(']')) {
            "trailing comma is not allowed in JSON; remove it".to_owned()
        } else if after.starts_with('"')
            && self.text.get(..span.end).is_some_and(|t| {
                t.trim_end().ends_with(['"', '}', ']', 'e', 'l'])
                    || t.trim_end().ends_with(|c: char| c.is_ascii_digit())
            })
        {
            "expected `,` between these members".to_owned()
        } else if span.end >= self.text.trim_end().len() && !self.frames.is_empty() {
            // Reported when the builder closes the open containers.
            return;
        } else {
            format!("unexpected `{snippet}`")
        };
        // Errors that cover several lines are shown at their first line only.
        let first_line_end = self
            .text
            .get(span.range())
            .and_then(|s| s.find('\n'))
            .map_or(span.end, |n| span.start + n);
        let shown = if message.starts_with("expected `,`") {
            Span::new(span.end.saturating_sub(1), span.end)
        } else {
            Span::new(
                span.start,
                first_line_end.max(span.start + 1).min(span.end.max(span.start + 1)),
            )
        };
        self.tree_error(shown, message);
    }

    /// Characters that are no JSON token: a lexical error, and a stand-in for the value the
    /// user probably meant.
    fn garbage(&mut self, span: Span) {
        let snippet = self.snippet(span);
        let bare_word = !snippet.is_empty() && snippet.chars().all(|c| c.is_alphanumeric() || "_-.:*/".contains(c));
        let message = if bare_word {
            format!("unexpected `{snippet}`: strings need double quotes")
        } else {
            format!("unexpected `{snippet}`")
        };
        self.grammar.lexical_error(span, message);
        self.grammar.token(Tok::Garbage(span));
    }

    /// Whether a closing bracket that does not match the innermost container is one too many
    /// (`{"a": 1}}`) rather than the end of an outer container whose inner ones were left open
    /// (`["s3:Get"}`). The reading that leaves the rest of the document balanced wins; after a
    /// few such guesses a document gets the default (closing) reading, to stay linear.
    fn is_stray(&mut self, span: Span, is_object: bool) -> bool {
        let container = if is_object { Container::Object } else { Container::Array };
        if self.skipped > 0 || !self.grammar.is_mismatched(container) || self.guesses >= MAX_GUESSES {
            return false;
        }
        self.guesses += 1;
        let open: Vec<Container> = self.grammar.open_containers().collect();
        let closing = open
            .iter()
            .rposition(|&c| c == container)
            .map_or_else(Vec::new, |at| open.get(..at).unwrap_or_default().to_vec());
        let stray = unbalance(self.text, span.end, open) < unbalance(self.text, span.end, closing);
        if stray {
            self.grammar.stray_close(span, container);
        }
        stray
    }

    fn token(&mut self, token: Token) {
        if let Token::Close(span, is_object) = token
            && self.is_stray(span, is_object)
        {
            self.last_end = span.end;
            return;
        }
        self.grammar.token(match &token {
            Token::Open(span, true) => Tok::Open(*span, Container::Object),
            Token::Open(span, false) => Tok::Open(*span, Container::Array),
            Token::Close(span, true) => Tok::Close(*span, Container::Object),
            Token::Close(span, false) => Tok::Close(*span, Container::Array),
            Token::Colon(span) => Tok::Colon(*span),
            Token::Comma(span) => Tok::Comma(*span),
            Token::Scalar(node) => Tok::Scalar(node.span),
            Token::Str(s) => Tok::Str(s.span),
        });
        match token {
            Token::Open(span, is_object) => {
                self.last_end = span.end;
                if self.skipped > 0 || self.frames.len() >= MAX_DEPTH {
                    if self.skipped == 0 {
                        self.skipped_start = span.start;
                    }
                    self.skipped += 1;
                    return;
                }
                self.frames.push(if is_object {
                    Frame::Object {
                        start: span,
                        members: Vec::new(),
                        pending_key: None,
                        seen: Vec::new(),
                    }
                } else {
                    Frame::Array {
                        start: span,
                        items: Vec::new(),
                    }
                });
            }
            Token::Close(span, is_object) => {
                self.last_end = span.end;
                if self.skipped > 0 {
                    self.skipped -= 1;
                    if self.skipped == 0 {
                        let node = Node {
                            span: Span::new(self.skipped_start, span.end),
                            value: Value::TooDeep,
                        };
                        self.deliver(node);
                    }
                    return;
                }
                // Close open containers up to the matching kind; a stray closer is ignored
                // (tree-sitter already reported it).
                if !self
                    .frames
                    .iter()
                    .any(|f| matches!(f, Frame::Object { .. }) == is_object)
                {
                    return;
                }
                while let Some(frame) = self.frames.pop() {
                    let matched = matches!(frame, Frame::Object { .. }) == is_object;
                    let node = self.close(frame, span.end, matched);
                    self.deliver(node);
                    if matched {
                        break;
                    }
                }
            }
            Token::Colon(_) => {}
            Token::Comma(_) => {
                if let Some(Frame::Object {
                    pending_key, members, ..
                }) = self.frames.last_mut()
                    && let Some(key) = pending_key.take()
                {
                    members.push(Member { key, value: None });
                }
            }
            Token::Scalar(node) => {
                self.last_end = node.span.end;
                if self.skipped == 0 {
                    self.deliver(node);
                }
            }
            Token::Str(s) => {
                self.last_end = s.span.end;
                if self.skipped > 0 {
                    return;
                }
                let text = self.text;
                if let Some(Frame::Object {
                    pending_key, members, ..
                }) = self.frames.last_mut()
                {
                    match pending_key {
                        Some(key) if colon_between(text, key.span.end, s.span.start) => {}
                        Some(_) => {
                            // `"a" "b"`: the first key never got its colon.
                            if let Some(key) = pending_key.take() {
                                members.push(Member { key, value: None });
                            }
                            *pending_key = Some(s);
                            return;
                        }
                        None => {
                            *pending_key = Some(s);
                            return;
                        }
                    }
                }
                let span = s.span;
                self.deliver(Node {
                    span,
                    value: Value::String(s),
                });
            }
        }
    }

    fn close(&mut self, frame: Frame, end: usize, closed: bool) -> Node {
        match frame {
            Frame::Object {
                start,
                mut members,
                pending_key,
                ..
            } => {
                if let Some(key) = pending_key {
                    members.push(Member { key, value: None });
                }
                Node {
                    span: Span::new(start.start, end),
                    value: Value::Object(Object { members, closed }),
                }
            }
            Frame::Array { start, items } => Node {
                span: Span::new(start.start, end),
                value: Value::Array(Array { items, closed }),
            },
        }
    }

    fn deliver(&mut self, node: Node) {
        match self.frames.last_mut() {
            Some(Frame::Array { items, .. }) => items.push(node),
            Some(Frame::Object {
                members,
                pending_key,
                seen,
                ..
            }) => {
                // A value with no key before it is dropped; tree-sitter reported the error.
                if let Some(key) = pending_key.take() {
                    if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key.value) {
                        self.duplicates.push(DuplicateKey {
                            key: key.value.clone(),
                            first: *first,
                            duplicate: key.span,
                        });
                    } else {
                        seen.push((key.value.clone(), key.span));
                    }
                    members.push(Member { key, value: Some(node) });
                }
            }
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                } else if self.extra_top_level.is_none() {
                    self.extra_top_level = Some(node.span);
                }
            }
        }
    }

    fn finish(mut self) -> JsonDocument {
        let end = self.last_end.max(self.text.trim_end().len()).min(self.text.len());
        if self.skipped > 0 {
            self.skipped = 0;
            let node = Node {
                span: Span::new(self.skipped_start, end),
                value: Value::TooDeep,
            };
            self.deliver(node);
        }
        if let Some((_, innermost)) = self.grammar.unclosed() {
            let (open, close) = match innermost {
                Container::Object => ("{", "}"),
                Container::Array => ("[", "]"),
            };
            let at = self.widen(Span::empty(end));
            let message = format!("unexpected end of document: `{open}` is not closed; add `{close}`");
            if !self
                .errors
                .iter()
                .any(|e| e.message.starts_with("unexpected end of document"))
            {
                self.error(at, message);
            }
        }
        while let Some(frame) = self.frames.pop() {
            let node = self.close(frame, end, false);
            self.deliver(node);
        }
        let grammar = std::mem::take(&mut self.grammar.errors);
        self.errors
            .extend(grammar.into_iter().map(|(span, message)| SyntaxError { span, message }));
        if let Some(span) = self.extra_top_level
            // Unless an error there already says what is wrong (an unterminated string).
            && !self.errors.iter().any(|e| span.range().contains(&e.span.start))
        {
            self.error(
                span,
                "unexpected content after the policy: a policy document is a single JSON object".into(),
            );
        }
        if self.errors.is_empty() && self.tree_has_error {
            // Nothing above explains why tree-sitter found the document broken: say what it saw.
            self.errors = std::mem::take(&mut self.tree_errors);
        }
        if self.root.is_none() && self.errors.is_empty() {
            self.error(
                Span::new(0, self.text.len().min(1)),
                "the document is empty: a policy is a JSON object".into(),
            );
        }
        self.errors.sort_by_key(|e| (e.span.start, e.span.end));
        self.errors.dedup_by(|a, b| a.span == b.span);
        JsonDocument {
            root: self.root,
            syntax_errors: self.errors,
            duplicate_keys: self.duplicates,
        }
    }
}

/// Mismatched closing brackets plus containers left open when the text from `from` on is read
/// with `open` (outermost first) already open. Strings are skipped as the lexer would.
fn unbalance(text: &str, from: usize, mut open: Vec<Container>) -> usize {
    let bytes = text.as_bytes();
    let mut cost = 0;
    let mut i = from;
    while let Some(&c) = bytes.get(i) {
        match c {
            b'"' => {
                i = unterminated_string_end(text, i);
                continue;
            }
            b'{' => open.push(Container::Object),
            b'[' => open.push(Container::Array),
            b'}' | b']' => {
                let container = if c == b'}' { Container::Object } else { Container::Array };
                if open.last() == Some(&container) {
                    open.pop();
                } else {
                    cost += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    cost + open.len()
}

fn colon_between(text: &str, from: usize, to: usize) -> bool {
    text.get(from..to).is_some_and(|between| between.contains(':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root_object(doc: &JsonDocument) -> &Object {
        let root = doc.root.as_ref().map(|r| &r.value);
        match root {
            Some(Value::Object(o)) => o,
            other => unreachable_value(other),
        }
    }

    fn unreachable_value(v: Option<&Value>) -> ! {
        panic!("expected an object, got {v:?}")
    }

    #[test]
    fn well_formed_document_has_spans_and_no_errors() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]}"#;
        let doc = parse(text);
        assert!(doc.syntax_errors.is_empty(), "{:?}", doc.syntax_errors);
        let obj = root_object(&doc);
        assert_eq!(obj.members.len(), 2);
        let version = obj
            .get("Version")
            .and_then(|m| m.value.as_ref())
            .and_then(|v| v.value.as_str());
        assert_eq!(
            version.map(|s| (s.value.as_str(), &text[s.span.range()])),
            Some(("2012-10-17", "\"2012-10-17\""))
        );
    }

    #[test]
    fn unclosed_document_keeps_nesting() {
        let text = r#"{"Statement": [{"Effect": "Allow", "Action": ["s3:Get", "#;
        let doc = parse(text);
        let obj = root_object(&doc);
        let stmts = obj
            .get("Statement")
            .and_then(|m| m.value.as_ref())
            .and_then(|v| v.value.as_array());
        let stmt = stmts.and_then(|a| a.items.first()).and_then(|n| n.value.as_object());
        let action = stmt
            .and_then(|s| s.get("Action"))
            .and_then(|m| m.value.as_ref())
            .and_then(|v| v.value.as_array());
        assert_eq!(action.map(|a| a.items.len()), Some(1));
        assert!(
            doc.syntax_errors.iter().any(|e| e.message.contains("not closed")),
            "{:?}",
            doc.syntax_errors
        );
    }

    #[test]
    fn unterminated_string_is_recovered() {
        let doc = parse(r#"{"Action": "s3:Get"#);
        let obj = root_object(&doc);
        let action = obj
            .get("Action")
            .and_then(|m| m.value.as_ref())
            .and_then(|v| v.value.as_str());
        assert_eq!(
            action.map(|s| (s.value.as_str(), s.terminated)),
            Some(("s3:Get", false))
        );
    }

    #[test]
    fn comments_and_trailing_commas_are_errors() {
        let doc = parse("{ // c\n \"a\": [1,2,],\n \"b\": 1 }");
        let messages: Vec<_> = doc.syntax_errors.iter().map(|e| e.message.as_str()).collect();
        assert!(messages.iter().any(|m| m.contains("comments")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("trailing comma")), "{messages:?}");
    }

    #[test]
    fn escapes_and_surrogates_decode() {
        let text = r#"{"a": "x\u00e9\ud83d\ude00\n", "b": "\ud800"}"#;
        let doc = parse(text);
        let obj = root_object(&doc);
        let a = obj
            .get("a")
            .and_then(|m| m.value.as_ref())
            .and_then(|v| v.value.as_str());
        assert_eq!(a.map(|s| s.value.as_str()), Some("xé😀\n"));
        assert_eq!(doc.syntax_errors.len(), 1);
        assert!(doc.syntax_errors[0].message.contains("lone surrogate"));
    }

    #[test]
    fn duplicate_keys_are_recorded() {
        let doc = parse(r#"{"a": 1, "b": 2, "a": 3}"#);
        assert_eq!(doc.duplicate_keys.len(), 1);
        assert_eq!(doc.duplicate_keys[0].duplicate, Span::new(17, 20));
    }

    #[test]
    fn missing_comma_is_reported_between_members() {
        let doc = parse(r#"{"Statement": [{"Effect": "Allow" "Action": "*"}]}"#);
        assert!(
            doc.syntax_errors.iter().any(|e| e.message.contains("expected `,`")),
            "{:?}",
            doc.syntax_errors
        );
        let obj = root_object(&doc);
        let stmt = obj
            .get("Statement")
            .and_then(|m| m.value.as_ref())
            .and_then(|v| v.value.as_array())
            .and_then(|a| a.items.first())
            .and_then(|n| n.value.as_object());
        assert_eq!(stmt.map(|s| s.members.len()), Some(2));
    }

    /// (line, message) of each syntax error, lines counted from 1.
    fn errors(text: &str) -> Vec<(usize, String)> {
        parse(text)
            .syntax_errors
            .iter()
            .map(|e| (text[..e.span.start].matches('\n').count() + 1, e.message.clone()))
            .collect()
    }

    const STATEMENTS: &str = "{\"Version\": \"2012-10-17\", \"Statement\": [\n";

    #[test]
    fn one_mistake_is_one_error() {
        let cases: [(&str, &str, usize, &str); 9] = [
            (
                "missing comma between statements",
                "  {\"Effect\": \"Allow\"}\n  {\"Effect\": \"Deny\"},\n  {\"Effect\": \"Allow\"},\n  {\"Effect\": \"Deny\"}\n]}",
                2,
                "expected `,` between these items",
            ),
            (
                "missing comma between members",
                "  {\"Effect\": \"Allow\"\n   \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}\n]}",
                2,
                "expected `,` between these members",
            ),
            (
                "missing colon",
                "  {\"Effect\" \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"},\n  {\"Effect\": \"Deny\"}\n]}",
                2,
                "expected `:` after this key",
            ),
            (
                "unquoted word",
                "  {\"Effect\": Allow, \"Action\": \"s3:GetObject\"}\n]}",
                2,
                "unexpected `Allow`: strings need double quotes",
            ),
            (
                "unclosed statement",
                "  {\"Effect\": \"Allow\", \"Resource\": \"*\"\n  {\"Effect\": \"Deny\"},\n  {\"Effect\": \"Allow\"}\n]}",
                2,
                "expected `}` to close this object (and `,` before the next)",
            ),
            (
                "missing comma in a list",
                "  {\"Action\": [\"s3:GetObject\" \"s3:PutObject\", \"s3:ListBucket\"]}\n]}",
                2,
                "expected `,` between these items",
            ),
            (
                "value missing",
                "  {\"Effect\": , \"Action\": \"*\"}\n]}",
                2,
                "expected a value after `:`",
            ),
            (
                "wrong closing bracket",
                "  {\"Action\": [\"s3:GetObject\"}\n]}",
                2,
                "expected `]`: this `[` is not closed",
            ),
            (
                "stray closer",
                "  {\"Effect\": \"Allow\"}}\n]}",
                2,
                "unexpected `}`: one too many",
            ),
        ];
        for (what, body, line, message) in cases {
            let text = format!("{STATEMENTS}{body}\n");
            assert_eq!(errors(&text), [(line, message.to_owned())], "{what}:\n{text}");
        }
    }

    #[test]
    fn a_trailing_comma_in_each_container_is_reported_once_each() {
        let text = format!("{STATEMENTS}  {{\"Effect\": \"Allow\",}},\n]}}\n");
        let found = errors(&text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.iter().all(|(_, m)| m.contains("trailing comma")), "{found:?}");
    }

    #[test]
    fn debris_after_an_unterminated_string_is_not_reported_again() {
        let text = format!(
            "{STATEMENTS}  {{\"Effect\": \"Allow\", \"Action\": \"s3:Get, \"Resource\": \"*\"}},\n  {{\"Effect\": \"Deny\"}}\n]}}\n"
        );
        let found = errors(&text);
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn deep_nesting_is_kept_opaque() {
        let depth = 100_000;
        let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let doc = parse(&text);
        assert!(doc.root.is_some());
        let text = "[".repeat(depth);
        let doc = parse(&text);
        assert!(!doc.syntax_errors.is_empty());
    }

    #[test]
    fn source_span_maps_through_escapes() {
        let text = r#"{"a": "\u0041${aws:username}"}"#;
        let doc = parse(text);
        let obj = root_object(&doc);
        let s = obj
            .get("a")
            .and_then(|m| m.value.as_ref())
            .and_then(|v| v.value.as_str())
            .cloned();
        let s = s.unwrap_or_else(|| unreachable_value(None));
        let span = s.source_span(text, 1..s.value.len());
        assert_eq!(&text[span.range()], "${aws:username}");
    }
}
