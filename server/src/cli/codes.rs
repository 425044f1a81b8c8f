//! Codes the command line reports about its inputs rather than about a policy's content; they
//! sit beside the checks' codes in `explain` and in reports.

use iam_policy::checks::{self, Check};
use iam_policy::finding::Severity;

pub const UNREADABLE_FILE: Check = Check {
    code: "UNREADABLE_FILE",
    severity: Severity::Error,
    summary: "A file to check could not be read",
    doc: r#"## What it does
Reports a file that `check` was asked to read but could not: it does not exist, it cannot be
opened (permissions, a broken link), or it is not UTF-8 text. The message gives the reason.
Other files are still checked, and `check` exits with status 2.

## Why is this bad
A policy that was never read was never checked: a CI job must not pass because a path was
misspelt or a file was written in another encoding.

## Example
```sh
iam-policy-ls check polcy.json    # no such file
```

## Use instead
```sh
iam-policy-ls check policy.json   # a readable UTF-8 file
```
"#,
};

/// The command line's own codes.
pub const CLI_CODES: &[&Check] = &[&UNREADABLE_FILE];

/// A check's or the command line's code (case-insensitive).
pub fn lookup(code: &str) -> Option<&'static Check> {
    checks::check(code).or_else(|| CLI_CODES.iter().copied().find(|c| c.code.eq_ignore_ascii_case(code)))
}

/// Every code `explain` knows: the checks', then the command line's.
pub fn all() -> impl Iterator<Item = &'static Check> {
    checks::all_checks().chain(CLI_CODES.iter().copied())
}
