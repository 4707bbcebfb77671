; Decimal text to f64, correctly rounded, as Rust's `f64::from_str` (the interpreter's `float`
; of a string): an optional sign, then `inf`, `infinity` or `nan` in any case, or digits with
; an optional point and an optional exponent (`1`, `1.`, `.5`, `2.5e-3`, `1E+9`).
;
; Short inputs take Clinger's fast path: at most 2^53 as an integer, times or over a power of
; ten up to 10^22, both exact in f64, so one soft-float operation rounds once and correctly.
; The rest is exact: the digits become a big integer D (u32 limbs in i64 words), and either
; D * 10^e is rounded from its top 63 bits, or D / 10^-e is divided out to 63 bits by long
; division; the bits left over (or the remainder) are jammed into the last bit, so
; sf_round_pack rounds once, to nearest even, subnormals included. Past 800 significant
; digits the rest only matters as "some non-zero digit follows" (a halfway point between two
; doubles has at most 767), which a final digit 1 stands for, as in Rust.
;
; Pure integer IR beside softfloat.ll (no `$` words): codegen/tests/softfloat.rs JITs it and
; compares it with Rust's parser.

; ---- big integers: n limbs of 32 bits, little-endian, one per i64 ----------------------------

define void @bn_zero(i64* %a, i64 %n) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %body ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %body, label %done
body:
  %p = getelementptr i64, i64* %a, i64 %i
  store volatile i64 0, i64* %p
  %i1 = add i64 %i, 1
  br label %loop
done:
  ret void
}

; a = a * m + c, for m, c < 2^32 (the caller leaves a limb of room at the top).
define void @bn_mul_add(i64* %a, i64 %n, i64 %m, i64 %c) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %body ]
  %carry = phi i64 [ %c, %entry ], [ %carry1, %body ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %body, label %done
body:
  %p = getelementptr i64, i64* %a, i64 %i
  %x = load i64, i64* %p
  %xm = mul i64 %x, %m
  %t = add i64 %xm, %carry
  %lo = and i64 %t, 4294967295
  store i64 %lo, i64* %p
  %carry1 = lshr i64 %t, 32
  %i1 = add i64 %i, 1
  br label %loop
done:
  ret void
}

; The number of significant bits.
define i64 @bn_bits(i64* %a, i64 %n) {
entry:
  br label %loop
loop:
  %i = phi i64 [ %n, %entry ], [ %i1, %zero ]
  %any = icmp ugt i64 %i, 0
  br i1 %any, label %limb, label %none
limb:
  %i1 = sub i64 %i, 1
  %p = getelementptr i64, i64* %a, i64 %i1
  %x = load i64, i64* %p
  %nz = icmp ne i64 %x, 0
  br i1 %nz, label %found, label %zero
zero:
  br label %loop
found:
  %lz = call i64 @sf_clz(i64 %x)
  %top = sub i64 64, %lz
  %below = shl i64 %i1, 5
  %r = add i64 %below, %top
  ret i64 %r
none:
  ret i64 0
}

; Limb k of a, or 0 outside [0, n).
define i64 @bn_limb(i64* %a, i64 %n, i64 %k) {
entry:
  %in = icmp ult i64 %k, %n
  br i1 %in, label %load, label %out
load:
  %p = getelementptr i64, i64* %a, i64 %k
  %x = load i64, i64* %p
  ret i64 %x
out:
  ret i64 0
}

; a <<= s bits (what moves past limb n - 1 is lost; callers size n so that nothing is).
define void @bn_shl(i64* %a, i64 %n, i64 %s) {
entry:
  %w = lshr i64 %s, 5
  %b = and i64 %s, 31
  %rb = sub i64 32, %b
  br label %loop
loop:
  %i = phi i64 [ %n, %entry ], [ %i1, %body ]
  %more = icmp ugt i64 %i, 0
  br i1 %more, label %body, label %done
body:
  %i1 = sub i64 %i, 1
  ; limbs i1 - w and i1 - w - 1 (k < 0 wraps to a huge index, which bn_limb reads as 0)
  %src = sub i64 %i1, %w
  %src1 = sub i64 %src, 1
  %hi = call i64 @bn_limb(i64* %a, i64 %n, i64 %src)
  %lo = call i64 @bn_limb(i64* %a, i64 %n, i64 %src1)
  %hs = shl i64 %hi, %b
  %ls = lshr i64 %lo, %rb
  %v0 = or i64 %hs, %ls
  %v = and i64 %v0, 4294967295
  %p = getelementptr i64, i64* %a, i64 %i1
  store i64 %v, i64* %p
  br label %loop
done:
  ret void
}

