//! Condition operators and condition keys checked against the operator table and the IAM
//! catalog: unknown operators, `Null` with `IfExists` or a qualifier, malformed and unknown
//! keys, tag keys without a tag name, qualifiers that do not fit the key, deprecated keys, and
//! keys none of the statement's actions support.

use super::list_util::rename_operator_fix;
use super::{Context, Rule, Sink};
use crate::catalog::{Action, KeyInfo, catalog, distance, has_wildcard, max_distance};
use crate::finding::{Fix, Tag};
use crate::json::JsonString;
use crate::model::{Condition, ConditionEntry, ConditionOperatorBlock, Statement};
use crate::operator::{Family, ParsedOperator, Qualifier, all_operator_names, parse};

check!(
    INVALID_CONDITION_OPERATOR,
    Error,
    "The condition operator does not exist",
    r#"## What it does
Reports a condition operator that IAM does not know (`StringEqual`, `ForSomeValues:StringLike`),
with the closest valid operator as a fix. Operators are matched case-insensitively here; the
canonical spelling is suggested for a case slip only through completion, not reported.

## Why is this bad
IAM rejects the policy.

## Example
```json
"Condition": {"StringEqual": {"aws:PrincipalAccount": "123456789012"}}
```

## Use instead
```json
"Condition": {"StringEquals": {"aws:PrincipalAccount": "123456789012"}}
```
"#
);

check!(
    NULL_WITH_IF_EXISTS,
    Error,
    "The Null operator cannot take IfExists",
    r#"## What it does
Reports `NullIfExists`.

## Why is this bad
`Null` tests whether a key is present; `IfExists` makes a missing key count as a match. The two
together make no sense and IAM Access Analyzer rejects them.

## Example
```json
"Condition": {"NullIfExists": {"aws:TokenIssueTime": "true"}}
```

## Use instead
```json
"Condition": {"Null": {"aws:TokenIssueTime": "true"}}
```
"#
);

check!(
    NULL_WITH_QUALIFIER,
    Warning,
    "The Null operator with ForAllValues or ForAnyValue",
    r#"## What it does
Reports `ForAllValues:Null` and `ForAnyValue:Null`.

## Why is this bad
`Null` tests whether the key is present at all; a set qualifier compares values one by one,
which does not apply to a presence test. The result is hard to predict. A warning, because IAM
accepts the policy.

## Example
```json
"Condition": {"ForAnyValue:Null": {"aws:TagKeys": "false"}}
```

## Use instead
```json
"Condition": {"Null": {"aws:TagKeys": "false"}}
```
"#
);

check!(
    INVALID_CONDITION_KEY_FORMAT,
    Error,
    "The condition key is not of the form prefix:name",
    r#"## What it does
Reports a condition key without a `:` or with an empty prefix or name (`SourceIp`, `aws:`).

## Why is this bad
Every condition key is `prefix:name`; IAM rejects the policy.

## Example
```json
"Condition": {"IpAddress": {"SourceIp": "203.0.113.0/24"}}
```

## Use instead
```json
"Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
```
"#
);

check!(
    INVALID_GLOBAL_CONDITION_KEY,
    Error,
    "The aws: condition key does not exist",
    r#"## What it does
Reports an `aws:` key that is not a global condition key, with the closest key as a fix. Keys
are case-insensitive: `aws:sourceip` is valid. `aws:PrincipalOrgMasterAccountId`, an older key
that AWS managed policies still use, is accepted.

## Why is this bad
IAM rejects the policy.

## Example
```json
"Condition": {"IpAddress": {"aws:SourceIP4": "203.0.113.0/24"}}
```

## Use instead
```json
"Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
```
"#
);

check!(
    INVALID_SERVICE_CONDITION_KEY,
    Error,
    "The service does not have this condition key",
    r#"## What it does
Reports a key whose prefix is a known service that does not define that key
(`s3:prefixx`), with the closest key as a fix. Keys whose prefix is not a service
(`saml:aud`, `accounts.google.com:sub`) are not checked, nor keys of services the reference
does not document, nor the per-service tag keys (`secretsmanager:ResourceTag/x`,
`ssm:resourceTag/x`), an older spelling many services accept without the reference listing it.

## Why is this bad
The key is never present in a request, so the condition never matches as intended.

## Example
```json
"Condition": {"StringLike": {"s3:prefixx": "home/*"}}
```

## Use instead
```json
"Condition": {"StringLike": {"s3:prefix": "home/*"}}
```
"#
);

