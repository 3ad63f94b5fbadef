//! API tokens for the municipality's financial system (administrator): issue
//! (the secret is shown once), list, revoke. Only a hash is stored.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::model::TokenRow;

#[cfg(feature = "ssr")]
use crate::{auth, db};
#[cfg(feature = "ssr")]
use doorbraak::Role;

/// A token just issued: the only time its secret is seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedToken {
    pub id: i64,
    pub token: String,
    pub expires_on: String,
}

#[server(endpoint = "api_tokens")]
pub async fn api_tokens() -> Result<Vec<TokenRow>, AppError> {
    auth::respond(
        async move {
            auth::require(&[Role::Administrator]).await?;
            let mut conn = auth::state()?.pool.acquire().await?;
            Ok(db::tokens::list(&mut conn).await?)
        }
        .await,
    )
}

/// Issues a token valid for `valid_days` (1 to 730) days.
#[server(endpoint = "issue_token")]
pub async fn issue_token(name: String, valid_days: String) -> Result<IssuedToken, AppError> {
    auth::respond(
        async move {
            let user = auth::require(&[Role::Administrator]).await?;
            let name = name.trim();
            if name.is_empty() || name.chars().count() > 100 {
                return Err(AppError::invalid(
                    "name",
                    "Geef het token een naam (hoogstens 100 tekens), bijvoorbeeld het financiële systeem.",
                ));
            }
            crate::input::free_text("name", name)?;
            let days: i64 = valid_days
                .trim()
                .parse()
                .ok()
                .filter(|d| (1..=730).contains(d))
                .ok_or_else(|| {
                    AppError::invalid("valid_days", "Een token is 1 tot 730 dagen geldig.")
                })?;
            let token = format!("dbk_{}", auth::random_token());
            let state = auth::state()?;
            let hash = auth::token_hash(&state.auth.session_secret, &token);
            let expires_on = (auth::today() + chrono::Duration::days(days))
                .format("%Y-%m-%d")
                .to_string();
            let mut tx = state.pool.begin_with("BEGIN IMMEDIATE").await?;
            let now = db::timestamp(auth::now());
            let id = db::tokens::insert(&mut tx, name, &token[..12], &hash, &expires_on, &now, user.id)
                .await?;
            auth::audit(
                &mut *tx,
                Some(&user),
                "api_token_issued",
                "api_token",
                Some(id.to_string()),
                None,
                Some(serde_json::json!({ "name": name, "expires_on": expires_on })),
            )
            .await?;
            tx.commit().await?;
            Ok(IssuedToken {
                id,
                token,
                expires_on,
            })
        }
        .await,
    )
}

#[server(endpoint = "revoke_token")]
pub async fn revoke_token(id: i64) -> Result<(), AppError> {
    auth::respond(
        async move {
            let user = auth::require(&[Role::Administrator]).await?;
            let state = auth::state()?;
            let mut tx = state.pool.begin_with("BEGIN IMMEDIATE").await?;
            if !db::tokens::revoke(&mut tx, id, &db::timestamp(auth::now())).await? {
                return Err(AppError::Conflict(
                    "Dit token bestaat niet of is al ingetrokken.".into(),
                ));
            }
            auth::audit(
                &mut *tx,
                Some(&user),
                "api_token_revoked",
                "api_token",
                Some(id.to_string()),
                None,
                None,
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}
