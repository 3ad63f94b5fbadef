//! The audit trail, for the administrator.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::{auth, db};

pub const PAGE_SIZE: i64 = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub events: Vec<AuditEvent>,
    pub actions: Vec<String>,
    pub page: i64,
    pub has_more: bool,
}

#[cfg(feature = "ssr")]
fn non_empty(s: String) -> Option<String> {
    let t = s.trim();
    if t.is_empty() {
        None
    } else {
        Some(t.to_string())
    }
}

/// Filtered audit events, newest first, 50 a page.
#[server(endpoint = "audit_events")]
pub async fn audit_events(
    actor: String,
    action: String,
    from: String,
    to: String,
    page: i64,
) -> Result<AuditPage, AppError> {
    auth::respond(
        async move {
            auth::require(&[doorbraak::Role::Administrator]).await?;
            let is_date = |s: &Option<String>| {
                s.as_deref()
                    .is_none_or(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok())
            };
            let filter = db::audit::AuditFilter {
                actor: non_empty(actor).map(|a| a.chars().take(64).collect()),
                action: non_empty(action),
                from: non_empty(from),
                to: non_empty(to),
            };
            if !is_date(&filter.from) {
                return Err(AppError::invalid(
                    "from",
                    "Vul een datum in als jjjj-mm-dd.",
                ));
            }
            if !is_date(&filter.to) {
                return Err(AppError::invalid("to", "Vul een datum in als jjjj-mm-dd."));
            }
            let page = crate::input::page(page)?;
            let state = auth::state()?;
            let mut rows =
                db::audit::list(&state.pool, &filter, PAGE_SIZE + 1, page * PAGE_SIZE).await?;
            let has_more = rows.len() as i64 > PAGE_SIZE;
            rows.truncate(PAGE_SIZE as usize);
            let events = rows
                .into_iter()
                .map(|r| AuditEvent {
                    id: r.id,
                    at: r.at,
                    actor: r.actor_name,
                    action: r.action,
                    object: match r.object_id {
                        Some(id) => format!("{} {id}", r.object_type),
                        None => r.object_type,
                    },
                    before: r.before_json,
                    after: r.after_json,
                    address: r.address,
                })
                .collect();
            let actions = db::audit::actions(&state.pool).await?;
            Ok(AuditPage {
                events,
                actions,
                page,
                has_more,
            })
        }
        .await,
    )
}
