; OVSM support library, part 2: calls, returns and arity.

define i64 @op_call(i64 %n, i64 %ret, i64 %site) {
  %callee = call %V* @ovsm_top(i64 %n)
  %fid = call i64 @ovsm_enter_closure(%V* %callee, i64 %n, i64 %ret, i64 0, i64 %site)
  ret i64 %fid
}

; A call of the function in global g (no callee slot on the stack): the arguments move up one
; slot to make room for the frame record.
define i64 @op_call_global(i64 %g, i64 %n, i64 %ret, i8* %name, i64 %site) {
entry:
  %v = call %V* @ovsm_global_callee(i64 %g, i8* %name, i64 %site)
  %undefined = icmp eq %V* %v, null
  br i1 %undefined, label %fail, label %ok
ok:
  %fid = call i64 @ovsm_enter_closure(%V* %v, i64 %n, i64 %ret, i64 1, i64 %site)
  ret i64 %fid
fail:
  ret i64 -1
}

; The same with a slot below the arguments (lowering stored them above one): the frame record
; goes there, and nothing moves. The common case, a closure within the depth limit, is inline;
; anything else (an unset global, a builtin, no function, too deep) is one shared function:
; inlined whole at each of the vault's 20 calls, this cost 8 KB, and out of line whole, the
; native call took most of what not moving the arguments saves.
define i64 @op_call_global_slotted(i64 %g, i64 %n, i64 %ret, i8* %name, i64 %site) alwaysinline {
entry:
  %v = call %V* @ovsm_global_addr(i64 %g)
  %t = call i64 @ovsm_tag(%V* %v)
  %isfn = icmp eq i64 %t, 8
  %depth = load i64, i64* $DEPTH
  %max = load i64, i64* $MAXDEPTH
  %shallow = icmp ult i64 %depth, %max
  %fast = and i1 %isfn, %shallow
  br i1 %fast, label %enter, label %other
enter:
  %closure = call i64 @ovsm_payload(%V* %v)
  %rec = call %V* @ovsm_top(i64 %n)
  %raddr = ptrtoint %V* %rec to i64
  %fid = call i64 @ovsm_frame_record(i64 %raddr, i64 %ret, i64 %closure, i64 %depth)
  ret i64 %fid
other:
  %r = call i64 @ovsm_call_global_slotted_other(i64 %g, i64 %n, i64 %ret, i8* %name, i64 %site)
  ret i64 %r
}

define i64 @ovsm_call_global_slotted_other(i64 %g, i64 %n, i64 %ret, i8* %name, i64 %site) noinline {
entry:
  %v = call %V* @ovsm_global_callee(i64 %g, i8* %name, i64 %site)
  %undefined = icmp eq %V* %v, null
  br i1 %undefined, label %fail, label %ok
ok:
  %fid = call i64 @ovsm_enter_closure(%V* %v, i64 %n, i64 %ret, i64 0, i64 %site)
  ret i64 %fid
fail:
  ret i64 -1
}

; Global g's slot, or null after raising `undefined function NAME` when it is unset.
define %V* @ovsm_global_callee(i64 %g, i8* %name, i64 %site) alwaysinline {
entry:
  %v = call %V* @ovsm_global_addr(i64 %g)
  %t = call i64 @ovsm_tag(%V* %v)
  %unset = icmp eq i64 %t, 15
  br i1 %unset, label %undefined, label %ok
ok:
  ret %V* %v
undefined:
  %e = call i64 @ovsm_undefined_function(i8* %name, i64 %site)
  ret %V* null
}

; A tail call: the callee's n arguments (the top n values) replace the running frame's locals;
; the record keeps its return id and caller, so the stack does not grow.
define i64 @op_tail_call(i64 %n, i64 %site) {
  %callee = call %V* @ovsm_top(i64 %n)
  %fid = call i64 @ovsm_tail_enter_n(%V* %callee, i64 %n, i64 %site)
  ret i64 %fid
}

