//! Where a keystroke's time goes inside the server, without the protocol round trip: the
//! session's didChange handling (edit, parse, checks, diagnostics) and the serialisation of the
//! publishDiagnostics it produces, while a statement is typed into a policy eight times.
//! `cargo run --release -p iam-policy-ls --example profile_session -- FILE`
use iam_policy_ls::lsp::session::Session;
use iam_policy_ls::position::Encoding;
use std::str::FromStr;
use std::time::{Duration, Instant};
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent, Uri};

const STATEMENT: &str = r#"{"Sid": "Typed", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "arn:aws:s3:::bucket/*"}, "#;

fn summary(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |q: f64| {
        samples
            .get(((samples.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or_default()
    };
    println!(
        "{name:<28} median {:>7.3} ms   p99 {:>7.3} ms   max {:>7.3} ms",
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        at(1.0).as_secs_f64() * 1e3
    );
}

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: profile_session FILE");
        return;
    };
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("cannot read {path}");
        return;
    };
    let Some(start) = text
        .find("\"Statement\"")
        .and_then(|at| text[at..].find('[').map(|b| at + b + 1))
    else {
        eprintln!("no Statement array");
        return;
    };
    let line = text[..start].matches('\n').count() as u32;
    let mut character = (start - text[..start].rfind('\n').map_or(0, |i| i + 1)) as u32;
    let Ok(uri) = Uri::from_str("file:///profile/policy.json") else {
        return;
    };
    let mut session = Session::new(Encoding::Utf16);
    session.open(uri.clone(), "iam-policy".into(), 1, text.clone());
    let (mut handle, mut serialise) = (Vec::new(), Vec::new());
    let mut slowest = Vec::new();
    let mut version = 1;
    let rounds: usize = std::env::var("ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(8);
    for _ in 0..rounds {
        for ch in STATEMENT.chars() {
            version += 1;
            let at = Position { line, character };
            let change = TextDocumentContentChangeEvent {
                range: Some(Range { start: at, end: at }),
                range_length: None,
                text: ch.to_string(),
            };
            let t0 = Instant::now();
            let outcome = session.change(&uri, version, vec![change]);
            let t1 = Instant::now();
            for p in &outcome.publish {
                std::hint::black_box(serde_json::to_string(&p.diagnostics).unwrap_or_default());
            }
            serialise.push(t1.elapsed());
            handle.push(t1 - t0);
            slowest.push((t1 - t0, ch, version));
            character += 1;
        }
    }
    summary("Session::change", handle);
    summary("serialise diagnostics", serialise);
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    for (took, ch, version) in slowest.iter().take(12) {
        println!(
            "    {:>7.3} ms  typing {ch:?} (version {version})",
            took.as_secs_f64() * 1e3
        );
    }
}
