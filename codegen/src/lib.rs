//! OVSM's sBPF back end: IR to LLVM IR (inkwell, LLVM 14), a BPF object, and our own linker's
//! SBPF v0 shared object. This is the only crate that names inkwell.
//!
//! Pipeline: [`support`] parses the support library into a fresh module; [`lower`] adds the
//! program as one function, `entrypoint`; then LLVM's pipeline optimises it, the BPF target
//! writes an object, and [`link`] makes the `.so`.

mod floats;
mod inline;
mod jumps;
mod layout;
pub mod link;
mod lower;
mod owned;
mod reach;
mod repeats;
pub mod support;
pub mod target;

pub use layout::HEAP_BYTES;
pub use lower::UNSUPPORTED;
pub use target::OptLevel;

use inkwell::context::Context;
use inkwell::values::AnyValue;
use ovsm_ir::{Program, SiteMap};
use ovsm_lexer::{Diagnostic, Sources};

pub struct Options {
    pub opt: OptLevel,
    /// Frames past which a call fails with the `recursion` error (the interpreter's setting).
    pub max_depth: u64,
    /// Keep the LLVM IR as text in [`Output`] (for `--emit llvm-ir` and the snapshot tests).
    /// Printing the optimised module is about 40 ms of the pairs-trading example's build.
    pub keep_ir: bool,
}

/// What one compilation produced.
pub struct Output {
    /// The optimised module; empty unless [`Options::keep_ir`].
    pub llvm_ir: String,
    /// The program's own function, `entrypoint`, as generated (before optimisation, without
    /// the support library): what the snapshot tests pin down. Empty unless [`Options::keep_ir`].
    pub program_ir: String,
    pub object: Vec<u8>,
    pub so: Vec<u8>,
    /// The syscalls the `.so` imports.
    pub imports: Vec<String>,
    pub site_map: SiteMap,
}

#[derive(Debug)]
pub enum CompileError {
    /// The program uses what the back end cannot compile yet; each diagnostic points at a use.
    Unsupported(Vec<Diagnostic>),
    /// A fault of the compiler itself (or of LLVM), not of the program.
    Internal(String),
}

pub fn compile(program: &Program, sources: &Sources, options: &Options) -> Result<Output, CompileError> {
    let internal = CompileError::Internal;
    let context = Context::create();
    let machine = target::machine(options.opt).map_err(internal)?;
    let module = support::module(&context, &machine, floats::may_hold_floats(program)).map_err(internal)?;
    let inlined = inline::inline_prelude_calls(program);
    let shared = repeats::share_repeated_arithmetic(&inlined.program);
    let program = shared.as_ref();
    let mut lowerer = lower::Lowerer::new(&context, &module, program, SiteMap::new(sources), options.max_depth);
    lowerer.inlined_owned = inlined.owned;
    lowerer.lower().map_err(|e| CompileError::Internal(format!("lowering to LLVM failed: {e}")))?;
    if !lowerer.unsupported.is_empty() {
        return Err(CompileError::Unsupported(std::mem::take(&mut lowerer.unsupported)));
    }
    let mut site_map = std::mem::take(&mut lowerer.sites);
    // The runtime binds the scenario's account names to these by index.
    site_map.globals = program.globals.clone();
    drop(lowerer);
    let entrypoint = module.get_function("entrypoint").filter(|_| options.keep_ir);
    let program_ir = entrypoint.map(|f| f.print_to_string().to_string()).unwrap_or_default();
    lower::internalize(&module);
    module.verify().map_err(|e| CompileError::Internal(format!("LLVM rejected the generated module: {}", e.to_string())))?;
    target::optimise(&module, &machine, options.opt).map_err(internal)?;
    let llvm_ir = if options.keep_ir { module.print_to_string().to_string() } else { String::new() };
    let object = target::object(&module, &machine).map_err(internal)?;
    let linked = link::link(&object, "entrypoint").map_err(|e| CompileError::Internal(e.to_string()))?;
    Ok(Output { llvm_ir, program_ir, object, so: linked.so, imports: linked.imports, site_map })
}
