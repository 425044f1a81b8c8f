//! Tag condition keys (`aws:ResourceTag/*`, `aws:RequestTag/*`, `aws:TagKeys`, and a service's
//! own documented tag keys) on statements some of whose actions do not support them: a `Deny`
//! that never applies to those actions (they stay allowed), an `Allow` that never grants them.
//!
//! Decisions, to stay clear of false positives:
//! - Only operators that are false when the key is missing count: a positive operator without
//!   `IfExists` and without `ForAllValues:` (both are true for a missing key, so a `Deny` then
//!   applies to the unsupported actions, and an `Allow` grants them), and `Null` whose values are
//!   all `"false"` (key required). Negated operators are true for a missing key: skipped.
//! - Only documented actions are judged; wildcards expand through the catalog; unknown and
//!   undocumented actions are ignored.
//! - When *no* action supports the key and every action is named literally,
//!   `UNSUPPORTED_ACTION_FOR_CONDITION_KEY` already reports the key; this check stays silent
//!   (one finding per problem).
//! - A service's own tag key (`ec2:ResourceTag/x`) is judged only when the reference documents
//!   it for that service, and only against that service's actions (many services accept the
//!   older spelling without the reference listing it).
//! - `NotAction`: the statement reaches every action not listed, in every service; it is
//!   reported when a well-known action that supports no tag key is among them.

use super::{Context, Rule, Sink};
use crate::catalog::{Action, catalog, has_wildcard, wildcard_match};
use crate::model::{ConditionEntry, Effect, Statement, StringList};
use crate::operator::{Family, ParsedOperator, Qualifier, parse};

check!(
    DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE,
    SecurityWarning,
    "A Deny with a tag condition key some of its actions do not support",
    r#"## What it does
Reports a tag condition key (`aws:ResourceTag/...`, `aws:RequestTag/...`, `aws:TagKeys`) in a
`Deny` statement when some of its actions (wildcards expanded) do not support the key, and lists
them. Only operators that are false when the key is missing are judged (not `IfExists`,
`ForAllValues:` or negated operators); `Null` counts when it requires the key (`"false"`). When no
action supports the key and every action is named, `UNSUPPORTED_ACTION_FOR_CONDITION_KEY` reports
it instead.

## Why is this bad
The key is never in the request of those actions, so the condition is false and the `Deny` never
applies to them: they stay allowed by whatever else allows them.

## Example
```json
{"Effect": "Deny", "Action": ["s3:GetObject", "s3:ListAllMyBuckets"], "Resource": "*",
 "Condition": {"StringEquals": {"aws:ResourceTag/env": "prod"}}}
```

## Use instead
```json
{"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*",
 "Condition": {"StringEquals": {"aws:ResourceTag/env": "prod"}}}
```
"#
);

check!(
    DENY_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE,
    SecurityWarning,
    "A Deny with NotAction and a tag condition key",
    r#"## What it does
Reports a tag condition key (`aws:ResourceTag/...`, `aws:RequestTag/...`, `aws:TagKeys`) in a
`Deny` statement with `NotAction`, with the same operators as
`DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE`.

## Why is this bad
`NotAction` reaches every action of every service not listed, and most of them support no tag
key: for those the condition is false and the `Deny` never applies.

## Example
```json
{"Effect": "Deny", "NotAction": "iam:*", "Resource": "*",
 "Condition": {"StringEquals": {"aws:ResourceTag/env": "prod"}}}
```

## Use instead
```json
{"Effect": "Deny", "NotAction": "iam:*", "Resource": "*",
 "Condition": {"StringEquals": {"aws:PrincipalTag/env": "prod"}}}
```
"#
);

check!(
    ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE,
    Suggestion,
    "An Allow with a tag condition key some of its actions do not support",
    r#"## What it does
Reports a tag condition key in an `Allow` statement when some of its actions (wildcards
expanded) do not support it, and lists them, with the same operators as
`DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE`.

## Why is this bad
The key is never in the request of those actions, so the statement never allows them. Move them
to a statement without the tag condition, or drop them.

## Example
```json
{"Effect": "Allow", "Action": ["ec2:StartInstances", "ec2:DescribeInstances"], "Resource": "*",
 "Condition": {"StringEquals": {"aws:ResourceTag/team": "blue"}}}
```

## Use instead
```json
{"Effect": "Allow", "Action": "ec2:StartInstances", "Resource": "*",
 "Condition": {"StringEquals": {"aws:ResourceTag/team": "blue"}}}
```
"#
);

