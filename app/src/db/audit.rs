//! The append-only audit trail.

use serde::{Deserialize, Serialize};

/// One event to record.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub at: String,
    pub actor_id: Option<i64>,
    pub actor_name: &'a str,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub address: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub actor_name: String,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub address: Option<String>,
}

pub async fn record<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    e: NewEvent<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_events (at, actor_id, actor_name, action, object_type, object_id, before_json, after_json, address)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )
    .bind(e.at)
    .bind(e.actor_id)
    .bind(e.actor_name)
    .bind(e.action)
    .bind(e.object_type)
    .bind(e.object_id)
    .bind(e.before.map(|v| v.to_string()))
    .bind(e.after.map(|v| v.to_string()))
    .bind(e.address)
    .execute(db)
    .await
    .map(|_| ())
}

/// Several events in one statement (the access log's group commit).
pub async fn record_all<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    events: &[NewEvent<'_>],
) -> Result<(), sqlx::Error> {
    if events.is_empty() {
        return Ok(());
    }
    let mut q = sqlx::QueryBuilder::new(
        "INSERT INTO audit_events (at, actor_id, actor_name, action, object_type, object_id, before_json, after_json, address) ",
    );
    q.push_values(events, |mut row, e| {
        row.push_bind(e.at.clone())
            .push_bind(e.actor_id)
            .push_bind(e.actor_name)
            .push_bind(e.action)
            .push_bind(e.object_type)
            .push_bind(e.object_id.clone())
            .push_bind(e.before.as_ref().map(|v| v.to_string()))
            .push_bind(e.after.as_ref().map(|v| v.to_string()))
            .push_bind(e.address);
    });
    q.build().execute(db).await.map(|_| ())
}

/// Filter for the audit page; every part optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// Part of the actor's name (case-insensitive).
    pub actor: Option<String>,
    pub action: Option<String>,
    /// Stored-time bounds: from (inclusive) and to (exclusive), the UTC
    /// instants the Dutch calendar days begin.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Only what concerns this case: its page and every list, run, dispute,
    /// claim and export that showed it, and every action on it.
    pub case: Option<i64>,
}

/// Newest first, `limit` rows starting after `offset`.
pub async fn list<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    filter: &AuditFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<AuditRow>, sqlx::Error> {
    sqlx::query_as::<_, AuditRow>(
        "SELECT id, at, actor_name, action, object_type, object_id, before_json, after_json, address
         FROM audit_events
         WHERE (?1 IS NULL OR actor_name LIKE '%' || ?1 || '%')
           AND (?2 IS NULL OR action = ?2)
           AND (?3 IS NULL OR at >= ?3)
           AND (?4 IS NULL OR at < ?4)
           AND (?7 IS NULL
                OR (object_type = 'case' AND object_id = CAST(?7 AS TEXT))
                OR (object_type = 'chargeback_run' AND action IN ('journal_exported', 'journal_fetched')
                    AND object_id IN (SELECT CAST(run_id AS TEXT) FROM run_cases WHERE case_id = ?7
                                      UNION SELECT CAST(run_id AS TEXT) FROM run_charges WHERE case_id = ?7))
                OR (object_type = 'invoice' AND action = 'invoice_exported'
                    AND object_id IN (SELECT CAST(invoice_id AS TEXT) FROM claims WHERE case_id = ?7))
                OR id IN (SELECT event_id FROM audit_case_mentions WHERE case_id = ?7))
         ORDER BY id DESC
         LIMIT ?5 OFFSET ?6",
    )
    .bind(filter.actor.as_deref())
    .bind(filter.action.as_deref())
    .bind(filter.from.as_deref())
    .bind(filter.to.as_deref())
    .bind(limit)
    .bind(offset)
    .bind(filter.case)
    .fetch_all(db)
    .await
}

/// The distinct actions recorded so far (for the filter).
pub async fn actions<'e, E: sqlx::SqliteExecutor<'e>>(db: E) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT DISTINCT action FROM audit_events ORDER BY action")
        .fetch_all(db)
        .await
}
