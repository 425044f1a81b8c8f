//! Condition values and keys that do not protect what they seem to: private addresses in
//! `aws:SourceIp`, CIDR host bits, malformed VPC and endpoint IDs, keys the caller sets,
//! `dynamodb:Attributes` without `dynamodb:Select`, and `aws:VpcSourceIp` without its VPC.

use super::type_support::{KeyUse, key_uses, uses_key};
use super::{Context, Rule, Sink};
use crate::catalog::has_wildcard;
use crate::finding::Fix;
use crate::model::{ConditionValue, Effect};
use crate::operator::Family;
use ipnet::IpNet;
use std::net::IpAddr;

check!(
    PRIVATE_IP_ADDRESS,
    Error,
    "aws:SourceIp lists only private addresses",
    r#"## What it does
Reports `IpAddress` on `aws:SourceIp` whose values are all private ranges (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7).

## Why is this bad
`aws:SourceIp` is the public address a request comes from; requests through a VPC endpoint carry `aws:VpcSourceIp` instead. The condition never matches.

## Example
```json
"Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}
```

## Use instead
```json
"Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
```
"#
);

check!(
    PRIVATE_NOT_IP_ADDRESS,
    Error,
    "NotIpAddress on aws:SourceIp lists only private addresses",
    r#"## What it does
Reports `NotIpAddress` on `aws:SourceIp` whose values are all private ranges.

## Why is this bad
`aws:SourceIp` is never a private address, so `NotIpAddress` is always true and the condition has no effect.

## Example
```json
"Condition": {"NotIpAddress": {"aws:SourceIp": "192.168.0.0/16"}}
```

## Use instead
```json
"Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
```
"#
);

check!(
    PRIVATE_IP_ADDRESS_SUBSET,
    Suggestion,
    "aws:SourceIp mixes private and public addresses",
    r#"## What it does
Reports the private ranges among public ones in an `IpAddress` condition on `aws:SourceIp`.

## Why is this bad
The private ranges never match `aws:SourceIp`; they suggest a protection the policy does not give. Use `aws:VpcSourceIp` for addresses inside a VPC.

## Example
```json
"Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "10.0.0.0/8"]}}
```

## Use instead
```json
"Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
```
"#
);

check!(
    PRIVATE_NOT_IP_ADDRESS_SUBSET,
    Suggestion,
    "NotIpAddress on aws:SourceIp mixes private and public addresses",
    r#"## What it does
Reports the private ranges among public ones in a `NotIpAddress` condition on `aws:SourceIp`.

## Why is this bad
The private ranges never match `aws:SourceIp`, so they exclude nothing.

## Example
```json
"Condition": {"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "10.0.0.0/8"]}}
```

## Use instead
```json
"Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
```
"#
);

check!(
    IMPROVE_IP_RANGE,
    Suggestion,
    "A CIDR range has host bits set",
    r#"## What it does
Reports a CIDR value with bits set after the prefix (`203.0.113.5/24`), with the network address as a fix.

## Why is this bad
The bits after the prefix are ignored: `203.0.113.5/24` is `203.0.113.0/24`. Writing the network address shows the range that is really matched.

## Example
```json
"Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.5/24"}}
```

## Use instead
```json
"Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
```
"#
);

check!(
    INVALID_VPC_FORMAT,
    Error,
    "An aws:SourceVpc value is not a VPC ID",
    r#"## What it does
Reports an `aws:SourceVpc` value that is not a VPC ID (`vpc-` and 8 or 17 hexadecimal digits). Values with wildcards or policy variables are not checked.

## Why is this bad
The condition never matches a real VPC.

## Example
```json
"Condition": {"StringEquals": {"aws:SourceVpc": "vpce-1a2b3c4d"}}
```

## Use instead
```json
"Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1a2b3c4d"}}
```
"#
);

check!(
    INVALID_VPCE_FORMAT,
    Error,
    "An aws:SourceVpce value is not a VPC endpoint ID",
    r#"## What it does
Reports an `aws:SourceVpce` value that is not a VPC endpoint ID (`vpce-` and 8 or 17 hexadecimal digits). Values with wildcards or policy variables are not checked.

## Why is this bad
The condition never matches a real endpoint.

## Example
```json
"Condition": {"StringEquals": {"aws:SourceVpce": "vpc-1a2b3c4d"}}
```

## Use instead
```json
"Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}
```
"#
);

