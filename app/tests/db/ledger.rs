//! The SQLite ledger against the core's in-memory model: the same operations,
//! the same outcomes and balances, step by step. And concurrent approvals
//! never overdraw the fund.
#![cfg(feature = "ssr")]

use app::db;
use chrono::NaiveDate;
use doorbraak::ledger::{Account, Ledger, LedgerView, Operation, TxId};
use doorbraak::{Money, StreamCode};
use sqlx::SqlitePool;

use crate::fixture::{Lcg, NOW};
const CASES: i64 = 6;
const STREAMS: [StreamCode; 4] = [
    StreamCode::PARTICIPATIEWET,
    StreamCode::JEUGDWET,
    StreamCode::ZVW,
    StreamCode::WMO,
];

async fn fresh(cases: i64) -> (SqlitePool, tempfile::TempDir) {
    let (pool, dir) = crate::fixture::database().await;
    sqlx::query("INSERT INTO streams (code, name, kind, holds_reservation) VALUES ('WMO', 'Wmo', 'internal', 1)")
        .execute(&pool)
        .await
        .expect("stream");
    sqlx::query("INSERT INTO teams (id, name, created_at) VALUES (1, 'Team', ?1)")
        .bind(NOW)
        .execute(&pool)
        .await
        .expect("team");
    let hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA";
    sqlx::query("INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES (1, 'pim', 'Pim', ?1, ?2)")
        .bind(hash)
        .bind(NOW)
        .execute(&pool)
        .await
        .expect("user");
    for id in 1..=cases {
        sqlx::query(
            "INSERT INTO cases (id, reference, team_id, professional_id, status, created_at, updated_at) VALUES (?1, ?2, 1, 1, 'approved', ?3, ?3)",
        )
        .bind(id)
        .bind(format!("DB-{id}"))
        .bind(NOW)
        .execute(&pool)
        .await
        .expect("case");
    }
    (pool, dir)
}

const YEARS: [i32; 3] = [2025, 2026, 2027];

fn date(day: u32) -> NaiveDate {
    NaiveDate::from_yo_opt(2026, 1 + day % 360).expect("date")
}

fn in_year(year: i32, day: u64) -> NaiveDate {
    NaiveDate::from_yo_opt(year, 1 + (day % 360) as u32).expect("date")
}

/// An operation of any kind over three budget years: fundings, reductions
/// and closings, holds, payments, releases and reopenings, recoveries, and
/// reversals (corrections) of anything booked before.
fn random_op(r: &mut Lcg, booked: u64) -> Operation {
    let case = 1 + r.next(CASES as u64) as i64;
    let cents = Money::from_cents(1 + r.next(300_000) as i64).expect("m");
    let stream = STREAMS[r.next(4) as usize];
    let year = YEARS[r.next(3) as usize];
    let d = in_year(year, r.next(360));
    match r.next(16) {
        // Closing is rare, and 2027 stays open, so the sequence keeps booking.
        3 if year < 2027 && r.next(6) == 0 => Operation::CloseYear {
            year,
            carry_over: Money::from_cents(r.next(300_000) as i64).expect("m"),
            date: in_year(year + 1, r.next(360)),
        },
        0 | 1 | 3 => Operation::Fund {
            year,
            amount: cents,
            date: d,
        },
        2 => Operation::ReduceFunding {
            year,
            amount: cents,
            date: d,
        },
        4 | 5 => Operation::Hold {
            case,
            year,
            amount: cents,
            date: d,
        },
        6 | 7 => Operation::Pay {
            case,
            amount: cents,
            date: d,
        },
        8 => Operation::Release { case, date: d },
        9 => Operation::Reopen { case, date: d },
        10 => Operation::ChargeBack {
            case,
            stream,
            amount: cents,
            date: d,
        },
        11 => Operation::Claim {
            case,
            stream,
            amount: cents,
            date: d,
        },
        12 => Operation::Receive {
            case,
            stream,
            date: d,
        },
        13 => Operation::Refuse {
            case,
            stream,
            date: d,
        },
        _ => Operation::Reverse {
            tx: TxId(1 + r.next(booked.max(1))),
            date: d,
        },
    }
}

