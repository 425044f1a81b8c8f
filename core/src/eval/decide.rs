//! The decision: AWS's layer logic over compiled policies.

use super::arn::ServiceScope;
use super::compile::{CompiledPolicy, CompiledStatement, PrincipalMatch};
use super::condition::Note;
use super::explain::{
    ByteRange, ConditionTrace, Decision, Evaluation, Explanation, Layer, LayerDecision, LayerTrace, StatementTrace,
    TraceNote,
};
use super::protected;
use super::request::{PrincipalId, Request};
use crate::model::Effect;

/// The policies that may take part in a request. Empty lists and `None` mean "none".
#[derive(Debug, Clone, Default)]
pub struct Policies {
    pub identity: Vec<CompiledPolicy>,
    pub session: Option<CompiledPolicy>,
    /// A principal has at most one boundary; several documents are read as one boundary split
    /// across files (their statements are pooled).
    pub permission_boundaries: Vec<CompiledPolicy>,
    pub resource: Option<CompiledPolicy>,
    /// Root first, then each OU, then the account. Empty: SCPs do not apply.
    pub scps: Vec<OrgLevel>,
    /// Same shape as `scps`, evaluated as given.
    pub rcps: Vec<OrgLevel>,
    /// Pooled like the boundary.
    pub vpc_endpoint: Vec<CompiledPolicy>,
    /// The organization's management account: SCPs do not restrict its principals, RCPs do not
    /// restrict its resources.
    pub management_account: Option<String>,
}

/// The policies attached at one node of the organization.
#[derive(Debug, Clone, Default)]
pub struct OrgLevel {
    pub org_identifier: String,
    pub policies: Vec<CompiledPolicy>,
}

/// What the service catalog knows, for the evaluator. Every method may answer `None`
/// ("unknown"), which keeps the catalog-free behaviour.
pub trait ActionCatalog {
    /// `Some(false)` when the action supports no resource type. AWS then authorizes the request
    /// against an ARN of the service's choosing: a request whose resource is `*` is matched by
    /// the entries that cover a whole resource type of the service (`*`, `arn:aws:s3:::*`,
    /// `arn:aws:iam::*:role/*`), not by an ARN naming one resource; a request that gives an ARN
    /// is matched as usual (see docs/simulate.md).
    fn takes_resource_type(&self, _action: &str) -> Option<bool> {
        None
    }
}

#[derive(Clone, Copy, Default)]
pub struct Options<'c> {
    /// Build the explanation (slower; the decision is the same).
    pub explain: bool,
    pub catalog: Option<&'c dyn ActionCatalog>,
}

/// Decides a request (no explanation).
pub fn decide(policies: &Policies, request: &Request) -> Decision {
    evaluate(policies, request, &Options::default()).decision
}

/// Decides a request and explains the decision.
pub fn explain(policies: &Policies, request: &Request) -> Evaluation {
    evaluate(
        policies,
        request,
        &Options {
            explain: true,
            catalog: None,
        },
    )
}

type StmtRef<'p> = (&'p CompiledPolicy, &'p CompiledStatement);

/// What one layer (or one organization level) found.
#[derive(Default)]
struct Outcome<'p> {
    applies: bool,
    deny: Option<StmtRef<'p>>,
    /// The first allowing statement, and the strongest principal match among allowing
    /// statements (for resource-based policies).
    allow: Option<StmtRef<'p>>,
    principal: Option<PrincipalMatch>,
    trace: Vec<StatementTrace>,
}

impl Outcome<'_> {
    fn decision(&self) -> LayerDecision {
        if !self.applies {
            LayerDecision::NotApplicable
        } else if self.deny.is_some() {
            LayerDecision::Deny
        } else if self.allow.is_some() {
            LayerDecision::Allow
        } else {
            LayerDecision::NoMatch
        }
    }

    fn allows(&self) -> bool {
        self.allow.is_some()
    }
}

struct Run<'r> {
    request: &'r Request,
    explain: bool,
    /// Set when the action takes no resource type and the request names no ARN.
    service_wide: Option<ServiceScope<'r>>,
    /// The caller is an IAM user or role session with a permissions boundary.
    caller_has_boundary: bool,
    missing: Vec<String>,
}

/// What a statement trace says beyond its conditions.
struct Traced {
    matched: bool,
    principal: Option<PrincipalMatch>,
    conditions: Vec<ConditionTrace>,
    notes: Vec<TraceNote>,
}

