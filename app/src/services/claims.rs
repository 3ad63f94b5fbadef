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
use crate::model::{ClaimRow, ClaimsView, INVOICE_LIMIT, InvoiceRow};

fn stale() -> AppError {
    AppError::Conflict("Deze vordering is intussen gewijzigd. Laad de pagina opnieuw.".to_string())
}

/// Claims with a status (`""` for the ones that need work, `alle` for all);
/// with `payer`, that payer's open claims to invoice.
pub async fn list(r: &mut Read, status: &str, payer: &str) -> Result<ClaimsView, AppError> {
    let statuses: Vec<ClaimStatus> = match status {
        "" => ClaimStatus::PENDING.to_vec(),
        "alle" => Vec::new(),
        code => vec![
            ClaimStatus::from_code(code)
                .ok_or_else(|| AppError::invalid("status", "Onbekende status."))?,
        ],
    };
    let payers = db::claims::open_by_payer(&mut r.conn).await?;
    let asked = payer.trim();
    let payer = payers
        .iter()
        .map(|(s, ..)| *s)
        .find(|s| s.as_str().eq_ignore_ascii_case(asked));
    // After the last open claims of a payer are invoiced, its address says so.
    let payer_note = (!asked.is_empty() && payer.is_none())
        .then(|| format!("Er zijn geen open vorderingen (meer) op {asked}."));
    let to_invoice = match payer {
        Some(p) => db::claims::open_of_payer(&mut r.conn, p, INVOICE_LIMIT as i64).await?,
        None => Vec::new(),
    };
    let claims = db::claims::list(&mut r.conn, &statuses, 500).await?;
    r.opened_cases(claims.iter().chain(&to_invoice).map(|k| k.case_id));
    Ok(ClaimsView {
        claims,
        today: r.time.today,
        payers,
        payer,
        payer_note,
        to_invoice,
        invoices: db::claims::invoices(&mut r.conn, None, 50).await?,
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

/// open → invoiced, with the invoice's number and date: one claim on an
/// invoice of its own.
pub async fn invoice(
    w: &mut Write,
    claim: &str,
    invoice_number: &str,
    invoice_date: &str,
) -> Result<(), AppError> {
    invoice_many(w, &[claim.to_string()], invoice_number, invoice_date)
        .await
        .map(|_| ())
}

/// Invoices a selection of open claims (`id:version` each) of one payer as
/// one invoice (*verzamelfactuur*): one number and date. All or nothing; the
/// same form sent twice is answered as done. Answers with the invoice's id.
pub async fn invoice_many(
    w: &mut Write,
    claims: &[String],
    invoice_number: &str,
    invoice_date: &str,
) -> Result<i64, AppError> {
    if claims.is_empty() {
        return Err(AppError::invalid(
            "claims",
            "Kies minstens één open vordering.",
        ));
    }
    if claims.len() > INVOICE_LIMIT {
        return Err(AppError::invalid(
            "claims",
            format!("Een verzamelfactuur heeft hoogstens {INVOICE_LIMIT} vorderingen."),
        ));
    }
    let number = input::text("invoice_number", invoice_number, 50, "een factuurnummer")?;
    let date = input::date("invoice_date", invoice_date, w.time.today)?;
    let mut selected: Vec<(ClaimRow, i64, bool)> = Vec::with_capacity(claims.len());
    for claim in claims {
        let loaded = load(w, claim, ClaimAction::Invoice).await?;
        if selected.iter().any(|(k, ..)| k.id == loaded.0.id) {
            continue;
        }
        selected.push(loaded);
    }
    let payer = selected[0].0.stream;
    if let Some((other, ..)) = selected.iter().find(|(k, ..)| k.stream != payer) {
        return Err(AppError::invalid(
            "claims",
            format!(
                "Een verzamelfactuur is voor één betaler: vordering V{} is op {}, de andere op {payer}. Er is niets vastgelegd.",
                other.id, other.stream
            ),
        ));
    }
    // The same form again: every claim is already on this invoice (its
    // number is unique, so one number is one invoice).
    if let Some(id) = selected[0].0.invoice_id
        && selected.iter().all(|(k, _, repeated)| {
            *repeated && k.invoice_number.as_deref() == Some(number.as_str())
        })
    {
        return Ok(id);
    }
    if db::claims::invoice_number_used(&mut w.tx, &number).await? {
        return Err(AppError::invalid(
            "invoice_number",
            format!("Factuurnummer {number} is al gebruikt. Er is niets vastgelegd."),
        ));
    }
    for (k, ..) in &selected {
        k.status.apply(ClaimAction::Invoice).map_err(|e| {
            AppError::Conflict(format!("Vordering V{}: {e} Er is niets vastgelegd.", k.id))
        })?;
    }
    let invoice =
        db::claims::insert_invoice(&mut w.tx, &number, payer, date, &w.time.at, w.user.id).await?;
    for (k, version, _) in &selected {
        if !db::claims::invoice(&mut w.tx, k.id, *version, invoice).await? {
            return Err(stale());
        }
    }
    let total = doorbraak::Money::sum(selected.iter().map(|(k, ..)| k.amount))
        .map_err(|_| AppError::Internal)?;
    w.audit(
        "claims_invoiced",
        "invoice",
        Some(invoice.to_string()),
        None,
        Some(serde_json::json!({
            "number": number,
            "date": date.to_string(),
            "payer": payer.as_str(),
            "claims": selected.iter().map(|(k, ..)| k.id).collect::<Vec<_>>(),
            "total": total.to_string(),
        })),
    );
    Ok(invoice)
}

/// An invoice with its claims, for its specification.
pub async fn specification(
    conn: &mut sqlx::SqliteConnection,
    invoice: i64,
) -> Result<(InvoiceRow, Vec<ClaimRow>), AppError> {
    let row = db::claims::invoices(conn, Some(invoice), 1)
        .await?
        .pop()
        .ok_or_else(|| AppError::NotFound("Deze factuur bestaat niet.".into()))?;
    Ok((row, db::claims::of_invoice(conn, invoice).await?))
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
