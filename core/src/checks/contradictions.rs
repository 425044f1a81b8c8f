//! `STATEMENT_NEVER_APPLIES`: two tests of the same condition key that no request can pass
//! together, so the statement's condition is never true.
//!
//! Only what can be proven is reported. Both tests must be on the same key (case-insensitive),
//! in different entries (values of one entry are ORed), with no set qualifier and no `IfExists`
//! (a missing key passes `IfExists`), on a key the catalog knows to be single-valued; values with
//! policy variables are unknown and skip the pair. The contradictions:
//! - `Null` `"true"` (key missing) with a test that needs the key (a positive operator without
//!   `IfExists` or `ForAllValues:`), or with `Null` `"false"` — on any key;
//! - `StringEquals` / `StringEqualsIgnoreCase` sets with no common value, or whose every value
//!   `StringNotEquals` / `StringNotEqualsIgnoreCase` excludes, or none of which a `StringLike`
//!   matches, or all of which a `StringNotLike` excludes;
//! - numeric bounds that leave no number (`NumericLessThan 5` with `NumericGreaterThan 10`),
//!   `NumericEquals` values outside a bound or all excluded by `NumericNotEquals`;
//! - `Bool` `true` with `Bool` `false`;
//! - `IpAddress` ranges that do not overlap.

use std::net::IpAddr;

use ipnet::IpNet;
use rustc_hash::FxHashMap as HashMap;

use super::{Check, Context, Rule, Sink};
use crate::catalog::{catalog, wildcard_match};
use crate::finding::{Related, Severity};
use crate::model::ConditionEntry;
use crate::operator::{Comparison, Family, ParsedOperator, Qualifier, parse};

pub const STATEMENT_NEVER_APPLIES: Check = Check {
    code: "STATEMENT_NEVER_APPLIES",
    severity: Severity::Warning,
    summary: "Two tests of one condition key contradict each other",
    doc: r#"## What it does
Reports a condition that no request can satisfy because two tests of the same key contradict
each other: `StringEquals` `"a"` with `StringEquals` `"b"` on a single-valued key,
`NumericLessThan` `5` with `NumericGreaterThan` `10`, `Bool` `true` with `Bool` `false`,
`Null` `"true"` (key missing) with a test that needs the key, disjoint `IpAddress` ranges. Only
proven contradictions are reported: no set qualifiers, no `IfExists`, no policy variables, and
keys the catalog knows to be single-valued (a multivalued key can hold both values).

## Why is this bad
The statement never applies: an `Allow` grants nothing, a `Deny` denies nothing. Usually one of
the tests was meant for another key, or the two were meant to be ORed (one test with both
values).

## Example
```json
"Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue"},
              "StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "red"}}
```

## Use instead
```json
"Condition": {"StringEquals": {"aws:PrincipalTag/team": ["blue", "red"]}}
```
"#,
};

pub const RULE: Rule = Rule {
    checks: &[&STATEMENT_NEVER_APPLIES],
    run,
};

/// One test of a key.
struct Test<'s, 'a> {
    op: ParsedOperator,
    entry: &'s ConditionEntry<'a>,
}

impl Test<'_, '_> {
    fn values(&self) -> impl Iterator<Item = &str> {
        self.entry.values.iter().map(|v| v.text.as_ref())
    }

    fn has_variables(&self) -> bool {
        self.values().any(|v| v.contains("${"))
    }

    /// False when the key is missing.
    fn needs_key(&self) -> bool {
        !self.op.if_exists
            && !self.op.base.is_negated()
            && self.op.qualifier != Some(Qualifier::ForAllValues)
            && self.op.base.family != Family::Null
    }

    /// `Null` with one value, as a bool.
    fn null_value(&self) -> Option<bool> {
        if self.op.base.family != Family::Null || self.op.qualifier.is_some() || self.entry.values.len() != 1 {
            return None;
        }
        let v = self.values().next()?.to_ascii_lowercase();
        match v.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }

    /// A plain test: no qualifier, no `IfExists`.
    fn plain(&self) -> bool {
        self.op.qualifier.is_none() && !self.op.if_exists && !self.entry.values.is_empty()
    }
}

