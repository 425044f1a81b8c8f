//! CloudFormation and SAM templates, YAML or JSON: where their resources hold policy documents,
//! with the policy type that follows from the property, and the intrinsic functions resolved
//! to what can be known before deployment.
//!
//! The property list follows the CloudFormation Template Reference
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/>, each resource's
//! page: properties of type `Json` documented as a policy document) and cfn-lint's rules E3510
//! (identity), E3512 (resource) and E3513 (trust), which list the same properties; SAM's from
//! the SAM specification (`AWS::Serverless::Function` `Policies`, `AssumeRolePolicyDocument`;
//! `AWS::Serverless::Api` `Auth.ResourcePolicy.CustomStatements`).

use super::strings::{StrBuilder, UNKNOWN};
use super::yaml::OPAQUE_KEY;
use super::{EmbeddedPolicy, HostDocument, Syntax, embedded_json};
use crate::json::{Array, DuplicateKey, JsonDocument, JsonString, Member, Node, Object, SyntaxError, Value};
use crate::policy_type::PolicyType;
use crate::span::Span;

/// A cheap look at the text before parsing: does it name what templates have?
pub fn looks_like_template(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion")
        || (text.contains("Resources") && text.contains("AWS::"))
        || text.contains("AWS::Serverless")
}

/// Whether a parsed root is a template: `AWSTemplateFormatVersion`, a SAM `Transform`, or
/// `Resources` whose entries have a `Type` of `AWS::...`.
pub fn is_template(root: &Node) -> bool {
    let Some(object) = root.value.as_object() else {
        return false;
    };
    if object.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    let transform = object.get("Transform").and_then(|m| m.value.as_ref());
    let sam = transform.is_some_and(|t| mentions(t, "AWS::Serverless"));
    let resources = object
        .get("Resources")
        .and_then(|m| m.value.as_ref())
        .and_then(|v| v.value.as_object());
    let typed = resources.is_some_and(|r| {
        r.members.iter().any(|m| {
            resource_type(m.value.as_ref()).is_some_and(|t| t.starts_with("AWS::") || t.starts_with("Custom::"))
        })
    });
    sam || typed
}

fn mentions(node: &Node, needle: &str) -> bool {
    match &node.value {
        Value::String(s) => s.value.contains(needle),
        Value::Array(a) => a.items.iter().any(|i| mentions(i, needle)),
        _ => false,
    }
}

fn resource_type(resource: Option<&Node>) -> Option<&str> {
    resource?
        .value
        .as_object()?
        .get("Type")?
        .value
        .as_ref()?
        .value
        .as_str()
        .map(|s| s.value.as_str())
}

/// Whether a property of a resource type can hold policies (so a template reader must read
/// it).
pub fn reads_property(resource_type: &str, property: &str) -> bool {
    SITES
        .iter()
        .any(|(t, path, _)| *t == resource_type && matches!(path.first(), Some(Key(p)) if *p == property))
        // The type of an organization policy decides whether its content is an SCP or an RCP.
        || (resource_type == "AWS::Organizations::Policy" && property == "Type")
}

/// What a property holds.
#[derive(Debug, Clone, Copy)]
enum Holds {
    /// A policy document (an object, or a JSON string).
    Document(PolicyType),
    /// One statement (`AWS::Events::EventBusPolicy` `Statement`).
    Statement(PolicyType),
    /// A statement or a list of statements (SAM `CustomStatements`).
    Statements(PolicyType),
    /// `AWS::Organizations::Policy` `Content`: an SCP or RCP by the resource's `Type`.
    OrganizationsContent,
    /// SAM `Policies`: a managed policy name, a SAM policy template, a document, or a list.
    SamPolicies,
}

