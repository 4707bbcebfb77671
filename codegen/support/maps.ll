; OVSM support library, part 6: maps.
;
; A map is { i64 count, entries... } with each entry a key value and a value value (32 bytes),
; in insertion order. Maps are immutable values: an update copies (the interpreter's persistent
; maps share structure; here, a later optimisation). Keys are strings and keywords (one name
; space: `:a` and "a" are the same key, written as first inserted), integers, booleans and nil.

define %V* @ovsm_map_key(i64 %map, i64 %i) alwaysinline {
  %off = shl i64 %i, 5
  %a0 = add i64 %map, 8
  %a = add i64 %a0, %off
  %p = inttoptr i64 %a to %V*
  ret %V* %p
}

define %V* @ovsm_map_value(i64 %map, i64 %i) alwaysinline {
  %k = call %V* @ovsm_map_key(i64 %map, i64 %i)
  %v = getelementptr %V, %V* %k, i64 1
  ret %V* %v
}

define i64 @ovsm_map_count(i64 %map) alwaysinline {
  %p = inttoptr i64 %map to i64*
  %n = load i64, i64* %p
  ret i64 %n
}

; The value under the key that is the string or keyword object `name` itself, compared by
; address, or null. `(get m :price)` names the very constant the map was built with far more
; often than not; a null leaves the answer to the general lookup (op_get), which compares bytes.
define %V* @ovsm_map_find_same(i64 %map, i64 %name) noinline {
entry:
  %n = call i64 @ovsm_map_count(i64 %map)
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %next ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %body, label %none
body:
  %key = call %V* @ovsm_map_key(i64 %map, i64 %i)
  %p = call i64 @ovsm_payload(%V* %key)
  %same = icmp eq i64 %p, %name
  %i1 = add i64 %i, 1
  br i1 %same, label %tagged, label %next
tagged:
  ; an integer key could hold the same word
  %t = call i64 @ovsm_tag(%V* %key)
  %low = and i64 %t, -2
  %isname = icmp eq i64 %low, 4
  br i1 %isname, label %found, label %next
next:
  br label %loop
found:
  %v = getelementptr %V, %V* %key, i64 1
  ret %V* %v
none:
  ret %V* null
}

; The general path of an inline `(get m :key)`: m and the key pushed, then op_get, which
; leaves the value on the stack or raises get's error. One copy, so that each site of the
; inline lookup carries only a call.
define i64 @ovsm_get_pushed(i64 %mt, i64 %mp, i64 %kt, i64 %kp, i64 %site) noinline {
entry:
  %r1 = call i64 @ovsm_push(i64 %mt, i64 %mp, i64 %site)
  %f1 = icmp ne i64 %r1, 0
  br i1 %f1, label %fail, label %second
second:
  %r2 = call i64 @ovsm_push(i64 %kt, i64 %kp, i64 %site)
  %f2 = icmp ne i64 %r2, 0
  br i1 %f2, label %fail, label %get
get:
  %r = call i64 @op_get(i64 2, i64 %site)
  ret i64 %r
fail:
  ret i64 1
}

; Whether a value can be a key; raises `OP expects a key ...` when not (returns 1).
define i64 @ovsm_check_key(%V* %k, i8* %op, i64 %site) {
entry:
  %t = call i64 @ovsm_tag(%V* %k)
  switch i64 %t, label %bad [ i64 0, label %ok
                              i64 1, label %ok
                              i64 2, label %ok
                              i64 4, label %ok
                              i64 5, label %ok ]
ok:
  ret i64 0
bad:
  %e = call i64 @ovsm_expected(%V* %k, i8* %op, i8* $STR"a key (string, keyword, number, boolean or nil)", i64 %site)
  ret i64 %e
}

