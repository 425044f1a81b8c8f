//! Condition values checked against their operator and key: operator family versus key type,
//! value formats (numbers, dates, booleans, base64, CIDR), mixed JSON types, several booleans,
//! wildcards without a `Like` operator, string operators on ARN keys, and policy variables with
//! operators that do not substitute them.

use super::list_util::rename_operator_fix;
use super::{Context, Rule, Sink};
use crate::catalog::{KeyType, catalog};
use crate::model::{Condition, ConditionEntry, ConditionOperatorBlock, ConditionValue, ScalarType};
use crate::operator::{self, Comparison, Family, ParsedOperator, parse};
use crate::variables::{Piece, has_variables, scan};

check!(
    TYPE_MISMATCH,
    Warning,
    "The operator does not fit the condition key's type",
    r#"## What it does
Reports an operator whose family does not fit the type the reference gives the key: a
`Numeric*` operator on a string key, `StringEquals` on a date key, `Bool` on an IP address
key. `Null` fits every key; string operators fit ARN keys (see
`STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS`), and ARN operators fit string keys, which
often hold ARNs (`kms:EncryptionContext:aws:s3:arn`, tag values; AWS managed policies do this).

A warning: IAM compares the values anyway, but the result is rarely what was meant.

## Why is this bad
The comparison is done the wrong way (text instead of numbers or dates) or never matches.

## Example
```json
"Condition": {"StringEquals": {"aws:MultiFactorAuthAge": "3600"}}
```

## Use instead
```json
"Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}
```
"#
);

check!(
    TYPE_MISMATCH_NUMBER,
    Warning,
    "A Numeric operator's value is not a number",
    r#"## What it does
Reports a value of a `Numeric*` operator that is not a number.

## Why is this bad
The comparison never matches.

## Example
```json
"Condition": {"NumericLessThan": {"s3:max-keys": "ten"}}
```

## Use instead
```json
"Condition": {"NumericLessThan": {"s3:max-keys": "10"}}
```
"#
);

check!(
    TYPE_MISMATCH_DATE,
    Warning,
    "A Date operator's value is not an ISO 8601 date",
    r#"## What it does
Reports a value of a `Date*` operator that is neither an ISO 8601 date or date-time
(`2026-01-31`, `2026-01-31T12:00:00Z`) nor an epoch time in seconds.

## Why is this bad
The comparison never matches.

## Example
```json
"Condition": {"DateLessThan": {"aws:CurrentTime": "31/01/2026"}}
```

## Use instead
```json
"Condition": {"DateLessThan": {"aws:CurrentTime": "2026-01-31T00:00:00Z"}}
```
"#
);

check!(
    INVALID_DATE_VALUE,
    Warning,
    "A Date operator's value is an epoch time",
    r#"## What it does
Reports a value of a `Date*` operator written as epoch seconds (`"1767225600"`, or the JSON
number `1767225600`), which IAM Access Analyzer reports as a date that "might not resolve as
expected" (IAM User Guide, "IAM policy validation check reference": use the W3C date format,
`YYYY-MM-DD` or `YYYY-MM-DDThh:mm:ssTZD`). `aws:EpochTime` is not reported: it is the key made
for epoch values (IAM User Guide, "aws:EpochTime").

## Why is this bad
A number of seconds is easy to get wrong by a factor of a thousand (milliseconds) or a time
zone, and nothing in the policy shows which date it means.

## Example
```json
"Condition": {"DateLessThan": {"aws:CurrentTime": "1767225600"}}
```

## Use instead
```json
"Condition": {"DateLessThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}
```
"#
);

check!(
    TYPE_MISMATCH_BOOLEAN,
    Warning,
    "A Bool operator's value is not true or false",
    r#"## What it does
Reports a value of `Bool` (or `Null`) that is not `true` or `false`.

## Why is this bad
The comparison never matches.

## Example
```json
"Condition": {"Bool": {"aws:SecureTransport": "yes"}}
```

## Use instead
```json
"Condition": {"Bool": {"aws:SecureTransport": "true"}}
```
"#
);

