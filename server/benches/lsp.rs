//! Latency and memory of the language server through stdio, as an editor sees them. Prints
//! median and p99 per scenario, and the server's resident memory. It measures; it asserts
//! nothing (machines are noisy).
//!
//! `cargo bench -p iam-policy-ls --bench lsp` (builds the binary with the release profile).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a benchmark harness: failing loudly is right"
)]

#[path = "../tests/common/mod.rs"]
mod common;

use common::TestServer;
use serde_json::json;
use std::path::Path;
use std::time::{Duration, Instant};

const STATEMENT: &str = r#"{"Sid": "Typed", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "arn:aws:s3:::bucket/*"}, "#;

fn corpus(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/corpus/aws-managed")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn summary(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{name:<58} n={:<5} median {:>9.3} ms   p99 {:>9.3} ms   max {:>9.3} ms",
        samples.len(),
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        at(1.0).as_secs_f64() * 1e3
    );
}

/// (line, character) of byte `at` in ASCII `text`.
fn line_col(text: &str, at: usize) -> (u32, u32) {
    let before = &text[..at];
    let line = before.matches('\n').count();
    let col = at - before.rfind('\n').map_or(0, |i| i + 1);
    (line as u32, col as u32)
}

/// Types `STATEMENT` `rounds` times, one character per didChange, right after `"Statement": [`,
/// and measures each didChange -> publishDiagnostics.
fn typing(name: &str, text: &str, rounds: usize) {
    let mut server = TestServer::start();
    type_into(&mut server, &common::uri("typing.json"), name, text, rounds);
    assert!(server.shutdown().success());
}

/// Typing into a policy that policy tests use: `examples/s3-data-bucket` copied to a temporary
/// workspace, its bucket policy open, its test file (9 cases over four policies) on disk. Each
/// keystroke re-runs the cases, so this adds the tests' cost to typing's.
fn typing_tested_policy(rounds: usize) {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/s3-data-bucket");
    let dir = std::env::temp_dir().join(format!("iam-ls-bench-ptests-{}", std::process::id()));
    copy_dir(&example, &dir);
    let mut server = TestServer::spawn();
    let root = format!("file://{}", dir.display());
    let id = server.request(
        "initialize",
        json!({"processId": null, "rootUri": root, "capabilities": {}}),
    );
    server.result(id);
    server.notify("initialized", json!({}));
    let policy = dir.join("policies/bucket-policy.json");
    let text = std::fs::read_to_string(&policy).unwrap();
    let uri = format!("file://{}", policy.display());
    // The tests do run: with the Deny gone, "plain HTTP is refused" fails on the policy.
    server.open(&uri, "iam-policy", 1, &text.replacen("\"Deny\"", "\"Allow\"", 1));
    let published = server.diagnostics(&uri);
    let failed = published["diagnostics"].as_array().unwrap();
    assert!(failed.iter().any(|d| d["code"] == "POLICY_TEST_FAILED"), "{published}");
    server.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}));
    server.diagnostics(&uri);
    type_into(&mut server, &uri, "a bucket policy with 9 tests", &text, rounds);
    assert!(server.shutdown().success());
    std::fs::remove_dir_all(&dir).unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn type_into(server: &mut TestServer, uri: &str, name: &str, text: &str, rounds: usize) {
    server.open(uri, "iam-policy", 1, text);
    server.diagnostics(uri);
    let at = text.find("\"Statement\"").unwrap();
    let at = at + text[at..].find('[').unwrap() + 1;
    let (line, mut col) = line_col(text, at);
    let mut version = 1;
    let mut samples = Vec::new();
    let mut slowest: Vec<(Duration, usize, char)> = Vec::new();
    for _ in 0..rounds {
        for (i, ch) in STATEMENT.chars().enumerate() {
            version += 1;
            let t0 = Instant::now();
            server.change(uri, version, [line, col, line, col], &ch.to_string());
            let published = server.diagnostics(uri);
            let took = t0.elapsed();
            samples.push(took);
            slowest.push((took, i, ch));
            assert_eq!(published["version"], version);
            col += 1;
        }
    }
    summary(&format!("typing into {name} ({} bytes)", text.len()), samples);
    if std::env::var_os("LSP_BENCH_SLOWEST").is_some() {
        // Which keystrokes are slow: the typed prefix shows the document state they produce.
        slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
        for (took, i, ch) in slowest.iter().take(12) {
            let typed: String = STATEMENT.chars().take(i + 1).collect();
            println!(
                "    {:>7.3} ms  after typing {:?} (char {ch:?})",
                took.as_secs_f64() * 1e3,
                typed
            );
        }
    }
}

