//! Locals whose array can grow in place. The interpreter's `(set! x (append x [e]))` mutates the
//! array when nothing else holds it (a reference count tells); compiled arrays have no counts,
//! and copying at every push made a loop that builds n items cost O(n^2) heap: `map` over 500
//! items exhausted the 256 KiB heap. A local qualifies when this function alone can see its
//! array: the push's result is dropped, the local is read only to be returned, and no closure
//! captures it. Then `op_update_push_owned` grows the array into room it gave it the last time it
//! had to copy, amortised O(1) per push; a hidden slot of the frame remembers which array that
//! was and how much room it has, so an array the local got from anywhere else is copied first.

use ovsm_ir::{Capture, Function, Instr, Program, UpdateOp};

/// The locals of `f` whose pushes may grow their array in place, in ascending order. The
/// hidden slot of the k-th is `f.n_slots + k`.
pub fn owned_locals(program: &Program, f: &Function) -> Vec<u16> {
    let mut pushed: Vec<u16> = Vec::new();
    let mut disqualified: Vec<u16> = Vec::new();
    for (pc, instr) in f.code.iter().enumerate() {
        let next = f.code.get(pc + 1);
        match instr {
            Instr::UpdateLocal(x, UpdateOp::Push) if dropped(f, pc + 1) => pushed.push(*x),
            // the final `x` of a function, returned: nothing after it can push to x again
            Instr::Local(_) if next == Some(&Instr::Return) => {}
            // assigned a value from elsewhere: fine, the hidden slot will not know it
            Instr::SetLocal(_) => {}
            Instr::Local(x)
            | Instr::BoxLocal(x)
            | Instr::LocalBoxed(x)
            | Instr::SetLocalBoxed(x)
            | Instr::UpdateLocal(x, _)
            | Instr::UpdateLocalBoxed(x, _) => disqualified.push(*x),
            Instr::IterNext(a, b, _) | Instr::RangeNext(a, b, _) => disqualified.extend([*a, *b]),
            Instr::Closure(c) => {
                let captures = program.function(*c).map(|callee| callee.captures.as_slice()).unwrap_or_default();
                disqualified.extend(captures.iter().filter_map(|capture| match capture {
                    Capture::Local(n) => Some(*n),
                    Capture::Outer(_) => None,
                }));
            }
            _ => {}
        }
    }
    pushed.sort_unstable();
    pushed.dedup();
    pushed.retain(|x| !disqualified.contains(x));
    pushed
}

/// Whether the value pushed before `pc` is dropped: the code from `pc`, following unconditional
/// jumps (a `when` or an `if` arm ends with one), pops it. A few jumps at most: a chain longer
/// than that is not worth following.
fn dropped(f: &Function, mut pc: usize) -> bool {
    for _ in 0..4 {
        match f.code.get(pc) {
            Some(Instr::Pop) => return true,
            Some(Instr::Jump(target)) => pc = *target as usize,
            _ => return false,
        }
    }
    false
}
