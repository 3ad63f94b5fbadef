//! The reconciliation page: the three sides per year and stream, and the fund's identity.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReconcileLine {
    pub year: i64,
    pub stream: doorbraak::StreamCode,
    pub kind: doorbraak::chargeback::ChargeKind,
    pub ledger: doorbraak::Money,
    pub runs: doorbraak::Money,
    pub exports: doorbraak::Money,
}

impl ReconcileLine {
    pub fn agrees(&self) -> bool {
        self.ledger == self.runs && self.runs == self.exports
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundCheck {
    pub year: i32,
    pub position: doorbraak::ledger::FundPosition,
    pub reconciles: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReconcileView {
    pub lines: Vec<ReconcileLine>,
    pub funds: Vec<FundCheck>,
    /// Ledger transactions whose postings do not sum to zero, and stored
    /// balances that differ from their postings.
    pub unbalanced: usize,
    pub drifted: usize,
}

impl ReconcileView {
    pub fn differences(&self) -> usize {
        self.lines.iter().filter(|l| !l.agrees()).count()
            + self.funds.iter().filter(|f| !f.reconciles).count()
            + self.unbalanced
            + self.drifted
    }
}