/// Hover and code-action requests at `samples` places spread over the document (each right
/// inside a string), measured request -> response.
fn requests(name: &str, text: &str, samples: usize) {
    let mut server = TestServer::start();
    let uri = common::uri("requests.json");
    server.open(&uri, "iam-policy", 1, text);
    server.diagnostics(&uri);
    let positions: Vec<(u32, u32)> = (0..samples)
        .filter_map(|i| {
            let from = i * text.len() / samples;
            let quote = text[from..].find('"')? + from;
            Some(line_col(text, quote + 2))
        })
        .collect();
    let mut hovers = Vec::new();
    let mut actions = Vec::new();
    for &(line, character) in &positions {
        let position = json!({"line": line, "character": character});
        let t0 = Instant::now();
        let id = server.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": position}),
        );
        server.response(id);
        hovers.push(t0.elapsed());
        let t0 = Instant::now();
        let id = server.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": position, "end": position}, "context": {"diagnostics": []}}),
        );
        server.response(id);
        actions.push(t0.elapsed());
    }
    summary(&format!("hover in {name} ({} bytes)", text.len()), hovers);
    summary(&format!("codeAction in {name} ({} bytes)", text.len()), actions);
    assert!(server.shutdown().success());
}

fn startup(runs: usize) {
    let small =
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#;
    let mut samples = Vec::new();
    for _ in 0..runs {
        let t0 = Instant::now();
        let mut server = TestServer::spawn();
        server.initialize(json!({}), None);
        let uri = common::uri("small.json");
        server.open(&uri, "iam-policy", 1, small);
        server.diagnostics(&uri);
        samples.push(t0.elapsed());
        assert!(server.shutdown().success());
    }
    summary("spawn -> initialize -> didOpen -> first diagnostics", samples);
}

fn memory() {
    let mut names: Vec<(u64, String)> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus/aws-managed"))
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| {
                (
                    e.metadata().map(|m| m.len()).unwrap_or(0),
                    e.file_name().to_string_lossy().into_owned(),
                )
            })
            .collect();
    names.sort();
    names.reverse();
    let largest: Vec<String> = names.into_iter().take(10).map(|(_, n)| n).collect();
    let mut server = TestServer::start();
    let status = |pid: u32, key: &str| -> String {
        let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        s.lines()
            .find(|l| l.starts_with(key))
            .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
            .unwrap_or_default()
    };
    let before = status(server.pid(), "VmRSS");
    let mut total = 0;
    for (i, name) in largest.iter().enumerate() {
        let text = corpus(name);
        total += text.len();
        let uri = common::uri(&format!("mem/{i}.json"));
        server.open(&uri, "iam-policy", 1, &text);
        server.diagnostics(&uri);
    }
    // Type into each of them a little, so incremental state is exercised too.
    for i in 0..largest.len() {
        let uri = common::uri(&format!("mem/{i}.json"));
        server.change(&uri, 2, [0, 1, 0, 1], " ");
        server.diagnostics(&uri);
    }
    println!(
        "memory with the 10 largest corpus policies open ({} KB total): VmRSS {}  VmHWM {}  (idle after initialize: VmRSS {before})",
        total / 1024,
        status(server.pid(), "VmRSS"),
        status(server.pid(), "VmHWM"),
    );
    assert!(server.shutdown().success());
}

