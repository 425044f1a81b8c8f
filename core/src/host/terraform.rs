//! Terraform (`.tf`, HCL): policies written with `jsonencode({...})`, as JSON in a heredoc or a
//! string, and `data "aws_iam_policy_document"` blocks, whose `statement` blocks read as the
//! statements of a policy document.
//!
//! Interpolations (`${var.bucket}`), references (`aws_s3_bucket.b.arn`), function calls and
//! conditionals are values only known at deploy time. IAM policy variables are written
//! `$${aws:username}` in Terraform strings, and also `&{aws:username}` in the data source
//! (hashicorp/terraform-provider-aws, `website/docs/d/iam_policy_document.html.markdown`).
//! The policy type follows from the resource argument the policy is given to (the provider's
//! resource documentation); a data source takes the type of the argument that uses its `json`.

use super::strings::{StrBuilder, UNKNOWN};
use super::{EmbeddedPolicy, HostDocument, Syntax, embedded_json};
use crate::json::{Array, JsonDocument, JsonString, MAX_DEPTH, Member, Node, Object, SyntaxError, Value};
use crate::policy_type::PolicyType::{self, Endpoint, Identity, Resource, Trust};
use crate::span::Span;
use tree_sitter::{Node as TsNode, Tree};

/// Resource arguments that take a policy document, with the policy's type (Terraform AWS
/// provider, `website/docs/r/<resource>.html.markdown` of each resource).
const ARGUMENTS: &[(&str, &str, PolicyType)] = &[
    ("aws_iam_role", "assume_role_policy", Trust),
    ("aws_iam_role", "inline_policy.policy", Identity),
    ("aws_iam_policy", "policy", Identity),
    ("aws_iam_role_policy", "policy", Identity),
    ("aws_iam_user_policy", "policy", Identity),
    ("aws_iam_group_policy", "policy", Identity),
    ("aws_ssoadmin_permission_set_inline_policy", "inline_policy", Identity),
    ("aws_s3_bucket_policy", "policy", Resource),
    ("aws_s3_bucket", "policy", Resource),
    ("aws_s3_access_point", "policy", Resource),
    ("aws_s3control_access_point_policy", "policy", Resource),
    ("aws_s3control_bucket_policy", "policy", Resource),
    ("aws_s3control_object_lambda_access_point_policy", "policy", Resource),
    ("aws_s3_directory_bucket_policy", "policy", Resource),
    ("aws_sqs_queue_policy", "policy", Resource),
    ("aws_sqs_queue", "policy", Resource),
    ("aws_sns_topic_policy", "policy", Resource),
    ("aws_sns_topic", "policy", Resource),
    ("aws_kms_key", "policy", Resource),
    ("aws_kms_replica_key", "policy", Resource),
    ("aws_kms_external_key", "policy", Resource),
    ("aws_kms_key_policy", "policy", Resource),
    ("aws_secretsmanager_secret_policy", "policy", Resource),
    ("aws_secretsmanager_secret", "policy", Resource),
    ("aws_ecr_repository_policy", "policy", Resource),
    ("aws_ecr_registry_policy", "policy", Resource),
    ("aws_ecrpublic_repository_policy", "policy", Resource),
    ("aws_cloudwatch_event_bus_policy", "policy", Resource),
    ("aws_opensearch_domain", "access_policies", Resource),
    ("aws_opensearch_domain_policy", "access_policies", Resource),
    ("aws_elasticsearch_domain", "access_policies", Resource),
    ("aws_elasticsearch_domain_policy", "access_policies", Resource),
    ("aws_glacier_vault", "access_policy", Resource),
    ("aws_backup_vault_policy", "policy", Resource),
    ("aws_efs_file_system_policy", "policy", Resource),
    ("aws_api_gateway_rest_api_policy", "policy", Resource),
    ("aws_api_gateway_rest_api", "policy", Resource),
    (
        "aws_codeartifact_domain_permissions_policy",
        "policy_document",
        Resource,
    ),
    (
        "aws_codeartifact_repository_permissions_policy",
        "policy_document",
        Resource,
    ),
    ("aws_cloudwatch_log_resource_policy", "policy_document", Resource),
    ("aws_cloudwatch_log_destination_policy", "access_policy", Resource),
    ("aws_dynamodb_resource_policy", "policy", Resource),
    ("aws_kinesis_resource_policy", "policy", Resource),
    ("aws_media_store_container_policy", "policy", Resource),
    ("aws_schemas_registry_policy", "policy", Resource),
    ("aws_lakeformation_resource", "policy", Resource),
    ("aws_oam_sink_policy", "policy", Resource),
    ("aws_vpclattice_auth_policy", "policy", Resource),
    ("aws_vpclattice_resource_policy", "policy", Resource),
    ("aws_vpc_endpoint", "policy", Endpoint),
    ("aws_vpc_endpoint_policy", "policy", Endpoint),
];

