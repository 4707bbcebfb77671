//! The subcommands' bodies: read input, drive a session, print, pick the exit status.

use super::{LimitArgs, RunArgs};
use ovsm_runtime::{Limits, Outcome, Session, StdoutHost};
use std::io::IsTerminal;

fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

pub fn limits(args: LimitArgs) -> Limits {
    Limits { max_depth: args.max_depth.max(1), memory_limit: args.memory_limit_mb.saturating_mul(1 << 20), ..Limits::default() }
}

fn read(file: &str) -> Result<String, i32> {
    std::fs::read(file)
        .map_err(|e| {
            eprintln!("error: cannot read `{file}`: {e}");
            1
        })
        .and_then(|bytes| {
            String::from_utf8(bytes).map_err(|e| {
                eprintln!("error: `{file}` is not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to());
                1
            })
        })
}

/// Evaluates a source, simulates its autonomous programs, and prints its last value; returns
/// the exit status.
fn evaluate(name: &str, text: &str, limit_args: LimitArgs, run: Option<&RunArgs>) -> i32 {
    let mut session = Session::new(Box::new(StdoutHost::default()), limits(limit_args));
    let mut slots = run.and_then(|r| r.slots);
    if let Some(run) = run {
        let config = &mut session.vm.chain.config;

        config.ring_bytes = run.ring_buffer_bytes;
        if let Some(path) = &run.scenario {
            let text = match read(path) {
                Ok(text) => text,
                Err(code) => return code,
            };
            match session.load_scenario(path, &text) {
                // Settings given on the command line win over the scenario's defaults.
                Ok(defaults) => slots = slots.or(defaults.slots),
                Err(diagnostics) => {
                    eprint!("{}", session.render(&diagnostics, color()));
                    return 1;
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
    let value = match session.eval(name, text) {
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
    if let Some(run) = run {
        let last = slots.unwrap_or(1000);
        let mut bar = Progress::new(last);
        session.simulate_with(last, &mut |slot| bar.at(slot));
        bar.finish();
        if let Some(path) = &run.trace {
            if let Err(e) = std::fs::write(path, session.trace_jsonl()) {
                eprintln!("error: cannot write the trace to `{path}`: {e}");
                return 1;
            }
        }
        if let Some(summary) = session.summary() {
            eprint!("{summary}");
        }
    }
    let mut line = session.printed(&value);
    if !session.vm.host.at_line_start() {
        line.insert(0, '\n');
    }
    println!("{line}");
    0
}

pub fn run(file: &str, run: &RunArgs, limit_args: LimitArgs) -> i32 {
    match read(file) {
        Ok(text) => evaluate(file, &text, limit_args, Some(run)),
        Err(code) => code,
    }
}

pub fn eval(expr: &str, limit_args: LimitArgs) -> i32 {
    evaluate("<eval>", expr, limit_args, None)
}

pub fn check(file: &str, emit: Option<&str>) -> i32 {
    let text = match read(file) {
        Ok(text) => text,
        Err(code) => return code,
    };
    let mut session = Session::new(Box::new(StdoutHost::default()), Limits::default());
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
    match session.lower_only(file, &text) {
        Ok(ir) => {
            if emit == Some("ir") {
                print!("{ir}");
            }
            0
        }
        Err(diagnostics) => {
            eprint!("{}", session.render(&diagnostics, color()));
            1
        }
    }
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
