//! Evaluation of realised savings, closing, receipts and the worklist over
//! HTTP, on the demo data: a case of an earlier year whose horizon has
//! passed is charged back, evaluated by its team's professional (the core's
//! arithmetic, frozen versions, corrections with a reason) and closed by the
//! backoffice; every bad input is refused where the user is and stores
//! nothing.

use std::collections::BTreeSet;

use app::model::{EvaluationView, Worklist};
use doorbraak::evaluation::{LineOutcome, Occurred, realise};
use doorbraak::lifecycle::Status;
use doorbraak::{Money, Percentage};
use reqwest::StatusCode;

use crate::common::{self, S, f, spawn};

fn today() -> String {
    doorbraak::dates::dutch_today(chrono::Utc::now())
        .format("%Y-%m-%d")
        .to_string()
}

/// A settled case of the professional's team whose horizon has passed.
async fn due_case(s: &S) -> i64 {
    s.count(
        "SELECT c.id FROM cases c
         WHERE c.status = 'settled'
           AND c.team_id = (SELECT t.team_id FROM user_teams t JOIN users u ON u.id = t.user_id
                            WHERE u.username = 'professional')
           AND c.first_paid_at < datetime('now', '-14 months')
         ORDER BY c.id LIMIT 1",
    )
    .await
}

/// Charges back every settled case (a run over all years, posted today).
async fn charge_back(s: &S, back: &str) {
    let (run, version) = common::run_over_everything(s, back).await;
    let posted = s
        .call(back, "post_run", &common::posting(run, version))
        .await;
    assert_eq!(posted.status, StatusCode::OK, "{}", posted.body);
}

/// An evaluation form: `lines` gives each line's (outcome, occurred, why).
fn form(
    case: i64,
    version: i64,
    moment: &str,
    lines: &[(&str, &str, &str)],
    reason: &str,
) -> Vec<(String, String)> {
    let mut form = vec![
        f("case_id", &case.to_string()),
        f("version", &version.to_string()),
        f("evaluation[moment]", moment),
        f("evaluation[goal]", "partly"),
        f("evaluation[goal_note]", "Woont nog, werk gevonden"),
        f("evaluation[reason]", reason),
    ];
    for (i, (outcome, occurred, why)) in lines.iter().enumerate() {
        form.push(f(&format!("evaluation[lines][{i}][outcome]"), outcome));
        form.push(f(&format!("evaluation[lines][{i}][occurred]"), occurred));
        form.push(f(&format!("evaluation[lines][{i}][justification]"), why));
    }
    form
}

async fn page(s: &S, session: &str, case: i64) -> EvaluationView {
    s.call(session, "evaluation", &[("case_id", case.to_string())])
        .await
        .ok()
}

