//! Helix cannot be installed here, so this checks `editors/helix/languages.toml` against the keys
//! Helix documents (book/src/languages.md) and replays what Helix sends when it starts a server:
//! its `initialize` (position encodings utf-8, utf-32, utf-16, in that order, and its other
//! capabilities), the capability registration it accepts, and `didOpen` with the language id the
//! file gives, against the server started with exactly the file's command and args.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod common;

use common::TestServer;
use serde_json::{Value, json};
use std::path::PathBuf;
use toml::Table;

const LANGUAGE_KEYS: &[&str] = &[
    "name",
    "language-id",
    "scope",
    "injection-regex",
    "file-types",
    "shebangs",
    "roots",
    "auto-format",
    "diagnostic-severity",
    "comment-tokens",
    "comment-token",
    "block-comment-tokens",
    "indent",
    "language-servers",
    "grammar",
    "formatter",
    "soft-wrap",
    "text-width",
    "rulers",
    "path-completion",
    "word-completion",
    "workspace-lsp-roots",
    "persistent-diagnostic-sources",
];
const SERVER_KEYS: &[&str] = &[
    "command",
    "args",
    "config",
    "timeout",
    "environment",
    "required-root-patterns",
];
const FEATURES: &[&str] = &[
    "format",
    "goto-definition",
    "goto-declaration",
    "goto-type-definition",
    "goto-reference",
    "goto-implementation",
    "signature-help",
    "hover",
    "document-highlight",
    "completion",
    "code-action",
    "workspace-command",
    "document-symbols",
    "workspace-symbols",
    "diagnostics",
    "rename-symbol",
    "inlay-hints",
];
/// Servers Helix defines itself (its default languages.toml) that the snippet may name.
const HELIX_DEFAULT_SERVERS: &[&str] = &[
    "vscode-json-language-server",
    "yaml-language-server",
    "ansible-language-server",
    "terraform-ls",
];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn languages_toml() -> Table {
    let text = std::fs::read_to_string(repo().join("editors/helix/languages.toml")).unwrap();
    text.parse::<Table>().unwrap()
}

fn language<'a>(t: &'a Table, name: &str) -> &'a Table {
    t["language"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(toml::Value::as_table)
        .find(|l| l["name"].as_str() == Some(name))
        .unwrap_or_else(|| panic!("no [[language]] {name}"))
}

fn server_names(l: &Table) -> Vec<String> {
    l["language-servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| match s {
            toml::Value::String(n) => n.clone(),
            toml::Value::Table(t) => t["name"].as_str().unwrap().to_owned(),
            other => panic!("a language-servers entry is a name or a table: {other}"),
        })
        .collect()
}

#[test]
fn languages_toml_uses_only_documented_keys() {
    let t = languages_toml();
    for key in t.keys() {
        assert!(
            ["language", "language-server", "grammar", "use-grammars"].contains(&key.as_str()),
            "unknown top-level key {key}"
        );
    }
    let servers = t["language-server"].as_table().unwrap();
    for (name, server) in servers {
        let server = server.as_table().unwrap();
        for key in server.keys() {
            assert!(
                SERVER_KEYS.contains(&key.as_str()),
                "[language-server.{name}]: unknown key {key}"
            );
        }
        assert!(server["command"].is_str(), "{name}: command is a string");
        if let Some(args) = server.get("args") {
            assert!(
                args.as_array().unwrap().iter().all(toml::Value::is_str),
                "{name}: args are strings"
            );
        }
    }
    for l in t["language"].as_array().unwrap() {
        let l = l.as_table().unwrap();
        let name = l["name"].as_str().unwrap();
        for key in l.keys() {
            assert!(
                LANGUAGE_KEYS.contains(&key.as_str()),
                "[[language]] {name}: unknown key {key}"
            );
        }
        for entry in l["language-servers"].as_array().unwrap() {
            if let Some(t) = entry.as_table() {
                for key in t.keys() {
                    assert!(["name", "only-features", "except-features"].contains(&key.as_str()));
                }
                for f in ["only-features", "except-features"].iter().filter_map(|k| t.get(*k)) {
                    for f in f.as_array().unwrap() {
                        assert!(FEATURES.contains(&f.as_str().unwrap()), "unknown feature {f}");
                    }
                }
            }
        }
        for s in server_names(l) {
            assert!(
                servers.contains_key(&s) || HELIX_DEFAULT_SERVERS.contains(&s.as_str()),
                "{name} names server {s}, defined neither here nor by Helix"
            );
        }
        if let Some(types) = l.get("file-types") {
            for ft in types.as_array().unwrap() {
                let ok = ft.is_str() || ft.as_table().is_some_and(|t| t.len() == 1 && t["glob"].is_str());
                assert!(
                    ok,
                    "{name}: a file-types entry is an extension or {{ glob = \"...\" }}: {ft}"
                );
            }
        }
        if let Some(indent) = l.get("indent") {
            let keys: Vec<_> = indent.as_table().unwrap().keys().cloned().collect();
            assert_eq!(keys, ["tab-width", "unit"], "{name}: indent keys");
        }
    }
}

