//! Accrual years (as in Maatpact Tilburg): the backoffice pre-books the
//! expected savings per stream into the fund at the start of the year; at
//! year end the true-up books realised − pre-booked per stream, either way.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use doorbraak::ledger::Operation;
use doorbraak::stream::StreamKind;
use doorbraak::{Money, StreamCode};
use sqlx::SqliteConnection;

use crate::context::{Read, Write};
use crate::db;
use crate::error::AppError;
use crate::input;
use crate::model::{AccrualLine, AccrualView};

type ByStream = BTreeMap<StreamCode, Money>;

fn by_stream(rows: Vec<(String, i64)>) -> Result<ByStream, AppError> {
    rows.into_iter()
        .map(|(s, c)| {
            Ok((
                db::decode::stream("ledger_postings", 0, &s)?,
                db::decode::money("ledger_postings", 0, c)?,
            ))
        })
        .collect()
}

struct Figures {
    prebooked: ByStream,
    realised: ByStream,
    trued_up: ByStream,
}

async fn figures(conn: &mut SqliteConnection, year: i32) -> Result<Figures, AppError> {
    Ok(Figures {
        prebooked: by_stream(db::accrual::booked(conn, "prebook", year).await?)?,
        realised: by_stream(db::accrual::realised(conn, year).await?)?,
        trued_up: by_stream(db::accrual::booked(conn, "true_up", year).await?)?,
    })
}

