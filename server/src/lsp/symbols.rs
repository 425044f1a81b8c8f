//! Outline (`documentSymbol`), folding ranges, selection ranges and document links: the core
//! gives byte spans, here they become LSP ranges and lines.

use super::document::{Document, to_position};
use super::session::Session;
use crate::position::{self, Encoding};
use iam_policy::hover::outline::{self, Symbol, SymbolKind as Kind};
use std::str::FromStr;
use tower_lsp_server::ls_types::{
    DocumentLink, DocumentSymbol, FoldingRange, FoldingRangeKind, Position, SelectionRange, SymbolKind, Uri,
};

fn symbol(s: Symbol, doc: &Document, encoding: Encoding) -> DocumentSymbol {
    let children: Vec<DocumentSymbol> = s.children.into_iter().map(|c| symbol(c, doc, encoding)).collect();
    #[expect(deprecated, reason = "`deprecated` is a required field of the LSP type")]
    DocumentSymbol {
        name: s.name,
        detail: (!s.detail.is_empty()).then_some(s.detail),
        kind: match s.kind {
            Kind::Statement => SymbolKind::OBJECT,
            Kind::Array => SymbolKind::ARRAY,
            Kind::Element => SymbolKind::PROPERTY,
        },
        tags: None,
        deprecated: None,
        range: doc.range(s.span, encoding),
        selection_range: doc.range(s.selection, encoding),
        children: (!children.is_empty()).then_some(children),
    }
}

pub fn document_symbols(session: &mut Session, uri: &Uri) -> Option<Vec<DocumentSymbol>> {
    session.with_policy(uri, |view| {
        outline::symbols(view.json)
            .into_iter()
            .map(|s| symbol(s, view.doc, view.encoding))
            .collect()
    })
}

pub fn folding_ranges(session: &mut Session, uri: &Uri) -> Option<Vec<FoldingRange>> {
    session.with_policy(uri, |view| {
        outline::folding_ranges(view.json)
            .into_iter()
            .filter_map(|span| {
                let range = view.doc.range(span, view.encoding);
                (range.end.line > range.start.line).then(|| FoldingRange {
                    start_line: range.start.line,
                    end_line: range.end.line,
                    kind: Some(FoldingRangeKind::Region),
                    ..FoldingRange::default()
                })
            })
            .collect()
    })
}

pub fn selection_ranges(session: &mut Session, uri: &Uri, positions: &[Position]) -> Option<Vec<SelectionRange>> {
    session.with_policy(uri, |view| {
        positions
            .iter()
            .map(|&p| {
                let offset = position::offset(view.doc.rope(), to_position(p), view.encoding);
                let chain = outline::selection_ranges(view.json, offset);
                // Outermost first, each the parent of the next.
                let mut current: Option<SelectionRange> = None;
                for span in chain.into_iter().rev() {
                    current = Some(SelectionRange {
                        range: view.doc.range(span, view.encoding),
                        parent: current.map(Box::new),
                    });
                }
                current.unwrap_or(SelectionRange {
                    range: tower_lsp_server::ls_types::Range { start: p, end: p },
                    parent: None,
                })
            })
            .collect()
    })
}

pub fn document_links(session: &mut Session, uri: &Uri) -> Option<Vec<DocumentLink>> {
    session.with_policy(uri, |view| {
        outline::links(view.json)
            .into_iter()
            .map(|link| DocumentLink {
                range: view.doc.range(link.span, view.encoding),
                target: Uri::from_str(&link.url).ok(),
                tooltip: Some("AWS Service Authorization Reference".to_owned()),
                data: None,
            })
            .collect()
    })
}