; a >>= 1
define void @bn_shr1(i64* %a, i64 %n) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %body ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %body, label %done
body:
  %p = getelementptr i64, i64* %a, i64 %i
  %x = load i64, i64* %p
  %i1 = add i64 %i, 1
  %next = call i64 @bn_limb(i64* %a, i64 %n, i64 %i1)
  %low = and i64 %next, 1
  %carry = shl i64 %low, 31
  %xs = lshr i64 %x, 1
  %v = or i64 %xs, %carry
  store i64 %v, i64* %p
  br label %loop
done:
  ret void
}

; -1, 0 or 1 as a < b, a = b, a > b.
define i64 @bn_cmp(i64* %a, i64* %b, i64 %n) {
entry:
  br label %loop
loop:
  %i = phi i64 [ %n, %entry ], [ %i1, %same ]
  %any = icmp ugt i64 %i, 0
  br i1 %any, label %limb, label %equal
limb:
  %i1 = sub i64 %i, 1
  %pa = getelementptr i64, i64* %a, i64 %i1
  %pb = getelementptr i64, i64* %b, i64 %i1
  %x = load i64, i64* %pa
  %y = load i64, i64* %pb
  %eq = icmp eq i64 %x, %y
  br i1 %eq, label %same, label %differ
same:
  br label %loop
differ:
  %lt = icmp ult i64 %x, %y
  %r = select i1 %lt, i64 -1, i64 1
  ret i64 %r
equal:
  ret i64 0
}

; a -= b, for a >= b.
define void @bn_sub(i64* %a, i64* %b, i64 %n) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %body ]
  %borrow = phi i64 [ 0, %entry ], [ %borrow1, %body ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %body, label %done
body:
  %pa = getelementptr i64, i64* %a, i64 %i
  %pb = getelementptr i64, i64* %b, i64 %i
  %x = load i64, i64* %pa
  %y = load i64, i64* %pb
  %yb = add i64 %y, %borrow
  %under = icmp ult i64 %x, %yb
  %d = sub i64 %x, %yb
  %dw = add i64 %d, 4294967296
  %v = select i1 %under, i64 %dw, i64 %d
  store i64 %v, i64* %pa
  %borrow1 = zext i1 %under to i64
  %i1 = add i64 %i, 1
  br label %loop
done:
  ret void
}

define i1 @bn_nonzero(i64* %a, i64 %n) {
entry:
  %bits = call i64 @bn_bits(i64* %a, i64 %n)
  %nz = icmp ne i64 %bits, 0
  ret i1 %nz
}

