//! Claims on external payers (backoffice): invoiced, then paid (the fund is
//! credited) or refused (the amount stays on the Wmo as residual). The core
//! decides each move; a repeated form is answered as done.

use doorbraak::StreamCode;
use doorbraak::claim::{ClaimAction, ClaimStatus};
use doorbraak::ledger::Operation;

use crate::context::{Read, Write};
use crate::db;
use crate::error::AppError;
use crate::input;
use crate::model::{ClaimRow, ClaimsView};

fn stale() -> AppError {
    AppError::Conflict("Deze vordering is intussen gewijzigd. Laad de pagina opnieuw.".to_string())
}

/// Claims with a status (`""` for the ones that need work, `alle` for all).
pub async fn list(r: &mut Read, status: &str) -> Result<ClaimsView, AppError> {
    let statuses: Vec<ClaimStatus> = match status {
        "" => ClaimStatus::PENDING.to_vec(),
        "alle" => Vec::new(),
        code => vec![
            ClaimStatus::from_code(code)
                .ok_or_else(|| AppError::invalid("status", "Onbekende status."))?,
        ],
    };
    Ok(ClaimsView {
        claims: db::claims::list(&mut r.conn, &statuses, 500).await?,
        today: r.time.today,
    })
}

/// The claim a form names at the version it showed, and whether the form's
/// action already happened (a double submit).
async fn load(
    w: &mut Write,
    claim: &str,
    action: ClaimAction,
) -> Result<(ClaimRow, i64, bool), AppError> {
    let (id, version) = input::reference("claim_id", claim, "een vordering")?;
    let next = input::next_version(version)?;
    let claim = db::claims::get(&mut w.tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound("Deze vordering bestaat niet.".into()))?;
    let repeated = claim.version == next && claim.status.is_result_of(action);
    Ok((claim, version, repeated))
}

/// open → invoiced, with the invoice's number and date.
pub async fn invoice(
    w: &mut Write,
    claim: &str,
    invoice_number: &str,
    invoice_date: &str,
) -> Result<(), AppError> {
    let number = input::text("invoice_number", invoice_number, 50, "een factuurnummer")?;
    let date = input::date("invoice_date", invoice_date, w.time.today)?;
    let (claim, version, repeated) = load(w, claim, ClaimAction::Invoice).await?;
    if repeated && claim.invoice_number.as_deref() == Some(number.as_str()) {
        return Ok(());
    }
    let next = claim
        .status
        .apply(ClaimAction::Invoice)
        .map_err(|e| AppError::Conflict(e.to_string()))?;
    if db::claims::invoice_number_used(&mut w.tx, &number).await? {
        return Err(AppError::invalid(
            "invoice_number",
            format!("Factuurnummer {number} is al gebruikt voor een andere vordering."),
        ));
    }
    if !db::claims::invoice(&mut w.tx, claim.id, version, &number, date).await? {
        return Err(stale());
    }
    w.audit(
        "claim_invoiced",
        "claim",
        Some(claim.id.to_string()),
        Some(serde_json::json!({ "status": claim.status.code() })),
        Some(serde_json::json!({ "status": next.code(), "number": number, "date": date.to_string() })),
    );
    Ok(())
}

/// invoiced → paid (the fund is credited) or refused (a reason is required).
pub async fn close(
    w: &mut Write,
    claim: &str,
    outcome: &str,
    date: &str,
    reason: &str,
) -> Result<(), AppError> {
    let action = match outcome {
        "paid" => ClaimAction::Pay,
        "refused" => ClaimAction::Refuse,
        _ => return Err(AppError::invalid("outcome", "Kies betaald of geweigerd.")),
    };
    let day = input::date("date", date, w.time.today)?;
    let reason = match action {
        ClaimAction::Refuse => Some(input::reason("reason", reason)?),
        _ => None,
    };
    let (claim, version, repeated) = load(w, claim, action).await?;
    if repeated {
        return Ok(());
    }
    let next = claim
        .status
        .apply(action)
        .map_err(|e| AppError::Conflict(e.to_string()))?;
    let stream: StreamCode = claim.stream;
    let op = match action {
        ClaimAction::Pay => Operation::Receive {
            case: claim.case_id,
            stream,
            date: day,
        },
        _ => Operation::Refuse {
            case: claim.case_id,
            stream,
            date: day,
        },
    };
    let key = format!("claim-{}-{}", claim.id, next.code());
    db::ledger::execute(&mut w.tx, &key, op, &w.time.at, Some(w.user.id)).await?;
    if !db::claims::close(
        &mut w.tx,
        claim.id,
        version,
        claim.status,
        next,
        day,
        reason.as_deref(),
    )
    .await?
    {
        return Err(stale());
    }
    w.audit(
        if action == ClaimAction::Pay {
            "claim_paid"
        } else {
            "claim_refused"
        },
        "claim",
        Some(claim.id.to_string()),
        Some(serde_json::json!({ "status": claim.status.code() })),
        Some(
            serde_json::json!({ "status": next.code(), "date": day.to_string(), "reason": reason }),
        ),
    );
    Ok(())
}
