//! The cost catalogue: items with their prices per validity period.

use doorbraak::Money;
use sqlx::SqliteConnection;

use crate::model::{CatalogueItemView, CatalogueOption, CataloguePrice};

/// One catalogue row to import.
pub struct ImportItem<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub unit: &'a str,
    pub unit_label: &'a str,
    /// Its stream, or none for a multi-stream item (see `choices`).
    pub stream: Option<&'a str>,
    /// A multi-stream item's streams, e.g. `WMO,JW,PW`.
    pub choices: &'a str,
    /// A saving or yield figure: kept for reference, never offered.
    pub benchmark: bool,
    pub source: &'a str,
    pub confidence: &'a str,
    pub price: Option<(Money, String)>,
}

pub async fn insert(
    conn: &mut SqliteConnection,
    item: &ImportItem<'_>,
) -> Result<i64, sqlx::Error> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO catalogue_items (code, name, unit, unit_label, stream_code, streams, kind, source, confidence, active)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
    )
    .bind(item.code)
    .bind(item.name)
    .bind(item.unit)
    .bind(item.unit_label)
    .bind(item.stream)
    .bind(item.choices)
    .bind(if item.benchmark { "benchmark" } else { "unit_cost" })
    .bind(item.source)
    .bind(item.confidence)
    .bind(item.price.is_some() && !item.benchmark)
    .fetch_one(&mut *conn)
    .await?;
    if let Some((price, valid_from)) = &item.price {
        sqlx::query(
            "INSERT INTO catalogue_prices (item_id, valid_from, price_cents) VALUES (?1, ?2, ?3)",
        )
        .bind(id)
        .bind(valid_from)
        .bind(price.cents())
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct PricedRecord {
    code: String,
    name: String,
    unit: String,
    unit_label: String,
    stream_code: Option<String>,
    streams: String,
    price_cents: Option<i64>,
}

/// Active catalogue items with the price valid on `date`.
pub async fn priced_on(
    conn: &mut SqliteConnection,
    date: &str,
) -> Result<Vec<CatalogueOption>, sqlx::Error> {
    let rows: Vec<PricedRecord> = sqlx::query_as(
        "SELECT i.id, i.code, i.name, i.unit, i.unit_label, i.stream_code, i.streams,
                (SELECT p.price_cents FROM catalogue_prices p
                 WHERE p.item_id = i.id AND p.valid_from <= ?1 AND (p.valid_to IS NULL OR p.valid_to >= ?1)
                 ORDER BY p.valid_from DESC LIMIT 1) AS price_cents
         FROM catalogue_items i WHERE i.active = 1 AND i.kind = 'unit_cost' ORDER BY i.code",
    )
    .bind(date)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(CatalogueOption {
                price: r
                    .price_cents
                    .map(|c| super::decode::money("catalogue_prices", 0, c))
                    .transpose()?,
                code: r.code,
                name: r.name,
                unit: r.unit,
                unit_label: r.unit_label,
                choices: choices(&r.streams),
                stream: r.stream_code,
            })
        })
        .collect()
}

/// A multi-stream item's streams: `WMO,JW` → [WMO, JW].
fn choices(streams: &str) -> Vec<String> {
    streams
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The codes of benchmarks (savings or yields), which no canvas line may use.
pub async fn benchmark_codes(conn: &mut SqliteConnection) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT code FROM catalogue_items WHERE kind = 'benchmark' ORDER BY code")
        .fetch_all(&mut *conn)
        .await
}

#[derive(sqlx::FromRow)]
struct ItemRecord {
    id: i64,
    code: String,
    name: String,
    unit: String,
    unit_label: String,
    stream_code: Option<String>,
    streams: String,
    kind: String,
    source: String,
    active: bool,
    version: i64,
    price_cents: Option<i64>,
}

const SELECT_ITEM: &str = "SELECT i.id, i.code, i.name, i.unit, i.unit_label, i.stream_code, i.streams, i.kind, i.source, i.active, i.version,
        (SELECT p.price_cents FROM catalogue_prices p
         WHERE p.item_id = i.id AND p.valid_from <= ?1 AND (p.valid_to IS NULL OR p.valid_to >= ?1)
         ORDER BY p.valid_from DESC LIMIT 1) AS price_cents
 FROM catalogue_items i";

impl ItemRecord {
    fn decode(self) -> Result<CatalogueItemView, sqlx::Error> {
        Ok(CatalogueItemView {
            price: self
                .price_cents
                .map(|c| super::decode::money("catalogue_items", self.id, c))
                .transpose()?,
            id: self.id,
            code: self.code,
            name: self.name,
            unit: self.unit,
            unit_label: self.unit_label,
            stream: self.stream_code,
            choices: choices(&self.streams),
            benchmark: match self.kind.as_str() {
                "benchmark" => true,
                "unit_cost" => false,
                other => {
                    return Err(super::decode::corrupt(
                        "catalogue_items",
                        self.id,
                        format!("unknown kind {other:?}"),
                    ));
                }
            },
            source: self.source,
            active: self.active,
            version: self.version,
            prices: Vec::new(),
        })
    }
}

