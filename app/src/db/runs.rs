//! Chargeback runs: drafts with the backoffice's choices, the charges a
//! posted run booked, and the cases it moved. Set-based SQL: a run over ten
//! thousand cases is a handful of statements.

pub use crate::model::RunRow;
use sqlx::{QueryBuilder, SqliteConnection};

use super::ledger::CHUNK;

type RunTuple = (
    i64,
    String,
    String,
    String,
    String,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
    i64,
    String,
    String,
    Option<String>,
    i64,
    Option<String>,
);

const RUN_COLUMNS: &str =
    "r.id, r.kind, r.status, r.period_from, r.period_to, r.reverses, r.reversed_case, r.reason,
    r.booking_date, r.version, r.created_at, u.display_name, r.posted_at,
    (SELECT count(*) FROM run_cases rc WHERE rc.run_id = r.id),
    (SELECT group_concat(x.id) FROM chargeback_runs x WHERE x.reverses = r.id)
    FROM chargeback_runs r JOIN users u ON u.id = r.created_by";

fn run_from(t: RunTuple) -> RunRow {
    RunRow {
        id: t.0,
        kind: t.1,
        status: t.2,
        period_from: t.3,
        period_to: t.4,
        reverses: t.5,
        reversed_case: t.6,
        reason: t.7,
        booking_date: t.8,
        version: t.9,
        created_at: t.10,
        created_by: t.11,
        posted_at: t.12,
        cases: t.13,
        reversed_by: t
            .14
            .unwrap_or_default()
            .split(',')
            .filter_map(|s| s.parse().ok())
            .collect(),
    }
}

pub async fn get(conn: &mut SqliteConnection, id: i64) -> Result<Option<RunRow>, sqlx::Error> {
    let row: Option<RunTuple> = sqlx::query_as(&format!("SELECT {RUN_COLUMNS} WHERE r.id = ?1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(run_from))
}

/// Newest first.
pub async fn list(conn: &mut SqliteConnection, limit: i64) -> Result<Vec<RunRow>, sqlx::Error> {
    let rows: Vec<RunTuple> =
        sqlx::query_as(&format!("SELECT {RUN_COLUMNS} ORDER BY r.id DESC LIMIT ?1"))
            .bind(limit)
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows.into_iter().map(run_from).collect())
}

/// Settled cases whose settlement date lies in the period, in reference
/// order; a case with an open dispute is held out until it is resolved.
pub async fn settled_in(
    conn: &mut SqliteConnection,
    from: &str,
    to: &str,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM cases WHERE status = 'settled' AND substr(settled_at, 1, 10) BETWEEN ?1 AND ?2
           AND NOT EXISTS (SELECT 1 FROM charge_reviews r WHERE r.case_id = cases.id AND r.status = 'disputed')
         ORDER BY reference",
    )
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await
}

/// Settled cases not yet charged back, over all periods.
pub async fn settled_waiting(conn: &mut SqliteConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM cases WHERE status = 'settled'")
        .fetch_one(&mut *conn)
        .await
}

/// A draft run over the given cases, each with the beneficiary key unless a
/// resolved dispute set another.
pub async fn create_draft(
    conn: &mut SqliteConnection,
    from: &str,
    to: &str,
    cases: &[i64],
    now: &str,
    user: i64,
) -> Result<i64, sqlx::Error> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO chargeback_runs (kind, status, period_from, period_to, created_at, created_by)
         VALUES ('chargeback', 'draft', ?1, ?2, ?3, ?4) RETURNING id",
    )
    .bind(from)
    .bind(to)
    .bind(now)
    .bind(user)
    .fetch_one(&mut *conn)
    .await?;
    // A case whose dispute was resolved by another key or by exclusion takes it along.
    for chunk in cases.chunks(CHUNK) {
        let mut q = QueryBuilder::new(
            "INSERT INTO run_cases (run_id, case_id, key, responsibility, excluded, reason)
             SELECT ",
        );
        q.push_bind(id).push(
            ", c.id, CASE WHEN k.responsibility IS NULL THEN 'beneficiary' ELSE 'responsibility' END,
                    k.responsibility, coalesce(k.excluded, 0), k.reason
             FROM cases c LEFT JOIN case_keys k ON k.case_id = c.id WHERE c.id IN (",
        );
        let mut ids = q.separated(", ");
        for case in chunk {
            ids.push_bind(*case);
        }
        q.push(")");
        q.build().execute(&mut *conn).await?;
    }
    Ok(id)
}

