//! `ovsm build` and `ovsm run OUT.so`: the sBPF back end from the command line.

use super::commands::{color, limits, session_for, simulate};
use super::{LimitArgs, RunArgs};
use ovsm_ir::SiteMap;
use ovsm_runtime::compiled::{self, ScriptOutcome};

/// How `ovsm-build` says "the program has errors" (its diagnostics are already on stderr): a
/// code of our own, because LLVM's fatal errors exit with status 1.
const PROGRAM_ERROR: i32 = 86;

/// `ovsm build`: runs the compiler, the `ovsm-build` binary installed beside this one.
///
/// Two reasons for a second binary. LLVM's BPF back end may end the process on input it cannot
/// handle (docs/codegen.md); the compiler is written never to produce such input, and tests
/// hold it to that, but if LLVM ever did stop, the user gets an internal-compiler-error message
/// and status 1, not a vanished process. And only `ovsm-build` links LLVM: loading
/// `libLLVM-14.so` would add about 10 ms to every `ovsm run`, `eval` and `repl` start.
pub fn build(file: &str, output: Option<&str>, emit: &str, opt: &str, scenario: Option<&str>, limit_args: LimitArgs) -> i32 {
    let compiler = match std::env::current_exe() {
        Ok(exe) => exe.with_file_name(format!("ovsm-build{}", std::env::consts::EXE_SUFFIX)),
        Err(e) => {
            eprintln!("error: cannot find the compiler: {e}");
            return 1;
        }
    };
    if !compiler.exists() {
        eprintln!(
            "error: `ovsm build` needs the compiler `{}` beside `ovsm` (build it with `cargo build --bins`, or install both)",
            compiler.display()
        );
        return 1;
    }
    let max_depth = limits(limit_args).max_depth.to_string();
    let color = if color() { "color" } else { "plain" };
    let args = [file, output.unwrap_or(""), emit, opt, &max_depth, color, scenario.unwrap_or("")];
    match std::process::Command::new(&compiler).args(args).status().map(|status| status.code()) {
        Ok(Some(0)) => 0,
        Ok(Some(PROGRAM_ERROR)) => 1,
        Ok(code) => {
            let how = code.map_or("was killed by a signal".to_string(), |c| format!("exited with status {c}"));
            eprintln!("error: internal compiler error: the compiler {how} while compiling `{file}`; please report this program");
            1
        }
        Err(e) => {
            eprintln!("error: cannot start `{}`: {e}", compiler.display());
            1
        }
    }
}

/// `ovsm run OUT.so`: the top level as one transaction, then, for a program that declares
/// autonomous programs, their deployment and the simulated slots, as `ovsm run FILE` does.
pub fn run_so(file: &str, run: &RunArgs, limit_args: LimitArgs) -> i32 {
    let so = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("error: cannot read `{file}`: {e}");
            return 1;
        }
    };
    // The limit is compiled into the program (`ovsm build --max-depth`); a run cannot change it.
    if limit_args.max_depth != super::DEFAULT_MAX_DEPTH {
        eprintln!(
            "warning: `--max-depth` has no effect on a compiled program: `{file}` keeps the limit it was built with (`ovsm build --max-depth`)"
        );
    }
    // Without its map the program still runs; errors then lack their source lines and the
    // scenario's account names are not bound.
    let map = std::fs::read_to_string(SiteMap::path_beside(file)).ok().and_then(|t| SiteMap::parse(&t).ok()).unwrap_or_default();
    let (mut session, slots) = match session_for(limit_args, Some(run)) {
        Ok(ready) => ready,
        Err(code) => return code,
    };
    let result = match session.run_compiled(&so, &map.globals) {
        Ok(result) => result,
        Err(message) => {
            eprintln!("error: {message}");
            return 1;
        }
    };
    if run.compute_units {
        eprintln!("compute units: {}", result.compute_units);
    }
    let at_line_start = session.vm.host.at_line_start();
    let newline = || {
        if !at_line_start {
            println!();
        }
    };
    match result.outcome {
        ScriptOutcome::Value(value) => {
            if let Err(code) = simulate(&mut session, run, slots) {
                return code;
            }
            if !session.vm.host.at_line_start() {
                println!();
            }
            println!("{value}");
            0
        }
        ScriptOutcome::Error { site, code, message } => {
            newline();
            let diagnostic = compiled::error_diagnostic(&code, &message, map.span(site));
            eprint!("{}", ovsm_lexer::render(&diagnostic, &map.source_table(), color()));
            1
        }
        ScriptOutcome::Aborted(why) => {
            newline();
            eprintln!("error: the program was stopped by the VM: {why}");
            1
        }
    }
}
