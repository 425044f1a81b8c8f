#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a panic in a test is a test failure"
)]

use super::*;
use proptest::prelude::*;

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
    assert!(!m("??", "é"));
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
    assert!(!m("?", ""));
}

#[test]
fn case_folding() {
    assert!(Glob::new("S3:get*", true).matches("s3:GETOBJECT"));
    assert!(!Glob::new("S3:get*", false).matches("s3:GETOBJECT"));
    assert!(Glob::new("s3:g?t*t", true).matches("S3:GETOBJECT"));
    assert!(wildcard_match("S3:GET*", "s3:GetObject", true));
    assert!(!wildcard_match("S3:GET*", "s3:GetObject", false));
    // ASCII-only: a non-ASCII letter matches only itself.
    assert!(!Glob::new("é", true).matches("É"));
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
fn a_pattern_with_a_variable_matches_no_text() {
    let g = Glob::with_variables("home/${aws:username}/*", false);
    assert!(g.has_variables());
    assert!(!g.matches("home/bob/x"));
    assert!(!g.matches("home/${aws:username}/x"));
    // Without a variable, `${` is text.
    assert!(Glob::new("home/${aws:username}/*", false).matches("home/${aws:username}/x"));
}

#[test]
fn pathological_patterns_are_fast_and_correct() {
    let text = "a".repeat(10_000);
    assert!(!m(&format!("{}b", "a*".repeat(200)), &text));
    assert!(!wildcard_match("a*a*a*a*a*a*a*a*a*b", &text, false));
    assert!(wildcard_match("a*a*a*a*a*a*a*a*a*a", &text, false));
    assert!(wildcard_match("a*a*a*a*a*a*a*a*a*b", &format!("{text}b"), false));
}

fn sub(narrow: &str, wide: &[&str], ci: bool) -> Subset {
    let wide: Vec<Glob> = wide.iter().map(|w| Glob::with_variables(w, ci)).collect();
    Glob::with_variables(narrow, ci).subset_of(&wide)
}

#[test]
fn containment_examples() {
    assert!(sub("s3:Get*", &["s3:*"], true).holds());
    assert!(sub("S3:GETOBJECT", &["s3:Get*"], true).holds());
    assert!(sub("s3:Get*Tagging", &["s3:Get*"], true).holds());
    assert!(sub("s3:*Object", &["*Object"], true).holds());
    assert!(sub("a?c", &["a*"], false).holds());
    assert!(sub("a*", &["a*", "b"], false).holds());
    assert!(sub("?*", &["*"], false).holds());
    assert!(!sub("s3:*", &["s3:Get*"], true).holds());
    assert!(!sub("s3:Get*", &["s3:Get?*"], true).holds());
    assert!(!sub("a*", &["a?*"], false).holds());
    assert!(sub("a?*", &["a*"], false).holds());
    // Stars in the middle: `a*b*c` ⊆ `a*c` but not the reverse.
    assert!(sub("a*b*c", &["a*c"], false).holds());
    assert!(!sub("a*c", &["a*b*c"], false).holds());
    // `?` is one character, not one byte.
    assert!(sub("é", &["?"], false).holds());
    // Case: a case-sensitive pattern does not contain a case-folding one with letters.
    assert!(!Glob::new("s3:Get*", true).is_subset_of(&Glob::new("s3:Get*", false)));
    assert!(Glob::new("s3:Get*", false).is_subset_of(&Glob::new("S3:GET*", true)));
    // Union coverage that no single pattern gives.
    assert!(sub("x*", &["x", "x?*"], false).holds());
    assert!(sub("*", &["", "?*"], false).holds());
}

#[test]
fn witnesses_are_real() {
    for (narrow, wide, ci) in [
        ("s3:*", "s3:Get*", true),
        ("a*", "a?*", false),
        ("a*c", "a*b*c", false),
        ("*", "arn:*", false),
        ("s3:Get*", "s3:Get*", true),
        ("x?y", "x:y", false),
    ] {
        let (n, w) = (Glob::new(narrow, ci), Glob::new(wide, false));
        let Subset::No { witness } = n.subset_of([&w]) else {
            panic!("{narrow} ⊆ {wide} claimed");
        };
        assert!(
            n.matches(&witness) && !w.matches(&witness),
            "{narrow} vs {wide}: {witness:?}"
        );
    }
}

#[test]
fn variables_in_containment() {
    let own = "home/${aws:username}/*";
    assert!(sub(own, &[own], false).holds());
    assert!(sub(own, &["home/*"], false).holds());
    assert!(!sub("home/*", &[own], false).holds());
    // The value may be empty or long: neither `?` nor a fixed text contains it.
    assert!(!sub("${aws:username}", &["?"], false).holds());
    assert!(!sub("${aws:username}", &["bob"], false).holds());
    assert!(sub("${aws:username}", &["*"], false).holds());
    // A default makes a different variable (it differs when the key is missing).
    assert!(!sub("${aws:username, 'x'}", &["${aws:username}"], false).holds());
    let Subset::No { witness } = sub(own, &["home/bob/*"], false) else {
        panic!("a variable contained in a fixed name");
    };
    assert_eq!(witness, "home/${aws:username}/");
}

#[test]
fn overlap_examples() {
    let o = |a: &str, b: &str| Glob::new(a, false).overlaps(&Glob::new(b, false));
    assert!(o("a*", "*b"));
    assert!(o("a?c", "*c"));
    assert!(!o("a*", "b*"));
    assert!(!o("a?", "a"));
    assert!(o("", "*"));
    assert!(!o("", "?"));
    assert!(Glob::new("S3:Get*", true).overlaps(&Glob::new("s3:*object", true)));
    assert!(Glob::with_variables("home/${aws:username}", false).overlaps(&Glob::new("home/bob", false)));
}

/// The semantics written out as a plain recursive definition, to test the matchers against.
fn reference(pattern: &[char], text: &[char], ci: bool) -> bool {
    match (pattern.split_first(), text.split_first()) {
        (None, _) => text.is_empty(),
        (Some(('*', rest)), _) => {
            reference(rest, text, ci) || text.split_first().is_some_and(|(_, t)| reference(pattern, t, ci))
        }
        (Some(_), None) => false,
        (Some(('?', rest)), Some((_, t))) => reference(rest, t, ci),
        (Some((p, rest)), Some((c, t))) => (p == c || (ci && p.eq_ignore_ascii_case(c))) && reference(rest, t, ci),
    }
}

fn chars(s: &str) -> Vec<char> {
    s.chars().collect()
}

/// Small alphabets make collisions between patterns and texts likely.
fn pattern() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[abA:é*?]{0,7}").unwrap()
}

