//! API tokens for the municipality's financial system (administrator): issue
//! (the secret is shown once), list, revoke. Only a hash is stored.

use leptos::prelude::*;

use crate::error::AppError;
pub use crate::model::{IssuedToken, TokenRow};

#[cfg(feature = "ssr")]
use crate::{context, services::tokens as service};
#[cfg(feature = "ssr")]
use doorbraak::Role;

#[server(endpoint = "api_tokens")]
pub async fn api_tokens() -> Result<Vec<TokenRow>, AppError> {
    context::read(&[Role::Administrator], async move |r| {
        service::api_tokens(r).await
    })
    .await
}

/// Issues a token valid for `valid_days` (1 to 730) days.
#[server(endpoint = "issue_token")]
pub async fn issue_token(name: String, valid_days: String) -> Result<IssuedToken, AppError> {
    context::write(&[Role::Administrator], async move |w| {
        service::issue_token(w, name, valid_days).await
    })
    .await
}

#[server(endpoint = "revoke_token")]
pub async fn revoke_token(id: i64) -> Result<(), AppError> {
    context::write(&[Role::Administrator], async move |w| {
        service::revoke_token(w, id).await
    })
    .await
}
