//! The dispatch loop, over the interpreter's bytecode (`op.rs`, made by `fuse.rs`).

use super::op::Op;
use super::Vm;
use crate::builtins::numbers;
use crate::fault::Fault;
use crate::map::Map;
use crate::value::{Closure, Value};
use ovsm_ir::{Capture, Program, UpdateOp};
use std::cell::RefCell;
use std::cmp::Ordering;
use std::rc::Rc;

/// Discards a value known to be an integer (the caller just matched it), without running the
/// general drop glue that the hot arithmetic paths would otherwise call out of line: an integer
/// owns nothing, so forgetting it leaks nothing.
#[inline(always)]
fn drop_int(v: Option<Value>) {
    debug_assert!(matches!(v, Some(Value::Int(_))));
    std::mem::forget(v);
}

fn ice(what: &str) -> Fault {
    Fault::new("E0299", format!("internal error: {what}"))
}

impl Vm {
    /// Executes instructions until the frame count drops to `stop`; returns that frame's value.
    /// On a fault, the faulting frame's `pc` is left just past the faulting instruction.
    pub(super) fn dispatch(&mut self, program: &Program, stop: usize) -> Result<Value, Fault> {
        // The loop reads the ops while it changes the rest of `self`; nothing it runs adds
        // functions (only `sync`, before a run, does).
        let ops = std::mem::take(&mut self.ops);
        let result = self.run_ops(program, &ops, stop);
        self.ops = ops;
        result
    }

