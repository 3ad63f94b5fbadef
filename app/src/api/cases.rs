//! Cases from canvas to payment: professionals write and submit canvases,
//! approvers decide (approval places the hold on the fund in the same
//! transaction), the backoffice pays and settles.

use doorbraak::ledger::FundPosition;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::canvas_form::CanvasForm;
use crate::error::AppError;
use crate::model::{CaseList, CaseView};

#[cfg(feature = "ssr")]
use crate::db::{self, cases::CaseRow};
#[cfg(feature = "ssr")]
use crate::model::CurrentUser;
#[cfg(feature = "ssr")]
use crate::{auth, input};
#[cfg(feature = "ssr")]
use doorbraak::lifecycle::{Action, Actor, CaseFacts, Status};
#[cfg(feature = "ssr")]
use doorbraak::{Money, Role};
#[cfg(feature = "ssr")]
use sqlx::SqliteConnection;

/// A canvas after saving: the counter to send with the next save, and its return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedCanvas {
    pub edits: i64,
    pub calculation: doorbraak::returns::ReturnCalculation,
}

#[cfg(feature = "ssr")]
fn stale() -> AppError {
    AppError::Conflict(
        "Iemand anders heeft deze casus intussen gewijzigd. Laad de pagina opnieuw.".to_string(),
    )
}

#[cfg(feature = "ssr")]
fn rule(e: doorbraak::lifecycle::LifecycleError) -> AppError {
    use doorbraak::lifecycle::LifecycleError as L;
    match e {
        L::RoleRequired { .. } => AppError::Forbidden,
        L::ReasonRequired => AppError::invalid("reason", e.to_string()),
        L::PaymentExceedsHold { .. } | L::PaymentNotPositive => {
            AppError::invalid("amount", e.to_string())
        }
        other => AppError::Conflict(other.to_string()),
    }
}

#[cfg(feature = "ssr")]
fn may_see(user: &CurrentUser, case: &CaseRow) -> bool {
    doorbraak::roles::may_see_case(
        user.roles,
        user.team_ids.contains(&case.team_id),
        !user.team_ids.is_empty(),
        case.status == Status::Draft,
    )
}

#[cfg(feature = "ssr")]
fn not_found() -> AppError {
    AppError::NotFound("Deze casus bestaat niet of u heeft er geen toegang toe.".to_string())
}

/// The case, if it exists and the user may see it. Another team's case is
/// refused like a missing one, so ids reveal nothing.
#[cfg(feature = "ssr")]
pub(crate) async fn load_case(
    conn: &mut SqliteConnection,
    user: &CurrentUser,
    id: i64,
) -> Result<CaseRow, AppError> {
    match db::cases::get(conn, id).await? {
        Some(case) if may_see(user, &case) => Ok(case),
        _ => Err(not_found()),
    }
}

#[cfg(feature = "ssr")]
fn actor(user: &CurrentUser) -> Actor {
    Actor {
        user_id: user.id,
        roles: user.roles,
        mandate_level: user.mandate_level.clone(),
    }
}

#[cfg(feature = "ssr")]
async fn facts(conn: &mut SqliteConnection, case: &CaseRow) -> Result<CaseFacts, AppError> {
    let (requested, paid, open) =
        db::ledger::case_money(conn, case.id, case.current_version).await?;
    case_facts(case, requested, paid, open)
}

/// What lifecycle decisions need to know of a case and its hold (cents).
#[cfg(feature = "ssr")]
fn case_facts(
    case: &CaseRow,
    requested: Money,
    paid: Money,
    open: Money,
) -> Result<CaseFacts, AppError> {
    Ok(CaseFacts {
        status: case.status,
        author_id: case.professional_id,
        approved_by: None,
        requested,
        held: paid.checked_add(open).map_err(|_| AppError::Internal)?,
        paid,
        waiting_for_external: case.waiting_for_external,
    })
}

