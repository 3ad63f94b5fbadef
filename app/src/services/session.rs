//! Signing in and out. Signing in spans three steps: count the attempt (in
//! one write, before the slow password check, so parallel attempts see each
//! other), verify the password outside any transaction, then start the
//! session. Typed text that is no account is never stored.

use crate::auth::{self, AuthConfig};
use crate::context::Write;
use crate::db;
use crate::error::AppError;
use crate::model::CurrentUser;

/// The checked form of a sign-in.
pub fn credentials(username: &str, password: &str) -> Result<String, AppError> {
    let username = username.trim().to_lowercase();
    if username.is_empty() {
        return Err(AppError::invalid("username", "Vul uw gebruikersnaam in."));
    }
    if username.chars().count() > 64 {
        return Err(AppError::invalid(
            "username",
            "Een gebruikersnaam heeft hoogstens 64 tekens.",
        ));
    }
    if password.is_empty() {
        return Err(AppError::invalid("password", "Vul uw wachtwoord in."));
    }
    if password.chars().count() > auth::MAX_PASSWORD_CHARS {
        return Err(AppError::invalid("password", "Dit wachtwoord is te lang."));
    }
    Ok(username)
}

/// An attempt that may go on to the password check.
pub enum Attempt {
    /// The attempt's row, and the account name as stored ("" for no account).
    Reserved { id: i64, account: String },
    /// Too many failures lately; the event was recorded once per burst.
    Throttled,
}

/// The name the audit trail shows for an attempt.
fn shown(account: &str) -> String {
    if account.is_empty() {
        "onbekende gebruiker".into()
    } else {
        account.to_string()
    }
}

/// Counts the attempt, or refuses it when the account or the address failed too often.
pub async fn reserve(
    w: &mut Write<Option<CurrentUser>>,
    config: &AuthConfig,
    account: &str,
    address: &str,
) -> Result<Attempt, AppError> {
    let since = db::timestamp(w.time.now - config.failure_window);
    let (by_account, by_address) =
        db::throttle::recent_failures(&mut w.tx, account, address, &since).await?;
    if by_account >= config.max_failures_per_account
        || by_address >= config.max_failures_per_address
    {
        // One audit event per burst, not one per request.
        if db::throttle::count_throttled(&mut w.tx, account, address, &w.time.at).await? {
            w.audit("login_throttled", "user", Some(shown(account)), None, None);
        }
        return Ok(Attempt::Throttled);
    }
    let id = db::throttle::reserve_attempt(&mut w.tx, account, address, &w.time.at).await?;
    Ok(Attempt::Reserved {
        id,
        account: account.to_string(),
    })
}

/// A failed password check, in the audit trail.
pub fn failed(w: &mut Write<Option<CurrentUser>>, account: &str) {
    w.audit("login_failed", "user", Some(shown(account)), None, None);
}

/// Starts the session of a verified user: `hash` is the new token's hash,
/// `previous` the hash of the session this browser had (it ends here).
pub async fn start(
    w: &mut Write<Option<CurrentUser>>,
    user_id: i64,
    attempt: i64,
    account: &str,
    hash: &str,
    previous: Option<&str>,
    address: &str,
) -> Result<(), AppError> {
    if let Some(previous) = previous {
        db::sessions::delete(&mut *w.tx, previous).await?;
    }
    db::sessions::create(&mut *w.tx, hash, user_id, &w.time.at, address).await?;
    db::throttle::succeeded(&mut w.tx, attempt, account).await?;
    w.user = db::users::get(&mut *w.tx, user_id)
        .await?
        .map(CurrentUser::from);
    w.audit("login", "session", None, None, None);
    Ok(())
}

/// Ends one session.
pub async fn end(w: &mut Write, hash: &str) -> Result<(), AppError> {
    db::sessions::delete(&mut *w.tx, hash).await?;
    w.audit("logout", "session", None, None, None);
    Ok(())
}

/// Ends every session of the user; how many there were.
pub async fn end_all(w: &mut Write) -> Result<u64, AppError> {
    let ended = db::sessions::delete_for_user(&mut *w.tx, w.user.id).await?;
    w.audit(
        "logout_everywhere",
        "session",
        None,
        None,
        Some(serde_json::json!({ "sessions": ended })),
    );
    Ok(ended)
}
