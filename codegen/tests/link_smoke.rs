//! The linker on a hand-built module: what it writes must load through solana-sbpf.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use inkwell::context::Context;
use inkwell::AddressSpace;
use ovsm_codegen::{link, target, OptLevel};

#[test]
fn hello_links_and_loads() {
    let context = Context::create();
    let module = context.create_module("hello");
    let machine = target::machine(OptLevel::O2).unwrap();
    target::prepare(&module, &machine);
    let i64t = context.i64_type();
    let i8p = context.i8_type().ptr_type(AddressSpace::default());
    let log = module.add_function("sol_log_", context.void_type().fn_type(&[i8p.into(), i64t.into()], false), None);
    let entry = module.add_function("entrypoint", i64t.fn_type(&[i8p.into()], false), None);
    let builder = context.create_builder();
    builder.position_at_end(context.append_basic_block(entry, "entry"));
    let text = builder.build_global_string_ptr("hello", "msg").unwrap();
    builder.build_call(log, &[text.as_pointer_value().into(), i64t.const_int(5, false).into()], "").unwrap();
    builder.build_return(Some(&i64t.const_zero())).unwrap();
    target::optimise(&module, &machine, OptLevel::O2).unwrap();
    let object = target::object(&module, &machine).unwrap();
    let linked = link::link(&object, "entrypoint").unwrap();
    assert_eq!(linked.imports, vec!["sol_log_".to_string()]);
    // The loader needs the text at its file offset and the entry inside it.
    let run = ovsm_runtime::compiled::Deployment::new(&linked.so).unwrap().invoke(&[]).unwrap();
    assert!(run.logs.iter().any(|l| l == "Program log: hello"), "{:?}", run.logs);

    // Damaged objects are errors, never panics: every prefix, and every byte flipped.
    for cut in 0..object.len() {
        let _ = link::link(&object[..cut], "entrypoint");
    }
    for at in 0..object.len() {
        for flip in [0x01, 0x80, 0xFF] {
            let mut bad = object.clone();
            bad[at] ^= flip;
            let _ = link::link(&bad, "entrypoint");
        }
    }
    assert!(link::link(&object, "no_such_entry").is_err());
}

#[test]
fn support_library_parses_and_compiles() {
    let context = Context::create();
    let machine = target::machine(OptLevel::O2).unwrap();
    let module = ovsm_codegen::support::module(&context, &machine, true).unwrap_or_else(|e| panic!("{e}"));
    module.verify().unwrap_or_else(|e| panic!("{}", e.to_string()));
    let object = target::object(&module, &machine).unwrap();
    assert!(!object.is_empty());
}
