//! The Unicode tables of the support library (`support/unicode_tables.ll`) and the functions
//! that read them (`support/unicode.ll`), against Rust's own `char` and `str` methods, which
//! are what the interpreter's `to-upper`, `to-lower` and `trim` call.
//!
//! The tables are generated from the Rust standard library this test is built with, so they
//! hold the same Unicode version as the interpreter. `unicode_tables_are_current` fails when
//! they no longer match (a toolchain with a newer Unicode): `OVSM_BLESS=1` rewrites them.
//! The other tests JIT-compile the library for the host and compare every code point.

// Calling JIT-compiled code is unsafe by nature; the functions read only their tables and
// `uc_encode` writes at most 4 bytes into the buffer it is given.
#![allow(unsafe_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use inkwell::context::Context;
use inkwell::execution_engine::{ExecutionEngine, JitFunction};
use inkwell::memory_buffer::MemoryBuffer;
use inkwell::targets::{InitializationConfig, Target};
use inkwell::OptimizationLevel;
use std::fmt::Write as _;

const TABLES: &str = "support/unicode_tables.ll";

/// Every Unicode scalar value.
fn chars() -> impl Iterator<Item = char> {
    (0..=0x10_FFFFu32).filter_map(char::from_u32)
}

/// How `str::to_lowercase` sees a character around a capital sigma: Rust lowers `Σ` to the
/// final `ς` when a cased letter precedes it and none follows, skipping case-ignorable
/// characters both ways. The two properties are not public, so they are read off
/// `to_lowercase` itself: `AΣc` keeps `σ` only when c is cased and not ignorable, and `AΣcB`
/// keeps it also when c is skipped.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SigmaClass {
    Other,
    Ignorable,
    Cased,
}

fn sigma_class(c: char) -> SigmaClass {
    let second = |s: String| s.to_lowercase().chars().nth(1);
    if second(format!("AΣ{c}")) == Some('σ') {
        SigmaClass::Cased
    } else if second(format!("AΣ{c}B")) == Some('σ') {
        SigmaClass::Ignorable
    } else {
        SigmaClass::Other
    }
}

/// A run of code points `start, start + stride, ...` that map by adding the same delta, or a
/// single code point whose mapping is several characters (`special`, the delta is then its
/// index in the specials table).
struct CaseRange {
    start: u32,
    count: u32,
    stride: u32,
    delta: i64,
    special: bool,
}

impl CaseRange {
    /// start in bits 0-20, count 21-31, stride 2 in bit 32, special in bit 33, the delta
    /// (signed) in bits 40-63.
    fn encode(&self) -> u64 {
        let delta = (self.delta as u64) << 40;
        u64::from(self.start) | u64::from(self.count) << 21 | u64::from(self.stride == 2) << 32 | u64::from(self.special) << 33 | delta
    }
}

/// The case table of one direction, and the multi-character mappings it points into (each
/// packed as up to three 16-bit characters, with bit 63 set: they are all in the BMP).
fn case_tables(map: fn(char) -> Vec<char>) -> (Vec<u64>, Vec<u64>) {
    let mut ranges: Vec<CaseRange> = Vec::new();
    let mut specials = Vec::new();
    for c in chars() {
        let mapped = map(c);
        if mapped == [c] {
            continue;
        }
        let cp = u32::from(c);
        if let [single] = mapped[..] {
            let delta = i64::from(u32::from(single)) - i64::from(cp);
            if let Some(last) = ranges.last_mut() {
                let next = last.start + last.count * last.stride;
                let joins_pair = last.count == 1 && !last.special && last.delta == delta && (cp == last.start + 1 || cp == last.start + 2);
                if joins_pair {
                    last.stride = cp - last.start;
                    last.count = 2;
                    continue;
                }
                if !last.special && last.count > 1 && last.delta == delta && cp == next && last.count < 0x7FF {
                    last.count += 1;
                    continue;
                }
            }
            ranges.push(CaseRange { start: cp, count: 1, stride: 1, delta, special: false });
        } else {
            assert!(mapped.len() <= 3 && mapped.iter().all(|m| u32::from(*m) <= 0xFFFF), "{c:?} maps to {mapped:?}");
            let packed = mapped.iter().enumerate().fold(1u64 << 63, |acc, (k, m)| acc | u64::from(u32::from(*m)) << (16 * k));
            ranges.push(CaseRange { start: cp, count: 1, stride: 1, delta: specials.len() as i64, special: true });
            specials.push(packed);
        }
    }
    (ranges.iter().map(CaseRange::encode).collect(), specials)
}

/// Inclusive ranges of the code points where `test` holds, as `start | end << 32`.
fn set_table(test: impl Fn(char) -> bool) -> Vec<u64> {
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for c in chars().filter(|c| test(*c)) {
        let cp = u32::from(c);
        match ranges.last_mut() {
            Some(last) if last.1 + 1 == cp => last.1 = cp,
            _ => ranges.push((cp, cp)),
        }
    }
    ranges.iter().map(|(s, e)| u64::from(*s) | u64::from(*e) << 32).collect()
}

