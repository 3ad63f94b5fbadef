//! Database tests of the configuration and case-list query modules: streams,
//! catalogue, budget (mandates, years), templates, and case lists with their
//! totals. A fresh SQLite file per test with the real migrations.
#![cfg(feature = "ssr")]

use app::db;
use doorbraak::canvas::{Canvas, Horizon};
use doorbraak::lifecycle::Status;
use doorbraak::mandate::MandateLevel;
use doorbraak::roles::CaseScope;
use doorbraak::stream::StreamKind;
use doorbraak::{Money, StreamCode};
use sqlx::SqliteConnection;

use crate::fixture::{HASH, NOW};

async fn fresh() -> (sqlx::pool::PoolConnection<sqlx::Sqlite>, tempfile::TempDir) {
    let (pool, dir) = crate::fixture::database().await;
    let mut conn = pool.acquire().await.expect("conn");
    db::streams::insert_taakveld(&mut conn, "6.71d", "Maatwerkdienstverlening 18+", false)
        .await
        .expect("taakveld");
    for (code, kind, holds) in [
        ("WMO", StreamKind::Internal, true),
        ("ZVW", StreamKind::External, false),
    ] {
        let stream = db::streams::NewStream {
            code,
            name: code,
            kind,
            taakveld: (kind == StreamKind::Internal).then_some("6.71d"),
            cost_centre: "",
            ledger_account: "",
            holds_reservation: holds,
            active: true,
        };
        assert!(
            db::streams::insert(&mut conn, &stream)
                .await
                .expect("stream")
        );
    }
    (conn, dir)
}

fn m(s: &str) -> Money {
    Money::parse(s).expect("amount")
}

#[tokio::test]
async fn streams_insert_once_and_update_only_from_the_current_version() {
    let (mut conn, _dir) = fresh().await;
    let again = db::streams::NewStream {
        code: "WMO",
        name: "Wmo 2015",
        kind: StreamKind::Internal,
        taakveld: Some("6.71d"),
        cost_centre: "KP-1",
        ledger_account: "4400",
        holds_reservation: true,
        active: true,
    };
    assert!(
        !db::streams::insert(&mut conn, &again).await.expect("q"),
        "codes are unique"
    );
    let wmo = db::streams::get(&mut conn, "WMO")
        .await
        .expect("q")
        .expect("wmo");
    assert!(
        db::streams::update(&mut conn, &again, wmo.version)
            .await
            .expect("q")
    );
    assert!(
        !db::streams::update(&mut conn, &again, wmo.version)
            .await
            .expect("q"),
        "stale"
    );
    let wmo = db::streams::get(&mut conn, "WMO")
        .await
        .expect("q")
        .expect("wmo");
    assert_eq!(
        (
            wmo.stream.name.as_str(),
            wmo.stream.accounting.cost_centre.as_str(),
            wmo.version
        ),
        ("Wmo 2015", "KP-1", 2)
    );
    // The schema keeps one reservation stream.
    let second = db::streams::NewStream {
        code: "PW",
        ..again
    };
    assert!(db::streams::insert(&mut conn, &second).await.is_err());
    assert_eq!(db::streams::list(&mut conn).await.expect("q").len(), 2);
    assert_eq!(
        db::streams::taakvelden(&mut conn).await.expect("q").len(),
        1
    );
}

