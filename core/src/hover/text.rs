//! The fixed wording of hovers: how AWS evaluates each element, per policy type. Short on
//! purpose: written for someone debugging an "Access Denied".

use crate::operator::{Comparison, Family, ParsedOperator, Qualifier};
use crate::policy_type::{PolicyType, TypeSource};

/// How a policy of this type takes part in evaluation.
pub fn policy_type(policy_type: PolicyType, source: TypeSource) -> String {
    let (title, role) = match policy_type {
        PolicyType::Identity => (
            "Identity-based policy",
            "Attached to a user, group or role. Its Allow grants that principal the actions, unless an explicit \
             Deny anywhere or a cap (permissions boundary, SCP, RCP, session policy) without a matching Allow \
             stops it. Cross-account, the resource's own policy must allow too.",
        ),
        PolicyType::Resource => (
            "Resource-based policy",
            "Attached to a resource (bucket, key, queue, ...); names the principals it grants. Same account: \
             its Allow is enough on its own (a union with identity policies). Cross-account: the caller's \
             identity policy must allow as well.",
        ),
        PolicyType::Trust => (
            "Role trust policy",
            "Says who may assume the role (`sts:AssumeRole*`). It must allow explicitly, even in the same \
             account; the role's permissions come from its identity policies, not from here.",
        ),
        PolicyType::Scp => (
            "Service control policy (SCP)",
            "Caps what principals of member accounts may do; never grants. An action needs a matching Allow \
             at every level (root → OUs → account). Does not apply to the management account or \
             service-linked roles.",
        ),
        PolicyType::Rcp => (
            "Resource control policy (RCP)",
            "Caps what may be done to resources of member accounts; never grants. Needs a matching Allow at \
             every level (root → OUs → account).",
        ),
        PolicyType::Boundary => (
            "Permissions boundary",
            "Caps the identity policies of the user or role it is set on; never grants. An action is allowed \
             only if an identity policy **and** the boundary both allow it.",
        ),
        PolicyType::Endpoint => (
            "VPC endpoint policy",
            "Caps requests made through the endpoint; never grants. Identity or resource policies must \
             still allow them.",
        ),
    };
    let why = match source {
        TypeSource::Given => "given by a setting or flag",
        TypeSource::FileName => "from the file name",
        TypeSource::Template => "from where it stands in the template",
        TypeSource::Inferred => match policy_type {
            PolicyType::Identity => "inferred: no statement has a Principal",
            PolicyType::Trust => "inferred: a Principal and only sts:AssumeRole* actions",
            _ => "inferred: a statement has a Principal",
        },
    };
    format!("**{title}** ({why})\n\n{role}")
}

/// What an Allow or a Deny of a statement does, for this policy type.
pub fn effect(allow: bool, policy_type: PolicyType) -> String {
    if !allow {
        return "**Deny**: when this statement matches, the request is denied. An explicit Deny overrides every \
                Allow in every policy type (identity, resource, boundary, SCP, RCP, session)."
            .to_owned();
    }
    let what = match policy_type {
        PolicyType::Identity => {
            "grants the matched actions to the principal this policy is attached to — unless an explicit Deny, \
             or a boundary, SCP, RCP or session policy without a matching Allow, stops it."
        }
        PolicyType::Resource => {
            "grants the named principals access to this resource. Same account that is enough; cross-account the \
             caller's identity policy must allow too."
        }
        PolicyType::Trust => {
            "lets the named principals assume this role. Cross-account, their own identity policy must also allow \
             `sts:AssumeRole`."
        }
        PolicyType::Scp | PolicyType::Rcp | PolicyType::Boundary | PolicyType::Endpoint => {
            "only caps, never grants: the action stays possible only where this Allow matches, and an identity or \
             resource policy must still grant it."
        }
    };
    format!("**Allow** {what} Nothing is allowed unless some statement allows it (implicit deny).")
}

/// One-line rules of the structural elements.
pub fn element(name: &str) -> Option<&'static str> {
    Some(match name {
        "Version" => {
            "**Version**: the policy language version. Use `\"2012-10-17\"`: with `2008-10-17` or no Version, \
             policy variables such as `${aws:username}` are matched literally."
        }
        "Id" => "**Id**: an optional identifier for the policy; not used in evaluation.",
        "Statement" => {
            "**Statement**: one statement object or an array of them. Each is evaluated on its own; an explicit \
             Deny in any of them wins over every Allow."
        }
        "Sid" => {
            "**Sid**: an optional statement label (letters and digits in identity policies); unique within the \
             policy. Not used in evaluation."
        }
        "Action" => {
            "**Action**: the actions the statement applies to (`service:Action`, `*` and `?` wildcards, case-insensitive)."
        }
        "Resource" => {
            "**Resource**: the resources the statement applies to (ARNs, `*` and `?` wildcards). Actions that support \
             no resource type only match `\"*\"`."
        }
        "Principal" => "**Principal**: who the statement applies to (resource-based policies only).",
        "Condition" => {
            "**Condition**: every operator in the block and every key under an operator must hold (AND); the \
             values of one key are ORed."
        }
        _ => return None,
    })
}