check!(
    INVALID_SERVICE,
    Error,
    "The prefix of a condition key is not a service",
    r#"## What it does
Reports a condition key whose prefix is neither a known service nor `aws` (`s4:prefix`,
`iamm:PassedToService`), with the closest service as a fix. Only prefixes shaped like a service
prefix (letters, digits, `-`) are reported: identity providers' claims
(`accounts.google.com:sub`, `oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:aud`) and placeholders
(`<OIDC_provider>:sub`) are not, nor the non-service prefixes the Service Authorization Reference
lists keys under (`saml:`, `cognito-identity-auth:`, `identitycenter:`, ...).

## Why is this bad
IAM rejects the policy ("The service does not exist"), or the key never appears in a request.

## Example
```json
"Condition": {"StringEquals": {"iamm:PassedToService": "lambda.amazonaws.com"}}
```

## Use instead
```json
"Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}
```
"#
);

check!(
    MISSING_TAG_KEY_IN_CONDITION,
    Error,
    "A tag condition key lacks the tag name",
    r#"## What it does
Reports a tag key used without its `/tag-name` part (`aws:ResourceTag`,
`aws:RequestTag/`, `s3:ExistingObjectTag`).

## Why is this bad
These keys exist only with a tag name; IAM rejects the policy.

## Example
```json
"Condition": {"StringEquals": {"aws:ResourceTag": "prod"}}
```

## Use instead
```json
"Condition": {"StringEquals": {"aws:ResourceTag/environment": "prod"}}
```
"#
);

check!(
    DEPRECATED_GLOBAL_CONDITION_KEY,
    Warning,
    "The global condition key is deprecated",
    r#"## What it does
Reports deprecated global keys (`aws:ARN`) in identity policies, SCPs, RCPs and permissions
boundaries.

## Why is this bad
AWS no longer recommends the key; its meaning is unclear (the ARN of what?). Use
`aws:PrincipalArn` for the caller or `aws:SourceArn` for the calling resource.

## Example
```json
"Condition": {"ArnLike": {"aws:ARN": "arn:aws:iam::123456789012:role/*"}}
```

## Use instead
```json
"Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/*"}}
```
"#
);

check!(
    UNSUPPORTED_GLOBAL_CONDITION_KEY,
    Error,
    "The global condition key is not supported in this policy",
    r#"## What it does
Reports `aws:ARN` in resource-based policies (resource, trust and endpoint policies), where IAM
Access Analyzer does not support it. In other policy types the key is reported as
`DEPRECATED_GLOBAL_CONDITION_KEY`, a warning. Only raised when the policy type is known.
<!-- policy-type: resource -->

## Why is this bad
The condition does not do what it seems to.

## Example
```json
"Condition": {"ArnEquals": {"aws:ARN": "arn:aws:iam::123456789012:role/R"}}
```

## Use instead
```json
"Condition": {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/R"}}
```
"#
);

