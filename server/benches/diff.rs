//! Speed of `diff`, against the issue's aims (under 50 ms for two versions of `ReadOnlyAccess`,
//! under 2 s for `diff --git` over 1,000 policies):
//! - two versions of `ReadOnlyAccess` (141 KB, ~2,900 action entries): the second made by a
//!   scripted edit (every 50th action entry dropped, `s3:PutObject` and `iam:PassRole` added, a
//!   statement with a condition and a narrower resource added). In process (parse, model and
//!   diff of both) and as a user runs the release binary (process start and catalog decode
//!   included);
//! - `diff --git HEAD` in a generated repository of 1,000 policies (200 directories of 5),
//!   with every policy changed, and with 10 changed.
//!
//! Prints median and p99 or min, with the load average (the machine is shared). It measures;
//! it asserts nothing. `cargo bench -p iam-policy-ls --bench diff` (`-- RUNS`, 21 by default).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a benchmark harness: failing loudly is right"
)]

use iam_policy::PolicyType;
use iam_policy::access::Access;
use iam_policy::diff::diff;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "n/a".into())
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{name:<58} n={:<4} median {:>9.3} ms   p99 {:>9.3} ms   min {:>9.3} ms",
        samples.len(),
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        at(0.0).as_secs_f64() * 1e3
    );
}

fn time(runs: usize, mut f: impl FnMut()) -> Vec<Duration> {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect()
}

/// `ReadOnlyAccess` edited as a reviewer would see it: some actions gone, two added, and a new
/// conditional statement on a narrower resource.
fn edited(text: &str) -> String {
    let mut policy: serde_json::Value = serde_json::from_str(text).unwrap();
    let statements = policy["Statement"].as_array_mut().unwrap();
    let actions = statements[0]["Action"].as_array_mut().unwrap();
    let mut i = 0;
    actions.retain(|_| {
        i += 1;
        i % 50 != 0
    });
    actions.push("s3:PutObject".into());
    actions.push("iam:PassRole".into());
    statements.push(serde_json::json!({
        "Sid": "Deploy",
        "Effect": "Allow",
        "Action": ["lambda:UpdateFunctionCode", "lambda:PublishVersion"],
        "Resource": "arn:aws:lambda:us-east-1:111122223333:function:app-*",
        "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}
    }));
    serde_json::to_string_pretty(&policy).unwrap()
}

fn run(args: &[&str], dir: &Path) -> Duration {
    let start = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_iam-policy-ls"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    let elapsed = start.elapsed();
    assert!(matches!(status.code(), Some(0 | 1)), "diff failed: {status}");
    elapsed
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=bench",
            "-c",
            "user.email=bench@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

fn policy(i: usize, extra: bool) -> String {
    let extra = if extra { r#", "s3:DeleteObject""# } else { "" };
    format!(
        r#"{{
  "Version": "2012-10-17",
  "Statement": [
    {{"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"{extra}],
     "Resource": ["arn:aws:s3:::bucket-{i}", "arn:aws:s3:::bucket-{i}/*"]}},
    {{"Sid": "Queue", "Effect": "Allow", "Action": "sqs:SendMessage",
     "Resource": "arn:aws:sqs:us-east-1:111122223333:queue-{i}",
     "Condition": {{"StringEquals": {{"aws:SourceVpc": "vpc-{i}"}}}}}},
    {{"Sid": "NoDeletes", "Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}}
  ]
}}
"#
    )
}

/// A repository of 1,000 policies committed, then `changed` of them edited in the work tree.
fn repository(changed: usize) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("diff-bench-{changed}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    git(&dir, &["init", "-q"]);
    let path = |i: usize| dir.join(format!("team-{}/policy-{i}.json", i / 5));
    for i in 0..1000 {
        std::fs::create_dir_all(path(i).parent().unwrap()).unwrap();
        std::fs::write(path(i), policy(i, false)).unwrap();
    }
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "policies"]);
    for i in (0..1000).step_by(1000 / changed) {
        std::fs::write(path(i), policy(i, true)).unwrap();
    }
    dir
}

fn main() {
    let runs: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(21);
    println!("load average before: {}", load_average());
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus/aws-managed");
    let old = std::fs::read_to_string(corpus.join("ReadOnlyAccess.json")).unwrap();
    let new = edited(&old);
    // The catalog and the action index are built once per process.
    black_box(Access::from_text("{}", None));
    let d = diff(
        &Access::from_text(&old, Some(PolicyType::Identity)),
        &Access::from_text(&new, Some(PolicyType::Identity)),
    );
    println!("ReadOnlyAccess edit: {}", d.headline());
    report(
        "ReadOnlyAccess, in process: parse + model ×2 + diff",
        time(runs, || {
            let a = Access::from_text(black_box(&old), Some(PolicyType::Identity));
            let b = Access::from_text(black_box(&new), Some(PolicyType::Identity));
            black_box(diff(&a, &b));
        }),
    );
    let (a, b) = (
        Access::from_text(&old, Some(PolicyType::Identity)),
        Access::from_text(&new, Some(PolicyType::Identity)),
    );
    report(
        "ReadOnlyAccess, in process: diff alone",
        time(runs, || {
            black_box(diff(black_box(&a), black_box(&b)));
        }),
    );
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("diff-bench-readonly");
    std::fs::create_dir_all(&scratch).unwrap();
    std::fs::write(scratch.join("old.json"), &old).unwrap();
    std::fs::write(scratch.join("new.json"), &new).unwrap();
    report(
        "ReadOnlyAccess, `iam-policy-ls diff old.json new.json`",
        (0..runs)
            .map(|_| run(&["diff", "old.json", "new.json"], &scratch))
            .collect(),
    );
    for changed in [1000, 10] {
        let dir = repository(changed);
        report(
            &format!("`diff --git HEAD`, 1,000 policies, {changed} changed"),
            (0..runs.min(11))
                .map(|_| run(&["diff", "--git", "HEAD"], &dir))
                .collect(),
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
    println!("load average after: {}", load_average());
}
