//! Sign-in, sign-out and who is signed in.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::SessionView;

#[cfg(feature = "ssr")]
use crate::{auth, db};

/// Who is signed in, and the municipality's name. Public.
#[server(endpoint = "session")]
pub async fn session() -> Result<SessionView, AppError> {
    auth::respond(
        async {
            let state = auth::state()?;
            Ok(SessionView {
                municipality: state.municipality.clone(),
                user: auth::current_user().await?,
            })
        }
        .await,
    )
}

/// Signs in. Wrong credentials, an inactive account and throttling all get a
/// Dutch message and change nothing but the failure count.
#[server(endpoint = "login")]
pub async fn login(username: String, password: String) -> Result<(), AppError> {
    auth::respond(
        async move {
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
            let state = auth::state()?;
            let config = &state.auth;
            let address = auth::client_address();
            let now = auth::now();
            let at = db::timestamp(now);
            let since = db::timestamp(now - config.failure_window);
            let credentials = db::users::credentials(&state.pool, &username).await?;
            // Typed text that is no account is never stored: not in the
            // failures, not in the audit trail.
            let account = if credentials.is_some() {
                username.clone()
            } else {
                String::new()
            };
            let shown = if account.is_empty() {
                "onbekende gebruiker"
            } else {
                account.as_str()
            };
            // Count the attempt before the (slow) password check, in one
            // write transaction: parallel attempts see each other, so no more
            // than the limit are ever evaluated.
            let mut tx = state.pool.begin_with("BEGIN IMMEDIATE").await?;
            let (by_account, by_address) =
                db::throttle::recent_failures(&mut tx, &account, &address, &since).await?;
            if by_account >= config.max_failures_per_account
                || by_address >= config.max_failures_per_address
            {
                // One audit event per burst, not one per request.
                if db::throttle::count_throttled(&mut tx, &account, &address, &at).await? {
                    auth::audit(
                        &mut *tx,
                        None,
                        "login_throttled",
                        "user",
                        Some(shown.to_string()),
                        None,
                        None,
                    )
                    .await?;
                }
                tx.commit().await?;
                return Err(AppError::TooManyAttempts {
                    minutes: config.failure_window.num_minutes(),
                });
            }
            let attempt = db::throttle::reserve_attempt(&mut tx, &account, &address, &at).await?;
            tx.commit().await?;
            let hash = credentials.as_ref().map(|c| c.password_hash.clone());
            let verified = auth::verify_password_async(hash, password).await?
                && credentials.as_ref().is_some_and(|c| c.active);
            let Some(user) = credentials.filter(|_| verified) else {
                auth::audit(
                    &state.pool,
                    None,
                    "login_failed",
                    "user",
                    Some(shown.to_string()),
                    None,
                    None,
                )
                .await?;
                return Err(AppError::BadCredentials);
            };
            let token = auth::random_token();
            let hash = auth::token_hash(&config.session_secret, &token);
            let mut tx = state.pool.begin_with("BEGIN IMMEDIATE").await?;
            // Session rotation: whatever session this browser had ends here.
            if let Some(previous) = auth::request_token_hash(config) {
                db::sessions::delete(&mut *tx, &previous).await?;
                state.sessions.forget(&previous);
            }
            db::sessions::create(&mut *tx, &hash, user.id, &at, &address).await?;
            db::throttle::succeeded(&mut tx, attempt, &account).await?;
            let actor = db::users::get(&mut *tx, user.id)
                .await?
                .map(crate::model::CurrentUser::from);
            auth::audit(
                &mut *tx,
                actor.as_ref(),
                "login",
                "session",
                None,
                None,
                None,
            )
            .await?;
            tx.commit().await?;
            auth::set_session_cookie(&token, config);
            auth::RequestUser::forget();
            Ok(())
        }
        .await,
    )
}

/// Signs out: the session is deleted on the server and the cookie cleared.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    auth::respond(
        async {
            let state = auth::state()?;
            let user = auth::require(&[]).await?;
            if let Some(hash) = auth::request_token_hash(&state.auth) {
                let mut tx = state.pool.begin().await?;
                db::sessions::delete(&mut *tx, &hash).await?;
                state.sessions.forget(&hash);
                auth::audit(&mut *tx, Some(&user), "logout", "session", None, None, None).await?;
                tx.commit().await?;
            }
            auth::clear_session_cookie(&state.auth);
            auth::RequestUser::forget();
            Ok(())
        }
        .await,
    )
}

/// Signs out on every device: all of the user's sessions end.
#[server(endpoint = "logout_everywhere")]
pub async fn logout_everywhere() -> Result<u64, AppError> {
    auth::respond(
        async {
            let state = auth::state()?;
            let user = auth::require(&[]).await?;
            let mut tx = state.pool.begin_with("BEGIN IMMEDIATE").await?;
            let ended = db::sessions::delete_for_user(&mut *tx, user.id).await?;
            let after = serde_json::json!({ "sessions": ended });
            auth::audit(
                &mut *tx,
                Some(&user),
                "logout_everywhere",
                "session",
                None,
                None,
                Some(after),
            )
            .await?;
            tx.commit().await?;
            state.sessions.clear();
            auth::clear_session_cookie(&state.auth);
            auth::RequestUser::forget();
            Ok(ended)
        }
        .await,
    )
}
