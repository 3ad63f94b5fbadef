//! The revolving fund as an append-only double-entry ledger.
//!
//! Accounts are pots of money; a [`Transaction`] moves money between them and
//! its postings always sum to zero (it cannot be built otherwise). Nothing is
//! ever changed or removed: a correction is a reversing transaction.
//!
//! Two-phase transfers, after TigerBeetle's pending / post / void:
//! - **hold** (pending): approval moves the requested amount from the year's
//!   fund into the case's hold account;
//! - **pay** (post, partial, as often as needed): a payment moves part of the
//!   hold to the year's paid account; never more than is left;
//! - **release** (void the rest): settling moves what is left back to the fund.
//!
//! So `available = funded + recovered − held − paid` is the fund account's
//! balance, and no operation may make it, a hold or a claim negative.
//! Every operation carries an idempotency key: replaying it returns the first
//! result and books nothing.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::money::{Money, MoneyError};
use crate::stream::StreamCode;

pub type Year = i32;
pub type CaseId = i64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TxId(pub u64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Account {
    /// A stream's budget in a year. Debited when it funds the reservation (the
    /// Wmo) or is charged back; it may go below zero (it is spent).
    Budget { stream: StreamCode, year: Year },
    /// The doorbraakbudget of a year; its balance is the available amount.
    Fund { year: Year },
    /// The pending amount for one case.
    Hold { case: CaseId },
    /// What was paid out for the breakthroughs of a year.
    Paid { year: Year },
    /// An open claim on an external payer for one case.
    Receivable { stream: StreamCode, case: CaseId },
    /// An external payer; below zero while it owes.
    Payer { stream: StreamCode },
}

impl Account {
    /// Pots that hold real money and may never go below zero.
    fn must_stay_non_negative(self) -> bool {
        matches!(
            self,
            Account::Fund { .. }
                | Account::Hold { .. }
                | Account::Paid { .. }
                | Account::Receivable { .. }
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Posting {
    pub account: Account,
    /// The change in the account's balance.
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("Een boeking moet in evenwicht zijn (saldo {0}).")]
    Unbalanced(Money),
    #[error("Een boeking heeft minstens twee regels nodig.")]
    TooFewPostings,
    #[error("Een boekingsregel van € 0,00 is niet toegestaan.")]
    ZeroPosting,
    #[error("Het bedrag moet groter dan nul zijn.")]
    NotPositive,
    #[error("De datum {date} valt buiten begrotingsjaar {year}.")]
    DateOutsideYear { date: NaiveDate, year: Year },
    #[error("De datum {date} ligt vóór de reservering of de oorspronkelijke boeking ({earliest}).")]
    DateTooEarly {
        date: NaiveDate,
        earliest: NaiveDate,
    },
    #[error(
        "Onvoldoende ruimte in het doorbraakbudget: beschikbaar {available}, gevraagd {requested}."
    )]
    InsufficientFunds { available: Money, requested: Money },
    #[error("Deze boeking zou het saldo van {0:?} negatief maken.")]
    Overdraw(Account),
    #[error("Voor casus {0} is al een reservering geplaatst.")]
    HoldExists(CaseId),
    #[error("Voor casus {0} is geen reservering.")]
    NoHold(CaseId),
    #[error("De reservering van casus {0} is al afgerekend.")]
    HoldClosed(CaseId),
    #[error("Casus {0} is nog niet afgerekend.")]
    NotSettled(CaseId),
    #[error("Het bedrag {amount} is hoger dan wat er nog gereserveerd is ({remaining}).")]
    ExceedsHold { amount: Money, remaining: Money },
    #[error(
        "Het bedrag {amount} is hoger dan wat er van de afgerekende kosten nog terug te boeken is ({remaining})."
    )]
    ExceedsSettledCost { amount: Money, remaining: Money },
    #[error("Op de stroom die de reservering draagt wordt niets teruggeboekt.")]
    ReservationNotCharged,
    #[error("Er staat geen open vordering op {stream} voor casus {case}.")]
    NoOpenClaim { stream: StreamCode, case: CaseId },
    #[error("Boeking {0:?} bestaat niet.")]
    UnknownTransaction(TxId),
    #[error("Boeking {0:?} is al teruggedraaid.")]
    AlreadyReversed(TxId),
    #[error("Een terugdraaiing kan niet zelf worden teruggedraaid.")]
    ReversalOfReversal,
    #[error("Draai eerst de terugboekingen van casus {0} terug.")]
    ChargedBackFirst(CaseId),
    #[error("Elke boeking heeft een sleutel nodig die herhalen voorkomt.")]
    MissingIdempotencyKey,
    #[error("De sleutel '{0}' is al gebruikt voor een andere boeking.")]
    IdempotencyConflict(String),
    #[error("De boeking valt buiten het toegestane bereik van bedragen.")]
    Overflow,
}

impl From<MoneyError> for LedgerError {
    fn from(_: MoneyError) -> Self {
        LedgerError::Overflow
    }
}