/// Completion request -> response at `<CURSOR>` in `marked`, `runs` times; the document is
/// opened once (so this is the request alone, as when the user types and the editor asks).
fn completion(name: &str, marked: &str, runs: usize) {
    let at = marked.find("<CURSOR>").unwrap();
    let text = marked.replacen("<CURSOR>", "", 1);
    let (line, character) = line_col(&text, at);
    let capabilities = json!({"textDocument": {"completion": {"completionItem": {"snippetSupport": true}}}});
    let (mut server, _) = TestServer::initialized(capabilities, None);
    let uri = common::uri("completion.json");
    server.open(&uri, "iam-policy", 1, &text);
    server.diagnostics(&uri);
    let params = json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}});
    let mut samples = Vec::new();
    let mut items = 0;
    for _ in 0..runs {
        let t0 = Instant::now();
        let id = server.request("textDocument/completion", params.clone());
        let result = server.result(id);
        samples.push(t0.elapsed());
        items = result["items"].as_array().map_or(0, Vec::len);
    }
    summary(&format!("completion: {name} ({items} items)"), samples);
    assert!(server.shutdown().success());
}

fn completions(large: &str) {
    const RUNS: usize = 300;
    let st =
        |body: &str| format!("{{\"Version\": \"2012-10-17\", \"Statement\": [{{\"Effect\": \"Allow\", {body}}}]}}");
    completion("top-level keys", "{\"Version\": \"2012-10-17\", <CURSOR>}", RUNS);
    completion("statement keys", &st("\"<CURSOR>\""), RUNS);
    completion(
        "actions, nothing typed (services)",
        &st("\"Action\": \"<CURSOR>\""),
        RUNS,
    );
    completion(
        "actions of ec2: (largest service)",
        &st("\"Action\": \"ec2:<CURSOR>\""),
        RUNS,
    );
    completion("actions s3:Get", &st("\"Action\": [\"s3:Get<CURSOR>\"]"), RUNS);
    completion(
        "resources of ec2:RunInstances",
        &st("\"Action\": \"ec2:RunInstances\", \"Resource\": \"<CURSOR>\""),
        RUNS,
    );
    completion(
        "resource variable",
        &st("\"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/${<CURSOR>}\""),
        RUNS,
    );
    completion(
        "principal service",
        &st("\"Principal\": {\"Service\": \"<CURSOR>\"}"),
        RUNS,
    );
    completion("condition operators", &st("\"Condition\": {\"<CURSOR>\"}"), RUNS);
    completion(
        "condition keys of s3:*",
        &st("\"Action\": \"s3:*\", \"Condition\": {\"StringEquals\": {\"<CURSOR>\"}}"),
        RUNS,
    );
    completion(
        "condition keys, no actions (all services)",
        &st("\"Condition\": {\"StringEquals\": {\"<CURSOR>\"}}"),
        RUNS,
    );
    completion(
        "condition values aws:RequestedRegion",
        &st("\"Condition\": {\"StringEquals\": {\"aws:RequestedRegion\": \"<CURSOR>\"}}"),
        RUNS,
    );
    // The unfiltered action list at the end of a large policy (ReadOnlyAccess, ~100 KB).
    let end = large.rfind(']').unwrap();
    let big = format!(
        "{}, {{\"Effect\": \"Allow\", \"Action\": \"<CURSOR>\", \"Resource\": \"*\"}}{}",
        &large[..end].trim_end(),
        &large[end..]
    );
    completion("actions, nothing typed, in ReadOnlyAccess", &big, RUNS);
}