check!(
    MISSING_QUALIFIER,
    Error,
    "A multivalued condition key is used without ForAllValues or ForAnyValue",
    r#"## What it does
Reports a multivalued key (`aws:TagKeys`, `aws:CalledVia`, a service's `...TagKeys`) used with
an operator that has no `ForAllValues:` / `ForAnyValue:` qualifier. `Null` needs no qualifier.

Other service keys the reference types `ArrayOf*` are not reported: the types are not reliable
enough (`events:detail-type` is typed `ArrayOfString`, yet an event has one detail type and
AWS managed policies use it with `StringEquals`).

## Why is this bad
Without a qualifier the request's set of values is compared as a single value, so the
condition does not match as intended.

## Example
```json
"Condition": {"StringEquals": {"aws:TagKeys": ["env", "team"]}}
```

## Use instead
```json
"Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}}
```
"#
);

check!(
    FORALLVALUES_WITH_SINGLE_VALUED_KEY,
    Warning,
    "ForAllValues with a single-valued condition key",
    r#"## What it does
Reports `ForAllValues:` used with a key that has one value (`aws:SourceIp`,
`aws:PrincipalTag/team`).

## Why is this bad
`ForAllValues` is also true when the key is absent from the request, so in an `Allow` it grants
more than intended. Use the operator without a qualifier.

## Example
```json
"Condition": {"ForAllValues:StringEquals": {"aws:PrincipalTag/team": "blue"}}
```

## Use instead
```json
"Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue"}}
```
"#
);

check!(
    UNSUPPORTED_ACTION_FOR_CONDITION_KEY,
    Warning,
    "Some of the statement's actions do not support the condition key",
    r#"## What it does
Reports a condition key that actions of the statement do not support, according to the Service
Authorization Reference:
- none of the statement's actions supports it: a service key of a service unrelated to theirs
  (`kms:ViaService` with `s3:GetObject`), or a tag key (`aws:ResourceTag/...`) with actions that
  list no tags. Raised only when every action is named literally (no wildcard) and documented. A
  key of the actions' own service is not reported: the reference's lists of a service's keys per
  action are incomplete (AWS's own policies use `states:HTTPEndpoint` with
  `states:InvokeHTTPEndpoint` and `iottwinmaker:linkedServices` with actions that do not list
  them);
- some literally named actions do not, while others may: the key belongs to another service
  than these actions and they do not list it (`s3:GetObject` next to `kms:Decrypt` under
  `kms:ViaService`). IAM Access Analyzer asks to move such actions to a statement without the key
  and, as here, does not evaluate actions with wildcards. Only keys of an unrelated service are
  reported this way; services of one family share keys (`redshift-data:glue-catalog-arn` with
  `redshift-serverless:GetManagedWorkgroup`, as an AWS managed policy writes it); and the
  cross-service keys of role sessions (`ec2:SourceInstanceArn`, `lambda:SourceFunctionArn`, ...,
  IAM User Guide, "AWS global condition context keys") are present in other services' requests.

In both cases the operator must be false for a missing key (not `IfExists`, `Null` or
`ForAllValues:`). Global keys other than the tag keys are supported by every action.

A warning, not an error as in IAM Access Analyzer: the reference's lists of keys per action are
incomplete (AWS managed policies use `iottwinmaker:linkedServices` and `aws:TagKeys` with
actions that do not list them), so the finding means "check this", not "this is wrong".

## Why is this bad
The key is never in the request for these actions, so the condition is never true and the
statement never applies.

## Example
```json
{"Effect": "Allow", "Action": ["kms:Decrypt", "s3:GetObject"], "Resource": "*",
 "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}}
```

## Use instead
```json
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
   "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}},
  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
]}
```
"#
);

pub const RULE: Rule = Rule {
    checks: &[
        &INVALID_CONDITION_OPERATOR,
        &NULL_WITH_IF_EXISTS,
        &NULL_WITH_QUALIFIER,
        &INVALID_CONDITION_KEY_FORMAT,
        &INVALID_GLOBAL_CONDITION_KEY,
        &INVALID_SERVICE_CONDITION_KEY,
        &INVALID_SERVICE,
        &MISSING_TAG_KEY_IN_CONDITION,
        &DEPRECATED_GLOBAL_CONDITION_KEY,
        &UNSUPPORTED_GLOBAL_CONDITION_KEY,
        &MISSING_QUALIFIER,
        &FORALLVALUES_WITH_SINGLE_VALUED_KEY,
        &UNSUPPORTED_ACTION_FOR_CONDITION_KEY,
    ],
    run,
};

fn replace_fix(token: &JsonString, suggestion: &str) -> Fix {
    Fix::replace(
        format!("Replace with \"{suggestion}\""),
        token.span,
        format!("\"{suggestion}\""),
    )
}

fn run(ctx: &Context<'_>, out: &mut Sink) {
    for statement in &ctx.policy.statements {
        let Some(condition) = &statement.condition else {
            continue;
        };
        // Resolved lazily: only statements with service or tag keys need their actions.
        let mut actions: Option<NamedActions<'_>> = None;
        for block in &condition.operators {
            let op = check_operator(block.operator, out);
            for entry in &block.entries {
                let Some(info) = check_key(ctx, entry, out) else {
                    continue;
                };
                if let Some(op) = op {
                    check_qualifier(op, condition, block, entry, &info, out);
                    if (!info.global || info.tag_related) && might_be_false_when_missing(op) {
                        let acts = actions.get_or_insert_with(|| named_actions(statement));
                        check_action_support(acts, entry, &info, out);
                    }
                }
            }
        }
    }
}

/// Reports unknown operators and `Null` misuse; returns the parsed operator.
fn check_operator(token: &JsonString, out: &mut Sink) -> Option<ParsedOperator> {
    let name = token.value.as_str();
    let Some(op) = parse(name) else {
        let max = max_distance(name.len());
        let best = all_operator_names()
            .filter_map(|cand| distance(name, &cand, max).map(|d| (d, cand)))
            .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.len().cmp(&b.1.len())));
        let (hint, fix) = match best {
            Some((_, s)) => (format!("; did you mean \"{s}\"?"), Some(replace_fix(token, &s))),
            None => (String::new(), None),
        };
        out.report(
            &INVALID_CONDITION_OPERATOR,
            token.span,
            format!("unknown condition operator \"{name}\"{hint}"),
        )
        .fixes
        .extend(fix);
        return None;
    };
    if op.base.family == Family::Null {
        if op.if_exists {
            let fixed = ParsedOperator { if_exists: false, ..op }.canonical();
            out.report(
                &NULL_WITH_IF_EXISTS,
                token.span,
                "the Null operator cannot take IfExists: Null already tests whether the key is present",
            )
            .fixes
            .push(replace_fix(token, &fixed));
        }
        if let Some(q) = op.qualifier {
            let fixed = ParsedOperator { qualifier: None, ..op }.canonical();
            out.report(
                &NULL_WITH_QUALIFIER,
                token.span,
                format!(
                    "{}: does not apply to Null, which tests whether the key is present",
                    q.as_str()
                ),
            )
            .fixes
            .push(replace_fix(token, &fixed));
        }
    }
    Some(op)
}

