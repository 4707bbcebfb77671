//! Random well-formed programs, compiled and run as `.so` files, must give exactly the
//! interpreter's value: the same results, and the same error messages where a computation fails
//! (each expression runs inside `try`). The generator covers the integer edge cases (overflow,
//! division by zero, MIN / -1), comparisons, `if`, `let`, arrays, maps and strings mixed into
//! arithmetic (type errors); a second generator, strings of hard characters through `to-upper`,
//! `to-lower`, `trim`, `int` and `float`; a third, float arithmetic (signed zeros, subnormals,
//! the largest finite values, NaN and the infinities they make) through the soft-float
//! library, rounding, `pow`, printing, and values passed through closures and `reduce`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ovsm_codegen::{compile, CompileError, OptLevel, Options};
use ovsm_runtime::compiled::{run_script, ScriptOutcome};
use ovsm_runtime::{Limits, Outcome, RecordingHost, Session};
use proptest::prelude::*;

fn integer() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![0i64, 1, -1, 2, 7, -13, i64::MAX, i64::MIN + 1, 1 << 32, -(1 << 31)]).prop_map(|n| n.to_string()),
        (-1000i64..1000).prop_map(|n| n.to_string()),
    ]
}

fn literal() -> impl Strategy<Value = String> {
    prop_oneof![
        integer(),
        Just("x".to_string()),
        Just("y".to_string()),
        Just("\"s\"".to_string()),
        Just(":k".to_string()),
        Just("nil".to_string()),
    ]
}