/// A step of a property path: a key, or every item of a list.
#[derive(Debug, Clone, Copy)]
enum Step {
    Key(&'static str),
    Each,
}

use PolicyType::{Endpoint, Identity, Resource, Trust};
use Step::{Each, Key};

/// Where each resource type holds policies (see the module docs for the sources).
const SITES: &[(&str, &[Step], Holds)] = &[
    (
        "AWS::IAM::Role",
        &[Key("AssumeRolePolicyDocument")],
        Holds::Document(Trust),
    ),
    (
        "AWS::IAM::Role",
        &[Key("Policies"), Each, Key("PolicyDocument")],
        Holds::Document(Identity),
    ),
    (
        "AWS::IAM::User",
        &[Key("Policies"), Each, Key("PolicyDocument")],
        Holds::Document(Identity),
    ),
    (
        "AWS::IAM::Group",
        &[Key("Policies"), Each, Key("PolicyDocument")],
        Holds::Document(Identity),
    ),
    ("AWS::IAM::Policy", &[Key("PolicyDocument")], Holds::Document(Identity)),
    (
        "AWS::IAM::ManagedPolicy",
        &[Key("PolicyDocument")],
        Holds::Document(Identity),
    ),
    (
        "AWS::IAM::RolePolicy",
        &[Key("PolicyDocument")],
        Holds::Document(Identity),
    ),
    (
        "AWS::IAM::UserPolicy",
        &[Key("PolicyDocument")],
        Holds::Document(Identity),
    ),
    (
        "AWS::IAM::GroupPolicy",
        &[Key("PolicyDocument")],
        Holds::Document(Identity),
    ),
    (
        "AWS::SSO::PermissionSet",
        &[Key("InlinePolicy")],
        Holds::Document(Identity),
    ),
    (
        "AWS::S3::BucketPolicy",
        &[Key("PolicyDocument")],
        Holds::Document(Resource),
    ),
    ("AWS::S3::AccessPoint", &[Key("Policy")], Holds::Document(Resource)),
    (
        "AWS::S3::MultiRegionAccessPointPolicy",
        &[Key("Policy")],
        Holds::Document(Resource),
    ),
    (
        "AWS::S3Express::BucketPolicy",
        &[Key("PolicyDocument")],
        Holds::Document(Resource),
    ),
    (
        "AWS::S3ObjectLambda::AccessPointPolicy",
        &[Key("PolicyDocument")],
        Holds::Document(Resource),
    ),
    (
        "AWS::S3Outposts::BucketPolicy",
        &[Key("PolicyDocument")],
        Holds::Document(Resource),
    ),
    (
        "AWS::S3Outposts::AccessPoint",
        &[Key("Policy")],
        Holds::Document(Resource),
    ),
    (
        "AWS::SQS::QueuePolicy",
        &[Key("PolicyDocument")],
        Holds::Document(Resource),
    ),
    (
        "AWS::SQS::QueueInlinePolicy",
        &[Key("PolicyDocument")],
        Holds::Document(Resource),
    ),
    (
        "AWS::SNS::TopicPolicy",
        &[Key("PolicyDocument")],
        Holds::Document(Resource),
    ),
    (
        "AWS::SNS::TopicInlinePolicy",
        &[Key("PolicyDocument")],
        Holds::Document(Resource),
    ),
    ("AWS::KMS::Key", &[Key("KeyPolicy")], Holds::Document(Resource)),
    ("AWS::KMS::ReplicaKey", &[Key("KeyPolicy")], Holds::Document(Resource)),
    (
        "AWS::SecretsManager::ResourcePolicy",
        &[Key("ResourcePolicy")],
        Holds::Document(Resource),
    ),
    (
        "AWS::ECR::Repository",
        &[Key("RepositoryPolicyText")],
        Holds::Document(Resource),
    ),
    (
        "AWS::ECR::PublicRepository",
        &[Key("RepositoryPolicyText")],
        Holds::Document(Resource),
    ),
    (
        "AWS::ECR::RegistryPolicy",
        &[Key("PolicyText")],
        Holds::Document(Resource),
    ),
    (
        "AWS::Events::EventBusPolicy",
        &[Key("Statement")],
        Holds::Statement(Resource),
    ),
    ("AWS::Events::EventBus", &[Key("Policy")], Holds::Document(Resource)),
    (
        "AWS::OpenSearchService::Domain",
        &[Key("AccessPolicies")],
        Holds::Document(Resource),
    ),
    (
        "AWS::Elasticsearch::Domain",
        &[Key("AccessPolicies")],
        Holds::Document(Resource),
    ),
    (
        "AWS::Logs::ResourcePolicy",
        &[Key("PolicyDocument")],
        Holds::Document(Resource),
    ),
    (
        "AWS::Logs::Destination",
        &[Key("DestinationPolicy")],
        Holds::Document(Resource),
    ),
    (
        "AWS::Backup::BackupVault",
        &[Key("AccessPolicy")],
        Holds::Document(Resource),
    ),
    (
        "AWS::EFS::FileSystem",
        &[Key("FileSystemPolicy")],
        Holds::Document(Resource),
    ),
    ("AWS::ApiGateway::RestApi", &[Key("Policy")], Holds::Document(Resource)),
    (
        "AWS::CodeArtifact::Domain",
        &[Key("PermissionsPolicyDocument")],
        Holds::Document(Resource),
    ),
    (
        "AWS::CodeArtifact::Repository",
        &[Key("PermissionsPolicyDocument")],
        Holds::Document(Resource),
    ),
    (
        "AWS::DynamoDB::Table",
        &[Key("ResourcePolicy"), Key("PolicyDocument")],
        Holds::Document(Resource),
    ),
    (
        "AWS::DynamoDB::Table",
        &[Key("StreamSpecification"), Key("ResourcePolicy"), Key("PolicyDocument")],
        Holds::Document(Resource),
    ),
    (
        "AWS::DynamoDB::GlobalTable",
        &[Key("Replicas"), Each, Key("ResourcePolicy"), Key("PolicyDocument")],
        Holds::Document(Resource),
    ),
    (
        "AWS::Kinesis::ResourcePolicy",
        &[Key("ResourcePolicy")],
        Holds::Document(Resource),
    ),
    (
        "AWS::EventSchemas::RegistryPolicy",
        &[Key("Policy")],
        Holds::Document(Resource),
    ),
    ("AWS::SSM::ResourcePolicy", &[Key("Policy")], Holds::Document(Resource)),
    ("AWS::Lex::ResourcePolicy", &[Key("Policy")], Holds::Document(Resource)),
    (
        "AWS::CloudTrail::ResourcePolicy",
        &[Key("ResourcePolicy")],
        Holds::Document(Resource),
    ),
    ("AWS::OAM::Sink", &[Key("Policy")], Holds::Document(Resource)),
    (
        "AWS::VpcLattice::AuthPolicy",
        &[Key("Policy")],
        Holds::Document(Resource),
    ),
    (
        "AWS::VpcLattice::ResourcePolicy",
        &[Key("Policy")],
        Holds::Document(Resource),
    ),
    (
        "AWS::MediaStore::Container",
        &[Key("Policy")],
        Holds::Document(Resource),
    ),
    (
        "AWS::EC2::VPCEndpoint",
        &[Key("PolicyDocument")],
        Holds::Document(Endpoint),
    ),
    (
        "AWS::Organizations::Policy",
        &[Key("Content")],
        Holds::OrganizationsContent,
    ),
    (
        "AWS::Serverless::Function",
        &[Key("AssumeRolePolicyDocument")],
        Holds::Document(Trust),
    ),
    ("AWS::Serverless::Function", &[Key("Policies")], Holds::SamPolicies),
    ("AWS::Serverless::StateMachine", &[Key("Policies")], Holds::SamPolicies),
    (
        "AWS::Serverless::Api",
        &[Key("Auth"), Key("ResourcePolicy"), Key("CustomStatements")],
        Holds::Statements(Resource),
    ),
];

/// One place where a resource type holds policies, as the documentation lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub resource_type: &'static str,
    /// The property path under `Properties` (`Policies[].PolicyDocument`).
    pub property: String,
    /// What is read there and as which policy type.
    pub reads: String,
}

