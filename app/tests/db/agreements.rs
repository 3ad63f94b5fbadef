//! Agreements in the database against the core's model: the yearly caps the
//! posted runs used, run after run (claims, reversals, refusals), are what
//! the core's `Agreements` consumed; and a posted run sees the caps as they
//! were when it was posted.

use std::collections::HashMap;

use app::db;
use chrono::NaiveDate;
use doorbraak::agreement::{Agreement, AgreementUse, Agreements};
use doorbraak::chargeback::ChargeKind;
use doorbraak::posting::{PlannedCharge, PlannedClaim};
use doorbraak::{Money, Percentage, StreamCode};
use sqlx::SqlitePool;

use crate::fixture::{HASH, Lcg, NOW};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn eur(cents: i64) -> Money {
    Money::from_cents(cents).expect("m")
}

async fn municipality() -> (SqlitePool, tempfile::TempDir, Vec<Agreement>) {
    let (pool, dir) = crate::fixture::database().await;
    for sql in [
        "INSERT INTO streams (code, name, kind, holds_reservation) VALUES ('WMO', 'Wmo', 'internal', 1)",
        "INSERT INTO streams (code, name, kind) VALUES ('ZVW', 'Zvw', 'external')",
    ] {
        sqlx::query(sql).execute(&pool).await.expect("stream");
    }
    sqlx::query("INSERT INTO teams (id, name, created_at) VALUES (1, 'Team', ?1)")
        .bind(NOW)
        .execute(&pool)
        .await
        .expect("team");
    sqlx::query("INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES (1, 'bob', 'Bob', ?1, ?2)")
        .bind(HASH)
        .bind(NOW)
        .execute(&pool)
        .await
        .expect("user");
    for id in 1..=8 {
        sqlx::query(
            "INSERT INTO cases (id, reference, team_id, professional_id, status, created_at, updated_at, settled_at)
             VALUES (?1, ?2, 1, 1, 'charged_back', ?3, ?3, ?3)",
        )
        .bind(id)
        .bind(format!("DB-{id}"))
        .bind(NOW)
        .execute(&pool)
        .await
        .expect("case");
    }
    let v1 = Agreement {
        id: 0,
        stream: StreamCode::ZVW,
        version: 1,
        valid_from: day(2025, 1, 1),
        valid_to: Some(day(2025, 12, 31)),
        payer_share: Percentage::HUNDRED,
        yearly_cap: Some(eur(100_000)),
        reference: "CZ-2025".into(),
    };
    let v2 = Agreement {
        version: 2,
        valid_from: day(2026, 1, 1),
        valid_to: None,
        payer_share: Percentage::parse("50").expect("pct"),
        yearly_cap: Some(eur(250_000)),
        reference: "CZ-2026".into(),
        ..v1.clone()
    };
    let mut conn = pool.acquire().await.expect("conn");
    let mut stored = Vec::new();
    for a in [v1, v2] {
        let id = db::agreements::insert(&mut conn, &a, NOW, Some(1))
            .await
            .expect("agreement");
        stored.push(Agreement { id, ..a });
    }
    let read: Vec<Agreement> = db::agreements::all(&mut conn)
        .await
        .expect("q")
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    assert_eq!(read, stored, "agreements decode as they were stored");
    (pool, dir, stored)
}

/// The cap left per version and agreement year, as a book of agreements says.
fn remaining(book: &Agreements) -> Vec<Option<Money>> {
    [day(2025, 6, 1), day(2026, 6, 1), day(2027, 6, 1)]
        .into_iter()
        .map(|d| book.terms(StreamCode::ZVW, d).and_then(|t| t.cap_remaining))
        .collect()
}