check!(
    TYPE_MISMATCH_STRING,
    Warning,
    "A BinaryEquals value is not base64",
    r#"## What it does
Reports a value of `BinaryEquals` that is not base64-encoded.

## Why is this bad
The comparison never matches.

## Example
```json
"Condition": {"BinaryEquals": {"aws:UserAgent": "not base64!"}}
```

## Use instead
```json
"Condition": {"BinaryEquals": {"aws:UserAgent": "QmluYXJ5VmFsdWU="}}
```
"#
);

check!(
    TYPE_MISMATCH_IP_RANGE,
    Error,
    "An IpAddress value is not an IP address or CIDR range",
    r#"## What it does
Reports a value of `IpAddress` / `NotIpAddress` that is not an IPv4 or IPv6 address or CIDR
range (`203.0.113.0/24`, `2001:DB8::/32`).

## Why is this bad
IAM rejects the policy.

## Example
```json
"Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/33"}}
```

## Use instead
```json
"Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
```
"#
);

check!(
    INVALID_CONDITION_DATA_TYPE,
    Error,
    "The values of one condition key mix JSON types",
    r#"## What it does
Reports a list of condition values that mixes JSON strings, numbers and booleans
(`["true", false]`, `["10", 20]`).

## Why is this bad
IAM rejects the policy. Use one JSON type for all values (strings are always accepted).

## Example
```json
"Condition": {"NumericLessThan": {"s3:max-keys": ["10", 20]}}
```

## Use instead
```json
"Condition": {"NumericLessThan": {"s3:max-keys": ["10", "20"]}}
```
"#
);

check!(
    INVALID_CONDITION_MULTIPLE_BOOLEAN,
    Error,
    "Several values for a Boolean condition",
    r#"## What it does
Reports `Bool` with more than one value for a key.

## Why is this bad
A Boolean key has one value: a list of `true` and `false` always matches (the condition is
pointless), and IAM Access Analyzer rejects it.

## Example
```json
"Condition": {"Bool": {"aws:SecureTransport": ["true", "false"]}}
```

## Use instead
```json
"Condition": {"Bool": {"aws:SecureTransport": "true"}}
```
"#
);

check!(
    STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS,
    Warning,
    "A string operator on an ARN condition key",
    r#"## What it does
Reports `StringLike` / `StringNotLike` on a key of type ARN (`aws:SourceArn`,
`aws:PrincipalArn`).

## Why is this bad
ARN operators match each ARN field separately, so a `*` cannot run across fields; string
operators treat the ARN as plain text, which is looser than it looks.

## Example
```json
"Condition": {"StringLike": {"aws:SourceArn": "arn:aws:s3:::logs-*"}}
```

## Use instead
```json
"Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::logs-*"}}
```
"#
);

check!(
    WILDCARD_WITHOUT_LIKE_OPERATOR,
    Warning,
    "A wildcard in the value of an operator that does not expand wildcards",
    r#"## What it does
Reports `*` or `?` in a value of `StringEquals`, `StringNotEquals` or their `IgnoreCase`
variants (`${*}` and `${?}`, the escapes for a literal character, excepted). ARN operators and
`*Like` operators expand wildcards.

## Why is this bad
The `*` is compared as a literal star, so the condition only matches that exact text.

## Example
```json
"Condition": {"StringEquals": {"s3:prefix": "home/*"}}
```

## Use instead
```json
"Condition": {"StringLike": {"s3:prefix": "home/*"}}
```
"#
);

check!(
    INVALID_VARIABLE_FOR_OPERATOR,
    Error,
    "A policy variable with an operator that does not substitute it",
    r#"## What it does
Reports a policy variable (`${aws:username}`) in a value of an operator other than the string
and ARN operators, in policies with version `2012-10-17` (older versions have no variables).

## Why is this bad
Only string and ARN operators substitute variables; IAM Access Analyzer rejects the policy.

## Example
```json
"Condition": {"NumericEquals": {"s3:max-keys": "${aws:PrincipalTag/max}"}}
```

## Use instead
```json
"Condition": {"StringEquals": {"s3:max-keys": "${aws:PrincipalTag/max}"}}
```
"#
);

