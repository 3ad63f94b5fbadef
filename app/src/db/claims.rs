//! Claims on external payers: the paperwork next to the ledger's money.

use chrono::NaiveDate;
use doorbraak::claim::ClaimStatus;
use doorbraak::posting::PlannedClaim;
use sqlx::{QueryBuilder, SqliteConnection};

pub use crate::model::ClaimRow;

use super::decode;
use super::ledger::CHUNK;

const COLUMNS: &str =
    "k.id, k.run_id, k.case_id, c.reference, k.stream_code, k.amount_cents, k.status,
    k.invoice_number, k.invoice_date, k.closed_on, k.reason, k.version,
    a.version AS agreement_version, a.reference AS agreement_reference
    FROM claims k JOIN cases c ON c.id = k.case_id
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
    date: NaiveDate,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE claims SET status = 'invoiced', invoice_number = ?3, invoice_date = ?4, version = version + 1
         WHERE id = ?1 AND version = ?2 AND status = 'open'",
    )
    .bind(id)
    .bind(version)
    .bind(number)
    .bind(date.to_string())
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected() == 1)
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
