//! The simulated chain that autonomous programs run in: the clock, the deployed programs, and
//! the Program Scheduler of the design note (2.4): subscriptions, a queue of due work keyed by
//! slot, the async event ring buffer, per-slot compute budget, retries, circuit breakers and the
//! dead-letter queue.
//!
//! Idle slots cost nothing: the queue holds one entry per live time subscription at its next due
//! slot, and the simulator jumps from due work to due work.
//! Every work item is accounted for: created = delivered + dead-lettered + cancelled + pending.

pub mod bank;
pub mod clock;
mod queue;
mod registry;
pub mod trace;
pub mod trigger;
pub mod watch;

pub use clock::Clock;
pub use registry::{check_budget as registry_check_budget, matches_filter, Route, SubState, SubTable, Subscription};
pub use trace::TraceEvent;

use crate::value::Value;
use std::collections::{BTreeMap, VecDeque};

/// Settings of the runtime; every limit of the design note is one of these.
#[derive(Clone, Debug)]
pub struct ChainConfig {
    pub clock: Clock,
    /// Compute units all autonomous work of one slot may reserve (design note 5.1).
    pub slot_budget: u64,
    /// Bytes the async event ring buffer holds.
    pub ring_bytes: usize,
    pub breaker_threshold: u32,
    pub breaker_cooldown: u64,
    /// Attempts after the first before a failing item goes to the dead-letter queue.
    pub max_retries: u32,
    pub max_emits_per_execution: usize,
    pub max_event_bytes: usize,
    /// Compute units an `on-event` handler invocation may use: Solana's default limit for one
    /// instruction, which a compiled handler (that re-runs its program's top level) needs.
    pub handler_budget: u64,
    /// Event deliveries run in the slot of their emission, outside the slot's compute budget
    /// (contract section 6); this many per slot at most, so that handlers emitting to each other
    /// in a cycle cannot hold a slot forever. The rest wait for the next slot.
    pub max_deliveries_per_slot: usize,
    /// Whether to keep the trace (benchmarks of a million subscriptions turn it off).
    pub record_trace: bool,
    /// Bytes a program's state account may hold.
    pub state_bytes_limit: usize,
    /// Lamports a program pays for each subscription, watcher or scheduled execution (0.01 SOL).
    pub subscription_fee: u64,
    /// Lamports a program pays for each event it emits.
    pub event_fee: u64,
    /// What a program's fee account holds when the scenario does not fund it.
    pub default_fee_lamports: u64,
}

impl Default for ChainConfig {
    fn default() -> ChainConfig {
        ChainConfig {
            clock: Clock::default(),
            slot_budget: 400_000,
            ring_bytes: 1 << 20,
            breaker_threshold: 10,
            breaker_cooldown: 100,
            max_retries: 3,
            max_emits_per_execution: 100,
            max_event_bytes: 1024,
            handler_budget: 200_000,
            max_deliveries_per_slot: 10_000,
            record_trace: true,
            state_bytes_limit: 64 * 1024,
            subscription_fee: 10_000_000,
            event_fee: 100,
            default_fee_lamports: 10_000_000_000,
        }
    }
}

/// A deployed autonomous program.
#[derive(Clone, Debug)]
pub struct ProgramInfo {
    pub name: String,
    /// Base58 address derived from the name.
    pub address: String,
    /// `(on-event "ID" handler)` clauses: event id and handler function.
    pub handlers: Vec<(String, Value)>,
    /// The account holding the program's state: the top-level variables its code has written.
    pub state_address: String,
    /// Those variables, by global id.
    pub state_globals: std::collections::BTreeSet<u32>,
    /// The account the program's fees are paid from (design note 5).
    pub fee_address: String,
    /// Lamports staked for compute: 1 SOL reserves 1,000 CU per slot.
    pub stake_lamports: u64,
    /// Set while the fee account cannot pay: the program's subscriptions are suspended.
    pub suspended: bool,
}

/// What a work item does when it runs.
#[derive(Clone, Debug)]
pub enum Job {
    /// A subscription fell due (or a watcher fired): call its callback with these arguments.
    Fire { sub: u64, args: Vec<Value> },
    /// An emitted event for one handler of one program.
    Deliver { program: usize, event_id: String, data: Value, handler: Value },
}

