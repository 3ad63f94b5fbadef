//! Chargeback runs: drafts with the backoffice's choices, the charges a
//! posted run booked, and the cases it moved. Set-based SQL: a run over ten
//! thousand cases is a handful of statements.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use doorbraak::agreement::AgreementUse;
use doorbraak::chargeback::ChargeKind;
use doorbraak::ledger::TxId;
use doorbraak::lifecycle::Status;
use doorbraak::posting::{CaseMove, PlannedCharge, StoredCharge};
use doorbraak::responsibility::ResponsibilityKey;
use doorbraak::run::{RunKind, RunStatus, YearMode};
use doorbraak::stream::AccountingCodes;
use doorbraak::{Money, StreamCode};
use sqlx::{QueryBuilder, SqliteConnection};

pub use crate::model::RunRow;

use super::decode;
use super::ledger::CHUNK;

const RUN_COLUMNS: &str =
    "r.id, r.kind, r.status, r.period_from, r.period_to, r.reverses, r.reversed_case, r.reason,
    r.booking_date, r.version, r.created_at, u.display_name AS created_by, r.posted_at,
    (SELECT count(*) FROM run_cases rc WHERE rc.run_id = r.id) AS cases,
    (SELECT group_concat(x.id) FROM chargeback_runs x WHERE x.reverses = r.id) AS reversed_by
    FROM chargeback_runs r JOIN users u ON u.id = r.created_by";

#[derive(sqlx::FromRow)]
struct RunRecord {
    id: i64,
    kind: String,
    status: String,
    period_from: String,
    period_to: String,
    reverses: Option<i64>,
    reversed_case: Option<i64>,
    reason: Option<String>,
    booking_date: Option<String>,
    version: i64,
    created_at: String,
    created_by: String,
    posted_at: Option<String>,
    cases: i64,
    reversed_by: Option<String>,
}

impl RunRecord {
    fn decode(self) -> Result<RunRow, sqlx::Error> {
        const T: &str = "chargeback_runs";
        let id = self.id;
        Ok(RunRow {
            id,
            kind: decode::code(T, id, "kind", &self.kind, RunKind::from_code)?,
            status: decode::code(T, id, "status", &self.status, RunStatus::from_code)?,
            period_from: decode::date(T, id, &self.period_from)?,
            period_to: decode::date(T, id, &self.period_to)?,
            reverses: self.reverses,
            reversed_case: self.reversed_case,
            reason: self.reason,
            booking_date: self
                .booking_date
                .map(|d| decode::date(T, id, &d))
                .transpose()?,
            version: self.version,
            created_at: self.created_at,
            created_by: self.created_by,
            posted_at: self.posted_at,
            cases: self.cases,
            reversed_by: self
                .reversed_by
                .unwrap_or_default()
                .split(',')
                .filter(|s| !s.is_empty())
                .map(|s| {
                    s.parse()
                        .map_err(|_| decode::corrupt(T, id, format!("reversal id {s:?}")))
                })
                .collect::<Result<_, _>>()?,
        })
    }
}