/// What the run needs to know of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunCaseRow {
    pub case_id: i64,
    pub reference: String,
    pub status: String,
    /// The fund year of the hold.
    pub year: Option<i32>,
    pub accrual: bool,
    /// The sum of the payments.
    pub settled_cents: i64,
    pub key: String,
    pub responsibility: Option<String>,
    pub excluded: bool,
    pub reason: Option<String>,
    /// (stream, avoided cents) of the frozen canvas.
    pub avoided: Vec<(String, i64)>,
}

type CaseTuple = (
    i64,
    String,
    String,
    Option<i64>,
    Option<String>,
    Option<i64>,
    String,
    Option<String>,
    bool,
    Option<String>,
);

/// The cases of a run with their choices and evidence, in reference order.
pub async fn cases(conn: &mut SqliteConnection, run: i64) -> Result<Vec<RunCaseRow>, sqlx::Error> {
    let rows: Vec<CaseTuple> = sqlx::query_as(
        "SELECT rc.case_id, c.reference, c.status, h.year, y.mode, h.paid_cents,
                rc.key, rc.responsibility, rc.excluded, rc.reason
         FROM run_cases rc
         JOIN cases c ON c.id = rc.case_id
         LEFT JOIN holds h ON h.case_id = rc.case_id
         LEFT JOIN budget_years y ON y.year = h.year
         WHERE rc.run_id = ?1
         ORDER BY c.reference",
    )
    .bind(run)
    .fetch_all(&mut *conn)
    .await?;
    let returns: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT r.case_id, r.stream_code, r.avoided_cents
         FROM run_cases rc
         JOIN cases c ON c.id = rc.case_id
         JOIN canvas_returns r ON r.case_id = rc.case_id AND r.version = c.current_version
         WHERE rc.run_id = ?1
         ORDER BY r.case_id, r.stream_code",
    )
    .bind(run)
    .fetch_all(&mut *conn)
    .await?;
    let mut by_case: std::collections::HashMap<i64, Vec<(String, i64)>> =
        std::collections::HashMap::with_capacity(rows.len());
    for (case, stream, avoided) in returns {
        by_case.entry(case).or_default().push((stream, avoided));
    }
    Ok(rows
        .into_iter()
        .map(
            |(
                case_id,
                reference,
                status,
                year,
                mode,
                paid,
                key,
                responsibility,
                excluded,
                reason,
            )| {
                RunCaseRow {
                    avoided: by_case.remove(&case_id).unwrap_or_default(),
                    case_id,
                    reference,
                    status,
                    year: year.and_then(|y| i32::try_from(y).ok()),
                    accrual: mode.as_deref() == Some("accrual"),
                    settled_cents: paid.unwrap_or(0),
                    key,
                    responsibility,
                    excluded,
                    reason,
                }
            },
        )
        .collect())
}

/// The backoffice's choice for one case of a draft; false when the draft
/// changed since `version` (or is no longer a draft).
#[allow(clippy::too_many_arguments)]
pub async fn set_choice(
    conn: &mut SqliteConnection,
    run: i64,
    version: i64,
    case: i64,
    responsibility: Option<&str>,
    excluded: bool,
    reason: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let bumped = sqlx::query(
        "UPDATE chargeback_runs SET version = version + 1 WHERE id = ?1 AND version = ?2 AND status = 'draft'",
    )
    .bind(run)
    .bind(version)
    .execute(&mut *conn)
    .await?;
    if bumped.rows_affected() != 1 {
        return Ok(false);
    }
    let changed = sqlx::query(
        "UPDATE run_cases SET key = ?3, responsibility = ?4, excluded = ?5, reason = ?6
         WHERE run_id = ?1 AND case_id = ?2",
    )
    .bind(run)
    .bind(case)
    .bind(if responsibility.is_some() {
        "responsibility"
    } else {
        "beneficiary"
    })
    .bind(responsibility)
    .bind(excluded)
    .bind(reason)
    .execute(&mut *conn)
    .await?;
    Ok(changed.rows_affected() == 1)
}

