//! Cases from canvas to payment: professionals write and submit canvases,
//! approvers decide (approval places the hold on the fund in the same
//! transaction), the backoffice pays and settles.

use doorbraak::lifecycle::{Action, Actor, CaseFacts, Status};
use doorbraak::{Money, Role};
use sqlx::SqliteConnection;

use crate::context::{Read, Write};
use crate::db::{self, cases::CaseRow};
use crate::error::AppError;
use crate::model::*;
use crate::{auth, input};

pub(crate) fn stale() -> AppError {
    AppError::Conflict(
        "Iemand anders heeft deze casus intussen gewijzigd. Laad de pagina opnieuw.".to_string(),
    )
}

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

fn may_see(user: &CurrentUser, case: &CaseRow) -> bool {
    doorbraak::roles::may_see_case(
        user.roles,
        user.team_ids.contains(&case.team_id),
        !user.team_ids.is_empty(),
        case.status == Status::Draft,
    )
}

fn not_found() -> AppError {
    AppError::NotFound("Deze casus bestaat niet of u heeft er geen toegang toe.".to_string())
}

/// The case, if it exists and the user may see it. Another team's case is
/// refused like a missing one, so ids reveal nothing.
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

fn actor(user: &CurrentUser) -> Actor {
    Actor {
        user_id: user.id,
        roles: user.roles,
        mandate_level: user.mandate_level.clone(),
    }
}

pub(crate) async fn facts(
    conn: &mut SqliteConnection,
    case: &CaseRow,
) -> Result<CaseFacts, AppError> {
    let (requested, paid, open) =
        db::ledger::case_money(conn, case.id, case.current_version).await?;
    case_facts(case, requested, paid, open)
}

/// What lifecycle decisions need to know of a case and its hold (cents).
fn case_facts(
    case: &CaseRow,
    requested: Money,
    paid: Money,
    open: Money,
) -> Result<CaseFacts, AppError> {
    Ok(CaseFacts {
        status: case.status,
        authors: vec![case.professional_id],
        approved_by: None,
        requested,
        held: paid.checked_add(open).map_err(|_| AppError::Internal)?,
        paid,
        waiting_for_external: case.waiting_for_external,
    })
}

/// Applies a lifecycle action: checks the version, decides in the core,
/// moves the status, records the event and the audit trail.
pub(crate) async fn transition(
    w: &mut Write,
    case: &CaseRow,
    version: i64,
    action: Action,
    reason: Option<&str>,
    stamp: Option<&str>,
) -> Result<Status, AppError> {
    if case.version != version {
        return Err(stale());
    }
    let mut facts = facts(&mut w.tx, case).await?;
    // Only a payment asks who approved, only a decision who wrote the canvas
    // (separation of duties, four eyes).
    match action {
        Action::RegisterPayment { .. } => {
            facts.approved_by = db::cases::approver(&mut w.tx, case.id).await?;
        }
        Action::Approve | Action::Reject | Action::Return => {
            facts.authors = db::cases::authors(&mut w.tx, case.id).await?;
        }
        _ => {}
    }
    let mandates = db::mandates::mandates(&mut w.tx).await?;
    let decision = doorbraak::lifecycle::decide(action, &actor(&w.user), &facts, reason, &mandates)
        .map_err(rule)?;
    let now = w.time.at.clone();
    if !db::cases::set_status(&mut w.tx, case.id, version, decision.next, stamp, &now).await? {
        return Err(stale());
    }
    let code = action.label_nl();
    db::cases::record_event(
        &mut w.tx,
        db::cases::NewCaseEvent {
            case_id: case.id,
            at: &now,
            actor_id: w.user.id,
            action: code,
            from: Some(case.status),
            to: decision.next,
            reason,
        },
    )
    .await?;
    let before = serde_json::json!({ "status": case.status.code() });
    let after = serde_json::json!({ "status": decision.next.code(), "reason": reason });
    w.audit(
        format!("case_{}", decision.next.code()),
        "case",
        Some(case.id.to_string()),
        Some(before),
        Some(after),
    );
    Ok(decision.next)
}

