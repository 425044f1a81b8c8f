//! Resources (ARN templates of the statement's actions, partitions, `*`) and policy variables.

use super::{Candidate, Ctx, ItemKind, List, Statement, escape_snippet, markdown, quoted};
use crate::catalog::{Action, PARTITIONS, ResourceType, catalog, has_wildcard};
use std::collections::HashSet;

/// Most actions a wildcard in the statement expands to for resource types and condition keys.
const MAX_EXPANDED: usize = 2_000;

/// The catalog actions a statement's `Action` names; wildcards across services (`*`,
/// `*:Get*`) say nothing about resources, so they are left out.
pub(super) fn statement_actions(st: &Statement<'_>) -> Vec<Action> {
    let mut out = Vec::new();
    for pattern in st.action_patterns() {
        let Some((service, _)) = pattern.split_once(':') else {
            continue;
        };
        if has_wildcard(service) {
            continue;
        }
        if has_wildcard(pattern) {
            out.extend(catalog().actions_matching(pattern).take(MAX_EXPANDED));
        } else if let Some(a) = catalog().action(pattern) {
            out.push(a);
        }
        if out.len() >= MAX_EXPANDED {
            break;
        }
    }
    out
}

/// `arn:${Partition}:s3:::${BucketName}` as a snippet with one tabstop per placeholder.
pub(super) fn arn_snippet(template: &str) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    let mut n = 0;
    while let Some(start) = rest.find("${") {
        out.push_str(&escape_snippet(rest.get(..start).unwrap_or("")));
        let after = rest.get(start + 2..).unwrap_or("");
        let Some(end) = after.find('}') else {
            rest = rest.get(start..).unwrap_or("");
            break;
        };
        let name = after.get(..end).unwrap_or("");
        n += 1;
        let default = match name {
            "Partition" => "aws",
            other => other,
        };
        out.push_str(&format!("${{{n}:{}}}", escape_snippet(default)));
        rest = after.get(end + 1..).unwrap_or("");
    }
    out.push_str(&escape_snippet(rest));
    out
}

/// Simpler ARNs (fewer placeholders) are the likelier ones: a bucket's objects before an access
/// point's.
fn placeholders(rt: ResourceType) -> u32 {
    u32::try_from(rt.arn_template().matches("${").count())
        .unwrap_or(50)
        .min(50)
}

fn resource_type_candidate(rt: ResourceType, group: u32) -> Candidate {
    let template = rt.arn_template();
    let service = catalog().service(rt.prefix()).map_or(rt.prefix(), |s| s.name());
    Candidate {
        label: template.to_owned(),
        kind: ItemKind::Snippet,
        detail: format!("{} {}", rt.prefix(), rt.name()),
        documentation: markdown(&[
            &format!("ARN of a **{}** resource of {service}.", rt.name()),
            &format!("`{template}`"),
        ]),
        insert_text: format!("\"{}\"", arn_snippet(template)),
        is_snippet: true,
        matches: template.replace("${Partition}", "aws"),
        group,
    }
}

/// The resource types a value may name: those of the statement's actions or, with no known
/// actions, those of the service named in the ARN typed so far (`arn:aws:s3:`).
fn candidate_types(ctx: &Ctx<'_>, st: &Statement<'_>) -> Vec<ResourceType> {
    let mut types = Vec::new();
    let mut seen = HashSet::new();
    for a in statement_actions(st) {
        for ar in a.resource_types() {
            let rt = ar.resource_type();
            if seen.insert((rt.prefix(), rt.name())) {
                types.push(rt);
            }
        }
    }
    if types.is_empty() {
        let typed = ctx.slot.typed.as_str();
        let service = typed.split(':').nth(2).filter(|_| typed.matches(':').count() >= 3);
        if let Some(s) = service.and_then(|p| catalog().service(p)) {
            types.extend(s.resource_types());
        }
    }
    types
}

/// `arn:aws:` and the other partitions, ranked after everything else.
fn partition_candidates() -> Vec<Candidate> {
    PARTITIONS
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let text = format!("arn:{p}:");
            Candidate {
                label: text.clone(),
                kind: ItemKind::Value,
                detail: "partition".to_owned(),
                documentation: format!("An ARN in the `{p}` partition: `arn:{p}:service:region:account:resource`."),
                insert_text: format!("\"{}$0\"", escape_snippet(&text)),
                is_snippet: true,
                matches: text,
                group: 100 + u32::try_from(i).unwrap_or(0),
            }
        })
        .collect()
}

