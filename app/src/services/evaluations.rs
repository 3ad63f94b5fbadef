//! The evaluation of realised savings: the professional of the case's team
//! records, per line of the frozen threatening scenario, what happened (the
//! core computes what was realised); interim follow-ups after 3 and 6 months,
//! the final evaluation after the horizon, corrections as new versions with
//! a reason. The backoffice or the approver then closes the case. Also the
//! receipts of payments, the worklist and realised savings in sum.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use doorbraak::evaluation::{
    self, EvaluationError, EvaluationKind, GoalOutcome, INTERIM_MONTHS, LineOutcome, Occurred,
};
use doorbraak::lifecycle::{Action, Status};
use doorbraak::returns::line_total;
use doorbraak::{Money, Percentage, Role};

use crate::context::{Read, Write};
use crate::db;
use crate::db::cases::CaseRow;
use crate::error::AppError;
use crate::input;
use crate::model::*;
use crate::services::cases::{load_case, stale, transition};

/// The moment a form names: `final`, `3` or `6`.
fn kind_of(moment: &str) -> Result<EvaluationKind, AppError> {
    match moment.trim() {
        "final" => Ok(EvaluationKind::Final),
        m => m
            .parse::<u16>()
            .ok()
            .filter(|m| INTERIM_MONTHS.contains(m))
            .map(|month| EvaluationKind::Interim { month })
            .ok_or_else(|| AppError::invalid("moment", "Kies het moment van de evaluatie.")),
    }
}

fn moment_code(kind: EvaluationKind) -> String {
    match kind {
        EvaluationKind::Final => "final".into(),
        EvaluationKind::Interim { month } => month.to_string(),
    }
}

/// The form field a rule of the core is about.
fn rule(e: EvaluationError) -> AppError {
    let field = match &e {
        EvaluationError::OccurredAboveLine { line, .. }
        | EvaluationError::OccurredNegative { line } => {
            format!("lines[{}][occurred]", line - 1)
        }
        EvaluationError::CorrectionReason => "reason".into(),
        EvaluationError::LineCount { .. } => {
            return AppError::Conflict(e.to_string());
        }
        EvaluationError::Return(_) => return AppError::Internal,
        _ => "moment".into(),
    };
    AppError::invalid(&field, e.to_string())
}

/// When the breakthrough started: the first payment, or the settlement of
/// a case settled without one. None before either.
pub async fn started_on(
    conn: &mut sqlx::SqliteConnection,
    case_id: i64,
) -> Result<Option<NaiveDate>, AppError> {
    let (first_paid, settled) = db::evaluations::case_dates(conn, case_id).await?;
    start_of(case_id, first_paid, settled)
}

/// The start from a case's stored first payment and settlement times.
fn start_of(
    case_id: i64,
    first_paid: Option<String>,
    settled: Option<String>,
) -> Result<Option<NaiveDate>, AppError> {
    Ok(first_paid
        .or(settled)
        .map(|at| db::decode::dutch_date("cases", case_id, &at))
        .transpose()?)
}

/// Whether the user is a professional of the case's team.
fn evaluates(user: &CurrentUser, case: &CaseRow) -> bool {
    user.roles.has(Role::Professional) && user.team_ids.contains(&case.team_id)
}

