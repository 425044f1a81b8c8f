//! Templates and Terraform as editors and repositories hold them: anchors and aliases, streams
//! of documents, tabs, flow style, huge scalars, absurd nesting, and text broken mid-edit. For
//! all of them: no panic, no hang, every span (policies, strings and their decoded characters,
//! findings, fixes) inside the text on character boundaries; a host syntax error reported only
//! where it stops a policy from being read; no findings made up from a half-read host.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a panic in a test is a test failure"
)]

use iam_policy::analysis::{Options, analyze_embedded};
use iam_policy::finding::{Finding, Severity};
use iam_policy::host::{self, Contents, EmbeddedPolicy};
use iam_policy::json::{JsonString, Node, Value};
use iam_policy::span::Span;
use proptest::prelude::*;
use std::path::Path;

fn check_span(text: &str, span: Span, what: &str) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{what}: span {span:?} outside 0..{}",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what}: span {span:?} splits a character"
    );
}

/// Every decoded character of a string, and the whole of it, maps to a span of the host.
fn check_string(text: &str, s: &JsonString) {
    check_span(text, s.span, "string");
    check_span(text, s.content_span(), "string content");
    check_span(text, s.source_span(text, 0..s.value.len()), "whole string");
    for (i, c) in s.value.char_indices() {
        check_span(text, s.source_span(text, i..i + c.len_utf8()), "decoded character");
    }
}

fn check_tree(text: &str, root: &Node) {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        check_span(text, node.span, "node");
        match &node.value {
            Value::Object(o) => {
                for m in &o.members {
                    check_string(text, &m.key);
                    stack.extend(m.value.as_ref());
                }
            }
            Value::Array(a) => stack.extend(a.items.iter()),
            Value::String(s) => check_string(text, s),
            _ => {}
        }
    }
}

/// Reads `text` as the file `name`, checks every policy, and asserts every span is sound.
/// Returns the policies and their findings.
fn read_and_check(name: &str, text: &str) -> Vec<(EmbeddedPolicy, Vec<Finding>)> {
    let Contents::Host(_, found) = host::read(Some(name), text) else {
        return Vec::new();
    };
    for e in &found.errors {
        check_span(text, e.span, "host syntax error");
    }
    found
        .policies
        .into_iter()
        .map(|policy| {
            check_span(text, policy.span, "policy");
            for u in &policy.unknown {
                check_span(text, *u, "deploy-time value");
            }
            if let Some(root) = policy.json.root.as_ref() {
                check_tree(text, root);
            }
            let findings = analyze_embedded(text, &policy, Options::default()).findings;
            for f in &findings {
                check_span(text, f.span, f.code);
                for r in &f.related {
                    check_span(text, r.span, f.code);
                }
                for fix in &f.fixes {
                    for e in &fix.edits {
                        check_span(text, e.span, &fix.title);
                    }
                }
            }
            (policy, findings)
        })
        .collect()
}

fn codes(found: &[(EmbeddedPolicy, Vec<Finding>)]) -> Vec<&'static str> {
    found.iter().flat_map(|(_, f)| f.iter().map(|f| f.code)).collect()
}

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/templates")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const FIXTURES: [&str; 6] = [
    "cloudformation.yaml",
    "cloudformation.json",
    "sam.yaml",
    "jsonencode.tf",
    "heredoc.tf",
    "policy_document.tf",
];

const HEAD: &str = "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n";

