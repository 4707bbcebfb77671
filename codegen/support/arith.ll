; OVSM support library, part 3: checked integer arithmetic, comparison and equality.
; sBPF has no signed division and LLVM's BPF back end dies on sdiv/srem, so division works on
; magnitudes; overflow checks are written out rather than left to intrinsics that may become
; i128 library calls.

; kind: 0 +, 1 -, 2 *, 3 /, 4 %. Returns 0 and sets *out, or raises.
define i64 @ovsm_int_op(i64 %kind, i64 %a, i64 %b, i64* %out, i64 %site) {
entry:
  switch i64 %kind, label %add [ i64 1, label %sub
                                 i64 2, label %mul
                                 i64 3, label %div
                                 i64 4, label %rem ]
add:
  %s = add i64 %a, %b
  %x1 = xor i64 %a, %s
  %x2 = xor i64 %b, %s
  %x3 = and i64 %x1, %x2
  %ovadd = icmp slt i64 %x3, 0
  br i1 %ovadd, label %overflow, label %doneadd
doneadd:
  store i64 %s, i64* %out
  ret i64 0
sub:
  %d = sub i64 %a, %b
  %y1 = xor i64 %a, %b
  %y2 = xor i64 %a, %d
  %y3 = and i64 %y1, %y2
  %ovsub = icmp slt i64 %y3, 0
  br i1 %ovsub, label %overflow, label %donesub
donesub:
  store i64 %d, i64* %out
  ret i64 0
mul:
  %ua = call i64 @ovsm_magnitude(i64 %a)
  %ub = call i64 @ovsm_magnitude(i64 %b)
  %mag = call i64 @ovsm_mul_magnitudes(i64 %ua, i64 %ub)
  %sx = xor i64 %a, %b
  %neg = icmp slt i64 %sx, 0
  %r = call i64 @ovsm_signed(i64 %mag, i1 %neg, i64* %out)
  %bad = icmp ne i64 %r, 0
  br i1 %bad, label %overflow, label %ok
div:
  %bz = icmp eq i64 %b, 0
  br i1 %bz, label %divzero, label %div1
div1:
  %ua2 = call i64 @ovsm_magnitude(i64 %a)
  %ub2 = call i64 @ovsm_magnitude(i64 %b)
  %q = udiv i64 %ua2, %ub2
  %sx2 = xor i64 %a, %b
  %neg2 = icmp slt i64 %sx2, 0
  %r2 = call i64 @ovsm_signed(i64 %q, i1 %neg2, i64* %out)
  %bad2 = icmp ne i64 %r2, 0
  br i1 %bad2, label %overflow, label %ok
rem:
  %bz3 = icmp eq i64 %b, 0
  br i1 %bz3, label %divzero, label %rem1
rem1:
  %ua3 = call i64 @ovsm_magnitude(i64 %a)
  %ub3 = call i64 @ovsm_magnitude(i64 %b)
  %m = urem i64 %ua3, %ub3
  %neg3 = icmp slt i64 %a, 0
  %r3 = call i64 @ovsm_signed(i64 %m, i1 %neg3, i64* %out)
  br label %ok
ok:
  ret i64 0
overflow:
  %opname = call i8* @ovsm_arith_name(i64 %kind)
  %e = call i64 @ovsm_overflow(i8* %opname, i64 %site)
  ret i64 %e
divzero:
  %e2 = call i64 @ovsm_fail_literal(i64 205, i8* $STR"division by zero", i64 %site)
  ret i64 %e2
}


; The product of two magnitudes, or 2^64 - 1 (no product of two i64 magnitudes that fits an
; i64, which is at most 2^63) when it needs more than 64 bits. Overflow is checked on 32-bit
; halves: the obvious `ub > MAX / ua` test is rewritten by LLVM into umul.with.overflow, an i128
; multiply that the BPF back end cannot lower (`__multi3`). Inline `*` (lower/deferred.rs) and
; ovsm_int_op share it, out of line: inlined at every `*` it cost the vault 0.8 KB and pairs
; trading 1.6 KB of code and time to build, for 72 CU less in the vault's invocations and 41 more
; in pairs trading's.
define i64 @ovsm_mul_magnitudes(i64 %ua, i64 %ub) noinline {
entry:
  %ahi = lshr i64 %ua, 32
  %alo = and i64 %ua, 4294967295
  %bhi = lshr i64 %ub, 32
  %blo = and i64 %ub, 4294967295
  %ahiz = icmp eq i64 %ahi, 0
  %bhiz = icmp eq i64 %bhi, 0
  %onesmall = or i1 %ahiz, %bhiz
  br i1 %onesmall, label %mul1, label %over
mul1:
  %c1 = mul i64 %ahi, %blo
  %c2 = mul i64 %alo, %bhi
  %cross = add i64 %c1, %c2
  %crossbig = icmp uge i64 %cross, 4294967296
  br i1 %crossbig, label %over, label %mul2
mul2:
  %low = mul i64 %alo, %blo
  %hi = shl i64 %cross, 32
  %mag = add i64 %hi, %low
  %carry = icmp ult i64 %mag, %low
  br i1 %carry, label %over, label %fits
fits:
  ret i64 %mag
over:
  ret i64 -1
}

define i64 @ovsm_magnitude(i64 %a) alwaysinline {
  %neg = icmp slt i64 %a, 0
  %n = sub i64 0, %a
  %m = select i1 %neg, i64 %n, i64 %a
  ret i64 %m
}

; The signed value of a magnitude, or 1 when it does not fit.
define i64 @ovsm_signed(i64 %mag, i1 %neg, i64* %out) alwaysinline {
entry:
  br i1 %neg, label %negative, label %positive
negative:
  %toobig = icmp ugt i64 %mag, 9223372036854775808
  br i1 %toobig, label %no, label %n1
n1:
  %v = sub i64 0, %mag
  store i64 %v, i64* %out
  ret i64 0
positive:
  %toobig2 = icmp ugt i64 %mag, 9223372036854775807
  br i1 %toobig2, label %no, label %p1
p1:
  store i64 %mag, i64* %out
  ret i64 0
no:
  ret i64 1
}

