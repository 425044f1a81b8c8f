//! Catalog actions as dense ids, sets of them as bitsets, and action patterns expanded into
//! those sets.

use std::sync::OnceLock;

use crate::catalog::{AccessLevel, Action, Service, catalog};
use crate::glob::{Glob, wildcard_match};

/// A catalog action, as an index into the catalog's actions in order (services by prefix,
/// actions by name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ActionId(u32);

impl ActionId {
    /// The action named `service:Action` (case-insensitive; no wildcards).
    pub fn named(full_name: &str) -> Option<ActionId> {
        let index = index();
        let (prefix, name) = full_name.split_once(':')?;
        let s = index.service_position(prefix)?;
        let range = index.services.get(s)?.range.clone();
        let names = index.lower_names.get(range.clone())?;
        let i = names.binary_search_by(|n| cmp_folded(n, name)).ok()?;
        u32::try_from(range.start + i).ok().map(ActionId)
    }

    #[expect(
        clippy::indexing_slicing,
        reason = "ids are only made from positions in the table, which never shrinks"
    )]
    pub fn action(self) -> Action {
        index().actions[self.position()]
    }

    /// `service:Action` in canonical case.
    pub fn full_name(self) -> String {
        self.action().full_name()
    }

    pub fn service(self) -> Service {
        self.action().service()
    }

    /// `None` for actions the reference does not document.
    pub fn access_level(self) -> Option<AccessLevel> {
        self.action().access_level()
    }

    fn position(self) -> usize {
        self.0 as usize
    }
}

/// A set of catalog actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionSet {
    words: Box<[u64]>,
}

impl ActionSet {
    pub fn empty() -> ActionSet {
        ActionSet {
            words: vec![0; index().words].into_boxed_slice(),
        }
    }

    /// Every action of the catalog.
    pub fn all() -> ActionSet {
        let index = index();
        let mut set = ActionSet {
            words: vec![u64::MAX; index.words].into_boxed_slice(),
        };
        // Clear the bits past the last action.
        let extra = index.words * 64 - index.actions.len();
        if let Some(last) = set.words.last_mut()
            && extra > 0
        {
            *last >>= extra;
        }
        set
    }

    pub fn contains(&self, id: ActionId) -> bool {
        let i = id.position();
        self.words.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    pub fn insert(&mut self, id: ActionId) {
        let i = id.position();
        if let Some(w) = self.words.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }

    /// Inserts the actions at positions `start..end` of the table, a word at a time.
    fn insert_range(&mut self, start: usize, end: usize) {
        let mut i = start;
        while i < end {
            let bit = i % 64;
            let n = (64 - bit).min(end - i);
            let mask = if n == 64 { u64::MAX } else { ((1u64 << n) - 1) << bit };
            if let Some(w) = self.words.get_mut(i / 64) {
                *w |= mask;
            }
            i += n;
        }
    }

    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }

    pub fn union_with(&mut self, other: &ActionSet) {
        for (a, b) in self.words.iter_mut().zip(other.words.iter()) {
            *a |= b;
        }
    }

    /// Removes the actions of `other`.
    pub fn subtract(&mut self, other: &ActionSet) {
        for (a, b) in self.words.iter_mut().zip(other.words.iter()) {
            *a &= !b;
        }
    }

    pub fn intersect_with(&mut self, other: &ActionSet) {
        for (a, b) in self.words.iter_mut().zip(other.words.iter()) {
            *a &= b;
        }
    }

    /// The first and last words that hold an action, if any.
    pub(super) fn word_span(&self) -> Option<(usize, usize)> {
        let first = self.words.iter().position(|w| *w != 0)?;
        let last = self.words.iter().rposition(|w| *w != 0)?;
        Some((first, last))
    }

    /// Does `self` meet `other`, and is it inside `other`? Only the words of `span` (where
    /// `self` has its actions) are read.
    pub(super) fn meets_and_within(&self, other: &ActionSet, span: (usize, usize)) -> (bool, bool) {
        let (mut meets, mut within) = (false, true);
        let (Some(a), Some(b)) = (self.words.get(span.0..=span.1), other.words.get(span.0..=span.1)) else {
            return (false, false);
        };
        for (x, y) in a.iter().zip(b) {
            meets |= x & y != 0;
            within &= x & !y == 0;
        }
        (meets, within)
    }

