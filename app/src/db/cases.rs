//! Cases, canvas versions, their history and payments.

use doorbraak::canvas::Canvas;
use doorbraak::lifecycle::Status;
use doorbraak::returns::ReturnCalculation;
use sqlx::SqliteConnection;

use crate::api::model::{CaseEvent, CaseList, CaseSummary, PaymentRow};

/// The case row as decisions need it.
#[derive(Debug, Clone)]
pub struct CaseRow {
    pub id: i64,
    pub reference: String,
    pub team_id: i64,
    pub professional_id: i64,
    pub status: Status,
    pub current_version: i64,
    pub waiting_for_external: bool,
    pub waiting_note: Option<String>,
    pub budget_year: Option<i32>,
    pub version: i64,
}

type Row = (
    i64,
    String,
    i64,
    i64,
    String,
    i64,
    bool,
    Option<String>,
    Option<i32>,
    i64,
);

pub async fn get(conn: &mut SqliteConnection, id: i64) -> Result<Option<CaseRow>, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT id, reference, team_id, professional_id, status, current_version, waiting_for_external, waiting_note,
                budget_year, version
         FROM cases WHERE id = ?1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(
        |(
            id,
            reference,
            team_id,
            professional_id,
            status,
            current_version,
            waiting,
            note,
            year,
            version,
        )| CaseRow {
            id,
            reference,
            team_id,
            professional_id,
            status: Status::from_code(&status).unwrap_or(Status::Draft),
            current_version,
            waiting_for_external: waiting,
            waiting_note: note,
            budget_year: year,
            version,
        },
    ))
}

/// What a canvas version asks from the fund.
pub async fn investment_cents(
    conn: &mut SqliteConnection,
    case_id: i64,
    version: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT investment_cents FROM canvases WHERE case_id = ?1 AND version = ?2")
        .bind(case_id)
        .bind(version)
        .fetch_one(&mut *conn)
        .await
}

/// The next pseudonymous reference for a year: `DB-2026-0001`.
pub async fn next_reference(conn: &mut SqliteConnection, year: i32) -> Result<String, sqlx::Error> {
    let prefix = format!("DB-{year}-");
    let count: i64 =
        sqlx::query_scalar("SELECT count(*) FROM cases WHERE reference LIKE ?1 || '%'")
            .bind(&prefix)
            .fetch_one(&mut *conn)
            .await?;
    Ok(format!("{prefix}{:04}", count + 1))
}

pub async fn create(
    conn: &mut SqliteConnection,
    reference: &str,
    team_id: i64,
    professional_id: i64,
    now: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO cases (reference, team_id, professional_id, status, created_at, updated_at)
         VALUES (?1, ?2, ?3, 'draft', ?4, ?4) RETURNING id",
    )
    .bind(reference)
    .bind(team_id)
    .bind(professional_id)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
}

/// Moves a case to `status` if `version` is still current; false when stale.
pub async fn set_status(
    conn: &mut SqliteConnection,
    id: i64,
    version: i64,
    status: Status,
    timestamp_column: Option<&str>,
    now: &str,
) -> Result<bool, sqlx::Error> {
    let stamp = match timestamp_column {
        Some(column @ ("submitted_at" | "decided_at" | "settled_at")) => format!(", {column} = ?4"),
        Some("first_paid_at") => ", first_paid_at = coalesce(first_paid_at, ?4)".to_string(),
        _ => String::new(),
    };
    sqlx::query(&format!(
        "UPDATE cases SET status = ?3, version = version + 1, updated_at = ?4{stamp} WHERE id = ?1 AND version = ?2"
    ))
    .bind(id)
    .bind(version)
    .bind(status.code())
    .bind(now)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected() == 1)
}

pub async fn set_budget_year(
    conn: &mut SqliteConnection,
    id: i64,
    year: i32,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE cases SET budget_year = ?2 WHERE id = ?1")
        .bind(id)
        .bind(year)
        .execute(&mut *conn)
        .await
        .map(|_| ())
}

pub async fn set_waiting(
    conn: &mut SqliteConnection,
    id: i64,
    version: i64,
    waiting: bool,
    note: Option<&str>,
    now: &str,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE cases SET waiting_for_external = ?3, waiting_note = ?4, version = version + 1, updated_at = ?5
         WHERE id = ?1 AND version = ?2",
    )
    .bind(id)
    .bind(version)
    .bind(waiting)
    .bind(note)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected() == 1)
}

/// One step in a case's history.
pub struct NewCaseEvent<'a> {
    pub case_id: i64,
    pub at: &'a str,
    pub actor_id: i64,
    pub action: &'a str,
    pub from: Option<Status>,
    pub to: Status,
    pub reason: Option<&'a str>,
}

pub async fn record_event(
    conn: &mut SqliteConnection,
    e: NewCaseEvent<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO case_events (case_id, at, actor_id, action, from_status, to_status, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .bind(e.case_id)
    .bind(e.at)
    .bind(e.actor_id)
    .bind(e.action)
    .bind(e.from.map(Status::code))
    .bind(e.to.code())
    .bind(e.reason)
    .execute(&mut *conn)
    .await
    .map(|_| ())
}

/// at, actor, action, from, to, reason.
type EventRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
);