#[test]
fn anchors_and_aliases_read_as_deploy_time_values_without_expansion() {
    let text = format!(
        "{HEAD}  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: &trust
        Version: \"2012-10-17\"
        Statement:
          - Effect: Allow
            Principal: {{Service: lambda.amazonaws.com}}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: p
          PolicyDocument:
            Version: \"2012-10-17\"
            Statement:
              - &read
                Effect: Allow
                Action: s3:GetObjekt
                Resource: \"*\"
              - *read
  Other:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: *trust
"
    );
    let found = read_and_check("template.yaml", &text);
    // The alias is not a document to read (it would be read twice, or explode).
    assert_eq!(found.len(), 2);
    assert_eq!(codes(&found), ["INVALID_ACTION"]);
    // A billion-laughs chain of aliases costs nothing: aliases are never expanded.
    let mut laughs = format!(
        "{HEAD}  P:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyDocument:\n        Version: \"2012-10-17\"\n        Statement:\n          - &a0 {{Effect: Allow, Action: \"s3:GetObject\", Resource: \"*\"}}\n"
    );
    for i in 1..40 {
        laughs.push_str(&format!("          - &a{i} [*a{p}, *a{p}, *a{p}, *a{p}]\n", p = i - 1));
    }
    let found = read_and_check("template.yaml", &laughs);
    assert_eq!(found.len(), 1);
}

#[test]
fn a_stream_of_documents_reads_the_template_among_them() {
    let text = format!(
        "# generated\nkind: ConfigMap\n---\n{HEAD}  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: \"2012-10-17\"\n        Statement:\n          - Effect: Allow\n            Action: s3:GetObjekt\n            Resource: \"*\"\n---\nother: document\n...\n"
    );
    let found = read_and_check("stream.yaml", &text);
    assert_eq!(found.len(), 1);
    let (_, findings) = &found[0];
    assert_eq!(findings.len(), 1);
    assert_eq!(&text[findings[0].span.range()], "s3:GetObjekt");
}

#[test]
fn flow_style_and_tabs() {
    let text = format!(
        "{HEAD}  P:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyDocument: {{Version: \"2012-10-17\", Statement: [{{Effect: Allow, Action: [\"s3:GetObject\", s3:GetObjekt], Resource: \"*\"}}]}}\n"
    );
    let found = read_and_check("template.yaml", &text);
    let (_, findings) = &found[0];
    assert_eq!(codes(&found), ["INVALID_ACTION"]);
    assert_eq!(&text[findings[0].span.range()], "s3:GetObjekt");
    // Tabs are not YAML indentation: whatever tree-sitter makes of them, nothing breaks, and a
    // tab inside a value is kept.
    let tabbed = text.replace("    Type", "\tType");
    read_and_check("template.yaml", &tabbed);
    let in_value = text.replace("Resource: \"*\"", "Resource: \"arn:aws:s3:::b/\t*\"");
    read_and_check("template.yaml", &in_value);
}

#[test]
fn a_megabyte_scalar_is_read_whole() {
    let long = "a".repeat(1 << 20);
    let text = format!(
        "{HEAD}  P:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyDocument:\n        Version: \"2012-10-17\"\n        Statement:\n          - Effect: Allow\n            Action: s3:GetObject\n            Resource: arn:aws:s3:::bucket/{long}\n"
    );
    // Read only: checking a megabyte ARN is the checks' cost, the same as in a JSON policy.
    let Contents::Host(_, found) = host::read(Some("template.yaml"), &text) else {
        panic!("not read as a template");
    };
    let resource = found.policies[0].json.root.as_ref().map(|r| {
        let statement = &r.value.as_object().unwrap().get("Statement").unwrap().value;
        let first = &statement.as_ref().unwrap().value.as_array().unwrap().items[0];
        first
            .value
            .as_object()
            .unwrap()
            .get("Resource")
            .unwrap()
            .value
            .clone()
            .unwrap()
    });
    let resource = resource.unwrap();
    let s = resource.value.as_str().unwrap();
    assert_eq!(s.value.len(), "arn:aws:s3:::bucket/".len() + long.len());
    assert_eq!(s.source_span(&text, 0..s.value.len()), resource.span);
    // tree-sitter-hcl reads template strings a character at a time: a quarter megabyte here.
    let quarter = &long[..1 << 18];
    let tf = format!(
        "resource \"aws_iam_policy\" \"p\" {{\n  policy = jsonencode({{\n    Version = \"2012-10-17\"\n    Statement = [{{ Effect = \"Allow\", Action = \"s3:GetObject\", Resource = \"arn:aws:s3:::b/{quarter}\" }}]\n  }})\n}}\n"
    );
    let Contents::Host(_, found) = host::read(Some("main.tf"), &tf) else {
        panic!("not read as Terraform");
    };
    assert_eq!(found.policies.len(), 1);
}