; a OP b for the two values on top; pops both, pushes the result.
define i64 @op_arith(i64 %kind, i64 %site) {
entry:
  %a = call %V* @ovsm_top(i64 1)
  %b = call %V* @ovsm_top(i64 0)
  %r = call i64 @ovsm_pair_op(%V* %a, %V* %b, i64 %kind, i64 %site)
  %bad = icmp ne i64 %r, 0
  br i1 %bad, label %fail, label %ok
ok:
  call void @ovsm_drop(i64 1)
  ret i64 0
fail:
  ret i64 %r
}

; x OP k with a literal k: (+ x k) and (- x k).
define i64 @op_arith_imm(i64 %kind, i64 %k, i64 %site) {
  %r = call i64 @ovsm_push(i64 2, i64 %k, i64 %site)
  %bad = icmp ne i64 %r, 0
  br i1 %bad, label %fail, label %ok
ok:
  %s = call i64 @op_arith(i64 %kind, i64 %site)
  ret i64 %s
fail:
  ret i64 %r
}

; (- x): negation.
define i64 @op_negate(i64 %site) {
entry:
  %a = call %V* @ovsm_top(i64 0)
  %t = call i64 @ovsm_tag(%V* %a)
  %isint = icmp eq i64 %t, 2
  br i1 %isint, label %int, label %notint
notint:
  %isfloat = icmp eq i64 %t, 3
  br i1 %isfloat, label %float, label %bad
float:
  %fx = call i64 @ovsm_payload(%V* %a)
  %fn = xor i64 %fx, -9223372036854775808
  call void @ovsm_set(%V* %a, i64 3, i64 %fn)
  ret i64 0
int:
  %x = call i64 @ovsm_payload(%V* %a)
  %min = icmp eq i64 %x, -9223372036854775808
  br i1 %min, label %overflow, label %ok
ok:
  %n = sub i64 0, %x
  call void @ovsm_set(%V* %a, i64 2, i64 %n)
  ret i64 0
overflow:
  %e = call i64 @ovsm_overflow(i8* $STR"-", i64 %site)
  ret i64 %e
bad:
  %e2 = call i64 @ovsm_expected(%V* %a, i8* $STR"-", i8* $STR"a number", i64 %site)
  ret i64 %e2
}


define i8* @ovsm_arith_name(i64 %kind) {
entry:
  switch i64 %kind, label %add [ i64 1, label %sub
                                 i64 2, label %mul
                                 i64 3, label %div
                                 i64 4, label %rem ]
add:
  ret i8* $STR"+"
sub:
  ret i8* $STR"-"
mul:
  ret i8* $STR"*"
div:
  ret i8* $STR"/"
rem:
  ret i8* $STR"%"
}

define i8* @ovsm_compare_name(i64 %kind) {
entry:
  switch i64 %kind, label %lt [ i64 1, label %le
                                i64 2, label %gt
                                i64 3, label %ge
                                i64 4, label %sort ]
sort:
  ret i8* $STR"sort"
lt:
  ret i8* $STR"<"
le:
  ret i8* $STR"<="
gt:
  ret i8* $STR">"
ge:
  ret i8* $STR">="
}

; (abs x)
define i64 @op_abs(i64 %site) {
entry:
  %a = call %V* @ovsm_top(i64 0)
  %t = call i64 @ovsm_tag(%V* %a)
  %isint = icmp eq i64 %t, 2
  br i1 %isint, label %int, label %notint
notint:
  %isfloat = icmp eq i64 %t, 3
  br i1 %isfloat, label %float, label %bad
float:
  %fx = call i64 @ovsm_payload(%V* %a)
  %fa = and i64 %fx, 9223372036854775807
  call void @ovsm_set(%V* %a, i64 3, i64 %fa)
  ret i64 0
int:
  %x = call i64 @ovsm_payload(%V* %a)
  %min = icmp eq i64 %x, -9223372036854775808
  br i1 %min, label %overflow, label %ok
ok:
  %m = call i64 @ovsm_magnitude(i64 %x)
  call void @ovsm_set(%V* %a, i64 2, i64 %m)
  ret i64 0
overflow:
  %e = call i64 @ovsm_overflow(i8* $STR"abs", i64 %site)
  ret i64 %e
bad:
  %e2 = call i64 @ovsm_expected(%V* %a, i8* $STR"abs", i8* $STR"a number", i64 %site)
  ret i64 %e2
}