impl<'r> Run<'r> {
    fn layer<'p>(
        &mut self,
        policies: impl IntoIterator<Item = &'p CompiledPolicy>,
        applies: bool,
        check_principal: bool,
    ) -> Outcome<'p> {
        let mut out = Outcome {
            applies,
            ..Outcome::default()
        };
        if !applies {
            return out;
        }
        for policy in policies {
            for st in policy.statements.iter() {
                self.statement(policy, st, check_principal, &mut out);
            }
        }
        out
    }

    fn statement<'p>(
        &mut self,
        policy: &'p CompiledPolicy,
        st: &'p CompiledStatement,
        check_principal: bool,
        out: &mut Outcome<'p>,
    ) {
        let req = self.request;
        if !st.actions.as_ref().is_some_and(|a| a.matches(&req.action_lower)) {
            return;
        }
        let mut notes = Vec::new();
        if let Some(r) = &st.resources {
            if !r.matches(&req.resource, &req.context, self.service_wide.as_ref()) {
                if self.explain && literal_variable_notes(policy, st, |e| e.ends_with("Resource"), &mut notes) {
                    let trace = Traced {
                        matched: false,
                        principal: None,
                        conditions: Vec::new(),
                        notes,
                    };
                    out.trace.push(statement_trace(policy, st, trace));
                }
                return;
            }
            if self.explain
                && let Some(scope) = &self.service_wide
                && !r.negated
                && r.patterns.iter().any(|p| !p.is_star())
            {
                notes.push(TraceNote {
                    message: format!(
                        "{} has no resource type in the Service Authorization Reference: AWS authorizes it against an ARN of \
                         its own in {}, which a Resource entry covering a whole resource type of the service matches",
                        req.action, scope.service
                    ),
                    range: None,
                });
            }
        }
        let principal = if check_principal {
            match &st.principal {
                None => {
                    if self.explain {
                        notes.push(TraceNote {
                            message:
                                "the statement has no Principal: AWS refuses to store such a resource-side policy, so \
                                      the statement is ignored"
                                    .into(),
                            range: None,
                        });
                        let trace = Traced {
                            matched: false,
                            principal: None,
                            conditions: Vec::new(),
                            notes,
                        };
                        out.trace.push(statement_trace(policy, st, trace));
                    }
                    return;
                }
                Some(p) if p.negated && st.effect == Effect::Deny && self.caller_has_boundary => {
                    if self.explain {
                        notes.push(TraceNote {
                            message:
                                "NotPrincipal with Deny denies every IAM principal that has a permissions boundary, \
                                      whatever NotPrincipal lists"
                                    .into(),
                            range: None,
                        });
                    }
                    Some(PrincipalMatch::Exact)
                }
                Some(p) => match p.matches(&req.principal) {
                    Some(m) => Some(m),
                    None => return,
                },
            }
        } else {
            None
        };
        let matched = if self.explain {
            let mut all = true;
            let mut conditions = Vec::with_capacity(st.conditions.len());
            for c in &st.conditions {
                let (result, note) = c.evaluate(&req.context);
                all &= result;
                let entry = c.lookup(&req.context);
                if entry.is_none() && c.op.is_some() && !self.missing.iter().any(|m| m.eq_ignore_ascii_case(&c.key)) {
                    self.missing.push(c.key.clone());
                }
                for var in c.variable_keys() {
                    if req.context.get(var).is_none() && !self.missing.iter().any(|m| m.eq_ignore_ascii_case(var)) {
                        self.missing.push(var.to_string());
                    }
                }
                conditions.push(ConditionTrace {
                    operator: c.operator_name.clone(),
                    key: c.key.clone(),
                    request_values: entry.map(|e| e.values.clone()),
                    policy_values: c.policy_values.clone(),
                    result,
                    range: ByteRange {
                        start: policy.offset + c.span.start,
                        end: policy.offset + c.span.end,
                    },
                    note: note_text(note),
                });
            }
            if !all {
                literal_variable_notes(policy, st, |e| !e.ends_with("Resource"), &mut notes);
            }
            let trace = Traced {
                matched: all,
                principal,
                conditions,
                notes,
            };
            out.trace.push(statement_trace(policy, st, trace));
            all
        } else {
            st.conditions.iter().all(|c| c.evaluate(&req.context).0)
        };
        if !matched {
            return;
        }
        match st.effect {
            Effect::Deny => {
                if out.deny.is_none() {
                    out.deny = Some((policy, st));
                }
            }
            Effect::Allow => {
                if out.allow.is_none() {
                    out.allow = Some((policy, st));
                }
                out.principal = out.principal.max(principal);
            }
        }
    }
}

