//! One open document: its text as a rope (for position conversion) and as a syntax document
//! (text + tree-sitter tree, reparsed incrementally). Both are edited together so they always
//! hold the same text.

use crate::position::{self, Encoding, Position};
use iam_policy::analysis::TemplateCache;
use iam_policy::host::{self, HostDocument, HostKind, TextEdit};
use iam_policy::json::{self, JsonDocument};
use iam_policy::syntax::{Grammar, SyntaxDocument};
use ropey::Rope;
use std::cell::{OnceCell, RefCell};
use std::path::PathBuf;
use tower_lsp_server::ls_types::{self as lsp, TextDocumentContentChangeEvent};

pub struct Document {
    pub version: i32,
    pub language_id: String,
    /// The file's path, for `file:` URIs.
    pub path: Option<PathBuf>,
    rope: Rope,
    syntax: SyntaxDocument,
    /// The JSON tree of the current text, built on first use after each edit: diagnostics,
    /// completion and hover of one version share it.
    json: OnceCell<JsonDocument>,
    /// The policies found when the document is a template (CloudFormation, SAM, Terraform);
    /// `None` inside when it is not one. Built on first use after each edit.
    host: OnceCell<Option<(HostKind, HostDocument)>>,
    /// The last check of a template's policies, reused for the policies an edit left alone.
    pub template_cache: RefCell<TemplateCache>,
    /// The template's policies as last found, and the edits made since: one edit inside one
    /// resource re-reads that resource alone.
    previous_host: Option<(HostKind, HostDocument)>,
    edits_since: Vec<TextEdit>,
    /// Whether the last publish for this document had diagnostics (so a document that stops
    /// being a policy gets one empty publish and then silence).
    pub published: bool,
}

impl Document {
    pub fn new(text: String, version: i32, language_id: String, path: Option<PathBuf>) -> Document {
        Self::with_grammar(text, version, language_id, path, Grammar::Json)
    }

    /// A document parsed with `grammar` (YAML and HCL for templates).
    pub fn with_grammar(
        text: String,
        version: i32,
        language_id: String,
        path: Option<PathBuf>,
        grammar: Grammar,
    ) -> Document {
        Document {
            version,
            language_id,
            path,
            rope: Rope::from_str(&text),
            // A large document is parsed by its background check (see `large`), not here.
            syntax: SyntaxDocument::with_limit(text, grammar, super::large::LARGE_DOCUMENT),
            json: OnceCell::new(),
            host: OnceCell::new(),
            template_cache: RefCell::new(TemplateCache::default()),
            previous_host: None,
            edits_since: Vec::new(),
            published: false,
        }
    }

    pub fn text(&self) -> &str {
        self.syntax.text()
    }

    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    pub fn syntax(&self) -> &SyntaxDocument {
        &self.syntax
    }

    /// The JSON value tree of the current text (empty for YAML and HCL documents).
    pub fn json(&self) -> &JsonDocument {
        self.json.get_or_init(|| match self.syntax.tree() {
            Some(tree) if self.syntax.grammar() == Grammar::Json => json::build(self.syntax.text(), tree),
            _ => JsonDocument::default(),
        })
    }

    /// The policies of the document when it is a template: a CloudFormation/SAM template in
    /// JSON or YAML, or a Terraform file.
    pub fn host(&self) -> Option<(HostKind, &HostDocument)> {
        self.host
            .get_or_init(|| {
                let text = self.syntax.text();
                match self.syntax.grammar() {
                    Grammar::Json => {
                        host::scan_json(text, self.json()).map(|found| (HostKind::CloudFormationJson, found))
                    }
                    Grammar::Yaml => {
                        let tree = self.syntax.tree()?;
                        let incremental = match (&self.previous_host, self.edits_since.as_slice()) {
                            (Some((HostKind::CloudFormationYaml, previous)), [edit]) => {
                                host::rescan_yaml(previous, *edit, text, tree)
                            }
                            _ => None,
                        };
                        incremental
                            .or_else(|| host::scan_tree(HostKind::CloudFormationYaml, text, tree))
                            .map(|found| (HostKind::CloudFormationYaml, found))
                    }
                    Grammar::Hcl => self
                        .syntax
                        .tree()
                        .and_then(|tree| host::scan_tree(HostKind::Terraform, text, tree))
                        .map(|found| (HostKind::Terraform, found)),
                }
            })
            .as_ref()
            .map(|(kind, found)| (*kind, found))
    }

    /// Applies one content change. A range is converted with the negotiated encoding; positions
    /// past the end clamp, a reversed range is treated as empty at its start, and a position
    /// inside a surrogate pair moves to the character's start, so no change can corrupt the
    /// text or split a character.
    pub fn apply(&mut self, change: TextDocumentContentChangeEvent, encoding: Encoding) {
        self.json = OnceCell::new();
        if let Some(found) = self.host.take().flatten() {
            self.previous_host = Some(found);
            self.edits_since.clear();
        }
        match change.range {
            Some(range) => {
                let start = position::offset(&self.rope, to_position(range.start), encoding);
                let end = position::offset(&self.rope, to_position(range.end), encoding).max(start);
                let start_char = self.rope.byte_to_char(start);
                let end_char = self.rope.byte_to_char(end);
                self.rope.remove(start_char..end_char);
                self.rope.insert(start_char, &change.text);
                self.syntax.edit(start, end, &change.text);
                self.edits_since.push(TextEdit {
                    start,
                    old_end: end,
                    new_end: start + change.text.len(),
                });
            }
            None => {
                self.rope = Rope::from_str(&change.text);
                self.syntax.replace(change.text);
                self.previous_host = None;
            }
        }
    }

    /// The LSP range of a byte span.
    pub fn range(&self, span: iam_policy::Span, encoding: Encoding) -> lsp::Range {
        range(&self.rope, span, encoding)
    }
}

/// The LSP range of `span` in `rope`.
pub fn range(rope: &Rope, span: iam_policy::Span, encoding: Encoding) -> lsp::Range {
    lsp::Range {
        start: from_position(position::position(rope, span.start, encoding)),
        end: from_position(position::position(rope, span.end, encoding)),
    }
}

pub fn to_position(p: lsp::Position) -> Position {
    Position {
        line: p.line,
        character: p.character,
    }
}

pub fn from_position(p: Position) -> lsp::Position {
    lsp::Position {
        line: p.line,
        character: p.character,
    }
}
