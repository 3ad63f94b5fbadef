//! Chargeback runs (backoffice): a draft over the settled cases of a period,
//! its preview (per case the evidence and the split, per stream the totals),
//! the key or exclusion per case, posting, and correction by reversal. The
//! core decides the preview, what blocks a draft and the plan of a posting
//! or a reversal; this module reads what they need and writes the plan.

use std::collections::HashMap;

use chrono::NaiveDate;
use doorbraak::Money;
use doorbraak::agreement::Agreements;
use doorbraak::chargeback::{ChargeKind, ResidualReason, StreamAvoided};
use doorbraak::claim::{ClaimAction, ClaimStatus};
use doorbraak::ledger::{Operation, TxId};
use doorbraak::posting::{self, PostDecision, PostError, PostingPlan, StoredCharge};
use doorbraak::responsibility::ResponsibilityKey;
use doorbraak::run::{CaseKey, Outcome, Preview, RunCase, RunKind, RunStatus};
use doorbraak::stream::StreamRegistry;
use sqlx::SqliteConnection;

use crate::context::{Acting, Read, Write};
use crate::db::{self, runs::RunCaseRow};
use crate::error::AppError;
use crate::input;
use crate::model::{
    CASES_PER_PAGE, ChargeView, RunCaseView, RunRow, RunTotal, RunView, RunsOverview,
};

fn stale_run() -> AppError {
    AppError::Conflict(PostError::Stale.to_string())
}

fn no_run() -> AppError {
    AppError::NotFound("Deze terugboekrun bestaat niet.".to_string())
}

/// The runs, newest first, and how many settled cases wait.
pub async fn overview(r: &mut Read) -> Result<RunsOverview, AppError> {
    Ok(RunsOverview {
        runs: db::runs::list(&mut r.conn, 100).await?,
        waiting: db::runs::settled_waiting(&mut r.conn).await?,
        today: r.time.today,
    })
}

/// Starts a draft over the settled cases of a period; answers with its id.
pub async fn create(w: &mut Write, period_from: &str, period_to: &str) -> Result<i64, AppError> {
    let from = input::date("period_from", period_from, w.time.today)?;
    let to = input::date("period_to", period_to, w.time.today)?;
    if to < from {
        return Err(AppError::invalid(
            "period_to",
            "De einddatum ligt vóór de begindatum.",
        ));
    }
    let cases = db::runs::settled_in(&mut w.tx, from, to).await?;
    if cases.is_empty() {
        return Err(AppError::invalid(
            "period_from",
            "In deze periode zijn geen afgerekende casussen die nog niet zijn teruggeboekt.",
        ));
    }
    let id = db::runs::create_draft(&mut w.tx, from, to, &cases, &w.time.at, w.user.id).await?;
    w.audit(
        "run_created",
        "chargeback_run",
        Some(id.to_string()),
        None,
        Some(serde_json::json!({ "from": from, "to": to, "cases": cases.len() })),
    );
    Ok(id)
}

/// A case as the core allocates it (the preview adds the agreement terms).
fn run_case(row: &RunCaseRow, streams: &StreamRegistry) -> RunCase {
    let avoided = row
        .avoided
        .iter()
        .filter_map(|(code, avoided)| {
            let s = streams.get(*code).ok()?;
            Some(StreamAvoided {
                stream: s.code,
                kind: s.kind,
                avoided: *avoided,
                agreement: None,
            })
        })
        .collect();
    RunCase {
        case: row.case_id,
        reference: row.reference.clone(),
        settled_on: row.settled_on,
        settled: row.settled,
        avoided,
        key: match &row.responsibility {
            None => CaseKey::Beneficiary,
            Some(key) => CaseKey::Responsibility(key.streams(streams)),
        },
        excluded: row.excluded,
        mode: row.mode,
    }
}

/// Everything a run is decided on, computed the same way for the page and
/// for posting: what is posted is what the preview showed.
struct Computed {
    rows: Vec<RunCaseRow>,
    cases: Vec<RunCase>,
    preview: Preview,
    streams: StreamRegistry,
    agreements: Agreements,
}

