//! The doorbraakbudget per year: what it holds, how it was closed.

use chrono::NaiveDate;
use doorbraak::Money;
use doorbraak::ledger::FundPosition;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetYearView {
    pub year: i32,
    pub reservation: Money,
    pub accrual: bool,
    pub position: FundPosition,
}

/// How a year was closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosingView {
    pub year: i32,
    pub carried_over: Money,
    pub returned: Money,
    /// The reference to the decision, e.g. the council decision.
    pub decision: String,
    pub reason: String,
    pub closed_on: NaiveDate,
    pub closed_by: String,
}

/// A reduction of a year's reservation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReductionView {
    pub year: i32,
    pub amount: Money,
    pub reason: String,
    pub on: NaiveDate,
    pub by: String,
}

/// The fund page: every year (newest first), the year shown, closings and
/// reductions, and a token for the forms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundView {
    pub years: Vec<BudgetYearView>,
    pub year: i32,
    pub position: FundPosition,
    pub closings: Vec<ClosingView>,
    pub reductions: Vec<ReductionView>,
    pub today: NaiveDate,
    pub token: String,
}
