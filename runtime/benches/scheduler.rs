//! Program Scheduler benchmarks, each next to the naive per-slot full scan that Clockwork's
//! plugin did, measured in the same run:
//! - an idle slot with 1,000,000 live subscriptions;
//! - the scheduler's own cost per due event (1,000 due among 1,000,000);
//! - account watchers: 1,000,000 watchers, 100 changed accounts per slot.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use ovsm_runtime::chain::bank::AccountView;
use ovsm_runtime::chain::trigger::Trigger;
use ovsm_runtime::chain::watch::{Comparison, Source, Watch};
use ovsm_runtime::chain::{Chain, ChainConfig, ProgramInfo};
use ovsm_runtime::scenario::FieldType;
use ovsm_runtime::Value;
use std::hint::black_box;

const SUBSCRIPTIONS: u64 = 1_000_000;

fn chain() -> Chain {
    let mut chain = Chain::new(ChainConfig { record_trace: false, ..ChainConfig::default() });
    chain.programs.push(ProgramInfo {
        name: "bench".into(),
        address: ovsm_runtime::program_address("bench"),
        handlers: Vec::new(),
        state_address: ovsm_runtime::program_address("state:bench"),
        state_globals: Default::default(),
        fee_address: ovsm_runtime::program_address("fees:bench"),
        stake_lamports: 0,
        suspended: false,
    });
    // Funded so that a million subscription fees can be paid.
    let fees = ovsm_runtime::chain::bank::AccountView {
        lamports: u64::MAX / 2,
        owner: ovsm_runtime::chain::bank::SYSTEM_PROGRAM.into(),
        data: Vec::new(),
    };
    let _ = chain.bank().set_account(&ovsm_runtime::program_address("fees:bench"), fees);
    chain.current = Some(0);
    chain
}

/// Any function value will do: the benchmarks never run callbacks.
fn callback() -> Value {
    Value::Builtin(ovsm_stdlib::lookup("+").unwrap_or(ovsm_stdlib::BuiltinId(0)))
}

/// A chain with `n` subscriptions due every `interval` slots, staggered by `start`.
fn subscribed(n: u64, interval: impl Fn(u64) -> (u64, u64)) -> Chain {
    let mut chain = chain();
    for i in 0..n {
        let (interval, start) = interval(i);
        let _ = chain.subscribe("bench", Trigger::SlotInterval { interval, start }, callback(), 1000);
    }
    chain
}

/// What a keeper without an index does each slot: look at every subscription.
fn naive_due(chain: &Chain, slot: u64) -> usize {
    chain.subs.values().filter(|s| s.next_due == Some(slot)).count()
}

fn idle_slot(c: &mut Criterion) {
    // Every subscription is due far in the future: slots 1..1e9 are idle.
    let chain = subscribed(SUBSCRIPTIONS, |i| (1_000_000_000 + i, 0));
    let mut group = c.benchmark_group("idle slot, 1M subscriptions");
    let mut owned = chain;
    group.bench_function("indexed queue: next due slot", |b| b.iter(|| black_box(owned.next_due_slot())));
    group.bench_function("indexed queue: collect_due on an idle slot", |b| {
        let mut slot = 1u64;
        b.iter(|| {
            slot += 1;
            owned.collect_due(black_box(slot));
        })
    });
    group.sample_size(10);
    group.bench_function("naive full scan", |b| b.iter(|| black_box(naive_due(&owned, black_box(12_345)))));
    group.finish();
}

fn due_events(c: &mut Criterion) {
    // 1,000 of the 1,000,000 subscriptions fall due at slot 1,000; the rest far later.
    let mut group = c.benchmark_group("1,000 due of 1M subscriptions");
    group.sample_size(10);
    group.bench_function("indexed queue: collect 1,000 due", |b| {
        b.iter_batched(
            || subscribed(SUBSCRIPTIONS, |i| if i % 1000 == 0 { (1000, 0) } else { (1_000_000_000, 0) }),
            // The chain is returned so that dropping a million subscriptions is not timed.
            |mut chain| {
                chain.collect_due(1000);
                chain
            },
            BatchSize::PerIteration,
        )
    });
    let chain = subscribed(SUBSCRIPTIONS, |i| if i % 1000 == 0 { (1000, 0) } else { (1_000_000_000, 0) });
    group.bench_function("naive full scan", |b| b.iter(|| black_box(naive_due(&chain, 1000))));
    group.finish();
}

fn watchers(c: &mut Criterion) {
    let mut chain = chain();
    // Base58 of a hash: a valid address, cheaper to make a million of than a keypair's key.
    let address = |i: u64| {
        use sha2::{Digest, Sha256};
        bs58::encode(Sha256::digest(format!("acct{i}").as_bytes())).into_string()
    };
    let addresses: Vec<String> = (0..SUBSCRIPTIONS).map(address).collect();
    for a in &addresses {
        let w = Watch {
            account: a.clone(),
            source: Source::Data { offset: 0, ty: FieldType::I64, mask: u64::MAX },
            comparison: Comparison::Gt,
            threshold: 1e18,
            new_owner: None,
        };
        let _ = chain.watch("bench", w, callback(), 1000);
    }
    let view = AccountView { lamports: 1, owner: ovsm_runtime::chain::bank::SYSTEM_PROGRAM.into(), data: vec![0; 8] };
    let changed: Vec<(String, Option<AccountView>)> =
        addresses.iter().step_by(10_000).take(100).map(|a| (a.clone(), Some(view.clone()))).collect();
    for (a, v) in &changed {
        let _ = chain.bank().set_account(a, v.clone().unwrap_or_else(|| view.clone()));
    }
    let mut group = c.benchmark_group("1M watchers, 100 changed accounts");
    group.sample_size(10);
    group.bench_function("indexed by account", |b| b.iter(|| chain.evaluate_watchers(black_box(&changed))));
    let changed_set: std::collections::BTreeSet<&str> = changed.iter().map(|(a, _)| a.as_str()).collect();
    group.bench_function("naive: every watcher checks the changed set", |b| {
        b.iter(|| {
            black_box(chain.subs.values().filter(|s| s.watch.as_ref().is_some_and(|w| changed_set.contains(w.account.as_str()))).count())
        })
    });
    group.finish();
}

criterion_group!(benches, idle_slot, due_events, watchers);
criterion_main!(benches);