/// Every place a template's resources are read for policies, in table order.
pub fn sites() -> impl Iterator<Item = Site> {
    SITES.iter().map(|(resource_type, path, holds)| Site {
        resource_type,
        property: property_name(path),
        reads: match holds {
            Holds::Document(t) => format!("{} policy", t.as_str()),
            Holds::Statement(t) => format!("one statement of a {} policy", t.as_str()),
            Holds::Statements(t) => format!("statements of a {} policy", t.as_str()),
            Holds::OrganizationsContent => {
                "scp or rcp policy by the resource's `Type` (other kinds are not IAM policies)".to_owned()
            }
            Holds::SamPolicies => {
                "identity policy: each document in the list (managed policy names and SAM policy templates are skipped)"
                    .to_owned()
            }
        },
    })
}

/// Every policy in a template whose root is `root`. `syntax` is how the template writes values.
pub fn scan(text: &str, root: &Node, syntax: Syntax, errors: Vec<SyntaxError>) -> HostDocument {
    let mut out = HostDocument {
        policies: Vec::new(),
        errors,
        resources: Vec::new(),
    };
    let resources = root
        .value
        .as_object()
        .and_then(|o| o.get("Resources"))
        .and_then(|m| m.value.as_ref())
        .and_then(|v| v.value.as_object());
    let Some(resources) = resources else {
        return out;
    };
    for resource in &resources.members {
        out.resources.push((resource.key.value.clone(), resource.span()));
        scan_resource(text, resource, syntax, &mut out);
    }
    out.policies.sort_by_key(|p| p.span.start);
    out
}

