//! `iam-policy-ls summary`: what each policy grants — services × access levels with the number
//! of actions and how constrained they are — and its risk findings. Finds policies as `check`
//! does (JSON policies, templates), with the nearest `.iam-policy-ls.toml`. Exit 0, or 2 when
//! an input or the configuration cannot be read.

use super::check::{Configs, RiskArgs, is_policy_json};
use super::inputs::{self, Input, Source};
use super::output;
use super::report::risk_json;
use crate::position::{Encoding, Position, position};
use clap::{Args, ValueEnum};
use iam_policy::access::Access;
use iam_policy::analysis::{self, Analysis, Options};
use iam_policy::catalog;
use iam_policy::config::Config;
use iam_policy::host::{self, Contents};
use iam_policy::json::JsonDocument;
use iam_policy::model::Policy;
use iam_policy::risk::{self, LEVEL_TITLES, Overview, RiskKind, thousands};
use iam_policy::{Finding, PolicyType, Span};
use ropey::Rope;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Args)]
pub struct SummaryArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Read every file as this policy type instead of inferring it.
    #[arg(long, value_parser = |s: &str| s.parse::<PolicyType>())]
    pub policy_type: Option<PolicyType>,
    #[command(flatten)]
    pub risk: RiskArgs,
    /// Files, directories (searched as `check` searches them), or `-` for stdin.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

/// One policy's summary.
struct PolicySummary {
    path: String,
    /// Empty for a JSON policy (the whole file).
    pointer: String,
    start: Position,
    overview: Overview,
    risks: Vec<(Finding, Position)>,
}

pub fn run(args: &SummaryArgs) -> u8 {
    let configs = Configs::default();
    let mut found = Vec::new();
    let mut unreadable = Vec::new();
    for input in inputs::collect(&args.paths) {
        let config = args.risk.apply(configs.for_input(&input.display));
        match &input.source {
            Source::Unreadable(why) => unreadable.push(format!("{}: {why}", input.display)),
            Source::Text(text) => found.extend(summarize(&input, text, args.policy_type, &config)),
        }
    }
    let config_errors = configs.report_errors();
    let rendered = match args.format {
        Format::Human => human(&found),
        Format::Json => Value::Array(found.iter().map(to_json).collect()).to_string(),
    };
    for why in &unreadable {
        eprintln!("iam-policy-ls: {why}");
    }
    let status = if unreadable.is_empty() && !config_errors { 0 } else { 2 };
    output::print(&rendered, status)
}

/// The policies of one input, each analysed as `check` does, with its summary.
fn summarize(input: &Input, text: &str, given: Option<PolicyType>, config: &Config) -> Vec<PolicySummary> {
    let _catalog = catalog::project_scope(config.catalog);
    let _risk = risk::scope(Arc::new(config.risk_settings()));
    let path = (input.display != "-").then_some(input.display.as_str());
    let absolute = path.map(|p| {
        let p = PathBuf::from(p);
        std::path::absolute(&p).unwrap_or(p)
    });
    let options = Options {
        policy_type: given.or_else(|| config.policy_type_for(absolute.as_deref())),
        path,
    };
    let rope = Rope::from_str(text);
    let one = |doc: &JsonDocument, pointer: String, span: Span, mut analysis: Analysis| {
        config.apply(&mut analysis.findings);
        let access = Access::new(&Policy::from_json(doc), analysis.policy_type);
        let risks = analysis
            .findings
            .into_iter()
            .filter(|f| RiskKind::of_code(f.code).is_some())
            .map(|f| {
                let at = position(&rope, f.span.start, Encoding::Utf32);
                (f, at)
            })
            .collect();
        PolicySummary {
            path: input.display.clone(),
            pointer,
            start: position(&rope, span.start, Encoding::Utf32),
            overview: Overview::new(&access),
            risks,
        }
    };
    match host::read(path, text) {
        Contents::Host(_, document) => document
            .policies
            .iter()
            .map(|embedded| {
                let analysis = analysis::analyze_embedded(text, embedded, options);
                one(&embedded.json, embedded.pointer.clone(), embedded.span, analysis)
            })
            .collect(),
        Contents::Json(doc) if is_policy_json(input.explicit, &input.display, &doc, config, absolute.as_deref()) => {
            let analysis = analysis::analyze(text, &doc, options);
            vec![one(&doc, String::new(), Span::new(0, text.len()), analysis)]
        }
        Contents::Json(_) | Contents::Other => Vec::new(),
    }
}