    fn run_ops(&mut self, program: &Program, ops: &[Box<[Op]>], stop: usize) -> Result<Value, Fault> {
        let code_of = |func: ovsm_ir::FuncId| ops.get(func.0 as usize).map_or(&[][..], |c| &**c);
        let (func, mut pc, mut base) = self.frames.last().map(|f| (f.func, f.pc, f.base)).ok_or_else(|| ice("no frame to run"))?;
        let mut code: &[Op] = code_of(func);
        let budget = self.limits.compute_budget;
        let mut steps: u64 = 0;
        // Saves the running frame's pc so traces and handlers see it.
        macro_rules! save {
            () => {
                if let Some(f) = self.frames.last_mut() {
                    f.pc = pc;
                }
            };
        }
        macro_rules! fail {
            ($e:expr) => {{
                save!();
                self.compute_used = self.compute_used.saturating_add(steps);
                return Err($e);
            }};
        }
        macro_rules! pop {
            () => {
                match self.stack.pop() {
                    Some(v) => v,
                    None => fail!(ice("stack underflow")),
                }
            };
        }
        macro_rules! slot {
            ($n:expr) => {
                match self.stack.get_mut(base + $n as usize) {
                    Some(v) => v,
                    None => fail!(ice("bad local slot")),
                }
            };
        }
        macro_rules! captured {
            ($n:expr) => {
                match self.frames.last().and_then(|f| f.closure.as_ref()).and_then(|c| c.captures.get($n as usize)) {
                    Some(v) => v,
                    None => fail!(ice("bad capture")),
                }
            };
        }
        macro_rules! try_ {
            ($e:expr) => {
                match $e {
                    Ok(v) => v,
                    Err(e) => fail!(e),
                }
            };
        }
        macro_rules! binary {
            ($f:expr) => {{
                let b = pop!();
                let a = pop!();
                self.stack.push(try_!($f(&a, &b)));
            }};
        }
        macro_rules! charge {
            () => {
                if self.compute_used.saturating_add(steps) > budget {
                    fail!(Fault::fatal("E0210", format!("compute budget exceeded: {} compute units", budget)));
                }
                // Loops and calls are where a long evaluation spends its time, so a Ctrl-C is
                // noticed here. One relaxed load per back-edge or call.
                if self.interrupt.as_ref().is_some_and(|f| f.load(std::sync::atomic::Ordering::Relaxed)) {
                    fail!(Fault::fatal("E0212", "interrupted"));
                }
            };
        }
        // Switches the loop's cached state to the frame now on top.
        macro_rules! reload {
            () => {{
                match self.frames.last() {
                    Some(f) => {
                        code = code_of(f.func);
                        pc = f.pc;
                        base = f.base;
                    }
                    None => fail!(ice("no frame to return to")),
                }
            }};
        }
        loop {
            let Some(&op) = code.get(pc) else { fail!(ice("fell off the end of a function")) };
            pc += 1;
            steps += 1;
            match op {
                // Fused pairs (fuse.rs). Each counts the step of its second instruction, and
                // moves `pc` past it before the part that can fail, so an error is reported at
                // the second instruction's span, as it would be unfused.
                Op::LocalAddImm(n, k) | Op::LocalSubImm(n, k) => {
                    pc += 1;
                    steps += 1;
                    let add = matches!(op, Op::LocalAddImm(..));
                    // The integer path keeps a push of its own (`push_int`): sharing the general
                    // path's push would build the value in a temporary again (see `stack.rs`).
                    match slot!(n) {
                        Value::Int(x) => match if add { x.checked_add(k) } else { x.checked_sub(k) } {
                            Some(r) => self.stack.push_int(r),
                            None => fail!(Fault::overflow(if add { "+" } else { "-" })),
                        },
                        other => {
                            let v = try_!(if add { numbers::add(other, &Value::Int(k)) } else { numbers::sub(other, &Value::Int(k)) });
                            self.stack.push(v);
                        }
                    }
                    continue;
                }
                Op::LocalJumpIfNotLtImm(n, k, t) => {
                    pc += 1;
                    steps += 1;
                    let less = match slot!(n) {
                        Value::Int(x) => Ok(*x < k),
                        other => numbers::compare2("<", other, &Value::Int(k), |o| o == Ordering::Less).map(|v| v.is_truthy()),
                    };
                    if !try_!(less) {
                        pc = t as usize;
                    }
                    continue;
                }
                Op::SetLocalKeep(n) => {
                    pc += 1;
                    steps += 1;
                    let v = match self.stack.last() {
                        Some(v) => v.clone(),
                        None => fail!(ice("stack underflow")),
                    };
                    *slot!(n) = v;
                    continue;
                }
                // An update fails at its own span, so `pc` moves past the `Pop` only after it.
                Op::UpdateLocalDiscard(n, u) => {
                    try_!(self.check_memory());
                    if u == UpdateOp::Push {
                        let x = pop!();
                        try_!(push_in_place(slot!(n), x));
                    } else {
                        let operands = self.pop_operands(u);
                        try_!(update_in_place(slot!(n), u, &operands));
                    }
                    pc += 1;
                    steps += 1;
                    continue;
                }
                Op::UpdateGlobalDiscard(g, u) => {
                    try_!(self.check_memory());
                    self.journal_global(g);
                    let target = match self.globals.get_mut(g.0 as usize) {
                        Some(Some(v)) => v,
                        _ => fail!(undefined_set(program, g)),
                    };
                    if u == UpdateOp::Push {
                        let x = match self.stack.pop() {
                            Some(x) => x,
                            None => fail!(ice("stack underflow")),
                        };
                        try_!(push_in_place(target, x));
                    } else {
                        let operands = pop_operands(&mut self.stack, u);
                        try_!(update_in_place(target, u, &operands));
                    }
                    pc += 1;
                    steps += 1;
                    continue;
                }
                Op::Nil => self.stack.push(Value::Nil),
                Op::True => self.stack.push(Value::Bool(true)),
                Op::False => self.stack.push(Value::Bool(false)),
                Op::Int(n) => self.stack.push_int(n),
                Op::Const(i) => {
                    let v = match self.constants.get(i as usize) {
                        Some(v) => v.clone(),
                        None => fail!(ice("bad constant")),
                    };
                    self.stack.push(v);
                }
                Op::Local(n) => {
                    if !self.stack.push_copy(base + n as usize) {
                        fail!(ice("bad local slot"));
                    }
                }
                Op::SetLocal(n) => {
                    let v = pop!();
                    *slot!(n) = v;
                }
                Op::BoxLocal(n) => {
                    let s = slot!(n);
                    let v = std::mem::take(s);
                    *s = Value::Cell(Rc::new(RefCell::new(v)));
                }
                Op::LocalBoxed(n) => {
                    let v = cell_get(slot!(n));
                    self.stack.push(v);
                }
                Op::SetLocalBoxed(n) => {
                    let v = pop!();
                    if self.journal.is_some() {
                        let cell = slot!(n).clone();
                        self.journal_cell(&cell);
                    }
                    cell_set(slot!(n), v);
                }
                Op::Captured(n) => {
                    let v = captured!(n).clone();
                    self.stack.push(v);
                }
                Op::CapturedBoxed(n) => {
                    let v = cell_get(captured!(n));
                    self.stack.push(v);
                }
                Op::SetCapturedBoxed(n) => {
                    let v = pop!();
                    if self.journal.is_some() {
                        let cell = captured!(n).clone();
                        self.journal_cell(&cell);
                    }
                    cell_set(captured!(n), v);
                }
                Op::Global(g) => match self.globals.get(g.0 as usize) {
                    // As in `Stack::push_copy`: an integer is pushed without building a `Value`.
                    Some(Some(Value::Int(n))) => self.stack.push_int(*n),
                    Some(Some(v)) => {
                        let v = v.clone();
                        self.stack.push(v);
                    }
                    _ => fail!(undefined(program, g)),
                },
                Op::SetGlobal(g) => {
                    self.journal_global(g);
                    let v = pop!();
                    match (self.globals.get_mut(g.0 as usize), v) {
                        // An integer over an integer writes only the payload word.
                        (Some(Some(Value::Int(x))), Value::Int(n)) => *x = n,
                        (Some(slot @ Some(_)), v) => *slot = Some(v),
                        _ => fail!(undefined_set(program, g)),
                    }
                }
                Op::DefineGlobal(g) => {
                    self.journal_global(g);
                    let v = pop!();
                    match self.globals.get_mut(g.0 as usize) {
                        Some(slot) => *slot = Some(v),
                        None => fail!(ice("bad global")),
                    }
                }
                Op::UpdateLocal(n, u) => {
                    try_!(self.check_memory());
                    let operands = self.pop_operands(u);
                    let updated = try_!(update(slot!(n), u, &operands));
                    self.stack.push(updated);
                }
                Op::UpdateLocalBoxed(n, u) => {
                    try_!(self.check_memory());
                    if self.journal.is_some() {
                        let cell = slot!(n).clone();
                        self.journal_cell(&cell);
                    }
                    let operands = self.pop_operands(u);
                    let updated = try_!(update_cell(slot!(n), u, &operands));
                    self.stack.push(updated);
                }
                Op::UpdateCapturedBoxed(n, u) => {
                    try_!(self.check_memory());
                    if self.journal.is_some() {
                        let cell = captured!(n).clone();
                        self.journal_cell(&cell);
                    }
                    let operands = self.pop_operands(u);
                    let updated = try_!(update_cell(captured!(n), u, &operands));
                    self.stack.push(updated);
                }
                Op::UpdateGlobal(g, u) => {
                    try_!(self.check_memory());
                    self.journal_global(g);
                    let operands = self.pop_operands(u);
                    let updated = match self.globals.get_mut(g.0 as usize) {
                        Some(Some(v)) => try_!(update(v, u, &operands)),
                        _ => fail!(undefined_set(program, g)),
                    };
                    self.stack.push(updated);
                }
                Op::Pop => {
                    pop!();
                }
                Op::Dup => {
                    let v = match self.stack.last() {
                        Some(v) => v.clone(),
                        None => fail!(ice("stack underflow")),
                    };
                    self.stack.push(v);
                }
                Op::Jump(t) => {
                    let t = t as usize;
                    if t < pc {
                        charge!();
                    }
                    pc = t;
                }
                Op::JumpIfFalse(t) => {
                    if !pop!().is_truthy() {
                        pc = t as usize;
                    }
                }
                Op::JumpIfNotNil(t) => {
                    if !matches!(pop!(), Value::Nil) {
                        pc = t as usize;
                    }
                }
                Op::JumpIfFalseKeep(t) => {
                    if self.stack.last().is_some_and(|v| !v.is_truthy()) {
                        pc = t as usize;
                    } else {
                        pop!();
                    }
                }
                Op::JumpIfTrueKeep(t) => {
                    if self.stack.last().is_some_and(Value::is_truthy) {
                        pc = t as usize;
                    } else {
                        pop!();
                    }
                }
                Op::Closure(id) => {
                    let Some(f) = program.function(id) else { fail!(ice("bad function")) };
                    let mut captures = Vec::with_capacity(f.captures.len());
                    for c in &f.captures {
                        captures.push(match c {
                            Capture::Local(n) => slot!(*n).clone(),
                            Capture::Outer(n) => captured!(*n).clone(),
                        });
                    }
                    self.stack.push(Value::Closure(Rc::new(Closure { func: id, captures: captures.into_boxed_slice() })));
                }
                Op::Call(argc) => {
                    charge!();
                    let callee = self.stack.len() - argc as usize - 1;
                    save!();
                    if try_!(self.call_value(program, callee, argc as usize)) {
                        reload!();
                    }
                }
                Op::TailCall(argc) => {
                    charge!();
                    let argc = argc as usize;
                    let callee = self.stack.len() - argc - 1;
                    if let Some(Value::Closure(c)) = self.stack.get(callee) {
                        let c = c.clone();
                        save!();
                        try_!(self.tail_enter(program, &c, callee, argc, true));
                        reload!();
                    } else {
                        save!();
                        try_!(self.call_value(program, callee, argc));
                        // A builtin in tail position: its result is this frame's result.
                        if self.do_return(stop) {
                            self.compute_used = self.compute_used.saturating_add(steps);
                            return Ok(self.stack.pop().unwrap_or_default());
                        }
                        reload!();
                    }
                }
                Op::CallGlobal(g, argc) => {
                    charge!();
                    save!();
                    if try_!(self.call_global(program, g, argc as usize)) {
                        reload!();
                    }
                }
                Op::TailCallGlobal(g, argc) => {
                    charge!();
                    let argc = argc as usize;
                    let first = self.stack.len() - argc;
                    save!();
                    if let Some(Some(Value::Closure(c))) = self.globals.get(g.0 as usize) {
                        let c = c.clone();
                        try_!(self.tail_enter(program, &c, first, argc, false));
                        reload!();
                    } else {
                        try_!(self.call_global(program, g, argc));
                        if self.do_return(stop) {
                            self.compute_used = self.compute_used.saturating_add(steps);
                            return Ok(self.stack.pop().unwrap_or_default());
                        }
                        reload!();
                    }
                }
                Op::CallBuiltin(id, argc) => {
                    let first = self.stack.len() - argc as usize;
                    save!();
                    let result = try_!(self.call_builtin(program, id, first, argc as usize));
                    self.stack.truncate(first);
                    self.stack.push(result);
                }
                Op::BuiltinRef(id) => self.stack.push(Value::Builtin(id)),
                Op::Return | Op::JumpToReturn => {
                    if matches!(op, Op::JumpToReturn) {
                        steps += 1;
                    }
                    if self.do_return(stop) {
                        self.compute_used = self.compute_used.saturating_add(steps);
                        return Ok(self.stack.pop().unwrap_or_default());
                    }
                    reload!();
                }
                Op::MakeArray(n) => {
                    try_!(self.check_memory());
                    let first = self.stack.len() - n as usize;
                    let items: crate::value::Array = self.stack.drain_from(first).collect();
                    self.stack.push(Value::array(items));
                }
                Op::MakeMap(n) => {
                    try_!(self.check_memory());
                    let first = self.stack.len() - 2 * n as usize;
                    let mut m = Map::new();
                    let items: Vec<Value> = self.stack.drain_from(first).collect();
                    for kv in items.chunks(2) {
                        if let [k, v] = kv {
                            try_!(crate::builtins::assoc_in_place(&mut m, k, v));
                        }
                    }
                    self.stack.push(Value::Map(Rc::new(m)));
                }
                Op::TryBegin(t) => {
                    self.handlers.push(super::Handler { frames: self.frames.len(), stack: self.stack.len(), target: t as usize })
                }
                Op::TryEnd => {
                    self.handlers.pop();
                }
                Op::IterStart => {
                    let v = pop!();
                    let items = try_!(iterable(&v));
                    self.stack.push(items);
                }
                Op::IterNext(items, index, exit) => {
                    let i = match slot!(index) {
                        Value::Int(i) => *i as usize,
                        _ => fail!(ice("bad loop index")),
                    };
                    let next = match slot!(items) {
                        Value::Array(a) => a.get(i).cloned(),
                        _ => fail!(ice("bad loop collection")),
                    };
                    match next {
                        Some(v) => {
                            *slot!(index) = Value::Int(i as i64 + 1);
                            self.stack.push(v);
                            charge!();
                        }
                        None => pc = exit as usize,
                    }
                }
                Op::RangeNext(counter, limit, exit) => {
                    let end = match slot!(limit) {
                        Value::Int(e) => *e,
                        _ => fail!(ice("bad range loop")),
                    };
                    let i = match slot!(counter) {
                        Value::Int(i) if *i < end => {
                            // i < end <= i64::MAX, so i + 1 cannot overflow.
                            *i += 1;
                            Some(*i - 1)
                        }
                        Value::Int(_) => None,
                        _ => fail!(ice("bad range loop")),
                    };
                    if let Some(i) = i {
                        self.stack.push_int(i);
                        charge!();
                    } else {
                        pc = exit as usize;
                    }
                }
                Op::Add | Op::Sub => {
                    // Two integers: the result replaces the first in place (see `int_top`).
                    if let [.., Value::Int(x), Value::Int(y)] = self.stack.as_mut_slice() {
                        let r = if matches!(op, Op::Add) { x.checked_add(*y) } else { x.checked_sub(*y) };
                        match r {
                            Some(r) => *x = r,
                            None => fail!(Fault::overflow(if matches!(op, Op::Add) { "+" } else { "-" })),
                        }
                        drop_int(self.stack.pop());
                    } else if matches!(op, Op::Add) {
                        binary!(numbers::add)
                    } else {
                        binary!(numbers::sub)
                    }
                }
                Op::Mul => binary!(numbers::mul),
                Op::AddImm(k) | Op::SubImm(k) if matches!(self.stack.last(), Some(Value::Int(_))) => {
                    if let Some(Value::Int(x)) = self.stack.last_mut() {
                        let r = if matches!(op, Op::AddImm(_)) { x.checked_add(k) } else { x.checked_sub(k) };
                        match r {
                            Some(r) => *x = r,
                            None => fail!(Fault::overflow(if matches!(op, Op::AddImm(_)) { "+" } else { "-" })),
                        }
                    }
                }
                Op::AddImm(k) => {
                    let a = pop!();
                    let r = match a {
                        Value::Int(x) => x.checked_add(k).map(Value::Int).ok_or_else(|| Fault::overflow("+")),
                        other => numbers::add(&other, &Value::Int(k)),
                    };
                    self.stack.push(try_!(r));
                }
                Op::SubImm(k) => {
                    let a = pop!();
                    let r = match a {
                        Value::Int(x) => x.checked_sub(k).map(Value::Int).ok_or_else(|| Fault::overflow("-")),
                        other => numbers::sub(&other, &Value::Int(k)),
                    };
                    self.stack.push(try_!(r));
                }
                Op::JumpIfNotLtImm(k, t) => {
                    let less = match self.stack.last() {
                        Some(Value::Int(x)) => {
                            let less = *x < k;
                            drop_int(self.stack.pop());
                            less
                        }
                        _ => {
                            let other = pop!();
                            try_!(numbers::compare2("<", &other, &Value::Int(k), |o| o == Ordering::Less)).is_truthy()
                        }
                    };
                    if !less {
                        pc = t as usize;
                    }
                }
                Op::JumpIfDeep(frames, t) => {
                    // entering fails at `frames.len() >= max_depth` (call.rs), so the last of
                    // `frames` nested entries would fail when this holds
                    if self.frames.len() + usize::from(frames) > self.limits.max_depth {
                        pc = t as usize;
                    }
                }
                Op::Lt | Op::Le | Op::Gt | Op::Ge if matches!(self.stack.as_slice(), [.., Value::Int(_), Value::Int(_)]) => {
                    if let [.., x, Value::Int(y)] = self.stack.as_mut_slice() {
                        if let Value::Int(a) = *x {
                            let b = *y;
                            let holds = match op {
                                Op::Lt => a < b,
                                Op::Le => a <= b,
                                Op::Gt => a > b,
                                _ => a >= b,
                            };
                            drop_int(Some(std::mem::replace(x, Value::Bool(holds))));
                        }
                    }
                    drop_int(self.stack.pop());
                }
                Op::Lt => binary!(|a: &Value, b: &Value| match (a, b) {
                    (Value::Int(x), Value::Int(y)) => Ok(Value::Bool(x < y)),
                    _ => numbers::compare2("<", a, b, |o| o == Ordering::Less),
                }),
                Op::Le => binary!(|a: &Value, b: &Value| numbers::compare2("<=", a, b, |o| o != Ordering::Greater)),
                Op::Gt => {
                    binary!(|a: &Value, b: &Value| numbers::compare2(">", a, b, |o| o == Ordering::Greater))
                }
                Op::Ge => {
                    binary!(|a: &Value, b: &Value| numbers::compare2(">=", a, b, |o| o != Ordering::Less))
                }
                Op::NumEq => binary!(|a: &Value, b: &Value| Ok::<Value, Fault>(Value::Bool(crate::value::equal(a, b)))),
            }
        }
    }

