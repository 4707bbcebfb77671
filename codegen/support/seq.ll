; OVSM support library, part 7: more array and string builtins.

; The array an argument stands for: its object, 0 for nil when nil_ok (an empty array), or -1
; after raising `OP expects an array`.
define i64 @ovsm_array_arg(%V* %v, i64 %nil_ok, i8* %op, i64 %site) {
entry:
  %t = call i64 @ovsm_tag(%V* %v)
  %isarr = icmp eq i64 %t, 6
  br i1 %isarr, label %arr, label %notarr
arr:
  %a = call i64 @ovsm_payload(%V* %v)
  ret i64 %a
notarr:
  %isnil = icmp eq i64 %t, 0
  %ok = icmp ne i64 %nil_ok, 0
  %nilok = and i1 %isnil, %ok
  br i1 %nilok, label %nil, label %bad
nil:
  ret i64 0
bad:
  %e = call i64 @ovsm_expected(%V* %v, i8* %op, i8* $STR"an array", i64 %site)
  ret i64 -1
}

define i64 @ovsm_len_of(i64 %arr) alwaysinline {
entry:
  %z = icmp eq i64 %arr, 0
  br i1 %z, label %none, label %some
none:
  ret i64 0
some:
  %p = inttoptr i64 %arr to i64*
  %n = load i64, i64* %p
  ret i64 %n
}

; Items [from, from + count) of arr as a new array pushed in place of the top `drop` values;
; arr 0 is the empty array.
define i64 @ovsm_push_slice(i64 %arr, i64 %from, i64 %count, i64 %drop, i64 %site) {
entry:
  %nz = icmp ne i64 %arr, 0
  %src0 = add i64 %arr, 8
  %off = shl i64 %from, 4
  %src1 = add i64 %src0, %off
  %src2 = select i1 %nz, i64 %src1, i64 0
  %src = inttoptr i64 %src2 to i8*
  %new = call i64 @ovsm_new_array(i8* %src, i64 %count, i64 0)
  %oom = icmp eq i64 %new, 0
  br i1 %oom, label %fail, label %ok
ok:
  %r = call i64 @ovsm_replace_top(i64 %drop, i64 6, i64 %new, i64 %site)
  ret i64 %r
fail:
  %e = call i64 @ovsm_out_of_memory(i64 %site)
  ret i64 %e
}

; (rest xs)
define i64 @op_rest(i64 %site) {
entry:
  %v = call %V* @ovsm_top(i64 0)
  %a = call i64 @ovsm_array_arg(%V* %v, i64 1, i8* $STR"rest", i64 %site)
  %bad = icmp eq i64 %a, -1
  br i1 %bad, label %fail, label %ok
ok:
  %n = call i64 @ovsm_len_of(i64 %a)
  %empty = icmp eq i64 %n, 0
  %from = select i1 %empty, i64 0, i64 1
  %count = select i1 %empty, i64 0, i64 %n
  %count1 = sub i64 %count, %from
  %r = call i64 @ovsm_push_slice(i64 %a, i64 %from, i64 %count1, i64 1, i64 %site)
  ret i64 %r
fail:
  ret i64 1
}

; (append xs ys): both arrays.
define i64 @op_append(i64 %site) {
entry:
  %xv = call %V* @ovsm_top(i64 1)
  %yv = call %V* @ovsm_top(i64 0)
  %x = call i64 @ovsm_array_arg(%V* %xv, i64 0, i8* $STR"append", i64 %site)
  %bx = icmp eq i64 %x, -1
  br i1 %bx, label %fail, label %second
second:
  %y = call i64 @ovsm_array_arg(%V* %yv, i64 0, i8* $STR"append", i64 %site)
  %by = icmp eq i64 %y, -1
  br i1 %by, label %fail, label %ok
ok:
  %n = call i64 @ovsm_len_of(i64 %x)
  %m = call i64 @ovsm_len_of(i64 %y)
  %xs0 = add i64 %x, 8
  %xs = inttoptr i64 %xs0 to i8*
  %new = call i64 @ovsm_new_array(i8* %xs, i64 %n, i64 %m)
  %oom = icmp eq i64 %new, 0
  br i1 %oom, label %nomem, label %fill
fill:
  %dst0 = call %V* @ovsm_array_item(i64 %new, i64 %n)
  %dst = bitcast %V* %dst0 to i8*
  %ys0 = add i64 %y, 8
  %ys = inttoptr i64 %ys0 to i8*
  %bytes = shl i64 %m, 4
  call void @ovsm_copy(i8* %dst, i8* %ys, i64 %bytes)
  %r = call i64 @ovsm_replace_top(i64 2, i64 6, i64 %new, i64 %site)
  ret i64 %r
nomem:
  %e = call i64 @ovsm_out_of_memory(i64 %site)
  ret i64 %e
fail:
  ret i64 1
}

; (cons x xs): xs must be an array.
define i64 @op_cons(i64 %site) {
entry:
  %xv = call %V* @ovsm_top(i64 1)
  %av = call %V* @ovsm_top(i64 0)
  %a = call i64 @ovsm_array_arg(%V* %av, i64 0, i8* $STR"cons", i64 %site)
  %bad = icmp eq i64 %a, -1
  br i1 %bad, label %fail, label %ok
ok:
  %n = call i64 @ovsm_len_of(i64 %a)
  %n1 = add i64 %n, 1
  %new = call i64 @ovsm_new_array(i8* null, i64 0, i64 %n1)
  %oom = icmp eq i64 %new, 0
  br i1 %oom, label %nomem, label %fill
fill:
  %first = call %V* @ovsm_array_item(i64 %new, i64 0)
  call void @ovsm_store(%V* %first, %V* %xv)
  %dst0 = call %V* @ovsm_array_item(i64 %new, i64 1)
  %dst = bitcast %V* %dst0 to i8*
  %src0 = add i64 %a, 8
  %src = inttoptr i64 %src0 to i8*
  %bytes = shl i64 %n, 4
  call void @ovsm_copy(i8* %dst, i8* %src, i64 %bytes)
  %r = call i64 @ovsm_replace_top(i64 2, i64 6, i64 %new, i64 %site)
  ret i64 %r
nomem:
  %e = call i64 @ovsm_out_of_memory(i64 %site)
  ret i64 %e
fail:
  ret i64 1
}

