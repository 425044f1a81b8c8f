//! `textDocument/inlayHint`: after a wildcard action how many actions it matches, after other
//! actions their access level (setting `inlay-hints.access-level`, on by default).

use super::document::to_position;
use super::session::Session;
use crate::position;
use iam_policy::Span;
use iam_policy::hover::outline;
use tower_lsp_server::ls_types::{InlayHint, InlayHintKind, InlayHintLabel, InlayHintParams};

pub fn inlay_hints(session: &mut Session, params: &InlayHintParams) -> Option<Vec<InlayHint>> {
    session.with_policies(&params.text_document.uri, |views| {
        let Some(first) = views.first() else {
            return Vec::new();
        };
        let rope = first.doc.rope();
        let start = position::offset(rope, to_position(params.range.start), first.encoding);
        let end = position::offset(rope, to_position(params.range.end), first.encoding);
        let range = Span::new(start, end.max(start));
        views
            .iter()
            .filter(|view| view.span().start <= range.end && range.start <= view.span().end)
            .flat_map(|view| {
                outline::inlay_hints(view.json, range, view.access_level_hints)
                    .into_iter()
                    .map(move |h| (view, h))
            })
            .map(|(view, h)| InlayHint {
                position: view.doc.range(Span::empty(h.offset), view.encoding).start,
                label: InlayHintLabel::String(h.label),
                kind: None::<InlayHintKind>,
                text_edits: None,
                tooltip: None,
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
            .collect()
    })
}
