//! Hosts: the files policies live in. A CloudFormation or SAM template (YAML or JSON) or a
//! Terraform file holds policy documents at known places; each host finds them and hands each
//! on as the same spanned value tree a JSON policy has, with spans into the host text, so the
//! checks, completion, hover and the evaluator never learn where a policy came from.
//!
//! Values only known at deploy time (`!Ref`, `!GetAtt`, `${AWS::AccountId}`, `${var.name}`)
//! read as strings holding a stand-in ([`strings::UNKNOWN`]) whose source span is recorded;
//! findings that touch one are dropped (see [`EmbeddedPolicy::unknown`]).

pub mod cfn;
pub mod embedded_json;
pub mod render;
pub mod strings;
pub mod terraform;
pub mod yaml;

use crate::json::{JsonDocument, SyntaxError};
use crate::policy_type::PolicyType;
use crate::span::Span;

/// The kinds of files that hold policies besides plain JSON policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HostKind {
    CloudFormationYaml,
    CloudFormationJson,
    Terraform,
}

impl HostKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HostKind::CloudFormationYaml => "cloudformation-yaml",
            HostKind::CloudFormationJson => "cloudformation-json",
            HostKind::Terraform => "terraform",
        }
    }
}

/// How values are written where a policy stands: what a fix or a completion must write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Syntax {
    /// JSON (a JSON template, or JSON text inside a string the host can edit as JSON).
    Json,
    /// JSON inside a Terraform heredoc: `${` starts an interpolation there.
    HeredocJson,
    /// YAML mappings and sequences.
    Yaml,
    /// HCL expressions (`jsonencode({ Version = "2012-10-17" })`).
    Hcl,
    /// The blocks of Terraform's `aws_iam_policy_document` data source.
    HclBlocks,
    /// A policy inside a quoted string of the host: read, but not edited by fixes.
    Quoted,
}

/// One policy document found in a host.
#[derive(Debug, Clone)]
pub struct EmbeddedPolicy {
    /// The policy's value tree, spans in host coordinates. Its syntax errors are the host's
    /// errors inside the policy (or the JSON errors of a policy written as JSON text).
    pub json: JsonDocument,
    /// The policy document's byte range in the host.
    pub span: Span,
    /// Where it is, in the host's terms: `Resources.AppRole.Properties.Policies[0].PolicyDocument`,
    /// `data.aws_iam_policy_document.read`, `aws_iam_role.app.assume_role_policy`.
    pub pointer: String,
    /// The type that follows from where the policy stands, if any.
    pub policy_type: Option<PolicyType>,
    /// Why: `AssumeRolePolicyDocument of AWS::IAM::Role`.
    pub type_reason: Option<String>,
    pub syntax: Syntax,
    /// Host spans of values only known at deploy time, sorted by start.
    pub unknown: Vec<Span>,
    /// Statements may be added from elsewhere at deploy time (Terraform's
    /// `source_policy_documents`, `dynamic "statement"`): checks that need every statement of
    /// the policy stay quiet.
    pub partial: bool,
}

impl EmbeddedPolicy {
    /// Moves every span of the policy by `delta` bytes (text was inserted or removed before it).
    pub fn shift(&mut self, delta: isize) {
        let at = |o: usize| o.saturating_add_signed(delta);
        let span = |s: &mut Span| *s = Span::new(at(s.start), at(s.end));
        span(&mut self.span);
        self.unknown.iter_mut().for_each(span);
        for e in &mut self.json.syntax_errors {
            span(&mut e.span);
        }
        for d in &mut self.json.duplicate_keys {
            span(&mut d.first);
            span(&mut d.duplicate);
        }
        let string = |s: &mut crate::json::JsonString| {
            span(&mut s.span);
            if let Some(h) = s.host.as_mut() {
                span(&mut h.content);
                for p in &mut h.pieces {
                    span(&mut p.source);
                }
            }
        };
        let mut stack: Vec<&mut crate::json::Node> = self.json.root.iter_mut().collect();
        while let Some(node) = stack.pop() {
            span(&mut node.span);
            match &mut node.value {
                crate::json::Value::Object(o) => {
                    for m in &mut o.members {
                        string(&mut m.key);
                        stack.extend(m.value.as_mut());
                    }
                }
                crate::json::Value::Array(a) => stack.extend(a.items.iter_mut()),
                crate::json::Value::String(s) => string(s),
                _ => {}
            }
        }
    }

