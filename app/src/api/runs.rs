//! Chargeback runs (backoffice): a draft over the settled cases of a period,
//! its preview (per case the evidence and the split, per stream the totals),
//! the key or exclusion per case, posting in one transaction, and correction
//! by reversal. Claims on external payers follow their own lifecycle.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::auth;
#[cfg(feature = "ssr")]
use crate::db::{self, runs::RunCaseRow};
#[cfg(feature = "ssr")]
use crate::input;
#[cfg(feature = "ssr")]
use doorbraak::chargeback::{AgreementTerms, ChargeKind, ResponsibleStream, StreamAvoided};
#[cfg(feature = "ssr")]
use doorbraak::run::{CaseKey, Outcome, Preview, RunCase};
#[cfg(feature = "ssr")]
use doorbraak::stream::StreamKind;
#[cfg(feature = "ssr")]
use doorbraak::{Money, Percentage, Role, StreamCode};
#[cfg(feature = "ssr")]
use sqlx::SqliteConnection;

pub use crate::model::{ClaimRow, RunRow};

/// Cases shown per page of a run.
pub const CASES_PER_PAGE: usize = 50;

/// The runs page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunsOverview {
    pub runs: Vec<RunRow>,
    /// Settled cases not yet charged back.
    pub waiting: i64,
    pub today: String,
}

/// One case of a run as the preview shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunCaseView {
    pub case_id: i64,
    pub reference: String,
    pub settled: doorbraak::Money,
    /// "beneficiary" or "responsibility".
    pub key: String,
    /// The responsibility key as typed: `JW 60, PW 40`.
    pub responsibility: String,
    pub excluded: bool,
    pub reason: Option<String>,
    /// (stream, amount, is a claim).
    pub charges: Vec<(String, doorbraak::Money, bool)>,
    pub residual: doorbraak::Money,
    /// Why the key cannot be applied.
    pub refused: Option<String>,
    /// The frozen canvas's avoided costs per stream: the evidence.
    pub evidence: Vec<(String, doorbraak::Money)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunTotal {
    pub stream: String,
    pub name: String,
    pub claim: bool,
    pub amount: doorbraak::Money,
    pub cases: u32,
}

/// The run page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunView {
    pub run: RunRow,
    pub cases: Vec<RunCaseView>,
    pub page: usize,
    pub case_count: usize,
    pub totals: Vec<RunTotal>,
    pub settled: doorbraak::Money,
    pub internal: doorbraak::Money,
    pub claims_total: doorbraak::Money,
    pub residual: doorbraak::Money,
    /// Why the draft cannot be posted as it is.
    pub blocked: Vec<String>,
    pub claims: Vec<ClaimRow>,
    pub today: String,
}

#[cfg(feature = "ssr")]
fn stale_run() -> AppError {
    AppError::Conflict(
        "Iemand anders heeft deze run intussen gewijzigd of geboekt. Laad de pagina opnieuw."
            .to_string(),
    )
}

#[cfg(feature = "ssr")]
fn no_run() -> AppError {
    AppError::NotFound("Deze terugboekrun bestaat niet.".to_string())
}

/// The configured streams, by code.
#[cfg(feature = "ssr")]
pub(crate) type Streams = std::collections::BTreeMap<String, crate::model::StreamConfig>;

#[cfg(feature = "ssr")]
pub(crate) async fn stream_configs(conn: &mut SqliteConnection) -> Result<Streams, AppError> {
    Ok(db::streams::list(conn)
        .await?
        .into_iter()
        .map(|s| (s.code.clone(), s))
        .collect())
}

#[cfg(feature = "ssr")]
fn kind_of(s: &crate::model::StreamConfig) -> (StreamKind, Option<AgreementTerms>) {
    if s.kind == "external" {
        // The agreement bears 100 %, without a cap: versioned agreements with
        // shares and caps are configuration still to come.
        let terms = s.has_agreement.then_some(AgreementTerms {
            payer_share: Percentage::HUNDRED,
            cap_remaining: None,
        });
        (StreamKind::External, terms)
    } else {
        (StreamKind::Internal, None)
    }
}

/// A stored responsibility key: `[{"stream": "JW", "percentage": "60"}]`.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Responsible {
    stream: String,
    percentage: rust_decimal::Decimal,
}

