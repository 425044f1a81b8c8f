//! Documents and diagnostics, through the real binary over stdio.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic, reason = "tests")]

mod common;

use common::{TestServer, uri};
use serde_json::{Value, json};
use std::time::Duration;

const INVALID_EFFECT: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}]
}"#;

const LARGE: &str = "LARGE_DOCUMENT";

/// A policy of `statements` statements (about 100 bytes each) whose every Effect is invalid.
fn many_statements(statements: usize) -> String {
    let statement = r#"{"Effect": "allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/key"}"#;
    let all = vec![statement; statements].join(",\n");
    format!("{{\"Version\": \"2012-10-17\", \"Statement\": [\n{all}\n]}}")
}

fn codes(published: &Value) -> Vec<String> {
    published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn publishes_versioned_diagnostics_with_code_docs_source_and_fix_data() {
    let mut server = TestServer::start();
    let u = uri("a.json");
    server.open(&u, "iam-policy", 7, INVALID_EFFECT);
    let published = server.diagnostics(&u);
    assert_eq!(published["version"], 7);
    let d = &published["diagnostics"][0];
    assert_eq!(d["code"], "INVALID_EFFECT");
    assert_eq!(d["source"], "iam-policy-ls");
    assert_eq!(d["severity"], 1);
    assert!(
        d["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("#invalid_effect")
    );
    // `"allow"` on line 2: the span includes the quotes.
    assert_eq!(
        d["range"],
        json!({"start": {"line": 2, "character": 27}, "end": {"line": 2, "character": 34}})
    );
    assert_eq!(d["data"]["severity"], "error");
    let fix = &d["data"]["fixes"][0];
    assert_eq!(fix["edits"][0]["range"], d["range"]);
    assert!(fix["edits"][0]["newText"].as_str().unwrap().contains("Allow"));

    // Related information for duplicate keys points into the same document.
    let dup = uri("dup.json");
    server.open(&dup, "iam-policy", 1, r#"{"Statement": [], "Statement": []}"#);
    let published = server.diagnostics(&dup);
    let d = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "DUPLICATE_JSON_KEY")
        .unwrap()
        .clone();
    assert_eq!(d["relatedInformation"][0]["location"]["uri"], dup.as_str());
    assert!(server.shutdown().success());
}

#[test]
fn incremental_changes_update_diagnostics_and_close_clears_them() {
    let mut server = TestServer::start();
    let u = uri("b.json");
    server.open(&u, "iam-policy", 1, INVALID_EFFECT);
    assert_eq!(codes(&server.diagnostics(&u)), ["INVALID_EFFECT"]);
    // Replace `allow` with `Allow`.
    server.change(&u, 2, [2, 28, 2, 33], "Allow");
    let published = server.diagnostics(&u);
    assert_eq!(published["version"], 2);
    assert_eq!(codes(&published), Vec::<String>::new());
    // Delete the Effect member entirely: MISSING_EFFECT.
    server.change(&u, 3, [2, 17, 2, 36], "");
    assert_eq!(codes(&server.diagnostics(&u)), ["MISSING_EFFECT"]);
    server.notify("textDocument/didClose", json!({"textDocument": {"uri": u}}));
    let cleared = server.diagnostics(&u);
    assert_eq!(cleared["diagnostics"], json!([]));
    assert!(server.shutdown().success());
}

/// 100 didChanges sent back to back must apply in order: the final diagnostics are for
/// version 101 and equal those of the final text opened fresh.
#[test]
fn rapid_changes_apply_in_order() {
    let mut server = TestServer::start();
    let u = uri("rapid.json");
    let mut text = String::from(
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*", "Sid": ""}]}"#,
    );
    server.open(&u, "iam-policy", 1, &text);
    server.diagnostics(&u);
    let sid_at = text.find(r#""Sid": ""#).unwrap() + 8;
    for i in 0..100u32 {
        // Each change types one character after the previous one; out-of-order application
        // would scramble the Sid.
        let ch = char::from(b'a' + (i % 26) as u8).to_string();
        let col = sid_at as u32 + i;
        server.change(&u, 2 + i as i32, [0, col, 0, col], &ch);
        text.insert_str(sid_at + i as usize, &ch);
    }
    // An `effect` typo at the end makes the final diagnostics depend on the whole sequence.
    let effect_at = text.find("Allow").unwrap() as u32;
    server.change(&u, 102, [0, effect_at, 0, effect_at + 1], "a");
    text.replace_range(effect_at as usize..effect_at as usize + 1, "a");

    let mut versions = Vec::new();
    let last = loop {
        let published = server.diagnostics(&u);
        versions.push(published["version"].as_i64().unwrap());
        if published["version"] == 102 {
            break published;
        }
    };
    assert!(
        versions.windows(2).all(|w| w[0] < w[1]),
        "versions out of order: {versions:?}"
    );

    let fresh = uri("rapid-fresh.json");
    server.open(&fresh, "iam-policy", 1, &text);
    let expected = server.diagnostics(&fresh);
    assert_eq!(last["diagnostics"], expected["diagnostics"]);
    assert_eq!(codes(&last), ["INVALID_EFFECT"]);
    assert!(server.shutdown().success());
}

#[test]
fn stale_and_unopened_changes_are_ignored() {
    let mut server = TestServer::start();
    let u = uri("stale.json");
    server.open(&u, "iam-policy", 5, INVALID_EFFECT);
    server.diagnostics(&u);
    server.change(&u, 5, [0, 0, 0, 0], "garbage");
    server.change(&u, 3, [0, 0, 0, 0], "garbage");
    server.change(&uri("never-opened.json"), 2, [0, 0, 0, 0], "x");
    server.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri("never-opened.json")}}),
    );
    server.assert_quiet(Duration::from_millis(300));
    // The document is intact: fixing the typo clears the diagnostics.
    server.change(&u, 6, [2, 28, 2, 29], "A");
    assert_eq!(codes(&server.diagnostics(&u)), Vec::<String>::new());
    assert!(server.shutdown().success());
}

