//! Policy tests in the editor: diagnostics and code lenses in `*.iamtest.json` documents, and
//! failing expectations shown on the policies that decide them, re-evaluated as policies change.
//!
//! Which tests use a policy: the open test documents, and the `*.iamtest.json` files in the
//! policy's directory and its parents up to the workspace root (three levels without one).
//! Directory listings, test files and the policies tests use, read from disk, are cached until
//! files change on disk (`workspace/didChangeWatchedFiles`) or the `run` lens is used (a policy
//! also when a document at its path is saved or closed), so a keystroke in a policy no test uses
//! costs a few hash lookups, and one in a policy tests use reads nothing from disk.

use super::document::Document;
use crate::position::Encoding;
use iam_policy::Severity;
use iam_policy::eval::CompiledPolicy;
use iam_policy::json::JsonDocument;
use iam_policy::policy_test::{self, Blame, CaseResult, Problem, TestFile, codes};
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use tower_lsp_server::ls_types::{
    CodeLens, Command, CompletionItemKind, Diagnostic, DiagnosticSeverity, NumberOrString, Uri,
};

/// The command of the code lenses: re-reads files from disk and runs the document's tests.
pub const RUN_COMMAND: &str = "iam-policy-ls.runPolicyTests";

/// Parents searched above a policy's directory when there is no workspace root.
const MAX_PARENTS_WITHOUT_ROOT: usize = 3;

/// A path without `.` and `..` components (lexically; no file system access).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// A test file read: its parse and the policies it names (absolute paths).
#[derive(Debug)]
pub struct Parsed {
    pub file: TestFile,
    pub uses: Vec<PathBuf>,
}

impl Parsed {
    pub fn new(test_path: &Path, file: TestFile) -> Parsed {
        let dir = test_path.parent().unwrap_or(Path::new(""));
        // A policy inside a template is `template.yaml#POINTER`: the test uses the file.
        let uses = file
            .policy_paths()
            .map(|p| normalize(&dir.join(iam_policy::host::split_reference(p).0)))
            .collect();
        Parsed { file, uses }
    }
}

/// The last run of one test file.
#[derive(Debug, Default)]
pub struct TestRun {
    pub problems: Vec<Problem>,
    pub results: Vec<CaseResult>,
    /// Failing cases' blames, by the policy's path.
    pub blames: Vec<(PathBuf, Blame)>,
}

#[derive(Default)]
pub struct PolicyTests {
    /// Workspace roots (from `initialize`).
    pub roots: Vec<PathBuf>,
    /// Open test documents: what they use.
    open: HashMap<PathBuf, Arc<Parsed>>,
    /// Directory -> its test files on disk.
    dir_tests: HashMap<PathBuf, Vec<PathBuf>>,
    /// Test files read from disk.
    disk: HashMap<PathBuf, Option<Arc<Parsed>>>,
    /// Policies read from disk for tests, by normalized path.
    disk_policies: DiskPolicies,
    /// The last run of each test file, by path.
    pub runs: HashMap<PathBuf, TestRun>,
}

impl PolicyTests {
    /// Forgets what was read from disk.
    pub fn invalidate_disk(&mut self) {
        self.dir_tests.clear();
        self.disk.clear();
        self.disk_policies.clear();
    }

    /// Forgets the policy read from disk at `path`: a document there was saved or closed, so
    /// the file may now hold the editor's text (the server watches only configuration files).
    pub fn forget_policy(&mut self, path: &Path) {
        self.disk_policies.retain(|(p, _), _| p != path);
    }

    /// Runs the test file at `test` (open, else on disk) with the open policies from
    /// `open_policy`, and stores the run; returns what [`PolicyTests::store`] returns.
    pub fn run(&mut self, test: &Path, open_policy: &OpenPolicy<'_>) -> HashSet<PathBuf> {
        let Some(parsed) = self.parsed(test) else {
            return HashSet::new();
        };
        let run = run(test, &parsed, open_policy, &mut self.disk_policies);
        self.store(test, run)
    }

    pub fn set_open(&mut self, path: &Path, parsed: Arc<Parsed>) {
        self.open.insert(path.to_path_buf(), parsed);
    }

    pub fn close(&mut self, path: &Path) {
        self.open.remove(path);
        self.runs.remove(path);
        // It may have been read from disk before it was opened, and saved since.
        self.disk.remove(path);
    }

