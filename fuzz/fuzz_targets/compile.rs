//! Arbitrary UTF-8 text -> the front end -> the sBPF back end (LLVM and our linker): no panic
//! and no abort, whatever the program. A program the back end cannot compile must be refused
//! with diagnostics; one it compiles must link.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ovsm_codegen::{compile, OptLevel, Options};
use ovsm_runtime::{Limits, RecordingHost, Session};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let text = text.to_owned();
        ovsm_fuzz::on_big_stack(move || {
            let mut session = Session::new(Box::new(RecordingHost::default()), Limits::default());
            if session.compile_only("<fuzz>", &text).is_ok() {
                let _ = compile(session.program(), &session.sources, &Options { opt: OptLevel::O1, max_depth: 2_000, keep_ir: false });
            }
        });
    }
});
