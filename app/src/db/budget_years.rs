//! Budget years: the fund's yearly reservation and how it is accounted.

use sqlx::SqliteConnection;

use crate::model::BudgetYearView;

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
