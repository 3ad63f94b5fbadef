//! Sessions: the token and its keyed hash, the cookie, the signed-in user of
//! a request (looked up once, and cached for two seconds across requests),
//! and the signature on errors that travel in a redirect address.

use axum::http::header::{COOKIE, SET_COOKIE};
use sha2::{Digest, Sha256};

use super::*;

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
    cookie_token_in(&parts.headers)
}

fn cookie_token_in(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.to_string())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
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

/// The hash of the session token in these request headers, if any.
pub fn session_hash_in(headers: &axum::http::HeaderMap, config: &AuthConfig) -> Option<String> {
    cookie_token_in(headers).map(|t| token_hash(&config.session_secret, &t))
}

/// HMAC-SHA256 (RFC 2104).
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// Marks an error carried in a redirect address (`__err`, from a form posted
/// without JavaScript) as produced by this server for this browser's
/// session, so a crafted link cannot put words in the application's mouth.
pub fn error_signature(
    config: &AuthConfig,
    session: Option<&str>,
    path: &str,
    err: &str,
) -> String {
    let message = format!("{}\n{path}\n{err}", session.unwrap_or(""));
    hmac_sha256(&config.session_secret, message.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The hash of the request's session token, if it carries a well-formed one.
pub fn request_token_hash(config: &AuthConfig) -> Option<String> {
    parts()
        .as_ref()
        .and_then(cookie_token)
        .map(|t| token_hash(&config.session_secret, &t))
}

/// The signed-in user of this request, looked up once: every server function
/// a page calls asks for it again.
#[derive(Clone, Default)]
pub struct RequestUser(std::sync::Arc<std::sync::Mutex<Option<Option<CurrentUser>>>>);

impl RequestUser {
    fn cached() -> Option<Option<CurrentUser>> {
        use_context::<RequestUser>().and_then(|c| c.0.lock().ok().and_then(|g| g.clone()))
    }

    fn store(user: &Option<CurrentUser>) {
        if let Some(cache) = use_context::<RequestUser>()
            && let Ok(mut slot) = cache.0.lock()
        {
            *slot = Some(user.clone());
        }
    }

    /// After signing in or out the request's user changes.
    pub fn forget() {
        if let Some(cache) = use_context::<RequestUser>()
            && let Ok(mut slot) = cache.0.lock()
        {
            *slot = None;
        }
    }
}

/// Sessions the database confirmed within the last [`SessionCache::TRUST`]:
/// most requests of a page and its server functions need no session query.
/// Signing out, deactivating, changing a user or resetting a password
/// forget at once; anything else (expiry) is seen within that time.
#[derive(Clone, Debug, Default)]
pub struct SessionCache(
    std::sync::Arc<
        std::sync::Mutex<std::collections::HashMap<String, (CurrentUser, std::time::Instant)>>,
    >,
);

impl SessionCache {
    pub const TRUST: std::time::Duration = std::time::Duration::from_secs(2);

    fn get(&self, hash: &str) -> Option<CurrentUser> {
        let entries = self.0.lock().ok()?;
        entries
            .get(hash)
            .filter(|(_, at)| at.elapsed() < Self::TRUST)
            .map(|(user, _)| user.clone())
    }

    fn put(&self, hash: String, user: CurrentUser) {
        if let Ok(mut entries) = self.0.lock() {
            if entries.len() > 10_000 {
                entries.retain(|_, (_, at)| at.elapsed() < Self::TRUST);
            }
            entries.insert(hash, (user, std::time::Instant::now()));
        }
    }

    /// Forgets one session (signed out).
    pub fn forget(&self, hash: &str) {
        if let Ok(mut entries) = self.0.lock() {
            entries.remove(hash);
        }
    }

    /// Forgets every session (a user was changed, deactivated or reset).
    pub fn clear(&self) {
        if let Ok(mut entries) = self.0.lock() {
            entries.clear();
        }
    }
}

/// How stale `last_seen_at` may get before a request refreshes it: saves a
/// write per request, at the cost of idle expiry being up to this much early.
const TOUCH_AFTER_SECONDS: i64 = 60;

/// The signed-in user, if the request carries a live session.
pub async fn current_user() -> Result<Option<CurrentUser>, AppError> {
    if let Some(user) = RequestUser::cached() {
        return Ok(user);
    }
    let state = state()?;
    let user = match request_token_hash(&state.auth) {
        Some(hash) => session_user(&state, hash).await?,
        None => None,
    };
    RequestUser::store(&user);
    Ok(user)
}

/// The user of a request outside a server function (a download), by its cookie.
pub async fn user_of(state: &AppState, parts: &Parts) -> Result<Option<CurrentUser>, AppError> {
    match cookie_token(parts) {
        Some(token) => session_user(state, token_hash(&state.auth.session_secret, &token)).await,
        None => Ok(None),
    }
}

/// The user of a live session with this token hash.
async fn session_user(state: &AppState, hash: String) -> Result<Option<CurrentUser>, AppError> {
    if let Some(user) = state.sessions.get(&hash) {
        return Ok(Some(user));
    }
    let now = now();
    let idle_since = db::timestamp(now - state.auth.idle_timeout);
    let created_since = db::timestamp(now - state.auth.absolute_timeout);
    let Some((user, last_seen)) =
        db::users::by_session(&state.pool, &hash, &idle_since, &created_since).await?
    else {
        return Ok(None);
    };
    if last_seen < db::timestamp(now - chrono::Duration::seconds(TOUCH_AFTER_SECONDS)) {
        db::sessions::touch(&state.pool, &hash, &db::timestamp(now)).await?;
    }
    let user = CurrentUser::from(user);
    state.sessions.put(hash, user.clone());
    Ok(Some(user))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_the_rfc_4231_test_vectors() {
        let hex = |b: [u8; 32]| b.iter().map(|b| format!("{b:02x}")).collect::<String>();
        assert_eq!(
            hex(hmac_sha256(&[0x0b; 20], b"Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        assert_eq!(
            hex(hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn session_tokens_are_random_and_hashes_are_keyed() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_ne!(token_hash(b"key-1", &a), token_hash(b"key-2", &a));
        assert_eq!(temporary_password().len(), 16);
    }
}