pub const RULE: Rule = Rule {
    checks: &[
        &TYPE_MISMATCH,
        &TYPE_MISMATCH_NUMBER,
        &TYPE_MISMATCH_DATE,
        &INVALID_DATE_VALUE,
        &TYPE_MISMATCH_BOOLEAN,
        &TYPE_MISMATCH_STRING,
        &TYPE_MISMATCH_IP_RANGE,
        &INVALID_CONDITION_DATA_TYPE,
        &INVALID_CONDITION_MULTIPLE_BOOLEAN,
        &STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS,
        &WILDCARD_WITHOUT_LIKE_OPERATOR,
        &INVALID_VARIABLE_FOR_OPERATOR,
    ],
    run,
};

fn run(ctx: &Context<'_>, out: &mut Sink) {
    let variables = ctx.policy.supports_variables();
    for statement in &ctx.policy.statements {
        let Some(condition) = &statement.condition else {
            continue;
        };
        for block in &condition.operators {
            let Some(op) = parse(&block.operator.value) else {
                continue;
            };
            for entry in &block.entries {
                check_entry(op, condition, block, entry, variables, out);
            }
        }
    }
}

fn check_entry(
    op: ParsedOperator,
    condition: &Condition<'_>,
    block: &ConditionOperatorBlock<'_>,
    entry: &ConditionEntry<'_>,
    variables: bool,
    out: &mut Sink,
) {
    let key_type = catalog().condition_key(&entry.key.value).map(|k| k.key_type.scalar());
    check_family(op, condition, block, entry, key_type, out);
    if let Some(node) = entry.member.value.as_ref() {
        let first = entry.values.first().map(|v| v.json_type);
        if entry.values.iter().any(|v| Some(v.json_type) != first) {
            out.report(
                &INVALID_CONDITION_DATA_TYPE,
                node.span,
                "the values mix JSON types (strings, numbers, booleans); write them all as strings",
            );
        }
        if op.base.family == Family::Bool && op.qualifier.is_none() && entry.values.len() > 1 {
            out.report(
                &INVALID_CONDITION_MULTIPLE_BOOLEAN,
                node.span,
                "a Boolean key has one value: give either \"true\" or \"false\"",
            );
        }
    }
    for value in &entry.values {
        let text = value.text.as_ref();
        if variables && value.json_type == ScalarType::String && has_variables(text) {
            let has_var = scan(text).iter().any(|p| matches!(p, Piece::Variable { .. }));
            if has_var && !matches!(op.base.family, Family::String | Family::Arn) {
                out.report(
                    &INVALID_VARIABLE_FOR_OPERATOR,
                    value.node.span,
                    format!(
                        "policy variables are substituted only with string and ARN operators, not {}",
                        op.base.name
                    ),
                );
            }
            if has_var {
                continue;
            }
        }
        check_value_format(op, value, out);
        if op.base.family == Family::Date
            && !text.is_empty()
            && text.bytes().all(|b| b.is_ascii_digit())
            && !entry.key.value.eq_ignore_ascii_case("aws:EpochTime")
        {
            out.report(
                &INVALID_DATE_VALUE,
                value.node.span,
                format!("\"{text}\" is an epoch time, which may not resolve as expected: write the date as YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ"),
            );
        }
    }
}

fn check_family(
    op: ParsedOperator,
    condition: &Condition<'_>,
    block: &ConditionOperatorBlock<'_>,
    entry: &ConditionEntry<'_>,
    key_type: Option<KeyType>,
    out: &mut Sink,
) {
    let Some(key_type) = key_type else { return };
    let family = op.base.family;
    if family == Family::String && key_type == KeyType::Arn {
        if matches!(op.base.comparison, Comparison::Like | Comparison::NotLike) {
            let arn_op = if op.base.comparison == Comparison::Like {
                "ArnLike"
            } else {
                "ArnNotLike"
            };
            let name = ParsedOperator {
                base: operator::base_operator(arn_op).unwrap_or(op.base),
                ..op
            }
            .canonical();
            let fix = rename_operator_fix(condition, block, &name, format!("Change the operator to {name}"));
            out.report(
                &STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS,
                entry.key.span,
                format!("\"{}\" is an ARN key: use {arn_op}", entry.key.value),
            )
            .fixes
            .extend(fix);
        }
        return;
    }
    let fits = match family {
        Family::Null => true,
        Family::String => key_type == KeyType::String,
        // String keys often hold ARNs (tag values, encryption context): ARN operators fit them.
        Family::Arn => matches!(key_type, KeyType::Arn | KeyType::String),
        Family::Numeric => key_type == KeyType::Numeric,
        Family::Date => key_type == KeyType::Date,
        Family::Bool => key_type == KeyType::Bool,
        Family::Binary => key_type == KeyType::Binary,
        Family::IpAddress => key_type == KeyType::IpAddress,
    };
    if !fits {
        out.report(
            &TYPE_MISMATCH,
            entry.key.span,
            format!(
                "\"{}\" is of type {key_type}: {} operators do not fit it",
                entry.key.value,
                family.as_str()
            ),
        );
    }
}