pub async fn get(conn: &mut SqliteConnection, id: i64) -> Result<Option<RunRow>, sqlx::Error> {
    sqlx::query_as::<_, RunRecord>(&format!("SELECT {RUN_COLUMNS} WHERE r.id = ?1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .map(RunRecord::decode)
        .transpose()
}

/// Newest first.
pub async fn list(conn: &mut SqliteConnection, limit: i64) -> Result<Vec<RunRow>, sqlx::Error> {
    sqlx::query_as::<_, RunRecord>(&format!("SELECT {RUN_COLUMNS} ORDER BY r.id DESC LIMIT ?1"))
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(RunRecord::decode)
        .collect()
}

/// Settled cases whose settlement date — the Dutch calendar date of
/// `settled_at` — lies in the period, in reference order; a case with an
/// open dispute is held out until it is resolved.
pub async fn settled_in(
    conn: &mut SqliteConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<i64>, sqlx::Error> {
    let start = super::timestamp(doorbraak::dates::dutch_day_start(from));
    let end = to
        .succ_opt()
        .map(|next| super::timestamp(doorbraak::dates::dutch_day_start(next)))
        .unwrap_or_else(|| "9999".to_string());
    sqlx::query_scalar(
        "SELECT id FROM cases WHERE status = 'settled' AND settled_at >= ?1 AND settled_at < ?2
           AND NOT EXISTS (SELECT 1 FROM charge_reviews r WHERE r.case_id = cases.id AND r.status = 'disputed')
         ORDER BY reference",
    )
    .bind(start)
    .bind(end)
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
    from: NaiveDate,
    to: NaiveDate,
    cases: &[i64],
    now: &str,
    user: i64,
) -> Result<i64, sqlx::Error> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO chargeback_runs (kind, status, period_from, period_to, created_at, created_by)
         VALUES ('chargeback', 'draft', ?1, ?2, ?3, ?4) RETURNING id",
    )
    .bind(from.to_string())
    .bind(to.to_string())
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
    pub status: Status,
    /// The fund year of the hold.
    pub year: Option<i32>,
    /// How the fund year accounts for internal charges.
    pub mode: YearMode,
    /// The Dutch calendar date of the settlement.
    pub settled_on: NaiveDate,
    /// The sum of the payments.
    pub settled: Money,
    /// The backoffice's key; none for the beneficiary key.
    pub responsibility: Option<ResponsibilityKey>,
    pub excluded: bool,
    pub reason: Option<String>,
    /// Avoided costs per stream of the frozen canvas: the evidence.
    pub avoided: Vec<(StreamCode, Money)>,
}

impl RunCaseRow {
    pub fn facts(&self) -> doorbraak::posting::RunCaseFacts {
        doorbraak::posting::RunCaseFacts {
            case: self.case_id,
            reference: self.reference.clone(),
            status: self.status,
            year: self.year,
        }
    }
}

#[derive(sqlx::FromRow)]
struct RunCaseRecord {
    case_id: i64,
    reference: String,
    status: String,
    year: Option<i64>,
    mode: Option<String>,
    trued_up: bool,
    settled_at: Option<String>,
    paid_cents: Option<i64>,
    responsibility: Option<String>,
    excluded: bool,
    reason: Option<String>,
}

/// The cases of a run with their choices and evidence, in reference order.
pub async fn cases(conn: &mut SqliteConnection, run: i64) -> Result<Vec<RunCaseRow>, sqlx::Error> {
    const T: &str = "run_cases";
    let rows: Vec<RunCaseRecord> = sqlx::query_as(
        "SELECT rc.case_id, c.reference, c.status, h.year, y.mode, c.settled_at, h.paid_cents,
                EXISTS (SELECT 1 FROM accrual_true_ups u WHERE u.year = h.year) AS trued_up,
                rc.responsibility, rc.excluded, rc.reason
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
    let mut by_case: HashMap<i64, Vec<(StreamCode, Money)>> = HashMap::with_capacity(rows.len());
    for (case, stream, avoided) in returns {
        by_case.entry(case).or_default().push((
            decode::stream("canvas_returns", case, &stream)?,
            decode::money("canvas_returns", case, avoided)?,
        ));
    }
    rows.into_iter()
        .map(|r| {
            let id = r.case_id;
            let year = r
                .year
                .map(|y| {
                    i32::try_from(y).map_err(|_| decode::corrupt("holds", id, format!("year {y}")))
                })
                .transpose()?;
            // A case in a run was settled: without a settlement time the row is corrupt.
            let settled_at = r
                .settled_at
                .ok_or_else(|| decode::corrupt("cases", id, "no settlement time".into()))?;
            Ok(RunCaseRow {
                avoided: by_case.remove(&id).unwrap_or_default(),
                status: decode::status("cases", id, &r.status)?,
                mode: match (r.mode.as_deref(), year) {
                    (Some("accrual"), Some(year)) if r.trued_up => YearMode::TruedUp { year },
                    (Some("accrual"), _) => YearMode::Accrual,
                    _ => YearMode::Cash,
                },
                year,
                settled_on: decode::dutch_date("cases", id, &settled_at)?,
                // No hold yet means nothing was paid.
                settled: decode::money("holds", id, r.paid_cents.unwrap_or(0))?,
                responsibility: r
                    .responsibility
                    .map(|json| {
                        serde_json::from_str(&json)
                            .map_err(|e| decode::corrupt(T, id, format!("responsibility key: {e}")))
                    })
                    .transpose()?,
                excluded: r.excluded,
                reason: r.reason,
                reference: r.reference,
                case_id: id,
            })
        })
        .collect()
}

/// The backoffice's choice for one case of a draft; false when the draft
/// changed since `version` (or is no longer a draft).
#[allow(clippy::too_many_arguments)]
pub async fn set_choice(
    conn: &mut SqliteConnection,
    run: i64,
    version: i64,
    case: i64,
    responsibility: Option<&ResponsibilityKey>,
    excluded: bool,
    reason: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let responsibility = responsibility
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
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
    .bind(&responsibility)
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
    status: RunStatus,
    booking_date: Option<NaiveDate>,
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
    .bind(status.code())
    .bind(booking_date.map(|d| d.to_string()))
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
    date: NaiveDate,
    now: &str,
    user: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO chargeback_runs (kind, status, period_from, period_to, reverses, reversed_case, reason,
                booking_date, created_at, created_by, posted_at, posted_by)
         VALUES ('reversal', 'posted', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?8) RETURNING id",
    )
    .bind(of.period_from.to_string())
    .bind(of.period_to.to_string())
    .bind(of.id)
    .bind(case)
    .bind(reason)
    .bind(date.to_string())
    .bind(now)
    .bind(user)
    .fetch_one(&mut *conn)
    .await
}

/// Records a plan's charges; `booked` maps a booking's key to the
/// transaction the ledger made of it.
pub async fn insert_charges(
    conn: &mut SqliteConnection,
    run: i64,
    charges: &[PlannedCharge],
    booked: &HashMap<String, Option<TxId>>,
) -> Result<(), sqlx::Error> {
    let mut rows = Vec::with_capacity(charges.len());
    for c in charges {
        let tx = match &c.booking {
            None => None,
            Some(key) => booked
                .get(key)
                .ok_or_else(|| {
                    sqlx::Error::Protocol(format!("booking {key} was planned but not executed"))
                })?
                .map(|tx| i64::try_from(tx.0).map_err(|e| sqlx::Error::Encode(Box::new(e))))
                .transpose()?,
        };
        rows.push((c, tx));
    }
    for chunk in rows.chunks(CHUNK) {
        let mut q = QueryBuilder::new(
            "INSERT INTO run_charges (run_id, case_id, stream_code, kind, year, amount_cents, agreement_id, agreement_year, tx_id) ",
        );
        q.push_values(chunk, |mut b, (c, tx)| {
            b.push_bind(run)
                .push_bind(c.case)
                .push_bind(c.stream.to_string())
                .push_bind(c.kind.code())
                .push_bind(c.year)
                .push_bind(c.amount.cents())
                .push_bind(c.agreement.map(|a| a.agreement))
                .push_bind(c.agreement.map(|a| a.year))
                .push_bind(*tx);
        });
        q.build().execute(&mut *conn).await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ChargeRecord {
    case_id: i64,
    reference: String,
    stream_code: String,
    kind: String,
    year: i64,
    amount_cents: i64,
    agreement_id: Option<i64>,
    agreement_year: Option<i64>,
    tx_id: Option<i64>,
}

/// The charges of a run; with `case`, of that case only.
pub async fn charges(
    conn: &mut SqliteConnection,
    run: i64,
    case: Option<i64>,
) -> Result<Vec<StoredCharge>, sqlx::Error> {
    Ok(charge_rows(conn, run, case)
        .await?
        .into_iter()
        .map(|(_, c)| c)
        .collect())
}

/// The charges of a run with their case's reference, by case.
pub async fn charges_with_reference(
    conn: &mut SqliteConnection,
    run: i64,
) -> Result<Vec<(String, StoredCharge)>, sqlx::Error> {
    charge_rows(conn, run, None).await
}

async fn charge_rows(
    conn: &mut SqliteConnection,
    run: i64,
    case: Option<i64>,
) -> Result<Vec<(String, StoredCharge)>, sqlx::Error> {
    const T: &str = "run_charges";
    let rows: Vec<ChargeRecord> = sqlx::query_as(
        "SELECT rc.case_id, c.reference, rc.stream_code, rc.kind, rc.year, rc.amount_cents,
                rc.agreement_id, rc.agreement_year, rc.tx_id
         FROM run_charges rc JOIN cases c ON c.id = rc.case_id
         WHERE rc.run_id = ?1 AND (?2 IS NULL OR rc.case_id = ?2) ORDER BY rc.case_id, rc.stream_code",
    )
    .bind(run)
    .bind(case)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let id = r.case_id;
            let charge = StoredCharge {
                case: id,
                stream: decode::stream(T, id, &r.stream_code)?,
                kind: decode::code(T, id, "kind", &r.kind, ChargeKind::from_code)?,
                year: i32::try_from(r.year)
                    .map_err(|_| decode::corrupt(T, id, format!("year {}", r.year)))?,
                amount: decode::money(T, id, r.amount_cents)?,
                agreement: match (r.agreement_id, r.agreement_year) {
                    (None, None) => None,
                    (Some(agreement), Some(year)) => Some(AgreementUse {
                        agreement,
                        year: i32::try_from(year).map_err(|_| {
                            decode::corrupt(T, id, format!("agreement year {year}"))
                        })?,
                    }),
                    _ => return Err(decode::corrupt(T, id, "half an agreement".into())),
                },
                tx: r
                    .tx_id
                    .map(|t| {
                        u64::try_from(t)
                            .map(TxId)
                            .map_err(|_| decode::corrupt(T, id, format!("tx {t}")))
                    })
                    .transpose()?,
            };
            Ok((r.reference, charge))
        })
        .collect()
}

/// Cases of `run` already taken back by a reversal run.
pub async fn reversed_cases(
    conn: &mut SqliteConnection,
    run: i64,
) -> Result<BTreeSet<i64>, sqlx::Error> {
    let cases: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT c.case_id FROM chargeback_runs r JOIN run_charges c ON c.run_id = r.id
         WHERE r.reverses = ?1
         UNION SELECT r.reversed_case FROM chargeback_runs r WHERE r.reverses = ?1 AND r.reversed_case IS NOT NULL",
    )
    .bind(run)
    .fetch_all(&mut *conn)
    .await?;
    Ok(cases.into_iter().collect())
}

