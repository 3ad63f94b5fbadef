//! The dashboard (*Resultaten*) over HTTP, on the lived demo: every figure
//! recomputed here from the raw rows; the fund per year equal to the fund
//! page and the ledger's postings; what was charged back equal to the
//! posted runs' journals, also after a generated set of cases; small cells
//! hidden everywhere (page, downloads, API); aggregates only for the
//! alderman; bad filters a Dutch message, never a 500.

use std::collections::BTreeMap;

use app::model::{Cell, Dashboard, Table};
use chrono::{Datelike, NaiveDate};
use doorbraak::Money;
use doorbraak::disclosure::is_small;
use reqwest::StatusCode;
use reqwest::header::AUTHORIZATION;

use crate::common::{self, S, spawn_with};

async fn lived() -> S {
    spawn_with(|c| c.demo_history = true).await
}

async fn dashboard(s: &S, who: &str, q: &[(&str, &str)]) -> common::Reply {
    let mut form: Vec<(String, String)> = q
        .iter()
        .map(|(k, v)| (format!("query[{k}]"), v.to_string()))
        .collect();
    if form.is_empty() {
        form.push(("query[jaar]".into(), String::new()));
    }
    s.submit(who, "load_dashboard", &form).await
}

fn table<'a>(d: &'a Dashboard, id: &str) -> &'a Table {
    d.table(id).unwrap_or_else(|| panic!("table {id}"))
}

fn day(ts: &str) -> NaiveDate {
    let at = chrono::DateTime::parse_from_rfc3339(ts).expect("timestamp");
    doorbraak::dates::dutch_today(at.with_timezone(&chrono::Utc))
}

/// A case as the raw rows have it.
#[derive(Debug)]
struct RawCase {
    team: i64,
    status: String,
    submitted: Option<NaiveDate>,
    decided: Option<NaiveDate>,
    first_paid: Option<NaiveDate>,
    settled: Option<NaiveDate>,
    evaluated: Option<NaiveDate>,
}

async fn raw_cases(s: &S) -> BTreeMap<i64, RawCase> {
    type Row = (
        i64,
        i64,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, team_id, status, submitted_at, decided_at, first_paid_at, settled_at FROM cases",
    )
    .fetch_all(&s.pool)
    .await
    .expect("cases");
    let evaluated: Vec<(i64, String)> = sqlx::query_as(
        "SELECT case_id, evaluated_on FROM evaluations WHERE moment = 'final' AND version = 1",
    )
    .fetch_all(&s.pool)
    .await
    .expect("evaluations");
    let mut out: BTreeMap<i64, RawCase> = rows
        .into_iter()
        .map(|(id, team, status, sub, dec, paid, set)| {
            (
                id,
                RawCase {
                    team,
                    status,
                    submitted: sub.as_deref().map(day),
                    decided: dec.as_deref().map(day),
                    first_paid: paid.as_deref().map(day),
                    settled: set.as_deref().map(day),
                    evaluated: None,
                },
            )
        })
        .collect();
    for (case, on) in evaluated {
        out.get_mut(&case).expect("case").evaluated = Some(on.parse().expect("date"));
    }
    out
}

const APPROVED: [&str; 6] = [
    "approved",
    "in_progress",
    "settled",
    "charged_back",
    "evaluated",
    "closed",
];

/// What a count cell must show for `n` households.
fn shows(cell: &Cell, n: u32) {
    if is_small(n) {
        assert_eq!(*cell, Cell::Small, "{n} households must be hidden");
    } else {
        assert!(
            *cell == Cell::Count(n) || *cell == Cell::Small,
            "{cell:?} for {n} households"
        );
    }
}

/// Every count a table shows is 0 or at least 5.
fn no_small_count_shown(d: &Dashboard) {
    for t in &d.tables {
        for row in &t.rows {
            for cell in row {
                if let Cell::Count(n) = cell {
                    assert!(
                        !is_small(*n) || t.id == "looptijd",
                        "table {} shows a count of {n}",
                        t.id
                    );
                }
            }
        }
    }
}

