//! Crash safety: the server process is killed (SIGKILL) while it posts a
//! chargeback run over at least 10,000 settled cases. After a restart the
//! run is booked wholly or not at all, and posting again completes it
//! exactly once.

use crate::common;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::COOKIE;

const SECRET: &str = "a-crash-test-secret-that-is-long-enough-0123";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port")
}

fn server(db: &std::path::Path, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_doorbraak"))
        .arg("serve")
        .env("DOORBRAAK_DATABASE", db)
        .env("DOORBRAAK_ADDR", format!("127.0.0.1:{port}"))
        .env("DOORBRAAK_SESSION_SECRET", SECRET)
        .env("DOORBRAAK_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("server")
}

async fn ready(http: &reqwest::Client, base: &str) {
    for _ in 0..300 {
        if http.get(format!("{base}/inloggen")).send().await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not start");
}

async fn login(http: &reqwest::Client, base: &str) -> String {
    let r = http
        .post(format!("{base}/api/login"))
        .form(&[
            ("username", "backoffice"),
            ("password", server::demo::PASSWORD),
        ])
        .send()
        .await
        .expect("login");
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_string();
    cookie.split(';').next().expect("pair").to_string()
}

async fn call(
    http: &reqwest::Client,
    base: &str,
    cookie: &str,
    endpoint: &str,
    form: &[(&str, String)],
) -> (StatusCode, String) {
    let r = http
        .post(format!("{base}/api/{endpoint}"))
        .header(COOKIE, cookie)
        .form(form)
        .send()
        .await
        .expect("call");
    (r.status(), r.text().await.expect("body"))
}

/// (run status, charges, ledger transactions keyed to the run, cases charged back).
async fn state(db: &std::path::Path, run: i64) -> (String, i64, i64, i64) {
    let pool = server::connect(db).await.expect("open");
    let status: String = sqlx::query_scalar("SELECT status FROM chargeback_runs WHERE id = ?1")
        .bind(run)
        .fetch_one(&pool)
        .await
        .expect("status");
    let count = |sql: String| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(&sql)
                .fetch_one(&pool)
                .await
                .expect("count")
        }
    };
    let charges = count(format!(
        "SELECT count(*) FROM run_charges WHERE run_id = {run}"
    ))
    .await;
    let booked = count(format!(
        "SELECT count(*) FROM ledger_transactions WHERE idempotency_key LIKE 'run-{run}-case-%'"
    ))
    .await;
    let moved = count("SELECT count(*) FROM cases WHERE status = 'charged_back'".into()).await;
    common::ledger_is_consistent(&pool).await;
    pool.close().await;
    (status, charges, booked, moved)
}

