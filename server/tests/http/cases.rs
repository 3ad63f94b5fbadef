//! HTTP tests of the path from canvas to payment: the real server, a fresh
//! database with the demo configuration, called as each role would.

use crate::common;
use doorbraak::Money;
use reqwest::StatusCode;
use reqwest::header::COOKIE;

use crate::common::{S, canvas, new_case, refs, spawn};

#[tokio::test]
async fn the_whole_path_from_canvas_to_settlement_books_exact_amounts() {
    let s = spawn().await;
    let prof = s.login("professional").await;
    let lead = s.login("teamleider").await;
    let back = s.login("backoffice").await;
    let year = chrono::Datelike::year(&doorbraak::dates::dutch_today(chrono::Utc::now()));
    let before: app::api::fund::FundView = s
        .call(&back, "fund_overview", &[("year", year.to_string())])
        .await
        .ok();
    let before = before.position;

    let id = new_case(&s, &prof).await;
    let view = s.case(&prof, id).await;
    assert!(view.reference.starts_with(&format!("DB-{year}-")));
    let saved: app::api::cases::SavedCanvas = s
        .call(&prof, "save_canvas", &refs(&canvas(id, view.canvas_edits)))
        .await
        .ok();
    let calc = saved.calculation;
    // 41 × 3 × 365/12 × 9 = 33.671,25 (Wmo); the realistic scenario costs the Wmo nothing
    assert_eq!(
        calc.per_stream[&doorbraak::StreamCode::WMO].avoided,
        Money::parse("33.671,25").expect("m")
    );
    // 156,33 × 365/12 × 3 = 14.265,11 (Jeugdwet)
    assert_eq!(
        calc.per_stream[&doorbraak::StreamCode::JEUGDWET].avoided,
        Money::parse("14.265,11").expect("m")
    );
    // 1.401,50 × 9 = 12.613,50 (Participatiewet); WGS −1.500; corporation 7.500
    assert_eq!(
        calc.per_stream[&doorbraak::StreamCode::PARTICIPATIEWET].avoided,
        Money::parse("12.613,50").expect("m")
    );
    assert_eq!(calc.total_avoided, Money::parse("66.549,86").expect("m"));
    assert_eq!(calc.investment, Money::parse("2.500").expect("m"));
    assert_eq!(
        calc.ratio_sentence(),
        "elke geïnvesteerde euro levert € 26,62 op"
    );

    // A second save with the old counter is stale and changes nothing.
    let stale = s
        .call(&prof, "save_canvas", &refs(&canvas(id, view.canvas_edits)))
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);

    let view = s.case(&prof, id).await;
    assert_eq!(
        s.call(
            &prof,
            "submit_case",
            &[
                ("case_id", id.to_string()),
                ("version", view.version.to_string())
            ]
        )
        .await
        .status,
        StatusCode::OK
    );
    let queue = |decidable: bool| {
        let s = &s;
        let lead = &lead;
        async move {
            let list: app::model::CaseList = s
                .call(
                    lead,
                    "approval_queue",
                    &[("decidable", decidable.to_string()), ("page", "0".into())],
                )
                .await
                .ok();
            list.cases.iter().map(|c| c.id).collect::<Vec<_>>()
        }
    };
    assert!(queue(true).await.contains(&id));
    assert!(!queue(false).await.contains(&id));

    let view = s.case(&lead, id).await;
    // The approver sees this year's available fund with the canvas; others do not.
    let (year, available) = view.fund_available.expect("the fund comes with the case");
    assert!(view.may_decide, "the team lead may decide");
    assert_eq!(year, chrono::Datelike::year(&chrono::Utc::now()));
    let position: app::api::fund::FundView = s.call(&back, "fund_overview", &[]).await.ok();
    assert_eq!(available, position.position.available);
    assert_eq!(s.case(&prof, id).await.fund_available, None);
    let decide = |reason: &str, version: i64| {
        vec![
            ("case_id", id.to_string()),
            ("version", version.to_string()),
            ("decision", "approve".to_string()),
            ("reason", reason.to_string()),
        ]
    };
    let no_reason = s
        .call(&lead, "decide_case", &decide(" ", view.version))
        .await;
    assert_eq!(
        no_reason.error().for_field("reason").as_deref(),
        Some("Geef een reden op.")
    );
    assert_eq!(
        s.call(
            &lead,
            "decide_case",
            &decide("Akkoord: ruim rendement", view.version)
        )
        .await
        .status,
        StatusCode::OK
    );
    // A double click on approve books nothing twice.
    let again = s
        .call(
            &lead,
            "decide_case",
            &decide("Akkoord: ruim rendement", view.version),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let holds = s
        .count(&format!(
            "SELECT count(*) FROM ledger_transactions WHERE kind = 'hold' AND case_id = {id}"
        ))
        .await;
    assert_eq!(holds, 1);

    // The case page itself renders for each role that may see it (no stray 403 from a role-specific part).
    for session in [&prof, &lead, &back] {
        let page = s
            .http
            .get(format!("{}/casussen/{id}", s.base))
            .header(COOKIE, session.as_str())
            .send()
            .await
            .expect("page");
        assert_eq!(page.status(), StatusCode::OK);
    }
    let view = s.case(&back, id).await;
    assert!(view.canvas_frozen, "an approved canvas is frozen");
    assert_eq!(view.held, Money::parse("2.500").expect("m"));
    let pay = |amount: &str, token: &str| {
        vec![
            ("case_id", id.to_string()),
            ("amount", amount.to_string()),
            (
                "paid_on",
                doorbraak::dates::dutch_today(chrono::Utc::now())
                    .format("%Y-%m-%d")
                    .to_string(),
            ),
            ("supplier", "Woningcorporatie".to_string()),
            ("reference", "F-2026-001".to_string()),
            ("token", token.to_string()),
        ]
    };
    let token_a: String = s.call(&back, "payment_token", &[]).await.ok();
    let token_b: String = s.call(&back, "payment_token", &[]).await.ok();
    assert_eq!(
        s.call(&back, "register_payment", &pay("1.800,00", &token_a))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        s.call(&back, "register_payment", &pay("1.800,00", &token_a))
            .await
            .status,
        StatusCode::OK,
        "a double submit is accepted once"
    );
    let too_much = s
        .call(&back, "register_payment", &pay("800,00", &token_b))
        .await;
    assert!(
        too_much.error().for_field("amount").is_some(),
        "more than the hold is refused"
    );
    assert_eq!(
        s.call(&back, "register_payment", &pay("450,50", &token_b))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        s.count(&format!(
            "SELECT count(*) FROM payments WHERE case_id = {id}"
        ))
        .await,
        2
    );

    let view = s.case(&back, id).await;
    assert_eq!(view.paid, Money::parse("2.250,50").expect("m"));
    assert_eq!(
        s.call(
            &back,
            "settle_case",
            &[
                ("case_id", id.to_string()),
                ("version", view.version.to_string())
            ]
        )
        .await
        .status,
        StatusCode::OK
    );
    let after: app::api::fund::FundView = s
        .call(&back, "fund_overview", &[("year", year.to_string())])
        .await
        .ok();
    let after = after.position;
    assert_eq!(
        after.paid.checked_sub(before.paid).ok(),
        Money::parse("2.250,50").ok()
    );
    assert_eq!(after.held, before.held);
    assert_eq!(
        before.available.checked_sub(after.available).ok(),
        Money::parse("2.250,50").ok(),
        "the unused € 249,50 returned"
    );
    assert!(after.reconciles());
    let view = s.case(&back, id).await;
    assert_eq!(view.status, doorbraak::lifecycle::Status::Settled);
    let actions: Vec<&str> = view.events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "aangemaakt",
            "indienen",
            "goedkeuren",
            "betaling registreren",
            "betaling registreren",
            "afrekenen"
        ]
    );
    common::ledger_is_consistent(&s.pool).await;
}

