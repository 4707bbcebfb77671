//! Native implementations of the builtins in the stdlib table, one file per family.

mod accounts;
mod arrays;
pub use arrays::append_in_place;
pub use maps::assoc_in_place;
mod maps;
pub mod numbers;
mod output;
mod strings;
mod syscalls;
mod types;

use crate::host::Host;
use crate::{Fault, Value};
use ovsm_ir::Program;
use ovsm_stdlib::{Implementation, BUILTINS};

/// What a builtin may touch besides its arguments.
pub struct Ctx<'a> {
    pub program: &'a Program,
    pub host: &'a mut dyn Host,
    /// Bytes a builtin may allocate up front (e.g. `range`) before the memory check.
    pub memory_limit: usize,
    /// Prefix for `log` lines, e.g. `[slot 100 heartbeat] ` inside autonomous handlers.
    pub log_prefix: &'a str,
    /// The simulated chain and its Program Scheduler, for the autonomous syscalls.
    pub chain: &'a mut crate::chain::Chain,
}

pub type NativeFn = fn(&mut Ctx, &[Value]) -> Result<Value, Fault>;

/// The implementation of every native builtin, indexed like [`BUILTINS`].
/// Prelude builtins get a function that reports the prelude missing (never reached: lowering
/// resolves them to prelude globals).
pub fn table() -> Vec<NativeFn> {
    BUILTINS.iter().map(|b| native(b.name).filter(|_| b.implementation == Implementation::Native).unwrap_or(missing)).collect()
}

fn missing(_: &mut Ctx, _: &[Value]) -> Result<Value, Fault> {
    Err(Fault::new("E0299", "internal error: builtin has no native implementation"))
}

/// Looks up the native implementation of a builtin by name.
pub fn native(name: &str) -> Option<NativeFn> {
    numbers::lookup(name)
        .or_else(|| strings::lookup(name))
        .or_else(|| arrays::lookup(name))
        .or_else(|| maps::lookup(name))
        .or_else(|| types::lookup(name))
        .or_else(|| output::lookup(name))
        .or_else(|| syscalls::lookup(name))
        .or_else(|| accounts::lookup(name))
}

/// Argument helpers shared by the families.
pub(crate) fn int_arg(op: &str, v: &Value) -> Result<i64, Fault> {
    match v {
        Value::Int(n) => Ok(*n),
        other => Err(Fault::expected(op, "an integer", other)),
    }
}

pub(crate) fn str_arg<'v>(op: &str, v: &'v Value) -> Result<&'v str, Fault> {
    match v {
        Value::Str(s) => Ok(s),
        other => Err(Fault::expected(op, "a string", other)),
    }
}

pub fn array_arg<'v>(op: &str, v: &'v Value) -> Result<&'v crate::value::Array, Fault> {
    match v {
        Value::Array(a) => Ok(a),
        other => Err(Fault::expected(op, "an array", other)),
    }
}

/// The first argument; arity is checked before any builtin runs, so this never fails in practice.
pub(crate) fn arg(args: &[Value], i: usize) -> &Value {
    const NIL: Value = Value::Nil;
    args.get(i).unwrap_or(&NIL)
}

/// Refuses an allocation of `count` values that would blow the memory limit on its own.
pub(crate) fn check_size(ctx: &Ctx, count: usize, what: &str) -> Result<(), Fault> {
    let bytes = count.saturating_mul(std::mem::size_of::<Value>());
    if bytes > ctx.memory_limit {
        return Err(Fault::fatal(
            "E0209",
            format!("memory limit exceeded: {what} of {count} elements needs more than {} MiB", ctx.memory_limit >> 20),
        ));
    }
    Ok(())
}
