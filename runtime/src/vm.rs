//! The interpreter of the IR: a stack machine whose frames live on the heap.
//!
//! Calls push a [`Frame`] onto a `Vec`, never onto the Rust stack, so the recursion limit is
//! a setting (`Limits::max_depth`) and tail calls reuse their frame. Errors unwind to the
//! innermost armed `try` of the current run, or come back as a [`RuntimeError`] with the span
//! of the failing instruction and a call trace.

mod call;
mod exec;
mod frames;
mod fuse;
mod op;
mod stack;

use crate::builtins::{self, NativeFn};
use crate::fault::{Fault, RuntimeError};
use crate::host::Host;
use crate::value::{Closure, Value};
use ovsm_ir::{Constant, FuncId, Program};
use ovsm_lexer::Span;
use std::rc::Rc;

/// Resource limits of one interpreter.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Frames on the call stack; past it, a `recursion` error.
    pub max_depth: usize,
    /// Live heap bytes (when the counting allocator is installed); past it, a memory error.
    pub memory_limit: usize,
    /// Compute units one top-level run may use (`u64::MAX`: unmetered, for scripts).
    pub compute_budget: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { max_depth: 50_000, memory_limit: 2 << 30, compute_budget: u64::MAX }
    }
}

#[derive(Clone, Debug)]
struct Frame {
    func: FuncId,
    pc: usize,
    /// Stack index of local slot 0.
    base: usize,
    /// Stack length to cut back to on return (below the callee slot, if the call had one).
    ret: usize,
    closure: Option<Rc<Closure>>,
}

/// An armed `try`: how far to unwind, and where its handler starts.
#[derive(Clone, Copy, Debug)]
struct Handler {
    frames: usize,
    stack: usize,
    target: usize,
}

pub struct Vm {
    /// Global values by `GlobalId`; `None` until defined.
    pub globals: Vec<Option<Value>>,
    stack: stack::Stack,
    frames: frames::Frames,
    handlers: Vec<Handler>,
    /// `program.constants` as values, extended as the program grows (REPL).
    constants: Vec<Value>,
    /// Each function's code as the dispatch loop runs it (`fuse.rs`), by `FuncId`, extended as
    /// the program grows. A `Vm` runs one program, whose functions never change once added.
    ops: Vec<Box<[op::Op]>>,
    /// Whether `ops` fuse pairs of instructions (always, but for the test that compares).
    fusion: bool,
    natives: Vec<NativeFn>,
    pub limits: Limits,
    pub host: Box<dyn Host>,
    /// Compute units charged so far: one per instruction plus each builtin's table cost.
    pub compute_used: u64,
    /// Prepended to `log` lines (set by the scheduler inside handlers).
    pub log_prefix: String,
    /// The simulated chain the autonomous syscalls act on.
    pub chain: crate::chain::Chain,
    /// Set from another thread (a Ctrl-C handler) to stop the running evaluation.
    pub interrupt: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// While an autonomous invocation runs: each global it writes, with its value before, so a
    /// failed invocation's state changes can be undone and a successful one's persisted.
    pub journal: Option<Vec<(ovsm_ir::GlobalId, Option<Value>)>>,
    /// Beside `journal`: each assigned captured variable (a box) with its value before the
    /// invocation's first write to it. A closure the runtime keeps holds its boxes from one
    /// invocation to the next, so they are state too, and a failed invocation leaves them as
    /// they were (a compiled program's failed transaction hands no changed closure back).
    cell_journal: Vec<(std::rc::Rc<std::cell::RefCell<Value>>, Value)>,
    /// The boxes in `cell_journal`, by address, so that a loop writing many boxes stays linear
    /// (the journal holds each, so no address is reused while it is listed).
    cell_seen: std::collections::HashSet<*const std::cell::RefCell<Value>>,
}

impl Vm {
    pub fn new(host: Box<dyn Host>, limits: Limits) -> Vm {
        Vm {
            globals: Vec::new(),
            stack: stack::Stack::with_capacity(1024),
            frames: frames::Frames::with_capacity(256),
            handlers: Vec::new(),
            constants: Vec::new(),
            ops: Vec::new(),
            fusion: true,
            natives: builtins::table(),
            limits,
            host,
            compute_used: 0,
            log_prefix: String::new(),
            chain: crate::chain::Chain::new(crate::chain::ChainConfig::default()),
            interrupt: None,
            journal: None,
            cell_journal: Vec::new(),
            cell_seen: std::collections::HashSet::new(),
        }
    }

    /// Brings globals and constants up to date with a program that may have grown.
    pub(crate) fn sync(&mut self, program: &Program) {
        if self.globals.len() < program.globals.len() {
            self.globals.resize(program.globals.len(), None);
        }
        for c in program.constants.iter().skip(self.constants.len()) {
            self.constants.push(constant_value(c));
        }
        for f in program.functions.iter().skip(self.ops.len()) {
            self.ops.push(if self.fusion { fuse::fuse(&f.code) } else { fuse::unfused(&f.code) });
        }
    }

    /// Runs a function of no arguments (a unit's top level, or a program's startup thunk).
    pub fn run(&mut self, program: &Program, func: FuncId) -> Result<Value, RuntimeError> {
        self.sync(program);
        let stop = self.frames.len();
        self.stack.push(Value::Nil);
        let callee = self.stack.len() - 1;
        if let Err(fault) = self.enter(program, func, None, callee + 1, 0, callee) {
            self.stack.truncate(callee);
            return Err(RuntimeError { fault, span: program.function(func).map_or(Span::SYNTHETIC, |f| f.span), trace: Vec::new() });
        }
        self.execute(program, stop)
    }

