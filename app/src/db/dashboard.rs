//! The dashboard's aggregates. Every query takes the same parameters, so a
//! benchmark can run each one raw in `sqlite3` as well (`QUERIES`):
//! `?1` team id or NULL, `?2` stream code or NULL, `?3`–`?4` the period's
//! first and last Dutch calendar day, `?5`–`?6` the instants it starts and
//! ends (UTC, end exclusive), as stored timestamps compare.

use chrono::NaiveDate;
use doorbraak::Money;
use doorbraak::claim::ClaimStatus;
use sqlx::SqliteConnection;

use super::decode;

/// What the dashboard is filtered on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub team: Option<i64>,
    pub stream: Option<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The instant `from` begins in Amsterdam, as stored timestamps.
    pub from_at: String,
    /// The instant the day after `to` begins in Amsterdam.
    pub to_at: String,
}

/// A case whose frozen canvas has avoided cost on the stream filtered on
/// (every case when none is).
const ON_STREAM: &str = "(?2 IS NULL OR EXISTS (SELECT 1 FROM canvas_returns r
    WHERE r.case_id = c.id AND r.version = c.current_version AND r.stream_code = ?2 AND r.avoided_cents <> 0))";

/// The statuses of a case whose canvas was approved.
const APPROVED: &str =
    "('approved', 'in_progress', 'settled', 'charged_back', 'evaluated', 'closed')";

/// The dates of every case that moved since `?5` (what the counts, the
/// trend and the lead times are made of).
pub fn case_dates_sql() -> String {
    format!(
        "SELECT c.id, c.status, c.submitted_at, c.decided_at, c.first_paid_at, c.settled_at,
                (SELECT MIN(e.evaluated_on) FROM evaluations e WHERE e.case_id = c.id AND e.moment = 'final')
         FROM cases c
         WHERE c.submitted_at IS NOT NULL AND c.updated_at >= ?5 AND c.submitted_at < ?6
           AND (?1 IS NULL OR c.team_id = ?1) AND {ON_STREAM}"
    )
}

/// Avoided cost per stream of the canvases approved in the period.
pub fn projected_sql() -> String {
    format!(
        "SELECT r.stream_code, COUNT(*), SUM(r.avoided_cents)
         FROM cases c JOIN canvas_returns r ON r.case_id = c.id AND r.version = c.current_version
         WHERE c.decided_at >= ?5 AND c.decided_at < ?6 AND c.status IN {APPROVED}
           AND (?1 IS NULL OR c.team_id = ?1) AND (?2 IS NULL OR r.stream_code = ?2)
         GROUP BY r.stream_code ORDER BY r.stream_code"
    )
}

/// The cases approved in the period and what their canvases invest.
pub fn approved_investment_sql() -> String {
    format!(
        "SELECT COUNT(*), COALESCE(SUM(v.investment_cents), 0)
         FROM cases c JOIN canvases v INDEXED BY canvases_figures
           ON v.case_id = c.id AND v.version = c.current_version
         WHERE c.decided_at >= ?5 AND c.decided_at < ?6 AND c.status IN {APPROVED}
           AND (?1 IS NULL OR c.team_id = ?1) AND {ON_STREAM}"
    )
}

/// The newest final evaluation of every case first evaluated in the period.
const FINAL: &str = "WITH fin AS (
    SELECT case_id, MIN(evaluated_on) AS first_on, MAX(id) AS newest
    FROM evaluations WHERE moment = 'final' GROUP BY case_id)";

/// Projected and realised avoided cost per stream of the cases first
/// evaluated in the period.
pub fn realised_sql() -> String {
    format!(
        "{FINAL}
         SELECT s.stream_code, COUNT(*), SUM(s.projected_cents), SUM(s.realised_cents)
         FROM fin f JOIN cases c ON c.id = f.case_id JOIN evaluation_streams s ON s.evaluation_id = f.newest
         WHERE f.first_on BETWEEN ?3 AND ?4 AND (?1 IS NULL OR c.team_id = ?1)
           AND (?2 IS NULL OR s.stream_code = ?2)
         GROUP BY s.stream_code ORDER BY s.stream_code"
    )
}

