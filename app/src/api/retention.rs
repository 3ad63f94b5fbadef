//! Retention terms, legal holds and the erasure's dry run (administrator).

use leptos::prelude::*;

use crate::error::AppError;
pub use crate::model::{DueRow, ErasurePlan, HoldForm, HoldRow, RetentionView, TermForm, TermRow};

#[cfg(feature = "ssr")]
use crate::{context, services::retention as service};
#[cfg(feature = "ssr")]
use doorbraak::Role;

/// The terms with their sources, the cases on legal hold, and what an
/// erasure today would erase.
#[server(endpoint = "retention")]
pub async fn retention() -> Result<RetentionView, AppError> {
    context::read(&[Role::Administrator], async move |r| {
        service::overview(r).await
    })
    .await
}

/// Sets the terms of the three record classes.
#[server(endpoint = "set_retention_terms")]
pub async fn set_retention_terms(terms: TermForm) -> Result<(), AppError> {
    context::write(&[Role::Administrator], async move |w| {
        service::set_terms(w, terms).await
    })
    .await
}

/// Puts a case on legal hold or lifts it.
#[server(endpoint = "set_legal_hold")]
pub async fn set_legal_hold(hold: HoldForm) -> Result<(), AppError> {
    context::write(&[Role::Administrator], async move |w| {
        service::set_hold(w, hold).await
    })
    .await
}
