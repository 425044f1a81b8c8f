//! The protocol's lifecycle and error responses, through the real binary over stdio.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

mod common;

use common::TestServer;
use serde_json::{Value, json};
use std::time::Duration;

#[test]
fn advertises_incremental_sync_and_utf16_by_default() {
    let (mut server, result) = TestServer::initialized(json!({}), None);
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(result["capabilities"]["textDocumentSync"]["change"], 2);
    assert_eq!(result["capabilities"]["textDocumentSync"]["openClose"], true);
    assert_eq!(result["serverInfo"]["name"], "iam-policy-ls");
    assert!(server.shutdown().success());
}

#[test]
fn negotiates_the_position_encoding() {
    for (offered, expected) in [
        (json!(["utf-16"]), "utf-16"),
        (json!(["utf-32", "utf-16"]), "utf-32"),
        // Helix's order.
        (json!(["utf-8", "utf-32", "utf-16"]), "utf-8"),
        (json!(["latin-1"]), "utf-16"),
    ] {
        let (mut server, result) = TestServer::initialized(json!({"general": {"positionEncodings": offered}}), None);
        assert_eq!(
            result["capabilities"]["positionEncoding"], expected,
            "offered {offered}"
        );
        assert!(server.shutdown().success());
    }
}

#[test]
fn shutdown_then_exit_exits_zero_and_requests_after_shutdown_are_invalid() {
    let mut server = TestServer::start();
    let id = server.request("shutdown", Value::Null);
    assert_eq!(server.result(id), Value::Null);
    let id = server.request("textDocument/hover", json!({}));
    assert_eq!(server.error_code(id), -32600);
    server.notify("exit", Value::Null);
    assert_eq!(server.wait().code(), Some(0));
}

#[test]
fn exit_without_shutdown_exits_one() {
    let mut server = TestServer::start();
    server.notify("exit", Value::Null);
    assert_eq!(server.wait().code(), Some(1));
}

#[test]
fn closing_stdin_ends_the_server() {
    let mut server = TestServer::start();
    assert_eq!(server.wait().code(), Some(1));
}

#[test]
fn requests_before_initialize_are_refused() {
    let mut server = TestServer::spawn();
    let id = server.request("textDocument/hover", json!({}));
    assert_eq!(server.error_code(id), -32002);
    server.initialize(json!({}), None);
    assert!(server.shutdown().success());
}

#[test]
fn unknown_methods_and_malformed_messages_keep_the_server_serving() {
    let mut server = TestServer::start();
    // Unknown request: MethodNotFound. Unknown notification: ignored.
    let id = server.request("iam/unknownThing", json!({}));
    assert_eq!(server.error_code(id), -32601);
    server.notify("$/unknownNotification", json!({}));
    server.notify("iam/unknownNotification", json!({"x": 1}));
    // Malformed params on a request: InvalidParams.
    let id = server.request("shutdownx", Value::Null);
    assert_eq!(server.error_code(id), -32601);
    let id = server.request("textDocument/hover", json!({"textDocument": 3}));
    let code = server.error_code(id);
    assert!(code == -32602 || code == -32601, "{code}");
    // Malformed params on notifications: ignored.
    server.notify("textDocument/didOpen", json!({"textDocument": {"uri": 5}}));
    server.notify("textDocument/didChange", json!("nonsense"));
    // A body that is not JSON: a parse error response with a null id.
    server.send_raw(b"Content-Length: 9\r\n\r\n{not json");
    let parse_error = server.take("a parse error", |m| m["error"]["code"] == -32700);
    assert_eq!(parse_error["id"], Value::Null);
    // A header without Content-Length, and a JSON body that is not a JSON-RPC message.
    server.send_raw(b"X-Nonsense: 1\r\n\r\n");
    let header_error = server.take("a header error", |m| m["error"]["code"] == -32700);
    assert_eq!(header_error["id"], Value::Null);
    server.send_raw(b"Content-Length: 5\r\n\r\n[1,2]");
    let invalid = server.take("an invalid request", |m| m["error"]["code"] == -32600);
    assert_eq!(invalid["id"], Value::Null);
    // `$/cancelRequest` for a finished or unknown request: nothing to answer.
    server.notify("$/cancelRequest", json!({"id": 12345}));
    server.assert_quiet(Duration::from_millis(200));
    // Still serving: a document gets its diagnostics.
    let uri = common::uri("still.json");
    server.open(&uri, "iam-policy", 1, r#"{"Statement": [{"Effect": "allow"}]}"#);
    let published = server.diagnostics(&uri);
    assert_eq!(published["version"], 1);
    assert!(server.shutdown().success());
}

#[test]
fn log_level_flag_and_env_control_stderr() {
    let mut server = TestServer::spawn_in(None, &[("IAM_POLICY_LS_LOG", "debug")]);
    server.initialize(json!({}), None);
    // A stale change is logged at debug level.
    let uri = common::uri("log.json");
    server.open(&uri, "iam-policy", 5, "{}");
    server.diagnostics(&uri);
    server.change_full(&uri, 4, "{ }");
    let id = server.request("shutdown", Value::Null);
    server.result(id);
    server.notify("exit", Value::Null);
    server.wait();
    assert!(server.stderr().contains("stale version 4"), "{}", server.stderr());
    assert!(
        server
            .log_messages
            .iter()
            .any(|m| m["params"]["message"].as_str().unwrap_or("").contains("ready")),
        "window/logMessage gets the server's log"
    );

    let mut quiet = TestServer::spawn_in(None, &[("IAM_POLICY_LS_LOG", "error")]);
    quiet.initialize(json!({}), None);
    assert!(quiet.shutdown().success());
    assert!(!quiet.stderr().contains("ready"), "{}", quiet.stderr());

    // The flag wins over the environment; `--stdio` is accepted.
    let mut flagged = TestServer::spawn_with(
        &["--stdio", "--log-level", "error"],
        None,
        &[("IAM_POLICY_LS_LOG", "debug")],
    );
    flagged.initialize(json!({}), None);
    assert!(flagged.shutdown().success());
    assert!(!flagged.stderr().contains("ready"), "{}", flagged.stderr());
}
