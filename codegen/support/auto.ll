; OVSM support library, part 8: autonomous invocations.
;
; The runtime invokes a deployed program with instruction data that says what to run (the
; program ABI, docs/codegen.md):
;
;   u8 mode (0 the top level, 1 an `on-startup` clause, 2 an `on-event` handler, 3 a callback,
;   4 an install at deployment: see ovsm_keep_top_level and ovsm_take_handler)
;   u64 program index << 32 | clause index, u64 slot, u64 epoch,
;   then three values in the wire format below: the program's address (a string), the `log`
;   prefix (a string, or nil), for a callback the closure (else nil),
;   then the callee's arguments: a u64 length and that many bytes (none: 0), an array written
;   item by item, never packed (ovsm_read_input skips it, ovsm_push_args decodes it onto the
;   value stack),
;   then, at the next 8-aligned byte, the account directory (ovsm_read_directory): the address
;   and owner of each account the transaction passes after the state account, and the bindings
;   of the scenario's account names to the program's globals. Without accounts or bindings
;   the data ends with the values: no directory, and $ACCTDIR stays 0.

; The accounts themselves are the loader's: `read-field`, `write-field`, `transfer-lamports`
; and `get-account` work on their serialized data and lamports in the input, so the runtime
; enforces ownership and rolls everything back when the invocation fails.
;
; Values cross between the program and the runtime in one wire format, here and in
; runtime/src/compiled/wire.rs: a tag byte, then
;   0 nil | 1 bool: u8 | 2 int: i64 | 3 float: f64 bits | 4 string, 5 keyword, 12 program: u64 length, UTF-8 bytes
;   | 6 array: u32 count, values | 7 map: u32 count, key and value values
;   | 8 closure: u32 function id, u64 name length, name, u32 capture count, values
;   | 10 box: the value | 13 a box again: u32 its number | 11 subscription: u64 id
;   | 14 numbers, an array of $WIRE_PACKED or more items, ints alone or floats alone: u32
;     count, u8 the items' tag (2 or 3), each item's u64 (wire_packed; every encoder writes
;     such an array so, and no other).
; A string's u64 length and bytes are laid out as a string object is, so the strings of the
; instruction data, which lasts the whole invocation, are used where they lie (wire_string).
; All integers are little-endian and unaligned. Nesting is limited to $WIRE_DEPTH levels: the
; encoder and decoder recurse on sBPF's 64-frame native call stack. Boxes are numbered from 0 in
; the order they first cross within the outermost closure that holds them (see wire_enter).
;
; The program's state lives in the data of its state account (account 0 of the invocation):
; u32 length, then an array of global index, value, ... for every global its code has written;
; the account's last 4 bytes are for a closure handed back to the runtime (ovsm_hand_back).

declare i64 @sol_subscribe_event(i8*, i64, i8*, i64)
declare i64 @sol_watch_account(i8*, i64, i8*, i64)
declare i64 @sol_emit_event(i8*, i64, i8*, i64)
declare i64 @sol_schedule_execution(i8*, i64, i8*, i64)
declare i64 @sol_query_subscriptions(i8*, i64, i8*, i64)
declare i64 @sol_ovsm_subscription_op(i8*, i64, i8*, i64, i64)

; ---- boxes that cross more than once ------------------------------------------------------------

; A captured variable that is assigned crosses as a box, and one closure can reach a box twice:
; two closures capturing one variable, or a recursive local function, whose closure captures the
; box that holds it (a cycle, which would otherwise recurse until the depth limit). Within the
; outermost closure being encoded or decoded, boxes are numbered in the order they first cross,
; and a box that crossed before crosses again as tag 13 and its number, so the decoder rebuilds
; the same sharing and cycles. Numbering starts again at each outermost closure, because the
; runtime keeps each such closure as bytes of its own (runtime/src/compiled/wire.rs).
;
; $WIREBOXES is 0 outside any closure, 1 + n inside one that has crossed n boxes; the boxes are
; a table of n words at the value stack's top, in the 1 KiB that ovsm_alloc and ovsm_push always
; leave free above it (nothing is pushed while a value is encoded or decoded, and size and write
; see the same table). It holds the first $WIRE_BOXES boxes; any after those cross whole each time,
; as all boxes did before they were numbered (encoder and decoder fill the table in the same
; order, so they agree on which are numbered).

; Enters a closure; true for the outermost one, whose end must call wire_leave.
define i1 @wire_enter() alwaysinline {
entry:
  %w = load i64, i64* $WIREBOXES
  %outer = icmp eq i64 %w, 0
  br i1 %outer, label %start, label %done
start:
  store i64 1, i64* $WIREBOXES
  br label %done
done:
  ret i1 %outer
}

define void @wire_leave(i1 %outer) alwaysinline {
entry:
  br i1 %outer, label %reset, label %done
reset:
  store i64 0, i64* $WIREBOXES
  br label %done
done:
  ret void
}

define i64* @wire_box_entry(i64 %k) alwaysinline {
  %sp = load i64, i64* $SP
  %off = shl i64 %k, 3
  %a = add i64 %sp, %off
  %p = inttoptr i64 %a to i64*
  ret i64* %p
}

; The number of box object %box among those the closure has crossed; -1 when it has not, and
; then it is recorded as the next, if the table has room (outside any closure it is not: a box
; is only ever a closure's capture).
define i64 @wire_box_number(i64 %box) {
entry:
  %w = load i64, i64* $WIREBOXES
  %inside = icmp ne i64 %w, 0
  br i1 %inside, label %search, label %fresh
search:
  %n = sub i64 %w, 1
  br label %loop
loop:
  %k = phi i64 [ 0, %search ], [ %k1, %next ]
  %more = icmp ult i64 %k, %n
  br i1 %more, label %entry.k, label %record
entry.k:
  %p = call i64* @wire_box_entry(i64 %k)
  %b = load i64, i64* %p
  %same = icmp eq i64 %b, %box
  %k1 = add i64 %k, 1
  br i1 %same, label %found, label %next
next:
  br label %loop
found:
  ret i64 %k
record:
  %full = icmp uge i64 %n, $WIRE_BOXES
  br i1 %full, label %fresh, label %add
add:
  %q = call i64* @wire_box_entry(i64 %n)
  store i64 %box, i64* %q
  %w1 = add i64 %w, 1
  store i64 %w1, i64* $WIREBOXES
  br label %fresh
fresh:
  ret i64 -1
}

; The box object with number k, recorded as the decoder crossed it; 0 when there is none.
define i64 @wire_box_numbered(i64 %k) {
entry:
  %w = load i64, i64* $WIREBOXES
  %n = sub i64 %w, 1
  %inside = icmp ne i64 %w, 0
  %known = icmp ult i64 %k, %n
  %ok = and i1 %inside, %known
  br i1 %ok, label %get, label %none
get:
  %p = call i64* @wire_box_entry(i64 %k)
  %b = load i64, i64* %p
  ret i64 %b
none:
  ret i64 0
}

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
                              i64 3, label %nine
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
  %s5 = add i64 %slen, 9
  ret i64 %s5
array:
  %ap = inttoptr i64 %x to i64*
  %alen = load i64, i64* %ap
  %apacked = call i64 @wire_packed(i64 %x, i64 %d1)
  %isapacked = icmp ne i64 %apacked, 0
  br i1 %isapacked, label %apack, label %aloop
apack:
  %apbytes = shl i64 %alen, 3
  %apsize = add i64 %apbytes, 6
  ret i64 %apsize
aloop:
  %ai = phi i64 [ 0, %array ], [ %ai1, %aitem ]
  %asum = phi i64 [ 5, %array ], [ %asum1, %aitem ]
  %amore = icmp ult i64 %ai, %alen
  br i1 %amore, label %aitem0, label %adone
aitem0:
  %av = call %V* @ovsm_array_item(i64 %x, i64 %ai)
  ; an int or a float, the usual item, sized here rather than by a call (wire_scalar)
  %aword = call i1 @wire_scalar(%V* %av, i64 %d1)
  br i1 %aword, label %aitem, label %arec
arec:
  %as0 = call i64 @ovsm_wire_size(%V* %av, i64 %d1)
  %aneg = icmp slt i64 %as0, 0
  br i1 %aneg, label %afail, label %aitem
aitem:
  %as = phi i64 [ 9, %aitem0 ], [ %as0, %arec ]
  %asum1 = add i64 %asum, %as
  %ai1 = add i64 %ai, 1
  br label %aloop
afail:
  ret i64 %as0
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
  %chead = add i64 %cnlen, 17
  %couter = call i1 @wire_enter()
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
  call void @wire_leave(i1 %couter)
  ret i64 %cs
cdone:
  call void @wire_leave(i1 %couter)
  ret i64 %csum
box:
  %bk = call i64 @wire_box_number(i64 %x)
  %bnew = icmp slt i64 %bk, 0
  br i1 %bnew, label %bfirst, label %bagain
bagain:
  ret i64 5
bfirst:
  %bv = inttoptr i64 %x to %V*
  %bs = call i64 @ovsm_wire_size(%V* %bv, i64 %d1)
  %bneg = icmp slt i64 %bs, 0
  %bs1 = add i64 %bs, 1
  %bout = select i1 %bneg, i64 %bs, i64 %bs1
  ret i64 %bout
bad:
  ret i64 -1
}

; Whether *v is an int or a float at a depth the wire allows: nine bytes (tag, u64), which the
; loops over an array's items (the windows of floats that programs keep in their state) encode
; and decode inline instead of calling the general functions for each.
define i1 @wire_scalar(%V* %v, i64 %depth) alwaysinline {
  %t = call i64 @ovsm_tag(%V* %v)
  %word = call i1 @ovsm_is_number_tag(i64 %t)
  %shallow = icmp ule i64 %depth, $WIRE_DEPTH
  %r = and i1 %word, %shallow
  ret i1 %r
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
  call void @ovsm_store_u32(i8* %at, i64 %v)
  %n = getelementptr i8, i8* %at, i64 4
  ret i8* %n
}

define i8* @wire_u64(i8* %at, i64 %v) alwaysinline {
  call void @ovsm_store_u64(i8* %at, i64 %v)
  %n = getelementptr i8, i8* %at, i64 8
  ret i8* %n
}

; Copies a string object's length (u64) and bytes.
define i8* @wire_str(i8* %at, i64 %obj) {
  %p = inttoptr i64 %obj to i64*
  %len = load i64, i64* %p
  %a = call i8* @wire_u64(i8* %at, i64 %len)
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
                               i64 3, label %word
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
  %packed = call i64 @wire_packed(i64 %x, i64 1)
  %ispacked = icmp ne i64 %packed, 0
  br i1 %ispacked, label %apack, label %aitems
apack:
  ; as ovsm_wire_size sized it (the depth was checked there)
  call i8* @wire_u8(i8* %at, i64 14)
  %ppk = call i8* @wire_u8(i8* %pa, i64 %packed)
  %ppkend = call i8* @wire_pack(i64 %x, i64 %alen, i8* %ppk)
  ret i8* %ppkend
aitems:
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
  %couter = call i1 @wire_enter()
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
  call void @wire_leave(i1 %couter)
  ret i8* %cat
box:
  ; numbered as ovsm_wire_size numbered it
  %bk = call i64 @wire_box_number(i64 %x)
  %bfirst = icmp slt i64 %bk, 0
  br i1 %bfirst, label %bcontent, label %bagain
bcontent:
  %bv = inttoptr i64 %x to %V*
  %pbox = call i8* @ovsm_wire_write(%V* %bv, i8* %p1)
  ret i8* %pbox
bagain:
  %pt = call i8* @wire_u8(i8* %at, i64 13)
  %pagain = call i8* @wire_u32(i8* %pt, i64 %bk)
  ret i8* %pagain
}

; The n consecutive values of an array (or the 2n of a map) after its count word.
define i8* @ovsm_wire_items(i64 %obj, i64 %n, i8* %at) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %next ]
  %p = phi i8* [ %at, %entry ], [ %p1, %next ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %item, label %done
item:
  %v = call %V* @ovsm_array_item(i64 %obj, i64 %i)
  %t = call i64 @ovsm_tag(%V* %v)
  %word = call i1 @ovsm_is_number_tag(i64 %t)
  br i1 %word, label %scalar, label %general
scalar:
  %x = call i64 @ovsm_payload(%V* %v)
  call i8* @wire_u8(i8* %p, i64 %t)
  call void @ovsm_store_u64_after_tag(i8* %p, i64 %x)
  %ps = getelementptr i8, i8* %p, i64 9
  br label %next
general:
  %pg = call i8* @ovsm_wire_write(%V* %v, i8* %p)
  br label %next
next:
  %p1 = phi i8* [ %ps, %scalar ], [ %pg, %general ]
  %i1 = add i64 %i, 1
  br label %loop
done:
  ret i8* %p
}

