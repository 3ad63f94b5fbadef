//! Configuration: settings, streams, catalogue, mandate levels, budget years.

use doorbraak::canvas::Horizon;
use doorbraak::mandate::{MandateLevel, MandateTable};
use doorbraak::stream::{AccountingCodes, Stream, StreamKind, StreamRegistry};
use doorbraak::{Money, StreamCode};
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

type StreamRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    bool,
    bool,
    bool,
);

/// Every active stream, as the core's registry.
pub async fn streams(conn: &mut SqliteConnection) -> Result<StreamRegistry, sqlx::Error> {
    let rows: Vec<StreamRow> = sqlx::query_as(
        "SELECT code, name, kind, taakveld, cost_centre, ledger_account, holds_reservation, has_agreement, active
         FROM streams WHERE active = 1 ORDER BY code",
    )
    .fetch_all(&mut *conn)
    .await?;
    let streams = rows
        .into_iter()
        .filter_map(
            |(code, name, kind, taakveld, cost_centre, ledger_account, holds, _, _)| {
                Some(Stream {
                    code: StreamCode::new(&code).ok()?,
                    name,
                    kind: if kind == "external" {
                        StreamKind::External
                    } else {
                        StreamKind::Internal
                    },
                    accounting: AccountingCodes {
                        taakveld: taakveld.unwrap_or_default(),
                        cost_centre,
                        ledger_account,
                    },
                    holds_reservation: holds,
                })
            },
        )
        .collect();
    StreamRegistry::new(streams)
        .map_err(|e| sqlx::Error::Protocol(format!("stream configuration: {e}")))
}

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

pub async fn budget_year_exists(
    conn: &mut SqliteConnection,
    year: i32,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM budget_years WHERE year = ?1)")
        .bind(year)
        .fetch_one(&mut *conn)
        .await
}