define i64 @op_tail_call_global(i64 %g, i64 %n, i8* %name, i64 %site) {
entry:
  %v = call %V* @ovsm_global_addr(i64 %g)
  %t = call i64 @ovsm_tag(%V* %v)
  %unset = icmp eq i64 %t, 15
  br i1 %unset, label %undefined, label %ok
ok:
  %fid = call i64 @ovsm_tail_enter_n(%V* %v, i64 %n, i64 %site)
  ret i64 %fid
undefined:
  %e = call i64 @ovsm_undefined_function(i8* %name, i64 %site)
  ret i64 -1
}

define i64 @ovsm_tail_enter_n(%V* %callee, i64 %n, i64 %site) {
entry:
  %sp = load i64, i64* $SP
  %bytes = shl i64 %n, 4
  %first = sub i64 %sp, %bytes
  %t = call i64 @ovsm_tag(%V* %callee)
  %isfn = icmp eq i64 %t, 8
  br i1 %isfn, label %fn, label %notclosure
notclosure:
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
  %fp = load i64, i64* $FP
  %cw = add i64 %fp, 8
  %cp = inttoptr i64 %cw to i64*
  store i64 %closure, i64* %cp
  %dst = add i64 %fp, 16
  br label %loop
loop:
  %k = phi i64 [ 0, %fn ], [ %k1, %body ]
  %more = icmp ult i64 %k, %n
  br i1 %more, label %body, label %done
body:
  %o = shl i64 %k, 4
  %f0 = add i64 %first, %o
  %f = inttoptr i64 %f0 to %V*
  %d0 = add i64 %dst, %o
  %d = inttoptr i64 %d0 to %V*
  call void @ovsm_store(%V* %d, %V* %f)
  %k1 = add i64 %k, 1
  br label %loop
done:
  %nsp = add i64 %dst, %bytes
  store i64 %nsp, i64* $SP
  %fw = inttoptr i64 %closure to i64*
  %fid = load i64, i64* %fw
  ret i64 %fid
}

; Starts a top-level entry: a record with no closure.
define i64 @op_enter_entry(i64 %ret, i64 %site) {
entry:
  %sp = load i64, i64* $SP
  %fp = load i64, i64* $FP
  %fprel = sub i64 %fp, $HEAP
  %fpw = shl i64 %fprel, 32
  %meta = or i64 %ret, %fpw
  %r = call i64 @ovsm_push(i64 %meta, i64 0, i64 %site)
  %bad = icmp ne i64 %r, 0
  br i1 %bad, label %fail, label %ok
ok:
  store i64 %sp, i64* $FP
  %d = load i64, i64* $DEPTH
  %d1 = add i64 %d, 1
  store i64 %d1, i64* $DEPTH
  ret i64 0
fail:
  ret i64 %r
}

; The callee's prologue: checks the argument count, gathers &rest, and gives every other local
; slot nil.
define i64 @op_enter(i64 %required, i64 %optional, i64 %rest, i64 %nslots, i64 %site) {
entry:
  %fp = load i64, i64* $FP
  %base = add i64 %fp, 16
  %sp = load i64, i64* $SP
  %used = sub i64 %sp, %base
  %argc = lshr i64 %used, 4
  %fixed = add i64 %required, %optional
  %few = icmp ult i64 %argc, %required
  %hasrest = icmp ne i64 %rest, 0
  %many0 = icmp ugt i64 %argc, %fixed
  %norest = xor i1 %hasrest, true
  %many = and i1 %many0, %norest
  %bad = or i1 %few, %many
  br i1 %bad, label %arity, label %ok
arity:
  %e = call i64 @ovsm_arity(i64 %required, i64 %optional, i64 %rest, i64 %argc, i64 %site)
  ret i64 %e
ok:
  br i1 %hasrest, label %gather, label %pad
gather:
  %extra = icmp ugt i64 %argc, %fixed
  %count = select i1 %extra, i64 %argc, i64 %fixed
  %nrest = sub i64 %count, %fixed
  %r1 = call i64 @ovsm_pad(i64 %base, i64 %fixed, i64 %site)
  %b1 = icmp ne i64 %r1, 0
  br i1 %b1, label %fail, label %mk
mk:
  ; after padding, the stack holds max(argc, fixed) values; the extras become one array
  %r2 = call i64 @op_make_array(i64 %nrest, i64 %site)
  %b2 = icmp ne i64 %r2, 0
  br i1 %b2, label %fail, label %pad
pad:
  %r3 = call i64 @ovsm_pad(i64 %base, i64 %nslots, i64 %site)
  ret i64 %r3
fail:
  ret i64 1
}

