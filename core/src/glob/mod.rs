//! IAM wildcards, the one implementation: matching a text against a pattern, and deciding
//! whether one pattern's matches are all matches of another (containment) or whether two
//! patterns can match a common text (overlap).
//!
//! # Semantics
//! - `*` matches any run of characters, none included, `/` and `:` included; `?` matches exactly
//!   one character (one Unicode scalar, however many UTF-8 bytes).
//! - Case folding, when asked (actions), is ASCII-only: IAM identifiers are ASCII, and a
//!   non-ASCII character only matches itself. ARNs and most condition values are
//!   case-sensitive.
//! - Text added with [`GlobBuilder::literal`] (substituted policy variables, the escapes `${*}`,
//!   `${?}`, `${$}`) is literal: its `*` is not a wildcard.
//! - [`ArnPattern`] adds the ARN rule: in a pattern with all six fields, wildcards in the first
//!   five fields stay inside their field; in the resource field they cross `/` and `:`.
//!
//! # Matching
//! [`Glob`] is compiled once (the evaluator keeps thousands); [`wildcard_match`] matches a
//! pattern given as text without allocating (catalog scans). Both run the same greedy
//! two-pointer algorithm that backtracks only to the most recent `*` (earlier stars never need
//! revisiting: a later star absorbs anything an earlier one could), so a match costs at most
//! `O(pattern × text)` and never goes exponential.
//!
//! # Containment and overlap
//! [`Glob::subset_of`] and [`ArnPattern::subset_of`] decide `a ⊆ b₁ ∪ … ∪ bₙ` exactly, by
//! walking `a`'s automaton against the subset construction of the `b`s over a finite alphabet:
//! the characters the patterns name, plus one character standing for all the others (every
//! pattern treats those alike). When the answer is no, they return a *witness*: a text `a`
//! matches and no `b` does. A search that would exceed a fixed budget of states answers
//! [`Subset::Unknown`] instead of running long; callers treat that as "may not be contained".
//! [`Glob::overlaps`] decides `a ∩ b ≠ ∅` (a product automaton, `O(|a| × |b|)`).
//!
//! # Policy variables
//! [`Glob::with_variables`] keeps `${aws:username}` as a variable instead of text. Matching a
//! text never goes through a variable (the evaluator substitutes variables before it
//! matches, see `eval::template`). For containment a variable stands for an unknown value that
//! may be any text, the same in both patterns (both are evaluated for one request): a variable
//! of the narrower pattern is matched only by a `*` or by the same variable of the wider one
//! (`home/${aws:username}/*` ⊆ `home/*` and ⊆ itself, but not ⊆ `home/?*` nor ⊆ `home/bob/*`).
//! Reading a variable as `*` on both sides would claim `home/*` ⊆ `home/${aws:username}/*`,
//! which is false for every user. For overlap a variable is read as `*`. Limit: a value holding
//! a `:` inside one of an ARN's first five fields would shift the fields; containment assumes it
//! does not.

mod arn;
mod automaton;
mod matcher;
#[cfg(test)]
mod tests;

pub use arn::{ArnPattern, ServiceScope};

/// One element of a compiled pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tok {
    Byte(u8),
    Star,
    One,
    /// A policy variable: the index of its name in the pattern's variable table.
    Var(u16),
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
    /// Names of the policy variables the pattern holds (see [`Glob::with_variables`]).
    variables: Box<[Box<str>]>,
}

/// Builds a pattern from wildcard text, literal text and policy variables.
#[derive(Debug, Default, Clone)]
pub struct GlobBuilder {
    toks: Vec<Tok>,
    variables: Vec<Box<str>>,
}

