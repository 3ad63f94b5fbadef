//! The logic of each feature, as plain async functions over a
//! [`Read`](crate::context::Read) or a [`Write`](crate::context::Write):
//! parse the input, load, let the core decide, write through `db`, record
//! the audit event. Server functions, tests and the demo generator call
//! them alike.

pub mod accrual;
pub mod admin;
pub mod agenda;
pub mod agreements;
pub mod audit;
pub mod canvas;
pub mod cases;
pub mod claims;
pub mod dashboard;
pub mod evaluations;
pub mod fund;
pub mod queues;
pub mod reconcile;
pub mod retention;
pub mod reviews;
pub mod runs;
pub mod session;
pub mod setup;
pub mod tokens;