    /// Whether a host span touches a value only known at deploy time.
    pub fn touches_unknown(&self, span: Span) -> bool {
        let i = self.unknown.partition_point(|u| u.end <= span.start);
        self.unknown
            .get(i..)
            .unwrap_or_default()
            .iter()
            .take_while(|u| u.start <= span.end)
            .any(|u| {
                // Overlap, or an empty span at the boundary of an unknown value.
                (u.start < span.end && span.start < u.end)
                    || (span.is_empty() && u.start <= span.start && span.start <= u.end)
            })
    }
}

/// Everything a host holds.
#[derive(Debug, Clone, Default)]
pub struct HostDocument {
    pub policies: Vec<EmbeddedPolicy>,
    /// The host's syntax errors (YAML, HCL, JSON). Only those inside a policy are reported,
    /// through that policy; the rest is the business of the host's own tools.
    pub errors: Vec<SyntaxError>,
    /// A CloudFormation template's resources (logical id, range of the entry), so that an edit
    /// inside one resource re-reads only that resource ([`rescan_yaml`]).
    pub resources: Vec<(String, Span)>,
}

/// Recognises a host by content (and, for Terraform, by name): a CloudFormation/SAM template
/// has `AWSTemplateFormatVersion`, or `Resources` whose entries have `Type: AWS::...`, or a SAM
/// `Transform`; a Terraform file is named `*.tf`.
pub fn detect(path: Option<&str>, text: &str) -> Option<HostKind> {
    let name = path.map(|p| p.rsplit(['/', '\\']).next().unwrap_or(p).to_ascii_lowercase());
    if let Some(name) = &name
        && name.ends_with(".tf")
    {
        return Some(HostKind::Terraform);
    }
    if cfn::looks_like_template(text) {
        let json = text.trim_start_matches('\u{feff}').trim_start().starts_with('{');
        return Some(if json {
            HostKind::CloudFormationJson
        } else {
            HostKind::CloudFormationYaml
        });
    }
    None
}

/// The tree-sitter grammar a host is parsed with.
pub fn language(kind: HostKind) -> tree_sitter::Language {
    match kind {
        HostKind::CloudFormationYaml => tree_sitter_yaml::LANGUAGE.into(),
        HostKind::CloudFormationJson => tree_sitter_json::LANGUAGE.into(),
        HostKind::Terraform => tree_sitter_hcl::LANGUAGE.into(),
    }
}

/// Whether `text` can be given to the grammar of `kind`: tree-sitter-yaml aborts the process
/// on indentation hundreds of levels deep (see [`yaml::safe_to_parse`]). Callers that parse
/// themselves must ask first.
pub fn safe_to_parse(kind: HostKind, text: &str) -> bool {
    kind != HostKind::CloudFormationYaml || yaml::safe_to_parse(text)
}

/// Parses `text` as a host of `kind` and finds its policies (for callers that keep no tree).
pub fn parse(kind: HostKind, text: &str) -> HostDocument {
    if !safe_to_parse(kind, text) {
        return HostDocument::default();
    }
    let mut parser = tree_sitter::Parser::new();
    if parser.set_language(&language(kind)).is_err() {
        return HostDocument::default();
    }
    match parser.parse(text, None) {
        Some(tree) => scan(kind, text, &tree),
        None => HostDocument::default(),
    }
}

/// Finds the policies of a host from its syntax tree.
pub fn scan(kind: HostKind, text: &str, tree: &tree_sitter::Tree) -> HostDocument {
    scan_tree(kind, text, tree).unwrap_or_default()
}

