//! Cases, canvas versions, their history and payments.

use doorbraak::Money;
use doorbraak::canvas::Canvas;
use doorbraak::lifecycle::Status;
use doorbraak::returns::ReturnCalculation;
use doorbraak::roles::CaseScope;
use sqlx::SqliteConnection;

use super::decode;

use crate::model::canvas_form::DraftForm;
use crate::model::{CaseEvent, CaseList, CaseSummary, PaymentRow};

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

#[derive(sqlx::FromRow)]
struct CaseRecord {
    id: i64,
    reference: String,
    team_id: i64,
    professional_id: i64,
    status: String,
    current_version: i64,
    waiting_for_external: bool,
    waiting_note: Option<String>,
    budget_year: Option<i32>,
    version: i64,
}

impl CaseRecord {
    fn decode(self) -> Result<CaseRow, sqlx::Error> {
        Ok(CaseRow {
            status: decode::status("cases", self.id, &self.status)?,
            id: self.id,
            reference: self.reference,
            team_id: self.team_id,
            professional_id: self.professional_id,
            current_version: self.current_version,
            waiting_for_external: self.waiting_for_external,
            waiting_note: self.waiting_note,
            budget_year: self.budget_year,
            version: self.version,
        })
    }
}

pub async fn get(conn: &mut SqliteConnection, id: i64) -> Result<Option<CaseRow>, sqlx::Error> {
    sqlx::query_as::<_, CaseRecord>(
        "SELECT id, reference, team_id, professional_id, status, current_version, waiting_for_external, waiting_note,
                budget_year, version
         FROM cases WHERE id = ?1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .map(CaseRecord::decode)
    .transpose()
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
    row.map(|(body, edits, frozen)| {
        serde_json::from_str(&body)
            .map(|c| (c, edits, frozen))
            .map_err(|e| decode::corrupt("canvases", case_id, format!("canvas: {e}")))
    })
    .transpose()
}

/// The form as typed of a draft with incomplete parts, if it has them.
pub async fn draft_form(
    conn: &mut SqliteConnection,
    case_id: i64,
    version: i64,
) -> Result<Option<DraftForm>, sqlx::Error> {
    let json: Option<Option<String>> =
        sqlx::query_scalar("SELECT draft_form FROM canvases WHERE case_id = ?1 AND version = ?2")
            .bind(case_id)
            .bind(version)
            .fetch_optional(&mut *conn)
            .await?;
    json.flatten()
        .map(|d| decode_draft(case_id, &d))
        .transpose()
}

fn decode_draft(case_id: i64, json: &str) -> Result<DraftForm, sqlx::Error> {
    serde_json::from_str(json)
        .map_err(|e| decode::corrupt("canvases", case_id, format!("draft_form: {e}")))
}

/// The case's frozen canvas in force (the last approved version).
pub async fn frozen_canvas(
    conn: &mut SqliteConnection,
    case_id: i64,
) -> Result<Option<(i64, Canvas)>, sqlx::Error> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT version, body FROM canvases WHERE case_id = ?1 AND frozen = 1 ORDER BY version DESC LIMIT 1",
    )
    .bind(case_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|(version, body)| {
        serde_json::from_str(&body)
            .map(|c| (version, c))
            .map_err(|e| decode::corrupt("canvases", case_id, format!("canvas: {e}")))
    })
    .transpose()
}

async fn write_returns(
    conn: &mut SqliteConnection,
    case_id: i64,
    version: i64,
    calc: &ReturnCalculation,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE cases SET investment_cents = ?3, total_avoided_cents = ?4 WHERE id = ?1 AND current_version = ?2",
    )
    .bind(case_id)
    .bind(version)
    .bind(calc.investment.cents())
    .bind(calc.total_avoided.cents())
    .execute(&mut *conn)
    .await?;
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

