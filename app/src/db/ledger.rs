//! The revolving fund in SQLite. Every operation is decided by the core's
//! `ledger::plan` against a snapshot of exactly the rows it touches, then
//! written — transaction, postings, balances, holds, yearly totals — inside
//! the caller's `BEGIN IMMEDIATE` transaction. The idempotency key is unique:
//! a retry returns the first result and books nothing.

use chrono::NaiveDate;
use doorbraak::ledger::{
    Account, Booked, CaseId, Change, FundPosition, HoldState, LedgerError, LedgerView, Operation,
    Posting, Receipt, Transaction, TxId, Year, plan,
};
use doorbraak::{Money, StreamCode};
use sqlx::SqliteConnection;

/// What can go wrong when booking: a rule of the fund, or the database.
#[derive(Debug)]
pub enum BookError {
    Rule(LedgerError),
    Db(sqlx::Error),
}

impl From<sqlx::Error> for BookError {
    fn from(e: sqlx::Error) -> Self {
        BookError::Db(e)
    }
}

impl From<LedgerError> for BookError {
    fn from(e: LedgerError) -> Self {
        BookError::Rule(e)
    }
}

/// The canonical key and columns of an account.
fn key(
    account: Account,
) -> (
    String,
    &'static str,
    Option<String>,
    Option<i64>,
    Option<i64>,
) {
    match account {
        Account::Budget { stream, year } => (
            format!("budget:{stream}:{year}"),
            "budget",
            Some(stream.to_string()),
            Some(i64::from(year)),
            None,
        ),
        Account::Fund { year } => (
            format!("fund:{year}"),
            "fund",
            None,
            Some(i64::from(year)),
            None,
        ),
        Account::Hold { case } => (format!("hold:{case}"), "hold", None, None, Some(case)),
        Account::Paid { year } => (
            format!("paid:{year}"),
            "paid",
            None,
            Some(i64::from(year)),
            None,
        ),
        Account::Receivable { stream, case } => (
            format!("receivable:{stream}:{case}"),
            "receivable",
            Some(stream.to_string()),
            None,
            Some(case),
        ),
        Account::Payer { stream } => (
            format!("payer:{stream}"),
            "payer",
            Some(stream.to_string()),
            None,
            None,
        ),
    }
}

fn account_from(
    kind: &str,
    stream: Option<String>,
    year: Option<i64>,
    case: Option<i64>,
) -> Option<Account> {
    let stream = || stream.as_deref().and_then(|s| StreamCode::new(s).ok());
    let year = || year.and_then(|y| Year::try_from(y).ok());
    Some(match kind {
        "budget" => Account::Budget {
            stream: stream()?,
            year: year()?,
        },
        "fund" => Account::Fund { year: year()? },
        "hold" => Account::Hold { case: case? },
        "paid" => Account::Paid { year: year()? },
        "receivable" => Account::Receivable {
            stream: stream()?,
            case: case?,
        },
        "payer" => Account::Payer { stream: stream()? },
        _ => return None,
    })
}

fn kind_of(op: &Operation) -> &'static str {
    match op {
        Operation::Fund { .. } => "fund",
        Operation::Hold { .. } => "hold",
        Operation::Pay { .. } => "pay",
        Operation::Release { .. } => "release",
        Operation::ChargeBack { .. } => "chargeback",
        Operation::Claim { .. } => "claim",
        Operation::Receive { .. } => "receive",
        Operation::Refuse { .. } => "refuse",
        Operation::Prebook { .. } => "prebook",
        Operation::TrueUp { .. } => "true_up",
        Operation::Reverse { .. } => "reverse",
    }
}

fn case_of(op: &Operation) -> Option<CaseId> {
    match *op {
        Operation::Hold { case, .. }
        | Operation::Pay { case, .. }
        | Operation::Release { case, .. }
        | Operation::ChargeBack { case, .. }
        | Operation::Claim { case, .. }
        | Operation::Receive { case, .. }
        | Operation::Refuse { case, .. } => Some(case),
        _ => None,
    }
}

