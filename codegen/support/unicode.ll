; Unicode for `to-upper`, `to-lower`, `trim` and `int`: UTF-8, case mapping and white space,
; as Rust's `char::to_uppercase`, `char::to_lowercase` and `char::is_whitespace` (the
; interpreter's). Pure integer IR over the generated tables in unicode_tables.ll, with no `$`
; words, so that codegen/tests/unicode.rs can JIT both files alone and compare every code point
; with Rust. The string operations that use them are in text.ll.

; The code point at p (valid UTF-8, which every OVSM string is) and its length in bytes, as
; cp | len << 32.
define i64 @uc_decode(i8* %p) {
entry:
  %b0 = load i8, i8* %p
  %c0 = zext i8 %b0 to i64
  %one = icmp ult i64 %c0, 128
  br i1 %one, label %ascii, label %multi
ascii:
  %r1 = or i64 %c0, 4294967296
  ret i64 %r1
multi:
  %p1 = getelementptr i8, i8* %p, i64 1
  %b1 = load i8, i8* %p1
  %c1 = zext i8 %b1 to i64
  %t1 = and i64 %c1, 63
  %two = icmp ult i64 %c0, 224
  br i1 %two, label %len2, label %more
len2:
  %h2 = and i64 %c0, 31
  %s2 = shl i64 %h2, 6
  %v2 = or i64 %s2, %t1
  %r2 = or i64 %v2, 8589934592
  ret i64 %r2
more:
  %p2 = getelementptr i8, i8* %p, i64 2
  %b2 = load i8, i8* %p2
  %c2 = zext i8 %b2 to i64
  %t2 = and i64 %c2, 63
  %three = icmp ult i64 %c0, 240
  br i1 %three, label %len3, label %len4
len3:
  %h3 = and i64 %c0, 15
  %s3a = shl i64 %h3, 12
  %s3b = shl i64 %t1, 6
  %v3a = or i64 %s3a, %s3b
  %v3 = or i64 %v3a, %t2
  %r3 = or i64 %v3, 12884901888
  ret i64 %r3
len4:
  %p3 = getelementptr i8, i8* %p, i64 3
  %b3 = load i8, i8* %p3
  %c3 = zext i8 %b3 to i64
  %t3 = and i64 %c3, 63
  %h4 = and i64 %c0, 7
  %s4a = shl i64 %h4, 18
  %s4b = shl i64 %t1, 12
  %s4c = shl i64 %t2, 6
  %v4a = or i64 %s4a, %s4b
  %v4b = or i64 %v4a, %s4c
  %v4 = or i64 %v4b, %t3
  %r4 = or i64 %v4, 17179869184
  ret i64 %r4
}

; The UTF-8 length of a code point.
define i64 @uc_width(i64 %cp) {
  %a = icmp ult i64 %cp, 128
  %b = icmp ult i64 %cp, 2048
  %c = icmp ult i64 %cp, 65536
  %w4 = select i1 %c, i64 3, i64 4
  %w3 = select i1 %b, i64 2, i64 %w4
  %w = select i1 %a, i64 1, i64 %w3
  ret i64 %w
}

; Writes the code point at out (which has room for 4 bytes); returns how many bytes. The
; stores are volatile so that LLVM does not turn a caller's loop of them into a memcpy of
; variable length, which the BPF back end cannot lower.
define i64 @uc_encode(i64 %cp, i8* %out) {
entry:
  %w = call i64 @uc_width(i64 %cp)
  switch i64 %w, label %four [ i64 1, label %one
                               i64 2, label %two
                               i64 3, label %three ]
one:
  %a = trunc i64 %cp to i8
  store volatile i8 %a, i8* %out
  ret i64 1
two:
  %h2 = lshr i64 %cp, 6
  %l2 = and i64 %cp, 63
  call void @uc_put(i8* %out, i64 0, i64 %h2, i64 192)
  call void @uc_put(i8* %out, i64 1, i64 %l2, i64 128)
  ret i64 2
three:
  %h3 = lshr i64 %cp, 12
  %m3a = lshr i64 %cp, 6
  %m3 = and i64 %m3a, 63
  %l3 = and i64 %cp, 63
  call void @uc_put(i8* %out, i64 0, i64 %h3, i64 224)
  call void @uc_put(i8* %out, i64 1, i64 %m3, i64 128)
  call void @uc_put(i8* %out, i64 2, i64 %l3, i64 128)
  ret i64 3
four:
  %h4 = lshr i64 %cp, 18
  %m4a0 = lshr i64 %cp, 12
  %m4a = and i64 %m4a0, 63
  %m4b0 = lshr i64 %cp, 6
  %m4b = and i64 %m4b0, 63
  %l4 = and i64 %cp, 63
  call void @uc_put(i8* %out, i64 0, i64 %h4, i64 240)
  call void @uc_put(i8* %out, i64 1, i64 %m4a, i64 128)
  call void @uc_put(i8* %out, i64 2, i64 %m4b, i64 128)
  call void @uc_put(i8* %out, i64 3, i64 %l4, i64 128)
  ret i64 4
}

define void @uc_put(i8* %out, i64 %at, i64 %bits, i64 %marker) alwaysinline {
  %v = or i64 %bits, %marker
  %b = trunc i64 %v to i8
  %p = getelementptr i8, i8* %out, i64 %at
  store volatile i8 %b, i8* %p
  ret void
}

