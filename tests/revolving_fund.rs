//! The worked examples of issue "the money revolves", through the public API
//! only, exact to the cent: recoveries finance new approvals across a year
//! boundary, agreements with a share and a yearly cap, and a reversed payment.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use doorbraak::agreement::{Agreement, Agreements};
use doorbraak::chargeback::{ChargeKind, ResidualReason, StreamAvoided};
use doorbraak::ledger::{Account, Ledger, LedgerError, Operation};
use doorbraak::run::{CaseKey, Outcome, RunCase, YearMode, bookings, preview};
use doorbraak::stream::StreamKind;
use doorbraak::{Money, Percentage, StreamCode};

fn eur(s: &str) -> Money {
    Money::parse(s).expect("amount")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn avoided(stream: StreamCode, kind: StreamKind, amount: &str) -> StreamAvoided {
    StreamAvoided {
        stream,
        kind,
        avoided: eur(amount),
        agreement: None,
    }
}

fn settled_case(
    id: i64,
    reference: &str,
    on: NaiveDate,
    settled: &str,
    avoided: Vec<StreamAvoided>,
) -> RunCase {
    RunCase {
        case: id,
        reference: reference.into(),
        settled_on: on,
        settled: eur(settled),
        avoided,
        key: CaseKey::Beneficiary,
        excluded: false,
        mode: YearMode::Cash,
    }
}

fn book(l: &mut Ledger, key: &str, op: Operation) {
    l.execute(key, op).unwrap_or_else(|e| panic!("{key}: {e}"));
}

#[test]
fn money_recovered_in_january_finances_the_next_approval_at_once() {
    let mut l = Ledger::new(StreamCode::WMO);
    // 2025: fund € 10.000; case A approved for € 4.000, paid € 4.000, settled.
    book(
        &mut l,
        "fund-2025",
        Operation::Fund {
            year: 2025,
            amount: eur("10.000"),
            date: day(2025, 1, 2),
        },
    );
    book(
        &mut l,
        "hold-a",
        Operation::Hold {
            case: 1,
            year: 2025,
            amount: eur("4.000"),
            date: day(2025, 3, 1),
        },
    );
    book(
        &mut l,
        "pay-a",
        Operation::Pay {
            case: 1,
            amount: eur("4.000"),
            date: day(2025, 4, 1),
        },
    );
    book(
        &mut l,
        "settle-a",
        Operation::Release {
            case: 1,
            date: day(2025, 6, 1),
        },
    );
    // 2 January 2026: fund 2026 € 1.000; close 2025 carrying € 6.000 over.
    let jan2 = day(2026, 1, 2);
    book(
        &mut l,
        "fund-2026",
        Operation::Fund {
            year: 2026,
            amount: eur("1.000"),
            date: jan2,
        },
    );
    assert_eq!(l.position(2025).available, eur("6.000"));
    book(
        &mut l,
        "close-2025",
        Operation::CloseYear {
            year: 2025,
            carry_over: eur("6.000"),
            date: jan2,
        },
    );
    // The run: case A avoided PW € 3.000, JW € 5.000, Wmo € 0 → PW € 1.500, JW € 2.500.
    let case_a = settled_case(
        1,
        "DB-2025-0001",
        day(2025, 6, 1),
        "4.000",
        vec![
            avoided(StreamCode::PARTICIPATIEWET, StreamKind::Internal, "3.000"),
            avoided(StreamCode::JEUGDWET, StreamKind::Internal, "5.000"),
            avoided(StreamCode::WMO, StreamKind::Internal, "0"),
        ],
    );
    let cases = [case_a];
    let p = preview(StreamCode::WMO, &cases, &Agreements::default()).expect("preview");
    let Outcome::Allocated(a) = &p.cases[0].outcome else {
        panic!("allocated")
    };
    assert_eq!(a.charge_for(StreamCode::PARTICIPATIEWET), eur("1.500"));
    assert_eq!(a.charge_for(StreamCode::JEUGDWET), eur("2.500"));
    assert_eq!(a.residual(), Money::ZERO);
    for (i, b) in bookings(&p, &cases, jan2).into_iter().enumerate() {
        book(&mut l, &format!("run-{i}"), b.op);
    }
    let y2026 = l.position(2026);
    assert_eq!(
        (
            y2026.funded,
            y2026.carried_in,
            y2026.recovered,
            y2026.available
        ),
        (eur("1.000"), eur("6.000"), eur("4.000"), eur("11.000"))
    );
    assert!(y2026.reconciles() && l.position(2025).reconciles());
    let too_much = l.execute(
        "hold-b",
        Operation::Hold {
            case: 2,
            year: 2026,
            amount: eur("11.000,01"),
            date: jan2,
        },
    );
    assert_eq!(
        too_much,
        Err(LedgerError::InsufficientFunds {
            available: eur("11.000"),
            requested: eur("11.000,01")
        })
    );
    book(
        &mut l,
        "hold-c",
        Operation::Hold {
            case: 3,
            year: 2026,
            amount: eur("11.000,00"),
            date: jan2,
        },
    );
    assert_eq!(l.position(2026).available, Money::ZERO);
}

#[test]
fn a_yearly_cap_is_consumed_in_settlement_order_and_a_new_version_applies_by_date() {
    let v1 = Agreement {
        id: 1,
        stream: StreamCode::ZVW,
        version: 1,
        valid_from: day(2025, 1, 1),
        valid_to: Some(day(2025, 12, 31)),
        payer_share: Percentage::HUNDRED,
        yearly_cap: Some(eur("1.000")),
        reference: "CZ-2025".into(),
    };
    let v2 = Agreement {
        id: 2,
        version: 2,
        valid_from: day(2026, 1, 1),
        valid_to: None,
        payer_share: Percentage::parse("50").expect("pct"),
        yearly_cap: None,
        reference: "CZ-2026".into(),
        ..v1.clone()
    };
    let book = Agreements::new(vec![v1, v2], []);
    // Each case attributed entirely to the Zvw by the beneficiary key.
    let zvw_only = |amount: &str| vec![avoided(StreamCode::ZVW, StreamKind::External, amount)];
    // Listed out of order: the cap follows the settlement date, then the reference.
    let cases = [
        settled_case(4, "DB-D", day(2026, 1, 2), "800", zvw_only("800")),
        settled_case(3, "DB-C", day(2025, 12, 31), "700", zvw_only("700")),
        settled_case(2, "DB-B", day(2025, 11, 30), "800", zvw_only("800")),
    ];
    let p = preview(StreamCode::WMO, &cases, &book).expect("preview");
    let claims: BTreeMap<i64, (Money, Option<i64>, Money, Vec<ResidualReason>)> = p
        .allocated()
        .map(|(case, a)| {
            let charge = a.charges().first();
            (
                case,
                (
                    charge.map_or(Money::ZERO, |c| c.amount),
                    charge.and_then(|c| c.agreement),
                    a.residual(),
                    a.residual_parts().iter().map(|r| r.reason).collect(),
                ),
            )
        })
        .collect();
    assert_eq!(claims[&2], (eur("800"), Some(1), Money::ZERO, vec![]));
    assert_eq!(
        claims[&3],
        (
            eur("200"),
            Some(1),
            eur("500"),
            vec![ResidualReason::CapUsedUp]
        )
    );
    assert_eq!(
        claims[&4],
        (
            eur("400"),
            Some(2),
            eur("400"),
            vec![ResidualReason::PayerShare]
        )
    );
    assert!(
        p.allocated()
            .all(|(_, a)| a.charges().iter().all(|c| c.kind == ChargeKind::Claim))
    );
    assert_eq!(p.total(ChargeKind::Claim), eur("1.400"));
    assert_eq!(p.residual, eur("900"));
    // A later run in the same agreement year finds the cap used up.
    let used = Agreements::new(
        book.versions().to_vec(),
        [((1, 2025), eur("1.000")), ((2, 2026), eur("400"))],
    );
    let late = [settled_case(
        5,
        "DB-E",
        day(2025, 12, 1),
        "300",
        zvw_only("300"),
    )];
    let p = preview(StreamCode::WMO, &late, &used).expect("preview");
    let (_, a) = p.allocated().next().expect("allocated");
    assert!(a.charges().is_empty());
    assert_eq!(a.residual_parts()[0].reason, ResidualReason::CapUsedUp);
    assert_eq!(a.residual(), eur("300"));
}

#[test]
fn a_reversed_payment_restores_the_hold_to_the_cent() {
    let mut l = Ledger::new(StreamCode::WMO);
    book(
        &mut l,
        "fund",
        Operation::Fund {
            year: 2026,
            amount: eur("10.000"),
            date: day(2026, 1, 2),
        },
    );
    book(
        &mut l,
        "hold",
        Operation::Hold {
            case: 1,
            year: 2026,
            amount: eur("5.000"),
            date: day(2026, 2, 1),
        },
    );
    let before = (l.balance(Account::Hold { case: 1 }), l.position(2026));
    let pay = l
        .execute(
            "pay",
            Operation::Pay {
                case: 1,
                amount: eur("1.234,56"),
                date: day(2026, 2, 2),
            },
        )
        .expect("pay");
    assert_eq!(l.position(2026).paid, eur("1.234,56"));
    let tx = pay.tx.expect("booked");
    book(
        &mut l,
        "reverse-pay",
        Operation::Reverse {
            tx,
            date: day(2026, 2, 3),
        },
    );
    assert_eq!(
        (l.balance(Account::Hold { case: 1 }), l.position(2026)),
        before
    );
    assert_eq!(l.position(2026).paid, Money::ZERO);
    assert!(l.position(2026).reconciles());
    for (_, t) in l.transactions() {
        assert_eq!(
            t.postings().iter().map(|p| p.amount.cents()).sum::<i64>(),
            0
        );
    }
    assert_eq!(
        l.execute(
            "reverse-pay-again",
            Operation::Reverse {
                tx,
                date: day(2026, 2, 4)
            }
        ),
        Err(LedgerError::AlreadyReversed(tx))
    );
}
