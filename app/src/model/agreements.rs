//! Agreements (convenanten) with external payers as the administrator sees
//! and edits them.

use chrono::NaiveDate;
use doorbraak::agreement::Agreement;
use serde::{Deserialize, Serialize};

/// One version with what the page needs to know of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementRow {
    pub agreement: Agreement,
    pub row_version: i64,
    /// The last settlement date a posted charge used it on; none: unused.
    pub used_until: Option<NaiveDate>,
    pub in_force_today: bool,
}

/// The agreements page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementsView {
    /// The active external streams, as (code, name).
    pub streams: Vec<(String, String)>,
    pub versions: Vec<AgreementRow>,
    pub today: NaiveDate,
}

/// A version as the form posts it; no `id` for a new version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementForm {
    #[serde(default)]
    pub id: Option<i64>,
    #[serde(default)]
    pub row_version: Option<i64>,
    #[serde(default)]
    pub stream: String,
    #[serde(default)]
    pub valid_from: String,
    #[serde(default)]
    pub valid_to: String,
    /// The payer's share; empty is 100 %.
    #[serde(default)]
    pub share: String,
    /// The yearly cap; empty is none.
    #[serde(default)]
    pub cap: String,
    #[serde(default)]
    pub reference: String,
}

/// How a charge names the agreement version it used: `v2 (CZ-2026-014)`.
pub fn agreement_label(version: i64, reference: &str) -> String {
    format!("v{version} ({reference})")
}