; Orders *a and *b (numbers, ints and floats mixed exactly, or strings bytewise): -1, 0 or 1
; in *out, 2 when a NaN makes them unordered (sort, kind 4, takes that as equal, as the
; interpreter's sort does); raises for other types.
define i64 @ovsm_compare(%V* %a, %V* %b, i64* %out, i64 %kind, i64 %site) {
entry:
  %ta = call i64 @ovsm_tag(%V* %a)
  %tb = call i64 @ovsm_tag(%V* %b)
  %x = call i64 @ovsm_payload(%V* %a)
  %y = call i64 @ovsm_payload(%V* %b)
  %na = call i1 @ovsm_is_number_tag(i64 %ta)
  br i1 %na, label %numa, label %nota
numa:
  %nb = call i1 @ovsm_is_number_tag(i64 %tb)
  br i1 %nb, label %numbers, label %badB
numbers:
  %c = call i64 @ovsm_num_cmp(i64 %ta, i64 %x, i64 %tb, i64 %y)
  %issort = icmp eq i64 %kind, 4
  %unordered = icmp eq i64 %c, 2
  %asequal = and i1 %issort, %unordered
  %o = select i1 %asequal, i64 0, i64 %c
  store i64 %o, i64* %out
  ret i64 0
nota:
  %sa = icmp eq i64 %ta, 4
  br i1 %sa, label %stra, label %badA
stra:
  %sb = icmp eq i64 %tb, 4
  br i1 %sb, label %strings, label %badB
strings:
  %cs = call i64 @ovsm_str_cmp(i64 %x, i64 %y)
  store i64 %cs, i64* %out
  ret i64 0
badA:
  %na1 = call i8* @ovsm_compare_name(i64 %kind)
  %e1 = call i64 @ovsm_expected(%V* %a, i8* %na1, i8* $STR"numbers or strings", i64 %site)
  ret i64 %e1
badB:
  %nb1 = call i8* @ovsm_compare_name(i64 %kind)
  %e2 = call i64 @ovsm_expected(%V* %b, i8* %nb1, i8* $STR"numbers or strings", i64 %site)
  ret i64 %e2
}

define i1 @ovsm_is_number_tag(i64 %t) alwaysinline {
  %i = icmp eq i64 %t, 2
  %f = icmp eq i64 %t, 3
  %r = or i1 %i, %f
  ret i1 %r
}

; Orders two numbers (tags 2 int, 3 float; an int against a float exactly, never by rounding
; the int): -1, 0, 1, or 2 when a NaN is involved.
define i64 @ovsm_num_cmp(i64 %ta, i64 %x, i64 %tb, i64 %y) {
entry:
  %fa = icmp eq i64 %ta, 3
  %fb = icmp eq i64 %tb, 3
  br i1 %fa, label %afloat, label %aint
aint:
  br i1 %fb, label %intfloat, label %ints
ints:
  %lt = icmp slt i64 %x, %y
  %gt = icmp sgt i64 %x, %y
  %l = select i1 %lt, i64 -1, i64 0
  %o = select i1 %gt, i64 1, i64 %l
  ret i64 %o
intfloat:
  %c1 = call i64 @sf_cmp_int(i64 %x, i64 %y)
  ret i64 %c1
afloat:
  br i1 %fb, label %floats, label %floatint
floats:
  %c2 = call i64 @sf_cmp(i64 %x, i64 %y)
  ret i64 %c2
floatint:
  %c3 = call i64 @sf_cmp_int(i64 %y, i64 %x)
  %unord = icmp eq i64 %c3, 2
  %neg = sub i64 0, %c3
  %r = select i1 %unord, i64 2, i64 %neg
  ret i64 %r
}

; A number's value as f64 bits (an int rounds to the nearest, as Rust's `as f64`).
define i64 @ovsm_as_float(i64 %t, i64 %x) {
entry:
  %isf = icmp eq i64 %t, 3
  br i1 %isf, label %float, label %int
float:
  ret i64 %x
int:
  %f = call i64 @sf_from_int(i64 %x)
  ret i64 %f
}