/// Marks a draft posted (or discarded); false when it changed since `version`.
pub async fn close_draft(
    conn: &mut SqliteConnection,
    run: i64,
    version: i64,
    status: &str,
    booking_date: Option<&str>,
    now: &str,
    user: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE chargeback_runs SET status = ?3, booking_date = ?4, posted_at = ?5, posted_by = ?6,
                version = version + 1
         WHERE id = ?1 AND version = ?2 AND status = 'draft'",
    )
    .bind(run)
    .bind(version)
    .bind(status)
    .bind(booking_date)
    .bind(now)
    .bind(user)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected() == 1)
}

/// A reversal run, posted at once.
#[allow(clippy::too_many_arguments)]
pub async fn insert_reversal(
    conn: &mut SqliteConnection,
    of: &RunRow,
    case: Option<i64>,
    reason: &str,
    date: &str,
    now: &str,
    user: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO chargeback_runs (kind, status, period_from, period_to, reverses, reversed_case, reason,
                booking_date, created_at, created_by, posted_at, posted_by)
         VALUES ('reversal', 'posted', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?8) RETURNING id",
    )
    .bind(&of.period_from)
    .bind(&of.period_to)
    .bind(of.id)
    .bind(case)
    .bind(reason)
    .bind(date)
    .bind(now)
    .bind(user)
    .fetch_one(&mut *conn)
    .await
}

/// One posted charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeRow {
    pub case_id: i64,
    pub stream: String,
    /// "internal" or "claim".
    pub kind: String,
    pub year: i32,
    pub amount_cents: i64,
    pub tx_id: Option<i64>,
}

pub async fn insert_charges(
    conn: &mut SqliteConnection,
    run: i64,
    charges: &[ChargeRow],
) -> Result<(), sqlx::Error> {
    for chunk in charges.chunks(CHUNK) {
        let mut q = QueryBuilder::new(
            "INSERT INTO run_charges (run_id, case_id, stream_code, kind, year, amount_cents, tx_id) ",
        );
        q.push_values(chunk, |mut b, c| {
            b.push_bind(run)
                .push_bind(c.case_id)
                .push_bind(&c.stream)
                .push_bind(&c.kind)
                .push_bind(c.year)
                .push_bind(c.amount_cents)
                .push_bind(c.tx_id);
        });
        q.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// The charges of a run; with `case`, of that case only.
pub async fn charges(
    conn: &mut SqliteConnection,
    run: i64,
    case: Option<i64>,
) -> Result<Vec<ChargeRow>, sqlx::Error> {
    let rows: Vec<(i64, String, String, i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT case_id, stream_code, kind, year, amount_cents, tx_id FROM run_charges
         WHERE run_id = ?1 AND (?2 IS NULL OR case_id = ?2) ORDER BY case_id, stream_code",
    )
    .bind(run)
    .bind(case)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(case_id, stream, kind, year, amount_cents, tx_id)| ChargeRow {
                case_id,
                stream,
                kind,
                year: i32::try_from(year).unwrap_or_default(),
                amount_cents,
                tx_id,
            },
        )
        .collect())
}

/// Cases of `run` already taken back by a reversal run.
pub async fn reversed_cases(
    conn: &mut SqliteConnection,
    run: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT DISTINCT c.case_id FROM chargeback_runs r JOIN run_charges c ON c.run_id = r.id
         WHERE r.reverses = ?1
         UNION SELECT r.reversed_case FROM chargeback_runs r WHERE r.reverses = ?1 AND r.reversed_case IS NOT NULL",
    )
    .bind(run)
    .fetch_all(&mut *conn)
    .await
}

