//! The lowest stage of OVSM: source text in, tokens out.
//!
//! This crate also owns the types every later stage shares: [`Span`], [`SourceId`],
//! [`Sources`] and the one [`Diagnostic`] type, with the only function that renders
//! diagnostics through ariadne ([`render`]).
//! It knows nothing about syntax trees, evaluation or Solana.

mod diagnostic;
mod literal;
mod render;
mod span;
mod token;

pub use diagnostic::{any_errors, Diagnostic, Label, Severity};
pub use literal::{float_literal, json_string, string_literal};
pub use render::{render, render_all};
pub use span::{SourceId, Sources, Span};
pub use token::{lex, Token};
