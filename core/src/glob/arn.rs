//! ARN patterns, for `Resource`/`NotResource` and the `Arn*` condition operators.
//!
//! An ARN is `arn:partition:service:region:account:resource`. A pattern with all six fields is
//! matched field by field: wildcards in the first five fields stay inside their field, and in
//! the resource field `*` crosses `/` and `:`. A pattern that is not ARN-shaped (`*`, or fewer
//! than six fields) is matched against the whole text. Matching is case-sensitive.

use super::automaton::{self, Class, Seq};
use super::{Glob, GlobBuilder, Subset};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArnPattern {
    whole: Glob,
    /// The six per-field patterns when the pattern is ARN-shaped.
    parts: Option<Box<[Glob; 6]>>,
}

impl ArnPattern {
    /// Compiles `pattern`, where `*` and `?` are wildcards.
    pub fn new(pattern: &str) -> ArnPattern {
        GlobBuilder::new().pattern(pattern).arn_pattern()
    }

    /// Compiles `pattern` keeping its policy variables, for containment (see the
    /// [module docs](super)).
    pub fn with_variables(pattern: &str) -> ArnPattern {
        super::variable_builder(pattern).arn_pattern()
    }

    pub fn matches(&self, arn: &str) -> bool {
        match &self.parts {
            Some(parts) => {
                let mut text = arn.splitn(6, ':');
                parts.iter().all(|p| text.next().is_some_and(|t| p.matches(t)))
            }
            None => self.whole.matches(arn),
        }
    }

    /// True for `*` (only stars): every resource.
    pub fn is_any(&self) -> bool {
        self.whole.is_any()
    }

    /// The pattern as one glob over the whole text (its wildcards cross fields).
    pub fn glob(&self) -> &Glob {
        &self.whole
    }

    /// Is every ARN `self` matches also matched by `wider`?
    pub fn is_subset_of(&self, wider: &ArnPattern) -> bool {
        self.subset_of([wider]).holds()
    }

    /// Is every ARN `self` matches matched by at least one of `wider`? Exact, with a witness
    /// when not, unless the search exceeds its budget (see [`Subset`]).
    pub fn subset_of<'p>(&self, wider: impl IntoIterator<Item = &'p ArnPattern>) -> Subset {
        let wider: Vec<&ArnPattern> = wider.into_iter().collect();
        if wider.iter().any(|w| w.is_any()) {
            return Subset::Yes;
        }
        if let Some(text) = self.whole.exact_text() {
            return if wider.iter().any(|w| !w.whole.has_variables() && w.matches(&text)) {
                Subset::Yes
            } else {
                Subset::No { witness: text }
            };
        }
        let wide: Vec<Seq<'_>> = wider.iter().map(|w| w.seq()).collect();
        automaton::subset(&self.seq(), &wide)
    }

    /// Can some ARN match both patterns? A policy variable counts as `*`.
    pub fn overlaps(&self, other: &ArnPattern) -> bool {
        automaton::overlaps(&self.seq(), &other.seq())
    }

    /// The pattern as automaton items: the first five fields' wildcards exclude `:`.
    fn seq(&self) -> Seq<'_> {
        match &self.parts {
            Some(parts) => {
                let mut seq = Seq::new(false);
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        seq.push_char(':');
                    }
                    seq.push_glob(part, if i < 5 { Class::NoColon } else { Class::Any });
                }
                seq
            }
            None => Seq::of_glob(&self.whole),
        }
    }
}

/// Where a request for an action without resource type happens: AWS authorizes such an action
/// against an ARN of its own choosing in the action's service (see docs/simulate.md).
#[derive(Debug, Clone, Copy)]
pub struct ServiceScope<'a> {
    pub service: &'a str,
    pub partition: Option<&'a str>,
    pub region: Option<&'a str>,
    pub account: Option<&'a str>,
}

