//! Chargeback runs over HTTP against the real server and the demo data:
//! preview equals what is posted, posting books once, the fund revolves,
//! reversal and re-charging, the claim lifecycle, exports and API tokens.

use crate::common;
use crate::common::{S, spawn};
use app::api::claims::ClaimsView;
use app::api::runs::{RunView, RunsOverview};
use doorbraak::run::RunStatus;
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, COOKIE};

/// The earliest period start a person may type: ten years back at most.
fn long_ago() -> String {
    format!("{}-01-01", chrono::Datelike::year(&chrono::Utc::now()) - 9)
}

fn today() -> String {
    doorbraak::dates::dutch_today(chrono::Utc::now())
        .format("%Y-%m-%d")
        .to_string()
}

async fn run(s: &S, back: &str, id: i64) -> RunView {
    s.call(
        back,
        "chargeback_run",
        &[("id", id.to_string()), ("page", "0".into())],
    )
    .await
    .ok()
}

async fn new_run(s: &S, back: &str) -> i64 {
    s.call(
        back,
        "create_run",
        &[("period_from", long_ago()), ("period_to", today())],
    )
    .await
    .ok()
}

async fn post(s: &S, back: &str, id: i64, version: i64) -> common::Reply {
    s.call(
        back,
        "post_run",
        &[
            ("run_id", id.to_string()),
            ("version", version.to_string()),
            ("booking_date", today()),
        ],
    )
    .await
}

/// Σ of every fund's available amount (all years), in cents.
async fn fund_cents(s: &S) -> i64 {
    s.count("SELECT coalesce(sum(balance_cents), 0) FROM account_balances WHERE kind = 'fund'")
        .await
}

/// Parses a Dutch CSV amount (`1234,56`) into cents.
fn cents(field: &str) -> i64 {
    let (euros, cents) = field.split_once(',').expect("decimal comma");
    euros.parse::<i64>().expect("euros") * 100 + cents.parse::<i64>().expect("cents")
}

#[tokio::test]
async fn a_run_posts_exactly_its_preview_once_and_the_fund_revolves() {
    let s = spawn().await;
    let back = s.login("backoffice").await;
    let settled = s
        .count("SELECT count(*) FROM cases WHERE status = 'settled'")
        .await;
    assert!(settled >= 10, "the demo data has settled cases ({settled})");
    let overview: RunsOverview = s.call(&back, "chargeback_runs", &[]).await.ok();
    assert_eq!(overview.waiting, settled);

    let id = new_run(&s, &back).await;
    let preview = run(&s, &back, id).await;
    assert_eq!(preview.case_count as i64, settled);
    assert!(preview.blocked.is_empty(), "{:?}", preview.blocked);
    let sum = |v: &RunView| v.internal.cents() + v.claims_total.cents() + v.residual.cents();
    assert_eq!(
        sum(&preview),
        preview.settled.cents(),
        "the split adds up to the cent"
    );
    assert!(preview.internal.is_positive() && preview.claims_total.is_positive());

    let fund_before = fund_cents(&s).await;
    let txs_before = s.count("SELECT count(*) FROM ledger_transactions").await;
    post(&s, &back, id, preview.run.version).await.ok::<()>();
    // The same form again (double click, retry, second tab): nothing more.
    post(&s, &back, id, preview.run.version).await.ok::<()>();
    let txs = s.count("SELECT count(*) FROM ledger_transactions").await;
    assert_eq!(
        txs - txs_before,
        s.count(&format!(
            "SELECT count(*) FROM run_charges WHERE run_id = {id} AND tx_id IS NOT NULL"
        ))
        .await
    );
    // An older version of the page is refused.
    let stale = post(&s, &back, id, preview.run.version - 1).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert_eq!(
        s.count("SELECT count(*) FROM ledger_transactions").await,
        txs
    );

    // The fund's available amount rose by exactly the internal total.
    assert_eq!(fund_cents(&s).await - fund_before, preview.internal.cents());
    let posted = run(&s, &back, id).await;
    assert_eq!(posted.run.status, RunStatus::Posted);
    assert_eq!(
        (posted.internal, posted.claims_total, posted.residual),
        (preview.internal, preview.claims_total, preview.residual)
    );
    assert_eq!(
        s.count(&format!("SELECT coalesce(sum(amount_cents), 0) FROM run_charges WHERE run_id = {id} AND kind = 'internal'")).await,
        preview.internal.cents()
    );
    assert_eq!(
        s.count(&format!("SELECT coalesce(sum(amount_cents), 0) FROM claims WHERE run_id = {id} AND status = 'open'")).await,
        preview.claims_total.cents()
    );
    assert_eq!(
        s.count("SELECT count(*) FROM cases WHERE status = 'settled'")
            .await,
        0
    );
    assert_eq!(
        s.count("SELECT count(*) FROM case_events WHERE action = 'terugboeken'")
            .await,
        settled
    );
    common::ledger_is_consistent(&s.pool).await;

    // The journal: CSV totals per stream equal the ledger's charges.
    let csv = s
        .http
        .get(format!("{}/export/terugboekrun/{id}/journaal.csv", s.base))
        .header(COOKIE, &back)
        .send()
        .await
        .expect("csv");
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(
        csv.headers()["content-disposition"]
            .to_str()
            .expect("h")
            .contains("attachment")
    );
    let text = csv.text().await.expect("text");
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    assert_eq!(
        lines.next(),
        Some(doorbraak::journal::HEADERS.join(";").as_str())
    );
    let (mut debit, mut credit) = (0, 0);
    let mut debit_by_stream = std::collections::BTreeMap::<String, i64>::new();
    for line in lines {
        let f: Vec<&str> = line.split(';').collect();
        assert_eq!(f.len(), 10, "{line}");
        debit += cents(f[7]);
        credit += cents(f[8]);
        *debit_by_stream.entry(f[3].to_string()).or_default() += cents(f[7]);
    }
    assert_eq!(debit, credit);
    assert_eq!(
        debit,
        preview.internal.cents() + preview.claims_total.cents()
    );
    for t in &preview.totals {
        assert_eq!(
            debit_by_stream[t.stream.as_str()],
            t.amount.cents(),
            "{}",
            t.stream
        );
    }

    // Other roles and the anonymous get nothing.
    let prof = s.login("professional").await;
    let refused = s
        .http
        .get(format!("{}/export/terugboekrun/{id}/journaal.csv", s.base))
        .header(COOKIE, &prof)
        .send()
        .await
        .expect("csv");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(format!("{}/export/terugboekrun/{id}/journaal.xlsx", s.base))
        .send()
        .await
        .expect("xlsx");
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);

    // A posted journal never changes: after the administrator changed the
    // codes of a charged stream and of the Wmo, the export is byte for byte
    // the same, and so are the journal's values (what Excel and JSON show).
    let journal = |s: &S| {
        let pool = s.pool.clone();
        async move {
            let mut conn = pool.acquire().await.expect("conn");
            app::exports::journal(&mut conn, id).await.expect("journal")
        }
    };
    let before = journal(&s).await;
    let admin = s.login("beheer").await;
    for code in ["PW", "WMO"] {
        let version = s
            .count(&format!(
                "SELECT version FROM streams WHERE code = '{code}'"
            ))
            .await;
        let stream: String = s
            .call(
                &admin,
                "save_stream",
                &[
                    ("input[code]", code.to_string()),
                    ("input[name]", format!("{code} hernoemd")),
                    ("input[taakveld]", "6.3".to_string()),
                    ("input[cost_centre]", "KP-NIEUW".to_string()),
                    ("input[ledger_account]", "GB-NIEUW".to_string()),
                    ("input[active]", "on".to_string()),
                    ("input[version]", version.to_string()),
                ],
            )
            .await
            .ok();
        assert_eq!(stream, code);
    }
    let again = s
        .http
        .get(format!("{}/export/terugboekrun/{id}/journaal.csv", s.base))
        .header(COOKIE, &back)
        .send()
        .await
        .expect("csv")
        .text()
        .await
        .expect("text");
    assert_eq!(again, text, "the CSV of a posted run never changes");
    assert!(!again.contains("KP-NIEUW"));
    let after = journal(&s).await;
    assert_eq!(after.lines, before.lines);
    assert_eq!(after.totals, before.totals);

    // A period without settled cases gets a message at the field.
    let empty = s
        .call(
            &back,
            "create_run",
            &[("period_from", long_ago()), ("period_to", today())],
        )
        .await;
    assert_eq!(
        empty.error().for_field("period_from").as_deref(),
        Some("In deze periode zijn geen afgerekende casussen die nog niet zijn teruggeboekt.")
    );
}

