//! Stream owners and their reviews of posted charges; the keys that resolved
//! disputes hand to a case's next run.

use sqlx::{QueryBuilder, SqliteConnection};

use doorbraak::chargeback::ChargeKind;
use doorbraak::review::{Resolution, ReviewStatus};

use super::decode;

pub use crate::model::OwnerCharge;

/// The streams a user owns, in code order.
pub async fn owned_streams(
    conn: &mut SqliteConnection,
    user: i64,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT stream_code FROM user_streams WHERE user_id = ?1 ORDER BY stream_code",
    )
    .bind(user)
    .fetch_all(&mut *conn)
    .await
}

pub async fn set_owned_streams(
    conn: &mut SqliteConnection,
    user: i64,
    streams: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM user_streams WHERE user_id = ?1")
        .bind(user)
        .execute(&mut *conn)
        .await?;
    for code in streams {
        sqlx::query("INSERT INTO user_streams (user_id, stream_code) VALUES (?1, ?2)")
            .bind(user)
            .bind(code)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A charge (`ch`) no reversal run has taken back.
const NOT_REVERSED: &str =
    "NOT EXISTS (SELECT 1 FROM chargeback_runs x JOIN run_charges xc ON xc.run_id = x.id
    WHERE x.reverses = ch.run_id AND xc.case_id = ch.case_id AND xc.stream_code = ch.stream_code)";

#[derive(sqlx::FromRow)]
struct ChargeRow {
    run_id: i64,
    case_id: i64,
    reference: String,
    stream: String,
    kind: String,
    year: i64,
    amount_cents: i64,
    booking_date: Option<String>,
    settled_cents: i64,
    threatening_cents: i64,
    realistic_cents: i64,
    avoided_cents: i64,
    case_avoided_cents: i64,
    realised_cents: Option<i64>,
    review_id: Option<i64>,
    review: Option<String>,
    reason: Option<String>,
    review_version: Option<i64>,
    resolution: Option<String>,
    resolution_reason: Option<String>,
    agreement_version: Option<i64>,
    agreement_reference: Option<String>,
}

/// Which reviews a list of charges shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewFilter {
    All,
    /// Not yet reviewed.
    Open,
    Is(ReviewStatus),
}

/// Which charges a list shows.
#[derive(Debug, Clone, Copy)]
pub struct ChargeFilter<'a> {
    /// Only to these streams (a stream owner's); `None` for all.
    pub streams: Option<&'a [String]>,
    pub review: ReviewFilter,
    pub run: Option<i64>,
    pub stream: Option<doorbraak::StreamCode>,
    pub case: Option<i64>,
    pub limit: i64,
}

impl<'a> ChargeFilter<'a> {
    /// One charge, whatever its review; among `streams` when given.
    pub fn one(
        streams: Option<&'a [String]>,
        run: i64,
        case: i64,
        stream: doorbraak::StreamCode,
    ) -> ChargeFilter<'a> {
        ChargeFilter {
            streams,
            review: ReviewFilter::All,
            run: Some(run),
            stream: Some(stream),
            case: Some(case),
            limit: 1,
        }
    }
}

