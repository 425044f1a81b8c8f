//! Condition operators: parsing an operator name, compiling its values once, and evaluating one
//! `operator: {key: values}` entry against the request context.
//!
//! Rules (AWS IAM User Guide, "Condition operators" and "Multivalued context keys"; the open
//! points are decided in docs/simulate.md):
//! - several values for one key are ORed; a negated operator (`StringNotEquals`, `NotIpAddress`,
//!   ...) is true when *no* value matches;
//! - a missing key: positive operator → false, negated → true, `...IfExists` → true,
//!   `ForAllValues:` → true, `ForAnyValue:` → false;
//! - `Null: true` means the key is absent (a multivalued key with no values counts as absent);
//! - a plain operator against a key with several request values matches none of them (positive
//!   → false, negated → true) and the explanation says so.

use super::arn::ArnValue;
use super::request::{Context, ContextEntry};
use super::template::Template;
use crate::glob::Glob;
use ipnet::IpNet;
use std::net::IpAddr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    NumericEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    ArnEquals,
    ArnLike,
    Null,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetQualifier {
    None,
    ForAnyValue,
    ForAllValues,
}

/// A parsed operator name such as `ForAllValues:StringNotLikeIfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operator {
    pub base: Base,
    pub negated: bool,
    pub if_exists: bool,
    pub qualifier: SetQualifier,
}

impl Operator {
    /// Parses an operator name (exact case, as AWS requires). `None` for an unknown operator.
    pub fn parse(name: &str) -> Option<Operator> {
        let (qualifier, rest) = if let Some(r) = name.strip_prefix("ForAnyValue:") {
            (SetQualifier::ForAnyValue, r)
        } else if let Some(r) = name.strip_prefix("ForAllValues:") {
            (SetQualifier::ForAllValues, r)
        } else {
            (SetQualifier::None, name)
        };
        let (rest, if_exists) = match rest.strip_suffix("IfExists") {
            Some(r) if r != "Null" => (r, true),
            _ => (rest, false),
        };
        use Base::*;
        let (base, negated) = match rest {
            "StringEquals" => (StringEquals, false),
            "StringNotEquals" => (StringEquals, true),
            "StringEqualsIgnoreCase" => (StringEqualsIgnoreCase, false),
            "StringNotEqualsIgnoreCase" => (StringEqualsIgnoreCase, true),
            "StringLike" => (StringLike, false),
            "StringNotLike" => (StringLike, true),
            "NumericEquals" => (NumericEquals, false),
            "NumericNotEquals" => (NumericEquals, true),
            "NumericLessThan" => (NumericLessThan, false),
            "NumericLessThanEquals" => (NumericLessThanEquals, false),
            "NumericGreaterThan" => (NumericGreaterThan, false),
            "NumericGreaterThanEquals" => (NumericGreaterThanEquals, false),
            "DateEquals" => (DateEquals, false),
            "DateNotEquals" => (DateEquals, true),
            "DateLessThan" => (DateLessThan, false),
            "DateLessThanEquals" => (DateLessThanEquals, false),
            "DateGreaterThan" => (DateGreaterThan, false),
            "DateGreaterThanEquals" => (DateGreaterThanEquals, false),
            "Bool" => (Bool, false),
            "BinaryEquals" => (BinaryEquals, false),
            "IpAddress" => (IpAddress, false),
            "NotIpAddress" => (IpAddress, true),
            "ArnEquals" => (ArnEquals, false),
            "ArnNotEquals" => (ArnEquals, true),
            "ArnLike" => (ArnLike, false),
            "ArnNotLike" => (ArnLike, true),
            "Null" => (Null, false),
            _ => return None,
        };
        Some(Operator {
            base,
            negated,
            if_exists,
            qualifier,
        })
    }
}

/// One policy value, compiled for its operator. Values that do not parse (a bad CIDR, number or
/// date) are kept as `Invalid` and match nothing.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    /// Exact text (lowercased for `...IgnoreCase`).
    Text(String),
    TextTemplate(Template),
    Like(Glob),
    LikeTemplate(Template),
    Number(f64),
    /// Nanoseconds since the Unix epoch.
    Date(i128),
    Bool(bool),
    Net(IpNet),
    Arn(ArnValue),
    Invalid,
}

