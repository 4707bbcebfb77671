//! The wire format in which values cross between a compiled program and the runtime: syscall
//! arguments and results, event data, callback arguments, return data. The program's half is
//! `codegen/support/auto.ll`, whose header states the format; this is the runtime's half.
//!
//! A closure stays opaque here: the runtime keeps its bytes and sends them back when it calls
//! it, so the program alone interprets function ids and captured values.

use crate::map::Map;
use crate::value::{CompiledFn, Value};
use std::rc::Rc;

const NIL: u8 = 0;
const BOOL: u8 = 1;
const INT: u8 = 2;
const FLOAT: u8 = 3;
const STRING: u8 = 4;
const KEYWORD: u8 = 5;
const ARRAY: u8 = 6;
const MAP: u8 = 7;
const CLOSURE: u8 = 8;
const BOX: u8 = 10;
const SUBSCRIPTION: u8 = 11;
const PROGRAM: u8 = 12;
/// A box that crossed before within the same outermost closure, by its number (the order boxes
/// first cross in it): how sharing and cycles through assigned variables cross.
const BOX_AGAIN: u8 = 13;
/// An array of `PACKED_ITEMS` or more ints alone or floats alone: u32 count, the items' tag
/// (INT or FLOAT), then each item's u64. Eight bytes an item instead of nine, and the program
/// reads and writes them without a tag test per item: the rolling windows of prices that
/// programs keep in their state. Every encoder writes such an array so, and no other.
const NUMBERS: u8 = 14;
/// codegen's `WIRE_PACKED`: below it, the program's checks cost more than packing saves.
const PACKED_ITEMS: usize = 4;

/// Nesting the program's recursive encoder and decoder accept (codegen's `WIRE_DEPTH`).
pub const MAX_DEPTH: usize = 24;

/// Encodes a value for a compiled program; an error names what cannot cross.
pub fn encode(value: &Value) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    write(value, &mut out, 0)?;
    Ok(out)
}

/// An invocation's arguments: always an array item by item (tag, u32 count, the items), never
/// packed, because the program decodes them straight into its value stack (`ovsm_push_args`).
pub fn encode_arguments(args: &[Value]) -> Result<Vec<u8>, String> {
    let mut out = vec![ARRAY];
    write_len(&mut out, args.len())?;
    for arg in args {
        write(arg, &mut out, 1)?;
    }
    Ok(out)
}

fn write_len(out: &mut Vec<u8>, n: usize) -> Result<(), String> {
    let n = u32::try_from(n).map_err(|_| format!("a collection of {n} items is too large to pass to a compiled program"))?;
    out.extend_from_slice(&n.to_le_bytes());
    Ok(())
}

