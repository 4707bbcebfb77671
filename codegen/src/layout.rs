//! Where a compiled program keeps its state: all of it in the program heap, because an SBPF
//! program may not have writable globals. The host requests the heap frame with the
//! compute-budget program, as any Solana program with a bigger heap must.

/// The VM maps the heap here (solana-sbpf's MM_HEAP_START).
pub const HEAP: u64 = 0x3_0000_0000;
/// The largest heap frame a transaction can request.
pub const HEAP_BYTES: u64 = 256 * 1024;

// State words, as offsets into the heap.
const SP: u64 = 0; // next free value-stack slot
const HP: u64 = 8; // bump pointer for objects, moving down from the heap's end
const FP: u64 = 16; // the running frame's record
const DEPTH: u64 = 24; // frames live
const OUTLEN: u64 = 32; // bytes in the output buffer
const SCRLEN: u64 = 40; // bytes in the scratch buffer (-1 after it overflowed)
const ERRSITE: u64 = 48;
const MAXDEPTH: u64 = 56;
const ERRCODE: u64 = 64;
const ERRMSG: u64 = 72;
const TRY: u64 = 80; // the innermost `try` handler, 0 when none

const OUTBUF: u64 = 128;
/// Output bytes per `sol_log_` message (the buffer's first byte is the channel byte).
pub const OUTBUF_CAP: u64 = 1023;
const SCRATCH: u64 = OUTBUF + OUTBUF_CAP + 1;
/// The longest string a program can format at once (`str`, `print`, messages).
pub const SCRATCH_CAP: u64 = 4096;
/// Global variables, 16 bytes each; the value stack starts after them.
pub const GLOBALS: u64 = SCRATCH + SCRATCH_CAP;

/// Nesting past which printing writes `...`, as the interpreter's printer does.
const MAX_PRINT_DEPTH: u64 = 10_000;

/// The text a `$WORD` of the support library stands for.
pub fn expansion(word: &str) -> Option<String> {
    let word_ptr = |offset: u64| format!("inttoptr (i64 {} to i64*)", HEAP + offset);
    Some(match word {
        "SP" => word_ptr(SP),
        "HP" => word_ptr(HP),
        "FP" => word_ptr(FP),
        "DEPTH" => word_ptr(DEPTH),
        "OUTLEN" => word_ptr(OUTLEN),
        "SCRLEN" => word_ptr(SCRLEN),
        "ERRSITE" => word_ptr(ERRSITE),
        "MAXDEPTH" => word_ptr(MAXDEPTH),
        "ERRCODE" => word_ptr(ERRCODE),
        "ERRMSG" => word_ptr(ERRMSG),
        "TRY" => word_ptr(TRY),
        "OUTBUF" => format!("inttoptr (i64 {} to i8*)", HEAP + OUTBUF),
        "SCRATCH" => format!("inttoptr (i64 {} to i8*)", HEAP + SCRATCH),
        "GLOBALS" => format!("inttoptr (i64 {} to %V*)", HEAP + GLOBALS),
        "HEAP" => HEAP.to_string(),
        "HEAP_END" => (HEAP + HEAP_BYTES).to_string(),
        "HEAP_KIB" => (HEAP_BYTES / 1024).to_string(),
        "OUTBUF_CAP" => OUTBUF_CAP.to_string(),
        "SCRATCH_CAP" => SCRATCH_CAP.to_string(),
        "MAX_PRINT_DEPTH" => MAX_PRINT_DEPTH.to_string(),
        _ => return None,
    })
}
