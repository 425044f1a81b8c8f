//! The request file of `iam-policy-ls simulate` (see docs/simulate.md):
//!
//! ```json
//! {"request": {"principal": "...", "action": "...", "resource": "...", "resourceAccount": "...",
//!              "context": {"aws:SourceIp": "203.0.113.7", "aws:TagKeys": ["team", "env"]}},
//!  "policies": {"identity": [POLICY], "session": POLICY, "permissionBoundaries": [POLICY],
//!               "resource": POLICY, "scps": [{"orgIdentifier": "r-root", "policies": [POLICY]}],
//!               "rcps": [...], "vpcEndpoint": [POLICY], "managementAccount": "111122223333"}}
//! ```
//!
//! `POLICY` is an inline policy object (byte spans then refer to the request file) or a path
//! string, resolved by the caller's loader (byte spans then refer to that file). No file I/O
//! here: the loader is a closure.
//!
//! Errors name the bad field (`request.action: expected a string`) or the file and line of a
//! JSON syntax error.

use super::compile::CompiledPolicy;
use super::decide::{OrgLevel, Policies};
use super::request::{Context, PrincipalId, Request};
use crate::json::{self, JsonDocument, Node, Object, Value};

/// A request file read and compiled.
#[derive(Debug, Clone)]
pub struct LoadedRequest {
    pub request: Request,
    pub policies: Policies,
}

/// Loads a policy named by a path string: returns a label for explanations (normally the
/// path as written) and the file's text, or a message.
pub type Loader<'l> = dyn FnMut(&str) -> Result<(String, String), String> + 'l;

/// Reads a request document. `label` names the source in error messages (the file path, or
/// `FILE:LINE` for a batch line).
pub fn load(text: &str, label: &str, loader: &mut Loader<'_>) -> Result<LoadedRequest, String> {
    let doc = json::parse(text);
    check_syntax(&doc, text, label)?;
    let root = doc
        .root
        .as_ref()
        .and_then(|r| r.value.as_object())
        .ok_or_else(|| format!("{label}: expected a JSON object with \"request\" and \"policies\""))?;
    let request_obj =
        object_field(root, "request", "request")?.ok_or_else(|| "request: missing (expected an object)".to_string())?;
    let request = read_request(request_obj)?;
    let policies = match object_field(root, "policies", "policies")? {
        Some(p) => read_policies(p, loader)?,
        None => Policies::default(),
    };
    Ok(LoadedRequest { request, policies })
}

fn check_syntax(doc: &JsonDocument, text: &str, label: &str) -> Result<(), String> {
    match doc.syntax_errors.first() {
        Some(e) => {
            let (line, col) = line_col(text, e.span.start);
            Err(format!("{label}:{line}:{col}: JSON syntax error: {}", e.message))
        }
        None if doc.root.is_none() => Err(format!("{label}: empty document")),
        None => Ok(()),
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn field<'a>(obj: &'a Object, name: &str) -> Option<&'a Node> {
    obj.get(name).and_then(|m| m.value.as_ref())
}

/// An optional object field (`null` counts as absent).
fn object_field<'a>(obj: &'a Object, name: &str, path: &str) -> Result<Option<&'a Object>, String> {
    match field(obj, name).map(|n| &n.value) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        Some(other) => Err(format!("{path}: expected an object, found {}", other.type_name())),
    }
}

fn string_field<'a>(obj: &'a Object, name: &str, path: &str, required: bool) -> Result<Option<&'a str>, String> {
    match field(obj, name).map(|n| &n.value) {
        None | Some(Value::Null) if !required => Ok(None),
        None | Some(Value::Null) => Err(format!("{path}: missing (expected a string)")),
        Some(Value::String(s)) => Ok(Some(s.value.as_str())),
        Some(other) => Err(format!("{path}: expected a string, found {}", other.type_name())),
    }
}

