//! The interpreter's fused ops (`runtime/src/vm/fuse.rs`) must change nothing a program can
//! observe: every run, error and runtime case of the corpus is run with fusion and without, and
//! its output, value or error (with span and call trace), compute units, trace and run summary
//! must be the same, byte for byte.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ovsm_runtime::{Host, Limits, Outcome, Session};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

// As in the `ovsm` binary, so that the memory-limit cases stop at the limit.
#[global_allocator]
static ALLOCATOR: ovsm_runtime::CountingAllocator = ovsm_runtime::CountingAllocator;

/// Enough for every case but those that exhaust memory on purpose, which then stop sooner.
const MEMORY_LIMIT: usize = 256 << 20;

/// Output kept where the test can read it after the session took the host.
#[derive(Clone, Default)]
struct SharedHost(Rc<RefCell<String>>);

impl Host for SharedHost {
    fn write(&mut self, text: &str) {
        self.0.borrow_mut().push_str(text);
    }

    fn at_line_start(&self) -> bool {
        let out = self.0.borrow();
        out.is_empty() || out.ends_with('\n')
    }
}

/// Everything observable of one run of a case.
fn observe(path: &Path, text: &str, slots: Option<u64>, fusion: bool) -> String {
    let host = SharedHost::default();
    let limits = Limits { memory_limit: MEMORY_LIMIT, ..Limits::default() };
    let mut session = Session::new(Box::new(host.clone()), limits);
    session.vm.set_fusion(fusion);
    let name = path.to_string_lossy();
    let outcome = match session.eval(&name, text) {
        Outcome::Value(v) => format!("value {}", session.printed(&v)),
        Outcome::Rejected(d) => format!("rejected {d:?}"),
        Outcome::Failed(e) => format!("failed {}", session.render_error(&e, false)),
    };
    let compute = session.vm.compute_used;
    if let Some(slots) = slots {
        session.simulate(slots);
    }
    let output = host.0.borrow().clone();
    format!(
        "{outcome}\ncompute units {compute}\noutput\n{output}\ntrace\n{}\nsummary\n{}",
        session.trace_jsonl(),
        session.summary().unwrap_or_default()
    )
}

/// The slots to simulate, from the case's `;; args:` line; `None` for a case whose arguments
/// this test does not model (scenarios, budgets), which it leaves to the corpus harness.
fn slots_of(text: &str, simulated: bool) -> Option<Option<u64>> {
    let args: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix(";; args:")).flat_map(str::split_whitespace).collect();
    match args.as_slice() {
        [] => Some(simulated.then_some(1000)),
        ["--slots", n] => n.parse().ok().map(Some),
        _ => None,
    }
}

#[test]
fn fused_and_unfused_runs_are_identical() {
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus");
    let mut compared = 0;
    for (dir, simulated) in [("run", false), ("errors", false), ("runtime", true)] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(corpus.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "ovsm"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            let Some(slots) = slots_of(&text, simulated) else { continue };
            let fused = observe(&path, &text, slots, true);
            let plain = observe(&path, &text, slots, false);
            assert_eq!(fused, plain, "fusion changed what {} shows", path.display());
            compared += 1;
        }
    }
    // About 300 cases qualify; a broken directory walk must not pass quietly.
    assert!(compared > 250, "only {compared} cases compared");
}
