//! The one table of OVSM builtins: name, arity, documentation with a runnable example,
//! compute-unit cost, and whether it is deterministic.
//!
//! Every other crate reads builtins from here: lowering resolves names against [`BUILTINS`],
//! the interpreter binds an implementation to each entry, `docs/stdlib.md` is generated from it,
//! and a test runs every example. Some builtins are written in OVSM itself, in [`PRELUDE`].
//! This crate depends on nothing: it is data.

pub mod syscalls;
mod table;

pub use table::BUILTINS;

/// The OVSM source of the builtins marked [`Implementation::Prelude`]; it is compiled with every program.
pub const PRELUDE: &str = include_str!("prelude.ovsm");

/// Index of a builtin in [`BUILTINS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BuiltinId(pub u16);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Numbers,
    Logic,
    Strings,
    Arrays,
    Maps,
    Types,
    Host,
    Output,
    Errors,
    Autonomous,
}

impl Family {
    pub fn title(self) -> &'static str {
        match self {
            Family::Numbers => "Numbers",
            Family::Logic => "Logic",
            Family::Strings => "Strings",
            Family::Arrays => "Arrays and higher-order functions",
            Family::Maps => "Maps",
            Family::Types => "Types",
            Family::Host => "Host (non-deterministic)",
            Family::Output => "Output",
            Family::Errors => "Errors",
            Family::Autonomous => "Autonomous programs (the simulated runtime)",
        }
    }
}

/// Where a builtin's body lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Implementation {
    /// Written in Rust by each back end.
    Native,
    /// Written in OVSM in [`PRELUDE`], as a global function of the same name.
    Prelude,
}

/// How many arguments a builtin takes: `min..=max`, `max == None` for variadic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arity {
    pub min: u8,
    pub max: Option<u8>,
}

impl Arity {
    pub fn accepts(self, n: usize) -> bool {
        n >= self.min as usize && self.max.is_none_or(|max| n <= max as usize)
    }

    pub fn describe(self) -> String {
        match self.max {
            Some(max) if max == self.min => format!("{max}"),
            Some(max) => format!("{} to {}", self.min, max),
            None => format!("at least {}", self.min),
        }
    }
}

pub struct Builtin {
    pub name: &'static str,
    pub family: Family,
    pub arity: Arity,
    /// The call form with argument names, e.g. `(get m k [default])`.
    pub signature: &'static str,
    pub doc: &'static str,
    /// A runnable example and the printed value it must give.
    pub example: &'static str,
    pub expect: &'static str,
    /// Compute units the interpreter charges per call, on top of the per-instruction cost.
    pub cost: u32,
    /// False for builtins whose result depends on the outside world (`now`, `random`).
    pub deterministic: bool,
    pub implementation: Implementation,
}

pub fn lookup(name: &str) -> Option<BuiltinId> {
    BUILTINS.iter().position(|b| b.name == name).and_then(|i| u16::try_from(i).ok()).map(BuiltinId)
}

pub fn get(id: BuiltinId) -> Option<&'static Builtin> {
    BUILTINS.get(id.0 as usize)
}

/// Renders `docs/stdlib.md` from the table.
pub fn reference_markdown() -> String {
    let mut out = String::from(
        "# OVSM standard library\n\n<!-- Generated from stdlib/src/table.rs by `cargo run -- doc-stdlib`; do not edit by hand. -->\n\nEvery builtin, grouped by family, with its arity, its compute-unit cost in the interpreter, and an example that the test suite runs.\n",
    );
    let mut families: Vec<Family> = Vec::new();
    for b in BUILTINS {
        if !families.contains(&b.family) {
            families.push(b.family);
        }
    }
    for family in families {
        out.push_str(&format!(
            "\n## {}\n\n| builtin | arguments | cost (CU) | description | example |\n|---|---|---|---|---|\n",
            family.title()
        ));
        for b in BUILTINS.iter().filter(|b| b.family == family && !b.name.starts_with('%')) {
            out.push_str(&format!(
                "| `{}` | {} | {} | {} | `{}` ⇒ `{}` |\n",
                b.signature.replace('|', "\\|"),
                b.arity.describe(),
                b.cost,
                b.doc.replace('|', "\\|"),
                b.example.replace('|', "\\|"),
                b.expect.replace('|', "\\|"),
            ));
        }
    }
    out
}