#[cfg(feature = "ssr")]
fn run_case(row: &RunCaseRow, streams: &Streams) -> RunCase {
    let avoided = row
        .avoided
        .iter()
        .filter_map(|(code, cents)| {
            let s = streams.get(code)?;
            let (kind, agreement) = kind_of(s);
            Some(StreamAvoided {
                stream: StreamCode::new(code).ok()?,
                kind,
                avoided: Money::from_cents(*cents).ok()?,
                agreement,
            })
        })
        .collect();
    let key = match row.responsibility.as_deref() {
        None => CaseKey::Beneficiary,
        Some(json) => CaseKey::Responsibility(
            serde_json::from_str::<Vec<Responsible>>(json)
                .unwrap_or_default()
                .iter()
                .filter_map(|r| {
                    let s = streams.get(&r.stream)?;
                    let (kind, agreement) = kind_of(s);
                    Some(ResponsibleStream {
                        stream: StreamCode::new(&r.stream).ok()?,
                        kind,
                        percentage: Percentage::new(r.percentage).ok()?,
                        agreement,
                    })
                })
                .collect(),
        ),
    };
    RunCase {
        case: row.case_id,
        settled: Money::from_cents(row.settled_cents).unwrap_or(Money::ZERO),
        avoided,
        key,
        excluded: row.excluded,
        accrual: row.accrual,
    }
}

/// Everything a run is decided on, computed the same way for the page and
/// for posting: what is posted is what the preview showed.
#[cfg(feature = "ssr")]
struct Computed {
    rows: Vec<RunCaseRow>,
    cases: Vec<RunCase>,
    preview: Preview,
    streams: Streams,
    blocked: Vec<String>,
}

#[cfg(feature = "ssr")]
async fn compute(conn: &mut SqliteConnection, run: &RunRow) -> Result<Computed, AppError> {
    let streams = stream_configs(conn).await?;
    let rows = db::runs::cases(conn, run.id).await?;
    let cases: Vec<RunCase> = rows.iter().map(|r| run_case(r, &streams)).collect();
    let reservation = db::ledger::reservation_stream(conn).await?;
    let preview = doorbraak::run::preview(reservation, &cases)
        .map_err(|e| AppError::Conflict(e.to_string()))?;
    let mut blocked = Vec::new();
    if run.status == "draft" {
        for (row, c) in rows.iter().zip(&preview.cases) {
            if let Outcome::Refused(why) = &c.outcome {
                blocked.push(format!("{}: {why}", row.reference));
            }
            if !row.excluded && row.status != "settled" {
                blocked.push(format!(
                    "{} is niet (meer) afgerekend. Sluit de casus uit of maak een nieuwe run.",
                    row.reference
                ));
            }
        }
        if preview.allocated().next().is_none() {
            blocked.push("De run bevat geen casus om terug te boeken.".to_string());
        }
        let mut charged: Vec<&str> = preview.totals.iter().map(|t| t.stream.as_str()).collect();
        charged.push(reservation.as_str());
        for code in charged {
            if let Some(s) = streams.get(code)
                && (s.taakveld.as_deref().unwrap_or("").is_empty()
                    || s.cost_centre.trim().is_empty()
                    || s.ledger_account.trim().is_empty())
            {
                blocked.push(format!(
                    "De stroom {} ({}) heeft geen volledige boekingscodes (taakveld, kostenplaats, grootboekrekening). Vul ze aan bij Inrichting.",
                    s.code, s.name
                ));
            }
        }
    }
    Ok(Computed {
        rows,
        cases,
        preview,
        streams,
        blocked,
    })
}

