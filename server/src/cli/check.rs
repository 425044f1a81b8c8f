//! `iam-policy-ls check`: checks files, directories or stdin; exit 0 (no error), 1 (errors) or 2
//! (usage, I/O or configuration problems). Each file is checked with the nearest
//! `.iam-policy-ls.toml` (see docs/configuration.md).

use super::inputs::{self, Input, Source};
use super::output;
use super::report::{self, FileReport, Outcome, Place, PolicyReport};
use crate::position::{Encoding, position};
use clap::{Args, ValueEnum};
use iam_policy::catalog;
use iam_policy::config::{self, CheckSetting, Config};
use iam_policy::host::{self, Contents};
use iam_policy::json::JsonDocument;
use iam_policy::policy_type::TypeSource;
use iam_policy::risk::{self, Forbidden, RiskKind};
use iam_policy::{Options, PolicyType, Severity, analysis};
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

#[derive(Args)]
pub struct CheckArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Check every file as this policy type instead of inferring it.
    #[arg(long, value_parser = parse_policy_type)]
    pub policy_type: Option<PolicyType>,
    #[command(flatten)]
    pub risk: RiskArgs,
    /// Files, directories (searched recursively for JSON policies, CloudFormation/SAM templates
    /// and Terraform files), or `-` for stdin.
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

/// The risk findings' settings on the command line, over the configuration's.
#[derive(Args, Clone, Default)]
pub struct RiskArgs {
    /// Turn risk categories on whatever the configuration says: `all`, or a comma-separated
    /// list of kinds (`data-exfiltration,resource-exposure`).
    #[arg(long, value_name = "CATEGORIES", value_parser = parse_risk_kinds)]
    pub risk: Option<RiskKinds>,
    /// Actions no policy may grant, comma-separated (`'iam:*,s3:DeleteBucket'`), added to the
    /// configuration's `[risk] forbid`.
    #[arg(long, value_name = "ACTIONS", value_parser = parse_forbid_list)]
    pub forbid: Vec<ForbidList>,
}

/// One `--forbid` value.
#[derive(Clone)]
pub struct ForbidList(pub Vec<Forbidden>);

fn parse_forbid_list(s: &str) -> Result<ForbidList, String> {
    risk::parse_forbidden(s).map(ForbidList)
}

/// `--risk`: every kind, or some.
#[derive(Clone)]
pub enum RiskKinds {
    All,
    Some(Vec<RiskKind>),
}