#[test]
fn positions_past_the_end_and_inside_surrogate_pairs_are_clamped() {
    let mut server = TestServer::start();
    let u = uri("clamp.json");
    // "😀" is two UTF-16 code units.
    server.open(
        &u,
        "iam-policy",
        1,
        "{\"Statement\": [{\"Sid\": \"😀\", \"Effect\": \"Allow\", \"Action\": \"s3:ListAllMyBuckets\", \"Resource\": \"*\"}], \"Version\": \"2012-10-17\"}",
    );
    server.diagnostics(&u);
    // Character 25 is between the two surrogates of 😀: the range start moves to the emoji's
    // start, so the whole emoji is replaced instead of being split.
    server.change(&u, 2, [0, 25, 0, 26], "x");
    server.diagnostics(&u);
    // Past the end of the line and past the last line: appends at the end.
    server.change(&u, 3, [0, 500, 9, 9], " ");
    server.diagnostics(&u);
    server.change(&u, 4, [40, 0, 50, 0], "\n");
    server.diagnostics(&u);
    // Check the resulting text through a fresh document's diagnostics: none, it is a valid
    // policy; and a reversed range is an insertion at its start.
    server.change(&u, 5, [0, 30, 0, 2], "");
    let published = server.diagnostics(&u);
    assert_eq!(codes(&published), Vec::<String>::new(), "{published}");
    assert!(server.shutdown().success());
}

