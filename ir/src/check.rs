//! Static checks of autonomous programs (design note 2.6 and 6.2), on the IR: compute budgets,
//! determinism of callbacks, bounded emission, exact watcher criteria, slot budget compliance,
//! and the checks a compiler owes its users (names, arities, event types, keyword arguments,
//! callback shapes, unreachable handlers). Each rule has its own code; see docs/checks.md.

mod flow;
mod rules;

use crate::{FuncId, Program};
use flow::{Flow, Sym};
use ovsm_lexer::Diagnostic;
use std::collections::BTreeMap;

/// What the checks may know beyond the program.
#[derive(Clone, Debug, Default)]
pub struct CheckContext {
    /// Names bound before the program runs (a scenario's accounts).
    pub predefined: Vec<String>,
    /// Data sizes of accounts, by name, when a scenario is known.
    pub account_sizes: BTreeMap<String, usize>,
    /// The per-slot autonomous budget.
    pub slot_budget: u64,
    /// Functions that belong to the prelude: not checked, but followed.
    pub first_user_function: usize,
}

/// Runs every check over the program's user functions.
pub fn check(program: &Program, cx: &CheckContext) -> Vec<Diagnostic> {
    let constants = rules::constant_globals(program);
    let flows: Vec<Flow> = program.functions.iter().map(|f| flow::walk(program, f, &constants)).collect();
    let analysis = rules::Analysis { program, flows: &flows, cx, globals: rules::global_functions(program) };
    let mut out = Vec::new();
    analysis.syscall_arguments(&mut out);
    analysis.determinism(&mut out);
    analysis.emission(&mut out);
    analysis.slot_budget(&mut out);
    analysis.names_and_arities(&mut out);
    analysis.handlers(&mut out);
    out.sort_by_key(|d| (d.primary_span().map(|s| (s.source, s.start)), d.code));
    out.dedup_by(|a, b| a.code == b.code && a.primary_span() == b.primary_span() && a.message == b.message);
    out
}

/// The function a symbol names, if it is a closure.
fn closure(sym: &Sym) -> Option<FuncId> {
    match sym {
        Sym::Closure(f) => Some(*f),
        _ => None,
    }
}
