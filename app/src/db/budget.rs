//! Mandate levels and budget years (the fund's yearly reservation).

use sqlx::SqliteConnection;

use crate::model::BudgetYearView;

/// Replaces the mandate levels, ranked in the given order (lowest limit
/// first). Levels are only ever added or changed, never dropped: users refer
/// to them.
pub async fn replace_mandates(
    conn: &mut SqliteConnection,
    levels: &[doorbraak::mandate::MandateLevel],
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
        .bind(level.limit.map(doorbraak::Money::cents))
        .bind(rank as i64)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

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
