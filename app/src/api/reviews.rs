//! Stream owners review the charges to their streams (accept, or dispute
//! with a reason); the backoffice resolves disputes: the charge stands
//! (override), or the case is reversed and charged again with another key,
//! or excluded. Everything lands in the audit trail.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::model::OwnerCharge;

#[cfg(feature = "ssr")]
use crate::{auth, db};
#[cfg(feature = "ssr")]
use doorbraak::Role;

/// A stream owner's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerView {
    pub streams: Vec<String>,
    pub charges: Vec<OwnerCharge>,
}

/// The backoffice's open disputes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputesView {
    pub disputes: Vec<OwnerCharge>,
    pub today: String,
}

/// Every standing charge to the streams the user owns, newest run first.
#[server(endpoint = "my_charges")]
pub async fn my_charges() -> Result<OwnerView, AppError> {
    auth::respond(
        async move {
            let user = auth::require(&[Role::StreamOwner]).await?;
            let mut conn = auth::state()?.pool.acquire().await?;
            let streams = db::reviews::owned_streams(&mut conn, user.id).await?;
            let charges = db::reviews::charges(&mut conn, Some(&streams), false, 500).await?;
            Ok(OwnerView { streams, charges })
        }
        .await,
    )
}

/// `charge` is `run:case:stream`; `verdict` "accept" or "dispute" (with a reason).
#[server(endpoint = "review_charge")]
pub async fn review_charge(
    charge: String,
    verdict: String,
    reason: String,
) -> Result<(), AppError> {
    auth::respond(
        async move {
            let user = auth::require(&[Role::StreamOwner]).await?;
            let mut parts = charge.splitn(3, ':');
            let (Some(Ok(run)), Some(Ok(case)), Some(stream)) = (
                parts.next().map(str::parse::<i64>),
                parts.next().map(str::parse::<i64>),
                parts.next(),
            ) else {
                return Err(AppError::invalid("charge", "Kies een terugboeking."));
            };
            let reason = reason.trim();
            let (status, reason) = match verdict.as_str() {
                "accept" => ("accepted", (!reason.is_empty()).then_some(reason)),
                "dispute" => {
                    if reason.is_empty() || reason.chars().count() > 500 {
                        return Err(AppError::invalid(
                            "reason",
                            "Geef de reden van uw bezwaar (hoogstens 500 tekens).",
                        ));
                    }
                    ("disputed", Some(reason))
                }
                _ => return Err(AppError::invalid("verdict", "Kies akkoord of bezwaar.")),
            };
            if let Some(r) = reason {
                crate::input::free_text("reason", r)?;
            }
            let state = auth::state()?;
            let mut tx = state.pool.begin_with("BEGIN IMMEDIATE").await?;
            // Only a standing charge to one's own stream.
            let owned = db::reviews::owned_streams(&mut tx, user.id).await?;
            if !db::reviews::stands(&mut tx, run, case, stream, &owned).await? {
                return Err(AppError::NotFound(
                    "Deze terugboeking bestaat niet, is gecorrigeerd of hoort niet bij uw stroom."
                        .into(),
                ));
            }
            let now = db::timestamp(auth::now());
            if !db::reviews::review(&mut tx, run, case, stream, status, reason, user.id, &now)
                .await?
            {
                return Err(AppError::Conflict(
                    "Over deze terugboeking is al bezwaar gemaakt of beslist.".into(),
                ));
            }
            auth::audit(
                &mut *tx,
                Some(&user),
                if status == "accepted" {
                    "charge_accepted"
                } else {
                    "charge_disputed"
                },
                "charge",
                Some(format!("{run}:{case}:{stream}")),
                None,
                Some(serde_json::json!({ "reason": reason })),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "disputes")]
pub async fn disputes() -> Result<DisputesView, AppError> {
    auth::respond(
        async move {
            auth::require(&[Role::Backoffice]).await?;
            let mut conn = auth::state()?.pool.acquire().await?;
            Ok(DisputesView {
                disputes: db::reviews::charges(&mut conn, None, true, 500).await?,
                today: auth::today().format("%Y-%m-%d").to_string(),
            })
        }
        .await,
    )
}

/// Resolves a dispute (`dispute` is `id:version`): "override" keeps the
/// charge; "key" reverses the case and gives its next run the
/// responsibility key; "exclude" reverses it and excludes it from runs.
#[server(endpoint = "resolve_dispute")]
pub async fn resolve_dispute(
    dispute: String,
    resolution: String,
    responsibility: String,
    reason: String,
    booking_date: String,
) -> Result<(), AppError> {
    auth::respond(
        async move {
            let user = auth::require(&[Role::Backoffice]).await?;
            let (id, version) = dispute
                .split_once(':')
                .and_then(|(i, v)| Some((i.parse::<i64>().ok()?, v.parse::<i64>().ok()?)))
                .ok_or_else(|| AppError::invalid("dispute", "Kies een bezwaar."))?;
            let reason = crate::input::reason("reason", &reason)?;
            let state = auth::state()?;
            let mut tx = state.pool.begin_with("BEGIN IMMEDIATE").await?;
            let (run, case, stream, status, current) = db::reviews::dispute(&mut tx, id)
                .await?
                .ok_or_else(|| AppError::NotFound("Dit bezwaar bestaat niet.".into()))?;
            if status != "disputed" || current != version {
                return Err(AppError::Conflict(
                    "Over dit bezwaar is intussen beslist. Laad de pagina opnieuw.".into(),
                ));
            }
            let now = db::timestamp(auth::now());
            let key = match resolution.as_str() {
                "override" => None,
                "key" => {
                    let streams = crate::api::runs::stream_configs(&mut tx).await?;
                    let key = crate::api::runs::parse_responsibility(&responsibility, &streams)?;
                    Some(Some(
                        serde_json::to_string(&key).map_err(|_| AppError::Internal)?,
                    ))
                }
                "exclude" => Some(None),
                _ => return Err(AppError::invalid("resolution", "Kies een besluit.")),
            };
            if let Some(key) = &key {
                let date = crate::input::date("booking_date", &booking_date)?;
                crate::api::runs::reverse(&mut tx, run, Some(case), &reason, date, &user).await?;
                db::reviews::set_case_key(
                    &mut tx,
                    case,
                    key.as_deref(),
                    key.is_none(),
                    &reason,
                    &now,
                    user.id,
                )
                .await?;
            }
            if !db::reviews::resolve(&mut tx, id, version, &resolution, &reason, user.id, &now)
                .await?
            {
                return Err(AppError::Conflict(
                    "Over dit bezwaar is intussen beslist. Laad de pagina opnieuw.".into(),
                ));
            }
            auth::audit(
                &mut *tx,
                Some(&user),
                "dispute_resolved",
                "charge",
                Some(format!("{run}:{case}:{stream}")),
                Some(serde_json::json!({ "status": "disputed" })),
                Some(serde_json::json!({ "resolution": resolution, "reason": reason, "key": key })),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

/// A stream owner and the streams they answer for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamOwner {
    pub user_id: i64,
    pub name: String,
    /// `JW, PW`.
    pub streams: String,
}

#[server(endpoint = "stream_owners")]
pub async fn stream_owners() -> Result<Vec<StreamOwner>, AppError> {
    auth::respond(
        async move {
            auth::require(&[Role::Administrator]).await?;
            let mut conn = auth::state()?.pool.acquire().await?;
            Ok(db::reviews::stream_owners(&mut conn)
                .await?
                .into_iter()
                .map(|(user_id, name, streams)| StreamOwner {
                    user_id,
                    name,
                    streams,
                })
                .collect())
        }
        .await,
    )
}

/// Sets the streams of a stream owner (`streams` as `JW, PW`; empty for none).
#[server(endpoint = "set_stream_owner")]
pub async fn set_stream_owner(user_id: i64, streams: String) -> Result<(), AppError> {
    auth::respond(
        async move {
            let user = auth::require(&[Role::Administrator]).await?;
            let state = auth::state()?;
            let mut tx = state.pool.begin_with("BEGIN IMMEDIATE").await?;
            let owners = db::reviews::stream_owners(&mut tx).await?;
            let Some((_, _, before)) = owners.iter().find(|(id, ..)| *id == user_id) else {
                return Err(AppError::invalid(
                    "user_id",
                    "Kies een actieve gebruiker met de rol Budgethouder.",
                ));
            };
            let known = crate::api::runs::stream_configs(&mut tx).await?;
            let mut codes: Vec<String> = Vec::new();
            for code in streams
                .split([',', ';', ' '])
                .map(str::trim)
                .filter(|c| !c.is_empty())
            {
                let code = code.to_uppercase();
                if !known.contains_key(&code) {
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
            db::reviews::set_owned_streams(&mut tx, user_id, &codes).await?;
            auth::audit(
                &mut *tx,
                Some(&user),
                "stream_owner_set",
                "user",
                Some(user_id.to_string()),
                Some(serde_json::json!({ "streams": before })),
                Some(serde_json::json!({ "streams": codes })),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}
