; OVSM support library, part 9 for a program that cannot hold a float (codegen/src/floats.rs):
; the soft-float library's entry points, each stopping the program. The rest of the library
; reaches them only on a value tagged float, which such a program never makes, so none runs;
; if one ever did, the program stops with agave's panic (the run is reported as aborted) rather
; than compute with a float it cannot represent. Taking the place of softfloat.ll, ryu_tables.ll
; and decimal.ll, this keeps about 16 KB of code out of the program.

declare void @sol_panic_(i8*, i64, i64, i64)

define void @sf_absent() noinline noreturn {
  %text = getelementptr i8, i8* $STR"a float in a program compiled without floats", i64 8
  call void @sol_panic_(i8* %text, i64 44, i64 0, i64 0)
  unreachable
}

define i64 @sf_add(i64 %a, i64 %b) {
  call void @sf_absent()
  unreachable
}

define i64 @sf_sub(i64 %a, i64 %b) {
  call void @sf_absent()
  unreachable
}

define i64 @sf_mul(i64 %a, i64 %b) {
  call void @sf_absent()
  unreachable
}

define i64 @sf_div(i64 %a, i64 %b) {
  call void @sf_absent()
  unreachable
}

define i64 @sf_rem(i64 %x, i64 %y) {
  call void @sf_absent()
  unreachable
}

define i64 @sf_sqrt(i64 %a) {
  call void @sf_absent()
  unreachable
}

define i64 @sf_cmp(i64 %a, i64 %b) {
  call void @sf_absent()
  unreachable
}

define i64 @sf_cmp_int(i64 %i, i64 %f) {
  call void @sf_absent()
  unreachable
}

define i1 @sf_fits_int(i64 %a) {
  call void @sf_absent()
  unreachable
}

define i1 @sf_is_nan(i64 %a) {
  call void @sf_absent()
  unreachable
}

define i64 @sf_from_int(i64 %i) {
  call void @sf_absent()
  unreachable
}

define i64 @sf_to_int(i64 %a) {
  call void @sf_absent()
  unreachable
}

define i64 @sf_round_int(i64 %a, i64 %mode) {
  call void @sf_absent()
  unreachable
}

define i64 @sf_pow(i64 %x, i64 %y) {
  call void @sf_absent()
  unreachable
}

define i64 @sf_format(i64 %bits, i8* %buf) {
  call void @sf_absent()
  unreachable
}

define i64 @sf_parse(i8* %p, i64 %n, i64* %work, i64* %out) {
  call void @sf_absent()
  unreachable
}
