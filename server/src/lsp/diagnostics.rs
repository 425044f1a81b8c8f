//! Findings (byte spans) to LSP diagnostics (positions in the negotiated encoding).

use super::document::{self, Document};
use crate::cli::report::docs_url;
use crate::position::Encoding;
use iam_policy::config::ConfigError;
use iam_policy::finding::Tag;
use iam_policy::{Finding, Severity, Span};
use ropey::Rope;
use serde_json::{Value, json};
use std::str::FromStr;
use tower_lsp_server::ls_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location,
    NumberOrString, Uri,
};

pub const SOURCE: &str = "iam-policy-ls";

/// The code of diagnostics about the configuration file itself.
pub const CONFIG_CODE: &str = "INVALID_CONFIGURATION";

pub fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::SecurityWarning | Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Suggestion => DiagnosticSeverity::HINT,
    }
}

pub fn to_diagnostic(finding: &Finding, rope: &Rope, uri: &Uri, encoding: Encoding) -> Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = finding
        .related
        .iter()
        .map(|r| DiagnosticRelatedInformation {
            location: Location {
                uri: uri.clone(),
                range: document::range(rope, r.span, encoding),
            },
            message: r.message.clone(),
        })
        .collect();
    let tags: Vec<DiagnosticTag> = finding
        .tags
        .iter()
        .map(|t| match t {
            Tag::Unnecessary => DiagnosticTag::UNNECESSARY,
            Tag::Deprecated => DiagnosticTag::DEPRECATED,
        })
        .collect();
    Diagnostic {
        range: document::range(rope, finding.span, encoding),
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(finding.code.to_owned())),
        code_description: Uri::from_str(&docs_url(finding.code))
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_owned()),
        message: finding.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: (!tags.is_empty()).then_some(tags),
        data: Some(data(finding, rope, encoding)),
    }
}

/// What a code-action handler needs without re-running the checks: the fixes with their edits
/// already in LSP ranges, and the finding's own severity (LSP folds security warnings into
/// warnings).
fn data(finding: &Finding, rope: &Rope, encoding: Encoding) -> Value {
    let fixes: Vec<Value> = finding
        .fixes
        .iter()
        .map(|fix| {
            let edits: Vec<Value> = fix
                .edits
                .iter()
                .map(|e| json!({"range": document::range(rope, e.span, encoding), "newText": e.new_text}))
                .collect();
            json!({"title": fix.title, "edits": edits})
        })
        .collect();
    json!({"severity": finding.severity.as_str(), "fixes": fixes})
}

pub fn config_diagnostic(error: &ConfigError, doc: &Document, encoding: Encoding) -> Diagnostic {
    Diagnostic {
        range: doc.range(error.span.unwrap_or(Span::empty(0)), encoding),
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(NumberOrString::String(CONFIG_CODE.to_owned())),
        source: Some(SOURCE.to_owned()),
        message: error.message.clone(),
        ..Diagnostic::default()
    }
}