/// How many cases were first evaluated in the period and what was paid
/// for them.
pub fn evaluated_paid_sql() -> String {
    format!(
        "{FINAL}
         SELECT COUNT(*), COALESCE(SUM(h.paid_cents), 0)
         FROM fin f JOIN cases c ON c.id = f.case_id LEFT JOIN holds h ON h.case_id = c.id
         WHERE f.first_on BETWEEN ?3 AND ?4 AND (?1 IS NULL OR c.team_id = ?1) AND {ON_STREAM}"
    )
}

/// Paid in the period (by payment date) less payments reversed in it, and
/// the households paid.
pub fn invested_sql() -> String {
    format!(
        "SELECT
           (SELECT COUNT(DISTINCT p.case_id) FROM payments p JOIN cases c ON c.id = p.case_id
            WHERE p.paid_on BETWEEN ?3 AND ?4 AND (?1 IS NULL OR c.team_id = ?1) AND {ON_STREAM}
              AND NOT EXISTS (SELECT 1 FROM payment_reversals x WHERE x.payment_id = p.id)),
           (SELECT COALESCE(SUM(p.amount_cents), 0) FROM payments p JOIN cases c ON c.id = p.case_id
            WHERE p.paid_on BETWEEN ?3 AND ?4 AND (?1 IS NULL OR c.team_id = ?1) AND {ON_STREAM}),
           (SELECT COALESCE(SUM(p.amount_cents), 0) FROM payment_reversals x
            JOIN payments p ON p.id = x.payment_id JOIN cases c ON c.id = p.case_id
            WHERE x.reversed_on BETWEEN ?3 AND ?4 AND (?1 IS NULL OR c.team_id = ?1) AND {ON_STREAM})"
    )
}

/// The cases whose chargeback was posted in the period, with their
/// settled cost and what came back.
pub fn recovery_sql() -> String {
    "WITH charged AS MATERIALIZED (
           SELECT c.id AS case_id, h.paid_cents FROM cases c JOIN holds h ON h.case_id = c.id
           WHERE c.status IN ('charged_back', 'evaluated', 'closed') AND (?1 IS NULL OR c.team_id = ?1)
             AND EXISTS (SELECT 1 FROM run_charges rc JOIN chargeback_runs r ON r.id = rc.run_id
                         WHERE rc.case_id = c.id AND r.status = 'posted' AND r.kind = 'chargeback'
                           AND r.booking_date BETWEEN ?3 AND ?4)),
         internal AS (
           SELECT rc.case_id, SUM(rc.amount_cents) AS cents FROM run_charges rc
           JOIN chargeback_runs r ON r.id = rc.run_id
           WHERE r.status = 'posted' AND rc.kind = 'internal' AND (?2 IS NULL OR rc.stream_code = ?2)
             AND rc.case_id IN (SELECT case_id FROM charged)
           GROUP BY rc.case_id HAVING SUM(rc.amount_cents) <> 0),
         claimed AS MATERIALIZED (
           SELECT k.case_id, k.status, k.amount_cents FROM claims k
           WHERE (?2 IS NULL OR k.stream_code = ?2) AND k.case_id IN (SELECT case_id FROM charged))
         SELECT (SELECT COUNT(*) FROM charged), (SELECT COALESCE(SUM(paid_cents), 0) FROM charged),
                (SELECT COUNT(*) FROM internal), (SELECT COALESCE(SUM(cents), 0) FROM internal),
                (SELECT COUNT(DISTINCT case_id) FROM claimed WHERE status = 'paid'),
                (SELECT COALESCE(SUM(amount_cents), 0) FROM claimed WHERE status = 'paid'),
                (SELECT COUNT(DISTINCT case_id) FROM claimed WHERE status IN ('open', 'invoiced')),
                (SELECT COALESCE(SUM(amount_cents), 0) FROM claimed WHERE status IN ('open', 'invoiced')),
                (SELECT COUNT(DISTINCT case_id) FROM claimed WHERE status IN ('refused', 'withdrawn')),
                (SELECT COALESCE(SUM(amount_cents), 0) FROM claimed WHERE status IN ('refused', 'withdrawn'))"
        .to_string()
}

