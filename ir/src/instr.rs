//! The IR's types.

use ovsm_lexer::Span;
use ovsm_stdlib::BuiltinId;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FuncId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GlobalId(pub u32);

/// A lowered program: every function (including the top level), constants and globals.
#[derive(Clone, Debug, Default)]
pub struct Program {
    pub functions: Vec<Function>,
    pub constants: Vec<Constant>,
    pub globals: Vec<String>,
    /// The top-level code of each lowered unit (prelude, then each source) in run order.
    pub entries: Vec<FuncId>,
    pub programs: Vec<ProgramDecl>,
}

impl Program {
    pub fn function(&self, id: FuncId) -> Option<&Function> {
        self.functions.get(id.0 as usize)
    }

    pub fn global_name(&self, id: GlobalId) -> &str {
        self.globals.get(id.0 as usize).map_or("?", String::as_str)
    }
}

/// `(define-autonomous-program NAME ...)`: its startup code and event handlers, as functions.
#[derive(Clone, Debug)]
pub struct ProgramDecl {
    pub name: String,
    pub span: Span,
    /// Each `on-startup` clause, in source order, as a function of no arguments.
    pub startup: Vec<FuncId>,
    /// `(on-event "ID" HANDLER)`: the handler expression, as a function of no arguments returning it.
    pub handlers: Vec<(String, FuncId, Span)>,
}

/// Literals that do not fit in an instruction.
#[derive(Clone, Debug, PartialEq)]
pub enum Constant {
    Float(f64),
    Str(String),
    Keyword(String),
    /// A quoted or otherwise fully literal array or map.
    Array(Vec<Constant>),
    Map(Vec<(Constant, Constant)>),
    /// The value of a `define-autonomous-program` form.
    Program(String),
    Int(i64),
    Bool(bool),
    Nil,
}

impl Constant {
    /// Whether the two are the same constant, which `==` does not say for floats: `0.0 == -0.0`
    /// holds and `NaN == NaN` does not. Floats are the same when their bits are, so the pool
    /// never serves a `-0.0` for a `0.0`.
    pub fn identical(&self, other: &Constant) -> bool {
        match (self, other) {
            (Constant::Float(a), Constant::Float(b)) => a.to_bits() == b.to_bits(),
            (Constant::Array(a), Constant::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.identical(y)),
            (Constant::Map(a), Constant::Map(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|((k, v), (l, w))| k.identical(l) && v.identical(w))
            }
            _ => self == other,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Params {
    pub required: u16,
    pub optional: u16,
    pub rest: bool,
}

/// Where a closure's captured value comes from when the closure is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Capture {
    /// A local slot of the enclosing function (the box itself, if the local is boxed).
    Local(u16),
    /// A capture of the enclosing closure.
    Outer(u16),
}

#[derive(Clone, Debug)]
pub struct Function {
    /// The defined name, or `lambda`.
    pub name: String,
    pub params: Params,
    /// Local slots, parameters first.
    pub n_slots: u16,
    pub captures: Vec<Capture>,
    pub code: Vec<Instr>,
    /// The span of the form each instruction came from, parallel to `code`.
    pub spans: Vec<Span>,
    pub span: Span,
    pub doc: Option<String>,
}

/// An in-place update of a variable, used for `(set! x (append x ys))` and
/// `(set! m (assoc m k v))` so that growing a collection in a loop is not quadratic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateOp {
    Append,
    /// `(append x [e])`: push one element, without making the one-element array.
    Push,
    Assoc,
}

/// One instruction. Operands are popped from and results pushed to the function's value stack.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Instr {
    Nil,
    True,
    False,
    Int(i64),
    Const(u32),
    /// Push local slot n.
    Local(u16),
    /// Pop into local slot n.
    SetLocal(u16),
    /// Wrap the value in local slot n in a fresh box (the slot is captured and assigned).
    BoxLocal(u16),
    /// Push the value inside the box in local slot n.
    LocalBoxed(u16),
    /// Pop into the box in local slot n.
    SetLocalBoxed(u16),
    Captured(u16),
    CapturedBoxed(u16),
    SetCapturedBoxed(u16),
    Global(GlobalId),
    /// Pop into an existing global (`set!`); an undefined global is an error.
    SetGlobal(GlobalId),
    /// Pop into a global, defining it.
    DefineGlobal(GlobalId),
    /// Pop the top value and update the local/global with it, see [`UpdateOp`]; pushes the new value.
    UpdateLocal(u16, UpdateOp),
    UpdateLocalBoxed(u16, UpdateOp),
    UpdateCapturedBoxed(u16, UpdateOp),
    UpdateGlobal(GlobalId, UpdateOp),
    Pop,
    Dup,
    Jump(u32),
    /// Pop; jump when false or nil.
    JumpIfFalse(u32),
    /// Pop; jump when not nil. For `&optional` defaults.
    JumpIfNotNil(u32),
    /// `and`: when the top is false or nil jump keeping it; otherwise pop it.
    JumpIfFalseKeep(u32),
    /// `or`: when the top is true jump keeping it; otherwise pop it.
    JumpIfTrueKeep(u32),
    /// Make a closure of a function, capturing as its `captures` list says.
    Closure(FuncId),
    /// Call the value below n arguments.
    Call(u8),
    TailCall(u8),
    /// Call the function in a global with the n arguments on top (no callee slot).
    CallGlobal(GlobalId, u8),
    TailCallGlobal(GlobalId, u8),
    CallBuiltin(BuiltinId, u8),
    /// Push a builtin as a function value.
    BuiltinRef(BuiltinId),
    Return,
    MakeArray(u32),
    /// Pop 2n values (key, value pairs) into a map.
    MakeMap(u32),
    /// Start a `try`: on a catchable error, unwind to here and jump to the handler with the message pushed.
    TryBegin(u32),
    TryEnd,
    /// Pop a collection, push it as an array to iterate (`for`).
    IterStart,
    /// With the iterated array in slot a and the index in slot b: push the next element and
    /// advance, or jump when done.
    IterNext(u16, u16, u32),
    /// `(for (i (range a b)) ...)`: with the counter in slot a and the end in slot b, push the
    /// counter and advance it, or jump when it reached the end.
    RangeNext(u16, u16, u32),
    /// Fast paths for two-argument arithmetic and comparison builtins.
    Add,
    Sub,
    Mul,
    Lt,
    Le,
    Gt,
    Ge,
    NumEq,
    /// `(+ x k)` and `(- x k)` with a literal integer k.
    AddImm(i64),
    SubImm(i64),
    /// `(if (< x k) ...)` with a literal integer k: pop x; jump unless x < k.
    JumpIfNotLtImm(i64, u32),
    /// Jump when `frames` nested calls made from here would pass the recursion limit. Only the
    /// sBPF back end's inliner emits it (codegen/src/inline.rs): code that stands for calls it
    /// does not make goes the way of the real calls where they would fail.
    JumpIfDeep(u8, u32),
}
