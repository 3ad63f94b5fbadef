//! Doorbraak's domain core: every rule of the Doorbraakmethode, pure.
//!
//! No IO, no async, no clock, no web: time is an argument and amounts are
//! [`rust_decimal`] through [`money::Money`]. The same code runs on the server
//! and, compiled to wasm32, in the browser for the live return calculation.
#![deny(clippy::float_arithmetic, clippy::unwrap_used)]

pub mod accrual;
pub mod agenda;
pub mod agreement;
pub mod bsn;
pub mod canvas;
pub mod catalogue;
pub mod chargeback;
pub mod claim;
pub mod dashboard;
pub mod dates;
pub mod disclosure;
pub mod evaluation;
pub mod journal;
pub mod ledger;
pub mod lifecycle;
pub mod mandate;
pub mod money;
pub mod posting;
pub mod responsibility;
pub mod retention;
pub mod returns;
pub mod review;
pub mod revision;
pub mod roles;
pub mod run;
pub mod stream;

pub use money::{Money, Percentage};
pub use roles::{Role, RoleSet};
pub use stream::StreamCode;