/// The policies of one resource (`resource` is its member of `Resources`), added to `out`.
pub fn scan_resource(text: &str, resource: &Member, syntax: Syntax, out: &mut HostDocument) {
    let Some(node) = resource.value.as_ref() else {
        return;
    };
    let Some(ty) = resource_type(Some(node)) else {
        return;
    };
    let Some(properties) = node
        .value
        .as_object()
        .and_then(|o| o.get("Properties"))
        .and_then(|m| m.value.as_ref())
    else {
        return;
    };
    let base = format!("Resources.{}.Properties", resource.key.value);
    for (site_type, path, holds) in SITES {
        if *site_type != ty {
            continue;
        }
        let mut found = Vec::new();
        walk(properties, path, base.clone(), &mut found);
        for (pointer, value, key_span) in found {
            let reason = format!("{} of {ty}", property_name(path));
            let holds = match holds {
                Holds::OrganizationsContent => match organizations_type(node) {
                    Some(t) => Holds::Document(t),
                    None => continue,
                },
                other => *other,
            };
            embed(text, value, key_span, pointer, holds, reason, syntax, out);
        }
    }
}

fn property_name(path: &[Step]) -> String {
    path.iter()
        .map(|s| match s {
            Key(k) => (*k).to_owned(),
            Each => "[]".to_owned(),
        })
        .collect::<Vec<_>>()
        .join(".")
        .replace(".[]", "[]")
}

/// The nodes at `path` under `node`, with their pointers and the span of their key.
fn walk<'a>(node: &'a Node, path: &[Step], pointer: String, out: &mut Vec<(String, &'a Node, Span)>) {
    let Some((step, rest)) = path.split_first() else {
        return;
    };
    match step {
        Key(key) => {
            let Some(member) = node.value.as_object().and_then(|o| o.get(key)) else {
                return;
            };
            let Some(value) = member.value.as_ref() else {
                return;
            };
            let pointer = format!("{pointer}.{key}");
            if rest.is_empty() {
                out.push((pointer, value, member.key.span));
            } else {
                walk(value, rest, pointer, out);
            }
        }
        Each => {
            if let Some(array) = node.value.as_array() {
                for (i, item) in array.items.iter().enumerate() {
                    walk(item, rest, format!("{pointer}[{i}]"), out);
                }
            }
        }
    }
}

