//! The BPF target machine, and turning a finished LLVM module into an object file.

use inkwell::attributes::{Attribute, AttributeLoc};
use inkwell::module::Module;
use inkwell::passes::PassBuilderOptions;
use inkwell::targets::{CodeModel, FileType, InitializationConfig, RelocMode, Target, TargetMachine, TargetTriple};
use inkwell::OptimizationLevel;

/// `-O0` .. `-O3`, and `-Os`, `-Oz`: LLVM's size pipelines, for programs whose deployment
/// rent matters more than their compute units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptLevel {
    O0,
    O1,
    O2,
    O3,
    Os,
    Oz,
}

impl OptLevel {
    /// The code generator's level. `-O0` leaves the IR as generated but still generates code
    /// at `Less`: LLVM's unoptimised register allocator gives every value that lives across
    /// blocks a stack slot of its own, and in a program that is one function, `entrypoint`,
    /// those slots add up past the 512-byte frame at which the BPF back end ends the process
    /// (the vault example did at stop 14). `Less` allocates registers properly and shares
    /// slots.
    fn llvm(self) -> OptimizationLevel {
        match self {
            OptLevel::O0 | OptLevel::O1 => OptimizationLevel::Less,
            OptLevel::O2 | OptLevel::Os | OptLevel::Oz => OptimizationLevel::Default,
            OptLevel::O3 => OptimizationLevel::Aggressive,
        }
    }
}

/// `bpfel` with CPU `v2`: v2 adds JLT/JLE; v3 would emit ALU32/JMP32 opcodes that the sBPF
/// verifier rejects.
pub fn machine(opt: OptLevel) -> Result<TargetMachine, String> {
    code_generator_options();
    Target::initialize_bpf(&InitializationConfig::default());
    // The support library's unaligned loads and stores are inline assembly (core.ll), which the
    // object writer assembles with the BPF asm parser. inkwell's `initialize_bpf` leaves that one
    // out; registering every target's parser (nothing else of theirs) is the way it offers.
    Target::initialize_all(&InitializationConfig {
        asm_parser: true,
        asm_printer: false,
        base: false,
        disassembler: false,
        info: false,
        machine_code: false,
    });
    let triple = TargetTriple::create("bpfel");
    let target = Target::from_triple(&triple).map_err(|e| format!("LLVM has no BPF target: {e}"))?;
    target
        .create_target_machine(&triple, "v2", "", opt.llvm(), RelocMode::Default, CodeModel::Default)
        .ok_or_else(|| "LLVM could not create a BPF target machine".to_string())
}

/// LLVM's code generator settings that only its command line reaches, set once per process.
///
/// `-disable-lsr`: loop strength reduction puts loops into canonical form, and `entrypoint` is
/// one loop around the whole program (see [`optimise`]). On the pairs-trading example after
/// `-O2`'s phases, running it doubled the code generator's time (0.53 s -> 1.10 s in `llc-14`)
/// for 1% less code. (After `default<O2>`, which has canonicalised the loops already, turning
/// it off saves no time and costs 2% more compute units: one reason `-O2` is not that.)
fn code_generator_options() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let args: [&[u8]; 2] = [b"ovsm-build\0", b"-disable-lsr\0"];
        let argv: Vec<*const std::os::raw::c_char> = args.iter().map(|a| a.as_ptr().cast()).collect();
        let overview = b"\0";
        // SAFETY: argv holds two NUL-terminated strings that outlive the call, and LLVM copies
        // what it keeps. LLVM reports a bad option to a null stream and returns, never exits.
        #[allow(unsafe_code)]
        unsafe {
            llvm_sys::support::LLVMParseCommandLineOptions(argv.len() as i32, argv.as_ptr(), overview.as_ptr().cast());
        }
    });
}

/// Sets the triple and data layout before any IR is built: without the layout, i64 gets 4-byte
/// alignment and every u64 load is split in two.
pub fn prepare(module: &Module<'_>, machine: &TargetMachine) {
    module.set_triple(&machine.get_triple());
    module.set_data_layout(&machine.get_target_data().get_data_layout());
}

