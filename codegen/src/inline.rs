//! Calls of the prelude's `map`, `filter` and `reduce` on a lambda written in place, inlined,
//! IR to IR, before lowering.
//!
//! The prelude's higher-order functions are OVSM code that calls their function once an item:
//! a frame record, the closure's dispatch, the arguments stored in the callee's frame and the
//! return through the switches, about 100 instructions an item beyond the lambda's body (pairs
//! trading's variance: 30 items a tick; the vault's `map`s over its pools). Where a function calls
//! such a global with a lambda written in place, and that lambda makes no call of its own, this
//! pass rewrites the call, in the copy of the program the back end alone sees, into the prelude
//! function's own code with the lambda's code where it called its function:
//!
//! ```text
//!          JumpIfDeep 2 GENERAL    ; where the prelude function or the lambda could not be entered
//!          XS ...                  ; the other arguments, evaluated as the call evaluates them,
//!          SetLocal ...            ; into the prelude function's parameters (its slots, moved)
//!          PRELUDE CODE            ; e.g. `reduce`'s `for` loop, up to its `(f acc x)`
//!          LAMBDA CODE             ; on the slots of `acc` and `x` themselves where it never
//!                                  ; assigns its parameter, on slots of its own otherwise
//!          PRELUDE CODE            ; the rest; its Return jumps to AFTER (a tail call: returns)
//! GENERAL: Closure L  XS ...  CallGlobal reduce 3                ; the original call
//! AFTER:
//! ```
//!
//! What makes this exact:
//!
//! - The global holds the prelude's function whenever user code runs: only the prelude's top
//!   level, which runs first, writes it (`Prelude::find` checks every function); a program that
//!   redefines or assigns it is left alone.
//! - The other arguments are plain reads (a local, a capture, a global, a constant), so evaluating
//!   them in the inlined code, in the same order, is what the call does; the lambda's captures are
//!   read from where the closure would have copied them, which nothing can change meanwhile.
//! - The lambda's parameter may share the prelude variable passed for it only where the lambda
//!   never assigns the parameter; it gets a copy otherwise (`filter` pushes its `x` after the call).
//! - Errors: the lambda's code keeps its spans; the prelude function's code carries the call's,
//!   where the interpreter reports an error raised inside the prelude. The lambda makes no call,
//!   so the only frames at stake are the prelude function's and the lambda's: `JumpIfDeep` sends a
//!   call that could meet the recursion limit to the original code, which fails where the
//!   interpreter fails. A tail call (`TailCallGlobal`) replaces the caller's frame, so only the
//!   lambda's counts there.
//! - A lambda that creates a closure or has a `try` is left alone (its slots could be captured,
//!   or a handler would record a frame that is not there), as is a prelude function that calls
//!   its function other than once, on its own locals (`sort`).
//! - The prelude function's result array grows in place as it does there (owned.rs) only where
//!   its code starts by giving that local a literal array (`map`'s and `filter`'s `out`): the
//!   hidden slot that remembers the array it grew lives in the caller's frame now, from one run
//!   of the site to the next, and that literal is what keeps a later run from growing, in
//!   place, an array an earlier run returned.

use crate::jumps::retarget;
use ovsm_ir::{Capture, FuncId, Function, GlobalId, Instr, Program};
use ovsm_lexer::Span;
use std::borrow::Cow;
use std::collections::HashMap;

/// The program the back end compiles, and the slots of inlined code whose array may grow in
/// place (see `owned.rs`), by function id.
pub struct Inlined<'p> {
    pub program: Cow<'p, Program>,
    pub owned: HashMap<u32, Vec<u16>>,
}

/// `program` with each qualifying call inlined (itself when there is none). Function ids,
/// globals and constants do not change.
pub fn inline_prelude_calls(program: &Program) -> Inlined<'_> {
    let prelude = Prelude::find(program);
    let mut owned = HashMap::new();
    let program = with_rewritten_functions(program, |id, f| {
        let (rewritten, slots) = prelude.rewrite(program, f)?;
        owned.insert(id, slots);
        Some(rewritten)
    });
    Inlined { program, owned }
}