/// Saves a draft canvas, with the form as typed while it has incomplete
/// parts (`draft`), if nobody saved it since `edits`; false when stale.
#[allow(clippy::too_many_arguments)]
pub async fn update_canvas(
    conn: &mut SqliteConnection,
    case_id: i64,
    version: i64,
    edits: i64,
    canvas: &Canvas,
    draft: Option<&DraftForm>,
    calc: &ReturnCalculation,
    user_id: i64,
    now: &str,
) -> Result<bool, sqlx::Error> {
    let json = |e: serde_json::Error| sqlx::Error::Protocol(e.to_string());
    let body = serde_json::to_string(canvas).map_err(json)?;
    let draft = draft.map(serde_json::to_string).transpose().map_err(json)?;
    let updated = sqlx::query(
        "UPDATE canvases SET body = ?4, investment_cents = ?5, total_avoided_cents = ?6, saved_at = ?7, saved_by = ?8,
                draft_form = ?9, edits = edits + 1
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
    .bind(draft)
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
    sqlx::query(
        "UPDATE cases SET current_version = ?2,
                investment_cents = (SELECT investment_cents FROM canvases WHERE case_id = ?1 AND version = ?2),
                total_avoided_cents = (SELECT total_avoided_cents FROM canvases WHERE case_id = ?1 AND version = ?2)
         WHERE id = ?1",
    )
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

/// Who approved the case most recently (the approval now in force).
pub async fn approver(
    conn: &mut SqliteConnection,
    case_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT actor_id FROM case_events WHERE case_id = ?1 AND to_status = 'approved'
         ORDER BY id DESC LIMIT 1",
    )
    .bind(case_id)
    .fetch_optional(&mut *conn)
    .await
}

/// A payment as it was registered: what a repeated form is compared with.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BookedPayment {
    pub case_id: i64,
    pub amount_cents: i64,
    pub paid_on: String,
    pub supplier: String,
    pub reference: String,
}

/// The payment booked under a ledger idempotency key, if any.
pub async fn payment_by_key(
    conn: &mut SqliteConnection,
    key: &str,
) -> Result<Option<BookedPayment>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.case_id, p.amount_cents, p.paid_on, p.supplier, p.reference
         FROM payments p JOIN ledger_transactions t ON t.id = p.tx_id
         WHERE t.idempotency_key = ?1",
    )
    .bind(key)
    .fetch_optional(&mut *conn)
    .await
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

/// The case page's row: the case, its current canvas, the money on its hold,
/// the year's available fund, and its history as JSON arrays.
#[derive(sqlx::FromRow)]
struct FullRecord {
    #[sqlx(flatten)]
    case: CaseRecord,
    body: String,
    edits: i64,
    frozen: bool,
    saved_at: String,
    draft_form: Option<String>,
    investment_cents: i64,
    paid_cents: Option<i64>,
    open_cents: Option<i64>,
    versions: String,
    events: String,
    payments: String,
    fund_cents: Option<i64>,
}

/// Everything the case page shows of a case, in one query.
/// `fund_year`: the year whose available fund comes along.
pub async fn full(
    conn: &mut SqliteConnection,
    id: i64,
    fund_year: i32,
) -> Result<Option<FullCase>, sqlx::Error> {
    let row: Option<FullRecord> = sqlx::query_as(
        "SELECT c.id, c.reference, c.team_id, c.professional_id, c.status, c.current_version, c.waiting_for_external,
                c.waiting_note, c.budget_year, c.version,
                cv.body, cv.edits, cv.frozen, cv.saved_at, cv.draft_form, cv.investment_cents,
                (SELECT paid_cents FROM holds WHERE case_id = c.id) AS paid_cents,
                (SELECT balance_cents FROM account_balances WHERE account = ?2) AS open_cents,
                (SELECT json_group_array(json_object('version', version, 'frozen', frozen, 'saved_at', saved_at,
                                                     'body', json(body))
                                         ORDER BY version)
                 FROM canvases WHERE case_id = c.id) AS versions,
                (SELECT json_group_array(json_object('at', e.at, 'actor', u.display_name, 'action', e.action,
                                                     'from', e.from_status, 'to', e.to_status, 'reason', e.reason)
                                         ORDER BY e.id)
                 FROM case_events e JOIN users u ON u.id = e.actor_id WHERE e.case_id = c.id) AS events,
                (SELECT json_group_array(json_object('id', p.id, 'cents', p.amount_cents, 'paid_on', p.paid_on,
                                                     'supplier', p.supplier, 'reference', p.reference,
                                                     'reversed_on', r.reversed_on, 'reversal_reason', r.reason,
                                                     'received_on', rc.received_on, 'receipt_note', rc.note)
                                         ORDER BY p.paid_on, p.id)
                 FROM payments p LEFT JOIN payment_reversals r ON r.payment_id = p.id
                 LEFT JOIN receipts rc ON rc.payment_id = p.id
                 WHERE p.case_id = c.id) AS payments,
                (SELECT balance_cents FROM account_balances WHERE account = ?3) AS fund_cents
         FROM cases c JOIN canvases cv ON cv.case_id = c.id AND cv.version = c.current_version
         WHERE c.id = ?1",
    )
    .bind(id)
    .bind(super::ledger::hold_account(id))
    .bind(super::ledger::fund_account(fund_year))
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else {
        return Ok(None);
    };
    let canvas: Canvas = serde_json::from_str(&r.body)
        .map_err(|e| decode::corrupt("canvases", id, format!("canvas: {e}")))?;
    Ok(Some(FullCase {
        case: r.case.decode()?,
        canvas,
        edits: r.edits,
        frozen: r.frozen,
        saved_at: r.saved_at,
        draft: r
            .draft_form
            .as_deref()
            .map(|d| decode_draft(id, d))
            .transpose()?,
        requested: decode::money("canvases", id, r.investment_cents)?,
        // No hold yet: nothing paid, nothing open.
        paid: decode::money("holds", id, r.paid_cents.unwrap_or(0))?,
        open: decode::money("account_balances", id, r.open_cents.unwrap_or(0))?,
        history: decode_history(id, &r.versions, &r.events, &r.payments)?,
        fund_available: decode::money(
            "fund_years",
            i64::from(fund_year),
            r.fund_cents.unwrap_or(0),
        )?,
    }))
}

