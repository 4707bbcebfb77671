//! When a subscription falls due: the time-based event types of the design note (2.3) and the
//! triggers of Antegen's thread program, as "next due slot after slot S".

use super::clock::Clock;

#[derive(Clone, Debug, PartialEq)]
pub enum Trigger {
    /// Every slot that is a positive multiple of `interval`, from `start` on.
    SlotInterval { interval: u64, start: u64 },
    /// Slot `e * slots_per_epoch + offset` of every epoch boundary after the subscription.
    EpochBoundary { offset: u64 },
    /// Once, at the first slot whose clock time reaches the timestamp (`WALLCLOCK_TIME`).
    Wallclock { unix: i64 },
    /// The same, as Antegen's `TIMESTAMP` trigger.
    Timestamp { unix: i64 },
    /// Once, at a given slot (`SLOT`, and `sol-schedule-execution`).
    Slot { slot: u64 },
    /// Once, at the first slot of an epoch.
    Epoch { epoch: u64 },
    /// Once, at the next slot.
    Now,
    /// Every `seconds` of clock time; `skippable` drops firings missed while deferred.
    Interval { seconds: u64, skippable: bool },
    /// A cron schedule on the clock, in seconds resolution.
    /// Boxed with its text so that the common triggers keep subscription records small.
    Cron(Box<(cron::Schedule, String)>),
}

impl Trigger {
    /// The event type name it was made from, for queries and traces.
    pub fn kind(&self) -> &'static str {
        match self {
            Trigger::SlotInterval { .. } => "SLOT_INTERVAL",
            Trigger::EpochBoundary { .. } => "EPOCH_BOUNDARY",
            Trigger::Wallclock { .. } => "WALLCLOCK_TIME",
            Trigger::Timestamp { .. } => "TIMESTAMP",
            Trigger::Slot { .. } => "SLOT",
            Trigger::Epoch { .. } => "EPOCH",
            Trigger::Now => "NOW",
            Trigger::Interval { .. } => "INTERVAL",
            Trigger::Cron(_) => "CRON",
        }
    }

    /// Whether firings missed while an earlier one is still waiting are dropped.
    pub fn is_skippable(&self) -> bool {
        matches!(self, Trigger::Interval { skippable: true, .. })
    }

    pub fn is_recurring(&self) -> bool {
        matches!(self, Trigger::SlotInterval { .. } | Trigger::EpochBoundary { .. } | Trigger::Interval { .. } | Trigger::Cron(_))
    }

    /// The first slot strictly after `after` at which this trigger is due, if any.
    /// `last` is the slot it last fell due (for intervals measured from the previous firing).
    pub fn next_due(&self, after: u64, last: Option<u64>, clock: &Clock) -> Option<u64> {
        match self {
            Trigger::SlotInterval { interval, start } => {
                let from = after.checked_add(1)?.max(*start).max(1);
                let k = *interval;
                from.div_ceil(k).checked_mul(k)
            }
            Trigger::EpochBoundary { offset } => {
                let spe = clock.slots_per_epoch.max(1);
                // Every epoch boundary after the subscription: the first boundary strictly after
                // the subscription's slot, then the one after each firing's own boundary.
                let e = match last {
                    Some(l) => l.saturating_sub(*offset) / spe + 1,
                    None => after / spe + 1,
                };
                e.checked_mul(spe)?.checked_add(*offset)
            }
            Trigger::Wallclock { unix } | Trigger::Timestamp { unix } => Some(clock.first_slot_at(*unix).max(after + 1)),
            Trigger::Slot { slot } => (*slot > after).then_some(*slot),
            Trigger::Epoch { epoch } => {
                let slot = epoch.checked_mul(clock.slots_per_epoch)?;
                Some(slot.max(after + 1))
            }
            Trigger::Now => Some(after + 1),
            Trigger::Interval { seconds, skippable } => {
                let period = clock.slots_for_seconds(*seconds);
                let base = last.unwrap_or(after);
                let mut next = base.checked_add(period)?;
                if *skippable {
                    while next <= after {
                        next = next.checked_add(period)?;
                    }
                }
                Some(next.max(after + 1))
            }
            Trigger::Cron(cron) => {
                let schedule = &cron.0;
                let now = clock.unix_at(after);
                let start = chrono::DateTime::from_timestamp(now, 0)?;
                let next = schedule.after(&start).next()?;
                Some(clock.first_slot_at(next.timestamp()).max(after + 1))
            }
        }
    }
}
