//! Completion inside a partly typed ARN (`"arn:aws:s3:::my-bucket/`): for each candidate resource
//! type whose template fits what is typed, the typed text kept verbatim and the rest of the
//! template as snippet tab stops; in the region and account fields, their likely values.
//!
//! The typed text is split into fields at its first five colons (the resource part may hold
//! more), so each typed field is held against the template's field of the same place; only the
//! field the cursor is in is matched as a prefix.

use super::{Candidate, Ctx, ItemKind, List, escape_snippet, markdown, match_rank, quoted, snippet_to_plain};
use crate::catalog::arn::Class;
use crate::catalog::{REGIONS, ResourceType, catalog, is_known_partition, region_partition};
use crate::json::{JsonString, Node, Value};

/// `arn`, partition, service, region, account: the fields before the resource part.
const HEAD_FIELDS: usize = 5;
const PARTITION: usize = 1;
const REGION: usize = 3;
const ACCOUNT: usize = 4;

/// Groups: values of the field first, then continuations (simpler templates first), then
/// partitions.
const CONTINUATION_GROUP: u32 = 10_000;
const PARTITION_GROUP: u32 = 1_000_000;

/// A piece of a template field.
#[derive(Debug, Clone, Copy)]
enum Tok<'t> {
    Lit(char),
    /// A literal `*` in the template (`arn:${Partition}:health:*::event/...`): zero or more.
    Star,
    /// `${Name}`: one or more characters.
    Ph {
        name: &'t str,
        class: Class,
    },
}

/// A piece of the typed text: a wildcard or a policy variable may stand for anything a
/// placeholder stands for, never for a literal of the template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Char(char),
    Wild,
}

/// Tokens of one template field. Placeholders cannot hold a colon before the resource part, and
/// a bucket name never holds a `/` (as in `catalog::arn`).
fn tokens(field: &str, resource: bool) -> Vec<Tok<'_>> {
    let mut out = Vec::new();
    let mut rest = field;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("${")
            && let Some(end) = after.find('}')
        {
            let name = after.get(..end).unwrap_or("");
            let class = if !resource {
                Class::NoColon
            } else if name.eq_ignore_ascii_case("BucketName") {
                Class::NoColonNoSlash
            } else {
                Class::Any
            };
            out.push(Tok::Ph { name, class });
            rest = after.get(end + 1..).unwrap_or("");
            continue;
        }
        out.push(if c == '*' { Tok::Star } else { Tok::Lit(c) });
        rest = rest.get(c.len_utf8()..).unwrap_or("");
    }
    out
}

fn units(typed: &str) -> Vec<Unit> {
    let mut out = Vec::new();
    let mut rest = typed;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("${")
            && let Some(end) = after.find('}')
        {
            out.push(Unit::Wild);
            rest = after.get(end + 1..).unwrap_or("");
            continue;
        }
        out.push(if matches!(c, '*' | '?') {
            Unit::Wild
        } else {
            Unit::Char(c)
        });
        rest = rest.get(c.len_utf8()..).unwrap_or("");
    }
    out
}

/// The typed text split at its first five colons, a colon inside `${...}` excepted (a variable
/// such as `${aws:PrincipalAccount}` may fill a field).
fn split_fields(typed: &str) -> Vec<&str> {
    let mut fields = Vec::new();
    let mut start = 0;
    let mut in_variable = false;
    let mut prev = '\0';
    for (i, c) in typed.char_indices() {
        match c {
            '{' if prev == '$' => in_variable = true,
            '}' => in_variable = false,
            ':' if !in_variable && fields.len() < HEAD_FIELDS => {
                fields.push(typed.get(start..i).unwrap_or(""));
                start = i + 1;
            }
            _ => {}
        }
        prev = c;
    }
    fields.push(typed.get(start..).unwrap_or(""));
    fields
}

/// Where typed text may end in a field's tokens: the next token to match, and whether the token
/// before it (a placeholder or `*`) has taken characters and may take more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct State {
    next: usize,
    open: bool,
}

