//! Scenarios: the accounts a run starts with and the user transactions that happen during it,
//! read from TOML (`ovsm run FILE --scenario S.toml`).
//!
//! ```toml
//! [run]                      # optional defaults for the run's settings
//! slots = 500
//!
//! [[account]]
//! name = "SOL-ORACLE"        # bound as a global string (its address) in the program
//! lamports = 1_000_000
//! size = 240                 # data bytes
//! fields = [{ name = "price", offset = 208, type = "i64", value = 100_000_000 }]
//!
//! [[tx]]                     # a user transaction at a slot
//! slot = 50
//! account = "SOL-ORACLE"
//! set = { price = 130_000_000 }
//!
//! [[path]]                   # a seeded random walk of one field
//! account = "SOL-ORACLE"
//! field = "price"
//! every = 10
//! step_bps = 50
//! seed = 42
//! ```

use crate::chain::bank::{AccountView, SYSTEM_PROGRAM};
use ovsm_lexer::{Diagnostic, SourceId, Span};
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Deserialize, Default, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct RunDefaults {
    pub slots: Option<u64>,
    pub slots_per_epoch: Option<u64>,
    pub slot_budget: Option<u64>,
}

#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    pub name: String,
    pub offset: usize,
    #[serde(rename = "type", default = "default_type")]
    pub ty: String,
    #[serde(default = "zero")]
    pub value: toml::Value,
}

fn zero() -> toml::Value {
    toml::Value::Integer(0)
}

fn one_sol() -> u64 {
    1_000_000_000
}

fn default_type() -> String {
    "i64".into()
}

#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct AccountSpec {
    pub name: Spanned<String>,
    pub address: Option<String>,
    /// Default 1 SOL: an account with no lamports does not exist on Solana.
    #[serde(default = "one_sol")]
    pub lamports: u64,
    pub owner: Option<String>,
    pub size: Option<usize>,
    #[serde(default)]
    pub fields: Vec<FieldSpec>,
}

#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    pub to: Spanned<String>,
    pub lamports: u64,
}

#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct TxSpec {
    pub slot: u64,
    pub account: Spanned<String>,
    #[serde(default)]
    pub set: BTreeMap<String, Spanned<toml::Value>>,
    pub lamports: Option<u64>,
    pub transfer: Option<Transfer>,
}

#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct Shock {
    pub slot: u64,
    pub bps: i64,
}

#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct PathSpec {
    pub account: Spanned<String>,
    pub field: Spanned<String>,
    #[serde(default = "one")]
    pub from_slot: u64,
    pub to_slot: Option<u64>,
    #[serde(default = "one")]
    pub every: u64,
    pub step_bps: u64,
    #[serde(default)]
    pub seed: u64,
    pub shock: Option<Shock>,
    /// Another path's account: this one follows it (a cointegrated pair), plus its own noise.
    pub follows: Option<String>,
}

fn one() -> u64 {
    1
}

#[derive(Deserialize, Debug, Clone, Default)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    #[serde(default)]
    pub run: RunDefaults,
    #[serde(default)]
    pub account: Vec<AccountSpec>,
    #[serde(default)]
    pub tx: Vec<TxSpec>,
    #[serde(default)]
    pub path: Vec<PathSpec>,
    #[serde(default)]
    pub program: Vec<ProgramSpec>,
}

/// `[[program]]`: how a program's fee account is funded and how much it stakes for compute.
#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct ProgramSpec {
    pub name: String,
    /// Lamports in the program's fee account.
    pub fees: u64,
    /// Lamports staked for compute (1 SOL reserves 1,000 CU per slot).
    #[serde(default)]
    pub stake: u64,
}

