//! The accrual variant in the ledger: what was pre-booked per stream in a
//! year, what the runs realised, and what the true-up booked.

use sqlx::SqliteConnection;

/// Whether the budget year runs in accrual mode (None: no such year).
pub async fn is_accrual(
    conn: &mut SqliteConnection,
    year: i32,
) -> Result<Option<bool>, sqlx::Error> {
    sqlx::query_scalar("SELECT mode = 'accrual' FROM budget_years WHERE year = ?1")
        .bind(year)
        .fetch_optional(&mut *conn)
        .await
}

/// The accrual years whose true-up was booked.
pub async fn trued_up_years(
    conn: &mut SqliteConnection,
) -> Result<std::collections::BTreeSet<i32>, sqlx::Error> {
    let years: Vec<i32> = sqlx::query_scalar("SELECT year FROM accrual_true_ups")
        .fetch_all(&mut *conn)
        .await?;
    Ok(years.into_iter().collect())
}

/// Records that `year` was trued up on `on`; false when it already was.
pub async fn record_true_up(
    conn: &mut SqliteConnection,
    year: i32,
    on: chrono::NaiveDate,
    now: &str,
    user: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO accrual_true_ups (year, trued_up_on, created_at, created_by) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (year) DO NOTHING",
    )
    .bind(year)
    .bind(on.format("%Y-%m-%d").to_string())
    .bind(now)
    .bind(user)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Per stream, the amount its budget was debited by ledger transactions of
/// `kind` (prebook or true_up) for `year`, and by their reversals, in cents
/// (a refund is negative).
pub async fn booked(
    conn: &mut SqliteConnection,
    kind: &str,
    year: i32,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.stream_code, -sum(p.amount_cents)
         FROM ledger_transactions t
         JOIN ledger_transactions o ON o.id = coalesce(t.reverses, t.id)
         JOIN ledger_postings p ON p.tx_id = t.id AND p.kind = 'budget'
         WHERE o.kind = ?1 AND o.year = ?2
         GROUP BY p.stream_code ORDER BY p.stream_code",
    )
    .bind(kind)
    .bind(year)
    .fetch_all(&mut *conn)
    .await
}

/// Per stream, the internal chargebacks the runs realised for cases of
/// `year` (reversals subtracted), in cents.
pub async fn realised(
    conn: &mut SqliteConnection,
    year: i32,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT stream_code, sum(amount_cents) FROM run_charges
         WHERE kind = 'internal' AND year = ?1
         GROUP BY stream_code ORDER BY stream_code",
    )
    .bind(year)
    .fetch_all(&mut *conn)
    .await
}