/// `program` with each function `rewrite` returns a replacement for (by id) replaced, copied
/// only when there is one: the back end's IR-to-IR passes (this one, repeats.rs).
pub(crate) fn with_rewritten_functions(program: &Program, mut rewrite: impl FnMut(u32, &Function) -> Option<Function>) -> Cow<'_, Program> {
    let mut out: Option<Program> = None;
    for (id, f) in program.functions.iter().enumerate() {
        if let Some(rewritten) = rewrite(id as u32, f) {
            if let Some(slot) = out.get_or_insert_with(|| program.clone()).functions.get_mut(id) {
                *slot = rewritten;
            }
        }
    }
    out.map_or(Cow::Borrowed(program), Cow::Owned)
}

/// The global `reduce`, when it holds the prelude's function whenever user code runs (only the
/// prelude's top level writes it).
pub fn prelude_reduce(program: &Program) -> Option<u32> {
    prelude_definitions(program)
        .find(|(g, f)| program.global_name(*g) == "reduce" && program.function(*f).is_some_and(|f| f.name == "reduce"))
        .filter(|(g, _)| written_by_prelude_alone(program, *g))
        .map(|(g, _)| g.0)
}

/// Whether no function but the prelude's top level, which defines it once, writes `global`.
fn written_by_prelude_alone(program: &Program, global: GlobalId) -> bool {
    let prelude = program.entries.first().map(|e| e.0 as usize);
    let writes = |f: &Function| {
        f.code
            .iter()
            .filter(|i| matches!(i, Instr::DefineGlobal(g) | Instr::SetGlobal(g) | Instr::UpdateGlobal(g, _) if *g == global))
            .count()
    };
    program
        .functions
        .iter()
        .enumerate()
        .map(|(id, f)| if Some(id) == prelude { writes(f).saturating_sub(1) } else { writes(f) })
        .sum::<usize>()
        == 0
}

/// The prelude's top level (the program's first entry: ovsm_ir lowers the prelude before any
/// source, and no source can add to it) defines each of its functions as
/// `Closure f; Dup; DefineGlobal g`.
fn prelude_definitions(program: &Program) -> impl Iterator<Item = (GlobalId, FuncId)> + '_ {
    let code = program.entries.first().and_then(|e| program.function(*e)).map_or(&[][..], |f| f.code.as_slice());
    code.windows(3).filter_map(|w| match w {
        [Instr::Closure(f), Instr::Dup, Instr::DefineGlobal(g)] => Some((*g, *f)),
        _ => None,
    })
}

/// A prelude function that calls its first parameter exactly once, as
/// `Local 0; Local a1 .. Local ak; Call k`.
struct Higher {
    function: FuncId,
    /// Where `Local 0` is; the call is at `at + 1 + args.len()`.
    at: usize,
    /// The slots passed to the function.
    args: Vec<u16>,
}

/// The prelude's higher-order functions, by the global that only the prelude writes.
struct Prelude {
    functions: HashMap<GlobalId, Higher>,
}

impl Prelude {
    fn find(program: &Program) -> Prelude {
        let mut functions = HashMap::new();
        for (global, function) in prelude_definitions(program) {
            let once = written_by_prelude_alone(program, global);
            if let Some(higher) = program.function(function).and_then(|f| Higher::of(function, f)).filter(|_| once) {
                functions.insert(global, higher);
            }
        }
        Prelude { functions }
    }

