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
//! `POLICY` is an inline policy object (byte spans then refer to the request text) or a path
//! string, resolved by the caller's loader (byte spans then refer to that file). No file I/O
//! here: the loader is a closure.
//!
//! The request document is read with serde_json, keeping every value as its raw text: an inline
//! policy is compiled from its own slice of the request (through a [`PolicyCache`], so a batch
//! of lines that repeat a policy compiles it once) and its ranges are shifted to where the slice
//! starts. Errors name the bad field (`request.action: expected a string, found a number`) or
//! the file, line and column of a JSON syntax error.

use super::cache::PolicyCache;
use super::compile::CompiledPolicy;
use super::decide::{OrgLevel, Policies};
use super::request::{Context, PrincipalId, Request};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::sync::Arc;

/// A request file read and compiled.
#[derive(Debug, Clone)]
pub struct LoadedRequest {
    pub request: Request,
    pub policies: Policies,
}

/// Loads a policy named by a path string: returns a label for explanations (normally the
/// path as written) and the file's text, or a message.
pub type Loader<'l> = dyn FnMut(&str) -> Result<(String, Arc<str>), String> + 'l;

/// Reads a request document. `label` names the source in error messages (the file path, or
/// `FILE:LINE` for a batch line).
pub fn load(text: &str, label: &str, loader: &mut Loader<'_>) -> Result<LoadedRequest, String> {
    load_cached(text, label, loader, &PolicyCache::new())
}

/// [`load`], compiling policies through `cache`.
pub fn load_cached(
    text: &str,
    label: &str,
    loader: &mut Loader<'_>,
    cache: &PolicyCache,
) -> Result<LoadedRequest, String> {
    // One typed pass for documents of the right shape; anything else takes the field-by-field
    // path below, which finds the first wrong field and names it.
    if let Ok(file) = serde_json::from_str::<FileFast<'_>>(text)
        && text.trim_start().starts_with('{')
        && let Some(loaded) = load_fast(file, text, loader, cache)
    {
        return loaded;
    }
    load_checked(text, label, loader, cache)
}

fn load_checked(
    text: &str,
    label: &str,
    loader: &mut Loader<'_>,
    cache: &PolicyCache,
) -> Result<LoadedRequest, String> {
    let file: FileRaw<'_> = serde_json::from_str(text).map_err(|e| document_error(&e, text, label))?;
    // serde would also read a struct from an array.
    if !text.trim_start().starts_with('{') {
        return Err(format!(
            "{label}: expected a JSON object with \"request\" and \"policies\""
        ));
    }
    let request = match file.request {
        Some(r) => read_request(r)?,
        None => return Err("request: missing (expected an object)".into()),
    };
    let mut reader = PolicyReader { text, loader, cache };
    let policies = match file.policies {
        Some(p) => reader.policies(p)?,
        None => Policies::default(),
    };
    Ok(LoadedRequest { request, policies })
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The request document when every field has the expected JSON type.
#[derive(Deserialize)]
struct FileFast<'a> {
    #[serde(borrow)]
    request: RequestFast<'a>,
    #[serde(borrow, default)]
    policies: Option<PoliciesFast<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RequestFast<'a> {
    #[serde(borrow)]
    principal: Cow<'a, str>,
    #[serde(borrow)]
    action: Cow<'a, str>,
    #[serde(borrow)]
    resource: Cow<'a, str>,
    #[serde(borrow, default)]
    resource_account: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    context: Option<ContextEntries<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PoliciesFast<'a> {
    #[serde(borrow, default)]
    identity: Option<Vec<&'a RawValue>>,
    #[serde(borrow, default)]
    session: Option<&'a RawValue>,
    #[serde(borrow, default)]
    permission_boundaries: Option<Vec<&'a RawValue>>,
    #[serde(borrow, default)]
    resource: Option<&'a RawValue>,
    #[serde(borrow, default)]
    scps: Option<Vec<LevelFast<'a>>>,
    #[serde(borrow, default)]
    rcps: Option<Vec<LevelFast<'a>>>,
    #[serde(borrow, default)]
    vpc_endpoint: Option<Vec<&'a RawValue>>,
    #[serde(borrow, default)]
    management_account: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LevelFast<'a> {
    #[serde(borrow)]
    org_identifier: Cow<'a, str>,
    #[serde(borrow, default)]
    policies: Option<Vec<&'a RawValue>>,
}

