; OVSM support library, part 5: formatting values, output, errors, and the end of a run.
;
; Output reaches the host through `sol_log_`, one message per chunk, each starting with a
; channel byte: `o` program output (stdout), `v` the printed value of the last top-level form,
; `e` an error: `e<site> <code> <message>`. codegen's host side (runtime/src/compiled) reads
; them back in order.

; ---- the string builder (a scratch buffer of $SCRATCH_CAP bytes) ----------------------------

define void @sb_reset() {
  store i64 0, i64* $SCRLEN
  ret void
}

; Appends n bytes to the scratch buffer. Once it has overflowed, $SCRLEN is -1 and stays so
; through every later append (`len + n` would wrap to a small length and forget it, so room is
; reckoned from the capacity down: -1 as unsigned is past it).
define void @sb_bytes(i8* %p, i64 %n) {
entry:
  %len = load i64, i64* $SCRLEN
  %end = add i64 %len, %n
  %room = sub i64 $SCRATCH_CAP, %len
  %inside = icmp ule i64 %len, $SCRATCH_CAP
  %enough = icmp ule i64 %n, %room
  %fits = and i1 %inside, %enough
  br i1 %fits, label %copy, label %over
copy:
  %dst = getelementptr i8, i8* $SCRATCH, i64 %len
  call void @ovsm_copy(i8* %dst, i8* %p, i64 %n)
  store i64 %end, i64* $SCRLEN
  ret void
over:
  ; past capacity: remember it, so the caller reports the limit instead of a cut string
  store i64 -1, i64* $SCRLEN
  ret void
}

; One byte, stored where it goes: through sb_bytes it was a `sol_memcpy_` syscall (10 CU) and a
; stack cell, about 27 CU a byte.
define void @sb_byte(i8 %c) noinline {
entry:
  %len = load i64, i64* $SCRLEN
  %fits = icmp ult i64 %len, $SCRATCH_CAP
  br i1 %fits, label %put, label %over
put:
  %dst = getelementptr i8, i8* $SCRATCH, i64 %len
  store i8 %c, i8* %dst
  %end = add i64 %len, 1
  store i64 %end, i64* $SCRLEN
  ret void
over:
  store i64 -1, i64* $SCRLEN
  ret void
}

; The bytes of a string object.
define void @sb_obj(i8* %obj) {
  %w = bitcast i8* %obj to i64*
  %n = load i64, i64* %w
  %b = getelementptr i8, i8* %obj, i64 8
  call void @sb_bytes(i8* %b, i64 %n)
  ret void
}

define void @sb_int(i64 %v) noinline {
entry:
  %buf = alloca [24 x i8]
  %neg = icmp slt i64 %v, 0
  %m = call i64 @ovsm_magnitude(i64 %v)
  br label %loop
loop:
  %u = phi i64 [ %m, %entry ], [ %q, %loop ]
  %i = phi i64 [ 23, %entry ], [ %i1, %loop ]
  %q = udiv i64 %u, 10
  %r0 = mul i64 %q, 10
  %r = sub i64 %u, %r0
  %r8 = trunc i64 %r to i8
  %digit = add i8 %r8, 48
  %slot = getelementptr [24 x i8], [24 x i8]* %buf, i64 0, i64 %i
  store i8 %digit, i8* %slot
  %i1 = sub i64 %i, 1
  %more = icmp ne i64 %q, 0
  br i1 %more, label %loop, label %sign
sign:
  br i1 %neg, label %minus, label %emit
minus:
  %ms = getelementptr [24 x i8], [24 x i8]* %buf, i64 0, i64 %i1
  store i8 45, i8* %ms
  br label %emit
emit:
  %start = phi i64 [ %i, %sign ], [ %i1, %minus ]
  %p = getelementptr [24 x i8], [24 x i8]* %buf, i64 0, i64 %start
  %n = sub i64 24, %start
  call void @sb_bytes(i8* %p, i64 %n)
  ret void
}