/// A heading per policy, its table, then its risk findings; positions 1-based.
fn human(found: &[PolicySummary]) -> String {
    let mut out = String::new();
    for p in found {
        let place = if p.pointer.is_empty() {
            p.path.clone()
        } else {
            format!(
                "{}:{}:{} {}",
                p.path,
                p.start.line + 1,
                p.start.character + 1,
                p.pointer
            )
        };
        out.push_str(&format!(
            "{place} ({} policy): {}\n",
            p.overview.policy_type.as_str(),
            p.overview.headline()
        ));
        let rows = p.overview.rows();
        if !rows.is_empty() {
            let mut table = comfy_table::Table::new();
            table
                .load_style(comfy_table::presets::UTF8_BORDERS_ONLY)
                .set_content_arrangement(comfy_table::ContentArrangement::Disabled);
            let undocumented = rows.iter().any(|r| r.levels.get(5).is_some_and(|n| *n > 0));
            let mut header = vec!["SERVICE".to_owned()];
            header.extend(
                LEVEL_TITLES
                    .iter()
                    .take(if undocumented { 6 } else { 5 })
                    .map(|t| t.to_uppercase()),
            );
            header.extend(["LIMITED BY RESOURCE", "BY CONDITION", "UNLIMITED"].map(str::to_owned));
            table.set_header(header);
            for r in &rows {
                let mut row = vec![r.service.to_owned()];
                row.extend(r.levels.iter().take(if undocumented { 6 } else { 5 }).map(|n| cell(*n)));
                row.extend([cell(r.by_resource), cell(r.by_condition), cell(r.unconstrained)]);
                table.add_row(row);
            }
            for column in table.column_iter_mut().skip(1) {
                column.set_cell_alignment(comfy_table::CellAlignment::Right);
            }
            out.push_str(&format!("{table}\n"));
        }
        for (f, at) in &p.risks {
            out.push_str(&format!(
                "{}:{}:{}: {} {}: {}\n",
                p.path,
                at.line + 1,
                at.character + 1,
                f.severity.as_str(),
                f.code,
                f.message
            ));
        }
        out.push('\n');
    }
    let risks: usize = found.iter().map(|p| p.risks.len()).sum();
    out.push_str(&format!(
        "{} {}, {} risk {}",
        found.len(),
        if found.len() == 1 { "policy" } else { "policies" },
        risks,
        if risks == 1 { "finding" } else { "findings" }
    ));
    out
}

fn cell(n: usize) -> String {
    if n == 0 { String::new() } else { thousands(n) }
}

fn to_json(p: &PolicySummary) -> Value {
    let services: Vec<Value> = p
        .overview
        .summary
        .services
        .iter()
        .map(|s| {
            let levels: Vec<Value> = s
                .levels
                .iter()
                .map(|l| {
                    json!({
                        "level": l.level.map(|l| l.as_str()),
                        "actions": l.actions,
                        "byResource": l.by_resource,
                        "byCondition": l.by_condition,
                        "unconstrained": l.unconstrained,
                        "narrowedByDeny": l.narrowed_by_deny,
                    })
                })
                .collect();
            json!({"service": s.prefix, "actions": s.actions(), "levels": levels})
        })
        .collect();
    let risks: Vec<Value> = p
        .risks
        .iter()
        .map(|(f, at)| {
            let mut v = json!({
                "code": f.code,
                "severity": f.severity.level(),
                "findingType": f.severity.as_str(),
                "message": f.message,
                "line": at.line + 1,
                "column": at.character + 1,
                "byteRange": [f.span.start, f.span.end],
            });
            if let (Some(r), Some(obj)) = (&f.risk, v.as_object_mut()) {
                obj.insert("category".into(), json!("risk"));
                obj.insert("risk".into(), risk_json(r));
            }
            v
        })
        .collect();
    json!({
        "path": p.path,
        "policyPointer": p.pointer,
        "policyType": p.overview.policy_type.as_str(),
        "headline": p.overview.headline(),
        "actions": p.overview.summary.actions,
        "services": services,
        "escalationPaths": p.overview.escalations,
        "risks": risks,
    })
}
