//! Accrual years (as in Maatpact Tilburg): the backoffice pre-books the
//! expected savings per stream into the fund at the start of the year; at
//! year end the true-up books realised − pre-booked per stream, either way.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::{auth, db};
#[cfg(feature = "ssr")]
use doorbraak::{Money, Role, StreamCode};
#[cfg(feature = "ssr")]
use std::collections::BTreeMap;

/// One stream in the accrual report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccrualLine {
    pub stream: String,
    pub prebooked: doorbraak::Money,
    pub realised: doorbraak::Money,
    pub trued_up: doorbraak::Money,
    /// realised − pre-booked − trued up: what a true-up would still book.
    pub open: doorbraak::Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccrualView {
    pub year: i32,
    /// None: the year does not exist.
    pub accrual: Option<bool>,
    pub lines: Vec<AccrualLine>,
    pub trued_up: bool,
    pub today: String,
}

#[cfg(feature = "ssr")]
type ByStream = BTreeMap<StreamCode, Money>;

#[cfg(feature = "ssr")]
fn by_stream(rows: Vec<(String, i64)>) -> ByStream {
    rows.into_iter()
        .filter_map(|(s, c)| Some((StreamCode::new(&s).ok()?, Money::from_cents(c).ok()?)))
        .collect()
}

#[cfg(feature = "ssr")]
struct Figures {
    prebooked: ByStream,
    realised: ByStream,
    trued_up: ByStream,
}

#[cfg(feature = "ssr")]
async fn figures(conn: &mut sqlx::SqliteConnection, year: i32) -> Result<Figures, AppError> {
    Ok(Figures {
        prebooked: by_stream(db::accrual::booked(conn, "prebook", year).await?),
        realised: by_stream(db::accrual::realised(conn, year).await?),
        trued_up: by_stream(db::accrual::booked(conn, "true_up", year).await?),
    })
}

/// Pre-booked, realised and trued up per stream in a year.
#[server(endpoint = "accrual_year")]
pub async fn accrual_year(year: Option<i32>) -> Result<AccrualView, AppError> {
    auth::respond(
        async move {
            auth::require(&[Role::Backoffice]).await?;
            let year = year.unwrap_or_else(|| chrono::Datelike::year(&auth::today()));
            let mut conn = auth::state()?.pool.acquire().await?;
            let accrual = db::accrual::is_accrual(&mut conn, year).await?;
            let f = figures(&mut conn, year).await?;
            let streams: std::collections::BTreeSet<StreamCode> = f
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
                        .unwrap_or(Money::ZERO);
                    AccrualLine {
                        stream: s.to_string(),
                        prebooked: pre,
                        realised: real,
                        trued_up: up,
                        open,
                    }
                })
                .collect();
            Ok(AccrualView {
                year,
                accrual,
                lines,
                trued_up: !f.trued_up.is_empty(),
                today: auth::today().format("%Y-%m-%d").to_string(),
            })
        }
        .await,
    )
}

