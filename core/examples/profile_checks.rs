//! Time per rule on one policy: `cargo run --release -p iam-policy --example profile_checks -- FILE`.
use iam_policy::checks::{Context, RULES, Sink};
use iam_policy::{PolicyType, json, model::Policy};
use std::time::Instant;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: profile_checks FILE");
        return;
    };
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("cannot read {path}");
        return;
    };
    let _ = iam_policy::catalog::catalog();
    let runs: u32 = std::env::var("RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(50);
    let t = Instant::now();
    for _ in 0..runs {
        std::hint::black_box(json::parse(&text));
    }
    println!(
        "parse (tree-sitter + json)   {:>8.3} ms",
        t.elapsed().as_secs_f64() * 1e3 / f64::from(runs)
    );
    let doc = json::parse(&text);
    let policy = Policy::from_json(&doc);
    let ctx = Context {
        text: &text,
        json: &doc,
        policy: &policy,
        policy_type: PolicyType::Identity,
        type_is_explicit: false,
        host: None,
    };
    let actions: Vec<&str> = policy
        .statements
        .iter()
        .filter_map(|s| s.action.as_ref())
        .flat_map(|a| a.values())
        .collect();
    let c = iam_policy::catalog::catalog();
    let t = Instant::now();
    for _ in 0..runs {
        for a in &actions {
            if iam_policy::catalog::has_wildcard(a) {
                std::hint::black_box(c.actions_matching(a).next());
            }
        }
    }
    println!(
        "wildcard lookups ({})      {:>8.3} ms",
        actions.len(),
        t.elapsed().as_secs_f64() * 1e3 / f64::from(runs)
    );
    let t = Instant::now();
    for _ in 0..runs {
        for a in &actions {
            if !iam_policy::catalog::has_wildcard(a) {
                std::hint::black_box(c.action(a));
            }
        }
    }
    println!(
        "literal lookups             {:>8.3} ms",
        t.elapsed().as_secs_f64() * 1e3 / f64::from(runs)
    );
    for rule in RULES {
        let t = Instant::now();
        for _ in 0..runs {
            let mut sink = Sink::default();
            (rule.run)(&ctx, &mut sink);
            std::hint::black_box(sink.into_findings());
        }
        let name = rule.checks.first().map_or("?", |c| c.code);
        println!(
            "{name:<28} {:>8.3} ms",
            t.elapsed().as_secs_f64() * 1e3 / f64::from(runs)
        );
    }
}
