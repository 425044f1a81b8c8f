//! Strings read from templates: the decoded value, how each of its bytes maps back to the host
//! text, and which parts are only known at deploy time. A string can be decoded in several
//! layers (a YAML scalar, then `Fn::Sub`, then a JSON string inside it); each layer's pieces
//! are composed so that the result always maps straight to the host text.

use crate::json::{HostString, JsonString, Piece};
use crate::span::Span;
use std::ops::Range;

/// What stands in the decoded text for a value only known at deploy time. It is no ARN, no
/// action and no policy variable, so no check mistakes it for one; findings on it are dropped.
pub const UNKNOWN: &str = "deploy-time-value";

/// Builds a decoded string piece by piece.
#[derive(Debug, Default)]
pub struct StrBuilder {
    value: String,
    pieces: Vec<Piece>,
    unknown: Vec<Range<usize>>,
}

impl StrBuilder {
    pub fn new() -> StrBuilder {
        StrBuilder::default()
    }

    /// Text copied unchanged from the source at `source_start`.
    pub fn verbatim(&mut self, text: &str, source_start: usize) {
        if text.is_empty() {
            return;
        }
        let decoded = self.value.len();
        self.value.push_str(text);
        if let Some(last) = self.pieces.last_mut()
            && last.verbatim
            && last.decoded + last.decoded_len == decoded
            && last.source.end == source_start
        {
            last.decoded_len += text.len();
            last.source.end += text.len();
            return;
        }
        self.pieces.push(Piece {
            decoded,
            decoded_len: text.len(),
            source: Span::new(source_start, source_start + text.len()),
            verbatim: true,
        });
    }

    /// Text that stands for `source` as a whole (an escape, a folded line break).
    pub fn mapped(&mut self, text: &str, source: Span) {
        let decoded = self.value.len();
        self.value.push_str(text);
        self.pieces.push(Piece {
            decoded,
            decoded_len: text.len(),
            source,
            verbatim: false,
        });
    }

    /// A value only known at deploy time, written in the source at `source`.
    pub fn unknown(&mut self, stand_in: &str, source: Span) {
        let start = self.value.len();
        self.mapped(stand_in, source);
        self.unknown.push(start..self.value.len());
    }

    /// Appends another string value, keeping its mapping to the host (`source` is the text
    /// its JSON token is in, when it has no host mapping of its own).
    pub fn append(&mut self, other: &JsonString, source: &str) {
        let base = self.value.len();
        self.value.push_str(&other.value);
        let (pieces, unknown) = pieces_of(other, source);
        self.pieces.extend(pieces.into_iter().map(|p| Piece {
            decoded: p.decoded + base,
            ..p
        }));
        self.unknown
            .extend(unknown.into_iter().map(|u| u.start + base..u.end + base));
    }

    /// Appends `range` of another string value, keeping its mapping to the host.
    pub fn append_range(&mut self, other: &JsonString, source: &str, range: Range<usize>) {
        let (pieces, unknown) = pieces_of(other, source);
        for p in &pieces {
            let start = range.start.max(p.decoded);
            let end = range.end.min(p.decoded + p.decoded_len);
            if end <= start && !(p.decoded_len == 0 && range.contains(&p.decoded)) {
                continue;
            }
            let part = other.value.get(start..end).unwrap_or("");
            if p.verbatim {
                self.verbatim(part, p.source.start + (start - p.decoded));
            } else if unknown
                .iter()
                .any(|u| u.start <= start && end <= u.end && u.start < u.end)
            {
                self.unknown(part, p.source);
            } else {
                self.mapped(part, p.source);
            }
        }
    }

    pub fn value(&self) -> &str {
        &self.value
    }

    pub fn finish(self, span: Span, content: Span, terminated: bool) -> JsonString {
        let has_escapes = self.pieces.iter().any(|p| !p.verbatim);
        JsonString {
            value: self.value,
            span,
            terminated,
            has_escapes,
            host: Some(Box::new(HostString {
                content,
                pieces: self.pieces,
                unknown: self.unknown,
            })),
        }
    }
}

/// The host pieces of a string value: its own when it has them, else those of its JSON token
/// (exact through escapes).
pub fn pieces_of(s: &JsonString, source: &str) -> (Vec<Piece>, Vec<Range<usize>>) {
    match &s.host {
        Some(h) => (h.pieces.clone(), h.unknown.clone()),
        None => {
            let content = s.content_span();
            let raw = source.get(content.range()).unwrap_or("");
            (json_pieces(raw, content.start), Vec::new())
        }
    }
}

/// A string value as a [`HostString`] (pieces into `source`), whatever it was read from.
pub fn host_of(s: &JsonString, source: &str) -> HostString {
    match &s.host {
        Some(h) => (**h).clone(),
        None => {
            let (pieces, unknown) = pieces_of(s, source);
            HostString {
                content: s.content_span(),
                pieces,
                unknown,
            }
        }
    }
}

