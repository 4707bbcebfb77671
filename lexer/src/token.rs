//! Tokens, recognised by logos; every token carries its span.

use crate::{Diagnostic, SourceId, Span};
use logos::{Lexer, Logos};

/// Why a piece of text is not a token.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum LexError {
    #[default]
    Unexpected,
    UnterminatedString,
    BadEscape(String),
    IntOutOfRange,
    UnterminatedComment,
    BadNumber,
    FloatOutOfRange,
}

#[derive(Logos, Clone, Debug, PartialEq)]
#[logos(error = LexError)]
#[logos(skip r"[ \t\r\n\f]+")]
#[logos(skip r";[^\n]*")]
pub enum Token {
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("'")]
    Quote,
    /// `#| ... |#`, nestable; skipped by [`lex`], kept here so logos can call the scanner.
    #[token("#|", block_comment)]
    BlockComment,
    #[regex(r"-?[0-9][0-9_]*", decimal, priority = 3)]
    #[regex(r"-?0[xX][0-9a-fA-F_]+", hex, priority = 3)]
    Int(i64),
    #[regex(r"-?[0-9][0-9_]*\.[0-9][0-9_]*([eE][+-]?[0-9]+)?", float, priority = 3)]
    #[regex(r"-?[0-9][0-9_]*[eE][+-]?[0-9]+", float, priority = 3)]
    Float(f64),
    #[token("\"", string)]
    Str(String),
    #[regex(r":[a-zA-Z0-9_+\-*/<>=!?&%.$]+", |lex| lex.slice()[1..].to_string())]
    Keyword(String),
    #[regex(r"[a-zA-Z_+\-*/<>=!?&%.$][a-zA-Z0-9_+\-*/<>=!?&%.$]*", |lex| lex.slice().to_string(), priority = 2)]
    Symbol(String),
}

fn digits(text: &str) -> String {
    text.chars().filter(|c| *c != '_').collect()
}

fn decimal(lex: &mut Lexer<Token>) -> Result<i64, LexError> {
    digits(lex.slice()).parse::<i64>().map_err(|_| LexError::IntOutOfRange)
}

fn hex(lex: &mut Lexer<Token>) -> Result<i64, LexError> {
    let text = lex.slice();
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let body = digits(rest.get(2..).unwrap_or(""));
    if body.is_empty() {
        return Err(LexError::BadNumber);
    }
    let magnitude = i128::from_str_radix(&body, 16).map_err(|_| LexError::IntOutOfRange)?;
    let value = if negative { -magnitude } else { magnitude };
    i64::try_from(value).map_err(|_| LexError::IntOutOfRange)
}

fn float(lex: &mut Lexer<Token>) -> Result<f64, LexError> {
    let value = digits(lex.slice()).parse::<f64>().map_err(|_| LexError::BadNumber)?;
    // `1e999` would read as infinity and could never be printed back as a literal.
    if value.is_finite() {
        Ok(value)
    } else {
        Err(LexError::FloatOutOfRange)
    }
}

/// Scans a string body after the opening quote, applying escapes.
fn string(lex: &mut Lexer<Token>) -> Result<String, LexError> {
    let rest = lex.remainder();
    let mut out = String::new();
    let mut chars = rest.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                lex.bump(i + 1);
                return Ok(out);
            }
            '\\' => {
                let Some((_, e)) = chars.next() else { break };
                match e {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    '0' => out.push('\0'),
                    '\\' => out.push('\\'),
                    '"' => out.push('"'),
                    'u' => match unicode_escape(&mut chars) {
                        Some(c) => out.push(c),
                        None => {
                            skip_to_quote(lex);
                            return Err(LexError::BadEscape("\\u needs the form \\u{1F600} with a valid code point".into()));
                        }
                    },
                    other => {
                        skip_to_quote(lex);
                        return Err(LexError::BadEscape(format!("unknown escape `\\{other}`")));
                    }
                }
            }
            c => out.push(c),
        }
    }
    lex.bump(rest.len());
    Err(LexError::UnterminatedString)
}

fn unicode_escape(chars: &mut std::str::CharIndices) -> Option<char> {
    if chars.next()?.1 != '{' {
        return None;
    }
    let mut code = String::new();
    for (_, c) in chars.by_ref() {
        if c == '}' {
            return u32::from_str_radix(&code, 16).ok().and_then(char::from_u32);
        }
        if code.len() > 6 {
            return None;
        }
        code.push(c);
    }
    None
}

