//! The language server: LSP over stdin/stdout with tower-lsp-server.
//!
//! Ordering: tower-lsp-server runs handlers concurrently, but it creates and first polls their
//! futures in arrival order. Every state change is made by a synchronous call into
//! [`session::Session`] at the very start of the handler, before its first `.await`, so changes
//! apply in the order the client sent them; a change whose version is not newer than the
//! document's is dropped. The lock is never held across an `.await`.

pub mod code_action;
pub mod completion;
pub mod diagnostics;
pub mod diff_lens;
pub mod document;
pub mod hover;
pub mod inlay;
pub mod large;
pub mod logging;
pub mod policy_tests;
pub mod policy_type;
pub mod session;
mod stdio;
pub mod summary_lens;
pub mod symbols;
pub mod transport;

use crate::position::Encoding;
use session::{Outcome, Session};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::io::AsyncRead;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability, CodeActionResponse, CodeLens,
    CodeLensOptions, CodeLensParams, CompletionOptions, CompletionParams, CompletionResponse,
    DidChangeConfigurationParams, DidChangeTextDocumentParams, DidChangeWatchedFilesParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, DocumentLink, DocumentLinkOptions, DocumentLinkParams,
    DocumentSymbolParams, DocumentSymbolResponse, ExecuteCommandOptions, ExecuteCommandParams, FoldingRange,
    FoldingRangeParams, FoldingRangeProviderCapability, Hover, HoverParams, HoverProviderCapability, InitializeParams,
    InitializeResult, InitializedParams, InlayHint, InlayHintParams, LSPAny, MessageType, OneOf, PositionEncodingKind,
    Registration, SaveOptions, SelectionRange, SelectionRangeParams, SelectionRangeProviderCapability,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions,
};
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

pub struct Backend {
    client: Client,
    session: Mutex<Session>,
    /// Whether `shutdown` came before `exit` (the exit code says so).
    shutdown: Arc<AtomicBool>,
    watch_config_files: AtomicBool,
    /// The client accepts snippets in completion items.
    snippet_support: AtomicBool,
}

impl Backend {
    fn session(&self) -> MutexGuard<'_, Session> {
        // A poisoned lock means a handler panicked mid-update; the documents are still whole
        // (every edit is applied in one call), so keep serving.
        self.session.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Calls `f` on the session, starts the large-document checks it scheduled off the request
    /// path, and returns what to send.
    fn update(&self, f: impl FnOnce(&mut Session) -> Outcome) -> Outcome {
        let (outcome, checks) = {
            let mut session = self.session();
            let outcome = f(&mut session);
            (outcome, session.take_large_checks())
        };
        for check in checks {
            let client = self.client.clone();
            tokio::spawn(async move {
                match tokio::task::spawn_blocking(move || check.run()).await {
                    Ok(Some(p)) => client.publish_diagnostics(p.uri, p.diagnostics, p.version).await,
                    Ok(None) => {}
                    Err(e) => tracing::error!("the check of a large document failed: {e}"),
                }
            });
        }
        outcome
    }

    async fn send(&self, outcome: Outcome) {
        for (typ, message) in outcome.messages {
            tracing::warn!("{message}");
            self.client.show_message(typ, message).await;
        }
        for p in outcome.publish {
            self.client.publish_diagnostics(p.uri, p.diagnostics, p.version).await;
        }
    }
}

/// The workspace folders' paths (else the root URI's), where the search for tests stops.
fn workspace_roots(params: &InitializeParams) -> Vec<std::path::PathBuf> {
    let folders = params.workspace_folders.iter().flatten().map(|f| &f.uri);
    #[expect(deprecated, reason = "older clients send only rootUri")]
    let root = params.root_uri.iter();
    folders
        .chain(root)
        .filter(|u| u.scheme().as_str() == "file")
        .filter_map(|u| u.to_file_path().map(|p| policy_tests::normalize(&p)))
        .collect()
}

/// The encoding to use: the cheapest the client offers (utf-8 needs no conversion, utf-32
/// little), else utf-16, which every client supports.
pub fn negotiate_encoding(params: &InitializeParams) -> Encoding {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    let offers = |kind: &PositionEncodingKind| offered.is_some_and(|o| o.contains(kind));
    if offers(&PositionEncodingKind::UTF8) {
        Encoding::Utf8
    } else if offers(&PositionEncodingKind::UTF32) {
        Encoding::Utf32
    } else {
        Encoding::Utf16
    }
}

