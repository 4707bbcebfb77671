//! The subscription registry: creating, pausing, resuming, updating and cancelling
//! subscriptions, each by its own program only.

use super::trigger::Trigger;
use super::{Chain, Job, TraceEvent};
use crate::fault::Fault;
use crate::map::{Key, Map};
use crate::value::Value;
use std::rc::Rc;

#[derive(Clone, Debug, PartialEq)]
pub enum SubState {
    Active,
    Paused,
    /// Consecutive failures opened the circuit breaker until this slot.
    BreakerOpen {
        until: u64,
    },
    /// A one-shot subscription that has fired.
    Done,
    Cancelled,
    /// Its program ran out of funds; it resumes when the fee account is funded again.
    Suspended,
}

#[derive(Clone, Debug)]
pub struct Subscription {
    pub id: u64,
    pub program: usize,
    /// None for account watchers, which fire on changes instead of on time.
    pub trigger: Option<Trigger>,
    pub callback: Value,
    pub budget: u64,
    pub state: SubState,
    pub consecutive_failures: u32,
    pub next_due: Option<u64>,
    pub last_due: Option<u64>,
    /// Bumped whenever queued entries for this subscription must be ignored.
    pub generation: u64,
    pub created_slot: u64,
    /// Set for account watchers.
    pub watch: Option<Box<super::watch::Watch>>,
    /// Set for subscriptions to other programs' events and returns.
    pub route: Option<Box<Route>>,
    /// The state to return to when a suspension for lack of funds ends.
    pub before_suspension: Option<SubState>,
}

/// Subscriptions that fire on what programs do rather than on time (design note 2.3).
#[derive(Clone, Debug)]
pub enum Route {
    /// An event emitted by any program, or by `source` only, whose data matches `filter`.
    ProgramEvent { event_id: String, source: Option<String>, filter: Option<Value> },
    /// A successful invocation of `callee` whose return value matches `filter`.
    CpiReturn { callee: String, filter: Option<Value> },
}

/// Whether `value` matches a filter: every entry of a filter map is equal in a map value;
/// any other filter must equal the value.
pub fn matches_filter(filter: Option<&Value>, value: &Value) -> bool {
    match (filter, value) {
        (None, _) => true,
        (Some(Value::Map(f)), Value::Map(m)) => {
            f.iter().all(|(k, want)| Key::of(k).and_then(|key| m.get(&key)).is_some_and(|got| crate::value::equal(got, want)))
        }
        (Some(f), v) => crate::value::equal(f, v),
    }
}

impl Subscription {
    pub fn is_live(&self) -> bool {
        matches!(self.state, SubState::Active | SubState::Paused | SubState::BreakerOpen { .. } | SubState::Suspended)
    }

    fn state_name(&self) -> &'static str {
        match self.state {
            SubState::Active => "active",
            SubState::Paused => "paused",
            SubState::BreakerOpen { .. } => "circuit-open",
            SubState::Done => "done",
            SubState::Cancelled => "cancelled",
            SubState::Suspended => "suspended",
        }
    }
}

/// Subscriptions by id. Ids are dense (1, 2, 3...), so lookups index a vector: the scheduler's
/// cost per due event stays flat however many subscriptions exist.
#[derive(Clone, Debug, Default)]
pub struct SubTable {
    items: Vec<Subscription>,
}

impl SubTable {
    pub fn next_id(&self) -> u64 {
        self.items.len() as u64 + 1
    }

    fn index(id: u64) -> Option<usize> {
        usize::try_from(id.checked_sub(1)?).ok()
    }

    pub fn get(&self, id: &u64) -> Option<&Subscription> {
        Self::index(*id).and_then(|i| self.items.get(i))
    }

    pub fn get_mut(&mut self, id: &u64) -> Option<&mut Subscription> {
        Self::index(*id).and_then(|i| self.items.get_mut(i))
    }

    /// Adds a subscription; its id must be [`SubTable::next_id`].
    pub fn push(&mut self, sub: Subscription) {
        self.items.push(sub);
    }

