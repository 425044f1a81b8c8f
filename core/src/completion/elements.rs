//! Policy and statement element names, `Version` and `Effect` values.

use super::{Candidate, Ctx, ItemKind, List, Statement, escape_snippet, quoted};
use crate::policy_type::PolicyType;

struct Element {
    name: &'static str,
    /// The value part of the snippet inserted when the key has no value yet.
    value: &'static str,
    doc: &'static str,
}

const TOP_LEVEL: &[Element] = &[
    Element {
        name: "Version",
        value: "\"2012-10-17\"",
        doc: "The policy language version. Always use `2012-10-17`: the older `2008-10-17` has no policy variables.",
    },
    Element {
        name: "Statement",
        value: "[\n\t{\n\t\t\"Effect\": \"${1|Allow,Deny|}\",\n\t\t\"Action\": \"$2\",\n\t\t\"Resource\": \"$3\"\n\t}\n]",
        doc: "The statements of the policy: one object or an array of them, each granting or denying actions on resources.",
    },
    Element {
        name: "Id",
        value: "\"$1\"",
        doc: "An optional identifier for the policy (some services, such as SQS and SNS, use it).",
    },
];

const STATEMENT: &[Element] = &[
    Element {
        name: "Effect",
        value: "\"${1|Allow,Deny|}\"",
        doc: "Whether the statement allows or denies access: `Allow` or `Deny`. Required.",
    },
    Element {
        name: "Action",
        value: "\"$1\"",
        doc: "The actions the statement applies to (`s3:GetObject`, `s3:Get*`).",
    },
    Element {
        name: "Resource",
        value: "\"$1\"",
        doc: "The resources the statement applies to, as ARNs (wildcards allowed) or `*`.",
    },
    Element {
        name: "Condition",
        value: "{\n\t\"${1:StringEquals}\": {\n\t\t\"$2\": \"$3\"\n\t}\n}",
        doc: "Conditions under which the statement applies: `{\"Operator\": {\"key\": value}}`.",
    },
    Element {
        name: "Principal",
        value: "{\n\t\"${1|AWS,Service,Federated,CanonicalUser|}\": \"$2\"\n}",
        doc: "Who the statement applies to, in resource-based policies: `*`, or AWS accounts, users and roles, services, federated users.",
    },
    Element {
        name: "Sid",
        value: "\"$1\"",
        doc: "An optional statement identifier (letters and digits).",
    },
    Element {
        name: "NotAction",
        value: "\"$1\"",
        doc: "Every action except the listed ones. With `Allow` this grants far more than it seems; prefer `Action`.",
    },
    Element {
        name: "NotResource",
        value: "\"$1\"",
        doc: "Every resource except the listed ones.",
    },
    Element {
        name: "NotPrincipal",
        value: "{\n\t\"${1|AWS,Service,Federated,CanonicalUser|}\": \"$2\"\n}",
        doc: "Every principal except the listed ones; only with `Deny`. AWS recommends conditions on `aws:PrincipalArn` instead.",
    },
];

/// The element of the same pair (`Action` / `NotAction`), which excludes this one.
fn counterpart(name: &str) -> Option<&'static str> {
    Some(match name {
        "Action" => "NotAction",
        "NotAction" => "Action",
        "Resource" => "NotResource",
        "NotResource" => "Resource",
        "Principal" => "NotPrincipal",
        "NotPrincipal" => "Principal",
        _ => return None,
    })
}

fn key_candidates(ctx: &Ctx<'_>, elements: &[Element], kind: &str, skip: impl Fn(&str) -> bool) -> List {
    let present = |name: &str| {
        ctx.key_object().is_some_and(|o| {
            o.members
                .iter()
                .any(|m| m.key.value == name && !ctx.is_current_key(&m.key))
        })
    };
    let candidates = elements
        .iter()
        .enumerate()
        .filter(|(_, e)| !skip(e.name) && !present(e.name) && !counterpart(e.name).is_some_and(present))
        .map(|(i, e)| {
            let (insert_text, is_snippet) = key_insert(ctx, e.name, e.value);
            Candidate {
                label: e.name.to_owned(),
                kind: ItemKind::Property,
                detail: kind.to_owned(),
                documentation: e.doc.to_owned(),
                insert_text,
                is_snippet,
                matches: e.name.to_owned(),
                group: u32::try_from(i).unwrap_or(u32::MAX),
            }
        })
        .collect();
    List {
        candidates,
        ..List::default()
    }
}

/// A key's insert text: the key alone when a `:` already follows it, else the key with a value
/// snippet (`value` is snippet text).
pub(super) fn key_insert(ctx: &Ctx<'_>, name: &str, value: &str) -> (String, bool) {
    if ctx.slot.colon_after {
        (quoted(name), false)
    } else {
        (format!("{}: {value}", escape_snippet(&quoted(name))), true)
    }
}

pub(super) fn top_level(ctx: &Ctx<'_>) -> List {
    key_candidates(ctx, TOP_LEVEL, "policy element", |_| false)
}

pub(super) fn statement_keys(ctx: &Ctx<'_>, st: &Statement<'_>) -> List {
    let principals = st.policy_type.has_principal();
    // RCPs apply to every principal (`"Principal": "*"` only) and allow no NotAction.
    let rcp = st.policy_type == PolicyType::Rcp;
    // AWS advises against NotPrincipal with Allow: it grants every principal not listed.
    let allow = st.allows();
    key_candidates(ctx, STATEMENT, "statement element", |name| match name {
        "Principal" => !principals,
        "NotPrincipal" => !principals || rcp || allow,
        "NotAction" => rcp,
        _ => false,
    })
}

/// In `"Statement": [ | ]`: a whole statement.
pub(super) fn new_statement(_ctx: &Ctx<'_>) -> List {
    let body = "{\n\t\"Effect\": \"${1|Allow,Deny|}\",\n\t\"Action\": \"$2\",\n\t\"Resource\": \"$3\"\n}";
    List {
        candidates: vec![Candidate {
            label: "statement".to_owned(),
            kind: ItemKind::Snippet,
            detail: "new statement".to_owned(),
            documentation: "A statement with `Effect`, `Action` and `Resource`.".to_owned(),
            insert_text: body.to_owned(),
            is_snippet: true,
            matches: String::new(),
            group: 0,
        }],
        ..List::default()
    }
}

fn values(list: &[(&str, &str, &str)]) -> List {
    let candidates = list
        .iter()
        .enumerate()
        .map(|(i, (value, detail, doc))| Candidate {
            label: (*value).to_owned(),
            kind: ItemKind::Value,
            detail: (*detail).to_owned(),
            documentation: (*doc).to_owned(),
            insert_text: quoted(value),
            is_snippet: false,
            matches: (*value).to_owned(),
            group: u32::try_from(i).unwrap_or(u32::MAX),
        })
        .collect();
    List {
        candidates,
        ..List::default()
    }
}

pub(super) fn version(_ctx: &Ctx<'_>) -> List {
    values(&[
        (
            "2012-10-17",
            "current version",
            "The current policy language version; supports policy variables.",
        ),
        (
            "2008-10-17",
            "old version",
            "An earlier version: policy variables such as `${aws:username}` are not substituted. Use `2012-10-17`.",
        ),
    ])
}

pub(super) fn effect(_ctx: &Ctx<'_>) -> List {
    values(&[
        (
            "Allow",
            "grant",
            "Grants the actions, unless another statement or policy denies them.",
        ),
        (
            "Deny",
            "deny",
            "Denies the actions; an explicit deny overrides every allow.",
        ),
    ])
}
