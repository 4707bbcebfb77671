; OVSM support library, part 8: autonomous invocations.
;
; The runtime invokes a deployed program with instruction data that says what to run (the
; program ABI, docs/codegen.md):
;
;   u8 mode (0 the top level, 1 an `on-startup` clause, 2 an `on-event` handler, 3 a callback)
;   u32 program index, u32 clause index, u64 slot, u64 epoch,
;   then four values in the wire format below: the program's address (a string), the `log`
;   prefix (a string, or nil), the bindings (an array of global index, value, ...: the
;   scenario's account names) and, for a callback, the closure and its arguments (an array).
;
; Values cross between the program and the runtime in one wire format, here and in
; runtime/src/compiled/wire.rs: a tag byte, then
;   0 nil | 1 bool: u8 | 2 int: i64 | 4 string, 5 keyword, 12 program: u32 length, UTF-8 bytes
;   | 6 array: u32 count, values | 7 map: u32 count, key and value values
;   | 8 closure: u32 function id, u32 name length, name, u32 capture count, values
;   | 10 box: the value | 11 subscription: u64 id.
; All integers are little-endian and unaligned. Nesting is limited to $WIRE_DEPTH levels: the
; encoder and decoder recurse on sBPF's 64-frame native call stack.
;
; The program's state lives in the data of its state account (account 0 of the invocation):
; u32 length, then an array of global index, value, ... for every global its code has written.

declare i64 @sol_subscribe_event(i8*, i64, i8*, i64)
declare i64 @sol_watch_account(i8*, i64, i8*, i64)
declare i64 @sol_emit_event(i8*, i64, i8*, i64)
declare i64 @sol_schedule_execution(i8*, i64, i8*, i64)
declare i64 @sol_query_subscriptions(i8*, i64, i8*, i64)
declare i64 @sol_ovsm_subscription_op(i8*, i64, i8*, i64, i64)

; ---- encoding ---------------------------------------------------------------------------------

; Bytes the encoding of *v takes; -1 when it holds something that cannot cross (a builtin), -2
; when it nests deeper than the wire allows.
define i64 @ovsm_wire_size(%V* %v, i64 %depth) {
entry:
  %deep = icmp ugt i64 %depth, $WIRE_DEPTH
  br i1 %deep, label %toodeep, label %go
toodeep:
  ret i64 -2
go:
  %t = call i64 @ovsm_tag(%V* %v)
  %x = call i64 @ovsm_payload(%V* %v)
  %d1 = add i64 %depth, 1
  switch i64 %t, label %bad [ i64 0, label %one
                              i64 1, label %two
                              i64 2, label %nine
                              i64 11, label %nine
                              i64 4, label %bytes
                              i64 5, label %bytes
                              i64 12, label %bytes
                              i64 6, label %array
                              i64 7, label %map
                              i64 8, label %closure
                              i64 10, label %box ]
one:
  ret i64 1
two:
  ret i64 2
nine:
  ret i64 9
bytes:
  %sp = inttoptr i64 %x to i64*
  %slen = load i64, i64* %sp
  %s5 = add i64 %slen, 5
  ret i64 %s5
array:
  %ap = inttoptr i64 %x to i64*
  %alen = load i64, i64* %ap
  br label %aloop
aloop:
  %ai = phi i64 [ 0, %array ], [ %ai1, %aitem ]
  %asum = phi i64 [ 5, %array ], [ %asum1, %aitem ]
  %amore = icmp ult i64 %ai, %alen
  br i1 %amore, label %aitem0, label %adone
aitem0:
  %av = call %V* @ovsm_array_item(i64 %x, i64 %ai)
  %as = call i64 @ovsm_wire_size(%V* %av, i64 %d1)
  %aneg = icmp slt i64 %as, 0
  br i1 %aneg, label %afail, label %aitem
aitem:
  %asum1 = add i64 %asum, %as
  %ai1 = add i64 %ai, 1
  br label %aloop
afail:
  ret i64 %as
adone:
  ret i64 %asum
map:
  %mlen = call i64 @ovsm_map_count(i64 %x)
  %mlen2 = shl i64 %mlen, 1
  br label %mloop
mloop:
  ; keys and values are consecutive values: walk them as one array of 2n
  %mi = phi i64 [ 0, %map ], [ %mi1, %mitem ]
  %msum = phi i64 [ 5, %map ], [ %msum1, %mitem ]
  %mmore = icmp ult i64 %mi, %mlen2
  br i1 %mmore, label %mitem0, label %mdone
mitem0:
  %mv = call %V* @ovsm_array_item(i64 %x, i64 %mi)
  %ms = call i64 @ovsm_wire_size(%V* %mv, i64 %d1)
  %mneg = icmp slt i64 %ms, 0
  br i1 %mneg, label %mfail, label %mitem
mitem:
  %msum1 = add i64 %msum, %ms
  %mi1 = add i64 %mi, 1
  br label %mloop
mfail:
  ret i64 %ms
mdone:
  ret i64 %msum
closure:
  %cw = inttoptr i64 %x to i64*
  %cn1 = getelementptr i64, i64* %cw, i64 1
  %cname = load i64, i64* %cn1
  %cnp = inttoptr i64 %cname to i64*
  %cnlen = load i64, i64* %cnp
  %cn2 = getelementptr i64, i64* %cw, i64 2
  %ncap = load i64, i64* %cn2
  %chead = add i64 %cnlen, 13
  br label %cloop
cloop:
  %ci = phi i64 [ 0, %closure ], [ %ci1, %citem ]
  %csum = phi i64 [ %chead, %closure ], [ %csum1, %citem ]
  %cmore = icmp ult i64 %ci, %ncap
  br i1 %cmore, label %citem0, label %cdone
citem0:
  %cv = call %V* @ovsm_closure_capture(i64 %x, i64 %ci)
  %cs = call i64 @ovsm_wire_size(%V* %cv, i64 %d1)
  %cneg = icmp slt i64 %cs, 0
  br i1 %cneg, label %cfail, label %citem
citem:
  %csum1 = add i64 %csum, %cs
  %ci1 = add i64 %ci, 1
  br label %cloop
cfail:
  ret i64 %cs
cdone:
  ret i64 %csum
box:
  %bv = inttoptr i64 %x to %V*
  %bs = call i64 @ovsm_wire_size(%V* %bv, i64 %d1)
  %bneg = icmp slt i64 %bs, 0
  %bs1 = add i64 %bs, 1
  %bout = select i1 %bneg, i64 %bs, i64 %bs1
  ret i64 %bout
bad:
  ret i64 -1
}

define %V* @ovsm_closure_capture(i64 %closure, i64 %k) alwaysinline {
  %off = shl i64 %k, 4
  %a0 = add i64 %closure, 24
  %a = add i64 %a0, %off
  %p = inttoptr i64 %a to %V*
  ret %V* %p
}

define i8* @wire_u8(i8* %at, i64 %v) alwaysinline {
  %b = trunc i64 %v to i8
  store i8 %b, i8* %at
  %n = getelementptr i8, i8* %at, i64 1
  ret i8* %n
}

define i8* @wire_u32(i8* %at, i64 %v) alwaysinline {
  %p = bitcast i8* %at to i32*
  %w = trunc i64 %v to i32
  store i32 %w, i32* %p, align 1
  %n = getelementptr i8, i8* %at, i64 4
  ret i8* %n
}

define i8* @wire_u64(i8* %at, i64 %v) alwaysinline {
  %p = bitcast i8* %at to i64*
  store i64 %v, i64* %p, align 1
  %n = getelementptr i8, i8* %at, i64 8
  ret i8* %n
}

; Copies a string object's length (u32) and bytes.
define i8* @wire_str(i8* %at, i64 %obj) {
  %p = inttoptr i64 %obj to i64*
  %len = load i64, i64* %p
  %a = call i8* @wire_u32(i8* %at, i64 %len)
  %b0 = getelementptr i64, i64* %p, i64 1
  %b = bitcast i64* %b0 to i8*
  call void @ovsm_copy(i8* %a, i8* %b, i64 %len)
  %n = getelementptr i8, i8* %a, i64 %len
  ret i8* %n
}

; Writes the encoding of *v (whose size ovsm_wire_size accepted) at `at`; returns its end.
define i8* @ovsm_wire_write(%V* %v, i8* %at) {
entry:
  %t = call i64 @ovsm_tag(%V* %v)
  %x = call i64 @ovsm_payload(%V* %v)
  %p1 = call i8* @wire_u8(i8* %at, i64 %t)
  switch i64 %t, label %done [ i64 1, label %bool
                               i64 2, label %word
                               i64 11, label %word
                               i64 4, label %bytes
                               i64 5, label %bytes
                               i64 12, label %bytes
                               i64 6, label %array
                               i64 7, label %map
                               i64 8, label %closure
                               i64 10, label %box ]
done:
  ret i8* %p1
bool:
  %pb = call i8* @wire_u8(i8* %p1, i64 %x)
  ret i8* %pb
word:
  %pw = call i8* @wire_u64(i8* %p1, i64 %x)
  ret i8* %pw
bytes:
  %ps = call i8* @wire_str(i8* %p1, i64 %x)
  ret i8* %ps
array:
  %alen = call i64 @ovsm_len_of(i64 %x)
  %pa = call i8* @wire_u32(i8* %p1, i64 %alen)
  %pend = call i8* @ovsm_wire_items(i64 %x, i64 %alen, i8* %pa)
  ret i8* %pend
map:
  %mlen = call i64 @ovsm_map_count(i64 %x)
  %pm = call i8* @wire_u32(i8* %p1, i64 %mlen)
  %mlen2 = shl i64 %mlen, 1
  %mend = call i8* @ovsm_wire_items(i64 %x, i64 %mlen2, i8* %pm)
  ret i8* %mend
closure:
  %cw = inttoptr i64 %x to i64*
  %fid = load i64, i64* %cw
  %pc = call i8* @wire_u32(i8* %p1, i64 %fid)
  %cn1 = getelementptr i64, i64* %cw, i64 1
  %cname = load i64, i64* %cn1
  %pn = call i8* @wire_str(i8* %pc, i64 %cname)
  %cn2 = getelementptr i64, i64* %cw, i64 2
  %ncap = load i64, i64* %cn2
  %pk = call i8* @wire_u32(i8* %pn, i64 %ncap)
  br label %cloop
cloop:
  %ci = phi i64 [ 0, %closure ], [ %ci1, %citem ]
  %cat = phi i8* [ %pk, %closure ], [ %cat1, %citem ]
  %cmore = icmp ult i64 %ci, %ncap
  br i1 %cmore, label %citem, label %cdone
citem:
  %cv = call %V* @ovsm_closure_capture(i64 %x, i64 %ci)
  %cat1 = call i8* @ovsm_wire_write(%V* %cv, i8* %cat)
  %ci1 = add i64 %ci, 1
  br label %cloop
cdone:
  ret i8* %cat
box:
  %bv = inttoptr i64 %x to %V*
  %pbox = call i8* @ovsm_wire_write(%V* %bv, i8* %p1)
  ret i8* %pbox
}

; The n consecutive values of an array (or the 2n of a map) after its count word.
define i8* @ovsm_wire_items(i64 %obj, i64 %n, i8* %at) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %item ]
  %p = phi i8* [ %at, %entry ], [ %p1, %item ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %item, label %done
item:
  %v = call %V* @ovsm_array_item(i64 %obj, i64 %i)
  %p1 = call i8* @ovsm_wire_write(%V* %v, i8* %p)
  %i1 = add i64 %i, 1
  br label %loop
done:
  ret i8* %p
}