/// One change a user transaction makes.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// Write a typed field.
    Field {
        offset: usize,
        ty: FieldType,
        value: FieldValue,
    },
    SetLamports(u64),
    Transfer {
        to: String,
        lamports: u64,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    I64,
    U64,
    I32,
    U32,
    U8,
    F64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FieldValue {
    Int(i128),
    Float(f64),
}

impl FieldType {
    pub fn parse(name: &str) -> Option<FieldType> {
        Some(match name {
            "i64" => FieldType::I64,
            "u64" => FieldType::U64,
            "i32" => FieldType::I32,
            "u32" => FieldType::U32,
            "u8" => FieldType::U8,
            "f64" => FieldType::F64,
            _ => return None,
        })
    }

    pub fn width(self) -> usize {
        match self {
            FieldType::I64 | FieldType::U64 | FieldType::F64 => 8,
            FieldType::I32 | FieldType::U32 => 4,
            FieldType::U8 => 1,
        }
    }

    /// Encodes a value little-endian, or says why it does not fit.
    pub fn encode(self, value: FieldValue) -> Result<Vec<u8>, String> {
        let int = |v: FieldValue| match v {
            FieldValue::Int(i) => Ok(i),
            FieldValue::Float(f) => Err(format!("{} is not an integer", ovsm_lexer::float_literal(f))),
        };
        let range = |i: i128, what: &str| format!("{i} does not fit in {what}");
        Ok(match self {
            FieldType::I64 => i64::try_from(int(value)?).map_err(|_| range(int(value).unwrap_or(0), "i64"))?.to_le_bytes().to_vec(),
            FieldType::U64 => u64::try_from(int(value)?).map_err(|_| range(int(value).unwrap_or(0), "u64"))?.to_le_bytes().to_vec(),
            FieldType::I32 => i32::try_from(int(value)?).map_err(|_| range(int(value).unwrap_or(0), "i32"))?.to_le_bytes().to_vec(),
            FieldType::U32 => u32::try_from(int(value)?).map_err(|_| range(int(value).unwrap_or(0), "u32"))?.to_le_bytes().to_vec(),
            FieldType::U8 => vec![u8::try_from(int(value)?).map_err(|_| range(int(value).unwrap_or(0), "u8"))?],
            FieldType::F64 => match value {
                FieldValue::Float(f) => f.to_le_bytes().to_vec(),
                FieldValue::Int(i) => (i as f64).to_le_bytes().to_vec(),
            },
        })
    }
}

/// A scenario checked against itself: accounts with addresses and initial state, and every
/// user transaction (written and generated) in slot order.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub defaults: RunDefaults,
    /// (name, address, initial state), in file order.
    pub accounts: Vec<(String, String, AccountView)>,
    /// Named fields per account address: name -> (offset, type).
    pub fields: BTreeMap<String, BTreeMap<String, (usize, FieldType)>>,
    /// (slot, account address, change), sorted by slot, file order within a slot.
    pub transactions: Vec<(u64, String, Change)>,
    /// (program name, fee lamports, stake lamports).
    pub programs: Vec<(String, u64, u64)>,
}

impl Plan {
    /// The address of a scenario account (by name or address), or of a program's own account:
    /// `fees:NAME` (its fee account), `state:NAME` (its state account), `program:NAME`.
    pub fn address_of(&self, name: &str) -> Option<String> {
        if let Some(found) = self.accounts.iter().find(|(n, a, _)| n == name || a == name) {
            return Some(found.1.clone());
        }
        match name.split_once(':') {
            Some(("fees" | "state", program)) if !program.is_empty() => Some(crate::simulate::program_address(name)),
            Some(("program", program)) if !program.is_empty() => Some(crate::simulate::program_address(program)),
            _ => None,
        }
    }

    pub fn size_of(&self, address: &str) -> Option<usize> {
        self.accounts.iter().find(|(_, a, _)| a == address).map(|(_, _, v)| v.data.len())
    }
}

fn error(source: SourceId, range: Option<std::ops::Range<usize>>, message: impl Into<String>) -> Diagnostic {
    let d = Diagnostic::error("E0401", message);
    match range {
        Some(r) => d.with_label(Span::new(source, r), "here"),
        None => d,
    }
}

