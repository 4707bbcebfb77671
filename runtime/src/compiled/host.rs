//! Compiled autonomous programs in the simulated runtime: `ovsm run OUT.so` deploys the `.so`
//! into the chain's bank, runs its top level as a transaction, deploys the programs it
//! announces (the same `.so`, one address each) and runs their startup code; the scheduler then
//! invokes them with real transactions, exactly where it would call the interpreter.
//!
//! The program ABI (instruction data, state account, channels) is in
//! `codegen/support/auto.ll`.

use super::deploy::{self, Invocation};
use super::directory::{self, Bound, Owner};
use super::{read_logs, wire, ScriptOutcome, ScriptRun};
use crate::chain::bank::AccountView;
use crate::chain::ProgramInfo;
use crate::fault::RuntimeError;
use crate::session::Session;
use crate::value::{CompiledFn, Value};
use crate::Fault;
use ovsm_lexer::Span;
use solana_instruction::AccountMeta;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// What the session keeps of a deployed compiled program.
pub(crate) struct CompiledState {
    payer: Keypair,
    /// Each program's number of `on-startup` clauses, by program index (a compiled run's
    /// programs are the chain's only ones).
    startups: Vec<u32>,
    /// The program's global variables by index (from its site map).
    globals: Vec<String>,
    /// The site of the last error a program reported, so a failing `on-startup` clause is shown
    /// at its form, as the interpreter shows it.
    last_error_site: u64,
}

/// The accounts an invocation passes: for the transaction, for the program's directory
/// (address and owner of each), and their state before it.
struct Passed {
    metas: Vec<AccountMeta>,
    owners: Vec<(String, Owner)>,
    before: Vec<(String, Option<AccountView>)>,
}

/// The accounts passed (address, owner) and the bindings, for the directory.
type Directory<'a> = (&'a [(String, Owner)], &'a [(usize, Bound)]);

/// What the instruction data's first byte asks for.
#[derive(Clone, Copy)]
enum Mode {
    TopLevel = 0,
    Startup = 1,
    Handler = 2,
    Callback = 3,
    /// At deployment: keep the top level's globals, or evaluate handler `clause` once.
    Install = 4,
}

/// What a program's deployment runs before its startup clauses (on the `p` channel, after the
/// number of startup clauses and a `/`).
struct Installs {
    /// The top level reads the chain: an install keeps its globals in the state.
    keeps_top_level: bool,
    /// Per handler: its expression is evaluated once, by an install.
    evaluated_once: Vec<bool>,
}

impl Installs {
    /// `T` or `-`, then `E` or `-` per handler (none: a `.so` built before installs existed).
    fn parse(flags: Option<&str>) -> Installs {
        let mut flags = flags.unwrap_or("-").chars();
        Installs { keeps_top_level: flags.next() == Some('T'), evaluated_once: flags.map(|c| c == 'E').collect() }
    }
}

/// `on-startup` runs under the largest per-transaction budget (contract section 6).
const STARTUP_BUDGET: u64 = 1_400_000;