; Encodes *v into [at, at + cap); returns the bytes written, or -1 after raising an error
; (what `op` was given cannot cross to the runtime, or does not fit).
define i64 @ovsm_wire_encode(%V* %v, i8* %at, i64 %cap, i8* %op, i64 %site) noinline {
entry:
  %size = call i64 @ovsm_wire_size(%V* %v, i64 0)
  switch i64 %size, label %sized [ i64 -1, label %builtin
                                   i64 -2, label %deep ]
sized:
  %fits = icmp ule i64 %size, %cap
  br i1 %fits, label %write, label %big
write:
  %end = call i8* @ovsm_wire_write(%V* %v, i8* %at)
  ret i64 %size
builtin:
  call void @sb_reset()
  call void @sb_obj(i8* %op)
  call void @sb_obj(i8* $STR": a builtin function cannot be passed to the runtime; wrap it in a lambda")
  %e1 = call i64 @ovsm_fail_sb(i64 211, i64 %site)
  ret i64 -1
deep:
  call void @sb_reset()
  call void @sb_obj(i8* %op)
  call void @sb_obj(i8* $STR": the value nests too deeply to be passed to the runtime")
  %e2 = call i64 @ovsm_fail_sb(i64 211, i64 %site)
  ret i64 -1
big:
  call void @sb_reset()
  call void @sb_obj(i8* %op)
  call void @sb_obj(i8* $STR": the arguments take ")
  call void @sb_int(i64 %size)
  call void @sb_obj(i8* $STR" bytes, more than the ")
  call void @sb_int(i64 %cap)
  call void @sb_obj(i8* $STR" a compiled program can pass to the runtime at once")
  %e3 = call i64 @ovsm_fail_sb(i64 211, i64 %site)
  ret i64 -1
}

