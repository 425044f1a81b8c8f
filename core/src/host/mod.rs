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

/// Parses `text` as a host of `kind` and finds its policies (for callers that keep no tree).
pub fn parse(kind: HostKind, text: &str) -> HostDocument {
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
            let (documents, errors) = yaml::read(text, tree);
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

/// A policy's value tree as compact JSON: what AWS receives, for size quotas.
pub fn compact_json(node: &crate::json::Node) -> String {
    use crate::json::Value;
    fn string(out: &mut String, s: &str) {
        out.push('"');
        for c in s.chars() {
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
        Key(&'a str),
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
                            stack.push(Step::Key(&m.key.value));
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
                Value::String(s) => string(&mut out, &s.value),
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
    if !cfn::looks_like_template(text) {
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

/// The policy document a reference names in the file `path` whose text is `text`: the whole
/// JSON document without a pointer, else the policy at the pointer in a template. The error
/// says what is wrong (a JSON syntax error with its position, a template named without a
/// pointer, a pointer that names no policy — with the ones there are).
pub fn load_reference(path: &str, text: &str, pointer: Option<&str>) -> Result<JsonDocument, String> {
    let line_col = |offset: usize| {
        let before = text.get(..offset).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!("{line}:{col}")
    };
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
                return Err(format!("{}: JSON syntax error: {}", line_col(e.span.start), e.message));
            }
            if doc.root.as_ref().and_then(|r| r.value.as_object()).is_none() {
                return Err("expected a policy object".to_owned());
            }
            Ok(doc)
        }
        (Contents::Host(_, found), None) => Err(format!(
            "is a template: name one of its policies as `{path}#POINTER` ({})",
            list(&found)
        )),
        (Contents::Host(_, mut found), Some(pointer)) => {
            let Some(index) = found.policies.iter().position(|p| p.pointer == pointer) else {
                return Err(format!("no policy at `{pointer}` ({})", list(&found)));
            };
            let policy = found.policies.swap_remove(index);
            match policy.json.syntax_errors.first() {
                Some(e) => Err(format!(
                    "{}: syntax error in the policy: {}",
                    line_col(e.span.start),
                    e.message
                )),
                None => Ok(policy.json),
            }
        }
        (Contents::Json(_), Some(pointer)) => Err(format!(
            "is not a template, so `#{pointer}` names nothing in it: name the file alone"
        )),
        (Contents::Other, _) => Err("holds no policy: neither a JSON policy nor a template".to_owned()),
    }
}