fn to_field_value(v: &toml::Value) -> Option<FieldValue> {
    match v {
        toml::Value::Integer(i) => Some(FieldValue::Int(i128::from(*i))),
        toml::Value::Float(f) => Some(FieldValue::Float(*f)),
        _ => None,
    }
}

/// Parses and checks a scenario; errors point into its text.
pub fn load(text: &str, source: SourceId) -> Result<Plan, Vec<Diagnostic>> {
    let scenario: Scenario = toml::from_str(text).map_err(|e| vec![error(source, e.span(), format!("bad scenario: {}", e.message()))])?;
    let mut plan = Plan { defaults: scenario.run.clone(), ..Plan::default() };
    let mut errors = Vec::new();
    for spec in &scenario.account {
        let name = spec.name.get_ref().clone();
        let address = spec.address.clone().unwrap_or_else(|| crate::simulate::program_address(&format!("account:{name}")));
        if crate::chain::bank::address(&address).is_err() {
            errors.push(error(source, Some(spec.name.span()), format!("account `{name}`: `{address}` is not a valid base58 address")));
            continue;
        }
        let needed = spec.fields.iter().map(|f| f.offset + FieldType::parse(&f.ty).map_or(8, FieldType::width)).max().unwrap_or(0);
        let size = spec.size.unwrap_or(needed);
        if size > 10 * 1024 * 1024 {
            errors.push(error(
                source,
                Some(spec.name.span()),
                format!("account `{name}`: {size} bytes is over Solana's 10 MiB account limit"),
            ));
            continue;
        }
        let mut data = vec![0u8; size];
        let mut named = BTreeMap::new();
        for f in &spec.fields {
            let Some(ty) = FieldType::parse(&f.ty) else {
                errors.push(error(
                    source,
                    Some(spec.name.span()),
                    format!("account `{name}`, field `{}`: unknown type `{}` (use i64, u64, i32, u32, u8 or f64)", f.name, f.ty),
                ));
                continue;
            };
            if f.offset + ty.width() > size {
                errors.push(error(
                    source,
                    Some(spec.name.span()),
                    format!(
                        "account `{name}`, field `{}`: offset {} + {} bytes is past the account's {size} bytes",
                        f.name,
                        f.offset,
                        ty.width()
                    ),
                ));
                continue;
            }
            if let Some(v) = to_field_value(&f.value).filter(|_| !matches!(f.value, toml::Value::String(_))) {
                match ty.encode(v) {
                    Ok(bytes) => data.splice(f.offset..f.offset + bytes.len(), bytes).for_each(drop),
                    Err(why) => errors.push(error(source, Some(spec.name.span()), format!("account `{name}`, field `{}`: {why}", f.name))),
                }
            }
            named.insert(f.name.clone(), (f.offset, ty));
        }
        let owner = spec.owner.clone().unwrap_or_else(|| SYSTEM_PROGRAM.to_string());
        plan.fields.insert(address.clone(), named);
        plan.accounts.push((name, address, AccountView { lamports: spec.lamports, owner, data }));
    }
    for tx in &scenario.tx {
        let Some(address) = plan.address_of(tx.account.get_ref()) else {
            errors.push(error(
                source,
                Some(tx.account.span()),
                format!("unknown account `{}`: declare it in an [[account]] table", tx.account.get_ref()),
            ));
            continue;
        };
        for (field, value) in &tx.set {
            let Some(&(offset, ty)) = plan.fields.get(&address).and_then(|f| f.get(field)) else {
                errors.push(error(source, Some(value.span()), format!("account `{}` has no field `{field}`", tx.account.get_ref())));
                continue;
            };
            match to_field_value(value.get_ref()) {
                Some(v) => plan.transactions.push((tx.slot, address.clone(), Change::Field { offset, ty, value: v })),
                None => errors.push(error(source, Some(value.span()), format!("field `{field}` needs a number"))),
            }
        }
        if let Some(l) = tx.lamports {
            plan.transactions.push((tx.slot, address.clone(), Change::SetLamports(l)));
        }
        if let Some(t) = &tx.transfer {
            match plan.address_of(t.to.get_ref()) {
                Some(to) => {
                    plan.transactions.push((tx.slot, address.clone(), Change::Transfer { to: to.to_string(), lamports: t.lamports }))
                }
                None => errors.push(error(source, Some(t.to.span()), format!("unknown account `{}`", t.to.get_ref()))),
            }
        }
    }
    plan.programs = scenario.program.iter().map(|p| (p.name.clone(), p.fees, p.stake)).collect();
    generate_paths(&scenario, &mut plan, source, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    plan.transactions.sort_by_key(|(slot, ..)| *slot);
    Ok(plan)
}

/// A small deterministic generator (splitmix64): the same seed gives the same path everywhere.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in -bound..=bound.
    fn signed(&mut self, bound: u64) -> i64 {
        if bound == 0 {
            return 0;
        }
        let span = bound.saturating_mul(2).saturating_add(1);
        i64::try_from(self.next() % span).unwrap_or(0) - i64::try_from(bound).unwrap_or(0)
    }
}

