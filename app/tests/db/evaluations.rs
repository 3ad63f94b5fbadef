//! Database tests of evaluations, receipts, the law list and the agenda:
//! versions are unique and frozen, rows decode into the core's types or
//! fail loudly, the ladder's steps are append-only.
#![cfg(feature = "ssr")]

use app::db;
use doorbraak::agenda::{Forum, Rung};
use doorbraak::canvas::{Canvas, Horizon};
use doorbraak::evaluation::{GoalOutcome, LineOutcome, Occurred};
use doorbraak::stream::StreamKind;
use doorbraak::{Money, Percentage};

use crate::fixture::{HASH, NOW};

/// A case of professional "pim" in team Noord, on a fresh database: (case, pim).
async fn a_case(conn: &mut sqlx::SqliteConnection, reference: &str) -> (i64, i64) {
    let team = db::teams::create(&mut *conn, "Noord", NOW)
        .await
        .expect("q")
        .expect("team");
    let pim = db::users::create(&mut *conn, "pim", "Pim", HASH, None, NOW)
        .await
        .expect("q")
        .expect("user");
    let case = db::cases::create(conn, reference, team, pim, NOW)
        .await
        .expect("case");
    (case, pim)
}

fn euros(e: i64) -> Money {
    Money::from_euros(e).expect("money")
}

#[tokio::test]
async fn an_evaluation_version_is_stored_once_decodes_whole_and_never_changes() {
    let (pool, _dir) = crate::fixture::database().await;
    let mut conn = pool.acquire().await.expect("conn");
    let (case, pim) = a_case(&mut conn, "DB-2025-0001").await;
    let canvas = Canvas::new_draft(Horizon::DEFAULT);
    let calc = doorbraak::returns::calculate_canvas(&canvas, &Default::default()).expect("calc");
    db::cases::insert_canvas(&mut conn, case, 1, &canvas, &calc, pim, NOW)
        .await
        .expect("canvas");
    let lines = [
        LineOutcome::Avoided,
        LineOutcome::Partly(Occurred::Amount(euros(100))),
        LineOutcome::Partly(Occurred::Share(Percentage::parse("40").expect("pct"))),
        LineOutcome::NotAvoided,
    ];
    let new = |version: i64, reason: Option<&'static str>| db::evaluations::NewEvaluation {
        case_id: case,
        canvas_version: 1,
        moment: "final",
        version,
        goal: GoalOutcome::Partly,
        goal_note: "",
        reason,
        evaluated_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 22).expect("date"),
        total_projected: euros(1_000),
        total_realised: euros(700),
        lines: lines
            .iter()
            .map(|o| db::evaluations::NewLine {
                outcome: *o,
                justification: "",
                projected: euros(250),
                realised: euros(175),
            })
            .collect(),
        streams: vec![("WMO".into(), euros(1_000), euros(700))],
        now: NOW,
        user_id: pim,
    };
    assert!(
        db::evaluations::insert(&mut conn, &new(1, None))
            .await
            .expect("q")
            .is_some()
    );
    assert!(
        db::evaluations::insert(&mut conn, &new(1, None))
            .await
            .expect("q")
            .is_none(),
        "the same version twice is a double submit"
    );
    assert!(
        db::evaluations::insert(&mut conn, &new(2, None))
            .await
            .is_err(),
        "a correction carries its reason"
    );
    assert!(
        db::evaluations::insert(&mut conn, &new(2, Some("typfout")))
            .await
            .expect("q")
            .is_some()
    );
    assert_eq!(
        db::evaluations::versions(&mut conn, case, "final")
            .await
            .expect("q"),
        2
    );
    assert_eq!(
        db::evaluations::versions(&mut conn, case, "3")
            .await
            .expect("q"),
        0
    );
    let recorded = db::evaluations::of_case(&mut conn, case)
        .await
        .expect("decodes");
    assert_eq!(recorded.len(), 2);
    assert_eq!(recorded[0].version, 2, "newest first");
    assert_eq!(
        recorded[1]
            .lines
            .iter()
            .map(|l| l.outcome)
            .collect::<Vec<_>>(),
        lines
    );
    assert_eq!(recorded[1].streams[0].difference, euros(-300));
    // Append-only: no update, no delete.
    for sql in [
        "UPDATE evaluations SET goal = 'reached'",
        "DELETE FROM evaluations",
        "UPDATE evaluation_lines SET realised_cents = 0",
        "DELETE FROM evaluation_streams",
    ] {
        assert!(sqlx::query(sql).execute(&mut *conn).await.is_err(), "{sql}");
    }
    // A realised amount above projected is refused by the database too.
    let mut above = new(3, Some("meer"));
    above.total_realised = euros(1_001);
    assert!(db::evaluations::insert(&mut conn, &above).await.is_err());
}

