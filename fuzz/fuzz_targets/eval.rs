//! Arbitrary UTF-8 text -> a fresh `Session` -> `eval`: no panic, whatever the outcome.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ovsm_runtime::{Limits, RecordingHost, Session};

// As in the `ovsm` binary: without the counting allocator `memory_limit` is not enforced.
#[global_allocator]
static ALLOCATOR: ovsm_runtime::CountingAllocator = ovsm_runtime::CountingAllocator;

const LIMITS: Limits = Limits { max_depth: 2_000, memory_limit: 256 << 20, compute_budget: 2_000_000 };

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let text = text.to_owned();
        // Both the session and the outcome are dropped on the worker: dropping deeply nested
        // values recurses.
        ovsm_fuzz::on_big_stack(move || {
            let mut session = Session::new(Box::new(RecordingHost::default()), LIMITS);
            let _ = session.eval("<fuzz>", &text);
        });
    }
});
