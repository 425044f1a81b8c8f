//! The policy model: a typed view over the JSON value tree. It borrows from the tree, so building
//! it is cheap and every element and value keeps its span. It is lenient: an element of the wrong
//! JSON type is left out of the typed view (the checks report it from the JSON tree), so a
//! half-typed policy still yields everything that can be recovered.

use crate::json::{JsonDocument, JsonString, Member, Node, Object, Value};
use crate::span::Span;
use std::borrow::Cow;

/// Top-level elements a policy may have.
pub const POLICY_ELEMENTS: &[&str] = &["Version", "Id", "Statement"];

/// Elements a statement may have.
pub const STATEMENT_ELEMENTS: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

/// Policy language versions AWS accepts.
pub const VERSIONS: &[&str] = &["2012-10-17", "2008-10-17"];

/// The version that enables policy variables and is current.
pub const CURRENT_VERSION: &str = "2012-10-17";

#[derive(Debug, Clone)]
pub struct Policy<'a> {
    /// The top-level object; `None` when the document is not an object.
    pub object: Option<&'a Object>,
    pub root_span: Span,
    pub version: Option<&'a Member>,
    pub id: Option<&'a Member>,
    pub statement: Option<&'a Member>,
    pub statements: Vec<Statement<'a>>,
}

#[derive(Debug, Clone)]
pub struct Statement<'a> {
    /// Position in the `Statement` array (0 for a single statement object).
    pub index: usize,
    pub span: Span,
    pub object: &'a Object,
    pub sid: Option<&'a JsonString>,
    pub effect: Option<&'a JsonString>,
    pub principal: Option<Principal<'a>>,
    pub not_principal: Option<Principal<'a>>,
    pub action: Option<StringList<'a>>,
    pub not_action: Option<StringList<'a>>,
    pub resource: Option<StringList<'a>>,
    pub not_resource: Option<StringList<'a>>,
    pub condition: Option<Condition<'a>>,
}

/// `Allow` or `Deny`, exactly as AWS spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    pub fn parse(s: &str) -> Option<Effect> {
        match s {
            "Allow" => Some(Effect::Allow),
            "Deny" => Some(Effect::Deny),
            _ => None,
        }
    }
}

/// An element whose value is one string or an array of strings (Action, Resource, ...).
#[derive(Debug, Clone)]
pub struct StringList<'a> {
    pub member: &'a Member,
    /// The string entries; non-string entries are left out (reported by DATA_TYPE_MISMATCH).
    pub items: Vec<&'a JsonString>,
    pub is_array: bool,
}

impl StringList<'_> {
    pub fn key_span(&self) -> Span {
        self.member.key.span
    }

    /// The span of the value (string or array), or of the key when the value is missing.
    pub fn value_span(&self) -> Span {
        self.member.value.as_ref().map_or(self.member.key.span, |v| v.span)
    }

    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.items.iter().map(|s| s.value.as_str())
    }
}

#[derive(Debug, Clone)]
pub enum Principal<'a> {
    /// `"Principal": "*"` (or any other bare string, which the checks report).
    Bare { member: &'a Member, value: &'a JsonString },
    /// `{"AWS": ..., "Service": ...}`.
    Map {
        member: &'a Member,
        entries: Vec<PrincipalEntry<'a>>,
    },
}

impl<'a> Principal<'a> {
    pub fn member(&self) -> &'a Member {
        match self {
            Principal::Bare { member, .. } | Principal::Map { member, .. } => member,
        }
    }
}

#[derive(Debug, Clone)]
pub struct PrincipalEntry<'a> {
    /// `AWS`, `Service`, `Federated` or `CanonicalUser` (or a typo the checks report).
    pub kind: &'a JsonString,
    pub values: Vec<&'a JsonString>,
    pub is_array: bool,
}

#[derive(Debug, Clone)]
pub struct Condition<'a> {
    pub member: &'a Member,
    pub operators: Vec<ConditionOperatorBlock<'a>>,
}

/// `"StringEquals": { key: values, ... }`.
#[derive(Debug, Clone)]
pub struct ConditionOperatorBlock<'a> {
    pub operator: &'a JsonString,
    pub member: &'a Member,
    pub entries: Vec<ConditionEntry<'a>>,
}

/// `"aws:SourceIp": ["10.0.0.0/8", ...]`.
#[derive(Debug, Clone)]
pub struct ConditionEntry<'a> {
    pub key: &'a JsonString,
    pub member: &'a Member,
    pub values: Vec<ConditionValue<'a>>,
    pub is_array: bool,
}

