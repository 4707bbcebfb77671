//! The subcommands' bodies: read input, drive a session, print, pick the exit status.

use super::{LimitArgs, RunArgs};
use ovsm_runtime::{Limits, Outcome, Session, StdoutHost};
use std::io::IsTerminal;

pub fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

pub fn limits(args: LimitArgs) -> Limits {
    Limits { max_depth: args.max_depth.max(1), memory_limit: args.memory_limit_mb.saturating_mul(1 << 20), ..Limits::default() }
}

pub use crate::source_file::read;

/// A session set up for a run: the scenario loaded and the command line's settings applied;
/// also the number of slots to simulate, if the command line or the scenario says.
pub fn session_for(limit_args: LimitArgs, run: Option<&RunArgs>) -> Result<(Session, Option<u64>), i32> {
    let mut session = Session::new(Box::new(StdoutHost::default()), limits(limit_args));
    let mut slots = run.and_then(|r| r.slots);
    if let Some(run) = run {
        let config = &mut session.vm.chain.config;

        config.ring_bytes = run.ring_buffer_bytes;
        if let Some(path) = &run.scenario {
            let text = read(path)?;
            match session.load_scenario(path, &text) {
                // Settings given on the command line win over the scenario's defaults.
                Ok(defaults) => slots = slots.or(defaults.slots),
                Err(diagnostics) => {
                    eprint!("{}", session.render(&diagnostics, color()));
                    return Err(1);
                }
            }
        }
        // Settings given on the command line win over the scenario's.
        if let Some(spe) = run.slots_per_epoch {
            session.vm.chain.config.clock.slots_per_epoch = spe.max(1);
        }
        if let Some(budget) = run.slot_budget {
            session.vm.chain.config.slot_budget = budget;
        }
    }
    Ok((session, slots))
}

/// After the top level: simulates the slots, writes the trace, the timeline and the summary.
pub fn simulate(session: &mut Session, run: &RunArgs, slots: Option<u64>) -> Result<(), i32> {
    let last = slots.unwrap_or(1000);
    let mut bar = Progress::new(last);
    session.simulate_with(last, &mut |slot| bar.at(slot));
    bar.finish();
    if let Some(path) = &run.trace {
        if let Err(e) = std::fs::write(path, session.trace_jsonl()) {
            eprintln!("error: cannot write the trace to `{path}`: {e}");
            return Err(1);
        }
    }
    if let Some(path) = &run.timeline {
        if let Err(e) = super::timeline::draw(path, &session.vm.chain.trace, last) {
            eprintln!("error: {e}");
            return Err(1);
        }
    }
    if let Some(summary) = session.summary() {
        eprint!("{summary}");
    }
    Ok(())
}

/// Evaluates a source, simulates its autonomous programs, and prints its last value; returns
/// the exit status.
fn evaluate(name: &str, text: &str, limit_args: LimitArgs, run: Option<&RunArgs>) -> i32 {
    let (mut session, slots) = match session_for(limit_args, run) {
        Ok(ready) => ready,
        Err(code) => return code,
    };
    let outcome = session.eval(name, text);
    let warnings = session.take_warnings();
    if !warnings.is_empty() {
        eprint!("{}", session.render(&warnings, color()));
    }
    let value = match outcome {
        Outcome::Value(value) => value,
        Outcome::Rejected(diagnostics) => {
            eprint!("{}", session.render(&diagnostics, color()));
            return 1;
        }
        Outcome::Failed(error) => {
            if !session.vm.host.at_line_start() {
                println!();
            }
            eprint!("{}", session.render_error(&error, color()));
            return 1;
        }
    };
    if run.is_some_and(|r| r.compute_units) {
        eprintln!("compute units: {}", session.vm.compute_used);
    }
    if let Some(run) = run {
        if let Err(code) = simulate(&mut session, run, slots) {
            return code;
        }
    }
    let mut line = session.printed(&value);
    if !session.vm.host.at_line_start() {
        line.insert(0, '\n');
    }
    println!("{line}");
    // The process ends here: dropping every value the run built (a large array is a tree of
    // reference-counted chunks) would only give memory back that the OS takes back anyway,
    // and could cost a noticeable part of a short run. Output is written through already.
    std::mem::forget(value);
    std::mem::forget(session);
    0
}

pub fn run(file: &str, run: &RunArgs, limit_args: LimitArgs) -> i32 {
    if file.ends_with(".so") {
        return super::build::run_so(file, run, limit_args);
    }
    match read(file) {
        Ok(text) => evaluate(file, &text, limit_args, Some(run)),
        Err(code) => code,
    }
}

