//! Running autonomous programs: deployment, startup at slot 0, and the slot loop that feeds due
//! work through the interpreter under the Program Scheduler's rules.

use crate::chain::{Job, ProgramInfo, SubState, TraceEvent, WorkItem};
use crate::fault::RuntimeError;
use crate::session::Session;
use crate::value::Value;

/// See [`Session::withdrawn`].
enum Withdrawn {
    Wait,
    Cancelled,
    DeadLetter(String),
}

/// `on-startup` runs under the largest per-transaction budget (contract section 6).
const STARTUP_BUDGET: u64 = 1_400_000;

/// A base58 address derived from a program's name, so runs are reproducible: the public key of
/// the keypair seeded with `ovsm:program:NAME`, which is where `ovsm run OUT.so` deploys the
/// compiled program, so that `program-id` is the same on both back ends.
pub fn program_address(name: &str) -> String {
    use solana_signer::Signer;
    crate::compiled::keypair(&format!("ovsm:program:{name}")).pubkey().to_string()
}

impl Session {
    /// Deploys the programs declared since `first` and runs their `on-startup` code at slot 0,
    /// then delivers what startup emitted.
    pub(crate) fn deploy_and_start(&mut self, first: usize) -> Result<(), RuntimeError> {
        let decls: Vec<_> = self.program().programs.iter().skip(first).cloned().collect();
        for decl in &decls {
            let index = self.vm.chain.programs.len();
            self.vm.chain.programs.push(ProgramInfo {
                name: decl.name.clone(),
                address: program_address(&decl.name),
                handlers: Vec::new(),
                state_address: program_address(&format!("state:{}", decl.name)),
                state_globals: Default::default(),
                fee_address: program_address(&format!("fees:{}", decl.name)),
                stake_lamports: 0,
                suspended: false,
            });
            self.fund(index);
            self.vm.chain.current = Some(index);
            for (event, thunk, span) in &decl.handlers {
                let handler = self.run_in_program(index, *thunk, STARTUP_BUDGET)?;
                if !matches!(handler, Value::Closure(_) | Value::Builtin(_)) {
                    return Err(RuntimeError {
                        fault: crate::Fault::type_error(format!(
                            "the handler for \"{event}\" must be a function, got {}",
                            handler.type_name()
                        )),
                        span: *span,
                        trace: Vec::new(),
                    });
                }
                if let Some(p) = self.vm.chain.programs.get_mut(index) {
                    p.handlers.push((event.clone(), handler));
                }
            }
        }
        for (offset, decl) in decls.iter().enumerate() {
            let index = self.vm.chain.programs.len() - decls.len() + offset;
            for thunk in &decl.startup {
                self.vm.chain.touched.clear();
                self.run_in_program(index, *thunk, STARTUP_BUDGET)?;
                self.flush_ring(index);
                let touched = std::mem::take(&mut self.vm.chain.touched);
                self.vm.chain.evaluate_watchers(&touched);
            }
        }
        if !decls.is_empty() {
            // Programs deployed later (from the REPL) start in the current slot, not at slot 0.
            self.process_slot(self.vm.chain.slot);
        }
        Ok(())
    }

