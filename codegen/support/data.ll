; OVSM support library, part 4: arrays and strings.

; Item i of the array object at address arr.
define %V* @ovsm_array_item(i64 %arr, i64 %i) alwaysinline {
  %off = shl i64 %i, 4
  %a0 = add i64 %arr, 8
  %a = add i64 %a0, %off
  %p = inttoptr i64 %a to %V*
  ret %V* %p
}

; Pops n values into a new array, pushed in their place.
define i64 @op_make_array(i64 %n, i64 %site) {
entry:
  %bytes = shl i64 %n, 4
  %size = add i64 %bytes, 8
  %mem = call i8* @ovsm_alloc(i64 %size)
  %null = icmp eq i8* %mem, null
  br i1 %null, label %oom, label %ok
ok:
  %w = bitcast i8* %mem to i64*
  store i64 %n, i64* %w
  %items = getelementptr i8, i8* %mem, i64 8
  %first = call %V* @ovsm_top(i64 %n)
  %f0 = bitcast %V* %first to i8*
  %src = getelementptr i8, i8* %f0, i64 16
  call void @ovsm_copy(i8* %items, i8* %src, i64 %bytes)
  call void @ovsm_drop(i64 %n)
  %addr = ptrtoint i8* %mem to i64
  %r = call i64 @ovsm_push(i64 6, i64 %addr, i64 %site)
  ret i64 %r
oom:
  %e = call i64 @ovsm_out_of_memory(i64 %site)
  ret i64 %e
}

; A new string object holding n bytes from src.
define i64 @ovsm_new_string(i8* %src, i64 %n) {
entry:
  %size = add i64 %n, 8
  %mem = call i8* @ovsm_alloc(i64 %size)
  %null = icmp eq i8* %mem, null
  br i1 %null, label %oom, label %ok
ok:
  %w = bitcast i8* %mem to i64*
  store i64 %n, i64* %w
  %bytes = getelementptr i8, i8* %mem, i64 8
  call void @ovsm_copy(i8* %bytes, i8* %src, i64 %n)
  %addr = ptrtoint i8* %mem to i64
  ret i64 %addr
oom:
  ret i64 0
}

; Characters in a string object: UTF-8 bytes that do not continue a character.
define i64 @ovsm_char_count(i64 %s) {
entry:
  %p = inttoptr i64 %s to i64*
  %n = load i64, i64* %p
  %b = add i64 %s, 8
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %body ]
  %c = phi i64 [ 0, %entry ], [ %c1, %body ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %body, label %done
body:
  %a = add i64 %b, %i
  %bp = inttoptr i64 %a to i8*
  %byte = load i8, i8* %bp
  %top2 = and i8 %byte, -64
  %cont = icmp eq i8 %top2, -128
  %inc = select i1 %cont, i64 0, i64 1
  %c1 = add i64 %c, %inc
  %i1 = add i64 %i, 1
  br label %loop
done:
  ret i64 %c
}


; (length x) of a string (characters) or an array.
define i64 @op_length(i64 %site) {
entry:
  %a = call %V* @ovsm_top(i64 0)
  %t = call i64 @ovsm_tag(%V* %a)
  %x = call i64 @ovsm_payload(%V* %a)
  switch i64 %t, label %bad [ i64 4, label %str
                              i64 6, label %arr
                              i64 7, label %map
                              i64 0, label %nil ]
nil:
  call void @ovsm_set(%V* %a, i64 2, i64 0)
  ret i64 0
map:
  %mn = call i64 @ovsm_map_count(i64 %x)
  call void @ovsm_set(%V* %a, i64 2, i64 %mn)
  ret i64 0
str:
  %c = call i64 @ovsm_char_count(i64 %x)
  call void @ovsm_set(%V* %a, i64 2, i64 %c)
  ret i64 0
arr:
  %p = inttoptr i64 %x to i64*
  %n = load i64, i64* %p
  call void @ovsm_set(%V* %a, i64 2, i64 %n)
  ret i64 0
bad:
  %e = call i64 @ovsm_expected(%V* %a, i8* $STR"length", i8* $STR"a string, array or map", i64 %site)
  ret i64 %e
}