    /// `f` with its qualifying call sites inlined, and the slots of theirs whose array may grow
    /// in place, or None when it has none.
    fn rewrite(&self, program: &Program, f: &Function) -> Option<(Function, Vec<u16>)> {
        if f.spans.len() != f.code.len() {
            return None;
        }
        let targets: Vec<u32> = f.code.iter().filter_map(crate::jumps::jump_target).collect();
        let sites: Vec<Site> = (0..f.code.len()).filter_map(|pc| self.site(program, f, pc, &targets)).collect();
        if sites.is_empty() {
            return None;
        }
        // Each site has slots of its own, after f's.
        let mut bases = Vec::with_capacity(sites.len());
        let mut next = u32::from(f.n_slots);
        for site in &sites {
            bases.push(u16::try_from(next).ok()?);
            next += u32::from(site.callee.n_slots) + u32::from(site.lambda.n_slots);
        }
        let n_slots = u16::try_from(next).ok()?;
        // The prelude function's locals whose array grows in place there grow so here: its
        // `Local x; Return` became `Local x; Jump AFTER`, and every way back to a push of x
        // passes the expansion's start, where x gets a literal array before anything else (owned.rs
        // copies an array the slot did not grow itself before growing it; see the module docs).
        let mut owned = Vec::new();
        for (site, base) in sites.iter().zip(&bases) {
            for x in crate::owned::owned_locals(program, site.callee) {
                if starts_with_literal_array(program, site.callee, x) {
                    owned.push(base.checked_add(x)?);
                }
            }
        }
        // Where each of f's instructions lands.
        let mut moved = Vec::with_capacity(f.code.len() + 1);
        let mut at = 0u32;
        let mut pc = 0;
        while pc < f.code.len() {
            if let Some(site) = sites.iter().find(|s| s.pc == pc) {
                let len = site.len();
                moved.extend(std::iter::repeat_n(at, site.width()));
                at += len;
                pc += site.width();
            } else {
                moved.push(at);
                at += 1;
                pc += 1;
            }
        }
        moved.push(at);
        let remap = |t: u32| moved.get(t as usize).copied();
        let mut out = Emitted { code: Vec::with_capacity(at as usize), spans: Vec::with_capacity(at as usize) };
        let mut pc = 0;
        while pc < f.code.len() {
            if let Some((site, base)) = sites.iter().zip(&bases).find(|(s, _)| s.pc == pc) {
                let start = out.code.len() as u32;
                site.emit(f, *base, remap((pc + site.width()) as u32)?, &mut out)?;
                if out.code.len() as u32 != start + site.len() {
                    return None;
                }
                pc += site.width();
                continue;
            }
            out.push(retarget(*f.code.get(pc)?, remap)?, *f.spans.get(pc)?);
            pc += 1;
        }
        Some((Function { code: out.code, spans: out.spans, n_slots, ..f.clone() }, owned))
    }

    /// The call site at `pc`, when it qualifies (module docs).
    fn site<'p>(&'p self, program: &'p Program, f: &Function, pc: usize, targets: &[u32]) -> Option<Site<'p>> {
        let Instr::Closure(l) = f.code.get(pc)? else { return None };
        let (global, n) = f.code.iter().skip(pc + 1).find_map(|i| match i {
            Instr::CallGlobal(g, n) | Instr::TailCallGlobal(g, n) => Some((*g, usize::from(*n))),
            _ => None,
        })?;
        let higher = self.functions.get(&global)?;
        let callee = program.function(higher.function)?;
        let width = n + 1;
        let call = f.code.get(pc + n)?;
        let pushes = f.code.get(pc + 1..pc + n)?;
        let straight = (pc + 1..pc + width).all(|p| !targets.contains(&(p as u32)));
        let calls = matches!(call, Instr::CallGlobal(g, c) | Instr::TailCallGlobal(g, c) if *g == global && usize::from(*c) == n);
        if !calls || !straight || n != usize::from(callee.params.required) || !pushes.iter().all(plain_read) {
            return None;
        }
        let lambda = program.function(*l)?;
        let p = lambda.params;
        let k = higher.args.len();
        let fits = usize::from(p.required) == k && p.optional == 0 && !p.rest && usize::from(lambda.n_slots) >= k;
        let well_formed = lambda.spans.len() == lambda.code.len() && lambda.code.last() == Some(&Instr::Return);
        let captures = lambda.captures.len();
        if !fits || !well_formed || !lambda.code.iter().all(|i| inlinable(i, captures)) {
            return None;
        }
        // A parameter the lambda assigns gets a slot of its own; the others read the prelude's.
        let writes = |i: &Instr, j: u16| match i {
            Instr::SetLocal(s) | Instr::UpdateLocal(s, _) => *s == j,
            Instr::IterNext(a, b, _) | Instr::RangeNext(a, b, _) => *a == j || *b == j,
            _ => false,
        };
        let assigned: Vec<bool> = (0..k as u16).map(|j| lambda.code.iter().any(|i| writes(i, j))).collect();
        Some(Site { pc, n, higher, callee, lambda, assigned, call: f.spans.get(pc + n).copied().unwrap_or(f.span) })
    }
}

