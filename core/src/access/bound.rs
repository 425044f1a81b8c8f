//! A quick upper bound of what a policy allows, without the rest of the access model: the
//! catalog actions its `Allow` statements name. Consumers that need a full [`super::Access`]
//! only when some action is allowed (risk findings on every keystroke) ask this first.

use super::actions::{ActionSet, Expander};
use crate::model::{Effect, Policy};

/// The catalog actions some `Allow` statement of `policy` applies to (`NotAction` as a
/// complement), before any `Deny`. Every action [`super::Access::effective`] holds is in it.
pub fn allowed_bound(policy: &Policy<'_>) -> ActionSet {
    let mut allowed = ActionSet::empty();
    for st in &policy.statements {
        let Some((list, negated)) = st.actions().filter(|_| st.effect() == Some(Effect::Allow)) else {
            continue;
        };
        let mut expander = Expander::new();
        for item in &list.items {
            expander.add(&item.value, item.span);
        }
        let set = if negated {
            expander.set.complement()
        } else {
            expander.set
        };
        allowed.union_with(&set);
    }
    allowed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Access;

    #[test]
    fn the_bound_holds_every_effective_action() {
        let text = r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:Get*", "iam:PassRole"], "Resource": "*"},
            {"Effect": "Allow", "NotAction": "ec2:*", "Resource": "arn:aws:s3:::b"},
            {"Effect": "Deny", "Action": "kms:*", "Resource": "*"},
            {"Effect": "allow", "Action": "sqs:*", "Resource": "*"}]}"#;
        let doc = crate::json::parse(text);
        let policy = Policy::from_json(&doc);
        let bound = allowed_bound(&policy);
        let access = Access::new(&policy, crate::PolicyType::Identity);
        assert!(access.effective().difference(&bound).is_empty());
        assert_eq!(bound.len(), access.allowed().len());
        assert!(!bound.contains(crate::access::ActionId::named("ec2:RunInstances").expect("in catalog")));
    }
}
