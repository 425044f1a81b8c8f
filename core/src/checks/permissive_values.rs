//! Wildcards and policy variables that let a pattern condition match far more than meant: in the
//! keys IAM calls sensitive, which no pattern may contain; in `aws:userid`, whose wildcard belongs
//! next to the colon; and in an identity provider's subject claim (`token.actions.
//! githubusercontent.com:sub`), where each must follow at least six literal characters.
//!
//! Only pattern operators (`StringLike`, `StringNotLike`, `ArnLike`, `ArnNotLike`) are looked at:
//! elsewhere `*` is a literal character and a variable's value is compared as it is, so neither can
//! act as a wildcard. And only variables whose value can hold a wildcard character: those of
//! request text or an identity provider (`${s3:prefix}`, `${saml:sub}`, `${aws:UserAgent}`), not
//! the `aws:` values AWS sets or restricts to letters, digits and `_.:/=+-@` (accounts,
//! organizations, ARNs, user names, tags; IAM User Guide, "Tags for AWS Identity and Access
//! Management resources": tag values cannot hold `*` or `?`), which AWS's own policies use with
//! these keys (`"aws:ResourceAccount": "${aws:PrincipalAccount}"`, the data perimeter examples'
//! `"aws:ResourceOrgID": "${aws:PrincipalOrgID}"`). The rules are IAM Access Analyzer's (IAM User Guide, "IAM policy validation
//! check reference": WILDCARD_USAGE_TOO_PERMISSIVE and VARIABLE_USAGE_TOO_PERMISSIVE); the
//! sensitive keys are the IAM User Guide's ("AWS global condition context keys", "Sensitive
//! condition keys").

use super::type_support::key_uses;
use super::{Check, Context, Rule, Sink};
use crate::operator::Comparison;
use crate::span::Span;
use crate::variables::{Piece, scan};

check!(
    WILDCARD_USAGE_TOO_PERMISSIVE,
    Error,
    "A pattern condition's wildcard matches too much",
    r#"## What it does
Reports a wildcard (`*`, `?`) in the value of a pattern operator (`StringLike`, `ArnLike` and
their negations) where IAM Access Analyzer does not allow one:
- in a sensitive key, where no wildcard has a valid use (`aws:PrincipalAccount`,
  `aws:PrincipalOrgID`, `aws:ResourceAccount`, `aws:ResourceOrgID`, `aws:SourceAccount`,
  `aws:SourceOrgID`, `aws:SourceVpc`, `aws:SourceVpce`, `aws:VpceAccount`, `aws:VpceOrgID`: the
  IAM User Guide's "Sensitive condition keys");
- in `aws:userid` other than right of the colon or as the whole left part (`AROAEXAMPLE:*`,
  `*:alice`);
- in an identity provider's subject claim (`PROVIDER:sub`) without six literal characters right
  before it (`repo:*` matches every GitHub repository's subject).

## Why is this bad
The pattern matches principals, accounts, networks or subjects nobody meant to trust.

## Example
```json
"Condition": {"StringLike": {"aws:PrincipalAccount": "1111*"}}
```

## Use instead
```json
"Condition": {"StringEquals": {"aws:PrincipalAccount": ["111122223333", "111144445555"]}}
```
"#
);

check!(
    VARIABLE_USAGE_TOO_PERMISSIVE,
    Error,
    "A policy variable in a pattern condition can act as a wildcard",
    r#"## What it does
Reports a policy variable (`${aws:PrincipalTag/x}`) in the value of a pattern operator
(`StringLike`, `ArnLike` and their negations) where IAM Access Analyzer does not allow one: in a
sensitive key (the keys listed for WILDCARD_USAGE_TOO_PERMISSIVE), in `aws:userid` other than
right of the colon or as the whole left part, and in an identity provider's subject claim
(`PROVIDER:sub`) without six literal characters right before it.

Only variables whose value can hold a wildcard character are reported: those taken from the
request or an identity provider (`${s3:prefix}`, `${saml:sub}`, `${aws:UserAgent}`), not the
`aws:` values AWS sets or restricts to letters, digits and `_.:/=+-@` (accounts,
organizations, ARNs, user names, tag values), which AWS's own policies use this way
(`"aws:ResourceAccount": "${aws:PrincipalAccount}"`).

## Why is this bad
A pattern operator expands the wildcards of the variable's value: a claim or request value of
`*` makes the condition match anything.

## Example
```json
"Condition": {"StringLike": {"aws:ResourceAccount": "${saml:sub}"}}
```

## Use instead
```json
"Condition": {"StringEquals": {"aws:ResourceAccount": "${saml:sub}"}}
```
"#
);

pub const RULE: Rule = Rule {
    checks: &[&WILDCARD_USAGE_TOO_PERMISSIVE, &VARIABLE_USAGE_TOO_PERMISSIVE],
    run,
};

/// The IAM User Guide's sensitive condition keys.
const SENSITIVE_KEYS: &[&str] = &[
    "aws:PrincipalAccount",
    "aws:PrincipalOrgID",
    "aws:ResourceAccount",
    "aws:ResourceOrgID",
    "aws:SourceAccount",
    "aws:SourceOrgID",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:VpceAccount",
    "aws:VpceOrgID",
];

/// Literal characters a wildcard or variable of a subject claim needs right before it.
const SUBJECT_PREFIX: usize = 6;

/// A value as a pattern operator reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Char(char),
    Wildcard,
    /// A policy variable whose value may hold a wildcard character.
    Variable,
    /// A policy variable whose value cannot.
    SafeVariable,
}

/// Whether the value of the variable `${key}` may hold `*` or `?` (see the module docs).
fn risky_variable(key: &str) -> bool {
    match key.split_once(':') {
        Some((prefix, name)) if prefix.eq_ignore_ascii_case("aws") => {
            name.eq_ignore_ascii_case("UserAgent") || name.eq_ignore_ascii_case("Referer")
        }
        _ => true,
    }
}

fn tokens(value: &str, variables: bool) -> Vec<Token> {
    let text = |s: &str| {
        s.chars()
            .map(|c| {
                if matches!(c, '*' | '?') {
                    Token::Wildcard
                } else {
                    Token::Char(c)
                }
            })
            .collect::<Vec<_>>()
    };
    if !variables {
        return text(value);
    }
    scan(value)
        .into_iter()
        .flat_map(|piece| match piece {
            Piece::Text(t) => text(t),
            Piece::Variable { key, .. } => vec![if risky_variable(key) {
                Token::Variable
            } else {
                Token::SafeVariable
            }],
            Piece::Literal { char, .. } => vec![Token::Char(char)],
            Piece::Malformed { range, .. } => value.get(range).map(&text).unwrap_or_default(),
        })
        .collect()
}

/// The kinds of key with a rule, and which token breaks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyRule {
    Sensitive,
    UserId,
    Subject,
}

