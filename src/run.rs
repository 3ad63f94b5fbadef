//! A chargeback run (*terugboekrun*): the settled cases of a period split over
//! the streams that benefited, shown as a preview, then booked as one.
//!
//! The preview is a pure function of the cases, so what is posted is exactly
//! what was shown. Each case is allocated by its key (the beneficiary key by
//! default, or the responsibility key the backoffice chose); an excluded case
//! is listed but books nothing. Internal charges become ledger chargebacks
//! (the fund is credited at once), external ones claims under the agreement
//! in force on the case's settlement date; the yearly caps are consumed case
//! by case in order of settlement date, then reference. In a budget year run
//! in accrual mode the internal charges are recorded as realised savings but
//! not booked: the stream paid in advance, and the year-end true-up settles
//! the difference. Once that year is trued up, a later charge is booked at
//! once as an additional true-up, so nothing is recorded without its booking.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::agreement::Agreements;
use crate::chargeback::{
    Allocation, ChargeKind, ResponsibleStream, StreamAvoided, beneficiary_key, responsibility_key,
};
use crate::ledger::{CaseId, Operation, Year};
use crate::money::{Money, MoneyError};
use crate::stream::StreamCode;
use crate::stream::StreamKind;

/// A run charges settled cases back, or reverses (part of) a posted one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RunKind {
    Chargeback,
    Reversal,
}

impl RunKind {
    pub const ALL: [RunKind; 2] = [RunKind::Chargeback, RunKind::Reversal];

    pub fn code(self) -> &'static str {
        match self {
            RunKind::Chargeback => "chargeback",
            RunKind::Reversal => "reversal",
        }
    }

    pub fn from_code(code: &str) -> Option<RunKind> {
        RunKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_nl(self) -> &'static str {
        match self {
            RunKind::Chargeback => "Terugboekrun",
            RunKind::Reversal => "Correctierun",
        }
    }
}

/// draft → posted | discarded; a reversal run is created posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RunStatus {
    Draft,
    Posted,
    Discarded,
}

impl RunStatus {
    pub const ALL: [RunStatus; 3] = [RunStatus::Draft, RunStatus::Posted, RunStatus::Discarded];

    pub fn code(self) -> &'static str {
        match self {
            RunStatus::Draft => "draft",
            RunStatus::Posted => "posted",
            RunStatus::Discarded => "discarded",
        }
    }

    pub fn from_code(code: &str) -> Option<RunStatus> {
        RunStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_nl(self) -> &'static str {
        match self {
            RunStatus::Draft => "Voorstel",
            RunStatus::Posted => "Geboekt",
            RunStatus::Discarded => "Vervallen",
        }
    }
}

/// How a case's settled cost is split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CaseKey {
    /// Pro rata over the positive avoided costs (the default).
    Beneficiary,
    /// The streams that should have paid, with percentages.
    Responsibility(Vec<ResponsibleStream>),
}

/// How the fund year of a case is accounted for its internal charges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum YearMode {
    /// Charged back when posted.
    Cash,
    /// Pre-booked: recorded now, settled by the year-end true-up.
    Accrual,
    /// Pre-booked and already trued up: booked as an additional true-up of `year`.
    TruedUp { year: Year },
}

/// One settled case offered to a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunCase {
    pub case: CaseId,
    pub reference: String,
    /// The Dutch calendar date it was settled on: the agreement in force then applies.
    pub settled_on: NaiveDate,
    /// The sum of the case's payments.
    pub settled: Money,
    /// Per stream, from the frozen canvas (the evidence); the run adds the
    /// agreement terms.
    pub avoided: Vec<StreamAvoided>,
    pub key: CaseKey,
    pub excluded: bool,
    pub mode: YearMode,
}

