//! HTTP tests: the real server on 127.0.0.1:0 with a fresh SQLite file per
//! test, called like a browser or another system would.

use std::collections::BTreeSet;

use crate::common;
use app::error::AppError;
use doorbraak::Role;
use reqwest::StatusCode;
use reqwest::header::COOKIE;
use server::demo;

#[tokio::test]
async fn sign_in_sets_a_strict_http_only_cookie_and_a_server_side_session() {
    let s = common::spawn().await;
    let reply = s
        .call_raw(
            "login",
            None,
            &[("username", "beheer"), ("password", demo::PASSWORD)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let cookie = reply.cookie.expect("cookie");
    for part in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(part), "{cookie} lacks {part}");
    }
    assert!(!cookie.contains("Secure"), "no Secure flag over plain http");
    assert_eq!(s.rows("sessions").await, 1);
    let token = s.demo_login("beheer").await;
    assert_eq!(s.signed_in_as(&token).await.as_deref(), Some("beheer"));
    // Usernames are case-insensitive.
    assert!(s.sign_in("BEHEER", demo::PASSWORD).await.is_ok());
}

#[tokio::test]
async fn every_demo_user_can_sign_in() {
    let s = common::spawn().await;
    for (username, _, _, _, _) in demo::USERS {
        let token = s.demo_login(username).await;
        assert_eq!(s.signed_in_as(&token).await.as_deref(), Some(*username));
    }
}