check!(
    ALLOW_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE,
    Suggestion,
    "An Allow with NotAction and a tag condition key",
    r#"## What it does
Reports a tag condition key in an `Allow` statement with `NotAction`, with the same operators as
`DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE`.

## Why is this bad
`NotAction` reaches every action of every service not listed; most of them support no tag key
and are never allowed by the statement. The statement grants much less than it seems to.

## Example
```json
{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*",
 "Condition": {"StringEquals": {"aws:ResourceTag/team": "blue"}}}
```

## Use instead
```json
{"Effect": "Allow", "Action": ["ec2:StartInstances", "ec2:StopInstances"], "Resource": "*",
 "Condition": {"StringEquals": {"aws:ResourceTag/team": "blue"}}}
```
"#
);

pub const RULE: Rule = Rule {
    checks: &[
        &DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE,
        &DENY_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE,
        &ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE,
        &ALLOW_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE,
    ],
    run,
};

/// Actions that support no tag key, to show that a `NotAction` statement reaches one.
const TAGLESS_ACTIONS: &[&str] = &[
    "sts:GetCallerIdentity",
    "s3:ListAllMyBuckets",
    "ec2:DescribeRegions",
    "iam:GetAccountSummary",
];

/// How many unsupported actions a message names.
const LISTED: usize = 5;

fn run(ctx: &Context<'_>, out: &mut Sink) {
    for statement in &ctx.policy.statements {
        let (Some(condition), Some(effect)) = (&statement.condition, statement.effect()) else {
            continue;
        };
        for block in &condition.operators {
            let Some(op) = parse(&block.operator.value) else {
                continue;
            };
            for entry in &block.entries {
                if !requires_key(op, entry) {
                    continue;
                }
                let Some(key) = TagKey::of(&entry.key.value) else {
                    continue;
                };
                match statement.actions() {
                    Some((_, true)) => not_action(statement, effect, entry, &key, out),
                    Some((list, false)) => listed_actions(effect, list, op, entry, &key, out),
                    None => {}
                }
            }
        }
    }
}

/// Is the condition false when the key is missing (so an action without the key never matches)?
fn requires_key(op: ParsedOperator, entry: &ConditionEntry<'_>) -> bool {
    if op.base.family == Family::Null {
        return op.qualifier.is_none()
            && !op.if_exists
            && !entry.values.is_empty()
            && entry.values.iter().all(|v| v.text.eq_ignore_ascii_case("false"));
    }
    !op.if_exists && !op.base.is_negated() && op.qualifier != Some(Qualifier::ForAllValues)
}

/// A tag key and, for a service's own tag key, the service whose actions are judged.
struct TagKey {
    service: Option<&'static str>,
}

impl TagKey {
    fn of(name: &str) -> Option<TagKey> {
        let (prefix, rest) = name.split_once(':')?;
        let head = rest.split_once('/').map_or(rest, |(h, _)| h);
        let tag_like = ["ResourceTag", "RequestTag"]
            .iter()
            .any(|t| t.eq_ignore_ascii_case(head) && rest.len() > head.len() + 1)
            || rest.eq_ignore_ascii_case("TagKeys");
        if !tag_like {
            return None;
        }
        if prefix.eq_ignore_ascii_case("aws") {
            return Some(TagKey { service: None });
        }
        let service = catalog().service(prefix).filter(|s| s.is_documented())?;
        service.condition_key(name)?;
        Some(TagKey {
            service: Some(service.prefix()),
        })
    }

    fn judges(&self, action: Action) -> bool {
        self.service.is_none_or(|p| action.prefix() == p)
    }
}

