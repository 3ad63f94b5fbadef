//! The service tier: the logic that runs inside server functions, called
//! directly with a `Write` as tests and the demo generator do — no HTTP,
//! the real database with the demo municipality. The core decides; these
//! tests show that what it decides is what gets written, and that a refused
//! action writes nothing.
// Tests compare against the real clock.
#![allow(clippy::disallowed_methods)]

use app::context::{Moment, Write};
use app::db;
use app::error::AppError;
use app::model::CurrentUser;
use app::services::{claims, runs};
use chrono::{DateTime, Utc};
use doorbraak::claim::ClaimStatus;
use doorbraak::run::RunStatus;
use sqlx::SqlitePool;

mod erasure;

struct Demo {
    pool: SqlitePool,
    path: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

async fn demo() -> Demo {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = server::Config::new(
        dir.path().join("services.db"),
        "127.0.0.1:0".parse().expect("addr"),
    );
    config.session_secret = Some("a-test-secret-that-is-long-enough-0123456789".into());
    config.log = "warn".into();
    config.site_root = dir.path().join("site");
    let running = server::start(&config, true).await.expect("start");
    Demo {
        pool: running.pool,
        path: config.database.clone(),
        _dir: dir,
    }
}

/// A fixed instant: the test decides the time, not the clock.
fn at(text: &str) -> DateTime<Utc> {
    text.parse().expect("instant")
}

impl Demo {
    async fn user(&self, username: &str) -> CurrentUser {
        let id = db::users::credentials(&self.pool, username)
            .await
            .expect("q")
            .expect("user")
            .id;
        db::users::get(&self.pool, id)
            .await
            .expect("q")
            .expect("user")
            .into()
    }

    async fn write(&self, username: &str, now: DateTime<Utc>) -> Write {
        Write::begin(&self.pool, self.user(username).await, now, "127.0.0.1")
            .await
            .expect("begin")
    }

    /// One value of the row with the id `id`.
    async fn value<T>(&self, sql: &str, id: i64) -> T
    where
        T: for<'r> sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite> + Send + Unpin,
    {
        sqlx::query_scalar(sql)
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(&self.pool)
            .await
            .expect("count")
    }