/// Makes a plan's move of its cases, with a history event each; the number
/// moved (fewer than asked when some were not in `from`).
pub async fn move_cases(
    conn: &mut SqliteConnection,
    plan: &CaseMove,
    reason: &str,
    now: &str,
    user: i64,
) -> Result<u64, sqlx::Error> {
    let (from, to, action) = (plan.from.code(), plan.to.code(), plan.action.label_nl());
    let mut moved = 0;
    for chunk in plan.cases.chunks(CHUNK) {
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
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct JournalPosting {
    pub tx_date: String,
    pub reference: String,
    pub kind: String,
    pub stream: Option<String>,
    pub year: Option<i64>,
    pub case_id: Option<i64>,
    pub amount_cents: i64,
}

/// Every ledger posting of a run's charges, in transaction order.
pub async fn journal_postings(
    conn: &mut SqliteConnection,
    run: i64,
) -> Result<Vec<JournalPosting>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.tx_date, c.reference, p.kind, p.stream_code AS stream, p.year, p.case_id, p.amount_cents
             FROM run_charges rc
             JOIN ledger_transactions t ON t.id = rc.tx_id
             JOIN ledger_postings p ON p.tx_id = t.id
             JOIN cases c ON c.id = rc.case_id
             WHERE rc.run_id = ?1
             ORDER BY t.id, p.id",
    )
    .bind(run)
    .fetch_all(&mut *conn)
    .await
}

