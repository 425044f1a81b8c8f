//! `iam-policy-ls explain CODE`: a check's documentation; without a code, the list of codes.

use clap::Args;
use iam_policy::checks;

#[derive(Args)]
pub struct ExplainArgs {
    /// A check code such as MISSING_VERSION (case-insensitive).
    pub code: Option<String>,
}

pub fn run(args: &ExplainArgs) -> u8 {
    match &args.code {
        None => {
            for c in checks::all_checks() {
                println!("{:<48} {:<17} {}", c.code, c.severity.as_str(), c.summary);
            }
            0
        }
        Some(code) => match checks::check(code) {
            Some(c) => {
                println!(
                    "# {} ({})\n\n{}\n\n{}",
                    c.code,
                    c.severity.as_str(),
                    c.summary,
                    c.doc.trim_end()
                );
                0
            }
            None => {
                eprintln!("iam-policy-ls: unknown check code `{code}`; run `iam-policy-ls explain` for the list");
                2
            }
        },
    }
}
