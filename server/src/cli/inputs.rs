//! Which files `check` reads: named files, directories scanned for policies, or stdin.

use std::io::Read;
use std::path::{Path, PathBuf};

/// One document to check.
pub struct Input {
    /// As shown to the user: the path as given or found, or `-` for stdin.
    pub display: String,
    /// Named explicitly (a file argument or stdin): always checked as a policy. Files found by
    /// scanning a directory are checked only when they look like policies.
    pub explicit: bool,
    pub source: Source,
}

pub enum Source {
    Text(String),
    /// Could not be read or is not UTF-8: the message says why.
    Unreadable(String),
}

/// Directories never worth scanning for policies (generated CDK templates in `cdk.out` are
/// checked where their source is).
const SKIPPED_DIRS: &[&str] = &[
    ".git",
    "node_modules",
    "target",
    ".terraform",
    ".venv",
    "__pycache__",
    "cdk.out",
    ".aws-sam",
];

/// Extensions of the files a directory scan reads: JSON policies and templates, YAML
/// templates, Terraform.
const SCANNED_EXTENSIONS: &[&str] = &["json", "yaml", "yml", "template", "tf"];

/// Expands the command-line paths into inputs, in a stable order.
pub fn collect(paths: &[PathBuf]) -> Vec<Input> {
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            let source = match std::io::stdin().read_to_end(&mut bytes) {
                Ok(_) => decode(bytes),
                Err(e) => Source::Unreadable(format!("cannot read standard input: {e}")),
            };
            inputs.push(Input {
                display: "-".into(),
                explicit: true,
                source,
            });
        } else if path.is_dir() {
            let mut found: Vec<PathBuf> = walkdir::WalkDir::new(path)
                .follow_links(false)
                .into_iter()
                .filter_entry(|e| !(e.file_type().is_dir() && e.depth() > 0 && is_skipped_dir(e.path())))
                .filter_map(Result::ok)
                .filter(|e| {
                    e.file_type().is_file()
                        && e.path()
                            .extension()
                            .and_then(|x| x.to_str())
                            .is_some_and(|x| SCANNED_EXTENSIONS.iter().any(|s| x.eq_ignore_ascii_case(s)))
                })
                .map(walkdir::DirEntry::into_path)
                .collect();
            found.sort();
            inputs.extend(found.into_iter().map(|p| Input {
                display: p.display().to_string(),
                explicit: false,
                source: read(&p),
            }));
        } else {
            inputs.push(Input {
                display: path.display().to_string(),
                explicit: true,
                source: read(path),
            });
        }
    }
    inputs
}

/// Would a directory scan read this file (a path relative to the scanned directory)? Its
/// extension is scanned and no directory on the way is skipped.
pub fn is_scanned(path: &Path) -> bool {
    let scanned = path
        .extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| SCANNED_EXTENSIONS.iter().any(|s| x.eq_ignore_ascii_case(s)));
    scanned && !path.ancestors().skip(1).any(is_skipped_dir)
}

fn is_skipped_dir(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| SKIPPED_DIRS.contains(&n))
}

fn read(path: &Path) -> Source {
    match std::fs::read(path) {
        Ok(bytes) => decode(bytes),
        Err(e) => Source::Unreadable(format!("cannot read file: {e}")),
    }
}

fn decode(bytes: Vec<u8>) -> Source {
    match String::from_utf8(bytes) {
        Ok(text) => Source::Text(text),
        Err(e) => Source::Unreadable(format!(
            "not valid UTF-8 (invalid byte at offset {}): IAM policies are UTF-8 JSON",
            e.utf8_error().valid_up_to()
        )),
    }
}
