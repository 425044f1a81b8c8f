//! Containment and overlap of wildcard patterns, decided on their automata.
//!
//! A pattern is a sequence of items: a character, `?`, `*` (the wildcards may exclude `:`,
//! for the first five fields of an ARN pattern) or a policy variable. Every pattern treats the
//! characters it does not name alike, so a finite alphabet suffices: the characters the
//! patterns name (both ASCII cases when a pattern folds case), `:` when a wildcard excludes
//! it, one character standing for all the others, and one symbol per variable of the narrower
//! pattern.
//!
//! `a ⊆ b₁ ∪ … ∪ bₙ` is a search over pairs (position in `a`, set of live positions in the
//! `b`s) for a text `a` accepts and every `b` rejects; the shortest one found is the witness.

use std::collections::VecDeque;

use rustc_hash::FxHashSet as HashSet;

use super::{Glob, Subset, Tok};

/// States the containment search may visit before answering `Unknown`. Real patterns need a
/// few dozen; the budget bounds adversarial ones (the problem is hard in general).
const MAX_STATES: usize = 20_000;

/// Which characters a wildcard may stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    Any,
    NoColon,
}

impl Class {
    fn allows(self, c: char) -> bool {
        self == Class::Any || c != ':'
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Item<'a> {
    Char(char),
    One(Class),
    Star(Class),
    Var(&'a str),
}

/// A pattern as items, with its case folding.
#[derive(Debug, Clone)]
pub(super) struct Seq<'a> {
    items: Vec<Item<'a>>,
    ci: bool,
}

impl<'a> Seq<'a> {
    pub(super) fn new(ci: bool) -> Seq<'a> {
        Seq { items: Vec::new(), ci }
    }

    pub(super) fn of_glob(glob: &'a Glob) -> Seq<'a> {
        let mut seq = Seq::new(glob.case_insensitive);
        seq.push_glob(glob, Class::Any);
        seq
    }

    pub(super) fn push_char(&mut self, c: char) {
        self.items.push(Item::Char(c));
    }

    /// Appends `glob`'s items, its wildcards limited to `class`.
    pub(super) fn push_glob(&mut self, glob: &'a Glob, class: Class) {
        let mut bytes: Vec<u8> = Vec::new();
        let flush = |bytes: &mut Vec<u8>, items: &mut Vec<Item<'a>>| {
            if !bytes.is_empty() {
                items.extend(String::from_utf8_lossy(bytes).chars().map(Item::Char));
                bytes.clear();
            }
        };
        for tok in glob.tokens() {
            match tok {
                Tok::Byte(b) => bytes.push(b),
                Tok::Star => {
                    flush(&mut bytes, &mut self.items);
                    self.items.push(Item::Star(class));
                }
                Tok::One => {
                    flush(&mut bytes, &mut self.items);
                    self.items.push(Item::One(class));
                }
                Tok::Var(i) => {
                    flush(&mut bytes, &mut self.items);
                    self.items.push(Item::Var(glob.variable_name(i)));
                }
            }
        }
        flush(&mut bytes, &mut self.items);
    }

    /// Does this pattern's item accept the symbol (consuming it)?
    fn accepts(&self, item: Item<'_>, sym: Sym<'_>) -> bool {
        match (item, sym) {
            (Item::Char(c), Sym::Char(x)) => c == x || (self.ci && c.eq_ignore_ascii_case(&x)),
            (Item::One(class) | Item::Star(class), Sym::Char(x)) => class.allows(x),
            // A variable's value is some text: a star absorbs it, nothing else but the same
            // variable matches it.
            (Item::Star(_), Sym::Var(_)) => true,
            (Item::Var(a), Sym::Var(b)) => a == b,
            _ => false,
        }
    }

    /// The pattern with its variables read as `*`.
    fn variables_as_stars(&self) -> Seq<'a> {
        Seq {
            items: self
                .items
                .iter()
                .map(|&i| match i {
                    Item::Var(_) => Item::Star(Class::Any),
                    i => i,
                })
                .collect(),
            ci: self.ci,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sym<'a> {
    Char(char),
    Var(&'a str),
}

/// The symbols that tell the patterns' behaviour apart (the stand-in for every character no
/// pattern names included), and that stand-in.
fn alphabet<'a>(seqs: &[&Seq<'a>]) -> (Vec<Sym<'a>>, Option<Sym<'a>>) {
    let mut chars: Vec<char> = Vec::new();
    let mut vars: Vec<&'a str> = Vec::new();
    for seq in seqs {
        for item in &seq.items {
            match *item {
                Item::Char(c) => {
                    chars.push(c);
                    if seq.ci && c.is_ascii_alphabetic() {
                        chars.push(c.to_ascii_lowercase());
                        chars.push(c.to_ascii_uppercase());
                    }
                }
                Item::One(Class::NoColon) | Item::Star(Class::NoColon) => chars.push(':'),
                Item::Var(v) => vars.push(v),
                _ => {}
            }
        }
    }
    chars.sort_unstable();
    chars.dedup();
    vars.sort_unstable();
    vars.dedup();
    let other = STAND_INS
        .chars()
        .chain(('\u{e0}'..='\u{2fff}').filter(|c| !c.is_ascii()))
        .find(|c| chars.binary_search(c).is_err())
        .map(Sym::Char);
    let mut out: Vec<Sym<'a>> = chars.into_iter().map(Sym::Char).collect();
    out.extend(vars.into_iter().map(Sym::Var));
    out.extend(other);
    (out, other)
}