#[tokio::test]
async fn laws_are_streams_and_more_and_agenda_steps_stay() {
    let (pool, _dir) = crate::fixture::database().await;
    let mut conn = pool.acquire().await.expect("conn");
    let stream = db::streams::NewStream {
        code: "PW",
        name: "Participatiewet",
        kind: StreamKind::Internal,
        taakveld: None,
        cost_centre: "",
        ledger_account: "",
        holds_reservation: false,
        active: true,
    };
    assert!(
        db::streams::insert(&mut conn, &stream)
            .await
            .expect("stream")
    );
    let laws = db::laws::all(&mut conn).await.expect("laws");
    assert!(laws[0].is_stream && laws[0].code == "PW", "streams first");
    assert!(laws.iter().any(|l| l.code == "TOESLAGEN" && !l.is_stream));
    assert!(
        !db::laws::insert(&mut conn, "PW", "Dubbel")
            .await
            .expect("q"),
        "a stream's code"
    );
    assert!(
        !db::laws::insert(&mut conn, "DUO", "Dubbel")
            .await
            .expect("q"),
        "taken"
    );
    assert!(
        db::laws::insert(&mut conn, "PENSIOEN", "Pensioenen")
            .await
            .expect("q")
    );
    assert!(
        db::laws::update(&mut conn, "PENSIOEN", "Pensioenen (SVB)", false, 1)
            .await
            .expect("q")
    );
    assert!(
        !db::laws::update(&mut conn, "PENSIOEN", "Oud", true, 1)
            .await
            .expect("q"),
        "stale"
    );

    let lead = db::users::create(&mut *conn, "tes", "Tes", HASH, None, NOW)
        .await
        .expect("q")
        .expect("user");
    let item = db::agenda::NewItem {
        law: "PW",
        rule_key: "kostendelersnorm",
        organisation_key: "gemeente",
        title: "Kostendelersnorm",
        owner: "Beleid",
    };
    let id = db::agenda::insert_item(&mut conn, &item, NOW, lead)
        .await
        .expect("q")
        .expect("id");
    assert!(
        db::agenda::insert_item(&mut conn, &item, NOW, lead)
            .await
            .expect("q")
            .is_none()
    );
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");
    let team = Rung::OnAgenda(Forum::Team);
    assert!(
        db::agenda::set_rung(&mut conn, id, 1, &team, NOW)
            .await
            .expect("q")
    );
    assert!(
        !db::agenda::set_rung(&mut conn, id, 1, &Rung::Solved, NOW)
            .await
            .expect("q"),
        "stale"
    );
    db::agenda::insert_step(&mut conn, id, day, &team, "Besproken", NOW, lead)
        .await
        .expect("step");
    assert_eq!(
        db::agenda::item_rung(&mut conn, id).await.expect("q"),
        Some((team, 2))
    );
    let items = db::agenda::items(&mut conn, None).await.expect("decode");
    assert_eq!(
        db::agenda::items(&mut conn, Some(id + 1)).await.expect("q"),
        vec![]
    );
    assert_eq!(items[0].rung, "geagendeerd (team)");
    assert_eq!(items[0].steps[0].note, "Besproken");
    assert!(
        sqlx::query("UPDATE agenda_steps SET note = 'anders'")
            .execute(&mut *conn)
            .await
            .is_err()
    );
    assert!(
        sqlx::query("UPDATE agenda_items SET rung = 'escalated', version = version + 1")
            .execute(&mut *conn)
            .await
            .is_err(),
        "escalated names whom"
    );
}

#[tokio::test]
async fn the_knelpunten_beside_a_canvas_follow_every_save_of_it() {
    let (pool, _dir) = crate::fixture::database().await;
    let mut conn = pool.acquire().await.expect("conn");
    let (case, pim) = a_case(&mut conn, "DB-2025-0002").await;
    let blocker = |law: &str, rule: &str| doorbraak::canvas::Blocker {
        law: doorbraak::StreamCode::new(law).expect("law"),
        rule: rule.into(),
        organisation: "Belastingdienst".into(),
        description: "Vrije tekst die niet naast het canvas staat".into(),
        category: Some(doorbraak::canvas::BlockerCategory::Rule),
    };
    let mut canvas = Canvas::new_draft(Horizon::DEFAULT);
    canvas.blockers = vec![
        blocker("TOESLAGEN", "Terugvordering"),
        blocker("PW", "Kostendelersnorm"),
    ];
    let calc = doorbraak::returns::calculate_canvas(&canvas, &Default::default()).expect("calc");
    db::cases::insert_canvas(&mut conn, case, 1, &canvas, &calc, pim, NOW)
        .await
        .expect("canvas");
    async fn rows(
        conn: &mut sqlx::SqliteConnection,
        case: i64,
    ) -> Vec<(i64, i64, String, String, String)> {
        sqlx::query_as(
            "SELECT version, position, law, rule, category FROM canvas_knelpunten WHERE case_id = ?1 ORDER BY version, position",
        )
        .bind(case)
        .fetch_all(conn)
        .await
        .expect("rows")
    }
    assert_eq!(
        rows(&mut conn, case).await,
        [
            (
                1,
                0,
                "TOESLAGEN".into(),
                "Terugvordering".into(),
                "rule".into()
            ),
            (1, 1, "PW".into(), "Kostendelersnorm".into(), "rule".into()),
        ]
    );
    // A save that drops one knelpunt leaves one row.
    canvas.blockers.remove(0);
    let saved = db::cases::update_canvas(&mut conn, case, 1, 1, &canvas, None, &calc, pim, NOW)
        .await
        .expect("update");
    assert!(saved);
    assert_eq!(
        rows(&mut conn, case).await,
        [(1, 0, "PW".into(), "Kostendelersnorm".into(), "rule".into())]
    );
    // The free text stays in the canvas only.
    let texts: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM canvas_knelpunten WHERE rule LIKE '%Vrije tekst%' OR organisation LIKE '%Vrije tekst%'",
    )
    .fetch_one(&mut *conn)
    .await
    .expect("q");
    assert_eq!(texts, 0);
}