impl Session {
    /// Runs a compiled program: its top level (output to the host), then, if it declares
    /// autonomous programs, their deployment and startup. `globals` are the names of the
    /// program's globals (from its site map), for binding the scenario's account names.
    pub fn run_compiled(&mut self, so: &[u8], globals: &[String]) -> Result<ScriptRun, String> {
        let payer = deploy::payer();
        let svm = self.vm.chain.bank().svm();
        deploy::fund(svm, &payer)?;
        let script = deploy::keypair("ovsm:program");
        deploy::deploy(svm, &payer, so, &script)?;
        let Passed { metas, owners, before } = self.accounts(payer.pubkey(), None);
        let bindings = self.bindings(globals, &before);
        let data = header(Mode::TopLevel, (0, 0), 0, 0, [&Value::Nil, &Value::Nil, &Value::Nil], &[], (&owners, &bindings))?;
        // The syscalls see the chain (and refuse to work outside a program, as the builtins do).
        let mut bank = self.vm.chain.take_bank();
        let invocation = super::with_lent_chain(&mut self.vm.chain, || {
            deploy::at_wall_clock(bank.svm(), |svm| {
                deploy::invoke(svm, &payer, script.pubkey(), &data, metas, deploy::SCRIPT_COMPUTE_LIMIT)
            })
        });
        self.vm.chain.put_bank(bank);
        let run = read_logs(&invocation);
        self.vm.host.write(&run.stdout);
        let announced = announcements(&invocation);
        let top_level_ok = matches!(run.outcome, ScriptOutcome::Value(_));
        self.compiled = Some(CompiledState { payer, startups: Vec::new(), globals: globals.to_vec(), last_error_site: u64::MAX });
        if !top_level_ok || announced.is_empty() {
            return Ok(run);
        }
        let first = self.vm.chain.programs.len();
        let mut started = Ok(());
        for (name, startups, installs, events) in announced {
            self.register_compiled(so, &name, startups, &events)?;
            // As the interpreter evaluates a program's handlers as it deploys it.
            started = self.install_compiled(self.vm.chain.programs.len() - 1, &installs, &events);
            if started.is_err() {
                break;
            }
        }
        if let Err(error) = started.and_then(|()| self.start_compiled(first)) {
            let code = error.fault.code.to_string();
            let site = self.compiled.as_ref().map_or(u64::MAX, |c| c.last_error_site);
            return Ok(ScriptRun {
                stdout: String::new(),
                outcome: ScriptOutcome::Error { site, code, message: error.fault.message },
                compute_units: run.compute_units,
            });
        }
        Ok(run)
    }

    /// The scenario's account names that are globals of the program, which the program binds
    /// at entry: global index, then the account's position among those `passed` (the global
    /// takes that account's address in the directory, one string object for both) or, for an
    /// account the bank does not hold, its address.
    fn bindings(&self, globals: &[String], passed: &[(String, Option<AccountView>)]) -> Vec<(usize, Bound)> {
        let mut bindings = Vec::new();
        for (name, address) in &self.vm.chain.account_names {
            if let Some(g) = globals.iter().position(|n| n == name) {
                bindings.push((
                    g,
                    match passed.iter().position(|(a, _)| a == address) {
                        Some(k) => Bound::Passed(k),
                        None => Bound::Unheld(address.clone()),
                    },
                ));
            }
        }
        bindings
    }

    /// The accounts every invocation passes after its state account (`first`): the scenario's
    /// accounts the bank holds, writable (the runtime lets a program change only what it owns);
    /// their addresses and owners for the program's directory (the running `program` and the
    /// system program as such, see directory.rs); and their state now, for finding what the
    /// invocation changed.
    fn accounts(&mut self, first: solana_address::Address, program: Option<&str>) -> Passed {
        let mut metas = vec![AccountMeta::new(first, false)];
        let mut owners = Vec::new();
        let mut before = Vec::new();
        let addresses: Vec<String> = self.vm.chain.account_names.iter().map(|(_, a)| a.clone()).collect();
        for address in addresses {
            let (Some(view), Ok(key)) = (self.vm.chain.bank().account(&address), crate::chain::bank::address(&address)) else { continue };
            metas.push(AccountMeta::new(key, false));
            let owner = match view.owner.as_str() {
                owner if Some(owner) == program => Owner::Program,
                crate::chain::bank::SYSTEM_PROGRAM => Owner::System,
                owner => Owner::Other(owner.to_string()),
            };
            owners.push((address.clone(), owner));
            before.push((address, Some(view)));
        }
        Passed { metas, owners, before }
    }

    /// Deploys the `.so` again at the program's own address and gives it a state account.
    fn register_compiled(&mut self, so: &[u8], name: &str, startups: u32, events: &[String]) -> Result<(), String> {
        let index = self.vm.chain.programs.len();
        let key = deploy::keypair(&format!("ovsm:program:{name}"));
        let Some(state) = self.compiled.as_mut() else { return Err("no compiled program is loaded".into()) };
        state.startups.push(startups);
        let svm = self.vm.chain.bank().svm();
        deploy::deploy(svm, &deploy::payer(), so, &key)?;
        let address = key.pubkey().to_string();
        let handlers = events
            .iter()
            .enumerate()
            .map(|(k, event)| {
                (event.clone(), Value::Compiled(std::rc::Rc::new(CompiledFn::Handler { program: index as u32, index: k as u32 })))
            })
            .collect();
        let state_address = crate::program_address(&format!("state:{name}"));
        self.vm.chain.programs.push(ProgramInfo {
            name: name.to_string(),
            address: address.clone(),
            handlers,
            state_address: state_address.clone(),
            state_globals: Default::default(),
            fee_address: crate::program_address(&format!("fees:{name}")),
            stake_lamports: 0,
            suspended: false,
        });
        // u32 length, then the state. The limit is the interpreter's, on the state as the
        // interpreter writes it (checked after each invocation, `state_size`); the
        // account has room for twice that in the wire format, and its last 4 bytes are for a
        // closure handed back (`take_handed_back`).
        let data = vec![0; 2 * self.vm.chain.config.state_bytes_limit + 8];
        self.vm.chain.bank().set_account(&state_address, AccountView { lamports: 1_000_000_000, owner: address, data })?;
        self.fund(index);
        Ok(())
    }

