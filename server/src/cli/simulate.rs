//! `iam-policy-ls simulate`: decides a request offline as AWS would and explains the decision.
//!
//! `--request FILE [--format human|json]` decides one request file; `--batch FILE.jsonl` decides
//! one request per line and prints one JSON result per line, in order. Exit status 0 whatever
//! the decision; 2 on a malformed request (the message names the bad field, or the file and
//! line of a JSON syntax error). The formats are documented in docs/simulate.md.
//!
//! A batch reads each policy file once and compiles each distinct policy text once (files and
//! inline policies alike, through one `PolicyCache`), and decides chunks of lines on all cores,
//! printing each chunk in input order.

use clap::{Args, ValueEnum};
use iam_policy::eval::input::{self, LoadedRequest};
use iam_policy::eval::{Evaluation, LayerDecision, Options, PolicyCache, evaluate};
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

/// Lines decided together before their results are written.
const BATCH_CHUNK: usize = 4096;

#[derive(Args)]
#[command(group = clap::ArgGroup::new("input").required(true))]
pub struct SimulateArgs {
    /// A request file: {"request": {...}, "policies": {...}}.
    #[arg(long, group = "input", value_name = "FILE")]
    pub request: Option<PathBuf>,
    /// A JSON Lines file with one request object per line; prints one JSON result per line.
    #[arg(long, group = "input", value_name = "FILE.jsonl")]
    pub batch: Option<PathBuf>,
    /// Output format for --request (--batch always prints JSON lines).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

/// Source texts by policy label, so the human trace can show `file:line`.
struct Sources {
    request_path: String,
    request_text: String,
    files: Vec<(String, String)>,
}

impl Sources {
    fn text_of(&self, label: &str) -> (&str, &str) {
        match self.files.iter().find(|(l, _)| l == label) {
            Some((l, t)) => (l.as_str(), t.as_str()),
            None => (self.request_path.as_str(), self.request_text.as_str()),
        }
    }
}

pub fn run(args: &SimulateArgs) -> u8 {
    match (&args.request, &args.batch) {
        (Some(file), _) => run_one(file, args.format),
        (None, Some(file)) => run_batch(file),
        (None, None) => {
            eprintln!("iam-policy-ls simulate: give --request FILE or --batch FILE.jsonl");
            2
        }
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))
}

/// Prefixes the request's label unless the message already names a file.
fn located(label: &str, e: String) -> String {
    if e.starts_with(label) {
        e
    } else {
        format!("{label}: {e}")
    }
}

/// Loads a request document; policy path strings resolve relative to `base`.
fn load(text: &str, label: &str, base: &Path, files: &mut Vec<(String, String)>) -> Result<LoadedRequest, String> {
    let mut loader = |p: &str| -> Result<(String, Arc<str>), String> {
        let text = read(&base.join(p))?;
        files.push((p.to_string(), text.clone()));
        Ok((p.to_string(), Arc::from(text)))
    };
    input::load(text, label, &mut loader).map_err(|e| located(label, e))
}

/// Policy files of one batch, read once each (by the path as resolved).
#[derive(Default)]
struct FileTexts {
    texts: RwLock<HashMap<PathBuf, Result<Arc<str>, String>>>,
}

impl FileTexts {
    fn get(&self, path: PathBuf) -> Result<Arc<str>, String> {
        if let Some(found) = self.texts.read().ok().and_then(|m| m.get(&path).cloned()) {
            return found;
        }
        let read = read(&path).map(Arc::from);
        if let Ok(mut m) = self.texts.write() {
            m.insert(path, read.clone());
        }
        read
    }
}

fn decide(loaded: &LoadedRequest) -> Evaluation {
    evaluate(
        &loaded.policies,
        &loaded.request,
        &Options {
            explain: true,
            catalog: Some(&iam_policy::eval::EmbeddedCatalog),
        },
    )
}

fn base_dir(file: &Path) -> PathBuf {
    file.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn run_one(file: &Path, format: Format) -> u8 {
    let label = file.display().to_string();
    let text = match read(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("iam-policy-ls simulate: {e}");
            return 2;
        }
    };
    let mut files = Vec::new();
    let loaded = match load(&text, &label, &base_dir(file), &mut files) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("iam-policy-ls simulate: {e}");
            return 2;
        }
    };
    let evaluation = decide(&loaded);
    let rendered = match format {
        Format::Json => serde_json::to_string_pretty(&evaluation).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}")),
        Format::Human => human(
            &evaluation,
            &Sources {
                request_path: label,
                request_text: text,
                files,
            },
        ),
    };
    super::output::print(&rendered, 0)
}

