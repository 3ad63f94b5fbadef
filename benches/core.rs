//! Speed of the core: a 60-line return calculation, the beneficiary allocation
//! of 100,000 settled cases, and 1,000,000 ledger operations in memory.
//! Run: `cargo bench -p doorbraak`.

use std::collections::BTreeSet;
use std::hint::black_box;
use std::time::Instant;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use doorbraak::canvas::{Horizon, LineItem, Quantity, ScenarioLine, ScenarioLineFields};
use doorbraak::catalogue::Unit;
use doorbraak::chargeback::{StreamAvoided, beneficiary_key};
use doorbraak::ledger::{Ledger, Operation};
use doorbraak::returns::calculate;
use doorbraak::stream::StreamKind;
use doorbraak::{Money, Percentage, StreamCode};
use rust_decimal::Decimal;

const STREAMS: [StreamCode; 5] = [
    StreamCode::WMO,
    StreamCode::PARTICIPATIEWET,
    StreamCode::JEUGDWET,
    StreamCode::WGS,
    StreamCode::ZVW,
];

fn lines(n: usize, seed: i64) -> Vec<ScenarioLine> {
    (0..n)
        .map(|i| {
            let i64i = i as i64 + seed;
            ScenarioLine::new(ScenarioLineFields {
                stream: STREAMS[i % STREAMS.len()],
                item: LineItem::Catalogue {
                    code: format!("C{i}"),
                    name: "item".into(),
                },
                unit: Unit::ALL[i % Unit::ALL.len()],
                quantity: Quantity::new(Decimal::new(1 + i64i % 4, 0)).expect("q"),
                unit_price: Money::from_cents(10_000 + i64i * 1_337).expect("m"),
                probability: Percentage::new(Decimal::new(50 + i64i % 51, 0)).expect("p"),
                start_month: 1 + (i % 12) as u16,
                duration_months: 1 + (i % 24) as u16,
            })
            .expect("line")
        })
        .collect()
}

fn returns(c: &mut Criterion) {
    let threatening = lines(40, 0);
    let realistic = lines(20, 7);
    let known: BTreeSet<StreamCode> = STREAMS.into_iter().collect();
    let investment = Money::from_euros(2_500).expect("m");
    c.bench_function("return calculation, 60 lines", |b| {
        b.iter(|| {
            calculate(
                black_box(&threatening),
                black_box(&realistic),
                investment,
                Horizon::DEFAULT,
                &known,
            )
        })
    });
}

fn allocation(c: &mut Criterion) {
    let cases: Vec<(Money, Vec<StreamAvoided>)> = (0..100_000i64)
        .map(|i| {
            let avoided = STREAMS
                .iter()
                .enumerate()
                .map(|(j, &stream)| StreamAvoided {
                    stream,
                    kind: if stream == StreamCode::ZVW {
                        StreamKind::External
                    } else {
                        StreamKind::Internal
                    },
                    avoided: Money::from_cents(
                        (i * 7_919 + j as i64 * 104_729) % 2_000_000 - 200_000,
                    )
                    .expect("m"),
                    agreement: None,
                })
                .collect();
            (
                Money::from_cents(100_000 + i % 500_000).expect("m"),
                avoided,
            )
        })
        .collect();
    let mut group = c.benchmark_group("allocation");
    group.sample_size(10);
    group.bench_function("beneficiary key, 100,000 cases", |b| {
        b.iter(|| {
            for (settled, avoided) in &cases {
                black_box(beneficiary_key(*settled, StreamCode::WMO, avoided).expect("alloc"));
            }
        })
    });
    group.finish();
}

/// One timed run (not a criterion loop: a million operations is the unit).
fn ledger_million() {
    let date = NaiveDate::from_ymd_opt(2026, 3, 1).expect("date");
    let started = Instant::now();
    let mut ledger = Ledger::new(StreamCode::WMO);
    let mut ops = 0u64;
    let mut case = 0i64;
    let key = |n: u64| format!("op-{n}");
    let run = |ledger: &mut Ledger, op: Operation, ops: &mut u64| {
        let _ = ledger.execute(&key(*ops), op);
        *ops += 1;
    };
    while ops < 1_000_000 {
        if case % 100 == 0 {
            run(
                &mut ledger,
                Operation::Fund {
                    year: 2026,
                    amount: Money::from_euros(500_000).expect("m"),
                    date,
                },
                &mut ops,
            );
        }
        let amount = Money::from_cents(100_000 + (case * 7_919) % 400_000).expect("m");
        run(
            &mut ledger,
            Operation::Hold {
                case,
                year: 2026,
                amount,
                date,
            },
            &mut ops,
        );
        run(
            &mut ledger,
            Operation::Pay {
                case,
                amount: Money::from_cents(50_000).expect("m"),
                date,
            },
            &mut ops,
        );
        run(
            &mut ledger,
            Operation::Pay {
                case,
                amount: Money::from_cents(25_000).expect("m"),
                date,
            },
            &mut ops,
        );
        run(&mut ledger, Operation::Release { case, date }, &mut ops);
        run(
            &mut ledger,
            Operation::ChargeBack {
                case,
                stream: StreamCode::JEUGDWET,
                amount: Money::from_cents(40_000).expect("m"),
                date,
            },
            &mut ops,
        );
        run(
            &mut ledger,
            Operation::Claim {
                case,
                stream: StreamCode::ZVW,
                amount: Money::from_cents(10_000).expect("m"),
                date,
            },
            &mut ops,
        );
        run(
            &mut ledger,
            Operation::Receive {
                case,
                stream: StreamCode::ZVW,
                date,
            },
            &mut ops,
        );
        case += 1;
    }
    let elapsed = started.elapsed();
    let pos = ledger.position(2026);
    assert!(pos.reconciles());
    #[allow(clippy::print_stdout)]
    {
        println!(
            "ledger: {ops} operations ({} transactions, {case} cases) in {:.3} s = {:.0} ns/op",
            ledger.len(),
            elapsed.as_secs_f64(),
            elapsed.as_nanos() as f64 / ops as f64
        );
    }
}

fn ledger(_: &mut Criterion) {
    ledger_million();
}

criterion_group!(benches, returns, allocation, ledger);
criterion_main!(benches);
