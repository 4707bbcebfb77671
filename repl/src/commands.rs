//! The REPL's session object: evaluates input and runs the `:` commands against a live
//! simulated chain. It prints nothing itself; every reply is text for the caller to show.

use ovsm_runtime::chain::bank::AccountView;
use ovsm_runtime::chain::watch::read_field;
use ovsm_runtime::scenario::{Change, FieldType, FieldValue};
use ovsm_runtime::{Host, Limits, Outcome, Session, SharedHost, Value};
use std::fmt::Write as _;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// Every command with its one-line description, for `:help` and completion.
pub const COMMANDS: &[(&str, &str)] = &[
    (":help", "list these commands"),
    (":load FILE", "evaluate a file into the session; its programs are deployed"),
    (":scenario FILE", "load a scenario's accounts and user transactions"),
    (":advance N", "simulate N slots, printing logs as they happen"),
    (":slot", "the current slot, epoch and clock time"),
    (":subs", "live subscriptions: id, program, type, next due slot, budget, state"),
    (":accounts", "the scenario's accounts"),
    (":account PUBKEY", "lamports, owner, data and typed fields of an account (address or scenario name)"),
    (":set-account PUBKEY LAMPORTS", "set an account's balance, as a user transaction"),
    (":set-field PUBKEY FIELD VALUE", "set a typed field (scenario name, or OFFSET:TYPE), as a user transaction"),
    (":emit ID MAP", "deliver an event to the on-event handlers now"),
    (":dlq", "the dead-letter queue"),
    (":trace on|off", "print runtime trace events after each command"),
    (":ast EXPR", "the syntax tree of EXPR"),
    (":ir EXPR", "the IR of EXPR"),
    (":cu EXPR", "evaluate EXPR and report the compute units it cost"),
    (":doc NAME", "the documentation of a builtin or special form"),
    (":reset", "start a fresh session"),
    (":quit", "leave the REPL (Ctrl-D does too)"),
];

/// What handling one input produced.
#[derive(Debug, Default)]
pub struct Reply {
    pub output: String,
    pub quit: bool,
}

pub struct Repl {
    session: Session,
    limits: Limits,
    color: bool,
    /// Set when program output is recorded (tests) rather than printed.
    /// Output written by programs, kept when the REPL records instead of printing.
    buffer: Option<SharedHost>,
    interrupt: Option<Arc<AtomicBool>>,
    trace: bool,
    trace_seen: usize,
    inputs: usize,
}

impl Repl {
    /// A REPL whose programs print through `host`.
    pub fn new(host: Box<dyn Host>, limits: Limits, color: bool) -> Repl {
        Repl { session: Session::new(host, limits), limits, color, buffer: None, interrupt: None, trace: false, trace_seen: 0, inputs: 0 }
    }

    /// A REPL that returns program output in its replies instead of printing it.
    pub fn recording(limits: Limits) -> Repl {
        let buffer = SharedHost::default();
        let mut repl = Repl::new(Box::new(buffer.clone()), limits, false);
        repl.buffer = Some(buffer);
        repl
    }