; A string object as a literal: quotes, and escapes as the lexer reads them back.
define void @sb_quoted(i64 %s) {
entry:
  call void @sb_byte(i8 34)
  %p = inttoptr i64 %s to i64*
  %n = load i64, i64* %p
  %b = add i64 %s, 8
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %inext, %next ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %body, label %done
body:
  %a = add i64 %b, %i
  %cp = inttoptr i64 %a to i8*
  %c = load i8, i8* %cp
  %i1 = add i64 %i, 1
  switch i8 %c, label %other [ i8 34, label %quote
                               i8 92, label %backslash
                               i8 10, label %nl
                               i8 9, label %tab
                               i8 13, label %cr
                               i8 0, label %nul ]
quote:
  call void @sb_bytes(i8* getelementptr ([2 x i8], [2 x i8]* @.esc_quote, i32 0, i32 0), i64 2)
  br label %next
backslash:
  call void @sb_bytes(i8* getelementptr ([2 x i8], [2 x i8]* @.esc_backslash, i32 0, i32 0), i64 2)
  br label %next
nl:
  call void @sb_bytes(i8* getelementptr ([2 x i8], [2 x i8]* @.esc_n, i32 0, i32 0), i64 2)
  br label %next
tab:
  call void @sb_bytes(i8* getelementptr ([2 x i8], [2 x i8]* @.esc_t, i32 0, i32 0), i64 2)
  br label %next
cr:
  call void @sb_bytes(i8* getelementptr ([2 x i8], [2 x i8]* @.esc_r, i32 0, i32 0), i64 2)
  br label %next
nul:
  call void @sb_bytes(i8* getelementptr ([2 x i8], [2 x i8]* @.esc_0, i32 0, i32 0), i64 2)
  br label %next
other:
  ; other control characters (C0, DEL, and C1 as UTF-8 C2 80..9F) become \u{hex}
  %lowctl = icmp ult i8 %c, 32
  %del = icmp eq i8 %c, 127
  %ctl = or i1 %lowctl, %del
  br i1 %ctl, label %unicode, label %c1check
c1check:
  %isc2 = icmp eq i8 %c, -62
  %hasnext = icmp ult i64 %i1, %n
  %maybe = and i1 %isc2, %hasnext
  br i1 %maybe, label %c1next, label %plain
c1next:
  %a2 = add i64 %b, %i1
  %cp2 = inttoptr i64 %a2 to i8*
  %c2 = load i8, i8* %cp2
  %c2u = zext i8 %c2 to i64
  %lo = icmp uge i64 %c2u, 128
  %hi = icmp ule i64 %c2u, 159
  %isc1 = and i1 %lo, %hi
  br i1 %isc1, label %c1, label %plain
c1:
  call void @sb_unicode(i64 %c2u)
  %i2 = add i64 %i, 2
  br label %next
unicode:
  %cu = zext i8 %c to i64
  call void @sb_unicode(i64 %cu)
  br label %next
plain:
  call void @sb_byte(i8 %c)
  br label %next
next:
  %inext = phi i64 [ %i1, %quote ], [ %i1, %backslash ], [ %i1, %nl ], [ %i1, %tab ], [ %i1, %cr ], [ %i1, %nul ], [ %i2, %c1 ], [ %i1, %unicode ], [ %i1, %plain ]
  br label %loop
done:
  call void @sb_byte(i8 34)
  ret void
}

; \u{hex} for code point c (< 256).
define void @sb_unicode(i64 %c) {
entry:
  call void @sb_bytes(i8* getelementptr ([3 x i8], [3 x i8]* @.esc_u, i32 0, i32 0), i64 3)
  %hi = lshr i64 %c, 4
  %lo = and i64 %c, 15
  %big = icmp ne i64 %hi, 0
  br i1 %big, label %both, label %low
both:
  call void @sb_hex(i64 %hi)
  br label %low
low:
  call void @sb_hex(i64 %lo)
  call void @sb_byte(i8 125)
  ret void
}

define void @sb_hex(i64 %d) {
  %lt10 = icmp ult i64 %d, 10
  %a = add i64 %d, 48
  %b = add i64 %d, 87
  %c = select i1 %lt10, i64 %a, i64 %b
  %c8 = trunc i64 %c to i8
  call void @sb_byte(i8 %c8)
  ret void
}

@.esc_quote = private unnamed_addr constant [2 x i8] c"\5C\22"
@.esc_backslash = private unnamed_addr constant [2 x i8] c"\5C\5C"
@.esc_n = private unnamed_addr constant [2 x i8] c"\5Cn"
@.esc_t = private unnamed_addr constant [2 x i8] c"\5Ct"
@.esc_r = private unnamed_addr constant [2 x i8] c"\5Cr"
@.esc_0 = private unnamed_addr constant [2 x i8] c"\5C0"
@.esc_u = private unnamed_addr constant [3 x i8] c"\5Cu{"

