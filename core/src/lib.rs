//! `iam-policy`: AWS IAM policy documents — syntax, a policy model with byte spans, checks and
//! evaluation. Knows IAM, not editors: byte ranges in, byte ranges out.

pub mod access;
pub mod analysis;
pub mod catalog;
pub mod checks;
pub mod completion;
pub mod config;
pub mod diff;
pub mod eval;
pub mod file_names;
pub mod finding;
pub mod glob;
pub mod host;
pub mod hover;
pub mod json;
mod json_grammar;
pub mod model;
pub mod operator;
pub mod policy_test;
pub mod policy_type;
pub mod refactor;
pub mod risk;
pub mod span;
pub mod syntax;
pub mod variables;

pub use analysis::{Analysis, Options, analyze, analyze_text};
pub use finding::{Finding, Severity};
pub use policy_type::PolicyType;
pub use span::Span;

/// The crate README's example, run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
