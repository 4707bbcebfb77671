//! The autonomous syscalls as interpreter builtins: keyword arguments in, the Program Scheduler
//! in `ctx.chain` updated. The sBPF back end reaches the same scheduler through its syscalls.

use super::{Ctx, NativeFn};
use crate::chain::registry_check_budget as check_budget;
use crate::chain::trigger::Trigger;
use crate::chain::watch::{parse_criteria, Source};
use crate::chain::Route;
use crate::print::printed;
use crate::value::Value;
use crate::Fault;

pub fn lookup(name: &str) -> Option<NativeFn> {
    Some(match name {
        "sol-subscribe-event" => subscribe_event,
        "sol-schedule-execution" => schedule_execution,
        "sol-emit-event" => emit_event,
        "sol-watch-account" => watch_account,
        "sol-query-subscriptions" => |ctx, a| match a.first() {
            Some(Value::Str(addr)) => ctx.chain.query(Some(addr)),
            Some(Value::Nil) | None => ctx.chain.query(None),
            Some(other) => Err(Fault::expected("sol-query-subscriptions", "a program address string", other)),
        },
        "sol-pause-subscription" => |ctx, a| ctx.chain.pause(super::arg(a, 0)).map(|()| Value::Nil),
        "sol-resume-subscription" => |ctx, a| ctx.chain.resume(super::arg(a, 0)).map(|()| Value::Nil),
        "sol-cancel-subscription" => |ctx, a| ctx.chain.cancel(super::arg(a, 0)).map(|()| Value::Nil),
        "sol-update-subscription" => update_subscription,
        "get-current-slot" => |ctx, _| Ok(Value::Int(i64::try_from(ctx.chain.slot).unwrap_or(i64::MAX))),
        "get-current-epoch" => |ctx, _| Ok(Value::Int(i64::try_from(ctx.chain.epoch()).unwrap_or(i64::MAX))),
        "%program-id" => |ctx, _| match ctx.chain.current.and_then(|p| ctx.chain.programs.get(p)) {
            Some(p) => Ok(Value::str(&p.address)),
            None => Err(Fault::new("E0201", "undefined variable `program-id`: it is bound only inside autonomous programs")),
        },
        _ => return None,
    })
}

/// Keyword arguments `:k v ...` as (name, value) pairs, checked against the names `op` accepts.
fn kwargs<'v>(op: &str, args: &'v [Value], allowed: &[&str]) -> Result<Vec<(&'v str, &'v Value)>, Fault> {
    if !args.len().is_multiple_of(2) {
        return Err(Fault::arity(op, "keyword/value pairs", args.len()));
    }
    let mut out = Vec::with_capacity(args.len() / 2);
    for pair in args.chunks(2) {
        let [key, value] = pair else { continue };
        let Value::Keyword(k) = key else {
            return Err(Fault::expected(op, "a keyword such as :callback", key));
        };
        if !allowed.contains(&&**k) {
            let hint = did_you_mean(k, allowed).map_or_else(String::new, |s| format!("; did you mean `:{s}`?"));
            return Err(Fault::value_error(format!(
                "`{op}` has no keyword argument `:{k}`{hint} (it takes {})",
                allowed.iter().map(|a| format!(":{a}")).collect::<Vec<_>>().join(" ")
            )));
        }
        out.push((&**k, value));
    }
    Ok(out)
}

fn get<'v>(kw: &[(&str, &'v Value)], name: &str) -> Option<&'v Value> {
    kw.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
}

fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    ovsm_stdlib::syscalls::did_you_mean(word, candidates.iter().copied())
}

fn uint(op: &str, name: &str, v: Option<&Value>) -> Result<u64, Fault> {
    match v {
        Some(Value::Int(n)) if *n >= 0 => Ok(*n as u64),
        Some(Value::Int(n)) => Err(Fault::value_error(format!("`{op}`: :{name} must not be negative, got {n}"))),
        Some(other) => Err(Fault::expected(op, &format!("an integer :{name}"), other)),
        None => Err(Fault::value_error(format!("`{op}` needs :{name}"))),
    }
}