    pub fn set_interrupt(&mut self, flag: Arc<AtomicBool>) {
        self.session.vm.interrupt = Some(flag.clone());
        self.interrupt = Some(flag);
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Names worth completing: special forms, builtins, defined globals.
    pub fn completion_names(&self) -> Vec<String> {
        let mut names: Vec<String> = SPECIAL_FORMS.iter().map(|s| s.to_string()).collect();
        names.extend(ovsm_stdlib::BUILTINS.iter().filter(|b| !b.name.starts_with('%')).map(|b| b.name.to_string()));
        names.extend(self.session.program().globals.iter().filter(|g| !g.starts_with('%')).cloned());
        names.push("program-id".into());
        names.sort();
        names.dedup();
        names
    }

    /// Evaluates an expression or runs a `:` command.
    pub fn handle(&mut self, input: &str) -> Reply {
        let input = input.trim();
        let mut reply = if let Some(command) = input.strip_prefix(':') { self.command(command) } else { self.eval(input) };
        if let Some(buffer) = &self.buffer {
            let printed = buffer.take();
            reply.output.insert_str(0, &printed);
        }
        if self.trace {
            let trace = &self.session.vm.chain.trace;
            for event in trace.iter().skip(self.trace_seen) {
                let _ = writeln!(reply.output, "trace: {}", event.to_json());
            }
            self.trace_seen = trace.len();
        }
        reply
    }

    fn text(output: impl Into<String>) -> Reply {
        Reply { output: output.into(), quit: false }
    }

    fn eval(&mut self, input: &str) -> Reply {
        self.inputs += 1;
        let name = format!("<repl:{}>", self.inputs);
        let outcome = self.session.eval(&name, input);
        let warnings = self.session.take_warnings();
        let mut reply = match outcome {
            Outcome::Value(v) => {
                let line = self.session.printed(&v);
                let fresh = if self.session.vm.host.at_line_start() { "" } else { "\n" };
                Repl::text(format!("{fresh}{line}\n"))
            }
            Outcome::Rejected(diagnostics) => Repl::text(self.session.render(&diagnostics, self.color)),
            Outcome::Failed(error) => {
                let fresh = if self.session.vm.host.at_line_start() { "" } else { "\n" };
                Repl::text(format!("{fresh}{}", self.session.render_error(&error, self.color)))
            }
        };
        reply.output.insert_str(0, &self.session.render(&warnings, self.color));
        reply
    }

    fn command(&mut self, command: &str) -> Reply {
        let (name, rest) = command.split_once(char::is_whitespace).unwrap_or((command, ""));
        let rest = rest.trim();
        match name {
            "help" => Repl::text(COMMANDS.iter().map(|(c, d)| format!("  {c:<32} {d}\n")).collect::<String>()),
            "quit" | "q" | "exit" => Reply { output: String::new(), quit: true },
            "load" => self.load(rest),
            "scenario" => self.scenario(rest),
            "advance" => match rest.parse::<u64>() {
                Ok(n) => {
                    let target = self.session.vm.chain.slot.saturating_add(n);
                    self.session.simulate(target);
                    Repl::text(format!("at slot {}\n", self.session.vm.chain.slot))
                }
                Err(_) => Repl::text("usage: :advance N (a number of slots)\n"),
            },
            "slot" => {
                let chain = &self.session.vm.chain;
                Repl::text(format!("slot {} epoch {} unix time {}\n", chain.slot, chain.epoch(), chain.config.clock.unix_at(chain.slot)))
            }
            "subs" => Repl::text(self.subs()),
            "accounts" => Repl::text(self.accounts()),
            "account" => self.account(rest),
            "set-account" => self.set_account(rest),
            "set-field" => self.set_field(rest),
            "emit" => self.emit(rest),
            "dlq" => Repl::text(self.dlq()),
            "trace" => match rest {
                "on" => {
                    self.trace = true;
                    self.trace_seen = self.session.vm.chain.trace.len();
                    Repl::text("trace on\n")
                }
                "off" => {
                    self.trace = false;
                    Repl::text("trace off\n")
                }
                _ => Repl::text("usage: :trace on|off\n"),
            },
            "ast" => self.ast(rest),
            "ir" => match self.session.lower_only("<repl:ir>", rest) {
                Ok(ir) => Repl::text(ir),
                Err(d) => Repl::text(self.session.render(&d, self.color)),
            },
            "cu" => self.cu(rest),
            "doc" => Repl::text(doc(rest)),
            "reset" => {
                let interrupt = self.interrupt.clone();
                let fresh = match &self.buffer {
                    Some(_) => Repl::recording(self.limits),
                    None => Repl::new(Box::new(ovsm_runtime::StdoutHost::default()), self.limits, self.color),
                };
                *self = fresh;
                if let Some(flag) = interrupt {
                    self.set_interrupt(flag);
                }
                Repl::text("session reset\n")
            }
            _ => Repl::text(format!("unknown command `:{name}`; :help lists them\n")),
        }
    }

    fn load(&mut self, path: &str) -> Reply {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => return Repl::text(format!("error: cannot read `{path}`: {e}\n")),
        };
        let deployed_before = self.session.vm.chain.programs.len();
        let mut reply = match self.session.eval(path, &text) {
            Outcome::Value(v) => Repl::text(format!("{}\n", self.session.printed(&v))),
            Outcome::Rejected(d) => return Repl::text(self.session.render(&d, self.color)),
            Outcome::Failed(e) => return Repl::text(self.session.render_error(&e, self.color)),
        };
        for p in self.session.vm.chain.programs.iter().skip(deployed_before) {
            let _ = writeln!(reply.output, "deployed {} at {}", p.name, p.address);
        }
        reply
    }