/// Freezes the accounting codes a run is posted with, per stream it books on.
pub async fn freeze_codes(
    conn: &mut SqliteConnection,
    run: i64,
    codes: &[(StreamCode, AccountingCodes)],
) -> Result<(), sqlx::Error> {
    for chunk in codes.chunks(CHUNK) {
        let mut q = QueryBuilder::new(
            "INSERT INTO run_accounting_codes (run_id, stream_code, taakveld, cost_centre, ledger_account) ",
        );
        q.push_values(chunk, |mut b, (stream, c)| {
            b.push_bind(run)
                .push_bind(stream.as_str())
                .push_bind(c.taakveld.as_str())
                .push_bind(c.cost_centre.as_str())
                .push_bind(c.ledger_account.as_str());
        });
        q.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// A reversal run books with the codes of the run it corrects.
pub async fn copy_codes(
    conn: &mut SqliteConnection,
    from: i64,
    to: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO run_accounting_codes (run_id, stream_code, taakveld, cost_centre, ledger_account)
         SELECT ?2, stream_code, taakveld, cost_centre, ledger_account FROM run_accounting_codes WHERE run_id = ?1",
    )
    .bind(from)
    .bind(to)
    .execute(&mut *conn)
    .await
    .map(|_| ())
}

/// The accounting codes a posted run was booked with.
pub async fn frozen_codes(
    conn: &mut SqliteConnection,
    run: i64,
) -> Result<HashMap<StreamCode, AccountingCodes>, sqlx::Error> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT stream_code, taakveld, cost_centre, ledger_account FROM run_accounting_codes WHERE run_id = ?1",
    )
    .bind(run)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(stream, taakveld, cost_centre, ledger_account)| {
            Ok((
                decode::stream("run_accounting_codes", run, &stream)?,
                AccountingCodes {
                    taakveld,
                    cost_centre,
                    ledger_account,
                },
            ))
        })
        .collect()
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
            OR t.id IN (SELECT tx_id FROM run_charges WHERE tx_id IS NOT NULL)
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
