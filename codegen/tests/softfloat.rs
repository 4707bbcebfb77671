//! The soft-float library (`support/softfloat.ll`) against the host's f64, bit for bit.
//!
//! The library is pure integer IR, so LLVM's JIT runs it natively here: millions of operands
//! per operation in a few seconds, where the sBPF VM would manage thousands. The differential
//! corpus then checks the same functions compiled for sBPF. NaN results are compared as NaN
//! only: which NaN payload the host returns depends on the operand order its compiler chose.

// Calling JIT-compiled code is unsafe by nature; the functions are pure integer arithmetic and
// `sf_format` writes at most 32 bytes into the 32-byte buffer it is given.
#![allow(unsafe_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use inkwell::context::Context;
use inkwell::execution_engine::{ExecutionEngine, JitFunction};
use inkwell::memory_buffer::MemoryBuffer;
use inkwell::targets::{InitializationConfig, Target};
use inkwell::OptimizationLevel;
use ovsm_lexer::float_literal;
use ovsm_runtime::value::int_float_cmp;
use std::cmp::Ordering;

type Binary = unsafe extern "C" fn(u64, u64) -> u64;
type Unary = unsafe extern "C" fn(u64) -> u64;
type Format = unsafe extern "C" fn(u64, *mut u8) -> u64;
type Parse = unsafe extern "C" fn(*const u8, u64, *mut u64, *mut u64) -> u64;

const CASES: usize = 300_000;

/// xorshift64*: deterministic operands without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Raw bit patterns, values near the edges, small integers and halves, pairs of close
    /// exponents (where cancellation and rounding are hardest), exponents up to 80 apart (the
    /// add's fast path ends at a difference of 55), and powers of two and their neighbours
    /// (whose differences lose their leading bit).
    fn float(&mut self) -> u64 {
        const SPECIAL: [f64; 14] =
            [0.0, -0.0, 1.0, -1.0, 0.5, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, f64::MAX, f64::MIN_POSITIVE, 5e-324, 1e16, 1e-4, 2.5];
        match self.next() % 10 {
            0 => self.next(),
            1 => SPECIAL[(self.next() % SPECIAL.len() as u64) as usize].to_bits(),
            2 => ((self.next() % 2001) as f64 / 4.0 - 250.0).to_bits(),
            3 => (self.next() & 0x800F_FFFF_FFFF_FFFF) | ((self.next() % 4) << 52),
            4 => (self.next() & 0x800F_FFFF_FFFF_FFFF) | ((1020 + self.next() % 8) << 52),
            5 => (self.next() & 0x800F_FFFF_FFFF_FFFF) | ((2040 + self.next() % 7) << 52),
            6 => ((self.next() % 1_000_000) as f64 / 100.0 * if self.next().is_multiple_of(2) { 1.0 } else { -1.0 }).to_bits(),
            8 => (self.next() & 0x800F_FFFF_FFFF_FFFF) | ((1000 + self.next() % 80) << 52),
            9 => (self.next() & 0x8000_0000_0000_0000) | (((1000 + self.next() % 80) << 52) + self.next() % 3 - 1),
            _ => (((self.next() as i64) >> (self.next() % 64)) as f64).to_bits(),
        }
    }
}

fn engine(context: &Context) -> ExecutionEngine<'_> {
    Target::initialize_native(&InitializationConfig::default()).expect("native target");
    let text = format!(
        "{}{}{}",
        include_str!("../support/softfloat.ll"),
        include_str!("../support/ryu_tables.ll"),
        include_str!("../support/decimal.ll")
    );
    let buffer = MemoryBuffer::create_from_memory_range_copy(text.as_bytes(), "softfloat");
    let module = context.create_module_from_ir(buffer).expect("softfloat.ll parses on its own");
    module.create_jit_execution_engine(OptimizationLevel::Default).expect("JIT")
}

fn same(got: u64, want: f64) -> bool {
    got == want.to_bits() || (want.is_nan() && f64::from_bits(got).is_nan())
}

fn check_binary(name: &str, host: fn(f64, f64) -> f64, seed: u64) {
    check_binary_on(name, host, seed, |rng| (rng.float(), rng.float()));
}

fn check_binary_on(name: &str, host: fn(f64, f64) -> f64, seed: u64, mut operands: impl FnMut(&mut Rng) -> (u64, u64)) {
    let context = Context::create();
    let engine = engine(&context);
    let f: JitFunction<Binary> = unsafe { engine.get_function(name) }.expect(name);
    let mut rng = Rng(seed);
    for _ in 0..CASES {
        let (a, b) = operands(&mut rng);
        let got = unsafe { f.call(a, b) };
        let want = host(f64::from_bits(a), f64::from_bits(b));
        assert!(
            same(got, want),
            "{name}({:e} [{a:#x}], {:e} [{b:#x}]) = {:e} [{got:#x}], host {want:e} [{:#x}]",
            f64::from_bits(a),
            f64::from_bits(b),
            f64::from_bits(got),
            want.to_bits()
        );
    }
}

