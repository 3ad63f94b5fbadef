//! Budget years: the fund's yearly reservation and how it is accounted.

use sqlx::SqliteConnection;

use crate::model::{BudgetYearView, ClosingView, ReductionView};

use super::decode;

/// A new budget year with nothing reserved yet; `false` when it exists.
pub async fn create_year(
    conn: &mut SqliteConnection,
    year: i32,
    accrual: bool,
    now: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO budget_years (year, reservation_cents, mode, created_at) VALUES (?1, 0, ?2, ?3)
         ON CONFLICT (year) DO NOTHING",
    )
    .bind(year)
    .bind(if accrual { "accrual" } else { "cash" })
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Reserves `amount` more on the Wmo for a year's fund: books the funding and
/// raises the recorded reservation. The same `key` books once.
pub async fn fund(
    conn: &mut SqliteConnection,
    year: i32,
    amount: doorbraak::Money,
    key: &str,
    date: chrono::NaiveDate,
    now: &str,
    actor: Option<i64>,
) -> Result<(), super::ledger::BookError> {
    let op = doorbraak::ledger::Operation::Fund { year, amount, date };
    let receipt = super::ledger::execute(conn, key, op, now, actor).await?;
    if !receipt.replayed {
        sqlx::query(
            "UPDATE budget_years SET reservation_cents = reservation_cents + ?2 WHERE year = ?1",
        )
        .bind(year)
        .bind(amount.cents())
        .execute(&mut *conn)
        .await
        .map_err(super::ledger::BookError::Db)?;
    }
    Ok(())
}

pub async fn year_numbers(conn: &mut SqliteConnection) -> Result<Vec<i32>, sqlx::Error> {
    sqlx::query_scalar("SELECT year FROM budget_years ORDER BY year")
        .fetch_all(&mut *conn)
        .await
}

pub async fn years(conn: &mut SqliteConnection) -> Result<Vec<BudgetYearView>, sqlx::Error> {
    let rows: Vec<(i32, i64, String)> =
        sqlx::query_as("SELECT year, reservation_cents, mode FROM budget_years ORDER BY year DESC")
            .fetch_all(&mut *conn)
            .await?;
    let mut years = Vec::with_capacity(rows.len());
    for (year, reservation, mode) in rows {
        years.push(BudgetYearView {
            year,
            reservation: super::decode::money("budget_years", i64::from(year), reservation)?,
            accrual: match mode.as_str() {
                "accrual" => true,
                "cash" => false,
                other => {
                    return Err(super::decode::corrupt(
                        "budget_years",
                        i64::from(year),
                        format!("unknown mode {other:?}"),
                    ));
                }
            },
            position: super::ledger::position(conn, year).await?,
        });
    }
    Ok(years)
}

pub async fn exists(conn: &mut SqliteConnection, year: i32) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM budget_years WHERE year = ?1)")
        .bind(year)
        .fetch_one(&mut *conn)
        .await
}

/// Records the decision behind closing a year (the money moved in the ledger).
#[allow(clippy::too_many_arguments)]
pub async fn insert_closing(
    conn: &mut SqliteConnection,
    year: i32,
    carried_over: doorbraak::Money,
    returned: doorbraak::Money,
    decision: &str,
    reason: &str,
    closed_on: chrono::NaiveDate,
    tx: Option<i64>,
    now: &str,
    user: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO year_closings (year, carried_over_cents, returned_cents, decision, reason, closed_on, tx_id, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )
    .bind(year)
    .bind(carried_over.cents())
    .bind(returned.cents())
    .bind(decision)
    .bind(reason)
    .bind(closed_on.format("%Y-%m-%d").to_string())
    .bind(tx)
    .bind(now)
    .bind(user)
    .execute(&mut *conn)
    .await
    .map(|_| ())
}

#[derive(sqlx::FromRow)]
struct ClosingRecord {
    year: i64,
    carried_over_cents: i64,
    returned_cents: i64,
    decision: String,
    reason: String,
    closed_on: String,
    closed_by: String,
}

pub async fn closings(conn: &mut SqliteConnection) -> Result<Vec<ClosingView>, sqlx::Error> {
    const T: &str = "year_closings";
    let rows: Vec<ClosingRecord> = sqlx::query_as(
        "SELECT y.year, y.carried_over_cents, y.returned_cents, y.decision, y.reason, y.closed_on,
                u.display_name AS closed_by
         FROM year_closings y JOIN users u ON u.id = y.created_by ORDER BY y.year DESC",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(ClosingView {
                year: i32::try_from(r.year)
                    .map_err(|_| decode::corrupt(T, r.year, "year".into()))?,
                carried_over: decode::money(T, r.year, r.carried_over_cents)?,
                returned: decode::money(T, r.year, r.returned_cents)?,
                decision: r.decision,
                reason: r.reason,
                closed_on: decode::date(T, r.year, &r.closed_on)?,
                closed_by: r.closed_by,
            })
        })
        .collect()
}

/// Records why a year's reservation was reduced (the money moved in the ledger).
pub async fn insert_reduction(
    conn: &mut SqliteConnection,
    tx: i64,
    year: i32,
    amount: doorbraak::Money,
    reason: &str,
    now: &str,
    user: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO funding_reductions (tx_id, year, amount_cents, reason, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .bind(tx)
    .bind(year)
    .bind(amount.cents())
    .bind(reason)
    .bind(now)
    .bind(user)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE budget_years SET reservation_cents = reservation_cents - ?2 WHERE year = ?1",
    )
    .bind(year)
    .bind(amount.cents())
    .execute(&mut *conn)
    .await
    .map(|_| ())
}

#[derive(sqlx::FromRow)]
struct ReductionRecord {
    tx_id: i64,
    year: i64,
    amount_cents: i64,
    reason: String,
    tx_date: String,
    by: String,
}

pub async fn reductions(conn: &mut SqliteConnection) -> Result<Vec<ReductionView>, sqlx::Error> {
    const T: &str = "funding_reductions";
    let rows: Vec<ReductionRecord> = sqlx::query_as(
        "SELECT f.tx_id, f.year, f.amount_cents, f.reason, t.tx_date, u.display_name AS by
         FROM funding_reductions f
         JOIN ledger_transactions t ON t.id = f.tx_id
         JOIN users u ON u.id = f.created_by
         ORDER BY f.tx_id DESC",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(ReductionView {
                year: i32::try_from(r.year)
                    .map_err(|_| decode::corrupt(T, r.tx_id, "year".into()))?,
                amount: decode::money(T, r.tx_id, r.amount_cents)?,
                reason: r.reason,
                on: decode::date(T, r.tx_id, &r.tx_date)?,
                by: r.by,
            })
        })
        .collect()
}