; Bits [l - 63, l) of a, whose length is l bits, with any one below them jammed into bit 0
; (all of a when l <= 63).
define i64 @bn_top63(i64* %a, i64 %n, i64 %l) {
entry:
  %short = icmp ule i64 %l, 63
  br i1 %short, label %whole, label %cut
whole:
  %w0 = call i64 @bn_limb(i64* %a, i64 %n, i64 0)
  %w1 = call i64 @bn_limb(i64* %a, i64 %n, i64 1)
  %w1s = shl i64 %w1, 32
  %v = or i64 %w0, %w1s
  ret i64 %v
cut:
  %shift = sub i64 %l, 63
  %w = lshr i64 %shift, 5
  %b = and i64 %shift, 31
  %k1 = add i64 %w, 1
  %k2 = add i64 %w, 2
  %x0 = call i64 @bn_limb(i64* %a, i64 %n, i64 %w)
  %x1 = call i64 @bn_limb(i64* %a, i64 %n, i64 %k1)
  %x2 = call i64 @bn_limb(i64* %a, i64 %n, i64 %k2)
  %r0 = lshr i64 %x0, %b
  %s1 = sub i64 32, %b
  %r1 = shl i64 %x1, %s1
  %s2 = sub i64 64, %b
  ; for b = 0 the third limb lies above bit 63 of the window (and a's length ends there)
  %hasx2 = icmp ult i64 %s2, 64
  %r2a = shl i64 %x2, %s2
  %r2 = select i1 %hasx2, i64 %r2a, i64 0
  %r01 = or i64 %r0, %r1
  %r = or i64 %r01, %r2
  %top = and i64 %r, 9223372036854775807
  ; what lies below the window: limbs under w, and the low b bits of limb w
  %bit = shl i64 1, %b
  %mask = sub i64 %bit, 1
  %lostw = and i64 %x0, %mask
  %lostwnz = icmp ne i64 %lostw, 0
  %below = call i1 @bn_nonzero(i64* %a, i64 %w)
  %lost = or i1 %lostwnz, %below
  %j = zext i1 %lost to i64
  %jammed = or i64 %top, %j
  ret i64 %jammed
}

; ---- the parser ----------------------------------------------------------------------------

@sf_words = private constant [11 x i8] c"infinitynan"

; Whether the len bytes at s are the len bytes of @sf_words from at, in any case.
define i1 @sf_word(i8* %s, i64 %len, i64 %at) {
entry:
  %w = getelementptr [11 x i8], [11 x i8]* @sf_words, i64 0, i64 %at
  br label %loop
loop:
  %k = phi i64 [ 0, %entry ], [ %k1, %same ]
  %more = icmp ult i64 %k, %len
  br i1 %more, label %cmp, label %yes
cmp:
  %sp = getelementptr i8, i8* %s, i64 %k
  %wp = getelementptr i8, i8* %w, i64 %k
  %c = load i8, i8* %sp
  %lower = or i8 %c, 32
  %want = load i8, i8* %wp
  %eq = icmp eq i8 %lower, %want
  %k1 = add i64 %k, 1
  br i1 %eq, label %same, label %no
same:
  br label %loop
yes:
  ret i1 true
no:
  ret i1 false
}

; 10^k as an exact f64, for k <= 22.
define i64 @sf_pow10(i64 %k) {
entry:
  %f = call i64 @sf_from_int(i64 1)
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %body ]
  %v = phi i64 [ %f, %entry ], [ %v1, %body ]
  %more = icmp ult i64 %i, %k
  br i1 %more, label %body, label %done
body:
  %v1 = call i64 @sf_mul(i64 %v, i64 4621819117588971520)
  %i1 = add i64 %i, 1
  br label %loop
done:
  ret i64 %v
}

; 10^k as an integer, for k <= 9.
define i64 @sf_ten_to(i64 %k) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %body ]
  %v = phi i64 [ 1, %entry ], [ %v1, %body ]
  %more = icmp ult i64 %i, %k
  br i1 %more, label %body, label %done
body:
  %v1 = mul i64 %v, 10
  %i1 = add i64 %i, 1
  br label %loop
done:
  ret i64 %v
}

; Parses the n bytes at p: 0 and the f64's bits in *out, or 1 when they are not a float.
; work: 256 words of scratch.
define i64 @sf_parse(i8* %p, i64 %n, i64* %work, i64* %out) {
entry:
  %st = alloca [6 x i64]
  %empty = icmp eq i64 %n, 0
  br i1 %empty, label %bad, label %sign
sign:
  %c0 = load i8, i8* %p
  %minus = icmp eq i8 %c0, 45
  %plus = icmp eq i8 %c0, 43
  %signed = or i1 %minus, %plus
  %i0 = zext i1 %signed to i64
  %sbit = select i1 %minus, i64 -9223372036854775808, i64 0
  %rest = sub i64 %n, %i0
  %body = getelementptr i8, i8* %p, i64 %i0
  %is3 = icmp eq i64 %rest, 3
  %is8 = icmp eq i64 %rest, 8
  br i1 %is3, label %three, label %eight
three:
  %inf3 = call i1 @sf_word(i8* %body, i64 3, i64 0)
  br i1 %inf3, label %inf, label %nan3
nan3:
  %nan = call i1 @sf_word(i8* %body, i64 3, i64 8)
  br i1 %nan, label %isnan, label %number
eight:
  br i1 %is8, label %eight1, label %number
eight1:
  %inf8 = call i1 @sf_word(i8* %body, i64 8, i64 0)
  br i1 %inf8, label %inf, label %number
inf:
  %infb = or i64 %sbit, 9218868437227405312
  store i64 %infb, i64* %out
  ret i64 0
isnan:
  %nanb = or i64 %sbit, 9221120237041090560
  store i64 %nanb, i64* %out
  ret i64 0
number:
  %stw = getelementptr [6 x i64], [6 x i64]* %st, i64 0, i64 0
  %r = call i64 @sf_parse_number(i8* %p, i64 %n, i64 %i0, i64* %work, i64* %stw)
  %ok = icmp eq i64 %r, 0
  br i1 %ok, label %value, label %bad
value:
  ; st: kept digits, decimal exponent (value = D * 10^e, D in work[0..128))
  %keptp = getelementptr [6 x i64], [6 x i64]* %st, i64 0, i64 0
  %expp = getelementptr [6 x i64], [6 x i64]* %st, i64 0, i64 1
  %kept = load i64, i64* %keptp
  %e = load i64, i64* %expp
  %bits = call i64 @sf_decimal_to_bits(i64* %work, i64 %kept, i64 %e)
  %signed1 = or i64 %bits, %sbit
  store i64 %signed1, i64* %out
  ret i64 0
bad:
  ret i64 1
}

