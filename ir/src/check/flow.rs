//! A symbolic walk of one function's stack code: what each call receives, as far as constants
//! tell, and where the loops are. Paths are merged at jump targets, so every instruction is
//! seen once with a stack that is right for every way of reaching it.

use crate::{Constant, FuncId, Function, GlobalId, Instr, Program};
use ovsm_lexer::Span;
use ovsm_stdlib::BuiltinId;
use std::collections::BTreeMap;

/// What is known about a value on the stack.
#[derive(Clone, Debug, PartialEq)]
pub enum Sym {
    Int(i64),
    Const(u32),
    Closure(FuncId),
    Builtin(BuiltinId),
    Map(Vec<(Sym, Sym)>),
    /// `(range a b)` with constant bounds: a collection of known length.
    Range(i64),
    /// The value of a global that may change (a scenario account's address, say).
    Global(GlobalId),
    /// `nil`, `true` or `false`.
    Literal,
    Unknown,
}

impl Sym {
    fn merge(a: &Sym, b: &Sym) -> Sym {
        if a == b {
            a.clone()
        } else {
            Sym::Unknown
        }
    }
}

/// Who is called.
#[derive(Clone, Debug)]
pub enum Callee {
    Builtin(BuiltinId),
    Global(GlobalId),
    Value(Sym),
}

#[derive(Clone, Debug)]
pub struct Call {
    pub pc: usize,
    pub span: Span,
    pub callee: Callee,
    pub args: Vec<Sym>,
}

/// A loop: the instructions `start..=end`, and whether its trip count is known to be bounded.
#[derive(Clone, Debug)]
pub struct Loop {
    pub start: usize,
    pub end: usize,
    pub bounded: bool,
    /// Iterations, when they can be counted.
    pub trips: Option<u64>,
}

#[derive(Clone, Debug, Default)]
pub struct Flow {
    pub calls: Vec<Call>,
    /// Functions this one makes closures of (it may call them).
    pub closures: Vec<FuncId>,
    pub loops: Vec<Loop>,
    /// What the function returns, merged over its returns.
    pub returns: Option<Sym>,
    /// Globals read (by load or call) with the span of the reading instruction.
    pub reads: Vec<(GlobalId, Span, bool)>,
    /// Globals assigned with `set!`, with the span of the assignment.
    pub writes: Vec<(GlobalId, Span)>,
    /// The most `sol-emit-event` calls one pass through the function can make, loops aside.
    pub max_emits: u32,
}

