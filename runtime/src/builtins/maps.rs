//! Maps: `get`, `assoc`, `dissoc`, `keys`, `values`, `has-key?`.

use super::{arg, Ctx, NativeFn};
use crate::map::{Key, Map};
use crate::value::Value;
use crate::Fault;
use std::rc::Rc;

pub fn lookup(name: &str) -> Option<NativeFn> {
    Some(match name {
        "get" => get,
        "assoc" => |_, a| {
            let mut m = map_arg("assoc", arg(a, 0))?;
            let pairs = a.get(1..).unwrap_or(&[]);
            if !pairs.len().is_multiple_of(2) {
                return Err(Fault::arity("assoc", "a map and key/value pairs", a.len()));
            }
            for kv in pairs.chunks(2) {
                assoc_in_place(&mut m, arg(kv, 0), arg(kv, 1))?;
            }
            Ok(Value::Map(Rc::new(m)))
        },
        "dissoc" => |_, a| {
            let mut m = map_arg("dissoc", arg(a, 0))?;
            for k in a.get(1..).unwrap_or(&[]) {
                m.remove(&key("dissoc", k)?);
            }
            Ok(Value::Map(Rc::new(m)))
        },
        "keys" => |_, a| Ok(Value::array(map_arg("keys", arg(a, 0))?.iter().map(|(k, _)| k.clone()).collect())),
        "values" => |_, a| Ok(Value::array(map_arg("values", arg(a, 0))?.iter().map(|(_, v)| v.clone()).collect())),
        "has-key?" => |_, a| Ok(Value::Bool(map_arg("has-key?", arg(a, 0))?.contains(&key("has-key?", arg(a, 1))?))),
        _ => return None,
    })
}

/// A map argument (nil reads as the empty map), cloned cheaply for a functional update.
fn map_arg(op: &str, v: &Value) -> Result<Map, Fault> {
    match v {
        Value::Map(m) => Ok((**m).clone()),
        Value::Nil => Ok(Map::new()),
        other => Err(Fault::expected(op, "a map", other)),
    }
}

pub fn key(op: &str, v: &Value) -> Result<Key, Fault> {
    Key::of(v).ok_or_else(|| Fault::expected(op, "a key (string, keyword, number, boolean or nil)", v))
}

/// Sets a key in a map the caller owns. The interpreter's in-place `UpdateOp::Assoc` uses this.
pub fn assoc_in_place(m: &mut Map, k: &Value, v: &Value) -> Result<(), Fault> {
    m.insert(key("assoc", k)?, k.clone(), v.clone());
    Ok(())
}

fn get(_: &mut Ctx, a: &[Value]) -> Result<Value, Fault> {
    let default = a.get(2).cloned().unwrap_or_default();
    let found = match arg(a, 0) {
        Value::Map(m) => m.get(&key("get", arg(a, 1))?).cloned(),
        Value::Array(items) => match arg(a, 1) {
            Value::Int(i) => usize::try_from(*i).ok().and_then(|i| items.get(i)).cloned(),
            other => return Err(Fault::expected("get", "an integer index for an array", other)),
        },
        Value::Nil => None,
        other => return Err(Fault::expected("get", "a map or an array", other)),
    };
    Ok(found.unwrap_or(default))
}
