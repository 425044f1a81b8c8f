//! Logging: `tracing` events go to stderr (stdout carries the protocol) and, once the client is
//! known, this crate's events also go to the client as `window/logMessage`. The level comes from
//! `--log-level` or `IAM_POLICY_LS_LOG` (`error`, `warn`, `info`, `debug`, `trace`, or any
//! `tracing` filter directive); the default is `info`.

use std::fmt::Write as _;
use std::sync::OnceLock;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::MessageType;
use tracing::{Level, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

/// The environment variable read when `--log-level` is not given.
pub const ENV_VAR: &str = "IAM_POLICY_LS_LOG";

static TO_CLIENT: OnceLock<UnboundedSender<(MessageType, String)>> = OnceLock::new();

/// Installs the global subscriber. A bad filter is reported and replaced by `info`.
pub fn init(level: Option<&str>) {
    let wanted = level
        .map(str::to_owned)
        .or_else(|| std::env::var(ENV_VAR).ok())
        .unwrap_or_else(|| "info".to_owned());
    let filter = EnvFilter::try_new(&wanted).unwrap_or_else(|e| {
        eprintln!("iam-policy-ls: invalid log level `{wanted}` ({e}); using `info`");
        EnvFilter::new("info")
    });
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false);
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(stderr)
        .with(ClientLayer)
        .try_init();
}

/// Starts forwarding this crate's log events to `client` (call inside the runtime).
pub fn attach_client(client: Client) {
    let (tx, mut rx) = unbounded_channel::<(MessageType, String)>();
    if TO_CLIENT.set(tx).is_err() {
        return;
    }
    tokio::spawn(async move {
        while let Some((typ, message)) = rx.recv().await {
            client.log_message(typ, message).await;
        }
    });
}

struct ClientLayer;

impl<S: Subscriber> Layer<S> for ClientLayer {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        // Only our own events: the transport's would echo every message it sends.
        if !event.metadata().target().starts_with("iam_policy") {
            return;
        }
        let Some(tx) = TO_CLIENT.get() else { return };
        let typ = match *event.metadata().level() {
            Level::ERROR => MessageType::ERROR,
            Level::WARN => MessageType::WARNING,
            Level::INFO => MessageType::INFO,
            _ => MessageType::LOG,
        };
        let mut text = Text(String::new());
        event.record(&mut text);
        let _ = tx.send((typ, text.0));
    }
}

struct Text(String);

impl tracing::field::Visit for Text {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }
}
