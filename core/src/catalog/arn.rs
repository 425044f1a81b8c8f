//! ARN facts and matching ARNs (possibly wildcarded) against resource-type ARN templates.

/// Known AWS partitions (botocore `data/endpoints.json`, botocore 1.43.11).
pub const PARTITIONS: &[&str] = &[
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

/// Known region names with their partition (botocore `data/endpoints.json`, botocore 1.43.11).
pub const REGIONS: &[(&str, &str)] = &[
    ("af-south-1", "aws"),
    ("ap-east-1", "aws"),
    ("ap-east-2", "aws"),
    ("ap-northeast-1", "aws"),
    ("ap-northeast-2", "aws"),
    ("ap-northeast-3", "aws"),
    ("ap-south-1", "aws"),
    ("ap-south-2", "aws"),
    ("ap-southeast-1", "aws"),
    ("ap-southeast-2", "aws"),
    ("ap-southeast-3", "aws"),
    ("ap-southeast-4", "aws"),
    ("ap-southeast-5", "aws"),
    ("ap-southeast-6", "aws"),
    ("ap-southeast-7", "aws"),
    ("ca-central-1", "aws"),
    ("ca-west-1", "aws"),
    ("eu-central-1", "aws"),
    ("eu-central-2", "aws"),
    ("eu-north-1", "aws"),
    ("eu-south-1", "aws"),
    ("eu-south-2", "aws"),
    ("eu-west-1", "aws"),
    ("eu-west-2", "aws"),
    ("eu-west-3", "aws"),
    ("il-central-1", "aws"),
    ("me-central-1", "aws"),
    ("me-south-1", "aws"),
    ("mx-central-1", "aws"),
    ("sa-east-1", "aws"),
    ("us-east-1", "aws"),
    ("us-east-2", "aws"),
    ("us-west-1", "aws"),
    ("us-west-2", "aws"),
    ("cn-north-1", "aws-cn"),
    ("cn-northwest-1", "aws-cn"),
    ("us-gov-east-1", "aws-us-gov"),
    ("us-gov-west-1", "aws-us-gov"),
    ("us-iso-east-1", "aws-iso"),
    ("us-iso-west-1", "aws-iso"),
    ("us-isob-east-1", "aws-iso-b"),
    ("us-isob-west-1", "aws-iso-b"),
    ("eu-isoe-west-1", "aws-iso-e"),
    ("us-isof-east-1", "aws-iso-f"),
    ("us-isof-south-1", "aws-iso-f"),
    ("eusc-de-east-1", "aws-eusc"),
];

/// Is `name` a known partition? (exact, case-sensitive as in ARNs)
pub fn is_known_partition(name: &str) -> bool {
    PARTITIONS.contains(&name)
}

/// The partition of a known region, or `None` for an unknown region name.
pub fn region_partition(region: &str) -> Option<&'static str> {
    REGIONS.iter().find(|(r, _)| *r == region).map(|(_, p)| *p)
}

/// Whether a service's ARNs carry a field (region or account), derived from its templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Every resource type's template has the field.
    Always,
    /// No template has it (S3 buckets: no region, no account; IAM: no region).
    Never,
    /// Some templates have it and some do not (S3 access points vs buckets).
    Sometimes,
    /// The service has no resource types.
    Unknown,
}

impl Presence {
    pub(super) fn of(mut fields: impl Iterator<Item = bool>) -> Presence {
        let Some(first) = fields.next() else {
            return Presence::Unknown;
        };
        let mut p = if first { Presence::Always } else { Presence::Never };
        for f in fields {
            if (p == Presence::Always) != f {
                p = Presence::Sometimes;
            }
        }
        p
    }
}

/// Characters a wildcard token may stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    Any,
    NoColon,
    NoColonNoSlash,
}

impl Class {
    pub(crate) fn allows(self, c: char) -> bool {
        match self {
            Class::Any => true,
            Class::NoColon => c != ':',
            Class::NoColonNoSlash => c != ':' && c != '/',
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Lit(char),
    One(Class),
    Star(Class),
}

/// Tokens of an ARN written in a policy: `*` and `?` are wildcards (any character).
fn arn_tokens(arn: &str) -> Vec<Tok> {
    arn.chars()
        .map(|c| match c {
            '*' => Tok::Star(Class::Any),
            '?' => Tok::One(Class::Any),
            c => Tok::Lit(c),
        })
        .collect()
}

/// Tokens of a reference ARN template. A `${Name}` placeholder stands for one or more
/// characters: without `:` in the partition, service, region and account fields; anything in
/// the resource part, except `${BucketName}` which has no `/` (S3 bucket names cannot contain
/// one, so `arn:aws:s3:::b/*` is an object ARN, never a bucket ARN).
fn template_tokens(template: &str) -> Vec<Tok> {
    template_tokens_from(template, 0)
}

/// [`template_tokens`] of a part of a template that follows `colons` colons.
fn template_tokens_from(template: &str, colons: usize) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut colons = colons;
    let mut rest = template;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("${")
            && let Some(end) = after.find('}')
        {
            let name = after.get(..end).unwrap_or("");
            let class = if colons < 5 {
                Class::NoColon
            } else if name.eq_ignore_ascii_case("BucketName") {
                Class::NoColonNoSlash
            } else {
                Class::Any
            };
            out.push(Tok::One(class));
            out.push(Tok::Star(class));
            rest = after.get(end + 1..).unwrap_or("");
            continue;
        }
        if c == ':' {
            colons += 1;
        }
        out.push(Tok::Lit(c));
        rest = rest.get(c.len_utf8()..).unwrap_or("");
    }
    out
}