; The items' tag (2 or 3) when the array at obj has $WIRE_PACKED or more items, ints alone or
; floats alone, at a depth (its items') the wire allows, so that it crosses as numbers (tag
; 14); else 0. A pass over the tags first, then one over the payloads (wire_pack): about 10
; instructions an item against 16 for writing each with its tag, and reading takes 8 against
; about 19. Below $WIRE_PACKED items the two calls cost more than they save: the state's own
; array of global index, value pairs, [0 5] in the heartbeat, took 26 CU more to save.
define i64 @wire_packed(i64 %obj, i64 %depth) alwaysinline {
entry:
  %n = call i64 @ovsm_len_of(i64 %obj)
  %empty = icmp ult i64 %n, $WIRE_PACKED
  %deep = icmp ugt i64 %depth, $WIRE_DEPTH
  %skip = or i1 %empty, %deep
  br i1 %skip, label %no, label %first
first:
  %v0 = call %V* @ovsm_array_item(i64 %obj, i64 0)
  %t = call i64 @ovsm_tag(%V* %v0)
  %number = call i1 @ovsm_is_number_tag(i64 %t)
  br i1 %number, label %items, label %no
items:
  %same = call i64 @wire_all_tagged(i64 %obj, i64 %n, i64 %t)
  ret i64 %same
no:
  ret i64 0
}

; t when the n items of the array at obj, whose first has tag t, all have it, else 0. Out of
; line: inlined into the recursive writers, whose registers are taken, its loop kept the
; array's end, the tag and the item on the stack, 9 instructions an item.
define i64 @wire_all_tagged(i64 %obj, i64 %n, i64 %t) noinline {
entry:
  %v0 = call %V* @ovsm_array_item(i64 %obj, i64 1)
  %last = call %V* @ovsm_array_item(i64 %obj, i64 %n)
  br label %loop
loop:
  %v = phi %V* [ %v0, %entry ], [ %v1, %same ]
  %more = icmp ult %V* %v, %last
  br i1 %more, label %item, label %yes
item:
  %vt = call i64 @ovsm_tag(%V* %v)
  %v1 = getelementptr %V, %V* %v, i64 1
  %alike = icmp eq i64 %vt, %t
  br i1 %alike, label %same, label %no
same:
  br label %loop
yes:
  ret i64 %t
no:
  ret i64 0
}

; Writes the payloads of the n items of the array at obj from `at`; returns their end.
define i8* @wire_pack(i64 %obj, i64 %n, i8* %at) {
entry:
  %first = call %V* @ovsm_array_item(i64 %obj, i64 0)
  %last = call %V* @ovsm_array_item(i64 %obj, i64 %n)
  br label %loop
loop:
  %v = phi %V* [ %first, %entry ], [ %v1, %item ]
  %p = phi i8* [ %at, %entry ], [ %p1, %item ]
  %more = icmp ult %V* %v, %last
  br i1 %more, label %item, label %done
item:
  %x = call i64 @ovsm_payload(%V* %v)
  %p1 = call i8* @wire_u64(i8* %p, i64 %x)
  %v1 = getelementptr %V, %V* %v, i64 1
  br label %loop
done:
  ret i8* %p
}

; Fills the n items of the new array at obj with tag t and the u64s from p.
define void @wire_unpack(i64 %obj, i64 %n, i64 %t, i8* %p) {
entry:
  %first = call %V* @ovsm_array_item(i64 %obj, i64 0)
  %last = call %V* @ovsm_array_item(i64 %obj, i64 %n)
  br label %loop
loop:
  %v = phi %V* [ %first, %entry ], [ %v1, %item ]
  %q = phi i8* [ %p, %entry ], [ %q1, %item ]
  %more = icmp ult %V* %v, %last
  br i1 %more, label %item, label %done
item:
  %x = call i64 @ovsm_load_u64(i8* %q)
  call void @ovsm_set(%V* %v, i64 %t, i64 %x)
  %v1 = getelementptr %V, %V* %v, i64 1
  %q1 = getelementptr i8, i8* %q, i64 8
  br label %loop
done:
  ret void
}

; The common shapes of a program's state in one pass: the encoding ovsm_wire_write makes of *v,
; written at `at` only while it fits before `end`, for nil, booleans, numbers, strings, keywords,
; arrays and maps within the wire's depth. Returns its end, or null for anything else (a
; closure, a box, a builtin, too deep) or when it does not fit; the caller then sizes and writes
; it the general way, which also reports why it cannot. Sizing first, as the general way does,
; cost about 17 CU for each item of an array (the windows of floats that programs keep) on top
; of the 13 of writing it.
define i8* @ovsm_wire_write_flat(%V* %v, i8* %at, i8* %end, i64 %depth) {
entry:
  %deep = icmp ugt i64 %depth, $WIRE_DEPTH
  br i1 %deep, label %no, label %go
go:
  %t = call i64 @ovsm_tag(%V* %v)
  %x = call i64 @ovsm_payload(%V* %v)
  %atn = ptrtoint i8* %at to i64
  %endn = ptrtoint i8* %end to i64
  %room = sub i64 %endn, %atn
  switch i64 %t, label %no [ i64 0, label %nil
                             i64 1, label %bool
                             i64 2, label %word
                             i64 3, label %word
                             i64 11, label %word
                             i64 4, label %bytes
                             i64 5, label %bytes
                             i64 12, label %bytes
                             i64 6, label %array
                             i64 7, label %map ]
nil:
  %nfits = icmp uge i64 %room, 1
  br i1 %nfits, label %nilw, label %no
nilw:
  %pn = call i8* @wire_u8(i8* %at, i64 0)
  ret i8* %pn
bool:
  %bfits = icmp uge i64 %room, 2
  br i1 %bfits, label %boolw, label %no
boolw:
  %pb0 = call i8* @wire_u8(i8* %at, i64 1)
  %pb = call i8* @wire_u8(i8* %pb0, i64 %x)
  ret i8* %pb
word:
  %wfits = icmp uge i64 %room, 9
  br i1 %wfits, label %wordw, label %no
wordw:
  %pw0 = call i8* @wire_u8(i8* %at, i64 %t)
  %pw = call i8* @wire_u64(i8* %pw0, i64 %x)
  ret i8* %pw
bytes:
  %sp = inttoptr i64 %x to i64*
  %slen = load i64, i64* %sp
  %sneed = add i64 %slen, 9
  %sfits = icmp uge i64 %room, %sneed
  br i1 %sfits, label %bytesw, label %no
bytesw:
  %ps0 = call i8* @wire_u8(i8* %at, i64 %t)
  %ps = call i8* @wire_str(i8* %ps0, i64 %x)
  ret i8* %ps
array:
  %alen = call i64 @ovsm_len_of(i64 %x)
  ; (the count tested here first: the call costs a short array more than packing saves)
  %many = icmp uge i64 %alen, $WIRE_PACKED
  br i1 %many, label %apacked, label %seq
apacked:
  %dp1 = add i64 %depth, 1
  %packed = call i64 @wire_packed(i64 %x, i64 %dp1)
  %ispacked = icmp ne i64 %packed, 0
  br i1 %ispacked, label %apack, label %seq
apack:
  %apbytes = shl i64 %alen, 3
  %apneed = add i64 %apbytes, 6
  %apfits = icmp uge i64 %room, %apneed
  br i1 %apfits, label %apackw, label %no
apackw:
  %pk0 = call i8* @wire_u8(i8* %at, i64 14)
  %pk1 = call i8* @wire_u32(i8* %pk0, i64 %alen)
  %pk2 = call i8* @wire_u8(i8* %pk1, i64 %packed)
  %pkend = call i8* @wire_pack(i64 %x, i64 %alen, i8* %pk2)
  ret i8* %pkend
map:
  %mlen = call i64 @ovsm_map_count(i64 %x)
  %mlen2 = shl i64 %mlen, 1
  br label %seq
seq:
  ; an array's count and items, or a map's count and its 2n keys and values
  %count = phi i64 [ %alen, %array ], [ %alen, %apacked ], [ %mlen, %map ]
  %n = phi i64 [ %alen, %array ], [ %alen, %apacked ], [ %mlen2, %map ]
  %hfits = icmp uge i64 %room, 5
  br i1 %hfits, label %head, label %no
head:
  %ph0 = call i8* @wire_u8(i8* %at, i64 %t)
  %ph = call i8* @wire_u32(i8* %ph0, i64 %count)
  %d1 = add i64 %depth, 1
  ; items one level deeper than the wire allows: only an empty sequence is written here
  %toodeep = icmp ugt i64 %d1, $WIRE_DEPTH
  %nonempty = icmp ne i64 %n, 0
  %refuse = and i1 %toodeep, %nonempty
  br i1 %refuse, label %no, label %items
items:
  %first = call %V* @ovsm_array_item(i64 %x, i64 0)
  %last = call %V* @ovsm_array_item(i64 %x, i64 %n)
  br label %loop
loop:
  %iv = phi %V* [ %first, %items ], [ %iv1, %next ]
  %p = phi i8* [ %ph, %items ], [ %p1, %next ]
  %more = icmp ult %V* %iv, %last
  br i1 %more, label %item, label %done
item:
  %it = call i64 @ovsm_tag(%V* %iv)
  ; 2 (int) or 3 (float) in one test (ovsm_is_number_tag's two compares cost six instructions
  ; here; changed there, they cost the DAO enforcer and the vault more elsewhere)
  %it1 = or i64 %it, 1
  %number = icmp eq i64 %it1, 3
  %pn9 = getelementptr i8, i8* %p, i64 9
  %ifits = icmp ule i8* %pn9, %end
  %scalar = and i1 %number, %ifits
  br i1 %scalar, label %itemw, label %general
itemw:
  %ix = call i64 @ovsm_payload(%V* %iv)
  call i8* @wire_u8(i8* %p, i64 %it)
  call void @ovsm_store_u64_after_tag(i8* %p, i64 %ix)
  %pi = getelementptr i8, i8* %p, i64 9
  br label %next
general:
  %pg = call i8* @ovsm_wire_write_flat(%V* %iv, i8* %p, i8* %end, i64 %d1)
  %gnone = icmp eq i8* %pg, null
  br i1 %gnone, label %no, label %next
next:
  %p1 = phi i8* [ %pi, %itemw ], [ %pg, %general ]
  %iv1 = getelementptr %V, %V* %iv, i64 1
  br label %loop
done:
  ret i8* %p
no:
  ret i8* null
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
  %x = call i64 @ovsm_load_u32(i8* %p)
  ret i64 %x
bad:
  ret i64 -1
}

