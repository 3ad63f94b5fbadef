//! Operations: the health endpoints for the municipality's monitoring
//! (without signing in, revealing nothing else), and `doorbraak check`,
//! which finds a database whole, or says what is wrong with it.

use reqwest::StatusCode;

use crate::common::{S, spawn, spawn_with};

async fn get(s: &S, path: &str) -> (StatusCode, String) {
    let r = s
        .raw
        .get(format!("{}{path}", s.base))
        .send()
        .await
        .expect("get");
    (r.status(), r.text().await.expect("text"))
}

#[tokio::test]
async fn the_health_endpoints_answer_without_signing_in_and_say_nothing_else() {
    let s = spawn().await;
    assert_eq!(get(&s, "/health/live").await, (StatusCode::OK, "ok".into()));
    let (status, body) = get(&s, "/health/ready").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, r#"{"status":"ready"}"#);
    // Nothing about the data, the path or the version.
    assert!(!body.contains(".db") && !body.contains("Gemeente"));
    // A database that no longer answers: not ready, and which part.
    s.pool.close().await;
    let (status, body) = get(&s, "/health/ready").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let answer: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(
        answer,
        serde_json::json!({ "status": "not ready", "failing": "database" })
    );
    assert_eq!(
        get(&s, "/health/live").await.0,
        StatusCode::OK,
        "the process still answers"
    );
}

#[tokio::test]
async fn check_finds_the_lived_demo_whole_and_says_what_is_wrong_otherwise() {
    let s = spawn_with(|c| c.demo_history = true).await;
    let report = server::check::check(&s.db_path).await.expect("check");
    assert!(report.is_whole(), "{:?}", report.problems);
    assert!(report.checked.iter().any(|c| c.contains("fund years")));

    // A posting that unbalances a transaction (the ledger takes inserts).
    sqlx::query(
        "INSERT INTO ledger_postings (tx_id, account, kind, year, amount_cents)
         SELECT min(id), 'fund:2099', 'fund', 2099, 1 FROM ledger_transactions",
    )
    .execute(&s.pool)
    .await
    .expect("insert");
    let report = server::check::check(&s.db_path).await.expect("check");
    assert!(
        report.problems.iter().any(|p| p.contains("do not balance")),
        "{:?}",
        report.problems
    );

    // A copy with a flipped byte in the middle, and a truncated copy.
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&s.pool)
        .await
        .expect("checkpoint");
    let dir = tempfile::tempdir().expect("dir");
    let bytes = std::fs::read(&s.db_path).expect("read");
    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    for b in &mut flipped[middle..middle + 4096] {
        *b = !*b;
    }
    let truncated = bytes[..bytes.len() / 3].to_vec();
    for (name, content) in [("flipped.db", flipped), ("truncated.db", truncated)] {
        let path = dir.path().join(name);
        std::fs::write(&path, content).expect("write");
        match server::check::check(&path).await {
            Ok(report) => assert!(!report.is_whole(), "{name} must not pass"),
            Err(e) => assert!(!e.to_string().is_empty(), "{name}: a message"),
        }
    }
    // Not a database file at all.
    assert!(
        server::check::check(&dir.path().join("none.db"))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_backup_taken_while_serving_and_posting_restores_whole_and_bad_restores_are_refused() {
    let s = spawn_with(|c| c.demo_history = true).await;
    let back = s.login("backoffice").await;
    let dir = tempfile::tempdir().expect("dir");
    // A chargeback run is created and posted while the backup is taken.
    let (run, version) = crate::common::run_over_everything(&s, &back).await;
    let copy = dir.path().join("kopie.db");
    let form = crate::common::posting(run, version);
    let posting = s.call(&back, "post_run", &form);
    let pages = async {
        for _ in 0..5 {
            assert_eq!(s.page(&back, "/fonds").await.0, StatusCode::OK);
        }
    };
    let (posted, backup, ()) =
        tokio::join!(posting, server::backup::backup(&s.db_path, &copy), pages);
    assert_eq!(posted.status, StatusCode::OK, "{}", posted.body);
    let report = backup.expect("the backup");
    assert!(report.is_whole());
    // The backup is a snapshot: the run is in it posted or not at all.
    let snapshot = {
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&copy)
            .read_only(true);
        let pool = sqlx::SqlitePool::connect_with(options).await.expect("open");
        let status: Option<String> =
            sqlx::query_scalar("SELECT status FROM chargeback_runs WHERE id = ?1")
                .bind(run)
                .fetch_optional(&pool)
                .await
                .expect("q");
        pool.close().await;
        status
    };
    assert!(
        matches!(snapshot.as_deref(), Some("draft" | "posted")),
        "{snapshot:?}"
    );
    // A backup never overwrites.
    let again = server::backup::backup(&s.db_path, &copy).await;
    assert!(again.is_err_and(|e| e.to_string().contains("already exists")));

    // Restored into a new place, it checks whole.
    let restored = dir.path().join("terug.db");
    server::backup::restore(&copy, &restored)
        .await
        .expect("restore");
    assert!(
        server::check::check(&restored)
            .await
            .expect("check")
            .is_whole()
    );
    // Over the database a running server uses: refused, nothing changed.
    let before = std::fs::metadata(&s.db_path)
        .expect("meta")
        .modified()
        .expect("t");
    let refused = server::backup::restore(&copy, &s.db_path).await;
    assert!(
        refused
            .as_ref()
            .is_err_and(|e| e.to_string().contains("running server")),
        "a running database is never replaced: {refused:?}"
    );
    assert_eq!(
        std::fs::metadata(&s.db_path)
            .expect("meta")
            .modified()
            .expect("t"),
        before
    );
    // A damaged backup is refused before anything is replaced.
    let mut bytes = std::fs::read(&copy).expect("read");
    let middle = bytes.len() / 2;
    for b in &mut bytes[middle..middle + 4096] {
        *b = !*b;
    }
    let damaged = dir.path().join("beschadigd.db");
    std::fs::write(&damaged, bytes).expect("write");
    let truncated = dir.path().join("afgekapt.db");
    let whole = std::fs::read(&copy).expect("read");
    std::fs::write(&truncated, &whole[..whole.len() / 3]).expect("write");
    let target = dir.path().join("doel.db");
    std::fs::copy(&restored, &target).expect("copy");
    assert!(server::backup::restore(&damaged, &target).await.is_err());
    let refused = server::backup::restore(&truncated, &target).await;
    assert!(
        refused.is_err_and(|e| !e.to_string().is_empty()),
        "a truncated copy is refused with a message"
    );
    assert!(
        server::check::check(&target)
            .await
            .expect("check")
            .is_whole(),
        "untouched"
    );
    // A backup folder that does not exist.
    let nowhere = dir.path().join("bestaat-niet").join("kopie.db");
    let refused = server::backup::backup(&s.db_path, &nowhere).await;
    assert!(refused.is_err_and(|e| e.to_string().contains("not writable")));
}