const DATA_SOURCE: &str = "aws_iam_policy_document";

/// Every resource argument read for a policy, with what it is read as, in table order.
pub fn arguments() -> impl Iterator<Item = (&'static str, &'static str, String)> {
    ARGUMENTS
        .iter()
        .map(|(resource, argument, t)| (*resource, *argument, format!("{} policy", t.as_str())))
        .chain(std::iter::once((
            "aws_organizations_policy",
            "content",
            "scp, or rcp when `type` is `RESOURCE_CONTROL_POLICY` (other kinds are not IAM policies)".to_owned(),
        )))
}

/// A `condition` block: its `test`, `variable` and `values`.
type ConditionBlock = (JsonString, JsonString, Node);

/// Every policy in a Terraform file.
pub fn scan(text: &str, tree: &Tree) -> HostDocument {
    let mut reader = Reader {
        text,
        unknown: Vec::new(),
        blocks_mode: false,
    };
    let mut out = HostDocument::default();
    collect_errors(text, tree.root_node(), &mut out.errors);
    let mut data_sources: Vec<(String, TsNode<'_>)> = Vec::new();
    let mut uses: Vec<(String, PolicyType, String)> = Vec::new();
    let root = tree.root_node();
    let Some(body) = first_child(root, "body") else {
        return out;
    };
    let mut cursor = body.walk();
    for block in body.children(&mut cursor).filter(|n| n.kind() == "block") {
        let kind = reader.identifier(block).unwrap_or_default();
        let labels = reader.labels(block);
        let prefix = match (kind.as_str(), labels.as_slice()) {
            ("resource", [ty, name]) => format!("{ty}.{name}"),
            ("data", [ty, name]) if ty == DATA_SOURCE => {
                data_sources.push((name.clone(), block));
                continue;
            }
            ("data", [ty, name]) => format!("data.{ty}.{name}"),
            ("module", [name]) => format!("module.{name}"),
            ("output", [name]) => format!("output.{name}"),
            ("locals", []) => "local".to_owned(),
            ("variable", _) => continue,
            (other, labels) => std::iter::once(other.to_owned())
                .chain(labels.iter().cloned())
                .collect::<Vec<_>>()
                .join("."),
        };
        let resource_type = (kind == "resource").then(|| labels.first().cloned()).flatten();
        let organizations_type =
            (resource_type.as_deref() == Some("aws_organizations_policy")).then(|| reader.organizations_type(block));
        let Some(block_body) = first_child(block, "body") else {
            continue;
        };
        reader.walk_body(
            block_body,
            &prefix,
            "",
            resource_type.as_deref(),
            organizations_type.flatten(),
            &mut uses,
            &mut out.policies,
        );
    }
    for (name, block) in data_sources {
        let usage = uses.iter().find(|(n, _, _)| *n == name);
        if let Some(policy) = reader.data_source(block, &name, usage.map(|(_, t, why)| (*t, why.clone()))) {
            out.policies.push(policy);
        }
    }
    let errors = out.errors.clone();
    for p in &mut out.policies {
        p.json
            .syntax_errors
            .extend(errors.iter().filter(|e| p.span.contains_span(e.span)).cloned());
        p.unknown.sort_by_key(|s| (s.start, s.end));
    }
    out.policies.sort_by_key(|p| p.span.start);
    out
}

fn first_child<'t>(node: TsNode<'t>, kind: &str) -> Option<TsNode<'t>> {
    let mut cursor = node.walk();
    node.children(&mut cursor).find(|c| c.kind() == kind)
}

fn span_of(node: TsNode<'_>) -> Span {
    Span::new(node.start_byte(), node.end_byte())
}

/// `start..end` within `text` and widened to whole characters: tree-sitter's error nodes
/// count bytes, and one byte past them may fall inside a character.
fn within_characters(text: &str, start: usize, end: usize) -> Span {
    let end = text.ceil_char_boundary(end.min(text.len()));
    Span::new(text.floor_char_boundary(start.min(end)), end)
}

/// HCL syntax errors (ERROR and MISSING nodes).
fn collect_errors(text: &str, root: TsNode<'_>, out: &mut Vec<SyntaxError>) {
    if !root.has_error() {
        return;
    }
    let mut stack = vec![root];
    let mut cursor = root.walk();
    while let Some(n) = stack.pop() {
        if n.is_missing() {
            let at = n.start_byte();
            out.push(SyntaxError {
                span: within_characters(text, at.saturating_sub(1), at.max(1)),
                message: format!("HCL: expected `{}`", n.kind()),
            });
        } else if n.is_error() {
            let span = span_of(n);
            let snippet: String = text
                .get(span.range())
                .unwrap_or("")
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .chars()
                .take(24)
                .collect();
            let end = text
                .get(span.range())
                .and_then(|t| t.find('\n'))
                .map_or(span.end, |n| span.start + n);
            out.push(SyntaxError {
                span: within_characters(text, span.start, end.max(span.start + 1)),
                message: format!("HCL cannot be read here: unexpected `{snippet}`"),
            });
        } else if n.has_error() {
            stack.extend(n.children(&mut cursor));
        }
    }
    out.sort_by_key(|e| e.span.start);
}

