//! Where IR instructions jump: the blocks more than one path reaches, where lowering keeps no
//! values deferred (lower/deferred.rs) and which left-out definitions may not span.

use ovsm_ir::Instr;

/// Where `instr` may jump, besides the next instruction. Exhaustive, so that a new instruction
/// must say whether it jumps before deferred values (or lower.rs's left-out definitions) can
/// be trusted with it.
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
        | Instr::JumpIfNotLtImm(_, t)
        | Instr::JumpIfDeep(_, t) => Some(*t),
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

/// `instr` with its jump target moved by `target`.
pub fn retarget(instr: Instr, target: impl Fn(u32) -> Option<u32>) -> Option<Instr> {
    Some(match instr {
        Instr::Jump(t) => Instr::Jump(target(t)?),
        Instr::JumpIfFalse(t) => Instr::JumpIfFalse(target(t)?),
        Instr::JumpIfNotNil(t) => Instr::JumpIfNotNil(target(t)?),
        Instr::JumpIfFalseKeep(t) => Instr::JumpIfFalseKeep(target(t)?),
        Instr::JumpIfTrueKeep(t) => Instr::JumpIfTrueKeep(target(t)?),
        Instr::TryBegin(t) => Instr::TryBegin(target(t)?),
        Instr::IterNext(a, b, t) => Instr::IterNext(a, b, target(t)?),
        Instr::RangeNext(a, b, t) => Instr::RangeNext(a, b, target(t)?),
        Instr::JumpIfNotLtImm(k, t) => Instr::JumpIfNotLtImm(k, target(t)?),
        Instr::JumpIfDeep(n, t) => Instr::JumpIfDeep(n, target(t)?),
        other => other,
    })
}
