//! Deferred pushes: the top of the IR's operand stack kept in LLVM values.
//!
//! The IR is a stack machine. Lowered naively, every value it pushes is stored to the value
//! stack in the heap and loaded back by the operation that consumes it: `(set! a (+ a x))` was
//! four stores, four loads, three updates of `$SP` and a check of the stack's room around one
//! `add`. Instead, lowering keeps pushed values as LLVM values (`Deferred`) for as long as the
//! instructions that follow can take their operands that way: pushes of constants, locals,
//! captures and globals; stores to them; `Pop` and `Dup`; the two-operand arithmetic (`(/ a b)`
//! included) and comparisons, whose common cases (two ints, two floats) run inline on the values; the
//! conditional jumps; `(get m :key)` with a constant key (`get_constant_key`); a call of a
//! global whose arguments are all deferred, stored above a slot for the frame record; and, in a
//! program that holds `+ - *` as values, a call of one of them with two arguments
//! (`call_two`, and `dynamic_arith` in the shared builtin block). Any other instruction first *flushes* the
//! deferred values to the value stack, with one check of its room for all of them, so it, and
//! every block that more than one path reaches (a jump target, a call's return), finds the
//! stack exactly as a push-by-push lowering leaves it. An instruction that needs more operands
//! than are deferred *pulls* the rest off the value stack.
//!
//! Why this is sound:
//! - a deferred push reads its source (a local, a box, a global) when the instruction runs, as
//!   the push would, so a later write to the source cannot change it;
//! - an operation's slow path (an overflow to report, mixed or wrong types) pushes its two
//!   operands and runs the general operation of the support library on the value stack, which
//!   reads only them, then pulls the result back; values deferred below stay deferred;
//! - a failure abandons deferred values, as it abandons the stack above the `try` handler that
//!   catches it;
//! - the room check of a flush covers the values it stores, and names the first one's site,
//!   the earliest push that could have run out of room.

use super::{Built, Lowerer};
use inkwell::basic_block::BasicBlock;
use inkwell::values::{BasicMetadataValueEnum, IntValue, PointerValue};
use inkwell::IntPredicate;
use ovsm_ir::{Constant, GlobalId, Instr};

/// The most values deferred at once; a push past it flushes them. Each deferred value holds
/// up to two registers, and sBPF has ten: more would spill to `entrypoint`'s native stack
/// frame, which the BPF back end limits to 512 bytes for the whole program (it ends the
/// process past that), so a long run of pushes (a call with many arguments) must not keep them
/// all.
const MAX_DEFERRED: usize = 4;

/// A value the IR pushed that is not stored to the value stack yet.
#[derive(Clone, Copy)]
pub(super) struct Deferred<'ctx> {
    tag: IntValue<'ctx>,
    payload: IntValue<'ctx>,
    /// The push's site: a flush that finds no room reports it.
    site: u64,
}

// Value tags (support/core.ll).
const NIL: u64 = 0;
const BOOL: u64 = 1;
const INT: u64 = 2;
const FLOAT: u64 = 3;
const STRING: u64 = 4;
const KEYWORD: u64 = 5;
const MAP: u64 = 7;
const BUILTIN: u64 = 9;
const PROGRAM: u64 = 12;

/// The arithmetic `arith` lowers, with the kind numbers of support/arith.ll's `op_arith`.
#[derive(Clone, Copy, PartialEq)]
enum Arith {
    Add = 0,
    Sub = 1,
    Mul = 2,
}

/// The comparisons `compare` lowers, with support/arith.ll's kind numbers.
#[derive(Clone, Copy, PartialEq)]
enum Compare {
    Lt = 0,
    Le = 1,
    Gt = 2,
    Ge = 3,
    NumEq = 5,
}

