//! Arithmetic and comparison. The two-argument forms are also the interpreter's fast paths.

use super::{arg, NativeFn};
use crate::float_pow::{self, Exponent};
use crate::value::{equal, int_float_cmp};
use crate::{Fault, Value};
use std::cmp::Ordering;

pub fn lookup(name: &str) -> Option<NativeFn> {
    Some(match name {
        "+" => |_, a| fold(a, Value::Int(0), add),
        "*" => |_, a| fold(a, Value::Int(1), mul),
        "-" => |_, a| match a {
            [x] => neg(x),
            [x, rest @ ..] => rest.iter().try_fold(x.clone(), |acc, y| sub(&acc, y)),
            [] => Ok(Value::Int(0)),
        },
        "/" => |_, a| match a.split_first() {
            Some((x, rest)) => rest.iter().try_fold(x.clone(), |acc, y| div(&acc, y)),
            None => Ok(Value::Nil),
        },
        "%" => |_, a| rem(arg(a, 0), arg(a, 1)),
        "abs" => |_, a| abs(arg(a, 0)),
        "min" => |_, a| extreme(a, "min", Ordering::Less),
        "max" => |_, a| extreme(a, "max", Ordering::Greater),
        "pow" => |_, a| pow(arg(a, 0), arg(a, 1)),
        "sqrt" => |_, a| float_of("sqrt", arg(a, 0)).map(|f| Value::Float(f.sqrt())),
        "floor" => |_, a| to_int("floor", arg(a, 0), f64::floor),
        "ceil" => |_, a| to_int("ceil", arg(a, 0), f64::ceil),
        "round" => |_, a| to_int("round", arg(a, 0), f64::round),
        "not" => |_, a| Ok(Value::Bool(!arg(a, 0).is_truthy())),
        "=" => |_, a| Ok(Value::Bool(a.windows(2).all(|w| matches!(w, [x, y] if equal(x, y))))),
        "!=" => |_, a| Ok(Value::Bool(!equal(arg(a, 0), arg(a, 1)))),
        "<" => |_, a| chain(a, "<", |o| o == Ordering::Less),
        "<=" => |_, a| chain(a, "<=", |o| o != Ordering::Greater),
        ">" => |_, a| chain(a, ">", |o| o == Ordering::Greater),
        ">=" => |_, a| chain(a, ">=", |o| o != Ordering::Less),
        _ => return None,
    })
}

fn fold(args: &[Value], init: Value, op: fn(&Value, &Value) -> Result<Value, Fault>) -> Result<Value, Fault> {
    match args {
        [single] => op(&init, single),
        _ => args.iter().try_fold(init, |acc, x| op(&acc, x)),
    }
}

/// Applies an int operation (checked) or a float operation, promoting ints when either side is a float.
#[inline(always)]
fn arith(name: &str, a: &Value, b: &Value, int: fn(i64, i64) -> Option<i64>, float: fn(f64, f64) -> f64) -> Result<Value, Fault> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => int(*x, *y).map(Value::Int).ok_or_else(|| Fault::overflow(name)),
        (Value::Float(x), Value::Float(y)) => Ok(Value::Float(float(*x, *y))),
        (Value::Int(x), Value::Float(y)) => Ok(Value::Float(float(*x as f64, *y))),
        (Value::Float(x), Value::Int(y)) => Ok(Value::Float(float(*x, *y as f64))),
        (Value::Int(_) | Value::Float(_), other) | (other, _) => Err(Fault::expected(name, "numbers", other)),
    }
}

#[inline]
pub fn add(a: &Value, b: &Value) -> Result<Value, Fault> {
    arith("+", a, b, i64::checked_add, |x, y| x + y)
}

#[inline]
pub fn sub(a: &Value, b: &Value) -> Result<Value, Fault> {
    arith("-", a, b, i64::checked_sub, |x, y| x - y)
}

#[inline]
pub fn mul(a: &Value, b: &Value) -> Result<Value, Fault> {
    arith("*", a, b, i64::checked_mul, |x, y| x * y)
}

fn neg(a: &Value) -> Result<Value, Fault> {
    match a {
        Value::Int(x) => x.checked_neg().map(Value::Int).ok_or_else(|| Fault::overflow("-")),
        Value::Float(x) => Ok(Value::Float(-x)),
        other => Err(Fault::expected("-", "a number", other)),
    }
}

fn is_zero(v: &Value) -> bool {
    matches!(v, Value::Int(0)) || matches!(v, Value::Float(f) if *f == 0.0)
}

fn div(a: &Value, b: &Value) -> Result<Value, Fault> {
    if is_zero(b) && matches!(a, Value::Int(_) | Value::Float(_)) {
        return Err(Fault::division_by_zero());
    }
    // Rust's `/` on i64 truncates toward zero; only MIN / -1 overflows.
    arith("/", a, b, i64::checked_div, |x, y| x / y)
}

