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

const PARTS: [(&str, &str); 14] = [
    ("core.ll", include_str!("../support/core.ll")),
    ("calls.ll", include_str!("../support/calls.ll")),
    ("arith.ll", include_str!("../support/arith.ll")),
    ("data.ll", include_str!("../support/data.ll")),
    ("maps.ll", include_str!("../support/maps.ll")),
    ("seq.ll", include_str!("../support/seq.ll")),
    ("io.ll", include_str!("../support/io.ll")),
    ("auto.ll", include_str!("../support/auto.ll")),
    ("softfloat.ll", include_str!("../support/softfloat.ll")),
    ("ryu_tables.ll", include_str!("../support/ryu_tables.ll")),
    ("decimal.ll", include_str!("../support/decimal.ll")),
    ("text.ll", include_str!("../support/text.ll")),
    ("unicode.ll", include_str!("../support/unicode.ll")),
    ("unicode_tables.ll", include_str!("../support/unicode_tables.ll")),
];

/// The library's text with every `$` word expanded.
pub fn text() -> String {
    let mut all = String::new();
    for (name, part) in PARTS {
        all.push_str(&format!("; ---- {name}\n"));
        all.push_str(part);
    }
    let mut strings = StringTable::default();
    let expanded = expand_strings(&expand_layout(&tag_memory(&all)), &mut strings);
    expanded + &strings.definitions() + TBAA_NODES
}

/// Type-based alias metadata with two classes: the state words (`$SP`, `$HP`, `$FP`, ...) and
/// everything else (values, objects, text, the stack). Every address is an `inttoptr`, so without
/// it LLVM must assume that each store to the value stack may change `$SP`, and reloads the
/// stack pointer from memory after every push; with it, the stack pointer stays in a register
/// across a run of inlined operations and a pushed value is forwarded to the pop that follows.
const TBAA_NODES: &str = "
!90000 = !{!\"ovsm\"}
!90001 = !{!\"ovsm state word\", !90000, i64 0}
!90002 = !{!\"ovsm data\", !90000, i64 0}
!90003 = !{!90001, !90001, i64 0}
!90004 = !{!90002, !90002, i64 0}
";
const TBAA_STATE: &str = ", !tbaa !90003";
const TBAA_DATA: &str = ", !tbaa !90004";

/// Gives every load and store of the library its alias class (see [`TBAA_NODES`]): state when
/// its address is a state word written as `$WORD` (layout::is_state_word), data otherwise.
/// The library's loads and stores are one per line, with no metadata or comment of their own.
fn tag_memory(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.lines() {
        out.push_str(line);
        let code = line.trim_start();
        let instruction = code.split_once(" = ").map_or(code, |(_, rhs)| rhs);
        if instruction.starts_with("load ") || instruction.starts_with("store ") {
            // The address is the last typed operand: `T* ADDRESS`, perhaps then `, align N`.
            let address = line.rsplit_once("* ").map_or("", |(_, operand)| operand);
            let address = address.split(',').next().unwrap_or("").trim();
            let state = address.strip_prefix('$').is_some_and(layout::is_state_word);
            out.push_str(if state { TBAA_STATE } else { TBAA_DATA });
        }
        out.push('\n');
    }
    out
}

/// Parses the library into `context`, for `machine`. The data layout must be in the text:
/// LLVM fixes every load's alignment when it parses, and without the layout an i64 is only
/// 4-aligned, so each u64 access would become two u32 ones.
pub fn module<'ctx>(context: &'ctx Context, machine: &TargetMachine) -> Result<Module<'ctx>, String> {
    let layout = machine.get_target_data().get_data_layout();
    let header = format!(
        "target datalayout = \"{}\"\ntarget triple = \"{}\"\n",
        layout.as_str().to_string_lossy(),
        machine.get_triple().as_str().to_string_lossy()
    );
    let buffer = MemoryBuffer::create_from_memory_range_copy((header + &text()).as_bytes(), "ovsm-support");
    context.create_module_from_ir(buffer).map_err(|e| format!("the support library does not parse: {e}"))
}

fn expand_layout(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(rest.get(..at).unwrap_or(""));
        let after = rest.get(at + 1..).unwrap_or("");
        let word_len = after.find(|c: char| !(c.is_ascii_uppercase() || c == '_')).unwrap_or(after.len());
        let word = after.get(..word_len).unwrap_or("");
        match layout::expansion(word) {
            Some(value) => {
                out.push_str(&value);
                rest = after.get(word_len..).unwrap_or("");
            }
            None => {
                // `$STR` and anything unknown stay for the next pass (or for LLVM to reject).
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Interned string-object constants.
#[derive(Default)]
pub struct StringTable {
    names: BTreeMap<Vec<u8>, usize>,
}

impl StringTable {
    /// The `i8*` constant expression for a string object holding `bytes`.
    pub fn reference(&mut self, bytes: &[u8]) -> String {
        let next = self.names.len();
        let index = *self.names.entry(bytes.to_vec()).or_insert(next);
        format!("bitcast ({{ i64, [{n} x i8] }}* @.ovsm.str.{index} to i8*)", n = bytes.len())
    }

    pub fn definitions(&self) -> String {
        let mut out = String::new();
        let mut ordered: Vec<(&Vec<u8>, &usize)> = self.names.iter().collect();
        ordered.sort_by_key(|(_, i)| **i);
        for (bytes, index) in ordered {
            out.push_str(&format!(
                "@.ovsm.str.{index} = private unnamed_addr constant {{ i64, [{n} x i8] }} {{ i64 {n}, [{n} x i8] c\"{text}\" }}, align 8\n",
                n = bytes.len(),
                text = llvm_escape(bytes)
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
    fn state_words_and_data_get_their_own_alias_class() {
        let text = "  %sp = load i64, i64* $SP\n  store i64 %x, i64* $HP, align 8\n  %t = load i64, i64* %p\n  store i8 111, i8* $OUTBUF\n  %g = getelementptr i64, i64* %w, i64 1\n";
        let tagged = tag_memory(text);
        let lines: Vec<&str> = tagged.lines().collect();
        assert!(lines[0].ends_with(TBAA_STATE), "{}", lines[0]);
        assert!(lines[1].ends_with(&format!("align 8{TBAA_STATE}")), "{}", lines[1]);
        assert!(lines[2].ends_with(TBAA_DATA), "{}", lines[2]);
        // `$OUTBUF` is a buffer of bytes, not a state word.
        assert!(lines[3].ends_with(TBAA_DATA), "{}", lines[3]);
        assert!(!lines[4].contains("!tbaa"), "{}", lines[4]);
    }

    #[test]
    fn every_load_and_store_of_the_library_is_tagged_once() {
        let library = text();
        let mut accesses = 0;
        for line in library.lines() {
            let code = line.trim_start();
            let instruction = code.split_once(" = ").map_or(code, |(_, rhs)| rhs);
            if instruction.starts_with("load ") || instruction.starts_with("store ") {
                accesses += 1;
                assert_eq!(line.matches("!tbaa").count(), 1, "{line}");
            }
        }
        assert!(accesses > 300, "only {accesses} loads and stores found");
    }
}
