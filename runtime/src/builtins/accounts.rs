//! Reading and writing accounts in the bank. Writes are allowed only to accounts the running
//! program owns, as on Solana; they are rolled back if the invocation fails.

use super::{arg, int_arg, str_arg, Ctx, NativeFn};
use crate::chain::bank::AccountView;
use crate::chain::watch::{read_field, Reading};
use crate::map::{Key, Map};
use crate::scenario::{FieldType, FieldValue};
use crate::value::Value;
use crate::Fault;
use std::rc::Rc;

pub fn lookup(name: &str) -> Option<NativeFn> {
    Some(match name {
        "get-account" => get_account,
        "read-field" => read,
        "write-field" => write,
        "transfer-lamports" => transfer,
        _ => return None,
    })
}

fn field_type(op: &str, v: Option<&Value>) -> Result<FieldType, Fault> {
    match v {
        None | Some(Value::Nil) => Ok(FieldType::I64),
        Some(Value::Str(t)) | Some(Value::Keyword(t)) => FieldType::parse(t)
            .ok_or_else(|| Fault::value_error(format!("`{op}`: unknown field type \"{t}\" (i64, u64, i32, u32, u8, f64)"))),
        Some(other) => Err(Fault::expected(op, "a field type string", other)),
    }
}

fn account(ctx: &mut Ctx, op: &str, address: &str) -> Result<AccountView, Fault> {
    crate::chain::bank::address(address).map_err(|why| Fault::value_error(format!("`{op}`: {why}")))?;
    ctx.chain.bank().account(address).ok_or_else(|| Fault::value_error(format!("`{op}`: no account `{address}` in the bank")))
}

fn get_account(ctx: &mut Ctx, a: &[Value]) -> Result<Value, Fault> {
    let address = str_arg("get-account", arg(a, 0))?;
    crate::chain::bank::address(address).map_err(|why| Fault::value_error(format!("`get-account`: {why}")))?;
    let Some(view) = ctx.chain.bank().account(address) else { return Ok(Value::Nil) };
    let mut m = Map::new();
    let mut put = |k: &str, v: Value| m.insert(Key::Name(Rc::from(k)), Value::Keyword(Rc::from(k)), v);
    put("lamports", Value::Int(i64::try_from(view.lamports).unwrap_or(i64::MAX)));
    put("owner", Value::str(&view.owner));
    put("data-length", Value::Int(view.data.len() as i64));
    Ok(Value::Map(Rc::new(m)))
}

fn read(ctx: &mut Ctx, a: &[Value]) -> Result<Value, Fault> {
    const OP: &str = "read-field";
    let address = str_arg(OP, arg(a, 0))?.to_string();
    let offset = int_arg(OP, arg(a, 1))?;
    let ty = field_type(OP, a.get(2))?;
    let view = account(ctx, OP, &address)?;
    let len = view.data.len();
    let reading = usize::try_from(offset)
        .ok()
        .and_then(|o| read_field(&view.data, o, ty, u64::MAX))
        .ok_or_else(|| Fault::index(offset, len, "account data"))?;
    Ok(match reading {
        Reading::Int(i) => i64::try_from(i).map(Value::Int).map_err(|_| Fault::overflow(OP))?,
        Reading::Float(f) => Value::Float(f),
        Reading::Text(t) => Value::str(&t),
    })
}

/// Checks that the running program owns the account, and records it for rollback.
fn writable(ctx: &mut Ctx, op: &str, address: &str) -> Result<AccountView, Fault> {
    let view = account(ctx, op, address)?;
    let me = ctx.chain.current.and_then(|p| ctx.chain.programs.get(p)).map(|p| p.address.clone());
    match me {
        Some(me) if me == view.owner => {
            ctx.chain.touch(address);
            Ok(view)
        }
        Some(_) => Err(Fault::value_error(format!("`{op}`: account `{address}` is owned by `{}`, not by the running program", view.owner))),
        None => Err(Fault::value_error(format!("`{op}` must be called from inside an autonomous program"))),
    }
}

fn write(ctx: &mut Ctx, a: &[Value]) -> Result<Value, Fault> {
    const OP: &str = "write-field";
    let address = str_arg(OP, arg(a, 0))?.to_string();
    let offset = int_arg(OP, arg(a, 1))?;
    let ty = field_type(OP, a.get(2))?;
    let value = match arg(a, 3) {
        Value::Int(i) => FieldValue::Int(i128::from(*i)),
        Value::Float(f) => FieldValue::Float(*f),
        other => return Err(Fault::expected(OP, "a number to write", other)),
    };
    let mut view = writable(ctx, OP, &address)?;
    let bytes = ty.encode(value).map_err(|why| Fault::value_error(format!("`{OP}`: {why}")))?;
    let len = view.data.len();
    let start = usize::try_from(offset).map_err(|_| Fault::index(offset, len, "account data"))?;
    let target = view.data.get_mut(start..start + bytes.len()).ok_or_else(|| Fault::index(offset, len, "account data"))?;
    target.copy_from_slice(&bytes);
    ctx.chain.bank().set_account(&address, view).map_err(|why| Fault::value_error(format!("`{OP}`: {why}")))?;
    Ok(Value::Nil)
}

fn transfer(ctx: &mut Ctx, a: &[Value]) -> Result<Value, Fault> {
    const OP: &str = "transfer-lamports";
    let from = str_arg(OP, arg(a, 0))?.to_string();
    let to = str_arg(OP, arg(a, 1))?.to_string();
    let amount = int_arg(OP, arg(a, 2))?;
    let amount = u64::try_from(amount).map_err(|_| Fault::value_error(format!("`{OP}`: amount {amount} is negative")))?;
    let source = writable(ctx, OP, &from)?;
    crate::chain::bank::address(&to).map_err(|why| Fault::value_error(format!("`{OP}`: {why}")))?;
    ctx.chain.touch(&to);
    let change = crate::scenario::Change::Transfer { to, lamports: amount };
    let _ = source;
    crate::chain::apply_change(ctx.chain.bank(), &from, &change).map_err(|why| Fault::value_error(format!("`{OP}`: {why}")))?;
    Ok(Value::Nil)
}
