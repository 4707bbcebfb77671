//! `(reduce (lambda (acc x) BODY) xs init)` inlined, IR to IR, before lowering.
//!
//! The prelude's `reduce` is OVSM code that calls its function once an item: a frame record,
//! the closure's dispatch, the arguments stored in the callee's frame and the return through
//! the switches, about 100 instructions an item beyond BODY (pairs trading's variance: 30 items
//! a tick). Where a function calls the global `reduce` with a lambda written in place, and that
//! lambda makes no call of its own, this pass rewrites the call, in the copy of the program the
//! back end alone sees, into the prelude's loop with the lambda's code as its body:
//!
//! ```text
//!         JumpIfDeep 2 GENERAL      ; where `reduce` or the lambda could not be entered
//!         XS  INIT  SetLocal ACC    ; the arguments, evaluated as the call evaluates them
//!         IterStart  SetLocal IT  Int 0  SetLocal IX        ; the prelude's `for`
//! LOOP:   IterNext IT IX END  SetLocal X
//!         BODY                      ; the lambda's code on its own slots; a Return jumps on
//! RET:    SetLocal ACC  Jump LOOP
//! END:    Local ACC  Jump AFTER       ; (a tail call: Return)
//! GENERAL: Closure L  XS  INIT  CallGlobal reduce 3          ; the original call
//! AFTER:
//! ```
//!
//! ACC is the lambda's first parameter and X its second. What makes this exact:
//!
//! - The global `reduce` holds the prelude's function whenever user code runs: only the
//!   prelude's top level, which runs first, writes it (`reduce_global` checks every function);
//!   a program that redefines or assigns it is left alone.
//! - XS and INIT are plain reads (a local, a capture, a global, a constant), so evaluating them
//!   in the inlined code, in the same order, is what the call does; the lambda's captures are
//!   read from where the closure would have copied them, which nothing can change meanwhile.
//! - Errors: the body keeps the lambda's spans; `IterStart` and `IterNext` carry the call's,
//!   where the interpreter reports an error raised inside the prelude's code. The lambda makes
//!   no call, so the only frames at stake are `reduce`'s and the lambda's own: `JumpIfDeep`
//!   sends a call that could meet the recursion limit to the original code, which fails where
//!   the interpreter fails. A tail call (`TailCallGlobal`) replaces the caller's frame, so only
//!   the lambda's counts there, and the inlined code returns where the loop ends.
//! - The lambda creates no closure and has no `try` (its slots could be captured, or a handler
//!   would record a frame that is not there); it is then left alone.

use ovsm_ir::{Capture, Function, GlobalId, Instr, Program, UpdateOp};
use ovsm_lexer::Span;
use std::borrow::Cow;

/// `program` with each call of the prelude's `reduce` on a lambda that qualifies inlined, or
/// `program` itself when there is none. Function ids, globals and constants do not change.
pub fn inline_reduce(program: &Program) -> Cow<'_, Program> {
    let Some(reduce) = Reduce::find(program) else { return Cow::Borrowed(program) };
    let mut out: Option<Program> = None;
    for (id, f) in program.functions.iter().enumerate() {
        if let Some(rewritten) = reduce.rewrite(program, f) {
            if let Some(slot) = out.get_or_insert_with(|| program.clone()).functions.get_mut(id) {
                *slot = rewritten;
            }
        }
    }
    out.map_or(Cow::Borrowed(program), Cow::Owned)
}

/// The global `reduce` and the prelude's function in it, as (global, function): the prelude's
/// top level (the program's first entry; ovsm_ir lowers the prelude before any source, and no
/// source can add to it) makes the closure and defines the global.
pub fn prelude_reduce(program: &Program) -> Option<(u32, u32)> {
    let prelude = program.function(*program.entries.first()?)?;
    prelude.code.windows(3).find_map(|w| {
        let (Instr::Closure(f), Instr::Dup, Instr::DefineGlobal(g)) = (w.first()?, w.get(1)?, w.get(2)?) else { return None };
        let (f, g) = (*f, *g);
        let named = program.global_name(g) == "reduce" && program.function(f).is_some_and(|f| f.name == "reduce");
        named.then_some((g.0, f.0))
    })
}

/// The global `reduce`, when only the prelude's top level writes it.
struct Reduce {
    global: GlobalId,
}

impl Reduce {
    fn find(program: &Program) -> Option<Reduce> {
        let (global, _) = prelude_reduce(program)?;
        let global = GlobalId(global);
        let prelude = *program.entries.first()?;
        let writes = |f: &Function| {
            f.code
                .iter()
                .filter(|i| matches!(i, Instr::DefineGlobal(g) | Instr::SetGlobal(g) | Instr::UpdateGlobal(g, _) if *g == global))
                .count()
        };
        let written_elsewhere = program.functions.iter().enumerate().any(|(id, f)| id != prelude.0 as usize && writes(f) > 0);
        if written_elsewhere || program.function(prelude).map(writes) != Some(1) {
            return None;
        }
        Some(Reduce { global })
    }

