//! Account watchers (design note 2.3: account data, balance and owner changes): criteria, and
//! deciding whether a change to an account makes them hold.

use super::bank::AccountView;
use crate::fault::Fault;
use crate::map::Map;
use crate::scenario::FieldType;
use crate::value::Value;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Comparison {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    /// Fires when the value moves by at least threshold percent of the old value.
    ChangePercent,
    /// Fires when the value moves by at least threshold.
    ChangeAbsolute,
}

impl Comparison {
    pub fn parse(text: &str) -> Option<Comparison> {
        Some(match text {
            "=" | "==" => Comparison::Eq,
            "!=" => Comparison::Ne,
            ">" => Comparison::Gt,
            "<" => Comparison::Lt,
            ">=" => Comparison::Ge,
            "<=" => Comparison::Le,
            "CHANGE_PERCENT" => Comparison::ChangePercent,
            "CHANGE_ABSOLUTE" => Comparison::ChangeAbsolute,
            _ => return None,
        })
    }
}

/// What part of the account a watcher looks at.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// A little-endian field of the data at an offset, masked.
    Data {
        offset: usize,
        ty: FieldType,
        mask: u64,
    },
    Lamports,
    Owner,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Watch {
    pub account: String,
    pub source: Source,
    pub comparison: Comparison,
    pub threshold: f64,
    /// For owner watchers: fire only when the new owner is this address.
    pub new_owner: Option<String>,
}

/// A watched quantity: numbers for data and balances, addresses for owners.
#[derive(Clone, Debug, PartialEq)]
pub enum Reading {
    Int(i128),
    Float(f64),
    Text(String),
}

impl Reading {
    pub fn to_value(&self) -> Value {
        match self {
            Reading::Int(i) => i64::try_from(*i).map(Value::Int).unwrap_or(Value::Float(*i as f64)),
            Reading::Float(f) => Value::Float(*f),
            Reading::Text(t) => Value::str(t),
        }
    }

    fn number(&self) -> Option<f64> {
        match self {
            Reading::Int(i) => Some(*i as f64),
            Reading::Float(f) => Some(*f),
            Reading::Text(_) => None,
        }
    }
}

/// Reads a typed little-endian field; None when it lies outside the data.
pub fn read_field(data: &[u8], offset: usize, ty: FieldType, mask: u64) -> Option<Reading> {
    let bytes = data.get(offset..offset.checked_add(ty.width())?)?;
    let mut raw = [0u8; 8];
    raw.get_mut(..bytes.len())?.copy_from_slice(bytes);
    let bits = u64::from_le_bytes(raw) & mask;
    Some(match ty {
        FieldType::I64 => Reading::Int(i128::from(bits as i64)),
        FieldType::U64 => Reading::Int(i128::from(bits)),
        FieldType::I32 => Reading::Int(i128::from(bits as u32 as i32)),
        FieldType::U32 => Reading::Int(i128::from(bits as u32)),
        FieldType::U8 => Reading::Int(i128::from(bits as u8)),
        FieldType::F64 => Reading::Float(f64::from_bits(bits)),
    })
}

impl Watch {
    pub fn read(&self, account: Option<&AccountView>) -> Option<Reading> {
        let account = account?;
        match &self.source {
            Source::Data { offset, ty, mask } => read_field(&account.data, *offset, *ty, *mask),
            Source::Lamports => Some(Reading::Int(i128::from(account.lamports))),
            Source::Owner => Some(Reading::Text(account.owner.clone())),
        }
    }

    fn holds(&self, r: &Reading) -> bool {
        let Some(v) = r.number() else { return false };
        let t = self.threshold;
        match self.comparison {
            Comparison::Eq => v == t,
            Comparison::Ne => v != t,
            Comparison::Gt => v > t,
            Comparison::Lt => v < t,
            Comparison::Ge => v >= t,
            Comparison::Le => v <= t,
            Comparison::ChangePercent | Comparison::ChangeAbsolute => false,
        }
    }

    /// Whether the change from `old` to `new` fires the watcher: level comparisons fire when
    /// the change makes them hold (they did not before), change comparisons when the move is
    /// large enough, owner watchers when the owner changes (to `new_owner`, if given).
    pub fn fires(&self, old: Option<&Reading>, new: Option<&Reading>) -> bool {
        let Some(new) = new else { return false };
        if self.source == Source::Owner {
            let changed = old != Some(new);
            return changed && self.new_owner.as_ref().is_none_or(|o| matches!(new, Reading::Text(t) if t == o));
        }
        match self.comparison {
            Comparison::ChangePercent | Comparison::ChangeAbsolute => {
                let (Some(o), Some(n)) = (old.and_then(Reading::number), new.number()) else { return false };
                let moved = (n - o).abs();
                if self.comparison == Comparison::ChangeAbsolute {
                    moved >= self.threshold && moved > 0.0
                } else {
                    o != 0.0 && moved * 100.0 >= self.threshold * o.abs()
                }
            }
            _ => self.holds(new) && !old.is_some_and(|o| self.holds(o)),
        }
    }
}

