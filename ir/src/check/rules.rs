//! The rules. Each function pushes diagnostics with its own codes.

use super::flow::{constant, Callee, Flow, Sym};
use super::{closure, CheckContext};
use crate::{Constant, FuncId, Function, Instr, Program};
use ovsm_lexer::{Diagnostic, Span};
use std::collections::{BTreeMap, BTreeSet};

use ovsm_stdlib::syscalls::{
    did_you_mean, COMPARISONS, CRITERIA_KEYS, EMIT_KEYS, EVENT_TYPES, SCHEDULE_KEYS, SUBSCRIBE_KEYS, UPDATE_KEYS, WATCH_KEYS,
};

pub struct Analysis<'a> {
    pub program: &'a Program,
    pub flows: &'a [Flow],
    pub cx: &'a CheckContext,
    /// Globals bound once to a function at top level.
    pub globals: BTreeMap<u32, FuncId>,
}

/// Globals defined exactly once, at top level, to a constant, and never assigned: their value.
pub fn constant_globals(program: &Program) -> BTreeMap<u32, Sym> {
    let mut writes: BTreeMap<u32, usize> = BTreeMap::new();
    let mut values: BTreeMap<u32, Sym> = BTreeMap::new();
    for f in &program.functions {
        for (i, instr) in f.code.iter().enumerate() {
            if let Instr::DefineGlobal(g) | Instr::SetGlobal(g) | Instr::UpdateGlobal(g, _) = instr {
                *writes.entry(g.0).or_default() += 1;
                let value = match (i.checked_sub(2).and_then(|j| f.code.get(j)), f.code.get(i.wrapping_sub(1))) {
                    (Some(Instr::Int(n)), Some(Instr::Dup)) => Some(Sym::Int(*n)),
                    (Some(Instr::Const(c)), Some(Instr::Dup)) => Some(Sym::Const(*c)),
                    (Some(Instr::Closure(fid)), Some(Instr::Dup)) => Some(Sym::Closure(*fid)),
                    _ => None,
                };
                if let (Instr::DefineGlobal(_), Some(v)) = (instr, value) {
                    values.insert(g.0, v);
                }
            }
        }
    }
    values.retain(|g, _| writes.get(g) == Some(&1));
    values
}

/// Globals that hold one function for good.
pub fn global_functions(program: &Program) -> BTreeMap<u32, FuncId> {
    constant_globals(program).into_iter().filter_map(|(g, v)| closure(&v).map(|f| (g, f))).collect()
}

fn accepts(f: &Function, n: usize) -> bool {
    let p = f.params;
    n >= p.required as usize && (p.rest || n <= (p.required + p.optional) as usize)
}

