//! Accrual years (backoffice): thin server functions over `services::accrual`.

use leptos::prelude::*;

use crate::error::AppError;
pub use crate::model::{AccrualLine, AccrualView};

#[cfg(feature = "ssr")]
use crate::{context, services::accrual};
#[cfg(feature = "ssr")]
use doorbraak::Role;

#[cfg(feature = "ssr")]
const BACKOFFICE: &[Role] = &[Role::Backoffice];

/// Pre-booked, realised and trued up per stream in a year.
#[server(endpoint = "accrual_year")]
pub async fn accrual_year(year: Option<i32>) -> Result<AccrualView, AppError> {
    context::read(BACKOFFICE, async |r| accrual::year(r, year).await).await
}

/// Pre-books the expected savings (`amounts` as `PW 10.000; JW 5.000,50`) on
/// `date` in `year`. Each stream once a year.
#[server(endpoint = "prebook_year")]
pub async fn prebook_year(year: i32, amounts: String, date: String) -> Result<(), AppError> {
    context::write(BACKOFFICE, async |w| {
        accrual::prebook(w, year, &amounts, &date).await
    })
    .await
}

/// The year-end true-up: per stream realised − pre-booked, booked either way. Once a year.
#[server(endpoint = "true_up_year")]
pub async fn true_up_year(year: i32, date: String) -> Result<(), AppError> {
    context::write(BACKOFFICE, async |w| accrual::true_up(w, year, &date).await).await
}
