//! `iam-policy-ls/policyType`: the policy type in force for an open document and why, for an
//! editor's status bar. The answer is `null` for documents that are not policies.

use super::Backend;
use serde::{Deserialize, Serialize};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{Position, TextDocumentIdentifier};

pub const METHOD: &str = "iam-policy-ls/policyType";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyTypeParams {
    pub text_document: TextDocumentIdentifier,
    /// In a template: the policy at this position (else the first policy).
    #[serde(default)]
    pub position: Option<Position>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct PolicyTypeResult {
    /// `identity`, `resource`, `trust`, `scp`, `rcp`, `boundary` or `endpoint`.
    pub policy_type: &'static str,
    /// `given` (editor setting or configuration), `fileName`, `inferred` or `template` (where
    /// the policy stands in a template).
    pub source: &'static str,
    /// In a template: where the policy stands (`Resources.AppRole.Properties.Policies[0].PolicyDocument`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// In a template: the policy as JSON (values only known at deploy time hold a stand-in),
    /// for commands such as simulate that need the policy alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
}

fn source_name(source: iam_policy::policy_type::TypeSource) -> &'static str {
    use iam_policy::policy_type::TypeSource;
    match source {
        TypeSource::Given => "given",
        TypeSource::FileName => "fileName",
        TypeSource::Inferred => "inferred",
        TypeSource::Template => "template",
    }
}

impl Backend {
    pub async fn policy_type(&self, params: PolicyTypeParams) -> Result<Option<PolicyTypeResult>> {
        let mut session = self.session();
        let encoding = session.encoding;
        Ok(session
            .with_policies(&params.text_document.uri, |views| {
                let view = match params.position {
                    Some(p) => {
                        let doc = views.first()?.doc;
                        let offset = crate::position::offset(doc.rope(), super::document::to_position(p), encoding);
                        super::session::view_at(views, offset).or_else(|| views.first())
                    }
                    None => views.first(),
                }?;
                Some(PolicyTypeResult {
                    policy_type: view.policy_type.as_str(),
                    source: source_name(view.type_source),
                    pointer: view.embedded.map(|e| e.pointer.clone()),
                    policy: view
                        .embedded
                        .and_then(|e| e.json.root.as_ref())
                        .map(iam_policy::host::compact_json),
                })
            })
            .flatten())
    }
}
