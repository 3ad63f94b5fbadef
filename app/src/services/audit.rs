//! The audit trail, for the administrator.

use crate::context::Read;
use crate::db;
use crate::error::AppError;
use crate::input;
use crate::model::audit_words as words;
use crate::model::*;

fn non_empty(s: String) -> Option<String> {
    let t = s.trim();
    if t.is_empty() {
        None
    } else {
        Some(t.to_string())
    }
}

/// Filtered audit events, newest first, 50 a page.
pub async fn audit_events(
    r: &mut Read,
    actor: String,
    action: String,
    from: String,
    to: String,
    case: String,
    page: i64,
) -> Result<AuditPage, AppError> {
    // A Dutch calendar day runs from its midnight in the Netherlands: the
    // bounds are the UTC instants those midnights are (stored times are UTC).
    let day = |field: &str, value: String| -> Result<Option<chrono::NaiveDate>, AppError> {
        non_empty(value)
            .map(|d| {
                chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                    .map_err(|_| AppError::invalid(field, "Vul een datum in als jjjj-mm-dd."))
            })
            .transpose()
    };
    let start = |d: chrono::NaiveDate| db::timestamp(doorbraak::dates::dutch_day_start(d));
    let case = match non_empty(case) {
        None => None,
        Some(reference) => match db::retention::by_reference(&mut r.conn, &reference).await? {
            Some((id, ..)) => Some(id),
            None => return Err(crate::services::retention::no_such_case("case", &reference)),
        },
    };
    let filter = db::audit::AuditFilter {
        case,
        actor: non_empty(actor).map(|a| a.chars().take(64).collect()),
        action: non_empty(action),
        from: day("from", from)?.map(start),
        to: day("to", to)?.and_then(|d| d.succ_opt()).map(start),
    };
    let page = input::page(page)?;
    let mut rows = db::audit::list(&mut *r.conn, &filter, PAGE_SIZE + 1, page * PAGE_SIZE).await?;
    let has_more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let events = rows
        .into_iter()
        .map(|r| AuditEvent {
            id: r.id,
            at: r.at,
            actor: r.actor_name,
            action: words::action_nl(&r.action),
            object: match r.object_id {
                Some(id) => format!("{} {id}", words::object_nl(&r.object_type)),
                None => words::object_nl(&r.object_type),
            },
            before: r.before_json.as_deref().map(words::details_nl),
            after: r.after_json.as_deref().map(words::details_nl),
            address: r.address,
        })
        .collect();
    let actions = db::audit::actions(&mut *r.conn)
        .await?
        .into_iter()
        .map(|code| {
            let said = words::action_nl(&code);
            (code, said)
        })
        .collect();
    Ok(AuditPage {
        events,
        actions,
        page,
        has_more,
    })
}