/// Can some single character be produced by both tokens (neither being a star)?
fn compatible(a: Tok, b: Tok) -> bool {
    match (a, b) {
        (Tok::Lit(x), Tok::Lit(y)) => x == y,
        (Tok::Lit(x), Tok::One(c) | Tok::Star(c)) | (Tok::One(c) | Tok::Star(c), Tok::Lit(x)) => c.allows(x),
        _ => true,
    }
}

/// Is there a string matched by both token sequences? Dynamic programming over pairs of
/// positions, `O(len(a) × len(b))`.
fn intersects(a: &[Tok], b: &[Tok]) -> bool {
    let (n, m) = (a.len(), b.len());
    let width = m + 1;
    let mut reach = vec![false; (n + 1) * width];
    if let Some(r) = reach.first_mut() {
        *r = true;
    }
    for i in 0..=n {
        for j in 0..=m {
            if !reach.get(i * width + j).copied().unwrap_or(false) {
                continue;
            }
            if i == n && j == m {
                return true;
            }
            let ta = a.get(i).copied();
            let tb = b.get(j).copied();
            let mut mark = |ii: usize, jj: usize| {
                if let Some(r) = reach.get_mut(ii * width + jj) {
                    *r = true;
                }
            };
            // A star may match nothing.
            if let Some(Tok::Star(_)) = ta {
                mark(i + 1, j);
            }
            if let Some(Tok::Star(_)) = tb {
                mark(i, j + 1);
            }
            if let (Some(x), Some(y)) = (ta, tb) {
                match (x, y) {
                    // A star absorbs one character the other side produces, and stays.
                    (Tok::Star(_), Tok::Star(_)) => {}
                    (Tok::Star(_), _) => {
                        if compatible(x, y) {
                            mark(i, j + 1);
                        }
                    }
                    (_, Tok::Star(_)) => {
                        if compatible(x, y) {
                            mark(i + 1, j);
                        }
                    }
                    _ => {
                        if compatible(x, y) {
                            mark(i + 1, j + 1);
                        }
                    }
                }
            }
        }
    }
    false
}

/// Could the policy ARN `arn` (which may contain `*` / `?` wildcards) name a resource described
/// by the reference template (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`)?
///
/// Matching is case-sensitive, as IAM matches resource ARNs. A `${Name}` placeholder stands for
/// one or more characters: without `:` in the partition, service, region and account fields,
/// anything in the resource part except `${BucketName}`, which excludes `/` (so
/// `arn:aws:s3:::b/*` is an object ARN, never a bucket ARN). `*` and `?` in `arn` may stand for
/// anything, `:` and `/` included. A bare `*` matches every template.
pub fn arn_matches_template(arn: &str, template: &str) -> bool {
    if arn == "*" {
        return true;
    }
    match fieldwise(arn, template) {
        Some(answer) => answer,
        None => intersects(&arn_tokens(arn), &template_tokens(template)),
    }
}

/// The common case, decided field by field: when the ARN's first five fields hold no wildcard,
/// its first five colons must meet the template's (placeholders there cannot produce a colon),
/// so each field is matched alone and only the resource parts need the general matcher. Most
/// templates of a service then fail on a plain comparison. `None` when the ARN has a wildcard
/// in those fields or too few of them.
fn fieldwise(arn: &str, template: &str) -> Option<bool> {
    let mut arn_fields = arn.splitn(6, ':');
    let mut template_fields = template.splitn(6, ':');
    let mut head = [("", ""); 5];
    for slot in &mut head {
        let a = arn_fields.next()?;
        if a.contains(['*', '?']) {
            return None;
        }
        // A template with fewer fields cannot meet an ARN that has five colons.
        let Some(t) = template_fields.next() else {
            return Some(false);
        };
        *slot = (a, t);
    }
    let arn_rest = arn_fields.next()?;
    let Some(template_rest) = template_fields.next() else {
        return Some(false);
    };
    let field_matches = |(a, t): (&str, &str)| {
        let whole_placeholder = t.starts_with("${") && t.ends_with('}') && t.matches("${").count() == 1;
        if whole_placeholder {
            // One or more characters, none a colon: any non-empty field.
            !a.is_empty()
        } else if t.contains("${") {
            intersects(&arn_tokens(a), &template_tokens(t))
        } else {
            a == t
        }
    };
    if !head.into_iter().all(field_matches) {
        return Some(false);
    }
    Some(intersects(
        &arn_tokens(arn_rest),
        &template_tokens_from(template_rest, 5),
    ))
}

