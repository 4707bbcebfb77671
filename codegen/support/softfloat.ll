; OVSM support library, part 9: IEEE 754 binary64 in integer arithmetic (sBPF has no float
; instructions). A float is its i64 bit pattern. Every operation rounds to nearest, ties to
; even, handles subnormals, infinities and NaNs, and returns the bits the interpreter's f64
; gives on x86-64, NaNs included (the first NaN operand quieted; 0xFFF8... for an invalid
; operation), so both back ends agree bit for bit. The algorithms are Berkeley SoftFloat 3's
; (round_pack, add/sub/mul magnitudes, round to integral) with simpler division (chunks of
; `udiv`), remainder (chunks of `urem`) and square root (Newton's iteration on `udiv`, its
; last bit settled by an exact square); printing is Ryu (Ulf
; Adams, PLDI 2018) with ryu_tables.ll, formatted as Rust's `{:?}` does.
;
; This file stands alone (no `$` words, no other part), so codegen/tests/softfloat.rs can JIT
; it on the host and compare millions of results with the host's f64.
;
; Conventions: `sign` arguments are the sign bit in place (0 or 0x8000000000000000).
; round_pack takes `exp` one less than the biased exponent and a significand whose leading
; one is at bit 62, with 10 bits below the result's last bit; packing adds the leading one
; into the exponent field.

; Leading zeros of x (64 for 0). LLVM's BPF back end crashes selecting `llvm.ctlz` (LLVM 14),
; and a binary search written out became five compare-and-branch pairs per step (about 40
; instructions: the back end has no select). Instead, without a branch: x's bits below its
; leading one are all set (x becomes 2^(k+1) - 1), and a de Bruijn multiplication maps each of
; those 64 values to a distinct top 6 bits, which index the table of 63 - k. The table was
; computed for the constant and is checked against Rust's `leading_zeros` by
; codegen/tests/softfloat.rs.
@sf_clz_table = private unnamed_addr constant [64 x i8] c"\3F\10\3E\07\0F\24\3D\03\06\0E\16\1A\23\2F\3C\02\09\05\1C\0B\0D\15\2A\13\19\1F\22\28\2E\34\3B\01\11\08\25\04\17\1B\30\0A\1D\0C\2B\14\20\29\35\12\26\18\31\1E\2C\21\36\27\32\2D\37\33\38\39\3A\00"

define i64 @sf_clz(i64 %x) {
entry:
  %z = icmp eq i64 %x, 0
  br i1 %z, label %zero, label %go
go:
  %s1 = lshr i64 %x, 1
  %v1 = or i64 %x, %s1
  %s2 = lshr i64 %v1, 2
  %v2 = or i64 %v1, %s2
  %s4 = lshr i64 %v2, 4
  %v4 = or i64 %v2, %s4
  %s8 = lshr i64 %v4, 8
  %v8 = or i64 %v4, %s8
  %s16 = lshr i64 %v8, 16
  %v16 = or i64 %v8, %s16
  %s32 = lshr i64 %v16, 32
  %v32 = or i64 %v16, %s32
  %h = mul i64 %v32, 285870213051386505
  %i = lshr i64 %h, 58
  %p = getelementptr [64 x i8], [64 x i8]* @sf_clz_table, i64 0, i64 %i
  %c = load i8, i8* %p
  %n = zext i8 %c to i64
  ret i64 %n
zero:
  ret i64 64
}