fn positive(op: &str, name: &str, v: Option<&Value>) -> Result<u64, Fault> {
    match uint(op, name, v)? {
        0 => Err(Fault::value_error(format!("`{op}`: :{name} must be positive"))),
        n => Ok(n),
    }
}

fn timestamp(op: &str, name: &str, v: Option<&Value>) -> Result<i64, Fault> {
    match v {
        Some(Value::Int(n)) => Ok(*n),
        Some(other) => Err(Fault::expected(op, &format!("an integer unix time :{name}"), other)),
        None => Err(Fault::value_error(format!("`{op}` needs :{name}"))),
    }
}

use ovsm_stdlib::syscalls::{EVENT_TYPES, SUBSCRIBE_KEYS};

fn subscribe_event(ctx: &mut Ctx, a: &[Value]) -> Result<Value, Fault> {
    const OP: &str = "sol-subscribe-event";
    let allowed = SUBSCRIBE_KEYS;
    let mut kw = kwargs(OP, a, allowed)?;
    // The design note's `:trigger-data {:interval 100}` form: its entries count as keyword arguments.
    let extra: Vec<(String, Value)> = match get(&kw, "trigger-data") {
        Some(Value::Map(m)) => {
            m.iter().map(|(k, v)| (crate::print::display(k, ctx.program).trim_start_matches(':').to_string(), v.clone())).collect()
        }
        Some(other) => return Err(Fault::expected(OP, "a map as :trigger-data", other)),
        None => Vec::new(),
    };
    let extra_refs: Vec<(&str, &Value)> = extra.iter().map(|(k, v)| (k.as_str(), v)).collect();
    kw.extend(extra_refs.iter().copied());
    let event_type = match get(&kw, "event-type") {
        Some(Value::Str(s)) => s.to_string(),
        Some(Value::Keyword(k)) => k.to_uppercase().replace('-', "_"),
        Some(other) => return Err(Fault::expected(OP, "an event type string", other)),
        None => return Err(Fault::value_error(format!("`{OP}` needs :event-type (one of {})", EVENT_TYPES.join(", ")))),
    };
    let source = match event_type.as_str() {
        "ACCOUNT_DATA_CHANGE" => Some(Source::Data { offset: 0, ty: crate::scenario::FieldType::I64, mask: u64::MAX }),
        "ACCOUNT_BALANCE_CHANGE" => Some(Source::Lamports),
        "ACCOUNT_OWNER_CHANGE" => Some(Source::Owner),
        _ => None,
    };
    if let Some(source) = source {
        return watch(ctx, OP, &kw, source);
    }
    let text = |name: &str| -> Result<Option<String>, Fault> {
        match get(&kw, name) {
            Some(Value::Str(s)) => Ok(Some(s.to_string())),
            Some(other) => Err(Fault::expected(OP, &format!("a string :{name}"), other)),
            None => Ok(None),
        }
    };
    let route = match event_type.as_str() {
        "PROGRAM_EVENT" => Some(Route::ProgramEvent {
            event_id: text("event-id")?.ok_or_else(|| Fault::value_error(format!("`{OP}`: PROGRAM_EVENT needs :event-id")))?,
            source: text("source-program")?,
            filter: get(&kw, "filter").cloned(),
        }),
        "CPI_RETURN" => Some(Route::CpiReturn {
            callee: text("callee-program")?
                .ok_or_else(|| Fault::value_error(format!("`{OP}`: CPI_RETURN needs :callee-program (an address)")))?,
            filter: get(&kw, "filter").cloned(),
        }),
        _ => None,
    };
    if let Some(route) = route {
        let budget = check_budget(get(&kw, "compute-budget").unwrap_or(&Value::Nil))?;
        let callback = get(&kw, "callback").cloned().unwrap_or_default();
        return ctx.chain.subscribe_route(OP, route, callback, budget).map(Value::Subscription);
    }
    let trigger = match event_type.as_str() {
        "SLOT_INTERVAL" => Trigger::SlotInterval {
            interval: positive(OP, "interval", get(&kw, "interval"))?,
            start: get(&kw, "start-slot").map(|v| uint(OP, "start-slot", Some(v))).transpose()?.unwrap_or(0),
        },
        "EPOCH_BOUNDARY" => {
            Trigger::EpochBoundary { offset: get(&kw, "epoch-offset").map(|v| uint(OP, "epoch-offset", Some(v))).transpose()?.unwrap_or(0) }
        }
        "WALLCLOCK_TIME" => Trigger::Wallclock { unix: timestamp(OP, "unix-timestamp", get(&kw, "unix-timestamp"))? },
        "TIMESTAMP" => {
            Trigger::Timestamp { unix: timestamp(OP, "timestamp", get(&kw, "timestamp").or_else(|| get(&kw, "unix-timestamp")))? }
        }
        "SLOT" => {
            let slot = uint(OP, "slot", get(&kw, "slot"))?;
            if slot <= ctx.chain.slot {
                return Err(Fault::value_error(format!(
                    "`{OP}`: slot {slot} is not in the future (the current slot is {})",
                    ctx.chain.slot
                )));
            }
            Trigger::Slot { slot }
        }
        "EPOCH" => Trigger::Epoch { epoch: uint(OP, "epoch", get(&kw, "epoch"))? },
        "NOW" => Trigger::Now,
        "INTERVAL" => Trigger::Interval {
            seconds: positive(OP, "seconds", get(&kw, "seconds").or_else(|| get(&kw, "interval")))?,
            skippable: get(&kw, "skippable").is_some_and(Value::is_truthy),
        },
        "CRON" => {
            let text = match get(&kw, "schedule") {
                Some(Value::Str(s)) => s.to_string(),
                Some(other) => return Err(Fault::expected(OP, "a cron schedule string", other)),
                None => return Err(Fault::value_error(format!("`{OP}`: CRON needs :schedule, e.g. \"*/5 * * * *\""))),
            };
            // Standard five-field cron has no seconds column; the parser wants one.
            let full = if text.split_whitespace().count() == 5 { format!("0 {text}") } else { text.clone() };
            let schedule =
                full.parse::<cron::Schedule>().map_err(|e| Fault::value_error(format!("`{OP}`: bad cron schedule {text:?}: {e}")))?;
            Trigger::Cron(Box::new((schedule, text)))
        }
        other => {
            let hint = did_you_mean(other, EVENT_TYPES).map_or_else(String::new, |s| format!("; did you mean \"{s}\"?"));
            return Err(Fault::value_error(format!("unknown event type \"{other}\"{hint} (expected one of {})", EVENT_TYPES.join(", "))));
        }
    };
    let budget = check_budget(get(&kw, "compute-budget").unwrap_or(&Value::Nil))?;
    let callback = get(&kw, "callback").cloned().unwrap_or_default();
    ctx.chain.subscribe(OP, trigger, callback, budget).map(Value::Subscription)
}