; (nth arr i) on an array.
define i64 @op_nth(i64 %site) {
entry:
  %a = call %V* @ovsm_top(i64 1)
  %i = call %V* @ovsm_top(i64 0)
  %ti = call i64 @ovsm_tag(%V* %i)
  %isint = icmp eq i64 %ti, 2
  br i1 %isint, label %idx, label %badidx
idx:
  %ta = call i64 @ovsm_tag(%V* %a)
  %isarr = icmp eq i64 %ta, 6
  br i1 %isarr, label %arr, label %badarr
arr:
  %x = call i64 @ovsm_payload(%V* %a)
  %k = call i64 @ovsm_payload(%V* %i)
  %p = inttoptr i64 %x to i64*
  %n = load i64, i64* %p
  %inrange = icmp ult i64 %k, %n
  br i1 %inrange, label %ok, label %range
ok:
  %item = call %V* @ovsm_array_item(i64 %x, i64 %k)
  call void @ovsm_store(%V* %a, %V* %item)
  call void @ovsm_drop(i64 1)
  ret i64 0
range:
  %e = call i64 @ovsm_index_error(i64 %k, i64 %n, i8* $STR"array", i64 %site)
  ret i64 %e
badidx:
  %e1 = call i64 @ovsm_expected(%V* %i, i8* $STR"nth", i8* $STR"an integer", i64 %site)
  ret i64 %e1
badarr:
  %e2 = call i64 @ovsm_expected(%V* %a, i8* $STR"nth", i8* $STR"an array", i64 %site)
  ret i64 %e2
}

; A new array of n items, copied from src; 0 when memory ran out.
define i64 @ovsm_new_array(i8* %src, i64 %n, i64 %extra) {
entry:
  %total = add i64 %n, %extra
  %bytes = shl i64 %total, 4
  %size = add i64 %bytes, 8
  %mem = call i8* @ovsm_alloc(i64 %size)
  %null = icmp eq i8* %mem, null
  br i1 %null, label %oom, label %ok
ok:
  %w = bitcast i8* %mem to i64*
  store i64 %total, i64* %w
  %items = getelementptr i8, i8* %mem, i64 8
  %copy = shl i64 %n, 4
  call void @ovsm_copy(i8* %items, i8* %src, i64 %copy)
  %addr = ptrtoint i8* %mem to i64
  ret i64 %addr
oom:
  ret i64 0
}

; `for`: replaces the collection on top with the array to iterate (nil: none; a string: its
; characters).
define i64 @op_iter_start(i64 %site) {
entry:
  %v = call %V* @ovsm_top(i64 0)
  %t = call i64 @ovsm_tag(%V* %v)
  switch i64 %t, label %bad [ i64 6, label %done
                              i64 0, label %nil
                              i64 4, label %str
                              i64 7, label %map ]
done:
  ret i64 0
map:
  %m = call i64 @ovsm_payload(%V* %v)
  %entries = call i64 @ovsm_map_entries(i64 %m)
  %e1 = icmp eq i64 %entries, 0
  br i1 %e1, label %oom, label %setmap
setmap:
  call void @ovsm_set(%V* %v, i64 6, i64 %entries)
  ret i64 0
nil:
  %empty = call i64 @ovsm_new_array(i8* null, i64 0, i64 0)
  %e0 = icmp eq i64 %empty, 0
  br i1 %e0, label %oom, label %setnil
setnil:
  call void @ovsm_set(%V* %v, i64 6, i64 %empty)
  ret i64 0
str:
  %s = call i64 @ovsm_payload(%V* %v)
  %n = call i64 @ovsm_char_count(i64 %s)
  %arr = call i64 @ovsm_new_array(i8* null, i64 0, i64 %n)
  %a0 = icmp eq i64 %arr, 0
  br i1 %a0, label %oom, label %chars
chars:
  %r = call i64 @ovsm_split_chars(i64 %s, i64 %arr)
  %failed = icmp ne i64 %r, 0
  br i1 %failed, label %oom, label %setstr
setstr:
  call void @ovsm_set(%V* %v, i64 6, i64 %arr)
  ret i64 0
oom:
  %e = call i64 @ovsm_out_of_memory(i64 %site)
  ret i64 %e
bad:
  %e2 = call i64 @ovsm_expected(%V* %v, i8* $STR"for", i8* $STR"an array, string or map to iterate", i64 %site)
  ret i64 %e2
}