struct Reader<'t> {
    text: &'t str,
    unknown: Vec<Span>,
    /// Inside `aws_iam_policy_document`, where `&{...}` also writes an IAM policy variable.
    blocks_mode: bool,
}

impl<'t> Reader<'t> {
    fn src(&self, span: Span) -> &'t str {
        self.text.get(span.range()).unwrap_or("")
    }

    fn identifier(&self, node: TsNode<'_>) -> Option<String> {
        first_child(node, "identifier").map(|i| self.src(span_of(i)).to_owned())
    }

    fn labels(&self, block: TsNode<'_>) -> Vec<String> {
        let mut cursor = block.walk();
        block
            .children(&mut cursor)
            .filter(|c| c.kind() == "string_lit")
            .map(|s| self.src(span_of(s)).trim_matches('"').to_owned())
            .collect()
    }

    /// `aws_organizations_policy`'s `type`: SCP unless it says otherwise (the provider's
    /// default is `SERVICE_CONTROL_POLICY`); `None` for other kinds of organization policies.
    fn organizations_type(&self, block: TsNode<'_>) -> Option<PolicyType> {
        let body = first_child(block, "body")?;
        let mut cursor = body.walk();
        let ty = body
            .children(&mut cursor)
            .filter(|c| c.kind() == "attribute")
            .find(|a| self.identifier(*a).as_deref() == Some("type"))
            .and_then(|a| first_child(a, "expression"))
            .map(|e| self.src(span_of(e)).trim().trim_matches('"').to_owned());
        match ty.as_deref() {
            None | Some("SERVICE_CONTROL_POLICY") => Some(PolicyType::Scp),
            Some("RESOURCE_CONTROL_POLICY") => Some(PolicyType::Rcp),
            _ => None,
        }
    }

    /// Finds policies in the attributes of a block body (and its nested blocks), and records
    /// which data sources the block's policy arguments use. `prefix` names the block in
    /// pointers (`aws_iam_role.app.inline_policy[0]`); `path` is the argument path the type
    /// table knows (`inline_policy`).
    #[allow(clippy::too_many_arguments)]
    fn walk_body(
        &mut self,
        body: TsNode<'_>,
        prefix: &str,
        path: &str,
        resource_type: Option<&str>,
        organizations: Option<PolicyType>,
        uses: &mut Vec<(String, PolicyType, String)>,
        out: &mut Vec<EmbeddedPolicy>,
    ) {
        let mut counts: Vec<(String, usize)> = Vec::new();
        let mut cursor = body.walk();
        for child in body.children(&mut cursor) {
            match child.kind() {
                "attribute" => {
                    let Some(name) = self.identifier(child) else { continue };
                    let Some(expression) = first_child(child, "expression") else {
                        continue;
                    };
                    let argument = if path.is_empty() {
                        name.clone()
                    } else {
                        format!("{path}.{name}")
                    };
                    let typed = match resource_type {
                        Some("aws_organizations_policy") if argument == "content" => {
                            organizations.map(|t| (t, "content of aws_organizations_policy".to_owned()))
                        }
                        Some(rt) => ARGUMENTS
                            .iter()
                            .find(|(t, a, _)| *t == rt && *a == argument)
                            .map(|(t, a, p)| (*p, format!("{a} of {t}"))),
                        None => None,
                    };
                    if let Some((policy_type, why)) = &typed {
                        for used in data_source_references(self.src(span_of(expression))) {
                            uses.push((used, *policy_type, why.clone()));
                        }
                    }
                    let pointer = format!("{prefix}.{name}");
                    if let Some(policy) = self.attribute_policy(expression, pointer, typed) {
                        out.push(policy);
                    }
                }
                "block" => {
                    let Some(name) = self.identifier(child) else { continue };
                    let index = match counts.iter_mut().find(|(n, _)| *n == name) {
                        Some((_, c)) => {
                            *c += 1;
                            *c - 1
                        }
                        None => {
                            counts.push((name.clone(), 1));
                            0
                        }
                    };
                    let Some(inner) = first_child(child, "body") else {
                        continue;
                    };
                    let nested_path = if path.is_empty() {
                        name.clone()
                    } else {
                        format!("{path}.{name}")
                    };
                    let nested_prefix = format!("{prefix}.{name}[{index}]");
                    self.walk_body(
                        inner,
                        &nested_prefix,
                        &nested_path,
                        resource_type,
                        organizations,
                        uses,
                        out,
                    );
                }
                _ => {}
            }
        }
    }

    /// A policy given as `jsonencode({...})`, a heredoc or a string holding JSON.
    fn attribute_policy(
        &mut self,
        expression: TsNode<'_>,
        pointer: String,
        typed: Option<(PolicyType, String)>,
    ) -> Option<EmbeddedPolicy> {
        let inner = expression.named_child(0)?;
        let (policy_type, reason) = match typed {
            Some((t, why)) => (Some(t), Some(why)),
            None => (None, None),
        };
        self.unknown.clear();
        let (root, syntax, errors) = match inner.kind() {
            "function_call" if self.identifier(inner).as_deref() == Some("jsonencode") => {
                let arguments = first_child(inner, "function_arguments")?;
                let argument = first_child(arguments, "expression")?;
                argument.named_child(0).filter(|c| c.kind() == "collection_value")?;
                let node = self.expression(argument, 0);
                if node.value.as_object().is_none_or(|o| o.get("Statement").is_none()) {
                    return None;
                }
                (node, Syntax::Hcl, Vec::new())
            }
            "template_expr" | "literal_value" => {
                let template = inner.named_child(0)?;
                let is_heredoc = template.kind() == "heredoc_template";
                if !matches!(template.kind(), "heredoc_template" | "quoted_template" | "string_lit") {
                    return None;
                }
                let raw = self.src(span_of(template));
                if !raw.contains("Statement") {
                    return None;
                }
                let string = self.template_string(template, is_heredoc);
                if !string.value.trim_start().starts_with('{') {
                    return None;
                }
                let mut unknown = std::mem::take(&mut self.unknown);
                let doc = embedded_json::read(self.text, &string, &mut unknown);
                self.unknown = unknown;
                let syntax = if is_heredoc {
                    Syntax::HeredocJson
                } else {
                    Syntax::Quoted
                };
                (doc.root?, syntax, doc.syntax_errors)
            }
            _ => return None,
        };
        let span = span_of(expression);
        let duplicate_keys = super::cfn::duplicate_keys(&root);
        Some(EmbeddedPolicy {
            json: JsonDocument {
                root: Some(root),
                syntax_errors: errors,
                duplicate_keys,
            },
            span,
            pointer,
            policy_type,
            type_reason: reason,
            syntax,
            unknown: std::mem::take(&mut self.unknown),
            partial: false,
        })
    }

    /// An HCL expression as a value: literals, tuples and objects as they are; anything else
    /// (references, calls, conditionals, `for`) only known at deploy time.
    fn expression(&mut self, node: TsNode<'_>, depth: usize) -> Node {
        let span = span_of(node);
        let only = if node.kind() == "expression" && node.named_child_count() == 1 {
            node.named_child(0)
        } else if node.kind() != "expression" {
            Some(node)
        } else {
            None
        };
        let Some(inner) = only else {
            return self.unknown_node(span);
        };
        if depth >= MAX_DEPTH {
            return Node {
                span,
                value: Value::TooDeep,
            };
        }
        match inner.kind() {
            "literal_value" => match inner.named_child(0) {
                Some(lit) => match lit.kind() {
                    "numeric_lit" => Node {
                        span,
                        value: Value::Number(self.src(span_of(lit)).to_owned()),
                    },
                    "bool_lit" => Node {
                        span,
                        value: Value::Bool(self.src(span_of(lit)) == "true"),
                    },
                    "null_lit" => Node {
                        span,
                        value: Value::Null,
                    },
                    "string_lit" => Node {
                        span,
                        value: Value::String(self.template_string(lit, false)),
                    },
                    _ => self.unknown_node(span),
                },
                None => self.unknown_node(span),
            },
            "template_expr" => match inner.named_child(0) {
                Some(t) if matches!(t.kind(), "quoted_template" | "heredoc_template") => Node {
                    span,
                    value: Value::String(self.template_string(t, t.kind() == "heredoc_template")),
                },
                _ => self.unknown_node(span),
            },
            "collection_value" => match inner.named_child(0) {
                Some(c) if c.kind() == "tuple" => {
                    let mut items = Vec::new();
                    let mut cursor = c.walk();
                    for e in c.children(&mut cursor).filter(|e| e.kind() == "expression") {
                        items.push(self.expression(e, depth + 1));
                    }
                    Node {
                        span,
                        value: Value::Array(Array { items, closed: true }),
                    }
                }
                Some(c) if c.kind() == "object" => {
                    let mut members = Vec::new();
                    let mut cursor = c.walk();
                    for elem in c.children(&mut cursor).filter(|e| e.kind() == "object_elem") {
                        let Some(key) = elem.child_by_field_name("key").and_then(|k| self.key(k)) else {
                            continue;
                        };
                        let value = elem.child_by_field_name("val").map(|v| self.expression(v, depth + 1));
                        members.push(Member { key, value });
                    }
                    Node {
                        span,
                        value: Value::Object(Object { members, closed: true }),
                    }
                }
                _ => self.unknown_node(span),
            },
            _ => self.unknown_node(span),
        }
    }

    /// An object key: a bare identifier or a string (`(expr)` keys are unknown and skipped).
    fn key(&mut self, key: TsNode<'_>) -> Option<JsonString> {
        let inner = key.named_child(0)?;
        match inner.kind() {
            "variable_expr" if key.named_child_count() == 1 => {
                let span = span_of(inner);
                let mut b = StrBuilder::new();
                b.verbatim(self.src(span), span.start);
                Some(b.finish(span, span, true))
            }
            "literal_value" => inner
                .named_child(0)
                .filter(|s| s.kind() == "string_lit")
                .map(|s| self.template_string(s, false)),
            "template_expr" => inner.named_child(0).map(|t| self.template_string(t, false)),
            _ => None,
        }
    }

    fn unknown_node(&mut self, span: Span) -> Node {
        self.unknown.push(span);
        let mut b = StrBuilder::new();
        b.unknown(UNKNOWN, span);
        Node {
            span,
            value: Value::String(b.finish(span, span, true)),
        }
    }

    /// A quoted string or heredoc: escapes decoded, `$${`/`%%{` unescaped, interpolations and
    /// directives only known at deploy time. In a heredoc holding JSON, an interpolation
    /// outside a JSON string stands for a JSON string, so the JSON around it still reads.
    fn template_string(&mut self, node: TsNode<'_>, heredoc: bool) -> JsonString {
        let span = span_of(node);
        let mut holes: Vec<Span> = Vec::new();
        let mut cursor = node.walk();
        let mut closing_identifier = None;
        let mut strip_indent = false;
        let mut opening_end = span.start;
        for child in node.children(&mut cursor) {
            match child.kind() {
                "template_interpolation" | "template_directive" => holes.push(span_of(child)),
                "heredoc_start" => strip_indent = self.src(span_of(child)) == "<<-",
                "heredoc_identifier" => {
                    if opening_end == span.start {
                        opening_end = child.end_byte();
                    } else {
                        closing_identifier = Some(child.start_byte());
                    }
                }
                _ => {}
            }
        }
        let (content, terminated) = if heredoc {
            let start = self
                .text
                .get(opening_end..)
                .and_then(|t| t.find('\n'))
                .map_or(opening_end, |n| opening_end + n + 1);
            let end = closing_identifier
                .map(|c| {
                    // The line of the closing identifier is not content.
                    self.text.get(..c).and_then(|t| t.rfind('\n')).map_or(c, |n| n + 1)
                })
                .unwrap_or(span.end)
                .max(start);
            (Span::new(start, end), closing_identifier.is_some())
        } else {
            let raw = self.src(span);
            let terminated = raw.len() >= 2 && raw.ends_with('"');
            let start = (span.start + 1).min(span.end);
            let end = if terminated { span.end - 1 } else { span.end };
            (Span::new(start, end.max(start)), terminated)
        };
        let indent = if heredoc && strip_indent {
            self.src(content)
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| l.len() - l.trim_start().len())
                .min()
                .unwrap_or(0)
        } else {
            0
        };
        let raw = self.src(content);
        let bytes = raw.as_bytes();
        let mut b = StrBuilder::new();
        let mut i = 0usize;
        let mut run = 0usize;
        let mut in_json_string = false;
        let mut at_line_start = heredoc;
        while i < bytes.len() {
            let at = content.start + i;
            if at_line_start && indent > 0 {
                b.verbatim(raw.get(run..i).unwrap_or(""), content.start + run);
                let skip = raw
                    .get(i..)
                    .map_or(0, |r| r.len() - r.trim_start_matches([' ', '\t']).len())
                    .min(indent);
                b.mapped("", Span::new(at, at + skip));
                i += skip;
                run = i;
                at_line_start = false;
                continue;
            }
            at_line_start = false;
            if let Some(hole) = holes.iter().find(|h| h.start == at) {
                b.verbatim(raw.get(run..i).unwrap_or(""), content.start + run);
                self.unknown.push(*hole);
                if heredoc && !in_json_string {
                    b.unknown(&format!("\"{UNKNOWN}\""), *hole);
                } else {
                    b.unknown(UNKNOWN, *hole);
                }
                i += hole.len().max(1);
                run = i;
                continue;
            }
            let c = bytes.get(i).copied().unwrap_or(0);
            let next = bytes.get(i + 1).copied();
            let escape: Option<(usize, String)> = match (c, next) {
                (b'$', Some(b'$')) | (b'%', Some(b'%')) if bytes.get(i + 2) == Some(&b'{') => {
                    Some((3, format!("{}{{", c as char)))
                }
                (b'&', Some(b'{')) if self.blocks_mode => Some((2, "${".to_owned())),
                (b'\\', Some(e)) if !heredoc => Some(match e {
                    b'n' => (2, "\n".to_owned()),
                    b'r' => (2, "\r".to_owned()),
                    b't' => (2, "\t".to_owned()),
                    b'"' => (2, "\"".to_owned()),
                    b'\\' => (2, "\\".to_owned()),
                    b'u' | b'U' => {
                        let digits = if e == b'u' { 4 } else { 8 };
                        let hex = raw.get(i + 2..i + 2 + digits).unwrap_or("");
                        let ch = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
                        match ch {
                            Some(ch) if hex.len() == digits => (2 + digits, ch.to_string()),
                            _ => (2, "\u{FFFD}".to_owned()),
                        }
                    }
                    other => (2, (other as char).to_string()),
                }),
                _ => None,
            };
            if let Some((len, decoded)) = escape {
                b.verbatim(raw.get(run..i).unwrap_or(""), content.start + run);
                b.mapped(&decoded, Span::new(at, at + len));
                i += len;
                run = i;
                continue;
            }
            if heredoc {
                match c {
                    b'"' if !escaped_at(bytes, i) => in_json_string = !in_json_string,
                    b'\n' => at_line_start = true,
                    _ => {}
                }
            }
            i += 1;
        }
        b.verbatim(raw.get(run..).unwrap_or(""), content.start + run);
        b.finish(span, content, terminated)
    }

    /// An `aws_iam_policy_document` data source as a policy: its arguments and `statement`
    /// blocks under the names of the JSON elements they become.
    fn data_source(
        &mut self,
        block: TsNode<'_>,
        name: &str,
        usage: Option<(PolicyType, String)>,
    ) -> Option<EmbeddedPolicy> {
        let body = first_child(block, "body")?;
        self.unknown.clear();
        self.blocks_mode = true;
        let mut members: Vec<Member> = Vec::new();
        let mut statements: Vec<Node> = Vec::new();
        let mut statement_key: Option<Span> = None;
        let mut partial = false;
        let mut version = None;
        let mut cursor = body.walk();
        for child in body.children(&mut cursor) {
            let Some(ident) = first_child(child, "identifier") else {
                continue;
            };
            let ident_span = span_of(ident);
            let name = self.src(ident_span);
            match (child.kind(), name) {
                ("attribute", "version") => version = Some(self.element(child, "Version")),
                ("attribute", "policy_id") => members.push(self.element(child, "Id")),
                (
                    "attribute",
                    "source_policy_documents" | "override_policy_documents" | "source_json" | "override_json",
                ) => {
                    partial = true;
                }
                ("block", "statement") => {
                    statement_key.get_or_insert(ident_span);
                    if let Some(s) = self.statement(child) {
                        statements.push(s);
                    }
                }
                ("block", "dynamic") => partial = true,
                _ => {}
            }
        }
        self.blocks_mode = false;
        // Statements that only exist at deploy time: nothing of this policy can be judged.
        if statements.is_empty() {
            return None;
        }
        let span = span_of(block);
        let version = version.unwrap_or_else(|| synthesized("Version", "2012-10-17", Span::empty(span.start)));
        members.insert(0, version);
        let key_span = statement_key.unwrap_or(Span::empty(span.start));
        let list_span = statements
            .first()
            .map(|f| f.span)
            .zip(statements.last().map(|l| l.span))
            .map_or(span, |(f, l)| f.cover(l));
        members.push(Member {
            key: synthetic_key("Statement", key_span),
            value: Some(Node {
                span: list_span,
                value: Value::Array(Array {
                    items: statements,
                    closed: true,
                }),
            }),
        });
        let root = Node {
            span,
            value: Value::Object(Object { members, closed: true }),
        };
        let duplicate_keys = super::cfn::duplicate_keys(&root);
        let (policy_type, type_reason) = match usage {
            Some((t, why)) => (Some(t), Some(format!("its json is the {why}"))),
            None => (None, None),
        };
        Some(EmbeddedPolicy {
            json: JsonDocument {
                root: Some(root),
                syntax_errors: Vec::new(),
                duplicate_keys,
            },
            span,
            pointer: format!("data.{DATA_SOURCE}.{name}"),
            policy_type,
            type_reason,
            syntax: Syntax::HclBlocks,
            unknown: std::mem::take(&mut self.unknown),
            partial,
        })
    }

    /// An attribute as the member `key` (the key spans the attribute's name).
    fn element(&mut self, attribute: TsNode<'_>, key: &str) -> Member {
        let name = first_child(attribute, "identifier").map_or(span_of(attribute), span_of);
        let value = first_child(attribute, "expression").map(|e| self.expression(e, 1));
        Member {
            key: synthetic_key(key, name),
            value,
        }
    }

    fn statement(&mut self, block: TsNode<'_>) -> Option<Node> {
        let body = first_child(block, "body");
        let span = span_of(block);
        let mut members: Vec<Member> = Vec::new();
        let mut principals: Vec<(Span, Vec<(JsonString, Node)>)> = Vec::new();
        let mut not_principals: Vec<(Span, Vec<(JsonString, Node)>)> = Vec::new();
        let mut conditions: Option<(Span, Vec<ConditionBlock>)> = None;
        let mut has_effect = false;
        if let Some(body) = body {
            let mut cursor = body.walk();
            for child in body.children(&mut cursor) {
                let Some(ident) = first_child(child, "identifier") else {
                    continue;
                };
                let ident_span = span_of(ident);
                match (child.kind(), self.src(ident_span)) {
                    ("attribute", "sid") => members.push(self.element(child, "Sid")),
                    ("attribute", "effect") => {
                        has_effect = true;
                        members.push(self.element(child, "Effect"));
                    }
                    ("attribute", "actions") => members.push(self.element(child, "Action")),
                    ("attribute", "not_actions") => members.push(self.element(child, "NotAction")),
                    ("attribute", "resources") => members.push(self.element(child, "Resource")),
                    ("attribute", "not_resources") => members.push(self.element(child, "NotResource")),
                    ("block", "principals") => {
                        if let Some(p) = self.principal(child) {
                            add_principal(&mut principals, ident_span, p);
                        }
                    }
                    ("block", "not_principals") => {
                        if let Some(p) = self.principal(child) {
                            add_principal(&mut not_principals, ident_span, p);
                        }
                    }
                    ("block", "condition") => {
                        if let Some(c) = self.condition(child) {
                            conditions.get_or_insert((ident_span, Vec::new())).1.push(c);
                        }
                    }
                    _ => {}
                }
            }
        }
        if !has_effect {
            // The data source's default.
            members.insert(0, synthesized("Effect", "Allow", Span::empty(span.start)));
        }
        for (key, list) in [("Principal", principals), ("NotPrincipal", not_principals)] {
            if let Some((key_span, entries)) = list.into_iter().next() {
                members.push(principal_member(key, key_span, entries));
            }
        }
        if let Some((key_span, entries)) = conditions {
            members.push(condition_member(key_span, entries));
        }
        Some(Node {
            span,
            value: Value::Object(Object { members, closed: true }),
        })
    }

    /// `principals { type = "AWS" identifiers = [...] }` as the key (`AWS`) and its values.
    fn principal(&mut self, block: TsNode<'_>) -> Option<(JsonString, Node)> {
        let (ty, identifiers) = self.pair(block, "type", "identifiers")?;
        let ty = ty.value.as_str()?.clone();
        Some((ty, identifiers))
    }

    /// `condition { test = ... variable = ... values = [...] }`.
    fn condition(&mut self, block: TsNode<'_>) -> Option<ConditionBlock> {
        let body = first_child(block, "body")?;
        let mut test = None;
        let mut variable = None;
        let mut values = None;
        let mut cursor = body.walk();
        for a in body.children(&mut cursor).filter(|c| c.kind() == "attribute") {
            let Some(expression) = first_child(a, "expression") else {
                continue;
            };
            match self.identifier(a).as_deref() {
                Some("test") => test = self.expression(expression, 1).value.as_str().cloned(),
                Some("variable") => variable = self.expression(expression, 1).value.as_str().cloned(),
                Some("values") => values = Some(self.expression(expression, 1)),
                _ => {}
            }
        }
        Some((test?, variable?, values?))
    }

    fn pair(&mut self, block: TsNode<'_>, first: &str, second: &str) -> Option<(Node, Node)> {
        let body = first_child(block, "body")?;
        let mut a_value = None;
        let mut b_value = None;
        let mut cursor = body.walk();
        for a in body.children(&mut cursor).filter(|c| c.kind() == "attribute") {
            let Some(expression) = first_child(a, "expression") else {
                continue;
            };
            let name = self.identifier(a);
            if name.as_deref() == Some(first) {
                a_value = Some(self.expression(expression, 1));
            } else if name.as_deref() == Some(second) {
                b_value = Some(self.expression(expression, 1));
            }
        }
        Some((a_value?, b_value?))
    }
}

