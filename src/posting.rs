//! Posting a chargeback run and reversing one, decided whole: what blocks a
//! draft, and the plan of a posting or a reversal — the ledger bookings with
//! their idempotency keys, the charges (each naming the booking that books
//! it), the claims, and the cases' move decided by the lifecycle. The
//! database layer only writes a plan; it matches nothing by position.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::agreement::AgreementUse;
use crate::chargeback::ChargeKind;
use crate::claim::{ClaimAction, ClaimStatus};
use crate::ledger::{CaseId, Operation, TxId};
use crate::lifecycle::{self, Action, Status};
use crate::money::Money;
use crate::run::{Outcome, Preview, RunCase, RunKind, RunStatus, bookings};
use crate::stream::{StreamCode, StreamRegistry};

/// What a run is, as far as posting and reversing care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunFacts {
    pub id: i64,
    pub kind: RunKind,
    pub status: RunStatus,
    pub version: i64,
}

/// A case of a draft, beside its allocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunCaseFacts {
    pub case: CaseId,
    pub reference: String,
    pub status: Status,
    /// The case's fund year.
    pub year: Option<i32>,
}

/// Why a draft cannot be posted as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Blocker {
    /// The case's key cannot be applied.
    Refused { reference: String, why: String },
    /// The case moved on (or back) since the draft was made.
    NotSettled { reference: String },
    /// Every case is excluded.
    Empty,
    /// A stream the run books on misses a code the journal needs.
    IncompleteCodes { stream: StreamCode, name: String },
}

impl fmt::Display for Blocker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Blocker::Refused { reference, why } => write!(f, "{reference}: {why}"),
            Blocker::NotSettled { reference } => write!(
                f,
                "{reference} is niet (meer) afgerekend. Sluit de casus uit of maak een nieuwe run."
            ),
            Blocker::Empty => f.write_str("De run bevat geen casus om terug te boeken."),
            Blocker::IncompleteCodes { stream, name } => write!(
                f,
                "De stroom {stream} ({name}) heeft geen volledige boekingscodes (taakveld, kostenplaats, grootboekrekening). Vul ze aan bij Inrichting."
            ),
        }
    }
}

/// Everything that keeps the draft from being posted; empty when it can be.
/// `facts` run beside `preview.cases`, case by case.
pub fn blockers(
    preview: &Preview,
    facts: &[RunCaseFacts],
    streams: &StreamRegistry,
) -> Vec<Blocker> {
    let (from, _) = bulk(Action::ChargeBack);
    let mut out = Vec::new();
    for (case, fact) in preview.cases.iter().zip(facts) {
        if let Outcome::Refused(why) = &case.outcome {
            out.push(Blocker::Refused {
                reference: fact.reference.clone(),
                why: why.clone(),
            });
        }
        if !matches!(case.outcome, Outcome::Excluded) && fact.status != from {
            out.push(Blocker::NotSettled {
                reference: fact.reference.clone(),
            });
        }
    }
    if preview.allocated().next().is_none() {
        out.push(Blocker::Empty);
    }
    let charged = preview
        .totals
        .iter()
        .map(|t| t.stream)
        .chain([streams.reservation()]);
    for code in charged.collect::<BTreeSet<_>>() {
        if let Ok(s) = streams.get(code)
            && !s.accounting.is_complete()
        {
            out.push(Blocker::IncompleteCodes {
                stream: s.code,
                name: s.name.clone(),
            });
        }
    }
    out
}

/// A charge a run records; `booking` names the plan's booking that books it
/// (none for an internal charge in an accrual year).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedCharge {
    pub case: CaseId,
    pub stream: StreamCode,
    pub kind: ChargeKind,
    pub year: i32,
    pub amount: Money,
    /// A claim's agreement version and agreement year.
    pub agreement: Option<AgreementUse>,
    pub booking: Option<String>,
}

/// A claim on an external payer a posting opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlannedClaim {
    pub case: CaseId,
    pub stream: StreamCode,
    pub amount: Money,
}