#[tokio::test]
async fn the_excel_journal_holds_real_numbers_that_a_spreadsheet_engine_reads_back() {
    let s = spawn().await;
    let back = s.login("backoffice").await;
    let id = new_run(&s, &back).await;
    let preview = run(&s, &back, id).await;
    post(&s, &back, id, preview.run.version).await.ok::<()>();
    let xlsx = s
        .http
        .get(format!("{}/export/terugboekrun/{id}/journaal.xlsx", s.base))
        .header(COOKIE, &back)
        .send()
        .await
        .expect("xlsx");
    assert_eq!(xlsx.status(), StatusCode::OK);
    let bytes = xlsx.bytes().await.expect("bytes");
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("journaal.xlsx");
    std::fs::write(&file, &bytes).expect("write");
    // LibreOffice reads the workbook: as CSV (the first sheet, amounts as
    // shown with their format) to compare the numbers, and as flat XML to
    // see that dates and amounts are date and number cells, not text.
    let convert = |to: &str| common::soffice(dir.path(), &file, to);
    convert("csv");
    convert("fods");
    let csv = std::fs::read_to_string(dir.path().join("journaal.csv")).expect("converted");
    let mut rows = csv.lines();
    assert!(
        rows.next()
            .expect("header")
            .starts_with("Datum,Run,Casus,Stroom")
    );
    let (mut debit, mut credit, mut lines) = (0i64, 0i64, 0i64);
    for row in rows {
        let f = split_csv(row);
        if f[6] == "Totaal" {
            assert_eq!(
                (to_cents(&f[7]), to_cents(&f[8])),
                (debit, credit),
                "the total row"
            );
            continue;
        }
        lines += 1;
        assert_eq!(f[1], id.to_string());
        debit += to_cents(&f[7]);
        credit += to_cents(&f[8]);
    }
    assert!(lines > 0);
    assert_eq!(debit, credit);
    assert_eq!(
        debit,
        preview.internal.cents() + preview.claims_total.cents()
    );
    let xml = std::fs::read_to_string(dir.path().join("journaal.fods")).expect("fods");
    let memoriaal = &xml[..xml.find("table:name=\"Totalen\"").expect("totals sheet")];
    let dates = memoriaal.matches("office:value-type=\"date\"").count() as i64;
    let numbers = memoriaal.matches("office:value-type=\"float\"").count() as i64;
    assert_eq!(dates, lines, "one date cell per line");
    // Run, debit and credit per line, and the totals: equal, so written as
    // one cell repeated over two columns.
    assert_eq!(numbers, 3 * lines + 1, "amounts are number cells");
}