/// Semantics of a condition operator.
pub fn operator(op: ParsedOperator) -> String {
    let base = op.base;
    let mut out = format!(
        "**{}** — {} condition operator\n\n",
        op.canonical(),
        base.family.as_str()
    );
    let compare = match (base.family, base.comparison) {
        (Family::Null, _) => {
            "`\"true\"`: holds when the key is **absent** from the request; `\"false\"`: holds when it is present."
        }
        (Family::Bool, _) => "Holds when the key's value is `true` / `false` as given.",
        (Family::Binary, _) => "Compares the base64-encoded bytes of the value.",
        (Family::IpAddress, Comparison::NotInRange) => "Holds when the IP address is outside every given CIDR range.",
        (Family::IpAddress, _) => "Holds when the IP address is in a given CIDR range (IPv4 or IPv6).",
        (Family::Arn, Comparison::NotEquals | Comparison::NotLike) => {
            "Holds when the ARN matches none of the values (compared per `:` segment, `*` and `?` wildcards)."
        }
        (Family::Arn, _) => "Compares the ARN per `:` segment; `*` and `?` are wildcards (ArnEquals too).",
        (_, Comparison::Equals) => "Exact match, case-sensitive.",
        (_, Comparison::NotEquals) => "Holds when the value equals none of the given values (case-sensitive).",
        (_, Comparison::EqualsIgnoreCase) => "Exact match, ignoring case.",
        (_, Comparison::NotEqualsIgnoreCase) => "Holds when the value equals none of the values, ignoring case.",
        (_, Comparison::Like) => "Case-sensitive match with `*` and `?` wildcards (and policy variables).",
        (_, Comparison::NotLike) => "Holds when the value matches none of the patterns (`*`, `?`, case-sensitive).",
        (_, Comparison::LessThan) => "Holds when the request value is less than the given one.",
        (_, Comparison::LessThanEquals) => "Holds when the request value is less than or equal to the given one.",
        (_, Comparison::GreaterThan) => "Holds when the request value is greater than the given one.",
        (_, Comparison::GreaterThanEquals) => "Holds when the request value is at least the given one.",
        (_, _) => "",
    };
    out.push_str(compare);
    out.push_str("\n\n");
    if base.family != Family::Null {
        if base.is_negated() {
            out.push_str(
                "- **Several values**: the condition holds only if the request matches **none** of them (AND of \
                 the negations).\n",
            );
        } else {
            out.push_str("- **Several values**: ORed — one matching value is enough.\n");
        }
        let missing = if op.if_exists {
            "`IfExists`: a **missing** key makes the condition **true**; a present key is compared as usual."
        } else if base.is_negated() {
            "A **missing** key makes this negated condition **true** (add `Null` to require the key)."
        } else {
            "A **missing** key makes the condition **false**: the statement does not apply."
        };
        out.push_str("- ");
        out.push_str(missing);
        out.push('\n');
    }
    match op.qualifier {
        Some(Qualifier::ForAnyValue) => out.push_str(
            "- `ForAnyValue:` (multivalued keys): holds when **at least one** request value matches; false when the \
             key is missing or empty.\n",
        ),
        Some(Qualifier::ForAllValues) => out.push_str(
            "- `ForAllValues:` (multivalued keys): holds when **every** request value matches — and also when the key \
             is **missing or empty**. In an Allow, add `\"Null\": {\"<key>\": \"false\"}` to close that hole.\n",
        ),
        None => {}
    }
    out.push_str("- Every key under this operator must hold (AND).");
    out
}

/// Principal element names.
pub fn principal_kind(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "AWS" => "**AWS**: accounts (ID or `arn:aws:iam::ID:root`), IAM users, roles, role sessions.",
        "Service" => "**Service**: AWS service principals (`name.amazonaws.com`) acting on your behalf.",
        "Federated" => "**Federated**: an OIDC or SAML identity provider (with `sts:AssumeRoleWith*`).",
        "CanonicalUser" => "**CanonicalUser**: an Amazon S3 canonical user ID.",
        _ => return None,
    })
}
