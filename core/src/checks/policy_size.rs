//! Size quotas per policy type, counted as AWS counts them: whitespace outside strings is not
//! counted (IAM and Organizations minify the document), every character of a string is.

use super::{Check, Context, Rule, Sink};
use crate::policy_type::PolicyType;
use crate::span::Span;

check!(
    POLICY_SIZE_EXCEEDS_SCP_QUOTA,
    Error,
    "The SCP is longer than 5,120 characters",
    r#"## What it does
Reports a service control policy longer than 5,120 characters, not counting whitespace outside
strings.

## Why is this bad
AWS Organizations rejects the policy. Merge statements, use wildcards in actions, or split the
policy (up to five SCPs can be attached to each root, OU and account).

<!-- policy-type: scp -->

## Example
Abbreviated: the `... ×70` line stands for 70 more copies of the statement above it.

```json
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "arn:aws:s3:::example-bucket-a"},
  ... ×70
  {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "arn:aws:s3:::example-bucket-b"}
]}
```

## Use instead
```json
{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*",
  "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "platform"}}}]}
```
"#
);

check!(
    POLICY_SIZE_EXCEEDS_RCP_QUOTA,
    Error,
    "The RCP is longer than 5,120 characters",
    r#"## What it does
Reports a resource control policy longer than 5,120 characters, not counting whitespace outside
strings.

## Why is this bad
AWS Organizations rejects the policy. Merge statements or split the policy (up to five RCPs can
be attached to each root, OU and account).

<!-- policy-type: rcp -->

## Example
Abbreviated: the `... ×60` line stands for 60 more copies of the statement above it.

```json
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket", "Resource": "arn:aws:s3:::example-bucket-a"},
  ... ×60
  {"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket", "Resource": "arn:aws:s3:::example-bucket-b"}
]}
```

## Use instead
```json
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket", "Resource": "arn:aws:s3:::example-bucket-b"}
]}
```
"#
);

check!(
    POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA,
    Warning,
    "The identity policy is longer than 6,144 characters",
    r#"## What it does
Reports an identity policy or permissions boundary longer than 6,144 characters (the quota of a
customer managed policy), not counting whitespace outside strings.

A warning: inline policies have other, aggregate quotas (2,048 characters for a user, 10,240 for
a role), and AWS managed policies are not bound by the quota.

## Why is this bad
IAM rejects a customer managed policy over the quota. Use wildcards in actions, or split the
policy (a role can have up to ten managed policies attached, more with a quota increase).

## Example
Abbreviated: the `... ×80` line stands for 80 more copies of the statement above it.

```json
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket-a/*"},
  ... ×80
  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket-b/*"}
]}
```

## Use instead
```json
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket-b/*"}
]}
```
"#
);

check!(
    POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA,
    Warning,
    "The resource-based policy is longer than 20,480 characters",
    r#"## What it does
Reports a resource-based policy or VPC endpoint policy longer than 20,480 characters (the quota
of S3 bucket, Lambda, Secrets Manager and VPC endpoint policies), not counting whitespace
outside strings.

A warning: some services allow more (KMS key policies up to 32 KB, SNS topic policies up to
30 KB).

## Why is this bad
Most services reject a policy over their quota.

<!-- policy-type: resource -->

## Example
Abbreviated: the `... ×160` line stands for 160 more copies of the statement above it.

```json
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Reader"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/a/*"},
  ... ×160
  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Reader"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/b/*"}
]}
```

## Use instead
```json
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Reader"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/b/*"}
]}
```
"#
);

check!(
    POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA,
    Warning,
    "The role trust policy is longer than 2,048 characters",
    r#"## What it does
Reports a role trust policy longer than 2,048 characters, not counting whitespace outside
strings.

A warning: the quota can be raised to 8,192 characters through Service Quotas.

## Why is this bad
IAM rejects a trust policy over the account's quota.

<!-- policy-type: trust -->

## Example
Abbreviated: the `... ×25` line stands for 25 more copies of the statement above it.

```json
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Deployer"}, "Action": "sts:AssumeRole"},
  ... ×25
  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Builder"}, "Action": "sts:AssumeRole"}
]}
```

## Use instead
```json
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Builder"}, "Action": "sts:AssumeRole"}
]}
```
"#
);

