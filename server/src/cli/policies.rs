//! `iam-policy-ls policies`: lists every policy document the checker sees in files,
//! directories or stdin (JSON policies, CloudFormation/SAM templates, Terraform), with where
//! each stands and the policy type it is checked as, and why. Exit 0, or 2 when an input
//! cannot be read.

use super::check::{Configs, is_policy_json};
use super::inputs::{self, Input, Source};
use super::output;
use super::report::type_source_name;
use crate::position::{Encoding, position};
use clap::{Args, ValueEnum};
use iam_policy::analysis::{self, Options};
use iam_policy::host::{self, Contents};
use iam_policy::model::Policy;
use iam_policy::policy_type::TypeSource;
use iam_policy::{PolicyType, Span};
use ropey::Rope;
use serde_json::{Value, json};
use std::path::PathBuf;

#[derive(Args)]
pub struct PoliciesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Files, directories (searched as `check` searches them), or `-` for stdin.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

/// One policy document found in an input.
struct Found {
    path: String,
    /// `json`, or the host kind (`cloudformation-yaml`, `cloudformation-json`, `terraform`).
    host: &'static str,
    /// Empty for a JSON policy (the whole file).
    pointer: String,
    policy_type: PolicyType,
    type_source: TypeSource,
    reason: String,
    span: Span,
    start: crate::position::Position,
    end: crate::position::Position,
}

pub fn run(args: &PoliciesArgs) -> u8 {
    let configs = Configs::default();
    let mut found = Vec::new();
    let mut unreadable = Vec::new();
    for input in inputs::collect(&args.paths) {
        let config = configs.for_input(&input.display);
        match &input.source {
            Source::Unreadable(why) => unreadable.push(format!("{}: {why}", input.display)),
            Source::Text(text) => found.extend(policies_in(&input, text, &config)),
        }
    }
    let config_errors = configs.report_errors();
    let rendered = match args.format {
        Format::Human => table(&found),
        Format::Json => Value::Array(found.iter().map(to_json).collect()).to_string(),
    };
    for why in &unreadable {
        eprintln!("iam-policy-ls: {why}");
    }
    let status = if unreadable.is_empty() && !config_errors { 0 } else { 2 };
    output::print(&rendered, status)
}

/// The policies of one input, as `check` would check them.
fn policies_in(input: &Input, text: &str, config: &iam_policy::config::Config) -> Vec<Found> {
    let path = (input.display != "-").then_some(input.display.as_str());
    let absolute = path.map(|p| {
        let p = PathBuf::from(p);
        std::path::absolute(&p).unwrap_or(p)
    });
    let options = Options {
        policy_type: config.policy_type_for(absolute.as_deref()),
        path,
    };
    let rope = Rope::from_str(text);
    let place = |span: Span| {
        (
            position(&rope, span.start, Encoding::Utf16),
            position(&rope, span.end, Encoding::Utf16),
        )
    };
    match host::read(path, text) {
        Contents::Host(kind, document) => document
            .policies
            .iter()
            .map(|embedded| {
                let policy = Policy::from_json(&embedded.json);
                let (policy_type, type_source) = analysis::resolve_embedded_type(&policy, embedded, options);
                let reason = match (type_source, &embedded.type_reason) {
                    (TypeSource::Template, Some(why)) => why.clone(),
                    _ => type_source_name(type_source).to_owned(),
                };
                let (start, end) = place(embedded.span);
                Found {
                    path: input.display.clone(),
                    host: kind.as_str(),
                    pointer: embedded.pointer.clone(),
                    policy_type,
                    type_source,
                    reason,
                    span: embedded.span,
                    start,
                    end,
                }
            })
            .collect(),
        Contents::Json(doc) if is_policy_json(input.explicit, &input.display, &doc, config, absolute.as_deref()) => {
            let policy = Policy::from_json(&doc);
            let (policy_type, type_source) = analysis::resolve_type(&policy, options);
            let span = Span::new(0, text.len());
            let (start, end) = place(span);
            vec![Found {
                path: input.display.clone(),
                host: "json",
                pointer: String::new(),
                policy_type,
                type_source,
                reason: type_source_name(type_source).to_owned(),
                span,
                start,
                end,
            }]
        }
        Contents::Json(_) | Contents::Other => Vec::new(),
    }
}

fn to_json(f: &Found) -> Value {
    json!({
        "path": f.path,
        "host": f.host,
        "policyPointer": f.pointer,
        "policyType": f.policy_type.as_str(),
        "policyTypeSource": type_source_name(f.type_source),
        "reason": f.reason,
        "range": {
            "start": {"line": f.start.line, "character": f.start.character},
            "end": {"line": f.end.line, "character": f.end.character},
        },
        "byteRange": [f.span.start, f.span.end],
    })
}

/// A table for the terminal: one row per policy, positions 1-based as editors show them.
fn table(found: &[Found]) -> String {
    let mut table = comfy_table::Table::new();
    table
        .load_style(comfy_table::presets::UTF8_BORDERS_ONLY)
        .set_content_arrangement(comfy_table::ContentArrangement::Disabled)
        .set_header(["LOCATION", "POLICY", "TYPE", "WHY"]);
    for f in found {
        let location = format!(
            "{}:{}:{}",
            f.path,
            f.start.line.saturating_add(1),
            f.start.character.saturating_add(1)
        );
        let pointer = if f.pointer.is_empty() {
            "(whole file)"
        } else {
            f.pointer.as_str()
        };
        table.add_row([location.as_str(), pointer, f.policy_type.as_str(), f.reason.as_str()]);
    }
    let files = {
        let mut paths: Vec<&str> = found.iter().map(|f| f.path.as_str()).collect();
        paths.dedup();
        paths.len()
    };
    let summary = format!(
        "{} {} in {} {}",
        found.len(),
        if found.len() == 1 { "policy" } else { "policies" },
        files,
        if files == 1 { "file" } else { "files" }
    );
    if found.is_empty() {
        return summary;
    }
    format!("{table}\n{summary}")
}
