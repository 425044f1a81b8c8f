//! `textDocument/completion`: converts the position, asks the core, converts the items' byte
//! spans back into `textEdit` ranges.

use super::session::Session;
use iam_policy::completion::{self, ItemKind};
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionList, CompletionParams, CompletionResponse, CompletionTextEdit,
    Documentation, InsertTextFormat, MarkupContent, MarkupKind, Range, TextEdit,
};

/// Characters after which editors should ask: a new string, a service prefix's colon, a new
/// object (keys) and `${` (variables).
pub const TRIGGER_CHARACTERS: &[&str] = &["\"", ":", "{"];

fn kind(kind: ItemKind) -> CompletionItemKind {
    match kind {
        ItemKind::Property => CompletionItemKind::PROPERTY,
        ItemKind::Value => CompletionItemKind::VALUE,
        ItemKind::Module => CompletionItemKind::MODULE,
        ItemKind::Function => CompletionItemKind::FUNCTION,
        ItemKind::Constant => CompletionItemKind::CONSTANT,
        ItemKind::Operator => CompletionItemKind::OPERATOR,
        ItemKind::Field => CompletionItemKind::FIELD,
        ItemKind::Snippet => CompletionItemKind::SNIPPET,
        ItemKind::Variable => CompletionItemKind::VARIABLE,
        ItemKind::Reference => CompletionItemKind::REFERENCE,
    }
}

/// The completion list at the request's position; `None` for documents that are not policies.
pub fn complete(session: &mut Session, params: &CompletionParams, snippets: bool) -> Option<CompletionResponse> {
    let doc_position = &params.text_document_position;
    session.with_policy_at(
        &doc_position.text_document.uri,
        doc_position.position,
        |view, offset| {
            let result = match view.embedded {
                Some(embedded) => completion::complete_embedded(view.doc.text(), embedded, offset, view.policy_type),
                None => completion::complete(view.doc.text(), view.json, offset, view.policy_type),
            };
            // Items mostly share one span: convert it once.
            let mut last: Option<(iam_policy::Span, Range)> = None;
            let items = result
                .items
                .into_iter()
                .map(|item| {
                    let range = match last {
                        Some((span, range)) if span == item.span => range,
                        _ => {
                            let range = view.doc.range(item.span, view.encoding);
                            last = Some((item.span, range));
                            range
                        }
                    };
                    let snippet = snippets && item.is_snippet;
                    let new_text = if snippet || !item.is_snippet {
                        item.insert_text.clone()
                    } else {
                        item.plain_text()
                    };
                    CompletionItem {
                        kind: Some(kind(item.kind)),
                        detail: Some(item.detail),
                        documentation: Some(Documentation::MarkupContent(MarkupContent {
                            kind: MarkupKind::Markdown,
                            value: item.documentation,
                        })),
                        sort_text: Some(item.sort_text),
                        filter_text: Some(item.filter_text),
                        insert_text_format: Some(if snippet {
                            InsertTextFormat::SNIPPET
                        } else {
                            InsertTextFormat::PLAIN_TEXT
                        }),
                        text_edit: Some(CompletionTextEdit::Edit(TextEdit { range, new_text })),
                        label: item.label,
                        ..CompletionItem::default()
                    }
                })
                .collect();
            CompletionResponse::List(CompletionList {
                is_incomplete: result.is_incomplete,
                items,
            })
        },
    )
}
