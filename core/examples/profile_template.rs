//! Where a keystroke's time goes in a template, stage by stage, while an action is typed into
//! one of its policies, the way the server does it (the edited resource re-read, unchanged
//! policies' findings reused): `cargo run --release -p iam-policy --example profile_template -- FILE`.
//! FILE is a CloudFormation YAML template or a Terraform file; `Version` is typed after the
//! first `s3:GetObject` of the middle policy (so every keystroke leaves a valid template).
use iam_policy::host::{self, HostKind};
use iam_policy::syntax::{Grammar, SyntaxDocument};
use iam_policy::{Options, analysis};
use std::time::{Duration, Instant};

/// Parse, find the policies, check them.
type Row = (Duration, Duration, Duration);

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: profile_template FILE");
        return;
    };
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("cannot read {path}");
        return;
    };
    let (kind, grammar) = if path.ends_with(".tf") {
        (HostKind::Terraform, Grammar::Hcl)
    } else {
        (HostKind::CloudFormationYaml, Grammar::Yaml)
    };
    let typed = "Version";
    let _ = iam_policy::catalog::catalog();
    let found = host::parse(kind, &text);
    let Some(middle) = found.policies.get(found.policies.len() / 2) else {
        eprintln!("no policy in {path}");
        return;
    };
    let Some(at) = text
        .get(middle.span.range())
        .and_then(|p| p.find("s3:GetObject"))
        .map(|a| middle.span.start + a + "s3:GetObject".len())
    else {
        eprintln!("no s3:GetObject in the middle policy");
        return;
    };
    println!("{} policies; typing {typed:?} at byte {at}", found.policies.len());
    let mut doc = SyntaxDocument::with_grammar(text.clone(), grammar);
    // As the server does: the policies found before the keystroke, and the last check.
    let mut previous = found;
    let mut cache = analysis::TemplateCache::default();
    let _ = analysis::analyze_template(doc.text(), &previous.policies, Options::default(), &mut cache);
    let mut rows: Vec<Row> = Vec::new();
    let mut offset = at;
    for ch in typed.chars() {
        let t0 = Instant::now();
        doc.edit(offset, offset, &ch.to_string());
        let t1 = Instant::now();
        let Some(tree) = doc.tree() else { return };
        let edit = host::TextEdit {
            start: offset,
            old_end: offset,
            new_end: offset + ch.len_utf8(),
        };
        let found = match kind {
            HostKind::CloudFormationYaml => host::rescan_yaml(&previous, edit, doc.text(), tree),
            _ => None,
        }
        .unwrap_or_else(|| host::scan(kind, doc.text(), tree));
        let t2 = Instant::now();
        let results = analysis::analyze_template(doc.text(), &found.policies, Options::default(), &mut cache);
        let t3 = Instant::now();
        std::hint::black_box(results.len());
        rows.push((t1 - t0, t2 - t1, t3 - t2));
        previous = found;
        offset += ch.len_utf8();
    }
    let median = |stage: fn(&Row) -> Duration| {
        let mut v: Vec<Duration> = rows.iter().map(stage).collect();
        v.sort();
        v.get(v.len() / 2).copied().unwrap_or_default().as_secs_f64() * 1e3
    };
    println!(
        "median per keystroke: parse {:.3} ms, find policies {:.3} ms, check {:.3} ms",
        median(|r| r.0),
        median(|r| r.1),
        median(|r| r.2)
    );
}
