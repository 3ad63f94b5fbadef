//! The dashboard (*Resultaten*): aggregates only, for aldermen, approvers
//! and the backoffice.

use leptos::prelude::*;

use crate::error::AppError;
pub use crate::model::{Dashboard, DashboardChoices, DashboardQuery};

#[cfg(feature = "ssr")]
use crate::{context, services::dashboard as service};
#[cfg(feature = "ssr")]
use doorbraak::Role;

/// Who sees the dashboard.
#[cfg(feature = "ssr")]
pub const ROLES: &[Role] = &[Role::Alderman, Role::Approver, Role::Backoffice];

/// The dashboard for the filters in the address.
#[server(endpoint = "load_dashboard")]
pub async fn load_dashboard(query: DashboardQuery) -> Result<Dashboard, AppError> {
    context::read(ROLES, async move |r| {
        let today = r.time.today;
        let view = service::load(&mut r.conn, today, query).await?;
        Ok(Dashboard::clone(&view))
    })
    .await
}

/// The teams and laws the filters offer.
#[server(endpoint = "dashboard_filters")]
pub async fn dashboard_filters() -> Result<DashboardChoices, AppError> {
    context::read(ROLES, async move |r| service::choices(&mut r.conn).await).await
}