impl Computed {
    fn facts(&self) -> Vec<posting::RunCaseFacts> {
        self.rows.iter().map(RunCaseRow::facts).collect()
    }
}

async fn compute(conn: &mut SqliteConnection, run: &RunRow) -> Result<Computed, AppError> {
    let streams = db::streams::registry(conn).await?;
    let rows = db::runs::cases(conn, run.id).await?;
    let cases: Vec<RunCase> = rows.iter().map(|r| run_case(r, &streams)).collect();
    let versions = db::agreements::all(conn)
        .await?
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    // A posted run is shown as it was posted: with the caps as they were then.
    let before = match (run.status, run.posted_at.as_deref()) {
        (RunStatus::Posted, Some(at)) => Some((at, run.id)),
        _ => None,
    };
    let used = db::agreements::caps_used(conn, before).await?;
    let agreements = Agreements::new(versions, used);
    let preview = doorbraak::run::preview(streams.reservation(), &cases, &agreements)
        .map_err(|e| AppError::Conflict(e.to_string()))?;
    Ok(Computed {
        rows,
        cases,
        preview,
        streams,
        agreements,
    })
}

fn case_view(row: &RunCaseRow, outcome: &Outcome, agreements: &Agreements) -> RunCaseView {
    let (charges, residual, residual_why, refused) = match outcome {
        Outcome::Allocated(a) => (
            a.charges()
                .iter()
                .map(|c| ChargeView {
                    stream: c.stream,
                    amount: c.amount,
                    claim: c.kind == ChargeKind::Claim,
                    agreement: c
                        .agreement
                        .and_then(|id| agreements.get(id))
                        .map(ToString::to_string),
                })
                .collect(),
            a.residual(),
            a.residual_parts()
                .iter()
                .map(|p| (p.stream, p.reason.label_nl().to_string(), p.amount))
                // An external stream without an agreement in force is left
                // out of the split: reported, not charged.
                .chain(
                    a.not_charged()
                        .iter()
                        .filter(|s| !a.residual_parts().iter().any(|p| p.stream == **s))
                        .map(|s| {
                            (
                                *s,
                                format!(
                                    "{}, niet meegeteld",
                                    ResidualReason::NoAgreement.label_nl()
                                ),
                                Money::ZERO,
                            )
                        }),
                )
                .collect(),
            None,
        ),
        Outcome::Excluded => (Vec::new(), Money::ZERO, Vec::new(), None),
        Outcome::Refused(why) => (Vec::new(), Money::ZERO, Vec::new(), Some(why.clone())),
    };
    RunCaseView {
        case_id: row.case_id,
        reference: row.reference.clone(),
        settled: row.settled,
        responsibility: row
            .responsibility
            .as_ref()
            .map(ResponsibilityKey::to_string),
        excluded: row.excluded,
        reason: row.reason.clone(),
        charges,
        residual,
        residual_why,
        refused,
        evidence: row.avoided.clone(),
    }
}