/// What the run does with one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Allocated(Allocation),
    Excluded,
    /// The key cannot be applied (e.g. percentages that do not make 100 %):
    /// the reason, in Dutch.
    Refused(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CasePreview {
    pub case: CaseId,
    pub outcome: Outcome,
}

/// A stream's part of the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamTotal {
    pub stream: StreamCode,
    pub kind: ChargeKind,
    pub amount: Money,
    /// How many cases charge it.
    pub cases: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    pub cases: Vec<CasePreview>,
    /// In stream-code order.
    pub totals: Vec<StreamTotal>,
    /// The settled cost of the allocated cases.
    pub settled: Money,
    /// What stays on the Wmo.
    pub residual: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    #[error("Er zijn geen afgerekende casussen om terug te boeken.")]
    Empty,
    #[error("De bedragen van de run vallen buiten het toegestane bereik.")]
    Overflow,
}

impl Preview {
    pub fn total(&self, kind: ChargeKind) -> Money {
        // Charges never exceed the settled total, which `preview` checked.
        kind_total(&self.totals, kind).unwrap_or(Money::ZERO)
    }

    /// Cases whose key could not be applied; a run with any cannot be posted.
    pub fn refused(&self) -> impl Iterator<Item = (CaseId, &str)> {
        self.cases.iter().filter_map(|c| match &c.outcome {
            Outcome::Refused(e) => Some((c.case, e.as_str())),
            _ => None,
        })
    }

    pub fn allocated(&self) -> impl Iterator<Item = (CaseId, &Allocation)> {
        self.cases.iter().filter_map(|c| match &c.outcome {
            Outcome::Allocated(a) => Some((c.case, a)),
            _ => None,
        })
    }
}

/// Allocates every case; the totals add up to the cent (settled = charges +
/// residual). External streams get the terms of the agreement in force on
/// the case's settlement date; the caps are consumed in order of settlement
/// date, then reference, starting from what `agreements` says earlier runs used.
pub fn preview(
    reservation: StreamCode,
    cases: &[RunCase],
    agreements: &Agreements,
) -> Result<Preview, RunError> {
    if cases.is_empty() {
        return Err(RunError::Empty);
    }
    let mut book = agreements.clone();
    let mut order: Vec<usize> = (0..cases.len()).collect();
    order.sort_by(|&a, &b| {
        let key = |c: &RunCase| (c.settled_on, c.reference.clone());
        key(&cases[a]).cmp(&key(&cases[b]))
    });
    let mut totals: Vec<StreamTotal> = Vec::new();
    let (mut settled, mut residual) = (0i64, 0i64);
    let mut previews: Vec<(usize, CasePreview)> = Vec::with_capacity(cases.len());
    for i in order {
        let c = &cases[i];
        let terms = |stream, kind| match kind {
            StreamKind::External => book.terms(stream, c.settled_on),
            StreamKind::Internal => None,
        };
        let outcome = if c.excluded {
            Outcome::Excluded
        } else {
            let allocated = match &c.key {
                CaseKey::Beneficiary => {
                    let avoided: Vec<StreamAvoided> = c
                        .avoided
                        .iter()
                        .map(|a| StreamAvoided {
                            agreement: terms(a.stream, a.kind),
                            ..*a
                        })
                        .collect();
                    beneficiary_key(c.settled, reservation, &avoided)
                }
                CaseKey::Responsibility(streams) => {
                    let streams: Vec<ResponsibleStream> = streams
                        .iter()
                        .map(|r| ResponsibleStream {
                            agreement: terms(r.stream, r.kind),
                            ..*r
                        })
                        .collect();
                    responsibility_key(c.settled, reservation, &streams)
                }
            };
            match allocated {
                Ok(a) => {
                    settled = settled
                        .checked_add(a.settled().cents())
                        .ok_or(RunError::Overflow)?;
                    residual = residual
                        .checked_add(a.residual().cents())
                        .ok_or(RunError::Overflow)?;
                    for charge in a.charges() {
                        add(&mut totals, charge.stream, charge.kind, charge.amount)?;
                        if let Some(agreement) = charge.agreement {
                            book.consume(agreement, c.settled_on, charge.amount);
                        }
                    }
                    Outcome::Allocated(a)
                }
                Err(e) => Outcome::Refused(e.to_string()),
            }
        };
        previews.push((
            i,
            CasePreview {
                case: c.case,
                outcome,
            },
        ));
    }
    // Shown in the order the cases were given.
    previews.sort_by_key(|(i, _)| *i);
    totals.sort_by_key(|t| t.stream);
    let money = |cents| Money::from_cents(cents).map_err(|_| RunError::Overflow);
    Ok(Preview {
        cases: previews.into_iter().map(|(_, p)| p).collect(),
        totals,
        settled: money(settled)?,
        residual: money(residual)?,
    })
}

