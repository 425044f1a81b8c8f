//! The request being decided: who, what, on which resource, with which context.

use serde::Serialize;

/// The calling principal, classified from the request's `principal` string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum PrincipalId {
    /// `arn:aws:iam::111122223333:user/path/name`.
    User { arn: String, account: String, name: String },
    /// `arn:aws:iam::111122223333:role/path/name` (a role acting as itself, rare; usually a session).
    Role { arn: String, account: String, name: String },
    /// `arn:aws:sts::111122223333:assumed-role/name/session`.
    RoleSession {
        arn: String,
        account: String,
        role_name: String,
        session: String,
    },
    /// `arn:aws:sts::111122223333:federated-user/name` (GetFederationToken).
    FederatedUser { arn: String, account: String, name: String },
    /// `arn:aws:iam::111122223333:root`: the account's root user.
    Root { arn: String, account: String },
    /// `lambda.amazonaws.com`, or an identity provider (`cognito-identity.amazonaws.com`,
    /// `arn:aws:iam::111122223333:saml-provider/X`, ...) for federated role assumption.
    Service { name: String },
    /// An unauthenticated request.
    Anonymous,
}

impl PrincipalId {
    /// Parses a principal string. Errors are a sentence saying what is expected.
    pub fn parse(s: &str) -> Result<PrincipalId, String> {
        if s == "anonymous" || s == "*" {
            return Ok(PrincipalId::Anonymous);
        }
        if !s.starts_with("arn:") {
            if s.is_empty() || s.contains(char::is_whitespace) {
                return Err(format!(
                    "expected an IAM ARN, a service principal or \"anonymous\", found \"{s}\""
                ));
            }
            return Ok(PrincipalId::Service { name: s.to_string() });
        }
        let parts: Vec<&str> = s.splitn(6, ':').collect();
        let [_, _partition, service, _region, account, resource] = parts.as_slice() else {
            return Err(format!(
                "\"{s}\" is not an ARN (arn:partition:service:region:account:resource)"
            ));
        };
        let account = (*account).to_string();
        let arn = s.to_string();
        let last = |r: &str| r.rsplit('/').next().unwrap_or(r).to_string();
        match (*service, *resource) {
            ("iam", "root") => Ok(PrincipalId::Root { arn, account }),
            ("iam", r) if r.starts_with("user/") => Ok(PrincipalId::User {
                name: last(r),
                arn,
                account,
            }),
            ("iam", r) if r.starts_with("role/") => Ok(PrincipalId::Role {
                name: last(r),
                arn,
                account,
            }),
            ("iam", r) if r.starts_with("saml-provider/") || r.starts_with("oidc-provider/") => {
                Ok(PrincipalId::Service { name: arn })
            }
            ("sts", r) if r.starts_with("assumed-role/") => {
                let mut it = r.splitn(3, '/').skip(1);
                match (it.next(), it.next()) {
                    (Some(role), Some(session)) if !role.is_empty() => Ok(PrincipalId::RoleSession {
                        role_name: role.to_string(),
                        session: session.to_string(),
                        arn,
                        account,
                    }),
                    _ => Err(format!("\"{s}\": expected assumed-role/ROLE/SESSION")),
                }
            }
            ("sts", r) if r.starts_with("federated-user/") => Ok(PrincipalId::FederatedUser {
                name: last(r),
                arn,
                account,
            }),
            _ => Err(format!(
                "\"{s}\" is not a principal ARN (user, role, assumed-role, federated-user or root)"
            )),
        }
    }

    /// The account the principal belongs to (none for services and anonymous callers).
    pub fn account(&self) -> Option<&str> {
        match self {
            PrincipalId::User { account, .. }
            | PrincipalId::Role { account, .. }
            | PrincipalId::RoleSession { account, .. }
            | PrincipalId::FederatedUser { account, .. }
            | PrincipalId::Root { account, .. } => Some(account),
            PrincipalId::Service { .. } | PrincipalId::Anonymous => None,
        }
    }

    /// Whether the principal is a service-linked role or a session of one: its path is
    /// `/aws-service-role/` and AWS names every such role `AWSServiceRoleFor...` (a session ARN
    /// has no path, so the name decides). SCPs and RCPs do not restrict these roles.
    pub fn is_service_linked_role(&self) -> bool {
        const PREFIX: &str = "AWSServiceRoleFor";
        match self {
            PrincipalId::Role { arn, name, .. } => arn.contains(":role/aws-service-role/") || name.starts_with(PREFIX),
            PrincipalId::RoleSession { role_name, .. } => role_name.starts_with(PREFIX),
            _ => false,
        }
    }

    /// Whether the principal is an IAM identity that identity policies, boundaries and SCPs
    /// apply to.
    pub fn is_iam(&self) -> bool {
        self.account().is_some()
    }

    /// The partition of the caller's ARN (`aws`, `aws-cn`, ...), if it has one.
    pub fn partition(&self) -> Option<&str> {
        match self {
            PrincipalId::User { arn, .. }
            | PrincipalId::Role { arn, .. }
            | PrincipalId::RoleSession { arn, .. }
            | PrincipalId::FederatedUser { arn, .. }
            | PrincipalId::Root { arn, .. } => arn.split(':').nth(1),
            PrincipalId::Service { .. } | PrincipalId::Anonymous => None,
        }
    }

    /// The string shown in messages.
    pub fn display(&self) -> &str {
        match self {
            PrincipalId::User { arn, .. }
            | PrincipalId::Role { arn, .. }
            | PrincipalId::RoleSession { arn, .. }
            | PrincipalId::FederatedUser { arn, .. }
            | PrincipalId::Root { arn, .. } => arn,
            PrincipalId::Service { name } => name,
            PrincipalId::Anonymous => "anonymous",
        }
    }
}

