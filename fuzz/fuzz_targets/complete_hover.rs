//! Completion, hover and refactors at arbitrary offsets (inside, at the end, past the end, inside
//! a multi-byte character): no panic, and every span they return lies inside the text on
//! character boundaries; every refactor applies cleanly.
#![no_main]

use iam_policy::completion::complete;
use iam_policy::hover::{self, Context};
use iam_policy::policy_type::TypeSource;
use iam_policy::refactor::refactors;
use iam_policy::span::Span;
use iam_policy::{PolicyType, json};
use libfuzzer_sys::fuzz_target;

const TYPES: [PolicyType; 7] = [
    PolicyType::Identity,
    PolicyType::Resource,
    PolicyType::Trust,
    PolicyType::Scp,
    PolicyType::Rcp,
    PolicyType::Boundary,
    PolicyType::Endpoint,
];

fn check_span(text: &str, span: Span, what: &str) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{what}: span {span:?} outside 0..{}",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what}: span {span:?} splits a character"
    );
}

fuzz_target!(|data: &[u8]| {
    let Some((&[selector, a, b], rest)) = data.split_first_chunk::<3>() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let policy_type = TYPES[usize::from(selector) % TYPES.len()];
    let doc = json::parse(text);
    let raw = usize::from(u16::from_le_bytes([a, b]));
    // Mostly inside the text, sometimes just past it.
    let offset = raw % (text.len() + 2);
    let completion = complete(text, &doc, offset, policy_type);
    for item in &completion.items {
        check_span(text, item.span, "completion item");
    }
    let ctx = Context {
        text,
        json: &doc,
        policy_type,
        type_source: TypeSource::Given,
    };
    if let Some(h) = hover::hover(ctx, offset) {
        check_span(text, h.span, "hover");
    }
    for fix in refactors(text, &doc, offset) {
        let mut fixed = text.to_owned();
        let mut edits: Vec<_> = fix.edits.iter().collect();
        edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
        for e in edits {
            check_span(text, e.span, "refactor edit");
            fixed.replace_range(e.span.start..e.span.end, &e.new_text);
        }
        let _ = json::parse(&fixed);
    }
});
