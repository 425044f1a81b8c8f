//! The one place that converts between byte offsets (what `core` speaks) and line/character
//! positions in the negotiated encoding (what LSP and `check --format json` speak). Lines end at
//! LF, CR or CRLF, as LSP defines them.

use ropey::Rope;

/// How `character` counts: LSP 3.17 `positionEncoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    Utf8,
    #[default]
    Utf16,
    Utf32,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16 => "utf-16",
            Encoding::Utf32 => "utf-32",
        }
    }

    pub fn parse(s: &str) -> Option<Encoding> {
        match s {
            "utf-8" => Some(Encoding::Utf8),
            "utf-16" => Some(Encoding::Utf16),
            "utf-32" => Some(Encoding::Utf32),
            _ => None,
        }
    }
}

/// A zero-based line and character offset in some [`Encoding`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

/// Converts a byte offset to a position. An offset past the end maps to the end; one inside a
/// multi-byte character maps to that character's start.
pub fn position(rope: &Rope, byte: usize, encoding: Encoding) -> Position {
    let byte = byte.min(rope.len_bytes());
    let char_idx = rope.byte_to_char(byte);
    let line = rope.char_to_line(char_idx);
    let line_char = rope.line_to_char(line);
    let character = match encoding {
        Encoding::Utf8 => rope.char_to_byte(char_idx) - rope.char_to_byte(line_char),
        Encoding::Utf16 => rope.char_to_utf16_cu(char_idx) - rope.char_to_utf16_cu(line_char),
        Encoding::Utf32 => char_idx - line_char,
    };
    Position {
        line: to_u32(line),
        character: to_u32(character),
    }
}

/// Converts a position to a byte offset. A line past the end maps to the end of the text; a
/// character past the line's end maps to the end of the line (before its line break), as LSP
/// asks; a character inside a UTF-16 surrogate pair or a UTF-8 sequence maps to the start of
/// that character.
pub fn offset(rope: &Rope, pos: Position, encoding: Encoding) -> usize {
    let line = pos.line as usize;
    if line >= rope.len_lines() {
        return rope.len_bytes();
    }
    let line_start_char = rope.line_to_char(line);
    let line_slice = rope.line(line);
    let content_chars = line_slice.len_chars() - line_break_chars(&line_slice);
    let wanted = pos.character as usize;
    let chars_in = match encoding {
        Encoding::Utf32 => wanted.min(content_chars),
        Encoding::Utf16 => {
            let start_cu = rope.char_to_utf16_cu(line_start_char);
            let end_cu = rope.char_to_utf16_cu(line_start_char + content_chars);
            let cu = (start_cu + wanted).min(end_cu);
            rope.utf16_cu_to_char(cu) - line_start_char
        }
        Encoding::Utf8 => {
            let start_byte = rope.char_to_byte(line_start_char);
            let end_byte = rope.char_to_byte(line_start_char + content_chars);
            let b = (start_byte + wanted).min(end_byte);
            rope.byte_to_char(b) - line_start_char
        }
    };
    rope.char_to_byte(line_start_char + chars_in)
}

fn line_break_chars(line: &ropey::RopeSlice<'_>) -> usize {
    let n = line.len_chars();
    let last = if n > 0 { line.get_char(n - 1) } else { None };
    let before = if n > 1 { line.get_char(n - 2) } else { None };
    match (before, last) {
        (Some('\r'), Some('\n')) => 2,
        (_, Some('\n' | '\r')) => 1,
        _ => 0,
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn surrogate_pairs_and_crlf() {
        let text = "a😀b\r\nc\rd\né";
        let rope = Rope::from_str(text);
        // "b" is after a 4-byte, 2-unit, 1-char emoji.
        assert_eq!(position(&rope, 5, Encoding::Utf16), pos(0, 3));
        assert_eq!(position(&rope, 5, Encoding::Utf8), pos(0, 5));
        assert_eq!(position(&rope, 5, Encoding::Utf32), pos(0, 2));
        assert_eq!(position(&rope, 8, Encoding::Utf16), pos(1, 0));
        assert_eq!(position(&rope, 10, Encoding::Utf16), pos(2, 0));
        // A character inside the surrogate pair maps to the emoji's start.
        assert_eq!(offset(&rope, pos(0, 2), Encoding::Utf16), 1);
        // Past the line end: the end of the line, before CRLF.
        assert_eq!(offset(&rope, pos(0, 99), Encoding::Utf16), 6);
        assert_eq!(offset(&rope, pos(99, 0), Encoding::Utf16), text.len());
    }

    #[test]
    fn combining_marks_count_as_code_points() {
        let text = "e\u{301}x";
        let rope = Rope::from_str(text);
        assert_eq!(position(&rope, 3, Encoding::Utf16), pos(0, 2));
        assert_eq!(offset(&rope, pos(0, 2), Encoding::Utf32), 3);
    }

    fn text_strategy() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("a"),
                Just("é"),
                Just("😀"),
                Just("中"),
                Just("\r\n"),
                Just("\n"),
                Just("\r"),
                Just("e\u{301}")
            ],
            0..40,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #[test]
        fn round_trips_on_char_boundaries(text in text_strategy(), pick in 0usize..200) {
            let rope = Rope::from_str(&text);
            let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            let byte = boundaries[pick % boundaries.len()];
            // CR of a CRLF pair is a position of its own; the LF after it belongs to the same break.
            let inside_crlf = byte > 0 && text.as_bytes().get(byte - 1) == Some(&b'\r') && text.as_bytes().get(byte) == Some(&b'\n');
            prop_assume!(!inside_crlf);
            for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
                let p = position(&rope, byte, enc);
                prop_assert_eq!(offset(&rope, p, enc), byte, "{:?} {:?}", enc, p);
            }
        }

        #[test]
        fn offset_is_always_a_char_boundary(text in text_strategy(), line in 0u32..10, character in 0u32..20) {
            let rope = Rope::from_str(&text);
            for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
                let b = offset(&rope, pos(line, character), enc);
                prop_assert!(text.is_char_boundary(b));
            }
        }
    }
}
