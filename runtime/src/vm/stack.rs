//! The operand stack: values in a vector that only grows, with the height kept apart.
//!
//! Rust builds a new enum value in a temporary on the native stack (a tag byte, then a payload
//! word) and copies it to its place with a 16-byte load that straddles both stores: a
//! store-forwarding stall, on every push, that cost more than the rest of most instructions.
//! Safe Rust cannot store a variant's tag and payload separately, but it can leave the tag
//! alone: the stack's slots are reused by the same kinds of values over and over, so scalars
//! stay in their slot when popped, and pushing an integer over an integer (or moving one over
//! another) writes only the payload word.
//!
//! **Invariant:** every slot at or above the height owns nothing: it is a scalar (nil, a bool,
//! an int, a float) left by a pop, or `Nil`. A pop takes any value that owns something out of
//! its slot, so a popped collection is not kept alive (its reference count stays exact, and
//! `Rc::make_mut` can still update it in place), and a push may overwrite a slot without
//! dropping what is there.

use crate::value::Value;

pub(super) struct Stack {
    slots: Vec<Value>,
    height: usize,
}

impl Stack {
    pub(super) fn with_capacity(n: usize) -> Stack {
        let mut slots = Vec::with_capacity(n);
        slots.resize_with(n, Value::default);
        Stack { slots, height: 0 }
    }

    #[inline(always)]
    pub(super) fn len(&self) -> usize {
        self.height
    }

    #[inline(always)]
    pub(super) fn push(&mut self, v: Value) {
        match self.slots.get_mut(self.height) {
            // The slot owns nothing (the invariant): forgetting what it held is exact.
            Some(slot) => std::mem::forget(std::mem::replace(slot, v)),
            None => self.grow(v),
        }
        self.height += 1;
    }

    /// [`Stack::push`] of an integer, writing only the payload where the slot holds one.
    #[inline(always)]
    pub(super) fn push_int(&mut self, n: i64) {
        match self.slots.get_mut(self.height) {
            Some(Value::Int(x)) => *x = n,
            Some(slot) => std::mem::forget(std::mem::replace(slot, Value::Int(n))),
            None => self.grow(Value::Int(n)),
        }
        self.height += 1;
    }

    /// Pushes a copy of live slot `i` (a local); false if there is no such slot.
    #[inline(always)]
    pub(super) fn push_copy(&mut self, i: usize) -> bool {
        match self.get(i) {
            Some(&Value::Int(n)) => self.push_int(n),
            Some(v) => {
                let v = v.clone();
                self.push(v);
            }
            None => return false,
        }
        true
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self, v: Value) {
        self.slots.push(v);
        // Double, so that growth is amortised O(1) and rare.
        let more = self.slots.len();
        self.slots.resize_with(self.slots.len() + more, Value::default);
    }

    #[inline(always)]
    pub(super) fn pop(&mut self) -> Option<Value> {
        let top = self.height.checked_sub(1)?;
        let v = take_owned(self.slots.get_mut(top)?);
        self.height = top;
        Some(v)
    }

    /// Moves the top value down to live slot `at` and drops everything above it: a call's
    /// result taking the place of its callee or first argument. Does nothing unless `at` is
    /// below the top.
    #[inline(always)]
    pub(super) fn collapse_to(&mut self, at: usize) {
        let Some(top) = self.height.checked_sub(1) else { return };
        if at >= top {
            return;
        }
        let (below, from_top) = self.slots.split_at_mut(top);
        match (below.get_mut(at), from_top.first_mut()) {
            (Some(Value::Int(dst)), Some(&mut Value::Int(src))) => *dst = src,
            (Some(dst), Some(src)) => *dst = take_owned(src),
            _ => return,
        }
        self.height = top;
        self.truncate(at + 1);
    }

    /// Drops the values above `n`.
    pub(super) fn truncate(&mut self, n: usize) {
        while self.height > n {
            if let Some(v) = self.pop() {
                v.discard();
            }
        }
    }

