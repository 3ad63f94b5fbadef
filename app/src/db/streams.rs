//! Financing streams and the Iv3 taakvelden they are booked on.

use sqlx::SqliteConnection;

use doorbraak::StreamCode;
use doorbraak::stream::{AccountingCodes, Stream, StreamKind, StreamRegistry};

use crate::model::{StreamRecord, Taakveld};

/// One stream as the configuration stores it.
pub struct NewStream<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub kind: StreamKind,
    pub taakveld: Option<&'a str>,
    pub cost_centre: &'a str,
    pub ledger_account: &'a str,
    pub holds_reservation: bool,
    pub active: bool,
}

pub async fn count(conn: &mut SqliteConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM streams")
        .fetch_one(&mut *conn)
        .await
}

/// A stream as stored.
#[derive(sqlx::FromRow)]
struct StreamRow {
    code: String,
    name: String,
    kind: String,
    taakveld: Option<String>,
    cost_centre: String,
    ledger_account: String,
    holds_reservation: bool,
    active: bool,
    version: i64,
}

impl StreamRow {
    fn decode(self) -> Result<StreamRecord, sqlx::Error> {
        let corrupt = |what: String| super::decode::corrupt("streams", &self.code, what);
        let code = StreamCode::new(&self.code).map_err(|e| corrupt(e.to_string()))?;
        let kind = StreamKind::from_code(&self.kind)
            .ok_or_else(|| corrupt(format!("unknown kind {:?}", self.kind)))?;
        Ok(StreamRecord {
            stream: Stream {
                code,
                kind,
                accounting: AccountingCodes {
                    taakveld: self.taakveld.unwrap_or_default(),
                    cost_centre: self.cost_centre,
                    ledger_account: self.ledger_account,
                },
                name: self.name,
                holds_reservation: self.holds_reservation,
                active: self.active,
            },
            version: self.version,
        })
    }
}

/// Every stream, active or not, the active ones first.
pub async fn list(conn: &mut SqliteConnection) -> Result<Vec<StreamRecord>, sqlx::Error> {
    sqlx::query_as::<_, StreamRow>(
        "SELECT code, name, kind, taakveld, cost_centre, ledger_account, holds_reservation, active, version
         FROM streams ORDER BY active DESC, code",
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(StreamRow::decode)
    .collect()
}

pub async fn get(
    conn: &mut SqliteConnection,
    code: &str,
) -> Result<Option<StreamRecord>, sqlx::Error> {
    Ok(list(conn)
        .await?
        .into_iter()
        .find(|s| s.stream.code.as_str() == code))
}

/// Every stream, active or not, as the core's registry (history may name
/// a stream that is no longer active; new work asks for the active ones).
pub async fn registry(conn: &mut SqliteConnection) -> Result<StreamRegistry, sqlx::Error> {
    let streams = list(conn).await?.into_iter().map(|r| r.stream).collect();
    StreamRegistry::new(streams)
        .map_err(|e| sqlx::Error::Protocol(format!("stream configuration: {e}")))
}

/// Inserts a stream; `false` when the code is taken.
pub async fn insert(conn: &mut SqliteConnection, s: &NewStream<'_>) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO streams (code, name, kind, taakveld, cost_centre, ledger_account, holds_reservation, active)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (code) DO NOTHING",
    )
    .bind(s.code)
    .bind(s.name)
    .bind(s.kind.code())
    .bind(s.taakveld)
    .bind(s.cost_centre)
    .bind(s.ledger_account)
    .bind(s.holds_reservation)
    .bind(s.active)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Updates the editable parts of a stream loaded at `version`; `false` when
/// someone changed it in between. The code, kind and reservation role stay.
pub async fn update(
    conn: &mut SqliteConnection,
    s: &NewStream<'_>,
    version: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE streams SET name = ?2, taakveld = ?3, cost_centre = ?4, ledger_account = ?5,
                active = ?6, version = version + 1
         WHERE code = ?1 AND version = ?7",
    )
    .bind(s.code)
    .bind(s.name)
    .bind(s.taakveld)
    .bind(s.cost_centre)
    .bind(s.ledger_account)
    .bind(s.active)
    .bind(version)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// How many active catalogue items are booked on a stream.
pub async fn active_items(conn: &mut SqliteConnection, code: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM catalogue_items WHERE stream_code = ?1 AND active = 1")
        .bind(code)
        .fetch_one(&mut *conn)
        .await
}

pub async fn insert_taakveld(
    conn: &mut SqliteConnection,
    code: &str,
    label: &str,
    deprecated: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO iv3_taakvelden (code, label, deprecated) VALUES (?1, ?2, ?3)")
        .bind(code)
        .bind(label)
        .bind(deprecated)
        .execute(&mut *conn)
        .await
        .map(|_| ())
}

/// The taakvelden a stream may be booked on (not the deprecated ones).
pub async fn taakvelden(conn: &mut SqliteConnection) -> Result<Vec<Taakveld>, sqlx::Error> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT code, label FROM iv3_taakvelden WHERE deprecated = 0 ORDER BY code")
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(code, label)| Taakveld { code, label })
        .collect())
}
