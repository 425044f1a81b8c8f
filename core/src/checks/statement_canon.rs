//! A canonical text for statements and their elements, so that statements can be compared by
//! hashing: element order, array order, repeated entries, a string versus a one-item array, the
//! case of action names, condition operators and condition keys do not matter; everything else
//! (values, ARNs, principal kinds) is compared exactly.

use crate::json::{Node, Value};
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::rc::Rc;

/// How strings under an element compare.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fold {
    /// Exact.
    None,
    /// Lowercased (action names).
    Values,
    /// Object keys lowercased (condition operators and keys); values exact.
    Keys,
}

/// Statements at least this long have their canonical text remembered by source text: a large
/// managed policy's statement of 1,500 actions costs 0.1 ms to canonicalise on every keystroke.
pub(super) const REMEMBER_FROM: usize = 2048;
/// Bounds of the memory; cleared when exceeded.
const MAX_REMEMBERED: usize = 64;
const MAX_REMEMBERED_BYTES: usize = 32 << 20;

#[derive(Default)]
struct Remembered {
    by_text: FxHashMap<Box<str>, Rc<str>>,
    bytes: usize,
}

thread_local! {
    static REMEMBERED: RefCell<Remembered> = RefCell::new(Remembered::default());
}

/// [`statement`] of the statement whose source is `source` (its canonical text depends on its
/// text alone), remembered across calls for large statements.
pub(super) fn statement_of_source(source: &str, object: &crate::json::Object) -> Rc<str> {
    if source.len() < REMEMBER_FROM {
        return statement(object).into();
    }
    if let Some(canon) = REMEMBERED.with(|r| r.borrow().by_text.get(source).cloned()) {
        return canon;
    }
    let canon: Rc<str> = statement(object).into();
    REMEMBERED.with(|r| {
        let mut r = r.borrow_mut();
        if r.by_text.len() >= MAX_REMEMBERED || r.bytes + source.len() + canon.len() > MAX_REMEMBERED_BYTES {
            *r = Remembered::default();
        }
        r.bytes += source.len() + canon.len();
        r.by_text.insert(source.into(), canon.clone());
    });
    canon
}

/// The canonical text of a statement object's members, without `Sid`.
pub(super) fn statement(object: &crate::json::Object) -> String {
    let mut members: Vec<String> = object
        .members
        .iter()
        .filter(|m| m.key.value != "Sid")
        .map(|m| {
            let fold = match m.key.value.as_str() {
                "Action" | "NotAction" => Fold::Values,
                "Condition" => Fold::Keys,
                _ => Fold::None,
            };
            format!(
                "{:?}:{}",
                m.key.value,
                m.value.as_ref().map_or(String::new(), |v| node(v, fold))
            )
        })
        .collect();
    members.sort_unstable();
    members.join(",")
}

/// The canonical text of one element's value (`Condition`, `Principal`).
pub(super) fn element(value: &Node, is_condition: bool) -> String {
    node(value, if is_condition { Fold::Keys } else { Fold::None })
}

fn scalar(text: &str, fold: Fold) -> String {
    if fold == Fold::Values {
        format!("{:?}", text.to_ascii_lowercase())
    } else {
        format!("{text:?}")
    }
}

fn node(n: &Node, fold: Fold) -> String {
    match &n.value {
        Value::String(s) => format!("[{}]", scalar(&s.value, fold)),
        Value::Number(t) => format!("[{}]", scalar(t, fold)),
        Value::Bool(b) => format!("[{}]", scalar(if *b { "true" } else { "false" }, fold)),
        Value::Null => "null".to_owned(),
        Value::TooDeep => format!("deep@{}", n.span.start),
        Value::Array(a) => {
            let mut items: Vec<String> = a
                .items
                .iter()
                .map(|i| match &i.value {
                    Value::String(s) => scalar(&s.value, fold),
                    Value::Number(t) => scalar(t, fold),
                    Value::Bool(b) => scalar(if *b { "true" } else { "false" }, fold),
                    _ => node(i, fold),
                })
                .collect();
            items.sort_unstable();
            items.dedup();
            format!("[{}]", items.join(","))
        }
        Value::Object(o) => {
            let mut members: Vec<String> = o
                .members
                .iter()
                .map(|m| {
                    let key = if fold == Fold::Keys {
                        m.key.value.to_ascii_lowercase()
                    } else {
                        m.key.value.clone()
                    };
                    format!("{key:?}:{}", m.value.as_ref().map_or(String::new(), |v| node(v, fold)))
                })
                .collect();
            members.sort_unstable();
            format!("{{{}}}", members.join(","))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn canon(text: &str) -> String {
        let doc = json::parse(text);
        statement(doc.root.as_ref().and_then(|r| r.value.as_object()).unwrap())
    }

    #[test]
    fn order_case_and_shape_do_not_matter() {
        let a = canon(
            r#"{"Sid": "A", "Effect": "Allow", "Action": ["s3:GetObject", "S3:ListBucket"], "Resource": "arn:aws:s3:::b",
                "Condition": {"StringEquals": {"aws:username": ["x", "y"]}}}"#,
        );
        let b = canon(
            r#"{"Resource": ["arn:aws:s3:::b"], "Action": ["s3:listbucket", "s3:GetObject", "s3:getobject"], "Effect": "Allow",
                "Condition": {"stringequals": {"AWS:Username": ["y", "x"]}}}"#,
        );
        assert_eq!(a, b);
        let c = canon(r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::B"}"#);
        let d = canon(r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b"}"#);
        assert_ne!(c, d);
    }
}