/// Finds the policies of a host from its syntax tree; `None` when the text is not a host of
/// that kind (JSON or YAML that is no template).
pub fn scan_tree(kind: HostKind, text: &str, tree: &tree_sitter::Tree) -> Option<HostDocument> {
    match kind {
        HostKind::CloudFormationJson => {
            let doc = crate::json::build(text, tree);
            scan_json(text, &doc)
        }
        HostKind::CloudFormationYaml => {
            let (documents, errors) = yaml::read_template(text, tree, cfn::reads_property);
            let mut out: Option<HostDocument> = None;
            for document in &documents {
                let Some(root) = document.root.as_ref().filter(|r| cfn::is_template(r)) else {
                    continue;
                };
                let inside: Vec<SyntaxError> = errors
                    .iter()
                    .filter(|e| document.span.contains_span(e.span))
                    .cloned()
                    .collect();
                let found = cfn::scan(text, root, Syntax::Yaml, inside);
                let out = out.get_or_insert_with(HostDocument::default);
                out.policies.extend(found.policies);
                out.errors.extend(found.errors);
                out.resources.extend(found.resources);
            }
            out
        }
        HostKind::Terraform => Some(terraform::scan(text, tree)),
    }
}

/// The policies of a JSON document that is a CloudFormation template (and not a policy).
pub fn scan_json(text: &str, doc: &JsonDocument) -> Option<HostDocument> {
    if crate::analysis::looks_like_policy(doc) {
        return None;
    }
    let root = doc.root.as_ref().filter(|r| cfn::is_template(r))?;
    Some(cfn::scan(text, root, Syntax::Json, doc.syntax_errors.clone()))
}

/// An edit of a document: `start..old_end` of the old text became `start..new_end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextEdit {
    pub start: usize,
    pub old_end: usize,
    pub new_end: usize,
}

/// The policies of a YAML template after one edit, from those before it: when the edit lies
/// inside one resource (and the resource still ends where it did, moved by the edit), only
/// that resource is read again and the other policies move; else `None` and the caller reads
/// the whole template. Typing in a 3,000-line template then costs one resource, not the file.
pub fn rescan_yaml(
    previous: &HostDocument,
    edit: TextEdit,
    text: &str,
    tree: &tree_sitter::Tree,
) -> Option<HostDocument> {
    let delta = edit.new_end as isize - edit.old_end as isize;
    let (id, old_span) = previous
        .resources
        .iter()
        .find(|(_, s)| s.start < edit.start && edit.old_end <= s.end)?;
    let (member, new_span, errors) = yaml::read_resource(text, tree, edit.start, cfn::reads_property)?;
    if member.key.value != *id
        || new_span.start != old_span.start
        || new_span.end != old_span.end.checked_add_signed(delta)?
    {
        return None;
    }
    let moved = |s: Span| {
        if s.start >= old_span.end {
            Some(Span::new(
                s.start.checked_add_signed(delta)?,
                s.end.checked_add_signed(delta)?,
            ))
        } else {
            Some(s)
        }
    };
    let mut out = HostDocument {
        policies: Vec::new(),
        errors: Vec::new(),
        resources: Vec::with_capacity(previous.resources.len()),
    };
    for (rid, s) in &previous.resources {
        let s = if rid == id { new_span } else { moved(*s)? };
        out.resources.push((rid.clone(), s));
    }
    for e in &previous.errors {
        if old_span.contains_span(e.span) {
            continue;
        }
        out.errors.push(SyntaxError {
            span: moved(e.span)?,
            message: e.message.clone(),
        });
    }
    out.errors.extend(errors.iter().cloned());
    out.errors.sort_by_key(|e| (e.span.start, e.span.end));
    // The re-read policies take the host's errors inside them from `out.errors`.
    cfn::scan_resource(text, &member, Syntax::Yaml, &mut out);
    for p in &previous.policies {
        if old_span.contains_span(p.span) {
            continue;
        }
        let mut p = p.clone();
        if p.span.start >= old_span.end {
            p.shift(delta);
        }
        out.policies.push(p);
    }
    out.policies.sort_by_key(|p| p.span.start);
    Some(out)
}

