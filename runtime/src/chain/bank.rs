//! The bank: account state in LiteSVM, the real agave runtime in process, so that the compiled
//! back end sees the same accounts through real transactions. The slot clock moves the Clock
//! sysvar.

use super::clock::Clock;
use litesvm::LiteSVM;
use solana_account::Account;
use solana_address::Address;

/// An account as programs and watchers see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountView {
    pub lamports: u64,
    pub owner: String,
    pub data: Vec<u8>,
}

pub struct Bank {
    svm: LiteSVM,
    clock: Clock,
}

/// Parses a base58 address.
pub fn address(text: &str) -> Result<Address, String> {
    text.parse::<Address>().map_err(|e| format!("`{text}` is not a valid base58 address: {e}"))
}

/// The system program's address, the owner of plain accounts.
pub const SYSTEM_PROGRAM: &str = "11111111111111111111111111111111";

impl Bank {
    /// LiteSVM's basic environment (`LiteSVM::new`), with OVSM's syscalls registered before
    /// any program loads, so compiled programs deployed here can reach the scheduler.
    pub fn new(clock: Clock) -> Bank {
        let svm = crate::compiled::register_syscalls(LiteSVM::default().with_mainnet_features())
            .with_builtins()
            .with_lamports(1_000_000u64.wrapping_mul(1_000_000_000))
            .with_sysvars()
            .with_feature_accounts()
            .with_default_programs()
            .with_sigverify(true)
            .with_blockhash_check(true)
            .with_log_bytes_limit(None);
        let mut bank = Bank { svm, clock };
        bank.warp(0, clock);
        bank
    }

    /// The VM itself, for deploying and invoking compiled programs.
    pub fn svm(&mut self) -> &mut LiteSVM {
        &mut self.svm
    }

    /// Moves the Clock sysvar to `slot` under `clock` (the run's settings may change before the
    /// first slot): its epoch and unix time follow the simulated clock, and the EpochSchedule
    /// sysvar its epoch length.
    pub fn warp(&mut self, slot: u64, clock: Clock) {
        if clock.slots_per_epoch != self.clock.slots_per_epoch || slot == 0 {
            // Fixed-length epochs from slot 0, no warm-up, so the sysvar agrees with
            // `Clock::epoch_of`. Built field by field: `EpochSchedule::custom` asserts Solana's
            // minimum of 32 slots per epoch, which the simulation does not need.
            let spe = clock.slots_per_epoch.max(1);
            let schedule = solana_epoch_schedule::EpochSchedule {
                slots_per_epoch: spe,
                leader_schedule_slot_offset: spe,
                warmup: false,
                first_normal_epoch: 0,
                first_normal_slot: 0,
            };
            self.svm.set_sysvar(&schedule);
        }
        self.clock = clock;
        self.svm.warp_to_slot(slot);
        let mut sysvar = self.svm.get_sysvar::<solana_clock::Clock>();
        let epoch = self.clock.epoch_of(slot);
        sysvar.slot = slot;
        sysvar.epoch = epoch;
        sysvar.leader_schedule_epoch = epoch + 1;
        sysvar.unix_timestamp = self.clock.unix_at(slot);
        sysvar.epoch_start_timestamp = self.clock.unix_at(epoch * self.clock.slots_per_epoch);
        self.svm.set_sysvar(&sysvar);
    }

    pub fn slot(&self) -> u64 {
        self.svm.get_sysvar::<solana_clock::Clock>().slot
    }

    pub fn account(&self, addr: &str) -> Option<AccountView> {
        let a = address(addr).ok()?;
        self.svm.get_account(&a).map(|acc| AccountView { lamports: acc.lamports, owner: acc.owner.to_string(), data: acc.data })
    }

    /// Writes an account outright, as a user transaction or a scenario would leave it.
    pub fn set_account(&mut self, addr: &str, view: AccountView) -> Result<(), String> {
        let a = address(addr)?;
        let owner = address(&view.owner)?;
        let account = Account { lamports: view.lamports, data: view.data, owner, executable: false, rent_epoch: u64::MAX };
        self.svm.set_account(a, account).map_err(|e| format!("the bank refused account `{addr}`: {e:?}"))
    }
}
