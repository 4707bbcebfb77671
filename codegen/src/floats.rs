//! Whether a compiled program can ever hold a float.
//!
//! The soft-float library (support/softfloat.ll, with Ryu's printing and the decimal parser) is
//! about 16 KB of a program's code, and a program that never makes a float carries it only for
//! the float cases of arithmetic, comparison, equality and printing, which never run. Such a
//! program is linked with support/nofloat.ll instead, whose entry points stop the program with
//! `sol_panic_`: if this analysis were ever wrong, the program would stop, never print a wrong
//! result (and the differential corpus, which compiles every float-free case this way, would
//! fail).
//!
//! A float can only come from: a float literal (also inside a literal array or map); a builtin
//! that makes one from non-floats (`pow`, `sqrt`, `float`, `random`, `now`); account data
//! (`read-field` with a type that is not a literal integer type); or data the runtime
//! hands the program: an `on-event` handler's event (a scenario's transactions can emit any
//! TOML value), a watcher's readings (`sol-watch-account`), the records of
//! `sol-query-subscriptions`, and the event or return data of a `PROGRAM_EVENT` or
//! `CPI_RETURN` subscription. A subscription's type is a string, so `sol-subscribe-event` counts
//! as such a source unless neither name appears among the program's constants and it builds no
//! string (no `str`, `format`, `join`, `substring`, case mapping, `trim` or `split`). Every other
//! operation makes a float only from a float. The state account holds only the program's own
//! values, and the instruction data only its own values and account addresses.

use crate::reach::reachable;
use ovsm_ir::{Constant, Instr, Program};

/// Builtins that can return a float given no float.
const MAKE_FLOATS: [&str; 7] = ["pow", "sqrt", "float", "random", "now", "sol-watch-account", "sol-query-subscriptions"];

/// Builtins that build a string from parts: with one, a program could spell a subscription type.
const BUILD_STRINGS: [&str; 8] = ["str", "format", "join", "substring", "to-upper", "to-lower", "trim", "split"];

/// `read-field` types whose reading is never a float (the runtime's `FieldType`s but `f64`).
const INTEGER_FIELDS: [&str; 5] = ["i64", "u64", "i32", "u32", "u8"];

/// The subscription types whose callbacks receive data from outside the program.
const DATA_ROUTES: [&str; 2] = ["PROGRAM_EVENT", "CPI_RETURN"];

/// Whether any run of the compiled program could make or receive a float.
pub fn may_hold_floats(program: &Program) -> bool {
    if program.programs.iter().any(|p| !p.handlers.is_empty()) {
        return true;
    }
    let mut subscribes = false;
    let mut builds_strings = false;
    let mut names_a_route = false;
    for id in reachable(program) {
        let Some(f) = program.function(ovsm_ir::FuncId(id)) else { continue };
        for (pc, instr) in f.code.iter().enumerate() {
            match instr {
                Instr::Const(c) => {
                    let Some(constant) = program.constants.get(*c as usize) else { return true };
                    if holds_float(constant) {
                        return true;
                    }
                    names_a_route |= names_route(constant);
                }
                // (a builtin taken as a value can be called with any arguments)
                Instr::CallBuiltin(b, _) | Instr::BuiltinRef(b) => {
                    let name = ovsm_stdlib::get(*b).map_or("", |b| b.name);
                    let reads_float =
                        name == "read-field" && !matches!(instr, Instr::CallBuiltin(_, n) if integer_field(program, &f.code, pc, *n));
                    if MAKE_FLOATS.contains(&name) || reads_float {
                        return true;
                    }
                    subscribes |= name == "sol-subscribe-event";
                    builds_strings |= BUILD_STRINGS.contains(&name);
                }
                _ => {}
            }
        }
    }
    subscribes && (names_a_route || builds_strings)
}

fn holds_float(constant: &Constant) -> bool {
    match constant {
        Constant::Float(_) => true,
        Constant::Array(items) => items.iter().any(holds_float),
        Constant::Map(pairs) => pairs.iter().any(|(k, v)| holds_float(k) || holds_float(v)),
        _ => false,
    }
}

fn names_route(constant: &Constant) -> bool {
    match constant {
        Constant::Str(s) | Constant::Keyword(s) => DATA_ROUTES.contains(&s.as_str()),
        Constant::Array(items) => items.iter().any(names_route),
        Constant::Map(pairs) => pairs.iter().any(|(k, v)| names_route(k) || names_route(v)),
        _ => false,
    }
}

/// Whether the `read-field` call at `pc` (with `n` arguments) reads an integer: its type is
/// left out or nil (an `i64`), or is an integer type's literal pushed just before the call.
fn integer_field(program: &Program, code: &[Instr], pc: usize, n: u8) -> bool {
    if n == 2 {
        return true;
    }
    let before = pc.checked_sub(1).and_then(|p| code.get(p));
    match before {
        Some(Instr::Nil) => true,
        Some(Instr::Const(c)) => matches!(
            program.constants.get(*c as usize),
            Some(Constant::Str(t) | Constant::Keyword(t)) if INTEGER_FIELDS.contains(&t.as_str())
        ),
        _ => false,
    }
}
