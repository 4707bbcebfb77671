//! The simulated clock: slots of fixed length from a genesis time, grouped into epochs.

#[derive(Clone, Copy, Debug)]
pub struct Clock {
    pub slots_per_epoch: u64,
    /// Unix time of slot 0.
    pub genesis_unix: i64,
    pub slot_ms: u64,
}

impl Default for Clock {
    fn default() -> Clock {
        // 2024-01-01T00:00:00Z: any fixed instant keeps runs reproducible.
        Clock { slots_per_epoch: 432_000, genesis_unix: 1_704_067_200, slot_ms: 400 }
    }
}

impl Clock {
    pub fn epoch_of(&self, slot: u64) -> u64 {
        slot / self.slots_per_epoch.max(1)
    }

    /// Unix time (whole seconds) at the start of a slot.
    pub fn unix_at(&self, slot: u64) -> i64 {
        let ms = i128::from(slot) * i128::from(self.slot_ms);
        i64::try_from(i128::from(self.genesis_unix) + ms / 1000).unwrap_or(i64::MAX)
    }

    /// The first slot whose clock time is at or after `unix`.
    pub fn first_slot_at(&self, unix: i64) -> u64 {
        let delta_ms = (i128::from(unix) - i128::from(self.genesis_unix)) * 1000;
        if delta_ms <= 0 {
            return 0;
        }
        let ms = i128::from(self.slot_ms.max(1));
        u64::try_from((delta_ms + ms - 1) / ms).unwrap_or(u64::MAX)
    }

    /// Slots in a span of seconds, at least one.
    pub fn slots_for_seconds(&self, seconds: u64) -> u64 {
        (u128::from(seconds) * 1000).div_ceil(u128::from(self.slot_ms.max(1))).max(1).try_into().unwrap_or(u64::MAX)
    }
}