/// A balanced set of postings on one date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "TransactionFields")]
pub struct Transaction {
    date: NaiveDate,
    postings: Vec<Posting>,
}

#[derive(Deserialize)]
struct TransactionFields {
    date: NaiveDate,
    postings: Vec<Posting>,
}

impl TryFrom<TransactionFields> for Transaction {
    type Error = LedgerError;
    fn try_from(f: TransactionFields) -> Result<Self, Self::Error> {
        Transaction::new(f.date, f.postings)
    }
}

impl Transaction {
    pub fn new(date: NaiveDate, postings: Vec<Posting>) -> Result<Transaction, LedgerError> {
        if postings.len() < 2 {
            return Err(LedgerError::TooFewPostings);
        }
        if postings.iter().any(|p| p.amount.is_zero()) {
            return Err(LedgerError::ZeroPosting);
        }
        let sum = Money::sum(postings.iter().map(|p| p.amount))?;
        if !sum.is_zero() {
            return Err(LedgerError::Unbalanced(sum));
        }
        Ok(Transaction { date, postings })
    }

    /// Moves `amount` (> 0) from one account to another.
    pub fn transfer(
        date: NaiveDate,
        from: Account,
        to: Account,
        amount: Money,
    ) -> Result<Transaction, LedgerError> {
        if !amount.is_positive() {
            return Err(LedgerError::NotPositive);
        }
        Transaction::new(
            date,
            vec![
                Posting {
                    account: from,
                    amount: -amount,
                },
                Posting {
                    account: to,
                    amount,
                },
            ],
        )
    }

    pub fn date(&self) -> NaiveDate {
        self.date
    }

    pub fn postings(&self) -> &[Posting] {
        &self.postings
    }

    /// The same postings with opposite signs.
    pub fn reversed(&self, date: NaiveDate) -> Transaction {
        Transaction {
            date,
            postings: self
                .postings
                .iter()
                .map(|p| Posting {
                    account: p.account,
                    amount: -p.amount,
                })
                .collect(),
        }
    }

    fn amount_on(&self, account: &Account) -> i64 {
        self.postings
            .iter()
            .filter(|p| &p.account == account)
            .map(|p| p.amount.cents())
            .sum()
    }
}

/// What the ledger is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Operation {
    /// The year's reservation moves from the reservation stream (Wmo) into the fund.
    Fund {
        year: Year,
        amount: Money,
        date: NaiveDate,
    },
    /// Approval: a hold on the fund for the requested amount.
    Hold {
        case: CaseId,
        year: Year,
        amount: Money,
        date: NaiveDate,
    },
    /// A payment converts part of the hold into spending.
    Pay {
        case: CaseId,
        amount: Money,
        date: NaiveDate,
    },
    /// Settling: what is left of the hold returns to the fund.
    Release { case: CaseId, date: NaiveDate },
    /// An internal stream is debited, the fund credited.
    ChargeBack {
        case: CaseId,
        stream: StreamCode,
        amount: Money,
        date: NaiveDate,
    },
    /// An external payer owes the fund.
    Claim {
        case: CaseId,
        stream: StreamCode,
        amount: Money,
        date: NaiveDate,
    },
    /// The external payer paid the open claim: the fund is credited.
    Receive {
        case: CaseId,
        stream: StreamCode,
        date: NaiveDate,
    },
    /// The external payer refused: the claim lapses and the cost stays with the Wmo.
    Refuse {
        case: CaseId,
        stream: StreamCode,
        date: NaiveDate,
    },
    /// Accrual: expected savings of a stream pre-booked into the fund.
    Prebook {
        stream: StreamCode,
        year: Year,
        amount: Money,
        date: NaiveDate,
    },
    /// Accrual true-up: positive charges the stream more, negative refunds it.
    TrueUp {
        stream: StreamCode,
        year: Year,
        difference: Money,
        date: NaiveDate,
    },
    /// A correction: the opposite of an earlier transaction.
    Reverse { tx: TxId, date: NaiveDate },
}

/// The result of an operation. `tx` is `None` when nothing needed booking
/// (releasing a hold that was fully paid).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub tx: Option<TxId>,
    pub replayed: bool,
}

/// The state of the fund in one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FundPosition {
    pub funded: Money,
    pub recovered: Money,
    pub held: Money,
    pub paid: Money,
    pub available: Money,
}

impl FundPosition {
    /// available = funded + recovered − held − paid.
    pub fn reconciles(&self) -> bool {
        let expected = self
            .funded
            .checked_add(self.recovered)
            .and_then(|v| v.checked_sub(self.held))
            .and_then(|v| v.checked_sub(self.paid));
        expected == Ok(self.available)
    }
}

/// What the ledger knows of one case's hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldState {
    pub year: Year,
    pub date: NaiveDate,
    /// Open until the case is settled (the rest released).
    pub open: bool,
    /// Sum of payments, in cents.
    pub paid: i64,
    /// Charged back plus claimed (refused claims excluded), in cents.
    pub recovered: i64,
}