/// A page of items whose code or name contains `search`, with today's price
/// (`date`), and the number of all matches.
pub async fn search(
    conn: &mut SqliteConnection,
    search: &str,
    date: &str,
    page: i64,
    per_page: i64,
) -> Result<(Vec<CatalogueItemView>, i64), sqlx::Error> {
    let pattern = format!(
        "%{}%",
        search
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let total: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM catalogue_items i WHERE i.code LIKE ?1 ESCAPE '\\' OR i.name LIKE ?1 ESCAPE '\\'",
    )
    .bind(&pattern)
    .fetch_one(&mut *conn)
    .await?;
    let rows: Vec<ItemRecord> = sqlx::query_as(&format!(
        "{SELECT_ITEM} WHERE i.code LIKE ?2 ESCAPE '\\' OR i.name LIKE ?2 ESCAPE '\\' ORDER BY i.code LIMIT ?3 OFFSET ?4"
    ))
    .bind(date)
    .bind(&pattern)
    .bind(per_page)
    .bind(page.max(0).saturating_mul(per_page))
    .fetch_all(&mut *conn)
    .await?;
    let items = rows
        .into_iter()
        .map(ItemRecord::decode)
        .collect::<Result<_, _>>()?;
    Ok((items, total))
}

/// One item with its price on `date` and every price period.
pub async fn get(
    conn: &mut SqliteConnection,
    id: i64,
    date: &str,
) -> Result<Option<CatalogueItemView>, sqlx::Error> {
    let row: Option<ItemRecord> = sqlx::query_as(&format!("{SELECT_ITEM} WHERE i.id = ?2"))
        .bind(date)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(mut item) = row.map(ItemRecord::decode).transpose()? else {
        return Ok(None);
    };
    let prices: Vec<(String, Option<String>, i64)> = sqlx::query_as(
        "SELECT valid_from, valid_to, price_cents FROM catalogue_prices WHERE item_id = ?1 ORDER BY valid_from",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    item.prices = prices
        .into_iter()
        .map(|(valid_from, valid_to, cents)| {
            Ok(CataloguePrice {
                valid_from,
                valid_to,
                price: super::decode::money("catalogue_prices", id, cents)?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok(Some(item))
}

/// The editable fields of an item.
pub struct ItemChange<'a> {
    pub name: &'a str,
    pub unit: &'a str,
    pub unit_label: &'a str,
    pub stream: &'a str,
    pub source: &'a str,
    pub active: bool,
}

/// Updates an item loaded at `version`; `false` when someone changed it in between.
pub async fn update(
    conn: &mut SqliteConnection,
    id: i64,
    version: i64,
    c: &ItemChange<'_>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE catalogue_items SET name = ?3, unit = ?4, unit_label = ?5, stream_code = ?6, source = ?7, active = ?8,
                version = version + 1
         WHERE id = ?1 AND version = ?2",
    )
    .bind(id)
    .bind(version)
    .bind(c.name)
    .bind(c.unit)
    .bind(c.unit_label)
    .bind(c.stream)
    .bind(c.source)
    .bind(c.active)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The start of the item's latest price period, if it has one.
pub async fn latest_price_start(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT max(valid_from) FROM catalogue_prices WHERE item_id = ?1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await
}

/// A new price from `valid_from`: the open period before it ends the day
/// before (`previous_end`); the item becomes active and its version moves on.
pub async fn add_price(
    conn: &mut SqliteConnection,
    id: i64,
    valid_from: &str,
    previous_end: &str,
    cents: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE catalogue_prices SET valid_to = ?2 WHERE item_id = ?1 AND valid_to IS NULL AND valid_from < ?3",
    )
    .bind(id)
    .bind(previous_end)
    .bind(valid_from)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO catalogue_prices (item_id, valid_from, price_cents) VALUES (?1, ?2, ?3)",
    )
    .bind(id)
    .bind(valid_from)
    .bind(cents)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE catalogue_items SET active = 1, version = version + 1 WHERE id = ?1")
        .bind(id)
        .execute(&mut *conn)
        .await
        .map(|_| ())
}

/// Active items priced on `date` that have no price starting on or after
/// `from`: (id, price in cents). The candidates for a new year's prices.
pub async fn to_index(
    conn: &mut SqliteConnection,
    date: &str,
    from: &str,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT i.id, p.price_cents FROM catalogue_items i
         JOIN catalogue_prices p ON p.item_id = i.id AND p.valid_from <= ?1 AND (p.valid_to IS NULL OR p.valid_to >= ?1)
         WHERE i.active = 1
           AND NOT EXISTS (SELECT 1 FROM catalogue_prices q WHERE q.item_id = i.id AND q.valid_from >= ?2)
         ORDER BY i.id",
    )
    .bind(date)
    .bind(from)
    .fetch_all(&mut *conn)
    .await
}
