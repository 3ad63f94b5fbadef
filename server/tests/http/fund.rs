//! HTTP tests of the doorbraakbudget per year: funding and reducing it,
//! closing a year with carry-over and return, holds of a closed year that
//! pay and release into the open year, and corrections of payments and
//! settlements. Bad input gets a Dutch message and books nothing.

use app::api::fund::FundView;
use app::error::AppError;
use doorbraak::Money;
use doorbraak::ledger::FundPosition;
use reqwest::StatusCode;

use crate::common::{self, Reply, S, f, spawn};

fn m(s: &str) -> Money {
    Money::parse(s).expect("amount")
}

fn this_year() -> i32 {
    chrono::Datelike::year(&doorbraak::dates::dutch_today(chrono::Utc::now()))
}

async fn fund(s: &S, session: &str, year: i32) -> FundView {
    s.call(session, "fund_overview", &[("year", year.to_string())])
        .await
        .ok()
}

async fn position(s: &S, session: &str, year: i32) -> FundPosition {
    fund(s, session, year).await.position
}

fn refused_at(reply: &Reply, status: StatusCode, field: &str) -> String {
    assert_eq!(reply.status, status, "{}", reply.body);
    let error: AppError = reply.error();
    error
        .for_field(field)
        .unwrap_or_else(|| panic!("expected a message for {field}: {error:?}"))
}

async fn ledger_rows(s: &S) -> i64 {
    s.count("SELECT count(*) FROM ledger_transactions").await
}