fn schedule_execution(ctx: &mut Ctx, a: &[Value]) -> Result<Value, Fault> {
    const OP: &str = "sol-schedule-execution";
    let kw = kwargs(OP, a, ovsm_stdlib::syscalls::SCHEDULE_KEYS)?;
    let target = match get(&kw, "target-slot") {
        Some(Value::Int(n)) if *n < 0 => return Err(Fault::value_error(format!("`{OP}`: target slot {n} is negative"))),
        Some(Value::Int(n)) => *n as u64,
        Some(other) => return Err(Fault::expected(OP, "an integer :target-slot", other)),
        None => return Err(Fault::value_error(format!("`{OP}` needs :target-slot"))),
    };
    if target <= ctx.chain.slot {
        return Err(Fault::value_error(format!("`{OP}`: target slot {target} is in the past (the current slot is {})", ctx.chain.slot)));
    }
    let budget = check_budget(get(&kw, "compute-budget").unwrap_or(&Value::Nil))?;
    let callback = get(&kw, "callback").or_else(|| get(&kw, "instruction")).cloned().unwrap_or_default();
    ctx.chain.subscribe(OP, Trigger::Slot { slot: target }, callback, budget).map(Value::Subscription)
}

fn emit_event(ctx: &mut Ctx, a: &[Value]) -> Result<Value, Fault> {
    const OP: &str = "sol-emit-event";
    let kw = kwargs(OP, a, ovsm_stdlib::syscalls::EMIT_KEYS)?;
    if ctx.chain.current.is_none() {
        return Err(Fault::value_error(format!("`{OP}` must be called from inside an autonomous program")));
    }
    let event_id = match get(&kw, "event-id") {
        Some(Value::Str(s)) => s.to_string(),
        Some(other) => return Err(Fault::expected(OP, "an event id string", other)),
        None => return Err(Fault::value_error(format!("`{OP}` needs :event-id"))),
    };
    let data = get(&kw, "data").cloned().unwrap_or_else(|| Value::Map(std::rc::Rc::new(crate::map::Map::new())));
    let config = &ctx.chain.config;
    if ctx.chain.emitted_this_execution >= config.max_emits_per_execution {
        return Err(Fault::value_error(format!("emission limit: at most {} events per execution", config.max_emits_per_execution)));
    }
    let size = event_id.len() + printed(&data, ctx.program).len();
    if size > config.max_event_bytes {
        return Err(Fault::value_error(format!(
            "event \"{event_id}\" is {size} bytes; the limit is {} bytes (1 KiB) per event",
            config.max_event_bytes
        )));
    }
    // Each record takes an 8-byte length header in the ring, as in the design note's layout.
    if ctx.chain.ring_used + size + 8 > config.ring_bytes {
        return Err(Fault::value_error(format!(
            "event ring buffer full: {} of {} bytes in use; \"{event_id}\" was not emitted",
            ctx.chain.ring_used, config.ring_bytes
        )));
    }
    if let Some(program) = ctx.chain.current {
        let fee = ctx.chain.config.event_fee;
        ctx.chain.charge(program, fee, "the event fee")?;
    }
    ctx.chain.ring_used += size + 8;
    ctx.chain.emitted_this_execution += 1;
    ctx.chain.ring.push_back((event_id, data, size + 8));
    Ok(Value::Nil)
}