fn check_unary(name: &str, host: impl Fn(f64) -> f64, seed: u64) {
    let context = Context::create();
    let engine = engine(&context);
    let f: JitFunction<Unary> = unsafe { engine.get_function(name) }.expect(name);
    let mut rng = Rng(seed);
    for _ in 0..CASES {
        let a = rng.float();
        let got = unsafe { f.call(a) };
        let want = host(f64::from_bits(a));
        assert!(same(got, want), "{name}({:e} [{a:#x}]) = [{got:#x}], host {want:e} [{:#x}]", f64::from_bits(a), want.to_bits());
    }
}

#[test]
fn leading_zeros_match_rust() {
    let context = Context::create();
    let engine = engine(&context);
    let clz: JitFunction<Unary> = unsafe { engine.get_function("sf_clz") }.expect("sf_clz");
    let mut rng = Rng(16);
    let edges = (0..64).flat_map(|k| [1u64 << k, (1u64 << k) - 1, (1u64 << k) | 1, u64::MAX >> k]);
    let random = (0..CASES).map(|_| rng.next() >> (rng.next() % 64));
    for x in edges.chain(random).chain([0, u64::MAX]) {
        let got = unsafe { clz.call(x) };
        assert_eq!(got, u64::from(x.leading_zeros()), "sf_clz({x:#x})");
    }
}

#[test]
fn add_matches_the_host() {
    check_binary("sf_add", |a, b| a + b, 1);
}

#[test]
fn sub_matches_the_host() {
    check_binary("sf_sub", |a, b| a - b, 2);
}

/// Operands that (nearly) cancel, with either sign, so that a - b and a + -b lose from none to
/// all of their leading bits, down to subnormal and zero results (a's exponent is small one
/// time in four): half the time b is a with its low bits replaced and its exponent moved by at
/// most one; half the time b is a's bit pattern plus or minus a few units in the last place,
/// which crosses into the binade below (2^k - (2^k - ulp): exponents one apart, every bit but
/// the last cancelled) whenever a is a power of two or next to one.
fn cancelling(rng: &mut Rng) -> (u64, u64) {
    let a = match rng.next() % 4 {
        0 => (rng.next() & 0x800F_FFFF_FFFF_FFFF) | ((1 + rng.next() % 60) << 52),
        1 => (rng.next() & (1 << 63)) | ((1 + rng.next() % 2045) << 52) | (rng.next() % 3),
        _ => rng.float(),
    };
    let b = if rng.next().is_multiple_of(2) {
        let keep = !((1u64 << (rng.next() % 53)) - 1);
        let nudge = (rng.next() % 3).wrapping_sub(1) << 52;
        ((a & keep) | (rng.next() & !keep)).wrapping_add(nudge)
    } else {
        a.wrapping_add(rng.next() % 9).wrapping_sub(4)
    };
    (a, b ^ (rng.next() & (1 << 63)))
}

/// Significands with one to four bits set below the leading one: products that are exact, or
/// inexact only in a few bits far below the last, where the sticky bit alone decides the
/// rounding; and the quotients and sums of the same operands.
fn sparse(rng: &mut Rng) -> (u64, u64) {
    let one = |rng: &mut Rng| {
        let bits = (0..1 + rng.next() % 4).fold(0, |f, _| f | 1 << (rng.next() % 52));
        (rng.next() & (1 << 63)) | ((990 + rng.next() % 70) << 52) | bits
    };
    (one(rng), one(rng))
}

#[test]
fn products_and_quotients_of_sparse_significands_match_the_host() {
    check_binary_on("sf_mul", |a, b| a * b, 13, sparse);
    check_binary_on("sf_div", |a, b| a / b, 14, sparse);
    check_binary_on("sf_add", |a, b| a + b, 15, sparse);
}

#[test]
fn add_and_sub_of_cancelling_operands_match_the_host() {
    check_binary_on("sf_add", |a, b| a + b, 11, cancelling);
    check_binary_on("sf_sub", |a, b| a - b, 12, cancelling);
}

#[test]
fn mul_matches_the_host() {
    check_binary("sf_mul", |a, b| a * b, 3);
}

#[test]
fn div_matches_the_host() {
    check_binary("sf_div", |a, b| a / b, 4);
}