/// Every outstanding claim, as of today (the period does not apply).
pub fn outstanding_sql() -> String {
    "SELECT k.id, k.stream_code, k.case_id, k.amount_cents, k.status, r.booking_date, i.invoice_date
     FROM claims k JOIN chargeback_runs r ON r.id = k.run_id JOIN cases c ON c.id = k.case_id
     LEFT JOIN invoices i ON i.id = k.invoice_id
     WHERE k.status IN ('open', 'invoiced') AND (?1 IS NULL OR c.team_id = ?1)
       AND (?2 IS NULL OR k.stream_code = ?2)
     ORDER BY k.stream_code, k.id"
        .to_string()
}

/// Charged back per stream and booking year, every posted run (corrections
/// included, as negative amounts).
pub fn charged_per_year_sql() -> String {
    "SELECT rc.stream_code, CAST(substr(r.booking_date, 1, 4) AS INTEGER),
            COUNT(DISTINCT rc.case_id), SUM(rc.amount_cents)
     FROM run_charges rc JOIN chargeback_runs r ON r.id = rc.run_id JOIN cases c ON c.id = rc.case_id
     WHERE r.status = 'posted' AND (?1 IS NULL OR c.team_id = ?1) AND (?2 IS NULL OR rc.stream_code = ?2)
     GROUP BY 1, 2 ORDER BY 1, 2"
        .to_string()
}

/// Projected avoided cost per stream and year of approval (the year in
/// Amsterdam: UTC+1 around the turn of the year).
pub fn projected_per_year_sql() -> String {
    format!(
        "WITH approved AS (
           SELECT id, current_version, CAST(strftime('%Y', decided_at, '+1 hours') AS INTEGER) AS year
           FROM cases c
           WHERE status IN {APPROVED} AND decided_at IS NOT NULL AND (?1 IS NULL OR team_id = ?1))
         SELECT r.stream_code, a.year, COUNT(*), SUM(r.avoided_cents)
         FROM approved a JOIN canvas_returns r ON r.case_id = a.id AND r.version = a.current_version
         WHERE (?2 IS NULL OR r.stream_code = ?2)
         GROUP BY 1, 2 ORDER BY 1, 2"
    )
}

/// Realised avoided cost per stream and year of the first final evaluation.
pub fn realised_per_year_sql() -> String {
    format!(
        "{FINAL}
         SELECT s.stream_code, CAST(substr(f.first_on, 1, 4) AS INTEGER),
                COUNT(*), SUM(s.realised_cents)
         FROM fin f JOIN cases c ON c.id = f.case_id JOIN evaluation_streams s ON s.evaluation_id = f.newest
         WHERE (?1 IS NULL OR c.team_id = ?1) AND (?2 IS NULL OR s.stream_code = ?2)
         GROUP BY 1, 2 ORDER BY 1, 2"
    )
}

/// Outstanding claims per stream and the year they were booked.
pub fn outstanding_per_year_sql() -> String {
    "SELECT k.stream_code, CAST(substr(r.booking_date, 1, 4) AS INTEGER),
            COUNT(DISTINCT k.case_id), SUM(k.amount_cents)
     FROM claims k JOIN chargeback_runs r ON r.id = k.run_id JOIN cases c ON c.id = k.case_id
     WHERE k.status IN ('open', 'invoiced') AND (?1 IS NULL OR c.team_id = ?1)
       AND (?2 IS NULL OR k.stream_code = ?2)
     GROUP BY 1, 2 ORDER BY 1, 2"
        .to_string()
}

/// Households with a hold per fund year.
pub fn households_per_fund_year_sql() -> String {
    "SELECT year, COUNT(*) FROM holds GROUP BY year ORDER BY year".to_string()
}