fn date_of(op: &Operation) -> NaiveDate {
    match *op {
        Operation::Fund { date, .. }
        | Operation::Hold { date, .. }
        | Operation::Pay { date, .. }
        | Operation::Release { date, .. }
        | Operation::ChargeBack { date, .. }
        | Operation::Claim { date, .. }
        | Operation::Receive { date, .. }
        | Operation::Refuse { date, .. }
        | Operation::Prebook { date, .. }
        | Operation::TrueUp { date, .. }
        | Operation::Reverse { date, .. } => date,
    }
}

/// The rows an operation is decided against.
struct Snapshot {
    reservation: StreamCode,
    balances: Vec<(Account, Money)>,
    holds: Vec<(CaseId, HoldState)>,
    booked: Option<(TxId, Booked)>,
}

impl LedgerView for Snapshot {
    fn reservation(&self) -> StreamCode {
        self.reservation
    }
    fn balance(&self, account: Account) -> Money {
        self.balances
            .iter()
            .find(|(a, _)| *a == account)
            .map_or(Money::ZERO, |(_, m)| *m)
    }
    fn hold(&self, case: CaseId) -> Option<HoldState> {
        self.holds.iter().find(|(c, _)| *c == case).map(|(_, h)| *h)
    }
    fn booked(&self, tx: TxId) -> Option<Booked> {
        self.booked
            .as_ref()
            .filter(|(id, _)| *id == tx)
            .map(|(_, b)| b.clone())
    }
}

pub async fn reservation_stream(conn: &mut SqliteConnection) -> Result<StreamCode, sqlx::Error> {
    let code: Option<String> =
        sqlx::query_scalar("SELECT code FROM streams WHERE holds_reservation = 1")
            .fetch_optional(&mut *conn)
            .await?;
    Ok(code
        .and_then(|c| StreamCode::new(&c).ok())
        .unwrap_or(StreamCode::WMO))
}

/// Whether a transaction with this idempotency key was booked.
pub async fn is_booked(conn: &mut SqliteConnection, key: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM ledger_transactions WHERE idempotency_key = ?1)",
    )
    .bind(key)
    .fetch_one(&mut *conn)
    .await
}

pub async fn balance(conn: &mut SqliteConnection, account: Account) -> Result<Money, sqlx::Error> {
    let (key, ..) = key(account);
    let cents: Option<i64> =
        sqlx::query_scalar("SELECT balance_cents FROM account_balances WHERE account = ?1")
            .bind(key)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(Money::from_cents(cents.unwrap_or(0)).unwrap_or(Money::ZERO))
}

pub async fn hold(
    conn: &mut SqliteConnection,
    case: CaseId,
) -> Result<Option<HoldState>, sqlx::Error> {
    let row: Option<(i64, String, bool, i64, i64)> = sqlx::query_as(
        "SELECT year, hold_date, open, paid_cents, recovered_cents FROM holds WHERE case_id = ?1",
    )
    .bind(case)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.and_then(|(year, date, open, paid, recovered)| {
        Some(HoldState {
            year: Year::try_from(year).ok()?,
            date: NaiveDate::parse_from_str(&date, "%Y-%m-%d").ok()?,
            open,
            paid,
            recovered,
        })
    }))
}

/// kind, stream, year, case, amount in cents.
type PostingRow = (String, Option<String>, Option<i64>, Option<i64>, i64);