/// A CSV row as LibreOffice writes it: `,` between fields, `"` around text
/// that holds a comma.
fn split_csv(row: &str) -> Vec<String> {
    let (mut fields, mut field, mut quoted) = (Vec::new(), String::new(), false);
    for c in row.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// `1,234.50` (an amount as an English spreadsheet shows it) in cents.
fn to_cents(value: &str) -> i64 {
    let d: rust_decimal::Decimal = value.replace(',', "").parse().expect("number");
    (d * rust_decimal::Decimal::ONE_HUNDRED)
        .round()
        .try_into()
        .expect("cents")
}

#[tokio::test]
async fn a_posted_run_is_corrected_by_reversal_and_charged_back_again() {
    let s = spawn().await;
    let back = s.login("backoffice").await;
    let id = new_run(&s, &back).await;
    let preview = run(&s, &back, id).await;
    post(&s, &back, id, preview.run.version).await.ok::<()>();
    // One case with an internal charge.
    let case: i64 = s
        .count(&format!(
            "SELECT min(case_id) FROM run_charges WHERE run_id = {id} AND kind = 'internal'"
        ))
        .await;
    let internal = s
        .count(&format!("SELECT sum(amount_cents) FROM run_charges WHERE run_id = {id} AND case_id = {case} AND kind = 'internal'"))
        .await;
    let fund = fund_cents(&s).await;
    let reverse = |case: String, reason: &str| {
        vec![
            ("run_id", id.to_string()),
            ("case_id", case),
            ("reason", reason.to_string()),
            ("booking_date", today()),
        ]
    };
    let no_reason = s
        .call(&back, "reverse_run", &reverse(case.to_string(), " "))
        .await;
    assert!(no_reason.error().for_field("reason").is_some());
    let bsn = s
        .call(
            &back,
            "reverse_run",
            &reverse(case.to_string(), "Zie 111222333"),
        )
        .await;
    assert!(
        bsn.error()
            .for_field("reason")
            .is_some_and(|m| m.contains("BSN"))
    );
    assert_eq!(fund_cents(&s).await, fund, "nothing booked");

    let reversal: i64 = s
        .call(
            &back,
            "reverse_run",
            &reverse(case.to_string(), "Verkeerde sleutel"),
        )
        .await
        .ok();
    assert_eq!(fund_cents(&s).await, fund - internal);
    assert_eq!(
        s.count(&format!(
            "SELECT count(*) FROM cases WHERE id = {case} AND status = 'settled'"
        ))
        .await,
        1
    );
    assert_eq!(
        s.count(&format!("SELECT count(*) FROM claims WHERE run_id = {id} AND case_id = {case} AND status <> 'withdrawn'")).await,
        0,
        "its open claims are withdrawn"
    );
    let again = s
        .call(&back, "reverse_run", &reverse(case.to_string(), "Nog eens"))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let of_reversal = s
        .call(
            &back,
            "reverse_run",
            &[
                ("run_id", reversal.to_string()),
                ("case_id", String::new()),
                ("reason", "Terug".into()),
                ("booking_date", today()),
            ],
        )
        .await;
    assert_eq!(of_reversal.status, StatusCode::CONFLICT);
    assert!(of_reversal.error().to_string().contains("correctierun"));
    common::ledger_is_consistent(&s.pool).await;

    // The case is charged back again, with the responsibility key this time.
    let rerun = new_run(&s, &back).await;
    let view = run(&s, &back, rerun).await;
    assert_eq!(view.case_count, 1);
    let key = |text: &str, reason: &str, version: i64| {
        vec![
            ("run_id", rerun.to_string()),
            ("version", version.to_string()),
            ("case_id", case.to_string()),
            ("choice", "responsibility".to_string()),
            ("responsibility", text.to_string()),
            ("reason", reason.to_string()),
        ]
    };
    let bad = s
        .call(
            &back,
            "set_run_case",
            &key("JW 60, PW 30", "Jeugd", view.run.version),
        )
        .await;
    assert!(
        bad.error()
            .for_field("responsibility")
            .is_some_and(|m| m.contains("90")),
        "{}",
        bad.body
    );
    let zero = s
        .call(
            &back,
            "set_run_case",
            &key("WMO 0, JW 100", "x", view.run.version),
        )
        .await;
    assert!(
        zero.error()
            .for_field("responsibility")
            .is_some_and(|m| m.contains("0 %") && m.contains("WMO")),
        "{}",
        zero.body
    );
    let unknown = s
        .call(&back, "set_run_case", &key("XX 100", "x", view.run.version))
        .await;
    assert!(unknown.error().for_field("responsibility").is_some());
    s.call(
        &back,
        "set_run_case",
        &key(
            "JW 60, PW 40",
            "Jeugdwet had moeten betalen",
            view.run.version,
        ),
    )
    .await
    .ok::<()>();
    let stale = s
        .call(&back, "set_run_case", &key("JW 100", "x", view.run.version))
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let keyed = run(&s, &back, rerun).await;
    let settled = keyed.settled.cents();
    assert_eq!(
        keyed.internal.cents(),
        settled,
        "JW and PW are internal: all of it"
    );
    let jw = keyed
        .totals
        .iter()
        .find(|t| t.stream.as_str() == "JW")
        .expect("JW")
        .amount
        .cents();
    assert_eq!(jw, (settled * 60 + 50) / 100);
    post(&s, &back, rerun, keyed.run.version).await.ok::<()>();
    assert_eq!(fund_cents(&s).await, fund - internal + settled);

    // The whole first run: everything not reversed yet.
    s.call(&back, "reverse_run", &reverse(String::new(), "Run over"))
        .await
        .ok::<i64>();
    let left = s
        .count(&format!(
            "SELECT count(*) FROM claims WHERE run_id = {id} AND status = 'open'"
        ))
        .await;
    assert_eq!(left, 0);
    assert_eq!(
        fund_cents(&s).await,
        fund - preview.internal.cents() + settled,
        "all of the first run is undone, the re-run stays"
    );
    common::ledger_is_consistent(&s.pool).await;
    reconciled(&s, &back).await;
}

#[tokio::test]
async fn claims_are_invoiced_then_paid_into_the_fund_or_refused() {
    let s = spawn().await;
    let back = s.login("backoffice").await;
    let id = new_run(&s, &back).await;
    let preview = run(&s, &back, id).await;
    post(&s, &back, id, preview.run.version).await.ok::<()>();
    let open: ClaimsView = s
        .call(&back, "claims", &[("status", String::new())])
        .await
        .ok();
    assert!(
        open.claims.len() >= 2,
        "the demo data has claims on the Zvw"
    );
    let (a, b) = (&open.claims[0], &open.claims[1]);
    let invoice = |k: &app::model::ClaimRow, version: i64, number: &str| {
        vec![
            ("claim", format!("{}:{version}", k.id)),
            ("invoice_number", number.to_string()),
            ("invoice_date", today()),
        ]
    };
    s.call(&back, "invoice_claim", &invoice(a, a.version, "F-2026-001"))
        .await
        .ok::<()>();
    // A double submit is fine; the number on another claim is not.
    s.call(&back, "invoice_claim", &invoice(a, a.version, "F-2026-001"))
        .await
        .ok::<()>();
    let reused = s
        .call(&back, "invoice_claim", &invoice(b, b.version, "F-2026-001"))
        .await;
    assert!(
        reused
            .error()
            .for_field("invoice_number")
            .is_some_and(|m| m.contains("al gebruikt"))
    );
    let stale = s
        .call(&back, "invoice_claim", &invoice(a, a.version, "F-2026-009"))
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    s.call(&back, "invoice_claim", &invoice(b, b.version, "F-2026-002"))
        .await
        .ok::<()>();

    // Reversing a case whose claim is invoiced is refused, nothing booked.
    let txs = s.count("SELECT count(*) FROM ledger_transactions").await;
    let blocked = s
        .call(
            &back,
            "reverse_run",
            &[
                ("run_id", id.to_string()),
                ("case_id", a.case_id.to_string()),
                ("reason", "Fout".into()),
                ("booking_date", today()),
            ],
        )
        .await;
    assert_eq!(blocked.status, StatusCode::CONFLICT);
    assert!(blocked.error().to_string().contains("gefactureerd"));
    assert_eq!(
        s.count("SELECT count(*) FROM ledger_transactions").await,
        txs
    );

    let fund = fund_cents(&s).await;
    let close = |k: &app::model::ClaimRow, outcome: &str, reason: &str| {
        vec![
            ("claim", format!("{}:{}", k.id, k.version + 1)),
            ("outcome", outcome.to_string()),
            ("date", today()),
            ("reason", reason.to_string()),
        ]
    };
    s.call(&back, "close_claim", &close(a, "paid", ""))
        .await
        .ok::<()>();
    assert_eq!(
        fund_cents(&s).await,
        fund + a.amount.cents(),
        "paid: the fund is credited"
    );
    s.call(&back, "close_claim", &close(a, "paid", ""))
        .await
        .ok::<()>();
    assert_eq!(fund_cents(&s).await, fund + a.amount.cents(), "once");
    let no_reason = s.call(&back, "close_claim", &close(b, "refused", "")).await;
    assert!(no_reason.error().for_field("reason").is_some());
    s.call(
        &back,
        "close_claim",
        &close(b, "refused", "Geen convenant voor dit jaar"),
    )
    .await
    .ok::<()>();
    assert_eq!(
        fund_cents(&s).await,
        fund + a.amount.cents(),
        "refused: stays on the Wmo"
    );
    let refused = s
        .count(&format!(
            "SELECT balance_cents FROM account_balances WHERE account = 'receivable:{}:{}'",
            b.stream, b.case_id
        ))
        .await;
    assert_eq!(refused, 0, "nothing left to receive");
    common::ledger_is_consistent(&s.pool).await;
    reconciled(&s, &back).await;
}

#[tokio::test]
async fn a_stream_without_accounting_codes_blocks_posting_and_books_nothing() {
    let s = spawn().await;
    let back = s.login("backoffice").await;
    let id = new_run(&s, &back).await;
    let preview = run(&s, &back, id).await;
    let stream = preview.totals[0].stream.to_string();
    sqlx::query("UPDATE streams SET ledger_account = '' WHERE code = ?1")
        .bind(&stream)
        .execute(&s.pool)
        .await
        .expect("clear");
    let blocked = run(&s, &back, id).await;
    assert!(
        blocked
            .blocked
            .iter()
            .any(|b| b.to_string().contains(&stream) && b.to_string().contains("boekingscodes"))
    );
    let txs = s.count("SELECT count(*) FROM ledger_transactions").await;
    let refused = post(&s, &back, id, blocked.run.version).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.error().to_string().contains("boekingscodes"));
    assert_eq!(
        s.count("SELECT count(*) FROM ledger_transactions").await,
        txs
    );
    assert_eq!(s.count("SELECT count(*) FROM run_charges").await, 0);
    assert_eq!(run(&s, &back, id).await.run.status, RunStatus::Draft);
}