    fn pop_operands(&mut self, op: UpdateOp) -> Operands {
        pop_operands(&mut self.stack, op)
    }
}

/// The operands of an update (one, or a key and a value), popped without allocating: an
/// `append` or `assoc` in a loop runs this every iteration.
fn pop_operands(stack: &mut super::stack::Stack, op: UpdateOp) -> Operands {
    let n = match op {
        UpdateOp::Append | UpdateOp::Push => 1,
        UpdateOp::Assoc => 2,
    };
    let mut values = [Value::Nil, Value::Nil];
    for k in (0..n).rev() {
        if let (Some(v), Some(slot)) = (stack.pop(), values.get_mut(k)) {
            *slot = v;
        }
    }
    Operands { values, n }
}

struct Operands {
    values: [Value; 2],
    n: usize,
}

impl std::ops::Deref for Operands {
    type Target = [Value];
    fn deref(&self) -> &[Value] {
        self.values.get(..self.n).unwrap_or(&[])
    }
}

fn undefined(program: &Program, g: ovsm_ir::GlobalId) -> Fault {
    Fault::undefined_variable(program.global_name(g))
}

fn undefined_set(program: &Program, g: ovsm_ir::GlobalId) -> Fault {
    Fault::new("E0201", format!("cannot `set!` undefined variable `{}`; define it first", program.global_name(g)))
}