fn run(ctx: &Context<'_>, out: &mut Sink) {
    for statement in &ctx.policy.statements {
        let Some(condition) = &statement.condition else {
            continue;
        };
        let mut by_key: HashMap<String, Vec<Test<'_, '_>>> = HashMap::default();
        for block in &condition.operators {
            let Some(op) = parse(&block.operator.value) else {
                continue;
            };
            for entry in &block.entries {
                by_key
                    .entry(entry.key.value.to_ascii_lowercase())
                    .or_default()
                    .push(Test { op, entry });
            }
        }
        let mut groups: Vec<(&String, &Vec<Test<'_, '_>>)> = by_key.iter().filter(|(_, t)| t.len() > 1).collect();
        groups.sort_by_key(|(_, tests)| tests.first().map(|t| t.entry.key.span.start));
        for (key, tests) in groups {
            let single_valued = catalog().condition_key(key).is_some_and(|k| !k.multivalued);
            'pairs: for (j, b) in tests.iter().enumerate() {
                for a in tests.iter().take(j) {
                    if let Some(why) = contradiction(a, b, single_valued) {
                        out.report(
                            &STATEMENT_NEVER_APPLIES,
                            b.entry.key.span,
                            format!(
                                "no request passes both {} and {} on \"{}\" ({why}): the statement never applies",
                                a.op.canonical(),
                                b.op.canonical(),
                                b.entry.key.value
                            ),
                        )
                        .related
                        .push(Related {
                            span: a.entry.key.span,
                            message: "the other test".to_owned(),
                        });
                        break 'pairs;
                    }
                }
            }
        }
    }
}

fn contradiction(a: &Test<'_, '_>, b: &Test<'_, '_>, single_valued: bool) -> Option<&'static str> {
    // Presence tests work on any key.
    match (a.null_value(), b.null_value()) {
        (Some(x), Some(y)) if x != y => return Some("the key cannot be both missing and present"),
        (Some(true), None) if b.needs_key() => return Some("the key must be missing, yet the other test needs it"),
        (None, Some(true)) if a.needs_key() => return Some("the key must be missing, yet the other test needs it"),
        _ => {}
    }
    if !single_valued || !a.plain() || !b.plain() || a.has_variables() || b.has_variables() {
        return None;
    }
    match (a.op.base.family, b.op.base.family) {
        (Family::String, Family::String) => strings(a, b).or_else(|| strings(b, a)),
        (Family::Numeric, Family::Numeric) => numbers(a, b),
        (Family::Bool, Family::Bool) => {
            let set = |t: &Test<'_, '_>| t.values().map(str::to_ascii_lowercase).collect::<Vec<_>>();
            let (x, y) = (set(a), set(b));
            (!x.iter().any(|v| y.contains(v))).then_some("a boolean cannot be both")
        }
        (Family::IpAddress, Family::IpAddress)
            if a.op.base.comparison == Comparison::InRange && b.op.base.comparison == Comparison::InRange =>
        {
            let nets = |t: &Test<'_, '_>| t.values().map(parse_net).collect::<Option<Vec<IpNet>>>();
            let (x, y) = (nets(a)?, nets(b)?);
            let overlap = x.iter().any(|n| y.iter().any(|m| n.contains(m) || m.contains(n)));
            (!overlap).then_some("the address ranges do not overlap")
        }
        _ => None,
    }
}

fn parse_net(text: &str) -> Option<IpNet> {
    text.parse::<IpNet>()
        .ok()
        .or_else(|| text.parse::<IpAddr>().ok().map(IpNet::from))
}

