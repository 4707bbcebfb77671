//! Which functions a compiled program needs: the entries, every function a reachable one
//! makes a closure of, and a global's function only once reachable code names that global.
//! The prelude defines `map`, `filter` and friends as globals at startup; a program that never
//! uses them should not carry their code (or be refused for what that code uses).

use ovsm_ir::{FuncId, GlobalId, Instr, Program};
use std::collections::{BTreeMap, BTreeSet};

/// The ids of the functions to compile, in ascending order.
pub fn reachable(program: &Program) -> BTreeSet<u32> {
    reachable_from(program, true)
}

/// The functions reachable from the top levels, and, when `with_programs`, from the programs'
/// clauses and handlers too.
fn reachable_from(program: &Program, with_programs: bool) -> BTreeSet<u32> {
    // `(define NAME (lambda ...))` at top level lowers to Closure(f), DefineGlobal(g): such an f
    // is needed only if g is used.
    let mut deferred: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    let mut needed: BTreeSet<u32> = BTreeSet::new();
    let mut work: Vec<u32> = Vec::new();
    let mut used_globals: BTreeSet<u32> = BTreeSet::new();
    for FuncId(entry) in &program.entries {
        if needed.insert(*entry) {
            work.push(*entry);
        }
    }
    let mut entry_defs: BTreeSet<(u32, usize)> = BTreeSet::new();
    for FuncId(entry) in &program.entries {
        if let Some(f) = program.function(FuncId(*entry)) {
            for pc in 0..f.code.len() {
                if let Some((Instr::Closure(FuncId(c)), GlobalId(g))) = definition_at(&f.code, pc) {
                    deferred.entry(g).or_default().push(*c);
                    entry_defs.insert((*entry, pc));
                }
            }
        }
    }
    for decl in program.programs.iter().filter(|_| with_programs) {
        for FuncId(f) in decl.startup.iter().chain(decl.handlers.iter().map(|(_, f, _)| f)) {
            if needed.insert(*f) {
                work.push(*f);
            }
        }
    }
    while let Some(id) = work.pop() {
        let Some(f) = program.function(FuncId(id)) else { continue };
        for (pc, instr) in f.code.iter().enumerate() {
            let mut newly = Vec::new();
            match instr {
                Instr::Closure(FuncId(c)) if !entry_defs.contains(&(id, pc)) => newly.push(*c),
                Instr::Global(GlobalId(g))
                | Instr::SetGlobal(GlobalId(g))
                | Instr::CallGlobal(GlobalId(g), _)
                | Instr::TailCallGlobal(GlobalId(g), _)
                | Instr::UpdateGlobal(GlobalId(g), _)
                    // the first use of a global brings in the functions defined into it
                    if used_globals.insert(*g) =>
                {
                    newly.extend(deferred.get(g).into_iter().flatten().copied());
                }
                _ => {}
            }
            for c in newly {
                if needed.insert(c) {
                    work.push(c);
                }
            }
        }
    }
    needed
}

/// Whether a program's own code can change its state: whether a clause, a handler, a callback or
/// any function they reach writes a global or assigns a boxed (captured) variable. The top level
/// does not count: an invocation re-runs it before the state is loaded, which starts with
/// nothing dirty. A program whose code has no such write never writes its state account, so every
/// invocation would find it empty and leave it so; its invocations skip loading and saving it
/// (`ovsm_load_state`, `ovsm_save_state`): 75 to 125 compute units of each.
pub fn writes_state(program: &Program, needed: &BTreeSet<u32>) -> bool {
    any_beyond_top_levels(program, needed, |instr| {
        matches!(instr, Instr::SetGlobal(_) | Instr::DefineGlobal(_) | Instr::UpdateGlobal(..)) || assigns_box(instr)
    })
}

/// Whether `instr` assigns a boxed (captured) variable.
fn assigns_box(instr: &Instr) -> bool {
    matches!(instr, Instr::SetLocalBoxed(_) | Instr::SetCapturedBoxed(_) | Instr::UpdateLocalBoxed(..) | Instr::UpdateCapturedBoxed(..))
}

/// Whether an instruction of a needed function other than the top levels satisfies `test`.
fn any_beyond_top_levels(program: &Program, needed: &BTreeSet<u32>, test: impl Fn(&Instr) -> bool) -> bool {
    let entries: BTreeSet<u32> = program.entries.iter().map(|f| f.0).collect();
    needed.iter().filter(|id| !entries.contains(id)).filter_map(|id| program.function(FuncId(*id))).any(|f| f.code.iter().any(&test))
}