; Fills array arr with one string per UTF-8 character of s; 1 when memory ran out.
define i64 @ovsm_split_chars(i64 %s, i64 %arr) {
entry:
  %p = inttoptr i64 %s to i64*
  %n = load i64, i64* %p
  %b = add i64 %s, 8
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %j, %store ]
  %k = phi i64 [ 0, %entry ], [ %k1, %store ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %scan, label %done
scan:
  ; the character runs to the next byte that is not a continuation byte
  br label %cont
cont:
  %j0 = phi i64 [ %i, %scan ], [ %j, %cont2 ]
  %j = add i64 %j0, 1
  %inside = icmp ult i64 %j, %n
  br i1 %inside, label %peek, label %store
peek:
  %a = add i64 %b, %j
  %cp = inttoptr i64 %a to i8*
  %c = load i8, i8* %cp
  %top2 = and i8 %c, -64
  %isc = icmp eq i8 %top2, -128
  br i1 %isc, label %cont2, label %store
cont2:
  br label %cont
store:
  %len = sub i64 %j, %i
  %start0 = add i64 %b, %i
  %start = inttoptr i64 %start0 to i8*
  %obj = call i64 @ovsm_new_string(i8* %start, i64 %len)
  %item = call %V* @ovsm_array_item(i64 %arr, i64 %k)
  call void @ovsm_set(%V* %item, i64 4, i64 %obj)
  %k1 = add i64 %k, 1
  %oom = icmp eq i64 %obj, 0
  br i1 %oom, label %fail, label %loop
done:
  ret i64 0
fail:
  ret i64 1
}

; (for (x COLL) ...): with the array in local a and the index in local b, pushes the next item
; and advances (1), or reports the end (0); -1 after an error.
define i64 @op_iter_next(i64 %a, i64 %b, i64 %site) {
entry:
  %arrv = call %V* @ovsm_local_addr(i64 %a)
  %idxv = call %V* @ovsm_local_addr(i64 %b)
  %arr = call i64 @ovsm_payload(%V* %arrv)
  %i = call i64 @ovsm_payload(%V* %idxv)
  %p = inttoptr i64 %arr to i64*
  %n = load i64, i64* %p
  %more = icmp ult i64 %i, %n
  br i1 %more, label %next, label %end
next:
  %i1 = add i64 %i, 1
  call void @ovsm_set(%V* %idxv, i64 2, i64 %i1)
  %item = call %V* @ovsm_array_item(i64 %arr, i64 %i)
  %r = call i64 @ovsm_push_value(%V* %item, i64 %site)
  %bad = icmp ne i64 %r, 0
  %res = select i1 %bad, i64 -1, i64 1
  ret i64 %res
end:
  ret i64 0
}

; IterNext, then SetLocal d, as one operation (lower.rs): the next item goes straight into local
; d, with no push and pop between. Returns 1 for an item, 0 at the end. It repeats op_iter_next's
; step instead of sharing a helper with it: the shared form made LLVM inline differently, and
; pairs trading's invocations cost 0.5% more.
define i64 @op_iter_next_into(i64 %a, i64 %b, i64 %d) {
entry:
  %arrv = call %V* @ovsm_local_addr(i64 %a)
  %idxv = call %V* @ovsm_local_addr(i64 %b)
  %arr = call i64 @ovsm_payload(%V* %arrv)
  %i = call i64 @ovsm_payload(%V* %idxv)
  %p = inttoptr i64 %arr to i64*
  %n = load i64, i64* %p
  %more = icmp ult i64 %i, %n
  br i1 %more, label %next, label %end
next:
  %i1 = add i64 %i, 1
  call void @ovsm_set(%V* %idxv, i64 2, i64 %i1)
  %item = call %V* @ovsm_array_item(i64 %arr, i64 %i)
  %dst = call %V* @ovsm_local_addr(i64 %d)
  call void @ovsm_store(%V* %dst, %V* %item)
  ret i64 1
end:
  ret i64 0
}