/// Everyone who saved a version of the case's canvas, its creator included.
pub async fn authors(conn: &mut SqliteConnection, case: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT user_id FROM canvas_editors WHERE case_id = ?1
         UNION SELECT professional_id FROM cases WHERE id = ?1",
    )
    .bind(case)
    .fetch_all(&mut *conn)
    .await
}

/// A payment of a case: its ledger transaction, amount, and whether it was reversed.
pub async fn payment(
    conn: &mut SqliteConnection,
    case: i64,
    payment: i64,
) -> Result<Option<(i64, Money, bool)>, sqlx::Error> {
    let row: Option<(i64, i64, bool)> = sqlx::query_as(
        "SELECT p.tx_id, p.amount_cents, EXISTS (SELECT 1 FROM payment_reversals r WHERE r.payment_id = p.id)
         FROM payments p WHERE p.id = ?2 AND p.case_id = ?1",
    )
    .bind(case)
    .bind(payment)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|(tx, cents, reversed)| Ok((tx, decode::money("payments", payment, cents)?, reversed)))
        .transpose()
}

pub async fn insert_payment_reversal(
    conn: &mut SqliteConnection,
    payment: i64,
    tx: i64,
    reason: &str,
    on: &str,
    now: &str,
    user: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO payment_reversals (payment_id, tx_id, reason, reversed_on, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .bind(payment)
    .bind(tx)
    .bind(reason)
    .bind(on)
    .bind(now)
    .bind(user)
    .execute(&mut *conn)
    .await
    .map(|_| ())
}

/// The release transaction of the case's settlement still in force (not
/// reversed), if the settlement released anything.
pub async fn release_in_force(
    conn: &mut SqliteConnection,
    case: i64,
) -> Result<Option<u64>, sqlx::Error> {
    let id: Option<i64> = sqlx::query_scalar(
        "SELECT max(t.id) FROM ledger_transactions t
         WHERE t.case_id = ?1 AND t.kind = 'release'
           AND NOT EXISTS (SELECT 1 FROM ledger_transactions r WHERE r.reverses = t.id)",
    )
    .bind(case)
    .fetch_one(&mut *conn)
    .await?;
    id.map(|id| {
        u64::try_from(id)
            .map_err(|_| decode::corrupt("ledger_transactions", id, "negative id".into()))
    })
    .transpose()
}

/// What [`full`] returns.
pub struct FullCase {
    pub case: CaseRow,
    pub canvas: Canvas,
    pub edits: i64,
    pub frozen: bool,
    /// When the current version was last saved (UTC, RFC 3339).
    pub saved_at: String,
    /// The form as typed, while the draft has incomplete parts.
    pub draft: Option<DraftForm>,
    pub requested: Money,
    pub paid: Money,
    /// Still open on the hold.
    pub open: Money,
    pub history: CaseHistory,
    /// Available in the fund of the year asked for.
    pub fund_available: Money,
}

#[derive(serde::Deserialize)]
struct VersionJson {
    version: i64,
    frozen: i64,
    saved_at: String,
    body: Canvas,
}

#[derive(serde::Deserialize)]
struct EventJson {
    at: String,
    actor: String,
    action: String,
    from: Option<String>,
    to: String,
    reason: Option<String>,
}

#[derive(serde::Deserialize)]
struct PaymentJson {
    id: i64,
    cents: i64,
    paid_on: String,
    supplier: String,
    reference: String,
    reversed_on: Option<String>,
    reversal_reason: Option<String>,
    received_on: Option<String>,
    receipt_note: Option<String>,
}

/// Canvas versions, events and payments from the JSON arrays [`full`] selects.
fn decode_history(
    case_id: i64,
    versions: &str,
    events: &str,
    payments: &str,
) -> Result<CaseHistory, sqlx::Error> {
    let json = |what: &str, e: serde_json::Error| {
        decode::corrupt("cases", case_id, format!("{what}: {e}"))
    };
    let versions: Vec<VersionJson> =
        serde_json::from_str(versions).map_err(|e| json("versions", e))?;
    let events: Vec<EventJson> = serde_json::from_str(events).map_err(|e| json("events", e))?;
    let payments: Vec<PaymentJson> =
        serde_json::from_str(payments).map_err(|e| json("payments", e))?;
    Ok(CaseHistory {
        versions: versions
            .into_iter()
            .map(|v| StoredVersion {
                version: v.version,
                frozen: v.frozen != 0,
                saved_at: v.saved_at,
                canvas: v.body,
            })
            .collect(),
        events: events
            .into_iter()
            .map(|e| {
                Ok(CaseEvent {
                    from: e
                        .from
                        .map(|f| decode::status("case_events", case_id, &f))
                        .transpose()?,
                    to: decode::status("case_events", case_id, &e.to)?,
                    at: e.at,
                    actor: e.actor,
                    action: e.action,
                    reason: e.reason,
                })
            })
            .collect::<Result<_, sqlx::Error>>()?,
        payments: payments
            .into_iter()
            .map(|p| {
                Ok(PaymentRow {
                    id: p.id,
                    amount: decode::money("payments", case_id, p.cents)?,
                    paid_on: p.paid_on,
                    supplier: p.supplier,
                    reference: p.reference,
                    received: match (p.received_on, p.receipt_note) {
                        (Some(on), Some(note)) => Some((on, note)),
                        (None, None) => None,
                        _ => {
                            return Err(decode::corrupt("receipts", p.id, "half a receipt".into()));
                        }
                    },
                    reversed: match (p.reversed_on, p.reversal_reason) {
                        (Some(on), Some(why)) => Some((on, why)),
                        (None, None) => None,
                        _ => {
                            return Err(decode::corrupt(
                                "payment_reversals",
                                p.id,
                                "half a reversal".into(),
                            ));
                        }
                    },
                })
            })
            .collect::<Result<_, sqlx::Error>>()?,
    })
}

/// A saved canvas version.
pub struct StoredVersion {
    pub version: i64,
    pub frozen: bool,
    pub saved_at: String,
    pub canvas: Canvas,
}

/// A case's canvas versions (oldest first), timeline and payments.
pub struct CaseHistory {
    pub versions: Vec<StoredVersion>,
    pub events: Vec<CaseEvent>,
    pub payments: Vec<PaymentRow>,
}

/// total, id, reference, team, professional id and name, status, investment,
/// avoided, waiting, updated.
#[derive(sqlx::FromRow)]
struct SummaryRecord {
    id: i64,
    reference: String,
    team: String,
    professional_id: i64,
    professional: String,
    status: String,
    investment_cents: i64,
    total_avoided_cents: i64,
    waiting_for_external: bool,
    updated_at: String,
}

impl SummaryRecord {
    fn decode(self) -> Result<CaseSummary, sqlx::Error> {
        let id = self.id;
        Ok(CaseSummary {
            id,
            reference: self.reference,
            team: self.team,
            professional_id: self.professional_id,
            professional: self.professional,
            status: decode::status("cases", id, &self.status)?,
            investment: decode::money("cases", id, self.investment_cents)?,
            total_avoided: decode::money("cases", id, self.total_avoided_cents)?,
            waiting_for_external: self.waiting_for_external,
            updated_at: self.updated_at,
        })
    }
}

/// Which cases a list shows.
#[derive(Debug, Clone, Copy)]
pub struct CaseFilter<'a> {
    pub statuses: &'a [Status],
    /// Whose cases: the core's scope for the reader's role.
    pub scope: Scope<'a>,
    /// Only the cases this approver may (`true`) or may not (`false`) decide.
    pub decidable: Option<(Decider<'a>, bool)>,
    /// Only references containing this text (case-insensitive).
    pub reference: Option<&'a str>,
}

/// The core's case scope with the reader's teams: the SQL form of
/// `CaseScope::covers`.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub scope: CaseScope,
    pub teams: &'a [i64],
}

