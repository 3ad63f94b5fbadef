//! Chargeback runs (backoffice): thin server functions over `services::runs`.

use leptos::prelude::*;

use crate::error::AppError;
pub use crate::model::{CASES_PER_PAGE, RunView, RunsOverview};

#[cfg(feature = "ssr")]
use crate::{context, input, services::runs};
#[cfg(feature = "ssr")]
use doorbraak::Role;

#[cfg(feature = "ssr")]
const BACKOFFICE: &[Role] = &[Role::Backoffice];

/// The runs, newest first, and how many settled cases wait.
#[server(endpoint = "chargeback_runs")]
pub async fn chargeback_runs() -> Result<RunsOverview, AppError> {
    context::read(BACKOFFICE, async |r| runs::overview(r).await).await
}

/// Starts a draft over the settled cases of a period; answers with its id.
#[server(endpoint = "create_run")]
pub async fn create_run(period_from: String, period_to: String) -> Result<i64, AppError> {
    let id = context::write(BACKOFFICE, async |w| {
        runs::create(w, &period_from, &period_to).await
    })
    .await?;
    // A form lands on the new run (without JavaScript too).
    crate::flash::redirect(&format!("/terugboeken/{id}"));
    Ok(id)
}

/// A run with its preview (a draft) or what it booked (posted); cases a page at a time.
#[server(endpoint = "chargeback_run")]
pub async fn chargeback_run(
    id: i64,
    page: usize,
    #[server(default)] case: String,
) -> Result<RunView, AppError> {
    context::read(BACKOFFICE, async |r| runs::get(r, id, page, &case).await).await
}

/// Sets a case's key in a draft: `choice` is "beneficiary", "responsibility"
/// (with `responsibility` as `JW 60, PW 40`) or "exclude"; all but the default need a reason.
#[server(endpoint = "set_run_case")]
pub async fn set_run_case(
    run_id: i64,
    version: i64,
    case_id: i64,
    choice: String,
    responsibility: String,
    reason: String,
) -> Result<(), AppError> {
    context::write(BACKOFFICE, async |w| {
        let form = runs::CaseChoice {
            choice: &choice,
            responsibility: &responsibility,
            reason: &reason,
        };
        runs::set_case_key(w, run_id, version, case_id, form).await
    })
    .await
}

/// Posts a draft; posting the same version again books nothing and succeeds.
#[server(endpoint = "post_run")]
pub async fn post_run(run_id: i64, version: i64, booking_date: String) -> Result<(), AppError> {
    context::write(BACKOFFICE, async |w| {
        runs::post(w, run_id, version, &booking_date).await
    })
    .await
}

/// Discards a draft (nothing was booked).
#[server(endpoint = "discard_run")]
pub async fn discard_run(run_id: i64, version: i64) -> Result<(), AppError> {
    context::write(BACKOFFICE, async |w| {
        runs::discard(w, run_id, version).await
    })
    .await
}

/// Corrects a posted run by reversal, of one case (`case_id`) or all (empty);
/// answers with the reversal run's id.
#[server(endpoint = "reverse_run")]
pub async fn reverse_run(
    run_id: i64,
    case_id: String,
    reason: String,
    booking_date: String,
) -> Result<i64, AppError> {
    let id = context::write(BACKOFFICE, async |w| {
        let case_id = input::optional_id("case_id", &case_id, "casus")?;
        let reason = input::reason("reason", &reason)?;
        let date = input::date("booking_date", &booking_date, w.time.today)?;
        runs::reverse(w, run_id, case_id, &reason, date).await
    })
    .await?;
    // A form lands on the correction run (without JavaScript too).
    crate::flash::redirect(&format!("/terugboeken/{id}"));
    Ok(id)
}
