//! The interactive REPL: rustyline in front of a [`Repl`] session object.
//!
//! All behaviour lives in [`Repl::handle`] (evaluation and the `:` commands) and in the line
//! editor helper (completion, highlighting, hints, multi-line input); this file only reads lines
//! and prints what comes back. Non-interactive input (a pipe) is read without prompts.

mod commands;
mod helper;
mod input;

pub use commands::{Repl, Reply, COMMANDS};
pub use input::is_complete;

use helper::LineHelper;
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::Editor;
use std::io::{BufRead, IsTerminal};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Settings of a REPL run.
pub struct Options {
    /// A file to load before the first prompt.
    pub file: Option<String>,
    /// Where history is kept; `None` keeps none.
    pub history: Option<std::path::PathBuf>,
    pub limits: ovsm_runtime::Limits,
}

/// The default history file: `$OVSM_HISTORY`, else `~/.ovsm_history`.
pub fn default_history() -> Option<std::path::PathBuf> {
    if let Some(path) = std::env::var_os("OVSM_HISTORY") {
        return Some(path.into());
    }
    std::env::var_os("HOME").map(|home| std::path::PathBuf::from(home).join(".ovsm_history"))
}

/// Runs the REPL until `:quit`, Ctrl-D or the end of input; returns the exit status.
pub fn run(options: Options) -> i32 {
    let interrupt = Arc::new(AtomicBool::new(false));
    let flag = interrupt.clone();
    // A Ctrl-C while an evaluation runs stops it; at the prompt rustyline sees it first.
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed));
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut repl = Repl::new(Box::new(ovsm_runtime::StdoutHost::default()), options.limits, color);
    repl.set_interrupt(interrupt.clone());
    if let Some(file) = &options.file {
        print!("{}", repl.handle(&format!(":load {file}")).output);
    }
    if std::io::stdin().is_terminal() {
        interactive(&mut repl, &options, &interrupt)
    } else {
        piped(&mut repl, &interrupt)
    }
}

fn interactive(repl: &mut Repl, options: &Options, interrupt: &AtomicBool) -> i32 {
    let Ok(mut editor) = Editor::<LineHelper, DefaultHistory>::new() else {
        eprintln!("error: cannot start the line editor");
        return 1;
    };
    editor.set_helper(Some(LineHelper::default()));
    if let Some(path) = &options.history {
        let _ = editor.load_history(path);
    }
    println!("OVSM {} — :help for commands, Ctrl-D to quit", env!("CARGO_PKG_VERSION"));
    loop {
        if let Some(h) = editor.helper_mut() {
            h.names = repl.completion_names();
        }
        match read_form(&mut editor) {
            Ok(line) => {
                if line.trim().is_empty() {
                    continue;
                }
                let _ = editor.add_history_entry(line.as_str());
                interrupt.store(false, Ordering::Relaxed);
                let reply = repl.handle(&line);
                print!("{}", reply.output);
                if reply.quit {
                    break;
                }
            }
            // Ctrl-C at the prompt drops the current input and keeps the session.
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("error: {e}");
                break;
            }
        }
    }
    if let Some(path) = &options.history {
        let _ = editor.save_history(path);
    }
    0
}

/// Reads one whole input: an unbalanced form continues on lines with a continuation prompt.
fn read_form(editor: &mut Editor<LineHelper, DefaultHistory>) -> rustyline::Result<String> {
    let mut text = editor.readline("ovsm> ")?;
    while !text.trim_start().starts_with(':') && !is_complete(&text) {
        let more = editor.readline("   .. ")?;
        text.push('\n');
        text.push_str(&more);
    }
    Ok(text)
}

fn piped(repl: &mut Repl, interrupt: &AtomicBool) -> i32 {
    let stdin = std::io::stdin();
    let mut pending = String::new();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        pending.push_str(&line);
        pending.push('\n');
        if !is_complete(&pending) {
            continue;
        }
        let input = std::mem::take(&mut pending);
        if input.trim().is_empty() {
            continue;
        }
        interrupt.store(false, Ordering::Relaxed);
        let reply = repl.handle(input.trim_end());
        print!("{}", reply.output);
        if reply.quit {
            return 0;
        }
    }
    if !pending.trim().is_empty() {
        print!("{}", repl.handle(pending.trim_end()).output);
    }
    0
}
