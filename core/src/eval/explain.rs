//! The explanation of a decision. Serialized as the `explanation` object of
//! `iam-policy-ls simulate --format json` (a contract: later versions only add fields).

use super::compile::PrincipalMatch;
use serde::Serialize;

/// The final decision, named as AWS names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Decision {
    Allowed,
    ImplicitlyDenied,
    ExplicitlyDenied,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allowed => "Allowed",
            Decision::ImplicitlyDenied => "ImplicitlyDenied",
            Decision::ExplicitlyDenied => "ExplicitlyDenied",
        }
    }
}

/// The policy layers, in the order AWS documents them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Layer {
    Rcp,
    Scp,
    VpcEndpoint,
    Resource,
    Identity,
    PermissionBoundary,
    Session,
}

impl Layer {
    pub fn title(self) -> &'static str {
        match self {
            Layer::Rcp => "RCP",
            Layer::Scp => "SCP",
            Layer::VpcEndpoint => "VPC endpoint policy",
            Layer::Resource => "resource-based policy",
            Layer::Identity => "identity-based policy",
            Layer::PermissionBoundary => "permissions boundary",
            Layer::Session => "session policy",
        }
    }
}

/// What one layer decided on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LayerDecision {
    /// The layer does not take part in this request.
    NotApplicable,
    /// A statement denies explicitly.
    Deny,
    /// A statement allows (and none denies).
    Allow,
    /// No statement matches: an implicit deny if the layer has to allow.
    NoMatch,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    /// One line: why the decision is what it is.
    pub reason: String,
    pub principal: String,
    pub action: String,
    pub resource: String,
    pub resource_account: Option<String>,
    pub cross_account: bool,
    pub layers: Vec<LayerTrace>,
    /// Context keys that a condition or policy variable asked for and the request lacked.
    pub missing_context_keys: Vec<String>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LayerTrace {
    pub layer: Layer,
    /// The organization node (`r-root`, `ou-...`, account id) for SCP and RCP levels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_identifier: Option<String>,
    pub applies: bool,
    pub decision: LayerDecision,
    /// Statements whose action, resource and principal match the request, with their
    /// conditions; `matched` says whether the conditions held too.
    pub statements: Vec<StatementTrace>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ByteRange {
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatementTrace {
    /// The policy's label: its file path, or e.g. `identity[0]` for an inline policy.
    pub policy: String,
    pub statement_index: usize,
    pub sid: Option<String>,
    pub effect: &'static str,
    /// The statement's byte range in the policy's source.
    pub range: ByteRange,
    pub matched: bool,
    /// For resource-based policies: how the Principal element named the caller.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal_match: Option<PrincipalMatch>,
    pub conditions: Vec<ConditionTrace>,
    /// Why the statement matched or not when a special rule decided (a policy variable read
    /// literally, a resource-side statement without Principal, NotPrincipal with a boundary,
    /// an action without resource type).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<TraceNote>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TraceNote {
    pub message: String,
    /// What the note is about in the policy source, when it points at something.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<ByteRange>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConditionTrace {
    pub operator: String,
    pub key: String,
    /// `None` when the request lacks the key.
    pub request_values: Option<Vec<String>>,
    pub policy_values: Vec<String>,
    pub result: bool,
    pub range: ByteRange,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A decision with its explanation (when it was asked for).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub decision: Decision,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Explanation>,
}
