//! Chargeback runs and claims as the backoffice sees them.

use serde::{Deserialize, Serialize};

/// A run as lists and the run page show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRow {
    pub id: i64,
    pub kind: String,
    pub status: String,
    pub period_from: String,
    pub period_to: String,
    pub reverses: Option<i64>,
    pub reversed_case: Option<i64>,
    pub reason: Option<String>,
    pub booking_date: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub created_by: String,
    pub posted_at: Option<String>,
    pub cases: i64,
    /// Reversal runs made of this one.
    pub reversed_by: Vec<i64>,
}

/// A claim on an external payer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimRow {
    pub id: i64,
    pub run_id: i64,
    pub case_id: i64,
    pub reference: String,
    pub stream: String,
    pub amount_cents: i64,
    /// open, invoiced, paid, refused or withdrawn.
    pub status: String,
    pub invoice_number: Option<String>,
    pub invoice_date: Option<String>,
    pub closed_on: Option<String>,
    pub reason: Option<String>,
    pub version: i64,
}
