//! Reviews of charges by stream owners and the backoffice's resolution of
//! disputes: thin server functions over `services::reviews`.

use leptos::prelude::*;

use crate::error::AppError;
pub use crate::model::{DisputesView, EvidenceView, OwnerView, StreamOwner};

#[cfg(feature = "ssr")]
use crate::{context, services::reviews};
#[cfg(feature = "ssr")]
use doorbraak::Role;

/// The standing charges to the streams the user owns that the filter
/// selects (`status` "" for those still to review), newest run first.
#[server(endpoint = "my_charges")]
pub async fn my_charges(
    #[server(default)] run: String,
    #[server(default)] stream: String,
    #[server(default)] status: String,
) -> Result<OwnerView, AppError> {
    context::read(&[Role::StreamOwner], async |r| {
        reviews::my_charges(r, &run, &stream, &status).await
    })
    .await
}

/// A charge's evidence (`charge` is `run:case:stream`) for its stream owner.
#[server(endpoint = "charge_evidence")]
pub async fn charge_evidence(charge: String) -> Result<EvidenceView, AppError> {
    context::read(&[Role::StreamOwner], async |r| {
        reviews::evidence(r, &charge).await
    })
    .await
}

/// `charge` is `run:case:stream`; `verdict` "accept" or "dispute" (with a
/// reason). Answers with what was recorded.
#[server(endpoint = "review_charge")]
pub async fn review_charge(
    charge: String,
    verdict: String,
    #[server(default)] reason: String,
) -> Result<String, AppError> {
    context::write(&[Role::StreamOwner], async |w| {
        reviews::review(w, &charge, &verdict, &reason).await
    })
    .await
}

/// Accepts every charge of a selection (`charges[]`, each `run:case:stream`)
/// at once, or none. Answers with what was recorded.
#[server(endpoint = "accept_charges")]
pub async fn accept_charges(#[server(default)] charges: Vec<String>) -> Result<String, AppError> {
    context::write(&[Role::StreamOwner], async |w| {
        reviews::accept_all(w, &charges).await
    })
    .await
}

#[server(endpoint = "disputes")]
pub async fn disputes() -> Result<DisputesView, AppError> {
    context::read(&[Role::Backoffice], async |r| reviews::disputes(r).await).await
}

/// Resolves a dispute (`dispute` is `id:version`): "override", "key" or "exclude".
#[server(endpoint = "resolve_dispute")]
pub async fn resolve_dispute(
    dispute: String,
    resolution: String,
    responsibility: String,
    reason: String,
    booking_date: String,
) -> Result<(), AppError> {
    context::write(&[Role::Backoffice], async |w| {
        let form = reviews::ResolutionForm {
            dispute: &dispute,
            resolution: &resolution,
            responsibility: &responsibility,
            reason: &reason,
            booking_date: &booking_date,
        };
        reviews::resolve(w, form).await
    })
    .await
}

#[server(endpoint = "stream_owners")]
pub async fn stream_owners() -> Result<Vec<StreamOwner>, AppError> {
    context::read(&[Role::Administrator], async |r| {
        reviews::stream_owners(r).await
    })
    .await
}

/// Sets the streams of a stream owner (`streams` as `JW, PW`; empty for none).
#[server(endpoint = "set_stream_owner")]
pub async fn set_stream_owner(user_id: i64, streams: String) -> Result<(), AppError> {
    context::write(&[Role::Administrator], async |w| {
        reviews::set_stream_owner(w, user_id, &streams).await
    })
    .await
}