#[tokio::test]
async fn catalogue_prices_follow_each_other_and_index_once() {
    let (mut conn, _dir) = fresh().await;
    let item = |code, price: Option<(Money, String)>| db::catalogue::ImportItem {
        code,
        name: "Beschermd wonen",
        unit: "day",
        unit_label: "per etmaal",
        stream: Some("WMO"),
        choices: "",
        benchmark: false,
        source: "",
        confidence: "",
        price,
    };
    let priced = db::catalogue::insert(
        &mut conn,
        &item("A-1", Some((m("100"), "2025-01-01".into()))),
    )
    .await
    .expect("insert");
    let unpriced = db::catalogue::insert(&mut conn, &item("A-2", None))
        .await
        .expect("insert");
    let a2 = db::catalogue::get(&mut conn, unpriced, "2026-06-01")
        .await
        .expect("q")
        .expect("a2");
    assert!(!a2.active && a2.price.is_none(), "no price: inactive");
    db::catalogue::add_price(&mut conn, priced, "2026-01-01", "2025-12-31", 11_000)
        .await
        .expect("price");
    let a1 = db::catalogue::get(&mut conn, priced, "2026-06-01")
        .await
        .expect("q")
        .expect("a1");
    assert_eq!(a1.price, Some(m("110")));
    let periods: Vec<(&str, Option<&str>)> = a1
        .prices
        .iter()
        .map(|p| (p.valid_from.as_str(), p.valid_to.as_deref()))
        .collect();
    assert_eq!(
        periods,
        vec![("2025-01-01", Some("2025-12-31")), ("2026-01-01", None)]
    );
    let old = db::catalogue::get(&mut conn, priced, "2025-06-01")
        .await
        .expect("q")
        .expect("a1");
    assert_eq!(old.price, Some(m("100")));
    assert_eq!(
        db::catalogue::latest_price_start(&mut conn, priced)
            .await
            .expect("q")
            .as_deref(),
        Some("2026-01-01")
    );
    // Candidates for 2027: the active, priced item only; none once it has a 2027 price.
    assert_eq!(
        db::catalogue::to_index(&mut conn, "2026-12-31", "2027-01-01")
            .await
            .expect("q"),
        vec![(priced, 11_000)]
    );
    db::catalogue::add_price(&mut conn, priced, "2027-01-01", "2026-12-31", 11_352)
        .await
        .expect("price");
    assert!(
        db::catalogue::to_index(&mut conn, "2026-12-31", "2027-01-01")
            .await
            .expect("q")
            .is_empty()
    );
    let (found, total) = db::catalogue::search(&mut conn, "a-", "2026-06-01", 0, 1)
        .await
        .expect("q");
    assert_eq!((found.len(), total), (1, 2), "paged, with the total");
    let (found, total) = db::catalogue::search(&mut conn, "%", "2026-06-01", 0, 10)
        .await
        .expect("q");
    assert_eq!((found.len(), total), (0, 0), "LIKE wildcards are literal");
    // What a canvas line may use: the active unit costs at a date.
    let offered = db::catalogue::priced_on(&mut conn, "2026-06-01")
        .await
        .expect("q");
    assert!(
        offered
            .iter()
            .any(|o| o.code == "A-1" && o.name == "Beschermd wonen")
    );
    assert!(offered.iter().all(|o| o.code != "A-2"), "inactive");
    // A multi-stream item has no stream of its own; a benchmark is never offered.
    let multi = db::catalogue::ImportItem {
        code: "MUL-01",
        stream: None,
        choices: "WMO,JW",
        ..item(
            "MUL-01",
            Some((Money::from_euros(104_000).expect("m"), "2025-01-01".into())),
        )
    };
    db::catalogue::insert(&mut conn, &multi)
        .await
        .expect("multi");
    let benchmark = db::catalogue::ImportItem {
        code: "MUL-03",
        benchmark: true,
        ..item(
            "MUL-03",
            Some((Money::from_euros(30_000).expect("m"), "2025-01-01".into())),
        )
    };
    db::catalogue::insert(&mut conn, &benchmark)
        .await
        .expect("benchmark");
    let offered = db::catalogue::priced_on(&mut conn, "2026-06-01")
        .await
        .expect("q");
    let family = offered
        .iter()
        .find(|o| o.code == "MUL-01")
        .expect("offered");
    assert_eq!(
        (family.stream.clone(), family.choices.clone()),
        (None, vec!["WMO".to_string(), "JW".to_string()])
    );
    assert!(offered.iter().all(|o| o.code != "MUL-03"));
    assert_eq!(
        db::catalogue::benchmark_codes(&mut conn).await.expect("q"),
        ["MUL-03"]
    );
    // Without a stream and without choices, the database refuses the row.
    let neither = db::catalogue::ImportItem {
        code: "X-1",
        stream: None,
        ..item("X-1", None)
    };
    assert!(db::catalogue::insert(&mut conn, &neither).await.is_err());
}

#[tokio::test]
async fn mandates_rerank_and_years_are_funded_once_per_key() {
    let (mut conn, _dir) = fresh().await;
    let level = |code: &str, limit: Option<i64>| MandateLevel {
        code: code.into(),
        name: code.into(),
        limit: limit.map(|e| Money::from_euros(e).expect("m")),
    };
    db::mandates::replace(&mut conn, &[level("a", Some(100)), level("c", None)])
        .await
        .expect("mandates");
    db::mandates::replace(
        &mut conn,
        &[
            level("a", Some(100)),
            level("b", Some(500)),
            level("c", None),
        ],
    )
    .await
    .expect("rerank");
    let table = db::mandates::mandates(&mut conn).await.expect("q");
    let codes: Vec<&str> = table.levels().iter().map(|l| l.code.as_str()).collect();
    assert_eq!(codes, ["a", "b", "c"]);

    assert!(
        db::budget_years::create_year(&mut conn, 2027, false, NOW)
            .await
            .expect("q")
    );
    assert!(
        !db::budget_years::create_year(&mut conn, 2027, true, NOW)
            .await
            .expect("q")
    );
    let date = chrono::NaiveDate::from_ymd_opt(2027, 1, 2).expect("date");
    for _ in 0..2 {
        db::budget_years::fund(&mut conn, 2027, m("1.000"), "fund-2027-a", date, NOW, None)
            .await
            .expect("fund");
    }
    db::budget_years::fund(&mut conn, 2027, m("500"), "fund-2027-b", date, NOW, None)
        .await
        .expect("fund");
    let years = db::budget_years::years(&mut conn).await.expect("q");
    assert_eq!(years.len(), 1);
    assert_eq!(years[0].reservation, m("1.500"));
    assert_eq!(years[0].position.funded, m("1.500"));
    assert_eq!(years[0].position.available, m("1.500"));
    assert_eq!(
        db::budget_years::year_numbers(&mut conn).await.expect("q"),
        vec![2027]
    );
}