#[tokio::test]
async fn the_financial_system_reads_a_journal_with_a_token_until_it_is_revoked() {
    let s = spawn().await;
    let back = s.login("backoffice").await;
    let admin = s.login("beheer").await;
    let id = new_run(&s, &back).await;
    let preview = run(&s, &back, id).await;
    post(&s, &back, id, preview.run.version).await.ok::<()>();
    let bad_name = s
        .call(
            &admin,
            "issue_token",
            &[("name", " ".into()), ("valid_days", "30".into())],
        )
        .await;
    assert!(bad_name.error().for_field("name").is_some());
    let bad_days = s
        .call(
            &admin,
            "issue_token",
            &[("name", "Financieel".into()), ("valid_days", "5000".into())],
        )
        .await;
    assert!(bad_days.error().for_field("valid_days").is_some());
    let issued = s.issue_token(&admin, "Financieel systeem").await;
    assert!(app::exports::well_formed(&issued.token));
    assert_eq!(
        s.count(&format!(
            "SELECT count(*) FROM api_tokens WHERE secret_hash LIKE '%{}%'",
            &issued.token[4..]
        ))
        .await,
        0,
        "only a hash is stored"
    );
    let get = |token: Option<String>| {
        let mut r = s.http.get(format!("{}/api/v1/runs/{id}/journal", s.base));
        if let Some(t) = token {
            r = r.header(AUTHORIZATION, t);
        }
        r.send()
    };
    let ok = get(Some(format!("Bearer {}", issued.token)))
        .await
        .expect("get");
    assert_eq!(ok.status(), StatusCode::OK);
    let journal: serde_json::Value = ok.json().await.expect("json");
    let lines = journal["lines"].as_array().expect("lines");
    let debit: i64 = lines
        .iter()
        .map(|l| {
            let d: rust_decimal::Decimal =
                l["debit"].as_str().expect("decimal").parse().expect("d");
            i64::try_from(d * rust_decimal::Decimal::ONE_HUNDRED).expect("cents")
        })
        .sum();
    assert_eq!(
        debit,
        preview.internal.cents() + preview.claims_total.cents()
    );
    for (header, why) in [
        (None, "Geen geldig"),
        (Some("Bearer nonsense".to_string()), "Geen geldig"),
        (Some(format!("Bearer dbk_{}", "0".repeat(64))), "Onbekend"),
    ] {
        let r = get(header).await.expect("get");
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert!(r.text().await.expect("t").contains(why));
    }
    let unknown_run = s
        .http
        .get(format!("{}/api/v1/runs/999999/journal", s.base))
        .header(AUTHORIZATION, format!("Bearer {}", issued.token))
        .send()
        .await
        .expect("get");
    assert_eq!(unknown_run.status(), StatusCode::NOT_FOUND);
    sqlx::query("UPDATE api_tokens SET expires_on = '2000-01-01' WHERE id = ?1")
        .bind(issued.id)
        .execute(&s.pool)
        .await
        .expect("expire");
    let expired = get(Some(format!("Bearer {}", issued.token)))
        .await
        .expect("get");
    assert_eq!(expired.status(), StatusCode::UNAUTHORIZED);
    assert!(expired.text().await.expect("t").contains("verlopen"));
    s.call(&admin, "revoke_token", &[("id", issued.id.to_string())])
        .await
        .ok::<()>();
    let twice = s
        .call(&admin, "revoke_token", &[("id", issued.id.to_string())])
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    let revoked = get(Some(format!("Bearer {}", issued.token)))
        .await
        .expect("get");
    assert_eq!(revoked.status(), StatusCode::UNAUTHORIZED);
    assert!(revoked.text().await.expect("t").contains("ingetrokken"));
    let listed: Vec<app::model::TokenRow> = s.call(&admin, "api_tokens", &[]).await.ok();
    assert!(listed[0].revoked_at.is_some() && listed[0].last_used_at.is_some());
}