/// Starts a case for one of the professional's teams, with an empty canvas.
pub async fn create_case(w: &mut Write, team_id: i64) -> Result<i64, AppError> {
    if !w.user.team_ids.contains(&team_id) {
        return Err(AppError::invalid("team_id", "Kies een van uw eigen teams."));
    }
    let now = w.time.at.clone();
    let reference =
        db::cases::next_reference(&mut w.tx, chrono::Datelike::year(&w.time.today)).await?;
    let id = db::cases::create(&mut w.tx, &reference, team_id, w.user.id, &now).await?;
    let canvas =
        doorbraak::canvas::Canvas::new_draft(db::settings::default_horizon(&mut w.tx).await?);
    let calc = doorbraak::returns::calculate_canvas(&canvas, &Default::default())
        .map_err(|_| AppError::Internal)?;
    db::cases::insert_canvas(&mut w.tx, id, 1, &canvas, &calc, w.user.id, &now).await?;
    db::cases::record_event(
        &mut w.tx,
        db::cases::NewCaseEvent {
            case_id: id,
            at: &now,
            actor_id: w.user.id,
            action: "aangemaakt",
            from: None,
            to: Status::Draft,
            reason: None,
        },
    )
    .await?;
    let after = serde_json::json!({ "reference": reference, "team_id": team_id });
    w.audit(
        "case_created",
        "case",
        Some(id.to_string()),
        None,
        Some(after),
    );
    Ok(id)
}

/// A stored canvas's return. Its streams were checked when it was saved.
pub(super) fn stored_return(
    canvas: &doorbraak::canvas::Canvas,
) -> Option<doorbraak::returns::ReturnCalculation> {
    let known = canvas
        .threatening
        .iter()
        .chain(canvas.realistic.iter())
        .map(|l| l.stream())
        .collect();
    doorbraak::returns::calculate_canvas(canvas, &known).ok()
}

/// The case page's data. Opening a case is recorded in the audit trail.
pub async fn get_case(r: &mut Read, id: i64) -> Result<CaseView, AppError> {
    let user = r.user.clone();
    let year = chrono::Datelike::year(&r.time.today);
    let full = db::cases::full(&mut r.conn, id, year)
        .await?
        .filter(|f| may_see(&user, &f.case))
        .ok_or_else(not_found)?;
    let facts = case_facts(&full.case, full.requested, full.paid, full.open)?;
    let requested = full.requested;
    let fund_available = (user.roles.has(Role::Approver) && full.case.status == Status::Submitted)
        .then_some((year, full.fund_available));
    // Four eyes: nobody who saved a version of the canvas decides on it; and
    // only within one's mandate.
    let decided_by = match fund_available {
        None => None,
        Some(_) if db::cases::authors(&mut r.conn, id).await?.contains(&user.id) => Some(
            "U hebt aan dit canvas meegeschreven: een andere beoordelaar met mandaat beslist (vier ogen)."
                .to_string(),
        ),
        Some(_) => db::mandates::mandates(&mut r.conn)
            .await?
            .who_decides(user.mandate_level.as_deref(), full.requested),
    };
    let may_decide = fund_available.is_some() && decided_by.is_none();
    let db::cases::FullCase {
        case,
        canvas,
        edits,
        frozen,
        saved_at,
        draft,
        history,
        ..
    } = full;
    let calculation = stored_return(&canvas);
    let (awaiting, evaluation_due, realisation) =
        progress(&mut r.conn, &case, &facts, requested, &history).await?;
    // Each version against the one before it; the current one is the last.
    let mut earlier: Vec<CanvasVersion> = Vec::new();
    let mut changes = Vec::new();
    let mut previous: Option<&doorbraak::canvas::Canvas> = None;
    for v in &history.versions {
        let said = previous
            .map(|p| {
                doorbraak::revision::changes(p, &v.canvas)
                    .iter()
                    .map(ToString::to_string)
                    .collect()
            })
            .unwrap_or_default();
        if v.version == case.current_version {
            changes = said;
        } else {
            earlier.push(CanvasVersion {
                version: v.version,
                frozen: v.frozen,
                saved_at: v.saved_at.clone(),
                calculation: stored_return(&v.canvas),
                canvas: v.canvas.clone(),
                changes: said,
            });
        }
        previous = Some(&v.canvas);
    }
    earlier.reverse();
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
        // Streams and the other laws a knelpunt can name.
        stream_names: StreamNames(
            db::laws::all(&mut r.conn)
                .await?
                .into_iter()
                .map(|l| (l.code, l.name))
                .collect(),
        ),
        canvas_saved_at: saved_at
            .parse::<chrono::DateTime<chrono::Utc>>()
            .map(|at| {
                doorbraak::dates::dutch_local(at)
                    .format("%d-%m-%Y %H:%M")
                    .to_string()
            })
            .map_err(|_| {
                AppError::from(db::decode::corrupt(
                    "canvases",
                    id,
                    format!("saved_at {saved_at}"),
                ))
            })?,
        incomplete: draft,
        calculation,
        changes,
        earlier,
        events: history.events,
        payments: history.payments,
        held: facts.held,
        paid: facts.paid,
        waiting_for_external: case.waiting_for_external,
        waiting_note: case.waiting_note.clone(),
        budget_year: case.budget_year,
        fund_available,
        may_decide,
        decided_by,
        today: r.time.today.format("%Y-%m-%d").to_string(),
        awaiting,
        evaluation_due: evaluation_due.map(|d| d.to_string()),
        realisation,
    };
    r.opened("case", id.to_string());
    Ok(view)
}

