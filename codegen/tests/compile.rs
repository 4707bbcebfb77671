//! The compiler end to end, in process: source through the front end, codegen, our linker,
//! then a real deployment in LiteSVM.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ovsm_codegen::{compile, CompileError, OptLevel, Options, Output};
use ovsm_runtime::compiled::{run_script, ScriptOutcome};
use ovsm_runtime::{Limits, RecordingHost, Session};

const PROGRAMS: [(&str, &str, &str); 4] = [
    ("fib", "(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))\n(fib 12)", "144"),
    (
        "counter",
        "(define (make-counter) (define n 0) (lambda () (set! n (+ n 1)) n))\n(define c (make-counter))\n(c) (c)\n(println \"count\" (c))\n(c)",
        "4",
    ),
    ("loops", "(define out [])\n(for (x (range 0 5)) (set! out (append out [(* x x)])))\n(str out \" \" (reduce + out 0))", "\"[0 1 4 9 16] 30\""),
    ("strings", "(log :message \"hi\" :n 3 :who \"me\")\n[(length \"héllo\") :k nil true (type-of +)]", "[5 :k nil true \"function\"]"),
];

fn build(source: &str, opt: OptLevel) -> Output {
    let mut session = Session::new(Box::new(RecordingHost::default()), Limits::default());
    session.compile_only("test.ovsm", source).unwrap_or_else(|d| panic!("{d:?}"));
    match compile(session.program(), &session.sources, &Options { opt, max_depth: 50_000, keep_ir: true }) {
        Ok(out) => out,
        Err(CompileError::Unsupported(d)) => panic!("unsupported: {d:?}"),
        Err(CompileError::Internal(e)) => panic!("{e}"),
    }
}

/// Every optimisation level compiles, links, deploys and gives the same value; LLVM never
/// takes the process down (if it did, this test binary would die, not fail).
#[test]
fn every_level_builds_deploys_and_agrees() {
    for (name, source, value) in PROGRAMS {
        for opt in [OptLevel::O0, OptLevel::O1, OptLevel::O2, OptLevel::O3, OptLevel::Os, OptLevel::Oz] {
            let out = build(source, opt);
            let run = run_script(&out.so).unwrap();
            assert_eq!(run.outcome, ScriptOutcome::Value(value.to_string()), "{name} at {opt:?}: {}", run.stdout);
        }
    }
}

/// What a compiled program imports is exactly the agave syscalls the support library calls:
/// it deploys on a LiteSVM with no custom syscall registered, i.e. it is a plain Solana program.
#[test]
fn imports_are_standard_syscalls_only() {
    for (name, source, _) in PROGRAMS {
        let out = build(source, OptLevel::O2);
        for import in &out.imports {
            // (`sol_panic_`: a program that cannot hold a float stops with it if one ever appears)
            assert!(["sol_log_", "sol_memcpy_", "sol_panic_"].contains(&import.as_str()), "{name} imports {import}");
        }
    }
}

#[test]
fn output_and_errors_come_back_with_their_site() {
    let out = build("(println \"before\")\n(+ 1 (* 9223372036854775807 2))", OptLevel::O2);
    let run = run_script(&out.so).unwrap();
    assert_eq!(run.stdout, "before\n");
    let ScriptOutcome::Error { site, code, message } = run.outcome else { panic!("{:?}", run.outcome) };
    assert_eq!((code.as_str(), message.as_str()), ("E0204", "integer overflow in `*`"));
    let span = out.site_map.span(site);
    assert_eq!(&out.site_map.sources.last().unwrap().1[span.start as usize..span.end as usize], "(* 9223372036854775807 2)");
}

/// LLVM 14's BPF back end, folding a load from a constant struct, drops the stores before it
/// (codegen/src/support.rs, `object_bytes`): here the push of "ab", at `-O1`. So every constant
/// the compiler emits is a flat array, and this program must give 7 at every level.
#[test]
fn constants_are_flat_arrays_and_loads_from_them_keep_earlier_stores() {
    for opt in [OptLevel::O0, OptLevel::O1, OptLevel::O2, OptLevel::O3, OptLevel::Os, OptLevel::Oz] {
        let out = build("(+ (length \"ab\") 5)", opt);
        let run = run_script(&out.so).unwrap();
        assert_eq!(run.outcome, ScriptOutcome::Value("7".to_string()), "at {opt:?}: {}", run.stdout);
    }
    for (name, source, _) in PROGRAMS {
        let out = build(source, OptLevel::O2);
        for global in out.llvm_ir.lines().filter(|l| l.starts_with('@') && l.contains(" constant ")) {
            assert!(!global.contains(" constant {") && !global.contains(" x {"), "{name}: {global}");
        }
    }
}