check!(
    UNTRUSTWORTHY_CONDITION_KEY,
    SecurityWarning,
    "A condition key the caller controls",
    r#"## What it does
Reports `aws:UserAgent` and `aws:Referer` in a condition.

## Why is this bad
The caller sets these headers to whatever they like; they cannot protect anything. Use keys AWS sets, such as `aws:SourceVpce`, `aws:SourceIp` or `aws:PrincipalOrgID`.

## Example
```json
"Condition": {"StringLike": {"aws:Referer": "https://www.example.com/*"}}
```

## Use instead
```json
"Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}
```
"#
);

check!(
    DYNAMODB_ATTRIBUTES_WITHOUT_SELECT,
    SecurityWarning,
    "dynamodb:Attributes without dynamodb:Select",
    r#"## What it does
Reports an `Allow` statement that limits `dynamodb:Attributes` without requiring `"dynamodb:Select": "SPECIFIC_ATTRIBUTES"`.

## Why is this bad
A `Query` or `Scan` with `Select: ALL_ATTRIBUTES` names no attributes, so a `ForAllValues` condition on `dynamodb:Attributes` is true and every attribute is returned.

## Example
```json
{"Effect": "Allow", "Action": "dynamodb:Query", "Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/users",
 "Condition": {"ForAllValues:StringEquals": {"dynamodb:Attributes": ["id", "name"]}}}
```

## Use instead
```json
{"Effect": "Allow", "Action": "dynamodb:Query", "Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/users",
 "Condition": {"ForAllValues:StringEquals": {"dynamodb:Attributes": ["id", "name"]},
               "StringEquals": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"}}}
```
"#
);

check!(
    MISSING_PAIRED_CONDITION_KEYS,
    SecurityWarning,
    "aws:VpcSourceIp without aws:SourceVpc or aws:SourceVpce",
    r#"## What it does
Reports `aws:VpcSourceIp` in a condition that does not also test `aws:SourceVpc` or `aws:SourceVpce`.

## Why is this bad
Private addresses are reused across VPCs — every AWS customer has a 10.0.0.0/16. Without the VPC, the condition matches requests from anyone's VPC.

## Example
```json
"Condition": {"IpAddress": {"aws:VpcSourceIp": "10.0.0.0/16"}}
```

## Use instead
```json
"Condition": {"IpAddress": {"aws:VpcSourceIp": "10.0.0.0/16"}, "StringEquals": {"aws:SourceVpc": "vpc-1a2b3c4d"}}
```
"#
);

pub const RULE: Rule = Rule {
    checks: &[
        &PRIVATE_IP_ADDRESS,
        &PRIVATE_NOT_IP_ADDRESS,
        &PRIVATE_IP_ADDRESS_SUBSET,
        &PRIVATE_NOT_IP_ADDRESS_SUBSET,
        &IMPROVE_IP_RANGE,
        &INVALID_VPC_FORMAT,
        &INVALID_VPCE_FORMAT,
        &UNTRUSTWORTHY_CONDITION_KEY,
        &DYNAMODB_ATTRIBUTES_WITHOUT_SELECT,
        &MISSING_PAIRED_CONDITION_KEYS,
    ],
    run,
};

