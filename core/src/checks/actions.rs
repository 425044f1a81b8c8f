//! Actions checked against the IAM catalog: unknown services and actions (with did-you-mean),
//! actions AWS has retired, wildcards that match nothing, wildcards in the service prefix, and
//! redundant entries.

use super::list_util::{redundant_entries, remove_item_fix};
use super::{Check, Context, Rule, Sink};
use crate::catalog::known::retired_action;
use crate::catalog::{catalog, has_wildcard};
use crate::finding::{Fix, Severity, Tag};
use crate::json::JsonString;
use crate::model::{Effect, StringList};

pub const INVALID_SERVICE_IN_ACTION: Check = Check {
    code: "INVALID_SERVICE_IN_ACTION",
    severity: Severity::Error,
    summary: "The service prefix of an action does not exist",
    doc: r#"## What it does
Reports an action whose service prefix (the part before `:`) is not a known AWS service, and
suggests the closest known prefix or the service that has an action of that name. A wildcard
entry with an unknown prefix (`deeplens:*`, a retired service AWS managed policies still name)
is reported as `WILDCARD_ACTION_MATCHES_NOTHING`, a warning, instead.

Prefixes are compared case-insensitively, as IAM does. The catalog also knows the prefixes AWS
managed policies use but the Service Authorization Reference does not list.

## Why is this bad
IAM rejects a policy with an unknown service prefix, or the entry matches nothing.

## Example
```json
{"Effect": "Allow", "Action": "s4:GetObject", "Resource": "*"}
```

## Use instead
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
```
"#,
};

pub const INVALID_ACTION: Check = Check {
    code: "INVALID_ACTION",
    severity: Severity::Error,
    summary: "The action does not exist in its service",
    doc: r#"## What it does
Reports an action that its service does not have, and suggests the closest action: a typo in
the name (`s3:GetObjekt`), or the same name in another service (`s3:CreateTable` →
`dynamodb:CreateTable`). Nothing is suggested when nothing is close.

Action names are case-insensitive in IAM: `s3:getobject` is valid and not reported. Actions
the Service Authorization Reference omits but AWS documents elsewhere are known too
(`mediaconnect:ManagedDescribeFlow`, from the MediaLive User Guide; the list and its sources are
in `core/src/catalog/known.rs`), as are those AWS managed policies use. Actions AWS has retired
are reported as RETIRED_ACTION instead.

## Why is this bad
The entry matches no action: the permission the author meant is not granted (or not denied).

## Example
```json
{"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}
```

## Use instead
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
```
"#,
};

pub const RETIRED_ACTION: Check = Check {
    code: "RETIRED_ACTION",
    severity: Severity::Warning,
    summary: "The action was retired by AWS",
    doc: r#"## What it does
Reports an action AWS has retired, which the Service Authorization Reference no longer lists:
the legacy private marketplace actions (`aws-marketplace:CreatePrivateMarketplace`,
`aws-marketplace:UpdatePrivateMarketplaceSettings`, ..., named by early versions of the AWS
managed policy AWSPrivateMarketplaceAdminFullAccess, replaced by the AWS Marketplace Catalog API)
and the security challenge question permissions (`account:PutChallengeQuestions`). The list,
with the source of each entry, is in `core/src/catalog/known.rs`.

Not reported in `Deny` statements or `NotAction`, where naming a retired action is harmless (SCPs
written when the action existed keep denying it).

## Why is this bad
No request is authorized for a retired action any more: granting it grants nothing, and the
task it stood for now needs other permissions.

## Example
```json
{"Effect": "Allow", "Action": "aws-marketplace:CreatePrivateMarketplace", "Resource": "*"}
```

## Use instead
```json
{"Effect": "Allow", "Action": "aws-marketplace:StartChangeSet", "Resource": "*"}
```
"#,
};

pub const WILDCARD_ACTION_MATCHES_NOTHING: Check = Check {
    code: "WILDCARD_ACTION_MATCHES_NOTHING",
    severity: Severity::Warning,
    summary: "A wildcard action matches no action of its service",
    doc: r#"## What it does
Reports an action pattern with `*` or `?` that matches no action of the catalog
(`s3:Gett*`), or whose service prefix is unknown (`deeplens:*`).

A warning rather than an error: IAM accepts the pattern, and a new action could match it in
future; but today it grants (or denies) nothing, which is almost always a typo.

## Why is this bad
The entry has no effect.

## Example
```json
{"Effect": "Allow", "Action": "s3:Gett*", "Resource": "*"}
```

## Use instead
```json
{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}
```
"#,
};

pub const WILDCARD_IN_SERVICE_NAME: Check = Check {
    code: "WILDCARD_IN_SERVICE_NAME",
    severity: Severity::Warning,
    summary: "The service prefix of an action contains a wildcard",
    doc: r#"## What it does
Reports an action whose service prefix contains `*` or `?` (`s*:GetObject`, `*:List*`).

A warning rather than an error: IAM matches such patterns, but they reach every present and
future service whose prefix fits, which is rarely what the author means.

## Why is this bad
The statement grants the action in services nobody reviewed, including services added later.

## Example
```json
{"Effect": "Allow", "Action": "*:Describe*", "Resource": "*"}
```

## Use instead
```json
{"Effect": "Allow", "Action": ["ec2:Describe*", "rds:Describe*"], "Resource": "*"}
```
"#,
};

pub const REDUNDANT_ACTION: Check = Check {
    code: "REDUNDANT_ACTION",
    severity: Severity::Suggestion,
    summary: "An action is already covered by another entry of the same list",
    doc: r#"## What it does
Reports an entry of `Action` or `NotAction` that another entry of the same list already
covers (`s3:GetObject` next to `s3:*`, or the same action twice), and offers to remove it.
Case is ignored, as IAM ignores it in actions.

## Why is this bad
Nothing is wrong with the policy, but the list is longer than it needs to be, and policies
have size quotas.

## Example
```json
{"Effect": "Allow", "Action": ["s3:*", "s3:GetObject"], "Resource": "*"}
```

## Use instead
```json
{"Effect": "Allow", "Action": ["s3:*"], "Resource": "*"}
```
"#,
};

pub const RULE: Rule = Rule {
    checks: &[
        &INVALID_SERVICE_IN_ACTION,
        &INVALID_ACTION,
        &RETIRED_ACTION,
        &WILDCARD_ACTION_MATCHES_NOTHING,
        &WILDCARD_IN_SERVICE_NAME,
        &REDUNDANT_ACTION,
    ],
    run,
};

fn run(ctx: &Context<'_>, out: &mut Sink) {
    for statement in &ctx.policy.statements {
        let deny = statement.effect() == Some(Effect::Deny);
        for (list, negated) in [(&statement.action, false), (&statement.not_action, true)] {
            let Some(list) = list else { continue };
            // Retired actions are reported only where they would grant: not in a Deny, nor in
            // NotAction.
            let quiet_retired = deny || negated;
            let rule = if quiet_retired {
                "actions.quiet-retired"
            } else {
                "actions"
            };
            out.memoized(rule, ctx.text, list.value_span(), |out| {
                check_list(list, quiet_retired, out);
            });
        }
    }
}

/// Findings of one Action or NotAction list; they depend on its text (and `quiet_retired`) alone.
fn check_list(list: &StringList<'_>, quiet_retired: bool, out: &mut Sink) {
    for item in &list.items {
        check_action(item, quiet_retired, out);
    }
    let values: Vec<&str> = list.values().collect();
    let redundant = redundant_entries(&values, true, |v| v.contains("${"));
    for (item, cover) in list.items.iter().zip(redundant) {
        let Some(cover) = cover.and_then(|j| values.get(j)) else {
            continue;
        };
        let finding = out.report(
            &REDUNDANT_ACTION,
            item.span,
            format!("\"{}\" is already covered by \"{}\"", item.value, cover),
        );
        finding.tags.push(Tag::Unnecessary);
        if let Some(fix) = remove_item_fix(list, item, format!("Remove \"{}\"", item.value)) {
            finding.fixes.push(fix);
        }
    }
}

fn did_you_mean(item: &JsonString, suggestion: Option<String>) -> (String, Option<Fix>) {
    match suggestion {
        Some(s) => (
            format!("; did you mean \"{s}\"?"),
            Some(Fix::replace(
                format!("Replace with \"{s}\""),
                item.span,
                format!("\"{s}\""),
            )),
        ),
        None => (String::new(), None),
    }
}

fn check_action(item: &JsonString, quiet_retired: bool, out: &mut Sink) {
    let value = item.value.as_str();
    // `*` alone, empty strings (EMPTY_* checks), variables (not allowed in actions, reported
    // elsewhere) and strings without a prefix (a format problem) are left to other checks.
    if value.is_empty() || value.bytes().all(|b| b == b'*') || value.contains("${") {
        return;
    }
    let Some((prefix, name)) = value.split_once(':') else {
        return;
    };
    let c = catalog();
    if has_wildcard(prefix) {
        out.report(
            &WILDCARD_IN_SERVICE_NAME,
            item.span,
            format!("the service prefix \"{prefix}\" has a wildcard: it matches every service whose prefix fits, including future ones; name the services"),
        );
        if c.actions_matching(value).next().is_none() {
            out.report(
                &WILDCARD_ACTION_MATCHES_NOTHING,
                item.span,
                format!("\"{value}\" matches no action"),
            );
        }
        return;
    }
    let Some(service) = c.service(prefix) else {
        if has_wildcard(name) {
            // AWS managed policies keep `deeplens:*`-style entries for retired services whose
            // prefixes IAM still accepts: a warning, not an error.
            let (hint, fix) = did_you_mean(item, c.suggest_service(prefix).map(|s| format!("{s}:{name}")));
            let finding = out.report(
                &WILDCARD_ACTION_MATCHES_NOTHING,
                item.span,
                format!("\"{value}\" matches no action: no known service has the prefix \"{prefix}\"{hint}"),
            );
            finding.fixes.extend(fix);
            return;
        }
        let suggestion = if out.spend_suggestion() {
            c.suggest_action(value)
                .or_else(|| c.suggest_service(prefix).map(|s| format!("{s}:{name}")))
        } else {
            None
        };
        let (hint, fix) = did_you_mean(item, suggestion);
        let finding = out.report(
            &INVALID_SERVICE_IN_ACTION,
            item.span,
            format!("unknown service prefix \"{prefix}\"{hint}"),
        );
        finding.fixes.extend(fix);
        return;
    };
    if has_wildcard(name) {
        if c.actions_matching(value).next().is_none() {
            out.report(
                &WILDCARD_ACTION_MATCHES_NOTHING,
                item.span,
                format!("\"{value}\" matches no action of {}", service.prefix()),
            );
        }
        return;
    }
    if service.action(name).is_some() {
        return;
    }
    if let Some(retired) = retired_action(value) {
        if !quiet_retired {
            out.report(
                &RETIRED_ACTION,
                item.span,
                format!(
                    "{} was retired by AWS and no longer authorizes anything; it was replaced by {}",
                    retired.name, retired.replaced_by
                ),
            )
            .tags
            .push(Tag::Deprecated);
        }
        return;
    }
    let suggestion = if out.spend_suggestion() {
        c.suggest_action(value)
    } else {
        None
    };
    let (hint, fix) = did_you_mean(item, suggestion);
    let finding = out.report(
        &INVALID_ACTION,
        item.span,
        format!("{} has no action \"{name}\"{hint}", service.prefix()),
    );
    finding.fixes.extend(fix);
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::{findings_of, spans_of};
    use crate::policy_type::PolicyType::Identity;

    fn policy(actions: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": {actions}, "Resource": "*"}}]}}"#
        )
    }

    #[test]
    fn unknown_service() {
        let text = policy(r#"["s4:GetObject", "s3:GetObject"]"#);
        assert_eq!(
            findings_of(&text, Identity, "INVALID_SERVICE_IN_ACTION"),
            [(
                "unknown service prefix \"s4\"; did you mean \"s3:GetObject\"?".to_string(),
                "\"s4:GetObject\"".to_string()
            )]
        );
        let text = policy(r#""zzzzqq:Qwrtplk""#);
        assert_eq!(
            findings_of(&text, Identity, "INVALID_SERVICE_IN_ACTION"),
            [(
                "unknown service prefix \"zzzzqq\"".to_string(),
                "\"zzzzqq:Qwrtplk\"".to_string()
            )]
        );
        assert!(spans_of(&policy(r#""S3:GetObject""#), Identity, "INVALID_SERVICE_IN_ACTION").is_empty());
        let text = policy(r#""s4:Get*""#);
        assert!(spans_of(&text, Identity, "INVALID_SERVICE_IN_ACTION").is_empty());
        assert_eq!(
            findings_of(&text, Identity, "WILDCARD_ACTION_MATCHES_NOTHING"),
            [(
                "\"s4:Get*\" matches no action: no known service has the prefix \"s4\"; did you mean \"s3:Get*\"?"
                    .to_string(),
                "\"s4:Get*\"".to_string()
            )]
        );
    }

    #[test]
    fn unknown_action_with_suggestions() {
        let msg = |a: &str| {
            findings_of(&policy(&format!("\"{a}\"")), Identity, "INVALID_ACTION")
                .into_iter()
                .map(|(m, span)| {
                    assert_eq!(span, format!("\"{a}\""));
                    m
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            msg("s3:GetObjekt"),
            ["s3 has no action \"GetObjekt\"; did you mean \"s3:GetObject\"?"]
        );
        assert_eq!(
            msg("s3:GetObjectt"),
            ["s3 has no action \"GetObjectt\"; did you mean \"s3:GetObject\"?"]
        );
        assert_eq!(
            msg("s3:GetObjct"),
            ["s3 has no action \"GetObjct\"; did you mean \"s3:GetObject\"?"]
        );
        assert_eq!(
            msg("iam:PassRoel"),
            ["iam has no action \"PassRoel\"; did you mean \"iam:PassRole\"?"]
        );
        assert_eq!(
            msg("s3:CreateTable"),
            ["s3 has no action \"CreateTable\"; did you mean \"dynamodb:CreateTable\"?"]
        );
        assert_eq!(msg("ec2:Xyzzy123"), ["ec2 has no action \"Xyzzy123\""]);
        // Case slips are valid.
        assert!(msg("s3:getobject").is_empty());
        assert!(msg("s3:GetObject").is_empty());
    }

    #[test]
    fn retired_and_documented_elsewhere() {
        let text = policy(r#"["account:PutChallengeQuestions", "mediaconnect:ManagedDescribeFlow"]"#);
        assert_eq!(
            spans_of(&text, Identity, "RETIRED_ACTION"),
            ["\"account:PutChallengeQuestions\""]
        );
        assert!(spans_of(&text, Identity, "INVALID_ACTION").is_empty());
        // A Deny (an SCP written when the action existed) or a NotAction is harmless.
        let deny = text.replace("\"Allow\"", "\"Deny\"");
        assert!(spans_of(&deny, Identity, "RETIRED_ACTION").is_empty());
        assert!(spans_of(&deny, Identity, "INVALID_ACTION").is_empty());
        let not_action = text.replace("\"Action\"", "\"NotAction\"");
        assert!(spans_of(&not_action, Identity, "RETIRED_ACTION").is_empty());
    }

    #[test]
    fn fix_replaces_token() {
        let text = policy(r#""s3:GetObjekt""#);
        let f = crate::checks::test_support::all_findings(&text, Identity);
        let fix = f
            .iter()
            .find(|f| f.code == "INVALID_ACTION")
            .and_then(|f| f.fixes.first());
        assert_eq!(fix.map(|f| f.edits[0].new_text.as_str()), Some("\"s3:GetObject\""));
        assert_eq!(fix.map(|f| &text[f.edits[0].span.range()]), Some("\"s3:GetObjekt\""));
    }

    #[test]
    fn wildcards() {
        let text = policy(r#"["s3:Gett*", "s3:Get*", "*", "s3:*"]"#);
        assert_eq!(
            spans_of(&text, Identity, "WILDCARD_ACTION_MATCHES_NOTHING"),
            ["\"s3:Gett*\""]
        );
        assert!(spans_of(&text, Identity, "INVALID_ACTION").is_empty());
        let text = policy(r#"["*:Describe*", "s3:GetObject"]"#);
        assert_eq!(
            spans_of(&text, Identity, "WILDCARD_IN_SERVICE_NAME"),
            ["\"*:Describe*\""]
        );
        assert!(spans_of(&policy(r#""s3:Get*""#), Identity, "WILDCARD_IN_SERVICE_NAME").is_empty());
    }

    #[test]
    fn redundant_actions() {
        let text = policy(r#"["s3:*", "s3:GetObject", "ec2:DescribeVpcs", "EC2:describevpcs"]"#);
        assert_eq!(
            spans_of(&text, Identity, "REDUNDANT_ACTION"),
            ["\"s3:GetObject\"", "\"EC2:describevpcs\""]
        );
        assert!(spans_of(&policy(r#"["s3:Get*", "s3:PutObject"]"#), Identity, "REDUNDANT_ACTION").is_empty());
    }

    #[test]
    fn redundant_fix_leaves_valid_json() {
        for (actions, expected) in [
            (r#"["s3:*", "s3:GetObject"]"#, r#"["s3:*"]"#),
            (r#"["s3:GetObject", "s3:*"]"#, r#"["s3:*"]"#),
            (r#"["s3:GetObject", "s3:*", "ec2:X"]"#, r#"["s3:*", "ec2:X"]"#),
        ] {
            let text = policy(actions);
            let f = crate::checks::test_support::all_findings(&text, Identity);
            let edit = f
                .iter()
                .find(|f| f.code == "REDUNDANT_ACTION")
                .and_then(|f| f.fixes.first())
                .map(|f| f.edits[0].clone())
                .unwrap();
            let mut fixed = text.clone();
            fixed.replace_range(edit.span.range(), &edit.new_text);
            assert_eq!(fixed, policy(expected));
        }
    }
}
