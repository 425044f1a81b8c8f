//! Completion in a policy embedded in a template: where the cursor is in YAML (by the tree, and
//! by the line's indentation for empty spots), and the items written in the template's syntax.

use super::locate::{self, Located, Pos, Seg, in_string};
use super::{Completion, Context, Ctx, Item, Slot, snippet_to_plain};
use crate::host::render::{is_plain_safe, yaml_scalar};
use crate::host::{EmbeddedPolicy, Syntax};
use crate::json::{JsonDocument, Node, Object, Value};
use crate::policy_type::PolicyType;

/// Stands for the mapping a YAML key will hold once its first entry is typed.
static EMPTY_OBJECT: Object = Object {
    members: Vec::new(),
    closed: true,
};

/// The completion at byte `offset` of `text` (a template) inside `embedded`.
pub fn complete_embedded(text: &str, embedded: &EmbeddedPolicy, offset: usize, policy_type: PolicyType) -> Completion {
    let none = Completion {
        context: Context::None,
        items: Vec::new(),
        is_incomplete: false,
    };
    let offset = crate::syntax::floor_char_boundary(text, offset.min(text.len()));
    let located = match embedded.syntax {
        // A policy inside a quoted string: edits there would have to be escaped for the host.
        Syntax::Quoted => return none,
        Syntax::Yaml => locate_yaml(text, &embedded.json, offset),
        _ => locate::locate(text, &embedded.json, offset),
    };
    let Some(located) = located else {
        return none;
    };
    // A value only known at deploy time is not ours to complete.
    let token = match &located.pos {
        Pos::Key { token, .. } | Pos::Value { token } => *token,
    };
    if token.is_some_and(|t| t.has_unknown()) {
        return none;
    }
    let slot = Slot::new(text, &located.pos, offset);
    let ctx = Ctx {
        text,
        cursor: offset,
        policy_type,
        located: &located,
        slot: &slot,
    };
    let (context, list) = ctx.dispatch();
    // The data source's blocks have names of their own (`actions`, `statement`): only values,
    // operators, condition keys and principal types are strings there.
    if embedded.syntax == Syntax::HclBlocks && matches!(context, Context::TopLevelKey | Context::StatementKey) {
        return none;
    }
    let (items, is_incomplete) = list.finish(&slot);
    let quote = token.and_then(|t| text.as_bytes().get(t.span.start).copied());
    let items = items
        .into_iter()
        .filter_map(|item| render(item, embedded.syntax, quote))
        .collect();
    Completion {
        context,
        items,
        is_incomplete,
    }
}

/// An item in the template's syntax; `quote` is the first byte of the token being replaced.
fn render(mut item: Item, syntax: Syntax, quote: Option<u8>) -> Option<Item> {
    match syntax {
        Syntax::Json => Some(item),
        Syntax::HeredocJson => {
            item.insert_text = escape_interpolation(&item.insert_text, item.is_snippet);
            Some(item)
        }
        Syntax::Quoted => None,
        Syntax::Yaml => {
            let quoted_token = matches!(quote, Some(b'"' | b'\''));
            item.insert_text = yaml_text(&item.insert_text, item.is_snippet, quote)?;
            if !quoted_token {
                item.filter_text = item
                    .filter_text
                    .trim_start_matches('"')
                    .trim_end_matches('"')
                    .to_owned();
            } else if quote == Some(b'\'') {
                item.filter_text = item.filter_text.replacen('"', "'", 1);
            }
            Some(item)
        }
        Syntax::Hcl | Syntax::HclBlocks => {
            let text = match split_key(&item.insert_text) {
                Some((key, _)) if syntax == Syntax::HclBlocks => key.to_owned(),
                Some((key, value)) => format!("{} = {value}", hcl_key(key)),
                None => item.insert_text.clone(),
            };
            item.insert_text = escape_interpolation(&text, item.is_snippet);
            Some(item)
        }
    }
}