/// A booked transaction as a view returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booked {
    pub op: Operation,
    pub tx: Transaction,
    pub reversed: bool,
}

/// The state an operation is decided against. The in-memory [`Ledger`]
/// implements it; a database implements it from the rows the operation touches.
pub trait LedgerView {
    /// The stream holding the reservation (the Wmo).
    fn reservation(&self) -> StreamCode;
    fn balance(&self, account: Account) -> Money;
    fn hold(&self, case: CaseId) -> Option<HoldState>;
    fn booked(&self, tx: TxId) -> Option<Booked>;
}

/// A change to the derived state (holds and yearly totals) that goes with a
/// transaction. Amounts in cents; negative when undone by a reversal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    HoldPlaced {
        case: CaseId,
        year: Year,
        date: NaiveDate,
    },
    HoldRemoved {
        case: CaseId,
    },
    HoldOpen {
        case: CaseId,
        open: bool,
    },
    HoldPaid {
        case: CaseId,
        cents: i64,
    },
    HoldRecovered {
        case: CaseId,
        cents: i64,
    },
    Funded {
        year: Year,
        cents: i64,
    },
    Recovered {
        year: Year,
        cents: i64,
    },
    Held {
        year: Year,
        cents: i64,
    },
    Reversed {
        original: TxId,
    },
}

impl Change {
    /// The case whose hold this change alters, if it alters one.
    pub fn hold_case(self) -> Option<CaseId> {
        match self {
            Change::HoldPlaced { case, .. }
            | Change::HoldRemoved { case }
            | Change::HoldOpen { case, .. }
            | Change::HoldPaid { case, .. }
            | Change::HoldRecovered { case, .. } => Some(case),
            _ => None,
        }
    }

    /// The hold after this change (`None`: there is none).
    pub fn apply_to_hold(self, hold: Option<HoldState>) -> Option<HoldState> {
        match self {
            Change::HoldPlaced { year, date, .. } => Some(HoldState {
                year,
                date,
                open: true,
                paid: 0,
                recovered: 0,
            }),
            Change::HoldRemoved { .. } => None,
            Change::HoldOpen { open, .. } => hold.map(|h| HoldState { open, ..h }),
            Change::HoldPaid { cents, .. } => hold.map(|h| HoldState {
                paid: h.paid + cents,
                ..h
            }),
            Change::HoldRecovered { cents, .. } => hold.map(|h| HoldState {
                recovered: h.recovered + cents,
                ..h
            }),
            _ => hold,
        }
    }
}

/// What an operation books: a transaction (none when there is nothing to move)
/// and the changes to derived state. Applying it cannot overdraw anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub transaction: Option<Transaction>,
    pub changes: Vec<Change>,
}

fn in_year(date: NaiveDate, year: Year) -> Result<(), LedgerError> {
    if date.year() == year {
        Ok(())
    } else {
        Err(LedgerError::DateOutsideYear { date, year })
    }
}

fn not_before(date: NaiveDate, earliest: NaiveDate) -> Result<(), LedgerError> {
    if date >= earliest {
        Ok(())
    } else {
        Err(LedgerError::DateTooEarly { date, earliest })
    }
}

fn positive(amount: Money) -> Result<(), LedgerError> {
    if amount.is_positive() {
        Ok(())
    } else {
        Err(LedgerError::NotPositive)
    }
}

fn money(cents: i64) -> Money {
    // Balances are sums of valid postings and stay far inside the range.
    Money::from_cents(cents).unwrap_or(Money::ZERO)
}

fn hold_of(view: &impl LedgerView, case: CaseId) -> Result<HoldState, LedgerError> {
    view.hold(case).ok_or(LedgerError::NoHold(case))
}

fn open_hold(view: &impl LedgerView, case: CaseId) -> Result<HoldState, LedgerError> {
    let hold = hold_of(view, case)?;
    if hold.open {
        Ok(hold)
    } else {
        Err(LedgerError::HoldClosed(case))
    }
}

fn settled_hold(view: &impl LedgerView, case: CaseId) -> Result<HoldState, LedgerError> {
    let hold = hold_of(view, case)?;
    if hold.open {
        Err(LedgerError::NotSettled(case))
    } else {
        Ok(hold)
    }
}

fn recoverable(
    view: &impl LedgerView,
    case: CaseId,
    stream: StreamCode,
    amount: Money,
    date: NaiveDate,
) -> Result<HoldState, LedgerError> {
    positive(amount)?;
    if stream == view.reservation() {
        return Err(LedgerError::ReservationNotCharged);
    }
    let hold = settled_hold(view, case)?;
    not_before(date, hold.date)?;
    let remaining = hold.paid - hold.recovered;
    if amount.cents() > remaining {
        return Err(LedgerError::ExceedsSettledCost {
            amount,
            remaining: money(remaining),
        });
    }
    Ok(hold)
}

