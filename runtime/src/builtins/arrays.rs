//! Arrays: access, building, ordering. `map`, `filter` and `reduce` are in the prelude.

use super::{arg, array_arg, check_size, int_arg, Ctx, NativeFn};
use crate::builtins::numbers::compare;
use crate::value::{Array, Value};
use crate::Fault;
use std::cmp::Ordering;

pub fn lookup(name: &str) -> Option<NativeFn> {
    Some(match name {
        "nth" => nth,
        "first" => |_, a| Ok(seq("first", arg(a, 0))?.front().cloned().unwrap_or_default()),
        "last" => |_, a| Ok(seq("last", arg(a, 0))?.back().cloned().unwrap_or_default()),
        "rest" => |_, a| {
            let items = seq("rest", arg(a, 0))?;
            Ok(Value::array(if items.is_empty() { items } else { items.skip(1) }))
        },
        "append" => |_, a| append(arg(a, 0), arg(a, 1)),
        "cons" => |_, a| {
            let mut items = array_arg("cons", arg(a, 1))?.clone();
            items.push_front(arg(a, 0).clone());
            Ok(Value::array(items))
        },
        "list" => |_, a| Ok(Value::array(a.iter().cloned().collect())),
        "range" => range,
        "reverse" => reverse,
        "%sort" => sort,
        "slice" => slice,
        "%range-bound" => |_, a| int_arg("range", arg(a, 0)).map(Value::Int),
        "empty?" => |_, a| {
            Ok(Value::Bool(match arg(a, 0) {
                Value::Array(items) => items.is_empty(),
                Value::Str(s) => s.is_empty(),
                Value::Map(m) => m.is_empty(),
                Value::Nil => true,
                other => return Err(Fault::expected("empty?", "an array, string or map", other)),
            }))
        },
        _ => return None,
    })
}

/// An array, or nil read as the empty array.
fn seq(op: &str, v: &Value) -> Result<Array, Fault> {
    match v {
        Value::Array(items) => Ok((**items).clone()),
        Value::Nil => Ok(Array::new()),
        other => Err(Fault::expected(op, "an array", other)),
    }
}

fn nth(_: &mut Ctx, a: &[Value]) -> Result<Value, Fault> {
    let i = int_arg("nth", arg(a, 1))?;
    match arg(a, 0) {
        Value::Array(items) => {
            usize::try_from(i).ok().and_then(|i| items.get(i)).cloned().ok_or_else(|| Fault::index(i, items.len(), "array"))
        }
        Value::Str(s) => {
            let n = s.chars().count();
            usize::try_from(i)
                .ok()
                .and_then(|i| s.chars().nth(i))
                .map(|c| Value::str(&c.to_string()))
                .ok_or_else(|| Fault::index(i, n, "string"))
        }
        other => Err(Fault::expected("nth", "an array", other)),
    }
}

/// Arrays longer than this are refused: persistent vectors share structure, so appending an
/// array to itself doubles its length without using memory, until the vector's own length
/// arithmetic would overflow.
const MAX_ARRAY_LEN: usize = 1 << 32;

fn check_len(a: usize, b: usize) -> Result<(), Fault> {
    if a.saturating_add(b) > MAX_ARRAY_LEN {
        return Err(Fault::fatal("E0209", format!("memory limit exceeded: an array of more than {MAX_ARRAY_LEN} elements")));
    }
    Ok(())
}

/// Concatenation.
pub fn append(target: &Value, more: &Value) -> Result<Value, Fault> {
    let mut items = array_arg("append", target)?.clone();
    let more = array_arg("append", more)?;
    check_len(items.len(), more.len())?;
    items.append(more.clone());
    Ok(Value::array(items))
}

/// Appends to an array the caller owns, in place.
pub fn append_in_place(items: &mut Array, more: &Value) -> Result<(), Fault> {
    let more = array_arg("append", more)?;
    check_len(items.len(), more.len())?;
    if more.len() == 1 {
        if let Some(x) = more.front() {
            items.push_back(x.clone());
        }
    } else {
        items.append(more.clone());
    }
    Ok(())
}

fn range(ctx: &mut Ctx, a: &[Value]) -> Result<Value, Fault> {
    let (start, end, step) = match a {
        [n] => (0, int_arg("range", n)?, 1),
        [s, e] => (int_arg("range", s)?, int_arg("range", e)?, 1),
        _ => (int_arg("range", arg(a, 0))?, int_arg("range", arg(a, 1))?, int_arg("range", arg(a, 2))?),
    };
    if step == 0 {
        return Err(Fault::value_error("`range` step must not be zero"));
    }
    let count = if step > 0 {
        (end as i128 - start as i128 + step as i128 - 1) / step as i128
    } else {
        (start as i128 - end as i128 - step as i128 - 1) / (-(step as i128))
    };
    let count = usize::try_from(count.max(0)).unwrap_or(usize::MAX);
    check_size(ctx, count, "range")?;
    Ok(Value::array((0..count).map(|i| Value::Int((start as i128 + i as i128 * step as i128) as i64)).collect()))
}

fn reverse(_: &mut Ctx, a: &[Value]) -> Result<Value, Fault> {
    match arg(a, 0) {
        Value::Array(items) => Ok(Value::array(items.iter().rev().cloned().collect())),
        Value::Str(s) => Ok(Value::str(&s.chars().rev().collect::<String>())),
        other => Err(Fault::expected("reverse", "an array or string", other)),
    }
}

fn sort(_: &mut Ctx, a: &[Value]) -> Result<Value, Fault> {
    let items = array_arg("sort", arg(a, 0))?;
    let mut v: Vec<Value> = items.iter().cloned().collect();
    // Check comparability first so the sort itself never has to fail midway.
    for w in v.windows(2) {
        if let [x, y] = w {
            compare("sort", x, y)?;
        }
    }
    if let [only] = v.as_slice() {
        compare("sort", only, only)?;
    }
    v.sort_by(sort_order);
    Ok(Value::array(v.into_iter().collect()))
}

/// The order `sort` uses: `compare`'s, with NaN after every number and equal to other NaNs.
/// That is a total order, so every stable sort (the compiled back end's insertion sort too)
/// puts an array in the same order.
fn sort_order(x: &Value, y: &Value) -> Ordering {
    let is_nan = |v: &Value| matches!(v, Value::Float(f) if f.is_nan());
    match compare("sort", x, y) {
        Ok(Some(o)) => o,
        _ => is_nan(x).cmp(&is_nan(y)),
    }
}

fn slice(_: &mut Ctx, a: &[Value]) -> Result<Value, Fault> {
    let items = array_arg("slice", arg(a, 0))?;
    let start = int_arg("slice", arg(a, 1))?;
    let end = int_arg("slice", arg(a, 2))?;
    let len = items.len();
    let ok = |i: i64| i >= 0 && (i as u64) <= len as u64;
    if !ok(start) {
        return Err(Fault::index(start, len, "array"));
    }
    if !ok(end) || end < start {
        return Err(Fault::index(end, len, "array"));
    }
    Ok(Value::array(items.clone().slice(start as usize..end as usize)))
}
