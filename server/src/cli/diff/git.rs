//! `diff --git REF`: the working tree's policies against their versions at a revision. The
//! revision is read with `git ls-tree` (which files) and one `git cat-file --batch` (their
//! contents), so the working tree and the index are never touched.

use super::{Comparison, Found, Outcome, Side, policies_in};
use crate::cli::check::Configs;
use crate::cli::inputs::{self, Source};
use iam_policy::PolicyType;
use iam_policy::diff::diff;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

/// A file on either side, by its path in the repository.
#[derive(Default)]
struct Entry {
    /// As shown: relative to the current directory.
    display: String,
    /// Named on the command line: read as a policy whatever it looks like.
    explicit: bool,
    new_text: Option<String>,
    old_blob: Option<String>,
    old_text: Option<String>,
}

pub(super) fn compare(reference: &str, paths: &[PathBuf], given: Option<PolicyType>, configs: &Configs) -> Outcome {
    let prefix = git(&["rev-parse", "--show-prefix"])?.trim_end().to_owned();
    let top = PathBuf::from(git(&["rev-parse", "--show-toplevel"])?.trim_end());
    let in_repository = |path: &Path| in_repository(&top, &prefix, path);
    let commit = git(&["rev-parse", "--verify", "--quiet", &format!("{reference}^{{commit}}")])
        .map_err(|_| format!("`{reference}` is not a revision of this repository"))?
        .trim()
        .to_owned();
    let paths: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut entries: BTreeMap<String, Entry> = BTreeMap::new();
    let mut problems = Vec::new();
    let explicit: Vec<String> = paths
        .iter()
        .filter(|p| !p.is_dir())
        .filter_map(|p| in_repository(p))
        .collect();
    for input in inputs::collect(&paths) {
        let Some(repo_path) = in_repository(Path::new(&input.display)) else {
            problems.push(format!("{}: outside the repository", input.display));
            continue;
        };
        let entry = entries.entry(repo_path.clone()).or_default();
        entry.display = relative_to(&prefix, &repo_path);
        entry.explicit = input.explicit;
        match input.source {
            Source::Text(text) => entry.new_text = Some(text),
            // A named file that is gone: deleted since the revision, if the revision has it.
            Source::Unreadable(_) if !Path::new(&input.display).exists() => {}
            Source::Unreadable(why) => problems.push(format!("{}: {why}", input.display)),
        }
    }
    let mut ls_tree = vec!["ls-tree", "-r", "-z", "--full-name", commit.as_str(), "--"];
    let specs: Vec<String> = paths.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    ls_tree.extend(specs.iter().map(String::as_str));
    for record in git(&ls_tree)?.split('\0').filter(|r| !r.is_empty()) {
        // `<mode> SP <type> SP <object> TAB <path>`
        let Some((meta, repo_path)) = record.split_once('\t') else {
            continue;
        };
        let mut fields = meta.split(' ');
        let (Some(_mode), Some("blob"), Some(object)) = (fields.next(), fields.next(), fields.next()) else {
            continue;
        };
        let named = explicit.iter().any(|e| e == repo_path);
        if !named && !inputs::is_scanned(Path::new(repo_path)) {
            continue;
        }
        let entry = entries.entry(repo_path.to_owned()).or_default();
        if entry.display.is_empty() {
            entry.display = relative_to(&prefix, repo_path);
            entry.explicit = named;
        }
        entry.old_blob = Some(object.to_owned());
    }
    for (repo_path, entry) in &entries {
        if entry.new_text.is_none() && entry.old_blob.is_none() && entry.explicit {
            problems.push(format!(
                "{}: neither in the working tree nor at {reference}",
                relative_to(&prefix, repo_path)
            ));
        }
    }
    read_blobs(&mut entries)?;
    let comparisons: Vec<Comparison> = entries
        .into_par_iter()
        .filter(|(_, e)| e.old_text != e.new_text)
        .flat_map_iter(|(_, e)| compare_file(&e, reference, given, configs))
        .collect();
    Ok((comparisons, problems))
}

