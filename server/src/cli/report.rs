//! Renders the findings of `check` as rustc-style snippets, as the JSON contract, or as SARIF.

use super::codes;
use crate::position::{self, Encoding};
use annotate_snippets::{Level, Renderer, Snippet};
use iam_policy::catalog::SourceInfo;
use iam_policy::policy_type::TypeSource;
use iam_policy::risk::RiskDetail;
use iam_policy::{Finding, PolicyType, Severity, Span};
use ropey::Rope;
use serde_json::{Value, json};
use std::fmt::Write as _;

/// Where each check's documentation lives; anchors are the lower-case codes.
pub const DOCS_URL: &str = "https://github.com/iam-policy-ls/iam-policy-ls/blob/main/docs/checks.md";
/// Where the command line's own codes are documented (the README's `check` section).
pub const CLI_DOCS_URL: &str = "https://github.com/iam-policy-ls/iam-policy-ls/blob/main/README.md";

pub fn docs_url(code: &str) -> String {
    let page = if codes::CLI_CODES.iter().any(|c| c.code == code) {
        CLI_DOCS_URL
    } else {
        DOCS_URL
    };
    format!("{page}#{}", code.to_ascii_lowercase())
}

/// The result of checking one input.
pub struct FileReport {
    pub path: String,
    pub outcome: Outcome,
}

pub enum Outcome {
    /// Read and checked: the file's text, each policy found in it (one for a JSON policy, any
    /// number for a template), and the IAM catalog it was checked with.
    Checked {
        text: String,
        policies: Vec<PolicyReport>,
        catalog: SourceInfo,
    },
    /// Not a policy (found while scanning a directory): skipped silently.
    Skipped,
    /// Could not be read; the message says why.
    Unreadable {
        why: String,
        /// The type known without the content (given, or from the file name).
        policy_type: Option<(PolicyType, TypeSource)>,
    },
}

/// One policy of a checked file.
pub struct PolicyReport {
    pub findings: Vec<Finding>,
    pub policy_type: PolicyType,
    pub type_source: TypeSource,
    /// Where the policy stands in the file: `None` for a JSON policy (the whole file).
    pub place: Option<Place>,
}

/// A policy's place in a template.
pub struct Place {
    /// `Resources.AppRole.Properties.Policies[0].PolicyDocument`, `data.aws_iam_policy_document.read`.
    pub pointer: String,
    /// The policy document's byte range in the file.
    pub span: Span,
}

impl PolicyReport {
    /// The pointer and byte range of the policy (a JSON policy is the whole document).
    fn pointer_and_range(&self, text: &str) -> (&str, [usize; 2]) {
        match &self.place {
            Some(p) => (p.pointer.as_str(), [p.span.start, p.span.end]),
            None => ("", [0, text.len()]),
        }
    }
}

fn level(severity: Severity) -> Level {
    match severity {
        Severity::Error => Level::Error,
        Severity::SecurityWarning | Severity::Warning => Level::Warning,
        Severity::Suggestion => Level::Help,
    }
}

/// rustc-style output with the span underlined, then a one-line summary.
pub fn human(reports: &[FileReport], color: bool) -> String {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut out = String::new();
    let (mut errors, mut warnings, mut hints, mut files, mut unreadable) = (0, 0, 0, 0, 0);
    for report in reports {
        match &report.outcome {
            Outcome::Checked { text, policies, .. } => {
                files += policies.len();
                for (policy, f) in policies.iter().flat_map(|p| p.findings.iter().map(move |f| (p, f))) {
                    match f.severity {
                        Severity::Error => errors += 1,
                        Severity::SecurityWarning | Severity::Warning => warnings += 1,
                        Severity::Suggestion => hints += 1,
                    }
                    let excerpt = Excerpt::around(text, f.span.start, f.span.end);
                    let label = match f.severity {
                        Severity::SecurityWarning => "security warning",
                        _ => "",
                    };
                    let place = policy
                        .place
                        .as_ref()
                        .map(|p| format!("in {} ({} policy)", p.pointer, policy.policy_type.as_str()));
                    let mut message = level(f.severity).title(&f.message).id(f.code).snippet(
                        Snippet::source(excerpt.text)
                            .line_start(excerpt.first_line)
                            .origin(&report.path)
                            .fold(true)
                            .annotation(
                                level(f.severity)
                                    .span(excerpt.local(f.span.start)..excerpt.local(f.span.end))
                                    .label(label),
                            ),
                    );
                    if let Some(place) = &place {
                        message = message.footer(Level::Note.title(place));
                    }
                    let _ = writeln!(out, "{}\n", renderer.render(message));
                }
            }
            Outcome::Unreadable { why, .. } => {
                unreadable += 1;
                let message = Level::Error
                    .title(why)
                    .id(codes::UNREADABLE_FILE.code)
                    .footer(Level::Note.title(&report.path));
                let _ = writeln!(out, "{}\n", renderer.render(message));
            }
            Outcome::Skipped => {}
        }
    }
    let _ = writeln!(
        out,
        "checked {files} {}: {errors} {}, {warnings} {}, {hints} {}",
        plural(files, "policy", "policies"),
        plural(errors, "error", "errors"),
        plural(warnings, "warning", "warnings"),
        plural(hints, "suggestion", "suggestions"),
    );
    if unreadable > 0 {
        out.pop();
        let _ = writeln!(
            out,
            "; {unreadable} {} could not be read",
            plural(unreadable, "file", "files")
        );
    }
    out
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// The lines around a span, so rendering a finding costs the size of its lines, not the file's.
struct Excerpt<'t> {
    text: &'t str,
    /// Byte offset of `text` in the file.
    start: usize,
    /// 1-based number of the first line.
    first_line: usize,
}

