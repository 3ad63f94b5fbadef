//! Reconciliation: per year and stream, what the ledger holds as charged
//! back and claimed = what the posted runs booked = what their journals
//! export; and per year, the fund's own identity. Any difference is shown.

use leptos::prelude::*;

use crate::error::AppError;
pub use crate::model::{FundCheck, ReconcileLine, ReconcileView};

#[cfg(feature = "ssr")]
use crate::{context, services::reconcile as service};
#[cfg(feature = "ssr")]
use doorbraak::Role;

#[server(endpoint = "reconciliation")]
pub async fn reconciliation() -> Result<ReconcileView, AppError> {
    context::read(&[Role::Backoffice], async move |r| {
        service::reconciliation(r).await
    })
    .await
}
