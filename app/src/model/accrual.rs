//! The accrual report of a budget year.

use chrono::NaiveDate;
use doorbraak::{Money, StreamCode};
use serde::{Deserialize, Serialize};

/// One stream in the accrual report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccrualLine {
    pub stream: StreamCode,
    pub prebooked: Money,
    pub realised: Money,
    pub trued_up: Money,
    /// realised − pre-booked − trued up: what a true-up would still book.
    pub open: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccrualView {
    pub year: i32,
    /// None: the year does not exist.
    pub accrual: Option<bool>,
    pub lines: Vec<AccrualLine>,
    pub trued_up: bool,
    pub today: NaiveDate,
}