#[derive(Clone, Debug)]
pub struct WorkItem {
    pub id: u64,
    pub job: Job,
    pub budget: u64,
    pub attempts: u32,
    /// Slot before which a retry must not run (backoff).
    pub not_before: u64,
}

/// An event that could not be delivered, with why.
#[derive(Clone, Debug)]
pub struct DeadLetter {
    pub item: u64,
    pub slot: u64,
    pub program: String,
    pub subscription: Option<u64>,
    pub reason: String,
}

/// Counters for the summary and the conservation invariant.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub created: u64,
    pub delivered: u64,
    pub dead_lettered: u64,
    pub cancelled: u64,
    /// Times an item was carried to the next slot for lack of budget.
    pub deferrals: u64,
    pub failed_attempts: u64,
    pub retries: u64,
    pub emitted: u64,
    pub breaker_trips: u64,
}

pub struct Chain {
    pub config: ChainConfig,
    /// The slot being processed; 0 during evaluation and startup.
    pub slot: u64,
    pub programs: Vec<ProgramInfo>,
    /// The program whose code is running, if any.
    pub current: Option<usize>,
    pub subs: SubTable,
    /// Due slot -> (subscription, generation) in arming order: one entry per live time
    /// subscription. A bucket per slot makes falling due O(1) per subscription and an idle slot
    /// one look at the first key.
    queue: queue::DueQueue,
    /// Work of the current slot, and work carried over from earlier slots, in order.
    pub work: VecDeque<WorkItem>,
    /// Events emitted by the running invocation, with their size in the ring.
    pub ring: VecDeque<(String, Value, usize)>,
    pub ring_used: usize,
    pub emitted_this_execution: usize,
    pub dead_letters: Vec<DeadLetter>,
    pub stats: Stats,
    pub trace: Vec<TraceEvent>,
    /// Compute units consumed by autonomous work in each slot that had any.
    pub slot_compute: Vec<u64>,
    /// Account watchers by watched address, for evaluation in proportion to changed accounts.
    pub watchers: BTreeMap<String, Vec<u64>>,
    /// The bank, created on first use so runs without accounts stay cheap.
    bank: Option<bank::Bank>,
    /// Fee account balances by address while the bank is out running a compiled invocation
    /// (whose syscalls charge fees): read before, written back after.
    pub(crate) fees_lent: Option<BTreeMap<String, u64>>,
    /// Data sizes of the scenario's accounts, for checking watcher offsets.
    pub account_sizes: BTreeMap<String, usize>,
    /// The scenario's account names and their addresses, in file order.
    pub account_names: Vec<(String, String)>,
    /// Typed fields of the scenario's accounts, by address: name -> (offset, type).
    pub account_fields: BTreeMap<String, BTreeMap<String, (usize, crate::scenario::FieldType)>>,
    /// Scenario user transactions not yet applied, in slot order.
    pub pending_transactions: VecDeque<(u64, String, crate::scenario::Change)>,
    /// Fee and stake lamports per program name, from the scenario's `[[program]]` tables.
    pub funding: BTreeMap<String, (u64, u64)>,
    /// Due work of paused subscriptions, waiting for them to resume.
    pub parked: Vec<WorkItem>,
    /// Lines for the log that the runtime itself writes (suspensions), drained by the simulator.
    pub notices: Vec<String>,
    /// Accounts the running invocation wrote, with their state before it: for rollback on
    /// failure and for watcher evaluation on success.
    pub touched: Vec<(String, Option<bank::AccountView>)>,
    next_id: u64,
}

impl Chain {
    pub fn new(config: ChainConfig) -> Chain {
        Chain {
            config,
            slot: 0,
            programs: Vec::new(),
            current: None,
            subs: SubTable::default(),
            queue: queue::DueQueue::default(),
            work: VecDeque::new(),
            ring: VecDeque::new(),
            ring_used: 0,
            emitted_this_execution: 0,
            dead_letters: Vec::new(),
            stats: Stats::default(),
            trace: Vec::new(),
            slot_compute: Vec::new(),
            watchers: BTreeMap::new(),
            bank: None,
            fees_lent: None,
            account_sizes: BTreeMap::new(),
            account_names: Vec::new(),
            account_fields: BTreeMap::new(),
            pending_transactions: VecDeque::new(),
            touched: Vec::new(),
            notices: Vec::new(),
            parked: Vec::new(),
            funding: BTreeMap::new(),
            next_id: 1,
        }
    }