impl Analysis<'_> {
    fn name_of(&self, id: ovsm_stdlib::BuiltinId) -> &'static str {
        ovsm_stdlib::get(id).map_or("", |b| b.name)
    }

    fn string(&self, sym: &Sym) -> Option<&str> {
        match constant(self.program, sym) {
            Some(Constant::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// Keyword arguments, when every key is a literal keyword. The entries of a literal
    /// `:trigger-data {...}` map count as keyword arguments, as at run time.
    fn kwargs(&self, args: &[Sym]) -> Option<Vec<(String, Sym)>> {
        if !args.len().is_multiple_of(2) {
            return None;
        }
        let mut out: Vec<(String, Sym)> = args
            .chunks(2)
            .map(|kv| match (kv.first().and_then(|k| constant(self.program, k)), kv.get(1)) {
                (Some(Constant::Keyword(k)), Some(v)) => Some((k.clone(), v.clone())),
                _ => None,
            })
            .collect::<Option<_>>()?;
        let extra: Vec<(String, Sym)> = match out.iter().find(|(k, _)| k == "trigger-data").map(|(_, v)| v) {
            Some(Sym::Map(pairs)) => pairs
                .iter()
                .filter_map(|(k, v)| match constant(self.program, k) {
                    Some(Constant::Keyword(k) | Constant::Str(k)) => Some((k.clone(), v.clone())),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        out.extend(extra);
        Some(out)
    }

    /// An event type given as a string or as a keyword (`:slot-interval`).
    fn event_type(&self, sym: &Sym) -> Option<String> {
        match constant(self.program, sym) {
            Some(Constant::Str(s)) => Some(s.clone()),
            Some(Constant::Keyword(k)) => Some(k.to_uppercase().replace('-', "_")),
            _ => None,
        }
    }

    fn user_functions(&self) -> impl Iterator<Item = (usize, &Flow)> {
        self.flows.iter().enumerate().skip(self.cx.first_user_function)
    }

    fn function(&self, f: FuncId) -> Option<&Function> {
        self.program.function(f)
    }

    /// Rules 1, 4 and 6: the arguments of the subscribing syscalls.
    pub fn syscall_arguments(&self, out: &mut Vec<Diagnostic>) {
        for (_, flow) in self.user_functions() {
            for call in &flow.calls {
                let Callee::Builtin(id) = call.callee else { continue };
                let name = self.name_of(id);
                let keys = match name {
                    "sol-subscribe-event" => SUBSCRIBE_KEYS,
                    "sol-watch-account" => WATCH_KEYS,
                    "sol-schedule-execution" => SCHEDULE_KEYS,
                    "sol-emit-event" => EMIT_KEYS,
                    "sol-update-subscription" => UPDATE_KEYS,
                    _ => continue,
                };
                // sol-update-subscription's first argument is the subscription itself.
                let args = if name == "sol-update-subscription" { call.args.get(1..).unwrap_or(&[]) } else { &call.args };
                let Some(kw) = self.kwargs(args) else { continue };
                let mut misspelt_budget = false;
                for (k, _) in &kw {
                    let known = keys.contains(&k.as_str()) || (name == "sol-subscribe-event" && self.in_trigger_data(args, k));
                    if !known {
                        let suggestion = did_you_mean(k, keys.iter().copied());
                        misspelt_budget |= suggestion == Some("compute-budget");
                        let hint = suggestion.map_or_else(String::new, |s| format!("; did you mean `:{s}`?"));
                        out.push(
                            Diagnostic::error("E0542", format!("`{name}` has no keyword argument `:{k}`{hint}"))
                                .with_label(call.span, "in this call")
                                .with_note(format!("it takes {}", keys.iter().map(|k| format!(":{k}")).collect::<Vec<_>>().join(" "))),
                        );
                    }
                }
                let get = |k: &str| kw.iter().find(|(n, _)| n == k).map(|(_, v)| v);
                match name {
                    "sol-emit-event" => {
                        self.payload(call.span, get("event-id"), get("data"), out);
                        continue;
                    }
                    "sol-update-subscription" => {
                        if let Some(b) = get("compute-budget") {
                            self.budget(name, call.span, Some(b), out);
                        }
                        if let Some(c) = get("callback") {
                            self.callback(name, call.span, Some(c), None, out);
                        }
                        continue;
                    }
                    _ => {}
                }
                if !misspelt_budget {
                    self.budget(name, call.span, get("compute-budget"), out);
                }
                let event = if name == "sol-subscribe-event" { get("event-type").and_then(|s| self.event_type(s)) } else { None };
                if let Some(event) = &event {
                    if !EVENT_TYPES.contains(&event.as_str()) {
                        let hint = did_you_mean(event, EVENT_TYPES.iter().copied())
                            .map_or_else(String::new, |s| format!("; did you mean \"{s}\"?"));
                        out.push(
                            Diagnostic::error("E0541", format!("unknown event type \"{event}\"{hint}"))
                                .with_label(call.span, "in this subscription")
                                .with_note(format!("the event types are {}", EVENT_TYPES.join(", "))),
                        );
                        continue;
                    }
                }
                let event = event.as_deref();
                let watching = name == "sol-watch-account" || event.is_some_and(|e| e.starts_with("ACCOUNT_"));
                let arity = match (name, event) {
                    (_, _) if watching => 2,
                    (_, Some("PROGRAM_EVENT" | "CPI_RETURN")) => 1,
                    _ => 0,
                };
                self.callback(name, call.span, get("callback").or_else(|| get("instruction")), Some(arity), out);
                if watching {
                    let source = match event {
                        Some("ACCOUNT_BALANCE_CHANGE") => "lamports",
                        Some("ACCOUNT_OWNER_CHANGE") => "owner",
                        _ => "data",
                    };
                    self.criteria(call.span, get("criteria"), get("account"), source, out);
                }
            }
        }
    }

    /// Whether `key` came from a literal `:trigger-data` map (its keys are the trigger's own).
    fn in_trigger_data(&self, args: &[Sym], key: &str) -> bool {
        args.chunks(2).any(|kv| match (kv.first().and_then(|k| constant(self.program, k)), kv.get(1)) {
            (Some(Constant::Keyword(k)), Some(Sym::Map(pairs))) if k == "trigger-data" => {
                pairs.iter().any(|(k, _)| matches!(constant(self.program, k), Some(Constant::Keyword(n) | Constant::Str(n)) if n == key))
            }
            _ => false,
        })
    }

    fn budget(&self, name: &str, span: Span, budget: Option<&Sym>, out: &mut Vec<Diagnostic>) {
        match budget {
            None => out.push(
                Diagnostic::error("E0501", format!("`{name}` states no compute budget"))
                    .with_label(span, "this subscription")
                    .with_note("add `:compute-budget N` with N in 1..1,400,000: the runtime reserves it in every slot the work falls due"),
            ),
            Some(Sym::Int(b)) if !(1..=1_400_000).contains(b) => out.push(
                Diagnostic::error("E0502", format!("compute budget {b} is out of range 1..1,400,000"))
                    .with_label(span, "this subscription")
                    .with_note("1,400,000 is Solana's per-transaction limit; choose what the callback needs"),
            ),
            Some(Sym::Int(_)) => {}
            Some(Sym::Const(_) | Sym::Literal | Sym::Map(_) | Sym::Range(_) | Sym::Closure(_) | Sym::Builtin(_)) => out.push(
                Diagnostic::error("E0502", "a compute budget must be an integer in 1..1,400,000")
                    .with_label(span, "this subscription")
                    .with_note("write the number of compute units, e.g. `:compute-budget 50000`"),
            ),
            Some(_) => out.push(
                Diagnostic::warning("W0503", "cannot prove that this compute budget lies in 1..1,400,000")
                    .with_label(span, "its :compute-budget is not a constant")
                    .with_note("write a literal, or a global defined once to a literal"),
            ),
        }
    }

    /// A callback must be a function of `arity` arguments (None: any function).
    fn callback(&self, name: &str, span: Span, callback: Option<&Sym>, arity: Option<usize>, out: &mut Vec<Diagnostic>) {
        match callback {
            None => out.push(Diagnostic::error("E0544", format!("`{name}` has no :callback")).with_label(span, "in this call")),
            Some(Sym::Closure(f)) => {
                let (Some(func), Some(arity)) = (self.function(*f), arity) else { return };
                if !accepts(func, arity) {
                    out.push(
                        Diagnostic::error("E0540", format!("this callback must take {}", plural(arity, "argument")))
                            .with_label(func.span, format!("it takes {}", describe_params(func)))
                            .with_label(span, "registered here")
                            .with_note(callback_note(arity)),
                    );
                }
            }
            Some(Sym::Int(_) | Sym::Const(_) | Sym::Map(_) | Sym::Range(_) | Sym::Literal) => out.push(
                Diagnostic::error("E0543", format!("the :callback of `{name}` is not a function"))
                    .with_label(span, "in this call")
                    .with_note("pass a (lambda ...) or the name of a function"),
            ),
            Some(_) => {}
        }
    }

    /// A criteria map as (key, constant) pairs, from a literal map or a quoted one; None when it
    /// is not a map, Some with None values where a value is not constant.
    fn criteria_entries(&self, sym: &Sym) -> Option<Vec<(String, Option<Constant>)>> {
        let key = |c: Option<&Constant>| match c {
            Some(Constant::Keyword(k) | Constant::Str(k)) => Some(k.clone()),
            _ => None,
        };
        match sym {
            Sym::Map(pairs) => Some(
                pairs
                    .iter()
                    .filter_map(|(k, v)| {
                        let value = match v {
                            Sym::Int(n) => Some(Constant::Int(*n)),
                            other => constant(self.program, other).cloned(),
                        };
                        key(constant(self.program, k)).map(|k| (k, value))
                    })
                    .collect(),
            ),
            other => match constant(self.program, other) {
                Some(Constant::Map(items)) => Some(items.iter().filter_map(|(k, v)| key(Some(k)).map(|k| (k, Some(v.clone())))).collect()),
                _ => None,
            },
        }
    }

    fn criteria(&self, span: Span, criteria: Option<&Sym>, account: Option<&Sym>, default_source: &str, out: &mut Vec<Diagnostic>) {
        let Some(criteria) = criteria else {
            if default_source == "data" {
                out.push(
                    Diagnostic::error("E0558", "this data watcher has no :criteria")
                        .with_label(span, "in this watcher")
                        .with_note("write {:offset O :comparison C :threshold X}"),
                );
            }
            return;
        };
        let Some(entries) = self.criteria_entries(criteria) else {
            match criteria {
                Sym::Int(_) | Sym::Const(_) | Sym::Range(_) | Sym::Closure(_) | Sym::Literal => out.push(
                    Diagnostic::error("E0552", "watcher criteria must be a map {:offset :comparison :threshold}")
                        .with_label(span, "in this watcher"),
                ),
                _ => out.push(
                    Diagnostic::warning("W0551", "watcher criteria are not constants")
                        .with_label(span, "in this watcher")
                        .with_note("write the criteria map literally"),
                ),
            }
            return;
        };
        let text = |c: &Option<Constant>| match c {
            Some(Constant::Str(s) | Constant::Keyword(s)) => Some(s.clone()),
            _ => None,
        };
        let mut source = default_source.to_string();
        let mut offset = None;
        let mut width = 8usize;
        let mut seen = BTreeSet::new();
        for (key, value) in &entries {
            seen.insert(key.clone());
            if !CRITERIA_KEYS.contains(&key.as_str()) {
                let hint = did_you_mean(key, CRITERIA_KEYS.iter().copied()).map_or_else(String::new, |s| format!("; did you mean `:{s}`?"));
                out.push(Diagnostic::error("E0553", format!("unknown criteria key `:{key}`{hint}")).with_label(span, "in this watcher"));
                continue;
            }
            match key.as_str() {
                "offset" => match value {
                    Some(Constant::Int(o)) if *o >= 0 => offset = Some(*o as usize),
                    _ => out.push(
                        Diagnostic::error("E0554", "the criteria :offset must be a non-negative integer constant")
                            .with_label(span, "in this watcher"),
                    ),
                },
                "comparison" if !text(value).is_some_and(|c| COMPARISONS.contains(&c.as_str())) => out.push(
                    Diagnostic::error("E0555", format!("the criteria :comparison must be one of {}", COMPARISONS.join(" ")))
                        .with_label(span, "in this watcher"),
                ),
                "threshold" if !matches!(value, Some(Constant::Int(_) | Constant::Float(_))) => out.push(
                    Diagnostic::error("E0556", "the criteria :threshold must be a numeric constant").with_label(span, "in this watcher"),
                ),
                "mask" if !matches!(value, Some(Constant::Int(_))) => out
                    .push(Diagnostic::error("E0559", "the criteria :mask must be an integer constant").with_label(span, "in this watcher")),
                "type" => match text(value).as_deref() {
                    Some("i64" | "u64" | "f64") => width = 8,
                    Some("i32" | "u32") => width = 4,
                    Some("u8") => width = 1,
                    _ => out.push(
                        Diagnostic::error("E0559", "the criteria :type must be one of i64 u64 i32 u32 u8 f64")
                            .with_label(span, "in this watcher"),
                    ),
                },
                "source" => match text(value).as_deref() {
                    Some(s @ ("data" | "lamports" | "owner")) => source = s.to_string(),
                    _ => out.push(
                        Diagnostic::error("E0559", "the criteria :source must be data, lamports or owner")
                            .with_label(span, "in this watcher"),
                    ),
                },
                _ => {}
            }
        }
        if source == "data" {
            for needed in ["offset", "comparison", "threshold"] {
                if !seen.contains(needed) {
                    out.push(
                        Diagnostic::error("E0558", format!("the watcher's criteria have no :{needed}")).with_label(span, "in this watcher"),
                    );
                }
            }
        }
        let size = match account {
            Some(Sym::Global(g)) => self.cx.account_sizes.get(self.program.global_name(*g)).copied(),
            _ => None,
        };
        if let (Some(o), Some(size), "data") = (offset, size, source.as_str()) {
            if o + width > size {
                out.push(
                    Diagnostic::error(
                        "E0557",
                        format!(
                            "criteria offset {o} plus the field of {width} bytes is past the end of the watched account's {size} bytes"
                        ),
                    )
                    .with_label(span, "in this watcher")
                    .with_note("the account's size comes from the scenario"),
                );
            }
        }
    }

    fn payload(&self, span: Span, event_id: Option<&Sym>, data: Option<&Sym>, out: &mut Vec<Diagnostic>) {
        let id_len = match event_id.and_then(|e| constant(self.program, e)) {
            Some(Constant::Str(s)) => s.len(),
            _ => 0,
        };
        // The runtime counts the event id plus the printed data.
        let data_len = match data {
            None => 2,
            Some(Sym::Int(n)) => n.to_string().len(),
            Some(Sym::Map(pairs)) => {
                // As printed: `{k v k v}`.
                let mut size = 2 + (2 * pairs.len()).saturating_sub(1);
                for (k, v) in pairs {
                    let value = match v {
                        Sym::Int(n) => n.to_string().len(),
                        other => match constant(self.program, other) {
                            Some(c) => constant_size(c),
                            None => return,
                        },
                    };
                    match constant(self.program, k) {
                        Some(k) => size += constant_size(k) + value,
                        None => return,
                    }
                }
                size
            }
            Some(other) => match constant(self.program, other) {
                Some(c) => constant_size(c),
                None => return,
            },
        };
        let size = id_len + data_len;
        if size > 1024 {
            out.push(
                Diagnostic::error("E0522", format!("this event is about {size} bytes; events are limited to 1 KiB"))
                    .with_label(span, "emitted here")
                    .with_note("send a smaller map, or keep the data in an account and send its address"),
            );
        }
    }

    /// The functions given to the runtime as callbacks or handlers, with where they were given.
    fn callbacks(&self) -> Vec<(FuncId, Span)> {
        let mut found = Vec::new();
        for (_, flow) in self.user_functions() {
            for call in &flow.calls {
                let Callee::Builtin(id) = call.callee else { continue };
                if !self.name_of(id).starts_with("sol-") {
                    continue;
                }
                if let Some(kw) = self.kwargs(&call.args) {
                    for (k, v) in kw {
                        if let ("callback" | "instruction", Some(f)) = (k.as_str(), closure(&v)) {
                            found.push((f, call.span));
                        }
                    }
                }
            }
        }
        for p in &self.program.programs {
            for (_, thunk, span) in &p.handlers {
                if let Some(f) = self.flows.get(thunk.0 as usize).and_then(|fl| fl.returns.as_ref()).and_then(closure) {
                    found.push((f, *span));
                }
            }
            // Startup code runs in the runtime too, and must be as deterministic.
            for thunk in &p.startup {
                let span = self.function(*thunk).map_or(p.span, |f| f.span);
                found.push((*thunk, span));
            }
        }
        found
    }

    /// Functions `f` may call, with the span of the call.
    fn callees(&self, f: FuncId) -> Vec<(Option<FuncId>, Option<ovsm_stdlib::BuiltinId>, Span)> {
        let Some(flow) = self.flows.get(f.0 as usize) else { return Vec::new() };
        let mut out = Vec::new();
        for call in &flow.calls {
            match &call.callee {
                Callee::Builtin(id) => out.push((None, Some(*id), call.span)),
                Callee::Global(g) => {
                    if let Some(target) = self.globals.get(&g.0) {
                        out.push((Some(*target), None, call.span));
                    }
                }
                Callee::Value(Sym::Closure(target)) => out.push((Some(*target), None, call.span)),
                Callee::Value(Sym::Builtin(id)) => out.push((None, Some(*id), call.span)),
                Callee::Value(_) => {}
            }
        }
        let span = self.function(f).map_or(Span::SYNTHETIC, |func| func.span);
        out.extend(flow.closures.iter().map(|c| (Some(*c), None, span)));
        out
    }

    /// Rule 2: no callback reaches a non-deterministic builtin.
    pub fn determinism(&self, out: &mut Vec<Diagnostic>) {
        // Each non-deterministic call is reported once, on the first path found to it.
        let mut reported: BTreeSet<(u32, u32, u32)> = BTreeSet::new();
        for (callback, registered) in self.callbacks() {
            let mut seen = BTreeSet::new();
            // Depth-first with an explicit stack, remembering the path.
            let mut stack = vec![(callback, vec![callback])];
            while let Some((f, path)) = stack.pop() {
                if !seen.insert(f.0) {
                    continue;
                }
                for (target, builtin, span) in self.callees(f) {
                    if let Some(b) = builtin.and_then(ovsm_stdlib::get).filter(|b| !b.deterministic) {
                        if !reported.insert((span.source.0, span.start, span.end)) {
                            stack.clear();
                            break;
                        }
                        let names: Vec<String> =
                            path.iter().map(|p| self.function(*p).map_or("?".into(), |func| func.name.clone())).collect();
                        out.push(
                            Diagnostic::error(
                                "E0510",
                                format!(
                                    "callbacks must be deterministic, but this one reaches `{}`: {} -> {}",
                                    b.name,
                                    names.join(" -> "),
                                    b.name
                                ),
                            )
                            .with_label(span, format!("`{}` is non-deterministic", b.name))
                            .with_label(registered, "the callback is registered here")
                            .with_note(
                                "every validator must compute the same result: use (get-current-slot), the Clock, or account data instead",
                            ),
                        );
                        stack.clear();
                        break;
                    }
                    if let Some(t) = target {
                        let mut next = path.clone();
                        next.push(t);
                        stack.push((t, next));
                    }
                }
            }
        }
    }

    /// Rule 3: emission is bounded.
    pub fn emission(&self, out: &mut Vec<Diagnostic>) {
        for (index, flow) in self.user_functions() {
            let emits: Vec<_> =
                flow.calls.iter().filter(|c| matches!(c.callee, Callee::Builtin(id) if self.name_of(id) == "sol-emit-event")).collect();
            for e in &emits {
                if flow.loops.iter().any(|l| !l.bounded && l.start <= e.pc && e.pc <= l.end) {
                    out.push(
                        Diagnostic::error("E0520", "`sol-emit-event` inside a loop whose trip count is not bounded")
                            .with_label(e.span, "this emission can repeat without bound")
                            .with_note("emit from a `for` over a literal array or a constant `range`, at most 100 times per execution"),
                    );
                }
            }
            // Counted along the paths through the function (the two arms of an `if` do not add
            // up), plus every pass of the loops whose iterations can be counted (the walk leaves
            // loop bodies out of the path counts).
            let in_loops: u64 = flow
                .loops
                .iter()
                .filter_map(|l| l.trips.map(|t| (l, t)))
                .map(|(l, t)| emits.iter().filter(|e| l.start <= e.pc && e.pc <= l.end).count() as u64 * t)
                .sum();
            let total = u64::from(flow.max_emits).saturating_add(in_loops);
            if total > 100 {
                let span = self.program.functions.get(index).map_or(Span::SYNTHETIC, |f| f.span);
                out.push(
                    Diagnostic::error("E0521", format!("this function emits up to {total} events; at most 100 per execution"))
                        .with_label(span, "here"),
                );
            }
        }
    }

    /// Rule 5: static SLOT_INTERVAL subscriptions that can fall due together fit a slot. All
    /// programs share the slot budget, so their subscriptions are taken together.
    pub fn slot_budget(&self, out: &mut Vec<Diagnostic>) {
        let mut subs = Vec::new();
        for p in &self.program.programs {
            for thunk in &p.startup {
                let Some(flow) = self.flows.get(thunk.0 as usize) else { continue };
                for call in &flow.calls {
                    let Callee::Builtin(id) = call.callee else { continue };
                    if self.name_of(id) != "sol-subscribe-event" {
                        continue;
                    }
                    let Some(kw) = self.kwargs(&call.args) else { continue };
                    let get = |k: &str| kw.iter().find(|(n, _)| n == k).map(|(_, v)| v);
                    if let (Some("SLOT_INTERVAL"), Some(Sym::Int(k)), Some(Sym::Int(b))) =
                        (get("event-type").and_then(|s| self.event_type(s)).as_deref(), get("interval"), get("compute-budget"))
                    {
                        if *k > 0 {
                            subs.push((*k, *b, call.span, p.name.clone()));
                        }
                    }
                }
            }
        }
        let budget = self.cx.slot_budget as i64;
        // The colliding group that overflows first: over every subset (a handful of static
        // subscriptions), the one with the smallest common multiple whose budgets exceed the slot.
        let n = subs.len().min(12);
        let mut best: Option<(i64, i64, usize)> = None;
        for mask in 1usize..(1 << n) {
            let (mut lcm, mut sum, mut overflow) = (1i64, 0i64, false);
            for i in (0..n).filter(|i| mask & (1 << i) != 0) {
                let Some((k, b, _, _)) = subs.get(i) else { continue };
                sum += b;
                match lcm.checked_mul(k / gcd(lcm, *k)) {
                    Some(l) => lcm = l,
                    None => overflow = true,
                }
            }
            if overflow || sum <= budget {
                continue;
            }
            if best.is_none_or(|(l, s, _)| lcm < l || (lcm == l && sum > s)) {
                best = Some((lcm, sum, mask));
            }
        }
        let Some((lcm, sum, mask)) = best else { return };
        let members: Vec<_> = (0..n).filter(|i| mask & (1 << i) != 0).filter_map(|i| subs.get(i)).collect();
        let message = if members.len() == 1 {
            format!("this subscription reserves {sum} CU, more than the per-slot budget of {budget}: none of its firings can run")
        } else {
            format!(
                "{} subscriptions can fall due in the same slot with {sum} CU reserved, over the per-slot budget of {budget}",
                members.len()
            )
        };
        let mut d = Diagnostic::warning("W0560", message);
        for (k, b, span, program) in &members {
            d = d.with_label(*span, format!("`{program}`: every {k} slots, {b} CU"));
        }
        out.push(d.with_note(format!(
            "they collide at every slot that is a multiple of {lcm}; the runtime then defers some of them to later slots. Lower their budgets, or choose intervals that meet less often"
        )));
    }

    /// Rule 6: names that nothing defines, and calls of known functions with the wrong arity.
    pub fn names_and_arities(&self, out: &mut Vec<Diagnostic>) {
        let mut defined: BTreeSet<u32> = BTreeSet::new();
        for f in &self.program.functions {
            for instr in &f.code {
                if let Instr::DefineGlobal(g) = instr {
                    defined.insert(g.0);
                }
            }
        }
        let known: Vec<&str> = defined
            .iter()
            .map(|g| self.program.global_name(crate::GlobalId(*g)))
            .chain(ovsm_stdlib::BUILTINS.iter().map(|b| b.name))
            .chain(self.cx.predefined.iter().map(String::as_str))
            .collect();
        for (_, flow) in self.user_functions() {
            for (g, span, is_call) in &flow.reads {
                let name = self.program.global_name(*g);
                if defined.contains(&g.0) || self.cx.predefined.iter().any(|p| p == name) {
                    continue;
                }
                let hint = did_you_mean(name, known.iter().copied()).map_or_else(String::new, |s| format!("; did you mean `{s}`?"));
                let what = if *is_call { "function" } else { "name" };
                out.push(
                    Diagnostic::warning("W0530", format!("undefined {what} `{name}`{hint}"))
                        .with_label(*span, "nothing defines this")
                        .with_note("running this raises an `undefined` error; a scenario binds account names (check with --scenario)"),
                );
            }
            for (g, span) in &flow.writes {
                let name = self.program.global_name(*g);
                if !defined.contains(&g.0) && !self.cx.predefined.iter().any(|p| p == name) {
                    let hint = did_you_mean(name, known.iter().copied()).map_or_else(String::new, |s| format!("; did you mean `{s}`?"));
                    out.push(
                        Diagnostic::warning("W0530", format!("`set!` of undefined variable `{name}`{hint}"))
                            .with_label(*span, "nothing defines this")
                            .with_note("define it first with (define NAME VALUE)"),
                    );
                }
            }
            for call in &flow.calls {
                if let Callee::Builtin(id) = call.callee {
                    if let Some(b) = ovsm_stdlib::get(id).filter(|b| !b.arity.accepts(call.args.len())) {
                        out.push(
                            Diagnostic::warning(
                                "W0532",
                                format!("`{}` takes {}, this call passes {}", b.name, arguments(b.arity), call.args.len()),
                            )
                            .with_label(call.span, "wrong number of arguments")
                            .with_note(format!("{}: {}", b.signature, b.doc)),
                        );
                    }
                }
                let Callee::Global(g) = call.callee else { continue };
                let Some(func) = self.globals.get(&g.0).and_then(|f| self.function(*f)) else { continue };
                if !accepts(func, call.args.len()) {
                    out.push(
                        Diagnostic::warning(
                            "W0531",
                            format!("`{}` takes {}, this call passes {}", func.name, describe_params(func), call.args.len()),
                        )
                        .with_label(call.span, "wrong number of arguments")
                        .with_label(func.span, "defined here"),
                    );
                }
            }
        }
    }

    /// Handlers: they take one argument, and something should emit their event.
    pub fn handlers(&self, out: &mut Vec<Diagnostic>) {
        let mut emitted = BTreeSet::new();
        let mut dynamic = false;
        for flow in self.flows {
            for call in &flow.calls {
                let Callee::Builtin(id) = call.callee else { continue };
                if self.name_of(id) != "sol-emit-event" {
                    continue;
                }
                match self
                    .kwargs(&call.args)
                    .and_then(|kw| kw.into_iter().find(|(k, _)| k == "event-id"))
                    .and_then(|(_, v)| self.string(&v).map(str::to_string))
                {
                    Some(id) => {
                        emitted.insert(id);
                    }
                    None => dynamic = true,
                }
            }
        }
        for p in &self.program.programs {
            for (event, thunk, span) in &p.handlers {
                if let Some(Sym::Int(_) | Sym::Const(_) | Sym::Map(_) | Sym::Range(_) | Sym::Literal) =
                    self.flows.get(thunk.0 as usize).and_then(|f| f.returns.as_ref())
                {
                    out.push(
                        Diagnostic::error("E0543", format!("the handler for \"{event}\" is not a function"))
                            .with_label(*span, "this handler")
                            .with_note("write (on-event \"ID\" (lambda (data) ...))"),
                    );
                }
                if let Some(func) =
                    self.flows.get(thunk.0 as usize).and_then(|f| f.returns.as_ref()).and_then(closure).and_then(|f| self.function(f))
                {
                    if !accepts(func, 1) {
                        out.push(
                            Diagnostic::error("E0540", "an on-event handler must take 1 argument, the event's data")
                                .with_label(func.span, format!("it takes {}", describe_params(func)))
                                .with_label(*span, "for this event"),
                        );
                    }
                }
                if !dynamic && !emitted.contains(event) {
                    out.push(
                        Diagnostic::warning("W0550", format!("nothing emits \"{event}\", so this handler never runs"))
                            .with_label(*span, "unreachable handler")
                            .with_note("the REPL's :emit can still deliver it by hand"),
                    );
                }
            }
        }
    }
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 {
        a.abs().max(1)
    } else {
        gcd(b, a % b)
    }
}

/// The length of a constant's printed form, as the runtime measures event payloads.
fn constant_size(c: &Constant) -> usize {
    match c {
        Constant::Str(s) => ovsm_lexer::string_literal(s).len(),
        Constant::Keyword(k) => k.len() + 1,
        Constant::Int(n) => n.to_string().len(),
        Constant::Float(f) => ovsm_lexer::float_literal(*f).len(),
        Constant::Bool(b) => {
            if *b {
                4
            } else {
                5
            }
        }
        Constant::Nil => 3,
        Constant::Program(p) => p.len() + 11,
        Constant::Array(items) => 2 + items.len().saturating_sub(1) + items.iter().map(constant_size).sum::<usize>(),
        Constant::Map(items) => {
            2 + (2 * items.len()).saturating_sub(1) + items.iter().map(|(k, v)| constant_size(k) + constant_size(v)).sum::<usize>()
        }
    }
}

fn arguments(arity: ovsm_stdlib::Arity) -> String {
    match arity.max {
        Some(max) if max == arity.min => plural(max as usize, "argument"),
        _ => format!("{} arguments", arity.describe()),
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn describe_params(f: &Function) -> String {
    let p = f.params;
    match (p.optional, p.rest) {
        (0, false) => plural(p.required as usize, "argument"),
        (o, false) => format!("{} to {} arguments", p.required, p.required + o),
        (_, true) => format!("at least {}", plural(p.required as usize, "argument")),
    }
}

fn callback_note(arity: usize) -> &'static str {
    match arity {
        0 => "time events call the callback with no arguments: (lambda () ...)",
        1 => "this event calls the callback with its data: (lambda (data) ...)",
        _ => "watchers call the callback with the old and new values: (lambda (old new) ...)",
    }
}
