//! Documents over [`LARGE_DOCUMENT`] bytes (generated templates in `cdk.out/`, policy dumps):
//! checking them fully takes seconds, and the session's lock would make every request wait.
//! They are checked off the request path on a blocking thread, with the quick rules only
//! ([`iam_policy::checks::QUICK_RULES`]: syntax, structure, size), and an information
//! diagnostic says so. A newer version of the document cancels the older check: each step
//! looks at the document's latest version and gives up when it moved on.

use super::diagnostics::{self, SOURCE};
use super::session::Publish;
use crate::position::Encoding;
use iam_policy::analysis::{self, Depth};
use iam_policy::config::Config;
use iam_policy::host::{self, HostKind};
use iam_policy::json::{self, JsonDocument};
use iam_policy::syntax::{self, Grammar};
use iam_policy::{Finding, Options, PolicyType};
use ropey::Rope;
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};
use tower_lsp_server::ls_types::{Diagnostic, DiagnosticSeverity, NumberOrString, Range, Uri};

/// Documents larger than this (2 MiB) get the quick checks only, computed in the background.
pub const LARGE_DOCUMENT: usize = 2 * 1024 * 1024;

/// At most this many findings of a large document are published: a generated file can hold
/// hundreds of thousands, and editors list them all.
pub const MAX_FINDINGS: usize = 1000;

/// The code of the information diagnostic on a large document.
pub const LARGE_DOCUMENT_CODE: &str = "LARGE_DOCUMENT";

/// The version a closed document's checks see: never current.
pub const CLOSED: i32 = i32::MIN;

/// What the document holds, as the session decided from its language and name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    /// Language `iam-policy`: one policy.
    Policy,
    /// JSON: a policy when `is_policy` says so, or a CloudFormation template.
    Json,
    /// A YAML template or a Terraform file.
    Template(HostKind),
}

enum Checked {
    Findings(Vec<Finding>),
    NoPolicy,
    Superseded,
}

/// Everything one background check needs, copied out of the session.
pub struct LargeCheck {
    pub uri: Uri,
    pub version: i32,
    pub text: String,
    pub rope: Rope,
    pub grammar: Grammar,
    pub holds: Holds,
    pub name: String,
    pub policy_type: Option<PolicyType>,
    pub config: Arc<Config>,
    pub encoding: Encoding,
    /// The document's latest version, moved on by every change (and [`CLOSED`] on close).
    pub latest: Arc<AtomicI32>,
    /// Whether a JSON document was last published as a policy (so it gets one empty publish
    /// when it no longer looks like one).
    pub was_published: bool,
    /// Diagnostics already computed on the request path (policy tests' results).
    pub extra: Vec<Diagnostic>,
    /// Whether the document's name or the configuration makes it a policy, whatever it holds.
    pub named_as_policy: bool,
}

impl LargeCheck {
    fn current(&self) -> bool {
        self.latest.load(Ordering::Acquire) == self.version
    }

    /// Checks the document; `None` when a newer version superseded it or when there is
    /// nothing to publish.
    pub fn run(self) -> Option<Publish> {
        match self.check() {
            Checked::Findings(findings) => self.publish(findings),
            // A document with no policy stays silent, except to clear what was published.
            Checked::NoPolicy => self.was_published.then(|| Publish {
                uri: self.uri,
                version: Some(self.version),
                diagnostics: Vec::new(),
            }),
            Checked::Superseded => None,
        }
    }

