//! Resource ARNs checked against the catalog's ARN templates (prefix, fields, partition,
//! region, account, resource part), statements whose resources no action can take, and
//! redundant resource entries.

use super::list_util::{redundant_entries, remove_item_fix};
use super::{Check, Context, Rule, Sink};
use crate::catalog::{
    Action, Presence, REGIONS, ResourceType, arn_matches_template, catalog, distance, has_wildcard, is_known_partition,
    region_partition,
};
use crate::finding::{Fix, Tag};
use crate::json::JsonString;
use crate::model::Statement;
use crate::span::Span;
use crate::variables::{Piece, scan};

check!(
    INVALID_ARN_PREFIX,
    Error,
    "A resource is neither * nor an ARN",
    r#"## What it does
Reports a `Resource` / `NotResource` entry that does not start with `arn:` (and is not `*`,
and does not start with a wildcard that could stand for `arn:`).

## Why is this bad
IAM rejects the policy.

## Example
```json
"Resource": "s3:::my-bucket"
```

## Use instead
```json
"Resource": "arn:aws:s3:::my-bucket"
```
"#
);

check!(
    MISSING_ARN_FIELD,
    Error,
    "An ARN has fewer than six fields",
    r#"## What it does
Reports an ARN with fewer than the six colon-separated fields
`arn:partition:service:region:account:resource`. A wildcard may stand for the missing colons
(`arn:aws:s3:*`, `arn:aws:iam::*`), but not one that comes after text no field before the
resource can hold: in `arn:aws:s3:bucket/*` the `*` would put the colons after `bucket/`, in the
region field.

## Why is this bad
IAM rejects the policy.

## Example
```json
"Resource": "arn:aws:s3:my-bucket/*"
```

## Use instead
```json
"Resource": "arn:aws:s3:::my-bucket/*"
```
"#
);

check!(
    INVALID_ARN_SERVICE_CASE,
    Error,
    "The service in an ARN is not lowercase",
    r#"## What it does
Reports an ARN whose service field has uppercase letters (`arn:aws:S3:::b`).

## Why is this bad
ARNs are matched case-sensitively and service namespaces are lowercase, so the entry matches
nothing.

## Example
```json
"Resource": "arn:aws:S3:::my-bucket"
```

## Use instead
```json
"Resource": "arn:aws:s3:::my-bucket"
```
"#
);

check!(
    INVALID_PARTITION,
    Error,
    "The partition of an ARN does not exist",
    r#"## What it does
Reports an ARN whose partition is not one of `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`,
`aws-iso-b`, `aws-iso-e`, `aws-iso-f`, `aws-eusc`.

## Why is this bad
The entry matches nothing.

## Example
```json
"Resource": "arn:amazon:s3:::my-bucket"
```

## Use instead
```json
"Resource": "arn:aws:s3:::my-bucket"
```
"#
);

check!(
    INVALID_ARN_REGION,
    Error,
    "The region of an ARN is not valid",
    r#"## What it does
Reports an ARN whose region field is not a region name (`us-east-1`), names a region of
another partition than the ARN's (`arn:aws-cn:...:us-east-1:...`), or misspells the direction
word of a region (`us-esat-1`, `eu-centrl-1`), with the region meant as a fix. A well-formed
unknown region with a known direction word (`xx-newplace-1`, `ap-east-9`) is not reported:
regions are added more often than this tool is updated, and new ones reuse the words east,
west, north, south, central and their combinations.

## Why is this bad
The entry matches nothing.

## Example
```json
"Resource": "arn:aws:logs:us-esat-1:123456789012:log-group:app"
```

## Use instead
```json
"Resource": "arn:aws:logs:us-east-1:123456789012:log-group:app"
```
"#
);

check!(
    MISSING_ARN_REGION,
    Error,
    "An ARN lacks the region its service requires",
    r#"## What it does
Reports an empty region field in an ARN of a service whose every resource type has a region
(`arn:aws:logs::123456789012:log-group:app`).

## Why is this bad
The entry matches nothing. Use `*` for any region.

## Example
```json
"Resource": "arn:aws:logs::123456789012:log-group:app"
```

## Use instead
```json
"Resource": "arn:aws:logs:*:123456789012:log-group:app"
```
"#
);

