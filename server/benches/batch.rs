//! Batch evaluation end to end, as a user runs it: the release binary on 100,000 generated
//! requests (`simulate --batch`, JSON in, JSON out with explanations) and on a policy test file of
//! 10,000 cases (`test`). The requests are the realistic case of `core/benches/eval.rs`
//! (10-statement identity policy, bucket policy, boundary, two SCP levels; the policies are in
//! `tests/fixtures/batch/`), varied over eight actions and resources so that every decision kind
//! occurs. Prints the median and minimum wall time of several runs and decisions per second, on
//! all cores and on one. It measures; it asserts nothing.
//!
//! `cargo bench -p iam-policy-ls --bench batch` (`-- RUNS` to change the number of runs, 5 by
//! default; `-- RUNS LINES` to change the number of requests).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a benchmark harness: failing loudly is right"
)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const POLICIES: [(&str, &str); 5] = [
    ("identity", "identity.json"),
    ("bucket", "bucket.json"),
    ("boundary", "boundary.json"),
    ("scp-root", "scp-root.json"),
    ("scp-ou", "scp-ou.json"),
];

/// (action, resource): allowed, implicitly denied and explicitly denied requests.
const VARIANTS: [(&str, &str); 8] = [
    ("s3:GetObject", "arn:aws:s3:::reports/2024/q1.csv"),
    ("s3:GetObject", "arn:aws:s3:::reports/private/x.csv"),
    ("s3:PutObject", "arn:aws:s3:::reports/2024/q1.csv"),
    ("ec2:DescribeInstances", "*"),
    (
        "ec2:StartInstances",
        "arn:aws:ec2:eu-west-1:111122223333:instance/i-0123456789abcdef0",
    ),
    (
        "dynamodb:GetItem",
        "arn:aws:dynamodb:eu-west-1:111122223333:table/orders",
    ),
    ("iam:CreateUser", "arn:aws:iam::111122223333:user/mallory"),
    ("sqs:SendMessage", "arn:aws:sqs:eu-west-1:111122223333:jobs-1"),
];

const CONTEXT: &str = r#"{"aws:SourceIp": "203.0.113.7", "aws:SecureTransport": "true", "aws:PrincipalTag/team": "analytics", "aws:PrincipalOrgID": "o-abc123", "aws:RequestedRegion": "eu-west-1", "aws:CurrentTime": "2026-11-26T10:00:00Z", "aws:ViaAWSService": "false", "aws:SourceVpc": "vpc-111", "dynamodb:LeadingKeys": ["tenant-1"], "aws:PrincipalTag/tenant": "tenant-1"}"#;

const PRINCIPAL: &str = "arn:aws:sts::111122223333:assumed-role/analyst/alice";