#[test]
fn utf8_and_utf32_clients_get_positions_in_their_encoding() {
    let text = "{\"Id\": \"中😀\", \"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"allow\", \"Action\": \"s3:ListAllMyBuckets\", \"Resource\": \"*\"}]}";
    // `"allow"` starts after 中 (3 bytes, 1 unit, 1 char) and 😀 (4 bytes, 2 units, 1 char).
    let byte_start = text.find("\"allow\"").unwrap() as u64;
    for (enc, start) in [
        ("utf-8", byte_start),
        ("utf-16", byte_start - 2 - 2),
        ("utf-32", byte_start - 2 - 3),
    ] {
        let (mut server, _) = TestServer::initialized(json!({"general": {"positionEncodings": [enc]}}), None);
        let u = uri("enc.json");
        server.open(&u, "iam-policy", 1, text);
        let published = server.diagnostics(&u);
        assert_eq!(
            published["diagnostics"][0]["range"]["start"]["character"], start,
            "{enc}"
        );
        // Edits are read in the same encoding: replace the `a` of allow.
        server.change(&u, 2, [0, start as u32 + 1, 0, start as u32 + 2], "A");
        assert_eq!(codes(&server.diagnostics(&u)), Vec::<String>::new(), "{enc}");
        assert!(server.shutdown().success());
    }
}

