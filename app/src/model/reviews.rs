//! Charges with their evidence, as a stream owner reviews them.

use serde::{Deserialize, Serialize};

/// A posted charge with its evidence, as a stream owner reviews it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerCharge {
    pub run_id: i64,
    pub case_id: i64,
    pub reference: String,
    pub stream: String,
    /// "internal" or "claim".
    pub kind: String,
    pub year: i64,
    pub amount_cents: i64,
    pub booking_date: String,
    /// The case's settled cost.
    pub settled_cents: i64,
    /// The frozen canvas's figures for this stream.
    pub threatening_cents: i64,
    pub realistic_cents: i64,
    pub avoided_cents: i64,
    /// The case's avoided costs over all streams.
    pub case_avoided_cents: i64,
    pub review_id: Option<i64>,
    /// accepted, disputed or resolved; None before any review.
    pub review: Option<String>,
    pub reason: Option<String>,
    pub review_version: Option<i64>,
    pub resolution: Option<String>,
    pub resolution_reason: Option<String>,
}
