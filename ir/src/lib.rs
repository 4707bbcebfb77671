//! Syntax tree in, IR out: names resolved, closures converted, tail calls marked.
//!
//! The IR is a small stack machine per function. Locals and captured variables are
//! addressed by slot; a variable that is both captured and assigned lives in a shared box
//! (assignment conversion), so closures capture variables, not copies. Both back ends read
//! only this IR and the stdlib table: the interpreter runs it, codegen lowers it to LLVM.
//! This crate knows nothing about values at run time, Solana, or LLVM.

mod check;
mod instr;
mod lower;
mod print;
mod site_map;

pub use check::{check, CheckContext};
pub use instr::{Capture, Constant, FuncId, Function, GlobalId, Instr, Params, Program, ProgramDecl, UpdateOp};
pub use lower::{lower, Lowering};
pub use print::print_program;
pub use site_map::SiteMap;
