//! Condition operators, condition keys under an operator, and known condition values.

use super::elements::key_insert;
use super::resources::statement_actions;
use super::{
    Candidate, Ctx, ItemKind, List, MAX_SERVICES, Statement, UNTYPED_SERVICES, escape_snippet, markdown, quoted,
};
use crate::catalog::{self, KeyInfo, KeyType, REGIONS, catalog, global_condition_keys};
use crate::operator::{self, BASE_OPERATORS, BaseOperator, Comparison, Family, ParsedOperator, Qualifier};
use std::collections::HashSet;

/// One line on what the base operator does.
fn semantics(op: BaseOperator) -> String {
    let what = match op.family {
        Family::String => "the key's string value",
        Family::Numeric => "the key's number",
        Family::Date => "the key's date (ISO 8601 or epoch seconds)",
        Family::Bool => "the key's boolean (`true` / `false`)",
        Family::Binary => "the key's bytes with a base64 value",
        Family::IpAddress => "the key's IP address",
        Family::Arn => "the key's ARN",
        Family::Null => "",
    };
    match op.comparison {
        Comparison::Equals if op.family == Family::Arn => {
            format!("Matches {what} against ARN patterns (`*`, `?` per segment).")
        }
        Comparison::NotEquals if op.family == Family::Arn => {
            format!("True when {what} matches none of the ARN patterns.")
        }
        Comparison::Like if op.family == Family::Arn => {
            format!("Matches {what} against ARN patterns (`*`, `?` per segment).")
        }
        Comparison::NotLike if op.family == Family::Arn => {
            format!("True when {what} matches none of the ARN patterns.")
        }
        Comparison::Equals => format!("Exact match of {what} with one of the values."),
        Comparison::NotEquals => format!("True when {what} equals none of the values."),
        Comparison::EqualsIgnoreCase => format!("Case-insensitive match of {what} with one of the values."),
        Comparison::NotEqualsIgnoreCase => format!("True when {what} equals none of the values, ignoring case."),
        Comparison::Like => format!("Matches {what} against patterns with `*` and `?`."),
        Comparison::NotLike => format!("True when {what} matches none of the patterns."),
        Comparison::LessThan => format!("True when {what} is less than the value."),
        Comparison::LessThanEquals => format!("True when {what} is less than or equal to the value."),
        Comparison::GreaterThan => format!("True when {what} is greater than the value."),
        Comparison::GreaterThanEquals => format!("True when {what} is greater than or equal to the value."),
        Comparison::InRange => format!("True when {what} is in one of the CIDR ranges."),
        Comparison::NotInRange => format!("True when {what} is in none of the CIDR ranges."),
        Comparison::Is if op.family == Family::Null => {
            "`true`: the key is absent from the request; `false`: it is present.".to_owned()
        }
        Comparison::Is => format!("Exact match of {what}."),
    }
}

pub(super) fn operators(ctx: &Ctx<'_>) -> List {
    let mut candidates = Vec::new();
    for (qi, qualifier) in [None, Some(Qualifier::ForAnyValue), Some(Qualifier::ForAllValues)]
        .into_iter()
        .enumerate()
    {
        for if_exists in [false, true] {
            for (bi, &base) in BASE_OPERATORS.iter().enumerate() {
                let parsed = ParsedOperator {
                    qualifier,
                    base,
                    if_exists,
                };
                let name = parsed.canonical();
                let mut doc = vec![semantics(base)];
                if if_exists {
                    doc.push("`IfExists`: also true when the key is absent from the request.".to_owned());
                }
                match qualifier {
                    Some(Qualifier::ForAnyValue) => doc.push(
                        "`ForAnyValue:` for multivalued keys: true when at least one of the request's values matches (false when the key is absent)."
                            .to_owned(),
                    ),
                    Some(Qualifier::ForAllValues) => doc.push(
                        "`ForAllValues:` for multivalued keys: true when every one of the request's values matches — also when the key is absent, so pair it with a `Null` check."
                            .to_owned(),
                    ),
                    None => {}
                }
                let (insert_text, is_snippet) = key_insert(ctx, &name, "{\n\t\"$1\": \"$2\"\n}");
                // Plain operators first, then IfExists, then the qualified ones.
                let group =
                    u32::try_from(qi * 2 * BASE_OPERATORS.len() + usize::from(if_exists) * BASE_OPERATORS.len() + bi)
                        .unwrap_or(u32::MAX);
                candidates.push(Candidate {
                    label: name.clone(),
                    kind: ItemKind::Operator,
                    detail: format!("{} operator", base.family.as_str()),
                    documentation: doc.join("\n\n"),
                    insert_text,
                    is_snippet,
                    matches: name,
                    group,
                });
            }
        }
    }
    List {
        candidates,
        // All of them (162): the list is short enough.
        limit: Some(BASE_OPERATORS.len() * 6),
        ..List::default()
    }
}