/// One context key's values. A JSON array in the request is multivalued; anything else is a
/// single value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextEntry {
    /// The key as the request spelled it.
    pub key: String,
    /// The key lowercased, for case-insensitive lookup.
    pub key_lower: String,
    pub values: Vec<String>,
    pub multivalued: bool,
}

/// The request context: key names are case-insensitive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    entries: Vec<ContextEntry>,
}

impl Context {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a single-valued key (replacing any earlier value of the same key, in any case).
    pub fn insert(&mut self, key: &str, value: impl Into<String>) {
        self.set(key, vec![value.into()], false);
    }

    /// Sets a multivalued key.
    pub fn insert_multi(&mut self, key: &str, values: Vec<String>) {
        self.set(key, values, true);
    }

    fn set(&mut self, key: &str, values: Vec<String>, multivalued: bool) {
        let key_lower = key.to_ascii_lowercase();
        let entry = ContextEntry {
            key: key.to_string(),
            key_lower,
            values,
            multivalued,
        };
        match self.entries.iter_mut().find(|e| e.key_lower == entry.key_lower) {
            Some(existing) => *existing = entry,
            None => self.entries.push(entry),
        }
    }

    /// Looks up a key given in lowercase.
    pub fn get_lower(&self, key_lower: &str) -> Option<&ContextEntry> {
        self.entries.iter().find(|e| e.key_lower == key_lower)
    }

    /// Looks up a key in any case.
    pub fn get(&self, key: &str) -> Option<&ContextEntry> {
        self.get_lower(&key.to_ascii_lowercase())
    }

    pub fn entries(&self) -> &[ContextEntry] {
        &self.entries
    }
}

/// A request ready to be decided. Build it once; [`Request::new`] derives what the evaluator
/// needs (lowercased action, principal class, resource account).
#[derive(Debug, Clone)]
pub struct Request {
    pub principal: PrincipalId,
    /// The action as given (`s3:GetObject`).
    pub action: String,
    pub(crate) action_lower: String,
    pub resource: String,
    /// The resource's account: given, or taken from the ARN, or `None` when unknown.
    pub resource_account: Option<String>,
    pub context: Context,
}

impl Request {
    /// Builds a request. `resource_account` overrides the account field of the resource ARN.
    ///
    /// Context keys the request implies are added unless the context sets them:
    /// `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:username` (IAM users),
    /// `aws:PrincipalServiceName` (service principals) and `aws:ResourceAccount`.
    pub fn new(
        principal: PrincipalId,
        action: &str,
        resource: &str,
        resource_account: Option<&str>,
        mut context: Context,
    ) -> Request {
        let resource_account = resource_account.map(str::to_string).or_else(|| {
            resource
                .split(':')
                .nth(4)
                .filter(|a| !a.is_empty() && resource.starts_with("arn:"))
                .map(str::to_string)
        });
        let mut implied = |key: &str, value: &str| {
            if context.get(key).is_none() {
                context.insert(key, value);
            }
        };
        match &principal {
            PrincipalId::User { arn, name, account } => {
                implied("aws:PrincipalArn", arn);
                implied("aws:username", name);
                implied("aws:PrincipalAccount", account);
            }
            PrincipalId::RoleSession { account, role_name, .. } => {
                implied("aws:PrincipalArn", &format!("arn:aws:iam::{account}:role/{role_name}"));
                implied("aws:PrincipalAccount", account);
            }
            PrincipalId::Role { arn, account, .. }
            | PrincipalId::FederatedUser { arn, account, .. }
            | PrincipalId::Root { arn, account } => {
                implied("aws:PrincipalArn", arn);
                implied("aws:PrincipalAccount", account);
            }
            PrincipalId::Service { name } => implied("aws:PrincipalServiceName", name),
            PrincipalId::Anonymous => {}
        }
        if let Some(account) = &resource_account {
            implied("aws:ResourceAccount", account);
        }
        Request {
            principal,
            action_lower: action.to_ascii_lowercase(),
            action: action.to_string(),
            resource: resource.to_string(),
            resource_account,
            context,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_principals() {
        assert!(matches!(
            PrincipalId::parse("arn:aws:sts::111122223333:assumed-role/app/s1"),
            Ok(PrincipalId::RoleSession { ref role_name, ref session, .. }) if role_name == "app" && session == "s1"
        ));
        assert!(matches!(
            PrincipalId::parse("arn:aws:iam::111122223333:role/path/app"),
            Ok(PrincipalId::Role { ref name, .. }) if name == "app"
        ));
        assert_eq!(PrincipalId::parse("anonymous"), Ok(PrincipalId::Anonymous));
        assert!(matches!(
            PrincipalId::parse("lambda.amazonaws.com"),
            Ok(PrincipalId::Service { .. })
        ));
        assert!(PrincipalId::parse("arn:aws:s3:::bucket").is_err());
        assert!(PrincipalId::parse("arn:nope").is_err());
        assert!(PrincipalId::parse("").is_err());
    }

    #[test]
    fn context_keys_are_case_insensitive() {
        let mut c = Context::new();
        c.insert("aws:SourceIp", "1.2.3.4");
        assert_eq!(
            c.get("AWS:SOURCEIP").map(|e| e.values.clone()),
            Some(vec!["1.2.3.4".to_string()])
        );
        c.insert("AWS:sourceip", "5.6.7.8");
        assert_eq!(c.entries().len(), 1);
    }
}