fn rem(a: &Value, b: &Value) -> Result<Value, Fault> {
    if is_zero(b) && matches!(a, Value::Int(_) | Value::Float(_)) {
        return Err(Fault::division_by_zero());
    }
    // `%` keeps the sign of the dividend, like Rust's and C's. MIN % -1 is 0 mathematically.
    arith("%", a, b, |x, y| Some(x.checked_rem(y).unwrap_or(0)), |x, y| x % y)
}

fn abs(a: &Value) -> Result<Value, Fault> {
    match a {
        Value::Int(x) => x.checked_abs().map(Value::Int).ok_or_else(|| Fault::overflow("abs")),
        Value::Float(x) => Ok(Value::Float(x.abs())),
        other => Err(Fault::expected("abs", "a number", other)),
    }
}

fn pow(base: &Value, exp: &Value) -> Result<Value, Fault> {
    match (base, exp) {
        (Value::Int(b), Value::Int(e)) if *e >= 0 => {
            let e = u32::try_from(*e).map_err(|_| Fault::overflow("pow"));
            match e {
                Ok(e) => b.checked_pow(e).map(Value::Int).ok_or_else(|| Fault::overflow("pow")),
                // Exponents past u32 only fit for bases -1, 0 and 1.
                Err(fault) => match b {
                    0 | 1 => Ok(Value::Int(*b)),
                    -1 => Ok(Value::Int(if exp_is_even(exp) { 1 } else { -1 })),
                    _ => Err(fault),
                },
            }
        }
        _ => {
            let b = float_of("pow", base)?;
            let e = match exp {
                Value::Int(n) => Exponent::Int(*n),
                other => Exponent::Float(float_of("pow", other)?),
            };
            Ok(Value::Float(float_pow::pow(b, e)))
        }
    }
}

fn exp_is_even(v: &Value) -> bool {
    matches!(v, Value::Int(n) if n % 2 == 0)
}

pub(crate) fn float_of(op: &str, v: &Value) -> Result<f64, Fault> {
    v.as_f64().ok_or_else(|| Fault::expected(op, "a number", v))
}

fn to_int(op: &str, v: &Value, f: fn(f64) -> f64) -> Result<Value, Fault> {
    match v {
        Value::Int(n) => Ok(Value::Int(*n)),
        Value::Float(x) => {
            let r = f(*x);
            if r.is_nan() || !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&r) {
                return Err(Fault::overflow(op));
            }
            Ok(Value::Int(r as i64))
        }
        other => Err(Fault::expected(op, "a number", other)),
    }
}

/// Orders two numbers, or two strings; anything else is a type error.
pub fn compare(op: &str, a: &Value, b: &Value) -> Result<Option<Ordering>, Fault> {
    Ok(match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Float(x), Value::Float(y)) => x.partial_cmp(y),
        (Value::Int(x), Value::Float(y)) => int_float_cmp(*x, *y),
        (Value::Float(x), Value::Int(y)) => int_float_cmp(*y, *x).map(Ordering::reverse),
        (Value::Str(x), Value::Str(y)) => Some(x.cmp(y)),
        (Value::Int(_) | Value::Float(_) | Value::Str(_), other) | (other, _) => {
            return Err(Fault::expected(op, "numbers or strings", other))
        }
    })
}

/// A comparison chain: true when every adjacent pair satisfies `ok` (NaN satisfies nothing).
fn chain(args: &[Value], op: &str, ok: fn(Ordering) -> bool) -> Result<Value, Fault> {
    for w in args.windows(2) {
        if let [a, b] = w {
            match compare(op, a, b)? {
                Some(o) if ok(o) => {}
                _ => return Ok(Value::Bool(false)),
            }
        }
    }
    if let [single] = args {
        compare(op, single, single)?;
    }
    Ok(Value::Bool(true))
}

pub fn compare2(op: &str, a: &Value, b: &Value, ok: fn(Ordering) -> bool) -> Result<Value, Fault> {
    Ok(Value::Bool(compare(op, a, b)?.is_some_and(ok)))
}

fn extreme(args: &[Value], op: &str, want: Ordering) -> Result<Value, Fault> {
    let mut best = arg(args, 0);
    if best.as_f64().is_none() {
        return Err(Fault::expected(op, "numbers", best));
    }
    for v in args.get(1..).unwrap_or(&[]) {
        if v.as_f64().is_none() {
            return Err(Fault::expected(op, "numbers", v));
        }
        if compare(op, v, best)? == Some(want) {
            best = v;
        }
    }
    Ok(best.clone())
}