/// `${` is an interpolation in HCL strings and heredocs: write IAM variables as `$${`. In a
/// snippet a literal `$` is written `\$`.
fn escape_interpolation(text: &str, snippet: bool) -> String {
    if snippet {
        text.replace("\\${", "\\$\\${")
    } else {
        text.replace("${", "$${")
    }
}

/// `"Key": value` → the key literal and the value text.
fn split_key(insert: &str) -> Option<(&str, &str)> {
    if !insert.starts_with('"') {
        return None;
    }
    let close = closing_quote(insert)?;
    let key = insert.get(..=close)?;
    let rest = insert.get(close + 1..)?.trim_start();
    let value = rest.strip_prefix(':')?.trim_start();
    Some((key, value))
}

/// The index of the quote closing the JSON string literal `s` starts with.
fn closing_quote(s: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices().skip(1) {
        match c {
            '\\' => escaped = !escaped,
            '"' if !escaped => return Some(i),
            _ => escaped = false,
        }
    }
    None
}

/// A bare HCL object key for `"Key"` when it is an identifier.
fn hcl_key(quoted: &str) -> String {
    let inner = quoted.trim_matches('"');
    if inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !inner.is_empty() {
        inner.to_owned()
    } else {
        quoted.to_owned()
    }
}

/// The YAML text of an item's JSON insert text: `"Key": value` becomes `Key: value`, a string
/// value becomes a plain scalar when it reads back the same, or keeps quotes.
fn yaml_text(insert: &str, snippet: bool, quote: Option<u8>) -> Option<String> {
    if let Some((key, value)) = split_key(insert) {
        let key = yaml_value(key, snippet, None)?;
        let value = if value.is_empty() {
            String::new()
        } else {
            yaml_value(value, snippet, None)?
        };
        return Some(format!("{key}: {value}"));
    }
    yaml_value(insert, snippet, quote)
}

fn yaml_value(text: &str, snippet: bool, quote: Option<u8>) -> Option<String> {
    let is_string = text.starts_with('"') && closing_quote(text) == Some(text.len() - 1);
    if !is_string {
        // Arrays, objects and snippets of them are JSON, which YAML reads as flow style; keep
        // them on one line.
        return Some(text.replace(['\n', '\t'], " "));
    }
    match quote {
        Some(b'"') => return Some(text.to_owned()),
        Some(b'\'') => {
            let inner = text.get(1..text.len() - 1)?;
            return Some(format!("'{}'", inner.replace("\\\"", "\"").replace('\'', "''")));
        }
        _ => {}
    }
    let inner = text.get(1..text.len() - 1)?;
    let plain = if snippet {
        snippet_to_plain(inner)
    } else {
        inner.to_owned()
    };
    let unescaped = plain.replace("\\\"", "\"").replace("\\\\", "\\");
    if is_plain_safe(&unescaped) {
        Some(inner.replace("\\\"", "\"").replace("\\\\", "\\"))
    } else if snippet {
        Some(format!("'{}'", inner.replace("\\\"", "\"").replace('\'', "''")))
    } else {
        Some(yaml_scalar(&unescaped, None))
    }
}