/// An approver as far as lists care: not their own canvas, and within the
/// limit of their mandate level (none, or an unknown one, decides nothing).
#[derive(Debug, Clone, Copy)]
pub struct Decider<'a> {
    pub user_id: i64,
    pub mandate_level: Option<&'a str>,
}

/// Adds the filter's conditions (after a `WHERE`).
fn push_filter<'q>(q: &mut sqlx::QueryBuilder<'q, sqlx::Sqlite>, filter: &CaseFilter<'q>) {
    // Every status: no condition, so a row with a status the code does not
    // know is read (and fails loudly) instead of silently left out.
    if filter.statuses.len() == Status::ALL.len() {
        q.push("1");
    } else {
        q.push("c.status IN (");
        let mut statuses = q.separated(", ");
        for status in filter.statuses {
            statuses.push_bind(status.code());
        }
        q.push(")");
    }
    // In the teams, or (every team) not another team's draft.
    q.push(" AND (c.team_id IN (");
    let mut ids = q.separated(", ");
    for team in filter.scope.teams {
        ids.push_bind(*team);
    }
    if filter.scope.teams.is_empty() {
        ids.push("NULL");
    }
    q.push(")");
    if filter.scope.scope == CaseScope::AllTeams {
        q.push(" OR c.status <> ").push_bind(Status::Draft.code());
    }
    q.push(")");
    if let Some(text) = filter.reference {
        let escaped = text
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        q.push(" AND c.reference LIKE ")
            .push_bind(format!("%{escaped}%"))
            .push(" ESCAPE '\\'");
    }
    if let Some((decider, inside)) = filter.decidable {
        q.push(" AND ((c.professional_id <> ")
            .push_bind(decider.user_id)
            .push(
                " AND c.investment_cents <= coalesce((SELECT coalesce(limit_cents, 9223372036854775807)
                  FROM mandate_levels WHERE code = ",
            )
            .push_bind(decider.mandate_level)
            .push("), 0)) = ")
            .push_bind(inside)
            .push(")");
    }
}

