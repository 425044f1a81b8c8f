#![cfg(unix)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure is a test failure"
)]
//! `scripts/test` fails when any step fails. Each case runs the repository's own `scripts/test`,
//! `scripts/test-editors` and `scripts/editors/common.sh` in a scratch copy, with a stand-in
//! `cargo` and stand-in editor steps, so what is proven is how the real scripts react to a
//! failure — in particular a step whose first command fails while its last one succeeds, which
//! once passed CI.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The editor steps `scripts/test-editors` runs, from its `STEPS=(...)` line.
fn editor_steps() -> Vec<String> {
    let script = fs::read_to_string(repo().join("scripts/test-editors")).unwrap();
    let line = script
        .lines()
        .find_map(|l| l.strip_prefix("STEPS=("))
        .expect("scripts/test-editors has a STEPS=(...) line");
    line.trim_end_matches(')')
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

fn write_executable(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

struct Sandbox {
    root: PathBuf,
}

impl Sandbox {
    /// A scratch repository: the real scripts, a stand-in server binary, a stand-in `cargo` that
    /// logs its subcommand and fails the one named by `failing_cargo`, and editor steps that pass
    /// except `failing_step`, which fails at its first command and succeeds at its last.
    fn new(failing_cargo: Option<&str>, failing_step: Option<&str>) -> Sandbox {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let root = std::env::temp_dir().join(format!(
            "iam-policy-ls-scripts-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&root);
        for script in ["scripts/test", "scripts/test-editors", "scripts/editors/common.sh"] {
            let text = fs::read_to_string(repo().join(script)).unwrap();
            write_executable(&root.join(script), &text);
        }
        write_executable(&root.join("target/debug/iam-policy-ls"), "#!/bin/sh\n");
        let fail = failing_cargo.unwrap_or("none");
        write_executable(
            &root.join("bin/cargo"),
            &format!("#!/bin/sh\necho \"cargo $1\" >> \"$SANDBOX/log\"\n[ \"$1\" != {fail} ] || exit 3\n"),
        );
        for step in editor_steps() {
            let body = if failing_step == Some(step.as_str()) {
                format!("false\necho '{step} kept going' >> \"$repo/log\"\ntrue\n")
            } else {
                format!("echo '{step} ran' >> \"$repo/log\"\n")
            };
            write_executable(
                &root.join("scripts/editors").join(&step),
                &format!(
                    "#!/usr/bin/env bash\nsource \"$(dirname \"$0\")/common.sh\"\n\
                     echo '{step} install' >> \"$repo/log\"\ninstalled \"$@\"\n{body}"
                ),
            );
        }
        Sandbox { root }
    }

    fn run(&self, script: &str) -> (Output, String) {
        let path = format!("{}:{}", self.root.join("bin").display(), std::env::var("PATH").unwrap());
        let output = Command::new(self.root.join(script))
            .env("PATH", path)
            .env("SANDBOX", &self.root)
            .env("IAM_POLICY_LS_CACHE", self.root.join("cache"))
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("IAM_POLICY_LS_BIN")
            .output()
            .unwrap();
        let log = fs::read_to_string(self.root.join("log")).unwrap_or_default();
        (output, log)
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn passes_when_every_step_passes() {
    let sandbox = Sandbox::new(None, None);
    let (out, log) = sandbox.run("scripts/test");
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let steps = editor_steps();
    assert!(
        stdout(&out).contains(&format!("editors: {} passed, 0 failed", steps.len())),
        "{}",
        stdout(&out)
    );
    for step in &steps {
        assert!(log.contains(&format!("{step} ran")), "{step} did not run: {log}");
    }
    for subcommand in ["cargo fmt", "cargo clippy", "cargo test"] {
        assert!(log.contains(subcommand), "{subcommand} did not run: {log}");
    }
    // Installs ran (in the background, during cargo) and again as each step began.
    for step in &steps {
        assert_eq!(log.matches(&format!("{step} install")).count(), 2, "{step}: {log}");
    }
}

#[test]
fn a_step_failing_at_its_first_command_fails_scripts_test() {
    let steps = editor_steps();
    assert!(steps.iter().any(|s| s == "vscode"), "{steps:?}");
    for failing in &steps {
        let sandbox = Sandbox::new(None, Some(failing));
        let (out, log) = sandbox.run("scripts/test");
        assert_eq!(out.status.code(), Some(1), "{failing}: {}", stdout(&out));
        assert!(stderr(&out).contains(&format!("FAILED: {failing}")), "{}", stderr(&out));
        assert!(!log.contains("kept going"), "{failing} went on after a failure: {log}");
        // The other steps still ran and were counted.
        for other in steps.iter().filter(|s| *s != failing) {
            assert!(log.contains(&format!("{other} ran")), "{other} did not run: {log}");
        }
        let summary = format!("editors: {} passed, 1 failed", steps.len() - 1);
        assert!(stdout(&out).contains(&summary), "{}", stdout(&out));
    }
}

#[test]
fn a_failing_cargo_step_fails_scripts_test_before_the_editors() {
    for failing in ["fmt", "clippy", "test"] {
        let sandbox = Sandbox::new(Some(failing), None);
        let (out, log) = sandbox.run("scripts/test");
        assert!(!out.status.success(), "cargo {failing} failed but scripts/test passed");
        assert!(
            !log.contains(" ran"),
            "editor steps ran after cargo {failing} failed: {log}"
        );
    }
}

#[test]
fn every_editor_step_runs_under_set_e() {
    let common = fs::read_to_string(repo().join("scripts/editors/common.sh")).unwrap();
    assert!(
        common.lines().any(|l| l == "set -euo pipefail"),
        "common.sh lacks set -euo pipefail"
    );
    for step in editor_steps() {
        let path = repo().join("scripts/editors").join(&step);
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let first_command = text
            .lines()
            .find(|l| !l.starts_with('#') && !l.trim().is_empty())
            .unwrap_or_default();
        assert_eq!(first_command, "source \"$(dirname \"$0\")/common.sh\"", "{step}");
        assert!(
            text.contains("\ninstalled \"$@\"\n"),
            "{step} never calls installed \"$@\""
        );
        let mode = fs::metadata(&path).unwrap().permissions().mode();
        assert!(mode & 0o111 != 0, "{step} is not executable");
    }
}