    pub fn epoch(&self) -> u64 {
        self.config.clock.epoch_of(self.slot)
    }

    fn fresh_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Queues a subscription at its next due slot after `after`, if it has one.
    pub(crate) fn arm(&mut self, sub: u64, after: u64) {
        let Some(s) = self.subs.get_mut(&sub) else { return };
        let due = s.trigger.as_ref().and_then(|t| t.next_due(after, s.last_due, &self.config.clock));
        s.next_due = due;
        if let Some(slot) = due {
            self.queue.push(slot, (sub, s.generation));
        }
    }

    /// Queues a wake-up for a subscription whose breaker is open, at the end of its cool-down.
    pub(crate) fn schedule_wakeup(&mut self, sub: u64, slot: u64) {
        let Some(s) = self.subs.get(&sub) else { return };
        self.queue.push(slot, (sub, s.generation));
    }

    /// The earliest slot with queued work, if any.
    pub fn next_due_slot(&self) -> Option<u64> {
        self.queue.first_slot()
    }

    /// Moves every subscription due at or before `slot` into the work list, re-arming recurring ones.
    pub fn collect_due(&mut self, slot: u64) {
        // Re-arming can add to a bucket at or before `slot` (a breaker closing), so look again
        // after each bucket.
        while let Some((due, bucket)) = self.queue.pop_due(slot) {
            self.work.reserve(bucket.len());
            for (sub, generation) in bucket {
                self.take_due(slot, due, sub, generation);
            }
        }
    }

    /// One queued entry falling due: creates its work item unless the subscription moved on.
    fn take_due(&mut self, slot: u64, due: u64, sub: u64, generation: u64) {
        {
            let Some(s) = self.subs.get_mut(&sub) else { return };
            if s.generation != generation {
                return;
            }
            if let SubState::BreakerOpen { until } = s.state {
                // The cool-down is over: close the breaker and pick the schedule up again.
                if due >= until {
                    s.state = SubState::Active;
                    s.consecutive_failures = 0;
                    s.generation += 1;
                    let program = s.program;
                    self.record(TraceEvent::new(due, "circuit-closed", &self.programs, program).subscription(sub));
                    self.arm(sub, due.saturating_sub(1));
                }
                return;
            }
            if !matches!(s.state, SubState::Active) {
                return;
            }
            s.last_due = Some(due);
            let recurring = s.trigger.as_ref().is_some_and(|t| t.is_recurring());
            let skippable = s.trigger.as_ref().is_some_and(|t| t.is_skippable());
            // A skippable trigger whose previous firing still waits (deferred) skips this one:
            // nothing is created, so nothing is lost.
            if skippable && self.work.iter().any(|w| matches!(w.job, Job::Fire { sub: id, .. } if id == sub)) {
                let program = s.program;
                self.record(TraceEvent::new(slot, "skipped", &self.programs, program).subscription(sub));
                self.arm(sub, due.max(slot));
                return;
            }
            let budget = s.budget;
            let program = s.program;
            if !recurring {
                s.state = SubState::Done;
            }
            let id = self.fresh_id();
            self.stats.created += 1;
            // The hottest trace record: skip building it when nobody keeps the trace.
            if self.config.record_trace {
                self.record(TraceEvent::new(slot, "due", &self.programs, program).subscription(sub).item(id));
            }
            self.work.push_back(WorkItem { id, job: Job::Fire { sub, args: Vec::new() }, budget, attempts: 0, not_before: 0 });
            if recurring {
                self.arm(sub, due.max(slot));
            }
        }
    }

    /// Creates delivery items for an emitted event: one per `on-event` handler for its id.
    pub(crate) fn route(&mut self, event_id: &str, data: Value, source: Option<usize>) {
        let source_address = source.and_then(|p| self.programs.get(p)).map(|p| p.address.clone());
        self.fire_routes(&data, |r| match r {
            Route::ProgramEvent { event_id: id, source, filter } => {
                id == event_id
                    && source.as_ref().is_none_or(|s| Some(s) == source_address.as_ref())
                    && matches_filter(filter.as_ref(), &data)
            }
            Route::CpiReturn { .. } => false,
        });
        self.deliver_to_handlers(event_id, data);
    }

