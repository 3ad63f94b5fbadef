//! Authentication and authorization on the server: password hashing (argon2id),
//! session tokens, the session cookie and the role check every server function
//! starts with.

use std::net::SocketAddr;
use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::ConnectInfo;
use axum::http::HeaderValue;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use chrono::{DateTime, Duration, Utc};
use doorbraak::Role;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

use crate::api::model::CurrentUser;
use crate::db::{self, Pool};
use crate::error::AppError;

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
        }
    }
}

/// What every server function finds in its context.
#[derive(Clone, Debug)]
pub struct AppState {
    pub pool: Pool,
    pub auth: AuthConfig,
}

/// The one place that reads the clock.
pub fn now() -> DateTime<Utc> {
    Utc::now()
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

pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            AppError::Internal
        })
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Verifies against a fixed hash, so an unknown username costs as much time
/// as a known one.
pub fn spend_equal_time(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let hash = DUMMY.get_or_init(|| hash_password("doorbraak-dummy-password").unwrap_or_default());
    let _ = verify_password(hash, password);
}

/// Checks a new password against the policy.
pub fn check_password_policy(password: &str) -> Result<(), AppError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(AppError::invalid(
            "password",
            format!("Een wachtwoord heeft minstens {MIN_PASSWORD_CHARS} tekens."),
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(AppError::invalid(
            "password",
            format!("Een wachtwoord heeft hoogstens {MAX_PASSWORD_CHARS} tekens."),
        ));
    }
    Ok(())
}

/// A random value of 32 bytes as 64 hex characters.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A readable temporary password (for a reset), 16 characters.
pub fn temporary_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

pub fn token_hash(secret: &[u8], token: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(secret);
    hasher.update(b":");
    hasher.update(token.as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn cookie_token(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.to_string())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The client's address, as the socket saw it.
pub fn client_address() -> String {
    parts()
        .and_then(|p| {
            p.extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string())
        })
        .unwrap_or_else(|| "onbekend".to_string())
}

fn is_https(parts: Option<&Parts>, config: &AuthConfig) -> bool {
    config.secure_cookies
        || parts
            .and_then(|p| p.headers.get("x-forwarded-proto"))
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"))
}

fn set_cookie(value: String) {
    if let (Some(options), Ok(header)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(&value),
    ) {
        options.append_header(SET_COOKIE, header);
    }
}

/// Sets the session cookie: HttpOnly, SameSite=Strict, Secure over HTTPS.
pub fn set_session_cookie(token: &str, config: &AuthConfig) {
    let secure = if is_https(parts().as_ref(), config) {
        "; Secure"
    } else {
        ""
    };
    let max_age = config.absolute_timeout.num_seconds();
    set_cookie(format!(
        "{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ));
}

pub fn clear_session_cookie(config: &AuthConfig) {
    let secure = if is_https(parts().as_ref(), config) {
        "; Secure"
    } else {
        ""
    };
    set_cookie(format!(
        "{COOKIE_NAME}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}"
    ));
}

/// The hash of the request's session token, if it carries a well-formed one.
pub fn request_token_hash(config: &AuthConfig) -> Option<String> {
    parts()
        .as_ref()
        .and_then(cookie_token)
        .map(|t| token_hash(&config.session_secret, &t))
}

/// The signed-in user, if the request carries a live session.
pub async fn current_user() -> Result<Option<CurrentUser>, AppError> {
    let state = state()?;
    let Some(hash) = request_token_hash(&state.auth) else {
        return Ok(None);
    };
    let now = now();
    let idle_since = db::timestamp(now - state.auth.idle_timeout);
    let created_since = db::timestamp(now - state.auth.absolute_timeout);
    let Some(user_id) =
        db::sessions::find_live(&state.pool, &hash, &idle_since, &created_since).await?
    else {
        return Ok(None);
    };
    db::sessions::touch(&state.pool, &hash, &db::timestamp(now)).await?;
    let user = db::users::get(&state.pool, user_id).await?;
    Ok(user.filter(|u| u.active).map(|u| CurrentUser {
        id: u.id,
        username: u.username,
        display_name: u.display_name,
        roles: u.roles,
        team_ids: u.team_ids,
        mandate_level: u.mandate_level,
    }))
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
    if let (Err(err), Some(options)) = (&result, use_context::<ResponseOptions>()) {
        options.set_status(err.status());
    }
    result
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
