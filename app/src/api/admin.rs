//! Administration of people: users, roles, teams (functioneel beheer).

use leptos::prelude::*;

use crate::error::AppError;
pub use crate::model::{Team, TeamOverview, UserForm, UserRecord};

#[cfg(feature = "ssr")]
use crate::{context, services::admin as service};

#[cfg(feature = "ssr")]
const ADMIN: &[doorbraak::Role] = &[doorbraak::Role::Administrator];

#[server(endpoint = "users")]
pub async fn list_users() -> Result<Vec<UserRecord>, AppError> {
    context::read(ADMIN, async move |r| service::list_users(r).await).await
}

#[server(endpoint = "user")]
pub async fn get_user(id: i64) -> Result<UserRecord, AppError> {
    context::read(ADMIN, async move |r| service::get_user(r, id).await).await
}

#[server(endpoint = "teams")]
pub async fn list_teams() -> Result<Vec<Team>, AppError> {
    context::read(ADMIN, async move |r| service::list_teams(r).await).await
}

/// Every team with what deactivating it would touch.
#[server(endpoint = "teams_overview")]
pub async fn teams_overview() -> Result<Vec<TeamOverview>, AppError> {
    context::read(ADMIN, async move |r| service::teams_overview(r).await).await
}

/// Creates a user (no `id`) or updates one (with `id` and the `version` the
/// form was loaded with; a stale version is refused). Returns the user's id.
#[server(endpoint = "save_user")]
pub async fn save_user(input: UserForm) -> Result<i64, AppError> {
    context::respond(
        async move {
            // Only an administrator makes the server hash a password.
            context::require(ADMIN).await?;
            let hash = service::new_password_hash(&input).await?;
            let id = context::write(ADMIN, async move |w| {
                service::save_user(w, input, hash).await
            })
            .await?;
            context::forget_sessions()?;
            Ok(id)
        }
        .await,
    )
}

/// Deactivates (ending every session) or reactivates a user.
#[server(endpoint = "set_user_active")]
pub async fn set_user_active(id: i64, active: bool) -> Result<(), AppError> {
    context::write(ADMIN, async move |w| {
        service::set_user_active(w, id, active).await
    })
    .await?;
    context::forget_sessions()
}

/// Sets a new random password, ends the user's sessions, and returns the
/// password once so the administrator can pass it on.
#[server(endpoint = "reset_password")]
pub async fn reset_password(id: i64) -> Result<String, AppError> {
    context::respond(
        async move {
            context::require(ADMIN).await?;
            let password = crate::auth::temporary_password();
            let hash = crate::auth::hash_password_async(password.clone()).await?;
            context::write(ADMIN, async move |w| {
                service::reset_password(w, id, &hash).await
            })
            .await?;
            context::forget_sessions()?;
            Ok(password)
        }
        .await,
    )
}

#[server(endpoint = "create_team")]
pub async fn create_team(name: String) -> Result<i64, AppError> {
    context::write(ADMIN, async move |w| service::create_team(w, name).await).await
}

#[server(endpoint = "set_team_active")]
pub async fn set_team_active(id: i64, active: bool) -> Result<(), AppError> {
    context::write(ADMIN, async move |w| {
        service::set_team_active(w, id, active).await
    })
    .await?;
    context::forget_sessions()
}