fn cell_get(v: &Value) -> Value {
    match v {
        Value::Cell(c) => c.borrow().clone(),
        other => other.clone(),
    }
}

fn cell_set(slot: &Value, v: Value) {
    if let Value::Cell(c) = slot {
        *c.borrow_mut() = v;
    }
}

/// Applies an in-place update to a variable's value and returns the new value.
/// When nothing else holds the collection, `Rc::make_mut` mutates it without copying.
fn update(target: &mut Value, op: UpdateOp, operands: &[Value]) -> Result<Value, Fault> {
    update_in_place(target, op, operands)?;
    Ok(target.clone())
}

/// `(set! x (append x [e]))` whose result is unused: e is moved onto the array, not cloned
/// and dropped, and no operand array is built (the update of a growing loop). It stands beside
/// the general `pop_operands` and `update_in_place` on purpose: moving operands by value through
/// them cost append 41.0M -> 46.2M instructions, and inlining them into the dispatch loop slowed
/// every other op (fib 25 102.1M -> 104.7M).
fn push_in_place(target: &mut Value, x: Value) -> Result<(), Fault> {
    match target {
        Value::Array(items) => {
            Rc::make_mut(items).push_back(x);
            Ok(())
        }
        other => Err(Fault::expected("append", "an array", other)),
    }
}