define i1 @ovsm_key_eq(%V* %a, %V* %b) {
entry:
  %ta = call i64 @ovsm_tag(%V* %a)
  %tb = call i64 @ovsm_tag(%V* %b)
  %na = icmp eq i64 %ta, 4
  %ka = icmp eq i64 %ta, 5
  %namea = or i1 %na, %ka
  %nb = icmp eq i64 %tb, 4
  %kb = icmp eq i64 %tb, 5
  %nameb = or i1 %nb, %kb
  %names = and i1 %namea, %nameb
  br i1 %names, label %bytes, label %words
bytes:
  ; a key looked up is most often the very constant the map was built with, and keys of
  ; different lengths differ: both are answered before any byte is compared
  %x = call i64 @ovsm_payload(%V* %a)
  %y = call i64 @ovsm_payload(%V* %b)
  %self = icmp eq i64 %x, %y
  br i1 %self, label %equal, label %lengths
equal:
  ret i1 true
lengths:
  %px = inttoptr i64 %x to i64*
  %py = inttoptr i64 %y to i64*
  %lx = load i64, i64* %px
  %ly = load i64, i64* %py
  %samelen = icmp eq i64 %lx, %ly
  br i1 %samelen, label %compare, label %differ
differ:
  ret i1 false
compare:
  %c = call i64 @ovsm_str_cmp(i64 %x, i64 %y)
  %same = icmp eq i64 %c, 0
  ret i1 %same
words:
  %r = call i1 @ovsm_equal(%V* %a, %V* %b)
  ret i1 %r
}

; The index of key k in the map, or -1.
define i64 @ovsm_map_find(i64 %map, %V* %k) {
entry:
  %n = call i64 @ovsm_map_count(i64 %map)
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %next ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %body, label %none
body:
  %key = call %V* @ovsm_map_key(i64 %map, i64 %i)
  %eq = call i1 @ovsm_key_eq(%V* %key, %V* %k)
  %i1 = add i64 %i, 1
  br i1 %eq, label %found, label %next
next:
  br label %loop
found:
  ret i64 %i
none:
  ret i64 -1
}

; A new map with room for `room` entries, holding a copy of `from` (0: none); 0 when memory
; ran out.
define i64 @ovsm_map_copy(i64 %from, i64 %room) {
entry:
  %hasfrom = icmp ne i64 %from, 0
  br i1 %hasfrom, label %count, label %alloc
count:
  %n0 = call i64 @ovsm_map_count(i64 %from)
  br label %alloc
alloc:
  %n = phi i64 [ 0, %entry ], [ %n0, %count ]
  %cap = add i64 %n, %room
  %bytes = shl i64 %cap, 5
  %size = add i64 %bytes, 8
  %mem = call i8* @ovsm_alloc(i64 %size)
  %null = icmp eq i8* %mem, null
  br i1 %null, label %oom, label %ok
ok:
  %w = bitcast i8* %mem to i64*
  store i64 %n, i64* %w
  %dst = getelementptr i8, i8* %mem, i64 8
  %srcaddr = add i64 %from, 8
  %src = inttoptr i64 %srcaddr to i8*
  %used = shl i64 %n, 5
  call void @ovsm_copy(i8* %dst, i8* %src, i64 %used)
  %addr = ptrtoint i8* %mem to i64
  ret i64 %addr
oom:
  ret i64 0
}

; Sets key k to v in a map made by ovsm_map_copy with room left (the key keeps its place and
; its first spelling when present). The key must have been checked.
define void @ovsm_map_put(i64 %map, %V* %k, %V* %v) {
entry:
  %i = call i64 @ovsm_map_find(i64 %map, %V* %k)
  %absent = icmp slt i64 %i, 0
  br i1 %absent, label %append, label %replace
replace:
  %slot = call %V* @ovsm_map_value(i64 %map, i64 %i)
  call void @ovsm_store(%V* %slot, %V* %v)
  ret void
append:
  %n = call i64 @ovsm_map_count(i64 %map)
  %ks = call %V* @ovsm_map_key(i64 %map, i64 %n)
  call void @ovsm_store(%V* %ks, %V* %k)
  %vs = call %V* @ovsm_map_value(i64 %map, i64 %n)
  call void @ovsm_store(%V* %vs, %V* %v)
  %n1 = add i64 %n, 1
  %p = inttoptr i64 %map to i64*
  store i64 %n1, i64* %p
  ret void
}