check!(
    MISSING_ARN_ACCOUNT,
    Warning,
    "An ARN lacks the account its service requires",
    r#"## What it does
Reports an empty account field in an ARN of a service whose every resource type has an account
(`arn:aws:iam:::role/R`).

Resources AWS owns have an empty account field by design, and are not reported:
Systems Manager documents and automation definitions named with the prefixes reserved for AWS
(`arn:aws:ssm:*::document/AWS-UpdateSSMAgent`, `.../automation-definition/AWS-RestartEC2Instance`;
`aws`, `amazon` and `amzn` are reserved, see "Creating SSM documents" in the Systems Manager User
Guide), public parameters (`arn:aws:ssm:*::parameter/aws/service/...`, see "Discovering public
parameters in Parameter Store"), and AWS-managed Resource Explorer views
(`arn:aws:resource-explorer-2:*::view/AWSServiceViewForApplicationSignals/...`). AWS managed
policies name them that way.

## Why is this bad
The entry matches nothing of the customer's own; use `*` for any account.

A warning, not an error: other AWS-owned resources may have the same shape.

## Example
```json
"Resource": "arn:aws:iam:::role/app"
```

## Use instead
```json
"Resource": "arn:aws:iam::123456789012:role/app"
```
"#
);

check!(
    ARN_REGION_NOT_ALLOWED,
    Error,
    "An ARN has a region but its service's ARNs have none",
    r#"## What it does
Reports a region in an ARN of a service whose ARNs never have one (IAM, S3 buckets and objects).

## Why is this bad
The entry matches nothing.

## Example
```json
"Resource": "arn:aws:iam:us-east-1:123456789012:role/app"
```

## Use instead
```json
"Resource": "arn:aws:iam::123456789012:role/app"
```
"#
);

check!(
    ARN_ACCOUNT_NOT_ALLOWED,
    Error,
    "An ARN has an account but its service's ARNs have none",
    r#"## What it does
Reports an account ID in an ARN of a service whose ARNs never have one (S3 buckets and objects,
Route 53).

## Why is this bad
The entry matches nothing.

## Example
```json
"Resource": "arn:aws:s3::123456789012:my-bucket"
```

## Use instead
```json
"Resource": "arn:aws:s3:::my-bucket"
```
"#
);

check!(
    INVALID_ARN_ACCOUNT,
    Error,
    "The account of an ARN is not a 12-digit ID",
    r#"## What it does
Reports an account field that is neither 12 digits nor `aws` (AWS managed resources such as
`arn:aws:iam::aws:policy/...`).

## Why is this bad
The entry matches nothing.

## Example
```json
"Resource": "arn:aws:iam::12345678901:role/app"
```

## Use instead
```json
"Resource": "arn:aws:iam::123456789012:role/app"
```
"#
);

check!(
    INVALID_ARN_RESOURCE,
    Error,
    "The resource part of an ARN matches no resource type of its service",
    r#"## What it does
Reports an ARN of a known service that can match none of that service's resource types in the
Service Authorization Reference (`arn:aws:iam::123456789012:rol/app`). Wildcards and policy
variables are taken to match anything, so only ARNs that certainly match nothing are reported.

## Why is this bad
The entry matches nothing.

## Example
```json
"Resource": "arn:aws:iam::123456789012:rol/app"
```

## Use instead
```json
"Resource": "arn:aws:iam::123456789012:role/app"
```
"#
);

check!(
    RESOURCE_MATCHES_NO_ACTION,
    Warning,
    "No resource of the statement can be acted on by its actions",
    r#"## What it does
Reports a statement none of whose `Resource` entries can match a resource type of any of its
actions, and says which ARN shapes the actions take. Only what is certain is reported: for every
action and every ARN of the statement, the Service Authorization Reference lists the resource
types the action takes in the ARN's service and the ARN matches none of them
(`s3:GetObject` on a bucket ARN), or the ARN belongs to a service the action has nothing to do
with (`ssm:DeregisterManagedInstance` on an EKS cluster).

Not reported, because AWS decides them by rules the reference does not describe:
- actions the reference lists with no resource type. AWS's own guides and managed policies grant
  them on ARNs: `s3:ListAllMyBuckets` on `arn:aws:s3:::*` (Amazon S3 User Guide, "Example:
  Allow users to list all buckets"), `iam:ListRoles` on IAM ARNs, `logs:DescribeLogGroups` on
  log-group ARNs, `ssmmessages:OpenDataChannel` on `arn:aws:ssm:...:session/...` (Session
  Manager's `ssm:StartSession` policies);
- an ARN of the action's own service when the reference lists only other services' types for
  it (`waf-regional:GetWebACLForResource` on WAF ARNs, as the AWS managed policy
  AWSWAFReadOnlyAccess grants it);
- an ARN of a shape the reference knows no type for, or of an AWS-owned resource (account
  `aws`): `cloudformation:CreateChangeSet` on `arn:aws:cloudformation:*:aws:transform/*`, as AWS's
  data perimeter examples grant it for the transforms AWS owns;
- undocumented actions, and ARNs or actions with wildcards or policy variables that could
  match.

A warning: the reference may lag behind a service.

## Why is this bad
The statement never applies: nothing is granted (or denied).

## Example
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket"}
```

## Use instead
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"}
```
"#
);

check!(
    REDUNDANT_RESOURCE,
    Suggestion,
    "A resource is already covered by another entry of the same list",
    r#"## What it does
Reports an entry of `Resource` or `NotResource` that another entry of the same list already
covers (`arn:aws:s3:::b/x` next to `arn:aws:s3:::b/*`, or the same ARN twice), and offers to
remove it. ARNs are compared case-sensitively, as IAM compares them.

## Why is this bad
Nothing is wrong with the policy, but the list is longer than it needs to be.

## Example
```json
"Resource": ["arn:aws:s3:::b/*", "arn:aws:s3:::b/reports/*"]
```

## Use instead
```json
"Resource": ["arn:aws:s3:::b/*"]
```
"#
);

pub const RULE: Rule = Rule {
    checks: &[
        &INVALID_ARN_PREFIX,
        &MISSING_ARN_FIELD,
        &INVALID_ARN_SERVICE_CASE,
        &INVALID_PARTITION,
        &INVALID_ARN_REGION,
        &MISSING_ARN_REGION,
        &MISSING_ARN_ACCOUNT,
        &ARN_REGION_NOT_ALLOWED,
        &ARN_ACCOUNT_NOT_ALLOWED,
        &INVALID_ARN_ACCOUNT,
        &INVALID_ARN_RESOURCE,
        &RESOURCE_MATCHES_NO_ACTION,
        &REDUNDANT_RESOURCE,
    ],
    run,
};

fn presence(types: &[ResourceType], field: fn(ResourceType) -> bool) -> Presence {
    let mut it = types.iter().map(|t| field(*t));
    let Some(first) = it.next() else {
        return Presence::Unknown;
    };
    let mut p = if first { Presence::Always } else { Presence::Never };
    for f in it {
        if (p == Presence::Always) != f {
            p = Presence::Sometimes;
        }
    }
    p
}

/// Whether the resource part of an ARN with an empty account field names a resource AWS owns,
/// whose ARNs have no account by design: Systems Manager documents and automation definitions
/// whose names start with a prefix reserved for AWS, public parameters (`/aws/...`), and
/// AWS-managed Resource Explorer views. A wildcard name could be one of them.
fn aws_owned(service: &str, resource: &str) -> bool {
    let reserved = |name: &str| {
        let lower = name.to_ascii_lowercase();
        name.starts_with(['*', '?']) || ["aws", "amazon", "amzn"].iter().any(|p| lower.starts_with(p))
    };
    match service {
        "ssm" => {
            ["document/", "automation-definition/"]
                .iter()
                .any(|t| resource.strip_prefix(t).is_some_and(reserved))
                || resource
                    .strip_prefix("parameter/")
                    .is_some_and(|p| p.starts_with(['*', '?']) || p.to_ascii_lowercase().starts_with("aws/"))
        }
        "resource-explorer-2" => resource.strip_prefix("view/").is_some_and(reserved),
        _ => false,
    }
}

/// Whether a wildcard could stand for the colons an ARN with fewer than six `fields` lacks: the
/// first wildcard's field must hold, before it, only what that field may contain (letters,
/// digits, `-`), since the colons it stands for would end that field there.
fn wildcard_may_hide_fields(fields: &[&str]) -> bool {
    let Some((i, field)) = fields.iter().enumerate().find(|(_, f)| has_wildcard(f)) else {
        return false;
    };
    let head = field.split(['*', '?']).next().unwrap_or("");
    i < 5 && head.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// A region name's parts: everything before the direction word, the word, the number
/// (`us-gov`, `east`, `1`).
fn region_parts(region: &str) -> Option<(&str, &str, &str)> {
    let (rest, number) = region.rsplit_once('-')?;
    let (head, word) = rest.rsplit_once('-')?;
    (!word.is_empty() && !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()))
        .then_some((head, word, number))
}

/// Whether a region's direction word is made of the words regions use (`east`, `southwest`,
/// `central`), so that a region not yet known can bear it.
fn is_direction(word: &str) -> bool {
    let mut rest = word;
    while !rest.is_empty() {
        let Some(after) = ["north", "south", "east", "west", "central"]
            .iter()
            .find_map(|w| rest.strip_prefix(w))
        else {
            return false;
        };
        rest = after;
    }
    true
}

/// The region a misspelt region name means: its direction word is not made of direction words
/// (see [`is_direction`]) but is close to the word of a region of `partition` (any partition when
/// it is a wildcard) with the same beginning and number.
fn near_miss_region(region: &str, partition: &str) -> Option<&'static str> {
    let (head, word, number) = region_parts(region)?;
    if is_direction(word) {
        return None;
    }
    REGIONS
        .iter()
        .filter(|(_, p)| has_wildcard(partition) || *p == partition)
        .filter_map(|(r, _)| {
            let (h, known, n) = region_parts(r)?;
            (h == head && n == number).then_some(())?;
            distance(word, known, 2).map(|d| (*r, d))
        })
        .min_by_key(|(_, d)| *d)
        .map(|(r, _)| r)
}

/// The ARN with every policy variable's bytes replaced by `*` (same length, so offsets hold):
/// a variable makes its part of the ARN unknown.
fn masked(value: &str, variables: bool) -> String {
    if !variables || !value.contains("${") {
        return value.to_string();
    }
    let mut bytes = value.as_bytes().to_vec();
    for piece in scan(value) {
        if let Piece::Variable { range, .. } | Piece::Literal { range, .. } = piece {
            for b in bytes.get_mut(range).into_iter().flatten() {
                *b = b'*';
            }
        }
    }
    String::from_utf8(bytes).unwrap_or_else(|_| "*".to_string())
}

fn run(ctx: &Context<'_>, out: &mut Sink) {
    let variables = ctx.policy.supports_variables();
    // An ARN's findings depend on its text and on whether variables are expanded, those of the
    // action/resource match on the statement's text: replayed while the user types elsewhere.
    let (arn_rule, match_rule) = if variables {
        ("resources.arn+variables", "resources.match+variables")
    } else {
        ("resources.arn", "resources.match")
    };
    for statement in &ctx.policy.statements {
        for (list, is_resource) in [(&statement.resource, true), (&statement.not_resource, false)] {
            let Some(list) = list else { continue };
            let masks: Vec<String> = list.items.iter().map(|s| masked(&s.value, variables)).collect();
            for (item, mask) in list.items.iter().zip(&masks) {
                out.memoized(arn_rule, ctx.text, item.span, |out| check_arn(ctx, item, mask, out));
            }
            let values: Vec<&str> = list.values().collect();
            let redundant = redundant_entries(&values, false, |v| v.contains("${"));
            for (item, cover) in list.items.iter().zip(redundant) {
                let Some(cover) = cover.and_then(|j| values.get(j)) else {
                    continue;
                };
                let finding = out.report(
                    &REDUNDANT_RESOURCE,
                    item.span,
                    format!("\"{}\" is already covered by \"{}\"", item.value, cover),
                );
                finding.tags.push(Tag::Unnecessary);
                if let Some(fix) = remove_item_fix(list, item, format!("Remove \"{}\"", item.value)) {
                    finding.fixes.push(fix);
                }
            }
            // Only ARN lists are matched against the actions (not `*`): only they are worth
            // remembering, and a large statement's text is not copied for nothing.
            let arns_only = !masks.is_empty() && masks.iter().all(|m| m.starts_with("arn:"));
            if is_resource && arns_only {
                out.memoized(match_rule, ctx.text, statement.span, |out| {
                    check_actions_match(statement, &masks, out);
                });
            }
        }
    }
}

fn check_arn(ctx: &Context<'_>, item: &JsonString, mask: &str, out: &mut Sink) {
    let value = item.value.as_str();
    if value.is_empty() || mask.bytes().all(|b| b == b'*') {
        return;
    }
    if !mask.starts_with("arn:") {
        let head = mask.split(['*', '?']).next().unwrap_or("");
        let could_be = head.len() < mask.len() && "arn:".starts_with(head);
        if !could_be && !head.is_empty() {
            out.report(
                &INVALID_ARN_PREFIX,
                item.span,
                format!("\"{value}\" is not an ARN: resources are \"*\" or start with \"arn:\""),
            );
        }
        return;
    }
    // Fields as byte ranges of the decoded value.
    let mut fields: Vec<std::ops::Range<usize>> = Vec::with_capacity(6);
    let mut start = 0;
    for (i, b) in mask.bytes().enumerate() {
        if b == b':' && fields.len() < 5 {
            fields.push(start..i);
            start = i + 1;
        }
    }
    fields.push(start..mask.len());
    let field = |i: usize| fields.get(i).and_then(|r| mask.get(r.clone())).unwrap_or("");
    let span_of = |i: usize| {
        fields
            .get(i)
            .map_or(item.span, |r| item.source_span(ctx.text, r.clone()))
    };
    // An empty field: point at the colons around it.
    let empty_span = |i: usize| {
        fields.get(i).map_or(item.span, |r| {
            item.source_span(ctx.text, r.start.saturating_sub(1)..r.end + 1)
        })
    };
    if fields.len() < 6 {
        let texts: Vec<&str> = (0..fields.len()).map(field).collect();
        if !wildcard_may_hide_fields(&texts) {
            out.report(
                &MISSING_ARN_FIELD,
                item.span,
                format!(
                    "\"{value}\" has {} of the 6 ARN fields arn:partition:service:region:account:resource",
                    fields.len()
                ),
            );
        }
        return;
    }
    let (partition, service, region, account) = (field(1), field(2), field(3), field(4));
    if !has_wildcard(partition) && !is_known_partition(partition) {
        out.report(
            &INVALID_PARTITION,
            span_of(1),
            format!("unknown partition \"{partition}\" (aws, aws-cn, aws-us-gov, ...)"),
        );
    }
    if has_wildcard(service) {
        return;
    }
    if service.bytes().any(|b| b.is_ascii_uppercase()) {
        let lower = service.to_ascii_lowercase();
        out.report(
            &INVALID_ARN_SERVICE_CASE,
            span_of(2),
            format!("the service in an ARN is lowercase: \"{lower}\""),
        )
        .fixes
        .push(Fix::replace(
            format!("Change to \"{lower}\""),
            span_of(2),
            lower.clone(),
        ));
        return;
    }
    let types = catalog().resource_types_by_arn_service(service);
    if types.is_empty() {
        return;
    }
    let region_spans = (span_of(3), empty_span(3));
    // Resources AWS owns: no account by design, or the account `aws` (managed policies,
    // CloudFormation transforms), of types the reference may not list.
    if (account.is_empty() && aws_owned(service, field(5))) || account == "aws" {
        check_region(region, partition, types, region_spans, out);
        return;
    }
    let reported = check_region(region, partition, types, region_spans, out)
        | check_account(account, types, (span_of(4), empty_span(4)), out);
    let matches = |arn: &str| types.iter().any(|t| arn_matches_template(arn, t.arn_template()));
    if reported || matches(mask) {
        return;
    }
    // Say which field is wrong when changing one makes the ARN fit (S3 buckets have no account,
    // S3 access points do).
    let with = |i: usize, new: &str| {
        let mut parts: Vec<&str> = (0..6).map(field).collect();
        if let Some(p) = parts.get_mut(i) {
            *p = new;
        }
        parts.join(":")
    };
    let refined = if !region.is_empty() && matches(&with(3, "")) {
        Some((
            &ARN_REGION_NOT_ALLOWED,
            span_of(3),
            format!("this {service} resource has no region: remove \"{region}\""),
        ))
    } else if !account.is_empty() && matches(&with(4, "")) {
        Some((
            &ARN_ACCOUNT_NOT_ALLOWED,
            span_of(4),
            format!("this {service} resource has no account ID: remove \"{account}\""),
        ))
    } else if region.is_empty() && matches(&with(3, "us-east-1")) {
        Some((
            &MISSING_ARN_REGION,
            empty_span(3),
            format!("this {service} resource has a region: give one, or \"*\" for any"),
        ))
    } else if account.is_empty() && matches(&with(4, "123456789012")) {
        Some((
            &MISSING_ARN_ACCOUNT,
            empty_span(4),
            format!("this {service} resource has an account ID: give one, or \"*\" for any"),
        ))
    } else {
        None
    };
    if let Some((check, span, message)) = refined {
        out.report(check, span, message);
        return;
    }
    {
        let mut shapes: Vec<&str> = types.iter().map(|t| t.arn_template()).collect();
        shapes.sort_unstable();
        shapes.dedup();
        let more = if shapes.len() > 4 { ", ..." } else { "" };
        shapes.truncate(4);
        out.report(
            &INVALID_ARN_RESOURCE,
            item.span,
            format!(
                "\"{value}\" matches no {service} resource type ({}{more})",
                shapes.join(", ")
            ),
        );
    }
}

fn looks_like_region(region: &str) -> bool {
    let mut parts = region.split('-');
    let first = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    first.len() == 2
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && rest.len() >= 2
        && rest
            .last()
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        && rest
            .iter()
            .take(rest.len() - 1)
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
}

/// An optional ARN field (region, account) and whether the service's ARNs have it.
struct Field<'a> {
    value: &'a str,
    presence: Presence,
    /// Article and name, for messages: ("a", "region").
    noun: (&'static str, &'static str),
    missing: &'static Check,
    not_allowed: &'static Check,
}

impl Field<'_> {
    /// Reports the field missing where every ARN of the service has it, or present where none
    /// has; true when it reported. `spans`: the field's, and the empty place where it belongs.
    fn check(&self, (field_span, empty_span): (Span, Span), out: &mut Sink) -> bool {
        let (article, name) = self.noun;
        match self.presence {
            Presence::Always if self.value.is_empty() => {
                out.report(
                    self.missing,
                    empty_span,
                    format!("this service's ARNs have {article} {name}: give one, or \"*\" for any"),
                );
                true
            }
            Presence::Never if !self.value.is_empty() && !has_wildcard(self.value) => {
                out.report(
                    self.not_allowed,
                    field_span,
                    format!("this service's ARNs have no {name}: remove \"{}\"", self.value),
                )
                .fixes
                .push(Fix::replace(format!("Remove the {name}"), field_span, ""));
                true
            }
            _ => false,
        }
    }
}

