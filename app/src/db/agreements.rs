//! Agreements (convenanten) with external payers, their versions, and what
//! of their yearly caps the posted runs used.

use chrono::NaiveDate;
use doorbraak::Percentage;
use doorbraak::agreement::Agreement;
use sqlx::SqliteConnection;

use super::decode;

#[derive(sqlx::FromRow)]
struct AgreementRecord {
    id: i64,
    stream_code: String,
    version: i64,
    valid_from: String,
    valid_to: Option<String>,
    share_bp: i64,
    yearly_cap_cents: Option<i64>,
    reference: String,
    row_version: i64,
}

impl AgreementRecord {
    fn decode(self) -> Result<(Agreement, i64), sqlx::Error> {
        const T: &str = "agreements";
        let id = self.id;
        let share = Percentage::new(rust_decimal::Decimal::new(self.share_bp, 2))
            .map_err(|e| decode::corrupt(T, id, format!("share {}: {e}", self.share_bp)))?;
        Ok((
            Agreement {
                id,
                stream: decode::stream(T, id, &self.stream_code)?,
                version: u32::try_from(self.version)
                    .map_err(|_| decode::corrupt(T, id, format!("version {}", self.version)))?,
                valid_from: decode::date(T, id, &self.valid_from)?,
                valid_to: self.valid_to.map(|d| decode::date(T, id, &d)).transpose()?,
                payer_share: share,
                yearly_cap: self
                    .yearly_cap_cents
                    .map(|c| decode::money(T, id, c))
                    .transpose()?,
                reference: self.reference,
            },
            self.row_version,
        ))
    }
}

const SELECT: &str =
    "SELECT id, stream_code, version, valid_from, valid_to, share_bp, yearly_cap_cents,
        reference, row_version FROM agreements";

/// Every version of every agreement, by stream and version, with its row version.
pub async fn all(conn: &mut SqliteConnection) -> Result<Vec<(Agreement, i64)>, sqlx::Error> {
    sqlx::query_as::<_, AgreementRecord>(&format!("{SELECT} ORDER BY stream_code, version"))
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(AgreementRecord::decode)
        .collect()
}

pub async fn get(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Option<(Agreement, i64)>, sqlx::Error> {
    sqlx::query_as::<_, AgreementRecord>(&format!("{SELECT} WHERE id = ?1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .map(AgreementRecord::decode)
        .transpose()
}

/// The next version number of a stream's agreement.
pub async fn next_version(conn: &mut SqliteConnection, stream: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT coalesce(max(version), 0) + 1 FROM agreements WHERE stream_code = ?1",
    )
    .bind(stream)
    .fetch_one(&mut *conn)
    .await
}

fn share_bp(a: &Agreement) -> i64 {
    a.payer_share.basis_points()
}

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub async fn insert(
    conn: &mut SqliteConnection,
    a: &Agreement,
    now: &str,
    actor: Option<i64>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO agreements (stream_code, version, valid_from, valid_to, share_bp, yearly_cap_cents, reference, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
    )
    .bind(a.stream.as_str())
    .bind(i64::from(a.version))
    .bind(iso(a.valid_from))
    .bind(a.valid_to.map(iso))
    .bind(share_bp(a))
    .bind(a.yearly_cap.map(|c| c.cents()))
    .bind(a.reference.trim())
    .bind(now)
    .bind(actor)
    .fetch_one(&mut *conn)
    .await
}

/// Changes a version loaded at `row_version`; false when someone changed it in between.
pub async fn update(
    conn: &mut SqliteConnection,
    a: &Agreement,
    row_version: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE agreements SET valid_from = ?2, valid_to = ?3, share_bp = ?4, yearly_cap_cents = ?5,
                reference = ?6, row_version = row_version + 1
         WHERE id = ?1 AND row_version = ?7",
    )
    .bind(a.id)
    .bind(iso(a.valid_from))
    .bind(a.valid_to.map(iso))
    .bind(share_bp(a))
    .bind(a.yearly_cap.map(|c| c.cents()))
    .bind(a.reference.trim())
    .bind(row_version)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Per version that a posted charge used, the last settlement date it was used on.
pub async fn last_used(
    conn: &mut SqliteConnection,
) -> Result<std::collections::HashMap<i64, NaiveDate>, sqlx::Error> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT rc.agreement_id, max(c.settled_at) FROM run_charges rc JOIN cases c ON c.id = rc.case_id
         WHERE rc.agreement_id IS NOT NULL GROUP BY rc.agreement_id",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(id, at)| Ok((id, decode::dutch_date("cases", id, &at)?)))
        .collect()
}

/// What the posted runs claimed per (agreement, agreement year), reversals
/// and refused claims subtracted: the yearly caps used so far. With `before`
/// (a posted run's posting time and id), only what was booked before that
/// run: its page shows the caps as they were when it was posted.
pub async fn caps_used(
    conn: &mut SqliteConnection,
    before: Option<(&str, i64)>,
) -> Result<Vec<((i64, i32), doorbraak::Money)>, sqlx::Error> {
    let (at, id) = before.unwrap_or(("9999", i64::MAX));
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT rc.agreement_id, rc.agreement_year,
                sum(rc.amount_cents) - coalesce(sum(CASE WHEN k.status = 'refused' AND k.closed_on <= substr(?1, 1, 10)
                                                         THEN k.amount_cents END), 0)
         FROM run_charges rc
         JOIN chargeback_runs r ON r.id = rc.run_id AND r.status = 'posted'
         LEFT JOIN claims k ON k.run_id = rc.run_id AND k.case_id = rc.case_id AND k.stream_code = rc.stream_code
         WHERE rc.agreement_id IS NOT NULL AND rc.agreement_year IS NOT NULL
           AND (r.posted_at < ?1 OR (r.posted_at = ?1 AND r.id < ?2))
         GROUP BY rc.agreement_id, rc.agreement_year",
    )
    .bind(at)
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(id, year, cents)| {
            let year = i32::try_from(year).map_err(|_| {
                decode::corrupt("run_charges", id, format!("agreement year {year}"))
            })?;
            Ok(((id, year), decode::money("run_charges", id, cents)?))
        })
        .collect()
}
