//! A real server on a loopback port with a fresh database holding the demo
//! configuration, called as each role would.
#![allow(dead_code)]

use app::api::model::CaseView;
use app::error::AppError;
use reqwest::StatusCode;
use reqwest::header::COOKIE;

pub struct S {
    pub base: String,
    pub pool: sqlx::SqlitePool,
    pub http: reqwest::Client,
    _dir: tempfile::TempDir,
}

pub struct Reply {
    pub status: StatusCode,
    pub body: String,
}

impl Reply {
    pub fn error(&self) -> AppError {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not an AppError ({e}): {}", self.body))
    }
    pub fn ok<T: serde::de::DeserializeOwned>(&self) -> T {
        assert_eq!(self.status, StatusCode::OK, "{}", self.body);
        serde_json::from_str(&self.body).expect("json")
    }
}

pub async fn spawn() -> S {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = server::Config {
        database: dir.path().join("cases.db"),
        addr: "127.0.0.1:0".parse().expect("addr"),
        session_secret: Some("a-test-secret-that-is-long-enough-0123456789".into()),
        log: "warn".into(),
        site_root: dir.path().join("site"),
        secure_cookies: false,
        session_idle_minutes: 30,
        session_max_hours: 12,
    };
    let running = server::start(&config, true).await.expect("start");
    S {
        base: format!("http://{}", running.addr),
        pool: running.pool,
        http: reqwest::Client::new(),
        _dir: dir,
    }
}

impl S {
    pub async fn login(&self, user: &str) -> String {
        let r = self
            .http
            .post(format!("{}/api/login", self.base))
            .form(&[("username", user), ("password", server::demo::PASSWORD)])
            .send()
            .await
            .expect("login");
        let cookie = r
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .expect("cookie")
            .to_string();
        cookie.split(';').next().expect("pair").to_string()
    }

    pub async fn call(&self, session: &str, endpoint: &str, form: &[(&str, String)]) -> Reply {
        self.post(session, endpoint, form).await
    }

    /// [`S::call`] with a form built at run time.
    pub async fn submit(&self, session: &str, endpoint: &str, form: &[(String, String)]) -> Reply {
        self.post(session, endpoint, form).await
    }

    async fn post<F: serde::Serialize + ?Sized>(
        &self,
        session: &str,
        endpoint: &str,
        form: &F,
    ) -> Reply {
        let r = self
            .http
            .post(format!("{}/api/{endpoint}", self.base))
            .header(COOKIE, session)
            .form(form)
            .send()
            .await
            .expect("call");
        Reply {
            status: r.status(),
            body: r.text().await.expect("body"),
        }
    }

    pub async fn case(&self, session: &str, id: i64) -> CaseView {
        self.call(session, "case", &[("id", id.to_string())])
            .await
            .ok()
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(&self.pool)
            .await
            .expect("count")
    }
}

/// Every ledger transaction sums to zero and every stored balance equals its postings.
pub async fn ledger_is_consistent(pool: &sqlx::SqlitePool) {
    let mut conn = pool.acquire().await.expect("conn");
    let unbalanced = app::db::ledger::unbalanced_transactions(&mut conn)
        .await
        .expect("q");
    assert!(
        unbalanced.is_empty(),
        "unbalanced transactions {unbalanced:?}"
    );
    let drifted = app::db::ledger::drifted_balances(&mut conn)
        .await
        .expect("q");
    assert!(drifted.is_empty(), "drifted balances {drifted:?}");
}
