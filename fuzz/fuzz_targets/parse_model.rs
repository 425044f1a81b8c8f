//! JSON parse + policy model on arbitrary text: no panic, and every span the tree and the model
//! hand out lies inside the text on character boundaries (the server slices and converts them).
#![no_main]

use iam_policy::json::{self, Node, Value};
use iam_policy::model::Policy;
use iam_policy::span::Span;
use libfuzzer_sys::fuzz_target;

fn check_span(text: &str, span: Span, what: &str) {
    assert!(span.start <= span.end, "{what}: inverted span {span:?}");
    assert!(
        span.end <= text.len(),
        "{what}: span {span:?} past the end ({})",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what}: span {span:?} splits a character"
    );
}

fn walk(text: &str, node: &Node) {
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        check_span(text, node.span, "node");
        match &node.value {
            Value::Object(o) => {
                for m in &o.members {
                    check_span(text, m.key.span, "key");
                    check_span(text, m.key.content_span(), "key content");
                    check_span(text, m.span(), "member");
                    stack.extend(m.value.as_ref());
                }
            }
            Value::Array(a) => stack.extend(a.items.iter()),
            Value::String(s) => {
                check_span(text, s.span, "string");
                check_span(text, s.content_span(), "string content");
            }
            _ => {}
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let doc = json::parse(text);
    if let Some(root) = &doc.root {
        walk(text, root);
    }
    for e in &doc.syntax_errors {
        check_span(text, e.span, "syntax error");
    }
    for d in &doc.duplicate_keys {
        check_span(text, d.first, "duplicate first");
        check_span(text, d.duplicate, "duplicate");
    }
    let policy = Policy::from_json(&doc);
    for st in &policy.statements {
        check_span(text, st.head_span(), "statement head");
        let _ = st.label();
        let _ = st.effect();
    }
    let _ = policy.version_str();
    // Offsets anywhere, including past the end.
    for offset in [0, text.len() / 2, text.len(), text.len() + 1] {
        let _ = policy.statement_at(offset);
    }
});