/// Posted charges that stand (not reversed), with their evidence and
/// review. `streams` limits them to those streams; `disputed` to open disputes.
pub async fn charges(
    conn: &mut SqliteConnection,
    filter: &ChargeFilter<'_>,
) -> Result<Vec<OwnerCharge>, sqlx::Error> {
    let streams = filter.streams;
    let mut q = QueryBuilder::new(format!(
        "SELECT ch.run_id, ch.case_id, c.reference, ch.stream_code AS stream, ch.kind, ch.year, ch.amount_cents,
                r.booking_date, coalesce(h.paid_cents, 0) AS settled_cents,
                coalesce(ret.threatening_cents, 0) AS threatening_cents,
                coalesce(ret.realistic_cents, 0) AS realistic_cents,
                coalesce(ret.avoided_cents, 0) AS avoided_cents,
                c.total_avoided_cents AS case_avoided_cents,
                (SELECT es.realised_cents FROM evaluations e
                   JOIN evaluation_streams es ON es.evaluation_id = e.id AND es.stream_code = ch.stream_code
                  WHERE e.case_id = ch.case_id AND e.moment = 'final'
                  ORDER BY e.version DESC LIMIT 1) AS realised_cents,
                v.id AS review_id, v.status AS review, v.reason, v.version AS review_version,
                v.resolution, v.resolution_reason,
                a.version AS agreement_version, a.reference AS agreement_reference
         FROM run_charges ch
         LEFT JOIN agreements a ON a.id = ch.agreement_id
         JOIN chargeback_runs r ON r.id = ch.run_id AND r.kind = 'chargeback'
         JOIN cases c ON c.id = ch.case_id
         LEFT JOIN holds h ON h.case_id = ch.case_id
         LEFT JOIN canvas_returns ret ON ret.case_id = ch.case_id AND ret.version = c.current_version
              AND ret.stream_code = ch.stream_code
         LEFT JOIN charge_reviews v ON v.run_id = ch.run_id AND v.case_id = ch.case_id AND v.stream_code = ch.stream_code
         WHERE {NOT_REVERSED}",
    ));
    if let Some(streams) = streams {
        q.push(" AND ch.stream_code IN (");
        let mut list = q.separated(", ");
        for s in streams {
            list.push_bind(s.clone());
        }
        q.push(")");
        if streams.is_empty() {
            q.push(" AND 0");
        }
    }
    match filter.review {
        ReviewFilter::All => {}
        ReviewFilter::Open => {
            q.push(" AND v.status IS NULL");
        }
        ReviewFilter::Is(status) => {
            q.push(" AND v.status = ").push_bind(status.code());
        }
    }
    if let Some(run) = filter.run {
        q.push(" AND ch.run_id = ").push_bind(run);
    }
    if let Some(stream) = filter.stream {
        q.push(" AND ch.stream_code = ")
            .push_bind(stream.to_string());
    }
    if let Some(case) = filter.case {
        q.push(" AND ch.case_id = ").push_bind(case);
    }
    q.push(" ORDER BY ch.run_id DESC, c.reference, ch.stream_code LIMIT ")
        .push_bind(filter.limit);
    let rows: Vec<ChargeRow> = q.build_query_as().fetch_all(&mut *conn).await?;
    rows.into_iter().map(ChargeRow::decode).collect()
}

impl ChargeRow {
    fn decode(self) -> Result<OwnerCharge, sqlx::Error> {
        const T: &str = "run_charges";
        let id = self.case_id;
        let money = |cents| decode::money(T, id, cents);
        Ok(OwnerCharge {
            run_id: self.run_id,
            case_id: id,
            reference: self.reference,
            stream: decode::stream(T, id, &self.stream)?,
            kind: decode::code(T, id, "kind", &self.kind, ChargeKind::from_code)?,
            year: self.year,
            amount: money(self.amount_cents)?,
            booking_date: match self.booking_date.as_deref() {
                Some(date) => decode::date(T, id, date)?,
                None => {
                    return Err(decode::corrupt(
                        T,
                        id,
                        "posted run without booking date".into(),
                    ));
                }
            },
            settled: money(self.settled_cents)?,
            threatening: money(self.threatening_cents)?,
            realistic: money(self.realistic_cents)?,
            avoided: money(self.avoided_cents)?,
            case_avoided: money(self.case_avoided_cents)?,
            realised: self.realised_cents.map(money).transpose()?,
            agreement: self
                .agreement_version
                .zip(self.agreement_reference)
                .map(|(v, r)| crate::model::agreement_label(v, &r)),
            review_id: self.review_id,
            review: self
                .review
                .map(|r| decode::code("charge_reviews", id, "status", &r, ReviewStatus::from_code))
                .transpose()?,
            reason: self.reason,
            review_version: self.review_version,
            resolution: self
                .resolution
                .map(|r| {
                    decode::code(
                        "charge_reviews",
                        id,
                        "resolution",
                        &r,
                        Resolution::from_code,
                    )
                })
                .transpose()?,
            resolution_reason: self.resolution_reason,
        })
    }
}

/// The runs that charged any of `streams`, newest first.
pub async fn runs_charging(
    conn: &mut SqliteConnection,
    streams: &[String],
) -> Result<Vec<i64>, sqlx::Error> {
    if streams.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = QueryBuilder::new(
        "SELECT DISTINCT ch.run_id FROM run_charges ch
         JOIN chargeback_runs r ON r.id = ch.run_id AND r.kind = 'chargeback'
         WHERE ch.stream_code IN (",
    );
    let mut list = q.separated(", ");
    for s in streams {
        list.push_bind(s.clone());
    }
    q.push(") ORDER BY ch.run_id DESC");
    q.build_query_scalar().fetch_all(&mut *conn).await
}

/// Whether a posted charge to one of `streams` stands (was not reversed).
pub async fn stands(
    conn: &mut SqliteConnection,
    run: i64,
    case: i64,
    stream: &str,
    streams: &[String],
) -> Result<bool, sqlx::Error> {
    if !streams.iter().any(|s| s == stream) {
        return Ok(false);
    }
    sqlx::query_scalar(&format!(
        "SELECT EXISTS (
           SELECT 1 FROM run_charges ch JOIN chargeback_runs r ON r.id = ch.run_id AND r.kind = 'chargeback'
           WHERE ch.run_id = ?1 AND ch.case_id = ?2 AND ch.stream_code = ?3 AND {NOT_REVERSED})"
    ))
    .bind(run)
    .bind(case)
    .bind(stream)
    .fetch_one(&mut *conn)
    .await
}

