//! Arithmetic written twice in a row, computed once: `(* (- x m) (- x m))` (the variance's
//! square) subtracts once and multiplies the difference by itself. IR to IR, in the copy of the
//! program the back end alone sees, after `inline.rs` (which is what puts a `reduce`'s lambda
//! in its caller's code, where its captures become the caller's locals).
//!
//! ```text
//! Local x  Local m  Sub  Local x  Local m  Sub  Mul     becomes     Local x  Local m  Sub  Dup  Mul
//! ```
//!
//! What makes this exact:
//!
//! - The operands are plain reads (a local, a boxed local, a capture, a global, a literal), which
//!   change nothing, and the operation is one of the fast-path instructions: arithmetic on
//!   numbers, ordering of numbers or strings, equality of any values, which give a number or a
//!   boolean (or fail) without running any code of the program or changing anything. So the
//!   second copy would read the same values and compute the same result; the result is a number
//!   or a boolean, which no one can change in place through either copy.
//! - An error (a type error, an overflow, an undefined global) is raised by the first copy, the
//!   one that raises it in the interpreter, with that copy's span; the second never ran there.
//! - No jump enters the pair past its first instruction: a path that did would reach the second
//!   copy without the first.
//!
//! Only the interpreter's compute units differ from the `.so`'s here, which they may.

use crate::inline::{plain_read, with_rewritten_functions};
use crate::jumps::{jump_target, retarget};
use ovsm_ir::{Function, Instr, Program};
use std::borrow::Cow;
use std::collections::BTreeSet;

/// `program` with every repeated pair computed once (itself when there is none). Function ids,
/// slots, globals and constants do not change.
pub fn share_repeated_arithmetic(program: &Program) -> Cow<'_, Program> {
    with_rewritten_functions(program, |_, f| rewrite(f))
}

/// `f` with its repeated pairs shared, or None when it has none (or its spans do not match its
/// code, which the lowering would report).
fn rewrite(f: &Function) -> Option<Function> {
    if f.spans.len() != f.code.len() {
        return None;
    }
    let targets: BTreeSet<usize> = f.code.iter().filter_map(jump_target).map(|t| t as usize).collect();
    // For each instruction, whether it stays; a second copy's first instruction becomes `Dup`.
    let mut keep = vec![true; f.code.len()];
    let mut code = f.code.clone();
    let mut i = 0;
    let mut changed = false;
    while i < f.code.len() {
        let len = f.code.get(i..).map_or(0, expression_len);
        let first = f.code.get(i..i + len);
        let second = f.code.get(i + len..i + 2 * len);
        if len > 0 && first == second && targets.range(i + 1..i + 2 * len).next().is_none() {
            if let Some(dup) = code.get_mut(i + len) {
                *dup = Instr::Dup;
            }
            for k in keep.iter_mut().skip(i + len + 1).take(len - 1) {
                *k = false;
            }
            changed = true;
            i += 2 * len;
        } else {
            i += 1;
        }
    }
    changed.then(|| compacted(f, code, &keep))
}

/// How many instructions from the start of `code` make one pure arithmetic expression on
/// plain reads (`R R op` or `R op-with-literal`), or 0.
fn expression_len(code: &[Instr]) -> usize {
    match code {
        [a, b, op, ..] if plain_read(a) && plain_read(b) && binary(op) => 3,
        [a, Instr::AddImm(_) | Instr::SubImm(_), ..] if plain_read(a) => 2,
        _ => 0,
    }
}

/// Two operands in, a number or a boolean out, no code of the program run, nothing changed.
fn binary(instr: &Instr) -> bool {
    matches!(instr, Instr::Add | Instr::Sub | Instr::Mul | Instr::Lt | Instr::Le | Instr::Gt | Instr::Ge | Instr::NumEq)
}

/// `f` with `code` where `keep` says, its jumps moved to where their targets went.
fn compacted(f: &Function, code: Vec<Instr>, keep: &[bool]) -> Function {
    // new_index[k]: where instruction k lands (or the next kept one, for a dropped k).
    let mut new_index = Vec::with_capacity(keep.len() + 1);
    let mut next = 0u32;
    for &kept in keep {
        new_index.push(next);
        next += u32::from(kept);
    }
    new_index.push(next);
    let moved = |t: u32| new_index.get(t as usize).copied().unwrap_or(next);
    let mut out = Function { code: Vec::with_capacity(next as usize), spans: Vec::with_capacity(next as usize), ..f.clone() };
    for ((instr, span), &kept) in code.into_iter().zip(f.spans.iter()).zip(keep) {
        if kept {
            // Every target is in range: `moved` maps any index up to the end.
            out.code.push(retarget(instr, |t| Some(moved(t))).unwrap_or(instr));
            out.spans.push(*span);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ovsm_runtime::{Limits, RecordingHost, Session};

    fn function(source: &str, name: &str) -> Function {
        let mut session = Session::new(Box::new(RecordingHost::default()), Limits::default());
        session.compile_only("test.ovsm", source).unwrap_or_else(|d| panic!("{d:?}"));
        let program = share_repeated_arithmetic(session.program()).into_owned();
        program.functions.into_iter().rev().find(|f| f.name == name).unwrap_or_else(|| panic!("no {name}"))
    }

    #[test]
    fn a_square_of_a_difference_subtracts_once() {
        let f = function("(defun sq (x m) (* (- x m) (- x m)))", "sq");
        assert_eq!(f.code, [Instr::Local(0), Instr::Local(1), Instr::Sub, Instr::Dup, Instr::Mul, Instr::Return]);
        assert_eq!(f.spans.len(), f.code.len());
    }

    #[test]
    fn jumps_past_a_shared_pair_are_moved() {
        let f = function("(defun g (x m) (if (< x 0) (+ (- x m) (- x m)) (* x 2)))", "g");
        let printed = format!("{:?}", f.code);
        assert!(printed.contains("Sub, Dup, Add"), "{printed}");
        for instr in &f.code {
            if let Some(t) = jump_target(instr) {
                assert!((t as usize) <= f.code.len(), "{instr:?} past the end of {printed}");
            }
        }
        // The jump over the shared `then` branch lands on the `else` branch's first read.
        let else_at = f.code.iter().position(|i| *i == Instr::Int(2)).map(|k| k - 1);
        assert!(f.code.iter().any(|i| jump_target(i).map(|t| t as usize) == else_at), "{printed}");
        // And the jump past it, on the function's end.
        assert!(f.code.iter().any(|i| *i == Instr::Jump(f.code.len() as u32 - 1)), "{printed}");
    }

    #[test]
    fn a_pair_a_jump_enters_between_is_left_alone() {
        // The `if`'s join point is the start of the second `(- x m)`: the path through `0`
        // reaches it without the first copy.
        let f = function("(defun f (c x m) [(if c 0 (- x m)) (- x m)])", "f");
        assert!(!f.code.contains(&Instr::Dup), "{:?}", f.code);
    }

    #[test]
    fn different_or_effectful_expressions_are_left_alone() {
        for source in [
            "(defun h (x m) (* (- x m) (- m x)))",
            "(defun h (x m) (* (- x m) (begin (set! x 1) (- x m))))",
            "(defun h (x m) (* (f x m) (f x m)))",
        ] {
            let f = function(source, "h");
            assert!(!f.code.contains(&Instr::Dup), "{source}: {:?}", f.code);
        }
    }
}
