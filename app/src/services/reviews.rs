//! Stream owners review the charges to their streams (accept, or dispute
//! with a reason); the backoffice resolves disputes: the charge stands
//! (override), or the case is reversed and charged again with another key,
//! or excluded. Everything lands in the audit trail.

use doorbraak::responsibility::ResponsibilityKey;
use doorbraak::review::{Resolution, ReviewStatus};

use doorbraak::canvas::{LineItem, ScenarioLine};

use crate::context::{Read, Write};
use crate::db::{
    self,
    reviews::{ChargeFilter, ReviewFilter},
};
use crate::error::AppError;
use crate::input;
use crate::model::{DisputesView, EvidenceView, OWNER_LIST_LIMIT, OwnerView, StreamOwner};

fn decided_meanwhile() -> AppError {
    AppError::Conflict("Over dit bezwaar is intussen beslist. Laad de pagina opnieuw.".into())
}

/// The standing charges to the streams the user owns that the filter
/// selects, newest run first: `status` "" for those still to review
/// (*te beoordelen*), a review status code, or "alle"; `run` and `stream`
/// empty for all.
pub async fn my_charges(
    r: &mut Read,
    run: &str,
    stream: &str,
    status: &str,
) -> Result<OwnerView, AppError> {
    let streams = db::reviews::owned_streams(&mut r.conn, r.user.id).await?;
    let review = match status {
        "" => ReviewFilter::Open,
        "alle" => ReviewFilter::All,
        code => ReviewFilter::Is(
            ReviewStatus::from_code(code)
                .ok_or_else(|| AppError::invalid("status", "Onbekende beoordeling."))?,
        ),
    };
    let stream = match stream.trim() {
        "" => None,
        code => Some(
            doorbraak::StreamCode::new(code)
                .ok()
                .filter(|c| streams.iter().any(|s| s == c.as_str()))
                .ok_or_else(|| AppError::invalid("stroom", "Kies een van uw stromen."))?,
        ),
    };
    let filter = ChargeFilter {
        streams: Some(&streams),
        review,
        run: input::optional_id("run", run, "run")?,
        stream,
        case: None,
        limit: OWNER_LIST_LIMIT + 1,
    };
    let mut charges = db::reviews::charges(&mut r.conn, &filter).await?;
    let limited = charges.len() as i64 > OWNER_LIST_LIMIT;
    charges.truncate(OWNER_LIST_LIMIT as usize);
    let runs = db::reviews::runs_charging(&mut r.conn, &streams).await?;
    r.opened_cases(charges.iter().map(|c| c.case_id));
    let per_year = crate::services::dashboard::charged_per_year(&mut r.conn, &streams).await?;
    Ok(OwnerView {
        streams,
        charges,
        runs,
        limited,
        per_year,
    })
}

/// A charge's evidence for its stream owner: the lines of the frozen canvas
/// on the charge's stream and the return per stream. Opening it is logged.
pub async fn evidence(r: &mut Read, charge: &str) -> Result<EvidenceView, AppError> {
    let (run, case, stream) = charge_key(charge)?;
    let streams = db::reviews::owned_streams(&mut r.conn, r.user.id).await?;
    let filter = ChargeFilter::one(Some(&streams), run, case, stream);
    let charge = db::reviews::charges(&mut r.conn, &filter)
        .await?
        .pop()
        .ok_or_else(not_yours)?;
    let (version, canvas) = db::cases::frozen_canvas(&mut r.conn, case)
        .await?
        .ok_or_else(not_yours)?;
    let on_stream = |lines: &[ScenarioLine]| -> Result<Vec<ScenarioLine>, AppError> {
        lines
            .iter()
            .filter(|l| l.stream() == charge.stream)
            .map(without_household_text)
            .collect()
    };
    let evidence = EvidenceView {
        canvas_version: version,
        horizon: canvas.horizon,
        threatening: on_stream(&canvas.threatening)?,
        realistic: on_stream(&canvas.realistic)?,
        calculation: super::cases::stored_return(&canvas),
        charge,
    };
    r.opened("case", case.to_string());
    Ok(evidence)
}

fn not_yours() -> AppError {
    AppError::NotFound(
        "Deze terugboeking bestaat niet, is gecorrigeerd of hoort niet bij uw stroom.".into(),
    )
}

/// A free item's description and reason are the team's words about the
/// household: a stream owner sees that the line is a free item, not why.
fn without_household_text(line: &ScenarioLine) -> Result<ScenarioLine, AppError> {
    let mut f = line.fields();
    if let LineItem::Free { .. } = f.item {
        f.item = LineItem::Free {
            description: "Vrij item".into(),
            reason: "toelichting alleen voor het team".into(),
        };
    }
    ScenarioLine::new(f).map_err(|_| AppError::Internal)
}

/// A charge as a form names it.
type ChargeKey = (i64, i64, doorbraak::StreamCode);