/// Decides an operation against `view`: every rule of the fund, and no
/// account that holds money may go below zero.
pub fn plan(op: Operation, view: &impl LedgerView) -> Result<Plan, LedgerError> {
    let (tx, original) = match op {
        Operation::Reverse { tx: id, date } => {
            let booked = view.booked(id).ok_or(LedgerError::UnknownTransaction(id))?;
            if matches!(booked.op, Operation::Reverse { .. }) {
                return Err(LedgerError::ReversalOfReversal);
            }
            if booked.reversed {
                return Err(LedgerError::AlreadyReversed(id));
            }
            not_before(date, booked.tx.date())?;
            match booked.op {
                Operation::Pay { case, .. } => {
                    open_hold(view, case)?;
                }
                Operation::Release { case, .. } if hold_of(view, case)?.recovered != 0 => {
                    return Err(LedgerError::ChargedBackFirst(case));
                }
                _ => {}
            }
            (booked.tx.reversed(date), Some((id, booked.op)))
        }
        _ => match transaction_for(op, view)? {
            Some(tx) => (tx, None),
            // Releasing a fully paid hold moves no money but settles the case.
            None => {
                let Operation::Release { case, .. } = op else {
                    return Err(LedgerError::NotPositive);
                };
                return Ok(Plan {
                    transaction: None,
                    changes: vec![Change::HoldOpen { case, open: false }],
                });
            }
        },
    };
    check_overdraw(&tx, view)?;
    let (effective, sign) = match original {
        Some((_, op)) => (op, -1),
        None => (op, 1),
    };
    let mut changes = changes_for(effective, &tx, sign, view);
    if let Some((id, _)) = original {
        changes.push(Change::Reversed { original: id });
    }
    Ok(Plan {
        transaction: Some(tx),
        changes,
    })
}

fn transaction_for(
    op: Operation,
    view: &impl LedgerView,
) -> Result<Option<Transaction>, LedgerError> {
    let tx = match op {
        Operation::Fund { year, amount, date } => {
            in_year(date, year)?;
            let wmo = Account::Budget {
                stream: view.reservation(),
                year,
            };
            Transaction::transfer(date, wmo, Account::Fund { year }, amount)?
        }
        Operation::Hold {
            case,
            year,
            amount,
            date,
        } => {
            positive(amount)?;
            in_year(date, year)?;
            if view.hold(case).is_some() {
                return Err(LedgerError::HoldExists(case));
            }
            let available = view.balance(Account::Fund { year });
            if amount > available {
                return Err(LedgerError::InsufficientFunds {
                    available,
                    requested: amount,
                });
            }
            Transaction::transfer(date, Account::Fund { year }, Account::Hold { case }, amount)?
        }
        Operation::Pay { case, amount, date } => {
            positive(amount)?;
            let hold = open_hold(view, case)?;
            not_before(date, hold.date)?;
            let remaining = view.balance(Account::Hold { case });
            if amount > remaining {
                return Err(LedgerError::ExceedsHold { amount, remaining });
            }
            Transaction::transfer(
                date,
                Account::Hold { case },
                Account::Paid { year: hold.year },
                amount,
            )?
        }
        Operation::Release { case, date } => {
            let hold = open_hold(view, case)?;
            not_before(date, hold.date)?;
            let rest = view.balance(Account::Hold { case });
            if rest.is_zero() {
                return Ok(None);
            }
            Transaction::transfer(
                date,
                Account::Hold { case },
                Account::Fund { year: hold.year },
                rest,
            )?
        }
        Operation::ChargeBack {
            case,
            stream,
            amount,
            date,
        } => {
            let hold = recoverable(view, case, stream, amount, date)?;
            let budget = Account::Budget {
                stream,
                year: hold.year,
            };
            Transaction::transfer(date, budget, Account::Fund { year: hold.year }, amount)?
        }
        Operation::Claim {
            case,
            stream,
            amount,
            date,
        } => {
            recoverable(view, case, stream, amount, date)?;
            Transaction::transfer(
                date,
                Account::Payer { stream },
                Account::Receivable { stream, case },
                amount,
            )?
        }
        Operation::Receive { case, stream, date } | Operation::Refuse { case, stream, date } => {
            let hold = settled_hold(view, case)?;
            not_before(date, hold.date)?;
            let open = view.balance(Account::Receivable { stream, case });
            if !open.is_positive() {
                return Err(LedgerError::NoOpenClaim { stream, case });
            }
            let to = match op {
                Operation::Receive { .. } => Account::Fund { year: hold.year },
                _ => Account::Payer { stream },
            };
            Transaction::transfer(date, Account::Receivable { stream, case }, to, open)?
        }
        Operation::Prebook {
            stream,
            year,
            amount,
            date,
        } => {
            in_year(date, year)?;
            if stream == view.reservation() {
                return Err(LedgerError::ReservationNotCharged);
            }
            Transaction::transfer(
                date,
                Account::Budget { stream, year },
                Account::Fund { year },
                amount,
            )?
        }
        Operation::TrueUp {
            stream,
            year,
            difference,
            date,
        } => {
            in_year(date, year)?;
            if stream == view.reservation() {
                return Err(LedgerError::ReservationNotCharged);
            }
            let (budget, fund) = (Account::Budget { stream, year }, Account::Fund { year });
            if difference.is_negative() {
                Transaction::transfer(date, fund, budget, difference.abs())?
            } else {
                Transaction::transfer(date, budget, fund, difference)?
            }
        }
        Operation::Reverse { .. } => return Err(LedgerError::ReversalOfReversal),
    };
    Ok(Some(tx))
}