/// The cases a plan moves, and from which status to which.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseMove {
    pub action: Action,
    pub from: Status,
    pub to: Status,
    pub cases: Vec<CaseId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostingPlan {
    pub bookings: Vec<(String, Operation)>,
    pub charges: Vec<PlannedCharge>,
    pub claims: Vec<PlannedClaim>,
    pub cases: CaseMove,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostDecision {
    /// The same form was posted before (a double click, a retry): nothing to do.
    AlreadyPosted,
    Post(PostingPlan),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PostError {
    #[error("Iemand anders heeft deze run intussen gewijzigd of geboekt. Laad de pagina opnieuw.")]
    Stale,
    #[error("De run kan niet worden geboekt: {0}")]
    Blocked(Blocker),
}

/// The move a run makes on each of its cases, from the lifecycle.
fn bulk(action: Action) -> (Status, Status) {
    lifecycle::bulk_move(action)
        .unwrap_or_else(|| unreachable!("runs only charge back and reverse"))
}

/// Decides the posting of the draft `version` of `run` on `date`.
pub fn plan_posting(
    run: RunFacts,
    version: i64,
    preview: &Preview,
    cases: &[RunCase],
    facts: &[RunCaseFacts],
    streams: &StreamRegistry,
    date: NaiveDate,
) -> Result<PostDecision, PostError> {
    if run.status == RunStatus::Posted && version.checked_add(1) == Some(run.version) {
        return Ok(PostDecision::AlreadyPosted);
    }
    if run.kind != RunKind::Chargeback || run.status != RunStatus::Draft || run.version != version {
        return Err(PostError::Stale);
    }
    if let Some(first) = blockers(preview, facts, streams).into_iter().next() {
        return Err(PostError::Blocked(first));
    }
    let key = |case: CaseId, stream: StreamCode| format!("run-{}-case-{case}-{stream}", run.id);
    let planned = bookings(preview, cases, date);
    let booked: BTreeSet<(CaseId, StreamCode)> =
        planned.iter().map(|b| (b.case, b.stream)).collect();
    let year_of: BTreeMap<CaseId, i32> = facts
        .iter()
        .filter_map(|f| Some((f.case, f.year?)))
        .collect();
    let settled_on: BTreeMap<CaseId, NaiveDate> =
        cases.iter().map(|c| (c.case, c.settled_on)).collect();
    let mut charges = Vec::new();
    let mut claims = Vec::new();
    for (case, allocation) in preview.allocated() {
        for charge in allocation.charges() {
            charges.push(PlannedCharge {
                case,
                stream: charge.stream,
                kind: charge.kind,
                year: year_of.get(&case).copied().unwrap_or(date.year()),
                amount: charge.amount,
                agreement: charge
                    .agreement
                    .zip(settled_on.get(&case))
                    .map(|(id, on)| AgreementUse::new(id, *on)),
                booking: booked
                    .contains(&(case, charge.stream))
                    .then(|| key(case, charge.stream)),
            });
            if charge.kind == ChargeKind::Claim {
                claims.push(PlannedClaim {
                    case,
                    stream: charge.stream,
                    amount: charge.amount,
                });
            }
        }
    }
    let (from, to) = bulk(Action::ChargeBack);
    Ok(PostDecision::Post(PostingPlan {
        bookings: planned
            .into_iter()
            .map(|b| (key(b.case, b.stream), b.op))
            .collect(),
        charges,
        claims,
        cases: CaseMove {
            action: Action::ChargeBack,
            from,
            to,
            cases: preview.allocated().map(|(case, _)| case).collect(),
        },
    }))
}

/// A charge a posted run recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCharge {
    pub case: CaseId,
    pub stream: StreamCode,
    pub kind: ChargeKind,
    pub year: i32,
    pub amount: Money,
    pub agreement: Option<AgreementUse>,
    pub tx: Option<TxId>,
}

/// A claim a posted run opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredClaim {
    pub id: i64,
    pub version: i64,
    pub case: CaseId,
    pub reference: String,
    pub stream: StreamCode,
    pub status: ClaimStatus,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReversalPlan {
    pub bookings: Vec<(String, Operation)>,
    /// The charges undone: each original negated, booked by its reversal.
    pub charges: Vec<PlannedCharge>,
    /// Open claims withdrawn: (id, version).
    pub withdrawn: Vec<(i64, i64)>,
    pub cases: CaseMove,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReversalError {
    #[error(
        "Een correctierun kan zelf niet worden gecorrigeerd. Boek de casus opnieuw terug in een nieuwe run."
    )]
    OfReversal,
    #[error("Alleen een geboekte run kan worden gecorrigeerd.")]
    NotPosted,
    #[error("Deze casus hoort niet bij de run of is al gecorrigeerd.")]
    CaseNotLeft,
    #[error("Alles van deze run is al gecorrigeerd.")]
    NothingLeft,
    #[error("De vordering op {stream} voor {reference} is al {}; corrigeer die eerst met de betaler.", .status.label_nl())]
    ClaimMoved {
        stream: StreamCode,
        reference: String,
        status: ClaimStatus,
    },
}