/// A run with its preview (a draft) or what it booked (posted); cases a page
/// at a time. `case` (a reference) selects one case of the run from any page.
pub async fn get<U>(
    r: &mut Read<U>,
    id: i64,
    page: usize,
    case: &str,
) -> Result<RunView, AppError> {
    let conn = &mut *r.conn;
    let run = db::runs::get(conn, id).await?.ok_or_else(no_run)?;
    let claims = db::claims::of_run(conn, run.id, None).await?;
    let today = r.time.today;
    let asked = case.trim();
    let is_asked = |reference: &str| !asked.is_empty() && reference.eq_ignore_ascii_case(asked);
    // Views are made for the page and the case asked for only: a run can
    // hold thousands of cases.
    let (case_count, page_of, selected, charged_cases, settled, residual, blocked, totals, streams) =
        if run.kind == RunKind::Reversal {
            let charges = db::runs::charges_with_reference(conn, run.id).await?;
            let totals = doorbraak::run::totals_of(
                charges.iter().map(|(_, c)| (c.stream, c.kind, c.amount)),
            )
            .map_err(|_| AppError::Internal)?;
            let all = corrections(&charges);
            let (page, range) = page_range(all.len(), page);
            (
                all.len(),
                (page, all[range].to_vec()),
                all.iter().find(|c| is_asked(&c.reference)).cloned(),
                all.len(),
                Money::ZERO,
                Money::ZERO,
                Vec::new(),
                totals,
                db::streams::registry(conn).await?,
            )
        } else {
            let c = compute(conn, &run).await?;
            let blocked = if run.status == RunStatus::Draft {
                posting::blockers(&c.preview, &c.facts(), &c.streams)
            } else {
                Vec::new()
            };
            let view = |i: usize| case_view(&c.rows[i], &c.preview.cases[i].outcome, &c.agreements);
            let (page, range) = page_range(c.rows.len(), page);
            let charged = c
                .preview
                .cases
                .iter()
                .filter(|p| matches!(&p.outcome, Outcome::Allocated(a) if !a.charges().is_empty()))
                .count();
            (
                c.rows.len(),
                (page, range.map(view).collect()),
                c.rows.iter().position(|r| is_asked(&r.reference)).map(view),
                charged,
                c.preview.settled,
                c.preview.residual,
                blocked,
                c.preview.totals,
                c.streams,
            )
        };
    let (page, cases) = page_of;
    // Every case the page shows is household data the reader saw.
    r.opened_cases(cases.iter().chain(&selected).map(|c| c.case_id));
    let total = |kind| doorbraak::run::kind_total(&totals, kind).map_err(|_| AppError::Internal);
    let (internal, claims_total) = (total(ChargeKind::Internal)?, total(ChargeKind::Claim)?);
    let totals = run_totals(&totals, &streams);
    let not_in_run = (!asked.is_empty() && selected.is_none()).then(|| asked.to_string());
    Ok(RunView {
        case_count,
        cases,
        page,
        totals,
        settled,
        internal,
        claims_total,
        residual,
        blocked,
        claims,
        run,
        today,
        charged_cases,
        selected,
        not_in_run,
    })
}

fn run_totals(totals: &[doorbraak::run::StreamTotal], streams: &StreamRegistry) -> Vec<RunTotal> {
    totals
        .iter()
        .map(|t| RunTotal {
            stream: t.stream,
            name: streams
                .get(t.stream)
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            claim: t.kind == ChargeKind::Claim,
            amount: t.amount,
            cases: t.cases,
        })
        .collect()
}

/// A correction run's cases: what it booked back, per stream.
fn corrections(charges: &[(String, StoredCharge)]) -> Vec<RunCaseView> {
    let mut cases: Vec<RunCaseView> = Vec::new();
    for (reference, c) in charges {
        let charge = ChargeView {
            stream: c.stream,
            amount: c.amount,
            claim: c.kind == ChargeKind::Claim,
            agreement: None,
        };
        match cases.last_mut().filter(|v| v.case_id == c.case) {
            Some(v) => v.charges.push(charge),
            None => cases.push(RunCaseView {
                case_id: c.case,
                reference: reference.clone(),
                settled: Money::ZERO,
                responsibility: None,
                excluded: false,
                reason: None,
                charges: vec![charge],
                residual: Money::ZERO,
                residual_why: Vec::new(),
                refused: None,
                evidence: Vec::new(),
            }),
        }
    }
    cases
}

/// The page to show (clamped to the last) and the range of its cases.
fn page_range(count: usize, page: usize) -> (usize, std::ops::Range<usize>) {
    let pages = count.div_ceil(CASES_PER_PAGE).max(1);
    let page = page.min(pages - 1);
    let start = page * CASES_PER_PAGE;
    (page, start..count.min(start + CASES_PER_PAGE))
}

/// A case's key in a draft, as the form posts it.
pub struct CaseChoice<'a> {
    /// "beneficiary", "responsibility" or "exclude".
    pub choice: &'a str,
    /// The responsibility key as typed: `JW 60, PW 40`.
    pub responsibility: &'a str,
    pub reason: &'a str,
}