/// After a bad escape, resynchronise at the string's closing quote so the rest still lexes.
fn skip_to_quote(lex: &mut Lexer<Token>) {
    let rest = lex.remainder();
    let mut escaped = false;
    for (i, c) in rest.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => {
                lex.bump(i + 1);
                return;
            }
            _ => escaped = false,
        }
    }
    lex.bump(rest.len());
}

fn block_comment(lex: &mut Lexer<Token>) -> Result<(), LexError> {
    let rest = lex.remainder();
    let bytes = rest.as_bytes();
    let mut depth = 1usize;
    let mut i = 0;
    while i + 1 < bytes.len() {
        match (bytes.get(i), bytes.get(i + 1)) {
            (Some(b'#'), Some(b'|')) => {
                depth += 1;
                i += 2;
            }
            (Some(b'|'), Some(b'#')) => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    lex.bump(i);
                    return Ok(());
                }
            }
            _ => i += 1,
        }
    }
    lex.bump(rest.len());
    Err(LexError::UnterminatedComment)
}

impl Token {
    /// How the token reads in messages.
    pub fn describe(&self) -> String {
        match self {
            Token::LParen => "`(`".into(),
            Token::RParen => "`)`".into(),
            Token::LBracket => "`[`".into(),
            Token::RBracket => "`]`".into(),
            Token::LBrace => "`{`".into(),
            Token::RBrace => "`}`".into(),
            Token::Quote => "`'`".into(),
            Token::BlockComment => "a comment".into(),
            Token::Int(n) => format!("integer `{n}`"),
            Token::Float(f) => format!("float `{f}`"),
            Token::Str(_) => "a string".into(),
            Token::Keyword(k) => format!("keyword `:{k}`"),
            Token::Symbol(s) => format!("`{s}`"),
        }
    }
}

/// Splits a source into tokens.
/// Lexing never stops at an error: each bad piece becomes a diagnostic and is skipped.
pub fn lex(text: &str, source: SourceId) -> (Vec<(Token, Span)>, Vec<Diagnostic>) {
    let mut tokens = Vec::new();
    let mut diagnostics = Vec::new();
    let mut lexer = Token::lexer(text);
    while let Some(result) = lexer.next() {
        let span = Span::new(source, lexer.span());
        match result {
            Ok(Token::BlockComment) => {}
            Ok(token) => tokens.push((token, span)),
            Err(error) => diagnostics.push(lex_diagnostic(error, span, lexer.slice())),
        }
    }
    (tokens, diagnostics)
}

fn lex_diagnostic(error: LexError, span: Span, slice: &str) -> Diagnostic {
    match error {
        LexError::Unexpected => Diagnostic::error("E0001", format!("unexpected character `{}`", slice.chars().next().unwrap_or('?')))
            .with_label(span, "not part of any token"),
        LexError::UnterminatedString => {
            let opener = Span { end: span.start + 1, ..span };
            Diagnostic::error("E0002", "unterminated string")
                .with_label(opener, "this string is never closed")
                .with_note("add a closing `\"`")
        }
        LexError::BadEscape(why) => Diagnostic::error("E0003", format!("bad escape in string: {why}"))
            .with_label(span, "in this string")
            .with_note("escapes are \\n \\t \\r \\0 \\\\ \\\" and \\u{...}"),
        LexError::IntOutOfRange => {
            Diagnostic::error("E0004", format!("integer literal `{slice}` is out of range for a 64-bit integer (overflow)"))
                .with_label(span, "outside -9223372036854775808..=9223372036854775807")
                .with_note("write it as a float (add `.0`) if you need a larger magnitude")
        }
        LexError::UnterminatedComment => {
            let opener = Span { end: span.start + 2, ..span };
            Diagnostic::error("E0005", "unterminated block comment").with_label(opener, "this `#|` is never closed by `|#`")
        }
        LexError::FloatOutOfRange => Diagnostic::error("E0007", format!("float literal `{slice}` is out of range (overflow)"))
            .with_label(span, "larger than the largest f64"),
        LexError::BadNumber => Diagnostic::error("E0006", format!("malformed number `{slice}`")).with_label(span, "not a number"),
    }
}
