//! Deploying a `.so` with the upgradeable loader and invoking it, in LiteSVM.

use litesvm::LiteSVM;
use solana_address::Address;
use solana_compute_budget_interface::ComputeBudgetInstruction;
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_loader_v3_interface::{instruction as loader, state::UpgradeableLoaderState};
use solana_signer::Signer;
use solana_transaction::Transaction;

/// The heap frame every invocation requests (the most a transaction may).
pub const HEAP_FRAME: u32 = 256 * 1024;
/// Compute units per invocation of a script's top level: a transaction's maximum.
pub const SCRIPT_COMPUTE_LIMIT: u32 = 1_400_000;
/// Bytes per loader `Write` (a transaction is at most 1,232 bytes).
const WRITE_CHUNK: usize = 900;

pub struct Deployment {
    pub svm: LiteSVM,
    payer: Keypair,
    pub program: Address,
}

/// One transaction's result, whatever it was.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub logs: Vec<String>,
    pub compute_units: u64,
    /// The compute-unit limit the transaction asked for.
    pub compute_limit: u32,
    /// Why the transaction failed, if it did.
    pub failure: Option<String>,
}

/// Keys are derived from fixed seeds so that every run deploys at the same addresses.
fn keypair(seed: &str) -> Keypair {
    use sha2::{Digest, Sha256};
    let digest: [u8; 32] = Sha256::digest(seed.as_bytes()).into();
    Keypair::new_from_array(digest)
}

impl Deployment {
    pub fn new(so: &[u8]) -> Result<Deployment, String> {
        let mut svm = LiteSVM::new().with_log_bytes_limit(None);
        let payer = keypair("ovsm:payer");
        svm.airdrop(&payer.pubkey(), 1_000_000_000_000).map_err(|e| format!("could not fund the deployer: {:?}", e.err))?;
        let program = keypair("ovsm:program");
        let mut d = Deployment { svm, payer, program: program.pubkey() };
        d.deploy(so, &program)?;
        Ok(d)
    }

    fn send(&mut self, instructions: &[Instruction], extra: &[&Keypair], what: &str) -> Result<(), String> {
        let mut signers: Vec<&Keypair> = vec![&self.payer];
        signers.extend_from_slice(extra);
        let tx = Transaction::new_signed_with_payer(instructions, Some(&self.payer.pubkey()), &signers, self.svm.latest_blockhash());
        self.svm.send_transaction(tx).map(|_| ()).map_err(|e| format!("{what} failed: {:?}\n{}", e.err, e.meta.logs.join("\n")))
    }

    fn deploy(&mut self, so: &[u8], program: &Keypair) -> Result<(), String> {
        let buffer = keypair("ovsm:buffer");
        let authority = self.payer.pubkey();
        let rent = self.svm.minimum_balance_for_rent_exemption(UpgradeableLoaderState::size_of_buffer(so.len()));
        let create = loader::create_buffer(&authority, &buffer.pubkey(), &authority, rent, so.len())
            .map_err(|e| format!("could not make the buffer instructions: {e:?}"))?;
        self.send(&create, &[&buffer], "creating the program buffer")?;
        for (k, chunk) in so.chunks(WRITE_CHUNK).enumerate() {
            let write = loader::write(&buffer.pubkey(), &authority, (k * WRITE_CHUNK) as u32, chunk.to_vec());
            self.send(&[write], &[], "writing the program")?;
        }
        let program_rent = self.svm.minimum_balance_for_rent_exemption(UpgradeableLoaderState::size_of_program());
        let deploy =
            loader::deploy_with_max_program_len(&authority, &program.pubkey(), &buffer.pubkey(), &authority, program_rent, so.len(), true)
                .map_err(|e| format!("could not make the deploy instructions: {e:?}"))?;
        self.send(&deploy, &[program], "deploying the program")?;
        // A program deployed in a slot is visible from the next one.
        let slot = self.svm.get_sysvar::<solana_clock::Clock>().slot;
        self.svm.warp_to_slot(slot + 1);
        Ok(())
    }

    /// Invokes the program with `data`, with the largest heap frame and a full compute budget.
    pub fn invoke(&mut self, data: &[u8]) -> Result<Invocation, String> {
        self.invoke_with_limit(data, SCRIPT_COMPUTE_LIMIT)
    }

    pub fn invoke_with_limit(&mut self, data: &[u8], compute_units: u32) -> Result<Invocation, String> {
        // Identical transactions would be rejected as already processed: a fresh blockhash each time.
        self.svm.expire_blockhash();
        let instructions = [
            ComputeBudgetInstruction::set_compute_unit_limit(compute_units),
            ComputeBudgetInstruction::request_heap_frame(HEAP_FRAME),
            Instruction::new_with_bytes(self.program, data, vec![]),
        ];
        let tx = Transaction::new_signed_with_payer(&instructions, Some(&self.payer.pubkey()), &[&self.payer], self.svm.latest_blockhash());
        Ok(match self.svm.send_transaction(tx) {
            Ok(meta) => {
                Invocation { logs: meta.logs, compute_units: meta.compute_units_consumed, compute_limit: compute_units, failure: None }
            }
            Err(failed) => Invocation {
                failure: Some(abort_reason(&failed.meta.logs, &format!("{:?}", failed.err))),
                logs: failed.meta.logs,
                compute_units: failed.meta.compute_units_consumed,
                compute_limit: compute_units,
            },
        })
    }
}

/// The VM's own words for why a program stopped, from the runtime's last log line about it.
fn abort_reason(logs: &[String], fallback: &str) -> String {
    logs.iter().rev().find_map(|l| l.split_once(" failed: ").map(|(_, why)| why.to_string())).unwrap_or_else(|| fallback.to_string())
}
