//! The queue of due subscriptions: a timing wheel of per-slot buckets for the next
//! [`WINDOW`] slots, with a bitmap of non-empty buckets, and an ordered map for later slots.
//!
//! Arming a subscription in the window is an array push, finding the next due slot is a scan
//! of at most 65 bitmap words, and taking a slot's bucket is O(1): a due event's cost does not
//! grow with the number of subscriptions. Entries move from the map into the wheel as time
//! reaches them. Within a slot, entries keep the order they were armed in.

use std::collections::BTreeMap;

/// Slots covered by the wheel; a power of two.
pub const WINDOW: u64 = 4096;
const WORDS: usize = (WINDOW / 64) as usize;

/// One queued entry: (subscription id, generation).
pub type Entry = (u64, u64);

pub struct DueQueue {
    /// The wheel covers slots `base .. base + WINDOW`.
    base: u64,
    /// Allocated at the first push, so a chain that never schedules anything (and the
    /// placeholder left in a session while a compiled invocation borrows its chain) costs nothing.
    wheel: Vec<Vec<Entry>>,
    nonempty: [u64; WORDS],
    far: BTreeMap<u64, Vec<Entry>>,
}

impl Default for DueQueue {
    fn default() -> DueQueue {
        DueQueue { base: 0, wheel: Vec::new(), nonempty: [0; WORDS], far: BTreeMap::new() }
    }
}

fn index(slot: u64) -> usize {
    (slot % WINDOW) as usize
}

impl DueQueue {
    /// Queues an entry at `slot` (a slot already passed counts as the earliest one still queued).
    pub fn push(&mut self, slot: u64, entry: Entry) {
        let slot = slot.max(self.base);
        if slot < self.base + WINDOW {
            let i = index(slot);
            if self.wheel.is_empty() {
                self.wheel = vec![Vec::new(); WINDOW as usize];
            }
            if let Some(bucket) = self.wheel.get_mut(i) {
                bucket.push(entry);
            }
            if let Some(word) = self.nonempty.get_mut(i / 64) {
                *word |= 1 << (i % 64);
            }
        } else {
            self.far.entry(slot).or_default().push(entry);
        }
    }

    /// The earliest slot with an entry.
    pub fn first_slot(&self) -> Option<u64> {
        let start = index(self.base);
        // Scan the bitmap from the base's bucket, wrapping around once.
        for step in 0..=WORDS {
            let w = (start / 64 + step) % WORDS;
            let mut bits = self.nonempty.get(w).copied().unwrap_or(0);
            if step == 0 {
                bits &= u64::MAX << (start % 64);
            } else if step == WORDS {
                bits &= !(u64::MAX << (start % 64));
            }
            if bits != 0 {
                let i = w * 64 + bits.trailing_zeros() as usize;
                let offset = (i + WINDOW as usize - start) % WINDOW as usize;
                return Some(self.base + offset as u64);
            }
        }
        self.far.first_key_value().map(|(slot, _)| *slot)
    }

    /// Takes the entries of the earliest slot, if it is at or before `up_to`.
    pub fn pop_due(&mut self, up_to: u64) -> Option<(u64, Vec<Entry>)> {
        let slot = self.first_slot().filter(|s| *s <= up_to)?;
        self.advance(slot);
        let i = index(slot);
        if let Some(word) = self.nonempty.get_mut(i / 64) {
            *word &= !(1 << (i % 64));
        }
        let bucket = self.wheel.get_mut(i).map(std::mem::take).unwrap_or_default();
        Some((slot, bucket))
    }

    /// Moves the window's start to `slot` (every earlier bucket is empty) and pulls the far
    /// entries that now fall inside it.
    fn advance(&mut self, slot: u64) {
        if slot <= self.base {
            return;
        }
        self.base = slot;
        while let Some(entry) = self.far.first_entry().filter(|e| *e.key() < self.base + WINDOW) {
            let (s, entries) = entry.remove_entry();
            for e in entries {
                self.push(s, e);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_come_out_in_slot_order_then_arming_order() {
        let mut q = DueQueue::default();
        for (slot, id) in [(5, 1), (3, 2), (5, 3), (WINDOW * 3 + 7, 4), (WINDOW + 1, 5), (0, 6)] {
            q.push(slot, (id, 0));
        }
        let mut seen = Vec::new();
        while let Some((slot, entries)) = q.pop_due(u64::MAX) {
            seen.push((slot, entries.iter().map(|e| e.0).collect::<Vec<_>>()));
        }
        assert_eq!(seen, vec![(0, vec![6]), (3, vec![2]), (5, vec![1, 3]), (WINDOW + 1, vec![5]), (WINDOW * 3 + 7, vec![4])]);
    }

    #[test]
    fn pop_due_respects_the_limit_and_wraps_the_wheel() {
        let mut q = DueQueue::default();
        q.push(10, (1, 0));
        assert_eq!(q.pop_due(9), None);
        assert_eq!(q.pop_due(10).map(|(s, _)| s), Some(10));
        // The window now starts at 10: slot WINDOW + 5 is inside it, in a bucket before 10's.
        q.push(WINDOW + 5, (2, 0));
        q.push(20, (3, 0));
        assert_eq!(q.first_slot(), Some(20));
        assert_eq!(q.pop_due(u64::MAX).map(|(s, _)| s), Some(20));
        assert_eq!(q.pop_due(u64::MAX).map(|(s, _)| s), Some(WINDOW + 5));
        assert_eq!(q.first_slot(), None);
    }
}
