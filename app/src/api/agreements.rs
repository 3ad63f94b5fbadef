//! Agreements (convenanten) with external payers: the administrator's
//! versions per stream.

use leptos::prelude::*;

use crate::error::AppError;
pub use crate::model::{AgreementForm, AgreementsView};

#[cfg(feature = "ssr")]
use crate::{context, services::agreements as service};
#[cfg(feature = "ssr")]
use doorbraak::Role;

/// Every version of every agreement, and the external streams.
#[server(endpoint = "agreements")]
pub async fn agreements() -> Result<AgreementsView, AppError> {
    context::read(&[Role::Administrator], async move |r| {
        service::overview(r).await
    })
    .await
}

/// Adds a version (no id) or changes one; a used version only gets an end date.
#[server(endpoint = "save_agreement")]
pub async fn save_agreement(input: AgreementForm) -> Result<i64, AppError> {
    context::write(&[Role::Administrator], async move |w| {
        service::save(w, input).await
    })
    .await
}
