//! The BPF target machine, and turning a finished LLVM module into an object file.

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
    Target::initialize_bpf(&InitializationConfig::default());
    inliner_options();
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

/// LLVM's inliner gives a call site that its static block frequencies guess cold (under 2% of
/// its function's entry) a threshold of 45 where others get 225. A compiled program is one
/// function, `entrypoint`, whose code is reached through switches, so most of its call sites
/// look cold, and which of them do shifts with any edge added anywhere: at stop 22 one branch
/// added before the top level made the vault's calls of globals and its array literals
/// calls of their own, 7% more compute units. Cold sites get the common threshold (the vault
/// 3% and pairs trading 1.4% fewer compute units; build time the same; 3 to 5 KB more code
/// in the large examples, 0.2 KB in the heartbeat). The threshold is one of LLVM's
/// process-wide flags, parsed once, before any module is optimised.
#[allow(unsafe_code)]
fn inliner_options() {
    static PARSED: std::sync::Once = std::sync::Once::new();
    PARSED.call_once(|| {
        let args = [c"ovsm".as_ptr(), c"-inline-cold-callsite-threshold=225".as_ptr()];
        // SAFETY: two valid NUL-terminated strings that outlive the call, their count, and no
        // overview; LLVM copies what it keeps. `Once` makes this the process's only parse, which
        // LLVM requires (a flag given twice is an error that exits).
        unsafe { inkwell::llvm_sys::support::LLVMParseCommandLineOptions(2, args.as_ptr(), std::ptr::null()) };
    });
}

/// Sets the triple and data layout before any IR is built: without the layout, i64 gets 4-byte
/// alignment and every u64 load is split in two.
pub fn prepare(module: &Module<'_>, machine: &TargetMachine) {
    module.set_triple(&machine.get_triple());
    module.set_data_layout(&machine.get_target_data().get_data_layout());
}

/// Runs LLVM's standard module pipeline for `opt` (the new pass manager).
pub fn optimise(module: &Module<'_>, machine: &TargetMachine, opt: OptLevel) -> Result<(), String> {
    let pipeline = match opt {
        // Even unoptimised, support functions the program never calls go: they may import
        // syscalls (the autonomous ones) that a plain Solana bank does not have.
        OptLevel::O0 => "globaldce",
        OptLevel::O1 => "default<O1>",
        OptLevel::O2 => "default<O2>",
        OptLevel::O3 => "default<O3>",
        OptLevel::Os => "default<Os>",
        OptLevel::Oz => "default<Oz>",
    };
    module.run_passes(pipeline, machine, PassBuilderOptions::create()).map_err(|e| format!("LLVM optimisation failed: {e}"))
}

pub fn object(module: &Module<'_>, machine: &TargetMachine) -> Result<Vec<u8>, String> {
    machine
        .write_to_memory_buffer(module, FileType::Object)
        .map(|buffer| buffer.as_slice().to_vec())
        .map_err(|e| format!("LLVM could not emit the object: {e}"))
}