/// One condition value. AWS compares values as strings; JSON numbers and booleans are kept with
/// their source text.
#[derive(Debug, Clone)]
pub struct ConditionValue<'a> {
    pub node: &'a Node,
    pub text: Cow<'a, str>,
    pub json_type: ScalarType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarType {
    String,
    Number,
    Bool,
}

impl<'a> Policy<'a> {
    /// Builds the model of a parsed document. Never fails: what is missing is `None`.
    pub fn from_json(doc: &'a JsonDocument) -> Policy<'a> {
        let root = doc.root.as_ref();
        let object = root.and_then(|r| r.value.as_object());
        let root_span = root.map_or(Span::default(), |r| r.span);
        let element = |name: &str| object.and_then(|o| o.get(name));
        let statement = element("Statement");
        let statements = match statement.and_then(|m| m.value.as_ref()).map(|v| &v.value) {
            Some(Value::Object(_)) => statement
                .and_then(|m| m.value.as_ref())
                .and_then(|node| Statement::from_node(0, node))
                .into_iter()
                .collect(),
            Some(Value::Array(array)) => array
                .items
                .iter()
                .enumerate()
                .filter_map(|(i, node)| Statement::from_node(i, node))
                .collect(),
            _ => Vec::new(),
        };
        Policy {
            object,
            root_span,
            version: element("Version"),
            id: element("Id"),
            statement,
            statements,
        }
    }

    /// The `Version` string, if it is one.
    pub fn version_str(&self) -> Option<&'a str> {
        self.version
            .and_then(|m| m.value.as_ref())
            .and_then(|v| v.value.as_str())
            .map(|s| s.value.as_str())
    }

    /// Whether policy variables are substituted (only under `2012-10-17`).
    pub fn supports_variables(&self) -> bool {
        self.version_str() == Some(CURRENT_VERSION)
    }

    /// The statement whose span contains `offset`.
    pub fn statement_at(&self, offset: usize) -> Option<&Statement<'a>> {
        self.statements.iter().find(|s| s.span.touches(offset))
    }
}

