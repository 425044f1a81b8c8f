//! Edit sequences on a `SyntaxDocument` against a fresh parse of the same text: the text is what
//! the edits make it, and the JSON value tree (what every feature reads) is the same as a fresh
//! parse's. Documents up to 64 KB with errors are reparsed fresh by design, so this compares
//! the trees of valid documents and the value trees of all.
#![no_main]

use arbitrary::Arbitrary;
use iam_policy::json;
use iam_policy::syntax::SyntaxDocument;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Edit {
    start: u16,
    len: u8,
    text: String,
}

#[derive(Arbitrary, Debug)]
struct Input {
    base: String,
    edits: Vec<Edit>,
}

fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fuzz_target!(|input: Input| {
    let mut doc = SyntaxDocument::new(input.base.clone());
    let mut expected = input.base;
    for e in input.edits.iter().take(16) {
        let start = usize::from(e.start);
        let end = start + usize::from(e.len);
        doc.edit(start, end, &e.text);
        // The documented clamping: offsets to the text, then back to a character boundary.
        let s = floor(&expected, start);
        let t = floor(&expected, end.max(s));
        expected.replace_range(s..t, &e.text);
        assert_eq!(doc.text(), expected);
    }
    let fresh = SyntaxDocument::new(expected.clone());
    let (Some(tree), Some(fresh_tree)) = (doc.tree(), fresh.tree()) else {
        return;
    };
    if !fresh_tree.root_node().has_error() {
        assert_eq!(tree.root_node().to_sexp(), fresh_tree.root_node().to_sexp());
    }
    if expected.len() <= 64 * 1024 || !tree.root_node().has_error() {
        assert_eq!(json::build(&expected, tree), json::build(&expected, fresh_tree));
    }
});