; Inserts the pairs among the top 2n values (key first) into `map`, checking each key for `op`.
define i64 @ovsm_map_put_pairs(i64 %map, i64 %n, i8* %op, i64 %site) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %put ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %body, label %done
body:
  %twice = shl i64 %i, 1
  %kd0 = shl i64 %n, 1
  %kd1 = sub i64 %kd0, %twice
  %kd = sub i64 %kd1, 1
  %vd = sub i64 %kd, 1
  %k = call %V* @ovsm_top(i64 %kd)
  %v = call %V* @ovsm_top(i64 %vd)
  %bad = call i64 @ovsm_check_key(%V* %k, i8* %op, i64 %site)
  %failed = icmp ne i64 %bad, 0
  br i1 %failed, label %fail, label %put
put:
  call void @ovsm_map_put(i64 %map, %V* %k, %V* %v)
  %i1 = add i64 %i, 1
  br label %loop
done:
  ret i64 0
fail:
  ret i64 1
}

; {k v ...}: pops n pairs into a new map.
define i64 @op_make_map(i64 %n, i64 %site) {
entry:
  %map = call i64 @ovsm_map_copy(i64 0, i64 %n)
  %z = icmp eq i64 %map, 0
  br i1 %z, label %oom, label %fill
fill:
  %r = call i64 @ovsm_map_put_pairs(i64 %map, i64 %n, i8* $STR"assoc", i64 %site)
  %bad = icmp ne i64 %r, 0
  br i1 %bad, label %fail, label %push
push:
  %items = shl i64 %n, 1
  %s = call i64 @ovsm_replace_top(i64 %items, i64 7, i64 %map, i64 %site)
  ret i64 %s
oom:
  %e = call i64 @ovsm_out_of_memory(i64 %site)
  ret i64 %e
fail:
  ret i64 1
}

; The map a map argument stands for: the map itself, 0 for nil (the empty map), or -1 after
; raising `OP expects a map`.
define i64 @ovsm_map_arg(%V* %v, i8* %op, i64 %site) {
entry:
  %t = call i64 @ovsm_tag(%V* %v)
  switch i64 %t, label %bad [ i64 7, label %map
                              i64 0, label %nil ]
map:
  %m = call i64 @ovsm_payload(%V* %v)
  ret i64 %m
nil:
  ret i64 0
bad:
  %e = call i64 @ovsm_expected(%V* %v, i8* %op, i8* $STR"a map", i64 %site)
  ret i64 -1
}

; (assoc m k v ...) with n arguments.
define i64 @op_assoc(i64 %n, i64 %site) {
entry:
  %odd = and i64 %n, 1
  %even = icmp eq i64 %odd, 0
  br i1 %even, label %arity, label %ok
arity:
  call void @sb_reset()
  call void @sb_obj(i8* $STR"wrong number of arguments to `assoc`: expected a map and key/value pairs, got ")
  call void @sb_int(i64 %n)
  %e0 = call i64 @ovsm_fail_sb(i64 202, i64 %site)
  ret i64 %e0
ok:
  %last = sub i64 %n, 1
  %mv = call %V* @ovsm_top(i64 %last)
  %from = call i64 @ovsm_map_arg(%V* %mv, i8* $STR"assoc", i64 %site)
  %bad = icmp eq i64 %from, -1
  br i1 %bad, label %fail, label %copy
copy:
  %pairs = lshr i64 %last, 1
  %map = call i64 @ovsm_map_copy(i64 %from, i64 %pairs)
  %z = icmp eq i64 %map, 0
  br i1 %z, label %oom, label %fill
fill:
  %r = call i64 @ovsm_map_put_pairs(i64 %map, i64 %pairs, i8* $STR"assoc", i64 %site)
  %b2 = icmp ne i64 %r, 0
  br i1 %b2, label %fail, label %push
push:
  %s = call i64 @ovsm_replace_top(i64 %n, i64 7, i64 %map, i64 %site)
  ret i64 %s
oom:
  %e = call i64 @ovsm_out_of_memory(i64 %site)
  ret i64 %e
fail:
  ret i64 1
}