/// Region checks; true when one reported something.
fn check_region(region: &str, partition: &str, types: &[ResourceType], spans: (Span, Span), out: &mut Sink) -> bool {
    let field_span = spans.0;
    let region_field = Field {
        value: region,
        presence: presence(types, ResourceType::has_region),
        noun: ("a", "region"),
        missing: &MISSING_ARN_REGION,
        not_allowed: &ARN_REGION_NOT_ALLOWED,
    };
    if region_field.check(spans, out) {
        return true;
    }
    if region.is_empty() || has_wildcard(region) {
        return false;
    }
    match region_partition(region) {
        Some(p) if is_known_partition(partition) && p != partition => {
            out.report(
                &INVALID_ARN_REGION,
                field_span,
                format!("region \"{region}\" is in partition {p}, not {partition}"),
            );
            true
        }
        None if !looks_like_region(region) => {
            out.report(
                &INVALID_ARN_REGION,
                field_span,
                format!("\"{region}\" is not a region name (like us-east-1)"),
            );
            true
        }
        None => match near_miss_region(region, partition) {
            Some(meant) => {
                out.report(
                    &INVALID_ARN_REGION,
                    field_span,
                    format!("\"{region}\" is not a region; did you mean \"{meant}\"?"),
                )
                .fixes
                .push(Fix::replace(format!("Change to \"{meant}\""), field_span, meant));
                true
            }
            None => false,
        },
        _ => false,
    }
}

