//! Run-time values of the interpreter.

use crate::map::Map;
use ovsm_ir::FuncId;
use ovsm_stdlib::BuiltinId;
use std::cell::RefCell;
use std::rc::Rc;

/// Arrays are persistent vectors: cloning is O(1) and pushing is amortised O(1), so
/// functional updates (`append`, `cons`, `assoc`) never copy the whole collection.
pub type Array = imbl::Vector<Value>;

#[derive(Debug, Default)]
pub enum Value {
    #[default]
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Rc<str>),
    Keyword(Rc<str>),
    Array(Rc<Array>),
    Map(Rc<Map>),
    Closure(Rc<Closure>),
    Builtin(BuiltinId),
    Program(Rc<str>),
    Subscription(u64),
    /// A function of a compiled program, held by the runtime (a callback or an `on-event`
    /// handler): called by invoking the program, never by the interpreter.
    Compiled(Rc<CompiledFn>),
    /// A variable that a closure captures and something assigns: never seen by programs,
    /// only through the IR's `*Boxed` instructions.
    Cell(Rc<RefCell<Value>>),
}

impl Value {
    /// Drops a value, inline for the scalars that own nothing (the general drop glue is a call
    /// the interpreter's hot paths would otherwise make for every integer they discard).
    #[inline(always)]
    pub fn discard(self) {
        match self {
            Value::Nil | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Builtin(_) | Value::Subscription(_) => {
                std::mem::forget(self)
            }
            other => drop(other),
        }
    }
}

impl Clone for Value {
    /// Written out so the interpreter's hot paths inline it: scalars copy, the rest bump a count.
    #[inline(always)]
    fn clone(&self) -> Value {
        match self {
            Value::Nil => Value::Nil,
            Value::Bool(b) => Value::Bool(*b),
            Value::Int(n) => Value::Int(*n),
            Value::Float(f) => Value::Float(*f),
            Value::Str(s) => Value::Str(s.clone()),
            Value::Keyword(s) => Value::Keyword(s.clone()),
            Value::Array(a) => Value::Array(a.clone()),
            Value::Map(m) => Value::Map(m.clone()),
            Value::Closure(c) => Value::Closure(c.clone()),
            Value::Builtin(b) => Value::Builtin(*b),
            Value::Program(p) => Value::Program(p.clone()),
            Value::Subscription(id) => Value::Subscription(*id),
            Value::Compiled(f) => Value::Compiled(f.clone()),
            Value::Cell(c) => Value::Cell(c.clone()),
        }
    }
}

/// What the runtime keeps of a compiled program's function.
#[derive(Debug, PartialEq, Eq)]
pub enum CompiledFn {
    /// A closure the program passed to a syscall: its wire encoding (function id, name and
    /// captured values, runtime/src/compiled/wire.rs), sent back when it is called. A call that
    /// assigns one of its captured variables hands the closure back changed, and every holder
    /// of this closure sees the new bytes, as every holder of an interpreted closure sees its
    /// boxes change.
    Closure { name: String, wire: std::cell::RefCell<Box<[u8]>> },
    /// Handler `index` of program `program`'s `on-event` clauses.
    Handler { program: u32, index: u32 },
}

impl CompiledFn {
    pub fn name(&self) -> &str {
        match self {
            CompiledFn::Closure { name, .. } => name,
            CompiledFn::Handler { .. } => "handler",
        }
    }
}

#[derive(Debug)]
pub struct Closure {
    pub func: FuncId,
    pub captures: Box<[Value]>,
}

impl Value {
    pub fn is_truthy(&self) -> bool {
        !matches!(self, Value::Nil | Value::Bool(false))
    }

    pub fn str(s: &str) -> Value {
        Value::Str(Rc::from(s))
    }

    pub fn array(items: Array) -> Value {
        Value::Array(Rc::new(items))
    }

    /// The name `type-of` returns.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Nil => "nil",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "string",
            Value::Keyword(_) => "keyword",
            Value::Array(_) => "array",
            Value::Map(_) => "map",
            Value::Closure(_) | Value::Builtin(_) | Value::Compiled(_) => "function",
            Value::Program(_) => "program",
            Value::Subscription(_) => "subscription",
            Value::Cell(c) => c.borrow().type_name(),
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(n) => Some(*n as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }
}

/// Structural equality: numbers by value across int and float, collections element-wise,
/// maps regardless of insertion order, functions by identity.
pub fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Nil, Value::Nil) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => num_eq(a, b),
        (Value::Str(x), Value::Str(y)) | (Value::Keyword(x), Value::Keyword(y)) | (Value::Program(x), Value::Program(y)) => x == y,
        (Value::Array(x), Value::Array(y)) => Rc::ptr_eq(x, y) || (x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| equal(p, q))),
        (Value::Map(x), Value::Map(y)) => Rc::ptr_eq(x, y) || x.equal(y),
        (Value::Closure(x), Value::Closure(y)) => Rc::ptr_eq(x, y),
        (Value::Compiled(x), Value::Compiled(y)) => Rc::ptr_eq(x, y) || x == y,
        (Value::Builtin(x), Value::Builtin(y)) => x == y,
        (Value::Subscription(x), Value::Subscription(y)) => x == y,
        _ => false,
    }
}

/// Numeric equality that is exact for every pair of i64 and f64 (no rounding of large ints).
fn num_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Int(i), Value::Float(f)) | (Value::Float(f), Value::Int(i)) => int_float_cmp(*i, *f) == Some(std::cmp::Ordering::Equal),
        (Value::Float(x), Value::Float(y)) => x == y,
        _ => false,
    }
}

/// Compares an i64 with an f64 exactly.
pub fn int_float_cmp(i: i64, f: f64) -> Option<std::cmp::Ordering> {
    if f.is_nan() {
        return None;
    }
    // 2^63 as f64 is exact; anything at or beyond it is out of i64 range.
    if f >= 9_223_372_036_854_775_808.0 {
        return Some(std::cmp::Ordering::Less);
    }
    if f < -9_223_372_036_854_775_808.0 {
        return Some(std::cmp::Ordering::Greater);
    }
    let t = f.trunc();
    let ti = t as i64;
    match i.cmp(&ti) {
        std::cmp::Ordering::Equal => 0.0f64.partial_cmp(&(f - t)),
        other => Some(other),
    }
}