#[test]
fn json_keeps_helix_default_server_and_adds_ours() {
    let t = languages_toml();
    // Setting language-servers replaces Helix's list, so its JSON server must be repeated.
    assert_eq!(
        server_names(language(&t, "json")),
        ["vscode-json-language-server", "iam-policy-ls"]
    );
    assert!(server_names(language(&t, "iam-policy")).contains(&"iam-policy-ls".to_owned()));
}

#[test]
fn templates_keep_helix_default_servers_and_add_ours() {
    // Helix's languages.toml (helix-editor/helix, `languages.toml`): `yaml` runs
    // yaml-language-server and ansible-language-server; `hcl` (language-id `terraform`, file
    // types hcl, tf, nomad) runs terraform-ls. Setting the list replaces Helix's, so repeat them.
    let t = languages_toml();
    assert_eq!(
        server_names(language(&t, "yaml")),
        ["yaml-language-server", "ansible-language-server", "iam-policy-ls"]
    );
    assert_eq!(server_names(language(&t, "hcl")), ["terraform-ls", "iam-policy-ls"]);
}

#[test]
fn iam_policy_file_types_are_the_documented_conventions() {
    // The server's own recogniser is the source of truth: every glob Helix maps to the
    // `iam-policy` language must name files the server treats as policies by their name.
    let t = languages_toml();
    let l = language(&t, "iam-policy");
    let globs: Vec<String> = l["file-types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["glob"].as_str().unwrap().to_owned())
        .collect();
    for glob in &globs {
        let sample = glob.replace('*', "example");
        assert!(
            iam_policy::analysis::is_policy_file_name(&sample),
            "{glob}: the server does not treat {sample} as a policy"
        );
    }
    for needed in [
        "*.policy.json",
        "*.scp.json",
        "*.rcp.json",
        "*.trust.json",
        "trust-policy.json",
        "*.boundary.json",
    ] {
        assert!(globs.iter().any(|g| g == needed), "languages.toml lacks {needed}");
    }
}

/// Helix's `initialize` params (helix-lsp `Client::initialize`), as JSON.
fn helix_initialize(root: &str, options: Option<Value>) -> Value {
    let mut params = json!({
        "processId": std::process::id(),
        "workspaceFolders": [{"uri": root, "name": "project"}],
        "rootPath": "/project",
        "rootUri": root,
        "capabilities": {
            "workspace": {
                "configuration": true,
                "didChangeConfiguration": {"dynamicRegistration": false},
                "workspaceFolders": true,
                "applyEdit": true,
                "symbol": {"dynamicRegistration": false},
                "executeCommand": {"dynamicRegistration": false},
                "inlayHint": {"refreshSupport": false},
                "workspaceEdit": {
                    "documentChanges": true,
                    "resourceOperations": ["create", "rename", "delete"],
                    "failureHandling": "abort",
                    "normalizesLineEndings": false
                },
                "didChangeWatchedFiles": {"dynamicRegistration": true, "relativePatternSupport": false},
                "fileOperations": {"willRename": true, "didRename": true}
            },
            "textDocument": {
                "completion": {
                    "completionItem": {
                        "snippetSupport": true,
                        "resolveSupport": {"properties": ["documentation", "detail", "additionalTextEdits"]},
                        "insertReplaceSupport": true,
                        "deprecatedSupport": true,
                        "tagSupport": {"valueSet": [1]}
                    },
                    "completionItemKind": {}
                },
                "hover": {"contentFormat": ["markdown"]},
                "signatureHelp": {
                    "signatureInformation": {
                        "documentationFormat": ["markdown"],
                        "parameterInformation": {"labelOffsetSupport": true},
                        "activeParameterSupport": true
                    }
                },
                "rename": {"dynamicRegistration": false, "prepareSupport": true, "honorsChangeAnnotations": false},
                "formatting": {"dynamicRegistration": false},
                "codeAction": {
                    "codeActionLiteralSupport": {"codeActionKind": {"valueSet": [
                        "", "quickfix", "refactor", "refactor.extract", "refactor.inline", "refactor.rewrite",
                        "source", "source.organizeImports"
                    ]}},
                    "isPreferredSupport": true,
                    "disabledSupport": true,
                    "dataSupport": true,
                    "resolveSupport": {"properties": ["edit", "command"]}
                },
                "publishDiagnostics": {"versionSupport": true, "tagSupport": {"valueSet": [1, 2]}},
                "inlayHint": {"dynamicRegistration": false}
            },
            "window": {"workDoneProgress": true},
            "general": {"positionEncodings": ["utf-8", "utf-32", "utf-16"]}
        },
        "clientInfo": {"name": "helix", "version": "25.07.1"}
    });
    if let Some(options) = options {
        params["initializationOptions"] = options;
    }
    params
}

#[test]
fn helix_initialize_replayed_against_the_configured_command() {
    let t = languages_toml();
    let server = t["language-server"]["iam-policy-ls"].as_table().unwrap();
    // The command is looked up on PATH, where `cargo install` puts this binary.
    assert_eq!(server["command"].as_str(), Some("iam-policy-ls"));
    let args: Vec<&str> = server
        .get("args")
        .map(|a| a.as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect())
        .unwrap_or_default();
    let config = server.get("config").map(|c| serde_json::to_value(c).unwrap());

    let dir = std::env::temp_dir().join(format!("iam-ls-helix-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let root = format!("file://{}", dir.display());
    let mut s = TestServer::spawn_with(&args, Some(&dir), &[]);
    let id = s.request("initialize", helix_initialize(&root, config.clone()));
    let result = s.result(id);
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8", "{result}");
    assert_eq!(result["serverInfo"]["name"], "iam-policy-ls");
    s.notify("initialized", json!({}));
    // Helix accepts dynamic registration of file watchers.
    let register = s.take("client/registerCapability", |m| {
        m["method"] == "client/registerCapability"
    });
    assert_eq!(
        register["params"]["registrations"][0]["method"],
        "workspace/didChangeWatchedFiles"
    );
    s.send(&json!({"jsonrpc": "2.0", "id": register["id"], "result": null}));
    if let Some(config) = config {
        // helix-term sends the config again once the server is initialized.
        s.notify("workspace/didChangeConfiguration", json!({"settings": config}));
    }

    // Multi-byte text before the error: Helix counts bytes, so the column is a byte offset.
    let line = r#"  "Statement": [{"Sid": "Zürich", "Effect": "Alow", "Action": "s3:GetObject", "Resource": "*"}]"#;
    let text = format!("{{\n  \"Version\": \"2012-10-17\",\n{line}\n}}\n");
    let byte_col = line.find("\"Alow\"").unwrap();
    let char_col = line[..byte_col].chars().count();
    assert_ne!(
        byte_col, char_col,
        "the line must have multi-byte text before the error"
    );

    for (name, language_id) in [("org.scp.json", "iam-policy"), ("inline.json", "json")] {
        let uri = format!("{root}/{name}");
        s.open(&uri, language_id, 0, &text);
        let d = s.diagnostics(&uri);
        let effect = d["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == "INVALID_EFFECT")
            .unwrap_or_else(|| panic!("{name}: no INVALID_EFFECT in {d}"));
        assert_eq!(
            effect["range"]["start"],
            json!({"line": 2, "character": byte_col}),
            "{name}"
        );
        assert_eq!(
            effect["range"]["end"]["character"],
            byte_col + "\"Alow\"".len(),
            "{name}"
        );
    }
    // Templates, with the language ids Helix sends for them (`yaml`, and `terraform` for hcl).
    let template = "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Alow\n            Action: s3:GetObject\n            Resource: '*'\n";
    let terraform = "resource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{ Effect = \"Alow\", Action = \"s3:GetObject\", Resource = \"*\" }]\n  })\n}\n";
    for (name, language_id, text) in [("template.yaml", "yaml", template), ("main.tf", "terraform", terraform)] {
        let uri = format!("{root}/{name}");
        s.open(&uri, language_id, 0, text);
        let d = s.diagnostics(&uri);
        let codes: Vec<&str> = d["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|d| d["code"].as_str())
            .collect();
        assert_eq!(codes, ["INVALID_EFFECT"], "{name}: {d}");
    }
    assert!(s.shutdown().success());
    let _ = std::fs::remove_dir_all(&dir);
}
