//! Printing a syntax tree and parsing it again gives the same tree, for generated trees.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

use ovsm_lexer::{SourceId, Span};
use ovsm_parser::{parse, print_form, Form, FormKind};
use proptest::prelude::*;

fn leaf() -> impl Strategy<Value = FormKind> {
    prop_oneof![
        any::<i64>().prop_map(FormKind::Int),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(FormKind::Float),
        "[ -~\\n\\t\\u{e9}\\u{1F600}]{0,8}".prop_map(FormKind::Str),
        "[a-z][a-z0-9?!*<>=-]{0,6}".prop_map(FormKind::Keyword),
        "[a-z+*/<>=!?&%][a-z0-9_+*/<>=!?&%.-]{0,6}".prop_filter("not a number", |s| s.parse::<f64>().is_err()).prop_map(FormKind::Symbol),
    ]
}

fn form() -> impl Strategy<Value = Form> {
    let span = Span::SYNTHETIC;
    leaf().prop_map(move |kind| Form { kind, span }).prop_recursive(5, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(move |v| Form { kind: FormKind::List(v), span }),
            prop::collection::vec(inner.clone(), 0..6).prop_map(move |v| Form { kind: FormKind::Array(v), span }),
            prop::collection::vec(inner.clone(), 0..3).prop_map(move |v| {
                let pairs: Vec<Form> = v.iter().flat_map(|f| [f.clone(), f.clone()]).collect();
                Form { kind: FormKind::Map(pairs), span }
            }),
            inner.prop_map(move |f| Form { kind: FormKind::Quote(Box::new(f)), span }),
        ]
    })
}

proptest! {
    #[test]
    fn print_then_parse_is_identity(f in form()) {
        let text = print_form(&f);
        let (program, diagnostics) = parse(&text, SourceId(0));
        prop_assert!(diagnostics.is_empty(), "{text}: {diagnostics:?}");
        let program = program.expect("parsed");
        prop_assert_eq!(program.forms.len(), 1);
        prop_assert!(program.forms[0].same_shape(&f), "{text}");
    }

    #[test]
    fn parser_never_panics_and_spans_stay_in_bounds(text in "[ -~\\n]{0,64}") {
        let (_, diagnostics) = parse(&text, SourceId(0));
        for d in diagnostics {
            for l in d.labels {
                prop_assert!(l.span.start <= l.span.end && l.span.end as usize <= text.len());
            }
        }
    }
}

#[test]
fn unbalanced_is_reported_at_the_opener() {
    let (_, diagnostics) = parse("(define x 1)\n(defun f (x)\n  (+ x 1)", SourceId(0));
    assert_eq!(diagnostics.len(), 1);
    assert!(diagnostics[0].message.contains("unbalanced"));
    assert_eq!(diagnostics[0].labels[0].span.start, 13);
}

#[test]
fn several_errors_in_one_run() {
    let (_, diagnostics) = parse("\"abc\\q\" 99999999999999999999 ]", SourceId(0));
    assert_eq!(diagnostics.len(), 3, "{diagnostics:?}");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let text = "(".repeat(100_000);
    let (_, diagnostics) = parse(&text, SourceId(0));
    assert!(diagnostics.iter().any(|d| d.message.contains("nested")));
}

#[test]
fn deepest_legal_nesting_parses_on_a_small_stack() {
    // Test threads have 2 MiB stacks; 1000 levels needs about 10 MiB in a debug build.
    let text = format!("{}1{}", "(".repeat(ovsm_parser::MAX_NESTING), ")".repeat(ovsm_parser::MAX_NESTING));
    let worker = std::thread::Builder::new().stack_size(2 << 20).spawn(move || parse(&text, SourceId(0)).1.len()).unwrap();
    assert_eq!(worker.join().unwrap(), 0);
}
