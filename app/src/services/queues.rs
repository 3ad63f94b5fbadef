//! The lists of cases each role works from — the professional's cases,
//! the approver's queue, the backoffice's payment queue — each scoped by the
//! core's `CaseScope`, and the fund of a year.

use doorbraak::Role;
use doorbraak::lifecycle::Status;
use doorbraak::roles::CaseScope;

use crate::context::Read;
use crate::db;
use crate::error::AppError;
use crate::input;
use crate::model::*;

/// What a list shows `user` acting as `role`: the core's scope of the role.
fn scope(user: &CurrentUser, role: Role) -> Result<db::cases::Scope<'_>, AppError> {
    let scope = CaseScope::of(role, !user.team_ids.is_empty()).ok_or(AppError::Forbidden)?;
    Ok(db::cases::Scope {
        scope,
        teams: &user.team_ids,
    })
}

/// The professional's cases: those of their teams, a page at a time.
/// The cases of the professional's teams; `reference` searches the
/// reference, `status` (a status code, or empty for all) narrows the list.
pub async fn my_cases(
    r: &mut Read,
    page: i64,
    reference: String,
    status: String,
) -> Result<CaseList, AppError> {
    let one;
    let statuses: &[Status] = match status.trim() {
        "" => &Status::ALL,
        code => {
            one = [Status::from_code(code)
                .ok_or_else(|| AppError::invalid("status", "Kies een status uit de lijst."))?];
            &one
        }
    };
    let reference = reference.trim();
    if reference.chars().count() > 40 {
        return Err(AppError::invalid(
            "zoek",
            "Zoek op (een deel van) het kenmerk, zoals DB-2026-0012.",
        ));
    }
    let filter = db::cases::CaseFilter {
        statuses,
        scope: scope(&r.user, Role::Professional)?,
        decidable: None,
        reference: (!reference.is_empty()).then_some(reference),
    };
    Ok(db::cases::list(&mut r.conn, &filter, input::page(page)?, PER_PAGE).await?)
}

/// Submitted canvases in the approver's scope: those they may decide (within
/// their mandate, not their own) or, with `decidable` false, the others.
pub async fn approval_queue(
    r: &mut Read,
    decidable: bool,
    page: i64,
) -> Result<CaseList, AppError> {
    let filter = db::cases::CaseFilter {
        statuses: &[Status::Submitted],
        scope: scope(&r.user, Role::Approver)?,
        reference: None,
        decidable: Some((
            db::cases::Decider {
                user_id: r.user.id,
                mandate_level: r.user.mandate_level.as_deref(),
            },
            decidable,
        )),
    };
    Ok(db::cases::list(&mut r.conn, &filter, input::page(page)?, PER_PAGE).await?)
}

/// Approved cases to pay, and cases in progress to settle.
pub async fn payment_queue(r: &mut Read, page: i64) -> Result<CaseList, AppError> {
    let filter = db::cases::CaseFilter {
        statuses: &[Status::Approved, Status::InProgress],
        scope: scope(&r.user, Role::Backoffice)?,
        decidable: None,
        reference: None,
    };
    Ok(db::cases::list(&mut r.conn, &filter, input::page(page)?, PER_PAGE).await?)
}

/// Evaluated cases waiting to be closed: all of them for the backoffice,
/// those of their teams for an approver.
pub async fn closing_queue(r: &mut Read, page: i64) -> Result<CaseList, AppError> {
    let role = if r.user.roles.has(Role::Backoffice) {
        Role::Backoffice
    } else {
        Role::Approver
    };
    let filter = db::cases::CaseFilter {
        statuses: &[Status::Evaluated],
        scope: scope(&r.user, role)?,
        decidable: None,
        reference: None,
    };
    Ok(db::cases::list(&mut r.conn, &filter, input::page(page)?, PER_PAGE).await?)
}
