; OVSM support library, part 1: memory, the value stack, frames, errors and output.
;
; Written in LLVM IR (LLVM 14, typed pointers) because it is compiled with the program: there is
; no C compiler or Rust BPF target on the build machine. `$NAME` words are layout constants that
; codegen/src/support.rs substitutes before parsing (see its table); everything lives in the
; program heap, because SBPF programs may not have mutable globals.
;
; A value is %V = { tag, payload }, 16 bytes. Tags: 0 nil, 1 bool, 2 int, 4 string, 5 keyword,
; 6 array, 8 closure, 9 builtin, 10 box, 15 "undefined" (an unset global). Strings and keywords point at
; { i64 len, bytes... }; arrays at { i64 len, %V items... }; closures at
; { i64 function id, i8* name, i64 ncaptures, %V captures... }; builtins at a constant
; { i64 builtin id, name as a string object }; boxes at { %V }.
;
; Every operation that can fail returns an i64 status (0 ok, 1 failed) and takes the failing
; site's id last; on failure the error code, message and site are left in the state words.
;
; A function with an `alloca` is `noinline`: inlined into `entrypoint` (which holds the whole
; program) each copy would add to its stack frame, and the BPF back end ends the process on a
; frame over 512 bytes. Error reporting is `noinline` (not `cold`, which would move it to a
; `.text.unlikely` section our linker does not merge): it is rare, and inlined at every
; use it would dominate the program's size.

%V = type { i64, i64 }

declare void @sol_log_(i8*, i64)
declare void @sol_memcpy_(i8*, i8*, i64)

; ---- memory ---------------------------------------------------------------------------------

define void @ovsm_init(i64 %nglobals, i64 %maxdepth) {
entry:
  %glob = ptrtoint %V* $GLOBALS to i64
  %size = shl i64 %nglobals, 4
  %dirty = add i64 %glob, %size
  store i64 %dirty, i64* $DIRTY
  store i64 %nglobals, i64* $NGLOBALS
  ; The heap starts zeroed: no global is dirty. The stack starts 16-aligned after the bytes.
  %end0 = add i64 %dirty, %nglobals
  %end1 = add i64 %end0, 15
  %sp = and i64 %end1, -16
  store i64 %sp, i64* $SP
  store i64 $HEAP_END, i64* $HP
  store i64 %maxdepth, i64* $MAXDEPTH
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %next, %body ]
  %done = icmp uge i64 %i, %nglobals
  br i1 %done, label %exit, label %body
body:
  %slot = getelementptr %V, %V* $GLOBALS, i64 %i, i32 0
  store i64 15, i64* %slot
  %next = add i64 %i, 1
  br label %loop
exit:
  ret void
}

; Bump allocation downwards from the heap's end; the value stack grows up to meet it.
; Returns null when the two would come within 1 KiB of each other.
define i8* @ovsm_alloc(i64 %size) {
entry:
  %rounded0 = add i64 %size, 7
  %rounded = and i64 %rounded0, -8
  %hp = load i64, i64* $HP
  %sp = load i64, i64* $SP
  %room = sub i64 %hp, %sp
  %need = add i64 %rounded, 1024
  %ok = icmp ugt i64 %room, %need
  br i1 %ok, label %take, label %full
take:
  %new = sub i64 %hp, %rounded
  store i64 %new, i64* $HP
  %p = inttoptr i64 %new to i8*
  ret i8* %p
full:
  ret i8* null
}

define void @ovsm_copy(i8* %dst, i8* %src, i64 %n) {
entry:
  %empty = icmp eq i64 %n, 0
  br i1 %empty, label %exit, label %copy
copy:
  call void @sol_memcpy_(i8* %dst, i8* %src, i64 %n)
  br label %exit
exit:
  ret void
}

; ---- unaligned words ------------------------------------------------------------------------

; The wire format, instruction data and account fields hold u32s and u64s at any address. sBPF's
; loads and stores take any address (the VM accesses memory with `read_unaligned` and
; `write_unaligned`), but LLVM's BPF back end assumes natural alignment and splits an `align 1`
; access into byte accesses: 22 instructions to load a u64, 15 to store one. These are the one
; instruction each, as inline assembly. `sideeffect` keeps each in its place among the loads and
; stores when machine instructions are scheduled (LLVM would otherwise be free to move the asm
; past a store to the same bytes); `argmemonly` and `readonly` tell the optimiser what they touch.
define i64 @ovsm_load_u64(i8* %p) alwaysinline {
  %v = call i64 asm sideeffect "$0 = *(u64 *)($1 + 0)", "=r,r"(i8* %p) argmemonly readonly nounwind willreturn
  ret i64 %v
}

