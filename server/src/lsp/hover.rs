//! `textDocument/hover`: the core explains the element under the cursor; on a policy's
//! `Statement` key the policy's summary comes first. Here only positions are converted.

use super::session::Session;
use iam_policy::hover::{self, Context};
use tower_lsp_server::ls_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};

pub fn hover(session: &mut Session, params: &HoverParams) -> Option<Hover> {
    let at = &params.text_document_position_params;
    session
        .with_policy_at(&at.text_document.uri, at.position, |view, offset| {
            let ctx = Context {
                text: view.doc.text(),
                json: view.json,
                policy_type: view.policy_type,
                type_source: view.type_source,
            };
            let element = hover::hover(ctx, offset).map(|h| Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: h.markdown,
                }),
                range: Some(view.doc.range(h.span, view.encoding)),
            });
            let Some(mut summary) = super::summary_lens::hover(view, offset) else {
                return element;
            };
            if let (
                HoverContents::Markup(top),
                Some(Hover {
                    contents: HoverContents::Markup(below),
                    ..
                }),
            ) = (&mut summary.contents, element)
            {
                top.value = format!("{}\n---\n\n{}", top.value, below.value);
            }
            Some(summary)
        })
        .flatten()
}