/// Paid less reversed between `?3` and `?4`, and the households paid (the
/// runway's pace).
pub fn pace_sql() -> String {
    "SELECT
       (SELECT COUNT(DISTINCT p.case_id) FROM payments p WHERE p.paid_on BETWEEN ?3 AND ?4
          AND NOT EXISTS (SELECT 1 FROM payment_reversals x WHERE x.payment_id = p.id)),
       (SELECT COALESCE(SUM(amount_cents), 0) FROM payments WHERE paid_on BETWEEN ?3 AND ?4)
       - (SELECT COALESCE(SUM(p.amount_cents), 0) FROM payment_reversals x JOIN payments p ON p.id = x.payment_id
          WHERE x.reversed_on BETWEEN ?3 AND ?4)"
        .to_string()
}

/// Every query, by name, as the benchmark runs it.
pub fn queries() -> Vec<(&'static str, String)> {
    vec![
        ("case_dates", case_dates_sql()),
        ("projected", projected_sql()),
        ("approved_investment", approved_investment_sql()),
        ("realised", realised_sql()),
        ("evaluated_paid", evaluated_paid_sql()),
        ("invested", invested_sql()),
        ("recovery", recovery_sql()),
        ("outstanding", outstanding_sql()),
        ("charged_per_year", charged_per_year_sql()),
        ("projected_per_year", projected_per_year_sql()),
        ("realised_per_year", realised_per_year_sql()),
        ("outstanding_per_year", outstanding_per_year_sql()),
        ("households_per_fund_year", households_per_fund_year_sql()),
    ]
}

/// A query with the scope bound as `?1`–`?6`.
fn scoped<'q, O>(
    sql: &'q str,
    s: &'q Scope,
) -> sqlx::query::QueryAs<'q, sqlx::Sqlite, O, sqlx::sqlite::SqliteArguments<'q>>
where
    O: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>,
{
    sqlx::query_as(sql)
        .bind(s.team)
        .bind(s.stream.as_deref())
        .bind(s.from.to_string())
        .bind(s.to.to_string())
        .bind(&s.from_at)
        .bind(&s.to_at)
}

fn count(table: &'static str, id: impl std::fmt::Display, n: i64) -> Result<u32, sqlx::Error> {
    u32::try_from(n).map_err(|_| decode::corrupt(table, id, format!("count {n}")))
}

/// A case's moments, as Dutch calendar days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseDates {
    pub id: i64,
    pub approved: bool,
    pub rejected: bool,
    pub submitted: NaiveDate,
    pub decided: Option<NaiveDate>,
    pub first_paid: Option<NaiveDate>,
    pub settled: Option<NaiveDate>,
    pub evaluated: Option<NaiveDate>,
}

type CaseDatesRow = (
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The moments of every case that moved within the scope's period or later
/// (the scope's `from_at` is the start of the window asked for).
pub async fn case_dates(
    conn: &mut SqliteConnection,
    scope: &Scope,
) -> Result<Vec<CaseDates>, sqlx::Error> {
    let sql = case_dates_sql();
    let rows: Vec<CaseDatesRow> = scoped(&sql, scope).fetch_all(&mut *conn).await?;
    rows.into_iter()
        .map(
            |(id, status, submitted, decided, paid, settled, evaluated)| {
                const T: &str = "cases";
                let status = decode::status(T, id, &status)?;
                let at = |v: Option<String>| v.map(|v| decode::dutch_date(T, id, &v)).transpose();
                use doorbraak::lifecycle::Status;
                Ok(CaseDates {
                    id,
                    approved: matches!(
                        status,
                        Status::Approved
                            | Status::InProgress
                            | Status::Settled
                            | Status::ChargedBack
                            | Status::Evaluated
                            | Status::Closed
                    ),
                    rejected: status == Status::Rejected,
                    submitted: decode::dutch_date(T, id, &submitted)?,
                    decided: at(decided)?,
                    first_paid: at(paid)?,
                    settled: at(settled)?,
                    evaluated: evaluated
                        .map(|v| decode::date("evaluations", id, &v))
                        .transpose()?,
                })
            },
        )
        .collect()
}

/// Households and amounts of one stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamSum {
    pub stream: String,
    pub households: u32,
    pub projected: Money,
    /// Only for evaluations.
    pub realised: Money,
}

