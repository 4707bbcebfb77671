//! The support library: LLVM IR text in `codegen/support/*.ll`, compiled with every program.
//!
//! The text uses two conveniences that this module expands before LLVM parses it:
//! `$NAME` for the heap layout below (so the layout is written once, here), and
//! `$STR"text"` for a string object constant `{ i64 len, [len x i8] }`, as an `i8*`.

use crate::layout;
use inkwell::context::Context;
use inkwell::memory_buffer::MemoryBuffer;
use inkwell::module::Module;
use inkwell::targets::TargetMachine;
use std::collections::BTreeMap;

const PARTS: [(&str, &str); 11] = [
    ("core.ll", include_str!("../support/core.ll")),
    ("calls.ll", include_str!("../support/calls.ll")),
    ("arith.ll", include_str!("../support/arith.ll")),
    ("data.ll", include_str!("../support/data.ll")),
    ("maps.ll", include_str!("../support/maps.ll")),
    ("seq.ll", include_str!("../support/seq.ll")),
    ("io.ll", include_str!("../support/io.ll")),
    ("auto.ll", include_str!("../support/auto.ll")),
    ("text.ll", include_str!("../support/text.ll")),
    ("unicode.ll", include_str!("../support/unicode.ll")),
    ("unicode_tables.ll", include_str!("../support/unicode_tables.ll")),
];

/// The soft-float library, for a program that can hold a float (`floats.rs`).
const FLOAT_PARTS: [(&str, &str); 3] = [
    ("softfloat.ll", include_str!("../support/softfloat.ll")),
    ("ryu_tables.ll", include_str!("../support/ryu_tables.ll")),
    ("decimal.ll", include_str!("../support/decimal.ll")),
];

/// Its entry points for a program that cannot, each stopping the program.
const NO_FLOAT_PARTS: [(&str, &str); 1] = [("nofloat.ll", include_str!("../support/nofloat.ll"))];

/// The library's text with every `$` word expanded; with the soft-float library when `floats`.
pub fn text(floats: bool) -> String {
    let mut all = String::new();
    let float_parts: &[(&str, &str)] = if floats { &FLOAT_PARTS } else { &NO_FLOAT_PARTS };
    for (name, part) in PARTS.iter().chain(float_parts) {
        all.push_str(&format!("; ---- {name}\n"));
        all.push_str(part);
    }
    let mut strings = StringTable::default();
    let (tagged, alias_nodes) = tag_memory(&all);
    let expanded = expand_strings(&expand_layout(&heap_from_register(&tagged)), &mut strings);
    expanded + &strings.definitions() + &alias_nodes
}

/// Type-based alias metadata: one class for each state word (`$SP`, `$HP`, `$FP`, ...) and one
/// for everything else (values, objects, text, the stack). The value stack, objects and text
/// are reached through pointers loaded from memory or made by `inttoptr`, which LLVM's alias
/// analysis cannot trace to the heap's base, so without it each store to the value stack may
/// change `$SP` (which is then reloaded after every push) and each store of `$SP` may change
/// `$FP` and `$HP`. With it, they stay in registers across a run of inlined operations
/// and a pushed value is forwarded to the pop that follows.
///
/// Sound because a state word is read and written only as `$WORD` (layout::is_state_word):
/// no pointer into values, text or the stack reaches one, and no two words overlap.
const TBAA_ROOT: u32 = 90_000;

/// Gives every load and store of the library its alias class (see [`TBAA_ROOT`]): its state
/// word's when its address is one written as `$WORD`, data otherwise. The library's loads and
/// stores are one per line, with no metadata or comment of their own. Returns the tagged text
/// and the metadata nodes the tags name.
fn tag_memory(text: &str) -> (String, String) {
    let data_tag = TBAA_ROOT + 2;
    let mut words: BTreeMap<&str, u32> = BTreeMap::new();
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.lines() {
        out.push_str(line);
        if let Some(address) = access_address(line) {
            let tag = match address.strip_prefix('$').filter(|word| layout::is_state_word(word)) {
                Some(word) => {
                    let next = TBAA_ROOT + 4 + 2 * words.len() as u32;
                    *words.entry(word).or_insert(next)
                }
                None => data_tag,
            };
            out.push_str(&format!(", !tbaa !{tag}"));
        }
        out.push('\n');
    }
    // A class is a type node under the root, and an access tag (type, type, offset 0) names it.
    let class = |tag: u32, name: &str| format!("!{} = !{{!\"{name}\", !{TBAA_ROOT}, i64 0}}\n!{tag} = !{{!{0}, !{0}, i64 0}}\n", tag - 1);
    let mut nodes = format!("\n!{TBAA_ROOT} = !{{!\"ovsm\"}}\n") + &class(data_tag, "ovsm data");
    for (word, tag) in &words {
        nodes.push_str(&class(*tag, &format!("ovsm state word {word}")));
    }
    (out, nodes)
}