; ---- decoding ---------------------------------------------------------------------------------

; Takes n bytes at *cur if that many remain before end: returns where they start and moves
; *cur past them; null when they do not.
define i8* @wire_take(i8** %cur, i8* %end, i64 %n) alwaysinline {
entry:
  %p = load i8*, i8** %cur
  %pi = ptrtoint i8* %p to i64
  %ei = ptrtoint i8* %end to i64
  %left = sub i64 %ei, %pi
  %ok = icmp ule i64 %n, %left
  br i1 %ok, label %take, label %short
take:
  %next = getelementptr i8, i8* %p, i64 %n
  store i8* %next, i8** %cur
  ret i8* %p
short:
  ret i8* null
}

; Reads a u32 length; -1 when the input ends first.
define i64 @wire_len(i8** %cur, i8* %end) {
entry:
  %p = call i8* @wire_take(i8** %cur, i8* %end, i64 4)
  %short = icmp eq i8* %p, null
  br i1 %short, label %bad, label %ok
ok:
  %w = bitcast i8* %p to i32*
  %v = load i32, i32* %w, align 1
  %x = zext i32 %v to i64
  ret i64 %x
bad:
  ret i64 -1
}

; Reads a u32-prefixed string into a new string object; 0 when malformed or out of memory.
define i64 @wire_string(i8** %cur, i8* %end) {
entry:
  %n = call i64 @wire_len(i8** %cur, i8* %end)
  %short = icmp eq i64 %n, -1
  br i1 %short, label %bad, label %bytes
bytes:
  %p = call i8* @wire_take(i8** %cur, i8* %end, i64 %n)
  %none = icmp eq i8* %p, null
  br i1 %none, label %bad, label %ok
ok:
  %s = call i64 @ovsm_new_string(i8* %p, i64 %n)
  ret i64 %s
bad:
  ret i64 0
}

