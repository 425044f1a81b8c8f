//! `.iam-policy-ls.toml` and editor settings, through the real binary (server and `check`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

mod common;

use common::TestServer;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::Duration;

const POLICY: &str =
    r#"{"Version": "2012-10-17", "Statement": [{"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}]}"#;

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("iam-ls-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn codes_and_severities(published: &Value) -> Vec<(String, i64)> {
    published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap().to_owned(), d["severity"].as_i64().unwrap()))
        .collect()
}

#[test]
fn project_file_disables_and_overrides_checks_and_reports_its_own_errors() {
    let dir = TempDir::new("project");
    let config = dir.write(
        ".iam-policy-ls.toml",
        "[checks]\nINVALID_EFFECT = \"warning\"\nMISSING_STATEMENT = \"off\"\n",
    );
    let policy = dir.write("sub/p.json", POLICY);
    let empty = dir.write("sub/empty.json", "{}");
    let mut server = TestServer::start();
    let u = file_uri(&policy);
    server.open(&u, "iam-policy", 1, POLICY);
    assert_eq!(
        codes_and_severities(&server.diagnostics(&u)),
        [("INVALID_EFFECT".into(), 2)]
    );
    let e = file_uri(&empty);
    server.open(&e, "iam-policy", 1, "{}");
    assert_eq!(
        codes_and_severities(&server.diagnostics(&e)),
        [("MISSING_VERSION".into(), 2)]
    );

    // Open the configuration and break it: diagnostics in it, and the documents are re-checked
    // with what is still valid.
    let c = file_uri(&config);
    let text = std::fs::read_to_string(&config).unwrap();
    server.open(&c, "toml", 1, &text);
    assert_eq!(server.diagnostics(&c)["diagnostics"], json!([]));
    server.diagnostics(&e);
    server.diagnostics(&u);
    server.change_full(&c, 2, "[checks]\nINVALID_EFFECT = \"loud\"\nNOPE = \"off\"\n");
    let published = server.diagnostics(&c);
    let messages: Vec<&str> = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages.len(), 2, "{published}");
    assert!(messages.iter().any(|m| m.contains("\"loud\"")));
    assert!(messages.iter().any(|m| m.contains("unknown check code `NOPE`")));
    assert_eq!(
        published["diagnostics"][1]["range"]["start"],
        json!({"line": 2, "character": 0})
    );
    assert_eq!(
        codes_and_severities(&server.diagnostics(&e)),
        [("MISSING_STATEMENT".into(), 1), ("MISSING_VERSION".into(), 2)]
    );
    assert_eq!(
        codes_and_severities(&server.diagnostics(&u)),
        [("INVALID_EFFECT".into(), 1)]
    );
    // Saving a broken configuration shows a message.
    server.notify("textDocument/didSave", json!({"textDocument": {"uri": c}}));
    let shown = server.notification("window/showMessage");
    assert!(shown["message"].as_str().unwrap().contains("NOPE"), "{shown}");
    assert!(server.shutdown().success());
}

#[test]
fn invalid_project_file_on_disk_is_shown_not_fatal() {
    let dir = TempDir::new("broken");
    dir.write(".iam-policy-ls.toml", "policy-type = \"bogus\"\n[checks\n");
    let policy = dir.write("p.json", POLICY);
    let mut server = TestServer::start();
    let u = file_uri(&policy);
    server.open(&u, "iam-policy", 1, POLICY);
    let shown = server.notification("window/showMessage");
    assert_eq!(shown["type"], 1);
    assert!(
        shown["message"].as_str().unwrap().contains(".iam-policy-ls.toml:2:"),
        "{shown}"
    );
    assert_eq!(
        codes_and_severities(&server.diagnostics(&u)),
        [("INVALID_EFFECT".into(), 1)]
    );
    assert!(server.shutdown().success());
}

#[test]
fn globs_and_default_type_pick_the_policy_type_and_make_json_a_policy() {
    let dir = TempDir::new("globs");
    dir.write(
        ".iam-policy-ls.toml",
        "policy-type = \"identity\"\n[policy-types]\n\"org/**/*.json\" = \"scp\"\n",
    );
    // Plain JSON without Statement under a glob is still a policy.
    let scp = dir.write("org/a/b.json", "{}");
    let other = dir.write("other/b.json", "{}");
    let mut server = TestServer::start();
    server.open(&file_uri(&scp), "json", 1, "{}");
    assert_eq!(
        codes_and_severities(&server.diagnostics(&file_uri(&scp))),
        [("MISSING_STATEMENT".into(), 1), ("MISSING_VERSION".into(), 2)]
    );
    server.open(&file_uri(&other), "json", 1, "{}");
    server.assert_quiet(Duration::from_millis(200));
    assert!(server.shutdown().success());
}

