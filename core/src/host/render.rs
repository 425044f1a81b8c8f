//! Writing values in a host's own syntax. Checks, refactors and completion produce edits in
//! JSON syntax (a quoted string, an array, a member to insert); here each edit is rewritten for
//! the host the policy stands in, or dropped when it cannot be written there without guessing.
//!
//! - JSON templates take the edits as they are; a Terraform heredoc too, with `${` escaped.
//! - YAML: a string replacing a string keeps the style of the one it replaces (plain stays
//!   plain where YAML allows it, quotes stay quotes); arrays and objects are written in flow
//!   style, which is JSON; members to insert become `Key: value` lines.
//! - HCL: JSON values are HCL expressions once `${` and `%{` are escaped; members to insert
//!   become `Key = value`.
//! - Policies written as JSON inside a quoted host string, and the synthesised keys of
//!   Terraform's policy-document data source, are read-only: their fixes are dropped.

use super::Syntax;
use crate::finding::{Edit, Fix};
use crate::json::{JsonString, Node, Value};
use crate::span::Span;

/// Rewrites `fixes` for a policy written in `syntax` inside `text`; fixes with an edit that
/// cannot be written are dropped.
pub fn fixes(fixes: Vec<Fix>, syntax: Syntax, text: &str, root: Option<&Node>) -> Vec<Fix> {
    if syntax == Syntax::Json {
        return fixes;
    }
    fixes
        .into_iter()
        .filter_map(|fix| {
            let edits = fix
                .edits
                .iter()
                .map(|e| edit(e, syntax, text, root))
                .collect::<Option<Vec<Edit>>>()?;
            Some(Fix {
                title: fix.title,
                edits,
            })
        })
        .collect()
}

/// One edit in the host's syntax, or `None`.
pub fn edit(e: &Edit, syntax: Syntax, text: &str, root: Option<&Node>) -> Option<Edit> {
    match syntax {
        Syntax::Json => Some(e.clone()),
        Syntax::Quoted => None,
        Syntax::HeredocJson => Some(Edit {
            span: e.span,
            new_text: escape_template(&e.new_text),
        }),
        Syntax::Yaml | Syntax::Hcl | Syntax::HclBlocks => {
            let target = root.and_then(|r| string_at(r, e.span));
            if let Some(target) = target {
                // Keys synthesised from other names (`actions` for `Action`) cannot be renamed.
                if !is_written_as_is(target, text) {
                    return None;
                }
            }
            let new_text = match parse_json(&e.new_text) {
                Some(JsonValue::String(s)) => match syntax {
                    Syntax::Yaml => yaml_scalar(&s, target.map(|t| quote_of(t, text))),
                    _ => hcl_string(&s),
                },
                Some(JsonValue::Other) if syntax != Syntax::HclBlocks => match syntax {
                    Syntax::Yaml => e.new_text.clone(),
                    _ => escape_template(&e.new_text),
                },
                Some(JsonValue::Other) => return None,
                None if e.new_text.is_empty() => String::new(),
                None => {
                    if let Some(members) = members_insertion(&e.new_text, syntax) {
                        members
                    } else if inside_verbatim(root, e.span) && is_safe_fragment(&e.new_text, syntax) {
                        match syntax {
                            Syntax::Yaml => e.new_text.clone(),
                            _ => escape_template(&e.new_text),
                        }
                    } else if e.new_text.trim() == "[" || e.new_text.trim() == "]" {
                        // Wrapping a value in an array: flow syntax in YAML, a tuple in HCL.
                        e.new_text.clone()
                    } else {
                        return None;
                    }
                }
            };
            Some(Edit { span: e.span, new_text })
        }
    }
}

/// `${` and `%{` start interpolations and directives in HCL templates and heredocs.
pub fn escape_template(text: &str) -> String {
    text.replace("${", "$${").replace("%{", "%%{")
}

enum JsonValue {
    String(String),
    Other,
}

/// The JSON value `text` holds, when it is one complete value.
fn parse_json(text: &str) -> Option<JsonValue> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return None;
    }
    let doc = crate::json::parse(trimmed);
    if !doc.syntax_errors.is_empty() {
        return None;
    }
    let root = doc.root?;
    if root.span != crate::span::Span::new(0, trimmed.len()) {
        return None;
    }
    Some(match root.value {
        Value::String(s) => JsonValue::String(s.value),
        _ => JsonValue::Other,
    })
}

