//! The server's state and everything it does with it, synchronously: open documents, the
//! negotiated encoding, configuration. Handlers lock it, call one method, and send the returned
//! [`Outcome`] after releasing the lock. Nothing here awaits, so a handler applies its change
//! before it can be interleaved with another.

use super::diagnostics;
use super::diff_lens;
use super::document::Document;
use super::large::{self, Holds, LargeCheck};
use super::policy_tests::{self, Parsed, PolicyTests};
use crate::position::{self, Encoding};
use iam_policy::config::{self, Config, ConfigError};
use iam_policy::host::EmbeddedPolicy;
use iam_policy::json::JsonDocument;
use iam_policy::syntax::Grammar;
use iam_policy::{Options, analysis};
use ropey::Rope;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};
use tower_lsp_server::ls_types::{Diagnostic, MessageType, TextDocumentContentChangeEvent, Uri};

/// What request handlers see of a policy in an open document; see [`Session::with_policies`].
pub struct PolicyView<'a> {
    pub doc: &'a Document,
    /// The policy's value tree (spans into the document).
    pub json: &'a JsonDocument,
    /// The policy's place in a template; `None` for a JSON policy document.
    pub embedded: Option<&'a EmbeddedPolicy>,
    pub policy_type: iam_policy::PolicyType,
    pub type_source: iam_policy::policy_type::TypeSource,
    pub encoding: Encoding,
    /// Setting `inlay-hints.access-level`: show each action's access level as an inlay hint.
    pub access_level_hints: bool,
}

impl PolicyView<'_> {
    /// The policy's byte range in the document (the whole document for a JSON policy).
    pub fn span(&self) -> iam_policy::Span {
        self.embedded
            .map_or(iam_policy::Span::new(0, self.doc.text().len()), |e| e.span)
    }
}

/// The policy whose range holds `offset` (the innermost, should ranges nest).
pub fn view_at<'v, 'a>(views: &'v [PolicyView<'a>], offset: usize) -> Option<&'v PolicyView<'a>> {
    views
        .iter()
        .filter(|v| v.span().touches(offset))
        .min_by_key(|v| v.span().len())
}

/// Diagnostics to publish for one document.
#[derive(Debug)]
pub struct Publish {
    pub uri: Uri,
    pub version: Option<i32>,
    pub diagnostics: Vec<Diagnostic>,
}

/// What a handler must send once it has released the session.
#[derive(Debug, Default)]
pub struct Outcome {
    pub publish: Vec<Publish>,
    /// For `window/showMessage`.
    pub messages: Vec<(MessageType, String)>,
}

impl Outcome {
    fn extend(&mut self, other: Outcome) {
        self.publish.extend(other.publish);
        self.messages.extend(other.messages);
    }
}

/// How a document is treated, from its language id and name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Language id `iam-policy`: always a policy.
    Policy,
    /// Language id `json`: a policy when it looks like one or is named like one, or a
    /// CloudFormation template.
    Json,
    /// YAML: a CloudFormation/SAM template, or nothing of ours.
    Yaml,
    /// Terraform (HCL).
    Terraform,
    /// `.iam-policy-ls.toml`: diagnostics for the configuration itself.
    Config,
    /// `*.iamtest.json`: a policy test file.
    Test,
    /// Anything else: ignored.
    Other,
}

struct Entry {
    uri: Uri,
    kind: Kind,
    doc: Document,
    /// The document's version as background checks see it (see [`large`]).
    latest: Arc<AtomicI32>,
}

impl Entry {
    /// Over [`large::LARGE_DOCUMENT`]: checked in the background, quick rules only, and
    /// without hover, completion and the other requests that read the whole value tree.
    fn is_large(&self) -> bool {
        self.doc.text().len() > large::LARGE_DOCUMENT
    }
}

#[derive(Default)]
pub struct Session {
    pub encoding: Encoding,
    documents: HashMap<String, Entry>,
    /// Normalized path -> the keys of the open documents there (usually one), so running tests
    /// finds open policies without normalizing every document's path per policy.
    keys_by_path: HashMap<PathBuf, Vec<String>>,
    /// Settings from `initializationOptions` / `workspace/didChangeConfiguration`.
    editor: Config,
    /// Directory -> the configuration file that applies there.
    config_for_dir: HashMap<PathBuf, Option<PathBuf>>,
    /// Configuration file -> that file's settings with the editor's on top.
    configs: HashMap<PathBuf, Arc<Config>>,
    /// The editor's settings alone, for documents without a configuration file.
    fallback: Option<Arc<Config>>,
    /// Policy tests: which tests use which policies, and their last runs.
    pub tests: PolicyTests,
    /// Checks of large documents for the handler to start off the request path.
    large_checks: Vec<large::LargeCheck>,
    /// Files' versions at git's HEAD, for the diff lens.
    pub head_texts: super::diff_lens::HeadTexts,
}

/// The document's name for file-name conventions and messages: its path, else its URI.
fn display_name(path: Option<&Path>, uri: &Uri) -> String {
    path.and_then(Path::to_str)
        .map_or_else(|| uri.as_str().to_owned(), str::to_owned)
}

/// Whether a document is checked as a policy: language id `iam-policy`, or JSON that looks like
/// a policy, is named like one, or matches a configured glob.
fn is_policy(kind: Kind, json: &JsonDocument, name: &str, path: Option<&Path>, config: &Config) -> bool {
    kind == Kind::Policy
        || analysis::looks_like_policy(json)
        || analysis::is_policy_file_name(name)
        || path.is_some_and(|p| config.glob_type(p).is_some())
}

fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// Kinds whose documents may hold policies.
fn holds_policies(kind: Kind) -> bool {
    matches!(kind, Kind::Policy | Kind::Json | Kind::Yaml | Kind::Terraform)
}

fn file_path(uri: &Uri) -> Option<PathBuf> {
    if uri.scheme().as_str() != "file" {
        return None;
    }
    uri.to_file_path().map(std::borrow::Cow::into_owned)
}

fn is_config_file(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == config::FILE_NAME)
}

impl Session {
    pub fn new(encoding: Encoding) -> Session {
        Session {
            encoding,
            ..Session::default()
        }
    }

    pub fn document_count(&self) -> usize {
        self.documents.len()
    }

    /// The text of an open document, for tests and later handlers.
    pub fn text(&self, uri: &Uri) -> Option<&str> {
        self.document(uri).map(Document::text)
    }

    pub fn document(&self, uri: &Uri) -> Option<&Document> {
        self.documents.get(uri.as_str()).map(|e| &e.doc)
    }

    pub fn open(&mut self, uri: Uri, language_id: String, version: i32, text: String) -> Outcome {
        let path = file_path(&uri);
        let kind = match (&path, language_id.as_str()) {
            (Some(p), _) if is_config_file(p) => Kind::Config,
            (Some(p), _) if p.to_str().is_some_and(iam_policy::policy_test::is_test_file) => Kind::Test,
            (_, "iam-policy") => Kind::Policy,
            (_, "json" | "jsonc") => Kind::Json,
            (_, "yaml" | "cloudformation" | "yaml.cloudformation" | "yaml-cloudformation") => Kind::Yaml,
            (_, "terraform" | "hcl" | "tf") => Kind::Terraform,
            (Some(p), _) if has_extension(p, &["yaml", "yml"]) => Kind::Yaml,
            (Some(p), _) if has_extension(p, &["tf"]) => Kind::Terraform,
            _ => Kind::Other,
        };
        let key = uri.as_str().to_owned();
        if let Some(p) = &path {
            self.head_texts.forget(p);
            let keys = self.keys_by_path.entry(policy_tests::normalize(p)).or_default();
            // Opened again without a close: already there.
            if !keys.contains(&key) {
                keys.push(key.clone());
            }
        }
        let grammar = match kind {
            Kind::Yaml => Grammar::Yaml,
            Kind::Terraform => Grammar::Hcl,
            _ => Grammar::Json,
        };
        let doc = Document::with_grammar(text, version, language_id, path, grammar);
        let latest = Arc::new(AtomicI32::new(version));
        if let Some(old) = self.documents.insert(key.clone(), Entry { uri, kind, doc, latest }) {
            old.latest.store(large::CLOSED, Ordering::Release);
        }
        if kind == Kind::Config {
            self.invalidate_configs();
            return self.republish_all();
        }
        self.after_edit(&key)
    }

    pub fn change(&mut self, uri: &Uri, version: i32, changes: Vec<TextDocumentContentChangeEvent>) -> Outcome {
        let encoding = self.encoding;
        let key = uri.as_str();
        let Some(entry) = self.documents.get_mut(key) else {
            tracing::warn!("didChange for {key}, which is not open: ignored");
            return Outcome::default();
        };
        if version <= entry.doc.version {
            tracing::debug!(
                "didChange for {key}: stale version {version} (have {}): ignored",
                entry.doc.version
            );
            return Outcome::default();
        }
        for change in changes {
            entry.doc.apply(change, encoding);
        }
        entry.doc.version = version;
        entry.latest.store(version, Ordering::Release);
        if entry.kind == Kind::Config {
            self.invalidate_configs();
            return self.republish_all();
        }
        let key = key.to_owned();
        self.after_edit(&key)
    }

    /// After a document opened or changed: its diagnostics, and for a test file or a policy
    /// that tests use, the tests re-run and the diagnostics they change.
    fn after_edit(&mut self, key: &str) -> Outcome {
        let mut outcome = Outcome::default();
        let Some(entry) = self.documents.get(key) else {
            return outcome;
        };
        let kind = entry.kind;
        let path = entry.doc.path.as_deref().map(policy_tests::normalize);
        let tests = match (&path, kind) {
            (Some(p), Kind::Test) => {
                let parsed = Arc::new(Parsed::new(p, iam_policy::policy_test::parse_json(entry.doc.json())));
                self.tests.set_open(p, parsed);
                vec![p.clone()]
            }
            (Some(p), Kind::Policy | Kind::Json | Kind::Yaml | Kind::Terraform) => self.tests.tests_using(p),
            _ => Vec::new(),
        };
        let changed = self.run_tests(&tests);
        outcome.publish.extend(self.diagnose(key, &mut outcome.messages));
        self.publish_dependents(&tests, &changed, key, &mut outcome);
        outcome
    }

    /// Runs test files, with the editor's text of open policies; returns the policies whose
    /// test diagnostics changed.
    fn run_tests(&mut self, tests: &[PathBuf]) -> HashSet<PathBuf> {
        let mut changed = HashSet::new();
        for test in tests {
            let documents = &self.documents;
            let keys_by_path = &self.keys_by_path;
            let open_policy = |path: &Path, pointer: Option<&str>| {
                let entry = keys_by_path
                    .get(path)?
                    .iter()
                    .filter_map(|k| documents.get(k))
                    .find(|e| holds_policies(e.kind) && !e.is_large())?;
                match pointer {
                    Some(pointer) => {
                        let (_, found) = entry.doc.host()?;
                        let embedded = found.policies.iter().find(|p| p.pointer == pointer)?;
                        Some(policy_tests::compile_open(path, Some(pointer), &embedded.json))
                    }
                    None => Some(policy_tests::compile_open(path, None, entry.doc.json())),
                }
            };
            changed.extend(self.tests.run(test, &open_policy));
        }
        changed
    }