; (dissoc m k ...) with n arguments.
define i64 @op_dissoc(i64 %n, i64 %site) {
entry:
  %last = sub i64 %n, 1
  %mv = call %V* @ovsm_top(i64 %last)
  %from = call i64 @ovsm_map_arg(%V* %mv, i8* $STR"dissoc", i64 %site)
  %bad = icmp eq i64 %from, -1
  br i1 %bad, label %fail, label %copy
copy:
  %map = call i64 @ovsm_map_copy(i64 0, i64 0)
  %z = icmp eq i64 %map, 0
  br i1 %z, label %oom, label %keys
keys:
  ; check every key first, as the interpreter does before removing anything
  br label %kloop
kloop:
  %j = phi i64 [ 0, %keys ], [ %j1, %kok ]
  %kmore = icmp ult i64 %j, %last
  br i1 %kmore, label %kbody, label %build
kbody:
  %kd0 = sub i64 %last, 1
  %kd = sub i64 %kd0, %j
  %k = call %V* @ovsm_top(i64 %kd)
  %kbad = call i64 @ovsm_check_key(%V* %k, i8* $STR"dissoc", i64 %site)
  %kfail = icmp ne i64 %kbad, 0
  %j1 = add i64 %j, 1
  br i1 %kfail, label %fail, label %kok
kok:
  br label %kloop
build:
  %hasfrom = icmp ne i64 %from, 0
  br i1 %hasfrom, label %filter, label %push
filter:
  %count = call i64 @ovsm_map_count(i64 %from)
  %result = call i64 @ovsm_map_copy(i64 0, i64 %count)
  %z2 = icmp eq i64 %result, 0
  br i1 %z2, label %oom, label %floop
floop:
  %i = phi i64 [ 0, %filter ], [ %i1, %fnext ]
  %fmore = icmp ult i64 %i, %count
  br i1 %fmore, label %fbody, label %done
fbody:
  %ek = call %V* @ovsm_map_key(i64 %from, i64 %i)
  %ev = call %V* @ovsm_map_value(i64 %from, i64 %i)
  %gone = call i1 @ovsm_key_in_args(%V* %ek, i64 %last)
  %i1 = add i64 %i, 1
  br i1 %gone, label %fnext, label %keep
keep:
  call void @ovsm_map_put(i64 %result, %V* %ek, %V* %ev)
  br label %fnext
fnext:
  br label %floop
done:
  %s = call i64 @ovsm_replace_top(i64 %n, i64 7, i64 %result, i64 %site)
  ret i64 %s
push:
  %s2 = call i64 @ovsm_replace_top(i64 %n, i64 7, i64 %map, i64 %site)
  ret i64 %s2
oom:
  %e = call i64 @ovsm_out_of_memory(i64 %site)
  ret i64 %e
fail:
  ret i64 1
}

; Whether key k equals one of the top m values.
define i1 @ovsm_key_in_args(%V* %k, i64 %m) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %next ]
  %more = icmp ult i64 %i, %m
  br i1 %more, label %body, label %no
body:
  %a = call %V* @ovsm_top(i64 %i)
  %eq = call i1 @ovsm_key_eq(%V* %k, %V* %a)
  %i1 = add i64 %i, 1
  br i1 %eq, label %yes, label %next
next:
  br label %loop
yes:
  ret i1 true
no:
  ret i1 false
}

