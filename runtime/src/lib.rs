//! The interpreter of OVSM's IR, and the session that drives source through the pipeline.
//!
//! Input: an `ir::Program`; output: values, output through a [`Host`], and [`RuntimeError`]s
//! with spans. The simulated chain and the Program Scheduler will live here too.
//! This crate never reads files or the clock on its own (except the `now` builtin) and knows
//! nothing about LLVM.

pub mod alloc_meter;
pub mod builtins;
pub mod chain;
pub mod compiled;
mod fault;
pub mod float_pow;
pub mod host;
pub mod map;
pub mod print;
pub mod scenario;
mod session;
mod simulate;
pub mod value;
mod vm;

pub use alloc_meter::CountingAllocator;
pub use fault::{Fault, RuntimeError};
pub use host::{Host, RecordingHost, SharedHost, StdoutHost};
pub use session::{Outcome, Session};
pub use simulate::program_address;
pub use value::Value;
pub use vm::{Limits, Vm};
