//! Database tests of the query modules: a fresh SQLite file per test with the
//! real migrations.
#![cfg(feature = "ssr")]

use app::db;
use doorbraak::{Role, RoleSet};
use sqlx::SqlitePool;

async fn fresh() -> (SqlitePool, tempfile::TempDir) {
    crate::fixture::database().await
}

use crate::fixture::{HASH, NOW};

#[tokio::test]
async fn users_round_trip_with_roles_teams_and_versions() {
    let (pool, _dir) = fresh().await;
    let team = db::teams::create(&pool, "Team Noord", NOW)
        .await
        .expect("q")
        .expect("id");
    assert_eq!(
        db::teams::create(&pool, "team noord", NOW)
            .await
            .expect("q"),
        None,
        "names are unique, case-insensitive"
    );
    let id = db::users::create(&pool, "pim", "Pim", HASH, Some("teamleider"), NOW)
        .await
        .expect("q")
        .expect("id");
    assert_eq!(
        db::users::create(&pool, "PIM", "Pim 2", HASH, None, NOW)
            .await
            .expect("q"),
        None
    );
    let mut conn = pool.acquire().await.expect("conn");
    db::users::set_roles(
        &mut conn,
        id,
        RoleSet::of(&[Role::Approver, Role::Professional]),
    )
    .await
    .expect("roles");
    db::users::set_teams(&mut conn, id, &[team])
        .await
        .expect("teams");
    drop(conn);
    let user = db::users::get(&pool, id).await.expect("q").expect("user");
    assert_eq!(
        user.roles,
        RoleSet::of(&[Role::Professional, Role::Approver])
    );
    assert_eq!(user.team_ids, vec![team]);
    assert_eq!(user.mandate_level.as_deref(), Some("teamleider"));
    assert!(
        db::users::update_profile(&pool, id, 1, "Pim P.", None)
            .await
            .expect("q")
    );
    assert!(
        !db::users::update_profile(&pool, id, 1, "Stale", None)
            .await
            .expect("q"),
        "a stale version changes nothing"
    );
    let user = db::users::get(&pool, id).await.expect("q").expect("user");
    assert_eq!((user.display_name.as_str(), user.version), ("Pim P.", 2));
    assert_eq!(
        db::teams::count_active(&pool, &[team, 999])
            .await
            .expect("q"),
        1
    );
}

#[tokio::test]
async fn the_schema_refuses_invalid_rows() {
    let (pool, _dir) = fresh().await;
    let bad_hash = db::users::create(&pool, "pim", "Pim", "plaintext", None, NOW).await;
    assert!(bad_hash.is_err(), "only argon2id hashes are stored");
    let bad_role = sqlx::query("INSERT INTO user_roles (user_id, role) VALUES (1, 'koning')")
        .execute(&pool)
        .await;
    assert!(bad_role.is_err());
    let orphan = sqlx::query("INSERT INTO user_teams (user_id, team_id) VALUES (42, 42)")
        .execute(&pool)
        .await;
    assert!(orphan.is_err(), "foreign keys are enforced");
}

#[tokio::test]
async fn sessions_are_live_only_within_idle_and_absolute_limits() {
    let (pool, _dir) = fresh().await;
    let id = db::users::create(&pool, "pim", "Pim", HASH, None, NOW)
        .await
        .expect("q")
        .expect("id");
    db::sessions::create(&pool, "h1", id, NOW, "127.0.0.1")
        .await
        .expect("create");
    assert_eq!(
        db::sessions::find_live(
            &pool,
            "h1",
            "2026-11-22T09:30:00.000Z",
            "2026-11-21T22:00:00.000Z"
        )
        .await
        .expect("q"),
        Some((id, NOW.to_string()))
    );
    assert_eq!(
        db::sessions::find_live(
            &pool,
            "h1",
            "2026-11-22T10:00:00.001Z",
            "2026-11-21T22:00:00.000Z"
        )
        .await
        .expect("q"),
        None,
        "idle"
    );
    assert_eq!(
        db::sessions::find_live(
            &pool,
            "h1",
            "2026-11-22T09:30:00.000Z",
            "2026-11-22T10:00:00.001Z"
        )
        .await
        .expect("q"),
        None,
        "too old"
    );
    db::users::set_active(&pool, id, false)
        .await
        .expect("deactivate");
    assert_eq!(
        db::sessions::find_live(
            &pool,
            "h1",
            "2026-11-22T09:30:00.000Z",
            "2026-11-21T22:00:00.000Z"
        )
        .await
        .expect("q"),
        None,
        "inactive user"
    );
    assert_eq!(
        db::sessions::purge_expired(
            &pool,
            "2026-11-22T10:00:00.001Z",
            "2026-11-21T22:00:00.000Z"
        )
        .await
        .expect("q"),
        1
    );
}

