//! `iam-policy-ls test [PATH...]`: runs policy test files (`*.iamtest.json`; a directory is
//! searched for them) and prints a pass/fail line per case, with the explanation for failures.
//!
//! Exit status: 0 when every case passes, 1 when a case fails, 2 when a test file is malformed
//! or a file cannot be read (that wins over 1). `--format json|junit` for CI. The format is
//! documented in docs/policy-tests.md.

use clap::{Args, ValueEnum};
use iam_policy::Severity;
use iam_policy::eval::CompiledPolicy;
use iam_policy::eval::input::line_col;
use iam_policy::host;
use iam_policy::policy_test::{self, CaseResult, Problem};
use rayon::prelude::*;
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct TestArgs {
    /// Test files or directories to search for `*.iamtest.json` (default: the current directory).
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Junit,
}

/// One test file, run.
struct FileRun {
    path: String,
    /// The test file's text, for line:column of its problems.
    text: String,
    problems: Vec<Problem>,
    /// A problem that makes the file malformed (exit 2).
    malformed: bool,
    results: Vec<CaseResult>,
    /// Policy texts by label, for line:column of deciding statements.
    sources: Vec<(String, String)>,
}

impl FileRun {
    fn location(&self, label: &str, offset: usize) -> String {
        match self.sources.iter().find(|(l, _)| l == label) {
            Some((l, t)) => {
                let (line, col) = line_col(t, offset);
                format!("{l}:{line}:{col}")
            }
            None => {
                let (line, col) = line_col(&self.text, offset);
                format!("{}:{line}:{col}", self.path)
            }
        }
    }

    fn problem_line(&self, p: &Problem) -> String {
        let (line, col) = line_col(&self.text, p.span.start);
        format!("{}:{line}:{col}: {}: {}", self.path, p.severity.as_str(), p.message)
    }
}

/// The test files under `paths`, sorted; a directory is searched (hidden directories,
/// `target` and `node_modules` skipped).
fn test_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() { &default[..] } else { paths };
    for path in paths {
        if path.is_dir() {
            let walker = walkdir::WalkDir::new(path)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0
                        || !e.file_type().is_dir()
                        || !e
                            .file_name()
                            .to_str()
                            .is_some_and(|n| n.starts_with('.') || n == "target" || n == "node_modules")
                });
            for entry in walker {
                match entry {
                    Ok(e)
                        if e.file_type().is_file() && e.file_name().to_str().is_some_and(policy_test::is_test_file) =>
                    {
                        files.push(e.into_path());
                    }
                    Ok(_) => {}
                    Err(e) => errors.push(format!("{}: {e}", path.display())),
                }
            }
        } else if path.exists() {
            files.push(path.clone());
        } else {
            errors.push(format!("{}: no such file or directory", path.display()));
        }
    }
    (files, errors)
}

/// Runs one test file, deciding its cases on all cores.
fn run_file(path: &Path) -> Result<FileRun, String> {
    let label = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{label}: cannot read: {e}"))?;
    let file = policy_test::parse(&text);
    let base = path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let mut sources = Vec::new();
    let resolved = policy_test::resolve(&file, &mut |reference: &str| {
        // `policy.json`, or `template.yaml#POINTER` for a policy inside a template.
        let (p, pointer) = host::split_reference(reference);
        let full = base.join(p);
        let file_label = full.display().to_string();
        let label = match pointer {
            Some(pointer) => format!("{file_label}#{pointer}"),
            None => file_label.clone(),
        };
        let policy_text = std::fs::read_to_string(&full).map_err(|e| format!("{file_label}: cannot read: {e}"))?;
        let doc = host::load_reference(&file_label, &policy_text, pointer).map_err(|e| match e.offset {
            Some(offset) => {
                let (line, col) = line_col(&policy_text, offset);
                format!("{file_label}:{line}:{col}: {}", e.message)
            }
            None => format!("{label}: {}", e.message),
        })?;
        let compiled = CompiledPolicy::compile(label.clone(), &doc);
        sources.push((label, policy_text));
        Ok(compiled)
    });
    let results = file
        .cases
        .par_iter()
        .map(|case| policy_test::run_case(&file, case, &resolved))
        .collect();
    let mut problems = file.problems;
    problems.extend(resolved.problems);
    let malformed = problems.iter().any(|p| p.severity == Severity::Error);
    Ok(FileRun {
        path: label,
        text,
        problems,
        malformed,
        results,
        sources,
    })
}

pub fn run(args: &TestArgs) -> u8 {
    let (files, errors) = test_files(&args.paths);
    let mut status = 0u8;
    for e in &errors {
        eprintln!("iam-policy-ls test: {e}");
        status = 2;
    }
    let mut runs = Vec::new();
    for file in &files {
        match run_file(file) {
            Ok(r) => runs.push(r),
            Err(e) => {
                eprintln!("iam-policy-ls test: {e}");
                status = 2;
            }
        }
    }
    if files.is_empty() && errors.is_empty() {
        eprintln!("iam-policy-ls test: no *.iamtest.json files found");
    }
    if runs.iter().any(|r| r.malformed) {
        status = 2;
    } else if status == 0 && runs.iter().flat_map(|r| &r.results).any(|c| !c.passed) {
        status = 1;
    }
    let rendered = match args.format {
        Format::Human => human(&runs),
        Format::Json => serde_json::to_string_pretty(&json_report(&runs)).unwrap_or_default(),
        Format::Junit => junit(&runs),
    };
    super::output::print(&rendered, status)
}

