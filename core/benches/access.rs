//! Speed of the access model (`iam_policy::access`), which risk findings recompute on every
//! keystroke: the time to build it from a parsed policy, and to build it and summarize it
//! (services × access levels), on a 1 KB policy, a 1 KB policy with `NotAction` (every other
//! action of the catalog), `ReadOnlyAccess` (141 KB) and `AdministratorAccess`; then over all
//! AWS managed policies. Prints median and p99 (and the load average, since the machine is
//! shared). It measures; it asserts nothing.
//!
//! `cargo bench -p iam-policy --bench access` (`-- RUNS` to change the runs per policy, 500 by
//! default; `-- NAME` to run only the scenarios whose name contains NAME, e.g. `ReadOnly`,
//! `corpus`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a benchmark harness: failing loudly is right"
)]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use iam_policy::PolicyType;
use iam_policy::access::Access;
use iam_policy::json::{self, JsonDocument};
use iam_policy::model::Policy;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus/aws-managed")
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "n/a".into())
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{name:<52} n={:<5} median {:>8.3} ms   p99 {:>8.3} ms   max {:>8.3} ms",
        samples.len(),
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        at(1.0).as_secs_f64() * 1e3
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

/// The policy the LSP typing bench types into: Allow statements up to 1 KB, then a Deny.
fn one_kb() -> String {
    let mut text = String::from("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n");
    while text.len() < 900 {
        text.push_str(
            "    {\"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\", \"s3:PutObject\"], \"Resource\": \"arn:aws:s3:::b/*\"},\n",
        );
    }
    text.push_str("    {\"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"*\"}\n  ]\n}\n");
    text
}

const NOT_ACTION: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "AllButIam", "Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
  {"Sid": "OwnUser", "Effect": "Allow", "Action": ["iam:*AccessKey*", "iam:ChangePassword", "iam:GetUser"],
   "Resource": "arn:aws:iam::*:user/${aws:username}"},
  {"Sid": "RegionLock", "Effect": "Deny", "NotAction": ["iam:*", "sts:*", "cloudfront:*", "support:*"], "Resource": "*",
   "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}},
  {"Sid": "NoBucketPolicies", "Effect": "Deny", "Action": ["s3:PutBucketPolicy", "s3:DeleteBucketPolicy"], "Resource": "*"}
]}"#;

fn per_policy(name: &str, text: &str, runs: usize, only: Option<&str>) {
    if only.is_some_and(|o| !name.contains(o)) {
        return;
    }
    let doc: JsonDocument = json::parse(text);
    let policy = Policy::from_json(&doc);
    let access = Access::new(&policy, PolicyType::Identity);
    let label = format!("{name} ({} B, {} actions)", text.len(), access.effective().len());
    report(
        &format!("{label}: model"),
        time(runs, || {
            black_box(Access::new(black_box(&policy), PolicyType::Identity));
        }),
    );
    report(
        &format!("{label}: model + summary"),
        time(runs, || {
            black_box(Access::new(black_box(&policy), PolicyType::Identity).summary());
        }),
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let runs: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(500);
    let only = args.iter().find(|a| a.parse::<usize>().is_err()).map(String::as_str);
    println!("load average before: {}", load_average());
    // The catalog and the action index are built once per process, before any keystroke.
    black_box(Access::from_text("{}", None));
    per_policy("1 KB policy (the LSP bench's)", &one_kb(), runs, only);
    per_policy("1 KB policy with NotAction", NOT_ACTION, runs, only);
    let read = |name: &str| std::fs::read_to_string(corpus_dir().join(name)).unwrap();
    per_policy("ReadOnlyAccess", &read("ReadOnlyAccess.json"), runs, only);
    per_policy("AdministratorAccess", &read("AdministratorAccess.json"), runs, only);
    if only.is_some_and(|o| !"corpus".contains(o)) {
        return;
    }

    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let docs: Vec<JsonDocument> = files
        .iter()
        .map(|p| json::parse(&std::fs::read_to_string(p).unwrap()))
        .collect();
    let policies: Vec<Policy<'_>> = docs.iter().map(Policy::from_json).collect();
    let corpus_runs = (runs / 50).max(5);
    report(
        &format!("corpus: all {} AWS managed policies, models", policies.len()),
        time(corpus_runs, || {
            for p in &policies {
                black_box(Access::new(p, PolicyType::Identity));
            }
        }),
    );
    report(
        &format!(
            "corpus: all {} AWS managed policies, models + summaries",
            policies.len()
        ),
        time(corpus_runs, || {
            for p in &policies {
                black_box(Access::new(p, PolicyType::Identity).summary());
            }
        }),
    );
    println!("load average after: {}", load_average());
}