fn key_detail(info: &KeyInfo) -> String {
    let mut s = info.key_type.as_str().to_owned();
    if info.multivalued {
        s.push_str(", multivalued");
    }
    s
}

/// `aws:ResourceTag/${TagKey}` or `s3:ExistingObjectTag/<key>` as a snippet with the tag key a
/// placeholder.
fn key_snippet(name: &str) -> (String, usize) {
    let mut out = String::new();
    let mut rest = name;
    let mut n = 0;
    loop {
        let dollar = rest.find("${");
        let angle = rest.find('<');
        let (start, open_len, close) = match (dollar, angle) {
            (Some(d), Some(a)) if a < d => (a, 1, '>'),
            (Some(d), _) => (d, 2, '}'),
            (None, Some(a)) => (a, 1, '>'),
            (None, None) => break,
        };
        let after = rest.get(start + open_len..).unwrap_or("");
        let Some(end) = after.find(close) else { break };
        out.push_str(&escape_snippet(rest.get(..start).unwrap_or("")));
        n += 1;
        out.push_str(&format!("${{{n}:{}}}", escape_snippet(after.get(..end).unwrap_or(""))));
        rest = after.get(end + 1..).unwrap_or("");
    }
    out.push_str(&escape_snippet(rest));
    (out, n)
}

fn key_candidate(ctx: &Ctx<'_>, info: KeyInfo, operator: Option<ParsedOperator>, group: u32) -> Candidate {
    let (key_text, stops) = if info.template {
        let (text, n) = key_snippet(info.name);
        (format!("\"{text}\""), n)
    } else {
        (escape_snippet(&quoted(info.name)), 0)
    };
    let t = stops + 1;
    let value = match info.key_type.scalar() {
        KeyType::Bool => format!("\"${{{t}|true,false|}}\""),
        _ if info.multivalued => format!("[\"${t}\"]"),
        _ => format!("\"${t}\""),
    };
    let (insert_text, is_snippet) = if ctx.slot.colon_after {
        (key_text, info.template)
    } else {
        (format!("{key_text}: {value}"), true)
    };
    let scope = match info.service {
        _ if info.global => "Global condition key.".to_owned(),
        Some(s) => format!("Condition key of `{s}`."),
        None => String::new(),
    };
    let fit = match operator.map(|o| o.base.family) {
        Some(f) if !family_fits(f, info.key_type) => format!("Does not fit a {} operator.", f.as_str()),
        _ => String::new(),
    };
    let qualifier = if info.multivalued {
        "Multivalued: use `ForAnyValue:` or `ForAllValues:`."
    } else {
        ""
    };
    Candidate {
        label: info.name.to_owned(),
        kind: ItemKind::Field,
        detail: key_detail(&info),
        documentation: markdown(&[
            &format!("**{}** ({})", info.name, key_detail(&info)),
            info.description,
            &scope,
            qualifier,
            &fit,
        ]),
        insert_text,
        is_snippet,
        matches: info.name.to_owned(),
        group,
    }
}