; RangeNext, then SetLocal d, as one operation, as above.
define i64 @op_range_next_into(i64 %a, i64 %b, i64 %d) {
entry:
  %cv = call %V* @ovsm_local_addr(i64 %a)
  %ev = call %V* @ovsm_local_addr(i64 %b)
  %i = call i64 @ovsm_payload(%V* %cv)
  %e = call i64 @ovsm_payload(%V* %ev)
  %more = icmp slt i64 %i, %e
  br i1 %more, label %next, label %end
next:
  %i1 = add i64 %i, 1
  call void @ovsm_set(%V* %cv, i64 2, i64 %i1)
  %dst = call %V* @ovsm_local_addr(i64 %d)
  call void @ovsm_set(%V* %dst, i64 2, i64 %i)
  ret i64 1
end:
  ret i64 0
}

; (for (i (range a b)) ...): with the counter in local a and the end in local b.
define i64 @op_range_next(i64 %a, i64 %b, i64 %site) {
entry:
  %cv = call %V* @ovsm_local_addr(i64 %a)
  %ev = call %V* @ovsm_local_addr(i64 %b)
  %i = call i64 @ovsm_payload(%V* %cv)
  %e = call i64 @ovsm_payload(%V* %ev)
  %more = icmp slt i64 %i, %e
  br i1 %more, label %next, label %end
next:
  %i1 = add i64 %i, 1
  call void @ovsm_set(%V* %cv, i64 2, i64 %i1)
  %r = call i64 @ovsm_push(i64 2, i64 %i, i64 %site)
  %bad = icmp ne i64 %r, 0
  %res = select i1 %bad, i64 -1, i64 1
  ret i64 %res
end:
  ret i64 0
}

; The variable an update names: kind 0 a local, 1 a boxed local, 2 a boxed capture, 3 a global.
define %V* @ovsm_update_target(i64 %kind, i64 %i) {
entry:
  switch i64 %kind, label %local [ i64 1, label %boxed
                                   i64 2, label %captured
                                   i64 3, label %global ]
local:
  %l = call %V* @ovsm_local_addr(i64 %i)
  ret %V* %l
boxed:
  call void @ovsm_box_written()
  %bl = call %V* @ovsm_local_addr(i64 %i)
  %b = call %V* @ovsm_unbox(%V* %bl)
  ret %V* %b
captured:
  call void @ovsm_box_written()
  %c = call %V* @ovsm_capture_addr(i64 %i)
  %cb = call %V* @ovsm_unbox(%V* %c)
  ret %V* %cb
global:
  call void @ovsm_mark_dirty(i64 %i)
  %g = call %V* @ovsm_global_addr(i64 %i)
  ret %V* %g
}