fn deciding_text(run: &FileRun, case: &CaseResult) -> Vec<String> {
    case.deciding
        .iter()
        .map(|s| {
            let name = s.sid.as_ref().map_or_else(
                || format!("statement {}", s.statement_index),
                |sid| format!("\"{sid}\""),
            );
            format!("{name} ({} {})", s.effect, run.location(&s.policy, s.range.start))
        })
        .collect()
}

fn human(runs: &[FileRun]) -> String {
    let mut out = String::new();
    let (mut passed, mut failed) = (0usize, 0usize);
    for run in runs {
        let _ = writeln!(out, "{}", run.path);
        for p in &run.problems {
            let _ = writeln!(out, "  {}", run.problem_line(p));
        }
        for case in &run.results {
            let decision = case.actual().or(case.expected).map_or("?", |d| d.as_str());
            if case.passed {
                passed += 1;
                let _ = writeln!(out, "  ✓ {} ({decision})", case.name);
            } else {
                failed += 1;
                let message = case.message.as_deref().unwrap_or("failed");
                let _ = writeln!(out, "  ✗ {}: {message}", case.name);
                let deciding = deciding_text(run, case);
                if !deciding.is_empty() {
                    let _ = writeln!(out, "      decided by {}", deciding.join(", "));
                }
                if let Some(explanation) = case.evaluation.as_ref().and_then(|e| e.explanation.as_ref()) {
                    for w in &explanation.missing_context_keys {
                        let _ = writeln!(out, "      missing context key {w}");
                    }
                }
            }
        }
    }
    let _ = write!(out, "{passed} passed, {failed} failed");
    out
}

fn json_report(runs: &[FileRun]) -> Value {
    let files: Vec<Value> = runs
        .iter()
        .map(|run| {
            let problems: Vec<Value> = run
                .problems
                .iter()
                .map(|p| {
                    let (line, column) = line_col(&run.text, p.span.start);
                    json!({"code": p.code, "severity": p.severity.as_str(), "message": p.message,
                           "line": line, "column": column, "range": {"start": p.span.start, "end": p.span.end}})
                })
                .collect();
            let cases: Vec<Value> = run
                .results
                .iter()
                .map(|c| {
                    let deciding: Vec<Value> = c
                        .deciding
                        .iter()
                        .map(|s| {
                            json!({"policy": s.policy, "statementIndex": s.statement_index, "sid": s.sid,
                                   "effect": s.effect, "location": run.location(&s.policy, s.range.start)})
                        })
                        .collect();
                    json!({
                        "name": c.name,
                        "passed": c.passed,
                        "expected": c.expected.map(|d| d.as_str()),
                        "actual": c.actual().map(|d| d.as_str()),
                        "message": c.message,
                        "decidedBy": deciding,
                        "explanation": c.evaluation.as_ref().and_then(|e| e.explanation.as_ref()),
                    })
                })
                .collect();
            json!({"path": run.path, "problems": problems, "cases": cases})
        })
        .collect();
    let passed = runs.iter().flat_map(|r| &r.results).filter(|c| c.passed).count();
    let failed = runs.iter().flat_map(|r| &r.results).filter(|c| !c.passed).count();
    json!({"files": files, "passed": passed, "failed": failed})
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' && c != '\r' => {}
            c => out.push(c),
        }
    }
    out
}

fn junit(runs: &[FileRun]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let total = runs.iter().map(|r| r.results.len()).sum::<usize>();
    let failures = runs.iter().flat_map(|r| &r.results).filter(|c| !c.passed).count();
    let _ = writeln!(
        out,
        "<testsuites name=\"iam-policy-ls test\" tests=\"{total}\" failures=\"{failures}\">"
    );
    for run in runs {
        let path = xml_escape(&run.path);
        let failed = run.results.iter().filter(|c| !c.passed).count();
        let errors = run.problems.iter().filter(|p| p.severity == Severity::Error).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{path}\" tests=\"{}\" failures=\"{failed}\" errors=\"{errors}\">",
            run.results.len()
        );
        for p in run.problems.iter().filter(|p| p.severity == Severity::Error) {
            let _ = writeln!(
                out,
                "    <testcase name=\"{}\" classname=\"{path}\"><error message=\"{}\"/></testcase>",
                xml_escape(p.code),
                xml_escape(&run.problem_line(p))
            );
        }
        for case in &run.results {
            let name = xml_escape(&case.name);
            if case.passed {
                let _ = writeln!(out, "    <testcase name=\"{name}\" classname=\"{path}\"/>");
            } else {
                let message = case.message.as_deref().unwrap_or("failed");
                let mut body = message.to_owned();
                for d in deciding_text(run, case) {
                    let _ = write!(body, "\ndecided by {d}");
                }
                let _ = writeln!(
                    out,
                    "    <testcase name=\"{name}\" classname=\"{path}\"><failure message=\"{}\">{}</failure></testcase>",
                    xml_escape(message),
                    xml_escape(&body)
                );
            }
        }
        let _ = writeln!(out, "  </testsuite>");
    }
    out.push_str("</testsuites>");
    out
}