; Reads a u64-prefixed string: the string object it already is, while the instruction data is
; decoded ($WIREINPLACE; strings never change, and the input outlives the invocation's values),
; else a copy (syscall results and the state account's data are written over later). 0 when
; malformed or out of memory.
define i64 @wire_string(i8** %cur, i8* %end) {
entry:
  %lp = call i8* @wire_take(i8** %cur, i8* %end, i64 8)
  %short = icmp eq i8* %lp, null
  br i1 %short, label %bad, label %bytes
bytes:
  %n = call i64 @ovsm_load_u64(i8* %lp)
  %p = call i8* @wire_take(i8** %cur, i8* %end, i64 %n)
  %none = icmp eq i8* %p, null
  br i1 %none, label %bad, label %ok
ok:
  %inplace = load i64, i64* $WIREINPLACE
  %lies = icmp ne i64 %inplace, 0
  br i1 %lies, label %there, label %copy
there:
  %obj = ptrtoint i8* %lp to i64
  ret i64 %obj
copy:
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
                              i64 3, label %word
                              i64 11, label %word
                              i64 4, label %bytes
                              i64 5, label %bytes
                              i64 12, label %bytes
                              i64 6, label %array
                              i64 7, label %map
                              i64 8, label %closure
                              i64 10, label %box
                              i64 13, label %again
                              i64 14, label %numbers ]
nil:
  call void @ovsm_set(%V* %out, i64 0, i64 0)
  ret i64 0
numbers:
  %pkn = call i64 @wire_len(i8** %cur, i8* %end)
  %pknone = icmp eq i64 %pkn, -1
  br i1 %pknone, label %bad, label %ntag
ntag:
  %ntp = call i8* @wire_take(i8** %cur, i8* %end, i64 1)
  %ntnone = icmp eq i8* %ntp, null
  br i1 %ntnone, label %bad, label %ntagok
ntagok:
  %ntb = load i8, i8* %ntp
  %pkt = zext i8 %ntb to i64
  %nnumber = call i1 @ovsm_is_number_tag(i64 %pkt)
  br i1 %nnumber, label %nwords, label %bad
nwords:
  ; a u32 count: eight bytes each cannot wrap
  %nbytes = shl i64 %pkn, 3
  %nwp = call i8* @wire_take(i8** %cur, i8* %end, i64 %nbytes)
  %nwnone = icmp eq i8* %nwp, null
  br i1 %nwnone, label %bad, label %nalloc
nalloc:
  %narr = call i64 @ovsm_new_array(i8* null, i64 0, i64 %pkn)
  %noom = icmp eq i64 %narr, 0
  br i1 %noom, label %bad, label %nfill
nfill:
  call void @wire_unpack(i64 %narr, i64 %pkn, i64 %pkt, i8* %nwp)
  call void @ovsm_set(%V* %out, i64 6, i64 %narr)
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
  %wx = call i64 @ovsm_load_u64(i8* %wp)
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
  %couter = call i1 @wire_enter()
  %cr = call i64 @ovsm_wire_read_items(i8** %cur, i8* %end, i64 %caps, i64 %ncap, i64 %d1)
  call void @wire_leave(i1 %couter)
  %cbad = icmp ne i64 %cr, 0
  br i1 %cbad, label %bad, label %cdone
cdone:
  call void @ovsm_set(%V* %out, i64 8, i64 %c)
  ret i64 0
box:
  %bm = call i8* @ovsm_alloc(i64 16)
  %boom = icmp eq i8* %bm, null
  br i1 %boom, label %bad, label %boxnumber
boxnumber:
  ; numbered before its content is read, which may cross it again (a cycle)
  %ba = ptrtoint i8* %bm to i64
  %bk = call i64 @wire_box_number(i64 %ba)
  br label %boxread
boxread:
  %bv = bitcast i8* %bm to %V*
  %br = call i64 @ovsm_wire_read(i8** %cur, i8* %end, %V* %bv, i64 %d1)
  %bbad = icmp ne i64 %br, 0
  br i1 %bbad, label %bad, label %boxdone
boxdone:
  call void @ovsm_set(%V* %out, i64 10, i64 %ba)
  ret i64 0
again:
  %gk = call i64 @wire_len(i8** %cur, i8* %end)
  %gshort = icmp eq i64 %gk, -1
  br i1 %gshort, label %bad, label %gfind
gfind:
  %gb = call i64 @wire_box_numbered(i64 %gk)
  %gnone = icmp eq i64 %gb, 0
  br i1 %gnone, label %bad, label %gdone
gdone:
  call void @ovsm_set(%V* %out, i64 10, i64 %gb)
  ret i64 0
bad:
  ret i64 1
}

; One of the instruction data's three values. Their common shapes skip the general function,
; whose depth check, tag switch and helpers cost some 40 CU for each of them in every
; invocation: nil (the prefix and callee when there is no such thing), a string (the program's address and the `log` prefix: the object it already
; is, where it lies, as wire_string makes it while $WIREINPLACE is set, which it is for the
; whole of the instruction data), and a closure without captures (most callbacks). One copy,
; out of line: inlined at all six values the data then had, it cost the heartbeat 3 KB for
; 22 CU, and the nil case alone inlined 0.6 KB for 4 CU.
define i64 @wire_read_field(i8** %cur, i8* %end, %V* %out) noinline {
entry:
  %p = load i8*, i8** %cur
  %pi = ptrtoint i8* %p to i64
  %ei = ptrtoint i8* %end to i64
  %left = sub i64 %ei, %pi
  %some = icmp ult i64 %pi, %ei
  br i1 %some, label %peek, label %general
peek:
  %t = load i8, i8* %p
  switch i8 %t, label %general [ i8 0, label %nil
                                 i8 4, label %string
                                 i8 8, label %closure ]
nil:
  %next = getelementptr i8, i8* %p, i64 1
  store i8* %next, i8** %cur
  call void @ovsm_set(%V* %out, i64 0, i64 0)
  ret i64 0
string:
  ; tag, u64 length, bytes
  %shead = icmp ult i64 %left, 9
  br i1 %shead, label %general, label %slen
slen:
  %sl = getelementptr i8, i8* %p, i64 1
  %sn = call i64 @ovsm_load_u64(i8* %sl)
  %sroom = sub i64 %left, 9
  %sshort = icmp ugt i64 %sn, %sroom
  br i1 %sshort, label %general, label %sok
sok:
  %sobj = ptrtoint i8* %sl to i64
  %sskip = add i64 %sn, 9
  %snext = getelementptr i8, i8* %p, i64 %sskip
  store i8* %snext, i8** %cur
  call void @ovsm_set(%V* %out, i64 4, i64 %sobj)
  ret i64 0
closure:
  ; tag, u32 function id, u64 name length, name, u32 capture count (0 here)
  %chead = icmp ult i64 %left, 17
  br i1 %chead, label %general, label %cname
cname:
  %cf = getelementptr i8, i8* %p, i64 1
  %fid = call i64 @ovsm_load_u32(i8* %cf)
  %cl = getelementptr i8, i8* %p, i64 5
  %cn = call i64 @ovsm_load_u64(i8* %cl)
  %croom = sub i64 %left, 17
  %cshort = icmp ugt i64 %cn, %croom
  br i1 %cshort, label %general, label %ccount
ccount:
  %cskip = add i64 %cn, 13
  %cc = getelementptr i8, i8* %p, i64 %cskip
  %ncap = call i64 @ovsm_load_u32(i8* %cc)
  %captures = icmp ne i64 %ncap, 0
  br i1 %captures, label %general, label %calloc
calloc:
  %cm = call i8* @ovsm_alloc(i64 24)
  %coom = icmp eq i8* %cm, null
  br i1 %coom, label %general, label %cfill
cfill:
  ; { fid, name, ncap }, as the general function lays a closure out
  %cw = bitcast i8* %cm to i64*
  store i64 %fid, i64* %cw
  %cw1 = getelementptr i64, i64* %cw, i64 1
  %cname0 = ptrtoint i8* %cl to i64
  store i64 %cname0, i64* %cw1
  %cw2 = getelementptr i64, i64* %cw, i64 2
  store i64 0, i64* %cw2
  %cnext = getelementptr i8, i8* %cc, i64 4
  store i8* %cnext, i8** %cur
  %cobj = ptrtoint i8* %cm to i64
  call void @ovsm_set(%V* %out, i64 8, i64 %cobj)
  ret i64 0
general:
  %r = call i64 @ovsm_wire_read(i8** %cur, i8* %end, %V* %out, i64 0)
  ret i64 %r
}

; Decodes n values into the items of the array-shaped object at obj (after its count word).
define i64 @ovsm_wire_read_items(i8** %cur, i8* %end, i64 %obj, i64 %n, i64 %depth) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %next ], [ %i1, %scalar ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %item, label %done
item:
  %v = call %V* @ovsm_array_item(i64 %obj, i64 %i)
  %i1 = add i64 %i, 1
  ; an int or a float (tag 2 or 3, then a u64) read here; anything else, or too few bytes
  ; left, by the general function, which also reports what is malformed
  %p = load i8*, i8** %cur
  %pi = ptrtoint i8* %p to i64
  %ei = ptrtoint i8* %end to i64
  %left = sub i64 %ei, %pi
  %room = icmp uge i64 %left, 9
  %shallow = icmp ule i64 %depth, $WIRE_DEPTH
  %peek = and i1 %room, %shallow
  br i1 %peek, label %tagged, label %general
tagged:
  %tb = load i8, i8* %p
  %t = zext i8 %tb to i64
  %word = call i1 @ovsm_is_number_tag(i64 %t)
  br i1 %word, label %scalar, label %general
scalar:
  %x = call i64 @ovsm_load_u64_after_tag(i8* %p)
  call void @ovsm_set(%V* %v, i64 %t, i64 %x)
  %after = getelementptr i8, i8* %p, i64 9
  store i8* %after, i8** %cur
  br label %loop
general:
  %r = call i64 @ovsm_wire_read(i8** %cur, i8* %end, %V* %v, i64 %depth)
  %bad = icmp ne i64 %r, 0
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
  store i64 0, i64* $ACCTDIR
  store i64 0, i64* $ARGSAT
  %nw = bitcast i8* %input to i64*
  %n = load i64, i64* %nw
  %first = getelementptr i8, i8* %input, i64 8
  %tsize = shl i64 %n, 3
  %table = call i8* @ovsm_alloc(i64 %tsize)
  %tablei = ptrtoint i8* %table to i64
  %tablew = bitcast i8* %table to i64*
  store i64 %tablei, i64* $ACCTS
  store i64 %n, i64* $NACCTS
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
  ; a duplicate is the account at the position its first byte gives
  %dupi = zext i8 %dup to i64
  %origp = getelementptr i64, i64* %tablew, i64 %dupi
  %orig = load i64, i64* %origp
  %slotd = getelementptr i64, i64* %tablew, i64 %i
  store i64 %orig, i64* %slotd
  %pd = getelementptr i8, i8* %p, i64 8
  br label %next
full:
  ; dup, signer, writable, executable, 4 bytes, key, owner, lamports, data length, data,
  ; 10 KiB of room to grow, padding to 8, rent epoch
  %lenp0 = getelementptr i8, i8* %p, i64 80
  %lenp = bitcast i8* %lenp0 to i64*
  %len = load i64, i64* %lenp
  %dat = getelementptr i8, i8* %p, i64 88
  %pi = ptrtoint i8* %p to i64
  %slotf = getelementptr i64, i64* %tablew, i64 %i
  store i64 %pi, i64* %slotf
  %isfirst = icmp eq i64 %i, 0
  br i1 %isfirst, label %state, label %skip
state:
  %dati = ptrtoint i8* %dat to i64
  store i64 %dati, i64* $STATEPTR
  ; the last 4 bytes are for a closure handed back (ovsm_hand_back), never for the state
  %big = icmp uge i64 %len, 4
  %room = add i64 %len, -4
  %cap = select i1 %big, i64 %room, i64 0
  store i64 %cap, i64* $STATECAP
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
  %target = call i64 @ovsm_load_u64(i8* %tp0)
  store i64 %target, i64* $TARGET
  %sp0 = getelementptr i8, i8* %d, i64 9
  %slot = call i64 @ovsm_load_u64(i8* %sp0)
  store i64 %slot, i64* $SLOT
  %ep0 = getelementptr i8, i8* %d, i64 17
  %epoch = call i64 @ovsm_load_u64(i8* %ep0)
  store i64 %epoch, i64* $EPOCH
  %vals = getelementptr i8, i8* %d, i64 25
  store i8* %vals, i8** %cur
  store i64 1, i64* $WIREINPLACE
  %r1 = call i64 @wire_read_field(i8** %cur, i8* %end, %V* $PROGID)
  %r2 = call i64 @wire_read_field(i8** %cur, i8* %end, %V* %prefix)
  %r3 = call i64 @wire_read_field(i8** %cur, i8* %end, %V* $CALLEE)
  store i64 0, i64* $WIREINPLACE
  %e12 = or i64 %r1, %r2
  %e = or i64 %e12, %r3
  %bad = icmp ne i64 %e, 0
  br i1 %bad, label %malformed, label %arguments
arguments:
  ; a u64 length, then the arguments' encoding (an array), which ovsm_push_args decodes onto
  ; the value stack when the callee is called: nothing to make until then
  %ap = load i8*, i8** %cur
  %api = ptrtoint i8* %ap to i64
  %endi = ptrtoint i8* %end to i64
  %aleft = sub i64 %endi, %api
  %ahead = icmp ult i64 %aleft, 8
  br i1 %ahead, label %malformed, label %alength
alength:
  %an = call i64 @ovsm_load_u64(i8* %ap)
  %aroom = sub i64 %aleft, 8
  %ashort = icmp ugt i64 %an, %aroom
  br i1 %ashort, label %malformed, label %aframed
aframed:
  %abytes = add i64 %api, 8
  %anone = icmp eq i64 %an, 0
  %aat = select i1 %anone, i64 0, i64 %abytes
  store i64 %aat, i64* $ARGSAT
  %aend = add i64 %abytes, %an
  store i64 %aend, i64* $ARGSEND
  %anext = inttoptr i64 %aend to i8*
  store i8* %anext, i8** %cur
  br label %decoded
decoded:
  %pt = call i64 @ovsm_tag(%V* %prefix)
  %hasprefix = icmp eq i64 %pt, 4
  %px = call i64 @ovsm_payload(%V* %prefix)
  %pv = select i1 %hasprefix, i64 %px, i64 0
  store i64 %pv, i64* $PREFIX
  ; the bindings set globals before the top level runs: its own definitions are what is
  ; dirty, not the bindings
  %dirat = load i8*, i8** %cur
  %nodir = icmp eq i8* %dirat, %end
  br i1 %nodir, label %ok, label %directory
directory:
  %r5 = call i64 @ovsm_read_directory(i8* %dirat, i8* %end)
  %baddir = icmp ne i64 %r5, 0
  br i1 %baddir, label %malformed, label %ok
ok:
  ret i64 0
malformed:
  %f = call i64 @ovsm_fail_literal(i64 299, i8* $STR"internal error: malformed instruction data", i64 0)
  ret i64 1
}