/// Moves cases from one status to another with a history event each; the
/// number moved (fewer than asked when some were not in `from`).
#[allow(clippy::too_many_arguments)]
pub async fn move_cases(
    conn: &mut SqliteConnection,
    cases: &[i64],
    from: &str,
    to: &str,
    action: &str,
    reason: &str,
    now: &str,
    user: i64,
) -> Result<u64, sqlx::Error> {
    let mut moved = 0;
    for chunk in cases.chunks(CHUNK) {
        let mut events = QueryBuilder::new(
            "INSERT INTO case_events (case_id, at, actor_id, action, from_status, to_status, reason)
             SELECT id, ",
        );
        events
            .push_bind(now)
            .push(", ")
            .push_bind(user)
            .push(", ")
            .push_bind(action)
            .push(", status, ")
            .push_bind(to)
            .push(", ")
            .push_bind(reason)
            .push(" FROM cases WHERE status = ")
            .push_bind(from)
            .push(" AND id IN (");
        let mut ids = events.separated(", ");
        for id in chunk {
            ids.push_bind(*id);
        }
        events.push(")");
        events.build().execute(&mut *conn).await?;
        let mut update = QueryBuilder::new("UPDATE cases SET status = ");
        update
            .push_bind(to)
            .push(", version = version + 1, updated_at = ")
            .push_bind(now)
            .push(" WHERE status = ")
            .push_bind(from)
            .push(" AND id IN (");
        let mut ids = update.separated(", ");
        for id in chunk {
            ids.push_bind(*id);
        }
        update.push(")");
        moved += update.build().execute(&mut *conn).await?.rows_affected();
    }
    Ok(moved)
}

/// A journal line's raw material: the run's ledger postings with their case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalPosting {
    pub tx_date: String,
    pub reference: String,
    pub kind: String,
    pub stream: Option<String>,
    pub year: Option<i64>,
    pub case_id: Option<i64>,
    pub amount_cents: i64,
}

/// tx_date, reference, kind, stream, year, case, amount.
type PostingTuple = (
    String,
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<i64>,
    i64,
);

/// Every ledger posting of a run's charges, in transaction order.
pub async fn journal_postings(
    conn: &mut SqliteConnection,
    run: i64,
) -> Result<Vec<JournalPosting>, sqlx::Error> {
    let rows: Vec<PostingTuple> = sqlx::query_as(
        "SELECT t.tx_date, c.reference, p.kind, p.stream_code, p.year, p.case_id, p.amount_cents
             FROM run_charges rc
             JOIN ledger_transactions t ON t.id = rc.tx_id
             JOIN ledger_postings p ON p.tx_id = t.id
             JOIN cases c ON c.id = rc.case_id
             WHERE rc.run_id = ?1
             ORDER BY t.id, p.id",
    )
    .bind(run)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(tx_date, reference, kind, stream, year, case_id, amount_cents)| JournalPosting {
                tx_date,
                reference,
                kind,
                stream,
                year,
                case_id,
                amount_cents,
            },
        )
        .collect())
}

/// (year, stream, kind) → cents: the three sides of the reconciliation.
pub type Sums = Vec<(i64, String, String, i64)>;

/// What the ledger itself holds as charged back (internal) and claimed per
/// year and stream: chargeback and claim transactions and their reversals.
pub async fn ledger_sums(conn: &mut SqliteConnection) -> Result<Sums, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.year, p.stream_code,
                CASE p.kind WHEN 'budget' THEN 'internal' ELSE 'claim' END,
                -sum(p.amount_cents)
         FROM ledger_transactions t
         LEFT JOIN ledger_transactions o ON o.id = t.reverses
         JOIN ledger_postings p ON p.tx_id = t.id AND p.kind IN ('budget', 'payer')
         WHERE coalesce(o.kind, t.kind) IN ('chargeback', 'claim')
         GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
    )
    .fetch_all(&mut *conn)
    .await
}

/// What the posted runs booked per year and stream.
pub async fn run_sums(conn: &mut SqliteConnection) -> Result<Sums, sqlx::Error> {
    sqlx::query_as(
        "SELECT year, stream_code, kind, sum(amount_cents) FROM run_charges
         WHERE tx_id IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
    )
    .fetch_all(&mut *conn)
    .await
}

/// Posted runs, oldest first, with the fund year of each case reference they charged.
pub async fn posted_runs(
    conn: &mut SqliteConnection,
) -> Result<(Vec<i64>, std::collections::HashMap<String, i64>), sqlx::Error> {
    let runs =
        sqlx::query_scalar("SELECT id FROM chargeback_runs WHERE status = 'posted' ORDER BY id")
            .fetch_all(&mut *conn)
            .await?;
    let years: Vec<(String, i64)> = sqlx::query_as(
        "SELECT DISTINCT c.reference, rc.year FROM run_charges rc JOIN cases c ON c.id = rc.case_id",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok((runs, years.into_iter().collect()))
}