; The first NaN operand, quieted (x86-64 SSE's rule).
define i64 @sf_nan2(i64 %a, i64 %b) {
  %abs = and i64 %a, 9223372036854775807
  %anan = icmp ugt i64 %abs, 9218868437227405312
  %pick = select i1 %anan, i64 %a, i64 %b
  %q = or i64 %pick, 2251799813685248
  ret i64 %q
}

define i1 @sf_is_nan(i64 %a) {
  %abs = and i64 %a, 9223372036854775807
  %n = icmp ugt i64 %abs, 9218868437227405312
  ret i1 %n
}

; a >> dist, with any one shifted out ORed into bit 0 ("jamming"), for any dist >= 0.
define i64 @sf_jam(i64 %a, i64 %dist) {
entry:
  %small = icmp ult i64 %dist, 63
  br i1 %small, label %shift, label %all
shift:
  %r = lshr i64 %a, %dist
  %bit = shl i64 1, %dist
  %mask = sub i64 %bit, 1
  %lost = and i64 %a, %mask
  %j = icmp ne i64 %lost, 0
  %jz = zext i1 %j to i64
  %o = or i64 %r, %jz
  ret i64 %o
all:
  %nz = icmp ne i64 %a, 0
  %b = zext i1 %nz to i64
  ret i64 %b
}

define i64 @sf_round_pack(i64 %sign, i64 %exp, i64 %sig) {
entry:
  %tiny = icmp slt i64 %exp, 0
  br i1 %tiny, label %subnormal, label %large
subnormal:
  %d = sub i64 0, %exp
  %js = call i64 @sf_jam(i64 %sig, i64 %d)
  br label %round
large:
  %over1 = icmp sgt i64 %exp, 2045
  br i1 %over1, label %inf, label %top
top:
  %at = icmp eq i64 %exp, 2045
  %inc = add i64 %sig, 512
  %carry = icmp slt i64 %inc, 0
  %over2 = and i1 %at, %carry
  br i1 %over2, label %inf, label %round
round:
  %e = phi i64 [ 0, %subnormal ], [ %exp, %top ]
  %s = phi i64 [ %js, %subnormal ], [ %sig, %top ]
  %bits = and i64 %s, 1023
  %r1 = add i64 %s, 512
  %r2 = lshr i64 %r1, 10
  %tie = icmp eq i64 %bits, 512
  %even = and i64 %r2, -2
  %r3 = select i1 %tie, i64 %even, i64 %r2
  %zero = icmp eq i64 %r3, 0
  %e2 = select i1 %zero, i64 0, i64 %e
  %eb = shl i64 %e2, 52
  %m = add i64 %eb, %r3
  %z = or i64 %m, %sign
  ret i64 %z
inf:
  %i = or i64 %sign, 9218868437227405312
  ret i64 %i
}

; round_pack for a significand not yet normalised (leading one at bit 62 or below).
define i64 @sf_norm_round_pack(i64 %sign, i64 %exp, i64 %sig) {
entry:
  ; The usual case, a difference of magnitudes whose exponents differ: the leading one is at
  ; bit 62 or 61, and the count of leading zeros needs no search.
  %hi2 = lshr i64 %sig, 61
  %near = icmp ne i64 %hi2, 0
  br i1 %near, label %near1, label %count
near1:
  %b62 = icmp ugt i64 %hi2, 1
  %sdn = select i1 %b62, i64 0, i64 1
  %en = sub i64 %exp, %sdn
  %mn = shl i64 %sig, %sdn
  %rn = call i64 @sf_round_pack(i64 %sign, i64 %en, i64 %mn)
  ret i64 %rn
count:
  %lz = call i64 @sf_clz(i64 %sig)
  %sd = sub i64 %lz, 1
  %e = sub i64 %exp, %sd
  %sh10 = icmp uge i64 %sd, 10
  %einr = icmp ult i64 %e, 2045
  %fast = and i1 %sh10, %einr
  br i1 %fast, label %exact, label %slow
exact:
  %zero = icmp eq i64 %sig, 0
  %ez = select i1 %zero, i64 0, i64 %e
  %s2 = sub i64 %sd, 10
  %m = shl i64 %sig, %s2
  %eb = shl i64 %ez, 52
  %a = add i64 %eb, %m
  %z = or i64 %a, %sign
  ret i64 %z
slow:
  %m2 = shl i64 %sig, %sd
  %r = call i64 @sf_round_pack(i64 %sign, i64 %e, i64 %m2)
  ret i64 %r
}

; a + b and a - b. Most operands in a program's arithmetic are normal numbers below
; 2^1022: sf_addsub computes those with one short sequence for both operations (cancellation
; and subnormal differences included) and leaves zeros, subnormal operands, infinities, NaNs
; and operands from 2^1022 up to SoftFloat's general path (sf_add_general, sf_sub_general).
; sf_add and sf_sub are one out-of-line function each: inlined, the copies in their callers
; cost a program about 1 KB each; one function for both, told which by an argument, cost 2%
; more compute units (the argument and the operands kept for the general path fill the
; registers).
define i64 @sf_add(i64 %a, i64 %b) noinline {
  %r = call i64 @sf_addsub(i64 %a, i64 %b, i64 0)
  ret i64 %r
}

define i64 @sf_sub(i64 %a, i64 %b) noinline {
  %r = call i64 @sf_addsub(i64 %a, i64 %b, i64 -9223372036854775808)
  ret i64 %r
}

; a + (b with its sign flipped by neg): y = b ^ neg, and the operand of larger magnitude X
; (compared as raw bits without the sign) decides which copy of the fast path runs. Two copies,
; one per order, instead of one on swapped values: the BPF back end has no select, and LLVM made
; the swap three compare-and-branch pairs (about 9 instructions an operation).
define i64 @sf_addsub(i64 %a, i64 %b0, i64 %neg) alwaysinline {
entry:
  %y = xor i64 %b0, %neg
  %a1 = shl i64 %a, 1
  %y1 = shl i64 %y, 1
  %ayx = icmp uge i64 %a1, %y1
  br i1 %ayx, label %ay, label %ya
ay:
  %r1 = call i64 @sf_addsub_ordered(i64 %a, i64 %y, i64 %neg, i64 %a, i64 %b0)
  ret i64 %r1
ya:
  %r2 = call i64 @sf_addsub_ordered(i64 %y, i64 %a, i64 %neg, i64 %a, i64 %b0)
  ret i64 %r2
}

; X + Y where |X| >= |Y|, for the operation a + (b ^ neg). The fast path needs Y normal and X
; below 2^1022 (exponent field 2044 at most): then every result is finite, and the exponent
; field can carry the result's sign. Both significands get their leading one at bit 62, with 10
; bits below the result's last; Y's is shifted right by the exponent difference d, any bit
; shifted out ORed into bit 0 (SoftFloat's "jamming", which keeps rounding exact). A sum that
; reaches bit 63 is shifted back by one, jammed the same way. A difference's leading one falls
; below bit 62 by at most one place when d >= 2 (X's significand is at least 2^62, Y's jammed
; one below 2^61); by more only when d <= 1, where the difference is exact: it is shifted up
; until its leading one is at bit 62 or the exponent field is 1, where the packing below makes
; it a subnormal. A zero difference is +0 (x - x in rounding to nearest). Rounding to nearest,
; ties to even, adds 511 plus the result's last bit. The rounded significand keeps its leading
; one (or, for a subnormal, has none), so adding it to the sign and exponent field minus one
; carries into the exponent when rounding overflows the significand, and never reaches the
; sign: the field is at most 2046. The general path gets the operands as they came: a NaN's
; sign is its own. Five arguments: at -O0 nothing is inlined and the BPF back end takes five.
define i64 @sf_addsub_ordered(i64 %x, i64 %y, i64 %neg, i64 %a, i64 %b0) alwaysinline {
entry:
  %ex = call i64 @sf_exponent(i64 %x)
  %ey = call i64 @sf_exponent(i64 %y)
  %ynormal = icmp ne i64 %ey, 0
  %xsmall = icmp ult i64 %ex, 2045
  %ok = and i1 %ynormal, %xsmall
  br i1 %ok, label %fast, label %general
fast:
  %d = sub i64 %ex, %ey
  ; d >= 55: Y is below half the gap between X and either neighbour, so the result is X
  %far = icmp ugt i64 %d, 54
  br i1 %far, label %bigger, label %near
bigger:
  ret i64 %x
near:
  %sx = lshr i64 %x, 52
  %mx = call i64 @sf_significand62(i64 %x)
  %my = call i64 @sf_significand62(i64 %y)
  %yd = lshr i64 %my, %d
  %yback = shl i64 %yd, %d
  %lost = icmp ne i64 %yback, %my
  %sticky = zext i1 %lost to i64
  %yj = or i64 %yd, %sticky
  %signs = xor i64 %x, %y
  %differ = icmp slt i64 %signs, 0
  br i1 %differ, label %minus, label %plus
plus:
  %s = add i64 %mx, %yj
  %carry = icmp slt i64 %s, 0
  br i1 %carry, label %plus1, label %round
plus1:
  %s0 = and i64 %s, 1
  %sh = lshr i64 %s, 1
  %sj = or i64 %sh, %s0
  %sx1 = add i64 %sx, 1
  br label %round
minus:
  %t = sub i64 %mx, %yj
  %t62 = icmp uge i64 %t, 4611686018427387904
  br i1 %t62, label %round, label %cancelled
cancelled:
  %zero = icmp eq i64 %t, 0
  br i1 %zero, label %exact0, label %normalise
exact0:
  ret i64 0
normalise:
  %tn = phi i64 [ %t, %cancelled ], [ %tn1, %shift ]
  %sn = phi i64 [ %sx, %cancelled ], [ %sn1, %shift ]
  %en = and i64 %sn, 2047
  %floor = icmp ult i64 %en, 2
  br i1 %floor, label %round, label %shift
shift:
  %tn1 = shl i64 %tn, 1
  %sn1 = add i64 %sn, -1
  %low = icmp ult i64 %tn1, 4611686018427387904
  br i1 %low, label %normalise, label %round
round:
  %e = phi i64 [ %sx, %plus ], [ %sx1, %plus1 ], [ %sx, %minus ], [ %sn, %normalise ], [ %sn1, %shift ]
  %m = phi i64 [ %s, %plus ], [ %sj, %plus1 ], [ %t, %minus ], [ %tn, %normalise ], [ %tn1, %shift ]
  %eb = add i64 %e, -1
  %r = call i64 @sf_round_pack_normal(i64 %eb, i64 %m)
  ret i64 %r
general:
  %isadd = icmp eq i64 %neg, 0
  br i1 %isadd, label %gadd, label %gsub
gadd:
  %ra = call i64 @sf_add_general(i64 %a, i64 %b0)
  ret i64 %ra
gsub:
  %rs = call i64 @sf_sub_general(i64 %a, i64 %b0)
  ret i64 %rs
}

; The biased exponent field of a float.
; The fast paths' rounding: m, its leading one at bit 62 and a guard bit and sticky bits below
; its 53rd, rounded to nearest, ties to even, over the exponent field e1 + 1 (the leading one
; adds the 1; a carry out of the significand, another). No overflow or subnormal case: the add's,
; multiply's and divide's fast paths call it only where neither can happen.
define i64 @sf_round_pack_normal(i64 %e1, i64 %m) alwaysinline {
  %m10 = lshr i64 %m, 10
  %last = and i64 %m10, 1
  %m1 = add i64 %m, 511
  %m2 = add i64 %m1, %last
  %q = lshr i64 %m2, 10
  %ebits = shl i64 %e1, 52
  %r = add i64 %ebits, %q
  ret i64 %r
}

define i64 @sf_exponent(i64 %v) alwaysinline {
  %v1 = shl i64 %v, 1
  %e = lshr i64 %v1, 53
  ret i64 %e
}

; A normal float's significand with its leading one at bit 62 (10 bits below its last).
define i64 @sf_significand62(i64 %v) alwaysinline {
  %f = shl i64 %v, 11
  %m = or i64 %f, -9223372036854775808
  %m62 = lshr i64 %m, 1
  ret i64 %m62
}

define i64 @sf_add_general(i64 %a, i64 %b) {
entry:
  %sa = and i64 %a, -9223372036854775808
  %sb = and i64 %b, -9223372036854775808
  %same = icmp eq i64 %sa, %sb
  br i1 %same, label %add, label %sub
add:
  %r1 = call i64 @sf_add_mags(i64 %a, i64 %b, i64 %sa)
  ret i64 %r1
sub:
  %r2 = call i64 @sf_sub_mags(i64 %a, i64 %b, i64 %sa)
  ret i64 %r2
}

define i64 @sf_sub_general(i64 %a, i64 %b) {
entry:
  %sa = and i64 %a, -9223372036854775808
  %sb = and i64 %b, -9223372036854775808
  %same = icmp eq i64 %sa, %sb
  br i1 %same, label %sub, label %add
add:
  %r1 = call i64 @sf_add_mags(i64 %a, i64 %b, i64 %sa)
  ret i64 %r1
sub:
  %r2 = call i64 @sf_sub_mags(i64 %a, i64 %b, i64 %sa)
  ret i64 %r2
}

; |a| + |b| with sign sz.
define i64 @sf_add_mags(i64 %a, i64 %b, i64 %sz) {
entry:
  %ea0 = lshr i64 %a, 52
  %ea = and i64 %ea0, 2047
  %eb0 = lshr i64 %b, 52
  %eb = and i64 %eb0, 2047
  %fa = and i64 %a, 4503599627370495
  %fb = and i64 %b, 4503599627370495
  %diff = sub i64 %ea, %eb
  %samee = icmp eq i64 %diff, 0
  br i1 %samee, label %eq, label %ne
eq:
  %az = icmp eq i64 %ea, 0
  br i1 %az, label %subn, label %eq1
subn:
  ; both subnormal: the sum's carry into the exponent field is exactly right
  %u = add i64 %a, %fb
  ret i64 %u
eq1:
  %ainf = icmp eq i64 %ea, 2047
  br i1 %ainf, label %eqinf, label %eq2
eqinf:
  %fab = or i64 %fa, %fb
  %anyn = icmp ne i64 %fab, 0
  br i1 %anyn, label %nan, label %reta
eq2:
  %s1 = add i64 %fa, %fb
  %s2 = add i64 %s1, 9007199254740992
  %s3 = shl i64 %s2, 9
  %r = call i64 @sf_round_pack(i64 %sz, i64 %ea, i64 %s3)
  ret i64 %r
ne:
  %ga = shl i64 %fa, 9
  %gb = shl i64 %fb, 9
  %bneg = icmp slt i64 %diff, 0
  br i1 %bneg, label %bbig, label %abig
bbig:
  %binf = icmp eq i64 %eb, 2047
  br i1 %binf, label %bbinf, label %bb1
bbinf:
  %bn = icmp ne i64 %fb, 0
  br i1 %bn, label %nan, label %infz
bb1:
  %anz = icmp ne i64 %ea, 0
  %ga1 = add i64 %ga, 2305843009213693952
  %ga2 = shl i64 %ga, 1
  %ga3 = select i1 %anz, i64 %ga1, i64 %ga2
  %nd = sub i64 0, %diff
  %ga4 = call i64 @sf_jam(i64 %ga3, i64 %nd)
  br label %sum
abig:
  %ainf2 = icmp eq i64 %ea, 2047
  br i1 %ainf2, label %abinf, label %ab1
abinf:
  %an = icmp ne i64 %fa, 0
  br i1 %an, label %nan, label %reta
ab1:
  %bnz = icmp ne i64 %eb, 0
  %gb1 = add i64 %gb, 2305843009213693952
  %gb2 = shl i64 %gb, 1
  %gb3 = select i1 %bnz, i64 %gb1, i64 %gb2
  %gb4 = call i64 @sf_jam(i64 %gb3, i64 %diff)
  br label %sum
sum:
  %ez = phi i64 [ %eb, %bb1 ], [ %ea, %ab1 ]
  %xa = phi i64 [ %ga4, %bb1 ], [ %ga, %ab1 ]
  %xb = phi i64 [ %gb, %bb1 ], [ %gb4, %ab1 ]
  %t1 = add i64 %xa, %xb
  %t2 = add i64 %t1, 2305843009213693952
  %low = icmp ult i64 %t2, 4611686018427387904
  %ez1 = sub i64 %ez, 1
  %t3 = shl i64 %t2, 1
  %ezf = select i1 %low, i64 %ez1, i64 %ez
  %tf = select i1 %low, i64 %t3, i64 %t2
  %r2 = call i64 @sf_round_pack(i64 %sz, i64 %ezf, i64 %tf)
  ret i64 %r2
reta:
  ret i64 %a
infz:
  %i = or i64 %sz, 9218868437227405312
  ret i64 %i
nan:
  %q = call i64 @sf_nan2(i64 %a, i64 %b)
  ret i64 %q
}

; |a| - |b|, with sign sz when |a| is the larger.
define i64 @sf_sub_mags(i64 %a, i64 %b, i64 %sz) {
entry:
  %ea0 = lshr i64 %a, 52
  %ea = and i64 %ea0, 2047
  %eb0 = lshr i64 %b, 52
  %eb = and i64 %eb0, 2047
  %fa = and i64 %a, 4503599627370495
  %fb = and i64 %b, 4503599627370495
  %diff = sub i64 %ea, %eb
  %samee = icmp eq i64 %diff, 0
  br i1 %samee, label %eq, label %ne
eq:
  %ainf = icmp eq i64 %ea, 2047
  br i1 %ainf, label %eqinf, label %eq1
eqinf:
  %fab = or i64 %fa, %fb
  %anyn = icmp ne i64 %fab, 0
  br i1 %anyn, label %nan, label %invalid
eq1:
  %sd = sub i64 %fa, %fb
  %sdz = icmp eq i64 %sd, 0
  br i1 %sdz, label %zero, label %eq2
zero:
  ret i64 0
eq2:
  %anz = icmp ne i64 %ea, 0
  %ea1 = sub i64 %ea, 1
  %eA = select i1 %anz, i64 %ea1, i64 %ea
  %sneg = icmp slt i64 %sd, 0
  %szf = xor i64 %sz, -9223372036854775808
  %sz2 = select i1 %sneg, i64 %szf, i64 %sz
  %sdn = sub i64 0, %sd
  %mag = select i1 %sneg, i64 %sdn, i64 %sd
  %lz = call i64 @sf_clz(i64 %mag)
  %shift = sub i64 %lz, 11
  %ez = sub i64 %eA, %shift
  %ezneg = icmp slt i64 %ez, 0
  %shift2 = select i1 %ezneg, i64 %eA, i64 %shift
  %ez2 = select i1 %ezneg, i64 0, i64 %ez
  %m = shl i64 %mag, %shift2
  %ebits = shl i64 %ez2, 52
  %u = add i64 %ebits, %m
  %z = or i64 %u, %sz2
  ret i64 %z
ne:
  %ga = shl i64 %fa, 10
  %gb = shl i64 %fb, 10
  %bneg = icmp slt i64 %diff, 0
  br i1 %bneg, label %bbig, label %abig
bbig:
  %sz3 = xor i64 %sz, -9223372036854775808
  %binf = icmp eq i64 %eb, 2047
  br i1 %binf, label %bbinf, label %bb1
bbinf:
  %bn = icmp ne i64 %fb, 0
  br i1 %bn, label %nan, label %binfz
binfz:
  %bi = or i64 %sz3, 9218868437227405312
  ret i64 %bi
bb1:
  %anz2 = icmp ne i64 %ea, 0
  %ga1 = add i64 %ga, 4611686018427387904
  %ga2 = add i64 %ga, %ga
  %ga3 = select i1 %anz2, i64 %ga1, i64 %ga2
  %nd = sub i64 0, %diff
  %ga4 = call i64 @sf_jam(i64 %ga3, i64 %nd)
  %gbo = or i64 %gb, 4611686018427387904
  %d1 = sub i64 %gbo, %ga4
  br label %tail
abig:
  %ainf2 = icmp eq i64 %ea, 2047
  br i1 %ainf2, label %abinf, label %ab1
abinf:
  %an = icmp ne i64 %fa, 0
  br i1 %an, label %nan, label %reta
ab1:
  %bnz = icmp ne i64 %eb, 0
  %gb1 = add i64 %gb, 4611686018427387904
  %gb2 = add i64 %gb, %gb
  %gb3 = select i1 %bnz, i64 %gb1, i64 %gb2
  %gb4 = call i64 @sf_jam(i64 %gb3, i64 %diff)
  %gao = or i64 %ga, 4611686018427387904
  %d2 = sub i64 %gao, %gb4
  br label %tail
tail:
  %te = phi i64 [ %eb, %bb1 ], [ %ea, %ab1 ]
  %td = phi i64 [ %d1, %bb1 ], [ %d2, %ab1 ]
  %ts = phi i64 [ %sz3, %bb1 ], [ %sz, %ab1 ]
  %te1 = sub i64 %te, 1
  %r = call i64 @sf_norm_round_pack(i64 %ts, i64 %te1, i64 %td)
  ret i64 %r
reta:
  ret i64 %a
invalid:
  ret i64 -2251799813685248
nan:
  %q = call i64 @sf_nan2(i64 %a, i64 %b)
  ret i64 %q
}

; The high 64 bits of the 128-bit product (the low ones are a plain `mul`). Written on 32-bit
; halves: an i128 multiply would become a `__multi3` call the BPF back end cannot make.
define i64 @sf_umulh(i64 %a, i64 %b) {
  %a0 = and i64 %a, 4294967295
  %a1 = lshr i64 %a, 32
  %b0 = and i64 %b, 4294967295
  %b1 = lshr i64 %b, 32
  %p00 = mul i64 %a0, %b0
  %p01 = mul i64 %a0, %b1
  %p10 = mul i64 %a1, %b0
  %p11 = mul i64 %a1, %b1
  %c0 = lshr i64 %p00, 32
  %l01 = and i64 %p01, 4294967295
  %l10 = and i64 %p10, 4294967295
  %m1 = add i64 %c0, %l01
  %mid = add i64 %m1, %l10
  %h01 = lshr i64 %p01, 32
  %h10 = lshr i64 %p10, 32
  %hm = lshr i64 %mid, 32
  %s1 = add i64 %p11, %h01
  %s2 = add i64 %s1, %h10
  %s3 = add i64 %s2, %hm
  ret i64 %s3
}

; a * b. Two normal operands whose product's exponent leaves room on both sides take a short
; path: the significands multiplied in 128 bits (the low half jammed into a sticky bit), one
; normalising shift, and the rounding of sf_addsub (round to nearest, ties to even, a carry
; out of the significand landing in the exponent). With the unrounded exponent ez (biased, for
; a product of significands in [1, 2)) in [1, 2044], the result's exponent is ez or ez + 1,
; and one more if rounding carries: neither subnormal nor past 2046. The rest is SoftFloat's
; general code (sf_mul_general).
define i64 @sf_mul(i64 %a, i64 %b) {
entry:
  %ea0 = lshr i64 %a, 52
  %ea = and i64 %ea0, 2047
  %eb0 = lshr i64 %b, 52
  %eb = and i64 %eb0, 2047
  %es = add i64 %ea, %eb
  %ez = sub i64 %es, 1023
  %ea1 = add i64 %ea, -1
  %eb1 = add i64 %eb, -1
  %ez1 = add i64 %ez, -1
  %na = icmp ult i64 %ea1, 2046
  %nb = icmp ult i64 %eb1, 2046
  %nz = icmp ult i64 %ez1, 2044
  %n2 = and i1 %na, %nb
  %fast = and i1 %n2, %nz
  br i1 %fast, label %go, label %general
go:
  %x = xor i64 %a, %b
  %sz = and i64 %x, -9223372036854775808
  ; The 106-bit product P of the 53-bit significands, as much of it as rounding needs: P >> 43
  ; (its leading one at bit 61 or 62) and whether any of the 43 bits below are set. Each
  ; significand splits into a 27-bit high part and a 26-bit low part, so that the four partial
  ; products fit in 64 bits: P = hh 2^52 + (hl + lh) 2^26 + ll. Four multiplies and a few
  ; shifts, where the full 128-bit product (sf_umulh, and the low half) took about 20 more.
  %fa = and i64 %a, 4503599627370495
  %fb = and i64 %b, 4503599627370495
  %ma = or i64 %fa, 4503599627370496
  %mb = or i64 %fb, 4503599627370496
  %a1 = lshr i64 %ma, 26
  %b1 = lshr i64 %mb, 26
  %a0 = and i64 %a, 67108863
  %b0 = and i64 %b, 67108863
  %hh = mul i64 %a1, %b1
  %hl = mul i64 %a1, %b0
  %lh = mul i64 %a0, %b1
  %ll = mul i64 %a0, %b0
  %mid = add i64 %hl, %lh
  ; the middle terms with the low product's carry: P = hh 2^52 + midc 2^26 + (ll mod 2^26)
  %llc = lshr i64 %ll, 26
  %midc = add i64 %mid, %llc
  %hi9 = shl i64 %hh, 9
  %mid17 = lshr i64 %midc, 17
  %hi = add i64 %hi9, %mid17
  %rest26 = and i64 %ll, 67108863
  %rest17 = and i64 %midc, 131071
  %rest = or i64 %rest26, %rest17
  %lnz = icmp ne i64 %rest, 0
  %lj = zext i1 %lnz to i64
  %sig = or i64 %hi, %lj
  ; the product of significands in [1, 2) puts the leading one at bit 61 or 62
  %low = icmp ult i64 %sig, 4611686018427387904
  %sig1 = shl i64 %sig, 1
  %ezd = add i64 %ez, -1
  %e = select i1 %low, i64 %ezd, i64 %ez
  %m = select i1 %low, i64 %sig1, i64 %sig
  %packed = call i64 @sf_round_pack_normal(i64 %e, i64 %m)
  %r = or i64 %packed, %sz
  ret i64 %r
general:
  %g = call i64 @sf_mul_general(i64 %a, i64 %b)
  ret i64 %g
}

define i64 @sf_mul_general(i64 %a, i64 %b) {
entry:
  %x = xor i64 %a, %b
  %sz = and i64 %x, -9223372036854775808
  %ea0 = lshr i64 %a, 52
  %ea = and i64 %ea0, 2047
  %eb0 = lshr i64 %b, 52
  %eb = and i64 %eb0, 2047
  %fa = and i64 %a, 4503599627370495
  %fb = and i64 %b, 4503599627370495
  %ainf = icmp eq i64 %ea, 2047
  br i1 %ainf, label %aspecial, label %c1
aspecial:
  %an = icmp ne i64 %fa, 0
  %binf0 = icmp eq i64 %eb, 2047
  %bfn = icmp ne i64 %fb, 0
  %bnan = and i1 %binf0, %bfn
  %anynan = or i1 %an, %bnan
  br i1 %anynan, label %nan, label %ainfarg
ainfarg:
  %mb = or i64 %eb, %fb
  br label %infarg
c1:
  %binf = icmp eq i64 %eb, 2047
  br i1 %binf, label %bspecial, label %c2
bspecial:
  %bn = icmp ne i64 %fb, 0
  br i1 %bn, label %nan, label %binfarg
binfarg:
  %ma = or i64 %ea, %fa
  br label %infarg
infarg:
  %mag = phi i64 [ %mb, %ainfarg ], [ %ma, %binfarg ]
  %mz = icmp eq i64 %mag, 0
  br i1 %mz, label %invalid, label %inf
c2:
  %az = icmp eq i64 %ea, 0
  br i1 %az, label %anorm, label %bchk
anorm:
  %faz = icmp eq i64 %fa, 0
  br i1 %faz, label %zero, label %anorm1
anorm1:
  %lza = call i64 @sf_clz(i64 %fa)
  %sha = sub i64 %lza, 11
  %ean = sub i64 1, %sha
  %fan = shl i64 %fa, %sha
  br label %bchk
bchk:
  %eA = phi i64 [ %ea, %c2 ], [ %ean, %anorm1 ]
  %fA = phi i64 [ %fa, %c2 ], [ %fan, %anorm1 ]
  %bz = icmp eq i64 %eb, 0
  br i1 %bz, label %bnorm, label %go
bnorm:
  %fbz = icmp eq i64 %fb, 0
  br i1 %fbz, label %zero, label %bnorm1
bnorm1:
  %lzb = call i64 @sf_clz(i64 %fb)
  %shb = sub i64 %lzb, 11
  %ebn = sub i64 1, %shb
  %fbn = shl i64 %fb, %shb
  br label %go
go:
  %eB = phi i64 [ %eb, %bchk ], [ %ebn, %bnorm1 ]
  %fB = phi i64 [ %fb, %bchk ], [ %fbn, %bnorm1 ]
  %es = add i64 %eA, %eB
  %ez = sub i64 %es, 1023
  %xa0 = or i64 %fA, 4503599627370496
  %xa = shl i64 %xa0, 10
  %xb0 = or i64 %fB, 4503599627370496
  %xb = shl i64 %xb0, 11
  %hi = call i64 @sf_umulh(i64 %xa, i64 %xb)
  %lo = mul i64 %xa, %xb
  %lnz = icmp ne i64 %lo, 0
  %lj = zext i1 %lnz to i64
  %sig = or i64 %hi, %lj
  %low = icmp ult i64 %sig, 4611686018427387904
  %ez1 = sub i64 %ez, 1
  %sig1 = shl i64 %sig, 1
  %ezf = select i1 %low, i64 %ez1, i64 %ez
  %sigf = select i1 %low, i64 %sig1, i64 %sig
  %r = call i64 @sf_round_pack(i64 %sz, i64 %ezf, i64 %sigf)
  ret i64 %r
zero:
  ret i64 %sz
inf:
  %i = or i64 %sz, 9218868437227405312
  ret i64 %i
invalid:
  ret i64 -2251799813685248
nan:
  %q = call i64 @sf_nan2(i64 %a, i64 %b)
  ret i64 %q
}

; a / b. For normal operands whose quotient is normal and cannot round up to infinity, a short
; path; the rest (zeros, subnormals, infinities, NaNs, results out of that range) to the general
; one below.
;
; The quotient of the significands, ma / mb in (1/2, 2), is computed to 55 bits with `udiv` and
; `urem` in five steps: the first takes 11 bits of (ma << 10) / mb (ma doubled when below mb,
; so that this step's quotient has its leading one at bit 10), and each of the four others 11
; more, the remainder (below mb, under 2^53) shifted left 11 without overflowing. 53 bits and a
; guard bit are what rounding to nearest needs, and a quotient is never exactly halfway, so the
; remainder's being non-zero is the sticky bit. The general path computes 63 bits in seven
; steps and rounds through sf_round_pack; both give the correctly rounded quotient.
define i64 @sf_div(i64 %a, i64 %b) {
entry:
  %ea0 = lshr i64 %a, 52
  %ea = and i64 %ea0, 2047
  %eb0 = lshr i64 %b, 52
  %eb = and i64 %eb0, 2047
  ; the result's exponent field less one, before the significands are compared
  %ed = sub i64 %ea, %eb
  %ez = add i64 %ed, 1022
  %ea1 = add i64 %ea, -1
  %eb1 = add i64 %eb, -1
  %ez1 = add i64 %ez, -1
  %na = icmp ult i64 %ea1, 2046
  %nb = icmp ult i64 %eb1, 2046
  ; ez in [1, 2044]: the packed exponent, ez or ez - 1 plus the leading one, lies in [1, 2045],
  ; a normal number's (a quotient never rounds up to the next power of two: its significand is
  ; at most 2 - 2^-52 exactly, so 2045 would be safe too)
  %nz = icmp ult i64 %ez1, 2044
  %n2 = and i1 %na, %nb
  %fast = and i1 %n2, %nz
  br i1 %fast, label %go, label %general
go:
  %x = xor i64 %a, %b
  %sz = and i64 %x, -9223372036854775808
  %fa = and i64 %a, 4503599627370495
  %fb = and i64 %b, 4503599627370495
  %ma = or i64 %fa, 4503599627370496
  %mb = or i64 %fb, 4503599627370496
  %lt = icmp ult i64 %ma, %mb
  %ma2 = shl i64 %ma, 1
  %mA = select i1 %lt, i64 %ma2, i64 %ma
  %ezm = add i64 %ez, -1
  %e = select i1 %lt, i64 %ezm, i64 %ez
  %n0 = shl i64 %mA, 10
  %q0 = udiv i64 %n0, %mb
  %r0 = urem i64 %n0, %mb
  %n1 = shl i64 %r0, 11
  %d1 = udiv i64 %n1, %mb
  %r1 = urem i64 %n1, %mb
  %s1 = shl i64 %q0, 11
  %q1 = or i64 %s1, %d1
  %n2b = shl i64 %r1, 11
  %d2 = udiv i64 %n2b, %mb
  %r2 = urem i64 %n2b, %mb
  %s2 = shl i64 %q1, 11
  %q2 = or i64 %s2, %d2
  %n3 = shl i64 %r2, 11
  %d3 = udiv i64 %n3, %mb
  %r3 = urem i64 %n3, %mb
  %s3 = shl i64 %q2, 11
  %q3 = or i64 %s3, %d3
  %n4 = shl i64 %r3, 11
  %d4 = udiv i64 %n4, %mb
  %r4 = urem i64 %n4, %mb
  %s4 = shl i64 %q3, 11
  %q4 = or i64 %s4, %d4
  ; 55 bits, the leading one at bit 54: to bit 62, with the sticky bit at bit 0
  %q8 = shl i64 %q4, 8
  %rnz = icmp ne i64 %r4, 0
  %sticky = zext i1 %rnz to i64
  %m = or i64 %q8, %sticky
  %packed = call i64 @sf_round_pack_normal(i64 %e, i64 %m)
  %r = or i64 %packed, %sz
  ret i64 %r
general:
  %g = call i64 @sf_div_general(i64 %a, i64 %b)
  ret i64 %g
}

; Division, every case: the quotient's 63 bits come from `udiv` in chunks of 11 (the remainder
; stays below the divisor, under 2^53, so it can take 11 more bits without overflowing).
define i64 @sf_div_general(i64 %a, i64 %b) {
entry:
  %x = xor i64 %a, %b
  %sz = and i64 %x, -9223372036854775808
  %ea0 = lshr i64 %a, 52
  %ea = and i64 %ea0, 2047
  %eb0 = lshr i64 %b, 52
  %eb = and i64 %eb0, 2047
  %fa = and i64 %a, 4503599627370495
  %fb = and i64 %b, 4503599627370495
  %ainf = icmp eq i64 %ea, 2047
  br i1 %ainf, label %aspecial, label %c1
aspecial:
  %an = icmp ne i64 %fa, 0
  br i1 %an, label %nan, label %aspecial1
aspecial1:
  %binf0 = icmp eq i64 %eb, 2047
  br i1 %binf0, label %bothinf, label %inf
bothinf:
  %bn0 = icmp ne i64 %fb, 0
  br i1 %bn0, label %nan, label %invalid
c1:
  %binf = icmp eq i64 %eb, 2047
  br i1 %binf, label %bspecial, label %c2
bspecial:
  %bn = icmp ne i64 %fb, 0
  br i1 %bn, label %nan, label %zero
c2:
  %bz = icmp eq i64 %eb, 0
  br i1 %bz, label %bsub, label %achk
bsub:
  %fbz = icmp eq i64 %fb, 0
  br i1 %fbz, label %byzero, label %bnorm
byzero:
  %ma = or i64 %ea, %fa
  %az0 = icmp eq i64 %ma, 0
  br i1 %az0, label %invalid, label %inf
bnorm:
  %lzb = call i64 @sf_clz(i64 %fb)
  %shb = sub i64 %lzb, 11
  %ebn = sub i64 1, %shb
  %fbn = shl i64 %fb, %shb
  br label %achk
achk:
  %eB = phi i64 [ %eb, %c2 ], [ %ebn, %bnorm ]
  %fB = phi i64 [ %fb, %c2 ], [ %fbn, %bnorm ]
  %az = icmp eq i64 %ea, 0
  br i1 %az, label %asub, label %go
asub:
  %faz = icmp eq i64 %fa, 0
  br i1 %faz, label %zero, label %anorm
anorm:
  %lza = call i64 @sf_clz(i64 %fa)
  %sha = sub i64 %lza, 11
  %ean = sub i64 1, %sha
  %fan = shl i64 %fa, %sha
  br label %go
go:
  %eA = phi i64 [ %ea, %achk ], [ %ean, %anorm ]
  %fA = phi i64 [ %fa, %achk ], [ %fan, %anorm ]
  %ed = sub i64 %eA, %eB
  %ez = add i64 %ed, 1022
  %ma1 = or i64 %fA, 4503599627370496
  %mb = or i64 %fB, 4503599627370496
  %lt = icmp ult i64 %ma1, %mb
  %ma2 = shl i64 %ma1, 1
  %mA = select i1 %lt, i64 %ma2, i64 %ma1
  %ez1 = sub i64 %ez, 1
  %eZ = select i1 %lt, i64 %ez1, i64 %ez
  %q0 = udiv i64 %mA, %mb
  %r0 = urem i64 %mA, %mb
  br label %chunk
chunk:
  %k = phi i64 [ 0, %go ], [ %k1, %chunk ]
  %q = phi i64 [ %q0, %go ], [ %qn, %chunk ]
  %r = phi i64 [ %r0, %go ], [ %rn, %chunk ]
  %rs = shl i64 %r, 11
  %qd = udiv i64 %rs, %mb
  %rn = urem i64 %rs, %mb
  %qs = shl i64 %q, 11
  %qn = or i64 %qs, %qd
  %k1 = add i64 %k, 1
  %more = icmp ult i64 %k1, 5
  br i1 %more, label %chunk, label %last
last:
  %rl = shl i64 %rn, 7
  %ql = udiv i64 %rl, %mb
  %rr = urem i64 %rl, %mb
  %qls = shl i64 %qn, 7
  %qf = or i64 %qls, %ql
  %rnz = icmp ne i64 %rr, 0
  %sticky = zext i1 %rnz to i64
  %sig = or i64 %qf, %sticky
  %res = call i64 @sf_round_pack(i64 %sz, i64 %eZ, i64 %sig)
  ret i64 %res
zero:
  ret i64 %sz
inf:
  %i = or i64 %sz, 9218868437227405312
  ret i64 %i
invalid:
  ret i64 -2251799813685248
nan:
  %qn2 = call i64 @sf_nan2(i64 %a, i64 %b)
  ret i64 %qn2
}

; fmod: exact, with the dividend's sign. The remainder is reduced 11 bits of the exponent
; difference at a time with `urem`.
define i64 @sf_rem(i64 %x, i64 %y) {
entry:
  %sx = and i64 %x, -9223372036854775808
  %ax = and i64 %x, 9223372036854775807
  %ay = and i64 %y, 9223372036854775807
  %xnan = icmp ugt i64 %ax, 9218868437227405312
  %ynan = icmp ugt i64 %ay, 9218868437227405312
  %anynan = or i1 %xnan, %ynan
  br i1 %anynan, label %nan, label %c1
c1:
  %yzero = icmp eq i64 %ay, 0
  %xinf = icmp eq i64 %ax, 9218868437227405312
  %inv = or i1 %yzero, %xinf
  br i1 %inv, label %invalid, label %c2
c2:
  %le = icmp ule i64 %ax, %ay
  br i1 %le, label %small, label %go
small:
  %same = icmp eq i64 %ax, %ay
  br i1 %same, label %zero, label %retx
go:
  %ex0 = lshr i64 %ax, 52
  %ey0 = lshr i64 %ay, 52
  %fx = and i64 %ax, 4503599627370495
  %fy = and i64 %ay, 4503599627370495
  %exz = icmp eq i64 %ex0, 0
  %lzx = call i64 @sf_clz(i64 %fx)
  %shx = sub i64 %lzx, 11
  %exs = sub i64 1, %shx
  %fxs = shl i64 %fx, %shx
  %fxn = or i64 %fx, 4503599627370496
  %ex = select i1 %exz, i64 %exs, i64 %ex0
  %mx = select i1 %exz, i64 %fxs, i64 %fxn
  %eyz = icmp eq i64 %ey0, 0
  %lzy = call i64 @sf_clz(i64 %fy)
  %shy = sub i64 %lzy, 11
  %eys = sub i64 1, %shy
  %fys = shl i64 %fy, %shy
  %fyn = or i64 %fy, 4503599627370496
  %ey = select i1 %eyz, i64 %eys, i64 %ey0
  %my = select i1 %eyz, i64 %fys, i64 %fyn
  %r0 = urem i64 %mx, %my
  %d0 = sub i64 %ex, %ey
  br label %loop
loop:
  %r = phi i64 [ %r0, %go ], [ %rn, %step ]
  %d = phi i64 [ %d0, %go ], [ %dn, %step ]
  %more = icmp sgt i64 %d, 0
  br i1 %more, label %step, label %done
step:
  %big = icmp sgt i64 %d, 11
  %s = select i1 %big, i64 11, i64 %d
  %rs = shl i64 %r, %s
  %rn = urem i64 %rs, %my
  %dn = sub i64 %d, %s
  br label %loop
done:
  %rz = icmp eq i64 %r, 0
  br i1 %rz, label %zero, label %pack
pack:
  %lz = call i64 @sf_clz(i64 %r)
  %sh = sub i64 %lz, 11
  %m = shl i64 %r, %sh
  %e = sub i64 %ey, %sh
  %normal = icmp sgt i64 %e, 0
  br i1 %normal, label %packn, label %packs
packn:
  %eb = shl i64 %e, 52
  %fr = and i64 %m, 4503599627370495
  %bits = or i64 %eb, %fr
  %z = or i64 %bits, %sx
  ret i64 %z
packs:
  %ne = sub i64 1, %e
  %ms = lshr i64 %m, %ne
  %zs = or i64 %ms, %sx
  ret i64 %zs
zero:
  ret i64 %sx
retx:
  ret i64 %x
invalid:
  ret i64 -2251799813685248
nan:
  %q = call i64 @sf_nan2(i64 %x, i64 %y)
  ret i64 %q
}

; Square root, bit by bit over a 112-bit radicand: a 56-bit root and an exact sticky bit.
define i64 @sf_sqrt(i64 %a) {
entry:
  %e0 = lshr i64 %a, 52
  %e = and i64 %e0, 2047
  %f = and i64 %a, 4503599627370495
  %neg = icmp slt i64 %a, 0
  %einf = icmp eq i64 %e, 2047
  br i1 %einf, label %special, label %c1
special:
  %fn = icmp ne i64 %f, 0
  br i1 %fn, label %quiet, label %infsign
infsign:
  br i1 %neg, label %invalid, label %reta
c1:
  %abs = and i64 %a, 9223372036854775807
  %z = icmp eq i64 %abs, 0
  br i1 %z, label %reta, label %c2
c2:
  br i1 %neg, label %invalid, label %go
go:
  %ez = icmp eq i64 %e, 0
  %lz = call i64 @sf_clz(i64 %f)
  %sh = sub i64 %lz, 11
  %es = sub i64 1, %sh
  %fs = shl i64 %f, %sh
  %fnrm = or i64 %f, 4503599627370496
  %E = select i1 %ez, i64 %es, i64 %e
  %m = select i1 %ez, i64 %fs, i64 %fnrm
  %ue = sub i64 %E, 1023
  %odd = and i64 %ue, 1
  %m2 = shl i64 %m, %odd
  %ue2 = sub i64 %ue, %odd
  %hi0 = shl i64 %m2, 10
  ; The root's 56 bits are floor(sqrt(hi0 * 2^48)), found with the hardware's 64-bit division
  ; rather than two bits at a time. First x = floor(sqrt(hi0)) by Newton's iteration from
  ; above: the start, (hi0 / 2^32 + 2^32) / 2, is at least sqrt(hi0) (the means' inequality),
  ; and x + hi0 / x < 2^34 cannot overflow (hi0 >= 2^62, so x >= 2^31).
  %x0a = lshr i64 %hi0, 33
  %x0 = add i64 %x0a, 2147483648
  br label %newton
newton:
  %x = phi i64 [ %x0, %go ], [ %y, %step ]
  %hq = udiv i64 %hi0, %x
  %hs = add i64 %x, %hq
  %y = lshr i64 %hs, 1
  %down = icmp ult i64 %y, %x
  br i1 %down, label %step, label %settled
step:
  br label %newton
settled:
  ; With d = hi0 - x^2 <= 2x, one more step in the 56-bit scale: 2^24 (x + d / 2x), whose
  ; excess over the true root is at most 2^24 d^2 / 8x^3 <= 2^-8, so after the floor it is
  ; the root or one more; the square, compared exactly in 128 bits, tells which.
  %xx = mul i64 %x, %x
  %d = sub i64 %hi0, %xx
  %dsh = shl i64 %d, 23
  %corr = udiv i64 %dsh, %x
  %xs = shl i64 %x, 24
  %est = add i64 %xs, %corr
  %rh = lshr i64 %hi0, 16
  %rl = shl i64 %hi0, 48
  %sqh = call i64 @sf_umulh(i64 %est, i64 %est)
  %sql = mul i64 %est, %est
  %hgt = icmp ugt i64 %sqh, %rh
  %heq = icmp eq i64 %sqh, %rh
  %lgt = icmp ugt i64 %sql, %rl
  %over0 = and i1 %heq, %lgt
  %over = or i1 %hgt, %over0
  br i1 %over, label %lower, label %done
lower:
  %est1 = sub i64 %est, 1
  %sqh1 = call i64 @sf_umulh(i64 %est1, i64 %est1)
  %sql1 = mul i64 %est1, %est1
  br label %done
done:
  %rootn = phi i64 [ %est, %settled ], [ %est1, %lower ]
  %qh = phi i64 [ %sqh, %settled ], [ %sqh1, %lower ]
  %ql = phi i64 [ %sql, %settled ], [ %sql1, %lower ]
  %eh = icmp eq i64 %qh, %rh
  %el = icmp eq i64 %ql, %rl
  %exact = and i1 %eh, %el
  %rs = shl i64 %rootn, 7
  %st0 = xor i1 %exact, true
  %st = zext i1 %st0 to i64
  %sig = or i64 %rs, %st
  %half = ashr i64 %ue2, 1
  %exp = add i64 %half, 1022
  %r = call i64 @sf_round_pack(i64 0, i64 %exp, i64 %sig)
  ret i64 %r
quiet:
  %q = or i64 %a, 2251799813685248
  ret i64 %q
reta:
  ret i64 %a
invalid:
  ret i64 -2251799813685248
}

; -1, 0 or 1 for a < b, a = b, a > b; 2 when either is a NaN.
define i64 @sf_cmp(i64 %a, i64 %b) {
entry:
  %aa = and i64 %a, 9223372036854775807
  %ab = and i64 %b, 9223372036854775807
  %na = icmp ugt i64 %aa, 9218868437227405312
  %nb = icmp ugt i64 %ab, 9218868437227405312
  %n = or i1 %na, %nb
  br i1 %n, label %unordered, label %ordered
ordered:
  ; sign and magnitude to two's complement: -0 and +0 both become 0
  %nega = sub i64 0, %aa
  %negb = sub i64 0, %ab
  %sa = icmp slt i64 %a, 0
  %sb = icmp slt i64 %b, 0
  %ka = select i1 %sa, i64 %nega, i64 %aa
  %kb = select i1 %sb, i64 %negb, i64 %ab
  %lt = icmp slt i64 %ka, %kb
  %gt = icmp sgt i64 %ka, %kb
  %l = select i1 %lt, i64 -1, i64 0
  %o = select i1 %gt, i64 1, i64 %l
  ret i64 %o
unordered:
  ret i64 2
}

; An i64 rounded to the nearest f64 (Rust's `as f64`).
define i64 @sf_from_int(i64 %i) {
entry:
  %z = icmp eq i64 %i, 0
  br i1 %z, label %zero, label %c1
c1:
  %min = icmp eq i64 %i, -9223372036854775808
  br i1 %min, label %minv, label %go
go:
  %sign = and i64 %i, -9223372036854775808
  %neg = icmp slt i64 %i, 0
  %n = sub i64 0, %i
  %mag = select i1 %neg, i64 %n, i64 %i
  %r = call i64 @sf_norm_round_pack(i64 %sign, i64 1084, i64 %mag)
  ret i64 %r
zero:
  ret i64 0
minv:
  ret i64 -4332462841530417152
}

; The integer part of a finite f64 whose integer part fits an i64 (callers check the range).
define i64 @sf_to_int(i64 %a) {
entry:
  %e0 = lshr i64 %a, 52
  %e = and i64 %e0, 2047
  %small = icmp ult i64 %e, 1023
  br i1 %small, label %zero, label %go
go:
  %f = and i64 %a, 4503599627370495
  %m = or i64 %f, 4503599627370496
  %left = icmp uge i64 %e, 1075
  br i1 %left, label %shl, label %shr
shl:
  %ls = sub i64 %e, 1075
  %vl = shl i64 %m, %ls
  br label %sign
shr:
  %rs = sub i64 1075, %e
  %vr = lshr i64 %m, %rs
  br label %sign
sign:
  %v = phi i64 [ %vl, %shl ], [ %vr, %shr ]
  %neg = icmp slt i64 %a, 0
  %nv = sub i64 0, %v
  %r = select i1 %neg, i64 %nv, i64 %v
  ret i64 %r
zero:
  ret i64 0
}

; Whether an integral f64 lies in [-2^63, 2^63), so sf_to_int is exact (false for NaN, inf).
define i1 @sf_fits_int(i64 %a) {
  %abs = and i64 %a, 9223372036854775807
  %inside = icmp ult i64 %abs, 4890909195324358656
  %min = icmp eq i64 %a, -4332462841530417152
  %ok = or i1 %inside, %min
  ret i1 %ok
}

; Rounds to an integral f64. mode: 0 toward zero, 1 down (floor), 2 up (ceil), 3 to nearest
; with halves away from zero (Rust's `round`).
define i64 @sf_round_int(i64 %a, i64 %mode) {
entry:
  %e0 = lshr i64 %a, 52
  %e = and i64 %e0, 2047
  %sign = and i64 %a, -9223372036854775808
  %below1 = icmp ule i64 %e, 1022
  br i1 %below1, label %frac, label %c1
frac:
  %abs = and i64 %a, 9223372036854775807
  %z = icmp eq i64 %abs, 0
  br i1 %z, label %reta, label %frac1
frac1:
  switch i64 %mode, label %retsign [ i64 1, label %fl
                                     i64 2, label %ce
                                     i64 3, label %rn ]
fl:
  %negf = icmp ne i64 %sign, 0
  br i1 %negf, label %minus1, label %retsign
ce:
  %posc = icmp eq i64 %sign, 0
  br i1 %posc, label %plus1, label %retsign
rn:
  %half = icmp eq i64 %e, 1022
  br i1 %half, label %one, label %retsign
one:
  %o = or i64 %sign, 4607182418800017408
  ret i64 %o
minus1:
  ret i64 -4616189618054758400
plus1:
  ret i64 4607182418800017408
retsign:
  ret i64 %sign
c1:
  %whole = icmp uge i64 %e, 1075
  br i1 %whole, label %big, label %go
big:
  %isnan = call i1 @sf_is_nan(i64 %a)
  br i1 %isnan, label %quiet, label %reta
quiet:
  %q = or i64 %a, 2251799813685248
  ret i64 %q
go:
  %dist = sub i64 1075, %e
  %last = shl i64 1, %dist
  %rmask = sub i64 %last, 1
  %neg = icmp ne i64 %sign, 0
  %halfbit = lshr i64 %last, 1
  %m3 = icmp eq i64 %mode, 3
  %m1 = icmp eq i64 %mode, 1
  %m2 = icmp eq i64 %mode, 2
  %pos = xor i1 %neg, true
  %upneg = and i1 %m1, %neg
  %uppos = and i1 %m2, %pos
  %up = or i1 %upneg, %uppos
  %inc1 = select i1 %up, i64 %rmask, i64 0
  %inc = select i1 %m3, i64 %halfbit, i64 %inc1
  %s = add i64 %a, %inc
  %nm = xor i64 %rmask, -1
  %r = and i64 %s, %nm
  ret i64 %r
reta:
  ret i64 %a
}

; Orders an i64 against an f64 exactly (no rounding of the integer): -1, 0, 1, or 2 for NaN.
define i64 @sf_cmp_int(i64 %i, i64 %f) {
entry:
  %af = and i64 %f, 9223372036854775807
  %nan = icmp ugt i64 %af, 9218868437227405312
  br i1 %nan, label %unordered, label %c1
c1:
  %negf = icmp slt i64 %f, 0
  %beyond = icmp uge i64 %af, 4890909195324358656
  %past = icmp ugt i64 %af, 4890909195324358656
  %above = xor i1 %negf, true
  %big = and i1 %above, %beyond
  br i1 %big, label %less, label %c2
c2:
  %small = and i1 %negf, %past
  br i1 %small, label %greater, label %go
go:
  %t = call i64 @sf_round_int(i64 %f, i64 0)
  %ti = call i64 @sf_to_int(i64 %t)
  %lt = icmp slt i64 %i, %ti
  br i1 %lt, label %less, label %c3
c3:
  %gt = icmp sgt i64 %i, %ti
  br i1 %gt, label %greater, label %frac
frac:
  %c = call i64 @sf_cmp(i64 %t, i64 %f)
  ret i64 %c
less:
  ret i64 -1
greater:
  ret i64 1
unordered:
  ret i64 2
}

; x ** y: a line-by-line translation of runtime/src/float_pow.rs's `ieee754_pow` (fdlibm 5.3's
; __ieee754_pow, Sun Microsystems 1993-2004: "Permission to use, copy, modify, and distribute
; this software is freely granted, provided that this notice is preserved"; with C99's special
; cases, and the general logarithm also for |y| > 2^31 near x = 1, where fdlibm's series was
; hundreds of ulps off). Each f64 operation there is one sf_ operation here, in the same order,
; so the two agree bit for bit (codegen/tests/softfloat.rs). fdlibm's 32-bit words are kept in
; i64s: hx, hy signed (`ashr`), lx, ly unsigned; `and -4294967296` clears a low word.
; The constants are fdlibm's, as f64 bits: 1.0 4607182418800017408, -1.0 -4616189618054758400,
; 1.5 4609434218613702656, 2.0 4611686018427387904, 3.0 4613937818241073152, 2^53
; 4845873199050653696, 2^-54 4363988038922010624, huge = 1e300 9094988921128908188, tiny = 1e-300
; 118622047889322841, dp_h[1] 4603444093224222720, dp_l[1] 4489242115478376454, L1..L6
; 4603579539098120963 4601392076422097919 4599676419357746765 4598584653024936193
; 4597478449480325989 4596625081194860271, P1..P5 4595172819793696062 -4654820494858601069
; 4544508515198557740 -4702957295668925455 4496342204012209360, lg2 4604418534313441775, lg2_h
; 4604418534330597376, lg2_l -4746692435354555335, ovt 4365981760143196926, cp
; 4606838314010018813, cp_h 4606838314073325568, cp_l -4738297118486494731.
define i64 @sf_pow(i64 %x, i64 %y) {
entry:
  %hx = ashr i64 %x, 32
  %lx = and i64 %x, 4294967295
  %hy = ashr i64 %y, 32
  %ly = and i64 %y, 4294967295
  %ix = and i64 %hx, 2147483647
  %iy = and i64 %hy, 2147483647
  %xabs = and i64 %x, 9223372036854775807
  %yabs = and i64 %y, 9223372036854775807
  %yzero = icmp eq i64 %yabs, 0
  %xone = icmp eq i64 %x, 4607182418800017408
  %unit = or i1 %yzero, %xone
  br i1 %unit, label %one, label %nancheck
one:
  ret i64 4607182418800017408
nancheck:
  %xnan = icmp ugt i64 %xabs, 9218868437227405312
  %ynan = icmp ugt i64 %yabs, 9218868437227405312
  %anynan = or i1 %xnan, %ynan
  br i1 %anynan, label %nan, label %yint
nan:
  %nr = call i64 @sf_add(i64 %x, i64 %y)
  ret i64 %nr

yint:
  ; yisint: 0 when y is not an integer, 1 odd, 2 even (only for a negative x)
  %xneg = icmp slt i64 %hx, 0
  br i1 %xneg, label %yi0, label %yidone
yi0:
  %yeven = icmp sge i64 %iy, 1128267776
  br i1 %yeven, label %yidone, label %yi1
yi1:
  %yge1 = icmp sge i64 %iy, 1072693248
  br i1 %yge1, label %yi2, label %yidone
yi2:
  %ye = ashr i64 %iy, 20
  %yk = sub i64 %ye, 1023
  %ykbig = icmp sgt i64 %yk, 20
  br i1 %ykbig, label %yi3, label %yi4
yi3:
  %sh3 = sub i64 52, %yk
  %j3 = lshr i64 %ly, %sh3
  %b3 = shl i64 %j3, %sh3
  %int3 = icmp eq i64 %b3, %ly
  %odd3 = and i64 %j3, 1
  %v3 = sub i64 2, %odd3
  %r3 = select i1 %int3, i64 %v3, i64 0
  br label %yidone
yi4:
  %lyz = icmp eq i64 %ly, 0
  br i1 %lyz, label %yi5, label %yidone
yi5:
  %sh5 = sub i64 20, %yk
  %j5 = ashr i64 %iy, %sh5
  %b5 = shl i64 %j5, %sh5
  %int5 = icmp eq i64 %b5, %iy
  %odd5 = and i64 %j5, 1
  %v5 = sub i64 2, %odd5
  %r5 = select i1 %int5, i64 %v5, i64 0
  br label %yidone
yidone:
  %yisint = phi i64 [ 0, %yint ], [ 2, %yi0 ], [ 0, %yi1 ], [ %r3, %yi3 ], [ 0, %yi4 ], [ %r5, %yi5 ]
  %lyzero = icmp eq i64 %ly, 0
  br i1 %lyzero, label %sy0, label %sx

sy0:
  %yinf = icmp eq i64 %iy, 2146435072
  br i1 %yinf, label %syinf, label %sy1
syinf:
  ; (-1) ** ±inf is 1; otherwise inf or 0 as |x| ** y grows or shrinks
  %xm1 = sub i64 %ix, 1072693248
  %xm1l = or i64 %xm1, %lx
  %absone = icmp eq i64 %xm1l, 0
  br i1 %absone, label %one, label %syinf1
syinf1:
  %xge1 = icmp sge i64 %ix, 1072693248
  %hypos = icmp sge i64 %hy, 0
  %hyneg = icmp slt i64 %hy, 0
  %grows = select i1 %xge1, i1 %hypos, i1 %hyneg
  %rinf = select i1 %grows, i64 9218868437227405312, i64 0
  ret i64 %rinf
sy1:
  %yone = icmp eq i64 %iy, 1072693248
  br i1 %yone, label %syone, label %sy2
syone:
  %yneg1 = icmp slt i64 %hy, 0
  br i1 %yneg1, label %recip, label %retx
recip:
  %rc = call i64 @sf_div(i64 4607182418800017408, i64 %x)
  ret i64 %rc
retx:
  ret i64 %x
sy2:
  %ytwo = icmp eq i64 %hy, 1073741824
  br i1 %ytwo, label %square, label %sy3
square:
  %sq = call i64 @sf_mul(i64 %x, i64 %x)
  ret i64 %sq
sy3:
  %yhalf = icmp eq i64 %hy, 1071644672
  %xnonneg = icmp sge i64 %hx, 0
  %halfroot = and i1 %yhalf, %xnonneg
  br i1 %halfroot, label %root, label %sx
root:
  %rt = call i64 @sf_sqrt(i64 %x)
  ret i64 %rt

sx:
  ; x is ±0, ±inf or -1
  %lxzero = icmp eq i64 %lx, 0
  %ixinf = icmp eq i64 %ix, 2146435072
  %ixzero = icmp eq i64 %ix, 0
  %ixone = icmp eq i64 %ix, 1072693248
  %sx1 = or i1 %ixinf, %ixzero
  %sx2 = or i1 %sx1, %ixone
  %sx3 = and i1 %lxzero, %sx2
  br i1 %sx3, label %xsp, label %negcheck
xsp:
  %yneg2 = icmp slt i64 %hy, 0
  br i1 %yneg2, label %xspinv, label %xsp1
xspinv:
  %zi = call i64 @sf_div(i64 4607182418800017408, i64 %xabs)
  br label %xsp1
xsp1:
  %z0 = phi i64 [ %xabs, %xsp ], [ %zi, %xspinv ]
  br i1 %xneg, label %xsp2, label %xspret
xsp2:
  %m1 = sub i64 %ix, 1072693248
  %m1y = or i64 %m1, %yisint
  %minus1nonint = icmp eq i64 %m1y, 0
  br i1 %minus1nonint, label %xspnan, label %xsp3
xspnan:
  %zd = call i64 @sf_sub(i64 %z0, i64 %z0)
  %zn = call i64 @sf_div(i64 %zd, i64 %zd)
  ret i64 %zn
xsp3:
  %yodd1 = icmp eq i64 %yisint, 1
  %zneg = xor i64 %z0, -9223372036854775808
  %zs = select i1 %yodd1, i64 %zneg, i64 %z0
  ret i64 %zs
xspret:
  ret i64 %z0

negcheck:
  ; a negative x to a non-integer power is NaN; to an odd one, the power's negation (s)
  %nonint = icmp eq i64 %yisint, 0
  %negnonint = and i1 %xneg, %nonint
  br i1 %negnonint, label %xnanres, label %sign
xnanres:
  %xd = call i64 @sf_sub(i64 %x, i64 %x)
  %xn = call i64 @sf_div(i64 %xd, i64 %xd)
  ret i64 %xn
sign:
  %yodd2 = icmp eq i64 %yisint, 1
  %sneg = and i1 %xneg, %yodd2
  %s = select i1 %sneg, i64 -4616189618054758400, i64 4607182418800017408
  %ybig = icmp sgt i64 %iy, 1105199104
  br i1 %ybig, label %big, label %log
big:
  ; |y| > 2^31: the power overflows or underflows unless x is within 2^-20 of 1
  %yhuge = icmp sgt i64 %iy, 1139802112
  br i1 %yhuge, label %huge0, label %big1
huge0:
  %xlt1 = icmp sle i64 %ix, 1072693247
  br i1 %xlt1, label %hugelt, label %huge1
hugelt:
  %hyneg3 = icmp slt i64 %hy, 0
  br i1 %hyneg3, label %ovf, label %unf
huge1:
  %xge1b = icmp sge i64 %ix, 1072693248
  br i1 %xge1b, label %hugege, label %big1
hugege:
  %hypos3 = icmp sgt i64 %hy, 0
  br i1 %hypos3, label %ovf, label %unf
ovf:
  %ov = call i64 @sf_mul(i64 9094988921128908188, i64 9094988921128908188)
  ret i64 %ov
unf:
  %un = call i64 @sf_mul(i64 118622047889322841, i64 118622047889322841)
  ret i64 %un
big1:
  %xlt = icmp slt i64 %ix, 1072693247
  br i1 %xlt, label %blt, label %b2
blt:
  %hyneg4 = icmp slt i64 %hy, 0
  br i1 %hyneg4, label %ovfs, label %unfs
b2:
  %xgt = icmp sgt i64 %ix, 1072693248
  br i1 %xgt, label %bgt, label %log
bgt:
  %hypos4 = icmp sgt i64 %hy, 0
  br i1 %hypos4, label %ovfs, label %unfs
ovfs:
  %ovs1 = call i64 @sf_mul(i64 %s, i64 9094988921128908188)
  %ovs = call i64 @sf_mul(i64 %ovs1, i64 9094988921128908188)
  ret i64 %ovs
unfs:
  %uns1 = call i64 @sf_mul(i64 %s, i64 118622047889322841)
  %uns = call i64 @sf_mul(i64 %uns1, i64 118622047889322841)
  ret i64 %uns

log:
  ; log2(|x|) = t1 + t2, t1 with a clear low word
  %subn = icmp slt i64 %ix, 1048576
  br i1 %subn, label %lsub, label %l1
lsub:
  %axs = call i64 @sf_mul(i64 %xabs, i64 4845873199050653696)
  %ixs = ashr i64 %axs, 32
  br label %l1
l1:
  %ax1 = phi i64 [ %xabs, %log ], [ %axs, %lsub ]
  %ix1 = phi i64 [ %ix, %log ], [ %ixs, %lsub ]
  %n1 = phi i64 [ 0, %log ], [ -53, %lsub ]
  %ie1 = ashr i64 %ix1, 20
  %n2a = add i64 %n1, %ie1
  %n2 = sub i64 %n2a, 1023
  %j = and i64 %ix1, 1048575
  %ixn = or i64 %j, 1072693248
  %k0 = icmp sle i64 %j, 235662
  br i1 %k0, label %l2, label %l1b
l1b:
  %k1c = icmp slt i64 %j, 767610
  br i1 %k1c, label %l2, label %l1c
l1c:
  %n3 = add i64 %n2, 1
  %ixm = sub i64 %ixn, 1048576
  br label %l2
l2:
  %k = phi i64 [ 0, %l1 ], [ 1, %l1b ], [ 0, %l1c ]
  %n = phi i64 [ %n2, %l1 ], [ %n2, %l1b ], [ %n3, %l1c ]
  %ixk = phi i64 [ %ixn, %l1 ], [ %ixn, %l1b ], [ %ixm, %l1c ]
  %axlo = and i64 %ax1, 4294967295
  %axhi = shl i64 %ixk, 32
  %ax = or i64 %axhi, %axlo
  %kone = icmp eq i64 %k, 1
  %bp = select i1 %kone, i64 4609434218613702656, i64 4607182418800017408
  %dph = select i1 %kone, i64 4603444093224222720, i64 0
  %dpl = select i1 %kone, i64 4489242115478376454, i64 0
  ; ss = s_h + s_l = (x - bp) / (x + bp)
  %u = call i64 @sf_sub(i64 %ax, i64 %bp)
  %den = call i64 @sf_add(i64 %ax, i64 %bp)
  %v = call i64 @sf_div(i64 4607182418800017408, i64 %den)
  %ss = call i64 @sf_mul(i64 %u, i64 %v)
  %s_h = and i64 %ss, -4294967296
  %ixh = ashr i64 %ixk, 1
  %th1 = or i64 %ixh, 536870912
  %th2 = add i64 %th1, 524288
  %ksh = shl i64 %k, 18
  %th3 = add i64 %th2, %ksh
  %t_h = shl i64 %th3, 32
  %tl1 = call i64 @sf_sub(i64 %t_h, i64 %bp)
  %t_l = call i64 @sf_sub(i64 %ax, i64 %tl1)
  %a1 = call i64 @sf_mul(i64 %s_h, i64 %t_h)
  %a2 = call i64 @sf_sub(i64 %u, i64 %a1)
  %a3 = call i64 @sf_mul(i64 %s_h, i64 %t_l)
  %a4 = call i64 @sf_sub(i64 %a2, i64 %a3)
  %s_l = call i64 @sf_mul(i64 %v, i64 %a4)
  ; log(ax)
  %s2 = call i64 @sf_mul(i64 %ss, i64 %ss)
  %q6 = call i64 @sf_mul(i64 %s2, i64 4596625081194860271)
  %q5 = call i64 @sf_add(i64 4597478449480325989, i64 %q6)
  %q5m = call i64 @sf_mul(i64 %s2, i64 %q5)
  %q4 = call i64 @sf_add(i64 4598584653024936193, i64 %q5m)
  %q4m = call i64 @sf_mul(i64 %s2, i64 %q4)
  %q3 = call i64 @sf_add(i64 4599676419357746765, i64 %q4m)
  %q3m = call i64 @sf_mul(i64 %s2, i64 %q3)
  %q2 = call i64 @sf_add(i64 4601392076422097919, i64 %q3m)
  %q2m = call i64 @sf_mul(i64 %s2, i64 %q2)
  %q1 = call i64 @sf_add(i64 4603579539098120963, i64 %q2m)
  %s4 = call i64 @sf_mul(i64 %s2, i64 %s2)
  %r0 = call i64 @sf_mul(i64 %s4, i64 %q1)
  %c1 = call i64 @sf_add(i64 %s_h, i64 %ss)
  %c2 = call i64 @sf_mul(i64 %s_l, i64 %c1)
  %r = call i64 @sf_add(i64 %r0, i64 %c2)
  %sh2 = call i64 @sf_mul(i64 %s_h, i64 %s_h)
  %d1 = call i64 @sf_add(i64 4613937818241073152, i64 %sh2)
  %d2 = call i64 @sf_add(i64 %d1, i64 %r)
  %th = and i64 %d2, -4294967296
  %d3 = call i64 @sf_sub(i64 %th, i64 4613937818241073152)
  %d4 = call i64 @sf_sub(i64 %d3, i64 %sh2)
  %tl = call i64 @sf_sub(i64 %r, i64 %d4)
  ; u + v = ss (1 + ...)
  %u2 = call i64 @sf_mul(i64 %s_h, i64 %th)
  %e1 = call i64 @sf_mul(i64 %s_l, i64 %th)
  %e2 = call i64 @sf_mul(i64 %tl, i64 %ss)
  %v2 = call i64 @sf_add(i64 %e1, i64 %e2)
  ; 2 / (3 log 2) (ss + ...)
  %f1 = call i64 @sf_add(i64 %u2, i64 %v2)
  %p_h = and i64 %f1, -4294967296
  %f2 = call i64 @sf_sub(i64 %p_h, i64 %u2)
  %p_l = call i64 @sf_sub(i64 %v2, i64 %f2)
  %z_h = call i64 @sf_mul(i64 4606838314073325568, i64 %p_h)
  %g1 = call i64 @sf_mul(i64 -4738297118486494731, i64 %p_h)
  %g2 = call i64 @sf_mul(i64 %p_l, i64 4606838314010018813)
  %g3 = call i64 @sf_add(i64 %g1, i64 %g2)
  %z_l = call i64 @sf_add(i64 %g3, i64 %dpl)
  ; log2(ax) = n + dp_h + z_h + z_l
  %tn = call i64 @sf_from_int(i64 %n)
  %h1 = call i64 @sf_add(i64 %z_h, i64 %z_l)
  %h2 = call i64 @sf_add(i64 %h1, i64 %dph)
  %h3 = call i64 @sf_add(i64 %h2, i64 %tn)
  %t1 = and i64 %h3, -4294967296
  %h4 = call i64 @sf_sub(i64 %t1, i64 %tn)
  %h5 = call i64 @sf_sub(i64 %h4, i64 %dph)
  %h6 = call i64 @sf_sub(i64 %h5, i64 %z_h)
  %t2 = call i64 @sf_sub(i64 %z_l, i64 %h6)

  ; y = y1 + y2; (y1 + y2) (t1 + t2) = p_h + p_l
  %y1 = and i64 %y, -4294967296
  %i1 = call i64 @sf_sub(i64 %y, i64 %y1)
  %i2 = call i64 @sf_mul(i64 %i1, i64 %t1)
  %i3 = call i64 @sf_mul(i64 %y, i64 %t2)
  %pl = call i64 @sf_add(i64 %i2, i64 %i3)
  %ph = call i64 @sf_mul(i64 %y1, i64 %t1)
  %z = call i64 @sf_add(i64 %pl, i64 %ph)
  %jz = ashr i64 %z, 32
  %iz = and i64 %z, 4294967295
  %zbig = icmp sge i64 %jz, 1083179008
  br i1 %zbig, label %over, label %under0
over:
  ; z >= 1024
  %o1 = sub i64 %jz, 1083179008
  %o2 = or i64 %o1, %iz
  %o3 = icmp ne i64 %o2, 0
  br i1 %o3, label %ovfs, label %over2
over2:
  %o4 = call i64 @sf_add(i64 %pl, i64 4365981760143196926)
  %o5 = call i64 @sf_sub(i64 %z, i64 %ph)
  %o6 = call i64 @sf_cmp(i64 %o4, i64 %o5)
  %o7 = icmp eq i64 %o6, 1
  br i1 %o7, label %ovfs, label %exp
under0:
  %ja = and i64 %jz, 2147483647
  %zsmall = icmp sge i64 %ja, 1083231232
  br i1 %zsmall, label %under, label %exp
under:
  ; z <= -1075
  %jl = and i64 %jz, 4294967295
  %w1 = icmp ne i64 %jl, 3230714880
  %w2 = icmp ne i64 %iz, 0
  %w3 = or i1 %w1, %w2
  br i1 %w3, label %unfs, label %under2
under2:
  %w4 = call i64 @sf_sub(i64 %z, i64 %ph)
  %w5 = call i64 @sf_cmp(i64 %pl, i64 %w4)
  %w6 = icmp sle i64 %w5, 0
  br i1 %w6, label %unfs, label %exp

exp:
  ; 2 ** (p_h + p_l)
  %ei = and i64 %jz, 2147483647
  %ek0 = ashr i64 %ei, 20
  %ek = sub i64 %ek0, 1023
  %ehalf = icmp sgt i64 %ei, 1071644672
  br i1 %ehalf, label %ex1, label %ex2
ex1:
  ; |z| > 0.5: n = [z + 0.5]
  %ek1 = add i64 %ek, 1
  %esh = lshr i64 1048576, %ek1
  %na = add i64 %jz, %esh
  %nb = and i64 %na, 2147483647
  %nc = ashr i64 %nb, 20
  %ek2 = sub i64 %nc, 1023
  %mk = lshr i64 1048575, %ek2
  %mkn = xor i64 %mk, -1
  %tw0 = and i64 %na, %mkn
  %tw = shl i64 %tw0, 32
  %nd = and i64 %na, 1048575
  %ne = or i64 %nd, 1048576
  %s20 = sub i64 20, %ek2
  %nf = ashr i64 %ne, %s20
  %jneg = icmp slt i64 %jz, 0
  %nneg = sub i64 0, %nf
  %nfin = select i1 %jneg, i64 %nneg, i64 %nf
  %phn = call i64 @sf_sub(i64 %ph, i64 %tw)
  br label %ex2
ex2:
  %en = phi i64 [ 0, %exp ], [ %nfin, %ex1 ]
  %ph2 = phi i64 [ %ph, %exp ], [ %phn, %ex1 ]
  %k1 = call i64 @sf_add(i64 %pl, i64 %ph2)
  %tt = and i64 %k1, -4294967296
  %uu = call i64 @sf_mul(i64 %tt, i64 4604418534330597376)
  %k2 = call i64 @sf_sub(i64 %tt, i64 %ph2)
  %k3 = call i64 @sf_sub(i64 %pl, i64 %k2)
  %k4 = call i64 @sf_mul(i64 %k3, i64 4604418534313441775)
  %k5 = call i64 @sf_mul(i64 %tt, i64 -4746692435354555335)
  %vv = call i64 @sf_add(i64 %k4, i64 %k5)
  %zz = call i64 @sf_add(i64 %uu, i64 %vv)
  %k6 = call i64 @sf_sub(i64 %zz, i64 %uu)
  %ww = call i64 @sf_sub(i64 %vv, i64 %k6)
  %t = call i64 @sf_mul(i64 %zz, i64 %zz)
  %m5 = call i64 @sf_mul(i64 %t, i64 4496342204012209360)
  %m4 = call i64 @sf_add(i64 -4702957295668925455, i64 %m5)
  %m4m = call i64 @sf_mul(i64 %t, i64 %m4)
  %m3 = call i64 @sf_add(i64 4544508515198557740, i64 %m4m)
  %m3m = call i64 @sf_mul(i64 %t, i64 %m3)
  %m2 = call i64 @sf_add(i64 -4654820494858601069, i64 %m3m)
  %m2m = call i64 @sf_mul(i64 %t, i64 %m2)
  %m1p = call i64 @sf_add(i64 4595172819793696062, i64 %m2m)
  %m1m = call i64 @sf_mul(i64 %t, i64 %m1p)
  %tp1 = call i64 @sf_sub(i64 %zz, i64 %m1m)
  %x1 = call i64 @sf_mul(i64 %zz, i64 %tp1)
  %x2 = call i64 @sf_sub(i64 %tp1, i64 4611686018427387904)
  %x3 = call i64 @sf_div(i64 %x1, i64 %x2)
  %x4 = call i64 @sf_mul(i64 %zz, i64 %ww)
  %x5 = call i64 @sf_add(i64 %ww, i64 %x4)
  %rr = call i64 @sf_sub(i64 %x3, i64 %x5)
  %x6 = call i64 @sf_sub(i64 %rr, i64 %zz)
  %zf = call i64 @sf_sub(i64 4607182418800017408, i64 %x6)
  %hz = ashr i64 %zf, 32
  %nsh = shl i64 %en, 20
  %jj = add i64 %hz, %nsh
  %je = ashr i64 %jj, 20
  %tiny = icmp sle i64 %je, 0
  br i1 %tiny, label %scale, label %pack
pack:
  %lo = and i64 %zf, 4294967295
  %hi = shl i64 %jj, 32
  %zp = or i64 %hi, %lo
  %res = call i64 @sf_mul(i64 %s, i64 %zp)
  ret i64 %res
scale:
  ; scalbn(z, n) with a subnormal result (one rounding, by 2^-54) or an underflow to zero
  %gone = icmp sle i64 %je, -54
  br i1 %gone, label %scale0, label %scale1
scale0:
  %zsign = and i64 %zf, -9223372036854775808
  %tinys = or i64 118622047889322841, %zsign
  %uz = call i64 @sf_mul(i64 118622047889322841, i64 %tinys)
  %res0 = call i64 @sf_mul(i64 %s, i64 %uz)
  ret i64 %res0
scale1:
  %k54 = add i64 %je, 54
  %hzm = and i64 %hz, 2148532223
  %k54s = shl i64 %k54, 20
  %hnew = or i64 %hzm, %k54s
  %hn = shl i64 %hnew, 32
  %lo2 = and i64 %zf, 4294967295
  %zsc0 = or i64 %hn, %lo2
  %zsc = call i64 @sf_mul(i64 %zsc0, i64 4363988038922010624)
  %res1 = call i64 @sf_mul(i64 %s, i64 %zsc)
  ret i64 %res1
}

; ---- shortest round-trip printing (Ryu) ----

; ((m * table[idx]) >> j) for a 125-bit table entry (lo, hi) and j in [64, 128).
define i64 @sf_mul_shift(i64 %m, i64 %lo, i64 %hi, i64 %j) {
  %h0 = call i64 @sf_umulh(i64 %m, i64 %lo)
  %l1 = mul i64 %m, %hi
  %h1 = call i64 @sf_umulh(i64 %m, i64 %hi)
  %sum = add i64 %h0, %l1
  %c = icmp ult i64 %sum, %h0
  %cz = zext i1 %c to i64
  %hh = add i64 %h1, %cz
  %dist = sub i64 %j, 64
  %back = sub i64 64, %dist
  %a = shl i64 %hh, %back
  %b = lshr i64 %sum, %dist
  %r = or i64 %a, %b
  ret i64 %r
}

; How many times 5 divides v (v > 0).
define i64 @sf_pow5_factor(i64 %v) {
entry:
  br label %loop
loop:
  %x = phi i64 [ %v, %entry ], [ %q, %next ]
  %n = phi i64 [ 0, %entry ], [ %n1, %next ]
  %q = udiv i64 %x, 5
  %r = urem i64 %x, 5
  %z = icmp eq i64 %r, 0
  br i1 %z, label %next, label %done
next:
  %n1 = add i64 %n, 1
  br label %loop
done:
  ret i64 %n
}

; Ryu's 125-bit table entry i, 5^i scaled (inverse = 0) or 2^k / 5^i (inverse = 1): the high
; word, and the low one at *lo. Rebuilt from the entry of a multiple of 26 times the exact
; 5^offset, shifted, plus the stored correction that makes it exact (ryu_tables.py computes
; the corrections by this same computation and checks every entry).
define i64 @sf_pow5_entry(i64 %i, i64 %inverse, i64* %lo) {
entry:
  %inv = icmp ne i64 %inverse, 0
  ; forward: base = i / 26, offset = i - 26 base; inverse: base = ceil(i / 26), offset = 26 base - i
  %i25 = add i64 %i, 25
  %num = select i1 %inv, i64 %i25, i64 %i
  %base = udiv i64 %num, 26
  %base2 = mul i64 %base, 26
  %offf = sub i64 %i, %base2
  %offi = sub i64 %base2, %i
  %off = select i1 %inv, i64 %offi, i64 %offf
  %bw = shl i64 %base, 1
  %fbase = getelementptr [26 x i64], [26 x i64]* @sf_pow5_base, i64 0, i64 0
  %ibase = getelementptr [26 x i64], [26 x i64]* @sf_pow5_inv_base, i64 0, i64 0
  %tbl = select i1 %inv, i64* %ibase, i64* %fbase
  %plo = getelementptr i64, i64* %tbl, i64 %bw
  %mlo0 = load i64, i64* %plo
  %bw1 = add i64 %bw, 1
  %phi = getelementptr i64, i64* %tbl, i64 %bw1
  %mhi = load i64, i64* %phi
  %exact = icmp eq i64 %off, 0
  br i1 %exact, label %stored, label %scaled
stored:
  store i64 %mlo0, i64* %lo
  ret i64 %mhi
scaled:
  ; the stored inverse is the floor plus one: multiply the floor
  %dec = zext i1 %inv to i64
  %mlo = sub i64 %mlo0, %dec
  %mp = getelementptr [26 x i64], [26 x i64]* @sf_pow5_small, i64 0, i64 %off
  %m = load i64, i64* %mp
  %low1 = mul i64 %m, %mhi
  %high1 = call i64 @sf_umulh(i64 %m, i64 %mhi)
  %low0 = mul i64 %m, %mlo
  %high0 = call i64 @sf_umulh(i64 %m, i64 %mlo)
  %mid = add i64 %high0, %low1
  %carry = icmp ult i64 %mid, %high0
  %c = zext i1 %carry to i64
  %top = add i64 %high1, %c
  ; (low0, mid, top) >> delta, for delta = |pow5bits(i) - pow5bits(26 base)| in (0, 64)
  %pi = call i64 @sf_pow5bits(i64 %i)
  %pb = call i64 @sf_pow5bits(i64 %base2)
  %df = sub i64 %pi, %pb
  %di = sub i64 %pb, %pi
  %delta = select i1 %inv, i64 %di, i64 %df
  %rd = sub i64 64, %delta
  %l1 = lshr i64 %low0, %delta
  %l2 = shl i64 %mid, %rd
  %rlo = or i64 %l1, %l2
  %h1 = lshr i64 %mid, %delta
  %h2 = shl i64 %top, %rd
  %rhi = or i64 %h1, %h2
  ; the correction: 4 bits per entry, 16 to a word
  %ffix = getelementptr [21 x i64], [21 x i64]* @sf_pow5_fix, i64 0, i64 0
  %ifix = getelementptr [19 x i64], [19 x i64]* @sf_pow5_inv_fix, i64 0, i64 0
  %fixes = select i1 %inv, i64* %ifix, i64* %ffix
  %word = lshr i64 %i, 4
  %wp = getelementptr i64, i64* %fixes, i64 %word
  %w = load i64, i64* %wp
  %slot = and i64 %i, 15
  %sh = shl i64 %slot, 2
  %ws = lshr i64 %w, %sh
  %fix = and i64 %ws, 15
  %fixed = add i64 %rlo, %fix
  store i64 %fixed, i64* %lo
  ret i64 %rhi
}

define i64 @sf_pow5bits(i64 %e) {
  %m = mul i64 %e, 1217359
  %s = lshr i64 %m, 19
  %r = add i64 %s, 1
  ret i64 %r
}

; The shortest decimal that reads back as the finite, nonzero f64 `bits` (sign ignored), and
; of those the closest (an exact tie rounds up, as Rust's shortest mode does; Ryu proper would
; round it to even): out[0] = digits, out[1] = decimal exponent (value = digits * 10^exp).
; Split in three functions so that even unoptimised (-O0 gives every value its own stack
; slot) no frame passes sBPF's 512 bytes.
define void @sf_shortest(i64 %bits, i64* %out) {
entry:
  %st = alloca [5 x i64]
  %stp = getelementptr [5 x i64], [5 x i64]* %st, i64 0, i64 0
  %im = and i64 %bits, 4503599627370495
  %ie0 = lshr i64 %bits, 52
  %ie = and i64 %ie0, 2047
  %iez = icmp eq i64 %ie, 0
  %e2n = sub i64 %ie, 1077
  %e2 = select i1 %iez, i64 -1076, i64 %e2n
  %m2n = or i64 %im, 4503599627370496
  %m2 = select i1 %iez, i64 %im, i64 %m2n
  %odd = and i64 %m2, 1
  %even = xor i64 %odd, 1
  %imnz = icmp ne i64 %im, 0
  %iele1 = icmp ule i64 %ie, 1
  %mms = or i1 %imnz, %iele1
  %mmshift = zext i1 %mms to i64
  %pos = icmp sge i64 %e2, 0
  br i1 %pos, label %positive, label %negative
positive:
  call void @sf_ryu_positive(i64 %m2, i64 %e2, i64 %even, i64 %mmshift, i64* %stp)
  br label %shorten
negative:
  call void @sf_ryu_negative(i64 %m2, i64 %e2, i64 %even, i64 %mmshift, i64* %stp)
  br label %shorten
shorten:
  call void @sf_ryu_shorten(i64* %stp, i64 %even, i64* %out)
  ret void
}

; Ryu's state: st[0..5] = vr, vp, vm (the value and the interval's bounds, scaled to a power
; of ten), e10, and whether vm has only zeros among the digits to be removed.
define void @sf_ryu_store(i64* %st, i64 %vr, i64 %vp, i64 %vm, i64 %e10) {
  store i64 %vr, i64* %st
  %p1 = getelementptr i64, i64* %st, i64 1
  store i64 %vp, i64* %p1
  %p2 = getelementptr i64, i64* %st, i64 2
  store i64 %vm, i64* %p2
  %p3 = getelementptr i64, i64* %st, i64 3
  store i64 %e10, i64* %p3
  ret void
}

define void @sf_ryu_flags(i64* %st, i1 %vmtz) {
  %p4 = getelementptr i64, i64* %st, i64 4
  %b = zext i1 %vmtz to i64
  store i64 %b, i64* %p4
  ret void
}

; A non-negative binary exponent e2: multiply by the inverse table.
define void @sf_ryu_positive(i64 %m2, i64 %e2, i64 %evenw, i64 %mmshift, i64* %st) {
entry:
  %lop = alloca i64
  %even = icmp ne i64 %evenw, 0
  %mv = shl i64 %m2, 2
  %mp = add i64 %mv, 2
  %mv1 = sub i64 %mv, 1
  %mm = sub i64 %mv1, %mmshift
  br label %positive
positive:
  %l2 = mul i64 %e2, 78913
  %q0 = lshr i64 %l2, 18
  %gt3 = icmp sgt i64 %e2, 3
  %gt3z = zext i1 %gt3 to i64
  %q = sub i64 %q0, %gt3z
  %pb = call i64 @sf_pow5bits(i64 %q)
  %k = add i64 %pb, 124
  %i0 = sub i64 %q, %e2
  %i = add i64 %i0, %k
  %hi = call i64 @sf_pow5_entry(i64 %q, i64 1, i64* %lop)
  %lo = load i64, i64* %lop
  %vr = call i64 @sf_mul_shift(i64 %mv, i64 %lo, i64 %hi, i64 %i)
  %vp = call i64 @sf_mul_shift(i64 %mp, i64 %lo, i64 %hi, i64 %i)
  %vm = call i64 @sf_mul_shift(i64 %mm, i64 %lo, i64 %hi, i64 %i)
  %q21 = icmp ule i64 %q, 21
  call void @sf_ryu_store(i64* %st, i64 %vr, i64 %vp, i64 %vm, i64 %q)
  br i1 %q21, label %ptz, label %none
ptz:
  %mod5 = urem i64 %mv, 5
  %m5z = icmp eq i64 %mod5, 0
  ; (Ryu would now check whether vr's removed digits are all zeros; only its round-half-even
  ; needs that, and ties round up here)
  br i1 %m5z, label %none, label %ptz2
ptz2:
  br i1 %even, label %ptzvm, label %ptzvp
ptzvm:
  %f2 = call i64 @sf_pow5_factor(i64 %mm)
  %t2 = icmp uge i64 %f2, %q
  call void @sf_ryu_flags(i64* %st, i1 %t2)
  ret void
ptzvp:
  %f3 = call i64 @sf_pow5_factor(i64 %mp)
  %t3 = icmp uge i64 %f3, %q
  %t3z = zext i1 %t3 to i64
  %vp3 = sub i64 %vp, %t3z
  call void @sf_ryu_store(i64* %st, i64 %vr, i64 %vp3, i64 %vm, i64 %q)
  br label %none
none:
  call void @sf_ryu_flags(i64* %st, i1 false)
  ret void
}

; A negative binary exponent e2: multiply by the table of powers of five.
define void @sf_ryu_negative(i64 %m2, i64 %e2, i64 %evenw, i64 %mmshift, i64* %st) {
entry:
  %nlop = alloca i64
  %even = icmp ne i64 %evenw, 0
  %mv = shl i64 %m2, 2
  %mp = add i64 %mv, 2
  %mv1 = sub i64 %mv, 1
  %mm = sub i64 %mv1, %mmshift
  br label %negative
negative:
  %ne2 = sub i64 0, %e2
  %l5 = mul i64 %ne2, 732923
  %nq0 = lshr i64 %l5, 20
  %gt1 = icmp sgt i64 %ne2, 1
  %gt1z = zext i1 %gt1 to i64
  %nq = sub i64 %nq0, %gt1z
  %ne10 = add i64 %nq, %e2
  %ni = sub i64 %ne2, %nq
  %npb = call i64 @sf_pow5bits(i64 %ni)
  %nk = sub i64 %npb, 125
  %nj = sub i64 %nq, %nk
  %nhi = call i64 @sf_pow5_entry(i64 %ni, i64 0, i64* %nlop)
  %nlo = load i64, i64* %nlop
  %nvr = call i64 @sf_mul_shift(i64 %mv, i64 %nlo, i64 %nhi, i64 %nj)
  %nvp = call i64 @sf_mul_shift(i64 %mp, i64 %nlo, i64 %nhi, i64 %nj)
  %nvm = call i64 @sf_mul_shift(i64 %mm, i64 %nlo, i64 %nhi, i64 %nj)
  call void @sf_ryu_store(i64* %st, i64 %nvr, i64 %nvp, i64 %nvm, i64 %ne10)
  %q1 = icmp ule i64 %nq, 1
  br i1 %q1, label %ntz1, label %none
ntz1:
  %mmone = icmp eq i64 %mmshift, 1
  %vmtz1 = and i1 %even, %mmone
  %oddz = zext i1 %even to i64
  %dec = xor i64 %oddz, 1
  %nvp1 = sub i64 %nvp, %dec
  call void @sf_ryu_store(i64* %st, i64 %nvr, i64 %nvp1, i64 %nvm, i64 %ne10)
  call void @sf_ryu_flags(i64* %st, i1 %vmtz1)
  ret void
none:
  call void @sf_ryu_flags(i64* %st, i1 false)
  ret void
}

; Removes digits while the interval still holds a shorter number, then rounds.
define void @sf_ryu_shorten(i64* %st, i64 %evenw, i64* %out) {
entry:
  %even = icmp ne i64 %evenw, 0
  %vr0 = load i64, i64* %st
  %p1 = getelementptr i64, i64* %st, i64 1
  %vp0 = load i64, i64* %p1
  %p2 = getelementptr i64, i64* %st, i64 2
  %vm0 = load i64, i64* %p2
  %p3 = getelementptr i64, i64* %st, i64 3
  %e10 = load i64, i64* %p3
  %p4 = getelementptr i64, i64* %st, i64 4
  %vmtzw = load i64, i64* %p4
  %vmtz0 = icmp ne i64 %vmtzw, 0
  br label %loop1
loop1:
  %vr1 = phi i64 [ %vr0, %entry ], [ %vrd, %step1 ]
  %vp1 = phi i64 [ %vp0, %entry ], [ %vpd, %step1 ]
  %vm1 = phi i64 [ %vm0, %entry ], [ %vmd, %step1 ]
  %vmtz1b = phi i1 [ %vmtz0, %entry ], [ %vmtzn, %step1 ]
  %last1 = phi i64 [ 0, %entry ], [ %vrmod, %step1 ]
  %rem1 = phi i64 [ 0, %entry ], [ %rem1n, %step1 ]
  %vpd = udiv i64 %vp1, 10
  %vmd = udiv i64 %vm1, 10
  %stop = icmp ule i64 %vpd, %vmd
  br i1 %stop, label %after1, label %step1
step1:
  %vmd10 = mul i64 %vmd, 10
  %vmmod = sub i64 %vm1, %vmd10
  %vrd = udiv i64 %vr1, 10
  %vrd10 = mul i64 %vrd, 10
  %vrmod = sub i64 %vr1, %vrd10
  %vmmz = icmp eq i64 %vmmod, 0
  %vmtzn = and i1 %vmtz1b, %vmmz
  %rem1n = add i64 %rem1, 1
  br label %loop1
after1:
  br i1 %vmtz1b, label %loop2, label %final
loop2:
  %vr2 = phi i64 [ %vr1, %after1 ], [ %vrd2, %step2 ]
  %vp2 = phi i64 [ %vp1, %after1 ], [ %vpd2, %step2 ]
  %vm2 = phi i64 [ %vm1, %after1 ], [ %vmd2, %step2 ]
  %last2 = phi i64 [ %last1, %after1 ], [ %vrmod2, %step2 ]
  %rem2 = phi i64 [ %rem1, %after1 ], [ %rem2n, %step2 ]
  %vmd2 = udiv i64 %vm2, 10
  %vmd210 = mul i64 %vmd2, 10
  %vmmod2 = sub i64 %vm2, %vmd210
  %nz2 = icmp ne i64 %vmmod2, 0
  br i1 %nz2, label %final, label %step2
step2:
  %vpd2 = udiv i64 %vp2, 10
  %vrd2 = udiv i64 %vr2, 10
  %vrd210 = mul i64 %vrd2, 10
  %vrmod2 = sub i64 %vr2, %vrd210
  %rem2n = add i64 %rem2, 1
  br label %loop2
final:
  %vrf = phi i64 [ %vr1, %after1 ], [ %vr2, %loop2 ]
  %vmf = phi i64 [ %vm1, %after1 ], [ %vm2, %loop2 ]
  %vmtzf = phi i1 [ %vmtz1b, %after1 ], [ true, %loop2 ]
  %lastf = phi i64 [ %last1, %after1 ], [ %last2, %loop2 ]
  %remf = phi i64 [ %rem1, %after1 ], [ %rem2, %loop2 ]
  %atvm = icmp eq i64 %vrf, %vmf
  %notacc = xor i1 %even, true
  %notvmtz = xor i1 %vmtzf, true
  %outside = or i1 %notacc, %notvmtz
  %c1 = and i1 %atvm, %outside
  ; an exact tie (...50...0) rounds up, as in Rust (Ryu rounds it to even)
  %c2 = icmp uge i64 %lastf, 5
  %up = or i1 %c1, %c2
  %upz = zext i1 %up to i64
  %output = add i64 %vrf, %upz
  %exp = add i64 %e10, %remf
  store i64 %output, i64* %out
  %outexp = getelementptr i64, i64* %out, i64 1
  store i64 %exp, i64* %outexp
  ret void
}

; Writes the decimal digits of v (> 0) ending just before `end`; returns their count.
define i64 @sf_digits(i64 %v, i8* %end) {
entry:
  br label %loop
loop:
  %x = phi i64 [ %v, %entry ], [ %q, %loop ]
  %n = phi i64 [ 0, %entry ], [ %n1, %loop ]
  %q = udiv i64 %x, 10
  %q10 = mul i64 %q, 10
  %d = sub i64 %x, %q10
  %n1 = add i64 %n, 1
  %back = sub i64 0, %n1
  %p = getelementptr i8, i8* %end, i64 %back
  %d8 = trunc i64 %d to i8
  %c = add i8 %d8, 48
  store i8 %c, i8* %p
  %more = icmp ne i64 %q, 0
  br i1 %more, label %loop, label %done
done:
  ret i64 %n1
}

; The store is volatile so that LLVM never turns the copy and fill loops below into memcpy or
; memset of a variable length, which the BPF back end cannot lower.
define void @sf_put(i8* %buf, i64 %at, i8 %c) alwaysinline {
  %p = getelementptr i8, i8* %buf, i64 %at
  store volatile i8 %c, i8* %p
  ret void
}

; Writes n copies of c at buf[at..]; returns the new position.
define i64 @sf_fill(i8* %buf, i64 %at, i64 %n, i8 %c) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %body ]
  %more = icmp slt i64 %i, %n
  br i1 %more, label %body, label %done
body:
  %pos = add i64 %at, %i
  call void @sf_put(i8* %buf, i64 %pos, i8 %c)
  %i1 = add i64 %i, 1
  br label %loop
done:
  %end = add i64 %at, %i
  ret i64 %end
}

