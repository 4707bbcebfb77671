//! The autonomous syscalls' vocabulary, shared by the interpreter (which enforces it) and the
//! verifier (which checks it before anything runs): event types and keyword arguments.

/// Every event type `sol-subscribe-event` accepts (design note 2.3 and Antegen's triggers).
pub const EVENT_TYPES: &[&str] = &[
    "SLOT_INTERVAL",
    "EPOCH_BOUNDARY",
    "WALLCLOCK_TIME",
    "ACCOUNT_DATA_CHANGE",
    "ACCOUNT_BALANCE_CHANGE",
    "ACCOUNT_OWNER_CHANGE",
    "PROGRAM_EVENT",
    "CPI_RETURN",
    "CRON",
    "INTERVAL",
    "TIMESTAMP",
    "SLOT",
    "EPOCH",
    "NOW",
];

/// The keyword arguments of `sol-subscribe-event`, across all event types.
pub const SUBSCRIBE_KEYS: &[&str] = &[
    "event-type",
    "interval",
    "start-slot",
    "epoch-offset",
    "unix-timestamp",
    "schedule",
    "seconds",
    "skippable",
    "timestamp",
    "slot",
    "epoch",
    "callback",
    "compute-budget",
    "trigger-data",
    "account",
    "criteria",
    "event-id",
    "source-program",
    "filter",
    "callee-program",
];

/// A syscall that a compiled program imports to reach the Program Scheduler: codegen declares
/// exactly these and the runtime registers exactly these in the VM.
///
/// Every one has the same C ABI, in five registers: `(args, args_len, out, out_cap, selector)`.
/// `args` holds the builtin's arguments as one array in the wire format (docs/codegen.md);
/// the result comes back in `out` and the return value is `len << 1 | failed`: on success `out`
/// holds the result value, on failure a u32 error code and the message. Compute units are the
/// builtin's own cost in [`crate::BUILTINS`], charged by the VM's meter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Syscall {
    /// The builtin the syscall implements.
    pub builtin: &'static str,
    /// The symbol the program imports (its murmur3 hash is what the VM resolves).
    pub symbol: &'static str,
    /// The fifth register: which operation, for the symbol shared by pause, resume, cancel and
    /// update; the same number selects the call in the program's support library.
    pub selector: u64,
}

const fn syscall(builtin: &'static str, symbol: &'static str, selector: u64) -> Syscall {
    Syscall { builtin, symbol, selector }
}

/// The design note's five syscalls, then the subscription controls of contract section 6.
pub const SYSCALLS: &[Syscall] = &[
    syscall("sol-subscribe-event", "sol_subscribe_event", 0),
    syscall("sol-watch-account", "sol_watch_account", 1),
    syscall("sol-emit-event", "sol_emit_event", 2),
    syscall("sol-schedule-execution", "sol_schedule_execution", 3),
    syscall("sol-query-subscriptions", "sol_query_subscriptions", 4),
    syscall("sol-pause-subscription", "sol_ovsm_subscription_op", 5),
    syscall("sol-resume-subscription", "sol_ovsm_subscription_op", 6),
    syscall("sol-cancel-subscription", "sol_ovsm_subscription_op", 7),
    syscall("sol-update-subscription", "sol_ovsm_subscription_op", 8),
];

/// The syscall that implements a builtin, if one does.
pub fn syscall_for(builtin: &str) -> Option<&'static Syscall> {
    SYSCALLS.iter().find(|s| s.builtin == builtin)
}

pub const WATCH_KEYS: &[&str] = &["account", "criteria", "callback", "compute-budget"];
pub const SCHEDULE_KEYS: &[&str] = &["target-slot", "callback", "instruction", "compute-budget"];
pub const EMIT_KEYS: &[&str] = &["event-id", "data"];
pub const UPDATE_KEYS: &[&str] = &["compute-budget", "callback"];
/// The keys of a watcher's `:criteria` map.
pub const CRITERIA_KEYS: &[&str] = &["offset", "mask", "comparison", "threshold", "type", "source", "new-owner"];
pub const COMPARISONS: &[&str] = &["=", "==", "!=", ">", "<", ">=", "<=", "CHANGE_PERCENT", "CHANGE_ABSOLUTE"];

/// The closest candidate to a misspelt word, for "did you mean" hints: a case-insensitive
/// match, a word the input begins, or a name within a small edit distance (none for words of
/// one or two characters, where any suggestion would be a guess).
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let candidates: Vec<&'a str> = candidates.into_iter().filter(|c| *c != word).collect();
    if let Some(c) = candidates.iter().find(|c| c.eq_ignore_ascii_case(word)) {
        return Some(c);
    }
    if word.len() >= 3 {
        if let Some(c) = candidates.iter().filter(|c| c.starts_with(word)).min_by_key(|c| c.len()) {
            return Some(c);
        }
    }
    let limit = match word.len() {
        0..=2 => return None,
        3..=5 => 1,
        n => (n / 4).clamp(2, 3),
    };
    let upper = word.to_uppercase();
    candidates.into_iter().map(|c| (edit_distance(&upper, &c.to_uppercase()), c)).filter(|(d, _)| *d <= limit).min().map(|(_, c)| c)
}

/// Levenshtein distance.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = i;
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let cur = row.get(j + 1).copied().unwrap_or(0);
            let best = (prev + usize::from(ca != *cb)).min(cur + 1).min(row.get(j).copied().unwrap_or(0) + 1);
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = best;
            }
            prev = cur;
        }
    }
    row.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(did_you_mean("callbak", SUBSCRIBE_KEYS.iter().copied()), Some("callback"));
        assert_eq!(did_you_mean("target", SCHEDULE_KEYS.iter().copied()), Some("target-slot"));
        assert_eq!(did_you_mean("slot_interval", EVENT_TYPES.iter().copied()), Some("SLOT_INTERVAL"));
        assert_eq!(did_you_mean("y", ["%", "x"]), None);
    }
}