/// Optimises the module for `opt` (the new pass manager).
///
/// `-O2`, the default, runs in two phases, because the one function that holds the whole
/// program (`entrypoint`, lower.rs) and the support library it calls want different passes:
///
/// 1. [`LIBRARY_PIPELINE`] with `entrypoint` held back (`optnone noinline`): the support
///    functions the program reaches are optimised as any code would be, loops included, and
///    inlined into one another.
/// 2. [`PROGRAM_PIPELINE`]: they are inlined into `entrypoint`, which gets the scalar passes
///    only. Every loop pass first puts a loop into canonical form (one latch, LCSSA phis), and
///    in `entrypoint` every call and return is a jump back to `dispatch` or `resume`: so
///    canonical form gave the code generator's register allocator and coalescer most of
///    their time, for code no faster. Loop strength reduction, the one loop pass of the code
///    generator, is off for the same reason ([`code_generator_options`]).
///
/// Measured on the pairs-trading example (docs/codegen.md, Figures): half the optimiser's and
/// the code generator's time of `default<O2>`, for 0.7% more compute units per tick (the
/// vault 5%). `-O3` is LLVM's whole `default<O3>` on everything, the slowest build and the
/// fewest compute units.
pub fn optimise(module: &Module<'_>, machine: &TargetMachine, opt: OptLevel) -> Result<(), String> {
    let run = |pipeline: &str| {
        module.run_passes(pipeline, machine, PassBuilderOptions::create()).map_err(|e| format!("LLVM optimisation failed: {e}"))
    };
    match opt {
        // Even unoptimised, support functions the program never calls go: they may import
        // syscalls (the autonomous ones) that a plain Solana bank does not have.
        OptLevel::O0 => run("globaldce"),
        OptLevel::O1 => run("default<O1>"),
        OptLevel::O2 => {
            holding_back_entrypoint(module, || run(LIBRARY_PIPELINE))?;
            run(PROGRAM_PIPELINE)
        }
        OptLevel::O3 => run("default<O3>"),
        OptLevel::Os => run("default<Os>"),
        OptLevel::Oz => run("default<Oz>"),
    }
}

/// Phase 1 of `-O2`: LLVM's `default<O2>` function simplification (inliner included) without
/// its vectorisers (sBPF has no vector registers), coroutine and OpenMP passes, and BPF's own
/// passes (for the Linux kernel's verifier, not sBPF's).
const LIBRARY_PIPELINE: &str = "inferattrs,ipsccp,called-value-propagation,globalopt,function(mem2reg),deadargelim,\
    function(sroa,early-cse<>,instcombine,simplifycfg),\
    cgscc(devirt<4>(inline,function-attrs,function(sroa,early-cse<memssa>,speculative-execution,jump-threading,\
    correlated-propagation,simplifycfg,instcombine,tailcallelim,simplifycfg,reassociate,\
    loop-mssa(loop-instsimplify,loop-simplifycfg,licm,loop-rotate,licm,simple-loop-unswitch<no-nontrivial;trivial>),\
    simplifycfg,instcombine,loop(loop-idiom,indvars,loop-deletion,loop-unroll-full),sroa,mldst-motion<no-split-footer-bb>,\
    gvn<>,sccp,bdce,instcombine,jump-threading,correlated-propagation,adce,memcpyopt,dse,loop-mssa(licm),simplifycfg,\
    instcombine))),globalopt,globaldce";

/// Phase 2 of `-O2`: phase 1's scalar passes, without its loop passes.
const PROGRAM_PIPELINE: &str = "ipsccp,globalopt,function(mem2reg,instcombine,simplifycfg),\
    cgscc(inline,function-attrs,function(sroa,early-cse<memssa>,jump-threading,correlated-propagation,simplifycfg,\
    instcombine,reassociate,sroa,gvn<>,sccp,bdce,instcombine,jump-threading,correlated-propagation,adce,memcpyopt,dse,\
    simplifycfg,instcombine)),globalopt,globaldce,constmerge";

/// Runs `phase` with `entrypoint` marked `optnone noinline`, which every pass leaves as it is.
fn holding_back_entrypoint(module: &Module<'_>, phase: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    let Some(entrypoint) = module.get_function("entrypoint") else { return phase() };
    let context = module.get_context();
    let kinds = [Attribute::get_named_enum_kind_id("optnone"), Attribute::get_named_enum_kind_id("noinline")];
    for kind in kinds {
        entrypoint.add_attribute(AttributeLoc::Function, context.create_enum_attribute(kind, 0));
    }
    let result = phase();
    for kind in kinds {
        entrypoint.remove_enum_attribute(AttributeLoc::Function, kind);
    }
    result
}

pub fn object(module: &Module<'_>, machine: &TargetMachine) -> Result<Vec<u8>, String> {
    machine
        .write_to_memory_buffer(module, FileType::Object)
        .map(|buffer| buffer.as_slice().to_vec())
        .map_err(|e| format!("LLVM could not emit the object: {e}"))
}