/// Quotients at the ends of the normal range, where the division's short path hands over to the
/// general one: the operands' exponents are normal and apart by about 1022 either way, so that
/// the quotient is the smallest normals, subnormal, the largest finite numbers or infinite.
fn quotients_at_the_range_edges(rng: &mut Rng) -> (u64, u64) {
    const BIASED: [i64; 12] = [-2, -1, 0, 1, 2, 3, 2041, 2042, 2043, 2044, 2045, 2046];
    // and, one time in eight, pairs whose quotient is the very first or last of its range
    const EDGES: [(f64, f64); 8] = [
        (f64::MAX, 2.0),
        (f64::MAX, 0.5),
        (f64::MAX, 1.0000000000000002),
        (f64::MAX, 0.9999999999999999),
        (f64::MIN_POSITIVE, 1.0000000000000002),
        (2.0 * f64::MIN_POSITIVE, 1.9999999999999998),
        (f64::MIN_POSITIVE, 2.0),
        (1.0, f64::MAX),
    ];
    if rng.next().is_multiple_of(8) {
        let (a, b) = EDGES[(rng.next() % EDGES.len() as u64) as usize];
        let sign = rng.next() & (1 << 63);
        return (a.to_bits() ^ sign, b.to_bits());
    }
    loop {
        // ez = ea - eb + 1022, the quotient's exponent field less one before normalising
        let ez = BIASED[(rng.next() % BIASED.len() as u64) as usize];
        let ea = 1 + (rng.next() % 2046) as i64;
        let eb = ea + 1022 - ez;
        if (1..=2046).contains(&eb) {
            let sign = |rng: &mut Rng| rng.next() & (1 << 63);
            let a = sign(rng) | ((ea as u64) << 52) | (rng.next() & 0xF_FFFF_FFFF_FFFF);
            let b = sign(rng) | ((eb as u64) << 52) | (rng.next() & 0xF_FFFF_FFFF_FFFF);
            return (a, b);
        }
    }
}

#[test]
fn quotients_at_the_edges_of_the_normal_range_match_the_host() {
    check_binary_on("sf_div", |a, b| a / b, 17, quotients_at_the_range_edges);
}

#[test]
fn rem_matches_the_host() {
    check_binary("sf_rem", |a, b| a % b, 5);
}

#[test]
fn sqrt_matches_the_host() {
    check_unary("sf_sqrt", f64::sqrt, 6);
}

#[test]
fn rounding_to_integral_matches_the_host() {
    let context = Context::create();
    let engine = engine(&context);
    let f: JitFunction<Binary> = unsafe { engine.get_function("sf_round_int") }.expect("sf_round_int");
    let modes: [fn(f64) -> f64; 4] = [f64::trunc, f64::floor, f64::ceil, f64::round];
    let mut rng = Rng(7);
    for _ in 0..CASES {
        let a = rng.float();
        for (mode, host) in modes.iter().enumerate() {
            let got = unsafe { f.call(a, mode as u64) };
            let want = host(f64::from_bits(a));
            assert!(same(got, want), "mode {mode} of {:e} [{a:#x}] = [{got:#x}], host {want:e}", f64::from_bits(a));
        }
    }
}

#[test]
fn conversions_match_the_host() {
    let context = Context::create();
    let engine = engine(&context);
    let from: JitFunction<Unary> = unsafe { engine.get_function("sf_from_int") }.expect("sf_from_int");
    let to: JitFunction<Unary> = unsafe { engine.get_function("sf_to_int") }.expect("sf_to_int");
    let mut rng = Rng(8);
    for k in 0..CASES {
        let i = match k % 3 {
            0 => rng.next() as i64,
            1 => (rng.next() as i64) >> (rng.next() % 64),
            _ => [0, 1, -1, i64::MAX, i64::MIN, i64::MIN + 1, 1 << 53, (1 << 53) + 1][k % 8],
        };
        let got = unsafe { from.call(i as u64) };
        assert_eq!(got, (i as f64).to_bits(), "{i} as f64");
        let f = rng.float();
        let t = f64::from_bits(f).trunc();
        if t.is_finite() && (-(2f64.powi(63))..2f64.powi(63)).contains(&t) {
            assert_eq!(unsafe { to.call(f) } as i64, t as i64, "{t:e} as i64");
        }
    }
}

