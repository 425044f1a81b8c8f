//! The `iam-policy-ls` binary's library: the language server, the command-line interface, and
//! the one module that converts byte offsets to editor positions. IAM knowledge lives in the
//! `iam-policy` crate; this crate converts, transports and renders.

pub mod cli;
pub mod lsp;
pub mod position;
