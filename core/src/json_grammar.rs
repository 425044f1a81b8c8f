//! Syntax errors from the token stream, one per mistake.
//!
//! Tree-sitter's error recovery is good at keeping the pieces of a broken document but poor at
//! saying what is wrong: one missing `,` between statements turned every later comma into an
//! "unexpected `,`", and its ERROR nodes rarely say what was expected. This automaton reads the
//! same leaves the value builder reads and reports what JSON expected at the first token that
//! does not fit (`expected `,``, `expected `:``, a trailing comma, a container closed by the
//! wrong bracket), then carries on as if the missing token had been there. After a lexical
//! error (a bare word, an unterminated string) it stays quiet until the next `,` or closing
//! bracket at that depth, since what follows is usually debris of the same mistake.
//!
//! It depends only on the leaves, not on the shape of tree-sitter's recovery.

use crate::span::Span;

#[derive(Debug, Clone, Copy)]
pub(crate) enum Tok {
    Open(Span, Container),
    Close(Span, Container),
    Colon(Span),
    Comma(Span),
    Str(Span),
    Scalar(Span),
    /// Characters that are no JSON token (already reported as a lexical error).
    Garbage(Span),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Container {
    Object,
    Array,
}

impl Container {
    fn brackets(self) -> (&'static str, &'static str) {
        match self {
            Container::Object => ("{", "}"),
            Container::Array => ("[", "]"),
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Right after the opening bracket: a first member or item, or the closing bracket.
    FirstOrClose,
    /// After a `,`: a member or item (a closing bracket here means a trailing comma).
    Next(Span),
    /// In an object, after a key: its `:`.
    Colon(Span),
    /// In an object, after `:`: the value.
    Value(Span),
    /// After a member or item: `,` or the closing bracket.
    CommaOrClose,
}

#[derive(Debug)]
struct Level {
    container: Container,
    open: Span,
    expect: Expect,
}

#[derive(Debug, Default)]
pub(crate) struct Grammar {
    stack: Vec<Level>,
    /// Quiet after a lexical error, until a `,` or a closing bracket at this depth or above.
    recovering: Option<usize>,
    /// The last token read, where a missing token is reported.
    last: Option<Span>,
    pub errors: Vec<(Span, String)>,
}

/// One character at the end of `span`, where something should have followed it.
fn after(span: Span) -> Span {
    Span::new(span.end.saturating_sub(1).max(span.start), span.end)
}

impl Grammar {
    /// A lexical error at `span`: reported unless a previous mistake is still being skipped,
    /// and the following tokens are skipped until the structure resynchronises.
    pub fn lexical_error(&mut self, span: Span, message: String) {
        if self.recovering.is_none() {
            self.errors.push((span, message));
            self.recovering = Some(self.stack.len());
        }
    }

    fn report(&mut self, span: Span, message: String) {
        if self.recovering.is_none() {
            self.errors.push((span, message));
        }
    }

    /// Where a missing token is reported: after the last token read.
    fn missing_at(&self, fallback: Span) -> Span {
        self.last.map_or(fallback, after)
    }

    pub fn token(&mut self, tok: Tok) {
        match tok {
            Tok::Open(span, container) => {
                self.value(span);
                self.stack.push(Level {
                    container,
                    open: span,
                    expect: Expect::FirstOrClose,
                });
            }
            Tok::Str(span) => self.string(span),
            Tok::Scalar(span) | Tok::Garbage(span) => self.value(span),
            Tok::Colon(span) => self.colon(span),
            Tok::Comma(span) => self.comma(span),
            Tok::Close(span, container) => self.close(span, container),
        }
        self.last = Some(match tok {
            Tok::Open(s, _)
            | Tok::Close(s, _)
            | Tok::Colon(s)
            | Tok::Comma(s)
            | Tok::Str(s)
            | Tok::Scalar(s)
            | Tok::Garbage(s) => s,
        });
    }

    /// A string: a key where an object expects one, else a value.
    fn string(&mut self, span: Span) {
        let at = self.missing_at(span);
        let Some(level) = self.stack.last_mut() else {
            self.value(span);
            return;
        };
        match (level.container, level.expect) {
            (Container::Object, Expect::FirstOrClose | Expect::Next(_)) => level.expect = Expect::Colon(span),
            (Container::Object, Expect::CommaOrClose) => {
                level.expect = Expect::Colon(span);
                self.report(at, "expected `,` between these members".into());
            }
            _ => self.value(span),
        }
    }

    /// A value (or the opening bracket of one) where the innermost level is.
    fn value(&mut self, span: Span) {
        let at = self.missing_at(span);
        let Some(level) = self.stack.last_mut() else {
            // A second top-level value is reported by the builder.
            return;
        };
        match (level.container, level.expect) {
            (Container::Array, Expect::FirstOrClose | Expect::Next(_)) | (Container::Object, Expect::Value(_)) => {
                level.expect = Expect::CommaOrClose;
            }
            (Container::Array, Expect::CommaOrClose) => {
                level.expect = Expect::CommaOrClose;
                self.report(at, "expected `,` between these items".into());
            }
            (Container::Object, Expect::Colon(key)) => {
                level.expect = Expect::CommaOrClose;
                self.report(after(key), "expected `:` after this key".into());
            }
            (Container::Object, Expect::FirstOrClose | Expect::Next(_) | Expect::CommaOrClose) => {
                let in_array = self
                    .stack
                    .len()
                    .checked_sub(2)
                    .and_then(|i| self.stack.get(i))
                    .is_some_and(|l| l.container == Container::Array);
                if in_array {
                    // `{"a": 1 {` in a list of objects: most likely the first object was
                    // never closed. Close it and take the new value as the next item.
                    self.report(at, "expected `}` to close this object (and `,` before the next)".into());
                    self.stack.pop();
                    if let Some(parent) = self.stack.last_mut() {
                        parent.expect = Expect::CommaOrClose;
                    }
                } else {
                    if let Some(level) = self.stack.last_mut() {
                        level.expect = Expect::CommaOrClose;
                    }
                    self.report(span, "expected a key: a string in double quotes".into());
                }
            }
            (Container::Array, Expect::Colon(_) | Expect::Value(_)) => level.expect = Expect::CommaOrClose,
        }
    }

    fn colon(&mut self, span: Span) {
        let Some(level) = self.stack.last_mut() else {
            self.report(span, "unexpected `:`".into());
            return;
        };
        match level.expect {
            Expect::Colon(_) => level.expect = Expect::Value(span),
            _ => self.report(span, "unexpected `:`".into()),
        }
    }

    fn comma(&mut self, span: Span) {
        let depth = self.stack.len();
        let Some(level) = self.stack.last_mut() else {
            self.report(span, "unexpected `,`".into());
            return;
        };
        let previous = std::mem::replace(&mut level.expect, Expect::Next(span));
        if self.recovering.is_some_and(|d| depth <= d) {
            self.recovering = None;
            return;
        }
        match previous {
            Expect::CommaOrClose => {}
            Expect::FirstOrClose | Expect::Next(_) => self.report(span, "expected a value before `,`".into()),
            Expect::Colon(key) => self.report(after(key), "expected `:` and a value after this key".into()),
            Expect::Value(colon) => self.report(colon, "expected a value after `:`".into()),
        }
    }

    fn close(&mut self, span: Span, container: Container) {
        let Some(depth) = self.stack.iter().rposition(|l| l.container == container) else {
            let (_, close) = container.brackets();
            self.report(span, format!("unexpected `{close}`: nothing to close"));
            return;
        };
        // Containers opened after the one this bracket closes were never closed.
        if let Some(inner) = self.stack.get(depth + 1) {
            let (open, close) = inner.container.brackets();
            let at = self.missing_at(span);
            self.report(at, format!("expected `{close}`: this `{open}` is not closed"));
        } else if let Some(level) = self.stack.last() {
            match level.expect {
                Expect::Next(comma) => self.report(comma, "trailing comma is not allowed in JSON; remove it".into()),
                Expect::Colon(key) => self.report(after(key), "expected `:` and a value after this key".into()),
                Expect::Value(colon) => self.report(colon, "expected a value after `:`".into()),
                Expect::FirstOrClose | Expect::CommaOrClose => {}
            }
        }
        self.stack.truncate(depth);
        if self.recovering.is_some_and(|d| depth < d) {
            self.recovering = None;
        }
    }

    /// Whether a closing bracket of this kind closes something other than the innermost
    /// container (which one it closes, or whether it is stray, is then a guess).
    pub fn is_mismatched(&self, container: Container) -> bool {
        self.stack.last().is_some_and(|l| l.container != container)
            && self.stack.iter().any(|l| l.container == container)
    }

    /// The open containers, outermost first.
    pub fn open_containers(&self) -> impl Iterator<Item = Container> + '_ {
        self.stack.iter().map(|l| l.container)
    }

    /// A closing bracket judged stray (one too many): reported, and nothing is closed.
    pub fn stray_close(&mut self, span: Span, container: Container) {
        let (_, close) = container.brackets();
        self.report(span, format!("unexpected `{close}`: one too many"));
        self.last = Some(span);
    }

    /// The containers still open at the end of the document, innermost last.
    pub fn unclosed(&self) -> Option<(Span, Container)> {
        self.stack.last().map(|l| (l.open, l.container))
    }
}