    /// A draft over every settled case, made by the backoffice at `now`.
    async fn draft(&self, now: DateTime<Utc>) -> i64 {
        let mut w = self.write("backoffice", now).await;
        let today = Moment::of(now).today;
        let from = (today - chrono::Duration::days(365 * 9)).to_string();
        let id = runs::create(&mut w, &from, &today.to_string())
            .await
            .expect("draft");
        w.commit().await.expect("commit");
        id
    }
}

#[tokio::test]
async fn an_audit_event_carries_the_time_of_the_rows_it_describes() {
    let d = demo().await;
    // 23:30 UTC on 31 December is already New Year's Day in the Netherlands.
    let now = at("2026-12-31T23:30:00.123Z");
    let id = d.draft(now).await;
    let (created,): (String,) =
        sqlx::query_as("SELECT created_at FROM chargeback_runs WHERE id = ?1")
            .bind(id)
            .fetch_one(&d.pool)
            .await
            .expect("run");
    let (audited,): (String,) = sqlx::query_as(
        "SELECT at FROM audit_events WHERE action = 'run_created' AND object_id = ?1",
    )
    .bind(id.to_string())
    .fetch_one(&d.pool)
    .await
    .expect("event");
    assert_eq!(created, "2026-12-31T23:30:00.123Z");
    assert_eq!(audited, created, "one moment per request");
    assert_eq!(
        Moment::of(now).today.to_string(),
        "2027-01-01",
        "the Dutch date"
    );
    // The audit page filters on Dutch calendar days: the event is on 1 January.
    let mut r = app::context::Read::open(&d.pool, d.user("beheer").await, now)
        .await
        .expect("read");
    let on = |day: &str| {
        let day = day.to_string();
        (day.clone(), day)
    };
    let mut found = Vec::new();
    for day in ["2026-12-31", "2027-01-01"] {
        let (from, to) = on(day);
        let page = app::services::audit::audit_events(
            &mut r,
            String::new(),
            "run_created".into(),
            from,
            to,
            String::new(),
            0,
        )
        .await
        .expect("events");
        found.push(page.events.len());
    }
    assert_eq!(
        found,
        vec![0, 1],
        "on 31 December nothing, on New Year's Day the event"
    );
}

#[tokio::test]
async fn a_refused_action_writes_nothing_not_even_its_audit_event() {
    let d = demo().await;
    let now = at("2026-11-20T10:00:00Z");
    let id = d.draft(now).await;
    let mut w = d.write("backoffice", now).await;
    let view = {
        let mut r = app::context::Read::open(&d.pool, d.user("backoffice").await, now)
            .await
            .expect("read");
        runs::get(&mut r, id, 0, "").await.expect("view")
    };
    let case = view.cases[0].case_id;
    let form = runs::CaseChoice {
        choice: "responsibility",
        responsibility: "JW 60, PW 30",
        reason: "Jeugdhulp had moeten betalen",
    };
    let err = runs::set_case_key(&mut w, id, view.run.version, case, form)
        .await
        .expect_err("refused");
    assert_eq!(
        err,
        AppError::invalid(
            "responsibility",
            "De percentages tellen op tot 90, niet tot 100."
        )
    );
    drop(w);
    let events = d
        .count("SELECT count(*) FROM audit_events WHERE action = 'run_case_key_set'")
        .await;
    assert_eq!(events, 0);

    // The same key, right, is stored as the core typed it.
    let mut w = d.write("backoffice", now).await;
    let form = runs::CaseChoice {
        choice: "responsibility",
        responsibility: "jw=60; pw=40",
        reason: "Jeugdhulp had moeten betalen",
    };
    runs::set_case_key(&mut w, id, view.run.version, case, form)
        .await
        .expect("key");
    w.commit().await.expect("commit");
    let stored: String = sqlx::query_scalar(
        "SELECT responsibility FROM run_cases WHERE run_id = ?1 AND case_id = ?2",
    )
    .bind(id)
    .bind(case)
    .fetch_one(&d.pool)
    .await
    .expect("key");
    assert_eq!(
        stored,
        r#"[{"stream":"JW","percentage":"60"},{"stream":"PW","percentage":"40"}]"#
    );
}

#[tokio::test]
async fn a_blocked_draft_is_not_posted_and_a_posted_one_not_twice() {
    let d = demo().await;
    let now = at("2026-11-20T10:00:00Z");
    let id = d.draft(now).await;
    let version: i64 = d
        .value("SELECT version FROM chargeback_runs WHERE id = ?1", id)
        .await;
    sqlx::query("UPDATE streams SET cost_centre = '' WHERE code = 'WMO'")
        .execute(&d.pool)
        .await
        .expect("clear");
    let txs = d.count("SELECT count(*) FROM ledger_transactions").await;
    let mut w = d.write("backoffice", now).await;
    let err = runs::post(&mut w, id, version, "2026-11-20")
        .await
        .expect_err("refused");
    assert!(
        err.to_string().contains("geen volledige boekingscodes"),
        "{err}"
    );
    drop(w);
    sqlx::query("UPDATE streams SET cost_centre = 'KP-WMO' WHERE code = 'WMO'")
        .execute(&d.pool)
        .await
        .expect("restore");

    let mut w = d.write("backoffice", now).await;
    runs::post(&mut w, id, version, "2026-11-20")
        .await
        .expect("post");
    w.commit().await.expect("commit");
    let booked = d.count("SELECT count(*) FROM ledger_transactions").await;
    assert!(booked > txs);
    // The same form again: done, nothing booked.
    let mut w = d.write("backoffice", now).await;
    runs::post(&mut w, id, version, "2026-11-20")
        .await
        .expect("again");
    w.commit().await.expect("commit");
    assert_eq!(
        d.count("SELECT count(*) FROM ledger_transactions").await,
        booked
    );
    let status: String = d
        .value("SELECT status FROM chargeback_runs WHERE id = ?1", id)
        .await;
    assert_eq!(status, RunStatus::Posted.code());
    // Every charge that was booked names its ledger transaction.
    assert_eq!(
        d.count(&format!(
            "SELECT count(*) FROM run_charges c LEFT JOIN ledger_transactions t ON t.id = c.tx_id
             WHERE c.run_id = {id} AND c.tx_id IS NOT NULL AND t.id IS NULL"
        ))
        .await,
        0
    );
}

#[tokio::test]
async fn a_claim_moves_only_as_the_core_allows_and_a_repeated_form_is_done() {
    let d = demo().await;
    let now = at("2026-11-20T10:00:00Z");
    let id = d.draft(now).await;
    let version: i64 = d
        .value("SELECT version FROM chargeback_runs WHERE id = ?1", id)
        .await;
    let mut w = d.write("backoffice", now).await;
    runs::post(&mut w, id, version, "2026-11-20")
        .await
        .expect("post");
    w.commit().await.expect("commit");
    let (claim, claim_version): (i64, i64) =
        sqlx::query_as("SELECT id, version FROM claims WHERE run_id = ?1 ORDER BY id LIMIT 1")
            .bind(id)
            .fetch_one(&d.pool)
            .await
            .expect("a claim on the Zvw");
    let form = |v: i64| format!("{claim}:{v}");

    // Paying an open claim is refused with the core's reason.
    let mut w = d.write("backoffice", now).await;
    let err = claims::close(&mut w, &form(claim_version), "paid", "2026-11-20", "")
        .await
        .expect_err("refused");
    assert_eq!(
        err.to_string(),
        "Deze vordering is open; alleen een gefactureerde vordering kan worden betaald of geweigerd."
    );
    drop(w);

    for _ in 0..2 {
        let mut w = d.write("backoffice", now).await;
        claims::invoice(&mut w, &form(claim_version), "F-2026-001", "2026-11-20")
            .await
            .expect("invoice");
        w.commit().await.expect("commit");
    }
    let receipts = d.count("SELECT count(*) FROM ledger_transactions").await;
    for _ in 0..2 {
        let mut w = d.write("backoffice", now).await;
        claims::close(&mut w, &form(claim_version + 1), "paid", "2026-11-21", "")
            .await
            .expect("pay");
        w.commit().await.expect("commit");
    }
    assert_eq!(
        d.count("SELECT count(*) FROM ledger_transactions").await,
        receipts + 1,
        "received once"
    );
    let status: String = d
        .value("SELECT status FROM claims WHERE id = ?1", claim)
        .await;
    assert_eq!(status, ClaimStatus::Paid.code());
    // A paid claim cannot be withdrawn: reversing its case is refused.
    let case: i64 = d
        .value("SELECT case_id FROM claims WHERE id = ?1", claim)
        .await;
    let mut w = d.write("backoffice", now).await;
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");
    let err = runs::reverse(&mut w, id, Some(case), "Verkeerde sleutel", date)
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("is al betaald"), "{err}");
}