/// A CloudFormation template of about 3,000 lines: 150 resources, 12 of them holding policies
/// (roles with trust and inline policies, bucket and queue policies), the rest functions and
/// tables with the usual properties.
fn cloudformation_template() -> String {
    let mut t = String::from(
        "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nParameters:\n  Stage:\n    Type: String\nResources:\n",
    );
    for i in 0..150 {
        if i % 12 == 0 {
            let n = i / 12;
            t.push_str(&format!(
                "  Role{n}:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: !Sub 'app-${{Stage}}-{n}'\n      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Principal:\n              Service: lambda.amazonaws.com\n            Action: sts:AssumeRole\n      Policies:\n        - PolicyName: access\n          PolicyDocument:\n            Version: '2012-10-17'\n            Statement:\n              - Sid: Read{n}\n                Effect: Allow\n                Action:\n                  - s3:GetObject\n                  - s3:ListBucket\n                Resource:\n                  - !Sub 'arn:${{AWS::Partition}}:s3:::${{Bucket{n}}}'\n                  - !Sub 'arn:${{AWS::Partition}}:s3:::${{Bucket{n}}}/*'\n              - Sid: Table{n}\n                Effect: Allow\n                Action: [dynamodb:GetItem, dynamodb:PutItem, dynamodb:Query]\n                Resource: !GetAtt Table{n}.Arn\n                Condition:\n                  StringEquals:\n                    aws:RequestedRegion: !Ref AWS::Region\n"
            ));
        } else if i % 3 == 0 {
            t.push_str(&format!(
                "  Table{i}:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      TableName: !Sub 'table-${{Stage}}-{i}'\n      BillingMode: PAY_PER_REQUEST\n      AttributeDefinitions:\n        - AttributeName: pk\n          AttributeType: S\n        - AttributeName: sk\n          AttributeType: S\n      KeySchema:\n        - AttributeName: pk\n          KeyType: HASH\n        - AttributeName: sk\n          KeyType: RANGE\n      Tags:\n        - Key: stage\n          Value: !Ref Stage\n"
            ));
        } else {
            t.push_str(&format!(
                "  Function{i}:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: index.handler\n      Runtime: nodejs20.x\n      MemorySize: 512\n      Timeout: 30\n      CodeUri: src/fn{i}/\n      Environment:\n        Variables:\n          STAGE: !Ref Stage\n          TABLE: !Ref Table{i}\n      Events:\n        Api:\n          Type: Api\n          Properties:\n            Path: /items/{i}\n            Method: get\n"
            ));
        }
    }
    t
}

/// A Terraform file of about 1,500 lines: 12 policies (`jsonencode`, heredocs and
/// `aws_iam_policy_document` data sources) among buckets, functions and their settings.
fn terraform_file() -> String {
    let mut t = String::new();
    for i in 0..60 {
        if i % 5 == 0 {
            let n = i / 5;
            match n % 3 {
                0 => t.push_str(&format!(
                    "resource \"aws_iam_policy\" \"p{n}\" {{\n  name = \"p{n}\"\n  policy = jsonencode({{\n    Version = \"2012-10-17\"\n    Statement = [\n      {{\n        Sid      = \"Read\"\n        Effect   = \"Allow\"\n        Action   = [\"s3:GetObject\", \"s3:ListBucket\"]\n        Resource = [aws_s3_bucket.b{n}.arn, \"${{aws_s3_bucket.b{n}.arn}}/*\"]\n      }},\n    ]\n  }})\n}}\n\n"
                )),
                1 => t.push_str(&format!(
                    "resource \"aws_iam_role_policy\" \"r{n}\" {{\n  role = aws_iam_role.app.id\n  policy = <<-EOT\n    {{\n      \"Version\": \"2012-10-17\",\n      \"Statement\": [{{\n        \"Effect\": \"Allow\",\n        \"Action\": [\"sqs:SendMessage\"],\n        \"Resource\": \"${{aws_sqs_queue.q{n}.arn}}\"\n      }}]\n    }}\n  EOT\n}}\n\n"
                )),
                _ => t.push_str(&format!(
                    "data \"aws_iam_policy_document\" \"d{n}\" {{\n  statement {{\n    sid       = \"Read\"\n    actions   = [\"s3:GetObject\", \"s3:ListBucket\"]\n    resources = [\"arn:aws:s3:::${{var.bucket}}/*\"]\n    condition {{\n      test     = \"StringEquals\"\n      variable = \"aws:PrincipalOrgID\"\n      values   = [var.org_id]\n    }}\n  }}\n}}\n\nresource \"aws_iam_policy\" \"dp{n}\" {{\n  policy = data.aws_iam_policy_document.d{n}.json\n}}\n\n"
                )),
            }
        } else {
            t.push_str(&format!(
                "resource \"aws_s3_bucket\" \"b{i}\" {{\n  bucket = \"bucket-${{var.stage}}-{i}\"\n  tags = {{\n    stage = var.stage\n    owner = \"team\"\n  }}\n}}\n\nresource \"aws_lambda_function\" \"f{i}\" {{\n  function_name = \"f{i}\"\n  role          = aws_iam_role.app.arn\n  handler       = \"index.handler\"\n  runtime       = \"nodejs20.x\"\n  memory_size   = 512\n  timeout       = 30\n  environment {{\n    variables = {{\n      STAGE  = var.stage\n      BUCKET = aws_s3_bucket.b{i}.id\n    }}\n  }}\n}}\n\n"
            ));
        }
    }
    t
}