impl<'t> Excerpt<'t> {
    fn around(file: &'t str, start: usize, end: usize) -> Excerpt<'t> {
        let start = start.min(file.len());
        let end = end.clamp(start, file.len());
        let line_start = file.get(..start).and_then(|s| s.rfind('\n')).map_or(0, |i| i + 1);
        let line_end = file
            .get(end..)
            .and_then(|s| s.find('\n'))
            .map_or(file.len(), |i| end + i);
        let first_line = 1 + file
            .get(..line_start)
            .map_or(0, |s| s.bytes().filter(|&b| b == b'\n').count());
        Excerpt {
            text: file.get(line_start..line_end).unwrap_or(""),
            start: line_start,
            first_line,
        }
    }

    fn local(&self, offset: usize) -> usize {
        offset.saturating_sub(self.start).min(self.text.len())
    }
}

fn lsp_range(rope: &Rope, f: &Finding) -> Value {
    let start = position::position(rope, f.span.start, Encoding::Utf16);
    let end = position::position(rope, f.span.end, Encoding::Utf16);
    json!({
        "start": {"line": start.line, "character": start.character},
        "end": {"line": end.line, "character": end.character},
    })
}

/// The JSON contract: one array of findings. Later versions only add fields.
pub fn json(reports: &[FileReport]) -> Value {
    let mut all = Vec::new();
    for report in reports {
        match &report.outcome {
            Outcome::Checked { text, policies, .. } => {
                let rope = Rope::from_str(text);
                for policy in policies {
                    let (pointer, policy_range) = policy.pointer_and_range(text);
                    let (policy_type, type_source) = (policy.policy_type, policy.type_source);
                    for f in &policy.findings {
                        let mut finding = json!({
                            "path": report.path,
                            "code": f.code,
                            "severity": f.severity.level(),
                            "findingType": f.severity.as_str(),
                            "message": f.message,
                            "range": lsp_range(&rope, f),
                            "byteRange": [f.span.start, f.span.end],
                            "policyType": policy_type.as_str(),
                            "policyTypeSource": type_source_name(type_source),
                            "policyPointer": pointer,
                            "policyByteRange": policy_range,
                            "docs": docs_url(f.code),
                        });
                        if let (Some(risk), Some(obj)) = (&f.risk, finding.as_object_mut()) {
                            obj.insert("category".into(), json!("risk"));
                            obj.insert("risk".into(), risk_json(risk));
                        }
                        all.push(finding);
                    }
                }
            }
            Outcome::Unreadable { why, policy_type } => all.push(json!({
                "path": report.path,
                "code": codes::UNREADABLE_FILE.code,
                "severity": codes::UNREADABLE_FILE.severity.level(),
                "findingType": codes::UNREADABLE_FILE.severity.as_str(),
                "message": why,
                "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                "byteRange": [0, 0],
                "policyType": policy_type.map(|(t, _)| t.as_str()),
                "policyTypeSource": policy_type.map(|(_, source)| type_source_name(source)),
                "docs": docs_url(codes::UNREADABLE_FILE.code),
            })),
            Outcome::Skipped => {}
        }
    }
    Value::Array(all)
}

/// A risk finding's `"risk"` object: `{kind, method, actions}` (`method` only for escalation).
pub fn risk_json(risk: &RiskDetail) -> Value {
    let mut out = json!({"kind": risk.kind.as_str(), "actions": risk.actions});
    if let (Some(method), Some(obj)) = (risk.method, out.as_object_mut()) {
        obj.insert("method".into(), json!(method));
    }
    out
}

pub fn type_source_name(source: TypeSource) -> &'static str {
    match source {
        TypeSource::Given => "given",
        TypeSource::FileName => "file name",
        TypeSource::Inferred => "inferred from content",
        TypeSource::Template => "template",
    }
}