fn escaped_at(bytes: &[u8], i: usize) -> bool {
    let mut backslashes = 0;
    let mut j = i;
    while j > 0 && bytes.get(j - 1) == Some(&b'\\') {
        backslashes += 1;
        j -= 1;
    }
    backslashes % 2 == 1
}

/// The names of the `aws_iam_policy_document` data sources whose JSON an expression uses.
fn data_source_references(expression: &str) -> Vec<String> {
    let needle = format!("data.{DATA_SOURCE}.");
    let mut out = Vec::new();
    let mut rest = expression;
    while let Some(at) = rest.find(&needle) {
        let after = rest.get(at + needle.len()..).unwrap_or("");
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        let tail = after.get(name.len()..).unwrap_or("");
        // `name[0].json` (count) and `name["k"].json` (for_each) too.
        let tail = if tail.starts_with('[') {
            tail.find(']').and_then(|e| tail.get(e + 1..)).unwrap_or("")
        } else {
            tail
        };
        if !name.is_empty() && (tail.starts_with(".json") || tail.starts_with(".minified_json")) {
            out.push(name);
        }
        rest = after;
    }
    out
}

/// A key written under another name in the host (`actions` for `Action`): mapped as a whole,
/// so fixes never rewrite it.
fn synthetic_key(key: &str, span: Span) -> JsonString {
    let mut b = StrBuilder::new();
    b.mapped(key, span);
    b.finish(span, span, true)
}

