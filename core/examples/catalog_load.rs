//! Prints how long the first `catalog()` call takes, the resident memory it adds, and the cost
//! of a few wildcard expansions. `cargo run --release -p iam-policy --example catalog_load`

use std::time::Instant;

use iam_policy::catalog::{Catalog, catalog};

/// Resident set size in KiB from /proc (Linux), 0 elsewhere.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let before = rss_kib();
    let start = Instant::now();
    let c = catalog();
    let load = start.elapsed();
    let after = rss_kib();
    let src = c.source();
    println!(
        "{} {} ({}): {} services, {} actions; embedded {} bytes",
        src.package,
        src.version,
        src.date,
        c.services().len(),
        c.action_count(),
        Catalog::embedded_size()
    );
    println!(
        "first catalog() call: {:.2} ms; RSS {} KiB -> {} KiB (+{} KiB)",
        load.as_secs_f64() * 1e3,
        before,
        after,
        after.saturating_sub(before)
    );
    for pattern in ["s3:Get*", "*:Describe*", "*", "*:a*a*a*a*a*a*a*a*a*b"] {
        let runs = 20;
        let start = Instant::now();
        let mut n = 0;
        for _ in 0..runs {
            n = c.count_actions_matching(pattern);
        }
        println!(
            "{pattern:>24}: {n:>6} actions, {:.3} ms per expansion (mean of {runs})",
            start.elapsed().as_secs_f64() * 1e3 / f64::from(runs)
        );
    }
    let start = Instant::now();
    let s = c.suggest_action("s3:CreateTable");
    println!(
        "suggest_action(s3:CreateTable) = {s:?} in {:.3} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
}