impl<'ctx> Lowerer<'ctx, '_> {
    /// Lowers `instr` on deferred values when it can take them: `Some(whether control falls
    /// through)`. `None` when it needs the value stack in memory: the caller flushes, then
    /// lowers it there. `joins`: whether a jump also reaches the next instruction.
    pub(super) fn deferred_instruction(
        &mut self,
        instr: &Instr,
        site: u64,
        next: BasicBlock<'ctx>,
        joins: bool,
        target: &dyn Fn(&u32) -> Built<BasicBlock<'ctx>>,
    ) -> Built<Option<bool>> {
        match instr {
            Instr::Call(2) if !self.arith_values.is_empty() => {
                self.call_two(next, joins, site)?;
                return Ok(Some(false));
            }
            Instr::CallBuiltin(b, 2) if ovsm_stdlib::get(*b).is_some_and(|b| b.name == "get") && self.top_is_constant_name() => {
                self.get_constant_key(site)?;
            }
            Instr::CallBuiltin(b, 2) if ovsm_stdlib::get(*b).is_some_and(|b| b.name == "/") => {
                let [a, b] = self.operands(site)?;
                let r = self.divide(a, b, self.int(site))?;
                self.defer(Deferred { site, ..r })?;
            }
            Instr::CallGlobal(g, n) if self.deferred.len() >= usize::from(*n) => {
                // Stored with a slot below them for the frame record, the arguments need not
                // move up to make room for it at the call.
                let below = self.deferred.len() - usize::from(*n);
                // (the slot takes the first argument's site: a flush that finds no room names
                // the earliest push)
                let first = self.deferred.get(below).map_or(site, |v| v.site);
                // (a callee known to be no builtin cannot be `+`: no fold, lower/fold.rs)
                let builtin_callee =
                    self.deferred.get(below).is_some_and(|f| f.tag.get_zero_extended_constant().is_none_or(|t| t == BUILTIN));
                self.deferred.insert(below, self.constant_value(NIL, self.int(0), first));
                self.flush()?;
                if *n == 3 && builtin_callee {
                    self.fold_sum(*g, next)?;
                }
                self.call_global(*g, *n, site, next, true)?;
                return Ok(Some(false));
            }
            Instr::BuiltinRef(b) => {
                let name = ovsm_stdlib::get(*b).map_or("?", |b| b.name);
                if !super::DYNAMIC_BUILTINS.contains(&name) {
                    return Ok(None);
                }
                let descriptor = self.builtin_descriptor(b.0, name);
                self.defer_constant(BUILTIN, descriptor, site)?;
            }
            Instr::Nil => self.defer_constant(NIL, self.int(0), site)?,
            Instr::True => self.defer_constant(BOOL, self.int(1), site)?,
            Instr::False => self.defer_constant(BOOL, self.int(0), site)?,
            Instr::Int(k) => self.defer_constant(INT, self.sint(*k), site)?,
            Instr::Const(c) => {
                let program = self.program;
                let constant = program.constants.get(*c as usize).ok_or("constant out of range")?;
                let (tag, payload) = match constant {
                    Constant::Int(k) => (INT, self.sint(*k)),
                    Constant::Bool(b) => (BOOL, self.int(u64::from(*b))),
                    Constant::Nil => (NIL, self.int(0)),
                    Constant::Float(f) => (FLOAT, self.int(f.to_bits())),
                    Constant::Str(s) => (STRING, self.string_int(s.as_bytes())),
                    Constant::Keyword(k) => (KEYWORD, self.string_int(k.as_bytes())),
                    Constant::Program(name) => (PROGRAM, self.string_int(name.as_bytes())),
                    // built in the heap, by the memory lowering
                    Constant::Array(_) | Constant::Map(_) => return Ok(None),
                };
                self.defer_constant(tag, payload, site)?;
            }
            Instr::Local(n) | Instr::LocalBoxed(n) | Instr::Captured(n) | Instr::CapturedBoxed(n) => {
                let at = self.variable(instr, *n)?;
                self.defer_load(at, site)?;
            }
            Instr::Global(g) => {
                let at = self.checked_global(*g, true, site)?;
                self.defer_load(at, site)?;
            }
            Instr::SetLocal(n) | Instr::SetLocalBoxed(n) | Instr::SetCapturedBoxed(n) => {
                let at = self.variable(instr, *n)?;
                self.pop_into(at, site)?;
                if !matches!(instr, Instr::SetLocal(_)) {
                    self.call("ovsm_box_written", &[])?;
                }
            }
            Instr::SetGlobal(g) | Instr::DefineGlobal(g) => {
                // `set!` of an undefined global is an error; `define` creates it.
                let at = if matches!(instr, Instr::SetGlobal(_)) {
                    self.checked_global(*g, false, site)?
                } else {
                    self.call_pointer("ovsm_global_addr", &[self.int(u64::from(g.0)).into()])?
                };
                self.pop_into(at, site)?;
                self.call("ovsm_mark_dirty", &[self.int(u64::from(g.0)).into()])?;
            }
            Instr::Pop => {
                if self.deferred.pop().is_none() {
                    return Ok(None);
                }
            }
            Instr::Dup => {
                let [v] = self.operands(site)?;
                self.defer(v)?;
                self.defer(v)?;
            }
            Instr::Add | Instr::Sub | Instr::Mul => {
                let [a, b] = self.operands(site)?;
                let kind = match instr {
                    Instr::Add => Arith::Add,
                    Instr::Sub => Arith::Sub,
                    _ => Arith::Mul,
                };
                let r = self.arith(kind, a, b, self.int(site))?;
                self.defer(Deferred { site, ..r })?;
            }
            Instr::AddImm(k) | Instr::SubImm(k) => {
                let [a] = self.operands(site)?;
                let b = self.constant_value(INT, self.sint(*k), site);
                let kind = if matches!(instr, Instr::AddImm(_)) { Arith::Add } else { Arith::Sub };
                let r = self.arith(kind, a, b, self.int(site))?;
                self.defer(Deferred { site, ..r })?;
            }
            Instr::Lt | Instr::Le | Instr::Gt | Instr::Ge | Instr::NumEq => {
                let [a, b] = self.operands(site)?;
                let kind = match instr {
                    Instr::Lt => Compare::Lt,
                    Instr::Le => Compare::Le,
                    Instr::Gt => Compare::Gt,
                    Instr::Ge => Compare::Ge,
                    _ => Compare::NumEq,
                };
                let r = self.compare(kind, a, b, self.int(site))?;
                self.defer(Deferred { site, ..r })?;
            }
            Instr::JumpIfFalse(t) | Instr::JumpIfNotNil(t) | Instr::JumpIfNotLtImm(_, t) => {
                let [mut v] = self.operands(site)?;
                if let Instr::JumpIfNotLtImm(k, _) = instr {
                    let k = self.constant_value(INT, self.sint(*k), site);
                    v = self.compare(Compare::Lt, v, k, self.int(site))?;
                }
                // Both successors start with the stack in memory.
                self.flush()?;
                let jump = match instr {
                    Instr::JumpIfNotNil(_) => self.builder.build_int_compare(IntPredicate::NE, v.tag, self.int(NIL), "").map_err(err)?,
                    _ => self.falsy(v)?,
                };
                self.builder.build_conditional_branch(jump, target(t)?, next).map_err(err)?;
                return Ok(Some(false));
            }
            _ => return Ok(None),
        }
        Ok(Some(true))
    }

    /// Stores the deferred values to the value stack, after one check of its room for them all.
    pub(super) fn flush(&mut self) -> Built<()> {
        let Some(first) = self.deferred.first() else { return Ok(()) };
        let site = first.site;
        let values = std::mem::take(&mut self.deferred);
        self.op("ovsm_reserve", &[values.len() as u64], site)?;
        for v in values {
            self.call("ovsm_push_reserved", &[v.tag.into(), v.payload.into()])?;
        }
        Ok(())
    }

    /// Whether values are deferred: none may be at a block that more than one path reaches.
    pub(super) fn has_deferred(&self) -> bool {
        !self.deferred.is_empty()
    }

    fn constant_value(&self, tag: u64, payload: IntValue<'ctx>, site: u64) -> Deferred<'ctx> {
        Deferred { tag: self.int(tag), payload, site }
    }

    fn defer(&mut self, v: Deferred<'ctx>) -> Built<()> {
        if self.deferred.len() >= MAX_DEFERRED {
            self.flush()?;
        }
        self.deferred.push(v);
        Ok(())
    }

    fn defer_constant(&mut self, tag: u64, payload: IntValue<'ctx>, site: u64) -> Built<()> {
        self.defer(self.constant_value(tag, payload, site))
    }

    /// Defers a push of the value at `at`, read now.
    fn defer_load(&mut self, at: PointerValue<'ctx>, site: u64) -> Built<()> {
        let v = self.load(at, site)?;
        self.defer(v)
    }

    fn load(&self, at: PointerValue<'ctx>, site: u64) -> Built<Deferred<'ctx>> {
        let tag = self.call_value("ovsm_tag", &[at.into()])?;
        let payload = self.call_value("ovsm_payload", &[at.into()])?;
        Ok(Deferred { tag, payload, site })
    }

    /// Pops the top value into `at`.
    fn pop_into(&mut self, at: PointerValue<'ctx>, site: u64) -> Built<()> {
        let [v] = self.operands(site)?;
        self.call("ovsm_set", &[at.into(), v.tag.into(), v.payload.into()])?;
        Ok(())
    }

    /// The slot of local or capture `n` that `instr` reads or writes: the value in its box for
    /// the boxed ones.
    fn variable(&self, instr: &Instr, n: u16) -> Built<PointerValue<'ctx>> {
        let (address, boxed) = match instr {
            Instr::Local(_) | Instr::SetLocal(_) => ("ovsm_local_addr", false),
            Instr::LocalBoxed(_) | Instr::SetLocalBoxed(_) => ("ovsm_local_addr", true),
            Instr::Captured(_) => ("ovsm_capture_addr", false),
            Instr::CapturedBoxed(_) | Instr::SetCapturedBoxed(_) => ("ovsm_capture_addr", true),
            other => return Err(format!("{other:?} names no local or capture")),
        };
        let at = self.call_pointer(address, &[self.int(u64::from(n)).into()])?;
        if boxed {
            self.call_pointer("ovsm_unbox", &[at.into()])
        } else {
            Ok(at)
        }
    }

    /// Global g's slot, after the check that it is defined (raising the interpreter's error
    /// for a read or an assignment when it is not).
    fn checked_global(&mut self, g: GlobalId, read: bool, site: u64) -> Built<PointerValue<'ctx>> {
        let program = self.program;
        let name = self.string(program.global_name(g).as_bytes());
        let id = self.int(u64::from(g.0));
        let status =
            self.call_value("ovsm_global_check", &[id.into(), name.into(), self.int(u64::from(read)).into(), self.int(site).into()])?;
        self.check(status)?;
        self.call_pointer("ovsm_global_addr", &[id.into()])
    }

    /// The top N values as deferred values (removed from the stack), pulling those not
    /// deferred off the value stack.
    fn operands<const N: usize>(&mut self, site: u64) -> Built<[Deferred<'ctx>; N]> {
        while self.deferred.len() < N {
            let v = self.pop_stored(site)?;
            self.deferred.insert(0, v);
        }
        let taken = self.deferred.split_off(self.deferred.len() - N);
        taken.try_into().map_err(|_| "operand count".to_string())
    }

    /// A checked push of `v` to the value stack, for a slow path.
    fn store_operand(&self, v: Deferred<'ctx>, site: IntValue<'ctx>) -> Built<()> {
        let status = self.call_value("ovsm_push", &[v.tag.into(), v.payload.into(), site.into()])?;
        self.check(status)
    }

    /// The slow path of an operation on a and b: `op` of the support library on the two pushed
    /// (it raises the operation's errors), its result pulled back.
    fn general(&mut self, op: &str, args: &[u64], a: Deferred<'ctx>, b: Deferred<'ctx>, site: IntValue<'ctx>) -> Built<Deferred<'ctx>> {
        self.store_operand(a, site)?;
        self.store_operand(b, site)?;
        let mut all: Vec<IntValue<'ctx>> = args.iter().map(|a| self.int(*a)).collect();
        all.push(site);
        self.op_dynamic(op, &all)?;
        self.pop_stored(a.site)
    }

    /// The value on top of the value stack in memory, popped, as a deferred value pushed at
    /// `site`.
    fn pop_stored(&mut self, site: u64) -> Built<Deferred<'ctx>> {
        let top = self.call_pointer("ovsm_top", &[self.int(0).into()])?;
        let v = self.load(top, site)?;
        self.call("ovsm_drop", &[self.int(1).into()])?;
        Ok(v)
    }

    /// A call of two arguments in a program that holds `+ - *` as values (`(reduce + xs 0)` calls
    /// `(f acc x)` once per element). When the callee is one of them, the operation runs right
    /// here on the deferred arguments; otherwise the callee and arguments are stored and called
    /// as usual. The result reaches the next instruction deferred, as a phi at its block, from
    /// either path (the call returns to a block of its own that pulls it), unless a jump also
    /// reaches that instruction (`joins`): then both paths leave it on the value stack.
    fn call_two(&mut self, next: BasicBlock<'ctx>, joins: bool, site: u64) -> Built<()> {
        let [callee, a, b] = self.operands(site)?;
        // What lies below the call is in memory on both paths.
        self.flush()?;
        let mut results = Vec::new();
        for id in self.arith_values.clone() {
            let Some(builtin) = ovsm_stdlib::get(ovsm_stdlib::BuiltinId(id)) else { continue };
            let kind = match builtin.name {
                "+" => Arith::Add,
                "-" => Arith::Sub,
                "*" => Arith::Mul,
                _ => continue,
            };
            let descriptor = self.builtin_descriptor(id, builtin.name);
            let is_builtin = self.builder.build_int_compare(IntPredicate::EQ, callee.tag, self.int(BUILTIN), "").map_err(err)?;
            let this_one = self.builder.build_int_compare(IntPredicate::EQ, callee.payload, descriptor, "").map_err(err)?;
            let is = self.builder.build_and(is_builtin, this_one, "").map_err(err)?;
            let inline = self.block("call.inline");
            let other = self.block("call.other");
            self.builder.build_conditional_branch(is, inline, other).map_err(err)?;
            self.builder.position_at_end(inline);
            let r = self.arith(kind, a, b, self.int(site))?;
            if joins {
                self.store_operand(r, self.int(site))?;
            } else {
                results.push((r.tag, r.payload, self.current()?));
            }
            self.builder.build_unconditional_branch(next).map_err(err)?;
            self.builder.position_at_end(other);
        }
        self.deferred.extend([callee, a, b]);
        self.flush()?;
        let returned = if joins { next } else { self.block("call.returned") };
        let ret = self.new_return(returned);
        self.note_return(ret, returned, None, Some(2));
        let fid = self.call_value("op_call", &[self.int(2).into(), self.int(ret).into(), self.int(site).into()])?;
        self.jump_to_function(fid, self.int(2), ret, true, site, None)?;
        if joins {
            return Ok(());
        }
        self.builder.position_at_end(returned);
        let [r] = self.operands(site)?;
        self.builder.build_unconditional_branch(next).map_err(err)?;
        results.push((r.tag, r.payload, self.current()?));
        self.builder.position_at_end(next);
        let v = self.merge(&results, site)?;
        self.deferred.push(v);
        self.carried = true;
        Ok(())
    }

    /// A builtin `+`, `-` or `*` called as a value (`(reduce + xs 0)`), with its argument count
    /// `n` known only at run time: two arguments, the common case, take `arith`'s inline paths;
    /// any other count the variadic operation.
    pub(super) fn dynamic_arith(&mut self, kind: u64, n: IntValue<'ctx>, site: IntValue<'ctx>) -> Built<()> {
        let arith = match kind {
            0 => Arith::Add,
            1 => Arith::Sub,
            2 => Arith::Mul,
            _ => return self.op_dynamic("op_variadic_arith", &[self.int(kind), n, site]),
        };
        // A direct call's count is a constant (and never 2: the IR has `Add` and the like).
        if n.get_zero_extended_constant().is_some_and(|count| count != 2) {
            return self.op_dynamic("op_variadic_arith", &[self.int(kind), n, site]);
        }
        let two = self.block("dynamic.two");
        let variadic = self.block("dynamic.variadic");
        let done = self.block("dynamic.done");
        let is_two = self.builder.build_int_compare(IntPredicate::EQ, n, self.int(2), "").map_err(err)?;
        self.builder.build_conditional_branch(is_two, two, variadic).map_err(err)?;
        self.builder.position_at_end(two);
        let [a, b] = self.operands(0)?;
        let r = self.arith(arith, a, b, site)?;
        self.store_operand(r, site)?;
        self.builder.build_unconditional_branch(done).map_err(err)?;
        self.builder.position_at_end(variadic);
        self.op_dynamic("op_variadic_arith", &[self.int(kind), n, site])?;
        self.builder.build_unconditional_branch(done).map_err(err)?;
        self.builder.position_at_end(done);
        Ok(())
    }

    /// `a + b`, `a - b` or `a * b`: two ints inline with the overflow check, two floats by the
    /// soft-float operation, anything else (an overflow to report, mixed or wrong types) by
    /// support/arith.ll's `op_arith`.
    fn arith(&mut self, kind: Arith, a: Deferred<'ctx>, b: Deferred<'ctx>, site: IntValue<'ctx>) -> Built<Deferred<'ctx>> {
        let done = self.block("arith.done");
        let slow = self.block("arith.slow");
        let floats = self.block("arith.floats?");
        let mut results = Vec::new();
        let ints = self.block("arith.ints");
        let both = self.both(a, b, INT)?;
        self.builder.build_conditional_branch(both, ints, floats).map_err(err)?;
        self.builder.position_at_end(ints);
        let (x, y) = (a.payload, b.payload);
        let (r, overflow) = match kind {
            // Overflow: for +, x and y share a sign the result lacks; for -, x and y differ in
            // sign and the result differs from x.
            Arith::Add | Arith::Sub => {
                let (r, lost) = if kind == Arith::Add {
                    let r = self.builder.build_int_add(x, y, "sum").map_err(err)?;
                    let xr = self.builder.build_xor(x, r, "").map_err(err)?;
                    let yr = self.builder.build_xor(y, r, "").map_err(err)?;
                    (r, self.builder.build_and(xr, yr, "").map_err(err)?)
                } else {
                    let r = self.builder.build_int_sub(x, y, "difference").map_err(err)?;
                    let xy = self.builder.build_xor(x, y, "").map_err(err)?;
                    let xr = self.builder.build_xor(x, r, "").map_err(err)?;
                    (r, self.builder.build_and(xy, xr, "").map_err(err)?)
                };
                (r, self.builder.build_int_compare(IntPredicate::SLT, lost, self.int(0), "overflow").map_err(err)?)
            }
            Arith::Mul => {
                let magnitude = self.call_value("ovsm_mul_magnitudes", &[self.magnitude(x)?.into(), self.magnitude(y)?.into()])?;
                self.signed(magnitude, x, y)?
            }
        };
        self.builder.build_conditional_branch(overflow, slow, done).map_err(err)?;
        results.push((self.int(INT), r, ints));
        self.builder.position_at_end(floats);
        let both = self.both(a, b, FLOAT)?;
        let float = self.block("arith.float");
        self.builder.build_conditional_branch(both, float, slow).map_err(err)?;
        self.builder.position_at_end(float);
        let f = match kind {
            Arith::Add => "sf_add",
            Arith::Sub => "sf_sub",
            Arith::Mul => "sf_mul",
        };
        let r = self.call_value(f, &[a.payload.into(), b.payload.into()])?;
        self.builder.build_unconditional_branch(done).map_err(err)?;
        results.push((self.int(FLOAT), r, self.current()?));
        self.builder.position_at_end(slow);
        let r = self.general("op_arith", &[kind as u64], a, b, site)?;
        self.builder.build_unconditional_branch(done).map_err(err)?;
        results.push((r.tag, r.payload, self.current()?));
        self.builder.position_at_end(done);
        self.merge(&results, a.site)
    }

    /// `(/ a b)`: two ints inline (the magnitudes' quotient with the sign of `a * b`), two
    /// numbers, one a float, by soft-float division, each unless `b` is zero; anything else (a
    /// zero divisor, `i64::MIN / -1`, wrong types) by the general operation, which reports it.
    fn divide(&mut self, a: Deferred<'ctx>, b: Deferred<'ctx>, site: IntValue<'ctx>) -> Built<Deferred<'ctx>> {
        let done = self.block("divide.done");
        let slow = self.block("divide.slow");
        let ints = self.block("divide.ints");
        let floats = self.block("divide.floats?");
        let (x, y) = (a.payload, b.payload);
        let both = self.both(a, b, INT)?;
        self.builder.build_conditional_branch(both, ints, floats).map_err(err)?;
        self.builder.position_at_end(ints);
        // The division runs before the test that sends a zero divisor to the general path, so
        // it divides by 1 then: `udiv` by zero is undefined in LLVM and ends an sBPF program.
        let zero = self.builder.build_int_compare(IntPredicate::EQ, y, self.int(0), "").map_err(err)?;
        let divisor = self.builder.build_select(zero, self.int(1), self.magnitude(y)?, "").map_err(err)?.into_int_value();
        let magnitude = self.builder.build_int_unsigned_div(self.magnitude(x)?, divisor, "").map_err(err)?;
        let (q, overflow) = self.signed(magnitude, x, y)?;
        let fails = self.builder.build_or(zero, overflow, "").map_err(err)?;
        let int_path = self.current()?;
        self.builder.build_conditional_branch(fails, slow, done).map_err(err)?;
        let mut results = vec![(self.int(INT), q, int_path)];
        self.builder.position_at_end(floats);
        let number = |v: Deferred<'ctx>| -> Built<IntValue<'ctx>> {
            let off = self.builder.build_int_sub(v.tag, self.int(INT), "").map_err(err)?;
            self.builder.build_int_compare(IntPredicate::ULT, off, self.int(2), "").map_err(err)
        };
        let numbers = self.builder.build_and(number(a)?, number(b)?, "").map_err(err)?;
        // An int or a float is zero (0, 0.0 or -0.0) when its bits but the sign are; i64::MIN
        // counts as zero here and takes the general path, which divides it exactly.
        let twice = self.builder.build_left_shift(y, self.int(1), "").map_err(err)?;
        let nonzero = self.builder.build_int_compare(IntPredicate::NE, twice, self.int(0), "").map_err(err)?;
        let go = self.builder.build_and(numbers, nonzero, "").map_err(err)?;
        let float = self.block("divide.float");
        self.builder.build_conditional_branch(go, float, slow).map_err(err)?;
        self.builder.position_at_end(float);
        let fx = self.call_value("ovsm_as_float", &[a.tag.into(), x.into()])?;
        let fy = self.call_value("ovsm_as_float", &[b.tag.into(), y.into()])?;
        let r = self.call_value("sf_div", &[fx.into(), fy.into()])?;
        self.builder.build_unconditional_branch(done).map_err(err)?;
        results.push((self.int(FLOAT), r, self.current()?));
        self.builder.position_at_end(slow);
        let r = self.general("op_arith", &[3], a, b, site)?;
        self.builder.build_unconditional_branch(done).map_err(err)?;
        results.push((r.tag, r.payload, self.current()?));
        self.builder.position_at_end(done);
        self.merge(&results, a.site)
    }

    /// |v| as an unsigned magnitude (i64::MIN's is 2^63).
    fn magnitude(&self, v: IntValue<'ctx>) -> Built<IntValue<'ctx>> {
        let negative = self.builder.build_int_compare(IntPredicate::SLT, v, self.int(0), "").map_err(err)?;
        let negated = self.builder.build_int_sub(self.int(0), v, "").map_err(err)?;
        Ok(self.builder.build_select(negative, negated, v, "").map_err(err)?.into_int_value())
    }

    /// A magnitude with the sign of `x * y`, and whether it does not fit an i64 (a negative
    /// result may reach 2^63, a positive one 2^63 - 1; ovsm_mul_magnitudes' 2^64 - 1 fits neither).
    fn signed(&self, magnitude: IntValue<'ctx>, x: IntValue<'ctx>, y: IntValue<'ctx>) -> Built<(IntValue<'ctx>, IntValue<'ctx>)> {
        let signs = self.builder.build_xor(x, y, "").map_err(err)?;
        let negative = self.builder.build_int_compare(IntPredicate::SLT, signs, self.int(0), "").map_err(err)?;
        let widen = self.builder.build_int_z_extend(negative, self.i64t, "").map_err(err)?;
        let limit = self.builder.build_int_add(self.int(i64::MAX as u64), widen, "").map_err(err)?;
        let overflow = self.builder.build_int_compare(IntPredicate::UGT, magnitude, limit, "").map_err(err)?;
        let negated = self.builder.build_int_sub(self.int(0), magnitude, "").map_err(err)?;
        let value = self.builder.build_select(negative, negated, magnitude, "").map_err(err)?.into_int_value();
        Ok((value, overflow))
    }

    /// Whether the top deferred value is a string or keyword constant.
    fn top_is_constant_name(&self) -> bool {
        self.deferred.last().is_some_and(|v| matches!(v.tag.get_zero_extended_constant(), Some(STRING | KEYWORD)) && v.payload.is_const())
    }

    /// `(get m :key)` with a constant key: when m is a map holding that very key object, its
    /// value, read inline; anything else (another map, an equal key built at run time, a
    /// missing key, an array, an error) by support/maps.ll's `op_get`, through one shared
    /// function that pushes the two (`ovsm_get_pushed`).
    fn get_constant_key(&mut self, site: u64) -> Built<()> {
        let [m, k] = self.operands(site)?;
        let done = self.block("get.done");
        let slow = self.block("get.slow");
        let find = self.block("get.find");
        let found = self.block("get.found");
        let is_map = self.builder.build_int_compare(IntPredicate::EQ, m.tag, self.int(MAP), "").map_err(err)?;
        self.builder.build_conditional_branch(is_map, find, slow).map_err(err)?;
        self.builder.position_at_end(find);
        let at = self.call_pointer("ovsm_map_find_same", &[m.payload.into(), k.payload.into()])?;
        let missing = self.builder.build_is_null(at, "").map_err(err)?;
        self.builder.build_conditional_branch(missing, slow, found).map_err(err)?;
        self.builder.position_at_end(found);
        let v = self.load(at, site)?;
        self.builder.build_unconditional_branch(done).map_err(err)?;
        let mut results = vec![(v.tag, v.payload, found)];
        self.builder.position_at_end(slow);
        let args = [m.tag, m.payload, k.tag, k.payload, self.int(site)];
        self.op_dynamic("ovsm_get_pushed", &args)?;
        let r = self.pop_stored(site)?;
        self.builder.build_unconditional_branch(done).map_err(err)?;
        results.push((r.tag, r.payload, self.current()?));
        self.builder.position_at_end(done);
        let v = self.merge(&results, site)?;
        self.defer(v)
    }

    /// `a < b` ... `a = b` on numbers: two ints inline, two floats by the soft-float ordering
    /// (for `=`, the general operation), anything else by `op_compare` / `op_equal`.
    fn compare(&mut self, kind: Compare, a: Deferred<'ctx>, b: Deferred<'ctx>, site: IntValue<'ctx>) -> Built<Deferred<'ctx>> {
        let done = self.block("compare.done");
        let slow = self.block("compare.slow");
        let ints = self.block("compare.ints");
        let both = self.both(a, b, INT)?;
        let mut results = Vec::new();
        if kind == Compare::NumEq {
            self.builder.build_conditional_branch(both, ints, slow).map_err(err)?;
        } else {
            let floats = self.block("compare.floats?");
            self.builder.build_conditional_branch(both, ints, floats).map_err(err)?;
            self.builder.position_at_end(floats);
            let both = self.both(a, b, FLOAT)?;
            let float = self.block("compare.float");
            self.builder.build_conditional_branch(both, float, slow).map_err(err)?;
            self.builder.position_at_end(float);
            let order = self.call_value("sf_cmp", &[a.payload.into(), b.payload.into()])?;
            let ok = self.call_value("ovsm_order_ok", &[self.int(kind as u64).into(), order.into()])?;
            let r = self.builder.build_int_z_extend(ok, self.i64t, "").map_err(err)?;
            self.builder.build_unconditional_branch(done).map_err(err)?;
            results.push((self.int(BOOL), r, self.current()?));
        }
        self.builder.position_at_end(ints);
        let predicate = match kind {
            Compare::Lt => IntPredicate::SLT,
            Compare::Le => IntPredicate::SLE,
            Compare::Gt => IntPredicate::SGT,
            Compare::Ge => IntPredicate::SGE,
            Compare::NumEq => IntPredicate::EQ,
        };
        let holds = self.builder.build_int_compare(predicate, a.payload, b.payload, "").map_err(err)?;
        let r = self.builder.build_int_z_extend(holds, self.i64t, "").map_err(err)?;
        self.builder.build_unconditional_branch(done).map_err(err)?;
        results.push((self.int(BOOL), r, ints));
        self.builder.position_at_end(slow);
        let r = match kind {
            Compare::NumEq => self.general("op_equal", &[2, 0], a, b, site)?,
            _ => self.general("op_compare", &[kind as u64, 2], a, b, site)?,
        };
        self.builder.build_unconditional_branch(done).map_err(err)?;
        results.push((r.tag, r.payload, self.current()?));
        self.builder.position_at_end(done);
        self.merge(&results, a.site)
    }

    /// Whether a and b both have `tag`.
    fn both(&self, a: Deferred<'ctx>, b: Deferred<'ctx>, tag: u64) -> Built<IntValue<'ctx>> {
        let x = self.builder.build_int_compare(IntPredicate::EQ, a.tag, self.int(tag), "").map_err(err)?;
        let y = self.builder.build_int_compare(IntPredicate::EQ, b.tag, self.int(tag), "").map_err(err)?;
        self.builder.build_and(x, y, "").map_err(err)
    }

    /// Whether v is false or nil (an i1).
    fn falsy(&self, v: Deferred<'ctx>) -> Built<IntValue<'ctx>> {
        let nil = self.builder.build_int_compare(IntPredicate::EQ, v.tag, self.int(NIL), "").map_err(err)?;
        let boolean = self.builder.build_int_compare(IntPredicate::EQ, v.tag, self.int(BOOL), "").map_err(err)?;
        let zero = self.builder.build_int_compare(IntPredicate::EQ, v.payload, self.int(0), "").map_err(err)?;
        let false_ = self.builder.build_and(boolean, zero, "").map_err(err)?;
        self.builder.build_or(nil, false_, "falsy").map_err(err)
    }

    /// The value that arrives at the current block from each of `results` (tag, payload, block),
    /// deferred with `site` as its push's.
    fn merge(&self, results: &[(IntValue<'ctx>, IntValue<'ctx>, BasicBlock<'ctx>)], site: u64) -> Built<Deferred<'ctx>> {
        let tag = self.builder.build_phi(self.i64t, "tag").map_err(err)?;
        let payload = self.builder.build_phi(self.i64t, "payload").map_err(err)?;
        for (t, p, from) in results {
            tag.add_incoming(&[(t, *from)]);
            payload.add_incoming(&[(p, *from)]);
        }
        Ok(Deferred { tag: tag.as_basic_value().into_int_value(), payload: payload.as_basic_value().into_int_value(), site })
    }

    fn block(&self, name: &str) -> BasicBlock<'ctx> {
        self.context.append_basic_block(self.entry, name)
    }

    fn current(&self) -> Built<BasicBlock<'ctx>> {
        self.builder.get_insert_block().ok_or_else(|| "no current block".to_string())
    }

    /// Calls a support function that returns a pointer.
    fn call_pointer(&self, name: &str, args: &[BasicMetadataValueEnum<'ctx>]) -> Built<PointerValue<'ctx>> {
        let f = self.support(name)?;
        let call = self.builder.build_call(f, args, "").map_err(err)?;
        match call.try_as_basic_value() {
            inkwell::values::ValueKind::Basic(inkwell::values::BasicValueEnum::PointerValue(p)) => Ok(p),
            _ => Err(format!("`{name}` returns no pointer")),
        }
    }
}

fn err(e: inkwell::builder::BuilderError) -> String {
    e.to_string()
}