/// A compiled condition entry: one key under one operator.
#[derive(Debug, Clone, PartialEq)]
pub struct CompiledCondition {
    /// The operator as written; `None` in `op` when it is unknown.
    pub operator_name: String,
    pub op: Option<Operator>,
    /// The key as written and lowercased.
    pub key: String,
    key_lower: String,
    /// The policy values as written, for explanations.
    pub policy_values: Vec<String>,
    values: Vec<Value>,
    /// Byte span of the `"key": values` member in the policy source.
    pub span: crate::Span,
}

/// What evaluating a condition entry found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Note {
    None,
    KeyMissing,
    UnknownOperator,
    /// A plain operator met a key with several values.
    PlainOperatorOnMultivaluedKey,
    /// A policy variable had no value and no default.
    VariableMissing,
}

impl CompiledCondition {
    pub fn new(operator: &str, key: &str, values: &[&str], span: crate::Span, variables: bool) -> CompiledCondition {
        let op = Operator::parse(operator);
        let compiled = match op {
            Some(op) => values.iter().map(|v| compile_value(op.base, v, variables)).collect(),
            None => Vec::new(),
        };
        CompiledCondition {
            operator_name: operator.to_string(),
            op,
            key: key.to_string(),
            key_lower: key.to_ascii_lowercase(),
            policy_values: values.iter().map(|v| (*v).to_string()).collect(),
            values: compiled,
            span,
        }
    }

    /// The request's entry for this key, if any.
    pub fn lookup<'c>(&self, context: &'c Context) -> Option<&'c ContextEntry> {
        context.get_lower(&self.key_lower)
    }

    /// Evaluates the entry. The note explains special cases.
    pub fn evaluate(&self, context: &Context) -> (bool, Note) {
        let Some(op) = self.op else {
            return (false, Note::UnknownOperator);
        };
        let entry = self.lookup(context);
        let present = entry.filter(|e| !e.values.is_empty());
        if op.base == Base::Null {
            let absent = present.is_none();
            let result = self.values.iter().any(|v| matches!(v, Value::Bool(b) if *b == absent));
            return (result, Note::None);
        }
        let Some(entry) = present else {
            let result = op.if_exists
                || match op.qualifier {
                    SetQualifier::ForAllValues => true,
                    SetQualifier::ForAnyValue => false,
                    SetQualifier::None => op.negated,
                };
            return (result, Note::KeyMissing);
        };
        let mut missing_variable = false;
        let mut one = |request_value: &str| {
            let mut any = false;
            for v in &self.values {
                match compare(op.base, v, request_value, context) {
                    Some(true) => {
                        any = true;
                        break;
                    }
                    Some(false) => {}
                    None => missing_variable = true,
                }
            }
            any != op.negated
        };
        let (result, note) = match op.qualifier {
            SetQualifier::ForAnyValue => (entry.values.iter().any(|r| one(r)), Note::None),
            SetQualifier::ForAllValues => (entry.values.iter().all(|r| one(r)), Note::None),
            SetQualifier::None => match entry.values.as_slice() {
                [single] => (one(single), Note::None),
                _ => (op.negated, Note::PlainOperatorOnMultivaluedKey),
            },
        };
        let note = if note == Note::None && missing_variable {
            Note::VariableMissing
        } else {
            note
        };
        (result, note)
    }

    /// Keys of policy variables used in the values.
    pub fn variable_keys(&self) -> impl Iterator<Item = &str> {
        self.values.iter().flat_map(|v| {
            let t = match v {
                Value::TextTemplate(t) | Value::LikeTemplate(t) | Value::Arn(ArnValue::Template(t)) => Some(t),
                _ => None,
            };
            t.into_iter().flat_map(Template::variables)
        })
    }
}

