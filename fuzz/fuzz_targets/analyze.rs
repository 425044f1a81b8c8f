//! Every check, under every policy type (and inferred), on arbitrary text: no panic; findings'
//! spans lie inside the text on character boundaries; every fix's edits can be applied and the
//! result can be parsed and analysed again.
#![no_main]

use iam_policy::span::Span;
use iam_policy::{Options, PolicyType, analyze_text};
use libfuzzer_sys::fuzz_target;

const TYPES: [Option<PolicyType>; 8] = [
    None,
    Some(PolicyType::Identity),
    Some(PolicyType::Resource),
    Some(PolicyType::Trust),
    Some(PolicyType::Scp),
    Some(PolicyType::Rcp),
    Some(PolicyType::Boundary),
    Some(PolicyType::Endpoint),
];

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

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let policy_type = TYPES[usize::from(selector) % TYPES.len()];
    let analysis = analyze_text(
        text,
        Options {
            policy_type,
            path: None,
        },
    );
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
                assert!(
                    e.span.end <= limit,
                    "{}: overlapping edits in fix {:?}",
                    f.code,
                    fix.title
                );
                limit = e.span.start;
                fixed.replace_range(e.span.start..e.span.end, &e.new_text);
            }
            let _ = analyze_text(
                &fixed,
                Options {
                    policy_type,
                    path: None,
                },
            );
        }
    }
});
