//! Configuration by the administrator (inrichting): streams with their
//! accounting codes, the cost catalogue and its prices, mandate levels,
//! budget years with the fund's reservation, and the default horizon.

use doorbraak::Money;
use doorbraak::stream::StreamKind;
use sqlx::SqliteConnection;

use crate::context::{Read, Write};
use crate::db;
use crate::error::AppError;
use crate::input;
use crate::model::*;

fn iso(date: chrono::NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// A trimmed text of at most `max` characters without a BSN; `required`
/// refuses an empty one.
fn text(field: &str, value: &str, max: usize, required: bool) -> Result<String, AppError> {
    let value = value.trim();
    if required && value.is_empty() {
        return Err(AppError::invalid(field, "Vul dit veld in."));
    }
    if value.chars().count() > max {
        return Err(AppError::invalid(field, format!("Hoogstens {max} tekens.")));
    }
    input::free_text(field, value)?;
    Ok(value.to_string())
}

fn changed_meanwhile() -> AppError {
    AppError::Conflict(
        "Iemand anders heeft dit intussen gewijzigd. Laad de pagina opnieuw.".to_string(),
    )
}

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

/// Streams, taakvelden, mandate levels, budget years and the default horizon.
pub async fn setup_overview(r: &mut Read) -> Result<SetupView, AppError> {
    Ok(SetupView {
        streams: db::streams::list(&mut r.conn).await?,
        taakvelden: db::streams::taakvelden(&mut r.conn).await?,
        mandates: db::mandates::mandates(&mut r.conn).await?.levels().to_vec(),
        horizon_months: db::settings::default_horizon(&mut r.conn).await?.get(),
    })
}

/// Creates a stream (no `version`) or changes one. The code, kind and the
/// reservation role of an existing stream stay as they are.
pub async fn save_stream(w: &mut Write, input: StreamForm) -> Result<String, AppError> {
    let code = doorbraak::StreamCode::new(&input.code)
        .map_err(|_| {
            AppError::invalid(
                "code",
                "Een code heeft 1 tot 15 hoofdletters, cijfers of liggende streepjes.",
            )
        })?
        .to_string();
    let name = text("name", &input.name, 100, true)?;
    let cost_centre = text("cost_centre", &input.cost_centre, 30, false)?;
    let ledger_account = text("ledger_account", &input.ledger_account, 30, false)?;
    let taakveld = input.taakveld.trim();
    let known = db::streams::taakvelden(&mut w.tx).await?;
    if !taakveld.is_empty() && !known.iter().any(|t| t.code == taakveld) {
        return Err(AppError::invalid(
            "taakveld",
            "Kies een bestaand Iv3-taakveld.",
        ));
    }
    let existing = db::streams::get(&mut w.tx, &code).await?;
    let kind = match (&existing, StreamKind::from_code(&input.kind)) {
        (Some(s), _) => s.stream.kind,
        (None, Some(kind)) => kind,
        (None, None) => return Err(AppError::invalid("kind", "Kies intern of extern.")),
    };
    if kind == StreamKind::Internal && taakveld.is_empty() {
        return Err(AppError::invalid(
            "taakveld",
            "Een interne stroom wordt geboekt op een Iv3-taakveld: kies er een.",
        ));
    }
    let active = input.active.is_some() || existing.is_none();
    let stream = db::streams::NewStream {
        code: &code,
        name: &name,
        kind,
        taakveld: (!taakveld.is_empty()).then_some(taakveld),
        cost_centre: &cost_centre,
        ledger_account: &ledger_account,
        holds_reservation: existing
            .as_ref()
            .is_some_and(|s| s.stream.holds_reservation),
        active,
    };
    let before = existing.as_ref().map(|s| serde_json::json!(s));
    match (&existing, input.version) {
        (None, None) => {
            if !db::streams::insert(&mut w.tx, &stream).await? {
                return Err(AppError::invalid("code", "Deze code bestaat al."));
            }
        }
        (Some(current), Some(version)) => {
            if !active && current.stream.holds_reservation {
                return Err(AppError::invalid(
                    "active",
                    "De stroom met de reservering van het doorbraakbudget blijft actief.",
                ));
            }
            if !active
                && current.stream.active
                && db::streams::active_items(&mut w.tx, &code).await? > 0
            {
                return Err(AppError::invalid(
                    "active",
                    "Deze stroom heeft nog actieve catalogusitems: zet die eerst op een andere stroom of op inactief.",
                ));
            }
            if !db::streams::update(&mut w.tx, &stream, version).await? {
                return Err(changed_meanwhile());
            }
        }
        (Some(_), None) => return Err(AppError::invalid("code", "Deze code bestaat al.")),
        (None, Some(_)) => return Err(AppError::NotFound("Deze stroom bestaat niet.".to_string())),
    }
    let after = db::streams::get(&mut w.tx, &code)
        .await?
        .map(|s| serde_json::json!(s));
    let action = if before.is_some() {
        "stream_updated"
    } else {
        "stream_created"
    };
    w.audit(action, "stream", Some(code.clone()), before, after);
    Ok(code)
}

/// Adds a mandate level or changes one's name and limit. The table must stay
/// valid: rising limits, the top level unlimited.
pub async fn save_mandate_level(
    w: &mut Write,
    code: String,
    name: String,
    limit: String,
) -> Result<(), AppError> {
    let code = code.trim().to_lowercase();
    if !(1..=30).contains(&code.len())
        || !code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(AppError::invalid(
            "code",
            "Een code heeft 1 tot 30 kleine letters, cijfers of liggende streepjes.",
        ));
    }
    let name = text("name", &name, 100, true)?;
    let limit = match limit.trim() {
        "" => None,
        l => {
            let amount = input::amount("limit", l)?;
            if amount.cents() == 0 {
                return Err(AppError::invalid(
                    "limit",
                    "Een mandaat heeft een grens boven € 0,00, of geen grens.",
                ));
            }
            Some(amount)
        }
    };
    let current = db::mandates::mandates(&mut w.tx).await?;
    let before = serde_json::json!(current.levels());
    let mut levels = current.levels().to_vec();
    let level = doorbraak::mandate::MandateLevel {
        code: code.clone(),
        name,
        limit,
    };
    match levels.iter_mut().find(|l| l.code == code) {
        Some(existing) => *existing = level,
        None => levels.push(level),
    }
    levels.sort_by_key(|l| l.limit.map_or(i64::MAX, Money::cents));
    if levels.last().is_some_and(|l| l.limit.is_some()) {
        return Err(AppError::invalid(
            "limit",
            "Het hoogste mandaatniveau is onbeperkt; anders kan niemand de grootste canvassen goedkeuren.",
        ));
    }
    let table = doorbraak::mandate::MandateTable::new(levels)
        .map_err(|e| AppError::invalid("limit", e.to_string()))?;
    db::mandates::replace(&mut w.tx, table.levels()).await?;
    let after = serde_json::json!(table.levels());
    w.audit(
        "mandates_changed",
        "mandate_level",
        Some(code),
        Some(before),
        Some(after),
    );
    Ok(())
}