/// A policy's value tree as compact JSON: what AWS receives, for size quotas. Values only known
/// at deploy time count as empty, so the size is a lower bound and a quota finding is sure.
pub fn compact_json(node: &crate::json::Node) -> String {
    use crate::json::{JsonString, Value};
    fn string(out: &mut String, s: &JsonString) {
        out.push('"');
        let unknown = s.host.as_ref().map_or(&[][..], |h| h.unknown.as_slice());
        let known = s
            .value
            .char_indices()
            .filter(|(i, _)| !unknown.iter().any(|u| u.contains(i)))
            .map(|(_, c)| c);
        for c in known {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
    }
    enum Step<'a> {
        Node(&'a crate::json::Node),
        Text(&'static str),
        Key(&'a JsonString),
    }
    let mut out = String::new();
    let mut stack = vec![Step::Node(node)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Text(t) => out.push_str(t),
            Step::Key(k) => {
                string(&mut out, k);
                out.push(':');
            }
            Step::Node(n) => match &n.value {
                Value::Object(o) => {
                    out.push('{');
                    stack.push(Step::Text("}"));
                    for (i, m) in o.members.iter().enumerate().rev() {
                        if let Some(v) = &m.value {
                            stack.push(Step::Node(v));
                            stack.push(Step::Key(&m.key));
                            if i > 0 {
                                stack.push(Step::Text(","));
                            }
                        }
                    }
                }
                Value::Array(a) => {
                    out.push('[');
                    stack.push(Step::Text("]"));
                    for (i, item) in a.items.iter().enumerate().rev() {
                        stack.push(Step::Node(item));
                        if i > 0 {
                            stack.push(Step::Text(","));
                        }
                    }
                }
                Value::String(s) => string(&mut out, s),
                Value::Number(n) => out.push_str(n),
                Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
                Value::Null | Value::TooDeep => out.push_str("null"),
            },
        }
    }
    out
}

/// What a file holds.
#[derive(Debug)]
pub enum Contents {
    /// A JSON document that is not a template: a policy, or other JSON (the caller decides).
    Json(JsonDocument),
    /// A template or Terraform file, with the policies found in it.
    Host(HostKind, HostDocument),
    /// YAML that is no template: nothing of ours.
    Other,
}

/// Reads a file by name and content: `*.tf` is Terraform; JSON is a CloudFormation template
/// when its root is one (and not a policy), else JSON; YAML is a template when it is one.
pub fn read(path: Option<&str>, text: &str) -> Contents {
    let name = path
        .map(|p| p.rsplit(['/', '\\']).next().unwrap_or(p).to_ascii_lowercase())
        .unwrap_or_default();
    if name.ends_with(".tf") {
        return Contents::Host(HostKind::Terraform, parse(HostKind::Terraform, text));
    }
    let body = text.trim_start_matches('\u{feff}').trim_start();
    let yaml_name = name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".template");
    if body.starts_with('{') || (!yaml_name && !cfn::looks_like_template(text)) {
        let doc = crate::json::parse(text);
        return match scan_json(text, &doc) {
            Some(found) => Contents::Host(HostKind::CloudFormationJson, found),
            None => Contents::Json(doc),
        };
    }
    if !cfn::looks_like_template(text) || !yaml::safe_to_parse(text) {
        return Contents::Other;
    }
    let mut parser = tree_sitter::Parser::new();
    if parser.set_language(&language(HostKind::CloudFormationYaml)).is_err() {
        return Contents::Other;
    }
    match parser
        .parse(text, None)
        .and_then(|tree| scan_tree(HostKind::CloudFormationYaml, text, &tree))
    {
        Some(found) => Contents::Host(HostKind::CloudFormationYaml, found),
        None => Contents::Other,
    }
}

/// A reference to a policy in a file: `policy.json`, or `template.yaml#POINTER` for a policy
/// inside a template (`#Resources.AppRole.Properties.Policies[0].PolicyDocument`,
/// `#data.aws_iam_policy_document.read`). Returns the file part and the pointer.
pub fn split_reference(reference: &str) -> (&str, Option<&str>) {
    match reference.split_once('#') {
        Some((file, pointer)) => (file, Some(pointer)),
        None => (reference, None),
    }
}

/// Why a referenced policy could not be loaded: a message, and the byte offset it is about
/// when it is about one place (a syntax error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub offset: Option<usize>,
    pub message: String,
}

impl LoadError {
    fn new(message: String) -> LoadError {
        LoadError { offset: None, message }
    }
}