/// Account checks; true when one reported something.
fn check_account(account: &str, types: &[ResourceType], spans: (Span, Span), out: &mut Sink) -> bool {
    let field_span = spans.0;
    let account_field = Field {
        value: account,
        presence: presence(types, ResourceType::has_account),
        noun: ("an", "account ID"),
        missing: &MISSING_ARN_ACCOUNT,
        not_allowed: &ARN_ACCOUNT_NOT_ALLOWED,
    };
    if account_field.check(spans, out) {
        return true;
    }
    if account.is_empty() || has_wildcard(account) || account == "aws" {
        return false;
    }
    if !(account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())) {
        out.report(
            &INVALID_ARN_ACCOUNT,
            field_span,
            format!("\"{account}\" is not a 12-digit account ID"),
        );
        return true;
    }
    false
}

/// The statement's actions when every one is known and documented (wildcards expanded); `None`
/// when one is `*`, has a variable, is unknown (other checks report it) or undocumented.
fn statement_actions(statement: &Statement<'_>) -> Option<Vec<Action>> {
    let list = statement.action.as_ref()?;
    let c = catalog();
    let mut actions = Vec::new();
    for item in &list.items {
        let value = item.value.as_str();
        if value.bytes().all(|b| b == b'*') || value.contains("${") {
            return None;
        }
        let before = actions.len();
        for action in c.actions_matching(value) {
            if !action.is_documented() {
                return None;
            }
            actions.push(action);
        }
        if actions.len() == before {
            return None;
        }
    }
    Some(actions)
}