async fn case(conn: &mut SqliteConnection, n: i64, team: i64, author: i64, cents: i64) -> i64 {
    let id = db::cases::create(
        conn,
        &format!("DB-2026-{n:04}"),
        team,
        author,
        &format!("2026-11-{:02}T10:00:00.000Z", n % 28 + 1),
    )
    .await
    .expect("case");
    let canvas = Canvas::new_draft(Horizon::DEFAULT);
    let mut calc =
        doorbraak::returns::calculate_canvas(&canvas, &Default::default()).expect("calc");
    calc.investment = Money::from_cents(cents).expect("m");
    db::cases::insert_canvas(conn, id, 1, &canvas, &calc, author, NOW)
        .await
        .expect("canvas");
    id
}

#[tokio::test]
async fn case_lists_filter_by_team_and_mandate_page_and_count() {
    let (mut conn, _dir) = fresh().await;
    let north = db::teams::create(&mut *conn, "Noord", NOW)
        .await
        .expect("q")
        .expect("team");
    let south = db::teams::create(&mut *conn, "Zuid", NOW)
        .await
        .expect("q")
        .expect("team");
    let pim = db::users::create(&mut *conn, "pim", "Pim", HASH, None, NOW)
        .await
        .expect("q")
        .expect("id");
    let lead = db::users::create(&mut *conn, "tes", "Tes", HASH, None, NOW)
        .await
        .expect("q")
        .expect("id");
    let mut ids = Vec::new();
    for n in 0..7 {
        let (team, author) = if n == 6 {
            (south, pim)
        } else {
            (north, if n == 5 { lead } else { pim })
        };
        let id = case(&mut conn, n, team, author, 1_000 * (n + 1)).await;
        assert!(
            db::cases::set_status(
                &mut conn,
                id,
                1,
                Status::Submitted,
                Some("submitted_at"),
                &format!("2026-11-22T10:00:0{n}.000Z")
            )
            .await
            .expect("status")
        );
        ids.push(id);
    }
    let list = |teams: Option<&'static [i64]>, decidable| db::cases::CaseFilter {
        reference: None,
        statuses: &[Status::Submitted],
        scope: match teams {
            Some(teams) => db::cases::Scope {
                scope: CaseScope::OwnTeams,
                teams,
            },
            None => db::cases::Scope {
                scope: CaseScope::AllTeams,
                teams: &[],
            },
        },
        decidable,
    };
    let teams: &'static [i64] = Box::leak(vec![north].into_boxed_slice());
    let page = db::cases::list(&mut conn, &list(Some(teams), None), 0, 4)
        .await
        .expect("q");
    assert!(page.has_more, "six cases, four per page");
    assert_eq!(page.cases.len(), 4);
    assert_eq!(page.cases[0].id, ids[5], "newest change first");
    assert_eq!(
        page.cases[0].investment,
        Money::from_cents(6_000).expect("m"),
        "totals from the case row"
    );
    let second = db::cases::list(&mut conn, &list(Some(teams), None), 1, 4)
        .await
        .expect("q");
    assert_eq!((second.cases.len(), second.has_more), (2, false));
    // The lead decides up to € 30 and never their own canvas (n = 5).
    let level = |code: &str, euros: Option<i64>| MandateLevel {
        code: code.into(),
        name: code.into(),
        limit: euros.map(|e| Money::from_euros(e).expect("m")),
    };
    db::mandates::replace(&mut conn, &[level("lead", Some(30)), level("top", None)])
        .await
        .expect("mandates");
    let decider = db::cases::Decider {
        user_id: lead,
        mandate_level: Some("lead"),
    };
    let inside = db::cases::list(&mut conn, &list(None, Some((decider, true))), 0, 50)
        .await
        .expect("q");
    let inside_ids: Vec<i64> = inside.cases.iter().map(|c| c.id).collect();
    assert_eq!(inside_ids, vec![ids[2], ids[1], ids[0]]);
    let outside = db::cases::list(&mut conn, &list(None, Some((decider, false))), 0, 50)
        .await
        .expect("q");
    assert_eq!((outside.cases.len(), outside.has_more), (4, false));
    let top = db::cases::Decider {
        user_id: lead,
        mandate_level: Some("top"),
    };
    let all = db::cases::list(&mut conn, &list(None, Some((top, true))), 0, 50)
        .await
        .expect("q");
    assert_eq!(all.cases.len(), 6, "unlimited, but never the own canvas");
    for level in [None, Some("unknown")] {
        let none = db::cases::Decider {
            user_id: lead,
            mandate_level: level,
        };
        let list = db::cases::list(&mut conn, &list(None, Some((none, true))), 0, 50)
            .await
            .expect("q");
        assert!(list.cases.is_empty(), "{level:?} decides nothing");
    }
    let empty: &'static [i64] = &[];
    assert_eq!(
        db::cases::list(&mut conn, &list(Some(empty), None), 0, 50)
            .await
            .expect("q")
            .cases
            .len(),
        0
    );
    // Every team's cases, but never another team's draft: the core's rule in SQL.
    let south_draft = case(&mut conn, 7, south, pim, 1_000).await;
    let everything = |teams: &'static [i64]| db::cases::CaseFilter {
        reference: None,
        statuses: &Status::ALL,
        scope: db::cases::Scope {
            scope: CaseScope::AllTeams,
            teams,
        },
        decidable: None,
    };
    let seen = |list: app::model::CaseList| list.cases.iter().any(|c| c.id == south_draft);
    let for_north = db::cases::list(&mut conn, &everything(teams), 0, 50)
        .await
        .expect("q");
    assert!(!seen(for_north), "another team's draft is hidden");
    let south_teams: &'static [i64] = Box::leak(vec![south].into_boxed_slice());
    let for_south = db::cases::list(&mut conn, &everything(south_teams), 0, 50)
        .await
        .expect("q");
    assert!(seen(for_south), "the own team's draft is shown");
    // The case page's data comes in one query.
    let full = db::cases::full(&mut conn, ids[6], 2026)
        .await
        .expect("q")
        .expect("case");
    assert_eq!(
        (full.case.team_id, full.requested.cents(), full.paid.cents()),
        (south, 7_000, 0)
    );
    assert_eq!(full.history.versions.len(), 1);
    assert!(full.history.events.is_empty() && full.history.payments.is_empty());
    assert!(
        db::cases::full(&mut conn, 999_999, 2026)
            .await
            .expect("q")
            .is_none()
    );
}

