//! The doorbraakbudget per year: budget years, fundings and reductions, and
//! closing a year. The backoffice funds the reservation (domain §5); the
//! administrator may too.

use leptos::prelude::*;

use crate::error::AppError;
pub use crate::model::FundView;

#[cfg(feature = "ssr")]
use crate::{context, services::fund as service};
#[cfg(feature = "ssr")]
use doorbraak::Role;

#[cfg(feature = "ssr")]
const FUND: &[Role] = &[Role::Backoffice, Role::Administrator];

/// Every budget year and the position of `year` (this year when none).
#[server(endpoint = "fund_overview")]
pub async fn fund_overview(year: Option<i32>) -> Result<FundView, AppError> {
    context::read(FUND, async move |r| service::overview(r, year).await).await
}

/// A new budget year, in cash or accrual mode, with its first reservation.
#[server(endpoint = "create_budget_year")]
pub async fn create_budget_year(
    year: i32,
    reservation: String,
    accrual: Option<String>,
    token: String,
) -> Result<(), AppError> {
    context::write(FUND, async move |w| {
        service::create_budget_year(w, year, reservation, accrual, token).await
    })
    .await
}

/// Reserves more for a year's fund. The same form posted twice books once.
#[server(endpoint = "raise_reservation")]
pub async fn raise_reservation(year: i32, amount: String, token: String) -> Result<(), AppError> {
    context::write(FUND, async move |w| {
        service::raise_reservation(w, year, amount, token).await
    })
    .await
}

/// Reserves less for a year's fund, as far as its available amount allows.
#[server(endpoint = "reduce_funding")]
pub async fn reduce_funding(
    year: i32,
    amount: String,
    reason: String,
    token: String,
) -> Result<(), AppError> {
    context::write(FUND, async move |w| {
        service::reduce_funding(w, year, amount, reason, token).await
    })
    .await
}

/// Closes a year: part of what is left carried over, the rest returned.
#[server(endpoint = "close_year")]
pub async fn close_year(
    year: i32,
    carry_over: String,
    decision: String,
    reason: String,
    token: String,
) -> Result<(), AppError> {
    context::write(FUND, async move |w| {
        service::close_year(w, year, carry_over, decision, reason, token).await
    })
    .await
}