    /// Runs program `index`'s installs (support/auto.ll, mode 4): one that keeps the top level's
    /// globals in the state, and one per handler evaluated once, whose value the runtime keeps
    /// and calls as a callback from then on.
    fn install_compiled(&mut self, index: usize, installs: &Installs, events: &[String]) -> Result<(), RuntimeError> {
        let once: Vec<usize> = installs.evaluated_once.iter().enumerate().filter(|(_, e)| **e).map(|(k, _)| k).collect();
        if installs.keeps_top_level && once.is_empty() {
            let (result, _) = self.invoke_compiled(index, Mode::Install, u32::MAX, &Value::Nil, &[], STARTUP_BUDGET);
            self.drain_notices();
            result?;
        }
        for k in once {
            let event = Value::str(events.get(k).map_or("", String::as_str));
            let (result, _) = self.invoke_compiled(index, Mode::Install, k as u32, &Value::Nil, &[event], STARTUP_BUDGET);
            self.drain_notices();
            let handler = result?;
            if let Some((_, slot)) = self.vm.chain.programs.get_mut(index).and_then(|p| p.handlers.get_mut(k)) {
                *slot = handler;
            }
        }
        Ok(())
    }

    /// Runs each new program's startup clauses at the current slot, as the interpreter does.
    fn start_compiled(&mut self, first: usize) -> Result<(), RuntimeError> {
        let startups: Vec<u32> = self.compiled.as_ref().map(|s| s.startups.clone()).unwrap_or_default();
        for index in first..self.vm.chain.programs.len() {
            for clause in 0..startups.get(index).copied().unwrap_or(0) {
                self.vm.chain.touched.clear();
                let (result, _) = self.invoke_compiled(index, Mode::Startup, clause, &Value::Nil, &[], STARTUP_BUDGET);
                self.drain_notices();
                result?;
                self.flush_ring(index);
                let touched = std::mem::take(&mut self.vm.chain.touched);
                self.vm.chain.evaluate_watchers(&touched);
            }
        }
        self.process_slot(self.vm.chain.slot);
        Ok(())
    }

    /// Calls a compiled function the scheduler holds; the value it returned and the compute
    /// units the VM metered.
    pub(crate) fn call_compiled(
        &mut self,
        program: usize,
        f: &std::rc::Rc<CompiledFn>,
        args: &[Value],
        budget: u64,
    ) -> (Result<Value, RuntimeError>, u64) {
        match &**f {
            CompiledFn::Handler { index, .. } => self.invoke_compiled(program, Mode::Handler, *index, &Value::Nil, args, budget),
            CompiledFn::Closure { .. } => self.invoke_compiled(program, Mode::Callback, 0, &Value::Compiled(f.clone()), args, budget),
        }
    }

