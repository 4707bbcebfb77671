//! The interpreter's fused ops (`runtime/src/vm/fuse.rs`) must change nothing a program can
//! observe: every run, error and runtime case of the corpus is run with fusion and without, as
//! `ovsm run` runs it (scenario, slots and budgets included), and its output, value or error
//! (with span and call trace), compute units, trace and run summary must be the same, byte for
//! byte. (The prelude's top level, which only defines its functions, runs before fusion is
//! switched off; the functions themselves run unfused.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ovsm_runtime::{Limits, Outcome, Session, SharedHost};
use std::path::{Path, PathBuf};

// As in the `ovsm` binary, so that the memory-limit cases stop at the limit.
#[global_allocator]
static ALLOCATOR: ovsm_runtime::CountingAllocator = ovsm_runtime::CountingAllocator;

/// Enough for every case but those that exhaust memory on purpose, which then stop sooner.
const MEMORY_LIMIT: usize = 256 << 20;

/// The run settings of a case's `;; args:` line, as `ovsm run` applies them.
#[derive(Default)]
struct Args {
    slots: Option<u64>,
    scenario: Option<PathBuf>,
    slot_budget: Option<u64>,
    slots_per_epoch: Option<u64>,
    ring_bytes: Option<usize>,
}

/// `None` for an argument this test does not model, whose case it leaves to the corpus harness.
fn args_of(text: &str, root: &Path) -> Option<Args> {
    let words: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix(";; args:")).flat_map(str::split_whitespace).collect();
    let mut args = Args::default();
    let mut words = words.into_iter();
    while let Some(flag) = words.next() {
        match flag {
            // Only prints the meter, which this test compares anyway.
            "--compute-units" => {}
            "--slots" => args.slots = Some(words.next()?.parse().ok()?),
            "--slot-budget" => args.slot_budget = Some(words.next()?.parse().ok()?),
            "--slots-per-epoch" => args.slots_per_epoch = Some(words.next()?.parse().ok()?),
            "--ring-buffer-bytes" => args.ring_bytes = Some(words.next()?.parse().ok()?),
            "--scenario" => args.scenario = Some(root.join(words.next()?)),
            _ => return None,
        }
    }
    Some(args)
}

/// Everything observable of one `ovsm run` of a case (as `src/cli/commands.rs` drives it).
fn observe(path: &Path, text: &str, args: &Args, fusion: bool) -> String {
    let host = SharedHost::default();
    let limits = Limits { memory_limit: MEMORY_LIMIT, ..Limits::default() };
    let mut session = Session::new(Box::new(host.clone()), limits);
    session.vm.set_fusion(fusion);
    if let Some(bytes) = args.ring_bytes {
        session.vm.chain.config.ring_bytes = bytes;
    }
    let mut slots = args.slots;
    if let Some(scenario) = &args.scenario {
        let scenario_text = std::fs::read_to_string(scenario).unwrap();
        let defaults = session.load_scenario(&scenario.to_string_lossy(), &scenario_text).unwrap();
        slots = slots.or(defaults.slots);
    }
    if let Some(spe) = args.slots_per_epoch {
        session.vm.chain.config.clock.slots_per_epoch = spe.max(1);
    }
    if let Some(budget) = args.slot_budget {
        session.vm.chain.config.slot_budget = budget;
    }
    let name = path.to_string_lossy();
    let outcome = session.eval(&name, text);
    let compute = session.vm.compute_used;
    let outcome = match outcome {
        Outcome::Value(v) => {
            session.simulate(slots.unwrap_or(1000));
            format!("value {}", session.printed(&v))
        }
        Outcome::Rejected(d) => format!("rejected {d:?}"),
        Outcome::Failed(e) => format!("failed {}", session.render_error(&e, false)),
    };
    let output = host.text();
    format!(
        "{outcome}\ncompute units {compute}\noutput\n{output}\ntrace\n{}\nsummary\n{}",
        session.trace_jsonl(),
        session.summary().unwrap_or_default()
    )
}

#[test]
fn fused_and_unfused_runs_are_identical() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut compared = 0;
    for dir in ["run", "errors", "runtime"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join("tests/corpus").join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "ovsm"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            let Some(args) = args_of(&text, &root) else { continue };
            let fused = observe(&path, &text, &args, true);
            let plain = observe(&path, &text, &args, false);
            assert_eq!(fused, plain, "fusion changed what {} shows", path.display());
            compared += 1;
        }
    }
    // All 315 cases qualify today (only arguments this test does not model would leave one
    // out): a broken directory walk must not pass quietly.
    assert!(compared >= 300, "only {compared} cases compared");
}