; (reverse xs) of an array, or of a string by characters.
define i64 @op_reverse(i64 %site) {
entry:
  %v = call %V* @ovsm_top(i64 0)
  %t = call i64 @ovsm_tag(%V* %v)
  %x = call i64 @ovsm_payload(%V* %v)
  switch i64 %t, label %bad [ i64 6, label %arr
                              i64 4, label %str ]
arr:
  %n = call i64 @ovsm_len_of(i64 %x)
  %new = call i64 @ovsm_new_array(i8* null, i64 0, i64 %n)
  %oom = icmp eq i64 %new, 0
  br i1 %oom, label %nomem, label %loop
loop:
  %i = phi i64 [ 0, %arr ], [ %i1, %body ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %body, label %done
body:
  %src = call %V* @ovsm_array_item(i64 %x, i64 %i)
  %j0 = sub i64 %n, 1
  %j = sub i64 %j0, %i
  %dst = call %V* @ovsm_array_item(i64 %new, i64 %j)
  call void @ovsm_store(%V* %dst, %V* %src)
  %i1 = add i64 %i, 1
  br label %loop
done:
  call void @ovsm_set(%V* %v, i64 6, i64 %new)
  ret i64 0
str:
  ; whole UTF-8 characters, last first: copy each character's bytes to the mirrored place
  %sp = inttoptr i64 %x to i64*
  %len = load i64, i64* %sp
  %bytes0 = add i64 %x, 8
  %bytes = inttoptr i64 %bytes0 to i8*
  %copy = call i64 @ovsm_new_string(i8* %bytes, i64 %len)
  %oom2 = icmp eq i64 %copy, 0
  br i1 %oom2, label %nomem, label %chars
chars:
  %dst0 = add i64 %copy, 8
  br label %cloop
cloop:
  %ci = phi i64 [ 0, %chars ], [ %cj, %cput ]
  %cmore = icmp ult i64 %ci, %len
  br i1 %cmore, label %cscan, label %cdone
cscan:
  br label %cend
cend:
  %cj0 = phi i64 [ %ci, %cscan ], [ %cj, %ccont ]
  %cj = add i64 %cj0, 1
  %cin = icmp ult i64 %cj, %len
  br i1 %cin, label %cpeek, label %cput
cpeek:
  %pa = getelementptr i8, i8* %bytes, i64 %cj
  %pc = load i8, i8* %pa
  %top2 = and i8 %pc, -64
  %iscont = icmp eq i8 %top2, -128
  br i1 %iscont, label %ccont, label %cput
ccont:
  br label %cend
cput:
  %clen = sub i64 %cj, %ci
  %at0 = sub i64 %len, %cj
  %at = add i64 %dst0, %at0
  %atp = inttoptr i64 %at to i8*
  %from = getelementptr i8, i8* %bytes, i64 %ci
  call void @ovsm_copy(i8* %atp, i8* %from, i64 %clen)
  br label %cloop
cdone:
  call void @ovsm_set(%V* %v, i64 4, i64 %copy)
  ret i64 0
nomem:
  %e = call i64 @ovsm_out_of_memory(i64 %site)
  ret i64 %e
bad:
  %e2 = call i64 @ovsm_expected(%V* %v, i8* $STR"reverse", i8* $STR"an array or string", i64 %site)
  ret i64 %e2
}

; (range end) (range start end) (range start end step) with n arguments.
define i64 @op_range(i64 %n, i64 %site) {
entry:
  %one = icmp eq i64 %n, 1
  %three = icmp eq i64 %n, 3
  %sd = select i1 %three, i64 2, i64 1
  %ed = select i1 %three, i64 1, i64 0
  %sv = call %V* @ovsm_top(i64 %sd)
  %ev = call %V* @ovsm_top(i64 %ed)
  %stv = call %V* @ovsm_top(i64 0)
  ; check the arguments in order, as the interpreter does
  br i1 %one, label %checke, label %checks
checks:
  %ts = call i64 @ovsm_tag(%V* %sv)
  %si = icmp eq i64 %ts, 2
  br i1 %si, label %checke, label %bads
checke:
  %te = call i64 @ovsm_tag(%V* %ev)
  %ei = icmp eq i64 %te, 2
  br i1 %ei, label %checkstep, label %bade
checkstep:
  br i1 %three, label %checkst, label %values
checkst:
  %tst = call i64 @ovsm_tag(%V* %stv)
  %sti = icmp eq i64 %tst, 2
  br i1 %sti, label %values, label %badst
values:
  %s0 = call i64 @ovsm_payload(%V* %sv)
  %start = select i1 %one, i64 0, i64 %s0
  %end = call i64 @ovsm_payload(%V* %ev)
  %st0 = call i64 @ovsm_payload(%V* %stv)
  %step = select i1 %three, i64 %st0, i64 1
  %zero = icmp eq i64 %step, 0
  br i1 %zero, label %zerostep, label %count
count:
  ; count = ceil(distance / |step|) in unsigned arithmetic, 0 when going the wrong way
  %up = icmp sgt i64 %step, 0
  %ahead = icmp sgt i64 %end, %start
  %behind = icmp slt i64 %end, %start
  %moves = select i1 %up, i1 %ahead, i1 %behind
  br i1 %moves, label %dist, label %make
dist:
  %d1 = sub i64 %end, %start
  %d2 = sub i64 %start, %end
  %d = select i1 %up, i64 %d1, i64 %d2
  %mag = call i64 @ovsm_magnitude(i64 %step)
  %q = udiv i64 %d, %mag
  %r = urem i64 %d, %mag
  %extra = icmp ne i64 %r, 0
  %e1 = zext i1 %extra to i64
  %c = add i64 %q, %e1
  br label %make
make:
  %cnt = phi i64 [ 0, %count ], [ %c, %dist ]
  ; a range larger than the heap could hold is refused before its size overflows
  %huge = icmp ugt i64 %cnt, 65536
  br i1 %huge, label %nomem, label %alloc
alloc:
  %new = call i64 @ovsm_new_array(i8* null, i64 0, i64 %cnt)
  %oom = icmp eq i64 %new, 0
  br i1 %oom, label %nomem, label %loop
loop:
  %i = phi i64 [ 0, %alloc ], [ %i1, %body ]
  %val = phi i64 [ %start, %alloc ], [ %val1, %body ]
  %more = icmp ult i64 %i, %cnt
  br i1 %more, label %body, label %done
body:
  %item = call %V* @ovsm_array_item(i64 %new, i64 %i)
  call void @ovsm_set(%V* %item, i64 2, i64 %val)
  %val1 = add i64 %val, %step
  %i1 = add i64 %i, 1
  br label %loop
done:
  %res = call i64 @ovsm_replace_top(i64 %n, i64 6, i64 %new, i64 %site)
  ret i64 %res
zerostep:
  %ez = call i64 @ovsm_fail_literal(i64 211, i8* $STR"`range` step must not be zero", i64 %site)
  ret i64 %ez
nomem:
  %eo = call i64 @ovsm_out_of_memory(i64 %site)
  ret i64 %eo
bads:
  %e_s = call i64 @ovsm_expected(%V* %sv, i8* $STR"range", i8* $STR"an integer", i64 %site)
  ret i64 %e_s
bade:
  %e_e = call i64 @ovsm_expected(%V* %ev, i8* $STR"range", i8* $STR"an integer", i64 %site)
  ret i64 %e_e
badst:
  %e_st = call i64 @ovsm_expected(%V* %stv, i8* $STR"range", i8* $STR"an integer", i64 %site)
  ret i64 %e_st
}

; (%sort xs): ints or strings ascending, stable (insertion sort into a copy); every adjacent
; pair is checked comparable first, as the interpreter does.
define i64 @op_sort(i64 %site) {
entry:
  %out = alloca i64
  %v = call %V* @ovsm_top(i64 0)
  %a = call i64 @ovsm_array_arg(%V* %v, i64 0, i8* $STR"sort", i64 %site)
  %bad = icmp eq i64 %a, -1
  br i1 %bad, label %fail, label %check
check:
  %n = call i64 @ovsm_len_of(i64 %a)
  %single = icmp eq i64 %n, 1
  br i1 %single, label %one, label %pairs
one:
  %only = call %V* @ovsm_array_item(i64 %a, i64 0)
  %r1 = call i64 @ovsm_compare(%V* %only, %V* %only, i64* %out, i64 4, i64 %site)
  %b1 = icmp ne i64 %r1, 0
  br i1 %b1, label %fail, label %copy
pairs:
  br label %ploop
ploop:
  %i = phi i64 [ 1, %pairs ], [ %i1, %pok ]
  %pmore = icmp ult i64 %i, %n
  br i1 %pmore, label %pbody, label %copy
pbody:
  %im = sub i64 %i, 1
  %x = call %V* @ovsm_array_item(i64 %a, i64 %im)
  %y = call %V* @ovsm_array_item(i64 %a, i64 %i)
  %r2 = call i64 @ovsm_compare(%V* %x, %V* %y, i64* %out, i64 4, i64 %site)
  %b2 = icmp ne i64 %r2, 0
  %i1 = add i64 %i, 1
  br i1 %b2, label %fail, label %pok
pok:
  br label %ploop
copy:
  %items0 = add i64 %a, 8
  %items = inttoptr i64 %items0 to i8*
  %new = call i64 @ovsm_new_array(i8* %items, i64 %n, i64 0)
  %oom = icmp eq i64 %new, 0
  br i1 %oom, label %nomem, label %sort
sort:
  br label %outer
outer:
  %k = phi i64 [ 1, %sort ], [ %k1, %placed ]
  %omore = icmp ult i64 %k, %n
  br i1 %omore, label %inner0, label %done
inner0:
  br label %inner
inner:
  ; move item j back while the one before it is greater (mismatched kinds compare equal,
  ; like the interpreter's sort, so they stay in place)
  %j = phi i64 [ %k, %inner0 ], [ %jm, %swap ]
  %atstart = icmp eq i64 %j, 0
  br i1 %atstart, label %placed, label %cmp
cmp:
  %jm = sub i64 %j, 1
  %p = call %V* @ovsm_array_item(i64 %new, i64 %jm)
  %q = call %V* @ovsm_array_item(i64 %new, i64 %j)
  %gt = call i1 @ovsm_sort_gt(%V* %p, %V* %q)
  br i1 %gt, label %swap, label %placed
swap:
  call void @ovsm_swap(%V* %p, %V* %q)
  br label %inner
placed:
  %k1 = add i64 %k, 1
  br label %outer
done:
  call void @ovsm_set(%V* %v, i64 6, i64 %new)
  ret i64 0
nomem:
  %e = call i64 @ovsm_out_of_memory(i64 %site)
  ret i64 %e
fail:
  ret i64 1
}

; a > b for two numbers (ints and floats mixed exactly) or two strings; false for anything
; else, a NaN included.
define i1 @ovsm_sort_gt(%V* %a, %V* %b) {
entry:
  %ta = call i64 @ovsm_tag(%V* %a)
  %tb = call i64 @ovsm_tag(%V* %b)
  %na = call i1 @ovsm_is_number_tag(i64 %ta)
  %nb = call i1 @ovsm_is_number_tag(i64 %tb)
  %nums = and i1 %na, %nb
  br i1 %nums, label %numbers, label %other
numbers:
  %xn = call i64 @ovsm_payload(%V* %a)
  %yn = call i64 @ovsm_payload(%V* %b)
  %o = call i64 @ovsm_num_cmp(i64 %ta, i64 %xn, i64 %tb, i64 %yn)
  %unordered = icmp eq i64 %o, 2
  br i1 %unordered, label %nan, label %ordered
ordered:
  %gn = icmp eq i64 %o, 1
  ret i1 %gn
nan:
  ; NaN sorts after every number and beside other NaNs: a total order, so this insertion sort
  ; and the interpreter's merge sort put an array in the same order
  %fa = icmp eq i64 %ta, 3
  %an = call i1 @sf_is_nan(i64 %xn)
  %anan = and i1 %fa, %an
  %fb = icmp eq i64 %tb, 3
  %bn = call i1 @sf_is_nan(i64 %yn)
  %bnan = and i1 %fb, %bn
  %bnum = xor i1 %bnan, true
  %gnan = and i1 %anan, %bnum
  ret i1 %gnan
other:
  %same = icmp eq i64 %ta, %tb
  br i1 %same, label %kind, label %no
kind:
  %x = call i64 @ovsm_payload(%V* %a)
  %y = call i64 @ovsm_payload(%V* %b)
  switch i64 %ta, label %no [ i64 2, label %ints
                              i64 4, label %strs ]
ints:
  %g = icmp sgt i64 %x, %y
  ret i1 %g
strs:
  %c = call i64 @ovsm_str_cmp(i64 %x, i64 %y)
  %g2 = icmp sgt i64 %c, 0
  ret i1 %g2
no:
  ret i1 false
}

define void @ovsm_swap(%V* %a, %V* %b) {
  %t0 = call i64 @ovsm_tag(%V* %a)
  %p0 = call i64 @ovsm_payload(%V* %a)
  call void @ovsm_store(%V* %a, %V* %b)
  call void @ovsm_set(%V* %b, i64 %t0, i64 %p0)
  ret void
}

; (contains? coll x): a substring, an equal item, or a key.
define i64 @op_contains(i64 %site) {
entry:
  %c = call %V* @ovsm_top(i64 1)
  %x = call %V* @ovsm_top(i64 0)
  %t = call i64 @ovsm_tag(%V* %c)
  %cp = call i64 @ovsm_payload(%V* %c)
  switch i64 %t, label %bad [ i64 4, label %str
                              i64 6, label %arr
                              i64 7, label %map ]
str:
  %tx = call i64 @ovsm_tag(%V* %x)
  %xs = icmp eq i64 %tx, 4
  br i1 %xs, label %find, label %badsub
find:
  %xp = call i64 @ovsm_payload(%V* %x)
  %found = call i1 @ovsm_str_find(i64 %cp, i64 %xp)
  br label %answer
arr:
  %n = call i64 @ovsm_len_of(i64 %cp)
  br label %aloop
aloop:
  %i = phi i64 [ 0, %arr ], [ %i1, %anext ]
  %amore = icmp ult i64 %i, %n
  br i1 %amore, label %abody, label %answer
abody:
  %item = call %V* @ovsm_array_item(i64 %cp, i64 %i)
  %eq = call i1 @ovsm_equal(%V* %item, %V* %x)
  %i1 = add i64 %i, 1
  br i1 %eq, label %answer, label %anext
anext:
  br label %aloop
map:
  %kt = call i64 @ovsm_tag(%V* %x)
  switch i64 %kt, label %answer [ i64 0, label %lookup
                                  i64 1, label %lookup
                                  i64 2, label %lookup
                                  i64 4, label %lookup
                                  i64 5, label %lookup ]
lookup:
  %at = call i64 @ovsm_map_find(i64 %cp, %V* %x)
  %has = icmp sge i64 %at, 0
  br label %answer
answer:
  %res = phi i1 [ %found, %find ], [ false, %aloop ], [ true, %abody ], [ false, %map ], [ %has, %lookup ]
  %b = zext i1 %res to i64
  %r = call i64 @ovsm_replace_top(i64 2, i64 1, i64 %b, i64 %site)
  ret i64 %r
badsub:
  %e1 = call i64 @ovsm_expected(%V* %x, i8* $STR"contains?", i8* $STR"a string to look for", i64 %site)
  ret i64 %e1
bad:
  %e2 = call i64 @ovsm_expected(%V* %c, i8* $STR"contains?", i8* $STR"a string, array or map", i64 %site)
  ret i64 %e2
}

; Whether string object `sub` occurs in string object `s`. Candidates are the places where the
; first byte of `sub` occurs, found eight bytes at a time (a word of s with none of that byte
; is skipped whole: `has a zero byte` of the word xor the byte repeated), then the rest compared.
define i1 @ovsm_str_find(i64 %s, i64 %sub) {
entry:
  %n = call i64 @ovsm_len_of(i64 %s)
  %m = call i64 @ovsm_len_of(i64 %sub)
  %fits = icmp ule i64 %m, %n
  br i1 %fits, label %nonempty, label %no
nonempty:
  %empty = icmp eq i64 %m, 0
  br i1 %empty, label %yes, label %start
start:
  %last = sub i64 %n, %m
  %sb = add i64 %s, 8
  %tb = add i64 %sub, 8
  %tp = inttoptr i64 %tb to i8*
  %first = load i8, i8* %tp
  %f64 = zext i8 %first to i64
  %pattern = mul i64 %f64, 72340172838076673        ; 0x0101010101010101
  br label %outer
outer:
  %i = phi i64 [ 0, %start ], [ %i8, %skip ], [ %i1, %miss ]
  %i7 = add i64 %i, 7
  %word = icmp ule i64 %i7, %last
  br i1 %word, label %scan, label %tail
scan:
  ; the eight candidate places i .. i + 7 at once
  %wa = add i64 %sb, %i
  %wp = inttoptr i64 %wa to i8*
  %w = call i64 @ovsm_load_u64(i8* %wp)
  %x = xor i64 %w, %pattern
  %x1 = sub i64 %x, 72340172838076673
  %nx = xor i64 %x, -1
  %z0 = and i64 %x1, %nx
  %z = and i64 %z0, -9187201950435737472               ; 0x8080808080808080
  %none = icmp eq i64 %z, 0
  %i8 = add i64 %i, 8
  br i1 %none, label %skip, label %place
skip:
  br label %outer
tail:
  %omore = icmp ule i64 %i, %last
  br i1 %omore, label %place, label %no
place:
  %ca0 = add i64 %sb, %i
  %cap = inttoptr i64 %ca0 to i8*
  %c = load i8, i8* %cap
  %hit = icmp eq i8 %c, %first
  br i1 %hit, label %rest, label %miss
rest:
  br label %inner
inner:
  %j = phi i64 [ 1, %rest ], [ %j1, %same ]
  %imore = icmp ult i64 %j, %m
  br i1 %imore, label %cmp, label %yes
cmp:
  %ij = add i64 %i, %j
  %a0 = add i64 %sb, %ij
  %a = inttoptr i64 %a0 to i8*
  %b0 = add i64 %tb, %j
  %b = inttoptr i64 %b0 to i8*
  %ca = load i8, i8* %a
  %cb = load i8, i8* %b
  %eq = icmp eq i8 %ca, %cb
  %j1 = add i64 %j, 1
  br i1 %eq, label %same, label %miss
same:
  br label %inner
miss:
  %i1 = add i64 %i, 1
  br label %outer
yes:
  ret i1 true
no:
  ret i1 false
}

; The byte offset of character index `chars` in string object s (its length in bytes when
; chars is the character count).
define i64 @ovsm_char_offset(i64 %s, i64 %chars) {
entry:
  %n = call i64 @ovsm_len_of(i64 %s)
  %b = add i64 %s, 8
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %body ]
  %c = phi i64 [ 0, %entry ], [ %c1, %body ]
  %inside = icmp ult i64 %i, %n
  br i1 %inside, label %check, label %done
check:
  %a = add i64 %b, %i
  %p = inttoptr i64 %a to i8*
  %byte = load i8, i8* %p
  %top2 = and i8 %byte, -64
  %cont = icmp eq i8 %top2, -128
  %starts = xor i1 %cont, true
  %reached = icmp eq i64 %c, %chars
  %stop = and i1 %starts, %reached
  br i1 %stop, label %done, label %body
body:
  %inc = zext i1 %starts to i64
  %c1 = add i64 %c, %inc
  %i1 = add i64 %i, 1
  br label %loop
done:
  ret i64 %i
}

; (substring s start end), by characters.
define i64 @op_substring(i64 %site) {
entry:
  %sv = call %V* @ovsm_top(i64 2)
  %av = call %V* @ovsm_top(i64 1)
  %bv = call %V* @ovsm_top(i64 0)
  %ts = call i64 @ovsm_tag(%V* %sv)
  %isstr = icmp eq i64 %ts, 4
  br i1 %isstr, label %ca, label %bads
ca:
  %ta = call i64 @ovsm_tag(%V* %av)
  %ia = icmp eq i64 %ta, 2
  br i1 %ia, label %cb, label %bada
cb:
  %tb = call i64 @ovsm_tag(%V* %bv)
  %ib = icmp eq i64 %tb, 2
  br i1 %ib, label %range, label %badb
range:
  %s = call i64 @ovsm_payload(%V* %sv)
  %start = call i64 @ovsm_payload(%V* %av)
  %end = call i64 @ovsm_payload(%V* %bv)
  %len = call i64 @ovsm_char_count(i64 %s)
  %sok = icmp ule i64 %start, %len
  br i1 %sok, label %checkend, label %badstart
checkend:
  %eok0 = icmp ule i64 %end, %len
  %eok1 = icmp sge i64 %end, %start
  %eok = and i1 %eok0, %eok1
  br i1 %eok, label %cut, label %badend
cut:
  %from = call i64 @ovsm_char_offset(i64 %s, i64 %start)
  %to = call i64 @ovsm_char_offset(i64 %s, i64 %end)
  %count = sub i64 %to, %from
  %b0 = add i64 %s, 8
  %b1 = add i64 %b0, %from
  %bp = inttoptr i64 %b1 to i8*
  %new = call i64 @ovsm_new_string(i8* %bp, i64 %count)
  %oom = icmp eq i64 %new, 0
  br i1 %oom, label %nomem, label %done
done:
  %r = call i64 @ovsm_replace_top(i64 3, i64 4, i64 %new, i64 %site)
  ret i64 %r
nomem:
  %e = call i64 @ovsm_out_of_memory(i64 %site)
  ret i64 %e
badstart:
  %e1 = call i64 @ovsm_index_error(i64 %start, i64 %len, i8* $STR"string", i64 %site)
  ret i64 %e1
badend:
  %e2 = call i64 @ovsm_index_error(i64 %end, i64 %len, i8* $STR"string", i64 %site)
  ret i64 %e2
bads:
  %e3 = call i64 @ovsm_expected(%V* %sv, i8* $STR"substring", i8* $STR"a string", i64 %site)
  ret i64 %e3
bada:
  %e4 = call i64 @ovsm_expected(%V* %av, i8* $STR"substring", i8* $STR"an integer", i64 %site)
  ret i64 %e4
badb:
  %e5 = call i64 @ovsm_expected(%V* %bv, i8* $STR"substring", i8* $STR"an integer", i64 %site)
  ret i64 %e5
}

; (join xs [sep]) or (join sep xs): display forms joined by sep.
define i64 @op_join(i64 %n, i64 %site) {
entry:
  %two = icmp eq i64 %n, 2
  %d0 = select i1 %two, i64 1, i64 0
  %first = call %V* @ovsm_top(i64 %d0)
  %second = call %V* @ovsm_top(i64 0)
  %t1 = call i64 @ovsm_tag(%V* %first)
  %t2 = call i64 @ovsm_tag(%V* %second)
  %firstarr = icmp eq i64 %t1, 6
  br i1 %firstarr, label %arrfirst, label %sepfirst
arrfirst:
  br i1 %two, label %checksep, label %nosep
checksep:
  %sepstr = icmp eq i64 %t2, 4
  br i1 %sepstr, label %go1, label %badsep
go1:
  %arr1 = call i64 @ovsm_payload(%V* %first)
  %sep1 = call i64 @ovsm_payload(%V* %second)
  br label %build
nosep:
  %arr2 = call i64 @ovsm_payload(%V* %first)
  br label %build
sepfirst:
  %isstr = icmp eq i64 %t1, 4
  %secarr = icmp eq i64 %t2, 6
  %both = and i1 %isstr, %secarr
  %ok = and i1 %both, %two
  br i1 %ok, label %go2, label %badfirst
go2:
  %arr3 = call i64 @ovsm_payload(%V* %second)
  %sep3 = call i64 @ovsm_payload(%V* %first)
  br label %build
build:
  %arr = phi i64 [ %arr1, %go1 ], [ %arr2, %nosep ], [ %arr3, %go2 ]
  %sep = phi i64 [ %sep1, %go1 ], [ 0, %nosep ], [ %sep3, %go2 ]
  %cnt = call i64 @ovsm_len_of(i64 %arr)
  call void @sb_reset()
  br label %loop
loop:
  %i = phi i64 [ 0, %build ], [ %i1, %item ]
  %more = icmp ult i64 %i, %cnt
  br i1 %more, label %sepq, label %finish
sepq:
  %notfirst = icmp ne i64 %i, 0
  %hassep = icmp ne i64 %sep, 0
  %put = and i1 %notfirst, %hassep
  br i1 %put, label %putsep, label %item
putsep:
  %sp = inttoptr i64 %sep to i8*
  call void @sb_obj(i8* %sp)
  br label %item
item:
  %v = call %V* @ovsm_array_item(i64 %arr, i64 %i)
  call void @sb_value(%V* %v, i64 0, i64 0)
  %i1 = add i64 %i, 1
  br label %loop
finish:
  %obj = call i64 @sb_finish()
  %z = icmp eq i64 %obj, 0
  br i1 %z, label %toolong, label %done
done:
  %r = call i64 @ovsm_replace_top(i64 %n, i64 4, i64 %obj, i64 %site)
  ret i64 %r
toolong:
  %e = call i64 @ovsm_too_long(i64 %site)
  ret i64 %e
badsep:
  %e1 = call i64 @ovsm_expected(%V* %second, i8* $STR"join", i8* $STR"a string", i64 %site)
  ret i64 %e1
badfirst:
  %e2 = call i64 @ovsm_expected(%V* %first, i8* $STR"join", i8* $STR"an array and a separator string", i64 %site)
  ret i64 %e2
}

; (slice xs start end)
define i64 @op_slice(i64 %site) {
entry:
  %xv = call %V* @ovsm_top(i64 2)
  %av = call %V* @ovsm_top(i64 1)
  %bv = call %V* @ovsm_top(i64 0)
  %arr = call i64 @ovsm_array_arg(%V* %xv, i64 0, i8* $STR"slice", i64 %site)
  %bad = icmp eq i64 %arr, -1
  br i1 %bad, label %fail, label %ca
ca:
  %ta = call i64 @ovsm_tag(%V* %av)
  %ia = icmp eq i64 %ta, 2
  br i1 %ia, label %cb, label %bada
cb:
  %tb = call i64 @ovsm_tag(%V* %bv)
  %ib = icmp eq i64 %tb, 2
  br i1 %ib, label %range, label %badb
range:
  %start = call i64 @ovsm_payload(%V* %av)
  %end = call i64 @ovsm_payload(%V* %bv)
  %len = call i64 @ovsm_len_of(i64 %arr)
  %sok = icmp ule i64 %start, %len
  br i1 %sok, label %checkend, label %badstart
checkend:
  %eok0 = icmp ule i64 %end, %len
  %eok1 = icmp sge i64 %end, %start
  %eok = and i1 %eok0, %eok1
  br i1 %eok, label %cut, label %badend
cut:
  %count = sub i64 %end, %start
  %r = call i64 @ovsm_push_slice(i64 %arr, i64 %start, i64 %count, i64 3, i64 %site)
  ret i64 %r
badstart:
  %e1 = call i64 @ovsm_index_error(i64 %start, i64 %len, i8* $STR"array", i64 %site)
  ret i64 %e1
badend:
  %e2 = call i64 @ovsm_index_error(i64 %end, i64 %len, i8* $STR"array", i64 %site)
  ret i64 %e2
bada:
  %e4 = call i64 @ovsm_expected(%V* %av, i8* $STR"slice", i8* $STR"an integer", i64 %site)
  ret i64 %e4
badb:
  %e5 = call i64 @ovsm_expected(%V* %bv, i8* $STR"slice", i8* $STR"an integer", i64 %site)
  ret i64 %e5
fail:
  ret i64 1
}

; (min ...) (want_max = 0) and (max ...) (want_max = 1) over the top n values, all integers.
define i64 @op_extreme(i64 %want_max, i64 %n, i64 %site) {
entry:
  %ismax = icmp ne i64 %want_max, 0
  %op = select i1 %ismax, i8* $STR"max", i8* $STR"min"
  %last = sub i64 %n, 1
  %first = call %V* @ovsm_top(i64 %last)
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %keep ]
  %best = phi %V* [ %first, %entry ], [ %best1, %keep ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %body, label %done
body:
  %d = sub i64 %last, %i
  %v = call %V* @ovsm_top(i64 %d)
  %t = call i64 @ovsm_tag(%V* %v)
  %isnum = call i1 @ovsm_is_number_tag(i64 %t)
  br i1 %isnum, label %cmp, label %bad
cmp:
  ; the first of equal values wins, and a NaN never does (it compares with nothing)
  %x = call i64 @ovsm_payload(%V* %v)
  %b = call i64 @ovsm_payload(%V* %best)
  %bt = call i64 @ovsm_tag(%V* %best)
  %o = call i64 @ovsm_num_cmp(i64 %t, i64 %x, i64 %bt, i64 %b)
  %gt = icmp eq i64 %o, 1
  %lt = icmp eq i64 %o, -1
  %better = select i1 %ismax, i1 %gt, i1 %lt
  %best1 = select i1 %better, %V* %v, %V* %best
  %i1 = add i64 %i, 1
  br label %keep
keep:
  br label %loop
done:
  call void @ovsm_store(%V* %first, %V* %best)
  call void @ovsm_drop(i64 %last)
  ret i64 0
bad:
  %e = call i64 @ovsm_expected(%V* %v, i8* %op, i8* $STR"numbers", i64 %site)
  ret i64 %e
}

; (empty? x)
define i64 @op_is_empty(i64 %site) {
entry:
  %v = call %V* @ovsm_top(i64 0)
  %t = call i64 @ovsm_tag(%V* %v)
  %x = call i64 @ovsm_payload(%V* %v)
  switch i64 %t, label %bad [ i64 0, label %yes
                              i64 4, label %count
                              i64 6, label %count
                              i64 7, label %count ]
count:
  %n = call i64 @ovsm_len_of(i64 %x)
  %z = icmp eq i64 %n, 0
  %b = zext i1 %z to i64
  call void @ovsm_set(%V* %v, i64 1, i64 %b)
  ret i64 0
yes:
  call void @ovsm_set(%V* %v, i64 1, i64 1)
  ret i64 0
bad:
  %e = call i64 @ovsm_expected(%V* %v, i8* $STR"empty?", i8* $STR"an array, string or map", i64 %site)
  ret i64 %e
}

; (split s sep): the pieces between occurrences of sep (empty pieces kept); an empty sep
; splits into characters.
define i64 @op_split(i64 %site) {
entry:
  %sv = call %V* @ovsm_top(i64 1)
  %pv = call %V* @ovsm_top(i64 0)
  %ts = call i64 @ovsm_tag(%V* %sv)
  %s_ok = icmp eq i64 %ts, 4
  br i1 %s_ok, label %checksep, label %bads
checksep:
  %tp = call i64 @ovsm_tag(%V* %pv)
  %p_ok = icmp eq i64 %tp, 4
  br i1 %p_ok, label %go, label %badp
go:
  %s = call i64 @ovsm_payload(%V* %sv)
  %sep = call i64 @ovsm_payload(%V* %pv)
  %m = call i64 @ovsm_len_of(i64 %sep)
  %chars = icmp eq i64 %m, 0
  br i1 %chars, label %bychar, label %count
bychar:
  %nc = call i64 @ovsm_char_count(i64 %s)
  %carr = call i64 @ovsm_new_array(i8* null, i64 0, i64 %nc)
  %cz = icmp eq i64 %carr, 0
  br i1 %cz, label %nomem, label %cfill
cfill:
  %cr = call i64 @ovsm_split_chars(i64 %s, i64 %carr)
  %cbad = icmp ne i64 %cr, 0
  br i1 %cbad, label %nomem, label %cdone
cdone:
  %r1 = call i64 @ovsm_replace_top(i64 2, i64 6, i64 %carr, i64 %site)
  ret i64 %r1
count:
  ; pieces = occurrences + 1; then cut them out
  %pieces = call i64 @ovsm_split_pieces(i64 %s, i64 %sep, i64 0)
  %arr = call i64 @ovsm_new_array(i8* null, i64 0, i64 %pieces)
  %az = icmp eq i64 %arr, 0
  br i1 %az, label %nomem, label %fill
fill:
  %ok = call i64 @ovsm_split_pieces(i64 %s, i64 %sep, i64 %arr)
  %failed = icmp eq i64 %ok, -1
  br i1 %failed, label %nomem, label %done
done:
  %r2 = call i64 @ovsm_replace_top(i64 2, i64 6, i64 %arr, i64 %site)
  ret i64 %r2
nomem:
  %e = call i64 @ovsm_out_of_memory(i64 %site)
  ret i64 %e
bads:
  %e1 = call i64 @ovsm_expected(%V* %sv, i8* $STR"split", i8* $STR"a string", i64 %site)
  ret i64 %e1
badp:
  %e2 = call i64 @ovsm_expected(%V* %pv, i8* $STR"split", i8* $STR"a string", i64 %site)
  ret i64 %e2
}

; Walks s for non-overlapping occurrences of sep (non-empty). With arr 0, returns the number
; of pieces; otherwise stores each piece as a new string into arr and returns the count, or -1
; when memory ran out.
define i64 @ovsm_split_pieces(i64 %s, i64 %sep, i64 %arr) {
entry:
  %n = call i64 @ovsm_len_of(i64 %s)
  %m = call i64 @ovsm_len_of(i64 %sep)
  %sb = add i64 %s, 8
  %pb = add i64 %sep, 8
  br label %scan
scan:
  %i = phi i64 [ 0, %entry ], [ %inext, %advance ], [ %after, %emitted ]
  %start = phi i64 [ 0, %entry ], [ %start, %advance ], [ %after, %emitted ]
  %k = phi i64 [ 0, %entry ], [ %k, %advance ], [ %k1, %emitted ]
  %end = add i64 %i, %m
  %fits = icmp ule i64 %end, %n
  br i1 %fits, label %match0, label %last
match0:
  br label %match
match:
  %j = phi i64 [ 0, %match0 ], [ %j1, %same ]
  %jm = icmp ult i64 %j, %m
  br i1 %jm, label %cmp, label %found
cmp:
  %ij = add i64 %i, %j
  %a0 = add i64 %sb, %ij
  %a = inttoptr i64 %a0 to i8*
  %b0 = add i64 %pb, %j
  %b = inttoptr i64 %b0 to i8*
  %ca = load i8, i8* %a
  %cb = load i8, i8* %b
  %eq = icmp eq i8 %ca, %cb
  %j1 = add i64 %j, 1
  br i1 %eq, label %same, label %advance
same:
  br label %match
advance:
  %inext = add i64 %i, 1
  br label %scan
found:
  %piece = call i64 @ovsm_store_piece(i64 %arr, i64 %k, i64 %sb, i64 %start, i64 %i)
  %pf = icmp eq i64 %piece, -1
  br i1 %pf, label %fail, label %emitted
emitted:
  %k1 = add i64 %k, 1
  %after = add i64 %i, %m
  br label %scan
last:
  %lp = call i64 @ovsm_store_piece(i64 %arr, i64 %k, i64 %sb, i64 %start, i64 %n)
  %lf = icmp eq i64 %lp, -1
  br i1 %lf, label %fail, label %count
count:
  %total = add i64 %k, 1
  ret i64 %total
fail:
  ret i64 -1
}

; Stores bytes [from, to) of the string at bytes `base` as item k of arr (nothing when arr is 0).
define i64 @ovsm_store_piece(i64 %arr, i64 %k, i64 %base, i64 %from, i64 %to) {
entry:
  %none = icmp eq i64 %arr, 0
  br i1 %none, label %skip, label %make
make:
  %p0 = add i64 %base, %from
  %p = inttoptr i64 %p0 to i8*
  %len = sub i64 %to, %from
  %obj = call i64 @ovsm_new_string(i8* %p, i64 %len)
  %z = icmp eq i64 %obj, 0
  br i1 %z, label %oom, label %put
put:
  %item = call %V* @ovsm_array_item(i64 %arr, i64 %k)
  call void @ovsm_set(%V* %item, i64 4, i64 %obj)
  ret i64 0
oom:
  ret i64 -1
skip:
  ret i64 0
}

; (format fmt args...) (to_error = 0) and (error fmt args...) (to_error = 1): each `{}`, `~a`
; or `~A` in fmt becomes the display form of the next argument.
define i64 @op_format(i64 %n, i64 %to_error, i64 %site) {
entry:
  %iserr = icmp ne i64 %to_error, 0
  %op = select i1 %iserr, i8* $STR"error", i8* $STR"format"
  %last = sub i64 %n, 1
  %fv = call %V* @ovsm_top(i64 %last)
  %t = call i64 @ovsm_tag(%V* %fv)
  %isstr = icmp eq i64 %t, 4
  br i1 %isstr, label %go, label %bad
go:
  %f = call i64 @ovsm_payload(%V* %fv)
  %len = call i64 @ovsm_len_of(i64 %f)
  %fb = add i64 %f, 8
  call void @sb_reset()
  br label %loop
loop:
  %i = phi i64 [ 0, %go ], [ %i1, %plain ], [ %i2, %filled ]
  %arg = phi i64 [ 1, %go ], [ %arg, %plain ], [ %arg1, %filled ]
  %more = icmp ult i64 %i, %len
  br i1 %more, label %char, label %done
char:
  %a0 = add i64 %fb, %i
  %ap = inttoptr i64 %a0 to i8*
  %c = load i8, i8* %ap
  %i1 = add i64 %i, 1
  %hasnext = icmp ult i64 %i1, %len
  br i1 %hasnext, label %peek, label %plain
peek:
  %b0 = add i64 %fb, %i1
  %bp = inttoptr i64 %b0 to i8*
  %d = load i8, i8* %bp
  %open = icmp eq i8 %c, 123
  %close = icmp eq i8 %d, 125
  %brace = and i1 %open, %close
  %tilde = icmp eq i8 %c, 126
  %la = icmp eq i8 %d, 97
  %ua = icmp eq i8 %d, 65
  %aa = or i1 %la, %ua
  %tila = and i1 %tilde, %aa
  %ph = or i1 %brace, %tila
  br i1 %ph, label %placeholder, label %plain
plain:
  call void @sb_byte(i8 %c)
  br label %loop
placeholder:
  %have = icmp ult i64 %arg, %n
  br i1 %have, label %fill, label %short
fill:
  %vd0 = sub i64 %n, 1
  %vd = sub i64 %vd0, %arg
  %v = call %V* @ovsm_top(i64 %vd)
  call void @sb_value(%V* %v, i64 0, i64 0)
  %arg1 = add i64 %arg, 1
  %i2 = add i64 %i, 2
  br label %filled
filled:
  br label %loop
done:
  %scr = load i64, i64* $SCRLEN
  %over = icmp eq i64 %scr, -1
  br i1 %over, label %toolong, label %finish
finish:
  br i1 %iserr, label %raise, label %make
raise:
  %r = call i64 @ovsm_fail_sb(i64 207, i64 %site)
  ret i64 %r
make:
  %obj = call i64 @sb_finish()
  %z = icmp eq i64 %obj, 0
  br i1 %z, label %nomem, label %push
push:
  %s = call i64 @ovsm_replace_top(i64 %n, i64 4, i64 %obj, i64 %site)
  ret i64 %s
short:
  call void @sb_reset()
  call void @sb_byte(i8 96)
  call void @sb_obj(i8* %op)
  call void @sb_obj(i8* $STR"`: the format string has more placeholders than arguments")
  %e0 = call i64 @ovsm_fail_sb(i64 202, i64 %site)
  ret i64 %e0
toolong:
  %e1 = call i64 @ovsm_too_long(i64 %site)
  ret i64 %e1
nomem:
  %e2 = call i64 @ovsm_out_of_memory(i64 %site)
  ret i64 %e2
bad:
  ; (error x y ...) with a non-string x raises x's display form, as the interpreter does
  br i1 %iserr, label %display, label %notstring
display:
  call void @sb_reset()
  call void @sb_value(%V* %fv, i64 0, i64 0)
  %e4 = call i64 @ovsm_fail_sb(i64 207, i64 %site)
  ret i64 %e4
notstring:
  %e3 = call i64 @ovsm_expected(%V* %fv, i8* %op, i8* $STR"a string", i64 %site)
  ret i64 %e3
}

; ---- (reduce + xs init) -----------------------------------------------------------------------

; Called by lower/fold.rs before a call of the global `reduce` with three arguments, on the
; stack as [slot, f, xs, init], where the global holds the prelude's `reduce` (only the
; prelude writes it). When f is the builtin `+` (descriptor %plus), xs an array, and init and
; every item all floats, or all ints whose running sum never overflows, the sum goes in the
; slot, the three arguments are dropped, and it returns 1: the value the prelude's loop gives,
; in the same order of additions, without a frame, an iterator and a call of `+` for each
; item. Anything else returns 0 with the stack as it was, and the caller makes the call: the general way
; raises any error where the interpreter does (a mixed or wrong type, the overflow, and the
; recursion limit, which is why the fold declines at the depth where entering would fail).
define i64 @ovsm_fold_sum(i64 %plus) noinline {
entry:
  %depth = load i64, i64* $DEPTH
  %max = load i64, i64* $MAXDEPTH
  %shallow = icmp ult i64 %depth, %max
  br i1 %shallow, label %callee, label %decline
callee:
  %f = call %V* @ovsm_top(i64 2)
  %ft = call i64 @ovsm_tag(%V* %f)
  %fp = call i64 @ovsm_payload(%V* %f)
  %isbuiltin = icmp eq i64 %ft, 9
  %isplus0 = icmp eq i64 %fp, %plus
  %isplus = and i1 %isbuiltin, %isplus0
  %xs = call %V* @ovsm_top(i64 1)
  %xt = call i64 @ovsm_tag(%V* %xs)
  %isarray = icmp eq i64 %xt, 6
  %go = and i1 %isplus, %isarray
  br i1 %go, label %start, label %decline
start:
  %arr = call i64 @ovsm_payload(%V* %xs)
  %n = call i64 @ovsm_len_of(i64 %arr)
  %init = call %V* @ovsm_top(i64 0)
  %it = call i64 @ovsm_tag(%V* %init)
  %ip = call i64 @ovsm_payload(%V* %init)
  ; the loops walk a pointer to the array's end: n and an index kept across sf_add's call took
  ; three more instructions an item in register moves
  %first = call %V* @ovsm_array_item(i64 %arr, i64 0)
  %last = call %V* @ovsm_array_item(i64 %arr, i64 %n)
  switch i64 %it, label %decline [ i64 3, label %floats
                                   i64 2, label %ints ]
floats:
  %fv = phi %V* [ %first, %start ], [ %fv1, %fadd ]
  %facc = phi i64 [ %ip, %start ], [ %fsum, %fadd ]
  %fmore = icmp ult %V* %fv, %last
  br i1 %fmore, label %fitem, label %fdone
fitem:
  %fvt = call i64 @ovsm_tag(%V* %fv)
  %fisfloat = icmp eq i64 %fvt, 3
  br i1 %fisfloat, label %fadd, label %decline
fadd:
  %fx = call i64 @ovsm_payload(%V* %fv)
  %fsum = call i64 @sf_add(i64 %facc, i64 %fx)
  %fv1 = getelementptr %V, %V* %fv, i64 1
  br label %floats
fdone:
  br label %done
ints:
  %iv = phi %V* [ %first, %start ], [ %iv1, %iadd ]
  %iacc = phi i64 [ %ip, %start ], [ %isum, %iadd ]
  %imore = icmp ult %V* %iv, %last
  br i1 %imore, label %iitem, label %idone
iitem:
  %ivt = call i64 @ovsm_tag(%V* %iv)
  %isint = icmp eq i64 %ivt, 2
  br i1 %isint, label %ifits, label %decline
ifits:
  ; a signed sum overflows when both operands' signs differ from the result's
  %ix = call i64 @ovsm_payload(%V* %iv)
  %isum = add i64 %iacc, %ix
  %ia = xor i64 %iacc, %isum
  %ib = xor i64 %ix, %isum
  %iboth = and i64 %ia, %ib
  %iover = icmp slt i64 %iboth, 0
  br i1 %iover, label %decline, label %iadd
iadd:
  %iv1 = getelementptr %V, %V* %iv, i64 1
  br label %ints
idone:
  br label %done
done:
  %rt = phi i64 [ 3, %fdone ], [ 2, %idone ]
  %rp = phi i64 [ %facc, %fdone ], [ %iacc, %idone ]
  %slot = call %V* @ovsm_top(i64 3)
  call void @ovsm_set(%V* %slot, i64 %rt, i64 %rp)
  call void @ovsm_drop(i64 3)
  ret i64 1
decline:
  ret i64 0
}
