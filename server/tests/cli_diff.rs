//! End-to-end tests of `iam-policy-ls diff`, driving the built binary: two files, templates,
//! `--reference`, `--git` on a temporary repository, the three formats, bad input, a closed
//! pipe, and the worked examples of docs/diff.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure is a test failure"
)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iam-policy-ls"))
        .arg("diff")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn run(args: &[&str]) -> Output {
    run_in(&repo_root(), args)
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(out)))
}

/// The new-access items of the first policy, as `(kind, certain, actions)`.
fn items(v: &Value, policy: usize) -> Vec<(String, bool, Vec<String>)> {
    v["policies"][policy]["newAccess"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap().to_owned(),
                c["certain"].as_bool().unwrap(),
                c["actions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn two_versions_list_each_kind_of_new_access_and_exit_1() {
    let out = run(&["--format", "json", "tests/diff/old.json", "tests/diff/new.json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["grantsNewAccess"], true);
    let got = items(&v, 0);
    let s = |x: &[&str]| x.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        got,
        [
            (
                "actions".into(),
                true,
                s(&["sqs:GetQueueAttributes", "sqs:GetQueueUrl"])
            ),
            ("deny".into(), true, s(&["s3:DeleteObject"])),
            ("resources".into(), true, s(&["s3:GetObject", "s3:ListBucket"])),
            ("conditions".into(), true, s(&["sqs:SendMessage"])),
        ]
    );
    let resources = &v["policies"][0]["newAccess"][2];
    assert_eq!(resources["example"], "arn:aws:s3:::example/example");
    // The item points at the NEW statement, by line and byte range, and at the OLD one.
    let at = &resources["statements"][0];
    assert_eq!(at["path"], "tests/diff/new.json");
    assert_eq!(at["label"], "statement \"ReadReports\"");
    assert_eq!(at["range"]["start"], serde_json::json!({"line": 3, "character": 4}));
    let text = std::fs::read_to_string(repo_root().join("tests/diff/new.json")).unwrap();
    let (start, end) = (
        at["byteRange"][0].as_u64().unwrap() as usize,
        at["byteRange"][1].as_u64().unwrap() as usize,
    );
    assert!(text[start..end].starts_with('{') && text[start..end].contains("\"Sid\": \"ReadReports\""));
    assert_eq!(resources["compared"][0]["path"], "tests/diff/old.json");
    let conditions = &v["policies"][0]["newAccess"][3]["conditions"];
    assert_eq!(
        conditions["this"][0],
        r#"StringEqualsIfExists aws:SourceVpc ["vpc-1a2b3c4d"]"#
    );
    assert_eq!(conditions["other"][0], r#"StringEquals aws:SourceVpc ["vpc-1a2b3c4d"]"#);
}

#[test]
fn the_same_policy_exits_0_and_the_reverse_diff_lists_removed_access() {
    let out = run(&["tests/diff/old.json", "tests/diff/old.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim_end(), "compared 1 policy: no new access");
    // NEW → OLD: what NEW added is now removed access, the Deny OLD had included.
    let out = run(&["--format", "json", "tests/diff/new.json", "tests/diff/old.json"]);
    let v = json_of(&out);
    assert_eq!(v["policies"][0]["new"]["policyType"], "identity");
    let given = json_of(&run(&[
        "--format",
        "json",
        "--policy-type",
        "boundary",
        "tests/diff/new.json",
        "tests/diff/old.json",
    ]));
    assert_eq!(given["policies"][0]["new"]["policyType"], "boundary");
    assert_eq!(given["policies"][0]["old"]["policyType"], "boundary");
    let removed: Vec<&str> = v["policies"][0]["removedAccess"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(removed, ["actions", "deny", "resources", "conditions"]);
    let added: Vec<&str> = v["policies"][0]["newAccess"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert!(added.is_empty(), "{added:?}");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn principals_newly_trusted_and_conditions_that_cannot_be_compared() {
    let out = run(&["tests/diff/bucket-old.json", "tests/diff/bucket-new.json"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("+ s3:GetObject (1 action) to principals OLD did not trust, e.g. arn:aws:iam::777788889999:root"),
        "{text}"
    );
    assert!(
        text.contains("? s3:GetObject (1 action) under conditions that cannot be compared"),
        "{text}"
    );
    assert!(
        text.contains(r#"NEW: ForAnyValue:StringEquals aws:PrincipalTag/team ["data", "ops"]"#),
        "{text}"
    );
    assert!(
        text.contains(r#"OLD: StringEquals aws:PrincipalTag/team ["data"]"#),
        "{text}"
    );
}

#[test]
fn a_policy_in_a_template_is_named_by_its_pointer() {
    let dir = scratch("template");
    let template = std::fs::read_to_string(repo_root().join("tests/templates/cloudformation.yaml")).unwrap();
    std::fs::write(dir.join("old.yaml"), &template).unwrap();
    std::fs::write(
        dir.join("new.yaml"),
        template.replace("- s3:GetObjekt", "- s3:GetObjekt\n                  - iam:PassRole"),
    )
    .unwrap();
    let pointer = "Resources.AppRole.Properties.Policies[0].PolicyDocument";
    let out = run_in(
        &dir,
        &[
            "--format",
            "json",
            &format!("old.yaml#{pointer}"),
            &format!("new.yaml#{pointer}"),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["policies"][0]["policy"], format!("new.yaml#{pointer}"));
    assert_eq!(
        items(&v, 0)[0],
        ("actions".into(), true, vec!["iam:PassRole".to_owned()])
    );
    // Its statement is located in the template.
    let line = v["policies"][0]["newAccess"][0]["statements"][0]["range"]["start"]["line"]
        .as_u64()
        .unwrap();
    assert_eq!(line, 36, "the ReadOrders statement starts on line 37");
    // A template named without a pointer is bad input, with the pointers it holds.
    let out = run_in(&dir, &["old.yaml", "new.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is a template: name one of its policies"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains(pointer), "{}", stderr(&out));
}

#[test]
fn bad_input_exits_2_with_what_is_wrong_and_where() {
    let dir = scratch("bad-input");
    std::fs::write(
        dir.join("broken.json"),
        "{\n  \"Statement\": [\n    {\"Effect\": \"Allow\",,}\n  ]\n}\n",
    )
    .unwrap();
    std::fs::write(dir.join("ok.json"), r#"{"Version": "2012-10-17", "Statement": []}"#).unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["ok.json"], "diff takes two policies, OLD and NEW (got 1)"),
        (&["ok.json", "missing.json"], "missing.json: cannot read"),
        (&["ok.json", "broken.json"], "broken.json:3:24: JSON syntax error"),
        (
            &["--reference", "ok.json"],
            "--reference FILE needs the policies to compare",
        ),
        (&["--git", "HEAD", "--reference", "ok.json", "."], "cannot be used with"),
        (&["--policy-type", "nonsense", "ok.json", "ok.json"], "nonsense"),
    ];
    for (args, message) in cases {
        let out = run_in(&dir, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"));
    }
}

#[test]
fn against_a_reference_only_new_access_counts() {
    let out = run(&["--reference", "tests/diff/reference.json", "tests/diff/team"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("tests/diff/team/writer.json against tests/diff/reference.json: +1 action"),
        "{text}"
    );
    assert!(text.contains("+ s3:PutObject (1 action) newly allowed"), "{text}");
    assert!(
        !text.contains("reader.json"),
        "reader.json grants nothing beyond the reference: {text}"
    );
    assert!(
        text.trim_end().ends_with("compared 2 policies: 1 grants new access"),
        "{text}"
    );
    let out = run(&[
        "--reference",
        "tests/diff/reference.json",
        "tests/diff/team/reader.json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn sarif_has_one_result_per_new_access_item_at_its_statement() {
    let out = run(&[
        "--format",
        "sarif",
        "tests/diff/bucket-old.json",
        "tests/diff/bucket-new.json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    assert_eq!(v["version"], "2.1.0");
    let results = v["runs"][0]["results"].as_array().unwrap();
    let rules: Vec<(&str, &str)> = results
        .iter()
        .map(|r| (r["ruleId"].as_str().unwrap(), r["level"].as_str().unwrap()))
        .collect();
    assert_eq!(rules, [("NEW_ACCESS", "error"), ("MAY_GRANT_NEW_ACCESS", "warning")]);
    let location = &results[1]["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "tests/diff/bucket-new.json");
    assert_eq!(location["region"]["startLine"], 12);
}

#[test]
fn a_closed_pipe_ends_the_report_quietly() {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_iam-policy-ls"))
        .args(["diff", "tests/diff/old.json", "tests/diff/new.json"])
        .current_dir(repo_root())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

/// A fresh directory under the target directory's temp space.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-diff-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
    stdout(&out)
}

#[test]
fn git_compares_every_policy_with_its_version_at_a_revision() {
    let dir = scratch("git");
    git(&dir, &["init", "-q", "-b", "main"]);
    let root = repo_root();
    let copy = |from: &str, to: &str| {
        let to = dir.join(to);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(root.join(from), to).unwrap();
    };
    copy("tests/diff/old.json", "policies/app.json");
    copy("tests/diff/bucket-old.json", "policies/bucket.json");
    copy("tests/diff/team/reader.json", "policies/gone.json");
    copy("tests/templates/cloudformation.yaml", "infra/template.yaml");
    std::fs::write(dir.join("package.json"), r#"{"name": "not-a-policy"}"#).unwrap();
    // Skipped as `check` skips it, at the revision and in the working tree.
    copy("tests/diff/team/reader.json", "node_modules/dep/policy.json");
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "first"]);

    // Nothing changed yet.
    let out = run_in(&dir, &["--git", "HEAD"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    assert_eq!(stdout(&out).trim_end(), "compared 0 policies: no new access");

    copy("tests/diff/new.json", "policies/app.json");
    copy("tests/diff/team/writer.json", "policies/added.json");
    copy("tests/diff/team/writer.json", "node_modules/dep/policy.json");
    // Read with the project's configuration, as `check` reads it.
    std::fs::write(
        dir.join(".iam-policy-ls.toml"),
        "[policy-types]\n\"guards/*.json\" = \"scp\"\n",
    )
    .unwrap();
    copy("tests/diff/team/reader.json", "guards/s3.json");
    std::fs::remove_file(dir.join("policies/gone.json")).unwrap();
    let template = std::fs::read_to_string(dir.join("infra/template.yaml")).unwrap();
    std::fs::write(
        dir.join("infra/template.yaml"),
        template.replace("- s3:GetObjekt", "- s3:GetObjekt\n                  - iam:PassRole"),
    )
    .unwrap();
    let status_before = git(&dir, &["status", "--porcelain"]);

    let out = run_in(&dir, &["--git", "HEAD", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json_of(&out);
    let summary: Vec<(String, String, bool)> = v["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["policy"].as_str().unwrap().to_owned(),
                p["status"].as_str().unwrap().to_owned(),
                p["grantsNewAccess"].as_bool().unwrap(),
            )
        })
        .collect();
    let expect = |policy: &str, status: &str, new: bool| (policy.to_owned(), status.to_owned(), new);
    assert_eq!(
        summary,
        [
            expect("guards/s3.json", "added", true),
            expect(
                "infra/template.yaml#Resources.AppRole.Properties.AssumeRolePolicyDocument",
                "changed",
                false
            ),
            expect(
                "infra/template.yaml#Resources.AppRole.Properties.Policies[0].PolicyDocument",
                "changed",
                true
            ),
            expect(
                "infra/template.yaml#Resources.OrdersBucketPolicy.Properties.PolicyDocument",
                "changed",
                false
            ),
            expect("policies/added.json", "added", true),
            expect("policies/app.json", "changed", true),
            expect("HEAD:policies/gone.json", "removed", false),
        ],
        "{v:#}"
    );
    // The deleted policy's access is listed as removed, at its old statements.
    assert_eq!(v["policies"][0]["new"]["policyType"], "scp");
    let gone = &v["policies"][6]["removedAccess"][0];
    assert_eq!(gone["kind"], "actions");
    assert_eq!(gone["statements"][0]["path"], "HEAD:policies/gone.json");
    // The working tree and the index are as they were.
    assert_eq!(git(&dir, &["status", "--porcelain"]), status_before);

    // From a subdirectory, limited to a path, against a named revision.
    git(&dir, &["tag", "v1"]);
    let out = run_in(&dir.join("policies"), &["--git", "v1", "app.json"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.starts_with("app.json against v1: +2 actions"), "{text}");
    assert!(text.contains("by statement \"ReadReports\" at app.json:4:5"), "{text}");
    assert!(
        text.contains("OLD statement \"ReadReports\" at v1:app.json:4:5"),
        "{text}"
    );
    // A deleted file named explicitly is removed access, not an error.
    let out = run_in(&dir.join("policies"), &["--git", "v1", "gone.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("v1:gone.json (deleted): no new access; -2 actions"),
        "{}",
        stdout(&out)
    );

    // Bad input.
    let out = run_in(&dir, &["--git", "no-such-ref"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("`no-such-ref` is not a revision of this repository"));
    // Outside any repository (the target directory is inside this one's work tree).
    let outside = std::env::temp_dir().join(format!("iam-policy-ls-diff-{}", std::process::id()));
    std::fs::create_dir_all(&outside).unwrap();
    let out = run_in(&outside, &["--git", "HEAD"]);
    let _ = std::fs::remove_dir_all(&outside);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("git:"), "{}", stderr(&out));
}

/// docs/diff.md: each ```console block is a command run from the repository's root and its
/// exact output.
#[test]
fn the_worked_examples_in_the_docs_are_the_real_output() {
    let doc = std::fs::read_to_string(repo_root().join("docs/diff.md")).unwrap();
    let mut examples = 0;
    for block in doc.split("```console\n").skip(1) {
        let block = &block[..block.find("```").expect("closed block")];
        let (command, expected) = block.split_once('\n').expect("a command line");
        let args: Vec<&str> = command
            .strip_prefix("$ iam-policy-ls diff ")
            .expect("an iam-policy-ls diff command")
            .split_whitespace()
            .collect();
        let out = run(&args);
        assert_eq!(
            stdout(&out).trim_end(),
            expected.trim_end(),
            "docs/diff.md example `{command}` is stale"
        );
        examples += 1;
    }
    assert!(examples >= 3, "{examples} examples");
}