pub async fn projected(
    conn: &mut SqliteConnection,
    scope: &Scope,
) -> Result<Vec<StreamSum>, sqlx::Error> {
    let sql = projected_sql();
    let rows: Vec<(String, i64, i64)> = scoped(&sql, scope).fetch_all(&mut *conn).await?;
    rows.into_iter()
        .map(|(stream, n, cents)| {
            const T: &str = "canvas_returns";
            Ok(StreamSum {
                households: count(T, &stream, n)?,
                projected: decode::money(T, 0, cents)?,
                realised: Money::ZERO,
                stream,
            })
        })
        .collect()
}

pub async fn realised(
    conn: &mut SqliteConnection,
    scope: &Scope,
) -> Result<Vec<StreamSum>, sqlx::Error> {
    let sql = realised_sql();
    let rows: Vec<(String, i64, i64, i64)> = scoped(&sql, scope).fetch_all(&mut *conn).await?;
    rows.into_iter()
        .map(|(stream, n, p, r)| {
            const T: &str = "evaluation_streams";
            Ok(StreamSum {
                households: count(T, &stream, n)?,
                projected: decode::money(T, 0, p)?,
                realised: decode::money(T, 0, r)?,
                stream,
            })
        })
        .collect()
}

/// A number of households and an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    pub households: u32,
    pub amount: Money,
}

async fn counted(
    conn: &mut SqliteConnection,
    scope: &Scope,
    sql: &str,
    table: &'static str,
) -> Result<Counted, sqlx::Error> {
    let (n, cents): (i64, i64) = scoped(sql, scope).fetch_one(&mut *conn).await?;
    Ok(Counted {
        households: count(table, 0, n)?,
        amount: decode::money(table, 0, cents)?,
    })
}

pub async fn approved_investment(
    conn: &mut SqliteConnection,
    scope: &Scope,
) -> Result<Counted, sqlx::Error> {
    counted(conn, scope, &approved_investment_sql(), "canvases").await
}

pub async fn evaluated_paid(
    conn: &mut SqliteConnection,
    scope: &Scope,
) -> Result<Counted, sqlx::Error> {
    counted(conn, scope, &evaluated_paid_sql(), "holds").await
}

/// Paid in the period less what was reversed in it.
pub async fn invested(conn: &mut SqliteConnection, scope: &Scope) -> Result<Counted, sqlx::Error> {
    let sql = invested_sql();
    let (n, paid, reversed): (i64, i64, i64) = scoped(&sql, scope).fetch_one(&mut *conn).await?;
    Ok(Counted {
        households: count("payments", 0, n)?,
        amount: decode::money("payments", 0, paid - reversed)?,
    })
}

/// Paid less reversed from `from` to `to` (every team and stream).
pub async fn pace(
    conn: &mut SqliteConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Counted, sqlx::Error> {
    let sql = pace_sql();
    let (n, cents): (i64, i64) = sqlx::query_as(&sql)
        .bind(None::<i64>)
        .bind(None::<String>)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_one(&mut *conn)
        .await?;
    Ok(Counted {
        households: count("payments", 0, n)?,
        amount: decode::money("payments", 0, cents)?,
    })
}

/// What came back for the cases charged back in the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recovery {
    pub settled: Counted,
    pub internal: Counted,
    pub claims_paid: Counted,
    pub outstanding: Counted,
    pub lost: Counted,
}

pub async fn recovery(conn: &mut SqliteConnection, scope: &Scope) -> Result<Recovery, sqlx::Error> {
    let sql = recovery_sql();
    let row: (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64) =
        scoped(&sql, scope).fetch_one(&mut *conn).await?;
    let c = |n: i64, cents: i64| -> Result<Counted, sqlx::Error> {
        Ok(Counted {
            households: count("run_charges", 0, n)?,
            amount: decode::money("run_charges", 0, cents)?,
        })
    };
    Ok(Recovery {
        settled: c(row.0, row.1)?,
        internal: c(row.2, row.3)?,
        claims_paid: c(row.4, row.5)?,
        outstanding: c(row.6, row.7)?,
        lost: c(row.8, row.9)?,
    })
}

