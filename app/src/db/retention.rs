//! Retention terms, legal holds, and the erasure of a case's household data.
//! The erasure writes only what the triggers of migration 0013 allow: the
//! listed texts to the marker, the history's times to their month, for a
//! case marked erased first.

use chrono::NaiveDate;
use doorbraak::retention::{CaseFacts, ERASED, RecordClass, Term, Terms};
use sqlx::SqliteConnection;

use super::decode::{corrupt, dutch_date};

/// The terms as stored, each with its row version (for the stale check).
pub async fn terms(
    conn: &mut SqliteConnection,
) -> Result<(Terms, Vec<(RecordClass, i64)>), sqlx::Error> {
    let rows: Vec<(String, i64, i64)> =
        sqlx::query_as("SELECT class, years, version FROM retention_terms ORDER BY class")
            .fetch_all(&mut *conn)
            .await?;
    let mut terms = Terms::default();
    let mut versions = Vec::new();
    for (class, years, version) in rows {
        let c = RecordClass::from_code(&class)
            .ok_or_else(|| corrupt("retention_terms", 0, format!("unknown class {class:?}")))?;
        let term = Term::years(years)
            .map_err(|e| corrupt("retention_terms", 0, format!("{class}: {years} years: {e}")))?;
        terms.set(c, term);
        versions.push((c, version));
    }
    if versions.len() != RecordClass::ALL.len() {
        return Err(corrupt(
            "retention_terms",
            0,
            format!("{} classes", versions.len()),
        ));
    }
    Ok((terms, versions))
}

/// Sets a term if its row is still at `version`; false when it is stale.
pub async fn set_term(
    conn: &mut SqliteConnection,
    class: RecordClass,
    term: Term,
    version: i64,
    at: &str,
    by: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE retention_terms SET years = ?1, version = version + 1, updated_at = ?2, updated_by = ?3
         WHERE class = ?4 AND version = ?5",
    )
    .bind(i64::from(term.get()))
    .bind(at)
    .bind(by)
    .bind(class.code())
    .bind(version)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A case on legal hold.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HeldCase {
    pub id: i64,
    pub reference: String,
    pub reason: String,
}

pub async fn held(conn: &mut SqliteConnection) -> Result<Vec<HeldCase>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, reference, coalesce(legal_hold_reason, '') AS reason FROM cases
         WHERE legal_hold = 1 ORDER BY reference",
    )
    .fetch_all(&mut *conn)
    .await
}

/// A case's id, legal hold and whether it was erased, by reference.
pub async fn by_reference(
    conn: &mut SqliteConnection,
    reference: &str,
) -> Result<Option<(i64, String, bool, bool)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, reference, legal_hold, erased_at IS NOT NULL FROM cases WHERE reference = ?1 COLLATE NOCASE",
    )
    .bind(reference)
    .fetch_optional(&mut *conn)
    .await
}

/// Puts a case on legal hold (with its reason) or lifts it (reason NULL).
pub async fn set_hold(
    conn: &mut SqliteConnection,
    id: i64,
    reason: Option<&str>,
    at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE cases SET legal_hold = ?1, legal_hold_reason = ?2, version = version + 1, updated_at = ?3
         WHERE id = ?4",
    )
    .bind(reason.is_some())
    .bind(reason)
    .bind(at)
    .bind(id)
    .execute(&mut *conn)
    .await
    .map(|_| ())
}

/// A case that has ended, with what retention needs to know of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndedCase {
    pub id: i64,
    pub reference: String,
    pub facts: CaseFacts,
}

#[derive(sqlx::FromRow)]
struct EndedRow {
    id: i64,
    reference: String,
    ended_at: Option<String>,
    granted: bool,
    legal_hold: bool,
    erased: bool,
    years: String,
}

/// Every case that was closed or rejected, erased ones included.
pub async fn ended(conn: &mut SqliteConnection) -> Result<Vec<EndedCase>, sqlx::Error> {
    let rows: Vec<EndedRow> = sqlx::query_as(
        "SELECT c.id, c.reference,
                CASE c.status WHEN 'rejected' THEN c.decided_at
                     ELSE (SELECT max(e.at) FROM case_events e WHERE e.case_id = c.id AND e.to_status = 'closed')
                END AS ended_at,
                EXISTS (SELECT 1 FROM holds h WHERE h.case_id = c.id) AS granted,
                c.legal_hold, c.erased_at IS NOT NULL AS erased,
                (SELECT json_group_array(json_array(y.year, yc.closed_on))
                 FROM (SELECT year FROM ledger_transactions WHERE case_id = c.id AND year IS NOT NULL
                       UNION SELECT year FROM run_charges WHERE case_id = c.id) y
                 LEFT JOIN year_closings yc ON yc.year = y.year) AS years
         FROM cases c WHERE c.status IN ('closed', 'rejected') ORDER BY c.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let ended_on = r
                .ended_at
                .as_deref()
                .map(|at| dutch_date("cases", r.id, at))
                .transpose()?;
            let years: Vec<(i64, Option<String>)> = serde_json::from_str(&r.years)
                .map_err(|e| corrupt("cases", r.id, format!("budget years {:?}: {e}", r.years)))?;
            let financial_years = years
                .into_iter()
                .map(|(_, closed)| {
                    closed
                        .map(|d| d.parse::<NaiveDate>())
                        .transpose()
                        .map_err(|_| corrupt("year_closings", r.id, "closed_on".into()))
                })
                .collect::<Result<_, _>>()?;
            Ok(EndedCase {
                id: r.id,
                reference: r.reference,
                facts: CaseFacts {
                    ended_on,
                    granted: r.granted,
                    financial_years,
                    legal_hold: r.legal_hold,
                    erased: r.erased,
                },
            })
        })
        .collect()
}