; (set! x (append x [e])) (push = 1) and (set! x (append x ys)) (push = 0): pops the operand,
; makes the variable a new array with it added, pushes that. Arrays are immutable values, so
; this copies: the interpreter's in-place growth is a later optimisation here.
define i64 @op_update_append(i64 %kind, i64 %i, i64 %push, i64 %site) {
entry:
  %target = call %V* @ovsm_update_target(i64 %kind, i64 %i)
  %operand = call %V* @ovsm_top(i64 0)
  %ispush = icmp ne i64 %push, 0
  br i1 %ispush, label %checktarget, label %checkmore
checkmore:
  %mt = call i64 @ovsm_tag(%V* %operand)
  %marr = icmp eq i64 %mt, 6
  br i1 %marr, label %checktarget, label %badmore
checktarget:
  %tt = call i64 @ovsm_tag(%V* %target)
  %tarr = icmp eq i64 %tt, 6
  br i1 %tarr, label %grow, label %badtarget
grow:
  %old = call i64 @ovsm_payload(%V* %target)
  %op = inttoptr i64 %old to i64*
  %n = load i64, i64* %op
  %items0 = add i64 %old, 8
  %items = inttoptr i64 %items0 to i8*
  br i1 %ispush, label %one, label %many
one:
  %new1 = call i64 @ovsm_new_array(i8* %items, i64 %n, i64 1)
  %z1 = icmp eq i64 %new1, 0
  br i1 %z1, label %oom, label %fill1
fill1:
  %slot = call %V* @ovsm_array_item(i64 %new1, i64 %n)
  call void @ovsm_store(%V* %slot, %V* %operand)
  br label %finish
many:
  %more = call i64 @ovsm_payload(%V* %operand)
  %mp = inttoptr i64 %more to i64*
  %m = load i64, i64* %mp
  %new2 = call i64 @ovsm_new_array(i8* %items, i64 %n, i64 %m)
  %z2 = icmp eq i64 %new2, 0
  br i1 %z2, label %oom, label %fill2
fill2:
  %dst0 = call %V* @ovsm_array_item(i64 %new2, i64 %n)
  %dst = bitcast %V* %dst0 to i8*
  %src0 = add i64 %more, 8
  %src = inttoptr i64 %src0 to i8*
  %bytes = shl i64 %m, 4
  call void @ovsm_copy(i8* %dst, i8* %src, i64 %bytes)
  br label %finish
finish:
  %new = phi i64 [ %new1, %fill1 ], [ %new2, %fill2 ]
  call void @ovsm_set(%V* %target, i64 6, i64 %new)
  call void @ovsm_set(%V* %operand, i64 6, i64 %new)
  ret i64 0
oom:
  %e = call i64 @ovsm_out_of_memory(i64 %site)
  ret i64 %e
badmore:
  %e1 = call i64 @ovsm_expected(%V* %operand, i8* $STR"append", i8* $STR"an array", i64 %site)
  ret i64 %e1
badtarget:
  %e2 = call i64 @ovsm_expected(%V* %target, i8* $STR"append", i8* $STR"an array", i64 %site)
  ret i64 %e2
}

; (set! x (append x [e])) whose result is dropped, for a local x that no other code can see
; (codegen/src/owned.rs). x's array grows in place into the room it was given the last time it
; had to be copied; hidden slot h remembers that array's address (its payload word) and how many
; items it has room for (its tag word), so an array x got from anywhere else is copied first.
; Amortised O(1) per push, as the interpreter's push into an array nothing else holds.
define i64 @op_update_push_owned(i64 %x, i64 %h, i64 %site) {
entry:
  %target = call %V* @ovsm_local_addr(i64 %x)
  %operand = call %V* @ovsm_top(i64 0)
  %tt = call i64 @ovsm_tag(%V* %target)
  %tarr = icmp eq i64 %tt, 6
  br i1 %tarr, label %look, label %badtarget
look:
  %old = call i64 @ovsm_payload(%V* %target)
  %op = inttoptr i64 %old to i64*
  %n = load i64, i64* %op
  %hv = call %V* @ovsm_local_addr(i64 %h)
  %hw = bitcast %V* %hv to i64*
  %cap = load i64, i64* %hw
  %hp = getelementptr i64, i64* %hw, i64 1
  %mine = load i64, i64* %hp
  %same = icmp eq i64 %mine, %old
  %room = icmp ult i64 %n, %cap
  %inplace = and i1 %same, %room
  br i1 %inplace, label %put, label %grow
put:
  %n1 = add i64 %n, 1
  store i64 %n1, i64* %op
  %slot = call %V* @ovsm_array_item(i64 %old, i64 %n)
  call void @ovsm_store(%V* %slot, %V* %operand)
  call void @ovsm_set(%V* %operand, i64 6, i64 %old)
  ret i64 0
grow:
  ; room for twice the items, at least 8
  %twice = shl i64 %n, 1
  %few = icmp ult i64 %twice, 8
  %newcap = select i1 %few, i64 8, i64 %twice
  %extra = sub i64 %newcap, %n
  %items0 = add i64 %old, 8
  %items = inttoptr i64 %items0 to i8*
  %new = call i64 @ovsm_new_array(i8* %items, i64 %n, i64 %extra)
  %z = icmp eq i64 %new, 0
  br i1 %z, label %oom, label %fill
fill:
  %np = inttoptr i64 %new to i64*
  %n2 = add i64 %n, 1
  store i64 %n2, i64* %np
  %slot2 = call %V* @ovsm_array_item(i64 %new, i64 %n)
  call void @ovsm_store(%V* %slot2, %V* %operand)
  store i64 %newcap, i64* %hw
  store i64 %new, i64* %hp
  call void @ovsm_set(%V* %target, i64 6, i64 %new)
  call void @ovsm_set(%V* %operand, i64 6, i64 %new)
  ret i64 0
oom:
  %e = call i64 @ovsm_out_of_memory(i64 %site)
  ret i64 %e
badtarget:
  %e2 = call i64 @ovsm_expected(%V* %target, i8* $STR"append", i8* $STR"an array", i64 %site)
  ret i64 %e2
}