/// The region and account fields (4th and 5th) of an ARN or ARN template, if it has six fields.
pub(super) fn region_and_account(arn: &str) -> Option<(&str, &str)> {
    let mut parts = arn.splitn(6, ':');
    let (_arn, _partition, _service) = (parts.next()?, parts.next()?, parts.next()?);
    let region = parts.next()?;
    let account = parts.next()?;
    parts.next()?;
    Some((region, account))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OBJECT: &str = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
    const BUCKET: &str = "arn:${Partition}:s3:::${BucketName}";
    const ROLE: &str = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}";
    const LOG_GROUP: &str = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}";

    #[test]
    fn s3() {
        assert!(arn_matches_template("arn:aws:s3:::b/*", OBJECT));
        assert!(!arn_matches_template("arn:aws:s3:::b/*", BUCKET));
        assert!(arn_matches_template("arn:aws:s3:::b", BUCKET));
        assert!(!arn_matches_template("arn:aws:s3:::b", OBJECT));
        assert!(arn_matches_template("arn:aws:s3:::*", BUCKET));
        assert!(arn_matches_template("arn:aws:s3:::*", OBJECT));
        assert!(arn_matches_template("arn:aws:s3:::b*", OBJECT));
        assert!(arn_matches_template("arn:aws:s3:::b/a/b/c.txt", OBJECT));
        assert!(!arn_matches_template("arn:aws:s3:us-east-1::b", BUCKET));
        assert!(arn_matches_template("*", BUCKET));
        assert!(arn_matches_template("arn:aws:s3:*", OBJECT));
        assert!(arn_matches_template("arn:*:s3:::b/k", OBJECT));
    }

    #[test]
    fn others() {
        assert!(arn_matches_template("arn:aws:iam::123456789012:role/path/R", ROLE));
        assert!(!arn_matches_template("arn:aws:iam::123456789012:user/U", ROLE));
        assert!(!arn_matches_template("arn:aws:iam:us-east-1:123456789012:role/R", ROLE));
        assert!(arn_matches_template(
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:*",
            LOG_GROUP
        ));
        assert!(!arn_matches_template(
            "arn:aws:logs:us-east-1:123456789012:log-group:",
            LOG_GROUP
        ));
        assert!(arn_matches_template("arn:aws:iam::*:role/?", ROLE));
        assert!(!arn_matches_template("arn:aws:iam::1:role/", ROLE));
        // A `*` may span fields: `*` = `1:role/x` and the role name `x:role/`... is allowed.
        assert!(arn_matches_template("arn:aws:iam::*:role/", ROLE));
    }

    /// The field-by-field shortcut must give the general matcher's answer.
    #[test]
    fn fieldwise_agrees_with_the_general_matcher() {
        let arns = [
            "arn:aws:s3:::b/*",
            "arn:aws:s3:::b",
            "arn:aws:s3:::b:c/d",
            "arn:aws:s3:us-east-1::b",
            "arn:aws:iam::123456789012:role/path/R",
            "arn:aws:iam::123456789012:user/U",
            "arn:aws:iam::1:role/",
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:*",
            "arn:aws:logs:us-east-1:123456789012:log-group:",
            "arn:aws:logs:us-east-1:123456789012:log-group",
            "arn:aws:logs:us-east-1:123456789012",
            "arn:aws:s3",
            "arn:aws:s3:::",
        ];
        for arn in arns {
            for template in [OBJECT, BUCKET, ROLE, LOG_GROUP, "arn:${Partition}:s3:::", "arn:aws:s3"] {
                let general = intersects(&arn_tokens(arn), &template_tokens(template));
                if let Some(fast) = fieldwise(arn, template) {
                    assert_eq!(fast, general, "{arn} vs {template}");
                }
            }
        }
    }

    #[test]
    fn facts() {
        assert_eq!(region_and_account(BUCKET), Some(("", "")));
        assert_eq!(region_and_account(ROLE), Some(("", "${Account}")));
        assert!(is_known_partition("aws-iso-f"));
        assert_eq!(region_partition("cn-north-1"), Some("aws-cn"));
        assert_eq!(region_partition("us-east-7"), None);
        assert_eq!(Presence::of([true, false].into_iter()), Presence::Sometimes);
        assert_eq!(Presence::of([false, false].into_iter()), Presence::Never);
    }
}
