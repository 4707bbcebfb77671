//! IR snapshots of representative programs: each snapshot shows the source, then the IR.

//! Review changes with `cargo insta review`.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use ovsm_ir::{print_program, Lowering};
use ovsm_lexer::SourceId;

fn lower_to_text(src: &str) -> String {
    let (program, diagnostics) = ovsm_parser::parse(src, SourceId(0));
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let mut lowering = Lowering::new();
    let skip = lowering.program.functions.len();
    let diagnostics = lowering.lower_unit(&program.expect("parsed").forms);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    format!("----- SOURCE\n{src}\n----- IR\n{}", print_program(&lowering.program, skip))
}

#[test]
fn recursion_and_tail_calls() {
    insta::assert_snapshot!(lower_to_text(
        "(defun fib (n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))\n(defun loop (i acc) (if (= i 0) acc (loop (- i 1) (+ acc i))))"
    ));
}

#[test]
fn closures_capture_boxed_variables() {
    insta::assert_snapshot!(lower_to_text("(defun make-counter () (let ((n 0)) (lambda () (set! n (+ n 1)) n)))"));
}

#[test]
fn loops_and_in_place_append() {
    insta::assert_snapshot!(lower_to_text("(define xs [])\n(for (i (range 0 3)) (set! xs (append xs [i])))\n(while false 1)"));
}

#[test]
fn control_forms() {
    insta::assert_snapshot!(lower_to_text(
        "(defun f (x &optional (y 2) &rest r)\n  (cond ((> x 1) :big) (else (case y (1 \"one\") ((2 3) \"few\") (else nil)))))\n(try (error \"boom\") (catch e (and e (or nil e))))"
    ));
}

#[test]
fn autonomous_program() {
    insta::assert_snapshot!(lower_to_text(
        "(define-autonomous-program heartbeat\n  (on-startup (log :message \"up\"))\n  (on-event \"PING\" (lambda (data) (get data :n))))"
    ));
}
