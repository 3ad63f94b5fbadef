//! Reconciliation: per year and stream, what the ledger holds as charged
//! back and claimed = what the posted runs booked = what their journals
//! export; and per year, the fund's own identity. Any difference is shown.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::{auth, db};
#[cfg(feature = "ssr")]
use doorbraak::{Money, Role};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReconcileLine {
    pub year: i64,
    pub stream: String,
    /// "internal" or "claim".
    pub kind: String,
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

#[server(endpoint = "reconciliation")]
pub async fn reconciliation() -> Result<ReconcileView, AppError> {
    auth::respond(
        async move {
            auth::require(&[Role::Backoffice]).await?;
            let mut conn = auth::state()?.pool.acquire().await?;
            type Key = (i64, String, String);
            let mut sides: std::collections::BTreeMap<Key, [i64; 3]> = Default::default();
            for (y, s, k, c) in db::runs::ledger_sums(&mut conn).await? {
                sides.entry((y, s, k)).or_default()[0] += c;
            }
            for (y, s, k, c) in db::runs::run_sums(&mut conn).await? {
                sides.entry((y, s, k)).or_default()[1] += c;
            }
            // The exports: every posted run's journal, its debit lines by the
            // stream charged (the credit side is the fund on the Wmo).
            let (runs, years) = db::runs::posted_runs(&mut conn).await?;
            for run in runs {
                let journal = crate::exports::journal(&mut conn, run).await?;
                for line in journal.lines {
                    let Some(kind) = line.charged else { continue };
                    let year = years.get(&line.case_reference).copied().unwrap_or_default();
                    let kind = match kind {
                        doorbraak::chargeback::ChargeKind::Internal => "internal",
                        doorbraak::chargeback::ChargeKind::Claim => "claim",
                    };
                    let cents = line.debit.cents() - line.credit.cents();
                    sides
                        .entry((year, line.stream.to_string(), kind.to_string()))
                        .or_default()[2] += cents;
                }
            }
            let m = |c: i64| Money::from_cents(c).unwrap_or(Money::ZERO);
            let lines = sides
                .into_iter()
                .map(
                    |((year, stream, kind), [ledger, runs, exports])| ReconcileLine {
                        year,
                        stream,
                        kind,
                        ledger: m(ledger),
                        runs: m(runs),
                        exports: m(exports),
                    },
                )
                .collect();
            let mut funds = Vec::new();
            for year in db::budget::year_numbers(&mut conn).await? {
                let position = db::ledger::position(&mut conn, year).await?;
                funds.push(FundCheck {
                    year,
                    reconciles: position.reconciles(),
                    position,
                });
            }
            Ok(ReconcileView {
                lines,
                funds,
                unbalanced: db::ledger::unbalanced_transactions(&mut conn).await?.len(),
                drifted: db::ledger::drifted_balances(&mut conn).await?.len(),
            })
        }
        .await,
    )
}
