//! Insertion-ordered persistent maps.
//!
//! Entries live in an ordered map keyed by insertion sequence, with a hash index from key to
//! sequence: lookups, `assoc` and `dissoc` are O(log n) and leave the original map intact
//! while sharing almost all of its structure.

use crate::value::{equal, Value};
use std::rc::Rc;

/// A map key: keywords and strings with the same text are the same key (`:asset` and `"asset"`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    Name(Rc<str>),
    Int(i64),
    Bool(bool),
    Nil,
    /// Floats by bit pattern; `-0.0` is normalised to `0.0` and integral floats to ints so that
    /// `(get m 1.0)` finds key `1`.
    Float(u64),
}

impl Key {
    pub fn of(value: &Value) -> Option<Key> {
        Some(match value {
            Value::Str(s) | Value::Keyword(s) => Key::Name(s.clone()),
            Value::Int(n) => Key::Int(*n),
            Value::Bool(b) => Key::Bool(*b),
            Value::Nil => Key::Nil,
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Key::Int(*f as i64),
            Value::Float(f) => Key::Float(f.to_bits()),
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, Default)]
pub struct Map {
    /// Insertion sequence to (key as first written, value).
    entries: imbl::OrdMap<u64, (Value, Value)>,
    index: imbl::HashMap<Key, u64>,
    next: u64,
}

impl Map {
    pub fn new() -> Map {
        Map::default()
    }

    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    pub fn get(&self, key: &Key) -> Option<&Value> {
        self.index.get(key).and_then(|seq| self.entries.get(seq)).map(|(_, v)| v)
    }

    pub fn contains(&self, key: &Key) -> bool {
        self.index.contains_key(key)
    }

    /// Sets `key` (written as `written`) to `value`, keeping its position when it exists.
    pub fn insert(&mut self, key: Key, written: Value, value: Value) {
        match self.index.get(&key) {
            Some(seq) => {
                if let Some(entry) = self.entries.get_mut(seq) {
                    entry.1 = value;
                }
            }
            None => {
                let seq = self.next;
                self.next += 1;
                self.index.insert(key, seq);
                self.entries.insert(seq, (written, value));
            }
        }
    }

    pub fn remove(&mut self, key: &Key) {
        if let Some(seq) = self.index.remove(key) {
            self.entries.remove(&seq);
        }
    }

    /// Entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&Value, &Value)> {
        self.entries.values().map(|(k, v)| (k, v))
    }

    /// Same keys with equal values, whatever the order.
    pub fn equal(&self, other: &Map) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| Key::of(k).and_then(|key| other.get(&key)).is_some_and(|w| equal(v, w)))
    }
}