; Reads the account directory that ends the instruction data (runtime/src/compiled/directory.rs)
; at the first 8-aligned byte from %at (the instruction data starts 8-aligned in the input):
;
;   u64 passed, u64 total, u64 stride, u64 bindings,
;   `total` entries of `stride` bytes: u64 owner, then the address as a string object (u64
;   length, bytes), zero-padded; entries 0 to passed - 1 are the accounts the transaction passes
;   after the state account, in order, the rest addresses the bank does not hold that a binding
;   names (their owner word is unused),
;   `bindings` words: global index << 32 | entry,
;   the owners' string objects.
;
; An owner word is 0 for the running program, 1 for the system program (see ovsm_account_owner),
; else its string object's offset from the directory's start. Every address is used where it
; lies, and a binding gives the global that very string object, so a `read-field` of the global
; finds its account by identity (ovsm_account_index). Out-of-range bindings are skipped, as the
; runtime sends none. Keeps the directory in $ACCTDIR; returns 0, or 1 when it does not lie
; within the data or an entry's string overruns its place.
define i64 @ovsm_read_directory(i8* %at, i8* %end) noinline {
entry:
  %ai = ptrtoint i8* %at to i64
  %a7 = add i64 %ai, 7
  %base = and i64 %a7, -8
  %endi = ptrtoint i8* %end to i64
  %room = sub i64 %endi, %base
  %inside = icmp ule i64 %base, %endi
  %big = icmp uge i64 %room, 32
  %fits = and i1 %inside, %big
  br i1 %fits, label %words, label %bad
words:
  %hp = inttoptr i64 %base to i64*
  %passed = load i64, i64* %hp, align 8
  %tp = getelementptr i64, i64* %hp, i64 1
  %total = load i64, i64* %tp, align 8
  %sp = getelementptr i64, i64* %hp, i64 2
  %stride = load i64, i64* %sp, align 8
  %bp = getelementptr i64, i64* %hp, i64 3
  %nb = load i64, i64* %bp, align 8
  ; each under 2^16, so the sizes below cannot wrap
  %w1 = or i64 %total, %stride
  %w2 = or i64 %w1, %nb
  %small = icmp ult i64 %w2, 65536
  %low = and i64 %stride, 7
  %aligned = icmp eq i64 %low, 0
  %wide = icmp uge i64 %stride, 16
  %within = icmp ule i64 %passed, %total
  ; account k (from 1) is the loader's record k
  %n = load i64, i64* $NACCTS
  %none = icmp eq i64 %passed, 0
  %recorded = icmp ult i64 %passed, %n
  %known = or i1 %none, %recorded
  %c1 = and i1 %small, %aligned
  %c2 = and i1 %wide, %within
  %c3 = and i1 %c1, %c2
  %c4 = and i1 %c3, %known
  %esize = mul i64 %total, %stride
  %bsize = shl i64 %nb, 3
  %s1 = add i64 %esize, %bsize
  %size = add i64 %s1, 32
  %sized = icmp ule i64 %size, %room
  %ok = and i1 %c4, %sized
  br i1 %ok, label %entries, label %bad
entries:
  ; every address fits its entry, and every owner string lies within the directory
  %first = add i64 %base, 32
  %cap = add i64 %stride, -16
  br label %entry_loop
entry_loop:
  %e = phi i64 [ 0, %entries ], [ %e1, %entry_ok ]
  %ep = phi i64 [ %first, %entries ], [ %ep1, %entry_ok ]
  %emore = icmp ult i64 %e, %total
  br i1 %emore, label %entry_check, label %bind
entry_check:
  %lenp0 = add i64 %ep, 8
  %lenp = inttoptr i64 %lenp0 to i64*
  %len = load i64, i64* %lenp, align 8
  %lenok = icmp ule i64 %len, %cap
  %e1 = add i64 %e, 1
  %ep1 = add i64 %ep, %stride
  br i1 %lenok, label %owner_check, label %bad
owner_check:
  %ownp = inttoptr i64 %ep to i64*
  %own = load i64, i64* %ownp, align 8
  %numbered = icmp ult i64 %own, 2
  %unused = icmp uge i64 %e, %passed
  %plain = or i1 %numbered, %unused
  br i1 %plain, label %entry_ok, label %owner_string
owner_string:
  ; the offset, its length word and its bytes inside the room (each step cannot wrap)
  %orest = sub i64 %room, 8
  %oin = icmp ule i64 %own, %orest
  br i1 %oin, label %owner_length, label %bad
owner_length:
  %oa = add i64 %base, %own
  %olp = inttoptr i64 %oa to i8*
  %olen = call i64 @ovsm_load_u64(i8* %olp)
  %oleft = sub i64 %orest, %own
  %ofits = icmp ule i64 %olen, %oleft
  br i1 %ofits, label %entry_ok, label %bad
entry_ok:
  br label %entry_loop
bind:
  %ng = load i64, i64* $NGLOBALS
  %bw0 = add i64 %first, %esize
  br label %bind_loop
bind_loop:
  %i = phi i64 [ 0, %bind ], [ %i1, %bind_next ]
  %bw = phi i64 [ %bw0, %bind ], [ %bw1, %bind_next ]
  %bmore = icmp ult i64 %i, %nb
  br i1 %bmore, label %binding, label %done
binding:
  %wp = inttoptr i64 %bw to i64*
  %w = load i64, i64* %wp, align 8
  %g = lshr i64 %w, 32
  %k = and i64 %w, 4294967295
  %gin = icmp ult i64 %g, %ng
  %kin = icmp ult i64 %k, %total
  %both = and i1 %gin, %kin
  br i1 %both, label %bound, label %bind_next
bound:
  %koff = mul i64 %k, %stride
  %kp = add i64 %first, %koff
  %addr = add i64 %kp, 8
  %slot = call %V* @ovsm_global_addr(i64 %g)
  call void @ovsm_set(%V* %slot, i64 4, i64 %addr)
  br label %bind_next
bind_next:
  %i1 = add i64 %i, 1
  %bw1 = add i64 %bw, 8
  br label %bind_loop
done:
  store i64 %base, i64* $ACCTDIR
  ret i64 0
bad:
  ret i64 1
}