    fn check(&self) -> Checked {
        if !self.current() {
            return Checked::Superseded;
        }
        let _catalog = iam_policy::catalog::project_scope(self.config.catalog);
        let options = Options {
            policy_type: self.policy_type,
            path: Some(&self.name),
        };
        let Some(tree) = syntax::parse_cancellable(&self.text, self.grammar, &|| !self.current()) else {
            // Cancelled, or YAML too deeply indented to parse (as for small documents).
            return if self.current() {
                Checked::NoPolicy
            } else {
                Checked::Superseded
            };
        };
        let found = match self.holds {
            Holds::Template(kind) => host::scan_tree(kind, &self.text, &tree),
            Holds::Policy | Holds::Json => {
                let doc = match self.grammar {
                    Grammar::Json => json::build(&self.text, &tree),
                    Grammar::Yaml | Grammar::Hcl => JsonDocument::default(),
                };
                if !self.current() {
                    return Checked::Superseded;
                }
                let found = (self.holds == Holds::Json)
                    .then(|| host::scan_json(&self.text, &doc))
                    .flatten();
                if found.is_none() {
                    if self.holds == Holds::Json && !self.named_as_policy && !analysis::looks_like_policy(&doc) {
                        return Checked::NoPolicy;
                    }
                    return Checked::Findings(analysis::analyze_to(&self.text, &doc, options, Depth::Quick).findings);
                }
                found
            }
        };
        let Some(found) = found.filter(|f| !f.policies.is_empty()) else {
            return Checked::NoPolicy;
        };
        let mut findings = Vec::new();
        for embedded in &found.policies {
            if !self.current() {
                return Checked::Superseded;
            }
            findings.extend(analysis::analyze_embedded_to(&self.text, embedded, options, Depth::Quick).findings);
        }
        Checked::Findings(findings)
    }

    fn publish(self, mut findings: Vec<Finding>) -> Option<Publish> {
        self.config.apply(&mut findings);
        self.current().then_some(())?;
        let mut out: Vec<Diagnostic> = vec![notice(self.text.len(), findings.len())];
        out.extend(
            findings
                .iter()
                .take(MAX_FINDINGS)
                .map(|f| diagnostics::to_diagnostic(f, &self.rope, &self.uri, self.encoding)),
        );
        self.current().then_some(())?;
        out.extend(self.extra);
        Some(Publish {
            uri: self.uri,
            version: Some(self.version),
            diagnostics: out,
        })
    }
}

/// The information diagnostic that says why most checks did not run.
fn notice(len: usize, findings: usize) -> Diagnostic {
    let shown = if findings > MAX_FINDINGS {
        format!(" The first {MAX_FINDINGS} of its {findings} findings are shown.")
    } else {
        String::new()
    };
    Diagnostic {
        range: Range::default(),
        severity: Some(DiagnosticSeverity::INFORMATION),
        code: Some(NumberOrString::String(LARGE_DOCUMENT_CODE.to_owned())),
        source: Some(SOURCE.to_owned()),
        message: format!(
            "This document is {:.1} MiB, over the {} MiB the editor checks fully: only the syntax, \
             structure and size checks ran.{shown} `iam-policy-ls check` runs every check on it.",
            len as f64 / (1024.0 * 1024.0),
            LARGE_DOCUMENT / (1024 * 1024)
        ),
        ..Diagnostic::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn check(text: &str, version: i32, latest: i32) -> LargeCheck {
        LargeCheck {
            uri: Uri::from_str("file:///p.json").unwrap(),
            version,
            text: text.to_owned(),
            rope: Rope::from_str(text),
            grammar: Grammar::Json,
            holds: Holds::Json,
            name: "/p.json".to_owned(),
            policy_type: None,
            config: Arc::new(Config::default()),
            encoding: Encoding::Utf16,
            latest: Arc::new(AtomicI32::new(latest)),
            was_published: false,
            extra: Vec::new(),
            named_as_policy: false,
        }
    }

    const POLICY: &str =
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "allow", "Action": "s3:GetObjectt", "Resource": "*"}]}"#;

    #[test]
    fn a_current_check_publishes_the_note_and_the_quick_findings() {
        let published = check(POLICY, 3, 3).run();
        let codes: Vec<String> = published
            .iter()
            .flat_map(|p| &p.diagnostics)
            .filter_map(|d| match &d.code {
                Some(NumberOrString::String(c)) => Some(c.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(codes, [LARGE_DOCUMENT_CODE, "INVALID_EFFECT"]);
    }

    #[test]
    fn a_check_of_a_version_since_replaced_or_closed_publishes_nothing() {
        assert!(check(POLICY, 3, 4).run().is_none());
        assert!(check(POLICY, 3, CLOSED).run().is_none());
    }

    #[test]
    fn json_that_is_no_policy_stays_silent() {
        assert!(
            check(r#"{"name": "package", "version": "1.0.0"}"#, 1, 1)
                .run()
                .is_none()
        );
    }
}