    fn scenario(&mut self, path: &str) -> Reply {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => return Repl::text(format!("error: cannot read `{path}`: {e}\n")),
        };
        match self.session.load_scenario(path, &text) {
            Ok(_) => Repl::text(format!(
                "loaded {} accounts and {} user transactions\n",
                self.session.vm.chain.account_names.len(),
                self.session.vm.chain.pending_transactions.len()
            )),
            Err(d) => Repl::text(self.session.render(&d, self.color)),
        }
    }

    fn subs(&self) -> String {
        let chain = &self.session.vm.chain;
        let mut out = format!("{:>4}  {:<20} {:<22} {:>10} {:>9}  {}\n", "id", "program", "type", "next slot", "budget", "state");
        for s in chain.subs.values().filter(|s| s.is_live()) {
            let program = chain.programs.get(s.program).map_or("?", |p| p.name.as_str());
            let kind = match (&s.trigger, &s.watch) {
                (Some(t), _) => t.kind().to_string(),
                (None, Some(w)) => format!("watch {}", short(&w.account)),
                _ => "?".into(),
            };
            let next = s.next_due.map_or("-".to_string(), |d| d.to_string());
            let state = format!("{:?}", s.state).to_lowercase();
            let _ = writeln!(out, "{:>4}  {:<20} {:<22} {:>10} {:>9}  {state}", s.id, program, kind, next, s.budget);
        }
        out
    }

    fn accounts(&mut self) -> String {
        let names = self.session.vm.chain.account_names.clone();
        if names.is_empty() {
            return "no scenario accounts; :scenario FILE loads some\n".into();
        }
        let mut out = String::new();
        for (name, address) in names {
            let lamports = self.session.vm.chain.bank().account(&address).map_or(0, |a| a.lamports);
            let _ = writeln!(out, "{name:<20} {address}  {lamports} lamports");
        }
        out
    }

    /// An address from an address or a scenario account name.
    fn resolve(&self, text: &str) -> String {
        self.session.vm.chain.account_names.iter().find(|(n, _)| n == text).map_or_else(|| text.to_string(), |(_, a)| a.clone())
    }

    fn account(&mut self, text: &str) -> Reply {
        if text.is_empty() {
            return Repl::text("usage: :account PUBKEY\n");
        }
        let address = self.resolve(text);
        if let Err(why) = ovsm_runtime::chain::bank::address(&address) {
            return Repl::text(format!("error: {why}\n"));
        }
        let Some(view) = self.session.vm.chain.bank().account(&address) else {
            return Repl::text(format!("no account {address}\n"));
        };
        let mut out =
            format!("address  {address}\nlamports {}\nowner    {}\ndata     {} bytes\n", view.lamports, view.owner, view.data.len());
        if let Some(fields) = self.session.vm.chain.account_fields.get(&address) {
            for (name, (offset, ty)) in fields {
                let value = read_field(&view.data, *offset, *ty, u64::MAX).map_or("?".into(), |r| self.session.printed(&r.to_value()));
                let _ = writeln!(out, "  {name:<16} @{offset:<5} {ty:<4} {value}", ty = format!("{ty:?}").to_lowercase());
            }
        }
        out.push_str(&hex_dump(&view));
        Repl::text(out)
    }

    fn set_account(&mut self, args: &str) -> Reply {
        let parts: Vec<&str> = args.split_whitespace().collect();
        let [who, lamports] = parts.as_slice() else { return Repl::text("usage: :set-account PUBKEY LAMPORTS\n") };
        let Ok(lamports) = lamports.replace('_', "").parse::<u64>() else {
            return Repl::text("error: LAMPORTS must be a non-negative integer\n");
        };
        let address = self.resolve(who);
        if let Err(why) = ovsm_runtime::chain::bank::address(&address) {
            return Repl::text(format!("error: {why}\n"));
        }
        match self.session.user_transaction(&address, Change::SetLamports(lamports)) {
            Ok(()) => Repl::text(format!("{who}: {lamports} lamports\n")),
            Err(why) => Repl::text(format!("error: {why}\n")),
        }
    }

    fn set_field(&mut self, args: &str) -> Reply {
        let parts: Vec<&str> = args.split_whitespace().collect();
        let [who, field, value] = parts.as_slice() else {
            return Repl::text("usage: :set-field PUBKEY FIELD VALUE (FIELD: a scenario field name, or OFFSET:TYPE)\n");
        };
        let address = self.resolve(who);
        let named = self.session.vm.chain.account_fields.get(&address).and_then(|f| f.get(*field)).copied();
        let target = named.or_else(|| {
            let (offset, ty) = field.split_once(':').unwrap_or((field, "i64"));
            Some((offset.parse().ok()?, FieldType::parse(ty)?))
        });
        let Some((offset, ty)) = target else {
            return Repl::text(format!("error: `{field}` is neither a field of {who} nor OFFSET:TYPE\n"));
        };
        let value = match value.replace('_', "").parse::<i128>() {
            Ok(i) => FieldValue::Int(i),
            Err(_) => match value.parse::<f64>() {
                Ok(f) => FieldValue::Float(f),
                Err(_) => return Repl::text("error: VALUE must be a number\n"),
            },
        };
        if let Err(why) = ty.encode(value) {
            return Repl::text(format!("error: {why}\n"));
        }
        match self.session.user_transaction(&address, Change::Field { offset, ty, value }) {
            Ok(()) => Repl::text(format!("{who} {field} set\n")),
            Err(why) => Repl::text(format!("error: {why}\n")),
        }
    }

    fn emit(&mut self, args: &str) -> Reply {
        let (id, data) = args.split_once(char::is_whitespace).unwrap_or((args, "{}"));
        if id.is_empty() {
            return Repl::text("usage: :emit ID MAP\n");
        }
        let value = match self.session.eval("<repl:emit>", data) {
            Outcome::Value(v @ Value::Map(_)) => v,
            Outcome::Value(other) => return Repl::text(format!("error: the event data must be a map, got {}\n", other.type_name())),
            Outcome::Rejected(d) => return Repl::text(self.session.render(&d, self.color)),
            Outcome::Failed(e) => return Repl::text(self.session.render_error(&e, self.color)),
        };
        self.session.inject_event(id.trim_matches('"'), value);
        Repl::text(format!("emitted {id}\n"))
    }

    fn dlq(&self) -> String {
        let letters = &self.session.vm.chain.dead_letters;
        if letters.is_empty() {
            return "the dead-letter queue is empty\n".into();
        }
        letters
            .iter()
            .map(|d| {
                format!(
                    "item {} slot {} {} {}: {}\n",
                    d.item,
                    d.slot,
                    d.program,
                    d.subscription.map_or(String::new(), |s| format!("subscription {s}")),
                    d.reason
                )
            })
            .collect()
    }

    fn ast(&mut self, expr: &str) -> Reply {
        let (program, diagnostics) = ovsm_parser::parse(expr, ovsm_lexer::SourceId(0));
        match program.filter(|_| diagnostics.is_empty()) {
            Some(p) => Repl::text(ovsm_parser::ast::dump(&p)),
            None => {
                let mut sources = ovsm_lexer::Sources::new();
                sources.add("<repl:ast>", expr);
                Repl::text(ovsm_lexer::render_all(&diagnostics, &sources, self.color))
            }
        }
    }

    fn cu(&mut self, expr: &str) -> Reply {
        let before = self.session.vm.compute_used;
        let mut reply = self.eval(expr);
        let used = self.session.vm.compute_used.saturating_sub(before);
        let _ = writeln!(reply.output, "{used} compute units");
        reply
    }
}