async fn reconciled(s: &S, back: &str) {
    let r: app::api::reconcile::ReconcileView = s.call(back, "reconciliation", &[]).await.ok();
    assert!(!r.lines.is_empty());
    assert_eq!(
        r.differences(),
        0,
        "{:#?}",
        r.lines.iter().filter(|l| !l.agrees()).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_disputed_charge_is_held_out_until_the_backoffice_resolves_it() {
    let s = spawn().await;
    let back = s.login("backoffice").await;
    let owner = s.login("budgethouder").await;
    let id = new_run(&s, &back).await;
    let preview = run(&s, &back, id).await;
    post(&s, &back, id, preview.run.version).await.ok::<()>();
    let mine: app::api::reviews::OwnerView = s.call(&owner, "my_charges", &[]).await.ok();
    assert_eq!(mine.streams, vec!["JW".to_string(), "PW".to_string()]);
    assert!(mine.charges.len() >= 2);
    assert!(
        mine.charges
            .iter()
            .all(|c| ["JW", "PW"].contains(&c.stream.as_str()))
    );
    assert!(
        mine.charges.iter().all(|c| c.avoided >= c.amount),
        "never more than avoided"
    );
    let (a, b) = (&mine.charges[0], &mine.charges[1]);
    let verdict = |c: &app::model::OwnerCharge, verdict: &str, reason: &str| {
        vec![
            ("charge", format!("{}:{}:{}", c.run_id, c.case_id, c.stream)),
            ("verdict", verdict.to_string()),
            ("reason", reason.to_string()),
        ]
    };
    let no_reason = s
        .call(&owner, "review_charge", &verdict(a, "dispute", ""))
        .await;
    assert!(no_reason.error().for_field("reason").is_some());
    // Another stream's charge is not the owner's to judge.
    let other: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT run_id, case_id, stream_code FROM run_charges WHERE stream_code NOT IN ('JW', 'PW') LIMIT 1",
    )
    .fetch_all(&s.pool)
    .await
    .expect("q");
    if let Some((r, c, st)) = other.first() {
        let foreign = s
            .call(
                &owner,
                "review_charge",
                &[
                    ("charge", format!("{r}:{c}:{st}")),
                    ("verdict", "accept".into()),
                    ("reason", String::new()),
                ],
            )
            .await;
        assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    }
    let said: String = s
        .call(&owner, "review_charge", &verdict(b, "accept", ""))
        .await
        .ok();
    assert_eq!(said, "Vastgelegd: u bent akkoord met de terugboeking.");
    s.call(
        &owner,
        "review_charge",
        &verdict(a, "dispute", "Geen jeugdhulp in dit huishouden"),
    )
    .await
    .ok::<String>();
    let twice = s
        .call(&owner, "review_charge", &verdict(a, "dispute", "Nog eens"))
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);

    // The backoffice sees the dispute and resolves it with another key: the
    // case is reversed and, until resolved, no run would take it.
    let open: app::api::reviews::DisputesView = s.call(&back, "disputes", &[]).await.ok();
    assert_eq!(open.disputes.len(), 1);
    let d = &open.disputes[0];
    let resolve = |resolution: &str, key: &str, reason: &str, version: i64| {
        vec![
            ("dispute", format!("{}:{version}", d.review_id.expect("id"))),
            ("resolution", resolution.to_string()),
            ("responsibility", key.to_string()),
            ("reason", reason.to_string()),
            ("booking_date", today()),
        ]
    };
    let version = d.review_version.expect("version");
    let bad = s
        .call(
            &back,
            "resolve_dispute",
            &resolve("key", "JW 50", "Anders verdelen", version),
        )
        .await;
    assert!(bad.error().for_field("responsibility").is_some());
    s.call(
        &back,
        "resolve_dispute",
        &resolve("key", "PW 100", "Participatiewet draagt het", version),
    )
    .await
    .ok::<()>();
    let stale = s
        .call(
            &back,
            "resolve_dispute",
            &resolve("override", "", "x", version),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(
        s.count(&format!(
            "SELECT count(*) FROM cases WHERE id = {} AND status = 'settled'",
            a.case_id
        ))
        .await,
        1,
        "reversed"
    );
    let rerun = new_run(&s, &back).await;
    let view = run(&s, &back, rerun).await;
    assert_eq!(view.case_count, 1);
    assert!(view.cases[0].responsibility.is_some());
    assert_eq!(view.cases[0].charges.len(), 1);
    assert_eq!(view.cases[0].charges[0].stream.as_str(), "PW");
    assert_eq!(view.cases[0].charges[0].amount, view.cases[0].settled);
    post(&s, &back, rerun, view.run.version).await.ok::<()>();
    assert!(
        s.count("SELECT count(*) FROM audit_events WHERE action IN ('charge_disputed', 'charge_accepted', 'dispute_resolved')").await >= 3
    );
    reconciled(&s, &back).await;
}

#[tokio::test]
async fn an_accrual_year_is_prebooked_and_trued_up_to_the_cent() {
    let s = spawn().await;
    let back = s.login("backoffice").await;
    // The oldest demo year runs in accrual mode (set before anything was charged back).
    let year: i64 = s.count("SELECT min(year) FROM budget_years").await;
    sqlx::query("UPDATE budget_years SET mode = 'accrual' WHERE year = ?1")
        .bind(year)
        .execute(&s.pool)
        .await
        .expect("accrual");
    let prebook = |amounts: &str, date: String| {
        vec![
            ("year", year.to_string()),
            ("amounts", amounts.to_string()),
            ("date", date),
        ]
    };
    let jan = format!("{year}-01-02");
    let wmo = s
        .call(&back, "prebook_year", &prebook("WMO 1.000", jan.clone()))
        .await;
    assert!(wmo.error().for_field("amounts").is_some());
    let zvw = s
        .call(&back, "prebook_year", &prebook("ZVW 1.000", jan.clone()))
        .await;
    assert!(
        zvw.error().for_field("amounts").is_some(),
        "an external stream is not pre-booked"
    );
    let late = s
        .call(
            &back,
            "prebook_year",
            &prebook("PW 1.000", format!("{}-01-02", year + 1)),
        )
        .await;
    assert!(late.error().for_field("date").is_some());
    let fund = || async {
        s.count(&format!(
            "SELECT coalesce(balance_cents, 0) FROM account_balances WHERE account = 'fund:{year}'"
        ))
        .await
    };
    let before = fund().await;
    s.call(
        &back,
        "prebook_year",
        &prebook("PW 10.000; JW 2.500,50", jan.clone()),
    )
    .await
    .ok::<()>();
    assert_eq!(fund().await - before, 1_250_050, "pre-booked into the fund");
    let again = s
        .call(&back, "prebook_year", &prebook("PW 1,00", jan.clone()))
        .await;
    assert!(
        again
            .error()
            .for_field("amounts")
            .is_some_and(|m| m.contains("al vooraf"))
    );

    // The run records the year's internal charges without booking them.
    let id = new_run(&s, &back).await;
    let preview = run(&s, &back, id).await;
    let after_prebook = fund().await;
    post(&s, &back, id, preview.run.version).await.ok::<()>();
    let realised: Vec<(String, i64)> = sqlx::query_as(&format!(
        "SELECT stream_code, sum(amount_cents) FROM run_charges WHERE kind = 'internal' AND year = {year} GROUP BY 1 ORDER BY 1"
    ))
    .fetch_all(&s.pool)
    .await
    .expect("realised");
    assert!(!realised.is_empty());
    assert_eq!(
        s.count(&format!("SELECT count(*) FROM run_charges WHERE kind = 'internal' AND year = {year} AND tx_id IS NOT NULL")).await,
        0
    );
    // Claims are credited only when paid: nothing reached the fund.
    assert_eq!(
        fund().await,
        after_prebook,
        "nothing internal booked in the accrual year"
    );
    let report: app::api::accrual::AccrualView = s
        .call(&back, "accrual_year", &[("year", year.to_string())])
        .await
        .ok();
    let line = |code: &str| {
        report
            .lines
            .iter()
            .find(|l| l.stream.as_str() == code)
            .expect("line")
            .clone()
    };
    let real = |code: &str| {
        realised
            .iter()
            .find(|(s, _)| s == code)
            .map_or(0, |(_, c)| *c)
    };
    assert_eq!(line("PW").prebooked.cents(), 1_000_000);
    assert_eq!(line("JW").prebooked.cents(), 250_050);
    assert_eq!(line("PW").realised.cents(), real("PW"));
    assert_eq!(line("PW").open.cents(), real("PW") - 1_000_000);
    assert_eq!(line("JW").open.cents(), real("JW") - 250_050);

    // The true-up books realised − pre-booked per stream, either way: after
    // it the fund holds exactly what the year realised.
    s.call(
        &back,
        "true_up_year",
        &[
            ("year", year.to_string()),
            ("date", format!("{year}-12-31")),
        ],
    )
    .await
    .ok::<()>();
    let total_realised: i64 = realised.iter().map(|(_, c)| c).sum();
    assert_eq!(fund().await, after_prebook - 1_250_050 + total_realised);
    let done: app::api::accrual::AccrualView = s
        .call(&back, "accrual_year", &[("year", year.to_string())])
        .await
        .ok();
    assert!(done.trued_up && done.lines.iter().all(|l| l.open.is_zero()));
    for l in &done.lines {
        assert_eq!(
            l.trued_up.cents(),
            l.realised.cents() - l.prebooked.cents(),
            "{}",
            l.stream
        );
    }
    let twice = s
        .call(
            &back,
            "true_up_year",
            &[
                ("year", year.to_string()),
                ("date", format!("{year}-12-31")),
            ],
        )
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    let cash = s
        .call(
            &back,
            "true_up_year",
            &[
                ("year", (year + 1).to_string()),
                ("date", format!("{}-12-31", year + 1)),
            ],
        )
        .await;
    assert!(
        cash.error()
            .for_field("year")
            .is_some_and(|m| m.contains("kasbasis"))
    );
    common::ledger_is_consistent(&s.pool).await;
    reconciled(&s, &back).await;
}

#[tokio::test]
async fn agreements_apply_by_settlement_date_with_share_and_yearly_cap_and_preview_equals_posting()
{
    let s = spawn().await;
    let admin = s.login("beheer").await;
    let back = s.login("backoffice").await;
    let view: app::api::agreements::AgreementsView = s.call(&admin, "agreements", &[]).await.ok();
    let v1 = view
        .versions
        .iter()
        .find(|v| v.agreement.stream.as_str() == "ZVW")
        .expect("demo v1")
        .clone();
    assert!(v1.used_until.is_none() && v1.in_force_today);
    let save = |fields: &[(&str, &str)]| {
        fields
            .iter()
            .map(|(k, v)| (format!("input[{k}]"), v.to_string()))
            .collect::<Vec<_>>()
    };
    let new = |from: &str, to: &str, share: &str, cap: &str, reference: &str| {
        save(&[
            ("stream", "ZVW"),
            ("valid_from", from),
            ("valid_to", to),
            ("share", share),
            ("cap", cap),
            ("reference", reference),
        ])
    };
    let start = format!("{}-01-01", chrono::Datelike::year(&chrono::Utc::now()) - 9);
    let before_start = format!("{}-12-31", chrono::Datelike::year(&chrono::Utc::now()) - 10);
    let count = s.count("SELECT count(*) FROM agreements").await;
    for (form, field, says) in [
        (
            new(&start, "", "50", "100", "CZ-2"),
            "valid_from",
            "overlapt met versie 1",
        ),
        (
            new(&start, "", "120", "100", "CZ-2"),
            "share",
            "tussen 0 en 100",
        ),
        (new(&start, "", "50", "-5", "CZ-2"), "cap", ""),
        (new(&start, "", "0", "", "CZ-2"), "share", "0 %"),
        (new(&start, "", "50", "", " "), "reference", "kenmerk"),
        (
            new(&start, &before_start, "50", "", "CZ-2"),
            "valid_to",
            "vóór",
        ),
        (
            save(&[("stream", "PW"), ("valid_from", &start), ("reference", "x")]),
            "stream",
            "extern",
        ),
    ] {
        let reply = s.submit(&admin, "save_agreement", &form).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            reply.body
        );
        let message = reply
            .error()
            .for_field(field)
            .unwrap_or_else(|| panic!("{field}: {}", reply.body));
        assert!(message.contains(says), "{field}: {message}");
    }
    assert_eq!(
        s.count("SELECT count(*) FROM agreements").await,
        count,
        "nothing saved"
    );
    // v1 ends (it was never used, so it could still change); v2 bears 50 % up to € 100,00 a year.
    let end_v1 = save(&[
        ("id", &v1.agreement.id.to_string()),
        ("row_version", &v1.row_version.to_string()),
        ("valid_from", "2020-01-01"),
        ("valid_to", "2020-12-31"),
        ("share", "100"),
        ("reference", "CZ-2020-001"),
    ]);
    let _: i64 = s.submit(&admin, "save_agreement", &end_v1).await.ok();
    let v2: i64 = s
        .submit(
            &admin,
            "save_agreement",
            &new("2021-01-01", "", "50", "100,00", "CZ-2021-007"),
        )
        .await
        .ok();

    let id = new_run(&s, &back).await;
    let first = run(&s, &back, id).await;
    let mut preview = Vec::new();
    for page in 0..first.case_count.div_ceil(app::model::CASES_PER_PAGE) {
        let v: RunView = s
            .call(
                &back,
                "chargeback_run",
                &[("id", id.to_string()), ("page", page.to_string())],
            )
            .await
            .ok();
        preview.extend(v.cases);
    }
    let why: Vec<String> = preview
        .iter()
        .flat_map(|c| c.residual_why.iter().map(|(_, r, _)| r.clone()))
        .collect();
    assert!(
        why.iter()
            .any(|r| r == "jaarplafond van het convenant bereikt"),
        "{why:?}"
    );
    assert!(
        why.iter()
            .any(|r| r == "aandeel van de betaler volgens het convenant"),
        "{why:?}"
    );
    for c in &preview {
        let explained: i64 = c.residual_why.iter().map(|(_, _, m)| m.cents()).sum();
        assert_eq!(
            explained,
            c.residual.cents(),
            "{}: every cent of the residual has its reason",
            c.reference
        );
        for charge in c.charges.iter().filter(|ch| ch.claim) {
            assert!(
                charge
                    .agreement
                    .as_deref()
                    .is_some_and(|a| a.contains("v2") && a.contains("CZ-2021-007")),
                "{charge:?}"
            );
        }
    }
    post(&s, &back, id, first.run.version).await.ok::<()>();
    let posted = run(&s, &back, id).await;
    assert_eq!(
        (posted.claims_total, posted.residual),
        (first.claims_total, first.residual),
        "posting books the preview"
    );
    assert_eq!(
        s.count(&format!("SELECT coalesce(sum(amount_cents), 0) FROM run_charges WHERE run_id = {id} AND kind = 'claim' AND agreement_id = {v2}")).await,
        first.claims_total.cents()
    );
    // The yearly cap holds per agreement year.
    assert_eq!(
        s.count("SELECT count(*) FROM (SELECT agreement_year FROM run_charges WHERE agreement_id IS NOT NULL GROUP BY agreement_year HAVING sum(amount_cents) > 10000)").await,
        0
    );
    let claims: ClaimsView = s
        .call(&back, "claims", &[("status", String::new())])
        .await
        .ok();
    assert!(
        claims
            .claims
            .iter()
            .all(|k| k.agreement.as_deref() == Some("v2 (CZ-2021-007)"))
    );

    // A used version never changes its terms, nor ends before its last use.
    let view: app::api::agreements::AgreementsView = s.call(&admin, "agreements", &[]).await.ok();
    let used = view
        .versions
        .iter()
        .find(|v| v.agreement.id == v2)
        .expect("v2")
        .clone();
    let last = used.used_until.expect("used");
    let change = |share: &str, to: &str| {
        save(&[
            ("id", &v2.to_string()),
            ("row_version", &used.row_version.to_string()),
            ("valid_from", "2021-01-01"),
            ("valid_to", to),
            ("share", share),
            ("cap", "100,00"),
            ("reference", "CZ-2021-007"),
        ])
    };
    let reshare = s.submit(&admin, "save_agreement", &change("60", "")).await;
    assert!(
        reshare.error().to_string().contains("nieuwe versie"),
        "{}",
        reshare.body
    );
    let before_use = (last - chrono::Duration::days(1)).to_string();
    let too_early = s
        .submit(&admin, "save_agreement", &change("50", &before_use))
        .await;
    assert!(
        too_early.error().for_field("valid_to").is_some(),
        "{}",
        too_early.body
    );

    // Reversing a case with a claim gives its part of the cap back: charged again, it claims the same.
    let (case, claimed) = {
        let row: (i64, i64) = sqlx::query_as(&format!(
            "SELECT case_id, amount_cents FROM claims WHERE run_id = {id} AND status = 'open' ORDER BY amount_cents DESC LIMIT 1"
        ))
        .fetch_one(&s.pool)
        .await
        .expect("a claim");
        row
    };
    s.call(
        &back,
        "reverse_run",
        &[
            ("run_id", id.to_string()),
            ("case_id", case.to_string()),
            ("reason", "Sleutel".to_string()),
            ("booking_date", today()),
        ],
    )
    .await
    .ok::<i64>();
    let rerun = new_run(&s, &back).await;
    let again = run(&s, &back, rerun).await;
    assert_eq!(
        again.claims_total.cents(),
        claimed,
        "the same claim under the same cap"
    );
    post(&s, &back, rerun, again.run.version).await.ok::<()>();
    common::ledger_is_consistent(&s.pool).await;
}

