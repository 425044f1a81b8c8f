//! The concrete syntax tree: tree-sitter-json (or the YAML or HCL grammar of a template), kept
//! between edits so that an edit reparses only what it touched.

use tree_sitter::{InputEdit, Parser, Point, Tree};

/// The grammar a document is parsed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Grammar {
    #[default]
    Json,
    Yaml,
    Hcl,
}

impl Grammar {
    fn language(self) -> tree_sitter::Language {
        match self {
            Grammar::Json => tree_sitter_json::LANGUAGE.into(),
            Grammar::Yaml => tree_sitter_yaml::LANGUAGE.into(),
            Grammar::Hcl => tree_sitter_hcl::LANGUAGE.into(),
        }
    }
}

/// A document's text and its syntax tree, updated in place by edits.
pub struct SyntaxDocument {
    text: String,
    tree: Option<Tree>,
    parser: Parser,
    grammar: Grammar,
    /// Texts longer than this are not parsed (see [`SyntaxDocument::with_limit`]).
    limit: usize,
}

impl std::fmt::Debug for SyntaxDocument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyntaxDocument")
            .field("len", &self.text.len())
            .finish_non_exhaustive()
    }
}

fn parser(grammar: Grammar) -> Parser {
    let mut parser = Parser::new();
    // The grammars are compiled into this crate with a matching ABI; failing here would be a
    // build defect, and we degrade to "no tree" rather than panic.
    let _ = parser.set_language(&grammar.language());
    parser
}

/// A one-shot parse, for callers that do not keep the document.
pub fn parse_tree(text: &str) -> Option<Tree> {
    parser(Grammar::Json).parse(text, None)
}

impl SyntaxDocument {
    pub fn new(text: String) -> Self {
        Self::with_grammar(text, Grammar::Json)
    }

    pub fn with_grammar(text: String, grammar: Grammar) -> Self {
        Self::with_limit(text, grammar, usize::MAX)
    }

    /// A document that has no tree while its text is longer than `limit` bytes: parsing tens
    /// of megabytes takes seconds, which an editor's request path cannot wait for. Such a text
    /// is parsed elsewhere ([`parse_cancellable`]); an edit that brings it under the limit
    /// parses it again.
    pub fn with_limit(text: String, grammar: Grammar, limit: usize) -> Self {
        let mut parser = parser(grammar);
        let tree = (text.len() <= limit)
            .then(|| parse_safely(&mut parser, grammar, &text, None))
            .flatten();
        Self {
            text,
            tree,
            parser,
            grammar,
            limit,
        }
    }

    pub fn grammar(&self) -> Grammar {
        self.grammar
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn tree(&self) -> Option<&Tree> {
        self.tree.as_ref()
    }

    /// Replaces `start..old_end` (byte offsets into the current text) with `new_text` and
    /// reparses incrementally. Offsets are clamped to the text and moved back to character
    /// boundaries, so a bad range never corrupts the text.
    pub fn edit(&mut self, start: usize, old_end: usize, new_text: &str) {
        let start = floor_char_boundary(&self.text, start.min(self.text.len()));
        let old_end = floor_char_boundary(&self.text, old_end.clamp(start, self.text.len()));
        let start_position = point_at(&self.text, start);
        let old_end_position = advance_point(start_position, self.text.get(start..old_end).unwrap_or(""));
        self.text.replace_range(start..old_end, new_text);
        let new_end = start + new_text.len();
        let new_end_position = advance_point(start_position, new_text);
        if let Some(tree) = self.tree.as_mut() {
            tree.edit(&InputEdit {
                start_byte: start,
                old_end_byte: old_end,
                new_end_byte: new_end,
                start_position,
                old_end_position,
                new_end_position,
            });
        }
        // Tree-sitter's error recovery can shape a broken document differently in an incremental
        // and a fresh parse, but the value tree and the syntax errors are read from the leaves
        // (ERROR nodes are re-lexed), so they do not depend on the edit history; a property
        // test in the server holds them equal. So no fresh reparse is needed.
        let old = self.tree.take();
        self.tree = self.parse(old.as_ref());
    }

    fn parse(&mut self, old: Option<&Tree>) -> Option<Tree> {
        if self.text.len() > self.limit {
            return None;
        }
        parse_safely(&mut self.parser, self.grammar, &self.text, old)
    }

    /// Replaces the whole text (a full-sync change) and parses from scratch.
    pub fn replace(&mut self, text: String) {
        self.text = text;
        self.tree = self.parse(None);
    }
}

/// Parses `text` with `grammar` from scratch, giving up (`None`) as soon as `cancelled` says
/// so; tree-sitter asks every few thousand tokens.
pub fn parse_cancellable(text: &str, grammar: Grammar, cancelled: &dyn Fn() -> bool) -> Option<Tree> {
    if grammar == Grammar::Yaml && !crate::host::yaml::safe_to_parse(text) {
        return None;
    }
    let mut parser = parser(grammar);
    let bytes = text.as_bytes();
    let mut read = |at: usize, _| bytes.get(at..).unwrap_or_default();
    let mut progress = |_: &tree_sitter::ParseState| {
        if cancelled() {
            std::ops::ControlFlow::Break(())
        } else {
            std::ops::ControlFlow::Continue(())
        }
    };
    let options = tree_sitter::ParseOptions::new().progress_callback(&mut progress);
    parser.parse_with_options(&mut read, None, Some(options))
}

/// Parses `text`, except YAML indented deep enough to abort the process inside tree-sitter-yaml
/// (see `host::yaml::safe_to_parse`): that has no tree, as an unparsable document.
fn parse_safely(parser: &mut Parser, grammar: Grammar, text: &str, old: Option<&Tree>) -> Option<Tree> {
    if grammar == Grammar::Yaml && !crate::host::yaml::safe_to_parse(text) {
        return None;
    }
    parser.parse(text, old)
}

pub(crate) fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Row and byte column of `offset`. Linear in the offset, but it only counts newlines, which is
/// a few microseconds even for the largest policies.
fn point_at(text: &str, offset: usize) -> Point {
    let before = text.get(..offset).unwrap_or(text);
    advance_point(Point::new(0, 0), before)
}

fn advance_point(from: Point, inserted: &str) -> Point {
    match inserted.rfind('\n') {
        Some(last) => Point::new(
            from.row + inserted.bytes().filter(|&b| b == b'\n').count(),
            inserted.len() - last - 1,
        ),
        None => Point::new(from.row, from.column + inserted.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incremental_edit_matches_fresh_parse() {
        let mut doc = SyntaxDocument::new(r#"{"Statement": [{"Effect": "Allow"}]}"#.to_owned());
        doc.edit(27, 32, "Deny");
        assert_eq!(doc.text(), r#"{"Statement": [{"Effect": "Deny"}]}"#);
        let fresh = SyntaxDocument::new(doc.text().to_owned());
        let sexp = |d: &SyntaxDocument| d.tree().map(|t| t.root_node().to_sexp());
        assert_eq!(sexp(&doc), sexp(&fresh));
    }

    #[test]
    fn out_of_range_edit_is_clamped() {
        let mut doc = SyntaxDocument::new("{}".to_owned());
        doc.edit(10, 20, "x");
        assert_eq!(doc.text(), "{}x");
        let mut doc = SyntaxDocument::new("\"é\"".to_owned());
        doc.edit(2, 3, "e");
        assert_eq!(doc.text(), "\"e\"");
    }
}