; The directory's stride, and where entry k (from 0) lies, for a directory that was read.
define i64 @ovsm_directory_entry(i64 %dir, i64 %k) alwaysinline {
  %hp = inttoptr i64 %dir to i64*
  %sp = getelementptr i64, i64* %hp, i64 2
  %stride = load i64, i64* %sp, align 8
  %off = mul i64 %k, %stride
  %a = add i64 %dir, 32
  %e = add i64 %a, %off
  ret i64 %e
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

; After the top level has re-run (muted), in a program whose code cannot change its state
; (codegen's reach::writes_state): output on again, and nothing to load, since nothing was ever
; saved.
define void @ovsm_unmute() alwaysinline {
  store i64 0, i64* $MUTE
  ret void
}

; After the top level has re-run (muted): output on again, nothing dirty yet, then the globals
; the program's earlier invocations wrote, from its state account (marked loaded, 2, so that they
; are written back with the state if anything in it changes). Returns 0, or 1 after raising an
; error.
define i64 @ovsm_load_state() noinline {
entry:
  %v = alloca %V
  store i64 0, i64* $MUTE
  store i64 0, i64* $BOXWRITES
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
  %sp = inttoptr i64 %state to i8*
  %len = call i64 @ovsm_load_u32(i8* %sp)
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
  %base = load i64, i64* $DIRTY
  %a = add i64 %base, %g
  %p = inttoptr i64 %a to i8*
  store i8 2, i8* %p
  br label %next
next:
  %i1 = add i64 %i, 2
  br label %loop
done:
  ret void
}

; Writes the globals written (dirty byte 1) or loaded (2) back to the state account, unless the
; invocation wrote none and assigned no boxed variable: then the state is what it loaded, and
; the account keeps its bytes (encoding the same values gives the same bytes). Returns 0, or 1
; after raising the interpreter's error for state over the account's size.
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
  %ngwords = and i64 %ng, -8
  br label %wloop
wloop:
  ; eight dirty bytes at a time (each 0, 1 or 2): the bytes that are not 0 counted, bit 0 of
  ; any (a 1, written) kept
  %wi = phi i64 [ 0, %count ], [ %wi1, %wbody ]
  %wk = phi i64 [ 0, %count ], [ %wk1, %wbody ]
  %ww = phi i64 [ 0, %count ], [ %ww1, %wbody ]
  %wmore = icmp ult i64 %wi, %ngwords
  br i1 %wmore, label %wbody, label %cloop
wbody:
  %wp = getelementptr i8, i8* %basep, i64 %wi
  %x = call i64 @ovsm_load_u64(i8* %wp)
  %xs = lshr i64 %x, 1
  %xo = or i64 %x, %xs
  %nz = and i64 %xo, 72340172838076673              ; 0x0101010101010101
  %sum = mul i64 %nz, 72340172838076673
  %nzcount = lshr i64 %sum, 56
  %wk1 = add i64 %wk, %nzcount
  %ones = and i64 %x, 72340172838076673
  %ww1 = or i64 %ww, %ones
  %wi1 = add i64 %wi, 8
  br label %wloop
cloop:
  %i = phi i64 [ %wi, %wloop ], [ %i1, %cnext ]
  %k = phi i64 [ %wk, %wloop ], [ %k1, %cnext ]
  %w = phi i64 [ %ww, %wloop ], [ %w1, %cnext ]
  %more = icmp ult i64 %i, %ng
  br i1 %more, label %citem, label %build
citem:
  %dp = getelementptr i8, i8* %basep, i64 %i
  %d = load i8, i8* %dp
  %isdirty = icmp ne i8 %d, 0
  %inc = zext i1 %isdirty to i64
  %k1 = add i64 %k, %inc
  %d64 = zext i8 %d to i64
  %written = and i64 %d64, 1
  %w1 = or i64 %w, %written
  %i1 = add i64 %i, 1
  br label %cnext
cnext:
  br label %cloop
build:
  %boxes = load i64, i64* $BOXWRITES
  %changed = or i64 %w, %boxes
  %same = icmp eq i64 %changed, 0
  %none2 = icmp eq i64 %k, 0
  %unchanged = or i1 %none2, %same
  br i1 %unchanged, label %ok, label %alloc
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
  %cap = load i64, i64* $STATECAP
  %room = sub i64 %cap, 4
  %sp = inttoptr i64 %state to i8*
  %body = getelementptr i8, i8* %sp, i64 4
  %limit = getelementptr i8, i8* %body, i64 %room
  %flat = call i8* @ovsm_wire_write_flat(%V* %v, i8* %body, i8* %limit, i64 0)
  %isflat = icmp ne i8* %flat, null
  br i1 %isflat, label %flatdone, label %general
flatdone:
  %flatn = ptrtoint i8* %flat to i64
  %bodyn = ptrtoint i8* %body to i64
  %flatsize = sub i64 %flatn, %bodyn
  call i8* @wire_u32(i8* %sp, i64 %flatsize)
  br label %ok
general:
  ; what the one pass does not take, or what did not fit, sized first (what it wrote is
  ; written over, or the invocation fails and its account writes with it)
  %size = call i64 @ovsm_wire_size(%V* %v, i64 0)
  %unencodable = icmp slt i64 %size, 0
  br i1 %unencodable, label %cannot, label %sized
sized:
  %fits = icmp ule i64 %size, %room
  br i1 %fits, label %write, label %big
write:
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

; Pushes the invocation's arguments (ovsm_read_input left their encoding where it lies) and
; returns how many, or -1 after raising an error. None is a test here; any are decoded out of
; line (ovsm_push_wire_args).
define i64 @ovsm_push_args(i64 %site) alwaysinline {
entry:
  %at = load i64, i64* $ARGSAT
  %none = icmp eq i64 %at, 0
  br i1 %none, label %empty, label %some
empty:
  ret i64 0
some:
  %n = call i64 @ovsm_push_wire_args(i64 %at, i64 %site)
  ret i64 %n
}

; The arguments as the runtime writes them (runtime/src/compiled/wire.rs, encode_arguments):
; an array item by item (tag 6, a u32 count, the items), never packed, decoded straight into
; value-stack slots: no array is made and copied (an `on-event` handler's one datum went
; through the general decoder's array, 84 instructions, then a copy). Out of line: it needs
; the read cursor in memory.
define i64 @ovsm_push_wire_args(i64 %at, i64 %site) noinline {
entry:
  %cur = alloca i8*
  %endi = load i64, i64* $ARGSEND
  %p = inttoptr i64 %at to i8*
  %end = inttoptr i64 %endi to i8*
  %t = load i8, i8* %p
  %isarray = icmp eq i8 %t, 6
  br i1 %isarray, label %array, label %malformed
array:
  %p1 = getelementptr i8, i8* %p, i64 1
  store i8* %p1, i8** %cur
  %n = call i64 @wire_len(i8** %cur, i8* %end)
  %nbad = icmp eq i64 %n, -1
  br i1 %nbad, label %malformed, label %count
count:
  ; every item takes a byte at least: a count the bytes cannot hold is malformed, not a
  ; stack too small
  %c = load i8*, i8** %cur
  %ci = ptrtoint i8* %c to i64
  %left = sub i64 %endi, %ci
  %toomany = icmp ugt i64 %n, %left
  br i1 %toomany, label %malformed, label %room
room:
  %r = call i64 @ovsm_reserve(i64 %n, i64 %site)
  %full = icmp ne i64 %r, 0
  br i1 %full, label %fail, label %claim
claim:
  ; The slots are claimed before anything is decoded, which allocates (from the heap's other
  ; end). ovsm_wire_read_items fills the items of an array-shaped object, which start a word
  ; after its address: given the word below the first slot, it fills the slots (and never
  ; touches that word).
  %sp = load i64, i64* $SP
  %bytes = shl i64 %n, 4
  %nsp = add i64 %sp, %bytes
  store i64 %nsp, i64* $SP
  %below = sub i64 %sp, 8
  store i64 1, i64* $WIREINPLACE
  %ir = call i64 @ovsm_wire_read_items(i8** %cur, i8* %end, i64 %below, i64 %n, i64 1)
  store i64 0, i64* $WIREINPLACE
  %ibad = icmp ne i64 %ir, 0
  %last = load i8*, i8** %cur
  %trailing = icmp ne i8* %last, %end
  %wrong = or i1 %ibad, %trailing
  br i1 %wrong, label %malformed, label %pushed
pushed:
  ret i64 %n
malformed:
  %f = call i64 @ovsm_fail_literal(i64 299, i8* $STR"internal error: malformed instruction data", i64 %site)
  ret i64 -1
fail:
  ret i64 -1
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

declare i64 @sol_get_clock_sysvar(i8*)

; (now): the Clock sysvar's unix time, which on a cluster follows the wall clock (`ovsm run`
; sets it to the host's for a script's transaction). Refused where the interpreter refuses it:
; inside an autonomous program's own code, not while its top level re-runs before that code.
define i64 @op_now(i64 %site) noinline {
entry:
  %clock = alloca [5 x i64]
  %mode = load i64, i64* $MODE
  %mute = load i64, i64* $MUTE
  %inprogram = icmp ne i64 %mode, 0
  %ownCode = icmp eq i64 %mute, 0
  %refuse = and i1 %inprogram, %ownCode
  br i1 %refuse, label %refused, label %read
read:
  ; slot, epoch start time, epoch, leader schedule epoch, unix time
  %buf = bitcast [5 x i64]* %clock to i8*
  %r = call i64 @sol_get_clock_sysvar(i8* %buf)
  %tp = getelementptr [5 x i64], [5 x i64]* %clock, i64 0, i64 4
  %t = load i64, i64* %tp
  %pushed = call i64 @ovsm_push(i64 2, i64 %t, i64 %site)
  ret i64 %pushed
refused:
  %e = call i64 @ovsm_fail_literal(i64 211, i8* $STR"`now` is non-deterministic and not allowed inside autonomous programs; use (get-current-slot) or scenario data instead", i64 %site)
  ret i64 1
}

; ---- syscalls -----------------------------------------------------------------------------------

; A call of an autonomous syscall with the n arguments on top of the stack: they go to the
; runtime as one encoded array; what comes back replaces them: 0 and an encoded value, or 1 and
; an error (u32 code, then the message).
define i64 @op_syscall(i64 %which, i64 %n, i8* %op, i64 %site) noinline {
entry:
  ; While the top level re-runs before an invocation's own code, the runtime sees a running
  ; program; the interpreter runs the top level once, outside any, and refuses there every
  ; syscall but the query (a path the chain decides may reach one only in a re-run).
  %mute = load i64, i64* $MUTE
  %rerun = icmp ne i64 %mute, 0
  %isquery = icmp eq i64 %which, 4
  %effect = xor i1 %isquery, true
  %refuse = and i1 %rerun, %effect
  br i1 %refuse, label %refused, label %make
refused:
  call void @sb_reset()
  call void @sb_byte(i8 96)
  call void @sb_obj(i8* %op)
  %isemit = icmp eq i64 %which, 2
  %tail = select i1 %isemit, i8* $STR"` must be called from inside an autonomous program", i8* $STR"` must be called from inside an autonomous program (on-startup, a handler or a callback)"
  call void @sb_obj(i8* %tail)
  %refusal = call i64 @ovsm_fail_sb(i64 211, i64 %site)
  ret i64 1
make:
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
  %code = call i64 @ovsm_load_u32(i8* $SYSBUF)
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
; from codegen: `p`, the name, then tab-separated the number of `on-startup` clauses with, after
; a `/`, what its deployment installs (`T` or `-`: whether it keeps the top level's globals; then
; per handler `E` for one evaluated once, `-` if not), and each `on-event` id).
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
; fits Solana's 1,024 bytes; otherwise nil. Nil itself is no return data (the syscall costs
; 100 compute units).
define i64 @ovsm_end_invocation() noinline {
entry:
  call void @out_flush()
  %v = call %V* @ovsm_top(i64 0)
  %t = call i64 @ovsm_tag(%V* %v)
  %isnil = icmp eq i64 %t, 0
  br i1 %isnil, label %none, label %sized
none:
  ret i64 0
sized:
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
  ret i64 0
}

; Pushes the callback the invocation carries.
define i64 @ovsm_push_callee(i64 %site) {
  %r = call i64 @ovsm_push_value(%V* $CALLEE, i64 %site)
  ret i64 %r
}

; ---- installs and closures handed back ---------------------------------------------------------

; The interpreter runs a program's top level and evaluates its `on-event` handlers once, at
; deployment; a compiled program re-runs its top level in every invocation. Where that could
; differ, the runtime runs an install invocation (mode 4) at deployment, and the program keeps
; what the interpreter would have kept:
;
; - a top level that reads the chain (codegen's reach::top_level_reads_chain) has its globals
;   kept in the state (ovsm_keep_top_level), and later invocations do not re-run it: they make
;   again only its definitions of functions without captures and of builtins, and load the rest;
; - a handler whose expression does more than make a function is evaluated there, once
;   (the clause index says which), and its value handed back to the runtime, which calls it as a
;   callback from then on.
;
; A closure is handed back at the end of the state account: the last 4 bytes (which the state
; never uses, see ovsm_read_input) hold its size, the closure's wire encoding lies just before
; them, and the runtime takes it and zeroes the size. A callback (mode 3) hands its own closure
; back when the invocation assigned a boxed variable: a callback counting in a captured variable
; changes its closure, which the runtime keeps as bytes.

; Marks written (1) every global the top level gave a value, other than those the state already
; holds, so that the install saves them; codegen then unmarks (ovsm_unkeep) the definitions that
; later invocations make again instead (reach::remade_definitions: functions without captures
; and builtins, which could not cross).
define void @ovsm_keep_top_level() noinline {
entry:
  %ng = load i64, i64* $NGLOBALS
  %base = load i64, i64* $DIRTY
  br label %loop
loop:
  %g = phi i64 [ 0, %entry ], [ %g1, %next ]
  %more = icmp ult i64 %g, %ng
  br i1 %more, label %item, label %done
item:
  %dp0 = add i64 %base, %g
  %dp = inttoptr i64 %dp0 to i8*
  %d = load i8, i8* %dp
  %marked = icmp ne i8 %d, 0
  br i1 %marked, label %next, label %look
look:
  %v = call %V* @ovsm_global_addr(i64 %g)
  %t = call i64 @ovsm_tag(%V* %v)
  %undefined = icmp eq i64 %t, 15
  br i1 %undefined, label %next, label %keep
keep:
  store i8 1, i8* %dp
  br label %next
next:
  %g1 = add i64 %g, 1
  br label %loop
done:
  ret void
}

define void @ovsm_unkeep(i64 %g) {
  %base = load i64, i64* $DIRTY
  %dp0 = add i64 %base, %g
  %dp = inttoptr i64 %dp0 to i8*
  store i8 0, i8* %dp
  ret void
}

; A definition that an invocation makes again instead of re-running the top level: the value on
; top becomes global g (nothing is dirty yet: the state loads next).
define void @ovsm_define_top(i64 %g) {
  %v = call %V* @ovsm_top(i64 0)
  %slot = call %V* @ovsm_global_addr(i64 %g)
  call void @ovsm_store(%V* %slot, %V* %v)
  call void @op_pop()
  ret void
}

; The site of the handler an install evaluates, for ovsm_take_handler's error.
define void @ovsm_install_site(i64 %site) alwaysinline {
  store i64 %site, i64* $INSTALLSITE
  ret void
}

; After an install evaluated a handler's expression: its value (on top) becomes the callee to hand
; back, and nil the invocation's value. The interpreter's error when it is not a function (the
; event id comes as the invocation's one argument). Returns 0, or 1 after raising an error.
define i64 @ovsm_take_handler() noinline {
entry:
  %v = call %V* @ovsm_top(i64 0)
  %t = call i64 @ovsm_tag(%V* %v)
  %site = load i64, i64* $INSTALLSITE
  switch i64 %t, label %notfn [ i64 8, label %closure
                                i64 9, label %builtin ]
closure:
  call void @ovsm_store(%V* $CALLEE, %V* %v)
  call void @ovsm_set(%V* %v, i64 0, i64 0)
  ret i64 0
builtin:
  %e1 = call i64 @ovsm_fail_literal(i64 211, i8* $STR"an `on-event` handler whose expression gives a builtin cannot be kept by the runtime of a compiled program: name the builtin alone, or wrap it in a lambda", i64 %site)
  ret i64 1
notfn:
  ; the event id, the install's one argument, pushed on top of the handler's value (the
  ; invocation fails here, so nothing else will read the stack)
  %pushed = call i64 @ovsm_push_args(i64 %site)
  %failed = icmp slt i64 %pushed, 0
  br i1 %failed, label %raised, label %pushedid
raised:
  ret i64 1
pushedid:
  %ev = call %V* @ovsm_top(i64 0)
  %evt = call i64 @ovsm_tag(%V* %ev)
  %isstring = icmp eq i64 %evt, 4
  %some = icmp sgt i64 %pushed, 0
  %hasid = and i1 %some, %isstring
  br i1 %hasid, label %named, label %unnamed
unnamed:
  %e3 = call i64 @ovsm_fail_literal(i64 299, i8* $STR"internal error: malformed instruction data", i64 %site)
  ret i64 1
named:
  call void @sb_reset()
  call void @sb_obj(i8* $STR"type error: the handler for ")
  call void @sb_byte(i8 34)
  %evs0 = call i64 @ovsm_payload(%V* %ev)
  %evs = inttoptr i64 %evs0 to i8*
  call void @sb_obj(i8* %evs)
  call void @sb_byte(i8 34)
  call void @sb_obj(i8* $STR" must be a function, got ")
  %name = call i8* @ovsm_type_name(i64 %t)
  call void @sb_obj(i8* %name)
  %e2 = call i64 @ovsm_fail_sb(i64 203, i64 %site)
  ret i64 1
}

; At the end of an install, and of a callback that assigned a boxed variable: the callee's wire
; encoding, at the end of the state account. Returns 0, or 1 after raising an error.
define i64 @ovsm_hand_back() noinline {
entry:
  %mode = load i64, i64* $MODE
  %install = icmp eq i64 %mode, 4
  br i1 %install, label %go, label %callback
callback:
  %iscb = icmp eq i64 %mode, 3
  %boxes = load i64, i64* $BOXWRITES
  %assigned = icmp ne i64 %boxes, 0
  %both = and i1 %iscb, %assigned
  br i1 %both, label %go, label %ok
go:
  %state = load i64, i64* $STATEPTR
  %cap = load i64, i64* $STATECAP
  %small = icmp ult i64 %cap, 4
  %null = icmp eq i64 %state, 0
  %none = or i1 %small, %null
  br i1 %none, label %ok, label %measure
measure:
  %sp = inttoptr i64 %state to i8*
  %len = call i64 @ovsm_load_u32(i8* %sp)
  %size = call i64 @ovsm_wire_size(%V* $CALLEE, i64 0)
  %bad = icmp slt i64 %size, 0
  br i1 %bad, label %cannot, label %sized
sized:
  ; the state (4 + len bytes, never more than $STATECAP), then free room, then the closure
  %used = add i64 %len, 4
  %free = sub i64 %cap, %used
  %fits = icmp ule i64 %size, %free
  br i1 %fits, label %write, label %big
write:
  %at0 = sub i64 %cap, %size
  %at = getelementptr i8, i8* %sp, i64 %at0
  %end = call i8* @ovsm_wire_write(%V* $CALLEE, i8* %at)
  %w = call i8* @wire_u32(i8* %end, i64 %size)
  br label %ok
ok:
  ret i64 0
big:
  call void @sb_reset()
  call void @sb_obj(i8* $STR"a closure of ")
  call void @sb_int(i64 %size)
  call void @sb_obj(i8* $STR" bytes, with the program's state, exceeds the state account limit of ")
  call void @sb_int(i64 %cap)
  call void @sb_obj(i8* $STR" bytes")
  %e1 = call i64 @ovsm_fail_sb(i64 211, i64 0)
  ret i64 1
cannot:
  %e2 = call i64 @ovsm_fail_literal(i64 211, i8* $STR"a closure the runtime keeps holds a builtin function or nests too deeply to cross", i64 0)
  ret i64 1
}

; ---- accounts -----------------------------------------------------------------------------------

; The position among the invocation's accounts (1, 2, ...) of the account whose address equals
; the string *addr, or 0 when the transaction did not pass it (the bank has no such account).
define i64 @ovsm_account_index(%V* %addr) {
entry:
  %name = alloca %V
  %dir = load i64, i64* $ACCTDIR
  %has = icmp ne i64 %dir, 0
  br i1 %has, label %cache, label %none
cache:
  ; A program names an account through a global that holds its address, so the same string
  ; object comes back at every `read-field` of it: the last one found is remembered, by object
  ; (strings never change, nor does the heap reuse their memory within an invocation).
  %want = call i64 @ovsm_payload(%V* %addr)
  %at = call i64 @ovsm_tag(%V* %addr)
  %isstr = icmp eq i64 %at, 4
  %last = load i64, i64* $ACCTCACHE
  %lastobj = lshr i64 %last, 8
  %same = icmp eq i64 %lastobj, %want
  %hit = and i1 %isstr, %same
  br i1 %hit, label %cached, label %search
cached:
  %lastk = and i64 %last, 255
  ret i64 %lastk
search:
  %hp = inttoptr i64 %dir to i64*
  %n = load i64, i64* %hp, align 8
  %sp = getelementptr i64, i64* %hp, i64 2
  %stride = load i64, i64* %sp, align 8
  %first = add i64 %dir, 40
  br i1 %isstr, label %same_loop, label %loop
same_loop:
  ; First by identity, about 4 instructions an entry: a global that names an account holds the
  ; directory's own string (ovsm_read_directory), so one is found here unless the program built
  ; the address itself. Comparing the bytes took about 45 an entry.
  %sk = phi i64 [ 0, %search ], [ %sk1, %same_next ]
  %sobj = phi i64 [ %first, %search ], [ %sobj1, %same_next ]
  %smore = icmp ult i64 %sk, %n
  br i1 %smore, label %same_item, label %loop
same_item:
  %sk1 = add i64 %sk, 1
  %sobj1 = add i64 %sobj, %stride
  %ident = icmp eq i64 %sobj, %want
  br i1 %ident, label %found, label %same_next
same_next:
  br label %same_loop
loop:
  %k = phi i64 [ 0, %search ], [ 0, %same_loop ], [ %k1, %next ]
  %obj = phi i64 [ %first, %search ], [ %first, %same_loop ], [ %obj1, %next ]
  %more = icmp ult i64 %k, %n
  br i1 %more, label %item, label %none
item:
  call void @ovsm_set(%V* %name, i64 4, i64 %obj)
  %match = call i1 @ovsm_equal(%V* %name, %V* %addr)
  %k1 = add i64 %k, 1
  %obj1 = add i64 %obj, %stride
  br i1 %match, label %found, label %next
next:
  br label %loop
found:
  %kf = phi i64 [ %k1, %item ], [ %sk1, %same_item ]
  %fits = icmp ult i64 %kf, 256
  %remember = and i1 %fits, %isstr
  br i1 %remember, label %keep, label %done
keep:
  %objw = shl i64 %want, 8
  %remembered = or i64 %objw, %kf
  store i64 %remembered, i64* $ACCTCACHE
  br label %done
done:
  ret i64 %kf
none:
  ret i64 0
}

; The loader's record of account k (lamports at +72, data length at +80, data at +88).
define i8* @ovsm_account_record(i64 %k) alwaysinline {
  %table = load i64, i64* $ACCTS
  %off = shl i64 %k, 3
  %a = add i64 %table, %off
  %p = inttoptr i64 %a to i64*
  %r = load i64, i64* %p
  %rp = inttoptr i64 %r to i8*
  ret i8* %rp
}

define i64* @ovsm_account_word(i64 %k, i64 %offset) alwaysinline {
  %r = call i8* @ovsm_account_record(i64 %k)
  %w = getelementptr i8, i8* %r, i64 %offset
  %p = bitcast i8* %w to i64*
  ret i64* %p
}

; Sets *out to the owner string of account k (k >= 1, a position ovsm_account_index gave). An
; owner that came as 0 (the running program) or 1 (the system program) is the string it stands
; for: the program's address (decoded already) or a constant, so the most common owners cross
; as a word instead of 32-odd characters each.
define void @ovsm_account_owner(i64 %k, %V* %out) {
entry:
  %dir = load i64, i64* $ACCTDIR
  %e = add i64 %k, -1
  %ep = call i64 @ovsm_directory_entry(i64 %dir, i64 %e)
  %wp = inttoptr i64 %ep to i64*
  %w = load i64, i64* %wp, align 8
  %isprogram = icmp eq i64 %w, 0
  %issystem = icmp eq i64 %w, 1
  %pt = call i64 @ovsm_tag(%V* $PROGID)
  %pp = call i64 @ovsm_payload(%V* $PROGID)
  %system = ptrtoint i8* $STR"11111111111111111111111111111111" to i64
  %own = add i64 %dir, %w
  %x0 = select i1 %issystem, i64 %system, i64 %own
  %x = select i1 %isprogram, i64 %pp, i64 %x0
  %t = select i1 %isprogram, i64 %pt, i64 4
  call void @ovsm_set(%V* %out, i64 %t, i64 %x)
  ret void
}

; Why the string object %s is not a public key as Solana's address parser (`Address::from_str`,
; five8's 32-byte decoding) reads it: 0 when it is one, 1 "the wrong size" (more than 44 bytes, a
; number of 2^256 or more, or leading '1's that do not match the number's leading zero bytes),
; 2 "invalid" (a byte outside base58's alphabet, which is checked first). Only an address that
; names no account is asked, so a slow check costs nothing in a program that works.
define i64 @ovsm_base58_check(i8* %s) noinline {
entry:
  %limbs = alloca [8 x i64]
  %lp = bitcast [8 x i64]* %limbs to i8*
  call void @sol_memset_(i8* %lp, i64 0, i64 64)
  %lenp = bitcast i8* %s to i64*
  %len = load i64, i64* %lenp
  %bytes = getelementptr i8, i8* %s, i64 8
  %long = icmp ugt i64 %len, 44
  br i1 %long, label %wrong, label %chars
chars:
  %i = phi i64 [ 0, %entry ], [ %i1, %charok ]
  %cmore = icmp ult i64 %i, %len
  br i1 %cmore, label %char, label %digits
char:
  %cp = getelementptr i8, i8* %bytes, i64 %i
  %c = load i8, i8* %cp
  %d = call i64 @ovsm_base58_digit(i8 %c)
  %i1 = add i64 %i, 1
  %bad = icmp slt i64 %d, 0
  br i1 %bad, label %invalid, label %charok
charok:
  br label %chars
; The number the digits spell, in eight 32-bit limbs, least significant first: limbs * 58 + d.
digits:
  %k = phi i64 [ 0, %chars ], [ %k1, %carried ]
  %dmore = icmp ult i64 %k, %len
  br i1 %dmore, label %digit, label %zeros
digit:
  %dp = getelementptr i8, i8* %bytes, i64 %k
  %dc = load i8, i8* %dp
  %dv = call i64 @ovsm_base58_digit(i8 %dc)
  br label %limb
limb:
  %j = phi i64 [ 0, %digit ], [ %j1, %limb ]
  %carry = phi i64 [ %dv, %digit ], [ %carry1, %limb ]
  %ljp = getelementptr [8 x i64], [8 x i64]* %limbs, i64 0, i64 %j
  %lj = load i64, i64* %ljp
  %times = mul i64 %lj, 58
  %t = add i64 %times, %carry
  %low = and i64 %t, 4294967295
  store i64 %low, i64* %ljp
  %carry1 = lshr i64 %t, 32
  %j1 = add i64 %j, 1
  %jmore = icmp ult i64 %j1, 8
  br i1 %jmore, label %limb, label %limbsdone
limbsdone:
  %k1 = add i64 %k, 1
  %over = icmp ne i64 %carry1, 0
  br i1 %over, label %wrong, label %carried
carried:
  br label %digits
; The leading zero bytes of the 32-byte big-endian number must be the string's leading '1's.
zeros:
  %z = phi i64 [ 0, %digits ], [ %z1, %zero ]
  %zmore = icmp ult i64 %z, 32
  br i1 %zmore, label %zbyte, label %ones
zbyte:
  %zl = lshr i64 %z, 2
  %zli = sub i64 7, %zl
  %zlp = getelementptr [8 x i64], [8 x i64]* %limbs, i64 0, i64 %zli
  %zlv = load i64, i64* %zlp
  %zin = and i64 %z, 3
  %zin3 = sub i64 3, %zin
  %zsh = shl i64 %zin3, 3
  %zb0 = lshr i64 %zlv, %zsh
  %zb = and i64 %zb0, 255
  %z1 = add i64 %z, 1
  %isz = icmp eq i64 %zb, 0
  br i1 %isz, label %zero, label %ones
zero:
  br label %zeros
ones:
  %o = phi i64 [ 0, %zeros ], [ 0, %zbyte ], [ %o1, %one ]
  %omore = icmp ult i64 %o, %len
  br i1 %omore, label %obyte, label %compare
obyte:
  %op = getelementptr i8, i8* %bytes, i64 %o
  %ob = load i8, i8* %op
  %o1 = add i64 %o, 1
  %isone = icmp eq i8 %ob, 49
  br i1 %isone, label %one, label %compare
one:
  br label %ones
compare:
  %match = icmp eq i64 %o, %z
  br i1 %match, label %valid, label %wrong
valid:
  ret i64 0
wrong:
  ret i64 1
invalid:
  ret i64 2
}

; A base58 digit's value (123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz), or -1.
define i64 @ovsm_base58_digit(i8 %c) alwaysinline {
entry:
  %b = zext i8 %c to i64
  %d0 = sub i64 %b, 49
  %isdigit = icmp ult i64 %d0, 9
  br i1 %isdigit, label %digit, label %upper
digit:
  ret i64 %d0
upper:
  ; A..Z without I and O: 9..32
  %u = sub i64 %b, 65
  %isupper = icmp ult i64 %u, 26
  br i1 %isupper, label %up, label %lower
up:
  %isI = icmp eq i64 %u, 8
  %isO = icmp eq i64 %u, 14
  %io = or i1 %isI, %isO
  br i1 %io, label %none, label %upval
upval:
  %pastI = icmp ugt i64 %u, 8
  %pastO = icmp ugt i64 %u, 14
  %s1 = zext i1 %pastI to i64
  %s2 = zext i1 %pastO to i64
  %u1 = sub i64 %u, %s1
  %u2 = sub i64 %u1, %s2
  %uv = add i64 %u2, 9
  ret i64 %uv
lower:
  ; a..z without l: 33..57
  %l = sub i64 %b, 97
  %islower = icmp ult i64 %l, 26
  br i1 %islower, label %low, label %none
low:
  %isl = icmp eq i64 %l, 11
  br i1 %isl, label %none, label %lowval
lowval:
  %pastl = icmp ugt i64 %l, 11
  %s3 = zext i1 %pastl to i64
  %l1 = sub i64 %l, %s3
  %lv = add i64 %l1, 33
  ret i64 %lv
none:
  ret i64 -1
}

; 0 when the string *addr is a base58 address; otherwise 1, after raising the interpreter's
; `op: `ADDR` is not a valid base58 address: WHY` (WHY in Solana's parser's words).
define i64 @ovsm_check_address(i8* %op, %V* %addr, i64 %site) noinline {
entry:
  %obj = call i64 @ovsm_payload(%V* %addr)
  %s = inttoptr i64 %obj to i8*
  %why = call i64 @ovsm_base58_check(i8* %s)
  %valid = icmp eq i64 %why, 0
  br i1 %valid, label %ok, label %notkey
ok:
  ret i64 0
notkey:
  call void @sb_reset()
  call void @sb_byte(i8 96)
  call void @sb_obj(i8* %op)
  call void @sb_obj(i8* $STR"`: `")
  call void @sb_value(%V* %addr, i64 0, i64 0)
  call void @sb_obj(i8* $STR"` is not a valid base58 address: ")
  %size = icmp eq i64 %why, 1
  %reason = select i1 %size, i8* $STR"String is the wrong size", i8* $STR"Invalid Base58 string"
  call void @sb_obj(i8* %reason)
  %r = call i64 @ovsm_fail_sb(i64 211, i64 %site)
  ret i64 1
}

; `op: no account `ADDR` in the bank`, unless the string is no address at all (above).
define i64 @ovsm_no_account(i8* %op, %V* %addr, i64 %site) noinline minsize optsize {
entry:
  %bad = call i64 @ovsm_check_address(i8* %op, %V* %addr, i64 %site)
  %isbad = icmp ne i64 %bad, 0
  br i1 %isbad, label %notkey, label %missing
notkey:
  ret i64 1
missing:
  call void @sb_reset()
  call void @sb_byte(i8 96)
  call void @sb_obj(i8* %op)
  call void @sb_obj(i8* $STR"`: no account `")
  call void @sb_value(%V* %addr, i64 0, i64 0)
  call void @sb_byte(i8 96)
  call void @sb_obj(i8* $STR" in the bank")
  %r = call i64 @ovsm_fail_sb(i64 211, i64 %site)
  ret i64 %r
}

; The account an operation names, checked: its position, or -1 after raising an error. With
; `writable`, the running program must own it.
define i64 @ovsm_account_arg(%V* %addr, i8* %op, i64 %writable, i64 %site) noinline {
entry:
  %o = alloca %V
  %t = call i64 @ovsm_tag(%V* %addr)
  %isstr = icmp eq i64 %t, 4
  br i1 %isstr, label %find, label %notstr
notstr:
  %e0 = call i64 @ovsm_expected(%V* %addr, i8* %op, i8* $STR"a string", i64 %site)
  ret i64 -1
find:
  %k = call i64 @ovsm_account_index(%V* %addr)
  %missing = icmp eq i64 %k, 0
  br i1 %missing, label %none, label %found
none:
  %e1 = call i64 @ovsm_no_account(i8* %op, %V* %addr, i64 %site)
  ret i64 -1
found:
  %w = icmp ne i64 %writable, 0
  br i1 %w, label %owner, label %ok
owner:
  ; outside any program: the top level, and the top level re-running before an invocation's
  ; own code (the interpreter runs it once, outside any program)
  %mode = load i64, i64* $MODE
  %mute = load i64, i64* $MUTE
  %toplevel = icmp eq i64 %mode, 0
  %rerun = icmp ne i64 %mute, 0
  %outside = or i1 %toplevel, %rerun
  br i1 %outside, label %notprogram, label %mine
mine:
  call void @ovsm_account_owner(i64 %k, %V* %o)
  ; An owner that came as the running program is the program's own address object.
  %ownerp = call i64 @ovsm_payload(%V* %o)
  %progp = call i64 @ovsm_payload(%V* $PROGID)
  %same = icmp eq i64 %ownerp, %progp
  br i1 %same, label %ok, label %compare
compare:
  %isme = call i1 @ovsm_equal(%V* %o, %V* $PROGID)
  br i1 %isme, label %ok, label %foreign
ok:
  ret i64 %k
notprogram:
  call void @sb_reset()
  call void @sb_byte(i8 96)
  call void @sb_obj(i8* %op)
  call void @sb_obj(i8* $STR"` must be called from inside an autonomous program")
  %e2 = call i64 @ovsm_fail_sb(i64 211, i64 %site)
  ret i64 -1
foreign:
  call void @sb_reset()
  call void @sb_byte(i8 96)
  call void @sb_obj(i8* %op)
  call void @sb_obj(i8* $STR"`: account `")
  call void @sb_value(%V* %addr, i64 0, i64 0)
  call void @sb_obj(i8* $STR"` is owned by `")
  call void @sb_value(%V* %o, i64 0, i64 0)
  call void @sb_obj(i8* $STR"`, not by the running program")
  %e3 = call i64 @ovsm_fail_sb(i64 211, i64 %site)
  ret i64 -1
}

; A field type argument (nil or absent: i64) as its width in bytes and signedness:
; 1 i64, 2 u64, 3 i32, 4 u32, 5 u8, 6 f64; 0 after raising an error.
define i64 @ovsm_field_type(%V* %v, i8* %op, i64 %site) noinline {
entry:
  %t = call i64 @ovsm_tag(%V* %v)
  switch i64 %t, label %bad [ i64 0, label %i64
                              i64 4, label %name
                              i64 5, label %name ]
i64:
  ret i64 1
name:
  ; The name's two or three bytes as one number, switched on: comparing it with each name in
  ; turn took about 54 instructions for a u64 field, read at every `read-field`.
  %s = call i64 @ovsm_payload(%V* %v)
  %lenp = inttoptr i64 %s to i64*
  %len = load i64, i64* %lenp
  %at = add i64 %s, 8
  %bytes = inttoptr i64 %at to i8*
  %len2 = add i64 %len, -2
  %fits = icmp ult i64 %len2, 2
  br i1 %fits, label %two, label %unknown
two:
  %c0 = load i8, i8* %bytes
  %p1 = getelementptr i8, i8* %bytes, i64 1
  %c1 = load i8, i8* %p1
  %w0 = zext i8 %c0 to i64
  %w1 = zext i8 %c1 to i64
  %w1s = shl i64 %w1, 8
  %code2 = or i64 %w0, %w1s
  %is3 = icmp eq i64 %len, 3
  br i1 %is3, label %three, label %named2
named2:
  ; "u8"
  %isu8 = icmp eq i64 %code2, 14453
  br i1 %isu8, label %u8, label %unknown
three:
  %p2 = getelementptr i8, i8* %bytes, i64 2
  %c2 = load i8, i8* %p2
  %w2 = zext i8 %c2 to i64
  %w2s = shl i64 %w2, 16
  %code3 = or i64 %code2, %w2s
  ; "i64" "u64" "i32" "u32" "f64", little-endian
  switch i64 %code3, label %unknown [ i64 3421801, label %i64
                                      i64 3421813, label %u64
                                      i64 3289961, label %i32
                                      i64 3289973, label %u32
                                      i64 3421798, label %f64 ]
u64:
  ret i64 2
i32:
  ret i64 3
u32:
  ret i64 4
u8:
  ret i64 5
f64:
  ret i64 6
unknown:
  call void @sb_reset()
  call void @sb_byte(i8 96)
  call void @sb_obj(i8* %op)
  call void @sb_obj(i8* $STR"`: unknown field type ")
  call void @sb_byte(i8 34)
  %sp = inttoptr i64 %s to i8*
  call void @sb_obj(i8* %sp)
  call void @sb_byte(i8 34)
  call void @sb_obj(i8* $STR" (i64, u64, i32, u32, u8, f64)")
  %e1 = call i64 @ovsm_fail_sb(i64 211, i64 %site)
  ret i64 0
bad:
  %e2 = call i64 @ovsm_expected(%V* %v, i8* %op, i8* $STR"a field type string", i64 %site)
  ret i64 0
}

define i64 @ovsm_field_width(i64 %ty) alwaysinline {
  %w = icmp ule i64 %ty, 2
  %w8 = icmp eq i64 %ty, 6
  %eight = or i1 %w, %w8
  %isu8 = icmp eq i64 %ty, 5
  %small = select i1 %isu8, i64 1, i64 4
  %width = select i1 %eight, i64 8, i64 %small
  ret i64 %width
}

; Where a field of account k lies: its address, or null after raising the interpreter's index
; error (offset negative or the field past the data's end).
define i8* @ovsm_field_at(i64 %k, i64 %offset, i64 %width, i64 %site) noinline {
entry:
  %lenp = call i64* @ovsm_account_word(i64 %k, i64 80)
  %len = load i64, i64* %lenp
  %neg = icmp slt i64 %offset, 0
  %end = add i64 %offset, %width
  %past = icmp ugt i64 %end, %len
  %bad = or i1 %neg, %past
  br i1 %bad, label %error, label %ok
ok:
  %r = call i8* @ovsm_account_record(i64 %k)
  %d0 = getelementptr i8, i8* %r, i64 88
  %d = getelementptr i8, i8* %d0, i64 %offset
  ret i8* %d
error:
  %e = call i64 @ovsm_index_error(i64 %offset, i64 %len, i8* $STR"account data", i64 %site)
  ret i8* null
}

; (read-field pubkey offset [type]) with n = 2 or 3 arguments on the stack.
define i64 @op_read_field(i64 %n, i64 %site) noinline {
entry:
  %nil = alloca %V
  call void @ovsm_set(%V* %nil, i64 0, i64 0)
  %three = icmp eq i64 %n, 3
  %d = select i1 %three, i64 2, i64 1
  %addr = call %V* @ovsm_top(i64 %d)
  %d1 = sub i64 %d, 1
  %off = call %V* @ovsm_top(i64 %d1)
  %top = call %V* @ovsm_top(i64 0)
  %tyv = select i1 %three, %V* %top, %V* %nil
  %op = bitcast i8* $STR"read-field" to i8*
  %at = call i64 @ovsm_tag(%V* %addr)
  %atok = icmp eq i64 %at, 4
  br i1 %atok, label %offset, label %addrbad
addrbad:
  %e0 = call i64 @ovsm_expected(%V* %addr, i8* %op, i8* $STR"a string", i64 %site)
  ret i64 1
offset:
  %ot = call i64 @ovsm_tag(%V* %off)
  %otok = icmp eq i64 %ot, 2
  br i1 %otok, label %type, label %offbad
offbad:
  %e1 = call i64 @ovsm_expected(%V* %off, i8* %op, i8* $STR"an integer", i64 %site)
  ret i64 1
type:
  %ty = call i64 @ovsm_field_type(%V* %tyv, i8* %op, i64 %site)
  %tybad = icmp eq i64 %ty, 0
  br i1 %tybad, label %fail, label %account
account:
  %k = call i64 @ovsm_account_arg(%V* %addr, i8* %op, i64 0, i64 %site)
  %kbad = icmp slt i64 %k, 0
  br i1 %kbad, label %fail, label %field
field:
  %o = call i64 @ovsm_payload(%V* %off)
  %width = call i64 @ovsm_field_width(i64 %ty)
  %p = call i8* @ovsm_field_at(i64 %k, i64 %o, i64 %width, i64 %site)
  %pnull = icmp eq i8* %p, null
  br i1 %pnull, label %fail, label %read
read:
  switch i64 %ty, label %r64 [ i64 2, label %ru64
                               i64 3, label %ri32
                               i64 4, label %ru32
                               i64 5, label %ru8
                               i64 6, label %rf64 ]
r64:
  %v64 = call i64 @ovsm_load_u64(i8* %p)
  br label %done
ru64:
  %vu64 = call i64 @ovsm_load_u64(i8* %p)
  %big = icmp slt i64 %vu64, 0
  br i1 %big, label %overflow, label %done
ri32:
  %w32s = call i64 @ovsm_load_u32(i8* %p)
  %v32 = trunc i64 %w32s to i32
  %vi32 = sext i32 %v32 to i64
  br label %done
ru32:
  %vu32 = call i64 @ovsm_load_u32(i8* %p)
  br label %done
ru8:
  %w8 = load i8, i8* %p
  %vu8 = zext i8 %w8 to i64
  br label %done
rf64:
  %vf64 = call i64 @ovsm_load_u64(i8* %p)
  %sf = call i64 @ovsm_replace_top(i64 %n, i64 3, i64 %vf64, i64 %site)
  ret i64 %sf
overflow:
  %eo = call i64 @ovsm_overflow(i8* %op, i64 %site)
  ret i64 1
done:
  %v = phi i64 [ %v64, %r64 ], [ %vu64, %ru64 ], [ %vi32, %ri32 ], [ %vu32, %ru32 ], [ %vu8, %ru8 ]
  %s = call i64 @ovsm_replace_top(i64 %n, i64 2, i64 %v, i64 %site)
  ret i64 %s
fail:
  ret i64 1
}

; (write-field pubkey offset type value)
define i64 @op_write_field(i64 %site) noinline {
entry:
  %word = alloca i64
  %addr = call %V* @ovsm_top(i64 3)
  %off = call %V* @ovsm_top(i64 2)
  %tyv = call %V* @ovsm_top(i64 1)
  %val = call %V* @ovsm_top(i64 0)
  %op = bitcast i8* $STR"write-field" to i8*
  %at = call i64 @ovsm_tag(%V* %addr)
  %atok = icmp eq i64 %at, 4
  br i1 %atok, label %offset, label %addrbad
addrbad:
  %e0 = call i64 @ovsm_expected(%V* %addr, i8* %op, i8* $STR"a string", i64 %site)
  ret i64 1
offset:
  %ot = call i64 @ovsm_tag(%V* %off)
  %otok = icmp eq i64 %ot, 2
  br i1 %otok, label %type, label %offbad
offbad:
  %e1 = call i64 @ovsm_expected(%V* %off, i8* %op, i8* $STR"an integer", i64 %site)
  ret i64 1
type:
  %ty = call i64 @ovsm_field_type(%V* %tyv, i8* %op, i64 %site)
  %tybad = icmp eq i64 %ty, 0
  br i1 %tybad, label %fail, label %value
value:
  %vt = call i64 @ovsm_tag(%V* %val)
  %vtok = call i1 @ovsm_is_number_tag(i64 %vt)
  br i1 %vtok, label %account, label %valbad
valbad:
  %e2 = call i64 @ovsm_expected(%V* %val, i8* %op, i8* $STR"a number to write", i64 %site)
  ret i64 1
account:
  %k = call i64 @ovsm_account_arg(%V* %addr, i8* %op, i64 1, i64 %site)
  %kbad = icmp slt i64 %k, 0
  br i1 %kbad, label %fail, label %range
range:
  %x = call i64 @ovsm_payload(%V* %val)
  %isfloat = icmp eq i64 %vt, 3
  %isf64 = icmp eq i64 %ty, 6
  br i1 %isf64, label %cf64, label %intfield
intfield:
  br i1 %isfloat, label %notint, label %intrange
intrange:
  store i64 %x, i64* %word
  switch i64 %ty, label %fits [ i64 2, label %cu64
                                i64 3, label %ci32
                                i64 4, label %cu32
                                i64 5, label %cu8
                                i64 6, label %cf64 ]
cu64:
  %neg = icmp slt i64 %x, 0
  br i1 %neg, label %nofit, label %fits
ci32:
  %lo = icmp slt i64 %x, -2147483648
  %hi = icmp sgt i64 %x, 2147483647
  %out32 = or i1 %lo, %hi
  br i1 %out32, label %nofit, label %fits
cu32:
  %outu32 = icmp ugt i64 %x, 4294967295
  br i1 %outu32, label %nofit, label %fits
cu8:
  %outu8 = icmp ugt i64 %x, 255
  br i1 %outu8, label %nofit, label %fits
cf64:
  ; an int is written as the nearest f64, as the interpreter's `as f64`
  %xf = call i64 @ovsm_as_float(i64 %vt, i64 %x)
  store i64 %xf, i64* %word
  br label %fits
notint:
  call void @sb_reset()
  call void @sb_obj(i8* $STR"`write-field`: ")
  call void @sb_value(%V* %val, i64 1, i64 0)
  call void @sb_obj(i8* $STR" is not an integer")
  %e4 = call i64 @ovsm_fail_sb(i64 211, i64 %site)
  ret i64 1
nofit:
  call void @sb_reset()
  call void @sb_obj(i8* $STR"`write-field`: ")
  call void @sb_int(i64 %x)
  call void @sb_obj(i8* $STR" does not fit in ")
  %tyname = call i8* @ovsm_field_type_name(i64 %ty)
  call void @sb_obj(i8* %tyname)
  %e3 = call i64 @ovsm_fail_sb(i64 211, i64 %site)
  ret i64 1
fits:
  %o = call i64 @ovsm_payload(%V* %off)
  %width = call i64 @ovsm_field_width(i64 %ty)
  %p = call i8* @ovsm_field_at(i64 %k, i64 %o, i64 %width, i64 %site)
  %pnull = icmp eq i8* %p, null
  br i1 %pnull, label %fail, label %write
write:
  %xw = load i64, i64* %word
  switch i64 %width, label %w8 [ i64 1, label %w1
                                 i64 4, label %w4 ]
w1:
  %b = trunc i64 %xw to i8
  store i8 %b, i8* %p
  br label %done
w4:
  call void @ovsm_store_u32(i8* %p, i64 %xw)
  br label %done
w8:
  call void @ovsm_store_u64(i8* %p, i64 %xw)
  br label %done
done:
  %s = call i64 @ovsm_replace_top(i64 4, i64 0, i64 0, i64 %site)
  ret i64 %s
fail:
  ret i64 1
}

define i8* @ovsm_field_type_name(i64 %ty) {
entry:
  switch i64 %ty, label %i64 [ i64 2, label %u64
                               i64 3, label %i32
                               i64 4, label %u32
                               i64 5, label %u8 ]
i64:
  ret i8* $STR"i64"
u64:
  ret i8* $STR"u64"
i32:
  ret i8* $STR"i32"
u32:
  ret i8* $STR"u32"
u8:
  ret i8* $STR"u8"
}

; (transfer-lamports from to lamports): debits an account the program owns, credits another
; the transaction passed, in the loader's input (the runtime checks both at the end).
define i64 @op_transfer(i64 %site) noinline {
entry:
  %from = call %V* @ovsm_top(i64 2)
  %to = call %V* @ovsm_top(i64 1)
  %amount = call %V* @ovsm_top(i64 0)
  %op = bitcast i8* $STR"transfer-lamports" to i8*
  %ft = call i64 @ovsm_tag(%V* %from)
  %ftok = icmp eq i64 %ft, 4
  br i1 %ftok, label %tocheck, label %frombad
frombad:
  %e0 = call i64 @ovsm_expected(%V* %from, i8* %op, i8* $STR"a string", i64 %site)
  ret i64 1
tocheck:
  %tt = call i64 @ovsm_tag(%V* %to)
  %ttok = icmp eq i64 %tt, 4
  br i1 %ttok, label %amountcheck, label %tobad
tobad:
  %e1 = call i64 @ovsm_expected(%V* %to, i8* %op, i8* $STR"a string", i64 %site)
  ret i64 1
amountcheck:
  %at = call i64 @ovsm_tag(%V* %amount)
  %atok = icmp eq i64 %at, 2
  br i1 %atok, label %sign, label %amountbad
amountbad:
  %e2 = call i64 @ovsm_expected(%V* %amount, i8* %op, i8* $STR"an integer", i64 %site)
  ret i64 1
sign:
  %x = call i64 @ovsm_payload(%V* %amount)
  %neg = icmp slt i64 %x, 0
  br i1 %neg, label %negative, label %source
negative:
  call void @sb_reset()
  call void @sb_obj(i8* $STR"`transfer-lamports`: amount ")
  call void @sb_int(i64 %x)
  call void @sb_obj(i8* $STR" is negative")
  %e3 = call i64 @ovsm_fail_sb(i64 211, i64 %site)
  ret i64 1
source:
  %kf = call i64 @ovsm_account_arg(%V* %from, i8* %op, i64 1, i64 %site)
  %kfbad = icmp slt i64 %kf, 0
  br i1 %kfbad, label %fail, label %dest
dest:
  %kt = call i64 @ovsm_account_arg(%V* %to, i8* %op, i64 0, i64 %site)
  %ktbad = icmp slt i64 %kt, 0
  br i1 %ktbad, label %fail, label %debit
debit:
  %fl = call i64* @ovsm_account_word(i64 %kf, i64 72)
  %have = load i64, i64* %fl
  %short = icmp ult i64 %have, %x
  br i1 %short, label %insufficient, label %credit
insufficient:
  call void @sb_reset()
  call void @sb_obj(i8* $STR"`transfer-lamports`: `")
  call void @sb_value(%V* %from, i64 0, i64 0)
  call void @sb_obj(i8* $STR"` has ")
  call void @sb_int(i64 %have)
  call void @sb_obj(i8* $STR" lamports, cannot send ")
  call void @sb_int(i64 %x)
  %e4 = call i64 @ovsm_fail_sb(i64 211, i64 %site)
  ret i64 1
credit:
  %tl = call i64* @ovsm_account_word(i64 %kt, i64 72)
  %left = sub i64 %have, %x
  store i64 %left, i64* %fl
  %dest0 = load i64, i64* %tl
  %dest1 = add i64 %dest0, %x
  %wrap = icmp ult i64 %dest1, %dest0
  br i1 %wrap, label %overflow, label %store
overflow:
  store i64 %have, i64* %fl
  %e5 = call i64 @ovsm_fail_literal(i64 211, i8* $STR"`transfer-lamports`: lamport overflow", i64 %site)
  ret i64 1
store:
  store i64 %dest1, i64* %tl
  %s = call i64 @ovsm_replace_top(i64 3, i64 0, i64 0, i64 %site)
  ret i64 %s
fail:
  ret i64 1
}

; (get-account pubkey): {:lamports :owner :data-length}, or nil when the bank has none.
define i64 @op_get_account(i64 %site) noinline {
entry:
  %owner = alloca %V
  %addr = call %V* @ovsm_top(i64 0)
  %at = call i64 @ovsm_tag(%V* %addr)
  %atok = icmp eq i64 %at, 4
  br i1 %atok, label %find, label %addrbad
addrbad:
  %e0 = call i64 @ovsm_expected(%V* %addr, i8* $STR"get-account", i8* $STR"a string", i64 %site)
  ret i64 1
find:
  %k = call i64 @ovsm_account_index(%V* %addr)
  %missing = icmp eq i64 %k, 0
  br i1 %missing, label %check, label %build
check:
  %bad = call i64 @ovsm_check_address(i8* $STR"get-account", %V* %addr, i64 %site)
  %isbad = icmp ne i64 %bad, 0
  br i1 %isbad, label %fail, label %nil
nil:
  call void @ovsm_set(%V* %addr, i64 0, i64 0)
  ret i64 0
build:
  %lw = call i64* @ovsm_account_word(i64 %k, i64 72)
  %lamports = load i64, i64* %lw
  %dw = call i64* @ovsm_account_word(i64 %k, i64 80)
  %dlen = load i64, i64* %dw
  call void @ovsm_account_owner(i64 %k, %V* %owner)
  %kl = ptrtoint i8* $STR"lamports" to i64
  %r1 = call i64 @ovsm_push(i64 5, i64 %kl, i64 %site)
  %r2 = call i64 @ovsm_push(i64 2, i64 %lamports, i64 %site)
  %ko = ptrtoint i8* $STR"owner" to i64
  %r3 = call i64 @ovsm_push(i64 5, i64 %ko, i64 %site)
  %r4 = call i64 @ovsm_push_value(%V* %owner, i64 %site)
  %kd = ptrtoint i8* $STR"data-length" to i64
  %r5 = call i64 @ovsm_push(i64 5, i64 %kd, i64 %site)
  %r6 = call i64 @ovsm_push(i64 2, i64 %dlen, i64 %site)
  %a = or i64 %r1, %r2
  %b = or i64 %r3, %r4
  %c = or i64 %r5, %r6
  %ab = or i64 %a, %b
  %abc = or i64 %ab, %c
  %full = icmp ne i64 %abc, 0
  br i1 %full, label %fail, label %map
map:
  %m = call i64 @op_make_map(i64 3, i64 %site)
  %mbad = icmp ne i64 %m, 0
  br i1 %mbad, label %fail, label %place
place:
  ; the map replaces the address argument
  %top = call %V* @ovsm_top(i64 0)
  %under = call %V* @ovsm_top(i64 1)
  call void @ovsm_store(%V* %under, %V* %top)
  call void @ovsm_drop(i64 1)
  ret i64 0
fail:
  ret i64 1
}