fn money(cell: Option<&Cell>) -> Option<Money> {
    cell.and_then(Cell::as_money)
}

fn in_period(d: Option<NaiveDate>, from: NaiveDate, to: NaiveDate) -> bool {
    d.is_some_and(|d| (from..=to).contains(&d))
}

#[tokio::test]
async fn every_figure_is_recomputed_from_the_raw_rows_and_reconciles_with_the_ledger() {
    let s = lived().await;
    let alderman = s.login("wethouder").await;
    let year = *server::demo::demo_years().end() - 1;
    let (from, to) = (
        NaiveDate::from_ymd_opt(year, 1, 1).expect("d"),
        NaiveDate::from_ymd_opt(year, 12, 31).expect("d"),
    );
    let y = year.to_string();
    let d: Dashboard = dashboard(&s, &alderman, &[("jaar", &y)]).await.ok();
    assert_eq!(d.period, y);
    no_small_count_shown(&d);
    let cases = raw_cases(&s).await;

    // Breakthroughs per step.
    let t = table(&d, "doorbraken");
    let count = |f: &dyn Fn(&RawCase) -> bool| cases.values().filter(|c| f(c)).count() as u32;
    let approved = |c: &RawCase| APPROVED.contains(&c.status.as_str());
    let expected = [
        ("Ingediend", count(&|c| in_period(c.submitted, from, to))),
        (
            "Goedgekeurd",
            count(&|c| approved(c) && in_period(c.decided, from, to)),
        ),
        (
            "Afgewezen",
            count(&|c| c.status == "rejected" && in_period(c.decided, from, to)),
        ),
        (
            "Eerste betaling",
            count(&|c| in_period(c.first_paid, from, to)),
        ),
        ("Afgerekend", count(&|c| in_period(c.settled, from, to))),
        ("Geëvalueerd", count(&|c| in_period(c.evaluated, from, to))),
    ];
    for (stage, n) in expected {
        assert!(
            n > 0 || stage == "Afgewezen",
            "the demo has {stage} in {year}"
        );
        shows(t.cell(stage, "Huishoudens").expect(stage), n);
        assert_eq!(
            t.cell(stage, "Huishoudens"),
            Some(&if is_small(n) {
                Cell::Small
            } else {
                Cell::Count(n)
            })
        );
    }

    // Projected avoided cost per law: the frozen canvases approved in the year.
    let returns: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT r.case_id, r.stream_code, r.avoided_cents FROM canvas_returns r
         JOIN cases c ON c.id = r.case_id AND r.version = c.current_version",
    )
    .fetch_all(&s.pool)
    .await
    .expect("returns");
    let names: BTreeMap<String, String> = sqlx::query_as("SELECT code, name FROM streams")
        .fetch_all(&s.pool)
        .await
        .expect("streams")
        .into_iter()
        .collect();
    let mut per_law: BTreeMap<String, (u32, i64)> = BTreeMap::new();
    for (case, stream, cents) in &returns {
        let c = &cases[case];
        if approved(c) && in_period(c.decided, from, to) {
            let e = per_law.entry(stream.clone()).or_default();
            e.0 += 1;
            e.1 += cents;
        }
    }
    let laws = table(&d, "wetten");
    let mut shown_total = 0i64;
    for (stream, (n, cents)) in &per_law {
        let name = &names[stream];
        shows(laws.cell(name, "Huishoudens goedgekeurd").expect(name), *n);
        match money(laws.cell(name, "Verwacht vermeden")) {
            Some(m) => {
                assert_eq!(m.cents(), *cents, "{name}");
                shown_total += cents;
            }
            None => assert!(laws.cell(name, "Verwacht vermeden") == Some(&Cell::Hidden)),
        }
    }
    let total: i64 = per_law.values().map(|(_, c)| c).sum();
    assert_eq!(
        money(laws.cell("Totaal", "Verwacht vermeden")).map(Money::cents),
        Some(total)
    );
    assert!(shown_total <= total);

    // Realised: the newest version of each case first evaluated in the year.
    let realised: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT e.case_id, s.stream_code, s.projected_cents, s.realised_cents
         FROM evaluations e JOIN evaluation_streams s ON s.evaluation_id = e.id
         WHERE e.moment = 'final'
           AND e.version = (SELECT max(version) FROM evaluations x WHERE x.case_id = e.case_id AND x.moment = 'final')",
    )
    .fetch_all(&s.pool)
    .await
    .expect("realised");
    let (mut projected_sum, mut realised_sum) = (0i64, 0i64);
    for (case, _, p, r) in &realised {
        if in_period(cases[case].evaluated, from, to) {
            projected_sum += p;
            realised_sum += r;
        }
    }
    assert!(realised_sum > 0, "the demo evaluated cases in {year}");
    assert_eq!(
        money(laws.cell("Totaal", "Gerealiseerd vermeden")).map(Money::cents),
        Some(realised_sum)
    );
    let share = doorbraak::evaluation::share_of(
        Money::from_cents(realised_sum).expect("m"),
        Money::from_cents(projected_sum).expect("m"),
    )
    .expect("share");
    assert_eq!(
        laws.cell("Totaal", "Gerealiseerd van verwacht"),
        Some(&Cell::Share(share))
    );
    assert!(
        d.headlines
            .iter()
            .any(|h| h.contains("elke geïnvesteerde euro leverde")),
        "{:?}",
        d.headlines
    );

    // Invested: payments in the year less reversals in it.
    let paid = s
        .count(&format!(
            "SELECT coalesce(sum(amount_cents), 0) FROM payments WHERE paid_on BETWEEN '{from}' AND '{to}'"
        ))
        .await
        - s.count(&format!(
            "SELECT coalesce(sum(p.amount_cents), 0) FROM payment_reversals x JOIN payments p ON p.id = x.payment_id
             WHERE x.reversed_on BETWEEN '{from}' AND '{to}'"
        ))
        .await;
    assert_eq!(
        money(table(&d, "geld").cell("Betaald in de periode", "Waarde")).map(Money::cents),
        Some(paid)
    );

    // The fund per year equals the fund page and the ledger's postings.
    let fund = table(&d, "fonds");
    let mut conn = s.pool.acquire().await.expect("conn");
    for year in app::db::budget_years::year_numbers(&mut conn)
        .await
        .expect("years")
    {
        let page = app::db::ledger::position(&mut conn, year).await.expect("p");
        let row = year.to_string();
        let cell = |c: &str| money(fund.cell(&row, c)).expect(c);
        assert_eq!(cell("Gereserveerd"), page.funded, "{year}");
        assert_eq!(cell("Vastgelegd"), page.held, "{year}");
        assert_eq!(cell("Betaald"), page.paid, "{year}");
        assert_eq!(cell("Teruggekomen"), page.recovered, "{year}");
        assert_eq!(cell("Beschikbaar"), page.available, "{year}");
        let posted = |account: String| {
            let s = &s;
            async move {
                s.count(&format!(
                    "SELECT coalesce(sum(amount_cents), 0) FROM ledger_postings WHERE account = '{account}'"
                ))
                .await
            }
        };
        assert_eq!(
            cell("Beschikbaar").cents().abs(),
            posted(format!("fund:{year}")).await.abs(),
            "{year}: the fund account's postings"
        );
        assert_eq!(
            cell("Betaald").cents().abs(),
            posted(format!("paid:{year}")).await.abs(),
            "{year}: the paid account's postings"
        );
    }
    common::ledger_is_consistent(&s.pool).await;
    drop(conn);
    charged_back_equals_the_posted_runs(&s, &d).await;

    // Outstanding claims as of today.
    let open: i64 = s
        .count("SELECT coalesce(sum(amount_cents), 0) FROM claims WHERE status IN ('open', 'invoiced')")
        .await;
    let claims = table(&d, "vorderingen");
    let shown: i64 = ["Open: bedrag", "Gefactureerd: bedrag", "Te laat: bedrag"]
        .iter()
        .filter_map(|c| money(claims.cell("Totaal", c)))
        .map(Money::cents)
        .sum();
    assert_eq!(shown, open, "every outstanding claim, by age");

    // Nothing names a case, a person or an amount of one household.
    let json = serde_json::to_string(&d).expect("json");
    let refs: Vec<String> = sqlx::query_scalar("SELECT reference FROM cases")
        .fetch_all(&s.pool)
        .await
        .expect("refs");
    assert!(refs.iter().all(|r| !json.contains(r.as_str())));
    assert!(!json.contains("Pim Professional"));
}

