//! Reading a test file: lenient, every problem reported with its byte span, every part that
//! is well formed kept.

use super::{Problem, codes};
use crate::eval::Decision;
use crate::finding::Severity;
use crate::json::{self, JsonDocument, Member, Node, Object, Value};
use crate::span::Span;

/// Fields of the test file's top-level object.
pub const TOP_FIELDS: &[&str] = &[
    "$schema",
    "description",
    "policies",
    "principal",
    "resourceAccount",
    "context",
    "cases",
];
/// Fields of a case.
pub const CASE_FIELDS: &[&str] = &[
    "name",
    "description",
    "principal",
    "action",
    "resource",
    "resourceAccount",
    "context",
    "expect",
    "decidedBy",
];
/// Fields of the `policies` object (the same as a `simulate` request's).
pub const POLICY_FIELDS: &[&str] = &[
    "identity",
    "session",
    "permissionBoundaries",
    "resource",
    "scps",
    "rcps",
    "vpcEndpoint",
    "managementAccount",
];
/// Fields of an SCP or RCP level.
pub const LEVEL_FIELDS: &[&str] = &["orgIdentifier", "policies"];
/// The decisions a case can expect.
pub const DECISIONS: &[&str] = &["Allowed", "ImplicitlyDenied", "ExplicitlyDenied"];

/// A value with the byte span of its JSON value (quotes included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field<T> {
    pub value: T,
    pub span: Span,
}

/// Which role a policy plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Identity,
    Session,
    PermissionBoundary,
    Resource,
    /// An SCP of the level with this index in [`TestFile::scp_levels`].
    Scp(usize),
    /// An RCP of the level with this index in [`TestFile::rcp_levels`].
    Rcp(usize),
    VpcEndpoint,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A path, relative to the test file's directory.
    Path(String),
    /// A policy written inline; its spans refer to the test file.
    Inline(Node),
}

