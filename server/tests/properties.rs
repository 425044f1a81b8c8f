//! The quick fixes and refactors an editor applies are the core's fixes, converted: for
//! generated policies with multi-byte characters and mixed line endings, under every position
//! encoding, each code action's edits applied by LSP position give the same text as the core's
//! fix applied by byte offset.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a panic in a test is a test failure"
)]

use iam_policy::finding::Fix;
use iam_policy::{Options, analyze_text, json};
use iam_policy_ls::lsp::code_action::code_actions;
use iam_policy_ls::lsp::document::to_position;
use iam_policy_ls::lsp::session::Session;
use iam_policy_ls::position::{self, Encoding};
use proptest::prelude::*;
use ropey::Rope;
use std::collections::BTreeSet;
use std::str::FromStr;
use tower_lsp_server::ls_types::{
    CodeActionContext, CodeActionOrCommand, CodeActionParams, Position, Range, TextDocumentIdentifier, TextEdit, Uri,
};

const SIDS: &[&str] = &["\"é1\"", "\"Sid 😀\"", "\"中文\"", "\"\"", "\"Ok1\""];
const EFFECTS: &[&str] = &["\"Allow\"", "\"allow\"", "\"DENY\""];
const ACTIONS: &[&str] = &["\"s3:GetObject\"", "\"s3:getobject\"", "\"s3:Get*\"", "\"ec2:*\""];
const RESOURCES: &[&str] = &[
    "\"arn:aws:s3:::b/é\"",
    "\"arn:aws:s3:::b/😀\"",
    "\"*\"",
    "\"arn:aws:s3:::b/é\"",
];

fn statement() -> impl Strategy<Value = String> {
    (
        0..SIDS.len(),
        0..EFFECTS.len(),
        proptest::collection::vec(0..ACTIONS.len(), 1..4),
        proptest::collection::vec(0..RESOURCES.len(), 1..4),
        prop_oneof![Just("\n"), Just("\r\n"), Just(" ")],
    )
        .prop_map(|(sid, effect, actions, resources, nl)| {
            let join = |pool: &[&str], ix: &[usize]| ix.iter().map(|&i| pool[i]).collect::<Vec<_>>().join(", ");
            format!(
                "{{\"Sid\": {},{nl}  \"Effect\": {},{nl}  \"Action\": [{}],{nl}  \"Resource\": [{}]}}",
                SIDS[sid],
                EFFECTS[effect],
                join(ACTIONS, &actions),
                join(RESOURCES, &resources)
            )
        })
}

fn policy() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(statement(), 1..3),
        any::<bool>(),
        prop_oneof![Just("\n"), Just("\r\n")],
    )
        .prop_map(|(statements, version, nl)| {
            let version = if version {
                format!("\"Version\": \"2012-10-17\",{nl}")
            } else {
                String::new()
            };
            format!(
                "{{{version}\"Statement\": [{nl}{}{nl}]}}{nl}",
                statements.join(&format!(",{nl}"))
            )
        })
}

fn encoding() -> impl Strategy<Value = Encoding> {
    prop_oneof![Just(Encoding::Utf8), Just(Encoding::Utf16), Just(Encoding::Utf32)]
}

fn apply_bytes(text: &str, fix: &Fix) -> String {
    let mut edits: Vec<_> = fix.edits.iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
    let mut out = text.to_owned();
    for e in edits {
        out.replace_range(e.span.start..e.span.end, &e.new_text);
    }
    out
}

fn apply_lsp(text: &str, edits: &[TextEdit], encoding: Encoding) -> String {
    let rope = Rope::from_str(text);
    let mut spans: Vec<_> = edits
        .iter()
        .map(|e| {
            let start = position::offset(&rope, to_position(e.range.start), encoding);
            let end = position::offset(&rope, to_position(e.range.end), encoding);
            (start, end, e.new_text.as_str())
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_owned();
    for (start, end, new_text) in spans {
        out.replace_range(start..end, new_text);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    #[test]
    fn code_actions_apply_the_core_fixes(text in policy(), enc in encoding()) {
        let uri = Uri::from_str("file:///nonexistent-iam-ls-prop/p.json").unwrap();
        let mut session = Session::new(enc);
        let outcome = session.open(uri.clone(), "iam-policy".into(), 1, text.clone());
        let diagnostics = outcome.publish.into_iter().next().unwrap().diagnostics;

        // Quick fixes: one request with every diagnostic, as editors send on "fix all".
        let params = CodeActionParams {
            text_document: TextDocumentIdentifier { uri: uri.clone() },
            range: Range::new(Position::new(0, 0), Position::new(0, 0)),
            context: CodeActionContext { diagnostics, only: Some(vec!["quickfix".into()]), trigger_kind: None },
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        };
        let from_lsp: BTreeSet<(String, String)> = code_actions(&mut session, &params)
            .into_iter()
            .filter_map(|a| match a {
                CodeActionOrCommand::CodeAction(a) => Some(a),
                CodeActionOrCommand::Command(_) => None,
            })
            .map(|a| {
                let edits = a.edit.unwrap().changes.unwrap().remove(&uri).unwrap();
                (a.title, apply_lsp(&text, &edits, enc))
            })
            .collect();
        let analysis = analyze_text(&text, Options { policy_type: None, path: Some("p.json") });
        let from_core: BTreeSet<(String, String)> = analysis
            .findings
            .iter()
            .flat_map(|f| f.fixes.iter())
            .map(|fix| (fix.title.clone(), apply_bytes(&text, fix)))
            .collect();
        // Some generated mistakes have no fix (a Sid of only CJK letters has no ASCII name to offer).
        prop_assume!(!from_core.is_empty());
        prop_assert_eq!(from_lsp, from_core);

        // Refactors at the first value of each action list.
        let doc = json::parse(&text);
        let rope = Rope::from_str(&text);
        let mut at = 0;
        while let Some(found) = text.get(at..).and_then(|rest| rest.find("\"Action\": [")) {
            let offset = at + found + "\"Action\": [".len() + 1;
            at = offset;
            let p = position::position(&rope, offset, enc);
            let p = Position::new(p.line, p.character);
            let params = CodeActionParams {
                text_document: TextDocumentIdentifier { uri: uri.clone() },
                range: Range::new(p, p),
                context: CodeActionContext { diagnostics: vec![], only: Some(vec!["refactor".into()]), trigger_kind: None },
                work_done_progress_params: Default::default(),
                partial_result_params: Default::default(),
            };
            let from_lsp: BTreeSet<(String, String)> = code_actions(&mut session, &params)
                .into_iter()
                .filter_map(|a| match a {
                    CodeActionOrCommand::CodeAction(a) => Some(a),
                    CodeActionOrCommand::Command(_) => None,
                })
                .map(|a| {
                    let edits = a.edit.unwrap().changes.unwrap().remove(&uri).unwrap();
                    (a.title, apply_lsp(&text, &edits, enc))
                })
                .collect();
            let from_core: BTreeSet<(String, String)> = iam_policy::refactor::refactors(&text, &doc, offset)
                .iter()
                .map(|fix| (fix.title.clone(), apply_bytes(&text, fix)))
                .collect();
            prop_assert_eq!(from_lsp, from_core);
        }
    }
}