    /// Loads a scenario: its accounts into the bank, their names as globals, its transactions
    /// into the schedule, its run defaults into the settings.
    pub fn load_scenario(&mut self, name: &str, text: &str) -> Result<crate::scenario::RunDefaults, Vec<ovsm_lexer::Diagnostic>> {
        let id = self.sources.add(name, text);
        let plan = crate::scenario::load(text, id)?;
        if let Some(spe) = plan.defaults.slots_per_epoch {
            self.vm.chain.config.clock.slots_per_epoch = spe.max(1);
        }
        if let Some(b) = plan.defaults.slot_budget {
            self.vm.chain.config.slot_budget = b;
        }
        let mut errors = Vec::new();
        for (account_name, address, view) in &plan.accounts {
            let size = view.data.len();
            let mut view = view.clone();
            // `owner = "program:NAME"` gives the account to a program of the run.
            if let Some(program) = view.owner.strip_prefix("program:") {
                view.owner = program_address(program);
            }
            if let Err(why) = self.vm.chain.bank().set_account(address, view) {
                errors.push(ovsm_lexer::Diagnostic::error("E0402", format!("account `{account_name}`: {why}")));
            }
            self.vm.chain.account_sizes.insert(address.clone(), size);
            self.vm.chain.account_names.push((account_name.clone(), address.clone()));
            self.define_global(account_name, Value::str(address));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        self.vm.chain.account_fields.extend(plan.fields.clone());
        let total_stake: u64 = plan.programs.iter().map(|(_, _, stake)| stake / 1_000_000_000 * 1000).sum();
        if total_stake > self.vm.chain.config.slot_budget {
            return Err(vec![ovsm_lexer::Diagnostic::error(
                "E0403",
                format!(
                    "the scenario's stakes reserve {total_stake} CU per slot, more than the slot budget of {}",
                    self.vm.chain.config.slot_budget
                ),
            )]);
        }
        for (program, fees, stake) in &plan.programs {
            self.vm.chain.funding.insert(program.clone(), (*fees, *stake));
        }
        self.vm.chain.pending_transactions = plan.transactions.into_iter().collect();
        Ok(plan.defaults)
    }

    /// Applies a user transaction now (the REPL's `:set-account` and `:set-field`), then runs the
    /// work it triggers in the current slot.
    pub fn user_transaction(&mut self, address: &str, change: crate::scenario::Change) -> Result<(), String> {
        let slot = self.vm.chain.slot;
        self.vm.chain.pending_transactions.push_front((slot, address.to_string(), change));
        let changed = self.vm.chain.apply_user_transactions(slot);
        self.vm.chain.evaluate_watchers(&changed);
        self.process_slot(slot);
        Ok(())
    }

    /// Delivers an event as if a program had emitted it now (the REPL's `:emit`).
    pub fn inject_event(&mut self, event_id: &str, data: Value) {
        let slot = self.vm.chain.slot;
        self.vm.chain.stats.emitted += 1;
        self.vm.chain.route(event_id, data, None);
        self.process_slot(slot);
    }

    /// Creates a program's fee account with what the scenario funds it with (or the default).
    pub(crate) fn fund(&mut self, index: usize) {
        let chain = &mut self.vm.chain;
        let Some(p) = chain.programs.get(index) else { return };
        let (fees, stake) = chain.funding.get(&p.name).copied().unwrap_or((chain.config.default_fee_lamports, 0));
        let address = p.fee_address.clone();
        if let Some(p) = chain.programs.get_mut(index) {
            p.stake_lamports = stake;
        }
        let view = crate::chain::bank::AccountView { lamports: fees, owner: crate::chain::bank::SYSTEM_PROGRAM.into(), data: Vec::new() };
        let _ = chain.bank().set_account(&address, view);
    }

    /// Writes what the runtime itself has to say (suspensions, resumptions) to the log.
    pub(crate) fn drain_notices(&mut self) {
        for line in std::mem::take(&mut self.vm.chain.notices) {
            self.vm.host.write(&line);
        }
    }

    /// Runs a function of no arguments as code of program `index`.
    fn run_in_program(&mut self, index: usize, func: ovsm_ir::FuncId, budget: u64) -> Result<Value, RuntimeError> {
        self.enter_program(index, budget);
        self.vm.begin_journal();
        let result = self.vm.run(&self.lowering.program, func);
        let journal = self.vm.journal.take().unwrap_or_default();
        self.leave_program();
        self.drain_notices();
        let value = result?;
        if let Err(why) = self.persist_state(index, &journal) {
            self.vm.restore_journal(journal);
            return Err(RuntimeError { fault: crate::Fault::value_error(why), span: ovsm_lexer::Span::SYNTHETIC, trace: Vec::new() });
        }
        Ok(value)
    }

    /// Writes the program's state (every top-level variable its code has written) to its state
    /// account, as on chain, where programs are stateless and state lives in accounts.
    fn persist_state(&mut self, index: usize, journal: &[(ovsm_ir::GlobalId, Option<Value>)]) -> Result<(), String> {
        let Some(p) = self.vm.chain.programs.get_mut(index) else { return Ok(()) };
        if journal.is_empty() {
            return Ok(());
        }
        p.state_globals.extend(journal.iter().map(|(g, _)| g.0));
        let (address, owner) = (p.state_address.clone(), p.address.clone());
        let mut data = String::new();
        for g in &p.state_globals {
            let name = self.lowering.program.global_name(ovsm_ir::GlobalId(*g));
            let value = self.vm.globals.get(*g as usize).cloned().flatten().unwrap_or_default();
            data.push_str(name);
            data.push(' ');
            data.push_str(&crate::print::printed(&value, &self.lowering.program));
            data.push('\n');
        }
        let limit = self.vm.chain.config.state_bytes_limit;
        if data.len() > limit {
            return Err(format!("program state of {} bytes exceeds the state account limit of {limit} bytes", data.len()));
        }
        let view = crate::chain::bank::AccountView { lamports: 1_000_000, owner, data: data.into_bytes() };
        self.vm.chain.bank().set_account(&address, view)
    }

    fn enter_program(&mut self, index: usize, budget: u64) {
        let chain = &mut self.vm.chain;
        chain.current = Some(index);
        chain.emitted_this_execution = 0;
        let name = chain.programs.get(index).map_or("?", |p| p.name.as_str());
        self.vm.log_prefix = format!("[slot {} {}] ", chain.slot, name);
        self.vm.limits.compute_budget = budget;
        self.vm.compute_used = 0;
    }

    fn leave_program(&mut self) {
        self.vm.chain.current = None;
        self.vm.log_prefix.clear();
        self.vm.limits.compute_budget = u64::MAX;
    }

    /// Turns what the last invocation emitted into deliveries.
    pub(crate) fn flush_ring(&mut self, source: usize) {
        let events: Vec<_> = self.vm.chain.ring.drain(..).collect();
        self.vm.chain.ring_used = 0;
        for (event_id, data, _) in events {
            self.vm.chain.stats.emitted += 1;
            self.vm.chain.route(&event_id, data, Some(source));
        }
    }

    /// Simulates slots 1..=`slots`, jumping over slots with nothing due.
    pub fn simulate(&mut self, slots: u64) {
        self.simulate_with(slots, &mut |_| {});
    }

    /// Like [`Session::simulate`], calling `progress` with each slot it processes (the CLI draws
    /// a progress bar from it).
    pub fn simulate_with(&mut self, slots: u64, progress: &mut dyn FnMut(u64)) {
        let mut slot = self.vm.chain.slot;
        loop {
            let chain = &self.vm.chain;
            let due = [chain.next_due_slot(), chain.next_transaction_slot(), (!chain.work.is_empty()).then_some(slot + 1)];
            let Some(next) = due.into_iter().flatten().min().map(|n| n.max(slot + 1)) else { break };
            if next > slots {
                break;
            }
            slot = next;
            let chain = &mut self.vm.chain;
            chain.slot = slot;
            chain.warp(slot);
            // User transactions run before autonomous work in each slot.
            let changed = chain.apply_user_transactions(slot);
            chain.collect_due(slot);
            chain.evaluate_watchers(&changed);
            chain.resume_funded();
            self.drain_notices();
            self.process_slot(slot);
            progress(slot);
        }
        self.vm.chain.slot = slots.max(self.vm.chain.slot);
    }

    /// Runs the slot's work in order within the per-slot budget; what does not fit waits.
    pub(crate) fn process_slot(&mut self, slot: u64) {
        self.vm.chain.slot = slot;
        let budget = self.vm.chain.config.slot_budget;
        // Staked programs own part of the budget (1 SOL reserves 1,000 CU per slot); the rest is
        // shared, first come first served.
        let stakes: Vec<u64> = self.vm.chain.programs.iter().map(|p| p.stake_lamports / 1_000_000_000 * 1000).collect();
        let shared_budget = budget.saturating_sub(stakes.iter().sum());
        let mut staked_used = vec![0u64; stakes.len()];
        let mut shared_used = 0u64;
        let mut consumed = 0u64;
        let mut shared_full = false;
        let mut deliveries = 0usize;
        let mut carry = std::collections::VecDeque::new();
        while let Some(item) = self.vm.chain.work.pop_front() {
            if item.not_before > slot {
                carry.push_back(item);
                continue;
            }
            // Work whose subscription changed state while it waited follows the subscription.
            match self.withdrawn(&item) {
                Some(Withdrawn::Wait) => {
                    // Parked until the subscription resumes, so a pause does not keep the
                    // simulator stepping slot by slot.
                    self.vm.chain.parked.push(item);
                    continue;
                }
                Some(Withdrawn::Cancelled) => {
                    self.vm.chain.stats.cancelled += 1;
                    continue;
                }
                Some(Withdrawn::DeadLetter(reason)) => {
                    self.vm.chain.dead_letter(&item, reason);
                    continue;
                }
                None => {}
            }
            let program = self.vm.chain.owner(&item).0;
            let stake = program.and_then(|p| stakes.get(p)).copied().unwrap_or(0);
            // Deliveries of emitted events run in the slot of their emission (contract section 6),
            // metered by their own budget, up to a per-slot cap.
            if matches!(item.job, Job::Deliver { .. }) {
                if deliveries < self.vm.chain.config.max_deliveries_per_slot {
                    deliveries += 1;
                    consumed += self.run_item(item, slot);
                } else {
                    self.defer(item, slot, &mut carry);
                }
                continue;
            }
            if item.budget > budget.max(stake) || (stake < item.budget && item.budget > shared_budget) {
                let reason =
                    format!("its compute budget {} exceeds what one slot can give it ({} CU)", item.budget, shared_budget.max(stake));
                self.vm.chain.dead_letter(&item, reason);
                continue;
            }
            // Scheduling rests on declared reservations, never on what invocations consumed,
            // so both back ends decide alike.
            let used = program.and_then(|p| staked_used.get(p)).copied().unwrap_or(0);
            if stake > 0 && used + item.budget <= stake {
                if let Some(u) = program.and_then(|p| staked_used.get_mut(p)) {
                    *u += item.budget;
                }
            } else if !shared_full && shared_used + item.budget <= shared_budget {
                shared_used += item.budget;
            } else {
                // Once the shared budget turns work away, later work waits too, in order.
                shared_full = true;
                self.defer(item, slot, &mut carry);
                continue;
            }
            consumed += self.run_item(item, slot);
        }
        self.vm.chain.work = carry;
        if consumed > 0 {
            self.vm.chain.slot_compute.push(consumed);
        }
    }

    fn defer(&mut self, item: WorkItem, slot: u64, carry: &mut std::collections::VecDeque<WorkItem>) {
        self.vm.chain.stats.deferrals += 1;
        let (program, sub) = self.vm.chain.owner(&item);
        let event = TraceEvent::new(slot, "deferred", &self.vm.chain.programs, program.unwrap_or(usize::MAX)).maybe_sub(sub).item(item.id);
        self.vm.chain.record(event);
        carry.push_back(item);
    }

    /// What happens to waiting work whose subscription was paused, cancelled, suspended or
    /// tripped since it was created: None when it runs as planned.
    fn withdrawn(&self, item: &WorkItem) -> Option<Withdrawn> {
        let chain = &self.vm.chain;
        let Job::Fire { sub, .. } = &item.job else { return None };
        let s = chain.subs.get(sub)?;
        let name = chain.programs.get(s.program).map_or("", |p| p.name.as_str());
        match s.state {
            SubState::Active | SubState::Done => None,
            SubState::Paused => Some(Withdrawn::Wait),
            SubState::Cancelled => Some(Withdrawn::Cancelled),
            SubState::Suspended => Some(Withdrawn::DeadLetter(format!("program `{name}` is out of funds"))),
            SubState::BreakerOpen { until } => {
                Some(Withdrawn::DeadLetter(format!("the circuit breaker of subscription {sub} is open until slot {until}")))
            }
        }
    }

    /// Runs one work item; returns the compute units it consumed.
    fn run_item(&mut self, mut item: WorkItem, slot: u64) -> u64 {
        let (program, callee, args) = match &item.job {
            Job::Fire { sub, args } => match self.vm.chain.subs.get(sub) {
                Some(s) => (s.program, s.callback.clone(), args.clone()),
                None => return 0,
            },
            Job::Deliver { program, data, handler, .. } => (*program, handler.clone(), vec![data.clone()]),
        };
        let sub = match item.job {
            Job::Fire { sub, .. } => Some(sub),
            Job::Deliver { .. } => None,
        };
        self.vm.chain.touched.clear();
        let (mut result, used, journal) = match &callee {
            // A compiled program's function: a transaction to the deployed program.
            Value::Compiled(f) => {
                let (result, used) = self.call_compiled(program, f, &args, item.budget);
                (result, used, Vec::new())
            }
            _ => {
                self.enter_program(program, item.budget);
                self.vm.begin_journal();
                let result = self.vm.call(&self.lowering.program, &callee, &args);
                let journal = self.vm.journal.take().unwrap_or_default();
                let used = self.vm.compute_used.min(item.budget);
                self.leave_program();
                (result, used, journal)
            }
        };
        self.drain_notices();
        if result.is_ok() {
            if let Err(why) = self.persist_state(program, &journal) {
                result = Err(RuntimeError { fault: crate::Fault::value_error(why), span: ovsm_lexer::Span::SYNTHETIC, trace: Vec::new() });
            }
        }
        if result.is_err() {
            // Program state lives in its state account: a failed invocation leaves it as it was.
            self.vm.restore_journal(journal);
        }
        match result {
            Ok(returned) => {
                self.flush_ring(program);
                self.vm.chain.returned(program, &returned);
                let touched = std::mem::take(&mut self.vm.chain.touched);
                self.vm.chain.evaluate_watchers(&touched);
                let chain = &mut self.vm.chain;
                chain.stats.delivered += 1;
                if let Some(s) = sub.and_then(|id| chain.subs.get_mut(&id)) {
                    s.consecutive_failures = 0;
                }
                let event = TraceEvent::new(slot, "delivered", &chain.programs, program).maybe_sub(sub).item(item.id).cu(used);
                chain.record(event);
            }
            Err(error) => {
                // A failed invocation's emissions and account writes are rolled back with it.
                self.vm.chain.ring.clear();
                self.vm.chain.ring_used = 0;
                self.vm.chain.roll_back();
                self.fail(&mut item, program, sub, slot, used, &error);
            }
        }
        used
    }

    /// Counts a failure: retry with backoff, trip the breaker, or dead-letter the item.
    fn fail(&mut self, item: &mut WorkItem, program: usize, sub: Option<u64>, slot: u64, used: u64, error: &RuntimeError) {
        let name = self.vm.chain.programs.get(program).map_or_else(String::new, |p| p.name.clone());
        let message = error.message().to_string();
        self.vm.host.write(&format!("[slot {slot} {name}] error: callback failed (attempt {}): {message}\n", item.attempts + 1));
        let chain = &mut self.vm.chain;
        chain.stats.failed_attempts += 1;
        let event = TraceEvent::new(slot, "failed", &chain.programs, program).maybe_sub(sub).item(item.id).cu(used).detail(&message);
        chain.record(event);
        let mut tripped = false;
        if let Some(s) = sub.and_then(|id| chain.subs.get_mut(&id)) {
            s.consecutive_failures += 1;
            if s.consecutive_failures >= chain.config.breaker_threshold && s.state == SubState::Active {
                s.state = SubState::BreakerOpen { until: slot + chain.config.breaker_cooldown };
                s.generation += 1;
                tripped = true;
            }
        }
        if tripped {
            chain.stats.breaker_trips += 1;
            let until = slot + chain.config.breaker_cooldown;
            let event =
                TraceEvent::new(slot, "circuit-open", &chain.programs, program).maybe_sub(sub).detail(&format!("until slot {until}"));
            chain.record(event);
            if let Some(id) = sub {
                chain.schedule_wakeup(id, until);
            }
            chain.dead_letter(
                item,
                format!("circuit breaker opened after {} consecutive failures: {message}", chain.config.breaker_threshold),
            );
            return;
        }
        item.attempts += 1;
        if chain.programs.get(program).is_some_and(|p| p.suspended) {
            chain.dead_letter(item, format!("program `{name}` is out of funds: {message}"));
            return;
        }
        if item.attempts > chain.config.max_retries {
            chain.dead_letter(item, format!("failed {} times: {message}", item.attempts));
            return;
        }
        chain.stats.retries += 1;
        item.not_before = slot + (1u64 << (item.attempts - 1).min(32));
        chain.work.push_back(item.clone());
    }
}
