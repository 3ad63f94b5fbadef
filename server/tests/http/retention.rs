//! Retention: the administrator's terms and legal holds, `doorbraak erase`
//! on the lived demo, and the access log that answers who saw a case.

use std::process::Command;

use reqwest::StatusCode;
use reqwest::header::AUTHORIZATION;

use crate::common::{S, f, spawn, spawn_with};

const PAGE: &str = "/inrichting/bewaartermijnen";

/// The terms form with the versions the page was loaded with.
async fn terms_form(
    s: &S,
    granted: &str,
    not_granted: &str,
    financial: &str,
) -> Vec<(String, String)> {
    let version = |class: &str| {
        let sql = format!("SELECT version FROM retention_terms WHERE class = '{class}'");
        async move { s.count(&sql).await.to_string() }
    };
    vec![
        f("terms[granted]", granted),
        f("terms[not_granted]", not_granted),
        f("terms[financial]", financial),
        f("terms[granted_version]", &version("granted").await),
        f("terms[not_granted_version]", &version("not_granted").await),
        f("terms[financial_version]", &version("financial").await),
    ]
}

async fn terms(s: &S) -> Vec<(String, i64)> {
    sqlx::query_as("SELECT class, years FROM retention_terms ORDER BY class")
        .fetch_all(&s.pool)
        .await
        .expect("terms")
}

#[tokio::test]
async fn the_retention_page_shows_the_terms_with_their_sources_and_refuses_bad_terms() {
    let s = spawn().await;
    let admin = s.login("beheer").await;
    let (status, html) = s.page(&admin, PAGE).await;
    assert_eq!(status, StatusCode::OK);
    for shown in [
        "Bewaartermijnen",
        "Selectielijst gemeenten en intergemeentelijke organen 2020",
        "15 jaar na het afsluiten van de casus",
        "5 jaar na het afsluiten van de casus",
        "7 jaar na het afsluiten van het begrotingsjaar",
        "Proefrun",
        "geen enkele casus",
    ] {
        assert!(html.contains(shown), "{shown} missing");
    }
    // Only the administrator.
    for user in [
        "professional",
        "teamleider",
        "backoffice",
        "wethouder",
        "budgethouder",
    ] {
        let session = s.login(user).await;
        assert_eq!(
            s.page(&session, PAGE).await.0,
            StatusCode::FORBIDDEN,
            "{user}"
        );
        assert_eq!(
            s.call(&session, "retention", &[]).await.status,
            StatusCode::FORBIDDEN
        );
        let form = terms_form(&s, "1", "1", "1").await;
        let r = s.submit(&session, "set_retention_terms", &form).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{user}");
    }
    let audit = s.rows("audit_events").await;
    let defaults = terms(&s).await;
    for (granted, not_granted, financial, field, says) in [
        ("0", "5", "7", "granted", "minstens 1 jaar"),
        ("15", "-2", "7", "not_granted", "minstens 1 jaar"),
        ("15", "5", "zeven", "financial", "hele jaren"),
        ("15", "5", "7,5", "financial", "hele jaren"),
        ("15", "5", "", "financial", "hele jaren"),
        ("101", "5", "7", "granted", "hoogstens 100"),
    ] {
        let form = terms_form(&s, granted, not_granted, financial).await;
        let r = s.submit(&admin, "set_retention_terms", &form).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{granted}/{not_granted}/{financial}"
        );
        let message = r.error().for_field(field).unwrap_or_default();
        assert!(message.contains(says), "{field}: {message}");
    }
    // A form loaded before someone else's change is stale.
    let stale = terms_form(&s, "20", "5", "7").await;
    let form = terms_form(&s, "16", "5", "7").await;
    s.submit(&admin, "set_retention_terms", &form)
        .await
        .ok::<()>();
    let r = s.submit(&admin, "set_retention_terms", &stale).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.error().to_string().contains("intussen gewijzigd"));
    assert_eq!(
        terms(&s).await,
        vec![
            ("financial".into(), 7),
            ("granted".into(), 16),
            ("not_granted".into(), 5)
        ]
    );
    assert_ne!(defaults, terms(&s).await);
    assert_eq!(
        s.rows("audit_events").await,
        audit + 1,
        "one change, one event"
    );
    let (_, html) = s.page(&admin, PAGE).await;
    assert!(html.contains("16 jaar na het afsluiten van de casus"));
}