/// The policies of one file in both versions, matched by their pointer.
fn compare_file(entry: &Entry, reference: &str, given: Option<PolicyType>, configs: &Configs) -> Vec<Comparison> {
    let old_path = format!("{reference}:{}", entry.display);
    let side = |path: &str, text: &Option<String>| -> Vec<(Found, Side)> {
        text.as_ref().map_or_else(Vec::new, |text| {
            policies_in(&entry.display, text, entry.explicit, given, configs)
                .into_iter()
                .map(|found| {
                    let side = Side {
                        path: path.to_owned(),
                        pointer: found.pointer.clone(),
                        text: text.clone(),
                        policy_type: found.access.policy_type,
                    };
                    (found, side)
                })
                .collect()
        })
    };
    let mut old = side(&old_path, &entry.old_text);
    let new = side(&entry.display, &entry.new_text);
    let empty = || iam_policy::access::Access::from_text(r#"{"Statement": []}"#, None);
    let mut out = Vec::new();
    for (found, new_side) in new {
        let before = old
            .iter()
            .position(|(o, _)| o.pointer == found.pointer)
            .map(|i| old.swap_remove(i));
        let (old_access, old_side) = match before {
            Some((o, s)) => (o.access, Some(s)),
            None => (empty(), None),
        };
        out.push(Comparison {
            diff: diff(&old_access, &found.access),
            old: old_side,
            new: Some(new_side),
        });
    }
    for (found, old_side) in old {
        out.push(Comparison {
            diff: diff(&found.access, &empty()),
            old: Some(old_side),
            new: None,
        });
    }
    out
}

/// Reads the revision's blobs for every entry with one `git cat-file --batch`.
fn read_blobs(entries: &mut BTreeMap<String, Entry>) -> Result<(), String> {
    let wanted: Vec<String> = entries.values().filter_map(|e| e.old_blob.clone()).collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let mut child = Command::new("git")
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("cannot write to git cat-file")?;
    let request: String = wanted.iter().map(|o| format!("{o}\n")).collect();
    // Written from a thread: git answers while it reads, and both pipes have a limited buffer.
    let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
    let mut out = Vec::new();
    child
        .stdout
        .take()
        .ok_or("cannot read from git cat-file")?
        .read_to_end(&mut out)
        .map_err(|e| format!("cannot read from git cat-file: {e}"))?;
    let _ = writer.join();
    let status = child.wait().map_err(|e| format!("git cat-file: {e}"))?;
    if !status.success() {
        return Err(format!("git cat-file failed ({status})"));
    }
    let mut blobs: BTreeMap<String, Result<String, String>> = BTreeMap::new();
    let mut rest = out.as_slice();
    while let Some(newline) = rest.iter().position(|b| *b == b'\n') {
        let header = String::from_utf8_lossy(rest.get(..newline).unwrap_or_default()).into_owned();
        rest = rest.get(newline + 1..).unwrap_or_default();
        let mut fields = header.split(' ');
        let (Some(object), Some(_kind), Some(size)) = (fields.next(), fields.next(), fields.next()) else {
            continue;
        };
        let size: usize = size
            .parse()
            .map_err(|_| format!("git cat-file: bad header `{header}`"))?;
        let body = rest.get(..size).ok_or("git cat-file: output cut short")?;
        let text = String::from_utf8(body.to_vec()).map_err(|_| "not valid UTF-8".to_owned());
        blobs.insert(object.to_owned(), text);
        rest = rest.get(size + 1..).unwrap_or_default();
    }
    for entry in entries.values_mut() {
        if let Some(object) = &entry.old_blob {
            match blobs.get(object) {
                Some(Ok(text)) => entry.old_text = Some(text.clone()),
                Some(Err(why)) => return Err(format!("{} at the revision: {why}", entry.display)),
                None => return Err(format!("{}: git did not return its revision", entry.display)),
            }
        }
    }
    Ok(())
}

/// Runs git in the current directory; its error output becomes the message.
fn git(args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let why = stderr.trim();
        return Err(if why.is_empty() {
            format!("git {} failed", args.first().unwrap_or(&""))
        } else {
            format!("git: {why}")
        });
    }
    String::from_utf8(out.stdout).map_err(|_| "git printed a path that is not UTF-8".to_owned())
}

/// `path` (relative to the current directory, whose place in the repository is `prefix`) as a
/// path from the repository's root, `/`-separated; `None` when it leaves the repository.
fn in_repository(top: &Path, prefix: &str, path: &Path) -> Option<String> {
    if path.is_absolute() {
        let relative = path.strip_prefix(top).ok()?;
        return in_repository(top, "", relative);
    }
    let mut parts: Vec<String> = prefix.split('/').filter(|p| !p.is_empty()).map(str::to_owned).collect();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::Normal(name) => parts.push(name.to_string_lossy().into_owned()),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.join("/"))
}

/// A path from the repository's root as seen from the current directory (`prefix`).
fn relative_to(prefix: &str, repo_path: &str) -> String {
    let mut here: Vec<&str> = prefix.split('/').filter(|p| !p.is_empty()).collect();
    let mut there: Vec<&str> = repo_path.split('/').collect();
    while let (Some(a), Some(b)) = (here.first(), there.first()) {
        if a != b {
            break;
        }
        here.remove(0);
        there.remove(0);
    }
    let mut out: Vec<&str> = vec![".."; here.len()];
    out.extend(there);
    out.join("/")
}
