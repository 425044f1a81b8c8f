//! An LSP test client that drives the built binary over stdio with real Content-Length framing.
//!
//! Every read has a timeout, so a hung server fails the test. Messages the server sends are
//! queued; a test takes the ones it expects (`response`, `notification`, `diagnostics`), and
//! when the `TestServer` is dropped any message left unread fails the test (the ty_server e2e
//! and typos-lsp style). `window/logMessage` notifications are kept apart, since they are
//! chatter rather than behaviour.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test support: a failed expectation should fail the test loudly"
)]

use serde_json::{Value, json};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const TIMEOUT: Duration = Duration::from_secs(20);

pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_iam-policy-ls")
}

pub struct TestServer {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    queue: VecDeque<Value>,
    pub log_messages: Vec<Value>,
    stderr: Arc<Mutex<String>>,
    next_id: i64,
    finished: bool,
}

/// Reads one framed message; `None` at end of stream or on a framing error.
pub fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            length = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

pub fn frame(message: &Value) -> Vec<u8> {
    let body = serde_json::to_vec(message).unwrap();
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend(body);
    out
}

impl TestServer {
    pub fn spawn() -> TestServer {
        Self::spawn_in(None, &[])
    }

    pub fn spawn_in(dir: Option<&std::path::Path>, env: &[(&str, &str)]) -> TestServer {
        Self::spawn_with(&[], dir, env)
    }

    pub fn spawn_with(args: &[&str], dir: Option<&std::path::Path>, env: &[(&str, &str)]) -> TestServer {
        let mut command = Command::new(binary());
        command.args(args);
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(dir) = dir {
            command.current_dir(dir);
        }
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("spawn iam-policy-ls");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut child_stderr = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = child_stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        TestServer {
            stdin: child.stdin.take(),
            child,
            rx,
            queue: VecDeque::new(),
            log_messages: Vec::new(),
            stderr,
            next_id: 1,
            finished: false,
        }
    }

    /// Spawns and completes the handshake with these client capabilities and options.
    pub fn initialized(capabilities: Value, options: Option<Value>) -> (TestServer, Value) {
        let mut server = TestServer::spawn();
        let result = server.initialize(capabilities, options);
        (server, result)
    }

    /// Spawns with a default client (utf-16) and completes the handshake.
    pub fn start() -> TestServer {
        Self::initialized(json!({}), None).0
    }

    pub fn initialize(&mut self, capabilities: Value, options: Option<Value>) -> Value {
        let mut params = json!({"processId": null, "rootUri": null, "capabilities": capabilities});
        if let Some(options) = options {
            params["initializationOptions"] = options;
        }
        let id = self.request("initialize", params);
        let result = self.result(id);
        self.notify("initialized", json!({}));
        result
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    pub fn send(&mut self, message: &Value) {
        self.send_raw(&frame(message));
    }

    pub fn request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Reads the next message into the queue; false on timeout or end of stream.
    fn pull(&mut self, deadline: Instant) -> bool {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(m) if m["method"] == "window/logMessage" => self.log_messages.push(m),
                Ok(m) => {
                    self.queue.push_back(m);
                    return true;
                }
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return false,
            }
        }
    }

    /// Takes the first queued or incoming message that satisfies `pred`.
    pub fn take(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        self.take_within(what, pred, TIMEOUT)
    }

    /// [`Self::take`] with a wait of its own, for work known to be slow in debug builds.
    pub fn take_within(&mut self, what: &str, pred: impl Fn(&Value) -> bool, wait: Duration) -> Value {
        let deadline = Instant::now() + wait;
        let mut scanned = 0;
        loop {
            if let Some(i) = self.queue.iter().skip(scanned).position(&pred) {
                return self.queue.remove(scanned + i).unwrap();
            }
            scanned = self.queue.len();
            if !self.pull(deadline) {
                let queue = self.queue.clone();
                self.finished = true;
                panic!(
                    "timed out waiting for {what}; unread: {queue:#?}\nserver stderr:\n{}",
                    self.stderr()
                );
            }
        }
    }

    /// Whether a message that satisfies `pred` arrived and waits unread.
    pub fn queued(&self, pred: impl Fn(&Value) -> bool) -> bool {
        self.queue.iter().any(pred)
    }

    /// The whole response to request `id`.
    pub fn response(&mut self, id: i64) -> Value {
        self.take(&format!("the response to {id}"), |m| {
            m["id"] == id && m.get("method").is_none()
        })
    }

    /// The result of request `id`; fails on an error response.
    pub fn result(&mut self, id: i64) -> Value {
        let response = self.response(id);
        assert!(response.get("error").is_none(), "request {id} failed: {response}");
        response["result"].clone()
    }

    /// The error code of request `id`'s response; fails on a result.
    pub fn error_code(&mut self, id: i64) -> i64 {
        let response = self.response(id);
        response["error"]["code"]
            .as_i64()
            .unwrap_or_else(|| panic!("expected an error: {response}"))
    }

    pub fn notification(&mut self, method: &str) -> Value {
        let m = self.take(method, |m| m["method"] == method && m.get("id").is_none());
        m["params"].clone()
    }

    /// The next publishDiagnostics for `uri`.
    pub fn diagnostics(&mut self, uri: &str) -> Value {
        let m = self.take(&format!("diagnostics for {uri}"), |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        m["params"].clone()
    }

    /// The next publishDiagnostics for `uri`, waiting up to `wait`.
    pub fn diagnostics_within(&mut self, uri: &str, wait: Duration) -> Value {
        let m = self.take_within(
            &format!("diagnostics for {uri}"),
            |m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri,
            wait,
        );
        m["params"].clone()
    }

    /// Fails if the server sends anything (other than log messages) within `wait`.
    pub fn assert_quiet(&mut self, wait: Duration) {
        let deadline = Instant::now() + wait;
        if !self.queue.is_empty() || self.pull(deadline) {
            let queue = self.queue.clone();
            self.queue.clear();
            panic!("unexpected messages: {queue:#?}");
        }
    }

    pub fn open(&mut self, uri: &str, language_id: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language_id, "version": version, "text": text}}),
        );
    }

    /// An incremental change of `range` ([line, character, line, character]) to `text`.
    pub fn change(&mut self, uri: &str, version: i32, range: [u32; 4], text: &str) {
        let [sl, sc, el, ec] = range;
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{
                    "range": {"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}},
                    "text": text
                }]
            }),
        );
    }

    pub fn change_full(&mut self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// `shutdown` then `exit`; returns the exit status.
    pub fn shutdown(&mut self) -> ExitStatus {
        let id = self.request("shutdown", Value::Null);
        let response = self.response(id);
        assert_eq!(response["result"], Value::Null, "{response}");
        self.notify("exit", Value::Null);
        self.wait()
    }

    /// Waits (bounded) for the process to end.
    pub fn wait(&mut self) -> ExitStatus {
        self.stdin = None;
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                self.finished = true;
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                self.finished = true;
                panic!("the server did not exit; stderr:\n{}", self.stderr());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let _ = self.child.kill();
            let _ = self.child.wait();
            return;
        }
        // Everything the server said must have been read.
        let leftover = if self.finished {
            std::mem::take(&mut self.queue)
        } else {
            self.pull(Instant::now() + Duration::from_millis(100));
            std::mem::take(&mut self.queue)
        };
        if !self.finished {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
        assert!(
            leftover.is_empty(),
            "the test left server messages unread: {leftover:#?}"
        );
    }
}

/// A `file://` URI for a name in a fixed (nonexistent) directory.
pub fn uri(name: &str) -> String {
    format!("file:///nonexistent-iam-ls-test/{name}")
}
