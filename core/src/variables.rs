//! Policy variables inside strings: `${aws:username}`, `${aws:PrincipalTag/team, 'none'}`, and the
//! literal escapes `${*}`, `${?}`, `${$}`. Used by the checks (malformed variables) and by the
//! evaluator (substitution). Ranges are byte ranges into the decoded string.

use std::ops::Range;

/// A piece of a string that may contain variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'s> {
    Text(&'s str),
    /// A variable naming a context key, with an optional default.
    Variable {
        range: Range<usize>,
        key: &'s str,
        default: Option<&'s str>,
    },
    /// `${*}`, `${?}` or `${$}`: the literal character, never a wildcard.
    Literal {
        range: Range<usize>,
        char: char,
    },
    /// A `${` that does not form a valid variable.
    Malformed {
        range: Range<usize>,
        problem: Problem,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// `${aws:username` with no closing `}`.
    MissingBrace,
    /// `${}` or `${ }`.
    Empty,
    /// A space inside the variable name (`${aws: username}`).
    SpaceInName,
    /// A default that is not single-quoted (`${aws:username, guest}`).
    UnquotedDefault,
}

/// Whether `s` contains `${`.
pub fn has_variables(s: &str) -> bool {
    s.contains("${")
}

/// Splits `s` into text, variables and malformed variables.
pub fn scan(s: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut text_start = 0;
    let mut pos = 0;
    while let Some(found) = s.get(pos..).and_then(|rest| rest.find("${")) {
        let start = pos + found;
        if start > text_start {
            pieces.push(Piece::Text(s.get(text_start..start).unwrap_or("")));
        }
        let body_start = start + 2;
        let Some(close) = s.get(body_start..).and_then(|rest| rest.find('}')) else {
            pieces.push(Piece::Malformed {
                range: start..s.len(),
                problem: Problem::MissingBrace,
            });
            return pieces;
        };
        let end = body_start + close + 1;
        let body = s.get(body_start..body_start + close).unwrap_or("");
        pieces.push(parse_body(body, start..end));
        pos = end;
        text_start = end;
    }
    if text_start < s.len() {
        pieces.push(Piece::Text(s.get(text_start..).unwrap_or("")));
    }
    pieces
}

fn parse_body(body: &str, range: Range<usize>) -> Piece<'_> {
    let malformed = |problem| Piece::Malformed {
        range: range.clone(),
        problem,
    };
    if body.trim().is_empty() {
        return malformed(Problem::Empty);
    }
    if let [c @ (b'*' | b'?' | b'$')] = body.as_bytes() {
        return Piece::Literal {
            range,
            char: char::from(*c),
        };
    }
    let (name, default) = match body.split_once(',') {
        Some((name, default)) => (name, Some(default)),
        None => (body, None),
    };
    if name.contains(char::is_whitespace) {
        return malformed(if name.trim().is_empty() {
            Problem::Empty
        } else {
            Problem::SpaceInName
        });
    }
    let default = match default.map(str::trim) {
        None => None,
        Some(d) if d.len() >= 2 && d.starts_with('\'') && d.ends_with('\'') => d.get(1..d.len() - 1),
        Some(_) => return malformed(Problem::UnquotedDefault),
    };
    Piece::Variable {
        range,
        key: name,
        default,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_variables_and_literals() {
        let pieces = scan("home/${aws:username}/${*}x${aws:PrincipalTag/team, 'none'}");
        assert_eq!(
            pieces,
            vec![
                Piece::Text("home/"),
                Piece::Variable {
                    range: 5..20,
                    key: "aws:username",
                    default: None
                },
                Piece::Text("/"),
                Piece::Literal {
                    range: 21..25,
                    char: '*'
                },
                Piece::Text("x"),
                Piece::Variable {
                    range: 26..58,
                    key: "aws:PrincipalTag/team",
                    default: Some("none")
                },
            ]
        );
    }

    #[test]
    fn reports_malformed_variables() {
        let problem = |s: &str| {
            scan(s).into_iter().find_map(|p| match p {
                Piece::Malformed { problem, .. } => Some(problem),
                _ => None,
            })
        };
        assert_eq!(problem("a/${aws:username"), Some(Problem::MissingBrace));
        assert_eq!(problem("${}"), Some(Problem::Empty));
        assert_eq!(problem("${ }"), Some(Problem::Empty));
        assert_eq!(problem("${aws: username}"), Some(Problem::SpaceInName));
        assert_eq!(problem("${aws:username, guest}"), Some(Problem::UnquotedDefault));
        assert_eq!(problem("${aws:username, 'guest'}"), None);
        assert_eq!(problem("no variables"), None);
    }
}
