//! Settings: single values the administrator sets (the default horizon).

use doorbraak::canvas::Horizon;
use sqlx::SqliteConnection;

pub async fn setting(
    conn: &mut SqliteConnection,
    key: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT value FROM settings WHERE key = ?1")
        .bind(key)
        .fetch_optional(&mut *conn)
        .await
}

pub async fn set_setting(
    conn: &mut SqliteConnection,
    key: &str,
    value: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(key)
        .bind(value)
        .execute(&mut *conn)
        .await
        .map(|_| ())
}

pub async fn default_horizon(conn: &mut SqliteConnection) -> Result<Horizon, sqlx::Error> {
    let months = setting(conn, "default_horizon_months")
        .await?
        .and_then(|v| v.parse::<u16>().ok());
    Ok(months
        .and_then(|m| Horizon::months(m).ok())
        .unwrap_or_default())
}