fn organizations_type(resource: &Node) -> Option<PolicyType> {
    let ty = resource
        .value
        .as_object()?
        .get("Properties")?
        .value
        .as_ref()?
        .value
        .as_object()?
        .get("Type")?
        .value
        .as_ref()?
        .value
        .as_str()?;
    match ty.value.as_str() {
        "SERVICE_CONTROL_POLICY" => Some(PolicyType::Scp),
        "RESOURCE_CONTROL_POLICY" => Some(PolicyType::Rcp),
        // Tag, backup, chat and AI opt-out policies are not IAM policies.
        _ => None,
    }
}

/// Turns the value at a policy property into policies.
#[allow(clippy::too_many_arguments)]
fn embed(
    text: &str,
    value: &Node,
    key_span: Span,
    pointer: String,
    holds: Holds,
    reason: String,
    syntax: Syntax,
    out: &mut HostDocument,
) {
    match holds {
        Holds::Document(policy_type) => {
            if let Some(p) = document(text, value, pointer, Some(policy_type), reason, syntax, &out.errors) {
                out.policies.push(p);
            }
        }
        Holds::Statement(policy_type) | Holds::Statements(policy_type) => {
            // A statement (or list of them) stands for the policy
            // `{"Version": "2012-10-17", "Statement": value}`: the service writes the rest.
            let at = Span::empty(value.span.start);
            let mut version = StrBuilder::new();
            version.mapped("2012-10-17", at);
            let wrapper = Node {
                span: value.span,
                value: Value::Object(Object {
                    members: vec![
                        Member {
                            key: JsonString::new("Version".to_owned(), at, true, false),
                            value: Some(Node {
                                span: at,
                                value: Value::String(version.finish(at, at, true)),
                            }),
                        },
                        Member {
                            key: JsonString::new("Statement".to_owned(), key_span, true, false),
                            value: Some(value.clone()),
                        },
                    ],
                    closed: true,
                }),
            };
            if let Some(mut p) = document(text, &wrapper, pointer, Some(policy_type), reason, syntax, &out.errors) {
                p.partial = true;
                out.policies.push(p);
            }
        }
        Holds::SamPolicies => sam_policies(text, value, pointer, reason, syntax, out),
        Holds::OrganizationsContent => {}
    }
}

/// SAM `Policies`: a managed policy name or ARN (a string), a SAM policy template
/// (`{S3ReadPolicy: {BucketName: b}}`), a policy document (`{Statement: ...}`), or a list of
/// them. Only documents are policies to check.
fn sam_policies(text: &str, value: &Node, pointer: String, reason: String, syntax: Syntax, out: &mut HostDocument) {
    let is_document = |n: &Node| n.value.as_object().is_some_and(|o| o.get("Statement").is_some());
    match &value.value {
        Value::Array(array) => {
            for (i, item) in array.items.iter().enumerate() {
                if is_document(item)
                    && let Some(p) = document(
                        text,
                        item,
                        format!("{pointer}[{i}]"),
                        Some(Identity),
                        reason.clone(),
                        syntax,
                        &out.errors,
                    )
                {
                    out.policies.push(p);
                }
            }
        }
        _ if is_document(value) => {
            if let Some(p) = document(text, value, pointer, Some(Identity), reason, syntax, &out.errors) {
                out.policies.push(p);
            }
        }
        _ => {}
    }
}

/// One policy document: intrinsics resolved, or a JSON string read as JSON.
fn document(
    text: &str,
    value: &Node,
    pointer: String,
    policy_type: Option<PolicyType>,
    reason: String,
    syntax: Syntax,
    host_errors: &[SyntaxError],
) -> Option<EmbeddedPolicy> {
    let mut unknown = Vec::new();
    let resolved = resolve(text, value, &mut unknown, 0)?;
    let (root, syntax, mut errors) = match &resolved.value {
        // `PolicyDocument: '{"Version": ...}'` or `!Sub '{...}'`: JSON inside a string.
        Value::String(s) if s.value.trim_start().starts_with('{') => {
            let doc = embedded_json::read(text, s, &mut unknown);
            (doc.root, Syntax::Quoted, doc.syntax_errors)
        }
        // A whole document only known at deploy time (`!Ref PolicyParameter`): nothing to read.
        Value::String(s) if s.has_unknown() => return None,
        _ => (Some(resolved), syntax, Vec::new()),
    };
    let root = root?;
    errors.extend(
        host_errors
            .iter()
            .filter(|e| {
                value.span.contains_span(e.span) || (e.span.start >= value.span.start && e.span.start < value.span.end)
            })
            .cloned(),
    );
    unknown.sort_by_key(|s: &Span| (s.start, s.end));
    let duplicate_keys = duplicate_keys(&root);
    Some(EmbeddedPolicy {
        span: value.span,
        json: JsonDocument {
            root: Some(root),
            syntax_errors: errors,
            duplicate_keys,
        },
        pointer,
        policy_type,
        type_reason: Some(reason),
        syntax,
        unknown,
        partial: false,
    })
}

