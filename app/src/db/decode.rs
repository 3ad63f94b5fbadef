//! Values read back into the core's types, or a loud failure: a status the
//! code does not know, or cents outside what `Money` holds, means a corrupt
//! row. It is logged with its table and id and becomes an internal error —
//! never a silent default such as `Draft` or `€ 0,00` (TigerBeetle's "assert
//! after reading as before writing").

use chrono::NaiveDate;
use doorbraak::lifecycle::Status;
use doorbraak::{Money, StreamCode};

/// A row that does not decode: logged here, an internal error for the caller.
/// `id` is the row's id or, for a table keyed by code, its code.
pub fn corrupt(table: &'static str, id: impl std::fmt::Display, what: String) -> sqlx::Error {
    tracing::error!(table, id = %id, problem = %what, "a stored row does not decode");
    sqlx::Error::Decode(format!("{table} {id}: {what}").into())
}

/// A case status code.
pub fn status(table: &'static str, id: i64, code: &str) -> Result<Status, sqlx::Error> {
    Status::from_code(code).ok_or_else(|| corrupt(table, id, format!("unknown status {code:?}")))
}

/// A code the core knows (`parse` is its `from_code`).
pub fn code<T>(
    table: &'static str,
    id: i64,
    column: &str,
    value: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T, sqlx::Error> {
    parse(value).ok_or_else(|| corrupt(table, id, format!("unknown {column} {value:?}")))
}

/// A stored calendar date (`2026-11-22`).
pub fn date(table: &'static str, id: i64, value: &str) -> Result<NaiveDate, sqlx::Error> {
    value
        .parse()
        .map_err(|_| corrupt(table, id, format!("date {value:?}")))
}

/// The Dutch calendar date of a stored timestamp (`2026-12-31T23:30:00.000Z` → 1 January).
pub fn dutch_date(table: &'static str, id: i64, value: &str) -> Result<NaiveDate, sqlx::Error> {
    chrono::DateTime::parse_from_rfc3339(value)
        .map(|at| doorbraak::dates::dutch_today(at.with_timezone(&chrono::Utc)))
        .map_err(|_| corrupt(table, id, format!("timestamp {value:?}")))
}

/// A stream code.
pub fn stream(table: &'static str, id: i64, value: &str) -> Result<StreamCode, sqlx::Error> {
    StreamCode::new(value).map_err(|_| corrupt(table, id, format!("stream {value:?}")))
}

/// An amount in cents.
pub fn money(table: &'static str, id: i64, cents: i64) -> Result<Money, sqlx::Error> {
    Money::from_cents(cents).map_err(|e| corrupt(table, id, format!("{cents} cents: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_codes_and_impossible_amounts_fail_instead_of_defaulting() {
        assert_eq!(status("cases", 1, "settled").ok(), Some(Status::Settled));
        assert!(matches!(
            status("cases", 1, "gesloten"),
            Err(sqlx::Error::Decode(_))
        ));
        assert_eq!(
            money("payments", 2, 12_345).ok(),
            Money::from_cents(12_345).ok()
        );
        let err = money("payments", 2, i64::MAX).expect_err("out of range");
        assert!(err.to_string().contains("payments 2"), "{err}");
    }
}