impl Higher {
    /// `f` when it has the shape `Higher` says. Its final `Return` becomes a jump to the code
    /// after the call: that leaves the operand stack as `Return` would because ovsm_ir emits a
    /// `Return` only at the end of a body, whose value is then the only operand.
    fn of(function: FuncId, f: &Function) -> Option<Higher> {
        let p = f.params;
        if p.required < 2 || p.optional > 0 || p.rest || f.spans.len() != f.code.len() || f.code.last() != Some(&Instr::Return) {
            return None;
        }
        let calls: Vec<usize> = f.code.iter().enumerate().filter(|(_, i)| matches!(i, Instr::Call(_))).map(|(pc, _)| pc).collect();
        let [c] = calls.as_slice() else { return None };
        let Instr::Call(k) = *f.code.get(*c)? else { return None };
        let at = c.checked_sub(usize::from(k) + 1)?;
        if f.code.get(at) != Some(&Instr::Local(0)) {
            return None;
        }
        let args: Vec<u16> =
            f.code.get(at + 1..*c)?.iter().map(|i| if let Instr::Local(a) = i { Some(*a) } else { None }).collect::<Option<_>>()?;
        let targets: Vec<u32> = f.code.iter().filter_map(crate::jumps::jump_target).collect();
        let straight = (at..=*c).all(|pc| !targets.contains(&(pc as u32)));
        // The function in slot 0 is read there alone; nothing else leaves the caller's frame.
        let uses_f = |i: &Instr| match i {
            Instr::Local(s) | Instr::SetLocal(s) | Instr::UpdateLocal(s, _) => *s == 0,
            Instr::IterNext(a, b, _) | Instr::RangeNext(a, b, _) => *a == 0 || *b == 0,
            _ => false,
        };
        let f_once = f.code.iter().filter(|i| uses_f(i)).count() == 1;
        let alone =
            f.code.iter().enumerate().all(|(pc, i)| pc == *c || (inlinable(i, 0) && !matches!(i, Instr::Return) || pc + 1 == f.code.len()));
        (straight && f_once && alone && !args.contains(&0)).then_some(Higher { function, at, args })
    }
}

/// One call site being expanded.
struct Site<'p> {
    /// Where `Closure L` is; the call is `n` instructions on.
    pc: usize,
    /// The call's argument count, the lambda included.
    n: usize,
    higher: &'p Higher,
    callee: &'p Function,
    lambda: &'p Function,
    /// Which of the lambda's parameters it assigns.
    assigned: Vec<bool>,
    /// The call's span, for the instructions that stand for it.
    call: Span,
}

struct Emitted {
    code: Vec<Instr>,
    spans: Vec<Span>,
}

impl Emitted {
    fn push(&mut self, instr: Instr, span: Span) {
        self.code.push(instr);
        self.spans.push(span);
    }
}

