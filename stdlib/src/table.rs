//! The builtin table itself. Order matters only for [`crate::BuiltinId`] numbering.

use crate::{Arity, Builtin, Family, Implementation};

const VARIADIC: u8 = u8::MAX;

const fn entry(
    name: &'static str,
    family: Family,
    arity: (u8, u8),
    signature: &'static str,
    doc: &'static str,
    example: (&'static str, &'static str),
    cost: u32,
) -> Builtin {
    Builtin {
        name,
        family,
        arity: Arity { min: arity.0, max: if arity.1 == VARIADIC { None } else { Some(arity.1) } },
        signature,
        doc,
        example: example.0,
        expect: example.1,
        cost,
        deterministic: true,
        implementation: Implementation::Native,
    }
}

const fn prelude(b: Builtin) -> Builtin {
    Builtin { implementation: Implementation::Prelude, ..b }
}

const fn host(b: Builtin) -> Builtin {
    Builtin { deterministic: false, ..b }
}

use Family::*;

pub static BUILTINS: &[Builtin] = &[
    // Numbers
    entry("+", Numbers, (0, VARIADIC), "(+ x ...)", "Sum; integers are checked for overflow; any float makes the result a float.", ("(+ 1 2 3)", "6"), 1),
    entry("-", Numbers, (1, VARIADIC), "(- x y ...)", "Difference; `(- x)` negates.", ("(- 10 3 2)", "5"), 1),
    entry("*", Numbers, (0, VARIADIC), "(* x ...)", "Product, checked for overflow.", ("(* 2 3 4)", "24"), 1),
    entry("/", Numbers, (2, VARIADIC), "(/ x y ...)", "Quotient; int/int truncates toward zero; a zero divisor is an error.", ("(/ -7 2)", "-3"), 2),
    entry("%", Numbers, (2, 2), "(% x y)", "Remainder with the sign of the dividend.", ("(% -7 2)", "-1"), 2),
    entry("abs", Numbers, (1, 1), "(abs x)", "Absolute value, checked.", ("(abs -4)", "4"), 1),
    entry("min", Numbers, (1, VARIADIC), "(min x ...)", "Smallest argument.", ("(min 3 1 2)", "1"), 1),
    entry("max", Numbers, (1, VARIADIC), "(max x ...)", "Largest argument.", ("(max 3 1.5 2)", "3"), 1),
    entry("pow", Numbers, (2, 2), "(pow base exp)", "Power: int to a non-negative int is a checked int, otherwise a float (exact for integral powers within 2^53, else fdlibm's algorithm: the same bits on every machine; docs/codegen.md, \"Floats\").", ("(pow 2 10)", "1024"), 4),
    entry("sqrt", Numbers, (1, 1), "(sqrt x)", "Square root, always a float.", ("(sqrt 16)", "4.0"), 4),
    entry("floor", Numbers, (1, 1), "(floor x)", "Largest integer not above x.", ("(floor -2.5)", "-3"), 1),
    entry("ceil", Numbers, (1, 1), "(ceil x)", "Smallest integer not below x.", ("(ceil 2.1)", "3"), 1),
    entry("round", Numbers, (1, 1), "(round x)", "Nearest integer, halves away from zero.", ("(round 2.5)", "3"), 1),
    entry("=", Numbers, (1, VARIADIC), "(= a b ...)", "Structural equality of all arguments; `1` equals `1.0`.", ("(= [1 {:a 2}] [1 {:a 2}])", "true"), 1),
    entry("!=", Numbers, (2, 2), "(!= a b)", "Negation of `=`.", ("(!= 1 2)", "true"), 1),
    entry("<", Numbers, (1, VARIADIC), "(< a b ...)", "Strictly increasing chain, numbers or strings.", ("(< 1 2 3)", "true"), 1),
    entry("<=", Numbers, (1, VARIADIC), "(<= a b ...)", "Non-decreasing chain.", ("(<= 1 1 2)", "true"), 1),
    entry(">", Numbers, (1, VARIADIC), "(> a b ...)", "Strictly decreasing chain.", ("(> 3 2 1)", "true"), 1),
    entry(">=", Numbers, (1, VARIADIC), "(>= a b ...)", "Non-increasing chain.", ("(>= 3 3 1)", "true"), 1),
    // Logic
    entry("not", Logic, (1, 1), "(not x)", "True when x is false or nil.", ("(not 0)", "false"), 1),
    // Strings
    entry("str", Strings, (0, VARIADIC), "(str x ...)", "Concatenates display forms: strings without quotes, other values as printed.", ("(str \"a\" 1 :k [2])", "\"a1:k[2]\""), 2),
    entry("length", Strings, (1, 1), "(length x)", "Characters in a string, elements in an array, entries in a map.", ("(length \"héllo\")", "5"), 1),
    entry("substring", Strings, (3, 3), "(substring s start end)", "Characters start..end (end excluded).", ("(substring \"abcdef\" 1 3)", "\"bc\""), 2),
    entry("to-upper", Strings, (1, 1), "(to-upper s)", "Upper case.", ("(to-upper \"abc\")", "\"ABC\""), 2),
    entry("to-lower", Strings, (1, 1), "(to-lower s)", "Lower case.", ("(to-lower \"ABC\")", "\"abc\""), 2),
    entry("trim", Strings, (1, 1), "(trim s)", "Removes leading and trailing whitespace.", ("(trim \"  a b \")", "\"a b\""), 2),
    entry("split", Strings, (2, 2), "(split s sep)", "Splits on every occurrence of sep.", ("(split \"a,b,c\" \",\")", "[\"a\" \"b\" \"c\"]"), 3),
    entry("join", Strings, (1, 2), "(join xs [sep])", "Joins display forms with sep (default \"\"); `(join sep xs)` is accepted too.", ("(join [1 2 3] \"-\")", "\"1-2-3\""), 3),
    entry("contains?", Strings, (2, 2), "(contains? coll x)", "Substring of a string, element of an array, or key of a map.", ("(contains? \"hello\" \"ell\")", "true"), 2),
    entry("format", Strings, (1, VARIADIC), "(format fmt x ...)", "Replaces each `{}` (or `~a`) in fmt with the display form of the next argument.", ("(format \"{} + {} = {}\" 1 2 3)", "\"1 + 2 = 3\""), 3),
    // Arrays
    entry("nth", Arrays, (2, 2), "(nth xs i)", "Element i; out of range is an `index` error.", ("(nth [10 20 30] 1)", "20"), 1),
    entry("first", Arrays, (1, 1), "(first xs)", "First element, or nil.", ("(first [1 2])", "1"), 1),
    entry("rest", Arrays, (1, 1), "(rest xs)", "All but the first element.", ("(rest [1 2 3])", "[2 3]"), 2),
    entry("last", Arrays, (1, 1), "(last xs)", "Last element, or nil.", ("(last [1 2 3])", "3"), 1),
    entry("append", Arrays, (2, 2), "(append xs ys)", "Concatenation; growing an array in a loop is amortised O(1) per element.", ("(append [1 2] [3])", "[1 2 3]"), 2),
    entry("cons", Arrays, (2, 2), "(cons x xs)", "A new array with x in front.", ("(cons 0 [1 2])", "[0 1 2]"), 2),
    entry("list", Arrays, (0, VARIADIC), "(list x ...)", "An array of the arguments.", ("(list 1 \"a\")", "[1 \"a\"]"), 2),
    entry("range", Arrays, (1, 3), "(range a b [step])", "Integers from a up to b excluded; `(range n)` is 0..n.", ("(range 1 5)", "[1 2 3 4]"), 3),
    entry("reverse", Arrays, (1, 1), "(reverse xs)", "Elements in reverse order (strings too).", ("(reverse [1 2 3])", "[3 2 1]"), 3),
    prelude(entry("sort", Arrays, (1, 2), "(sort xs) / (sort f xs)", "Ascending numbers or strings; with f, a stable sort where `(f a b)` is true when a goes first.", ("(sort > [3 1 2])", "[3 2 1]"), 0)),
    entry("%sort", Arrays, (1, 1), "(%sort xs)", "Internal: the natural-order sort behind `sort`.", ("(%sort [3 1 2])", "[1 2 3]"), 5),
    entry("%range-bound", Arrays, (1, 1), "(%range-bound n)", "Internal: checks a bound of a `for` over `range`.", ("(%range-bound 3)", "3"), 1),
    entry("slice", Arrays, (3, 3), "(slice xs start end)", "Elements start..end (end excluded) of an array.", ("(slice [1 2 3 4] 1 3)", "[2 3]"), 2),
    entry("empty?", Arrays, (1, 1), "(empty? x)", "True for an empty array, string or map.", ("(empty? [])", "true"), 1),
    prelude(entry("map", Arrays, (2, 2), "(map f xs)", "A new array of `(f x)` for each element.", ("(map (lambda (x) (* x x)) [1 2 3])", "[1 4 9]"), 0)),
    prelude(entry("filter", Arrays, (2, 2), "(filter f xs)", "The elements for which `(f x)` is true.", ("(filter (lambda (x) (> x 1)) [1 2 3])", "[2 3]"), 0)),
    prelude(entry("reduce", Arrays, (3, 3), "(reduce f xs init)", "Folds from the left: `(f (f init x1) x2)`...", ("(reduce + [1 2 3] 10)", "16"), 0)),
    // Maps
    entry("get", Maps, (2, 3), "(get m k [default])", "Value at key k (or index k of an array); missing gives nil or default.", ("(get {:a 1} \"a\")", "1"), 1),
    entry("assoc", Maps, (3, VARIADIC), "(assoc m k v ...)", "A new map with k set to v; m is left alone.", ("(assoc {:a 1} :b 2)", "{:a 1 :b 2}"), 2),
    entry("dissoc", Maps, (2, VARIADIC), "(dissoc m k ...)", "A new map without k.", ("(dissoc {:a 1 :b 2} :a)", "{:b 2}"), 2),
    entry("keys", Maps, (1, 1), "(keys m)", "The keys, in insertion order.", ("(keys {:a 1 :b 2})", "[:a :b]"), 2),
    entry("values", Maps, (1, 1), "(values m)", "The values, in insertion order.", ("(values {:a 1 :b 2})", "[1 2]"), 2),
    entry("has-key?", Maps, (2, 2), "(has-key? m k)", "True when m has key k.", ("(has-key? {:a 1} :a)", "true"), 1),
    // Types
    entry("type-of", Types, (1, 1), "(type-of x)", "The type's name as a string.", ("(type-of 1.5)", "\"float\""), 1),
    entry("int?", Types, (1, 1), "(int? x)", "Is x an integer?", ("(int? 3)", "true"), 1),
    entry("float?", Types, (1, 1), "(float? x)", "Is x a float?", ("(float? 3)", "false"), 1),
    entry("number?", Types, (1, 1), "(number? x)", "Is x an integer or a float?", ("(number? 2.5)", "true"), 1),
    entry("string?", Types, (1, 1), "(string? x)", "Is x a string?", ("(string? \"a\")", "true"), 1),
    entry("keyword?", Types, (1, 1), "(keyword? x)", "Is x a keyword?", ("(keyword? :a)", "true"), 1),
    entry("bool?", Types, (1, 1), "(bool? x)", "Is x true or false?", ("(bool? false)", "true"), 1),
    entry("array?", Types, (1, 1), "(array? x)", "Is x an array?", ("(array? [])", "true"), 1),
    entry("map?", Types, (1, 1), "(map? x)", "Is x a map?", ("(map? {})", "true"), 1),
    entry("nil?", Types, (1, 1), "(nil? x)", "Is x nil?", ("(nil? null)", "true"), 1),
    entry("fn?", Types, (1, 1), "(fn? x)", "Is x callable (a function or a builtin)?", ("(fn? +)", "true"), 1),
    entry("int", Types, (1, 1), "(int x)", "Converts a float (truncating), a numeric string or an int to an int.", ("(int \"42\")", "42"), 1),
    entry("float", Types, (1, 1), "(float x)", "Converts an int or a numeric string to a float.", ("(float 2)", "2.0"), 1),
    // Host
    host(entry("now", Host, (0, 0), "(now)", "Wall-clock unix time in seconds. Not allowed in autonomous callbacks.", ("(int? (now))", "true"), 1)),
    host(entry("random", Host, (0, 0), "(random)", "A float in [0, 1). Not allowed in autonomous callbacks.", ("(< (random) 1)", "true"), 1)),
    // Output
    entry("log", Output, (0, VARIADIC), "(log :message text :key value ...)", "Prints one line: the message, then `key=value` for the other keys. Returns nil.", ("(log :message \"hi\" :n 1)", "nil"), 10),
    entry("print", Output, (0, VARIADIC), "(print x ...)", "Writes display forms separated by spaces, no newline. Returns nil.", ("(print \"\")", "nil"), 5),
    entry("println", Output, (0, VARIADIC), "(println x ...)", "Like print, then a newline. Returns nil.", ("(println \"\")", "nil"), 5),
    // Errors
    entry("error", Errors, (1, VARIADIC), "(error msg [x ...])", "Raises an error whose message is msg, formatted like `format` when arguments follow.", ("(try (error \"boom\") (catch e e))", "\"boom\""), 1),
    // Autonomous programs: the five syscalls of the design note, and the subscription controls.
    entry("sol-subscribe-event", Autonomous, (2, VARIADIC), "(sol-subscribe-event :event-type T ... :callback F :compute-budget B)", "Subscribes the running program to a time event; returns the subscription.", ("(define-autonomous-program p (on-startup (sol-subscribe-event :event-type \"SLOT_INTERVAL\" :interval 10 :callback (lambda () nil) :compute-budget 1000)))", "#<program p>"), 100),
    entry("sol-watch-account", Autonomous, (2, VARIADIC), "(sol-watch-account :account PUBKEY :criteria {...} :callback F :compute-budget B)", "Fires F with (old new) when a change to the account makes the criteria hold; returns the watcher.", ("(fn? sol-watch-account)", "true"), 100),
    entry("sol-emit-event", Autonomous, (2, VARIADIC), "(sol-emit-event :event-id ID :data MAP)", "Delivers MAP to every `on-event` handler for ID, later in the same slot.", ("(define-autonomous-program p (on-startup (sol-emit-event :event-id \"HELLO\" :data {:n 1})))", "#<program p>"), 50),
    entry("sol-schedule-execution", Autonomous, (2, VARIADIC), "(sol-schedule-execution :target-slot S :callback F :compute-budget B)", "Runs F once at slot S; returns the subscription.", ("(define-autonomous-program p (on-startup (sol-schedule-execution :target-slot 5 :callback (lambda () nil) :compute-budget 1000)))", "#<program p>"), 100),
    entry("sol-query-subscriptions", Autonomous, (0, 1), "(sol-query-subscriptions [program-id])", "One map per live subscription of the program.", ("(define-autonomous-program p (on-startup (sol-query-subscriptions program-id)))", "#<program p>"), 50),
    entry("sol-pause-subscription", Autonomous, (1, 1), "(sol-pause-subscription sub)", "Stops a subscription of the running program from firing until resumed.", ("(fn? sol-pause-subscription)", "true"), 20),
    entry("sol-resume-subscription", Autonomous, (1, 1), "(sol-resume-subscription sub)", "Resumes a paused subscription.", ("(fn? sol-resume-subscription)", "true"), 20),
    entry("sol-cancel-subscription", Autonomous, (1, 1), "(sol-cancel-subscription sub)", "Cancels a subscription of the running program for good.", ("(fn? sol-cancel-subscription)", "true"), 20),
    entry("sol-update-subscription", Autonomous, (3, VARIADIC), "(sol-update-subscription sub :compute-budget B ...)", "Changes a subscription's compute budget or callback.", ("(fn? sol-update-subscription)", "true"), 20),
    entry("get-account", Autonomous, (1, 1), "(get-account pubkey)", "The account's `{:lamports :owner :data-length}`, or nil when the bank has none.", ("(get-account \"11111111111111111111111111111111\")", "{:lamports 1 :owner \"NativeLoader1111111111111111111111111111111\" :data-length 21}"), 50),
    entry("read-field", Autonomous, (2, 3), "(read-field pubkey offset [type])", "A little-endian field of the account's data; type is i64 (default), u64, i32, u32, u8 or f64.", ("(fn? read-field)", "true"), 20),
    entry("write-field", Autonomous, (4, 4), "(write-field pubkey offset type value)", "Writes a field of an account the running program owns; rolled back if the invocation fails.", ("(fn? write-field)", "true"), 50),
    entry("transfer-lamports", Autonomous, (3, 3), "(transfer-lamports from to lamports)", "Moves lamports out of an account the running program owns.", ("(fn? transfer-lamports)", "true"), 50),
    entry("get-current-slot", Autonomous, (0, 0), "(get-current-slot)", "The slot being processed (0 during startup and at top level).", ("(get-current-slot)", "0"), 1),
    entry("get-current-epoch", Autonomous, (0, 0), "(get-current-epoch)", "The epoch of the slot being processed.", ("(get-current-epoch)", "0"), 1),
    entry("%program-id", Autonomous, (0, 0), "program-id", "The running program's address, a base58 string; bound inside autonomous programs only.", ("(define-autonomous-program p (on-startup (string? program-id)))", "#<program p>"), 1),
];