fn statement_trace(policy: &CompiledPolicy, st: &CompiledStatement, traced: Traced) -> StatementTrace {
    StatementTrace {
        policy: policy.label.clone(),
        statement_index: st.index,
        sid: st.sid.clone(),
        effect: match st.effect {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        },
        range: ByteRange {
            start: policy.offset + st.span.start,
            end: policy.offset + st.span.end,
        },
        matched: traced.matched,
        principal_match: traced.principal,
        conditions: traced.conditions,
        notes: traced.notes,
    }
}

/// Notes for the statement's literally read variables whose element passes `pick`; true when
/// there was one.
fn literal_variable_notes(
    policy: &CompiledPolicy,
    st: &CompiledStatement,
    pick: impl Fn(&str) -> bool,
    notes: &mut Vec<TraceNote>,
) -> bool {
    let before = notes.len();
    for v in st.literal_variables.iter().filter(|v| pick(&v.element)) {
        notes.push(TraceNote {
            message: format!(
                "{} in {} is matched as literal text: the policy has no \"Version\": \"2012-10-17\", so policy \
                 variables are not substituted",
                v.text, v.element
            ),
            range: Some(ByteRange {
                start: policy.offset + v.span.start,
                end: policy.offset + v.span.end,
            }),
        });
    }
    notes.len() > before
}

fn note_text(note: Note) -> Option<String> {
    match note {
        Note::None => None,
        Note::KeyMissing => Some("the request has no value for this key".into()),
        Note::UnknownOperator => Some("unknown condition operator: the condition never holds".into()),
        Note::PlainOperatorOnMultivaluedKey => Some(
            "the key has several values and the operator has no ForAnyValue:/ForAllValues: qualifier: \
             it matches none of them"
                .into(),
        ),
        Note::VariableMissing => {
            Some("a policy variable has no value in the request and no default: that value matches nothing".into())
        }
    }
}

fn describe(layer: Layer, (policy, st): StmtRef<'_>) -> String {
    let sid = st.sid.as_deref().filter(|s| !s.is_empty());
    match sid {
        Some(sid) => format!(
            "{} {} statement {} (\"{}\")",
            layer.title(),
            policy.label,
            st.index,
            sid
        ),
        None => format!("{} {} statement {}", layer.title(), policy.label, st.index),
    }
}

/// Whether the resource's own policy must allow even in the same account. KMS aliases are not
/// keys: they have no policy of their own and IAM policies alone govern them.
fn needs_explicit_resource_grant(request: &Request) -> Option<&'static str> {
    let mut parts = request.resource.splitn(6, ':');
    let service = parts.nth(2).unwrap_or("");
    let resource = parts.nth(2).unwrap_or("");
    let action = request.action_lower.as_str();
    if request.resource.starts_with("arn:") && service == "kms" && resource.starts_with("key/") {
        Some("KMS key policy")
    } else if service == "iam" && resource.starts_with("role/") && action.starts_with("sts:") {
        Some("role trust policy")
    } else {
        None
    }
}