impl Site<'_> {
    /// How many of the caller's instructions the site is: `Closure L`, the pushes, the call.
    fn width(&self) -> usize {
        self.n + 1
    }

    fn copied(&self) -> u32 {
        self.assigned.iter().filter(|a| **a).count() as u32
    }

    /// How many instructions the site becomes (see `emit`).
    fn len(&self) -> u32 {
        let n = self.n as u32;
        let k = self.higher.args.len() as u32;
        let callee_resets = 2 * (u32::from(self.callee.n_slots) - n);
        let lambda_resets = 2 * (u32::from(self.lambda.n_slots) - k);
        let head = self.higher.at as u32;
        let tail = self.callee.code.len() as u32 - (self.higher.at as u32 + k + 2);
        let body = self.lambda.code.len() as u32 - 1;
        1 + 2 * (n - 1) + callee_resets + head + 2 * self.copied() + lambda_resets + body + tail + n + 1
    }

    fn emit(&self, f: &Function, base: u16, after: u32, out: &mut Emitted) -> Option<()> {
        let start = out.code.len() as u32;
        let tail_call = matches!(f.code.get(self.pc + self.n)?, Instr::TailCallGlobal(..));
        let n = self.n as u16;
        let k = self.higher.args.len();
        let callee_slot = |j: u16| base.checked_add(j);
        let lambda_base = base.checked_add(self.callee.n_slots)?;
        let lambda_slot = |j: u16| -> Option<u16> {
            match self.higher.args.get(usize::from(j)) {
                Some(a) if !self.assigned.get(usize::from(j)).copied().unwrap_or(true) => callee_slot(*a),
                _ => lambda_base.checked_add(j),
            }
        };
        // Positions in the expansion.
        let len = self.len();
        let general = start + len - (u32::from(n) + 1);
        let head_at = start + 1 + 2 * (u32::from(n) - 1) + 2 * (u32::from(self.callee.n_slots) - u32::from(n));
        let body_at = head_at + self.higher.at as u32 + 2 * self.copied() + 2 * (u32::from(self.lambda.n_slots) - k as u32);
        let tail_at = body_at + self.lambda.code.len() as u32 - 1;
        let call_pc = self.higher.at + k + 1;
        let callee_target = |t: u32| -> Option<u32> {
            let t = t as usize;
            if t < self.higher.at {
                Some(head_at + t as u32)
            } else if t > call_pc {
                Some(tail_at + (t - call_pc - 1) as u32)
            } else {
                None
            }
        };
        // `reduce`'s frame (or `map`'s...) and the lambda's; a tail call's callee takes the
        // caller's frame
        out.push(Instr::JumpIfDeep(if tail_call { 1 } else { 2 }, general), self.call);
        for pc in self.pc + 1..self.pc + self.n {
            out.push(*f.code.get(pc)?, *f.spans.get(pc)?);
        }
        for j in (1..n).rev() {
            out.push(Instr::SetLocal(callee_slot(j)?), self.call);
        }
        // A frame's other slots start nil.
        for j in n..self.callee.n_slots {
            out.push(Instr::Nil, self.call);
            out.push(Instr::SetLocal(callee_slot(j)?), self.call);
        }
        for instr in self.callee.code.get(..self.higher.at)? {
            out.push(callee_instr(*instr, &callee_slot, &callee_target)?, self.call);
        }
        // The arguments of the parameters the lambda assigns, copied in.
        let copies: Vec<usize> = (0..k).filter(|j| self.assigned.get(*j).copied().unwrap_or(false)).collect();
        for j in &copies {
            out.push(Instr::Local(callee_slot(*self.higher.args.get(*j)?)?), self.call);
        }
        for j in copies.iter().rev() {
            out.push(Instr::SetLocal(lambda_base.checked_add(*j as u16)?), self.call);
        }
        for j in k as u16..self.lambda.n_slots {
            out.push(Instr::Nil, self.call);
            out.push(Instr::SetLocal(lambda_base.checked_add(j)?), self.call);
        }
        let body = self.lambda.code.len() - 1;
        let captures = &self.lambda.captures;
        for (pc, instr) in self.lambda.code.iter().take(body).enumerate() {
            let mapped = match *instr {
                Instr::Return => Instr::Jump(tail_at),
                other => lambda_instr(other, &lambda_slot, captures, |t| Some(body_at + t))?,
            };
            out.push(mapped, *self.lambda.spans.get(pc)?);
        }
        let last = self.callee.code.len() - 1;
        for (pc, instr) in self.callee.code.iter().enumerate().skip(call_pc + 1) {
            let mapped = match instr {
                Instr::Return if pc == last && tail_call => Instr::Return,
                Instr::Return if pc == last => Instr::Jump(after),
                other => callee_instr(*other, &callee_slot, &callee_target)?,
            };
            out.push(mapped, self.call);
        }
        for pc in self.pc..self.pc + self.width() {
            out.push(*f.code.get(pc)?, *f.spans.get(pc)?);
        }
        Some(())
    }
}

/// Whether `f`'s straight-line start (up to its first jump or jump target) has `Const [..];
/// SetLocal x`: every run of it gives x a literal array before any push.
fn starts_with_literal_array(program: &Program, f: &Function, x: u16) -> bool {
    let targets: Vec<u32> = f.code.iter().filter_map(crate::jumps::jump_target).collect();
    let straight = f
        .code
        .iter()
        .enumerate()
        .take_while(|(pc, i)| crate::jumps::jump_target(i).is_none() && (*pc == 0 || !targets.contains(&(*pc as u32))))
        .count();
    let literal = |c: &u32| matches!(program.constants.get(*c as usize), Some(ovsm_ir::Constant::Array(_)));
    f.code
        .get(..straight)
        .is_some_and(|start| start.windows(2).any(|w| matches!(w, [Instr::Const(c), Instr::SetLocal(s)] if *s == x && literal(c))))
}

