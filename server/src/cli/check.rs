//! `iam-policy-ls check`: checks files, directories or stdin; exit 0 (no error), 1 (errors) or 2
//! (usage or I/O problems).

use super::inputs::{self, Input, Source};
use super::report::{self, FileReport, Outcome};
use clap::{Args, ValueEnum};
use iam_policy::{Options, PolicyType, Severity, analysis, json};
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

#[derive(Args)]
pub struct CheckArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Check every file as this policy type instead of inferring it.
    #[arg(long, value_parser = parse_policy_type)]
    pub policy_type: Option<PolicyType>,
    /// Files, directories (searched recursively for *.json policies), or `-` for stdin.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
}

fn parse_policy_type(s: &str) -> Result<PolicyType, String> {
    s.parse()
}

pub fn run(args: &CheckArgs) -> u8 {
    let inputs = inputs::collect(&args.paths);
    let reports: Vec<FileReport> = inputs
        .into_par_iter()
        .map(|input| check_one(input, args.policy_type))
        .collect();
    let rendered = match args.format {
        Format::Human => report::human(&reports, std::io::stdout().is_terminal()),
        Format::Json => report::json(&reports).to_string(),
        Format::Sarif => {
            serde_json::to_string_pretty(&report::sarif(&reports)).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
        }
    };
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "{rendered}").is_err() {
        return 2;
    }
    let unreadable = reports.iter().any(|r| matches!(r.outcome, Outcome::Unreadable(_)));
    let has_error = reports.iter().any(|r| match &r.outcome {
        Outcome::Checked { findings, .. } => findings.iter().any(|f| f.severity == Severity::Error),
        _ => false,
    });
    if unreadable {
        for r in &reports {
            if let Outcome::Unreadable(why) = &r.outcome {
                eprintln!("iam-policy-ls: {}: {why}", r.path);
            }
        }
        2
    } else if has_error {
        1
    } else {
        0
    }
}

fn check_one(input: Input, policy_type: Option<PolicyType>) -> FileReport {
    let outcome = match input.source {
        Source::Unreadable(why) => Outcome::Unreadable(why),
        Source::Text(text) => {
            let doc = json::parse(&text);
            let is_policy =
                input.explicit || analysis::is_policy_file_name(&input.display) || analysis::looks_like_policy(&doc);
            if is_policy {
                let path = (input.display != "-").then_some(input.display.as_str());
                let result = analysis::analyze(&text, &doc, Options { policy_type, path });
                Outcome::Checked {
                    findings: result.findings,
                    policy_type: result.policy_type,
                    type_source: result.type_source,
                    text,
                }
            } else {
                Outcome::Skipped
            }
        }
    };
    FileReport {
        path: input.display,
        outcome,
    }
}