/// Sets a case's key in a draft; all but the default need a reason.
pub async fn set_case_key(
    w: &mut Write,
    run_id: i64,
    version: i64,
    case_id: i64,
    form: CaseChoice<'_>,
) -> Result<(), AppError> {
    let streams = db::streams::registry(&mut w.tx).await?;
    let (key, excluded, reason) = match form.choice {
        "beneficiary" => (None, false, None),
        "responsibility" => (
            Some(
                ResponsibilityKey::parse(form.responsibility, &streams)
                    .map_err(|e| AppError::invalid("responsibility", e.to_string()))?,
            ),
            false,
            Some(input::reason("reason", form.reason)?),
        ),
        "exclude" => (None, true, Some(input::reason("reason", form.reason)?)),
        _ => return Err(AppError::invalid("choice", "Kies een verdeelsleutel.")),
    };
    if !db::runs::set_choice(
        &mut w.tx,
        run_id,
        version,
        case_id,
        key.as_ref(),
        excluded,
        reason.as_deref(),
    )
    .await?
    {
        return Err(stale_run());
    }
    w.audit(
        "run_case_key_set",
        "chargeback_run",
        Some(run_id.to_string()),
        None,
        Some(serde_json::json!({ "case": case_id, "choice": form.choice, "key": key, "reason": reason })),
    );
    Ok(())
}

/// Executes a plan's bookings: each booking's key → the transaction made of it.
async fn book<U: Acting>(
    w: &mut Write<U>,
    bookings: &[(String, Operation)],
) -> Result<HashMap<String, Option<TxId>>, AppError> {
    let actor = w.user.actor().map(|u| u.id);
    let receipts = db::ledger::execute_all(&mut w.tx, bookings, &w.time.at, actor).await?;
    Ok(bookings
        .iter()
        .map(|(key, _)| key.clone())
        .zip(receipts.into_iter().map(|r| r.tx))
        .collect())
}

/// Posts a draft: every charge booked in one transaction, the cases charged
/// back. Posting the same version again (a double click, a retry, a second
/// tab) books nothing and succeeds; a changed run is refused.
pub async fn post(
    w: &mut Write,
    run_id: i64,
    version: i64,
    booking_date: &str,
) -> Result<(), AppError> {
    let date = input::date("booking_date", booking_date, w.time.today)?;
    input::next_version(version)?;
    let run = db::runs::get(&mut w.tx, run_id).await?.ok_or_else(no_run)?;
    let c = compute(&mut w.tx, &run).await?;
    let plan = match posting::plan_posting(
        run.facts(),
        version,
        &c.preview,
        &c.cases,
        &c.facts(),
        &c.streams,
        date,
    ) {
        Ok(PostDecision::AlreadyPosted) => return Ok(()),
        Ok(PostDecision::Post(plan)) => plan,
        Err(e) => return Err(AppError::Conflict(e.to_string())),
    };
    write_posting(w, run_id, version, date, &plan).await?;
    db::runs::freeze_codes(&mut w.tx, run_id, &booked_codes(&c)).await?;
    w.audit(
        "run_posted",
        "chargeback_run",
        Some(run_id.to_string()),
        None,
        Some(serde_json::json!({
            "date": date.to_string(),
            "cases": plan.cases.cases.len(),
            "internal_cents": c.preview.total(ChargeKind::Internal).cents(),
            "claims_cents": c.preview.total(ChargeKind::Claim).cents(),
            "residual_cents": c.preview.residual.cents(),
        })),
    );
    Ok(())
}

/// The accounting codes of every stream a posting books on: the charged
/// streams and the reservation stream (the fund's side).
fn booked_codes(c: &Computed) -> Vec<(doorbraak::StreamCode, doorbraak::stream::AccountingCodes)> {
    let on: std::collections::BTreeSet<doorbraak::StreamCode> = c
        .preview
        .totals
        .iter()
        .map(|t| t.stream)
        .chain([c.streams.reservation()])
        .collect();
    on.into_iter()
        .filter_map(|s| Some((s, c.streams.get(s).ok()?.accounting.clone())))
        .collect()
}