; Decodes one value at *cur into *out; 0 ok, 1 malformed (or out of memory).
define i64 @ovsm_wire_read(i8** %cur, i8* %end, %V* %out, i64 %depth) {
entry:
  %deep = icmp ugt i64 %depth, $WIRE_DEPTH
  br i1 %deep, label %bad, label %go
go:
  %d1 = add i64 %depth, 1
  %tp = call i8* @wire_take(i8** %cur, i8* %end, i64 1)
  %none = icmp eq i8* %tp, null
  br i1 %none, label %bad, label %tagged
tagged:
  %tb = load i8, i8* %tp
  %t = zext i8 %tb to i64
  switch i64 %t, label %bad [ i64 0, label %nil
                              i64 1, label %bool
                              i64 2, label %word
                              i64 11, label %word
                              i64 4, label %bytes
                              i64 5, label %bytes
                              i64 12, label %bytes
                              i64 6, label %array
                              i64 7, label %map
                              i64 8, label %closure
                              i64 10, label %box ]
nil:
  call void @ovsm_set(%V* %out, i64 0, i64 0)
  ret i64 0
bool:
  %bp = call i8* @wire_take(i8** %cur, i8* %end, i64 1)
  %bnone = icmp eq i8* %bp, null
  br i1 %bnone, label %bad, label %boolok
boolok:
  %bb = load i8, i8* %bp
  %bnz = icmp ne i8 %bb, 0
  %bx = zext i1 %bnz to i64
  call void @ovsm_set(%V* %out, i64 1, i64 %bx)
  ret i64 0
word:
  %wp = call i8* @wire_take(i8** %cur, i8* %end, i64 8)
  %wnone = icmp eq i8* %wp, null
  br i1 %wnone, label %bad, label %wordok
wordok:
  %ww = bitcast i8* %wp to i64*
  %wx = load i64, i64* %ww, align 1
  call void @ovsm_set(%V* %out, i64 %t, i64 %wx)
  ret i64 0
bytes:
  %s = call i64 @wire_string(i8** %cur, i8* %end)
  %snone = icmp eq i64 %s, 0
  br i1 %snone, label %bad, label %bytesok
bytesok:
  call void @ovsm_set(%V* %out, i64 %t, i64 %s)
  ret i64 0
array:
  %an = call i64 @wire_len(i8** %cur, i8* %end)
  %anone = icmp eq i64 %an, -1
  br i1 %anone, label %bad, label %arrayok
arrayok:
  %arr = call i64 @ovsm_new_array(i8* null, i64 0, i64 %an)
  %aoom = icmp eq i64 %arr, 0
  br i1 %aoom, label %bad, label %aitems
aitems:
  %ar = call i64 @ovsm_wire_read_items(i8** %cur, i8* %end, i64 %arr, i64 %an, i64 %d1)
  %abad = icmp ne i64 %ar, 0
  br i1 %abad, label %bad, label %adone
adone:
  call void @ovsm_set(%V* %out, i64 6, i64 %arr)
  ret i64 0
map:
  %mn = call i64 @wire_len(i8** %cur, i8* %end)
  %mnone = icmp eq i64 %mn, -1
  br i1 %mnone, label %bad, label %mapok
mapok:
  %mn2 = shl i64 %mn, 1
  ; { count, 2n values }: laid out as an array of 2n, then the count corrected
  %m = call i64 @ovsm_new_array(i8* null, i64 0, i64 %mn2)
  %moom = icmp eq i64 %m, 0
  br i1 %moom, label %bad, label %mitems
mitems:
  %mr = call i64 @ovsm_wire_read_items(i8** %cur, i8* %end, i64 %m, i64 %mn2, i64 %d1)
  %mbad = icmp ne i64 %mr, 0
  br i1 %mbad, label %bad, label %mdone
mdone:
  %mc = inttoptr i64 %m to i64*
  store i64 %mn, i64* %mc
  call void @ovsm_set(%V* %out, i64 7, i64 %m)
  ret i64 0
closure:
  %fid = call i64 @wire_len(i8** %cur, i8* %end)
  %fnone = icmp eq i64 %fid, -1
  br i1 %fnone, label %bad, label %cname
cname:
  %name = call i64 @wire_string(i8** %cur, i8* %end)
  %nnone = icmp eq i64 %name, 0
  br i1 %nnone, label %bad, label %ccount
ccount:
  %ncap = call i64 @wire_len(i8** %cur, i8* %end)
  %cnone = icmp eq i64 %ncap, -1
  br i1 %cnone, label %bad, label %calloc
calloc:
  ; a closure is { fid, name, ncap, captures }: an "array" of ncap + 1 values, the first
  ; value's words then rewritten as fid and name
  %c1 = add i64 %ncap, 1
  %c = call i64 @ovsm_new_array(i8* null, i64 0, i64 %c1)
  %coom = icmp eq i64 %c, 0
  br i1 %coom, label %bad, label %cfill
cfill:
  %cw = inttoptr i64 %c to i64*
  store i64 %fid, i64* %cw
  %cw1 = getelementptr i64, i64* %cw, i64 1
  store i64 %name, i64* %cw1
  %cw2 = getelementptr i64, i64* %cw, i64 2
  store i64 %ncap, i64* %cw2
  %caps = add i64 %c, 16
  %cr = call i64 @ovsm_wire_read_items(i8** %cur, i8* %end, i64 %caps, i64 %ncap, i64 %d1)
  %cbad = icmp ne i64 %cr, 0
  br i1 %cbad, label %bad, label %cdone
cdone:
  call void @ovsm_set(%V* %out, i64 8, i64 %c)
  ret i64 0
box:
  %bm = call i8* @ovsm_alloc(i64 16)
  %boom = icmp eq i8* %bm, null
  br i1 %boom, label %bad, label %boxread
boxread:
  %bv = bitcast i8* %bm to %V*
  %br = call i64 @ovsm_wire_read(i8** %cur, i8* %end, %V* %bv, i64 %d1)
  %bbad = icmp ne i64 %br, 0
  br i1 %bbad, label %bad, label %boxdone
boxdone:
  %ba = ptrtoint i8* %bm to i64
  call void @ovsm_set(%V* %out, i64 10, i64 %ba)
  ret i64 0
bad:
  ret i64 1
}

; Decodes n values into the items of the array-shaped object at obj (after its count word).
define i64 @ovsm_wire_read_items(i8** %cur, i8* %end, i64 %obj, i64 %n, i64 %depth) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %next ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %item, label %done
item:
  %v = call %V* @ovsm_array_item(i64 %obj, i64 %i)
  %r = call i64 @ovsm_wire_read(i8** %cur, i8* %end, %V* %v, i64 %depth)
  %bad = icmp ne i64 %r, 0
  %i1 = add i64 %i, 1
  br i1 %bad, label %fail, label %next
