//! Sign-in, sign-out and who is signed in: thin server functions over
//! `services::session`.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::SessionView;

#[cfg(feature = "ssr")]
use crate::services::session::{self as service, Attempt};
#[cfg(feature = "ssr")]
use crate::{auth, context, db};

/// Who is signed in, and the municipality's name. Public.
#[server(endpoint = "session")]
pub async fn session() -> Result<SessionView, AppError> {
    context::respond(
        async {
            Ok(SessionView {
                municipality: auth::state()?.municipality.clone(),
                has_logo: auth::state()?.has_logo,
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
    context::respond(
        async move {
            let username = service::credentials(&username, &password)?;
            let state = auth::state()?;
            let config = state.auth.clone();
            let address = auth::client_address();
            let credentials = db::users::credentials(&state.pool, &username).await?;
            let account = if credentials.is_some() {
                username
            } else {
                String::new()
            };
            let attempt = context::write_public(async |w| {
                service::reserve(w, &config, &account, &address).await
            })
            .await?;
            let Attempt::Reserved {
                id: attempt,
                account,
            } = attempt
            else {
                return Err(AppError::TooManyAttempts {
                    minutes: config.failure_window.num_minutes(),
                });
            };
            let hash = credentials.as_ref().map(|c| c.password_hash.clone());
            let verified = auth::verify_password_async(hash, password).await?
                && credentials.as_ref().is_some_and(|c| c.active);
            let Some(user) = credentials.filter(|_| verified) else {
                context::write_public(async |w| {
                    service::failed(w, &account);
                    Ok(())
                })
                .await?;
                return Err(AppError::BadCredentials);
            };
            let token = auth::random_token();
            let hash = auth::token_hash(&config.session_secret, &token);
            // Session rotation: whatever session this browser had ends here.
            let previous = auth::request_token_hash(&config);
            context::write_public(async |w| {
                service::start(
                    w,
                    user.id,
                    attempt,
                    &account,
                    &hash,
                    previous.as_deref(),
                    &address,
                )
                .await
            })
            .await?;
            if let Some(previous) = &previous {
                state.sessions.forget(previous);
            }
            auth::set_session_cookie(&token, &config);
            auth::RequestUser::forget();
            Ok(())
        }
        .await,
    )
}

/// Signs out: the session is deleted on the server and the cookie cleared.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    context::respond(
        async {
            let state = auth::state()?;
            if let Some(hash) = auth::request_token_hash(&state.auth) {
                context::write(&[], async |w| service::end(w, &hash).await).await?;
                state.sessions.forget(&hash);
            } else {
                context::require(&[]).await?;
            }
            auth::clear_session_cookie(&state.auth);
            auth::RequestUser::forget();
            // A form lands on the sign-in page, with no way back to the page
            // the next person at this computer should not see.
            leptos_axum::redirect("/inloggen");
            Ok(())
        }
        .await,
    )
}

/// Signs out on every device: all of the user's sessions end.
#[server(endpoint = "logout_everywhere")]
pub async fn logout_everywhere() -> Result<u64, AppError> {
    context::respond(
        async {
            let state = auth::state()?;
            let ended = context::write(&[], async |w| service::end_all(w).await).await?;
            state.sessions.clear();
            auth::clear_session_cookie(&state.auth);
            auth::RequestUser::forget();
            leptos_axum::redirect("/inloggen");
            Ok(ended)
        }
        .await,
    )
}
