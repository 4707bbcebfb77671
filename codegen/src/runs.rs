//! Runs of pushes that share one check of the stack's room.
//!
//! Every push checks that the value stack stays 1 KiB clear of the object heap (support/
//! core.ll, `ovsm_push`): three instructions and a branch to an error block, for each `Local`,
//! `Int` or `Dup`. A push that cannot allocate cannot move the heap either, so for a run of such
//! pushes in straight-line code, the check the last one would make covers them all: lower.rs
//! makes it once, at the run's first instruction (`ovsm_reserve`), and the run pushes
//! unchecked. A run never spans a jump target, so no path enters it past its check.

use ovsm_ir::Instr;

/// Whether `instr` only pushes a value it reads (a constant, a local, a capture, a global, the
/// top) and cannot allocate. (`Global` may fail, on an undefined global: the error abandons
/// the run, whose room was only reserved.)
pub fn pushes_only(instr: &Instr) -> bool {
    matches!(
        instr,
        Instr::Nil
            | Instr::True
            | Instr::False
            | Instr::Int(_)
            | Instr::Local(_)
            | Instr::LocalBoxed(_)
            | Instr::Captured(_)
            | Instr::CapturedBoxed(_)
            | Instr::Global(_)
            | Instr::Dup
    )
}

/// Where `instr` may jump, besides the next instruction. Exhaustive, so that a new instruction
/// must say whether it jumps before runs (or lower.rs's left-out definitions) can be trusted
/// with it.
pub fn jump_target(instr: &Instr) -> Option<u32> {
    match instr {
        Instr::Jump(t)
        | Instr::JumpIfFalse(t)
        | Instr::JumpIfNotNil(t)
        | Instr::JumpIfFalseKeep(t)
        | Instr::JumpIfTrueKeep(t)
        | Instr::TryBegin(t)
        | Instr::IterNext(_, _, t)
        | Instr::RangeNext(_, _, t)
        | Instr::JumpIfNotLtImm(_, t) => Some(*t),
        Instr::Nil
        | Instr::True
        | Instr::False
        | Instr::Int(_)
        | Instr::Const(_)
        | Instr::Local(_)
        | Instr::SetLocal(_)
        | Instr::BoxLocal(_)
        | Instr::LocalBoxed(_)
        | Instr::SetLocalBoxed(_)
        | Instr::Captured(_)
        | Instr::CapturedBoxed(_)
        | Instr::SetCapturedBoxed(_)
        | Instr::Global(_)
        | Instr::SetGlobal(_)
        | Instr::DefineGlobal(_)
        | Instr::UpdateLocal(..)
        | Instr::UpdateLocalBoxed(..)
        | Instr::UpdateCapturedBoxed(..)
        | Instr::UpdateGlobal(..)
        | Instr::Pop
        | Instr::Dup
        | Instr::Closure(_)
        | Instr::Call(_)
        | Instr::TailCall(_)
        | Instr::CallGlobal(..)
        | Instr::TailCallGlobal(..)
        | Instr::CallBuiltin(..)
        | Instr::BuiltinRef(_)
        | Instr::Return
        | Instr::MakeArray(_)
        | Instr::MakeMap(_)
        | Instr::TryEnd
        | Instr::IterStart
        | Instr::Add
        | Instr::Sub
        | Instr::Mul
        | Instr::Lt
        | Instr::Le
        | Instr::Gt
        | Instr::Ge
        | Instr::NumEq
        | Instr::AddImm(_)
        | Instr::SubImm(_) => None,
    }
}

/// For each instruction of `code`: the length of the run of pushes it starts (0 when it starts
/// none), and whether it is inside a run (its first instruction included), so pushes unchecked.
pub fn push_runs(code: &[Instr]) -> (Vec<u64>, Vec<bool>) {
    let mut target = vec![false; code.len()];
    for instr in code {
        if let Some(t) = jump_target(instr).and_then(|t| target.get_mut(t as usize)) {
            *t = true;
        }
    }
    let mut starts = vec![0; code.len()];
    let mut inside = vec![false; code.len()];
    let mut start: Option<usize> = None;
    for (pc, (instr, &jumped_to)) in code.iter().zip(&target).enumerate() {
        if jumped_to || !pushes_only(instr) {
            start = None;
        }
        if !pushes_only(instr) {
            continue;
        }
        let first = *start.get_or_insert(pc);
        if let Some(n) = starts.get_mut(first) {
            *n += 1;
        }
        if let Some(flag) = inside.get_mut(pc) {
            *flag = true;
        }
    }
    (starts, inside)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_is_broken_by_other_instructions_and_by_jump_targets() {
        let code = [
            Instr::Local(0), // 0: run of 2
            Instr::Int(1),   // 1
            Instr::Add,      // 2
            Instr::Dup,      // 3: run of 1 (4 is a jump target)
            Instr::Nil,      // 4: run of 2
            Instr::True,     // 5
            Instr::Jump(4),  // 6
            Instr::Return,   // 7
        ];
        let (starts, inside) = push_runs(&code);
        assert_eq!(starts, vec![2, 0, 0, 1, 2, 0, 0, 0]);
        assert_eq!(inside, vec![true, true, false, true, true, true, false, false]);
    }

    #[test]
    fn pushes_that_may_allocate_are_not_in_runs() {
        for instr in [Instr::Const(0), Instr::Closure(ovsm_ir::FuncId(0)), Instr::BoxLocal(0), Instr::MakeArray(0)] {
            assert!(!pushes_only(&instr), "{instr:?}");
        }
    }
}