/// The address operand of a load or store instruction, or None for any other line.
fn access_address(line: &str) -> Option<&str> {
    let code = line.trim_start();
    let instruction = code.split_once(" = ").map_or(code, |(_, rhs)| rhs);
    if !(instruction.starts_with("load ") || instruction.starts_with("store ")) {
        return None;
    }
    // The address is the last typed operand: `T* ADDRESS`, perhaps then `, align N`.
    let address = line.rsplit_once("* ").map_or("", |(_, operand)| operand);
    Some(address.split(',').next().unwrap_or("").trim())
}

/// Parses the library into `context`, for `machine`. The data layout must be in the text:
/// LLVM fixes every load's alignment when it parses, and without the layout an i64 is only
/// 4-aligned, so each u64 access would become two u32 ones.
pub fn module<'ctx>(context: &'ctx Context, machine: &TargetMachine, floats: bool) -> Result<Module<'ctx>, String> {
    let layout = machine.get_target_data().get_data_layout();
    let header = format!(
        "target datalayout = \"{}\"\ntarget triple = \"{}\"\n",
        layout.as_str().to_string_lossy(),
        machine.get_triple().as_str().to_string_lossy()
    );
    let buffer = MemoryBuffer::create_from_memory_range_copy((header + &text(floats)).as_bytes(), "ovsm-support");
    context.create_module_from_ir(buffer).map_err(|e| format!("the support library does not parse: {e}"))
}

/// Addresses the heap's words and buffers (`$SP`, `$GLOBALS`, ...) from one register per
/// function, `%heap.base`, which the BPF back end then keeps and offsets: `*(u64 *)(r6 + 16)`.
/// Written as constants, each access was two instructions, the 64-bit address (`lddw`) and the
/// access, because LLVM folds every constant offset into its address and the BPF target calls
/// no immediate expensive, so nothing hoists a shared base. The base comes from an inline `lddw`
/// that LLVM cannot fold; it reads no memory, so the copies in inlined functions merge into one.
/// An access costs one instruction where it cost two (a buffer's address taken as a value one
/// more, the offset added). The price is a register: the back end keeps the base in a
/// callee-saved one across calls, of which sBPF has four.
fn heap_from_register(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut body: Vec<String> = Vec::new();
    let mut in_function = false;
    let mut uses_heap = false;
    let mut next = 0usize;
    for line in text.lines() {
        if !in_function {
            out.push_str(line);
            out.push('\n');
            in_function = line.starts_with("define ") && line.trim_end().ends_with('{');
            uses_heap = false;
            continue;
        }
        if line == "}" {
            if uses_heap {
                let base = format!("  %heap.base = call i8* asm \"$0 = {} ll\", \"=r\"() nounwind readnone", layout::HEAP);
                // After the entry block's label, if it has one (it has no phis).
                let at = usize::from(body.first().is_some_and(|first| is_label(first)));
                body.insert(at, base);
            }
            for kept in body.drain(..) {
                out.push_str(&kept);
                out.push('\n');
            }
            out.push_str("}\n");
            in_function = false;
            continue;
        }
        let (code, comment) = split_comment(line);
        let mut rewritten = replace_words(code, |word| {
            let (offset, pointer) = layout::heap_address(word)?;
            let name = format!("%heap.{next}");
            next += 1;
            body.push(format!("  {name}.at = getelementptr inbounds i8, i8* %heap.base, i64 {offset}"));
            uses_heap = true;
            if pointer == "i8*" {
                return Some(format!("{name}.at"));
            }
            body.push(format!("  {name} = bitcast i8* {name}.at to {pointer}"));
            Some(name)
        });
        rewritten.push_str(comment);
        body.push(rewritten);
    }
    out
}