/// The sum of the totals of one kind (internal or claims).
pub fn kind_total(totals: &[StreamTotal], kind: ChargeKind) -> Result<Money, MoneyError> {
    Money::sum(totals.iter().filter(|t| t.kind == kind).map(|t| t.amount))
}

/// Totals per stream of booked charges (a correction run's, for one), sorted
/// by stream; each charge counts one case.
pub fn totals_of(
    charges: impl IntoIterator<Item = (StreamCode, ChargeKind, Money)>,
) -> Result<Vec<StreamTotal>, RunError> {
    let mut totals = Vec::new();
    for (stream, kind, amount) in charges {
        add(&mut totals, stream, kind, amount)?;
    }
    totals.sort_by_key(|t| t.stream);
    Ok(totals)
}

fn add(
    totals: &mut Vec<StreamTotal>,
    stream: StreamCode,
    kind: ChargeKind,
    amount: Money,
) -> Result<(), RunError> {
    match totals.iter_mut().find(|t| t.stream == stream) {
        Some(t) => {
            t.amount = t
                .amount
                .checked_add(amount)
                .map_err(|_| RunError::Overflow)?;
            t.cases += 1;
        }
        None => totals.push(StreamTotal {
            stream,
            kind,
            amount,
            cases: 1,
        }),
    }
    Ok(())
}

/// One operation the posting books.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Booking {
    pub case: CaseId,
    pub stream: StreamCode,
    pub op: Operation,
}

