//! `ovsm build` and `ovsm run OUT.so`: the sBPF back end from the command line.

use super::commands::{color, limits};
use super::LimitArgs;
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
pub fn build(file: &str, output: Option<&str>, emit: &str, opt: u8, limit_args: LimitArgs) -> i32 {
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
    let args = [file, output.unwrap_or(""), emit, &opt.to_string(), &max_depth, if color() { "color" } else { "plain" }];
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

/// `ovsm run OUT.so`.
pub fn run_so(file: &str, compute_units: bool) -> i32 {
    let so = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("error: cannot read `{file}`: {e}");
            return 1;
        }
    };
    // Without its map the program still runs; errors then lack their source lines.
    let map = std::fs::read_to_string(SiteMap::path_beside(file)).ok().and_then(|t| SiteMap::parse(&t).ok()).unwrap_or_default();
    let run = match compiled::run_script(&so) {
        Ok(run) => run,
        Err(message) => {
            eprintln!("error: {message}");
            return 1;
        }
    };
    if compute_units {
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
