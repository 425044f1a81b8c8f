//! What checks report: a code, a severity, a byte range, a message, and optional fixes.

use crate::span::Span;

/// Access Analyzer's finding types. The server maps them to LSP severities: errors to errors,
/// security warnings and warnings to warnings, suggestions to hints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    SecurityWarning,
    Warning,
    Suggestion,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::SecurityWarning => "security-warning",
            Severity::Warning => "warning",
            Severity::Suggestion => "suggestion",
        }
    }

    /// The LSP-style level used by `check --format json`: error, warning, info or hint.
    pub fn level(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::SecurityWarning | Severity::Warning => "warning",
            Severity::Suggestion => "hint",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "error" => Some(Severity::Error),
            "security-warning" => Some(Severity::SecurityWarning),
            "warning" => Some(Severity::Warning),
            "suggestion" | "hint" | "info" => Some(Severity::Suggestion),
            _ => None,
        }
    }
}

/// Extra meaning an editor can render (faded or struck-through text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    Unnecessary,
    Deprecated,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub new_text: String,
}

/// A fix the user can apply: a title and the edits it makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn replace(title: impl Into<String>, span: Span, new_text: impl Into<String>) -> Fix {
        Fix {
            title: title.into(),
            edits: vec![Edit {
                span,
                new_text: new_text.into(),
            }],
        }
    }
}

/// Another place that explains a finding ("first defined here").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub span: Span,
    pub message: String,
    pub related: Vec<Related>,
    pub fixes: Vec<Fix>,
    pub tags: Vec<Tag>,
    /// For the checks of the `risk` category: the kind, method and actions.
    pub risk: Option<crate::risk::RiskDetail>,
}

impl Finding {
    /// The same finding with every span (its own, related ones, fix edits) moved from offsets
    /// relative to `from` to offsets relative to `to`.
    pub fn relocated(&self, from: usize, to: usize) -> Finding {
        let move_span = |s: Span| Span::new((s.start + to).saturating_sub(from), (s.end + to).saturating_sub(from));
        let mut out = self.clone();
        out.span = move_span(out.span);
        for r in &mut out.related {
            r.span = move_span(r.span);
        }
        for fix in &mut out.fixes {
            for e in &mut fix.edits {
                e.span = move_span(e.span);
            }
        }
        out
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fixes.push(fix);
        self
    }

    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related {
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_tag(mut self, tag: Tag) -> Self {
        self.tags.push(tag);
        self
    }
}