/// One page of a list, newest change first, with the number of all matches.
pub async fn list(
    conn: &mut SqliteConnection,
    filter: &CaseFilter<'_>,
    page: i64,
    per_page: i64,
) -> Result<CaseList, sqlx::Error> {
    let page = page.max(0);
    let mut q = sqlx::QueryBuilder::new(
        "SELECT c.id, c.reference, t.name AS team, c.professional_id, u.display_name AS professional, c.status,
                c.investment_cents, c.total_avoided_cents, c.waiting_for_external, c.updated_at
         FROM cases c
         JOIN teams t ON t.id = c.team_id
         JOIN users u ON u.id = c.professional_id
         WHERE ",
    );
    push_filter(&mut q, filter);
    // One row more than the page tells whether there is a next one.
    q.push(" ORDER BY c.updated_at DESC, c.id DESC LIMIT ")
        .push_bind(per_page.saturating_add(1))
        .push(" OFFSET ")
        .push_bind(page.saturating_mul(per_page));
    let mut rows: Vec<SummaryRecord> = q.build_query_as().fetch_all(&mut *conn).await?;
    let has_more = rows.len() as i64 > per_page;
    rows.truncate(per_page.max(0) as usize);
    let cases = rows
        .into_iter()
        .map(SummaryRecord::decode)
        .collect::<Result<_, sqlx::Error>>()?;
    Ok(CaseList {
        cases,
        has_more,
        page,
    })
}