fn run_batch(file: &Path) -> u8 {
    let text = match read(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("iam-policy-ls simulate: {e}");
            return 2;
        }
    };
    let base = base_dir(file);
    let name = file.display().to_string();
    let cache = PolicyCache::new();
    let files = FileTexts::default();
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .collect();
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let mut status = 0;
    for chunk in lines.chunks(BATCH_CHUNK) {
        let results: Vec<Result<Vec<u8>, String>> = chunk
            .par_iter()
            .map(|&(i, line)| batch_line(line, &format!("{name}:{}", i + 1), &base, &cache, &files))
            .collect();
        for result in results {
            let out = match result {
                Ok(json) => json,
                Err(e) => {
                    // The lines before it first: when nobody reads them, the run ends there.
                    if let Err(e) = stdout.flush() {
                        return super::output::write_failed(&e, status);
                    }
                    eprintln!("iam-policy-ls simulate: {e}");
                    status = 2;
                    serde_json::to_vec(&serde_json::json!({ "error": e })).unwrap_or_default()
                }
            };
            // A closed pipe ends the run quietly.
            if let Err(e) = stdout.write_all(&out).and_then(|()| stdout.write_all(b"\n")) {
                return super::output::write_failed(&e, status);
            }
        }
    }
    if let Err(e) = stdout.flush() {
        return super::output::write_failed(&e, status);
    }
    status
}

/// One batch line decided and rendered as JSON, or the message for its error line.
fn batch_line(line: &str, label: &str, base: &Path, cache: &PolicyCache, files: &FileTexts) -> Result<Vec<u8>, String> {
    let mut loader = |p: &str| -> Result<(String, Arc<str>), String> { Ok((p.to_string(), files.get(base.join(p))?)) };
    let loaded = input::load_cached(line, label, &mut loader, cache).map_err(|e| located(label, e))?;
    serde_json::to_vec(&decide(&loaded)).map_err(|e| format!("{label}: {e}"))
}

fn human(e: &Evaluation, sources: &Sources) -> String {
    let mut out = String::new();
    let Some(x) = &e.explanation else {
        return e.decision.as_str().to_string();
    };
    out.push_str(&format!("{}: {}\n", e.decision.as_str(), x.reason));
    out.push_str(&format!(
        "  request: {} calls {} on {}",
        x.principal, x.action, x.resource
    ));
    if let Some(acct) = &x.resource_account {
        out.push_str(&format!(
            " (resource account {acct}, {})",
            if x.cross_account {
                "cross-account"
            } else {
                "same account"
            }
        ));
    }
    out.push('\n');
    for layer in &x.layers {
        if !layer.applies {
            continue;
        }
        let decision = match layer.decision {
            LayerDecision::Allow => "allows",
            LayerDecision::Deny => "denies",
            LayerDecision::NoMatch => "no matching statement",
            LayerDecision::NotApplicable => "not applicable",
        };
        match &layer.org_identifier {
            Some(id) => out.push_str(&format!("  {} at {id}: {decision}\n", layer.layer.title())),
            None => out.push_str(&format!("  {}: {decision}\n", layer.layer.title())),
        }
        for st in &layer.statements {
            let (file, text) = sources.text_of(&st.policy);
            let (line, col) = input::line_col(text, st.range.start);
            let sid = st.sid.as_deref().map(|s| format!(" \"{s}\"")).unwrap_or_default();
            out.push_str(&format!(
                "    {} {} statement {}{sid} ({file}:{line}:{col}) {}{}\n",
                if st.matched { "✓" } else { "✗" },
                st.policy,
                st.statement_index,
                st.effect,
                if st.matched { "" } else { ", conditions not met" }
            ));
            for c in &st.conditions {
                let request = c
                    .request_values
                    .as_ref()
                    .map_or_else(|| "(missing)".to_string(), |v| format!("{v:?}"));
                out.push_str(&format!(
                    "        {} {} {}: request {request}, policy {:?}\n",
                    if c.result { "✓" } else { "✗" },
                    c.operator,
                    c.key,
                    c.policy_values
                ));
                if let Some(note) = &c.note {
                    out.push_str(&format!("          note: {note}\n"));
                }
            }
            for note in &st.notes {
                let at = note.range.map_or_else(String::new, |r| {
                    let (line, col) = input::line_col(text, r.start);
                    format!(" ({file}:{line}:{col})")
                });
                out.push_str(&format!("        note: {}{at}\n", note.message));
            }
        }
    }
    if !x.missing_context_keys.is_empty() {
        out.push_str(&format!(
            "  missing context keys: {}\n",
            x.missing_context_keys.join(", ")
        ));
    }
    for w in &x.warnings {
        out.push_str(&format!("  warning: {w}\n"));
    }
    out.trim_end().to_string()
}
