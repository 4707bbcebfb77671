//! `ovsm build` and `ovsm run OUT.so`: the sBPF back end from the command line.

use super::commands::{color, limits, read};
use super::LimitArgs;
use ovsm_codegen::{CompileError, OptLevel, Options};
use ovsm_ir::SiteMap;
use ovsm_runtime::compiled::{self, ScriptOutcome};
use ovsm_runtime::{Limits, Session, StdoutHost};

/// The site map is kept beside the program: `OUT.so.map`.
pub fn map_path(so: &str) -> String {
    format!("{so}.map")
}

pub fn opt_level(level: u8) -> OptLevel {
    match level {
        0 => OptLevel::O0,
        1 => OptLevel::O1,
        3 => OptLevel::O3,
        _ => OptLevel::O2,
    }
}

/// Set in the environment of the child process that does the compiling.
const WORKER: &str = "OVSM_BUILD_WORKER";
/// How the child says "the program has errors" (its diagnostics are already on stderr): a code
/// of our own, because LLVM's fatal errors exit with status 1.
const WORKER_PROGRAM_ERROR: i32 = 86;

/// `ovsm build`. LLVM's BPF back end may end the process on input it cannot handle (see
/// docs/codegen.md). The compiler is written never to produce such input, and tests hold it to
/// that; as a last line of defence the compiling happens in a child process, so that if LLVM
/// ever does stop, the user gets an internal-compiler-error message and status 1, not a
/// vanished process.
pub fn build(file: &str, output: Option<&str>, emit: &str, opt: u8, limit_args: LimitArgs) -> i32 {
    if std::env::var_os(WORKER).is_some() {
        return match build_here(file, output, emit, opt, limit_args) {
            0 => 0,
            _ => WORKER_PROGRAM_ERROR,
        };
    }
    let child =
        std::env::current_exe().and_then(|exe| std::process::Command::new(exe).args(std::env::args_os().skip(1)).env(WORKER, "1").status());
    match child.map(|status| status.code()) {
        Ok(Some(0)) => 0,
        Ok(Some(WORKER_PROGRAM_ERROR)) => 1,
        Ok(code) => {
            let how = code.map_or("was killed by a signal".to_string(), |c| format!("exited with status {c}"));
            eprintln!("error: internal compiler error: the compiler {how} while LLVM was compiling `{file}`; please report this program");
            1
        }
        Err(e) => {
            eprintln!("error: cannot start the compiler process: {e}");
            1
        }
    }
}

fn build_here(file: &str, output: Option<&str>, emit: &str, opt: u8, limit_args: LimitArgs) -> i32 {
    let text = match read(file) {
        Ok(text) => text,
        Err(code) => return code,
    };
    let mut session = Session::new(Box::new(StdoutHost::default()), Limits::default());
    if let Err(diagnostics) = session.compile_only(file, &text) {
        eprint!("{}", session.render(&diagnostics, color()));
        return 1;
    }
    let warnings = session.take_warnings();
    if !warnings.is_empty() {
        eprint!("{}", session.render(&warnings, color()));
    }
    let options = Options { opt: opt_level(opt), max_depth: limits(limit_args).max_depth as u64 };
    let out = match ovsm_codegen::compile(session.program(), &session.sources, &options) {
        Ok(out) => out,
        Err(CompileError::Unsupported(diagnostics)) => {
            eprint!("{}", session.render(&diagnostics, color()));
            return 1;
        }
        Err(CompileError::Internal(message)) => {
            eprintln!("error: internal compiler error: {message}");
            return 1;
        }
    };
    let stem = file.strip_suffix(".ovsm").unwrap_or(file);
    let (bytes, default_path): (&[u8], String) = match emit {
        "llvm-ir" => (out.llvm_ir.as_bytes(), format!("{stem}.ll")),
        "obj" => (&out.object, format!("{stem}.o")),
        _ => (&out.so, format!("{stem}.so")),
    };
    let path = output.map_or(default_path, str::to_string);
    if path == "-" {
        use std::io::Write;
        return i32::from(std::io::stdout().write_all(bytes).is_err());
    }
    if let Err(e) = std::fs::write(&path, bytes) {
        eprintln!("error: cannot write `{path}`: {e}");
        return 1;
    }
    if emit == "so" {
        if let Err(e) = std::fs::write(map_path(&path), out.site_map.to_text()) {
            eprintln!("error: cannot write `{}`: {e}", map_path(&path));
            return 1;
        }
    }
    0
}

/// `ovsm run OUT.so`.
pub fn run_so(file: &str) -> i32 {
    let so = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("error: cannot read `{file}`: {e}");
            return 1;
        }
    };
    // Without its map the program still runs; errors then lack their source lines.
    let map = std::fs::read_to_string(map_path(file)).ok().and_then(|t| SiteMap::parse(&t).ok()).unwrap_or_default();
    let run = match compiled::run_script(&so) {
        Ok(run) => run,
        Err(message) => {
            eprintln!("error: {message}");
            return 1;
        }
    };
    if std::env::var_os("OVSM_DEBUG_CU").is_some() {
        eprintln!("compute units: {}", run.compute_units);
    }
    print!("{}", run.stdout);
    let at_line_start = run.stdout.is_empty() || run.stdout.ends_with('\n');
    match run.outcome {
        ScriptOutcome::Value(value) => {
            if !at_line_start {
                println!();
            }
            println!("{value}");
            0
        }
        ScriptOutcome::Error { site, code, message } => {
            if !at_line_start {
                println!();
            }
            let diagnostic = compiled::error_diagnostic(&code, &message, map.span(site));
            eprint!("{}", ovsm_lexer::render(&diagnostic, &map.source_table(), color()));
            1
        }
        ScriptOutcome::Aborted(why) => {
            if !at_line_start {
                println!();
            }
            eprintln!("error: the program was stopped by the VM: {why}");
            1
        }
    }
}