/// Applies a lifecycle action: checks the version, decides in the core,
/// moves the status, records the event and the audit trail.
#[cfg(feature = "ssr")]
async fn transition(
    conn: &mut SqliteConnection,
    user: &CurrentUser,
    case: &CaseRow,
    version: i64,
    action: Action,
    reason: Option<&str>,
    stamp: Option<&str>,
) -> Result<Status, AppError> {
    if case.version != version {
        return Err(stale());
    }
    let mut facts = facts(conn, case).await?;
    // Only a payment asks who approved (separation of duties).
    if matches!(action, Action::RegisterPayment { .. }) {
        facts.approved_by = db::cases::approver(conn, case.id).await?;
    }
    let mandates = db::config::mandates(conn).await?;
    let decision = doorbraak::lifecycle::decide(action, &actor(user), &facts, reason, &mandates)
        .map_err(rule)?;
    let now = db::timestamp(auth::now());
    if !db::cases::set_status(conn, case.id, version, decision.next, stamp, &now).await? {
        return Err(stale());
    }
    let code = action.label_nl();
    db::cases::record_event(
        conn,
        db::cases::NewCaseEvent {
            case_id: case.id,
            at: &now,
            actor_id: user.id,
            action: code,
            from: Some(case.status),
            to: decision.next,
            reason,
        },
    )
    .await?;
    let before = serde_json::json!({ "status": case.status.code() });
    let after = serde_json::json!({ "status": decision.next.code(), "reason": reason });
    auth::audit(
        &mut *conn,
        Some(user),
        &format!("case_{}", decision.next.code()),
        "case",
        Some(case.id.to_string()),
        Some(before),
        Some(after),
    )
    .await?;
    Ok(decision.next)
}

/// Starts a case for one of the professional's teams, with an empty canvas.
#[server(endpoint = "create_case")]
pub async fn create_case(team_id: i64) -> Result<i64, AppError> {
    auth::respond(
        async move {
            let user = auth::require(&[Role::Professional]).await?;
            if !user.team_ids.contains(&team_id) {
                return Err(AppError::invalid("team_id", "Kies een van uw eigen teams."));
            }
            let state = auth::state()?;
            let mut tx = state.pool.begin_with("BEGIN IMMEDIATE").await?;
            let now = db::timestamp(auth::now());
            let reference =
                db::cases::next_reference(&mut tx, chrono::Datelike::year(&auth::today())).await?;
            let id = db::cases::create(&mut tx, &reference, team_id, user.id, &now).await?;
            let canvas =
                doorbraak::canvas::Canvas::new_draft(db::config::default_horizon(&mut tx).await?);
            let calc = doorbraak::returns::calculate_canvas(&canvas, &Default::default())
                .map_err(|_| AppError::Internal)?;
            db::cases::insert_canvas(&mut tx, id, 1, &canvas, &calc, user.id, &now).await?;
            db::cases::record_event(
                &mut tx,
                db::cases::NewCaseEvent {
                    case_id: id,
                    at: &now,
                    actor_id: user.id,
                    action: "aangemaakt",
                    from: None,
                    to: Status::Draft,
                    reason: None,
                },
            )
            .await?;
            let after = serde_json::json!({ "reference": reference, "team_id": team_id });
            auth::audit(
                &mut *tx,
                Some(&user),
                "case_created",
                "case",
                Some(id.to_string()),
                None,
                Some(after),
            )
            .await?;
            tx.commit().await?;
            Ok(id)
        }
        .await,
    )
}

/// The case page's data. Opening a case is recorded in the audit trail.
#[server(endpoint = "case")]
pub async fn get_case(id: i64) -> Result<CaseView, AppError> {
    auth::respond(
        async move {
            let user =
                auth::require(&[Role::Professional, Role::Approver, Role::Backoffice]).await?;
            let state = auth::state()?;
            let mut conn = state.pool.acquire().await?;
            let year = chrono::Datelike::year(&auth::today());
            let full = db::cases::full(&mut conn, id, year)
                .await?
                .filter(|f| may_see(&user, &f.case))
                .ok_or_else(not_found)?;
            let facts = case_facts(&full.case, full.requested, full.paid, full.open)?;
            let fund_available = (user.roles.has(Role::Approver)
                && full.case.status == Status::Submitted)
                .then_some((year, full.fund_available));
            let db::cases::FullCase {
                case,
                canvas,
                edits,
                frozen,
                history,
                ..
            } = full;
            // The streams were checked when the canvas was saved.
            let known = canvas
                .threatening
                .iter()
                .chain(canvas.realistic.iter())
                .map(|l| l.stream())
                .collect();
            let calculation = doorbraak::returns::calculate_canvas(&canvas, &known).ok();
            let view = CaseView {
                id,
                reference: case.reference.clone(),
                team_id: case.team_id,
                professional_id: case.professional_id,
                status: case.status,
                version: case.version,
                canvas_version: case.current_version,
                canvas_edits: edits,
                canvas_frozen: frozen,
                canvas,
                calculation,
                versions: history.versions,
                events: history.events,
                payments: history.payments,
                held: facts.held,
                paid: facts.paid,
                waiting_for_external: case.waiting_for_external,
                waiting_note: case.waiting_note.clone(),
                budget_year: case.budget_year,
                fund_available,
                today: auth::today().format("%Y-%m-%d").to_string(),
            };
            drop(conn);
            state
                .access
                .record(crate::access_log::Access {
                    at: db::timestamp(auth::now()),
                    actor_id: user.id,
                    actor_name: user.username.clone(),
                    action: "case_opened",
                    object_type: "case",
                    object_id: id.to_string(),
                    address: auth::client_address(),
                })
                .await?;
            Ok(view)
        }
        .await,
    )
}