/// The key or string value whose span is exactly `span`.
fn string_at(root: &Node, span: Span) -> Option<&JsonString> {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if !node.span.contains_span(span) {
            continue;
        }
        match &node.value {
            Value::String(s) if s.span == span => return Some(s),
            Value::Object(o) => {
                for m in &o.members {
                    if m.key.span == span {
                        return Some(&m.key);
                    }
                    stack.extend(m.value.as_ref());
                }
            }
            Value::Array(a) => stack.extend(a.items.iter()),
            _ => {}
        }
    }
    None
}

/// Whether the source of a string spells its value (possibly quoted), so that rewriting the
/// value rewrites what the user wrote.
fn is_written_as_is(s: &JsonString, text: &str) -> bool {
    let source = text.get(s.span.range()).unwrap_or("");
    let unquoted = source.trim_matches(['"', '\'']);
    match &s.host {
        Some(h) => !h.unknown.is_empty() || h.pieces.iter().any(|p| p.verbatim) || unquoted == s.value,
        None => true,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quote {
    Plain,
    Single,
    Double,
}

fn quote_of(s: &JsonString, text: &str) -> Quote {
    match text.as_bytes().get(s.span.start) {
        Some(b'"') => Quote::Double,
        Some(b'\'') => Quote::Single,
        _ => Quote::Plain,
    }
}

/// A YAML scalar for `value`: in the style it replaces when that style can hold it, plain
/// when the value is safe unquoted, else single-quoted (or double-quoted for control
/// characters, which only double quotes can escape).
pub fn yaml_scalar(value: &str, replacing: Option<Quote>) -> String {
    let needs_escapes = value.chars().any(char::is_control);
    match replacing {
        Some(Quote::Double) => return json_quoted(value),
        Some(Quote::Single) if !needs_escapes => return single_quoted(value),
        _ => {}
    }
    if needs_escapes {
        json_quoted(value)
    } else if is_plain_safe(value) {
        value.to_owned()
    } else {
        single_quoted(value)
    }
}

fn single_quoted(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

fn json_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether a string can be written as a YAML plain scalar and read back as the same string
/// (not a number, boolean or null, no indicator at its start, no `: ` or ` #` inside).
pub fn is_plain_safe(value: &str) -> bool {
    let mut chars = value.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let second = chars.next();
    let starts_ok = match first {
        // `-x`, `?x`, `:x` are plain scalars; `- x` and a lone `-` are not.
        '-' | '?' | ':' => second.is_some_and(|c| !c.is_whitespace()),
        c => !",[]{}#&*!|>'\"%@` \t".contains(c),
    };
    if !starts_ok || value.ends_with([' ', ':']) || value.contains(": ") || value.contains(" #") || value.contains('\n')
    {
        return false;
    }
    if value.contains([',', '[', ']', '{', '}']) {
        // Safe in block context but not in flow context; quote to be safe in both.
        return false;
    }
    let lower = value.to_ascii_lowercase();
    let reserved = matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~" | "y" | "n" | ".nan" | ".inf" | "-.inf"
    );
    !reserved && !looks_numeric(value) && !looks_like_date(value)
}

/// `2012-10-17` is a timestamp to YAML 1.1 readers; quoting it keeps it a string everywhere.
fn looks_like_date(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() >= 10 && b.iter().take(4).all(u8::is_ascii_digit) && b.get(4) == Some(&b'-') && b.get(7) == Some(&b'-')
}

fn looks_numeric(value: &str) -> bool {
    let v = value.strip_prefix(['-', '+']).unwrap_or(value);
    !v.is_empty()
        && (v.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '_')
            || v.starts_with("0x")
            || v.starts_with("0o")
            || (v.chars().all(|c| c.is_ascii_digit() || "eE.+-".contains(c))
                && v.starts_with(|c: char| c.is_ascii_digit())))
}

/// An HCL quoted string.
pub fn hcl_string(value: &str) -> String {
    escape_template(&json_quoted(value))
}

/// `"Version": "2012-10-17",` + separator (a member inserted by a fix) written as host lines.
fn members_insertion(new_text: &str, syntax: Syntax) -> Option<String> {
    let body = new_text.trim_end();
    let (body, trailing) = match body.strip_suffix(',') {
        Some(b) => (b, &new_text[body.len()..]),
        None => (body, ""),
    };
    if !body.trim_start().starts_with('"') {
        return None;
    }
    let object = crate::json::parse(&format!("{{{body}}}"));
    if !object.syntax_errors.is_empty() {
        return None;
    }
    let members = object.root.as_ref()?.value.as_object()?;
    if members.members.is_empty() {
        return None;
    }
    let separator = if trailing.contains('\n') {
        trailing.to_owned()
    } else {
        // An inline insertion: members separated by a line break are not possible inline.
        match syntax {
            Syntax::Yaml => return None,
            _ => ", ".to_owned(),
        }
    };
    let lines: Option<Vec<String>> = members
        .members
        .iter()
        .map(|m| {
            let value = m.value.as_ref()?;
            let raw = format!("{{{body}}}");
            let value_text = raw.get(value.span.range())?.to_owned();
            Some(match syntax {
                Syntax::Yaml => {
                    let v = match &value.value {
                        Value::String(s) => yaml_scalar(&s.value, None),
                        _ => value_text,
                    };
                    format!("{}: {v}", yaml_scalar(&m.key.value, None))
                }
                Syntax::Hcl => format!("{} = {}", hcl_key(&m.key.value), escape_template(&value_text)),
                _ => return None,
            })
        })
        .collect();
    let lines = lines?;
    Some(format!("{}{separator}", lines.join(&separator)))
}

fn hcl_key(key: &str) -> String {
    let identifier = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if identifier { key.to_owned() } else { hcl_string(key) }
}

/// Whether `span` lies inside one verbatim piece of a string value or key.
fn inside_verbatim(root: Option<&Node>, span: Span) -> bool {
    let Some(root) = root else { return false };
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if !node.span.contains_span(span) {
            continue;
        }
        let covers = |s: &JsonString| {
            s.host
                .as_ref()
                .is_some_and(|h| h.pieces.iter().any(|p| p.verbatim && p.source.contains_span(span)))
        };
        match &node.value {
            Value::String(s) => return covers(s),
            Value::Object(o) => {
                for m in &o.members {
                    if m.key.span.contains_span(span) {
                        return covers(&m.key);
                    }
                    stack.extend(m.value.as_ref());
                }
            }
            Value::Array(a) => stack.extend(a.items.iter()),
            _ => {}
        }
    }
    false
}