impl Backend {
    async fn malformed(&self, params: transport::MalformedParams) -> Result<()> {
        transport::malformed_error(&params)
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let encoding = negotiate_encoding(&params);
        let watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        self.watch_config_files.store(watch, Ordering::Relaxed);
        let snippets = params
            .capabilities
            .text_document
            .as_ref()
            .and_then(|t| t.completion.as_ref())
            .and_then(|c| c.completion_item.as_ref())
            .and_then(|i| i.snippet_support)
            .unwrap_or(false);
        self.snippet_support.store(snippets, Ordering::Relaxed);
        let outcome = {
            let mut session = self.session();
            session.encoding = encoding;
            session.tests.roots = workspace_roots(&params);
            match &params.initialization_options {
                Some(options) => session.set_editor_settings(options),
                None => Outcome::default(),
            }
        };
        tracing::info!("initialize: position encoding {}", encoding.as_str());
        // No documents are open yet; only messages about the settings.
        self.send(outcome).await;
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(PositionEncodingKind::new(encoding.as_str())),
                text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                        include_text: Some(false),
                    })),
                    ..TextDocumentSyncOptions::default()
                })),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                    code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::REFACTOR_REWRITE]),
                    ..CodeActionOptions::default()
                })),
                document_symbol_provider: Some(OneOf::Left(true)),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                selection_range_provider: Some(SelectionRangeProviderCapability::Simple(true)),
                inlay_hint_provider: Some(OneOf::Left(true)),
                document_link_provider: Some(DocumentLinkOptions {
                    resolve_provider: Some(false),
                    work_done_progress_options: Default::default(),
                }),
                code_lens_provider: Some(CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: vec![policy_tests::RUN_COMMAND.to_owned(), diff_lens::SHOW_COMMAND.to_owned()],
                    ..ExecuteCommandOptions::default()
                }),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(completion::TRIGGER_CHARACTERS.iter().map(|c| (*c).to_owned()).collect()),
                    ..CompletionOptions::default()
                }),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "iam-policy-ls".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        tracing::info!("iam-policy-ls {} ready", env!("CARGO_PKG_VERSION"));
        if self.watch_config_files.load(Ordering::Relaxed) {
            // Configuration files, and the test files, policies and templates policy tests read
            // from disk (cached until they change).
            let registration = Registration {
                id: "iam-policy-ls-file-watcher".to_owned(),
                method: "workspace/didChangeWatchedFiles".to_owned(),
                register_options: Some(serde_json::json!({
                    "watchers": [
                        {"globPattern": format!("**/{}", iam_policy::config::FILE_NAME)},
                        {"globPattern": "**/*.json"},
                        {"globPattern": "**/*.{yaml,yml,tf}"}
                    ]
                })),
            };
            if let Err(e) = self.client.register_capability(vec![registration]).await {
                tracing::warn!("could not register the file watcher: {e}");
            }
        }
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let snippets = self.snippet_support.load(Ordering::Relaxed);
        let mut session = self.session();
        Ok(completion::complete(&mut session, &params, snippets)
            .or_else(|| session.test_completion(&params.text_document_position)))
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let uri = &params.text_document.uri;
        let mut session = self.session();
        // A test file's run lenses; a policy's summary, then what it grants beyond HEAD.
        Ok(session.code_lenses(uri).or_else(|| {
            let mut lenses = summary_lens::code_lenses(&mut session, uri).unwrap_or_default();
            lenses.extend(diff_lens::code_lenses(&mut session, uri));
            (!lenses.is_empty()).then_some(lenses)
        }))
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        let uri = params
            .arguments
            .first()
            .and_then(|a| a.as_str())
            .and_then(|u| u.parse::<tower_lsp_server::ls_types::Uri>().ok());
        let outcome = match (params.command.as_str(), uri) {
            (policy_tests::RUN_COMMAND, Some(uri)) => self.update(|s| s.rerun_tests(&uri)),
            (diff_lens::SHOW_COMMAND, Some(uri)) => {
                // Shown to the user, and returned for clients that display it themselves.
                let pointer = params.arguments.get(1).and_then(|a| a.as_str()).unwrap_or("");
                let report = diff_lens::report(&mut self.session(), &uri, pointer);
                if let Some(report) = &report {
                    self.client.show_message(MessageType::INFO, report).await;
                }
                return Ok(report.map(LSPAny::String));
            }
            _ => Outcome::default(),
        };
        self.send(outcome).await;
        Ok(None)
    }

    async fn shutdown(&self) -> Result<()> {
        self.shutdown.store(true, Ordering::SeqCst);
        Ok(())
    }

    // Requests: lock the session, compute, release; nothing awaits while it is held.

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        Ok(hover::hover(&mut self.session(), &params))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let actions = code_action::code_actions(&mut self.session(), &params);
        Ok(Some(actions))
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        let symbols = symbols::document_symbols(&mut self.session(), &params.text_document.uri);
        Ok(symbols.map(DocumentSymbolResponse::Nested))
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        Ok(symbols::folding_ranges(&mut self.session(), &params.text_document.uri))
    }

    async fn selection_range(&self, params: SelectionRangeParams) -> Result<Option<Vec<SelectionRange>>> {
        let uri = &params.text_document.uri;
        Ok(symbols::selection_ranges(&mut self.session(), uri, &params.positions))
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        Ok(inlay::inlay_hints(&mut self.session(), &params))
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        Ok(symbols::document_links(&mut self.session(), &params.text_document.uri))
    }

    // The notification handlers below are plain `fn`s returning a future: the session call in
    // the body runs when tower-lsp-server first polls the handler, which it does in arrival
    // order, and before anything awaits.

    fn did_open(&self, params: DidOpenTextDocumentParams) -> impl Future<Output = ()> + Send {
        let d = params.text_document;
        let outcome = self.update(|s| s.open(d.uri, d.language_id, d.version, d.text));
        self.send(outcome)
    }

    fn did_change(&self, params: DidChangeTextDocumentParams) -> impl Future<Output = ()> + Send {
        let d = params.text_document;
        let outcome = self.update(|s| s.change(&d.uri, d.version, params.content_changes));
        self.send(outcome)
    }

    fn did_close(&self, params: DidCloseTextDocumentParams) -> impl Future<Output = ()> + Send {
        let outcome = self.update(|s| s.close(&params.text_document.uri));
        self.send(outcome)
    }

    fn did_save(&self, params: DidSaveTextDocumentParams) -> impl Future<Output = ()> + Send {
        let outcome = self.update(|s| s.saved(&params.text_document.uri));
        self.send(outcome)
    }

    fn did_change_configuration(&self, params: DidChangeConfigurationParams) -> impl Future<Output = ()> + Send {
        // Pull-model clients send `null` settings as a mere signal; we do not pull.
        let outcome = if params.settings.is_null() {
            Outcome::default()
        } else {
            self.update(|s| s.set_editor_settings(&params.settings))
        };
        self.send(outcome)
    }

    fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) -> impl Future<Output = ()> + Send {
        let uris: Vec<_> = params.changes.into_iter().map(|c| c.uri).collect();
        let outcome = self.update(|s| s.files_changed(&uris));
        self.send(outcome)
    }
}

