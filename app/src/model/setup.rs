//! Configuration as the administrator sees it: streams, Iv3 taakvelden, budget years, catalogue items.

use doorbraak::Money;
use doorbraak::ledger::FundPosition;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamConfig {
    pub code: String,
    pub name: String,
    /// `internal` or `external`.
    pub kind: String,
    pub taakveld: Option<String>,
    pub cost_centre: String,
    pub ledger_account: String,
    pub holds_reservation: bool,
    pub has_agreement: bool,
    pub active: bool,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Taakveld {
    pub code: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetYearView {
    pub year: i32,
    pub reservation: Money,
    pub accrual: bool,
    pub position: FundPosition,
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
    pub stream: String,
    pub source: String,
    pub active: bool,
    pub version: i64,
    /// Today's price.
    pub price: Option<Money>,
    /// Every price period (only filled for a single item).
    pub prices: Vec<CataloguePrice>,
}