/// Pre-bookings and true-ups with their idempotency keys: one of each per stream and year.
#[cfg(feature = "ssr")]
fn keyed(
    year: i32,
    ops: Vec<doorbraak::ledger::Operation>,
) -> Vec<(String, doorbraak::ledger::Operation)> {
    use doorbraak::ledger::Operation;
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

#[cfg(feature = "ssr")]
async fn accrual_year_or_refuse(
    conn: &mut sqlx::SqliteConnection,
    year: i32,
) -> Result<(), AppError> {
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

/// Pre-books the expected savings (`amounts` as `PW 10.000; JW 5.000,50`) on
/// `date` in `year`. Each stream once a year.
#[server(endpoint = "prebook_year")]
pub async fn prebook_year(year: i32, amounts: String, date: String) -> Result<(), AppError> {
    auth::respond(
        async move {
            let user = auth::require(&[Role::Backoffice]).await?;
            let day = crate::input::date("date", &date)?;
            if chrono::Datelike::year(&day) != year {
                return Err(AppError::invalid(
                    "date",
                    format!("De boekdatum ligt niet in {year}."),
                ));
            }
            let state = auth::state()?;
            let mut tx = state.pool.begin_with("BEGIN IMMEDIATE").await?;
            accrual_year_or_refuse(&mut tx, year).await?;
            let known = crate::api::runs::stream_configs(&mut tx).await?;
            let mut expected = ByStream::new();
            for part in amounts.split(';').map(str::trim).filter(|p| !p.is_empty()) {
                let (code, amount) = part.split_once(char::is_whitespace).ok_or_else(|| {
                    AppError::invalid(
                        "amounts",
                        "Schrijf per stroom code en bedrag, bijvoorbeeld: PW 10.000; JW 5.000",
                    )
                })?;
                let code = code.trim().to_uppercase();
                let stream = known
                    .get(&code)
                    .filter(|s| s.kind == "internal" && s.active)
                    .and_then(|_| StreamCode::new(&code).ok())
                    .ok_or_else(|| {
                        AppError::invalid(
                            "amounts",
                            format!("{code} is geen actieve interne financieringsstroom."),
                        )
                    })?;
                let money = Money::parse(amount.trim())
                    .map_err(|e| AppError::invalid("amounts", format!("{code}: {e}")))?;
                if money > Money::from_euros(100_000_000).map_err(|_| AppError::Internal)? {
                    return Err(AppError::invalid(
                        "amounts",
                        format!("{code}: meer dan € 100 miljoen is niet aannemelijk."),
                    ));
                }
                if expected.insert(stream, money).is_some() {
                    return Err(AppError::invalid(
                        "amounts",
                        format!("{code} staat er twee keer in."),
                    ));
                }
            }
            if expected.is_empty() {
                return Err(AppError::invalid(
                    "amounts",
                    "Vul ten minste één stroom met een bedrag in.",
                ));
            }
            let reservation = db::ledger::reservation_stream(&mut tx).await?;
            let ops = doorbraak::accrual::prebook(year, day, reservation, &expected)
                .map_err(|e| AppError::invalid("amounts", e.to_string()))?;
            let already = by_stream(db::accrual::booked(&mut tx, "prebook", year).await?);
            if let Some(s) = expected.keys().find(|s| already.contains_key(s)) {
                return Err(AppError::invalid(
                    "amounts",
                    format!("Voor {s} is in {year} al vooraf geboekt."),
                ));
            }
            let keyed = keyed(year, ops);
            let now = db::timestamp(auth::now());
            db::ledger::execute_all(&mut tx, &keyed, &now, Some(user.id)).await?;
            auth::audit(
                &mut *tx,
                Some(&user),
                "accrual_prebooked",
                "budget_year",
                Some(year.to_string()),
                None,
                Some(serde_json::json!(
                    expected
                        .iter()
                        .map(|(s, m)| (s.to_string(), m.cents()))
                        .collect::<BTreeMap<_, _>>()
                )),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

/// The year-end true-up: per stream realised − pre-booked, booked either way. Once a year.
#[server(endpoint = "true_up_year")]
pub async fn true_up_year(year: i32, date: String) -> Result<(), AppError> {
    auth::respond(
        async move {
            let user = auth::require(&[Role::Backoffice]).await?;
            let day = crate::input::date("date", &date)?;
            if chrono::Datelike::year(&day) != year {
                return Err(AppError::invalid("date", format!("De boekdatum ligt niet in {year}.")));
            }
            let state = auth::state()?;
            let mut tx = state.pool.begin_with("BEGIN IMMEDIATE").await?;
            accrual_year_or_refuse(&mut tx, year).await?;
            let f = figures(&mut tx, year).await?;
            if !f.trued_up.is_empty() {
                return Err(AppError::Conflict(format!("{year} is al afgerekend.")));
            }
            let lines = doorbraak::accrual::true_up(&f.prebooked, &f.realised)
                .map_err(|e| AppError::Conflict(e.to_string()))?;
            let ops = keyed(year, doorbraak::accrual::true_up_operations(year, day, &lines));
            if ops.is_empty() {
                return Err(AppError::Conflict(format!(
                    "In {year} is er niets af te rekenen: vooraf geboekt en gerealiseerd zijn gelijk."
                )));
            }
            let now = db::timestamp(auth::now());
            db::ledger::execute_all(&mut tx, &ops, &now, Some(user.id)).await?;
            auth::audit(
                &mut *tx,
                Some(&user),
                "accrual_trued_up",
                "budget_year",
                Some(year.to_string()),
                None,
                Some(serde_json::json!(lines.iter().map(|l| (l.stream.to_string(), l.difference.cents())).collect::<BTreeMap<_, _>>())),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}
