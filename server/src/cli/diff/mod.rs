//! `iam-policy-ls diff`: the access a new version of a policy grants that the old one did not
//! (and what it no longer grants), offline. Three ways to name the versions:
//! - `diff OLD NEW`: two files, each a JSON policy or `template#POINTER`;
//! - `diff --reference FILE PATH…`: every policy found in the paths against one reference
//!   policy ("grants nothing beyond FILE");
//! - `diff --git REF [PATH…]`: every policy found in the paths (as `check` finds them) against
//!   its version at the git revision `REF`, read with git without touching the working tree.
//!
//! Exit 0 when nothing new is granted, 1 when something is or may be, 2 on bad input.

mod git;
mod render;

use super::check::{Configs, is_policy_json};
use super::inputs::{self, Source};
use super::output;
use clap::{Args, ValueEnum};
use iam_policy::PolicyType;
use iam_policy::access::Access;
use iam_policy::analysis::{self, Options};
use iam_policy::diff::{PolicyDiff, diff};
use iam_policy::host::{self, Contents};
use iam_policy::model::Policy;
use std::path::PathBuf;

#[derive(Args)]
pub struct DiffArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Compare every policy as this type instead of inferring it.
    #[arg(long, value_parser = parse_policy_type)]
    pub policy_type: Option<PolicyType>,
    /// Compare each policy found in PATH… (default: the current directory) with its version at
    /// this git revision (`HEAD`, `origin/main`, a commit).
    #[arg(long, value_name = "REF", conflicts_with = "reference")]
    pub git: Option<String>,
    /// Compare each policy found in PATH… with this reference policy (`FILE` or
    /// `template#POINTER`): does any grant more than it?
    #[arg(long, value_name = "FILE")]
    pub reference: Option<String>,
    /// `OLD NEW` (each a JSON policy or `template#POINTER`); with --git or --reference, the
    /// files and directories to compare.
    pub paths: Vec<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
}

fn parse_policy_type(s: &str) -> Result<PolicyType, String> {
    s.parse()
}

/// One side of a comparison: the file (or revision) and the policy's place in it.
pub struct Side {
    /// As shown: the path, with `@REF` for a git revision.
    pub path: String,
    /// Empty for a whole-file JSON policy.
    pub pointer: String,
    pub text: String,
    /// The type the policy was read as (given, from the file name or template, or inferred).
    pub policy_type: PolicyType,
}

/// One policy compared: NEW against OLD. A missing side is an empty policy (a new or a
/// deleted one).
pub struct Comparison {
    pub old: Option<Side>,
    pub new: Option<Side>,
    pub diff: PolicyDiff,
}

impl Comparison {
    /// How the policy is named in the report: the NEW side when there is one.
    pub fn label(&self) -> String {
        match self.new.as_ref().or(self.old.as_ref()) {
            Some(side) if side.pointer.is_empty() => side.path.clone(),
            Some(side) => format!("{}#{}", side.path, side.pointer),
            None => String::new(),
        }
    }

    pub fn status(&self) -> &'static str {
        match (&self.old, &self.new) {
            (None, _) => "added",
            (_, None) => "removed",
            _ => "changed",
        }
    }
}

/// A policy found in a file: where it is, its tree and its type.
pub struct Found {
    pub pointer: String,
    pub access: Access,
}

pub fn run(args: &DiffArgs) -> u8 {
    let configs = Configs::default();
    let outcome = if let Some(reference) = &args.git {
        git::compare(reference, &args.paths, args.policy_type, &configs)
    } else if let Some(reference) = &args.reference {
        against_reference(reference, &args.paths, args.policy_type, &configs)
    } else {
        two_files(&args.paths, args.policy_type, &configs)
    };
    let config_errors = configs.report_errors();
    let (comparisons, problems) = match outcome {
        Ok(found) => found,
        Err(message) => {
            eprintln!("iam-policy-ls: {message}");
            return 2;
        }
    };
    for p in &problems {
        eprintln!("iam-policy-ls: {p}");
    }
    let rendered = match args.format {
        Format::Human => render::human(&comparisons, args.reference.is_none()),
        Format::Json => render::json(&comparisons).to_string(),
        Format::Sarif => serde_json::to_string_pretty(&render::sarif(&comparisons))
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}")),
    };
    let status = if !problems.is_empty() || config_errors {
        2
    } else if comparisons.iter().any(|c| !c.diff.grants_nothing_new()) {
        1
    } else {
        0
    };
    output::print(&rendered, status)
}

/// One comparison as `diff` prints it for people (the language server's diff lens shows it).
pub(crate) fn human_report(comparison: &Comparison) -> String {
    render::human(std::slice::from_ref(comparison), true)
}

type Outcome = Result<(Vec<Comparison>, Vec<String>), String>;

fn two_files(paths: &[PathBuf], given: Option<PolicyType>, configs: &Configs) -> Outcome {
    let [old, new] = paths else {
        return Err(format!(
            "diff takes two policies, OLD and NEW (got {}); or --git REF [PATH…], or --reference FILE PATH…",
            paths.len()
        ));
    };
    let (old_side, old_policy) = load_named(&old.to_string_lossy(), given, configs)?;
    let (new_side, new_policy) = load_named(&new.to_string_lossy(), given, configs)?;
    let diff = diff(&old_policy.access, &new_policy.access);
    Ok((
        vec![Comparison {
            old: Some(old_side),
            new: Some(new_side),
            diff,
        }],
        Vec::new(),
    ))
}