/// Types `typed` one character per didChange at `at` (a byte offset) of a template and
/// measures each didChange -> publishDiagnostics; then completion and hover at `request_at`.
fn typing_template(name: &str, language: &str, file: &str, text: &str, at: usize, typed: &str, request_at: usize) {
    let mut server = TestServer::start();
    let uri = common::uri(file);
    server.open(&uri, language, 1, text);
    let first = server.diagnostics(&uri);
    assert!(first["diagnostics"].as_array().is_some(), "{first}");
    let (line, mut col) = line_col(text, at);
    let mut samples = Vec::new();
    let mut version = 1;
    for _ in 0..4 {
        for ch in typed.chars() {
            version += 1;
            let t0 = Instant::now();
            server.change(&uri, version, [line, col, line, col], &ch.to_string());
            let published = server.diagnostics(&uri);
            samples.push(t0.elapsed());
            assert_eq!(published["version"], version);
            col += 1;
        }
    }
    summary(&format!("typing into {name} ({} lines)", text.lines().count()), samples);
    // The requests, on the text as opened (undo the typing).
    version += 1;
    server.change_full(&uri, version, text);
    server.diagnostics(&uri);
    let (line, character) = line_col(text, request_at);
    let params = json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}});
    let mut completions = Vec::new();
    let mut hovers = Vec::new();
    let mut items = 0;
    for _ in 0..200 {
        let t0 = Instant::now();
        let id = server.request("textDocument/completion", params.clone());
        let result = server.result(id);
        completions.push(t0.elapsed());
        items = result["items"].as_array().map_or(0, Vec::len);
        let t0 = Instant::now();
        let id = server.request("textDocument/hover", params.clone());
        server.response(id);
        hovers.push(t0.elapsed());
    }
    assert!(items > 0, "no completion items at {line}:{character}");
    summary(&format!("completion in {name} ({items} items)"), completions);
    summary(&format!("hover in {name}"), hovers);
    assert!(server.shutdown().success());
}

