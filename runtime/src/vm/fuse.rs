//! The interpreter's own instruction stream: the IR with common pairs fused.
//!
//! Most of the interpreter's time goes to fetching and dispatching instructions and to moving
//! operands through the value stack, so a pair of IR instructions that always runs together
//! (`Local n; SubImm k`, `Update…; Pop`) is cheaper as one op that skips the second.
//!
//! A fused op is written *over the first instruction of its pair* and the second stays in place,
//! as it was. So every op sits at the index of the IR instruction it starts with: jump targets,
//! `try` handlers, saved `pc`s and the per-instruction spans mean the same as in the IR, and a
//! jump straight to the second instruction runs it on its own. This is a concern of the
//! interpreter only: the IR, the verifier and the sBPF back end never see these ops.
//!
//! A fused op charges the compute units of both instructions (`steps`), so the interpreter's
//! figures (which traces and expected outputs show) do not depend on what was fused.

use super::op::Op;
use ovsm_ir::Instr;

/// The ops of one function's code, one per instruction, nothing fused.
pub(super) fn unfused(code: &[Instr]) -> Box<[Op]> {
    code.iter().map(|&instr| Op::from(instr)).collect()
}

/// The ops of one function's code, index for index.
pub(super) fn fuse(code: &[Instr]) -> Box<[Op]> {
    let mut ops = unfused(code);
    for (i, (op, instr)) in ops.iter_mut().zip(code).enumerate() {
        let next = code.get(i + 1).copied();
        let fused = match (*instr, next) {
            (Instr::Local(n), Some(Instr::AddImm(k))) => Op::LocalAddImm(n, k),
            (Instr::Local(n), Some(Instr::SubImm(k))) => Op::LocalSubImm(n, k),
            (Instr::Local(n), Some(Instr::JumpIfNotLtImm(k, t))) => Op::LocalJumpIfNotLtImm(n, k, t),
            (Instr::SetLocal(n), Some(Instr::Local(m))) if n == m => Op::SetLocalKeep(n),
            (Instr::UpdateLocal(n, u), Some(Instr::Pop)) => Op::UpdateLocalDiscard(n, u),
            (Instr::UpdateGlobal(g, u), Some(Instr::Pop)) => Op::UpdateGlobalDiscard(g, u),
            // Forward only: a backward jump is a loop's back edge, where the budget is checked.
            (Instr::Jump(t), _) if t as usize > i && code.get(t as usize) == Some(&Instr::Return) => Op::JumpToReturn,
            _ => continue,
        };
        *op = fused;
    }
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fused_ops_sit_over_the_first_instruction_and_keep_the_second() {
        let code = [Instr::Local(0), Instr::SubImm(1), Instr::Jump(4), Instr::Nil, Instr::Return];
        let ops = fuse(&code);
        assert_eq!(ops.as_ref(), [Op::LocalSubImm(0, 1), Op::SubImm(1), Op::JumpToReturn, Op::Nil, Op::Return]);
    }

    #[test]
    fn a_store_is_kept_only_when_the_same_slot_is_read_back() {
        let ops = fuse(&[Instr::SetLocal(1), Instr::Local(2), Instr::SetLocal(2), Instr::Local(2)]);
        assert_eq!(ops.first(), Some(&Op::SetLocal(1)));
        assert_eq!(ops.get(2), Some(&Op::SetLocalKeep(2)));
    }

    #[test]
    fn backward_jumps_are_not_threaded() {
        let ops = fuse(&[Instr::Return, Instr::Jump(0)]);
        assert_eq!(ops.get(1), Some(&Op::Jump(0)));
    }
}
