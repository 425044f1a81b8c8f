//! ARN patterns, for `Resource`/`NotResource` and the `Arn*` condition operators.
//!
//! An ARN is `arn:partition:service:region:account:resource`. A pattern with all six parts is
//! matched part by part: wildcards in the first five parts stay inside their part, and in the
//! resource part `*` crosses `/` and `:`. A pattern that is not ARN-shaped (`*`, or fewer than
//! six parts) is matched against the whole string. Matching is case-sensitive.

use super::glob::{Glob, GlobBuilder};
use super::request::Context;
use super::template::Template;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArnPattern {
    whole: Glob,
    /// The six per-part patterns when the pattern is ARN-shaped.
    parts: Option<Box<[Glob; 6]>>,
}

impl ArnPattern {
    pub fn new(pattern: &str) -> ArnPattern {
        Self::from_parts(pattern, |s| GlobBuilder::new().pattern(s).build(false))
    }

    fn from_parts(pattern: &str, mk: impl Fn(&str) -> Glob) -> ArnPattern {
        let whole = mk(pattern);
        let parts: Vec<&str> = pattern.splitn(6, ':').collect();
        let parts = match parts.as_slice() {
            [a, b, c, d, e, f] if !whole.is_any() => Some(Box::new([mk(a), mk(b), mk(c), mk(d), mk(e), mk(f)])),
            _ => None,
        };
        ArnPattern { whole, parts }
    }

    pub fn matches(&self, arn: &str) -> bool {
        match &self.parts {
            Some(parts) => {
                let mut text = arn.splitn(6, ':');
                parts.iter().all(|p| text.next().is_some_and(|t| p.matches(t)))
            }
            None => self.whole.matches(arn),
        }
    }
}

/// Where a request for an action without resource type happens: AWS authorizes such an action
/// against an ARN of its own choosing in the action's service (see docs/simulate.md).
#[derive(Debug, Clone, Copy)]
pub struct ServiceScope<'a> {
    pub service: &'a str,
    pub partition: Option<&'a str>,
    pub region: Option<&'a str>,
    pub account: Option<&'a str>,
}

impl ArnPattern {
    /// Whether the pattern covers every resource of one type of `scope.service` where the
    /// request happens: `*`, `arn:aws:s3:::*`, `arn:aws:iam::*:role/*`,
    /// `arn:aws:logs:*:111122223333:log-group:*`; not an ARN naming a particular resource.
    /// An empty region or account field fits any (the service's ARNs omit it).
    pub fn is_service_wide(&self, scope: &ServiceScope<'_>) -> bool {
        let Some(parts) = &self.parts else {
            return self.whole.is_any();
        };
        let [_, partition, service, region, account, resource] = &**parts;
        let fits = |glob: &Glob, value: Option<&str>, may_be_empty: bool| {
            (may_be_empty && glob.matches("")) || value.is_none_or(|v| glob.matches(v))
        };
        fits(partition, scope.partition, false)
            && service.matches(scope.service)
            && fits(region, scope.region, true)
            && fits(account, scope.account, true)
            && resource.is_type_wide()
    }
}

impl GlobBuilder {
    /// Splits the builder's tokens at the first five literal `:` into an ARN pattern.
    pub fn arn_pattern(&self) -> ArnPattern {
        let whole = self.build(false);
        let parts = self.split_colons(6);
        let parts = match parts.as_slice() {
            [a, b, c, d, e, f] if !whole.is_any() => Some(Box::new([
                a.build(false),
                b.build(false),
                c.build(false),
                d.build(false),
                e.build(false),
                f.build(false),
            ])),
            _ => None,
        };
        ArnPattern { whole, parts }
    }
}

/// A Resource entry or ARN condition value: fixed, or with policy variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArnValue {
    Fixed(ArnPattern),
    Template(Template),
}

impl ArnValue {
    pub fn new(text: &str, variables: bool) -> ArnValue {
        match variables.then(|| Template::parse(text)).flatten() {
            Some(t) => ArnValue::Template(t),
            None => ArnValue::Fixed(ArnPattern::new(text)),
        }
    }

    /// Whether the value matches `arn`; `None` when a variable cannot be substituted.
    pub fn matches(&self, arn: &str, context: &Context) -> Option<bool> {
        match self {
            ArnValue::Fixed(p) => Some(p.matches(arn)),
            ArnValue::Template(t) => Some(t.resolve_pattern(context)?.arn_pattern().matches(arn)),
        }
    }

    /// See [`ArnPattern::is_service_wide`]; a value with variables is never service-wide.
    pub fn is_service_wide(&self, scope: &ServiceScope<'_>) -> bool {
        matches!(self, ArnValue::Fixed(p) if p.is_service_wide(scope))
    }

    /// True for the entry `*`.
    pub fn is_star(&self) -> bool {
        matches!(self, ArnValue::Fixed(p) if p.whole.is_any() && p.parts.is_none())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_part_matching() {
        let p = ArnPattern::new("arn:aws:s3:::bucket/*");
        assert!(p.matches("arn:aws:s3:::bucket/a/b:c"));
        assert!(!p.matches("arn:aws:s3:::other/a"));
        let p = ArnPattern::new("arn:aws:iam::*:role/app-*");
        assert!(p.matches("arn:aws:iam::111122223333:role/app-x"));
        // `*` in the account part does not swallow the colon before the resource.
        assert!(!p.matches("arn:aws:iam::1:2:role/app-x"));
        let p = ArnPattern::new("arn:aws:kms:*:111122223333:key/*");
        assert!(p.matches("arn:aws:kms:us-east-1:111122223333:key/abc"));
        assert!(!ArnPattern::new("arn:aws:s3:::*").matches("*"));
        assert!(ArnPattern::new("*").matches("*"));
        assert!(!ArnPattern::new("arn:aws:s3:::Bucket").matches("arn:aws:s3:::bucket"));
    }

    #[test]
    fn service_wide_patterns() {
        let scope = |service| ServiceScope {
            service,
            partition: Some("aws"),
            region: Some("eu-west-1"),
            account: Some("111122223333"),
        };
        let wide = |p: &str, service| ArnPattern::new(p).is_service_wide(&scope(service));
        assert!(wide("*", "s3"));
        assert!(wide("arn:aws:s3:::*", "s3"));
        assert!(wide("arn:aws:iam::111122223333:role/*", "iam"));
        assert!(wide("arn:aws:iam::*:role/*", "iam"));
        assert!(wide("arn:aws:logs:*:*:log-group:*", "logs"));
        assert!(wide("arn:aws:logs:eu-west-1:111122223333:*", "logs"));
        assert!(!wide("arn:aws:s3:::my-bucket", "s3"));
        assert!(!wide("arn:aws:logs:eu-west-1:111122223333:log-group:app:*", "logs"));
        assert!(!wide("arn:aws:iam::444455556666:role/*", "iam"));
        assert!(!wide("arn:aws:logs:us-east-1:111122223333:log-group:*", "logs"));
        assert!(!wide("arn:aws:s3:::*", "iam"));
        assert!(!wide("arn:aws-cn:s3:::*", "s3"));
    }
}