async fn booked(conn: &mut SqliteConnection, id: TxId) -> Result<Option<Booked>, sqlx::Error> {
    let Ok(row_id) = i64::try_from(id.0) else {
        return Ok(None);
    };
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT operation, tx_date FROM ledger_transactions WHERE id = ?1")
            .bind(row_id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((operation, date)) = row else {
        return Ok(None);
    };
    let Ok(op) = serde_json::from_str::<Operation>(&operation) else {
        return Ok(None);
    };
    let Ok(date) = NaiveDate::parse_from_str(&date, "%Y-%m-%d") else {
        return Ok(None);
    };
    let rows: Vec<PostingRow> = sqlx::query_as(
        "SELECT kind, stream_code, year, case_id, amount_cents FROM ledger_postings WHERE tx_id = ?1 ORDER BY id",
    )
    .bind(row_id)
    .fetch_all(&mut *conn)
    .await?;
    let postings: Option<Vec<Posting>> = rows
        .into_iter()
        .map(|(kind, stream, year, case, cents)| {
            Some(Posting {
                account: account_from(&kind, stream, year, case)?,
                amount: Money::from_cents(cents).ok()?,
            })
        })
        .collect();
    let reversed: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM ledger_transactions WHERE reverses = ?1)")
            .bind(row_id)
            .fetch_one(&mut *conn)
            .await?;
    // A release of a fully paid hold is recorded without postings.
    let tx = match postings.filter(|p| !p.is_empty()) {
        Some(postings) => match Transaction::new(date, postings) {
            Ok(tx) => tx,
            Err(_) => return Ok(None),
        },
        None => return Ok(None),
    };
    Ok(Some(Booked { op, tx, reversed }))
}

async fn snapshot(conn: &mut SqliteConnection, op: &Operation) -> Result<Snapshot, sqlx::Error> {
    let reservation = reservation_stream(conn).await?;
    let mut holds = Vec::new();
    let mut accounts: Vec<Account> = Vec::new();
    let mut booked_tx = None;
    if let Operation::Reverse { tx, .. } = op
        && let Some(b) = booked(conn, *tx).await?
    {
        accounts.extend(b.tx.postings().iter().map(|p| p.account));
        if let Some(case) = case_of(&b.op) {
            holds.extend(hold(conn, case).await?.map(|h| (case, h)));
        }
        booked_tx = Some((*tx, b));
    }
    if let Some(case) = case_of(op) {
        let h = hold(conn, case).await?;
        accounts.push(Account::Hold { case });
        if let Some(h) = h {
            accounts.push(Account::Fund { year: h.year });
            accounts.push(Account::Paid { year: h.year });
            holds.push((case, h));
        }
        if let Operation::Receive { stream, .. } | Operation::Refuse { stream, .. } = *op {
            accounts.push(Account::Receivable { stream, case });
        }
    }
    match *op {
        Operation::Fund { year, .. }
        | Operation::Hold { year, .. }
        | Operation::Prebook { year, .. }
        | Operation::TrueUp { year, .. } => {
            accounts.push(Account::Fund { year });
        }
        _ => {}
    }
    // Reversals touch the holds of every case their postings name.
    for account in accounts.clone() {
        if let Account::Hold { case } | Account::Receivable { case, .. } = account
            && !holds.iter().any(|(c, _)| *c == case)
        {
            holds.extend(hold(conn, case).await?.map(|h| (case, h)));
        }
    }
    let mut balances = Vec::with_capacity(accounts.len());
    for account in accounts {
        if !balances.iter().any(|(a, _)| *a == account) {
            let b = balance(conn, account).await?;
            balances.push((account, b));
        }
    }
    Ok(Snapshot {
        reservation,
        balances,
        holds,
        booked: booked_tx,
    })
}