/// Walks a function. `constant_globals` gives the values of globals that never change.
pub fn walk(program: &Program, f: &Function, constant_globals: &BTreeMap<u32, Sym>) -> Flow {
    let mut flow = Flow::default();
    // The symbolic stack and the emissions made so far on the way to each instruction.
    let mut states: BTreeMap<usize, (Vec<Sym>, u32)> = BTreeMap::new();
    states.insert(0, (Vec::new(), 0));
    let mut seen = vec![false; f.code.len()];
    // Loop headers of `for`: the symbolic collection given to IterStart, by the slot it is stored in.
    let mut iter_sources: BTreeMap<u16, Sym> = BTreeMap::new();
    let mut last_iter_start: Option<Sym> = None;
    let mut pc = 0usize;
    while pc < f.code.len() {
        let Some((mut stack, mut emits)) = states.remove(&pc) else {
            pc += 1;
            continue;
        };
        if seen.get(pc).copied().unwrap_or(true) {
            pc += 1;
            continue;
        }
        if let Some(s) = seen.get_mut(pc) {
            *s = true;
        }
        let span = f.spans.get(pc).copied().unwrap_or(f.span);
        let Some(instr) = f.code.get(pc).copied() else { break };
        let mut next = Some(pc + 1);
        let mut branch: Option<(usize, Vec<Sym>)> = None;
        macro_rules! pop {
            () => {
                stack.pop().unwrap_or(Sym::Unknown)
            };
        }
        macro_rules! pops {
            ($n:expr) => {{
                let at = stack.len().saturating_sub($n as usize);
                stack.split_off(at)
            }};
        }
        match instr {
            Instr::Nil | Instr::True | Instr::False => stack.push(Sym::Literal),
            Instr::Local(_) | Instr::LocalBoxed(_) | Instr::Captured(_) | Instr::CapturedBoxed(_) => stack.push(Sym::Unknown),
            Instr::Int(n) => stack.push(Sym::Int(n)),
            Instr::Const(i) => stack.push(Sym::Const(i)),
            Instr::Global(g) => {
                flow.reads.push((g, span, false));
                stack.push(constant_globals.get(&g.0).cloned().unwrap_or(Sym::Global(g)));
            }
            Instr::SetLocal(slot) => {
                let v = pop!();
                match last_iter_start.take() {
                    Some(src) => iter_sources.insert(slot, src),
                    None => iter_sources.insert(slot, v),
                };
            }
            Instr::SetGlobal(g) => {
                flow.writes.push((g, span));
                pop!();
            }
            Instr::SetLocalBoxed(_) | Instr::SetCapturedBoxed(_) | Instr::DefineGlobal(_) | Instr::Pop => {
                pop!();
            }
            Instr::BoxLocal(_) | Instr::TryEnd => {}
            Instr::Dup => {
                let top = stack.last().cloned().unwrap_or(Sym::Unknown);
                stack.push(top);
            }
            Instr::UpdateLocal(_, op) | Instr::UpdateLocalBoxed(_, op) | Instr::UpdateCapturedBoxed(_, op) | Instr::UpdateGlobal(_, op) => {
                let n = if op == crate::UpdateOp::Assoc { 2 } else { 1 };
                let _ = pops!(n);
                stack.push(Sym::Unknown);
            }
            Instr::Jump(t) => {
                let t = t as usize;
                if t <= pc {
                    let trips = loop_trips(program, f, t, &iter_sources);
                    let bounded = trips.is_some() || loop_bound(f, t, &iter_sources);
                    flow.loops.push(Loop { start: t, end: pc, bounded, trips });
                } else {
                    branch = Some((t, stack.clone()));
                }
                next = None;
            }
            Instr::JumpIfFalse(t) | Instr::JumpIfNotNil(t) | Instr::JumpIfNotLtImm(_, t) => {
                pop!();
                branch = Some((t as usize, stack.clone()));
            }
            Instr::JumpIfFalseKeep(t) | Instr::JumpIfTrueKeep(t) => {
                branch = Some((t as usize, stack.clone()));
                pop!();
            }
            Instr::JumpIfDeep(_, t) => branch = Some((t as usize, stack.clone())),
            Instr::TryBegin(h) => {
                let mut at_handler = stack.clone();
                at_handler.push(Sym::Unknown);
                branch = Some((h as usize, at_handler));
            }
            Instr::IterStart => {
                let v = pop!();
                last_iter_start = Some(v);
                stack.push(Sym::Unknown);
            }
            Instr::IterNext(_, _, exit) | Instr::RangeNext(_, _, exit) => {
                branch = Some((exit as usize, stack.clone()));
                stack.push(Sym::Unknown);
            }
            Instr::Closure(fid) => {
                flow.closures.push(fid);
                stack.push(Sym::Closure(fid));
            }
            Instr::BuiltinRef(id) => stack.push(Sym::Builtin(id)),
            Instr::CallBuiltin(id, argc) => {
                let args = pops!(argc);
                let result = match (ovsm_stdlib::get(id).map(|b| b.name), args.as_slice()) {
                    (Some("range"), [Sym::Int(a), Sym::Int(b)]) => Sym::Range(b.saturating_sub(*a).max(0)),
                    (Some("range"), [Sym::Int(n)]) => Sym::Range((*n).max(0)),
                    (Some("%range-bound"), [Sym::Int(n)]) => Sym::Int(*n),
                    (Some("sol-emit-event"), _) => {
                        emits += 1;
                        Sym::Unknown
                    }
                    _ => Sym::Unknown,
                };
                flow.calls.push(Call { pc, span, callee: Callee::Builtin(id), args });
                stack.push(result);
            }
            Instr::CallGlobal(g, argc) | Instr::TailCallGlobal(g, argc) => {
                let args = pops!(argc);
                flow.reads.push((g, span, true));
                flow.calls.push(Call { pc, span, callee: Callee::Global(g), args });
                stack.push(Sym::Unknown);
            }
            Instr::Call(argc) | Instr::TailCall(argc) => {
                let args = pops!(argc);
                let callee = pop!();
                flow.calls.push(Call { pc, span, callee: Callee::Value(callee), args });
                stack.push(Sym::Unknown);
            }
            Instr::Return => {
                flow.max_emits = flow.max_emits.max(emits);
                let v = pop!();
                flow.returns = Some(match &flow.returns {
                    None => v,
                    Some(r) => Sym::merge(r, &v),
                });
                next = None;
            }
            Instr::MakeArray(n) => {
                let _ = pops!(n);
                // Its elements are unknown but its length is not: enough to bound a loop over it.
                stack.push(Sym::Range(i64::from(n)));
            }
            Instr::MakeMap(n) => {
                let items = pops!(2 * n as usize);
                let pairs = items
                    .chunks(2)
                    .map(|kv| (kv.first().cloned().unwrap_or(Sym::Unknown), kv.get(1).cloned().unwrap_or(Sym::Unknown)))
                    .collect();
                stack.push(Sym::Map(pairs));
            }
            Instr::Add | Instr::Sub | Instr::Mul | Instr::Lt | Instr::Le | Instr::Gt | Instr::Ge | Instr::NumEq => {
                let _ = pops!(2);
                stack.push(Sym::Unknown);
            }
            Instr::AddImm(_) | Instr::SubImm(_) => {
                pop!();
                stack.push(Sym::Unknown);
            }
        }
        for (target, state) in branch.into_iter().chain(next.map(|n| (n, stack))) {
            let merged = match states.remove(&target) {
                Some((existing, e)) if existing.len() == state.len() => {
                    (existing.iter().zip(&state).map(|(a, b)| Sym::merge(a, b)).collect(), e.max(emits))
                }
                Some(existing) => existing,
                None => (state, emits),
            };
            states.insert(target, merged);
        }
        pc = match states.keys().next() {
            Some(k) => *k,
            None => break,
        };
    }
    flow
}