#[test]
fn a_hundred_thousand_levels_of_nesting_neither_overflow_nor_hang() {
    let depth = 100_000;
    let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let yaml = format!(
        "{HEAD}  P:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyDocument:\n        Version: \"2012-10-17\"\n        Statement: {nested}\n"
    );
    read_and_check("template.yaml", &yaml);
    let block: String = (0..depth).map(|_| "- ").collect::<String>() + "x\n";
    read_and_check(
        "template.yaml",
        &format!(
            "{HEAD}  P:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyDocument:\n        Statement:\n          {block}"
        ),
    );
    let json = format!(
        "{{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {{\"P\": {{\"Type\": \"AWS::IAM::Policy\", \"Properties\": {{\"PolicyDocument\": {{\"Statement\": {nested}}}}}}}}}}}"
    );
    read_and_check("template.json", &json);
    let tf = format!("resource \"aws_iam_policy\" \"p\" {{\n  policy = jsonencode({{ Statement = {nested} }})\n}}\n");
    read_and_check("main.tf", &tf);
    let blocks = format!("{}{}", "statement {\n".repeat(depth / 10), "}\n".repeat(depth / 10));
    read_and_check(
        "main.tf",
        &format!("data \"aws_iam_policy_document\" \"d\" {{\n{blocks}}}\n"),
    );
}

#[test]
fn an_editor_document_indented_too_deep_for_the_yaml_grammar_has_no_tree_until_fixed() {
    use iam_policy::syntax::{Grammar, SyntaxDocument};
    let deep = format!("{HEAD}  P:\n    {}x\n", "- ".repeat(150));
    let mut doc = SyntaxDocument::with_grammar(deep.clone(), Grammar::Yaml);
    assert!(doc.tree().is_none());
    let at = deep.find("- - ").unwrap();
    doc.edit(at, deep.len() - 2, "");
    assert!(doc.tree().is_some());
    doc.edit(at, at, &"- ".repeat(150));
    assert!(doc.tree().is_none());
}

#[test]
fn a_yaml_error_inside_a_policy_is_reported_in_that_policy_only() {
    let clean = fixture("cloudformation.yaml");
    let before = read_and_check("t.yaml", &clean);
    // An unterminated string inside a policy stops that policy's reading there: it is reported
    // once, in that policy, and the other policies are read as before.
    let inside = clean.replace("Resource: !GetAtt OrdersLogGroup.Arn", "Resource: \"arn:aws:logs:*");
    let found = read_and_check("t.yaml", &inside);
    let pointers = |f: &[(EmbeddedPolicy, Vec<Finding>)]| f.iter().map(|(p, _)| p.pointer.clone()).collect::<Vec<_>>();
    assert_eq!(pointers(&found), pointers(&before));
    let syntax: Vec<(&str, &str)> = found
        .iter()
        .flat_map(|(p, f)| f.iter().map(move |f| (p.pointer.as_str(), f.code)))
        .filter(|(_, c)| c.contains("SYNTAX"))
        .collect();
    assert_eq!(
        syntax,
        [(
            "Resources.AppRole.Properties.Policies[0].PolicyDocument",
            "JSON_SYNTAX_ERROR"
        )]
    );
    for ((policy, findings), (_, was)) in found.iter().zip(&before) {
        let mut now: Vec<&str> = findings
            .iter()
            .map(|f| f.code)
            .filter(|c| !c.contains("SYNTAX"))
            .collect();
        let mut then: Vec<&str> = was.iter().map(|f| f.code).collect();
        now.sort_unstable();
        then.sort_unstable();
        assert_eq!(now, then, "{}", policy.pointer);
    }
}

