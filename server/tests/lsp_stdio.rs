//! The server over each kind of stdin/stdout an editor or a script may hand it: pipes are
//! what every other test uses; here socket pairs (what libuv-based editors such as VS Code and
//! Neovim create) and plain files (a recorded session replayed from disk).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests: a failed expectation should fail the test loudly"
)]

mod common;

use common::{binary, frame, read_message};
use serde_json::{Value, json};
use std::io::{BufReader, Write};
use std::os::fd::OwnedFd;
use std::os::unix::net::UnixStream;
use std::process::{Command, Stdio};

const POLICY: &str =
    r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}]}"#;

/// initialize, initialized, didOpen of a policy with a mistyped action, shutdown, exit.
fn session() -> Vec<Vec<u8>> {
    let messages = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": null, "rootUri": null, "capabilities": {}}}),
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": "file:///stdio/policy.json", "languageId": "iam-policy", "version": 1, "text": POLICY}}}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}),
        json!({"jsonrpc": "2.0", "method": "exit", "params": null}),
    ];
    messages.iter().map(frame).collect()
}

/// Checks the server's replies to [`session`]: the initialize result, the diagnostics for the
/// mistyped action, and the shutdown response.
fn assert_replies(replies: &[Value]) {
    assert!(
        replies
            .iter()
            .any(|m| m["id"] == 1 && m["result"]["capabilities"].is_object()),
        "{replies:#?}"
    );
    let diagnostics = replies
        .iter()
        .find(|m| m["method"] == "textDocument/publishDiagnostics")
        .unwrap_or_else(|| panic!("no diagnostics in {replies:#?}"));
    let codes: Vec<&str> = diagnostics["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(codes.contains(&"INVALID_ACTION"), "{codes:?}");
    assert!(
        replies
            .iter()
            .any(|m| m["id"] == 2 && m["result"].is_null() && m.get("error").is_none()),
        "{replies:#?}"
    );
}

fn read_all(reader: impl std::io::Read) -> Vec<Value> {
    // Every message must parse: a torn frame would end the list early and fail the checks.
    let mut reader = BufReader::new(reader);
    std::iter::from_fn(|| read_message(&mut reader)).collect()
}

#[test]
fn serves_over_socket_pairs() {
    let (input_ours, input_theirs) = UnixStream::pair().unwrap();
    let (output_ours, output_theirs) = UnixStream::pair().unwrap();
    let mut child = Command::new(binary())
        .stdin(Stdio::from(OwnedFd::from(input_theirs)))
        .stdout(Stdio::from(OwnedFd::from(output_theirs)))
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut input = input_ours;
    let mut output = BufReader::new(output_ours);
    let mut session = session().into_iter();
    let mut replies = Vec::new();
    // Like an editor: nothing before `initialize` is answered, `exit` only once `shutdown` is.
    let mut send_until = |messages: &mut dyn Iterator<Item = Vec<u8>>, awaited: &dyn Fn(&Value) -> bool| {
        input.write_all(&messages.collect::<Vec<_>>().concat()).unwrap();
        while let Some(message) = read_message(&mut output) {
            let done = awaited(&message);
            replies.push(message);
            if done {
                return;
            }
        }
        panic!("the server stopped early: {replies:#?}");
    };
    send_until(&mut session.by_ref().take(1), &|m| m["id"] == 1);
    send_until(&mut session.by_ref().take(2), &|m| {
        m["method"] == "textDocument/publishDiagnostics"
    });
    send_until(&mut session.by_ref().take(1), &|m| m["id"] == 2);
    input.write_all(&session.flatten().collect::<Vec<u8>>()).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert_replies(&replies);
}

#[test]
fn serves_a_recorded_session_from_files() {
    let dir = std::env::temp_dir().join(format!("iam-policy-ls-stdio-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (input, output) = (dir.join("input.lsp"), dir.join("output.lsp"));
    std::fs::write(&input, session().concat()).unwrap();
    let status = Command::new(binary())
        .stdin(std::fs::File::open(&input).unwrap())
        .stdout(std::fs::File::create(&output).unwrap())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    // The file ends at once, so the server stops with requests still in flight (they are
    // answered as cancelled) and without a `shutdown` it could act on: exit code 1. What
    // matters is that it ends by itself and what it wrote is well framed.
    assert_eq!(status.code(), Some(1), "{status:?}");
    let replies = read_all(std::fs::File::open(&output).unwrap());
    let _ = std::fs::remove_dir_all(&dir);
    assert!(replies.iter().any(|m| m["id"] == 1), "{replies:#?}");
}