#[tokio::test]
async fn failures_are_counted_per_account_and_address_within_the_window() {
    let (pool, _dir) = fresh().await;
    let mut conn = pool.acquire().await.expect("conn");
    let mut attempts = Vec::new();
    for (user, address, at) in [
        ("pim", "1.1.1.1", "2026-11-22T09:50:00.000Z"),
        ("pim", "2.2.2.2", "2026-11-22T09:55:00.000Z"),
        ("zoe", "1.1.1.1", "2026-11-22T09:56:00.000Z"),
        ("pim", "1.1.1.1", "2026-11-22T09:00:00.000Z"),
        ("", "1.1.1.1", "2026-11-22T09:57:00.000Z"),
        ("", "3.3.3.3", "2026-11-22T09:57:00.000Z"),
    ] {
        let id = db::throttle::reserve_attempt(&mut conn, user, address, at)
            .await
            .expect("record");
        attempts.push(id);
    }
    let since = "2026-11-22T09:45:00.000Z";
    assert_eq!(
        db::throttle::recent_failures(&mut conn, "pim", "1.1.1.1", since)
            .await
            .expect("q"),
        (2, 3)
    );
    // Unknown usernames share no account counter.
    assert_eq!(
        db::throttle::recent_failures(&mut conn, "", "3.3.3.3", since)
            .await
            .expect("q"),
        (0, 1)
    );
    // zoe's attempt succeeded: it and pim's are forgiven, zoe's only.
    db::throttle::succeeded(&mut conn, attempts[2], "zoe")
        .await
        .expect("clear");
    assert_eq!(
        db::throttle::recent_failures(&mut conn, "pim", "1.1.1.1", since)
            .await
            .expect("q"),
        (2, 2)
    );
    db::throttle::succeeded(&mut conn, attempts[1], "pim")
        .await
        .expect("clear");
    assert_eq!(
        db::throttle::recent_failures(&mut conn, "pim", "1.1.1.1", since)
            .await
            .expect("q"),
        (0, 1)
    );
}

#[tokio::test]
async fn throttled_attempts_are_counted_in_bursts_and_taken_once_quiet() {
    let (pool, _dir) = fresh().await;
    let mut conn = pool.acquire().await.expect("conn");
    let mut starts = 0;
    for minute in 0..30 {
        let at = format!("2026-11-22T10:{minute:02}:00.000Z");
        if db::throttle::count_throttled(&mut conn, "pim", "1.1.1.1", &at)
            .await
            .expect("count")
        {
            starts += 1;
        }
    }
    assert_eq!(starts, 1, "one burst, audited once");
    let none = db::throttle::take_ended_bursts(&mut conn, "2026-11-22T10:29:00.000Z")
        .await
        .expect("take");
    assert!(none.is_empty(), "still going on: {none:?}");
    let ended = db::throttle::take_ended_bursts(&mut conn, "2026-11-22T10:45:00.000Z")
        .await
        .expect("take");
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0].attempts, 30);
    assert_eq!(ended[0].first_at, "2026-11-22T10:00:00.000Z");
    assert_eq!(ended[0].last_at, "2026-11-22T10:29:00.000Z");
    assert!(
        db::throttle::count_throttled(&mut conn, "pim", "1.1.1.1", "2026-11-22T11:00:00.000Z")
            .await
            .expect("count"),
        "after the summary a new burst starts"
    );
}

#[tokio::test]
async fn audit_events_are_filtered_by_actor_action_and_dates() {
    let (pool, _dir) = fresh().await;
    for (at, actor, action) in [
        ("2026-11-20T08:00:00.000Z", "beheer", "login"),
        ("2026-11-21T08:00:00.000Z", "pim", "login"),
        ("2026-11-22T08:00:00.000Z", "beheer", "team_created"),
    ] {
        db::audit::record(
            &pool,
            db::audit::NewEvent {
                at: at.into(),
                actor_id: None,
                actor_name: actor,
                action,
                object_type: "x",
                object_id: None,
                before: None,
                after: Some(serde_json::json!({"a": 1})),
                address: None,
            },
        )
        .await
        .expect("record");
    }
    let list = |actor: Option<&str>, action: Option<&str>, from: Option<&str>, to: Option<&str>| {
        let filter = db::audit::AuditFilter {
            actor: actor.map(Into::into),
            action: action.map(Into::into),
            from: from.map(Into::into),
            to: to.map(Into::into),
            case: None,
        };
        let pool = pool.clone();
        async move {
            db::audit::list(&pool, &filter, 50, 0)
                .await
                .expect("q")
                .into_iter()
                .map(|r| r.actor_name + "/" + &r.action)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        list(None, None, None, None).await,
        vec!["beheer/team_created", "pim/login", "beheer/login"]
    );
    assert_eq!(
        list(Some("BEH"), Some("login"), None, None).await,
        vec!["beheer/login"]
    );
    // The bounds are the instants Dutch days begin (21 November, CET).
    assert_eq!(
        list(
            None,
            None,
            Some("2026-11-20T23:00:00.000Z"),
            Some("2026-11-21T23:00:00.000Z")
        )
        .await,
        vec!["pim/login"]
    );
    assert_eq!(
        db::audit::actions(&pool).await.expect("q"),
        vec!["login", "team_created"]
    );
    let bad_json = sqlx::query("INSERT INTO audit_events (at, actor_name, action, object_type, after_json) VALUES ('x', 'y', 'z', 'o', 'not json')").execute(&pool).await;
    assert!(bad_json.is_err());
}