#[tokio::test]
async fn scheduled_backups_are_checked_and_only_the_newest_are_kept() {
    let folder = tempfile::tempdir().expect("dir");
    let schedule = server::backup::Schedule {
        folder: folder.path().join("kopieen"),
        every: std::time::Duration::from_millis(250),
        keep: 2,
    };
    let _s = spawn_with(|c| c.backups = Some(schedule.clone())).await;
    let list = || -> Vec<std::path::PathBuf> {
        std::fs::read_dir(&schedule.folder)
            .map(|d| {
                d.filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "db"))
                    .collect()
            })
            .unwrap_or_default()
    };
    // Wait until at least three backups were made, then until the oldest
    // beyond the newest two is gone.
    let mut seen = std::collections::BTreeSet::new();
    let mut files = Vec::new();
    for _ in 0..200 {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        files = list();
        assert!(
            files.len() <= 3,
            "never more than keep + the one being made"
        );
        seen.extend(files.iter().cloned());
        if seen.len() >= 3 && files.len() == 2 {
            break;
        }
    }
    assert!(seen.len() >= 3, "three scheduled backups: {seen:?}");
    assert_eq!(files.len(), 2, "the newest two are kept: {files:?}");
    // The newest stays for two more turns: long enough to check it.
    let newest = files.iter().max().expect("a backup");
    assert!(
        server::check::check(newest)
            .await
            .expect("check")
            .is_whole(),
        "{newest:?}"
    );

    // A backup folder that cannot be made: the server does not start.
    let blocker = folder.path().join("een-bestand");
    std::fs::write(&blocker, b"").expect("file");
    let dir = tempfile::tempdir().expect("dir");
    let mut config = crate::common::test_config(dir.path());
    config.backups = Some(server::backup::Schedule {
        folder: blocker.join("kopieen"),
        every: std::time::Duration::from_secs(3600),
        keep: 7,
    });
    let refused = server::start(&config, false).await.err().expect("refused");
    assert!(refused.to_string().contains("backup folder"), "{refused}");
}