fn takes(tok: Tok<'_>, u: Unit) -> bool {
    match (tok, u) {
        (Tok::Lit(x), Unit::Char(c)) => x == c,
        (Tok::Lit(_), Unit::Wild) => false,
        (Tok::Star, _) | (Tok::Ph { .. }, Unit::Wild) => true,
        (Tok::Ph { class, .. }, Unit::Char(c)) => class.allows(c),
    }
}

/// A template `*` may match nothing: step over it.
fn closure(toks: &[Tok<'_>], mut states: Vec<State>) -> Vec<State> {
    let mut i = 0;
    while let Some(s) = states.get(i).copied() {
        if matches!(toks.get(s.next), Some(Tok::Star)) {
            let skip = State {
                next: s.next + 1,
                open: false,
            };
            if !states.contains(&skip) {
                states.push(skip);
            }
        }
        i += 1;
    }
    states.sort_unstable();
    states.dedup();
    states
}

/// Every state the typed units can reach; empty when they cannot start anything the tokens
/// match. Cheap: a field has a few dozen tokens and at most two states per token.
fn run(toks: &[Tok<'_>], typed: &[Unit]) -> Vec<State> {
    let mut states = closure(toks, vec![State { next: 0, open: false }]);
    for &u in typed {
        let mut next = Vec::new();
        for s in &states {
            let previous = s.next.checked_sub(1).and_then(|i| toks.get(i)).copied();
            if s.open && previous.is_some_and(|t| takes(t, u)) {
                next.push(*s);
            }
            match toks.get(s.next).copied() {
                Some(t @ (Tok::Ph { .. } | Tok::Star)) if takes(t, u) => next.push(State {
                    next: s.next + 1,
                    open: true,
                }),
                Some(t @ Tok::Lit(_)) if takes(t, u) => next.push(State {
                    next: s.next + 1,
                    open: false,
                }),
                _ => {}
            }
        }
        states = closure(toks, next);
        if states.is_empty() {
            break;
        }
    }
    states
}

/// Does a whole typed field fit the template's field? A field with a wildcard or variable is
/// given the benefit of the doubt (`*` may stand for an empty region too).
fn field_fits(typed: &str, template: &str) -> bool {
    let u = units(typed);
    if u.contains(&Unit::Wild) {
        return true;
    }
    let toks = tokens(template, false);
    run(&toks, &u).iter().any(|s| s.next == toks.len())
}

/// A half-typed value of the partition, region or account field, which the value lists finish:
/// continuing after `arn:aw` or `arn:aws:ec2:us-ea` would write a wrong ARN.
fn looks_finished(field: usize, value: &str) -> bool {
    if units(value).contains(&Unit::Wild) {
        return true;
    }
    match field {
        PARTITION => is_known_partition(value),
        REGION => region_partition(value).is_some(),
        ACCOUNT => is_account_id(value),
        _ => true,
    }
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The rest of a template as a snippet (placeholders as numbered tab stops) and as readable text
/// (placeholders as `${Name}`).
#[derive(Default)]
struct Rest {
    snippet: String,
    readable: String,
    stops: usize,
}

impl Rest {
    fn push(&mut self, toks: &[Tok<'_>]) {
        for t in toks {
            match *t {
                Tok::Lit(c) => {
                    self.snippet.push_str(&escape_snippet(c.encode_utf8(&mut [0; 4])));
                    self.readable.push(c);
                }
                Tok::Star => {
                    self.snippet.push('*');
                    self.readable.push('*');
                }
                Tok::Ph { name, .. } => {
                    self.stops += 1;
                    let default = if name == "Partition" { "aws" } else { name };
                    self.snippet
                        .push_str(&format!("${{{}:{}}}", self.stops, escape_snippet(default)));
                    self.readable.push_str(&format!("${{{name}}}"));
                }
            }
        }
    }

    /// The template's fields after `field`, each after its colon.
    fn push_fields(&mut self, template_fields: &[&str], field: usize) {
        for (i, f) in template_fields.iter().enumerate().skip(field + 1) {
            self.push(&[Tok::Lit(':')]);
            self.push(&tokens(f, i == HEAD_FIELDS));
        }
    }
}

/// The inside of the JSON string literal of `s`, escaped for a snippet.
fn snippet_text(s: &str) -> String {
    let q = quoted(s);
    let inner = q.strip_prefix('"').and_then(|x| x.strip_suffix('"')).unwrap_or("");
    escape_snippet(inner)
}

/// The items for a resource value whose typed text starts with `arn:`; `partitions` are offered
/// while the partition field is typed.
pub(super) fn complete(ctx: &Ctx<'_>, types: &[ResourceType], partitions: Vec<Candidate>) -> List {
    let typed = ctx.slot.typed.as_str();
    let fields = split_fields(typed);
    let (partial, done) = match fields.split_last() {
        Some((last, done)) => (*last, done),
        None => ("", &[][..]),
    };
    let field = done.len();
    let mut candidates = Vec::new();
    // Types with a placeholder in the field being typed, for its value lists.
    let mut valued: Vec<Vec<&str>> = Vec::new();
    for (i, rt) in types.iter().enumerate() {
        let template = rt.arn_template();
        let template_fields: Vec<&str> = template.splitn(HEAD_FIELDS + 1, ':').collect();
        let fits =
            done.len() < template_fields.len() && done.iter().zip(&template_fields).all(|(t, f)| field_fits(t, f));
        let Some(current) = template_fields.get(field).filter(|_| fits) else {
            continue;
        };
        let toks = tokens(current, field == HEAD_FIELDS);
        let Some(end) = run(&toks, &units(partial))
            .into_iter()
            .max_by_key(|s| (s.next, !s.open))
        else {
            continue;
        };
        if field < HEAD_FIELDS && current.contains("${") {
            valued.push(template_fields.clone());
        }
        if field < HEAD_FIELDS && end.open && !looks_finished(field, partial) {
            continue;
        }
        let mut rest = Rest::default();
        rest.push(toks.get(end.next..).unwrap_or(&[]));
        rest.push_fields(&template_fields, field);
        // Nothing left to write: the typed text is already a whole ARN of this type.
        if rest.snippet.is_empty() {
            continue;
        }
        candidates.push(continuation(*rt, typed, &rest, i));
    }
    let prefix = typed.get(..typed.len().saturating_sub(partial.len())).unwrap_or("");
    // With one type, a value also writes the rest of its ARN.
    let mut after_value = Rest::default();
    match valued.as_slice() {
        [only] => after_value.push_fields(only, field),
        _ => after_value.push(&[Tok::Lit(':')]),
    }
    let values = match field {
        _ if valued.is_empty() => Vec::new(),
        REGION => regions(done.get(PARTITION).copied(), partial),
        ACCOUNT => accounts(ctx, partial),
        _ => Vec::new(),
    };
    candidates.extend(
        values
            .into_iter()
            .enumerate()
            .map(|(i, (value, detail, documentation))| {
                let snippet = format!("{}{}", snippet_text(&format!("{prefix}{value}")), after_value.snippet);
                let end = if valued.len() == 1 { "" } else { "$0" };
                Candidate {
                    label: value,
                    kind: ItemKind::Value,
                    detail,
                    documentation,
                    matches: snippet_to_plain(&snippet),
                    insert_text: format!("\"{snippet}{end}\""),
                    is_snippet: true,
                    group: u32::try_from(i).unwrap_or(0).min(CONTINUATION_GROUP - 1),
                }
            }),
    );
    if field == PARTITION {
        candidates.extend(
            partitions
                .into_iter()
                .filter(|c| match_rank(typed, &c.matches) == Some(0))
                .map(|c| Candidate {
                    group: PARTITION_GROUP + c.group,
                    ..c
                }),
        );
    }
    List {
        candidates,
        // Every item carries the typed text: the editor must ask again as it changes.
        incomplete: true,
        prefiltered: true,
        ..List::default()
    }
}

fn continuation(rt: ResourceType, typed: &str, rest: &Rest, index: usize) -> Candidate {
    let snippet = format!("{}{}", snippet_text(typed), rest.snippet);
    let service = catalog().service(rt.prefix()).map_or(rt.prefix(), |s| s.name());
    let placeholders = u32::try_from(rt.arn_template().matches("${").count()).unwrap_or(0);
    Candidate {
        label: rt.name().to_owned(),
        kind: ItemKind::Snippet,
        detail: format!("{typed}{}", rest.readable),
        documentation: markdown(&[
            &format!("ARN of a **{}** resource of {service}.", rt.name()),
            &format!("`{}`", rt.arn_template()),
        ]),
        matches: snippet_to_plain(&snippet),
        insert_text: format!("\"{snippet}\""),
        is_snippet: true,
        // Simpler ARNs first, then the order of the statement's actions.
        group: CONTINUATION_GROUP + placeholders.min(40) * 1000 + u32::try_from(index).unwrap_or(0).min(999),
    }
}

/// Label, detail and documentation of a value of the field being typed.
type FieldValue = (String, String, String);

/// Regions of the typed partition (all when it is unknown), those starting with the typed text
/// before those containing it.
fn regions(partition: Option<&str>, partial: &str) -> Vec<FieldValue> {
    let partition = partition.filter(|p| is_known_partition(p));
    let mut out: Vec<(u8, FieldValue)> = REGIONS
        .iter()
        .filter(|(_, p)| partition.is_none_or(|want| want == *p))
        .filter_map(|(r, p)| {
            let rank = match_rank(partial, r)?;
            let doc = format!("The `{r}` region of the `{p}` partition.");
            Some((rank, ((*r).to_owned(), format!("region ({p})"), doc)))
        })
        .collect();
    out.sort_by_key(|(rank, _)| *rank);
    out.into_iter().map(|(_, v)| v).collect()
}

/// The 12-digit account IDs in the document's other strings, most used first.
fn accounts(ctx: &Ctx<'_>, partial: &str) -> Vec<FieldValue> {
    let Some(root) = ctx.located.nodes.first() else {
        return Vec::new();
    };
    account_ids(root, ctx.slot.span.start)
        .into_iter()
        .filter(|(id, _)| id.starts_with(partial))
        .map(|(id, n)| {
            let uses = if n == 1 {
                "once".to_owned()
            } else {
                format!("{n} times")
            };
            let doc = format!("An account ID this document already names ({uses}).");
            (id, "account in this document".to_owned(), doc)
        })
        .collect()
}

/// (ID, uses) of every run of exactly 12 digits in the strings under `root` (keys too), except
/// the string that starts at `skip` (the one being typed), most used first, then in document
/// order.
fn account_ids(root: &Node, skip: usize) -> Vec<(String, usize)> {
    let mut found: Vec<(String, usize)> = Vec::new();
    let mut scan = |s: &JsonString| {
        if s.span.start == skip {
            return;
        }
        let bytes = s.value.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let run = bytes
                .get(i..)
                .unwrap_or(&[])
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            if run == 12
                && let Some(id) = s.value.get(i..i + run)
            {
                match found.iter_mut().find(|(f, _)| f == id) {
                    Some((_, n)) => *n += 1,
                    None => found.push((id.to_owned(), 1)),
                }
            }
            i += run.max(1);
        }
    };
    enum Next<'a> {
        Node(&'a Node),
        Key(&'a JsonString),
    }
    // A stack, not recursion: documents may nest deeply. Children go on in reverse so that
    // they come off in document order.
    let mut stack = vec![Next::Node(root)];
    while let Some(next) = stack.pop() {
        let node = match next {
            Next::Key(k) => {
                scan(k);
                continue;
            }
            Next::Node(n) => n,
        };
        match &node.value {
            Value::String(s) => scan(s),
            Value::Object(o) => {
                for m in o.members.iter().rev() {
                    if let Some(v) = &m.value {
                        stack.push(Next::Node(v));
                    }
                    stack.push(Next::Key(&m.key));
                }
            }
            Value::Array(a) => stack.extend(a.items.iter().rev().map(Next::Node)),
            _ => {}
        }
    }
    // Stable: equal counts keep document order.
    found.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    found
}