#[test]
fn comparisons_match_the_host() {
    let context = Context::create();
    let engine = engine(&context);
    let cmp: JitFunction<Binary> = unsafe { engine.get_function("sf_cmp") }.expect("sf_cmp");
    let cmp_int: JitFunction<Binary> = unsafe { engine.get_function("sf_cmp_int") }.expect("sf_cmp_int");
    let code = |o: Option<Ordering>| match o {
        Some(Ordering::Less) => -1i64,
        Some(Ordering::Equal) => 0,
        Some(Ordering::Greater) => 1,
        None => 2,
    };
    let mut rng = Rng(9);
    for k in 0..CASES {
        let (a, b) = (rng.float(), rng.float());
        let got = unsafe { cmp.call(a, b) } as i64;
        assert_eq!(got, code(f64::from_bits(a).partial_cmp(&f64::from_bits(b))), "cmp {:e} {:e}", f64::from_bits(a), f64::from_bits(b));
        let i = if k % 2 == 0 { f64::from_bits(b).trunc() as i64 } else { rng.next() as i64 >> (rng.next() % 64) };
        let got = unsafe { cmp_int.call(i as u64, a) } as i64;
        assert_eq!(got, code(int_float_cmp(i, f64::from_bits(a))), "cmp_int {i} {:e}", f64::from_bits(a));
    }
}

#[test]
fn printing_matches_the_interpreter() {
    let context = Context::create();
    let engine = engine(&context);
    let format: JitFunction<Format> = unsafe { engine.get_function("sf_format") }.expect("sf_format");
    let mut rng = Rng(10);
    let mut buf = [0u8; 32];
    let mut check = |bits: u64| {
        let n = unsafe { format.call(bits, buf.as_mut_ptr()) } as usize;
        let got = std::str::from_utf8(&buf[..n]).expect("ASCII");
        assert_eq!(got, float_literal(f64::from_bits(bits)), "bits {bits:#x}");
    };
    for _ in 0..CASES {
        check(rng.float());
    }
    // Every power of ten and its neighbours, where the positional/exponential switch and
    // Ryu's trailing-zero cases live.
    for e in -325..=308 {
        let p = format!("1e{e}").parse::<f64>().expect("a float").to_bits();
        for bits in [p.wrapping_sub(1), p, p.wrapping_add(1)] {
            check(bits);
            check(bits | 1 << 63);
        }
    }
}

/// Decimal texts whose rounding is hardest: exact midpoints between two neighbouring doubles,
/// (2m + 1) * 2^-(j + 1) written out in full, and the same a hair above and below.
fn midpoints(rng: &mut Rng, out: &mut Vec<String>) {
    let m = (rng.next() >> 11) | 1 << 52;
    let j = 1 + rng.next() % 20;
    let n = u128::from(2 * m + 1) * 5u128.pow(j as u32 + 1);
    let place = |digits: String| {
        let split = digits.len() - (j as usize + 1);
        format!("{}.{}", &digits[..split], &digits[split..])
    };
    out.push(place(n.to_string()));
    out.push(place(n.to_string()) + "0000000000000000000001");
    out.push(place((n - 1).to_string()) + "9999999999999999999999");
    // and integers past 2^53, halfway between two even neighbours
    let big = (1u64 << 53) + 2 * (rng.next() % (1 << 40)) + 1;
    out.push(big.to_string());
    out.push(format!("{big}.{}1", "0".repeat((rng.next() % 900) as usize)));
}

/// Random texts in Rust's float grammar, and texts just outside it.
fn float_texts(rng: &mut Rng, out: &mut Vec<String>) {
    let f = f64::from_bits(rng.float());
    let precision = (rng.next() % 25) as usize;
    out.push(format!("{f:e}"));
    out.push(format!("{f:.precision$e}"));
    out.push(format!("{f:.precision$}"));
    let digits: String = (0..1 + rng.next() % 40).map(|_| char::from(b'0' + (rng.next() % 10) as u8)).collect();
    let point = (rng.next() % (digits.len() as u64 + 1)) as usize;
    let exponent = rng.next() % 800;
    let sign = ["", "+", "-"][(rng.next() % 3) as usize];
    out.push(format!("{sign}{}.{}e{}{exponent}", &digits[..point], &digits[point..], ["", "-", "+"][(rng.next() % 3) as usize]));
    out.push(format!("{sign}{digits}"));
}

