//! The call stack: frames in a vector that only grows, with the depth kept apart.
//!
//! A call writes its frame over the slot a returned call left, instead of `Vec::push`, which
//! LLVM keeps out of line in the (large) dispatch loop: every call paid for that. Popping takes
//! the frame's closure out of its slot, so a returned call keeps nothing alive.

use super::Frame;

pub(super) struct Frames {
    slots: Vec<Frame>,
    depth: usize,
}

impl Frames {
    pub(super) fn with_capacity(n: usize) -> Frames {
        Frames { slots: Vec::with_capacity(n), depth: 0 }
    }

    #[inline(always)]
    pub(super) fn len(&self) -> usize {
        self.depth
    }

    #[inline(always)]
    pub(super) fn push(&mut self, frame: Frame) {
        match self.slots.get_mut(self.depth) {
            Some(slot) => *slot = frame,
            None => self.grow(frame),
        }
        self.depth += 1;
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self, frame: Frame) {
        self.slots.push(frame);
    }

    #[inline(always)]
    pub(super) fn pop(&mut self) -> Option<Frame> {
        let top = self.depth.checked_sub(1)?;
        let slot = self.slots.get_mut(top)?;
        self.depth = top;
        Some(Frame { closure: slot.closure.take(), ..*slot })
    }

    #[inline(always)]
    pub(super) fn last(&self) -> Option<&Frame> {
        self.slots.get(self.depth.checked_sub(1)?)
    }

    #[inline(always)]
    pub(super) fn last_mut(&mut self) -> Option<&mut Frame> {
        self.slots.get_mut(self.depth.checked_sub(1)?)
    }

    pub(super) fn get(&self, i: usize) -> Option<&Frame> {
        self.live().get(i)
    }

    pub(super) fn truncate(&mut self, n: usize) {
        while self.depth > n {
            self.pop();
        }
    }

    pub(super) fn iter(&self) -> std::slice::Iter<'_, Frame> {
        self.live().iter()
    }

    fn live(&self) -> &[Frame] {
        self.slots.get(..self.depth).unwrap_or(&[])
    }
}
