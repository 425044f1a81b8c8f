//! Actions: service prefixes until a `:` is typed, then that service's actions and wildcards.
//! Never the whole list of ~22,000 actions at once: the editor asks again as the user types.

use super::{
    Candidate, Ctx, ItemKind, List, MAX_ITEMS, MAX_SERVICES, UNTYPED_SERVICES, escape_snippet, markdown, match_rank,
    quoted,
};
use crate::catalog::{Action, CORE_SERVICES, Service, catalog};
use std::collections::BTreeMap;

pub(super) fn complete(ctx: &Ctx<'_>) -> List {
    let typed = ctx.slot.typed.as_str();
    match typed.split_once(':') {
        Some((prefix, name)) => match catalog().service(prefix) {
            Some(service) => service_actions(service, name),
            None => List {
                incomplete: true,
                ..List::default()
            },
        },
        None => services(typed),
    }
}

/// Services, the ones people use most first: the core ones, then by how often AWS managed
/// policies name their actions.
pub(super) fn popular_services() -> Vec<Service> {
    let mut ordered: Vec<(usize, std::cmp::Reverse<u32>, Service)> = catalog()
        .services()
        .map(|s| {
            let core = CORE_SERVICES
                .iter()
                .position(|c| *c == s.prefix())
                .unwrap_or(usize::MAX);
            (core, std::cmp::Reverse(s.corpus_uses()), s)
        })
        .collect();
    ordered.sort_by_key(|(core, uses, _)| (*core, *uses));
    ordered.into_iter().map(|(_, _, s)| s).collect()
}

fn services(typed: &str) -> List {
    let limit = if typed.is_empty() {
        UNTYPED_SERVICES
    } else {
        MAX_SERVICES
    };
    // Filter and rank before building the items' text, so that only the kept ones cost.
    let mut matched: Vec<(u8, usize, Service)> = popular_services()
        .into_iter()
        .enumerate()
        .filter_map(|(i, s)| match_rank(typed, s.prefix()).map(|r| (r, i, s)))
        .collect();
    matched.sort_by_key(|(r, i, _)| (*r, *i));
    let mut candidates: Vec<Candidate> = matched
        .into_iter()
        .take(limit)
        .enumerate()
        .map(|(i, (_, _, s))| {
            let count = s.actions().len();
            Candidate {
                label: format!("{}:", s.prefix()),
                kind: ItemKind::Module,
                detail: s.name().to_owned(),
                documentation: markdown(&[
                    &format!("**{}** — {count} actions", s.name()),
                    &s.docs_url()
                        .map(|u| format!("[Service Authorization Reference]({u})"))
                        .unwrap_or_default(),
                ]),
                // Leave the cursor before the closing quote, ready for the action name.
                insert_text: format!("\"{}:$0\"", escape_snippet(s.prefix())),
                is_snippet: true,
                matches: format!("{}:", s.prefix()),
                group: u32::try_from(i).unwrap_or(u32::MAX),
            }
        })
        .collect();
    candidates.push(Candidate {
        label: "*".to_owned(),
        kind: ItemKind::Constant,
        detail: format!("all {} actions", catalog().action_count()),
        documentation: "Every action of every service. Grants full administrator access with `Allow`.".to_owned(),
        insert_text: quoted("*"),
        is_snippet: false,
        matches: "*".to_owned(),
        group: u32::MAX,
    });
    List {
        candidates,
        // Actions come once the service prefix and colon are typed.
        incomplete: true,
        // With nothing typed, the most used services; one typed letter brings all that match.
        limit: Some(limit + 1),
        ..List::default()
    }
}

/// Actions of a service listed before any letter of the name is typed.
const UNTYPED_ACTIONS: usize = 100;

/// The leading word of an action name (`Get` of `GetObject`).
fn verb(name: &str) -> &str {
    let end = name
        .char_indices()
        .skip(1)
        .find(|(_, c)| c.is_ascii_uppercase())
        .map_or(name.len(), |(i, _)| i);
    name.get(..end).unwrap_or(name)
}