; (range a b) checks its bounds are integers, like the interpreter's `range`.
define i64 @op_range_bound(i64 %site) {
entry:
  %v = call %V* @ovsm_top(i64 0)
  %t = call i64 @ovsm_tag(%V* %v)
  %isint = icmp eq i64 %t, 2
  br i1 %isint, label %ok, label %bad
ok:
  ret i64 0
bad:
  %e = call i64 @ovsm_expected(%V* %v, i8* $STR"range", i8* $STR"an integer", i64 %site)
  ret i64 %e
}

; The type predicates: replaces the top value with whether its tag is in `mask` (bit per tag).
define i64 @op_type_is(i64 %mask, i64 %site) {
  %v = call %V* @ovsm_top(i64 0)
  %t = call i64 @ovsm_tag(%V* %v)
  %bit = shl i64 1, %t
  %hit = and i64 %bit, %mask
  %yes = icmp ne i64 %hit, 0
  %b = zext i1 %yes to i64
  call void @ovsm_set(%V* %v, i64 1, i64 %b)
  ret i64 0
}

; (type-of x): the type's name as a string.
define i64 @op_type_of(i64 %site) {
  %v = call %V* @ovsm_top(i64 0)
  %t = call i64 @ovsm_tag(%V* %v)
  %name = call i8* @ovsm_type_name(i64 %t)
  %p = ptrtoint i8* %name to i64
  call void @ovsm_set(%V* %v, i64 4, i64 %p)
  ret i64 0
}

; (first xs) (last = 0) and (last xs) (last = 1): an item of an array, nil for nil or [].
define i64 @op_end_item(i64 %last, i64 %site) {
entry:
  %v = call %V* @ovsm_top(i64 0)
  %t = call i64 @ovsm_tag(%V* %v)
  switch i64 %t, label %bad [ i64 6, label %arr
                              i64 0, label %done ]
arr:
  %x = call i64 @ovsm_payload(%V* %v)
  %p = inttoptr i64 %x to i64*
  %n = load i64, i64* %p
  %empty = icmp eq i64 %n, 0
  br i1 %empty, label %nil, label %pick
pick:
  %islast = icmp ne i64 %last, 0
  %lastindex = sub i64 %n, 1
  %i = select i1 %islast, i64 %lastindex, i64 0
  %item = call %V* @ovsm_array_item(i64 %x, i64 %i)
  call void @ovsm_store(%V* %v, %V* %item)
  ret i64 0
nil:
  call void @ovsm_set(%V* %v, i64 0, i64 0)
  ret i64 0
done:
  ret i64 0
bad:
  %islast2 = icmp ne i64 %last, 0
  %op = select i1 %islast2, i8* $STR"last", i8* $STR"first"
  %e = call i64 @ovsm_expected(%V* %v, i8* %op, i8* $STR"an array", i64 %site)
  ret i64 %e
}