pub async fn events(
    conn: &mut SqliteConnection,
    case_id: i64,
) -> Result<Vec<CaseEvent>, sqlx::Error> {
    let rows: Vec<EventRow> = sqlx::query_as(
        "SELECT e.at, u.display_name, e.action, e.from_status, e.to_status, e.reason
         FROM case_events e JOIN users u ON u.id = e.actor_id WHERE e.case_id = ?1 ORDER BY e.id",
    )
    .bind(case_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(at, actor, action, from, to, reason)| CaseEvent {
            at,
            actor,
            action,
            from: from.and_then(|f| Status::from_code(&f)),
            to: Status::from_code(&to).unwrap_or(Status::Draft),
            reason,
        })
        .collect())
}

/// The canvas of a version, with its save counter and whether it is frozen.
pub async fn canvas(
    conn: &mut SqliteConnection,
    case_id: i64,
    version: i64,
) -> Result<Option<(Canvas, i64, bool)>, sqlx::Error> {
    let row: Option<(String, i64, bool)> = sqlx::query_as(
        "SELECT body, edits, frozen FROM canvases WHERE case_id = ?1 AND version = ?2",
    )
    .bind(case_id)
    .bind(version)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.and_then(|(body, edits, frozen)| {
        serde_json::from_str(&body).ok().map(|c| (c, edits, frozen))
    }))
}

pub async fn canvas_versions(
    conn: &mut SqliteConnection,
    case_id: i64,
) -> Result<Vec<(i64, bool, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT version, frozen, saved_at FROM canvases WHERE case_id = ?1 ORDER BY version",
    )
    .bind(case_id)
    .fetch_all(&mut *conn)
    .await
}

async fn write_returns(
    conn: &mut SqliteConnection,
    case_id: i64,
    version: i64,
    calc: &ReturnCalculation,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM canvas_returns WHERE case_id = ?1 AND version = ?2")
        .bind(case_id)
        .bind(version)
        .execute(&mut *conn)
        .await?;
    for (stream, r) in &calc.per_stream {
        sqlx::query(
            "INSERT INTO canvas_returns (case_id, version, stream_code, threatening_cents, realistic_cents, avoided_cents)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .bind(case_id)
        .bind(version)
        .bind(stream.as_str())
        .bind(r.threatening.cents())
        .bind(r.realistic.cents())
        .bind(r.avoided.cents())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Inserts a new canvas version with its return.
pub async fn insert_canvas(
    conn: &mut SqliteConnection,
    case_id: i64,
    version: i64,
    canvas: &Canvas,
    calc: &ReturnCalculation,
    user_id: i64,
    now: &str,
) -> Result<(), sqlx::Error> {
    let body = serde_json::to_string(canvas).map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    sqlx::query(
        "INSERT INTO canvases (case_id, version, body, investment_cents, total_avoided_cents, saved_at, saved_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .bind(case_id)
    .bind(version)
    .bind(body)
    .bind(calc.investment.cents())
    .bind(calc.total_avoided.cents())
    .bind(now)
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    write_returns(conn, case_id, version, calc).await
}

/// Saves a draft version if nobody saved it since `edits`; false when stale.
#[allow(clippy::too_many_arguments)]
pub async fn update_canvas(
    conn: &mut SqliteConnection,
    case_id: i64,
    version: i64,
    edits: i64,
    canvas: &Canvas,
    calc: &ReturnCalculation,
    user_id: i64,
    now: &str,
) -> Result<bool, sqlx::Error> {
    let body = serde_json::to_string(canvas).map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    let updated = sqlx::query(
        "UPDATE canvases SET body = ?4, investment_cents = ?5, total_avoided_cents = ?6, saved_at = ?7, saved_by = ?8,
                edits = edits + 1
         WHERE case_id = ?1 AND version = ?2 AND edits = ?3 AND frozen = 0",
    )
    .bind(case_id)
    .bind(version)
    .bind(edits)
    .bind(body)
    .bind(calc.investment.cents())
    .bind(calc.total_avoided.cents())
    .bind(now)
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() != 1 {
        return Ok(false);
    }
    write_returns(conn, case_id, version, calc).await?;
    Ok(true)
}

pub async fn freeze_canvas(
    conn: &mut SqliteConnection,
    case_id: i64,
    version: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE canvases SET frozen = 1 WHERE case_id = ?1 AND version = ?2 AND frozen = 0")
        .bind(case_id)
        .bind(version)
        .execute(&mut *conn)
        .await
        .map(|_| ())
}

pub async fn set_current_version(
    conn: &mut SqliteConnection,
    case_id: i64,
    version: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE cases SET current_version = ?2 WHERE id = ?1")
        .bind(case_id)
        .bind(version)
        .execute(&mut *conn)
        .await
        .map(|_| ())
}

/// A payment to record against the ledger transaction that booked it.
pub struct NewPayment<'a> {
    pub case_id: i64,
    pub tx_id: i64,
    pub amount_cents: i64,
    pub paid_on: &'a str,
    pub supplier: &'a str,
    pub reference: &'a str,
    pub user_id: i64,
    pub now: &'a str,
}

pub async fn insert_payment(
    conn: &mut SqliteConnection,
    p: NewPayment<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO payments (case_id, tx_id, amount_cents, paid_on, supplier, reference, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (tx_id) DO NOTHING",
    )
    .bind(p.case_id)
    .bind(p.tx_id)
    .bind(p.amount_cents)
    .bind(p.paid_on)
    .bind(p.supplier)
    .bind(p.reference)
    .bind(p.now)
    .bind(p.user_id)
    .execute(&mut *conn)
    .await
    .map(|_| ())
}

pub async fn payments(
    conn: &mut SqliteConnection,
    case_id: i64,
) -> Result<Vec<PaymentRow>, sqlx::Error> {
    let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT amount_cents, paid_on, supplier, reference FROM payments WHERE case_id = ?1 ORDER BY paid_on, id",
    )
    .bind(case_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(cents, paid_on, supplier, reference)| PaymentRow {
            amount: doorbraak::Money::from_cents(cents).unwrap_or_default(),
            paid_on,
            supplier,
            reference,
        })
        .collect())
}

/// id, reference, team, professional id and name, status, investment, avoided,
/// waiting, updated, and the number of matching cases.
type SummaryRow = (
    i64,
    String,
    String,
    i64,
    String,
    String,
    i64,
    i64,
    bool,
    String,
    i64,
);

/// Which cases a list shows.
#[derive(Debug, Clone, Copy)]
pub struct CaseFilter<'a> {
    pub statuses: &'a [Status],
    /// Only these teams; `None` is every team.
    pub teams: Option<&'a [i64]>,
    /// Only the cases this approver may (`true`) or may not (`false`) decide.
    pub decidable: Option<(Decider, bool)>,
}