/// An outstanding claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outstanding {
    pub stream: String,
    pub case_id: i64,
    pub amount: Money,
    pub status: ClaimStatus,
    pub booked_on: NaiveDate,
    pub invoiced_on: Option<NaiveDate>,
}

pub async fn outstanding(
    conn: &mut SqliteConnection,
    scope: &Scope,
) -> Result<Vec<Outstanding>, sqlx::Error> {
    let sql = outstanding_sql();
    type Row = (i64, String, i64, i64, String, String, Option<String>);
    let rows: Vec<Row> = sqlx::query_as(&sql)
        .bind(scope.team)
        .bind(scope.stream.as_deref())
        .fetch_all(&mut *conn)
        .await?;
    rows.into_iter()
        .map(|(id, stream, case_id, cents, status, booked, invoiced)| {
            const T: &str = "claims";
            Ok(Outstanding {
                stream,
                case_id,
                amount: decode::money(T, id, cents)?,
                status: decode::code(T, id, "status", &status, ClaimStatus::from_code)?,
                booked_on: decode::date(T, id, &booked)?,
                invoiced_on: invoiced.map(|d| decode::date(T, id, &d)).transpose()?,
            })
        })
        .collect()
}

/// Households and an amount per stream and year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearSum {
    pub stream: String,
    pub year: i32,
    pub households: u32,
    pub amount: Money,
}

/// Charged back per stream and booking year within the scope's team and stream.
pub async fn charged_per_year(
    conn: &mut SqliteConnection,
    scope: &Scope,
) -> Result<Vec<YearSum>, sqlx::Error> {
    per_year(conn, scope, &charged_per_year_sql(), "run_charges").await
}

async fn per_year(
    conn: &mut SqliteConnection,
    scope: &Scope,
    sql: &str,
    table: &'static str,
) -> Result<Vec<YearSum>, sqlx::Error> {
    let rows: Vec<(String, Option<i32>, i64, i64)> = sqlx::query_as(sql)
        .bind(scope.team)
        .bind(scope.stream.as_deref())
        .fetch_all(&mut *conn)
        .await?;
    rows.into_iter()
        .map(|(stream, year, n, cents)| {
            let year =
                year.ok_or_else(|| decode::corrupt(table, &stream, "no year".to_string()))?;
            Ok(YearSum {
                households: count(table, &stream, n)?,
                amount: decode::money(table, i64::from(year), cents)?,
                stream,
                year,
            })
        })
        .collect()
}

/// The four measures per partner and year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerYears {
    pub charged: Vec<YearSum>,
    pub projected: Vec<YearSum>,
    pub realised: Vec<YearSum>,
    pub outstanding: Vec<YearSum>,
}

pub async fn partner_years(
    conn: &mut SqliteConnection,
    scope: &Scope,
) -> Result<PartnerYears, sqlx::Error> {
    Ok(PartnerYears {
        charged: charged_per_year(conn, scope).await?,
        projected: per_year(conn, scope, &projected_per_year_sql(), "canvas_returns").await?,
        realised: per_year(conn, scope, &realised_per_year_sql(), "evaluation_streams").await?,
        outstanding: per_year(conn, scope, &outstanding_per_year_sql(), "claims").await?,
    })
}

/// Households with a hold, per fund year.
pub async fn households_per_fund_year(
    conn: &mut SqliteConnection,
) -> Result<Vec<(i32, u32)>, sqlx::Error> {
    let rows: Vec<(i32, i64)> = sqlx::query_as(&households_per_fund_year_sql())
        .fetch_all(&mut *conn)
        .await?;
    rows.into_iter()
        .map(|(y, n)| Ok((y, count("holds", y, n)?)))
        .collect()
}
