//! The server's handlers on one session, with arbitrary operations: open (policy, JSON, the
//! configuration file), incremental and full changes with arbitrary ranges, close, save,
//! settings, and every request at arbitrary positions. No panic; after every change the
//! document's text and rope agree; every published range and code action edit points into the
//! document.
#![no_main]

use arbitrary::Arbitrary;
use iam_policy_ls::lsp::session::Session;
use iam_policy_ls::lsp::{code_action, completion, hover, inlay, symbols};
use iam_policy_ls::position::Encoding;
use libfuzzer_sys::fuzz_target;
use std::str::FromStr;
use tower_lsp_server::ls_types::*;

const URIS: [&str; 3] = [
    "file:///nonexistent-iam-fuzz/a.json",
    "file:///nonexistent-iam-fuzz/b.scp.json",
    "file:///nonexistent-iam-fuzz/.iam-policy.toml",
];
const LANGUAGES: [&str; 4] = ["iam-policy", "json", "jsonc", "toml"];

#[derive(Arbitrary, Debug)]
enum Op {
    Open {
        doc: u8,
        language: u8,
        text: String,
    },
    Change {
        doc: u8,
        version: i8,
        changes: Vec<(Option<(u8, u8, u8, u8)>, String)>,
    },
    Close {
        doc: u8,
    },
    Save {
        doc: u8,
    },
    Settings {
        json: String,
    },
    Hover {
        doc: u8,
        line: u8,
        character: u8,
    },
    Complete {
        doc: u8,
        line: u8,
        character: u8,
        snippets: bool,
    },
    CodeAction {
        doc: u8,
        start: (u8, u8),
        end: (u8, u8),
    },
    Symbols {
        doc: u8,
    },
    Selection {
        doc: u8,
        line: u8,
        character: u8,
    },
    Inlay {
        doc: u8,
    },
}

#[derive(Arbitrary, Debug)]
struct Input {
    encoding: u8,
    ops: Vec<Op>,
}

fn uri(i: u8) -> Uri {
    let s = URIS[usize::from(i) % URIS.len()];
    Uri::from_str(s).unwrap_or_else(|_| unreachable!())
}

fn pos(line: u8, character: u8) -> Position {
    Position::new(u32::from(line), u32::from(character))
}

fn tdp(doc: u8, line: u8, character: u8) -> TextDocumentPositionParams {
    TextDocumentPositionParams {
        text_document: TextDocumentIdentifier { uri: uri(doc) },
        position: pos(line, character),
    }
}

fuzz_target!(|input: Input| {
    let encoding = [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32][usize::from(input.encoding) % 3];
    let mut session = Session::new(encoding);
    let mut versions = [0i32; 3];
    let mut diagnostics: Vec<Vec<Diagnostic>> = vec![Vec::new(); 3];
    for op in input.ops.into_iter().take(32) {
        let outcome = match op {
            Op::Open { doc, language, text } => {
                versions[usize::from(doc) % 3] = 1;
                let language = LANGUAGES[usize::from(language) % LANGUAGES.len()].to_owned();
                Some(session.open(uri(doc), language, 1, text))
            }
            Op::Change { doc, version, changes } => {
                let slot = usize::from(doc) % 3;
                versions[slot] = versions[slot].wrapping_add(i32::from(version));
                let changes = changes
                    .into_iter()
                    .take(8)
                    .map(|(range, text)| TextDocumentContentChangeEvent {
                        range: range.map(|(a, b, c, d)| Range::new(pos(a % 8, b), pos(c % 8, d))),
                        range_length: None,
                        text,
                    })
                    .collect();
                Some(session.change(&uri(doc), versions[slot], changes))
            }
            Op::Close { doc } => Some(session.close(&uri(doc))),
            Op::Save { doc } => Some(session.saved(&uri(doc))),
            Op::Settings { json } => serde_json::from_str(&json)
                .ok()
                .map(|v| session.set_editor_settings(&v)),
            Op::Hover { doc, line, character } => {
                let params = HoverParams {
                    text_document_position_params: tdp(doc, line, character),
                    work_done_progress_params: Default::default(),
                };
                let _ = hover::hover(&mut session, &params);
                None
            }
            Op::Complete {
                doc,
                line,
                character,
                snippets,
            } => {
                let params = CompletionParams {
                    text_document_position: tdp(doc, line, character),
                    work_done_progress_params: Default::default(),
                    partial_result_params: Default::default(),
                    context: None,
                };
                let _ = completion::complete(&mut session, &params, snippets);
                None
            }
            Op::CodeAction { doc, start, end } => {
                let params = CodeActionParams {
                    text_document: TextDocumentIdentifier { uri: uri(doc) },
                    range: Range::new(pos(start.0, start.1), pos(end.0, end.1)),
                    context: CodeActionContext {
                        diagnostics: diagnostics[usize::from(doc) % 3].clone(),
                        only: None,
                        trigger_kind: None,
                    },
                    work_done_progress_params: Default::default(),
                    partial_result_params: Default::default(),
                };
                let _ = code_action::code_actions(&mut session, &params);
                None
            }
            Op::Symbols { doc } => {
                let _ = symbols::document_symbols(&mut session, &uri(doc));
                let _ = symbols::folding_ranges(&mut session, &uri(doc));
                let _ = symbols::document_links(&mut session, &uri(doc));
                None
            }
            Op::Selection { doc, line, character } => {
                let _ = symbols::selection_ranges(&mut session, &uri(doc), &[pos(line, character), pos(0, 0)]);
                None
            }
            Op::Inlay { doc } => {
                let params = InlayHintParams {
                    work_done_progress_params: Default::default(),
                    text_document: TextDocumentIdentifier { uri: uri(doc) },
                    range: Range::new(pos(0, 0), pos(255, 255)),
                };
                let _ = inlay::inlay_hints(&mut session, &params);
                None
            }
        };
        if let Some(outcome) = outcome {
            for p in outcome.publish {
                if let Some(slot) = URIS.iter().position(|u| *u == p.uri.as_str()) {
                    diagnostics[slot] = p.diagnostics;
                }
            }
        }
        for u in URIS {
            let u = Uri::from_str(u).unwrap_or_else(|_| unreachable!());
            if let Some(doc) = session.document(&u) {
                assert_eq!(doc.rope().to_string(), doc.text(), "rope and text disagree");
            }
        }
    }
});