/// An approver as far as lists care: not their own canvas, and within this
/// limit (`None` is unlimited; no mandate at all is a limit of zero).
#[derive(Debug, Clone, Copy)]
pub struct Decider {
    pub user_id: i64,
    pub limit_cents: Option<i64>,
}

/// One page of a list, newest change first, with the number of all matches.
pub async fn list(
    conn: &mut SqliteConnection,
    filter: &CaseFilter<'_>,
    page: i64,
    per_page: i64,
) -> Result<CaseList, sqlx::Error> {
    let statuses: Vec<&str> = filter.statuses.iter().map(|s| s.code()).collect();
    let status_json = serde_json::to_string(&statuses).unwrap_or_else(|_| "[]".into());
    let team_json = filter
        .teams
        .map(|t| serde_json::to_string(t).unwrap_or_else(|_| "[]".into()));
    let (decider, limit, inside) = match filter.decidable {
        Some((d, inside)) => (Some(d.user_id), d.limit_cents, Some(inside)),
        None => (None, None, None),
    };
    let page = page.max(0);
    let rows: Vec<SummaryRow> = sqlx::query_as(
        "SELECT c.id, c.reference, t.name, c.professional_id, u.display_name, c.status, cv.investment_cents,
                cv.total_avoided_cents, c.waiting_for_external, c.updated_at, count(*) OVER ()
         FROM cases c
         JOIN teams t ON t.id = c.team_id
         JOIN users u ON u.id = c.professional_id
         JOIN canvases cv ON cv.case_id = c.id AND cv.version = c.current_version
         WHERE c.status IN (SELECT value FROM json_each(?1))
           AND (?2 IS NULL OR c.team_id IN (SELECT value FROM json_each(?2)))
           AND (?3 IS NULL
                OR ((c.professional_id <> ?3 AND (?4 IS NULL OR cv.investment_cents <= ?4)) = ?5))
         ORDER BY c.updated_at DESC, c.id DESC
         LIMIT ?6 OFFSET ?7",
    )
    .bind(status_json)
    .bind(team_json)
    .bind(decider)
    .bind(limit)
    .bind(inside)
    .bind(per_page)
    .bind(page * per_page)
    .fetch_all(&mut *conn)
    .await?;
    let total = rows.first().map_or(0, |r| r.10);
    let cases = rows
        .into_iter()
        .map(
            |(
                id,
                reference,
                team,
                professional_id,
                professional,
                status,
                investment,
                avoided,
                waiting,
                updated_at,
                _,
            )| CaseSummary {
                id,
                reference,
                team,
                professional_id,
                professional,
                status: Status::from_code(&status).unwrap_or(Status::Draft),
                investment: doorbraak::Money::from_cents(investment).unwrap_or_default(),
                total_avoided: doorbraak::Money::from_cents(avoided).unwrap_or_default(),
                waiting_for_external: waiting,
                updated_at,
            },
        )
        .collect();
    Ok(CaseList {
        cases,
        total,
        page,
        per_page,
    })
}
