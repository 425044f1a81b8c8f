//! Wildcard matching for IAM: `*` matches any run of characters (including none, and including
//! `/` and `:`), `?` matches exactly one character. Case folding is ASCII-only (IAM identifiers
//! are ASCII; a non-ASCII character only matches itself).
//!
//! The matcher is the greedy two-pointer algorithm that backtracks only to the most recent `*`,
//! so it runs in O(pattern × text) in the worst case and linear time in practice, never
//! exponential. Patterns without wildcards, `*` alone and `prefix*` take fast paths.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Byte(u8),
    Star,
    One,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// Only stars: matches everything.
    Any,
    Exact(Box<[u8]>),
    /// Literal text followed by a single trailing `*`.
    Prefix(Box<[u8]>),
    General(Box<[Tok]>),
}

/// A compiled wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    kind: Kind,
    case_insensitive: bool,
}

/// Builds a pattern from wildcard text and literal text (substituted policy variables and
/// `${*}`-style escapes are literal: `*` in them is not a wildcard).
#[derive(Debug, Default, Clone)]
pub struct GlobBuilder {
    toks: Vec<Tok>,
}

impl GlobBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends text whose `*` and `?` are wildcards.
    pub fn pattern(&mut self, text: &str) -> &mut Self {
        for b in text.bytes() {
            self.toks.push(match b {
                b'*' => Tok::Star,
                b'?' => Tok::One,
                b => Tok::Byte(b),
            });
        }
        self
    }

    /// Appends text matched literally.
    pub fn literal(&mut self, text: &str) -> &mut Self {
        self.toks.extend(text.bytes().map(Tok::Byte));
        self
    }

    /// Splits at the first `limit - 1` literal `:` bytes (wildcards never split).
    pub fn split_colons(&self, limit: usize) -> Vec<GlobBuilder> {
        let mut out = vec![GlobBuilder::new()];
        for &t in &self.toks {
            if t == Tok::Byte(b':') && out.len() < limit {
                out.push(GlobBuilder::new());
            } else if let Some(last) = out.last_mut() {
                last.toks.push(t);
            }
        }
        out
    }

    pub fn build(&self, case_insensitive: bool) -> Glob {
        let mut toks: Vec<Tok> = Vec::with_capacity(self.toks.len());
        for &t in &self.toks {
            // Collapse runs of stars: they mean the same as one.
            if t == Tok::Star && toks.last() == Some(&Tok::Star) {
                continue;
            }
            toks.push(match t {
                Tok::Byte(b) if case_insensitive => Tok::Byte(b.to_ascii_lowercase()),
                t => t,
            });
        }
        let literal = |ts: &[Tok]| -> Option<Box<[u8]>> {
            ts.iter()
                .map(|t| match t {
                    Tok::Byte(b) => Some(*b),
                    _ => None,
                })
                .collect()
        };
        let kind = if toks.iter().all(|t| *t == Tok::Star) && !toks.is_empty() {
            Kind::Any
        } else if let Some(bytes) = literal(&toks) {
            Kind::Exact(bytes)
        } else if let Some((Tok::Star, head)) = toks.split_last()
            && let Some(bytes) = literal(head)
        {
            Kind::Prefix(bytes)
        } else {
            Kind::General(toks.into_boxed_slice())
        };
        Glob { kind, case_insensitive }
    }
}

impl Glob {
    /// Compiles `pattern`, where `*` and `?` are wildcards.
    pub fn new(pattern: &str, case_insensitive: bool) -> Glob {
        GlobBuilder::new().pattern(pattern).build(case_insensitive)
    }

    /// A pattern that matches `text` exactly (no wildcards).
    pub fn literal(text: &str, case_insensitive: bool) -> Glob {
        GlobBuilder::new().literal(text).build(case_insensitive)
    }

    /// True when the pattern is `*` (or only stars).
    pub fn is_any(&self) -> bool {
        self.kind == Kind::Any
    }