pub const RULE: Rule = Rule {
    checks: &[
        &POLICY_SIZE_EXCEEDS_SCP_QUOTA,
        &POLICY_SIZE_EXCEEDS_RCP_QUOTA,
        &POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA,
        &POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA,
        &POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA,
    ],
    run,
};

/// The quota of a policy type, in characters, with its check.
fn quota(ty: PolicyType) -> (usize, &'static Check, &'static str) {
    match ty {
        PolicyType::Scp => (5_120, &POLICY_SIZE_EXCEEDS_SCP_QUOTA, "an SCP"),
        PolicyType::Rcp => (5_120, &POLICY_SIZE_EXCEEDS_RCP_QUOTA, "an RCP"),
        PolicyType::Identity | PolicyType::Boundary => (
            6_144,
            &POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA,
            "a customer managed policy",
        ),
        PolicyType::Resource | PolicyType::Endpoint => (
            20_480,
            &POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA,
            "most resource-based policies",
        ),
        PolicyType::Trust => (
            2_048,
            &POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA,
            "a role trust policy",
        ),
    }
}

fn run(ctx: &Context<'_>, out: &mut Sink) {
    let (limit, check, what) = quota(ctx.policy_type);
    // A template's policy is sent to AWS as JSON: count that, not the template's text.
    let compact;
    let text = match (ctx.host, ctx.json.root.as_ref()) {
        (Some(_), Some(root)) => {
            compact = crate::host::compact_json(root);
            compact.as_str()
        }
        _ => ctx.text,
    };
    // Cheap bound first: the raw length is an upper bound of the counted size.
    if text.chars().count() <= limit {
        return;
    }
    let size = counted_size(text);
    if size > limit {
        let root = ctx.policy.root_span;
        out.report(
            check,
            Span::new(root.start, (root.start + 1).min(root.end)),
            format!("the policy has {size} characters without whitespace; {what} may have at most {limit}",),
        );
    }
}

/// The number of characters AWS counts: all but whitespace outside strings.
pub(super) fn counted_size(text: &str) -> usize {
    let mut in_string = false;
    let mut escaped = false;
    let mut count = 0;
    for c in text.chars() {
        if in_string {
            count += 1;
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if !c.is_whitespace() {
            count += 1;
            in_string = c == '"';
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::counted_size;
    use crate::checks::test_support::spans_of;
    use crate::policy_type::PolicyType::{Identity, Rcp, Scp, Trust};

    fn padded(n: usize) -> String {
        let head =
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Sid": ""#;
        let tail = "\"}]}";
        let fill = n.saturating_sub(counted_size(head) + counted_size(tail));
        format!("{head}{}{tail}", "A".repeat(fill))
    }

    #[test]
    fn counts_without_whitespace_outside_strings() {
        assert_eq!(counted_size("{ \"a b\" :\n [ 1 ] }"), 11);
        assert_eq!(counted_size(r#"{"a\"  b": 1}"#), 12);
    }

    #[test]
    fn quotas_by_type() {
        let at = padded(5_120);
        assert_eq!(counted_size(&at), 5_120);
        assert!(spans_of(&at, Scp, "POLICY_SIZE_EXCEEDS_SCP_QUOTA").is_empty());
        let over = padded(5_121);
        assert_eq!(spans_of(&over, Scp, "POLICY_SIZE_EXCEEDS_SCP_QUOTA"), ["{"]);
        assert_eq!(spans_of(&over, Rcp, "POLICY_SIZE_EXCEEDS_RCP_QUOTA"), ["{"]);
        assert!(spans_of(&over, Identity, "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA").is_empty());
        assert_eq!(
            spans_of(&padded(6_145), Identity, "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA"),
            ["{"]
        );
        assert_eq!(
            spans_of(&padded(2_049), Trust, "POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA"),
            ["{"]
        );
        // Indentation does not count.
        let spaced = at.replace(", ", ",                ");
        assert!(spans_of(&spaced, Scp, "POLICY_SIZE_EXCEEDS_SCP_QUOTA").is_empty());
    }
}