impl<'a> Statement<'a> {
    fn from_node(index: usize, node: &'a Node) -> Option<Statement<'a>> {
        let object = node.value.as_object()?;
        let member = |name: &str| object.get(name);
        let string = |name: &str| {
            member(name)
                .and_then(|m| m.value.as_ref())
                .and_then(|v| v.value.as_str())
        };
        Some(Statement {
            index,
            span: node.span,
            object,
            sid: string("Sid"),
            effect: string("Effect"),
            principal: member("Principal").and_then(Principal::from_member),
            not_principal: member("NotPrincipal").and_then(Principal::from_member),
            action: member("Action").map(StringList::from_member),
            not_action: member("NotAction").map(StringList::from_member),
            resource: member("Resource").map(StringList::from_member),
            not_resource: member("NotResource").map(StringList::from_member),
            condition: member("Condition").map(Condition::from_member),
        })
    }

    pub fn effect(&self) -> Option<Effect> {
        self.effect.and_then(|e| Effect::parse(&e.value))
    }

    /// `Action` or `NotAction`, with a flag telling which.
    pub fn actions(&self) -> Option<(&StringList<'a>, bool)> {
        match (&self.action, &self.not_action) {
            (Some(a), _) => Some((a, false)),
            (None, Some(n)) => Some((n, true)),
            _ => None,
        }
    }

    /// `Resource` or `NotResource`, with a flag telling which.
    pub fn resources(&self) -> Option<(&StringList<'a>, bool)> {
        match (&self.resource, &self.not_resource) {
            (Some(r), _) => Some((r, false)),
            (None, Some(n)) => Some((n, true)),
            _ => None,
        }
    }

    /// A short name for messages: the Sid when there is one, else the position.
    pub fn label(&self) -> String {
        match self.sid {
            Some(sid) if !sid.value.is_empty() => format!("statement \"{}\"", sid.value),
            _ => format!("statement {}", self.index + 1),
        }
    }

    /// The span to point at for "this statement lacks X": its opening brace line, not the
    /// whole statement.
    pub fn head_span(&self) -> Span {
        Span::new(self.span.start, (self.span.start + 1).min(self.span.end))
    }
}

impl<'a> StringList<'a> {
    fn from_member(member: &'a Member) -> StringList<'a> {
        match member.value.as_ref().map(|v| &v.value) {
            Some(Value::String(s)) => StringList {
                member,
                items: vec![s],
                is_array: false,
            },
            Some(Value::Array(array)) => StringList {
                member,
                items: array.items.iter().filter_map(|n| n.value.as_str()).collect(),
                is_array: true,
            },
            _ => StringList {
                member,
                items: Vec::new(),
                is_array: false,
            },
        }
    }
}

impl<'a> Principal<'a> {
    fn from_member(member: &'a Member) -> Option<Principal<'a>> {
        match &member.value.as_ref()?.value {
            Value::String(value) => Some(Principal::Bare { member, value }),
            Value::Object(object) => Some(Principal::Map {
                member,
                entries: object
                    .members
                    .iter()
                    .map(|entry| {
                        let list = StringList::from_member(entry);
                        PrincipalEntry {
                            kind: &entry.key,
                            values: list.items,
                            is_array: list.is_array,
                        }
                    })
                    .collect(),
            }),
            _ => None,
        }
    }
}

impl<'a> Condition<'a> {
    fn from_member(member: &'a Member) -> Condition<'a> {
        let operators = member
            .value
            .as_ref()
            .and_then(|v| v.value.as_object())
            .map(|block| {
                block
                    .members
                    .iter()
                    .map(|op| ConditionOperatorBlock {
                        operator: &op.key,
                        member: op,
                        entries: op
                            .value
                            .as_ref()
                            .and_then(|v| v.value.as_object())
                            .map(|keys| keys.members.iter().map(ConditionEntry::from_member).collect())
                            .unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Condition { member, operators }
    }
}

impl<'a> ConditionEntry<'a> {
    fn from_member(member: &'a Member) -> ConditionEntry<'a> {
        let (nodes, is_array): (Vec<&Node>, bool) = match member.value.as_ref() {
            Some(node) => match &node.value {
                Value::Array(array) => (array.items.iter().collect(), true),
                _ => (vec![node], false),
            },
            None => (Vec::new(), false),
        };
        ConditionEntry {
            key: &member.key,
            member,
            values: nodes.into_iter().filter_map(ConditionValue::from_node).collect(),
            is_array,
        }
    }
}

impl<'a> ConditionValue<'a> {
    fn from_node(node: &'a Node) -> Option<ConditionValue<'a>> {
        let (text, json_type) = match &node.value {
            Value::String(s) => (Cow::Borrowed(s.value.as_str()), ScalarType::String),
            Value::Number(n) => (Cow::Borrowed(n.as_str()), ScalarType::Number),
            Value::Bool(b) => (Cow::Borrowed(if *b { "true" } else { "false" }), ScalarType::Bool),
            _ => return None,
        };
        Some(ConditionValue { node, text, json_type })
    }

    pub fn as_json_string(&self) -> Option<&'a JsonString> {
        self.node.value.as_str()
    }
}

/// The object members of `object` whose key is not in `allowed` (exact case).
pub fn unknown_members<'a>(object: &'a Object, allowed: &[&str]) -> impl Iterator<Item = &'a Member> {
    object
        .members
        .iter()
        .filter(move |m| !allowed.contains(&m.key.value.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn builds_statements_with_spans() {
        let text = r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "A", "Effect": "Allow", "Action": ["s3:GetObject", 3], "Resource": "*",
             "Condition": {"StringEquals": {"aws:username": ["bob", true]}}},
            {"Effect": "Deny", "NotAction": "iam:*", "Principal": {"AWS": "123456789012"}}
        ]}"#;
        let doc = json::parse(text);
        let policy = Policy::from_json(&doc);
        assert!(policy.supports_variables());
        assert_eq!(policy.statements.len(), 2);
        let first = &policy.statements[0];
        assert_eq!(first.effect(), Some(Effect::Allow));
        let actions: Vec<_> = first.action.iter().flat_map(|a| a.values()).collect();
        assert_eq!(actions, ["s3:GetObject"]);
        let cond = first.condition.as_ref().map(|c| &c.operators[0].entries[0]);
        let values: Vec<_> = cond
            .iter()
            .flat_map(|e| e.values.iter().map(|v| v.text.as_ref()))
            .collect();
        assert_eq!(values, ["bob", "true"]);
        let second = &policy.statements[1];
        assert!(matches!(second.actions(), Some((_, true))));
        assert!(matches!(&second.principal, Some(Principal::Map { entries, .. }) if entries.len() == 1));
        let label_span = first.sid.map(|s| &text[s.span.range()]);
        assert_eq!(label_span, Some("\"A\""));
    }

    #[test]
    fn single_statement_object_is_accepted() {
        let doc = json::parse(r#"{"Statement": {"Effect": "Allow"}}"#);
        let policy = Policy::from_json(&doc);
        assert_eq!(policy.statements.len(), 1);
        assert!(!policy.supports_variables());
    }
}
