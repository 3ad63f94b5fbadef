//! Mandate levels: how much each approver may approve.

use doorbraak::Money;
use doorbraak::mandate::{MandateLevel, MandateTable};
use sqlx::SqliteConnection;

pub async fn mandates(conn: &mut SqliteConnection) -> Result<MandateTable, sqlx::Error> {
    let rows: Vec<(String, String, Option<i64>)> =
        sqlx::query_as("SELECT code, name, limit_cents FROM mandate_levels ORDER BY rank")
            .fetch_all(&mut *conn)
            .await?;
    let levels = rows
        .into_iter()
        .map(|(code, name, limit)| MandateLevel {
            code,
            name,
            limit: limit.and_then(|c| Money::from_cents(c).ok()),
        })
        .collect();
    MandateTable::new(levels)
        .map_err(|e| sqlx::Error::Protocol(format!("mandate configuration: {e}")))
}

/// Replaces the mandate levels, ranked in the given order (lowest limit
/// first). Levels are only ever added or changed, never dropped: users refer
/// to them.
pub async fn replace(
    conn: &mut SqliteConnection,
    levels: &[MandateLevel],
) -> Result<(), sqlx::Error> {
    // Ranks are unique: move them out of the way first.
    sqlx::query("UPDATE mandate_levels SET rank = -rank - 1")
        .execute(&mut *conn)
        .await?;
    for (rank, level) in levels.iter().enumerate() {
        sqlx::query(
            "INSERT INTO mandate_levels (code, name, limit_cents, rank) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, limit_cents = excluded.limit_cents, rank = excluded.rank",
        )
        .bind(&level.code)
        .bind(&level.name)
        .bind(level.limit.map(Money::cents))
        .bind(rank as i64)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