async fn accrual_of(s: &S, back: &str, year: i32) -> app::api::accrual::AccrualView {
    s.call(back, "accrual_year", &[("year", year.to_string())])
        .await
        .ok()
}

#[tokio::test]
async fn a_chargeback_posted_after_the_true_up_is_trued_up_by_its_posting() {
    let s = spawn().await;
    let back = s.login("backoffice").await;
    let last = chrono::Datelike::year(&chrono::Utc::now()) - 1;
    // Last year runs in accrual mode: the PW was pre-booked and the year trued up.
    sqlx::query("UPDATE budget_years SET mode = 'accrual' WHERE year = ?1")
        .bind(last)
        .execute(&s.pool)
        .await
        .expect("accrual year");
    s.call(
        &back,
        "prebook_year",
        &[
            ("year", last.to_string()),
            ("amounts", "PW 1.000".into()),
            ("date", format!("{last}-01-02")),
        ],
    )
    .await
    .ok::<()>();
    s.call(
        &back,
        "true_up_year",
        &[("year", last.to_string()), ("date", today())],
    )
    .await
    .ok::<()>();
    let trued = accrual_of(&s, &back, last).await;
    assert!(trued.trued_up);
    assert!(
        trued.lines.iter().all(|l| l.open.is_zero()),
        "{:?}",
        trued.lines
    );

    // The run charges last year's cases afterwards: each internal charge books an additional true-up.
    let id = new_run(&s, &back).await;
    let preview = run(&s, &back, id).await;
    post(&s, &back, id, preview.run.version).await.ok::<()>();
    let unbooked = s
        .count(&format!("SELECT count(*) FROM run_charges WHERE run_id = {id} AND year = {last} AND kind = 'internal' AND tx_id IS NULL"))
        .await;
    assert_eq!(unbooked, 0, "nothing is recorded without its booking");
    let late = s
        .count(&format!(
            "SELECT count(*) FROM run_charges rc JOIN ledger_transactions t ON t.id = rc.tx_id
             WHERE rc.run_id = {id} AND rc.year = {last} AND rc.kind = 'internal' AND t.kind = 'true_up'"
        ))
        .await;
    assert!(
        late > 0,
        "last year's internal charges are additional true-ups"
    );
    let after = accrual_of(&s, &back, last).await;
    assert!(after.lines.iter().any(|l| l.realised.is_positive()));
    assert!(
        after.lines.iter().all(|l| l.open.is_zero()),
        "{:?}",
        after.lines
    );

    // Reversing such a case undoes its true-up too.
    let case = s
        .count(&format!("SELECT min(case_id) FROM run_charges WHERE run_id = {id} AND year = {last} AND kind = 'internal'"))
        .await;
    s.call(
        &back,
        "reverse_run",
        &[
            ("run_id", id.to_string()),
            ("case_id", case.to_string()),
            ("reason", "Verkeerde sleutel".into()),
            ("booking_date", today()),
        ],
    )
    .await
    .ok::<i64>();
    let reversed = accrual_of(&s, &back, last).await;
    assert!(
        reversed.lines.iter().all(|l| l.open.is_zero()),
        "{:?}",
        reversed.lines
    );
    common::ledger_is_consistent(&s.pool).await;
}