next:
  br label %loop
fail:
  ret i64 1
done:
  ret i64 0
}

; Decodes a value from [p, p + n) into *out; raises an internal error (returns 1) when the
; bytes are not one well-formed value.
define i64 @ovsm_wire_decode(i8* %p, i64 %n, %V* %out, i64 %site) noinline {
entry:
  %cur = alloca i8*
  store i8* %p, i8** %cur
  %end = getelementptr i8, i8* %p, i64 %n
  %r = call i64 @ovsm_wire_read(i8** %cur, i8* %end, %V* %out, i64 0)
  %bad = icmp ne i64 %r, 0
  br i1 %bad, label %fail, label %ok
ok:
  ret i64 0
fail:
  %e = call i64 @ovsm_fail_literal(i64 299, i8* $STR"internal error: malformed value from the runtime (or out of memory decoding it)", i64 %site)
  ret i64 1
}

; ---- the invocation ---------------------------------------------------------------------------

; Reads the loader's input: the accounts (the first one's data is the state account's), then
; the instruction data, whose header and values set the state words above. Returns 0, or 1
; after raising an error.
define i64 @ovsm_read_input(i8* %input) noinline {
entry:
  %cur = alloca i8*
  %prefix = alloca %V
  %bindings = alloca %V
  %nw = bitcast i8* %input to i64*
  %n = load i64, i64* %nw
  %first = getelementptr i8, i8* %input, i64 8
  br label %accounts
accounts:
  %i = phi i64 [ 0, %entry ], [ %i1, %next ]
  %p = phi i8* [ %first, %entry ], [ %p1, %next ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %account, label %data
account:
  %dup = load i8, i8* %p
  %isdup = icmp ne i8 %dup, -1
  br i1 %isdup, label %skipdup, label %full
skipdup:
  %pd = getelementptr i8, i8* %p, i64 8
  br label %next
full:
  ; dup, signer, writable, executable, 4 bytes, key, owner, lamports, data length, data,
  ; 10 KiB of room to grow, padding to 8, rent epoch
  %lenp0 = getelementptr i8, i8* %p, i64 80
  %lenp = bitcast i8* %lenp0 to i64*
  %len = load i64, i64* %lenp
  %dat = getelementptr i8, i8* %p, i64 88
  %isfirst = icmp eq i64 %i, 0
  br i1 %isfirst, label %state, label %skip
state:
  %dati = ptrtoint i8* %dat to i64
  store i64 %dati, i64* $STATEPTR
  store i64 %len, i64* $STATECAP
  br label %skip
skip:
  %pa = ptrtoint i8* %dat to i64
  %pb = add i64 %pa, %len
  %pc = add i64 %pb, 10247
  %pe = and i64 %pc, -8
  %pf = add i64 %pe, 8
  %pg = inttoptr i64 %pf to i8*
  br label %next
next:
  %p1 = phi i8* [ %pd, %skipdup ], [ %pg, %skip ]
  %i1 = add i64 %i, 1
  br label %accounts
data:
  %dlenp = bitcast i8* %p to i64*
  %dlen = load i64, i64* %dlenp
  %d = getelementptr i8, i8* %p, i64 8
  %end = getelementptr i8, i8* %d, i64 %dlen
  store i8* %d, i8** %cur
  %empty = icmp ult i64 %dlen, 25
  br i1 %empty, label %script, label %header
script:
  ; No header (an older runtime, or a plain transaction): the top level, as `ovsm run` runs it.
  ret i64 0
header:
  %mode = load i8, i8* %d
  %mode64 = zext i8 %mode to i64
  store i64 %mode64, i64* $MODE
  ; the top level re-runs in silence before what an autonomous invocation asked for
  store i64 %mode64, i64* $MUTE
  %tp0 = getelementptr i8, i8* %d, i64 1
  %tp = bitcast i8* %tp0 to i64*
  %target = load i64, i64* %tp, align 1
  store i64 %target, i64* $TARGET
  %sp0 = getelementptr i8, i8* %d, i64 9
  %sp = bitcast i8* %sp0 to i64*
  %slot = load i64, i64* %sp, align 1
  store i64 %slot, i64* $SLOT
  %ep0 = getelementptr i8, i8* %d, i64 17
  %ep = bitcast i8* %ep0 to i64*
  %epoch = load i64, i64* %ep, align 1
  store i64 %epoch, i64* $EPOCH
  %vals = getelementptr i8, i8* %d, i64 25
  store i8* %vals, i8** %cur
  %r1 = call i64 @ovsm_wire_read(i8** %cur, i8* %end, %V* $PROGID, i64 0)
  %r2 = call i64 @ovsm_wire_read(i8** %cur, i8* %end, %V* %prefix, i64 0)
  %r3 = call i64 @ovsm_wire_read(i8** %cur, i8* %end, %V* %bindings, i64 0)
  %r4 = call i64 @ovsm_wire_read(i8** %cur, i8* %end, %V* $CALLEE, i64 0)
  %r5 = call i64 @ovsm_wire_read(i8** %cur, i8* %end, %V* $ARGS, i64 0)
  %e12 = or i64 %r1, %r2
  %e34 = or i64 %r3, %r4
  %e = or i64 %e12, %e34
  %e5 = or i64 %e, %r5
  %bad = icmp ne i64 %e5, 0
  br i1 %bad, label %malformed, label %decoded
decoded:
  %pt = call i64 @ovsm_tag(%V* %prefix)
  %hasprefix = icmp eq i64 %pt, 4
  %px = call i64 @ovsm_payload(%V* %prefix)
  %pv = select i1 %hasprefix, i64 %px, i64 0
  store i64 %pv, i64* $PREFIX
  %bt = call i64 @ovsm_tag(%V* %bindings)
  %barr = icmp eq i64 %bt, 6
  br i1 %barr, label %bind, label %ok
bind:
  %bx = call i64 @ovsm_payload(%V* %bindings)
  call void @ovsm_bind_globals(i64 %bx)
  ; the top level's own definitions are what is dirty, not the bindings
  br label %ok
ok:
  ret i64 0
malformed:
  %f = call i64 @ovsm_fail_literal(i64 299, i8* $STR"internal error: malformed instruction data", i64 0)
  ret i64 1
}

; Sets globals from an array of global index, value, ...; out-of-range indices are skipped.
define void @ovsm_bind_globals(i64 %arr) {
entry:
  %n = call i64 @ovsm_len_of(i64 %arr)
  %ng = load i64, i64* $NGLOBALS
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i2, %next ]
  %i1 = add i64 %i, 1
  %more = icmp ult i64 %i1, %n
  br i1 %more, label %pair, label %done
pair:
  %gv = call %V* @ovsm_array_item(i64 %arr, i64 %i)
  %g = call i64 @ovsm_payload(%V* %gv)
  %v = call %V* @ovsm_array_item(i64 %arr, i64 %i1)
  %inrange = icmp ult i64 %g, %ng
  br i1 %inrange, label %set, label %next
set:
  %slot = call %V* @ovsm_global_addr(i64 %g)
  call void @ovsm_store(%V* %slot, %V* %v)
  br label %next
next:
  %i2 = add i64 %i, 2
  br label %loop
done:
  ret void
}