    /// One transaction invoking program `index`, with the chain lent to the syscalls.
    fn invoke_compiled(
        &mut self,
        index: usize,
        mode: Mode,
        clause: u32,
        callee: &Value,
        args: &[Value],
        budget: u64,
    ) -> (Result<Value, RuntimeError>, u64) {
        let failed = |message: String| RuntimeError { fault: Fault::new("E0299", message), span: Span::SYNTHETIC, trace: Vec::new() };
        let chain = &mut self.vm.chain;
        let Some((program, name, state, fees)) =
            chain.programs.get(index).map(|p| (p.address.clone(), p.name.clone(), p.state_address.clone(), p.fee_address.clone()))
        else {
            return (Err(failed(format!("internal error: no program {index}"))), 0);
        };
        let prefix = Value::str(&format!("[slot {} {name}] ", chain.slot));
        let Ok(state_key) = crate::chain::bank::address(&state) else {
            return (Err(failed("internal error: a state address does not parse".into())), 0);
        };
        let Passed { metas: mut accounts, owners, before } = self.accounts(state_key, Some(&program));
        let Some(compiled) = &self.compiled else { return (Err(failed("internal error: no compiled program".into())), 0) };
        let bindings = self.bindings(&compiled.globals, &before);
        let chain = &mut self.vm.chain;
        let values = [&Value::str(&program), &prefix, callee];
        let data = match header(mode, (index as u32, clause), chain.slot, chain.epoch(), values, args, (&owners, &bindings)) {
            Ok(data) => data,
            Err(why) => return (Err(RuntimeError { fault: Fault::value_error(why), span: Span::SYNTHETIC, trace: Vec::new() }), 0),
        };
        let Ok(program_key) = crate::chain::bank::address(&program) else {
            return (Err(failed("internal error: a program address does not parse".into())), 0);
        };
        chain.current = Some(index);
        chain.emitted_this_execution = 0;
        let mut bank = chain.take_bank();
        let balance = bank.account(&fees).map_or(0, |a| a.lamports);
        let state_before = bank.account(&state);
        chain.fees_lent = Some([(fees.clone(), balance)].into_iter().collect());
        let limit = u32::try_from(budget).unwrap_or(u32::MAX);
        let invocation: Invocation = super::with_lent_chain(chain, || {
            deploy::invoke(bank.svm(), &compiled.payer, program_key, &data, std::mem::take(&mut accounts), limit)
        });
        if invocation.failure.is_none() {
            // What the invocation wrote, for the watchers (as the interpreter's builtins record it).
            for (address, old) in before {
                if bank.account(&address) != old {
                    chain.touched.push((address, old));
                }
            }
        }
        if let Some(lent) = chain.fees_lent.take() {
            for (address, lamports) in lent {
                if let Some(mut account) = bank.account(&address) {
                    account.lamports = lamports;
                    let _ = bank.set_account(&address, account);
                }
            }
        }
        let limit = chain.config.state_bytes_limit;
        // The state account after a successful invocation, read once (it is 128 KiB).
        let after = if invocation.failure.is_none() { bank.account(&state) } else { None };
        let oversized = after.as_ref().and_then(|after| state_size(&after.data, &compiled.globals).filter(|size| *size > limit));
        if let (Some(_), Some(before)) = (oversized, state_before) {
            // As in the interpreter, state over the limit fails the invocation and is not kept.
            let _ = bank.set_account(&state, before);
        }
        let handed_back = match (after, oversized) {
            (Some(after), None) => take_handed_back(&mut bank, &state, after),
            _ => None,
        };
        chain.put_bank(bank);
        chain.current = None;
        let run = read_logs(&invocation);
        self.vm.host.write(&run.stdout);
        let used = invocation.compute_units.min(budget);
        // A callback that assigned a captured variable handed its closure back: every holder of
        // it sees the new captured values, as with an interpreted closure's boxes.
        if let (Mode::Callback, Value::Compiled(f), Some(bytes)) = (mode, callee, &handed_back) {
            if let (CompiledFn::Closure { wire: old, .. }, Ok(Value::Compiled(new))) = (&**f, wire::decode(bytes)) {
                if let CompiledFn::Closure { wire: new, .. } = &*new {
                    *old.borrow_mut() = new.take();
                }
            }
        }
        let result = match (run.outcome, &invocation.failure, oversized) {
            (ScriptOutcome::Error { site, code, message }, _, _) => {
                if let Some(state) = self.compiled.as_mut() {
                    state.last_error_site = site;
                }
                Err(RuntimeError { fault: Fault::new(super::static_code(&code), message), span: Span::SYNTHETIC, trace: Vec::new() })
            }
            (ScriptOutcome::Aborted(why), Some(_), _) => Err(failed(format!("the program was stopped by the VM: {why}"))),
            (_, _, Some(size)) => Err(RuntimeError {
                fault: Fault::value_error(format!("program state of {size} bytes exceeds the state account limit of {limit} bytes")),
                span: Span::SYNTHETIC,
                trace: Vec::new(),
            }),
            // An install's value is the handler it evaluated, handed back in the state account.
            _ if matches!(mode, Mode::Install) => match handed_back {
                Some(bytes) => wire::decode(&bytes).map_err(|why| failed(format!("internal error: a handler handed back: {why}"))),
                None => Ok(Value::Nil),
            },
            // No return data: the program returned nil (or what cannot cross).
            _ if invocation.return_data.is_empty() => Ok(Value::Nil),
            _ => wire::decode(&invocation.return_data).map_err(|why| failed(format!("internal error: the program's return data: {why}"))),
        };
        (result, used)
    }
}