/// Keys repeated in one object of the policy (YAML and HCL readers do not track them).
pub fn duplicate_keys(root: &Node) -> Vec<DuplicateKey> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::Object(o) => {
                for (i, m) in o.members.iter().enumerate() {
                    if let Some(first) = o.members.iter().take(i).find(|f| f.key.value == m.key.value) {
                        out.push(DuplicateKey {
                            key: m.key.value.clone(),
                            first: first.key.span,
                            duplicate: m.key.span,
                        });
                    }
                    stack.extend(m.value.as_ref());
                }
            }
            Value::Array(a) => stack.extend(a.items.iter()),
            _ => {}
        }
    }
    out.sort_by_key(|d| d.duplicate.start);
    out
}

/// Pseudo parameters whose value has a known shape: a valid stand-in keeps the checks able to
/// judge the rest (`arn:${AWS::Partition}:iam:${AWS::Region}:...` still has a region where IAM
/// takes none).
fn pseudo_parameter(name: &str) -> Option<&'static str> {
    Some(match name {
        "AWS::Partition" => "aws",
        "AWS::Region" => "us-east-1",
        "AWS::AccountId" => "123456789012",
        "AWS::URLSuffix" => "amazonaws.com",
        _ => return None,
    })
}

/// The value of a node with intrinsic functions resolved as far as they can be before
/// deployment; `None` for `AWS::NoValue` (the element is absent). Unknown parts are recorded
/// in `unknown` (host spans).
fn resolve(text: &str, node: &Node, unknown: &mut Vec<Span>, depth: usize) -> Option<Node> {
    if depth > crate::json::MAX_DEPTH {
        return Some(node.clone());
    }
    match &node.value {
        Value::Object(object) => {
            if let [only] = object.members.as_slice()
                && is_intrinsic(&only.key.value)
            {
                return intrinsic(text, node, only, unknown, depth);
            }
            let members = object
                .members
                .iter()
                .filter_map(|m| match &m.value {
                    Some(v) => resolve(text, v, unknown, depth + 1).map(|v| Member {
                        key: m.key.clone(),
                        value: Some(v),
                    }),
                    None => Some(m.clone()),
                })
                .collect();
            Some(Node {
                span: node.span,
                value: Value::Object(Object {
                    members,
                    closed: object.closed,
                }),
            })
        }
        Value::Array(array) => Some(Node {
            span: node.span,
            value: Value::Array(Array {
                items: array
                    .items
                    .iter()
                    .filter_map(|i| resolve(text, i, unknown, depth + 1))
                    .collect(),
                closed: array.closed,
            }),
        }),
        _ => Some(node.clone()),
    }
}

fn is_intrinsic(key: &str) -> bool {
    key == "Ref" || key.starts_with("Fn::") || key == OPAQUE_KEY
}

