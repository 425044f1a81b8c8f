//! Completion through the real binary over stdio: every context, half-typed documents, exact
//! labels and edit ranges (snapshots), encodings and clients without snippet support.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

mod common;

use common::{TestServer, uri};
use serde_json::{Value, json};

const SNIPPETS: &str = "snippetSupport";

fn client(snippets: bool) -> Value {
    json!({"textDocument": {"completion": {"completionItem": {SNIPPETS: snippets}}}})
}

/// (line, UTF-16 character) of the `<CURSOR>` marker, and the text without it.
fn cursor(marked: &str) -> (String, u32, u32) {
    let at = marked.find("<CURSOR>").expect("a <CURSOR> marker");
    let before = &marked[..at];
    let line = before.matches('\n').count() as u32;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character = before[line_start..].encode_utf16().count() as u32;
    (marked.replacen("<CURSOR>", "", 1), line, character)
}

struct Session {
    server: TestServer,
    version: i32,
}

impl Session {
    fn new(snippets: bool) -> Session {
        let (server, _) = TestServer::initialized(client(snippets), None);
        Session { server, version: 0 }
    }

    /// Opens `marked` as `name` and asks for completion at the marker.
    fn complete(&mut self, name: &str, marked: &str) -> Value {
        let (text, line, character) = cursor(marked);
        let u = uri(name);
        self.version += 1;
        self.server.open(&u, "iam-policy", self.version, &text);
        self.server.diagnostics(&u);
        let id = self.server.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": u}, "position": {"line": line, "character": character}}),
        );
        let result = self.server.result(id);
        self.server
            .notify("textDocument/didClose", json!({"textDocument": {"uri": u}}));
        self.server.diagnostics(&u);
        result
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            assert!(self.server.shutdown().success());
        }
    }
}

