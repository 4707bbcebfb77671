//! Errors raised while a program runs, and how they become diagnostics.

use ovsm_lexer::{Diagnostic, Span};

/// An error raised by an instruction or a builtin, before the VM adds where it happened.
#[derive(Clone, Debug, PartialEq)]
pub struct Fault {
    pub code: &'static str,
    pub message: String,
    /// Resource limits (recursion depth, memory, compute budget) cannot be caught by `try`.
    pub fatal: bool,
}

impl Fault {
    pub fn new(code: &'static str, message: impl Into<String>) -> Fault {
        Fault { code, message: message.into(), fatal: false }
    }

    pub fn fatal(code: &'static str, message: impl Into<String>) -> Fault {
        Fault { code, message: message.into(), fatal: true }
    }

    pub fn undefined_variable(name: &str) -> Fault {
        Fault::new("E0201", format!("undefined variable `{name}`"))
    }

    pub fn arity(name: &str, expected: &str, got: usize) -> Fault {
        Fault::new("E0202", format!("wrong number of arguments to `{name}`: expected {expected}, got {got}"))
    }

    pub fn type_error(message: impl Into<String>) -> Fault {
        Fault::new("E0203", format!("type error: {}", message.into()))
    }

    /// `op` expects `what`, got a value of type `got`.
    pub fn expected(op: &str, what: &str, got: &crate::Value) -> Fault {
        Fault::type_error(format!("`{op}` expects {what}, got {}", got.type_name()))
    }

    pub fn overflow(op: &str) -> Fault {
        Fault::new("E0204", format!("integer overflow in `{op}`"))
    }

    pub fn division_by_zero() -> Fault {
        Fault::new("E0205", "division by zero")
    }

    pub fn index(idx: i64, len: usize, what: &str) -> Fault {
        Fault::new("E0206", format!("index {idx} out of range for {what} of length {len}"))
    }

    pub fn user(message: impl Into<String>) -> Fault {
        Fault::new("E0207", message)
    }

    pub fn value_error(message: impl Into<String>) -> Fault {
        Fault::new("E0211", message)
    }
}

/// A fault with the place it happened and the calls that led there.
#[derive(Clone, Debug, PartialEq)]
pub struct RuntimeError {
    pub fault: Fault,
    pub span: Span,
    /// Innermost first: (function name, span of the call or instruction in it).
    pub trace: Vec<(String, Span)>,
}

impl RuntimeError {
    pub fn message(&self) -> &str {
        &self.fault.message
    }

    pub fn to_diagnostic(&self, sources: &ovsm_lexer::Sources) -> Diagnostic {
        // Prelude code is an implementation detail: point at the user's call of it instead.
        let in_prelude = |span: &Span| sources.name(span.source) == "<prelude>";
        let user = self.trace.iter().position(|(_, span)| !in_prelude(span) && !span.is_synthetic());
        let primary = user.and_then(|i| self.trace.get(i)).map_or(self.span, |t| t.1);
        let mut d = Diagnostic::error(self.fault.code, self.fault.message.clone()).with_label(primary, self.fault.message.clone());
        if let Some((name, _)) = user.filter(|i| *i > 0).and_then(|i| self.trace.get(i - 1)) {
            d = d.with_note(format!("raised inside the builtin `{name}`"));
        }
        // The primary label shows the innermost user frame; the rest say how we got there.
        let shown: Vec<String> = self
            .trace
            .iter()
            .skip(user.map_or(1, |i| i + 1))
            .filter(|(_, span)| !span.is_synthetic() && !in_prelude(span))
            .take(8)
            .map(|(name, span)| {
                let (line, col) = sources.line_col(span.source, span.start);
                format!("  called from `{name}` at {}:{line}:{col}", sources.name(span.source))
            })
            .collect();
        if !shown.is_empty() {
            let more = self.trace.len().saturating_sub(shown.len() + 1);
            let tail = if more > 0 { format!("\n... and {more} more frames") } else { String::new() };
            d = d.with_note(format!("call trace, innermost first:\n{}{tail}", shown.join("\n")));
        }
        d
    }
}
