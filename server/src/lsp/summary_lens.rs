//! The summary of each policy in the editor: a code lens over its `Statement` key ("grants
//! 1,432 actions in 12 services · 2 escalation paths") and, on that key, a hover with the
//! services × access levels table. The core computes both ([`Overview`]); here only the
//! range is converted.

use super::large::LARGE_DOCUMENT;
use super::session::{PolicyView, Session};
use iam_policy::Span;
use iam_policy::access::Access;
use iam_policy::model::Policy;
use iam_policy::risk::Overview;
use tower_lsp_server::ls_types::{CodeLens, Command, Hover, HoverContents, MarkupContent, MarkupKind, Uri};

/// Rows of the hover's table; a policy granting every action would list 400 services.
const HOVER_ROWS: usize = 25;

/// Where a policy's lens and summary hover stand: its top-level `Statement` key, else (a
/// template's policy written as one statement) the policy's start.
fn anchor(view: &PolicyView<'_>, policy: &Policy<'_>) -> Span {
    policy
        .statement
        .map_or_else(|| Span::empty(view.span().start), |m| m.key.span)
}

fn overview(view: &PolicyView<'_>) -> (Overview, Span) {
    let policy = Policy::from_json(view.json);
    let access = Access::new(&policy, view.policy_type);
    (Overview::new(&access), anchor(view, &policy))
}

/// One lens per policy of the document; `None` for documents without policies, and for
/// large documents, which are only quick-checked (see `super::large`).
pub fn code_lenses(session: &mut Session, uri: &Uri) -> Option<Vec<CodeLens>> {
    session.with_policies(uri, |views| {
        views
            .iter()
            .filter(|view| view.doc.text().len() <= LARGE_DOCUMENT)
            .map(|view| {
                let (overview, at) = overview(view);
                CodeLens {
                    range: view.doc.range(at, view.encoding),
                    // No command to run: the lens is a label.
                    command: Some(Command {
                        title: overview.headline(),
                        command: String::new(),
                        arguments: None,
                    }),
                    data: None,
                }
            })
            .collect()
    })
}

/// The summary table when `offset` is on a policy's `Statement` key (the lens's range).
pub fn hover(view: &PolicyView<'_>, offset: usize) -> Option<Hover> {
    if view.doc.text().len() > LARGE_DOCUMENT {
        return None;
    }
    let policy = Policy::from_json(view.json);
    let at = anchor(view, &policy);
    if offset < at.start || offset > at.end || at.is_empty() {
        return None;
    }
    let (overview, _) = overview(view);
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: overview.markdown(HOVER_ROWS),
        }),
        range: Some(view.doc.range(at, view.encoding)),
    })
}
