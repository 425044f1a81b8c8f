//! `iam-policy-ls/policyType`: the policy type in force for an open document and why, for an
//! editor's status bar. The answer is `null` for documents that are not policies.

use super::Backend;
use serde::{Deserialize, Serialize};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::TextDocumentIdentifier;

pub const METHOD: &str = "iam-policy-ls/policyType";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyTypeParams {
    pub text_document: TextDocumentIdentifier,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct PolicyTypeResult {
    /// `identity`, `resource`, `trust`, `scp`, `rcp`, `boundary` or `endpoint`.
    pub policy_type: &'static str,
    /// `given` (editor setting or configuration), `fileName`, `inferred` or `template` (where
    /// the policy stands in a template).
    pub source: &'static str,
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
        Ok(self
            .session()
            .with_policy(&params.text_document.uri, |view| PolicyTypeResult {
                policy_type: view.policy_type.as_str(),
                source: source_name(view.type_source),
            }))
    }
}