    pub fn open_test(&self, path: &Path) -> Option<Arc<Parsed>> {
        self.open.get(path).cloned()
    }

    /// The test file at `path`: the open document's parse, else the file on disk (cached).
    pub fn parsed(&mut self, path: &Path) -> Option<Arc<Parsed>> {
        if let Some(p) = self.open.get(path) {
            return Some(p.clone());
        }
        self.disk
            .entry(path.to_path_buf())
            .or_insert_with(|| {
                let text = std::fs::read_to_string(path).ok()?;
                Some(Arc::new(Parsed::new(path, policy_test::parse(&text))))
            })
            .clone()
    }

    /// The directories searched for tests of a policy in `dir`.
    fn search_dirs(&self, dir: &Path) -> Vec<PathBuf> {
        let root = self
            .roots
            .iter()
            .filter(|r| dir.starts_with(r))
            .max_by_key(|r| r.as_os_str().len());
        let mut out = Vec::new();
        for (i, d) in dir.ancestors().enumerate() {
            match root {
                Some(r) if !d.starts_with(r) => break,
                None if i > MAX_PARENTS_WITHOUT_ROOT => break,
                _ => out.push(d.to_path_buf()),
            }
        }
        out
    }

    /// The test files (open or on disk) that use the policy at `policy`.
    pub fn tests_using(&mut self, policy: &Path) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = self
            .open
            .iter()
            .filter(|(_, p)| p.uses.iter().any(|u| u == policy))
            .map(|(t, _)| t.clone())
            .collect();
        let Some(dir) = policy.parent() else { return out };
        for d in self.search_dirs(dir) {
            let files = self
                .dir_tests
                .entry(d.clone())
                .or_insert_with(|| list_tests(&d))
                .clone();
            for f in files {
                if self.open.contains_key(&f) || out.contains(&f) {
                    continue;
                }
                if self.parsed(&f).is_some_and(|p| p.uses.iter().any(|u| u == policy)) {
                    out.push(f);
                }
            }
        }
        out.sort();
        out
    }

    /// The policy paths whose blames differ between the stored run of `test` and `new`.
    pub fn store(&mut self, test: &Path, new: TestRun) -> HashSet<PathBuf> {
        let mut changed = HashSet::new();
        let old = self.runs.remove(test).unwrap_or_default();
        for (p, b) in &old.blames {
            if !new.blames.iter().any(|(q, c)| q == p && c == b) {
                changed.insert(p.clone());
            }
        }
        for (p, b) in &new.blames {
            if !old.blames.iter().any(|(q, c)| q == p && c == b) {
                changed.insert(p.clone());
            }
        }
        self.runs.insert(test.to_path_buf(), new);
        changed
    }

    /// Diagnostics on a policy document from the failing cases that blame it.
    pub fn policy_diagnostics(&self, path: &Path, doc: &Document, encoding: Encoding) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let mut tests: Vec<&PathBuf> = self.runs.keys().collect();
        tests.sort();
        for test in tests {
            let Some(run) = self.runs.get(test) else { continue };
            let test_name = test
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            for (p, blame) in &run.blames {
                if p != path {
                    continue;
                }
                let span = blame.span.unwrap_or_else(|| policy_test::statement_anchor(doc.json()));
                out.push(Diagnostic {
                    range: doc.range(span, encoding),
                    severity: Some(DiagnosticSeverity::WARNING),
                    code: Some(NumberOrString::String(codes::FAILED.to_owned())),
                    source: Some(super::diagnostics::SOURCE.to_owned()),
                    message: format!("{} ({test_name})", blame.message),
                    ..Diagnostic::default()
                });
            }
        }
        out
    }
}

fn list_tests(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_str().is_some_and(policy_test::is_test_file))
        .map(|e| e.path())
        .collect();
    out.sort();
    out
}

/// Policies read from disk by normalized path and pointer (for a policy inside a template):
/// compiled, or why not (without the path as a test file wrote it, since test files in
/// different directories name the same file differently).
pub type DiskPolicies = HashMap<(PathBuf, Option<String>), Result<CompiledPolicy, String>>;

/// An open policy document by normalized path (and pointer, for a policy in a template).
pub type OpenPolicy<'a> = dyn Fn(&Path, Option<&str>) -> Option<CompiledPolicy> + 'a;

