//! Running a test file's cases through the evaluator.

use super::parse::{Case, Slot, Source, TestFile};
use super::{Problem, codes};
use crate::eval::{
    CompiledPolicy, Context, Decision, EmbeddedCatalog, Evaluation, Layer, LayerDecision, Options, OrgLevel, Policies,
    PrincipalId, Request, StatementTrace, evaluate,
};
use crate::finding::Severity;
use crate::json::{JsonDocument, Value};
use crate::span::Span;

/// The policies of a test file, built; `problems` says which could not be loaded.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    pub policies: Policies,
    pub problems: Vec<Problem>,
}

/// Builds the policies a test file names. `load` gets each path as written and returns the
/// compiled policy (labelled as the caller wants explanations to name it) or a message.
/// Inline policies are labelled by their place (`policies.identity[0]`).
pub fn resolve(file: &TestFile, load: &mut dyn FnMut(&str) -> Result<CompiledPolicy, String>) -> Resolved {
    let mut resolved = Resolved::default();
    let policies = &mut resolved.policies;
    policies.management_account = file.management_account.clone();
    policies.scps = file
        .scp_levels
        .iter()
        .map(|id| OrgLevel {
            org_identifier: id.clone(),
            policies: Vec::new(),
        })
        .collect();
    policies.rcps = file
        .rcp_levels
        .iter()
        .map(|id| OrgLevel {
            org_identifier: id.clone(),
            policies: Vec::new(),
        })
        .collect();
    for r in &file.policies {
        let compiled = match &r.source {
            Source::Inline(node) => {
                let doc = JsonDocument {
                    root: Some(node.clone()),
                    ..JsonDocument::default()
                };
                CompiledPolicy::compile(r.place.clone(), &doc)
            }
            Source::Path(path) => match load(path) {
                Ok(p) => p,
                Err(message) => {
                    resolved.problems.push(Problem {
                        code: codes::POLICY_NOT_LOADED,
                        severity: Severity::Error,
                        span: r.span,
                        message,
                    });
                    continue;
                }
            },
        };
        match r.slot {
            Slot::Identity => policies.identity.push(compiled),
            Slot::Session => policies.session = Some(compiled),
            Slot::PermissionBoundary => policies.permission_boundaries.push(compiled),
            Slot::Resource => policies.resource = Some(compiled),
            Slot::VpcEndpoint => policies.vpc_endpoint.push(compiled),
            Slot::Scp(i) => {
                if let Some(level) = policies.scps.get_mut(i) {
                    level.policies.push(compiled);
                }
            }
            Slot::Rcp(i) => {
                if let Some(level) = policies.rcps.get_mut(i) {
                    level.policies.push(compiled);
                }
            }
        }
    }
    resolved
}

/// Where a failing case points in a policy: a statement, or (`span: None`) the policy as a
/// whole — the editor shows it on the `Statement` key (see [`statement_anchor`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blame {
    /// The policy's label, as the loader labelled it.
    pub policy: String,
    pub span: Option<Span>,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct CaseResult {
    /// Index into [`TestFile::cases`].
    pub case: usize,
    pub name: String,
    pub expected: Option<Decision>,
    /// `None` when the case could not run (a problem in the test file, a policy not loaded).
    pub evaluation: Option<Evaluation>,
    pub passed: bool,
    /// Why the case failed, in one line (with the evaluator's reason), or why it did not run.
    pub message: Option<String>,
    /// The statements that decided (a matching Deny for an explicit deny, the granting Allows
    /// for Allowed), as `(policy label, statement index, Sid, range)`.
    pub deciding: Vec<StatementTrace>,
    /// For a failing case: where to show the failure in the policies.
    pub blame: Vec<Blame>,
}

impl CaseResult {
    pub fn actual(&self) -> Option<Decision> {
        self.evaluation.as_ref().map(|e| e.decision)
    }
}