#[tokio::test]
async fn a_run_killed_while_posting_is_booked_wholly_or_not_at_all() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("crash.db");
    let generated = Command::new(env!("CARGO_BIN_EXE_doorbraak"))
        .args(["generate", "--cases", "10000", "--seed", "5", "--settled"])
        .env("DOORBRAAK_DATABASE", &db)
        .env("DOORBRAAK_LOG", "warn")
        .status()
        .expect("generate");
    assert!(generated.success());
    let http = reqwest::Client::new();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut first = server(&db, port);
    ready(&http, &base).await;
    let cookie = login(&http, &base).await;
    let today = doorbraak::dates::dutch_today(chrono::Utc::now()).to_string();
    let (status, body) = call(
        &http,
        &base,
        &cookie,
        "create_run",
        &[
            // As far back as a typed date may go: every generated case.
            (
                "period_from",
                format!("{}-01-01", chrono::Datelike::year(&chrono::Utc::now()) - 9),
            ),
            ("period_to", today.clone()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let run: i64 = body.parse().expect("id");
    let (status, body) = call(
        &http,
        &base,
        &cookie,
        "chargeback_run",
        &[("id", run.to_string()), ("page", "0".into())],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let view: app::api::runs::RunView = serde_json::from_str(&body).expect("view");
    assert!(
        view.case_count >= 10_000,
        "{} settled cases",
        view.case_count
    );
    assert!(view.blocked.is_empty(), "{:?}", view.blocked);
    let post = [
        ("run_id", run.to_string()),
        ("version", view.run.version.to_string()),
        ("booking_date", today.clone()),
    ];

    // How long a whole posting takes, timed on a copy, so the real one can
    // be killed late in its work: while it writes.
    let probe_db = dir.path().join("probe.db");
    {
        let pool = server::connect(&db).await.expect("open");
        sqlx::query("VACUUM INTO ?1")
            .bind(probe_db.to_string_lossy().to_string())
            .execute(&pool)
            .await
            .expect("copy");
        pool.close().await;
    }
    let probe_port = free_port();
    let probe_base = format!("http://127.0.0.1:{probe_port}");
    let mut probe = server(&probe_db, probe_port);
    ready(&http, &probe_base).await;
    let started = std::time::Instant::now();
    let (code, body) = call(&http, &probe_base, &cookie, "post_run", &post).await;
    assert_eq!(code, StatusCode::OK, "{body}");
    let whole = started.elapsed();
    probe.kill().expect("stop");
    probe.wait().expect("reaped");

    // Post, and kill the server at 85 % of that time.
    let posting = {
        let (http, base, cookie, post) = (http.clone(), base.clone(), cookie.clone(), post.clone());
        tokio::spawn(async move {
            // The connection dies with the server: no answer is an answer too.
            http.post(format!("{base}/api/post_run"))
                .header(COOKIE, cookie)
                .form(&post)
                .send()
                .await
                .map(|r| r.status())
        })
    };
    tokio::time::sleep(whole * 85 / 100).await;
    first.kill().expect("SIGKILL");
    first.wait().expect("reaped");
    let answered = matches!(posting.await, Ok(Ok(StatusCode::OK)));
    let (status, charges, booked, moved) = state(&db, run).await;
    let nothing = status == "draft" && charges == 0 && booked == 0 && moved == 0;
    let everything =
        status == "posted" && charges > 0 && booked > 0 && moved == view.case_count as i64;
    assert!(
        nothing || everything,
        "half a run: status {status}, {charges} charges, {booked} ledger transactions, {moved} cases moved"
    );
    assert!(!answered || everything, "an answered post is booked");
    eprintln!(
        "a whole posting took {whole:?}; killed at 85 % of that: {}",
        if nothing {
            "nothing was booked"
        } else {
            "everything was booked"
        }
    );

    // Start again and post the same form: the run completes exactly once.
    let mut second = server(&db, port);
    ready(&http, &base).await;
    let cookie = login(&http, &base).await;
    let (code, body) = call(&http, &base, &cookie, "post_run", &post).await;
    assert_eq!(code, StatusCode::OK, "{body}");
    let (code, _) = call(&http, &base, &cookie, "post_run", &post).await;
    assert_eq!(
        code,
        StatusCode::OK,
        "posting again books nothing and succeeds"
    );
    second.kill().expect("stop");
    second.wait().expect("reaped");
    let (status, charges, booked, moved) = state(&db, run).await;
    assert_eq!(status, "posted");
    assert_eq!(moved, view.case_count as i64);
    let pool = server::connect(&db).await.expect("open");
    let with_tx: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM run_charges WHERE run_id = {run} AND tx_id IS NOT NULL"
    ))
    .fetch_one(&pool)
    .await
    .expect("q");
    assert_eq!(booked, with_tx, "one ledger transaction per booked charge");
    assert!(charges >= with_tx);
    let distinct: i64 = sqlx::query_scalar(&format!(
        "SELECT count(DISTINCT case_id) FROM run_charges WHERE run_id = {run}"
    ))
    .fetch_one(&pool)
    .await
    .expect("q");
    assert!(distinct <= moved);
}