/// Deferred values (codegen/src/lower/deferred.rs) are stored to the stack at most four at a
/// time, each store checking the stack's room once for all it stores: the eight `n`s below
/// are two such stores (`ovsm_reserve(i64 4, ...)`). Recursion built of them still stops at
/// the heap's end with the out-of-memory error, and a depth that fits gives the right result.
/// (What a missing check would break, the heap's objects overwritten, is not visible here: the
/// next frame's own check stops the run first. The IR is what this test can pin down.)
#[test]
fn deferred_values_stop_at_the_heap_end() {
    let source = "(define (f n) (+ n n n n n n n n (f (+ n 1))))\n(f 0)";
    let out = build(source, OptLevel::O2);
    assert!(out.program_ir.contains("call i64 @ovsm_reserve(i64 4, "), "{}", out.program_ir);
    let run = run_script(&out.so).unwrap();
    let ScriptOutcome::Error { code, message, .. } = run.outcome else { panic!("{:?}", run.outcome) };
    assert_eq!(code, "E0209", "{message}");
    assert!(message.starts_with("out of memory: the program heap"), "{message}");
    let fits = "(define (f n) (if (= n 500) 0 (+ n n n n n n n n (f (+ n 1)))))\n(f 0)";
    let run = run_script(&build(fits, OptLevel::O2).so).unwrap();
    assert_eq!(run.outcome, ScriptOutcome::Value("998000".to_string()), "{}", run.stdout);
}

/// Text is built in a 4 KiB scratch buffer. A string that outgrows it ends the program with
/// E0209, however many pieces are appended after the one that overflowed: until stop 29 the
/// next append wrapped the overflow mark (-1) round to a short length, and this printed 690.
/// Strings that fit, up to the last byte, are whole.
#[test]
fn a_string_longer_than_the_format_buffer_is_an_error() {
    for source in ["(length (str (range 0 2000)))", "(length (str \"x\" (range 0 2000) \"y\"))"] {
        let run = run_script(&build(source, OptLevel::O2).so).unwrap();
        let ScriptOutcome::Error { code, message, .. } = run.outcome else { panic!("{source}: {:?}", run.outcome) };
        assert_eq!(code, "E0209", "{message}");
        assert!(message.contains("longer than the compiled program's 4096-byte format buffer"), "{message}");
    }
    // "[0 1 ... 999]" is 3,891 bytes: with 205 more the string fills the buffer exactly, with
    // 206 it does not fit.
    let exactly = |extra: usize| format!("(length (str (range 0 1000) \"{}\"))", "x".repeat(extra));
    let run = run_script(&build(&exactly(205), OptLevel::O2).so).unwrap();
    assert_eq!(run.outcome, ScriptOutcome::Value("4096".to_string()), "{}", run.stdout);
    let run = run_script(&build(&exactly(206), OptLevel::O2).so).unwrap();
    assert!(matches!(&run.outcome, ScriptOutcome::Error { code, .. } if code == "E0209"), "{:?}", run.outcome);
}

/// The site map survives its text form.
#[test]
fn site_map_round_trips() {
    let out = build(PROGRAMS[0].1, OptLevel::O2);
    let text = out.site_map.to_text();
    assert_eq!(ovsm_ir::SiteMap::parse(&text).unwrap(), out.site_map);
    assert!(ovsm_ir::SiteMap::parse("not a map").is_err());
}

#[test]
fn generated_program_ir_snapshots() {
    for (name, source, _) in PROGRAMS {
        insta::assert_snapshot!(format!("program_ir_{name}"), build(source, OptLevel::O0).program_ir);
    }
}

/// Every builtin the back end lets a program take as a value compiles as one, prints as the
/// interpreter prints it, and can be called through a variable.
#[test]
fn builtins_taken_as_values() {
    let names = "+ - * / % < <= > >= = != not abs length nth str print println log type-of first last int? float? number? string? \
                 keyword? bool? array? map? nil? fn? get assoc dissoc keys values has-key? rest append cons list reverse range contains? \
                 substring join slice min max empty? split format";
    let source = format!(
        "(define all [{names}])\n(define (call f a b) (f a b))\n[(length all) (call + 1 2) (call max 3 9) (call get {{:a 1}} :a) all]"
    );
    let mut session = Session::new(Box::new(RecordingHost::default()), Limits::default());
    let ovsm_runtime::Outcome::Value(expected) = session.eval("values.ovsm", &source) else { panic!("the interpreter failed") };
    let expected = session.printed(&expected);
    let run = run_script(&build(&source, OptLevel::O2).so).unwrap();
    assert_eq!(run.outcome, ScriptOutcome::Value(expected));
}