fn request(file: &TestFile, case: &Case) -> Option<Request> {
    let principal = case.principal.as_ref().or(file.principal.as_ref())?;
    let principal = PrincipalId::parse(&principal.value).ok()?;
    let action = case.action.as_ref()?;
    let resource = case.resource.as_ref()?;
    let account = case
        .resource_account
        .as_ref()
        .or(file.resource_account.as_ref())
        .map(|f| f.value.as_str());
    let mut context = Context::new();
    for (key, values, multi) in file.context.iter().chain(&case.context) {
        if *multi {
            context.insert_multi(key, values.clone());
        } else if let Some(v) = values.first() {
            context.insert(key, v.clone());
        }
    }
    Some(Request::new(
        principal,
        &action.value,
        &resource.value,
        account,
        context,
    ))
}

/// Decides every case. Cases are not run when the file has errors that keep them from
/// running or `resolved` could not load a policy (their result says why).
pub fn run(file: &TestFile, resolved: &Resolved) -> Vec<CaseResult> {
    file.cases.iter().map(|case| run_case(file, case, resolved)).collect()
}

/// Decides one case of `file` (cases are independent: callers may run them in parallel).
pub fn run_case(file: &TestFile, case: &Case, resolved: &Resolved) -> CaseResult {
    let options = Options {
        explain: true,
        catalog: Some(&EmbeddedCatalog),
    };
    let not_run = |message: &str| CaseResult {
        case: case.index,
        name: case.name.clone(),
        expected: case.expect.as_ref().map(|e| e.value),
        evaluation: None,
        passed: false,
        message: Some(message.to_owned()),
        deciding: Vec::new(),
        blame: Vec::new(),
    };
    if !resolved.problems.is_empty() {
        return not_run("not run: a policy could not be loaded");
    }
    let (Some(expect), true) = (case.expect.as_ref(), case.runnable) else {
        return not_run("not run: the case has errors");
    };
    let Some(request) = request(file, case) else {
        return not_run("not run: the case has errors");
    };
    let evaluation = evaluate(&resolved.policies, &request, &options);
    judge(case, expect.value, evaluation, &resolved.policies)
}

fn judge(case: &Case, expected: Decision, evaluation: Evaluation, policies: &Policies) -> CaseResult {
    let actual = evaluation.decision;
    let deciding = deciding_statements(&evaluation);
    let mut message = None;
    if actual != expected {
        message = Some(format!(
            "expected {}, got {}: {}",
            expected.as_str(),
            actual.as_str(),
            reason(&evaluation)
        ));
    } else if let Some(sid) = &case.decided_by
        && !deciding.iter().any(|s| s.sid.as_deref() == Some(sid.value.as_str()))
    {
        let who = if deciding.is_empty() {
            "no statement".to_owned()
        } else {
            deciding.iter().map(describe).collect::<Vec<_>>().join(", ")
        };
        message = Some(format!(
            "expected statement \"{}\" to decide ({}), but {who} decided",
            sid.value,
            actual.as_str()
        ));
    }
    let passed = message.is_none();
    let blame = if passed {
        Vec::new()
    } else {
        blame(case, expected, &evaluation, &deciding, policies)
    };
    CaseResult {
        case: case.index,
        name: case.name.clone(),
        expected: Some(expected),
        evaluation: Some(evaluation),
        passed,
        message,
        deciding,
        blame,
    }
}

fn reason(evaluation: &Evaluation) -> &str {
    evaluation.explanation.as_ref().map_or("", |e| e.reason.as_str())
}

fn layers(evaluation: &Evaluation) -> &[crate::eval::LayerTrace] {
    evaluation.explanation.as_ref().map_or(&[], |e| e.layers.as_slice())
}

fn describe(s: &StatementTrace) -> String {
    match &s.sid {
        Some(sid) => format!("\"{sid}\" in {}", s.policy),
        None => format!("statement {} of {}", s.statement_index, s.policy),
    }
}