/// What the case waits for, when its final evaluation is due, and what its
/// newest final evaluation realised.
async fn progress(
    conn: &mut SqliteConnection,
    case: &CaseRow,
    facts: &CaseFacts,
    requested: Money,
    history: &db::cases::CaseHistory,
) -> Result<
    (
        String,
        Option<chrono::NaiveDate>,
        Option<crate::model::RealisationView>,
    ),
    AppError,
> {
    let review = if case.status == Status::Submitted {
        db::mandates::mandates(conn)
            .await?
            .lowest_decider(requested)
            .map(|l| (l.name.clone(), l.limit))
    } else {
        None
    };
    // The horizon of the canvas in force: the newest frozen version.
    let frozen = history.versions.iter().rev().find(|v| v.frozen);
    let due = match frozen {
        Some(v) => crate::services::evaluations::started_on(conn, case.id)
            .await?
            .map(|start| doorbraak::evaluation::final_due(start, v.canvas.horizon)),
        None => None,
    };
    let recorded = db::evaluations::of_case(conn, case.id).await?;
    let awaiting = doorbraak::lifecycle::Awaiting::of(
        facts,
        case.waiting_note.as_deref(),
        review,
        due.map(doorbraak::evaluation::deadline),
    );
    Ok((
        awaiting.sentence_nl(),
        due,
        crate::services::evaluations::realisation(&recorded),
    ))
}

/// Submits the draft for approval; the canvas must be complete.
pub async fn submit_case(w: &mut Write, case_id: i64, version: i64) -> Result<(), AppError> {
    let case = load_case(&mut w.tx, &w.user, case_id).await?;
    let (canvas, _, _) = db::cases::canvas(&mut w.tx, case_id, case.current_version)
        .await?
        .ok_or(AppError::Internal)?;
    if let Some(draft) = db::cases::draft_form(&mut w.tx, case_id, case.current_version).await? {
        let parts: Vec<String> = draft.problems.iter().map(|p| p.label.clone()).collect();
        return Err(AppError::invalid(
            "canvas",
            format!(
                "Het canvas is nog niet compleet: {} {} onvolledig. Maak af of maak leeg wat onvolledig is, en sla op.",
                parts.join(", "),
                if parts.len() == 1 { "is" } else { "zijn" }
            ),
        ));
    }
    canvas
        .check_submittable()
        .map_err(|e| AppError::invalid("canvas", e.to_string()))?;
    transition(
        w,
        &case,
        version,
        Action::Submit,
        None,
        Some("submitted_at"),
    )
    .await?;
    Ok(())
}

/// Approves (placing the hold on this year's fund), rejects or returns a
/// submitted canvas, with a reason. Never one's own; within one's mandate.
pub async fn decide_case(
    w: &mut Write,
    case_id: i64,
    version: i64,
    decision: String,
    reason: String,
) -> Result<(), AppError> {
    let action = match decision.as_str() {
        "approve" => Action::Approve,
        "reject" => Action::Reject,
        "return" => Action::Return,
        _ => {
            return Err(AppError::invalid(
                "decision",
                "Kies goedkeuren, afwijzen of terugsturen.",
            ));
        }
    };
    if reason.chars().count() > 2_000 {
        return Err(AppError::invalid(
            "reason",
            "Een reden heeft hoogstens 2.000 tekens.",
        ));
    }
    input::free_text("reason", &reason)?;
    let case = load_case(&mut w.tx, &w.user, case_id).await?;
    let requested = facts(&mut w.tx, &case).await?.requested;
    let next = transition(w, &case, version, action, Some(&reason), Some("decided_at")).await?;
    if next == Status::Approved {
        let date = w.time.today;
        let year = chrono::Datelike::year(&date);
        if !db::budget_years::exists(&mut w.tx, year).await? {
            return Err(AppError::Conflict(format!(
                "Er is geen doorbraakbudget voor {year}: de backoffice maakt het begrotingsjaar aan (Doorbraakbudget)."
            )));
        }
        let hold = doorbraak::ledger::Operation::Hold {
            case: case_id,
            year,
            amount: requested,
            date,
        };
        let key = format!("approve-{case_id}-v{}", case.current_version);
        db::ledger::execute(&mut w.tx, &key, hold, &w.time.at.clone(), Some(w.user.id)).await?;
        db::cases::set_budget_year(&mut w.tx, case_id, year).await?;
        db::cases::freeze_canvas(&mut w.tx, case_id, case.current_version).await?;
    }
    Ok(())
}