    /// Takes the values from `first` up, bottom first.
    pub(super) fn drain_from(&mut self, first: usize) -> Drain<'_> {
        let first = first.min(self.height);
        let taken = self.slots.get_mut(first..self.height).unwrap_or(&mut []);
        self.height = first;
        Drain(taken.iter_mut())
    }

    pub(super) fn extend(&mut self, values: impl IntoIterator<Item = Value>) {
        for v in values {
            self.push(v);
        }
    }

    #[inline(always)]
    pub(super) fn as_slice(&self) -> &[Value] {
        self.slots.get(..self.height).unwrap_or(&[])
    }

    #[inline(always)]
    pub(super) fn as_mut_slice(&mut self) -> &mut [Value] {
        self.slots.get_mut(..self.height).unwrap_or(&mut [])
    }

    #[inline(always)]
    pub(super) fn get(&self, i: usize) -> Option<&Value> {
        self.as_slice().get(i)
    }

    #[inline(always)]
    pub(super) fn get_mut(&mut self, i: usize) -> Option<&mut Value> {
        self.as_mut_slice().get_mut(i)
    }

    #[inline(always)]
    pub(super) fn last(&self) -> Option<&Value> {
        self.as_slice().last()
    }

    #[inline(always)]
    pub(super) fn last_mut(&mut self) -> Option<&mut Value> {
        self.as_mut_slice().last_mut()
    }

    /// Swaps two live slots; out-of-range indexes do nothing.
    #[inline(always)]
    pub(super) fn swap(&mut self, a: usize, b: usize) {
        let live = self.as_mut_slice();
        if a < live.len() && b < live.len() {
            live.swap(a, b);
        }
    }

    /// The values from `range.start` to `range.end`, as a slice (the arguments of a builtin).
    pub(super) fn range(&self, range: std::ops::Range<usize>) -> Option<&[Value]> {
        self.as_slice().get(range)
    }
}

/// The values [`Stack::drain_from`] takes. Those not taken when it is dropped are taken then, so
/// that stopping early cannot leave a value that owns something above the height.
pub(super) struct Drain<'a>(std::slice::IterMut<'a, Value>);

impl Iterator for Drain<'_> {
    type Item = Value;

    fn next(&mut self) -> Option<Value> {
        self.0.next().map(take_owned)
    }
}

impl Drop for Drain<'_> {
    fn drop(&mut self) {
        for slot in self.0.by_ref() {
            take_owned(slot).discard();
        }
    }
}

/// The value in a slot that is being vacated: a scalar is copied and stays (it owns nothing,
/// and its tag can serve the next push), anything else is taken out, leaving `Nil`.
#[inline(always)]
fn take_owned(slot: &mut Value) -> Value {
    match *slot {
        Value::Nil => Value::Nil,
        Value::Bool(b) => Value::Bool(b),
        Value::Int(n) => Value::Int(n),
        Value::Float(f) => Value::Float(f),
        _ => std::mem::take(slot),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(s: &Stack) -> Vec<i64> {
        s.as_slice().iter().map(|v| if let Value::Int(n) = v { *n } else { -1 }).collect()
    }

    fn owns_nothing(v: &Value) -> bool {
        matches!(v, Value::Nil | Value::Bool(_) | Value::Int(_) | Value::Float(_))
    }

    #[test]
    fn slots_above_the_height_own_nothing() {
        let mut s = Stack::with_capacity(2);
        for n in 0..5 {
            s.push_int(n);
            s.push(Value::str("owned"));
        }
        assert!(matches!(s.pop(), Some(Value::Str(_))));
        assert!(matches!(s.pop(), Some(Value::Int(4))));
        s.push_int(7);
        assert!(s.push_copy(1));
        s.collapse_to(2);
        assert_eq!(s.len(), 3);
        assert!(matches!(s.get(2), Some(Value::Str(_))), "the top moved down over slot 2");
        s.truncate(1);
        let drained: Vec<Value> = s.drain_from(0).collect();
        assert_eq!(drained.len(), 1);
        assert_eq!(s.len(), 0);
        assert!(s.slots.iter().all(owns_nothing), "a value that owns something was left above the height");
    }

    #[test]
    fn a_drain_stopped_early_still_empties_its_slots() {
        let mut s = Stack::with_capacity(4);
        s.push(Value::str("a"));
        s.push(Value::str("b"));
        s.push(Value::str("c"));
        let first = s.drain_from(0).next();
        assert!(matches!(first, Some(Value::Str(_))));
        assert_eq!(s.len(), 0);
        assert!(s.slots.iter().all(owns_nothing), "a value that owns something was left above the height");
    }

    #[test]
    fn integers_reuse_their_slot() {
        let mut s = Stack::with_capacity(4);
        s.push_int(1);
        s.push_int(2);
        s.collapse_to(0);
        assert_eq!(ints(&s), [2]);
        assert!(!s.push_copy(5), "slot 5 is not live");
        assert!(s.push_copy(0));
        assert_eq!(ints(&s), [2, 2]);
    }

    #[test]
    fn a_popped_collection_is_not_kept_alive() {
        let array = std::rc::Rc::new(crate::value::Array::new());
        let mut s = Stack::with_capacity(4);
        s.push(Value::Array(array.clone()));
        drop(s.pop());
        assert_eq!(std::rc::Rc::strong_count(&array), 1);
    }
}