/// Per stream and booking year, the dashboard's charged back equals what
/// the posted runs' pages total (corrections included) and, for every run
/// booked in cash mode, what its journal debits the stream; the runs
/// themselves reconcile with the ledger.
async fn charged_back_equals_the_posted_runs(s: &S, d: &Dashboard) {
    let runs: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT r.id, r.booking_date, coalesce(y.mode, 'cash') FROM chargeback_runs r
         LEFT JOIN budget_years y ON y.year = CAST(substr(r.booking_date, 1, 4) AS INTEGER)
         WHERE r.status = 'posted' ORDER BY r.id",
    )
    .fetch_all(&s.pool)
    .await
    .expect("runs");
    assert!(!runs.is_empty());
    let back = s.login("backoffice").await;
    let mut pages: BTreeMap<(String, i32), i64> = BTreeMap::new();
    let mut journals: BTreeMap<(String, i32), i64> = BTreeMap::new();
    let mut conn = s.pool.acquire().await.expect("conn");
    for (run, booked, mode) in runs {
        let view: app::model::RunView = s
            .call(
                &back,
                "chargeback_run",
                &[("id", run.to_string()), ("page", "0".into())],
            )
            .await
            .ok();
        let year: i32 = booked[..4].parse().expect("year");
        for t in &view.totals {
            *pages.entry((t.stream.to_string(), year)).or_default() += t.amount.cents();
        }
        if mode == "cash" {
            let j = app::exports::journal(&mut conn, run)
                .await
                .expect("journal");
            for t in &view.totals {
                let sides = &j.totals.by_stream[&t.stream];
                *journals.entry((t.stream.to_string(), year)).or_default() +=
                    sides.debit.cents() - sides.credit.cents();
            }
        }
    }
    let names: BTreeMap<String, String> = sqlx::query_as("SELECT code, name FROM streams")
        .fetch_all(&s.pool)
        .await
        .expect("streams")
        .into_iter()
        .collect();
    let t = table(d, "partners");
    let (stream_col, year_col, charged_col) = (
        t.column("Stroom").expect("c"),
        t.column("Jaar").expect("c"),
        t.column("Teruggeboekt").expect("c"),
    );
    let shown = |stream: &str, year: &str| {
        t.rows
            .iter()
            .find(|r| r[stream_col].text() == names[stream] && r[year_col].text() == year)
            .map(|r| r[charged_col].clone())
            .unwrap_or_else(|| panic!("a row for {stream} {year}"))
    };
    let mut compared = 0;
    for ((stream, year), cents) in &pages {
        match shown(stream, &year.to_string()) {
            Cell::Money(m) => {
                assert_eq!(m.cents(), *cents, "{stream} {year}: the run pages");
                compared += 1;
            }
            other => assert_eq!(other, Cell::Hidden, "{stream} {year}"),
        }
        if let Some(j) = journals.get(&(stream.clone(), *year)) {
            assert_eq!(j, cents, "{stream} {year}: the journals of cash years");
        }
    }
    assert!(compared > 0, "some charges are shown");
    // And the runs agree with the ledger and the journals (the
    // reconciliation the backoffice sees; accrual years included).
    let check: app::model::ReconcileView = s.call(&back, "reconciliation", &[]).await.ok();
    assert_eq!(
        check.differences(),
        0,
        "{:?}",
        check
            .lines
            .iter()
            .filter(|l| !l.agrees())
            .collect::<Vec<_>>()
    );
    drop(conn);
}