    /// All subscriptions in id order.
    pub fn values(&self) -> impl Iterator<Item = &Subscription> {
        self.items.iter()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

pub fn check_budget(budget: &Value) -> Result<u64, Fault> {
    match budget {
        Value::Int(b) if (1..=1_400_000).contains(b) => Ok(*b as u64),
        Value::Int(b) => Err(Fault::value_error(format!("compute budget {b} is out of range: it must lie in 1..1,400,000"))),
        Value::Nil => Err(Fault::value_error("missing :compute-budget: every subscription states its compute budget (1..1,400,000)")),
        other => Err(Fault::expected("compute budget", "an integer in 1..1,400,000", other)),
    }
}

impl Chain {
    fn running_program(&self, op: &str) -> Result<usize, Fault> {
        self.current.ok_or_else(|| {
            Fault::value_error(format!("`{op}` must be called from inside an autonomous program (on-startup, a handler or a callback)"))
        })
    }

    /// Registers a time subscription for the running program and returns its id.
    pub fn subscribe(&mut self, op: &str, trigger: Trigger, callback: Value, budget: u64) -> Result<u64, Fault> {
        let kind = trigger.kind();
        let id = self.register(op, kind, callback, budget, |s| s.trigger = Some(trigger))?;
        self.arm(id, self.slot);
        Ok(id)
    }

    /// Checks the callback, charges the subscription fee, and adds a subscription of the
    /// running program, completed by `shape` (its trigger, watch or route).
    fn register(
        &mut self,
        op: &str,
        kind: &str,
        callback: Value,
        budget: u64,
        shape: impl FnOnce(&mut Subscription),
    ) -> Result<u64, Fault> {
        let program = self.running_program(op)?;
        if !matches!(callback, Value::Closure(_) | Value::Builtin(_) | Value::Compiled(_)) {
            return Err(Fault::expected(op, "a function as :callback", &callback));
        }
        self.charge(program, self.config.subscription_fee, "the subscription fee")?;
        let id = self.subs.next_id();
        let mut sub = Subscription {
            id,
            program,
            trigger: None,
            callback,
            budget,
            state: SubState::Active,
            consecutive_failures: 0,
            next_due: None,
            last_due: None,
            generation: 0,
            created_slot: self.slot,
            watch: None,
            route: None,
            before_suspension: None,
        };
        shape(&mut sub);
        self.subs.push(sub);
        self.record(TraceEvent::new(self.slot, "subscribed", &self.programs, program).subscription(id).detail(kind));
        Ok(id)
    }

    /// Registers an account watcher for the running program and returns its id.
    pub fn watch(&mut self, op: &str, watch: super::watch::Watch, callback: Value, budget: u64) -> Result<u64, Fault> {
        let account = watch.account.clone();
        let kind = match watch.source {
            super::watch::Source::Lamports => "ACCOUNT_BALANCE_CHANGE",
            super::watch::Source::Owner => "ACCOUNT_OWNER_CHANGE",
            super::watch::Source::Data { .. } => "ACCOUNT_DATA_CHANGE",
        };
        let id = self.register(op, kind, callback, budget, |s| s.watch = Some(Box::new(watch)))?;
        self.watchers.entry(account).or_default().push(id);
        Ok(id)
    }

    /// Subscribes the running program to other programs' events or returns.
    pub fn subscribe_route(&mut self, op: &str, route: Route, callback: Value, budget: u64) -> Result<u64, Fault> {
        let program = self.running_program(op)?;
        if let Route::CpiReturn { callee, .. } = &route {
            if self.programs.get(program).is_some_and(|p| &p.address == callee) {
                return Err(Fault::value_error(format!(
                    "`{op}`: a program cannot subscribe to its own returns (it would fire on every one of them, forever)"
                )));
            }
        }
        let kind = match &route {
            Route::ProgramEvent { .. } => "PROGRAM_EVENT",
            Route::CpiReturn { .. } => "CPI_RETURN",
        };
        self.register(op, kind, callback, budget, |s| s.route = Some(Box::new(route)))
    }

    /// Creates work for the live route subscriptions that `accepts` picks, passing `arg`.
    pub(crate) fn fire_routes(&mut self, arg: &Value, accepts: impl Fn(&Route) -> bool) {
        let ids: Vec<u64> =
            self.subs.values().filter(|s| s.state == SubState::Active && s.route.as_deref().is_some_and(&accepts)).map(|s| s.id).collect();
        for sub in ids {
            let Some(s) = self.subs.get(&sub) else { continue };
            let (budget, program) = (s.budget, s.program);
            let item = self.fresh_id();
            self.stats.created += 1;
            self.record(TraceEvent::new(self.slot, "route-fired", &self.programs, program).subscription(sub).item(item));
            self.work.push_back(super::WorkItem {
                id: item,
                job: Job::Fire { sub, args: vec![arg.clone()] },
                budget,
                attempts: 0,
                not_before: 0,
            });
        }
    }

    /// The subscription `v` names, if it belongs to the running program.
    fn own(&mut self, op: &str, v: &Value) -> Result<u64, Fault> {
        let program = self.running_program(op)?;
        let id = match v {
            Value::Subscription(id) => *id,
            other => return Err(Fault::expected(op, "a subscription", other)),
        };
        match self.subs.get(&id) {
            Some(s) if s.program == program => Ok(id),
            Some(_) => Err(Fault::value_error(format!("`{op}`: subscription {id} belongs to another program"))),
            None => Err(Fault::value_error(format!("`{op}`: no subscription {id}"))),
        }
    }

    pub fn pause(&mut self, v: &Value) -> Result<(), Fault> {
        let id = self.own("sol-pause-subscription", v)?;
        if let Some(s) = self.subs.get_mut(&id) {
            if s.state == SubState::Active {
                s.state = SubState::Paused;
                s.generation += 1;
            }
        }
        Ok(())
    }

    pub fn resume(&mut self, v: &Value) -> Result<(), Fault> {
        let id = self.own("sol-resume-subscription", v)?;
        let mut rearm = false;
        if let Some(s) = self.subs.get_mut(&id) {
            if matches!(s.state, SubState::Paused | SubState::BreakerOpen { .. }) {
                s.state = SubState::Active;
                s.consecutive_failures = 0;
                s.generation += 1;
                rearm = true;
            }
        }
        if rearm {
            self.arm(id, self.slot);
            let (back, still): (Vec<_>, Vec<_>) =
                std::mem::take(&mut self.parked).into_iter().partition(|w| matches!(w.job, Job::Fire { sub, .. } if sub == id));
            self.parked = still;
            self.work.extend(back);
        }
        Ok(())
    }

    /// Cancels a subscription; its work still waiting in this slot is counted as cancelled.
    pub fn cancel(&mut self, v: &Value) -> Result<(), Fault> {
        let id = self.own("sol-cancel-subscription", v)?;
        if let Some(s) = self.subs.get_mut(&id) {
            s.state = SubState::Cancelled;
            s.generation += 1;
        }
        let before = self.work.len() + self.parked.len();
        self.work.retain(|w| !matches!(w.job, Job::Fire { sub, .. } if sub == id));
        self.parked.retain(|w| !matches!(w.job, Job::Fire { sub, .. } if sub == id));
        self.stats.cancelled += (before - self.work.len() - self.parked.len()) as u64;
        Ok(())
    }

    pub fn update(&mut self, v: &Value, budget: Option<u64>, callback: Option<Value>) -> Result<(), Fault> {
        let id = self.own("sol-update-subscription", v)?;
        if let Some(s) = self.subs.get_mut(&id) {
            if let Some(b) = budget {
                s.budget = b;
            }
            if let Some(c) = callback {
                s.callback = c;
            }
        }
        Ok(())
    }

    /// One map per live subscription of a program (by address, or the running program).
    pub fn query(&self, address: Option<&str>) -> Result<Value, Fault> {
        let program = match address {
            Some(a) => self.programs.iter().position(|p| p.address == a),
            None => self.current,
        };
        let Some(program) = program else { return Ok(Value::array(crate::value::Array::new())) };
        let mut out = crate::value::Array::new();
        for s in self.subs.values().filter(|s| s.program == program && s.is_live()) {
            let mut m = Map::new();
            let mut put = |k: &str, v: Value| m.insert(Key::Name(Rc::from(k)), Value::Keyword(Rc::from(k)), v);
            put("id", Value::Subscription(s.id));
            let kind = match (&s.trigger, &s.watch) {
                (Some(t), _) => t.kind(),
                (None, None) if matches!(s.route.as_deref(), Some(Route::ProgramEvent { .. })) => "PROGRAM_EVENT",
                (None, None) if matches!(s.route.as_deref(), Some(Route::CpiReturn { .. })) => "CPI_RETURN",
                (None, Some(w)) => match w.source {
                    super::watch::Source::Lamports => "ACCOUNT_BALANCE_CHANGE",
                    super::watch::Source::Owner => "ACCOUNT_OWNER_CHANGE",
                    super::watch::Source::Data { .. } => "ACCOUNT_DATA_CHANGE",
                },
                (None, None) => "UNKNOWN",
            };
            put("event-type", Value::str(kind));
            if let Some(w) = &s.watch {
                put("account", Value::str(&w.account));
            }
            put("compute-budget", Value::Int(s.budget as i64));
            put("state", Value::str(s.state_name()));
            put("next-slot", s.next_due.map_or(Value::Nil, |d| Value::Int(d as i64)));
            out.push_back(Value::Map(Rc::new(m)));
        }
        Ok(Value::array(out))
    }
}