fn expr() -> impl Strategy<Value = String> {
    literal().prop_recursive(4, 40, 3, |inner| {
        let op = prop::sample::select(vec!["+", "-", "*", "/", "%"]);
        let cmp = prop::sample::select(vec!["<", "<=", ">", ">=", "=", "!="]);
        prop_oneof![
            (op.clone(), inner.clone(), inner.clone()).prop_map(|(o, a, b)| format!("({o} {a} {b})")),
            (op, inner.clone(), inner.clone(), inner.clone()).prop_map(|(o, a, b, c)| format!("({o} {a} {b} {c})")),
            inner.clone().prop_map(|a| format!("(- {a})")),
            inner.clone().prop_map(|a| format!("(abs {a})")),
            (cmp, inner.clone(), inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b, t, e)| format!("(if ({c} {a} {b}) {t} {e})")),
            (inner.clone(), inner.clone()).prop_map(|(v, body)| format!("(let ((x {v})) {body})")),
            (inner.clone(), inner.clone(), 0i64..4).prop_map(|(a, b, i)| format!("(nth [{a} {b}] {i})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("(get {{:a {a} \"b\" {b}}} :b)")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("(str {a} \"-\" {b})")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("[{a} (length [{b} 1])]")),
        ]
    })
}

fn program() -> impl Strategy<Value = String> {
    (integer(), integer(), prop::collection::vec(expr(), 1..6)).prop_map(|(x, y, exprs)| {
        let tried: Vec<String> = exprs.iter().map(|e| format!("  (try {e} (catch err (str \"error: \" err)))")).collect();
        format!("(define x {x})\n(define y {y})\n[\n{}\n]\n", tried.join("\n"))
    })
}

/// A string literal of characters where case mapping, white space and number parsing are hard:
/// the final sigma and case-ignorable marks, mappings longer than their character, Unicode
/// white space, and the pieces of numbers.
fn text() -> impl Strategy<Value = String> {
    let pool = prop::sample::select(vec![
        "a", "Z", "Σ", "σ", "ς", "ß", "İ", "ﬃ", "ǅ", "\u{301}", "'", ".", " ", "\u{3000}", "\u{85}", "\t", "\u{a0}", "0", "1", "9", "e",
        "E", "-", "+", "inf", "NaN", "𐐀",
    ]);
    prop::collection::vec(pool, 0..8).prop_map(|parts| format!("\"{}\"", parts.concat()))
}

fn text_program() -> impl Strategy<Value = String> {
    prop::collection::vec(text(), 1..10).prop_map(|texts| {
        let ops = ["to-upper", "to-lower", "trim", "int", "float"];
        let tried: Vec<String> =
            texts.iter().flat_map(|t| ops.iter().map(move |op| format!("  (try ({op} {t}) (catch err (str \"error: \" err)))"))).collect();
        format!("[\n{}\n]\n", tried.join("\n"))
    })
}

/// A float (or int) constant: the edge cases, or a decimal of up to six places.
fn float_constant() -> impl Strategy<Value = String> {
    let edge = prop::sample::select(vec![
        "0.0",
        "-0.0",
        "1.0",
        "-1.5",
        "0.1",
        "0.3",
        "2.5",
        "-2.5",
        "1e308",
        "-1e308",
        "5e-324",
        "2.2250738585072014e-308",
        "123456.789",
        "1e16",
        "9007199254740993.0",
        "4503599627370496.5",
        "3",
        "-7",
        "0",
    ]);
    prop_oneof![
        edge.prop_map(str::to_string),
        (-1_000_000i64..1_000_000, 0u32..7).prop_map(|(m, e)| format!("{}", m as f64 / 10f64.powi(e as i32))),
    ]
}

/// A constant, or one of the globals `f` and `g`, which nothing folds at compile time.
fn float_literal() -> impl Strategy<Value = String> {
    prop_oneof![8 => float_constant(), 1 => Just("f".to_string()), 1 => Just("g".to_string())]
}

fn float_expr() -> impl Strategy<Value = String> {
    float_literal().prop_recursive(4, 32, 3, |inner| {
        let op = prop::sample::select(vec!["+", "-", "*", "/", "%", "min", "max", "pow"]);
        let unary = prop::sample::select(vec!["sqrt", "abs", "floor", "ceil", "round", "float", "int", "-", "str"]);
        let cmp = prop::sample::select(vec!["<", "<=", ">", ">=", "=", "!="]);
        prop_oneof![
            (op, inner.clone(), inner.clone()).prop_map(|(o, a, b)| format!("({o} {a} {b})")),
            (unary, inner.clone()).prop_map(|(u, a)| format!("({u} {a})")),
            (cmp, inner.clone(), inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b, t, e)| format!("(if ({c} {a} {b}) {t} {e})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("((lambda (v) (* v {b})) {a})")),
            (inner.clone(), inner.clone(), inner.clone()).prop_map(|(a, b, c)| format!("(reduce + [{a} {b} {c}] 0.0)")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("(let ((z {a})) (- z (* z {b})))")),
        ]
    })
}

fn float_program() -> impl Strategy<Value = String> {
    (float_constant(), float_constant(), prop::collection::vec(float_expr(), 1..6)).prop_map(|(f, g, exprs)| {
        let tried: Vec<String> = exprs.iter().map(|e| format!("  (try {e} (catch err (str \"error: \" err)))")).collect();
        format!("(define f {f})\n(define g {g})\n[\n{}\n]\n", tried.join("\n"))
    })
}

fn interpreted(source: &str) -> String {
    let mut session = Session::new(Box::new(RecordingHost::default()), Limits::default());
    match session.eval("random.ovsm", source) {
        Outcome::Value(v) => session.printed(&v),
        other => panic!("the interpreter did not run {source}: {other:?}"),
    }
}

fn compiled(source: &str) -> String {
    let mut session = Session::new(Box::new(RecordingHost::default()), Limits::default());
    session.compile_only("random.ovsm", source).unwrap_or_else(|d| panic!("{d:?}"));
    let out = match compile(session.program(), &session.sources, &Options { opt: OptLevel::O2, max_depth: 50_000, keep_ir: false }) {
        Ok(out) => out,
        Err(CompileError::Unsupported(d)) => panic!("unsupported: {d:?}"),
        Err(CompileError::Internal(e)) => panic!("{e}"),
    };
    match run_script(&out.so).unwrap().outcome {
        ScriptOutcome::Value(v) => v,
        other => panic!("{other:?}"),
    }
}

proptest! {
    // Each case is a compilation and a LiteSVM deployment: a handful per run, new ones each run
    // (PROPTEST_CASES=2000 for a longer search).
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(16),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn compiled_programs_agree_with_the_interpreter(source in program()) {
        prop_assert_eq!(compiled(&source), interpreted(&source), "program:\n{}", source);
    }

    #[test]
    fn compiled_float_programs_agree_with_the_interpreter(source in float_program()) {
        prop_assert_eq!(compiled(&source), interpreted(&source), "program:\n{}", source);
    }

    #[test]
    fn compiled_text_and_parsing_agree_with_the_interpreter(source in text_program()) {
        prop_assert_eq!(compiled(&source), interpreted(&source), "program:\n{}", source);
    }
}