#[derive(Debug, Clone, PartialEq)]
pub struct PolicyRef {
    pub slot: Slot,
    /// Where it is in the test file: `policies.identity[0]` (the label of inline policies).
    pub place: String,
    pub source: Source,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub index: usize,
    /// The case's `name`, else `case N` (1-based).
    pub name: String,
    /// The case object.
    pub span: Span,
    pub principal: Option<Field<String>>,
    pub action: Option<Field<String>>,
    pub resource: Option<Field<String>>,
    pub resource_account: Option<Field<String>>,
    pub context: Vec<(String, Vec<String>, bool)>,
    pub expect: Option<Field<Decision>>,
    pub decided_by: Option<Field<String>>,
    /// The case has a problem that keeps it from running.
    pub runnable: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TestFile {
    pub policies: Vec<PolicyRef>,
    /// Organization identifiers of the SCP levels, in order.
    pub scp_levels: Vec<String>,
    pub rcp_levels: Vec<String>,
    /// The organization's management account (`policies.managementAccount`).
    pub management_account: Option<String>,
    /// Context shared by every case: key, values, multivalued.
    pub context: Vec<(String, Vec<String>, bool)>,
    /// The default principal of the cases.
    pub principal: Option<Field<String>>,
    pub resource_account: Option<Field<String>>,
    pub cases: Vec<Case>,
    pub problems: Vec<Problem>,
}

impl TestFile {
    /// The paths the test file names, as written.
    pub fn policy_paths(&self) -> impl Iterator<Item = &str> {
        self.policies.iter().filter_map(|p| match &p.source {
            Source::Path(path) => Some(path.as_str()),
            Source::Inline(_) => None,
        })
    }
}

/// Reads a test file's text.
pub fn parse(text: &str) -> TestFile {
    parse_json(&json::parse(text))
}

/// Reads a test file from its JSON tree.
pub fn parse_json(doc: &JsonDocument) -> TestFile {
    let mut file = TestFile::default();
    for e in &doc.syntax_errors {
        file.problems.push(Problem::error(e.span, e.message.clone()));
    }
    let Some(root) = doc.root.as_ref() else {
        return file;
    };
    let Some(obj) = root.value.as_object() else {
        file.problems.push(Problem::error(
            root.span,
            "a policy test file is an object with \"policies\" and \"cases\"",
        ));
        return file;
    };
    unknown_fields(obj, TOP_FIELDS, "the test file", &mut file.problems);
    let mut saw_policies = false;
    let mut saw_cases = false;
    for m in &obj.members {
        let Some(node) = m.value.as_ref() else { continue };
        match m.key.value.as_str() {
            "policies" => {
                saw_policies = true;
                read_policies(node, &mut file);
            }
            "principal" => file.principal = string(node, "principal", &mut file.problems),
            "resourceAccount" => file.resource_account = string(node, "resourceAccount", &mut file.problems),
            "context" => file.context = context(node, "context", &mut file.problems),
            "cases" => {
                saw_cases = true;
                read_cases(node, &mut file);
            }
            "description" | "$schema" => {
                string(node, &m.key.value, &mut file.problems);
            }
            _ => {}
        }
    }
    if !saw_policies && root_closed(root) {
        file.problems.push(Problem::error(
            key_or_start(obj, root),
            "missing \"policies\": which policies to test",
        ));
    }
    if !saw_cases && root_closed(root) {
        file.problems.push(Problem::error(
            key_or_start(obj, root),
            "missing \"cases\": the requests and their expected decisions",
        ));
    }
    file
}

fn root_closed(root: &Node) -> bool {
    root.value.as_object().is_some_and(|o| o.closed)
}

fn key_or_start(obj: &Object, root: &Node) -> Span {
    obj.members.first().map_or(Span::empty(root.span.start), |m| m.key.span)
}

fn type_error(node: &Node, what: &str, expected: &str, problems: &mut Vec<Problem>) {
    problems.push(Problem::error(
        node.span,
        format!("{what}: expected {expected}, found {}", node.value.type_name()),
    ));
}

fn string(node: &Node, what: &str, problems: &mut Vec<Problem>) -> Option<Field<String>> {
    match &node.value {
        Value::String(s) => Some(Field {
            value: s.value.clone(),
            span: node.span,
        }),
        Value::Null => None,
        _ => {
            type_error(node, what, "a string", problems);
            None
        }
    }
}

/// Reports members not in `known`, with the closest known name.
fn unknown_fields(obj: &Object, known: &[&str], what: &str, problems: &mut Vec<Problem>) {
    for m in &obj.members {
        if known.contains(&m.key.value.as_str()) || m.key.value.is_empty() {
            continue;
        }
        let hint = closest(&m.key.value, known).map_or_else(String::new, |c| format!("; did you mean \"{c}\"?"));
        problems.push(Problem::error(
            m.key.span,
            format!("unknown field \"{}\" in {what}{hint}", m.key.value),
        ));
    }
}

/// The known name closest to `name`: equal ignoring case, or within two edits.
fn closest<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    let lower = name.to_ascii_lowercase();
    known
        .iter()
        .map(|k| (distance(&lower, &k.to_ascii_lowercase()), *k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row.first().copied().unwrap_or(0);
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let above = row.get(j + 1).copied().unwrap_or(usize::MAX);
            let left = row.get(j).copied().unwrap_or(usize::MAX);
            let value = (prev + usize::from(ca != *cb))
                .min(above.saturating_add(1))
                .min(left.saturating_add(1));
            prev = above;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = value;
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.value.clone()),
        Value::Number(n) => Some(n.clone()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn context(node: &Node, what: &str, problems: &mut Vec<Problem>) -> Vec<(String, Vec<String>, bool)> {
    let Some(obj) = node.value.as_object() else {
        if node.value != Value::Null {
            type_error(node, what, "an object of context keys", problems);
        }
        return Vec::new();
    };
    let mut out = Vec::new();
    for m in &obj.members {
        let Some(value) = m.value.as_ref() else { continue };
        let expected = "a string, number, boolean or an array of them";
        match &value.value {
            Value::Array(a) => {
                let mut values = Vec::new();
                for item in &a.items {
                    match scalar(&item.value) {
                        Some(s) => values.push(s),
                        None => type_error(item, &format!("{what}.{}", m.key.value), expected, problems),
                    }
                }
                out.push((m.key.value.clone(), values, true));
            }
            Value::Null => {}
            v => match scalar(v) {
                Some(s) => out.push((m.key.value.clone(), vec![s], false)),
                None => type_error(value, &format!("{what}.{}", m.key.value), expected, problems),
            },
        }
    }
    out
}

fn read_policies(node: &Node, file: &mut TestFile) {
    let Some(obj) = node.value.as_object() else {
        type_error(node, "policies", "an object", &mut file.problems);
        return;
    };
    unknown_fields(obj, POLICY_FIELDS, "\"policies\"", &mut file.problems);
    for m in &obj.members {
        let Some(value) = m.value.as_ref() else { continue };
        let name = m.key.value.as_str();
        let place = format!("policies.{name}");
        match name {
            "identity" => policy_list(value, Slot::Identity, &place, file),
            "permissionBoundaries" => policy_list(value, Slot::PermissionBoundary, &place, file),
            "vpcEndpoint" => policy_list(value, Slot::VpcEndpoint, &place, file),
            "session" => single(value, Slot::Session, &place, file),
            "resource" => single(value, Slot::Resource, &place, file),
            "scps" | "rcps" => org_levels(value, name == "scps", &place, file),
            "managementAccount" => match &value.value {
                Value::String(s) => file.management_account = Some(s.value.clone()),
                _ => type_error(value, &place, "a string", &mut file.problems),
            },
            _ => {}
        }
    }
}

fn policy_ref(node: &Node, slot: Slot, place: String, file: &mut TestFile) {
    let source = match &node.value {
        Value::String(s) if s.value.is_empty() => {
            file.problems
                .push(Problem::error(node.span, format!("{place}: empty path")));
            return;
        }
        Value::String(s) => Source::Path(s.value.clone()),
        Value::Object(_) => Source::Inline(node.clone()),
        Value::Null => return,
        _ => {
            type_error(
                node,
                &place,
                "a path string or an inline policy object",
                &mut file.problems,
            );
            return;
        }
    };
    file.policies.push(PolicyRef {
        slot,
        place,
        source,
        span: node.span,
    });
}

fn single(node: &Node, slot: Slot, place: &str, file: &mut TestFile) {
    policy_ref(node, slot, place.to_owned(), file);
}

fn policy_list(node: &Node, slot: Slot, place: &str, file: &mut TestFile) {
    match &node.value {
        Value::Array(a) => {
            for (i, item) in a.items.iter().enumerate() {
                policy_ref(item, slot, format!("{place}[{i}]"), file);
            }
        }
        // One policy where a list is expected: accepted.
        Value::String(_) | Value::Object(_) => policy_ref(node, slot, format!("{place}[0]"), file),
        Value::Null => {}
        _ => type_error(node, place, "an array of policies", &mut file.problems),
    }
}

fn org_levels(node: &Node, scps: bool, place: &str, file: &mut TestFile) {
    let Some(levels) = node.value.as_array() else {
        if node.value != Value::Null {
            type_error(
                node,
                place,
                "an array of {\"orgIdentifier\", \"policies\"} levels",
                &mut file.problems,
            );
        }
        return;
    };
    for (i, level) in levels.items.iter().enumerate() {
        let level_place = format!("{place}[{i}]");
        let Some(obj) = level.value.as_object() else {
            type_error(
                level,
                &level_place,
                "an object with orgIdentifier and policies",
                &mut file.problems,
            );
            continue;
        };
        unknown_fields(obj, LEVEL_FIELDS, &format!("\"{level_place}\""), &mut file.problems);
        let id = obj
            .get("orgIdentifier")
            .and_then(|m| m.value.as_ref())
            .and_then(|n| string(n, &format!("{level_place}.orgIdentifier"), &mut file.problems))
            .map_or_else(|| format!("level {i}"), |f| f.value);
        let index = if scps {
            file.scp_levels.push(id);
            file.scp_levels.len() - 1
        } else {
            file.rcp_levels.push(id);
            file.rcp_levels.len() - 1
        };
        let slot = if scps { Slot::Scp(index) } else { Slot::Rcp(index) };
        if let Some(policies) = obj.get("policies").and_then(|m| m.value.as_ref()) {
            policy_list(policies, slot, &format!("{level_place}.policies"), file);
        }
    }
}

fn read_cases(node: &Node, file: &mut TestFile) {
    let Some(cases) = node.value.as_array() else {
        type_error(node, "cases", "an array of cases", &mut file.problems);
        return;
    };
    for (index, item) in cases.items.iter().enumerate() {
        let Some(obj) = item.value.as_object() else {
            type_error(item, &format!("cases[{index}]"), "a case object", &mut file.problems);
            continue;
        };
        let case = read_case(index, item, obj, file);
        file.cases.push(case);
    }
}

fn member<'o>(obj: &'o Object, name: &str) -> Option<(&'o Member, &'o Node)> {
    obj.members
        .iter()
        .rev()
        .find(|m| m.key.value == name)
        .and_then(|m| m.value.as_ref().map(|n| (m, n)))
}

fn read_case(index: usize, node: &Node, obj: &Object, file: &mut TestFile) -> Case {
    let problems = &mut file.problems;
    let what = format!("cases[{index}]");
    unknown_fields(obj, CASE_FIELDS, "a case", problems);
    let field = |name: &str, problems: &mut Vec<Problem>| {
        member(obj, name).and_then(|(_, n)| string(n, &format!("{what}.{name}"), problems))
    };
    let name = field("name", problems);
    let principal = field("principal", problems);
    let action = field("action", problems);
    let resource = field("resource", problems);
    let resource_account = field("resourceAccount", problems);
    let decided_by = field("decidedBy", problems);
    let _ = field("description", problems);
    let context =
        member(obj, "context").map_or_else(Vec::new, |(_, n)| context(n, &format!("{what}.context"), problems));
    let mut runnable = true;
    let expect = match member(obj, "expect") {
        Some((_, n)) => match &n.value {
            Value::String(s) => match decision(&s.value) {
                Some(d) => Some(Field { value: d, span: n.span }),
                None => {
                    let hint =
                        closest(&s.value, DECISIONS).map_or_else(String::new, |c| format!("; did you mean \"{c}\"?"));
                    problems.push(Problem::error(
                        n.span,
                        format!(
                            "\"{}\" is not a decision: expected Allowed, ImplicitlyDenied or ExplicitlyDenied{hint}",
                            s.value
                        ),
                    ));
                    runnable = false;
                    None
                }
            },
            _ => {
                type_error(
                    n,
                    &format!("{what}.expect"),
                    "Allowed, ImplicitlyDenied or ExplicitlyDenied",
                    problems,
                );
                runnable = false;
                None
            }
        },
        None => None,
    };
    let case_start = Span::empty(node.span.start);
    let anchor = |name: &str| member(obj, name).map_or(case_start, |(m, _)| m.key.span);
    if obj.closed {
        for (present, field_name) in [
            (expect.is_some() || !runnable, "expect"),
            (action.is_some(), "action"),
            (resource.is_some(), "resource"),
            (principal.is_some() || file.principal.is_some(), "principal"),
        ] {
            if !present {
                problems.push(Problem::error(
                    anchor(field_name),
                    format!("{what}: missing \"{field_name}\""),
                ));
                runnable = false;
            }
        }
    }
    if let Some(a) = &action {
        if !a.value.contains(':') || a.value.contains('*') || a.value.contains('?') {
            problems.push(Problem::error(
                a.span,
                format!("expected service:Action without wildcards, found \"{}\"", a.value),
            ));
            runnable = false;
        } else if let Some(message) = unknown_action(&a.value) {
            problems.push(Problem {
                code: codes::UNKNOWN_ACTION,
                severity: Severity::Warning,
                span: a.span,
                message,
            });
        }
    }
    if let Some(r) = &resource
        && r.value.is_empty()
    {
        problems.push(Problem::error(
            r.span,
            "expected an ARN or \"*\", found an empty string",
        ));
        runnable = false;
    }
    if let Some(p) = principal.as_ref().or(file.principal.as_ref())
        && let Err(e) = crate::eval::PrincipalId::parse(&p.value)
    {
        problems.push(Problem::error(p.span, format!("principal: {e}")));
        runnable = false;
    }
    if let (Some(d), Some(e)) = (&decided_by, &expect)
        && e.value == Decision::ImplicitlyDenied
    {
        problems.push(Problem::error(
            d.span,
            "no statement decides an implicit deny: \"decidedBy\" needs Allowed or ExplicitlyDenied",
        ));
    }
    let runnable = runnable && expect.is_some();
    Case {
        index,
        name: name.map_or_else(|| format!("case {}", index + 1), |n| n.value),
        span: node.span,
        principal,
        action,
        resource,
        resource_account,
        context,
        expect,
        decided_by,
        runnable,
    }
}

pub(super) fn decision(s: &str) -> Option<Decision> {
    match s {
        "Allowed" => Some(Decision::Allowed),
        "ImplicitlyDenied" => Some(Decision::ImplicitlyDenied),
        "ExplicitlyDenied" => Some(Decision::ExplicitlyDenied),
        _ => None,
    }
}

/// A message when the catalog does not know the action, with the closest one it knows.
fn unknown_action(action: &str) -> Option<String> {
    let catalog = crate::catalog::catalog();
    if catalog.action(action).is_some() {
        return None;
    }
    let (prefix, _) = action.split_once(':')?;
    let hint = catalog
        .suggest_action(action)
        .map_or_else(String::new, |s| format!("; did you mean \"{s}\"?"));
    if catalog.service(prefix).is_none() {
        let service_hint = catalog
            .suggest_service(prefix)
            .map_or_else(String::new, |s| format!("; did you mean \"{s}\"?"));
        return Some(format!("unknown service \"{prefix}\"{service_hint}"));
    }
    Some(format!("unknown action \"{action}\"{hint}"))
}
