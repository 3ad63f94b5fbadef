//! The revolving fund in SQLite. Operations are decided by the core's
//! `ledger::plan` against the rows they touch (loaded in a few queries, each
//! operation seeing the ones before it), then written — transactions,
//! postings, balances, holds, yearly totals — inside the caller's
//! `BEGIN IMMEDIATE` transaction. The idempotency key is unique: a retry
//! returns the first result and books nothing.

use std::collections::{BTreeMap, HashMap, HashSet};

use doorbraak::ledger::{
    Account, Booked, CaseId, Change, FundPosition, HoldState, LedgerError, LedgerView, Operation,
    Plan, Posting, Receipt, Transaction, TxId, Year, YearTotals, plan,
};
use doorbraak::{Money, StreamCode};
use sqlx::{QueryBuilder, SqliteConnection};

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

pub fn account_from(
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
        Operation::ReduceFunding { .. } => "reduce_funding",
        Operation::CloseYear { .. } => "close_year",
        Operation::Reopen { .. } => "reopen",
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
        | Operation::Reopen { case, .. }
        | Operation::ChargeBack { case, .. }
        | Operation::Claim { case, .. }
        | Operation::Receive { case, .. }
        | Operation::Refuse { case, .. } => Some(case),
        _ => None,
    }
}

/// The state a batch of operations is decided against: the rows they touch,
/// loaded in a few queries, with every planned transaction applied in turn so
/// each operation sees the ones before it.
#[derive(Default)]
struct BatchView {
    reservation: Option<StreamCode>,
    /// Balances as loaded (accounts the rules check) ...
    loaded: HashMap<Account, i64>,
    /// ... and what the batch changed, per account.
    delta: HashMap<Account, i64>,
    /// Holds as loaded (None: no hold) and as they are now.
    holds_before: HashMap<CaseId, Option<HoldState>>,
    holds: HashMap<CaseId, HoldState>,
    booked: HashMap<TxId, Booked>,
    /// The ledger row's year of each transaction being reversed.
    booked_years: HashMap<TxId, Option<Year>>,
    /// Years closed before the batch.
    closed: HashSet<Year>,
    /// Changes to the yearly totals.
    years: BTreeMap<Year, YearTotals>,
}

impl LedgerView for BatchView {
    fn reservation(&self) -> StreamCode {
        self.reservation.unwrap_or(StreamCode::WMO)
    }
    fn balance(&self, account: Account) -> Money {
        let cents = self.loaded.get(&account).copied().unwrap_or(0)
            + self.delta.get(&account).copied().unwrap_or(0);
        Money::from_cents(cents).unwrap_or(Money::ZERO)
    }
    fn hold(&self, case: CaseId) -> Option<HoldState> {
        self.holds.get(&case).copied()
    }
    fn booked(&self, tx: TxId) -> Option<Booked> {
        self.booked.get(&tx).cloned()
    }
    fn closed(&self, year: Year) -> bool {
        self.closed.contains(&year) || self.years.get(&year).is_some_and(|t| t.closed)
    }
}

impl BatchView {
    fn apply(&mut self, planned: &Plan) {
        if let Some(tx) = &planned.transaction {
            for p in tx.postings() {
                *self.delta.entry(p.account).or_default() += p.amount.cents();
            }
        }
        for change in &planned.changes {
            if let Some(case) = change.hold_case() {
                match change.apply_to_hold(self.holds.get(&case).copied()) {
                    Some(h) => self.holds.insert(case, h),
                    None => self.holds.remove(&case),
                };
                continue;
            }
            if let Some(year) = change.year() {
                self.years.entry(year).or_default().apply(*change);
                continue;
            }
            if let Change::Reversed { original } = *change
                && let Some(b) = self.booked.get_mut(&original)
            {
                b.reversed = true;
            }
        }
    }
}