    /// A successful invocation of `program` returned `value`: fire the CPI_RETURN subscriptions.
    pub(crate) fn returned(&mut self, program: usize, value: &Value) {
        let Some(address) = self.programs.get(program).map(|p| p.address.clone()) else { return };
        self.fire_routes(
            value,
            |r| matches!(r, Route::CpiReturn { callee, filter } if *callee == address && matches_filter(filter.as_ref(), value)),
        );
    }

    fn deliver_to_handlers(&mut self, event_id: &str, data: Value) {
        let mut deliveries = Vec::new();
        for (p, program) in self.programs.iter().enumerate() {
            for (id, handler) in &program.handlers {
                if id == event_id {
                    deliveries.push((p, handler.clone()));
                }
            }
        }
        for (program, handler) in deliveries {
            let id = self.fresh_id();
            self.stats.created += 1;
            if self.programs.get(program).is_some_and(|p| p.suspended) {
                let item = WorkItem {
                    id,
                    job: Job::Deliver { program, event_id: event_id.to_string(), data: data.clone(), handler },
                    budget: 0,
                    attempts: 0,
                    not_before: 0,
                };
                let name = self.programs.get(program).map_or_else(String::new, |p| p.name.clone());
                self.dead_letter(&item, format!("program `{name}` is out of funds"));
                continue;
            }
            self.record(TraceEvent::new(self.slot, "routed", &self.programs, program).item(id).detail(event_id));
            let budget = self.config.handler_budget;
            self.work.push_back(WorkItem {
                id,
                job: Job::Deliver { program, event_id: event_id.to_string(), data: data.clone(), handler },
                budget,
                attempts: 0,
                not_before: 0,
            });
        }
    }

    pub(crate) fn dead_letter(&mut self, item: &WorkItem, reason: String) {
        let (program, subscription) = self.owner(item);
        self.stats.dead_lettered += 1;
        let name = program.and_then(|p| self.programs.get(p)).map_or_else(String::new, |p| p.name.clone());
        self.record(
            TraceEvent::new(self.slot, "dead-lettered", &self.programs, program.unwrap_or(usize::MAX))
                .maybe_sub(subscription)
                .item(item.id)
                .detail(&reason),
        );
        self.dead_letters.push(DeadLetter { item: item.id, slot: self.slot, program: name, subscription, reason });
    }

    /// The program and subscription a work item belongs to.
    pub fn owner(&self, item: &WorkItem) -> (Option<usize>, Option<u64>) {
        match &item.job {
            Job::Fire { sub, .. } => (self.subs.get(sub).map(|s| s.program), Some(*sub)),
            Job::Deliver { program, .. } => (Some(*program), None),
        }
    }

    pub(crate) fn record(&mut self, event: TraceEvent) {
        if self.config.record_trace {
            self.trace.push(event);
        }
    }

    /// The bank, created on first use.
    pub fn bank(&mut self) -> &mut bank::Bank {
        let clock = self.config.clock;
        let slot = self.slot;
        self.bank.get_or_insert_with(|| {
            let mut b = bank::Bank::new(clock);
            b.warp(slot, clock);
            b
        })
    }

    /// Takes the bank out (creating it if needed), for a compiled invocation to run in.
    pub(crate) fn take_bank(&mut self) -> bank::Bank {
        self.bank();
        self.bank.take().unwrap_or_else(|| bank::Bank::new(self.config.clock))
    }

    pub(crate) fn put_bank(&mut self, bank: bank::Bank) {
        self.bank = Some(bank);
    }

    /// Pays a fee from the program's fee account. Fees are not refunded when the invocation
    /// fails. A program that cannot pay is suspended.
    pub fn charge(&mut self, program: usize, lamports: u64, what: &str) -> Result<(), crate::Fault> {
        let Some(address) = self.programs.get(program).map(|p| p.fee_address.clone()) else { return Ok(()) };
        if let Some(lent) = &mut self.fees_lent {
            let have = lent.get(&address).copied().unwrap_or(0);
            if have >= lamports {
                lent.insert(address, have - lamports);
                return Ok(());
            }
        }
        let mut account = match &self.fees_lent {
            Some(lent) => bank::AccountView {
                lamports: lent.get(&address).copied().unwrap_or(0),
                owner: bank::SYSTEM_PROGRAM.into(),
                data: Vec::new(),
            },
            None => self.bank().account(&address).unwrap_or(bank::AccountView {
                lamports: 0,
                owner: bank::SYSTEM_PROGRAM.into(),
                data: Vec::new(),
            }),
        };
        if account.lamports < lamports {
            let have = account.lamports;
            self.suspend(program, &format!("{what} of {lamports} lamports exceeds the fee account's {have}"));
            return Err(crate::Fault::value_error(format!(
                "insufficient funds: {what} is {lamports} lamports and the program's fee account holds {have}"
            )));
        }
        account.lamports -= lamports;
        self.bank().set_account(&address, account).map_err(crate::Fault::value_error)
    }

