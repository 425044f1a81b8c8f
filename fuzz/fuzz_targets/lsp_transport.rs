//! The whole server in-process (`iam_policy_ls::lsp::serve` over `tokio::io::duplex`): an
//! initialize handshake, then a fuzzed stream of framed JSON-RPC messages — real methods with
//! fuzzed fields, bodies that are not JSON, and raw bytes that break the framing. No panic, no
//! hang, and every byte the server writes is a well-framed JSON message.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const URI: &str = "file:///nonexistent-iam-fuzz/p.json";

#[derive(Arbitrary, Debug)]
enum Msg {
    Open {
        language: bool,
        text: String,
    },
    Change {
        version: i8,
        range: Option<(u8, u8, u8, u8)>,
        text: String,
    },
    Hover {
        line: u8,
        character: u8,
    },
    Complete {
        line: u8,
        character: u8,
    },
    CodeAction {
        line: u8,
        character: u8,
    },
    Symbols,
    Close,
    Configuration {
        json: String,
    },
    /// A framed body that may be anything.
    Body(Vec<u8>),
    /// Bytes that may break the framing.
    Raw(Vec<u8>),
    /// A known method with params that may be anything.
    Method {
        method: u8,
        id: Option<i16>,
        params: String,
    },
}

const METHODS: [&str; 12] = [
    "textDocument/didOpen",
    "textDocument/didChange",
    "textDocument/hover",
    "textDocument/completion",
    "textDocument/codeAction",
    "textDocument/documentSymbol",
    "textDocument/inlayHint",
    "textDocument/selectionRange",
    "workspace/didChangeConfiguration",
    "iam-policy-ls/policyType",
    "shutdown",
    "$/cancelRequest",
];

fn frame(out: &mut Vec<u8>, body: &[u8]) {
    out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    out.extend_from_slice(body);
}

fn message(out: &mut Vec<u8>, id: &mut i64, method: &str, params: Value, request: bool) {
    let body = if request {
        *id += 1;
        json!({"jsonrpc": "2.0", "id": *id, "method": method, "params": params})
    } else {
        json!({"jsonrpc": "2.0", "method": method, "params": params})
    };
    frame(out, body.to_string().as_bytes());
}

fn at(line: u8, character: u8) -> Value {
    json!({"textDocument": {"uri": URI}, "position": {"line": line % 16, "character": character}})
}

/// Checks that `bytes` is a sequence of well-framed JSON messages (a partial last one allowed).
fn well_framed(mut bytes: &[u8]) {
    while !bytes.is_empty() {
        let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") else {
            return;
        };
        let header =
            std::str::from_utf8(bytes.get(..end).unwrap_or_default()).unwrap_or_else(|_| panic!("header not UTF-8"));
        let len: usize = header
            .lines()
            .find_map(|l| l.strip_prefix("Content-Length: "))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("no Content-Length in {header:?}"));
        let Some(body) = bytes.get(end + 4..end + 4 + len) else {
            return;
        };
        assert!(
            serde_json::from_slice::<Value>(body).is_ok(),
            "server wrote a body that is not JSON"
        );
        bytes = bytes.get(end + 4 + len..).unwrap_or_default();
    }
}

fuzz_target!(|msgs: Vec<Msg>| {
    let mut input = Vec::new();
    let mut id = 0i64;
    message(
        &mut input,
        &mut id,
        "initialize",
        json!({"capabilities": {"general": {"positionEncodings": ["utf-16"]}}}),
        true,
    );
    message(&mut input, &mut id, "initialized", json!({}), false);
    let mut version = 0i32;
    for msg in msgs.into_iter().take(24) {
        match msg {
            Msg::Open { language, text } => {
                let language = if language { "iam-policy" } else { "json" };
                let params = json!({"textDocument": {"uri": URI, "languageId": language, "version": 0, "text": text}});
                message(&mut input, &mut id, "textDocument/didOpen", params, false);
            }
            Msg::Change {
                version: v,
                range,
                text,
            } => {
                version = version.wrapping_add(i32::from(v));
                let change = match range {
                    Some((a, b, c, d)) => {
                        json!({"range": {"start": {"line": a % 16, "character": b}, "end": {"line": c % 16, "character": d}}, "text": text})
                    }
                    None => json!({"text": text}),
                };
                let params = json!({"textDocument": {"uri": URI, "version": version}, "contentChanges": [change]});
                message(&mut input, &mut id, "textDocument/didChange", params, false);
            }
            Msg::Hover { line, character } => {
                message(&mut input, &mut id, "textDocument/hover", at(line, character), true)
            }
            Msg::Complete { line, character } => {
                message(
                    &mut input,
                    &mut id,
                    "textDocument/completion",
                    at(line, character),
                    true,
                );
            }
            Msg::CodeAction { line, character } => {
                let p = json!({"line": line % 16, "character": character});
                let params = json!({"textDocument": {"uri": URI}, "range": {"start": p, "end": p}, "context": {"diagnostics": []}});
                message(&mut input, &mut id, "textDocument/codeAction", params, true);
            }
            Msg::Symbols => message(
                &mut input,
                &mut id,
                "textDocument/documentSymbol",
                json!({"textDocument": {"uri": URI}}),
                true,
            ),
            Msg::Close => message(
                &mut input,
                &mut id,
                "textDocument/didClose",
                json!({"textDocument": {"uri": URI}}),
                false,
            ),
            Msg::Configuration { json: settings } => {
                let settings = serde_json::from_str::<Value>(&settings).unwrap_or(Value::String(settings));
                message(
                    &mut input,
                    &mut id,
                    "workspace/didChangeConfiguration",
                    json!({"settings": settings}),
                    false,
                );
            }
            Msg::Body(body) => frame(&mut input, &body),
            Msg::Raw(bytes) => input.extend_from_slice(&bytes),
            Msg::Method {
                method,
                id: msg_id,
                params,
            } => {
                let method = METHODS[usize::from(method) % METHODS.len()];
                let params = serde_json::from_str::<Value>(&params).unwrap_or(Value::String(params));
                let body = match msg_id {
                    Some(i) => json!({"jsonrpc": "2.0", "id": i, "method": method, "params": params}),
                    None => json!({"jsonrpc": "2.0", "method": method, "params": params}),
                };
                frame(&mut input, body.to_string().as_bytes());
            }
        }
    }
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
        return;
    };
    let output = runtime.block_on(async move {
        let (mut client, server_in) = tokio::io::duplex(1 << 20);
        let (server_out, mut from_server) = tokio::io::duplex(1 << 20);
        let server = tokio::spawn(iam_policy_ls::lsp::serve(server_in, server_out));
        let writer = tokio::spawn(async move {
            let _ = client.write_all(&input).await;
            let _ = client.shutdown().await;
        });
        let mut output = Vec::new();
        let read = tokio::time::timeout(std::time::Duration::from_secs(10), from_server.read_to_end(&mut output)).await;
        assert!(
            read.is_ok(),
            "the server did not stop within 10 s of the end of its input"
        );
        let _ = writer.await;
        let _ = server.await;
        output
    });
    well_framed(&output);
});
