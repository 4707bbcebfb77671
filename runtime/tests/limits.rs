//! The interpreter's limits hold on an ordinary thread's stack: deep nesting, deep recursion and
//! runaway allocation end in errors, not crashes.

#![allow(clippy::unwrap_used, clippy::panic)]

use ovsm_runtime::{Limits, Outcome, RecordingHost, Session};

fn eval_on_small_stack(src: String, limits: Limits) -> String {
    let worker = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let mut session = Session::new(Box::new(RecordingHost::default()), limits);
            match session.eval("<test>", &src) {
                Outcome::Value(v) => session.printed(&v),
                Outcome::Rejected(d) => format!("rejected: {}", d.first().map_or("", |d| d.message.as_str())),
                Outcome::Failed(e) => format!("failed: {}", e.message()),
            }
        })
        .unwrap();
    worker.join().unwrap()
}

#[test]
fn deepest_legal_nesting_evaluates() {
    let n = 900;
    let src = format!("{}1{}", "(+ 1 ".repeat(n), ")".repeat(n));
    assert_eq!(eval_on_small_stack(src, Limits::default()), "901");
}

#[test]
fn too_deep_nesting_is_rejected() {
    let src = "(".repeat(100_000);
    assert!(eval_on_small_stack(src, Limits::default()).contains("nested"));
}

#[test]
fn deep_recursion_is_an_error() {
    let src = "(defun f (n) (+ 1 (f n))) (f 1)".to_string();
    let out = eval_on_small_stack(src, Limits { max_depth: 20_000, ..Limits::default() });
    assert!(out.contains("recursion"), "{out}");
}

#[test]
fn ten_thousand_deep_recursion_works() {
    let src = "(defun down (n) (if (= n 0) 0 (+ 1 (down (- n 1))))) (down 10000)".to_string();
    assert_eq!(eval_on_small_stack(src, Limits::default()), "10000");
}
