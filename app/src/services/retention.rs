//! Retention terms, legal holds, and erasure: the administrator's page, the
//! daily job and `doorbraak erase` all go through here. The core decides
//! which case is due (`doorbraak::retention`); this writes the erasure in
//! the caller's one transaction, with one audit event that says how many
//! cases of which class were erased, never what.

use chrono::{DateTime, Utc};
use doorbraak::canvas::Canvas;
use doorbraak::retention::{RecordClass, Term, Terms, Verdict, month_of};

use crate::context::{Acting, Read, Write};
use crate::db::{self, decode::corrupt};
use crate::error::AppError;
use crate::input;
use crate::model::*;

/// The page: the terms with their sources, the holds, and a dry run.
pub async fn overview(r: &mut Read) -> Result<RetentionView, AppError> {
    let (terms, mut versions) = db::retention::terms(&mut r.conn).await?;
    versions.sort_by_key(|(class, _)| RecordClass::ALL.iter().position(|c| c == class));
    let rows = versions
        .into_iter()
        .map(|(class, version)| TermRow {
            class: class.code().to_string(),
            label: class.label().to_string(),
            counted_from: class.counted_from().to_string(),
            source: class.source().to_string(),
            years: terms.of(class).get(),
            default_years: class.default_years(),
            version,
        })
        .collect();
    let holds = db::retention::held(&mut r.conn)
        .await?
        .into_iter()
        .map(|h| HoldRow {
            reference: h.reference,
            reason: h.reason,
        })
        .collect();
    let plan = plan(&mut r.conn, r.time.today).await?.0;
    Ok(RetentionView {
        terms: rows,
        holds,
        plan,
    })
}

/// What an erasure today would erase, and the ids it would erase.
pub async fn plan(
    conn: &mut sqlx::SqliteConnection,
    today: chrono::NaiveDate,
) -> Result<(ErasurePlan, Vec<i64>), AppError> {
    let (terms, _) = db::retention::terms(conn).await?;
    Ok(plan_with(&db::retention::ended(conn).await?, &terms, today))
}

fn plan_with(
    ended: &[db::retention::EndedCase],
    terms: &Terms,
    today: chrono::NaiveDate,
) -> (ErasurePlan, Vec<i64>) {
    let mut plan = ErasurePlan {
        today: Some(today),
        ..ErasurePlan::default()
    };
    let mut ids = Vec::new();
    let mut per_class = std::collections::BTreeMap::new();
    for case in ended {
        match case.facts.verdict(terms, today) {
            Verdict::Erase { since, class } => {
                ids.push(case.id);
                *per_class.entry(class).or_insert(0) += 1;
                plan.due.push(DueRow {
                    reference: case.reference.clone(),
                    class: class.code().to_string(),
                    ended_on: case.facts.ended_on.unwrap_or(since),
                    since,
                });
            }
            Verdict::Held => plan.held.push(case.reference.clone()),
            Verdict::AlreadyErased => plan.erased_before += 1,
            Verdict::Keep { .. } | Verdict::Open => {}
        }
    }
    plan.per_class = RecordClass::ALL
        .iter()
        .filter_map(|c| per_class.get(c).map(|n| (c.code().to_string(), *n)))
        .collect();
    (plan, ids)
}

/// Erases every case past its terms today. `job` says who ran it ("daily
/// job", "doorbraak erase") in the audit event. Idempotent: a second run
/// finds nothing due.
pub async fn apply<U: Acting>(w: &mut Write<U>, job: &str) -> Result<ErasurePlan, AppError> {
    let (plan, ids) = plan(&mut w.tx, w.time.today).await?;
    erase_planned(w, &plan, &ids, job).await?;
    Ok(plan)
}

/// Erases the planned cases, then what the audit trail says of them through
/// other objects, and records how many of which class (never what).
async fn erase_planned<U: Acting>(
    w: &mut Write<U>,
    plan: &ErasurePlan,
    ids: &[i64],
    job: &str,
) -> Result<(), AppError> {
    if ids.is_empty() {
        return Ok(());
    }
    for id in ids {
        erase_case(w, *id).await?;
    }
    db::retention::erase_mentions(&mut w.tx).await?;
    let classes: serde_json::Map<String, serde_json::Value> = plan
        .per_class
        .iter()
        .map(|(c, n)| (c.clone(), serde_json::json!(n)))
        .collect();
    w.audit(
        "erasure_applied",
        "retention",
        None,
        None,
        Some(serde_json::json!({ "cases": ids.len(), "classes": classes, "job": job })),
    );
    Ok(())
}

