//! Condition entries as the access model sees them, and the two questions asked of them:
//! does one entry imply another (a diff: was a condition loosened?), and does an entry pin the
//! caller to fixed values (is a grant public?).
//!
//! Implication is decided per key and family, where the values say it for certain: string and
//! ARN values by pattern containment (`crate::glob`), numbers and dates by their intervals,
//! addresses by CIDR containment, `Bool` and `Null` by their value. Everything else — other
//! qualifier combinations, a binary value, values that do not parse — is
//! [`Implication::Unknown`]: "may be looser", never a silent "no change".

use ipnet::IpNet;

use crate::eval::condition::{parse_bool, parse_date, parse_net, parse_number};
use crate::glob::{ArnPattern, Glob, GlobBuilder, Subset};
use crate::model::{ConditionEntry, ConditionOperatorBlock};
use crate::operator::{Comparison, Family, ParsedOperator, Qualifier};

/// One `operator: {key: values}` entry.
#[derive(Debug, Clone)]
pub struct ConditionTest {
    /// The operator as written.
    pub operator_text: String,
    /// `None` when AWS does not know the operator as written (operator names are
    /// case-sensitive): the entry never holds.
    pub operator: Option<ParsedOperator>,
    /// The key as written; keys compare case-insensitively.
    pub key: String,
    pub values: Vec<String>,
    /// The `"key": values` member.
    pub span: crate::Span,
    /// `Version: 2012-10-17`: `${…}` in values are policy variables.
    variables: bool,
}

/// Does one condition entry imply another?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Implication {
    /// Every request that satisfies the first satisfies the second.
    Yes,
    /// Some request satisfies the first and not the second.
    No,
    /// Not decided.
    Unknown,
}

impl ConditionTest {
    pub(super) fn new(
        block: &ConditionOperatorBlock<'_>,
        entry: &ConditionEntry<'_>,
        variables: bool,
    ) -> ConditionTest {
        let operator_text = block.operator.value.clone();
        let operator = crate::operator::parse(&operator_text).filter(|op| op.canonical() == operator_text);
        ConditionTest {
            operator_text,
            operator,
            key: entry.key.value.clone(),
            values: entry.values.iter().map(|v| v.text.to_string()).collect(),
            span: entry.member.span(),
            variables,
        }
    }

    pub fn same_key(&self, other: &ConditionTest) -> bool {
        self.key.eq_ignore_ascii_case(&other.key)
    }

    /// Does every request that satisfies `self` satisfy `other`? `Unknown` for entries on
    /// different keys (see [`conditions_imply`] for how a statement's entries combine).
    pub fn implies(&self, other: &ConditionTest) -> Implication {
        if self.same_key(other) && self.operator_text == other.operator_text && same_set(&self.values, &other.values) {
            return Implication::Yes;
        }
        let (Some(a), Some(b)) = (self.operator, other.operator) else {
            // An unknown operator never holds: it implies anything, nothing implies it.
            return match (self.operator, other.operator) {
                (None, _) => Implication::Yes,
                _ => Implication::No,
            };
        };
        if !self.same_key(other) {
            return Implication::Unknown;
        }
        // A request without the key: `self` must not hold where `other` fails.
        if holds_without_key(a) && !holds_without_key(b) {
            return Implication::No;
        }
        if a.qualifier != b.qualifier {
            return Implication::Unknown;
        }
        // With a set qualifier only the positive forms compare as sets.
        if a.qualifier.is_some() && (a.base.is_negated() || b.base.is_negated()) {
            return Implication::Unknown;
        }
        if a.base.family != b.base.family {
            return Implication::Unknown;
        }
        match a.base.family {
            Family::String | Family::Arn => self.patterns_imply(a, other, b),
            Family::Numeric => intervals_imply(a, &self.values, b, &other.values, parse_number),
            Family::Date => intervals_imply(a, &self.values, b, &other.values, parse_date),
            Family::Bool | Family::Null => {
                let (x, y) = (parsed(&self.values, parse_bool), parsed(&other.values, parse_bool));
                match (x, y) {
                    (Some(x), Some(y)) if x.iter().all(|v| y.contains(v)) => Implication::Yes,
                    (Some(_), Some(_)) => Implication::No,
                    _ => Implication::Unknown,
                }
            }
            Family::IpAddress => nets_imply(a, &self.values, b, &other.values),
            Family::Binary => Implication::Unknown,
        }
    }

