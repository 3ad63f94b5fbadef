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

/// One catalogue row to import.
pub struct ImportItem<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub unit: &'a str,
    pub unit_label: &'a str,
    pub stream: &'a str,
    pub source: &'a str,
    pub confidence: &'a str,
    pub price: Option<(Money, String)>,
}

pub async fn insert_catalogue_item(
    conn: &mut SqliteConnection,
    item: &ImportItem<'_>,
) -> Result<(), sqlx::Error> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO catalogue_items (code, name, unit, unit_label, stream_code, source, confidence, active)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
    )
    .bind(item.code)
    .bind(item.name)
    .bind(item.unit)
    .bind(item.unit_label)
    .bind(item.stream)
    .bind(item.source)
    .bind(item.confidence)
    .bind(item.price.is_some())
    .fetch_one(&mut *conn)
    .await?;
    if let Some((price, valid_from)) = &item.price {
        sqlx::query(
            "INSERT INTO catalogue_prices (item_id, valid_from, price_cents) VALUES (?1, ?2, ?3)",
        )
        .bind(id)
        .bind(valid_from)
        .bind(price.cents())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Active catalogue items with the price valid on `date`:
/// (code, name, unit, unit label, stream, price in cents).
pub async fn catalogue(
    conn: &mut SqliteConnection,
    date: &str,
) -> Result<Vec<(String, String, String, String, String, Option<i64>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT i.code, i.name, i.unit, i.unit_label, i.stream_code,
                (SELECT p.price_cents FROM catalogue_prices p
                 WHERE p.item_id = i.id AND p.valid_from <= ?1 AND (p.valid_to IS NULL OR p.valid_to >= ?1)
                 ORDER BY p.valid_from DESC LIMIT 1)
         FROM catalogue_items i WHERE i.active = 1 ORDER BY i.code",
    )
    .bind(date)
    .fetch_all(&mut *conn)
    .await
}