fn update_subscription(ctx: &mut Ctx, a: &[Value]) -> Result<Value, Fault> {
    const OP: &str = "sol-update-subscription";
    let (sub, rest) = a.split_first().ok_or_else(|| Fault::arity(OP, "at least 3", 0))?;
    let kw = kwargs(OP, rest, ovsm_stdlib::syscalls::UPDATE_KEYS)?;
    let budget = get(&kw, "compute-budget").map(check_budget).transpose()?;
    let callback = get(&kw, "callback").cloned();
    if let Some(c) = &callback {
        if !matches!(c, Value::Closure(_) | Value::Builtin(_) | Value::Compiled(_)) {
            return Err(Fault::expected(OP, "a function as :callback", c));
        }
    }
    ctx.chain.update(sub, budget, callback).map(|()| Value::Nil)
}

fn watch_account(ctx: &mut Ctx, a: &[Value]) -> Result<Value, Fault> {
    const OP: &str = "sol-watch-account";
    let kw = kwargs(OP, a, ovsm_stdlib::syscalls::WATCH_KEYS)?;
    watch(ctx, OP, &kw, Source::Data { offset: 0, ty: crate::scenario::FieldType::I64, mask: u64::MAX })
}

/// Registers a watcher from `:account`, `:criteria`, `:callback` and `:compute-budget`.
fn watch(ctx: &mut Ctx, op: &str, kw: &[(&str, &Value)], source: Source) -> Result<Value, Fault> {
    let account = match get(kw, "account") {
        Some(Value::Str(s)) => s.to_string(),
        Some(other) => return Err(Fault::expected(op, "an account address string as :account", other)),
        None => return Err(Fault::value_error(format!("`{op}` needs :account"))),
    };
    crate::chain::bank::address(&account).map_err(|why| Fault::value_error(format!("`{op}`: {why}")))?;
    let size = ctx.chain.account_sizes.get(&account).copied();
    let watch = parse_criteria(op, account, get(kw, "criteria").unwrap_or(&Value::Nil), source, size)?;
    let budget = check_budget(get(kw, "compute-budget").unwrap_or(&Value::Nil))?;
    let callback = get(kw, "callback").cloned().unwrap_or_default();
    ctx.chain.watch(op, watch, callback, budget).map(Value::Subscription)
}
