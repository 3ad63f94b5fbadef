//! Configuration from environment variables, with defaults. Bad values stop
//! the start with a message that names the variable.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow, bail};

#[derive(Clone, Debug)]
pub struct Config {
    /// `DOORBRAAK_DATABASE`: the SQLite file (created when missing).
    pub database: PathBuf,
    /// `DOORBRAAK_ADDR`: where to listen.
    pub addr: SocketAddr,
    /// `DOORBRAAK_SESSION_SECRET`: keys the stored session-token hashes (≥ 32 characters).
    /// When unset, a random secret is kept in `session-secret` next to the database.
    pub session_secret: Option<String>,
    /// `DOORBRAAK_LOG`: a tracing filter, e.g. `info` or `doorbraak=debug`.
    pub log: String,
    /// `DOORBRAAK_SITE_ROOT`: the built front end (`pkg/doorbraak.{js,wasm,css}`).
    pub site_root: PathBuf,
    /// `DOORBRAAK_SECURE_COOKIES`: mark cookies Secure (set when served over HTTPS).
    pub secure_cookies: bool,
    /// `DOORBRAAK_SESSION_IDLE_MINUTES` (default 30) and `DOORBRAAK_SESSION_MAX_HOURS` (default 12).
    pub session_idle_minutes: i64,
    pub session_max_hours: i64,
    /// `DOORBRAAK_TRUSTED_PROXIES`: reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: app::proxies::TrustedProxies,
    /// `DOORBRAAK_PUBLIC_URL`: the origin people use (`https://doorbraak.gemeente.nl`).
    /// Posts from any other origin are refused. Unset: the listen address (and
    /// `localhost` for a loopback address).
    pub public_url: Option<String>,
    /// `DOORBRAAK_DEMO_HISTORY` (default true): with `--demo`, the earlier
    /// years have lived through chargebacks, claims and disputes.
    pub demo_history: bool,
    /// `DOORBRAAK_BACKUP_DIR`: where the server writes a checked backup every
    /// `DOORBRAAK_BACKUP_HOURS` (default 24), keeping the newest
    /// `DOORBRAAK_BACKUP_KEEP` (default 7). Unset: no scheduled backups.
    pub backups: Option<crate::backup::Schedule>,
    /// `DOORBRAAK_ERASURE` (default true): the daily erasure of household
    /// data past its retention terms. Off only where another copy of the
    /// same database runs it.
    pub erasure: bool,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn number(name: &str, default: i64, range: std::ops::RangeInclusive<i64>) -> anyhow::Result<i64> {
    match var(name) {
        None => Ok(default),
        Some(v) => {
            let n: i64 = v
                .trim()
                .parse()
                .map_err(|_| anyhow!("{name}={v:?} is not a whole number"))?;
            if !range.contains(&n) {
                bail!("{name}={n} is outside {}..={}", range.start(), range.end());
            }
            Ok(n)
        }
    }
}

impl Config {
    /// The defaults, with a database file and an address.
    pub fn new(database: PathBuf, addr: SocketAddr) -> Config {
        Config {
            database,
            addr,
            session_secret: None,
            log: "info".to_string(),
            site_root: PathBuf::from("target/site"),
            secure_cookies: false,
            session_idle_minutes: 30,
            session_max_hours: 12,
            trusted_proxies: Default::default(),
            public_url: None,
            demo_history: true,
            backups: None,
            erasure: true,
        }
    }

    /// The origins a browser may post from (`scheme://host[:port]`, lower case).
    pub fn allowed_origins(&self, bound: SocketAddr) -> Vec<String> {
        match &self.public_url {
            Some(url) => vec![url.clone()],
            None if bound.ip().is_loopback() => vec![
                format!("http://{bound}"),
                format!("http://localhost:{}", bound.port()),
            ],
            None => vec![format!("http://{bound}")],
        }
    }

