//! Compiled policies shared across requests: each distinct policy text is parsed and compiled
//! once, then handed out under the label and offset of each use.
//!
//! Entries are keyed by the whole text (hashed, and compared in full on a hit), so an entry can
//! never stand for other text: a file that changed is different text. The cache lives as long as
//! its owner (one `simulate --batch` or `test` run); nothing is kept between runs.

use super::compile::CompiledPolicy;
use crate::json;
use rustc_hash::FxHashMap;
use std::sync::{Arc, RwLock};

/// Why a policy text cannot be compiled; rendered with the label of the use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyTextError {
    /// A JSON syntax error at a 1-based line and column.
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    Empty,
    NotAnObject,
}

impl PolicyTextError {
    pub fn render(&self, label: &str) -> String {
        match self {
            PolicyTextError::Syntax { line, column, message } => {
                format!("{label}:{line}:{column}: JSON syntax error: {message}")
            }
            PolicyTextError::Empty => format!("{label}: empty document"),
            PolicyTextError::NotAnObject => format!("{label}: expected a policy object"),
        }
    }
}

type Entry = Result<CompiledPolicy, PolicyTextError>;

/// Thread-safe: rayon workers share one cache.
#[derive(Debug, Default)]
pub struct PolicyCache {
    entries: RwLock<FxHashMap<Arc<str>, Entry>>,
    /// Texts handed in as `Arc`s (files read once per run), by address: a lookup without
    /// hashing the text. The entry holds its `Arc`, so the address cannot be reused meanwhile.
    shared: RwLock<FxHashMap<usize, (Arc<str>, Entry)>>,
}

impl PolicyCache {
    pub fn new() -> PolicyCache {
        PolicyCache::default()
    }

    /// `text` compiled, labelled `label`, its byte ranges shifted by `offset` (where the text
    /// starts in the source the explanation's ranges refer to).
    pub fn compile(&self, label: &str, text: &str, offset: usize) -> Result<CompiledPolicy, PolicyTextError> {
        let hit = self.entries.read().ok().and_then(|map| map.get(text).cloned());
        let entry = match hit {
            Some(entry) => entry,
            None => {
                let entry = compile_text(text);
                if let Ok(mut map) = self.entries.write() {
                    map.insert(Arc::from(text), entry.clone());
                }
                entry
            }
        };
        entry.map(|policy| policy.placed(label, offset))
    }

    /// [`PolicyCache::compile`] for a text that stays the same `Arc` across requests.
    pub fn compile_shared(&self, label: &str, text: &Arc<str>) -> Result<CompiledPolicy, PolicyTextError> {
        let address = Arc::as_ptr(text).cast::<u8>() as usize;
        let hit = self.shared.read().ok().and_then(|map| {
            map.get(&address)
                .filter(|(held, _)| Arc::ptr_eq(held, text))
                .map(|(_, e)| e.clone())
        });
        let entry = match hit {
            Some(entry) => entry,
            None => {
                let entry = self.compile(label, text, 0);
                if let Ok(mut map) = self.shared.write() {
                    map.insert(address, (Arc::clone(text), entry.clone()));
                }
                entry
            }
        };
        entry.map(|policy| policy.placed(label, 0))
    }

    /// How many distinct texts were compiled.
    pub fn len(&self) -> usize {
        self.entries.read().map_or(0, |map| map.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn compile_text(text: &str) -> Entry {
    let doc = json::parse(text);
    if let Some(e) = doc.syntax_errors.first() {
        let (line, column) = super::input::line_col(text, e.span.start);
        return Err(PolicyTextError::Syntax {
            line,
            column,
            message: e.message.clone(),
        });
    }
    match doc.root.as_ref() {
        None => Err(PolicyTextError::Empty),
        Some(root) if root.value.as_object().is_none() => Err(PolicyTextError::NotAnObject),
        Some(_) => Ok(CompiledPolicy::compile("", &doc)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str =
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}"#;

    #[test]
    fn one_compilation_per_text_under_each_label_and_offset() {
        let cache = PolicyCache::new();
        let a = cache.compile("a.json", POLICY, 0).unwrap();
        let b = cache.compile("policies.identity[0]", POLICY, 40).unwrap();
        assert_eq!(cache.len(), 1);
        assert!(Arc::ptr_eq(&a.statements, &b.statements));
        assert_eq!((a.label.as_str(), a.offset), ("a.json", 0));
        assert_eq!((b.label.as_str(), b.offset), ("policies.identity[0]", 40));
        let changed = POLICY.replace("s3:*", "sqs:*");
        let c = cache.compile("a.json", &changed, 0).unwrap();
        assert_eq!(cache.len(), 2);
        assert!(!Arc::ptr_eq(&a.statements, &c.statements));
    }

    #[test]
    fn errors_name_the_label_of_each_use() {
        let cache = PolicyCache::new();
        let broken = "{\n  \"Statement\": [\n}";
        let first = cache.compile("one.json", broken, 0).unwrap_err().render("one.json");
        let second = cache.compile("two.json", broken, 0).unwrap_err().render("two.json");
        assert!(
            first.starts_with("one.json:2:") && first.contains("JSON syntax error"),
            "{first}"
        );
        assert_eq!(first.replacen("one.json", "two.json", 1), second);
        assert_eq!(
            cache.compile("x", "[1]", 0).unwrap_err().render("x"),
            "x: expected a policy object"
        );
    }
}