/// Where the cursor is in a YAML policy: on a token (found through the tree), or on an empty
/// spot read from its line (`Key: |` a value, `- |` a new item, an indented blank a new key).
fn locate_yaml<'a>(text: &str, doc: &'a JsonDocument, cursor: usize) -> Option<Located<'a>> {
    let root = doc.root.as_ref()?;
    if let Some(found) = on_token(text, root, cursor) {
        return Some(found);
    }
    let line_start = text.get(..cursor)?.rfind('\n').map_or(0, |n| n + 1);
    let before = text.get(line_start..cursor)?;
    let trimmed = before.trim_end();
    let no_dashes = trimmed.trim_start().trim_start_matches(['-', ' ', '\t']);
    if !trimmed.is_empty() && no_dashes.is_empty() {
        // `- |`: the item the dash started (read as null).
        let dash = line_start + trimmed.len() - 1;
        return path_to(root, |n| matches!(n.value, Value::Null) && n.span.start == dash).map(|(path, nodes)| {
            Located {
                path,
                nodes: nodes.get(..nodes.len().saturating_sub(1)).unwrap_or_default().to_vec(),
                pos: Pos::Value { token: None },
            }
        });
    }
    if let Some(key_text) = trimmed.strip_suffix(':') {
        // `Key: |`: the value of that key.
        let key_end = line_start + key_text.trim_end().len();
        return member_ending_at(root, key_end).map(|(mut path, nodes, key)| {
            path.push(Seg::Key(key));
            Located {
                path,
                nodes,
                pos: Pos::Value { token: None },
            }
        });
    }
    if !trimmed.is_empty() {
        return None;
    }
    // An indented blank: a new key of the mapping whose keys stand in this column, or the first
    // key of a mapping under a `Key:` that has no value yet.
    let column = before.len();
    let previous = previous_line(text, line_start)?;
    let previous_indent = previous.1.len() - previous.1.trim_start().len();
    let previous_body = previous.1.trim();
    if column > previous_indent
        && let Some(key_text) = previous_body.strip_suffix(':')
    {
        let key_end = previous.0 + previous.1.trim_end().len() - 1;
        let key_end = key_end - (key_text.len() - key_text.trim_end().len());
        if let Some((mut path, nodes, key)) = member_ending_at(root, key_end) {
            path.push(Seg::Key(key));
            return Some(Located {
                path,
                nodes,
                pos: Pos::Key {
                    object: &EMPTY_OBJECT,
                    token: None,
                },
            });
        }
    }
    mapping_in_column(text, root, column, cursor).map(|(path, nodes, object)| Located {
        path,
        nodes,
        pos: Pos::Key { object, token: None },
    })
}

/// The start offset and text of the last non-blank line before `line_start`.
fn previous_line(text: &str, line_start: usize) -> Option<(usize, &str)> {
    let mut end = line_start.checked_sub(1)?;
    loop {
        let start = text.get(..end)?.rfind('\n').map_or(0, |n| n + 1);
        let line = text.get(start..end)?;
        if !line.trim().is_empty() && !line.trim_start().starts_with('#') {
            return Some((start, line));
        }
        end = start.checked_sub(1)?;
    }
}

/// The path to a token under the cursor, descending through the nodes that hold it; flow
/// collections (`[a, |]`, `{Service: |}`) are read like JSON.
fn on_token<'a>(text: &str, root: &'a Node, cursor: usize) -> Option<Located<'a>> {
    let mut path = Vec::new();
    let mut nodes = vec![root];
    let mut node = root;
    loop {
        match &node.value {
            Value::Object(object) => {
                let mut next = None;
                for m in &object.members {
                    if in_string(text, &m.key, cursor) {
                        return Some(Located {
                            path,
                            nodes,
                            pos: Pos::Key {
                                object,
                                token: Some(&m.key),
                            },
                        });
                    }
                    if let Some(v) = &m.value
                        && v.span.touches(cursor)
                        && !(v.span.end == cursor && is_flow_closed(text, v))
                    {
                        next = Some((m.key.value.as_str(), v));
                        break;
                    }
                }
                match next {
                    Some((key, v)) => {
                        path.push(Seg::Key(key));
                        nodes.push(v);
                        node = v;
                    }
                    None if is_flow(text, node) => {
                        // `{a: b, |}` a key; `{a: |}` the value of `a`.
                        let before = text.get(node.span.start..cursor)?.trim_end();
                        if before.ends_with(':') {
                            let last = object.members.iter().rev().find(|m| m.key.span.end <= cursor)?;
                            path.push(Seg::Key(last.key.value.as_str()));
                            return Some(Located {
                                path,
                                nodes,
                                pos: Pos::Value { token: None },
                            });
                        }
                        return Some(Located {
                            path,
                            nodes,
                            pos: Pos::Key { object, token: None },
                        });
                    }
                    None => return None,
                }
            }
            Value::Array(array) => {
                match array
                    .items
                    .iter()
                    .enumerate()
                    .find(|(_, i)| i.span.touches(cursor) && !(i.span.end == cursor && is_flow_closed(text, i)))
                {
                    Some((i, item)) => {
                        path.push(Seg::Index(i));
                        nodes.push(item);
                        node = item;
                    }
                    None if is_flow(text, node) && cursor > node.span.start && cursor < node.span.end => {
                        let index = array.items.iter().filter(|i| i.span.end <= cursor).count();
                        path.push(Seg::Index(index));
                        return Some(Located {
                            path,
                            nodes,
                            pos: Pos::Value { token: None },
                        });
                    }
                    None => return None,
                }
            }
            Value::String(s) if in_string(text, s, cursor) => {
                return Some(Located {
                    path,
                    nodes,
                    pos: Pos::Value { token: Some(s) },
                });
            }
            _ => return None,
        }
    }
}