/// A ledger rule refusing a booking is a conflict the user is told about.
impl From<BookError> for crate::error::AppError {
    fn from(err: BookError) -> Self {
        match err {
            BookError::Rule(rule) => crate::error::AppError::Conflict(rule.to_string()),
            BookError::Db(db) => db.into(),
        }
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

pub async fn balance(conn: &mut SqliteConnection, account: Account) -> Result<Money, sqlx::Error> {
    let (key, ..) = key(account);
    let cents: Option<i64> =
        sqlx::query_scalar("SELECT balance_cents FROM account_balances WHERE account = ?1")
            .bind(key)
            .fetch_optional(&mut *conn)
            .await?;
    super::decode::money("account_balances", 0, cents.unwrap_or(0))
}

pub async fn hold(
    conn: &mut SqliteConnection,
    case: CaseId,
) -> Result<Option<HoldState>, sqlx::Error> {
    Ok(holds(conn, &[case]).await?.remove(&case))
}

/// Rows per multi-row statement (SQLite allows 32,766 bound values).
pub(crate) const CHUNK: usize = 2_000;

#[derive(sqlx::FromRow)]
struct HoldRecord {
    case_id: i64,
    year: i64,
    hold_date: String,
    open: bool,
    paid_cents: i64,
    recovered_cents: i64,
}

impl HoldRecord {
    fn decode(self) -> Result<HoldState, sqlx::Error> {
        let id = self.case_id;
        Ok(HoldState {
            year: Year::try_from(self.year)
                .map_err(|_| super::decode::corrupt("holds", id, format!("year {}", self.year)))?,
            date: super::decode::date("holds", id, &self.hold_date)?,
            open: self.open,
            paid: self.paid_cents,
            recovered: self.recovered_cents,
        })
    }
}

async fn holds(
    conn: &mut SqliteConnection,
    cases: &[CaseId],
) -> Result<HashMap<CaseId, HoldState>, sqlx::Error> {
    let mut out = HashMap::with_capacity(cases.len());
    for chunk in cases.chunks(CHUNK) {
        let mut q = QueryBuilder::new(
            "SELECT case_id, year, hold_date, open, paid_cents, recovered_cents FROM holds WHERE case_id IN (",
        );
        let mut ids = q.separated(", ");
        for case in chunk {
            ids.push_bind(*case);
        }
        q.push(")");
        let rows: Vec<HoldRecord> = q.build_query_as().fetch_all(&mut *conn).await?;
        for row in rows {
            out.insert(row.case_id, row.decode()?);
        }
    }
    Ok(out)
}

async fn balances(
    conn: &mut SqliteConnection,
    accounts: &[Account],
) -> Result<HashMap<Account, i64>, sqlx::Error> {
    let mut out = HashMap::with_capacity(accounts.len());
    for chunk in accounts.chunks(CHUNK) {
        let keys: HashMap<String, Account> = chunk.iter().map(|a| (key(*a).0, *a)).collect();
        let mut q = QueryBuilder::new(
            "SELECT account, balance_cents FROM account_balances WHERE account IN (",
        );
        let mut list = q.separated(", ");
        for k in keys.keys() {
            list.push_bind(k.clone());
        }
        q.push(")");
        let rows: Vec<(String, i64)> = q.build_query_as().fetch_all(&mut *conn).await?;
        for (k, cents) in rows {
            if let Some(a) = keys.get(&k) {
                out.insert(*a, cents);
            }
        }
    }
    Ok(out)
}

#[derive(sqlx::FromRow)]
struct PostingRecord {
    tx_id: i64,
    kind: String,
    stream_code: Option<String>,
    year: Option<i64>,
    case_id: Option<i64>,
    amount_cents: i64,
}

#[derive(sqlx::FromRow)]
struct TxRecord {
    id: i64,
    operation: String,
    tx_date: String,
    year: Option<i64>,
    reversed: bool,
}

/// Booked transactions with their postings and whether they were reversed,
/// and the year their ledger row carries.
async fn booked(
    conn: &mut SqliteConnection,
    ids: &[TxId],
) -> Result<(HashMap<TxId, Booked>, HashMap<TxId, Option<Year>>), sqlx::Error> {
    let mut out = HashMap::new();
    let mut years = HashMap::new();
    let ids: Vec<i64> = ids.iter().filter_map(|t| i64::try_from(t.0).ok()).collect();
    for chunk in ids.chunks(CHUNK) {
        let push_ids = |q: &mut QueryBuilder<'_, sqlx::Sqlite>| {
            let mut list = q.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            q.push(")");
        };
        let mut q = QueryBuilder::new(
            "SELECT t.id, t.operation, t.tx_date, t.year,
                    EXISTS (SELECT 1 FROM ledger_transactions r WHERE r.reverses = t.id) AS reversed
             FROM ledger_transactions t WHERE t.id IN (",
        );
        push_ids(&mut q);
        let txs: Vec<TxRecord> = q.build_query_as().fetch_all(&mut *conn).await?;
        let mut q = QueryBuilder::new(
            "SELECT tx_id, kind, stream_code, year, case_id, amount_cents FROM ledger_postings WHERE tx_id IN (",
        );
        push_ids(&mut q);
        q.push(" ORDER BY id");
        let rows: Vec<PostingRecord> = q.build_query_as().fetch_all(&mut *conn).await?;
        let mut postings: HashMap<i64, Vec<Posting>> = HashMap::new();
        for r in rows {
            const T: &str = "ledger_postings";
            let account =
                account_from(&r.kind, r.stream_code, r.year, r.case_id).ok_or_else(|| {
                    super::decode::corrupt(T, r.tx_id, format!("account of kind {:?}", r.kind))
                })?;
            let amount = super::decode::money(T, r.tx_id, r.amount_cents)?;
            postings
                .entry(r.tx_id)
                .or_default()
                .push(Posting { account, amount });
        }
        for t in txs {
            const T: &str = "ledger_transactions";
            let op = serde_json::from_str::<Operation>(&t.operation)
                .map_err(|e| super::decode::corrupt(T, t.id, format!("operation: {e}")))?;
            let date = super::decode::date(T, t.id, &t.tx_date)?;
            // A release of a fully paid hold is recorded without postings:
            // nothing of it can be reversed.
            let Some(postings) = postings.remove(&t.id) else {
                continue;
            };
            let tx = Transaction::new(date, postings)
                .map_err(|e| super::decode::corrupt(T, t.id, format!("unbalanced: {e}")))?;
            let tx_id = u64::try_from(t.id)
                .map_err(|_| super::decode::corrupt(T, t.id, "negative id".into()))?;
            let year = t
                .year
                .map(|y| {
                    Year::try_from(y)
                        .map_err(|_| super::decode::corrupt(T, t.id, format!("year {y}")))
                })
                .transpose()?;
            years.insert(TxId(tx_id), year);
            out.insert(
                TxId(tx_id),
                Booked {
                    op,
                    tx,
                    reversed: t.reversed,
                },
            );
        }
    }
    Ok((out, years))
}

/// Loads what the operations are decided against: the holds of every case
/// they name, the transactions they reverse, and each account the rules check.
async fn load_view(
    conn: &mut SqliteConnection,
    ops: &[&Operation],
) -> Result<BatchView, sqlx::Error> {
    let mut view = BatchView {
        reservation: Some(reservation_stream(conn).await?),
        ..BatchView::default()
    };
    let reversed: Vec<TxId> = ops
        .iter()
        .filter_map(|op| match op {
            Operation::Reverse { tx, .. } => Some(*tx),
            _ => None,
        })
        .collect();
    (view.booked, view.booked_years) = booked(conn, &reversed).await?;
    view.closed = sqlx::query_scalar::<_, Year>("SELECT year FROM fund_years WHERE closed = 1")
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect();
    let mut cases: HashSet<CaseId> = ops.iter().filter_map(|op| case_of(op)).collect();
    for b in view.booked.values() {
        cases.extend(case_of(&b.op));
        for p in b.tx.postings() {
            if let Account::Hold { case } | Account::Receivable { case, .. } = p.account {
                cases.insert(case);
            }
        }
    }
    let cases: Vec<CaseId> = cases.into_iter().collect();
    view.holds = holds(conn, &cases).await?;
    view.holds_before = cases
        .iter()
        .map(|c| (*c, view.holds.get(c).copied()))
        .collect();
    let mut accounts: HashSet<Account> = HashSet::new();
    for b in view.booked.values() {
        accounts.extend(b.tx.postings().iter().map(|p| p.account));
    }
    for op in ops {
        // Money that comes back is booked in the year of its date.
        accounts.insert(Account::Fund {
            year: chrono::Datelike::year(&op.date()),
        });
        if let Some(case) = case_of(op) {
            accounts.insert(Account::Hold { case });
            if let Some(h) = view.holds.get(&case) {
                accounts.insert(Account::Fund { year: h.year });
                accounts.insert(Account::Paid { year: h.year });
            }
        }
        match **op {
            Operation::Receive { stream, case, .. }
            | Operation::Refuse { stream, case, .. }
            | Operation::Claim { stream, case, .. } => {
                accounts.insert(Account::Receivable { stream, case });
            }
            Operation::Fund { year, .. }
            | Operation::ReduceFunding { year, .. }
            | Operation::Hold { year, .. }
            | Operation::Prebook { year, .. }
            | Operation::TrueUp { year, .. } => {
                accounts.insert(Account::Fund { year });
            }
            Operation::CloseYear { year, .. } => {
                accounts.insert(Account::Fund { year });
                accounts.insert(Account::Fund { year: year + 1 });
            }
            _ => {}
        }
    }
    let accounts: Vec<Account> = accounts.into_iter().collect();
    view.loaded = balances(conn, &accounts).await?;
    Ok(view)
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
    let mut receipts = execute_all(conn, &[(key_text.to_string(), op)], now, actor).await?;
    receipts
        .pop()
        .ok_or(BookError::Rule(LedgerError::NotPositive))
}

/// Books operations in order, each once per idempotency key, inside the
/// caller's `BEGIN IMMEDIATE` transaction: all of them or — on the first
/// refusal — none (the caller rolls back). A key booked before with the same
/// operation is replayed; with another operation it is refused. The rows are
/// read and written in a few multi-row statements, so a run over ten
/// thousand cases books in well under a second.
pub async fn execute_all(
    conn: &mut SqliteConnection,
    ops: &[(String, Operation)],
    now: &str,
    actor: Option<i64>,
) -> Result<Vec<Receipt>, BookError> {
    if ops.iter().any(|(k, _)| k.trim().is_empty()) {
        return Err(LedgerError::MissingIdempotencyKey.into());
    }
    // Keys booked before: replay or conflict.
    let mut existing: HashMap<String, (i64, String)> = HashMap::new();
    for chunk in ops.chunks(CHUNK) {
        let mut q = QueryBuilder::new(
            "SELECT idempotency_key, id, operation FROM ledger_transactions WHERE idempotency_key IN (",
        );
        let mut list = q.separated(", ");
        for (k, _) in chunk {
            list.push_bind(k.as_str());
        }
        q.push(")");
        let rows: Vec<(String, i64, String)> = q.build_query_as().fetch_all(&mut *conn).await?;
        existing.extend(rows.into_iter().map(|(k, id, op)| (k, (id, op))));
    }
    let fresh: Vec<&Operation> = ops
        .iter()
        .filter(|(k, _)| !existing.contains_key(k))
        .map(|(_, op)| op)
        .collect();
    let mut view = load_view(conn, &fresh).await?;
    let next_id: i64 =
        sqlx::query_scalar("SELECT coalesce(max(id), 0) + 1 FROM ledger_transactions")
            .fetch_one(&mut *conn)
            .await?;
    let mut receipts = Vec::with_capacity(ops.len());
    let mut rows: Vec<TxRow> = Vec::with_capacity(fresh.len());
    let mut seen: HashSet<&str> = HashSet::with_capacity(ops.len());
    for (key_text, op) in ops {
        if let Some((id, operation)) = existing.get(key_text) {
            let first: Option<Operation> = serde_json::from_str(operation).ok();
            if first != Some(*op) {
                return Err(LedgerError::IdempotencyConflict(key_text.clone()).into());
            }
            receipts.push(Receipt {
                tx: u64::try_from(*id).ok().map(TxId),
                replayed: true,
            });
            continue;
        }
        if !seen.insert(key_text) {
            return Err(LedgerError::IdempotencyConflict(key_text.clone()).into());
        }
        let planned = plan(*op, &view)?;
        // An operation that moves no money (releasing a fully paid hold)
        // books no transaction: an empty one would only clutter the ledger.
        if planned.transaction.is_none() {
            view.apply(&planned);
            receipts.push(Receipt {
                tx: None,
                replayed: false,
            });
            continue;
        }
        let id = next_id + rows.len() as i64;
        let case = case_of(op).or_else(|| match op {
            Operation::Reverse { tx, .. } => view.booked.get(tx).and_then(|b| case_of(&b.op)),
            _ => None,
        });
        let year = match *op {
            Operation::Fund { year, .. }
            | Operation::ReduceFunding { year, .. }
            | Operation::CloseYear { year, .. }
            | Operation::Hold { year, .. }
            | Operation::Prebook { year, .. }
            | Operation::TrueUp { year, .. } => Some(year),
            // A correction counts in the year of what it corrects.
            Operation::Reverse { tx, .. } => view.booked_years.get(&tx).copied().flatten(),
            _ => case.and_then(|c| view.hold(c)).map(|h| h.year),
        };
        view.apply(&planned);
        rows.push(TxRow {
            id,
            key: key_text,
            op: *op,
            year,
            case,
            postings: planned
                .transaction
                .map(|t| t.postings().to_vec())
                .unwrap_or_default(),
        });
        receipts.push(Receipt {
            tx: u64::try_from(id).ok().map(TxId),
            replayed: false,
        });
    }
    write(conn, &rows, &view, now, actor).await?;
    Ok(receipts)
}

/// A transaction to insert.
struct TxRow<'a> {
    id: i64,
    key: &'a str,
    op: Operation,
    year: Option<Year>,
    case: Option<CaseId>,
    postings: Vec<Posting>,
}

async fn write(
    conn: &mut SqliteConnection,
    rows: &[TxRow<'_>],
    view: &BatchView,
    now: &str,
    actor: Option<i64>,
) -> Result<(), BookError> {
    let json = |op: &Operation| {
        serde_json::to_string(op).map_err(|e| BookError::Db(sqlx::Error::Protocol(e.to_string())))
    };
    for chunk in rows.chunks(CHUNK) {
        let ops = chunk
            .iter()
            .map(|r| json(&r.op))
            .collect::<Result<Vec<_>, _>>()?;
        let mut q = QueryBuilder::new(
            "INSERT INTO ledger_transactions (id, idempotency_key, kind, operation, tx_date, year, case_id, reverses, created_at, created_by) ",
        );
        q.push_values(chunk.iter().zip(ops), |mut b, (r, op)| {
            let reverses = match r.op {
                Operation::Reverse { tx, .. } => i64::try_from(tx.0).ok(),
                _ => None,
            };
            b.push_bind(r.id)
                .push_bind(r.key)
                .push_bind(kind_of(&r.op))
                .push_bind(op)
                .push_bind(r.op.date().format("%Y-%m-%d").to_string())
                .push_bind(r.year)
                .push_bind(r.case)
                .push_bind(reverses)
                .push_bind(now)
                .push_bind(actor);
        });
        q.build().execute(&mut *conn).await?;
    }
    let postings: Vec<(i64, &Posting)> = rows
        .iter()
        .flat_map(|r| r.postings.iter().map(move |p| (r.id, p)))
        .collect();
    for chunk in postings.chunks(CHUNK) {
        let mut q = QueryBuilder::new(
            "INSERT INTO ledger_postings (tx_id, account, kind, stream_code, year, case_id, amount_cents) ",
        );
        q.push_values(chunk, |mut b, (tx, p)| {
            let (account, kind, stream, year, case) = key(p.account);
            b.push_bind(*tx)
                .push_bind(account)
                .push_bind(kind)
                .push_bind(stream)
                .push_bind(year)
                .push_bind(case)
                .push_bind(p.amount.cents());
        });
        q.build().execute(&mut *conn).await?;
    }
    write_balances(conn, view).await?;
    write_holds(conn, view).await?;
    for (year, t) in &view.years {
        sqlx::query("INSERT INTO fund_years (year) VALUES (?1) ON CONFLICT (year) DO NOTHING")
            .bind(year)
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "UPDATE fund_years SET funded_cents = funded_cents + ?2, recovered_cents = recovered_cents + ?3,
                    held_cents = held_cents + ?4, carried_in_cents = carried_in_cents + ?5,
                    carried_out_cents = carried_out_cents + ?6, returned_cents = returned_cents + ?7,
                    closed = max(closed, ?8)
             WHERE year = ?1",
        )
        .bind(year)
        .bind(t.funded)
        .bind(t.recovered)
        .bind(t.held)
        .bind(t.carried_in)
        .bind(t.carried_out)
        .bind(t.returned)
        .bind(t.closed)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Adds the batch's changes to the stored balances: existing accounts by
/// update (its CHECK sees the final balance), new ones by insert.
async fn write_balances(conn: &mut SqliteConnection, view: &BatchView) -> Result<(), sqlx::Error> {
    let changed: Vec<(Account, i64)> = view
        .delta
        .iter()
        .filter(|(_, d)| **d != 0)
        .map(|(a, d)| (*a, *d))
        .collect();
    let mut stored: HashSet<String> = HashSet::new();
    for chunk in changed.chunks(CHUNK) {
        let mut q = QueryBuilder::new("SELECT account FROM account_balances WHERE account IN (");
        let mut list = q.separated(", ");
        for (a, _) in chunk {
            list.push_bind(key(*a).0);
        }
        q.push(")");
        let rows: Vec<String> = q.build_query_scalar().fetch_all(&mut *conn).await?;
        stored.extend(rows);
    }
    let (update, insert): (Vec<_>, Vec<_>) = changed
        .into_iter()
        .map(|(a, d)| (key(a), d))
        .partition(|((k, ..), _)| stored.contains(k));
    for chunk in update.chunks(CHUNK) {
        let mut q = QueryBuilder::new(
            "UPDATE account_balances SET balance_cents = balance_cents + v.delta
             FROM (SELECT column1 AS account, column2 AS delta FROM (",
        );
        q.push_values(chunk, |mut b, ((k, ..), d)| {
            b.push_bind(k.clone()).push_bind(*d);
        });
        q.push(")) AS v WHERE account_balances.account = v.account");
        q.build().execute(&mut *conn).await?;
    }
    for chunk in insert.chunks(CHUNK) {
        let mut q =
            QueryBuilder::new("INSERT INTO account_balances (account, kind, balance_cents) ");
        q.push_values(chunk, |mut b, ((k, kind, ..), d)| {
            b.push_bind(k.clone()).push_bind(*kind).push_bind(*d);
        });
        q.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Writes the holds the batch changed: placed, removed or updated.
async fn write_holds(conn: &mut SqliteConnection, view: &BatchView) -> Result<(), sqlx::Error> {
    let mut removed = Vec::new();
    let mut upserts = Vec::new();
    for (case, before) in &view.holds_before {
        match (before, view.holds.get(case)) {
            (Some(_), None) => removed.push(*case),
            (b, Some(now)) if b.as_ref() != Some(now) => upserts.push((*case, *now)),
            _ => {}
        }
    }
    // Holds placed by this batch for cases not loaded before.
    for (case, now) in &view.holds {
        if !view.holds_before.contains_key(case) {
            upserts.push((*case, *now));
        }
    }
    for chunk in removed.chunks(CHUNK) {
        let mut q = QueryBuilder::new("DELETE FROM holds WHERE case_id IN (");
        let mut list = q.separated(", ");
        for case in chunk {
            list.push_bind(*case);
        }
        q.push(")");
        q.build().execute(&mut *conn).await?;
    }
    for chunk in upserts.chunks(CHUNK) {
        let mut q = QueryBuilder::new(
            "INSERT INTO holds (case_id, year, hold_date, open, paid_cents, recovered_cents) ",
        );
        q.push_values(chunk, |mut b, (case, h)| {
            b.push_bind(*case)
                .push_bind(h.year)
                .push_bind(h.date.format("%Y-%m-%d").to_string())
                .push_bind(h.open)
                .push_bind(h.paid)
                .push_bind(h.recovered);
        });
        q.push(
            " ON CONFLICT (case_id) DO UPDATE SET year = excluded.year, hold_date = excluded.hold_date,
               open = excluded.open, paid_cents = excluded.paid_cents, recovered_cents = excluded.recovered_cents",
        );
        q.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// The fund of a year: funded, carried in, recovered, held, paid, carried
/// out, returned, available. Reads three rows by primary key; its cost does
/// not grow with the ledger.
pub async fn position(
    conn: &mut SqliteConnection,
    year: Year,
) -> Result<FundPosition, sqlx::Error> {
    let (paid, ..) = key(Account::Paid { year });
    let (fund, ..) = key(Account::Fund { year });
    #[derive(sqlx::FromRow)]
    struct PositionRow {
        funded_cents: Option<i64>,
        carried_in_cents: Option<i64>,
        recovered_cents: Option<i64>,
        held_cents: Option<i64>,
        carried_out_cents: Option<i64>,
        returned_cents: Option<i64>,
        closed: Option<bool>,
        paid_cents: Option<i64>,
        available_cents: Option<i64>,
    }
    let row: PositionRow = sqlx::query_as(
        "SELECT y.funded_cents, y.carried_in_cents, y.recovered_cents, y.held_cents,
                y.carried_out_cents, y.returned_cents, y.closed,
                (SELECT balance_cents FROM account_balances WHERE account = ?2) AS paid_cents,
                (SELECT balance_cents FROM account_balances WHERE account = ?3) AS available_cents
         FROM (SELECT 1) LEFT JOIN fund_years y ON y.year = ?1",
    )
    .bind(year)
    .bind(paid)
    .bind(fund)
    .fetch_one(&mut *conn)
    .await?;
    // A year without bookings has nothing in it.
    let m = |c: Option<i64>| super::decode::money("fund_years", i64::from(year), c.unwrap_or(0));
    Ok(FundPosition {
        funded: m(row.funded_cents)?,
        carried_in: m(row.carried_in_cents)?,
        recovered: m(row.recovered_cents)?,
        held: m(row.held_cents)?,
        paid: m(row.paid_cents)?,
        carried_out: m(row.carried_out_cents)?,
        returned: m(row.returned_cents)?,
        available: m(row.available_cents)?,
        closed: row.closed.unwrap_or(false),
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
/// (requested, paid so far, still open on the hold); none yet is zero.
pub async fn case_money(
    conn: &mut SqliteConnection,
    case: CaseId,
    version: i64,
) -> Result<(Money, Money, Money), sqlx::Error> {
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
    let m = |cents: Option<i64>| super::decode::money("cases", case, cents.unwrap_or(0));
    Ok((m(row.0)?, m(row.1)?, m(row.2)?))
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