/// Whether the top level can read the chain: whether it, or a function it can call while it runs,
/// calls (or takes as a value) a builtin of the autonomous or host families (the slot, the
/// epoch, the clock, accounts, subscriptions). Such a top level gives other values when an
/// invocation re-runs it than the interpreter's one run at deployment gave, so the program's
/// install invocation keeps its globals in the state (support/auto.ll, ovsm_keep_top_level).
/// Functions the top level only defines are not counted: `reachable_from` brings in a global's
/// function only once code it reaches names the global.
pub fn top_level_reads_chain(program: &Program) -> bool {
    use ovsm_stdlib::Family;
    let reads_chain = |b: &ovsm_stdlib::BuiltinId| {
        ovsm_stdlib::get(*b).is_some_and(|b| matches!(b.family, Family::Autonomous | Family::Host) || !b.deterministic)
    };
    reachable_from(program, false)
        .iter()
        .filter_map(|id| program.function(FuncId(*id)))
        .any(|f| f.code.iter().any(|instr| matches!(instr, Instr::CallBuiltin(b, _) | Instr::BuiltinRef(b) if reads_chain(b))))
}

/// Whether an `on-event` handler's expression only makes a function: a `(lambda ...)` (which,
/// at the top of a clause, captures nothing) or a builtin. Evaluating it again in each
/// invocation gives the same function; any other expression (a closure over a `let`, a call
/// that makes the handler) is evaluated once, at deployment, as the interpreter does, and the
/// runtime keeps the function it gave.
pub fn plain_handler(program: &Program, thunk: FuncId) -> bool {
    program.function(thunk).is_some_and(|f| matches!(f.code.as_slice(), [Instr::Closure(_) | Instr::BuiltinRef(_), Instr::Return]))
}

/// The function of a plain handler that is a lambda without captures: its invocation can make
/// the closure and call it at once, without entering the handler's expression (a call, a frame
/// and a return through `resume`: about 48 compute units of an `on-event` invocation). The
/// closure cannot be seen by the handler's own code, so nothing observes the difference.
pub fn direct_handler(program: &Program, thunk: FuncId) -> Option<FuncId> {
    match program.function(thunk)?.code.as_slice() {
        [Instr::Closure(c), Instr::Return] if program.function(*c)?.captures.is_empty() => Some(*c),
        _ => None,
    }
}

/// Whether any code besides the top levels assigns a captured variable (a box). A callback that
/// does so changes its own closure, which the runtime keeps as bytes: the program hands the
/// closure back (support/auto.ll, ovsm_hand_back).
pub fn assigns_boxes(program: &Program, needed: &BTreeSet<u32>) -> bool {
    any_beyond_top_levels(program, needed, assigns_box)
}

/// The value and the global of a definition at `pc`: `(define NAME VALUE)` lowers to VALUE,
/// DefineGlobal, and `(defun NAME ...)` to Closure, Dup, DefineGlobal (its value is the function).
fn definition_at(code: &[Instr], pc: usize) -> Option<(&Instr, GlobalId)> {
    match code.get(pc..)? {
        [value, Instr::DefineGlobal(g), ..] | [value, Instr::Dup, Instr::DefineGlobal(g), ..] => Some((value, *g)),
        _ => None,
    }
}

/// One top-level definition that a program whose top level reads the chain makes again in
/// every invocation instead of keeping it in the state: a function without captures or a
/// builtin, into a global.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Definition {
    Function { function: FuncId, global: GlobalId },
    Builtin { builtin: ovsm_stdlib::BuiltinId, global: GlobalId },
}

impl Definition {
    pub fn global(&self) -> GlobalId {
        match self {
            Definition::Function { global, .. } | Definition::Builtin { global, .. } => *global,
        }
    }
}

/// The top level's definitions that need not be kept: `(defun f ...)`, `(define f (lambda ...))`
/// of a function that captures nothing, and `(define g +)`, each the only write to its global
/// anywhere in the program (so the value the whole top level leaves there is the one made). A
/// program whose top level reads the chain runs these, in order, instead of its whole top level
/// in invocations after its install: everything else the top level made comes from the state,
/// as the interpreter's top level runs once.
pub fn remade_definitions(program: &Program) -> Vec<Definition> {
    let mut writes: BTreeMap<u32, usize> = BTreeMap::new();
    for f in &program.functions {
        for instr in &f.code {
            if let Instr::SetGlobal(g) | Instr::DefineGlobal(g) | Instr::UpdateGlobal(g, _) = instr {
                *writes.entry(g.0).or_default() += 1;
            }
        }
    }
    let mut found = Vec::new();
    for FuncId(entry) in &program.entries {
        let Some(f) = program.function(FuncId(*entry)) else { continue };
        for pc in 0..f.code.len() {
            let definition = match definition_at(&f.code, pc) {
                Some((Instr::Closure(c), global)) => {
                    let captures = program.function(*c).map_or(1, |callee| callee.captures.len());
                    (captures == 0).then_some(Definition::Function { function: *c, global })
                }
                Some((Instr::BuiltinRef(b), global)) => Some(Definition::Builtin { builtin: *b, global }),
                _ => None,
            };
            if let Some(d) = definition.filter(|d| writes.get(&d.global().0) == Some(&1)) {
                found.push(d);
            }
        }
    }
    found
}