async fn write_posting(
    w: &mut Write,
    run_id: i64,
    version: i64,
    date: NaiveDate,
    plan: &PostingPlan,
) -> Result<(), AppError> {
    let booked = book(w, &plan.bookings).await?;
    db::runs::insert_charges(&mut w.tx, run_id, &plan.charges, &booked).await?;
    db::claims::insert(&mut w.tx, run_id, &plan.claims).await?;
    let reason = format!("Terugboekrun {run_id}");
    let moved =
        db::runs::move_cases(&mut w.tx, &plan.cases, &reason, &w.time.at, w.user.id).await?;
    if moved != plan.cases.cases.len() as u64 {
        return Err(stale_run());
    }
    if !db::runs::close_draft(
        &mut w.tx,
        run_id,
        version,
        RunStatus::Posted,
        Some(date),
        &w.time.at,
        w.user.id,
    )
    .await?
    {
        return Err(stale_run());
    }
    Ok(())
}

/// Discards a draft (nothing was booked).
pub async fn discard(w: &mut Write, run_id: i64, version: i64) -> Result<(), AppError> {
    if !db::runs::close_draft(
        &mut w.tx,
        run_id,
        version,
        RunStatus::Discarded,
        None,
        &w.time.at,
        w.user.id,
    )
    .await?
    {
        return Err(stale_run());
    }
    w.audit(
        "run_discarded",
        "chargeback_run",
        Some(run_id.to_string()),
        None,
        None,
    );
    Ok(())
}

/// Corrects a posted run by reversal: the whole run (what is not reversed
/// yet) or one case. Its open claims are withdrawn; a claim already invoiced
/// must be settled with the payer first. The cases can be charged back again.
/// Answers with the reversal run's id.
pub async fn reverse(
    w: &mut Write,
    run_id: i64,
    case_id: Option<i64>,
    reason: &str,
    date: NaiveDate,
) -> Result<i64, AppError> {
    let run = db::runs::get(&mut w.tx, run_id).await?.ok_or_else(no_run)?;
    let charges = db::runs::charges(&mut w.tx, run_id, case_id).await?;
    let reversed = db::runs::reversed_cases(&mut w.tx, run_id).await?;
    let claims: Vec<_> = db::claims::of_run(&mut w.tx, run_id, case_id)
        .await?
        .iter()
        .map(crate::model::ClaimRow::stored)
        .collect();
    let trued_up = db::accrual::trued_up_years(&mut w.tx).await?;
    let plan = posting::plan_reversal(
        run.facts(),
        case_id,
        &charges,
        &reversed,
        &claims,
        &trued_up,
        date,
    )
    .map_err(|e| AppError::Conflict(e.to_string()))?;
    let reversal = db::runs::insert_reversal(
        &mut w.tx, &run, case_id, reason, date, &w.time.at, w.user.id,
    )
    .await?;
    db::runs::copy_codes(&mut w.tx, run_id, reversal).await?;
    let booked = book(w, &plan.bookings).await?;
    db::runs::insert_charges(&mut w.tx, reversal, &plan.charges, &booked).await?;
    for (claim, version) in &plan.withdrawn {
        let from = ClaimStatus::Open;
        let to = from
            .apply(ClaimAction::Withdraw)
            .map_err(|e| AppError::Conflict(e.to_string()))?;
        if !db::claims::close(&mut w.tx, *claim, *version, from, to, date, Some(reason)).await? {
            return Err(stale_run());
        }
    }
    let note = format!("Correctierun {reversal} op run {run_id}: {reason}");
    let moved = db::runs::move_cases(&mut w.tx, &plan.cases, &note, &w.time.at, w.user.id).await?;
    if moved != plan.cases.cases.len() as u64 {
        return Err(AppError::Conflict(
            "Een of meer casussen zijn na het terugboeken al verder gegaan (geëvalueerd of afgesloten) en kunnen niet worden gecorrigeerd.".into(),
        ));
    }
    w.audit(
        "run_reversed",
        "chargeback_run",
        Some(run_id.to_string()),
        None,
        Some(serde_json::json!({ "reversal": reversal, "case": case_id, "reason": reason, "cases": plan.cases.cases.len() })),
    );
    Ok(reversal)
}