/// Marks a case erased under its new reference, blanks its own texts and
/// coarsens its creation time; false when it is on legal hold or erased.
pub async fn mark_erased(
    conn: &mut SqliteConnection,
    id: i64,
    new_reference: &str,
    created_at: &str,
    at: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE cases SET erased_at = ?1, reference = ?2, waiting_note = NULL, created_at = ?3,
                updated_at = ?1, version = version + 1
         WHERE id = ?4 AND erased_at IS NULL AND legal_hold = 0",
    )
    .bind(at)
    .bind(new_reference)
    .bind(created_at)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// What erasure rewrites of a case: its creation time, its events (id,
/// time) and its canvas versions (version, body, saved at).
pub struct History {
    pub created: String,
    pub events: Vec<(i64, String)>,
    pub canvases: Vec<(i64, String, String)>,
}

pub async fn history(conn: &mut SqliteConnection, id: i64) -> Result<History, sqlx::Error> {
    let created = sqlx::query_scalar("SELECT created_at FROM cases WHERE id = ?1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    let events = sqlx::query_as("SELECT id, at FROM case_events WHERE case_id = ?1 ORDER BY id")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    let canvases = sqlx::query_as(
        "SELECT version, body, saved_at FROM canvases WHERE case_id = ?1 ORDER BY version",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(History {
        created,
        events,
        canvases,
    })
}

pub async fn erase_canvas(
    conn: &mut SqliteConnection,
    id: i64,
    version: i64,
    body: &str,
    saved_at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE canvases SET body = ?1, draft_form = NULL, saved_at = ?2 WHERE case_id = ?3 AND version = ?4",
    )
    .bind(body)
    .bind(saved_at)
    .bind(id)
    .bind(version)
    .execute(&mut *conn)
    .await
    .map(|_| ())
}

pub async fn erase_event(
    conn: &mut SqliteConnection,
    event: i64,
    at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(&format!(
        "UPDATE case_events SET at = ?1, reason = {blank} WHERE id = ?2",
        blank = blank("reason")
    ))
    .bind(at)
    .bind(event)
    .execute(&mut *conn)
    .await
    .map(|_| ())
}

/// SQL that erases an optional text column: empty or NULL stays as it is.
fn blank(column: &str) -> String {
    format!("CASE WHEN coalesce({column}, '') = '' THEN {column} ELSE '{ERASED}' END")
}

/// Every other text of the case: payments, reversals, receipts, evaluations,
/// runs, keys, reviews, claims, and the before/after of the audit events on
/// the case itself (see [`erase_mentions`] for the others).
pub async fn erase_rest(conn: &mut SqliteConnection, id: i64) -> Result<(), sqlx::Error> {
    let statements = [
        format!(
            "UPDATE payments SET supplier = '{ERASED}', reference = '{ERASED}' WHERE case_id = ?1"
        ),
        format!(
            "UPDATE payment_reversals SET reason = '{ERASED}'
             WHERE payment_id IN (SELECT id FROM payments WHERE case_id = ?1)"
        ),
        format!(
            "UPDATE receipts SET note = {note}, received_on = strftime('%Y-%m-01', received_on)
             WHERE payment_id IN (SELECT id FROM payments WHERE case_id = ?1)",
            note = blank("note")
        ),
        format!(
            "UPDATE evaluations SET goal_note = {goal}, reason = {reason} WHERE case_id = ?1",
            goal = blank("goal_note"),
            reason = blank("reason")
        ),
        format!(
            "UPDATE evaluation_lines SET justification = {j}
             WHERE evaluation_id IN (SELECT id FROM evaluations WHERE case_id = ?1)",
            j = blank("justification")
        ),
        format!(
            "UPDATE chargeback_runs SET reason = {r} WHERE reversed_case = ?1",
            r = blank("reason")
        ),
        format!(
            "UPDATE run_cases SET reason = {r} WHERE case_id = ?1",
            r = blank("reason")
        ),
        format!("UPDATE case_keys SET reason = '{ERASED}' WHERE case_id = ?1"),
        format!(
            "UPDATE charge_reviews SET reason = {r}, resolution_reason = {rr} WHERE case_id = ?1",
            r = blank("reason"),
            rr = blank("resolution_reason")
        ),
        format!(
            "UPDATE claims SET reason = {r} WHERE case_id = ?1",
            r = blank("reason")
        ),
        "UPDATE audit_events SET before_json = NULL, after_json = NULL
         WHERE object_type = 'case' AND object_id = CAST(?1 AS TEXT)
           AND (before_json IS NOT NULL OR after_json IS NOT NULL)"
            .to_string(),
    ];
    for sql in statements {
        sqlx::query(&sql).bind(id).execute(&mut *conn).await?;
    }
    Ok(())
}

/// The before/after of every audit event that names an erased case through
/// a charge, a claim or a run: one pass over those events for all cases.
pub async fn erase_mentions(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE audit_events SET before_json = NULL, after_json = NULL
         WHERE id IN (SELECT v.event_id FROM audit_case_mentions v JOIN cases c ON c.id = v.case_id
                      WHERE c.erased_at IS NOT NULL)
           AND (before_json IS NOT NULL OR after_json IS NOT NULL)",
    )
    .execute(&mut *conn)
    .await
    .map(|_| ())
}

/// Whether a reference is in use (a new random one must be unique).
pub async fn reference_taken(
    conn: &mut SqliteConnection,
    reference: &str,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM cases WHERE reference = ?1)")
        .bind(reference)
        .fetch_one(&mut *conn)
        .await
}