impl ArnPattern {
    /// Whether the pattern covers every resource of one type of `scope.service` where the
    /// request happens: `*`, `arn:aws:s3:::*`, `arn:aws:iam::*:role/*`,
    /// `arn:aws:logs:*:111122223333:log-group:*`; not an ARN naming a particular resource.
    /// An empty region or account field fits any (the service's ARNs omit it).
    pub fn is_service_wide(&self, scope: &ServiceScope<'_>) -> bool {
        let Some(parts) = &self.parts else {
            return self.whole.is_any();
        };
        let [_, partition, service, region, account, resource] = &**parts;
        let fits = |glob: &Glob, value: Option<&str>, may_be_empty: bool| {
            (may_be_empty && glob.matches("")) || value.is_none_or(|v| glob.matches(v))
        };
        fits(partition, scope.partition, false)
            && service.matches(scope.service)
            && fits(region, scope.region, true)
            && fits(account, scope.account, true)
            && resource.is_type_wide()
    }
}

impl GlobBuilder {
    /// Splits the builder's tokens at the first five literal `:` into an ARN pattern.
    pub fn arn_pattern(&self) -> ArnPattern {
        let whole = self.build(false);
        if whole.is_any() {
            return ArnPattern { whole, parts: None };
        }
        let parts = self.split_colons(6);
        let parts = match parts.as_slice() {
            [a, b, c, d, e, f] => Some(Box::new([
                a.build(false),
                b.build(false),
                c.build(false),
                d.build(false),
                e.build(false),
                f.build(false),
            ])),
            _ => None,
        };
        ArnPattern { whole, parts }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn service_wide_patterns() {
        let scope = |service| ServiceScope {
            service,
            partition: Some("aws"),
            region: Some("eu-west-1"),
            account: Some("111122223333"),
        };
        let wide = |p: &str, service| ArnPattern::new(p).is_service_wide(&scope(service));
        assert!(wide("*", "s3"));
        assert!(wide("arn:aws:s3:::*", "s3"));
        assert!(wide("arn:aws:iam::111122223333:role/*", "iam"));
        assert!(wide("arn:aws:iam::*:role/*", "iam"));
        assert!(wide("arn:aws:logs:*:*:log-group:*", "logs"));
        assert!(wide("arn:aws:logs:eu-west-1:111122223333:*", "logs"));
        assert!(!wide("arn:aws:s3:::my-bucket", "s3"));
        assert!(!wide("arn:aws:logs:eu-west-1:111122223333:log-group:app:*", "logs"));
        assert!(!wide("arn:aws:iam::444455556666:role/*", "iam"));
        assert!(!wide("arn:aws:logs:us-east-1:111122223333:log-group:*", "logs"));
        assert!(!wide("arn:aws:s3:::*", "iam"));
        assert!(!wide("arn:aws-cn:s3:::*", "s3"));
    }

    use super::*;

    #[test]
    fn per_part_matching() {
        let p = ArnPattern::new("arn:aws:s3:::bucket/*");
        assert!(p.matches("arn:aws:s3:::bucket/a/b:c"));
        assert!(!p.matches("arn:aws:s3:::other/a"));
        let p = ArnPattern::new("arn:aws:iam::*:role/app-*");
        assert!(p.matches("arn:aws:iam::111122223333:role/app-x"));
        // `*` in the account part does not swallow the colon before the resource.
        assert!(!p.matches("arn:aws:iam::1:2:role/app-x"));
        let p = ArnPattern::new("arn:aws:kms:*:111122223333:key/*");
        assert!(p.matches("arn:aws:kms:us-east-1:111122223333:key/abc"));
        assert!(!ArnPattern::new("arn:aws:s3:::*").matches("*"));
        assert!(ArnPattern::new("*").matches("*"));
        assert!(!ArnPattern::new("arn:aws:s3:::Bucket").matches("arn:aws:s3:::bucket"));
    }

    fn subset(narrow: &str, wide: &[&str]) -> Subset {
        let wide: Vec<ArnPattern> = wide.iter().map(|w| ArnPattern::with_variables(w)).collect();
        ArnPattern::with_variables(narrow).subset_of(&wide)
    }

    #[test]
    fn containment_respects_fields() {
        assert!(subset("arn:aws:s3:::b/*", &["arn:aws:s3:::*"]).holds());
        assert!(subset("arn:aws:s3:::b/*", &["*"]).holds());
        assert!(subset("arn:aws:iam::111122223333:role/app-*", &["arn:aws:iam::*:role/*"]).holds());
        assert!(subset("arn:aws:s3:::b", &["arn:aws:s3:::b*"]).holds());
        assert!(!subset("arn:aws:s3:::*", &["arn:aws:s3:::b/*"]).holds());
        // A whole-text pattern's `*` crosses fields, a field's does not.
        assert!(subset("arn:aws:iam::1:role/x", &["arn:aws:*"]).holds());
        assert!(subset("arn:aws:iam::*:role/x", &["arn:aws:*"]).holds());
        assert!(!subset("arn:aws:*", &["arn:aws:iam::*:role/x"]).holds());
        // `arn:*:s3:::b` matches every partition; `arn:aws*:s3:::b` does not cover `arn:*`.
        assert!(!subset("arn:*:s3:::b", &["arn:aws*:s3:::b"]).holds());
        // Union: neither alone covers, together they do.
        assert!(subset("arn:aws:s3:::b*", &["arn:aws:s3:::b", "arn:aws:s3:::b?*"]).holds());
        assert!(!subset("arn:aws:s3:::b*", &["arn:aws:s3:::b"]).holds());
        assert!(!subset("arn:aws:s3:::b*", &["arn:aws:s3:::b?*"]).holds());
    }

    #[test]
    fn witnesses_are_real() {
        for (narrow, wide) in [
            ("arn:aws:s3:::*", "arn:aws:s3:::b/*"),
            ("arn:aws:iam::*:role/*", "arn:aws:iam::111122223333:role/*"),
            ("arn:*:s3:::b", "arn:aws*:s3:::b"),
            ("arn:aws:*", "arn:aws:iam::*:role/x"),
            ("*", "arn:*"),
        ] {
            let (n, w) = (ArnPattern::new(narrow), ArnPattern::new(wide));
            let Subset::No { witness } = n.subset_of([&w]) else {
                panic!("{narrow} ⊆ {wide} claimed");
            };
            assert!(
                n.matches(&witness) && !w.matches(&witness),
                "{narrow} vs {wide}: {witness}"
            );
        }
    }

    #[test]
    fn variables_are_unknown_values() {
        let own = "arn:aws:s3:::home/${aws:username}/*";
        assert!(subset(own, &[own]).holds());
        assert!(subset(own, &["arn:aws:s3:::home/*"]).holds());
        assert!(!subset("arn:aws:s3:::home/*", &[own]).holds());
        assert!(!subset(own, &["arn:aws:s3:::home/?*/*"]).holds());
        assert!(!subset(own, &["arn:aws:s3:::home/bob/*"]).holds());
        assert!(!subset(own, &["arn:aws:s3:::home/${aws:userid}/*"]).holds());
        // Variable names are case-insensitive, like context keys.
        assert!(subset(own, &["arn:aws:s3:::home/${AWS:UserName}/*"]).holds());
        // An escape is a literal character.
        assert!(subset("arn:aws:s3:::a${*}", &["arn:aws:s3:::a?"]).holds());
        assert!(!subset("arn:aws:s3:::a*", &["arn:aws:s3:::a${*}"]).holds());
    }

    #[test]
    fn overlap() {
        let o = |a: &str, b: &str| ArnPattern::new(a).overlaps(&ArnPattern::new(b));
        assert!(o("arn:aws:s3:::b/*", "arn:aws:s3:::*"));
        assert!(o("arn:aws:s3:::b*", "arn:aws:s3:::*c"));
        assert!(!o("arn:aws:s3:::b/*", "arn:aws:s3:::c/*"));
        assert!(!o("arn:aws:iam::1:role/x", "arn:aws:iam::2:role/*"));
        assert!(o("*", "arn:aws:iam::2:role/*"));
        // A field's `*` cannot supply the colon another pattern needs there.
        assert!(!o("arn:aws:iam::*:role/x", "arn:aws:iam::1:2:role/x"));
        assert!(
            ArnPattern::new("arn:aws:iam::*:role/x")
                .glob()
                .matches("arn:aws:iam::1:2:role/x")
        );
    }
}
