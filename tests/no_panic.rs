//! Every public constructor and operation, fed generated garbage: errors are
//! fine, panics are not.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use doorbraak::accrual::{prebook, true_up};
use doorbraak::agreement::{Agreement, check_version};
use doorbraak::bsn::find_bsn;
use doorbraak::canvas::{
    Canvas, CostLine, Horizon, LineItem, Quantity, ScenarioLine, ScenarioLineFields,
};
use doorbraak::catalogue::{CatalogueItem, PricePeriod, Unit};
use doorbraak::chargeback::{
    ResponsibleStream, StreamAvoided, beneficiary_key, largest_remainder, responsibility_key,
};
use doorbraak::ledger::{Ledger, Operation, TxId};
use doorbraak::lifecycle::{Action, Actor, CaseFacts, Status, decide};
use doorbraak::mandate::{MandateLevel, MandateTable};
use doorbraak::money::parse_plain_decimal;
use doorbraak::returns::calculate;
use doorbraak::stream::StreamKind;
use doorbraak::{Money, Percentage, Role, RoleSet, StreamCode};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn arb_decimal() -> impl Strategy<Value = Decimal> {
    (any::<i64>(), 0u32..=28).prop_map(|(m, s)| Decimal::new(m, s))
}

fn arb_money() -> impl Strategy<Value = Money> {
    any::<i64>().prop_map(|c| Money::from_cents(c % 100_000_000_000_000).unwrap_or(Money::ZERO))
}

fn arb_date() -> impl Strategy<Value = NaiveDate> {
    (1900i32..2200, 1u32..=366)
        .prop_map(|(y, d)| NaiveDate::from_yo_opt(y, d).unwrap_or(NaiveDate::MIN))
}

fn arb_stream() -> impl Strategy<Value = StreamCode> {
    "[A-Z]{1,4}".prop_map(|s| StreamCode::new(&s).unwrap_or(StreamCode::WMO))
}