    /// String and ARN entries: the values as patterns (a `…Equals` value is literal, a
    /// `…Like` value has wildcards, ARN values always do), compared by containment.
    fn patterns_imply(&self, a: ParsedOperator, other: &ConditionTest, b: ParsedOperator) -> Implication {
        let (na, nb) = (a.base.is_negated(), b.base.is_negated());
        let answer = if a.base.family == Family::Arn {
            let x = self.arn_patterns();
            let y = other.arn_patterns();
            let any = || ArnPattern::new("*");
            match (na, nb) {
                (false, false) => all_subset(&x, |p| p.subset_of(&y)),
                (true, true) => all_subset(&y, |p| p.subset_of(&x)),
                (false, true) => overlap_free(&x, &y, ArnPattern::overlaps),
                (true, false) => any().subset_of(x.iter().chain(&y)),
            }
        } else {
            let x = self.string_patterns(a);
            let y = other.string_patterns(b);
            let any = || Glob::new("*", false);
            match (na, nb) {
                (false, false) => all_subset(&x, |p| p.subset_of(&y)),
                (true, true) => all_subset(&y, |p| p.subset_of(&x)),
                (false, true) => overlap_free(&x, &y, Glob::overlaps),
                (true, false) => any().subset_of(x.iter().chain(&y)),
            }
        };
        match answer {
            Subset::Yes => Implication::Yes,
            // A witness holding a variable is not a value a request can send as such.
            Subset::No { witness } if !witness.contains("${") => Implication::No,
            _ => Implication::Unknown,
        }
    }

    fn string_patterns(&self, op: ParsedOperator) -> Vec<Glob> {
        let ci = matches!(
            op.base.comparison,
            Comparison::EqualsIgnoreCase | Comparison::NotEqualsIgnoreCase
        );
        let like = op.base.is_like();
        self.values
            .iter()
            .map(|v| {
                let mut builder = GlobBuilder::new();
                for piece in self.pieces(v) {
                    match piece {
                        Piece::Text(t) if like => builder.pattern(t),
                        Piece::Text(t) => builder.literal(t),
                        Piece::Literal(c) => builder.literal(c.encode_utf8(&mut [0; 4])),
                        Piece::Variable(name) => builder.variable(&name),
                    };
                }
                builder.build(ci)
            })
            .collect()
    }

    fn arn_patterns(&self) -> Vec<ArnPattern> {
        self.values
            .iter()
            .map(|v| {
                if self.variables {
                    ArnPattern::with_variables(v)
                } else {
                    ArnPattern::new(v)
                }
            })
            .collect()
    }

    fn pieces<'v>(&self, value: &'v str) -> Vec<Piece<'v>> {
        use crate::variables::{Piece as P, scan};
        if !self.variables || !crate::variables::has_variables(value) {
            return vec![Piece::Text(value)];
        }
        scan(value)
            .into_iter()
            .map(|p| match p {
                P::Text(t) => Piece::Text(t),
                P::Literal { char, .. } => Piece::Literal(char),
                P::Variable { key, default, .. } => Piece::Variable(match default {
                    Some(d) => format!("{}, '{d}'", key.to_ascii_lowercase()),
                    None => key.to_ascii_lowercase(),
                }),
                P::Malformed { range, .. } => Piece::Text(value.get(range).unwrap_or("")),
            })
            .collect()
    }

    /// Does the entry pin the caller to fixed values, so that a grant to `Principal: "*"` is
    /// not public? True for a positive operator without `IfExists` or `ForAllValues:` (both
    /// hold when the key is missing) on a [caller key](CALLER_KEYS), whose every value is fixed:
    /// no wildcard (in an ARN, one only after a fixed 12-digit account), no policy variable,
    /// and for `aws:SourceIp` no range that covers every address.
    pub fn pins_caller(&self) -> bool {
        let Some(op) = self.operator else { return false };
        let key = self.key.to_ascii_lowercase();
        let known = CALLER_KEYS.iter().any(|k| k.eq_ignore_ascii_case(&key));
        if !known
            || op.base.is_negated()
            || op.if_exists
            || op.qualifier == Some(Qualifier::ForAllValues)
            || self.values.is_empty()
        {
            return false;
        }
        let fixed = |v: &str| {
            if v.contains("${") {
                return false;
            }
            match op.base.family {
                Family::IpAddress => parse_net(v).is_some_and(|net: IpNet| net.prefix_len() > 0),
                Family::String | Family::Arn if !crate::glob::has_wildcard(v) => true,
                Family::String | Family::Arn => fixed_account_arn(v),
                _ => false,
            }
        };
        matches!(op.base.family, Family::String | Family::Arn | Family::IpAddress)
            && self.values.iter().all(|v| fixed(v))
    }
}

