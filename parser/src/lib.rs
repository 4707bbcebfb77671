//! Tokens in, syntax tree out.
//!
//! [`parse`] never fails outright: it returns the forms it could build and every syntax error
//! it found, so one run reports several. Delimiter balance is checked first, on the flat token
//! stream, so an unbalanced program is reported at the opener that was never closed (or at the
//! stray closer) instead of wherever a grammar happens to give up.
//! This crate knows nothing of names, special forms or evaluation.

pub mod ast;
mod delimiters;
mod grammar;
mod print;

pub use ast::{Form, FormKind, Program};
pub use delimiters::MAX_NESTING;
pub use print::{print_form, print_program};

use ovsm_lexer::{lex, Diagnostic, SourceId};

/// Nesting up to this depth parses on the caller's stack.
const SHALLOW: usize = 48;

/// The stack for deeper programs: about 10 KiB per level in a debug build, with room to spare.
const DEEP_STACK: usize = 64 << 20;

/// Lexes and parses one source.
pub fn parse(text: &str, source: SourceId) -> (Option<Program>, Vec<Diagnostic>) {
    let (tokens, mut diagnostics) = lex(text, source);
    let balance = delimiters::check(&tokens);
    let balanced = balance.is_empty();
    diagnostics.extend(balance);
    if !balanced {
        // The grammar's view of an unbalanced stream only repeats what the check said, less precisely.
        return (None, diagnostics);
    }
    let end = u32::try_from(text.len()).unwrap_or(u32::MAX);
    // The grammar recurses once per nesting level. Deep but legal programs (up to MAX_NESTING)
    // get a thread with a stack to match, so a caller on a small stack (a test thread, an
    // embedding) never overflows.
    let (program, errors) = if delimiters::depth(&tokens) > SHALLOW {
        std::thread::scope(|scope| {
            let worker =
                std::thread::Builder::new().stack_size(DEEP_STACK).spawn_scoped(scope, || grammar::parse_tokens(tokens, source, end));
            match worker.map(|w| w.join()) {
                Ok(Ok(result)) => result,
                _ => (None, vec![Diagnostic::error("E0015", "the parser could not start a thread for this deeply nested program")]),
            }
        })
    } else {
        grammar::parse_tokens(tokens, source, end)
    };
    diagnostics.extend(errors);
    (program, diagnostics)
}
