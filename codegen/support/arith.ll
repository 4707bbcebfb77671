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
  ; Overflow is checked on 32-bit halves of the magnitudes. The obvious `ub > MAX / ua` test
  ; is rewritten by LLVM into umul.with.overflow, an i128 multiply that the BPF back end
  ; cannot lower (`__multi3`).
  %ua = call i64 @ovsm_magnitude(i64 %a)
  %ub = call i64 @ovsm_magnitude(i64 %b)
  %ahi = lshr i64 %ua, 32
  %alo = and i64 %ua, 4294967295
  %bhi = lshr i64 %ub, 32
  %blo = and i64 %ub, 4294967295
  %ahiz = icmp eq i64 %ahi, 0
  %bhiz = icmp eq i64 %bhi, 0
  %onesmall = or i1 %ahiz, %bhiz
  br i1 %onesmall, label %mul1, label %overflow
mul1:
  %c1 = mul i64 %ahi, %blo
  %c2 = mul i64 %alo, %bhi
  %cross = add i64 %c1, %c2
  %crossbig = icmp uge i64 %cross, 4294967296
  br i1 %crossbig, label %overflow, label %mul2
mul2:
  %low = mul i64 %alo, %blo
  %hi = shl i64 %cross, 32
  %mag = add i64 %hi, %low
  %carry = icmp ult i64 %mag, %low
  br i1 %carry, label %overflow, label %mul3
mul3:
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
  br i1 %isint, label %int, label %bad
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
  br i1 %isint, label %int, label %bad
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

; Orders *a and *b (ints, or strings bytewise): -1, 0 or 1 in *out; raises for other types.
define i64 @ovsm_compare(%V* %a, %V* %b, i64* %out, i64 %kind, i64 %site) {
entry:
  %ta = call i64 @ovsm_tag(%V* %a)
  %tb = call i64 @ovsm_tag(%V* %b)
  %ia = icmp eq i64 %ta, 2
  %sa = icmp eq i64 %ta, 4
  %oka = or i1 %ia, %sa
  br i1 %oka, label %checkb, label %badA
checkb:
  %same = icmp eq i64 %ta, %tb
  br i1 %same, label %cmp, label %badB
cmp:
  %x = call i64 @ovsm_payload(%V* %a)
  %y = call i64 @ovsm_payload(%V* %b)
  br i1 %ia, label %ints, label %strings
ints:
  %lt = icmp slt i64 %x, %y
  %gt = icmp sgt i64 %x, %y
  %l = select i1 %lt, i64 -1, i64 0
  %o = select i1 %gt, i64 1, i64 %l
  store i64 %o, i64* %out
  ret i64 0
strings:
  %c = call i64 @ovsm_str_cmp(i64 %x, i64 %y)
  store i64 %c, i64* %out
  ret i64 0
badA:
  %na = call i8* @ovsm_compare_name(i64 %kind)
  %e1 = call i64 @ovsm_expected(%V* %a, i8* %na, i8* $STR"numbers or strings", i64 %site)
  ret i64 %e1
badB:
  %nb = call i8* @ovsm_compare_name(i64 %kind)
  %e2 = call i64 @ovsm_expected(%V* %b, i8* %nb, i8* $STR"numbers or strings", i64 %site)
  ret i64 %e2
}

; Bytewise order of two string objects.
define i64 @ovsm_str_cmp(i64 %x, i64 %y) {
entry:
  %px = inttoptr i64 %x to i64*
  %py = inttoptr i64 %y to i64*
  %lx = load i64, i64* %px
  %ly = load i64, i64* %py
  %shorter = icmp ult i64 %lx, %ly
  %n = select i1 %shorter, i64 %lx, i64 %ly
  %bx = add i64 %x, 8
  %by = add i64 %y, 8
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %same ]
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