    /// Suspends every live subscription of a program and dead-letters its waiting work.
    pub(crate) fn suspend(&mut self, program: usize, why: &str) {
        let Some(p) = self.programs.get_mut(program) else { return };
        if p.suspended {
            return;
        }
        p.suspended = true;
        let name = p.name.clone();
        let ids: Vec<u64> = self.subs.values().filter(|s| s.program == program && s.is_live()).map(|s| s.id).collect();
        for id in ids {
            if let Some(s) = self.subs.get_mut(&id) {
                s.before_suspension = Some(std::mem::replace(&mut s.state, SubState::Suspended));
                s.generation += 1;
            }
        }
        let (mine, rest): (VecDeque<WorkItem>, VecDeque<WorkItem>) =
            std::mem::take(&mut self.work).into_iter().partition(|w| self.owner(w).0 == Some(program));
        self.work = rest;
        for item in mine {
            self.dead_letter(&item, format!("program `{name}` is out of funds"));
        }
        self.notices.push(format!("[slot {} {name}] suspended: out of funds ({why})\n", self.slot));
        self.record(TraceEvent::new(self.slot, "suspended", &self.programs, program).detail(why));
    }

    /// Resumes suspended programs whose fee accounts can pay again.
    pub(crate) fn resume_funded(&mut self) {
        for program in 0..self.programs.len() {
            let Some(p) = self.programs.get(program).filter(|p| p.suspended) else { continue };
            let (address, name) = (p.fee_address.clone(), p.name.clone());
            let balance = self.bank().account(&address).map_or(0, |a| a.lamports);
            if balance < self.config.subscription_fee {
                continue;
            }
            if let Some(p) = self.programs.get_mut(program) {
                p.suspended = false;
            }
            let ids: Vec<u64> =
                self.subs.values().filter(|s| s.program == program && s.state == SubState::Suspended).map(|s| s.id).collect();
            for id in ids {
                let mut rearm = false;
                if let Some(s) = self.subs.get_mut(&id) {
                    // A paused subscription stays paused; an open breaker restarts closed.
                    s.state = match s.before_suspension.take() {
                        Some(SubState::Paused) => SubState::Paused,
                        _ => SubState::Active,
                    };
                    s.generation += 1;
                    rearm = s.state == SubState::Active;
                }
                if rearm {
                    self.arm(id, self.slot);
                }
            }
            self.notices.push(format!("[slot {} {name}] resumed: the fee account holds {balance} lamports\n", self.slot));
            self.record(TraceEvent::new(self.slot, "resumed", &self.programs, program));
        }
    }

    /// Moves the bank's clock, if there is a bank.
    pub(crate) fn warp(&mut self, slot: u64) {
        let clock = self.config.clock;
        if let Some(b) = self.bank.as_mut() {
            b.warp(slot, clock);
        }
    }

    /// Records an account's state before the running invocation first writes it.
    pub(crate) fn touch(&mut self, address: &str) {
        if !self.touched.iter().any(|(a, _)| a == address) {
            let old = self.bank().account(address);
            self.touched.push((address.to_string(), old));
        }
    }

    /// Restores every account the failed invocation wrote.
    pub(crate) fn roll_back(&mut self) {
        let touched = std::mem::take(&mut self.touched);
        for (address, old) in touched.into_iter().rev() {
            let view = old.unwrap_or(bank::AccountView { lamports: 0, owner: bank::SYSTEM_PROGRAM.into(), data: Vec::new() });
            let _ = self.bank().set_account(&address, view);
        }
    }

    /// The next slot with a user transaction to apply.
    pub fn next_transaction_slot(&self) -> Option<u64> {
        self.pending_transactions.front().map(|(slot, ..)| *slot)
    }