/// Reads a well-typed document; `None` when a value is not what the format allows (the checked
/// path then names it), `Some(Err)` for errors the checked path would give the same way.
fn load_fast(
    file: FileFast<'_>,
    text: &str,
    loader: &mut Loader<'_>,
    cache: &PolicyCache,
) -> Option<Result<LoadedRequest, String>> {
    let r = file.request;
    let principal = PrincipalId::parse(&r.principal).ok()?;
    let action = r.action.as_ref();
    if !action.contains(':') || action.contains('*') || action.contains('?') || r.resource.is_empty() {
        return None;
    }
    let mut context = Context::new();
    for (key, value) in r.context.map(|c| c.0).unwrap_or_default() {
        if value.get().starts_with('[') {
            let values = serde_json::from_str::<Vec<&RawValue>>(value.get()).ok()?;
            context.insert_multi(&key, values.into_iter().map(scalar).collect::<Option<Vec<_>>>()?);
        } else {
            context.insert(&key, scalar(value)?);
        }
    }
    let request = Request::new(principal, action, &r.resource, r.resource_account.as_deref(), context);
    let Some(p) = file.policies else {
        return Some(Ok(LoadedRequest {
            request,
            policies: Policies::default(),
        }));
    };
    let mut reader = PolicyReader { text, loader, cache };
    let identity = reader.fast_list(p.identity, "policies.identity")?;
    let session = reader.fast_single(p.session, "policies.session")?;
    let permission_boundaries = reader.fast_list(p.permission_boundaries, "policies.permissionBoundaries")?;
    let resource = reader.fast_single(p.resource, "policies.resource")?;
    let scps = reader.fast_levels(p.scps, "policies.scps")?;
    let rcps = reader.fast_levels(p.rcps, "policies.rcps")?;
    let vpc_endpoint = reader.fast_list(p.vpc_endpoint, "policies.vpcEndpoint")?;
    // The first error in document order, as the checked path reports it.
    Some((|| {
        Ok(LoadedRequest {
            request,
            policies: Policies {
                identity: identity?,
                session: session?,
                permission_boundaries: permission_boundaries?,
                resource: resource?,
                scps: scps?,
                rcps: rcps?,
                vpc_endpoint: vpc_endpoint?,
                management_account: p.management_account.map(Cow::into_owned),
            },
        })
    })())
}

/// For the typed pass: `None` when a value has a type the format does not allow.
impl PolicyReader<'_, '_> {
    fn fast_policy(&mut self, raw: &RawValue, path: &str) -> Option<Result<CompiledPolicy, String>> {
        matches!(raw.get().as_bytes().first(), Some(b'{' | b'"')).then(|| self.policy(raw, path))
    }

    fn fast_single(&mut self, raw: Option<&RawValue>, path: &str) -> Option<Result<Option<CompiledPolicy>, String>> {
        match raw {
            None => Some(Ok(None)),
            Some(r) if is_null(r) => Some(Ok(None)),
            Some(r) => self.fast_policy(r, path).map(|p| p.map(Some)),
        }
    }

    fn fast_list(&mut self, raws: Option<Vec<&RawValue>>, path: &str) -> Option<Result<Vec<CompiledPolicy>, String>> {
        let mut out = Vec::new();
        for (i, raw) in raws.unwrap_or_default().into_iter().enumerate() {
            match self.fast_policy(raw, &format!("{path}[{i}]"))? {
                Ok(policy) => out.push(policy),
                Err(e) => return Some(Err(e)),
            }
        }
        Some(Ok(out))
    }

    fn fast_levels(&mut self, raws: Option<Vec<LevelFast<'_>>>, path: &str) -> Option<Result<Vec<OrgLevel>, String>> {
        let mut out = Vec::new();
        for (i, level) in raws.unwrap_or_default().into_iter().enumerate() {
            match self.fast_list(level.policies, &format!("{path}[{i}].policies"))? {
                Ok(policies) => out.push(OrgLevel {
                    org_identifier: level.org_identifier.into_owned(),
                    policies,
                }),
                Err(e) => return Some(Err(e)),
            }
        }
        Some(Ok(out))
    }
}