; Appends a value: printed form (quoted = 1) or display form (quoted = 0: strings raw).
define void @sb_value(%V* %v, i64 %quoted, i64 %depth) {
entry:
  %fbuf = alloca [32 x i8]
  %t = call i64 @ovsm_tag(%V* %v)
  %x = call i64 @ovsm_payload(%V* %v)
  %toodeep = icmp ugt i64 %depth, $MAX_PRINT_DEPTH
  br i1 %toodeep, label %dots, label %go
dots:
  br label %plain
go:
  switch i64 %t, label %unknown [ i64 0, label %nil
                                  i64 1, label %bool
                                  i64 2, label %int
                                  i64 3, label %float
                                  i64 4, label %str
                                  i64 5, label %kw
                                  i64 6, label %arr
                                  i64 7, label %map
                                  i64 8, label %fn
                                  i64 9, label %builtin
                                  i64 10, label %box
                                  i64 11, label %subscription
                                  i64 12, label %program ]
subscription:
  call void @sb_obj(i8* $STR"#<subscription ")
  call void @sb_int(i64 %x)
  call void @sb_byte(i8 62)
  ret void
program:
  %pn = inttoptr i64 %x to i8*
  br label %framed
float:
  %fp = getelementptr [32 x i8], [32 x i8]* %fbuf, i64 0, i64 0
  %flen = call i64 @sf_format(i64 %x, i8* %fp)
  call void @sb_bytes(i8* %fp, i64 %flen)
  ret void
nil:
  br label %plain
bool:
  %true = icmp ne i64 %x, 0
  br i1 %true, label %t1, label %f1
t1:
  br label %plain
f1:
  br label %plain
int:
  call void @sb_int(i64 %x)
  ret void
str:
  %q = icmp ne i64 %quoted, 0
  br i1 %q, label %strq, label %strraw
strq:
  call void @sb_quoted(i64 %x)
  ret void
strraw:
  %sp = inttoptr i64 %x to i8*
  br label %plain
kw:
  call void @sb_byte(i8 58)
  %kp = inttoptr i64 %x to i8*
  br label %plain
arr:
  call void @sb_byte(i8 91)
  %ap = inttoptr i64 %x to i64*
  %n = load i64, i64* %ap
  %d1 = add i64 %depth, 1
  br label %aloop
aloop:
  %i = phi i64 [ 0, %arr ], [ %i1, %aitem ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %asep, label %aend
asep:
  %first = icmp eq i64 %i, 0
  br i1 %first, label %aitem, label %aspace
aspace:
  call void @sb_byte(i8 32)
  br label %aitem
aitem:
  %item = call %V* @ovsm_array_item(i64 %x, i64 %i)
  call void @sb_value(%V* %item, i64 1, i64 %d1)
  %i1 = add i64 %i, 1
  br label %aloop
aend:
  call void @sb_byte(i8 93)
  ret void
map:
  call void @sb_byte(i8 123)
  %mn = call i64 @ovsm_map_count(i64 %x)
  %md1 = add i64 %depth, 1
  br label %mloop
mloop:
  %mi = phi i64 [ 0, %map ], [ %mi1, %mitem ]
  %mmore = icmp ult i64 %mi, %mn
  br i1 %mmore, label %msep, label %mend
msep:
  %mfirst = icmp eq i64 %mi, 0
  br i1 %mfirst, label %mitem, label %mspace
mspace:
  call void @sb_byte(i8 32)
  br label %mitem
mitem:
  %mk = call %V* @ovsm_map_key(i64 %x, i64 %mi)
  call void @sb_value(%V* %mk, i64 1, i64 %md1)
  call void @sb_byte(i8 32)
  %mv = call %V* @ovsm_map_value(i64 %x, i64 %mi)
  call void @sb_value(%V* %mv, i64 1, i64 %md1)
  %mi1 = add i64 %mi, 1
  br label %mloop
mend:
  call void @sb_byte(i8 125)
  ret void
fn:
  %cw = inttoptr i64 %x to i64*
  %nw = getelementptr i64, i64* %cw, i64 1
  %name = load i64, i64* %nw
  %np = inttoptr i64 %name to i8*
  br label %framed
builtin:
  %bn0 = add i64 %x, 8
  %bn = inttoptr i64 %bn0 to i8*
  br label %framed
box:
  %inner = inttoptr i64 %x to %V*
  call void @sb_value(%V* %inner, i64 %quoted, i64 %depth)
  ret void
unknown:
  br label %plain
; `#<kind name>`.
framed:
  %prefix = phi i8* [ $STR"#<program ", %program ], [ $STR"#<function ", %fn ], [ $STR"#<function ", %builtin ]
  %named = phi i8* [ %pn, %program ], [ %np, %fn ], [ %bn, %builtin ]
  call void @sb_obj(i8* %prefix)
  call void @sb_obj(i8* %named)
  call void @sb_byte(i8 62)
  ret void
; One string object. The cases meet here so that the program carries one inlined copy of the
; string append, not one per case.
plain:
  %text = phi i8* [ $STR"...", %dots ], [ $STR"nil", %nil ], [ $STR"true", %t1 ], [ $STR"false", %f1 ], [ %sp, %strraw ], [ %kp, %kw ], [ $STR"#<value>", %unknown ]
  call void @sb_obj(i8* %text)
  ret void
}

; The scratch buffer as a new string object (0 when it overflowed or memory ran out).
define i64 @sb_finish() {
entry:
  %len = load i64, i64* $SCRLEN
  %over = icmp eq i64 %len, -1
  br i1 %over, label %no, label %copy
copy:
  %obj = call i64 @ovsm_new_string(i8* $SCRATCH, i64 %len)
  ret i64 %obj
no:
  ret i64 0
}

; An error message must survive even when memory ran out: ovsm_alloc keeps 1 KiB between
; the stack and the objects, which this may use.
define i64 @sb_finish_error() {
entry:
  %len = load i64, i64* $SCRLEN
  %over = icmp eq i64 %len, -1
  %n = select i1 %over, i64 0, i64 %len
  %size0 = add i64 %n, 15
  %size = and i64 %size0, -8
  %hp = load i64, i64* $HP
  %sp = load i64, i64* $SP
  %room = sub i64 %hp, %sp
  %fits = icmp ugt i64 %room, %size
  br i1 %fits, label %take, label %no
take:
  %new = sub i64 %hp, %size
  store i64 %new, i64* $HP
  %w = inttoptr i64 %new to i64*
  store i64 %n, i64* %w
  %p = inttoptr i64 %new to i8*
  %bytes = getelementptr i8, i8* %p, i64 8
  call void @ovsm_copy(i8* %bytes, i8* $SCRATCH, i64 %n)
  ret i64 %new
no:
  ret i64 0
}

; ---- errors ----------------------------------------------------------------------------------

; The functions that raise errors (these, `ovsm_builtin_arity` in calls.ll and `ovsm_no_account`
; in auto.ll) are `minsize optsize`: they run once, at the end of a failed run, so their size
; counts and their speed does not (2.5 to 4.6 KB off every autonomous example at stop 22, the
; same compute units in all of them). Not `cold`: LLVM puts cold functions in a section of their own,
; `.text.unlikely.`, and the linker takes one `.text`.

; Records an error whose message is in the scratch buffer. Always returns 1 (failed).
define i64 @ovsm_fail_sb(i64 %code, i64 %site) noinline minsize optsize {
  store i64 %code, i64* $ERRCODE
  store i64 %site, i64* $ERRSITE
  %obj = call i64 @sb_finish_error()
  store i64 %obj, i64* $ERRMSG
  ret i64 1
}

define i64 @ovsm_fail_literal(i64 %code, i8* %msg, i64 %site) noinline minsize optsize {
  call void @sb_reset()
  call void @sb_obj(i8* %msg)
  %r = call i64 @ovsm_fail_sb(i64 %code, i64 %site)
  ret i64 %r
}

define i8* @ovsm_type_name(i64 %tag) {
entry:
  switch i64 %tag, label %other [ i64 0, label %nil
                                  i64 1, label %bool
                                  i64 2, label %int
                                  i64 3, label %float
                                  i64 4, label %str
                                  i64 5, label %kw
                                  i64 6, label %arr
                                  i64 7, label %map
                                  i64 8, label %fn
                                  i64 9, label %fn
                                  i64 11, label %sub
                                  i64 12, label %prog ]
sub:
  ret i8* $STR"subscription"
prog:
  ret i8* $STR"program"
map:
  ret i8* $STR"map"
nil:
  ret i8* $STR"nil"
bool:
  ret i8* $STR"bool"
int:
  ret i8* $STR"int"
float:
  ret i8* $STR"float"
str:
  ret i8* $STR"string"
kw:
  ret i8* $STR"keyword"
arr:
  ret i8* $STR"array"
fn:
  ret i8* $STR"function"
other:
  ret i8* $STR"value"
}

; type error: `OP` expects WHAT, got TYPE
define i64 @ovsm_expected(%V* %v, i8* %op, i8* %what, i64 %site) noinline minsize optsize {
  call void @sb_reset()
  call void @sb_obj(i8* $STR"type error: `")
  call void @sb_obj(i8* %op)
  call void @sb_obj(i8* $STR"` expects ")
  call void @sb_obj(i8* %what)
  call void @sb_obj(i8* $STR", got ")
  %t = call i64 @ovsm_tag(%V* %v)
  %name = call i8* @ovsm_type_name(i64 %t)
  call void @sb_obj(i8* %name)
  %r = call i64 @ovsm_fail_sb(i64 203, i64 %site)
  ret i64 %r
}

define i64 @ovsm_overflow(i8* %op, i64 %site) noinline minsize optsize {
  call void @sb_reset()
  call void @sb_obj(i8* $STR"integer overflow in `")
  call void @sb_obj(i8* %op)
  call void @sb_byte(i8 96)
  %r = call i64 @ovsm_fail_sb(i64 204, i64 %site)
  ret i64 %r
}

define i64 @ovsm_index_error(i64 %k, i64 %n, i8* %what, i64 %site) noinline minsize optsize {
  call void @sb_reset()
  call void @sb_obj(i8* $STR"index ")
  call void @sb_int(i64 %k)
  call void @sb_obj(i8* $STR" out of range for ")
  call void @sb_obj(i8* %what)
  call void @sb_obj(i8* $STR" of length ")
  call void @sb_int(i64 %n)
  %r = call i64 @ovsm_fail_sb(i64 206, i64 %site)
  ret i64 %r
}

define i64 @ovsm_undefined(i8* %name, i64 %site) noinline minsize optsize {
  call void @sb_reset()
  call void @sb_obj(i8* $STR"undefined variable `")
  call void @sb_obj(i8* %name)
  call void @sb_byte(i8 96)
  %r = call i64 @ovsm_fail_sb(i64 201, i64 %site)
  ret i64 %r
}

define i64 @ovsm_not_callable(%V* %v, i64 %site) noinline minsize optsize {
  call void @sb_reset()
  call void @sb_obj(i8* $STR"type error: cannot call a value of type ")
  %t = call i64 @ovsm_tag(%V* %v)
  %name = call i8* @ovsm_type_name(i64 %t)
  call void @sb_obj(i8* %name)
  call void @sb_obj(i8* $STR": it is not a function")
  %r = call i64 @ovsm_fail_sb(i64 203, i64 %site)
  ret i64 %r
}

define i8* @ovsm_closure_name(i64 %closure) {
  %cw = inttoptr i64 %closure to i64*
  %nw = getelementptr i64, i64* %cw, i64 1
  %name = load i64, i64* %nw
  %np = inttoptr i64 %name to i8*
  ret i8* %np
}

; Fatal: not catchable by try (the host marks codes 208 and 209 fatal).
define i64 @ovsm_recursion(i64 %closure, i64 %site) noinline minsize optsize {
  call void @sb_reset()
  call void @sb_obj(i8* $STR"recursion depth limit (")
  %max = load i64, i64* $MAXDEPTH
  call void @sb_int(i64 %max)
  call void @sb_obj(i8* $STR") exceeded in `")
  %name = call i8* @ovsm_closure_name(i64 %closure)
  call void @sb_obj(i8* %name)
  call void @sb_byte(i8 96)
  %r = call i64 @ovsm_fail_sb(i64 208, i64 %site)
  ret i64 %r
}

define i64 @ovsm_out_of_memory(i64 %site) noinline minsize optsize {
  %r = call i64 @ovsm_fail_literal(i64 209, i8* $STR"out of memory: the program heap ($HEAP_KIB KiB) is exhausted by recursion or data", i64 %site)
  ret i64 %r
}

; wrong number of arguments to `NAME`: expected E, got G
define i64 @ovsm_arity(i64 %required, i64 %optional, i64 %rest, i64 %argc, i64 %site) noinline minsize optsize {
entry:
  call void @sb_reset()
  call void @sb_obj(i8* $STR"wrong number of arguments to `")
  %fp = load i64, i64* $FP
  %cw = add i64 %fp, 8
  %cp = inttoptr i64 %cw to i64*
  %closure = load i64, i64* %cp
  %name = call i8* @ovsm_closure_name(i64 %closure)
  call void @sb_obj(i8* %name)
  call void @sb_obj(i8* $STR"`: expected ")
  %hasrest = icmp ne i64 %rest, 0
  br i1 %hasrest, label %atleast, label %norest
atleast:
  call void @sb_obj(i8* $STR"at least ")
  call void @sb_int(i64 %required)
  br label %got
norest:
  call void @sb_int(i64 %required)
  %hasopt = icmp ne i64 %optional, 0
  br i1 %hasopt, label %range, label %got
range:
  call void @sb_obj(i8* $STR" to ")
  %upto = add i64 %required, %optional
  call void @sb_int(i64 %upto)
  br label %got
got:
  call void @sb_obj(i8* $STR", got ")
  call void @sb_int(i64 %argc)
  %r = call i64 @ovsm_fail_sb(i64 202, i64 %site)
  ret i64 %r
}

; ---- output ----------------------------------------------------------------------------------

; OUTBUF[0] is the channel byte `o`; OUTLEN counts the bytes after it.
define void @out_flush() {
entry:
  %len = load i64, i64* $OUTLEN
  %empty = icmp eq i64 %len, 0
  br i1 %empty, label %exit, label %emit
emit:
  store i8 111, i8* $OUTBUF
  %n = add i64 %len, 1
  call void @sol_log_(i8* $OUTBUF, i64 %n)
  store i64 0, i64* $OUTLEN
  br label %exit
exit:
  ret void
}

; Appends bytes to the output, flushing whole buffers; a flush never splits a UTF-8 character
; (sol_log_ rejects invalid UTF-8), so a cut falls before any continuation byte.
define void @out_bytes(i8* %p, i64 %n) {
entry:
  ; The top level re-run before an autonomous invocation says nothing (support/auto.ll).
  %mute = load i64, i64* $MUTE
  %muted = icmp ne i64 %mute, 0
  br i1 %muted, label %exit, label %start
start:
  br label %loop
loop:
  %done = phi i64 [ 0, %start ], [ %done1, %chunk ], [ %done1, %flush ]
  %left = sub i64 %n, %done
  %finished = icmp eq i64 %left, 0
  br i1 %finished, label %exit, label %room
room:
  %len = load i64, i64* $OUTLEN
  %space = sub i64 $OUTBUF_CAP, %len
  %fits = icmp ule i64 %left, %space
  br i1 %fits, label %all, label %part
all:
  br label %chunk
part:
  %cut = call i64 @ovsm_char_boundary(i8* %p, i64 %done, i64 %space)
  br label %chunk
chunk:
  %take = phi i64 [ %left, %all ], [ %cut, %part ]
  %src = getelementptr i8, i8* %p, i64 %done
  %dst0 = getelementptr i8, i8* $OUTBUF, i64 1
  %dst = getelementptr i8, i8* %dst0, i64 %len
  call void @ovsm_copy(i8* %dst, i8* %src, i64 %take)
  %len1 = add i64 %len, %take
  store i64 %len1, i64* $OUTLEN
  %done1 = add i64 %done, %take
  %full = icmp ult i64 %take, %left
  br i1 %full, label %flush, label %loop
flush:
  call void @out_flush()
  br label %loop
exit:
  ret void
}

; The longest prefix of p[from..], at most max bytes, that ends on a character boundary.
define i64 @ovsm_char_boundary(i8* %p, i64 %from, i64 %max) {
entry:
  br label %loop
loop:
  %k = phi i64 [ %max, %entry ], [ %k1, %back ]
  %zero = icmp eq i64 %k, 0
  br i1 %zero, label %exit, label %check
check:
  %at = add i64 %from, %k
  %cp = getelementptr i8, i8* %p, i64 %at
  %c = load i8, i8* %cp
  %top2 = and i8 %c, -64
  %cont = icmp eq i8 %top2, -128
  %k1 = sub i64 %k, 1
  br i1 %cont, label %back, label %exit
back:
  br label %loop
exit:
  %r = phi i64 [ 0, %loop ], [ %k, %check ]
  ret i64 %r
}

; Formats the top n values (display forms, separated by `sep` when it is not 0) into the
; scratch buffer; 1 when they did not fit.
define i64 @ovsm_format_args(i64 %n, i8 %sep) {
entry:
  call void @sb_reset()
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %item ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %sepq, label %done
sepq:
  %first = icmp eq i64 %i, 0
  %nosep = icmp eq i8 %sep, 0
  %skip = or i1 %first, %nosep
  br i1 %skip, label %item, label %dosep
dosep:
  call void @sb_byte(i8 %sep)
  br label %item
item:
  %d0 = sub i64 %n, %i
  %d = sub i64 %d0, 1
  %v = call %V* @ovsm_top(i64 %d)
  call void @sb_value(%V* %v, i64 0, i64 0)
  %i1 = add i64 %i, 1
  br label %loop
done:
  %len = load i64, i64* $SCRLEN
  %over = icmp eq i64 %len, -1
  %r = zext i1 %over to i64
  ret i64 %r
}

; A resource limit of the compiled program, as the heap's end is (E0209, which `try` does not
; catch): text is built in the scratch buffer, so no string made by `str` and friends is longer.
define i64 @ovsm_too_long(i64 %site) noinline minsize optsize {
  %r = call i64 @ovsm_fail_literal(i64 209, i8* $STR"out of memory: a string being built is longer than the compiled program's $SCRATCH_CAP-byte format buffer", i64 %site)
  ret i64 %r
}

