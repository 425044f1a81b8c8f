//! Resource entries and ARN condition values: a fixed [`ArnPattern`] (see `crate::glob` for
//! how ARN patterns match), or a template whose policy variables are substituted per request.

pub use crate::glob::{ArnPattern, ServiceScope};

use super::request::Context;
use super::template::Template;

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
        matches!(self, ArnValue::Fixed(p) if p.is_any())
    }
}
