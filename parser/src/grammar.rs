//! The S-expression grammar, in chumsky.

use crate::ast::{Form, FormKind, Program};
use chumsky::error::Cheap;
use chumsky::prelude::*;
use chumsky::Stream;
use ovsm_lexer::{Diagnostic, SourceId, Span, Token};
use std::ops::Range;

type Error = Cheap<Token, Range<usize>>;

fn form_parser(source: SourceId) -> impl Parser<Token, Form, Error = Error> + Clone {
    let make = move |kind: FormKind, span: Range<usize>| Form { kind, span: Span::new(source, span) };
    recursive(move |form| {
        let atom = select! {
            Token::Int(n) => FormKind::Int(n),
            Token::Float(f) => FormKind::Float(f),
            Token::Str(s) => FormKind::Str(s),
            Token::Keyword(k) => FormKind::Keyword(k),
            Token::Symbol(s) => FormKind::Symbol(s),
        }
        .map_with_span(make);
        let list = form
            .clone()
            .repeated()
            .delimited_by(just(Token::LParen), just(Token::RParen))
            .map_with_span(move |items, span| make(FormKind::List(items), span));
        let array = form
            .clone()
            .repeated()
            .delimited_by(just(Token::LBracket), just(Token::RBracket))
            .map_with_span(move |items, span| make(FormKind::Array(items), span));
        let map = form
            .clone()
            .repeated()
            .delimited_by(just(Token::LBrace), just(Token::RBrace))
            .validate(|items: Vec<Form>, span: Range<usize>, emit| {
                if !items.len().is_multiple_of(2) {
                    emit(Cheap::expected_input_found(span, None, None).with_label("map"));
                }
                items
            })
            .map_with_span(move |items, span| make(FormKind::Map(items), span));
        let quote = just(Token::Quote).ignore_then(form).map_with_span(move |quoted, span| make(FormKind::Quote(Box::new(quoted)), span));
        atom.or(list).or(array).or(map).or(quote)
    })
}

/// Parses a token stream whose delimiters are already known to balance.
pub fn parse_tokens(tokens: Vec<(Token, Span)>, source: SourceId, end: u32) -> (Option<Program>, Vec<Diagnostic>) {
    let eoi = end as usize..end as usize;
    let stream = Stream::from_iter(eoi, tokens.into_iter().map(|(t, s)| (t, s.range())));
    let form = form_parser(source).recover_with(skip_then_retry_until([]));
    let parser = form.repeated().then_ignore(chumsky::primitive::end());
    let (forms, errors) = parser.parse_recovery(stream);
    let diagnostics = errors.into_iter().map(|e| to_diagnostic(&e, source)).collect();
    (forms.map(|forms| Program { forms }), diagnostics)
}

fn to_diagnostic(error: &Error, source: SourceId) -> Diagnostic {
    let span = Span::new(source, error.span());
    if error.label() == Some("map") {
        return Diagnostic::error("E0013", "a map literal needs an even number of forms: key, value, key, value...")
            .with_label(span, "this map has a key without a value");
    }
    Diagnostic::error("E0014", "expected a form").with_label(span, "a quote `'` must be followed by the form it quotes")
}