fn main() {
    let numbers: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let runs = numbers.first().copied().unwrap_or(5);
    let lines = numbers.get(1).copied().unwrap_or(100_000);
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/batch");
    let dir = std::env::temp_dir().join(format!("iam-policy-ls-batch-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let texts: Vec<String> = POLICIES
        .iter()
        .map(|(_, file)| std::fs::read_to_string(fixtures.join(file)).unwrap())
        .collect();
    for ((_, file), text) in POLICIES.iter().zip(&texts) {
        std::fs::write(dir.join(file), text).unwrap();
    }

    let by_path = write_batch(&dir.join("paths.jsonl"), lines, |name| format!("\"{}\"", file_of(name)));
    let compact: Vec<String> = texts
        .iter()
        .map(|t| serde_json::to_string(&serde_json::from_str::<serde_json::Value>(t).unwrap()).unwrap())
        .collect();
    let inline = write_batch(&dir.join("inline.jsonl"), lines, |name| {
        let i = POLICIES.iter().position(|(n, _)| *n == name).unwrap();
        compact[i].clone()
    });
    let tests = write_test_file(&dir.join("cases.iamtest.json"), 10_000);

    println!("machine: {} cores; load average {}", cores(), load_average());
    println!("{lines} requests per batch, {runs} runs each");
    for (what, file) in [("policies as paths", &by_path), ("policies inline", &inline)] {
        for threads in [None, Some("1")] {
            let d = median_and_min(runs, || run(&["simulate", "--batch"], file, threads));
            report(&format!("simulate --batch, {what}"), threads, lines, d);
        }
    }
    for threads in [None, Some("1")] {
        let d = median_and_min(runs, || run(&["test", "--format", "json"], &tests, threads));
        report("test, 10,000 cases", threads, 10_000, d);
    }
    println!("load average after: {}", load_average());
    let _ = std::fs::remove_dir_all(&dir);
}

fn file_of(name: &str) -> &'static str {
    POLICIES.iter().find(|(n, _)| *n == name).unwrap().1
}

/// A request line whose policies are written by `policy` (a path string or an inline object).
fn write_batch(path: &Path, lines: usize, policy: impl Fn(&str) -> String) -> PathBuf {
    let mut out = String::new();
    for i in 0..lines {
        let (action, resource) = VARIANTS[i % VARIANTS.len()];
        let _ = writeln!(
            out,
            r#"{{"request": {{"principal": "{PRINCIPAL}", "action": "{action}", "resource": "{resource}", "resourceAccount": "111122223333", "context": {CONTEXT}}}, "policies": {{"identity": [{}], "resource": {}, "permissionBoundaries": [{}], "scps": [{{"orgIdentifier": "r-root", "policies": [{}]}}, {{"orgIdentifier": "ou-abcd-11111111", "policies": [{}]}}]}}}}"#,
            policy("identity"),
            policy("bucket"),
            policy("boundary"),
            policy("scp-root"),
            policy("scp-ou"),
        );
    }
    std::fs::write(path, out).unwrap();
    path.to_path_buf()
}

fn write_test_file(path: &Path, cases: usize) -> PathBuf {
    let mut list = Vec::new();
    for i in 0..cases {
        let (action, resource) = VARIANTS[i % VARIANTS.len()];
        // The expectation is whatever the evaluator decides; the run measures, the decisions
        // are checked elsewhere. "Allowed" for all: failures are rendered too.
        list.push(format!(
            r#"{{"name": "case {i}", "action": "{action}", "resource": "{resource}", "expect": "Allowed"}}"#
        ));
    }
    let text = format!(
        r#"{{"policies": {{"identity": ["identity.json"], "resource": "bucket.json", "permissionBoundaries": ["boundary.json"],
  "scps": [{{"orgIdentifier": "r-root", "policies": ["scp-root.json"]}}, {{"orgIdentifier": "ou-abcd-11111111", "policies": ["scp-ou.json"]}}]}},
 "principal": "{PRINCIPAL}", "resourceAccount": "111122223333", "context": {CONTEXT},
 "cases": [{}]}}"#,
        list.join(",\n  ")
    );
    std::fs::write(path, text).unwrap();
    path.to_path_buf()
}

fn run(args: &[&str], file: &Path, threads: Option<&str>) -> Duration {
    let mut command = Command::new(env!("CARGO_BIN_EXE_iam-policy-ls"));
    command.args(args).arg(file).stdout(Stdio::null()).stderr(Stdio::null());
    if let Some(n) = threads {
        command.env("RAYON_NUM_THREADS", n);
    }
    let start = Instant::now();
    let status = command.status().unwrap();
    let elapsed = start.elapsed();
    // `test` exits 1 when a case fails (most do here); anything else is a broken run.
    assert!(matches!(status.code(), Some(0 | 1)), "{args:?} failed: {status}");
    elapsed
}

fn median_and_min(runs: usize, mut f: impl FnMut() -> Duration) -> (f64, f64) {
    let mut samples: Vec<Duration> = (0..runs).map(|_| f()).collect();
    samples.sort();
    (samples[samples.len() / 2].as_secs_f64(), samples[0].as_secs_f64())
}

fn report(what: &str, threads: Option<&str>, decisions: usize, (median, min): (f64, f64)) {
    let threads = threads.map_or_else(|| "all cores".to_string(), |n| format!("{n} thread"));
    println!(
        "{what}, {threads}: median {median:.3} s (min {min:.3} s), {:.0} decisions/s",
        decisions as f64 / median
    );
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}
