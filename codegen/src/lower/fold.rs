//! `(reduce + xs init)` summed in one loop of the support library.
//!
//! The prelude's `reduce` is OVSM code: for each item, a step of its `for` loop, a call of the
//! builtin `+` taken as a value and a store of the accumulator, all through its frame in the
//! heap, about 40 instructions an item on top of the addition itself. Where a program calls
//! the global `reduce` with three arguments that lowering kept in registers up to the call (a
//! call in tail position, or whose arguments were stored, is made as always), and takes `+` as
//! a value, the call first tries
//! `ovsm_fold_sum` (support/seq.ll), which sums an array of floats or of ints in the same order
//! of additions. Only where no code but the prelude's top level writes the global, so that it
//! holds the prelude's function whenever user code runs (inline.rs, `prelude_reduce`). It checks
//! at run time that the callee is `+`, and declines anything it does not sum exactly as the loop
//! would (a mixed or other type, an overflow, the recursion limit): the call then goes as it
//! always did, and raises any error where the interpreter does.

use super::{Built, Lowerer};
use inkwell::basic_block::BasicBlock;
use inkwell::IntPredicate;
use ovsm_ir::GlobalId;

impl<'ctx> Lowerer<'ctx, '_> {
    /// Before a call of global `g` with three arguments stored as `[slot, f, xs, init]`: when `g`
    /// is `reduce`, only the prelude writes it and the program takes `+` as a value, tries the
    /// fold and goes to `next` with the sum in the slot; the builder is left where the call is to
    /// be made.
    pub(super) fn fold_sum(&mut self, g: GlobalId, next: BasicBlock<'ctx>) -> Built<()> {
        if self.prelude_reduce != Some(g.0) {
            return Ok(());
        }
        let Some(plus) =
            self.arith_values.iter().copied().find(|id| ovsm_stdlib::get(ovsm_stdlib::BuiltinId(*id)).is_some_and(|b| b.name == "+"))
        else {
            return Ok(());
        };
        let descriptor = self.builtin_descriptor(plus, "+");
        let summed = self.call_value("ovsm_fold_sum", &[descriptor.into()])?;
        let done = self.builder.build_int_compare(IntPredicate::NE, summed, self.int(0), "summed").map_err(err)?;
        let general = self.context.append_basic_block(self.entry, "reduce.general");
        self.builder.build_conditional_branch(done, next, general).map_err(err)?;
        self.builder.position_at_end(general);
        Ok(())
    }
}

fn err(e: inkwell::builder::BuilderError) -> String {
    e.to_string()
}