/// Characters tried, in order, as the stand-in for "any other character" in witnesses.
const STAND_INS: &str = "x0zq9jk7_-wv";

/// A set of live positions over the wider patterns, one bit per position.
type Bits = Box<[u64]>;

fn bit(bits: &[u64], i: usize) -> bool {
    bits.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
}

fn set(bits: &mut [u64], i: usize) {
    if let Some(w) = bits.get_mut(i / 64) {
        *w |= 1 << (i % 64);
    }
}

/// The wider patterns laid end to end: position `offsets[k] + p` is position `p` of pattern `k`
/// (`p == len` is its end).
struct Wide<'s, 'a> {
    seqs: &'s [Seq<'a>],
    offsets: Vec<usize>,
    words: usize,
    /// From this position the pattern accepts every continuation (only stars without a class
    /// limit remain).
    universal: Vec<bool>,
}

impl<'s, 'a> Wide<'s, 'a> {
    fn new(seqs: &'s [Seq<'a>]) -> Self {
        let mut offsets = Vec::with_capacity(seqs.len());
        let mut total = 0;
        let mut universal = Vec::new();
        for seq in seqs {
            offsets.push(total);
            total += seq.items.len() + 1;
            for p in 0..=seq.items.len() {
                let rest = seq.items.get(p..).unwrap_or(&[]);
                universal.push(!rest.is_empty() && rest.iter().all(|i| *i == Item::Star(Class::Any)));
            }
        }
        Wide {
            seqs,
            offsets,
            words: total.div_ceil(64).max(1),
            universal,
        }
    }

    fn positions(&self) -> impl Iterator<Item = (usize, &'s Seq<'a>, usize)> + '_ {
        self.seqs
            .iter()
            .zip(&self.offsets)
            .flat_map(|(seq, &off)| (0..=seq.items.len()).map(move |p| (off + p, seq, p)))
    }

    /// Adds the positions after stars reachable without consuming anything.
    fn close(&self, bits: &mut [u64]) {
        for (at, seq, p) in self.positions() {
            if bit(bits, at) && matches!(seq.items.get(p), Some(Item::Star(_))) {
                set(bits, at + 1);
            }
        }
    }

    fn start(&self) -> Bits {
        let mut bits = vec![0u64; self.words].into_boxed_slice();
        for &off in &self.offsets {
            set(&mut bits, off);
        }
        self.close(&mut bits);
        bits
    }

    fn step(&self, bits: &[u64], sym: Sym<'_>) -> Bits {
        let mut next = vec![0u64; self.words].into_boxed_slice();
        for (at, seq, p) in self.positions() {
            if !bit(bits, at) {
                continue;
            }
            let Some(&item) = seq.items.get(p) else { continue };
            if seq.accepts(item, sym) {
                set(&mut next, if matches!(item, Item::Star(_)) { at } else { at + 1 });
            }
        }
        self.close(&mut next);
        next
    }

    fn accepts_end(&self, bits: &[u64]) -> bool {
        self.seqs
            .iter()
            .zip(&self.offsets)
            .any(|(seq, &off)| bit(bits, off + seq.items.len()))
    }

    fn is_universal(&self, bits: &[u64]) -> bool {
        self.universal.iter().enumerate().any(|(at, &u)| u && bit(bits, at))
    }

    fn is_dead(&self, bits: &[u64]) -> bool {
        bits.iter().all(|w| *w == 0)
    }
}

struct Node<'a> {
    at: usize,
    bits: Bits,
    parent: Option<usize>,
    sym: Option<Sym<'a>>,
}

