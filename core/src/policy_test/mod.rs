//! Policy tests: expectations about access, written next to the policies and checked by
//! `iam-policy-ls test` and live in the editor (see docs/policy-tests.md).
//!
//! ```json
//! {"policies": {"identity": ["app-role.json"], "permissionBoundaries": ["boundary.json"],
//!               "resource": "bucket-policy.json",
//!               "scps": [{"orgIdentifier": "r-root", "policies": ["scp.json"]}]},
//!  "principal": "arn:aws:iam::111122223333:role/app",
//!  "context": {"aws:SecureTransport": "true"},
//!  "cases": [{"name": "app reads reports", "action": "s3:GetObject",
//!             "resource": "arn:aws:s3:::reports/2024/q1.csv",
//!             "expect": "Allowed", "decidedBy": "ReadReports"}]}
//! ```
//!
//! [`parse`] reads a test file into a [`TestFile`] with byte spans and the problems found on the
//! way (unknown fields, bad decisions, unknown actions); [`resolve`] builds the evaluator's
//! [`Policies`](crate::eval::Policies) through a caller-given loader (no file I/O here); [`run`]
//! decides every case and says which statements to blame when a case fails.

pub mod parse;
mod run;
#[cfg(test)]
mod tests;

pub use parse::{Case, Field, PolicyRef, Slot, Source, TestFile, parse, parse_json};
pub use run::{Blame, CaseResult, Resolved, resolve, run, run_case, statement_anchor};

use crate::finding::Severity;
use crate::span::Span;

/// How test files are named: `bucket-access.iamtest.json`.
pub const FILE_SUFFIX: &str = ".iamtest.json";

/// Whether a file name (or path) names a policy test file.
pub fn is_test_file(name: &str) -> bool {
    name.len() > FILE_SUFFIX.len()
        && name
            .get(name.len() - FILE_SUFFIX.len()..)
            .is_some_and(|s| s.eq_ignore_ascii_case(FILE_SUFFIX))
}

/// Codes of the problems reported in and about test files.
pub mod codes {
    /// The test file does not follow the format (unknown field, wrong type, bad decision).
    pub const INVALID_TEST_FILE: &str = "INVALID_POLICY_TEST";
    /// A case names an action the catalog does not know.
    pub const UNKNOWN_ACTION: &str = "POLICY_TEST_UNKNOWN_ACTION";
    /// A policy the test names cannot be read or parsed.
    pub const POLICY_NOT_LOADED: &str = "POLICY_TEST_POLICY_NOT_LOADED";
    /// A case's expectation does not hold.
    pub const FAILED: &str = "POLICY_TEST_FAILED";
}

/// A problem in a test file, at a byte range of the test file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub code: &'static str,
    pub severity: Severity,
    pub span: Span,
    pub message: String,
}

impl Problem {
    fn error(span: Span, message: impl Into<String>) -> Problem {
        Problem {
            code: codes::INVALID_TEST_FILE,
            severity: Severity::Error,
            span,
            message: message.into(),
        }
    }
}
