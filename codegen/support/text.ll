; ---- text: `to-upper`, `to-lower`, `trim`, as Rust's `str` methods (the interpreter's) --------
; The Unicode knowledge is in unicode.ll and its generated tables.

; s without its leading and trailing white space, as byte offsets start | end << 32 (0, 0
; when it is all white space).
define i64 @ovsm_trim_bounds(i64 %s) {
entry:
  %ps = inttoptr i64 %s to i64*
  %n = load i64, i64* %ps
  %base = add i64 %s, 8
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %char ]
  %first = phi i64 [ -1, %entry ], [ %first1, %char ]
  %end = phi i64 [ 0, %entry ], [ %end1, %char ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %char, label %done
char:
  %a = add i64 %base, %i
  %p = inttoptr i64 %a to i8*
  %d = call i64 @uc_decode(i8* %p)
  %cp = and i64 %d, 4294967295
  %w = lshr i64 %d, 32
  %i1 = add i64 %i, %w
  %space = call i1 @uc_is_space(i64 %cp)
  %nofirst = icmp slt i64 %first, 0
  %here = select i1 %nofirst, i64 %i, i64 %first
  %first1 = select i1 %space, i64 %first, i64 %here
  %end1 = select i1 %space, i64 %end, i64 %i1
  br label %loop
done:
  %none = icmp slt i64 %first, 0
  %start = select i1 %none, i64 0, i64 %first
  %hi = shl i64 %end, 32
  %r = or i64 %start, %hi
  ret i64 %r
}

; (trim s)
define i64 @op_trim(i64 %site) {
entry:
  %v = call %V* @ovsm_top(i64 0)
  %t = call i64 @ovsm_tag(%V* %v)
  %isstr = icmp eq i64 %t, 4
  br i1 %isstr, label %bounds, label %bad
bounds:
  %s = call i64 @ovsm_payload(%V* %v)
  %ps = inttoptr i64 %s to i64*
  %n = load i64, i64* %ps
  %b = call i64 @ovsm_trim_bounds(i64 %s)
  %start = and i64 %b, 4294967295
  %end = lshr i64 %b, 32
  ; strings are immutable: nothing to trim, nothing to copy
  %whole0 = icmp eq i64 %start, 0
  %whole1 = icmp eq i64 %end, %n
  %whole = and i1 %whole0, %whole1
  br i1 %whole, label %same, label %cut
same:
  ret i64 0
cut:
  %len = sub i64 %end, %start
  %a0 = add i64 %s, 8
  %a = add i64 %a0, %start
  %src = inttoptr i64 %a to i8*
  %new = call i64 @ovsm_new_string(i8* %src, i64 %len)
  %oom = icmp eq i64 %new, 0
  br i1 %oom, label %nomem, label %done
done:
  %r = call i64 @ovsm_replace_top(i64 1, i64 4, i64 %new, i64 %site)
  ret i64 %r
nomem:
  %e = call i64 @ovsm_out_of_memory(i64 %site)
  ret i64 %e
bad:
  %e2 = call i64 @ovsm_expected(%V* %v, i8* $STR"trim", i8* $STR"a string", i64 %site)
  ret i64 %e2
}

; (to-upper s) when upper is 1, (to-lower s) when 0: every character mapped, into a new
; string sized by a first pass (a mapping may be longer than its character: ß is SS).
define i64 @op_case(i64 %upper, i64 %site) {
entry:
  %v = call %V* @ovsm_top(i64 0)
  %t = call i64 @ovsm_tag(%V* %v)
  %isstr = icmp eq i64 %t, 4
  br i1 %isstr, label %go, label %bad
go:
  %s = call i64 @ovsm_payload(%V* %v)
  %size = call i64 @ovsm_case_pass(i64 %s, i64 %upper, i8* null)
  %alloc = add i64 %size, 8
  %mem = call i8* @ovsm_alloc(i64 %alloc)
  %oom = icmp eq i8* %mem, null
  br i1 %oom, label %nomem, label %fill
fill:
  %w = bitcast i8* %mem to i64*
  store i64 %size, i64* %w
  %out = getelementptr i8, i8* %mem, i64 8
  %written = call i64 @ovsm_case_pass(i64 %s, i64 %upper, i8* %out)
  %new = ptrtoint i8* %mem to i64
  %r = call i64 @ovsm_replace_top(i64 1, i64 4, i64 %new, i64 %site)
  ret i64 %r
nomem:
  %e = call i64 @ovsm_out_of_memory(i64 %site)
  ret i64 %e
bad:
  %isup = icmp ne i64 %upper, 0
  %op = select i1 %isup, i8* $STR"to-upper", i8* $STR"to-lower"
  %e2 = call i64 @ovsm_expected(%V* %v, i8* %op, i8* $STR"a string", i64 %site)
  ret i64 %e2
}