    /// `f` with its qualifying call sites inlined, or None when it has none.
    fn rewrite(&self, program: &Program, f: &Function) -> Option<Function> {
        let targets: Vec<u32> = f.code.iter().filter_map(crate::jumps::jump_target).collect();
        let sites: Vec<(usize, &Function)> =
            (0..f.code.len()).filter_map(|pc| self.site(program, f, pc, &targets).map(|l| (pc, l))).collect();
        if sites.is_empty() {
            return None;
        }
        // Every site's slots start after f's own: sites run one after another, never nested.
        let base = f.n_slots;
        let extra = sites.iter().map(|(_, l)| 2 + l.n_slots).max()?;
        // Where each of f's instructions lands.
        let mut moved = Vec::with_capacity(f.code.len() + 1);
        let mut at = 0u32;
        let mut pc = 0;
        while pc < f.code.len() {
            if let Some((_, lambda)) = sites.iter().find(|(site, _)| *site == pc) {
                moved.extend([at; 4]);
                at += expansion_len(lambda)?;
                pc += 4;
            } else {
                moved.push(at);
                at += 1;
                pc += 1;
            }
        }
        moved.push(at);
        let remap = |t: u32| moved.get(t as usize).copied();
        let mut code = Vec::with_capacity(at as usize);
        let mut spans = Vec::with_capacity(at as usize);
        let mut pc = 0;
        while pc < f.code.len() {
            let span = f.spans.get(pc).copied().unwrap_or(f.span);
            if let Some((_, lambda)) = sites.iter().find(|(site, _)| *site == pc) {
                let call = f.spans.get(pc + 3).copied().unwrap_or(f.span);
                let (Some(&[c0, c1, c2, c3]), Some(&[s0, s1, s2, s3])) = (f.code.get(pc..pc + 4), f.spans.get(pc..pc + 4)) else {
                    return None;
                };
                let site = Site { code: [c0, c1, c2, c3], spans: [s0, s1, s2, s3], call, lambda, base, start: code.len() as u32 };
                site.emit(remap(pc as u32 + 4)?, &mut code, &mut spans)?;
                pc += 4;
                continue;
            }
            code.push(retarget(*f.code.get(pc)?, remap)?);
            spans.push(span);
            pc += 1;
        }
        Some(Function { code, spans, n_slots: base.checked_add(extra)?, ..f.clone() })
    }

    /// The lambda of a call site at `pc`, when it qualifies (module docs).
    fn site<'p>(&self, program: &'p Program, f: &Function, pc: usize, targets: &[u32]) -> Option<&'p Function> {
        let [Instr::Closure(l), xs, init, Instr::CallGlobal(g, 3) | Instr::TailCallGlobal(g, 3)] = f.code.get(pc..pc + 4)? else {
            return None;
        };
        let straight = (pc + 1..pc + 4).all(|p| !targets.contains(&(p as u32)));
        if *g != self.global || !straight || !plain_read(xs) || !plain_read(init) || f.spans.len() != f.code.len() {
            return None;
        }
        let lambda = program.function(*l)?;
        let p = lambda.params;
        let fits = p.required == 2 && p.optional == 0 && !p.rest && lambda.n_slots >= 2 && lambda.spans.len() == lambda.code.len();
        let ends = lambda.code.last() == Some(&Instr::Return);
        let captures = lambda.captures.len();
        (fits && ends && lambda.code.iter().all(|i| inlinable(i, captures))).then_some(lambda)
    }
}

/// One call site being expanded.
struct Site<'a> {
    /// `Closure L; XS; INIT; CallGlobal reduce 3` (or `TailCallGlobal`) and their spans.
    code: [Instr; 4],
    spans: [Span; 4],
    /// The call's span, for the instructions that stand for it.
    call: Span,
    lambda: &'a Function,
    /// The first of the slots the expansion uses: the iterated array, its index, then the
    /// lambda's own slots.
    base: u16,
    /// Where the expansion starts in the new code.
    start: u32,
}

