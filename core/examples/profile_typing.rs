//! Where a keystroke's time goes, stage by stage, while a statement is typed into a policy:
//! `cargo run --release -p iam-policy --example profile_typing -- FILE`.
use iam_policy::syntax::SyntaxDocument;
use iam_policy::{Options, analyze, json};
use std::time::{Duration, Instant};

const STATEMENT: &str = r#"{"Sid": "Typed", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "arn:aws:s3:::bucket/*"}, "#;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: profile_typing FILE");
        return;
    };
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("cannot read {path}");
        return;
    };
    let _ = iam_policy::catalog::catalog();
    let Some(start) = text
        .find("\"Statement\"")
        .and_then(|at| text[at..].find('[').map(|b| at + b + 1))
    else {
        eprintln!("no Statement array");
        return;
    };
    let mut doc = SyntaxDocument::new(text.clone());
    let mut rows: Vec<(Duration, Duration, Duration, usize)> = Vec::new();
    let mut at = start;
    for (i, ch) in STATEMENT.chars().enumerate() {
        let t0 = Instant::now();
        doc.edit(at, at, &ch.to_string());
        let t1 = Instant::now();
        let tree = doc.tree();
        let json = tree.map(|t| json::build(doc.text(), t)).unwrap_or_default();
        let t2 = Instant::now();
        let analysis = analyze(doc.text(), &json, Options::default());
        let t3 = Instant::now();
        std::hint::black_box(analysis);
        rows.push((t1 - t0, t2 - t1, t3 - t2, i));
        at += ch.len_utf8();
    }
    let total = |r: &(Duration, Duration, Duration, usize)| r.0 + r.1 + r.2;
    rows.sort_by_key(|r| std::cmp::Reverse(total(r)));
    println!(
        "{:>8} {:>8} {:>8} {:>8}  after typing",
        "parse", "build", "checks", "total"
    );
    for r in rows.iter().take(15) {
        let typed: String = STATEMENT.chars().take(r.3 + 1).collect();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "{:>8.3} {:>8.3} {:>8.3} {:>8.3}  {typed:?}",
            ms(r.0),
            ms(r.1),
            ms(r.2),
            ms(total(r))
        );
    }
}