/// Refuses a transaction that would take an account holding money below zero.
fn check_overdraw(tx: &Transaction, view: &impl LedgerView) -> Result<(), LedgerError> {
    let mut seen: Vec<Account> = Vec::with_capacity(tx.postings.len());
    for p in &tx.postings {
        if !p.account.must_stay_non_negative() || seen.contains(&p.account) {
            continue;
        }
        seen.push(p.account);
        let after = view
            .balance(p.account)
            .cents()
            .checked_add(tx.amount_on(&p.account))
            .ok_or(LedgerError::Overflow)?;
        if after < 0 {
            return Err(LedgerError::Overdraw(p.account));
        }
    }
    Ok(())
}

/// The changes to derived state for an operation (`sign` −1 when it is being reversed).
fn changes_for(op: Operation, tx: &Transaction, sign: i64, view: &impl LedgerView) -> Vec<Change> {
    let mut changes = Vec::new();
    let year_of = |case: CaseId| view.hold(case).map(|h| h.year);
    for p in &tx.postings {
        if let Account::Hold { case } = p.account {
            let year = match op {
                Operation::Hold { year, .. } => Some(year),
                _ => year_of(case),
            };
            if let Some(year) = year {
                changes.push(Change::Held {
                    year,
                    cents: p.amount.cents(),
                });
            }
        }
    }
    match op {
        Operation::Fund { year, .. } => changes.push(Change::Funded {
            year,
            cents: tx.amount_on(&Account::Fund { year }),
        }),
        Operation::Hold {
            case, year, date, ..
        } => changes.push(if sign > 0 {
            Change::HoldPlaced { case, year, date }
        } else {
            Change::HoldRemoved { case }
        }),
        Operation::Pay { case, amount, .. } => changes.push(Change::HoldPaid {
            case,
            cents: sign * amount.cents(),
        }),
        Operation::Release { case, .. } => changes.push(Change::HoldOpen {
            case,
            open: sign < 0,
        }),
        Operation::ChargeBack { case, amount, .. } | Operation::Claim { case, amount, .. } => {
            changes.push(Change::HoldRecovered {
                case,
                cents: sign * amount.cents(),
            });
            if let (Operation::ChargeBack { .. }, Some(year)) = (op, year_of(case)) {
                changes.push(Change::Recovered {
                    year,
                    cents: tx.amount_on(&Account::Fund { year }),
                });
            }
        }
        Operation::Receive { case, .. } => {
            if let Some(year) = year_of(case) {
                changes.push(Change::Recovered {
                    year,
                    cents: tx.amount_on(&Account::Fund { year }),
                });
            }
        }
        Operation::Refuse { case, stream, .. } => {
            changes.push(Change::HoldRecovered {
                case,
                cents: -tx.amount_on(&Account::Payer { stream }),
            });
        }
        Operation::Prebook { year, .. } | Operation::TrueUp { year, .. } => {
            changes.push(Change::Recovered {
                year,
                cents: tx.amount_on(&Account::Fund { year }),
            });
        }
        Operation::Reverse { .. } => {}
    }
    changes
}

#[derive(Debug, Clone)]
struct Entry {
    tx: Transaction,
    op: Operation,
    reversed_by: Option<TxId>,
}

#[derive(Debug, Clone, Copy, Default)]
struct YearTotals {
    funded: i64,
    recovered: i64,
    held: i64,
}

/// The in-memory ledger: the model every persistent ledger must agree with.
#[derive(Debug, Clone)]
pub struct Ledger {
    reservation: StreamCode,
    entries: Vec<Entry>,
    balances: HashMap<Account, i64>,
    holds: HashMap<CaseId, HoldState>,
    years: BTreeMap<Year, YearTotals>,
    keys: HashMap<String, (Operation, Receipt)>,
}

impl LedgerView for Ledger {
    fn reservation(&self) -> StreamCode {
        self.reservation
    }

    fn balance(&self, account: Account) -> Money {
        money(self.balances.get(&account).copied().unwrap_or(0))
    }

    fn hold(&self, case: CaseId) -> Option<HoldState> {
        self.holds.get(&case).copied()
    }

    fn booked(&self, tx: TxId) -> Option<Booked> {
        let entry = self.entries.get(usize::try_from(tx.0).ok()?)?;
        Some(Booked {
            op: entry.op,
            tx: entry.tx.clone(),
            reversed: entry.reversed_by.is_some(),
        })
    }
}

impl Ledger {
    /// A ledger whose fund is reserved on `reservation` (the Wmo).
    pub fn new(reservation: StreamCode) -> Ledger {
        Ledger {
            reservation,
            entries: Vec::new(),
            balances: HashMap::new(),
            holds: HashMap::new(),
            years: BTreeMap::new(),
            keys: HashMap::new(),
        }
    }