fn generate_paths(scenario: &Scenario, plan: &mut Plan, source: SourceId, errors: &mut Vec<Diagnostic>) {
    // Each path's value per slot, so a follower can track its leader.
    let mut walks: BTreeMap<String, BTreeMap<u64, i128>> = BTreeMap::new();
    for p in &scenario.path {
        let Some(address) = plan.address_of(p.account.get_ref()) else {
            errors.push(error(source, Some(p.account.span()), format!("unknown account `{}`", p.account.get_ref())));
            continue;
        };
        let Some(&(offset, ty)) = plan.fields.get(&address).and_then(|f| f.get(p.field.get_ref())) else {
            errors.push(error(
                source,
                Some(p.field.span()),
                format!("account `{}` has no field `{}`", p.account.get_ref(), p.field.get_ref()),
            ));
            continue;
        };
        let start = plan
            .accounts
            .iter()
            .find(|(_, a, _)| *a == address)
            .and_then(|(_, _, v)| crate::chain::watch::read_field(&v.data, offset, ty, u64::MAX))
            .map_or(0, |r| match r {
                crate::chain::watch::Reading::Int(i) => i,
                crate::chain::watch::Reading::Float(f) => f as i128,
                crate::chain::watch::Reading::Text(_) => 0,
            });
        if let Some(f) = &p.follows {
            if plan.address_of(f).is_none_or(|a| !walks.contains_key(&a)) {
                errors.push(error(source, Some(p.account.span()), format!("`follows = \"{f}\"` names no earlier [[path]]")));
                continue;
            }
        }
        let leader = p.follows.as_ref().and_then(|f| plan.address_of(f)).and_then(|a| walks.get(&a)).cloned();
        let to = p.to_slot.unwrap_or(scenario.run.slots.unwrap_or(1000));
        let mut rng = SplitMix(p.seed);
        let mut value = start;
        let mut leader_start = None;
        let mut own = BTreeMap::new();
        let mut slot = p.from_slot.max(1);
        let mut shocked = false;
        while slot <= to {
            let step = value * i128::from(rng.signed(p.step_bps)) / 10_000;
            value += step;
            if let Some(l) = leader.as_ref().and_then(|w| w.range(..=slot).next_back()).map(|(_, v)| *v) {
                // Follow the leader's relative move, plus this path's own noise.
                let base = *leader_start.get_or_insert(l);
                if base != 0 {
                    value = start * l / base + step;
                }
            }
            if let Some(shock) = p.shock.as_ref().filter(|s| !shocked && slot >= s.slot) {
                // The shock lands on the first step of the path at or after its slot.
                value += value * i128::from(shock.bps) / 10_000;
                shocked = true;
            }
            value = value.max(1);
            own.insert(slot, value);
            plan.transactions.push((slot, address.clone(), Change::Field { offset, ty, value: FieldValue::Int(value) }));
            slot += p.every.max(1);
        }
        walks.insert(address, own);
    }
}