; Reads digits, point and exponent from byte i of the n at p into the big integer D at work
; (its 128 limbs zeroed first) and st[0] = digits kept, st[1] = decimal exponent. Returns 0,
; or 1 when the bytes are not a number.
define i64 @sf_parse_number(i8* %p, i64 %n, i64 %i0, i64* %work, i64* %st) {
entry:
  call void @bn_zero(i64* %work, i64 128)
  br label %loop
loop:
  %i = phi i64 [ %i0, %entry ], [ %inext, %next ]
  %kept = phi i64 [ 0, %entry ], [ %kept1, %next ]
  %chunk = phi i64 [ 0, %entry ], [ %chunk1, %next ]
  %chunkd = phi i64 [ 0, %entry ], [ %chunkd1, %next ]
  %e = phi i64 [ 0, %entry ], [ %e1, %next ]
  %sticky = phi i64 [ 0, %entry ], [ %sticky1, %next ]
  %digits = phi i64 [ 0, %entry ], [ %digits1, %next ]
  %frac = phi i64 [ 0, %entry ], [ %frac1, %next ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %char, label %mantissa
char:
  %cp = getelementptr i8, i8* %p, i64 %i
  %c = load i8, i8* %cp
  %isdot = icmp eq i8 %c, 46
  %nofrac = icmp eq i64 %frac, 0
  %firstdot = and i1 %isdot, %nofrac
  br i1 %firstdot, label %dot, label %digit
dot:
  br label %next
digit:
  %d8 = sub i8 %c, 48
  %isdigit = icmp ult i8 %d8, 10
  br i1 %isdigit, label %isd, label %mantissa
isd:
  %d = zext i8 %d8 to i64
  %infrac = icmp ne i64 %frac, 0
  %fdec = select i1 %infrac, i64 -1, i64 0
  %leading0 = icmp eq i64 %kept, 0
  %dzero = icmp eq i64 %d, 0
  %leading = and i1 %leading0, %dzero
  br i1 %leading, label %lead, label %sig
lead:
  ; a zero before the first significant digit: only its place counts
  %el = add i64 %e, %fdec
  br label %next
sig:
  %room = icmp ult i64 %kept, 800
  br i1 %room, label %keep, label %drop
keep:
  %c10 = mul i64 %chunk, 10
  %chunkk = add i64 %c10, %d
  %chunkdk = add i64 %chunkd, 1
  %keptk = add i64 %kept, 1
  %ek = add i64 %e, %fdec
  %full = icmp eq i64 %chunkdk, 9
  br i1 %full, label %flush, label %next
flush:
  ; limbs in use: at most one per 9 digits, plus the carry's
  %chunks = udiv i64 %keptk, 9
  %limbs = add i64 %chunks, 1
  call void @bn_mul_add(i64* %work, i64 %limbs, i64 1000000000, i64 %chunkk)
  br label %next
drop:
  %dnz = icmp ne i64 %d, 0
  %dnzi = zext i1 %dnz to i64
  %stickyd = or i64 %sticky, %dnzi
  ; past the kept digits, an integer digit still moves the point
  %eint = select i1 %infrac, i64 0, i64 1
  %ed = add i64 %e, %eint
  br label %next
next:
  %kept1 = phi i64 [ %kept, %dot ], [ %kept, %lead ], [ %keptk, %keep ], [ %keptk, %flush ], [ %kept, %drop ]
  %chunk1 = phi i64 [ %chunk, %dot ], [ %chunk, %lead ], [ %chunkk, %keep ], [ 0, %flush ], [ %chunk, %drop ]
  %chunkd1 = phi i64 [ %chunkd, %dot ], [ %chunkd, %lead ], [ %chunkdk, %keep ], [ 0, %flush ], [ %chunkd, %drop ]
  %e1 = phi i64 [ %e, %dot ], [ %el, %lead ], [ %ek, %keep ], [ %ek, %flush ], [ %ed, %drop ]
  %sticky1 = phi i64 [ %sticky, %dot ], [ %sticky, %lead ], [ %sticky, %keep ], [ %sticky, %flush ], [ %stickyd, %drop ]
  %isdig = phi i64 [ 0, %dot ], [ 1, %lead ], [ 1, %keep ], [ 1, %flush ], [ 1, %drop ]
  %frac1 = phi i64 [ 1, %dot ], [ %frac, %lead ], [ %frac, %keep ], [ %frac, %flush ], [ %frac, %drop ]
  %digits1 = add i64 %digits, %isdig
  %inext = add i64 %i, 1
  br label %loop
mantissa:
  %nodigits = icmp eq i64 %digits, 0
  br i1 %nodigits, label %bad, label %tail
tail:
  ; the last partial chunk, then a final 1 for dropped non-zero digits
  %scale = call i64 @sf_ten_to(i64 %chunkd)
  %chunksm = udiv i64 %kept, 9
  %limbsm = add i64 %chunksm, 2
  call void @bn_mul_add(i64* %work, i64 %limbsm, i64 %scale, i64 %chunk)
  %hassticky = icmp ne i64 %sticky, 0
  br i1 %hassticky, label %jam, label %exponent
jam:
  call void @bn_mul_add(i64* %work, i64 %limbsm, i64 10, i64 1)
  %e1j = sub i64 %e, 1
  br label %exponent
exponent:
  %keptx = phi i64 [ %kept, %tail ], [ 801, %jam ]
  %ex = phi i64 [ %e, %tail ], [ %e1j, %jam ]
  %r = call i64 @sf_parse_exponent(i8* %p, i64 %n, i64 %i)
  %nox = icmp eq i64 %r, -9223372036854775808
  br i1 %nox, label %bad, label %done
done:
  %etotal = add i64 %ex, %r
  %s0 = getelementptr i64, i64* %st, i64 0
  %s1 = getelementptr i64, i64* %st, i64 1
  store i64 %keptx, i64* %s0
  store i64 %etotal, i64* %s1
  ret i64 0
bad:
  ret i64 1
}

; The exponent from byte i to the end: nothing (0), or `e`/`E`, a sign and digits. Digits stop
; counting once the value reaches 65,536, exactly as Rust's parser saturates it (a text with
; that many digits can still bring the value back into range, so where it saturates matters).
; i64 min when malformed.
define i64 @sf_parse_exponent(i8* %p, i64 %n, i64 %i) {
entry:
  %none = icmp uge i64 %i, %n
  br i1 %none, label %zero, label %marker
zero:
  ret i64 0
marker:
  %mp = getelementptr i8, i8* %p, i64 %i
  %m = load i8, i8* %mp
  %ml = or i8 %m, 32
  %ise = icmp eq i8 %ml, 101
  br i1 %ise, label %sign, label %bad
sign:
  %j = add i64 %i, 1
  %hasj = icmp ult i64 %j, %n
  br i1 %hasj, label %signc, label %bad
signc:
  %sp = getelementptr i8, i8* %p, i64 %j
  %s = load i8, i8* %sp
  %neg = icmp eq i8 %s, 45
  %pos = icmp eq i8 %s, 43
  %signed = or i1 %neg, %pos
  %sj = zext i1 %signed to i64
  %k0 = add i64 %j, %sj
  %anyd = icmp ult i64 %k0, %n
  br i1 %anyd, label %loop, label %bad
loop:
  %k = phi i64 [ %k0, %signc ], [ %k1, %body ]
  %v = phi i64 [ 0, %signc ], [ %v2, %body ]
  %more = icmp ult i64 %k, %n
  br i1 %more, label %char, label %done
char:
  %cp = getelementptr i8, i8* %p, i64 %k
  %c = load i8, i8* %cp
  %d8 = sub i8 %c, 48
  %isdigit = icmp ult i8 %d8, 10
  br i1 %isdigit, label %body, label %bad
body:
  %d = zext i8 %d8 to i64
  %v10 = mul i64 %v, 10
  %v1 = add i64 %v10, %d
  %small = icmp ult i64 %v, 65536
  %v2 = select i1 %small, i64 %v1, i64 %v
  %k1 = add i64 %k, 1
  br label %loop
done:
  %nv = sub i64 0, %v
  %r = select i1 %neg, i64 %nv, i64 %v
  ret i64 %r
bad:
  ret i64 -9223372036854775808
}