#[tokio::test]
async fn the_database_ledger_agrees_with_the_model_step_by_step() {
    let (pool, _dir) = fresh(CASES).await;
    let mut model = Ledger::new(StreamCode::WMO);
    // The model numbers transactions from 0, the database from 1: map them.
    let mut ids: Vec<(TxId, TxId)> = Vec::new();
    let mut r = Lcg(42);
    let (mut agreed_ok, mut agreed_err) = (0, 0);
    let mut closed = 0;
    for step in 0..600 {
        let op = random_op(&mut r, ids.len() as u64);
        let model_op = match op {
            Operation::Reverse { tx, date } => match ids.iter().find(|(db, _)| *db == tx) {
                Some((_, m)) => Operation::Reverse { tx: *m, date },
                None => Operation::Reverse {
                    tx: TxId(u64::MAX),
                    date,
                },
            },
            other => other,
        };
        let key = format!("k{step}");
        let expected = model.execute(&key, model_op);
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.expect("begin");
        let actual = db::ledger::execute(&mut tx, &key, op, NOW, Some(1)).await;
        match (&expected, &actual) {
            (Ok(m), Ok(d)) => {
                tx.commit().await.expect("commit");
                if matches!(op, Operation::CloseYear { .. }) {
                    closed += 1;
                }
                if let (Some(m), Some(d)) = (m.tx, d.tx) {
                    ids.push((d, m));
                }
                agreed_ok += 1;
            }
            (Err(m), Err(db::ledger::BookError::Rule(d))) => {
                assert_eq!(
                    std::mem::discriminant(m),
                    std::mem::discriminant(d),
                    "step {step} {op:?}: {m} vs {d}"
                );
                agreed_err += 1;
            }
            (m, d) => panic!("step {step} {op:?}: model {m:?}, database {d:?}"),
        }
        let mut conn = pool.acquire().await.expect("conn");
        for year in YEARS.into_iter().chain([2028]) {
            let position = db::ledger::position(&mut conn, year)
                .await
                .expect("position");
            assert_eq!(position, model.position(year), "{year} at step {step}");
            assert!(position.reconciles(), "{year} at step {step}");
        }
        for case in 1..=CASES {
            assert_eq!(
                db::ledger::hold(&mut conn, case).await.expect("hold"),
                model.hold(case),
                "hold {case} at step {step}"
            );
            assert_eq!(
                db::ledger::balance(&mut conn, Account::Hold { case })
                    .await
                    .expect("b"),
                model.balance(Account::Hold { case })
            );
        }
    }
    let mut conn = pool.acquire().await.expect("conn");
    assert!(
        db::ledger::unbalanced_transactions(&mut conn)
            .await
            .expect("q")
            .is_empty()
    );
    assert!(
        db::ledger::drifted_balances(&mut conn)
            .await
            .expect("q")
            .is_empty()
    );
    assert!(
        agreed_ok > 120 && agreed_err > 50 && closed >= 1,
        "the sequence exercises both paths and closes years: {agreed_ok} ok, {agreed_err} refused, {closed} closed"
    );
}

#[tokio::test]
async fn replaying_a_key_books_nothing_and_the_ledger_is_append_only() {
    let (pool, _dir) = fresh(1).await;
    let op = Operation::Fund {
        year: 2026,
        amount: Money::from_euros(1_000).expect("m"),
        date: date(1),
    };
    for _ in 0..3 {
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.expect("begin");
        db::ledger::execute(&mut tx, "fund-2026", op, NOW, Some(1))
            .await
            .map_err(|e| format!("{e:?}"))
            .expect("fund");
        tx.commit().await.expect("commit");
    }
    let mut conn = pool.acquire().await.expect("conn");
    assert_eq!(
        db::ledger::position(&mut conn, 2026)
            .await
            .expect("p")
            .funded,
        Money::from_euros(1_000).expect("m")
    );
    let other = Operation::Fund {
        year: 2026,
        amount: Money::from_euros(5).expect("m"),
        date: date(1),
    };
    let conflict = db::ledger::execute(&mut conn, "fund-2026", other, NOW, Some(1)).await;
    assert!(matches!(
        conflict,
        Err(db::ledger::BookError::Rule(
            doorbraak::ledger::LedgerError::IdempotencyConflict(_)
        ))
    ));
    for sql in [
        "UPDATE ledger_postings SET amount_cents = 1",
        "DELETE FROM ledger_postings",
        "DELETE FROM ledger_transactions",
    ] {
        let refused = sqlx::query(sql).execute(&mut *conn).await;
        assert!(refused.expect_err(sql).to_string().contains("append-only"));
    }
    let overdraw =
        sqlx::query("UPDATE account_balances SET balance_cents = -1 WHERE account = 'fund:2026'")
            .execute(&mut *conn)
            .await;
    assert!(
        overdraw.is_err(),
        "the database itself refuses a negative fund"
    );
}