/// The ledger operations of a previewed run, dated `date`: a chargeback per
/// internal charge (none in accrual years that are not trued up yet; an
/// additional true-up in those that are), a claim per external one.
pub fn bookings(preview: &Preview, cases: &[RunCase], date: NaiveDate) -> Vec<Booking> {
    let modes: std::collections::BTreeMap<CaseId, YearMode> =
        cases.iter().map(|c| (c.case, c.mode)).collect();
    let mut out = Vec::new();
    for (case, allocation) in preview.allocated() {
        let mode = modes.get(&case).copied().unwrap_or(YearMode::Cash);
        for charge in allocation.charges() {
            let op = match (charge.kind, mode) {
                (ChargeKind::Internal, YearMode::Accrual) => continue,
                (ChargeKind::Internal, YearMode::TruedUp { year }) => Operation::TrueUp {
                    stream: charge.stream,
                    year,
                    difference: charge.amount,
                    date,
                },
                (ChargeKind::Internal, YearMode::Cash) => Operation::ChargeBack {
                    case,
                    stream: charge.stream,
                    amount: charge.amount,
                    date,
                },
                (ChargeKind::Claim, _) => Operation::Claim {
                    case,
                    stream: charge.stream,
                    amount: charge.amount,
                    date,
                },
            };
            out.push(Booking {
                case,
                stream: charge.stream,
                op,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chargeback::AgreementTerms;
    use crate::money::Percentage;
    use crate::stream::StreamKind;

    fn eur(cents: i64) -> Money {
        Money::from_cents(cents).expect("money")
    }

    fn avoided(stream: StreamCode, kind: StreamKind, cents: i64, agreement: bool) -> StreamAvoided {
        StreamAvoided {
            stream,
            kind,
            avoided: eur(cents),
            agreement: agreement.then_some(AgreementTerms {
                agreement: 1,
                payer_share: Percentage::HUNDRED,
                cap_remaining: None,
            }),
        }
    }

    /// The Zvw under one agreement at 100 %, without a cap.
    fn zvw() -> Agreements {
        Agreements::new(
            vec![crate::agreement::Agreement {
                id: 1,
                stream: StreamCode::ZVW,
                version: 1,
                valid_from: NaiveDate::from_ymd_opt(2020, 1, 1).expect("d"),
                valid_to: None,
                payer_share: Percentage::HUNDRED,
                yearly_cap: None,
                reference: "CZ-1".into(),
            }],
            [],
        )
    }

    fn case(id: CaseId, settled: i64) -> RunCase {
        RunCase {
            case: id,
            reference: format!("DB-{id}"),
            settled_on: NaiveDate::from_ymd_opt(2026, 11, 1).expect("d"),
            settled: eur(settled),
            avoided: vec![
                avoided(StreamCode::WMO, StreamKind::Internal, 100_000, false),
                avoided(
                    StreamCode::PARTICIPATIEWET,
                    StreamKind::Internal,
                    200_000,
                    false,
                ),
                avoided(StreamCode::ZVW, StreamKind::External, 100_000, true),
            ],
            key: CaseKey::Beneficiary,
            excluded: false,
            mode: YearMode::Cash,
        }
    }

    #[test]
    fn totals_add_up_to_the_cent_over_cases() {
        // 1,000.01 over weights 1:2:1 → WMO 250.00 (residual), PW 500.01, ZVW 250.00.
        let cases = vec![case(1, 100_001), case(2, 100_001)];
        let p = preview(StreamCode::WMO, &cases, &zvw()).expect("preview");
        assert_eq!(p.settled, eur(200_002));
        assert_eq!(p.total(ChargeKind::Internal), eur(100_002));
        assert_eq!(p.total(ChargeKind::Claim), eur(50_000));
        assert_eq!(p.residual, eur(50_000));
        let charged: i64 = p.totals.iter().map(|t| t.amount.cents()).sum();
        assert_eq!(charged + p.residual.cents(), p.settled.cents());
        assert_eq!(p.totals[0].cases, 2);
    }

    #[test]
    fn excluded_and_refused_cases_book_nothing() {
        let mut excluded = case(1, 50_000);
        excluded.excluded = true;
        let mut refused = case(2, 50_000);
        refused.key = CaseKey::Responsibility(vec![ResponsibleStream {
            stream: StreamCode::JEUGDWET,
            kind: StreamKind::Internal,
            percentage: Percentage::new(rust_decimal::Decimal::from(90)).expect("pct"),
            agreement: None,
        }]);
        let cases = vec![excluded, refused, case(3, 40_000)];
        let p = preview(StreamCode::WMO, &cases, &zvw()).expect("preview");
        assert_eq!(p.refused().map(|(c, _)| c).collect::<Vec<_>>(), vec![2]);
        assert_eq!(p.settled, eur(40_000));
        let ops = bookings(&p, &cases, NaiveDate::from_ymd_opt(2026, 12, 1).expect("d"));
        assert!(ops.iter().all(|b| b.case == 3));
        assert_eq!(ops.len(), 2, "PW chargeback and ZVW claim");
    }

    #[test]
    fn accrual_cases_record_internal_charges_without_booking_them() {
        let mut accrual = case(1, 40_000);
        accrual.mode = YearMode::Accrual;
        let cases = vec![accrual];
        let p = preview(StreamCode::WMO, &cases, &zvw()).expect("preview");
        assert_eq!(p.total(ChargeKind::Internal), eur(20_000));
        let ops = bookings(&p, &cases, NaiveDate::from_ymd_opt(2026, 12, 1).expect("d"));
        assert_eq!(ops.len(), 1);
        assert!(matches!(ops[0].op, Operation::Claim { .. }));
        // After the year's true-up, a late charge is booked as an additional true-up.
        let mut late = case(2, 40_000);
        late.mode = YearMode::TruedUp { year: 2025 };
        let cases = vec![late];
        let p = preview(StreamCode::WMO, &cases, &zvw()).expect("preview");
        let ops = bookings(&p, &cases, NaiveDate::from_ymd_opt(2026, 12, 1).expect("d"));
        assert!(ops.iter().any(|b| matches!(
            b.op,
            Operation::TrueUp { year: 2025, difference, .. } if difference == eur(20_000)
        )));
    }

    #[test]
    fn an_empty_run_is_refused() {
        assert_eq!(preview(StreamCode::WMO, &[], &zvw()), Err(RunError::Empty));
    }
}
