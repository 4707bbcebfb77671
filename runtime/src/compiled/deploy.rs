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
    /// What the program handed back with `sol_set_return_data`.
    pub return_data: Vec<u8>,
}

/// Keys are derived from fixed seeds so that every run deploys at the same addresses.
pub fn keypair(seed: &str) -> Keypair {
    use sha2::{Digest, Sha256};
    let digest: [u8; 32] = Sha256::digest(seed.as_bytes()).into();
    Keypair::new_from_array(digest)
}

/// The account that pays for deployments and invocations.
pub fn payer() -> Keypair {
    keypair("ovsm:payer")
}

impl Deployment {
    /// A fresh LiteSVM (without OVSM's syscalls: a plain Solana bank) with the program deployed.
    pub fn new(so: &[u8]) -> Result<Deployment, String> {
        let mut svm = LiteSVM::new().with_log_bytes_limit(None);
        let payer = payer();
        fund(&mut svm, &payer)?;
        let program = keypair("ovsm:program");
        deploy(&mut svm, &payer, so, &program)?;
        Ok(Deployment { svm, payer, program: program.pubkey() })
    }

    /// Invokes the program with `data`, with the largest heap frame and a full compute budget.
    pub fn invoke(&mut self, data: &[u8]) -> Result<Invocation, String> {
        self.invoke_with_limit(data, SCRIPT_COMPUTE_LIMIT)
    }

    pub fn invoke_with_limit(&mut self, data: &[u8], compute_units: u32) -> Result<Invocation, String> {
        let (payer, program) = (&self.payer, self.program);
        Ok(at_wall_clock(&mut self.svm, |svm| invoke(svm, payer, program, data, Vec::new(), compute_units)))
    }
}

pub fn fund(svm: &mut LiteSVM, payer: &Keypair) -> Result<(), String> {
    svm.airdrop(&payer.pubkey(), 1_000_000_000_000).map(|_| ()).map_err(|e| format!("could not fund the deployer: {:?}", e.err))
}

fn send(svm: &mut LiteSVM, payer: &Keypair, instructions: &[Instruction], extra: &[&Keypair], what: &str) -> Result<(), String> {
    let mut signers: Vec<&Keypair> = vec![payer];
    signers.extend_from_slice(extra);
    let tx = Transaction::new_signed_with_payer(instructions, Some(&payer.pubkey()), &signers, svm.latest_blockhash());
    svm.send_transaction(tx).map(|_| ()).map_err(|e| format!("{what} failed: {:?}\n{}", e.err, e.meta.logs.join("\n")))
}

/// Deploys `so` at `program`'s address through the upgradeable loader: a buffer, writes of at
/// most 900 bytes (a transaction is at most 1,232), deploy. The program is callable from the
/// next slot, so the bank moves one slot on.
pub fn deploy(svm: &mut LiteSVM, payer: &Keypair, so: &[u8], program: &Keypair) -> Result<(), String> {
    let buffer = keypair(&format!("ovsm:buffer:{}", program.pubkey()));
    let authority = payer.pubkey();
    let rent = svm.minimum_balance_for_rent_exemption(UpgradeableLoaderState::size_of_buffer(so.len()));
    let create = loader::create_buffer(&authority, &buffer.pubkey(), &authority, rent, so.len())
        .map_err(|e| format!("could not make the buffer instructions: {e:?}"))?;
    send(svm, payer, &create, &[&buffer], "creating the program buffer")?;
    for (k, chunk) in so.chunks(WRITE_CHUNK).enumerate() {
        let write = loader::write(&buffer.pubkey(), &authority, (k * WRITE_CHUNK) as u32, chunk.to_vec());
        send(svm, payer, &[write], &[], "writing the program")?;
    }
    let program_rent = svm.minimum_balance_for_rent_exemption(UpgradeableLoaderState::size_of_program());
    let deploy =
        loader::deploy_with_max_program_len(&authority, &program.pubkey(), &buffer.pubkey(), &authority, program_rent, so.len(), true)
            .map_err(|e| format!("could not make the deploy instructions: {e:?}"))?;
    send(svm, payer, &deploy, &[program], "deploying the program")?;
    let slot = svm.get_sysvar::<solana_clock::Clock>().slot;
    svm.warp_to_slot(slot + 1);
    Ok(())
}

/// Runs `invoke` with the Clock sysvar's unix time at the host's wall clock, then puts the
/// simulated clock back. On a cluster the sysvar follows the wall clock, and a script's `now`
/// reads it: this keeps `now` what the contract says in a compiled script (wall-clock unix
/// seconds, as in the interpreter) without moving the simulated clock autonomous programs see.
pub fn at_wall_clock<T>(svm: &mut LiteSVM, invoke: impl FnOnce(&mut LiteSVM) -> T) -> T {
    let simulated = svm.get_sysvar::<solana_clock::Clock>();
    let wall = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let mut clock = simulated.clone();
    clock.unix_timestamp = i64::try_from(wall).unwrap_or(i64::MAX);
    svm.set_sysvar(&clock);
    let result = invoke(svm);
    svm.set_sysvar(&simulated);
    result
}

/// Sends one invocation of `program` with `data` and `accounts`, the largest heap frame and a
/// compute-unit limit of `compute_units`; whatever happens, what the transaction left.
pub fn invoke(
    svm: &mut LiteSVM,
    payer: &Keypair,
    program: Address,
    data: &[u8],
    accounts: Vec<solana_instruction::AccountMeta>,
    compute_units: u32,
) -> Invocation {
    // Identical transactions would be rejected as already processed: a fresh blockhash each time.
    svm.expire_blockhash();
    let instructions = [
        ComputeBudgetInstruction::set_compute_unit_limit(compute_units),
        ComputeBudgetInstruction::request_heap_frame(HEAP_FRAME),
        Instruction::new_with_bytes(program, data, accounts),
    ];
    let tx = Transaction::new_signed_with_payer(&instructions, Some(&payer.pubkey()), &[payer], svm.latest_blockhash());
    match svm.send_transaction(tx) {
        Ok(meta) => Invocation {
            logs: meta.logs,
            compute_units: meta.compute_units_consumed,
            compute_limit: compute_units,
            failure: None,
            return_data: meta.return_data.data,
        },
        Err(failed) => Invocation {
            failure: Some(abort_reason(&failed.meta.logs, &format!("{:?}", failed.err))),
            logs: failed.meta.logs,
            compute_units: failed.meta.compute_units_consumed,
            compute_limit: compute_units,
            return_data: Vec::new(),
        },
    }
}

/// The VM's own words for why a program stopped, from the runtime's last log line about it.
fn abort_reason(logs: &[String], fallback: &str) -> String {
    logs.iter().rev().find_map(|l| l.split_once(" failed: ").map(|(_, why)| why.to_string())).unwrap_or_else(|| fallback.to_string())
}