/// Reports malformed and unknown keys; returns what the catalog knows about the key.
fn check_key(ctx: &Context<'_>, entry: &ConditionEntry<'_>, out: &mut Sink) -> Option<KeyInfo> {
    let token = entry.key;
    let name = token.value.as_str();
    let Some((prefix, rest)) = name.split_once(':').filter(|(p, r)| !p.is_empty() && !r.is_empty()) else {
        let c = catalog();
        let suggestion = ["aws:", ""]
            .into_iter()
            .find_map(|p| {
                let candidate = format!("{p}{name}");
                c.condition_key(&candidate).map(|_| candidate)
            })
            .filter(|s| s.contains(':'));
        let (hint, fix) = match suggestion.and_then(|s| c.suggest_condition_key(&s).or(Some(s))) {
            Some(s) => (format!("; did you mean \"{s}\"?"), Some(replace_fix(token, &s))),
            None => (String::new(), None),
        };
        out.report(
            &INVALID_CONDITION_KEY_FORMAT,
            token.span,
            format!("condition key \"{name}\" is not of the form prefix:name{hint}"),
        )
        .fixes
        .extend(fix);
        return None;
    };
    let c = catalog();
    if LEGACY_GLOBAL_KEYS.iter().any(|k| k.eq_ignore_ascii_case(name)) || is_service_tag_key(prefix, rest) {
        return None;
    }
    if let Some(info) = c.condition_key(name) {
        if info.deprecated {
            report_deprecated(ctx, token, &info, out);
        }
        return Some(info);
    }
    // `aws:ResourceTag` or `aws:ResourceTag/`: a template key without its tag name.
    let base = name.trim_end_matches('/');
    if c.condition_key(&format!("{base}/tag")).is_some_and(|k| k.template) {
        out.report(
            &MISSING_TAG_KEY_IN_CONDITION,
            token.span,
            format!("\"{name}\" needs a tag name: \"{base}/<tag-name>\""),
        );
        return None;
    }
    let suggestion = c.suggest_condition_key(name);
    let (hint, fix) = match &suggestion {
        Some(s) => (format!("; did you mean \"{s}\"?"), Some(replace_fix(token, s))),
        None => (String::new(), None),
    };
    if prefix.eq_ignore_ascii_case("aws") {
        out.report(
            &INVALID_GLOBAL_CONDITION_KEY,
            token.span,
            format!("\"{name}\" is not a global condition key{hint}"),
        )
        .fixes
        .extend(fix);
        return None;
    }
    let Some(service) = c.service(prefix) else {
        // Identity providers' claims (`accounts.google.com:sub`, `.../id/ABC:aud`) and the
        // catalog's other non-service prefixes (`saml`, `cognito-identity-auth`) are not services.
        let provider = !prefix.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        let listed = c.services().flat_map(|s| s.condition_keys()).any(|k| {
            k.name()
                .split_once(':')
                .is_some_and(|(p, _)| p.eq_ignore_ascii_case(prefix))
        });
        if !provider && !listed {
            let (hint, fix) = match c.suggest_service(prefix) {
                Some(s) => {
                    let fixed = format!("{s}:{rest}");
                    (format!("; did you mean \"{fixed}\"?"), Some(replace_fix(token, &fixed)))
                }
                None => (String::new(), None),
            };
            out.report(
                &INVALID_SERVICE,
                token.span,
                format!("no service has the prefix \"{prefix}\"{hint}"),
            )
            .fixes
            .extend(fix);
        }
        return None;
    };
    let service = Some(service).filter(|s| s.is_documented())?;
    // A key another service lists under this prefix is still a real key.
    if c.services().any(|s| s.condition_key(name).is_some()) {
        return None;
    }
    out.report(
        &INVALID_SERVICE_CONDITION_KEY,
        token.span,
        format!("{} has no condition key \"{name}\"{hint}", service.prefix()),
    )
    .fixes
    .extend(fix);
    None
}

/// Global keys AWS managed policies use that the global key list lacks: accepted, unchecked.
const LEGACY_GLOBAL_KEYS: &[&str] = &["aws:PrincipalOrgMasterAccountId"];

/// Service-prefixed tag keys (`ec2:ResourceTag/x`, `secretsmanager:ResourceTag/x`,
/// `ssm:resourceTag/x`): the older per-service spelling of the `aws:` tag keys, which many
/// services accept without the reference listing them. Accepted, unchecked.
fn is_service_tag_key(prefix: &str, rest: &str) -> bool {
    if prefix.eq_ignore_ascii_case("aws") {
        return false;
    }
    let head = rest.split_once('/').map_or(rest, |(h, _)| h);
    ["ResourceTag", "RequestTag"]
        .iter()
        .any(|t| t.eq_ignore_ascii_case(head))
        && rest.len() > head.len() + 1
}