#[tokio::test]
async fn budget_years_are_funded_once_per_form_by_the_backoffice_and_the_administrator() {
    let s = spawn().await;
    let back = s.login("backoffice").await;
    let admin = s.login("beheer").await;
    let token = fund(&s, &back, this_year()).await.token;
    let create = |year: &str, amount: &str, token: &str| {
        vec![f("year", year), f("reservation", amount), f("token", token)]
    };
    let ok = s
        .submit(
            &back,
            "create_budget_year",
            &create("2031", "100.000,00", &token),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let exists = s
        .submit(
            &admin,
            "create_budget_year",
            &create("2031", "1,00", &token),
        )
        .await;
    refused_at(&exists, StatusCode::UNPROCESSABLE_ENTITY, "year");
    for (year, amount, field) in [
        ("1999", "1,00", "year"),
        ("2032", "-100", "reservation"),
        ("2032", "tien euro", "reservation"),
        ("2032", "0.500", "reservation"),
        ("2032", "99.999.999.999,00", "reservation"),
    ] {
        let reply = s
            .submit(&back, "create_budget_year", &create(year, amount, &token))
            .await;
        refused_at(&reply, StatusCode::UNPROCESSABLE_ENTITY, field);
    }
    assert_eq!(
        s.count("SELECT count(*) FROM budget_years WHERE year = 2032")
            .await,
        0
    );
    // Raising twice with the same form books once; a new form books again.
    let raise =
        |amount: &str, token: &str| vec![f("year", "2031"), f("amount", amount), f("token", token)];
    let second = "a-second-form-token-0123456789";
    for _ in 0..2 {
        let reply = s
            .submit(&admin, "raise_reservation", &raise("50.000", second))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }
    let view = fund(&s, &back, 2031).await;
    let y = view.years.iter().find(|y| y.year == 2031).expect("2031");
    assert_eq!(y.reservation, m("150.000"));
    assert_eq!(
        (view.position.funded, view.position.available),
        (m("150.000"), m("150.000"))
    );
    assert!(view.position.reconciles());
    for (amount, token, field) in [
        ("0", "a-third-form-token-0123456789", "amount"),
        ("-5", "a-third-form-token-0123456789", "amount"),
        ("5", "short", "token"),
    ] {
        let reply = s
            .submit(&back, "raise_reservation", &raise(amount, token))
            .await;
        refused_at(&reply, StatusCode::UNPROCESSABLE_ENTITY, field);
    }
    let missing = s
        .submit(
            &back,
            "raise_reservation",
            &[f("year", "2040"), f("amount", "5"), f("token", second)],
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.body);
    common::ledger_is_consistent(&s.pool).await;
}

#[tokio::test]
async fn a_reservation_is_reduced_only_as_far_as_available_and_once_per_form() {
    let s = spawn().await;
    let back = s.login("backoffice").await;
    let year = this_year();
    let before = position(&s, &back, year).await;
    let reduce = |amount: &str, reason: &str, token: &str| {
        vec![
            f("year", &year.to_string()),
            f("amount", amount),
            f("reason", reason),
            f("token", token),
        ]
    };
    let token = "a-reduction-form-token-0123456789";
    let too_much = before
        .available
        .checked_add(m("0,01"))
        .expect("sum")
        .to_input_string();
    let rows = ledger_rows(&s).await;
    for (amount, reason, field) in [
        (too_much.as_str(), "Bijstelling", "amount"),
        ("0", "Bijstelling", "amount"),
        ("-1", "Bijstelling", "amount"),
        ("1.000", " ", "reason"),
        ("1.000", "Zie BSN 111222333", "reason"),
    ] {
        let reply = s
            .submit(&back, "reduce_funding", &reduce(amount, reason, token))
            .await;
        let message = refused_at(&reply, StatusCode::UNPROCESSABLE_ENTITY, field);
        if field == "amount" && amount == too_much {
            assert!(message.contains("beschikbaar"), "{message}");
        }
    }
    assert_eq!(ledger_rows(&s).await, rows, "nothing booked");
    for _ in 0..2 {
        let reply = s
            .submit(
                &back,
                "reduce_funding",
                &reduce("1.234,56", "Bijstelling voorjaarsnota", token),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }
    let after = fund(&s, &back, year).await;
    assert_eq!(
        before
            .funded
            .checked_sub(after.position.funded)
            .expect("diff"),
        m("1.234,56"),
        "booked once"
    );
    assert_eq!(
        before
            .available
            .checked_sub(after.position.available)
            .expect("diff"),
        m("1.234,56")
    );
    assert!(after.position.reconciles());
    assert_eq!(after.reductions.len(), 1);
    assert_eq!(after.reductions[0].reason, "Bijstelling voorjaarsnota");
    common::ledger_is_consistent(&s.pool).await;
}

#[tokio::test]
async fn closing_last_year_carries_over_or_returns_and_its_open_holds_release_into_this_year() {
    let s = spawn().await;
    let back = s.login("backoffice").await;
    let (last, year) = (this_year() - 1, this_year());
    let before_last = position(&s, &back, last).await;
    let before_this = position(&s, &back, year).await;
    assert!(before_last.available.is_positive());
    let close = |carry: &str, decision: &str, reason: &str, token: &str| {
        vec![
            f("year", &last.to_string()),
            f("carry_over", carry),
            f("decision", decision),
            f("reason", reason),
            f("token", token),
        ]
    };
    let token = "a-closing-form-token-0123456789";
    let more = before_last
        .available
        .checked_add(m("0,01"))
        .expect("sum")
        .to_input_string();
    let rows = ledger_rows(&s).await;
    for (carry, decision, reason, field) in [
        (more.as_str(), "Raad 2026-12", "Overheveling", "carry_over"),
        ("-1", "Raad 2026-12", "Overheveling", "carry_over"),
        ("0.500", "Raad 2026-12", "Overheveling", "carry_over"),
        ("1.000", " ", "Overheveling", "decision"),
        ("1.000", "Raad 2026-12", "", "reason"),
    ] {
        let reply = s
            .submit(&back, "close_year", &close(carry, decision, reason, token))
            .await;
        refused_at(&reply, StatusCode::UNPROCESSABLE_ENTITY, field);
    }
    // This year cannot be closed yet.
    let early = s
        .submit(
            &back,
            "close_year",
            &[
                f("year", &year.to_string()),
                f("carry_over", "0"),
                f("decision", "x"),
                f("reason", "x"),
                f("token", token),
            ],
        )
        .await;
    assert_eq!(early.status, StatusCode::CONFLICT, "{}", early.body);
    assert!(early.error().to_string().contains("na afloop"));
    assert_eq!(ledger_rows(&s).await, rows, "nothing booked");

    // Carry over all but € 1.000,00; that returns to the Wmo.
    let carry = before_last
        .available
        .checked_sub(m("1.000"))
        .expect("carry");
    let ok = s
        .submit(
            &back,
            "close_year",
            &close(
                &carry.to_input_string(),
                "Raadsbesluit 2026-117",
                "Jaarrekening",
                token,
            ),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let closed = fund(&s, &back, last).await;
    let p = closed.position;
    assert!(p.closed);
    assert_eq!(
        (p.carried_out, p.returned, p.available),
        (carry, m("1.000"), Money::ZERO)
    );
    assert!(p.reconciles());
    assert_eq!(closed.closings[0].decision, "Raadsbesluit 2026-117");
    let now = position(&s, &back, year).await;
    assert_eq!(
        now.carried_in
            .checked_sub(before_this.carried_in)
            .expect("diff"),
        carry
    );
    assert_eq!(
        now.available
            .checked_sub(before_this.available)
            .expect("diff"),
        carry
    );
    // Twice, or funding the closed year: a clear message, nothing booked.
    let rows = ledger_rows(&s).await;
    let again = s
        .submit(
            &back,
            "close_year",
            &close("0", "x", "x", "another-form-token-0123456789"),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert_eq!(
        again.error().to_string(),
        format!("Begrotingsjaar {last} is al afgesloten.")
    );
    let funding = s
        .submit(
            &back,
            "raise_reservation",
            &[
                f("year", &last.to_string()),
                f("amount", "5"),
                f("token", "a-funding-token-0123456789"),
            ],
        )
        .await;
    assert!(
        funding.error().to_string().contains("is afgesloten"),
        "{}",
        funding.body
    );
    assert_eq!(ledger_rows(&s).await, rows);

    // A hold of last year stays valid: it pays, and settling releases its rest into this year.
    let case: i64 = s
        .count(&format!(
            "SELECT min(c.id) FROM cases c JOIN holds h ON h.case_id = c.id
             JOIN account_balances b ON b.account = 'hold:' || c.id
             WHERE c.status IN ('approved', 'in_progress') AND h.year = {last} AND h.open = 1 AND b.balance_cents > 200"
        ))
        .await;
    assert!(case > 0, "the demo has an open hold of last year");
    let open = s
        .count(&format!(
            "SELECT balance_cents FROM account_balances WHERE account = 'hold:{case}'"
        ))
        .await;
    let pay_token: String = s.call(&back, "payment_token", &[]).await.ok();
    let paid = s
        .call(
            &back,
            "register_payment",
            &[
                ("case_id", case.to_string()),
                ("amount", "1,00".to_string()),
                ("paid_on", chrono::Utc::now().format("%Y-%m-%d").to_string()),
                ("supplier", "Leverancier".to_string()),
                ("reference", "F-LAAT".to_string()),
                ("token", pay_token),
            ],
        )
        .await;
    assert_eq!(paid.status, StatusCode::OK, "{}", paid.body);
    let version = s.case(&back, case).await.version;
    let settled = s
        .call(
            &back,
            "settle_case",
            &[
                ("case_id", case.to_string()),
                ("version", version.to_string()),
            ],
        )
        .await;
    assert_eq!(settled.status, StatusCode::OK, "{}", settled.body);
    let released = open - 100;
    let (old, new) = (
        position(&s, &back, last).await,
        position(&s, &back, year).await,
    );
    assert_eq!(old.available, Money::ZERO, "a closed year keeps nothing");
    assert_eq!(old.carried_out.cents() - p.carried_out.cents(), released);
    assert_eq!(new.recovered.cents() - now.recovered.cents(), released);
    assert_eq!(new.available.cents() - now.available.cents(), released);
    assert!(old.reconciles() && new.reconciles());
    common::ledger_is_consistent(&s.pool).await;
}