/// SARIF 2.1.0 as GitHub code scanning accepts it.
pub fn sarif(reports: &[FileReport]) -> Value {
    let rules: Vec<Value> = codes::all()
        .map(|c| {
            json!({
                "id": c.code,
                "name": c.code,
                "shortDescription": {"text": c.summary},
                "fullDescription": {"text": c.summary},
                "helpUri": docs_url(c.code),
                "help": {"text": c.doc, "markdown": c.doc},
                "defaultConfiguration": {"level": sarif_level(c.severity)},
                "properties": {"tags": ["iam", "security"]},
            })
        })
        .collect();
    let rule_index = |code: &str| codes::all().position(|c| c.code == code);
    let mut results = Vec::new();
    for report in reports {
        let uri = sarif_uri(&report.path);
        match &report.outcome {
            Outcome::Checked { text, policies, .. } => {
                let rope = Rope::from_str(text);
                for f in policies.iter().flat_map(|p| &p.findings) {
                    let start = position::position(&rope, f.span.start, Encoding::Utf16);
                    let end = position::position(&rope, f.span.end, Encoding::Utf16);
                    let mut result = json!({
                        "ruleId": f.code,
                        "level": sarif_level(f.severity),
                        "message": {"text": f.message},
                        "locations": [{"physicalLocation": {
                            "artifactLocation": {"uri": uri},
                            "region": {
                                "startLine": start.line + 1,
                                "startColumn": start.character + 1,
                                "endLine": end.line + 1,
                                "endColumn": end.character + 1,
                                "byteOffset": f.span.start,
                                "byteLength": f.span.len(),
                            },
                        }}],
                    });
                    if let (Some(i), Some(obj)) = (rule_index(f.code), result.as_object_mut()) {
                        obj.insert("ruleIndex".into(), json!(i));
                    }
                    if let (Some(risk), Some(obj)) = (&f.risk, result.as_object_mut()) {
                        obj.insert(
                            "properties".into(),
                            json!({"category": "risk", "risk": risk_json(risk)}),
                        );
                    }
                    results.push(result);
                }
            }
            Outcome::Unreadable { why, .. } => results.push(json!({
                "ruleId": codes::UNREADABLE_FILE.code,
                "ruleIndex": rule_index(codes::UNREADABLE_FILE.code),
                "level": sarif_level(codes::UNREADABLE_FILE.severity),
                "message": {"text": why},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}}}],
            })),
            Outcome::Skipped => {}
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "iam-policy-ls",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/iam-policy-ls/iam-policy-ls",
                    "rules": rules,
                },
                "extensions": catalog_components(reports),
            },
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    })
}

/// The IAM catalog data the files were checked with, as SARIF tool components (one per distinct
/// catalog; the catalog in force when no file was checked).
fn catalog_components(reports: &[FileReport]) -> Vec<Value> {
    let mut used: Vec<SourceInfo> = Vec::new();
    for report in reports {
        if let Outcome::Checked { catalog, .. } = &report.outcome
            && !used.contains(catalog)
        {
            used.push(*catalog);
        }
    }
    if used.is_empty() {
        used.push(iam_policy::catalog::catalog().source());
    }
    used.iter()
        .map(|c| {
            json!({
                "name": c.package,
                "version": c.version,
                "releaseDateUtc": c.date,
                "informationUri": format!("https://www.npmjs.com/package/{}", c.package),
            })
        })
        .collect()
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::SecurityWarning | Severity::Warning => "warning",
        Severity::Suggestion => "note",
    }
}

/// A relative URI with forward slashes, as code scanning expects.
pub(super) fn sarif_uri(path: &str) -> String {
    if path == "-" {
        return "stdin".into();
    }
    let p = path.replace('\\', "/");
    p.strip_prefix("./").unwrap_or(&p).to_owned()
}
