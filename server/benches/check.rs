//! `check` throughput: the release binary over all AWS managed policies
//! (`tests/corpus/aws-managed`), as a user runs it, with 1 and 2 analysis threads. Prints the
//! median and minimum wall time of several runs, files per second and MB per second. It
//! measures; it asserts nothing.
//!
//! `cargo bench -p iam-policy-ls --bench check` (`-- RUNS` to change the number of runs, 11 by
//! default).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a benchmark harness: failing loudly is right"
)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let runs: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(11);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus/aws-managed");
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    let bytes: u64 = files.iter().map(|p| std::fs::metadata(p).unwrap().len()).sum();
    println!(
        "corpus: {} files, {:.1} MB; {runs} runs each",
        files.len(),
        bytes as f64 / 1e6
    );
    for threads in ["1", "2"] {
        let mut samples: Vec<Duration> = (0..runs)
            .map(|_| {
                let start = Instant::now();
                let status = Command::new(env!("CARGO_BIN_EXE_iam-policy-ls"))
                    .arg("check")
                    .arg(&dir)
                    .env("RAYON_NUM_THREADS", threads)
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .unwrap();
                let elapsed = start.elapsed();
                // Findings make the exit code 1; a signal or a usage error is a broken run.
                assert!(matches!(status.code(), Some(0 | 1)), "check failed: {status}");
                elapsed
            })
            .collect();
        samples.sort();
        let median = samples[samples.len() / 2].as_secs_f64();
        let min = samples[0].as_secs_f64();
        println!(
            "check, {threads} thread(s): median {median:.3} s (min {min:.3} s), {:.0} files/s, {:.1} MB/s",
            files.len() as f64 / median,
            bytes as f64 / 1e6 / median
        );
    }
}