/// Text that can go inside a plain, single- or double-quoted YAML scalar or an HCL string as
/// it is.
fn is_safe_fragment(text: &str, syntax: Syntax) -> bool {
    let forbidden: &[char] = match syntax {
        Syntax::Yaml => &['"', '\'', '\\', '\n', '#'],
        _ => &['"', '\\', '\n'],
    };
    !(text.contains(forbidden) || syntax == Syntax::Yaml && text.contains(": "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_scalars_stay_plain_when_they_can() {
        assert_eq!(yaml_scalar("s3:GetObject", None), "s3:GetObject");
        assert_eq!(yaml_scalar("s3:GetObject", Some(Quote::Plain)), "s3:GetObject");
        assert_eq!(yaml_scalar("s3:GetObject", Some(Quote::Double)), "\"s3:GetObject\"");
        assert_eq!(yaml_scalar("s3:GetObject", Some(Quote::Single)), "'s3:GetObject'");
        assert_eq!(yaml_scalar("2012-10-17", None), "'2012-10-17'");
        assert_eq!(yaml_scalar("*", None), "'*'");
        assert_eq!(yaml_scalar("true", None), "'true'");
        assert_eq!(yaml_scalar("12", None), "'12'");
        assert_eq!(yaml_scalar("a: b", None), "'a: b'");
        assert_eq!(yaml_scalar("it's", Some(Quote::Single)), "'it''s'");
        assert_eq!(yaml_scalar("arn:aws:s3:::b/*", None), "arn:aws:s3:::b/*");
        assert_eq!(yaml_scalar("${aws:username}", None), "'${aws:username}'");
    }

    #[test]
    fn hcl_strings_escape_interpolation() {
        assert_eq!(
            hcl_string("arn:aws:s3:::b/${aws:username}"),
            "\"arn:aws:s3:::b/$${aws:username}\""
        );
    }

    #[test]
    fn member_insertions_become_host_lines() {
        let yaml = members_insertion("\"Version\": \"2012-10-17\",\n  ", Syntax::Yaml);
        assert_eq!(yaml.as_deref(), Some("Version: '2012-10-17'\n  "));
        let hcl = members_insertion("\"Version\": \"2012-10-17\",\n    ", Syntax::Hcl);
        assert_eq!(hcl.as_deref(), Some("Version = \"2012-10-17\"\n    "));
        assert_eq!(members_insertion("\"Version\": \"2012-10-17\", ", Syntax::Yaml), None);
    }
}
