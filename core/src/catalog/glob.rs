//! IAM-style wildcard matching (`*` = any run of characters, `?` = exactly one character).
//!
//! Greedy two-pointer matching that remembers only the last `*`: when a later literal fails it
//! resumes one character after where that `*` last started matching. Earlier stars never need
//! revisiting (a later star can absorb anything an earlier one could), so the work is at most
//! `O(pattern × text)` with no exponential backtracking: `a*a*a*a*a*a*a*a*a*b` against a long
//! run of `a`s costs the same order as `s3:Get*`. The evaluator should reuse this.

/// Length in bytes of the UTF-8 character starting with `lead`.
fn char_len(lead: u8) -> usize {
    match lead {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

fn eq_byte(a: u8, b: u8, case_insensitive: bool) -> bool {
    a == b || (case_insensitive && a.eq_ignore_ascii_case(&b))
}

/// Does `text` match `pattern`, where `*` matches any sequence (also empty) and `?` exactly one
/// character? Case folding, when asked, is ASCII-only (IAM action names and keys are ASCII).
///
/// ```
/// use iam_policy::catalog::wildcard_match;
/// assert!(wildcard_match("s3:Get*", "s3:getobject", true));
/// assert!(!wildcard_match("s3:Get*", "s3:getobject", false));
/// assert!(wildcard_match("ec2:?escribe*", "ec2:DescribeVpcs", false));
/// ```
pub fn wildcard_match(pattern: &str, text: &str, case_insensitive: bool) -> bool {
    let p = pattern.as_bytes();
    let t = text.as_bytes();
    let (mut pi, mut ti) = (0usize, 0usize);
    // (pattern index after the star, text index the star's match currently ends at)
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(b'*') => {
                pi += 1;
                star = Some((pi, ti));
                continue;
            }
            Some(b'?') => {
                pi += 1;
                ti += t.get(ti).map_or(1, |&b| char_len(b));
                continue;
            }
            Some(&c) if t.get(ti).is_some_and(|&b| eq_byte(c, b, case_insensitive)) => {
                pi += 1;
                ti += 1;
                continue;
            }
            _ => {}
        }
        // Mismatch: let the last star absorb one more character.
        match star {
            Some((sp, st)) => {
                let next = st + t.get(st).map_or(1, |&b| char_len(b));
                star = Some((sp, next));
                pi = sp;
                ti = next;
            }
            None => return false,
        }
    }
    p.get(pi..).is_some_and(|rest| rest.iter().all(|&c| c == b'*'))
}

/// True when `pattern` contains `*` or `?`.
pub fn has_wildcard(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

#[cfg(test)]
mod tests {
    use super::wildcard_match as m;

    #[test]
    fn basics() {
        assert!(m("*", "", false));
        assert!(m("*", "anything", false));
        assert!(m("", "", false));
        assert!(!m("", "a", false));
        assert!(!m("?", "", false));
        assert!(m("?", "é", false));
        assert!(!m("??", "é", false));
        assert!(m("a?c", "abc", false));
        assert!(m("a*c", "ac", false));
        assert!(m("a*c", "abbbc", false));
        assert!(!m("a*c", "abbbd", false));
        assert!(m("*b*", "abc", false));
        assert!(m("s3:Get*", "s3:GetObject", false));
        assert!(m("S3:GET*", "s3:GetObject", true));
        assert!(!m("S3:GET*", "s3:GetObject", false));
        assert!(m("*:Describe*", "ec2:DescribeInstances", false));
        assert!(m("a*b*c", "aXbYbZc", false));
        assert!(!m("a*b*c", "aXbYbZ", false));
        assert!(m("**", "x", false));
    }

    #[test]
    fn pathological_pattern_is_correct() {
        let text = "a".repeat(10_000);
        assert!(!m("a*a*a*a*a*a*a*a*a*b", &text, false));
        assert!(m("a*a*a*a*a*a*a*a*a*a", &text, false));
        let with_b = format!("{text}b");
        assert!(m("a*a*a*a*a*a*a*a*a*b", &with_b, false));
    }
}
