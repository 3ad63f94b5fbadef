//! Configuration by the administrator (inrichting): streams with their
//! accounting codes, the cost catalogue and its prices, mandate levels,
//! budget years with the fund's reservation, and the default horizon.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::model::{BudgetYearView, CatalogueItemView, StreamConfig, Taakveld};

#[cfg(feature = "ssr")]
use crate::{auth, db};
#[cfg(feature = "ssr")]
use doorbraak::{Money, Role};
#[cfg(feature = "ssr")]
use sqlx::SqliteConnection;

/// Everything on the configuration page except the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupView {
    pub streams: Vec<StreamConfig>,
    pub taakvelden: Vec<Taakveld>,
    pub mandates: Vec<doorbraak::mandate::MandateLevel>,
    pub years: Vec<BudgetYearView>,
    pub horizon_months: u16,
    /// A fresh token for the funding forms (double-submit protection).
    pub token: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CataloguePage {
    pub items: Vec<CatalogueItemView>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// A stream as the form posts it. Check boxes are present when ticked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamForm {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub taakveld: String,
    #[serde(default)]
    pub cost_centre: String,
    #[serde(default)]
    pub ledger_account: String,
    #[serde(default)]
    pub has_agreement: Option<String>,
    #[serde(default)]
    pub active: Option<String>,
    /// The version the form was loaded with; none for a new stream.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A catalogue item as the form posts it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueItemForm {
    #[serde(default)]
    pub id: Option<i64>,
    #[serde(default)]
    pub version: Option<i64>,
    #[serde(default)]
    pub code: String,
    pub name: String,
    pub unit: String,
    #[serde(default)]
    pub unit_label: String,
    pub stream: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub active: Option<String>,
    /// For a new item: its first price and when it starts (both optional).
    #[serde(default)]
    pub price: String,
    #[serde(default)]
    pub valid_from: String,
}

#[cfg(feature = "ssr")]
const ADMIN: &[Role] = &[Role::Administrator];