/// A member the data source implies (`Effect: Allow` when `effect` is not written).
fn synthesized(key: &str, value: &str, at: Span) -> Member {
    let mut b = StrBuilder::new();
    b.mapped(value, at);
    Member {
        key: synthetic_key(key, at),
        value: Some(Node {
            span: at,
            value: Value::String(b.finish(at, at, true)),
        }),
    }
}

fn add_principal(list: &mut Vec<(Span, Vec<(JsonString, Node)>)>, key_span: Span, entry: (JsonString, Node)) {
    match list.first_mut() {
        Some((_, entries)) => entries.push(entry),
        None => list.push((key_span, vec![entry])),
    }
}

/// `Principal: {AWS: [...], Service: [...]}` from `principals` blocks; blocks of the same type
/// merge, as the provider merges them.
fn principal_member(key: &str, key_span: Span, entries: Vec<(JsonString, Node)>) -> Member {
    let span = entries
        .iter()
        .map(|(k, v)| k.span.cover(v.span))
        .reduce(Span::cover)
        .unwrap_or(key_span);
    // `type = "*"` with `identifiers = ["*"]` is how the data source writes `"Principal": "*"`
    // (the provider's `aws_iam_policy_document` documentation, `principals`).
    if let [(ty, identifiers)] = entries.as_slice()
        && ty.value == "*"
    {
        let star = match &identifiers.value {
            Value::Array(a) if a.items.len() == 1 => a.items.first().cloned(),
            _ => None,
        };
        return Member {
            key: synthetic_key(key, key_span),
            value: Some(star.unwrap_or_else(|| identifiers.clone())),
        };
    }
    let mut members: Vec<Member> = Vec::new();
    for (ty, identifiers) in entries {
        match members.iter_mut().find(|m| m.key.value == ty.value) {
            Some(existing) => {
                if let Some(v) = existing.value.as_mut() {
                    merge_lists(v, identifiers);
                }
            }
            None => members.push(Member {
                key: ty,
                value: Some(identifiers),
            }),
        }
    }
    Member {
        key: synthetic_key(key, key_span),
        value: Some(Node {
            span,
            value: Value::Object(Object { members, closed: true }),
        }),
    }
}

