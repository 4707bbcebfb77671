//! Our own linker: a BPF relocatable object in, an SBPF v0 shared object out.
//!
//! Neither `ld.lld` (no BPF target upstream) nor Solana's platform tools exist here, and the
//! loader's needs are small (toolchain-facts.md): one `.text` whose address is its file offset,
//! read-only data only, a `PT_DYNAMIC` whose `DT_REL` table holds `R_BPF_64_RELATIVE` for every
//! `lddw` of a data address and `R_BPF_64_32` for every call of a syscall, which is an undefined
//! dynamic symbol the loader resolves by the murmur3 hash of its name.

mod object;
mod so;

pub use object::Object;
pub use so::{link, Linked};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkError {
    pub message: String,
}

impl LinkError {
    pub fn new(message: impl Into<String>) -> LinkError {
        LinkError { message: message.into() }
    }
}

impl std::fmt::Display for LinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "link error: {}", self.message)
    }
}
