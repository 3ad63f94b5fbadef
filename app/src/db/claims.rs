//! Claims on external payers: the paperwork next to the ledger's money.

use chrono::NaiveDate;
use doorbraak::claim::ClaimStatus;
use doorbraak::posting::PlannedClaim;
use sqlx::{QueryBuilder, SqliteConnection};

pub use crate::model::{ClaimRow, InvoiceRow};
use doorbraak::{Money, StreamCode};

use super::decode;
use super::ledger::CHUNK;

const COLUMNS: &str =
    "k.id, k.run_id, k.case_id, c.reference, k.stream_code, k.amount_cents, k.status,
    k.invoice_id, i.number AS invoice_number, i.invoice_date, k.closed_on, k.reason, k.version,
    a.version AS agreement_version, a.reference AS agreement_reference
    FROM claims k JOIN cases c ON c.id = k.case_id
    LEFT JOIN invoices i ON i.id = k.invoice_id
    LEFT JOIN run_charges rc ON rc.run_id = k.run_id AND rc.case_id = k.case_id AND rc.stream_code = k.stream_code
    LEFT JOIN agreements a ON a.id = rc.agreement_id";

#[derive(sqlx::FromRow)]
struct ClaimRecord {
    id: i64,
    run_id: i64,
    case_id: i64,
    reference: String,
    stream_code: String,
    amount_cents: i64,
    status: String,
    invoice_id: Option<i64>,
    invoice_number: Option<String>,
    invoice_date: Option<String>,
    closed_on: Option<String>,
    reason: Option<String>,
    version: i64,
    agreement_version: Option<i64>,
    agreement_reference: Option<String>,
}

impl ClaimRecord {
    fn decode(self) -> Result<ClaimRow, sqlx::Error> {
        const T: &str = "claims";
        let id = self.id;
        let date = |d: Option<String>| d.map(|d| decode::date(T, id, &d)).transpose();
        Ok(ClaimRow {
            id,
            run_id: self.run_id,
            case_id: self.case_id,
            reference: self.reference,
            stream: decode::stream(T, id, &self.stream_code)?,
            amount: decode::money(T, id, self.amount_cents)?,
            status: decode::code(T, id, "status", &self.status, ClaimStatus::from_code)?,
            invoice_id: self.invoice_id,
            invoice_number: self.invoice_number,
            invoice_date: date(self.invoice_date)?,
            closed_on: date(self.closed_on)?,
            reason: self.reason,
            version: self.version,
            agreement: self
                .agreement_version
                .zip(self.agreement_reference)
                .map(|(v, r)| crate::model::agreement_label(v, &r)),
        })
    }
}

fn decode_all(rows: Vec<ClaimRecord>) -> Result<Vec<ClaimRow>, sqlx::Error> {
    rows.into_iter().map(ClaimRecord::decode).collect()
}

/// A posting's new claims, open.
pub async fn insert(
    conn: &mut SqliteConnection,
    run: i64,
    claims: &[PlannedClaim],
) -> Result<(), sqlx::Error> {
    for chunk in claims.chunks(CHUNK) {
        let mut q = QueryBuilder::new(
            "INSERT INTO claims (run_id, case_id, stream_code, amount_cents, status) ",
        );
        q.push_values(chunk, |mut b, claim| {
            b.push_bind(run)
                .push_bind(claim.case)
                .push_bind(claim.stream.to_string())
                .push_bind(claim.amount.cents())
                .push_bind(ClaimStatus::Open.code());
        });
        q.build().execute(&mut *conn).await?;
    }
    Ok(())
}

pub async fn get(conn: &mut SqliteConnection, id: i64) -> Result<Option<ClaimRow>, sqlx::Error> {
    sqlx::query_as::<_, ClaimRecord>(&format!("SELECT {COLUMNS} WHERE k.id = ?1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .map(ClaimRecord::decode)
        .transpose()
}

/// Claims with one of `statuses` (all when empty), newest first.
pub async fn list(
    conn: &mut SqliteConnection,
    statuses: &[ClaimStatus],
    limit: i64,
) -> Result<Vec<ClaimRow>, sqlx::Error> {
    let mut q = QueryBuilder::new(format!("SELECT {COLUMNS} WHERE 1"));
    if !statuses.is_empty() {
        q.push(" AND k.status IN (");
        let mut list = q.separated(", ");
        for s in statuses {
            list.push_bind(s.code());
        }
        q.push(")");
    }
    q.push(" ORDER BY k.id DESC LIMIT ").push_bind(limit);
    decode_all(q.build_query_as().fetch_all(&mut *conn).await?)
}

/// The claims of a run (of one case when given).
pub async fn of_run(
    conn: &mut SqliteConnection,
    run: i64,
    case: Option<i64>,
) -> Result<Vec<ClaimRow>, sqlx::Error> {
    let rows: Vec<ClaimRecord> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} WHERE k.run_id = ?1 AND (?2 IS NULL OR k.case_id = ?2) ORDER BY k.id"
    ))
    .bind(run)
    .bind(case)
    .fetch_all(&mut *conn)
    .await?;
    decode_all(rows)
}