fn check_value_format(op: ParsedOperator, value: &ConditionValue<'_>, out: &mut Sink) {
    let text = value.text.as_ref();
    let span = value.node.span;
    match op.base.family {
        Family::Numeric if !is_number(text) => {
            out.report(
                &TYPE_MISMATCH_NUMBER,
                span,
                format!("{} needs a number, not \"{text}\"", op.base.name),
            );
        }
        Family::Date if !is_date(text) => {
            out.report(
                &TYPE_MISMATCH_DATE,
                span,
                format!(
                    "{} needs an ISO 8601 date (2026-01-31T00:00:00Z), not \"{text}\"",
                    op.base.name
                ),
            );
        }
        Family::Bool | Family::Null if !text.eq_ignore_ascii_case("true") && !text.eq_ignore_ascii_case("false") => {
            out.report(
                &TYPE_MISMATCH_BOOLEAN,
                span,
                format!("{} needs \"true\" or \"false\", not \"{text}\"", op.base.name),
            );
        }
        Family::Binary if !is_base64(text) => {
            out.report(
                &TYPE_MISMATCH_STRING,
                span,
                format!("BinaryEquals needs a base64-encoded value, not \"{text}\""),
            );
        }
        Family::IpAddress if !is_ip_range(text) => {
            out.report(
                &TYPE_MISMATCH_IP_RANGE,
                span,
                format!("\"{text}\" is not an IP address or CIDR range"),
            );
        }
        Family::String
            if matches!(
                op.base.comparison,
                Comparison::Equals
                    | Comparison::NotEquals
                    | Comparison::EqualsIgnoreCase
                    | Comparison::NotEqualsIgnoreCase
            ) && has_unescaped_wildcard(text) =>
        {
            let like = if op.base.is_negated() {
                "StringNotLike"
            } else {
                "StringLike"
            };
            let fixed = ParsedOperator {
                base: crate::operator::base_operator(like).unwrap_or(op.base),
                ..op
            }
            .canonical();
            out.report(
                &WILDCARD_WITHOUT_LIKE_OPERATOR,
                span,
                format!(
                    "{} compares \"{text}\" literally: the wildcard is not expanded; use {fixed}",
                    op.base.name
                ),
            );
        }
        _ => {}
    }
}

fn has_unescaped_wildcard(text: &str) -> bool {
    if !text.contains(['*', '?']) {
        return false;
    }
    scan(text)
        .iter()
        .any(|p| matches!(p, Piece::Text(t) if t.contains(['*', '?'])))
}

fn is_number(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "0"));
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && !frac.is_empty()
        && frac.bytes().all(|b| b.is_ascii_digit())
}

