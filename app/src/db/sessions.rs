//! Server-side sessions.

pub async fn create<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    token_hash: &str,
    user_id: i64,
    now: &str,
    address: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, address) VALUES (?1, ?2, ?3, ?3, ?4)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(now)
    .bind(address)
    .execute(db)
    .await
    .map(|_| ())
}

/// A live session: the user is active, the session was seen after `idle_since`
/// and created after `created_since`. Returns the user and when the session
/// was last seen.
pub async fn find_live<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    token_hash: &str,
    idle_since: &str,
    created_since: &str,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.user_id, s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = ?1 AND s.last_seen_at >= ?2 AND s.created_at >= ?3 AND u.active = 1",
    )
    .bind(token_hash)
    .bind(idle_since)
    .bind(created_since)
    .fetch_optional(db)
    .await
}

pub async fn touch<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    token_hash: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1")
        .bind(token_hash)
        .bind(now)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn delete<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    token_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = ?1")
        .bind(token_hash)
        .execute(db)
        .await
        .map(|_| ())
}

/// Ends every session of a user; returns how many there were.
pub async fn delete_for_user<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    user_id: i64,
) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE user_id = ?1")
        .bind(user_id)
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}

/// Removes sessions that can no longer be used.
pub async fn purge_expired<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    idle_since: &str,
    created_since: &str,
) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE last_seen_at < ?1 OR created_at < ?2")
        .bind(idle_since)
        .bind(created_since)
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}