#[tokio::test]
async fn wrong_credentials_get_one_dutch_message_and_change_nothing() {
    let s = common::spawn().await;
    let sessions = s.rows("sessions").await;
    for (user, password) in [
        ("beheer", "fout-wachtwoord"),
        ("niemand", "fout-wachtwoord"),
    ] {
        let reply = s.sign_in(user, password).await.expect_err("refused");
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert_eq!(reply.error(), AppError::BadCredentials);
        assert_eq!(
            reply.error().to_string(),
            "Onbekende gebruikersnaam of onjuist wachtwoord."
        );
        assert!(reply.cookie.is_none());
    }
    let empty = s.sign_in("", "x").await.expect_err("refused");
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        empty.error().for_field("username").as_deref(),
        Some("Vul uw gebruikersnaam in.")
    );
    let no_password = s.sign_in("beheer", "").await.expect_err("refused");
    assert_eq!(
        no_password.error().for_field("password").as_deref(),
        Some("Vul uw wachtwoord in.")
    );
    let long = "x".repeat(65);
    assert_eq!(
        s.sign_in(&long, "x").await.expect_err("refused").status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let long_pw = "x".repeat(129);
    assert_eq!(
        s.sign_in("beheer", &long_pw)
            .await
            .expect_err("refused")
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let missing = s.call_raw("login", None, &[("username", "beheer")]).await;
    assert_eq!(
        missing.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a missing field is bad input: {}",
        missing.body
    );
    assert_eq!(s.rows("sessions").await, sessions);
    let failures: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE action = 'login_failed'")
            .fetch_one(&s.pool)
            .await
            .expect("audit");
    assert_eq!(failures, 2, "failed sign-ins are in the audit trail");
}

#[tokio::test]
async fn repeated_failures_throttle_the_account_and_the_address() {
    let s = common::spawn().await;
    for _ in 0..5 {
        assert_eq!(
            s.sign_in("teamleider", "fout-wachtwoord")
                .await
                .expect_err("refused")
                .status,
            StatusCode::UNAUTHORIZED
        );
    }
    let blocked = s
        .sign_in("teamleider", demo::PASSWORD)
        .await
        .expect_err("throttled");
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        blocked.error().to_string(),
        "Te veel mislukte inlogpogingen. Probeer het over 15 minuten opnieuw."
    );
    // Another account from the same address still works…
    assert!(s.sign_in("backoffice", demo::PASSWORD).await.is_ok());
    // …until the address itself passes its limit (20 failures in the window).
    for i in 0..15 {
        let _ = s.sign_in(&format!("onbekend{i}"), "fout-wachtwoord").await;
    }
    let by_address = s
        .sign_in("wethouder", demo::PASSWORD)
        .await
        .expect_err("throttled");
    assert_eq!(by_address.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn sessions_expire_when_idle_and_after_their_maximum_age() {
    let s = common::spawn().await;
    let idle = s.demo_login("beheer").await;
    let old = s.demo_login("beheer").await;
    assert_eq!(s.rows("sessions").await, 2);
    let hash = |t: &str| app::auth::token_hash(b"a-test-secret-that-is-long-enough-0123456789", t);
    let minutes_ago =
        |m: i64| app::db::timestamp(chrono::Utc::now() - chrono::Duration::minutes(m));
    sqlx::query("UPDATE sessions SET last_seen_at = ?1 WHERE token_hash = ?2")
        .bind(minutes_ago(31))
        .bind(hash(&idle))
        .execute(&s.pool)
        .await
        .expect("age idle session");
    sqlx::query("UPDATE sessions SET created_at = ?1 WHERE token_hash = ?2")
        .bind(minutes_ago(12 * 60 + 1))
        .bind(hash(&old))
        .execute(&s.pool)
        .await
        .expect("age old session");
    for token in [&idle, &old] {
        assert_eq!(s.signed_in_as(token).await, None);
        assert_eq!(
            s.call_raw("users", Some(token), &[]).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    // A session in use stays alive: each request moves last_seen_at on.
    let active = s.demo_login("beheer").await;
    assert_eq!(
        s.call_raw("users", Some(&active), &[]).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn forged_missing_and_signed_out_sessions_are_refused() {
    let s = common::spawn().await;
    let forged = "ab".repeat(32);
    for token in [Some(forged.as_str()), Some("not-hex"), Some(""), None] {
        let reply = s.call_raw("users", token, &[]).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "token {token:?}");
        assert_eq!(reply.error(), AppError::Unauthenticated);
    }
    let token = s.demo_login("beheer").await;
    let out = s.call_raw("logout", Some(&token), &[]).await;
    assert_eq!(out.status, StatusCode::OK);
    assert!(out.cookie.expect("cleared cookie").contains("Max-Age=0"));
    assert_eq!(
        s.call_raw("users", Some(&token), &[]).await.status,
        StatusCode::UNAUTHORIZED,
        "the server forgot the session"
    );
}

#[tokio::test]
async fn a_post_from_another_site_is_refused() {
    let s = common::spawn().await;
    let token = s.demo_login("beheer").await;
    let reply = s
        .raw
        .post(format!("{}/api/create_team", s.base))
        .header(COOKIE, format!("{}={token}", app::auth::COOKIE_NAME))
        .header("origin", "http://evil.example")
        .form(&[("name", "Kwaadaardig team")])
        .send()
        .await
        .expect("request");
    assert_eq!(reply.status(), StatusCode::FORBIDDEN);
    assert_eq!(s.rows("teams").await, 3, "nothing was created");
}

use crate::common::access::ACCESS;

#[tokio::test]
async fn every_server_function_checks_the_role_of_every_caller() {
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_string())
        .collect();
    let listed: BTreeSet<String> = ACCESS.iter().map(|(e, _, _)| e.to_string()).collect();
    assert_eq!(
        registered, listed,
        "every server function needs a row in ACCESS"
    );

    let s = common::spawn().await;
    let users: Vec<(&str, Role)> = vec![
        ("professional", Role::Professional),
        ("teamleider", Role::Approver),
        ("backoffice", Role::Backoffice),
        ("budgethouder", Role::StreamOwner),
        ("wethouder", Role::Alderman),
        ("beheer", Role::Administrator),
    ];
    let mut checked = 0;
    for (endpoint, access, form) in ACCESS {
        let anonymous = s.call_raw(endpoint, None, form).await;
        match access {
            None => assert!(
                anonymous.status != StatusCode::UNAUTHORIZED
                    && anonymous.status != StatusCode::FORBIDDEN,
                "{endpoint} is public"
            ),
            Some(_) => assert_eq!(
                anonymous.status,
                StatusCode::UNAUTHORIZED,
                "{endpoint} without a session"
            ),
        }
        for (username, role) in &users {
            let token = s.demo_login(username).await;
            let reply = s.call_raw(endpoint, Some(&token), form).await;
            let allowed = access.is_none_or(|roles| roles.is_empty() || roles.contains(role));
            if allowed {
                assert!(
                    reply.status != StatusCode::FORBIDDEN
                        && reply.status != StatusCode::UNAUTHORIZED,
                    "{username} may call {endpoint}: {} {}",
                    reply.status,
                    reply.body
                );
            } else {
                assert_eq!(
                    reply.status,
                    StatusCode::FORBIDDEN,
                    "{username} may not call {endpoint}: {}",
                    reply.body
                );
                assert_eq!(reply.error(), AppError::Forbidden);
            }
            checked += 1;
        }
    }
    assert_eq!(checked, ACCESS.len() * users.len());
}

#[tokio::test]
async fn the_administrator_manages_users_and_bad_input_changes_nothing() {
    let s = common::spawn().await;
    let admin = s.demo_login("beheer").await;
    let create = |username: &'static str, password: &'static str| {
        vec![
            ("input[username]", username),
            ("input[display_name]", "Nieuwe Collega"),
            ("input[password]", password),
            ("input[roles][0]", "professional"),
            ("input[teams][0]", "1"),
        ]
    };
    let users_before = s.rows("users").await;
    let weak = s
        .call_raw("save_user", Some(&admin), &create("nieuw", "kort"))
        .await;
    assert_eq!(
        weak.error().for_field("password").as_deref(),
        Some("Een wachtwoord heeft minstens 12 tekens.")
    );
    let bad_name = s
        .call_raw(
            "save_user",
            Some(&admin),
            &create("Nieuwe Collega!", "lang-genoeg-wachtwoord"),
        )
        .await;
    assert!(bad_name.error().for_field("username").is_some());
    let mut no_team = create("nieuw", "lang-genoeg-wachtwoord");
    no_team.truncate(4);
    assert!(
        s.call_raw("save_user", Some(&admin), &no_team)
            .await
            .error()
            .for_field("teams")
            .is_some()
    );
    let mut approver = create("nieuw", "lang-genoeg-wachtwoord");
    approver[3] = ("input[roles][0]", "approver");
    assert!(
        s.call_raw("save_user", Some(&admin), &approver)
            .await
            .error()
            .for_field("mandate_level")
            .is_some()
    );
    let mut unknown_role = create("nieuw", "lang-genoeg-wachtwoord");
    unknown_role[3] = ("input[roles][0]", "koning");
    assert!(
        s.call_raw("save_user", Some(&admin), &unknown_role)
            .await
            .error()
            .for_field("roles")
            .is_some()
    );
    let mut foreign_team = create("nieuw", "lang-genoeg-wachtwoord");
    foreign_team[4] = ("input[teams][0]", "999");
    assert!(
        s.call_raw("save_user", Some(&admin), &foreign_team)
            .await
            .error()
            .for_field("teams")
            .is_some()
    );
    let long_name = "n".repeat(101);
    let mut overlong = create("nieuw", "lang-genoeg-wachtwoord");
    overlong[1] = ("input[display_name]", long_name.as_str());
    assert!(
        s.call_raw("save_user", Some(&admin), &overlong)
            .await
            .error()
            .for_field("display_name")
            .is_some()
    );
    assert_eq!(
        s.rows("users").await,
        users_before,
        "bad input created nobody"
    );

    let ok = s
        .call_raw(
            "save_user",
            Some(&admin),
            &create("nieuw", "lang-genoeg-wachtwoord"),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let id: i64 = serde_json::from_str(&ok.body).expect("id");
    let twice = s
        .call_raw(
            "save_user",
            Some(&admin),
            &create("nieuw", "lang-genoeg-wachtwoord"),
        )
        .await;
    assert_eq!(
        twice.error().for_field("username").as_deref(),
        Some("Deze gebruikersnaam bestaat al.")
    );
    assert_eq!(s.rows("users").await, users_before + 1);

    // Editing with a stale version is refused.
    let id_text = id.to_string();
    let edit = |version: &'static str, name: &'static str| {
        vec![
            ("input[id]", id_text.clone()),
            ("input[version]", version.to_string()),
            ("input[display_name]", name.to_string()),
            ("input[roles][0]", "professional".to_string()),
            ("input[teams][0]", "2".to_string()),
        ]
    };
    let as_refs = |v: &Vec<(&'static str, String)>| {
        v.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>()
    };
    let first = edit("1", "Eerste Wijziging");
    let reply = s
        .raw
        .post(format!("{}/api/save_user", s.base))
        .header(COOKIE, format!("{}={admin}", app::auth::COOKIE_NAME))
        .form(&as_refs(&first))
        .send()
        .await
        .expect("edit");
    assert_eq!(reply.status(), StatusCode::OK);
    let stale = edit("1", "Tweede Wijziging");
    let reply = s
        .raw
        .post(format!("{}/api/save_user", s.base))
        .header(COOKIE, format!("{}={admin}", app::auth::COOKIE_NAME))
        .form(&as_refs(&stale))
        .send()
        .await
        .expect("edit");
    assert_eq!(reply.status(), StatusCode::CONFLICT);
    let name: String = sqlx::query_scalar("SELECT display_name FROM users WHERE id = ?1")
        .bind(id)
        .fetch_one(&s.pool)
        .await
        .expect("name");
    assert_eq!(name, "Eerste Wijziging");

    // The new user signs in; deactivating ends the session; a reset replaces the password.
    let session = s
        .sign_in("nieuw", "lang-genoeg-wachtwoord")
        .await
        .expect("signs in");
    assert!(
        s.signed_in_as(&session).await.is_some(),
        "in use, so the server remembers the session"
    );
    assert_eq!(
        s.call_raw(
            "set_user_active",
            Some(&admin),
            &[("id", &id_text), ("active", "false")]
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(s.signed_in_as(&session).await, None);
    assert!(
        s.sign_in("nieuw", "lang-genoeg-wachtwoord").await.is_err(),
        "a deactivated user cannot sign in"
    );
    assert_eq!(
        s.call_raw(
            "set_user_active",
            Some(&admin),
            &[("id", &id_text), ("active", "true")]
        )
        .await
        .status,
        StatusCode::OK
    );
    let reset = s
        .call_raw("reset_password", Some(&admin), &[("id", &id_text)])
        .await;
    let new_password: String = serde_json::from_str(&reset.body).expect("password");
    assert!(s.sign_in("nieuw", "lang-genoeg-wachtwoord").await.is_err());
    assert!(s.sign_in("nieuw", &new_password).await.is_ok());

    // The administrator cannot lock themselves out.
    let admin_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = 'beheer'")
        .fetch_one(&s.pool)
        .await
        .expect("id");
    let me = s
        .call_raw(
            "set_user_active",
            Some(&admin),
            &[("id", &admin_id.to_string()), ("active", "false")],
        )
        .await;
    assert_eq!(me.status, StatusCode::CONFLICT);

    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_events WHERE actor_name = 'beheer' ORDER BY id",
    )
    .fetch_all(&s.pool)
    .await
    .expect("audit");
    for expected in [
        "user_created",
        "user_updated",
        "user_deactivated",
        "user_activated",
        "password_reset",
    ] {
        assert!(
            actions.iter().any(|a| a == expected),
            "{expected} is audited: {actions:?}"
        );
    }
}

#[tokio::test]
async fn teams_are_unique_and_audited() {
    let s = common::spawn().await;
    let admin = s.demo_login("beheer").await;
    assert_eq!(
        s.call_raw("create_team", Some(&admin), &[("name", "  ")])
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let long = "t".repeat(101);
    assert_eq!(
        s.call_raw("create_team", Some(&admin), &[("name", &long)])
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        s.call_raw("create_team", Some(&admin), &[("name", "Team Oost")])
            .await
            .status,
        StatusCode::OK
    );
    let twice = s
        .call_raw("create_team", Some(&admin), &[("name", "team oost")])
        .await;
    assert_eq!(
        twice.error().for_field("name").as_deref(),
        Some("Er bestaat al een team met deze naam.")
    );
    assert_eq!(s.rows("teams").await, 4);
    let page = s
        .call_raw(
            "audit_events",
            Some(&admin),
            &[
                ("actor", ""),
                ("action", "team_created"),
                ("from", ""),
                ("to", ""),
                ("case", ""),
                ("page", "0"),
            ],
        )
        .await;
    let page: app::api::audit::AuditPage = serde_json::from_str(&page.body).expect("page");
    assert_eq!(page.events.len(), 1);
    assert!(
        page.events[0]
            .after
            .as_deref()
            .is_some_and(|a| a.contains("Team Oost"))
    );
    let bad_date = s
        .call_raw(
            "audit_events",
            Some(&admin),
            &[
                ("actor", ""),
                ("action", ""),
                ("from", "22-11-2026"),
                ("to", ""),
                ("case", ""),
                ("page", "0"),
            ],
        )
        .await;
    assert_eq!(
        bad_date.error().for_field("from").as_deref(),
        Some("Vul een datum in als jjjj-mm-dd.")
    );
}

#[tokio::test]
async fn the_database_refuses_to_change_or_delete_audit_events() {
    let s = common::spawn().await;
    let _ = s.demo_login("beheer").await;
    let before = s.rows("audit_events").await;
    assert!(before > 0);
    let update = sqlx::query("UPDATE audit_events SET actor_name = 'iemand anders'")
        .execute(&s.pool)
        .await;
    assert!(
        update
            .expect_err("update refused")
            .to_string()
            .contains("append-only")
    );
    let delete = sqlx::query("DELETE FROM audit_events")
        .execute(&s.pool)
        .await;
    assert!(
        delete
            .expect_err("delete refused")
            .to_string()
            .contains("append-only")
    );
    assert_eq!(s.rows("audit_events").await, before);
    let changed: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE actor_name = 'iemand anders'")
            .fetch_one(&s.pool)
            .await
            .expect("count");
    assert_eq!(changed, 0);
}

#[tokio::test]
async fn pages_render_on_the_server_and_unknown_pages_are_404() {
    let s = common::spawn().await;
    let page = s
        .raw
        .get(format!("{}/inloggen", s.base))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(
        page.headers()
            .get("x-frame-options")
            .and_then(|v| v.to_str().ok()),
        Some("DENY")
    );
    let html = page.text().await.expect("html");
    assert!(html.contains("<html lang=\"nl\">") && html.contains("Inloggen"));
    let missing = s
        .raw
        .get(format!("{}/bestaat-niet", s.base))
        .send()
        .await
        .expect("page");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    drop(s.db_path.clone());
}

/// A page for an object that does not exist, or that the user may not see,
/// says so in Dutch under a heading and carries the status that fits; a page
/// for another role is 403; without a session every page is a real redirect.
#[tokio::test]
async fn missing_and_forbidden_objects_get_their_status_and_a_dutch_message() {
    let s = common::spawn().await;
    let back = s.demo_login("backoffice").await;
    let admin = s.demo_login("beheer").await;
    let zuid = s.demo_login("professional.zuid").await;
    let noord_case: i64 = sqlx::query_scalar(
        "SELECT c.id FROM cases c JOIN teams t ON t.id = c.team_id WHERE t.name = 'Team Noord' ORDER BY c.id LIMIT 1",
    )
    .fetch_one(&s.pool)
    .await
    .expect("case");
    let get = |token: Option<&str>, path: String| {
        let mut request = s.raw.get(format!("{}{path}", s.base));
        if let Some(token) = token {
            request = request.header(COOKIE, format!("{}={token}", app::auth::COOKIE_NAME));
        }
        request.send()
    };
    let cases = [
        (
            &back,
            "/terugboeken/999999".to_string(),
            StatusCode::NOT_FOUND,
            "Deze terugboekrun bestaat niet.",
        ),
        (
            &back,
            "/casussen/999999".to_string(),
            StatusCode::NOT_FOUND,
            "Deze casus bestaat niet",
        ),
        (
            &admin,
            "/beheer/gebruikers/999999".to_string(),
            StatusCode::NOT_FOUND,
            "Deze gebruiker bestaat niet.",
        ),
        (
            &admin,
            "/inrichting/catalogus/999999".to_string(),
            StatusCode::NOT_FOUND,
            "Dit catalogusitem bestaat niet.",
        ),
        (
            &zuid,
            format!("/casussen/{noord_case}"),
            StatusCode::NOT_FOUND,
            "u heeft er geen toegang toe",
        ),
        (
            &admin,
            "/terugboeken/1".to_string(),
            StatusCode::FORBIDDEN,
            "Deze pagina is alleen voor de rol",
        ),
        (
            &back,
            "/beheer/gebruikers".to_string(),
            StatusCode::FORBIDDEN,
            "Deze pagina is alleen voor de rol",
        ),
    ];
    for (token, path, status, message) in cases {
        let page = get(Some(token), path.clone()).await.expect("page");
        assert_eq!(page.status(), status, "{path}");
        let html = page.text().await.expect("html");
        let main = html.split("<main").nth(1).unwrap_or_default();
        assert!(main.contains(message), "{path} says {message:?}: {main}");
        assert!(main.contains("<h1"), "{path} has a heading");
    }
    let anonymous = get(None, "/terugboeken".to_string()).await.expect("page");
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        anonymous
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok()),
        Some("/inloggen?terug=/terugboeken")
    );
}

fn binary() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_doorbraak"))
}

#[test]
fn bad_configuration_stops_the_start_with_a_clear_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        (vec![("DOORBRAAK_ADDR", "geen-adres")], "DOORBRAAK_ADDR"),
        (
            vec![("DOORBRAAK_SESSION_SECRET", "kort")],
            "DOORBRAAK_SESSION_SECRET",
        ),
        (
            vec![("DOORBRAAK_SESSION_IDLE_MINUTES", "veel")],
            "DOORBRAAK_SESSION_IDLE_MINUTES",
        ),
        (
            vec![("DOORBRAAK_DATABASE", "/proc/doorbraak/test.db")],
            "cannot create the database folder",
        ),
    ];
    for (env, expected) in cases {
        let output = binary()
            .envs(env.clone())
            .env(
                "DOORBRAAK_ADDR",
                env.iter()
                    .find(|(k, _)| *k == "DOORBRAAK_ADDR")
                    .map_or("127.0.0.1:0", |(_, v)| v),
            )
            .env_remove("DOORBRAAK_DATABASE")
            .envs(
                env.iter()
                    .filter(|(k, _)| *k == "DOORBRAAK_DATABASE")
                    .cloned(),
            )
            .current_dir(dir.path())
            .output()
            .expect("run");
        assert!(!output.status.success(), "{env:?} must stop the start");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{env:?}: {stderr}");
    }
}

#[tokio::test]
async fn create_admin_makes_the_first_administrator_of_a_real_deployment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("prod.db");
    let run = |password: &str| {
        binary()
            .args([
                "create-admin",
                "--username",
                "eerste.beheerder",
                "--name",
                "Eerste Beheerder",
                "--municipality",
                "Gemeente Proef",
            ])
            .env("DOORBRAAK_DATABASE", &db)
            .env("DOORBRAAK_ADMIN_PASSWORD", password)
            .output()
            .expect("run")
    };
    let weak = run("kort");
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("minstens 12 tekens"));
    assert!(run("een-sterk-wachtwoord").status.success());
    assert!(
        !run("een-sterk-wachtwoord").status.success(),
        "the same user twice is refused"
    );

    let mut config = common::test_config(dir.path());
    config.database = db;
    let s = common::start(&config, false, dir).await;
    assert_eq!(
        s.rows("teams").await,
        0,
        "no demo data in a real deployment"
    );
    let token = s
        .sign_in("eerste.beheerder", "een-sterk-wachtwoord")
        .await
        .expect("signs in");
    let reply = s.call_raw("session", Some(&token), &[]).await;
    let view: app::model::SessionView = serde_json::from_str(&reply.body).expect("view");
    assert_eq!(view.municipality, "Gemeente Proef");
    assert!(view.user.expect("user").roles.has(Role::Administrator));
}