; The f64 (positive) nearest D * 10^e, D being the kept-digit integer in work[0..128).
define i64 @sf_decimal_to_bits(i64* %work, i64 %kept, i64 %e) {
entry:
  %zero = icmp eq i64 %kept, 0
  br i1 %zero, label %iszero, label %range
iszero:
  ret i64 0
range:
  ; D has kept digits, so D * 10^e lies in [10^(m-1), 10^m) for m = kept + e
  %m = add i64 %kept, %e
  %huge = icmp sge i64 %m, 310
  br i1 %huge, label %inf, label %range2
range2:
  %tiny = icmp sle i64 %m, -324
  br i1 %tiny, label %iszero, label %fast
inf:
  ret i64 9218868437227405312
fast:
  %few = icmp ule i64 %kept, 15
  %elo = icmp sge i64 %e, -22
  %ehi = icmp sle i64 %e, 22
  %erange = and i1 %elo, %ehi
  %clinger = and i1 %few, %erange
  br i1 %clinger, label %exact, label %slow
exact:
  ; at most 15 digits: D < 2^53, exact in f64, as is 10^|e| up to 10^22
  %w0 = call i64 @bn_limb(i64* %work, i64 128, i64 0)
  %w1 = call i64 @bn_limb(i64* %work, i64 128, i64 1)
  %w1s = shl i64 %w1, 32
  %dv = or i64 %w0, %w1s
  %df = call i64 @sf_from_int(i64 %dv)
  %neg = icmp slt i64 %e, 0
  %ne = sub i64 0, %e
  %ae = select i1 %neg, i64 %ne, i64 %e
  %pf = call i64 @sf_pow10(i64 %ae)
  br i1 %neg, label %divide, label %multiply
divide:
  %q = call i64 @sf_div(i64 %df, i64 %pf)
  ret i64 %q
multiply:
  %pr = call i64 @sf_mul(i64 %df, i64 %pf)
  ret i64 %pr
slow:
  %neg2 = icmp slt i64 %e, 0
  br i1 %neg2, label %quotient, label %product
product:
  %b = call i64 @sf_decimal_product(i64* %work, i64 %kept, i64 %e)
  ret i64 %b
quotient:
  %b2 = call i64 @sf_decimal_quotient(i64* %work, i64 %kept, i64 %e)
  ret i64 %b2
}