/// The evaluation page of a case.
pub async fn page(r: &mut Read, case_id: i64) -> Result<EvaluationView, AppError> {
    let user = r.user.clone();
    let case = load_case(&mut r.conn, &user, case_id).await?;
    let frozen = db::cases::frozen_canvas(&mut r.conn, case_id).await?;
    let names = db::streams::registry(&mut r.conn).await?;
    let mut lines = Vec::new();
    let mut horizon = None;
    if let Some((_, canvas)) = &frozen {
        horizon = Some(canvas.horizon);
        for line in &canvas.threatening {
            lines.push(ScenarioLineView {
                description: line.item().label().to_string(),
                stream: names
                    .get(line.stream())
                    .map_or_else(|_| line.stream().to_string(), |s| s.name.clone()),
                projected: line_total(line, canvas.horizon).map_err(|_| AppError::Internal)?,
            });
        }
    }
    let started = started_on(&mut r.conn, case_id).await?;
    let mut moments = Vec::new();
    let mut final_due = None;
    if let (Some(start), Some(horizon)) = (started, horizon) {
        for month in INTERIM_MONTHS.into_iter().filter(|m| *m < horizon.get()) {
            let due = start
                .checked_add_months(chrono::Months::new(u32::from(month)))
                .unwrap_or(NaiveDate::MAX);
            moments.push((
                month.to_string(),
                moment_label(&month.to_string()),
                due.to_string(),
            ));
        }
        let due = evaluation::final_due(start, horizon);
        final_due = Some(due.to_string());
        moments.push(("final".into(), moment_label("final"), due.to_string()));
    }
    let recorded = db::evaluations::of_case(&mut r.conn, case_id).await?;
    let may_record = evaluates(&user, &case)
        && started.is_some()
        && matches!(
            case.status,
            Status::InProgress | Status::Settled | Status::ChargedBack | Status::Evaluated
        );
    let may_close = case.status == Status::Evaluated
        && (user.roles.has(Role::Backoffice) || user.roles.has(Role::Approver));
    r.opened("case", case_id.to_string());
    Ok(EvaluationView {
        case_id,
        reference: case.reference,
        status: case.status,
        version: case.version,
        lines,
        started_on: started.map(|d| d.to_string()),
        moments,
        final_due,
        recorded,
        may_record,
        may_close,
    })
}