; Copies n bytes from src to buf[at..]; returns the new position.
define i64 @sf_copy(i8* %buf, i64 %at, i8* %src, i64 %n) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %body ]
  %more = icmp slt i64 %i, %n
  br i1 %more, label %body, label %done
body:
  %sp = getelementptr i8, i8* %src, i64 %i
  %c = load i8, i8* %sp
  %pos = add i64 %at, %i
  call void @sf_put(i8* %buf, i64 %pos, i8 %c)
  %i1 = add i64 %i, 1
  br label %loop
done:
  %end = add i64 %at, %i
  ret i64 %end
}

; The f64 `bits` as the interpreter prints it (Rust's `{:?}`: shortest round-trip digits,
; positional between 1e-4 and 1e16 with at least one decimal, else `1.5e-7` style; `nan`,
; `inf`, `-inf`). Writes at most 32 bytes into buf; returns the length.
define i64 @sf_format(i64 %bits, i8* %buf) {
entry:
  %digits = alloca [24 x i8]
  %sd = alloca [2 x i64]
  %abs = and i64 %bits, 9223372036854775807
  %nan = icmp ugt i64 %abs, 9218868437227405312
  br i1 %nan, label %isnan, label %signed
isnan:
  call void @sf_put(i8* %buf, i64 0, i8 110)
  call void @sf_put(i8* %buf, i64 1, i8 97)
  call void @sf_put(i8* %buf, i64 2, i8 110)
  ret i64 3
signed:
  %neg = icmp slt i64 %bits, 0
  %at0 = zext i1 %neg to i64
  br i1 %neg, label %minus, label %kind
minus:
  call void @sf_put(i8* %buf, i64 0, i8 45)
  br label %kind
kind:
  %inf = icmp eq i64 %abs, 9218868437227405312
  br i1 %inf, label %isinf, label %c1
isinf:
  call void @sf_put(i8* %buf, i64 %at0, i8 105)
  %i1 = add i64 %at0, 1
  call void @sf_put(i8* %buf, i64 %i1, i8 110)
  %i2 = add i64 %at0, 2
  call void @sf_put(i8* %buf, i64 %i2, i8 102)
  %il = add i64 %at0, 3
  ret i64 %il
c1:
  %zero = icmp eq i64 %abs, 0
  br i1 %zero, label %iszero, label %number
iszero:
  call void @sf_put(i8* %buf, i64 %at0, i8 48)
  %z1 = add i64 %at0, 1
  call void @sf_put(i8* %buf, i64 %z1, i8 46)
  %z2 = add i64 %at0, 2
  call void @sf_put(i8* %buf, i64 %z2, i8 48)
  %zl = add i64 %at0, 3
  ret i64 %zl
number:
  %sdp = getelementptr [2 x i64], [2 x i64]* %sd, i64 0, i64 0
  call void @sf_shortest(i64 %abs, i64* %sdp)
  %out = load i64, i64* %sdp
  %sdp1 = getelementptr [2 x i64], [2 x i64]* %sd, i64 0, i64 1
  %exp = load i64, i64* %sdp1
  %dend = getelementptr [24 x i8], [24 x i8]* %digits, i64 0, i64 24
  %n = call i64 @sf_digits(i64 %out, i8* %dend)
  %dstart0 = sub i64 24, %n
  %ds = getelementptr [24 x i8], [24 x i8]* %digits, i64 0, i64 %dstart0
  ; value = 0.d1..dn * 10^k
  %k = add i64 %n, %exp
  %big = icmp uge i64 %abs, 4846369599423283200
  %tiny = icmp ult i64 %abs, 4547007122018943789
  %sci = or i1 %big, %tiny
  br i1 %sci, label %exponential, label %positional
positional:
  %kle0 = icmp sle i64 %k, 0
  br i1 %kle0, label %lead0, label %p2
lead0:
  ; 0.000ddd
  call void @sf_put(i8* %buf, i64 %at0, i8 48)
  %a1 = add i64 %at0, 1
  call void @sf_put(i8* %buf, i64 %a1, i8 46)
  %a2 = add i64 %at0, 2
  %nz = sub i64 0, %k
  %a3 = call i64 @sf_fill(i8* %buf, i64 %a2, i64 %nz, i8 48)
  %a4 = call i64 @sf_copy(i8* %buf, i64 %a3, i8* %ds, i64 %n)
  ret i64 %a4
p2:
  %klt = icmp slt i64 %k, %n
  br i1 %klt, label %mid, label %whole
mid:
  ; ddd.ddd
  %b1 = call i64 @sf_copy(i8* %buf, i64 %at0, i8* %ds, i64 %k)
  call void @sf_put(i8* %buf, i64 %b1, i8 46)
  %b2 = add i64 %b1, 1
  %rest = getelementptr i8, i8* %ds, i64 %k
  %nr = sub i64 %n, %k
  %b3 = call i64 @sf_copy(i8* %buf, i64 %b2, i8* %rest, i64 %nr)
  ret i64 %b3
whole:
  ; ddd000.0
  %c1p = call i64 @sf_copy(i8* %buf, i64 %at0, i8* %ds, i64 %n)
  %zs = sub i64 %k, %n
  %c2p = call i64 @sf_fill(i8* %buf, i64 %c1p, i64 %zs, i8 48)
  call void @sf_put(i8* %buf, i64 %c2p, i8 46)
  %c3 = add i64 %c2p, 1
  call void @sf_put(i8* %buf, i64 %c3, i8 48)
  %c4 = add i64 %c2p, 2
  ret i64 %c4
exponential:
  ; d.ddde-x
  %e1 = call i64 @sf_copy(i8* %buf, i64 %at0, i8* %ds, i64 1)
  %more = icmp ugt i64 %n, 1
  br i1 %more, label %fracdigits, label %expo
fracdigits:
  call void @sf_put(i8* %buf, i64 %e1, i8 46)
  %e2 = add i64 %e1, 1
  %tail = getelementptr i8, i8* %ds, i64 1
  %nt = sub i64 %n, 1
  %e3 = call i64 @sf_copy(i8* %buf, i64 %e2, i8* %tail, i64 %nt)
  br label %expo
expo:
  %ep = phi i64 [ %e1, %exponential ], [ %e3, %fracdigits ]
  call void @sf_put(i8* %buf, i64 %ep, i8 101)
  %ep1 = add i64 %ep, 1
  %x = sub i64 %k, 1
  %xneg = icmp slt i64 %x, 0
  br i1 %xneg, label %xminus, label %xdigits
xminus:
  call void @sf_put(i8* %buf, i64 %ep1, i8 45)
  %ep2 = add i64 %ep1, 1
  br label %xdigits
xdigits:
  %xp = phi i64 [ %ep1, %expo ], [ %ep2, %xminus ]
  %nx = sub i64 0, %x
  %ax = select i1 %xneg, i64 %nx, i64 %x
  %xend = getelementptr [24 x i8], [24 x i8]* %digits, i64 0, i64 24
  %xn = call i64 @sf_digits(i64 %ax, i8* %xend)
  %xs0 = sub i64 24, %xn
  %xs = getelementptr [24 x i8], [24 x i8]* %digits, i64 0, i64 %xs0
  %fin = call i64 @sf_copy(i8* %buf, i64 %xp, i8* %xs, i64 %xn)
  ret i64 %fin
}