#[tokio::test]
async fn a_run_period_follows_the_dutch_calendar_date_of_settlement() {
    let d = demo().await;
    let case: i64 =
        sqlx::query_scalar("SELECT id FROM cases WHERE status = 'in_progress' ORDER BY id LIMIT 1")
            .fetch_one(&d.pool)
            .await
            .expect("a case in progress");
    // Settled at 23:30 UTC on 31 December 2026: 1 January 2027 in the Netherlands.
    let mut w = d.write("backoffice", at("2026-12-31T23:30:00Z")).await;
    let version: i64 = d
        .value("SELECT version FROM cases WHERE id = ?1", case)
        .await;
    app::services::cases::settle_case(&mut w, case, version)
        .await
        .expect("settle");
    w.commit().await.expect("commit");

    let later = at("2027-01-02T09:00:00Z");
    let mut w = d.write("backoffice", later).await;
    let err = runs::create(&mut w, "2026-12-31", "2026-12-31")
        .await
        .expect_err("nothing that day");
    assert!(
        err.to_string().contains("geen afgerekende casussen"),
        "{err}"
    );
    drop(w);
    let mut w = d.write("backoffice", later).await;
    let id = runs::create(&mut w, "2027-01-01", "2027-01-01")
        .await
        .expect("the Dutch day");
    w.commit().await.expect("commit");
    let cases: Vec<i64> = sqlx::query_scalar("SELECT case_id FROM run_cases WHERE run_id = ?1")
        .bind(id)
        .fetch_all(&d.pool)
        .await
        .expect("cases");
    assert_eq!(cases, vec![case]);
}

#[tokio::test]
async fn an_approval_at_half_past_midnight_on_new_years_day_holds_on_the_new_year() {
    let d = demo().await;
    // 23:30 UTC on 31 December 2026 is 00:30 on 1 January 2027 in the Netherlands.
    let now = at("2026-12-31T23:30:00Z");
    let mut w = d.write("backoffice", now).await;
    app::services::fund::create_budget_year(
        &mut w,
        2027,
        "250.000".into(),
        None,
        "a-new-year-form-token-0123456789".into(),
    )
    .await
    .expect("the new year's fund");
    w.commit().await.expect("commit");
    // A submitted case within the manager's mandate.
    let case: i64 = d
        .count("SELECT min(id) FROM cases WHERE status = 'submitted'")
        .await;
    let version: i64 = d
        .value("SELECT version FROM cases WHERE id = ?1", case)
        .await;
    let mut w = d.write("manager", now).await;
    app::services::cases::decide_case(&mut w, case, version, "approve".into(), "Akkoord".into())
        .await
        .expect("approved");
    w.commit().await.expect("commit");
    let year: i64 = d
        .value("SELECT year FROM holds WHERE case_id = ?1", case)
        .await;
    let budget_year: i64 = d
        .value("SELECT budget_year FROM cases WHERE id = ?1", case)
        .await;
    let date: String = d
        .value("SELECT hold_date FROM holds WHERE case_id = ?1", case)
        .await;
    assert_eq!(
        (year, budget_year, date.as_str()),
        (2027, 2027, "2027-01-01")
    );
}
