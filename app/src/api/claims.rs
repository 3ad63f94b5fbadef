//! Claims on external payers (backoffice): thin server functions over
//! `services::claims`.

use leptos::prelude::*;

use crate::error::AppError;
pub use crate::model::ClaimsView;

#[cfg(feature = "ssr")]
use crate::{context, services::claims};
#[cfg(feature = "ssr")]
use doorbraak::Role;

#[cfg(feature = "ssr")]
const BACKOFFICE: &[Role] = &[Role::Backoffice];

/// Claims on external payers; `status` "" for the open and invoiced ones, "alle" for all.
/// With `payer` (a stream code), that payer's open claims to invoice.
#[server(endpoint = "claims")]
pub async fn claims(
    status: String,
    #[server(default)] payer: String,
) -> Result<ClaimsView, AppError> {
    context::read(BACKOFFICE, async |r| claims::list(r, &status, &payer).await).await
}

/// Invoices open claims of one payer (`claims[]`, each `id:version`) as one
/// collective invoice; answers with the invoice's id, and a form lands on
/// the list showing that invoice (`?factuur=<id>`).
#[server(endpoint = "invoice_claims")]
pub async fn invoice_claims(
    #[server(default)] claims: Vec<String>,
    invoice_number: String,
    invoice_date: String,
) -> Result<i64, AppError> {
    let id = context::write(BACKOFFICE, async |w| {
        claims::invoice_many(w, &claims, &invoice_number, &invoice_date).await
    })
    .await?;
    // A form lands on the list with the new invoice and its specification.
    crate::flash::redirect(&format!("/vorderingen?factuur={id}"));
    Ok(id)
}

/// open → invoiced, with the invoice's number and date. `claim` is `id:version`.
#[server(endpoint = "invoice_claim")]
pub async fn invoice_claim(
    claim: String,
    invoice_number: String,
    invoice_date: String,
) -> Result<(), AppError> {
    context::write(BACKOFFICE, async |w| {
        claims::invoice(w, &claim, &invoice_number, &invoice_date).await
    })
    .await
}

/// invoiced → paid (the fund is credited) or refused (a reason is required).
#[server(endpoint = "close_claim")]
pub async fn close_claim(
    claim: String,
    outcome: String,
    date: String,
    reason: String,
) -> Result<(), AppError> {
    context::write(BACKOFFICE, async |w| {
        claims::close(w, &claim, &outcome, &date, &reason).await
    })
    .await
}