/// The text of `support/unicode_tables.ll`.
fn generate() -> String {
    let (upper, upper_specials) = case_tables(|c| c.to_uppercase().collect());
    let (lower, lower_specials) = case_tables(|c| c.to_lowercase().collect());
    let tables: [(&str, Vec<u64>); 7] = [
        ("uc_upper", upper),
        ("uc_upper_specials", upper_specials),
        ("uc_lower", lower),
        ("uc_lower_specials", lower_specials),
        ("uc_ignorable", set_table(|c| sigma_class(c) == SigmaClass::Ignorable)),
        ("uc_cased", set_table(|c| sigma_class(c) == SigmaClass::Cased)),
        ("uc_space", set_table(char::is_whitespace)),
    ];
    let mut out = String::from(
        "; Generated by codegen/tests/unicode.rs from Rust's standard library (OVSM_BLESS=1 cargo test\n\
         ; -p ovsm-codegen --test unicode rewrites it): do not edit. The tables unicode.ll reads.\n",
    );
    for (name, items) in &tables {
        let body: Vec<String> = items.iter().map(|v| format!("i64 {}", *v as i64)).collect();
        let _ = writeln!(out, "\n@{name} = internal constant [{} x i64] [", items.len());
        let lines: Vec<String> = body.chunks(6).map(|line| format!("  {}", line.join(", "))).collect();
        let _ = writeln!(out, "{}", lines.join(",\n"));
        out.push_str("]\n");
    }
    out.push_str(
        "\n; The address and length of table `which`: 0 upper, 1 upper specials, 2 lower, 3 lower\n\
         ; specials, 4 case-ignorable, 5 cased (and not ignorable), 6 white space.\n\
         define i64* @uc_table(i64 %which) alwaysinline {\nentry:\n  switch i64 %which, label %t6 [",
    );
    for k in 0..6 {
        let _ = write!(out, " i64 {k}, label %t{k}");
    }
    out.push_str(" ]\n");
    for (k, (name, items)) in tables.iter().enumerate() {
        let n = items.len();
        let _ = writeln!(out, "t{k}:\n  ret i64* getelementptr ([{n} x i64], [{n} x i64]* @{name}, i64 0, i64 0)");
    }
    out.push_str("}\n\ndefine i64 @uc_table_len(i64 %which) alwaysinline {\nentry:\n  switch i64 %which, label %t6 [");
    for k in 0..6 {
        let _ = write!(out, " i64 {k}, label %t{k}");
    }
    out.push_str(" ]\n");
    for (k, (_, items)) in tables.iter().enumerate() {
        let _ = writeln!(out, "t{k}:\n  ret i64 {}", items.len());
    }
    out.push_str("}\n");
    out
}

#[test]
fn unicode_tables_are_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(TABLES);
    let want = generate();
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    if have != want {
        if std::env::var_os("OVSM_BLESS").is_some() {
            std::fs::write(&path, &want).unwrap();
        } else {
            panic!("{TABLES} does not match this Rust's Unicode tables: rerun with OVSM_BLESS=1 to regenerate it");
        }
    }
}

fn engine(context: &Context) -> ExecutionEngine<'_> {
    Target::initialize_native(&InitializationConfig::default()).expect("native target");
    let text = format!("{}{}", include_str!("../support/unicode.ll"), include_str!("../support/unicode_tables.ll"));
    let buffer = MemoryBuffer::create_from_memory_range_copy(text.as_bytes(), "unicode");
    let module = context.create_module_from_ir(buffer).expect("unicode.ll parses on its own");
    module.create_jit_execution_engine(OptimizationLevel::Default).expect("JIT")
}

/// The characters `uc_map`'s packed answer stands for.
fn unpack(m: u64) -> Vec<char> {
    if m >> 63 == 0 {
        return vec![char::from_u32(m as u32).expect("a scalar value")];
    }
    (0..3).map(|k| (m >> (16 * k)) & 0xFFFF).filter(|c| *c != 0).map(|c| char::from_u32(c as u32).expect("a scalar value")).collect()
}

#[test]
fn every_character_maps_as_in_rust() {
    let context = Context::create();
    let engine = engine(&context);
    let map: JitFunction<unsafe extern "C" fn(u64, u64) -> u64> = unsafe { engine.get_function("uc_map") }.unwrap();
    let space: JitFunction<unsafe extern "C" fn(u64) -> bool> = unsafe { engine.get_function("uc_is_space") }.unwrap();
    let class: JitFunction<unsafe extern "C" fn(u64) -> u64> = unsafe { engine.get_function("uc_sigma_class") }.unwrap();
    for c in chars() {
        let cp = u64::from(u32::from(c));
        assert_eq!(unpack(unsafe { map.call(cp, 1) }), c.to_uppercase().collect::<Vec<_>>(), "upper case of {c:?}");
        assert_eq!(unpack(unsafe { map.call(cp, 0) }), c.to_lowercase().collect::<Vec<_>>(), "lower case of {c:?}");
        assert_eq!(unsafe { space.call(cp) }, c.is_whitespace(), "white space: {c:?}");
        let want = match sigma_class(c) {
            SigmaClass::Other => 0,
            SigmaClass::Ignorable => 1,
            SigmaClass::Cased => 2,
        };
        assert_eq!(unsafe { class.call(cp) }, want, "sigma class of {c:?}");
    }
}

#[test]
fn utf8_round_trips() {
    let context = Context::create();
    let engine = engine(&context);
    let decode: JitFunction<unsafe extern "C" fn(*const u8) -> u64> = unsafe { engine.get_function("uc_decode") }.unwrap();
    let encode: JitFunction<unsafe extern "C" fn(u64, *mut u8) -> u64> = unsafe { engine.get_function("uc_encode") }.unwrap();
    for c in chars() {
        let mut want = [0u8; 4];
        let bytes = c.encode_utf8(&mut want).as_bytes().to_vec();
        let mut padded = [0u8; 4];
        padded[..bytes.len()].copy_from_slice(&bytes);
        let d = unsafe { decode.call(padded.as_ptr()) };
        assert_eq!((d & 0xFFFF_FFFF, d >> 32), (u64::from(u32::from(c)), bytes.len() as u64), "decoding {c:?}");
        let mut got = [0u8; 4];
        let n = unsafe { encode.call(u64::from(u32::from(c)), got.as_mut_ptr()) };
        assert_eq!(&got[..n as usize], &bytes[..], "encoding {c:?}");
    }
}