#[tokio::test]
async fn a_professional_evaluates_after_the_horizon_and_the_backoffice_closes() {
    let s = spawn().await;
    let (prof, other, lead, back) = (
        s.login("professional").await,
        s.login("professional.zuid").await,
        s.login("teamleider").await,
        s.login("backoffice").await,
    );
    let id = due_case(&s).await;
    assert!(
        id > 0,
        "the demo data has a settled case of an earlier year"
    );
    let v = page(&s, &prof, id).await;
    assert!(v.may_record && !v.lines.is_empty());
    assert!(v.moments.iter().any(|(m, _, _)| m == "final"));
    let n = v.lines.len();
    let all = |outcome: &'static str| vec![(outcome, "", "Toelichting"); n];
    let evaluations = || s.rows("evaluations");

    // Paid money is charged back before the case is evaluated.
    let refused = s
        .submit(
            &prof,
            "record_evaluation",
            &form(id, v.version, "final", &all("avoided"), ""),
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(refused.error().to_string().contains("terug te boeken"));
    assert_eq!(evaluations().await, 0);

    charge_back(&s, &back).await;
    let case = s.case(&prof, id).await;
    assert_eq!(case.status, Status::ChargedBack);
    assert!(
        case.awaiting
            .starts_with("Evaluatie door de professional verwacht vóór"),
        "{}",
        case.awaiting
    );
    let version = case.version;

    // Bad input: each refused at its field, nothing stored.
    let mut no_outcome = all("avoided");
    no_outcome[0] = ("", "", "");
    let mut too_much = all("avoided");
    too_much[0] = ("partly", "99.999.999,00", "Deels toch opgetreden");
    let mut bsn = all("not_avoided");
    bsn[0] = ("not_avoided", "", "Zie dossier 111222333");
    let mut bad_share = all("avoided");
    bad_share[0] = ("partly", "140%", "Deels");
    let mut unexplained = all("avoided");
    unexplained[0] = ("not_avoided", "", "");
    for (lines, field) in [
        (&no_outcome, "lines[0][outcome]"),
        (&too_much, "lines[0][occurred]"),
        (&bsn, "lines[0][justification]"),
        (&bad_share, "lines[0][occurred]"),
        (&unexplained, "lines[0][justification]"),
    ] {
        let r = s
            .submit(
                &prof,
                "record_evaluation",
                &form(id, version, "final", lines, ""),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            r.body
        );
        assert!(r.error().for_field(field).is_some(), "{field}: {}", r.body);
    }
    let short = form(id, version, "final", &all("avoided")[..n - 1], "");
    let r = s.submit(&prof, "record_evaluation", &short).await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "a form for other lines: {}",
        r.body
    );
    let mut no_goal = form(id, version, "final", &all("avoided"), "");
    no_goal.retain(|(k, _)| k != "evaluation[goal]");
    let r = s.submit(&prof, "record_evaluation", &no_goal).await;
    assert!(r.error().for_field("goal").is_some(), "{}", r.body);
    let r = s
        .submit(
            &prof,
            "record_evaluation",
            &form(id, version - 1, "final", &all("avoided"), ""),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "a stale form: {}", r.body);
    let r = s
        .submit(
            &other,
            "record_evaluation",
            &form(id, version, "final", &all("avoided"), ""),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "another team's case: {}",
        r.body
    );
    let r = s
        .submit(
            &lead,
            "record_evaluation",
            &form(id, version, "final", &all("avoided"), ""),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(evaluations().await, 0, "nothing stored");
    assert_eq!(s.case(&prof, id).await.status, Status::ChargedBack);

    // The evaluation: the first line partly (40 %), the second not avoided.
    let mut lines = all("avoided");
    lines[0] = ("partly", "40%", "Een deel van de opvang was toch nodig");
    if n > 1 {
        lines[1] = ("not_avoided", "", "Toch opgetreden");
    }
    let ok = s
        .submit(
            &prof,
            "record_evaluation",
            &form(id, version, "final", &lines, ""),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    // A double submit of the same form records nothing twice.
    let again = s
        .submit(
            &prof,
            "record_evaluation",
            &form(id, version, "final", &lines, ""),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(evaluations().await, 1);

    // The core's arithmetic, exactly: recompute from the frozen canvas.
    let (_, canvas) = {
        let mut conn = s.pool.acquire().await.expect("conn");
        app::db::cases::frozen_canvas(&mut conn, id)
            .await
            .expect("read")
            .expect("frozen")
    };
    let outcomes: Vec<LineOutcome> = (0..n)
        .map(|i| match i {
            0 => LineOutcome::Partly(Occurred::Share(Percentage::parse("40").expect("40"))),
            1 => LineOutcome::NotAvoided,
            _ => LineOutcome::Avoided,
        })
        .collect();
    let streams: BTreeSet<_> = canvas
        .threatening
        .iter()
        .chain(&canvas.realistic)
        .map(|l| l.stream())
        .collect();
    let expected = realise(&canvas, &outcomes, &streams).expect("realise");
    let v = page(&s, &prof, id).await;
    let recorded = &v.recorded[0];
    assert_eq!((recorded.moment.as_str(), recorded.version), ("final", 1));
    assert_eq!(recorded.total_realised, expected.total_realised);
    assert_eq!(recorded.total_projected, expected.total_projected);
    assert!(recorded.total_realised < recorded.total_projected);
    let lines_sum = Money::sum(recorded.lines.iter().map(|l| l.realised)).expect("sum");
    let realistic = Money::sum(expected.per_stream.values().map(|r| r.realised)).expect("sum");
    assert_eq!(realistic, recorded.total_realised);
    assert!(
        lines_sum >= recorded.total_realised,
        "realistic costs are subtracted"
    );
    for s in &recorded.streams {
        assert!(s.realised <= s.projected, "{}", s.stream);
    }
    let case = s.case(&prof, id).await;
    assert_eq!(case.status, Status::Evaluated);
    let realisation = case.realisation.expect("realised on the case page");
    assert_eq!(realisation.total_realised, expected.total_realised);
    assert!(case.awaiting.contains("afsluiting"), "{}", case.awaiting);
    // The backoffice finds it among the cases to close.
    let closing: app::model::CaseList = s
        .call(&back, "closing_queue", &[("page", "0".into())])
        .await
        .ok();
    assert!(closing.cases.iter().any(|c| c.id == id));
    // A correction starts from what was recorded.
    let (_, html) = s.page(&prof, &format!("/casussen/{id}/evaluatie")).await;
    assert!(html.contains(r#"value="40%""#), "the share comes back");
    assert!(html.contains("Een deel van de opvang was toch nodig"));

    // A correction is a new version, with a reason.
    let r = s
        .submit(
            &prof,
            "record_evaluation",
            &form(id, case.version, "final", &all("avoided"), ""),
        )
        .await;
    assert!(r.error().for_field("reason").is_some(), "{}", r.body);
    let r = s
        .submit(
            &prof,
            "record_evaluation",
            &form(
                id,
                case.version,
                "final",
                &all("avoided"),
                "Regel 1 bleek toch vermeden",
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = page(&s, &prof, id).await;
    assert_eq!(v.recorded.len(), 2);
    assert_eq!(v.recorded[0].version, 2);
    assert_eq!(v.recorded[0].total_realised, v.recorded[0].total_projected);
    assert_eq!(
        v.recorded[1].total_realised, expected.total_realised,
        "version 1 stays"
    );
    let changed = sqlx::query("UPDATE evaluations SET goal = 'reached'")
        .execute(&s.pool)
        .await;
    assert!(
        changed.is_err(),
        "the database refuses to change an evaluation"
    );

    // The stream owner sees the realised saving next to a charge.
    let owner = s.login("budgethouder").await;
    let charges = s
        .count(&format!(
            "SELECT count(*) FROM run_charges WHERE case_id = {id} AND stream_code IN ('JW', 'PW')"
        ))
        .await;
    if charges > 0 {
        let (_, html) = s.page(&owner, "/mijn-stromen").await;
        assert!(html.contains("Gerealiseerd op de stroom"));
    }

    // Closing: not the professional; the backoffice, with the current version.
    let version = s.case(&prof, id).await.version;
    let r = s
        .call(
            &prof,
            "close_case",
            &[
                ("case_id", id.to_string()),
                ("version", version.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = s
        .call(
            &back,
            "close_case",
            &[
                ("case_id", id.to_string()),
                ("version", (version - 1).to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(s.act(&back, "close_case", id).await.status, StatusCode::OK);
    assert_eq!(s.case(&prof, id).await.status, Status::Closed);
    let r = s
        .submit(
            &prof,
            "record_evaluation",
            &form(
                id,
                s.case(&prof, id).await.version,
                "final",
                &all("avoided"),
                "Nog een keer",
            ),
        )
        .await;
    assert!(r.error().to_string().contains("afgesloten"), "{}", r.body);

    // The page, without JavaScript: the versions and the realised figures.
    let (status, html) = s.page(&prof, &format!("/casussen/{id}/evaluatie")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Eindevaluatie, versie 2") && html.contains("Regel 1 bleek toch vermeden")
    );
    let (status, _) = s.page(&prof, "/casussen/999999/evaluatie").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let timeline = s.case(&lead, id).await.events;
    assert!(timeline.iter().any(|e| e.action == "evaluatie corrigeren"));
}

#[tokio::test]
async fn a_final_evaluation_before_the_horizon_is_refused_and_an_interim_one_is_not() {
    let s = spawn().await;
    let prof = s.login("professional").await;
    // A case in progress of the team, its first payment five months ago
    // (the demo's dates follow today's date, so it is set here).
    let id = s
        .count(
            "SELECT c.id FROM cases c WHERE c.status = 'in_progress'
               AND c.team_id = (SELECT t.team_id FROM user_teams t JOIN users u ON u.id = t.user_id
                                WHERE u.username = 'professional') ORDER BY c.id LIMIT 1",
        )
        .await;
    assert!(id > 0, "the demo data has a case in progress");
    sqlx::query("UPDATE cases SET first_paid_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-5 months') WHERE id = ?1")
        .bind(id)
        .execute(&s.pool)
        .await
        .expect("date");
    check_interim(&s, &prof, id).await;
}

async fn check_interim(s: &S, prof: &str, id: i64) {
    let v = page(s, prof, id).await;
    let n = v.lines.len();
    let lines = vec![("avoided", "", ""); n];
    let r = s
        .submit(
            prof,
            "record_evaluation",
            &form(id, v.version, "final", &lines, ""),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let message = r.error().for_field("moment").expect("at the moment");
    assert!(message.contains("tussentijdse evaluatie"), "{message}");
    assert_eq!(s.rows("evaluations").await, 0);
    let r = s
        .submit(
            prof,
            "record_evaluation",
            &form(id, v.version, "3", &lines, ""),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let case = s.case(prof, id).await;
    assert_eq!(
        case.status,
        Status::InProgress,
        "an interim evaluation moves nothing"
    );
    assert_eq!(page(s, prof, id).await.recorded[0].moment, "3");
}

#[tokio::test]
async fn a_receipt_is_confirmed_once_by_the_team_and_the_worklist_shows_what_waits() {
    let s = spawn().await;
    let (prof, other) = (
        s.login("professional").await,
        s.login("professional.zuid").await,
    );
    let list: Worklist = s.call(&prof, "worklist", &[]).await.ok();
    assert!(
        !list.receipts.is_empty(),
        "the demo's payments wait for receipts"
    );
    let item = &list.receipts[0];
    let case = s.case(&prof, item.case_id).await;
    let payment = case
        .payments
        .iter()
        .find(|p| p.received.is_none() && p.reversed.is_none())
        .expect("a payment")
        .id;
    let form = |date: &str, note: &str| {
        vec![
            f("case_id", &item.case_id.to_string()),
            f("payment_id", &payment.to_string()),
            f("received_on", date),
            f("note", note),
        ]
    };
    let tomorrow = (doorbraak::dates::dutch_today(chrono::Utc::now()) + chrono::Days::new(1))
        .format("%Y-%m-%d")
        .to_string();
    let r = s
        .submit(&prof, "confirm_receipt", &form(&tomorrow, ""))
        .await;
    assert!(r.error().for_field("received_on").is_some(), "{}", r.body);
    let r = s
        .submit(&prof, "confirm_receipt", &form(&today(), "BSN 111222333"))
        .await;
    assert!(r.error().for_field("note").is_some(), "{}", r.body);
    let r = s
        .submit(&other, "confirm_receipt", &form(&today(), ""))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert_eq!(s.rows("receipts").await, 0);
    let r = s
        .submit(
            &prof,
            "confirm_receipt",
            &form(&today(), "Sleutel ontvangen"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = s
        .submit(
            &prof,
            "confirm_receipt",
            &form(&today(), "Sleutel ontvangen"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(s.rows("receipts").await, 1);
    let case = s.case(&prof, item.case_id).await;
    let paid = case
        .payments
        .iter()
        .find(|p| p.id == payment)
        .expect("payment");
    assert_eq!(
        paid.received.as_ref().map(|r| r.1.as_str()),
        Some("Sleutel ontvangen")
    );

    // The worklist: drafts, and after the chargeback the evaluations due.
    assert!(!list.drafts.is_empty());
    let back = s.login("backoffice").await;
    charge_back(&s, &back).await;
    let list: Worklist = s.call(&prof, "worklist", &[]).await.ok();
    assert!(
        !list.evaluations.is_empty(),
        "charged-back cases past their horizon"
    );
    assert!(list.evaluations.iter().any(|e| e.overdue));
    let (status, html) = s.page(&prof, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("evaluatie te laat") && html.contains("Ontvangst bevestigen"));
}