fn family_fits(family: Family, key_type: KeyType) -> bool {
    let wanted = match key_type.scalar() {
        KeyType::String => Family::String,
        KeyType::Arn => return matches!(family, Family::Arn | Family::String | Family::Null),
        KeyType::Bool => Family::Bool,
        KeyType::Numeric => Family::Numeric,
        KeyType::Date => Family::Date,
        KeyType::IpAddress => Family::IpAddress,
        KeyType::Binary => Family::Binary,
        _ => return true,
    };
    family == wanted || family == Family::Null
}

pub(super) fn keys(ctx: &Ctx<'_>, st: &Statement<'_>, op: &str) -> List {
    let parsed = operator::parse(op);
    let present: HashSet<String> = ctx
        .key_object()
        .map(|o| {
            o.members
                .iter()
                .filter(|m| !ctx.is_current_key(&m.key))
                .map(|m| m.key.value.to_ascii_lowercase())
                .collect()
        })
        .unwrap_or_default();
    let mut seen: HashSet<&'static str> = HashSet::new();
    let mut candidates = Vec::new();
    let mut push = |info: KeyInfo, group: u32, candidates: &mut Vec<Candidate>| {
        if seen.insert(info.name) && !present.contains(&info.name.to_ascii_lowercase()) && !info.deprecated {
            // Keys that fit the operator's family rank before those that do not.
            let misfit = parsed.is_some_and(|p| !family_fits(p.base.family, info.key_type));
            candidates.push(key_candidate(ctx, info, parsed, group + 10 * u32::from(misfit)));
        }
    };
    let actions = statement_actions(st);
    let mut incomplete = false;
    if actions.is_empty() {
        // No actions to go by: global keys, and every service's keys by prefix.
        let typed = ctx.slot.typed.as_str();
        match typed.split_once(':') {
            Some((prefix, _)) if !prefix.eq_ignore_ascii_case("aws") => {
                if let Some(s) = catalog().service(prefix) {
                    for k in s.condition_keys() {
                        push(k.info(), 0, &mut candidates);
                    }
                }
            }
            _ => {
                for g in global_condition_keys() {
                    if let Some(info) = catalog().condition_key(g.name) {
                        push(info, 0, &mut candidates);
                    }
                }
                if !typed.contains(':') {
                    incomplete = true;
                    candidates.extend(service_prefixes(typed));
                }
            }
        }
    } else {
        // Many actions share keys: look each key up once (`info()` searches the global table).
        let mut names: HashSet<&'static str> = HashSet::new();
        for a in &actions {
            for k in a.supported_condition_keys() {
                if names.insert(k.name()) {
                    push(k.info(), 0, &mut candidates);
                }
            }
        }
        for g in global_condition_keys().iter().filter(|g| !g.tag_related) {
            if let Some(info) = catalog().condition_key(g.name) {
                push(info, 1, &mut candidates);
            }
        }
    }
    List {
        candidates,
        incomplete,
        limit: Some(if ctx.slot.typed.is_empty() && actions.is_empty() {
            UNTYPED_SERVICES
        } else {
            MAX_SERVICES
        }),
        ..List::default()
    }
}

/// `s3:` items for services that have condition keys.
fn service_prefixes(typed: &str) -> Vec<Candidate> {
    super::actions::popular_services()
        .into_iter()
        .filter(|s| s.condition_keys().len() > 0)
        .filter(|s| super::match_rank(typed, s.prefix()).is_some())
        .map(|s| Candidate {
            label: format!("{}:", s.prefix()),
            kind: ItemKind::Module,
            detail: s.name().to_owned(),
            documentation: format!("**{}** — {} condition keys", s.name(), s.condition_keys().len()),
            insert_text: format!("\"{}:$0\"", escape_snippet(s.prefix())),
            is_snippet: true,
            matches: format!("{}:", s.prefix()),
            group: 20,
        })
        .collect()
}