#[derive(Deserialize)]
struct FileRaw<'a> {
    #[serde(borrow, default)]
    request: Option<&'a RawValue>,
    #[serde(borrow, default)]
    policies: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RequestRaw<'a> {
    #[serde(borrow, default)]
    principal: Option<&'a RawValue>,
    #[serde(borrow, default)]
    action: Option<&'a RawValue>,
    #[serde(borrow, default)]
    resource: Option<&'a RawValue>,
    #[serde(borrow, default)]
    resource_account: Option<&'a RawValue>,
    #[serde(borrow, default)]
    context: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PoliciesRaw<'a> {
    #[serde(borrow, default)]
    identity: Option<&'a RawValue>,
    #[serde(borrow, default)]
    session: Option<&'a RawValue>,
    #[serde(borrow, default)]
    permission_boundaries: Option<&'a RawValue>,
    #[serde(borrow, default)]
    resource: Option<&'a RawValue>,
    #[serde(borrow, default)]
    scps: Option<&'a RawValue>,
    #[serde(borrow, default)]
    rcps: Option<&'a RawValue>,
    #[serde(borrow, default)]
    vpc_endpoint: Option<&'a RawValue>,
    #[serde(borrow, default)]
    management_account: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LevelRaw<'a> {
    #[serde(borrow, default)]
    org_identifier: Option<&'a RawValue>,
    #[serde(borrow, default)]
    policies: Option<&'a RawValue>,
}

/// What the document as a whole got wrong.
fn document_error(e: &serde_json::Error, text: &str, label: &str) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Eof if text.trim().is_empty() => format!("{label}: empty document"),
        Category::Syntax | Category::Eof => format!(
            "{label}:{}:{}: JSON syntax error: {}",
            e.line(),
            e.column(),
            without_position(e)
        ),
        _ if !text.trim_start().starts_with('{') => {
            format!("{label}: expected a JSON object with \"request\" and \"policies\"")
        }
        _ => format!("{label}: {}", without_position(e)),
    }
}

/// serde_json's message without its " at line L column C" (we print the position ourselves).
fn without_position(e: &serde_json::Error) -> String {
    let message = e.to_string();
    match message.rfind(" at line ") {
        Some(i) => message.get(..i).unwrap_or(&message).to_string(),
        None => message,
    }
}

/// The JSON type of a raw value, named as messages name it.
fn type_name(raw: &RawValue) -> &'static str {
    match raw.get().as_bytes().first() {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

fn is_null(raw: &RawValue) -> bool {
    raw.get() == "null"
}

/// Deserializes a value whose JSON type was checked first; the error cannot happen for valid
/// raw JSON of that type, but is reported rather than trusted.
fn parse<'a, T: Deserialize<'a>>(raw: &'a RawValue, path: &str) -> Result<T, String> {
    serde_json::from_str(raw.get()).map_err(|e| format!("{path}: {}", without_position(&e)))
}

fn object<'a, T: Deserialize<'a>>(raw: Option<&'a RawValue>, path: &str) -> Result<Option<T>, String> {
    match raw {
        None => Ok(None),
        Some(r) if is_null(r) => Ok(None),
        Some(r) if r.get().starts_with('{') => parse(r, path).map(Some),
        Some(r) => Err(format!("{path}: expected an object, found {}", type_name(r))),
    }
}

fn string(raw: Option<&RawValue>, path: &str, required: bool) -> Result<Option<String>, String> {
    match raw {
        None if required => Err(format!("{path}: missing (expected a string)")),
        Some(r) if is_null(r) && required => Err(format!("{path}: missing (expected a string)")),
        None => Ok(None),
        Some(r) if is_null(r) => Ok(None),
        Some(r) if r.get().starts_with('"') => parse(r, path).map(Some),
        Some(r) => Err(format!("{path}: expected a string, found {}", type_name(r))),
    }
}

fn array<'a>(raw: Option<&'a RawValue>, path: &str) -> Result<Vec<&'a RawValue>, String> {
    match raw {
        None => Ok(Vec::new()),
        Some(r) if is_null(r) => Ok(Vec::new()),
        Some(r) if r.get().starts_with('[') => parse(r, path),
        Some(r) => Err(format!("{path}: expected an array, found {}", type_name(r))),
    }
}

