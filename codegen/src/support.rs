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
    let expanded = expand_strings(&expand_layout(&all), &mut strings);
    expanded + &strings.definitions()
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