/// [`update`] without the new value: for an update whose result is discarded, which saves a
/// reference count up and down on the collection every time.
fn update_in_place(target: &mut Value, op: UpdateOp, operands: &[Value]) -> Result<(), Fault> {
    match (op, &mut *target, operands) {
        (UpdateOp::Append, Value::Array(items), [more]) => {
            // Type-check before touching the target, so a failed update leaves it intact.
            crate::builtins::array_arg("append", more)?;
            crate::builtins::append_in_place(Rc::make_mut(items), more)?;
        }
        (UpdateOp::Push, Value::Array(items), [x]) => Rc::make_mut(items).push_back(x.clone()),
        (UpdateOp::Assoc, Value::Map(m), [k, v]) => {
            crate::map::Key::of(k).ok_or_else(|| Fault::expected("assoc", "a key (string, keyword, number, boolean or nil)", k))?;
            crate::builtins::assoc_in_place(Rc::make_mut(m), k, v)?;
        }
        (UpdateOp::Assoc, Value::Nil, [k, v]) => {
            let mut m = Map::new();
            crate::builtins::assoc_in_place(&mut m, k, v)?;
            *target = Value::Map(Rc::new(m));
        }
        (UpdateOp::Append | UpdateOp::Push, other, _) => return Err(Fault::expected("append", "an array", other)),
        (UpdateOp::Assoc, other, _) => return Err(Fault::expected("assoc", "a map", other)),
    }
    Ok(())
}