fn rule_for(key: &str) -> Option<KeyRule> {
    if SENSITIVE_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key)) {
        return Some(KeyRule::Sensitive);
    }
    if key.eq_ignore_ascii_case("aws:userid") {
        return Some(KeyRule::UserId);
    }
    key.rsplit_once(':')
        .filter(|(provider, claim)| claim.eq_ignore_ascii_case("sub") && provider.contains('.'))
        .map(|_| KeyRule::Subject)
}

/// Whether `kind` (a wildcard or a variable) is used too permissively in `tokens` under `rule`.
fn breaks(rule: KeyRule, tokens: &[Token], kind: Token) -> bool {
    match rule {
        KeyRule::Sensitive => tokens.contains(&kind),
        KeyRule::UserId => {
            let colon = tokens.iter().position(|t| *t == Token::Char(':'));
            match colon {
                None => tokens.contains(&kind),
                Some(at) => {
                    let left = tokens.get(..at).unwrap_or_default();
                    left.contains(&kind) && left != [kind]
                }
            }
        }
        KeyRule::Subject => {
            let mut run = 0;
            for t in tokens {
                match t {
                    Token::Char(_) => run += 1,
                    other => {
                        if *other == kind && run < SUBJECT_PREFIX {
                            return true;
                        }
                        run = 0;
                    }
                }
            }
            false
        }
    }
}

fn message(rule: KeyRule, key: &str, what: &str) -> String {
    match rule {
        KeyRule::Sensitive => {
            format!("\"{key}\" is a sensitive key: a {what} in its pattern can match any value; list the exact values")
        }
        KeyRule::UserId => {
            format!("a {what} in aws:userid belongs right of the colon or alone left of it (AROAEXAMPLE:*, *:alice)")
        }
        KeyRule::Subject => format!(
            "a {what} in \"{key}\" needs at least {SUBJECT_PREFIX} literal characters right before it, or it matches \
             other owners' subjects"
        ),
    }
}