/// The documented actions a statement's `Action` reaches (wildcards expanded lazily, maybe
/// with repeats).
fn reached<'a>(list: &'a StringList<'_>) -> impl Iterator<Item = Action> + 'a {
    let c = catalog();
    list.values().flat_map(move |pattern| {
        let literal = (!has_wildcard(pattern)).then(|| c.action(pattern)).flatten();
        let wide = has_wildcard(pattern).then(|| c.actions_matching(pattern));
        literal
            .into_iter()
            .chain(wide.into_iter().flatten())
            .filter(|a| a.is_documented())
    })
}

/// Whether every entry names a documented action literally (the case
/// `UNSUPPORTED_ACTION_FOR_CONDITION_KEY` judges).
fn all_literal(list: &StringList<'_>) -> bool {
    let c = catalog();
    list.values()
        .all(|p| !has_wildcard(p) && c.action(p).is_some_and(|a| a.is_documented()))
}

fn listed_actions(
    effect: Effect,
    list: &StringList<'_>,
    op: ParsedOperator,
    entry: &ConditionEntry<'_>,
    key: &TagKey,
    out: &mut Sink,
) {
    let name = entry.key.value.as_str();
    // Stops after LISTED + 1 distinct unsupported actions: `"Action": "*"` reaches 19,000
    // actions and this runs on every keystroke.
    let mut unsupported: Vec<String> = Vec::new();
    let mut any_supported = false;
    for action in reached(list).filter(|a| key.judges(*a)) {
        if action.supports_condition_key(name) {
            any_supported = true;
            continue;
        }
        let full = action.full_name();
        if !unsupported.contains(&full) {
            unsupported.push(full);
            if unsupported.len() > LISTED {
                break;
            }
        }
    }
    if unsupported.is_empty() {
        return;
    }
    // `UNSUPPORTED_ACTION_FOR_CONDITION_KEY` reports this one (no action supports the key).
    if !any_supported && key.service.is_none() && op.base.family != Family::Null && all_literal(list) {
        return;
    }
    if unsupported.len() > LISTED {
        unsupported.truncate(LISTED);
        unsupported.push("...".to_owned());
    }
    let list = unsupported.join(", ");
    let (check, message) = match effect {
        Effect::Deny => (
            &DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE,
            format!(
                "actions of this Deny do not support \"{name}\" ({list}): the condition is never true for them, \
                 so they are not denied"
            ),
        ),
        Effect::Allow => (
            &ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE,
            format!(
                "actions of this Allow do not support \"{name}\" ({list}): the condition is never true for them, \
                 so they are never allowed"
            ),
        ),
    };
    out.report(check, entry.key.span, message);
}