; (print ...) and (println ...): display forms joined by spaces; nil.
define i64 @op_print(i64 %n, i64 %newline, i64 %site) {
entry:
  %over = call i64 @ovsm_format_args(i64 %n, i8 32)
  %bad = icmp ne i64 %over, 0
  br i1 %bad, label %toolong, label %ok
ok:
  %nl = icmp ne i64 %newline, 0
  br i1 %nl, label %addnl, label %write
addnl:
  call void @sb_byte(i8 10)
  br label %write
write:
  %len = load i64, i64* $SCRLEN
  %over2 = icmp eq i64 %len, -1
  br i1 %over2, label %toolong, label %emit
emit:
  call void @out_bytes(i8* $SCRATCH, i64 %len)
  %r = call i64 @ovsm_replace_top(i64 %n, i64 0, i64 0, i64 %site)
  ret i64 %r
toolong:
  %e = call i64 @ovsm_too_long(i64 %site)
  ret i64 %e
}

; (str ...): display forms concatenated, as a new string.
define i64 @op_str(i64 %n, i64 %site) {
entry:
  %over = call i64 @ovsm_format_args(i64 %n, i8 0)
  %bad = icmp ne i64 %over, 0
  br i1 %bad, label %toolong, label %ok
ok:
  %obj = call i64 @sb_finish()
  %null = icmp eq i64 %obj, 0
  br i1 %null, label %oom, label %push
push:
  %r = call i64 @ovsm_replace_top(i64 %n, i64 4, i64 %obj, i64 %site)
  ret i64 %r
oom:
  %e = call i64 @ovsm_out_of_memory(i64 %site)
  ret i64 %e
toolong:
  %e2 = call i64 @ovsm_too_long(i64 %site)
  ret i64 %e2
}

