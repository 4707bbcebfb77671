//! The autonomous syscalls of compiled programs, registered in the bank's VM. Each is the
//! interpreter's builtin of the same name (`builtins/syscalls.rs`) behind the C ABI that
//! [`ovsm_stdlib::syscalls::SYSCALLS`] states, so both back ends reach one Program Scheduler.
//!
//! While a compiled invocation runs, the bank executes the transaction and the scheduler is
//! needed by the syscalls at the same time; the bank cannot lend itself out, so the session
//! moves the chain (everything but the bank) into this thread's [`LENT`] for the length of the
//! transaction ([`with_lent_chain`]).

use super::wire;
use crate::builtins::Ctx;
use crate::chain::Chain;
use crate::value::Value;
use crate::Fault;
use litesvm::LiteSVM;
use ovsm_stdlib::syscalls::{Syscall, SYSCALLS};
use solana_program_runtime::invoke_context::InvokeContext;
use solana_program_runtime::memory::translate_slice;
use solana_program_runtime::solana_sbpf::declare_builtin_function;
use solana_program_runtime::solana_sbpf::program::BuiltinFunctionDefinition;
use std::cell::RefCell;

thread_local! {
    static LENT: RefCell<Option<Chain>> = const { RefCell::new(None) };
}

/// Runs `f` (which sends a transaction) with `chain` available to the syscalls, and gives it
/// back afterwards. Without a lent chain the syscalls fail, as they would outside the runtime.
pub(crate) fn with_lent_chain<R>(chain: &mut Chain, f: impl FnOnce() -> R) -> R {
    let placeholder = Chain::new(chain.config.clone());
    LENT.with(|lent| *lent.borrow_mut() = Some(std::mem::replace(chain, placeholder)));
    let result = f();
    if let Some(back) = LENT.with(|lent| lent.borrow_mut().take()) {
        *chain = back;
    }
    result
}

/// Registers every syscall of the table. Must run before the bank loads any program.
pub(crate) fn register(svm: LiteSVM) -> LiteSVM {
    let mut symbols: Vec<&str> = SYSCALLS.iter().map(|s| s.symbol).collect();
    symbols.dedup();
    symbols.into_iter().fold(svm, |svm, symbol| match symbol {
        "sol_subscribe_event" => svm.with_custom_syscall(symbol, SolSubscribeEvent::register),
        "sol_watch_account" => svm.with_custom_syscall(symbol, SolWatchAccount::register),
        "sol_emit_event" => svm.with_custom_syscall(symbol, SolEmitEvent::register),
        "sol_schedule_execution" => svm.with_custom_syscall(symbol, SolScheduleExecution::register),
        "sol_query_subscriptions" => svm.with_custom_syscall(symbol, SolQuerySubscriptions::register),
        _ => svm.with_custom_syscall(symbol, SolOvsmSubscriptionOp::register),
    })
}

type SyscallResult = Result<u64, Box<dyn std::error::Error>>;

macro_rules! syscall {
    ($name:ident, $symbol:literal) => {
        declare_builtin_function!(
            $name,
            fn rust(
                invoke_context: &mut InvokeContext<'_, '_>,
                args: u64,
                len: u64,
                out: u64,
                cap: u64,
                selector: u64,
            ) -> Result<u64, Box<dyn std::error::Error>> {
                let syscall =
                    SYSCALLS.iter().find(|s| s.symbol == $symbol && (s.selector == selector || $symbol != "sol_ovsm_subscription_op"));
                dispatch(invoke_context, syscall, [args, len, out, cap])
            }
        );
    };
}

syscall!(SolSubscribeEvent, "sol_subscribe_event");
syscall!(SolWatchAccount, "sol_watch_account");
syscall!(SolEmitEvent, "sol_emit_event");
syscall!(SolScheduleExecution, "sol_schedule_execution");
syscall!(SolQuerySubscriptions, "sol_query_subscriptions");
syscall!(SolOvsmSubscriptionOp, "sol_ovsm_subscription_op");

/// Decodes the arguments, runs the builtin against the lent chain, writes its answer back.
fn dispatch(ic: &mut InvokeContext<'_, '_>, syscall: Option<&Syscall>, [args, len, out, cap]: [u64; 4]) -> SyscallResult {
    let Some(syscall) = syscall else {
        return Err("no such OVSM syscall operation".into());
    };
    let cost = ovsm_stdlib::BUILTINS.iter().find(|b| b.name == syscall.builtin).map_or(100, |b| u64::from(b.cost));
    ic.compute_meter.consume_checked(cost)?;
    let check_aligned = ic.get_check_aligned();
    let bytes = translate_slice::<u8>(ic.memory_contexts.memory_mapping()?, args, len, check_aligned)?.to_vec();
    let answer = match wire::decode(&bytes) {
        Ok(Value::Array(items)) => call(syscall.builtin, &items.iter().cloned().collect::<Vec<_>>()),
        Ok(_) | Err(_) => Err(Fault::new("E0299", "internal error: malformed syscall arguments")),
    };
    let (mut reply, failed) = match answer.and_then(|v| wire::encode(&v).map_err(Fault::value_error)) {
        Ok(bytes) => (bytes, 0),
        Err(fault) => {
            let code: u32 = fault.code.trim_start_matches('E').parse().unwrap_or(299);
            let mut bytes = code.to_le_bytes().to_vec();
            bytes.extend_from_slice(fault.message.as_bytes());
            (bytes, 1)
        }
    };
    if reply.len() as u64 > cap {
        let message = format!("`{}`: its result of {} bytes is more than a compiled program can receive", syscall.builtin, reply.len());
        reply = 211u32.to_le_bytes().iter().copied().chain(message.bytes()).take(cap as usize).collect();
    }
    let mapping = ic.memory_contexts.memory_mapping_mut()?;
    for (k, byte) in reply.iter().enumerate() {
        if let solana_program_runtime::solana_sbpf::error::ProgramResult::Err(e) = mapping.store::<u8>(*byte, out + k as u64) {
            return Err(Box::new(e));
        }
    }
    Ok(((reply.len() as u64) << 1) | failed)
}

/// The interpreter's builtin, run against the lent chain.
fn call(builtin: &str, args: &[Value]) -> Result<Value, Fault> {
    let Some(native) = crate::builtins::native(builtin) else {
        return Err(Fault::new("E0299", format!("internal error: no builtin `{builtin}`")));
    };
    LENT.with(|lent| {
        let mut lent = lent.borrow_mut();
        let Some(chain) = lent.as_mut() else {
            return Err(Fault::value_error(format!("`{builtin}` is only available to programs the OVSM runtime invokes")));
        };
        let program = ovsm_ir::Program::default();
        let mut sink = crate::host::RecordingHost::default();
        let mut ctx = Ctx { program: &program, host: &mut sink, memory_limit: 64 << 20, log_prefix: "", chain };
        native(&mut ctx, args)
    })
}
