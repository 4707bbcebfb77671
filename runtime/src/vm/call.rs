//! Entering and leaving functions: argument checks, `&optional` and `&rest`, the depth limit,
//! calls through a global (no callee slot), and tail calls that reuse the caller's stack space.

use super::{Frame, Vm};
use crate::builtins::Ctx;
use crate::fault::Fault;
use crate::value::{Closure, Value};
use ovsm_ir::{FuncId, GlobalId, Program};
use std::rc::Rc;

/// The environment a frame keeps: only closures that captured something need one, so calls of
/// plain functions never touch a reference count.
fn env_of(c: &Rc<Closure>) -> Option<Rc<Closure>> {
    (!c.captures.is_empty()).then(|| c.clone())
}

impl Vm {
    /// Pushes a frame for `func` whose `argc` arguments start at stack index `base`; on return
    /// the stack is cut back to `ret` and the result pushed.
    #[inline(always)]
    pub(super) fn enter(
        &mut self,
        program: &Program,
        func: FuncId,
        env: Option<Rc<Closure>>,
        base: usize,
        argc: usize,
        ret: usize,
    ) -> Result<(), Fault> {
        let Some(f) = program.function(func) else {
            return Err(Fault::new("E0299", "internal error: call of a function that does not exist"));
        };
        if self.frames.len() >= self.limits.max_depth {
            return Err(Fault::fatal("E0208", format!("recursion depth limit ({}) exceeded in `{}`", self.limits.max_depth, f.name)));
        }
        let p = f.params;
        let (required, optional) = (p.required as usize, p.optional as usize);
        if argc < required || (!p.rest && argc > required + optional) {
            let expected = match (optional, p.rest) {
                (0, false) => required.to_string(),
                (_, false) => format!("{} to {}", required, required + optional),
                (_, true) => format!("at least {required}"),
            };
            return Err(Fault::arity(&f.name, &expected, argc));
        }
        if p.rest {
            let fixed = required + optional;
            let extra: crate::value::Array =
                if argc > fixed { self.stack.drain_from(base + fixed).collect() } else { crate::value::Array::new() };
            while self.stack.len() < base + fixed {
                self.stack.push(Value::Nil);
            }
            self.stack.push(Value::array(extra));
        }
        let top = base + f.n_slots as usize;
        while self.stack.len() < top {
            self.stack.push(Value::Nil);
        }
        self.frames.push(Frame { func, pc: 0, base, ret, closure: env });
        Ok(())
    }

    /// Calls the value at `callee` with the `argc` values above it.
    /// Returns true when a frame was pushed, false when a builtin already left its result.
    pub(super) fn call_value(&mut self, program: &Program, callee: usize, argc: usize) -> Result<bool, Fault> {
        match self.stack.get(callee) {
            Some(Value::Closure(c)) => {
                let (func, env) = (c.func, env_of(c));
                self.enter(program, func, env, callee + 1, argc, callee)?;
                Ok(true)
            }
            Some(Value::Builtin(id)) => {
                let id = *id;
                let result = self.call_builtin(program, id, callee + 1, argc)?;
                self.stack.truncate(callee);
                self.stack.push(result);
                Ok(false)
            }
            Some(other) => Err(not_callable(other)),
            None => Err(Fault::new("E0299", "internal error: call with an empty stack")),
        }
    }

    /// Calls the function in global `g` with the `argc` values on top of the stack.
    #[inline(always)]
    pub(super) fn call_global(&mut self, program: &Program, g: GlobalId, argc: usize) -> Result<bool, Fault> {
        let first = self.stack.len() - argc;
        match self.globals.get(g.0 as usize) {
            Some(Some(Value::Closure(c))) => {
                let (func, env) = (c.func, env_of(c));
                self.enter(program, func, env, first, argc, first)?;
                Ok(true)
            }
            Some(Some(Value::Builtin(id))) => {
                let id = *id;
                let result = self.call_builtin(program, id, first, argc)?;
                self.stack.truncate(first);
                self.stack.push(result);
                Ok(false)
            }
            Some(Some(other)) => Err(not_callable(other)),
            _ => Err(Fault::new("E0201", format!("undefined function `{}`", program.global_name(g)))),
        }
    }

    /// Replaces the running frame with a call of the closure whose callee slot (if `has_callee`)
    /// and arguments start at `from`. The new frame takes over the old one's stack space.
    pub(super) fn tail_enter(
        &mut self,
        program: &Program,
        c: &Rc<Closure>,
        from: usize,
        argc: usize,
        has_callee: bool,
    ) -> Result<(), Fault> {
        let Some(current) = self.frames.pop() else {
            return Err(Fault::new("E0299", "internal error: tail call without a frame"));
        };
        let dest = current.ret;
        let n = argc + usize::from(has_callee);
        for i in 0..n {
            self.stack.swap(dest + i, from + i);
        }
        self.stack.truncate(dest + n);
        let base = dest + usize::from(has_callee);
        let result = self.enter(program, c.func, env_of(c), base, argc, dest);
        if result.is_err() {
            // Keep the replaced frame so the trace shows where the call was made.
            self.frames.push(current);
        }
        result
    }

    /// Pops the current frame, leaving its result where the call started.
    /// Returns true when that was the run's last frame.
    #[inline(always)]
    pub(super) fn do_return(&mut self, stop: usize) -> bool {
        if let Some(f) = self.frames.pop() {
            // The result moves down into the call's first slot, and everything above it goes.
            self.stack.collapse_to(f.ret);
        }
        self.frames.len() <= stop
    }

    /// Runs a native builtin on the `argc` values starting at `first`, leaving the stack as is.
    pub(super) fn call_builtin(
        &mut self,
        program: &Program,
        id: ovsm_stdlib::BuiltinId,
        first: usize,
        argc: usize,
    ) -> Result<Value, Fault> {
        let Some(b) = ovsm_stdlib::get(id) else {
            return Err(Fault::new("E0299", "internal error: unknown builtin"));
        };
        if !b.arity.accepts(argc) {
            return Err(Fault::arity(b.name, &b.arity.describe(), argc));
        }
        self.compute_used = self.compute_used.saturating_add(u64::from(b.cost));
        self.check_memory()?;
        let native = self.natives.get(id.0 as usize).copied().ok_or_else(|| Fault::new("E0299", "internal error: unknown builtin"))?;
        let Vm { stack, host, limits, log_prefix, chain, .. } = self;
        let args = stack.range(first..first + argc).unwrap_or(&[]);
        let mut ctx = Ctx { program, host: host.as_mut(), memory_limit: limits.memory_limit, log_prefix, chain };
        native(&mut ctx, args)
    }

    pub(super) fn check_memory(&self) -> Result<(), Fault> {
        let live = crate::alloc_meter::live_bytes();
        if live > self.limits.memory_limit {
            return Err(Fault::fatal(
                "E0209",
                format!("memory limit exceeded: {} MiB in use, the limit is {} MiB", live >> 20, self.limits.memory_limit >> 20),
            ));
        }
        Ok(())
    }
}

fn not_callable(v: &Value) -> Fault {
    Fault::type_error(format!("cannot call a value of type {}: it is not a function", v.type_name()))
}
