//! All SQL of Doorbraak, as free functions that take an executor. The server
//! function owns the transaction. Amounts are stored as integer cents, dates and
//! times as ISO text (UTC, milliseconds).

pub mod accrual;
pub mod agenda;
pub mod agreements;
pub mod audit;
pub mod budget_years;
pub mod cases;
pub mod catalogue;
pub mod claims;
pub mod dashboard;
pub mod decode;
pub mod evaluations;
pub mod laws;
pub mod ledger;
pub mod mandates;
pub mod retention;
pub mod reviews;
pub mod runs;
pub mod sessions;
pub mod settings;
pub mod streams;
pub mod teams;
pub mod templates;
pub mod throttle;
pub mod tokens;
pub mod users;

use chrono::{DateTime, Utc};
use sqlx::SqlitePool;

pub type Pool = SqlitePool;

/// The one format for stored timestamps; text order is time order.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// The municipality's name.
pub async fn municipality_name<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT name FROM municipality WHERE id = 1")
        .fetch_optional(db)
        .await
}

pub async fn set_municipality_name<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    name: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO municipality (id, name) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET name = excluded.name")
        .bind(name)
        .execute(db)
        .await
        .map(|_| ())
}
