#![allow(clippy::unwrap_used, clippy::panic)]

//! Every builtin of the stdlib table has an implementation, and every documented example gives
//! the value the documentation promises.

use ovsm_runtime::{Limits, Outcome, RecordingHost, Session};
use ovsm_stdlib::{Implementation, BUILTINS};

#[test]
fn every_native_builtin_is_implemented() {
    for b in BUILTINS.iter().filter(|b| b.implementation == Implementation::Native) {
        assert!(ovsm_runtime::builtins::native(b.name).is_some(), "builtin `{}` has no native implementation", b.name);
    }
}

#[test]
fn every_documented_example_runs() {
    for b in BUILTINS {
        let mut session = Session::new(Box::new(RecordingHost::default()), Limits::default());
        match session.eval("<example>", b.example) {
            Outcome::Value(v) => assert_eq!(session.printed(&v), b.expect, "example of `{}`: {}", b.name, b.example),
            other => panic!("example of `{}` failed: {other:?}", b.name),
        }
    }
}

#[test]
fn docs_stdlib_md_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/stdlib.md");
    let generated = ovsm_stdlib::reference_markdown();
    if std::env::var_os("OVSM_BLESS").is_some() {
        std::fs::write(path, &generated).unwrap();
    }
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    assert!(on_disk == generated, "docs/stdlib.md is stale: run `OVSM_BLESS=1 cargo test -p ovsm-runtime --test builtins`");
}