fn is_flow(text: &str, node: &Node) -> bool {
    matches!(text.as_bytes().get(node.span.start), Some(b'[' | b'{'))
}

/// A flow collection whose closing bracket ends at its span's end (the cursor after it is
/// outside).
fn is_flow_closed(text: &str, node: &Node) -> bool {
    is_flow(text, node) && matches!(text.as_bytes().get(node.span.end.saturating_sub(1)), Some(b']' | b'}'))
}

type Path<'a> = (Vec<Seg<'a>>, Vec<&'a Node>);

/// The path to the first node (depth first) that `pred` accepts; `nodes` ends with that node.
fn path_to<'a>(root: &'a Node, pred: impl Fn(&Node) -> bool) -> Option<Path<'a>> {
    fn walk<'a>(
        node: &'a Node,
        pred: &dyn Fn(&Node) -> bool,
        path: &mut Vec<Seg<'a>>,
        nodes: &mut Vec<&'a Node>,
    ) -> bool {
        nodes.push(node);
        if pred(node) {
            return true;
        }
        match &node.value {
            Value::Object(o) => {
                for m in &o.members {
                    if let Some(v) = &m.value {
                        path.push(Seg::Key(m.key.value.as_str()));
                        if walk(v, pred, path, nodes) {
                            return true;
                        }
                        path.pop();
                    }
                }
            }
            Value::Array(a) => {
                for (i, item) in a.items.iter().enumerate() {
                    path.push(Seg::Index(i));
                    if walk(item, pred, path, nodes) {
                        return true;
                    }
                    path.pop();
                }
            }
            _ => {}
        }
        nodes.pop();
        false
    }
    let mut path = Vec::new();
    let mut nodes = Vec::new();
    walk(root, &pred, &mut path, &mut nodes).then_some((path, nodes))
}

/// The member whose key token ends at `key_end`: the path to its object, the nodes, its key.
fn member_ending_at(root: &Node, key_end: usize) -> Option<(Vec<Seg<'_>>, Vec<&Node>, &str)> {
    let (path, nodes) = path_to(root, |n| {
        n.value
            .as_object()
            .is_some_and(|o| o.members.iter().any(|m| m.key.span.end == key_end))
    })?;
    let object = nodes.last()?.value.as_object()?;
    let member = object.members.iter().find(|m| m.key.span.end == key_end)?;
    Some((path, nodes, member.key.value.as_str()))
}

