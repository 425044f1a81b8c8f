//! A code lens on each policy of a file in a git repository: what the policy grants beyond its
//! version at HEAD ("vs HEAD: +3 actions, 1 resource widened"), from `iam_policy::diff`. Its
//! command shows the whole comparison, as `iam-policy-ls diff --git HEAD` prints it.
//!
//! HEAD's text is read once per file with `git show` when a lens is first asked for, and again
//! after the document is reopened.

use super::session::{PolicyView, Session};
use crate::cli::diff::{Comparison, Side};
use iam_policy::PolicyType;
use iam_policy::access::Access;
use iam_policy::diff::diff;
use iam_policy::diff::{Change, ChangeKind};
use iam_policy::host::{self, Contents, EmbeddedPolicy};
use iam_policy::json::JsonDocument;
use iam_policy::model::Policy;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use tower_lsp_server::ls_types::{
    CodeLens, Command as LspCommand, Diagnostic, DiagnosticSeverity, NumberOrString, Uri,
};

/// The command of the lens: arguments are the document's URI and the policy's pointer.
pub const SHOW_COMMAND: &str = "iam-policy-ls.showDiff";

/// What HEAD holds at a path.
#[derive(Debug, Clone)]
pub enum AtHead {
    /// Not in a git repository (or git is missing): no lens.
    NoRepository,
    /// In a repository, not in HEAD: every policy is new.
    Untracked,
    Text(String),
}

/// HEAD's version of one file, and its policies as read for comparison: HEAD does not change
/// while the user types, so each is parsed once, not on every keystroke.
#[derive(Debug)]
pub struct Head {
    pub at_head: AtHead,
    /// (pointer, policy type) -> HEAD's policy there, `None` when HEAD has none.
    olds: Mutex<HashMap<OldKey, Option<Arc<Access>>>>,
}

/// A policy's place in the file (its pointer) and the type it is read as.
type OldKey = (String, PolicyType);

impl Head {
    /// HEAD's policy where `target` stands (see [`old_access`]), parsed on first use.
    fn old(&self, name: &str, target: &Target<'_>) -> Option<Arc<Access>> {
        let AtHead::Text(text) = &self.at_head else {
            return None;
        };
        let key = (target.pointer(), target.policy_type);
        let mut olds = self.olds.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        olds.entry(key)
            .or_insert_with(|| old_access(text, name, target).map(Arc::new))
            .clone()
    }
}

/// HEAD's version of each file a lens was asked for.
#[derive(Debug, Default)]
pub struct HeadTexts {
    texts: HashMap<PathBuf, Arc<Head>>,
}

impl HeadTexts {
    pub fn get(&mut self, path: &Path) -> Arc<Head> {
        self.texts
            .entry(path.to_path_buf())
            .or_insert_with(|| {
                Arc::new(Head {
                    at_head: read_at_head(path),
                    olds: Mutex::default(),
                })
            })
            .clone()
    }

    /// Reads HEAD again next time (the document was reopened).
    pub fn forget(&mut self, path: &Path) {
        self.texts.remove(path);
    }
}

/// `git show HEAD:./NAME` run in the file's directory.
fn read_at_head(path: &Path) -> AtHead {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name().and_then(|n| n.to_str())) else {
        return AtHead::NoRepository;
    };
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["show", &format!("HEAD:./{name}")])
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(Stdio::null())
        .output();
    let Ok(output) = output else {
        return AtHead::NoRepository;
    };
    if output.status.success() {
        return match String::from_utf8(output.stdout) {
            Ok(text) => AtHead::Text(text),
            Err(_) => AtHead::NoRepository,
        };
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Inside a repository, a path git does not know at HEAD (a new file, or no commit yet).
    let in_repository = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--is-inside-work-tree"])
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success());
    tracing::debug!("no HEAD version of {}: {}", path.display(), stderr.trim());
    if in_repository {
        AtHead::Untracked
    } else {
        AtHead::NoRepository
    }
}

/// One policy of an open document.
pub struct Target<'a> {
    /// The document's text.
    pub text: &'a str,
    pub json: &'a JsonDocument,
    pub embedded: Option<&'a EmbeddedPolicy>,
    pub policy_type: PolicyType,
}

