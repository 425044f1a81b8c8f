//! `iam-policy-ls explain CODE`: a check's documentation; without a code, the list of codes.

use super::{codes, output};
use clap::Args;
use std::fmt::Write as _;

#[derive(Args)]
pub struct ExplainArgs {
    /// A check code such as MISSING_VERSION (case-insensitive).
    pub code: Option<String>,
}

pub fn run(args: &ExplainArgs) -> u8 {
    match &args.code {
        None => {
            let mut list = String::new();
            for c in codes::all() {
                let _ = writeln!(list, "{:<48} {:<17} {}", c.code, c.severity.as_str(), c.summary);
            }
            output::print(list.trim_end(), 0)
        }
        Some(code) => match codes::lookup(code) {
            Some(c) => {
                let page = format!(
                    "# {} ({})\n\n{}\n\n{}",
                    c.code,
                    c.severity.as_str(),
                    c.summary,
                    c.doc.trim_end()
                );
                output::print(&page, 0)
            }
            None => {
                eprintln!("iam-policy-ls: unknown check code `{code}`; run `iam-policy-ls explain` for the list");
                2
            }
        },
    }
}