/// A loop whose header is `IterNext` over a collection of constant size is bounded; `while`
/// loops are not.
fn loop_bound(f: &Function, start: usize, iter_sources: &BTreeMap<u16, Sym>) -> bool {
    match f.code.get(start) {
        Some(Instr::IterNext(items, _, _)) => matches!(iter_sources.get(items), Some(Sym::Range(_) | Sym::Const(_))),
        Some(Instr::RangeNext(_, end, _)) => matches!(iter_sources.get(end), Some(Sym::Int(_))),
        _ => false,
    }
}

/// How many times a `for` loop runs, when its collection or range is constant.
fn loop_trips(program: &Program, f: &Function, start: usize, iter_sources: &BTreeMap<u16, Sym>) -> Option<u64> {
    match f.code.get(start)? {
        Instr::IterNext(items, _, _) => match iter_sources.get(items)? {
            Sym::Range(n) => u64::try_from(*n).ok(),
            Sym::Const(c) => match program.constants.get(*c as usize)? {
                Constant::Array(items) => Some(items.len() as u64),
                _ => None,
            },
            _ => None,
        },
        Instr::RangeNext(counter, end, _) => match (iter_sources.get(counter)?, iter_sources.get(end)?) {
            (Sym::Int(a), Sym::Int(b)) => u64::try_from(b.saturating_sub(*a)).ok().or(Some(0)),
            _ => None,
        },
        _ => None,
    }
}

/// The value of a constant symbol, if it is one.
pub fn constant<'p>(program: &'p Program, sym: &Sym) -> Option<&'p Constant> {
    match sym {
        Sym::Const(i) => program.constants.get(*i as usize),
        _ => None,
    }
}