; (get m k [default]) with n arguments: maps by key, arrays by index, nil finds nothing.
define i64 @op_get(i64 %n, i64 %site) {
entry:
  %three = icmp eq i64 %n, 3
  %cd = select i1 %three, i64 2, i64 1
  %kd = select i1 %three, i64 1, i64 0
  %c = call %V* @ovsm_top(i64 %cd)
  %k = call %V* @ovsm_top(i64 %kd)
  %t = call i64 @ovsm_tag(%V* %c)
  switch i64 %t, label %bad [ i64 7, label %map
                              i64 6, label %array
                              i64 0, label %missing ]
map:
  %kbad = call i64 @ovsm_check_key(%V* %k, i8* $STR"get", i64 %site)
  %kfail = icmp ne i64 %kbad, 0
  br i1 %kfail, label %fail, label %find
find:
  %m = call i64 @ovsm_payload(%V* %c)
  %i = call i64 @ovsm_map_find(i64 %m, %V* %k)
  %absent = icmp slt i64 %i, 0
  br i1 %absent, label %missing, label %foundmap
foundmap:
  %v = call %V* @ovsm_map_value(i64 %m, i64 %i)
  call void @ovsm_store(%V* %c, %V* %v)
  br label %finish
array:
  %tk = call i64 @ovsm_tag(%V* %k)
  %isint = icmp eq i64 %tk, 2
  br i1 %isint, label %index, label %badindex
index:
  %arr = call i64 @ovsm_payload(%V* %c)
  %idx = call i64 @ovsm_payload(%V* %k)
  %ap = inttoptr i64 %arr to i64*
  %len = load i64, i64* %ap
  %in = icmp ult i64 %idx, %len
  br i1 %in, label %foundarr, label %missing
foundarr:
  %item = call %V* @ovsm_array_item(i64 %arr, i64 %idx)
  call void @ovsm_store(%V* %c, %V* %item)
  br label %finish
missing:
  br i1 %three, label %default, label %nil
default:
  %d = call %V* @ovsm_top(i64 0)
  call void @ovsm_store(%V* %c, %V* %d)
  br label %finish
nil:
  call void @ovsm_set(%V* %c, i64 0, i64 0)
  br label %finish
finish:
  %drop = sub i64 %n, 1
  call void @ovsm_drop(i64 %drop)
  ret i64 0
badindex:
  %e1 = call i64 @ovsm_expected(%V* %k, i8* $STR"get", i8* $STR"an integer index for an array", i64 %site)
  ret i64 %e1
bad:
  %e2 = call i64 @ovsm_expected(%V* %c, i8* $STR"get", i8* $STR"a map or an array", i64 %site)
  ret i64 %e2
fail:
  ret i64 1
}