#[tokio::test]
async fn fifty_concurrent_approvals_on_room_for_ten_place_exactly_ten_holds() {
    let (pool, _dir) = fresh(50).await;
    let mut conn = pool.acquire().await.expect("conn");
    let fund = Operation::Fund {
        year: 2026,
        amount: Money::from_euros(25_000).expect("m"),
        date: date(1),
    };
    db::ledger::execute(&mut conn, "fund", fund, NOW, Some(1))
        .await
        .map_err(|e| format!("{e:?}"))
        .expect("fund");
    drop(conn);
    let tasks: Vec<_> = (1..=50)
        .map(|case| {
            let pool = pool.clone();
            tokio::spawn(async move {
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.expect("begin");
                let hold = Operation::Hold {
                    case,
                    year: 2026,
                    amount: Money::from_euros(2_500).expect("m"),
                    date: date(2),
                };
                let result =
                    db::ledger::execute(&mut tx, &format!("approve-{case}"), hold, NOW, Some(1))
                        .await;
                if result.is_ok() {
                    tx.commit().await.expect("commit");
                }
                result.is_ok()
            })
        })
        .collect();
    let mut placed = 0;
    for task in tasks {
        if task.await.expect("task") {
            placed += 1;
        }
    }
    assert_eq!(placed, 10);
    let mut conn = pool.acquire().await.expect("conn");
    let holds: i64 = sqlx::query_scalar("SELECT count(*) FROM holds")
        .fetch_one(&mut *conn)
        .await
        .expect("count");
    assert_eq!(holds, 10);
    let position = db::ledger::position(&mut conn, 2026)
        .await
        .expect("position");
    assert_eq!(position.available, Money::ZERO);
    assert_eq!(position.held, Money::from_euros(25_000).expect("m"));
    assert!(position.reconciles());
}

/// Batches (as a chargeback run books them) agree with the model executing
/// the same operations one by one: each operation sees the ones before it in
/// its batch, and a refusal anywhere leaves nothing of the batch.
#[tokio::test]
async fn batches_book_like_single_operations_and_all_or_nothing() {
    let (pool, _dir) = fresh(CASES).await;
    let mut model = Ledger::new(StreamCode::WMO);
    let mut ids: Vec<(TxId, TxId)> = Vec::new();
    let mut r = Lcg(7);
    let (mut booked_batches, mut refused_batches, mut step) = (0, 0, 0);
    for batch_no in 0..400 {
        // Most random operations are refused (no hold yet, nothing to pay):
        // small batches let enough of them through.
        let size = 1 + r.next(3);
        let before = model.clone();
        let mut ops = Vec::new();
        let mut expected = Ok(Vec::new());
        for _ in 0..size {
            // Reversals only of what was booked before this batch.
            let op = match random_op(&mut r, ids.len() as u64) {
                Operation::Reverse { tx, date } => match ids.iter().find(|(db, _)| *db == tx) {
                    Some(_) => Operation::Reverse { tx, date },
                    None => continue,
                },
                other => other,
            };
            let model_op = match op {
                Operation::Reverse { tx, date } => Operation::Reverse {
                    tx: ids
                        .iter()
                        .find(|(db, _)| *db == tx)
                        .map(|(_, m)| *m)
                        .expect("known"),
                    date,
                },
                other => other,
            };
            step += 1;
            let key = format!("b{step}");
            if let Ok(receipts) = &mut expected {
                match model.execute(&key, model_op) {
                    Ok(receipt) => receipts.push(receipt),
                    Err(e) => expected = Err(e),
                }
            }
            ops.push((key, op));
        }
        if ops.is_empty() {
            continue;
        }
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.expect("begin");
        let actual = db::ledger::execute_all(&mut tx, &ops, NOW, Some(1)).await;
        match (&expected, actual) {
            (Ok(model_receipts), Ok(db_receipts)) => {
                tx.commit().await.expect("commit");
                for (m, d) in model_receipts.iter().zip(db_receipts) {
                    if let (Some(m), Some(d)) = (m.tx, d.tx) {
                        ids.push((d, m));
                    }
                }
                booked_batches += 1;
            }
            (Err(_), Err(db::ledger::BookError::Rule(_))) => {
                tx.rollback().await.expect("rollback");
                model = before;
                refused_batches += 1;
            }
            (m, d) => panic!("batch {batch_no} {ops:?}: model {m:?}, database {d:?}"),
        }
        let mut conn = pool.acquire().await.expect("conn");
        assert_eq!(
            db::ledger::position(&mut conn, 2026)
                .await
                .expect("position"),
            model.position(2026),
            "batch {batch_no}"
        );
        for case in 1..=CASES {
            assert_eq!(
                db::ledger::hold(&mut conn, case).await.expect("hold"),
                model.hold(case),
                "hold {case} after batch {batch_no}"
            );
            for stream in STREAMS {
                let account = Account::Receivable { stream, case };
                assert_eq!(
                    db::ledger::balance(&mut conn, account).await.expect("b"),
                    model.balance(account)
                );
            }
        }
    }
    let mut conn = pool.acquire().await.expect("conn");
    assert!(
        db::ledger::unbalanced_transactions(&mut conn)
            .await
            .expect("q")
            .is_empty()
    );
    assert!(
        db::ledger::drifted_balances(&mut conn)
            .await
            .expect("q")
            .is_empty()
    );
    assert!(
        booked_batches > 40 && refused_batches > 40,
        "both paths: {booked_batches} booked, {refused_batches} refused"
    );
}