/// `a` an equality test (a finite set of values), `b` any string test that excludes them all.
fn strings(a: &Test<'_, '_>, b: &Test<'_, '_>) -> Option<&'static str> {
    let exact = match a.op.base.comparison {
        Comparison::Equals => true,
        Comparison::EqualsIgnoreCase => false,
        _ => return None,
    };
    let fold = |v: &str| v.to_ascii_lowercase();
    let candidates: Vec<&str> = a.values().collect();
    let b_values: Vec<&str> = b.values().collect();
    // Can some value the equality test accepts pass `b`?
    let passes = |v: &str| -> bool {
        match b.op.base.comparison {
            Comparison::Equals if exact => b_values.contains(&v),
            Comparison::Equals | Comparison::EqualsIgnoreCase => b_values.iter().any(|w| fold(w) == fold(v)),
            // A case-insensitive candidate stands for all its casings: some casing differs.
            Comparison::NotEquals if exact => !b_values.contains(&v),
            Comparison::NotEqualsIgnoreCase => !b_values.iter().any(|w| fold(w) == fold(v)),
            Comparison::Like if exact => b_values.iter().any(|p| wildcard_match(p, v, false)),
            Comparison::NotLike if exact => !b_values.iter().any(|p| wildcard_match(p, v, false)),
            _ => true,
        }
    };
    (!candidates.iter().any(|v| passes(v))).then_some("no value passes both")
}

/// The set of numbers a numeric test accepts, as an interval or a finite set.
enum Numbers {
    /// (bound, inclusive), `None` for unbounded.
    Range(Option<(f64, bool)>, Option<(f64, bool)>),
    Set(Vec<f64>),
    Excluded(Vec<f64>),
}

fn numbers_of(t: &Test<'_, '_>) -> Option<Numbers> {
    let values: Vec<f64> = t
        .values()
        .map(|v| v.trim().parse::<f64>().ok().filter(|n| n.is_finite()))
        .collect::<Option<_>>()?;
    let max = values.iter().copied().reduce(f64::max)?;
    let min = values.iter().copied().reduce(f64::min)?;
    Some(match t.op.base.comparison {
        Comparison::LessThan => Numbers::Range(None, Some((max, false))),
        Comparison::LessThanEquals => Numbers::Range(None, Some((max, true))),
        Comparison::GreaterThan => Numbers::Range(Some((min, false)), None),
        Comparison::GreaterThanEquals => Numbers::Range(Some((min, true)), None),
        Comparison::Equals => Numbers::Set(values),
        Comparison::NotEquals => Numbers::Excluded(values),
        _ => return None,
    })
}

fn in_range(n: f64, low: Option<(f64, bool)>, high: Option<(f64, bool)>) -> bool {
    let above = low.is_none_or(|(l, inc)| if inc { n >= l } else { n > l });
    let below = high.is_none_or(|(h, inc)| if inc { n <= h } else { n < h });
    above && below
}