/// Saves the draft canvas. `edits` is the save counter the form was loaded
/// with: if someone saved in between, nothing is saved and the user is told.
#[server(endpoint = "save_canvas")]
pub async fn save_canvas(
    case_id: i64,
    edits: i64,
    canvas: CanvasForm,
) -> Result<SavedCanvas, AppError> {
    auth::respond(
        async move {
            let user = auth::require(&[Role::Professional]).await?;
            let state = auth::state()?;
            let mut tx = state.pool.begin_with("BEGIN IMMEDIATE").await?;
            let case = load_draft(&mut tx, &user, case_id).await?;
            let version = u32::try_from(case.current_version).unwrap_or(1);
            let mut canvas = canvas;
            fill_from_catalogue(&mut tx, &mut canvas).await?;
            let mut parsed = canvas.to_canvas(version)?;
            fill_catalogue_names(&mut tx, &mut parsed).await?;
            let saved = store_draft(&mut tx, &user, &case, edits, &parsed).await?;
            tx.commit().await?;
            Ok(saved)
        }
        .await,
    )
}

/// The case as a draft of one of the user's own teams, or a refusal.
#[cfg(feature = "ssr")]
pub(crate) async fn load_draft(
    conn: &mut SqliteConnection,
    user: &CurrentUser,
    case_id: i64,
) -> Result<CaseRow, AppError> {
    let case = load_case(conn, user, case_id).await?;
    if case.status != Status::Draft || !user.team_ids.contains(&case.team_id) {
        return Err(AppError::Conflict(
            "Alleen een concept van uw eigen team kan worden gewijzigd.".to_string(),
        ));
    }
    Ok(case)
}

/// Stores a draft canvas with its return, if nobody saved it since `edits`.
#[cfg(feature = "ssr")]
pub(crate) async fn store_draft(
    conn: &mut SqliteConnection,
    user: &CurrentUser,
    case: &CaseRow,
    edits: i64,
    canvas: &doorbraak::canvas::Canvas,
) -> Result<SavedCanvas, AppError> {
    let streams = db::config::streams(conn).await?;
    for line in canvas.threatening.iter().chain(canvas.realistic.iter()) {
        if !streams.contains(line.stream()) {
            return Err(AppError::invalid(
                "threatening",
                format!("Onbekende financieringsstroom {}.", line.stream()),
            ));
        }
    }
    let known = streams.iter().map(|s| s.code).collect();
    let calculation = doorbraak::returns::calculate_canvas(canvas, &known)
        .map_err(|e| AppError::invalid("threatening", e.to_string()))?;
    let now = db::timestamp(auth::now());
    let stored = db::cases::update_canvas(
        conn,
        case.id,
        case.current_version,
        edits,
        canvas,
        &calculation,
        user.id,
        &now,
    )
    .await?;
    if !stored {
        return Err(AppError::Conflict(
            "Iemand anders heeft dit canvas intussen opgeslagen. Laad de pagina opnieuw; uw wijzigingen zijn niet opgeslagen."
                .to_string(),
        ));
    }
    Ok(SavedCanvas {
        edits: edits + 1,
        calculation,
    })
}