fn update_cell(slot: &Value, op: UpdateOp, operands: &[Value]) -> Result<Value, Fault> {
    match slot {
        Value::Cell(c) => update(&mut c.borrow_mut(), op, operands),
        _ => Err(ice("boxed update of an unboxed variable")),
    }
}

/// The array a `for` loop walks: arrays as they are, strings by character, maps as `[k v]` pairs.
fn iterable(v: &Value) -> Result<Value, Fault> {
    Ok(match v {
        Value::Array(_) => v.clone(),
        Value::Nil => Value::array(crate::value::Array::new()),
        Value::Str(s) => Value::array(s.chars().map(|c| Value::str(&c.to_string())).collect()),
        Value::Map(m) => Value::array(m.iter().map(|(k, v)| Value::array([k.clone(), v.clone()].into_iter().collect())).collect()),
        other => return Err(Fault::expected("for", "an array, string or map to iterate", other)),
    })
}

#[cfg(test)]
mod tests {
    use crate::{Limits, RecordingHost, Session, Value, Vm};
    use ovsm_ir::{FuncId, Instr};

    /// `JumpIfDeep k` jumps exactly where the k-th of k nested calls made from there would fail
    /// (call.rs: entering fails at `frames.len() >= max_depth`). The IR lowering never emits it;
    /// codegen's inliner does, for code it runs in place of calls.
    #[test]
    fn jump_if_deep_jumps_where_the_last_of_its_calls_would_fail() {
        let mut session = Session::new(Box::new(RecordingHost::default()), Limits::default());
        session.compile_only("t.ovsm", "(defun f () 0)").unwrap_or_else(|d| panic!("{d:?}"));
        let mut program = session.program().clone();
        let f = program.functions.iter().position(|f| f.name == "f").map(|f| FuncId(f as u32)).expect("f");
        for (frames, expected) in [(1, 1), (2, 1), (3, 2)] {
            let code = vec![Instr::JumpIfDeep(frames, 3), Instr::Int(1), Instr::Return, Instr::Int(2), Instr::Return];
            let function = program.functions.get_mut(f.0 as usize).expect("f");
            function.spans = vec![function.span; code.len()];
            function.code = code;
            // f runs as the only frame: 1 + 2 frames fit a limit of 3, 1 + 3 do not
            let mut vm = Vm::new(Box::new(RecordingHost::default()), Limits { max_depth: 3, ..Limits::default() });
            let value = vm.run(&program, f).unwrap_or_else(|e| panic!("{e:?}"));
            assert!(matches!(value, Value::Int(v) if v == expected), "JumpIfDeep {frames}: {value:?}");
        }
    }
}