    /// The key of an open document at `path` (normalized).
    fn key_for_path(&self, path: &Path) -> Option<String> {
        self.keys_by_path.get(path)?.first().cloned()
    }

    /// Publishes the open test documents of `tests` and the open policies in `changed`,
    /// except `skip` (published already).
    fn publish_dependents(&mut self, tests: &[PathBuf], changed: &HashSet<PathBuf>, skip: &str, outcome: &mut Outcome) {
        let mut keys: Vec<String> = tests
            .iter()
            .chain(changed.iter())
            .filter_map(|p| self.key_for_path(p))
            .filter(|k| k != skip)
            .collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            outcome.publish.extend(self.diagnose(&k, &mut outcome.messages));
        }
    }

    /// Completion in an open test document (`None` for other documents).
    pub fn test_completion(
        &self,
        at: &tower_lsp_server::ls_types::TextDocumentPositionParams,
    ) -> Option<tower_lsp_server::ls_types::CompletionResponse> {
        use tower_lsp_server::ls_types::{CompletionItem, CompletionResponse, CompletionTextEdit, TextEdit};
        let entry = self.documents.get(at.text_document.uri.as_str())?;
        if entry.kind != Kind::Test {
            return None;
        }
        let doc = &entry.doc;
        let offset = position::offset(doc.rope(), super::document::to_position(at.position), self.encoding);
        let items = policy_tests::complete(doc.json(), offset)
            .into_iter()
            .map(|(text, span, kind)| CompletionItem {
                label: text.trim_matches('"').to_owned(),
                kind: Some(kind),
                filter_text: Some(text.clone()),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                    range: doc.range(span, self.encoding),
                    new_text: text,
                })),
                ..CompletionItem::default()
            })
            .collect();
        Some(CompletionResponse::Array(items))
    }

    /// The code lenses of an open test document.
    pub fn code_lenses(&self, uri: &Uri) -> Option<Vec<tower_lsp_server::ls_types::CodeLens>> {
        let entry = self.documents.get(uri.as_str())?;
        if entry.kind != Kind::Test {
            return None;
        }
        let path = policy_tests::normalize(entry.doc.path.as_deref()?);
        let parsed = self.tests.open_test(&path)?;
        let run = self.tests.runs.get(&path);
        Some(policy_tests::code_lenses(uri, &parsed, run, &entry.doc, self.encoding))
    }

    /// The `run` lens: re-reads the disk and runs an open test document's tests again.
    pub fn rerun_tests(&mut self, uri: &Uri) -> Outcome {
        self.tests.invalidate_disk();
        let Some(path) = self.documents.get(uri.as_str()).and_then(|e| e.doc.path.as_deref()) else {
            return Outcome::default();
        };
        let path = policy_tests::normalize(path);
        let tests = vec![path];
        let changed = self.run_tests(&tests);
        let mut outcome = Outcome::default();
        self.publish_dependents(&tests, &changed, "", &mut outcome);
        outcome
    }

    pub fn close(&mut self, uri: &Uri) -> Outcome {
        let Some(entry) = self.documents.remove(uri.as_str()) else {
            return Outcome::default();
        };
        entry.latest.store(large::CLOSED, Ordering::Release);
        let mut outcome = Outcome::default();
        if let Some(path) = entry.doc.path.as_deref() {
            let path = policy_tests::normalize(path);
            if let Some(keys) = self.keys_by_path.get_mut(&path) {
                keys.retain(|k| k != uri.as_str());
                if keys.is_empty() {
                    self.keys_by_path.remove(&path);
                }
            }
            self.tests.forget_policy(&path);
        }
        if let (Kind::Test, Some(path)) = (entry.kind, entry.doc.path.as_deref()) {
            let path = policy_tests::normalize(path);
            let changed = self.tests.store(&path, policy_tests::TestRun::default());
            self.tests.close(&path);
            self.publish_dependents(&[], &changed, "", &mut outcome);
        }
        if entry.kind == Kind::Config {
            // The file on disk applies again.
            self.invalidate_configs();
            outcome = self.republish_all();
        }
        if entry.kind != Kind::Other {
            outcome.publish.push(Publish {
                uri: entry.uri,
                version: None,
                diagnostics: Vec::new(),
            });
        }
        outcome
    }

    /// A document was saved: a saved configuration file is reloaded and its problems shown; a
    /// policy that tests read from disk is read again.
    pub fn saved(&mut self, uri: &Uri) -> Outcome {
        let Some(entry) = self.documents.get(uri.as_str()) else {
            return Outcome::default();
        };
        if let Some(path) = entry.doc.path.as_deref() {
            self.tests.forget_policy(&policy_tests::normalize(path));
        }
        if entry.kind != Kind::Config {
            return Outcome::default();
        }
        let path = entry.doc.path.clone();
        let (_, errors) = Config::parse(entry.doc.text(), path.as_deref());
        let mut outcome = Outcome::default();
        if let Some(path) = path {
            outcome.messages.extend(error_message(&path, entry.doc.rope(), &errors));
        }
        outcome
    }

    /// Files changed on disk (`workspace/didChangeWatchedFiles`): configuration files are reread.
    pub fn files_changed(&mut self, uris: &[Uri]) -> Outcome {
        self.tests.invalidate_disk();
        let touches_config = uris.iter().filter_map(file_path).any(|p| is_config_file(&p));
        let mut outcome = if touches_config {
            self.invalidate_configs();
            self.republish_all()
        } else {
            Outcome::default()
        };
        // The open test documents may use what changed: their results are shown now, not at
        // the next edit.
        let tests: Vec<PathBuf> = self
            .documents
            .values()
            .filter(|e| e.kind == Kind::Test)
            .filter_map(|e| e.doc.path.as_deref().map(policy_tests::normalize))
            .collect();
        if !tests.is_empty() {
            let changed = self.run_tests(&tests);
            self.publish_dependents(&tests, &changed, "", &mut outcome);
        }
        outcome
    }

    /// New editor settings: the same keys as `.iam-policy-ls.toml`, as JSON, either at the top
    /// level or under `"iam-policy-ls"`. Problems are shown; the valid parts apply.
    pub fn set_editor_settings(&mut self, settings: &serde_json::Value) -> Outcome {
        let settings = settings
            .get("iam-policy-ls")
            .or_else(|| settings.get("iamPolicyLs"))
            .unwrap_or(settings);
        let mut outcome = Outcome::default();
        let (config, errors) = match settings {
            serde_json::Value::Null => (Config::default(), Vec::new()),
            serde_json::Value::Object(map) => {
                let cleaned: serde_json::Map<String, serde_json::Value> = map
                    .iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                match toml::to_string(&cleaned) {
                    Ok(text) => Config::parse(&text, None),
                    Err(e) => (
                        Config::default(),
                        vec![ConfigError {
                            span: None,
                            message: format!("settings cannot be read: {e}"),
                        }],
                    ),
                }
            }
            other => (
                Config::default(),
                vec![ConfigError {
                    span: None,
                    message: format!("settings must be an object, not {other}"),
                }],
            ),
        };
        for e in &errors {
            outcome
                .messages
                .push((MessageType::ERROR, format!("iam-policy-ls settings: {}", e.message)));
        }
        self.editor = config;
        self.invalidate_configs();
        outcome.extend(self.republish_all());
        outcome
    }

    fn invalidate_configs(&mut self) {
        self.config_for_dir.clear();
        self.configs.clear();
        self.fallback = None;
        // Templates' cached findings were made under the old settings (risk, catalog).
        for entry in self.documents.values() {
            *entry.doc.template_cache.borrow_mut() = analysis::TemplateCache::default();
        }
    }

    /// Diagnostics for every open document that gets them.
    pub fn republish_all(&mut self) -> Outcome {
        let mut outcome = Outcome::default();
        let mut keys: Vec<String> = self.documents.keys().cloned().collect();
        keys.sort();
        for key in keys {
            outcome.publish.extend(self.diagnose(&key, &mut outcome.messages));
        }
        outcome
    }

    /// The configuration for a document at `path`: the nearest configuration file's settings
    /// (from its open buffer if the editor has it open) with the editor's settings on top.
    /// Problems in a configuration file read from disk become messages, once per load.
    fn config_for(&mut self, path: Option<&Path>, messages: &mut Vec<(MessageType, String)>) -> Arc<Config> {
        let dir = path.and_then(Path::parent);
        let file = dir.and_then(|dir| {
            self.config_for_dir
                .entry(dir.to_path_buf())
                .or_insert_with(|| config::find(dir))
                .clone()
        });
        let Some(file) = file else {
            return self
                .fallback
                .get_or_insert_with(|| Arc::new(Config::default().merged(&self.editor)))
                .clone();
        };
        if let Some(found) = self.configs.get(&file) {
            return found.clone();
        }
        let open = self
            .documents
            .values()
            .find(|e| e.kind == Kind::Config && e.doc.path.as_deref() == Some(file.as_path()));
        let config = match open {
            Some(entry) => Config::parse(entry.doc.text(), Some(&file)).0,
            None => {
                let text = std::fs::read_to_string(&file);
                let (config, errors) = match &text {
                    Ok(text) => Config::parse(text, Some(&file)),
                    Err(e) => (
                        Config::default(),
                        vec![ConfigError {
                            span: None,
                            message: format!("cannot read: {e}"),
                        }],
                    ),
                };
                let rope = Rope::from_str(text.as_deref().unwrap_or(""));
                messages.extend(error_message(&file, &rope, &errors));
                config
            }
        };
        let config = Arc::new(config.merged(&self.editor));
        self.configs.insert(file, config.clone());
        config
    }

    /// Read-only views of the policies of an open document for request handlers (completion,
    /// hover, code actions): its text and rope, each policy's value tree, the policy type in
    /// force (template, flag, config glob, file name, default, inference — as for
    /// diagnostics) and the negotiated encoding. `None` for unknown documents and for documents
    /// that hold no policy.
    pub fn with_policies<R>(&mut self, uri: &Uri, f: impl FnOnce(&[PolicyView<'_>]) -> R) -> Option<R> {
        let key = uri.as_str();
        let (kind, path) = {
            let entry = self.documents.get(key)?;
            (entry.kind, entry.doc.path.clone())
        };
        if !holds_policies(kind) || self.documents.get(key).is_some_and(Entry::is_large) {
            return None;
        }
        let mut ignored = Vec::new();
        let config = self.config_for(path.as_deref(), &mut ignored);
        let _catalog = iam_policy::catalog::project_scope(config.catalog);
        let encoding = self.encoding;
        let entry = self.documents.get(key)?;
        let doc = &entry.doc;
        let name = display_name(path.as_deref(), &entry.uri);
        let options = Options {
            policy_type: config.policy_type_for(path.as_deref()),
            path: Some(&name),
        };
        let access_level_hints = config.inlay_access_level.unwrap_or(true);
        let host = if kind == Kind::Policy { None } else { doc.host() };
        let views: Vec<PolicyView<'_>> = match host {
            Some((_, found)) => found
                .policies
                .iter()
                .map(|embedded| {
                    let model = iam_policy::model::Policy::from_json(&embedded.json);
                    let (policy_type, type_source) = analysis::resolve_embedded_type(&model, embedded, options);
                    PolicyView {
                        doc,
                        json: &embedded.json,
                        embedded: Some(embedded),
                        policy_type,
                        type_source,
                        encoding,
                        access_level_hints,
                    }
                })
                .collect(),
            None if matches!(kind, Kind::Yaml | Kind::Terraform) => return None,
            None => {
                let json = doc.json();
                if !is_policy(kind, json, &name, path.as_deref(), &config) {
                    return None;
                }
                let model = iam_policy::model::Policy::from_json(json);
                let (policy_type, type_source) = analysis::resolve_type(&model, options);
                vec![PolicyView {
                    doc,
                    json,
                    embedded: None,
                    policy_type,
                    type_source,
                    encoding,
                    access_level_hints,
                }]
            }
        };
        Some(f(&views))
    }

    /// A view of the policy whose range holds the LSP `position` (see [`Self::with_policies`]),
    /// with the position's byte offset.
    pub fn with_policy_at<R>(
        &mut self,
        uri: &Uri,
        position: tower_lsp_server::ls_types::Position,
        f: impl FnOnce(&PolicyView<'_>, usize) -> R,
    ) -> Option<R> {
        let encoding = self.encoding;
        self.with_policies(uri, |views| {
            let doc = views.first()?.doc;
            let offset = position::offset(doc.rope(), super::document::to_position(position), encoding);
            view_at(views, offset).map(|view| f(view, offset))
        })
        .flatten()
    }

    fn diagnose(&mut self, key: &str, messages: &mut Vec<(MessageType, String)>) -> Option<Publish> {
        let (kind, path) = {
            let entry = self.documents.get(key)?;
            (entry.kind, entry.doc.path.clone())
        };
        let encoding = self.encoding;
        match kind {
            Kind::Other => None,
            Kind::Test => {
                let path = policy_tests::normalize(path.as_deref()?);
                let parsed = self.tests.open_test(&path)?;
                let entry = self.documents.get_mut(key)?;
                let diagnostics =
                    policy_tests::test_diagnostics(&parsed, self.tests.runs.get(&path), &entry.doc, encoding);
                entry.doc.published = true;
                Some(Publish {
                    uri: entry.uri.clone(),
                    version: Some(entry.doc.version),
                    diagnostics,
                })
            }
            Kind::Config => {
                let entry = self.documents.get_mut(key)?;
                let (_, errors) = Config::parse(entry.doc.text(), path.as_deref());
                let diagnostics = errors
                    .iter()
                    .map(|e| diagnostics::config_diagnostic(e, &entry.doc, encoding))
                    .collect();
                entry.doc.published = true;
                Some(Publish {
                    uri: entry.uri.clone(),
                    version: Some(entry.doc.version),
                    diagnostics,
                })
            }
            Kind::Policy | Kind::Json | Kind::Yaml | Kind::Terraform => {
                let config = self.config_for(path.as_deref(), messages);
                let _catalog = iam_policy::catalog::project_scope(config.catalog);
                let _risk = iam_policy::risk::scope(Arc::new(config.risk_settings()));
                // `[diff] diagnostics`: the file at git's HEAD, to compare each policy with.
                let at_head = match (config.diff_diagnostics, path.as_deref()) {
                    (Some(true), Some(p)) => Some((p.to_path_buf(), self.head_texts.get(p))),
                    _ => None,
                };
                let new_access = |target: diff_lens::Target<'_>, doc: &Document| match &at_head {
                    Some((p, head)) => diff_lens::new_access_diagnostics(&target, p, head, doc.rope(), encoding),
                    None => Vec::new(),
                };
                let entry = self.documents.get_mut(key)?;
                if entry.is_large() {
                    let check = self.large_check(key, kind, config);
                    self.large_checks.extend(check);
                    return None;
                }
                let doc = &entry.doc;
                let name = display_name(path.as_deref(), &entry.uri);
                let options = Options {
                    policy_type: config.policy_type_for(path.as_deref()),
                    path: Some(&name),
                };
                let host = if kind == Kind::Policy { None } else { doc.host() };
                if let Some((_, found)) = host {
                    let mut diagnostics = Vec::new();
                    let results = {
                        let mut cache = doc.template_cache.borrow_mut();
                        analysis::analyze_template(doc.text(), &found.policies, options, &mut cache)
                    };
                    for (mut result, embedded) in results.into_iter().zip(&found.policies) {
                        config.apply(&mut result.findings);
                        diagnostics.extend(
                            result
                                .findings
                                .iter()
                                .map(|f| diagnostics::to_diagnostic(f, doc.rope(), &entry.uri, encoding)),
                        );
                        let target = diff_lens::Target {
                            text: doc.text(),
                            json: &embedded.json,
                            embedded: Some(embedded),
                            policy_type: result.policy_type,
                        };
                        diagnostics.extend(new_access(target, doc));
                    }
                    if let Some(p) = path.as_deref() {
                        diagnostics.extend(
                            self.tests
                                .policy_diagnostics(&policy_tests::normalize(p), doc, encoding),
                        );
                    }
                    // A file with no policy (a Terraform file without one) stays silent, except
                    // to clear what was published while it had one.
                    let has_policies = !found.policies.is_empty();
                    let published = entry.doc.published;
                    entry.doc.published = has_policies;
                    if !has_policies && !published {
                        return None;
                    }
                    return Some(Publish {
                        uri: entry.uri.clone(),
                        version: Some(entry.doc.version),
                        diagnostics,
                    });
                }
                let json = doc.json();
                if matches!(kind, Kind::Yaml | Kind::Terraform)
                    || !is_policy(kind, json, &name, path.as_deref(), &config)
                {
                    // Plain JSON: silent, except to clear what we published while it was a policy.
                    if !entry.doc.published {
                        return None;
                    }
                    entry.doc.published = false;
                    return Some(Publish {
                        uri: entry.uri.clone(),
                        version: Some(entry.doc.version),
                        diagnostics: Vec::new(),
                    });
                }
                let mut result = analysis::analyze(doc.text(), json, options);
                config.apply(&mut result.findings);
                let mut diagnostics: Vec<Diagnostic> = result
                    .findings
                    .iter()
                    .map(|f| diagnostics::to_diagnostic(f, doc.rope(), &entry.uri, encoding))
                    .collect();
                let target = diff_lens::Target {
                    text: doc.text(),
                    json,
                    embedded: None,
                    policy_type: result.policy_type,
                };
                diagnostics.extend(new_access(target, doc));
                if let Some(p) = path.as_deref() {
                    diagnostics.extend(
                        self.tests
                            .policy_diagnostics(&policy_tests::normalize(p), doc, encoding),
                    );
                }
                entry.doc.published = true;
                Some(Publish {
                    uri: entry.uri.clone(),
                    version: Some(entry.doc.version),
                    diagnostics,
                })
            }
        }
    }
}

