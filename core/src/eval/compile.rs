//! Policies compiled once into an evaluation-ready form: lowercased action patterns, parsed
//! operators, CIDRs, dates and numbers, split ARN patterns. A compiled policy owns its data, so
//! the source text and syntax tree can be dropped.

use super::arn::{ArnValue, ServiceScope};
use super::condition::CompiledCondition;
use super::request::{Context, PrincipalId};
use crate::Span;
use crate::glob::Glob;
use crate::json::JsonDocument;
use crate::model::{Effect, Policy, Principal};
use std::sync::Arc;

/// A compiled policy document. Cloning is cheap (the statements are shared), so one compiled
/// text can serve many requests under different labels and offsets ([`CompiledPolicy::placed`]).
#[derive(Debug, Clone)]
pub struct CompiledPolicy {
    /// How explanations name the policy: a file path, or `identity[0]` for an inline policy.
    pub label: String,
    /// Added to the policy's byte ranges in explanations: where its text starts in the source
    /// the ranges refer to (an inline policy compiled from its own slice of a request).
    pub offset: usize,
    /// `Version` is `2012-10-17`, so policy variables are substituted.
    pub supports_variables: bool,
    pub statements: Arc<[CompiledStatement]>,
    /// Statements left out and why (no valid Effect, ...); explanations prefix the label.
    pub warnings: Arc<[String]>,
}

#[derive(Debug, Clone)]
pub struct CompiledStatement {
    pub index: usize,
    pub sid: Option<String>,
    pub span: Span,
    pub effect: Effect,
    pub principal: Option<PrincipalMatcher>,
    /// `None` when the statement has neither Action nor NotAction (it matches nothing).
    pub actions: Option<Matcher<Glob>>,
    /// `None` when the statement has neither Resource nor NotResource (trust policies): it
    /// matches every resource.
    pub resources: Option<Matcher<ArnValue>>,
    pub conditions: Vec<CompiledCondition>,
    /// Policy variables read as literal text because the policy lacks `Version: 2012-10-17`.
    pub literal_variables: Vec<LiteralVariable>,
}

/// A `${...}` that is matched as plain text, with where it is in the policy source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiteralVariable {
    /// `Resource`, `NotResource` or the condition key whose value holds it.
    pub element: String,
    /// The variable as written (`${aws:username}`).
    pub text: String,
    /// The variable itself when the string has no escapes, else the whole string.
    pub span: Span,
}

/// A list of patterns, or its `Not...` complement.
#[derive(Debug, Clone)]
pub struct Matcher<T> {
    pub patterns: Vec<T>,
    pub negated: bool,
}

/// `Principal` or `NotPrincipal`.
#[derive(Debug, Clone)]
pub struct PrincipalMatcher {
    pub patterns: Vec<PrincipalPattern>,
    pub negated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalPattern {
    /// `"*"` or `{"AWS": "*"}`: everyone, including anonymous callers.
    Everyone,
    /// `"111122223333"` or `arn:aws:iam::111122223333:root`: delegates to the account.
    Account(String),
    /// Any other `AWS` ARN (user, role, assumed-role session, federated user), lowercased.
    Arn(String),
    /// `Service`, `Federated` or `CanonicalUser` values, lowercased.
    Named(String),
}

/// How a resource-policy statement named the caller; decides which caps still apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PrincipalMatch {
    /// The caller's account: a delegation to the account's identity policies, not a grant.
    Account,
    /// The role of a role session: the identity policy is bypassed, boundary and session
    /// policy still cap.
    RoleArn,
    /// The caller itself (user ARN, session ARN, federated-user ARN, service, `*`): no cap.
    Exact,
}