#[tokio::test]
async fn bad_canvas_input_gets_a_message_at_the_field_and_changes_nothing() {
    let s = spawn().await;
    let prof = s.login("professional").await;
    let id = new_case(&s, &prof).await;
    let with = |edits: i64, key: &str, value: &str| {
        let mut form = canvas(id, edits);
        for (k, v) in form.iter_mut() {
            if k == key {
                *v = value.to_string();
            }
        }
        form
    };
    // A BSN is never stored, not even in a line that is not complete.
    let edits = s.case(&prof, id).await.canvas_edits;
    for (key, value, field) in [
        (
            "canvas[situation]",
            "Moeder, BSN 111222333, woont sinds 2019 hier.",
            "situation",
        ),
        (
            "canvas[threatening][1][unit_price]",
            "111222333",
            "threatening[1][unit_price]",
        ),
    ] {
        let reply = s
            .call(&prof, "save_canvas", &refs(&with(edits, key, value)))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{key}: {}",
            reply.body
        );
        assert!(
            reply.error().for_field(field).is_some(),
            "{key}: {:?}",
            reply.error()
        );
        assert!(
            !reply.body.contains("positie"),
            "the field, not a position: {}",
            reply.body
        );
    }
    let unchanged = s.case(&prof, id).await;
    assert_eq!(unchanged.canvas_edits, edits, "nothing was saved");
    assert!(unchanged.canvas.threatening.is_empty());
    // An incomplete part never blocks the rest: the draft saves what is
    // valid and keeps the part as typed, with its problem.
    let cases = [
        (
            "canvas[threatening][0][probability]",
            "150",
            "threatening[0][probability]",
            "Dreigend scenario, regel 1",
        ),
        (
            "canvas[threatening][1][quantity]",
            "-2",
            "threatening[1][quantity]",
            "Dreigend scenario, regel 2",
        ),
        (
            "canvas[threatening][3][unit_price]",
            "99.999.999",
            "threatening[3][unit_price]",
            "Dreigend scenario, regel 4",
        ),
        (
            "canvas[threatening][3][duration]",
            "",
            "threatening[3][duration]",
            "Dreigend scenario, regel 4",
        ),
        (
            "canvas[costs][0][amount]",
            "12,345",
            "costs[0][amount]",
            "Kostenpost 1",
        ),
        (
            "canvas[threatening][2][stream]",
            "nope!",
            "threatening[2][stream]",
            "Dreigend scenario, regel 3",
        ),
        (
            "canvas[threatening][2][stream]",
            "XYZ",
            "threatening[2][stream]",
            "Dreigend scenario, regel 3",
        ),
    ];
    for (key, value, field, label) in cases {
        let edits = s.case(&prof, id).await.canvas_edits;
        let reply = s
            .call(&prof, "save_canvas", &refs(&with(edits, key, value)))
            .await;
        let saved: app::api::cases::SavedCanvas = reply.ok();
        let problem = saved
            .problems
            .iter()
            .find(|p| p.field == field)
            .unwrap_or_else(|| panic!("{key}={value}: {:?}", saved.problems));
        assert_eq!(problem.label, label);
        assert!(!problem.message.is_empty());
        let view = s.case(&prof, id).await;
        assert_eq!(view.canvas_edits, edits + 1, "{key}: saved");
        assert!(
            !view.canvas.texts.situation.is_empty(),
            "the texts are saved"
        );
        let kept = view.incomplete.expect("the form as typed is kept");
        let typed = kept
            .form
            .threatening
            .iter()
            .chain(kept.form.realistic.iter())
            .map(|l| format!("{l:?}"))
            .chain(kept.form.costs.iter().map(|c| format!("{c:?}")))
            .any(|text| text.contains(&format!("{value:?}")));
        assert!(typed || value.is_empty(), "{key}={value} is kept as typed");
        let complete = if key.contains("costs") { 5 } else { 4 };
        assert_eq!(
            view.canvas.threatening.len() + view.canvas.realistic.len(),
            complete,
            "{key}: the other lines are saved"
        );
    }
    let unchanged = s.case(&prof, id).await;
    // An incomplete canvas cannot be submitted.
    let submit = s
        .call(
            &prof,
            "submit_case",
            &[
                ("case_id", id.to_string()),
                ("version", unchanged.version.to_string()),
            ],
        )
        .await;
    let said = submit.error().to_string();
    assert!(
        said.starts_with("Het canvas is nog niet compleet")
            && said.contains("Dreigend scenario, regel 3"),
        "{said}"
    );
    // Completed, the draft is whole again and can be submitted.
    let saved: app::api::cases::SavedCanvas = s
        .call(
            &prof,
            "save_canvas",
            &refs(&canvas(id, unchanged.canvas_edits)),
        )
        .await
        .ok();
    assert!(saved.problems.is_empty(), "{:?}", saved.problems);
    let view = s.case(&prof, id).await;
    assert!(view.incomplete.is_none());
    let _: () = s
        .call(
            &prof,
            "submit_case",
            &[
                ("case_id", id.to_string()),
                ("version", view.version.to_string()),
            ],
        )
        .await
        .ok();
}