; (error x): a string is the message itself; anything else its display form.
define i64 @op_error(i64 %site) {
entry:
  %over = call i64 @ovsm_format_args(i64 1, i8 0)
  %bad = icmp ne i64 %over, 0
  br i1 %bad, label %toolong, label %ok
ok:
  %r = call i64 @ovsm_fail_sb(i64 207, i64 %site)
  ret i64 %r
toolong:
  %e = call i64 @ovsm_too_long(i64 %site)
  ret i64 %e
}

; (log ...): `:message` text first, then key=printed pairs; or display forms joined by spaces.
define i64 @op_log(i64 %n, i64 %site) {
entry:
  %z = icmp eq i64 %n, 0
  br i1 %z, label %plain, label %peek
peek:
  %d0 = sub i64 %n, 1
  %first = call %V* @ovsm_top(i64 %d0)
  %t = call i64 @ovsm_tag(%V* %first)
  %iskw = icmp eq i64 %t, 5
  br i1 %iskw, label %pairs, label %plain
plain:
  %over = call i64 @ovsm_format_args(i64 %n, i8 32)
  br label %finish
pairs:
  %r = call i64 @ovsm_log_pairs(i64 %n, i64 %site)
  %failed = icmp eq i64 %r, 2
  br i1 %failed, label %fail, label %finish
finish:
  call void @sb_byte(i8 10)
  %len = load i64, i64* $SCRLEN
  %over2 = icmp eq i64 %len, -1
  br i1 %over2, label %toolong, label %emit
emit:
  ; Inside an autonomous invocation, `[slot N program] ` first, as the interpreter writes it.
  %prefix = load i64, i64* $PREFIX
  %hasprefix = icmp ne i64 %prefix, 0
  br i1 %hasprefix, label %withprefix, label %line
withprefix:
  %pp = inttoptr i64 %prefix to i64*
  %plen = load i64, i64* %pp
  %pb0 = getelementptr i64, i64* %pp, i64 1
  %pb = bitcast i64* %pb0 to i8*
  call void @out_bytes(i8* %pb, i64 %plen)
  br label %line
line:
  call void @out_bytes(i8* $SCRATCH, i64 %len)
  %s = call i64 @ovsm_replace_top(i64 %n, i64 0, i64 0, i64 %site)
  ret i64 %s
toolong:
  %e = call i64 @ovsm_too_long(i64 %site)
  ret i64 %e
fail:
  ret i64 1
}