/// `run:case:stream`, as a form names a charge.
fn charge_key(charge: &str) -> Result<ChargeKey, AppError> {
    let mut parts = charge.splitn(3, ':');
    match (
        parts.next().map(str::parse::<i64>),
        parts.next().map(str::parse::<i64>),
        parts.next().map(doorbraak::StreamCode::new),
    ) {
        (Some(Ok(run)), Some(Ok(case)), Some(Ok(stream))) => Ok((run, case, stream)),
        _ => Err(AppError::invalid("charge", "Kies een terugboeking.")),
    }
}

/// `charge` is `run:case:stream`; `verdict` "accept" or "dispute" (with a
/// reason). Answers with what was recorded.
pub async fn review(
    w: &mut Write,
    charge: &str,
    verdict: &str,
    reason: &str,
) -> Result<String, AppError> {
    let (run, case, stream) = charge_key(charge)?;
    let reason = reason.trim();
    let (status, reason) = match verdict {
        "accept" => (
            ReviewStatus::Accepted,
            (!reason.is_empty()).then_some(reason),
        ),
        "dispute" => {
            if reason.is_empty() || reason.chars().count() > 500 {
                return Err(AppError::invalid(
                    "reason",
                    "Geef de reden van uw bezwaar (hoogstens 500 tekens).",
                ));
            }
            (ReviewStatus::Disputed, Some(reason))
        }
        _ => return Err(AppError::invalid("verdict", "Kies akkoord of bezwaar.")),
    };
    if let Some(r) = reason {
        input::free_text("reason", r)?;
    }
    let owned = db::reviews::owned_streams(&mut w.tx, w.user.id).await?;
    record(w, &owned, (run, case, stream), status, reason).await?;
    Ok(match status {
        ReviewStatus::Accepted => "Vastgelegd: u bent akkoord met de terugboeking.".to_string(),
        _ => "Vastgelegd: uw bezwaar is naar de backoffice gestuurd.".to_string(),
    })
}

/// Accepts every charge of a selection at once (the filtered list as shown):
/// all or nothing. A charge accepted before (a repeated form) counts as done.
pub async fn accept_all(w: &mut Write, charges: &[String]) -> Result<String, AppError> {
    if charges.is_empty() {
        return Err(AppError::invalid(
            "charges",
            "Er zijn geen terugboekingen geselecteerd.",
        ));
    }
    if charges.len() as i64 > OWNER_LIST_LIMIT {
        return Err(AppError::invalid(
            "charges",
            format!("Hoogstens {OWNER_LIST_LIMIT} terugboekingen tegelijk."),
        ));
    }
    let owned = db::reviews::owned_streams(&mut w.tx, w.user.id).await?;
    let mut seen = std::collections::BTreeSet::new();
    let mut accepted = 0;
    for key in charges {
        let key = charge_key(key)?;
        if !seen.insert(key) {
            continue;
        }
        let filter = ChargeFilter::one(Some(&owned), key.0, key.1, key.2);
        let current = db::reviews::charges(&mut w.tx, &filter).await?.pop();
        match current.map(|c| (c.review, c.reference)) {
            None => return Err(not_yours()),
            Some((Some(ReviewStatus::Accepted), _)) => {}
            Some((Some(_), reference)) => {
                return Err(AppError::Conflict(format!(
                    "Over de terugboeking van casus {reference} op {} is al bezwaar gemaakt of beslist. Er is niets vastgelegd; laad de pagina opnieuw.",
                    key.2
                )));
            }
            Some((None, _)) => {
                record(w, &owned, key, ReviewStatus::Accepted, None).await?;
                accepted += 1;
            }
        }
    }
    Ok(format!(
        "Vastgelegd: akkoord met {accepted} {}.",
        if accepted == 1 {
            "terugboeking"
        } else {
            "terugboekingen"
        }
    ))
}

/// Records one verdict on a standing charge to one of `owned`.
async fn record(
    w: &mut Write,
    owned: &[String],
    (run, case, stream): ChargeKey,
    status: ReviewStatus,
    reason: Option<&str>,
) -> Result<(), AppError> {
    let stream = stream.as_str();
    if !db::reviews::stands(&mut w.tx, run, case, stream, owned).await? {
        return Err(not_yours());
    }
    if !db::reviews::review(
        &mut w.tx, run, case, stream, status, reason, w.user.id, &w.time.at,
    )
    .await?
    {
        return Err(AppError::Conflict(
            "Over deze terugboeking is al bezwaar gemaakt of beslist.".into(),
        ));
    }
    let action = if status == ReviewStatus::Accepted {
        "charge_accepted"
    } else {
        "charge_disputed"
    };
    w.audit(
        action,
        "charge",
        Some(format!("{run}:{case}:{stream}")),
        None,
        Some(serde_json::json!({ "reason": reason })),
    );
    Ok(())
}

