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
//! Money that comes back (chargebacks, paid claims, accrual contributions
//! and true-ups, released holds) is credited to the fund of the year in which
//! it is **booked**, so it finances new breakthroughs at once; a hold stays
//! in the year of its approval. Closing a year carries what is left over
//! into the next year's fund or returns it to the Wmo budget; a closed year
//! takes no new fundings, approvals or recoveries.
//!
//! So `available = funded + carried in + recovered − held − paid − carried
//! out − returned` is the fund account's balance, and no operation may make
//! it, a hold or a claim negative.
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
    #[error("Begrotingsjaar {0} is afgesloten: er kan niets meer in worden geboekt.")]
    YearClosed(Year),
    #[error("Begrotingsjaar {0} is al afgesloten.")]
    AlreadyClosed(Year),
    #[error("Begrotingsjaar {0} kan pas na afloop van het jaar worden afgesloten.")]
    CloseTooEarly(Year),
    #[error("Er is maar {available} beschikbaar om over te hevelen, niet {requested}.")]
    CarryOverExceeds { available: Money, requested: Money },
    #[error("Het over te hevelen bedrag kan niet negatief zijn.")]
    NegativeCarryOver,
    #[error("Een jaarafsluiting kan niet worden teruggedraaid.")]
    ReversalOfClosing,
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

    /// The same postings with opposite signs, booked on `date`: a fund or a
    /// budget of another year is booked in the year of `date` instead, as
    /// money always moves in the year it is booked in.
    pub fn reversed(&self, date: NaiveDate) -> Transaction {
        let year = date.year();
        Transaction {
            date,
            postings: self
                .postings
                .iter()
                .map(|p| Posting {
                    account: match p.account {
                        Account::Fund { .. } => Account::Fund { year },
                        Account::Budget { stream, .. } => Account::Budget { stream, year },
                        other => other,
                    },
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
    /// Less reserved for a year: part of the available amount returns to the Wmo budget.
    ReduceFunding {
        year: Year,
        amount: Money,
        date: NaiveDate,
    },
    /// Closing a year: `carry_over` of the available amount moves into the
    /// next year's fund (*overheveling*), the rest returns to the Wmo budget.
    CloseYear {
        year: Year,
        carry_over: Money,
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
    /// Reopening a settlement that released nothing (the hold was fully
    /// paid): the hold is open again. One that released money is reopened
    /// by reversing the release.
    Reopen { case: CaseId, date: NaiveDate },
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
    /// Accrual true-up for `year`: positive charges the stream more, negative
    /// refunds it; booked in the year of its date.
    TrueUp {
        stream: StreamCode,
        year: Year,
        difference: Money,
        date: NaiveDate,
    },
    /// A correction: the opposite of an earlier transaction.
    Reverse { tx: TxId, date: NaiveDate },
}

impl Operation {
    /// The date the operation is booked on.
    pub fn date(&self) -> NaiveDate {
        match *self {
            Operation::Fund { date, .. }
            | Operation::ReduceFunding { date, .. }
            | Operation::CloseYear { date, .. }
            | Operation::Reopen { date, .. }
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
    /// Reserved on the Wmo (fundings less reductions).
    pub funded: Money,
    /// Carried over from the year before when it was closed.
    pub carried_in: Money,
    /// Money that came back, booked in this year: chargebacks, paid claims,
    /// accrual contributions and true-ups, holds of earlier years released.
    pub recovered: Money,
    /// Still held for this year's approvals.
    pub held: Money,
    /// Paid for this year's approvals.
    pub paid: Money,
    /// Carried over into the next year at closing, and what this year's
    /// holds released into later years.
    pub carried_out: Money,
    /// Returned to the Wmo budget at closing.
    pub returned: Money,
    pub available: Money,
    pub closed: bool,
}

impl FundPosition {
    /// available = funded + carried in + recovered − held − paid − carried out − returned.
    pub fn reconciles(&self) -> bool {
        let expected = self
            .funded
            .checked_add(self.carried_in)
            .and_then(|v| v.checked_add(self.recovered))
            .and_then(|v| v.checked_sub(self.held))
            .and_then(|v| v.checked_sub(self.paid))
            .and_then(|v| v.checked_sub(self.carried_out))
            .and_then(|v| v.checked_sub(self.returned));
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
    /// The year was closed: it takes no new bookings on its fund.
    fn closed(&self, year: Year) -> bool;
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
    CarriedIn {
        year: Year,
        cents: i64,
    },
    CarriedOut {
        year: Year,
        cents: i64,
    },
    Returned {
        year: Year,
        cents: i64,
    },
    Closed {
        year: Year,
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

fn open_year(view: &impl LedgerView, year: Year) -> Result<(), LedgerError> {
    if view.closed(year) {
        Err(LedgerError::YearClosed(year))
    } else {
        Ok(())
    }
}

fn first_day(year: Year) -> Result<NaiveDate, LedgerError> {
    NaiveDate::from_ymd_opt(year, 1, 1).ok_or(LedgerError::Overflow)
}

/// Decides an operation against `view`: every rule of the fund, and no
/// account that holds money may go below zero.
pub fn plan(op: Operation, view: &impl LedgerView) -> Result<Plan, LedgerError> {
    let (tx, original) = match op {
        Operation::Reverse { tx: id, date } => {
            let booked = view.booked(id).ok_or(LedgerError::UnknownTransaction(id))?;
            match booked.op {
                Operation::Reverse { .. } => return Err(LedgerError::ReversalOfReversal),
                Operation::CloseYear { .. } => return Err(LedgerError::ReversalOfClosing),
                _ => {}
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
            let tx = booked.tx.reversed(date);
            for p in tx.postings() {
                if let Account::Fund { year } = p.account {
                    open_year(view, year)?;
                }
            }
            (tx, Some((id, booked.op)))
        }
        Operation::CloseYear {
            year,
            carry_over,
            date,
        } => return plan_closing(year, carry_over, date, view),
        Operation::Reopen { case, date } => {
            let hold = settled_hold(view, case)?;
            if hold.recovered != 0 {
                return Err(LedgerError::ChargedBackFirst(case));
            }
            not_before(date, hold.date)?;
            return Ok(Plan {
                transaction: None,
                changes: vec![Change::HoldOpen { case, open: true }],
            });
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

/// Closing `year`: what is available moves on — `carry_over` into the next
/// year's fund, the rest back to the Wmo budget — and the year takes no new
/// bookings on its fund. Holds still open stay valid.
fn plan_closing(
    year: Year,
    carry_over: Money,
    date: NaiveDate,
    view: &impl LedgerView,
) -> Result<Plan, LedgerError> {
    if view.closed(year) {
        return Err(LedgerError::AlreadyClosed(year));
    }
    if date.year() <= year {
        return Err(LedgerError::CloseTooEarly(year));
    }
    if carry_over.is_negative() {
        return Err(LedgerError::NegativeCarryOver);
    }
    let available = view.balance(Account::Fund { year });
    if carry_over > available {
        return Err(LedgerError::CarryOverExceeds {
            available,
            requested: carry_over,
        });
    }
    let next = year.checked_add(1).ok_or(LedgerError::Overflow)?;
    if carry_over.is_positive() {
        open_year(view, next)?;
    }
    let returned = available.checked_sub(carry_over)?;
    let postings: Vec<Posting> = [
        (Account::Fund { year }, -available),
        (Account::Fund { year: next }, carry_over),
        (
            Account::Budget {
                stream: view.reservation(),
                year,
            },
            returned,
        ),
    ]
    .into_iter()
    .filter(|(_, amount)| !amount.is_zero())
    .map(|(account, amount)| Posting { account, amount })
    .collect();
    let transaction = if postings.is_empty() {
        None
    } else {
        Some(Transaction::new(date, postings)?)
    };
    Ok(Plan {
        transaction,
        changes: vec![
            Change::CarriedOut {
                year,
                cents: carry_over.cents(),
            },
            Change::CarriedIn {
                year: next,
                cents: carry_over.cents(),
            },
            Change::Returned {
                year,
                cents: returned.cents(),
            },
            Change::Closed { year },
        ],
    })
}

fn transaction_for(
    op: Operation,
    view: &impl LedgerView,
) -> Result<Option<Transaction>, LedgerError> {
    let tx = match op {
        Operation::Fund { year, amount, date } => {
            open_year(view, year)?;
            in_year(date, year)?;
            let wmo = Account::Budget {
                stream: view.reservation(),
                year,
            };
            Transaction::transfer(date, wmo, Account::Fund { year }, amount)?
        }
        Operation::ReduceFunding { year, amount, date } => {
            positive(amount)?;
            not_before(date, first_day(year)?)?;
            open_year(view, year)?;
            let available = view.balance(Account::Fund { year });
            if amount > available {
                return Err(LedgerError::InsufficientFunds {
                    available,
                    requested: amount,
                });
            }
            let wmo = Account::Budget {
                stream: view.reservation(),
                year,
            };
            Transaction::transfer(date, Account::Fund { year }, wmo, amount)?
        }
        Operation::Hold {
            case,
            year,
            amount,
            date,
        } => {
            positive(amount)?;
            open_year(view, year)?;
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
            // Released money revolves into the year it is released in.
            open_year(view, date.year())?;
            Transaction::transfer(
                date,
                Account::Hold { case },
                Account::Fund { year: date.year() },
                rest,
            )?
        }
        Operation::ChargeBack {
            case,
            stream,
            amount,
            date,
        } => {
            recoverable(view, case, stream, amount, date)?;
            let year = date.year();
            open_year(view, year)?;
            let budget = Account::Budget { stream, year };
            Transaction::transfer(date, budget, Account::Fund { year }, amount)?
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
                Operation::Receive { .. } => {
                    open_year(view, date.year())?;
                    Account::Fund { year: date.year() }
                }
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
            open_year(view, year)?;
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
            // The true-up of a year is booked at its end or later, in the
            // year of its date.
            not_before(date, first_day(year)?)?;
            let booked_in = date.year();
            open_year(view, booked_in)?;
            if stream == view.reservation() {
                return Err(LedgerError::ReservationNotCharged);
            }
            let (budget, fund) = (
                Account::Budget {
                    stream,
                    year: booked_in,
                },
                Account::Fund { year: booked_in },
            );
            if difference.is_negative() {
                Transaction::transfer(date, fund, budget, difference.abs())?
            } else {
                Transaction::transfer(date, budget, fund, difference)?
            }
        }
        Operation::CloseYear { .. } | Operation::Reopen { .. } | Operation::Reverse { .. } => {
            return Err(LedgerError::ReversalOfReversal);
        }
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

/// The changes to derived state for an operation (`sign` −1 when it is being
/// reversed). The yearly totals follow the postings on the fund accounts, so
/// money counts in the year it was booked in.
fn changes_for(op: Operation, tx: &Transaction, sign: i64, view: &impl LedgerView) -> Vec<Change> {
    let mut changes = Vec::new();
    let year_of = |case: CaseId| view.hold(case).map(|h| h.year);
    let hold_year = |case: CaseId| match op {
        Operation::Hold { year, .. } => Some(year),
        _ => year_of(case),
    };
    let mut held_in = None;
    for p in &tx.postings {
        if let Account::Hold { case } = p.account
            && let Some(year) = hold_year(case)
        {
            held_in = Some(year);
            changes.push(Change::Held {
                year,
                cents: p.amount.cents(),
            });
        }
    }
    for p in &tx.postings {
        let Account::Fund { year } = p.account else {
            continue;
        };
        let cents = p.amount.cents();
        match (op, held_in) {
            (Operation::Fund { .. } | Operation::ReduceFunding { .. }, _) => {
                changes.push(Change::Funded { year, cents })
            }
            // A hold's money crossing into another year: it leaves the hold's
            // year and comes back in the year it is booked in.
            (_, Some(hold)) if hold != year => {
                changes.push(Change::Recovered { year, cents });
                changes.push(Change::CarriedOut { year: hold, cents });
            }
            (_, Some(_)) => {}
            (
                Operation::ChargeBack { .. }
                | Operation::Receive { .. }
                | Operation::Prebook { .. }
                | Operation::TrueUp { .. },
                None,
            ) => changes.push(Change::Recovered { year, cents }),
            _ => {}
        }
    }
    match op {
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
        }
        Operation::Refuse { case, stream, .. } => {
            changes.push(Change::HoldRecovered {
                case,
                cents: -tx.amount_on(&Account::Payer { stream }),
            });
        }
        _ => {}
    }
    changes
}

#[derive(Debug, Clone)]
struct Entry {
    tx: Transaction,
    op: Operation,
    reversed_by: Option<TxId>,
}

/// A year's totals in cents (or the changes to them), kept beside the
/// ledger so a position never scans it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct YearTotals {
    pub funded: i64,
    pub carried_in: i64,
    pub recovered: i64,
    pub held: i64,
    pub carried_out: i64,
    pub returned: i64,
    pub closed: bool,
}

impl YearTotals {
    /// Adds a change to the yearly totals (other changes add nothing).
    pub fn apply(&mut self, change: Change) {
        match change {
            Change::Funded { cents, .. } => self.funded += cents,
            Change::CarriedIn { cents, .. } => self.carried_in += cents,
            Change::Recovered { cents, .. } => self.recovered += cents,
            Change::Held { cents, .. } => self.held += cents,
            Change::CarriedOut { cents, .. } => self.carried_out += cents,
            Change::Returned { cents, .. } => self.returned += cents,
            Change::Closed { .. } => self.closed = true,
            _ => {}
        }
    }
}

impl Change {
    /// The year whose totals this change alters, if it alters them.
    pub fn year(self) -> Option<Year> {
        match self {
            Change::Funded { year, .. }
            | Change::CarriedIn { year, .. }
            | Change::Recovered { year, .. }
            | Change::Held { year, .. }
            | Change::CarriedOut { year, .. }
            | Change::Returned { year, .. }
            | Change::Closed { year } => Some(year),
            _ => None,
        }
    }
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

    fn closed(&self, year: Year) -> bool {
        self.years.get(&year).is_some_and(|t| t.closed)
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
            carried_in: money(totals.carried_in),
            recovered: money(totals.recovered),
            held: money(totals.held),
            paid: self.balance(Account::Paid { year }),
            carried_out: money(totals.carried_out),
            returned: money(totals.returned),
            available: self.balance(Account::Fund { year }),
            closed: totals.closed,
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
            if let Some(year) = change.year() {
                self.years.entry(year).or_default().apply(change);
                continue;
            }
            if let Change::Reversed { original } = change
                && let Some(entry) = usize::try_from(original.0)
                    .ok()
                    .and_then(|i| self.entries.get_mut(i))
            {
                entry.reversed_by = id;
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
                available: e(8_500),
                ..FundPosition::default()
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

    fn ymd(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    /// 2025 funded € 10.000, case 1 approved for € 4.000 in 2025, paid € 3.000.
    fn year_with_a_case() -> Ledger {
        let mut l = Ledger::new(StreamCode::WMO);
        let ops = [
            Operation::Fund {
                year: 2025,
                amount: e(10_000),
                date: ymd(2025, 1, 2),
            },
            Operation::Hold {
                case: 1,
                year: 2025,
                amount: e(4_000),
                date: ymd(2025, 3, 1),
            },
            Operation::Pay {
                case: 1,
                amount: e(3_000),
                date: ymd(2025, 4, 1),
            },
        ];
        for (i, op) in ops.into_iter().enumerate() {
            l.execute(&format!("setup-{i}"), op).expect("setup");
        }
        l
    }

    fn every_year_reconciles(l: &Ledger) {
        for year in 2024..=2028 {
            let p = l.position(year);
            assert!(p.reconciles(), "{year}: {p:?}");
        }
    }

    #[test]
    fn recoveries_are_credited_to_the_year_they_are_booked_in() {
        let mut l = year_with_a_case();
        l.execute(
            "settle",
            Operation::Release {
                case: 1,
                date: ymd(2025, 12, 1),
            },
        )
        .expect("settle");
        l.execute(
            "charge",
            Operation::ChargeBack {
                case: 1,
                stream: StreamCode::JEUGDWET,
                amount: e(1_000),
                date: ymd(2026, 1, 5),
            },
        )
        .expect("charge");
        assert_eq!(l.balance(Account::Fund { year: 2026 }), e(1_000));
        assert_eq!(l.position(2026).recovered, e(1_000));
        assert_eq!(l.position(2025).recovered, e(0));
        assert_eq!(
            l.balance(Account::Budget {
                stream: StreamCode::JEUGDWET,
                year: 2026
            }),
            e(-1_000)
        );
        every_year_reconciles(&l);
    }

    #[test]
    fn closing_a_year_carries_over_or_returns_and_then_takes_nothing_new() {
        let mut l = year_with_a_case();
        // € 6.000 available, € 1.000 still held for case 1.
        let early = l.execute(
            "close-early",
            Operation::CloseYear {
                year: 2025,
                carry_over: e(1),
                date: ymd(2025, 12, 31),
            },
        );
        assert_eq!(early, Err(LedgerError::CloseTooEarly(2025)));
        let too_much = l.execute(
            "close-much",
            Operation::CloseYear {
                year: 2025,
                carry_over: e(6_001),
                date: ymd(2026, 1, 2),
            },
        );
        assert_eq!(
            too_much,
            Err(LedgerError::CarryOverExceeds {
                available: e(6_000),
                requested: e(6_001)
            })
        );
        l.execute(
            "close",
            Operation::CloseYear {
                year: 2025,
                carry_over: e(5_000),
                date: ymd(2026, 1, 2),
            },
        )
        .expect("close");
        let (old, new) = (l.position(2025), l.position(2026));
        assert!(old.closed && !new.closed);
        assert_eq!(
            (old.carried_out, old.returned, old.available, old.held),
            (e(5_000), e(1_000), e(0), e(1_000))
        );
        assert_eq!((new.carried_in, new.available), (e(5_000), e(5_000)));
        assert_eq!(
            l.balance(Account::Budget {
                stream: StreamCode::WMO,
                year: 2025
            }),
            e(-9_000)
        );
        let twice = l.execute(
            "close-again",
            Operation::CloseYear {
                year: 2025,
                carry_over: e(0),
                date: ymd(2026, 1, 3),
            },
        );
        assert_eq!(twice, Err(LedgerError::AlreadyClosed(2025)));
        let fund = l.execute(
            "fund-closed",
            Operation::Fund {
                year: 2025,
                amount: e(1),
                date: ymd(2025, 12, 31),
            },
        );
        assert_eq!(fund, Err(LedgerError::YearClosed(2025)));
        // The open hold stays valid: it pays, and its rest is released into 2026.
        l.execute(
            "pay-late",
            Operation::Pay {
                case: 1,
                amount: e(400),
                date: ymd(2026, 1, 10),
            },
        )
        .expect("pay");
        l.execute(
            "settle-late",
            Operation::Release {
                case: 1,
                date: ymd(2026, 1, 11),
            },
        )
        .expect("release");
        let (old, new) = (l.position(2025), l.position(2026));
        assert_eq!(
            (old.held, old.paid, old.carried_out),
            (e(0), e(3_400), e(5_600))
        );
        assert_eq!((new.recovered, new.available), (e(600), e(5_600)));
        // A recovery dated in the closed year is refused.
        let backdated = l.execute(
            "charge-closed",
            Operation::ChargeBack {
                case: 1,
                stream: StreamCode::JEUGDWET,
                amount: e(100),
                date: ymd(2025, 12, 31),
            },
        );
        assert!(backdated.is_err());
        every_year_reconciles(&l);
    }

    #[test]
    fn funding_is_reduced_only_as_far_as_available() {
        let mut l = year_with_a_case();
        let r = l.execute(
            "reduce-much",
            Operation::ReduceFunding {
                year: 2025,
                amount: e(6_000)
                    .checked_add(Money::from_cents(1).expect("m"))
                    .expect("m"),
                date: ymd(2025, 6, 1),
            },
        );
        assert!(matches!(r, Err(LedgerError::InsufficientFunds { .. })));
        l.execute(
            "reduce",
            Operation::ReduceFunding {
                year: 2025,
                amount: e(2_500),
                date: ymd(2025, 6, 1),
            },
        )
        .expect("reduce");
        let p = l.position(2025);
        assert_eq!((p.funded, p.available), (e(7_500), e(3_500)));
        every_year_reconciles(&l);
    }

    #[test]
    fn a_reversed_payment_restores_the_hold() {
        let mut l = year_with_a_case();
        let pay = l
            .execute(
                "pay-odd",
                Operation::Pay {
                    case: 1,
                    amount: Money::from_cents(12_345).expect("m"),
                    date: ymd(2025, 5, 1),
                },
            )
            .expect("pay");
        let before = l.balance(Account::Hold { case: 1 });
        let tx = pay.tx.expect("tx");
        l.execute(
            "undo-pay",
            Operation::Reverse {
                tx,
                date: ymd(2025, 5, 2),
            },
        )
        .expect("reverse");
        assert_eq!(
            l.balance(Account::Hold { case: 1 }).cents() - before.cents(),
            12_345
        );
        assert_eq!(l.position(2025).paid, e(3_000));
        let twice = l.execute(
            "undo-pay-2",
            Operation::Reverse {
                tx,
                date: ymd(2025, 5, 3),
            },
        );
        assert_eq!(twice, Err(LedgerError::AlreadyReversed(tx)));
        every_year_reconciles(&l);
    }

    #[test]
    fn a_settlement_reopened_in_a_later_year_takes_the_release_back_from_that_year() {
        let mut l = year_with_a_case();
        let release = l
            .execute(
                "settle",
                Operation::Release {
                    case: 1,
                    date: ymd(2025, 11, 1),
                },
            )
            .expect("settle")
            .tx
            .expect("tx");
        l.execute(
            "fund-26",
            Operation::Fund {
                year: 2026,
                amount: e(2_000),
                date: ymd(2026, 1, 2),
            },
        )
        .expect("fund");
        l.execute(
            "reopen",
            Operation::Reverse {
                tx: release,
                date: ymd(2026, 2, 1),
            },
        )
        .expect("reopen");
        assert_eq!(l.balance(Account::Hold { case: 1 }), e(1_000));
        assert_eq!(l.balance(Account::Fund { year: 2026 }), e(1_000));
        assert_eq!(l.position(2025).held, e(1_000));
        every_year_reconciles(&l);
    }
}