/// Decides a request, with the explanation when `options.explain`.
pub fn evaluate(policies: &Policies, request: &Request, options: &Options<'_>) -> Evaluation {
    let caller = &request.principal;
    let iam = caller.is_iam();
    let root = matches!(caller, PrincipalId::Root { .. });
    let service = matches!(caller, PrincipalId::Service { .. });
    let federated_user = matches!(caller, PrincipalId::FederatedUser { .. });
    // Organization policies spare service-linked roles and the management account.
    let service_linked = caller.is_service_linked_role();
    let in_management_account =
        |account: Option<&str>| account.is_some() && account == policies.management_account.as_deref();
    let action_service = request.action_lower.split(':').next().unwrap_or("");
    // RCPs restrict only the services that support them.
    let rcp_service = !policies.rcps.is_empty() && crate::catalog::supports_rcps(action_service);
    let rcps_apply =
        rcp_service && !service && !service_linked && !in_management_account(request.resource_account.as_deref());
    let scps_apply = iam && !service_linked && !in_management_account(caller.account());
    let has_boundary = iam && !root && !policies.permission_boundaries.is_empty();
    let no_resource_type = options
        .catalog
        .and_then(|c| c.takes_resource_type(&request.action))
        .is_some_and(|takes| !takes);
    let service_wide = (no_resource_type && !request.resource.starts_with("arn:")).then(|| ServiceScope {
        service: action_service,
        partition: caller.partition(),
        region: request
            .context
            .get_lower("aws:requestedregion")
            .and_then(|e| match e.values.as_slice() {
                [one] => Some(one.as_str()),
                _ => None,
            }),
        account: request.resource_account.as_deref().or(caller.account()),
    });
    // A KMS alias has no policy of its own: a key policy given as the resource policy does not
    // apply to it.
    let kms_alias = protected::is_kms_alias(&request.resource);
    let mut run = Run {
        request,
        explain: options.explain,
        service_wide,
        caller_has_boundary: has_boundary,
        missing: Vec::new(),
    };

    let rcps: Vec<(&str, Outcome<'_>)> = policies
        .rcps
        .iter()
        .map(|level| {
            (
                level.org_identifier.as_str(),
                run.layer(&level.policies, rcps_apply, true),
            )
        })
        .collect();
    let scps: Vec<(&str, Outcome<'_>)> = policies
        .scps
        .iter()
        .map(|level| {
            (
                level.org_identifier.as_str(),
                run.layer(&level.policies, scps_apply, false),
            )
        })
        .collect();
    let vpce = run.layer(&policies.vpc_endpoint, !policies.vpc_endpoint.is_empty(), true);
    let resource = run.layer(&policies.resource, policies.resource.is_some() && !kms_alias, true);
    let identity = run.layer(&policies.identity, iam && !root, false);
    let boundary = run.layer(&policies.permission_boundaries, has_boundary, false);
    let session = run.layer(
        &policies.session,
        iam && (policies.session.is_some() || federated_user),
        false,
    );

    // Resources AWS owns (`arn:aws:iam::aws:policy/...`) are not in another customer's account.
    let same_account = match (caller.account(), request.resource_account.as_deref()) {
        (Some(p), Some(r)) => p == r || r == "aws",
        _ => true,
    };
    // 1. An explicit deny anywhere wins.
    let mut deny = None;
    for (id, o) in rcps.iter() {
        deny = deny.or_else(|| o.deny.map(|d| format!("{} at {}", describe(Layer::Rcp, d), id)));
    }
    for (id, o) in scps.iter() {
        deny = deny.or_else(|| o.deny.map(|d| format!("{} at {}", describe(Layer::Scp, d), id)));
    }
    for (layer, o) in [
        (Layer::VpcEndpoint, &vpce),
        (Layer::Resource, &resource),
        (Layer::Identity, &identity),
        (Layer::PermissionBoundary, &boundary),
        (Layer::Session, &session),
    ] {
        deny = deny.or_else(|| o.deny.map(|d| describe(layer, d)));
    }

    let (decision, reason) = if let Some(by) = deny {
        (Decision::ExplicitlyDenied, format!("explicitly denied by {by}"))
    } else if let Some(why) = protected::refusal(request) {
        (Decision::ImplicitlyDenied, why)
    } else {
        allow_decision(
            request,
            &rcps,
            &scps,
            &vpce,
            &resource,
            &identity,
            &boundary,
            &session,
            same_account,
            policies.session.is_some(),
        )
    };

    if !options.explain {
        return Evaluation {
            decision,
            explanation: None,
        };
    }
    let mut warnings: Vec<String> = all_policies(policies)
        .flat_map(|p| p.warnings.iter().map(move |w| format!("{}: {w}", p.label)))
        .collect();
    if kms_alias && policies.resource.is_some() {
        warnings.push(
            "the resource is a KMS alias, which has no resource-based policy (IAM policies alone govern aliases): \
             the given resource policy is not applied"
                .to_string(),
        );
    }
    if !policies.rcps.is_empty() && !rcp_service {
        warnings.push(format!(
            "RCPs do not apply: {action_service} is not among the services that support RCPs"
        ));
    }
    for (layer, list) in [
        (Layer::Resource, policies.resource.iter().collect::<Vec<_>>()),
        (Layer::VpcEndpoint, policies.vpc_endpoint.iter().collect()),
        (
            Layer::Rcp,
            policies.rcps.iter().flat_map(|l| l.policies.iter()).collect(),
        ),
    ] {
        for p in list {
            for st in p.statements.iter().filter(|st| st.principal.is_none()) {
                warnings.push(format!(
                    "{} {} statement {} has no Principal: AWS refuses to store such a policy, so the statement is ignored",
                    layer.title(),
                    p.label,
                    st.index
                ));
            }
        }
    }
    if iam && request.resource_account.is_none() && request.resource != "*" {
        warnings.push(format!(
            "the resource ARN carries no account and the request gives no resourceAccount: \
             assumed to be the caller's account ({})",
            caller.account().unwrap_or("")
        ));
    }
    let mut layers = Vec::new();
    let mut push = |layer: Layer, org: Option<&str>, o: Outcome<'_>| {
        let decision = o.decision();
        layers.push(LayerTrace {
            layer,
            org_identifier: org.map(str::to_string),
            applies: o.applies,
            decision,
            statements: o.trace,
        });
    };
    for (id, o) in rcps {
        push(Layer::Rcp, Some(id), o);
    }
    for (id, o) in scps {
        push(Layer::Scp, Some(id), o);
    }
    push(Layer::VpcEndpoint, None, vpce);
    push(Layer::Resource, None, resource);
    push(Layer::Identity, None, identity);
    push(Layer::PermissionBoundary, None, boundary);
    push(Layer::Session, None, session);
    Evaluation {
        decision,
        explanation: Some(Explanation {
            reason,
            principal: caller.display().to_string(),
            action: request.action.clone(),
            resource: request.resource.clone(),
            resource_account: request.resource_account.clone(),
            cross_account: !same_account,
            layers,
            missing_context_keys: run.missing,
            warnings,
        }),
    }
}

fn all_policies(p: &Policies) -> impl Iterator<Item = &CompiledPolicy> {
    p.identity
        .iter()
        .chain(p.session.iter())
        .chain(p.permission_boundaries.iter())
        .chain(p.resource.iter())
        .chain(p.scps.iter().flat_map(|l| l.policies.iter()))
        .chain(p.rcps.iter().flat_map(|l| l.policies.iter()))
        .chain(p.vpc_endpoint.iter())
}

#[allow(clippy::too_many_arguments)]
fn allow_decision(
    request: &Request,
    rcps: &[(&str, Outcome<'_>)],
    scps: &[(&str, Outcome<'_>)],
    vpce: &Outcome<'_>,
    resource: &Outcome<'_>,
    identity: &Outcome<'_>,
    boundary: &Outcome<'_>,
    session: &Outcome<'_>,
    same_account: bool,
    has_session_policy: bool,
) -> (Decision, String) {
    let caller = &request.principal;
    let action = &request.action;
    let deny = |reason: String| (Decision::ImplicitlyDenied, reason);

    // 2-3. Every RCP and SCP level must allow.
    for (kind, levels) in [(Layer::Rcp, rcps), (Layer::Scp, scps)] {
        for (id, o) in levels {
            if o.applies && !o.allows() {
                return deny(format!(
                    "denied by {} at {id}: no statement allows {action}",
                    kind.title()
                ));
            }
        }
    }
    if vpce.applies && !vpce.allows() {
        return deny(format!(
            "denied by the VPC endpoint policy: no statement allows {action}"
        ));
    }

    let root = matches!(caller, PrincipalId::Root { .. });
    let boundary_ok = !boundary.applies || boundary.allows();
    let session_ok = !session.applies || session.allows();
    let identity_allows = root || identity.allows();
    let identity_grant = caller.is_iam() && identity_allows && boundary_ok && session_ok;
    let why_identity_fails = || -> String {
        if !identity_allows {
            format!("no identity-based policy allows {action}")
        } else if !boundary_ok {
            format!("the identity-based policy allows {action} but the permissions boundary does not")
        } else if !has_session_policy && matches!(caller, PrincipalId::FederatedUser { .. }) {
            "a federated user session without a session policy has no permissions".to_string()
        } else {
            format!("the identity-based policy allows {action} but the session policy does not")
        }
    };
    let why_caps_fail = || -> String {
        if !boundary_ok {
            format!("the permissions boundary does not allow {action}")
        } else if !has_session_policy && matches!(caller, PrincipalId::FederatedUser { .. }) {
            "a federated user session without a session policy has no permissions".to_string()
        } else {
            format!("the session policy does not allow {action}")
        }
    };
    let resource_direct = match resource.principal {
        Some(PrincipalMatch::Exact) => true,
        Some(PrincipalMatch::RoleArn) => boundary_ok && session_ok,
        _ => false,
    };
    let allowed_by = |o: &Outcome<'_>, layer: Layer| o.allow.map_or_else(String::new, |s| describe(layer, s));

    // Anonymous callers and service principals have no identity side.
    if !caller.is_iam() {
        return if resource_direct {
            (
                Decision::Allowed,
                format!("allowed by {}", allowed_by(resource, Layer::Resource)),
            )
        } else if resource.applies {
            deny(format!(
                "no resource-based policy statement allows {} to call {action}",
                caller.display()
            ))
        } else {
            deny(format!(
                "{} has no identity-based policies and there is no resource-based policy",
                caller.display()
            ))
        };
    }

    if !same_account {
        // Both sides must allow: the resource's account and the caller's account.
        if resource.principal.is_none() {
            return deny(format!(
                "cross-account request: the resource-based policy of account {} does not allow {}",
                request.resource_account.as_deref().unwrap_or("?"),
                caller.display()
            ));
        }
        if !identity_grant {
            return deny(format!(
                "cross-account request: the resource-based policy allows, but in the caller's account {}",
                why_identity_fails()
            ));
        }
        return (
            Decision::Allowed,
            format!(
                "allowed across accounts by {} and {}",
                allowed_by(resource, Layer::Resource),
                if root {
                    "the root user's own permissions".to_string()
                } else {
                    allowed_by(identity, Layer::Identity)
                }
            ),
        );
    }

    if let Some(kind) = needs_explicit_resource_grant(request) {
        if resource_direct {
            return (
                Decision::Allowed,
                format!("allowed by {}", allowed_by(resource, Layer::Resource)),
            );
        }
        return match resource.principal {
            None => deny(format!(
                "the {kind} does not allow {}: it must allow explicitly, even in the same account",
                caller.display()
            )),
            Some(PrincipalMatch::Account) if identity_grant => (
                Decision::Allowed,
                format!(
                    "the {kind} delegates to the account, and {}",
                    if root {
                        "the root user has full permissions in its account".to_string()
                    } else {
                        format!("{} allows", allowed_by(identity, Layer::Identity))
                    }
                ),
            ),
            Some(PrincipalMatch::Account) => deny(format!(
                "the {kind} delegates to the account's IAM policies, and {}",
                why_identity_fails()
            )),
            Some(_) => deny(format!(
                "the {kind} names the role, but the role session is capped: {}",
                why_caps_fail()
            )),
        };
    }

    // Same account: identity-based and resource-based grants are a union.
    if identity_grant {
        let by = if root {
            "the root user's permissions in its own account".to_string()
        } else {
            allowed_by(identity, Layer::Identity)
        };
        return (Decision::Allowed, format!("allowed by {by}"));
    }
    if resource_direct {
        return (
            Decision::Allowed,
            format!("allowed by {}", allowed_by(resource, Layer::Resource)),
        );
    }
    if resource.principal == Some(PrincipalMatch::RoleArn) {
        return deny(format!(
            "the resource-based policy names the role, which leaves the boundary and session policy in force: {}",
            why_caps_fail()
        ));
    }
    if identity_allows {
        return deny(why_identity_fails());
    }
    deny(format!(
        "no identity-based or resource-based policy allows {action} on {}",
        request.resource
    ))
}

/// The embedded catalog, as the evaluator sees it. It answers for documented actions;
/// undocumented or unknown actions stay "unknown" so they keep matching any resource.
pub struct EmbeddedCatalog;

impl ActionCatalog for EmbeddedCatalog {
    fn takes_resource_type(&self, action: &str) -> Option<bool> {
        let action = crate::catalog::catalog().action(action)?;
        action.is_documented().then(|| action.resource_types().next().is_some())
    }
}

#[cfg(test)]
mod catalog_hook_tests {
    use super::ActionCatalog;

    #[test]
    fn catalog_knows_which_actions_take_resources() {
        let catalog = super::EmbeddedCatalog;
        assert_eq!(catalog.takes_resource_type("s3:GetObject"), Some(true));
        assert_eq!(catalog.takes_resource_type("s3:ListAllMyBuckets"), Some(false));
        assert_eq!(catalog.takes_resource_type("nosuch:Thing"), None);
    }
}
