//! The function being lowered: its scopes, slots, captures and code.

use super::scan::Usage;
use crate::{Capture, Function, Instr, Params};
use ovsm_lexer::Span;

pub struct Binding {
    pub name: String,
    pub slot: u16,
    pub boxed: bool,
}

pub struct FnCtx {
    pub name: String,
    pub span: Span,
    pub usage: Usage,
    /// True for a unit's top-level code, where `define` makes globals.
    pub is_toplevel: bool,
    pub scopes: Vec<Vec<Binding>>,
    pub n_slots: u16,
    pub captures: Vec<(String, Capture, bool)>,
    pub code: Vec<Instr>,
    pub spans: Vec<Span>,
    /// Set when the function needs more slots than an instruction can address.
    pub overflowed: bool,
}

impl FnCtx {
    pub fn new(name: &str, span: Span, usage: Usage, is_toplevel: bool) -> FnCtx {
        FnCtx {
            name: name.to_string(),
            span,
            usage,
            is_toplevel,
            scopes: vec![Vec::new()],
            n_slots: 0,
            captures: Vec::new(),
            code: Vec::new(),
            spans: Vec::new(),
            overflowed: false,
        }
    }

    /// Allocates a slot for `name` in the innermost scope.
    pub fn bind(&mut self, name: &str) -> Binding {
        let slot = self.n_slots;
        self.n_slots = self.n_slots.checked_add(1).unwrap_or_else(|| {
            self.overflowed = true;
            self.n_slots
        });
        let boxed = self.usage.needs_box(name);
        if let Some(scope) = self.scopes.last_mut() {
            scope.push(Binding { name: name.to_string(), slot, boxed });
        }
        Binding { name: name.to_string(), slot, boxed }
    }

    /// A slot for the compiler's own temporaries; never visible by name.
    pub fn temp(&mut self) -> u16 {
        self.bind(" temp").slot
    }

    pub fn lookup_local(&self, name: &str) -> Option<(u16, bool)> {
        self.scopes.iter().rev().flat_map(|s| s.iter().rev()).find(|b| b.name == name).map(|b| (b.slot, b.boxed))
    }

    pub fn lookup_capture(&self, name: &str) -> Option<(u16, bool)> {
        self.captures
            .iter()
            .position(|(n, _, _)| n == name)
            .map(|i| (u16::try_from(i).unwrap_or(u16::MAX), self.captures.get(i).is_some_and(|c| c.2)))
    }

    pub fn add_capture(&mut self, name: &str, from: Capture, boxed: bool) -> u16 {
        self.captures.push((name.to_string(), from, boxed));
        u16::try_from(self.captures.len() - 1).unwrap_or_else(|_| {
            self.overflowed = true;
            0
        })
    }

    pub fn finish(self, params: Params, doc: Option<String>) -> Function {
        Function {
            name: self.name,
            params,
            n_slots: self.n_slots,
            captures: self.captures.into_iter().map(|(_, c, _)| c).collect(),
            code: self.code,
            spans: self.spans,
            span: self.span,
            doc,
        }
    }
}