; D * 10^e for e >= 0 (and D * 10^e < 10^310: at most 33 limbs).
define i64 @sf_decimal_product(i64* %work, i64 %kept, i64 %e) {
entry:
  br label %loop
loop:
  %left = phi i64 [ %e, %entry ], [ %left1, %body ]
  %nine = icmp uge i64 %left, 9
  br i1 %nine, label %body, label %last
body:
  call void @bn_mul_add(i64* %work, i64 40, i64 1000000000, i64 0)
  %left1 = sub i64 %left, 9
  br label %loop
last:
  %scale = call i64 @sf_ten_to(i64 %left)
  call void @bn_mul_add(i64* %work, i64 40, i64 %scale, i64 0)
  %l = call i64 @bn_bits(i64* %work, i64 40)
  %sig = call i64 @bn_top63(i64* %work, i64 40, i64 %l)
  ; sig * 2^(l - 63) when l > 63, else the exact integer: sf_round_pack's exponent is 1084
  ; for an integer significand
  %long = icmp ugt i64 %l, 63
  %over = sub i64 %l, 63
  %shift = select i1 %long, i64 %over, i64 0
  %exp = add i64 1084, %shift
  %r = call i64 @sf_norm_round_pack(i64 0, i64 %exp, i64 %sig)
  ret i64 %r
}

