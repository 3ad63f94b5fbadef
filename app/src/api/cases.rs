//! Cases from canvas to payment: professionals write and submit canvases,
//! approvers decide (approval places the hold on the fund in the same
//! transaction), the backoffice pays and settles.

use leptos::prelude::*;

use crate::error::AppError;
pub use crate::model::canvas_form::CanvasForm;
pub use crate::model::{
    CaseChoices, CaseList, CaseView, CatalogueOption, PER_PAGE, SavedCanvas, StreamOption,
};

#[cfg(feature = "ssr")]
use crate::services::{canvas, queues};
#[cfg(feature = "ssr")]
use crate::{context, services::cases as service};
#[cfg(feature = "ssr")]
use doorbraak::Role;

/// Starts a case for one of the professional's teams, with an empty canvas;
/// a form lands on that canvas (without JavaScript too).
#[server(endpoint = "create_case")]
pub async fn create_case(team_id: i64) -> Result<i64, AppError> {
    let id = context::write(&[Role::Professional], async move |w| {
        service::create_case(w, team_id).await
    })
    .await?;
    crate::flash::redirect(&format!("/casussen/{id}/canvas"));
    Ok(id)
}

/// The case page's data. Opening a case is recorded in the audit trail.
#[server(endpoint = "case")]
pub async fn get_case(id: i64) -> Result<CaseView, AppError> {
    context::read(
        &[Role::Professional, Role::Approver, Role::Backoffice],
        async move |r| service::get_case(r, id).await,
    )
    .await
}

/// Saves the draft canvas. `edits` is the save counter the form was loaded
/// with: if someone saved in between, nothing is saved and the user is told.
#[server(endpoint = "save_canvas")]
pub async fn save_canvas(
    case_id: i64,
    edits: i64,
    canvas: CanvasForm,
) -> Result<SavedCanvas, AppError> {
    context::write(&[Role::Professional], async move |w| {
        canvas::save_canvas(w, case_id, edits, canvas).await
    })
    .await
}

/// Submits the draft for approval; the canvas must be complete.
#[server(endpoint = "submit_case")]
pub async fn submit_case(case_id: i64, version: i64) -> Result<(), AppError> {
    context::write(&[Role::Professional], async move |w| {
        service::submit_case(w, case_id, version).await
    })
    .await
}

/// Approves (placing the hold on this year's fund), rejects or returns a
/// submitted canvas, with a reason. Never one's own; within one's mandate.
#[server(endpoint = "decide_case")]
pub async fn decide_case(
    case_id: i64,
    version: i64,
    // No decision is preselected: a form without one is answered in Dutch.
    #[server(default)] decision: String,
    reason: String,
) -> Result<(), AppError> {
    context::write(&[Role::Approver], async move |w| {
        service::decide_case(w, case_id, version, decision, reason).await
    })
    .await
}

/// After "returned": a new canvas version, copied from the last one.
#[server(endpoint = "revise_case")]
pub async fn revise_case(case_id: i64, version: i64) -> Result<(), AppError> {
    context::write(&[Role::Professional], async move |w| {
        service::revise_case(w, case_id, version).await
    })
    .await
}

/// Registers a payment against the hold. `token` comes with the form: the
/// same form posted twice books once. A form goes back to the case with an
/// empty payment form.
#[server(endpoint = "register_payment")]
pub async fn register_payment(
    case_id: i64,
    amount: String,
    paid_on: String,
    supplier: String,
    reference: String,
    token: String,
) -> Result<(), AppError> {
    context::write(&[Role::Backoffice], async move |w| {
        service::register_payment(w, case_id, amount, paid_on, supplier, reference, token).await
    })
    .await?;
    // Back to the case without a cost line chosen: the form starts empty.
    crate::flash::redirect(&format!("/casussen/{case_id}#betaling"));
    Ok(())
}

/// Settles: the final cost is the sum of payments; the rest of the hold returns to the fund.
#[server(endpoint = "settle_case")]
pub async fn settle_case(case_id: i64, version: i64) -> Result<(), AppError> {
    context::write(&[Role::Backoffice], async move |w| {
        service::settle_case(w, case_id, version).await
    })
    .await
}

/// Corrects a payment by reversal, with a reason: the hold is restored.
#[server(endpoint = "reverse_payment")]
pub async fn reverse_payment(
    case_id: i64,
    version: i64,
    payment_id: i64,
    reason: String,
) -> Result<(), AppError> {
    context::write(&[Role::Backoffice], async move |w| {
        service::reverse_payment(w, case_id, version, payment_id, reason).await
    })
    .await
}

/// Reopens a settlement while nothing was charged back for it, with a reason.
#[server(endpoint = "reopen_settlement")]
pub async fn reopen_settlement(case_id: i64, version: i64, reason: String) -> Result<(), AppError> {
    context::write(&[Role::Backoffice], async move |w| {
        service::reopen_settlement(w, case_id, version, reason).await
    })
    .await
}

/// Sets or clears "waiting for an external party", with a note.
#[server(endpoint = "set_waiting")]
pub async fn set_waiting(
    case_id: i64,
    version: i64,
    waiting: bool,
    note: String,
) -> Result<(), AppError> {
    context::write(&[Role::Professional, Role::Backoffice], async move |w| {
        service::set_waiting(w, case_id, version, waiting, note).await
    })
    .await
}

/// The professional's cases: those of their teams, a page at a time.
#[server(endpoint = "my_cases")]
pub async fn my_cases(
    page: i64,
    #[server(default)] reference: String,
    #[server(default)] status: String,
) -> Result<CaseList, AppError> {
    context::read(&[Role::Professional], async move |r| {
        queues::my_cases(r, page, reference, status).await
    })
    .await
}

/// Submitted canvases in the approver's scope: those they may decide (within
/// their mandate, not their own) or, with `decidable` false, the others.
#[server(endpoint = "approval_queue")]
pub async fn approval_queue(decidable: bool, page: i64) -> Result<CaseList, AppError> {
    context::read(&[Role::Approver], async move |r| {
        queues::approval_queue(r, decidable, page).await
    })
    .await
}

/// Evaluated cases waiting to be closed.
#[server(endpoint = "closing_queue")]
pub async fn closing_queue(page: i64) -> Result<CaseList, AppError> {
    context::read(&[Role::Backoffice, Role::Approver], async move |r| {
        queues::closing_queue(r, page).await
    })
    .await
}

/// Approved cases to pay, and cases in progress to settle.
#[server(endpoint = "payment_queue")]
pub async fn payment_queue(page: i64) -> Result<CaseList, AppError> {
    context::read(&[Role::Backoffice], async move |r| {
        queues::payment_queue(r, page).await
    })
    .await
}

/// A fresh token for a payment form (double-submit protection).
#[server(endpoint = "payment_token")]
pub async fn payment_token() -> Result<String, AppError> {
    context::read(&[Role::Backoffice], async move |r| {
        service::payment_token(r).await
    })
    .await
}

/// Teams of the user, active streams, and the active catalogue with today's prices.
#[server(endpoint = "case_options")]
pub async fn case_options() -> Result<CaseChoices, AppError> {
    context::read(
        &[Role::Professional, Role::Approver, Role::Backoffice],
        async move |r| canvas::case_options(r).await,
    )
    .await
}
