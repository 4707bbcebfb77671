//! Calls and returns that skip the shared switches when the other end can be guessed.
//!
//! sBPF v0 has no indirect jump, so a call reaches its function through `dispatch`, a switch on
//! the function id, and a return reaches its call's continuation through `resume`, a switch on
//! the return id. LLVM makes each a binary search: about log2(n) compares and branches for n
//! functions or return points, and a program with its libraries has hundreds of return points.
//! But most calls name a global that one `defun` defines, and most functions return to a
//! handful of call sites. So:
//!
//! - a call of a global that the program defines once, as a closure of function N, tests the
//!   callee's id against N and jumps straight to N's entry, and to `dispatch` otherwise (the
//!   global was reassigned, or bound to something else);
//! - each function returns through a hub of its own that tests the return ids of the calls that
//!   are likely to have called it (the calls of the globals guessed to hold it, and the calls of
//!   closure values with its number of parameters), when there are at most
//!   [`MAX_GUESSED_RETURNS`], and goes to `resume` for any other (a tail call's caller, a call
//!   through a value of another arity, a `try` handler).
//!
//! A guess is checked at run time, so a wrong one costs a compare, never a wrong jump.

use super::{Built, Lowerer};
use inkwell::basic_block::BasicBlock;
use inkwell::values::IntValue;
use inkwell::IntPredicate;
use ovsm_ir::{Instr, Program};
use std::collections::{BTreeMap, HashMap};

/// A function's return hub tests at most this many return ids before `resume`: more compares
/// than a binary search over a small program's return points would cost.
const MAX_GUESSED_RETURNS: usize = 4;