/// The innermost mapping whose keys stand in `column` and that the line at `cursor` still
/// belongs to (no line between its last key and the cursor is indented less).
fn mapping_in_column<'a>(
    text: &str,
    root: &'a Node,
    column: usize,
    cursor: usize,
) -> Option<(Vec<Seg<'a>>, Vec<&'a Node>, &'a Object)> {
    let column_of = |offset: usize| -> usize {
        let start = text.get(..offset).and_then(|t| t.rfind('\n')).map_or(0, |n| n + 1);
        offset - start
    };
    let (path, nodes) = path_to(root, |n| {
        let Some(o) = n.value.as_object() else { return false };
        let Some(first) = o.members.first() else { return false };
        if first.key.span.start >= cursor || column_of(first.key.span.start) != column {
            return false;
        }
        // Still inside: every non-blank line from the object's last key to the cursor is
        // indented at least as far, and no later key of this column follows in another object.
        let last = o
            .members
            .iter()
            .rev()
            .find(|m| m.key.span.start < cursor)
            .map_or(first.key.span.start, |m| m.key.span.start);
        text.get(last..cursor).is_some_and(|between| {
            between.lines().skip(1).all(|l| {
                let body = l.trim_start();
                body.is_empty() || body.starts_with('#') || l.len() - body.len() >= column
            })
        })
    })?;
    let object = nodes.last()?.value.as_object()?;
    Some((path, nodes, object))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::{self, HostKind};

    /// Completes at `|` in a CloudFormation YAML template.
    fn complete_yaml(template: &str) -> Completion {
        let offset = template.find('|').unwrap_or(0);
        let text = template.replacen('|', "", 1);
        let found = host::parse(HostKind::CloudFormationYaml, &text);
        let Some(policy) = found.policies.iter().find(|p| p.span.touches(offset)) else {
            return Completion {
                context: Context::None,
                items: Vec::new(),
                is_incomplete: false,
            };
        };
        complete_embedded(&text, policy, offset, PolicyType::Identity)
    }

    const HEAD: &str = "Resources:\n  R:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n";

    fn labels(c: &Completion) -> Vec<&str> {
        c.items.iter().map(|i| i.label.as_str()).collect()
    }

    #[test]
    fn actions_in_a_plain_scalar_are_inserted_plain() {
        let c = complete_yaml(&format!(
            "{HEAD}          - Effect: Allow\n            Action: s3:GetObj|\n"
        ));
        assert_eq!(c.context, Context::Action);
        let item = c.items.iter().find(|i| i.label == "s3:GetObject");
        assert_eq!(
            item.map(|i| (i.insert_text.as_str(), i.filter_text.as_str())),
            Some(("s3:GetObject", "s3:GetObject"))
        );
    }

    #[test]
    fn actions_in_a_list_item_and_in_quotes_keep_their_style() {
        let c = complete_yaml(&format!(
            "{HEAD}          - Effect: Allow\n            Action:\n              - \"s3:GetObj|\"\n"
        ));
        let item = c.items.iter().find(|i| i.label == "s3:GetObject");
        assert_eq!(item.map(|i| i.insert_text.as_str()), Some("\"s3:GetObject\""));
        let c = complete_yaml(&format!(
            "{HEAD}          - Effect: Allow\n            Action: ['s3:GetObj|']\n"
        ));
        let item = c.items.iter().find(|i| i.label == "s3:GetObject");
        assert_eq!(item.map(|i| i.insert_text.as_str()), Some("'s3:GetObject'"));
    }

    #[test]
    fn empty_value_and_new_keys_by_indentation() {
        let c = complete_yaml(&format!("{HEAD}          - Effect: |\n"));
        assert_eq!(c.context, Context::Effect);
        assert!(labels(&c).contains(&"Allow"), "{:?}", labels(&c));
        let c = complete_yaml(&format!("{HEAD}          - Effect: Allow\n            |\n"));
        assert_eq!(c.context, Context::StatementKey);
        let action = c.items.iter().find(|i| i.label == "Action");
        assert!(
            action.is_some_and(|i| i.insert_text.starts_with("Action: ")),
            "{action:?}"
        );
        let c = complete_yaml(&format!(
            "{HEAD}          - Effect: Allow\n            Condition:\n              |\n"
        ));
        assert_eq!(c.context, Context::ConditionOperator);
    }

    #[test]
    fn new_list_item_of_actions() {
        let c = complete_yaml(&format!(
            "{HEAD}          - Effect: Allow\n            Action:\n              - s3:GetObject\n              - |\n"
        ));
        assert_eq!(c.context, Context::Action);
    }

    #[test]
    fn deploy_time_values_are_not_completed() {
        let c = complete_yaml(&format!(
            "{HEAD}          - Effect: Allow\n            Resource: !Sub 'arn:${{AWS::Partition}}:s3:::${{B}}|'\n"
        ));
        assert!(c.items.is_empty(), "{:?}", labels(&c));
    }
}