fn read_request(raw: &RawValue) -> Result<Request, String> {
    let Some(fields) = object::<RequestRaw<'_>>(Some(raw), "request")? else {
        return Err("request: missing (expected an object)".into());
    };
    let principal = string(fields.principal, "request.principal", true)?.unwrap_or_default();
    let principal = PrincipalId::parse(&principal).map_err(|e| format!("request.principal: {e}"))?;
    let action = string(fields.action, "request.action", true)?.unwrap_or_default();
    if !action.contains(':') || action.contains('*') || action.contains('?') {
        return Err(format!(
            "request.action: expected service:Action without wildcards, found \"{action}\""
        ));
    }
    let resource = string(fields.resource, "request.resource", true)?.unwrap_or_default();
    if resource.is_empty() {
        return Err("request.resource: expected an ARN or \"*\", found an empty string".into());
    }
    let account = string(fields.resource_account, "request.resourceAccount", false)?;
    let mut context = Context::new();
    let entries: Option<Vec<(String, &RawValue)>> = match fields.context {
        None => None,
        Some(r) if is_null(r) => None,
        // In document order; a later duplicate key replaces an earlier one.
        Some(r) if r.get().starts_with('{') => Some(context_entries(r)?),
        Some(r) => return Err(format!("request.context: expected an object, found {}", type_name(r))),
    };
    for (key, value) in entries.into_iter().flatten() {
        let path = format!("request.context.{key}");
        if value.get().starts_with('[') {
            let values = parse::<Vec<&RawValue>>(value, &path)?
                .into_iter()
                .map(|v| scalar(v).ok_or_else(|| expected_scalar(&path, v)))
                .collect::<Result<Vec<_>, _>>()?;
            context.insert_multi(&key, values);
        } else {
            let s = scalar(value).ok_or_else(|| expected_scalar(&path, value))?;
            context.insert(&key, s);
        }
    }
    Ok(Request::new(principal, &action, &resource, account.as_deref(), context))
}

/// The members of the context object, in document order, values kept raw.
struct ContextEntries<'a>(Vec<(String, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for ContextEntries<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for Visit<'a> {
            type Value = ContextEntries<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(self, mut map: M) -> Result<ContextEntries<'a>, M::Error> {
                let mut out = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, &'de RawValue>()? {
                    out.push((key, value));
                }
                Ok(ContextEntries(out))
            }
        }
        d.deserialize_map(Visit(std::marker::PhantomData))
    }
}

fn context_entries(raw: &RawValue) -> Result<Vec<(String, &RawValue)>, String> {
    parse::<ContextEntries<'_>>(raw, "request.context").map(|e| e.0)
}

/// A context value: a string, a number (as written) or a boolean.
fn scalar(raw: &RawValue) -> Option<String> {
    match raw.get().as_bytes().first()? {
        b'"' => serde_json::from_str::<String>(raw.get()).ok(),
        b't' | b'f' | b'-' | b'0'..=b'9' => Some(raw.get().to_string()),
        _ => None,
    }
}

fn expected_scalar(path: &str, raw: &RawValue) -> String {
    format!(
        "{path}: expected a string, number, boolean or an array of them, found {}",
        type_name(raw)
    )
}

struct PolicyReader<'r, 'l> {
    /// The request text: inline policies are slices of it.
    text: &'r str,
    loader: &'r mut Loader<'l>,
    cache: &'r PolicyCache,
}

