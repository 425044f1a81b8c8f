//! Outline (`documentSymbol`), folding ranges, selection ranges and document links: the core
//! gives byte spans, here they become LSP ranges and lines.

use super::document::{Document, to_position};
use super::session::{Session, view_at};
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
    session.with_policies(uri, |views| {
        views
            .iter()
            .flat_map(|view| {
                let children = outline::symbols(view.json)
                    .into_iter()
                    .map(|s| symbol(s, view.doc, view.encoding));
                match view.embedded {
                    // In a template, each policy is one symbol named by where it stands.
                    Some(embedded) => {
                        let children: Vec<DocumentSymbol> = children.collect();
                        let range = view.doc.range(embedded.span, view.encoding);
                        #[expect(deprecated, reason = "`deprecated` is a required field of the LSP type")]
                        let policy = DocumentSymbol {
                            name: embedded.pointer.clone(),
                            detail: Some(format!("{} policy", view.policy_type.as_str())),
                            kind: SymbolKind::OBJECT,
                            tags: None,
                            deprecated: None,
                            range,
                            selection_range: tower_lsp_server::ls_types::Range {
                                start: range.start,
                                end: range.start,
                            },
                            children: (!children.is_empty()).then_some(children),
                        };
                        vec![policy]
                    }
                    None => children.collect(),
                }
            })
            .collect()
    })
}

pub fn folding_ranges(session: &mut Session, uri: &Uri) -> Option<Vec<FoldingRange>> {
    session.with_policies(uri, |views| {
        views
            .iter()
            .flat_map(|view| {
                outline::folding_ranges(view.json)
                    .into_iter()
                    .map(move |span| (view, span))
            })
            .filter_map(|(view, span)| {
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
    session.with_policies(uri, |views| {
        positions
            .iter()
            .map(|&p| {
                let fallback = SelectionRange {
                    range: tower_lsp_server::ls_types::Range { start: p, end: p },
                    parent: None,
                };
                let Some(first) = views.first() else {
                    return fallback;
                };
                let offset = position::offset(first.doc.rope(), to_position(p), first.encoding);
                let Some(view) = view_at(views, offset) else {
                    return fallback;
                };
                let chain = outline::selection_ranges(view.json, offset);
                // Outermost first, each the parent of the next.
                let mut current: Option<SelectionRange> = None;
                for span in chain.into_iter().rev() {
                    current = Some(SelectionRange {
                        range: view.doc.range(span, view.encoding),
                        parent: current.map(Box::new),
                    });
                }
                current.unwrap_or(fallback)
            })
            .collect()
    })
}

pub fn document_links(session: &mut Session, uri: &Uri) -> Option<Vec<DocumentLink>> {
    session.with_policies(uri, |views| {
        views
            .iter()
            .flat_map(|view| outline::links(view.json).into_iter().map(move |link| (view, link)))
            .map(|(view, link)| DocumentLink {
                range: view.doc.range(link.span, view.encoding),
                target: Uri::from_str(&link.url).ok(),
                tooltip: Some("AWS Service Authorization Reference".to_owned()),
                data: None,
            })
            .collect()
    })
}