fn run(ctx: &Context<'_>, out: &mut Sink) {
    for statement in &ctx.policy.statements {
        let uses = key_uses(statement);
        for u in &uses {
            let family = u.op.map(|op| op.base.family);
            if family == Some(Family::IpAddress) {
                ip_values(u, out);
            }
            if u.is("aws:SourceVpc") || u.is("aws:SourceVpce") {
                vpc_values(u, out);
            }
            if u.is("aws:UserAgent") || u.is("aws:Referer") {
                out.report(
                    &UNTRUSTWORTHY_CONDITION_KEY,
                    u.entry.key.span,
                    format!("the caller sets {} to any value; it cannot protect anything", u.key()),
                );
            }
            if u.is("aws:VpcSourceIp")
                && !uses_key(statement, "aws:SourceVpc")
                && !uses_key(statement, "aws:SourceVpce")
            {
                out.report(
                    &MISSING_PAIRED_CONDITION_KEYS,
                    u.entry.key.span,
                    "private addresses are reused across VPCs: also test aws:SourceVpc or aws:SourceVpce",
                );
            }
            if u.is("dynamodb:Attributes")
                && statement.effect() == Some(Effect::Allow)
                && !uses
                    .iter()
                    .any(|s| s.is("dynamodb:Select") && s.values().any(|v| v == "SPECIFIC_ATTRIBUTES"))
            {
                out.report(
                    &DYNAMODB_ATTRIBUTES_WITHOUT_SELECT,
                    u.entry.key.span,
                    "a request with Select ALL_ATTRIBUTES names no attributes and returns them all: also require \
                     \"dynamodb:Select\": \"SPECIFIC_ATTRIBUTES\"",
                );
            }
        }
    }
}

fn parse_net(text: &str) -> Option<IpNet> {
    text.parse::<IpNet>()
        .ok()
        .or_else(|| text.parse::<IpAddr>().ok().map(IpNet::from))
}

fn is_private(net: &IpNet) -> bool {
    ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"]
        .iter()
        .filter_map(|p| p.parse::<IpNet>().ok())
        .any(|private| private.contains(net))
}