#[tokio::test]
async fn templates_are_unique_per_team_and_offered_to_that_team_only() {
    let (mut conn, _dir) = fresh().await;
    let north = db::teams::create(&mut *conn, "Noord", NOW)
        .await
        .expect("q")
        .expect("team");
    let south = db::teams::create(&mut *conn, "Zuid", NOW)
        .await
        .expect("q")
        .expect("team");
    let pim = db::users::create(&mut *conn, "pim", "Pim", HASH, None, NOW)
        .await
        .expect("q")
        .expect("id");
    let line = doorbraak::canvas::ScenarioLine::new(doorbraak::canvas::ScenarioLineFields {
        stream: StreamCode::WMO,
        item: doorbraak::canvas::LineItem::Free {
            description: "Opvang".into(),
            reason: "test".into(),
        },
        unit: doorbraak::catalogue::Unit::PerMonth,
        quantity: doorbraak::canvas::Quantity::one(),
        unit_price: m("100"),
        probability: doorbraak::Percentage::HUNDRED,
        start_month: 1,
        duration_months: 3,
    })
    .expect("line");
    let lines = db::templates::Lines {
        threatening: vec![line.clone(), line],
        realistic: vec![],
    };
    let id = db::templates::insert(&mut conn, north, "Uitzetting", &lines, pim, NOW)
        .await
        .expect("q")
        .expect("id");
    assert_eq!(
        db::templates::insert(&mut conn, north, "Uitzetting", &lines, pim, NOW)
            .await
            .expect("q"),
        None
    );
    assert!(
        db::templates::insert(&mut conn, south, "Uitzetting", &lines, pim, NOW)
            .await
            .expect("q")
            .is_some()
    );
    let back = db::templates::template_lines(&mut conn, id, &[north])
        .await
        .expect("q")
        .expect("lines");
    assert_eq!(back.threatening.len(), 2);
    assert!(
        db::templates::template_lines(&mut conn, id, &[south])
            .await
            .expect("q")
            .is_none()
    );
    let offered = db::templates::sources(&mut conn, &[north], 0)
        .await
        .expect("q");
    assert_eq!(offered.len(), 1);
    assert_eq!(offered[0].key, app::model::SourceKey::Template(id));
    assert_eq!(offered[0].key.to_string(), format!("sjabloon-{id}"));
    assert_eq!((offered[0].threatening, offered[0].realistic), (2, 0));
    assert!(
        offered[0].label_nl().contains("2 + 0 regels"),
        "{}",
        offered[0].label_nl()
    );
}