/// The same source gives the same bytes: the `.so`, its object and its site map.
#[test]
fn builds_are_byte_identical() {
    let (a, b) = (build(PROGRAMS[2].1, OptLevel::O2), build(PROGRAMS[2].1, OptLevel::O2));
    assert!(a.so == b.so && a.object == b.object && a.site_map == b.site_map);
}

const HEARTBEAT: &str = "(define beats 0)
(define-autonomous-program heartbeat
  (on-startup
    (sol-subscribe-event :event-type \"SLOT_INTERVAL\" :interval 100 :compute-budget 50000
      :callback (lambda () (set! beats (+ beats 1)) (log :message \"beat\" :n beats))))
  (on-event \"PING\" (lambda (data) (sol-emit-event :event-id \"PONG\" :data data))))";

/// An autonomous program imports agave's syscalls and exactly the stdlib table's own, nothing
/// else; its program ABI is in the snapshot.
#[test]
fn autonomous_programs_import_the_syscall_table() {
    let out = build(HEARTBEAT, OptLevel::O2);
    let table: Vec<&str> = ovsm_stdlib::syscalls::SYSCALLS.iter().map(|s| s.symbol).collect();
    let agave = ["sol_log_", "sol_memcpy_", "sol_memset_", "sol_set_return_data", "sol_panic_"];
    for import in &out.imports {
        assert!(agave.contains(&import.as_str()) || table.contains(&import.as_str()), "imports {import}");
    }
    for wanted in ["sol_subscribe_event", "sol_emit_event", "sol_set_return_data"] {
        assert!(out.imports.iter().any(|i| i == wanted), "does not import {wanted}: {:?}", out.imports);
    }
    insta::assert_snapshot!("program_ir_heartbeat", build(HEARTBEAT, OptLevel::O0).program_ir);
}

/// A program whose own code writes no global and assigns no captured variable can never change
/// its state, so its invocations neither load nor save it (`reach::writes_state`); one `set!`
/// in a callback brings both back.
#[test]
fn only_programs_that_can_change_their_state_load_and_save_it() {
    let stateless = "(define beats 0)\n(define-autonomous-program p\n  (on-startup (sol-subscribe-event :event-type \"SLOT_INTERVAL\" :interval 10\n    :callback (lambda () (log :message \"beat\" :n beats)) :compute-budget 5000)))";
    let stateful = stateless.replace("(log :message", "(set! beats (+ beats 1)) (log :message");
    let boxed = "(define-autonomous-program p\n  (on-startup (let ((n 0)) (sol-subscribe-event :event-type \"SLOT_INTERVAL\" :interval 10\n    :callback (lambda () (set! n (+ n 1))) :compute-budget 5000))))";
    for (source, keeps) in [(stateless, false), (stateful.as_str(), true), (boxed, true)] {
        let ir = build(source, OptLevel::O0).program_ir;
        for f in ["ovsm_load_state", "ovsm_save_state"] {
            assert_eq!(ir.contains(&format!("@{f}(")), keeps, "{f} in the program of:\n{source}");
        }
    }
}

/// Installs (support/auto.ll, mode 4) and closures handed back exist only where re-running the
/// top level or a handler's expression could give other values than the interpreter's one run:
/// a top level that reads the chain (whose later invocations then make only its definitions of
/// functions, instead of re-running it), a handler made by more than a lambda, a callback that
/// assigns a captured variable. Programs without any of them carry none of that code.
#[test]
fn installs_and_hand_backs_only_where_a_re_run_could_differ() {
    let wrap = |top: &str, body: &str| format!("{top}\n(define-autonomous-program p\n  {body})");
    let plain = wrap("(define beats 0)", "(on-event \"x\" (lambda (e) (log :e e beats)))");
    let reads = wrap("(define started (get-current-slot))", "(on-event \"x\" (lambda (e) (log :e e started)))");
    let only_defines = wrap("(defun now-slot () (get-current-slot))", "(on-event \"x\" (lambda (e) (log :e (now-slot))))");
    let made = wrap("", "(on-event \"x\" (let ((n 0)) (lambda (e) (set! n (+ n 1)) n)))");
    let counts = wrap("", "(on-startup (let ((n 0)) (sol-subscribe-event :event-type \"SLOT_INTERVAL\" :interval 10\n    :callback (lambda () (set! n (+ n 1))) :compute-budget 5000)))");
    for (source, keeps, installs, hands_back) in [
        (&plain, false, false, false),
        (&reads, true, true, false),
        (&only_defines, false, false, false),
        (&made, false, true, true),
        (&counts, false, false, true),
    ] {
        let ir = build(source, OptLevel::O0).program_ir;
        assert_eq!(ir.contains("@ovsm_keep_top_level("), keeps, "keeping the top level in:\n{source}");
        assert_eq!(ir.contains("\ndefinitions:"), keeps, "invocations making only definitions in:\n{source}");
        assert_eq!(ir.contains("invocation.install:"), installs, "an install in:\n{source}");
        assert_eq!(ir.contains("@ovsm_hand_back("), hands_back, "a hand-back in:\n{source}");
    }
}

/// A push grows its array in place only where no other code can see the array: the local is
/// read only to be returned, and no closure captures it (codegen/src/owned.rs).
#[test]
fn arrays_grow_in_place_only_where_no_one_else_sees_them() {
    let grows = |body: &str| {
        let source = format!("(defun build (n) (let ((out [])) {body}))\n(build 3)");
        build(&source, OptLevel::O0).program_ir.contains("@op_update_push_owned(")
    };
    assert!(grows("(for (i (range 0 n)) (set! out (append out [i]))) out"));
    assert!(grows("(for (i (range 0 n)) (when (> i 0) (set! out (append out [i])))) out"));
    assert!(!grows("(for (i (range 0 n)) (set! out (append out [(length out)]))) out"), "read inside the loop");
    assert!(!grows("(for (i (range 0 n)) (set! out (append out [i]))) (lambda () out)"), "captured");
    assert!(!grows("(for (i (range 0 n)) (log (set! out (append out [i])))) out"), "the push's value is used");
}

/// The prelude's top level defines `map`, `filter` and the rest; in a program that uses none of
/// them it does nothing, and is not entered at all. The program's own top level still is.
#[test]
fn an_entry_that_does_nothing_is_not_entered() {
    let entered = |source: &str| build(source, OptLevel::O0).program_ir.matches("@op_enter_entry(").count();
    assert_eq!(entered("nil"), 1);
    assert_eq!(entered("(reduce + [1 2] 0)"), 2);
}

/// A program that cannot hold a float is linked without the soft-float library, its entry
/// points replaced by `sf_absent`, which stops the program (codegen/src/floats.rs says where a
/// float can come from); one that can, with it.
#[test]
fn only_programs_that_can_hold_a_float_carry_the_soft_float_library() {
    let address = "(define X \"11111111111111111111111111111111\")\n";
    let ticker = |callback: &str| {
        format!(
            "(define-autonomous-program p (on-startup (sol-subscribe-event :event-type \"SLOT_INTERVAL\" :interval 10 :compute-budget 5000 :callback (lambda () {callback}))))"
        )
    };
    let cases = [
        ("(+ 1 2)".to_string(), false),
        ("(+ 1 2.5)".to_string(), true),
        ("(sqrt 4)".to_string(), true),
        ("(pow 2 3)".to_string(), true),
        ("(int \"7\")".to_string(), false),
        ("(float \"7\")".to_string(), true),
        ("(first [[1 2.5]])".to_string(), true),
        ("(reduce + [1 2] 0)".to_string(), false),
        (format!("{address}(read-field X 0 \"u64\")"), false),
        (format!("{address}(read-field X 0)"), false),
        (format!("{address}(read-field X 0 \"f64\")"), true),
        (format!("{address}(let ((t \"u8\")) (read-field X 0 t))"), true),
        (ticker("(log :message \"beat\" :n (get-current-epoch))"), false),
        (ticker("(log :message (str \"beat \" 1))"), true),
        (ticker("(sol-subscribe-event :event-type \"PROGRAM_EVENT\" :event-id \"E\" :compute-budget 5000 :callback (lambda (e) e))"), true),
        (HEARTBEAT.to_string(), true),
    ];
    for (source, floats) in cases {
        let out = build(&source, OptLevel::O2);
        assert_eq!(!out.llvm_ir.contains("@sf_absent"), floats, "{source}");
    }
}

/// An `on-event` handler's arguments (the event's data) are decoded from the instruction data
/// straight onto the value stack (support/auto.ll, ovsm_push_wire_args): anything but an array
/// written item by item that fills its length exactly ends the transaction with an error.
#[test]
fn malformed_arguments_are_refused() {
    let out = build("(define-autonomous-program p (on-event \"E\" (lambda (e) (log :message \"got\" :e e))))", OptLevel::O2);
    let mut deployment = ovsm_runtime::compiled::Deployment::new(&out.so).unwrap();
    // mode 2 (an `on-event` handler), program 0 and handler 0, slot, epoch; three nil values;
    // the arguments' length and bytes; no directory
    let invocation = |arguments: &[u8]| {
        let mut data = vec![2u8];
        data.extend([0u8; 24]);
        data.extend([0, 0, 0]);
        data.extend((arguments.len() as u64).to_le_bytes());
        data.extend(arguments);
        data
    };
    let int = |k: u64| [&[2u8][..], &k.to_le_bytes()].concat();
    let good = [&[6u8, 1, 0, 0, 0][..], &int(42)].concat();
    let run = deployment.invoke(&invocation(&good)).unwrap();
    assert!(run.failure.is_none(), "one int: {:?} {:?}", run.failure, run.logs);
    assert!(run.logs.iter().any(|l| l.contains("got") && l.contains("42")), "{:?}", run.logs);
    let malformed = [
        ("not an array", int(42)),
        ("a packed array", [&[14u8, 1, 0, 0, 0, 2][..], &42u64.to_le_bytes()].concat()),
        ("a count the bytes cannot hold", vec![6, 255, 255, 0, 0, 0]),
        ("an item that overruns the arguments", vec![6, 1, 0, 0, 0, 2, 1, 2, 3]),
        ("bytes after the last argument", [&good[..], &[0u8][..]].concat()),
        ("a count cut short", vec![6, 1, 0]),
    ];
    for (what, arguments) in malformed {
        let run = deployment.invoke(&invocation(&arguments)).unwrap();
        assert!(run.logs.iter().any(|l| l.contains("malformed instruction data")), "{what}: {:?} {:?}", run.failure, run.logs);
    }
}

/// The account directory that ends an invocation's instruction data (support/auto.ll,
/// ovsm_read_directory), and the length that frames its arguments (ovsm_read_input), are
/// checked before anything uses them: a directory that does not lie within the data, entries
/// that overrun their places, or arguments longer than the data end the transaction with an
/// error instead of reading past it. Instruction data can come from any caller, not only from
/// our runtime.
#[test]
fn malformed_instruction_data_is_refused() {
    // (an autonomous program: a plain script never reads its instruction data)
    let out = build("(define-autonomous-program p (on-startup (log :message \"up\")))\n(+ 40 2)", OptLevel::O2);
    let mut deployment = ovsm_runtime::compiled::Deployment::new(&out.so).unwrap();
    // mode 0 (the top level), program and clause, slot, epoch; three nil values; no arguments
    // (a u64 length of 0); zeros to 8
    let header = || {
        let mut data = vec![0u8; 25];
        data.extend([0, 0, 0]);
        data.extend(0u64.to_le_bytes());
        data.resize(40, 0);
        data
    };
    let directory = |words: &[u64]| {
        let mut data = header();
        for w in words {
            data.extend_from_slice(&w.to_le_bytes());
        }
        data
    };
    let entry = |owner: u64, address: &str| {
        [owner, address.len() as u64, u64::from_le_bytes(format!("{address:\0<8}").as_bytes()[..8].try_into().unwrap())]
    };
    let good = [&[0, 1, 24, 1][..], &entry(0, "abc"), &[999 << 32]].concat();
    let run = deployment.invoke(&directory(&good)).unwrap();
    assert!(run.logs.iter().any(|l| l == "Program log: v42"), "a directory whose binding names no global: {:?}", run.logs);
    let malformed = [
        ("shorter than its header", directory(&[0, 0, 16])),
        ("a stride that is not a multiple of 8", directory(&[0, 1, 20, 0, 0, 0, 0])),
        ("a stride without room for an entry's two words", directory(&[0, 1, 8, 0, 0])),
        ("more entries than the data holds", directory(&[0, 2, 24, 0, 0, 3, 0])),
        ("bindings past the data's end", directory(&[0, 0, 16, 1])),
        ("an address longer than its place", directory(&[0, 1, 24, 0, 0, 9, 0])),
        ("more accounts passed than the transaction has", directory(&[1, 1, 24, 0, 0, 3, 0])),
        ("sizes that would wrap", directory(&[0, 1 << 62, 1 << 3, 0])),
        ("more passed than entries", directory(&[2, 1, 24, 0, 0, 3, 0])),
        ("arguments longer than the data", {
            let mut data = header();
            data.splice(28..36, 1000u64.to_le_bytes());
            data
        }),
        ("an argument length that would wrap", {
            let mut data = header();
            data.splice(28..36, u64::MAX.to_le_bytes());
            data
        }),
    ];
    for (what, data) in malformed {
        let run = deployment.invoke(&data).unwrap();
        assert!(run.logs.iter().any(|l| l.contains("malformed instruction data")), "{what}: {:?} {:?}", run.failure, run.logs);
    }
}