; After the top level has re-run (muted): output on again, nothing dirty yet, then the globals
; the program's earlier invocations wrote, from its state account (they stay dirty, so they are
; written back). Returns 0, or 1 after raising an error.
define i64 @ovsm_load_state() noinline {
entry:
  %v = alloca %V
  store i64 0, i64* $MUTE
  %base = load i64, i64* $DIRTY
  %basep = inttoptr i64 %base to i8*
  %ng = load i64, i64* $NGLOBALS
  ; sol_memset_, not a loop: LLVM would make a loop a memset call, which BPF cannot lower
  %any = icmp ne i64 %ng, 0
  br i1 %any, label %clear, label %cleared
clear:
  call void @sol_memset_(i8* %basep, i64 0, i64 %ng)
  br label %cleared
cleared:
  %state = load i64, i64* $STATEPTR
  %cap = load i64, i64* $STATECAP
  %nostate = icmp ult i64 %cap, 4
  %null = icmp eq i64 %state, 0
  %none = or i1 %nostate, %null
  br i1 %none, label %ok, label %read
read:
  %sp = inttoptr i64 %state to i32*
  %len32 = load i32, i32* %sp, align 1
  %len = zext i32 %len32 to i64
  %empty = icmp eq i64 %len, 0
  br i1 %empty, label %ok, label %decode
decode:
  %room = sub i64 %cap, 4
  %fits = icmp ule i64 %len, %room
  br i1 %fits, label %go, label %corrupt
go:
  %bytes0 = add i64 %state, 4
  %bytes = inttoptr i64 %bytes0 to i8*
  %r = call i64 @ovsm_wire_decode(i8* %bytes, i64 %len, %V* %v, i64 0)
  %bad = icmp ne i64 %r, 0
  br i1 %bad, label %fail, label %decoded
decoded:
  %t = call i64 @ovsm_tag(%V* %v)
  %isarr = icmp eq i64 %t, 6
  br i1 %isarr, label %bind, label %corrupt
bind:
  %arr = call i64 @ovsm_payload(%V* %v)
  call void @ovsm_bind_globals(i64 %arr)
  call void @ovsm_mark_bound(i64 %arr)
  br label %ok
ok:
  ret i64 0
corrupt:
  %e = call i64 @ovsm_fail_literal(i64 299, i8* $STR"internal error: the program's state account holds no state", i64 0)
  ret i64 1
fail:
  ret i64 1
}

define void @ovsm_mark_bound(i64 %arr) {
entry:
  %n = call i64 @ovsm_len_of(i64 %arr)
  %ng = load i64, i64* $NGLOBALS
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %next ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %item, label %done
item:
  %gv = call %V* @ovsm_array_item(i64 %arr, i64 %i)
  %g = call i64 @ovsm_payload(%V* %gv)
  %inrange = icmp ult i64 %g, %ng
  br i1 %inrange, label %mark, label %next
mark:
  call void @ovsm_mark_dirty(i64 %g)
  br label %next
next:
  %i1 = add i64 %i, 2
  br label %loop
done:
  ret void
}