/// A u64 length, then the bytes: the program's string object layout, so that the program can use
/// the strings of its instruction data where they lie.
fn write_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u64).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn write(value: &Value, out: &mut Vec<u8>, depth: usize) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err(format!("a value nested more than {MAX_DEPTH} levels deep cannot be passed to a compiled program"));
    }
    match value {
        Value::Nil => out.push(NIL),
        Value::Bool(b) => out.extend_from_slice(&[BOOL, u8::from(*b)]),
        Value::Int(n) => {
            out.push(INT);
            out.extend_from_slice(&n.to_le_bytes());
        }
        Value::Float(f) => {
            out.push(FLOAT);
            out.extend_from_slice(&f.to_bits().to_le_bytes());
        }
        Value::Str(s) => {
            out.push(STRING);
            write_str(out, s);
        }
        Value::Keyword(k) => {
            out.push(KEYWORD);
            write_str(out, k);
        }
        Value::Program(p) => {
            out.push(PROGRAM);
            write_str(out, p);
        }
        Value::Subscription(id) => {
            out.push(SUBSCRIPTION);
            out.extend_from_slice(&id.to_le_bytes());
        }
        Value::Array(items) => match numbers(items, depth) {
            Some(tag) => {
                out.push(NUMBERS);
                write_len(out, items.len())?;
                out.push(tag);
                for item in items.iter() {
                    let bits = match item {
                        Value::Int(n) => *n as u64,
                        Value::Float(f) => f.to_bits(),
                        _ => 0,
                    };
                    out.extend_from_slice(&bits.to_le_bytes());
                }
            }
            None => {
                out.push(ARRAY);
                write_len(out, items.len())?;
                for item in items.iter() {
                    write(item, out, depth + 1)?;
                }
            }
        },
        Value::Map(map) => {
            out.push(MAP);
            write_len(out, map.len())?;
            for (k, v) in map.iter() {
                write(k, out, depth + 1)?;
                write(v, out, depth + 1)?;
            }
        }
        Value::Compiled(f) => match &**f {
            CompiledFn::Closure { wire, .. } => out.extend_from_slice(&wire.borrow()),
            CompiledFn::Handler { .. } => return Err("an `on-event` handler cannot be passed to a compiled program".into()),
        },
        Value::Cell(cell) => write(&cell.borrow(), out, depth)?,
        Value::Closure(_) | Value::Builtin(_) => return Err("an interpreted function cannot be passed to a compiled program".into()),
    }
    Ok(())
}

/// The tag of an array's items when there are `PACKED_ITEMS` or more, all ints or all floats
/// (and they may nest one level deeper, as their own encoding would), for NUMBERS.
fn numbers(items: &crate::value::Array, depth: usize) -> Option<u8> {
    if items.len() < PACKED_ITEMS {
        return None;
    }
    let mut items = items.iter();
    let tag = match items.next()? {
        Value::Int(_) => INT,
        Value::Float(_) => FLOAT,
        _ => return None,
    };
    let same = |v: &Value| matches!((tag, v), (INT, Value::Int(_)) | (FLOAT, Value::Float(_)));
    (depth < MAX_DEPTH && items.all(same)).then_some(tag)
}

/// Decodes exactly one value from `bytes`.
pub fn decode(bytes: &[u8]) -> Result<Value, String> {
    let mut reader = Reader { bytes, at: 0, closure_boxes: None };
    let value = reader.value(0)?;
    if reader.at != bytes.len() {
        return Err(format!("{} bytes after the value", bytes.len() - reader.at));
    }
    Ok(value)
}

struct Reader<'b> {
    bytes: &'b [u8],
    at: usize,
    /// Inside a closure: the boxes its captures have crossed so far.
    closure_boxes: Option<usize>,
}