#[derive(Default)]
pub(super) struct Direct<'ctx> {
    /// Global → the function of the one closure the program defines it as.
    guesses: HashMap<u32, u32>,
    /// Function → the return ids (and continuations) of the calls of globals guessed to hold it.
    returns_of: HashMap<u32, Vec<(u64, BasicBlock<'ctx>)>>,
    /// Argument count → the return ids (and continuations) of the calls of closure values.
    value_calls: HashMap<u16, Vec<(u64, BasicBlock<'ctx>)>>,
    /// Function → its return hub and the return ids that reach it, from which blocks.
    hubs: BTreeMap<u32, (BasicBlock<'ctx>, Vec<(IntValue<'ctx>, BasicBlock<'ctx>)>)>,
}

impl<'ctx> Direct<'ctx> {
    pub(super) fn new(program: &Program) -> Direct<'ctx> {
        Direct { guesses: guesses(program), ..Direct::default() }
    }
}

/// Globals that the program defines exactly once, as `Closure N` then `DefineGlobal` (perhaps
/// with a `Dup` between): a `defun`.
fn guesses(program: &Program) -> HashMap<u32, u32> {
    let mut found: HashMap<u32, Option<u32>> = HashMap::new();
    for f in &program.functions {
        for (pc, instr) in f.code.iter().enumerate() {
            let Instr::DefineGlobal(g) = instr else { continue };
            let before = pc.checked_sub(1).and_then(|p| f.code.get(p));
            let before2 = pc.checked_sub(2).and_then(|p| f.code.get(p));
            let closure = match (before2, before) {
                (_, Some(Instr::Closure(c))) | (Some(Instr::Closure(c)), Some(Instr::Dup)) => Some(c.0),
                _ => None,
            };
            // A second definition, or one that is not a closure, leaves nothing to guess.
            found.entry(g.0).and_modify(|seen| *seen = None).or_insert(closure);
        }
    }
    found.into_iter().filter_map(|(g, f)| f.map(|f| (g, f))).collect()
}

impl<'ctx> Lowerer<'ctx, '_> {
    /// Records a call's return point: `ret` continues at `next`. `guessed` is the function a
    /// call of a global is guessed to reach; a call of a closure value gives its argument count.
    pub(super) fn note_return(&mut self, ret: u64, next: BasicBlock<'ctx>, guessed: Option<u32>, value_argc: Option<u16>) {
        if let Some(f) = guessed {
            self.direct.returns_of.entry(f).or_default().push((ret, next));
        }
        if let Some(n) = value_argc {
            self.direct.value_calls.entry(n).or_default().push((ret, next));
        }
    }

    /// The function id a call of `global` is guessed to reach, when the program compiles it.
    pub(super) fn guessed_callee(&self, global: u32) -> Option<(u32, BasicBlock<'ctx>)> {
        let f = *self.direct.guesses.get(&global)?;
        let entry = self.function_entries.iter().find(|(id, _)| *id == u64::from(f)).map(|(_, b)| *b)?;
        Some((f, entry))
    }

    /// Ends the current block with a jump to function `fid`: straight to the guessed function's
    /// entry when the id is that one's, otherwise through `dispatch`.
    pub(super) fn enter_function(&mut self, fid: IntValue<'ctx>, guessed: Option<(u32, BasicBlock<'ctx>)>) -> Built<()> {
        let err = |e: inkwell::builder::BuilderError| e.to_string();
        if let Some((f, entry)) = guessed {
            let through = self.context.append_basic_block(self.entry, "call.dispatch");
            let hit = self.builder.build_int_compare(IntPredicate::EQ, fid, self.int(u64::from(f)), "guessed").map_err(err)?;
            self.builder.build_conditional_branch(hit, entry, through).map_err(err)?;
            self.builder.position_at_end(through);
        }
        let here = self.builder.get_insert_block().ok_or("no block")?;
        self.dispatch_in.push((fid, here));
        self.builder.build_unconditional_branch(self.dispatch).map_err(err)?;
        Ok(())
    }

    /// Ends the current block, a return from function `f` with return id `rid`, at `f`'s hub.
    pub(super) fn return_from(&mut self, f: u32, rid: IntValue<'ctx>) -> Built<()> {
        let here = self.builder.get_insert_block().ok_or("no block")?;
        let (context, entrypoint) = (self.context, self.entry);
        let (hub, incoming) =
            self.direct.hubs.entry(f).or_insert_with(|| (context.append_basic_block(entrypoint, &format!("f{f}.return")), Vec::new()));
        incoming.push((rid, here));
        let hub = *hub;
        self.builder.build_unconditional_branch(hub).map_err(|e| e.to_string())?;
        Ok(())
    }

    /// Builds every function's return hub (once all calls are lowered, so all return points
    /// are known); each passes what it does not recognise to `resume`.
    pub(super) fn return_hubs(&mut self) -> Built<()> {
        let err = |e: inkwell::builder::BuilderError| e.to_string();
        let hubs = std::mem::take(&mut self.direct.hubs);
        for (f, (hub, incoming)) in hubs {
            self.builder.position_at_end(hub);
            let phi = self.builder.build_phi(self.i64t, "rid").map_err(err)?;
            for (v, b) in &incoming {
                phi.add_incoming(&[(v, *b)]);
            }
            let rid = phi.as_basic_value().into_int_value();
            let mut likely: Vec<(u64, BasicBlock<'ctx>)> = self.direct.returns_of.get(&f).cloned().unwrap_or_default();
            let params = self.program.function(ovsm_ir::FuncId(f)).map(|func| func.params);
            if let Some(p) = params.filter(|p| p.optional == 0 && !p.rest) {
                likely.extend(self.direct.value_calls.get(&p.required).into_iter().flatten().copied());
            }
            self.resume_in.push((rid, hub));
            if likely.is_empty() || likely.len() > MAX_GUESSED_RETURNS {
                self.builder.build_unconditional_branch(self.resume).map_err(err)?;
            } else {
                let cases: Vec<(IntValue<'ctx>, BasicBlock<'ctx>)> = likely.iter().map(|(id, b)| (self.int(*id), *b)).collect();
                self.builder.build_switch(rid, self.resume, &cases).map_err(err)?;
            }
        }
        Ok(())
    }
}