/// Catalogue lines carry the catalogue's own name, whatever the form said.
#[cfg(feature = "ssr")]
async fn fill_catalogue_names(
    conn: &mut SqliteConnection,
    canvas: &mut doorbraak::canvas::Canvas,
) -> Result<(), AppError> {
    use doorbraak::canvas::{LineItem, ScenarioLine};
    for lines in [&mut canvas.threatening, &mut canvas.realistic] {
        for (i, line) in lines.iter_mut().enumerate() {
            if let LineItem::Catalogue { code, .. } = line.item() {
                let name = db::catalogue::name_of(conn, code).await?;
                let name = name.ok_or_else(|| {
                    AppError::invalid(
                        &format!("line[{i}]"),
                        format!("Onbekend catalogusitem {code}."),
                    )
                })?;
                let mut fields = line.fields();
                fields.item = LineItem::Catalogue {
                    code: code.clone(),
                    name,
                };
                *line = ScenarioLine::new(fields)
                    .map_err(|e| AppError::invalid("threatening", e.to_string()))?;
            }
        }
    }
    Ok(())
}

/// Submits the draft for approval; the canvas must be complete.
#[server(endpoint = "submit_case")]
pub async fn submit_case(case_id: i64, version: i64) -> Result<(), AppError> {
    auth::respond(
        async move {
            let user = auth::require(&[Role::Professional]).await?;
            let state = auth::state()?;
            let mut tx = state.pool.begin_with("BEGIN IMMEDIATE").await?;
            let case = load_case(&mut tx, &user, case_id).await?;
            let (canvas, _, _) = db::cases::canvas(&mut tx, case_id, case.current_version)
                .await?
                .ok_or(AppError::Internal)?;
            canvas
                .check_submittable()
                .map_err(|e| AppError::invalid("canvas", e.to_string()))?;
            transition(
                &mut tx,
                &user,
                &case,
                version,
                Action::Submit,
                None,
                Some("submitted_at"),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

/// Approves (placing the hold on this year's fund), rejects or returns a
/// submitted canvas, with a reason. Never one's own; within one's mandate.
#[server(endpoint = "decide_case")]
pub async fn decide_case(
    case_id: i64,
    version: i64,
    decision: String,
    reason: String,
) -> Result<(), AppError> {
    auth::respond(
        async move {
            let user = auth::require(&[Role::Approver]).await?;
            let action = match decision.as_str() {
                "approve" => Action::Approve,
                "reject" => Action::Reject,
                "return" => Action::Return,
                _ => return Err(AppError::invalid("decision", "Kies goedkeuren, afwijzen of terugsturen.")),
            };
            if reason.chars().count() > 2_000 {
                return Err(AppError::invalid("reason", "Een reden heeft hoogstens 2.000 tekens."));
            }
            input::free_text("reason", &reason)?;
            let state = auth::state()?;
            let mut tx = state.pool.begin_with("BEGIN IMMEDIATE").await?;
            let case = load_case(&mut tx, &user, case_id).await?;
            let requested = facts(&mut tx, &case).await?.requested;
            let next = transition(&mut tx, &user, &case, version, action, Some(&reason), Some("decided_at")).await?;
            if next == Status::Approved {
                let date = auth::today();
                let year = chrono::Datelike::year(&date);
                if !db::config::budget_year_exists(&mut tx, year).await? {
                    return Err(AppError::Conflict(format!("Er is geen doorbraakbudget voor {year}: functioneel beheer moet het begrotingsjaar aanmaken.")));
                }
                let hold = doorbraak::ledger::Operation::Hold { case: case_id, year, amount: requested, date };
                let key = format!("approve-{case_id}-v{}", case.current_version);
                db::ledger::execute(&mut tx, &key, hold, &db::timestamp(auth::now()), Some(user.id)).await?;
                db::cases::set_budget_year(&mut tx, case_id, year).await?;
                db::cases::freeze_canvas(&mut tx, case_id, case.current_version).await?;
            }
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

/// After "returned": a new canvas version, copied from the last one.
#[server(endpoint = "revise_case")]
pub async fn revise_case(case_id: i64, version: i64) -> Result<(), AppError> {
    auth::respond(
        async move {
            let user = auth::require(&[Role::Professional]).await?;
            let state = auth::state()?;
            let mut tx = state.pool.begin_with("BEGIN IMMEDIATE").await?;
            let case = load_case(&mut tx, &user, case_id).await?;
            transition(&mut tx, &user, &case, version, Action::Revise, None, None).await?;
            let (canvas, _, _) = db::cases::canvas(&mut tx, case_id, case.current_version)
                .await?
                .ok_or(AppError::Internal)?;
            db::cases::freeze_canvas(&mut tx, case_id, case.current_version).await?;
            let next = canvas.freeze().revise();
            let streams = db::config::streams(&mut tx).await?;
            let known = streams.iter().map(|s| s.code).collect();
            let calc = doorbraak::returns::calculate_canvas(&next, &known)
                .map_err(|_| AppError::Internal)?;
            let new_version = case.current_version + 1;
            db::cases::insert_canvas(
                &mut tx,
                case_id,
                new_version,
                &next,
                &calc,
                user.id,
                &db::timestamp(auth::now()),
            )
            .await?;
            db::cases::set_current_version(&mut tx, case_id, new_version).await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

/// Registers a payment against the hold. `token` comes with the form: the
/// same form posted twice books once.
#[server(endpoint = "register_payment")]
pub async fn register_payment(
    case_id: i64,
    amount: String,
    paid_on: String,
    supplier: String,
    reference: String,
    token: String,
) -> Result<(), AppError> {
    auth::respond(
        async move {
            let user = auth::require(&[Role::Backoffice]).await?;
            let amount =
                Money::parse(&amount).map_err(|e| AppError::invalid("amount", e.to_string()))?;
            let date = input::date("paid_on", &paid_on)?;
            let paid_on = date.format("%Y-%m-%d").to_string();
            let supplier = input::text("supplier", &supplier, 200, "de ontvanger")?;
            let reference = input::text("reference", &reference, 100, "een betalingskenmerk")?;
            if !(16..=128).contains(&token.len()) {
                return Err(AppError::invalid(
                    "token",
                    "Het formulier is verlopen. Laad de pagina opnieuw.",
                ));
            }
            let state = auth::state()?;
            let mut tx = state.pool.begin_with("BEGIN IMMEDIATE").await?;
            let key = format!("pay-{case_id}-{token}");
            if let Some(booked) = db::cases::payment_by_key(&mut tx, &key).await? {
                let same = db::cases::BookedPayment {
                    case_id,
                    amount_cents: amount.cents(),
                    paid_on: paid_on.clone(),
                    supplier: supplier.clone(),
                    reference: reference.clone(),
                };
                // The same form twice books once; the same form with other
                // figures is a second payment that needs a fresh form.
                return if booked == same {
                    Ok(())
                } else {
                    Err(AppError::Conflict(
                        "Dit formulier is al gebruikt voor een betaling met andere gegevens. Laad de pagina opnieuw voor een nieuwe betaling.".to_string(),
                    ))
                };
            }
            let case = load_case(&mut tx, &user, case_id).await?;
            transition(
                &mut tx,
                &user,
                &case,
                case.version,
                Action::RegisterPayment { amount },
                None,
                Some("first_paid_at"),
            )
            .await?;
            let pay = doorbraak::ledger::Operation::Pay {
                case: case_id,
                amount,
                date,
            };
            let now = db::timestamp(auth::now());
            let receipt = db::ledger::execute(&mut tx, &key, pay, &now, Some(user.id)).await?;
            let tx_id = receipt
                .tx
                .and_then(|t| i64::try_from(t.0).ok())
                .ok_or(AppError::Internal)?;
            db::cases::insert_payment(
                &mut tx,
                db::cases::NewPayment {
                    case_id,
                    tx_id,
                    amount_cents: amount.cents(),
                    paid_on: &paid_on,
                    supplier: &supplier,
                    reference: &reference,
                    user_id: user.id,
                    now: &now,
                },
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

/// Settles: the final cost is the sum of payments; the rest of the hold returns to the fund.
#[server(endpoint = "settle_case")]
pub async fn settle_case(case_id: i64, version: i64) -> Result<(), AppError> {
    auth::respond(
        async move {
            let user = auth::require(&[Role::Backoffice]).await?;
            let state = auth::state()?;
            let mut tx = state.pool.begin_with("BEGIN IMMEDIATE").await?;
            let case = load_case(&mut tx, &user, case_id).await?;
            transition(
                &mut tx,
                &user,
                &case,
                version,
                Action::Settle,
                None,
                Some("settled_at"),
            )
            .await?;
            let release = doorbraak::ledger::Operation::Release {
                case: case_id,
                date: auth::today(),
            };
            let now = db::timestamp(auth::now());
            db::ledger::execute(
                &mut tx,
                &format!("settle-{case_id}"),
                release,
                &now,
                Some(user.id),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

/// Sets or clears "waiting for an external party", with a note.
#[server(endpoint = "set_waiting")]
pub async fn set_waiting(
    case_id: i64,
    version: i64,
    waiting: bool,
    note: String,
) -> Result<(), AppError> {
    auth::respond(
        async move {
            let user = auth::require(&[Role::Professional, Role::Backoffice]).await?;
            let note = note.trim();
            if note.chars().count() > 500 {
                return Err(AppError::invalid(
                    "note",
                    "Een notitie heeft hoogstens 500 tekens.",
                ));
            }
            input::free_text("note", note)?;
            let state = auth::state()?;
            let mut tx = state.pool.begin_with("BEGIN IMMEDIATE").await?;
            let case = load_case(&mut tx, &user, case_id).await?;
            if case.version != version {
                return Err(stale());
            }
            let facts = facts(&mut tx, &case).await?;
            let mandates = db::config::mandates(&mut tx).await?;
            let mut acting = actor(&user);
            // The flag belongs to whoever follows the case up: the professional or the backoffice.
            acting.roles.insert(Role::Professional);
            let reason = (!note.is_empty()).then_some(note);
            doorbraak::lifecycle::decide(
                Action::SetWaiting { waiting },
                &acting,
                &facts,
                reason,
                &mandates,
            )
            .map_err(rule)?;
            let now = db::timestamp(auth::now());
            if !db::cases::set_waiting(&mut tx, case_id, version, waiting, reason, &now).await? {
                return Err(stale());
            }
            let action = if waiting {
                "wacht op externe partij"
            } else {
                "wacht niet meer"
            };
            db::cases::record_event(
                &mut tx,
                db::cases::NewCaseEvent {
                    case_id,
                    at: &now,
                    actor_id: user.id,
                    action,
                    from: Some(case.status),
                    to: case.status,
                    reason,
                },
            )
            .await?;
            auth::audit(
                &mut *tx,
                Some(&user),
                "case_waiting",
                "case",
                Some(case_id.to_string()),
                None,
                Some(serde_json::json!({ "waiting": waiting })),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

/// Rows per page of a case list.
pub const PER_PAGE: i64 = 25;

/// The professional's cases: those of their teams, a page at a time.
#[server(endpoint = "my_cases")]
pub async fn my_cases(page: i64) -> Result<CaseList, AppError> {
    auth::respond(
        async move {
            let user = auth::require(&[Role::Professional]).await?;
            let mut conn = auth::state()?.pool.acquire().await?;
            let filter = db::cases::CaseFilter {
                statuses: &Status::ALL,
                teams: Some(&user.team_ids),
                decidable: None,
            };
            Ok(db::cases::list(&mut conn, &filter, input::page(page)?, PER_PAGE).await?)
        }
        .await,
    )
}

/// Submitted canvases in the approver's scope: those they may decide (within
/// their mandate, not their own) or, with `decidable` false, the others.
#[server(endpoint = "approval_queue")]
pub async fn approval_queue(decidable: bool, page: i64) -> Result<CaseList, AppError> {
    auth::respond(
        async move {
            let user = auth::require(&[Role::Approver]).await?;
            let mut conn = auth::state()?.pool.acquire().await?;
            let filter = db::cases::CaseFilter {
                statuses: &[Status::Submitted],
                teams: (!user.team_ids.is_empty()).then_some(user.team_ids.as_slice()),
                decidable: Some((
                    db::cases::Decider {
                        user_id: user.id,
                        mandate_level: user.mandate_level.as_deref(),
                    },
                    decidable,
                )),
            };
            Ok(db::cases::list(&mut conn, &filter, input::page(page)?, PER_PAGE).await?)
        }
        .await,
    )
}

/// Approved cases to pay, and cases in progress to settle.
#[server(endpoint = "payment_queue")]
pub async fn payment_queue(page: i64) -> Result<CaseList, AppError> {
    auth::respond(
        async move {
            auth::require(&[Role::Backoffice]).await?;
            let mut conn = auth::state()?.pool.acquire().await?;
            let filter = db::cases::CaseFilter {
                statuses: &[Status::Approved, Status::InProgress],
                teams: None,
                decidable: None,
            };
            Ok(db::cases::list(&mut conn, &filter, input::page(page)?, PER_PAGE).await?)
        }
        .await,
    )
}

/// The fund of a year (this year when none is given).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundYear {
    pub year: i32,
    pub position: FundPosition,
}

/// The fund of a year: funded, held, paid, recovered, available.
#[server(endpoint = "fund_status")]
pub async fn fund_status(year: Option<i32>) -> Result<FundYear, AppError> {
    auth::respond(
        async move {
            auth::require(&[Role::Backoffice, Role::Approver]).await?;
            let year = year.unwrap_or_else(|| chrono::Datelike::year(&auth::today()));
            if !(2000..=2200).contains(&year) {
                return Err(AppError::invalid(
                    "year",
                    "Kies een begrotingsjaar tussen 2000 en 2200.",
                ));
            }
            let mut conn = auth::state()?.pool.acquire().await?;
            Ok(FundYear {
                year,
                position: db::ledger::position(&mut conn, year).await?,
            })
        }
        .await,
    )
}

/// A fresh token for a payment form (double-submit protection).
#[server(endpoint = "payment_token")]
pub async fn payment_token() -> Result<String, AppError> {
    auth::respond(
        async {
            auth::require(&[Role::Backoffice]).await?;
            Ok(auth::random_token())
        }
        .await,
    )
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamOption {
    pub code: String,
    pub name: String,
    pub external: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueOption {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub unit_label: String,
    pub stream: String,
    pub price: Option<doorbraak::Money>,
}

/// What the case pages offer to choose from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseChoices {
    pub teams: Vec<crate::model::Team>,
    pub streams: Vec<StreamOption>,
    pub catalogue: Vec<CatalogueOption>,
}

/// Teams of the user, active streams, and the active catalogue with today's prices.
#[server(endpoint = "case_options")]
pub async fn case_options() -> Result<CaseChoices, AppError> {
    auth::respond(
        async {
            let user =
                auth::require(&[Role::Professional, Role::Approver, Role::Backoffice]).await?;
            let mut conn = auth::state()?.pool.acquire().await?;
            let teams = db::teams::list(&mut *conn)
                .await?
                .into_iter()
                .filter(|t| user.team_ids.contains(&t.id))
                .collect();
            let streams = db::config::streams(&mut conn)
                .await?
                .iter()
                .map(|s| StreamOption {
                    code: s.code.to_string(),
                    name: s.name.clone(),
                    external: s.kind == doorbraak::stream::StreamKind::External,
                })
                .collect();
            let today = auth::today().format("%Y-%m-%d").to_string();
            let catalogue = db::catalogue::priced_on(&mut conn, &today)
                .await?
                .into_iter()
                .map(
                    |(code, name, unit, unit_label, stream, price)| CatalogueOption {
                        code,
                        name,
                        unit,
                        unit_label,
                        stream,
                        price: price.and_then(|c| Money::from_cents(c).ok()),
                    },
                )
                .collect();
            Ok(CaseChoices {
                teams,
                streams,
                catalogue,
            })
        }
        .await,
    )
}

/// Fills catalogue lines' blank fields from the catalogue (today's price).
#[cfg(feature = "ssr")]
async fn fill_from_catalogue(
    conn: &mut SqliteConnection,
    form: &mut CanvasForm,
) -> Result<(), AppError> {
    let today = auth::today().format("%Y-%m-%d").to_string();
    let catalogue = db::catalogue::priced_on(conn, &today).await?;
    form.fill_from_catalogue(|code| {
        catalogue
            .iter()
            .find(|c| c.0 == code)
            .map(
                |(_, name, unit, _, stream, price)| crate::api::canvas_form::CatalogueDefaults {
                    name: name.clone(),
                    stream: stream.clone(),
                    unit: unit.clone(),
                    price: price.and_then(|c| Money::from_cents(c).ok()),
                },
            )
    });
    Ok(())
}