; Pushes nil until the frame at `base` has `n` slots.
define i64 @ovsm_pad(i64 %base, i64 %n, i64 %site) {
entry:
  br label %loop
loop:
  %sp = load i64, i64* $SP
  %used = sub i64 %sp, %base
  %have = lshr i64 %used, 4
  %more = icmp ult i64 %have, %n
  br i1 %more, label %push, label %done
push:
  %r = call i64 @ovsm_push(i64 0, i64 0, i64 %site)
  %bad = icmp ne i64 %r, 0
  br i1 %bad, label %fail, label %loop
fail:
  ret i64 1
done:
  ret i64 0
}

; Returns the top value to the caller; yields the return id to jump to.
define i64 @op_ret() {
  %result = call %V* @ovsm_top(i64 0)
  %fp = load i64, i64* $FP
  %rec = inttoptr i64 %fp to %V*
  %meta = call i64 @ovsm_tag(%V* %rec)
  call void @ovsm_store(%V* %rec, %V* %result)
  %nsp = add i64 %fp, 16
  store i64 %nsp, i64* $SP
  %callerrel = lshr i64 %meta, 32
  %caller = add i64 %callerrel, $HEAP
  store i64 %caller, i64* $FP
  %d = load i64, i64* $DEPTH
  %d1 = sub i64 %d, 1
  store i64 %d1, i64* $DEPTH
  %ret = and i64 %meta, 4294967295
  ret i64 %ret
}

; After a builtin called as a value (Call): its result replaces the callee slot below it.
define void @op_collapse() {
  %result = call %V* @ovsm_top(i64 0)
  %callee = call %V* @ovsm_top(i64 1)
  call void @ovsm_store(%V* %callee, %V* %result)
  call void @ovsm_drop(i64 1)
  ret void
}

; wrong number of arguments to `NAME`: expected E, got G, for a builtin (max -1: variadic).
define i64 @ovsm_builtin_arity(i8* %name, i64 %min, i64 %max, i64 %argc, i64 %site) noinline minsize optsize {
entry:
  %few = icmp ult i64 %argc, %min
  %variadic = icmp eq i64 %max, -1
  %many0 = icmp ugt i64 %argc, %max
  %novar = xor i1 %variadic, true
  %many = and i1 %many0, %novar
  %bad = or i1 %few, %many
  br i1 %bad, label %report, label %ok
ok:
  ret i64 0
report:
  call void @sb_reset()
  call void @sb_obj(i8* $STR"wrong number of arguments to `")
  call void @sb_obj(i8* %name)
  call void @sb_obj(i8* $STR"`: expected ")
  br i1 %variadic, label %atleast, label %fixed
atleast:
  call void @sb_obj(i8* $STR"at least ")
  call void @sb_int(i64 %min)
  br label %got
fixed:
  call void @sb_int(i64 %min)
  %range = icmp ne i64 %min, %max
  br i1 %range, label %upto, label %got
upto:
  call void @sb_obj(i8* $STR" to ")
  call void @sb_int(i64 %max)
  br label %got
got:
  call void @sb_obj(i8* $STR", got ")
  call void @sb_int(i64 %argc)
  %r = call i64 @ovsm_fail_sb(i64 202, i64 %site)
  ret i64 %r
}

; ---- try --------------------------------------------------------------------------------------
; A handler is { previous handler, SP, FP, DEPTH, resume id } on the object heap; $TRY holds
; the innermost one (0: none).

define i64 @op_try_begin(i64 %resume, i64 %site) {
entry:
  %mem = call i8* @ovsm_alloc(i64 40)
  %null = icmp eq i8* %mem, null
  br i1 %null, label %oom, label %ok
ok:
  %w = bitcast i8* %mem to i64*
  %prev = load i64, i64* $TRY
  store i64 %prev, i64* %w
  %w1 = getelementptr i64, i64* %w, i64 1
  %sp = load i64, i64* $SP
  store i64 %sp, i64* %w1
  %w2 = getelementptr i64, i64* %w, i64 2
  %fp = load i64, i64* $FP
  store i64 %fp, i64* %w2
  %w3 = getelementptr i64, i64* %w, i64 3
  %depth = load i64, i64* $DEPTH
  store i64 %depth, i64* %w3
  %w4 = getelementptr i64, i64* %w, i64 4
  store i64 %resume, i64* %w4
  %addr = ptrtoint i8* %mem to i64
  store i64 %addr, i64* $TRY
  ret i64 0
oom:
  %e = call i64 @ovsm_out_of_memory(i64 %site)
  ret i64 %e
}

