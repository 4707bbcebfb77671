//! Interpreter benchmarks: the programs of `bench/*.ovsm`, evaluated in process.
//! `bench/compare.sh` runs the same programs as whole processes next to Lua 5.4.

use criterion::{criterion_group, criterion_main, Criterion};
use ovsm_runtime::{Limits, Outcome, RecordingHost, Session};

fn run(source: &str) {
    let mut session = Session::new(Box::new(RecordingHost::default()), Limits::default());
    match session.eval("<bench>", source) {
        Outcome::Value(v) => {
            std::hint::black_box(v);
        }
        // A benchmark program that fails measures nothing: stop loudly.
        other => {
            eprintln!("benchmark program failed: {other:?}");
            std::process::exit(1);
        }
    }
}

fn programs(c: &mut Criterion) {
    let mut group = c.benchmark_group("interpreter");
    group.sample_size(10);
    for name in ["fib", "sum_loop", "append"] {
        let path = format!("{}/bench/{name}.ovsm", env!("CARGO_MANIFEST_DIR"));
        let source = std::fs::read_to_string(&path).unwrap_or_default();
        group.bench_function(name, |b| b.iter(|| run(&source)));
    }
    group.finish();
}

criterion_group!(benches, programs);
criterion_main!(benches);