/// The size of a compiled program's state as the interpreter writes a state account (one
/// `NAME VALUE` line per global), so both back ends apply the same limit to the same state.
fn state_size(data: &[u8], globals: &[String]) -> Option<usize> {
    let len = u32::from_le_bytes(data.get(..4)?.try_into().ok()?) as usize;
    if len == 0 {
        return Some(0);
    }
    let Value::Array(pairs) = wire::decode(data.get(4..4 + len)?).ok()? else { return None };
    let program = ovsm_ir::Program::default();
    let mut size = 0;
    for pair in pairs.iter().collect::<Vec<_>>().chunks(2) {
        let [Value::Int(g), value] = pair else { return None };
        let name = globals.get(usize::try_from(*g).ok()?).map_or("?", String::as_str);
        size += name.len() + 1 + crate::print::printed(value, &program).len() + 1;
    }
    Some(size)
}

/// The closure an invocation handed back at the end of its state account (support/auto.ll,
/// ovsm_hand_back): the last 4 bytes give its size, its bytes lie just before them. The size is
/// zeroed, so each closure is taken once.
fn take_handed_back(bank: &mut crate::chain::bank::Bank, state: &str, mut account: AccountView) -> Option<Vec<u8>> {
    let at = account.data.len().checked_sub(4)?;
    let size = u32::from_le_bytes(account.data.get(at..)?.try_into().ok()?) as usize;
    if size == 0 {
        return None;
    }
    let bytes = account.data.get(at.checked_sub(size)?..at)?.to_vec();
    account.data.get_mut(at..)?.fill(0);
    let _ = bank.set_account(state, account);
    Some(bytes)
}

/// The instruction data of an invocation (codegen/support/auto.ll): the header, three values
/// (the program's address, the `log` prefix, the callback), the arguments framed by their
/// length, the directory. The target is the program's index and the clause's.
fn header(
    mode: Mode,
    (program, clause): (u32, u32),
    slot: u64,
    epoch: u64,
    values: [&Value; 3],
    arguments: &[Value],
    directory: Directory,
) -> Result<Vec<u8>, String> {
    let mut data = vec![mode as u8];
    data.extend_from_slice(&((u64::from(program) << 32) | u64::from(clause)).to_le_bytes());
    data.extend_from_slice(&slot.to_le_bytes());
    data.extend_from_slice(&epoch.to_le_bytes());
    for value in values {
        data.extend(wire::encode(value)?);
    }
    // The arguments (an array) go as a u64 length and their encoding, which the program decodes
    // straight onto its value stack when it calls the callee (`ovsm_push_args`), and skips
    // until then; none go as length 0.
    let encoded = if arguments.is_empty() { Vec::new() } else { wire::encode_arguments(arguments)? };
    data.extend_from_slice(&(encoded.len() as u64).to_le_bytes());
    data.extend(encoded);
    directory::append(&mut data, directory.0, directory.1)?;
    Ok(data)
}

/// The programs a top-level run announced on the `p` channel: name, number of startup clauses,
/// what the deployment installs, event ids.
fn announcements(invocation: &Invocation) -> Vec<(String, u32, Installs, Vec<String>)> {
    let mut programs = Vec::new();
    for line in &invocation.logs {
        let Some(text) = line.strip_prefix("Program log: p") else { continue };
        let mut fields = text.split('\t');
        let (Some(name), Some(counts)) = (fields.next(), fields.next()) else { continue };
        // the number of startup clauses, then `/` and what the deployment installs
        let (startups, installs) = counts.split_once('/').map_or((counts, None), |(n, flags)| (n, Some(flags)));
        let Ok(startups) = startups.parse() else { continue };
        programs.push((name.to_string(), startups, Installs::parse(installs), fields.map(str::to_string).collect()));
    }
    programs
}