impl Site<'_> {
    fn emit(&self, after: u32, code: &mut Vec<Instr>, spans: &mut Vec<Span>) -> Option<()> {
        let [closure, xs, init, call] = self.code;
        let [_, xs_span, init_span, _] = self.spans;
        let tail = matches!(call, Instr::TailCallGlobal(..));
        let len = expansion_len(self.lambda)?;
        let (array, index) = (self.base, self.base.checked_add(1)?);
        let slot = |j: u16| self.base.checked_add(2)?.checked_add(j);
        let (acc, x) = (slot(0)?, slot(1)?);
        let general = self.start + len - 4;
        let body_at = self.start + 10 + 2 * u32::from(self.lambda.n_slots - 2);
        let ret = body_at + self.lambda.code.len() as u32 - 1;
        let end = ret + 2;
        let looped = self.start + 8;
        let mut push = |i: Instr, s: Span| {
            code.push(i);
            spans.push(s);
        };
        // `reduce`'s frame and the lambda's; a tail call's `reduce` takes the caller's frame
        push(Instr::JumpIfDeep(if tail { 1 } else { 2 }, general), self.call);
        push(xs, xs_span);
        push(init, init_span);
        push(Instr::SetLocal(acc), self.call);
        push(Instr::IterStart, self.call);
        push(Instr::SetLocal(array), self.call);
        push(Instr::Int(0), self.call);
        push(Instr::SetLocal(index), self.call);
        push(Instr::IterNext(array, index, end), self.call);
        push(Instr::SetLocal(x), self.call);
        // The lambda's other slots start nil at every call, as a frame's do.
        for j in 2..self.lambda.n_slots {
            push(Instr::Nil, self.call);
            push(Instr::SetLocal(slot(j)?), self.call);
        }
        let captures = &self.lambda.captures;
        let body = self.lambda.code.len() - 1;
        for (pc, instr) in self.lambda.code.iter().take(body).enumerate() {
            let span = self.lambda.spans.get(pc).copied().unwrap_or(self.lambda.span);
            let mapped = match *instr {
                Instr::Return => Instr::Jump(ret),
                other => lambda_instr(other, &slot, captures, |t| Some(body_at + t))?,
            };
            push(mapped, span);
        }
        push(Instr::SetLocal(acc), self.call);
        push(Instr::Jump(looped), self.call);
        push(Instr::Local(acc), self.call);
        push(if tail { Instr::Return } else { Instr::Jump(after) }, self.call);
        for (instr, span) in [closure, xs, init, call].into_iter().zip(self.spans) {
            push(instr, span);
        }
        (code.len() as u32 == self.start + len).then_some(())
    }
}

/// How many instructions a site with `lambda` becomes (see the module docs).
fn expansion_len(lambda: &Function) -> Option<u32> {
    let resets = 2 * u32::from(lambda.n_slots.checked_sub(2)?);
    Some(10 + resets + (lambda.code.len() as u32 - 1) + 4 + 4)
}

/// A read that cannot do anything but push (or fail the same way wherever it runs).
fn plain_read(instr: &Instr) -> bool {
    matches!(
        instr,
        Instr::Nil
            | Instr::True
            | Instr::False
            | Instr::Int(_)
            | Instr::Const(_)
            | Instr::Local(_)
            | Instr::LocalBoxed(_)
            | Instr::Captured(_)
            | Instr::CapturedBoxed(_)
            | Instr::Global(_)
    )
}

/// Whether a lambda's instruction can run as part of its caller: no call, no closure, no `try`,
/// no box of its own slots, and captures it has.
fn inlinable(instr: &Instr, captures: usize) -> bool {
    match instr {
        Instr::Closure(_)
        | Instr::Call(_)
        | Instr::TailCall(_)
        | Instr::CallGlobal(..)
        | Instr::TailCallGlobal(..)
        | Instr::TryBegin(_)
        | Instr::TryEnd
        | Instr::BoxLocal(_)
        | Instr::LocalBoxed(_)
        | Instr::SetLocalBoxed(_)
        | Instr::UpdateLocalBoxed(..)
        | Instr::JumpIfDeep(..) => false,
        Instr::Captured(k) | Instr::CapturedBoxed(k) | Instr::SetCapturedBoxed(k) | Instr::UpdateCapturedBoxed(k, _) => {
            usize::from(*k) < captures
        }
        _ => true,
    }
}