impl Session {
    /// The checks of large documents that the last calls scheduled, for the handler to run
    /// off the request path.
    pub fn take_large_checks(&mut self) -> Vec<LargeCheck> {
        std::mem::take(&mut self.large_checks)
    }

    /// A copy of what the background check of the large document `key` needs.
    fn large_check(&mut self, key: &str, kind: Kind, config: Arc<Config>) -> Option<LargeCheck> {
        let encoding = self.encoding;
        let entry = self.documents.get_mut(key)?;
        let path = entry.doc.path.clone();
        let holds = match kind {
            Kind::Policy => Holds::Policy,
            Kind::Json => Holds::Json,
            Kind::Yaml => Holds::Template(iam_policy::host::HostKind::CloudFormationYaml),
            Kind::Terraform => Holds::Template(iam_policy::host::HostKind::Terraform),
            Kind::Config | Kind::Test | Kind::Other => return None,
        };
        let was_published = entry.doc.published;
        // The check may publish; a later shrink below the limit then clears it if need be.
        entry.doc.published = true;
        let doc = &entry.doc;
        let name = display_name(path.as_deref(), &entry.uri);
        let named_as_policy =
            analysis::is_policy_file_name(&name) || path.as_deref().is_some_and(|p| config.glob_type(p).is_some());
        let extra = match path.as_deref() {
            Some(p) => self
                .tests
                .policy_diagnostics(&policy_tests::normalize(p), doc, encoding),
            None => Vec::new(),
        };
        Some(LargeCheck {
            uri: entry.uri.clone(),
            version: doc.version,
            text: doc.text().to_owned(),
            rope: doc.rope().clone(),
            grammar: doc.syntax().grammar(),
            holds,
            name,
            policy_type: config.policy_type_for(path.as_deref()),
            config,
            encoding,
            latest: entry.latest.clone(),
            was_published,
            extra,
            named_as_policy,
        })
    }
}

