//! The rules. Each function pushes diagnostics with its own codes.

use super::flow::{constant, Callee, Flow, Sym};
use super::{closure, CheckContext};
use crate::{Constant, FuncId, Function, Instr, Program};
use ovsm_lexer::{Diagnostic, Span};
use std::collections::{BTreeMap, BTreeSet};

pub const EVENT_TYPES: &[&str] = &[
    "SLOT_INTERVAL",
    "EPOCH_BOUNDARY",
    "WALLCLOCK_TIME",
    "ACCOUNT_DATA_CHANGE",
    "ACCOUNT_BALANCE_CHANGE",
    "ACCOUNT_OWNER_CHANGE",
    "PROGRAM_EVENT",
    "CPI_RETURN",
    "CRON",
    "INTERVAL",
    "TIMESTAMP",
    "SLOT",
    "EPOCH",
    "NOW",
];

const SUBSCRIBE_KEYS: &[&str] = &[
    "event-type",
    "interval",
    "start-slot",
    "epoch-offset",
    "unix-timestamp",
    "schedule",
    "seconds",
    "skippable",
    "timestamp",
    "slot",
    "epoch",
    "callback",
    "compute-budget",
    "trigger-data",
    "account",
    "criteria",
    "event-id",
    "source-program",
    "filter",
    "callee-program",
];
const WATCH_KEYS: &[&str] = &["account", "criteria", "callback", "compute-budget"];
const SCHEDULE_KEYS: &[&str] = &["target-slot", "callback", "instruction", "compute-budget"];
const EMIT_KEYS: &[&str] = &["event-id", "data"];
const CRITERIA_KEYS: &[&str] = &["offset", "mask", "comparison", "threshold", "type", "source", "new-owner"];
const COMPARISONS: &[&str] = &["=", "==", "!=", ">", "<", ">=", "<=", "CHANGE_PERCENT", "CHANGE_ABSOLUTE"];

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