impl PrincipalPattern {
    fn parse_aws(value: &str) -> PrincipalPattern {
        if value == "*" {
            return PrincipalPattern::Everyone;
        }
        if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
            return PrincipalPattern::Account(value.to_string());
        }
        let parts: Vec<&str> = value.splitn(6, ':').collect();
        if let [_, _, "iam", _, account, "root"] = parts.as_slice() {
            return PrincipalPattern::Account((*account).to_string());
        }
        PrincipalPattern::Arn(value.to_ascii_lowercase())
    }

    /// Whether this pattern names `caller`, and how.
    pub fn matches(&self, caller: &PrincipalId) -> Option<PrincipalMatch> {
        match (self, caller) {
            (PrincipalPattern::Everyone, _) => Some(PrincipalMatch::Exact),
            (PrincipalPattern::Account(a), c) => (c.account() == Some(a.as_str())).then_some(PrincipalMatch::Account),
            (
                PrincipalPattern::Arn(p),
                PrincipalId::RoleSession {
                    arn,
                    account,
                    role_name,
                    ..
                },
            ) => {
                if p.eq_ignore_ascii_case(arn) {
                    return Some(PrincipalMatch::Exact);
                }
                // arn:aws:iam::ACCOUNT:role/optional/path/NAME names the session's role.
                let parts: Vec<&str> = p.splitn(6, ':').collect();
                match parts.as_slice() {
                    [_, _, "iam", _, acct, res]
                        if acct == account
                            && res.starts_with("role/")
                            && res
                                .rsplit('/')
                                .next()
                                .is_some_and(|n| n.eq_ignore_ascii_case(role_name)) =>
                    {
                        Some(PrincipalMatch::RoleArn)
                    }
                    _ => None,
                }
            }
            (PrincipalPattern::Arn(p), PrincipalId::Role { arn, .. }) => {
                p.eq_ignore_ascii_case(arn).then_some(PrincipalMatch::RoleArn)
            }
            (
                PrincipalPattern::Arn(p),
                PrincipalId::User { arn, .. } | PrincipalId::FederatedUser { arn, .. } | PrincipalId::Root { arn, .. },
            ) => p.eq_ignore_ascii_case(arn).then_some(PrincipalMatch::Exact),
            (PrincipalPattern::Named(n), PrincipalId::Service { name }) => {
                n.eq_ignore_ascii_case(name).then_some(PrincipalMatch::Exact)
            }
            _ => None,
        }
    }
}

impl PrincipalMatcher {
    /// The strongest way the element names the caller; for `NotPrincipal`, `Exact` when the
    /// caller is not excluded.
    pub fn matches(&self, caller: &PrincipalId) -> Option<PrincipalMatch> {
        let best = self.patterns.iter().filter_map(|p| p.matches(caller)).max();
        if self.negated {
            best.is_none().then_some(PrincipalMatch::Exact)
        } else {
            best
        }
    }
}

impl Matcher<Glob> {
    /// Matches a lowercased action.
    pub fn matches(&self, action_lower: &str) -> bool {
        self.patterns.iter().any(|g| g.matches(action_lower)) != self.negated
    }
}

impl Matcher<ArnValue> {
    /// Matches a resource. `service_wide`: the action takes no resource type and the request
    /// names no ARN, so an entry matches when it covers a whole resource type of the service.
    pub fn matches(&self, resource: &str, context: &Context, service_wide: Option<&ServiceScope<'_>>) -> bool {
        let any = self.patterns.iter().any(|p| match service_wide {
            Some(scope) => p.is_service_wide(scope),
            None => p.matches(resource, context).unwrap_or(false),
        });
        any != self.negated
    }
}

impl CompiledPolicy {
    /// Compiles a parsed policy document. Never fails: statements that cannot take part in a
    /// decision are left out with a warning (the checks report them in detail).
    pub fn compile(label: impl Into<String>, doc: &JsonDocument) -> CompiledPolicy {
        let policy = Policy::from_json(doc);
        Self::from_policy(label, &policy)
    }

    /// Parses and compiles policy text.
    pub fn from_text(label: impl Into<String>, text: &str) -> CompiledPolicy {
        Self::compile(label, &crate::json::parse(text))
    }

    /// The same compiled policy under another label, its text starting at `offset`.
    pub fn placed(&self, label: impl Into<String>, offset: usize) -> CompiledPolicy {
        CompiledPolicy {
            label: label.into(),
            offset,
            ..self.clone()
        }
    }