impl PolicyReader<'_, '_> {
    fn policies(&mut self, raw: &RawValue) -> Result<Policies, String> {
        let Some(fields) = object::<PoliciesRaw<'_>>(Some(raw), "policies")? else {
            return Ok(Policies::default());
        };
        Ok(Policies {
            identity: self.list(fields.identity, "policies.identity")?,
            session: self.single(fields.session, "policies.session")?,
            permission_boundaries: self.list(fields.permission_boundaries, "policies.permissionBoundaries")?,
            resource: self.single(fields.resource, "policies.resource")?,
            scps: self.levels(fields.scps, "policies.scps")?,
            rcps: self.levels(fields.rcps, "policies.rcps")?,
            vpc_endpoint: self.list(fields.vpc_endpoint, "policies.vpcEndpoint")?,
            management_account: string(fields.management_account, "policies.managementAccount", false)?,
        })
    }

    fn policy(&mut self, raw: &RawValue, path: &str) -> Result<CompiledPolicy, String> {
        let slice = raw.get();
        match slice.as_bytes().first() {
            Some(b'{') => {
                // The slice borrows from the request text: its offset there shifts the ranges.
                let offset = (slice.as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize);
                self.cache.compile(path, slice, offset).map_err(|e| e.render(path))
            }
            Some(b'"') => {
                let file: String = parse(raw, path)?;
                let (label, text) = (self.loader)(&file).map_err(|e| format!("{path}: {e}"))?;
                self.cache.compile_shared(&label, &text).map_err(|e| e.render(&label))
            }
            _ => Err(format!(
                "{path}: expected a policy object or a path string, found {}",
                type_name(raw)
            )),
        }
    }

    fn single(&mut self, raw: Option<&RawValue>, path: &str) -> Result<Option<CompiledPolicy>, String> {
        match raw {
            None => Ok(None),
            Some(r) if is_null(r) => Ok(None),
            Some(r) => self.policy(r, path).map(Some),
        }
    }

    fn list(&mut self, raw: Option<&RawValue>, path: &str) -> Result<Vec<CompiledPolicy>, String> {
        array(raw, path)?
            .into_iter()
            .enumerate()
            .map(|(i, r)| self.policy(r, &format!("{path}[{i}]")))
            .collect()
    }

    fn levels(&mut self, raw: Option<&RawValue>, path: &str) -> Result<Vec<OrgLevel>, String> {
        let mut levels = Vec::new();
        for (i, r) in array(raw, path)?.into_iter().enumerate() {
            let level_path = format!("{path}[{i}]");
            if !r.get().starts_with('{') {
                return Err(format!(
                    "{level_path}: expected an object with orgIdentifier and policies"
                ));
            }
            let level: LevelRaw<'_> = parse(r, &level_path)?;
            let id = string(level.org_identifier, &format!("{level_path}.orgIdentifier"), true)?.unwrap_or_default();
            let policies = self.list(level.policies, &format!("{level_path}.policies"))?;
            levels.push(OrgLevel {
                org_identifier: id,
                policies,
            });
        }
        Ok(levels)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_files(p: &str) -> Result<(String, Arc<str>), String> {
        Err(format!("no file {p}"))
    }

    #[test]
    fn errors_name_the_field_or_the_position() {
        let err = |text: &str| load(text, "req.json", &mut no_files).unwrap_err();
        assert_eq!(
            err(r#"{"request": {"principal": "anonymous", "action": 3, "resource": "*"}}"#),
            "request.action: expected a string, found a number"
        );
        assert!(
            err("{\n  \"request\": {,\n}").starts_with("req.json:2:"),
            "{}",
            err("{\n \"request\": {,\n}")
        );
        assert_eq!(err(""), "req.json: empty document");
        assert_eq!(
            err("[1]"),
            "req.json: expected a JSON object with \"request\" and \"policies\""
        );
        assert_eq!(err(r#"{"policies": {}}"#), "request: missing (expected an object)");
        let bad_policy = r#"{"request": {"principal": "anonymous", "action": "s3:GetObject", "resource": "*"},
            "policies": {"scps": [{"orgIdentifier": "r", "policies": [7]}]}}"#;
        assert_eq!(
            err(bad_policy),
            "policies.scps[0].policies[0]: expected a policy object or a path string, found a number"
        );
        let bad_context = r#"{"request": {"principal": "anonymous", "action": "s3:GetObject", "resource": "*",
            "context": {"k": {"nested": 1}}}}"#;
        assert!(err(bad_context).starts_with("request.context.k: expected a string, number"));
    }

    #[test]
    fn context_keeps_numbers_as_written_and_arrays_as_multivalued() {
        let text = r#"{"request": {"principal": "anonymous", "action": "s3:ListBucket", "resource": "*",
            "context": {"s3:max-keys": 10.50, "aws:SecureTransport": true, "aws:TagKeys": ["a", "b"]}}}"#;
        let loaded = load(text, "req.json", &mut no_files).unwrap();
        let ctx = &loaded.request.context;
        assert_eq!(ctx.get("s3:max-keys").unwrap().values, vec!["10.50"]);
        assert_eq!(ctx.get("aws:securetransport").unwrap().values, vec!["true"]);
        let tags = ctx.get("aws:TagKeys").unwrap();
        assert!(tags.multivalued);
        assert_eq!(tags.values, vec!["a", "b"]);
    }

    #[test]
    fn inline_policy_ranges_refer_to_the_request_text() {
        let text = r#"{"request": {"principal": "arn:aws:iam::111122223333:user/a", "action": "s3:GetObject", "resource": "*"},
 "policies": {"identity": [{"Version": "2012-10-17", "Statement": [{"Sid": "S", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}]}}"#;
        let loaded = load(text, "req.json", &mut no_files).unwrap();
        let e = super::super::explain(&loaded.policies, &loaded.request);
        let x = e.explanation.unwrap();
        let st = &x.layers.iter().find(|l| !l.statements.is_empty()).unwrap().statements[0];
        assert_eq!(st.policy, "policies.identity[0]");
        assert!(text[st.range.start..st.range.end].starts_with(r#"{"Sid": "S""#));
    }
}