; Writes every dirty global back to the state account. Returns 0, or 1 after raising the
; interpreter's error for state over the account's size.
define i64 @ovsm_save_state() noinline {
entry:
  %v = alloca %V
  %state = load i64, i64* $STATEPTR
  %none = icmp eq i64 %state, 0
  br i1 %none, label %ok, label %count
count:
  %base = load i64, i64* $DIRTY
  %basep = inttoptr i64 %base to i8*
  %ng = load i64, i64* $NGLOBALS
  br label %cloop
cloop:
  %i = phi i64 [ 0, %count ], [ %i1, %cnext ]
  %k = phi i64 [ 0, %count ], [ %k1, %cnext ]
  %more = icmp ult i64 %i, %ng
  br i1 %more, label %citem, label %build
citem:
  %dp = getelementptr i8, i8* %basep, i64 %i
  %d = load i8, i8* %dp
  %isdirty = icmp ne i8 %d, 0
  %inc = zext i1 %isdirty to i64
  %k1 = add i64 %k, %inc
  %i1 = add i64 %i, 1
  br label %cnext
cnext:
  br label %cloop
build:
  %none2 = icmp eq i64 %k, 0
  br i1 %none2, label %ok, label %alloc
alloc:
  %k2 = shl i64 %k, 1
  %arr = call i64 @ovsm_new_array(i8* null, i64 0, i64 %k2)
  %oom = icmp eq i64 %arr, 0
  br i1 %oom, label %outofmemory, label %fill
fill:
  br label %floop
floop:
  %j = phi i64 [ 0, %fill ], [ %j1, %fnext ]
  %at = phi i64 [ 0, %fill ], [ %at1, %fnext ]
  %fmore = icmp ult i64 %j, %ng
  br i1 %fmore, label %fitem, label %encode
fitem:
  %fdp = getelementptr i8, i8* %basep, i64 %j
  %fd = load i8, i8* %fdp
  %fdirty = icmp ne i8 %fd, 0
  br i1 %fdirty, label %put, label %skip
put:
  %gslot = call %V* @ovsm_array_item(i64 %arr, i64 %at)
  call void @ovsm_set(%V* %gslot, i64 2, i64 %j)
  %at2 = add i64 %at, 1
  %vslot = call %V* @ovsm_array_item(i64 %arr, i64 %at2)
  %gv = call %V* @ovsm_global_addr(i64 %j)
  call void @ovsm_store(%V* %vslot, %V* %gv)
  %at3 = add i64 %at, 2
  br label %fnext
skip:
  br label %fnext
fnext:
  %at1 = phi i64 [ %at3, %put ], [ %at, %skip ]
  %j1 = add i64 %j, 1
  br label %floop
encode:
  call void @ovsm_set(%V* %v, i64 6, i64 %arr)
  %size = call i64 @ovsm_wire_size(%V* %v, i64 0)
  %unencodable = icmp slt i64 %size, 0
  br i1 %unencodable, label %cannot, label %sized
sized:
  %cap = load i64, i64* $STATECAP
  %room = sub i64 %cap, 4
  %fits = icmp ule i64 %size, %room
  br i1 %fits, label %write, label %big
write:
  %sp = inttoptr i64 %state to i8*
  %after = call i8* @wire_u32(i8* %sp, i64 %size)
  %end = call i8* @ovsm_wire_write(%V* %v, i8* %after)
  br label %ok
ok:
  ret i64 0
big:
  call void @sb_reset()
  call void @sb_obj(i8* $STR"program state of ")
  call void @sb_int(i64 %size)
  call void @sb_obj(i8* $STR" bytes exceeds the state account limit of ")
  call void @sb_int(i64 %room)
  call void @sb_obj(i8* $STR" bytes")
  %e1 = call i64 @ovsm_fail_sb(i64 211, i64 0)
  ret i64 1
cannot:
  %e2 = call i64 @ovsm_fail_literal(i64 211, i8* $STR"program state holds a builtin function or nests too deeply to persist", i64 0)
  ret i64 1
outofmemory:
  %e3 = call i64 @ovsm_out_of_memory(i64 0)
  ret i64 1
}