fn all_digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// ISO 8601 date or date-time as IAM accepts it, or epoch seconds.
fn is_date(s: &str) -> bool {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    let (date, time) = match s.split_once(['T', 't']) {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut parts = date.split('-');
    let ok_date = matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some(y), Some(m), Some(d), None) if all_digits(y, 4) && all_digits(m, 2) && all_digits(d, 2)
    ) || all_digits(date, 8);
    if !ok_date {
        return false;
    }
    let Some(time) = time else { return true };
    let time = time.strip_suffix(['Z', 'z']).unwrap_or(time);
    let time = match time.rfind(['+', '-']) {
        Some(i) => {
            let (t, zone) = time.split_at(i);
            let zone = zone.get(1..).unwrap_or("");
            let zone_ok = all_digits(zone, 2) || all_digits(zone, 4) || {
                let z: Vec<&str> = zone.split(':').collect();
                z.len() == 2 && z.iter().all(|p| all_digits(p, 2))
            };
            if !zone_ok {
                return false;
            }
            t
        }
        None => time,
    };
    let (hms, frac) = time.split_once('.').unwrap_or((time, "0"));
    let fields: Vec<&str> = hms.split(':').collect();
    (2..=3).contains(&fields.len())
        && fields.iter().all(|f| all_digits(f, 2))
        && !frac.is_empty()
        && frac.bytes().all(|b| b.is_ascii_digit())
        || all_digits(hms, 6)
}

