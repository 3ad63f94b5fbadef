//! Wire and view types: what the database layer returns and server
//! functions and pages pass on. Below both `db` and `api`, so neither needs
//! the other's types; one file per feature.

pub mod accrual;
pub mod agenda;
pub mod agreements;
pub mod audit;
#[cfg(feature = "ssr")]
pub mod audit_words;
pub mod canvas_form;
pub mod cases;
pub mod catalogue_search;
pub mod dashboard;
pub mod evaluations;
pub mod fund;
pub mod reconcile;
pub mod retention;
pub mod reviews;
pub mod runs;
pub mod setup;
pub mod templates;
pub mod tokens;
pub mod users;

pub use accrual::*;
pub use agenda::*;
pub use agreements::*;
pub use audit::*;
pub use cases::*;
pub use dashboard::*;
pub use evaluations::*;
pub use fund::*;
pub use reconcile::*;
pub use retention::*;
pub use reviews::*;
pub use runs::*;
pub use setup::*;
pub use templates::*;
pub use tokens::*;
pub use users::*;