/// The service field of an ARN or ARN template, unless it is a wildcard or a placeholder.
fn arn_service(arn: &str) -> Option<&str> {
    arn.split(':')
        .nth(2)
        .filter(|s| !s.is_empty() && !s.contains(['*', '?', '$']))
}

/// Whether `action` certainly cannot act on a resource the policy ARN `arn` names (see the
/// check's docs): the reference lists the action's resource types in the ARN's service and the
/// ARN matches none, or the ARN belongs to another service than the action's and its types'.
fn certainly_not_for(action: Action, arn: &str) -> bool {
    let templates: Vec<&str> = action
        .resource_types()
        .map(|ar| ar.resource_type().arn_template())
        .collect();
    if templates.is_empty() || templates.iter().any(|t| arn_matches_template(arn, t)) {
        return false;
    }
    let Some(service) = arn_service(arn) else {
        return false;
    };
    if arn.split(':').nth(4) == Some("aws") {
        return false;
    }
    if templates.iter().any(|t| arn_service(t) == Some(service)) {
        // The reference lists what the action takes in this service: certain when the ARN is
        // of another documented type of it (a bucket, not an object), not when the reference
        // knows no type of this shape (a CloudFormation transform).
        return catalog()
            .resource_types_by_arn_service(service)
            .iter()
            .any(|rt| rt.matches_arn(arn));
    }
    service != action.prefix()
}