pub fn eval(expr: &str, limit_args: LimitArgs) -> i32 {
    evaluate("<eval>", expr, limit_args, None)
}

pub fn check(file: &str, emit: Option<&str>, format: &str, scenario: Option<&str>) -> i32 {
    let text = match read(file) {
        Ok(text) => text,
        Err(code) => return code,
    };
    let mut session = Session::new(Box::new(StdoutHost::default()), Limits::default());
    if let Some(path) = scenario {
        let scenario_text = match read(path) {
            Ok(t) => t,
            Err(code) => return code,
        };
        if let Err(diagnostics) = session.load_scenario(path, &scenario_text) {
            eprint!("{}", session.render(&diagnostics, color()));
            return 1;
        }
    }
    if emit == Some("ast") {
        let id = session.sources.add(file, text.as_str());
        let (program, diagnostics) = ovsm_parser::parse(&text, id);
        if let Some(program) = program.filter(|_| !ovsm_lexer::any_errors(&diagnostics)) {
            print!("{}", ovsm_parser::ast::dump(&program));
            return 0;
        }
        eprint!("{}", session.render(&diagnostics, color()));
        return 1;
    }
    if emit == Some("ir") {
        return match session.lower_only(file, &text) {
            Ok(ir) => {
                print!("{ir}");
                0
            }
            Err(diagnostics) => {
                eprint!("{}", session.render(&diagnostics, color()));
                1
            }
        };
    }
    let diagnostics = session.check_source(file, &text);
    match format {
        "json" => diagnostics.iter().for_each(|d| println!("{}", json_line(d, &session))),
        "short" => diagnostics.iter().for_each(|d| println!("{}", short_line(d, &session))),
        _ => eprint!("{}", session.render(&diagnostics, color())),
    }
    i32::from(ovsm_lexer::any_errors(&diagnostics))
}

/// `error[E0501] 3:9-3:14: message`: one diagnostic per line, for tests and scripts.
fn short_line(d: &ovsm_lexer::Diagnostic, session: &Session) -> String {
    let severity = if d.is_error() { "error" } else { "warning" };
    match d.primary_span() {
        Some(span) => {
            let (l1, c1) = session.sources.line_col(span.source, span.start);
            let (l2, c2) = session.sources.line_col(span.source, span.end);
            format!("{severity}[{}] {l1}:{c1}-{l2}:{c2}: {}", d.code, d.message)
        }
        None => format!("{severity}[{}]: {}", d.code, d.message),
    }
}

/// One diagnostic as a JSON object, for editors and CI.
fn json_line(d: &ovsm_lexer::Diagnostic, session: &Session) -> String {
    let esc = |s: &str| {
        let quoted = ovsm_lexer::json_string(s);
        quoted.get(1..quoted.len() - 1).unwrap_or_default().to_string()
    };
    let severity = if d.is_error() { "error" } else { "warning" };
    let mut line = format!("{{\"severity\":\"{severity}\",\"code\":\"{}\",\"message\":\"{}\"", d.code, esc(&d.message));
    if let Some(span) = d.primary_span() {
        let (l1, c1) = session.sources.line_col(span.source, span.start);
        let (l2, c2) = session.sources.line_col(span.source, span.end);
        line.push_str(&format!(
            ",\"file\":\"{}\",\"line\":{l1},\"column\":{c1},\"end_line\":{l2},\"end_column\":{c2}",
            esc(session.sources.name(span.source))
        ));
    }
    let notes: Vec<String> = d.notes.iter().map(|n| format!("\"{}\"", esc(n))).collect();
    line.push_str(&format!(",\"notes\":[{}]}}", notes.join(",")));
    line
}

/// A progress bar on stderr for runs longer than a second, only when stderr is a terminal.
/// It reads the wall clock, which is fine here: it never touches stdout or the trace.
struct Progress {
    total: u64,
    started: std::time::Instant,
    bar: Option<indicatif::ProgressBar>,
    enabled: bool,
}

impl Progress {
    fn new(total: u64) -> Progress {
        Progress { total, started: std::time::Instant::now(), bar: None, enabled: std::io::stderr().is_terminal() }
    }

    fn at(&mut self, slot: u64) {
        if !self.enabled {
            return;
        }
        if self.bar.is_none() && self.started.elapsed() > std::time::Duration::from_secs(1) {
            let bar = indicatif::ProgressBar::with_draw_target(Some(self.total), indicatif::ProgressDrawTarget::stderr());
            if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} slot {pos}/{len} ({per_sec})") {
                bar.set_style(style);
            }
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_position(slot);
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
