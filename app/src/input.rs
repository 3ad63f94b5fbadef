//! Form input as server functions receive it: dates, page numbers, versions
//! and free texts, each checked once here with a Dutch message for the field
//! it came from. Bad input never reaches a query, a booking or a panic.

use chrono::NaiveDate;
use doorbraak::dates::{self, DateWindow};

use crate::error::AppError;

/// The highest page number a list accepts (far beyond any real list).
pub const MAX_PAGE: i64 = 100_000;

/// A date typed as `jjjj-mm-dd` or `dd-mm-jjjj`, between ten years back and
/// one year ahead of `today` (the request's).
pub fn date(field: &str, value: &str, today: NaiveDate) -> Result<NaiveDate, AppError> {
    dates::parse_within(value, DateWindow::around(today))
        .map_err(|e| AppError::invalid(field, e.to_string()))
}

/// A row chosen in a form with the version it was shown at: `id:version`.
pub fn reference(field: &str, value: &str, what: &str) -> Result<(i64, i64), AppError> {
    value
        .split_once(':')
        .and_then(|(id, version)| Some((id.trim().parse().ok()?, version.trim().parse().ok()?)))
        .ok_or_else(|| AppError::invalid(field, format!("Kies {what}.")))
}

/// An optional id: empty is none.
pub fn optional_id(field: &str, value: &str, what: &str) -> Result<Option<i64>, AppError> {
    match value.trim() {
        "" => Ok(None),
        id => id
            .parse()
            .map(Some)
            .map_err(|_| AppError::invalid(field, format!("Onbekende {what}."))),
    }
}

/// An amount of at least € 0,00, with the core's message for a malformed one.
pub fn amount(field: &str, value: &str) -> Result<doorbraak::Money, AppError> {
    let amount =
        doorbraak::Money::parse(value).map_err(|e| AppError::invalid(field, e.to_string()))?;
    if amount.is_negative() {
        return Err(AppError::invalid(
            field,
            "Een bedrag kan niet negatief zijn.",
        ));
    }
    Ok(amount)
}

/// A budget year between 2000 and 2200.
pub fn year(field: &str, year: i32) -> Result<i32, AppError> {
    if (2000..=2200).contains(&year) {
        Ok(year)
    } else {
        Err(AppError::invalid(
            field,
            "Kies een jaar tussen 2000 en 2200.",
        ))
    }
}

/// A token a form carries so that posting it twice books once.
pub fn form_token(token: &str) -> Result<&str, AppError> {
    if (16..=128).contains(&token.len()) {
        Ok(token)
    } else {
        Err(AppError::invalid(
            "token",
            "Het formulier is verlopen. Laad de pagina opnieuw.",
        ))
    }
}

/// A page number of a list: 0 up to [`MAX_PAGE`].
pub fn page(value: i64) -> Result<i64, AppError> {
    if (0..=MAX_PAGE).contains(&value) {
        Ok(value)
    } else {
        Err(AppError::invalid("page", "Deze pagina bestaat niet."))
    }
}

/// The version a row has after one change of the version a form was
/// loaded with; an impossible version is a stale form.
pub fn next_version(version: i64) -> Result<i64, AppError> {
    version
        .checked_add(1)
        .filter(|_| version >= 0)
        .ok_or_else(|| {
            AppError::Conflict("Het formulier is verlopen. Laad de pagina opnieuw.".to_string())
        })
}

/// A required free text of at most `max` characters without a BSN-like
/// number; returned trimmed. `what` names it in the message ("de ontvanger").
pub fn text(field: &str, value: &str, max: usize, what: &str) -> Result<String, AppError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("Vul {what} in (hoogstens {max} tekens)."),
        ));
    }
    free_text(field, value)?;
    Ok(value.to_string())
}

/// An optional free text (a note, a justification) of at most `max`
/// characters without a BSN-like number; returned trimmed.
pub fn note(field: &str, value: &str, max: usize) -> Result<String, AppError> {
    let value = value.trim();
    if value.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("De tekst is te lang (hoogstens {max} tekens)."),
        ));
    }
    free_text(field, value)?;
    Ok(value.to_string())
}

/// A decision's reason: required, at most 500 characters, no BSN.
pub fn reason(field: &str, value: &str) -> Result<String, AppError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > 500 {
        return Err(AppError::invalid(
            field,
            "Geef een reden (hoogstens 500 tekens).",
        ));
    }
    free_text(field, value)?;
    Ok(value.to_string())
}

/// Refuses what no typed text holds: control characters (other than line
/// breaks and tabs) and BSN-like numbers.
pub fn free_text(field: &str, value: &str) -> Result<(), AppError> {
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(AppError::invalid(
            field,
            "De tekst bevat een teken dat niet getypt kan worden (een stuurteken).",
        ));
    }
    doorbraak::bsn::ensure_no_bsn(value).map_err(|e| AppError::invalid(field, e.to_string()))
}
