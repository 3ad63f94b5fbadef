//! Upgrades keep data. The fixture is the lived demo database as the
//! release with migrations 0001–0012 wrote it (commit 7e3dd3a, made by
//! `scripts/make-upgrade-fixture.sh 7e3dd3a release-0012`): the server of
//! this code migrates it with every later migration at its start, and the
//! result is whole, reconciles to the cent and is served.

use std::io::Read;

use reqwest::StatusCode;

use crate::common::{start, test_config};

const FIXTURE: &[u8] = include_bytes!("../fixtures/release-0012.sql.gz");

async fn count(pool: &sqlx::SqlitePool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.expect(sql)
}

#[tokio::test]
async fn a_database_of_the_last_release_is_migrated_whole_and_served() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = test_config(dir.path());
    let mut sql = String::new();
    flate2::read::GzDecoder::new(FIXTURE)
        .read_to_string(&mut sql)
        .expect("fixture");
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&config.database)
        .create_if_missing(true);
    let old = sqlx::SqlitePool::connect_with(options).await.expect("open");
    sqlx::raw_sql(&sql)
        .execute(&old)
        .await
        .expect("load the fixture");
    let money = "SELECT count(*) || ':' || sum(amount_cents) FROM ledger_postings";
    let before: (i64, i64, String) = (
        count(&old, "SELECT count(*) FROM cases").await,
        count(&old, "SELECT max(version) FROM _sqlx_migrations").await,
        sqlx::query_scalar(money)
            .fetch_one(&old)
            .await
            .expect("money"),
    );
    assert_eq!(
        before.1, 12,
        "the fixture is the release with migrations up to 0012"
    );
    assert!(before.0 > 100, "the lived demo: {} cases", before.0);
    old.close().await;

    let s = start(&config, false, dir).await;
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations"))
        .expect("migrations")
        .count() as i64;
    assert_eq!(
        count(&s.pool, "SELECT max(version) FROM _sqlx_migrations").await,
        migrations,
        "every later migration ran"
    );
    assert_eq!(count(&s.pool, "SELECT count(*) FROM cases").await, before.0);
    let after: String = sqlx::query_scalar(money)
        .fetch_one(&s.pool)
        .await
        .expect("money");
    assert_eq!(after, before.2, "not a posting changed");
    assert_eq!(
        count(&s.pool, "SELECT count(*) FROM retention_terms").await,
        3
    );
    assert_eq!(
        count(
            &s.pool,
            "SELECT count(*) FROM cases WHERE legal_hold = 1 OR erased_at IS NOT NULL"
        )
        .await,
        0
    );

    let report = server::check::check(&s.db_path).await.expect("check");
    assert!(report.is_whole(), "{:?}", report.problems);
    assert!(report.checked.iter().any(|c| c.contains("fund years")));

    // The app serves it: the demo accounts sign in and the pages open.
    let run = count(
        &s.pool,
        "SELECT min(id) FROM chargeback_runs WHERE status = 'posted'",
    )
    .await;
    let case = count(&s.pool, "SELECT min(id) FROM cases WHERE status = 'closed'").await;
    for (user, path) in [
        ("backoffice", "/fonds".to_string()),
        ("backoffice", format!("/terugboeken/{run}")),
        ("backoffice", format!("/casussen/{case}")),
        ("backoffice", "/aansluiting".to_string()),
        ("wethouder", "/resultaten".to_string()),
        ("beheer", "/inrichting/bewaartermijnen".to_string()),
        ("beheer", "/beheer/audit".to_string()),
    ] {
        let session = s.login(user).await;
        let (status, html) = s.page(&session, &path).await;
        assert_eq!(status, StatusCode::OK, "{user} {path}");
        assert!(!html.contains("Er ging iets mis"), "{user} {path}");
    }
    let back = s.login("backoffice").await;
    let (status, csv) = s
        .download(&back, &format!("/export/terugboekrun/{run}/journaal.csv"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8(csv).expect("utf-8").lines().count() > 2);
}
