//! Authentication and authorization on the server: password hashing (argon2id),
//! session tokens, the session cookie and the role check every server function
//! starts with.

use std::cell::RefCell;
use std::net::SocketAddr;
use std::sync::OnceLock;

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
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
    /// The municipality's name, read once at start.
    pub municipality: String,
    /// Who opened which case, committed in groups.
    pub access: crate::access_log::AccessLog,
}

/// The one place that reads the clock.
pub fn now() -> DateTime<Utc> {
    Utc::now()
}

/// Today's date (UTC), from the one clock.
pub fn today() -> chrono::NaiveDate {
    now().date_naive()
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

/// Password hashing is slow and memory-hungry on purpose (argon2id, 19 MiB a
/// hash). It runs on two dedicated threads, off the async workers: a burst of
/// sign-ins neither stalls other requests nor spreads 19 MiB buffers over
/// ever more threads' allocator arenas.
type Job = Box<dyn FnOnce() + Send>;

fn hashing_queue() -> &'static std::sync::Mutex<std::sync::mpsc::Sender<Job>> {
    static QUEUE: OnceLock<std::sync::Mutex<std::sync::mpsc::Sender<Job>>> = OnceLock::new();
    QUEUE.get_or_init(|| {
        let (sender, receiver) = std::sync::mpsc::channel::<Job>();
        let receiver = std::sync::Arc::new(std::sync::Mutex::new(receiver));
        for n in 0..2 {
            let receiver = receiver.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("password-{n}"))
                .spawn(move || {
                    loop {
                        let job = match receiver.lock() {
                            Ok(r) => r.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a password thread");
            }
        }
        std::sync::Mutex::new(sender)
    })
}

async fn limited<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let (done, result) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = done.send(work());
    });
    hashing_queue()
        .lock()
        .map_err(|_| AppError::Internal)?
        .send(job)
        .map_err(|_| AppError::Internal)?;
    result.await.map_err(|_| {
        tracing::error!("password task failed");
        AppError::Internal
    })
}

/// Hashes a password on the password threads.
pub async fn hash_password_async(password: String) -> Result<String, AppError> {
    limited(move || hash_password(&password)).await?
}

/// Verifies a password (or, for an unknown user, spends the same time) on the
/// password threads.
pub async fn verify_password_async(
    hash: Option<String>,
    password: String,
) -> Result<bool, AppError> {
    limited(move || match hash {
        Some(hash) => verify_password(&hash, &password),
        None => {
            spend_equal_time(&password);
            false
        }
    })
    .await
}

/// Runs argon2id with this thread's reusable working memory (19 MiB with the
/// default parameters), so hashing allocates it once per password thread.
fn argon2_into(
    params: Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), argon2::Error> {
    thread_local!(static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) });
    BLOCKS.with(|blocks| {
        let mut blocks = blocks.borrow_mut();
        let needed = params.block_count();
        if blocks.len() < needed {
            blocks.resize(needed, Block::default());
        }
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params).hash_password_into_with_memory(
            password,
            salt,
            out,
            &mut blocks[..needed],
        )
    })
}

/// An argon2id hash in PHC string format (`$argon2id$v=19$m=19456,t=2,p=1$…`).
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let fail = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "password hashing failed");
        AppError::Internal
    };
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes).map_err(|e| fail(&e))?;
    let params = Params::default();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon2_into(params.clone(), password.as_bytes(), salt_bytes, &mut out).map_err(|e| fail(&e))?;
    let phc = PasswordHash {
        algorithm: argon2::ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| fail(&e))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| fail(&e))?),
    };
    Ok(phc.to_string())
}

/// Checks a password against a stored argon2id hash, in constant time.
pub fn verify_password(hash: &str, password: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Ok(params), Some(salt), Some(expected)) =
        (Params::try_from(&parsed), parsed.salt, parsed.hash)
    else {
        return false;
    };
    if parsed.algorithm != argon2::ARGON2ID_IDENT {
        return false;
    }
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    if argon2_into(params, password.as_bytes(), salt, &mut out).is_err() {
        return false;
    }
    Output::new(&out).is_ok_and(|computed| computed == expected)
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

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    #[test]
    fn hashes_are_standard_argon2id_and_verify_both_ways() {
        let ours = hash_password("een-lang-wachtwoord").expect("hash");
        assert!(ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password(&ours, "een-lang-wachtwoord"));
        assert!(!verify_password(&ours, "een-ander-wachtwoord"));
        let parsed = PasswordHash::new(&ours).expect("phc");
        assert!(
            Argon2::default()
                .verify_password(b"een-lang-wachtwoord", &parsed)
                .is_ok()
        );
        let theirs = Argon2::default()
            .hash_password(b"nog-een-wachtwoord", &SaltString::generate(&mut OsRng))
            .expect("hash")
            .to_string();
        assert!(verify_password(&theirs, "nog-een-wachtwoord"));
        assert!(!verify_password("not a hash", "x"));
        assert!(!verify_password(
            "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
            "x"
        ));
    }

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