fn is_base64(s: &str) -> bool {
    let body = s.trim_end_matches('=');
    !s.is_empty()
        && s.len() - body.len() <= 2
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

fn is_ip_range(s: &str) -> bool {
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (s, None),
    };
    let max = if addr.parse::<std::net::Ipv4Addr>().is_ok() {
        32
    } else if addr.parse::<std::net::Ipv6Addr>().is_ok() {
        128
    } else {
        return false;
    };
    match prefix {
        None => true,
        Some(p) => {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && p.parse::<u32>().is_ok_and(|n| n <= max)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::spans_of;
    use crate::policy_type::PolicyType::Identity;

    fn c(condition: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*", "Condition": {condition}}}]}}"#
        )
    }

    fn spans(condition: &str, code: &str) -> Vec<String> {
        spans_of(&c(condition), Identity, code)
    }

    #[test]
    fn type_mismatch() {
        assert_eq!(
            spans(
                r#"{"StringEquals": {"aws:MultiFactorAuthAge": "3600"}}"#,
                "TYPE_MISMATCH"
            ),
            ["\"aws:MultiFactorAuthAge\""]
        );
        for ok in [
            r#"{"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}"#,
            r#"{"Null": {"aws:MultiFactorAuthAge": "true"}}"#,
            r#"{"StringEquals": {"aws:SourceArn": "arn:aws:s3:::b"}}"#,
            r#"{"StringEquals": {"unknown:key": "x"}}"#,
            r#"{"ArnLike": {"aws:ResourceTag/arn": "arn:aws:s3:::b"}}"#,
        ] {
            assert!(spans(ok, "TYPE_MISMATCH").is_empty(), "{ok}");
        }
    }

    #[test]
    fn value_formats() {
        assert_eq!(
            spans(
                r#"{"NumericLessThan": {"s3:max-keys": ["ten", "10", "1.5"]}}"#,
                "TYPE_MISMATCH_NUMBER"
            ),
            ["\"ten\""]
        );
        assert_eq!(
            spans(
                r#"{"DateLessThan": {"aws:CurrentTime": ["31/01/2026", "2026-01-31", "2026-01-31T12:00:00Z", "2026-01-31T12:00:00.123+01:00", "1700000000"]}}"#,
                "TYPE_MISMATCH_DATE"
            ),
            ["\"31/01/2026\""]
        );
        assert_eq!(
            spans(
                r#"{"DateLessThan": {"aws:CurrentTime": ["1700000000", "2026-01-31"], "aws:TokenIssueTime": 1700000000}}"#,
                "INVALID_DATE_VALUE"
            ),
            ["\"1700000000\"", "1700000000"]
        );
        assert!(
            spans(
                r#"{"DateLessThan": {"aws:EpochTime": "1700000000"}}"#,
                "INVALID_DATE_VALUE"
            )
            .is_empty()
        );
        assert_eq!(
            spans(r#"{"Bool": {"aws:SecureTransport": "yes"}}"#, "TYPE_MISMATCH_BOOLEAN"),
            ["\"yes\""]
        );
        assert!(spans(r#"{"Bool": {"aws:SecureTransport": false}}"#, "TYPE_MISMATCH_BOOLEAN").is_empty());
        assert_eq!(
            spans(
                r#"{"BinaryEquals": {"x:y": ["not base64!", "QmluYXJ5VmFsdWU="]}}"#,
                "TYPE_MISMATCH_STRING"
            ),
            ["\"not base64!\""]
        );
        assert_eq!(
            spans(
                r#"{"IpAddress": {"aws:SourceIp": ["203.0.113.0/33", "203.0.113.0/24", "10.0.0.1", "2001:DB8::/32", "foo"]}}"#,
                "TYPE_MISMATCH_IP_RANGE"
            ),
            ["\"203.0.113.0/33\"", "\"foo\""]
        );
    }

    #[test]
    fn data_types_and_booleans() {
        assert_eq!(
            spans(
                r#"{"Bool": {"aws:SecureTransport": ["true", false]}}"#,
                "INVALID_CONDITION_DATA_TYPE"
            ),
            ["[\"true\", false]"]
        );
        assert!(
            spans(
                r#"{"StringEquals": {"aws:username": ["a", "b"]}}"#,
                "INVALID_CONDITION_DATA_TYPE"
            )
            .is_empty()
        );
        assert_eq!(
            spans(
                r#"{"Bool": {"aws:SecureTransport": ["true", "false"]}}"#,
                "INVALID_CONDITION_MULTIPLE_BOOLEAN"
            ),
            ["[\"true\", \"false\"]"]
        );
        assert!(
            spans(
                r#"{"Bool": {"aws:SecureTransport": ["true"]}}"#,
                "INVALID_CONDITION_MULTIPLE_BOOLEAN"
            )
            .is_empty()
        );
    }

    #[test]
    fn string_like_on_arn_key() {
        assert_eq!(
            spans(
                r#"{"StringLike": {"aws:SourceArn": "arn:aws:s3:::logs-*"}}"#,
                "STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS"
            ),
            ["\"aws:SourceArn\""]
        );
        let text = c(r#"{"StringNotLikeIfExists": {"aws:SourceArn": "arn:aws:s3:::logs-*"}}"#);
        let code = "STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS";
        let fixed = crate::checks::fix_support::apply_fix(&text, Identity, code).unwrap();
        assert!(fixed.contains(r#"{"ArnNotLikeIfExists": {"aws:SourceArn""#), "{fixed}");
        assert!(spans_of(&fixed, Identity, code).is_empty());
        assert!(
            spans(
                r#"{"ArnLike": {"aws:SourceArn": "arn:aws:s3:::logs-*"}}"#,
                "STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS"
            )
            .is_empty()
        );
    }

    #[test]
    fn wildcards_without_like() {
        assert_eq!(
            spans(
                r#"{"StringEquals": {"s3:prefix": ["home/*", "a${*}b", "plain"]}}"#,
                "WILDCARD_WITHOUT_LIKE_OPERATOR"
            ),
            ["\"home/*\""]
        );
        assert!(
            spans(
                r#"{"StringLike": {"s3:prefix": "home/*"}}"#,
                "WILDCARD_WITHOUT_LIKE_OPERATOR"
            )
            .is_empty()
        );
        assert!(
            spans(
                r#"{"ArnEquals": {"aws:SourceArn": "arn:aws:s3:::*"}}"#,
                "WILDCARD_WITHOUT_LIKE_OPERATOR"
            )
            .is_empty()
        );
    }

    #[test]
    fn variables_for_operator() {
        assert_eq!(
            spans(
                r#"{"NumericEquals": {"s3:max-keys": "${aws:PrincipalTag/max}"}}"#,
                "INVALID_VARIABLE_FOR_OPERATOR"
            ),
            ["\"${aws:PrincipalTag/max}\""]
        );
        assert!(
            spans(
                r#"{"NumericEquals": {"s3:max-keys": "${aws:PrincipalTag/max}"}}"#,
                "TYPE_MISMATCH_NUMBER"
            )
            .is_empty()
        );
        assert!(
            spans(
                r#"{"StringEquals": {"s3:prefix": "${aws:username}"}}"#,
                "INVALID_VARIABLE_FOR_OPERATOR"
            )
            .is_empty()
        );
    }

    #[test]
    fn formats() {
        assert!(is_number("-1.5") && is_number("10") && !is_number("1e3") && !is_number("") && !is_number("1."));
        assert!(is_base64("QQ==") && !is_base64("Q==="));
    }
}