/// Parses `:criteria {:offset O :mask M :comparison C :threshold X [:type T] [:source S]}`.
pub fn parse_criteria(
    op: &str,
    account: String,
    criteria: &Value,
    default_source: Source,
    account_size: Option<usize>,
) -> Result<Watch, Fault> {
    let empty = Map::new();
    let m = match criteria {
        Value::Map(m) => m.as_ref(),
        Value::Nil => &empty,
        other => return Err(Fault::expected(op, "a criteria map {:offset :mask :comparison :threshold}", other)),
    };
    let get = |k: &str| m.get(&crate::map::Key::Name(std::rc::Rc::from(k)));
    for (k, _) in m.iter() {
        let name = match k {
            Value::Keyword(s) | Value::Str(s) => s.to_string(),
            _ => String::new(),
        };
        if !["offset", "mask", "comparison", "threshold", "type", "source", "new-owner"].contains(&name.as_str()) {
            return Err(Fault::value_error(format!(
                "`{op}`: unknown criteria key `{name}` (expected :offset :mask :comparison :threshold :type :source :new-owner)"
            )));
        }
    }
    let source = match get("source") {
        None => default_source,
        Some(Value::Str(s)) | Some(Value::Keyword(s)) => match &**s {
            "data" => Source::Data { offset: 0, ty: FieldType::I64, mask: u64::MAX },
            "lamports" => Source::Lamports,
            "owner" => Source::Owner,
            other => return Err(Fault::value_error(format!("`{op}`: unknown :source \"{other}\" (data, lamports or owner)"))),
        },
        Some(other) => return Err(Fault::expected(op, "a :source string", other)),
    };
    let source = match source {
        Source::Data { .. } => {
            let offset = match get("offset") {
                Some(Value::Int(o)) if *o >= 0 => *o as usize,
                Some(other) => return Err(Fault::expected(op, "a non-negative integer :offset", other)),
                None => return Err(Fault::value_error(format!("`{op}`: data criteria need :offset"))),
            };
            let ty = match get("type") {
                None => FieldType::I64,
                Some(Value::Str(t)) | Some(Value::Keyword(t)) => FieldType::parse(t)
                    .ok_or_else(|| Fault::value_error(format!("`{op}`: unknown :type \"{t}\" (i64, u64, i32, u32, u8, f64)")))?,
                Some(other) => return Err(Fault::expected(op, "a :type string", other)),
            };
            let mask = match get("mask") {
                None => u64::MAX,
                Some(Value::Int(m)) => *m as u64,
                Some(other) => return Err(Fault::expected(op, "an integer :mask", other)),
            };
            if let Some(size) = account_size {
                if offset + ty.width() > size {
                    return Err(Fault::new(
                        "E0206",
                        format!(
                            "`{op}`: criteria offset {offset} plus the {}-byte field is past the end of the account's {size} bytes of data (index out of range)",
                            ty.width()
                        ),
                    ));
                }
            }
            Source::Data { offset, ty, mask }
        }
        other => other,
    };
    let comparison = match get("comparison") {
        None if source == Source::Owner => Comparison::Ne,
        Some(Value::Str(c)) | Some(Value::Keyword(c)) => Comparison::parse(c).ok_or_else(|| {
            Fault::value_error(format!("`{op}`: unknown comparison \"{c}\" (=, !=, >, <, >=, <=, CHANGE_PERCENT, CHANGE_ABSOLUTE)"))
        })?,
        Some(other) => return Err(Fault::expected(op, "a comparison string", other)),
        None => return Err(Fault::value_error(format!("`{op}`: criteria need :comparison"))),
    };
    let threshold = match get("threshold") {
        Some(v @ (Value::Int(_) | Value::Float(_))) => v.as_f64().unwrap_or(0.0),
        None if source == Source::Owner => 0.0,
        Some(other) => return Err(Fault::expected(op, "a numeric :threshold", other)),
        None => return Err(Fault::value_error(format!("`{op}`: criteria need :threshold"))),
    };
    let new_owner = match get("new-owner") {
        Some(Value::Str(s)) => Some(s.to_string()),
        Some(other) => return Err(Fault::expected(op, "an address string :new-owner", other)),
        None => None,
    };
    Ok(Watch { account, source, comparison, threshold, new_owner })
}
