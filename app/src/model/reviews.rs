//! Charges with their evidence, as a stream owner reviews them.

use chrono::NaiveDate;
use doorbraak::chargeback::ChargeKind;
use doorbraak::review::{Resolution, ReviewStatus};
use doorbraak::{Money, StreamCode};
use serde::{Deserialize, Serialize};

/// A posted charge with its evidence, as a stream owner reviews it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerCharge {
    pub run_id: i64,
    pub case_id: i64,
    pub reference: String,
    pub stream: StreamCode,
    pub kind: ChargeKind,
    pub year: i64,
    pub amount: Money,
    pub booking_date: NaiveDate,
    /// The case's settled cost.
    pub settled: Money,
    /// The frozen canvas's figures for this stream.
    pub threatening: Money,
    pub realistic: Money,
    pub avoided: Money,
    /// The case's avoided costs over all streams.
    pub case_avoided: Money,
    /// The avoided cost realised on this stream, once the case is evaluated.
    pub realised: Option<Money>,
    /// A claim's agreement version: `v2 (CZ-2026-014)`.
    pub agreement: Option<String>,
    pub review_id: Option<i64>,
    /// None before any review.
    pub review: Option<ReviewStatus>,
    pub reason: Option<String>,
    pub review_version: Option<i64>,
    pub resolution: Option<Resolution>,
    pub resolution_reason: Option<String>,
}

impl OwnerCharge {
    /// How a form names the charge: `run:case:stream`.
    pub fn form_key(&self) -> String {
        format!("{}:{}:{}", self.run_id, self.case_id, self.stream)
    }
}

/// A stream owner's page: the charges the filter selects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerView {
    pub streams: Vec<String>,
    pub charges: Vec<OwnerCharge>,
    /// Runs with charges to the owner's streams, newest first (for the filter).
    pub runs: Vec<i64>,
    /// More charges match than the list shows.
    pub limited: bool,
    /// What was charged back per stream and year (small cells hidden).
    pub per_year: crate::model::Table,
}

/// How many charges a stream owner's list shows at most.
pub const OWNER_LIST_LIMIT: i64 = 500;

/// The evidence behind a charge, as its stream owner sees it: the frozen
/// canvas's lines on the stream and the return per stream; no household texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceView {
    pub charge: OwnerCharge,
    pub canvas_version: i64,
    pub horizon: doorbraak::canvas::Horizon,
    pub threatening: Vec<doorbraak::canvas::ScenarioLine>,
    pub realistic: Vec<doorbraak::canvas::ScenarioLine>,
    pub calculation: Option<doorbraak::returns::ReturnCalculation>,
}

/// The backoffice's open disputes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputesView {
    pub disputes: Vec<OwnerCharge>,
    pub today: NaiveDate,
}

/// A stream owner and the streams they answer for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamOwner {
    pub user_id: i64,
    pub name: String,
    /// `JW, PW`.
    pub streams: String,
}
