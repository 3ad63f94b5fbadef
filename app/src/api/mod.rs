//! Server functions, one file per feature: thin entries that run a service
//! (`crate::services`) in the harness (`crate::context`), which checks the
//! role, opens the read or the write transaction and maps the error.

pub mod accrual;
pub mod admin;
pub mod agenda;
pub mod agreements;
pub mod audit;
pub mod canvas_lines;
pub mod cases;
pub mod claims;
pub mod dashboard;
pub mod evaluations;
pub mod fund;
pub mod reconcile;
pub mod retention;
pub mod reviews;
pub mod runs;
pub mod session;
pub mod setup;
pub mod tokens;
