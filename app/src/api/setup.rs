//! Configuration by the administrator (inrichting): streams with their
//! accounting codes, the cost catalogue and its prices, mandate levels,
//! and the default horizon (budget years: see `fund`).

use leptos::prelude::*;

use crate::error::AppError;
pub use crate::model::{
    CATALOGUE_PER_PAGE, CatalogueItemForm, CatalogueItemView, CataloguePage, SetupView, StreamForm,
};

#[cfg(feature = "ssr")]
use crate::{context, services::setup as service};
#[cfg(feature = "ssr")]
use doorbraak::Role;

#[cfg(feature = "ssr")]
const ADMIN: &[Role] = &[Role::Administrator];

/// Streams, taakvelden, mandate levels, budget years and the default horizon.
#[server(endpoint = "setup")]
pub async fn setup_overview() -> Result<SetupView, AppError> {
    context::read(ADMIN, async move |r| service::setup_overview(r).await).await
}

/// Creates a stream (no `version`) or changes one. The code, kind and the
/// reservation role of an existing stream stay as they are.
#[server(endpoint = "save_stream")]
pub async fn save_stream(input: StreamForm) -> Result<String, AppError> {
    context::write(ADMIN, async move |w| service::save_stream(w, input).await).await
}

/// Adds a mandate level or changes one's name and limit. The table must stay
/// valid: rising limits, the top level unlimited.
#[server(endpoint = "save_mandate_level")]
pub async fn save_mandate_level(code: String, name: String, limit: String) -> Result<(), AppError> {
    context::write(ADMIN, async move |w| {
        service::save_mandate_level(w, code, name, limit).await
    })
    .await
}

/// The horizon new canvases start with, in months.
#[server(endpoint = "set_default_horizon")]
pub async fn set_default_horizon(months: String) -> Result<(), AppError> {
    context::write(ADMIN, async move |w| {
        service::set_default_horizon(w, months).await
    })
    .await
}

/// A page of catalogue items whose code or name contains `search`.
#[server(endpoint = "catalogue_items")]
pub async fn catalogue_items(search: String, page: i64) -> Result<CataloguePage, AppError> {
    context::read(ADMIN, async move |r| {
        service::catalogue_items(r, search, page).await
    })
    .await
}

/// One catalogue item with every price period.
#[server(endpoint = "catalogue_item")]
pub async fn catalogue_item(id: i64) -> Result<CatalogueItemView, AppError> {
    context::read(ADMIN, async move |r| service::catalogue_item(r, id).await).await
}

/// Creates an item (no `id`; with a first price, or inactive without one) or
/// changes one loaded at `version`. An item without a price stays inactive.
#[server(endpoint = "save_catalogue_item")]
pub async fn save_catalogue_item(input: CatalogueItemForm) -> Result<i64, AppError> {
    context::write(ADMIN, async move |w| {
        service::save_catalogue_item(w, input).await
    })
    .await
}

/// A new price for an item from a date on; the price before it ends the day
/// before. Entering a price makes the item active.
#[server(endpoint = "add_catalogue_price")]
pub async fn add_catalogue_price(
    item_id: i64,
    valid_from: String,
    price: String,
) -> Result<(), AppError> {
    context::write(ADMIN, async move |w| {
        service::add_catalogue_price(w, item_id, valid_from, price).await
    })
    .await
}

/// A new year's prices: every active item's price on 31 December of the year
/// before, indexed by `percentage`, from 1 January of `year`. Items that
/// already have a price from that date on keep it. Returns how many were priced.
#[server(endpoint = "index_catalogue")]
pub async fn index_catalogue(year: i32, percentage: String) -> Result<i64, AppError> {
    context::write(ADMIN, async move |w| {
        service::index_catalogue(w, year, percentage).await
    })
    .await
}
