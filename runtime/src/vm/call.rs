//! Entering functions: argument checks, `&optional` and `&rest`, the depth limit.

use super::{Frame, Vm};
use crate::builtins::Ctx;
use crate::fault::Fault;
use crate::value::{Closure, Value};
use ovsm_ir::{FuncId, Program};
use std::rc::Rc;

impl Vm {
    /// Pushes a frame for `func` whose arguments sit above `callee` on the stack.
    pub(super) fn enter(
        &mut self,
        program: &Program,
        func: FuncId,
        closure: Option<Rc<Closure>>,
        callee: usize,
        argc: usize,
    ) -> Result<(), Fault> {
        let Some(f) = program.function(func) else {
            return Err(Fault::new(
                "E0299",
                "internal error: call of a function that does not exist",
            ));
        };
        if self.frames.len() >= self.limits.max_depth {
            return Err(Fault::fatal(
                "E0208",
                format!(
                    "recursion depth limit ({}) exceeded in `{}`",
                    self.limits.max_depth, f.name
                ),
            ));
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
        let base = callee + 1;
        if p.rest {
            let fixed = required + optional;
            let extra: crate::value::Array = if argc > fixed {
                self.stack.drain(base + fixed..).collect()
            } else {
                crate::value::Array::new()
            };
            self.stack.resize(base + fixed, Value::Nil);
            self.stack.push(Value::array(extra));
        }
        self.stack.resize(base + f.n_slots as usize, Value::Nil);
        self.frames.push(Frame {
            func,
            pc: 0,
            base,
            closure,
        });
        Ok(())
    }

    /// Calls the value at `callee` with the `argc` values above it.
    /// Returns true when a frame was pushed, false when a builtin already left its result.
    pub(super) fn call_value(
        &mut self,
        program: &Program,
        callee: usize,
        argc: usize,
    ) -> Result<bool, Fault> {
        match self.stack.get(callee) {
            Some(Value::Closure(c)) => {
                let c = c.clone();
                self.enter(program, c.func, Some(c), callee, argc)?;
                Ok(true)
            }
            Some(Value::Builtin(id)) => {
                let id = *id;
                let result = self.call_builtin(program, id, callee + 1, argc)?;
                self.stack.truncate(callee);
                self.stack.push(result);
                Ok(false)
            }
            Some(other) => Err(Fault::type_error(format!(
                "cannot call a value of type {}: it is not a function",
                other.type_name()
            ))),
            None => Err(Fault::new(
                "E0299",
                "internal error: call with an empty stack",
            )),
        }
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
        let native = self
            .natives
            .get(id.0 as usize)
            .copied()
            .ok_or_else(|| Fault::new("E0299", "internal error: unknown builtin"))?;
        let Vm {
            stack,
            host,
            limits,
            log_prefix,
            ..
        } = self;
        let args = stack.get(first..first + argc).unwrap_or(&[]);
        let mut ctx = Ctx {
            program,
            host: host.as_mut(),
            memory_limit: limits.memory_limit,
            log_prefix,
        };
        native(&mut ctx, args)
    }

    pub(super) fn check_memory(&self) -> Result<(), Fault> {
        let live = crate::alloc_meter::live_bytes();
        if live > self.limits.memory_limit {
            return Err(Fault::fatal(
                "E0209",
                format!(
                    "memory limit exceeded: {} MiB in use, the limit is {} MiB",
                    live >> 20,
                    self.limits.memory_limit >> 20
                ),
            ));
        }
        Ok(())
    }
}
