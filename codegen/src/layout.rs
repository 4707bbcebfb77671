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
                     // Autonomous invocations (support/auto.ll): what the host's instruction data asked for.
const MODE: u64 = 88; // 0 the top level, 1 an `on-startup` clause, 2 an `on-event` handler, 3 a callback, 4 an install
const SLOT: u64 = 96; // the slot and epoch being processed, as the runtime passes them
const EPOCH: u64 = 104;
const STATEPTR: u64 = 112; // the state account's data in the input (0 when no account came)
const STATECAP: u64 = 120; // its length
const DIRTY: u64 = 128; // one byte per global: written since the top level ran
const NGLOBALS: u64 = 136;
const MUTE: u64 = 144; // non-zero while the top level re-runs before a handler: no output
const PREFIX: u64 = 152; // the `[slot N program] ` string object `log` lines start with, or 0
const TARGET: u64 = 160; // program index << 32 | clause index
const ACCTCACHE: u64 = 168; // the last account found by address: its string object << 8 | its position
const PROGID: u64 = 176; // values (16 bytes each): the program's address string,
const CALLEE: u64 = 192; // the callback to call,
const ARGSAT: u64 = 208; // and its arguments: where their encoding lies in the instruction data (0 for none)
const ARGSEND: u64 = 216; // and where it ends
const ACCTS: u64 = 224; // the input's account records, by position (a heap array of pointers)
const NACCTS: u64 = 232; // how many
const ACCTDIR: u64 = 240; // the account directory in the instruction data (support/auto.ll), or 0
                          // 248: free
const WIREBOXES: u64 = 256; // the boxes the closure being encoded or decoded has crossed (support/auto.ll)
const BOXWRITES: u64 = 264; // non-zero once the invocation has assigned a boxed variable (a closure in a global may hold it)
const WIREINPLACE: u64 = 272; // non-zero while the instruction data is decoded: its strings are used where they lie
const INSTALLSITE: u64 = 280; // the site of the handler an install evaluates (support/auto.ll)

const OUTBUF: u64 = 288;
/// Output bytes per `sol_log_` message (the buffer's first byte is the channel byte).
pub const OUTBUF_CAP: u64 = 1023;
const SCRATCH: u64 = OUTBUF + OUTBUF_CAP + 1;
/// The longest string a program can format at once (`str`, `print`, messages).
pub const SCRATCH_CAP: u64 = 4096;
/// Where syscall arguments are encoded and results come back (support/auto.ll).
const SYSBUF: u64 = SCRATCH + SCRATCH_CAP;
/// Its size: the most bytes one syscall's arguments, or its result, may take.
pub const SYSBUF_CAP: u64 = 8192;
/// Global variables, 16 bytes each, then a dirty byte per global; the value stack starts after them.
pub const GLOBALS: u64 = SYSBUF + SYSBUF_CAP;

/// Nesting past which a value cannot cross between a program and the runtime: the wire
/// encoder and decoder recurse on sBPF's native call stack, 64 frames deep.
const WIRE_DEPTH: u64 = 24;

/// The fewest items of an array of ints alone or floats alone that crosses packed (wire tag 14,
/// support/auto.ll); runtime/src/compiled/wire.rs's `PACKED_ITEMS` must be the same.
const WIRE_PACKED: u64 = 4;

/// Boxes (assigned captured variables) of one closure that the wire numbers, so that one reached
/// again crosses as its number (later ones cross whole each time): their table lives in the
/// 1 KiB that is always free above the value stack's top (support/auto.ll, wire_enter).
const WIRE_BOXES: u64 = 64;

/// Nesting past which printing writes `...`, as the interpreter's printer does.
const MAX_PRINT_DEPTH: u64 = 10_000;

/// Whether `$WORD` is one of the state words above: a fixed i64 that only direct loads and
/// stores of `$WORD` ever touch (no pointer into values, strings or the stack can reach it).
/// support.rs gives their accesses their own alias class on that promise.
pub fn is_state_word(word: &str) -> bool {
    heap_address(word).is_some_and(|(_, pointer)| pointer == "i64*")
}

/// Where in the heap a `$WORD` of the support library points, as an offset from [`HEAP`], and
/// the type of the pointer it stands for; None for the words that are plain numbers.
pub fn heap_address(word: &str) -> Option<(u64, &'static str)> {
    let word_ptr = |offset: u64| (offset, "i64*");
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
        "MODE" => word_ptr(MODE),
        "SLOT" => word_ptr(SLOT),
        "EPOCH" => word_ptr(EPOCH),
        "STATEPTR" => word_ptr(STATEPTR),
        "STATECAP" => word_ptr(STATECAP),
        "DIRTY" => word_ptr(DIRTY),
        "NGLOBALS" => word_ptr(NGLOBALS),
        "MUTE" => word_ptr(MUTE),
        "PREFIX" => word_ptr(PREFIX),
        "TARGET" => word_ptr(TARGET),
        "ACCTCACHE" => word_ptr(ACCTCACHE),
        "PROGID" => (PROGID, "%V*"),
        "CALLEE" => (CALLEE, "%V*"),
        "ARGSAT" => word_ptr(ARGSAT),
        "ARGSEND" => word_ptr(ARGSEND),
        "ACCTS" => word_ptr(ACCTS),
        "NACCTS" => word_ptr(NACCTS),
        "ACCTDIR" => word_ptr(ACCTDIR),
        "WIREBOXES" => word_ptr(WIREBOXES),
        "BOXWRITES" => word_ptr(BOXWRITES),
        "WIREINPLACE" => word_ptr(WIREINPLACE),
        "INSTALLSITE" => word_ptr(INSTALLSITE),
        "SYSBUF" => (SYSBUF, "i8*"),
        "OUTBUF" => (OUTBUF, "i8*"),
        "SCRATCH" => (SCRATCH, "i8*"),
        "GLOBALS" => (GLOBALS, "%V*"),
        _ => return None,
    })
}

/// The text a `$WORD` of the support library stands for: a constant pointer for the words of
/// [`heap_address`], a number for the others.
pub fn expansion(word: &str) -> Option<String> {
    if let Some((offset, pointer)) = heap_address(word) {
        return Some(format!("inttoptr (i64 {} to {pointer})", HEAP + offset));
    }
    Some(match word {
        "SYSBUF_CAP" => SYSBUF_CAP.to_string(),
        "HEAP" => HEAP.to_string(),
        "HEAP_END" => (HEAP + HEAP_BYTES).to_string(),
        "HEAP_KIB" => (HEAP_BYTES / 1024).to_string(),
        "OUTBUF_CAP" => OUTBUF_CAP.to_string(),
        "SCRATCH_CAP" => SCRATCH_CAP.to_string(),
        "MAX_PRINT_DEPTH" => MAX_PRINT_DEPTH.to_string(),
        "WIRE_DEPTH" => WIRE_DEPTH.to_string(),
        "WIRE_PACKED" => WIRE_PACKED.to_string(),
        "WIRE_BOXES" => WIRE_BOXES.to_string(),
        _ => return None,
    })
}