fn numbers(a: &Test<'_, '_>, b: &Test<'_, '_>) -> Option<&'static str> {
    let (x, y) = (numbers_of(a)?, numbers_of(b)?);
    let empty = match (&x, &y) {
        (Numbers::Range(l1, h1), Numbers::Range(l2, h2)) => {
            let low = l1.or(*l2);
            let high = h1.or(*h2);
            // The tightest bounds: two ranges, each bounded on at most one side.
            let low = match (l1, l2) {
                (Some(p), Some(q)) => Some(if p.0 > q.0 || (p.0 == q.0 && !p.1) { *p } else { *q }),
                _ => low,
            };
            let high = match (h1, h2) {
                (Some(p), Some(q)) => Some(if p.0 < q.0 || (p.0 == q.0 && !p.1) { *p } else { *q }),
                _ => high,
            };
            match (low, high) {
                (Some((l, li)), Some((h, hi))) => l > h || (l == h && !(li && hi)),
                _ => false,
            }
        }
        (Numbers::Set(s), Numbers::Range(l, h)) | (Numbers::Range(l, h), Numbers::Set(s)) => {
            !s.iter().any(|n| in_range(*n, *l, *h))
        }
        (Numbers::Set(s), Numbers::Set(t)) => !s.iter().any(|n| t.contains(n)),
        (Numbers::Set(s), Numbers::Excluded(t)) | (Numbers::Excluded(t), Numbers::Set(s)) => {
            s.iter().all(|n| t.contains(n))
        }
        _ => false,
    };
    empty.then_some("no number passes both")
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::spans_of;
    use crate::policy_type::PolicyType::Identity;

    const CODE: &str = "STATEMENT_NEVER_APPLIES";

    fn c(condition: &str) -> Vec<String> {
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*", "Condition": {condition}}}]}}"#
        );
        spans_of(&text, Identity, CODE)
    }

    #[test]
    fn contradictions() {
        for (condition, span) in [
            (
                r#"{"StringEquals": {"aws:PrincipalTag/team": "a"}, "StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "b"}}"#,
                "\"aws:PrincipalTag/team\"",
            ),
            (
                r#"{"StringEquals": {"aws:username": "a", "AWS:USERNAME": "b"}}"#,
                "\"AWS:USERNAME\"",
            ),
            (
                r#"{"StringEquals": {"aws:username": ["a", "b"]}, "StringNotEquals": {"aws:username": ["a", "b", "c"]}}"#,
                "\"aws:username\"",
            ),
            (
                r#"{"StringEquals": {"aws:username": "bob"}, "StringLike": {"aws:username": "a*"}}"#,
                "\"aws:username\"",
            ),
            (
                r#"{"NumericLessThan": {"s3:max-keys": "5"}, "NumericGreaterThan": {"s3:max-keys": "10"}}"#,
                "\"s3:max-keys\"",
            ),
            (
                r#"{"NumericLessThan": {"s3:max-keys": "5"}, "NumericGreaterThanEquals": {"s3:max-keys": "5"}}"#,
                "\"s3:max-keys\"",
            ),
            (
                r#"{"NumericEquals": {"s3:max-keys": ["1", "2"]}, "NumericNotEquals": {"s3:max-keys": ["1", "2"]}}"#,
                "\"s3:max-keys\"",
            ),
            (
                r#"{"Bool": {"aws:SecureTransport": "true", "aws:securetransport": "false"}}"#,
                "\"aws:securetransport\"",
            ),
            (
                r#"{"Null": {"aws:PrincipalTag/team": "true"}, "StringEquals": {"aws:PrincipalTag/team": "a"}}"#,
                "\"aws:PrincipalTag/team\"",
            ),
            (
                r#"{"IpAddress": {"aws:SourceIp": "203.0.113.0/24", "AWS:SourceIp": "198.51.100.0/24"}}"#,
                "\"AWS:SourceIp\"",
            ),
        ] {
            assert_eq!(c(condition), [span], "{condition}");
        }
    }

    #[test]
    fn satisfiable() {
        for condition in [
            r#"{"StringEquals": {"aws:PrincipalTag/team": "a"}, "StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "A"}}"#,
            r#"{"StringEquals": {"aws:username": ["a", "b"]}, "StringNotEquals": {"aws:username": "a"}}"#,
            r#"{"StringEquals": {"aws:username": "a"}, "StringEqualsIfExists": {"aws:username": "b"}}"#,
            r#"{"ForAnyValue:StringEquals": {"aws:TagKeys": "a"}, "ForAllValues:StringEquals": {"aws:TagKeys": "b"}}"#,
            r#"{"StringEquals": {"aws:username": "${aws:PrincipalTag/u}"}, "StringLike": {"aws:username": "a*"}}"#,
            r#"{"NumericLessThan": {"s3:max-keys": "10"}, "NumericGreaterThan": {"s3:max-keys": "5"}}"#,
            r#"{"NumericLessThanEquals": {"s3:max-keys": "5"}, "NumericGreaterThanEquals": {"s3:max-keys": "5"}}"#,
            r#"{"Null": {"aws:PrincipalTag/team": "true"}, "StringNotEquals": {"aws:PrincipalTag/team": "a"}}"#,
            r#"{"Null": {"aws:PrincipalTag/team": "false"}, "StringEquals": {"aws:PrincipalTag/team": "a"}}"#,
            r#"{"IpAddress": {"aws:SourceIp": "203.0.0.0/16", "AWS:SourceIp": "203.0.113.0/24"}}"#,
            r#"{"StringEquals": {"example.com:team": "a"}, "StringEqualsIgnoreCase": {"example.com:team": "b"}}"#,
        ] {
            assert!(c(condition).is_empty(), "{condition}");
        }
    }
}
