//! Stream owners review the charges to their streams (accept, or dispute
//! with a reason); the backoffice resolves disputes: the charge stands
//! (override), or the case is reversed and charged again with another key,
//! or excluded. Everything lands in the audit trail.

use doorbraak::responsibility::ResponsibilityKey;
use doorbraak::review::{Resolution, ReviewStatus};

use crate::context::{Read, Write};
use crate::db;
use crate::error::AppError;
use crate::input;
use crate::model::{DisputesView, OwnerView, StreamOwner};

fn decided_meanwhile() -> AppError {
    AppError::Conflict("Over dit bezwaar is intussen beslist. Laad de pagina opnieuw.".into())
}

/// Every standing charge to the streams the user owns, newest run first.
pub async fn my_charges(r: &mut Read) -> Result<OwnerView, AppError> {
    let streams = db::reviews::owned_streams(&mut r.conn, r.user.id).await?;
    let charges = db::reviews::charges(&mut r.conn, Some(&streams), false, 500).await?;
    Ok(OwnerView { streams, charges })
}

/// `charge` is `run:case:stream`; `verdict` "accept" or "dispute" (with a reason).
pub async fn review(
    w: &mut Write,
    charge: &str,
    verdict: &str,
    reason: &str,
) -> Result<(), AppError> {
    let mut parts = charge.splitn(3, ':');
    let (Some(Ok(run)), Some(Ok(case)), Some(stream)) = (
        parts.next().map(str::parse::<i64>),
        parts.next().map(str::parse::<i64>),
        parts.next(),
    ) else {
        return Err(AppError::invalid("charge", "Kies een terugboeking."));
    };
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
    // Only a standing charge to one's own stream.
    let owned = db::reviews::owned_streams(&mut w.tx, w.user.id).await?;
    if !db::reviews::stands(&mut w.tx, run, case, stream, &owned).await? {
        return Err(AppError::NotFound(
            "Deze terugboeking bestaat niet, is gecorrigeerd of hoort niet bij uw stroom.".into(),
        ));
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
    Ok(DisputesView {
        disputes: db::reviews::charges(&mut r.conn, None, true, 500).await?,
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