    pub fn balance(&self, account: Account) -> Money {
        LedgerView::balance(self, account)
    }

    pub fn transaction(&self, id: TxId) -> Option<&Transaction> {
        self.entries.get(usize::try_from(id.0).ok()?).map(|e| &e.tx)
    }

    pub fn transactions(&self) -> impl Iterator<Item = (TxId, &Transaction)> {
        self.entries
            .iter()
            .enumerate()
            .map(|(i, e)| (TxId(i as u64), &e.tx))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn position(&self, year: Year) -> FundPosition {
        let totals = self.years.get(&year).copied().unwrap_or_default();
        FundPosition {
            funded: money(totals.funded),
            recovered: money(totals.recovered),
            held: money(totals.held),
            paid: self.balance(Account::Paid { year }),
            available: self.balance(Account::Fund { year }),
        }
    }

    /// Runs an operation once per idempotency key.
    pub fn execute(&mut self, key: &str, op: Operation) -> Result<Receipt, LedgerError> {
        if key.trim().is_empty() {
            return Err(LedgerError::MissingIdempotencyKey);
        }
        if let Some((first, receipt)) = self.keys.get(key) {
            return if *first == op {
                Ok(Receipt {
                    replayed: true,
                    ..*receipt
                })
            } else {
                Err(LedgerError::IdempotencyConflict(key.to_string()))
            };
        }
        let planned = plan(op, self)?;
        let receipt = self.apply(op, planned);
        self.keys.insert(key.to_string(), (op, receipt));
        Ok(receipt)
    }

    fn apply(&mut self, op: Operation, planned: Plan) -> Receipt {
        let id = planned.transaction.map(|tx| {
            for p in &tx.postings {
                *self.balances.entry(p.account).or_insert(0) += p.amount.cents();
            }
            let id = TxId(self.entries.len() as u64);
            self.entries.push(Entry {
                tx,
                op,
                reversed_by: None,
            });
            id
        });
        for change in planned.changes {
            if let Some(case) = change.hold_case() {
                match change.apply_to_hold(self.holds.get(&case).copied()) {
                    Some(h) => self.holds.insert(case, h),
                    None => self.holds.remove(&case),
                };
                continue;
            }
            match change {
                Change::Funded { year, cents } => {
                    self.years.entry(year).or_default().funded += cents
                }
                Change::Recovered { year, cents } => {
                    self.years.entry(year).or_default().recovered += cents
                }
                Change::Held { year, cents } => self.years.entry(year).or_default().held += cents,
                Change::Reversed { original } => {
                    if let Some(entry) = usize::try_from(original.0)
                        .ok()
                        .and_then(|i| self.entries.get_mut(i))
                    {
                        entry.reversed_by = id;
                    }
                }
                // Holds were handled above.
                _ => {}
            }
        }
        Receipt {
            tx: id,
            replayed: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).expect("date")
    }
    fn e(euros: i64) -> Money {
        Money::from_euros(euros).expect("m")
    }

    fn funded(amount: i64) -> Ledger {
        let mut l = Ledger::new(StreamCode::WMO);
        l.execute(
            "fund",
            Operation::Fund {
                year: 2026,
                amount: e(amount),
                date: d(1, 2),
            },
        )
        .expect("fund");
        l
    }

    #[test]
    fn a_transaction_cannot_be_built_unbalanced() {
        let p = |amount| Posting {
            account: Account::Fund { year: 2026 },
            amount,
        };
        assert_eq!(
            Transaction::new(d(1, 1), vec![p(e(5)), p(e(-4))]),
            Err(LedgerError::Unbalanced(e(1)))
        );
        assert_eq!(
            Transaction::new(d(1, 1), vec![p(e(5))]),
            Err(LedgerError::TooFewPostings)
        );
        assert_eq!(
            Transaction::new(d(1, 1), vec![p(e(0)), p(e(0))]),
            Err(LedgerError::ZeroPosting)
        );
        let json = r#"{"date":"2026-01-01","postings":[{"account":{"Fund":{"year":2026}},"amount":"5"},{"account":{"Paid":{"year":2026}},"amount":"-4"}]}"#;
        assert!(serde_json::from_str::<Transaction>(json).is_err());
    }

    #[test]
    fn hold_pay_release_follow_two_phase_semantics() {
        let mut l = funded(10_000);
        l.execute(
            "h",
            Operation::Hold {
                case: 1,
                year: 2026,
                amount: e(3_000),
                date: d(2, 1),
            },
        )
        .expect("hold");
        l.execute(
            "p1",
            Operation::Pay {
                case: 1,
                amount: e(1_000),
                date: d(2, 2),
            },
        )
        .expect("pay");
        l.execute(
            "p2",
            Operation::Pay {
                case: 1,
                amount: e(500),
                date: d(2, 3),
            },
        )
        .expect("pay");
        let over = l.execute(
            "p3",
            Operation::Pay {
                case: 1,
                amount: e(1_501),
                date: d(2, 4),
            },
        );
        assert_eq!(
            over,
            Err(LedgerError::ExceedsHold {
                amount: e(1_501),
                remaining: e(1_500)
            })
        );
        l.execute(
            "r",
            Operation::Release {
                case: 1,
                date: d(3, 1),
            },
        )
        .expect("release");
        let pos = l.position(2026);
        assert_eq!(
            pos,
            FundPosition {
                funded: e(10_000),
                recovered: e(0),
                held: e(0),
                paid: e(1_500),
                available: e(8_500)
            }
        );
        assert!(pos.reconciles());
        assert_eq!(
            l.execute(
                "p4",
                Operation::Pay {
                    case: 1,
                    amount: e(1),
                    date: d(3, 2)
                }
            ),
            Err(LedgerError::HoldClosed(1))
        );
    }

    #[test]
    fn a_hold_never_overdraws_the_fund() {
        let mut l = funded(1_000);
        let r = l.execute(
            "h",
            Operation::Hold {
                case: 1,
                year: 2026,
                amount: e(1_001),
                date: d(2, 1),
            },
        );
        assert_eq!(
            r,
            Err(LedgerError::InsufficientFunds {
                available: e(1_000),
                requested: e(1_001)
            })
        );
        assert_eq!(l.len(), 1);
    }

    #[test]
    fn replaying_a_key_books_nothing_and_a_reused_key_is_refused() {
        let mut l = funded(1_000);
        let op = Operation::Hold {
            case: 1,
            year: 2026,
            amount: e(100),
            date: d(2, 1),
        };
        let first = l.execute("approve-1", op).expect("first");
        let again = l.execute("approve-1", op).expect("replay");
        assert_eq!(
            again,
            Receipt {
                replayed: true,
                ..first
            }
        );
        assert_eq!(l.len(), 2);
        let other = Operation::Hold {
            case: 2,
            year: 2026,
            amount: e(100),
            date: d(2, 1),
        };
        assert_eq!(
            l.execute("approve-1", other),
            Err(LedgerError::IdempotencyConflict("approve-1".into()))
        );
        assert_eq!(
            l.execute(" ", other),
            Err(LedgerError::MissingIdempotencyKey)
        );
    }

    #[test]
    fn chargeback_revolves_the_money_and_claims_credit_only_when_paid() {
        let mut l = funded(10_000);
        l.execute(
            "h",
            Operation::Hold {
                case: 7,
                year: 2026,
                amount: e(3_000),
                date: d(2, 1),
            },
        )
        .expect("hold");
        l.execute(
            "p",
            Operation::Pay {
                case: 7,
                amount: e(3_000),
                date: d(2, 2),
            },
        )
        .expect("pay");
        let early = l.execute(
            "cb0",
            Operation::ChargeBack {
                case: 7,
                stream: StreamCode::JEUGDWET,
                amount: e(1),
                date: d(2, 3),
            },
        );
        assert_eq!(early, Err(LedgerError::NotSettled(7)));
        l.execute(
            "r",
            Operation::Release {
                case: 7,
                date: d(3, 1),
            },
        )
        .expect("release");
        l.execute(
            "cb",
            Operation::ChargeBack {
                case: 7,
                stream: StreamCode::JEUGDWET,
                amount: e(1_440),
                date: d(4, 1),
            },
        )
        .expect("cb");
        l.execute(
            "cl",
            Operation::Claim {
                case: 7,
                stream: StreamCode::ZVW,
                amount: e(600),
                date: d(4, 1),
            },
        )
        .expect("claim");
        assert_eq!(l.position(2026).available, e(8_440));
        l.execute(
            "rc",
            Operation::Receive {
                case: 7,
                stream: StreamCode::ZVW,
                date: d(5, 1),
            },
        )
        .expect("receive");
        assert_eq!(l.position(2026).available, e(9_040));
        assert_eq!(
            l.balance(Account::Budget {
                stream: StreamCode::JEUGDWET,
                year: 2026
            }),
            e(-1_440)
        );
        let too_much = l.execute(
            "cb2",
            Operation::ChargeBack {
                case: 7,
                stream: StreamCode::PARTICIPATIEWET,
                amount: e(961),
                date: d(4, 1),
            },
        );
        assert_eq!(
            too_much,
            Err(LedgerError::ExceedsSettledCost {
                amount: e(961),
                remaining: e(960)
            })
        );
        assert_eq!(
            l.execute(
                "wmo",
                Operation::ChargeBack {
                    case: 7,
                    stream: StreamCode::WMO,
                    amount: e(1),
                    date: d(4, 1)
                }
            ),
            Err(LedgerError::ReservationNotCharged)
        );
        assert!(l.position(2026).reconciles());
    }

    #[test]
    fn a_refused_claim_lapses_and_the_amount_can_be_charged_again() {
        let mut l = funded(1_000);
        l.execute(
            "h",
            Operation::Hold {
                case: 1,
                year: 2026,
                amount: e(500),
                date: d(2, 1),
            },
        )
        .expect("hold");
        l.execute(
            "p",
            Operation::Pay {
                case: 1,
                amount: e(500),
                date: d(2, 1),
            },
        )
        .expect("pay");
        l.execute(
            "r",
            Operation::Release {
                case: 1,
                date: d(2, 1),
            },
        )
        .expect("release");
        l.execute(
            "c",
            Operation::Claim {
                case: 1,
                stream: StreamCode::ZVW,
                amount: e(500),
                date: d(2, 2),
            },
        )
        .expect("claim");
        l.execute(
            "x",
            Operation::Refuse {
                case: 1,
                stream: StreamCode::ZVW,
                date: d(2, 3),
            },
        )
        .expect("refuse");
        assert_eq!(
            l.balance(Account::Payer {
                stream: StreamCode::ZVW
            }),
            Money::ZERO
        );
        assert_eq!(
            l.execute(
                "x2",
                Operation::Refuse {
                    case: 1,
                    stream: StreamCode::ZVW,
                    date: d(2, 3)
                }
            ),
            Err(LedgerError::NoOpenClaim {
                stream: StreamCode::ZVW,
                case: 1
            })
        );
        l.execute(
            "cb",
            Operation::ChargeBack {
                case: 1,
                stream: StreamCode::PARTICIPATIEWET,
                amount: e(500),
                date: d(2, 4),
            },
        )
        .expect("cb");
        assert_eq!(l.position(2026).available, e(1_000));
    }

    #[test]
    fn reversals_restore_balances_once_and_never_twice() {
        let mut l = funded(1_000);
        let before = l.position(2026);
        let hold = l
            .execute(
                "h",
                Operation::Hold {
                    case: 1,
                    year: 2026,
                    amount: e(400),
                    date: d(2, 1),
                },
            )
            .expect("hold");
        let tx = hold.tx.expect("tx");
        let rev = l
            .execute("rev", Operation::Reverse { tx, date: d(2, 2) })
            .expect("reverse");
        assert_eq!(l.position(2026), before);
        assert_eq!(
            l.execute("rev2", Operation::Reverse { tx, date: d(2, 2) }),
            Err(LedgerError::AlreadyReversed(tx))
        );
        let rev_tx = rev.tx.expect("tx");
        assert_eq!(
            l.execute(
                "rev3",
                Operation::Reverse {
                    tx: rev_tx,
                    date: d(2, 2)
                }
            ),
            Err(LedgerError::ReversalOfReversal)
        );
        // The case can be held again after its hold was reversed.
        assert!(
            l.execute(
                "h2",
                Operation::Hold {
                    case: 1,
                    year: 2026,
                    amount: e(400),
                    date: d(2, 3)
                }
            )
            .is_ok()
        );
    }

    #[test]
    fn a_reversal_that_would_overdraw_is_refused() {
        let mut l = funded(1_000);
        l.execute(
            "h",
            Operation::Hold {
                case: 1,
                year: 2026,
                amount: e(800),
                date: d(2, 1),
            },
        )
        .expect("hold");
        let r = l.execute(
            "rev",
            Operation::Reverse {
                tx: TxId(0),
                date: d(2, 2),
            },
        );
        assert_eq!(r, Err(LedgerError::Overdraw(Account::Fund { year: 2026 })));
    }

    #[test]
    fn dates_must_fall_in_the_budget_year() {
        let mut l = Ledger::new(StreamCode::WMO);
        let date = NaiveDate::from_ymd_opt(2025, 12, 31).expect("date");
        assert_eq!(
            l.execute(
                "f",
                Operation::Fund {
                    year: 2026,
                    amount: e(1),
                    date
                }
            ),
            Err(LedgerError::DateOutsideYear { date, year: 2026 })
        );
    }

    #[test]
    fn accrual_prebooking_and_true_up_move_money_both_ways() {
        let mut l = funded(100);
        l.execute(
            "pre",
            Operation::Prebook {
                stream: StreamCode::JEUGDWET,
                year: 2026,
                amount: e(5_000),
                date: d(1, 3),
            },
        )
        .expect("pre");
        l.execute(
            "tu",
            Operation::TrueUp {
                stream: StreamCode::JEUGDWET,
                year: 2026,
                difference: e(-1_200),
                date: d(12, 31),
            },
        )
        .expect("tu");
        assert_eq!(l.position(2026).recovered, e(3_800));
        assert_eq!(
            l.balance(Account::Budget {
                stream: StreamCode::JEUGDWET,
                year: 2026
            }),
            e(-3_800)
        );
        let refund_too_big = l.execute(
            "tu2",
            Operation::TrueUp {
                stream: StreamCode::JEUGDWET,
                year: 2026,
                difference: e(-5_000),
                date: d(12, 31),
            },
        );
        assert_eq!(
            refund_too_big,
            Err(LedgerError::Overdraw(Account::Fund { year: 2026 }))
        );
        assert!(l.position(2026).reconciles());
    }
}