fn templates() {
    let cfn = cloudformation_template();
    // A new action typed into the middle policy's list, as a new item line.
    let item = cfn
        .match_indices("                  - s3:ListBucket\n")
        .nth(6)
        .map(|(i, _)| i)
        .unwrap();
    let request = cfn[item..].find("s3:List").unwrap() + item + "s3:Li".len();
    typing_template(
        "a CloudFormation template",
        "yaml",
        "template.yaml",
        &cfn,
        item,
        "                  - s3:PutObject\n",
        request,
    );
    let tf = terraform_file();
    let at = tf.match_indices("Action   = [").nth(2).map(|(i, _)| i).unwrap() + "Action   = [".len();
    let request = tf[at..].find("s3:Get").unwrap() + at + "s3:Ge".len();
    typing_template(
        "a Terraform file",
        "terraform",
        "main.tf",
        &tf,
        at,
        "\"s3:PutObject\", ",
        request,
    );
}

/// Issue 20's case: a 20 MB policy-like file of 300,000 statements opened, then hovers in a
/// small document while it is checked; prints the hovers' latency, how long until the large
/// document's diagnostics came, and how long a change to it takes to answer.
fn large_document(small: &str) {
    let mut server = TestServer::start();
    let small_uri = common::uri("small.json");
    server.open(&small_uri, "iam-policy", 1, small);
    server.diagnostics(&small_uri);
    let statement = r#"{"Sid": "S", "Effect": "allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::bucket/*"}"#;
    let big = format!(
        "{{\"Version\": \"2012-10-17\", \"Statement\": [\n{}\n]}}",
        vec![statement; 300_000].join(",\n")
    );
    let uri = common::uri("large.json");
    let hover = json!({"textDocument": {"uri": small_uri}, "position": {"line": 3, "character": 28}});
    let opened = Instant::now();
    server.open(&uri, "iam-policy", 1, &big);
    let mut hovers = Vec::new();
    let mut first_hover = None;
    let diagnostics = loop {
        let t0 = Instant::now();
        let id = server.request("textDocument/hover", hover.clone());
        server.response(id);
        hovers.push(t0.elapsed());
        first_hover.get_or_insert(opened.elapsed());
        if server.queued(|m| m["params"]["uri"] == uri.as_str()) {
            break opened.elapsed();
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    server.diagnostics(&uri);
    println!(
        "large document ({:.1} MB, 300,000 statements): first hover elsewhere answered {:.0} ms after didOpen; its diagnostics after {:.0} ms",
        big.len() as f64 / 1e6,
        first_hover.unwrap_or_default().as_secs_f64() * 1e3,
        diagnostics.as_secs_f64() * 1e3
    );
    summary("hover in another document while it is checked", hovers);
    assert!(server.shutdown().success());
}

fn main() {
    // `cargo bench` passes `--bench`; `-- completion` runs only the completion scenarios.
    let only_completion = std::env::args().any(|a| a == "completion");
    let large = corpus("ReadOnlyAccess.json");
    if only_completion {
        completions(&large);
        return;
    }
    let mut small = String::from("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n");
    while small.len() < 900 {
        small.push_str("    {\"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\", \"s3:PutObject\"], \"Resource\": \"arn:aws:s3:::b/*\"},\n");
    }
    small.push_str("    {\"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"*\"}\n  ]\n}\n");
    println!("iam-policy-ls {} ({})", env!("CARGO_PKG_VERSION"), common::binary());
    if std::env::args().any(|a| a == "typing") {
        typing("a 1 KB policy", &small, 8);
        typing("ReadOnlyAccess", &large, 4);
        typing_tested_policy(8);
        return;
    }
    if std::env::args().any(|a| a == "templates") {
        templates();
        return;
    }
    if std::env::args().any(|a| a == "large") {
        large_document(&small);
        return;
    }
    if std::env::args().any(|a| a == "requests") {
        requests("a 1 KB policy", &small, 500);
        requests("ReadOnlyAccess", &large, 500);
        return;
    }
    startup(30);
    requests("a 1 KB policy", &small, 500);
    requests("ReadOnlyAccess", &large, 500);
    typing("a 1 KB policy", &small, 8);
    typing("ReadOnlyAccess", &large, 4);
    typing_tested_policy(8);
    templates();
    large_document(&small);
    memory();
    completions(&large);
}
