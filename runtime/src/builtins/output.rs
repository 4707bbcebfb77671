//! Output and host builtins: `log`, `print`, `println`, `error`, `now`, `random`.

use super::{arg, Ctx, NativeFn};
use crate::print::{display, printed};
use crate::value::Value;
use crate::Fault;

pub fn lookup(name: &str) -> Option<NativeFn> {
    Some(match name {
        "log" => log,
        "print" => |ctx, a| {
            let text = joined(ctx, a);
            ctx.host.write(&text);
            Ok(Value::Nil)
        },
        "println" => |ctx, a| {
            let text = joined(ctx, a) + "\n";
            ctx.host.write(&text);
            Ok(Value::Nil)
        },
        "error" => |ctx, a| {
            let message = match a {
                [Value::Str(s)] => s.to_string(),
                [Value::Str(_), ..] => super::strings::format(ctx, "error", a)?,
                _ => display(arg(a, 0), ctx.program),
            };
            Err(Fault::user(message))
        },
        "now" => |ctx, _| {
            refuse_in_program(ctx, "now")?;
            let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
            Ok(Value::Int(i64::try_from(secs).unwrap_or(i64::MAX)))
        },
        "random" => |ctx, _| {
            refuse_in_program(ctx, "random")?;
            Ok(Value::Float(random_unit()))
        },
        _ => return None,
    })
}

/// Autonomous code must be deterministic: every validator replaying a slot must compute the
/// same result, so wall-clock time and randomness are refused there.
fn refuse_in_program(ctx: &Ctx, name: &str) -> Result<(), Fault> {
    if ctx.chain.current.is_some() {
        return Err(Fault::value_error(format!(
            "`{name}` is non-deterministic and not allowed inside autonomous programs; use (get-current-slot) or scenario data instead"
        )));
    }
    Ok(())
}

fn joined(ctx: &Ctx, a: &[Value]) -> String {
    a.iter().map(|v| display(v, ctx.program)).collect::<Vec<_>>().join(" ")
}

/// `(log :message "text" :k v ...)` prints `text k=v ...`; `(log x y ...)` prints display forms.
fn log(ctx: &mut Ctx, a: &[Value]) -> Result<Value, Fault> {
    let mut line = String::from(ctx.log_prefix);
    if matches!(a.first(), Some(Value::Keyword(_))) {
        let mut message = None;
        let mut fields = Vec::new();
        for pair in a.chunks(2) {
            match pair {
                [Value::Keyword(k), v] if &**k == "message" && message.is_none() => message = Some(display(v, ctx.program)),
                [Value::Keyword(k), v] => fields.push(format!("{k}={}", printed(v, ctx.program))),
                [other, ..] => return Err(Fault::expected("log", "keyword/value pairs after a leading keyword", other)),
                [] => {}
            }
        }
        let mut parts: Vec<String> = message.into_iter().collect();
        parts.extend(fields);
        line.push_str(&parts.join(" "));
    } else {
        line.push_str(&joined(ctx, a));
    }
    line.push('\n');
    ctx.host.write(&line);
    Ok(Value::Nil)
}

/// A float in [0, 1) from the OS's randomness, mixed through splitmix64.
/// `random` is for scripts only (the verifier keeps it out of autonomous callbacks).
fn random_unit() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0));
    let mut z = h.finish().wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}
