//! The interpreter's bytecode: the IR's instructions, plus the fused pairs of `fuse.rs`, as one
//! flat enum, so that the dispatch loop decodes every op with one switch on one tag. (An enum
//! wrapping `ovsm_ir::Instr` beside the fused ops cost a second switch and a copy of the
//! instruction out of the op on every step.)
//!
//! Each IR instruction has the variant of the same name, operands and meaning (see
//! `ovsm_ir::Instr`); the conversion below is exhaustive, so an instruction added to the IR does
//! not compile here until the interpreter has it.

use ovsm_ir::{FuncId, GlobalId, Instr, UpdateOp};
use ovsm_stdlib::BuiltinId;

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Op {
    Nil,
    True,
    False,
    Int(i64),
    Const(u32),
    Local(u16),
    SetLocal(u16),
    BoxLocal(u16),
    LocalBoxed(u16),
    SetLocalBoxed(u16),
    Captured(u16),
    CapturedBoxed(u16),
    SetCapturedBoxed(u16),
    Global(GlobalId),
    SetGlobal(GlobalId),
    DefineGlobal(GlobalId),
    UpdateLocal(u16, UpdateOp),
    UpdateLocalBoxed(u16, UpdateOp),
    UpdateCapturedBoxed(u16, UpdateOp),
    UpdateGlobal(GlobalId, UpdateOp),
    Pop,
    Dup,
    Jump(u32),
    JumpIfFalse(u32),
    JumpIfNotNil(u32),
    JumpIfFalseKeep(u32),
    JumpIfTrueKeep(u32),
    Closure(FuncId),
    Call(u8),
    TailCall(u8),
    CallGlobal(GlobalId, u8),
    TailCallGlobal(GlobalId, u8),
    CallBuiltin(BuiltinId, u8),
    BuiltinRef(BuiltinId),
    Return,
    MakeArray(u32),
    MakeMap(u32),
    TryBegin(u32),
    TryEnd,
    IterStart,
    IterNext(u16, u16, u32),
    RangeNext(u16, u16, u32),
    Add,
    Sub,
    Mul,
    Lt,
    Le,
    Gt,
    Ge,
    NumEq,
    AddImm(i64),
    SubImm(i64),
    JumpIfNotLtImm(i64, u32),
    JumpIfDeep(u8, u32),

    // Fused pairs (fuse.rs): each stands for its IR instruction and the one after it.
    /// `Local(n); AddImm(k)`: push slot n plus k.
    LocalAddImm(u16, i64),
    /// `Local(n); SubImm(k)`: push slot n minus k.
    LocalSubImm(u16, i64),
    /// `Local(n); JumpIfNotLtImm(k, t)`: jump to t unless slot n < k.
    LocalJumpIfNotLtImm(u16, i64, u32),
    /// `SetLocal(n); Local(n)`: store the top in slot n and keep it on the stack.
    SetLocalKeep(u16),
    /// `UpdateLocal(n, op); Pop`: update in place, pushing nothing (no clone of the collection).
    UpdateLocalDiscard(u16, UpdateOp),
    /// `UpdateGlobal(g, op); Pop`.
    UpdateGlobalDiscard(GlobalId, UpdateOp),
    /// A forward `Jump` to a `Return`: return at once.
    JumpToReturn,
}

// No larger than an IR instruction: the bytecode takes no more cache than the IR.
const _: () = assert!(std::mem::size_of::<Op>() == std::mem::size_of::<Instr>());

impl From<Instr> for Op {
    fn from(instr: Instr) -> Op {
        match instr {
            Instr::Nil => Op::Nil,
            Instr::True => Op::True,
            Instr::False => Op::False,
            Instr::Int(a) => Op::Int(a),
            Instr::Const(a) => Op::Const(a),
            Instr::Local(a) => Op::Local(a),
            Instr::SetLocal(a) => Op::SetLocal(a),
            Instr::BoxLocal(a) => Op::BoxLocal(a),
            Instr::LocalBoxed(a) => Op::LocalBoxed(a),
            Instr::SetLocalBoxed(a) => Op::SetLocalBoxed(a),
            Instr::Captured(a) => Op::Captured(a),
            Instr::CapturedBoxed(a) => Op::CapturedBoxed(a),
            Instr::SetCapturedBoxed(a) => Op::SetCapturedBoxed(a),
            Instr::Global(a) => Op::Global(a),
            Instr::SetGlobal(a) => Op::SetGlobal(a),
            Instr::DefineGlobal(a) => Op::DefineGlobal(a),
            Instr::UpdateLocal(a, b) => Op::UpdateLocal(a, b),
            Instr::UpdateLocalBoxed(a, b) => Op::UpdateLocalBoxed(a, b),
            Instr::UpdateCapturedBoxed(a, b) => Op::UpdateCapturedBoxed(a, b),
            Instr::UpdateGlobal(a, b) => Op::UpdateGlobal(a, b),
            Instr::Pop => Op::Pop,
            Instr::Dup => Op::Dup,
            Instr::Jump(a) => Op::Jump(a),
            Instr::JumpIfFalse(a) => Op::JumpIfFalse(a),
            Instr::JumpIfNotNil(a) => Op::JumpIfNotNil(a),
            Instr::JumpIfFalseKeep(a) => Op::JumpIfFalseKeep(a),
            Instr::JumpIfTrueKeep(a) => Op::JumpIfTrueKeep(a),
            Instr::Closure(a) => Op::Closure(a),
            Instr::Call(a) => Op::Call(a),
            Instr::TailCall(a) => Op::TailCall(a),
            Instr::CallGlobal(a, b) => Op::CallGlobal(a, b),
            Instr::TailCallGlobal(a, b) => Op::TailCallGlobal(a, b),
            Instr::CallBuiltin(a, b) => Op::CallBuiltin(a, b),
            Instr::BuiltinRef(a) => Op::BuiltinRef(a),
            Instr::Return => Op::Return,
            Instr::MakeArray(a) => Op::MakeArray(a),
            Instr::MakeMap(a) => Op::MakeMap(a),
            Instr::TryBegin(a) => Op::TryBegin(a),
            Instr::TryEnd => Op::TryEnd,
            Instr::IterStart => Op::IterStart,
            Instr::IterNext(a, b, c) => Op::IterNext(a, b, c),
            Instr::RangeNext(a, b, c) => Op::RangeNext(a, b, c),
            Instr::Add => Op::Add,
            Instr::Sub => Op::Sub,
            Instr::Mul => Op::Mul,
            Instr::Lt => Op::Lt,
            Instr::Le => Op::Le,
            Instr::Gt => Op::Gt,
            Instr::Ge => Op::Ge,
            Instr::NumEq => Op::NumEq,
            Instr::AddImm(a) => Op::AddImm(a),
            Instr::SubImm(a) => Op::SubImm(a),
            Instr::JumpIfNotLtImm(a, b) => Op::JumpIfNotLtImm(a, b),
            Instr::JumpIfDeep(a, b) => Op::JumpIfDeep(a, b),
        }
    }
}
