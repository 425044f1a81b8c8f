//! Public access (Access Analyzer's `CheckNoPublicAccess`, offline): an `Allow` in a resource
//! or trust policy to everyone that no condition pins to fixed callers. Amazon S3's "The
//! meaning of public" decides which condition keys pin; the access model encodes it
//! ([`crate::access::StatementAccess::is_public`], [`crate::access::CALLER_KEYS`]).

use super::{Risk, RiskKind};
use crate::access::Access;

/// One risk per public statement, with the actions it makes public (those no unconditional
/// `Deny` of the policy removes).
pub(super) fn find(access: &Access) -> Vec<Risk<'_>> {
    access
        .public_statements()
        .filter_map(|st| {
            let actions = st.actions.set.difference(access.removed());
            let grants: Vec<_> = actions.iter().map(|id| (id, vec![st])).collect();
            (!grants.is_empty()).then(|| Risk::new(RiskKind::PublicAccess, None, grants))
        })
        .collect()
}