/// Pre-booked, realised and trued up per stream in a year (this year when none).
pub async fn year(r: &mut Read, year: Option<i32>) -> Result<AccrualView, AppError> {
    let year = year.unwrap_or_else(|| r.time.today.year());
    let conn = &mut *r.conn;
    let accrual = db::accrual::is_accrual(conn, year).await?;
    let f = figures(conn, year).await?;
    let streams: BTreeSet<StreamCode> = f
        .prebooked
        .keys()
        .chain(f.realised.keys())
        .chain(f.trued_up.keys())
        .copied()
        .collect();
    let get = |m: &ByStream, s| m.get(s).copied().unwrap_or(Money::ZERO);
    let lines = streams
        .iter()
        .map(|s| {
            let (pre, real, up) = (
                get(&f.prebooked, s),
                get(&f.realised, s),
                get(&f.trued_up, s),
            );
            let open = real
                .checked_sub(pre)
                .and_then(|v| v.checked_sub(up))
                .map_err(|_| AppError::Internal)?;
            Ok(AccrualLine {
                stream: *s,
                prebooked: pre,
                realised: real,
                trued_up: up,
                open,
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(AccrualView {
        year,
        accrual,
        lines,
        trued_up: db::accrual::trued_up_years(conn).await?.contains(&year),
        today: r.time.today,
    })
}

/// Pre-bookings and true-ups with their idempotency keys: one of each per stream and year.
fn keyed(year: i32, ops: Vec<Operation>) -> Vec<(String, Operation)> {
    ops.into_iter()
        .map(|op| {
            let key = match op {
                Operation::Prebook { stream, .. } => format!("prebook-{year}-{stream}"),
                Operation::TrueUp { stream, .. } => format!("trueup-{year}-{stream}"),
                other => format!("accrual-{year}-{other:?}"),
            };
            (key, op)
        })
        .collect()
}

async fn accrual_year_or_refuse(conn: &mut SqliteConnection, year: i32) -> Result<(), AppError> {
    match db::accrual::is_accrual(conn, year).await? {
        None => Err(AppError::invalid(
            "year",
            format!("Het begrotingsjaar {year} bestaat niet."),
        )),
        Some(false) => Err(AppError::invalid(
            "year",
            format!(
                "{year} loopt op kasbasis: vooraf boeken en afrekenen horen bij een jaar op transactiebasis."
            ),
        )),
        Some(true) => Ok(()),
    }
}

/// A booking date inside `year`.
fn date_in(year: i32, date: &str, today: NaiveDate) -> Result<NaiveDate, AppError> {
    let day = input::date("date", date, today)?;
    if day.year() != year {
        return Err(AppError::invalid(
            "date",
            format!("De boekdatum ligt niet in {year}."),
        ));
    }
    Ok(day)
}

/// `PW 10.000; JW 5.000,50` → the amount per active internal stream.
fn expected_amounts(
    amounts: &str,
    known: &doorbraak::stream::StreamRegistry,
) -> Result<ByStream, AppError> {
    let bad = |m: String| AppError::invalid("amounts", m);
    let mut expected = ByStream::new();
    for part in amounts.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (code, amount) = part.split_once(char::is_whitespace).ok_or_else(|| {
            bad("Schrijf per stroom code en bedrag, bijvoorbeeld: PW 10.000; JW 5.000".into())
        })?;
        let code = code.trim().to_uppercase();
        let stream = StreamCode::new(&code)
            .ok()
            .and_then(|c| known.get_active(c).ok())
            .filter(|s| s.kind == StreamKind::Internal)
            .map(|s| s.code)
            .ok_or_else(|| {
                bad(format!(
                    "{code} is geen actieve interne financieringsstroom."
                ))
            })?;
        let money = Money::parse(amount.trim()).map_err(|e| bad(format!("{code}: {e}")))?;
        if money > Money::from_euros(100_000_000).map_err(|_| AppError::Internal)? {
            return Err(bad(format!(
                "{code}: meer dan € 100 miljoen is niet aannemelijk."
            )));
        }
        if expected.insert(stream, money).is_some() {
            return Err(bad(format!("{code} staat er twee keer in.")));
        }
    }
    if expected.is_empty() {
        return Err(bad("Vul ten minste één stroom met een bedrag in.".into()));
    }
    Ok(expected)
}

/// Pre-books the expected savings (`amounts` as `PW 10.000; JW 5.000,50`) on
/// `date` in `year`. Each stream once a year.
pub async fn prebook(w: &mut Write, year: i32, amounts: &str, date: &str) -> Result<(), AppError> {
    let day = date_in(year, date, w.time.today)?;
    accrual_year_or_refuse(&mut w.tx, year).await?;
    let known = db::streams::registry(&mut w.tx).await?;
    let expected = expected_amounts(amounts, &known)?;
    let ops = doorbraak::accrual::prebook(year, day, known.reservation(), &expected)
        .map_err(|e| AppError::invalid("amounts", e.to_string()))?;
    let already = by_stream(db::accrual::booked(&mut w.tx, "prebook", year).await?)?;
    if let Some(s) = expected.keys().find(|s| already.contains_key(s)) {
        return Err(AppError::invalid(
            "amounts",
            format!("Voor {s} is in {year} al vooraf geboekt."),
        ));
    }
    db::ledger::execute_all(&mut w.tx, &keyed(year, ops), &w.time.at, Some(w.user.id)).await?;
    let after: BTreeMap<String, i64> = expected
        .iter()
        .map(|(s, m)| (s.to_string(), m.cents()))
        .collect();
    w.audit(
        "accrual_prebooked",
        "budget_year",
        Some(year.to_string()),
        None,
        Some(serde_json::json!(after)),
    );
    Ok(())
}

/// The year-end true-up: per stream realised − pre-booked, booked either way,
/// on a date in the year or after it (the money counts in the year of that
/// date). Once a year; a chargeback posted for the year afterwards is trued
/// up by its own posting.
pub async fn true_up(w: &mut Write, year: i32, date: &str) -> Result<(), AppError> {
    let day = input::date("date", date, w.time.today)?;
    if day.year() < year {
        return Err(AppError::invalid(
            "date",
            format!("De afrekening van {year} ligt niet vóór {year}."),
        ));
    }
    accrual_year_or_refuse(&mut w.tx, year).await?;
    if !db::accrual::record_true_up(&mut w.tx, year, day, &w.time.at, w.user.id).await? {
        return Err(AppError::Conflict(format!("{year} is al afgerekend.")));
    }
    let f = figures(&mut w.tx, year).await?;
    let lines = doorbraak::accrual::true_up(&f.prebooked, &f.realised)
        .map_err(|e| AppError::Conflict(e.to_string()))?;
    let ops = keyed(
        year,
        doorbraak::accrual::true_up_operations(year, day, &lines),
    );
    // Even on every stream, the year is still trued up, with nothing to book.
    if !ops.is_empty() {
        db::ledger::execute_all(&mut w.tx, &ops, &w.time.at, Some(w.user.id)).await?;
    }
    let after: BTreeMap<String, i64> = lines
        .iter()
        .map(|l| (l.stream.to_string(), l.difference.cents()))
        .collect();
    w.audit(
        "accrual_trued_up",
        "budget_year",
        Some(year.to_string()),
        None,
        Some(serde_json::json!(after)),
    );
    Ok(())
}