#[cfg(feature = "ssr")]
fn iso(date: chrono::NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

#[cfg(feature = "ssr")]
fn parse_amount(field: &str, value: &str) -> Result<Money, AppError> {
    let amount = Money::parse(value).map_err(|e| AppError::invalid(field, e.to_string()))?;
    if amount.cents() < 0 {
        return Err(AppError::invalid(
            field,
            "Een bedrag kan niet negatief zijn.",
        ));
    }
    Ok(amount)
}

/// A trimmed text of at most `max` characters without a BSN; `required`
/// refuses an empty one.
#[cfg(feature = "ssr")]
fn text(field: &str, value: &str, max: usize, required: bool) -> Result<String, AppError> {
    let value = value.trim();
    if required && value.is_empty() {
        return Err(AppError::invalid(field, "Vul dit veld in."));
    }
    if value.chars().count() > max {
        return Err(AppError::invalid(field, format!("Hoogstens {max} tekens.")));
    }
    crate::input::free_text(field, value)?;
    Ok(value.to_string())
}

#[cfg(feature = "ssr")]
fn changed_meanwhile() -> AppError {
    AppError::Conflict(
        "Iemand anders heeft dit intussen gewijzigd. Laad de pagina opnieuw.".to_string(),
    )
}

#[cfg(feature = "ssr")]
fn year_in_range(year: i32) -> Result<(), AppError> {
    if (2000..=2200).contains(&year) {
        Ok(())
    } else {
        Err(AppError::invalid(
            "year",
            "Kies een jaar tussen 2000 en 2200.",
        ))
    }
}

/// Streams, taakvelden, mandate levels, budget years and the default horizon.
#[server(endpoint = "setup")]
pub async fn setup_overview() -> Result<SetupView, AppError> {
    auth::respond(
        async {
            auth::require(ADMIN).await?;
            let mut conn = auth::state()?.pool.acquire().await?;
            Ok(SetupView {
                streams: db::streams::list(&mut conn).await?,
                taakvelden: db::streams::taakvelden(&mut conn).await?,
                mandates: db::config::mandates(&mut conn).await?.levels().to_vec(),
                years: db::budget::years(&mut conn).await?,
                horizon_months: db::config::default_horizon(&mut conn).await?.get(),
                token: auth::random_token(),
            })
        }
        .await,
    )
}

/// Creates a stream (no `version`) or changes one. The code, kind and the
/// reservation role of an existing stream stay as they are.
#[server(endpoint = "save_stream")]
pub async fn save_stream(input: StreamForm) -> Result<String, AppError> {
    auth::respond(
        async move {
            let admin = auth::require(ADMIN).await?;
            let code = doorbraak::StreamCode::new(&input.code)
                .map_err(|_| AppError::invalid("code", "Een code heeft 1 tot 15 hoofdletters, cijfers of liggende streepjes."))?
                .to_string();
            let name = text("name", &input.name, 100, true)?;
            let cost_centre = text("cost_centre", &input.cost_centre, 30, false)?;
            let ledger_account = text("ledger_account", &input.ledger_account, 30, false)?;
            let taakveld = input.taakveld.trim();
            let mut tx = auth::state()?.pool.begin_with("BEGIN IMMEDIATE").await?;
            let known = db::streams::taakvelden(&mut tx).await?;
            if !taakveld.is_empty() && !known.iter().any(|t| t.code == taakveld) {
                return Err(AppError::invalid("taakveld", "Kies een bestaand Iv3-taakveld."));
            }
            let existing = db::streams::get(&mut tx, &code).await?;
            let kind = match (&existing, input.kind.as_str()) {
                (Some(s), _) => s.kind.clone(),
                (None, k @ ("internal" | "external")) => k.to_string(),
                (None, _) => return Err(AppError::invalid("kind", "Kies intern of extern.")),
            };
            if kind == "internal" && taakveld.is_empty() {
                return Err(AppError::invalid("taakveld", "Een interne stroom wordt geboekt op een Iv3-taakveld: kies er een."));
            }
            let has_agreement = input.has_agreement.is_some();
            if has_agreement && kind != "external" {
                return Err(AppError::invalid("has_agreement", "Alleen een externe financier kan een convenant hebben."));
            }
            let active = input.active.is_some() || existing.is_none();
            let stream = db::streams::NewStream {
                code: &code,
                name: &name,
                kind: &kind,
                taakveld: (!taakveld.is_empty()).then_some(taakveld),
                cost_centre: &cost_centre,
                ledger_account: &ledger_account,
                holds_reservation: existing.as_ref().is_some_and(|s| s.holds_reservation),
                has_agreement,
                active,
            };
            let before = existing.as_ref().map(|s| serde_json::json!(s));
            match (&existing, input.version) {
                (None, None) => {
                    if !db::streams::insert(&mut tx, &stream).await? {
                        return Err(AppError::invalid("code", "Deze code bestaat al."));
                    }
                }
                (Some(current), Some(version)) => {
                    if !active && current.holds_reservation {
                        return Err(AppError::invalid("active", "De stroom met de reservering van het doorbraakbudget blijft actief."));
                    }
                    if !active && current.active && db::streams::active_items(&mut tx, &code).await? > 0 {
                        return Err(AppError::invalid("active", "Deze stroom heeft nog actieve catalogusitems: zet die eerst op een andere stroom of op inactief."));
                    }
                    if !db::streams::update(&mut tx, &stream, version).await? {
                        return Err(changed_meanwhile());
                    }
                }
                (Some(_), None) => return Err(AppError::invalid("code", "Deze code bestaat al.")),
                (None, Some(_)) => return Err(AppError::NotFound("Deze stroom bestaat niet.".to_string())),
            }
            let after = db::streams::get(&mut tx, &code).await?.map(|s| serde_json::json!(s));
            let action = if before.is_some() { "stream_updated" } else { "stream_created" };
            auth::audit(&mut *tx, Some(&admin), action, "stream", Some(code.clone()), before, after).await?;
            tx.commit().await?;
            Ok(code)
        }
        .await,
    )
}

/// Adds a mandate level or changes one's name and limit. The table must stay
/// valid: rising limits, the top level unlimited.
#[server(endpoint = "save_mandate_level")]
pub async fn save_mandate_level(code: String, name: String, limit: String) -> Result<(), AppError> {
    auth::respond(
        async move {
            let admin = auth::require(ADMIN).await?;
            let code = code.trim().to_lowercase();
            if !(1..=30).contains(&code.len())
                || !code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            {
                return Err(AppError::invalid("code", "Een code heeft 1 tot 30 kleine letters, cijfers of liggende streepjes."));
            }
            let name = text("name", &name, 100, true)?;
            let limit = match limit.trim() {
                "" => None,
                l => {
                    let amount = parse_amount("limit", l)?;
                    if amount.cents() == 0 {
                        return Err(AppError::invalid("limit", "Een mandaat heeft een grens boven € 0,00, of geen grens."));
                    }
                    Some(amount)
                }
            };
            let mut tx = auth::state()?.pool.begin_with("BEGIN IMMEDIATE").await?;
            let current = db::config::mandates(&mut tx).await?;
            let before = serde_json::json!(current.levels());
            let mut levels = current.levels().to_vec();
            let level = doorbraak::mandate::MandateLevel { code: code.clone(), name, limit };
            match levels.iter_mut().find(|l| l.code == code) {
                Some(existing) => *existing = level,
                None => levels.push(level),
            }
            levels.sort_by_key(|l| l.limit.map_or(i64::MAX, Money::cents));
            if levels.last().is_some_and(|l| l.limit.is_some()) {
                return Err(AppError::invalid("limit", "Het hoogste mandaatniveau is onbeperkt; anders kan niemand de grootste canvassen goedkeuren."));
            }
            let table = doorbraak::mandate::MandateTable::new(levels)
                .map_err(|e| AppError::invalid("limit", e.to_string()))?;
            db::budget::replace_mandates(&mut tx, table.levels()).await?;
            let after = serde_json::json!(table.levels());
            auth::audit(&mut *tx, Some(&admin), "mandates_changed", "mandate_level", Some(code), Some(before), Some(after)).await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

/// A reservation above € 100 million is a typo for any municipality's fund.
#[cfg(feature = "ssr")]
fn check_reservation(field: &str, amount: Money) -> Result<(), AppError> {
    if amount.cents() > 100_000_000 * 100 {
        return Err(AppError::invalid(
            field,
            "Een reservering is hoogstens € 100.000.000,00.",
        ));
    }
    Ok(())
}

/// Books a funding of the year's fund (a reservation on the Wmo) and raises
/// the recorded reservation.
#[cfg(feature = "ssr")]
async fn book_funding(
    conn: &mut SqliteConnection,
    admin: &crate::model::CurrentUser,
    year: i32,
    amount: Money,
    token: &str,
) -> Result<(), AppError> {
    if !(16..=128).contains(&token.len()) {
        return Err(AppError::invalid(
            "token",
            "Het formulier is verlopen. Laad de pagina opnieuw.",
        ));
    }
    if amount.cents() == 0 {
        return Ok(());
    }
    let now = db::timestamp(auth::now());
    let date = auth::today().max(chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default());
    db::budget::fund(
        conn,
        year,
        amount,
        &format!("fund-{year}-{token}"),
        date,
        &now,
        Some(admin.id),
    )
    .await?;
    auth::audit(
        &mut *conn,
        Some(admin),
        "fund_reserved",
        "budget_year",
        Some(year.to_string()),
        None,
        Some(serde_json::json!({ "amount_cents": amount.cents() })),
    )
    .await
}

/// A new budget year, in cash or accrual mode, with its first reservation.
#[server(endpoint = "create_budget_year")]
pub async fn create_budget_year(
    year: i32,
    reservation: String,
    accrual: Option<String>,
    token: String,
) -> Result<(), AppError> {
    auth::respond(
        async move {
            let admin = auth::require(ADMIN).await?;
            year_in_range(year)?;
            let amount = parse_amount("reservation", &reservation)?;
            check_reservation("reservation", amount)?;
            let mut tx = auth::state()?.pool.begin_with("BEGIN IMMEDIATE").await?;
            let now = db::timestamp(auth::now());
            if !db::budget::create_year(&mut tx, year, accrual.is_some(), &now).await? {
                return Err(AppError::invalid(
                    "year",
                    format!("Het begrotingsjaar {year} bestaat al."),
                ));
            }
            auth::audit(
                &mut *tx,
                Some(&admin),
                "budget_year_created",
                "budget_year",
                Some(year.to_string()),
                None,
                Some(serde_json::json!({ "accrual": accrual.is_some() })),
            )
            .await?;
            book_funding(&mut tx, &admin, year, amount, &token).await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

/// Reserves more for a year's fund. The same form posted twice books once.
#[server(endpoint = "raise_reservation")]
pub async fn raise_reservation(year: i32, amount: String, token: String) -> Result<(), AppError> {
    auth::respond(
        async move {
            let admin = auth::require(ADMIN).await?;
            let amount = parse_amount("amount", &amount)?;
            if amount.cents() == 0 {
                return Err(AppError::invalid(
                    "amount",
                    "Vul een bedrag boven € 0,00 in.",
                ));
            }
            check_reservation("amount", amount)?;
            let mut tx = auth::state()?.pool.begin_with("BEGIN IMMEDIATE").await?;
            if !db::config::budget_year_exists(&mut tx, year).await? {
                return Err(AppError::NotFound(format!(
                    "Het begrotingsjaar {year} bestaat niet."
                )));
            }
            book_funding(&mut tx, &admin, year, amount, &token).await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

/// The horizon new canvases start with, in months.
#[server(endpoint = "set_default_horizon")]
pub async fn set_default_horizon(months: String) -> Result<(), AppError> {
    auth::respond(
        async move {
            let admin = auth::require(ADMIN).await?;
            let horizon = months
                .trim()
                .parse::<u16>()
                .ok()
                .and_then(|m| doorbraak::canvas::Horizon::months(m).ok())
                .ok_or_else(|| {
                    AppError::invalid("months", "Kies een horizon van 1 tot 120 maanden.")
                })?;
            let mut tx = auth::state()?.pool.begin().await?;
            let before = db::config::default_horizon(&mut tx).await?.get();
            db::config::set_setting(
                &mut tx,
                "default_horizon_months",
                &horizon.get().to_string(),
            )
            .await?;
            auth::audit(
                &mut *tx,
                Some(&admin),
                "default_horizon_changed",
                "setting",
                Some("default_horizon_months".to_string()),
                Some(serde_json::json!(before)),
                Some(serde_json::json!(horizon.get())),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

/// Rows per page of the catalogue.
pub const CATALOGUE_PER_PAGE: i64 = 50;

/// A page of catalogue items whose code or name contains `search`.
#[server(endpoint = "catalogue_items")]
pub async fn catalogue_items(search: String, page: i64) -> Result<CataloguePage, AppError> {
    auth::respond(
        async move {
            auth::require(ADMIN).await?;
            let page = crate::input::page(page)?;
            let search = search.trim().chars().take(100).collect::<String>();
            let mut conn = auth::state()?.pool.acquire().await?;
            let (items, total) = db::catalogue::search(
                &mut conn,
                &search,
                &iso(auth::today()),
                page,
                CATALOGUE_PER_PAGE,
            )
            .await?;
            Ok(CataloguePage {
                items,
                total,
                page: page.max(0),
                per_page: CATALOGUE_PER_PAGE,
            })
        }
        .await,
    )
}

/// One catalogue item with every price period.
#[server(endpoint = "catalogue_item")]
pub async fn catalogue_item(id: i64) -> Result<CatalogueItemView, AppError> {
    auth::respond(
        async move {
            auth::require(ADMIN).await?;
            let mut conn = auth::state()?.pool.acquire().await?;
            db::catalogue::get(&mut conn, id, &iso(auth::today()))
                .await?
                .ok_or_else(|| AppError::NotFound("Dit catalogusitem bestaat niet.".to_string()))
        }
        .await,
    )
}

/// Creates an item (no `id`; with a first price, or inactive without one) or
/// changes one loaded at `version`. An item without a price stays inactive.
#[server(endpoint = "save_catalogue_item")]
pub async fn save_catalogue_item(input: CatalogueItemForm) -> Result<i64, AppError> {
    auth::respond(
        async move {
            let admin = auth::require(ADMIN).await?;
            let name = text("name", &input.name, 300, true)?;
            let unit = doorbraak::catalogue::Unit::from_code(input.unit.trim())
                .ok_or_else(|| AppError::invalid("unit", "Kies een eenheid."))?;
            let unit_label = match text("unit_label", &input.unit_label, 60, false)? {
                l if l.is_empty() => unit.label_nl().to_string(),
                l => l,
            };
            let source = text("source", &input.source, 500, false)?;
            let mut tx = auth::state()?.pool.begin_with("BEGIN IMMEDIATE").await?;
            let streams = db::config::streams(&mut tx).await?;
            let stream = doorbraak::StreamCode::new(&input.stream)
                .ok()
                .filter(|s| streams.contains(*s))
                .ok_or_else(|| AppError::invalid("stream", "Kies een bestaande, actieve financieringsstroom."))?
                .to_string();
            let date = iso(auth::today());
            let id = match (input.id, input.version) {
                (Some(id), Some(version)) => {
                    let before = db::catalogue::get(&mut tx, id, &date)
                        .await?
                        .ok_or_else(|| AppError::NotFound("Dit catalogusitem bestaat niet.".to_string()))?;
                    let active = input.active.is_some();
                    if active && before.prices.is_empty() {
                        return Err(AppError::invalid("active", "Een item zonder prijs blijft inactief: voer eerst een prijs in."));
                    }
                    let change = db::catalogue::ItemChange {
                        name: &name,
                        unit: unit.code(),
                        unit_label: &unit_label,
                        stream: &stream,
                        source: &source,
                        active,
                    };
                    if !db::catalogue::update(&mut tx, id, version, &change).await? {
                        return Err(changed_meanwhile());
                    }
                    let after = db::catalogue::get(&mut tx, id, &date).await?;
                    auth::audit(&mut *tx, Some(&admin), "catalogue_item_updated", "catalogue_item", Some(id.to_string()),
                        Some(serde_json::json!(before)), after.map(|a| serde_json::json!(a))).await?;
                    id
                }
                (None, None) => {
                    let code = input.code.trim().to_uppercase();
                    if !(1..=20).contains(&code.len())
                        || !code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
                    {
                        return Err(AppError::invalid("code", "Een code heeft 1 tot 20 letters, cijfers of streepjes, bijvoorbeeld JW-10."));
                    }
                    let price = match input.price.trim() {
                        "" => None,
                        p => {
                            let from = match input.valid_from.trim() {
                                "" => auth::today(),
                                d => crate::input::date("valid_from", d)?,
                            };
                            Some((parse_amount("price", p)?, iso(from)))
                        }
                    };
                    let item = db::catalogue::ImportItem {
                        code: &code,
                        name: &name,
                        unit: unit.code(),
                        unit_label: &unit_label,
                        stream: &stream,
                        source: &source,
                        confidence: "",
                        price,
                    };
                    let id = db::catalogue::insert(&mut tx, &item)
                        .await
                        .map_err(|e| match e {
                            sqlx::Error::Database(d) if d.is_unique_violation() => {
                                AppError::invalid("code", "Deze code bestaat al.")
                            }
                            other => other.into(),
                        })?;
                    let after = db::catalogue::get(&mut tx, id, &date).await?;
                    auth::audit(&mut *tx, Some(&admin), "catalogue_item_created", "catalogue_item", Some(id.to_string()),
                        None, after.map(|a| serde_json::json!(a))).await?;
                    id
                }
                _ => return Err(AppError::invalid("version", "Het formulier is onvolledig. Laad de pagina opnieuw.")),
            };
            tx.commit().await?;
            Ok(id)
        }
        .await,
    )
}

/// A new price for an item from a date on; the price before it ends the day
/// before. Entering a price makes the item active.
#[server(endpoint = "add_catalogue_price")]
pub async fn add_catalogue_price(
    item_id: i64,
    valid_from: String,
    price: String,
) -> Result<(), AppError> {
    auth::respond(
        async move {
            let admin = auth::require(ADMIN).await?;
            let from = crate::input::date("valid_from", &valid_from)?;
            let price = parse_amount("price", &price)?;
            let mut tx = auth::state()?.pool.begin_with("BEGIN IMMEDIATE").await?;
            add_price(&mut tx, item_id, from, price).await?;
            auth::audit(
                &mut *tx,
                Some(&admin),
                "catalogue_price_added",
                "catalogue_item",
                Some(item_id.to_string()),
                None,
                Some(serde_json::json!({ "valid_from": iso(from), "price_cents": price.cents() })),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
async fn add_price(
    conn: &mut SqliteConnection,
    item_id: i64,
    from: chrono::NaiveDate,
    price: Money,
) -> Result<(), AppError> {
    let latest = db::catalogue::latest_price_start(conn, item_id).await?;
    if let Some(latest) = latest.filter(|l| l.as_str() >= iso(from).as_str()) {
        return Err(AppError::invalid(
            "valid_from",
            format!("Een nieuwe prijs gaat in na de laatste prijs (vanaf {latest})."),
        ));
    }
    let previous_end = from.pred_opt().map(iso).unwrap_or_default();
    db::catalogue::add_price(conn, item_id, &iso(from), &previous_end, price.cents())
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                AppError::NotFound("Dit catalogusitem bestaat niet.".to_string())
            }
            other => other.into(),
        })
}

/// A new year's prices: every active item's price on 31 December of the year
/// before, indexed by `percentage`, from 1 January of `year`. Items that
/// already have a price from that date on keep it. Returns how many were priced.
#[server(endpoint = "index_catalogue")]
pub async fn index_catalogue(year: i32, percentage: String) -> Result<i64, AppError> {
    auth::respond(
        async move {
            let admin = auth::require(ADMIN).await?;
            year_in_range(year)?;
            let percent = doorbraak::money::parse_plain_decimal(percentage.trim_end_matches('%'))
                .ok_or_else(|| {
                AppError::invalid("percentage", "Vul een percentage in, bijvoorbeeld 3,2.")
            })?;
            let from = chrono::NaiveDate::from_ymd_opt(year, 1, 1).ok_or(AppError::Internal)?;
            let before = from.pred_opt().ok_or(AppError::Internal)?;
            let mut tx = auth::state()?.pool.begin_with("BEGIN IMMEDIATE").await?;
            let items = db::catalogue::to_index(&mut tx, &iso(before), &iso(from)).await?;
            for (id, cents) in &items {
                let current = Money::from_cents(*cents).map_err(|_| AppError::Internal)?;
                let next = doorbraak::catalogue::indexed_price(current, percent)
                    .map_err(|e| AppError::invalid("percentage", e.to_string()))?;
                add_price(&mut tx, *id, from, next).await?;
            }
            let count = items.len() as i64;
            auth::audit(
                &mut *tx,
                Some(&admin),
                "catalogue_indexed",
                "catalogue",
                Some(year.to_string()),
                None,
                Some(serde_json::json!({ "percentage": percent.to_string(), "items": count })),
            )
            .await?;
            tx.commit().await?;
            Ok(count)
        }
        .await,
    )
}