fn compile_value(base: Base, text: &str, variables: bool) -> Value {
    let template = || variables.then(|| Template::parse(text)).flatten();
    match base {
        Base::StringEquals => template().map_or_else(|| Value::Text(text.to_string()), Value::TextTemplate),
        Base::StringEqualsIgnoreCase => {
            template().map_or_else(|| Value::Text(text.to_ascii_lowercase()), Value::TextTemplate)
        }
        Base::StringLike => template().map_or_else(|| Value::Like(Glob::new(text, false)), Value::LikeTemplate),
        Base::NumericEquals
        | Base::NumericLessThan
        | Base::NumericLessThanEquals
        | Base::NumericGreaterThan
        | Base::NumericGreaterThanEquals => parse_number(text).map_or(Value::Invalid, Value::Number),
        Base::DateEquals
        | Base::DateLessThan
        | Base::DateLessThanEquals
        | Base::DateGreaterThan
        | Base::DateGreaterThanEquals => parse_date(text).map_or(Value::Invalid, Value::Date),
        Base::Bool | Base::Null => parse_bool(text).map_or(Value::Invalid, Value::Bool),
        Base::BinaryEquals => Value::Text(text.to_string()),
        Base::IpAddress => parse_net(text).map_or(Value::Invalid, Value::Net),
        Base::ArnEquals | Base::ArnLike => Value::Arn(ArnValue::new(text, variables)),
    }
}

/// Compares one policy value with one request value. `None` when a variable in the policy
/// value has no value (the value then matches nothing).
fn compare(base: Base, value: &Value, request: &str, context: &Context) -> Option<bool> {
    Some(match (base, value) {
        (Base::StringEqualsIgnoreCase, Value::Text(t)) => request.eq_ignore_ascii_case(t),
        (Base::StringEqualsIgnoreCase, Value::TextTemplate(t)) => {
            t.resolve_text(context)?.eq_ignore_ascii_case(request)
        }
        (_, Value::Text(t)) => request == t,
        (_, Value::TextTemplate(t)) => t.resolve_text(context)? == request,
        (_, Value::Like(g)) => g.matches(request),
        (_, Value::LikeTemplate(t)) => t.resolve_pattern(context)?.build(false).matches(request),
        (base, Value::Number(n)) => parse_number(request).is_some_and(|r| ordered(base, r.partial_cmp(n))),
        (base, Value::Date(d)) => parse_date(request).is_some_and(|r| ordered(base, Some(r.cmp(d)))),
        (_, Value::Bool(b)) => parse_bool(request) == Some(*b),
        (_, Value::Net(net)) => request.trim().parse::<IpAddr>().is_ok_and(|ip| net.contains(&ip)),
        (_, Value::Arn(a)) => a.matches(request, context)?,
        (_, Value::Invalid) => false,
    })
}

fn ordered(base: Base, ord: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::*;
    let Some(ord) = ord else { return false };
    match base {
        Base::NumericLessThan | Base::DateLessThan => ord == Less,
        Base::NumericLessThanEquals | Base::DateLessThanEquals => ord != Greater,
        Base::NumericGreaterThan | Base::DateGreaterThan => ord == Greater,
        Base::NumericGreaterThanEquals | Base::DateGreaterThanEquals => ord != Less,
        _ => ord == Equal,
    }
}

pub fn parse_number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

pub fn parse_bool(s: &str) -> Option<bool> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// A CIDR (`10.0.0.0/8`, `2001:db8::/32`) or a single address (as /32 or /128).
pub fn parse_net(s: &str) -> Option<IpNet> {
    let s = s.trim();
    s.parse::<IpNet>()
        .ok()
        .or_else(|| s.parse::<IpAddr>().ok().map(IpNet::from))
        .map(|n| n.trunc())
}