fn merge_lists(into: &mut Node, more: Node) {
    let take = |n: Node| match n.value {
        Value::Array(a) => a.items,
        _ => vec![n],
    };
    let span = into.span.cover(more.span);
    let mut items = take(std::mem::replace(
        into,
        Node {
            span,
            value: Value::Null,
        },
    ));
    items.extend(take(more));
    *into = Node {
        span,
        value: Value::Array(Array { items, closed: true }),
    };
}

/// `Condition: {test: {variable: values}}` from `condition` blocks.
fn condition_member(key_span: Span, entries: Vec<ConditionBlock>) -> Member {
    let span = entries
        .iter()
        .map(|(t, _, v)| t.span.cover(v.span))
        .reduce(Span::cover)
        .unwrap_or(key_span);
    let mut operators: Vec<Member> = Vec::new();
    for (test, variable, values) in entries {
        let entry = Member {
            key: variable.clone(),
            value: Some(values),
        };
        match operators.iter_mut().find(|m| m.key.value == test.value) {
            Some(op) => {
                if let Some(Node {
                    value: Value::Object(o),
                    span,
                }) = op.value.as_mut()
                {
                    *span = span.cover(variable.span);
                    o.members.push(entry);
                }
            }
            None => operators.push(Member {
                key: test.clone(),
                value: Some(Node {
                    span: test.span.cover(variable.span),
                    value: Value::Object(Object {
                        members: vec![entry],
                        closed: true,
                    }),
                }),
            }),
        }
    }
    Member {
        key: synthetic_key("Condition", key_span),
        value: Some(Node {
            span,
            value: Value::Object(Object {
                members: operators,
                closed: true,
            }),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_to_data_sources() {
        assert_eq!(
            data_source_references("data.aws_iam_policy_document.a.json"),
            ["a".to_owned()]
        );
        assert_eq!(
            data_source_references(
                "[data.aws_iam_policy_document.b[0].minified_json, data.aws_iam_policy_document.c.id]"
            ),
            ["b".to_owned()]
        );
    }
}
