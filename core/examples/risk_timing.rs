//! Risk analysis per keystroke, median and p99 over many runs:
//! `cargo run --release -p iam-policy --example risk_timing [FILE...]` (default: a 1 KB policy
//! with an escalation path, and `tests/corpus/aws-managed/ReadOnlyAccess.json`).
//!
//! For each file: the risk pass alone with the default settings (the quick bound, then the
//! access model and the findings only when a risk may be present), the same with every category
//! on (`check --risk all`), and the whole analysis a keystroke runs (parse and every check,
//! the risk ones included) for scale. `ONLY=default` or `ONLY=all` times that risk pass alone,
//! for counting instructions: `ONLY=default RUNS=10 valgrind --tool=callgrind
//! --toggle-collect='risk_timing::risk_pass' target/release/examples/risk_timing FILE` gives
//! the instructions of 11 passes (one to count the findings, then the runs).
use iam_policy::access::Access;
use iam_policy::model::Policy;
use iam_policy::risk::{self, RiskSettings};
use iam_policy::{Options, PolicyType, analyze_text, json};
use std::time::Instant;

const ONE_KB: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "ReadReports", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
     "Resource": ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"]},
    {"Sid": "PassAppRoles", "Effect": "Allow", "Action": "iam:PassRole",
     "Resource": "arn:aws:iam::111122223333:role/app-*",
     "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}},
    {"Sid": "RunInstances", "Effect": "Allow", "Action": ["ec2:RunInstances", "ec2:Describe*", "ec2:CreateTags"],
     "Resource": "*"},
    {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
     "Resource": "arn:aws:logs:us-east-1:111122223333:log-group:/app/*"},
    {"Sid": "NoProdDelete", "Effect": "Deny", "Action": ["s3:DeleteObject", "s3:DeleteBucket"],
     "Resource": "arn:aws:s3:::prod-*"}
  ]
}"#;

/// Median and p99 in milliseconds of `runs` calls of `f`.
fn time(runs: usize, mut f: impl FnMut()) -> (f64, f64) {
    let mut samples: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| {
        samples
            .get(((samples.len() - 1) as f64 * q).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    (at(0.5), at(0.99))
}

#[inline(never)]
fn risk_pass(policy: &Policy<'_>, settings: &RiskSettings) -> usize {
    if !risk::may_carry(policy, PolicyType::Identity, settings) {
        return 0;
    }
    let access = Access::new(policy, PolicyType::Identity);
    risk::assess(&access, settings).len()
}

fn main() {
    let _ = iam_policy::catalog::catalog();
    let runs: usize = std::env::var("RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(500);
    let mut inputs: Vec<(String, String)> = std::env::args()
        .skip(1)
        .filter_map(|p| std::fs::read_to_string(&p).ok().map(|t| (p, t)))
        .collect();
    if inputs.is_empty() {
        let readonly = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/corpus/aws-managed/ReadOnlyAccess.json"
        );
        inputs.push((format!("1 KB policy ({} bytes)", ONE_KB.len()), ONE_KB.to_owned()));
        if let Ok(text) = std::fs::read_to_string(readonly) {
            inputs.push((format!("ReadOnlyAccess.json ({} bytes)", text.len()), text));
        }
    }
    let defaults = RiskSettings::default();
    let all = RiskSettings {
        all: true,
        ..RiskSettings::default()
    };
    println!("{runs} runs each; milliseconds (median / p99)");
    for (name, text) in &inputs {
        let doc = json::parse(text);
        let policy = Policy::from_json(&doc);
        match std::env::var("ONLY").as_deref() {
            Ok("default") | Ok("all") => {
                let settings = if std::env::var("ONLY").as_deref() == Ok("all") {
                    &all
                } else {
                    &defaults
                };
                let found = risk_pass(&policy, settings);
                let (m, p) = time(runs, || {
                    std::hint::black_box(risk_pass(&policy, settings));
                });
                println!("{name}: risk {m:>8.3} / {p:>8.3}   ({found} findings)");
                continue;
            }
            _ => {}
        }
        let found = (risk_pass(&policy, &defaults), risk_pass(&policy, &all));
        let (m1, p1) = time(runs, || {
            std::hint::black_box(risk_pass(&policy, &defaults));
        });
        let (m2, p2) = time(runs, || {
            std::hint::black_box(risk_pass(&policy, &all));
        });
        let options = Options {
            policy_type: Some(PolicyType::Identity),
            path: None,
        };
        let (m3, p3) = time(runs, || {
            std::hint::black_box(analyze_text(text, options));
        });
        println!("{name}");
        println!(
            "  risk, default settings  {m1:>8.3} / {p1:>8.3}   ({} findings)",
            found.0
        );
        println!(
            "  risk, every category    {m2:>8.3} / {p2:>8.3}   ({} findings)",
            found.1
        );
        println!("  whole analysis          {m3:>8.3} / {p3:>8.3}");
    }
}