    /// The actions in `self` and not in `other` (for a diff: allowed now, not before).
    pub fn difference(&self, other: &ActionSet) -> ActionSet {
        let mut out = self.clone();
        out.subtract(other);
        out
    }

    pub fn complement(&self) -> ActionSet {
        let mut out = ActionSet::all();
        out.subtract(self);
        out
    }

    /// The actions in catalog order.
    pub fn iter(&self) -> impl Iterator<Item = ActionId> + '_ {
        self.words.iter().enumerate().flat_map(|(w, &word)| {
            let mut bits = word;
            std::iter::from_fn(move || {
                if bits == 0 {
                    return None;
                }
                let bit = bits.trailing_zeros();
                bits &= bits - 1;
                u32::try_from(w * 64 + bit as usize).ok().map(ActionId)
            })
        })
    }
}

/// An entry of an `Action` or `NotAction` list.
#[derive(Debug, Clone)]
pub struct ActionPattern {
    /// As written.
    pub text: String,
    pub span: crate::Span,
    /// How many catalog actions it names.
    pub matches: usize,
}

impl ActionPattern {
    /// The pattern as a case-insensitive glob, as IAM matches actions (compiled on demand:
    /// only unknown actions and `NotAction` lists need it).
    pub fn glob(&self) -> Glob {
        Glob::new(&self.text, true)
    }

    /// Names no action of the catalog: a typo, a new or an unknown service. Kept as a pattern.
    pub fn is_unknown(&self) -> bool {
        self.matches == 0
    }
}

/// Expands the entries of one list into a set.
pub(super) struct Expander {
    pub set: ActionSet,
    scratch: Scratch,
}

/// What expanding one entry leaves for the next: the last plain service prefix looked up and
/// its position (lists are usually grouped by service), and a buffer for lowercased names.
#[derive(Default)]
struct Scratch {
    last_service: Option<(&'static str, usize)>,
    lower: String,
}

impl Expander {
    pub fn new() -> Expander {
        Expander {
            set: ActionSet::empty(),
            scratch: Scratch::default(),
        }
    }