/// What happened to each line, as the core takes it.
fn outcomes(form: &EvaluationForm, count: usize) -> Result<Vec<LineOutcome>, AppError> {
    if form.lines.len() != count {
        return Err(rule(EvaluationError::LineCount {
            given: form.lines.len(),
            expected: count,
        }));
    }
    let mut outcomes = Vec::with_capacity(count);
    for (i, line) in form.lines.iter().enumerate() {
        let field = |part: &str| format!("lines[{i}][{part}]");
        let justification = line.justification.trim();
        if justification.chars().count() > 1000 {
            return Err(AppError::invalid(
                &field("justification"),
                format!(
                    "Regel {}: de toelichting is te lang (hoogstens 1.000 tekens).",
                    i + 1
                ),
            ));
        }
        input::free_text(&field("justification"), justification)?;
        let outcome = match line.outcome.trim() {
            "avoided" => LineOutcome::Avoided,
            "not_avoided" => LineOutcome::NotAvoided,
            "partly" => {
                let occurred = line.occurred.trim();
                let parsed = if occurred.is_empty() {
                    return Err(AppError::invalid(
                        &field("occurred"),
                        format!(
                            "Regel {}: vul in welk deel toch optrad, als bedrag of als percentage (bijvoorbeeld 40%).",
                            i + 1
                        ),
                    ));
                } else if occurred.ends_with('%') {
                    Percentage::parse(occurred)
                        .map(Occurred::Share)
                        .map_err(|e| {
                            AppError::invalid(&field("occurred"), format!("Regel {}: {e}", i + 1))
                        })?
                } else {
                    Money::parse(occurred).map(Occurred::Amount).map_err(|e| {
                        AppError::invalid(&field("occurred"), format!("Regel {}: {e}", i + 1))
                    })?
                };
                LineOutcome::Partly(parsed)
            }
            _ => {
                return Err(AppError::invalid(
                    &field("outcome"),
                    format!("Regel {}: kies vermeden, deels of niet vermeden.", i + 1),
                ));
            }
        };
        if !matches!(outcome, LineOutcome::Avoided) && justification.is_empty() {
            return Err(AppError::invalid(
                &field("justification"),
                format!("Regel {}: licht kort toe wat er toch gebeurde.", i + 1),
            ));
        }
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

/// Records an evaluation of the case loaded at `version`. The final one
/// moves the case to *geëvalueerd*; a correction is the next version.
pub async fn record(
    w: &mut Write,
    case_id: i64,
    version: i64,
    form: EvaluationForm,
) -> Result<(), AppError> {
    let case = load_case(&mut w.tx, &w.user, case_id).await?;
    if !evaluates(&w.user, &case) {
        return Err(AppError::Forbidden);
    }
    if case.version != version {
        return Err(stale());
    }
    let kind = kind_of(&form.moment)?;
    let moment = moment_code(kind);
    let earlier = db::evaluations::versions(&mut w.tx, case_id, &moment).await?;
    let reason = form.reason.trim();
    // When first: too early is said before the case's status is.
    let start = started_on(&mut w.tx, case_id)
        .await?
        .ok_or_else(|| rule(EvaluationError::NotStarted))?;
    let (canvas_version, canvas) = db::cases::frozen_canvas(&mut w.tx, case_id)
        .await?
        .ok_or(AppError::Internal)?;
    evaluation::check_moment(kind, start, canvas.horizon, w.time.today).map_err(rule)?;
    evaluation::check_record(
        kind,
        case.status,
        u32::try_from(earlier).map_err(|_| AppError::Internal)?,
        (!reason.is_empty()).then_some(reason),
    )
    .map_err(rule)?;
    if earlier > 0 {
        input::reason("reason", reason)?;
    }
    let goal = GoalOutcome::from_code(form.goal.trim()).ok_or_else(|| {
        AppError::invalid(
            "goal",
            "Kies of het huishouden zijn perspectief heeft bereikt.",
        )
    })?;
    let goal_note = input::note("goal_note", &form.goal_note, 4000)?;
    let goal_note = goal_note.as_str();
    let outcomes = outcomes(&form, canvas.threatening.len())?;
    let known = canvas
        .threatening
        .iter()
        .chain(&canvas.realistic)
        .map(|l| l.stream())
        .collect();
    let realisation = evaluation::realise(&canvas, &outcomes, &known).map_err(rule)?;
    let lines = canvas
        .threatening
        .iter()
        .zip(&outcomes)
        .zip(&realisation.lines)
        .zip(&form.lines)
        .map(|(((line, outcome), realised), typed)| {
            Ok(db::evaluations::NewLine {
                outcome: *outcome,
                justification: typed.justification.trim(),
                projected: line_total(line, canvas.horizon).map_err(|_| AppError::Internal)?,
                realised: *realised,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let now = w.time.at.clone();
    let new_version = earlier + 1;
    let inserted = db::evaluations::insert(
        &mut w.tx,
        &db::evaluations::NewEvaluation {
            case_id,
            canvas_version,
            moment: &moment,
            version: new_version,
            goal,
            goal_note,
            reason: (earlier > 0).then_some(reason),
            evaluated_on: w.time.today,
            total_projected: realisation.total_projected,
            total_realised: realisation.total_realised,
            lines,
            streams: realisation
                .per_stream
                .iter()
                .map(|(s, r)| (s.to_string(), r.projected, r.realised))
                .collect(),
            now: &now,
            user_id: w.user.id,
        },
    )
    .await?;
    if inserted.is_none() {
        return Err(stale());
    }
    let label = match (kind, earlier) {
        (EvaluationKind::Final, 0) => None,
        (_, 0) => Some("tussentijds evalueren"),
        _ => Some("evaluatie corrigeren"),
    };
    match label {
        None => {
            transition(w, &case, version, Action::Evaluate, None, None).await?;
        }
        Some(label) => {
            if !db::cases::set_status(&mut w.tx, case_id, version, case.status, None, &now).await? {
                return Err(stale());
            }
            db::cases::record_event(
                &mut w.tx,
                db::cases::NewCaseEvent {
                    case_id,
                    at: &now,
                    actor_id: w.user.id,
                    action: label,
                    from: Some(case.status),
                    to: case.status,
                    reason: (earlier > 0).then_some(reason),
                },
            )
            .await?;
        }
    }
    w.audit(
        "evaluation_recorded",
        "case",
        Some(case_id.to_string()),
        None,
        Some(serde_json::json!({
            "moment": moment,
            "version": new_version,
            "goal": goal.code(),
            "projected_cents": realisation.total_projected.cents(),
            "realised_cents": realisation.total_realised.cents(),
            "reason": (earlier > 0).then_some(reason),
        })),
    );
    Ok(())
}

/// Closes an evaluated case (the backoffice, or the approver).
pub async fn close(w: &mut Write, case_id: i64, version: i64) -> Result<(), AppError> {
    let case = load_case(&mut w.tx, &w.user, case_id).await?;
    transition(w, &case, version, Action::Close, None, None).await?;
    Ok(())
}

/// Records that the household received what a payment paid for.
pub async fn confirm_receipt(
    w: &mut Write,
    case_id: i64,
    payment_id: i64,
    received_on: String,
    note: String,
) -> Result<(), AppError> {
    let case = load_case(&mut w.tx, &w.user, case_id).await?;
    if !evaluates(&w.user, &case) {
        return Err(AppError::Forbidden);
    }
    let (_, received) = db::evaluations::payment_case(&mut w.tx, payment_id)
        .await?
        .filter(|(c, _)| *c == case_id)
        .ok_or_else(|| AppError::invalid("payment_id", "Kies een betaling van deze casus."))?;
    if received {
        return Err(AppError::Conflict(
            "De ontvangst van deze betaling is al bevestigd.".into(),
        ));
    }
    let on = input::date("received_on", &received_on, w.time.today)?;
    if on > w.time.today {
        return Err(AppError::invalid(
            "received_on",
            "De datum van ontvangst ligt in de toekomst.",
        ));
    }
    let note = input::note("note", &note, 1000)?;
    let now = w.time.at.clone();
    if !db::evaluations::insert_receipt(&mut w.tx, payment_id, on, &note, &now, w.user.id).await? {
        return Err(AppError::Conflict(
            "De ontvangst van deze betaling is al bevestigd.".into(),
        ));
    }
    w.audit(
        "receipt_confirmed",
        "case",
        Some(case_id.to_string()),
        None,
        Some(serde_json::json!({ "payment_id": payment_id, "received_on": on.to_string() })),
    );
    Ok(())
}

/// The newest final evaluation as the case page shows it.
pub fn realisation(recorded: &[RecordedEvaluation]) -> Option<RealisationView> {
    let newest = recorded.iter().find(|e| e.moment == "final")?;
    let share = evaluation::share_of(newest.total_realised, newest.total_projected);
    Some(RealisationView {
        version: newest.version,
        evaluated_on: newest.evaluated_on.clone(),
        goal: newest.goal,
        streams: newest.streams.clone(),
        total_projected: newest.total_projected,
        total_realised: newest.total_realised,
        share,
    })
}

/// Realised against projected per budget year, team and stream; each
/// year's table of teams × streams suppressed by the core's rule.
pub async fn realised_overview(r: &mut Read) -> Result<RealisedOverview, AppError> {
    let cells = db::evaluations::realised_totals(&mut r.conn).await?;
    let mut by_year: BTreeMap<i32, Vec<db::evaluations::RealisedCell>> = BTreeMap::new();
    for cell in cells {
        by_year.entry(cell.year).or_default().push(cell);
    }
    let mut out = RealisedOverview::default();
    for (year, cells) in by_year.into_iter().rev() {
        let distinct = |f: fn(&db::evaluations::RealisedCell) -> &String| -> Vec<String> {
            cells
                .iter()
                .map(|c| f(c).clone())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect()
        };
        let (teams, streams) = (distinct(|c| &c.team), distinct(|c| &c.stream));
        let find = |t: &str, s: &str| cells.iter().find(|c| c.team == t && c.stream == s);
        let table: Vec<Vec<u32>> = teams
            .iter()
            .map(|t| {
                streams
                    .iter()
                    .map(|s| find(t, s).map_or(0, |c| c.households))
                    .collect()
            })
            .collect();
        let hidden = doorbraak::disclosure::suppress(&table).map_err(|_| AppError::Internal)?;
        for (ti, t) in teams.iter().enumerate() {
            for (si, s) in streams.iter().enumerate() {
                let Some(cell) = find(t, s) else { continue };
                let shown = !hidden.cell(ti, si);
                out.rows.push(RealisedRow {
                    year,
                    team: t.clone(),
                    stream: s.clone(),
                    households: shown.then_some(cell.households),
                    projected: shown.then_some(cell.projected),
                    realised: shown.then_some(cell.realised),
                });
            }
        }
        // Each stream over all teams: the table's column totals.
        for (si, s) in streams.iter().enumerate() {
            let of_stream: Vec<&db::evaluations::RealisedCell> =
                cells.iter().filter(|c| &c.stream == s).collect();
            let sum = |f: fn(&db::evaluations::RealisedCell) -> Money| {
                Money::sum(of_stream.iter().map(|c| f(c))).map_err(|_| AppError::Internal)
            };
            let shown = !hidden.column_total(si);
            out.totals.push(RealisedRow {
                year,
                team: String::new(),
                stream: s.clone(),
                households: shown.then(|| of_stream.iter().map(|c| c.households).sum()),
                projected: if shown {
                    Some(sum(|c| c.projected)?)
                } else {
                    None
                },
                realised: if shown {
                    Some(sum(|c| c.realised)?)
                } else {
                    None
                },
            });
        }
    }
    Ok(out)
}

/// How far ahead the worklist shows a coming evaluation.
const DUE_SOON_DAYS: u64 = 30;

/// What waits for the professional: drafts, canvases returned for
/// revision, final evaluations that can be recorded within 30 days or are
/// late, and receipts to record — for the cases of their teams.
pub async fn worklist(r: &mut Read) -> Result<Worklist, AppError> {
    let teams = r.user.team_ids.clone();
    let today = r.time.today;
    let mut list = Worklist::default();
    for (statuses, slot) in [
        (&[Status::Draft][..], &mut list.drafts),
        (&[Status::Returned][..], &mut list.returned),
    ] {
        let filter = db::cases::CaseFilter {
            statuses,
            scope: db::cases::Scope {
                scope: doorbraak::roles::CaseScope::of(Role::Professional, !teams.is_empty())
                    .ok_or(AppError::Forbidden)?,
                teams: &teams,
            },
            decidable: None,
            reference: None,
        };
        let page = db::cases::list(&mut r.conn, &filter, 0, 50).await?;
        for c in page.cases {
            slot.push(WorkItem {
                date: db::decode::dutch_date("cases", c.id, &c.updated_at)?.to_string(),
                case_id: c.id,
                reference: c.reference,
                note: String::new(),
                overdue: false,
            });
        }
    }
    let soon = today
        .checked_add_days(chrono::Days::new(DUE_SOON_DAYS))
        .unwrap_or(NaiveDate::MAX);
    for c in db::evaluations::awaiting_evaluation(&mut r.conn, &teams).await? {
        let horizon = u16::try_from(c.horizon)
            .ok()
            .and_then(|h| doorbraak::canvas::Horizon::months(h).ok())
            .ok_or_else(|| {
                AppError::from(db::decode::corrupt(
                    "canvases",
                    c.id,
                    format!("horizon {}", c.horizon),
                ))
            })?;
        let Some(start) = start_of(c.id, c.first_paid_at, c.settled_at)? else {
            continue;
        };
        let due = evaluation::final_due(start, horizon);
        let before = evaluation::deadline(due);
        if due <= soon {
            list.evaluations.push(WorkItem {
                case_id: c.id,
                reference: c.reference,
                date: before.to_string(),
                note: String::new(),
                overdue: before < today,
            });
        }
    }
    list.evaluations.sort_by(|a, b| a.date.cmp(&b.date));
    for (payment, case_id, reference, paid_on, supplier, cents) in
        db::evaluations::receipts_due(&mut r.conn, &teams, 50).await?
    {
        let amount = db::decode::money("payments", payment, cents)?;
        list.receipts.push(WorkItem {
            case_id,
            reference,
            date: paid_on,
            note: format!("{supplier} · {amount}"),
            overdue: false,
        });
    }
    let shown: Vec<i64> = [
        &list.drafts,
        &list.returned,
        &list.evaluations,
        &list.receipts,
    ]
    .into_iter()
    .flatten()
    .map(|w| w.case_id)
    .collect();
    r.opened_cases(shown);
    Ok(list)
}