impl GlobBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends text whose `*` and `?` are wildcards.
    pub fn pattern(&mut self, text: &str) -> &mut Self {
        self.toks.extend(text.bytes().map(|b| match b {
            b'*' => Tok::Star,
            b'?' => Tok::One,
            b => Tok::Byte(b),
        }));
        self
    }

    /// Appends text matched literally.
    pub fn literal(&mut self, text: &str) -> &mut Self {
        self.toks.extend(text.bytes().map(Tok::Byte));
        self
    }

    /// Appends a policy variable, named by `name` (two variables are the same when their names
    /// are equal: pass the key lowercased, with its default if it has one).
    pub fn variable(&mut self, name: &str) -> &mut Self {
        let index = match self.variables.iter().position(|v| **v == *name) {
            Some(i) => i,
            None => {
                self.variables.push(name.into());
                self.variables.len() - 1
            }
        };
        // More than 65,536 distinct variables cannot occur in a policy (its size is capped far
        // below); saturate rather than fail.
        self.toks.push(Tok::Var(u16::try_from(index).unwrap_or(u16::MAX)));
        self
    }

    /// Splits at the first `limit - 1` literal `:` bytes (wildcards never split).
    pub fn split_colons(&self, limit: usize) -> Vec<GlobBuilder> {
        let mut out = vec![GlobBuilder::new()];
        for &t in &self.toks {
            if t == Tok::Byte(b':') && out.len() < limit {
                out.push(GlobBuilder::new());
            } else if let Some(last) = out.last_mut() {
                match t {
                    Tok::Var(i) => {
                        let name = self.variables.get(usize::from(i)).map_or("", |v| v);
                        last.variable(name);
                    }
                    t => last.toks.push(t),
                }
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
        Glob {
            kind,
            case_insensitive,
            variables: self.variables.clone().into_boxed_slice(),
        }
    }
}

/// What a containment question found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subset {
    /// Every text the narrower pattern matches, the wider patterns match.
    Yes,
    /// Not contained: `witness` is matched by the narrower pattern and by none of the wider
    /// ones (a policy variable in it is written `${name}`).
    No { witness: String },
    /// The search was too large to finish; treat as "may not be contained".
    Unknown,
}

impl Subset {
    /// True only for a proven containment.
    pub fn holds(&self) -> bool {
        *self == Subset::Yes
    }
}

impl Glob {
    /// Compiles `pattern`, where `*` and `?` are wildcards.
    pub fn new(pattern: &str, case_insensitive: bool) -> Glob {
        // Most patterns are plain text or `text*`: compile those without building tokens.
        let bytes = pattern.as_bytes();
        let fold = |b: &[u8]| -> Box<[u8]> {
            if case_insensitive {
                b.to_ascii_lowercase().into_boxed_slice()
            } else {
                b.into()
            }
        };
        let kind = match bytes.iter().position(|b| matches!(b, b'*' | b'?')) {
            None => Kind::Exact(fold(bytes)),
            Some(0) if bytes == b"*" => Kind::Any,
            Some(at) if at > 0 && at + 1 == bytes.len() && bytes.last() == Some(&b'*') => {
                Kind::Prefix(fold(bytes.get(..at).unwrap_or_default()))
            }
            Some(_) => return GlobBuilder::new().pattern(pattern).build(case_insensitive),
        };
        Glob {
            kind,
            case_insensitive,
            variables: Box::default(),
        }
    }

    /// A pattern that matches `text` exactly (no wildcards).
    pub fn literal(text: &str, case_insensitive: bool) -> Glob {
        GlobBuilder::new().literal(text).build(case_insensitive)
    }