/// One message listing a configuration file's problems with their line:column.
fn error_message(path: &Path, rope: &Rope, errors: &[ConfigError]) -> Option<(MessageType, String)> {
    if errors.is_empty() {
        return None;
    }
    let lines: Vec<String> = errors
        .iter()
        .map(|e| match e.span {
            Some(span) => {
                let p = position::position(rope, span.start, Encoding::Utf32);
                format!(
                    "{}:{}:{}: {}",
                    path.display(),
                    p.line.saturating_add(1),
                    p.character.saturating_add(1),
                    e.message
                )
            }
            None => format!("{}: {}", path.display(), e.message),
        })
        .collect();
    Some((
        MessageType::ERROR,
        format!("iam-policy-ls: invalid configuration\n{}", lines.join("\n")),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::document::from_position;
    use proptest::prelude::*;
    use proptest::test_runner::TestCaseError;
    use std::str::FromStr;
    use tower_lsp_server::ls_types::{NumberOrString, Range};

    const BASE: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Sid\": \"中文\", \"Effect\": \"Allow\", \"Action\": [\"s3:Get*\"], \"Resource\": \"*\"},\r\n    {\"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"😀\"}\n  ]\n}\n";

    fn piece() -> impl Strategy<Value = &'static str> {
        prop_oneof![
            Just(""),
            Just("a"),
            Just("é"),
            Just("😀"),
            Just("中"),
            Just("\r\n"),
            Just("\n"),
            Just("\""),
            Just("{"),
            Just("}"),
            Just("["),
            Just("]"),
            Just(","),
            Just(":"),
            Just("\"Effect\": \"allow\""),
            Just("\"Statement\": ["),
            Just("// c"),
        ]
    }

    /// (start, length, inserted text), start and length as fractions of the current text.
    fn edit() -> impl Strategy<Value = (f64, usize, Vec<&'static str>)> {
        (0.0..=1.0f64, 0usize..12, proptest::collection::vec(piece(), 0..4))
    }

    fn encoding() -> impl Strategy<Value = Encoding> {
        prop_oneof![Just(Encoding::Utf8), Just(Encoding::Utf16), Just(Encoding::Utf32)]
    }

    fn floor(text: &str, mut i: usize) -> usize {
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    }

    fn sexp(doc: &Document) -> Option<String> {
        doc.syntax().tree().map(|t| t.root_node().to_sexp())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Random edit sequences applied incrementally give the same text, model and
        /// diagnostics as a fresh parse of the final text (and the same tree when the text is
        /// valid; tree-sitter may recover from errors differently, which must not show).
        #[test]
        fn incremental_equals_fresh(edits in proptest::collection::vec(edit(), 1..25), enc in encoding()) {
            let uri = Uri::from_str("file:///nonexistent-iam-ls-prop/p.json").unwrap();
            let mut session = Session::new(enc);
            session.open(uri.clone(), "iam-policy".into(), 1, BASE.to_owned());
            let mut expected = BASE.to_owned();
            let mut last = None;
            for (i, (at, len, pieces)) in edits.into_iter().enumerate() {
                let start = floor(&expected, ((expected.len() as f64) * at) as usize);
                let end = floor(&expected, (start + len).min(expected.len()));
                // CR LF is one line break: positions cannot point between them.
                let inside_crlf = |b: usize| b > 0 && expected.as_bytes().get(b - 1) == Some(&b'\r') && expected.as_bytes().get(b) == Some(&b'\n');
                let start = if inside_crlf(start) { start - 1 } else { start };
                let end = if inside_crlf(end) { end - 1 } else { end }.max(start);
                let new_text = pieces.concat();
                let rope = Rope::from_str(&expected);
                let range = Range {
                    start: from_position(position::position(&rope, start, enc)),
                    end: from_position(position::position(&rope, end, enc)),
                };
                expected.replace_range(start..end, &new_text);
                let change = TextDocumentContentChangeEvent { range: Some(range), range_length: None, text: new_text };
                let outcome = session.change(&uri, 2 + i as i32, vec![change]);
                last = outcome.publish.into_iter().next();
            }
            let doc = session.document(&uri).unwrap();
            prop_assert_eq!(doc.text(), expected.as_str());
            prop_assert_eq!(doc.rope().to_string(), expected.clone());

            let fresh = Document::new(expected.clone(), 1, "iam-policy".into(), None);
            let valid = fresh.syntax().tree().is_some_and(|t| !t.root_node().has_error());
            if valid {
                prop_assert_eq!(sexp(doc), sexp(&fresh));
            }
            let model = |d: &Document| d.syntax().tree().map(|t| iam_policy::json::build(d.text(), t));
            prop_assert_eq!(model(doc), model(&fresh));

            let fresh_uri = Uri::from_str("file:///nonexistent-iam-ls-prop/q.json").unwrap();
            let mut fresh_session = Session::new(enc);
            let fresh_outcome = fresh_session.open(fresh_uri, "iam-policy".into(), 1, expected);
            let fresh_diags = fresh_outcome.publish.into_iter().next().unwrap().diagnostics;
            let mut incremental = last.unwrap().diagnostics;
            // Related locations name the document's own URI.
            for d in &mut incremental {
                d.related_information = None;
            }
            let fresh_diags: Vec<_> = fresh_diags.into_iter().map(|mut d| { d.related_information = None; d }).collect();
            prop_assert_eq!(incremental, fresh_diags);
        }
    }

    const TEMPLATE_BASE: &str = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: {Service: lambda.amazonaws.com}\n            Action: sts:AssumeRole\n      Policies:\n        - PolicyName: p\n          PolicyDocument:\n            Version: '2012-10-17'\n            Statement:\n              - Effect: allow\n                Action:\n                  - s3:GetObjekt\n                  - \"s3:Put\u{e9}\"\n                Resource: !Sub 'arn:${AWS::Partition}:s3:::${B}/*'\n  Queue:\n    Type: AWS::SQS::Queue\n  QueuePolicy:\n    Type: AWS::SQS::QueuePolicy\n    Properties:\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: '*'\n            Action: sqs:SendMesage\n            Resource: !GetAtt Queue.Arn\n";

    const TERRAFORM_BASE: &str = "resource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{ Effect = \"allow\", Action = [\"s3:GetObjekt\"], Resource = \"${aws_s3_bucket.b.arn}/*\" }]\n  })\n}\ndata \"aws_iam_policy_document\" \"d\" {\n  statement {\n    actions = [\"s3:GetObjekt\"]\n    resources = [\"*\"]\n  }\n}\n";

    fn host_piece() -> impl Strategy<Value = &'static str> {
        prop_oneof![
            Just(""),
            Just("a"),
            Just("é"),
            Just("😀"),
            Just("\n"),
            Just("\r\n"),
            Just("  "),
            Just("- "),
            Just(": "),
            Just("'"),
            Just("\""),
            Just("{"),
            Just("}"),
            Just("["),
            Just("]"),
            Just(","),
            Just("="),
            Just("!Ref X"),
            Just("${"),
            Just("Action: s3:Get"),
            Just("\t"),
            Just("&a *a"),
        ]
    }

    fn host_edit() -> impl Strategy<Value = (f64, usize, Vec<&'static str>)> {
        (0.0..=1.0f64, 0usize..12, proptest::collection::vec(host_piece(), 0..4))
    }

    /// Applies `edits` to a template opened with `language`, then checks the diagnostics equal
    /// those of the final text opened fresh.
    fn template_incremental_equals_fresh(
        base: &str,
        language: &str,
        name: &str,
        edits: Vec<(f64, usize, Vec<&'static str>)>,
        enc: Encoding,
    ) -> Result<(), TestCaseError> {
        let uri = Uri::from_str(&format!("file:///nonexistent-iam-ls-prop/{name}")).unwrap();
        let mut session = Session::new(enc);
        session.open(uri.clone(), language.into(), 1, base.to_owned());
        let mut expected = base.to_owned();
        let mut last = None;
        for (i, (at, len, pieces)) in edits.into_iter().enumerate() {
            let start = floor(&expected, ((expected.len() as f64) * at) as usize);
            let end = floor(&expected, (start + len).min(expected.len()));
            let inside_crlf = |b: usize| {
                b > 0 && expected.as_bytes().get(b - 1) == Some(&b'\r') && expected.as_bytes().get(b) == Some(&b'\n')
            };
            let start = if inside_crlf(start) { start - 1 } else { start };
            let end = if inside_crlf(end) { end - 1 } else { end }.max(start);
            let new_text = pieces.concat();
            let rope = Rope::from_str(&expected);
            let range = Range {
                start: from_position(position::position(&rope, start, enc)),
                end: from_position(position::position(&rope, end, enc)),
            };
            expected.replace_range(start..end, &new_text);
            let change = TextDocumentContentChangeEvent {
                range: Some(range),
                range_length: None,
                text: new_text,
            };
            if let Some(p) = session
                .change(&uri, 2 + i as i32, vec![change])
                .publish
                .into_iter()
                .next()
            {
                last = Some(p);
            }
        }
        prop_assert_eq!(session.text(&uri), Some(expected.as_str()));
        let fresh_uri = Uri::from_str(&format!("file:///nonexistent-iam-ls-prop/fresh-{name}")).unwrap();
        let mut fresh_session = Session::new(enc);
        let fresh = fresh_session
            .open(fresh_uri, language.into(), 1, expected.clone())
            .publish
            .into_iter()
            .next();
        let strip = |p: Option<Publish>| -> Vec<Diagnostic> {
            p.map(|p| p.diagnostics)
                .unwrap_or_default()
                .into_iter()
                .map(|mut d| {
                    d.related_information = None;
                    d
                })
                .collect()
        };
        let incremental = strip(last);
        let fresh = strip(fresh);
        // A template that stopped holding policies publishes once (empty) and then nothing.
        if !fresh.is_empty() || !incremental.is_empty() {
            prop_assert_eq!(incremental, fresh, "text: {:?}", expected);
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(120))]
        /// Templates too: diagnostics after random edits equal those of a fresh open, and
        /// nothing panics on the half-typed YAML and HCL in between.
        #[test]
        fn yaml_template_incremental_equals_fresh(edits in proptest::collection::vec(host_edit(), 1..20), enc in encoding()) {
            template_incremental_equals_fresh(TEMPLATE_BASE, "yaml", "template.yaml", edits, enc)?;
        }

        #[test]
        fn terraform_incremental_equals_fresh(edits in proptest::collection::vec(host_edit(), 1..20), enc in encoding()) {
            template_incremental_equals_fresh(TERRAFORM_BASE, "terraform", "main.tf", edits, enc)?;
        }
    }

    #[test]
    fn stale_versions_and_unknown_documents_change_nothing() {
        let uri = Uri::from_str("file:///nonexistent-iam-ls-prop/s.json").unwrap();
        let mut session = Session::new(Encoding::Utf16);
        session.open(uri.clone(), "iam-policy".into(), 3, "{}".into());
        let change = |text: &str| TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: text.into(),
        };
        assert!(session.change(&uri, 3, vec![change("x")]).publish.is_empty());
        assert!(session.change(&uri, 1, vec![change("x")]).publish.is_empty());
        assert_eq!(session.text(&uri), Some("{}"));
        let other = Uri::from_str("file:///nonexistent-iam-ls-prop/t.json").unwrap();
        assert!(session.change(&other, 9, vec![change("x")]).publish.is_empty());
        assert_eq!(session.document_count(), 1);
        assert_eq!(session.change(&uri, 4, vec![change("{ }")]).publish.len(), 1);
        assert_eq!(session.text(&uri), Some("{ }"));
    }

    #[test]
    fn tests_use_a_policy_while_it_is_open_and_not_after_it_closes() {
        let dir = "file:///nonexistent-iam-ls-prop/ptests";
        let test = Uri::from_str(&format!("{dir}/a.iamtest.json")).unwrap();
        let policy = Uri::from_str(&format!("{dir}/p.json")).unwrap();
        let text = r#"{"policies": {"identity": ["p.json"]}, "principal": "arn:aws:iam::111122223333:role/r",
            "cases": [{"name": "reads", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "expect": "Allowed"}]}"#;
        let codes = |outcome: &Outcome, uri: &Uri| -> Vec<String> {
            let publish = outcome.publish.iter().find(|p| &p.uri == uri).unwrap();
            let code = |d: &Diagnostic| match &d.code {
                Some(NumberOrString::String(c)) => c.clone(),
                _ => String::new(),
            };
            publish.diagnostics.iter().map(code).collect()
        };
        let not_loaded = vec![iam_policy::policy_test::codes::POLICY_NOT_LOADED.to_owned()];
        let mut session = Session::new(Encoding::Utf16);
        let opened = session.open(test.clone(), "json".into(), 1, text.into());
        assert_eq!(codes(&opened, &test), not_loaded);

        // The open policy is used, and the open test document republished.
        let allow = r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#;
        let opened = session.open(policy.clone(), "json".into(), 1, allow.into());
        assert!(codes(&opened, &test).is_empty());
        // Opened again without a close (the path is listed once).
        session.open(policy.clone(), "json".into(), 1, allow.into());
        session.close(&policy);
        let change = TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: text.into(),
        };
        assert_eq!(codes(&session.change(&test, 2, vec![change]), &test), not_loaded);
        // Only the test document is left.
        assert_eq!(session.keys_by_path.values().flatten().count(), 1);
    }
}
