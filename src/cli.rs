//! Command-line interface (contract section 1).

mod build;
mod commands;
mod timeline;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "ovsm", version, about = "OVSM: a Lisp for autonomous Solana programs")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// `--max-depth`'s default.
pub const DEFAULT_MAX_DEPTH: usize = 50_000;

#[derive(clap::Args, Clone, Copy)]
pub struct LimitArgs {
    /// Deepest call stack before a `recursion` error (a compiled program's is set by `ovsm build`).
    #[arg(long, default_value_t = DEFAULT_MAX_DEPTH)]
    pub max_depth: usize,
    /// Heap the program may use, in MiB, before a memory error.
    #[arg(long, default_value_t = 2048)]
    pub memory_limit_mb: usize,
}

#[derive(clap::Args, Clone)]
pub struct RunArgs {
    /// Slots to simulate after startup [default: the scenario's, else 1000].
    #[arg(long)]
    pub slots: Option<u64>,
    /// Slots per epoch [default: the scenario's, else 432000].
    #[arg(long)]
    pub slots_per_epoch: Option<u64>,
    /// Compute units all autonomous work of one slot may reserve [default: the scenario's, else 400000].
    #[arg(long)]
    pub slot_budget: Option<u64>,
    /// Size of the async event ring buffer, in bytes.
    #[arg(long, default_value_t = 1 << 20)]
    pub ring_buffer_bytes: usize,
    /// Accounts and user transactions to run against (TOML).
    #[arg(long)]
    pub scenario: Option<String>,
    /// Write one JSON object per runtime event to this file.
    #[arg(long)]
    pub trace: Option<String>,
    /// Draw the run as an SVG picture: a lane per subscription, compute units per slot.
    #[arg(long)]
    pub timeline: Option<String>,
    /// Print to stderr the compute units the top level used: the interpreter's meter, or, for a
    /// compiled program, the VM's.
    #[arg(long)]
    pub compute_units: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Evaluate a file in the simulated runtime; prints its output, then its last value.
    Run {
        file: String,
        #[command(flatten)]
        run: RunArgs,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Evaluate an expression and print its value.
    Eval {
        expr: String,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Report diagnostics without running; `--emit ast|ir` prints a stage.
    Check {
        file: String,
        /// Print a stage instead of diagnostics.
        #[arg(long, value_parser = ["ast", "ir"])]
        emit: Option<String>,
        /// How to print diagnostics: `human` (ariadne), `short` (one line each) or `json` (JSON lines).
        #[arg(long, default_value = "human", value_parser = ["human", "short", "json"])]
        format: String,
        /// A scenario whose account names and sizes the checks may use.
        #[arg(long)]
        scenario: Option<String>,
    },
    /// Compile to an sBPF shared object (and its site map, OUT.so.map).
    Build {
        file: String,
        /// Where to write [default: FILE with the extension of what is emitted]; `-` for stdout.
        #[arg(short, long)]
        output: Option<String>,
        /// What to write: the linked program, the BPF object, or the optimised LLVM IR.
        #[arg(long, default_value = "so", value_parser = ["so", "obj", "llvm-ir"])]
        emit: String,
        /// Optimisation level: 0 to 3, or s (smaller) or z (smallest) to trade compute units for
        /// a smaller program, which costs less rent to deploy.
        #[arg(short = 'O', default_value = "2", value_parser = ["0", "1", "2", "3", "s", "z"])]
        opt: String,
        /// A scenario whose account names the program uses (they are bound again when it runs).
        #[arg(long)]
        scenario: Option<String>,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Start the interactive REPL (reads a pipe without prompts, too).
    Repl {
        /// A file to load first.
        file: Option<String>,
        /// Where to keep the history [default: $OVSM_HISTORY, else ~/.ovsm_history].
        #[arg(long)]
        history: Option<std::path::PathBuf>,
        /// Keep no history file.
        #[arg(long)]
        no_history: bool,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Write the builtin reference (docs/stdlib.md) to stdout.
    #[command(hide = true)]
    DocStdlib,
}

/// Runs the command and returns the process exit status.
pub fn main() -> i32 {
    // A panic is a bug in OVSM, never the user's fault: say so in one line instead of a backtrace.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("error: internal compiler error: {info}");
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    // Everything runs on a thread with a large stack: the interpreter keeps its frames on the
    // heap, but printing and dropping deeply nested values still recurse.
    let worker = std::thread::Builder::new().stack_size(1 << 30).spawn(move || dispatch(cli));
    match worker.map(|h| h.join()) {
        Ok(Ok(code)) => code,
        _ => {
            eprintln!("error: please report this internal error with the input that caused it");
            1
        }
    }
}

fn dispatch(cli: Cli) -> i32 {
    match cli.command {
        Command::Run { file, run, limits } => commands::run(&file, &run, limits),
        Command::Eval { expr, limits } => commands::eval(&expr, limits),
        Command::Check { file, emit, format, scenario } => commands::check(&file, emit.as_deref(), &format, scenario.as_deref()),
        Command::Build { file, output, emit, opt, scenario, limits } => {
            build::build(&file, output.as_deref(), &emit, &opt, scenario.as_deref(), limits)
        }
        Command::Repl { file, history, no_history, limits } => ovsm_repl::run(ovsm_repl::Options {
            file,
            history: if no_history { None } else { history.or_else(ovsm_repl::default_history) },
            limits: commands::limits(limits),
        }),
        Command::DocStdlib => {
            print!("{}", ovsm_stdlib::reference_markdown());
            0
        }
    }
}