    /// Calls a function value with arguments (a callback or an event handler).
    pub fn call(&mut self, program: &Program, callee: &Value, args: &[Value]) -> Result<Value, RuntimeError> {
        self.sync(program);
        let stop = self.frames.len();
        let base = self.stack.len();
        self.stack.push(callee.clone());
        self.stack.extend(args.iter().cloned());
        let argc = args.len();
        match self.call_value(program, base, argc) {
            Ok(true) => self.execute(program, stop),
            Ok(false) => Ok(self.stack.pop().unwrap_or_default()),
            Err(fault) => {
                self.stack.truncate(base);
                Err(RuntimeError { fault, span: Span::SYNTHETIC, trace: Vec::new() })
            }
        }
    }

    /// Runs frames until the frame count drops back to `stop`, handling errors.
    fn execute(&mut self, program: &Program, stop: usize) -> Result<Value, RuntimeError> {
        loop {
            match self.dispatch(program, stop) {
                Ok(value) => return Ok(value),
                Err(fault) => {
                    let error = self.locate(program, fault, stop);
                    let handler = self.handlers.last().copied().filter(|h| h.frames > stop && !error.fault.fatal);
                    match handler {
                        Some(h) => {
                            self.handlers.pop();
                            self.frames.truncate(h.frames);
                            self.stack.truncate(h.stack);
                            self.stack.push(Value::str(&error.fault.message));
                            if let Some(frame) = self.frames.last_mut() {
                                frame.pc = h.target;
                            }
                        }
                        None => {
                            self.unwind_to(stop);
                            return Err(error);
                        }
                    }
                }
            }
        }
    }

    /// Drops the frames, handlers and stack of an abandoned run.
    fn unwind_to(&mut self, stop: usize) {
        let stack_floor = self.frames.get(stop).map_or(self.stack.len(), |f| f.base.saturating_sub(1));
        self.frames.truncate(stop);
        self.handlers.retain(|h| h.frames <= stop);
        self.stack.truncate(stack_floor);
    }

    /// The span of the instruction that faulted and the calls above it, innermost first.
    fn locate(&self, program: &Program, fault: Fault, stop: usize) -> RuntimeError {
        let mut trace = Vec::new();
        for frame in self.frames.iter().skip(stop).rev() {
            let Some(f) = program.function(frame.func) else {
                continue;
            };
            // `pc` has already moved past the instruction being executed.
            let span = f.spans.get(frame.pc.saturating_sub(1)).copied().unwrap_or(f.span);
            trace.push((f.name.clone(), span));
        }
        let span = trace.first().map_or(Span::SYNTHETIC, |t| t.1);
        RuntimeError { fault, span, trace }
    }

    /// Records a global's value before its first write in the journaled invocation.
    #[inline(always)]
    fn journal_global(&mut self, g: ovsm_ir::GlobalId) {
        // Scripts run unjournaled: one test inline, the rest out of line.
        if self.journal.is_some() {
            self.journal_global_slow(g);
        }
    }

    #[inline(never)]
    fn journal_global_slow(&mut self, g: ovsm_ir::GlobalId) {
        if let Some(journal) = &mut self.journal {
            if !journal.iter().any(|(id, _)| *id == g) {
                let old = self.globals.get(g.0 as usize).cloned().flatten();
                journal.push((g, old));
            }
        }
    }

    /// Starts journaling an autonomous invocation's writes.
    pub fn begin_journal(&mut self) {
        self.journal = Some(Vec::new());
        self.cell_journal.clear();
        self.cell_seen.clear();
    }

    /// Records a box's value before its first write in the journaled invocation (only called
    /// while journaling).
    #[inline(never)]
    fn journal_cell(&mut self, cell: &Value) {
        if let Value::Cell(c) = cell {
            if self.cell_seen.insert(std::rc::Rc::as_ptr(c)) {
                let old = c.borrow().clone();
                self.cell_journal.push((c.clone(), old));
            }
        }
    }

    /// Undoes the journaled writes, newest first: the globals of `journal`, and the boxes.
    pub fn restore_journal(&mut self, journal: Vec<(ovsm_ir::GlobalId, Option<Value>)>) {
        for (g, old) in journal.into_iter().rev() {
            if let Some(slot) = self.globals.get_mut(g.0 as usize) {
                *slot = old;
            }
        }
        for (cell, old) in std::mem::take(&mut self.cell_journal).into_iter().rev() {
            *cell.borrow_mut() = old;
        }
        self.cell_seen.clear();
    }

    /// Runs the IR's instructions one by one, without the fused ops of `vm/fuse.rs`, from the
    /// next run on. Fusion must change nothing a program can observe (values, output, errors and
    /// their spans, compute units); `runtime/tests/fusion.rs` runs the corpus both ways.
    pub fn set_fusion(&mut self, on: bool) {
        self.fusion = on;
        self.ops.clear();
    }

    pub fn depth(&self) -> usize {
        self.frames.len()
    }
}

pub fn constant_value(c: &Constant) -> Value {
    match c {
        Constant::Float(f) => Value::Float(*f),
        Constant::Str(s) => Value::str(s),
        Constant::Keyword(k) => Value::Keyword(Rc::from(k.as_str())),
        Constant::Int(n) => Value::Int(*n),
        Constant::Bool(b) => Value::Bool(*b),
        Constant::Nil => Value::Nil,
        Constant::Program(p) => Value::Program(Rc::from(p.as_str())),
        Constant::Array(items) => Value::array(items.iter().map(constant_value).collect()),
        Constant::Map(items) => {
            let mut m = crate::map::Map::new();
            for (k, v) in items {
                let key = constant_value(k);
                if let Some(mk) = crate::map::Key::of(&key) {
                    m.insert(mk, key, constant_value(v));
                }
            }
            Value::Map(Rc::new(m))
        }
    }
}