#[tokio::test]
async fn the_caps_the_database_counts_are_what_the_model_consumed_run_after_run() {
    let (pool, _dir, versions) = municipality().await;
    let mut model = Agreements::new(versions.clone(), []);
    let mut r = Lcg(7);
    let mut posted: Vec<(String, i64, Vec<Option<Money>>)> = Vec::new();
    for run in 1..=12i64 {
        let mut tx = pool.begin().await.expect("begin");
        let at = format!("2026-11-{:02}T10:00:{:02}.000Z", 1 + run, run);
        let kind = if run % 4 == 0 {
            "reversal"
        } else {
            "chargeback"
        };
        sqlx::query(
            "INSERT INTO chargeback_runs (id, kind, status, period_from, period_to, reverses, booking_date, created_at, created_by, posted_at, posted_by)
             VALUES (?1, ?2, 'posted', '2025-01-01', '2026-12-31', ?3, '2026-11-30', ?4, 1, ?4, 1)",
        )
        .bind(run)
        .bind(kind)
        .bind((kind == "reversal").then_some(run - 1))
        .bind(&at)
        .execute(&mut *tx)
        .await
        .expect("run");
        let mut charges = Vec::new();
        let mut claims = Vec::new();
        for case in 1..=8 {
            if r.next(2) == 0 {
                continue;
            }
            let year = if r.next(2) == 0 { 2025 } else { 2026 };
            let agreement = versions[usize::from(year == 2026)].id;
            let cents = 1 + r.next(60_000) as i64;
            let amount = if kind == "reversal" { -cents } else { cents };
            charges.push(PlannedCharge {
                case,
                stream: StreamCode::ZVW,
                kind: ChargeKind::Claim,
                year,
                amount: eur(amount),
                agreement: Some(AgreementUse { agreement, year }),
                booking: None,
            });
            if amount > 0 {
                claims.push(PlannedClaim {
                    case,
                    stream: StreamCode::ZVW,
                    amount: eur(amount),
                });
            }
            model.consume(agreement, day(year, 6, 1), eur(amount));
        }
        db::runs::insert_charges(&mut tx, run, &charges, &HashMap::new())
            .await
            .expect("charges");
        db::claims::insert(&mut tx, run, &claims)
            .await
            .expect("claims");
        // Now and then the payer refuses a claim: its part of the cap comes back.
        if let Some(refused) = claims.first().filter(|_| r.next(3) == 0) {
            let invoice: i64 = sqlx::query_scalar(
                "INSERT INTO invoices (number, stream_code, invoice_date, created_at)
                 VALUES (?1, 'ZVW', '2026-11-01', '2026-11-01') RETURNING id",
            )
            .bind(format!("F-{run}"))
            .fetch_one(&mut *tx)
            .await
            .expect("invoice");
            sqlx::query(
                "UPDATE claims SET status = 'refused', invoice_id = ?3,
                        closed_on = '2026-11-01', reason = 'Geen dekking'
                 WHERE run_id = ?1 AND case_id = ?2",
            )
            .bind(run)
            .bind(refused.case)
            .bind(invoice)
            .execute(&mut *tx)
            .await
            .expect("refuse");
            let year = charges
                .iter()
                .find(|c| c.case == refused.case)
                .and_then(|c| c.agreement)
                .expect("use");
            model.consume(year.agreement, day(year.year, 6, 1), -refused.amount);
        }
        tx.commit().await.expect("commit");
        let mut conn = pool.acquire().await.expect("conn");
        let used = db::agreements::caps_used(&mut conn, None)
            .await
            .expect("caps");
        let stored = Agreements::new(versions.clone(), used);
        assert_eq!(remaining(&stored), remaining(&model), "after run {run}");
        posted.push((at, run, remaining(&model)));
    }
    // Each posted run, seen later, sees the caps as they were before it was posted.
    let mut conn = pool.acquire().await.expect("conn");
    let mut before = remaining(&Agreements::new(versions.clone(), []));
    for (at, run, after) in posted {
        let used = db::agreements::caps_used(&mut conn, Some((&at, run)))
            .await
            .expect("caps");
        assert_eq!(
            remaining(&Agreements::new(versions.clone(), used)),
            before,
            "before run {run}"
        );
        before = after;
    }
}