/// A line's code and its comment (from the first `;` outside double quotes).
fn split_comment(line: &str) -> (&str, &str) {
    let mut quoted = false;
    for (at, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => return line.split_at(at),
            _ => {}
        }
    }
    (line, "")
}

/// Whether a line of a function's body is a block's label.
fn is_label(line: &str) -> bool {
    let (code, _) = split_comment(line);
    !code.starts_with(' ') && code.trim_end().ends_with(':')
}

fn expand_layout(text: &str) -> String {
    // `$STR` and anything unknown stay for the next pass (or for LLVM to reject).
    replace_words(text, layout::expansion)
}

/// `text` with each `$WORD` (capitals and underscores) replaced by what `replace` gives for
/// `WORD`; a word it gives None for stays as it is.
fn replace_words(text: &str, mut replace: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(rest.get(..at).unwrap_or(""));
        let after = rest.get(at + 1..).unwrap_or("");
        let word_len = after.find(|c: char| !(c.is_ascii_uppercase() || c == '_')).unwrap_or(after.len());
        match replace(after.get(..word_len).unwrap_or("")) {
            Some(value) => {
                out.push_str(&value);
                rest = after.get(word_len..).unwrap_or("");
            }
            None => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A constant object's bytes: `words` as little-endian i64s, then `bytes`. Every constant the
/// compiler emits (string objects, builtin descriptors) is a flat byte array built by this, never
/// a struct: LLVM 14's BPF back end folds a load from a constant *struct or array of aggregates*
/// at a constant offset (`BPFDAGToDAGISel::PreprocessLoad`) and, doing so, replaces the load's
/// chain with the loaded value, which disconnects the stores before it. They vanish: `(+ (length
/// "ab") 5)` at `-O1` lost the push of "ab" and returned 5. A byte array (a `ConstantDataArray`)
/// is not folded there, while LLVM's own constant folding reads it as well as a struct.
pub fn object_bytes(words: &[u64], bytes: &[u8]) -> Vec<u8> {
    let mut out: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    out.extend_from_slice(bytes);
    out
}

/// Interned string-object constants.
#[derive(Default)]
pub struct StringTable {
    names: BTreeMap<Vec<u8>, usize>,
}

impl StringTable {
    /// The `i8*` constant expression for a string object holding `bytes` (`object_bytes`).
    pub fn reference(&mut self, bytes: &[u8]) -> String {
        let next = self.names.len();
        let index = *self.names.entry(bytes.to_vec()).or_insert(next);
        format!("getelementptr ([{n} x i8], [{n} x i8]* @.ovsm.str.{index}, i64 0, i64 0)", n = bytes.len() + 8)
    }

    pub fn definitions(&self) -> String {
        let mut out = String::new();
        let mut ordered: Vec<(&Vec<u8>, &usize)> = self.names.iter().collect();
        ordered.sort_by_key(|(_, i)| **i);
        for (bytes, index) in ordered {
            let object = object_bytes(&[bytes.len() as u64], bytes);
            out.push_str(&format!(
                "@.ovsm.str.{index} = private unnamed_addr constant [{n} x i8] c\"{text}\", align 8\n",
                n = object.len(),
                text = llvm_escape(&object)
            ));
        }
        out
    }
}

pub fn llvm_escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\' {
            out.push(b as char);
        } else {
            out.push_str(&format!("\\{b:02X}"));
        }
    }
    out
}