; The keyword/value form of log into the scratch buffer: the first :message's display form,
; then every other pair as key=printed. Returns 2 after raising a type error.
define i64 @ovsm_log_pairs(i64 %n, i64 %site) {
entry:
  ; pass 1: the message
  call void @sb_reset()
  br label %find
find:
  %i = phi i64 [ 0, %entry ], [ %i2, %nextpair ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %check, label %fields
check:
  %kd0 = sub i64 %n, %i
  %kd = sub i64 %kd0, 1
  %k = call %V* @ovsm_top(i64 %kd)
  %kt = call i64 @ovsm_tag(%V* %k)
  %iskw = icmp eq i64 %kt, 5
  br i1 %iskw, label %ismsg, label %badkey
ismsg:
  %kx = call i64 @ovsm_payload(%V* %k)
  %m = call i64 @ovsm_str_cmp(i64 %kx, i64 ptrtoint (i8* $STR"message" to i64))
  %hasval = icmp ugt i64 %kd, 0
  %msg = icmp eq i64 %m, 0
  %both = and i1 %msg, %hasval
  br i1 %both, label %write, label %nextpair
write:
  %vd = sub i64 %kd, 1
  %v = call %V* @ovsm_top(i64 %vd)
  call void @sb_value(%V* %v, i64 0, i64 0)
  br label %fields0
nextpair:
  %i2 = add i64 %i, 2
  br label %find
fields0:
  %msgat = phi i64 [ %i, %write ]
  br label %fields1
fields:
  br label %fields1
fields1:
  %skip = phi i64 [ %msgat, %fields0 ], [ -1, %fields ]
  br label %floop
floop:
  %j = phi i64 [ 0, %fields1 ], [ %j2, %fnext ]
  %fmore = icmp ult i64 %j, %n
  br i1 %fmore, label %fcheck, label %done
fcheck:
  %isskip = icmp eq i64 %j, %skip
  br i1 %isskip, label %fnext, label %fkey
fkey:
  %fd0 = sub i64 %n, %j
  %fd = sub i64 %fd0, 1
  %fk = call %V* @ovsm_top(i64 %fd)
  %fkt = call i64 @ovsm_tag(%V* %fk)
  %fiskw = icmp eq i64 %fkt, 5
  br i1 %fiskw, label %fwrite, label %fbad
fwrite:
  %len = load i64, i64* $SCRLEN
  %nonempty = icmp ne i64 %len, 0
  br i1 %nonempty, label %space, label %key
space:
  call void @sb_byte(i8 32)
  br label %key
key:
  %hasv = icmp ugt i64 %fd, 0
  br i1 %hasv, label %val, label %fbad
val:
  %fkx = call i64 @ovsm_payload(%V* %fk)
  %fkp = inttoptr i64 %fkx to i8*
  call void @sb_obj(i8* %fkp)
  call void @sb_byte(i8 61)
  %fvd = sub i64 %fd, 1
  %fv = call %V* @ovsm_top(i64 %fvd)
  call void @sb_value(%V* %fv, i64 1, i64 0)
  br label %fnext
fnext:
  %j2 = add i64 %j, 2
  br label %floop
done:
  ret i64 0
badkey:
  %e = call i64 @ovsm_expected(%V* %k, i8* $STR"log", i8* $STR"keyword/value pairs after a leading keyword", i64 %site)
  ret i64 2
fbad:
  %e2 = call i64 @ovsm_expected(%V* %fk, i8* $STR"log", i8* $STR"keyword/value pairs after a leading keyword", i64 %site)
  ret i64 2
}

; ---- the end of a run ------------------------------------------------------------------------

; Flushes output, then reports the value on top (ok) or the error: one log message each.
define i64 @ovsm_finish(i64 %failed) {
entry:
  call void @out_flush()
  %bad = icmp ne i64 %failed, 0
  br i1 %bad, label %error, label %value
value:
  call void @sb_reset()
  call void @sb_byte(i8 118)
  %v = call %V* @ovsm_top(i64 0)
  call void @sb_value(%V* %v, i64 1, i64 0)
  %len = load i64, i64* $SCRLEN
  %over = icmp eq i64 %len, -1
  br i1 %over, label %toolong, label %emitv
emitv:
  call void @sol_log_(i8* $SCRATCH, i64 %len)
  ret i64 0
toolong:
  %e = call i64 @ovsm_too_long(i64 0)
  br label %error
error:
  call void @sb_reset()
  call void @sb_byte(i8 101)
  %site = load i64, i64* $ERRSITE
  call void @sb_int(i64 %site)
  call void @sb_byte(i8 32)
  %code = load i64, i64* $ERRCODE
  call void @sb_int(i64 %code)
  call void @sb_byte(i8 32)
  %msg = load i64, i64* $ERRMSG
  %hasmsg = icmp ne i64 %msg, 0
  br i1 %hasmsg, label %withmsg, label %emite
withmsg:
  %mp = inttoptr i64 %msg to i8*
  call void @sb_obj(i8* %mp)
  br label %emite
emite:
  %elen = load i64, i64* $SCRLEN
  %eover = icmp eq i64 %elen, -1
  %elen1 = select i1 %eover, i64 $SCRATCH_CAP, i64 %elen
  call void @sol_log_(i8* $SCRATCH, i64 %elen1)
  ret i64 1
}

define i64 @ovsm_undefined_function(i8* %name, i64 %site) noinline minsize optsize {
  call void @sb_reset()
  call void @sb_obj(i8* $STR"undefined function `")
  call void @sb_obj(i8* %name)
  call void @sb_byte(i8 96)
  %r = call i64 @ovsm_fail_sb(i64 201, i64 %site)
  ret i64 %r
}

define i64 @ovsm_set_undefined(i8* %name, i64 %site) noinline minsize optsize {
  call void @sb_reset()
  call void @sb_obj(i8* $STR"cannot `set!` undefined variable `")
  call void @sb_obj(i8* %name)
  call void @sb_obj(i8* $STR"`; define it first")
  %r = call i64 @ovsm_fail_sb(i64 201, i64 %site)
  ret i64 %r
}
