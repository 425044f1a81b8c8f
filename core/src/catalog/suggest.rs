//! Edit distance for did-you-mean suggestions.

/// Optimal-string-alignment (restricted Damerau–Levenshtein) distance between the ASCII-
/// lowercased forms of `a` and `b`: insertions, deletions, substitutions and swaps of two
/// adjacent characters each cost 1. Returns `None` as soon as the distance must exceed `max`.
pub fn distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<u8> = a.bytes().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<u8> = b.bytes().map(|c| c.to_ascii_lowercase()).collect();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let w = b.len() + 1;
    // Three rolling rows: i-2, i-1, i.
    let mut prev2 = vec![0usize; w];
    let mut prev: Vec<usize> = (0..w).collect();
    let mut cur = vec![0usize; w];
    for i in 1..=a.len() {
        if let Some(c0) = cur.first_mut() {
            *c0 = i;
        }
        let mut row_min = i;
        for j in 1..w {
            let ca = a.get(i - 1).copied();
            let cb = b.get(j - 1).copied();
            let cost = usize::from(ca != cb);
            let del = prev.get(j).copied().unwrap_or(usize::MAX).saturating_add(1);
            let ins = cur.get(j - 1).copied().unwrap_or(usize::MAX).saturating_add(1);
            let sub = prev.get(j - 1).copied().unwrap_or(usize::MAX).saturating_add(cost);
            let mut d = del.min(ins).min(sub);
            if i > 1 && j > 1 && ca == b.get(j - 2).copied() && a.get(i - 2).copied() == cb && ca != cb {
                d = d.min(prev2.get(j - 2).copied().unwrap_or(usize::MAX).saturating_add(1));
            }
            if let Some(c) = cur.get_mut(j) {
                *c = d;
            }
            row_min = row_min.min(d);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().filter(|&d| d <= max)
}

/// The largest distance worth suggesting for a name of `len` characters: 1 up to 5
/// characters, then one more per 4 characters, at most 4 (`GetObjekt` → 2, `s4` → 1).
pub fn max_distance(len: usize) -> usize {
    (len.saturating_add(2) / 4).clamp(1, 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("getobjekt", "GetObject", 3), Some(1));
        assert_eq!(distance("GetObjectt", "GetObject", 3), Some(1));
        assert_eq!(distance("PassRoel", "PassRole", 3), Some(1));
        assert_eq!(distance("ab", "ba", 3), Some(1));
        assert_eq!(distance("s4", "s3", 1), Some(1));
        assert_eq!(distance("", "abc", 3), Some(3));
        assert_eq!(distance("abc", "", 3), Some(3));
        assert_eq!(distance("Xyzzy123", "DescribeVpcs", 2), None);
        assert_eq!(distance("kitten", "sitting", 3), Some(3));
        assert_eq!(distance("kitten", "sitting", 2), None);
    }

    #[test]
    fn thresholds() {
        assert_eq!(max_distance(2), 1);
        assert_eq!(max_distance(9), 2);
        assert_eq!(max_distance(14), 4);
        assert_eq!(max_distance(40), 4);
    }
}
