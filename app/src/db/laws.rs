//! The laws a knelpunt can sit in: every financing stream, and the laws the
//! administrator adds that are not one (Toeslagen, DUO, Woningwet…).

use sqlx::SqliteConnection;

use crate::model::LawRow;

/// Streams first, then the other laws by name; a law whose code is also a
/// stream's is the stream.
pub async fn all(conn: &mut SqliteConnection) -> Result<Vec<LawRow>, sqlx::Error> {
    let rows: Vec<(String, String, bool, i64, bool)> = sqlx::query_as(
        "SELECT code, name, active, version, 1 FROM streams
         UNION ALL
         SELECT code, name, active, version, 0 FROM laws WHERE code NOT IN (SELECT code FROM streams)
         ORDER BY 5 DESC, 2",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(code, name, active, version, is_stream)| LawRow {
            code,
            name,
            active,
            version,
            is_stream,
        })
        .collect())
}

/// Adds a law; `false` when the code is taken by a law or a stream.
pub async fn insert(
    conn: &mut SqliteConnection,
    code: &str,
    name: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO laws (code, name) SELECT ?1, ?2
         WHERE NOT EXISTS (SELECT 1 FROM streams WHERE code = ?1)
         ON CONFLICT (code) DO NOTHING",
    )
    .bind(code)
    .bind(name)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Renames or (de)activates a law loaded at `version`; `false` when someone
/// changed it in between (or it is a stream's).
pub async fn update(
    conn: &mut SqliteConnection,
    code: &str,
    name: &str,
    active: bool,
    version: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE laws SET name = ?2, active = ?3, version = version + 1 WHERE code = ?1 AND version = ?4",
    )
    .bind(code)
    .bind(name)
    .bind(active)
    .bind(version)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