/// The statements that decided: every matching Deny for an explicit deny; for Allowed, the
/// matching Allows of the identity and resource layers (the grants; the SCP/RCP/boundary
/// allows only let them through), else every matching Allow.
fn deciding_statements(evaluation: &Evaluation) -> Vec<StatementTrace> {
    let layers = layers(evaluation);
    let matched = |effect: &'static str, pick: &dyn Fn(Layer) -> bool| -> Vec<StatementTrace> {
        layers
            .iter()
            .filter(|l| l.applies && pick(l.layer))
            .flat_map(|l| l.statements.iter())
            .filter(|s| s.matched && s.effect == effect)
            .cloned()
            .collect()
    };
    match evaluation.decision {
        Decision::ExplicitlyDenied => matched("Deny", &|_| true),
        Decision::ImplicitlyDenied => Vec::new(),
        Decision::Allowed => {
            let grants = matched("Allow", &|l| matches!(l, Layer::Identity | Layer::Resource));
            if grants.is_empty() {
                matched("Allow", &|_| true)
            } else {
                grants
            }
        }
    }
}

/// The labels of the policies of one layer (one SCP/RCP level when `org` is given).
fn layer_policies(policies: &Policies, layer: Layer, org: Option<&str>) -> Vec<String> {
    let labels = |list: &[CompiledPolicy]| list.iter().map(|p| p.label.clone()).collect::<Vec<_>>();
    let level = |levels: &[OrgLevel]| {
        levels
            .iter()
            .filter(|l| org.is_none_or(|o| o == l.org_identifier))
            .flat_map(|l| l.policies.iter().map(|p| p.label.clone()))
            .collect::<Vec<_>>()
    };
    match layer {
        Layer::Identity => labels(&policies.identity),
        Layer::PermissionBoundary => labels(&policies.permission_boundaries),
        Layer::VpcEndpoint => labels(&policies.vpc_endpoint),
        Layer::Session => policies.session.iter().map(|p| p.label.clone()).collect(),
        Layer::Resource => policies.resource.iter().map(|p| p.label.clone()).collect(),
        Layer::Scp => level(&policies.scps),
        Layer::Rcp => level(&policies.rcps),
    }
}

fn blame(
    case: &Case,
    expected: Decision,
    evaluation: &Evaluation,
    deciding: &[StatementTrace],
    policies: &Policies,
) -> Vec<Blame> {
    let actual = evaluation.decision;
    let headline = format!(
        "policy test \"{}\": expected {}, got {}: {}",
        case.name,
        expected.as_str(),
        actual.as_str(),
        reason(evaluation)
    );
    if actual == expected {
        // The decision holds but another statement decides: blame the statements that do.
        let message = format!(
            "policy test \"{}\": expected statement \"{}\" to decide, but this statement does",
            case.name,
            case.decided_by.as_ref().map_or("", |d| d.value.as_str())
        );
        return deciding
            .iter()
            .map(|s| Blame {
                policy: s.policy.clone(),
                span: Some(Span::new(s.range.start, s.range.end)),
                message: message.clone(),
            })
            .collect();
    }
    if !deciding.is_empty() {
        return deciding
            .iter()
            .map(|s| Blame {
                policy: s.policy.clone(),
                span: Some(Span::new(s.range.start, s.range.end)),
                message: headline.clone(),
            })
            .collect();
    }
    // Newly denied with no deciding statement: the layers that applied and did not allow.
    let mut out: Vec<Blame> = Vec::new();
    for layer in layers(evaluation) {
        if !layer.applies || layer.decision != LayerDecision::NoMatch {
            continue;
        }
        for policy in layer_policies(policies, layer.layer, layer.org_identifier.as_deref()) {
            if !out.iter().any(|b| b.policy == policy) {
                out.push(Blame {
                    policy,
                    span: None,
                    message: headline.clone(),
                });
            }
        }
    }
    out
}

/// Where a policy-wide diagnostic goes: the `Statement` key, else the first statement, else
/// the start of the document.
pub fn statement_anchor(doc: &JsonDocument) -> Span {
    let Some(root) = doc.root.as_ref() else {
        return Span::empty(0);
    };
    let Some(obj) = root.value.as_object() else {
        return Span::empty(root.span.start);
    };
    match obj.get("Statement") {
        Some(m) => m.key.span,
        None => obj
            .members
            .first()
            .and_then(|m| m.value.as_ref())
            .filter(|n| matches!(n.value, Value::Array(_) | Value::Object(_)))
            .map_or(Span::empty(root.span.start), |n| n.span),
    }
}
