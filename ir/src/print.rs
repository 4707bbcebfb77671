//! A deterministic text form of the IR, used by `ovsm check --emit ir`, the REPL's `:ir`
//! and the snapshot tests.

use crate::{Constant, Function, Instr, Program};
use ovsm_lexer::float_literal;

pub fn print_program(program: &Program, skip_functions: usize) -> String {
    let mut out = String::new();
    for (i, f) in program.functions.iter().enumerate().skip(skip_functions) {
        print_function(i, f, program, &mut out);
    }
    for p in &program.programs {
        out.push_str(&format!(
            "program {}: startup {:?}, handlers [{}]\n",
            p.name,
            p.startup.iter().map(|f| f.0).collect::<Vec<_>>(),
            p.handlers.iter().map(|(e, f, _)| format!("{e:?} -> fn{}", f.0)).collect::<Vec<_>>().join(", ")
        ));
    }
    out
}

fn print_function(idx: usize, f: &Function, program: &Program, out: &mut String) {
    out.push_str(&format!(
        "fn{idx} {} (required {}, optional {}, rest {}) slots {} captures {:?}\n",
        f.name, f.params.required, f.params.optional, f.params.rest, f.n_slots, f.captures
    ));
    for (pc, instr) in f.code.iter().enumerate() {
        out.push_str(&format!("  {pc:4}  {}\n", describe(instr, program)));
    }
}

fn describe(instr: &Instr, program: &Program) -> String {
    match instr {
        Instr::Const(i) => format!("Const {}", program.constants.get(*i as usize).map_or("?".into(), constant_text)),
        Instr::Global(g) | Instr::SetGlobal(g) | Instr::DefineGlobal(g) => {
            let op = match instr {
                Instr::Global(_) => "Global",
                Instr::SetGlobal(_) => "SetGlobal",
                _ => "DefineGlobal",
            };
            format!("{op} {}", program.global_name(*g))
        }
        Instr::CallGlobal(g, argc) => format!("CallGlobal {} {argc}", program.global_name(*g)),
        Instr::TailCallGlobal(g, argc) => {
            format!("TailCallGlobal {} {argc}", program.global_name(*g))
        }
        Instr::UpdateGlobal(g, op) => format!("UpdateGlobal {} {op:?}", program.global_name(*g)),
        Instr::CallBuiltin(id, argc) => format!("CallBuiltin {} {argc}", ovsm_stdlib::get(*id).map_or("?", |b| b.name)),
        Instr::BuiltinRef(id) => format!("BuiltinRef {}", ovsm_stdlib::get(*id).map_or("?", |b| b.name)),
        Instr::Closure(f) => format!("Closure fn{}", f.0),
        other => format!("{other:?}").replace('(', " ").replace([')', ','], ""),
    }
}

fn constant_text(c: &Constant) -> String {
    match c {
        Constant::Float(f) => float_literal(*f),
        Constant::Str(s) => ovsm_lexer::string_literal(s),
        Constant::Keyword(k) => format!(":{k}"),
        Constant::Int(n) => n.to_string(),
        Constant::Bool(b) => b.to_string(),
        Constant::Nil => "nil".into(),
        Constant::Program(p) => format!("#<program {p}>"),
        Constant::Array(items) => format!("[{}]", items.iter().map(constant_text).collect::<Vec<_>>().join(" ")),
        Constant::Map(items) => {
            format!("{{{}}}", items.iter().map(|(k, v)| format!("{} {}", constant_text(k), constant_text(v))).collect::<Vec<_>>().join(" "))
        }
    }
}
