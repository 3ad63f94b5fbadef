//! Reconciliation: per year and stream, what the ledger holds as charged
//! back and claimed = what the posted runs booked = what their journals
//! export; and per year, the fund's own identity. Any difference is shown.

use doorbraak::chargeback::ChargeKind;

use crate::context::Read;
use crate::db;
use crate::error::AppError;
use crate::model::*;

pub async fn reconciliation(r: &mut Read) -> Result<ReconcileView, AppError> {
    reconcile(&mut r.conn).await
}

/// The reconciliation on a connection (the page and `doorbraak check`).
pub async fn reconcile(conn: &mut sqlx::SqliteConnection) -> Result<ReconcileView, AppError> {
    type Key = (i64, String, String);
    let mut sides: std::collections::BTreeMap<Key, [i64; 3]> = Default::default();
    for (y, s, k, c) in db::runs::ledger_sums(conn).await? {
        sides.entry((y, s, k)).or_default()[0] += c;
    }
    for (y, s, k, c) in db::runs::run_sums(conn).await? {
        sides.entry((y, s, k)).or_default()[1] += c;
    }
    // The exports: every posted run's journal, its debit lines by the
    // stream charged (the credit side is the fund on the Wmo).
    let (runs, years) = db::runs::posted_runs(conn).await?;
    for run in runs {
        let journal = crate::exports::journal(conn, run).await?;
        for line in journal.lines {
            let Some(kind) = line.charged else { continue };
            // A journal line of a case no charge names is itself a difference: year 0 shows it.
            let year = years.get(&line.case_reference).copied().unwrap_or(0);
            let cents = line.debit.cents() - line.credit.cents();
            sides
                .entry((year, line.stream.to_string(), kind.code().to_string()))
                .or_default()[2] += cents;
        }
    }
    // A sum Money cannot hold is a corrupt row somewhere: an error, never € 0,00.
    let m = |year: i64, c: i64| db::decode::money("run_charges", year, c);
    let lines = sides
        .into_iter()
        .map(|((year, stream, kind), [ledger, runs, exports])| {
            Ok(ReconcileLine {
                year,
                stream: db::decode::stream("run_charges", year, &stream)?,
                kind: db::decode::code("run_charges", year, "kind", &kind, ChargeKind::from_code)?,
                ledger: m(year, ledger)?,
                runs: m(year, runs)?,
                exports: m(year, exports)?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    let mut funds = Vec::new();
    for year in db::budget_years::year_numbers(conn).await? {
        let position = db::ledger::position(conn, year).await?;
        funds.push(FundCheck {
            year,
            reconciles: position.reconciles(),
            position,
        });
    }
    Ok(ReconcileView {
        lines,
        funds,
        unbalanced: db::ledger::unbalanced_transactions(conn).await?.len(),
        drifted: db::ledger::drifted_balances(conn).await?.len(),
    })
}
