//! The demo database has lived: every backoffice and stream-owner page
//! starts from a realistic state, the fund visibly revolves, and the same
//! load gives the same data.

use crate::common::{self, S, spawn_with};
use app::api::claims::ClaimsView;
use app::api::reviews::OwnerView;

async fn lived() -> S {
    spawn_with(|c| c.demo_history = true).await
}

async fn text(s: &S, sql: &str) -> String {
    sqlx::query_scalar::<_, Option<String>>(sql)
        .fetch_one(&s.pool)
        .await
        .expect("query")
        .unwrap_or_default()
}

/// What the history consists of, in a form that compares.
async fn fingerprint(s: &S) -> Vec<String> {
    let mut out = Vec::new();
    for sql in [
        "SELECT group_concat(account || '=' || balance_cents, ',') FROM (SELECT * FROM account_balances ORDER BY account)",
        "SELECT group_concat(kind || status || period_to || coalesce(booking_date, '') || coalesce(reverses, ''), ',') FROM (SELECT * FROM chargeback_runs ORDER BY id)",
        "SELECT group_concat(id || status || coalesce(invoice_id, ''), ',') FROM (SELECT * FROM claims ORDER BY id)",
        "SELECT group_concat(number || stream_code || invoice_date, ',') FROM (SELECT * FROM invoices ORDER BY id)",
        "SELECT group_concat(run_id || ':' || case_id || ':' || stream_code || status, ',') FROM (SELECT * FROM charge_reviews ORDER BY 1)",
        "SELECT group_concat(case_id || moment || version || ':' || total_realised_cents, ',') FROM (SELECT * FROM evaluations ORDER BY id)",
        "SELECT group_concat(payment_id || received_on, ',') FROM (SELECT * FROM receipts ORDER BY payment_id)",
        "SELECT group_concat(title || rung || coalesce(escalated_to, ''), ',') FROM (SELECT * FROM agenda_items ORDER BY id)",
    ] {
        out.push(text(s, sql).await);
    }
    out
}

#[tokio::test]
async fn the_demo_has_lived_through_the_earlier_years_the_same_way_every_time() {
    let (s, again) = tokio::join!(lived(), lived());
    assert_eq!(
        fingerprint(&s).await,
        fingerprint(&again).await,
        "deterministic"
    );
    common::ledger_is_consistent(&s.pool).await;

    let years = server::demo::demo_years();
    let (first, current) = (*years.start(), *years.end());
    // A posted chargeback run in December of every earlier year, and a correction.
    for year in first..current {
        assert_eq!(
            s.count(&format!("SELECT count(*) FROM chargeback_runs WHERE kind = 'chargeback' AND status = 'posted' AND booking_date = '{year}-12-15'")).await,
            1,
            "the run of {year}"
        );
    }
    assert_eq!(
        s.count("SELECT count(*) FROM chargeback_runs WHERE kind = 'reversal'")
            .await,
        1
    );
    // Claims invoiced on collective invoices and paid, one refused; the
    // newest run's claims still open.
    assert!(s.count("SELECT count(*) FROM invoices").await >= 2);
    assert!(
        s.count("SELECT min(n) FROM (SELECT count(*) AS n FROM claims WHERE invoice_id IS NOT NULL GROUP BY invoice_id)").await > 1,
        "one invoice for many claims"
    );
    assert!(
        s.count("SELECT count(*) FROM claims WHERE status = 'paid'")
            .await
            > 0
    );
    assert_eq!(
        s.count("SELECT count(*) FROM claims WHERE status = 'refused'")
            .await,
        1
    );
    let back = s.login("backoffice").await;
    let claims: ClaimsView = s
        .call(&back, "claims", &[("status", String::new())])
        .await
        .ok();
    assert!(!claims.payers.is_empty(), "open claims to invoice");
    // The stream owner's disputes were resolved: one stood, one was re-keyed.
    assert_eq!(
        text(&s, "SELECT group_concat(resolution, ',') FROM (SELECT resolution FROM charge_reviews WHERE status = 'resolved' ORDER BY run_id)").await,
        "override,key"
    );
    let owner = s.login("budgethouder").await;
    let open: OwnerView = s.call(&owner, "my_charges", &[]).await.ok();
    assert!(
        !open.charges.is_empty(),
        "the newest run waits for the stream owner"
    );
    assert!(open.charges.iter().all(|c| c.review.is_none()));
    // The accrual year was trued up; the oldest year closed with a carry-over.
    let accrual = server::demo::accrual_year();
    assert_eq!(
        s.count(&format!(
            "SELECT count(*) FROM accrual_true_ups WHERE year = {accrual}"
        ))
        .await,
        1
    );
    let mut conn = s.pool.acquire().await.expect("conn");
    let oldest = app::db::ledger::position(&mut conn, first)
        .await
        .expect("position");
    assert!(oldest.closed && oldest.carried_out.is_positive() && oldest.returned.is_positive());
    let next = app::db::ledger::position(&mut conn, first + 1)
        .await
        .expect("position");
    let carried = s
        .count(&format!(
            "SELECT carried_over_cents FROM year_closings WHERE year = {first}"
        ))
        .await;
    assert!(carried > 0);
    assert_eq!(
        next.carried_in.cents(),
        carried,
        "the carry-over reached the next year"
    );
    // The fund revolves: every earlier year got money back.
    for year in first..current {
        let p = app::db::ledger::position(&mut conn, year)
            .await
            .expect("position");
        assert!(p.recovered.is_positive(), "{year} recovered nothing: {p:?}");
    }
    // The other half of the method: evaluations that realise 70–90 % of
    // what was projected, closed cases, receipts, the agenda on its ladder.
    let (projected, realised) = (
        s.count("SELECT sum(total_projected_cents) FROM evaluations WHERE moment = 'final'")
            .await,
        s.count("SELECT sum(total_realised_cents) FROM evaluations WHERE moment = 'final'")
            .await,
    );
    assert!(projected > 0);
    let share = realised * 100 / projected;
    assert!(
        (70..=90).contains(&share),
        "realised {share} % of projected"
    );
    assert!(
        s.count("SELECT count(*) FROM cases WHERE status = 'closed'")
            .await
            > 0
    );
    assert!(
        s.count("SELECT count(*) FROM cases WHERE status = 'evaluated'")
            .await
            > 0
    );
    assert!(s.count("SELECT count(*) FROM receipts").await > 0);
    assert_eq!(
        text(
            &s,
            "SELECT group_concat(rung, ',') FROM (SELECT rung FROM agenda_items ORDER BY id)"
        )
        .await,
        "escalated,on_agenda,solved"
    );
    // Realised against projected, as a chart with its table.
    let alderman = s.login("wethouder").await;
    let (status, html) = s.page(&alderman, "/realisatie").await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert!(html.contains(r#"role="img""#) && html.contains("<figcaption"));
    assert!(html.contains("Verwacht en gerealiseerd vermeden per stroom, alle teams"));
    assert!(
        !html.contains("DB-20"),
        "no case reference for the alderman"
    );
}