/// ISO 8601 (`2024-01-01T00:00:00Z`, with an offset, without one = UTC, or a bare date) or
/// epoch seconds, as nanoseconds since the epoch.
pub fn parse_date(s: &str) -> Option<i128> {
    let s = s.trim();
    if let Ok(secs) = s.parse::<i64>() {
        return Some(i128::from(secs) * 1_000_000_000);
    }
    if let Ok(ts) = s.parse::<jiff::Timestamp>() {
        return Some(ts.as_nanosecond());
    }
    let utc = |dt: jiff::civil::DateTime| jiff::tz::Offset::UTC.to_timestamp(dt).ok().map(|t| t.as_nanosecond());
    if let Ok(dt) = s.parse::<jiff::civil::DateTime>() {
        return utc(dt);
    }
    if let Ok(d) = s.parse::<jiff::civil::Date>() {
        return utc(d.to_datetime(jiff::civil::Time::midnight()));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cond(op: &str, key: &str, values: &[&str]) -> CompiledCondition {
        CompiledCondition::new(op, key, values, crate::Span::default(), true)
    }

    fn ctx(pairs: &[(&str, &[&str])]) -> Context {
        let mut c = Context::new();
        for (k, v) in pairs {
            match v {
                [one] => c.insert(k, *one),
                many => c.insert_multi(k, many.iter().map(|s| s.to_string()).collect()),
            }
        }
        c
    }

    #[test]
    fn operators_parse() {
        let op = Operator::parse("ForAllValues:StringNotLikeIfExists").unwrap();
        assert_eq!(op.base, Base::StringLike);
        assert!(op.negated && op.if_exists);
        assert_eq!(op.qualifier, SetQualifier::ForAllValues);
        assert!(Operator::parse("NullIfExists").is_none());
        assert!(Operator::parse("stringequals").is_none());
    }

    #[test]
    fn dates_and_numbers() {
        assert_eq!(parse_date("1970-01-01T00:00:10Z"), Some(10_000_000_000));
        assert_eq!(parse_date("10"), Some(10_000_000_000));
        assert_eq!(parse_date("1970-01-02"), Some(86_400_000_000_000));
        assert_eq!(parse_date("1970-01-01T01:00:00+01:00"), Some(0));
        assert!(parse_date("yesterday").is_none());
        let c = cond("DateLessThan", "aws:CurrentTime", &["2024-01-01T00:00:00Z"]);
        assert!(c.evaluate(&ctx(&[("aws:CurrentTime", &["2023-12-31T23:59:59Z"])])).0);
        assert!(!c.evaluate(&ctx(&[("aws:CurrentTime", &["1704067200"])])).0);
        let c = cond("NumericLessThanEquals", "s3:max-keys", &["10"]);
        assert!(c.evaluate(&ctx(&[("s3:max-keys", &["10"])])).0);
        assert!(!c.evaluate(&ctx(&[("s3:max-keys", &["10.5"])])).0);
        assert!(!c.evaluate(&ctx(&[("s3:max-keys", &["ten"])])).0);
    }

    #[test]
    fn ip_v4_and_v6() {
        let c = cond("IpAddress", "aws:SourceIp", &["203.0.113.0/24", "2001:db8::/32"]);
        assert!(c.evaluate(&ctx(&[("aws:SourceIp", &["203.0.113.7"])])).0);
        assert!(c.evaluate(&ctx(&[("aws:SourceIp", &["2001:db8::1"])])).0);
        assert!(!c.evaluate(&ctx(&[("aws:SourceIp", &["198.51.100.1"])])).0);
        let n = cond("NotIpAddress", "aws:SourceIp", &["203.0.113.0/24", "2001:db8::/32"]);
        assert!(n.evaluate(&ctx(&[("aws:SourceIp", &["198.51.100.1"])])).0);
        assert!(!n.evaluate(&ctx(&[("aws:SourceIp", &["2001:db8::1"])])).0);
        assert!(
            cond("IpAddress", "aws:SourceIp", &["203.0.113.7"])
                .evaluate(&ctx(&[("aws:SourceIp", &["203.0.113.7"])]))
                .0
        );
    }

    #[test]
    fn negated_operator_over_several_values_is_and_of_negations() {
        let c = cond("StringNotEquals", "aws:PrincipalTag/team", &["red", "blue"]);
        assert!(!c.evaluate(&ctx(&[("aws:PrincipalTag/team", &["red"])])).0);
        assert!(!c.evaluate(&ctx(&[("aws:PrincipalTag/team", &["blue"])])).0);
        assert!(c.evaluate(&ctx(&[("aws:PrincipalTag/team", &["green"])])).0);
    }

    #[test]
    fn missing_keys() {
        let empty = Context::new();
        assert_eq!(
            cond("StringEquals", "k", &["a"]).evaluate(&empty),
            (false, Note::KeyMissing)
        );
        assert!(cond("StringNotEquals", "k", &["a"]).evaluate(&empty).0);
        assert!(cond("StringEqualsIfExists", "k", &["a"]).evaluate(&empty).0);
        assert!(cond("ForAllValues:StringEquals", "k", &["a"]).evaluate(&empty).0);
        assert!(!cond("ForAnyValue:StringEquals", "k", &["a"]).evaluate(&empty).0);
        assert!(cond("Null", "k", &["true"]).evaluate(&empty).0);
        assert!(!cond("Null", "k", &["false"]).evaluate(&empty).0);
        let empty_multi = ctx(&[("k", &[])]);
        assert!(cond("ForAllValues:StringEquals", "k", &["a"]).evaluate(&empty_multi).0);
        assert!(cond("Null", "k", &["true"]).evaluate(&empty_multi).0);
    }

    #[test]
    fn set_qualifiers() {
        let all = cond("ForAllValues:StringEquals", "aws:TagKeys", &["team", "env"]);
        let any = cond("ForAnyValue:StringEquals", "aws:TagKeys", &["team"]);
        let both = ctx(&[("aws:TagKeys", &["team", "env"])]);
        let extra = ctx(&[("aws:TagKeys", &["team", "owner"])]);
        assert!(all.evaluate(&both).0);
        assert!(!all.evaluate(&extra).0);
        assert!(any.evaluate(&extra).0);
        assert!(!any.evaluate(&ctx(&[("aws:TagKeys", &["x", "y"])])).0);
        // A single value is a one-element set.
        assert!(all.evaluate(&ctx(&[("aws:TagKeys", &["env"])])).0);
        let plain = cond("StringEquals", "aws:TagKeys", &["team"]);
        assert_eq!(plain.evaluate(&extra), (false, Note::PlainOperatorOnMultivaluedKey));
        let plain_neg = cond("StringNotEquals", "aws:TagKeys", &["team"]);
        assert!(plain_neg.evaluate(&extra).0);
        let none_of = cond("ForAllValues:StringNotEquals", "aws:TagKeys", &["secret"]);
        assert!(none_of.evaluate(&both).0);
        assert!(!none_of.evaluate(&ctx(&[("aws:TagKeys", &["team", "secret"])])).0);
    }

    #[test]
    fn strings_bool_binary_arn() {
        let c = ctx(&[("k", &["Hello"])]);
        assert!(!cond("StringEquals", "K", &["hello"]).evaluate(&c).0);
        assert!(cond("StringEqualsIgnoreCase", "K", &["HELLO"]).evaluate(&c).0);
        assert!(cond("StringLike", "k", &["H*o"]).evaluate(&c).0);
        assert!(!cond("StringNotLike", "k", &["H*o", "x"]).evaluate(&c).0);
        assert!(
            cond("Bool", "aws:SecureTransport", &["true"])
                .evaluate(&ctx(&[("aws:securetransport", &["TRUE"])]))
                .0
        );
        assert!(cond("BinaryEquals", "k", &["Hello"]).evaluate(&c).0);
        let arn = ctx(&[("aws:SourceArn", &["arn:aws:sns:us-east-1:111122223333:topic"])]);
        assert!(
            cond("ArnLike", "aws:SourceArn", &["arn:aws:sns:*:111122223333:*"])
                .evaluate(&arn)
                .0
        );
        assert!(
            !cond("ArnEquals", "aws:SourceArn", &["arn:aws:sns:*:444455556666:*"])
                .evaluate(&arn)
                .0
        );
        assert!(cond("ArnNotLike", "aws:SourceArn", &["arn:aws:sqs:*"]).evaluate(&arn).0);
        assert_eq!(
            cond("StringFoo", "k", &["a"]).evaluate(&c),
            (false, Note::UnknownOperator)
        );
    }

    #[test]
    fn variables_in_condition_values() {
        let c = ctx(&[("aws:username", &["bob"]), ("s3:prefix", &["home/bob/x"])]);
        assert!(
            cond("StringLike", "s3:prefix", &["home/${aws:username}/*"])
                .evaluate(&c)
                .0
        );
        let no_vars = CompiledCondition::new(
            "StringLike",
            "s3:prefix",
            &["home/${aws:username}/*"],
            crate::Span::default(),
            false,
        );
        assert!(!no_vars.evaluate(&c).0);
        let missing = cond("StringEquals", "s3:prefix", &["${aws:userid}"]);
        assert_eq!(missing.evaluate(&c), (false, Note::VariableMissing));
        let missing_neg = cond("StringNotEquals", "s3:prefix", &["${aws:userid}"]);
        assert!(missing_neg.evaluate(&c).0);
    }
}
