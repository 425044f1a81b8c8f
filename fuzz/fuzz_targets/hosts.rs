//! Templates and Terraform on arbitrary text: `host::read` as a YAML template, a JSON template
//! or a `.tf` file (the first byte selects), then `analyze_embedded` on every policy found. No
//! panic; every policy's span, every string's source span, every finding, related span and
//! fix edit lies inside the text on character boundaries; a fix's edits do not overlap and the
//! fixed text is read again.
#![no_main]

use iam_policy::analysis::{Options, analyze_embedded};
use iam_policy::host::{self, Contents};
use iam_policy::json::{JsonString, Node, Value};
use iam_policy::span::Span;
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 3] = ["template.yaml", "template.json", "main.tf"];

fn check_span(text: &str, span: Span) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "span {span:?} outside 0..{}",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "span {span:?} splits a character"
    );
}

fn check_string(text: &str, s: &JsonString) {
    check_span(text, s.span);
    check_span(text, s.content_span());
    check_span(text, s.source_span(text, 0..s.value.len()));
    for (i, c) in s.value.char_indices() {
        check_span(text, s.source_span(text, i..i + c.len_utf8()));
    }
}

fn check_tree(text: &str, root: &Node) {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        check_span(text, node.span);
        match &node.value {
            Value::Object(o) => {
                for m in &o.members {
                    check_string(text, &m.key);
                    stack.extend(m.value.as_ref());
                }
            }
            Value::Array(a) => stack.extend(a.items.iter()),
            Value::String(s) => check_string(text, s),
            _ => {}
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let name = NAMES[usize::from(selector) % NAMES.len()];
    let Contents::Host(_, found) = host::read(Some(name), text) else {
        return;
    };
    for e in &found.errors {
        check_span(text, e.span);
    }
    for policy in &found.policies {
        check_span(text, policy.span);
        for u in &policy.unknown {
            check_span(text, *u);
        }
        if let Some(root) = policy.json.root.as_ref() {
            check_tree(text, root);
        }
        let analysis = analyze_embedded(text, policy, Options::default());
        for f in &analysis.findings {
            check_span(text, f.span);
            for r in &f.related {
                check_span(text, r.span);
            }
            for fix in &f.fixes {
                let mut edits: Vec<_> = fix.edits.iter().collect();
                edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
                let mut fixed = text.to_owned();
                let mut limit = text.len();
                for e in edits {
                    check_span(text, e.span);
                    assert!(e.span.end <= limit, "{}: overlapping edits in fix {:?}", f.code, fix.title);
                    limit = e.span.start;
                    fixed.replace_range(e.span.start..e.span.end, &e.new_text);
                }
                let _ = host::read(Some(name), &fixed);
            }
        }
    }
});