proptest! {
    #[test]
    fn parsers_and_constructors(text in "\\PC{0,60}", d in arb_decimal(), n in any::<u16>()) {
        let _ = Money::parse(&text);
        let _ = Money::try_from(d);
        let _ = Money::round_from(d);
        let _ = Percentage::parse(&text);
        let _ = Percentage::new(d);
        let _ = Quantity::new(d);
        let _ = Horizon::months(n);
        let _ = StreamCode::new(&text);
        let _ = find_bsn(&text);
        let _ = parse_plain_decimal(&text);
        let _ = Unit::from_dutch_label(&text);
        let _ = serde_json::from_str::<Money>(&text);
        let _ = serde_json::from_str::<ScenarioLine>(&text);
        let _ = serde_json::from_str::<doorbraak::ledger::Transaction>(&text);
    }

    #[test]
    fn money_arithmetic(a in arb_money(), b in arb_money()) {
        let _ = a.checked_add(b);
        let _ = a.checked_sub(b);
        let _ = Money::sum([a, b, a, b]);
        let _ = a.to_string();
    }

    #[test]
    fn lines_and_returns(qty in arb_decimal(), price in arb_money(), pct in arb_decimal(), start in any::<u16>(), dur in any::<u16>(), h in 1u16..=120, unit in prop::sample::select(Unit::ALL.to_vec()), free in "\\PC{0,20}") {
        let fields = ScenarioLineFields {
            stream: StreamCode::WMO,
            item: LineItem::Free { description: free.clone(), reason: free.clone() },
            unit,
            quantity: Quantity::new(qty).unwrap_or(Quantity::one()),
            unit_price: price,
            probability: Percentage::new(pct).unwrap_or(Percentage::HUNDRED),
            start_month: start,
            duration_months: dur,
        };
        if let Ok(line) = ScenarioLine::new(fields) {
            let streams: BTreeSet<_> = [StreamCode::WMO].into();
            let lines = vec![line; 5];
            let _ = calculate(&lines, &lines, price, Horizon::months(h).unwrap_or_default(), &streams);
        }
        let _ = CostLine::new(&free, &free, price);
        let mut canvas = Canvas::new_draft(Horizon::DEFAULT);
        canvas.texts.situation = free;
        let _ = canvas.check_submittable();
    }

    #[test]
    fn allocations(settled in arb_money(), rows in prop::collection::vec((arb_stream(), arb_money(), any::<bool>(), arb_decimal()), 0..8)) {
        let avoided: Vec<StreamAvoided> = rows.iter().map(|(s, m, ext, _)| StreamAvoided {
            stream: *s, kind: if *ext { StreamKind::External } else { StreamKind::Internal }, avoided: *m, agreement: None,
        }).collect();
        let _ = beneficiary_key(settled, StreamCode::WMO, &avoided);
        let responsible: Vec<ResponsibleStream> = rows.iter().map(|(s, _, ext, p)| ResponsibleStream {
            stream: *s, kind: if *ext { StreamKind::External } else { StreamKind::Internal },
            percentage: Percentage::new(*p).unwrap_or(Percentage::ZERO), agreement: None,
        }).collect();
        let _ = responsibility_key(settled, StreamCode::WMO, &responsible);
        let weights: Vec<i64> = rows.iter().map(|(_, m, _, _)| m.cents()).collect();
        let _ = largest_remainder(settled.cents(), &weights);
        let map: BTreeMap<StreamCode, Money> = rows.iter().map(|(s, m, _, _)| (*s, *m)).collect();
        let _ = true_up(&map, &map);
        let _ = prebook(2026, NaiveDate::MIN, StreamCode::WMO, &map);
    }

    #[test]
    fn ledger_operations(ops in prop::collection::vec((0u8..11, any::<i64>(), arb_money(), arb_date(), arb_stream(), any::<i32>()), 0..40)) {
        let mut l = Ledger::new(StreamCode::WMO);
        for (i, (kind, n, m, d, s, y)) in ops.into_iter().enumerate() {
            let case = n % 5;
            let op = match kind {
                0 => Operation::Fund { year: y, amount: m, date: d },
                1 => Operation::Hold { case, year: y, amount: m, date: d },
                2 => Operation::Pay { case, amount: m, date: d },
                3 => Operation::Release { case, date: d },
                4 => Operation::ChargeBack { case, stream: s, amount: m, date: d },
                5 => Operation::Claim { case, stream: s, amount: m, date: d },
                6 => Operation::Receive { case, stream: s, date: d },
                7 => Operation::Refuse { case, stream: s, date: d },
                8 => Operation::Prebook { stream: s, year: y, amount: m, date: d },
                9 => Operation::TrueUp { stream: s, year: y, difference: m, date: d },
                _ => Operation::Reverse { tx: TxId(n.unsigned_abs() % 50), date: d },
            };
            let _ = l.execute(&format!("{}", i % 7), op);
            let _ = l.position(y);
        }
    }

    #[test]
    fn lifecycle_catalogue_mandates_agreements(status in 0usize..10, roles in any::<u8>(), m in arb_money(), m2 in arb_money(), text in "\\PC{0,10}", d in arb_date(), d2 in arb_date()) {
        let levels = vec![
            MandateLevel { code: text.clone(), name: text.clone(), limit: Some(m) },
            MandateLevel { code: "x".into(), name: "x".into(), limit: Some(m2) },
        ];
        let table = MandateTable::new(levels).unwrap_or_else(|_| MandateTable::dutch_default());
        let actor = Actor {
            user_id: 1,
            roles: Role::ALL.into_iter().enumerate().filter(|(i, _)| roles & (1 << i) != 0).map(|(_, r)| r).collect::<RoleSet>(),
            mandate_level: Some(text.clone()),
        };
        let facts = CaseFacts { status: Status::ALL[status], authors: vec![2], approved_by: None, requested: m, held: m2, paid: m, waiting_for_external: roles % 2 == 0 };
        for action in [Action::Submit, Action::Approve, Action::Reject, Action::Return, Action::Revise, Action::RegisterPayment { amount: m }, Action::Settle, Action::ChargeBack, Action::ReverseChargeBack, Action::Evaluate, Action::Close, Action::ReversePayment { amount: m2 }, Action::ReopenSettlement, Action::SetWaiting { waiting: roles > 100 }] {
            let _ = decide(action, &actor, &facts, Some(&text), &table);
        }
        let _ = table.required_level(m);
        if let Ok(p) = PricePeriod::new(d, Some(d2), m) {
            let _ = CatalogueItem::new(&text, &text, Unit::PerDay, StreamCode::WMO, vec![p, p]);
        }
        let agreement = Agreement { id: 1, stream: StreamCode::ZVW, version: 1, valid_from: d, valid_to: Some(d2), payer_share: Percentage::HUNDRED, yearly_cap: Some(m), reference: text.clone() };
        let _ = check_version(&agreement, Some(&agreement), Some(d2), std::slice::from_ref(&agreement));
    }
}