; Bytewise order of two string objects. Eight bytes are compared at a time while eight remain
; in both (one unaligned load each): account addresses are 32 to 44 characters, compared at every
; `read-field`. The byte loop then finds the first difference within the word that differed.
define i64 @ovsm_str_cmp(i64 %x, i64 %y) {
entry:
  %self = icmp eq i64 %x, %y
  br i1 %self, label %equal, label %go
equal:
  ret i64 0
go:
  %px = inttoptr i64 %x to i64*
  %py = inttoptr i64 %y to i64*
  %lx = load i64, i64* %px
  %ly = load i64, i64* %py
  %shorter = icmp ult i64 %lx, %ly
  %n = select i1 %shorter, i64 %lx, i64 %ly
  %bx = add i64 %x, 8
  %by = add i64 %y, 8
  br label %wloop
wloop:
  %w = phi i64 [ 0, %go ], [ %w8, %wsame ]
  %w8 = add i64 %w, 8
  %wfits = icmp ule i64 %w8, %n
  br i1 %wfits, label %wbody, label %loop
wbody:
  %awx = add i64 %bx, %w
  %awy = add i64 %by, %w
  %pwx = inttoptr i64 %awx to i8*
  %pwy = inttoptr i64 %awy to i8*
  %wx = call i64 @ovsm_load_u64(i8* %pwx)
  %wy = call i64 @ovsm_load_u64(i8* %pwy)
  %weq = icmp eq i64 %wx, %wy
  br i1 %weq, label %wsame, label %loop
wsame:
  br label %wloop
loop:
  %i = phi i64 [ %w, %wloop ], [ %w, %wbody ], [ %i1, %same ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %body, label %tail
body:
  %ax = add i64 %bx, %i
  %ay = add i64 %by, %i
  %cx = inttoptr i64 %ax to i8*
  %cy = inttoptr i64 %ay to i8*
  %vx = load i8, i8* %cx
  %vy = load i8, i8* %cy
  %eq = icmp eq i8 %vx, %vy
  %i1 = add i64 %i, 1
  br i1 %eq, label %same, label %differ
same:
  br label %loop
differ:
  %lt = icmp ult i8 %vx, %vy
  %r = select i1 %lt, i64 -1, i64 1
  ret i64 %r
tail:
  %lt2 = icmp ult i64 %lx, %ly
  %gt2 = icmp ugt i64 %lx, %ly
  %r1 = select i1 %lt2, i64 -1, i64 0
  %r2 = select i1 %gt2, i64 1, i64 %r1
  ret i64 %r2
}

; Whether an ordering satisfies comparison `kind`: 0 <, 1 <=, 2 >, 3 >=. An unordered pair
; (2, a NaN) satisfies none.
define i1 @ovsm_order_ok(i64 %kind, i64 %o) alwaysinline {
entry:
  switch i64 %kind, label %lt [ i64 1, label %le
                                i64 2, label %gt
                                i64 3, label %ge ]
lt:
  %a = icmp eq i64 %o, -1
  ret i1 %a
le:
  %o1 = add i64 %o, 1
  %b = icmp ult i64 %o1, 2
  ret i1 %b
gt:
  %c = icmp eq i64 %o, 1
  ret i1 %c
ge:
  %d = icmp ult i64 %o, 2
  ret i1 %d
}

; A comparison chain over the top n values, like the interpreter's: false at the first pair
; that fails (later pairs are not even type-checked); one argument is compared with itself.
define i64 @op_compare(i64 %kind, i64 %n, i64 %site) noinline {
entry:
  %out = alloca i64
  %one = icmp eq i64 %n, 1
  br i1 %one, label %single, label %chain
single:
  %s = call %V* @ovsm_top(i64 0)
  %rs = call i64 @ovsm_compare(%V* %s, %V* %s, i64* %out, i64 %kind, i64 %site)
  %bs = icmp ne i64 %rs, 0
  br i1 %bs, label %fail, label %true
chain:
  br label %loop
loop:
  %i = phi i64 [ 1, %chain ], [ %i1, %next ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %body, label %true
body:
  %da = sub i64 %n, %i
  %db = sub i64 %da, 1
  %a = call %V* @ovsm_top(i64 %da)
  %b = call %V* @ovsm_top(i64 %db)
  %r = call i64 @ovsm_compare(%V* %a, %V* %b, i64* %out, i64 %kind, i64 %site)
  %bad = icmp ne i64 %r, 0
  br i1 %bad, label %fail, label %check
check:
  %o = load i64, i64* %out
  %ok = call i1 @ovsm_order_ok(i64 %kind, i64 %o)
  %i1 = add i64 %i, 1
  br i1 %ok, label %next, label %false
next:
  br label %loop
true:
  %rt = call i64 @ovsm_replace_top(i64 %n, i64 1, i64 1, i64 %site)
  ret i64 %rt
false:
  %rf = call i64 @ovsm_replace_top(i64 %n, i64 1, i64 0, i64 %site)
  ret i64 %rf
fail:
  ret i64 1
}

; Drops the top n values and pushes { tag, payload }.
define i64 @ovsm_replace_top(i64 %n, i64 %tag, i64 %payload, i64 %site) alwaysinline {
  call void @ovsm_drop(i64 %n)
  %r = call i64 @ovsm_push(i64 %tag, i64 %payload, i64 %site)
  ret i64 %r
}

; Structural equality.
define i1 @ovsm_equal(%V* %a, %V* %b) {
entry:
  %ta = call i64 @ovsm_tag(%V* %a)
  %tb = call i64 @ovsm_tag(%V* %b)
  %x = call i64 @ovsm_payload(%V* %a)
  %y = call i64 @ovsm_payload(%V* %b)
  %sametag = icmp eq i64 %ta, %tb
  br i1 %sametag, label %same, label %mixed
mixed:
  ; 1 = 1.0
  %na = call i1 @ovsm_is_number_tag(i64 %ta)
  %nb = call i1 @ovsm_is_number_tag(i64 %tb)
  %nums = and i1 %na, %nb
  br i1 %nums, label %floats, label %no
floats:
  %fc = call i64 @ovsm_num_cmp(i64 %ta, i64 %x, i64 %tb, i64 %y)
  %fe = icmp eq i64 %fc, 0
  ret i1 %fe
same:
  switch i64 %ta, label %words [ i64 0, label %yes
                                 i64 3, label %floats
                                 i64 4, label %bytes
                                 i64 5, label %bytes
                                 i64 12, label %bytes
                                 i64 6, label %arrays
                                 i64 7, label %maps ]
maps:
  %me = call i1 @ovsm_map_equal(i64 %x, i64 %y)
  ret i1 %me
words:
  %w = icmp eq i64 %x, %y
  ret i1 %w
bytes:
  %c = call i64 @ovsm_str_cmp(i64 %x, i64 %y)
  %e = icmp eq i64 %c, 0
  ret i1 %e
arrays:
  %px = inttoptr i64 %x to i64*
  %py = inttoptr i64 %y to i64*
  %lx = load i64, i64* %px
  %ly = load i64, i64* %py
  %samelen = icmp eq i64 %lx, %ly
  br i1 %samelen, label %loop, label %no
loop:
  %i = phi i64 [ 0, %arrays ], [ %i1, %itemok ]
  %more = icmp ult i64 %i, %lx
  br i1 %more, label %item, label %yes
item:
  %ea = call %V* @ovsm_array_item(i64 %x, i64 %i)
  %eb = call %V* @ovsm_array_item(i64 %y, i64 %i)
  %q = call i1 @ovsm_equal(%V* %ea, %V* %eb)
  %i1 = add i64 %i, 1
  br i1 %q, label %itemok, label %no
itemok:
  br label %loop
yes:
  ret i1 true
no:
  ret i1 false
}

; (= a b ...) over the top n values; (!= a b) with negate = 1.
define i64 @op_equal(i64 %n, i64 %negate, i64 %site) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 1, %entry ], [ %i1, %body ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %pair, label %all
pair:
  %da = sub i64 %n, %i
  %db = sub i64 %da, 1
  %a = call %V* @ovsm_top(i64 %da)
  %b = call %V* @ovsm_top(i64 %db)
  %q = call i1 @ovsm_equal(%V* %a, %V* %b)
  %i1 = add i64 %i, 1
  br i1 %q, label %body, label %differ
body:
  br label %loop
all:
  %r1 = xor i64 %negate, 1
  %s1 = call i64 @ovsm_replace_top(i64 %n, i64 1, i64 %r1, i64 %site)
  ret i64 %s1
differ:
  %s2 = call i64 @ovsm_replace_top(i64 %n, i64 1, i64 %negate, i64 %site)
  ret i64 %s2
}

; (not x)
define i64 @op_not(i64 %site) {
  %a = call %V* @ovsm_top(i64 0)
  %t = call i64 @ovsm_truthy(%V* %a)
  %n = xor i64 %t, 1
  call void @ovsm_set(%V* %a, i64 1, i64 %n)
  ret i64 0
}

; (+ a b c ...) and friends for n >= 2: a left fold ((a OP b) OP c) over the top n values,
; leaving the result in a's slot.
define i64 @op_fold(i64 %kind, i64 %n, i64 %site) {
entry:
  %last = sub i64 %n, 1
  br label %loop
loop:
  %i = phi i64 [ 1, %entry ], [ %i1, %step ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %body, label %done
body:
  ; the accumulator stays just below the unconsumed operands: move operand i next to it,
  ; then combine the pair with op_arith (which pops one and writes the other).
  %acc = call %V* @ovsm_top(i64 %last)
  %bd = sub i64 %last, %i
  %b = call %V* @ovsm_top(i64 %bd)
  %r = call i64 @ovsm_pair_op(%V* %acc, %V* %b, i64 %kind, i64 %site)
  %bad = icmp ne i64 %r, 0
  %i1 = add i64 %i, 1
  br i1 %bad, label %fail, label %step
step:
  br label %loop
done:
  call void @ovsm_drop(i64 %last)
  ret i64 0
fail:
  ret i64 %r
}

; *acc = *acc OP *b: two ints with op_arith's checks and messages, or, when either is a float,
; the soft-float operation on both as floats. A zero divisor (0, 0.0 or -0.0) is an error for
; floats too, as in the interpreter.
define i64 @ovsm_pair_op(%V* %acc, %V* %b, i64 %kind, i64 %site) noinline {
entry:
  %out = alloca i64
  %ta = call i64 @ovsm_tag(%V* %acc)
  %tb = call i64 @ovsm_tag(%V* %b)
  %na = call i1 @ovsm_is_number_tag(i64 %ta)
  br i1 %na, label %checkb, label %badA
checkb:
  %nb = call i1 @ovsm_is_number_tag(i64 %tb)
  br i1 %nb, label %numbers, label %badB
numbers:
  %x = call i64 @ovsm_payload(%V* %acc)
  %y = call i64 @ovsm_payload(%V* %b)
  %either = or i64 %ta, %tb
  %isints = icmp eq i64 %either, 2
  br i1 %isints, label %ints, label %floats
ints:
  %r = call i64 @ovsm_int_op(i64 %kind, i64 %x, i64 %y, i64* %out, i64 %site)
  %bad = icmp ne i64 %r, 0
  br i1 %bad, label %fail, label %ok
ok:
  %v = load i64, i64* %out
  call void @ovsm_set(%V* %acc, i64 2, i64 %v)
  ret i64 0
floats:
  %divlike = icmp uge i64 %kind, 3
  %yabs = and i64 %y, 9223372036854775807
  %fz = icmp eq i64 %yabs, 0
  %iz = icmp eq i64 %y, 0
  %bf = icmp eq i64 %tb, 3
  %yzero = select i1 %bf, i1 %fz, i1 %iz
  %byzero = and i1 %divlike, %yzero
  br i1 %byzero, label %divzero, label %fop
fop:
  %fx = call i64 @ovsm_as_float(i64 %ta, i64 %x)
  %fy = call i64 @ovsm_as_float(i64 %tb, i64 %y)
  %fr = call i64 @ovsm_float_op(i64 %kind, i64 %fx, i64 %fy)
  call void @ovsm_set(%V* %acc, i64 3, i64 %fr)
  ret i64 0
divzero:
  %ez = call i64 @ovsm_fail_literal(i64 205, i8* $STR"division by zero", i64 %site)
  ret i64 %ez
badA:
  %na1 = call i8* @ovsm_arith_name(i64 %kind)
  %e1 = call i64 @ovsm_expected(%V* %acc, i8* %na1, i8* $STR"numbers", i64 %site)
  ret i64 %e1
badB:
  %nb1 = call i8* @ovsm_arith_name(i64 %kind)
  %e2 = call i64 @ovsm_expected(%V* %b, i8* %nb1, i8* $STR"numbers", i64 %site)
  ret i64 %e2
fail:
  ret i64 %r
}

; kind: 0 +, 1 -, 2 *, 3 /, 4 % on f64 bits.
define i64 @ovsm_float_op(i64 %kind, i64 %x, i64 %y) {
entry:
  switch i64 %kind, label %add [ i64 1, label %sub
                                 i64 2, label %mul
                                 i64 3, label %div
                                 i64 4, label %rem ]
add:
  %a = call i64 @sf_add(i64 %x, i64 %y)
  ret i64 %a
sub:
  %s = call i64 @sf_sub(i64 %x, i64 %y)
  ret i64 %s
mul:
  %m = call i64 @sf_mul(i64 %x, i64 %y)
  ret i64 %m
div:
  %d = call i64 @sf_div(i64 %x, i64 %y)
  ret i64 %d
rem:
  %r = call i64 @sf_rem(i64 %x, i64 %y)
  ret i64 %r
}

; + - * / with n arguments (a call, or a builtin called as a value). No argument: (+) 0,
; (*) 1, (/) nil. One: a + 0, -a, a * 1, a: the first three type-check a exactly where the
; interpreter's (0 + a) does. More: a left fold, ((a + b) + c), which fails where the
; interpreter's ((0 + a) + b) + c does.
define i64 @op_variadic_arith(i64 %kind, i64 %n, i64 %site) {
entry:
  switch i64 %n, label %fold [ i64 0, label %none
                               i64 1, label %one ]
none:
  ; (+) is 0, (*) is 1, (/) is nil; `-` needs an argument (arity is checked first)
  switch i64 %kind, label %nil [ i64 0, label %zero
                                 i64 2, label %unit ]
zero:
  %r0 = call i64 @ovsm_push(i64 2, i64 0, i64 %site)
  ret i64 %r0
unit:
  %r1 = call i64 @ovsm_push(i64 2, i64 1, i64 %site)
  ret i64 %r1
nil:
  %r2 = call i64 @ovsm_push(i64 0, i64 0, i64 %site)
  ret i64 %r2
one:
  switch i64 %kind, label %same [ i64 0, label %plus
                                  i64 1, label %negate
                                  i64 2, label %times ]
plus:
  %r3 = call i64 @op_arith_imm(i64 0, i64 0, i64 %site)
  ret i64 %r3
negate:
  %r4 = call i64 @op_negate(i64 %site)
  ret i64 %r4
times:
  %r5 = call i64 @op_arith_imm(i64 2, i64 1, i64 %site)
  ret i64 %r5
same:
  ret i64 0
fold:
  %r6 = call i64 @op_fold(i64 %kind, i64 %n, i64 %site)
  ret i64 %r6
}

; (pow base exp): an integer to a non-negative integer is a checked integer, exactly as Rust's
; `checked_pow` computes it (square and multiply, stopping before a needless last squaring);
; anything else is a float power (ovsm_float_pow).
define i64 @op_pow(i64 %site) noinline {
entry:
  %out = alloca i64
  %bv = call %V* @ovsm_top(i64 1)
  %ev = call %V* @ovsm_top(i64 0)
  %bt = call i64 @ovsm_tag(%V* %bv)
  %et = call i64 @ovsm_tag(%V* %ev)
  %bint = icmp eq i64 %bt, 2
  %eint = icmp eq i64 %et, 2
  %base0 = call i64 @ovsm_payload(%V* %bv)
  %e0 = call i64 @ovsm_payload(%V* %ev)
  %enonneg = icmp sge i64 %e0, 0
  %ints0 = and i1 %bint, %eint
  %ints = and i1 %ints0, %enonneg
  br i1 %ints, label %int, label %notint
notint:
  %bnum = icmp eq i64 %bt, 3
  %bok = or i1 %bint, %bnum
  br i1 %bok, label %checkexp, label %basebad
basebad:
  %eb = call i64 @ovsm_expected(%V* %bv, i8* $STR"pow", i8* $STR"a number", i64 %site)
  ret i64 1
checkexp:
  %enum = icmp eq i64 %et, 3
  %eok = or i1 %eint, %enum
  br i1 %eok, label %floats, label %expbad
expbad:
  %ee = call i64 @ovsm_expected(%V* %ev, i8* $STR"pow", i8* $STR"a number", i64 %site)
  ret i64 1
floats:
  %fb = call i64 @ovsm_as_float(i64 %bt, i64 %base0)
  %fr = call i64 @ovsm_float_pow(i64 %fb, i64 %et, i64 %e0)
  %fs = call i64 @ovsm_replace_top(i64 2, i64 3, i64 %fr, i64 %site)
  ret i64 %fs
int:
  %big = icmp ugt i64 %e0, 4294967295
  br i1 %big, label %huge, label %start
huge:
  ; exponents past u32 fit only for bases -1, 0 and 1
  %small = icmp ule i64 %base0, 1
  %isneg1 = icmp eq i64 %base0, -1
  br i1 %small, label %same, label %neg1
same:
  br label %done
neg1:
  br i1 %isneg1, label %parity, label %overflow
parity:
  %odd = and i64 %e0, 1
  %isodd = icmp ne i64 %odd, 0
  %pm = select i1 %isodd, i64 -1, i64 1
  br label %done
start:
  %zero = icmp eq i64 %e0, 0
  br i1 %zero, label %one, label %loop
one:
  br label %done
loop:
  %e = phi i64 [ %e0, %start ], [ %e1, %square ]
  %base = phi i64 [ %base0, %start ], [ %sq, %square ]
  %acc = phi i64 [ 1, %start ], [ %acc1, %square ]
  %bit = and i64 %e, 1
  %set = icmp ne i64 %bit, 0
  br i1 %set, label %multiply, label %next
multiply:
  %m = call i64 @ovsm_int_op(i64 2, i64 %acc, i64 %base, i64* %out, i64 %site)
  %mbad = icmp ne i64 %m, 0
  br i1 %mbad, label %overflow, label %multiplied
multiplied:
  %accm = load i64, i64* %out
  %last = icmp eq i64 %e, 1
  br i1 %last, label %finished, label %next
next:
  %acc1 = phi i64 [ %acc, %loop ], [ %accm, %multiplied ]
  %e1 = lshr i64 %e, 1
  %s = call i64 @ovsm_int_op(i64 2, i64 %base, i64 %base, i64* %out, i64 %site)
  %sbad = icmp ne i64 %s, 0
  br i1 %sbad, label %overflow, label %square
square:
  %sq = load i64, i64* %out
  br label %loop
finished:
  br label %done
done:
  %r = phi i64 [ %base0, %same ], [ %pm, %parity ], [ 1, %one ], [ %accm, %finished ]
  %st = call i64 @ovsm_replace_top(i64 2, i64 2, i64 %r, i64 %site)
  ret i64 %st
overflow:
  ; (ovsm_int_op raised it as `*`; the error is pow's)
  %eo = call i64 @ovsm_overflow(i8* $STR"pow", i64 %site)
  ret i64 1
}

; base ** exponent as f64, by the rules of runtime/src/float_pow.rs (the interpreter's): exponent
; 0, 1, -1, 2, or 0.5 for a base whose sign bit is clear, directly; an integral base to an
; integral exponent whose power is exact in f64, exactly (10.0 to -8 is 1 / 10^8: one rounding);
; anything else by sf_pow, fdlibm's algorithm. `et` is the exponent's tag, `e` its payload.
define i64 @ovsm_float_pow(i64 %b, i64 %et, i64 %e) {
entry:
  %eint = icmp eq i64 %et, 2
  br i1 %eint, label %haven, label %efloat
efloat:
  %ishalf = icmp eq i64 %e, 4602678819172646912
  %bpos = icmp sge i64 %b, 0
  %halfroot = and i1 %ishalf, %bpos
  br i1 %halfroot, label %half, label %efloat1
half:
  %sq = call i64 @sf_sqrt(i64 %b)
  ret i64 %sq
efloat1:
  %et0 = call i64 @sf_round_int(i64 %e, i64 0)
  %integral = icmp eq i64 %et0, %e
  %eabs = and i64 %e, 9223372036854775807
  %esmall = icmp ult i64 %eabs, 4746794007248502784
  %eok = and i1 %integral, %esmall
  br i1 %eok, label %fromfloat, label %general
general:
  %pg = call i64 @sf_pow(i64 %b, i64 %e)
  ret i64 %pg
fromfloat:
  %nf = call i64 @sf_to_int(i64 %e)
  br label %haven
haven:
  ; the exponent as an integer n
  %n = phi i64 [ %e, %entry ], [ %nf, %fromfloat ]
  switch i64 %n, label %exact [ i64 0, label %one
                                i64 1, label %same
                                i64 -1, label %recip
                                i64 2, label %square ]
one:
  ret i64 4607182418800017408
same:
  ret i64 %b
recip:
  %rc = call i64 @sf_div(i64 4607182418800017408, i64 %b)
  ret i64 %rc
square:
  %s2 = call i64 @sf_mul(i64 %b, i64 %b)
  ret i64 %s2
exact:
  ; an integral, nonzero base below 2^53 whose power stays within 2^53 is exact
  %bt0 = call i64 @sf_round_int(i64 %b, i64 0)
  %bint = icmp eq i64 %bt0, %b
  %babs = and i64 %b, 9223372036854775807
  %bnz = icmp ne i64 %babs, 0
  %bsmall = icmp ult i64 %babs, 4845873199050653696
  %g1 = and i1 %bint, %bnz
  %g2 = and i1 %g1, %bsmall
  br i1 %g2, label %ipow, label %pow
ipow:
  %bi = call i64 @sf_to_int(i64 %b)
  %nneg = icmp slt i64 %n, 0
  %nn = sub i64 0, %n
  %m = select i1 %nneg, i64 %nn, i64 %n
  %bim = call i64 @ovsm_magnitude(i64 %bi)
  %unit = icmp eq i64 %bim, 1
  ; the power may grow while it is at most 2^53 / |base| (tested before the multiplication,
  ; which could otherwise wrap)
  %limit = udiv i64 9007199254740992, %bim
  br i1 %unit, label %signed, label %loop
loop:
  %k = phi i64 [ 0, %ipow ], [ %k1, %mul ]
  %acc = phi i64 [ 1, %ipow ], [ %acc1, %mul ]
  %more = icmp ult i64 %k, %m
  br i1 %more, label %step, label %signed
step:
  %fits = icmp ule i64 %acc, %limit
  br i1 %fits, label %mul, label %pow
mul:
  %acc1 = mul i64 %acc, %bim
  %k1 = add i64 %k, 1
  br label %loop
signed:
  ; |base|^m (1 for a base of magnitude 1), negated for a negative base to an odd power
  %mag = phi i64 [ 1, %ipow ], [ %acc, %loop ]
  %odd = and i64 %m, 1
  %bneg = icmp slt i64 %bi, 0
  %isodd = icmp ne i64 %odd, 0
  %flip = and i1 %isodd, %bneg
  %fm = call i64 @sf_from_int(i64 %mag)
  %fneg = xor i64 %fm, -9223372036854775808
  %fv = select i1 %flip, i64 %fneg, i64 %fm
  br i1 %nneg, label %invert, label %store
invert:
  %inv = call i64 @sf_div(i64 4607182418800017408, i64 %fv)
  ret i64 %inv
store:
  ret i64 %fv
pow:
  ; n as f64: an integral float exponent is n exactly
  %y = call i64 @sf_from_int(i64 %n)
  %p = call i64 @sf_pow(i64 %b, i64 %y)
  ret i64 %p
}

define i8* @ovsm_float_fn_name(i64 %kind) {
entry:
  switch i64 %kind, label %sqrt [ i64 1, label %floor
                                  i64 2, label %ceil
                                  i64 3, label %round
                                  i64 4, label %int
                                  i64 5, label %float ]
sqrt:
  ret i8* $STR"sqrt"
floor:
  ret i8* $STR"floor"
ceil:
  ret i8* $STR"ceil"
round:
  ret i8* $STR"round"
int:
  ret i8* $STR"int"
float:
  ret i8* $STR"float"
}

; (sqrt x) 0, (floor x) 1, (ceil x) 2, (round x) 3, (int x) 4, (float x) 5, on the top value,
; a number (op_int and op_float parse strings first). floor, ceil and round give integers (an
; error past i64); int truncates toward zero.
define i64 @op_float_fn(i64 %kind, i64 %site) noinline {
entry:
  %v = call %V* @ovsm_top(i64 0)
  %t = call i64 @ovsm_tag(%V* %v)
  %x = call i64 @ovsm_payload(%V* %v)
  %name = call i8* @ovsm_float_fn_name(i64 %kind)
  %conv = icmp uge i64 %kind, 4
  %isnum = call i1 @ovsm_is_number_tag(i64 %t)
  br i1 %isnum, label %num, label %bad
bad:
  %what = select i1 %conv, i8* $STR"a number or a numeric string", i8* $STR"a number"
  %eb = call i64 @ovsm_expected(%V* %v, i8* %name, i8* %what, i64 %site)
  ret i64 1
num:
  %isint = icmp eq i64 %t, 2
  switch i64 %kind, label %rnd [ i64 0, label %sqrt
                                 i64 4, label %int
                                 i64 5, label %float ]
sqrt:
  %f0 = call i64 @ovsm_as_float(i64 %t, i64 %x)
  %sq = call i64 @sf_sqrt(i64 %f0)
  call void @ovsm_set(%V* %v, i64 3, i64 %sq)
  ret i64 0
rnd:
  br i1 %isint, label %unchanged, label %rnd1
rnd1:
  %r = call i64 @sf_round_int(i64 %x, i64 %kind)
  %fits = call i1 @sf_fits_int(i64 %r)
  br i1 %fits, label %toint, label %overflow
toint:
  %ri = call i64 @sf_to_int(i64 %r)
  call void @ovsm_set(%V* %v, i64 2, i64 %ri)
  ret i64 0
int:
  br i1 %isint, label %unchanged, label %int1
int1:
  ; the interpreter's bound: |trunc(x)| < 9.223372036854775e18 (the f64 just below 2^63)
  %tr = call i64 @sf_round_int(i64 %x, i64 0)
  %tabs = and i64 %tr, 9223372036854775807
  %tok = icmp ult i64 %tabs, 4890909195324358655
  br i1 %tok, label %toint2, label %overflow
toint2:
  %ti = call i64 @sf_to_int(i64 %tr)
  call void @ovsm_set(%V* %v, i64 2, i64 %ti)
  ret i64 0
float:
  %fl = call i64 @ovsm_as_float(i64 %t, i64 %x)
  call void @ovsm_set(%V* %v, i64 3, i64 %fl)
  ret i64 0
unchanged:
  ret i64 0
overflow:
  %eo = call i64 @ovsm_overflow(i8* %name, i64 %site)
  ret i64 1
}

; (int x) and (float x): a string is parsed here, as Rust's `str::trim().parse()` (each in its
; own function, so a program that never converts strings does not carry the parsers); a number
; goes to op_float_fn.
define i64 @op_int(i64 %site) noinline {
entry:
  %out = alloca i64
  %v = call %V* @ovsm_top(i64 0)
  %t = call i64 @ovsm_tag(%V* %v)
  %isstr = icmp eq i64 %t, 4
  br i1 %isstr, label %string, label %number
number:
  %r = call i64 @op_float_fn(i64 4, i64 %site)
  ret i64 %r
string:
  %x = call i64 @ovsm_payload(%V* %v)
  %p = call i64 @ovsm_parse_int(i64 %x, i64* %out)
  %pok = icmp eq i64 %p, 0
  br i1 %pok, label %parsed, label %notint
parsed:
  %pv = load i64, i64* %out
  call void @ovsm_set(%V* %v, i64 2, i64 %pv)
  ret i64 0
notint:
  call void @sb_reset()
  call void @sb_obj(i8* $STR"`int`: ")
  call void @sb_quoted(i64 %x)
  call void @sb_obj(i8* $STR" is not an integer")
  %en = call i64 @ovsm_fail_sb(i64 211, i64 %site)
  ret i64 1
}

define i64 @op_float(i64 %site) noinline {
entry:
  %out = alloca i64
  %v = call %V* @ovsm_top(i64 0)
  %t = call i64 @ovsm_tag(%V* %v)
  %isstr = icmp eq i64 %t, 4
  br i1 %isstr, label %string, label %number
number:
  %r = call i64 @op_float_fn(i64 5, i64 %site)
  ret i64 %r
string:
  ; the syscall buffer is the parser's scratch
  %x = call i64 @ovsm_payload(%V* %v)
  %fb = call i64 @ovsm_trim_bounds(i64 %x)
  %fs = and i64 %fb, 4294967295
  %fe = lshr i64 %fb, 32
  %flen = sub i64 %fe, %fs
  %fa0 = add i64 %x, 8
  %fa = add i64 %fa0, %fs
  %fp = inttoptr i64 %fa to i8*
  %work = bitcast i8* $SYSBUF to i64*
  %pr = call i64 @sf_parse(i8* %fp, i64 %flen, i64* %work, i64* %out)
  %prok = icmp eq i64 %pr, 0
  br i1 %prok, label %parsed, label %notfloat
parsed:
  %fv = load i64, i64* %out
  call void @ovsm_set(%V* %v, i64 3, i64 %fv)
  ret i64 0
notfloat:
  call void @sb_reset()
  call void @sb_obj(i8* $STR"`float`: ")
  call void @sb_quoted(i64 %x)
  call void @sb_obj(i8* $STR" is not a number")
  %ef = call i64 @ovsm_fail_sb(i64 211, i64 %site)
  ret i64 1
}

; A string object as Rust's `str::trim().parse::<i64>()` reads it (Unicode's white space, as
; `trim`): 0 and the value in *out, or 1.
define i64 @ovsm_parse_int(i64 %s, i64* %out) {
entry:
  %base = add i64 %s, 8
  %bounds = call i64 @ovsm_trim_bounds(i64 %s)
  %i = and i64 %bounds, 4294967295
  %j = lshr i64 %bounds, 32
  %nonempty = icmp ult i64 %i, %j
  br i1 %nonempty, label %lead, label %bad
lead:
  %la = add i64 %base, %i
  %lp = inttoptr i64 %la to i8*
  %lc = load i8, i8* %lp
  %i1 = add i64 %i, 1
  br label %sign
sign:
  ; digits are [i, j)
  %minus = icmp eq i8 %lc, 45
  %plus = icmp eq i8 %lc, 43
  %signed = or i1 %minus, %plus
  %start = select i1 %signed, i64 %i1, i64 %i
  %empty = icmp uge i64 %start, %j
  br i1 %empty, label %bad, label %digits
digits:
  %k = phi i64 [ %start, %sign ], [ %k1, %digit ]
  %mag = phi i64 [ 0, %sign ], [ %mag1, %digit ]
  %kin = icmp ult i64 %k, %j
  br i1 %kin, label %dc, label %done
dc:
  %da = add i64 %base, %k
  %dp = inttoptr i64 %da to i8*
  %c = load i8, i8* %dp
  %d8 = sub i8 %c, 48
  %isdigit = icmp ult i8 %d8, 10
  br i1 %isdigit, label %dcheck, label %bad
dcheck:
  %d = zext i8 %d8 to i64
  ; mag * 10 + d must stay within 2^63 - 1, or 2^63 for a negative number
  %limit = select i1 %minus, i64 8, i64 7
  %over1 = icmp ugt i64 %mag, 922337203685477580
  %at = icmp eq i64 %mag, 922337203685477580
  %dbig = icmp ugt i64 %d, %limit
  %over2 = and i1 %at, %dbig
  %over = or i1 %over1, %over2
  br i1 %over, label %bad, label %digit
digit:
  %m10 = mul i64 %mag, 10
  %mag1 = add i64 %m10, %d
  %k1 = add i64 %k, 1
  br label %digits
done:
  %neg = sub i64 0, %mag
  %v = select i1 %minus, i64 %neg, i64 %mag
  store i64 %v, i64* %out
  ret i64 0
bad:
  ret i64 1
}
