//! The matching algorithm, shared by compiled patterns and patterns given as text.

use super::Tok;

/// A pattern read token by token: a compiled token slice, or raw pattern text.
pub(super) trait Tokens {
    /// The pattern's letters are lowercase already when matching folds case (compiled
    /// patterns are), so only the text's need folding.
    const LOWERCASED: bool;

    fn tok(&self, index: usize) -> Option<Tok>;
}

impl Tokens for [Tok] {
    const LOWERCASED: bool = true;

    #[inline]
    fn tok(&self, index: usize) -> Option<Tok> {
        self.get(index).copied()
    }
}

/// Pattern text whose `*` and `?` are wildcards.
pub(super) struct Raw<'p>(pub &'p [u8]);

impl Tokens for Raw<'_> {
    const LOWERCASED: bool = false;

    #[inline]
    fn tok(&self, index: usize) -> Option<Tok> {
        self.0.get(index).map(|&b| match b {
            b'*' => Tok::Star,
            b'?' => Tok::One,
            b => Tok::Byte(b),
        })
    }
}

/// Length of the UTF-8 character starting with byte `b`.
#[inline]
fn char_len(b: u8) -> usize {
    match b {
        0..0xC0 => 1,
        0xC0..0xE0 => 2,
        0xE0..0xF0 => 3,
        _ => 4,
    }
}

#[inline]
fn byte_eq<P: Tokens + ?Sized>(pattern: u8, text: u8, ci: bool) -> bool {
    pattern == text
        || (ci
            && if P::LOWERCASED {
                pattern == text.to_ascii_lowercase()
            } else {
                pattern.eq_ignore_ascii_case(&text)
            })
}

/// Compares a compiled literal (lowercase when `ci`) with text.
pub(super) fn bytes_eq(pattern: &[u8], text: &[u8], ci: bool) -> bool {
    if ci {
        pattern.len() == text.len() && pattern.iter().zip(text).all(|(p, t)| *p == t.to_ascii_lowercase())
    } else {
        pattern == text
    }
}

/// Greedy two-pointer matching that remembers only the last `*`: when a later token fails it
/// resumes one character after where that `*` last started matching. A variable token never
/// matches (variables are substituted before matching).
pub(super) fn match_tokens<P: Tokens + ?Sized>(pattern: &P, text: &[u8], ci: bool) -> bool {
    let mut p = 0usize;
    let mut t = 0usize;
    // Where to resume after the last star: (pattern index after the star, text index).
    let mut resume: Option<(usize, usize)> = None;
    while let Some(&byte) = text.get(t) {
        match pattern.tok(p) {
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
            Some(Tok::Byte(b)) if byte_eq::<P>(b, byte, ci) => {
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
    while pattern.tok(p) == Some(Tok::Star) {
        p += 1;
    }
    pattern.tok(p).is_none()
}