/// Erases one case by its reference, if it is due: a case on legal hold,
/// one whose terms still run, or one erased before is refused and nothing
/// changes.
pub async fn apply_one<U: Acting>(
    w: &mut Write<U>,
    reference: &str,
    job: &str,
) -> Result<ErasurePlan, AppError> {
    let reference = reference.trim();
    let (terms, _) = db::retention::terms(&mut w.tx).await?;
    let ended = db::retention::ended(&mut w.tx).await?;
    let Some(case) = ended
        .iter()
        .find(|c| c.reference.eq_ignore_ascii_case(reference))
    else {
        return Err(
            match db::retention::by_reference(&mut w.tx, reference).await? {
                None => no_such_case("reference", reference),
                Some(_) => AppError::invalid(
                    "reference",
                    format!(
                        "Casus {reference} loopt nog: een casus wordt pas gewist als hij is afgesloten of afgewezen."
                    ),
                ),
            },
        );
    };
    match case.facts.verdict(&terms, w.time.today) {
        Verdict::Erase { .. } => {}
        Verdict::Held => {
            return Err(AppError::invalid(
                "reference",
                format!(
                    "Casus {reference} staat onder een juridische bewaarplicht (legal hold) en wordt niet gewist. Hef de bewaarplicht eerst op."
                ),
            ));
        }
        Verdict::Keep { until } => {
            return Err(AppError::invalid(
                "reference",
                format!(
                    "De bewaartermijn van casus {reference} loopt tot {}.",
                    doorbraak::dates::dutch(until)
                ),
            ));
        }
        Verdict::Open => {
            return Err(AppError::invalid(
                "reference",
                format!(
                    "Casus {reference} is geboekt in een begrotingsjaar dat nog niet is afgesloten; de financiële bewaartermijn begint pas daarna."
                ),
            ));
        }
        Verdict::AlreadyErased => {
            return Err(AppError::invalid(
                "reference",
                format!("Casus {reference} is al gewist."),
            ));
        }
    }
    let (plan, ids) = plan_with(std::slice::from_ref(case), &terms, w.time.today);
    erase_planned(w, &plan, &ids, job).await?;
    Ok(plan)
}

/// The refusal for a reference no case has, at `field`.
pub fn no_such_case(field: &str, reference: &str) -> AppError {
    AppError::invalid(field, format!("Er is geen casus met kenmerk {reference}."))
}

/// The start of the Dutch month of a stored time, stored the same way.
fn month_start(table: &'static str, id: i64, at: &str) -> Result<String, AppError> {
    let day = db::decode::dutch_date(table, id, at)?;
    Ok(db::timestamp(doorbraak::dates::dutch_day_start(month_of(
        day,
    ))))
}

/// Erases one case in the caller's transaction: marks it (the triggers
/// then allow exactly the erasure of its rows), then blanks every text and
/// coarsens its history's times.
async fn erase_case<U: Acting>(w: &mut Write<U>, id: i64) -> Result<(), AppError> {
    let history = db::retention::history(&mut w.tx, id).await?;
    let reference = loop {
        let candidate = format!(
            "GEWIST-{}",
            &crate::auth::random_token()[..12].to_uppercase()
        );
        if !db::retention::reference_taken(&mut w.tx, &candidate).await? {
            break candidate;
        }
    };
    let created = month_start("cases", id, &history.created)?;
    if !db::retention::mark_erased(&mut w.tx, id, &reference, &created, &w.time.at).await? {
        return Err(AppError::Conflict(
            "Deze casus staat onder een juridische bewaarplicht of is al gewist.".into(),
        ));
    }
    for (version, body, saved_at) in history.canvases {
        let canvas: Canvas = serde_json::from_str(&body)
            .map_err(|e| corrupt("canvases", id, format!("version {version}: {e}")))?;
        let erased = serde_json::to_string(&canvas.erased()).map_err(|_| AppError::Internal)?;
        let at = month_start("canvases", id, &saved_at)?;
        db::retention::erase_canvas(&mut w.tx, id, version, &erased, &at).await?;
    }
    for (event, at) in history.events {
        let at = month_start("case_events", event, &at)?;
        db::retention::erase_event(&mut w.tx, event, &at).await?;
    }
    db::retention::erase_rest(&mut w.tx, id).await?;
    Ok(())
}