/// Is every text `narrow` matches matched by one of `wide`? See the module docs.
pub(super) fn subset<'a>(narrow: &Seq<'a>, wide: &[Seq<'a>]) -> Subset {
    let mut all: Vec<&Seq<'a>> = vec![narrow];
    all.extend(wide);
    let (alphabet, other) = alphabet(&all);
    let wide = Wide::new(wide);
    let items = &narrow.items;
    // From position i the narrow pattern can end without consuming more (only stars remain).
    let can_end: Vec<bool> = (0..=items.len())
        .map(|i| items.get(i..).unwrap_or(&[]).iter().all(|t| matches!(t, Item::Star(_))))
        .collect();

    let mut nodes: Vec<Node<'a>> = vec![Node {
        at: 0,
        bits: wide.start(),
        parent: None,
        sym: None,
    }];
    let mut seen: HashSet<(usize, Bits)> = HashSet::default();
    if let Some(first) = nodes.first() {
        seen.insert((first.at, first.bits.clone()));
    }
    let mut queue: VecDeque<usize> = VecDeque::from([0]);
    while let Some(index) = queue.pop_front() {
        let Some(node) = nodes.get(index) else { continue };
        let (at, bits) = (node.at, node.bits.clone());
        if wide.is_universal(&bits) {
            continue;
        }
        if wide.is_dead(&bits) || (can_end.get(at).copied().unwrap_or(false) && !wide.accepts_end(&bits)) {
            // Every completion of the narrow pattern from here is rejected: write the shortest.
            let mut witness = path(&nodes, index);
            complete(items.get(at..).unwrap_or(&[]), other, &mut witness);
            return Subset::No { witness };
        }
        let Some(&item) = items.get(at) else { continue };
        let mut push = |to: usize, bits: Bits, sym: Option<Sym<'a>>, nodes: &mut Vec<Node<'a>>| {
            if seen.insert((to, bits.clone())) {
                nodes.push(Node {
                    at: to,
                    bits,
                    parent: Some(index),
                    sym,
                });
                queue.push_back(nodes.len() - 1);
            }
        };
        if let Item::Star(_) = item {
            push(at + 1, bits.clone(), None, &mut nodes);
        }
        for &sym in &alphabet {
            if !narrow.accepts(item, sym) || matches!((item, sym), (Item::Star(_), Sym::Var(_))) {
                // The narrow pattern's own stars produce characters; its variables come only
                // from its variable items.
                continue;
            }
            let to = if matches!(item, Item::Star(_)) { at } else { at + 1 };
            push(to, wide.step(&bits, sym), Some(sym), &mut nodes);
        }
        if nodes.len() > MAX_STATES {
            return Subset::Unknown;
        }
    }
    Subset::Yes
}

/// The text spelled by the symbols on the way to `index`.
fn path(nodes: &[Node<'_>], index: usize) -> String {
    let mut syms = Vec::new();
    let mut at = Some(index);
    while let Some(i) = at {
        let Some(node) = nodes.get(i) else { break };
        syms.extend(node.sym);
        at = node.parent;
    }
    let mut out = String::new();
    for sym in syms.into_iter().rev() {
        write_sym(sym, &mut out);
    }
    out
}

fn write_sym(sym: Sym<'_>, out: &mut String) {
    match sym {
        Sym::Char(c) => out.push(c),
        Sym::Var(v) => {
            out.push_str("${");
            out.push_str(v);
            out.push('}');
        }
    }
}

/// Appends the shortest text `rest` matches.
fn complete(rest: &[Item<'_>], other: Option<Sym<'_>>, out: &mut String) {
    for item in rest {
        match *item {
            Item::Char(c) => out.push(c),
            Item::One(_) => {
                if let Some(sym) = other {
                    write_sym(sym, out);
                }
            }
            Item::Star(_) => {}
            Item::Var(v) => write_sym(Sym::Var(v), out),
        }
    }
}

/// Can some text match both patterns? Variables count as `*`. A product automaton over pairs
/// of positions: `O(|a| × |b| × alphabet)`.
pub(super) fn overlaps(a: &Seq<'_>, b: &Seq<'_>) -> bool {
    let (a, b) = (a.variables_as_stars(), b.variables_as_stars());
    let (alphabet, _) = alphabet(&[&a, &b]);
    let (n, m) = (a.items.len(), b.items.len());
    let width = m + 1;
    let mut reach = vec![false; (n + 1) * width];
    let mut stack = vec![(0usize, 0usize)];
    while let Some((i, j)) = stack.pop() {
        let Some(slot) = reach.get_mut(i * width + j) else {
            continue;
        };
        if *slot {
            continue;
        }
        *slot = true;
        if i == n && j == m {
            return true;
        }
        let (ta, tb) = (a.items.get(i).copied(), b.items.get(j).copied());
        if let Some(Item::Star(_)) = ta {
            stack.push((i + 1, j));
        }
        if let Some(Item::Star(_)) = tb {
            stack.push((i, j + 1));
        }
        let (Some(x), Some(y)) = (ta, tb) else { continue };
        if alphabet.iter().any(|&s| a.accepts(x, s) && b.accepts(y, s)) {
            let ni = if matches!(x, Item::Star(_)) { i } else { i + 1 };
            let nj = if matches!(y, Item::Star(_)) { j } else { j + 1 };
            if (ni, nj) != (i, j) {
                stack.push((ni, nj));
            }
        }
    }
    false
}