define i64 @ovsm_load_u32(i8* %p) alwaysinline {
  %v = call i64 asm sideeffect "$0 = *(u32 *)($1 + 0)", "=r,r"(i8* %p) argmemonly readonly nounwind willreturn
  ret i64 %v
}

define void @ovsm_store_u64(i8* %p, i64 %v) alwaysinline {
  call void asm sideeffect "*(u64 *)($0 + 0) = $1", "r,r"(i8* %p, i64 %v) argmemonly nounwind willreturn
  ret void
}

; The u64 after a one-byte tag (a wire value's payload): the offset in the instruction itself,
; where a pointer moved first costs two more instructions (LLVM does not fold an offset into
; inline assembly). In the loops over an array's items, one per item.
define i64 @ovsm_load_u64_after_tag(i8* %p) alwaysinline {
  %v = call i64 asm sideeffect "$0 = *(u64 *)($1 + 1)", "=r,r"(i8* %p) argmemonly readonly nounwind willreturn
  ret i64 %v
}

define void @ovsm_store_u64_after_tag(i8* %p, i64 %v) alwaysinline {
  call void asm sideeffect "*(u64 *)($0 + 1) = $1", "r,r"(i8* %p, i64 %v) argmemonly nounwind willreturn
  ret void
}

define void @ovsm_store_u32(i8* %p, i64 %v) alwaysinline {
  call void asm sideeffect "*(u32 *)($0 + 0) = $1", "r,r"(i8* %p, i64 %v) argmemonly nounwind willreturn
  ret void
}

; ---- the value stack ------------------------------------------------------------------------

define %V* @ovsm_top(i64 %depth) alwaysinline {
  %sp = load i64, i64* $SP
  %off = shl i64 %depth, 4
  %a0 = sub i64 %sp, %off
  %a = sub i64 %a0, 16
  %p = inttoptr i64 %a to %V*
  ret %V* %p
}

define i64 @ovsm_push(i64 %tag, i64 %payload, i64 %site) alwaysinline {
entry:
  %sp = load i64, i64* $SP
  %hp = load i64, i64* $HP
  %end = add i64 %sp, 1040
  %ok = icmp ult i64 %end, %hp
  br i1 %ok, label %push, label %full
push:
  %p = inttoptr i64 %sp to %V*
  %t = getelementptr %V, %V* %p, i32 0, i32 0
  store i64 %tag, i64* %t
  %v = getelementptr %V, %V* %p, i32 0, i32 1
  store i64 %payload, i64* %v
  %nsp = add i64 %sp, 16
  store i64 %nsp, i64* $SP
  ret i64 0
full:
  %r = call i64 @ovsm_out_of_memory(i64 %site)
  ret i64 %r
}

; Room for n more values on the stack: the check the last of n pushes would make, made once
; when lowering stores n deferred values (lower/deferred.rs), which it then pushes with
; `ovsm_push_reserved`, unchecked. Returns 0, or 1 after raising the out-of-memory error.
define i64 @ovsm_reserve(i64 %n, i64 %site) alwaysinline {
entry:
  %sp = load i64, i64* $SP
  %hp = load i64, i64* $HP
  %bytes = shl i64 %n, 4
  %last = add i64 %sp, %bytes
  %end = add i64 %last, 1024
  %ok = icmp ult i64 %end, %hp
  br i1 %ok, label %room, label %full
room:
  ret i64 0
full:
  %r = call i64 @ovsm_out_of_memory(i64 %site)
  ret i64 %r
}

define void @ovsm_push_reserved(i64 %tag, i64 %payload) alwaysinline {
  %sp = load i64, i64* $SP
  %p = inttoptr i64 %sp to %V*
  %t = getelementptr %V, %V* %p, i32 0, i32 0
  store i64 %tag, i64* %t
  %v = getelementptr %V, %V* %p, i32 0, i32 1
  store i64 %payload, i64* %v
  %nsp = add i64 %sp, 16
  store i64 %nsp, i64* $SP
  ret void
}

define void @ovsm_drop(i64 %n) alwaysinline {
  %sp = load i64, i64* $SP
  %off = shl i64 %n, 4
  %nsp = sub i64 %sp, %off
  store i64 %nsp, i64* $SP
  ret void
}

define void @ovsm_store(%V* %dst, %V* %src) alwaysinline {
  %s0 = getelementptr %V, %V* %src, i32 0, i32 0
  %s1 = getelementptr %V, %V* %src, i32 0, i32 1
  %t = load i64, i64* %s0
  %p = load i64, i64* %s1
  %d0 = getelementptr %V, %V* %dst, i32 0, i32 0
  %d1 = getelementptr %V, %V* %dst, i32 0, i32 1
  store i64 %t, i64* %d0
  store i64 %p, i64* %d1
  ret void
}

define i64 @ovsm_tag(%V* %v) alwaysinline {
  %a = getelementptr %V, %V* %v, i32 0, i32 0
  %t = load i64, i64* %a
  ret i64 %t
}

define i64 @ovsm_payload(%V* %v) alwaysinline {
  %a = getelementptr %V, %V* %v, i32 0, i32 1
  %p = load i64, i64* %a
  ret i64 %p
}

define void @ovsm_set(%V* %v, i64 %tag, i64 %payload) alwaysinline {
  %a = getelementptr %V, %V* %v, i32 0, i32 0
  store i64 %tag, i64* %a
  %b = getelementptr %V, %V* %v, i32 0, i32 1
  store i64 %payload, i64* %b
  ret void
}

; Pushes a copy of *v.
define i64 @ovsm_push_value(%V* %v, i64 %site) alwaysinline {
  %t = call i64 @ovsm_tag(%V* %v)
  %p = call i64 @ovsm_payload(%V* %v)
  %r = call i64 @ovsm_push(i64 %t, i64 %p, i64 %site)
  ret i64 %r
}

; Pops the top value into *dst.
define void @ovsm_pop_into(%V* %dst) alwaysinline {
  %top = call %V* @ovsm_top(i64 0)
  call void @ovsm_store(%V* %dst, %V* %top)
  call void @ovsm_drop(i64 1)
  ret void
}

; ---- locals, globals, captures ----------------------------------------------------------------

; The current frame's record is at FP; its locals follow it.
define %V* @ovsm_local_addr(i64 %i) alwaysinline {
  %fp = load i64, i64* $FP
  %off = shl i64 %i, 4
  %a0 = add i64 %fp, 16
  %a = add i64 %a0, %off
  %p = inttoptr i64 %a to %V*
  ret %V* %p
}

; The box a boxed local (or capture) holds.
define %V* @ovsm_unbox(%V* %v) alwaysinline {
  %p = call i64 @ovsm_payload(%V* %v)
  %b = inttoptr i64 %p to %V*
  ret %V* %b
}

define i64 @op_box_local(i64 %i, i64 %site) {
entry:
  %mem = call i8* @ovsm_alloc(i64 16)
  %null = icmp eq i8* %mem, null
  br i1 %null, label %oom, label %ok
ok:
  %box = bitcast i8* %mem to %V*
  %v = call %V* @ovsm_local_addr(i64 %i)
  call void @ovsm_store(%V* %box, %V* %v)
  %addr = ptrtoint i8* %mem to i64
  call void @ovsm_set(%V* %v, i64 10, i64 %addr)
  ret i64 0
oom:
  %r = call i64 @ovsm_out_of_memory(i64 %site)
  ret i64 %r
}

; Capture i of the running closure: the record's second word is the closure object.
define %V* @ovsm_capture_addr(i64 %i) alwaysinline {
  %fp = load i64, i64* $FP
  %cw = add i64 %fp, 8
  %cp = inttoptr i64 %cw to i64*
  %closure = load i64, i64* %cp
  %off = shl i64 %i, 4
  %a0 = add i64 %closure, 24
  %a = add i64 %a0, %off
  %p = inttoptr i64 %a to %V*
  ret %V* %p
}

define %V* @ovsm_global_addr(i64 %g) alwaysinline {
  %p = getelementptr %V, %V* $GLOBALS, i64 %g
  ret %V* %p
}

define i64 @op_global(i64 %g, i8* %name, i64 %site) {
entry:
  %v = call %V* @ovsm_global_addr(i64 %g)
  %t = call i64 @ovsm_tag(%V* %v)
  %unset = icmp eq i64 %t, 15
  br i1 %unset, label %undefined, label %ok
ok:
  %r = call i64 @ovsm_push_value(%V* %v, i64 %site)
  ret i64 %r
undefined:
  %e = call i64 @ovsm_undefined(i8* %name, i64 %site)
  ret i64 %e
}

; Whether global g can be read (1) or assigned (0): 0 when it is defined, else 1 after raising
; the interpreter's error. Deferred reads and writes (lower/deferred.rs) check with it, then
; use the slot directly.
define i64 @ovsm_global_check(i64 %g, i8* %name, i64 %read, i64 %site) {
entry:
  %v = call %V* @ovsm_global_addr(i64 %g)
  %t = call i64 @ovsm_tag(%V* %v)
  %unset = icmp eq i64 %t, 15
  br i1 %unset, label %undefined, label %ok
ok:
  ret i64 0
undefined:
  %reading = icmp ne i64 %read, 0
  br i1 %reading, label %get, label %set
get:
  %e = call i64 @ovsm_undefined(i8* %name, i64 %site)
  ret i64 %e
set:
  %e2 = call i64 @ovsm_set_undefined(i8* %name, i64 %site)
  ret i64 %e2
}

; Notes that a boxed variable was assigned: the box may be a capture of a closure that a global
; holds, whose value then changed with no global written (support/auto.ll, ovsm_save_state).
define void @ovsm_box_written() alwaysinline {
  store i64 1, i64* $BOXWRITES
  ret void
}

; Marks global g written: an autonomous invocation persists the globals its code wrote in the
; program's state account (support/auto.ll).
define void @ovsm_mark_dirty(i64 %g) alwaysinline {
  %base = load i64, i64* $DIRTY
  %a = add i64 %base, %g
  %p = inttoptr i64 %a to i8*
  store i8 1, i8* %p
  ret void
}

define void @op_pop() alwaysinline {
  call void @ovsm_drop(i64 1)
  ret void
}

define i64 @ovsm_truthy(%V* %v) alwaysinline {
entry:
  %t = call i64 @ovsm_tag(%V* %v)
  %isnil = icmp eq i64 %t, 0
  br i1 %isnil, label %no, label %notnil
notnil:
  %isbool = icmp eq i64 %t, 1
  br i1 %isbool, label %bool, label %yes
bool:
  %p = call i64 @ovsm_payload(%V* %v)
  ret i64 %p
yes:
  ret i64 1
no:
  ret i64 0
}

define i64 @op_top_truthy() alwaysinline {
  %v = call %V* @ovsm_top(i64 0)
  %b = call i64 @ovsm_truthy(%V* %v)
  ret i64 %b
}

; ---- closures and calls ---------------------------------------------------------------------

; Pushes a closure of function `fid` with room for `ncap` captures (filled by op_capture).
define i64 @op_closure(i64 %fid, i8* %name, i64 %ncap, i64 %site) {
entry:
  %caps = shl i64 %ncap, 4
  %size = add i64 %caps, 24
  %mem = call i8* @ovsm_alloc(i64 %size)
  %null = icmp eq i8* %mem, null
  br i1 %null, label %oom, label %ok
ok:
  %w = bitcast i8* %mem to i64*
  store i64 %fid, i64* %w
  %w1 = getelementptr i64, i64* %w, i64 1
  %n = ptrtoint i8* %name to i64
  store i64 %n, i64* %w1
  %w2 = getelementptr i64, i64* %w, i64 2
  store i64 %ncap, i64* %w2
  %addr = ptrtoint i8* %mem to i64
  %r = call i64 @ovsm_push(i64 8, i64 %addr, i64 %site)
  ret i64 %r
oom:
  %e = call i64 @ovsm_out_of_memory(i64 %site)
  ret i64 %e
}

; Fills capture k of the closure on top from local slot i (from_outer = 0) or from capture i of
; the running closure (from_outer = 1).
define void @op_capture(i64 %k, i64 %from_outer, i64 %i) {
entry:
  %top = call %V* @ovsm_top(i64 0)
  %closure = call i64 @ovsm_payload(%V* %top)
  %off = shl i64 %k, 4
  %a0 = add i64 %closure, 24
  %a = add i64 %a0, %off
  %dst = inttoptr i64 %a to %V*
  %outer = icmp ne i64 %from_outer, 0
  br i1 %outer, label %cap, label %loc
cap:
  %c = call %V* @ovsm_capture_addr(i64 %i)
  call void @ovsm_store(%V* %dst, %V* %c)
  ret void
loc:
  %l = call %V* @ovsm_local_addr(i64 %i)
  call void @ovsm_store(%V* %dst, %V* %l)
  ret void
}

; A frame record is one value-sized slot below the frame's locals:
;   word 0: return id | (caller's FP - heap start) << 32; word 1: the closure object.
; Calling moves the n arguments up one slot to make room for it where the callee value was
; (or, for a call of a global, where the first argument was).
;
; Enters the closure held in *callee with the n arguments on top of the stack; returns the
; function id to jump to, or -1 after raising an error.
define i64 @ovsm_enter_closure(%V* %callee, i64 %n, i64 %ret, i64 %shift, i64 %site) {
entry:
  %t = call i64 @ovsm_tag(%V* %callee)
  %isfn = icmp eq i64 %t, 8
  br i1 %isfn, label %fn, label %notclosure
notclosure:
  ; a builtin as a value: the caller runs it; its id comes back as -2 - id
  %isbuiltin = icmp eq i64 %t, 9
  br i1 %isbuiltin, label %builtin, label %notfn
builtin:
  %desc = call i64 @ovsm_payload(%V* %callee)
  %dp = inttoptr i64 %desc to i64*
  %id = load i64, i64* %dp
  %code = sub i64 -2, %id
  ret i64 %code
notfn:
  %e = call i64 @ovsm_not_callable(%V* %callee, i64 %site)
  ret i64 -1
fn:
  %closure = call i64 @ovsm_payload(%V* %callee)
  %depth = load i64, i64* $DEPTH
  %max = load i64, i64* $MAXDEPTH
  %deep = icmp uge i64 %depth, %max
  br i1 %deep, label %toodeep, label %room
toodeep:
  %e2 = call i64 @ovsm_recursion(i64 %closure, i64 %site)
  ret i64 -1
room:
  %args = call %V* @ovsm_top(i64 %n)
  %argsaddr0 = ptrtoint %V* %args to i64
  %argsaddr = add i64 %argsaddr0, 16
  %bytes = shl i64 %n, 4
  %shifted = icmp ne i64 %shift, 0
  br i1 %shifted, label %move, label %record
move:
  ; the arguments move up one slot, last first; the stack was checked for room at push time
  ; only for what was pushed, so check the one extra slot now.
  %sp = load i64, i64* $SP
  %hp = load i64, i64* $HP
  %end = add i64 %sp, 1040
  %fits = icmp ult i64 %end, %hp
  br i1 %fits, label %domove, label %oom
oom:
  %e3 = call i64 @ovsm_out_of_memory(i64 %site)
  ret i64 -1
domove:
  br label %mloop
mloop:
  %k = phi i64 [ %n, %domove ], [ %k1, %mbody ]
  %more = icmp ugt i64 %k, 0
  br i1 %more, label %mbody, label %mdone
mbody:
  %k1 = sub i64 %k, 1
  %o = shl i64 %k1, 4
  %from0 = add i64 %argsaddr, %o
  %from = inttoptr i64 %from0 to %V*
  %to0 = add i64 %from0, 16
  %to = inttoptr i64 %to0 to %V*
  call void @ovsm_store(%V* %to, %V* %from)
  br label %mloop
mdone:
  %nsp = add i64 %sp, 16
  store i64 %nsp, i64* $SP
  br label %record
record:
  ; the record goes where the callee was (shift = 0) or where the first argument was
  %raddr = phi i64 [ %argsaddr0, %room ], [ %argsaddr, %mdone ]
  %fid = call i64 @ovsm_frame_record(i64 %raddr, i64 %ret, i64 %closure, i64 %depth)
  ret i64 %fid
}

; Writes a call's frame record at raddr (the return id and the caller's frame in the tag word,
; the closure in the payload), makes it the running frame one level deeper, and yields the
; closure's function id.
define i64 @ovsm_frame_record(i64 %raddr, i64 %ret, i64 %closure, i64 %depth) alwaysinline {
  %rec = inttoptr i64 %raddr to %V*
  %fp = load i64, i64* $FP
  %fprel = sub i64 %fp, $HEAP
  %fpw = shl i64 %fprel, 32
  %meta = or i64 %ret, %fpw
  call void @ovsm_set(%V* %rec, i64 %meta, i64 %closure)
  store i64 %raddr, i64* $FP
  %d1 = add i64 %depth, 1
  store i64 %d1, i64* $DEPTH
  %fw = inttoptr i64 %closure to i64*
  %fid = load i64, i64* %fw
  ret i64 %fid
}