; Pushes the items of the invocation's argument array; returns how many.
define i64 @ovsm_push_args(i64 %site) {
entry:
  %args = getelementptr %V, %V* $ARGS, i64 0
  %t = call i64 @ovsm_tag(%V* %args)
  %isarr = icmp eq i64 %t, 6
  br i1 %isarr, label %arr, label %none
none:
  ret i64 0
arr:
  %a = call i64 @ovsm_payload(%V* %args)
  %n = call i64 @ovsm_len_of(i64 %a)
  br label %loop
loop:
  %i = phi i64 [ 0, %arr ], [ %i1, %push ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %push, label %done
push:
  %v = call %V* @ovsm_array_item(i64 %a, i64 %i)
  %r = call i64 @ovsm_push_value(%V* %v, i64 %site)
  %i1 = add i64 %i, 1
  br label %loop
done:
  ret i64 %n
}

; ---- reads of the invocation ------------------------------------------------------------------

; (get-current-slot) (which = 0), (get-current-epoch) (1), program-id (2).
define i64 @op_invocation(i64 %which, i64 %site) {
entry:
  switch i64 %which, label %epoch [ i64 0, label %slot
                                    i64 2, label %id ]
slot:
  %s = load i64, i64* $SLOT
  %r0 = call i64 @ovsm_push(i64 2, i64 %s, i64 %site)
  ret i64 %r0
epoch:
  %e = load i64, i64* $EPOCH
  %r1 = call i64 @ovsm_push(i64 2, i64 %e, i64 %site)
  ret i64 %r1
id:
  %mode = load i64, i64* $MODE
  %outside = icmp eq i64 %mode, 0
  br i1 %outside, label %unbound, label %bound
bound:
  %r2 = call i64 @ovsm_push_value(%V* $PROGID, i64 %site)
  ret i64 %r2
unbound:
  %f = call i64 @ovsm_fail_literal(i64 201, i8* $STR"undefined variable `program-id`: it is bound only inside autonomous programs", i64 %site)
  ret i64 1
}

; ---- syscalls -----------------------------------------------------------------------------------

; A call of an autonomous syscall with the n arguments on top of the stack: they go to the
; runtime as one encoded array; what comes back replaces them: 0 and an encoded value, or 1 and
; an error (u32 code, then the message).
define i64 @op_syscall(i64 %which, i64 %n, i8* %op, i64 %site) noinline {
entry:
  %mk = call i64 @op_make_array(i64 %n, i64 %site)
  %mkbad = icmp ne i64 %mk, 0
  br i1 %mkbad, label %fail, label %encode
encode:
  %args = call %V* @ovsm_top(i64 0)
  %len = call i64 @ovsm_wire_encode(%V* %args, i8* $SYSBUF, i64 $SYSBUF_CAP, i8* %op, i64 %site)
  %encbad = icmp slt i64 %len, 0
  br i1 %encbad, label %fail, label %call
call:
  switch i64 %which, label %control [ i64 0, label %subscribe
                                 i64 1, label %watch
                                 i64 2, label %emit
                                 i64 3, label %schedule
                                 i64 4, label %query ]
subscribe:
  %r0 = call i64 @sol_subscribe_event(i8* $SYSBUF, i64 %len, i8* $SYSBUF, i64 $SYSBUF_CAP)
  br label %back
watch:
  %r1 = call i64 @sol_watch_account(i8* $SYSBUF, i64 %len, i8* $SYSBUF, i64 $SYSBUF_CAP)
  br label %back
emit:
  %r2 = call i64 @sol_emit_event(i8* $SYSBUF, i64 %len, i8* $SYSBUF, i64 $SYSBUF_CAP)
  br label %back
schedule:
  %r3 = call i64 @sol_schedule_execution(i8* $SYSBUF, i64 %len, i8* $SYSBUF, i64 $SYSBUF_CAP)
  br label %back
query:
  %r4 = call i64 @sol_query_subscriptions(i8* $SYSBUF, i64 %len, i8* $SYSBUF, i64 $SYSBUF_CAP)
  br label %back
control:
  ; pause, resume, cancel and update share one syscall; its fifth register says which
  %r5 = call i64 @sol_ovsm_subscription_op(i8* $SYSBUF, i64 %len, i8* $SYSBUF, i64 $SYSBUF_CAP, i64 %which)
  br label %back
back:
  %r = phi i64 [ %r0, %subscribe ], [ %r1, %watch ], [ %r2, %emit ], [ %r3, %schedule ], [ %r4, %query ], [ %r5, %control ]
  ; r = length of the answer << 1 | failed
  %failed = and i64 %r, 1
  %rlen = lshr i64 %r, 1
  %bad = icmp ne i64 %failed, 0
  br i1 %bad, label %error, label %value
value:
  %top = call %V* @ovsm_top(i64 0)
  %d = call i64 @ovsm_wire_decode(i8* $SYSBUF, i64 %rlen, %V* %top, i64 %site)
  ret i64 %d
error:
  %cw = bitcast i8* $SYSBUF to i32*
  %code32 = load i32, i32* %cw, align 1
  %code = zext i32 %code32 to i64
  %msg = getelementptr i8, i8* $SYSBUF, i64 4
  %mlen = sub i64 %rlen, 4
  call void @sb_reset()
  call void @sb_bytes(i8* %msg, i64 %mlen)
  %e = call i64 @ovsm_fail_sb(i64 %code, i64 %site)
  ret i64 1
fail:
  ret i64 1
}

; ---- the start and the end of an invocation -----------------------------------------------------

define i64 @ovsm_mode() alwaysinline {
  %m = load i64, i64* $MODE
  ret i64 %m
}

define i64 @ovsm_target() alwaysinline {
  %t = load i64, i64* $TARGET
  ret i64 %t
}

; Tells the runtime, on the `p` channel, about a program the source declares (the text comes
; from codegen: `p`, the name, then tab-separated the number of `on-startup` clauses and each
; `on-event` id).
define void @ovsm_announce(i8* %text) {
  %w = bitcast i8* %text to i64*
  %len = load i64, i64* %w
  %b0 = getelementptr i64, i64* %w, i64 1
  %b = bitcast i64* %b0 to i8*
  call void @sol_log_(i8* %b, i64 %len)
  ret void
}

declare void @sol_set_return_data(i8*, i64)
declare void @sol_memset_(i8*, i64, i64)

; The end of an autonomous invocation: output flushed, and the value on top handed back as the
; transaction's return data (what CPI_RETURN subscribers receive), if it crosses the wire and
; fits Solana's 1,024 bytes; otherwise nil.
define i64 @ovsm_end_invocation() noinline {
entry:
  call void @out_flush()
  %v = call %V* @ovsm_top(i64 0)
  %size = call i64 @ovsm_wire_size(%V* %v, i64 0)
  %ok0 = icmp sgt i64 %size, 0
  %ok1 = icmp ule i64 %size, 1024
  %ok = and i1 %ok0, %ok1
  br i1 %ok, label %write, label %nil
write:
  %end = call i8* @ovsm_wire_write(%V* %v, i8* $SYSBUF)
  call void @sol_set_return_data(i8* $SYSBUF, i64 %size)
  ret i64 0
nil:
  store i8 0, i8* $SYSBUF
  call void @sol_set_return_data(i8* $SYSBUF, i64 1)
  ret i64 0
}

; Pushes the callback the invocation carries (the argument is unused; calls need one).
define i64 @ovsm_push_callee(i64 %site) {
  %r = call i64 @ovsm_push_value(%V* $CALLEE, i64 %site)
  ret i64 %r
}
