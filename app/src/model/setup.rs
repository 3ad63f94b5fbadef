//! Configuration as the administrator sees it: streams, Iv3 taakvelden, catalogue items.

use doorbraak::Money;
use serde::{Deserialize, Serialize};

/// A configured stream with the version its form was loaded at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamRecord {
    pub stream: doorbraak::stream::Stream,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Taakveld {
    pub code: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CataloguePrice {
    pub valid_from: String,
    pub valid_to: Option<String>,
    pub price: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueItemView {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub unit: String,
    pub unit_label: String,
    /// None for a multi-stream item: a line chooses among `choices`.
    pub stream: Option<String>,
    pub choices: Vec<String>,
    /// A saving or yield figure, never offered as a scenario line.
    pub benchmark: bool,
    pub source: String,
    pub active: bool,
    pub version: i64,
    /// Today's price.
    pub price: Option<Money>,
    /// Every price period (only filled for a single item).
    pub prices: Vec<CataloguePrice>,
}

/// Everything on the configuration page except the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupView {
    pub streams: Vec<StreamRecord>,
    pub taakvelden: Vec<Taakveld>,
    pub mandates: Vec<doorbraak::mandate::MandateLevel>,
    pub horizon_months: u16,
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

/// Rows per page of the catalogue.
pub const CATALOGUE_PER_PAGE: i64 = 50;
