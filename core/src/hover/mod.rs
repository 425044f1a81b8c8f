//! Hovers: what the element under the cursor means when AWS evaluates this policy. Computed from
//! the text, its JSON tree, a byte offset and the policy type; returns markdown and the span it
//! describes. The server only converts positions.

mod text;

pub mod outline;

use crate::catalog::{self, AccessLevel, Action, catalog, has_wildcard};
use crate::json::{JsonDocument, JsonString, Node, Value};
use crate::model::{Effect, Policy, Principal, Statement, StringList};
use crate::operator;
use crate::policy_type::{PolicyType, TypeSource};
use crate::span::Span;
use crate::variables::{self, Piece};
use std::fmt::Write as _;

/// Markdown for the span under the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hover {
    pub span: Span,
    pub markdown: String,
}

/// What the caller knows about the document.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub text: &'a str,
    pub json: &'a JsonDocument,
    pub policy_type: PolicyType,
    pub type_source: TypeSource,
}

/// Listing a wildcard's actions stops here (per access level), with a count of the rest.
const LIST_LIMIT: usize = 8;
/// Checking which of a statement's actions support a key or a resource stops after this many
/// actions (a `*` matches tens of thousands), so a hover stays within a few milliseconds.
const SCAN_LIMIT: usize = 2000;

/// The hover at byte `offset`, if the cursor is on something worth explaining.
pub fn hover(ctx: Context<'_>, offset: usize) -> Option<Hover> {
    let policy = Policy::from_json(ctx.json);
    let object = policy.object?;
    for member in &object.members {
        if member.key.span.touches(offset) {
            let md = text::element(&member.key.value)?;
            return Some(Hover {
                span: member.key.span,
                markdown: md.to_owned(),
            });
        }
        if member.key.value == "Version"
            && let Some(node) = member.value.as_ref().filter(|v| v.span.touches(offset))
        {
            return Some(Hover {
                span: node.span,
                markdown: version_value(node),
            });
        }
    }
    if let Some(statement) = policy.statement_at(offset) {
        return statement_hover(ctx, &policy, statement, offset);
    }
    let in_statements = policy
        .statement
        .and_then(|m| m.value.as_ref())
        .is_some_and(|v| v.span.touches(offset));
    if policy.root_span.touches(offset) && !in_statements {
        let span = Span::new(
            policy.root_span.start,
            (policy.root_span.start + 1).min(policy.root_span.end),
        );
        return Some(Hover {
            span,
            markdown: text::policy_type(ctx.policy_type, ctx.type_source),
        });
    }
    None
}

fn version_value(node: &Node) -> String {
    match node.value.as_str().map(|s| s.value.as_str()) {
        Some("2012-10-17") => "**2012-10-17**: the current policy language; policy variables are substituted.".into(),
        Some("2008-10-17") => "**2008-10-17**: the old policy language: `${...}` policy variables are matched \
                               literally. Use `2012-10-17`."
            .into(),
        _ => "Not a policy language version: use `\"2012-10-17\"`.".into(),
    }
}

fn statement_hover(ctx: Context<'_>, policy: &Policy<'_>, st: &Statement<'_>, offset: usize) -> Option<Hover> {
    let member = st.object.members.iter().find(|m| m.span().touches(offset))?;
    let name = member.key.value.as_str();
    let on_key = member.key.span.touches(offset);
    let key_hover = |markdown: String| {
        Some(Hover {
            span: member.key.span,
            markdown,
        })
    };
    match name {
        "Effect" => {
            let allow = st.effect() != Some(Effect::Deny);
            let span = st
                .effect
                .map_or(member.key.span, |e| if on_key { member.key.span } else { e.span });
            Some(Hover {
                span,
                markdown: text::effect(allow, ctx.policy_type),
            })
        }
        "NotAction" | "NotResource" | "NotPrincipal" if on_key => key_hover(not_element(st, name)),
        _ if on_key => key_hover(text::element(name)?.to_owned()),
        "Sid" => key_hover(text::element("Sid")?.to_owned()),
        "Action" | "NotAction" => {
            let list = if name == "Action" {
                st.action.as_ref()
            } else {
                st.not_action.as_ref()
            }?;
            let item = item_at(list, offset)?;
            Some(Hover {
                span: item.span,
                markdown: action(&item.value),
            })
        }
        "Resource" | "NotResource" => {
            let list = if name == "Resource" {
                st.resource.as_ref()
            } else {
                st.not_resource.as_ref()
            }?;
            let item = item_at(list, offset)?;
            if let Some(h) = variable_hover(ctx.text, policy, item, offset) {
                return Some(h);
            }
            Some(Hover {
                span: item.span,
                markdown: resource(st, &item.value),
            })
        }
        "Principal" | "NotPrincipal" => {
            let principal = if name == "Principal" {
                st.principal.as_ref()
            } else {
                st.not_principal.as_ref()
            }?;
            principal_hover(principal, offset)
        }
        "Condition" => condition_hover(ctx, policy, st, offset),
        _ => None,
    }
}