const PRINCIPAL_TYPES: &[(&str, &str)] = &[
    ("Account", "The account root user."),
    ("User", "An IAM user."),
    ("FederatedUser", "A federated user (`sts:GetFederationToken`)."),
    (
        "AssumedRole",
        "A role session (roles, federated and web-identity users via roles).",
    ),
    ("Anonymous", "An unauthenticated request."),
];

const S3_ACLS: &[&str] = &[
    "private",
    "public-read",
    "public-read-write",
    "aws-exec-read",
    "authenticated-read",
    "bucket-owner-read",
    "bucket-owner-full-control",
    "log-delivery-write",
];

const S3_SSE: &[(&str, &str)] = &[
    ("AES256", "S3 managed keys (SSE-S3)."),
    ("aws:kms", "AWS KMS keys (SSE-KMS)."),
    ("aws:kms:dsse", "Dual-layer encryption with AWS KMS keys (DSSE-KMS)."),
];

fn value(label: &str, detail: &str, doc: &str, group: usize) -> Candidate {
    Candidate {
        label: label.to_owned(),
        kind: ItemKind::Value,
        detail: detail.to_owned(),
        documentation: doc.to_owned(),
        insert_text: quoted(label),
        is_snippet: false,
        matches: label.to_owned(),
        group: u32::try_from(group).unwrap_or(u32::MAX),
    }
}

pub(super) fn values(_ctx: &Ctx<'_>, op: &str, key: &str) -> List {
    let parsed = operator::parse(op);
    let info = catalog().condition_key(key);
    let family = parsed.map(|p| p.base.family);
    let key_is_bool = info.is_some_and(|i| i.key_type.scalar() == KeyType::Bool);
    let lower = key.to_ascii_lowercase();
    let mut candidates = Vec::new();
    if family == Some(Family::Null) {
        candidates.push(value(
            "true",
            "absent",
            "True when the key is absent from the request.",
            0,
        ));
        candidates.push(value(
            "false",
            "present",
            "True when the key is present in the request.",
            1,
        ));
    } else if family == Some(Family::Bool) || key_is_bool {
        candidates.push(value("true", "Bool", "The key's value is true.", 0));
        candidates.push(value("false", "Bool", "The key's value is false.", 1));
    } else if lower == "aws:principaltype" {
        candidates.extend(
            PRINCIPAL_TYPES
                .iter()
                .enumerate()
                .map(|(i, (v, doc))| value(v, "principal type", doc, i)),
        );
    } else if lower.ends_with(":requestedregion") || lower.ends_with(":region") {
        candidates.extend(REGIONS.iter().enumerate().map(|(i, (r, p))| {
            value(
                r,
                &format!("region ({p})"),
                &format!("The `{r}` region, partition `{p}`."),
                i,
            )
        }));
    } else if lower == "s3:x-amz-acl" {
        candidates.extend(
            S3_ACLS
                .iter()
                .enumerate()
                .map(|(i, a)| value(a, "canned ACL", &format!("The `{a}` canned ACL."), i)),
        );
    } else if lower == "s3:x-amz-server-side-encryption" {
        candidates.extend(
            S3_SSE
                .iter()
                .enumerate()
                .map(|(i, (v, doc))| value(v, "encryption", doc, i)),
        );
    } else if matches!(
        lower.as_str(),
        "aws:calledvia" | "aws:calledviafirst" | "aws:calledvialast" | "aws:principalservicename"
    ) {
        candidates.extend(
            catalog()
                .services()
                .filter(|s| catalog::CORE_SERVICES.contains(&s.prefix()))
                .enumerate()
                .map(|(i, s)| {
                    let principal = format!("{}.amazonaws.com", s.prefix());
                    value(
                        &principal,
                        s.name(),
                        &format!("The service principal of {}.", s.name()),
                        i,
                    )
                }),
        );
    }
    List {
        candidates,
        ..List::default()
    }
}