#[tokio::test]
async fn a_legal_hold_needs_a_known_case_and_a_reason_without_a_bsn() {
    let s = spawn().await;
    let admin = s.login("beheer").await;
    let reference: String = sqlx::query_scalar("SELECT reference FROM cases ORDER BY id LIMIT 1")
        .fetch_one(&s.pool)
        .await
        .expect("case");
    let hold = |reference: &str, hold: &str, reason: &str| {
        vec![
            f("hold[reference]", reference),
            f("hold[hold]", hold),
            f("hold[reason]", reason),
        ]
    };
    let audit = s.rows("audit_events").await;
    for (form, field, says) in [
        (
            hold("DB-1999-9999", "on", "Bezwaar"),
            "reference",
            "geen casus",
        ),
        (hold("", "on", "Bezwaar"), "reference", "kenmerk"),
        (hold(&reference, "on", ""), "reason", "reden"),
        (hold(&reference, "on", "Zie BSN 111222333"), "reason", "BSN"),
        (hold(&reference, "misschien", "Bezwaar"), "hold", "Kies"),
        (
            hold(&reference, "off", "Bezwaar"),
            "hold",
            "niet onder een bewaarplicht",
        ),
    ] {
        let r = s.submit(&admin, "set_legal_hold", &form).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let message = r.error().for_field(field).unwrap_or_default();
        assert!(message.contains(says), "{field}: {message}");
    }
    assert_eq!(s.rows("audit_events").await, audit, "nothing written");
    assert_eq!(
        s.count("SELECT count(*) FROM cases WHERE legal_hold = 1")
            .await,
        0
    );

    s.submit(
        &admin,
        "set_legal_hold",
        &hold(&reference.to_lowercase(), "on", "Rechtszaak RK-2026-3"),
    )
    .await
    .ok::<()>();
    let (_, html) = s.page(&admin, PAGE).await;
    assert!(html.contains(&reference) && html.contains("Rechtszaak RK-2026-3"));
    let twice = s
        .submit(
            &admin,
            "set_legal_hold",
            &hold(&reference, "on", "Nog eens"),
        )
        .await;
    assert!(
        twice
            .error()
            .for_field("hold")
            .unwrap_or_default()
            .contains("staat al")
    );
    s.submit(
        &admin,
        "set_legal_hold",
        &hold(&reference, "off", "Zaak afgerond"),
    )
    .await
    .ok::<()>();
    assert_eq!(
        s.count("SELECT count(*) FROM cases WHERE legal_hold = 1")
            .await,
        0
    );
    assert_eq!(
        s.count("SELECT count(*) FROM audit_events WHERE action IN ('legal_hold_set', 'legal_hold_lifted')")
            .await,
        2
    );
}

