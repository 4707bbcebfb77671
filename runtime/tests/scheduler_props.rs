//! Property tests of the Program Scheduler over random autonomous programs that subscribe,
//! emit, schedule, fail and cancel: every created event is accounted for, and two runs of the
//! same program give the same output and the same trace, byte for byte.

#![allow(clippy::unwrap_used, clippy::panic)]

use ovsm_runtime::{Limits, Outcome, RecordingHost, Session};
use proptest::prelude::*;

/// One subscription of the generated program.
#[derive(Clone, Debug)]
struct Sub {
    interval: u64,
    budget: u64,
    /// Fails when the slot is divisible by this (0: never).
    fail_every: u64,
    emits: u8,
    schedules: bool,
    cancel_after: u64,
}

fn sub() -> impl Strategy<Value = Sub> {
    (1u64..40, 1_000u64..250_000, prop_oneof![Just(0u64), 2u64..7], 0u8..4, any::<bool>(), prop_oneof![Just(0u64), 1u64..6]).prop_map(
        |(interval, budget, fail_every, emits, schedules, cancel_after)| Sub {
            interval,
            budget,
            fail_every,
            emits,
            schedules,
            cancel_after,
        },
    )
}

fn source(subs: &[Sub]) -> String {
    let mut out = String::from(
        "(define-autonomous-program fuzzed\n  (on-event \"TICK\" (lambda (d) (when (= (% (get d :n) 5) 0) (error \"handler fails\")))))\n",
    );
    out.push_str("(define-autonomous-program other\n  (on-startup\n");
    for (i, s) in subs.iter().enumerate() {
        out.push_str(&format!(
            "    (define n{i} 0)\n    (define sub{i} (sol-subscribe-event :event-type \"SLOT_INTERVAL\" :interval {} :compute-budget {}\n      :callback (lambda ()\n        (set! n{i} (+ n{i} 1))\n",
            s.interval, s.budget
        ));
        if s.fail_every > 0 {
            out.push_str(&format!("        (when (= (% (get-current-slot) {}) 0) (error \"boom\"))\n", s.fail_every));
        }
        for k in 0..s.emits {
            out.push_str(&format!("        (sol-emit-event :event-id \"TICK\" :data {{:n (+ n{i} {k})}})\n"));
        }
        if s.schedules {
            out.push_str("        (sol-schedule-execution :target-slot (+ (get-current-slot) 7) :compute-budget 5000 :callback (lambda () (log :message \"later\")))\n");
        }
        if s.cancel_after > 0 {
            out.push_str(&format!("        (when (>= n{i} {}) (sol-cancel-subscription sub{i}))\n", s.cancel_after));
        }
        out.push_str("        nil)))\n");
    }
    out.push_str("    nil))\n");
    out
}

fn run(src: &str, slots: u64, slot_budget: u64) -> (String, String, bool) {
    let mut session = Session::new(Box::new(RecordingHost::default()), Limits::default());
    session.vm.chain.config.slot_budget = slot_budget;
    match session.eval("<prop>", src) {
        Outcome::Value(_) => {}
        other => panic!("program failed to start: {other:?}\n{src}"),
    }
    session.simulate(slots);
    let conserved = session.vm.chain.conserved();
    (session.trace_jsonl(), session.summary().unwrap_or_default(), conserved)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn events_are_conserved_and_runs_are_deterministic(subs in prop::collection::vec(sub(), 1..6), slots in 20u64..200, slot_budget in prop_oneof![Just(400_000u64), 50_000u64..400_000]) {
        let src = source(&subs);
        let (trace_a, summary_a, conserved) = run(&src, slots, slot_budget);
        prop_assert!(conserved, "conservation broken:\n{summary_a}\n{src}");
        let (trace_b, summary_b, _) = run(&src, slots, slot_budget);
        prop_assert_eq!(trace_a, trace_b);
        prop_assert_eq!(summary_a, summary_b);
    }
}