/// The policy document a reference names in the file `path` whose text is `text`: the whole
/// JSON document without a pointer, else the policy at the pointer in a template. The error
/// says what is wrong (a JSON syntax error with its offset, a template named without a
/// pointer, a pointer that names no policy — with the ones there are).
pub fn load_reference(path: &str, text: &str, pointer: Option<&str>) -> Result<JsonDocument, LoadError> {
    let list = |found: &HostDocument| {
        let names: Vec<&str> = found.policies.iter().map(|p| p.pointer.as_str()).collect();
        if names.is_empty() {
            "it holds no policy".to_owned()
        } else {
            format!("its policies: {}", names.join(", "))
        }
    };
    match (read(Some(path), text), pointer) {
        (Contents::Json(doc), None) => {
            if let Some(e) = doc.syntax_errors.first() {
                return Err(LoadError {
                    offset: Some(e.span.start),
                    message: format!("JSON syntax error: {}", e.message),
                });
            }
            if doc.root.as_ref().and_then(|r| r.value.as_object()).is_none() {
                return Err(LoadError::new("expected a policy object".to_owned()));
            }
            Ok(doc)
        }
        (Contents::Host(_, found), None) => Err(LoadError::new(format!(
            "is a template: name one of its policies as `{path}#POINTER` ({})",
            list(&found)
        ))),
        (Contents::Host(_, mut found), Some(pointer)) => {
            let Some(index) = found.policies.iter().position(|p| p.pointer == pointer) else {
                return Err(LoadError::new(format!("no policy at `{pointer}` ({})", list(&found))));
            };
            let policy = found.policies.swap_remove(index);
            match policy.json.syntax_errors.first() {
                Some(e) => Err(LoadError {
                    offset: Some(e.span.start),
                    message: format!("syntax error in the policy: {}", e.message),
                }),
                None => Ok(policy.json),
            }
        }
        (Contents::Json(_), Some(pointer)) => Err(LoadError::new(format!(
            "is not a template, so `#{pointer}` names nothing in it: name the file alone"
        ))),
        (Contents::Other, _) => Err(LoadError::new(
            "holds no policy: neither a JSON policy nor a template".to_owned(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "Resources:\n  A:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: s3:GetObject\n            Resource: '*'\n  B:\n    Type: AWS::SQS::QueuePolicy\n    Properties:\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: '*'\n            Action: sqs:SendMessage\n            Resource: '*'\n";

    fn parsed(text: &str) -> tree_sitter::Tree {
        let mut parser = tree_sitter::Parser::new();
        let _ = parser.set_language(&language(HostKind::CloudFormationYaml));
        parser
            .parse(text, None)
            .unwrap_or_else(|| unreachable!("tree-sitter always returns a tree without a timeout"))
    }

    /// (pointer, span, compact JSON) of each policy.
    fn summary(found: &HostDocument) -> Vec<(String, Span, String)> {
        found
            .policies
            .iter()
            .map(|p| {
                (
                    p.pointer.clone(),
                    p.span,
                    p.json.root.as_ref().map(compact_json).unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn an_edit_inside_one_resource_rereads_it_alone_and_moves_the_others() {
        let before = parsed(TEMPLATE);
        let previous = scan(HostKind::CloudFormationYaml, TEMPLATE, &before);
        assert_eq!(previous.resources.len(), 2);
        let at = TEMPLATE
            .find("s3:GetObject")
            .map(|i| i + "s3:GetObject".len())
            .unwrap_or(0);
        let mut text = TEMPLATE.to_owned();
        text.insert_str(at, "Version");
        let after = parsed(&text);
        let edit = TextEdit {
            start: at,
            old_end: at,
            new_end: at + "Version".len(),
        };
        let rescanned = rescan_yaml(&previous, edit, &text, &after);
        let full = scan(HostKind::CloudFormationYaml, &text, &after);
        assert_eq!(rescanned.as_ref().map(summary), Some(summary(&full)));
        assert_eq!(rescanned.map(|r| r.resources), Some(full.resources));
    }

    #[test]
    fn an_edit_that_changes_the_structure_falls_back_to_a_full_read() {
        let before = parsed(TEMPLATE);
        let previous = scan(HostKind::CloudFormationYaml, TEMPLATE, &before);
        // Dedenting B's Type line moves it out of B.
        let at = TEMPLATE.find("    Type: AWS::SQS").unwrap_or(0);
        let mut text = TEMPLATE.to_owned();
        text.replace_range(at..at + 2, "");
        let after = parsed(&text);
        let edit = TextEdit {
            start: at,
            old_end: at + 2,
            new_end: at,
        };
        assert!(rescan_yaml(&previous, edit, &text, &after).is_none());
    }
}
