//! Agreements (convenanten) with external payers (administrator): versions
//! per stream with a period, the payer's share, an optional yearly cap and
//! the agreement's reference. The core checks a version against the others
//! and against its use; a used version only ever gets an end date.

use doorbraak::agreement::{Agreement, AgreementError, check_version, in_force};
use doorbraak::stream::StreamKind;
use doorbraak::{Money, Percentage, StreamCode};

use crate::context::{Read, Write};
use crate::db;
use crate::error::AppError;
use crate::input;
use crate::model::{AgreementForm, AgreementRow, AgreementsView};

pub async fn overview(r: &mut Read) -> Result<AgreementsView, AppError> {
    let registry = db::streams::registry(&mut r.conn).await?;
    let stored = db::agreements::all(&mut r.conn).await?;
    let all: Vec<Agreement> = stored.iter().map(|(a, _)| a.clone()).collect();
    let today = r.time.today;
    let used = db::agreements::last_used(&mut r.conn).await?;
    let versions = stored
        .into_iter()
        .map(|(agreement, row_version)| AgreementRow {
            used_until: used.get(&agreement.id).copied(),
            in_force_today: in_force(&all, agreement.stream, today)
                .is_some_and(|a| a.id == agreement.id),
            agreement,
            row_version,
        })
        .collect();
    Ok(AgreementsView {
        streams: registry
            .active()
            .filter(|s| s.kind == StreamKind::External)
            .map(|s| (s.code.to_string(), s.name.clone()))
            .collect(),
        versions,
        today,
    })
}

/// Which form field a rule of the core is about.
fn field_of(e: &AgreementError) -> &'static str {
    match e {
        AgreementError::Period | AgreementError::EndsBeforeUse { .. } => "valid_to",
        AgreementError::ZeroShare => "share",
        AgreementError::NegativeCap => "cap",
        AgreementError::Reference => "reference",
        AgreementError::NotExternal => "stream",
        AgreementError::Overlap { .. } => "valid_from",
        AgreementError::Used { .. } => "id",
    }
}

fn rule(e: AgreementError) -> AppError {
    AppError::invalid(field_of(&e), e.to_string())
}

/// The version the form describes (id and version number still to be set).
fn parse(
    form: &AgreementForm,
    stream: StreamCode,
    today: chrono::NaiveDate,
) -> Result<Agreement, AppError> {
    let valid_from = input::date("valid_from", &form.valid_from, today)?;
    let valid_to = match form.valid_to.trim() {
        "" => None,
        to => Some(input::date("valid_to", to, today)?),
    };
    let payer_share = match form.share.trim() {
        "" => Percentage::HUNDRED,
        share => Percentage::parse(share).map_err(|e| AppError::invalid("share", e.to_string()))?,
    };
    let yearly_cap = match form.cap.trim() {
        "" => None,
        cap => Some(Money::parse(cap).map_err(|e| AppError::invalid("cap", e.to_string()))?),
    };
    let reference = form.reference.trim().to_string();
    input::free_text("reference", &reference)?;
    Ok(Agreement {
        id: form.id.unwrap_or(0),
        stream,
        version: 0,
        valid_from,
        valid_to,
        payer_share,
        yearly_cap,
        reference,
    })
}

/// Adds a version (no `id`) or changes one. Answers with its id.
pub async fn save(w: &mut Write, form: AgreementForm) -> Result<i64, AppError> {
    let all = db::agreements::all(&mut w.tx).await?;
    let others: Vec<Agreement> = all.iter().map(|(a, _)| a.clone()).collect();
    match form.id {
        None => {
            let registry = db::streams::registry(&mut w.tx).await?;
            let stream = StreamCode::new(&form.stream)
                .ok()
                .and_then(|c| registry.get_active(c).ok())
                .ok_or_else(|| {
                    AppError::invalid("stream", "Kies een externe financieringsstroom.")
                })?;
            if stream.kind != StreamKind::External {
                return Err(rule(AgreementError::NotExternal));
            }
            let mut candidate = parse(&form, stream.code, w.time.today)?;
            let next = db::agreements::next_version(&mut w.tx, stream.code.as_str()).await?;
            candidate.version = u32::try_from(next).map_err(|_| AppError::Internal)?;
            check_version(&candidate, None, None, &others).map_err(rule)?;
            let id =
                db::agreements::insert(&mut w.tx, &candidate, &w.time.at, Some(w.user.id)).await?;
            w.audit(
                "agreement_created",
                "agreement",
                Some(id.to_string()),
                None,
                Some(serde_json::json!(candidate)),
            );
            Ok(id)
        }
        Some(id) => {
            let (stored, row_version) = all
                .iter()
                .find(|(a, _)| a.id == id)
                .cloned()
                .ok_or_else(|| AppError::NotFound("Dit convenant bestaat niet.".to_string()))?;
            if form.row_version != Some(row_version) {
                return Err(AppError::Conflict(
                    "Iemand anders heeft dit convenant intussen gewijzigd. Laad de pagina opnieuw."
                        .to_string(),
                ));
            }
            let mut candidate = parse(&form, stored.stream, w.time.today)?;
            candidate.version = stored.version;
            let used_until = db::agreements::last_used(&mut w.tx)
                .await?
                .get(&id)
                .copied();
            check_version(&candidate, Some(&stored), used_until, &others).map_err(rule)?;
            if !db::agreements::update(&mut w.tx, &candidate, row_version).await? {
                return Err(AppError::Conflict(
                    "Iemand anders heeft dit convenant intussen gewijzigd. Laad de pagina opnieuw."
                        .to_string(),
                ));
            }
            w.audit(
                "agreement_changed",
                "agreement",
                Some(id.to_string()),
                Some(serde_json::json!(stored)),
                Some(serde_json::json!(candidate)),
            );
            Ok(id)
        }
    }
}
