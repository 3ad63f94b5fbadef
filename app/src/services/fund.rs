//! The doorbraakbudget per year (backoffice, and the administrator): budget
//! years with their reservation on the Wmo, fundings and reductions, and
//! closing a year — what is left carried over into the next year's fund or
//! returned to the Wmo budget. The ledger decides; this module checks the
//! form, books, and records the decision behind each booking.

use chrono::Datelike;
use doorbraak::Money;
use doorbraak::ledger::{LedgerError, Operation};

use crate::auth;
use crate::context::{Read, Write};
use crate::db::{self, ledger::BookError};
use crate::error::AppError;
use crate::input;
use crate::model::FundView;

/// A reservation above € 100 million is a typo for any municipality's fund.
fn plausible(field: &str, amount: Money) -> Result<Money, AppError> {
    if amount.cents() > 100_000_000 * 100 {
        return Err(AppError::invalid(
            field,
            "Een bedrag van meer dan € 100.000.000,00 is niet aannemelijk.",
        ));
    }
    Ok(amount)
}

/// A ledger refusal as a message next to the field it is about.
fn refused(field: &str, err: BookError) -> AppError {
    match err {
        BookError::Rule(
            rule @ (LedgerError::InsufficientFunds { .. }
            | LedgerError::CarryOverExceeds { .. }
            | LedgerError::NegativeCarryOver),
        ) => AppError::invalid(field, rule.to_string()),
        other => other.into(),
    }
}

async fn existing_year(w: &mut Write, year: i32) -> Result<(), AppError> {
    if db::budget_years::exists(&mut w.tx, year).await? {
        Ok(())
    } else {
        Err(AppError::NotFound(format!(
            "Het begrotingsjaar {year} bestaat niet."
        )))
    }
}

/// Every budget year, the position of `year` (this year by default), the
/// closings and reductions.
pub async fn overview(r: &mut Read, year: Option<i32>) -> Result<FundView, AppError> {
    let year = input::year("year", year.unwrap_or_else(|| r.time.today.year()))?;
    Ok(FundView {
        years: db::budget_years::years(&mut r.conn).await?,
        position: db::ledger::position(&mut r.conn, year).await?,
        year,
        closings: db::budget_years::closings(&mut r.conn).await?,
        reductions: db::budget_years::reductions(&mut r.conn).await?,
        today: r.time.today,
        token: auth::random_token(),
    })
}

/// Books a funding of the year's fund (a reservation on the Wmo) and raises
/// the recorded reservation; the same form posted twice books once.
async fn book_funding(
    w: &mut Write,
    year: i32,
    amount: Money,
    token: &str,
) -> Result<(), AppError> {
    let token = input::form_token(token)?;
    if amount.is_zero() {
        return Ok(());
    }
    let first_day = chrono::NaiveDate::from_ymd_opt(year, 1, 1).ok_or(AppError::Internal)?;
    let date = w.time.today.max(first_day);
    let key = format!("fund-{year}-{token}");
    db::budget_years::fund(
        &mut w.tx,
        year,
        amount,
        &key,
        date,
        &w.time.at,
        Some(w.user.id),
    )
    .await
    .map_err(|e| refused("amount", e))?;
    w.audit(
        "fund_reserved",
        "budget_year",
        Some(year.to_string()),
        None,
        Some(serde_json::json!({ "amount_cents": amount.cents() })),
    );
    Ok(())
}

/// A new budget year, in cash or accrual mode, with its first reservation.
pub async fn create_budget_year(
    w: &mut Write,
    year: i32,
    reservation: String,
    accrual: Option<String>,
    token: String,
) -> Result<(), AppError> {
    input::year("year", year)?;
    let amount = plausible("reservation", input::amount("reservation", &reservation)?)?;
    let now = w.time.at.clone();
    if !db::budget_years::create_year(&mut w.tx, year, accrual.is_some(), &now).await? {
        return Err(AppError::invalid(
            "year",
            format!("Het begrotingsjaar {year} bestaat al."),
        ));
    }
    w.audit(
        "budget_year_created",
        "budget_year",
        Some(year.to_string()),
        None,
        Some(serde_json::json!({ "accrual": accrual.is_some() })),
    );
    book_funding(w, year, amount, &token).await
}