#[test]
fn editor_settings_apply_and_a_change_republishes() {
    let options = json!({"checks": {"INVALID_EFFECT": "off"}});
    let (mut server, _) = TestServer::initialized(json!({}), Some(options));
    let u = common::uri("p.json");
    server.open(&u, "iam-policy", 1, POLICY);
    assert_eq!(codes_and_severities(&server.diagnostics(&u)), []);
    // VS Code style: the section under its name.
    server.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"iam-policy-ls": {"checks": {"INVALID_EFFECT": "suggestion"}}}}),
    );
    assert_eq!(
        codes_and_severities(&server.diagnostics(&u)),
        [("INVALID_EFFECT".into(), 4)]
    );
    // Bad settings: shown, and the valid rest still applies.
    server.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"checks": {"INVALID_EFFECT": "error", "WHAT": "off"}, "policy-type": 3}}),
    );
    let shown = [
        server.notification("window/showMessage"),
        server.notification("window/showMessage"),
    ];
    let shown: Vec<&str> = shown.iter().map(|m| m["message"].as_str().unwrap()).collect();
    assert!(
        shown.iter().any(|m| m.contains("unknown check code `WHAT`")),
        "{shown:?}"
    );
    assert!(
        shown.iter().any(|m| m.contains("policy-type must be a string")),
        "{shown:?}"
    );
    assert_eq!(
        codes_and_severities(&server.diagnostics(&u)),
        [("INVALID_EFFECT".into(), 1)]
    );
    // A pull-model client's null settings change nothing.
    server.notify("workspace/didChangeConfiguration", json!({"settings": null}));
    server.assert_quiet(Duration::from_millis(200));
    assert!(server.shutdown().success());
}

#[test]
fn check_reads_the_same_file() {
    let dir = TempDir::new("cli");
    dir.write(
        ".iam-policy-ls.toml",
        "[checks]\nINVALID_EFFECT = \"off\"\n[policy-types]\n\"org/*.json\" = \"scp\"\n",
    );
    let policy = dir.write("p.json", POLICY);
    dir.write("org/x.json", "{}");
    let run = |args: &[&str]| {
        std::process::Command::new(common::binary())
            .args(args)
            .current_dir(&dir.0)
            .output()
            .unwrap()
    };
    let out = run(&["check", "--format", "json", policy.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    // A directory scan picks up `org/x.json` through the glob, although it has no Statement.
    let out = run(&["check", "--format", "json", "."]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("MISSING_STATEMENT"), "{stdout}");
    assert!(stdout.contains("\"scp\""), "{stdout}");
    // A bad configuration is reported and exits 2.
    dir.write(".iam-policy-ls.toml", "[checks]\nNOT_A_CODE = \"off\"\n");
    let out = run(&["check", policy.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(".iam-policy-ls.toml:2:1: [checks]: unknown check code `NOT_A_CODE`"),
        "{stderr}"
    );
}

#[test]
fn invalid_initialization_options_are_shown_during_initialize() {
    let mut server = TestServer::spawn();
    let result = server.initialize(json!({}), Some(json!({"checks": {"INVALID_EFFECT": 7}})));
    assert_eq!(result["capabilities"]["textDocumentSync"]["change"], 2);
    let shown = server.notification("window/showMessage");
    assert!(shown["message"].as_str().unwrap().contains("INVALID_EFFECT"), "{shown}");
    assert!(server.shutdown().success());
}

#[test]
fn watched_configuration_changes_on_disk_republish() {
    let dir = TempDir::new("watch");
    let policy = dir.write("p.json", POLICY);
    let capabilities = json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
    let (mut server, _) = TestServer::initialized(capabilities, None);
    let request = server.take("client/registerCapability", |m| {
        m["method"] == "client/registerCapability"
    });
    let registration = &request["params"]["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    let patterns: Vec<&str> = registration["registerOptions"]["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["globPattern"].as_str())
        .collect();
    // Configuration files, and the policies and test files policy tests cache.
    assert_eq!(patterns, ["**/.iam-policy-ls.toml", "**/*.json", "**/*.{yaml,yml,tf}"]);
    // The client's answer (a null result) must reach the server intact.
    server.send(&json!({"jsonrpc": "2.0", "id": request["id"], "result": null}));

    let u = file_uri(&policy);
    server.open(&u, "iam-policy", 1, POLICY);
    assert_eq!(
        codes_and_severities(&server.diagnostics(&u)),
        [("INVALID_EFFECT".into(), 1)]
    );
    let config = dir.write(".iam-policy-ls.toml", "[checks]\nINVALID_EFFECT = \"off\"\n");
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&config), "type": 1}]}),
    );
    assert_eq!(codes_and_severities(&server.diagnostics(&u)), []);
    // Other files changing: nothing to do.
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&policy), "type": 2}]}),
    );
    server.assert_quiet(Duration::from_millis(200));
    assert!(server.shutdown().success());
}

#[test]
fn the_catalog_setting_changes_what_is_known_and_what_hover_says() {
    const EXAMPLE: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "example:DoThing", "Resource": "*"}]}"#;
    let hover_text = |server: &mut TestServer, u: &str| {
        let at = EXAMPLE.find("example:").unwrap() as u32;
        let id = server.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": u}, "position": {"line": 0, "character": at}}),
        );
        server.result(id)["contents"]["value"].as_str().unwrap().to_owned()
    };
    let (mut server, _) = TestServer::initialized(json!({}), None);
    let u = common::uri("example.json");
    server.open(&u, "iam-policy", 1, EXAMPLE);
    assert_eq!(
        codes_and_severities(&server.diagnostics(&u)),
        [("INVALID_SERVICE_IN_ACTION".into(), 1)]
    );
    let unknown = hover_text(&mut server, &u);
    assert!(
        unknown.contains("not an action in the catalog of 2026-09-26"),
        "{unknown}"
    );

    let package = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/catalog-package");
    server.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"iam-policy-ls": {"catalog": package.to_str().unwrap()}}}),
    );
    assert_eq!(codes_and_severities(&server.diagnostics(&u)), []);
    let known = hover_text(&mut server, &u);
    assert!(known.starts_with("**example:DoThing** — Write"), "{known}");
    assert!(server.shutdown().success());
}