/// Books an operation once per idempotency key, inside the caller's
/// transaction (which should have been opened with `BEGIN IMMEDIATE`).
pub async fn execute(
    conn: &mut SqliteConnection,
    key_text: &str,
    op: Operation,
    now: &str,
    actor: Option<i64>,
) -> Result<Receipt, BookError> {
    if key_text.trim().is_empty() {
        return Err(LedgerError::MissingIdempotencyKey.into());
    }
    let existing: Option<(i64, String)> =
        sqlx::query_as("SELECT id, operation FROM ledger_transactions WHERE idempotency_key = ?1")
            .bind(key_text)
            .fetch_optional(&mut *conn)
            .await?;
    if let Some((id, operation)) = existing {
        let first: Option<Operation> = serde_json::from_str(&operation).ok();
        return if first == Some(op) {
            Ok(Receipt {
                tx: u64::try_from(id).ok().map(TxId),
                replayed: true,
            })
        } else {
            Err(LedgerError::IdempotencyConflict(key_text.to_string()).into())
        };
    }
    let view = snapshot(conn, &op).await?;
    let planned = plan(op, &view)?;
    let case = case_of(&op).or_else(|| view.booked.as_ref().and_then(|(_, b)| case_of(&b.op)));
    let year = match op {
        Operation::Fund { year, .. }
        | Operation::Hold { year, .. }
        | Operation::Prebook { year, .. }
        | Operation::TrueUp { year, .. } => Some(year),
        _ => case.and_then(|c| view.hold(c)).map(|h| h.year),
    };
    let reverses = match op {
        Operation::Reverse { tx, .. } => i64::try_from(tx.0).ok(),
        _ => None,
    };
    let operation = serde_json::to_string(&op)
        .map_err(|e| BookError::Db(sqlx::Error::Protocol(e.to_string())))?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO ledger_transactions (idempotency_key, kind, operation, tx_date, year, case_id, reverses, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
    )
    .bind(key_text)
    .bind(kind_of(&op))
    .bind(operation)
    .bind(date_of(&op).format("%Y-%m-%d").to_string())
    .bind(year)
    .bind(case)
    .bind(reverses)
    .bind(now)
    .bind(actor)
    .fetch_one(&mut *conn)
    .await?;
    if let Some(tx) = &planned.transaction {
        for p in tx.postings() {
            let (account, kind, stream, year, case) = key(p.account);
            sqlx::query(
                "INSERT INTO ledger_postings (tx_id, account, kind, stream_code, year, case_id, amount_cents)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .bind(id)
            .bind(&account)
            .bind(kind)
            .bind(stream)
            .bind(year)
            .bind(case)
            .bind(p.amount.cents())
            .execute(&mut *conn)
            .await?;
            // Update first: SQLite checks an upsert's CHECK on the proposed row,
            // which for a debit would be the negative amount itself.
            let updated = sqlx::query(
                "UPDATE account_balances SET balance_cents = balance_cents + ?2 WHERE account = ?1",
            )
            .bind(&account)
            .bind(p.amount.cents())
            .execute(&mut *conn)
            .await?;
            if updated.rows_affected() == 0 {
                sqlx::query("INSERT INTO account_balances (account, kind, balance_cents) VALUES (?1, ?2, ?3)")
                    .bind(&account)
                    .bind(kind)
                    .bind(p.amount.cents())
                    .execute(&mut *conn)
                    .await?;
            }
        }
    }
    for change in planned.changes {
        apply_change(conn, change).await?;
    }
    Ok(Receipt {
        tx: u64::try_from(id).ok().map(TxId),
        replayed: false,
    })
}

async fn apply_change(conn: &mut SqliteConnection, change: Change) -> Result<(), sqlx::Error> {
    let year_row = |year: Year| {
        sqlx::query("INSERT INTO fund_years (year) VALUES (?1) ON CONFLICT (year) DO NOTHING")
            .bind(year)
    };
    match change {
        Change::HoldPlaced { case, year, date } => {
            sqlx::query("INSERT INTO holds (case_id, year, hold_date, open, paid_cents, recovered_cents) VALUES (?1, ?2, ?3, 1, 0, 0)")
                .bind(case)
                .bind(year)
                .bind(date.format("%Y-%m-%d").to_string())
                .execute(&mut *conn)
                .await?;
        }
        Change::HoldRemoved { case } => {
            sqlx::query("DELETE FROM holds WHERE case_id = ?1")
                .bind(case)
                .execute(&mut *conn)
                .await?;
        }
        Change::HoldOpen { case, open } => {
            sqlx::query("UPDATE holds SET open = ?2 WHERE case_id = ?1")
                .bind(case)
                .bind(open)
                .execute(&mut *conn)
                .await?;
        }
        Change::HoldPaid { case, cents } => {
            sqlx::query("UPDATE holds SET paid_cents = paid_cents + ?2 WHERE case_id = ?1")
                .bind(case)
                .bind(cents)
                .execute(&mut *conn)
                .await?;
        }
        Change::HoldRecovered { case, cents } => {
            sqlx::query(
                "UPDATE holds SET recovered_cents = recovered_cents + ?2 WHERE case_id = ?1",
            )
            .bind(case)
            .bind(cents)
            .execute(&mut *conn)
            .await?;
        }
        Change::Funded { year, cents }
        | Change::Recovered { year, cents }
        | Change::Held { year, cents } => {
            year_row(year).execute(&mut *conn).await?;
            let column = match change {
                Change::Funded { .. } => "funded_cents",
                Change::Recovered { .. } => "recovered_cents",
                _ => "held_cents",
            };
            sqlx::query(&format!(
                "UPDATE fund_years SET {column} = {column} + ?2 WHERE year = ?1"
            ))
            .bind(year)
            .bind(cents)
            .execute(&mut *conn)
            .await?;
        }
        Change::Reversed { .. } => {}
    }
    Ok(())
}

/// The fund of a year: funded, recovered, held, paid, available. Reads three
/// rows by primary key; its cost does not grow with the ledger.
pub async fn position(
    conn: &mut SqliteConnection,
    year: Year,
) -> Result<FundPosition, sqlx::Error> {
    let (paid, ..) = key(Account::Paid { year });
    let (fund, ..) = key(Account::Fund { year });
    /// funded, recovered, held, paid, available (cents).
    type PositionRow = (
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
    );
    let row: PositionRow = sqlx::query_as(
        "SELECT y.funded_cents, y.recovered_cents, y.held_cents,
                (SELECT balance_cents FROM account_balances WHERE account = ?2),
                (SELECT balance_cents FROM account_balances WHERE account = ?3)
         FROM (SELECT 1) LEFT JOIN fund_years y ON y.year = ?1",
    )
    .bind(year)
    .bind(paid)
    .bind(fund)
    .fetch_one(&mut *conn)
    .await?;
    let m = |c: Option<i64>| Money::from_cents(c.unwrap_or(0)).unwrap_or(Money::ZERO);
    Ok(FundPosition {
        funded: m(row.0),
        recovered: m(row.1),
        held: m(row.2),
        paid: m(row.3),
        available: m(row.4),
    })
}

/// The ledger account of a year's fund.
pub fn fund_account(year: Year) -> String {
    key(Account::Fund { year }).0
}

/// The ledger account of a case's hold.
pub fn hold_account(case: CaseId) -> String {
    key(Account::Hold { case }).0
}

/// What a case's canvas version asks and what its hold holds, in one query:
/// (requested, paid so far, still open on the hold), in cents.
pub async fn case_money(
    conn: &mut SqliteConnection,
    case: CaseId,
    version: i64,
) -> Result<(i64, i64, i64), sqlx::Error> {
    let (hold, ..) = key(Account::Hold { case });
    let row: (Option<i64>, Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT (SELECT investment_cents FROM canvases WHERE case_id = ?1 AND version = ?2),
                (SELECT paid_cents FROM holds WHERE case_id = ?1),
                (SELECT balance_cents FROM account_balances WHERE account = ?3)",
    )
    .bind(case)
    .bind(version)
    .bind(hold)
    .fetch_one(&mut *conn)
    .await?;
    Ok((row.0.unwrap_or(0), row.1.unwrap_or(0), row.2.unwrap_or(0)))
}

/// Transactions whose postings do not sum to zero (must always be none).
pub async fn unbalanced_transactions(conn: &mut SqliteConnection) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT tx_id FROM ledger_postings GROUP BY tx_id HAVING sum(amount_cents) <> 0",
    )
    .fetch_all(&mut *conn)
    .await
}

/// Accounts whose stored balance differs from the sum of their postings (must always be none).
pub async fn drifted_balances(conn: &mut SqliteConnection) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT b.account FROM account_balances b
         LEFT JOIN (SELECT account, sum(amount_cents) AS total FROM ledger_postings GROUP BY account) p ON p.account = b.account
         WHERE b.balance_cents <> coalesce(p.total, 0)",
    )
    .fetch_all(&mut *conn)
    .await
}