; One pass over s: the bytes its case mapping takes, written at out unless out is null.
define i64 @ovsm_case_pass(i64 %s, i64 %upper, i8* %out) {
entry:
  %ps = inttoptr i64 %s to i64*
  %n = load i64, i64* %ps
  %base = add i64 %s, 8
  %count = icmp eq i8* %out, null
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %char ]
  %at = phi i64 [ 0, %entry ], [ %at1, %char ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %char, label %done
char:
  %a = add i64 %base, %i
  %p = inttoptr i64 %a to i8*
  %d = call i64 @uc_decode(i8* %p)
  %cp = and i64 %d, 4294967295
  %w = lshr i64 %d, 32
  %m = call i64 @ovsm_case_of(i64 %base, i64 %n, i64 %i, i64 %cp, i64 %upper)
  %dst = getelementptr i8, i8* %out, i64 %at
  %to = select i1 %count, i8* null, i8* %dst
  %put = call i64 @ovsm_put_mapped(i64 %m, i8* %to)
  %at1 = add i64 %at, %put
  %i1 = add i64 %i, %w
  br label %loop
done:
  ret i64 %at
}

; The mapping of the character cp at byte i of the n bytes at base: uc_map's, except that a
; capital sigma lowers to the final form at the end of a word, as in Rust.
define i64 @ovsm_case_of(i64 %base, i64 %n, i64 %i, i64 %cp, i64 %upper) {
entry:
  %lower = icmp eq i64 %upper, 0
  %sigma = icmp eq i64 %cp, 931
  %both = and i1 %lower, %sigma
  br i1 %both, label %sig, label %plain
sig:
  %final = call i1 @ovsm_final_sigma(i64 %base, i64 %n, i64 %i)
  %r = select i1 %final, i64 962, i64 963
  ret i64 %r
plain:
  %m = call i64 @uc_map(i64 %cp, i64 %upper)
  ret i64 %m
}

; Rust's Final_Sigma: a cased letter before the sigma at byte i and none after it, skipping
; case-ignorable characters both ways.
define i1 @ovsm_final_sigma(i64 %base, i64 %n, i64 %i) {
entry:
  br label %back
back:
  %j = phi i64 [ %i, %entry ], [ %k1, %prev ]
  %atstart = icmp eq i64 %j, 0
  br i1 %atstart, label %no, label %stepback
stepback:
  %k = phi i64 [ %j, %back ], [ %k1, %stepback ]
  %k1 = sub i64 %k, 1
  %ba = add i64 %base, %k1
  %bp = inttoptr i64 %ba to i8*
  %b = load i8, i8* %bp
  %top = and i8 %b, -64
  %isrest = icmp eq i8 %top, -128
  br i1 %isrest, label %stepback, label %prev
prev:
  %pd = call i64 @uc_decode(i8* %bp)
  %pcp = and i64 %pd, 4294967295
  %pc = call i64 @uc_sigma_class(i64 %pcp)
  switch i64 %pc, label %no [ i64 1, label %back
                              i64 2, label %forward ]
forward:
  %f0 = add i64 %i, 2
  br label %fwd
fwd:
  %f = phi i64 [ %f0, %forward ], [ %f1, %fchar ]
  %end = icmp uge i64 %f, %n
  br i1 %end, label %yes, label %fchar
fchar:
  %fa = add i64 %base, %f
  %fp = inttoptr i64 %fa to i8*
  %fd = call i64 @uc_decode(i8* %fp)
  %fcp = and i64 %fd, 4294967295
  %fw = lshr i64 %fd, 32
  %f1 = add i64 %f, %fw
  %fc = call i64 @uc_sigma_class(i64 %fcp)
  switch i64 %fc, label %yes [ i64 1, label %fwd
                               i64 2, label %no ]
yes:
  ret i1 true
no:
  ret i1 false
}

; Writes uc_map's answer m at out (unless out is null); returns its length in bytes.
define i64 @ovsm_put_mapped(i64 %m, i8* %out) {
entry:
  %multi = icmp slt i64 %m, 0
  br i1 %multi, label %several, label %one
one:
  %w = call i64 @ovsm_put_cp(i64 %m, i8* %out, i64 0)
  ret i64 %w
several:
  %c1 = and i64 %m, 65535
  %m2 = lshr i64 %m, 16
  %c2 = and i64 %m2, 65535
  %m3 = lshr i64 %m, 32
  %c3 = and i64 %m3, 65535
  %w1 = call i64 @ovsm_put_cp(i64 %c1, i8* %out, i64 0)
  %w2 = call i64 @ovsm_put_cp(i64 %c2, i8* %out, i64 %w1)
  %w12 = add i64 %w1, %w2
  %three = icmp ne i64 %c3, 0
  br i1 %three, label %third, label %two
two:
  ret i64 %w12
third:
  %w3 = call i64 @ovsm_put_cp(i64 %c3, i8* %out, i64 %w12)
  %w123 = add i64 %w12, %w3
  ret i64 %w123
}

define i64 @ovsm_put_cp(i64 %cp, i8* %out, i64 %at) {
entry:
  %count = icmp eq i8* %out, null
  br i1 %count, label %width, label %write
width:
  %w = call i64 @uc_width(i64 %cp)
  ret i64 %w
write:
  %p = getelementptr i8, i8* %out, i64 %at
  %n = call i64 @uc_encode(i64 %cp, i8* %p)
  ret i64 %n
}