fn not_action(statement: &Statement<'_>, effect: Effect, entry: &ConditionEntry<'_>, key: &TagKey, out: &mut Sink) {
    // A service's own tag key: NotAction reaches actions of other services, which never carry
    // it; that is the normal use of such a key and not judged here.
    if key.service.is_some() {
        return;
    }
    let Some(not) = &statement.not_action else { return };
    let name = entry.key.value.as_str();
    let c = catalog();
    let example = TAGLESS_ACTIONS.iter().find(|a| {
        !not.values().any(|p| wildcard_match(p, a, true))
            && c.action(a)
                .is_some_and(|act| act.is_documented() && !act.supports_condition_key(name))
    });
    let Some(example) = example else { return };
    let (check, message) = match effect {
        Effect::Deny => (
            &DENY_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE,
            format!(
                "NotAction reaches actions that do not support \"{name}\" (such as {example}): the condition is \
                 never true for them, so they are not denied"
            ),
        ),
        Effect::Allow => (
            &ALLOW_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE,
            format!(
                "NotAction reaches actions that do not support \"{name}\" (such as {example}): the condition is \
                 never true for them, so they are never allowed"
            ),
        ),
    };
    out.report(check, entry.key.span, message);
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::{findings_of, spans_of};
    use crate::policy_type::PolicyType::Identity;

    fn st(effect: &str, action: &str, condition: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "{effect}", {action}, "Resource": "*", "Condition": {condition}}}]}}"#
        )
    }

    const DENY: &str = "DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE";
    const ALLOW: &str = "ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE";
    const DENY_NOT: &str = "DENY_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE";
    const ALLOW_NOT: &str = "ALLOW_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE";
    const TAG: &str = r#"{"StringEquals": {"aws:ResourceTag/env": "prod"}}"#;

    #[test]
    fn deny_with_some_unsupported_actions() {
        let text = st(
            "Deny",
            r#""Action": ["ec2:StartInstances", "ec2:DescribeInstances"]"#,
            TAG,
        );
        let found = findings_of(&text, Identity, DENY);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].1, "\"aws:ResourceTag/env\"");
        assert!(found[0].0.contains("ec2:DescribeInstances"), "{}", found[0].0);
        assert!(!found[0].0.contains("ec2:StartInstances"), "{}", found[0].0);
        // Wildcards expand; the list is truncated.
        let text = st("Deny", r#""Action": "ec2:*""#, TAG);
        let found = findings_of(&text, Identity, DENY);
        assert_eq!(found.len(), 1);
        assert!(found[0].0.contains("..."), "{}", found[0].0);
        // Allow: the suggestion.
        let text = st(
            "Allow",
            r#""Action": ["ec2:StartInstances", "ec2:DescribeInstances"]"#,
            TAG,
        );
        assert_eq!(spans_of(&text, Identity, ALLOW), ["\"aws:ResourceTag/env\""]);
        assert!(spans_of(&text, Identity, DENY).is_empty());
    }

    #[test]
    fn operators_true_for_a_missing_key_are_not_judged() {
        for condition in [
            r#"{"StringEqualsIfExists": {"aws:ResourceTag/env": "prod"}}"#,
            r#"{"StringNotEquals": {"aws:ResourceTag/env": "prod"}}"#,
            r#"{"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}}"#,
            r#"{"Null": {"aws:ResourceTag/env": "true"}}"#,
        ] {
            let text = st(
                "Deny",
                r#""Action": ["ec2:StartInstances", "ec2:DescribeInstances"]"#,
                condition,
            );
            assert!(spans_of(&text, Identity, DENY).is_empty(), "{condition}");
        }
        let text = st(
            "Deny",
            r#""Action": ["ec2:StartInstances", "ec2:DescribeInstances"]"#,
            r#"{"Null": {"aws:ResourceTag/env": "false"}}"#,
        );
        assert_eq!(spans_of(&text, Identity, DENY), ["\"aws:ResourceTag/env\""]);
    }

    #[test]
    fn supported_or_already_reported() {
        // Every action supports the key.
        let ok = st("Deny", r#""Action": ["ec2:StartInstances", "ec2:StopInstances"]"#, TAG);
        assert!(spans_of(&ok, Identity, DENY).is_empty());
        // No action supports it and all are named: the other check's finding, not this one.
        let none = st("Deny", r#""Action": "ec2:DescribeInstances""#, TAG);
        assert!(spans_of(&none, Identity, DENY).is_empty());
        assert_eq!(
            spans_of(&none, Identity, "UNSUPPORTED_ACTION_FOR_CONDITION_KEY"),
            ["\"aws:ResourceTag/env\""]
        );
        // Unknown actions are not judged.
        let unknown = st("Deny", r#""Action": ["ec2:StartInstances", "ec2:Frobnicate"]"#, TAG);
        assert!(spans_of(&unknown, Identity, DENY).is_empty());
        // Not a tag key.
        let other = st(
            "Deny",
            r#""Action": ["ec2:StartInstances", "ec2:DescribeInstances"]"#,
            r#"{"StringEquals": {"aws:PrincipalTag/env": "prod"}}"#,
        );
        assert!(spans_of(&other, Identity, DENY).is_empty());
    }

    #[test]
    fn not_action() {
        let text = st("Deny", r#""NotAction": "iam:*""#, TAG);
        assert_eq!(spans_of(&text, Identity, DENY_NOT), ["\"aws:ResourceTag/env\""]);
        let text = st("Allow", r#""NotAction": "iam:*""#, TAG);
        assert_eq!(spans_of(&text, Identity, ALLOW_NOT), ["\"aws:ResourceTag/env\""]);
        let ok = st(
            "Deny",
            r#""NotAction": "iam:*""#,
            r#"{"StringNotEquals": {"aws:ResourceTag/env": "prod"}}"#,
        );
        assert!(spans_of(&ok, Identity, DENY_NOT).is_empty());
    }
}