fn wildcard(service: Service, pattern_name: &str, count: usize, group: u32) -> Candidate {
    let full = format!("{}:{pattern_name}", service.prefix());
    Candidate {
        label: full.clone(),
        kind: ItemKind::Constant,
        detail: format!("{count} actions"),
        documentation: format!(
            "Matches {count} actions of {} (`{full}`). A wildcard also matches actions the service adds later.",
            service.name()
        ),
        insert_text: quoted(&full),
        is_snippet: false,
        matches: full,
        group,
    }
}

fn action_candidate(a: Action, group: u32) -> Candidate {
    let full = a.full_name();
    let level = a.access_level().map_or("Undocumented", |l| l.as_str());
    let resources: Vec<String> = a
        .resource_types()
        .map(|r| {
            let name = r.resource_type().name();
            if r.required() {
                format!("`{name}`*")
            } else {
                format!("`{name}`")
            }
        })
        .collect();
    let resources = if resources.is_empty() {
        "Resource: `*` only".to_owned()
    } else {
        format!("Resource types: {}", resources.join(", "))
    };
    Candidate {
        label: full.clone(),
        kind: ItemKind::Function,
        detail: level.to_owned(),
        documentation: markdown(&[
            &format!("**{full}** ({level})"),
            a.description(),
            &resources,
            &a.docs_url()
                .map(|u| format!("[Service Authorization Reference]({u})"))
                .unwrap_or_default(),
        ]),
        insert_text: quoted(&full),
        is_snippet: false,
        matches: full,
        group,
    }
}

fn service_actions(service: Service, typed_name: &str) -> List {
    let total = service.actions().len();
    // Actions: the typed text filters (prefix before substring); with nothing typed, the ones
    // AWS managed policies use most come first.
    let mut matched: Vec<(u8, std::cmp::Reverse<u16>, Action)> = service
        .actions()
        .filter_map(|a| match_rank(typed_name, a.name()).map(|r| (r, std::cmp::Reverse(a.corpus_uses()), a)))
        .collect();
    if typed_name.is_empty() {
        matched.sort_by_key(|(r, uses, _)| (*r, *uses));
    } else {
        matched.sort_by_key(|(r, _, _)| *r);
    }
    let prefix_matches = matched.iter().filter(|(r, _, _)| *r == 0).count();
    let mut verbs: BTreeMap<&str, usize> = BTreeMap::new();
    for a in service.actions() {
        *verbs.entry(verb(a.name())).or_default() += 1;
    }
    // Wildcards lead when nothing or exactly a verb is typed (`s3:Get`), else they follow the
    // actions whose name starts with the typed text.
    let promote = typed_name.is_empty() || verbs.keys().any(|v| v.eq_ignore_ascii_case(typed_name));
    let wildcard_group = if promote {
        1
    } else {
        10 + u32::try_from(prefix_matches).unwrap_or(u32::MAX - 10)
    };
    let mut candidates = Vec::new();
    if typed_name.is_empty() || typed_name == "*" {
        candidates.push(wildcard(service, "*", total, 0));
    }
    for (v, n) in &verbs {
        if *n >= 2 && match_rank(typed_name, v) == Some(0) {
            candidates.push(wildcard(service, &format!("{v}*"), *n, wildcard_group));
        }
    }
    // The typed name as a wildcard (`s3:GetObject*`), when it covers several actions.
    if !typed_name.is_empty()
        && !typed_name.contains(['*', '?'])
        && !verbs.keys().any(|v| v.eq_ignore_ascii_case(typed_name))
    {
        let pattern = format!("{}:{typed_name}*", service.prefix());
        let n = catalog().count_actions_matching(&pattern);
        if n >= 2 {
            candidates.push(wildcard(service, &format!("{typed_name}*"), n, wildcard_group));
        }
    }
    // Before a letter of the name is typed, the most used actions; typing narrows the rest.
    let limit = if typed_name.is_empty() {
        UNTYPED_ACTIONS
    } else {
        MAX_ITEMS
    };
    let cut = matched.len() > limit;
    candidates.extend(
        matched
            .into_iter()
            .take(limit)
            .enumerate()
            .map(|(i, (_, _, a))| action_candidate(a, 10 + u32::try_from(i).unwrap_or(u32::MAX - 10))),
    );
    List {
        candidates,
        prefiltered: true,
        incomplete: cut || !typed_name.is_empty(),
        ..List::default()
    }
}

#[cfg(test)]
pub(super) fn verb_of(name: &str) -> &str {
    verb(name)
}