fn text() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[abA:é]{0,8}").unwrap()
}

/// Every text over `alphabet` of length up to `max`.
fn all_texts(alphabet: &[char], max: usize) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut frontier = vec![String::new()];
    for _ in 0..max {
        let mut next = Vec::new();
        for s in &frontier {
            for c in alphabet {
                let mut t = s.clone();
                t.push(*c);
                next.push(t);
            }
        }
        out.extend(next.iter().cloned());
        frontier = next;
    }
    out
}

/// Every text of up to six characters over `a`, `b` and one letter no pattern names: one longer
/// than the small patterns below, which reaches every behaviour they have.
fn short_texts() -> &'static [String] {
    static TEXTS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    TEXTS.get_or_init(|| all_texts(&['a', 'b', 'c'], 6))
}

/// A text `pattern` matches, with each wildcard filled from `fill`.
fn instance(pattern: &str, fill: &[String]) -> String {
    let mut out = String::new();
    let mut k = 0;
    for c in pattern.chars() {
        let mut filler = || {
            k += 1;
            fill.get(k % fill.len().max(1)).cloned().unwrap_or_default()
        };
        match c {
            '*' => out.push_str(&filler()),
            '?' => out.push(filler().chars().next().unwrap_or('x')),
            c => out.push(c),
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// The compiled matcher, the one-shot matcher and the definition agree.
    #[test]
    fn matchers_agree_with_the_definition(p in pattern(), t in text(), ci in any::<bool>()) {
        let expected = reference(&chars(&p), &chars(&t), ci);
        prop_assert_eq!(Glob::new(&p, ci).matches(&t), expected);
        prop_assert_eq!(wildcard_match(&p, &t, ci), expected);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Soundness: a containment claimed holds for texts the narrower pattern matches; a
    /// refusal comes with a witness that proves it.
    #[test]
    fn containment_is_sound(
        a in pattern(),
        bs in prop::collection::vec(pattern(), 1..3),
        fill in prop::collection::vec(text(), 1..4),
        ci in any::<bool>(),
    ) {
        let narrow = Glob::new(&a, ci);
        let wide: Vec<Glob> = bs.iter().map(|b| Glob::new(b, ci)).collect();
        match narrow.subset_of(&wide) {
            Subset::Yes => {
                let t = instance(&a, &fill);
                prop_assert!(narrow.matches(&t));
                prop_assert!(wide.iter().any(|w| w.matches(&t)), "{a} ⊆ {bs:?} but not {t:?}");
            }
            Subset::No { witness } => {
                prop_assert!(narrow.matches(&witness), "witness {witness:?} not in {a}");
                prop_assert!(!wide.iter().any(|w| w.matches(&witness)), "witness {witness:?} in {bs:?}");
            }
            Subset::Unknown => prop_assert!(false, "small patterns must be decided"),
        }
    }

    /// Exactness: when every short text the narrower pattern matches is matched by a wider
    /// one, and the patterns are short enough for that to be conclusive, containment is found.
    #[test]
    fn containment_is_exact_on_small_patterns(
        a in proptest::string::string_regex("[ab*?]{0,4}").unwrap(),
        bs in prop::collection::vec(proptest::string::string_regex("[ab*?]{0,4}").unwrap(), 1..3),
    ) {
        let narrow = Glob::new(&a, false);
        let wide: Vec<Glob> = bs.iter().map(|b| Glob::new(b, false)).collect();
        let counterexample = short_texts()
            .iter()
            .find(|t| narrow.matches(t) && !wide.iter().any(|w| w.matches(t)));
        match (narrow.subset_of(&wide), counterexample) {
            (Subset::Yes, None) => {}
            (Subset::No { witness }, _) => {
                prop_assert!(narrow.matches(&witness) && !wide.iter().any(|w| w.matches(&witness)));
            }
            (answer, found) => prop_assert!(false, "{} ⊆ {:?}: {:?}, but {:?}", a, bs, answer, found),
        }
    }

    /// Overlap agrees with a search over short texts.
    #[test]
    fn overlap_is_exact_on_small_patterns(
        a in proptest::string::string_regex("[ab*?]{0,4}").unwrap(),
        b in proptest::string::string_regex("[ab*?]{0,4}").unwrap(),
    ) {
        let (x, y) = (Glob::new(&a, false), Glob::new(&b, false));
        let common = short_texts().iter().any(|t| x.matches(t) && y.matches(t));
        prop_assert_eq!(x.overlaps(&y), common, "{} vs {}", a, b);
    }

    /// Variables: for any one value of each variable, substituted into both patterns as
    /// literal text, a containment claimed with the variables unknown still holds.
    #[test]
    fn containment_with_variables_holds_for_every_value(
        a in proptest::string::string_regex("([ab*?]|\\$\\{v\\}|\\$\\{w\\}){0,5}").unwrap(),
        b in proptest::string::string_regex("([ab*?]|\\$\\{v\\}|\\$\\{w\\}){0,5}").unwrap(),
        v in "[ab]{0,3}",
        w in "[ab]{0,3}",
        fill in prop::collection::vec(text(), 1..3),
    ) {
        let substitute = |p: &str| -> Glob {
            let mut builder = GlobBuilder::new();
            for piece in crate::variables::scan(p) {
                match piece {
                    crate::variables::Piece::Variable { key: "v", .. } => { builder.literal(&v); }
                    crate::variables::Piece::Variable { .. } => { builder.literal(&w); }
                    crate::variables::Piece::Text(t) => { builder.pattern(t); }
                    _ => {}
                }
            }
            builder.build(false)
        };
        if Glob::with_variables(&a, false).is_subset_of(&Glob::with_variables(&b, false)) {
            let a_text = a.replace("${v}", &v).replace("${w}", &w);
            let (sa, sb) = (substitute(&a), substitute(&b));
            // `a_text` holds no variable now; its wildcards are the pattern's own.
            let t = instance(&a_text, &fill);
            prop_assert!(sa.matches(&t));
            prop_assert!(sb.matches(&t), "{a} ⊆ {b} claimed, but with v={v:?} w={w:?} {t:?} is not in {b}");
        }
    }
}