#[test]
fn parsing_matches_rust() {
    let context = Context::create();
    let engine = engine(&context);
    let parse: JitFunction<Parse> = unsafe { engine.get_function("sf_parse") }.expect("sf_parse");
    let mut texts: Vec<String> = [
        "",
        "+",
        "-",
        ".",
        "e5",
        "1e",
        "1e+",
        "1.2.3",
        "1_0",
        "0x10",
        " 1",
        "1 ",
        "++1",
        "1e5.5",
        ".e1",
        "in",
        "infinit",
        "nan1",
        "inf",
        "-Infinity",
        "INFINITY",
        "+iNf",
        "NaN",
        "-nan",
        "0",
        "-0",
        "0.",
        ".0",
        "-.5e-0",
        "00000.000e99999",
        "1e400",
        "-1e400",
        "1e-400",
        "4.9406564584124654e-324",
        "2.4703282292062327e-324",
        "2.4703282292062328e-324",
        "2.2250738585072011e-308",
        "2.2250738585072012e-308",
        "1.7976931348623157e308",
        "1.7976931348623158e308",
        "1.7976931348623159e308",
        "9007199254740993",
        "123456789012345678901234567890",
        "0.1",
        "0.3",
        "3.14159",
        "1e22",
        "1e23",
        "1E-22",
        "5e-324",
        "1e-324",
        "1e99999999999999999999",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    texts.push(format!("0.{}1e10", "0".repeat(900)));
    texts.push(format!("1{}e-900", "0".repeat(900)));
    texts.push(format!("{}e-1000", "9".repeat(1000)));
    // where the exponent saturates (Rust stops counting its digits at 65,536): digits that move
    // the point as far back
    for zeros in [655_359, 655_360] {
        texts.push(format!("0.{}1e{}", "0".repeat(zeros), zeros + 1));
        texts.push(format!("1{}e-{zeros}", "0".repeat(zeros)));
    }
    let mut rng = Rng(11);
    for _ in 0..CASES / 10 {
        midpoints(&mut rng, &mut texts);
        float_texts(&mut rng, &mut texts);
    }
    let mut work = vec![0u64; 256];
    for text in &texts {
        let mut out = 0u64;
        let status = unsafe { parse.call(text.as_ptr(), text.len() as u64, work.as_mut_ptr(), &mut out) };
        let shown = if text.len() > 80 { format!("{}... ({} bytes)", &text[..60], text.len()) } else { text.clone() };
        match text.parse::<f64>() {
            Ok(want) => assert!(status == 0 && same(out, want), "{shown:?}: {status} {:e} [{out:#x}], Rust {want:e}", f64::from_bits(out)),
            Err(_) => assert_eq!(status, 1, "{shown:?} parsed as {:e}, Rust refuses it", f64::from_bits(out)),
        }
    }
}

/// `sf_pow` is a translation of the interpreter's `ieee754_pow` (runtime/src/float_pow.rs), not
/// of the host's `pow`: the two must agree bit for bit. Random bit patterns mostly overflow,
/// underflow or hit a special case, so half the operands are bases and exponents whose power is
/// finite: moderate ones, negative bases to integral exponents, bases within 2^-20 of 1 to
/// exponents past 2^31, and results near the subnormal range.
#[test]
fn pow_matches_the_interpreters() {
    use ovsm_runtime::float_pow::ieee754_pow;
    check_binary("sf_pow", ieee754_pow, 10);
    let context = Context::create();
    let engine = engine(&context);
    let f: JitFunction<Binary> = unsafe { engine.get_function("sf_pow") }.expect("sf_pow");
    let mut rng = Rng(11);
    for _ in 0..CASES {
        let sign = |r: &mut Rng| if r.next().is_multiple_of(2) { 1.0 } else { -1.0 };
        let (x, y) = match rng.next() % 5 {
            0 => ((rng.next() % 1_000_000) as f64 / 1000.0, ((rng.next() % 4001) as f64 - 2000.0) / 64.0),
            1 => (-((rng.next() % 1000) as f64 / 8.0), ((rng.next() % 200) as f64) - 100.0),
            2 => (
                f64::from_bits(1f64.to_bits() - (1 << 33) + rng.next() % (1 << 34)),
                f64::from_bits(0x41E0_0000_0000_0000 + rng.next() % (1 << 56)) * sign(&mut rng),
            ),
            3 => ((rng.next() % 64) as f64 / 16.0 + 0.01, sign(&mut rng) * (1000.0 + (rng.next() % 80_000) as f64 / 1000.0)),
            _ => (f64::from_bits(rng.float()), ((rng.next() % 64) as f64 / 4.0) * sign(&mut rng)),
        };
        let got = unsafe { f.call(x.to_bits(), y.to_bits()) };
        let want = ieee754_pow(x, y);
        assert!(
            same(got, want),
            "sf_pow({x:e} [{:#x}], {y:e} [{:#x}]) = {:e} [{got:#x}], interpreter {want:e} [{:#x}]",
            x.to_bits(),
            y.to_bits(),
            f64::from_bits(got),
            want.to_bits()
        );
    }
}