#[cfg(feature = "ssr")]
fn case_view(row: &RunCaseRow, outcome: &Outcome) -> RunCaseView {
    let money = |c: i64| Money::from_cents(c).unwrap_or(Money::ZERO);
    let (charges, residual, refused) = match outcome {
        Outcome::Allocated(a) => (
            a.charges()
                .iter()
                .map(|c| (c.stream.to_string(), c.amount, c.kind == ChargeKind::Claim))
                .collect(),
            a.residual(),
            None,
        ),
        Outcome::Excluded => (Vec::new(), Money::ZERO, None),
        Outcome::Refused(why) => (Vec::new(), Money::ZERO, Some(why.clone())),
    };
    let responsibility = row
        .responsibility
        .as_deref()
        .and_then(|j| serde_json::from_str::<Vec<Responsible>>(j).ok())
        .map(|list| {
            list.iter()
                .map(|r| format!("{} {}", r.stream, r.percentage.normalize()))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    RunCaseView {
        case_id: row.case_id,
        reference: row.reference.clone(),
        settled: money(row.settled_cents),
        key: row.key.clone(),
        responsibility,
        excluded: row.excluded,
        reason: row.reason.clone(),
        charges,
        residual,
        refused,
        evidence: row
            .avoided
            .iter()
            .map(|(s, c)| (s.clone(), money(*c)))
            .collect(),
    }
}

/// The runs, newest first, and how many settled cases wait.
#[server(endpoint = "chargeback_runs")]
pub async fn chargeback_runs() -> Result<RunsOverview, AppError> {
    auth::respond(
        async move {
            auth::require(&[Role::Backoffice]).await?;
            let mut conn = auth::state()?.pool.acquire().await?;
            Ok(RunsOverview {
                runs: db::runs::list(&mut conn, 100).await?,
                waiting: db::runs::settled_waiting(&mut conn).await?,
                today: auth::today().format("%Y-%m-%d").to_string(),
            })
        }
        .await,
    )
}

/// Starts a draft over the settled cases of a period; answers with its id.
#[server(endpoint = "create_run")]
pub async fn create_run(period_from: String, period_to: String) -> Result<i64, AppError> {
    auth::respond(
        async move {
            let user = auth::require(&[Role::Backoffice]).await?;
            let from = input::date("period_from", &period_from)?;
            let to = input::date("period_to", &period_to)?;
            if to < from {
                return Err(AppError::invalid(
                    "period_to",
                    "De einddatum ligt vóór de begindatum.",
                ));
            }
            let (from, to) = (from.to_string(), to.to_string());
            let state = auth::state()?;
            let mut tx = state.pool.begin_with("BEGIN IMMEDIATE").await?;
            let cases = db::runs::settled_in(&mut tx, &from, &to).await?;
            if cases.is_empty() {
                return Err(AppError::invalid(
                    "period_from",
                    "In deze periode zijn geen afgerekende casussen die nog niet zijn teruggeboekt.",
                ));
            }
            let now = db::timestamp(auth::now());
            let id = db::runs::create_draft(&mut tx, &from, &to, &cases, &now, user.id).await?;
            auth::audit(
                &mut *tx,
                Some(&user),
                "run_created",
                "chargeback_run",
                Some(id.to_string()),
                None,
                Some(serde_json::json!({ "from": from, "to": to, "cases": cases.len() })),
            )
            .await?;
            tx.commit().await?;
            Ok(id)
        }
        .await,
    )
}

/// A run with its preview (a draft) or what it booked (posted); cases a page at a time.
#[server(endpoint = "chargeback_run")]
pub async fn chargeback_run(id: i64, page: usize) -> Result<RunView, AppError> {
    auth::respond(
        async move {
            auth::require(&[Role::Backoffice]).await?;
            let mut conn = auth::state()?.pool.acquire().await?;
            let run = db::runs::get(&mut conn, id).await?.ok_or_else(no_run)?;
            view(&mut conn, run, page).await
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
async fn view(conn: &mut SqliteConnection, run: RunRow, page: usize) -> Result<RunView, AppError> {
    let claims = db::claims::of_run(conn, run.id, None).await?;
    let c = if run.kind == "reversal" {
        None
    } else {
        Some(compute(conn, &run).await?)
    };
    let Some(c) = c else {
        return Ok(RunView {
            run,
            cases: Vec::new(),
            page: 0,
            case_count: 0,
            totals: Vec::new(),
            settled: Money::ZERO,
            internal: Money::ZERO,
            claims_total: Money::ZERO,
            residual: Money::ZERO,
            blocked: Vec::new(),
            claims,
            today: auth::today().format("%Y-%m-%d").to_string(),
        });
    };
    let pages = c.rows.len().div_ceil(CASES_PER_PAGE).max(1);
    let page = page.min(pages - 1);
    let cases = c
        .rows
        .iter()
        .zip(&c.preview.cases)
        .skip(page * CASES_PER_PAGE)
        .take(CASES_PER_PAGE)
        .map(|(row, p)| case_view(row, &p.outcome))
        .collect();
    let totals = c
        .preview
        .totals
        .iter()
        .map(|t| RunTotal {
            stream: t.stream.to_string(),
            name: c
                .streams
                .get(t.stream.as_str())
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            claim: t.kind == ChargeKind::Claim,
            amount: t.amount,
            cases: t.cases,
        })
        .collect();
    Ok(RunView {
        case_count: c.rows.len(),
        cases,
        page,
        totals,
        settled: c.preview.settled,
        internal: c.preview.total(ChargeKind::Internal),
        claims_total: c.preview.total(ChargeKind::Claim),
        residual: c.preview.residual,
        blocked: c.blocked,
        claims,
        run,
        today: auth::today().format("%Y-%m-%d").to_string(),
    })
}

/// Sets a case's key in a draft: `choice` is "beneficiary", "responsibility"
/// (with `responsibility` as `JW 60, PW 40`) or "exclude"; all but the default need a reason.
#[server(endpoint = "set_run_case")]
pub async fn set_run_case(
    run_id: i64,
    version: i64,
    case_id: i64,
    choice: String,
    responsibility: String,
    reason: String,
) -> Result<(), AppError> {
    auth::respond(
        async move {
            let user = auth::require(&[Role::Backoffice]).await?;
            let state = auth::state()?;
            let mut tx = state.pool.begin_with("BEGIN IMMEDIATE").await?;
            let streams = stream_configs(&mut tx).await?;
            let (key, excluded, reason) = match choice.as_str() {
                "beneficiary" => (None, false, None),
                "responsibility" => (
                    Some(parse_responsibility(&responsibility, &streams)?),
                    false,
                    Some(input::reason("reason", &reason)?),
                ),
                "exclude" => (None, true, Some(input::reason("reason", &reason)?)),
                _ => return Err(AppError::invalid("choice", "Kies een verdeelsleutel.")),
            };
            let json = key
                .as_ref()
                .map(serde_json::to_string)
                .transpose()
                .map_err(|_| AppError::Internal)?;
            if !db::runs::set_choice(
                &mut tx,
                run_id,
                version,
                case_id,
                json.as_deref(),
                excluded,
                reason.as_deref(),
            )
            .await?
            {
                return Err(stale_run());
            }
            auth::audit(
                &mut *tx,
                Some(&user),
                "run_case_key_set",
                "chargeback_run",
                Some(run_id.to_string()),
                None,
                Some(serde_json::json!({ "case": case_id, "choice": choice, "key": json, "reason": reason })),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

/// `JW 60, PW 40` (or `JW=60; PW=40`) → the key; percentages make 100.
#[cfg(feature = "ssr")]
pub(crate) fn parse_responsibility(
    text: &str,
    streams: &Streams,
) -> Result<Vec<Responsible>, AppError> {
    let bad = |m: String| AppError::invalid("responsibility", m);
    let mut out: Vec<Responsible> = Vec::new();
    for part in text
        .split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let mut it = part.split(|c: char| c.is_whitespace() || c == '=' || c == ':');
        let code = it.next().unwrap_or("").trim().to_uppercase();
        let pct: String = it
            .collect::<Vec<_>>()
            .join("")
            .replace('%', "")
            .replace(',', ".");
        let stream = streams
            .get(&code)
            .filter(|s| s.active)
            .ok_or_else(|| bad(format!("Onbekende financieringsstroom: {code}.")))?;
        if stream.holds_reservation {
            return Err(bad(format!(
                "Op {code} wordt niet teruggeboekt: die stroom draagt het doorbraakbudget."
            )));
        }
        if stream.kind == "external" && !stream.has_agreement {
            return Err(bad(format!(
                "Voor {code} is er geen convenant: daar kan niets op worden teruggeboekt."
            )));
        }
        let percentage: rust_decimal::Decimal = pct.trim().parse().map_err(|_| {
            bad(format!(
                "Geef voor {code} een percentage, bijvoorbeeld {code} 60."
            ))
        })?;
        if percentage <= rust_decimal::Decimal::ZERO
            || percentage > rust_decimal::Decimal::ONE_HUNDRED
        {
            return Err(bad(format!(
                "Het percentage voor {code} ligt niet tussen 0 en 100."
            )));
        }
        if out.iter().any(|r| r.stream == code) {
            return Err(bad(format!("{code} staat er twee keer in.")));
        }
        out.push(Responsible {
            stream: code,
            percentage,
        });
    }
    if out.is_empty() {
        return Err(bad(
            "Noem de stromen met hun percentage, bijvoorbeeld JW 60, PW 40.".into(),
        ));
    }
    let sum: rust_decimal::Decimal = out.iter().map(|r| r.percentage).sum();
    if sum != rust_decimal::Decimal::ONE_HUNDRED {
        return Err(bad(format!(
            "De percentages tellen op tot {}, niet tot 100.",
            sum.normalize()
        )));
    }
    Ok(out)
}

/// Posts a draft: every charge booked in one transaction, the cases charged
/// back. Posting the same version again (a double click, a retry, a second
/// tab) books nothing and succeeds; a changed run is refused.
#[server(endpoint = "post_run")]
pub async fn post_run(run_id: i64, version: i64, booking_date: String) -> Result<(), AppError> {
    auth::respond(
        async move {
            let user = auth::require(&[Role::Backoffice]).await?;
            let date = input::date("booking_date", &booking_date)?;
            let state = auth::state()?;
            let mut tx = state.pool.begin_with("BEGIN IMMEDIATE").await?;
            let run = db::runs::get(&mut tx, run_id).await?.ok_or_else(no_run)?;
            if run.status == "posted" && run.version == input::next_version(version)? {
                return Ok(());
            }
            if run.status != "draft" || run.version != version {
                return Err(stale_run());
            }
            let now = db::timestamp(auth::now());
            let c = compute(&mut tx, &run).await?;
            if let Some(first) = c.blocked.first() {
                return Err(AppError::Conflict(format!(
                    "De run kan niet worden geboekt: {first}"
                )));
            }
            let bookings = doorbraak::run::bookings(&c.preview, &c.cases, date);
            let ops: Vec<(String, doorbraak::ledger::Operation)> = bookings
                .iter()
                .map(|b| (format!("run-{run_id}-case-{}-{}", b.case, b.stream), b.op))
                .collect();
            let receipts = db::ledger::execute_all(&mut tx, &ops, &now, Some(user.id)).await?;
            let tx_of: std::collections::HashMap<(i64, StreamCode), i64> = bookings
                .iter()
                .zip(&receipts)
                .filter_map(|(b, r)| Some(((b.case, b.stream), i64::try_from(r.tx?.0).ok()?)))
                .collect();
            let year_of: std::collections::HashMap<i64, i32> = c
                .rows
                .iter()
                .filter_map(|r| Some((r.case_id, r.year?)))
                .collect();
            let mut charges = Vec::new();
            let mut claims = Vec::new();
            for (case, allocation) in c.preview.allocated() {
                for charge in allocation.charges() {
                    let claim = charge.kind == ChargeKind::Claim;
                    charges.push(db::runs::ChargeRow {
                        case_id: case,
                        stream: charge.stream.to_string(),
                        kind: if claim { "claim" } else { "internal" }.to_string(),
                        year: year_of
                            .get(&case)
                            .copied()
                            .unwrap_or(chrono::Datelike::year(&date)),
                        amount_cents: charge.amount.cents(),
                        tx_id: tx_of.get(&(case, charge.stream)).copied(),
                    });
                    if claim {
                        claims.push((case, charge.stream.to_string(), charge.amount.cents()));
                    }
                }
            }
            db::runs::insert_charges(&mut tx, run_id, &charges).await?;
            db::claims::insert(&mut tx, run_id, &claims).await?;
            let moved: Vec<i64> = c.preview.allocated().map(|(case, _)| case).collect();
            let reason = format!("Terugboekrun {run_id}");
            let count = db::runs::move_cases(
                &mut tx,
                &moved,
                "settled",
                "charged_back",
                "charged_back",
                &reason,
                &now,
                user.id,
            )
            .await?;
            if count != moved.len() as u64 {
                return Err(stale_run());
            }
            if !db::runs::close_draft(
                &mut tx,
                run_id,
                version,
                "posted",
                Some(&date.to_string()),
                &now,
                user.id,
            )
            .await?
            {
                return Err(stale_run());
            }
            auth::audit(
                &mut *tx,
                Some(&user),
                "run_posted",
                "chargeback_run",
                Some(run_id.to_string()),
                None,
                Some(serde_json::json!({
                    "date": date.to_string(),
                    "cases": moved.len(),
                    "internal_cents": c.preview.total(ChargeKind::Internal).cents(),
                    "claims_cents": c.preview.total(ChargeKind::Claim).cents(),
                    "residual_cents": c.preview.residual.cents(),
                })),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

/// Discards a draft (nothing was booked).
#[server(endpoint = "discard_run")]
pub async fn discard_run(run_id: i64, version: i64) -> Result<(), AppError> {
    auth::respond(
        async move {
            let user = auth::require(&[Role::Backoffice]).await?;
            let state = auth::state()?;
            let mut tx = state.pool.begin_with("BEGIN IMMEDIATE").await?;
            let now = db::timestamp(auth::now());
            if !db::runs::close_draft(&mut tx, run_id, version, "discarded", None, &now, user.id)
                .await?
            {
                return Err(stale_run());
            }
            auth::audit(
                &mut *tx,
                Some(&user),
                "run_discarded",
                "chargeback_run",
                Some(run_id.to_string()),
                None,
                None,
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

/// Corrects a posted run by reversal: the whole run (what is not reversed
/// yet) or one case. Its open claims are withdrawn; a claim already invoiced
/// must be settled with the payer first. The cases can be charged back again.
/// Answers with the reversal run's id.
#[server(endpoint = "reverse_run")]
pub async fn reverse_run(
    run_id: i64,
    case_id: String,
    reason: String,
    booking_date: String,
) -> Result<i64, AppError> {
    auth::respond(
        async move {
            let user = auth::require(&[Role::Backoffice]).await?;
            // Empty: the whole run.
            let case_id: Option<i64> = match case_id.trim() {
                "" => None,
                id => Some(
                    id.parse()
                        .map_err(|_| AppError::invalid("case_id", "Onbekende casus."))?,
                ),
            };
            let reason = input::reason("reason", &reason)?;
            let date = input::date("booking_date", &booking_date)?;
            let state = auth::state()?;
            let mut tx = state.pool.begin_with("BEGIN IMMEDIATE").await?;
            let reversal = reverse(&mut tx, run_id, case_id, &reason, date, &user).await?;
            tx.commit().await?;
            Ok(reversal)
        }
        .await,
    )
}

/// Reverses a posted run's charges (of one case, or all not yet reversed)
/// inside the caller's transaction; answers with the reversal run's id.
#[cfg(feature = "ssr")]
pub(crate) async fn reverse(
    tx: &mut SqliteConnection,
    run_id: i64,
    case_id: Option<i64>,
    reason: &str,
    date: chrono::NaiveDate,
    user: &crate::model::CurrentUser,
) -> Result<i64, AppError> {
    let run = db::runs::get(&mut *tx, run_id).await?.ok_or_else(no_run)?;
    if run.kind == "reversal" {
        return Err(AppError::Conflict(
            "Een correctierun kan zelf niet worden gecorrigeerd. Boek de casus opnieuw terug in een nieuwe run.".into(),
        ));
    }
    if run.status != "posted" {
        return Err(AppError::Conflict(
            "Alleen een geboekte run kan worden gecorrigeerd.".into(),
        ));
    }
    let done: std::collections::HashSet<i64> = db::runs::reversed_cases(&mut *tx, run_id)
        .await?
        .into_iter()
        .collect();
    let charges: Vec<db::runs::ChargeRow> = db::runs::charges(&mut *tx, run_id, case_id)
        .await?
        .into_iter()
        .filter(|c| !done.contains(&c.case_id))
        .collect();
    if charges.is_empty() {
        return Err(AppError::Conflict(match case_id {
            Some(_) => "Deze casus hoort niet bij de run of is al gecorrigeerd.".into(),
            None => "Alles van deze run is al gecorrigeerd.".into(),
        }));
    }
    let cases: Vec<i64> = {
        let mut v: Vec<i64> = charges.iter().map(|c| c.case_id).collect();
        v.dedup();
        v
    };
    let claims: Vec<db::claims::ClaimRow> = db::claims::of_run(&mut *tx, run_id, case_id)
        .await?
        .into_iter()
        .filter(|k| cases.binary_search(&k.case_id).is_ok())
        .collect();
    if let Some(k) = claims.iter().find(|k| k.status != "open") {
        return Err(AppError::Conflict(format!(
            "De vordering op {} voor {} is al {}; corrigeer die eerst met de betaler.",
            k.stream,
            k.reference,
            claim_status_nl(&k.status)
        )));
    }
    let now = db::timestamp(auth::now());
    let reversal = db::runs::insert_reversal(
        &mut *tx,
        &run,
        case_id,
        reason,
        &date.to_string(),
        &now,
        user.id,
    )
    .await?;
    let ops: Vec<(String, doorbraak::ledger::Operation)> = charges
        .iter()
        .filter_map(|c| {
            let original = u64::try_from(c.tx_id?).ok()?;
            Some((
                format!("reverse-{original}"),
                doorbraak::ledger::Operation::Reverse {
                    tx: doorbraak::ledger::TxId(original),
                    date,
                },
            ))
        })
        .collect();
    let receipts = db::ledger::execute_all(&mut *tx, &ops, &now, Some(user.id)).await?;
    let mut receipt = receipts.iter();
    let undone: Vec<db::runs::ChargeRow> = charges
        .iter()
        .map(|c| db::runs::ChargeRow {
            amount_cents: -c.amount_cents,
            tx_id: c
                .tx_id
                .and_then(|_| receipt.next())
                .and_then(|r| i64::try_from(r.tx?.0).ok()),
            ..c.clone()
        })
        .collect();
    db::runs::insert_charges(&mut *tx, reversal, &undone).await?;
    for k in &claims {
        if !db::claims::close(
            &mut *tx,
            k.id,
            k.version,
            "open",
            "withdrawn",
            &date.to_string(),
            Some(reason),
        )
        .await?
        {
            return Err(stale_run());
        }
    }
    let moved = db::runs::move_cases(
        &mut *tx,
        &cases,
        "charged_back",
        "settled",
        "chargeback_reversed",
        &format!("Correctierun {reversal} op run {run_id}: {reason}"),
        &now,
        user.id,
    )
    .await?;
    if moved != cases.len() as u64 {
        return Err(AppError::Conflict(
            "Een of meer casussen zijn na het terugboeken al verder gegaan (geëvalueerd of afgesloten) en kunnen niet worden gecorrigeerd.".into(),
        ));
    }
    auth::audit(
        &mut *tx,
        Some(user),
        "run_reversed",
        "chargeback_run",
        Some(run_id.to_string()),
        None,
        Some(serde_json::json!({ "reversal": reversal, "case": case_id, "reason": reason, "cases": cases.len() })),
    )
    .await?;
    Ok(reversal)
}

/// A claim's status in Dutch.
pub fn claim_status_nl(status: &str) -> &'static str {
    match status {
        "open" => "open",
        "invoiced" => "gefactureerd",
        "paid" => "betaald",
        "refused" => "geweigerd",
        "withdrawn" => "ingetrokken",
        _ => "onbekend",
    }
}

/// The claims page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimsView {
    pub claims: Vec<ClaimRow>,
    pub today: String,
}

/// A claim in a form: `id:version`.
#[cfg(feature = "ssr")]
fn claim_ref(value: &str) -> Result<(i64, i64), AppError> {
    value
        .split_once(':')
        .and_then(|(id, version)| Some((id.parse().ok()?, version.parse().ok()?)))
        .ok_or_else(|| AppError::invalid("claim_id", "Kies een vordering."))
}

/// Claims on external payers; `status` "" for the open and invoiced ones.
#[server(endpoint = "claims")]
pub async fn claims(status: String) -> Result<ClaimsView, AppError> {
    auth::respond(
        async move {
            auth::require(&[Role::Backoffice]).await?;
            let mut conn = auth::state()?.pool.acquire().await?;
            let statuses: Vec<&str> = match status.as_str() {
                "" => vec!["open", "invoiced"],
                "alle" => vec![],
                s @ ("open" | "invoiced" | "paid" | "refused" | "withdrawn") => vec![s],
                _ => return Err(AppError::invalid("status", "Onbekende status.")),
            };
            Ok(ClaimsView {
                claims: db::claims::list(&mut conn, &statuses, 500).await?,
                today: auth::today().format("%Y-%m-%d").to_string(),
            })
        }
        .await,
    )
}

/// open → invoiced, with the invoice's number and date.
#[server(endpoint = "invoice_claim")]
pub async fn invoice_claim(
    claim: String,
    invoice_number: String,
    invoice_date: String,
) -> Result<(), AppError> {
    auth::respond(
        async move {
            let user = auth::require(&[Role::Backoffice]).await?;
            let (claim_id, version) = claim_ref(&claim)?;
            let number = invoice_number.trim();
            if number.is_empty() || number.chars().count() > 50 {
                return Err(AppError::invalid(
                    "invoice_number",
                    "Vul een factuurnummer in (hoogstens 50 tekens).",
                ));
            }
            input::free_text("invoice_number", number)?;
            let date = input::date("invoice_date", &invoice_date)?;
            let state = auth::state()?;
            let mut tx = state.pool.begin_with("BEGIN IMMEDIATE").await?;
            let claim = db::claims::get(&mut tx, claim_id)
                .await?
                .ok_or_else(|| AppError::NotFound("Deze vordering bestaat niet.".into()))?;
            if claim.status == "invoiced" && claim.invoice_number.as_deref() == Some(number) && claim.version == input::next_version(version)? {
                return Ok(());
            }
            if db::claims::invoice_number_used(&mut tx, number).await? {
                return Err(AppError::invalid(
                    "invoice_number",
                    format!("Factuurnummer {number} is al gebruikt voor een andere vordering."),
                ));
            }
            if !db::claims::invoice(&mut tx, claim_id, version, number, &date.to_string()).await? {
                return Err(claim_stale());
            }
            auth::audit(
                &mut *tx,
                Some(&user),
                "claim_invoiced",
                "claim",
                Some(claim_id.to_string()),
                Some(serde_json::json!({ "status": claim.status })),
                Some(serde_json::json!({ "status": "invoiced", "number": number, "date": date.to_string() })),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
fn claim_stale() -> AppError {
    AppError::Conflict("Deze vordering is intussen gewijzigd. Laad de pagina opnieuw.".to_string())
}

/// invoiced → paid (the fund is credited) or refused (the amount stays on
/// the Wmo as residual; a reason is required).
#[server(endpoint = "close_claim")]
pub async fn close_claim(
    claim: String,
    outcome: String,
    date: String,
    reason: String,
) -> Result<(), AppError> {
    auth::respond(
        async move {
            let user = auth::require(&[Role::Backoffice]).await?;
            let (claim_id, version) = claim_ref(&claim)?;
            let paid = match outcome.as_str() {
                "paid" => true,
                "refused" => false,
                _ => return Err(AppError::invalid("outcome", "Kies betaald of geweigerd.")),
            };
            let day = input::date("date", &date)?;
            let reason = if paid {
                None
            } else {
                Some(input::reason("reason", &reason)?)
            };
            let state = auth::state()?;
            let mut tx = state.pool.begin_with("BEGIN IMMEDIATE").await?;
            let claim = db::claims::get(&mut tx, claim_id)
                .await?
                .ok_or_else(|| AppError::NotFound("Deze vordering bestaat niet.".into()))?;
            if claim.status == outcome && claim.version == input::next_version(version)? {
                return Ok(());
            }
            if claim.status != "invoiced" {
                return Err(AppError::Conflict(format!(
                    "Deze vordering is {}; alleen een gefactureerde vordering kan worden betaald of geweigerd.",
                    claim_status_nl(&claim.status)
                )));
            }
            let stream = StreamCode::new(&claim.stream).map_err(|_| AppError::Internal)?;
            let op = if paid {
                doorbraak::ledger::Operation::Receive {
                    case: claim.case_id,
                    stream,
                    date: day,
                }
            } else {
                doorbraak::ledger::Operation::Refuse {
                    case: claim.case_id,
                    stream,
                    date: day,
                }
            };
            let now = db::timestamp(auth::now());
            db::ledger::execute(&mut tx, &format!("claim-{claim_id}-{outcome}"), op, &now, Some(user.id))
                .await?;
            if !db::claims::close(
                &mut tx,
                claim_id,
                version,
                "invoiced",
                &outcome,
                &day.to_string(),
                reason.as_deref(),
            )
            .await?
            {
                return Err(claim_stale());
            }
            auth::audit(
                &mut *tx,
                Some(&user),
                if paid { "claim_paid" } else { "claim_refused" },
                "claim",
                Some(claim_id.to_string()),
                Some(serde_json::json!({ "status": "invoiced" })),
                Some(serde_json::json!({ "status": outcome, "date": day.to_string(), "reason": reason })),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}
