//! Chargeback runs and claims as the backoffice sees them.

use chrono::NaiveDate;
use doorbraak::claim::ClaimStatus;
use doorbraak::run::{RunKind, RunStatus};
use doorbraak::{Money, StreamCode};
use serde::{Deserialize, Serialize};

/// A run as lists and the run page show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRow {
    pub id: i64,
    pub kind: RunKind,
    pub status: RunStatus,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub reverses: Option<i64>,
    pub reversed_case: Option<i64>,
    pub reason: Option<String>,
    pub booking_date: Option<NaiveDate>,
    pub version: i64,
    pub created_at: String,
    pub created_by: String,
    pub posted_at: Option<String>,
    pub cases: i64,
    /// Reversal runs made of this one.
    pub reversed_by: Vec<i64>,
}

impl RunRow {
    /// The run's state in Dutch: a reversal is posted when it is made.
    pub fn label_nl(&self) -> &'static str {
        match self.kind {
            RunKind::Reversal => "Correctie (geboekt)",
            RunKind::Chargeback => self.status.label_nl(),
        }
    }

    pub fn facts(&self) -> doorbraak::posting::RunFacts {
        doorbraak::posting::RunFacts {
            id: self.id,
            kind: self.kind,
            status: self.status,
            version: self.version,
        }
    }
}

/// A claim on an external payer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimRow {
    pub id: i64,
    pub run_id: i64,
    pub case_id: i64,
    pub reference: String,
    pub stream: StreamCode,
    pub amount: Money,
    pub status: ClaimStatus,
    pub invoice_id: Option<i64>,
    pub invoice_number: Option<String>,
    pub invoice_date: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub reason: Option<String>,
    pub version: i64,
    /// The agreement version the claim was made under: `v2 (CZ-2026-014)`.
    pub agreement: Option<String>,
}

impl ClaimRow {
    pub fn stored(&self) -> doorbraak::posting::StoredClaim {
        doorbraak::posting::StoredClaim {
            id: self.id,
            version: self.version,
            case: self.case_id,
            reference: self.reference.clone(),
            stream: self.stream,
            status: self.status,
        }
    }
}

/// Cases shown per page of a run.
pub const CASES_PER_PAGE: usize = 50;

/// The runs page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunsOverview {
    pub runs: Vec<RunRow>,
    /// Settled cases not yet charged back.
    pub waiting: i64,
    pub today: NaiveDate,
}

/// One case of a run as the preview shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunCaseView {
    pub case_id: i64,
    pub reference: String,
    pub settled: Money,
    /// The responsibility key as typed (`JW 60, PW 40`); none for the beneficiary key.
    pub responsibility: Option<String>,
    pub excluded: bool,
    pub reason: Option<String>,
    pub charges: Vec<ChargeView>,
    pub residual: Money,
    /// Why the residual stays on the Wmo: (stream, reason in Dutch, amount).
    pub residual_why: Vec<(StreamCode, String, Money)>,
    /// Why the key cannot be applied.
    pub refused: Option<String>,
    /// The frozen canvas's avoided costs per stream: the evidence.
    pub evidence: Vec<(StreamCode, Money)>,
}

/// One charge of a case in a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargeView {
    pub stream: StreamCode,
    pub amount: Money,
    pub claim: bool,
    /// A claim's agreement version, as `ZVW v2 (CZ-2026-014): 50 %, geen plafond`.
    pub agreement: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunTotal {
    pub stream: StreamCode,
    pub name: String,
    pub claim: bool,
    pub amount: Money,
    pub cases: u32,
}

/// The run page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunView {
    pub run: RunRow,
    pub cases: Vec<RunCaseView>,
    pub page: usize,
    pub case_count: usize,
    pub totals: Vec<RunTotal>,
    pub settled: Money,
    pub internal: Money,
    pub claims_total: Money,
    pub residual: Money,
    /// Why the draft cannot be posted as it is.
    pub blocked: Vec<doorbraak::posting::Blocker>,
    pub claims: Vec<ClaimRow>,
    pub today: NaiveDate,
    /// Cases the run charges (neither excluded nor refused).
    pub charged_cases: usize,
    /// The case asked for by reference (`?casus=`), from any page.
    pub selected: Option<RunCaseView>,
    /// A reference asked for that is not in the run.
    pub not_in_run: Option<String>,
}

/// An invoice on an external payer: one claim, or many (*verzamelfactuur*).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceRow {
    pub id: i64,
    pub number: String,
    pub stream: StreamCode,
    pub date: NaiveDate,
    pub claims: i64,
    pub total: Money,
    pub paid: i64,
    pub refused: i64,
}

/// The claims page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimsView {
    pub claims: Vec<ClaimRow>,
    pub today: NaiveDate,
    /// Payers with open claims: count and total.
    pub payers: Vec<(StreamCode, i64, Money)>,
    /// The payer chosen to invoice, with its open claims.
    pub payer: Option<StreamCode>,
    /// Why a payer asked for is not offered.
    pub payer_note: Option<String>,
    pub to_invoice: Vec<ClaimRow>,
    /// The newest invoices.
    pub invoices: Vec<InvoiceRow>,
}

/// The most claims one collective invoice takes.
pub const INVOICE_LIMIT: usize = 500;