    pub fn from_policy(label: impl Into<String>, policy: &Policy<'_>) -> CompiledPolicy {
        let label = label.into();
        let variables = policy.supports_variables();
        let mut warnings = Vec::new();
        let mut statements = Vec::with_capacity(policy.statements.len());
        for st in &policy.statements {
            let Some(effect) = st.effect() else {
                warnings.push(format!(
                    "statement {} has no valid Effect (\"Allow\" or \"Deny\") and is ignored",
                    st.index
                ));
                continue;
            };
            let principal = match (&st.principal, &st.not_principal) {
                (Some(p), _) => Some(principal_matcher(p, false)),
                (None, Some(p)) => Some(principal_matcher(p, true)),
                _ => None,
            };
            let actions = st.actions().map(|(list, negated)| Matcher {
                patterns: list.values().map(|a| Glob::new(a, true)).collect(),
                negated,
            });
            let resources = st.resources().map(|(list, negated)| Matcher {
                patterns: list.values().map(|r| ArnValue::new(r, variables)).collect(),
                negated,
            });
            let mut literal_variables = Vec::new();
            if !variables {
                if let Some((list, negated)) = st.resources() {
                    let element = if negated { "NotResource" } else { "Resource" };
                    for item in &list.items {
                        literal_variables.extend(literal_variables_in(element, item));
                    }
                }
                for entry in st.condition.iter().flat_map(|c| &c.operators).flat_map(|b| &b.entries) {
                    for value in &entry.values {
                        if let crate::json::Value::String(item) = &value.node.value {
                            literal_variables.extend(literal_variables_in(&entry.key.value, item));
                        }
                    }
                }
            }
            let mut conditions = Vec::new();
            for block in st.condition.iter().flat_map(|c| &c.operators) {
                for entry in &block.entries {
                    let values: Vec<&str> = entry.values.iter().map(|v| v.text.as_ref()).collect();
                    conditions.push(CompiledCondition::new(
                        &block.operator.value,
                        &entry.key.value,
                        &values,
                        entry.member.span(),
                        variables,
                    ));
                }
            }
            statements.push(CompiledStatement {
                index: st.index,
                sid: st.sid.map(|s| s.value.clone()),
                span: st.span,
                effect,
                principal,
                actions,
                resources,
                conditions,
                literal_variables,
            });
        }
        CompiledPolicy {
            label,
            offset: 0,
            supports_variables: variables,
            statements: statements.into(),
            warnings: warnings.into(),
        }
    }
}

/// The `${...}` variables in a string that the policy's version reads literally.
fn literal_variables_in(element: &str, item: &crate::json::JsonString) -> Vec<LiteralVariable> {
    if !crate::variables::has_variables(&item.value) {
        return Vec::new();
    }
    crate::variables::scan(&item.value)
        .into_iter()
        .filter_map(|piece| match piece {
            crate::variables::Piece::Variable { range, .. } | crate::variables::Piece::Literal { range, .. } => {
                let text = item.value.get(range.clone())?.to_string();
                let content = item.content_span();
                let span = if item.has_escapes {
                    item.span
                } else {
                    Span::new(content.start + range.start, content.start + range.end)
                };
                Some(LiteralVariable {
                    element: element.to_string(),
                    text,
                    span,
                })
            }
            _ => None,
        })
        .collect()
}

fn principal_matcher(p: &Principal<'_>, negated: bool) -> PrincipalMatcher {
    let patterns = match p {
        Principal::Bare { value, .. } if value.value == "*" => vec![PrincipalPattern::Everyone],
        Principal::Bare { .. } => Vec::new(),
        Principal::Map { entries, .. } => entries
            .iter()
            .flat_map(|e| {
                let aws = e.kind.value == "AWS";
                e.values.iter().map(move |v| {
                    if aws {
                        PrincipalPattern::parse_aws(&v.value)
                    } else {
                        PrincipalPattern::Named(v.value.to_ascii_lowercase())
                    }
                })
            })
            .collect(),
    };
    PrincipalMatcher { patterns, negated }
}