    /// The pattern, with the catalog actions it names added to the set.
    pub fn add(&mut self, text: &str, span: crate::Span) -> ActionPattern {
        ActionPattern {
            text: text.to_string(),
            span,
            matches: expand_into(text, &mut self.set, &mut self.scratch),
        }
    }
}

/// The catalog actions an IAM action pattern names, with the catalog's rules: `*` alone names
/// everything, otherwise the service prefix and the action name are matched separately,
/// case-insensitively, and a pattern without `:` (or with a second one) names nothing.
pub fn expand(pattern: &str) -> ActionSet {
    let mut set = ActionSet::empty();
    expand_into(pattern, &mut set, &mut Scratch::default());
    set
}

/// Adds the actions `pattern` names to `set`; returns how many it names.
fn expand_into(pattern: &str, set: &mut ActionSet, scratch: &mut Scratch) -> usize {
    let index = index();
    if !pattern.is_empty() && pattern.bytes().all(|b| b == b'*') {
        set.union_with(&ActionSet::all());
        return index.actions.len();
    }
    let Some((service_pattern, name_pattern)) = pattern.split_once(':') else {
        return 0;
    };
    if name_pattern.contains(':') {
        return 0;
    }
    if crate::glob::has_wildcard(service_pattern) {
        return index
            .services
            .iter()
            .filter(|s| wildcard_match(service_pattern, s.prefix, true))
            .map(|s| index.add_matching(s, name_pattern, set, &mut scratch.lower))
            .sum();
    }
    let position = match scratch.last_service {
        Some((prefix, position)) if prefix.eq_ignore_ascii_case(service_pattern) => Some(position),
        _ => index.service_position(service_pattern),
    };
    let Some(service) = position.and_then(|s| index.services.get(s).map(|entry| (s, entry))) else {
        return 0;
    };
    scratch.last_service = Some((service.1.prefix, service.0));
    index.add_matching(service.1, name_pattern, set, &mut scratch.lower)
}

struct ServiceEntry {
    prefix: &'static str,
    range: std::ops::Range<usize>,
}

/// The catalog's actions in one table, with each name lowercased for prefix searches, and
/// each action's service and access level at hand for counting.
struct Index {
    actions: Vec<Action>,
    lower_names: Vec<String>,
    services: Vec<ServiceEntry>,
    /// Per action: its position in `services`.
    service_of: Vec<u16>,
    levels: Vec<Option<AccessLevel>>,
    words: usize,
}

/// The service (a position among the catalog's services, by prefix) and the access level of
/// an action, without decoding the action.
pub(super) fn facts(id: ActionId) -> (usize, Option<AccessLevel>) {
    let index = index();
    let service = index.service_of.get(id.position()).map_or(0, |s| usize::from(*s));
    (service, index.levels.get(id.position()).copied().flatten())
}

/// How many services the catalog has, and the prefix of one.
pub(super) fn service_count() -> usize {
    index().services.len()
}

pub(super) fn service_prefix(service: usize) -> &'static str {
    index().services.get(service).map_or("", |s| s.prefix)
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut actions = Vec::new();
        let mut services = Vec::new();
        let mut service_of = Vec::new();
        for (position, service) in catalog().services().enumerate() {
            let start = actions.len();
            actions.extend(service.actions());
            service_of.resize(actions.len(), u16::try_from(position).unwrap_or(u16::MAX));
            services.push(ServiceEntry {
                prefix: service.prefix(),
                range: start..actions.len(),
            });
        }
        let lower_names = actions.iter().map(|a| a.name().to_ascii_lowercase()).collect();
        let levels = actions.iter().map(|a| a.access_level()).collect();
        let words = actions.len().div_ceil(64).max(1);
        Index {
            actions,
            lower_names,
            services,
            service_of,
            levels,
            words,
        }
    })
}

/// Compares a lowercased name with a name in any case, as the catalog sorts them.
fn cmp_folded(lower: &str, other: &str) -> std::cmp::Ordering {
    lower.bytes().cmp(other.bytes().map(|b| b.to_ascii_lowercase()))
}

impl Index {
    fn service_position(&self, prefix: &str) -> Option<usize> {
        self.services.binary_search_by(|s| cmp_folded(s.prefix, prefix)).ok()
    }

    /// Adds the service's actions whose name matches `pattern`: a binary search for a plain
    /// name or a `Prefix*`, a scan otherwise. Names are compared lowercased, as bytes.
    fn add_matching(&self, service: &ServiceEntry, pattern: &str, set: &mut ActionSet, lower: &mut String) -> usize {
        let range = service.range.clone();
        let Some(names) = self.lower_names.get(range.clone()) else {
            return 0;
        };
        lower.clear();
        lower.push_str(pattern);
        lower.make_ascii_lowercase();
        let pattern = lower.as_str();
        let bytes = pattern.as_bytes();
        let mut add = |first: usize, count: usize| {
            set.insert_range(range.start + first, range.start + first + count);
            count
        };
        match bytes.iter().position(|b| matches!(b, b'*' | b'?')) {
            None => match names.binary_search_by(|n| n.as_bytes().cmp(bytes)) {
                Ok(i) => add(i, 1),
                Err(_) => 0,
            },
            Some(at) if at + 1 == bytes.len() && bytes.last() == Some(&b'*') => {
                let head = bytes.get(..at).unwrap_or_default();
                let first = names.partition_point(|n| n.as_bytes() < head);
                let count = names
                    .get(first..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|n| n.as_bytes().starts_with(head))
                    .count();
                add(first, count)
            }
            Some(_) => names
                .iter()
                .enumerate()
                .filter(|(_, name)| wildcard_match(pattern, name, false))
                .map(|(i, _)| add(i, 1))
                .sum(),
        }
    }
}
