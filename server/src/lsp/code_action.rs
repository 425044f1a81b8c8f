//! `textDocument/codeAction`: quick fixes are the fixes each diagnostic already carries in its
//! `data` (LSP ranges, computed when it was published), so they are a lookup; refactors at the
//! cursor come from the core as byte spans and are converted here.

use super::diagnostics::SOURCE;
use super::session::Session;
use serde::Deserialize;
use std::collections::HashMap;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, Range, TextEdit, Uri, WorkspaceEdit,
};

#[derive(Deserialize)]
struct Data {
    #[serde(default)]
    fixes: Vec<FixData>,
}

#[derive(Deserialize)]
struct FixData {
    title: String,
    edits: Vec<EditData>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EditData {
    range: Range,
    new_text: String,
}

fn workspace_edit(uri: &Uri, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}

fn wants(only: Option<&Vec<CodeActionKind>>, kind: &CodeActionKind) -> bool {
    only.is_none_or(|only| {
        only.iter()
            .any(|o| kind.as_str() == o.as_str() || kind.as_str().starts_with(&format!("{}.", o.as_str())))
    })
}

pub fn code_actions(session: &mut Session, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
    let uri = &params.text_document.uri;
    let only = params.context.only.as_ref();
    let mut out = Vec::new();
    if wants(only, &CodeActionKind::QUICKFIX) {
        for diagnostic in &params.context.diagnostics {
            if diagnostic.source.as_deref() != Some(SOURCE) {
                continue;
            }
            let Some(data) = diagnostic
                .data
                .clone()
                .and_then(|d| serde_json::from_value::<Data>(d).ok())
            else {
                continue;
            };
            let single = data.fixes.len() == 1;
            for fix in data.fixes {
                let edits = fix
                    .edits
                    .into_iter()
                    .map(|e| TextEdit {
                        range: e.range,
                        new_text: e.new_text,
                    })
                    .collect();
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: fix.title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic.clone()]),
                    edit: Some(workspace_edit(uri, edits)),
                    is_preferred: Some(single),
                    ..CodeAction::default()
                }));
            }
        }
    }
    if wants(only, &CodeActionKind::REFACTOR_REWRITE) {
        let refactors = session.with_policy_at(uri, params.range.start, |view, offset| {
            let fixes = iam_policy::refactor::refactors(view.doc.text(), view.json, offset);
            // In a template, refactors are written in its syntax, or not offered.
            let fixes = match view.embedded {
                Some(e) => iam_policy::host::render::fixes(fixes, e.syntax, view.doc.text(), view.json.root.as_ref())
                    .into_iter()
                    .filter(|fix| fix.edits.iter().all(|edit| !e.touches_unknown(edit.span)))
                    .collect(),
                None => fixes,
            };
            fixes
                .into_iter()
                .map(|fix| {
                    let edits = fix
                        .edits
                        .iter()
                        .map(|e| TextEdit {
                            range: view.doc.range(e.span, view.encoding),
                            new_text: e.new_text.clone(),
                        })
                        .collect();
                    CodeActionOrCommand::CodeAction(CodeAction {
                        title: fix.title,
                        kind: Some(CodeActionKind::REFACTOR_REWRITE),
                        edit: Some(workspace_edit(uri, edits)),
                        ..CodeAction::default()
                    })
                })
                .collect::<Vec<_>>()
        });
        out.extend(refactors.unwrap_or_default());
    }
    out
}