/// A lambda's instruction in its caller: its slots moved by `slot`, its captures read where the
/// closure would have copied them from, its jumps by `target`.
fn lambda_instr(
    instr: Instr,
    slot: &dyn Fn(u16) -> Option<u16>,
    captures: &[Capture],
    target: impl Fn(u32) -> Option<u32>,
) -> Option<Instr> {
    let capture = |k: u16| captures.get(usize::from(k)).copied();
    Some(match instr {
        Instr::Local(j) => Instr::Local(slot(j)?),
        Instr::SetLocal(j) => Instr::SetLocal(slot(j)?),
        Instr::UpdateLocal(j, op) => Instr::UpdateLocal(slot(j)?, op),
        Instr::IterNext(a, b, t) => Instr::IterNext(slot(a)?, slot(b)?, target(t)?),
        Instr::RangeNext(a, b, t) => Instr::RangeNext(slot(a)?, slot(b)?, target(t)?),
        Instr::Captured(k) => match capture(k)? {
            Capture::Local(n) => Instr::Local(n),
            Capture::Outer(n) => Instr::Captured(n),
        },
        Instr::CapturedBoxed(k) => match capture(k)? {
            Capture::Local(n) => Instr::LocalBoxed(n),
            Capture::Outer(n) => Instr::CapturedBoxed(n),
        },
        Instr::SetCapturedBoxed(k) => match capture(k)? {
            Capture::Local(n) => Instr::SetLocalBoxed(n),
            Capture::Outer(n) => Instr::SetCapturedBoxed(n),
        },
        Instr::UpdateCapturedBoxed(k, op) => update_captured(capture(k)?, op),
        other => retarget(other, target)?,
    })
}

fn update_captured(capture: Capture, op: UpdateOp) -> Instr {
    match capture {
        Capture::Local(n) => Instr::UpdateLocalBoxed(n, op),
        Capture::Outer(n) => Instr::UpdateCapturedBoxed(n, op),
    }
}

/// `instr` with its jump target moved by `target`.
fn retarget(instr: Instr, target: impl Fn(u32) -> Option<u32>) -> Option<Instr> {
    Some(match instr {
        Instr::Jump(t) => Instr::Jump(target(t)?),
        Instr::JumpIfFalse(t) => Instr::JumpIfFalse(target(t)?),
        Instr::JumpIfNotNil(t) => Instr::JumpIfNotNil(target(t)?),
        Instr::JumpIfFalseKeep(t) => Instr::JumpIfFalseKeep(target(t)?),
        Instr::JumpIfTrueKeep(t) => Instr::JumpIfTrueKeep(target(t)?),
        Instr::TryBegin(t) => Instr::TryBegin(target(t)?),
        Instr::IterNext(a, b, t) => Instr::IterNext(a, b, target(t)?),
        Instr::RangeNext(a, b, t) => Instr::RangeNext(a, b, target(t)?),
        Instr::JumpIfNotLtImm(k, t) => Instr::JumpIfNotLtImm(k, target(t)?),
        Instr::JumpIfDeep(n, t) => Instr::JumpIfDeep(n, target(t)?),
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ovsm_runtime::{Limits, RecordingHost, Session};

    fn program(source: &str) -> Program {
        let mut session = Session::new(Box::new(RecordingHost::default()), Limits::default());
        session.compile_only("test.ovsm", source).unwrap_or_else(|d| panic!("{d:?}"));
        session.program().clone()
    }

    /// The user's functions of `program`, as `ovsm check --emit ir` prints them.
    fn printed(program: &Program) -> String {
        let prelude = program.entries.first().map_or(0, |e| e.0 as usize + 1);
        ovsm_ir::print_program(program, prelude)
    }

    #[test]
    fn a_reduce_on_a_lambda_without_calls_becomes_the_loop() {
        let source = "(defun variance (xs m) (/ (reduce (lambda (acc x) (+ acc (* (- x m) (- x m)))) xs 0.0) (length xs)))\n\
                      (defun total (xs) (reduce (lambda (acc x) (let ((y (* 2 x))) (+ acc y))) xs 0))";
        let original = program(source);
        let inlined = inline_reduce(&original);
        assert!(matches!(inlined, Cow::Owned(_)));
        insta::assert_snapshot!(printed(&inlined));
    }

    #[test]
    fn what_is_left_alone() {
        for source in [
            // the lambda calls a function
            "(defun sq (x) (* x x)) (defun f (xs) (+ 0 (reduce (lambda (acc x) (+ acc (sq x))) xs 0)))",
            // it makes a closure
            "(defun f (xs) (+ 0 (reduce (lambda (acc x) (append acc [(lambda () x)])) xs [])))",
            // it has a `try`
            "(defun f (xs) (+ 0 (reduce (lambda (acc x) (try (+ acc x) (catch e 0))) xs 0)))",
            // the array is computed, not read
            "(defun f (xs) (+ 0 (reduce (lambda (acc x) (+ acc x)) (rest xs) 0)))",
            // the function is not a lambda written in place
            "(defun f (xs g) (+ 0 (reduce g xs 0)))",
            // the program assigns `reduce`
            "(defun f (xs) (+ 0 (reduce (lambda (acc x) (+ acc x)) xs 0))) (set! reduce (lambda (f xs i) i))",
        ] {
            let original = program(source);
            assert!(matches!(inline_reduce(&original), Cow::Borrowed(_)), "{source}");
        }
    }
}