fn ip_values(u: &KeyUse<'_, '_>, out: &mut Sink) {
    let nets: Vec<(&ConditionValue<'_>, IpNet)> = u
        .entry
        .values
        .iter()
        .filter_map(|v| parse_net(&v.text).map(|n| (v, n)))
        .collect();
    for (value, net) in &nets {
        let trunc = net.trunc();
        if trunc != *net {
            out.report(
                &IMPROVE_IP_RANGE,
                value.node.span,
                format!("\"{}\" has host bits set; the range is {trunc}", value.text),
            )
            .fixes
            .push(Fix::replace(
                format!("Change to \"{trunc}\""),
                value.node.span,
                format!("\"{trunc}\""),
            ));
        }
    }
    if !u.is("aws:SourceIp") || nets.is_empty() {
        return;
    }
    let negated = u.op.is_some_and(|op| op.base.is_negated());
    let private: Vec<_> = nets.iter().filter(|(_, n)| is_private(n)).collect();
    if private.is_empty() {
        return;
    }
    if private.len() == nets.len() && nets.len() == u.entry.values.len() {
        let (check, message) = if negated {
            (
                &PRIVATE_NOT_IP_ADDRESS,
                "aws:SourceIp is never a private address, so NotIpAddress is always true and the condition has no effect",
            )
        } else {
            (
                &PRIVATE_IP_ADDRESS,
                "aws:SourceIp is never a private address, so this condition never matches; use aws:VpcSourceIp for addresses in a VPC",
            )
        };
        out.report(check, u.entry.key.span, message);
        return;
    }
    let check = if negated {
        &PRIVATE_NOT_IP_ADDRESS_SUBSET
    } else {
        &PRIVATE_IP_ADDRESS_SUBSET
    };
    for (value, _) in private {
        out.report(
            check,
            value.node.span,
            format!("\"{}\" is private and never matches aws:SourceIp", value.text),
        );
    }
}

fn is_resource_id(text: &str, prefix: &str) -> bool {
    text.strip_prefix(prefix).is_some_and(|id| {
        matches!(id.len(), 8 | 17) && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

fn vpc_values(u: &KeyUse<'_, '_>, out: &mut Sink) {
    let endpoint = u.is("aws:SourceVpce");
    let (check, prefix, what) = if endpoint {
        (&INVALID_VPCE_FORMAT, "vpce-", "a VPC endpoint ID (vpce-1a2b3c4d)")
    } else {
        (&INVALID_VPC_FORMAT, "vpc-", "a VPC ID (vpc-1a2b3c4d)")
    };
    if u.op.is_some_and(|op| op.base.family == Family::Null) {
        return;
    }
    for value in &u.entry.values {
        let text = value.text.as_ref();
        if has_wildcard(text) || text.contains("${") || is_resource_id(text, prefix) {
            continue;
        }
        out.report(check, value.node.span, format!("\"{text}\" is not {what}"));
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::spans_of;
    use crate::policy_type::PolicyType::Identity;

    fn c(effect: &str, condition: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "{effect}", "Action": "s3:GetObject", "Resource": "*", "Condition": {condition}}}]}}"#
        )
    }

    fn spans(condition: &str, code: &str) -> Vec<String> {
        spans_of(&c("Allow", condition), Identity, code)
    }

    #[test]
    fn private_addresses() {
        assert_eq!(
            spans(
                r#"{"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.1.1"]}}"#,
                "PRIVATE_IP_ADDRESS"
            ),
            ["\"aws:SourceIp\""]
        );
        assert_eq!(
            spans(
                r#"{"NotIpAddress": {"aws:SourceIp": "172.16.0.0/16"}}"#,
                "PRIVATE_NOT_IP_ADDRESS"
            ),
            ["\"aws:SourceIp\""]
        );
        assert_eq!(
            spans(
                r#"{"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "10.1.0.0/16"]}}"#,
                "PRIVATE_IP_ADDRESS_SUBSET"
            ),
            ["\"10.1.0.0/16\""]
        );
        assert_eq!(
            spans(
                r#"{"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "fd00::/8"]}}"#,
                "PRIVATE_NOT_IP_ADDRESS_SUBSET"
            ),
            ["\"fd00::/8\""]
        );
        let ok = r#"{"IpAddress": {"aws:SourceIp": "203.0.113.0/24", "aws:VpcSourceIp": "10.0.0.0/8"}, "StringEquals": {"aws:SourceVpc": "vpc-1a2b3c4d"}}"#;
        for code in [
            "PRIVATE_IP_ADDRESS",
            "PRIVATE_IP_ADDRESS_SUBSET",
            "MISSING_PAIRED_CONDITION_KEYS",
            "IMPROVE_IP_RANGE",
        ] {
            assert!(spans(ok, code).is_empty(), "{code}");
        }
    }

    #[test]
    fn host_bits() {
        assert_eq!(
            spans(
                r#"{"IpAddress": {"aws:SourceIp": ["203.0.113.5/24", "2001:db8::1/32", "198.51.100.7"]}}"#,
                "IMPROVE_IP_RANGE"
            ),
            ["\"203.0.113.5/24\"", "\"2001:db8::1/32\""]
        );
    }

    #[test]
    fn vpc_ids() {
        let text = r#"{"StringEquals": {"aws:SourceVpc": ["vpc-1a2b3c4d", "vpc-0123456789abcdef0", "vpc-xyz", "vpc-*"], "aws:SourceVpce": ["vpce-1a2b3c4d", "vpc-1a2b3c4d"]}}"#;
        assert_eq!(spans(text, "INVALID_VPC_FORMAT"), ["\"vpc-xyz\""]);
        assert_eq!(spans(text, "INVALID_VPCE_FORMAT"), ["\"vpc-1a2b3c4d\""]);
    }

    #[test]
    fn untrustworthy_and_paired_and_dynamodb() {
        assert_eq!(
            spans(
                r#"{"StringEquals": {"aws:UserAgent": "x"}}"#,
                "UNTRUSTWORTHY_CONDITION_KEY"
            ),
            ["\"aws:UserAgent\""]
        );
        assert_eq!(
            spans(
                r#"{"IpAddress": {"aws:VpcSourceIp": "10.0.0.0/8"}}"#,
                "MISSING_PAIRED_CONDITION_KEYS"
            ),
            ["\"aws:VpcSourceIp\""]
        );
        let attrs = r#"{"ForAllValues:StringEquals": {"dynamodb:Attributes": ["id"]}}"#;
        assert_eq!(
            spans(attrs, "DYNAMODB_ATTRIBUTES_WITHOUT_SELECT"),
            ["\"dynamodb:Attributes\""]
        );
        let ok = r#"{"ForAllValues:StringEquals": {"dynamodb:Attributes": ["id"]}, "StringEquals": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"}}"#;
        assert!(spans(ok, "DYNAMODB_ATTRIBUTES_WITHOUT_SELECT").is_empty());
        assert!(spans_of(&c("Deny", attrs), Identity, "DYNAMODB_ATTRIBUTES_WITHOUT_SELECT").is_empty());
    }
}