#[tokio::test]
async fn a_signed_out_visitor_signs_in_and_comes_back_to_the_page_asked_for() {
    let s = common::spawn().await;
    let get = |path: &str, cookie: Option<String>| {
        let mut request = s.raw.get(format!("{}{path}", s.base));
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, cookie);
        }
        async move {
            let r = request.send().await.expect("request");
            (r.status(), common::location(&r))
        }
    };
    // Signed out, any page answers 303 to the sign-in page with the way back.
    let (status, location) = get("/terugboeken/5?pagina=2", None).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location.as_deref(),
        Some("/inloggen?terug=/terugboeken/5%3Fpagina%3D2")
    );
    // Signed in, the sign-in page sends the browser on to that page; a way
    // back that leaves the site goes to the start page instead.
    let back = s.login("backoffice").await;
    let (status, location) = get(
        "/inloggen?terug=/terugboeken/5%3Fpagina%3D2",
        Some(back.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some("/terugboeken/5?pagina=2"));
    for away in ["//evil.example/x", "https%3A%2F%2Fevil.example"] {
        let (status, location) = get(&format!("/inloggen?terug={away}"), Some(back.clone())).await;
        assert_eq!(
            (status, location.as_deref()),
            (StatusCode::SEE_OTHER, Some("/"))
        );
    }
    // The wrong role: 403 with a plain sentence and a way back.
    let (status, body) = s.page(&s.login("professional").await, "/terugboeken").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("Geen toegang") && body.contains("Terug naar de startpagina"));
}

