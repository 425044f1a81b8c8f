//! The release workflow, the Mason package, cargo-binstall's metadata, the .vsix packaging and the
//! extension agree on the platforms and on the names of the release files.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure is a test failure"
)]

use std::path::Path;

fn read(relative: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(relative))
        .unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// The release matrix: (Rust target, vsce target, archive extension).
fn release_matrix() -> Vec<(String, String, String)> {
    let workflow = read(".github/workflows/release.yml");
    let field = |line: &str, key: &str| {
        let start = line.find(&format!("{key}: ")).unwrap() + key.len() + 2;
        line[start..].split([',', ' ', '}']).next().unwrap().to_owned()
    };
    let matrix: Vec<_> = workflow
        .lines()
        .filter(|l| l.trim_start().starts_with("- { target: "))
        .map(|l| (field(l, "target"), field(l, "vsce"), field(l, "archive")))
        .collect();
    assert!(
        workflow.contains("name=\"iam-policy-ls-${GITHUB_REF_NAME}-${{ matrix.target }}\""),
        "the archive name pattern moved"
    );
    matrix
}

#[test]
fn the_release_builds_the_five_platforms() {
    let targets: Vec<String> = release_matrix().into_iter().map(|(t, _, _)| t).collect();
    assert_eq!(
        targets,
        [
            "x86_64-unknown-linux-gnu",
            "aarch64-unknown-linux-gnu",
            "x86_64-apple-darwin",
            "aarch64-apple-darwin",
            "x86_64-pc-windows-msvc",
        ]
    );
    let workflow = read(".github/workflows/release.yml");
    assert!(workflow.contains("sha256sum * > SHA256SUMS"), "checksums");
    assert!(workflow.contains("--profile dist"), "the stripped profile");
}

#[test]
fn the_dist_profile_strips_the_binary() {
    let manifest: toml::Table = read("Cargo.toml").parse().unwrap();
    let dist = &manifest["profile"]["dist"];
    assert_eq!(dist["inherits"].as_str(), Some("release"));
    assert_eq!(dist["strip"].as_bool(), Some(true));
    assert_eq!(dist["debug"].as_bool(), Some(false));
}

#[test]
fn mason_installs_each_release_archive() {
    let mason = read("editors/neovim/mason/package.yaml");
    for (target, _, archive) in release_matrix() {
        let file = format!("file: iam-policy-ls-{{{{version}}}}-{target}.{archive}");
        assert!(mason.contains(&file), "the Mason package lacks `{file}`");
    }
    assert_eq!(mason.matches("file: ").count(), release_matrix().len());
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        mason.contains(&format!("id: pkg:github/iam-policy-ls/iam-policy-ls@v{version}")),
        "the Mason package names v{version}"
    );
}

#[test]
fn binstall_fetches_the_release_archive() {
    let manifest: toml::Table = read("server/Cargo.toml").parse().unwrap();
    let binstall = &manifest["package"]["metadata"]["binstall"];
    // `{ name }-v{ version }-{ target }` is the workflow's iam-policy-ls-${GITHUB_REF_NAME}-<target>.
    let url = binstall["pkg-url"].as_str().unwrap();
    assert!(
        url.ends_with("/releases/download/v{ version }/{ name }-v{ version }-{ target }.tar.gz"),
        "{url}"
    );
    let windows = binstall["overrides"]["x86_64-pc-windows-msvc"]["pkg-url"]
        .as_str()
        .unwrap();
    assert!(windows.ends_with("{ target }.zip"), "{windows}");
    for (target, _, archive) in release_matrix() {
        assert_eq!(archive == "zip", target.contains("windows"), "{target}: .{archive}");
    }
}

#[test]
fn each_platform_vsix_is_one_the_extension_looks_for() {
    let package_vsix = read("scripts/package-vsix");
    let settings = read("editors/vscode/src/settings.ts");
    for (_, vsce, _) in release_matrix() {
        assert!(
            package_vsix.contains(&vsce),
            "scripts/package-vsix does not know {vsce}"
        );
        let (os, cpu) = vsce.split_once('-').unwrap();
        // vsceTarget() maps process.platform and process.arch to these names.
        assert!(settings.contains(&format!("{os}: \"{os}\"")), "settings.ts: {os}");
        assert!(settings.contains(&format!("{cpu}: \"{cpu}\"")), "settings.ts: {cpu}");
    }
}