    pub fn from_env() -> anyhow::Result<Config> {
        let addr_text = var("DOORBRAAK_ADDR").unwrap_or_else(|| "127.0.0.1:3000".to_string());
        let addr = addr_text.parse().map_err(|_| {
            anyhow!("DOORBRAAK_ADDR={addr_text:?} is not an address like 127.0.0.1:3000")
        })?;
        let session_secret = var("DOORBRAAK_SESSION_SECRET");
        if session_secret.as_ref().is_some_and(|s| s.len() < 32) {
            bail!("DOORBRAAK_SESSION_SECRET must be at least 32 characters long");
        }
        let secure_cookies = match var("DOORBRAAK_SECURE_COOKIES").as_deref() {
            None | Some("false" | "0") => false,
            Some("true" | "1") => true,
            Some(other) => bail!("DOORBRAAK_SECURE_COOKIES={other:?} must be true or false"),
        };
        let trusted_proxies = app::proxies::TrustedProxies::parse(
            &var("DOORBRAAK_TRUSTED_PROXIES").unwrap_or_default(),
        )
        .map_err(|entry| {
            anyhow!("DOORBRAAK_TRUSTED_PROXIES: {entry:?} is not an address or network like 10.0.0.1 or 10.0.0.0/8")
        })?;
        let public_url = var("DOORBRAAK_PUBLIC_URL")
            .map(|u| public_origin(&u))
            .transpose()?;
        let demo_history = match var("DOORBRAAK_DEMO_HISTORY").as_deref() {
            None | Some("true" | "1") => true,
            Some("false" | "0") => false,
            Some(other) => bail!("DOORBRAAK_DEMO_HISTORY={other:?} must be true or false"),
        };
        let backups = match var("DOORBRAAK_BACKUP_DIR") {
            None => None,
            Some(dir) => Some(crate::backup::Schedule {
                folder: PathBuf::from(dir),
                every: std::time::Duration::from_secs(
                    3600 * number("DOORBRAAK_BACKUP_HOURS", 24, 1..=24 * 31)? as u64,
                ),
                keep: number("DOORBRAAK_BACKUP_KEEP", 7, 1..=1000)? as usize,
            }),
        };
        let erasure = match var("DOORBRAAK_ERASURE").as_deref() {
            None | Some("true" | "1") => true,
            Some("false" | "0") => false,
            Some(other) => bail!("DOORBRAAK_ERASURE={other:?} must be true or false"),
        };
        Ok(Config {
            erasure,
            backups,
            trusted_proxies,
            public_url,
            demo_history,
            database: var("DOORBRAAK_DATABASE")
                .map_or_else(|| PathBuf::from("data/doorbraak.db"), PathBuf::from),
            addr,
            session_secret,
            log: var("DOORBRAAK_LOG").unwrap_or_else(|| "info".to_string()),
            site_root: var("DOORBRAAK_SITE_ROOT")
                .map_or_else(|| PathBuf::from("target/site"), PathBuf::from),
            secure_cookies,
            session_idle_minutes: number("DOORBRAAK_SESSION_IDLE_MINUTES", 30, 1..=24 * 60)?,
            session_max_hours: number("DOORBRAAK_SESSION_MAX_HOURS", 12, 1..=24 * 30)?,
        })
    }

    /// The session secret: configured, or kept in a file next to the database.
    pub fn resolve_session_secret(&self) -> anyhow::Result<Vec<u8>> {
        if let Some(secret) = &self.session_secret {
            return Ok(secret.as_bytes().to_vec());
        }
        let path = self
            .database
            .parent()
            .unwrap_or(Path::new("."))
            .join("session-secret");
        if let Ok(existing) = std::fs::read_to_string(&path)
            && existing.trim().len() >= 32
        {
            return Ok(existing.trim().as_bytes().to_vec());
        }
        let secret = app::auth::random_token();
        std::fs::write(&path, &secret)
            .with_context(|| format!("cannot write the session secret to {}", path.display()))?;
        restrict_permissions(&path);
        Ok(secret.into_bytes())
    }
}

/// `https://host[:port]` in lower case, without a trailing slash; anything
/// with a path, query or another scheme is refused.
pub fn public_origin(url: &str) -> anyhow::Result<String> {
    let url = url.trim().trim_end_matches('/').to_ascii_lowercase();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .filter(|host| {
            !host.is_empty()
                && host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        });
    match rest {
        Some(_) => Ok(url),
        None => bail!(
            "DOORBRAAK_PUBLIC_URL={url:?} must be an origin like https://doorbraak.gemeente.nl (no path)"
        ),
    }
}

#[cfg(unix)]
pub(crate) fn restrict_permissions(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
}

#[cfg(not(unix))]
pub(crate) fn restrict_permissions(_: &Path) {}
