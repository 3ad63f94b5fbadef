//! Authentication and authorization on the server: the application state and
//! the one clock, the role check every server function starts with, the HTTP
//! status of its errors and the audit trail; password hashing in
//! [`passwords`], sessions and their cookie in [`sessions`].

mod passwords;
mod sessions;

pub use passwords::*;
pub use sessions::*;

use std::net::SocketAddr;
use std::sync::OnceLock;

use axum::extract::ConnectInfo;
use axum::http::HeaderValue;
use axum::http::request::Parts;
use chrono::{DateTime, Duration, Utc};
use doorbraak::Role;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

use crate::db::{self, Pool};
use crate::error::AppError;
use crate::model::CurrentUser;
use crate::proxies::TrustedProxies;

pub const COOKIE_NAME: &str = "doorbraak_sessie";
pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// Settings for sessions and sign-in throttling.
#[derive(Clone, Debug)]
pub struct AuthConfig {
    /// Keys the stored token hashes.
    pub session_secret: Vec<u8>,
    pub idle_timeout: Duration,
    pub absolute_timeout: Duration,
    /// Always mark the cookie Secure (set when served over HTTPS).
    pub secure_cookies: bool,
    /// Failed sign-ins per account within the window before it is throttled.
    pub max_failures_per_account: i64,
    /// Failed sign-ins per address within the window before it is throttled.
    pub max_failures_per_address: i64,
    pub failure_window: Duration,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: TrustedProxies,
}

impl AuthConfig {
    pub fn with_secret(session_secret: Vec<u8>) -> AuthConfig {
        AuthConfig {
            session_secret,
            idle_timeout: Duration::minutes(30),
            absolute_timeout: Duration::hours(12),
            secure_cookies: false,
            max_failures_per_account: 5,
            max_failures_per_address: 20,
            failure_window: Duration::minutes(15),
            trusted_proxies: TrustedProxies::default(),
        }
    }
}

/// What every server function finds in its context.
#[derive(Clone, Debug)]
pub struct AppState {
    pub pool: Pool,
    pub auth: AuthConfig,
    /// Sessions the database confirmed a moment ago.
    pub sessions: SessionCache,
    /// The municipality's name, read once at start (the theme's, or the one
    /// given at installation).
    pub municipality: String,
    /// The theme has a logo (served at `/thema/logo`).
    pub has_logo: bool,
    /// Who opened which case, committed in groups.
    pub access: crate::access_log::AccessLog,
}

/// The one place that reads the clock.
#[allow(clippy::disallowed_methods)]
pub fn now() -> DateTime<Utc> {
    Utc::now()
}

/// Today's Dutch calendar date, from the one clock.
pub fn today() -> chrono::NaiveDate {
    doorbraak::dates::dutch_today(now())
}

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        AppError::Internal
    })
}

fn parts() -> Option<Parts> {
    use_context::<Parts>()
}

/// The client's address: the socket's, or the one a trusted proxy forwarded.
pub fn client_address() -> String {
    let Some(parts) = parts() else {
        return "onbekend".to_string();
    };
    let Some(socket) = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
    else {
        return "onbekend".to_string();
    };
    let proxies = use_context::<AppState>()
        .map(|s| s.auth.trusted_proxies)
        .unwrap_or_default();
    let forwarded: Vec<&str> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    proxies.client(socket, &forwarded).to_string()
}

/// The signed-in user holding one of `roles` (any signed-in user when empty).
pub async fn require(roles: &[Role]) -> Result<CurrentUser, AppError> {
    let user = current_user().await?.ok_or(AppError::Unauthenticated)?;
    if roles.is_empty() || user.roles.has_any(roles) {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Sets the HTTP status that belongs to an error; every server function ends with it.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let (Err(err), Some(options)) = (&result, use_context::<ResponseOptions>())
        && !is_plain_form_post()
    {
        options.set_status(err.status());
    }
    result
}

/// A form posted to a server function without JavaScript: the answer is a
/// redirect back to the form with the error in its address, and a status
/// other than 302 would keep the browser from following it.
fn is_plain_form_post() -> bool {
    parts().is_some_and(|p| {
        p.uri.path().starts_with("/api/")
            && p.headers
                .get(axum::http::header::ACCEPT)
                .and_then(|a| a.to_str().ok())
                .is_some_and(|a| a.contains("text/html"))
    })
}

/// Records an audit event.
pub async fn audit<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    actor: Option<&CurrentUser>,
    action: &str,
    object_type: &str,
    object_id: Option<String>,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<(), AppError> {
    let address = client_address();
    db::audit::record(
        db,
        db::audit::NewEvent {
            at: db::timestamp(now()),
            actor_id: actor.map(|a| a.id),
            actor_name: actor.map_or("systeem", |a| a.username.as_str()),
            action,
            object_type,
            object_id,
            before,
            after,
            address: Some(&address),
        },
    )
    .await?;
    Ok(())
}