#[tokio::test]
async fn a_team_and_a_law_narrow_every_figure_and_small_cells_stay_hidden() {
    let s = lived().await;
    let alderman = s.login("wethouder").await;
    let year = (*server::demo::demo_years().end() - 1).to_string();
    let all: Dashboard = dashboard(&s, &alderman, &[("jaar", &year)]).await.ok();
    let team = &all.teams[0];
    let narrow: Dashboard = dashboard(
        &s,
        &alderman,
        &[("jaar", &year), ("team", &team.value), ("wet", "JW")],
    )
    .await
    .ok();
    assert_eq!(narrow.team, team.label);
    assert!(narrow.stream.contains("Jeugd"), "{}", narrow.stream);
    no_small_count_shown(&narrow);
    let cases = raw_cases(&s).await;
    let team_id: i64 = team.value.parse().expect("id");
    let (from, to) = (
        NaiveDate::from_ymd_opt(year.parse().expect("y"), 1, 1).expect("d"),
        NaiveDate::from_ymd_opt(year.parse().expect("y"), 12, 31).expect("d"),
    );
    let on_jw: Vec<i64> = sqlx::query_scalar(
        "SELECT c.id FROM cases c JOIN canvas_returns r ON r.case_id = c.id AND r.version = c.current_version
         WHERE r.stream_code = 'JW' AND r.avoided_cents <> 0",
    )
    .fetch_all(&s.pool)
    .await
    .expect("jw");
    let submitted = cases
        .iter()
        .filter(|(id, c)| {
            c.team == team_id && on_jw.contains(id) && in_period(c.submitted, from, to)
        })
        .count() as u32;
    shows(
        table(&narrow, "doorbraken")
            .cell("Ingediend", "Huishoudens")
            .expect("cell"),
        submitted,
    );
    // Only the chosen law's row (and the total) in the table per law.
    let laws = table(&narrow, "wetten");
    assert!(laws.rows.len() <= 2, "{:?}", laws.rows);
    // A smaller slice never shows more households than the whole.
    let n = |d: &Dashboard| {
        table(d, "doorbraken")
            .cell("Ingediend", "Huishoudens")
            .and_then(Cell::as_count)
    };
    if let (Some(part), Some(whole)) = (n(&narrow), n(&all)) {
        assert!(part <= whole);
    }
    // The page shows the filters it was asked for, in the form and the title.
    let (status, html) = s
        .page(
            &alderman,
            &format!("/resultaten?jaar={year}&team={}&wet=JW", team.value),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!("Periode: {year} · {}", team.label)));
    assert!(html.contains(&format!(r#"value="{}" selected"#, team.value)));
    assert!(
        html.contains("< 5")
            || !narrow
                .tables
                .iter()
                .any(|t| t.rows.iter().flatten().any(|c| *c == Cell::Small))
    );
}

#[tokio::test]
async fn the_alderman_lands_on_the_summary_and_sees_aggregates_only() {
    let s = lived().await;
    let alderman = s.login("wethouder").await;
    let (status, home) = s.page(&alderman, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        home.contains("data-dashboard-summary"),
        "the start page is the summary"
    );
    assert!(home.contains("Kerncijfers") && home.contains("doorbraken goedgekeurd"));
    assert!(
        !home.to_lowercase().contains("volgt"),
        "nothing says 'volgt'"
    );
    let (status, page) = s.page(&alderman, "/resultaten").await;
    assert_eq!(status, StatusCode::OK);
    for part in [
        "<svg",
        "role=\"img\"",
        "<figcaption",
        "Vermeden kosten per wet",
        "Het revolverend fonds per begrotingsjaar",
        "Doorlooptijden",
        "/export/resultaten/wetten.xlsx",
    ] {
        assert!(page.contains(part), "the page has {part}");
    }
    let refs: Vec<String> = sqlx::query_scalar("SELECT reference FROM cases")
        .fetch_all(&s.pool)
        .await
        .expect("refs");
    assert!(
        refs.iter().all(|r| !page.contains(r.as_str())),
        "no case reference"
    );
    // Case pages, case lists and run pages stay closed to the alderman.
    let case: i64 = s.count("SELECT min(id) FROM cases").await;
    for path in [
        format!("/casussen/{case}"),
        "/casussen".to_string(),
        "/terugboeken".to_string(),
        "/vorderingen".to_string(),
    ] {
        let (status, _) = s.page(&alderman, &path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    // The dashboard is for aldermen, approvers and the backoffice only.
    for who in ["professional", "budgethouder", "beheer"] {
        let session = s.login(who).await;
        let (status, _) = s.page(&session, "/resultaten").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
        assert_eq!(
            dashboard(&s, &session, &[]).await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
        let (status, _) = s.download(&session, "/export/resultaten/wetten.csv").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
    }
    for who in ["manager", "backoffice"] {
        let session = s.login(who).await;
        assert_eq!(s.page(&session, "/resultaten").await.0, StatusCode::OK);
    }
}

#[tokio::test]
async fn bad_filters_get_a_dutch_message_and_change_nothing() {
    let s = lived().await;
    let alderman = s.login("wethouder").await;
    let audit = s.rows("audit_events").await;
    for (query, field, says) in [
        (
            vec![("van", "2026-05-01"), ("tot", "2026-03-01")],
            "van",
            "begindatum ligt na de einddatum",
        ),
        (
            vec![("van", "2026-05-01")],
            "van",
            "zowel een begin- als een einddatum",
        ),
        (
            vec![("van", "99999-99-99"), ("tot", "2026-01-01")],
            "van",
            "",
        ),
        (vec![("jaar", "1800")], "jaar", "Kies een jaar tussen"),
        (vec![("jaar", "twintig")], "jaar", "Kies een jaar tussen"),
        (
            vec![("kwartaal", "7")],
            "kwartaal",
            "kwartaal is 1, 2, 3 of 4",
        ),
        (
            vec![("kwartaal", "1"), ("maand", "2")],
            "kwartaal",
            "niet allebei",
        ),
        (vec![("maand", "13")], "maand", "1 tot en met 12"),
        (vec![("team", "999")], "team", "Dit team bestaat niet"),
        (
            vec![("team", "drop table")],
            "team",
            "Dit team bestaat niet",
        ),
        (vec![("wet", "XYZ")], "wet", "kennen we niet"),
    ] {
        let reply = dashboard(&s, &alderman, &query).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{query:?}");
        let message = reply.error().for_field(field).unwrap_or_default();
        assert!(
            !message.is_empty() && message.contains(says),
            "{query:?}: {message}"
        );
        // The page says it next to the filter, with the form kept.
        let qs: Vec<String> = query
            .iter()
            .map(|(k, v)| format!("{k}={}", v.replace(' ', "+")))
            .collect();
        let (status, html) = s
            .page(&alderman, &format!("/resultaten?{}", qs.join("&")))
            .await;
        assert!(status.is_client_error(), "{query:?}: {status}");
        assert!(
            html.contains("utrecht-form-field-error-message"),
            "{query:?}"
        );
        assert!(html.contains("Toon resultaten"), "{query:?}");
        // The download and the API refuse alike.
        let (status, body) = s
            .download(
                &alderman,
                &format!("/export/resultaten/wetten.csv?{}", qs.join("&")),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query:?}");
        assert!(!String::from_utf8_lossy(&body).is_empty());
    }
    // A year without data is a sentence, not an error.
    let empty: Dashboard = dashboard(
        &s,
        &alderman,
        &[("jaar", &(chrono::Utc::now().year() - 8).to_string())],
    )
    .await
    .ok();
    assert!(
        empty.notices[0].contains("is er nog niets vastgelegd"),
        "{:?}",
        empty.notices
    );
    let (status, _) = s
        .download(&alderman, "/export/resultaten/geen-tabel.csv")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(s.rows("audit_events").await, audit, "nothing was written");
}

#[tokio::test]
async fn downloads_and_the_api_carry_exactly_what_the_page_shows() {
    let s = lived().await;
    let alderman = s.login("wethouder").await;
    let year = (*server::demo::demo_years().end() - 1).to_string();
    let d: Dashboard = dashboard(&s, &alderman, &[("jaar", &year)]).await.ok();
    // CSV: the filters, a blank line, then the table cell for cell.
    let (status, bytes) = s
        .download(
            &alderman,
            &format!("/export/resultaten/wetten.csv?jaar={year}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let csv = String::from_utf8(bytes).expect("utf-8");
    let csv = csv.trim_start_matches('\u{feff}');
    assert!(csv.contains(&format!("Periode;{year}")));
    let body: Vec<&str> = csv
        .split("\r\n\r\n")
        .nth(1)
        .expect("table")
        .lines()
        .collect();
    let t = table(&d, "wetten");
    assert_eq!(body[0], t.columns.join(";"));
    for (line, row) in body[1..].iter().zip(&t.rows) {
        let cells: Vec<String> = row.iter().map(Cell::csv).collect();
        assert_eq!(*line, cells.join(";"));
    }
    assert_eq!(body.len(), t.rows.len() + 1);
    assert!(
        csv.contains(",") && !csv.contains("€"),
        "decimal comma, no unit"
    );
    // Excel: LibreOffice reads back the same numbers.
    let (status, xlsx) = s
        .download(
            &alderman,
            &format!("/export/resultaten/wetten.xlsx?jaar={year}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("wetten.xlsx");
    std::fs::write(&file, &xlsx).expect("write");
    common::soffice(
        dir.path(),
        &file,
        "csv:Text - txt - csv (StarCalc):59,34,76,1,,1033",
    );
    let read = std::fs::read_to_string(dir.path().join("wetten.csv")).expect("converted");
    let total = read
        .lines()
        .find(|l| l.starts_with("Totaal;"))
        .expect("the total row");
    let projected = money(t.cell("Totaal", "Verwacht vermeden")).expect("shown");
    let value = total.split(';').nth(2).expect("cell").replace(',', "");
    let read_cents = (value.parse::<f64>().expect("a number") * 100.0).round() as i64;
    assert_eq!(read_cents, projected.cents(), "{total}");
    // The download is in the audit trail, with who and what.
    assert!(
        s.count("SELECT count(*) FROM audit_events WHERE action = 'dashboard_exported' AND object_id = 'wetten'")
            .await
            >= 2
    );

    // The open-data API: the same tables with a token, nothing without.
    let admin = s.login("beheer").await;
    let issued = s.issue_token(&admin, "Rapportage").await;
    let url = format!("{}/api/v1/dashboard?jaar={year}", s.base);
    let ok = s
        .http
        .get(&url)
        .header(AUTHORIZATION, format!("Bearer {}", issued.token))
        .send()
        .await
        .expect("get");
    assert_eq!(ok.status(), StatusCode::OK);
    let api: Dashboard = ok.json().await.expect("json");
    assert_eq!(api, d, "suppressed identically");
    let refused = s.http.get(&url).send().await.expect("get");
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let bad = s
        .http
        .get(format!(
            "{}/api/v1/dashboard?van=2026-05-01&tot=2026-01-01",
            s.base
        ))
        .header(AUTHORIZATION, format!("Bearer {}", issued.token))
        .send()
        .await
        .expect("get");
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let message: serde_json::Value = bad.json().await.expect("json");
    assert!(
        message["error"]
            .as_str()
            .is_some_and(|m| m.contains("begindatum"))
    );
}

#[tokio::test]
async fn after_a_generated_set_and_a_new_run_the_dashboard_still_reconciles() {
    let s = lived().await;
    let alderman = s.login("wethouder").await;
    let before: Dashboard = dashboard(&s, &alderman, &[]).await.ok();
    server::demo_cases::generate(&s.pool, 2000, 23, true)
        .await
        .expect("generate");
    // Charge back everything settled: the dashboard sees the new run.
    let back = s.login("backoffice").await;
    let today = app::auth::today();
    let (run, version) = common::run_over_everything(&s, &back).await;
    let posted = s
        .call(&back, "post_run", &common::posting(run, version))
        .await;
    assert_eq!(posted.status, StatusCode::OK, "{}", posted.body);
    let after: Dashboard = dashboard(&s, &alderman, &[]).await.ok();
    assert_ne!(before, after, "a write is seen at once");
    let d: Dashboard = dashboard(&s, &alderman, &[("jaar", &today.year().to_string())])
        .await
        .ok();
    no_small_count_shown(&d);
    charged_back_equals_the_posted_runs(&s, &d).await;
    common::ledger_is_consistent(&s.pool).await;
    let fund = table(&d, "fonds");
    let mut conn = s.pool.acquire().await.expect("conn");
    let page = app::db::ledger::position(&mut conn, today.year())
        .await
        .expect("p");
    let row = today.year().to_string();
    assert_eq!(money(fund.cell(&row, "Beschikbaar")), Some(page.available));
    assert_eq!(money(fund.cell(&row, "Teruggekomen")), Some(page.recovered));
    assert!(page.recovered.is_positive(), "the run brought money back");
}

#[tokio::test]
async fn the_stream_owner_sees_charges_per_year_and_a_run_its_totals_as_a_chart() {
    let s = lived().await;
    let owner = s.login("budgethouder").await;
    let v: app::model::OwnerView = s.call(&owner, "my_charges", &[]).await.ok();
    let t = &v.per_year;
    assert!(
        !t.rows.is_empty(),
        "the lived demo charged the owner's streams"
    );
    let names: BTreeMap<String, String> = sqlx::query_as("SELECT name, code FROM streams")
        .fetch_all(&s.pool)
        .await
        .expect("streams")
        .into_iter()
        .collect();
    for row in &t.rows {
        let (stream, year) = (&names[&row[0].text()], row[1].text());
        let (n, cents): (i64, i64) = sqlx::query_as(&format!(
            "SELECT count(DISTINCT rc.case_id), sum(rc.amount_cents) FROM run_charges rc
             JOIN chargeback_runs r ON r.id = rc.run_id
             WHERE r.status = 'posted' AND rc.stream_code = '{stream}' AND substr(r.booking_date, 1, 4) = '{year}'"
        ))
        .fetch_one(&s.pool)
        .await
        .expect("raw");
        assert!(v.streams.contains(stream), "only the owner's streams");
        shows(&row[2], n as u32);
        match &row[3] {
            Cell::Money(m) => assert_eq!(m.cents(), cents, "{stream} {year}"),
            other => assert_eq!(*other, Cell::Hidden),
        }
    }
    let (status, page) = s.page(&owner, "/mijn-stromen").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("per-jaar-titel") && page.contains("Teruggeboekt per jaar"));

    let back = s.login("backoffice").await;
    let run = s
        .count(
            "SELECT max(id) FROM chargeback_runs WHERE status = 'posted' AND kind = 'chargeback'",
        )
        .await;
    let (status, page) = s.page(&back, &format!("/terugboeken/{run}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("run-totalen-titel") && page.contains("Deze run per financieringsstroom.")
    );
}
