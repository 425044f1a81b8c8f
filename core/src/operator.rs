//! Condition operators: `StringEquals`, `ForAnyValue:StringLike`, `DateLessThanIfExists`, ...
//!
//! [`parse`] splits an operator into its set qualifier (`ForAllValues:` / `ForAnyValue:`), its
//! base operator and the `IfExists` suffix. Names are matched case-insensitively (a miscased
//! operator is reported by the checks as a slip, not as unknown); [`ParsedOperator::canonical`]
//! gives the spelling the AWS documentation uses. Shared by the checks, the evaluator and
//! completion.
//!
//! ```
//! use iam_policy::operator::{parse, Family, Qualifier};
//! let op = parse("ForAnyValue:StringLikeIfExists").unwrap();
//! assert_eq!(op.qualifier, Some(Qualifier::ForAnyValue));
//! assert_eq!(op.base.name, "StringLike");
//! assert_eq!(op.base.family, Family::String);
//! assert!(op.if_exists && op.base.is_like());
//! assert!(parse("StringEqualz").is_none());
//! ```

/// The kind of values an operator compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    IpAddress,
    Arn,
    /// `Null`: tests whether the key is present.
    Null,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::String => "String",
            Family::Numeric => "Numeric",
            Family::Date => "Date",
            Family::Bool => "Boolean",
            Family::Binary => "Binary",
            Family::IpAddress => "IP address",
            Family::Arn => "ARN",
            Family::Null => "Null",
        }
    }
}

/// How the operator compares (within its family).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comparison {
    Equals,
    NotEquals,
    /// Case-insensitive equality (`StringEqualsIgnoreCase`).
    EqualsIgnoreCase,
    NotEqualsIgnoreCase,
    /// Glob matching with `*` and `?`.
    Like,
    NotLike,
    LessThan,
    LessThanEquals,
    GreaterThan,
    GreaterThanEquals,
    /// `IpAddress` / `NotIpAddress`: membership in a CIDR range.
    InRange,
    NotInRange,
    /// `Bool`, `BinaryEquals`, `Null`.
    Is,
}

/// A base condition operator, without qualifier or `IfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BaseOperator {
    /// Canonical name (`StringEqualsIgnoreCase`).
    pub name: &'static str,
    pub family: Family,
    pub comparison: Comparison,
}

impl BaseOperator {
    /// Negated operators (`StringNotEquals`, `NotIpAddress`, ...).
    pub fn is_negated(self) -> bool {
        matches!(
            self.comparison,
            Comparison::NotEquals | Comparison::NotEqualsIgnoreCase | Comparison::NotLike | Comparison::NotInRange
        )
    }

    /// Operators whose values may hold `*` / `?` wildcards: the `*Like` operators and the ARN
    /// operators (`ArnEquals` behaves like `ArnLike`).
    pub fn is_like(self) -> bool {
        matches!(self.comparison, Comparison::Like | Comparison::NotLike) || self.family == Family::Arn
    }
}

const fn op(name: &'static str, family: Family, comparison: Comparison) -> BaseOperator {
    BaseOperator {
        name,
        family,
        comparison,
    }
}

use Comparison as C;
use Family as F;

/// Every base operator, as the IAM User Guide lists them.
pub const BASE_OPERATORS: &[BaseOperator] = &[
    op("StringEquals", F::String, C::Equals),
    op("StringNotEquals", F::String, C::NotEquals),
    op("StringEqualsIgnoreCase", F::String, C::EqualsIgnoreCase),
    op("StringNotEqualsIgnoreCase", F::String, C::NotEqualsIgnoreCase),
    op("StringLike", F::String, C::Like),
    op("StringNotLike", F::String, C::NotLike),
    op("NumericEquals", F::Numeric, C::Equals),
    op("NumericNotEquals", F::Numeric, C::NotEquals),
    op("NumericLessThan", F::Numeric, C::LessThan),
    op("NumericLessThanEquals", F::Numeric, C::LessThanEquals),
    op("NumericGreaterThan", F::Numeric, C::GreaterThan),
    op("NumericGreaterThanEquals", F::Numeric, C::GreaterThanEquals),
    op("DateEquals", F::Date, C::Equals),
    op("DateNotEquals", F::Date, C::NotEquals),
    op("DateLessThan", F::Date, C::LessThan),
    op("DateLessThanEquals", F::Date, C::LessThanEquals),
    op("DateGreaterThan", F::Date, C::GreaterThan),
    op("DateGreaterThanEquals", F::Date, C::GreaterThanEquals),
    op("Bool", F::Bool, C::Is),
    op("BinaryEquals", F::Binary, C::Is),
    op("IpAddress", F::IpAddress, C::InRange),
    op("NotIpAddress", F::IpAddress, C::NotInRange),
    op("ArnEquals", F::Arn, C::Equals),
    op("ArnNotEquals", F::Arn, C::NotEquals),
    op("ArnLike", F::Arn, C::Like),
    op("ArnNotLike", F::Arn, C::NotLike),
    op("Null", F::Null, C::Is),
];