/// Serves LSP on stdin/stdout until `exit`. Returns the process exit code: 0 after
/// `shutdown` then `exit`, 1 when the client exits or disconnects without `shutdown`.
pub fn run() -> u8 {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("iam-policy-ls: cannot start the runtime: {e}");
            return 1;
        }
    };
    // Pipes and sockets register with the runtime's reactor: create them inside it.
    let streams = {
        let _inside = runtime.enter();
        stdio::input().and_then(|i| Ok((i, stdio::output()?)))
    };
    let (input, (output, flushed)) = match streams {
        Ok(streams) => streams,
        Err(e) => {
            eprintln!("iam-policy-ls: cannot use stdin/stdout: {e}");
            return 1;
        }
    };
    let clean = runtime.block_on(serve(input, output));
    // The output is dropped with the future: let the writer finish. The stdin thread may be
    // blocked in a read that never returns, so it is not waited for.
    flushed.wait(std::time::Duration::from_secs(2));
    runtime.shutdown_background();
    if clean { 0 } else { 1 }
}

/// Serves LSP over any byte streams (stdio in [`run`], in-memory pipes in tests and fuzzing)
/// until `exit` or the end of `input`. True when `shutdown` came before the end.
pub async fn serve(input: impl AsyncRead + Unpin + Send + 'static, output: impl tokio::io::AsyncWrite + Unpin) -> bool {
    let shutdown = Arc::new(AtomicBool::new(false));
    let shut = shutdown.clone();
    let (service, socket) = LspService::build(|client| {
        logging::attach_client(client.clone());
        Backend {
            client,
            session: Mutex::new(Session::new(Encoding::Utf16)),
            shutdown: shut,
            watch_config_files: AtomicBool::new(false),
            snippet_support: AtomicBool::new(false),
        }
    })
    .custom_method(transport::MALFORMED, Backend::malformed)
    .custom_method(policy_type::METHOD, Backend::policy_type)
    .finish();
    let (filtered, server_input) = tokio::io::duplex(1 << 16);
    let guard = tokio::spawn(transport::filter(input, filtered));
    Server::new(server_input, output, socket).serve(service).await;
    guard.abort();
    shutdown.load(Ordering::SeqCst)
}
