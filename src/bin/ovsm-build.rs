//! `ovsm-build`: the compiler behind `ovsm build` (src/cli/build.rs), a binary of its own so
//! that only it links LLVM, and so that LLVM stopping the process cannot take `ovsm` with it.
//!
//! Its arguments are positional, from `ovsm build`: FILE OUTPUT EMIT OPT MAX_DEPTH COLOR SCENARIO,
//! where OUTPUT is empty for the default path, EMIT is `so`, `obj` or `llvm-ir`, OPT is 0..3, s or z,
//! COLOR is `color` or `plain` and SCENARIO a scenario file whose account names the program
//! uses (empty for none: the names are then bound when the program runs, with a warning now). Exit status: 0 built, 86 the program has errors (reported on stderr),
//! anything else a fault of the compiler.

// Reading a source is the same here as in `ovsm run`.
#[path = "../source_file.rs"]
mod source_file;

use ovsm_codegen::{CompileError, OptLevel, Options};
use ovsm_runtime::{Limits, Session, StdoutHost};

const PROGRAM_ERROR: i32 = 86;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [file, output, emit, opt, max_depth, color, scenario] = args.as_slice() else {
        eprintln!("usage: ovsm-build FILE OUTPUT EMIT OPT MAX_DEPTH COLOR SCENARIO (run `ovsm build` instead)");
        std::process::exit(2);
    };
    let options = Options { opt: opt_level(opt), max_depth: max_depth.parse().unwrap_or(50_000), keep_ir: emit == "llvm-ir" };
    let output = Some(output.as_str()).filter(|o| !o.is_empty());
    let scenario = Some(scenario.as_str()).filter(|s| !s.is_empty());
    std::process::exit(build(file, output, emit, &options, color == "color", scenario));
}

fn opt_level(level: &str) -> OptLevel {
    match level {
        "0" => OptLevel::O0,
        "1" => OptLevel::O1,
        "3" => OptLevel::O3,
        "s" => OptLevel::Os,
        "z" => OptLevel::Oz,
        _ => OptLevel::O2,
    }
}

fn build(file: &str, output: Option<&str>, emit: &str, options: &Options, color: bool, scenario: Option<&str>) -> i32 {
    let Ok(text) = source_file::read(file) else { return PROGRAM_ERROR };
    let mut session = Session::new(Box::new(StdoutHost::default()), Limits::default());
    // The scenario's account names become globals the program may use, as for `ovsm run`.
    if let Some(path) = scenario {
        let Ok(scenario_text) = source_file::read(path) else { return PROGRAM_ERROR };
        if let Err(diagnostics) = session.load_scenario(path, &scenario_text) {
            eprint!("{}", session.render(&diagnostics, color));
            return PROGRAM_ERROR;
        }
    }
    if let Err(diagnostics) = session.compile_only(file, &text) {
        eprint!("{}", session.render(&diagnostics, color));
        return PROGRAM_ERROR;
    }
    let warnings = session.take_warnings();
    if !warnings.is_empty() {
        eprint!("{}", session.render(&warnings, color));
    }
    let out = match ovsm_codegen::compile(session.program(), &session.sources, options) {
        Ok(out) => out,
        Err(CompileError::Unsupported(diagnostics)) => {
            eprint!("{}", session.render(&diagnostics, color));
            return PROGRAM_ERROR;
        }
        Err(CompileError::Internal(message)) => {
            eprintln!("error: internal compiler error: {message}");
            return PROGRAM_ERROR;
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
        return if std::io::stdout().write_all(bytes).is_ok() { 0 } else { PROGRAM_ERROR };
    }
    if let Err(e) = std::fs::write(&path, bytes) {
        eprintln!("error: cannot write `{path}`: {e}");
        return PROGRAM_ERROR;
    }
    if emit == "so" {
        let map_path = ovsm_ir::SiteMap::path_beside(&path);
        if let Err(e) = std::fs::write(&map_path, out.site_map.to_text()) {
            eprintln!("error: cannot write `{map_path}`: {e}");
            return PROGRAM_ERROR;
        }
    }
    0
}
