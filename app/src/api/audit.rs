//! The audit trail, for the administrator.

use leptos::prelude::*;

use crate::error::AppError;
pub use crate::model::{AuditEvent, AuditPage, PAGE_SIZE};

#[cfg(feature = "ssr")]
use crate::{context, services::audit as service};

/// Filtered audit events, newest first, 50 a page; `case` (a reference)
/// answers who saw or acted on that case.
#[server(endpoint = "audit_events")]
pub async fn audit_events(
    actor: String,
    action: String,
    from: String,
    to: String,
    case: String,
    page: i64,
) -> Result<AuditPage, AppError> {
    context::read(&[doorbraak::Role::Administrator], async move |r| {
        service::audit_events(r, actor, action, from, to, case, page).await
    })
    .await
}