#[test]
fn a_yaml_error_that_breaks_the_whole_stream_reports_nothing_made_up() {
    // tree-sitter-yaml gives up on the whole stream for some mistakes outside any policy (an
    // unterminated string at the end): no policy is read, so nothing at all is reported, rather
    // than findings from a half-read template (docs/templates.md, Limits).
    let clean = fixture("cloudformation.yaml");
    let broken = format!("{clean}Outputs:\n  Arn:\n    Value: \"unterminated\n");
    assert!(read_and_check("t.yaml", &broken).is_empty());
}

/// Cutting a clean file at the end of any line is what an editor holds while a template is
/// typed top to bottom: no error before the line being typed may claim a defect that the full
/// file does not have, except those about what is not typed yet (missing elements, syntax).
/// (Warnings may: a statement without its condition yet is worth a warning.)
#[test]
fn prefixes_of_clean_files_invent_no_defects() {
    let incomplete = |code: &str| code.starts_with("MISSING_") || code.contains("SYNTAX") || code.starts_with("EMPTY_");
    for name in FIXTURES {
        let text = fixture(name);
        let full: Vec<&str> = codes(&read_and_check(name, &text));
        let mut typing_line = 0;
        for (end, _) in text.match_indices('\n') {
            let prefix = &text[..=end];
            for (_, findings) in read_and_check(name, prefix) {
                let settled = findings.iter().filter(|f| f.span.end < typing_line);
                for f in settled.filter(|f| f.severity == Severity::Error) {
                    assert!(
                        incomplete(f.code) || full.contains(&f.code),
                        "{name} cut after byte {end}: {} at {:?} is not in the full file's findings {full:?}",
                        f.code,
                        &prefix[f.span.range()]
                    );
                }
            }
            typing_line = end + 1;
        }
    }
}

/// What an editor sends while typing: characters that matter to YAML, JSON and HCL.
const TYPED: &[&str] = &[
    ":",
    ": ",
    "-",
    "- ",
    "\"",
    "'",
    "{",
    "}",
    "[",
    "]",
    ",",
    "\t",
    "\n",
    "  ",
    "#",
    "!Sub ",
    "!Ref",
    "${",
    "$${",
    "&{",
    "}}",
    "<<EOF\n",
    "<<-EOT\n",
    "EOF",
    "=",
    "jsonencode(",
    ")",
    "\\",
    "é",
    "😀",
    "&a ",
    "*a",
    "---\n",
    "|\n",
    ">-\n",
    "%{",
    "\r\n",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Any edit of a fixture, at any character boundary: every span stays sound.
    #[test]
    fn edits_while_typing_keep_every_span_sound(
        file in 0usize..FIXTURES.len(),
        at in 0.0f64..1.0,
        delete in 0usize..40,
        typed in proptest::collection::vec(proptest::sample::select(TYPED), 0..4),
    ) {
        let name = FIXTURES[file];
        let text = fixture(name);
        let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        let start = boundaries[((boundaries.len() - 1) as f64 * at) as usize];
        let end = boundaries.iter().copied().filter(|&b| b >= start).nth(delete).unwrap_or(text.len());
        let edited = format!("{}{}{}", &text[..start], typed.concat(), &text[end..]);
        read_and_check(name, &edited);
    }

    /// Arbitrary text as each host: no panic, sound spans.
    #[test]
    fn arbitrary_text_as_any_host(
        pieces in proptest::collection::vec(proptest::sample::select(TYPED), 0..40),
        words in proptest::collection::vec("[A-Za-z0-9:*/. ]{0,12}", 0..40),
        name in proptest::sample::select(&["t.yaml", "t.json", "t.tf"][..]),
    ) {
        let mut text = String::from(match name {
            "t.tf" => "resource \"aws_iam_policy\" \"p\" {\n  policy = ",
            "t.json" => "{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {\"P\": {\"Type\": \"AWS::IAM::Policy\", \"Properties\": {\"PolicyDocument\": ",
            _ => "AWSTemplateFormatVersion: x\nResources:\n  P:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyDocument:\n        ",
        });
        for (p, w) in pieces.iter().zip(words.iter().chain(std::iter::repeat(&String::new()))) {
            text.push_str(p);
            text.push_str(w);
        }
        read_and_check(name, &text);
    }
}
