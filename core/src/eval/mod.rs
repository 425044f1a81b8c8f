//! The evaluator: decides a request exactly as AWS does, offline, and explains which layer and
//! which statement decided.
//!
//! ```text
//! policy text ──json::parse──▶ model::Policy ──CompiledPolicy::compile──▶ Policies
//! request ──Request::new──▶ Request
//! evaluate(&Policies, &Request, &Options) ──▶ Evaluation { decision, explanation }
//! ```
//!
//! Compile once, decide many times: [`decide`] builds no explanation and allocates little;
//! [`explain`] (or [`Options::explain`]) records every layer, statement and condition.
//! The request-file format of `iam-policy-ls simulate` is read by [`input`].
//! Decisions on the points AWS leaves open are documented in `docs/simulate.md`.

pub mod arn;
pub mod cache;
pub mod compile;
pub mod condition;
pub mod decide;
pub mod explain;
pub mod input;
pub mod protected;
pub mod request;
pub mod template;

pub use cache::{PolicyCache, PolicyTextError};
pub use compile::{CompiledPolicy, CompiledStatement, LiteralVariable, PrincipalMatch};
pub use decide::{ActionCatalog, EmbeddedCatalog, Options, OrgLevel, Policies, decide, evaluate, explain};
pub use explain::{
    ByteRange, ConditionTrace, Decision, Evaluation, Explanation, Layer, LayerDecision, LayerTrace, StatementTrace,
    TraceNote,
};
pub use request::{Context, ContextEntry, PrincipalId, Request};