/// Condition keys whose fixed values pin a request to known callers or sources: the list
/// Amazon S3 gives for a bucket policy that is not public (`PublicAccessBlockConfiguration`,
/// Amazon S3 API Reference, and "The meaning of public", Amazon S3 User Guide:
/// `aws:SourceIp`, `aws:SourceArn`, `aws:SourceVpc`, `aws:SourceVpce`, `aws:SourceOwner`,
/// `aws:SourceAccount`, `s3:x-amz-server-side-encryption-aws-kms-key-id`, `aws:userid`), plus
/// the organization and principal keys the IAM User Guide documents for the same purpose
/// ("AWS global condition context keys": `aws:PrincipalOrgID`, `aws:PrincipalAccount`,
/// `aws:PrincipalArn`, `aws:SourceOrgID`).
pub const CALLER_KEYS: &[&str] = &[
    "aws:SourceIp",
    "aws:SourceArn",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:SourceOwner",
    "aws:SourceAccount",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
    "aws:userid",
    "aws:PrincipalOrgID",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:SourceOrgID",
];

/// An ARN whose wildcards all come after a fixed 12-digit account field
/// (`arn:aws:sns:us-east-1:111122223333:*`): it names resources of one account.
fn fixed_account_arn(v: &str) -> bool {
    let fields: Vec<&str> = v.splitn(6, ':').collect();
    match fields.as_slice() {
        ["arn", partition, service, region, account, _] => {
            account.len() == 12
                && account.bytes().all(|b| b.is_ascii_digit())
                && ![partition, service, region]
                    .iter()
                    .any(|f| crate::glob::has_wildcard(f))
        }
        _ => false,
    }
}

enum Piece<'v> {
    Text(&'v str),
    Literal(char),
    Variable(String),
}

/// Does the entry hold for a request without its key? As the evaluator decides it (IAM User
/// Guide, "Condition operators"): `…IfExists` and `ForAllValues:` do, `ForAnyValue:` does not,
/// otherwise negated operators do. `Null` is about the key itself and compares by value.
fn holds_without_key(op: ParsedOperator) -> bool {
    op.base.family != Family::Null
        && (op.if_exists
            || match op.qualifier {
                Some(Qualifier::ForAllValues) => true,
                Some(Qualifier::ForAnyValue) => false,
                None => op.base.is_negated(),
            })
}

fn same_set(a: &[String], b: &[String]) -> bool {
    a.iter().all(|v| b.contains(v)) && b.iter().all(|v| a.contains(v))
}

fn parsed<T: PartialEq>(values: &[String], parse: impl Fn(&str) -> Option<T>) -> Option<Vec<T>> {
    values.iter().map(|v| parse(v)).collect()
}

/// Every pattern of `xs` contained (`check`) in the other side.
fn all_subset<T>(xs: &[T], check: impl Fn(&T) -> Subset) -> Subset {
    for x in xs {
        match check(x) {
            Subset::Yes => {}
            other => return other,
        }
    }
    Subset::Yes
}

/// No pattern of `xs` meets one of `ys`: a value `x` allows, `y`'s negation keeps.
fn overlap_free<T>(xs: &[T], ys: &[T], overlaps: impl Fn(&T, &T) -> bool) -> Subset {
    if xs.iter().any(|x| ys.iter().any(|y| overlaps(x, y))) {
        Subset::Unknown
    } else {
        Subset::Yes
    }
}

/// A numeric or date entry as the set of values it accepts: a union of intervals (`None`
/// ends are unbounded).
#[derive(Debug, Clone, Copy)]
struct Interval<T> {
    low: Option<(T, bool)>,
    high: Option<(T, bool)>,
}