#[test]
fn plain_json_is_silent_until_it_looks_like_a_policy() {
    let mut server = TestServer::start();
    let u = uri("package.json");
    server.open(&u, "json", 1, r#"{"name": "pkg", "Effect": 1}"#);
    server.change(&u, 2, [0, 1, 0, 1], r#""Version": "x", "#);
    server.assert_quiet(Duration::from_millis(300));
    // Typing a top-level Statement makes it a policy.
    server.change(&u, 3, [0, 1, 0, 1], r#""Statement": [{"Effect": "allow"}], "#);
    let published = server.diagnostics(&u);
    assert_eq!(published["version"], 3);
    assert!(codes(&published).contains(&"INVALID_EFFECT".to_owned()));
    // Removing it again clears once, then silence.
    server.change_full(&u, 4, r#"{"name": "pkg"}"#);
    assert_eq!(server.diagnostics(&u)["diagnostics"], json!([]));
    server.change_full(&u, 5, r#"{"name": "pkg2"}"#);
    server.notify("textDocument/didClose", json!({"textDocument": {"uri": u}}));
    // Close of a json document still clears (harmless when nothing was shown).
    assert_eq!(server.diagnostics(&u)["diagnostics"], json!([]));

    // A policy file name makes any JSON a policy; `iam-policy` is always one; other languages
    // are ignored.
    let named = uri("deny.scp.json");
    server.open(&named, "json", 1, "{}");
    assert_eq!(
        codes(&server.diagnostics(&named)),
        ["MISSING_STATEMENT", "MISSING_VERSION"]
    );
    let always = uri("x.txt");
    server.open(&always, "iam-policy", 1, "{}");
    assert_eq!(
        codes(&server.diagnostics(&always)),
        ["MISSING_STATEMENT", "MISSING_VERSION"]
    );
    server.open(&uri("notes.md"), "markdown", 1, "{\"Statement\": 1}");
    server.assert_quiet(Duration::from_millis(200));
    assert!(server.shutdown().success());
}

#[test]
fn a_ten_megabyte_document_and_a_thousand_documents() {
    let mut server = TestServer::start();
    // ~10 MB: one statement whose condition lists 700,000 user names.
    let users: Vec<String> = (0..700_000).map(|i| format!("\"user-name-{i:07}\"")).collect();
    let big = format!(
        "{{\"Version\": \"2012-10-17\", \"Statement\": [{{\"Effect\": \"allow\", \"Resource\": \"*\", \"Action\": \"s3:GetObject\", \"Condition\": {{\"StringEquals\": {{\"aws:username\": [{}]}}}}}}]}}",
        users.join(",")
    );
    assert!(big.len() > 10_000_000);
    let u = uri("big.json");
    server.open(&u, "iam-policy", 1, &big);
    // 10 MB is also far over the 6,144-character quota of a managed policy.
    // Over the 2 MiB of a large document: the quick checks, and a note saying so.
    let quota = "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA";
    // A debug build under a loaded CI machine takes a while over 700,000 strings.
    let slow = Duration::from_secs(120);
    assert_eq!(
        codes(&server.diagnostics_within(&u, slow)),
        [LARGE, quota, "INVALID_EFFECT"]
    );
    let at = big.find("allow").unwrap() as u32;
    server.change(&u, 2, [0, at, 0, at + 1], "A");
    assert_eq!(codes(&server.diagnostics_within(&u, slow)), [LARGE, quota]);

    for i in 0..1000 {
        server.open(&uri(&format!("many/{i}.json")), "iam-policy", 1, INVALID_EFFECT);
    }
    for i in 0..1000 {
        let published = server.diagnostics(&uri(&format!("many/{i}.json")));
        assert_eq!(codes(&published), ["INVALID_EFFECT"]);
    }
    // Still responsive to requests.
    let id = server.request("iam/unknown", json!({}));
    assert_eq!(server.error_code(id), -32601);
    assert!(server.shutdown().success());
}

#[test]
fn requests_on_other_documents_are_answered_while_a_large_one_is_checked() {
    let mut server = TestServer::start();
    let small = uri("small.json");
    server.open(&small, "iam-policy", 1, INVALID_EFFECT);
    assert_eq!(codes(&server.diagnostics(&small)), ["INVALID_EFFECT"]);

    let big = many_statements(40_000);
    assert!(big.len() > 3_000_000);
    let large = uri("large.json");
    server.open(&large, "iam-policy", 1, &big);
    let id = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": small}, "position": {"line": 2, "character": 50}}),
    );
    let hover = server.result(id);
    assert!(
        hover["contents"]["value"]
            .as_str()
            .is_some_and(|v| v.contains("GetObject")),
        "{hover}"
    );
    // The hover came first: the large document's diagnostics had not arrived before it.
    assert!(!server.queued(|m| m["params"]["uri"] == large.as_str()));

    let published = server.diagnostics(&large);
    let all = codes(&published);
    assert_eq!(all.first().map(String::as_str), Some(LARGE), "{published}");
    // The first thousand of its 40,000 findings, and the note says how many there are.
    assert_eq!(all.len(), 1001, "the note and 1000 findings");
    assert!(all.contains(&"INVALID_EFFECT".to_owned()));
    let note = published["diagnostics"][0]["message"].as_str().unwrap_or_default();
    assert!(note.contains("first 1000 of its 40001 findings"), "{note}");
    // Catalog checks do not run on it: an unknown action goes unreported.
    let unknown = big.replacen("s3:GetObject", "s3:GetObjectt", 1);
    server.change_full(&large, 2, &unknown);
    assert!(!codes(&server.diagnostics(&large)).iter().any(|c| c == "INVALID_ACTION"));
    // Requests that read the whole value tree give nothing on it, rather than block.
    let id = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": large}, "position": {"line": 1, "character": 3}}),
    );
    assert_eq!(server.result(id), Value::Null);
    // Back under the limit: every check, and hover, again.
    server.change_full(&large, 3, &INVALID_EFFECT.replace("s3:GetObject", "s3:GetObjectt"));
    assert_eq!(codes(&server.diagnostics(&large)), ["INVALID_EFFECT", "INVALID_ACTION"]);
    let id = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": large}, "position": {"line": 2, "character": 50}}),
    );
    assert_ne!(server.result(id), Value::Null);
    assert!(server.shutdown().success());
}

#[test]
fn a_large_document_never_shows_an_older_version_after_a_newer_one() {
    let mut server = TestServer::start();
    let big = many_statements(40_000);
    let large = uri("large.json");
    server.open(&large, "iam-policy", 1, &big);
    server.change_full(&large, 2, &big.replace("allow", "Allow"));
    // Version 1's check either finished before the change or gave up; it never publishes after
    // version 2's.
    let mut published = server.diagnostics(&large);
    if published["version"] == 1 {
        published = server.diagnostics(&large);
    }
    assert_eq!(published["version"], 2);
    assert_eq!(codes(&published), [LARGE, "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA"]);
    server.assert_quiet(Duration::from_millis(500));
    assert!(server.shutdown().success());
}