; The index of the last of the n entries at t whose start (bits 0-20) is at most cp, or -1.
; Callers name their tables with constant uc_table(k) calls, so a program links only the
; tables it can read (trimming does not carry the case tables).
define i64 @uc_search(i64* %t, i64 %n, i64 %cp) {
entry:
  br label %loop
loop:
  %lo = phi i64 [ 0, %entry ], [ %lo1, %step ]
  %hi = phi i64 [ %n, %entry ], [ %hi1, %step ]
  %more = icmp ult i64 %lo, %hi
  br i1 %more, label %probe, label %done
probe:
  %sum = add i64 %lo, %hi
  %mid = lshr i64 %sum, 1
  %ep = getelementptr i64, i64* %t, i64 %mid
  %e = load i64, i64* %ep
  %start = and i64 %e, 2097151
  %le = icmp ule i64 %start, %cp
  %mid1 = add i64 %mid, 1
  %lo1 = select i1 %le, i64 %mid1, i64 %lo
  %hi1 = select i1 %le, i64 %hi, i64 %mid
  br label %step
step:
  br label %loop
done:
  %r = sub i64 %lo, 1
  ret i64 %r
}

; Whether cp is in the set table of n entries at t (inclusive ranges, start | end << 32).
define i1 @uc_in_set(i64* %t, i64 %n, i64 %cp) {
entry:
  %i = call i64 @uc_search(i64* %t, i64 %n, i64 %cp)
  %none = icmp slt i64 %i, 0
  br i1 %none, label %no, label %check
check:
  %ep = getelementptr i64, i64* %t, i64 %i
  %e = load i64, i64* %ep
  %end = lshr i64 %e, 32
  %in = icmp ule i64 %cp, %end
  ret i1 %in
no:
  ret i1 false
}

; `char::is_whitespace`; ASCII without the table.
define i1 @uc_is_space(i64 %cp) {
entry:
  %ascii = icmp ult i64 %cp, 128
  br i1 %ascii, label %short, label %table
short:
  %sp = icmp eq i64 %cp, 32
  %c9 = sub i64 %cp, 9
  %ctl = icmp ult i64 %c9, 5
  %r0 = or i1 %sp, %ctl
  ret i1 %r0
table:
  %t = call i64* @uc_table(i64 6)
  %n = call i64 @uc_table_len(i64 6)
  %r = call i1 @uc_in_set(i64* %t, i64 %n, i64 %cp)
  ret i1 %r
}

; How `to-lower` sees cp beside a capital sigma: 0 other, 1 case-ignorable (skipped), 2 cased.
define i64 @uc_sigma_class(i64 %cp) {
entry:
  %it = call i64* @uc_table(i64 4)
  %in = call i64 @uc_table_len(i64 4)
  %ign = call i1 @uc_in_set(i64* %it, i64 %in, i64 %cp)
  br i1 %ign, label %ignorable, label %cased
ignorable:
  ret i64 1
cased:
  %ct = call i64* @uc_table(i64 5)
  %cn = call i64 @uc_table_len(i64 5)
  %c = call i1 @uc_in_set(i64* %ct, i64 %cn, i64 %cp)
  %r = select i1 %c, i64 2, i64 0
  ret i64 %r
}

; The upper (upper = 1) or lower (0) case of cp: a code point, or, when bit 63 is set, up to
; three BMP code points packed 16 bits apart (a zero third means two).
define i64 @uc_map(i64 %cp, i64 %upper) {
entry:
  %isup = icmp ne i64 %upper, 0
  %ut = call i64* @uc_table(i64 0)
  %un = call i64 @uc_table_len(i64 0)
  %us = call i64* @uc_table(i64 1)
  %lt = call i64* @uc_table(i64 2)
  %ln = call i64 @uc_table_len(i64 2)
  %ls = call i64* @uc_table(i64 3)
  %t = select i1 %isup, i64* %ut, i64* %lt
  %n = select i1 %isup, i64 %un, i64 %ln
  %specials = select i1 %isup, i64* %us, i64* %ls
  %i = call i64 @uc_search(i64* %t, i64 %n, i64 %cp)
  %none = icmp slt i64 %i, 0
  br i1 %none, label %same, label %entry1
entry1:
  %ep = getelementptr i64, i64* %t, i64 %i
  %e = load i64, i64* %ep
  %start = and i64 %e, 2097151
  %count0 = lshr i64 %e, 21
  %count = and i64 %count0, 2047
  %s20 = lshr i64 %e, 32
  %stride2 = and i64 %s20, 1
  %sp0 = lshr i64 %e, 33
  %special = and i64 %sp0, 1
  %delta = ashr i64 %e, 40
  %off = sub i64 %cp, %start
  ; a run of stride 2 maps every other code point only
  %odd = and i64 %off, %stride2
  %k = lshr i64 %off, %stride2
  %offrun = icmp ne i64 %odd, 0
  %past = icmp uge i64 %k, %count
  %outside = or i1 %offrun, %past
  br i1 %outside, label %same, label %mapped
mapped:
  %isspecial = icmp ne i64 %special, 0
  br i1 %isspecial, label %multi, label %single
single:
  %r = add i64 %cp, %delta
  ret i64 %r
multi:
  %mp = getelementptr i64, i64* %specials, i64 %delta
  %m = load i64, i64* %mp
  ret i64 %m
same:
  ret i64 %cp
}
