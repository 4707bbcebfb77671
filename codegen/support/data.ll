; OVSM support library, part 4: arrays and strings.

; Item i of the array object at address arr.
define %V* @ovsm_array_item(i64 %arr, i64 %i) alwaysinline {
  %off = shl i64 %i, 4
  %a0 = add i64 %arr, 8
  %a = add i64 %a0, %off
  %p = inttoptr i64 %a to %V*
  ret %V* %p
}

; Pops n values into a new array, pushed in their place.
define i64 @op_make_array(i64 %n, i64 %site) {
entry:
  %bytes = shl i64 %n, 4
  %size = add i64 %bytes, 8
  %mem = call i8* @ovsm_alloc(i64 %size)
  %null = icmp eq i8* %mem, null
  br i1 %null, label %oom, label %ok
ok:
  %w = bitcast i8* %mem to i64*
  store i64 %n, i64* %w
  %items = getelementptr i8, i8* %mem, i64 8
  %first = call %V* @ovsm_top(i64 %n)
  %f0 = bitcast %V* %first to i8*
  %src = getelementptr i8, i8* %f0, i64 16
  call void @ovsm_copy(i8* %items, i8* %src, i64 %bytes)
  call void @ovsm_drop(i64 %n)
  %addr = ptrtoint i8* %mem to i64
  %r = call i64 @ovsm_push(i64 6, i64 %addr, i64 %site)
  ret i64 %r
oom:
  %e = call i64 @ovsm_out_of_memory(i64 %site)
  ret i64 %e
}

; A new string object holding n bytes from src.
define i64 @ovsm_new_string(i8* %src, i64 %n) {
entry:
  %size = add i64 %n, 8
  %mem = call i8* @ovsm_alloc(i64 %size)
  %null = icmp eq i8* %mem, null
  br i1 %null, label %oom, label %ok
ok:
  %w = bitcast i8* %mem to i64*
  store i64 %n, i64* %w
  %bytes = getelementptr i8, i8* %mem, i64 8
  call void @ovsm_copy(i8* %bytes, i8* %src, i64 %n)
  %addr = ptrtoint i8* %mem to i64
  ret i64 %addr
oom:
  ret i64 0
}

; Characters in a string object: UTF-8 bytes that do not continue a character.
define i64 @ovsm_char_count(i64 %s) {
entry:
  %p = inttoptr i64 %s to i64*
  %n = load i64, i64* %p
  %b = add i64 %s, 8
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %body ]
  %c = phi i64 [ 0, %entry ], [ %c1, %body ]
  %more = icmp ult i64 %i, %n
  br i1 %more, label %body, label %done
body:
  %a = add i64 %b, %i
  %bp = inttoptr i64 %a to i8*
  %byte = load i8, i8* %bp
  %top2 = and i8 %byte, -64
  %cont = icmp eq i8 %top2, -128
  %inc = select i1 %cont, i64 0, i64 1
  %c1 = add i64 %c, %inc
  %i1 = add i64 %i, 1
  br label %loop
done:
  ret i64 %c
}


; (length x) of a string (characters) or an array.
define i64 @op_length(i64 %site) {
entry:
  %a = call %V* @ovsm_top(i64 0)
  %t = call i64 @ovsm_tag(%V* %a)
  %x = call i64 @ovsm_payload(%V* %a)
  switch i64 %t, label %bad [ i64 4, label %str
                              i64 6, label %arr ]
str:
  %c = call i64 @ovsm_char_count(i64 %x)
  call void @ovsm_set(%V* %a, i64 2, i64 %c)
  ret i64 0
arr:
  %p = inttoptr i64 %x to i64*
  %n = load i64, i64* %p
  call void @ovsm_set(%V* %a, i64 2, i64 %n)
  ret i64 0
bad:
  %e = call i64 @ovsm_expected(%V* %a, i8* $STR"length", i8* $STR"a string, array or map", i64 %site)
  ret i64 %e
}


; (nth arr i) on an array.
define i64 @op_nth(i64 %site) {
entry:
  %a = call %V* @ovsm_top(i64 1)
  %i = call %V* @ovsm_top(i64 0)
  %ti = call i64 @ovsm_tag(%V* %i)
  %isint = icmp eq i64 %ti, 2
  br i1 %isint, label %idx, label %badidx
idx:
  %ta = call i64 @ovsm_tag(%V* %a)
  %isarr = icmp eq i64 %ta, 6
  br i1 %isarr, label %arr, label %badarr
arr:
  %x = call i64 @ovsm_payload(%V* %a)
  %k = call i64 @ovsm_payload(%V* %i)
  %p = inttoptr i64 %x to i64*
  %n = load i64, i64* %p
  %inrange = icmp ult i64 %k, %n
  br i1 %inrange, label %ok, label %range
ok:
  %item = call %V* @ovsm_array_item(i64 %x, i64 %k)
  call void @ovsm_store(%V* %a, %V* %item)
  call void @ovsm_drop(i64 1)
  ret i64 0
range:
  %e = call i64 @ovsm_index_error(i64 %k, i64 %n, i64 %site)
  ret i64 %e
badidx:
  %e1 = call i64 @ovsm_expected(%V* %i, i8* $STR"nth", i8* $STR"an integer", i64 %site)
  ret i64 %e1
badarr:
  %e2 = call i64 @ovsm_expected(%V* %a, i8* $STR"nth", i8* $STR"an array", i64 %site)
  ret i64 %e2
}