fn report_deprecated(ctx: &Context<'_>, token: &JsonString, info: &KeyInfo, out: &mut Sink) {
    let resource_based = ctx.policy_type.has_principal() && ctx.type_is_explicit;
    let check = if resource_based {
        &UNSUPPORTED_GLOBAL_CONDITION_KEY
    } else {
        &DEPRECATED_GLOBAL_CONDITION_KEY
    };
    let finding = out.report(
        check,
        token.span,
        format!(
            "\"{}\" is deprecated: use aws:PrincipalArn for the caller or aws:SourceArn for the calling resource",
            info.name
        ),
    );
    if !resource_based {
        finding.tags.push(Tag::Deprecated);
    }
    finding.fixes.push(replace_fix(token, "aws:PrincipalArn"));
}

fn check_qualifier(
    op: ParsedOperator,
    condition: &Condition<'_>,
    block: &ConditionOperatorBlock<'_>,
    entry: &ConditionEntry<'_>,
    info: &KeyInfo,
    out: &mut Sink,
) {
    if op.base.family == Family::Null {
        return;
    }
    match op.qualifier {
        None if info.multivalued && (info.global || info.name.to_ascii_lowercase().ends_with("tagkeys")) => {
            let message = format!(
                "\"{}\" is multivalued: use ForAnyValue:{} (any value matches) or ForAllValues:{} (every value matches)",
                entry.key.value,
                op.canonical(),
                op.canonical()
            );
            let finding = out.report(&MISSING_QUALIFIER, entry.key.span, message);
            for (q, what) in [
                (Qualifier::ForAnyValue, "any value matches"),
                (Qualifier::ForAllValues, "every value matches"),
            ] {
                let name = ParsedOperator {
                    qualifier: Some(q),
                    ..op
                }
                .canonical();
                let title = format!("Use {name} ({what})");
                finding
                    .fixes
                    .extend(rename_operator_fix(condition, block, &name, title));
            }
        }
        Some(Qualifier::ForAllValues) if !info.multivalued => {
            out.report(
                &FORALLVALUES_WITH_SINGLE_VALUED_KEY,
                entry.key.span,
                format!(
                    "\"{}\" has a single value: ForAllValues is also true when the key is missing; drop the qualifier",
                    entry.key.value
                ),
            );
        }
        _ => {}
    }
}

/// Is the condition false when the key is missing from the request (so a key the actions do
/// not support makes the statement never apply)?
fn might_be_false_when_missing(op: ParsedOperator) -> bool {
    !op.if_exists && op.base.family != Family::Null && op.qualifier != Some(Qualifier::ForAllValues)
}

/// Service keys that other services' requests carry: the role-session properties of the IAM
/// User Guide's "AWS global condition context keys".
const CROSS_SERVICE_KEYS: &[&str] = &[
    "codebuild:BuildArn",
    "codebuild:ProjectArn",
    "ec2:RoleDelivery",
    "ec2:SourceInstanceArn",
    "glue:CredentialIssuingService",
    "glue:RoleAssumedBy",
    "identitystore:UserId",
    "lambda:SourceFunctionArn",
    "ssm:SourceInstanceArn",
];

/// The statement's literally named, known, documented actions, and whether every entry of its
/// `Action` is one (no wildcard, nothing unknown or undocumented).
struct NamedActions<'a> {
    actions: Vec<(&'a JsonString, Action)>,
    all: bool,
}

fn named_actions<'a>(statement: &Statement<'a>) -> NamedActions<'a> {
    let mut named = NamedActions {
        actions: Vec::new(),
        all: statement.action.is_some(),
    };
    let c = catalog();
    for item in statement.action.iter().flat_map(|list| list.items.iter().copied()) {
        match c
            .action(&item.value)
            .filter(|a| a.is_documented() && !has_wildcard(&item.value))
        {
            Some(action) => named.actions.push((item, action)),
            None => named.all = false,
        }
    }
    named
}