/// The horizon new canvases start with, in months.
pub async fn set_default_horizon(w: &mut Write, months: String) -> Result<(), AppError> {
    let horizon = months
        .trim()
        .parse::<u16>()
        .ok()
        .and_then(|m| doorbraak::canvas::Horizon::months(m).ok())
        .ok_or_else(|| AppError::invalid("months", "Kies een horizon van 1 tot 120 maanden."))?;
    let before = db::settings::default_horizon(&mut w.tx).await?.get();
    db::settings::set_setting(
        &mut w.tx,
        "default_horizon_months",
        &horizon.get().to_string(),
    )
    .await?;
    w.audit(
        "default_horizon_changed",
        "setting",
        Some("default_horizon_months".to_string()),
        Some(serde_json::json!(before)),
        Some(serde_json::json!(horizon.get())),
    );
    Ok(())
}

/// A page of catalogue items whose code or name contains `search`.
pub async fn catalogue_items(
    r: &mut Read,
    search: String,
    page: i64,
) -> Result<CataloguePage, AppError> {
    let page = input::page(page)?;
    let search = search.trim().chars().take(100).collect::<String>();
    let (items, total) = db::catalogue::search(
        &mut r.conn,
        &search,
        &iso(r.time.today),
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

/// One catalogue item with every price period.
pub async fn catalogue_item(r: &mut Read, id: i64) -> Result<CatalogueItemView, AppError> {
    db::catalogue::get(&mut r.conn, id, &iso(r.time.today))
        .await?
        .ok_or_else(|| AppError::NotFound("Dit catalogusitem bestaat niet.".to_string()))
}

/// Creates an item (no `id`; with a first price, or inactive without one) or
/// changes one loaded at `version`. An item without a price stays inactive.
pub async fn save_catalogue_item(w: &mut Write, input: CatalogueItemForm) -> Result<i64, AppError> {
    let name = text("name", &input.name, 300, true)?;
    let unit = doorbraak::catalogue::Unit::from_code(input.unit.trim())
        .ok_or_else(|| AppError::invalid("unit", "Kies een eenheid."))?;
    let unit_label = match text("unit_label", &input.unit_label, 60, false)? {
        l if l.is_empty() => unit.label_nl().to_string(),
        l => l,
    };
    let source = text("source", &input.source, 500, false)?;
    let streams = db::streams::registry(&mut w.tx).await?;
    let stream = doorbraak::StreamCode::new(&input.stream)
        .ok()
        .filter(|s| streams.get_active(*s).is_ok())
        .ok_or_else(|| {
            AppError::invalid("stream", "Kies een bestaande, actieve financieringsstroom.")
        })?
        .to_string();
    let date = iso(w.time.today);
    let id = match (input.id, input.version) {
        (Some(id), Some(version)) => {
            let before = db::catalogue::get(&mut w.tx, id, &date)
                .await?
                .ok_or_else(|| AppError::NotFound("Dit catalogusitem bestaat niet.".to_string()))?;
            let active = input.active.is_some();
            if active && before.prices.is_empty() {
                return Err(AppError::invalid(
                    "active",
                    "Een item zonder prijs blijft inactief: voer eerst een prijs in.",
                ));
            }
            let change = db::catalogue::ItemChange {
                name: &name,
                unit: unit.code(),
                unit_label: &unit_label,
                stream: &stream,
                source: &source,
                active,
            };
            if !db::catalogue::update(&mut w.tx, id, version, &change).await? {
                return Err(changed_meanwhile());
            }
            let after = db::catalogue::get(&mut w.tx, id, &date).await?;
            w.audit(
                "catalogue_item_updated",
                "catalogue_item",
                Some(id.to_string()),
                Some(serde_json::json!(before)),
                after.map(|a| serde_json::json!(a)),
            );
            id
        }
        (None, None) => {
            let code = input.code.trim().to_uppercase();
            if !(1..=20).contains(&code.len())
                || !code
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
            {
                return Err(AppError::invalid(
                    "code",
                    "Een code heeft 1 tot 20 letters, cijfers of streepjes, bijvoorbeeld JW-10.",
                ));
            }
            let price = match input.price.trim() {
                "" => None,
                p => {
                    let from = match input.valid_from.trim() {
                        "" => w.time.today,
                        d => input::date("valid_from", d, w.time.today)?,
                    };
                    Some((input::amount("price", p)?, iso(from)))
                }
            };
            let item = db::catalogue::ImportItem {
                code: &code,
                name: &name,
                unit: unit.code(),
                unit_label: &unit_label,
                stream: Some(&stream),
                choices: "",
                benchmark: false,
                source: &source,
                confidence: "",
                price,
            };
            let id = db::catalogue::insert(&mut w.tx, &item)
                .await
                .map_err(|e| match e {
                    sqlx::Error::Database(d) if d.is_unique_violation() => {
                        AppError::invalid("code", "Deze code bestaat al.")
                    }
                    other => other.into(),
                })?;
            let after = db::catalogue::get(&mut w.tx, id, &date).await?;
            w.audit(
                "catalogue_item_created",
                "catalogue_item",
                Some(id.to_string()),
                None,
                after.map(|a| serde_json::json!(a)),
            );
            id
        }
        _ => {
            return Err(AppError::invalid(
                "version",
                "Het formulier is onvolledig. Laad de pagina opnieuw.",
            ));
        }
    };
    Ok(id)
}

/// A new price for an item from a date on; the price before it ends the day
/// before. Entering a price makes the item active.
pub async fn add_catalogue_price(
    w: &mut Write,
    item_id: i64,
    valid_from: String,
    price: String,
) -> Result<(), AppError> {
    let from = input::date("valid_from", &valid_from, w.time.today)?;
    let price = input::amount("price", &price)?;
    add_price(&mut w.tx, item_id, from, price).await?;
    w.audit(
        "catalogue_price_added",
        "catalogue_item",
        Some(item_id.to_string()),
        None,
        Some(serde_json::json!({ "valid_from": iso(from), "price_cents": price.cents() })),
    );
    Ok(())
}

/// A new year's prices: every active item's price on 31 December of the year
/// before, indexed by `percentage`, from 1 January of `year`. Items that
/// already have a price from that date on keep it. Returns how many were priced.
pub async fn index_catalogue(
    w: &mut Write,
    year: i32,
    percentage: String,
) -> Result<i64, AppError> {
    input::year("year", year)?;
    let percent = doorbraak::money::parse_plain_decimal(percentage.trim_end_matches('%'))
        .ok_or_else(|| {
            AppError::invalid("percentage", "Vul een percentage in, bijvoorbeeld 3,2.")
        })?;
    let from = chrono::NaiveDate::from_ymd_opt(year, 1, 1).ok_or(AppError::Internal)?;
    let before = from.pred_opt().ok_or(AppError::Internal)?;
    let items = db::catalogue::to_index(&mut w.tx, &iso(before), &iso(from)).await?;
    for (id, cents) in &items {
        let current = Money::from_cents(*cents).map_err(|_| AppError::Internal)?;
        let next = doorbraak::catalogue::indexed_price(current, percent)
            .map_err(|e| AppError::invalid("percentage", e.to_string()))?;
        add_price(&mut w.tx, *id, from, next).await?;
    }
    let count = items.len() as i64;
    w.audit(
        "catalogue_indexed",
        "catalogue",
        Some(year.to_string()),
        None,
        Some(serde_json::json!({ "percentage": percent.to_string(), "items": count })),
    );
    Ok(count)
}
