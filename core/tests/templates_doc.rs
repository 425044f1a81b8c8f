//! `docs/templates.md` lists where policies are read in templates and Terraform; its tables are
//! generated from the host tables (`host::cfn::sites`, `host::terraform::arguments`), so the page
//! cannot drift from the code.
//!
//! Regenerate with `UPDATE_DOCS=1 cargo test -p iam-policy --test templates_doc`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure is a test failure"
)]

use iam_policy::host::{cfn, terraform};
use std::path::PathBuf;

fn page_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/templates.md")
}

fn sites_table() -> String {
    let mut out = String::from("| Resource type | Property | Read as |\n| --- | --- | --- |\n");
    for site in cfn::sites() {
        out.push_str(&format!(
            "| `{}` | `{}` | {} |\n",
            site.resource_type, site.property, site.reads
        ));
    }
    out
}

fn arguments_table() -> String {
    let mut out = String::from("| Resource | Argument | Read as |\n| --- | --- | --- |\n");
    for (resource, argument, reads) in terraform::arguments() {
        out.push_str(&format!("| `{resource}` | `{argument}` | {reads} |\n"));
    }
    out
}

/// `page` with the text between `<!-- NAME:start -->` and `<!-- NAME:end -->` replaced.
fn splice(page: &str, name: &str, table: &str) -> Option<String> {
    let start = format!("<!-- {name}:start -->\n");
    let end = format!("<!-- {name}:end -->");
    let from = page.find(&start)? + start.len();
    let to = from + page.get(from..)?.find(&end)?;
    Some(format!("{}{table}{}", page.get(..from)?, page.get(to..)?))
}

#[test]
fn templates_page_lists_every_site_and_argument() {
    let path = page_path();
    let page = std::fs::read_to_string(&path).unwrap_or_default();
    let fresh = splice(&page, "sites", &sites_table()).and_then(|p| splice(&p, "arguments", &arguments_table()));
    let Some(fresh) = fresh else {
        panic!("docs/templates.md lacks the sites:start/end or arguments:start/end markers");
    };
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &fresh).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        return;
    }
    assert!(
        page == fresh,
        "docs/templates.md is out of date; run `UPDATE_DOCS=1 cargo test -p iam-policy --test templates_doc`"
    );
}

#[test]
fn the_tables_name_the_sites_the_issue_requires() {
    let sites = sites_table();
    for row in [
        "| `AWS::IAM::Role` | `AssumeRolePolicyDocument` | trust policy |",
        "| `AWS::IAM::Role` | `Policies[].PolicyDocument` | identity policy |",
        "| `AWS::S3::BucketPolicy` | `PolicyDocument` | resource policy |",
        "| `AWS::EC2::VPCEndpoint` | `PolicyDocument` | endpoint policy |",
    ] {
        assert!(sites.contains(row), "missing {row}");
    }
    let arguments = arguments_table();
    for row in [
        "| `aws_iam_role` | `assume_role_policy` | trust policy |",
        "| `aws_s3_bucket_policy` | `policy` | resource policy |",
        "| `aws_vpc_endpoint_policy` | `policy` | endpoint policy |",
    ] {
        assert!(arguments.contains(row), "missing {row}");
    }
}