fn expand_strings(text: &str, strings: &mut StringTable) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("$STR\"") {
        out.push_str(rest.get(..at).unwrap_or(""));
        let body = rest.get(at + 5..).unwrap_or("");
        let end = body.find('"').unwrap_or(body.len());
        out.push_str(&strings.reference(body.get(..end).unwrap_or("").as_bytes()));
        rest = body.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_state_word_and_data_get_their_own_alias_class() {
        let text = "  %sp = load i64, i64* $SP\n  store i64 %x, i64* $HP, align 8\n  %t = load i64, i64* %p\n  store i8 111, i8* $OUTBUF\n  %g = getelementptr i64, i64* %w, i64 1\n  store i64 %y, i64* $SP\n";
        let (tagged, nodes) = tag_memory(text);
        let lines: Vec<&str> = tagged.lines().collect();
        let tag = |line: &str| line.rsplit_once("!tbaa !").map(|(_, t)| t.to_string());
        let (sp, hp, data) = (tag(lines[0]), tag(lines[1]), tag(lines[2]));
        assert!(sp.is_some() && hp.is_some() && data.is_some(), "{tagged}");
        assert_ne!(sp, hp);
        assert_ne!(sp, data);
        assert_eq!(tag(lines[5]), sp, "one word, one class");
        assert!(lines[1].contains("align 8, !tbaa"), "{}", lines[1]);
        // `$OUTBUF` is a buffer of bytes, not a state word.
        assert_eq!(tag(lines[3]), data);
        assert!(!lines[4].contains("!tbaa"), "{}", lines[4]);
        for t in [sp, hp, data].into_iter().flatten() {
            assert!(nodes.contains(&format!("!{t} = ")), "{nodes}");
        }
    }

    /// The promise the alias classes rest on: a state word appears only as the address of a
    /// load or store, never as a value (a pointer to it, which a data access could then reach).
    #[test]
    fn state_words_are_only_loaded_and_stored() {
        let mut all = String::new();
        for (_, part) in PARTS {
            all.push_str(part);
        }
        for line in all.lines() {
            let code = line.split(';').next().unwrap_or("");
            for (at, _) in code.match_indices('$') {
                let word: String = code[at + 1..].chars().take_while(|c| c.is_ascii_uppercase() || *c == '_').collect();
                if !layout::is_state_word(&word) {
                    continue;
                }
                let address = access_address(code);
                assert!(address == Some(&format!("${word}")), "${word} used other than as a load or store address: {line}");
            }
        }
    }

    #[test]
    fn heap_words_are_addressed_from_one_register_per_function() {
        let text = "define i64 @f() {\nentry:\n  %sp = load i64, i64* $SP, align 8 ; not $FP\n  call void @g(i8* $SYSBUF, i64 $SYSBUF_CAP)\n  ret i64 %sp\n}\ndefine void @h() {\n  ret void\n}\n";
        let out = heap_from_register(text);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[1], "entry:", "{out}");
        assert!(lines[2].starts_with("  %heap.base = call i8* asm"), "{out}");
        assert_eq!(lines[3], "  %heap.0.at = getelementptr inbounds i8, i8* %heap.base, i64 0");
        assert_eq!(lines[4], "  %heap.0 = bitcast i8* %heap.0.at to i64*");
        assert_eq!(lines[5], "  %sp = load i64, i64* %heap.0, align 8 ; not $FP", "comments stay as they are");
        // A buffer is an i8* already; a number (`$SYSBUF_CAP`) is left to expand_layout.
        assert!(lines[6].starts_with("  %heap.1.at = getelementptr inbounds i8, i8* %heap.base, i64 "), "{out}");
        assert_eq!(lines[7], "  call void @g(i8* %heap.1.at, i64 $SYSBUF_CAP)");
        assert_eq!(out.matches("%heap.base = ").count(), 1, "a function with no heap word gets no base: {out}");
    }

    /// Every heap word of the library went through the register: no constant heap address is
    /// left for the back end to build with `lddw`.
    #[test]
    fn the_library_has_no_constant_heap_address() {
        for floats in [true, false] {
            let library = text(floats);
            for code in library.lines().map(|line| split_comment(line).0) {
                for (at, _) in code.match_indices("inttoptr (i64 ") {
                    let digits: String = code[at + 14..].chars().take_while(char::is_ascii_digit).collect();
                    let address: u64 = digits.parse().unwrap_or(0);
                    assert!(!(layout::HEAP..layout::HEAP + layout::HEAP_BYTES).contains(&address), "{code}");
                }
            }
            assert!(library.matches("%heap.base = ").count() > 50);
        }
    }

    #[test]
    fn every_load_and_store_of_the_library_is_tagged_once() {
        for floats in [true, false] {
            let library = text(floats);
            let mut accesses = 0;
            for line in library.lines() {
                if access_address(line).is_some() {
                    accesses += 1;
                    assert_eq!(line.matches("!tbaa").count(), 1, "{line}");
                }
            }
            assert!(accesses > 300, "only {accesses} loads and stores found");
        }
    }
}