fn item_at<'a>(list: &StringList<'a>, offset: usize) -> Option<&'a JsonString> {
    list.items.iter().copied().find(|s| s.span.touches(offset))
}

fn quoted_list(values: &[&str]) -> String {
    let mut out = String::new();
    for (i, v) in values.iter().take(LIST_LIMIT).enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "`{v}`");
    }
    if values.len() > LIST_LIMIT {
        let _ = write!(out, " and {} more", values.len() - LIST_LIMIT);
    }
    out
}

fn effect_verb(st: &Statement<'_>) -> &'static str {
    match st.effect() {
        Some(Effect::Deny) => "this Deny denies",
        _ => "this Allow grants",
    }
}

/// `NotAction` / `NotResource` / `NotPrincipal` in words, for this statement.
fn not_element(st: &Statement<'_>, name: &str) -> String {
    let verb = effect_verb(st);
    fn values<'l>(list: Option<&'l StringList<'_>>) -> Vec<&'l str> {
        list.map(|l| l.values().collect()).unwrap_or_default()
    }
    match name {
        "NotAction" => {
            let listed = values(st.not_action.as_ref());
            let mut out = format!(
                "**NotAction**: {verb} every action of every service except {}.",
                quoted_list(&listed)
            );
            if st.effect() != Some(Effect::Deny) {
                out.push_str(
                    " With Allow that includes services added later; prefer `Action`, or use NotAction with Deny.",
                );
            }
            out
        }
        "NotResource" => format!(
            "**NotResource**: {verb} the actions on every resource except {}. Actions that support no resource \
             type are matched too.",
            quoted_list(&values(st.not_resource.as_ref()))
        ),
        _ => {
            let listed: Vec<&str> = match &st.not_principal {
                Some(Principal::Bare { value, .. }) => vec![value.value.as_str()],
                Some(Principal::Map { entries, .. }) => entries
                    .iter()
                    .flat_map(|e| e.values.iter().map(|v| v.value.as_str()))
                    .collect(),
                None => Vec::new(),
            };
            format!(
                "**NotPrincipal**: {verb} every principal except {} — anonymous callers included. Not allowed in \
                 identity or trust policies; prefer `Principal` with a condition on `aws:PrincipalArn`.",
                quoted_list(&listed)
            )
        }
    }
}

/// An action or a wildcard action.
pub fn action(name: &str) -> String {
    let cat = catalog();
    if has_wildcard(name) {
        return wildcard_action(name);
    }
    let Some(a) = cat.action(name) else {
        if let Some(retired) = catalog::known::retired_action(name) {
            return format!(
                "`{name}`: retired by AWS; no request is authorized for it any more. Replaced by {}.",
                retired.replaced_by
            );
        }
        let mut out = format!(
            "`{name}`: not an action in the catalog of {} ({} {}); the statement never matches it.",
            cat.source().date,
            cat.source().package,
            cat.source().version
        );
        if let Some(s) = cat.suggest_action(name) {
            let _ = write!(out, " Did you mean `{s}`?");
        }
        return out;
    };
    let mut out = format!("**{}**", a.full_name());
    if let Some(level) = a.access_level() {
        let _ = write!(out, " — {level}");
    }
    out.push_str("\n\n");
    if !a.description().is_empty() {
        out.push_str(a.description());
        out.push_str("\n\n");
    }
    let resource_types: Vec<_> = a.resource_types().collect();
    if resource_types.is_empty() {
        out.push_str("Resource types: none — only `\"Resource\": \"*\"` matches it.\n\n");
    } else {
        out.push_str("Resource types:\n");
        for ar in &resource_types {
            let rt = ar.resource_type();
            let req = if ar.required() { " (required)" } else { "" };
            let _ = writeln!(out, "- `{}`{req}: `{}`", rt.name(), rt.arn_template());
        }
        out.push('\n');
    }
    let keys: Vec<&str> = a.supported_condition_keys().iter().map(|k| k.name()).collect();
    if !keys.is_empty() {
        let _ = writeln!(out, "Condition keys: {}\n", quoted_list(&keys));
    }
    if !a.dependent_actions().is_empty() {
        let _ = writeln!(out, "Dependent actions: {}\n", quoted_list(a.dependent_actions()));
    }
    if let Some(url) = a.docs_url() {
        let _ = write!(out, "[{} actions]({url})", a.service().name());
    }
    out.trim_end().to_owned()
}

fn wildcard_action(pattern: &str) -> String {
    let cat = catalog();
    let mut by_level: Vec<(Option<AccessLevel>, Vec<Action>)> = Vec::new();
    let mut total = 0usize;
    for a in cat.actions_matching(pattern) {
        total += 1;
        let level = a.access_level();
        match by_level.iter_mut().find(|(l, _)| *l == level) {
            Some((_, list)) => {
                if list.len() <= LIST_LIMIT {
                    list.push(a);
                }
            }
            None => by_level.push((level, vec![a])),
        }
    }
    if total == 0 {
        return format!("`{pattern}` matches no action: the statement never applies through it.");
    }
    let mut counts: Vec<(Option<AccessLevel>, usize)> = Vec::new();
    for a in cat.actions_matching(pattern) {
        let level = a.access_level();
        match counts.iter_mut().find(|(l, _)| *l == level) {
            Some((_, n)) => *n += 1,
            None => counts.push((level, 1)),
        }
    }
    by_level.sort_by_key(|(l, _)| *l);
    let mut out = format!(
        "**{pattern}** matches {total} action{}\n\n",
        if total == 1 { "" } else { "s" }
    );
    for (level, list) in &by_level {
        let count = counts.iter().find(|(l, _)| l == level).map_or(0, |(_, n)| *n);
        let label = level.map_or("Unknown level".to_owned(), |l| l.to_string());
        let names: Vec<String> = list.iter().take(LIST_LIMIT).map(|a| a.full_name()).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut shown = quoted_list(&refs);
        if count > refs.len() {
            let _ = write!(shown, " and {} more", count - refs.len());
        }
        let _ = writeln!(out, "- **{label}** ({count}): {shown}");
    }
    if let Some((svc, _)) = pattern.split_once(':')
        && !has_wildcard(svc)
        && let Some(url) = cat.service(svc).and_then(|s| s.docs_url())
    {
        let _ = write!(out, "\n[Service actions]({url})");
    }
    out.trim_end().to_owned()
}

/// The statement's actions as catalog actions (wildcards expanded), at most [`SCAN_LIMIT`];
/// `None` when the statement has no `Action` (NotAction or nothing).
fn statement_actions(st: &Statement<'_>) -> Option<Vec<Action>> {
    let list = st.action.as_ref()?;
    let cat = catalog();
    let mut out: Vec<Action> = Vec::new();
    for v in list.values() {
        if has_wildcard(v) {
            out.extend(cat.actions_matching(v).take(SCAN_LIMIT.saturating_sub(out.len())));
        } else if let Some(a) = cat.action(v) {
            out.push(a);
        }
        if out.len() >= SCAN_LIMIT {
            break;
        }
    }
    Some(out)
}

fn resource(st: &Statement<'_>, arn: &str) -> String {
    if arn == "*" {
        return "`*`: every resource. Actions that support no resource type (List*, Describe*, ...) only match \
                `*`."
            .to_owned();
    }
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let mut out = String::new();
    if let [prefix, partition, service, region, account, rest] = parts.as_slice()
        && prefix.eq_ignore_ascii_case("arn")
    {
        let or_any = |s: &str| {
            if s.is_empty() {
                "(none)".to_owned()
            } else {
                format!("`{s}`")
            }
        };
        let _ = writeln!(
            out,
            "**ARN** — partition {}, service {}, region {}, account {}, resource {}\n",
            or_any(partition),
            or_any(service),
            or_any(region),
            or_any(account),
            or_any(rest)
        );
    } else {
        out.push_str("Not an ARN (`arn:partition:service:region:account:resource`).\n\n");
    }
    match statement_actions(st) {
        Some(actions) if !actions.is_empty() => {
            // resource type name -> actions that act on it
            let mut types: Vec<(String, Vec<String>)> = Vec::new();
            for a in &actions {
                for ar in a.resource_types() {
                    let rt = ar.resource_type();
                    if rt.matches_arn(arn) {
                        let label = format!("{}:{}", rt.prefix(), rt.name());
                        match types.iter_mut().find(|(l, _)| *l == label) {
                            Some((_, list)) => list.push(a.full_name()),
                            None => types.push((label, vec![a.full_name()])),
                        }
                    }
                }
            }
            if types.is_empty() {
                out.push_str(
                    "Matches no resource type of this statement's actions: the statement never applies to it.",
                );
            } else {
                for (label, list) in &types {
                    let refs: Vec<&str> = list.iter().map(String::as_str).collect();
                    let _ = writeln!(out, "- resource type `{label}` for {}", quoted_list(&refs));
                }
            }
        }
        _ => {
            let service = parts.get(2).and_then(|s| catalog().service(s));
            let names: Vec<&str> = service
                .map(|s| {
                    s.resource_types()
                        .filter(|rt| rt.matches_arn(arn))
                        .map(|rt| rt.name())
                        .collect()
                })
                .unwrap_or_default();
            if !names.is_empty() {
                let _ = write!(out, "Resource type: {}", quoted_list(&names));
            }
        }
    }
    out.trim_end().to_owned()
}

fn principal_hover(principal: &Principal<'_>, offset: usize) -> Option<Hover> {
    match principal {
        Principal::Bare { value, .. } => Some(Hover {
            span: value.span,
            markdown: principal_value("AWS", &value.value),
        }),
        Principal::Map { entries, .. } => {
            for e in entries {
                if e.kind.span.touches(offset) {
                    return Some(Hover {
                        span: e.kind.span,
                        markdown: text::principal_kind(&e.kind.value)?.to_owned(),
                    });
                }
                if let Some(v) = e.values.iter().find(|v| v.span.touches(offset)) {
                    return Some(Hover {
                        span: v.span,
                        markdown: principal_value(&e.kind.value, &v.value),
                    });
                }
            }
            None
        }
    }
}

/// What one principal value means.
pub fn principal_value(kind: &str, value: &str) -> String {
    if value == "*" {
        return "`*`: **everyone**, including anonymous callers when allowed. Restrict it with a condition \
                (`aws:PrincipalOrgID`, `aws:SourceAccount`, ...)."
            .to_owned();
    }
    match kind {
        "Service" => {
            return format!(
                "`{value}`: a **service principal** — the AWS service acting on your behalf. Guard against the \
                 confused deputy with `aws:SourceArn` / `aws:SourceAccount`."
            );
        }
        "Federated" => {
            return format!("`{value}`: a federated identity provider; callers come in with `sts:AssumeRoleWith*`.");
        }
        "CanonicalUser" => return format!("`{value}`: an Amazon S3 canonical user ID (an account)."),
        _ => {}
    }
    let account_only = value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    let resource = parts.get(5).copied().unwrap_or("");
    let service = parts.get(2).copied().unwrap_or("");
    if account_only || (service == "iam" && resource == "root") {
        return format!(
            "`{value}`: an **account** principal. It delegates to the account: any user or role there whose own \
             identity policy allows the action gets access. It does not mean only the root user."
        );
    }
    if service == "iam" && resource.starts_with("role/") {
        return format!(
            "`{value}`: a **role**. Every session of the role matches. A resource policy that names the role ARN is \
             still capped by the role's permissions boundary and session policies."
        );
    }
    if service == "sts" && resource.starts_with("assumed-role/") {
        return format!(
            "`{value}`: a **role session** (`assumed-role/ROLE/SESSION`): only that session name. Granting to a \
             session ARN is not capped by the role's identity policy, boundary or session policy."
        );
    }
    if service == "iam" && resource.starts_with("user/") {
        return format!("`{value}`: an **IAM user**.");
    }
    format!("`{value}`: a principal ARN. Principal ARNs take no partial wildcards.")
}

fn condition_hover(ctx: Context<'_>, policy: &Policy<'_>, st: &Statement<'_>, offset: usize) -> Option<Hover> {
    let condition = st.condition.as_ref()?;
    for block in &condition.operators {
        if block.operator.span.touches(offset) {
            let markdown = match operator::parse(&block.operator.value) {
                Some(op) => text::operator(op),
                None => format!("`{}`: not a condition operator.", block.operator.value),
            };
            return Some(Hover {
                span: block.operator.span,
                markdown,
            });
        }
        for entry in &block.entries {
            if entry.key.span.touches(offset) {
                return Some(Hover {
                    span: entry.key.span,
                    markdown: condition_key(st, &entry.key.value),
                });
            }
            for value in &entry.values {
                if value.node.span.touches(offset)
                    && let Value::String(s) = &value.node.value
                {
                    return variable_hover(ctx.text, policy, s, offset);
                }
            }
        }
    }
    None
}

/// A condition key, and which of the statement's actions support it.
pub fn condition_key_markdown(st: Option<&Statement<'_>>, name: &str) -> String {
    let Some(info) = catalog().condition_key(name) else {
        let mut out = format!("`{name}`: not a known condition key; it is missing from every request.");
        if let Some(s) = catalog().suggest_condition_key(name) {
            let _ = write!(out, " Did you mean `{s}`?");
        }
        return out;
    };
    let mut out = format!(
        "**{}** — {}, {}\n\n",
        info.name,
        info.key_type,
        if info.multivalued {
            "multivalued (use `ForAnyValue:` / `ForAllValues:`)"
        } else {
            "single-valued"
        }
    );
    if !info.description.is_empty() {
        out.push_str(info.description);
        out.push_str("\n\n");
    }
    if info.global && !info.tag_related {
        out.push_str("Global key: any action may carry it, when the request has it.");
        return out.trim_end().to_owned();
    }
    let Some(actions) = st.and_then(statement_actions) else {
        return out.trim_end().to_owned();
    };
    let (with, without): (Vec<Action>, Vec<Action>) = actions
        .iter()
        .copied()
        .partition(|a| !a.is_documented() || a.supports_condition_key(name));
    let names = |list: &[Action]| list.iter().map(|a| a.full_name()).collect::<Vec<_>>();
    let (with, without) = (names(&with), names(&without));
    fn refs(list: &[String]) -> Vec<&str> {
        list.iter().map(String::as_str).collect()
    }
    if !with.is_empty() {
        let _ = writeln!(out, "Supported by {}\n", quoted_list(&refs(&with)));
    }
    if !without.is_empty() {
        let _ = writeln!(
            out,
            "**Ignored by** {}: the key is never in their requests, so a positive condition on it never holds for \
             them.",
            quoted_list(&refs(&without))
        );
    }
    out.trim_end().to_owned()
}

fn condition_key(st: &Statement<'_>, name: &str) -> String {
    condition_key_markdown(Some(st), name)
}

/// A `${...}` policy variable under the cursor inside `s`.
fn variable_hover(text: &str, policy: &Policy<'_>, s: &JsonString, offset: usize) -> Option<Hover> {
    if !variables::has_variables(&s.value) {
        return None;
    }
    for piece in variables::scan(&s.value) {
        let (range, markdown) = match piece {
            Piece::Variable { range, key, default } => {
                let mut md = format!("**Policy variable** `${{{key}}}`: replaced by the request's `{key}`");
                if let Some(info) = catalog::global_condition_key(key) {
                    let _ = write!(md, " ({})", info.description.trim_end_matches('.'));
                }
                md.push_str(".\n\n");
                match default {
                    Some(d) => {
                        let _ = write!(md, "When the key is missing, the default `'{d}'` is used.");
                    }
                    None => md.push_str(
                        "When the key is missing the value matches nothing (a condition on it is false, a \
                         negated one true). A default: `${key, 'value'}`.",
                    ),
                }
                md.push_str("\n\n");
                if policy.supports_variables() {
                    md.push_str("Substituted because `Version` is `2012-10-17`. A substituted value is literal.");
                } else {
                    md.push_str(
                        "**Not substituted**: needs `\"Version\": \"2012-10-17\"`; it is matched literally now.",
                    );
                }
                (range, md)
            }
            Piece::Literal { range, char } => (range, format!("`${{{char}}}`: a literal `{char}`, not a wildcard.")),
            _ => continue,
        };
        let span = s.source_span(text, range);
        if span.touches(offset) {
            return Some(Hover { span, markdown });
        }
    }
    None
}

#[cfg(test)]
mod tests;