    /// Compiles `pattern` keeping its policy variables (`${aws:username}`) as variables and its
    /// escapes (`${*}`) as literal characters, for containment (see the module docs). A
    /// malformed `${` stays text.
    pub fn with_variables(pattern: &str, case_insensitive: bool) -> Glob {
        variable_builder(pattern).build(case_insensitive)
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

    /// True when the pattern has no wildcard and no variable: it matches one text.
    pub fn is_exact(&self) -> bool {
        matches!(self.kind, Kind::Exact(_))
    }

    /// True when the pattern holds a policy variable.
    pub fn has_variables(&self) -> bool {
        !self.variables.is_empty()
    }

    pub fn case_insensitive(&self) -> bool {
        self.case_insensitive
    }

    pub fn matches(&self, text: &str) -> bool {
        let text = text.as_bytes();
        let ci = self.case_insensitive;
        match &self.kind {
            Kind::Any => true,
            Kind::Exact(lit) => matcher::bytes_eq(lit, text, ci),
            Kind::Prefix(lit) => text
                .get(..lit.len())
                .is_some_and(|head| matcher::bytes_eq(lit, head, ci)),
            Kind::General(toks) => matcher::match_tokens(&**toks, text, ci),
        }
    }

    /// Is every text `self` matches also matched by `wider`?
    pub fn is_subset_of(&self, wider: &Glob) -> bool {
        self.subset_of([wider]).holds()
    }

    /// Is every text `self` matches also matched by at least one of `wider` (their union)?
    /// Exact, with a witness when not, unless the search exceeds its budget.
    pub fn subset_of<'g>(&self, wider: impl IntoIterator<Item = &'g Glob>) -> Subset {
        let wider: Vec<&Glob> = wider.into_iter().collect();
        if wider.iter().any(|w| w.is_any()) {
            return Subset::Yes;
        }
        // A case-folding pattern with letters matches several texts; the fast path is for one.
        let single = !self.case_insensitive || wider.iter().all(|w| w.case_insensitive);
        if single && let Some(text) = self.exact_text() {
            // A single text: contained when a wider pattern without variables matches it (a
            // variable's value is not fixed, so a pattern that needs one cannot contain it).
            return if wider.iter().any(|w| !w.has_variables() && w.matches(&text)) {
                Subset::Yes
            } else {
                Subset::No { witness: text }
            };
        }
        let narrow = automaton::Seq::of_glob(self);
        let wide: Vec<automaton::Seq<'_>> = wider.iter().map(|w| automaton::Seq::of_glob(w)).collect();
        automaton::subset(&narrow, &wide)
    }

    /// Can some text match both patterns? A policy variable counts as `*`.
    pub fn overlaps(&self, other: &Glob) -> bool {
        automaton::overlaps(&automaton::Seq::of_glob(self), &automaton::Seq::of_glob(other))
    }

    /// The one text an exact pattern matches.
    fn exact_text(&self) -> Option<String> {
        match &self.kind {
            Kind::Exact(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
            _ => None,
        }
    }

    /// The compiled tokens (for containment), stars included.
    fn tokens(&self) -> Vec<Tok> {
        match &self.kind {
            Kind::Any => vec![Tok::Star],
            Kind::Exact(b) => b.iter().map(|&b| Tok::Byte(b)).collect(),
            Kind::Prefix(b) => b.iter().map(|&b| Tok::Byte(b)).chain([Tok::Star]).collect(),
            Kind::General(t) => t.to_vec(),
        }
    }

    fn variable_name(&self, index: u16) -> &str {
        self.variables.get(usize::from(index)).map_or("", |v| v)
    }
}

/// A builder for `pattern` with its policy variables kept (see [`Glob::with_variables`]).
pub(crate) fn variable_builder(pattern: &str) -> GlobBuilder {
    use crate::variables::{Piece, scan};
    let mut b = GlobBuilder::new();
    if !crate::variables::has_variables(pattern) {
        b.pattern(pattern);
        return b;
    }
    for piece in scan(pattern) {
        match piece {
            Piece::Text(t) => {
                b.pattern(t);
            }
            Piece::Literal { char, .. } => {
                b.literal(char.encode_utf8(&mut [0; 4]));
            }
            Piece::Variable { key, default, .. } => {
                let name = match default {
                    Some(d) => format!("{}, '{d}'", key.to_ascii_lowercase()),
                    None => key.to_ascii_lowercase(),
                };
                b.variable(&name);
            }
            Piece::Malformed { range, .. } => {
                b.pattern(pattern.get(range).unwrap_or(""));
            }
        }
    }
    b
}

/// Does `text` match `pattern`, where `*` matches any sequence (also empty) and `?` exactly one
/// character? Case folding, when asked, is ASCII-only. Allocation-free, for one-shot matches
/// (catalog scans); compile a [`Glob`] for a pattern matched many times.
///
/// ```
/// use iam_policy::glob::wildcard_match;
/// assert!(wildcard_match("s3:Get*", "s3:getobject", true));
/// assert!(!wildcard_match("s3:Get*", "s3:getobject", false));
/// assert!(wildcard_match("ec2:?escribe*", "ec2:DescribeVpcs", false));
/// ```
pub fn wildcard_match(pattern: &str, text: &str, case_insensitive: bool) -> bool {
    matcher::match_tokens(&matcher::Raw(pattern.as_bytes()), text.as_bytes(), case_insensitive)
}

/// True when `pattern` contains `*` or `?`.
pub fn has_wildcard(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}