fn check_action_support(named: &NamedActions<'_>, entry: &ConditionEntry<'_>, info: &KeyInfo, out: &mut Sink) {
    let key = entry.key.value.as_str();
    if CROSS_SERVICE_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key)) {
        return;
    }
    let unsupported: Vec<&(&JsonString, Action)> = named
        .actions
        .iter()
        .filter(|(_, a)| !a.supports_condition_key(key))
        .collect();
    if unsupported.is_empty() {
        return;
    }
    // What the reference makes certain: a tag key the actions do not list, or a key of a
    // service unrelated to the action's (see the check's docs).
    let family = |prefix: &str| prefix.split('-').next().unwrap_or(prefix).to_ascii_lowercase();
    let key_family = info.service.filter(|_| !info.global).map(family);
    let certain = |a: &Action| info.tag_related || key_family.as_ref().is_some_and(|k| *k != family(a.prefix()));
    if named.all && unsupported.len() == named.actions.len() && named.actions.iter().all(|(_, a)| certain(a)) {
        let names: Vec<String> = named.actions.iter().take(5).map(|(_, a)| a.full_name()).collect();
        let more = if named.actions.len() > 5 { ", ..." } else { "" };
        out.report(
            &UNSUPPORTED_ACTION_FOR_CONDITION_KEY,
            entry.key.span,
            format!(
                "no action of this statement ({}{more}) supports \"{key}\": the key is never present, so the condition is never true",
                names.join(", ")
            ),
        );
        return;
    }
    // Some actions may support the key: report only the certain ones, actions of a service
    // unrelated to the key's.
    if key_family.is_none() {
        return;
    }
    let foreign: Vec<&(&JsonString, Action)> = unsupported.into_iter().filter(|(_, a)| certain(a)).collect();
    if foreign.is_empty() {
        return;
    }
    let names: Vec<String> = foreign.iter().map(|(_, a)| a.full_name()).collect();
    let (verb, them) = if names.len() == 1 {
        ("does", "it")
    } else {
        ("do", "them")
    };
    let finding = out.report(
        &UNSUPPORTED_ACTION_FOR_CONDITION_KEY,
        entry.key.span,
        format!(
            "{} {verb} not support \"{key}\": the condition is never true for {them}; move {them} to a statement without this key",
            names.join(", ")
        ),
    );
    for (item, action) in foreign {
        finding.related.push(crate::finding::Related {
            span: item.span,
            message: format!("{} does not support {key}", action.full_name()),
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::{findings_of, spans_of};
    use crate::policy_type::PolicyType::{Identity, Resource};

    fn cond(action: &str, condition: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "{action}", "Resource": "*", "Condition": {condition}}}]}}"#
        )
    }

    fn c(condition: &str) -> String {
        cond("s3:GetObject", condition)
    }

    #[test]
    fn operators() {
        let text = c(r#"{"StringEqual": {"aws:username": "a"}}"#);
        assert_eq!(
            findings_of(&text, Identity, "INVALID_CONDITION_OPERATOR"),
            [(
                "unknown condition operator \"StringEqual\"; did you mean \"StringEquals\"?".to_string(),
                "\"StringEqual\"".to_string()
            )]
        );
        let text = c(r#"{"ForSomeValues:StringEquals": {"aws:username": "a"}}"#);
        assert_eq!(
            spans_of(&text, Identity, "INVALID_CONDITION_OPERATOR"),
            ["\"ForSomeValues:StringEquals\""]
        );
        let text = c(r#"{"Frobnicate": {"aws:username": "a"}}"#);
        assert_eq!(
            findings_of(&text, Identity, "INVALID_CONDITION_OPERATOR"),
            [(
                "unknown condition operator \"Frobnicate\"".to_string(),
                "\"Frobnicate\"".to_string()
            )]
        );
        let ok =
            c(r#"{"ForAnyValue:StringLikeIfExists": {"aws:TagKeys": "a*"}, "stringequals": {"aws:username": "a"}}"#);
        assert!(spans_of(&ok, Identity, "INVALID_CONDITION_OPERATOR").is_empty());
    }

    #[test]
    fn null_misuse() {
        let text =
            c(r#"{"NullIfExists": {"aws:TokenIssueTime": "true"}, "ForAnyValue:Null": {"aws:TagKeys": "true"}}"#);
        assert_eq!(spans_of(&text, Identity, "NULL_WITH_IF_EXISTS"), ["\"NullIfExists\""]);
        assert_eq!(
            spans_of(&text, Identity, "NULL_WITH_QUALIFIER"),
            ["\"ForAnyValue:Null\""]
        );
        let ok = c(r#"{"Null": {"aws:TokenIssueTime": "true"}}"#);
        assert!(spans_of(&ok, Identity, "NULL_WITH_IF_EXISTS").is_empty());
        assert!(spans_of(&ok, Identity, "NULL_WITH_QUALIFIER").is_empty());
    }

    #[test]
    fn key_format() {
        let text = c(r#"{"IpAddress": {"SourceIp": "10.0.0.0/8", "aws:": "x"}}"#);
        assert_eq!(
            findings_of(&text, Identity, "INVALID_CONDITION_KEY_FORMAT"),
            [
                (
                    "condition key \"SourceIp\" is not of the form prefix:name; did you mean \"aws:SourceIp\"?"
                        .to_string(),
                    "\"SourceIp\"".to_string()
                ),
                (
                    "condition key \"aws:\" is not of the form prefix:name".to_string(),
                    "\"aws:\"".to_string()
                )
            ]
        );
        assert!(
            spans_of(
                &c(r#"{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#),
                Identity,
                "INVALID_CONDITION_KEY_FORMAT"
            )
            .is_empty()
        );
    }

    #[test]
    fn global_keys() {
        let text = c(r#"{"IpAddress": {"aws:SourceIpp": "10.0.0.0/8"}}"#);
        assert_eq!(
            findings_of(&text, Identity, "INVALID_GLOBAL_CONDITION_KEY"),
            [(
                "\"aws:SourceIpp\" is not a global condition key; did you mean \"aws:SourceIp\"?".to_string(),
                "\"aws:SourceIpp\"".to_string()
            )]
        );
        let ok = c(r#"{"IpAddress": {"aws:sourceip": "10.0.0.0/8"}, "StringEquals": {"aws:PrincipalTag/team": "x"}}"#);
        assert!(spans_of(&ok, Identity, "INVALID_GLOBAL_CONDITION_KEY").is_empty());
    }

    #[test]
    fn service_keys() {
        let text = cond("s3:ListBucket", r#"{"StringLike": {"s3:prefixx": "home/*"}}"#);
        assert_eq!(
            findings_of(&text, Identity, "INVALID_SERVICE_CONDITION_KEY"),
            [(
                "s3 has no condition key \"s3:prefixx\"; did you mean \"s3:prefix\"?".to_string(),
                "\"s3:prefixx\"".to_string()
            )]
        );
        let ok = cond(
            "s3:ListBucket",
            r#"{"StringLike": {"s3:prefix": "home/*", "saml:aud": "x", "secretsmanager:ResourceTag/x": "y"}}"#,
        );
        assert!(spans_of(&ok, Identity, "INVALID_SERVICE_CONDITION_KEY").is_empty());
    }

    #[test]
    fn unknown_service_prefixes() {
        let text = c(r#"{"StringEquals": {"iamm:PassedToService": "lambda.amazonaws.com", "zzqx:Thing": "a"}}"#);
        assert_eq!(
            findings_of(&text, Identity, "INVALID_SERVICE"),
            [
                (
                    "no service has the prefix \"iamm\"; did you mean \"iam:PassedToService\"?".to_owned(),
                    "\"iamm:PassedToService\"".to_owned()
                ),
                (
                    "no service has the prefix \"zzqx\"".to_owned(),
                    "\"zzqx:Thing\"".to_owned()
                )
            ]
        );
        let ok = c(
            r#"{"StringEquals": {"accounts.google.com:sub": "1", "oidc.eks.us-east-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com", "saml:aud": "x", "saml:whatever": "y", "cognito-identity-auth:x": "y"}}"#,
        );
        assert!(spans_of(&ok, Identity, "INVALID_SERVICE").is_empty());
    }

    #[test]
    fn tag_key_without_name() {
        let text = c(r#"{"StringEquals": {"aws:ResourceTag": "prod", "aws:RequestTag/": "x"}}"#);
        assert_eq!(
            spans_of(&text, Identity, "MISSING_TAG_KEY_IN_CONDITION"),
            ["\"aws:ResourceTag\"", "\"aws:RequestTag/\""]
        );
        assert!(spans_of(&text, Identity, "INVALID_GLOBAL_CONDITION_KEY").is_empty());
        let ok = c(r#"{"StringEquals": {"aws:ResourceTag/env": "prod"}}"#);
        assert!(spans_of(&ok, Identity, "MISSING_TAG_KEY_IN_CONDITION").is_empty());
    }

    #[test]
    fn deprecated_arn_key() {
        let text = c(r#"{"ArnLike": {"aws:ARN": "arn:aws:iam::123456789012:role/*"}}"#);
        assert_eq!(
            spans_of(&text, Identity, "DEPRECATED_GLOBAL_CONDITION_KEY"),
            ["\"aws:ARN\""]
        );
        assert!(spans_of(&text, Identity, "UNSUPPORTED_GLOBAL_CONDITION_KEY").is_empty());
        assert_eq!(
            spans_of(&text, Resource, "UNSUPPORTED_GLOBAL_CONDITION_KEY"),
            ["\"aws:ARN\""]
        );
        let ok = c(r#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/*"}}"#);
        assert!(spans_of(&ok, Identity, "DEPRECATED_GLOBAL_CONDITION_KEY").is_empty());
    }

    #[test]
    fn qualifiers() {
        let text = c(r#"{"StringEquals": {"aws:CalledVia": "athena.amazonaws.com"}}"#);
        assert_eq!(spans_of(&text, Identity, "MISSING_QUALIFIER"), ["\"aws:CalledVia\""]);
        let fixed = crate::checks::fix_support::apply_fix(&text, Identity, "MISSING_QUALIFIER").unwrap();
        assert!(
            fixed.contains(r#"{"ForAnyValue:StringEquals": {"aws:CalledVia""#),
            "{fixed}"
        );
        assert!(spans_of(&fixed, Identity, "MISSING_QUALIFIER").is_empty());
        // Two keys under the operator: renaming it would change the other key's test too.
        let two = c(r#"{"StringEquals": {"aws:CalledVia": "athena.amazonaws.com", "aws:username": "a"}}"#);
        assert!(crate::checks::fix_support::apply_fix(&two, Identity, "MISSING_QUALIFIER").is_none());
        let ok = cond("events:PutEvents", r#"{"StringEquals": {"events:detail-type": "x"}}"#);
        assert!(spans_of(&ok, Identity, "MISSING_QUALIFIER").is_empty());
        let ok = c(
            r#"{"ForAnyValue:StringEquals": {"aws:CalledVia": "athena.amazonaws.com"}, "Null": {"aws:CalledVia": "true"}}"#,
        );
        assert!(spans_of(&ok, Identity, "MISSING_QUALIFIER").is_empty());
        let text = c(r#"{"ForAllValues:StringEquals": {"aws:PrincipalTag/team": "blue"}}"#);
        assert_eq!(
            spans_of(&text, Identity, "FORALLVALUES_WITH_SINGLE_VALUED_KEY"),
            ["\"aws:PrincipalTag/team\""]
        );
        let ok = c(r#"{"ForAllValues:StringEquals": {"aws:CalledVia": "athena.amazonaws.com"}}"#);
        assert!(spans_of(&ok, Identity, "FORALLVALUES_WITH_SINGLE_VALUED_KEY").is_empty());
    }

    #[test]
    fn actions_of_another_service_than_the_key() {
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": ["kms:Decrypt", "s3:GetObject", "s3:Put*"], "Resource": "*", "Condition": {}}}]}}"#,
            r#"{"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}"#
        );
        let found = findings_of(&text, Identity, "UNSUPPORTED_ACTION_FOR_CONDITION_KEY");
        assert_eq!(
            found,
            [(
                "s3:GetObject does not support \"kms:ViaService\": the condition is never true for it; move it to a statement without this key".to_owned(),
                "\"kms:ViaService\"".to_owned()
            )]
        );
        // A key of the same family of services, or a cross-service key: not certain.
        let family = text
            .replace("kms:Decrypt", "redshift-data:ExecuteStatement")
            .replace("s3:GetObject", "redshift-serverless:GetManagedWorkgroup")
            .replace("kms:ViaService", "redshift-data:glue-catalog-arn");
        assert!(spans_of(&family, Identity, "UNSUPPORTED_ACTION_FOR_CONDITION_KEY").is_empty());
        let cross = text.replace("kms:ViaService", "ec2:SourceInstanceArn");
        assert!(spans_of(&cross, Identity, "UNSUPPORTED_ACTION_FOR_CONDITION_KEY").is_empty());
        // Keys of the actions' own service: the reference's lists are incomplete, so not reported.
        let own = cond("s3:GetObject", r#"{"StringEquals": {"s3:prefix": "home/"}}"#)
            .replace("\"s3:GetObject\"", "[\"s3:GetObject\", \"s3:ListBucket\"]");
        assert!(spans_of(&own, Identity, "UNSUPPORTED_ACTION_FOR_CONDITION_KEY").is_empty());
        // IfExists: the condition holds for actions without the key.
        let if_exists = text.replace("StringEquals", "StringEqualsIfExists");
        assert!(spans_of(&if_exists, Identity, "UNSUPPORTED_ACTION_FOR_CONDITION_KEY").is_empty());
    }

    #[test]
    fn action_support() {
        let text = cond("s3:GetObject", r#"{"StringEquals": {"ec2:Region": "us-east-1"}}"#);
        assert_eq!(
            spans_of(&text, Identity, "UNSUPPORTED_ACTION_FOR_CONDITION_KEY"),
            ["\"ec2:Region\""]
        );
        for ok in [
            cond(
                "s3:GetObject",
                r#"{"StringEquals": {"aws:RequestedRegion": "us-east-1"}}"#,
            ),
            cond("ec2:RunInstances", r#"{"StringEquals": {"ec2:Region": "us-east-1"}}"#),
            cond("s3:Get*", r#"{"StringEquals": {"ec2:Region": "us-east-1"}}"#),
            cond(
                "s3:GetObject",
                r#"{"StringEqualsIfExists": {"ec2:Region": "us-east-1"}}"#,
            ),
        ] {
            assert!(
                spans_of(&ok, Identity, "UNSUPPORTED_ACTION_FOR_CONDITION_KEY").is_empty(),
                "{ok}"
            );
        }
    }
}