/// Special forms, for completion and `:doc`.
pub const SPECIAL_FORMS: &[&str] = &[
    "define",
    "defun",
    "set!",
    "if",
    "do",
    "let",
    "let*",
    "lambda",
    "while",
    "for",
    "when",
    "unless",
    "cond",
    "case",
    "and",
    "or",
    "try",
    "catch",
    "quote",
    "define-autonomous-program",
    "on-startup",
    "on-event",
];

fn doc(name: &str) -> String {
    let name = name.trim();
    if let Some(b) = ovsm_stdlib::lookup(name).and_then(ovsm_stdlib::get) {
        return format!(
            "{}\n  {}\n  example: {} => {}\n  arguments: {}, cost: {} CU\n",
            b.signature,
            b.doc,
            b.example,
            b.expect,
            b.arity.describe(),
            b.cost
        );
    }
    if SPECIAL_FORMS.contains(&name) {
        return format!("`{name}` is a special form; docs/language.md describes it\n");
    }
    format!("no builtin or special form named `{name}`\n")
}

fn short(address: &str) -> String {
    match (address.get(..4), address.get(address.len().saturating_sub(4)..)) {
        (Some(a), Some(b)) if address.len() > 12 => format!("{a}..{b}"),
        _ => address.to_string(),
    }
}

/// The first 64 bytes of data, 16 to a line.
fn hex_dump(view: &AccountView) -> String {
    let mut out = String::new();
    for (i, chunk) in view.data.chunks(16).take(4).enumerate() {
        let bytes: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
        let _ = writeln!(out, "  {:04x}  {}", i * 16, bytes.join(" "));
    }
    if view.data.len() > 64 {
        let _ = writeln!(out, "  ... {} more bytes", view.data.len() - 64);
    }
    out
}
