//! Delimiter balance and nesting depth, checked on the flat token stream.
//!
//! Doing this before the grammar, without recursion, gives exact "unbalanced" diagnostics and
//! bounds the nesting depth so that no later recursive stage can overflow the stack.

use ovsm_lexer::{Diagnostic, Span, Token};

/// The deepest nesting of `( [ {` and `'` a program may have.
pub const MAX_NESTING: usize = 1000;

fn closer_for(token: &Token) -> Option<Token> {
    match token {
        Token::LParen => Some(Token::RParen),
        Token::LBracket => Some(Token::RBracket),
        Token::LBrace => Some(Token::RBrace),
        _ => None,
    }
}

fn is_closer(token: &Token) -> bool {
    matches!(token, Token::RParen | Token::RBracket | Token::RBrace)
}

/// The deepest nesting of delimiters and quotes in a token stream.
pub fn depth(tokens: &[(Token, Span)]) -> usize {
    let (mut depth, mut max, mut quotes) = (0usize, 0usize, 0usize);
    for (token, _) in tokens {
        quotes = if *token == Token::Quote { quotes + 1 } else { 0 };
        if closer_for(token).is_some() {
            depth += 1;
        } else if is_closer(token) {
            depth = depth.saturating_sub(1);
        }
        max = max.max(depth + quotes);
    }
    max
}

pub fn check(tokens: &[(Token, Span)]) -> Vec<Diagnostic> {
    let mut open: Vec<(Token, Token, Span)> = Vec::new();
    let mut diagnostics = Vec::new();
    let mut quotes = 0usize;
    for (token, span) in tokens {
        quotes = if *token == Token::Quote { quotes + 1 } else { 0 };
        if quotes > MAX_NESTING {
            diagnostics.push(
                Diagnostic::error("E0012", format!("more than {MAX_NESTING} quotes in a row")).with_label(*span, "this quote is too deep"),
            );
            return diagnostics;
        }
        if let Some(closer) = closer_for(token) {
            open.push((token.clone(), closer, *span));
            if open.len() > MAX_NESTING {
                diagnostics.push(
                    Diagnostic::error("E0012", format!("forms are nested more than {MAX_NESTING} levels deep"))
                        .with_label(*span, "this opener is too deep")
                        .with_note("split the expression into named helpers"),
                );
                return diagnostics;
            }
        } else if is_closer(token) {
            match open.iter().rposition(|(_, closer, _)| closer == token) {
                Some(idx) if idx + 1 == open.len() => {
                    open.pop();
                }
                Some(idx) => {
                    // The closer matches an outer opener: everything opened since was left unclosed.
                    for (opener, closer, opener_span) in open.drain(idx + 1..).rev() {
                        diagnostics.push(
                            unclosed(&opener, &closer, opener_span)
                                .with_label(*span, format!("{} closes an outer form first", token.describe())),
                        );
                    }
                    open.pop();
                }
                None => diagnostics.push(stray(token, *span, open.last())),
            }
        }
    }
    for (opener, closer, span) in open.into_iter().rev() {
        diagnostics.push(unclosed(&opener, &closer, span));
    }
    diagnostics
}

fn unclosed(opener: &Token, closer: &Token, span: Span) -> Diagnostic {
    Diagnostic::error("E0010", format!("unbalanced {}: it is never closed", opener.describe()))
        .with_label(span, format!("this {} has no matching {}", opener.describe(), closer.describe()))
}

fn stray(token: &Token, span: Span, innermost: Option<&(Token, Token, Span)>) -> Diagnostic {
    let d = Diagnostic::error("E0011", format!("unbalanced {}: nothing open to close", token.describe()))
        .with_label(span, "this closer has no opener");
    match innermost {
        Some((opener, closer, opener_span)) => {
            d.with_label(*opener_span, format!("the innermost open form is this {}, closed by {}", opener.describe(), closer.describe()))
        }
        None => d.with_note("remove it"),
    }
}
