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
        Ok(Config {
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

#[cfg(unix)]
fn restrict_permissions(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
}

#[cfg(not(unix))]
fn restrict_permissions(_: &Path) {}