; D / 10^-e for e < 0: the 63-bit quotient of D * 2^s by 10^-e, and its remainder jammed.
define i64 @sf_decimal_quotient(i64* %work, i64 %kept, i64 %e) {
entry:
  %y = getelementptr i64, i64* %work, i64 128
  call void @bn_zero(i64* %y, i64 128)
  store i64 1, i64* %y
  %k = sub i64 0, %e
  br label %pow
pow:
  ; y = 10^k: at most 1,124 digits (k < kept + 324), 117 limbs
  %left = phi i64 [ %k, %entry ], [ %left1, %powbody ]
  %done9 = phi i64 [ 0, %entry ], [ %done91, %powbody ]
  %nine = icmp uge i64 %left, 9
  br i1 %nine, label %powbody, label %powlast
powbody:
  %limbs = add i64 %done9, 2
  call void @bn_mul_add(i64* %y, i64 %limbs, i64 1000000000, i64 0)
  %left1 = sub i64 %left, 9
  %done91 = add i64 %done9, 1
  br label %pow
powlast:
  %scale = call i64 @sf_ten_to(i64 %left)
  %limbsl = add i64 %done9, 2
  call void @bn_mul_add(i64* %y, i64 %limbsl, i64 %scale, i64 0)
  %ld = call i64 @bn_bits(i64* %work, i64 128)
  %lb = call i64 @bn_bits(i64* %y, i64 128)
  ; shift so that the numerator has lb + 62 bits: the quotient then has 62 or 63
  %lb62 = add i64 %lb, 62
  %s = sub i64 %lb62, %ld
  %up = icmp sge i64 %s, 0
  %ns = sub i64 0, %s
  %xs = select i1 %up, i64 %s, i64 0
  %ys = select i1 %up, i64 0, i64 %ns
  ; limbs in use: the divisor shifted by 62 more has lb + ys + 62 bits, the numerator no more
  %topbits = add i64 %lb62, %ys
  %tl = lshr i64 %topbits, 5
  %n0 = add i64 %tl, 2
  %big = icmp ugt i64 %n0, 128
  %n = select i1 %big, i64 128, i64 %n0
  call void @bn_shl(i64* %work, i64 %n, i64 %xs)
  %ys62 = add i64 %ys, 62
  call void @bn_shl(i64* %y, i64 %n, i64 %ys62)
  br label %divide
divide:
  %j = phi i64 [ 62, %powlast ], [ %j1, %shift ]
  %q = phi i64 [ 0, %powlast ], [ %q1, %shift ]
  %c = call i64 @bn_cmp(i64* %work, i64* %y, i64 %n)
  %fits = icmp sge i64 %c, 0
  br i1 %fits, label %subtract, label %step
subtract:
  call void @bn_sub(i64* %work, i64* %y, i64 %n)
  br label %step
step:
  %bit = shl i64 1, %j
  %qb = or i64 %q, %bit
  %q1 = select i1 %fits, i64 %qb, i64 %q
  %last = icmp eq i64 %j, 0
  %j1 = sub i64 %j, 1
  br i1 %last, label %round, label %shift
shift:
  call void @bn_shr1(i64* %y, i64 %n)
  br label %divide
round:
  %rem = call i1 @bn_nonzero(i64* %work, i64 %n)
  %sticky = zext i1 %rem to i64
  %sig = or i64 %q1, %sticky
  ; value = sig * 2^-s, and sf_round_pack's exponent is 1084 for an integer significand
  %exp = sub i64 1084, %s
  %r = call i64 @sf_norm_round_pack(i64 0, i64 %exp, i64 %sig)
  ret i64 %r
}
