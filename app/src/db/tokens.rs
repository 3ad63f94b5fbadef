//! API tokens for the financial system. Only a hash of each secret is kept.

pub use crate::model::TokenRow;
use sqlx::SqliteConnection;

pub async fn insert(
    conn: &mut SqliteConnection,
    name: &str,
    prefix: &str,
    hash: &str,
    expires_on: &str,
    now: &str,
    user: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO api_tokens (name, prefix, secret_hash, created_at, created_by, expires_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
    )
    .bind(name)
    .bind(prefix)
    .bind(hash)
    .bind(now)
    .bind(user)
    .bind(expires_on)
    .fetch_one(&mut *conn)
    .await
}

/// Newest first.
pub async fn list(conn: &mut SqliteConnection) -> Result<Vec<TokenRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.id, t.name, t.prefix, t.created_at, u.display_name AS created_by, t.expires_on, t.revoked_at,
                t.last_used_at
         FROM api_tokens t JOIN users u ON u.id = t.created_by ORDER BY t.id DESC",
    )
    .fetch_all(&mut *conn)
    .await
}

/// Revokes a token; false when it was revoked already or does not exist.
pub async fn revoke(conn: &mut SqliteConnection, id: i64, now: &str) -> Result<bool, sqlx::Error> {
    sqlx::query("UPDATE api_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL")
        .bind(id)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected() == 1)
}

/// The token with this hash: (id, expires_on, revoked).
pub async fn find(
    conn: &mut SqliteConnection,
    hash: &str,
) -> Result<Option<(i64, String, bool)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, expires_on, revoked_at IS NOT NULL FROM api_tokens WHERE secret_hash = ?1",
    )
    .bind(hash)
    .fetch_optional(&mut *conn)
    .await
}

pub async fn touch(conn: &mut SqliteConnection, id: i64, now: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE api_tokens SET last_used_at = ?2 WHERE id = ?1")
        .bind(id)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map(|_| ())
}