#[tokio::test]
async fn a_plain_form_lands_on_what_it_made_and_says_what_it_did() {
    let s = common::spawn().await;
    let post = |endpoint: &'static str, user: &'static str, form: Vec<(&'static str, String)>| {
        let s = &s;
        async move {
            let token = s.demo_login(user).await;
            let r = s
                .raw
                .post(format!("{}/api/{endpoint}", s.base))
                .header(COOKIE, format!("{}={token}", app::auth::COOKIE_NAME))
                .header("origin", &s.base)
                .header(
                    "referer",
                    format!("{}/beheer/teams?bevestigen=x&toon=alle", s.base),
                )
                .header("accept", "text/html")
                .form(&form)
                .send()
                .await
                .expect("request");
            (r.status(), common::location(&r))
        }
    };
    let team = s
        .count("SELECT team_id FROM user_teams t JOIN users u ON u.id = t.user_id WHERE u.username = 'professional'")
        .await;
    let (status, location) = post(
        "create_case",
        "professional",
        vec![("team_id", team.to_string())],
    )
    .await;
    let case = s.count("SELECT max(id) FROM cases").await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(
        location,
        Some(format!("/casussen/{case}/canvas?gedaan=create_case"))
    );
    let (_, page) = s
        .page(
            &s.login("professional").await,
            &format!("/casussen/{case}/canvas?gedaan=create_case"),
        )
        .await;
    assert!(
        page.contains("De casus is gestart."),
        "the page says what was done"
    );
    // A form without a page of its own goes back where it came from, without
    // the confirmation it asked, and says what it did.
    let (status, location) = post(
        "create_team",
        "beheer",
        vec![("name", "Team Oost".to_string())],
    )
    .await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(
        location.as_deref(),
        Some("/beheer/teams?toon=alle&gedaan=create_team")
    );
    let (_, page) = s
        .page(&s.login("beheer").await, "/beheer/teams?gedaan=create_team")
        .await;
    assert!(page.contains("Het team is aangemaakt."));
    let (_, page) = s
        .page(
            &s.login("beheer").await,
            "/beheer/teams?gedaan=%3Cscript%3E",
        )
        .await;
    assert!(!page.contains("data-done"), "only known actions are said");
    let year = chrono::Datelike::year(&chrono::Utc::now());
    let (status, location) = post(
        "create_run",
        "backoffice",
        vec![
            ("period_from", format!("{}-01-01", year - 4)),
            ("period_to", format!("{year}-01-01")),
        ],
    )
    .await;
    let run = s.count("SELECT max(id) FROM chargeback_runs").await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(
        location,
        Some(format!("/terugboeken/{run}?gedaan=create_run"))
    );
}