fn labels(result: &Value) -> Vec<String> {
    result["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_owned())
        .collect()
}

fn range(r: &Value) -> String {
    format!(
        "{}:{}-{}:{}",
        r["start"]["line"], r["start"]["character"], r["end"]["line"], r["end"]["character"]
    )
}

/// The list as one line per item (the first `n`): label, kind, detail, edit range, new text.
fn render(result: &Value, n: usize) -> String {
    let items = result["items"].as_array().unwrap();
    let mut out = format!("isIncomplete: {}, {} items\n", result["isIncomplete"], items.len());
    for i in items.iter().take(n) {
        let edit = &i["textEdit"];
        out.push_str(&format!(
            "{} | kind {} | {} | {} | {} | {}\n",
            i["label"].as_str().unwrap(),
            i["kind"],
            i["detail"].as_str().unwrap(),
            range(&edit["range"]),
            edit["newText"],
            if i["insertTextFormat"] == 2 { "snippet" } else { "plain" },
        ));
    }
    out
}

/// Every item has kind, detail, markdown documentation, sort and filter text, and an edit whose
/// range contains the cursor.
fn check_items(result: &Value, marked: &str) {
    let (_, line, character) = cursor(marked);
    for i in result["items"].as_array().unwrap() {
        assert!(i["kind"].is_u64(), "{i}");
        assert!(!i["detail"].as_str().unwrap().is_empty(), "{i}");
        assert_eq!(i["documentation"]["kind"], "markdown", "{i}");
        assert!(!i["documentation"]["value"].as_str().unwrap().is_empty(), "{i}");
        assert!(i["sortText"].is_string() && i["filterText"].is_string(), "{i}");
        let r = &i["textEdit"]["range"];
        assert_eq!(r["start"]["line"], line, "{i}");
        assert_eq!(r["end"]["line"], line, "{i}");
        assert!(r["start"]["character"].as_u64().unwrap() <= u64::from(character), "{i}");
        assert!(r["end"]["character"].as_u64().unwrap() >= u64::from(character), "{i}");
    }
}

fn snapshot(session: &mut Session, name: &str, marked: &str, n: usize) -> String {
    let result = session.complete(name, marked);
    check_items(&result, marked);
    render(&result, n)
}

#[test]
fn advertises_completion_with_trigger_characters() {
    let (mut server, result) = TestServer::initialized(client(true), None);
    assert_eq!(
        result["capabilities"]["completionProvider"]["triggerCharacters"],
        json!(["\"", ":", "{"])
    );
    assert!(server.shutdown().success());
}

#[test]
fn top_level_and_statement_keys() {
    let mut s = Session::new(true);
    insta::assert_snapshot!(
        "top_level_keys",
        snapshot(
            &mut s,
            "a.json",
            "{\n  \"Version\": \"2012-10-17\",\n  \"<CURSOR>\n}",
            10
        )
    );
    insta::assert_snapshot!(
        "version_value_empty_slot",
        snapshot(&mut s, "a.json", "{\n  \"Version\": <CURSOR>\n}", 10)
    );
    // Identity policy: no Principal; Action and NotAction are gone once NotAction is present.
    let statement = "{\"Version\": \"2012-10-17\", \"Statement\": [{\n  \"Effect\": \"Allow\",\n  \"NotAction\": \"s3:*\",\n  \"<CURSOR>\"\n}]}";
    insta::assert_snapshot!("statement_keys_identity", snapshot(&mut s, "a.json", statement, 20));
    // A trust policy (by file name) offers Principal; NotPrincipal only with Deny.
    let result = s.complete("role.trust.json", statement);
    assert_eq!(
        labels(&result),
        ["Resource", "Condition", "Principal", "Sid", "NotResource"]
    );
    let result = s.complete("role.trust.json", &statement.replace("Allow", "Deny"));
    assert_eq!(
        labels(&result),
        [
            "Resource",
            "Condition",
            "Principal",
            "Sid",
            "NotResource",
            "NotPrincipal"
        ]
    );
    // A half-typed key after a missing comma, no closing braces: replaces `"Re`.
    insta::assert_snapshot!(
        "statement_key_missing_comma_unterminated",
        snapshot(
            &mut s,
            "a.json",
            "{\"Statement\": [{\n  \"Effect\": \"Allow\"\n  \"Re<CURSOR>\n",
            10
        )
    );
}

#[test]
fn effect_values() {
    let mut s = Session::new(true);
    insta::assert_snapshot!(
        "effect_in_string",
        snapshot(&mut s, "a.json", "{\"Statement\": [{\"Effect\": \"A<CURSOR>\"}]}", 10)
    );
    insta::assert_snapshot!(
        "effect_empty_value",
        snapshot(&mut s, "a.json", "{\"Statement\": [{\"Effect\": <CURSOR>", 10)
    );
}

#[test]
fn actions_services_then_actions() {
    let mut s = Session::new(true);
    let result = s.complete(
        "a.json",
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"<CURSOR>\"}]}",
    );
    check_items(
        &result,
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"<CURSOR>\"}]}",
    );
    assert_eq!(result["isIncomplete"], true);
    insta::assert_snapshot!("action_services", render(&result, 6));
    insta::assert_snapshot!(
        "action_in_array_terminated",
        snapshot(
            &mut s,
            "a.json",
            "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"s3:ListBucket\", \"s3:GetObj<CURSOR>\"]}]}",
            8
        )
    );
    insta::assert_snapshot!(
        "not_action_unterminated",
        snapshot(
            &mut s,
            "a.json",
            "{\"Statement\": [{\"Effect\": \"Deny\", \"NotAction\": \"iam:<CURSOR>\n",
            6
        )
    );
}

#[test]
fn resources() {
    let mut s = Session::new(true);
    insta::assert_snapshot!(
        "resource_templates_of_actions",
        snapshot(
            &mut s,
            "a.json",
            "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"sqs:SendMessage\"], \"Resource\": \"<CURSOR>\"}]}",
            6
        )
    );
    insta::assert_snapshot!(
        "resource_variable",
        snapshot(
            &mut s,
            "a.json",
            "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::home/${aws:u<CURSOR>\"}]}",
            6
        )
    );
}

#[test]
fn resource_partly_typed_arn() {
    let mut s = Session::new(true);
    let marked = "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"iam:PassRole\", \"Resource\": \"arn:aws:iam::123456789012:ro<CURSOR>\"}]}";
    let result = s.complete("a.json", marked);
    check_items(&result, marked);
    // The typed text is in the item: the client must ask again as it changes.
    assert_eq!(result["isIncomplete"], true);
    assert_eq!(labels(&result), ["role"]);
    let role = &result["items"][0];
    // The edit replaces the whole string, both quotes included.
    let (text, _, _) = cursor(marked);
    let start = text.find("\"arn:").unwrap();
    let end = text.rfind("\"}").unwrap() + 1;
    assert_eq!(range(&role["textEdit"]["range"]), format!("0:{start}-0:{end}"));
    assert_eq!(
        role["textEdit"]["newText"],
        "\"arn:aws:iam::123456789012:role/${1:RoleNameWithPath}\""
    );
    assert_eq!(role["insertTextFormat"], 2);
    assert_eq!(
        role["filterText"],
        "\"arn:aws:iam::123456789012:role/RoleNameWithPath\""
    );
    // Unterminated: the edit ends at the cursor and the item closes the string.
    let marked = "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::my-bucket/<CURSOR>";
    let result = s.complete("a.json", marked);
    check_items(&result, marked);
    let (text, _, character) = cursor(marked);
    let start = text.find("\"arn:").unwrap();
    let object = &result["items"][0];
    assert_eq!(object["label"], "object");
    assert_eq!(range(&object["textEdit"]["range"]), format!("0:{start}-0:{character}"));
    assert_eq!(
        object["textEdit"]["newText"],
        "\"arn:aws:s3:::my-bucket/${1:ObjectName}\""
    );
}

#[test]
fn principals() {
    let mut s = Session::new(true);
    insta::assert_snapshot!(
        "principal_keys",
        snapshot(
            &mut s,
            "bucket-policy.json",
            "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"<CURSOR>\"}, \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}]}",
            6
        )
    );
    insta::assert_snapshot!(
        "principal_service",
        snapshot(
            &mut s,
            "role.trust.json",
            "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"Service\": \"ec<CURSOR>\"}, \"Action\": \"sts:AssumeRole\"}]}",
            6
        )
    );
    insta::assert_snapshot!(
        "principal_federated",
        snapshot(
            &mut s,
            "role.trust.json",
            "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"Federated\": \"<CURSOR>",
            8
        )
    );
    insta::assert_snapshot!(
        "principal_aws",
        snapshot(
            &mut s,
            "bucket-policy.json",
            "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": [\"<CURSOR>\"]}}]}",
            8
        )
    );
}

#[test]
fn conditions() {
    let mut s = Session::new(true);
    insta::assert_snapshot!(
        "condition_operators",
        snapshot(
            &mut s,
            "a.json",
            "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:PutObject\", \"Condition\": {\"Str<CURSOR>\n",
            8
        )
    );
    insta::assert_snapshot!(
        "condition_keys_of_action",
        snapshot(
            &mut s,
            "a.json",
            "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:PutObject\", \"Condition\": {\"StringEquals\": {\"s3:x-amz-<CURSOR>\"}}}]}",
            8
        )
    );
    insta::assert_snapshot!(
        "condition_tag_key_template",
        snapshot(
            &mut s,
            "a.json",
            "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"ec2:RunInstances\", \"Condition\": {\"StringEquals\": {\"aws:Req<CURSOR>",
            4
        )
    );
    insta::assert_snapshot!(
        "condition_value_bool",
        snapshot(
            &mut s,
            "a.json",
            "{\"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"s3:*\", \"Condition\": {\"Bool\": {\"aws:SecureTransport\": <CURSOR>",
            4
        )
    );
    insta::assert_snapshot!(
        "condition_value_principal_type",
        snapshot(
            &mut s,
            "a.json",
            "{\"Statement\": [{\"Condition\": {\"StringEquals\": {\"aws:PrincipalType\": [\"<CURSOR>\"]}}}]}",
            8
        )
    );
    let result = s.complete(
        "a.json",
        "{\"Statement\": [{\"Condition\": {\"StringEquals\": {\"aws:RequestedRegion\": \"us-<CURSOR>\"}}}]}",
    );
    assert_eq!(
        labels(&result)[..4],
        ["us-east-1", "us-east-2", "us-west-1", "us-west-2"]
    );
}

#[test]
fn utf16_positions_and_plain_text_without_snippets() {
    let mut s = Session::new(false);
    // A surrogate pair before the cursor on the same line: ranges count UTF-16 units.
    let marked =
        "{\"Statement\": [{\"Sid\": \"\u{1F600}\", \"Effect\": \"Allow\", \"Action\": \"s3:GetObjectT<CURSOR>\"}]}";
    let result = s.complete("a.json", marked);
    check_items(&result, marked);
    let first = &result["items"][0];
    assert_eq!(first["label"], "s3:GetObjectTagging");
    // The token `"s3:GetObjectT"` starts at UTF-16 column 58 (the emoji counts two; bytes would
    // say 60, chars 57).
    assert_eq!(range(&first["textEdit"]["range"]), "0:58-0:73");
    // Without snippet support, snippets arrive as plain text.
    let result = s.complete("a.json", "{<CURSOR>}");
    let statement = result["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "Statement")
        .unwrap();
    assert_eq!(statement["insertTextFormat"], 1);
    let text = statement["textEdit"]["newText"].as_str().unwrap();
    assert!(text.contains("\"Effect\": \"Allow\"") && !text.contains('$'), "{text}");
}

#[test]
fn non_policy_json_gets_no_completion() {
    let mut server = TestServer::initialized(client(true), None).0;
    let u = uri("package.json");
    server.open(&u, "json", 1, "{\"name\": \"\"}");
    let id = server.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": u}, "position": {"line": 0, "character": 10}}),
    );
    assert_eq!(server.result(id), Value::Null);
    assert!(server.shutdown().success());
}