impl<'b> Reader<'b> {
    fn take(&mut self, n: usize) -> Result<&'b [u8], String> {
        let end = self.at.checked_add(n).filter(|e| *e <= self.bytes.len()).ok_or("the value ends early")?;
        let slice = self.bytes.get(self.at..end).ok_or("the value ends early")?;
        self.at = end;
        Ok(slice)
    }

    fn u8(&mut self) -> Result<u8, String> {
        self.take(1)?.first().copied().ok_or_else(|| "the value ends early".to_string())
    }

    fn u32(&mut self) -> Result<usize, String> {
        let b: [u8; 4] = self.take(4)?.try_into().map_err(|_| "short length")?;
        Ok(u32::from_le_bytes(b) as usize)
    }

    fn u64(&mut self) -> Result<u64, String> {
        let b: [u8; 8] = self.take(8)?.try_into().map_err(|_| "short word")?;
        Ok(u64::from_le_bytes(b))
    }

    fn string(&mut self) -> Result<&'b str, String> {
        let n = usize::try_from(self.u64()?).map_err(|_| "a string longer than memory")?;
        std::str::from_utf8(self.take(n)?).map_err(|_| "a string that is not UTF-8".to_string())
    }

    fn value(&mut self, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err(format!("the value nests more than {MAX_DEPTH} levels deep"));
        }
        let start = self.at;
        Ok(match self.u8()? {
            NIL => Value::Nil,
            BOOL => Value::Bool(self.u8()? != 0),
            INT => Value::Int(self.u64()? as i64),
            FLOAT => Value::Float(f64::from_bits(self.u64()?)),
            STRING => Value::str(self.string()?),
            KEYWORD => Value::Keyword(Rc::from(self.string()?)),
            PROGRAM => Value::Program(Rc::from(self.string()?)),
            SUBSCRIPTION => Value::Subscription(self.u64()?),
            ARRAY => {
                let n = self.u32()?;
                let mut items = crate::value::Array::new();
                for _ in 0..n {
                    items.push_back(self.value(depth + 1)?);
                }
                Value::array(items)
            }
            NUMBERS => {
                let n = self.u32()?;
                let tag = self.u8()?;
                let words = self.take(n.checked_mul(8).ok_or("the value ends early")?)?;
                let items = words.chunks_exact(8).map(|w| {
                    let bits = u64::from_le_bytes(w.try_into().unwrap_or_default());
                    if tag == INT {
                        Value::Int(bits as i64)
                    } else {
                        Value::Float(f64::from_bits(bits))
                    }
                });
                match tag {
                    INT | FLOAT => Value::array(items.collect()),
                    other => return Err(format!("packed numbers tagged {other}")),
                }
            }
            MAP => {
                let n = self.u32()?;
                let mut map = Map::new();
                for _ in 0..n {
                    let k = self.value(depth + 1)?;
                    let v = self.value(depth + 1)?;
                    let key = crate::map::Key::of(&k).ok_or("a map key that is not a string, keyword, integer, boolean or nil")?;
                    map.insert(key, k, v);
                }
                Value::Map(Rc::new(map))
            }
            CLOSURE => {
                let _function = self.u32()?;
                let name = self.string()?.to_string();
                let captures = self.u32()?;
                // Box numbers start again at each outermost closure, whose bytes are kept whole.
                let outermost = self.closure_boxes.is_none();
                if outermost {
                    self.closure_boxes = Some(0);
                }
                let skipped = (0..captures).try_for_each(|_| self.skip_capture(depth + 1));
                if outermost {
                    self.closure_boxes = None;
                }
                skipped?;
                let wire = self.bytes.get(start..self.at).ok_or("the closure ends early")?;
                Value::Compiled(Rc::new(CompiledFn::Closure { name, wire: std::cell::RefCell::new(wire.into()) }))
            }
            other => return Err(format!("unknown tag {other}")),
        })
    }

    /// Captured values may hold boxes (variables the closure assigns), which only the program
    /// interprets: checked for shape, kept as bytes.
    fn skip_capture(&mut self, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err(format!("the value nests more than {MAX_DEPTH} levels deep"));
        }
        match self.bytes.get(self.at) {
            Some(&BOX) => {
                self.at += 1;
                self.closure_boxes = self.closure_boxes.map(|n| n + 1);
                self.skip_capture(depth + 1)
            }
            Some(&BOX_AGAIN) => {
                self.at += 1;
                let number = self.u32()?;
                match self.closure_boxes {
                    Some(crossed) if number < crossed => Ok(()),
                    _ => Err(format!("box {number} crosses again before it crossed")),
                }
            }
            _ => self.value(depth).map(|_| ()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_round_trips() {
        let mut map = Map::new();
        let slot = Value::Keyword(Rc::from("slot"));
        map.insert(crate::map::Key::of(&slot).unwrap(), slot, Value::Int(-7));
        let items = Value::array([Value::Bool(true), Value::Nil, Value::Subscription(3)].into_iter().collect());
        map.insert(crate::map::Key::of(&Value::str("price")).unwrap(), Value::str("price"), items);
        let value = Value::Map(Rc::new(map));
        let bytes = encode(&value).unwrap();
        assert!(crate::value::equal(&decode(&bytes).unwrap(), &value));
    }

    #[test]
    fn arrays_of_one_number_type_cross_packed() {
        let floats = Value::array([1.5, -0.0, f64::NAN, f64::INFINITY].into_iter().map(Value::Float).collect());
        let bytes = encode(&floats).unwrap();
        assert_eq!(&bytes[..6], &[NUMBERS, 4, 0, 0, 0, FLOAT]);
        assert_eq!(bytes.len(), 6 + 4 * 8);
        let Value::Array(back) = decode(&bytes).unwrap() else { panic!("not an array") };
        let bits: Vec<u64> = back.iter().map(|v| if let Value::Float(f) = v { f.to_bits() } else { 0 }).collect();
        assert_eq!(bits, [1.5f64.to_bits(), (-0.0f64).to_bits(), f64::NAN.to_bits(), f64::INFINITY.to_bits()]);
        let ints = Value::array([-1, i64::MAX, 0, 7].into_iter().map(Value::Int).collect());
        let bytes = encode(&ints).unwrap();
        assert_eq!(&bytes[..6], &[NUMBERS, 4, 0, 0, 0, INT]);
        assert!(crate::value::equal(&decode(&bytes).unwrap(), &ints));
        // Mixed, short, or other items: a plain array.
        let mixed = vec![Value::Int(1), Value::Float(1.0), Value::Int(2), Value::Int(3)];
        for items in [mixed, vec![Value::Int(1); 3], vec![], vec![Value::Nil; 4]] {
            assert_eq!(encode(&Value::array(items.into_iter().collect())).unwrap()[0], ARRAY);
        }
    }

    #[test]
    fn malformed_input_is_an_error() {
        assert!(decode(&[NUMBERS, 1, 0, 0, 0, STRING, 0, 0, 0, 0, 0, 0, 0, 0]).is_err());
        assert!(decode(&[NUMBERS, 2, 0, 0, 0, INT, 0, 0, 0, 0, 0, 0, 0, 0]).is_err());
        assert!(decode(&[NUMBERS, 255, 255, 255, 255, INT]).is_err());
        assert!(decode(&[INT, 1, 2]).is_err());
        assert!(decode(&[ARRAY, 255, 255, 255, 255]).is_err());
        assert!(decode(&[99]).is_err());
        assert!(decode(&[NIL, NIL]).is_err());
        let deep: Vec<u8> = std::iter::repeat_n([ARRAY, 1, 0, 0, 0], 100).flatten().chain([NIL]).collect();
        assert!(decode(&deep).is_err());
    }

    #[test]
    fn a_box_may_cross_again_within_its_closure() {
        // A recursive local function: the closure captures box 0, which holds a closure that
        // captures box 0 again.
        let inner = [CLOSURE, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, b'f', 1, 0, 0, 0, BOX_AGAIN, 0, 0, 0, 0];
        let mut bytes = vec![CLOSURE, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, b'g', 1, 0, 0, 0, BOX];
        bytes.extend_from_slice(&inner);
        let v = decode(&bytes).unwrap();
        assert_eq!(encode(&v).unwrap(), bytes);
        // A number no box has had yet, and one outside any closure, are malformed.
        let mut early = bytes.clone();
        let number_at = early.len() - 4;
        early[number_at] = 1;
        assert!(decode(&early).is_err());
        assert!(decode(&[BOX_AGAIN, 0, 0, 0, 0]).is_err());
    }

    #[test]
    fn closures_keep_their_bytes() {
        let mut bytes = vec![CLOSURE, 9, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, b'c', b'b', 1, 0, 0, 0, BOX, INT];
        bytes.extend_from_slice(&5i64.to_le_bytes());
        let v = decode(&bytes).unwrap();
        assert_eq!(encode(&v).unwrap(), bytes);
        assert_eq!(crate::print::printed(&v, &ovsm_ir::Program::default()), "#<function cb>");
    }
}
