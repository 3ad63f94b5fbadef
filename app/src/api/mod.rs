//! Server functions, one file per feature. Each one: check the user and role →
//! parse → load → decide → persist in one transaction → return.

pub mod accrual;
pub mod admin;
pub mod audit;
pub mod canvas_form;
pub mod canvas_lines;
pub mod cases;
pub mod reconcile;
pub mod reviews;
pub mod runs;
pub mod session;
pub mod setup;
pub mod tokens;
