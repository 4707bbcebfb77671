//! How values print (contract section 3): the printed form, and the display form that `str`,
//! `print` and log messages use (strings without quotes).

use crate::value::Value;
use ovsm_ir::Program;
use ovsm_lexer::{float_literal, string_literal};

/// Collections nested deeper than this print as `...` instead of recursing further.
const MAX_PRINT_DEPTH: usize = 10_000;

pub fn printed(value: &Value, program: &Program) -> String {
    let mut out = String::new();
    write_value(value, program, &mut out, 0);
    out
}

/// Strings raw, everything else as printed.
pub fn display(value: &Value, program: &Program) -> String {
    match value {
        Value::Str(s) => s.to_string(),
        other => printed(other, program),
    }
}

fn write_value(value: &Value, program: &Program, out: &mut String, depth: usize) {
    if depth > MAX_PRINT_DEPTH {
        out.push_str("...");
        return;
    }
    match value {
        Value::Nil => out.push_str("nil"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(n) => out.push_str(&n.to_string()),
        Value::Float(f) => out.push_str(&float_literal(*f)),
        Value::Str(s) => out.push_str(&string_literal(s)),
        Value::Keyword(k) => {
            out.push(':');
            out.push_str(k);
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_value(item, program, out, depth + 1);
            }
            out.push(']');
        }
        Value::Map(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_value(k, program, out, depth + 1);
                out.push(' ');
                write_value(v, program, out, depth + 1);
            }
            out.push('}');
        }
        Value::Closure(c) => {
            out.push_str("#<function ");
            out.push_str(program.function(c.func).map_or("lambda", |f| f.name.as_str()));
            out.push('>');
        }
        Value::Builtin(id) => {
            out.push_str("#<function ");
            out.push_str(ovsm_stdlib::get(*id).map_or("?", |b| b.name));
            out.push('>');
        }
        Value::Program(name) => {
            out.push_str("#<program ");
            out.push_str(name);
            out.push('>');
        }
        Value::Subscription(id) => out.push_str(&format!("#<subscription {id}>")),
        Value::Compiled(f) => {
            out.push_str("#<function ");
            out.push_str(f.name());
            out.push('>');
        }
        Value::Cell(cell) => write_value(&cell.borrow(), program, out, depth),
    }
}