fn did_you_mean<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates.map(|c| (distance(word, c), c)).filter(|(d, c)| *d <= 2.max(word.len() / 4) && *c != word).min().map(|(_, c)| c)
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = i;
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let cur = row.get(j + 1).copied().unwrap_or(0);
            let best = (prev + usize::from(ca != *cb)).min(cur + 1).min(row.get(j).copied().unwrap_or(0) + 1);
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = best;
            }
            prev = cur;
        }
    }
    row.last().copied().unwrap_or(0)
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

    /// Keyword arguments, when every key is a literal keyword.
    fn kwargs<'s>(&self, args: &'s [Sym]) -> Option<Vec<(String, &'s Sym)>> {
        if !args.len().is_multiple_of(2) {
            return None;
        }
        args.chunks(2)
            .map(|kv| match (kv.first().and_then(|k| constant(self.program, k)), kv.get(1)) {
                (Some(Constant::Keyword(k)), Some(v)) => Some((k.clone(), v)),
                _ => None,
            })
            .collect()
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
                    _ => continue,
                };
                let Some(kw) = self.kwargs(&call.args) else { continue };
                for (k, _) in &kw {
                    if !keys.contains(&k.as_str()) {
                        let hint = did_you_mean(k, keys.iter().copied()).map_or_else(String::new, |s| format!("; did you mean `:{s}`?"));
                        out.push(
                            Diagnostic::error("E0542", format!("`{name}` has no keyword argument `:{k}`{hint}"))
                                .with_label(call.span, "in this call")
                                .with_note(format!("it takes {}", keys.iter().map(|k| format!(":{k}")).collect::<Vec<_>>().join(" "))),
                        );
                    }
                }
                let get = |k: &str| kw.iter().find(|(n, _)| n == k).map(|(_, v)| *v);
                if name == "sol-emit-event" {
                    self.payload(call.span, get("data"), out);
                    continue;
                }
                self.budget(name, call.span, get("compute-budget"), out);
                let event = if name == "sol-subscribe-event" { get("event-type").and_then(|s| self.string(s)) } else { None };
                if let Some(event) = event {
                    if !EVENT_TYPES.contains(&event) {
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
                let watching = name == "sol-watch-account" || event.is_some_and(|e| e.starts_with("ACCOUNT_"));
                let arity = match (name, event) {
                    (_, _) if watching => 2,
                    (_, Some("PROGRAM_EVENT" | "CPI_RETURN")) => 1,
                    _ => 0,
                };
                self.callback(name, call.span, get("callback").or_else(|| get("instruction")), arity, out);
                if watching {
                    self.criteria(call.span, get("criteria"), get("account"), out);
                }
            }
        }
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
            Some(_) => out.push(
                Diagnostic::warning("W0503", "cannot prove that this compute budget lies in 1..1,400,000")
                    .with_label(span, "its :compute-budget is not a constant")
                    .with_note("write a literal, or a global defined once to a literal"),
            ),
        }
    }

    fn callback(&self, name: &str, span: Span, callback: Option<&Sym>, arity: usize, out: &mut Vec<Diagnostic>) {
        match callback {
            None => out.push(Diagnostic::error("E0544", format!("`{name}` has no :callback")).with_label(span, "in this call")),
            Some(Sym::Closure(f)) => {
                if let Some(func) = self.function(*f) {
                    if !accepts(func, arity) {
                        out.push(
                            Diagnostic::error(
                                "E0540",
                                format!("this callback must take {arity} argument{}", if arity == 1 { "" } else { "s" }),
                            )
                            .with_label(func.span, format!("it takes {}", describe_params(func)))
                            .with_label(span, "registered here")
                            .with_note(callback_note(arity)),
                        );
                    }
                }
            }
            Some(Sym::Int(_) | Sym::Const(_) | Sym::Map(_) | Sym::Range(_)) => out.push(
                Diagnostic::error("E0543", format!("the :callback of `{name}` is not a function"))
                    .with_label(span, "in this call")
                    .with_note("pass a (lambda ...) or the name of a function"),
            ),
            Some(_) => {}
        }
    }

    fn criteria(&self, span: Span, criteria: Option<&Sym>, account: Option<&Sym>, out: &mut Vec<Diagnostic>) {
        let pairs = match criteria {
            Some(Sym::Map(pairs)) => pairs,
            None => return,
            Some(Sym::Int(_) | Sym::Const(_) | Sym::Range(_) | Sym::Closure(_)) => {
                out.push(
                    Diagnostic::error("E0552", "watcher criteria must be a map {:offset :comparison :threshold}")
                        .with_label(span, "in this watcher"),
                );
                return;
            }
            Some(_) => {
                out.push(
                    Diagnostic::warning("W0551", "watcher criteria are not constants")
                        .with_label(span, "in this watcher")
                        .with_note("write the criteria map literally"),
                );
                return;
            }
        };
        let mut offset = None;
        let mut width = 8usize;
        for (k, v) in pairs {
            let key = match constant(self.program, k) {
                Some(Constant::Keyword(k) | Constant::Str(k)) => k.clone(),
                _ => continue,
            };
            if !CRITERIA_KEYS.contains(&key.as_str()) {
                let hint =
                    did_you_mean(&key, CRITERIA_KEYS.iter().copied()).map_or_else(String::new, |s| format!("; did you mean `:{s}`?"));
                out.push(Diagnostic::error("E0553", format!("unknown criteria key `:{key}`{hint}")).with_label(span, "in this watcher"));
                continue;
            }
            let constant_value = constant(self.program, v);
            match (key.as_str(), v, constant_value) {
                ("offset", Sym::Int(o), _) if *o >= 0 => offset = Some(*o as usize),
                ("offset", _, _) => out.push(
                    Diagnostic::error("E0554", "the criteria :offset must be a non-negative integer constant")
                        .with_label(span, "in this watcher"),
                ),
                ("comparison", _, Some(Constant::Str(c))) if COMPARISONS.contains(&c.as_str()) => {}
                ("comparison", _, _) => out.push(
                    Diagnostic::error(
                        "E0555",
                        "the criteria :comparison must be one of =, !=, >, <, >=, <=, \"CHANGE_PERCENT\", \"CHANGE_ABSOLUTE\"",
                    )
                    .with_label(span, "in this watcher"),
                ),
                ("threshold", Sym::Int(_), _) | ("threshold", _, Some(Constant::Float(_))) => {}
                ("threshold", _, _) => out.push(
                    Diagnostic::error("E0556", "the criteria :threshold must be a numeric constant").with_label(span, "in this watcher"),
                ),
                ("type", _, Some(Constant::Str(t))) => {
                    width = match t.as_str() {
                        "i32" | "u32" => 4,
                        "u8" => 1,
                        _ => 8,
                    }
                }
                _ => {}
            }
        }
        let size = match account {
            Some(Sym::Global(g)) => self.cx.account_sizes.get(self.program.global_name(*g)).copied(),
            _ => None,
        };
        if let (Some(o), Some(size)) = (offset, size) {
            if o + width > size {
                out.push(
                    Diagnostic::error(
                        "E0557",
                        format!("criteria offset {o} plus a {width}-byte field is past the end of the watched account's {size} bytes"),
                    )
                    .with_label(span, "in this watcher")
                    .with_note("the account's size comes from the scenario"),
                );
            }
        }
    }

    fn payload(&self, span: Span, data: Option<&Sym>, out: &mut Vec<Diagnostic>) {
        let Some(Sym::Map(pairs)) = data else { return };
        let mut size = 2usize;
        for (k, v) in pairs {
            match (constant(self.program, k), v) {
                (Some(k), Sym::Int(n)) => size += constant_size(k) + n.to_string().len() + 2,
                (Some(k), other) => match constant(self.program, other) {
                    Some(v) => size += constant_size(k) + constant_size(v) + 2,
                    None => return,
                },
                _ => return,
            }
        }
        if size > 1024 {
            out.push(
                Diagnostic::error("E0522", format!("this event payload is about {size} bytes; events are limited to 1 KiB"))
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
                        if let ("callback" | "instruction", Some(f)) = (k.as_str(), closure(v)) {
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
            if emits.len() > 100 {
                let span = self.program.functions.get(index).map_or(Span::SYNTHETIC, |f| f.span);
                out.push(
                    Diagnostic::error("E0521", format!("this function emits {} events; at most 100 per execution", emits.len()))
                        .with_label(span, "here"),
                );
            }
        }
    }

    /// Rule 5: static SLOT_INTERVAL subscriptions that can fall due together fit a slot.
    pub fn slot_budget(&self, out: &mut Vec<Diagnostic>) {
        for p in &self.program.programs {
            let mut subs = Vec::new();
            for thunk in &p.startup {
                let Some(flow) = self.flows.get(thunk.0 as usize) else { continue };
                for call in &flow.calls {
                    let Callee::Builtin(id) = call.callee else { continue };
                    if self.name_of(id) != "sol-subscribe-event" {
                        continue;
                    }
                    let Some(kw) = self.kwargs(&call.args) else { continue };
                    let get = |k: &str| kw.iter().find(|(n, _)| n == k).map(|(_, v)| *v);
                    if let (Some("SLOT_INTERVAL"), Some(Sym::Int(k)), Some(Sym::Int(b))) =
                        (get("event-type").and_then(|s| self.string(s)), get("interval"), get("compute-budget"))
                    {
                        subs.push((*k, *b, call.span));
                    }
                }
            }
            let total: i64 = subs.iter().map(|(_, b, _)| *b).sum();
            if subs.len() < 2 || total <= self.cx.slot_budget as i64 {
                continue;
            }
            let lcm = subs.iter().try_fold(1i64, |acc, (k, _, _)| acc.checked_mul(k / gcd(acc, *k)));
            let when = lcm.map_or("when their intervals coincide".to_string(), |l| format!("at every slot that is a multiple of {l}"));
            let mut d = Diagnostic::warning(
                "W0560",
                format!(
                    "{} subscriptions of `{}` can fall due in the same slot with {total} CU reserved, over the per-slot budget of {}",
                    subs.len(),
                    p.name,
                    self.cx.slot_budget
                ),
            );
            for (k, b, span) in &subs {
                d = d.with_label(*span, format!("every {k} slots, {b} CU"));
            }
            out.push(d.with_note(format!("they collide {when}; the runtime then defers some of them to later slots. Stagger them with :start-slot or lower their budgets")));
        }
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
            for call in &flow.calls {
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
                    .and_then(|(_, v)| self.string(v).map(str::to_string))
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

fn constant_size(c: &Constant) -> usize {
    match c {
        Constant::Str(s) => s.len() + 2,
        Constant::Keyword(k) => k.len() + 1,
        Constant::Int(n) => n.to_string().len(),
        Constant::Float(_) => 8,
        Constant::Array(items) => 2 + items.iter().map(|i| constant_size(i) + 1).sum::<usize>(),
        Constant::Map(items) => 2 + items.iter().map(|(k, v)| constant_size(k) + constant_size(v) + 2).sum::<usize>(),
        _ => 4,
    }
}

fn describe_params(f: &Function) -> String {
    let p = f.params;
    match (p.optional, p.rest) {
        (0, false) => format!("{} argument{}", p.required, if p.required == 1 { "" } else { "s" }),
        (o, false) => format!("{} to {} arguments", p.required, p.required + o),
        (_, true) => format!("at least {} arguments", p.required),
    }
}

fn callback_note(arity: usize) -> &'static str {
    match arity {
        0 => "time events call the callback with no arguments: (lambda () ...)",
        1 => "this event calls the callback with its data: (lambda (data) ...)",
        _ => "watchers call the callback with the old and new values: (lambda (old new) ...)",
    }
}