#[tokio::test]
async fn nobody_decides_outside_their_mandate_scope_or_on_another_teams_case() {
    let s = spawn().await;
    let prof = s.login("professional").await;
    let other_team = s.login("professional.zuid").await;
    let lead = s.login("teamleider").await;
    let manager = s.login("manager").await;
    let id = new_case(&s, &prof).await;
    let edits = s.case(&prof, id).await.canvas_edits;
    let mut form = canvas(id, edits);
    for (k, v) in form.iter_mut() {
        if k == "canvas[costs][0][amount]" {
            *v = "6.000".into();
        }
    }
    let _: app::api::cases::SavedCanvas = s.call(&prof, "save_canvas", &refs(&form)).await.ok();
    // Another team's professional cannot see or change it (tampered id).
    assert_eq!(
        s.call(&other_team, "case", &[("id", id.to_string())])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        s.call(&other_team, "save_canvas", &refs(&form))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let version = s.case(&prof, id).await.version;
    assert_eq!(
        s.call(
            &prof,
            "submit_case",
            &[
                ("case_id", id.to_string()),
                ("version", version.to_string())
            ]
        )
        .await
        .status,
        StatusCode::OK
    );
    let version = version + 1;
    let decide = |v: i64| {
        vec![
            ("case_id", id.to_string()),
            ("version", v.to_string()),
            ("decision", "approve".to_string()),
            ("reason", "ok".to_string()),
        ]
    };
    // € 6.000 is above the team lead's € 2.500.
    let outside = s.call(&lead, "decide_case", &decide(version)).await;
    assert_eq!(outside.status, StatusCode::CONFLICT);
    assert!(
        outside.error().to_string().contains("buiten uw mandaat"),
        "{}",
        outside.body
    );
    let queue = |decidable: bool| {
        let s = &s;
        let lead = &lead;
        async move {
            let list: app::model::CaseList = s
                .call(
                    lead,
                    "approval_queue",
                    &[("decidable", decidable.to_string()), ("page", "0".into())],
                )
                .await
                .ok();
            list.cases.iter().map(|c| c.id).collect::<Vec<_>>()
        }
    };
    assert!(queue(false).await.contains(&id));
    assert!(!queue(true).await.contains(&id));
    // A stale version is refused; the manager decides with the current one.
    assert_eq!(
        s.call(&manager, "decide_case", &decide(version - 1))
            .await
            .status,
        StatusCode::CONFLICT
    );
    let ret = vec![
        ("case_id", id.to_string()),
        ("version", version.to_string()),
        ("decision", "return".to_string()),
        ("reason", "Onderbouw de kosten".to_string()),
    ];
    assert_eq!(
        s.call(&manager, "decide_case", &ret).await.status,
        StatusCode::OK
    );
    // Returned: revising makes version 2; version 1 stays frozen.
    let v = s.case(&prof, id).await.version;
    assert_eq!(
        s.call(
            &prof,
            "revise_case",
            &[("case_id", id.to_string()), ("version", v.to_string())]
        )
        .await
        .status,
        StatusCode::OK
    );
    let view = s.case(&prof, id).await;
    assert_eq!(
        (view.canvas_version, view.status),
        (2, doorbraak::lifecycle::Status::Draft)
    );
    assert_eq!(
        view.earlier
            .iter()
            .map(|v| (v.version, v.frozen))
            .collect::<Vec<_>>(),
        [(1, true)],
        "the frozen first version is shown as an earlier version"
    );
    assert!(
        view.changes.is_empty(),
        "a fresh revision changed nothing yet"
    );
    let frozen = sqlx::query("UPDATE canvases SET body = '{}' WHERE case_id = ?1 AND version = 1")
        .bind(id)
        .execute(&s.pool)
        .await;
    assert!(
        frozen.is_err(),
        "the database refuses to change a frozen canvas"
    );
}

#[tokio::test]
async fn an_approval_the_fund_cannot_carry_is_refused_with_the_available_amount() {
    let s = spawn().await;
    let prof = s.login("professional").await;
    let manager = s.login("manager").await;
    let id = new_case(&s, &prof).await;
    let edits = s.case(&prof, id).await.canvas_edits;
    let mut form = canvas(id, edits);
    for (k, v) in form.iter_mut() {
        if k == "canvas[costs][0][amount]" {
            *v = "9.999.999,00".into();
        }
    }
    let _: app::api::cases::SavedCanvas = s.call(&prof, "save_canvas", &refs(&form)).await.ok();
    let version = s.case(&prof, id).await.version;
    s.call(
        &prof,
        "submit_case",
        &[
            ("case_id", id.to_string()),
            ("version", version.to_string()),
        ],
    )
    .await;
    let reply = s
        .call(
            &manager,
            "decide_case",
            &[
                ("case_id", id.to_string()),
                ("version", (version + 1).to_string()),
                ("decision", "approve".to_string()),
                ("reason", "ok".to_string()),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(
        reply
            .error()
            .to_string()
            .starts_with("Onvoldoende ruimte in het doorbraakbudget: beschikbaar €"),
        "{}",
        reply.body
    );
    let view = s.case(&prof, id).await;
    assert_eq!(
        view.status,
        doorbraak::lifecycle::Status::Submitted,
        "nothing changed"
    );
    assert_eq!(
        s.count(&format!("SELECT count(*) FROM holds WHERE case_id = {id}"))
            .await,
        0
    );
}

#[tokio::test]
async fn demo_data_resembles_the_reference_figures_and_reconciles() {
    let s = spawn().await;
    let statuses: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT status FROM cases ORDER BY status")
            .fetch_all(&s.pool)
            .await
            .expect("q");
    for expected in [
        "approved",
        "draft",
        "in_progress",
        "rejected",
        "returned",
        "settled",
        "submitted",
    ] {
        assert!(
            statuses.iter().any(|x| x == expected),
            "{expected} in {statuses:?}"
        );
    }
    assert_eq!(
        s.count("SELECT count(*) FROM cases").await,
        server::demo::DEMO_CASES as i64
    );
    let municipal: f64 = sqlx::query_scalar(
        "SELECT avg(x) / 100.0 FROM (SELECT sum(avoided_cents) AS x FROM canvas_returns r JOIN streams t ON t.code = r.stream_code
         WHERE t.kind = 'internal' GROUP BY case_id)",
    )
    .fetch_one(&s.pool)
    .await
    .expect("q");
    assert!(
        (14_000.0..=20_000.0).contains(&municipal),
        "≈ € 16.750 avoided per household on municipal streams, got {municipal}"
    );
    let zvw_share: f64 = sqlx::query_scalar(
        "SELECT 100.0 * sum(CASE WHEN stream_code = 'ZVW' THEN avoided_cents ELSE 0 END) / sum(avoided_cents) FROM canvas_returns",
    )
    .fetch_one(&s.pool)
    .await
    .expect("q");
    assert!(
        (3.0..=7.0).contains(&zvw_share),
        "Zvw ≈ 5 % of avoided costs, got {zvw_share}"
    );
    common::ledger_is_consistent(&s.pool).await;
    let mut conn = s.pool.acquire().await.expect("conn");
    let years: Vec<i64> = sqlx::query_scalar("SELECT year FROM budget_years")
        .fetch_all(&s.pool)
        .await
        .expect("q");
    for year in years {
        let position = app::db::ledger::position(&mut conn, year as i32)
            .await
            .expect("position");
        assert!(
            position.reconciles() && !position.available.is_negative(),
            "{year}: {position:?}"
        );
    }
}

#[tokio::test]
async fn lines_are_copied_from_a_team_template_or_an_earlier_canvas_only() {
    let s = spawn().await;
    let prof = s.login("professional").await;
    let other_team = s.login("professional.zuid").await;
    let source = new_case(&s, &prof).await;
    let edits = s.case(&prof, source).await.canvas_edits;
    let _: app::api::cases::SavedCanvas = s
        .call(&prof, "save_canvas", &refs(&canvas(source, edits)))
        .await
        .ok();
    let source_view = s.case(&prof, source).await;
    let (threatening, realistic) = (
        source_view.canvas.threatening.len(),
        source_view.canvas.realistic.len(),
    );
    assert!(threatening > 0 && realistic > 0);

    // A template from the saved lines; names are unique per team, no BSN.
    let template = |name: &str| vec![("case_id", source.to_string()), ("name", name.to_string())];
    let id: i64 = s
        .call(&prof, "save_template", &template("Dreigende uitzetting"))
        .await
        .ok();
    for (name, status) in [
        ("Dreigende uitzetting", StatusCode::UNPROCESSABLE_ENTITY),
        (" ", StatusCode::UNPROCESSABLE_ENTITY),
        ("Gezin 111222333", StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let reply = s.call(&prof, "save_template", &template(name)).await;
        assert_eq!(reply.status, status, "{name}: {}", reply.body);
        assert!(reply.error().for_field("template_name").is_some());
    }
    assert_eq!(
        s.call(
            &other_team,
            "save_template",
            &template("Van een ander team")
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(s.count("SELECT count(*) FROM canvas_templates").await, 1);

    // The sources offered: the template and the earlier canvas, not to another team.
    let target = new_case(&s, &prof).await;
    let sources: Vec<app::model::LineSource> = s
        .call(&prof, "line_sources", &[("case_id", target.to_string())])
        .await
        .ok();
    let keys: Vec<String> = sources.iter().map(|s| s.key.to_string()).collect();
    let (template_key, case_key) = (format!("sjabloon-{id}"), format!("casus-{source}"));
    assert!(
        keys.contains(&template_key) && keys.contains(&case_key),
        "{keys:?}"
    );
    let theirs: Vec<app::model::LineSource> = s
        .call(
            &other_team,
            "line_sources",
            &[("case_id", target.to_string())],
        )
        .await
        .ok();
    assert!(
        theirs
            .iter()
            .all(|s| s.key.to_string() != template_key && s.key.to_string() != case_key)
    );

    let copy = |edits: i64, key: &str| {
        vec![
            ("case_id", target.to_string()),
            ("edits", edits.to_string()),
            ("source", key.to_string()),
        ]
    };
    let edits = s.case(&prof, target).await.canvas_edits;
    let saved: app::api::cases::SavedCanvas = s
        .call(&prof, "copy_lines", &copy(edits, &template_key))
        .await
        .ok();
    let saved: app::api::cases::SavedCanvas = s
        .call(&prof, "copy_lines", &copy(saved.edits, &case_key))
        .await
        .ok();
    let view = s.case(&prof, target).await;
    assert_eq!(view.canvas.threatening.len(), 2 * threatening);
    assert_eq!(view.canvas.realistic.len(), 2 * realistic);
    assert_eq!(
        view.canvas.threatening[0],
        source_view.canvas.threatening[0]
    );
    // The return was recalculated and stored with the copy.
    assert_eq!(
        saved.calculation.total_avoided.cents(),
        2 * source_view
            .calculation
            .as_ref()
            .expect("calc")
            .total_avoided
            .cents()
    );
    let stored: i64 = sqlx::query_scalar("SELECT total_avoided_cents FROM cases WHERE id = ?1")
        .bind(target)
        .fetch_one(&s.pool)
        .await
        .expect("totals");
    assert_eq!(stored, saved.calculation.total_avoided.cents());

    // A stale form, an unknown or foreign source, another team's draft: refused, nothing copied.
    let stale = s
        .call(&prof, "copy_lines", &copy(edits, &template_key))
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    for key in ["sjabloon-999999", "casus-999999", "iets-1", "sjabloon-x"] {
        let reply = s.call(&prof, "copy_lines", &copy(saved.edits, key)).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{key}: {}",
            reply.body
        );
        assert!(reply.error().for_field("source").is_some());
    }
    let foreign = s
        .call(&other_team, "copy_lines", &copy(saved.edits, &template_key))
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND, "{}", foreign.body);
    assert_eq!(s.case(&prof, target).await.canvas_edits, saved.edits);
}

#[tokio::test]
async fn every_opening_of_a_case_is_in_the_audit_trail_before_the_page_returns() {
    let s = spawn().await;
    let prof = s.login("professional").await;
    let id = new_case(&s, &prof).await;
    let opened = |id: i64| {
        format!(
            "SELECT count(*) FROM audit_events WHERE action = 'case_opened' AND object_type = 'case' AND object_id = '{id}' AND actor_name = 'professional'"
        )
    };
    // Concurrent views share write transactions (group commit); each one is
    // committed before its answer, so counting right after them sees all.
    let mut views = tokio::task::JoinSet::new();
    for _ in 0..40 {
        let (http, url, cookie) = (s.http.clone(), format!("{}/api/case", s.base), prof.clone());
        views.spawn(async move {
            let r = http
                .post(url)
                .header(reqwest::header::COOKIE, cookie)
                .form(&[("id", id.to_string())])
                .send()
                .await
                .expect("view");
            r.status()
        });
    }
    while let Some(status) = views.join_next().await {
        assert_eq!(status.expect("task"), reqwest::StatusCode::OK);
    }
    assert_eq!(s.count(&opened(id)).await, 40);
    s.case(&prof, id).await;
    assert_eq!(s.count(&opened(id)).await, 41);
    // A refused view (another team's case) is not an opening.
    let other = s.login("professional.zuid").await;
    let r = s.call(&other, "case", &[("id", id.to_string())]).await;
    assert_ne!(r.status, reqwest::StatusCode::OK);
    assert_eq!(
        s.count(&format!(
            "SELECT count(*) FROM audit_events WHERE action = 'case_opened' AND object_id = '{id}'"
        ))
        .await,
        41
    );
}

/// An internal error, and nothing of a page.
fn fails_internally(reply: &common::Reply) {
    assert_eq!(
        reply.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        reply.body
    );
    assert_eq!(reply.error(), app::error::AppError::Internal);
}

async fn first_page(s: &common::S, session: &str) -> common::Reply {
    s.call(session, "my_cases", &[("page", "0".to_string())])
        .await
}

/// A corrupt row (a status the code does not know, cents outside what an
/// amount can hold) is an internal error, never a page that shows `Concept`
/// or `€ 0,00` in its place.
#[tokio::test]
async fn a_corrupt_row_is_an_error_not_a_default() {
    let s = spawn().await;
    let prof = s.login("professional").await;
    // The first case on the professional's list.
    let first: app::model::CaseList = s
        .call(&prof, "my_cases", &[("page", "0".to_string())])
        .await
        .ok();
    let id = first.cases[0].id;
    assert_eq!(
        s.call(&prof, "case", &[("id", id.to_string())])
            .await
            .status,
        StatusCode::OK
    );
    let mut conn = s.pool.acquire().await.expect("conn");
    sqlx::query("PRAGMA ignore_check_constraints = ON")
        .execute(&mut *conn)
        .await
        .expect("pragma");
    sqlx::query("UPDATE cases SET status = 'gesloten' WHERE id = ?1")
        .bind(id)
        .execute(&mut *conn)
        .await
        .expect("corrupt the status");
    sqlx::query("PRAGMA ignore_check_constraints = OFF")
        .execute(&mut *conn)
        .await
        .expect("pragma");
    drop(conn);
    fails_internally(&s.call(&prof, "case", &[("id", id.to_string())]).await);
    let list = first_page(&s, &prof).await;
    fails_internally(&list);

    let status = first.cases[0].status.code();
    sqlx::query(
        "UPDATE cases SET status = ?2, investment_cents = 9223372036854775807 WHERE id = ?1",
    )
    .bind(id)
    .bind(status)
    .execute(&s.pool)
    .await
    .expect("corrupt the amount");
    let list = first_page(&s, &prof).await;
    fails_internally(&list);
    assert!(!list.body.contains("0,00"));
    sqlx::query("UPDATE cases SET investment_cents = 250000 WHERE id = ?1")
        .bind(id)
        .execute(&s.pool)
        .await
        .expect("repair");
    assert_eq!(
        s.call(&prof, "my_cases", &[("page", "0".to_string())])
            .await
            .status,
        StatusCode::OK
    );
}

/// Σ of the fund's available amounts and of what is held, in cents.
async fn fund_and_holds(s: &S) -> (i64, i64) {
    (
        s.count("SELECT coalesce(sum(balance_cents), 0) FROM account_balances WHERE kind = 'fund'")
            .await,
        s.count("SELECT coalesce(sum(balance_cents), 0) FROM account_balances WHERE kind = 'hold'")
            .await,
    )
}

#[tokio::test]
async fn a_payment_is_corrected_by_reversal_and_a_settlement_reopened_while_nothing_is_charged_back()
 {
    let s = spawn().await;
    let back = s.login("backoffice").await;
    // A case in progress with a payment.
    let case = s
        .count("SELECT min(c.id) FROM cases c WHERE c.status = 'in_progress' AND EXISTS (SELECT 1 FROM payments p WHERE p.case_id = c.id)")
        .await;
    let view = s.case(&back, case).await;
    let payment = view.payments[0].clone();
    let (held, paid) = (view.held, view.paid);
    let reverse = |reason: &str, version: i64| {
        vec![
            ("case_id", case.to_string()),
            ("version", version.to_string()),
            ("payment_id", payment.id.to_string()),
            ("reason", reason.to_string()),
        ]
    };
    let rows = s.count("SELECT count(*) FROM ledger_transactions").await;
    for reason in [" ", "Dossier 111222333"] {
        let reply = s
            .call(&back, "reverse_payment", &reverse(reason, view.version))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            reply.body
        );
        assert!(reply.error().for_field("reason").is_some());
    }
    let stale = s
        .call(
            &back,
            "reverse_payment",
            &reverse("Dubbel betaald", view.version - 1),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    let prof = s.login("professional").await;
    let wrong_role = s
        .call(
            &prof,
            "reverse_payment",
            &reverse("Dubbel betaald", view.version),
        )
        .await;
    assert_eq!(wrong_role.status, StatusCode::FORBIDDEN);
    assert_eq!(
        s.count("SELECT count(*) FROM ledger_transactions").await,
        rows,
        "nothing booked"
    );

    let (fund, holds) = fund_and_holds(&s).await;
    s.call(
        &back,
        "reverse_payment",
        &reverse("Dubbel betaald", view.version),
    )
    .await
    .ok::<()>();
    let after = s.case(&back, case).await;
    assert_eq!(after.paid.cents(), paid.cents() - payment.amount.cents());
    assert_eq!(
        after.held, held,
        "the hold is back at its amount before the payment"
    );
    assert_eq!(
        fund_and_holds(&s).await,
        (fund, holds + payment.amount.cents())
    );
    let listed = after
        .payments
        .iter()
        .find(|p| p.id == payment.id)
        .expect("still listed");
    assert_eq!(
        listed.reversed.as_ref().map(|(_, why)| why.as_str()),
        Some("Dubbel betaald")
    );
    let twice = s
        .call(
            &back,
            "reverse_payment",
            &reverse("Nog eens", after.version),
        )
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT, "{}", twice.body);
    assert_eq!(
        twice.error().to_string(),
        "Deze betaling is al teruggedraaid."
    );
    common::ledger_is_consistent(&s.pool).await;

    // A settled case is reopened: what the settlement released goes back on the hold.
    let settled = s
        .count("SELECT min(id) FROM cases WHERE status = 'settled'")
        .await;
    let view = s.case(&back, settled).await;
    let released = s
        .count(&format!(
            "SELECT coalesce(sum(p.amount_cents), 0) FROM ledger_postings p JOIN ledger_transactions t ON t.id = p.tx_id
             WHERE t.case_id = {settled} AND t.kind = 'release' AND p.kind = 'fund'"
        ))
        .await;
    let (fund, holds) = fund_and_holds(&s).await;
    let reopen = |reason: &str, version: i64| {
        vec![
            ("case_id", settled.to_string()),
            ("version", version.to_string()),
            ("reason", reason.to_string()),
        ]
    };
    let no_reason = s
        .call(&back, "reopen_settlement", &reopen("", view.version))
        .await;
    assert!(
        no_reason.error().for_field("reason").is_some(),
        "{}",
        no_reason.body
    );
    s.call(
        &back,
        "reopen_settlement",
        &reopen("Factuur kwam later", view.version),
    )
    .await
    .ok::<()>();
    let reopened = s.case(&back, settled).await;
    assert_eq!(reopened.status, doorbraak::lifecycle::Status::InProgress);
    assert_eq!(
        fund_and_holds(&s).await,
        (fund - released, holds + released)
    );
    // ... and settled again, releasing it once more.
    assert_eq!(
        s.act(&back, "settle_case", settled).await.status,
        StatusCode::OK
    );
    assert_eq!(fund_and_holds(&s).await, (fund, holds));
    common::ledger_is_consistent(&s.pool).await;

    // Once charged back, a settlement can no longer be reopened.
    let run: i64 = s
        .call(
            &back,
            "create_run",
            &[
                (
                    "period_from",
                    format!("{}-01-01", chrono::Datelike::year(&chrono::Utc::now()) - 9),
                ),
                (
                    "period_to",
                    doorbraak::dates::dutch_today(chrono::Utc::now()).to_string(),
                ),
            ],
        )
        .await
        .ok();
    let preview: app::api::runs::RunView = s
        .call(
            &back,
            "chargeback_run",
            &[("id", run.to_string()), ("page", "0".into())],
        )
        .await
        .ok();
    s.call(
        &back,
        "post_run",
        &[
            ("run_id", run.to_string()),
            ("version", preview.run.version.to_string()),
            (
                "booking_date",
                doorbraak::dates::dutch_today(chrono::Utc::now()).to_string(),
            ),
        ],
    )
    .await
    .ok::<()>();
    let charged = s.case(&back, settled).await;
    assert_eq!(charged.status, doorbraak::lifecycle::Status::ChargedBack);
    let rows = s.count("SELECT count(*) FROM ledger_transactions").await;
    let refused = s
        .call(
            &back,
            "reopen_settlement",
            &reopen("Toch niet", charged.version),
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(
        refused.error().to_string().contains("heropend"),
        "{}",
        refused.body
    );
    assert_eq!(
        s.count("SELECT count(*) FROM ledger_transactions").await,
        rows
    );
}

#[tokio::test]
async fn nobody_who_saved_a_version_of_the_canvas_decides_on_it() {
    let s = spawn().await;
    let prof = s.login("professional").await;
    let lead = s.login("teamleider").await;
    let id = new_case(&s, &prof).await;
    let view = s.case(&prof, id).await;
    s.call(&prof, "save_canvas", &refs(&canvas(id, view.canvas_edits)))
        .await
        .ok::<app::api::cases::SavedCanvas>();
    // The team lead saved this version too (as a colleague with both roles would):
    // the database records every author of the canvas.
    sqlx::query("UPDATE canvases SET saved_by = (SELECT id FROM users WHERE username = 'teamleider') WHERE case_id = ?1")
        .bind(id)
        .execute(&s.pool)
        .await
        .expect("saved by the team lead");
    assert_eq!(
        s.count(&format!(
            "SELECT count(*) FROM canvas_editors WHERE case_id = {id}"
        ))
        .await,
        2
    );
    assert_eq!(s.act(&prof, "submit_case", id).await.status, StatusCode::OK);
    let seen = s.case(&lead, id).await;
    assert!(
        !seen.may_decide,
        "the decision form is not offered to an author"
    );
    let version = seen.version;
    let approve = s
        .call(
            &lead,
            "decide_case",
            &[
                ("case_id", id.to_string()),
                ("version", version.to_string()),
                ("decision", "approve".into()),
                ("reason", "Akkoord".into()),
            ],
        )
        .await;
    assert_eq!(approve.status, StatusCode::CONFLICT, "{}", approve.body);
    assert!(
        approve.error().to_string().contains("vier ogen"),
        "{}",
        approve.body
    );
    assert_eq!(
        s.count(&format!("SELECT count(*) FROM holds WHERE case_id = {id}"))
            .await,
        0
    );
}

#[tokio::test]
async fn a_multi_stream_catalogue_item_needs_its_stream_chosen_and_a_benchmark_is_no_line() {
    let s = spawn().await;
    let prof = s.login("professional").await;
    let id = new_case(&s, &prof).await;
    let with_line = |edits: i64, stream: &str, code: &str| {
        let mut form = canvas(id, edits);
        // The first threatening line becomes the multi-problem family (a year's cost).
        for (k, v) in form.iter_mut() {
            if let Some(name) = k
                .strip_prefix("canvas[threatening][0][")
                .and_then(|n| n.strip_suffix(']'))
            {
                *v = match name {
                    "stream" => stream.to_string(),
                    "catalogue_code" => code.to_string(),
                    // The family's unit and price come from the catalogue.
                    "unit" | "unit_price" | "quantity" if code == "MUL-01" => String::new(),
                    _ => v.clone(),
                };
            }
        }
        form
    };
    // Without a stream chosen, outside its streams, or a benchmark: the line
    // is kept as typed and incomplete, never booked, and the rest is saved.
    let problem = |reply: common::Reply| -> (String, String) {
        let saved: app::api::cases::SavedCanvas = reply.ok();
        let p = saved.problems.first().expect("a problem").clone();
        (p.field, p.message)
    };
    let none = s
        .call(
            &prof,
            "save_canvas",
            &refs(&with_line(
                s.case(&prof, id).await.canvas_edits,
                "",
                "MUL-01",
            )),
        )
        .await;
    let (field, message) = problem(none);
    assert_eq!(field, "threatening[0][stream]");
    assert!(
        message.contains("MUL-01") && message.contains("WMO, JW, PW, ZVW, WLZ"),
        "{message}"
    );
    let outside = s
        .call(
            &prof,
            "save_canvas",
            &refs(&with_line(
                s.case(&prof, id).await.canvas_edits,
                "WGS",
                "MUL-01",
            )),
        )
        .await;
    assert_eq!(problem(outside).0, "threatening[0][stream]");
    let view = s.case(&prof, id).await;
    assert!(
        view.canvas
            .threatening
            .iter()
            .all(|l| l.unit_price() != Money::parse("104.000").expect("m")),
        "the incomplete line is not in the canvas"
    );
    let benchmark = s
        .call(
            &prof,
            "save_canvas",
            &refs(&with_line(
                s.case(&prof, id).await.canvas_edits,
                "WMO",
                "MUL-03",
            )),
        )
        .await;
    assert!(problem(benchmark).1.contains("kengetal"));
    let saved: app::api::cases::SavedCanvas = s
        .call(
            &prof,
            "save_canvas",
            &refs(&with_line(
                s.case(&prof, id).await.canvas_edits,
                "jw",
                "MUL-01",
            )),
        )
        .await
        .ok();
    // € 104.000 a year, on the Jeugdwet as chosen, never silently on the Wmo.
    // 104.000 / 12 × 9 months = 78.000,00, beside the JW-05 line's 14.265,11.
    let per = &saved.calculation.per_stream;
    assert_eq!(
        per[&doorbraak::StreamCode::JEUGDWET].threatening,
        Money::parse("92.265,11").expect("m")
    );
    assert!(
        per.get(&doorbraak::StreamCode::WMO)
            .is_none_or(|w| w.threatening.is_zero())
    );
    let options: app::api::cases::CaseChoices = s.call(&prof, "case_options", &[]).await.ok();
    assert!(
        options
            .catalogue
            .iter()
            .all(|o| !o.code.starts_with("MUL-0") || o.code == "MUL-01")
    );
    let family = options
        .catalogue
        .iter()
        .find(|o| o.code == "MUL-01")
        .expect("offered");
    assert_eq!(family.stream, None);
}
