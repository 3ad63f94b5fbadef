//! Failed sign-ins, for throttling per account and per address, and the
//! bursts of throttled attempts. `username` is an existing account's name,
//! or '' when the typed name is no account (typed text is never kept).

use sqlx::SqliteConnection;

/// Counts an attempt before its password is checked: an attempt is a failure
/// until it succeeds, so parallel attempts see each other. Returns its id.
pub async fn reserve_attempt(
    conn: &mut SqliteConnection,
    username: &str,
    address: &str,
    at: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO login_failures (username, address, at) VALUES (?1, ?2, ?3) RETURNING id",
    )
    .bind(username)
    .bind(address)
    .bind(at)
    .fetch_one(&mut *conn)
    .await
}

/// Failures since `since` for this account (none for an unknown one) and for
/// this address.
pub async fn recent_failures(
    conn: &mut SqliteConnection,
    username: &str,
    address: &str,
    since: &str,
) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM login_failures WHERE ?1 <> '' AND username = ?1 AND at >= ?3),
                (SELECT count(*) FROM login_failures WHERE address = ?2 AND at >= ?3)",
    )
    .bind(username)
    .bind(address)
    .bind(since)
    .fetch_one(&mut *conn)
    .await
}

/// A successful sign-in: its own attempt was no failure, and the account's
/// earlier failures are forgiven.
pub async fn succeeded(
    conn: &mut SqliteConnection,
    attempt: i64,
    username: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_failures WHERE id = ?1 OR (username = ?2 AND ?2 <> '')")
        .bind(attempt)
        .bind(username)
        .execute(&mut *conn)
        .await
        .map(|_| ())
}

/// Forgets failures older than the throttling window.
pub async fn purge_before<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    before: &str,
) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM login_failures WHERE at < ?1")
        .bind(before)
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}

/// Counts a throttled attempt in its burst. Returns true when it starts a
/// new burst (the one attempt of it that is audited at once).
pub async fn count_throttled(
    conn: &mut SqliteConnection,
    username: &str,
    address: &str,
    at: &str,
) -> Result<bool, sqlx::Error> {
    let attempts: i64 = sqlx::query_scalar(
        "INSERT INTO login_bursts (username, address, first_at, last_at, attempts)
         VALUES (?1, ?2, ?3, ?3, 1)
         ON CONFLICT (username, address) DO UPDATE SET last_at = ?3, attempts = attempts + 1
         RETURNING attempts",
    )
    .bind(username)
    .bind(address)
    .bind(at)
    .fetch_one(&mut *conn)
    .await?;
    Ok(attempts == 1)
}

/// A burst that has been quiet since before the window.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EndedBurst {
    pub username: String,
    pub address: String,
    pub first_at: String,
    pub last_at: String,
    pub attempts: i64,
}

/// Takes the bursts whose last attempt lies before `before` (removing them).
pub async fn take_ended_bursts(
    conn: &mut SqliteConnection,
    before: &str,
) -> Result<Vec<EndedBurst>, sqlx::Error> {
    sqlx::query_as(
        "DELETE FROM login_bursts WHERE last_at < ?1
         RETURNING username, address, first_at, last_at, attempts",
    )
    .bind(before)
    .fetch_all(&mut *conn)
    .await
}