/// Reserves more for a year's fund. The same form posted twice books once.
pub async fn raise_reservation(
    w: &mut Write,
    year: i32,
    amount: String,
    token: String,
) -> Result<(), AppError> {
    let amount = plausible("amount", input::amount("amount", &amount)?)?;
    if amount.is_zero() {
        return Err(AppError::invalid(
            "amount",
            "Vul een bedrag boven € 0,00 in.",
        ));
    }
    existing_year(w, year).await?;
    book_funding(w, year, amount, &token).await
}

/// Reserves less for a year's fund, as far as its available amount allows:
/// the amount returns to the Wmo budget. The same form posted twice books once.
pub async fn reduce_funding(
    w: &mut Write,
    year: i32,
    amount: String,
    reason: String,
    token: String,
) -> Result<(), AppError> {
    let amount = input::amount("amount", &amount)?;
    if amount.is_zero() {
        return Err(AppError::invalid(
            "amount",
            "Vul een bedrag boven € 0,00 in.",
        ));
    }
    let reason = input::reason("reason", &reason)?;
    let token = input::form_token(&token)?;
    existing_year(w, year).await?;
    let op = Operation::ReduceFunding {
        year,
        amount,
        date: w.time.today,
    };
    let now = w.time.at.clone();
    let receipt = db::ledger::execute(
        &mut w.tx,
        &format!("reduce-{year}-{token}"),
        op,
        &now,
        Some(w.user.id),
    )
    .await
    .map_err(|e| refused("amount", e))?;
    if receipt.replayed {
        return Ok(());
    }
    let tx = receipt
        .tx
        .and_then(|t| i64::try_from(t.0).ok())
        .ok_or(AppError::Internal)?;
    db::budget_years::insert_reduction(&mut w.tx, tx, year, amount, &reason, &now, w.user.id)
        .await?;
    w.audit(
        "fund_reduced",
        "budget_year",
        Some(year.to_string()),
        None,
        Some(serde_json::json!({ "amount_cents": amount.cents(), "reason": reason })),
    );
    Ok(())
}

/// Closes a year: `carry_over` of its available amount moves into the next
/// year's fund (overheveling), the rest returns to the Wmo budget; with the
/// reference to the decision and a reason. Holds still open stay valid.
pub async fn close_year(
    w: &mut Write,
    year: i32,
    carry_over: String,
    decision: String,
    reason: String,
    token: String,
) -> Result<(), AppError> {
    input::year("year", year)?;
    let carry_over = input::amount("carry_over", &carry_over)?;
    let decision = input::text("decision", &decision, 100, "het kenmerk van het besluit")?;
    let reason = input::reason("reason", &reason)?;
    let token = input::form_token(&token)?;
    existing_year(w, year).await?;
    let position = db::ledger::position(&mut w.tx, year).await?;
    if position.closed {
        return Err(AppError::Conflict(
            LedgerError::AlreadyClosed(year).to_string(),
        ));
    }
    let available = position.available;
    let now = w.time.at.clone();
    let next = year + 1;
    if carry_over.is_positive()
        && db::budget_years::create_year(&mut w.tx, next, false, &now).await?
    {
        w.audit(
            "budget_year_created",
            "budget_year",
            Some(next.to_string()),
            None,
            Some(serde_json::json!({ "accrual": false, "for_carry_over_from": year })),
        );
    }
    let op = Operation::CloseYear {
        year,
        carry_over,
        date: w.time.today,
    };
    let receipt = db::ledger::execute(
        &mut w.tx,
        &format!("close-{year}-{token}"),
        op,
        &now,
        Some(w.user.id),
    )
    .await
    .map_err(|e| refused("carry_over", e))?;
    let tx = receipt.tx.and_then(|t| i64::try_from(t.0).ok());
    let returned = available
        .checked_sub(carry_over)
        .map_err(|_| AppError::Internal)?;
    db::budget_years::insert_closing(
        &mut w.tx,
        year,
        carry_over,
        returned,
        &decision,
        &reason,
        w.time.today,
        tx,
        &now,
        w.user.id,
    )
    .await?;
    w.audit(
        "budget_year_closed",
        "budget_year",
        Some(year.to_string()),
        None,
        Some(serde_json::json!({
            "carried_over_cents": carry_over.cents(),
            "returned_cents": returned.cents(),
            "decision": decision,
            "reason": reason,
        })),
    );
    Ok(())
}
