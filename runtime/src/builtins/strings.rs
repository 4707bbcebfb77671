//! Strings: `str`, `length`, `substring`, case, `split`, `join`, `contains?`, `format`, `trim`.

use super::{arg, int_arg, str_arg, Ctx, NativeFn};
use crate::print::display;
use crate::value::{equal, Value};
use crate::Fault;

pub fn lookup(name: &str) -> Option<NativeFn> {
    Some(match name {
        "str" => |ctx, a| Ok(Value::str(&a.iter().map(|v| display(v, ctx.program)).collect::<String>())),
        "length" => length,
        "substring" => substring,
        "to-upper" => |_, a| str_arg("to-upper", arg(a, 0)).map(|s| Value::str(&s.to_uppercase())),
        "to-lower" => |_, a| str_arg("to-lower", arg(a, 0)).map(|s| Value::str(&s.to_lowercase())),
        "trim" => |_, a| str_arg("trim", arg(a, 0)).map(|s| Value::str(s.trim())),
        "split" => split,
        "join" => join,
        "contains?" => contains,
        "format" => |ctx, a| format(ctx, "format", a).map(|s| Value::str(&s)),
        _ => return None,
    })
}

fn length(_: &mut Ctx, a: &[Value]) -> Result<Value, Fault> {
    let n = match arg(a, 0) {
        Value::Str(s) => s.chars().count(),
        Value::Array(items) => items.len(),
        Value::Map(m) => m.len(),
        Value::Nil => 0,
        other => return Err(Fault::expected("length", "a string, array or map", other)),
    };
    Ok(Value::Int(i64::try_from(n).unwrap_or(i64::MAX)))
}

fn substring(_: &mut Ctx, a: &[Value]) -> Result<Value, Fault> {
    let s = str_arg("substring", arg(a, 0))?;
    let start = int_arg("substring", arg(a, 1))?;
    let end = int_arg("substring", arg(a, 2))?;
    let len = s.chars().count();
    let in_range = |i: i64| i >= 0 && (i as u64) <= len as u64;
    if !in_range(start) {
        return Err(Fault::index(start, len, "string"));
    }
    if !in_range(end) || end < start {
        return Err(Fault::index(end, len, "string"));
    }
    Ok(Value::str(&s.chars().skip(start as usize).take((end - start) as usize).collect::<String>()))
}

fn split(_: &mut Ctx, a: &[Value]) -> Result<Value, Fault> {
    let s = str_arg("split", arg(a, 0))?;
    let sep = str_arg("split", arg(a, 1))?;
    let parts: crate::value::Array =
        if sep.is_empty() { s.chars().map(|c| Value::str(&c.to_string())).collect() } else { s.split(sep).map(Value::str).collect() };
    Ok(Value::array(parts))
}

fn join(ctx: &mut Ctx, a: &[Value]) -> Result<Value, Fault> {
    let (items, sep) = match (arg(a, 0), a.get(1)) {
        (Value::Array(items), None) => (items, ""),
        (Value::Array(items), Some(sep)) => (items, str_arg("join", sep)?),
        (Value::Str(sep), Some(Value::Array(items))) => (items, &**sep),
        (other, _) => return Err(Fault::expected("join", "an array and a separator string", other)),
    };
    Ok(Value::str(&items.iter().map(|v| display(v, ctx.program)).collect::<Vec<_>>().join(sep)))
}

fn contains(_: &mut Ctx, a: &[Value]) -> Result<Value, Fault> {
    Ok(Value::Bool(match (arg(a, 0), arg(a, 1)) {
        (Value::Str(s), Value::Str(sub)) => s.contains(&**sub),
        (Value::Str(_), other) => return Err(Fault::expected("contains?", "a string to look for", other)),
        (Value::Array(items), x) => items.iter().any(|v| equal(v, x)),
        (Value::Map(m), k) => crate::map::Key::of(k).is_some_and(|k| m.contains(&k)),
        (other, _) => return Err(Fault::expected("contains?", "a string, array or map", other)),
    }))
}

/// Replaces each `{}` or `~a` in the first argument with the display form of the next argument.
pub fn format(ctx: &mut Ctx, op: &str, a: &[Value]) -> Result<String, Fault> {
    let fmt = str_arg(op, arg(a, 0))?;
    let mut rest = a.get(1..).unwrap_or(&[]).iter();
    let mut out = String::with_capacity(fmt.len());
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        let placeholder = matches!((c, chars.peek()), ('{', Some('}')) | ('~', Some('a' | 'A')));
        if !placeholder {
            out.push(c);
            continue;
        }
        chars.next();
        match rest.next() {
            Some(v) => out.push_str(&display(v, ctx.program)),
            None => return Err(Fault::new("E0202", format!("`{op}`: the format string has more placeholders than arguments"))),
        }
    }
    Ok(out)
}