    /// True for `*` and for `TYPE/*` or `TYPE:*` (a literal type name, one separator, then only
    /// wildcards): a pattern that covers every resource of one type.
    pub fn is_type_wide(&self) -> bool {
        match &self.kind {
            Kind::Any => true,
            Kind::Prefix(lit) => {
                let separators = lit.iter().filter(|b| matches!(b, b'/' | b':')).count();
                separators == 1 && matches!(lit.last(), Some(b'/' | b':'))
            }
            _ => false,
        }
    }

    pub fn matches(&self, text: &str) -> bool {
        let text = text.as_bytes();
        let ci = self.case_insensitive;
        match &self.kind {
            Kind::Any => true,
            Kind::Exact(lit) => bytes_eq(lit, text, ci),
            Kind::Prefix(lit) => text.get(..lit.len()).is_some_and(|head| bytes_eq(lit, head, ci)),
            Kind::General(toks) => general(toks, text, ci),
        }
    }
}

fn bytes_eq(pattern: &[u8], text: &[u8], ci: bool) -> bool {
    if ci {
        pattern.len() == text.len() && pattern.iter().zip(text).all(|(p, t)| *p == t.to_ascii_lowercase())
    } else {
        pattern == text
    }
}

/// Length of the UTF-8 character starting with byte `b`.
fn char_len(b: u8) -> usize {
    match b {
        0..0xC0 => 1,
        0xC0..0xE0 => 2,
        0xE0..0xF0 => 3,
        _ => 4,
    }
}

fn general(toks: &[Tok], text: &[u8], ci: bool) -> bool {
    let mut p = 0usize;
    let mut t = 0usize;
    // Where to resume after the last star: (pattern index after the star, text index).
    let mut resume: Option<(usize, usize)> = None;
    while let Some(&byte) = text.get(t) {
        match toks.get(p) {
            Some(Tok::Star) => {
                p += 1;
                resume = Some((p, t));
                continue;
            }
            Some(Tok::One) => {
                p += 1;
                t += char_len(byte);
                continue;
            }
            Some(Tok::Byte(b)) if *b == byte || (ci && *b == byte.to_ascii_lowercase()) => {
                p += 1;
                t += 1;
                continue;
            }
            _ => {}
        }
        match resume {
            Some((sp, st)) => {
                let next = st + text.get(st).map_or(1, |b| char_len(*b));
                resume = Some((sp, next));
                p = sp;
                t = next;
            }
            None => return false,
        }
    }
    toks.get(p..).is_some_and(|rest| rest.iter().all(|t| *t == Tok::Star))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, t: &str) -> bool {
        Glob::new(p, false).matches(t)
    }

    #[test]
    fn wildcards() {
        assert!(m("*", ""));
        assert!(m("*", "anything/at:all"));
        assert!(m("s3:Get*", "s3:GetObject"));
        assert!(!m("s3:Get*", "s3:PutObject"));
        assert!(m("s3:*Object", "s3:GetObject"));
        assert!(m("a?c", "abc"));
        assert!(!m("a?c", "ac"));
        assert!(m("a?c", "aéc"));
        assert!(m("a*b*c", "a/b:c"));
        assert!(m("a*b*c", "axxbyybzzc"));
        assert!(!m("a*b*c", "axxbyyb"));
        assert!(m("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b:c"));
        assert!(!m("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket"));
        assert!(m("ab", "ab"));
        assert!(!m("ab", "abc"));
        assert!(m("**a", "a"));
        assert!(!m("", "a"));
        assert!(m("", ""));
    }

    #[test]
    fn case_folding() {
        assert!(Glob::new("S3:get*", true).matches("s3:GETOBJECT"));
        assert!(!Glob::new("S3:get*", false).matches("s3:GETOBJECT"));
        assert!(Glob::new("s3:g?t*t", true).matches("S3:GETOBJECT"));
    }

    #[test]
    fn literal_parts_are_not_wildcards() {
        let g = GlobBuilder::new()
            .pattern("home/")
            .literal("bob*")
            .pattern("/*")
            .build(false);
        assert!(g.matches("home/bob*/x"));
        assert!(!g.matches("home/bobby/x"));
    }

    #[test]
    fn pathological_pattern_is_fast() {
        let text = "a".repeat(5000);
        let pattern = format!("{}b", "a*".repeat(200));
        assert!(!m(&pattern, &text));
    }
}