/// After "returned": a new canvas version, copied from the last one.
pub async fn revise_case(w: &mut Write, case_id: i64, version: i64) -> Result<(), AppError> {
    let case = load_case(&mut w.tx, &w.user, case_id).await?;
    transition(w, &case, version, Action::Revise, None, None).await?;
    let (canvas, _, _) = db::cases::canvas(&mut w.tx, case_id, case.current_version)
        .await?
        .ok_or(AppError::Internal)?;
    db::cases::freeze_canvas(&mut w.tx, case_id, case.current_version).await?;
    let next = canvas.freeze().revise();
    let streams = db::streams::registry(&mut w.tx).await?;
    let known = streams.active().map(|s| s.code).collect();
    let calc =
        doorbraak::returns::calculate_canvas(&next, &known).map_err(|_| AppError::Internal)?;
    let new_version = case.current_version + 1;
    db::cases::insert_canvas(
        &mut w.tx,
        case_id,
        new_version,
        &next,
        &calc,
        w.user.id,
        &w.time.at.clone(),
    )
    .await?;
    db::cases::set_current_version(&mut w.tx, case_id, new_version).await?;
    Ok(())
}

/// Registers a payment against the hold. `token` comes with the form: the
/// same form posted twice books once.
pub async fn register_payment(
    w: &mut Write,
    case_id: i64,
    amount: String,
    paid_on: String,
    supplier: String,
    reference: String,
    token: String,
) -> Result<(), AppError> {
    let amount = Money::parse(&amount).map_err(|e| AppError::invalid("amount", e.to_string()))?;
    let date = input::date("paid_on", &paid_on, w.time.today)?;
    let paid_on = date.format("%Y-%m-%d").to_string();
    let supplier = input::text("supplier", &supplier, 200, "de ontvanger")?;
    let reference = input::text("reference", &reference, 100, "een betalingskenmerk")?;
    let token = input::form_token(&token)?;
    let key = format!("pay-{case_id}-{token}");
    if let Some(booked) = db::cases::payment_by_key(&mut w.tx, &key).await? {
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
    let case = load_case(&mut w.tx, &w.user, case_id).await?;
    transition(
        w,
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
    let now = w.time.at.clone();
    let receipt = db::ledger::execute(&mut w.tx, &key, pay, &now, Some(w.user.id)).await?;
    let tx_id = receipt
        .tx
        .and_then(|t| i64::try_from(t.0).ok())
        .ok_or(AppError::Internal)?;
    db::cases::insert_payment(
        &mut w.tx,
        db::cases::NewPayment {
            case_id,
            tx_id,
            amount_cents: amount.cents(),
            paid_on: &paid_on,
            supplier: &supplier,
            reference: &reference,
            user_id: w.user.id,
            now: &now,
        },
    )
    .await?;
    Ok(())
}

/// Settles: the final cost is the sum of payments; the rest of the hold
/// returns to the fund of this year.
pub async fn settle_case(w: &mut Write, case_id: i64, version: i64) -> Result<(), AppError> {
    let case = load_case(&mut w.tx, &w.user, case_id).await?;
    transition(w, &case, version, Action::Settle, None, Some("settled_at")).await?;
    let release = doorbraak::ledger::Operation::Release {
        case: case_id,
        date: w.time.today,
    };
    let now = w.time.at.clone();
    // A settlement that was reopened is settled again under a new key.
    db::ledger::execute(
        &mut w.tx,
        &format!("settle-{case_id}-{version}"),
        release,
        &now,
        Some(w.user.id),
    )
    .await?;
    Ok(())
}

/// Corrects a payment by reversal (backoffice, with a reason): the amount
/// goes back on the hold, the payment stays listed as reversed.
pub async fn reverse_payment(
    w: &mut Write,
    case_id: i64,
    version: i64,
    payment_id: i64,
    reason: String,
) -> Result<(), AppError> {
    let case = load_case(&mut w.tx, &w.user, case_id).await?;
    let (tx, amount, reversed) = db::cases::payment(&mut w.tx, case_id, payment_id)
        .await?
        .ok_or_else(|| AppError::NotFound("Deze betaling bestaat niet.".to_string()))?;
    if reversed {
        return Err(AppError::Conflict(
            "Deze betaling is al teruggedraaid.".to_string(),
        ));
    }
    let reason = input::reason("reason", &reason)?;
    transition(
        w,
        &case,
        version,
        Action::ReversePayment { amount },
        Some(&reason),
        None,
    )
    .await?;
    let undo = doorbraak::ledger::Operation::Reverse {
        tx: doorbraak::ledger::TxId(u64::try_from(tx).map_err(|_| AppError::Internal)?),
        date: w.time.today,
    };
    let now = w.time.at.clone();
    let receipt = db::ledger::execute(
        &mut w.tx,
        &format!("reverse-payment-{payment_id}"),
        undo,
        &now,
        Some(w.user.id),
    )
    .await?;
    let reversal = receipt
        .tx
        .and_then(|t| i64::try_from(t.0).ok())
        .ok_or(AppError::Internal)?;
    let on = w.time.today.format("%Y-%m-%d").to_string();
    db::cases::insert_payment_reversal(
        &mut w.tx, payment_id, reversal, &reason, &on, &now, w.user.id,
    )
    .await?;
    w.audit(
        "payment_reversed",
        "case",
        Some(case_id.to_string()),
        None,
        Some(serde_json::json!({ "payment": payment_id, "amount_cents": amount.cents(), "reason": reason })),
    );
    Ok(())
}

/// Reopens a settlement (backoffice, with a reason) while nothing was
/// charged back for it: what the settlement released is taken back onto the
/// hold, from the fund of this year.
pub async fn reopen_settlement(
    w: &mut Write,
    case_id: i64,
    version: i64,
    reason: String,
) -> Result<(), AppError> {
    let case = load_case(&mut w.tx, &w.user, case_id).await?;
    let reason = input::reason("reason", &reason)?;
    transition(
        w,
        &case,
        version,
        Action::ReopenSettlement,
        Some(&reason),
        None,
    )
    .await?;
    let date = w.time.today;
    let op = match db::cases::release_in_force(&mut w.tx, case_id).await? {
        Some(tx) => doorbraak::ledger::Operation::Reverse {
            tx: doorbraak::ledger::TxId(tx),
            date,
        },
        None => doorbraak::ledger::Operation::Reopen {
            case: case_id,
            date,
        },
    };
    let now = w.time.at.clone();
    db::ledger::execute(
        &mut w.tx,
        &format!("reopen-{case_id}-{version}"),
        op,
        &now,
        Some(w.user.id),
    )
    .await?;
    Ok(())
}

/// Sets or clears "waiting for an external party", with a note.
pub async fn set_waiting(
    w: &mut Write,
    case_id: i64,
    version: i64,
    waiting: bool,
    note: String,
) -> Result<(), AppError> {
    let note = input::note("note", &note, 500)?;
    let note = note.as_str();
    let case = load_case(&mut w.tx, &w.user, case_id).await?;
    if case.version != version {
        return Err(stale());
    }
    let facts = facts(&mut w.tx, &case).await?;
    let mandates = db::mandates::mandates(&mut w.tx).await?;
    let mut acting = actor(&w.user);
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
    let now = w.time.at.clone();
    if !db::cases::set_waiting(&mut w.tx, case_id, version, waiting, reason, &now).await? {
        return Err(stale());
    }
    let action = if waiting {
        "wacht op externe partij"
    } else {
        "wacht niet meer"
    };
    db::cases::record_event(
        &mut w.tx,
        db::cases::NewCaseEvent {
            case_id,
            at: &now,
            actor_id: w.user.id,
            action,
            from: Some(case.status),
            to: case.status,
            reason,
        },
    )
    .await?;
    w.audit(
        "case_waiting",
        "case",
        Some(case_id.to_string()),
        None,
        Some(serde_json::json!({ "waiting": waiting })),
    );
    Ok(())
}

/// A fresh token for a payment form (double-submit protection).
pub async fn payment_token(_r: &mut Read) -> Result<String, AppError> {
    Ok(auth::random_token())
}