/// The open disputes.
pub async fn disputes(r: &mut Read) -> Result<DisputesView, AppError> {
    let disputes = db::reviews::charges(
        &mut r.conn,
        &ChargeFilter {
            streams: None,
            review: ReviewFilter::Is(ReviewStatus::Disputed),
            run: None,
            stream: None,
            case: None,
            limit: OWNER_LIST_LIMIT,
        },
    )
    .await?;
    r.opened_cases(disputes.iter().map(|c| c.case_id));
    Ok(DisputesView {
        disputes,
        today: r.time.today,
    })
}

/// A dispute's resolution as the form posts it.
pub struct ResolutionForm<'a> {
    /// `id:version` of the dispute.
    pub dispute: &'a str,
    /// "override", "key" or "exclude".
    pub resolution: &'a str,
    pub responsibility: &'a str,
    pub reason: &'a str,
    pub booking_date: &'a str,
}

/// Resolves a dispute: "override" keeps the charge; "key" reverses the case
/// and gives its next run the responsibility key; "exclude" reverses it and
/// excludes it from runs.
pub async fn resolve(w: &mut Write, form: ResolutionForm<'_>) -> Result<(), AppError> {
    let (id, version) = input::reference("dispute", form.dispute, "een bezwaar")?;
    let reason = input::reason("reason", form.reason)?;
    let review = db::reviews::dispute(&mut w.tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound("Dit bezwaar bestaat niet.".into()))?;
    let (run, case, stream) = (review.run_id, review.case_id, review.stream);
    if review.status != ReviewStatus::Disputed || review.version != version {
        return Err(decided_meanwhile());
    }
    // None: the charge stands; Some(None): excluded; Some(Some(key)): another key.
    let resolution = Resolution::from_code(form.resolution)
        .ok_or_else(|| AppError::invalid("resolution", "Kies een besluit."))?;
    let key: Option<Option<ResponsibilityKey>> = match resolution {
        Resolution::Override => None,
        Resolution::Key => {
            let streams = db::streams::registry(&mut w.tx).await?;
            let key = ResponsibilityKey::parse(form.responsibility, &streams)
                .map_err(|e| AppError::invalid("responsibility", e.to_string()))?;
            Some(Some(key))
        }
        Resolution::Exclude => Some(None),
    };
    if let Some(key) = &key {
        let date = input::date("booking_date", form.booking_date, w.time.today)?;
        super::runs::reverse(w, run, Some(case), &reason, date).await?;
        db::reviews::set_case_key(
            &mut w.tx,
            case,
            key.as_ref(),
            key.is_none(),
            &reason,
            &w.time.at,
            w.user.id,
        )
        .await?;
    }
    if !db::reviews::resolve(
        &mut w.tx, id, version, resolution, &reason, w.user.id, &w.time.at,
    )
    .await?
    {
        return Err(decided_meanwhile());
    }
    w.audit(
        "dispute_resolved",
        "charge",
        Some(format!("{run}:{case}:{stream}")),
        Some(serde_json::json!({ "status": ReviewStatus::Disputed.code() })),
        Some(serde_json::json!({ "resolution": resolution.code(), "reason": reason, "key": key })),
    );
    Ok(())
}

pub async fn stream_owners(r: &mut Read) -> Result<Vec<StreamOwner>, AppError> {
    Ok(db::reviews::stream_owners(&mut r.conn)
        .await?
        .into_iter()
        .map(|(user_id, name, streams)| StreamOwner {
            user_id,
            name,
            streams,
        })
        .collect())
}

/// Sets the streams of a stream owner (`streams` as `JW, PW`; empty for none).
pub async fn set_stream_owner(w: &mut Write, user_id: i64, streams: &str) -> Result<(), AppError> {
    let owners = db::reviews::stream_owners(&mut w.tx).await?;
    let Some((_, _, before)) = owners.into_iter().find(|(id, ..)| *id == user_id) else {
        return Err(AppError::invalid(
            "user_id",
            "Kies een actieve gebruiker met de rol Budgethouder.",
        ));
    };
    let known = db::streams::registry(&mut w.tx).await?;
    let mut codes: Vec<String> = Vec::new();
    for code in streams
        .split([',', ';', ' '])
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        let code = code.to_uppercase();
        if doorbraak::StreamCode::new(&code)
            .ok()
            .filter(|c| known.contains(*c))
            .is_none()
        {
            return Err(AppError::invalid(
                "streams",
                format!("Onbekende financieringsstroom: {code}."),
            ));
        }
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    codes.sort();
    db::reviews::set_owned_streams(&mut w.tx, user_id, &codes).await?;
    w.audit(
        "stream_owner_set",
        "user",
        Some(user_id.to_string()),
        Some(serde_json::json!({ "streams": before })),
        Some(serde_json::json!({ "streams": codes })),
    );
    Ok(())
}