fn intrinsic(text: &str, node: &Node, call: &Member, unknown: &mut Vec<Span>, depth: usize) -> Option<Node> {
    let argument = call.value.as_ref();
    match call.key.value.as_str() {
        "Ref" => {
            let name = argument.and_then(|a| a.value.as_str()).map(|s| s.value.as_str());
            if name == Some("AWS::NoValue") {
                return None;
            }
            match name.and_then(pseudo_parameter) {
                Some(stand_in) => Some(known(node.span, stand_in)),
                None => Some(opaque(node.span, unknown)),
            }
        }
        "Fn::Sub" => {
            let (template, variables) = match argument.map(|a| &a.value) {
                Some(Value::String(s)) => (Some(s), None),
                Some(Value::Array(a)) => (
                    a.items.first().and_then(|t| t.value.as_str()),
                    a.items.get(1).and_then(|v| v.value.as_object()),
                ),
                _ => (None, None),
            };
            match template {
                Some(t) => Some(Node {
                    span: node.span,
                    value: Value::String(substitute(text, t, variables, node.span, unknown)),
                }),
                None => Some(opaque(node.span, unknown)),
            }
        }
        "Fn::Join" => Some(join(text, node, argument, unknown, depth).unwrap_or_else(|| opaque(node.span, unknown))),
        _ => Some(opaque(node.span, unknown)),
    }
}

/// A value whose shape is known (a pseudo parameter), standing for `span`.
fn known(span: Span, stand_in: &str) -> Node {
    let mut b = StrBuilder::new();
    b.mapped(stand_in, span);
    Node {
        span,
        value: Value::String(b.finish(span, span, true)),
    }
}

/// A value only known at deploy time.
fn opaque(span: Span, unknown: &mut Vec<Span>) -> Node {
    unknown.push(span);
    let mut b = StrBuilder::new();
    b.unknown(UNKNOWN, span);
    Node {
        span,
        value: Value::String(b.finish(span, span, true)),
    }
}

/// `Fn::Sub`: `${Name}` is a parameter, resource or attribute (unknown unless a pseudo parameter
/// of known shape), `${!Literal}` is the text `${Literal}` (an IAM policy variable, usually).
fn substitute(
    text: &str,
    template: &JsonString,
    variables: Option<&Object>,
    span: Span,
    unknown: &mut Vec<Span>,
) -> JsonString {
    let value = template.value.as_str();
    let host = super::strings::host_of(template, text);
    let mut b = StrBuilder::new();
    let mut rest = 0usize;
    let mut i = 0usize;
    while let Some(found) = value.get(i..).and_then(|t| t.find("${")) {
        let open = i + found;
        let Some(close) = value.get(open..).and_then(|t| t.find('}')).map(|c| open + c) else {
            break;
        };
        let name = value.get(open + 2..close).unwrap_or("");
        b.append_range(template, text, rest..open);
        if name.starts_with('!') {
            // `${!aws:username}` is written without the `!`.
            b.mapped("${", host.source_span(open..open + 3));
            b.append_range(template, text, open + 3..close);
            b.mapped("}", host.source_span(close..close + 1));
        } else {
            let name = name.trim();
            let at = host.source_span(open..close + 1);
            let stand_in = pseudo_parameter(name).filter(|_| variables.and_then(|v| v.get(name)).is_none());
            match stand_in {
                Some(known) => b.mapped(known, at),
                None => {
                    unknown.push(at);
                    b.unknown(UNKNOWN, at);
                }
            }
        }
        rest = close + 1;
        i = close + 1;
    }
    b.append_range(template, text, rest..value.len());
    b.finish(span, template.content_span(), template.terminated)
}

/// `Fn::Join [delimiter, [parts]]`: literal parts as written, the others unknown.
fn join(text: &str, node: &Node, argument: Option<&Node>, unknown: &mut Vec<Span>, depth: usize) -> Option<Node> {
    let args = argument?.value.as_array()?;
    let delimiter = args.items.first()?.value.as_str()?;
    let parts = args.items.get(1)?.value.as_array()?;
    let mut b = StrBuilder::new();
    for (i, part) in parts.items.iter().enumerate() {
        if i > 0 {
            b.append(delimiter, text);
        }
        match resolve(text, part, unknown, depth + 1).map(|p| p.value) {
            Some(Value::String(s)) => b.append(&s, text),
            Some(_) => {
                unknown.push(part.span);
                b.unknown(UNKNOWN, part.span);
            }
            None => {}
        }
    }
    Some(Node {
        span: node.span,
        value: Value::String(b.finish(node.span, node.span, true)),
    })
}