fn parse_risk_kinds(s: &str) -> Result<RiskKinds, String> {
    if s.trim().eq_ignore_ascii_case("all") {
        return Ok(RiskKinds::All);
    }
    s.split(',')
        .map(|k| {
            RiskKind::parse(k).ok_or_else(|| {
                let known: Vec<&str> = RiskKind::ALL.iter().map(|k| k.as_str()).collect();
                format!(
                    "unknown risk category `{}`; expected `all` or some of {}",
                    k.trim(),
                    known.join(", ")
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(RiskKinds::Some)
}

impl RiskArgs {
    /// `config` with the command line's risk settings on top (the same `Arc` when none).
    pub(super) fn apply(&self, config: Arc<Config>) -> Arc<Config> {
        if self.risk.is_none() && self.forbid.is_empty() {
            return config;
        }
        let mut config = (*config).clone();
        let kinds = match &self.risk {
            Some(RiskKinds::All) => {
                config.risk_all = Some(true);
                RiskKind::ALL.to_vec()
            }
            Some(RiskKinds::Some(kinds)) => kinds.clone(),
            None => Vec::new(),
        };
        for kind in kinds {
            config.checks.insert(kind.code(), CheckSetting::On);
        }
        config
            .forbid
            .extend(self.forbid.iter().flat_map(|l| l.0.iter().cloned()));
        Arc::new(config)
    }
}

pub fn run(args: &CheckArgs) -> u8 {
    let inputs = inputs::collect(&args.paths);
    let configs = Configs::default();
    let reports: Vec<FileReport> = inputs
        .into_par_iter()
        .map(|input| {
            let config = args.risk.apply(configs.for_input(&input.display));
            check_one(input, args.policy_type, &config)
        })
        .collect();
    let config_errors = configs.report_errors();
    let rendered = match args.format {
        Format::Human => report::human(&reports, std::io::stdout().is_terminal()),
        Format::Json => report::json(&reports).to_string(),
        Format::Sarif => {
            serde_json::to_string_pretty(&report::sarif(&reports)).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
        }
    };
    let unreadable = reports.iter().any(|r| matches!(r.outcome, Outcome::Unreadable { .. }));
    let has_error = reports.iter().any(|r| match &r.outcome {
        Outcome::Checked { policies, .. } => policies
            .iter()
            .flat_map(|p| &p.findings)
            .any(|f| f.severity == Severity::Error),
        _ => false,
    });
    let status = if config_errors || unreadable {
        2
    } else if has_error {
        1
    } else {
        0
    };
    let status = output::print(&rendered, status);
    // The human report shows unreadable files itself; machine formats are not read by people.
    if !matches!(args.format, Format::Human) {
        for r in &reports {
            if let Outcome::Unreadable { why, .. } = &r.outcome {
                eprintln!("iam-policy-ls: {}: {why}", r.path);
            }
        }
    }
    status
}

/// The `.iam-policy-ls.toml` that applies to each input (found upward from the file, or from
/// the working directory for stdin), each file loaded once.
#[derive(Default)]
pub(super) struct Configs {
    loaded: Mutex<HashMap<PathBuf, Arc<Config>>>,
    errors: Mutex<Vec<String>>,
}

impl Configs {
    pub(super) fn for_input(&self, display: &str) -> Arc<Config> {
        let path = if display == "-" {
            PathBuf::from("stdin")
        } else {
            PathBuf::from(display)
        };
        let absolute = std::path::absolute(&path).unwrap_or(path);
        let Some(file) = absolute.parent().and_then(config::find) else {
            return Arc::new(Config::default());
        };
        let mut loaded = self.loaded.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(found) = loaded.get(&file) {
            return found.clone();
        }
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let (found, errors) = Config::parse(&text, Some(&file));
        let rope = ropey::Rope::from_str(&text);
        let mut all = self.errors.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        all.extend(errors.iter().map(|e| match e.span {
            Some(span) => {
                let p = position(&rope, span.start, Encoding::Utf32);
                format!(
                    "{}:{}:{}: {}",
                    file.display(),
                    p.line.saturating_add(1),
                    p.character.saturating_add(1),
                    e.message
                )
            }
            None => format!("{}: {}", file.display(), e.message),
        }));
        let found = Arc::new(found);
        loaded.insert(file, found.clone());
        found
    }

    /// Prints the configuration problems; true when there were any.
    pub(super) fn report_errors(&self) -> bool {
        let errors = self.errors.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        for e in errors.iter() {
            eprintln!("iam-policy-ls: invalid configuration: {e}");
        }
        !errors.is_empty()
    }
}

fn check_one(input: Input, policy_type: Option<PolicyType>, config: &Config) -> FileReport {
    let _catalog = catalog::project_scope(config.catalog);
    let _risk = risk::scope(Arc::new(config.risk_settings()));
    let outcome = match input.source {
        Source::Unreadable(why) => Outcome::Unreadable {
            why,
            policy_type: policy_type
                .map(|t| (t, TypeSource::Given))
                .or_else(|| analysis::policy_type_from_file_name(&input.display).map(|t| (t, TypeSource::FileName))),
        },
        Source::Text(text) => {
            let absolute = (input.display != "-").then(|| {
                let p = PathBuf::from(&input.display);
                std::path::absolute(&p).unwrap_or(p)
            });
            let path = (input.display != "-").then_some(input.display.as_str());
            // --policy-type wins over the configuration.
            let policy_type = policy_type.or_else(|| config.policy_type_for(absolute.as_deref()));
            let options = Options { policy_type, path };
            match host::read(path, &text) {
                Contents::Host(_, found) => {
                    let policies = found
                        .policies
                        .iter()
                        .map(|embedded| {
                            let mut result = analysis::analyze_embedded(&text, embedded, options);
                            config.apply(&mut result.findings);
                            PolicyReport {
                                findings: result.findings,
                                policy_type: result.policy_type,
                                type_source: result.type_source,
                                place: Some(Place {
                                    pointer: embedded.pointer.clone(),
                                    span: embedded.span,
                                }),
                            }
                        })
                        .collect();
                    Outcome::Checked {
                        text,
                        policies,
                        catalog: catalog::catalog().source(),
                    }
                }
                Contents::Json(doc) => {
                    if is_policy_json(input.explicit, &input.display, &doc, config, absolute.as_deref()) {
                        let mut result = analysis::analyze(&text, &doc, options);
                        config.apply(&mut result.findings);
                        let policy = PolicyReport {
                            findings: result.findings,
                            policy_type: result.policy_type,
                            type_source: result.type_source,
                            place: None,
                        };
                        Outcome::Checked {
                            text,
                            policies: vec![policy],
                            catalog: catalog::catalog().source(),
                        }
                    } else {
                        Outcome::Skipped
                    }
                }
                Contents::Other if input.explicit => Outcome::Checked {
                    text,
                    policies: Vec::new(),
                    catalog: catalog::catalog().source(),
                },
                Contents::Other => Outcome::Skipped,
            }
        }
    };
    FileReport {
        path: input.display,
        outcome,
    }
}

/// Whether a JSON file that is no template is checked as a policy: named on the command line,
/// named like a policy, given a type by the configuration, or holding a policy's elements.
/// A file found by scanning whose name follows a convention but whose content is plainly
/// something else (`ecr-lifecycle-policy.json` holds `{"rules": [...]}`) is not a policy.
pub(super) fn is_policy_json(
    explicit: bool,
    display: &str,
    doc: &JsonDocument,
    config: &Config,
    absolute: Option<&Path>,
) -> bool {
    explicit
        || analysis::looks_like_policy(doc)
        || absolute.is_some_and(|p| config.glob_type(p).is_some())
        || (analysis::is_policy_file_name(display) && !is_other_json(doc))
}

/// A JSON object none of whose keys is a policy element: another kind of document.
fn is_other_json(doc: &JsonDocument) -> bool {
    doc.root.as_ref().and_then(|r| r.value.as_object()).is_some_and(|o| {
        !o.members.is_empty()
            && o.members
                .iter()
                .all(|m| !matches!(m.key.value.as_str(), "Version" | "Statement" | "Id"))
    })
}
