//! The serialized form of the embedded catalog (`core/data/catalog.bin`, postcard).
//!
//! Shared by the loader in this crate and the generator in `xtask/`; not a stable API. Strings
//! borrow from the embedded bytes, so loading allocates only the `Vec`s.
//!
//! Ordering invariants the generator guarantees and the lookups rely on (binary search):
//! services sorted by ASCII-lowercased prefix; within a service, actions, resource types and
//! condition keys sorted by ASCII-lowercased name. Index fields (`u16`) point into the owning
//! service's sorted `resource_types` / `condition_keys`.

use serde::{Deserialize, Serialize};

/// Bump when the layout changes; the loader refuses other versions.
pub const FORMAT_VERSION: u32 = 1;

/// Root of the embedded catalog.
#[derive(Debug, Serialize, Deserialize)]
pub struct CatalogData<'a> {
    pub format: u32,
    /// npm package name the data came from.
    pub package: &'a str,
    /// npm package version.
    pub version: &'a str,
    /// Date of the data (`YYYY-MM-DD`, from the package's `updatedAt`).
    pub date: &'a str,
    #[serde(borrow)]
    pub services: Vec<ServiceData<'a>>,
}

/// One service prefix.
#[derive(Debug, Serialize, Deserialize)]
pub struct ServiceData<'a> {
    pub prefix: &'a str,
    pub name: &'a str,
    /// Not in the reference at all; present only because AWS managed policies use it.
    pub undocumented: bool,
    #[serde(borrow)]
    pub actions: Vec<ActionData<'a>>,
    #[serde(borrow)]
    pub resource_types: Vec<ResourceTypeData<'a>>,
    #[serde(borrow)]
    pub condition_keys: Vec<ConditionKeyData<'a>>,
}

/// One action.
#[derive(Debug, Serialize, Deserialize)]
pub struct ActionData<'a> {
    pub name: &'a str,
    pub description: &'a str,
    /// 0 = unknown (undocumented), else `AccessLevel as u8`.
    pub access: u8,
    /// Not in the reference; used by AWS managed policies.
    pub undocumented: bool,
    /// How many AWS managed policies name this action literally (for ranking suggestions).
    pub corpus_uses: u16,
    #[serde(borrow)]
    pub resource_types: Vec<ActionResourceData<'a>>,
    /// Indices into the service's `condition_keys`.
    pub condition_keys: Vec<u16>,
    #[serde(borrow)]
    pub dependent_actions: Vec<&'a str>,
}

/// A resource type as an action uses it.
#[derive(Debug, Serialize, Deserialize)]
pub struct ActionResourceData<'a> {
    /// Index into the service's `resource_types`.
    pub resource_type: u16,
    pub required: bool,
    /// Keys that apply only for this action on this resource type (indices).
    pub condition_keys: Vec<u16>,
    #[serde(borrow)]
    pub dependent_actions: Vec<&'a str>,
}

/// A resource type of a service.
#[derive(Debug, Serialize, Deserialize)]
pub struct ResourceTypeData<'a> {
    pub name: &'a str,
    pub arn: &'a str,
    /// Indices into the service's `condition_keys`.
    pub condition_keys: Vec<u16>,
}

/// A condition key listed by a service (may be an `aws:` key with a service-specific text).
#[derive(Debug, Serialize, Deserialize)]
pub struct ConditionKeyData<'a> {
    pub name: &'a str,
    pub description: &'a str,
    /// `KeyType as u8`.
    pub key_type: u8,
}