/// The label explanations and blames give a policy: its path, with `#POINTER` in a template.
pub fn label(path: &Path, pointer: Option<&str>) -> String {
    match pointer {
        Some(pointer) => format!("{}#{pointer}", path.display()),
        None => path.display().to_string(),
    }
}

/// Reads and compiles the policy at `path` (normalized), labelled by its path.
fn read_policy(path: &Path, pointer: Option<&str>) -> Result<CompiledPolicy, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let doc = iam_policy::host::load_reference(&path.display().to_string(), &text, pointer).map_err(|e| e.message)?;
    Ok(CompiledPolicy::compile(label(path, pointer), &doc))
}

/// Runs a test file. `policy` gives an open policy document by path, else the file is taken
/// from `disk`, read into it the first time.
pub fn run(test_path: &Path, parsed: &Parsed, policy: &OpenPolicy<'_>, disk: &mut DiskPolicies) -> TestRun {
    let dir = test_path.parent().unwrap_or(Path::new(""));
    let resolved = policy_test::resolve(&parsed.file, &mut |reference: &str| {
        let (p, pointer) = iam_policy::host::split_reference(reference);
        let full = normalize(&dir.join(p));
        if let Some(compiled) = policy(&full, pointer) {
            return Ok(compiled);
        }
        // A clone costs far less than reading, parsing and compiling again.
        disk.entry((full, pointer.map(str::to_owned)))
            .or_insert_with_key(|(full, pointer)| read_policy(full, pointer.as_deref()))
            .clone()
            .map_err(|e| format!("{reference}: {e}"))
    });
    let results = policy_test::run(&parsed.file, &resolved);
    let blames = results
        .iter()
        .flat_map(|r| r.blame.iter())
        .map(|b| (PathBuf::from(iam_policy::host::split_reference(&b.policy).0), b.clone()))
        .collect();
    TestRun {
        problems: resolved.problems,
        results,
        blames,
    }
}

/// Compiles an open policy document (or a policy in an open template), labelled by its path.
pub fn compile_open(path: &Path, pointer: Option<&str>, json: &JsonDocument) -> CompiledPolicy {
    CompiledPolicy::compile(label(path, pointer), json)
}

fn severity(s: Severity) -> DiagnosticSeverity {
    super::diagnostics::severity(s)
}

/// The test document's diagnostics: problems of the file, policies not loaded, failing cases.
pub fn test_diagnostics(parsed: &Parsed, run: Option<&TestRun>, doc: &Document, encoding: Encoding) -> Vec<Diagnostic> {
    let problem = |p: &Problem| Diagnostic {
        range: doc.range(p.span, encoding),
        severity: Some(severity(p.severity)),
        code: Some(NumberOrString::String(p.code.to_owned())),
        source: Some(super::diagnostics::SOURCE.to_owned()),
        message: p.message.clone(),
        ..Diagnostic::default()
    };
    let mut out: Vec<Diagnostic> = parsed.file.problems.iter().map(problem).collect();
    let Some(run) = run else { return out };
    out.extend(run.problems.iter().map(problem));
    for r in &run.results {
        if r.passed || r.evaluation.is_none() {
            continue;
        }
        let Some(case) = parsed.file.cases.get(r.case) else {
            continue;
        };
        let span = case.expect.as_ref().map_or(case.span, |e| e.span);
        let mut message = format!("\"{}\": {}", r.name, r.message.as_deref().unwrap_or("failed"));
        for s in &r.deciding {
            let name = s.sid.as_ref().map_or_else(
                || format!("statement {}", s.statement_index),
                |sid| format!("\"{sid}\""),
            );
            let file = Path::new(&s.policy)
                .file_name()
                .map_or_else(|| s.policy.clone(), |n| n.to_string_lossy().into_owned());
            message.push_str(&format!("\ndecided by {name} ({} in {file})", s.effect));
        }
        out.push(Diagnostic {
            range: doc.range(span, encoding),
            severity: Some(DiagnosticSeverity::ERROR),
            code: Some(NumberOrString::String(codes::FAILED.to_owned())),
            source: Some(super::diagnostics::SOURCE.to_owned()),
            message,
            ..Diagnostic::default()
        });
    }
    out
}