fn check_actions_match(statement: &Statement<'_>, masks: &[String], out: &mut Sink) {
    let Some(resource) = &statement.resource else { return };
    if masks.is_empty() || masks.iter().any(|m| m.bytes().all(|b| b == b'*')) {
        return;
    }
    // Entries that are not ARNs are reported by the ARN checks.
    if masks.iter().any(|m| !m.starts_with("arn:")) {
        return;
    }
    let Some(actions) = statement_actions(statement) else {
        return;
    };
    if actions.is_empty() || !actions.iter().all(|a| masks.iter().all(|m| certainly_not_for(*a, m))) {
        return;
    }
    let mut shapes: Vec<(&'static str, String)> = Vec::new();
    for action in &actions {
        for ar in action.resource_types() {
            let template = ar.resource_type().arn_template();
            if !shapes.iter().any(|(t, _)| *t == template) {
                shapes.push((template, action.full_name()));
            }
        }
    }
    let mut parts: Vec<String> = shapes.iter().take(4).map(|(t, a)| format!("{a} takes {t}")).collect();
    if shapes.len() > 4 {
        parts.push("...".into());
    }
    out.report(
        &RESOURCE_MATCHES_NO_ACTION,
        resource.value_span(),
        format!(
            "no resource here can be acted on by the statement's actions, so it never applies: {}",
            parts.join("; ")
        ),
    );
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::{findings_of, spans_of};
    use crate::policy_type::PolicyType::Identity;

    fn p(action: &str, resource: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "{action}", "Resource": {resource}}}]}}"#
        )
    }

    fn spans(resource: &str, code: &str) -> Vec<String> {
        spans_of(&p("s3:GetObject", resource), Identity, code)
    }

    #[test]
    fn prefix_and_fields() {
        assert_eq!(spans(r#""s3:::b/*""#, "INVALID_ARN_PREFIX"), ["\"s3:::b/*\""]);
        assert!(spans(r#"["*", "ar*", "*/x", "arn:aws:s3:::b/*"]"#, "INVALID_ARN_PREFIX").is_empty());
        assert_eq!(spans(r#""arn:aws:s3:b""#, "MISSING_ARN_FIELD"), ["\"arn:aws:s3:b\""]);
        assert!(spans(r#""arn:aws:s3:*""#, "MISSING_ARN_FIELD").is_empty());
    }

    #[test]
    fn service_case_and_partition() {
        assert_eq!(spans(r#""arn:aws:S3:::b/*""#, "INVALID_ARN_SERVICE_CASE"), ["S3"]);
        assert_eq!(spans(r#""arn:amazon:s3:::b/*""#, "INVALID_PARTITION"), ["amazon"]);
        assert!(
            spans(
                r#"["arn:aws-cn:s3:::b/*", "arn:*:s3:::b/*", "arn:${aws:partition}:s3:::b/*"]"#,
                "INVALID_PARTITION"
            )
            .is_empty()
        );
    }

    #[test]
    fn regions() {
        let text = p(
            "logs:PutLogEvents",
            r#"["arn:aws:logs:us-east1:123456789012:log-group:a", "arn:aws-cn:logs:us-east-1:123456789012:log-group:a"]"#,
        );
        assert_eq!(
            spans_of(&text, Identity, "INVALID_ARN_REGION"),
            ["us-east1", "us-east-1"]
        );
        let ok = p(
            "logs:PutLogEvents",
            r#"["arn:aws:logs:us-east-1:123456789012:log-group:a", "arn:aws:logs:xx-newplace-1:123456789012:log-group:a", "arn:aws:logs:*:*:*"]"#,
        );
        assert!(spans_of(&ok, Identity, "INVALID_ARN_REGION").is_empty());
        let text = p("logs:PutLogEvents", r#""arn:aws:logs::123456789012:log-group:a""#);
        assert_eq!(spans_of(&text, Identity, "MISSING_ARN_REGION"), ["::"]);
        let text = p("iam:GetRole", r#""arn:aws:iam:us-east-1:123456789012:role/R""#);
        assert_eq!(spans_of(&text, Identity, "ARN_REGION_NOT_ALLOWED"), ["us-east-1"]);
        assert!(
            spans_of(
                &p("iam:GetRole", r#""arn:aws:iam::123456789012:role/R""#),
                Identity,
                "ARN_REGION_NOT_ALLOWED"
            )
            .is_empty()
        );
    }

    #[test]
    fn accounts() {
        let text = p(
            "iam:GetRole",
            r#"["arn:aws:iam::12345678901:role/R", "arn:aws:iam::aws:policy/X", "arn:aws:iam::${aws:PrincipalAccount}:role/R"]"#,
        );
        assert_eq!(spans_of(&text, Identity, "INVALID_ARN_ACCOUNT"), ["12345678901"]);
        let text = p("iam:GetRole", r#""arn:aws:iam:::role/R""#);
        assert_eq!(spans_of(&text, Identity, "MISSING_ARN_ACCOUNT"), ["::"]);
        assert_eq!(
            spans(r#""arn:aws:s3::123456789012:b/*""#, "ARN_ACCOUNT_NOT_ALLOWED"),
            ["123456789012"]
        );
        assert!(spans(r#""arn:aws:s3:::b/*""#, "ARN_ACCOUNT_NOT_ALLOWED").is_empty());
    }

    #[test]
    fn resource_part() {
        let text = p("iam:GetRole", r#""arn:aws:iam::123456789012:rol/app""#);
        assert_eq!(
            spans_of(&text, Identity, "INVALID_ARN_RESOURCE"),
            ["\"arn:aws:iam::123456789012:rol/app\""]
        );
        let ok = p(
            "iam:GetRole",
            r#"["arn:aws:iam::123456789012:role/app", "arn:aws:iam::*:r*", "arn:aws:iam::123456789012:role/${aws:username}"]"#,
        );
        assert!(spans_of(&ok, Identity, "INVALID_ARN_RESOURCE").is_empty());
    }

    #[test]
    fn resource_matches_no_action() {
        let text = p("s3:GetObject", r#""arn:aws:s3:::my-bucket""#);
        let found = findings_of(&text, Identity, "RESOURCE_MATCHES_NO_ACTION");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1, "\"arn:aws:s3:::my-bucket\"");
        assert!(
            found[0]
                .0
                .contains("s3:GetObject takes arn:${Partition}:s3:::${BucketName}/${ObjectName}"),
            "{}",
            found[0].0
        );
        // Another service than the action's, which the action takes nothing of.
        let text = p("ssm:DeregisterManagedInstance", r#""arn:aws:eks:*:*:cluster/*""#);
        assert_eq!(spans_of(&text, Identity, "RESOURCE_MATCHES_NO_ACTION").len(), 1);
        for ok in [
            // Actions without resource types: AWS decides them by service-specific rules, and
            // its own guides grant them on ARNs.
            p("s3:ListAllMyBuckets", r#""arn:aws:s3:::*""#),
            p("iam:ListRoles", r#""arn:aws:iam::111122223333:role/*""#),
            p(
                "logs:DescribeLogGroups",
                r#""arn:aws:logs:us-east-1:111122223333:log-group:*""#,
            ),
            p(
                "ssmmessages:OpenDataChannel",
                r#""arn:aws:ssm:us-east-1:111122223333:session/alice-*""#,
            ),
            // The action's own service, whose types the reference does not list for it.
            p("waf-regional:GetWebACLForResource", r#""arn:aws:waf-regional:*:*:*/*""#),
            p("s3:GetObject", r#""arn:aws:s3:::my-bucket/*""#),
            p(
                "s3:GetObject",
                r#"["arn:aws:s3:::my-bucket", "arn:aws:s3:::my-bucket/*"]"#,
            ),
            p("s3:Get*", r#""arn:aws:s3:::my-bucket""#),
            p("s3:ListAllMyBuckets", r#""*""#),
            p("s3:GetObject", r#""arn:aws:s3:::${aws:username}""#),
            p("s3:GetObject", r#""arn:aws:s3:::b*""#),
        ] {
            assert!(spans_of(&ok, Identity, "RESOURCE_MATCHES_NO_ACTION").is_empty(), "{ok}");
        }
    }

    #[test]
    fn wildcards_hide_missing_colons_only_where_fields_can_end() {
        assert_eq!(
            spans(r#""arn:aws:s3:bucket/*""#, "MISSING_ARN_FIELD"),
            ["\"arn:aws:s3:bucket/*\""]
        );
        for ok in [
            r#""arn:aws:s3:*""#,
            r#""arn:aws:iam::*""#,
            r#""arn:*""#,
            r#""arn:aws:s3::*/x""#,
        ] {
            assert!(spans(ok, "MISSING_ARN_FIELD").is_empty(), "{ok}");
        }
    }

    #[test]
    fn near_misses_of_regions_are_reported_new_regions_are_not() {
        let text = p(
            "logs:PutLogEvents",
            r#"["arn:aws:logs:us-esat-1:123456789012:log-group:a", "arn:aws-us-gov:logs:us-gov-wset-1:123456789012:log-group:a"]"#,
        );
        let found = findings_of(&text, Identity, "INVALID_ARN_REGION");
        assert_eq!(
            found,
            [
                (
                    "\"us-esat-1\" is not a region; did you mean \"us-east-1\"?".to_owned(),
                    "us-esat-1".to_owned()
                ),
                (
                    "\"us-gov-wset-1\" is not a region; did you mean \"us-gov-west-1\"?".to_owned(),
                    "us-gov-wset-1".to_owned()
                )
            ]
        );
        let fixed = crate::checks::fix_support::apply_fix(
            &p(
                "logs:PutLogEvents",
                r#""arn:aws:logs:eu-centrl-1:123456789012:log-group:a""#,
            ),
            Identity,
            "INVALID_ARN_REGION",
        );
        assert!(fixed.is_some_and(|f| f.contains(":eu-central-1:")));
        // Unknown regions with known words (future regions) stay accepted.
        let ok = p(
            "logs:PutLogEvents",
            r#"["arn:aws:logs:ap-east-9:123456789012:log-group:a", "arn:aws:logs:xx-newplace-1:123456789012:log-group:a", "arn:aws:logs:eu-southwest-1:123456789012:log-group:a"]"#,
        );
        assert!(spans_of(&ok, Identity, "INVALID_ARN_REGION").is_empty());
    }

    #[test]
    fn arns_of_the_account_aws_are_aws_owned() {
        let text = p(
            "cloudformation:CreateChangeSet",
            r#""arn:aws:cloudformation:us-east-1:aws:transform/Serverless-2016-10-31""#,
        );
        for code in [
            "INVALID_ARN_RESOURCE",
            "RESOURCE_MATCHES_NO_ACTION",
            "INVALID_ARN_ACCOUNT",
        ] {
            assert!(spans_of(&text, Identity, code).is_empty(), "{code}");
        }
    }

    #[test]
    fn aws_owned_resources_need_no_account() {
        for arn in [
            "arn:aws:ssm:*::document/AWS-RunShellScript",
            "arn:aws:ssm:us-east-1::document/AmazonCloudWatch-ManageAgent",
            "arn:aws:ssm:*::automation-definition/AWS-RestartEC2Instance:$DEFAULT",
            "arn:aws:ssm:*::parameter/aws/service/ami-amazon-linux-latest/*",
            "arn:aws:ssm:*::document/*",
            "arn:aws:resource-explorer-2:*::view/AWSServiceViewForApplicationSignals/service-view",
        ] {
            let text = p("ssm:SendCommand", &format!("\"{arn}\""));
            for code in ["MISSING_ARN_ACCOUNT", "INVALID_ARN_RESOURCE"] {
                assert!(spans_of(&text, Identity, code).is_empty(), "{code} on {arn}");
            }
        }
        // A customer's document has an account.
        let text = p("ssm:SendCommand", r#""arn:aws:ssm:*::document/MyRunbook""#);
        assert_eq!(spans_of(&text, Identity, "MISSING_ARN_ACCOUNT"), ["::"]);
        // The region is still checked.
        let text = p(
            "ssm:SendCommand",
            r#""arn:aws:ssm:us-esat-1::document/AWS-RunShellScript""#,
        );
        assert_eq!(spans_of(&text, Identity, "INVALID_ARN_REGION"), ["us-esat-1"]);
    }

    #[test]
    fn redundant_resources() {
        let text = p(
            "s3:GetObject",
            r#"["arn:aws:s3:::b/*", "arn:aws:s3:::b/reports/*", "arn:aws:s3:::B/x"]"#,
        );
        assert_eq!(
            spans_of(&text, Identity, "REDUNDANT_RESOURCE"),
            ["\"arn:aws:s3:::b/reports/*\""]
        );
    }
}