impl<T: PartialOrd + Copy> Interval<T> {
    /// Is `self` inside `other`? Each end is `(value, open)`.
    fn within(&self, other: &Interval<T>) -> bool {
        let low_ok = match (self.low, other.low) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some((a, a_open)), Some((b, b_open))) => b < a || (a == b && (!b_open || a_open)),
        };
        let high_ok = match (self.high, other.high) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some((a, a_open)), Some((b, b_open))) => a < b || (a == b && (!b_open || a_open)),
        };
        low_ok && high_ok
    }
}

fn intervals<T: Copy>(
    op: ParsedOperator,
    values: &[String],
    parse: impl Fn(&str) -> Option<T>,
) -> Option<Vec<Interval<T>>> {
    values
        .iter()
        .map(|v| {
            let x = parse(v)?;
            let (low, high) = match op.base.comparison {
                Comparison::Equals => (Some((x, false)), Some((x, false))),
                Comparison::LessThan => (None, Some((x, true))),
                Comparison::LessThanEquals => (None, Some((x, false))),
                Comparison::GreaterThan => (Some((x, true)), None),
                Comparison::GreaterThanEquals => (Some((x, false)), None),
                _ => return None,
            };
            Some(Interval { low, high })
        })
        .collect()
}

/// Numbers and dates: each interval `a` accepts inside one `b` accepts. The intervals of one
/// entry share their operator, so they nest or are points, and this is exact. Negated forms
/// (`NumericNotEquals`, `DateNotEquals`) are not decided.
fn intervals_imply<T: PartialOrd + Copy>(
    a: ParsedOperator,
    x: &[String],
    b: ParsedOperator,
    y: &[String],
    parse: impl Fn(&str) -> Option<T> + Copy,
) -> Implication {
    let (Some(xs), Some(ys)) = (intervals(a, x, parse), intervals(b, y, parse)) else {
        return Implication::Unknown;
    };
    if xs.iter().all(|i| ys.iter().any(|j| i.within(j))) {
        Implication::Yes
    } else {
        Implication::No
    }
}

/// Addresses: `IpAddress` ranges inside the other's; `NotIpAddress` the other way round.
fn nets_imply(a: ParsedOperator, x: &[String], b: ParsedOperator, y: &[String]) -> Implication {
    let (Some(xs), Some(ys)) = (parsed(x, parse_net), parsed(y, parse_net)) else {
        return Implication::Unknown;
    };
    let within = |inner: &[IpNet], outer: &[IpNet]| inner.iter().all(|n| outer.iter().any(|o| o.contains(n)));
    match (a.base.is_negated(), b.base.is_negated()) {
        (false, false) if within(&xs, &ys) => Implication::Yes,
        (true, true) if within(&ys, &xs) => Implication::Yes,
        (false, true) if !xs.iter().any(|n| ys.iter().any(|o| o.contains(n) || n.contains(o))) => Implication::Yes,
        (false, false) | (true, true) => Implication::No,
        _ => Implication::Unknown,
    }
}

/// Do the conditions `stricter` imply every entry of `looser`? (All entries of a statement
/// must hold, so each entry of `looser` needs one entry of `stricter` that implies it.) For a
/// diff: `No` means the new statement accepts a request the old one refused — a key the old
/// statement tested and the new one does not is such a case. Keys are taken as independent
/// (AWS sets some together, e.g. `aws:PrincipalArn` and `aws:PrincipalAccount`; a removed key
/// that another entry still pins reads as loosened).
pub fn conditions_imply(stricter: &[ConditionTest], looser: &[ConditionTest]) -> Implication {
    let mut answer = Implication::Yes;
    for wanted in looser {
        let mut best = Implication::No;
        for have in stricter {
            match have.implies(wanted) {
                Implication::Yes => {
                    best = Implication::Yes;
                    break;
                }
                Implication::Unknown => best = Implication::Unknown,
                Implication::No => {}
            }
        }
        let on_key = stricter
            .iter()
            .filter(|h| h.same_key(wanted) && h.operator.is_some())
            .count();
        if on_key == 0 && best == Implication::Unknown {
            // Nothing constrains the key: a request can send any value, or none.
            best = Implication::No;
        }
        // Several entries on the key may imply it together; one alone saying no is not proof.
        if best == Implication::No && on_key > 1 {
            best = Implication::Unknown;
        }
        answer = match (answer, best) {
            (Implication::No, _) | (_, Implication::No) => Implication::No,
            (Implication::Unknown, _) | (_, Implication::Unknown) => Implication::Unknown,
            _ => Implication::Yes,
        };
    }
    answer
}
