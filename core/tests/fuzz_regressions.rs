//! Inputs the fuzz targets (`fuzz/`, docs/fuzzing.md) found to break an invariant, kept as
//! tests once fixed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a panic in a test is a test failure"
)]

use iam_policy::completion::complete;
use iam_policy::{PolicyType, json};

/// `complete_hover`: an offset inside a multi-byte character gave items whose span started
/// and ended inside that character, which a caller slicing the text would panic on.
#[test]
fn completion_offset_inside_a_character_gives_spans_on_boundaries() {
    let text = "{\n +{\n \u{401} \u{401}";
    let doc = json::parse(text);
    for offset in 0..=text.len() + 1 {
        for item in complete(text, &doc, offset, PolicyType::Endpoint).items {
            assert!(
                text.is_char_boundary(item.span.start) && text.is_char_boundary(item.span.end),
                "offset {offset}: span {:?}",
                item.span
            );
            assert!(item.span.end <= text.len());
        }
    }
}
