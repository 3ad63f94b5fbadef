//! Evaluations of realised savings, closing a case, receipts of payments,
//! the professional's worklist and realised savings in sum.

use leptos::prelude::*;

use crate::error::AppError;
pub use crate::model::{EvaluationForm, EvaluationView, RealisedOverview, Worklist};

#[cfg(feature = "ssr")]
use crate::{context, services::evaluations as service};
#[cfg(feature = "ssr")]
use doorbraak::Role;

/// The evaluation page of a case.
#[server(endpoint = "evaluation")]
pub async fn evaluation(case_id: i64) -> Result<EvaluationView, AppError> {
    context::read(
        &[Role::Professional, Role::Approver, Role::Backoffice],
        async move |r| service::page(r, case_id).await,
    )
    .await
}

/// Records an evaluation (the professional of the case's team); the final
/// one moves the case to *geëvalueerd*.
#[server(endpoint = "record_evaluation")]
pub async fn record_evaluation(
    case_id: i64,
    version: i64,
    evaluation: EvaluationForm,
) -> Result<(), AppError> {
    context::write(&[Role::Professional], async move |w| {
        service::record(w, case_id, version, evaluation).await
    })
    .await
}

/// Closes an evaluated case (the backoffice or the approver).
#[server(endpoint = "close_case")]
pub async fn close_case(case_id: i64, version: i64) -> Result<(), AppError> {
    context::write(&[Role::Backoffice, Role::Approver], async move |w| {
        service::close(w, case_id, version).await
    })
    .await
}

/// Records that the household received what a payment paid for.
#[server(endpoint = "confirm_receipt")]
pub async fn confirm_receipt(
    case_id: i64,
    payment_id: i64,
    received_on: String,
    note: String,
) -> Result<(), AppError> {
    context::write(&[Role::Professional], async move |w| {
        service::confirm_receipt(w, case_id, payment_id, received_on, note).await
    })
    .await
}

/// What waits for the professional.
#[server(endpoint = "worklist")]
pub async fn my_worklist() -> Result<Worklist, AppError> {
    context::read(&[Role::Professional], async move |r| {
        service::worklist(r).await
    })
    .await
}

/// Realised against projected per budget year, team and stream (suppressed).
#[server(endpoint = "realised")]
pub async fn realised() -> Result<RealisedOverview, AppError> {
    context::read(
        &[Role::Approver, Role::Backoffice, Role::Alderman],
        async move |r| service::realised_overview(r).await,
    )
    .await
}