/// Whether an invoice number is taken.
pub async fn invoice_number_used(
    conn: &mut SqliteConnection,
    number: &str,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM invoices WHERE number = ?1)")
        .bind(number)
        .fetch_one(&mut *conn)
        .await
}

/// A new invoice on `stream`'s payer.
pub async fn insert_invoice(
    conn: &mut SqliteConnection,
    number: &str,
    stream: StreamCode,
    date: NaiveDate,
    now: &str,
    user: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO invoices (number, stream_code, invoice_date, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
    )
    .bind(number)
    .bind(stream.as_str())
    .bind(date.to_string())
    .bind(now)
    .bind(user)
    .fetch_one(&mut *conn)
    .await
}

/// open → invoiced on `invoice`; false when the claim changed since `version`.
pub async fn invoice(
    conn: &mut SqliteConnection,
    id: i64,
    version: i64,
    invoice: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE claims SET status = 'invoiced', invoice_id = ?3, version = version + 1
         WHERE id = ?1 AND version = ?2 AND status = 'open'",
    )
    .bind(id)
    .bind(version)
    .bind(invoice)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected() == 1)
}

#[derive(sqlx::FromRow)]
struct InvoiceRecord {
    id: i64,
    number: String,
    stream_code: String,
    invoice_date: String,
    claims: i64,
    total_cents: i64,
    paid: i64,
    refused: i64,
}

/// Invoices, newest first, with their claims counted by outcome.
pub async fn invoices(
    conn: &mut SqliteConnection,
    id: Option<i64>,
    limit: i64,
) -> Result<Vec<InvoiceRow>, sqlx::Error> {
    const T: &str = "invoices";
    let rows: Vec<InvoiceRecord> = sqlx::query_as(
        "SELECT i.id, i.number, i.stream_code, i.invoice_date, count(k.id) AS claims,
                coalesce(sum(k.amount_cents), 0) AS total_cents,
                coalesce(sum(k.status = 'paid'), 0) AS paid, coalesce(sum(k.status = 'refused'), 0) AS refused
         FROM invoices i LEFT JOIN claims k ON k.invoice_id = i.id
         WHERE ?1 IS NULL OR i.id = ?1
         GROUP BY i.id ORDER BY i.id DESC LIMIT ?2",
    )
    .bind(id)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(InvoiceRow {
                id: r.id,
                number: r.number,
                stream: decode::stream(T, r.id, &r.stream_code)?,
                date: decode::date(T, r.id, &r.invoice_date)?,
                claims: r.claims,
                total: decode::money(T, r.id, r.total_cents)?,
                paid: r.paid,
                refused: r.refused,
            })
        })
        .collect()
}

/// The claims of an invoice, by case reference: its specification.
pub async fn of_invoice(
    conn: &mut SqliteConnection,
    invoice: i64,
) -> Result<Vec<ClaimRow>, sqlx::Error> {
    let rows: Vec<ClaimRecord> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} WHERE k.invoice_id = ?1 ORDER BY c.reference, k.id"
    ))
    .bind(invoice)
    .fetch_all(&mut *conn)
    .await?;
    decode_all(rows)
}

/// Per payer: its open claims' count and total.
pub async fn open_by_payer(
    conn: &mut SqliteConnection,
) -> Result<Vec<(StreamCode, i64, Money)>, sqlx::Error> {
    const T: &str = "claims";
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT stream_code, count(*), sum(amount_cents) FROM claims WHERE status = 'open'
         GROUP BY stream_code ORDER BY stream_code",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(s, n, cents)| Ok((decode::stream(T, 0, &s)?, n, decode::money(T, 0, cents)?)))
        .collect()
}

/// The open claims on one payer, oldest first.
pub async fn open_of_payer(
    conn: &mut SqliteConnection,
    stream: StreamCode,
    limit: i64,
) -> Result<Vec<ClaimRow>, sqlx::Error> {
    let rows: Vec<ClaimRecord> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} WHERE k.status = 'open' AND k.stream_code = ?1 ORDER BY k.id LIMIT ?2"
    ))
    .bind(stream.as_str())
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    decode_all(rows)
}

/// Closes a claim the core moved `from` → `to` (paid, refused or
/// withdrawn); false when it changed since `version`.
#[allow(clippy::too_many_arguments)]
pub async fn close(
    conn: &mut SqliteConnection,
    id: i64,
    version: i64,
    from: ClaimStatus,
    to: ClaimStatus,
    date: NaiveDate,
    reason: Option<&str>,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE claims SET status = ?4, closed_on = ?5, reason = ?6, version = version + 1
         WHERE id = ?1 AND version = ?2 AND status = ?3",
    )
    .bind(id)
    .bind(version)
    .bind(from.code())
    .bind(to.code())
    .bind(date.to_string())
    .bind(reason)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected() == 1)
}
