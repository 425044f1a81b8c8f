//! The command-line interface: each subcommand in its own module.

pub mod catalog;
pub mod check;
pub mod codes;
pub mod diff;
pub mod explain;
pub mod inputs;
pub mod output;
pub mod policies;
pub mod report;
pub mod simulate;
pub mod summary;
pub mod test;
