//! HTTP tests of the administrator's configuration: streams, mandate levels,
//! budget years, the default horizon and the catalogue with its prices.
//! Bad input gets a Dutch message next to its field and changes nothing.

use app::api::setup::{CataloguePage, SetupView};
use app::error::AppError;
use app::model::CatalogueItemView;
use doorbraak::Money;
use reqwest::StatusCode;

use crate::common::{Reply, S, spawn};

fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn refused_at(reply: &Reply, status: StatusCode, field: &str) -> String {
    assert_eq!(reply.status, status, "{}", reply.body);
    let error = reply.error();
    error
        .for_field(field)
        .unwrap_or_else(|| panic!("expected a message for {field}: {error:?}"))
}

async fn setup(s: &S, admin: &str) -> SetupView {
    s.call(admin, "setup", &[]).await.ok()
}

fn m(s: &str) -> Money {
    Money::parse(s).expect("amount")
}

#[tokio::test]
async fn streams_are_configured_with_their_accounting_codes() {
    let s = spawn().await;
    let admin = s.login("beheer").await;
    let view = setup(&s, &admin).await;
    assert_eq!(view.streams.len(), 9);
    assert!(view.taakvelden.iter().any(|t| t.code == "6.71d"));
    assert_eq!(view.horizon_months, 12);

    let stream = |pairs: &[(&str, &str)]| form(pairs);
    let new_ggz = stream(&[
        ("input[code]", "ggz"),
        ("input[name]", "GGZ-instelling"),
        ("input[kind]", "external"),
        ("input[taakveld]", ""),
    ]);
    let code: String = s.submit(&admin, "save_stream", &new_ggz).await.ok();
    assert_eq!(code, "GGZ", "codes are upper case");
    let again = s.submit(&admin, "save_stream", &new_ggz).await;
    assert_eq!(
        refused_at(&again, StatusCode::UNPROCESSABLE_ENTITY, "code"),
        "Deze code bestaat al."
    );

    let before = s.count("SELECT count(*) FROM streams").await;
    let bad: [(&[(&str, &str)], &str); 5] = [
        (
            &[
                ("input[code]", "G G!"),
                ("input[name]", "x"),
                ("input[kind]", "internal"),
                ("input[taakveld]", "6.3"),
            ],
            "code",
        ),
        (
            &[
                ("input[code]", "SOC"),
                ("input[name]", " "),
                ("input[kind]", "internal"),
                ("input[taakveld]", "6.3"),
            ],
            "name",
        ),
        (
            &[
                ("input[code]", "SOC"),
                ("input[name]", "Sociaal"),
                ("input[kind]", "internal"),
                ("input[taakveld]", ""),
            ],
            "taakveld",
        ),
        (
            &[
                ("input[code]", "SOC"),
                ("input[name]", "Sociaal"),
                ("input[kind]", "internal"),
                ("input[taakveld]", "9.99"),
            ],
            "taakveld",
        ),
        (
            &[
                ("input[code]", "SOC"),
                ("input[name]", "Dossier 111222333"),
                ("input[kind]", "internal"),
                ("input[taakveld]", "6.3"),
            ],
            "name",
        ),
    ];
    for (pairs, field) in bad {
        let reply = s.submit(&admin, "save_stream", &stream(pairs)).await;
        refused_at(&reply, StatusCode::UNPROCESSABLE_ENTITY, field);
    }
    assert_eq!(s.count("SELECT count(*) FROM streams").await, before);

    // Changing a stream: accounting codes; a stale form is refused.
    let pw = setup(&s, &admin)
        .await
        .streams
        .into_iter()
        .find(|s| s.stream.code.as_str() == "PW")
        .expect("PW");
    let version = pw.version.to_string();
    let change = stream(&[
        ("input[code]", "PW"),
        ("input[version]", &version),
        ("input[name]", "Participatiewet (BUIG)"),
        ("input[taakveld]", "6.3"),
        ("input[cost_centre]", "KP-6300"),
        ("input[ledger_account]", "4410"),
        ("input[active]", "on"),
    ]);
    let _: String = s.submit(&admin, "save_stream", &change).await.ok();
    let stale = s.submit(&admin, "save_stream", &change).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    let pw = setup(&s, &admin)
        .await
        .streams
        .into_iter()
        .find(|s| s.stream.code.as_str() == "PW")
        .expect("PW");
    assert_eq!(
        (
            pw.stream.name.as_str(),
            pw.stream.accounting.cost_centre.as_str(),
            pw.stream.accounting.ledger_account.as_str()
        ),
        ("Participatiewet (BUIG)", "KP-6300", "4410")
    );

    // The reservation stream stays active; a stream with catalogue items too.
    for code in ["WMO", "JW"] {
        let current = setup(&s, &admin)
            .await
            .streams
            .into_iter()
            .find(|s| s.stream.code.as_str() == code)
            .expect("stream");
        let version = current.version.to_string();
        let taakveld = current.stream.accounting.taakveld.clone();
        let off = stream(&[
            ("input[code]", code),
            ("input[version]", &version),
            ("input[name]", &current.stream.name),
            ("input[taakveld]", &taakveld),
        ]);
        let reply = s.submit(&admin, "save_stream", &off).await;
        refused_at(&reply, StatusCode::UNPROCESSABLE_ENTITY, "active");
    }
    assert_eq!(
        s.count("SELECT count(*) FROM audit_events WHERE action LIKE 'stream_%'")
            .await,
        2
    );
    // Not for other roles.
    let prof = s.login("professional").await;
    assert_eq!(
        s.submit(&prof, "save_stream", &new_ggz).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn mandate_levels_stay_a_valid_ladder() {
    let s = spawn().await;
    let admin = s.login("beheer").await;
    let level = |code: &str, name: &str, limit: &str| {
        form(&[("code", code), ("name", name), ("limit", limit)])
    };
    let raise = s
        .submit(
            &admin,
            "save_mandate_level",
            &level("teamleider", "Teamleider", "3.000,00"),
        )
        .await;
    assert_eq!(raise.status, StatusCode::OK, "{}", raise.body);
    let added = s
        .submit(
            &admin,
            "save_mandate_level",
            &level("coordinator", "Coördinator", "5.000"),
        )
        .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    let levels = setup(&s, &admin).await.mandates;
    let ladder: Vec<(&str, Option<Money>)> =
        levels.iter().map(|l| (l.code.as_str(), l.limit)).collect();
    assert_eq!(
        ladder,
        vec![
            ("teamleider", Some(m("3.000"))),
            ("coordinator", Some(m("5.000"))),
            ("projectleider", Some(m("10.000"))),
            ("manager", None),
        ]
    );
    let before = setup(&s, &admin).await.mandates;
    for (code, name, limit, field) in [
        ("manager", "Manager", "50.000", "limit"), // the top must stay unlimited
        ("teamleider", "Teamleider", "", "limit"), // two unlimited levels
        ("teamleider", "Teamleider", "-5", "limit"),
        ("teamleider", "Teamleider", "0", "limit"),
        ("teamleider", "Teamleider", "12,345", "limit"),
        ("Team Leider", "x", "100", "code"),
        ("teamleider", "", "100", "name"),
    ] {
        let reply = s
            .submit(&admin, "save_mandate_level", &level(code, name, limit))
            .await;
        refused_at(&reply, StatusCode::UNPROCESSABLE_ENTITY, field);
    }
    assert_eq!(setup(&s, &admin).await.mandates, before);
    // The new level can be given to a user; an unknown one cannot.
    let users: Vec<app::model::UserRecord> = s.call(&admin, "users", &[]).await.ok();
    let lead = users
        .iter()
        .find(|u| u.username == "teamleider")
        .expect("lead");
    let save = |mandate: &str| {
        let mut f = form(&[
            ("input[id]", &lead.id.to_string()),
            ("input[version]", &lead.version.to_string()),
            ("input[username]", "teamleider"),
            ("input[display_name]", &lead.display_name),
            ("input[mandate_level]", mandate),
            ("input[roles][0]", "approver"),
        ]);
        for (i, t) in lead.team_ids.iter().enumerate() {
            f.push((format!("input[teams][{i}]"), t.to_string()));
        }
        f
    };
    let unknown = s.submit(&admin, "save_user", &save("directeur")).await;
    refused_at(&unknown, StatusCode::UNPROCESSABLE_ENTITY, "mandate_level");
    let known = s.submit(&admin, "save_user", &save("coordinator")).await;
    assert_eq!(known.status, StatusCode::OK, "{}", known.body);
}

#[tokio::test]
async fn the_default_horizon_applies_to_new_canvases() {
    let s = spawn().await;
    let admin = s.login("beheer").await;
    for bad in ["0", "121", "twaalf", "-3", ""] {
        let reply = s
            .submit(&admin, "set_default_horizon", &form(&[("months", bad)]))
            .await;
        refused_at(&reply, StatusCode::UNPROCESSABLE_ENTITY, "months");
    }
    let ok = s
        .submit(&admin, "set_default_horizon", &form(&[("months", "24")]))
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(setup(&s, &admin).await.horizon_months, 24);
    let prof = s.login("professional").await;
    let choices: app::api::cases::CaseChoices = s.call(&prof, "case_options", &[]).await.ok();
    let team = choices.teams[0].id.to_string();
    let id: i64 = s
        .submit(&prof, "create_case", &form(&[("team_id", &team)]))
        .await
        .ok();
    assert_eq!(s.case(&prof, id).await.canvas.horizon.get(), 24);
}

#[tokio::test]
async fn the_catalogue_is_edited_and_gets_a_new_years_prices() {
    let s = spawn().await;
    let admin = s.login("beheer").await;
    let page: CataloguePage = s
        .submit(
            &admin,
            "catalogue_items",
            &form(&[("search", "JW-"), ("page", "0")]),
        )
        .await
        .ok();
    assert!(page.total > 0 && page.items.iter().all(|i| i.code.contains("JW-")));
    let all: CataloguePage = s
        .submit(
            &admin,
            "catalogue_items",
            &form(&[("search", ""), ("page", "0")]),
        )
        .await
        .ok();
    let inactive_before = s
        .count("SELECT count(*) FROM catalogue_items WHERE active = 0")
        .await;

    // A new item without a price stays inactive until it gets one.
    let new = form(&[
        ("input[code]", "eig-01"),
        ("input[name]", "Budgetcoach, traject"),
        ("input[unit]", "one_off"),
        ("input[stream]", "WGS"),
    ]);
    let id: i64 = s.submit(&admin, "save_catalogue_item", &new).await.ok();
    let item: CatalogueItemView = s
        .submit(&admin, "catalogue_item", &form(&[("id", &id.to_string())]))
        .await
        .ok();
    assert_eq!(
        (item.code.as_str(), item.active, item.price),
        ("EIG-01", false, None)
    );
    let edit = |item: &CatalogueItemView, active: bool| {
        let mut f = form(&[
            ("input[id]", &item.id.to_string()),
            ("input[version]", &item.version.to_string()),
            ("input[name]", &item.name),
            ("input[unit]", &item.unit),
            ("input[stream]", item.stream.as_deref().unwrap_or("")),
        ]);
        if active {
            f.push(("input[active]".to_string(), "on".to_string()));
        }
        f
    };
    let unpriced = s
        .submit(&admin, "save_catalogue_item", &edit(&item, true))
        .await;
    refused_at(&unpriced, StatusCode::UNPROCESSABLE_ENTITY, "active");
    let price = |from: &str, amount: &str| {
        form(&[
            ("item_id", &id.to_string()),
            ("valid_from", from),
            ("price", amount),
        ])
    };
    let priced = s
        .submit(
            &admin,
            "add_catalogue_price",
            &price("2026-01-01", "1.250,00"),
        )
        .await;
    assert_eq!(priced.status, StatusCode::OK, "{}", priced.body);
    let item: CatalogueItemView = s
        .submit(&admin, "catalogue_item", &form(&[("id", &id.to_string())]))
        .await
        .ok();
    assert_eq!((item.active, item.price), (true, Some(m("1.250"))));
    // The old version of the form is stale now.
    let stale = s
        .submit(
            &admin,
            "save_catalogue_item",
            &edit(
                &CatalogueItemView {
                    version: item.version - 1,
                    ..item.clone()
                },
                true,
            ),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    for (from, amount, field) in [
        ("2025-06-01", "1,00", "valid_from"), // before the latest price
        ("2026-01-01", "1,00", "valid_from"), // the same start
        ("31-12-2027", "1,00", "valid_from"),
        ("2027-01-01", "-1,00", "price"),
        ("2027-01-01", "1,234", "price"),
    ] {
        let reply = s
            .submit(&admin, "add_catalogue_price", &price(from, amount))
            .await;
        refused_at(&reply, StatusCode::UNPROCESSABLE_ENTITY, field);
    }
    for (pairs, field) in [
        (
            vec![
                ("input[code]", "X 1"),
                ("input[name]", "x"),
                ("input[unit]", "day"),
                ("input[stream]", "WMO"),
            ],
            "code",
        ),
        (
            vec![
                ("input[code]", "X-1"),
                ("input[name]", "x"),
                ("input[unit]", "fortnight"),
                ("input[stream]", "WMO"),
            ],
            "unit",
        ),
        (
            vec![
                ("input[code]", "X-1"),
                ("input[name]", "x"),
                ("input[unit]", "day"),
                ("input[stream]", "NOPE"),
            ],
            "stream",
        ),
        (
            vec![
                ("input[code]", "EIG-01"),
                ("input[name]", "x"),
                ("input[unit]", "day"),
                ("input[stream]", "WMO"),
            ],
            "code",
        ),
        (
            vec![
                ("input[code]", "X-1"),
                ("input[name]", "x"),
                ("input[unit]", "day"),
                ("input[stream]", "WMO"),
                ("input[price]", "-3"),
            ],
            "price",
        ),
    ] {
        let reply = s.submit(&admin, "save_catalogue_item", &form(&pairs)).await;
        refused_at(&reply, StatusCode::UNPROCESSABLE_ENTITY, field);
    }
    assert_eq!(
        s.count("SELECT count(*) FROM catalogue_items WHERE code = 'X-1'")
            .await,
        0
    );

    // A new year's prices: every active priced item, once.
    let index = |pct: &str| form(&[("year", "2027"), ("percentage", pct)]);
    for bad in ["80", "drie", ""] {
        let reply = s.submit(&admin, "index_catalogue", &index(bad)).await;
        refused_at(&reply, StatusCode::UNPROCESSABLE_ENTITY, "percentage");
    }
    let active_priced = s
        .count("SELECT count(*) FROM catalogue_items i WHERE i.active = 1 AND EXISTS (SELECT 1 FROM catalogue_prices p WHERE p.item_id = i.id)")
        .await;
    let n: i64 = s
        .submit(&admin, "index_catalogue", &index("3,2"))
        .await
        .ok();
    assert_eq!(n, active_priced);
    let again: i64 = s
        .submit(&admin, "index_catalogue", &index("3,2"))
        .await
        .ok();
    assert_eq!(again, 0, "items priced for 2027 keep their price");
    let item: CatalogueItemView = s
        .submit(&admin, "catalogue_item", &form(&[("id", &id.to_string())]))
        .await
        .ok();
    let periods: Vec<(&str, Option<&str>, Money)> = item
        .prices
        .iter()
        .map(|p| (p.valid_from.as_str(), p.valid_to.as_deref(), p.price))
        .collect();
    assert_eq!(
        periods,
        vec![
            ("2026-01-01", Some("2026-12-31"), m("1.250")),
            ("2027-01-01", None, m("1.290")),
        ]
    );
    assert_eq!(
        s.count("SELECT count(*) FROM catalogue_items WHERE active = 0")
            .await,
        inactive_before,
        "indexing activates nothing"
    );
    assert!(all.total >= page.total);
    let unknown = s
        .submit(&admin, "catalogue_item", &form(&[("id", "999999")]))
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let _: AppError = unknown.error();
}