; (keys m) (which = 0) and (values m) (which = 1): an array, in insertion order.
define i64 @op_map_items(i64 %which, i64 %site) {
entry:
  %v = call %V* @ovsm_top(i64 0)
  %isvalues = icmp ne i64 %which, 0
  %op = select i1 %isvalues, i8* $STR"values", i8* $STR"keys"
  %m = call i64 @ovsm_map_arg(%V* %v, i8* %op, i64 %site)
  %bad = icmp eq i64 %m, -1
  br i1 %bad, label %fail, label %count
count:
  %has = icmp ne i64 %m, 0
  br i1 %has, label %size, label %make
size:
  %n0 = call i64 @ovsm_map_count(i64 %m)
  br label %make
make:
  %n = phi i64 [ 0, %count ], [ %n0, %size ]
  %arr = call i64 @ovsm_new_array(i8* null, i64 0, i64 %n)
  %z = icmp eq i64 %arr, 0
  br i1 %z, label %oom, label %loop
loop:
  %i = phi i64 [ 0, %make ], [ %i1, %body ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %body, label %done
body:
  %src = call %V* @ovsm_map_key(i64 %m, i64 %i)
  %src2 = getelementptr %V, %V* %src, i64 %which
  %dst = call %V* @ovsm_array_item(i64 %arr, i64 %i)
  call void @ovsm_store(%V* %dst, %V* %src2)
  %i1 = add i64 %i, 1
  br label %loop
done:
  call void @ovsm_set(%V* %v, i64 6, i64 %arr)
  ret i64 0
oom:
  %e = call i64 @ovsm_out_of_memory(i64 %site)
  ret i64 %e
fail:
  ret i64 1
}

; (has-key? m k)
define i64 @op_has_key(i64 %site) {
entry:
  %mv = call %V* @ovsm_top(i64 1)
  %k = call %V* @ovsm_top(i64 0)
  %m = call i64 @ovsm_map_arg(%V* %mv, i8* $STR"has-key?", i64 %site)
  %bad = icmp eq i64 %m, -1
  br i1 %bad, label %fail, label %key
key:
  %kbad = call i64 @ovsm_check_key(%V* %k, i8* $STR"has-key?", i64 %site)
  %kfail = icmp ne i64 %kbad, 0
  br i1 %kfail, label %fail, label %look
look:
  %has = icmp ne i64 %m, 0
  br i1 %has, label %find, label %answer
find:
  %i = call i64 @ovsm_map_find(i64 %m, %V* %k)
  %found = icmp sge i64 %i, 0
  br label %answer
answer:
  %r = phi i1 [ false, %look ], [ %found, %find ]
  %b = zext i1 %r to i64
  %s = call i64 @ovsm_replace_top(i64 2, i64 1, i64 %b, i64 %site)
  ret i64 %s
fail:
  ret i64 1
}

; (set! m (assoc m k v)) in place: the variable becomes the updated map, which is pushed.
define i64 @op_update_assoc(i64 %kind, i64 %i, i64 %site) {
entry:
  %target = call %V* @ovsm_update_target(i64 %kind, i64 %i)
  %from = call i64 @ovsm_map_arg(%V* %target, i8* $STR"assoc", i64 %site)
  %bad = icmp eq i64 %from, -1
  br i1 %bad, label %fail, label %copy
copy:
  %map = call i64 @ovsm_map_copy(i64 %from, i64 1)
  %z = icmp eq i64 %map, 0
  br i1 %z, label %oom, label %fill
fill:
  %r = call i64 @ovsm_map_put_pairs(i64 %map, i64 1, i8* $STR"assoc", i64 %site)
  %b2 = icmp ne i64 %r, 0
  br i1 %b2, label %fail, label %done
done:
  call void @ovsm_set(%V* %target, i64 7, i64 %map)
  %s = call i64 @ovsm_replace_top(i64 2, i64 7, i64 %map, i64 %site)
  ret i64 %s
oom:
  %e = call i64 @ovsm_out_of_memory(i64 %site)
  ret i64 %e
fail:
  ret i64 1
}

; Maps equal: same count, and every key of a maps to an equal value in b.
define i1 @ovsm_map_equal(i64 %a, i64 %b) {
entry:
  %na = call i64 @ovsm_map_count(i64 %a)
  %nb = call i64 @ovsm_map_count(i64 %b)
  %same = icmp eq i64 %na, %nb
  br i1 %same, label %loop, label %no
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %ok ]
  %more = icmp ult i64 %i, %na
  br i1 %more, label %body, label %yes
body:
  %k = call %V* @ovsm_map_key(i64 %a, i64 %i)
  %j = call i64 @ovsm_map_find(i64 %b, %V* %k)
  %absent = icmp slt i64 %j, 0
  br i1 %absent, label %no, label %compare
compare:
  %va = call %V* @ovsm_map_value(i64 %a, i64 %i)
  %vb = call %V* @ovsm_map_value(i64 %b, i64 %j)
  %eq = call i1 @ovsm_equal(%V* %va, %V* %vb)
  %i1 = add i64 %i, 1
  br i1 %eq, label %ok, label %no
ok:
  br label %loop
yes:
  ret i1 true
no:
  ret i1 false
}

; `for` over a map: its entries as [key value] arrays.
define i64 @ovsm_map_entries(i64 %m) {
entry:
  %n = call i64 @ovsm_map_count(i64 %m)
  %arr = call i64 @ovsm_new_array(i8* null, i64 0, i64 %n)
  %z = icmp eq i64 %arr, 0
  br i1 %z, label %oom, label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %body ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %pair, label %done
pair:
  %k = call %V* @ovsm_map_key(i64 %m, i64 %i)
  %kb = bitcast %V* %k to i8*
  %entryarr = call i64 @ovsm_new_array(i8* %kb, i64 2, i64 0)
  %z2 = icmp eq i64 %entryarr, 0
  br i1 %z2, label %oom, label %body
body:
  %dst = call %V* @ovsm_array_item(i64 %arr, i64 %i)
  call void @ovsm_set(%V* %dst, i64 6, i64 %entryarr)
  %i1 = add i64 %i, 1
  br label %loop
done:
  ret i64 %arr
oom:
  ret i64 0
}