; Whether an ordering satisfies comparison `kind`: 0 <, 1 <=, 2 >, 3 >=.
define i1 @ovsm_order_ok(i64 %kind, i64 %o) alwaysinline {
entry:
  switch i64 %kind, label %lt [ i64 1, label %le
                                i64 2, label %gt
                                i64 3, label %ge ]
lt:
  %a = icmp eq i64 %o, -1
  ret i1 %a
le:
  %b = icmp ne i64 %o, 1
  ret i1 %b
gt:
  %c = icmp eq i64 %o, 1
  ret i1 %c
ge:
  %d = icmp ne i64 %o, -1
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
  br i1 %sametag, label %same, label %no
same:
  switch i64 %ta, label %words [ i64 0, label %yes
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

; *acc = *acc OP *b, both ints, with op_arith's checks and messages.
define i64 @ovsm_pair_op(%V* %acc, %V* %b, i64 %kind, i64 %site) noinline {
entry:
  %out = alloca i64
  %ta = call i64 @ovsm_tag(%V* %acc)
  %tb = call i64 @ovsm_tag(%V* %b)
  %ia = icmp eq i64 %ta, 2
  br i1 %ia, label %checkb, label %badA
checkb:
  %ib = icmp eq i64 %tb, 2
  br i1 %ib, label %ints, label %badB
ints:
  %x = call i64 @ovsm_payload(%V* %acc)
  %y = call i64 @ovsm_payload(%V* %b)
  %r = call i64 @ovsm_int_op(i64 %kind, i64 %x, i64 %y, i64* %out, i64 %site)
  %bad = icmp ne i64 %r, 0
  br i1 %bad, label %fail, label %ok
ok:
  %v = load i64, i64* %out
  call void @ovsm_set(%V* %acc, i64 2, i64 %v)
  ret i64 0
badA:
  %na = call i8* @ovsm_arith_name(i64 %kind)
  %e1 = call i64 @ovsm_expected(%V* %acc, i8* %na, i8* $STR"numbers", i64 %site)
  ret i64 %e1
badB:
  %nb = call i8* @ovsm_arith_name(i64 %kind)
  %e2 = call i64 @ovsm_expected(%V* %b, i8* %nb, i8* $STR"numbers", i64 %site)
  ret i64 %e2
fail:
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

; ---- fast paths ---------------------------------------------------------------------------------
; The IR's two-operand Add, Sub, Lt ... NumEq on two ints, inline; anything else (a type error,
; an overflow to report) goes to the general operation.

define i64 @op_add2(i64 %kind, i64 %site) alwaysinline {
entry:
  %a = call %V* @ovsm_top(i64 1)
  %b = call %V* @ovsm_top(i64 0)
  %ta = call i64 @ovsm_tag(%V* %a)
  %tb = call i64 @ovsm_tag(%V* %b)
  %both0 = and i64 %ta, %tb
  %either = or i64 %ta, %tb
  %ints = icmp eq i64 %either, 2
  %ints2 = icmp eq i64 %both0, 2
  %fast = and i1 %ints, %ints2
  br i1 %fast, label %int, label %slow
int:
  %x = call i64 @ovsm_payload(%V* %a)
  %y = call i64 @ovsm_payload(%V* %b)
  %sub = icmp ne i64 %kind, 0
  %ny = sub i64 0, %y
  %s = add i64 %x, %y
  %d = sub i64 %x, %y
  %r = select i1 %sub, i64 %d, i64 %s
  ; overflow: for +, x and y share a sign that r lacks; for -, x and y differ and r differs from x
  %xr = xor i64 %x, %r
  %yr = xor i64 %y, %r
  %xy = xor i64 %x, %y
  %addov0 = and i64 %xr, %yr
  %subov0 = and i64 %xy, %xr
  %ov0 = select i1 %sub, i64 %subov0, i64 %addov0
  %ov = icmp slt i64 %ov0, 0
  br i1 %ov, label %slow, label %ok
ok:
  call void @ovsm_set(%V* %a, i64 2, i64 %r)
  call void @ovsm_drop(i64 1)
  ret i64 0
slow:
  %e = call i64 @op_arith(i64 %kind, i64 %site)
  ret i64 %e
}

; kind: 0 <, 1 <=, 2 >, 3 >=, 5 numeric = (NumEq).
define i64 @op_compare2(i64 %kind, i64 %site) alwaysinline {
entry:
  %a = call %V* @ovsm_top(i64 1)
  %b = call %V* @ovsm_top(i64 0)
  %ta = call i64 @ovsm_tag(%V* %a)
  %tb = call i64 @ovsm_tag(%V* %b)
  %both0 = and i64 %ta, %tb
  %either = or i64 %ta, %tb
  %ints = icmp eq i64 %either, 2
  %ints2 = icmp eq i64 %both0, 2
  %fast = and i1 %ints, %ints2
  br i1 %fast, label %int, label %slow
int:
  %x = call i64 @ovsm_payload(%V* %a)
  %y = call i64 @ovsm_payload(%V* %b)
  %lt = icmp slt i64 %x, %y
  %le = icmp sle i64 %x, %y
  %gt = icmp sgt i64 %x, %y
  %ge = icmp sge i64 %x, %y
  %eq = icmp eq i64 %x, %y
  %k1 = icmp eq i64 %kind, 1
  %k2 = icmp eq i64 %kind, 2
  %k3 = icmp eq i64 %kind, 3
  %k5 = icmp eq i64 %kind, 5
  %r1 = select i1 %k1, i1 %le, i1 %lt
  %r2 = select i1 %k2, i1 %gt, i1 %r1
  %r3 = select i1 %k3, i1 %ge, i1 %r2
  %r = select i1 %k5, i1 %eq, i1 %r3
  %v = zext i1 %r to i64
  call void @ovsm_set(%V* %a, i64 1, i64 %v)
  call void @ovsm_drop(i64 1)
  ret i64 0
slow:
  %numeq = icmp eq i64 %kind, 5
  br i1 %numeq, label %equal, label %order
equal:
  %e1 = call i64 @op_equal(i64 2, i64 0, i64 %site)
  ret i64 %e1
order:
  %e2 = call i64 @op_compare(i64 %kind, i64 2, i64 %site)
  ret i64 %e2
}

; (pow base exp): an integer to a non-negative integer is a checked integer, exactly as Rust's
; `checked_pow` computes it (square and multiply, stopping before a needless last squaring);
; float powers need the soft-float library the back end does not have yet: a run-time error.
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
  %ef = call i64 @ovsm_fail_literal(i64 211, i8* $STR"`pow` with a float or a negative exponent gives a float, which the sBPF back end does not support yet", i64 %site)
  ret i64 1
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