/// Sets the terms: whole years, at least 1 each. Nothing changes unless
/// all three are valid and none was changed meanwhile.
pub async fn set_terms(w: &mut Write, form: TermForm) -> Result<(), AppError> {
    let (current, versions) = db::retention::terms(&mut w.tx).await?;
    let mut wanted = Vec::new();
    for class in RecordClass::ALL {
        let (years, version) = form.of(class.code()).ok_or(AppError::Internal)?;
        let term =
            Term::parse(years).map_err(|e| AppError::invalid(class.code(), e.to_string()))?;
        let loaded: i64 = version.trim().parse().map_err(|_| stale())?;
        wanted.push((class, term, loaded));
    }
    for (class, term, loaded) in wanted {
        let stored = versions.iter().find(|(c, _)| *c == class).map(|(_, v)| *v);
        if stored != Some(loaded) {
            return Err(stale());
        }
        let before = current.of(class);
        if before == term {
            continue;
        }
        if !db::retention::set_term(&mut w.tx, class, term, loaded, &w.time.at, w.user.id).await? {
            return Err(stale());
        }
        w.audit(
            "retention_term_set",
            "retention",
            Some(class.code().to_string()),
            Some(serde_json::json!({ "years": before.get() })),
            Some(serde_json::json!({ "years": term.get() })),
        );
    }
    Ok(())
}

fn stale() -> AppError {
    AppError::Conflict(
        "Iemand anders heeft de bewaartermijnen intussen gewijzigd. Laad de pagina opnieuw.".into(),
    )
}

/// Puts a case on legal hold, with a reason, or lifts the hold.
pub async fn set_hold(w: &mut Write, form: HoldForm) -> Result<(), AppError> {
    let reference = form.reference.trim();
    if reference.is_empty() {
        return Err(AppError::invalid(
            "reference",
            "Vul het kenmerk van de casus in.",
        ));
    }
    let on = match form.hold.as_str() {
        "on" => true,
        "off" => false,
        _ => {
            return Err(AppError::invalid(
                "hold",
                "Kies: bewaarplicht instellen of opheffen.",
            ));
        }
    };
    let reason = input::reason("reason", &form.reason)?;
    let Some((id, reference, held, erased)) =
        db::retention::by_reference(&mut w.tx, reference).await?
    else {
        return Err(no_such_case("reference", reference));
    };
    if erased {
        return Err(AppError::invalid(
            "reference",
            format!("Casus {reference} is al gewist; een bewaarplicht kan niets meer bewaren."),
        ));
    }
    if held == on {
        return Err(AppError::invalid(
            "hold",
            if on {
                format!("Casus {reference} staat al onder een bewaarplicht.")
            } else {
                format!("Casus {reference} staat niet onder een bewaarplicht.")
            },
        ));
    }
    db::retention::set_hold(&mut w.tx, id, on.then_some(reason.as_str()), &w.time.at).await?;
    w.audit(
        if on {
            "legal_hold_set"
        } else {
            "legal_hold_lifted"
        },
        "case",
        Some(id.to_string()),
        None,
        Some(serde_json::json!({ "reason": reason })),
    );
    Ok(())
}

/// Erasure outside a request (the daily job, the command): one write as
/// the system, committed only when every due case was erased.
pub async fn run_job(
    pool: &db::Pool,
    now: DateTime<Utc>,
    for_real: bool,
    case: Option<&str>,
    job: &str,
) -> Result<ErasurePlan, AppError> {
    if !for_real {
        let mut conn = pool.acquire().await?;
        return Ok(plan(&mut conn, doorbraak::dates::dutch_today(now)).await?.0);
    }
    let mut w = Write::begin(pool, None::<CurrentUser>, now, "localhost").await?;
    let done = match case {
        Some(reference) => apply_one(&mut w, reference, job).await?,
        None => apply(&mut w, job).await?,
    };
    w.commit().await?;
    if !done.due.is_empty() {
        leave_no_trace(pool).await?;
    }
    Ok(done)
}

/// An erased text must not linger in the file: SQLite leaves old values in
/// the free space of pages and on free pages, and the write-ahead log holds
/// earlier page images. `VACUUM` rewrites the database from its live rows
/// only; the checkpoint then empties the log. Writers wait meanwhile (the
/// job runs at night, and only after it erased something).
pub async fn leave_no_trace(pool: &db::Pool) -> Result<(), AppError> {
    let mut conn = pool.acquire().await?;
    sqlx::query("VACUUM").execute(&mut *conn).await?;
    let (busy, _, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
        .fetch_one(&mut *conn)
        .await?;
    if busy != 0 {
        tracing::warn!(
            "a reader kept the write-ahead log from being emptied after the erasure; the next checkpoint does it"
        );
    }
    Ok(())
}
