//! Claims on external payers: the paperwork next to the ledger's money.

pub use crate::model::ClaimRow;
use sqlx::{QueryBuilder, SqliteConnection};

use super::ledger::CHUNK;

type Tuple = (
    i64,
    i64,
    i64,
    String,
    String,
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
);

const COLUMNS: &str =
    "k.id, k.run_id, k.case_id, c.reference, k.stream_code, k.amount_cents, k.status,
    k.invoice_number, k.invoice_date, k.closed_on, k.reason, k.version
    FROM claims k JOIN cases c ON c.id = k.case_id";

fn from(t: Tuple) -> ClaimRow {
    ClaimRow {
        id: t.0,
        run_id: t.1,
        case_id: t.2,
        reference: t.3,
        stream: t.4,
        amount_cents: t.5,
        status: t.6,
        invoice_number: t.7,
        invoice_date: t.8,
        closed_on: t.9,
        reason: t.10,
        version: t.11,
    }
}

/// New open claims of a run: (case, stream, amount in cents).
pub async fn insert(
    conn: &mut SqliteConnection,
    run: i64,
    claims: &[(i64, String, i64)],
) -> Result<(), sqlx::Error> {
    for chunk in claims.chunks(CHUNK) {
        let mut q = QueryBuilder::new(
            "INSERT INTO claims (run_id, case_id, stream_code, amount_cents, status) ",
        );
        q.push_values(chunk, |mut b, (case, stream, cents)| {
            b.push_bind(run)
                .push_bind(*case)
                .push_bind(stream)
                .push_bind(*cents)
                .push_bind("open");
        });
        q.build().execute(&mut *conn).await?;
    }
    Ok(())
}

pub async fn get(conn: &mut SqliteConnection, id: i64) -> Result<Option<ClaimRow>, sqlx::Error> {
    let row: Option<Tuple> = sqlx::query_as(&format!("SELECT {COLUMNS} WHERE k.id = ?1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(from))
}

/// Claims with one of `statuses` (all when empty), newest first.
pub async fn list(
    conn: &mut SqliteConnection,
    statuses: &[&str],
    limit: i64,
) -> Result<Vec<ClaimRow>, sqlx::Error> {
    let mut q = QueryBuilder::new(format!("SELECT {COLUMNS} WHERE 1"));
    if !statuses.is_empty() {
        q.push(" AND k.status IN (");
        let mut list = q.separated(", ");
        for s in statuses {
            list.push_bind(*s);
        }
        q.push(")");
    }
    q.push(" ORDER BY k.id DESC LIMIT ").push_bind(limit);
    let rows: Vec<Tuple> = q.build_query_as().fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().map(from).collect())
}

/// The claims of a run (of one case when given).
pub async fn of_run(
    conn: &mut SqliteConnection,
    run: i64,
    case: Option<i64>,
) -> Result<Vec<ClaimRow>, sqlx::Error> {
    let rows: Vec<Tuple> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} WHERE k.run_id = ?1 AND (?2 IS NULL OR k.case_id = ?2) ORDER BY k.id"
    ))
    .bind(run)
    .bind(case)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(from).collect())
}

/// Whether an invoice number is taken.
pub async fn invoice_number_used(
    conn: &mut SqliteConnection,
    number: &str,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM claims WHERE invoice_number = ?1)")
        .bind(number)
        .fetch_one(&mut *conn)
        .await
}

/// open → invoiced; false when the claim changed since `version`.
pub async fn invoice(
    conn: &mut SqliteConnection,
    id: i64,
    version: i64,
    number: &str,
    date: &str,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE claims SET status = 'invoiced', invoice_number = ?3, invoice_date = ?4, version = version + 1
         WHERE id = ?1 AND version = ?2 AND status = 'open'",
    )
    .bind(id)
    .bind(version)
    .bind(number)
    .bind(date)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected() == 1)
}

/// invoiced → paid or refused (open → withdrawn for a reversal); false when stale.
pub async fn close(
    conn: &mut SqliteConnection,
    id: i64,
    version: i64,
    from: &str,
    to: &str,
    date: &str,
    reason: Option<&str>,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE claims SET status = ?4, closed_on = ?5, reason = ?6, version = version + 1
         WHERE id = ?1 AND version = ?2 AND status = ?3",
    )
    .bind(id)
    .bind(version)
    .bind(from)
    .bind(to)
    .bind(date)
    .bind(reason)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected() == 1)
}