define void @op_try_end() {
  %h = load i64, i64* $TRY
  %w = inttoptr i64 %h to i64*
  %prev = load i64, i64* %w
  store i64 %prev, i64* $TRY
  ret void
}

; After an error: when a handler is live and the error is catchable (not a resource limit:
; recursion 208, memory 209, compute 210, internal 299), unwinds to it, pushes the message and
; returns its resume id; otherwise 0.
define i64 @ovsm_catch() {
entry:
  %h = load i64, i64* $TRY
  %none = icmp eq i64 %h, 0
  br i1 %none, label %no, label %code
code:
  %c = load i64, i64* $ERRCODE
  %recursion = icmp eq i64 %c, 208
  %memory = icmp eq i64 %c, 209
  %compute = icmp eq i64 %c, 210
  %internal = icmp eq i64 %c, 299
  %f1 = or i1 %recursion, %memory
  %f2 = or i1 %compute, %internal
  %fatal = or i1 %f1, %f2
  br i1 %fatal, label %no, label %unwind
unwind:
  %w = inttoptr i64 %h to i64*
  %prev = load i64, i64* %w
  store i64 %prev, i64* $TRY
  %w1 = getelementptr i64, i64* %w, i64 1
  %sp = load i64, i64* %w1
  store i64 %sp, i64* $SP
  %w2 = getelementptr i64, i64* %w, i64 2
  %fp = load i64, i64* %w2
  store i64 %fp, i64* $FP
  %w3 = getelementptr i64, i64* %w, i64 3
  %depth = load i64, i64* %w3
  store i64 %depth, i64* $DEPTH
  %w4 = getelementptr i64, i64* %w, i64 4
  %resume = load i64, i64* %w4
  %msg = load i64, i64* $ERRMSG
  ; the message object was made when the error was raised; without one (memory ran out), ""
  %hasmsg = icmp ne i64 %msg, 0
  %m = select i1 %hasmsg, i64 %msg, i64 ptrtoint (i8* $STR"" to i64)
  %r = call i64 @ovsm_push(i64 4, i64 %m, i64 0)
  %ok = icmp eq i64 %r, 0
  %res = select i1 %ok, i64 %resume, i64 0
  ret i64 %res
no:
  ret i64 0
}

; op_enter for the common case of fixed parameters: an inline count check, padding only when the
; function has locals beyond its parameters; anything else (an arity error) takes op_enter.
define i64 @op_enter_fixed(i64 %required, i64 %nslots, i64 %site) alwaysinline {
entry:
  %fp = load i64, i64* $FP
  %base = add i64 %fp, 16
  %sp = load i64, i64* $SP
  %want0 = shl i64 %required, 4
  %want = add i64 %base, %want0
  %exact = icmp eq i64 %sp, %want
  br i1 %exact, label %locals, label %slow
locals:
  %more = icmp ugt i64 %nslots, %required
  br i1 %more, label %pad, label %done
pad:
  %r = call i64 @ovsm_pad(i64 %base, i64 %nslots, i64 %site)
  ret i64 %r
done:
  ret i64 0
slow:
  %e = call i64 @op_enter(i64 %required, i64 0, i64 0, i64 %nslots, i64 %site)
  ret i64 %e
}

; Whether `frames` nested calls made now would pass the recursion limit (the last of them would
; fail op_call_global_slotted's `depth < max`): an inlined call (codegen/src/inline.rs) goes the
; general way then, which raises the error. 1 or 0.
define i64 @ovsm_too_deep(i64 %frames) alwaysinline {
  %depth = load i64, i64* $DEPTH
  %max = load i64, i64* $MAXDEPTH
  %after = add i64 %depth, %frames
  %deep = icmp ugt i64 %after, %max
  %r = zext i1 %deep to i64
  ret i64 %r
}
