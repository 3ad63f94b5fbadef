//! Failed sign-ins, for throttling per account and per address.

pub async fn record_failure<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    username: &str,
    address: &str,
    at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO login_failures (username, address, at) VALUES (?1, ?2, ?3)")
        .bind(username)
        .bind(address)
        .bind(at)
        .execute(db)
        .await
        .map(|_| ())
}

/// Failures since `since` for this account and for this address.
pub async fn recent_failures<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    username: &str,
    address: &str,
    since: &str,
) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM login_failures WHERE username = ?1 AND at >= ?3),
                (SELECT count(*) FROM login_failures WHERE address = ?2 AND at >= ?3)",
    )
    .bind(username)
    .bind(address)
    .bind(since)
    .fetch_one(db)
    .await
}

/// A successful sign-in clears the account's failures.
pub async fn clear_for_user<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    username: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_failures WHERE username = ?1")
        .bind(username)
        .execute(db)
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