    /// Applies the user transactions of `slot` and returns the accounts they changed, each with
    /// its state before the slot.
    pub(crate) fn apply_user_transactions(&mut self, slot: u64) -> Vec<(String, Option<bank::AccountView>)> {
        let mut before: Vec<(String, Option<bank::AccountView>)> = Vec::new();
        while self.pending_transactions.front().is_some_and(|(s, ..)| *s <= slot) {
            let Some((_, address, change)) = self.pending_transactions.pop_front() else { break };
            let mut addresses = vec![address.clone()];
            if let crate::scenario::Change::Transfer { to, .. } = &change {
                addresses.push(to.clone());
            }
            for a in &addresses {
                if !before.iter().any(|(b, _)| b == a) {
                    let old = self.bank().account(a);
                    before.push((a.clone(), old));
                }
            }
            if let Err(why) = apply_change(self.bank(), &address, &change) {
                self.record(TraceEvent::new(slot, "transaction-failed", &[], usize::MAX).detail(&why));
            } else {
                self.record(TraceEvent::new(slot, "transaction", &[], usize::MAX).detail(&address));
            }
        }
        before
    }

    /// Creates work for every watcher on the changed accounts whose criteria the change makes hold.
    pub fn evaluate_watchers(&mut self, changes: &[(String, Option<bank::AccountView>)]) {
        for (address, old) in changes {
            let Some(ids) = self.watchers.get(address).cloned() else { continue };
            let new = self.bank().account(address);
            for id in ids {
                let Some(s) = self.subs.get(&id) else { continue };
                if s.state != SubState::Active {
                    continue;
                }
                let Some(w) = &s.watch else { continue };
                let (o, n) = (w.read(old.as_ref()), w.read(new.as_ref()));
                if !w.fires(o.as_ref(), n.as_ref()) {
                    continue;
                }
                let args = vec![o.map_or(Value::Nil, |r| r.to_value()), n.map_or(Value::Nil, |r| r.to_value())];
                let (budget, program) = (s.budget, s.program);
                let item = self.fresh_id();
                self.stats.created += 1;
                self.record(TraceEvent::new(self.slot, "watch-fired", &self.programs, program).subscription(id).item(item).detail(address));
                self.work.push_back(WorkItem { id: item, job: Job::Fire { sub: id, args }, budget, attempts: 0, not_before: 0 });
            }
        }
    }

    /// Work items not yet finished: carried over to a slot after the run's last.
    pub fn pending(&self) -> u64 {
        (self.work.len() + self.parked.len()) as u64
    }

    /// The conservation invariant: every created item is delivered, dead-lettered, cancelled or pending.
    pub fn conserved(&self) -> bool {
        self.stats.created == self.stats.delivered + self.stats.dead_lettered + self.stats.cancelled + self.pending()
    }

    pub fn live_subscriptions(&self) -> usize {
        self.subs.values().filter(|s| s.is_live()).count()
    }
}

/// Applies one user-transaction change to the bank.
pub fn apply_change(bank: &mut bank::Bank, address: &str, change: &crate::scenario::Change) -> Result<(), String> {
    use crate::scenario::Change;
    let mut account =
        bank.account(address).unwrap_or(bank::AccountView { lamports: 0, owner: bank::SYSTEM_PROGRAM.into(), data: Vec::new() });
    match change {
        Change::Field { offset, ty, value } => {
            let bytes = ty.encode(*value)?;
            let end = offset + bytes.len();
            let slot = account.data.get_mut(*offset..end).ok_or_else(|| format!("field at {offset} is past the end of `{address}`"))?;
            slot.copy_from_slice(&bytes);
            bank.set_account(address, account)
        }
        Change::SetLamports(l) => {
            account.lamports = *l;
            bank.set_account(address, account)
        }
        Change::Transfer { to, lamports } => {
            let mut dest =
                bank.account(to).unwrap_or(bank::AccountView { lamports: 0, owner: bank::SYSTEM_PROGRAM.into(), data: Vec::new() });
            account.lamports = account
                .lamports
                .checked_sub(*lamports)
                .ok_or_else(|| format!("`{address}` has {} lamports, cannot send {lamports}", account.lamports))?;
            dest.lamports = dest.lamports.checked_add(*lamports).ok_or("lamport overflow")?;
            bank.set_account(address, account)?;
            bank.set_account(to, dest)
        }
    }
}