fn against_reference(reference: &str, paths: &[PathBuf], given: Option<PolicyType>, configs: &Configs) -> Outcome {
    if paths.is_empty() {
        return Err("--reference FILE needs the policies to compare: PATH…".into());
    }
    let (reference_side, reference_policy) = load_named(reference, given, configs)?;
    let mut comparisons = Vec::new();
    let mut problems = Vec::new();
    for input in inputs::collect(paths) {
        let text = match input.source {
            Source::Text(text) => text,
            Source::Unreadable(why) => {
                problems.push(format!("{}: {why}", input.display));
                continue;
            }
        };
        for found in policies_in(&input.display, &text, input.explicit, given, configs) {
            comparisons.push(Comparison {
                diff: diff(&reference_policy.access, &found.access),
                old: Some(Side {
                    path: reference_side.path.clone(),
                    pointer: reference_side.pointer.clone(),
                    text: reference_side.text.clone(),
                    policy_type: reference_side.policy_type,
                }),
                new: Some(Side {
                    path: input.display.clone(),
                    policy_type: found.access.policy_type,
                    pointer: found.pointer,
                    text: text.clone(),
                }),
            });
        }
    }
    Ok((comparisons, problems))
}

/// Reads `file` or `template#POINTER` (parsed once); the error says what is wrong and where.
fn load_named(reference: &str, given: Option<PolicyType>, configs: &Configs) -> Result<(Side, Found), String> {
    let (path, pointer) = host::split_reference(reference);
    let given = given.or_else(|| configured_type(path, configs));
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: cannot read: {e}"))?;
    let failed = |e: host::LoadError| match e.offset {
        Some(offset) => {
            let (line, col) = iam_policy::eval::input::line_col(&text, offset);
            format!("{path}:{line}:{col}: {}", e.message)
        }
        None => format!("{reference}: {}", e.message),
    };
    let access = match pointer {
        None => {
            let doc = host::load_reference(path, &text, None).map_err(failed)?;
            let policy = Policy::from_json(&doc);
            let options = Options {
                policy_type: given,
                path: Some(path),
            };
            Access::new(&policy, analysis::resolve_type(&policy, options).0)
        }
        Some(pointer) => {
            let found = match host::read(Some(path), &text) {
                Contents::Host(_, document) => document
                    .policies
                    .into_iter()
                    .find(|p| p.pointer == pointer && p.json.syntax_errors.is_empty()),
                _ => None,
            };
            let Some(embedded) = found else {
                // Read again only to say what is wrong.
                return Err(match host::load_reference(path, &text, Some(pointer)) {
                    Err(e) => failed(e),
                    Ok(_) => format!("{reference}: holds no policy"),
                });
            };
            let policy = Policy::from_json(&embedded.json);
            let options = Options {
                policy_type: given,
                path: Some(path),
            };
            Access::new(&policy, analysis::resolve_embedded_type(&policy, &embedded, options).0)
        }
    };
    let pointer = pointer.unwrap_or("").to_owned();
    Ok((
        Side {
            path: path.to_owned(),
            pointer: pointer.clone(),
            text,
            policy_type: access.policy_type,
        },
        Found { pointer, access },
    ))
}

/// The type `.iam-policy-ls.toml` gives the file (a glob, or its default type), as `check`
/// reads it.
fn configured_type(path: &str, configs: &Configs) -> Option<PolicyType> {
    let config = configs.for_input(path);
    let p = PathBuf::from(path);
    config.policy_type_for(Some(&std::path::absolute(&p).unwrap_or(p)))
}

/// The policies of one file, as `check` finds them (with the nearest `.iam-policy-ls.toml`):
/// a JSON policy (pointer ``), or each policy of a template with its pointer. `explicit`: named
/// by the user, so JSON is a policy whatever it looks like.
fn policies_in(path: &str, text: &str, explicit: bool, given: Option<PolicyType>, configs: &Configs) -> Vec<Found> {
    let config = configs.for_input(path);
    let absolute = {
        let p = PathBuf::from(path);
        std::path::absolute(&p).unwrap_or(p)
    };
    let options = Options {
        policy_type: given.or_else(|| config.policy_type_for(Some(&absolute))),
        path: Some(path),
    };
    match host::read(Some(path), text) {
        Contents::Host(_, document) => document
            .policies
            .iter()
            .map(|embedded| {
                let policy = Policy::from_json(&embedded.json);
                let (policy_type, _) = analysis::resolve_embedded_type(&policy, embedded, options);
                Found {
                    pointer: embedded.pointer.clone(),
                    access: Access::new(&policy, policy_type),
                }
            })
            .collect(),
        Contents::Json(doc) if is_policy_json(explicit, path, &doc, &config, Some(&absolute)) => {
            let policy = Policy::from_json(&doc);
            let (policy_type, _) = analysis::resolve_type(&policy, options);
            vec![Found {
                pointer: String::new(),
                access: Access::new(&policy, policy_type),
            }]
        }
        Contents::Json(_) | Contents::Other => Vec::new(),
    }
}