impl<'a> Target<'a> {
    fn of(view: &PolicyView<'a>) -> Target<'a> {
        Target {
            text: view.doc.text(),
            json: view.json,
            embedded: view.embedded,
            policy_type: view.policy_type,
        }
    }

    fn pointer(&self) -> String {
        self.embedded.map(|e| e.pointer.clone()).unwrap_or_default()
    }
}

/// The policy of HEAD's text that stands where `target` does: the whole file, or the embedded
/// policy with the same pointer. `None` when HEAD has no such policy (a new one).
fn old_access(old_text: &str, name: &str, target: &Target<'_>) -> Option<Access> {
    match target.embedded {
        None => Some(Access::from_text(old_text, Some(target.policy_type))),
        Some(embedded) => match host::read(Some(name), old_text) {
            Contents::Host(_, found) => found
                .policies
                .iter()
                .find(|p| p.pointer == embedded.pointer)
                .map(|p| Access::new(&Policy::from_json(&p.json), target.policy_type)),
            _ => None,
        },
    }
}

/// The comparison of one policy of an open document with HEAD, as the CLI reports it.
fn compare(target: &Target<'_>, path: &Path, head: &Head) -> Option<Comparison> {
    let name = path.to_string_lossy();
    let pointer = target.pointer();
    let empty = || Arc::new(Access::from_text("{}", Some(target.policy_type)));
    let (old, old_side) = match &head.at_head {
        AtHead::NoRepository => return None,
        AtHead::Untracked => (empty(), None),
        AtHead::Text(text) => match head.old(&name, target) {
            Some(access) => (
                access,
                Some(side(&format!("{name}@HEAD"), &pointer, text, target.policy_type)),
            ),
            None => (empty(), None),
        },
    };
    let new = Access::new(&Policy::from_json(target.json), target.policy_type);
    Some(Comparison {
        old: old_side,
        new: Some(side(&name, &pointer, target.text, target.policy_type)),
        diff: diff(&old, &new),
    })
}

fn side(path: &str, pointer: &str, text: &str, policy_type: PolicyType) -> Side {
    Side {
        path: path.to_owned(),
        pointer: pointer.to_owned(),
        text: text.to_owned(),
        policy_type,
    }
}

/// One lens per policy of the document, when its file is in a git repository.
pub fn code_lenses(session: &mut Session, uri: &Uri) -> Vec<CodeLens> {
    let Some(path) = session.document(uri).and_then(|d| d.path.clone()) else {
        return Vec::new();
    };
    let head = session.head_texts.get(&path);
    if matches!(head.at_head, AtHead::NoRepository) {
        return Vec::new();
    }
    session
        .with_policies(uri, |views| {
            views
                .iter()
                .filter_map(|view| {
                    let comparison = compare(&Target::of(view), &path, &head)?;
                    let title = match &comparison.old {
                        Some(_) => format!("vs HEAD: {}", comparison.diff.headline()),
                        None => format!("new since HEAD: {}", comparison.diff.headline()),
                    };
                    let start = view
                        .doc
                        .range(iam_policy::Span::empty(view.span().start), view.encoding);
                    let pointer = view.embedded.map(|e| e.pointer.clone()).unwrap_or_default();
                    Some(CodeLens {
                        range: start,
                        command: Some(LspCommand {
                            title,
                            command: SHOW_COMMAND.to_owned(),
                            arguments: Some(vec![uri.as_str().into(), pointer.into()]),
                        }),
                        data: None,
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The whole comparison of the policy at `pointer` with HEAD, for the lens's command.
pub fn report(session: &mut Session, uri: &Uri, pointer: &str) -> Option<String> {
    let path = session.document(uri)?.path.clone()?;
    let head = session.head_texts.get(&path);
    session
        .with_policies(uri, |views| {
            let view = views
                .iter()
                .find(|v| v.embedded.map_or("", |e| e.pointer.as_str()) == pointer)?;
            let comparison = compare(&Target::of(view), &path, &head)?;
            Some(crate::cli::diff::human_report(&comparison))
        })
        .flatten()
}

/// The code of a diagnostic on a statement that grants access HEAD's version did not.
pub const NEW_ACCESS: &str = "NEW_ACCESS";
/// ... or may grant it (conditions that cannot be compared).
pub const MAY_GRANT_NEW_ACCESS: &str = "MAY_GRANT_NEW_ACCESS";

/// Diagnostics (setting `diff-diagnostics`, off by default) on the statements of `target` that
/// grant access its version at HEAD did not: one per way, at the first statement granting it.
pub fn new_access_diagnostics(
    target: &Target<'_>,
    path: &Path,
    head: &Head,
    rope: &ropey::Rope,
    encoding: crate::position::Encoding,
) -> Vec<Diagnostic> {
    let Some(comparison) = compare(target, path, head) else {
        return Vec::new();
    };
    comparison
        .diff
        .added
        .iter()
        .filter_map(|change| {
            let statement = change.statements.first()?;
            let (severity, code) = if change.certain {
                (DiagnosticSeverity::WARNING, NEW_ACCESS)
            } else {
                (DiagnosticSeverity::INFORMATION, MAY_GRANT_NEW_ACCESS)
            };
            Some(Diagnostic {
                range: super::document::range(rope, statement.span, encoding),
                severity: Some(severity),
                code: Some(NumberOrString::String(code.to_owned())),
                source: Some(super::diagnostics::SOURCE.to_owned()),
                message: describe(change),
                ..Diagnostic::default()
            })
        })
        .collect()
}

/// What one new-access item grants, in a sentence.
fn describe(change: &Change) -> String {
    let names: Vec<String> = change.actions.iter().take(5).map(|a| a.full_name()).collect();
    let more = change.actions.len().saturating_sub(names.len());
    let actions = match (names.is_empty(), more) {
        (true, _) => "its actions".to_owned(),
        (false, 0) => names.join(", "),
        (false, n) => format!("{} and {n} more", names.join(", ")),
    };
    let example = |e: &Option<String>| e.as_ref().map(|e| format!(" (e.g. {e})")).unwrap_or_default();
    match &change.kind {
        ChangeKind::Actions => format!("grants actions its version at HEAD does not: {actions}"),
        ChangeKind::Resources { example: e } => {
            format!("grants {actions} on resources beyond its version at HEAD{}", example(e))
        }
        ChangeKind::Principals { example: e } => {
            format!("trusts principals its version at HEAD does not{}", example(e))
        }
        ChangeKind::Conditions { .. } if change.certain => {
            format!("grants {actions} under looser conditions than its version at HEAD")
        }
        ChangeKind::Conditions { .. } => {
            format!("may grant new access to {actions}: its conditions cannot be compared with HEAD's")
        }
        ChangeKind::Deny => format!("a Deny of its version at HEAD is gone or narrower: {actions} allowed again"),
        ChangeKind::UnknownAction { pattern } => format!("grants {pattern}, which its version at HEAD did not"),
    }
}