/// `ForAllValues:` / `ForAnyValue:`: how a multi-valued key's values are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Qualifier {
    ForAllValues,
    ForAnyValue,
}

impl Qualifier {
    pub fn as_str(self) -> &'static str {
        match self {
            Qualifier::ForAllValues => "ForAllValues",
            Qualifier::ForAnyValue => "ForAnyValue",
        }
    }
}

/// An operator split into its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ParsedOperator {
    pub qualifier: Option<Qualifier>,
    pub base: BaseOperator,
    pub if_exists: bool,
}

impl ParsedOperator {
    /// The operator as the documentation spells it (`ForAnyValue:StringLikeIfExists`).
    pub fn canonical(self) -> String {
        let mut s = String::new();
        if let Some(q) = self.qualifier {
            s.push_str(q.as_str());
            s.push(':');
        }
        s.push_str(self.base.name);
        if self.if_exists {
            s.push_str("IfExists");
        }
        s
    }
}

/// The base operator named `name` (no qualifier, no `IfExists`), case-insensitively.
pub fn base_operator(name: &str) -> Option<BaseOperator> {
    BASE_OPERATORS
        .iter()
        .copied()
        .find(|b| b.name.eq_ignore_ascii_case(name))
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| s.get(prefix.len()..))
        .flatten()
}

fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    let tail = s.get(cut..)?;
    tail.eq_ignore_ascii_case(suffix).then(|| s.get(..cut)).flatten()
}

/// Splits a qualifier off `name`: (qualifier, rest). A `:` with an unknown head is returned
/// whole as the rest (so the caller sees an unknown operator).
pub fn split_qualifier(name: &str) -> (Option<Qualifier>, &str) {
    for q in [Qualifier::ForAllValues, Qualifier::ForAnyValue] {
        if let Some(rest) = strip_prefix_ci(name, q.as_str()).and_then(|r| r.strip_prefix(':')) {
            return (Some(q), rest);
        }
    }
    (None, name)
}

/// Parses an operator; `None` when the base operator or the qualifier is unknown.
pub fn parse(name: &str) -> Option<ParsedOperator> {
    let (qualifier, rest) = split_qualifier(name);
    if let Some(base) = base_operator(rest) {
        return Some(ParsedOperator {
            qualifier,
            base,
            if_exists: false,
        });
    }
    let base = base_operator(strip_suffix_ci(rest, "IfExists")?)?;
    Some(ParsedOperator {
        qualifier,
        base,
        if_exists: true,
    })
}

/// Every operator spelling AWS accepts (bases × qualifiers × `IfExists`), for completion and
/// did-you-mean.
pub fn all_operator_names() -> impl Iterator<Item = String> {
    [None, Some(Qualifier::ForAllValues), Some(Qualifier::ForAnyValue)]
        .into_iter()
        .flat_map(|qualifier| {
            BASE_OPERATORS.iter().flat_map(move |&base| {
                [false, true].into_iter().map(move |if_exists| {
                    ParsedOperator {
                        qualifier,
                        base,
                        if_exists,
                    }
                    .canonical()
                })
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_parts() {
        let p = parse("ForAllValues:StringEquals");
        assert_eq!(
            p.map(|p| (p.qualifier, p.base.name, p.if_exists)),
            Some((Some(Qualifier::ForAllValues), "StringEquals", false))
        );
        let p = parse("DateLessThanIfExists");
        assert_eq!(
            p.map(|p| (p.qualifier, p.base.family, p.if_exists)),
            Some((None, Family::Date, true))
        );
        assert_eq!(
            parse("stringequals").map(|p| p.canonical()).as_deref(),
            Some("StringEquals")
        );
        assert_eq!(
            parse("NullIfExists").map(|p| (p.base.family, p.if_exists)),
            Some((Family::Null, true))
        );
        assert!(parse("ForSomeValues:StringEquals").is_none());
        assert!(parse("StringEqual").is_none());
        assert!(parse("IfExists").is_none());
        assert!(parse("").is_none());
        assert!(base_operator("ArnEquals").is_some_and(|b| b.is_like()));
        assert!(base_operator("StringEquals").is_some_and(|b| !b.is_like()));
        assert_eq!(all_operator_names().count(), BASE_OPERATORS.len() * 6);
    }
}