fn erase(db: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_doorbraak"))
        .arg("erase")
        .args(args)
        .env("DOORBRAAK_DATABASE", db)
        .env("DOORBRAAK_LOG", "warn")
        .output()
        .expect("doorbraak erase");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn doorbraak_erase_lists_then_erases_while_the_server_serves_and_keeps_a_held_case() {
    let s = spawn_with(|c| c.demo_history = true).await;
    let admin = s.login("beheer").await;
    // Nothing is due under the default terms.
    let (ok, listed, said) = erase(&s.db_path, &["--dry-run"]);
    assert!(ok, "{said}");
    assert!(
        listed.is_empty() && said.contains("0 case(s) would be erased"),
        "{said}"
    );

    // One year for everything: the cases of the closed year 2023 are due.
    let form = terms_form(&s, "1", "1", "1").await;
    s.submit(&admin, "set_retention_terms", &form)
        .await
        .ok::<()>();
    let (_, html) = s.page(&admin, PAGE).await;
    assert!(
        html.contains("zou de wisronde"),
        "the page's dry run lists them"
    );
    let (ok, listed, said) = erase(&s.db_path, &["--dry-run"]);
    assert!(ok, "{said}");
    let due: Vec<&str> = listed
        .lines()
        .map(|l| l.split('\t').next().unwrap_or_default())
        .collect();
    assert!(due.len() >= 10, "{listed}");
    for reference in &due {
        assert!(
            html.contains(reference),
            "the page and the command agree on {reference}"
        );
    }

    // A held case is refused by name, with a clear message, and nothing changes.
    let held = due[0];
    s.submit(
        &admin,
        "set_legal_hold",
        &[
            f("hold[reference]", held),
            f("hold[hold]", "on"),
            f("hold[reason]", "Bezwaar BZ-7"),
        ],
    )
    .await
    .ok::<()>();
    let audit = s.rows("audit_events").await;
    let (ok, _, said) = erase(&s.db_path, &["--apply", "--case", held]);
    assert!(!ok);
    assert!(said.contains("juridische bewaarplicht"), "{said}");
    let (ok, _, said) = erase(&s.db_path, &["--apply", "--case", "DB-1999-0001"]);
    assert!(!ok && said.contains("geen casus"), "{said}");
    let (ok, _, said) = erase(&s.db_path, &[]);
    assert!(!ok && said.contains("--dry-run"), "{said}");
    let (ok, _, said) = erase(&s.db_path, &["--dry-run", "--apply"]);
    assert!(!ok && said.contains("exactly one"), "{said}");
    assert_eq!(s.rows("audit_events").await, audit, "nothing written");

    // Erase one by name, then the rest, while the server serves.
    let one = due[1];
    let one_id = s
        .count(&format!("SELECT id FROM cases WHERE reference = '{one}'"))
        .await;
    let (ok, _, said) = erase(&s.db_path, &["--apply", "--case", one]);
    assert!(ok, "{said}");
    let back = s.login("backoffice").await;
    let (status, page) = s.page(&back, &format!("/casussen/{one_id}")).await;
    assert_eq!(status, StatusCode::OK, "an erased case still opens");
    assert!(page.contains("GEWIST-") && page.contains("[gewist]") && !page.contains(one));
    let (ok, listed, said) = erase(&s.db_path, &["--apply"]);
    assert!(ok, "{said}");
    let erased = listed.lines().filter(|l| !l.contains("legal hold")).count();
    assert_eq!(erased, due.len() - 2, "{listed}");
    assert!(
        listed.contains(&format!("{held}\tlegal hold: kept")),
        "{listed}"
    );
    assert!(
        said.contains("1 past their terms but on legal hold"),
        "{said}"
    );
    let (ok, listed, said) = erase(&s.db_path, &["--apply"]);
    assert!(
        ok && said.contains("0 case(s) erased"),
        "a second run erases nothing: {said}"
    );
    assert_eq!(
        listed.lines().count(),
        1,
        "only the held case is named: {listed}"
    );
    assert_eq!(
        s.count("SELECT count(*) FROM audit_events WHERE action = 'erasure_applied'")
            .await,
        2
    );
    assert_eq!(
        s.count(&format!(
            "SELECT count(*) FROM cases WHERE reference = '{held}' AND erased_at IS NULL"
        ))
        .await,
        1,
        "the held case keeps its data"
    );
    let report = server::check::check(&s.db_path).await.expect("check");
    assert!(report.is_whole(), "{:?}", report.problems);
}

#[tokio::test]
async fn reading_household_data_is_logged_and_the_administrator_sees_who_saw_a_case() {
    let s = spawn_with(|c| c.demo_history = true).await;
    let back = s.login("backoffice").await;
    let admin = s.login("beheer").await;
    let run = s
        .count(
            "SELECT min(id) FROM chargeback_runs WHERE status = 'posted' AND kind = 'chargeback'",
        )
        .await;
    let (case, reference): (i64, String) = sqlx::query_as(
        "SELECT c.id, c.reference FROM run_cases rc JOIN cases c ON c.id = rc.case_id
         WHERE rc.run_id = ?1 ORDER BY c.reference LIMIT 1",
    )
    .bind(run)
    .fetch_one(&s.pool)
    .await
    .expect("case");
    let s = &s;
    let opened = move |user: &'static str| {
        let sql = format!(
            "SELECT count(*) FROM audit_events WHERE action = 'case_opened' AND actor_name = '{user}' AND object_id = '{case}'"
        );
        async move { s.count(&sql).await }
    };
    assert_eq!(opened("backoffice").await, 0);

    // The run page lists the case: the view is logged.
    let (status, html) = s
        .page(&back, &format!("/terugboeken/{run}?casus={reference}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&reference));
    assert_eq!(opened("backoffice").await, 1);
    let shown = s
        .count("SELECT count(DISTINCT object_id) FROM audit_events WHERE action = 'case_opened' AND actor_name = 'backoffice'")
        .await;
    assert!(shown > 1, "every case the page shows is logged ({shown})");

    // The journal as a download and through the API.
    let (status, _) = s
        .download(&back, &format!("/export/terugboekrun/{run}/journaal.csv"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let issued = s.issue_token(&admin, "Financieel systeem").await;
    let r = s
        .http
        .get(format!("{}/api/v1/runs/{run}/journal", s.base))
        .header(AUTHORIZATION, format!("Bearer {}", issued.token))
        .send()
        .await
        .expect("api");
    assert_eq!(r.status(), StatusCode::OK);

    // Disputes list their cases.
    let disputed = s
        .count("SELECT count(*) FROM charge_reviews WHERE status = 'disputed'")
        .await;
    let before = s
        .count("SELECT count(*) FROM audit_events WHERE action = 'case_opened'")
        .await;
    assert_eq!(s.page(&back, "/bezwaren").await.0, StatusCode::OK);
    let after = s
        .count("SELECT count(*) FROM audit_events WHERE action = 'case_opened'")
        .await;
    assert!(
        disputed == 0 || after > before,
        "the disputes page logs its cases"
    );

    // Who saw this case: the administrator asks by reference.
    let ask = |case: &str| {
        vec![
            ("actor", String::new()),
            ("action", String::new()),
            ("from", String::new()),
            ("to", String::new()),
            ("case", case.to_string()),
            ("page", "0".to_string()),
        ]
    };
    let page: app::api::audit::AuditPage =
        s.call(&admin, "audit_events", &ask(&reference)).await.ok();
    let seen = |action: &str, actor: &str| {
        page.events
            .iter()
            .any(|e| e.action == action && e.actor == actor)
    };
    assert!(seen("casus ingezien", "backoffice"), "{:?}", page.events);
    assert!(
        page.events
            .iter()
            .any(|e| e.action == "journaal gedownload" && e.actor == "backoffice")
    );
    assert!(
        page.events.iter().any(
            |e| e.action == "journaal opgehaald via de API" && e.actor.starts_with("api-token")
        )
    );
    assert!(
        page.events
            .iter()
            .all(|e| !e.object.starts_with("casus") || e.object == format!("casus {case}")),
        "only this case's events: {:?}",
        page.events
    );
    // The page does the same without JavaScript.
    let (status, html) = s
        .page(&admin, &format!("/beheer/audit?casus={reference}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("casus ingezien") && html.contains("api-token"));
    let unknown = s.call(&admin, "audit_events", &ask("DB-1999-0001")).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unknown
            .error()
            .for_field("case")
            .unwrap_or_default()
            .contains("geen casus")
    );
    // Nobody else may ask.
    assert_eq!(
        s.call(&back, "audit_events", &ask(&reference)).await.status,
        StatusCode::FORBIDDEN
    );
}