/// Pieces of the content of a JSON string token `raw` (between its quotes) that starts at
/// `start`: runs without escapes are verbatim, each escape maps as a whole.
pub fn json_pieces(raw: &str, start: usize) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut decoded = 0usize;
    let mut run_start = 0usize;
    let bytes = raw.as_bytes();
    let mut i = 0usize;
    let flush = |pieces: &mut Vec<Piece>, from: usize, to: usize, decoded: &mut usize| {
        if to > from {
            pieces.push(Piece {
                decoded: *decoded,
                decoded_len: to - from,
                source: Span::new(start + from, start + to),
                verbatim: true,
            });
            *decoded += to - from;
        }
    };
    while i < bytes.len() {
        if bytes.get(i) != Some(&b'\\') {
            i += 1;
            continue;
        }
        flush(&mut pieces, run_start, i, &mut decoded);
        let (len, out) = match bytes.get(i + 1) {
            Some(b'u') => {
                let unit = |at: usize| raw.get(at..at + 4).and_then(|h| u32::from_str_radix(h, 16).ok());
                match unit(i + 2) {
                    Some(hi @ 0xD800..=0xDBFF)
                        if raw.get(i + 6..i + 8) == Some("\\u")
                            && unit(i + 8).is_some_and(|lo| (0xDC00..=0xDFFF).contains(&lo)) =>
                    {
                        let _ = hi;
                        (12, 4)
                    }
                    Some(cp) => (6, char::from_u32(cp).map_or(3, char::len_utf8)),
                    None => (2, 0),
                }
            }
            Some(_) => (2, 1),
            None => (1, 0),
        };
        let len = len.min(bytes.len() - i);
        pieces.push(Piece {
            decoded,
            decoded_len: out,
            source: Span::new(start + i, start + i + len),
            verbatim: false,
        });
        decoded += out;
        i += len;
        run_start = i;
    }
    flush(&mut pieces, run_start, bytes.len(), &mut decoded);
    pieces
}

/// Maps pieces whose sources are offsets into a middle text (`inner`) through the pieces of
/// that middle text (`outer`), so the result maps to the host.
pub fn compose(inner: &[Piece], outer: &HostString) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::with_capacity(inner.len());
    for piece in inner {
        if !piece.verbatim {
            out.push(Piece {
                source: outer.source_span(piece.source.range()),
                ..*piece
            });
            continue;
        }
        // A verbatim run of the middle text: split it where the outer pieces split.
        let (from, to) = (piece.source.start, piece.source.end);
        let first = outer.pieces.partition_point(|p| p.decoded + p.decoded_len <= from);
        let mut decoded = piece.decoded;
        for o in outer.pieces.iter().skip(first) {
            if o.decoded >= to {
                break;
            }
            let start = from.max(o.decoded);
            let end = to.min(o.decoded + o.decoded_len);
            if end <= start {
                continue;
            }
            let len = end - start;
            let source = if o.verbatim {
                let s = o.source.start + (start - o.decoded);
                Span::new(s, s + len)
            } else {
                o.source
            };
            out.push(Piece {
                decoded,
                decoded_len: len,
                source,
                verbatim: o.verbatim,
            });
            decoded += len;
        }
    }
    out
}

/// The decoded ranges of a string (whose pieces are `inner`, sourced in a middle text) that
/// come from the middle text's `unknown` ranges.
pub fn unknown_through(inner: &[Piece], middle_unknown: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for u in middle_unknown {
        for p in inner {
            let (s, e) = (p.source.start, p.source.end);
            if e <= u.start || s >= u.end {
                continue;
            }
            let range = if p.verbatim {
                let from = u.start.max(s) - s + p.decoded;
                let to = u.end.min(e) - s + p.decoded;
                from..to
            } else {
                p.decoded..p.decoded + p.decoded_len
            };
            match out.last_mut() {
                Some(last) if last.end >= range.start => last.end = last.end.max(range.end),
                _ => out.push(range),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbatim_runs_merge_and_map_back() {
        let mut b = StrBuilder::new();
        b.verbatim("arn:", 10);
        b.verbatim("aws", 14);
        b.unknown(UNKNOWN, Span::new(17, 25));
        b.verbatim("/*", 25);
        let s = b.finish(Span::new(9, 28), Span::new(10, 27), true);
        assert_eq!(s.value, format!("arn:aws{UNKNOWN}/*"));
        let host = s.host.as_deref().map(|h| h.pieces.len());
        assert_eq!(host, Some(3));
        assert_eq!(s.source_span("", 0..3), Span::new(10, 13));
        // Any part of the stand-in maps to the whole interpolation.
        assert_eq!(s.source_span("", 8..9), Span::new(17, 25));
        assert_eq!(s.source_span("", s.value.len() - 2..s.value.len()), Span::new(25, 27));
        assert!(s.has_unknown());
    }

    #[test]
    fn composition_maps_through_both_layers() {
        // The middle text "ab\ncd" comes from host "ab" at 100 and "cd" at 110, the line break
        // standing for the folded source 102..110.
        let mut outer = StrBuilder::new();
        outer.verbatim("ab", 100);
        outer.mapped("\n", Span::new(102, 110));
        outer.verbatim("cd", 110);
        let outer = outer.finish(Span::new(99, 113), Span::new(100, 112), true);
        let Some(outer) = outer.host else { unreachable!() };
        let inner = [Piece {
            decoded: 0,
            decoded_len: 5,
            source: Span::new(0, 5),
            verbatim: true,
        }];
        let composed = compose(&inner, &outer);
        let spans: Vec<(usize, Span, bool)> = composed.iter().map(|p| (p.decoded, p.source, p.verbatim)).collect();
        assert_eq!(
            spans,
            [
                (0, Span::new(100, 102), true),
                (2, Span::new(102, 110), false),
                (3, Span::new(110, 112), true)
            ]
        );
        let middle_unknown = vec![Range { start: 3, end: 5 }];
        assert_eq!(unknown_through(&inner, &middle_unknown), middle_unknown);
    }
}