/// Records a verdict on a charge: a first verdict, or a dispute after an
/// acceptance. False when the charge already has a dispute or a resolution.
#[allow(clippy::too_many_arguments)]
pub async fn review(
    conn: &mut SqliteConnection,
    run: i64,
    case: i64,
    stream: &str,
    status: ReviewStatus,
    reason: Option<&str>,
    user: i64,
    now: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO charge_reviews (run_id, case_id, stream_code, status, reason, reviewed_by, reviewed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (run_id, case_id, stream_code) DO UPDATE
           SET status = excluded.status, reason = excluded.reason, reviewed_by = excluded.reviewed_by,
               reviewed_at = excluded.reviewed_at, version = version + 1
           WHERE charge_reviews.status = 'accepted' AND excluded.status = 'disputed'",
    )
    .bind(run)
    .bind(case)
    .bind(stream)
    .bind(status.code())
    .bind(reason)
    .bind(user)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A review of a charge, as the backoffice resolves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub run_id: i64,
    pub case_id: i64,
    pub stream: String,
    pub status: ReviewStatus,
    pub version: i64,
}

/// A review by its id.
pub async fn dispute(conn: &mut SqliteConnection, id: i64) -> Result<Option<Review>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        run_id: i64,
        case_id: i64,
        stream_code: String,
        status: String,
        version: i64,
    }
    let row: Option<Row> = sqlx::query_as(
        "SELECT run_id, case_id, stream_code, status, version FROM charge_reviews WHERE id = ?1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok(Review {
            status: decode::code(
                "charge_reviews",
                id,
                "status",
                &r.status,
                ReviewStatus::from_code,
            )?,
            run_id: r.run_id,
            case_id: r.case_id,
            stream: r.stream_code,
            version: r.version,
        })
    })
    .transpose()
}

/// disputed → resolved; false when it changed since `version`.
pub async fn resolve(
    conn: &mut SqliteConnection,
    id: i64,
    version: i64,
    resolution: Resolution,
    reason: &str,
    user: i64,
    now: &str,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE charge_reviews SET status = 'resolved', resolution = ?3, resolution_reason = ?4,
                resolved_by = ?5, resolved_at = ?6, version = version + 1
         WHERE id = ?1 AND version = ?2 AND status = 'disputed'",
    )
    .bind(id)
    .bind(version)
    .bind(resolution.code())
    .bind(reason)
    .bind(user)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected() == 1)
}

/// The key (or exclusion) a case takes into its next run.
pub async fn set_case_key(
    conn: &mut SqliteConnection,
    case: i64,
    responsibility: Option<&doorbraak::responsibility::ResponsibilityKey>,
    excluded: bool,
    reason: &str,
    now: &str,
    user: i64,
) -> Result<(), sqlx::Error> {
    let responsibility = responsibility
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query(
        "INSERT INTO case_keys (case_id, responsibility, excluded, reason, set_at, set_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (case_id) DO UPDATE SET responsibility = excluded.responsibility,
             excluded = excluded.excluded, reason = excluded.reason, set_at = excluded.set_at, set_by = excluded.set_by",
    )
    .bind(case)
    .bind(&responsibility)
    .bind(excluded)
    .bind(reason)
    .bind(now)
    .bind(user)
    .execute(&mut *conn)
    .await
    .map(|_| ())
}

/// Active users with the stream-owner role: (id, display name, streams as `JW, PW`).
pub async fn stream_owners(
    conn: &mut SqliteConnection,
) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.display_name,
                coalesce((SELECT group_concat(stream_code, ', ') FROM
                          (SELECT stream_code FROM user_streams s WHERE s.user_id = u.id ORDER BY stream_code)), '')
         FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'stream_owner'
         WHERE u.active = 1 ORDER BY u.display_name",
    )
    .fetch_all(&mut *conn)
    .await
}