fn run(ctx: &Context<'_>, out: &mut Sink) {
    let variables = ctx.policy.supports_variables();
    for statement in &ctx.policy.statements {
        for u in key_uses(statement) {
            let pattern =
                u.op.is_some_and(|op| matches!(op.base.comparison, Comparison::Like | Comparison::NotLike));
            let Some(rule) = rule_for(u.key()).filter(|_| pattern) else {
                continue;
            };
            for value in &u.entry.values {
                let tokens = tokens(&value.text, variables);
                report(
                    out,
                    rule,
                    &tokens,
                    Token::Wildcard,
                    &WILDCARD_USAGE_TOO_PERMISSIVE,
                    u.key(),
                    value.node.span,
                );
                report(
                    out,
                    rule,
                    &tokens,
                    Token::Variable,
                    &VARIABLE_USAGE_TOO_PERMISSIVE,
                    u.key(),
                    value.node.span,
                );
            }
        }
    }
}

fn report(out: &mut Sink, rule: KeyRule, tokens: &[Token], kind: Token, check: &Check, key: &str, span: Span) {
    if breaks(rule, tokens, kind) {
        let what = if kind == Token::Wildcard {
            "wildcard"
        } else {
            "policy variable"
        };
        out.report(check, span, message(rule, key, what));
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::spans_of;
    use crate::policy_type::PolicyType::{Identity, Trust};

    fn c(condition: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {condition}}}]}}"#
        )
    }

    const WILDCARD: &str = "WILDCARD_USAGE_TOO_PERMISSIVE";
    const VARIABLE: &str = "VARIABLE_USAGE_TOO_PERMISSIVE";

    #[test]
    fn sensitive_keys_take_no_pattern() {
        let text = c(
            r#"{"StringLike": {"aws:SourceAccount": ["1111*", "111122223333"], "aws:PrincipalOrgID": ["${s3:prefix}", "${aws:PrincipalTag/org}"]}}"#,
        );
        assert_eq!(spans_of(&text, Identity, WILDCARD), ["\"1111*\""]);
        assert_eq!(spans_of(&text, Identity, VARIABLE), ["\"${s3:prefix}\""]);
        // AWS's own managed policies compare the resource's account with the caller's this way.
        let own = c(r#"{"StringLikeIfExists": {"aws:ResourceAccount": "${aws:PrincipalAccount}"}}"#);
        assert!(spans_of(&own, Identity, VARIABLE).is_empty());
        // Not a pattern operator: `*` is literal and a variable compares as it is.
        let equals =
            c(r#"{"StringEquals": {"aws:ResourceOrgID": "${aws:PrincipalOrgID}", "aws:SourceAccount": "1111*"}}"#);
        assert!(spans_of(&equals, Identity, VARIABLE).is_empty());
        assert!(spans_of(&equals, Identity, WILDCARD).is_empty());
        // An escaped `*` is a literal.
        let escaped = c(r#"{"StringLike": {"aws:SourceVpc": "vpc-${*}"}}"#);
        assert!(spans_of(&escaped, Identity, WILDCARD).is_empty());
    }

    #[test]
    fn user_id_wildcards_belong_next_to_the_colon() {
        let text = c(
            r#"{"StringLike": {"aws:userid": ["*", "AROA*", "AROA*:x", "AROAEXAMPLE:*", "*:alice", "${saml:sub}", "AROAEXAMPLE:${saml:sub}"]}}"#,
        );
        assert_eq!(
            spans_of(&text, Identity, WILDCARD),
            ["\"*\"", "\"AROA*\"", "\"AROA*:x\""]
        );
        assert_eq!(spans_of(&text, Identity, VARIABLE), ["\"${saml:sub}\""]);
    }

    #[test]
    fn subject_claims_need_six_characters_before_a_wildcard() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                          "StringLike": {"token.actions.githubusercontent.com:sub": [
                              "repo:*", "repo:octo-org/*", "repo:octo@*/ab@*:ref:refs/heads/main", "repo:octo@*/abcd@*:ref:refs/heads/main"]}}}]}"#;
        assert_eq!(
            spans_of(text, Trust, WILDCARD),
            ["\"repo:*\"", "\"repo:octo@*/ab@*:ref:refs/heads/main\""]
        );
    }
}
