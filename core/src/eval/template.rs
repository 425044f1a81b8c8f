//! Policy-variable substitution in Resource entries and String/ARN condition values.
//!
//! Under `Version: 2012-10-17` a string is split once, at compile time, into wildcard text,
//! literal characters (`${*}`, `${?}`, `${$}`) and variables (`${aws:username, 'default'}`).
//! Substituted values are literal: a user named `bob*` is not a wildcard.

use super::request::Context;
use crate::glob::GlobBuilder;
use crate::variables::{Piece, scan};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplatePiece {
    /// Text whose `*`/`?` keep their wildcard meaning (for Like/ARN operators and Resource).
    Text(String),
    /// A literal character from `${*}`, `${?}` or `${$}`.
    Literal(char),
    Variable {
        key: String,
        key_lower: String,
        default: Option<String>,
    },
}

/// A string that contains at least one variable or literal escape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub pieces: Vec<TemplatePiece>,
}

impl Template {
    /// `None` when `s` has nothing to substitute. Malformed `${` sequences stay text.
    pub fn parse(s: &str) -> Option<Template> {
        if !crate::variables::has_variables(s) {
            return None;
        }
        let mut pieces = Vec::new();
        let mut substitutes = false;
        for piece in scan(s) {
            match piece {
                Piece::Text(t) => pieces.push(TemplatePiece::Text(t.to_string())),
                Piece::Literal { char, .. } => {
                    substitutes = true;
                    pieces.push(TemplatePiece::Literal(char));
                }
                Piece::Variable { key, default, .. } => {
                    substitutes = true;
                    pieces.push(TemplatePiece::Variable {
                        key: key.to_string(),
                        key_lower: key.to_ascii_lowercase(),
                        default: default.map(str::to_string),
                    });
                }
                Piece::Malformed { range, .. } => {
                    pieces.push(TemplatePiece::Text(s.get(range).unwrap_or("").to_string()));
                }
            }
        }
        substitutes.then_some(Template { pieces })
    }

    /// The variables' keys, for reporting missing context keys.
    pub fn variables(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().filter_map(|p| match p {
            TemplatePiece::Variable { key, .. } => Some(key.as_str()),
            _ => None,
        })
    }

    /// Substitutes into a wildcard pattern. `None` when a variable has no value and no default
    /// (the entry then matches nothing). A multivalued key cannot be substituted.
    pub fn resolve_pattern(&self, context: &Context) -> Option<GlobBuilder> {
        let mut b = GlobBuilder::new();
        for piece in &self.pieces {
            match piece {
                TemplatePiece::Text(t) => {
                    b.pattern(t);
                }
                TemplatePiece::Literal(c) => {
                    b.literal(c.encode_utf8(&mut [0; 4]));
                }
                TemplatePiece::Variable { .. } => {
                    b.literal(&lookup(piece, context)?);
                }
            }
        }
        Some(b)
    }

    /// Substitutes into plain text (for `StringEquals` and the like: no wildcards).
    pub fn resolve_text(&self, context: &Context) -> Option<String> {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                TemplatePiece::Text(t) => out.push_str(t),
                TemplatePiece::Literal(c) => out.push(*c),
                TemplatePiece::Variable { .. } => out.push_str(&lookup(piece, context)?),
            }
        }
        Some(out)
    }
}

fn lookup(piece: &TemplatePiece, context: &Context) -> Option<String> {
    let TemplatePiece::Variable { key_lower, default, .. } = piece else {
        return None;
    };
    match context.get_lower(key_lower) {
        Some(entry) if entry.values.len() == 1 => entry.values.first().cloned(),
        _ => default.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitutes_with_defaults_and_literals() {
        let mut ctx = Context::new();
        ctx.insert("aws:username", "bob*");
        let t = Template::parse("home/${AWS:UserName}/${*}/${aws:PrincipalTag/team, 'none'}/*").unwrap();
        assert_eq!(t.resolve_text(&ctx).as_deref(), Some("home/bob*/*/none/*"));
        let g = t.resolve_pattern(&ctx).unwrap().build(false);
        assert!(g.matches("home/bob*/*/none/x"));
        assert!(!g.matches("home/bobby/*/none/x"));
        assert!(!g.matches("home/bob*/x/none/x"));
        assert!(Template::parse("no vars").is_none());
        let missing = Template::parse("${aws:userid}").unwrap();
        assert_eq!(missing.resolve_text(&ctx), None);
    }
}