/// Decides the reversal of `run` (of one `case`, or all not yet reversed):
/// `charges` are what the run recorded, `reversed` the cases already
/// undone, `claims` the run's claims, `trued_up` the accrual years whose
/// true-up was booked. Open claims are withdrawn; one already invoiced must
/// be settled with the payer first. An accrual charge that was recorded
/// without a booking is undone by a refunding true-up once its year is
/// trued up, so the true-up keeps matching what was realised.
pub fn plan_reversal(
    run: RunFacts,
    case: Option<CaseId>,
    charges: &[StoredCharge],
    reversed: &BTreeSet<CaseId>,
    claims: &[StoredClaim],
    trued_up: &BTreeSet<i32>,
    date: NaiveDate,
) -> Result<ReversalPlan, ReversalError> {
    if run.kind == RunKind::Reversal {
        return Err(ReversalError::OfReversal);
    }
    if run.status != RunStatus::Posted {
        return Err(ReversalError::NotPosted);
    }
    let undo: Vec<&StoredCharge> = charges
        .iter()
        .filter(|c| case.is_none_or(|k| c.case == k) && !reversed.contains(&c.case))
        .collect();
    if undo.is_empty() {
        return Err(match case {
            Some(_) => ReversalError::CaseNotLeft,
            None => ReversalError::NothingLeft,
        });
    }
    let cases: BTreeSet<CaseId> = undo.iter().map(|c| c.case).collect();
    let mut withdrawn = Vec::new();
    for claim in claims.iter().filter(|k| cases.contains(&k.case)) {
        if claim.status.apply(ClaimAction::Withdraw).is_err() {
            return Err(ReversalError::ClaimMoved {
                stream: claim.stream,
                reference: claim.reference.clone(),
                status: claim.status,
            });
        }
        withdrawn.push((claim.id, claim.version));
    }
    let key = |tx: TxId| format!("reverse-{}", tx.0);
    let refund_key = |c: &StoredCharge| {
        format!(
            "reverse-run-{}-case-{}-{}-true-up",
            run.id, c.case, c.stream
        )
    };
    let refunds = |c: &StoredCharge| {
        c.tx.is_none() && c.kind == ChargeKind::Internal && trued_up.contains(&c.year)
    };
    let (from, to) = bulk(Action::ReverseChargeBack);
    let mut bookings: Vec<(String, Operation)> = Vec::new();
    for c in &undo {
        if let Some(tx) = c.tx {
            bookings.push((key(tx), Operation::Reverse { tx, date }));
        } else if refunds(c) {
            bookings.push((
                refund_key(c),
                Operation::TrueUp {
                    stream: c.stream,
                    year: c.year,
                    difference: -c.amount,
                    date,
                },
            ));
        }
    }
    Ok(ReversalPlan {
        bookings,
        charges: undo
            .iter()
            .map(|c| PlannedCharge {
                case: c.case,
                stream: c.stream,
                kind: c.kind,
                year: c.year,
                amount: -c.amount,
                agreement: c.agreement,
                booking: match c.tx {
                    Some(tx) => Some(key(tx)),
                    None => refunds(c).then(|| refund_key(c)),
                },
            })
            .collect(),
        withdrawn,
        cases: CaseMove {
            action: Action::ReverseChargeBack,
            from,
            to,
            cases: cases.into_iter().collect(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agreement::{Agreement, Agreements};
    use crate::chargeback::StreamAvoided;
    use crate::money::Percentage;
    use crate::run::{CaseKey, YearMode, preview};
    use crate::stream::{Stream, StreamKind};

    fn eur(cents: i64) -> Money {
        Money::from_cents(cents).expect("money")
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).expect("date")
    }

    /// The default streams with complete codes and an agreement with the Zvw.
    fn streams() -> StreamRegistry {
        let mut all: Vec<Stream> = StreamRegistry::dutch_default().iter().cloned().collect();
        for s in &mut all {
            s.accounting.taakveld = "6.3".into();
            s.accounting.cost_centre = "KP1".into();
            s.accounting.ledger_account = "4400".into();
        }
        StreamRegistry::new(all).expect("streams")
    }

    fn case(id: CaseId, settled: i64, accrual: bool) -> RunCase {
        let a = |stream, kind, cents| StreamAvoided {
            stream,
            kind,
            avoided: eur(cents),
            agreement: None,
        };
        RunCase {
            case: id,
            reference: format!("DB-{id}"),
            settled_on: NaiveDate::from_ymd_opt(2025, 11, 1).expect("date"),
            settled: eur(settled),
            avoided: vec![
                a(StreamCode::WMO, StreamKind::Internal, 100_000),
                a(StreamCode::PARTICIPATIEWET, StreamKind::Internal, 200_000),
                a(StreamCode::ZVW, StreamKind::External, 100_000),
            ],
            key: CaseKey::Beneficiary,
            excluded: false,
            mode: if accrual {
                YearMode::Accrual
            } else {
                YearMode::Cash
            },
        }
    }

    /// The Zvw under one agreement at 100 %, without a cap.
    fn zvw() -> Agreements {
        Agreements::new(
            vec![Agreement {
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

    fn fact(case: CaseId, status: Status) -> RunCaseFacts {
        RunCaseFacts {
            case,
            reference: format!("DB-{case}"),
            status,
            year: Some(2025),
        }
    }

    fn draft() -> RunFacts {
        RunFacts {
            id: 7,
            kind: RunKind::Chargeback,
            status: RunStatus::Draft,
            version: 3,
        }
    }

    fn plan(cases: &[RunCase], facts: &[RunCaseFacts]) -> Result<PostDecision, PostError> {
        let p = preview(StreamCode::WMO, cases, &zvw()).expect("preview");
        plan_posting(draft(), 3, &p, cases, facts, &streams(), day())
    }

    #[test]
    fn a_posting_names_each_charges_booking_and_moves_the_cases() {
        let cases = [case(1, 100_001, false), case(2, 40_000, true)];
        let facts = [fact(1, Status::Settled), fact(2, Status::Settled)];
        let PostDecision::Post(plan) = plan(&cases, &facts).expect("plan") else {
            panic!("expected a plan");
        };
        let keys: Vec<&str> = plan.bookings.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            ["run-7-case-1-PW", "run-7-case-1-ZVW", "run-7-case-2-ZVW"]
        );
        // Case 2's fund year runs in accrual: its internal charge is recorded, not booked.
        let pw2 = plan
            .charges
            .iter()
            .find(|c| c.case == 2 && c.stream == StreamCode::PARTICIPATIEWET)
            .expect("pw");
        assert_eq!(pw2.booking, None);
        assert_eq!(pw2.year, 2025);
        for charge in plan.charges.iter().filter(|c| c.booking.is_some()) {
            let key = charge.booking.as_deref().expect("key");
            assert!(
                plan.bookings.iter().any(|(k, _)| k == key),
                "{key} is booked"
            );
        }
        assert_eq!(plan.claims.len(), 2);
        assert!(plan.claims.iter().all(|c| c.stream == StreamCode::ZVW));
        assert_eq!(plan.cases.cases, vec![1, 2]);
        assert_eq!(
            (plan.cases.from, plan.cases.to),
            (Status::Settled, Status::ChargedBack)
        );
        let charged: i64 = plan.charges.iter().map(|c| c.amount.cents()).sum();
        assert_eq!(
            charged,
            50_001 + 25_000 + 20_000 + 10_000,
            "charges add up to the cent"
        );
    }

    #[test]
    fn blockers_are_typed_and_stop_the_posting() {
        let mut refused = case(2, 10_000, false);
        refused.key = CaseKey::Responsibility(vec![]);
        let cases = [case(1, 10_000, false), refused];
        let facts = [fact(1, Status::ChargedBack), fact(2, Status::Settled)];
        let p = preview(StreamCode::WMO, &cases, &zvw()).expect("preview");
        let found = blockers(&p, &facts, &streams());
        assert!(matches!(&found[0], Blocker::NotSettled { reference } if reference == "DB-1"));
        assert!(matches!(&found[1], Blocker::Refused { reference, .. } if reference == "DB-2"));
        assert_eq!(found.len(), 2);
        assert_eq!(
            plan(&cases, &facts),
            Err(PostError::Blocked(found[0].clone()))
        );

        let mut excluded = case(1, 10_000, false);
        excluded.excluded = true;
        let p = preview(StreamCode::WMO, std::slice::from_ref(&excluded), &zvw()).expect("preview");
        assert_eq!(
            blockers(&p, &[fact(1, Status::ChargedBack)], &streams()),
            vec![Blocker::Empty]
        );

        let incomplete = StreamRegistry::dutch_default();
        let p = preview(StreamCode::WMO, &[case(1, 10_000, false)], &zvw()).expect("preview");
        let found = blockers(&p, &[fact(1, Status::Settled)], &incomplete);
        let codes: Vec<StreamCode> = found
            .iter()
            .filter_map(|b| match b {
                Blocker::IncompleteCodes { stream, .. } => Some(*stream),
                _ => None,
            })
            .collect();
        assert_eq!(
            codes,
            [
                StreamCode::PARTICIPATIEWET,
                StreamCode::WMO,
                StreamCode::ZVW
            ]
        );
        assert!(found[0].to_string().contains("Vul ze aan bij Inrichting"));
    }

    #[test]
    fn a_repeated_posting_is_done_and_a_changed_run_is_stale() {
        let cases = [case(1, 10_000, false)];
        let p = preview(StreamCode::WMO, &cases, &zvw()).expect("preview");
        let facts = [fact(1, Status::Settled)];
        let posted = RunFacts {
            status: RunStatus::Posted,
            version: 4,
            ..draft()
        };
        assert_eq!(
            plan_posting(posted, 3, &p, &cases, &facts, &streams(), day()),
            Ok(PostDecision::AlreadyPosted)
        );
        assert_eq!(
            plan_posting(posted, 2, &p, &cases, &facts, &streams(), day()),
            Err(PostError::Stale)
        );
        assert_eq!(
            plan_posting(draft(), 2, &p, &cases, &facts, &streams(), day()),
            Err(PostError::Stale)
        );
        let discarded = RunFacts {
            status: RunStatus::Discarded,
            ..draft()
        };
        assert_eq!(
            plan_posting(discarded, 3, &p, &cases, &facts, &streams(), day()),
            Err(PostError::Stale)
        );
    }

    fn stored(
        case: CaseId,
        stream: StreamCode,
        kind: ChargeKind,
        cents: i64,
        tx: Option<u64>,
    ) -> StoredCharge {
        StoredCharge {
            case,
            stream,
            kind,
            year: 2025,
            amount: eur(cents),
            agreement: None,
            tx: tx.map(TxId),
        }
    }

    fn claim(id: i64, case: CaseId, status: ClaimStatus) -> StoredClaim {
        StoredClaim {
            id,
            version: 1,
            case,
            reference: format!("DB-{case}"),
            stream: StreamCode::ZVW,
            status,
        }
    }

    fn posted() -> RunFacts {
        RunFacts {
            status: RunStatus::Posted,
            version: 4,
            ..draft()
        }
    }

    #[test]
    fn a_reversal_undoes_each_booked_charge_and_withdraws_open_claims() {
        let charges = [
            stored(
                1,
                StreamCode::PARTICIPATIEWET,
                ChargeKind::Internal,
                5_000,
                Some(11),
            ),
            stored(1, StreamCode::ZVW, ChargeKind::Claim, 2_500, Some(12)),
            stored(
                2,
                StreamCode::PARTICIPATIEWET,
                ChargeKind::Internal,
                4_000,
                None,
            ),
            stored(
                3,
                StreamCode::PARTICIPATIEWET,
                ChargeKind::Internal,
                1_000,
                Some(13),
            ),
        ];
        let claims = [
            claim(50, 1, ClaimStatus::Open),
            claim(51, 3, ClaimStatus::Paid),
        ];
        let reversed = BTreeSet::from([3]);
        let plan = plan_reversal(
            posted(),
            None,
            &charges,
            &reversed,
            &claims,
            &BTreeSet::new(),
            day(),
        )
        .expect("plan");
        let keys: Vec<&str> = plan.bookings.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["reverse-11", "reverse-12"]);
        assert_eq!(plan.charges.len(), 3, "case 3 was reversed before");
        assert!(plan.charges.iter().all(|c| c.amount.is_negative()));
        assert_eq!(
            plan.charges[2].booking, None,
            "an accrual charge had no booking to undo"
        );
        assert_eq!(plan.charges[1].booking.as_deref(), Some("reverse-12"));
        assert_eq!(plan.withdrawn, vec![(50, 1)]);
        assert_eq!(plan.cases.cases, vec![1, 2]);
        assert_eq!(
            (plan.cases.from, plan.cases.to),
            (Status::ChargedBack, Status::Settled)
        );

        let one = plan_reversal(
            posted(),
            Some(2),
            &charges,
            &reversed,
            &claims,
            &BTreeSet::new(),
            day(),
        )
        .expect("plan");
        assert_eq!(one.cases.cases, vec![2]);
        assert!(one.bookings.is_empty() && one.withdrawn.is_empty());
        // Once 2025 is trued up, undoing the unbooked accrual charge refunds it by a true-up.
        let trued_up = BTreeSet::from([2025]);
        let refund = plan_reversal(
            posted(),
            Some(2),
            &charges,
            &reversed,
            &claims,
            &trued_up,
            day(),
        )
        .expect("plan");
        assert_eq!(
            refund.bookings,
            vec![(
                "reverse-run-7-case-2-PW-true-up".to_string(),
                Operation::TrueUp {
                    stream: StreamCode::PARTICIPATIEWET,
                    year: 2025,
                    difference: eur(-4_000),
                    date: day()
                }
            )]
        );
        assert_eq!(
            refund.charges[0].booking.as_deref(),
            Some("reverse-run-7-case-2-PW-true-up")
        );
    }

    #[test]
    fn a_reversal_is_refused_with_the_reason() {
        let charges = [stored(
            1,
            StreamCode::ZVW,
            ChargeKind::Claim,
            2_500,
            Some(12),
        )];
        let none = BTreeSet::new();
        let invoiced = [claim(50, 1, ClaimStatus::Invoiced)];
        let err = plan_reversal(
            posted(),
            None,
            &charges,
            &none,
            &invoiced,
            &BTreeSet::new(),
            day(),
        )
        .expect_err("refused");
        assert_eq!(
            err.to_string(),
            "De vordering op ZVW voor DB-1 is al gefactureerd; corrigeer die eerst met de betaler."
        );
        let reversal = RunFacts {
            kind: RunKind::Reversal,
            ..posted()
        };
        assert_eq!(
            plan_reversal(
                reversal,
                None,
                &charges,
                &none,
                &[],
                &BTreeSet::new(),
                day()
            ),
            Err(ReversalError::OfReversal)
        );
        assert_eq!(
            plan_reversal(draft(), None, &charges, &none, &[], &BTreeSet::new(), day()),
            Err(ReversalError::NotPosted)
        );
        assert_eq!(
            plan_reversal(
                posted(),
                Some(9),
                &charges,
                &none,
                &[],
                &BTreeSet::new(),
                day()
            ),
            Err(ReversalError::CaseNotLeft)
        );
        let all = BTreeSet::from([1]);
        assert_eq!(
            plan_reversal(posted(), None, &charges, &all, &[], &BTreeSet::new(), day()),
            Err(ReversalError::NothingLeft)
        );
    }
}
