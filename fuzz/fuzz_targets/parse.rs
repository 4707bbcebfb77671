//! Arbitrary bytes -> parser: no panic, diagnostics point inside the text, and a clean parse
//! survives `parse(print_program(ast))` with the same shape.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ovsm_lexer::{any_errors, SourceId};
use ovsm_parser::{parse, print_program};

fn check(text: &str) {
    let (program, diagnostics) = parse(text, SourceId(0));
    for d in &diagnostics {
        for label in &d.labels {
            let (start, end) = (label.span.start as usize, label.span.end as usize);
            assert!(
                start <= end && end <= text.len(),
                "diagnostic {} ({:?}) has label span {start}..{end} outside the text (len {})",
                d.code,
                d.message,
                text.len()
            );
        }
    }
    let Some(program) = program else { return };
    if any_errors(&diagnostics) {
        return;
    }
    let printed = print_program(&program);
    let (reparsed, rediagnostics) = parse(&printed, SourceId(0));
    assert!(
        !any_errors(&rediagnostics),
        "printed program does not parse again\n--- printed ---\n{printed}\n--- diagnostics ---\n{rediagnostics:#?}"
    );
    let reparsed = reparsed.expect("printed program parsed without errors but gave no tree");
    assert_eq!(program.forms.len(), reparsed.forms.len(), "form count changed on round trip\n--- printed ---\n{printed}");
    for (a, b) in program.forms.iter().zip(&reparsed.forms) {
        assert!(
            a.same_shape(b),
            "form changed shape on round trip\n--- printed ---\n{printed}\n--- original ---\n{a:#?}\n--- reparsed ---\n{b:#?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let text = text.to_owned();
        ovsm_fuzz::on_big_stack(move || check(&text));
    }
});