/// One lens per case: `✓ passes`, `✗ fails: DECISION`, or `▶ run` when it has not run.
pub fn code_lenses(
    uri: &Uri,
    parsed: &Parsed,
    run: Option<&TestRun>,
    doc: &Document,
    encoding: Encoding,
) -> Vec<CodeLens> {
    parsed
        .file
        .cases
        .iter()
        .map(|case| {
            let result = run.and_then(|r| r.results.iter().find(|c| c.case == case.index));
            let title = match result {
                Some(r) if r.passed => "✓ passes".to_owned(),
                Some(r) => match r.actual() {
                    Some(actual) if Some(actual) != r.expected => format!("✗ fails: {}", actual.as_str()),
                    Some(_) => "✗ fails: another statement decides".to_owned(),
                    None => "▶ run".to_owned(),
                },
                None => "▶ run".to_owned(),
            };
            let start = doc.range(iam_policy::Span::empty(case.span.start), encoding);
            CodeLens {
                range: start,
                command: Some(Command {
                    title,
                    command: RUN_COMMAND.to_owned(),
                    arguments: Some(vec![serde_json::Value::String(uri.as_str().to_owned())]),
                }),
                data: None,
            }
        })
        .collect()
}

/// What a test file's object is, for completion.
#[derive(Clone, Copy)]
enum Place {
    Top,
    Policies,
    Level,
    Case,
    Other,
}

fn fields(place: Place) -> &'static [&'static str] {
    use iam_policy::policy_test::parse as p;
    match place {
        Place::Top => p::TOP_FIELDS,
        Place::Policies => p::POLICY_FIELDS,
        Place::Level => p::LEVEL_FIELDS,
        Place::Case => p::CASE_FIELDS,
        Place::Other => &[],
    }
}

/// Completion in a test file, kept modest: field names in string keys, decisions in
/// `expect`, and a service's actions in `action` once `service:` is typed.
pub fn complete(json: &JsonDocument, offset: usize) -> Vec<(String, iam_policy::Span, CompletionItemKind)> {
    use iam_policy::json::Value;
    let mut node = json.root.as_ref();
    let mut place = Place::Top;
    while let Some(n) = node {
        let next = match &n.value {
            Value::Object(obj) => {
                let mut next = None;
                for m in &obj.members {
                    if m.key.span.touches(offset) {
                        let typed = m.key.value.to_ascii_lowercase();
                        return fields(place)
                            .iter()
                            .filter(|f| f.to_ascii_lowercase().starts_with(&typed))
                            .map(|f| (format!("\"{f}\""), m.key.span, CompletionItemKind::PROPERTY))
                            .collect();
                    }
                    let Some(v) = m.value.as_ref().filter(|v| v.span.touches(offset)) else {
                        continue;
                    };
                    let key = m.key.value.as_str();
                    if let (Place::Case, Value::String(s)) = (place, &v.value) {
                        if key == "expect" {
                            return iam_policy::policy_test::parse::DECISIONS
                                .iter()
                                .map(|d| (format!("\"{d}\""), v.span, CompletionItemKind::VALUE))
                                .collect();
                        }
                        if key == "action" {
                            return actions(&s.value, v.span);
                        }
                    }
                    let child = match (place, key) {
                        (Place::Top, "policies") => Place::Policies,
                        (Place::Top, "cases") => Place::Case,
                        (Place::Policies, "scps" | "rcps") => Place::Level,
                        _ => Place::Other,
                    };
                    next = Some((v, child));
                    break;
                }
                next
            }
            // The items of `cases` and of `scps`/`rcps` are cases and levels.
            Value::Array(a) => a.items.iter().find(|i| i.span.touches(offset)).map(|i| (i, place)),
            _ => None,
        };
        let Some((n, p)) = next else { break };
        node = Some(n);
        place = p;
    }
    Vec::new()
}

fn actions(typed: &str, span: iam_policy::Span) -> Vec<(String, iam_policy::Span, CompletionItemKind)> {
    let catalog = iam_policy::catalog::catalog();
    let Some((prefix, name)) = typed.split_once(':') else {
        return Vec::new();
    };
    let Some(service) = catalog.service(prefix) else {
        return Vec::new();
    };
    let name = name.to_ascii_lowercase();
    service
        .actions()
        .filter(|a| a.name().to_ascii_lowercase().starts_with(&name))
        .take(iam_policy::completion::MAX_ITEMS)
        .map(|a| (format!("\"{}\"", a.full_name()), span, CompletionItemKind::FUNCTION))
        .collect()
}