fn read_request(obj: &Object) -> Result<Request, String> {
    let principal = string_field(obj, "principal", "request.principal", true)?.unwrap_or("");
    let principal = PrincipalId::parse(principal).map_err(|e| format!("request.principal: {e}"))?;
    let action = string_field(obj, "action", "request.action", true)?.unwrap_or("");
    if !action.contains(':') || action.contains('*') || action.contains('?') {
        return Err(format!(
            "request.action: expected service:Action without wildcards, found \"{action}\""
        ));
    }
    let resource = string_field(obj, "resource", "request.resource", true)?.unwrap_or("");
    if resource.is_empty() {
        return Err("request.resource: expected an ARN or \"*\", found an empty string".into());
    }
    let account = string_field(obj, "resourceAccount", "request.resourceAccount", false)?;
    let mut context = Context::new();
    if let Some(ctx) = object_field(obj, "context", "request.context")? {
        for m in &ctx.members {
            let path = format!("request.context.{}", m.key.value);
            match m.value.as_ref().map(|n| &n.value) {
                Some(Value::Array(a)) => {
                    let values = a
                        .items
                        .iter()
                        .map(|n| scalar(&n.value).ok_or_else(|| expected_scalar(&path, &n.value)))
                        .collect::<Result<Vec<_>, _>>()?;
                    context.insert_multi(&m.key.value, values);
                }
                Some(v) => {
                    let s = scalar(v).ok_or_else(|| expected_scalar(&path, v))?;
                    context.insert(&m.key.value, s);
                }
                None => return Err(format!("{path}: missing value")),
            }
        }
    }
    Ok(Request::new(principal, action, resource, account, context))
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.value.clone()),
        Value::Number(n) => Some(n.clone()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn expected_scalar(path: &str, v: &Value) -> String {
    format!(
        "{path}: expected a string, number, boolean or an array of them, found {}",
        v.type_name()
    )
}

fn read_policies(obj: &Object, loader: &mut Loader<'_>) -> Result<Policies, String> {
    Ok(Policies {
        identity: policy_list(obj, "identity", loader)?,
        session: single_policy(obj, "session", loader)?,
        permission_boundaries: policy_list(obj, "permissionBoundaries", loader)?,
        resource: single_policy(obj, "resource", loader)?,
        scps: org_levels(obj, "scps", loader)?,
        rcps: org_levels(obj, "rcps", loader)?,
        vpc_endpoint: policy_list(obj, "vpcEndpoint", loader)?,
        management_account: string_field(obj, "managementAccount", "policies.managementAccount", false)?
            .map(str::to_owned),
    })
}

fn policy(node: &Node, path: &str, loader: &mut Loader<'_>) -> Result<CompiledPolicy, String> {
    match &node.value {
        Value::Object(_) => {
            // The subtree keeps its spans, which refer to the request file.
            let doc = JsonDocument {
                root: Some(node.clone()),
                ..JsonDocument::default()
            };
            Ok(CompiledPolicy::compile(path, &doc))
        }
        Value::String(s) => {
            let (label, text) = loader(&s.value).map_err(|e| format!("{path}: {e}"))?;
            let doc = json::parse(&text);
            check_syntax(&doc, &text, &label)?;
            if doc.root.as_ref().and_then(|r| r.value.as_object()).is_none() {
                return Err(format!("{label}: expected a policy object"));
            }
            Ok(CompiledPolicy::compile(label, &doc))
        }
        other => Err(format!(
            "{path}: expected a policy object or a path string, found {}",
            other.type_name()
        )),
    }
}

fn single_policy(obj: &Object, name: &str, loader: &mut Loader<'_>) -> Result<Option<CompiledPolicy>, String> {
    let path = format!("policies.{name}");
    match field(obj, name) {
        None => Ok(None),
        Some(n) if n.value == Value::Null => Ok(None),
        Some(n) => policy(n, &path, loader).map(Some),
    }
}

fn array<'a>(obj: &'a Object, name: &str, path: &str) -> Result<&'a [Node], String> {
    match field(obj, name).map(|n| &n.value) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(a)) => Ok(&a.items),
        Some(other) => Err(format!("{path}: expected an array, found {}", other.type_name())),
    }
}

fn policy_list(obj: &Object, name: &str, loader: &mut Loader<'_>) -> Result<Vec<CompiledPolicy>, String> {
    let path = format!("policies.{name}");
    array(obj, name, &path)?
        .iter()
        .enumerate()
        .map(|(i, n)| policy(n, &format!("{path}[{i}]"), loader))
        .collect()
}

fn org_levels(obj: &Object, name: &str, loader: &mut Loader<'_>) -> Result<Vec<OrgLevel>, String> {
    let path = format!("policies.{name}");
    let mut levels = Vec::new();
    for (i, n) in array(obj, name, &path)?.iter().enumerate() {
        let level_path = format!("{path}[{i}]");
        let level = n
            .value
            .as_object()
            .ok_or_else(|| format!("{level_path}: expected an object with orgIdentifier and policies"))?;
        let id = string_field(level, "orgIdentifier", &format!("{level_path}.orgIdentifier"), true)?.unwrap_or("");
        let policies_path = format!("{level_path}.policies");
        let policies = array(level, "policies", &policies_path)?
            .iter()
            .enumerate()
            .map(|(j, p)| policy(p, &format!("{policies_path}[{j}]"), loader))
            .collect::<Result<Vec<_>, _>>()?;
        levels.push(OrgLevel {
            org_identifier: id.to_string(),
            policies,
        });
    }
    Ok(levels)
}
