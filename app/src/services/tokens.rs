//! API tokens for the municipality's financial system (administrator): issue
//! (the secret is shown once), list, revoke. Only a hash is stored.

use crate::auth;
use crate::context::{Read, Write};
use crate::db;
use crate::error::AppError;
use crate::input;
use crate::model::*;

pub async fn api_tokens(r: &mut Read) -> Result<Vec<TokenRow>, AppError> {
    Ok(db::tokens::list(&mut r.conn).await?)
}

/// Issues a token valid for `valid_days` (1 to 730) days.
pub async fn issue_token(
    w: &mut Write,
    name: String,
    valid_days: String,
) -> Result<IssuedToken, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::invalid(
            "name",
            "Geef het token een naam (hoogstens 100 tekens), bijvoorbeeld het financiële systeem.",
        ));
    }
    input::free_text("name", name)?;
    let days: i64 = valid_days
        .trim()
        .parse()
        .ok()
        .filter(|d| (1..=730).contains(d))
        .ok_or_else(|| AppError::invalid("valid_days", "Een token is 1 tot 730 dagen geldig."))?;
    let token = format!("dbk_{}", auth::random_token());
    let hash = auth::token_hash(&auth::state()?.auth.session_secret, &token);
    let expires_on = (w.time.today + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string();
    let now = w.time.at.clone();
    let id = db::tokens::insert(
        &mut w.tx,
        name,
        &token[..12],
        &hash,
        &expires_on,
        &now,
        w.user.id,
    )
    .await?;
    w.audit(
        "api_token_issued",
        "api_token",
        Some(id.to_string()),
        None,
        Some(serde_json::json!({ "name": name, "expires_on": expires_on })),
    );
    Ok(IssuedToken {
        id,
        token,
        expires_on,
    })
}

pub async fn revoke_token(w: &mut Write, id: i64) -> Result<(), AppError> {
    if !db::tokens::revoke(&mut w.tx, id, &w.time.at.clone()).await? {
        return Err(AppError::Conflict(
            "Dit token bestaat niet of is al ingetrokken.".into(),
        ));
    }
    w.audit(
        "api_token_revoked",
        "api_token",
        Some(id.to_string()),
        None,
        None,
    );
    Ok(())
}
