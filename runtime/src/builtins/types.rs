//! Type predicates and conversions.

use super::{arg, NativeFn};
use crate::value::Value;
use crate::Fault;
use ovsm_lexer::string_literal;

pub fn lookup(name: &str) -> Option<NativeFn> {
    Some(match name {
        "type-of" => |_, a| Ok(Value::str(arg(a, 0).type_name())),
        "int?" => |_, a| Ok(Value::Bool(matches!(arg(a, 0), Value::Int(_)))),
        "float?" => |_, a| Ok(Value::Bool(matches!(arg(a, 0), Value::Float(_)))),
        "number?" => |_, a| Ok(Value::Bool(matches!(arg(a, 0), Value::Int(_) | Value::Float(_)))),
        "string?" => |_, a| Ok(Value::Bool(matches!(arg(a, 0), Value::Str(_)))),
        "keyword?" => |_, a| Ok(Value::Bool(matches!(arg(a, 0), Value::Keyword(_)))),
        "bool?" => |_, a| Ok(Value::Bool(matches!(arg(a, 0), Value::Bool(_)))),
        "array?" => |_, a| Ok(Value::Bool(matches!(arg(a, 0), Value::Array(_)))),
        "map?" => |_, a| Ok(Value::Bool(matches!(arg(a, 0), Value::Map(_)))),
        "nil?" => |_, a| Ok(Value::Bool(matches!(arg(a, 0), Value::Nil))),
        "fn?" => |_, a| Ok(Value::Bool(matches!(arg(a, 0), Value::Closure(_) | Value::Builtin(_) | Value::Compiled(_)))),
        "int" => |_, a| match arg(a, 0) {
            Value::Int(n) => Ok(Value::Int(*n)),
            Value::Float(f) if f.is_finite() && f.trunc().abs() < 9.223_372_036_854_775e18 => Ok(Value::Int(f.trunc() as i64)),
            Value::Float(_) => Err(Fault::overflow("int")),
            Value::Str(s) => {
                // The text as OVSM writes a string (not Rust's `{:?}`, which escapes more).
                s.trim()
                    .parse::<i64>()
                    .map(Value::Int)
                    .map_err(|_| Fault::value_error(format!("`int`: {} is not an integer", string_literal(s))))
            }
            other => Err(Fault::expected("int", "a number or a numeric string", other)),
        },
        "float" => |_, a| match arg(a, 0) {
            Value::Int(n) => Ok(Value::Float(*n as f64)),
            Value::Float(f) => Ok(Value::Float(*f)),
            Value::Str(s) => s
                .trim()
                .parse::<f64>()
                .map(Value::Float)
                .map_err(|_| Fault::value_error(format!("`float`: {} is not a number", string_literal(s)))),
            other => Err(Fault::expected("float", "a number or a numeric string", other)),
        },
        _ => return None,
    })
}