/// A read that cannot do anything but push (or fail the same way wherever it runs). Also what
/// `repeats.rs` may read twice.
pub(crate) fn plain_read(instr: &Instr) -> bool {
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

/// Whether an instruction can run as part of another function: no call, no closure, no `try`,
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

/// A prelude function's instruction in the caller: its slots moved, its jumps by `target`.
fn callee_instr(instr: Instr, slot: &dyn Fn(u16) -> Option<u16>, target: &dyn Fn(u32) -> Option<u32>) -> Option<Instr> {
    match instr {
        // (a prelude function has no captures)
        Instr::Captured(_) | Instr::CapturedBoxed(_) | Instr::SetCapturedBoxed(_) | Instr::UpdateCapturedBoxed(..) => None,
        other => relocated(other, slot, target),
    }
}

/// A lambda's instruction in the caller: its slots moved by `slot`, its captures read where the
/// closure would have copied them from, its jumps by `target`.
fn lambda_instr(
    instr: Instr,
    slot: &dyn Fn(u16) -> Option<u16>,
    captures: &[Capture],
    target: impl Fn(u32) -> Option<u32>,
) -> Option<Instr> {
    let capture = |k: u16| captures.get(usize::from(k)).copied();
    Some(match instr {
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
        Instr::UpdateCapturedBoxed(k, op) => match capture(k)? {
            Capture::Local(n) => Instr::UpdateLocalBoxed(n, op),
            Capture::Outer(n) => Instr::UpdateCapturedBoxed(n, op),
        },
        other => relocated(other, slot, &target)?,
    })
}

/// `instr` with its own slots moved by `slot` and its jumps by `target` (inlinable code only:
/// its boxed slots were refused before).
fn relocated(instr: Instr, slot: &dyn Fn(u16) -> Option<u16>, target: &dyn Fn(u32) -> Option<u32>) -> Option<Instr> {
    Some(match instr {
        Instr::Local(j) => Instr::Local(slot(j)?),
        Instr::SetLocal(j) => Instr::SetLocal(slot(j)?),
        Instr::UpdateLocal(j, op) => Instr::UpdateLocal(slot(j)?, op),
        Instr::IterNext(a, b, t) => Instr::IterNext(slot(a)?, slot(b)?, target(t)?),
        Instr::RangeNext(a, b, t) => Instr::RangeNext(slot(a)?, slot(b)?, target(t)?),
        other => retarget(other, target)?,
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
        let inlined = inline_prelude_calls(&original).program;
        assert!(matches!(inlined, Cow::Owned(_)));
        insta::assert_snapshot!(printed(&inlined));
    }

    #[test]
    fn map_and_filter_are_inlined_and_their_result_grows_in_place() {
        for source in [
            "(defun f (xs) (+ 0 (length (map (lambda (x) (* 2 x)) xs))))",
            "(defun f (xs) (+ 0 (length (filter (lambda (x) (> x 2)) xs))))",
        ] {
            let original = program(source);
            let inlined = inline_prelude_calls(&original);
            assert!(matches!(inlined.program, Cow::Owned(_)), "{source}");
            assert_eq!(inlined.owned.values().map(Vec::len).sum::<usize>(), 1, "{source}: the result's slot");
        }
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
            // the lambda takes other arguments than the prelude function passes
            "(defun f (xs) (+ 0 (length (map (lambda (a b) a) xs))))",
            "(defun f (xs) (+ 0 (length (map (lambda (&rest a) a) xs))))",
            // the call's arguments are not all plain reads
            "(defun f (xs) (+ 0 (length (map (lambda (x) x) (if xs xs [])))))",
        ] {
            let original = program(source);
            assert!(matches!(inline_prelude_calls(&original).program, Cow::Borrowed(_)), "{source}");
        }
    }
}