pub(super) fn complete(ctx: &Ctx<'_>, st: &Statement<'_>) -> List {
    let types = candidate_types(ctx, st);
    // Templates start with `arn:${Partition}`, so they no longer match once an ARN is begun.
    if ctx.slot.typed.starts_with("arn:") {
        return super::arn::complete(ctx, &types, partition_candidates());
    }
    let mut candidates = vec![Candidate {
        label: "*".to_owned(),
        kind: ItemKind::Constant,
        detail: "all resources".to_owned(),
        documentation: "Every resource. Required for actions that have no resource types.".to_owned(),
        insert_text: quoted("*"),
        is_snippet: false,
        matches: "*".to_owned(),
        group: 0,
    }];
    candidates.extend(
        types
            .into_iter()
            .map(|rt| resource_type_candidate(rt, placeholders(rt))),
    );
    candidates.extend(partition_candidates());
    List {
        candidates,
        ..List::default()
    }
}

/// Policy variables: (name, description).
const VARIABLES: &[(&str, &str)] = &[
    ("aws:username", "The IAM user's friendly name (IAM users only)."),
    (
        "aws:userid",
        "The unique ID of the principal (for a role session: `ROLEID:session-name`).",
    ),
    ("aws:PrincipalTag/${1:TagKey}", "A tag attached to the principal."),
    ("aws:PrincipalAccount", "The account ID of the principal."),
    (
        "aws:PrincipalOrgID",
        "The AWS Organizations ID of the principal's account.",
    ),
    (
        "aws:PrincipalArn",
        "The ARN of the principal (for a role session, the role's ARN).",
    ),
    (
        "aws:SourceAccount",
        "The account of the resource making a service-to-service request.",
    ),
    (
        "aws:SourceArn",
        "The ARN of the resource making a service-to-service request.",
    ),
    ("aws:SourceIp", "The requester's IP address."),
    ("aws:SourceVpc", "The VPC the request came through."),
    ("aws:SourceVpce", "The VPC endpoint the request came through."),
    ("aws:RequestedRegion", "The region the request was made to."),
    ("aws:CurrentTime", "The date and time of the request."),
    (
        "aws:EpochTime",
        "The date and time of the request in seconds since the epoch.",
    ),
    ("aws:SecureTransport", "Whether the request was sent over TLS."),
    (
        "aws:PrincipalType",
        "The type of principal (`User`, `AssumedRole`, ...).",
    ),
    (
        "aws:FederatedProvider",
        "The identity provider that issued the federated credentials.",
    ),
    ("aws:ResourceTag/${1:TagKey}", "A tag on the resource."),
    ("aws:RequestTag/${1:TagKey}", "A tag passed in the request."),
    ("saml:sub", "The SAML subject of a federated user."),
    (
        "cognito-identity.amazonaws.com:sub",
        "The Amazon Cognito identity ID of a web identity user.",
    ),
    (
        "www.amazon.com:user_id",
        "The Login with Amazon user ID of a web identity user.",
    ),
    ("graph.facebook.com:id", "The Facebook ID of a web identity user."),
    ("accounts.google.com:sub", "The Google ID of a web identity user."),
    (
        "ec2:SourceInstanceARN",
        "The ARN of the EC2 instance the role credentials were issued to.",
    ),
    (
        "*",
        "A literal `*` (`${*}`), for when a `*` must not act as a wildcard.",
    ),
    ("?", "A literal `?` (`${?}`)."),
    ("$", "A literal `$` (`${$}`)."),
];

/// After `${`: the variable names, each closed with `}` unless one already follows.
pub(super) fn variables(ctx: &Ctx<'_>, (start, typed): (usize, String)) -> List {
    let after = ctx.text.get(ctx.cursor..).unwrap_or("");
    let word = after
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, ':' | '/' | '-' | '_' | '.')))
        .unwrap_or(after.len());
    let closed = after.get(word..).is_some_and(|r| r.starts_with('}'));
    let end = ctx.cursor + word + usize::from(closed);
    let candidates = VARIABLES
        .iter()
        .enumerate()
        .map(|(i, (name, doc))| {
            let plain = super::snippet_to_plain(name);
            let escaped = match *name {
                "*" | "?" => (*name).to_owned(),
                "$" => "\\$".to_owned(),
                n => n.to_owned(),
            };
            Candidate {
                label: format!("${{{plain}}}"),
                kind: ItemKind::Variable,
                detail: "policy variable".to_owned(),
                documentation: markdown(&[doc, "Replaced by the request's value when the policy is evaluated."]),
                insert_text: format!("{escaped}\\}}"),
                is_snippet: true,
                matches: plain,
                group: u32::try_from(i).unwrap_or(0),
            }
        })
        .collect();
    List {
        candidates,
        span: Some(crate::span::Span::new(start, end)),
        typed: Some(typed),
        bare_filter: true,
        ..List::default()
    }
}
