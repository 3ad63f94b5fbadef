//! A real server on a loopback port with a fresh database holding the demo
//! configuration, called as each role would.
#![allow(dead_code)]

pub mod access;

use app::error::AppError;
use app::model::CaseView;
use reqwest::StatusCode;
use reqwest::header::COOKIE;

pub struct S {
    pub base: String,
    pub pool: sqlx::SqlitePool,
    /// A client as a browser without JavaScript: it follows redirects.
    pub http: reqwest::Client,
    /// A client that shows every redirect as it comes.
    pub raw: reqwest::Client,
    pub db_path: std::path::PathBuf,
    /// The server's hold on its database (`doorbraak restore` refuses meanwhile).
    _in_use: std::fs::File,
    _dir: tempfile::TempDir,
}

#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub body: String,
    /// The session cookie the answer set, if any.
    pub cookie: Option<String>,
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

/// A configuration for a test server: a fresh database in `dir`, a free port.
pub fn test_config(dir: &std::path::Path) -> server::Config {
    let mut config =
        server::Config::new(dir.join("cases.db"), "127.0.0.1:0".parse().expect("addr"));
    config.session_secret = Some("a-test-secret-that-is-long-enough-0123456789".into());
    config.log = "warn".into();
    config.site_root = dir.join("site");
    // The tests start from the demo cases before any chargeback; the lived
    // demo has a test of its own.
    config.demo_history = false;
    config
}

pub async fn spawn() -> S {
    spawn_with(|_| {}).await
}

/// [`spawn`] with a configuration changed by `adjust`.
pub async fn spawn_with(adjust: impl FnOnce(&mut server::Config)) -> S {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = test_config(dir.path());
    adjust(&mut config);
    start(&config, true, dir).await
}

/// Starts the server of `config` (with the demo data when `demo`); `dir`
/// holds its files and lives as long as the server.
pub async fn start(config: &server::Config, demo: bool, dir: tempfile::TempDir) -> S {
    let running = server::start(config, demo).await.expect("start");
    S {
        base: format!("http://{}", running.addr),
        pool: running.pool,
        http: reqwest::Client::new(),
        raw: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        db_path: config.database.clone(),
        _in_use: running.in_use,
        _dir: dir,
    }
}

impl S {
    pub async fn login(&self, user: &str) -> String {
        self.login_with(user, server::demo::PASSWORD).await
    }

    pub async fn login_with(&self, user: &str, password: &str) -> String {
        let r = self
            .http
            .post(format!("{}/api/login", self.base))
            .form(&[("username", user), ("password", password)])
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

    /// A page as a browser without JavaScript gets it: status and HTML.
    pub async fn page(&self, session: &str, path: &str) -> (StatusCode, String) {
        let (status, bytes) = self.download(session, path).await;
        (status, String::from_utf8(bytes).expect("utf-8"))
    }

    /// A download's bytes, by the session.
    pub async fn download(&self, session: &str, path: &str) -> (StatusCode, Vec<u8>) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header(COOKIE, session)
            .send()
            .await
            .expect("download");
        (r.status(), r.bytes().await.expect("bytes").to_vec())
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
            cookie: session_cookie(r.headers()),
            body: r.text().await.expect("body"),
        }
    }

    /// Posts to a server function as a browser would, with the session
    /// `token` (the cookie's value) when there is one; redirects are not followed.
    pub async fn call_raw(
        &self,
        endpoint: &str,
        token: Option<&str>,
        form: &[(&str, &str)],
    ) -> Reply {
        let mut request = self
            .raw
            .post(format!("{}/api/{endpoint}", self.base))
            .form(form);
        if let Some(token) = token {
            request = request.header(COOKIE, format!("{}={token}", app::auth::COOKIE_NAME));
        }
        let response = request.send().await.expect("request");
        Reply {
            status: response.status(),
            cookie: session_cookie(response.headers()),
            body: response.text().await.expect("body"),
        }
    }

    /// Signs in and returns the session token (the cookie's value), or the refusal.
    pub async fn sign_in(&self, username: &str, password: &str) -> Result<String, Reply> {
        let reply = self
            .call_raw(
                "login",
                None,
                &[("username", username), ("password", password)],
            )
            .await;
        if reply.status != StatusCode::OK {
            return Err(reply);
        }
        let cookie = reply.cookie.expect("a session cookie");
        let token = cookie
            .split(';')
            .next()
            .and_then(|kv| kv.split_once('='))
            .map(|(_, v)| v.to_string());
        Ok(token.expect("token"))
    }

    /// [`S::sign_in`] as a demo user.
    pub async fn demo_login(&self, username: &str) -> String {
        self.sign_in(username, server::demo::PASSWORD)
            .await
            .unwrap_or_else(|r| panic!("{username} signs in: {} {}", r.status, r.body))
    }

    /// Who the session `token` belongs to, if anyone.
    pub async fn signed_in_as(&self, token: &str) -> Option<String> {
        let reply = self.call_raw("session", Some(token), &[]).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let view: app::model::SessionView =
            serde_json::from_str(&reply.body).expect("session view");
        view.user.map(|u| u.username)
    }

    /// The number of rows in `table`.
    /// An API token issued by the administrator's `session`, valid 30 days.
    pub async fn issue_token(&self, session: &str, name: &str) -> app::api::tokens::IssuedToken {
        self.call(
            session,
            "issue_token",
            &[("name", name.to_string()), ("valid_days", "30".into())],
        )
        .await
        .ok()
    }

    pub async fn rows(&self, table: &str) -> i64 {
        self.count(&format!("SELECT count(*) FROM {table}")).await
    }

    pub async fn case(&self, session: &str, id: i64) -> CaseView {
        self.call(session, "case", &[("id", id.to_string())])
            .await
            .ok()
    }

    /// Calls a case action with the case's current version (what the case
    /// page's form would send).
    pub async fn act(&self, session: &str, endpoint: &str, case: i64) -> Reply {
        let version = self.case(session, case).await.version;
        self.call(
            session,
            endpoint,
            &[
                ("case_id", case.to_string()),
                ("version", version.to_string()),
            ],
        )
        .await
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(&self.pool)
            .await
            .expect("count")
    }
}

/// The session cookie an answer sets.
fn session_cookie(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(app::auth::COOKIE_NAME))
        .map(str::to_string)
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
    // Every year's fund reconciles: available = funded + carried in +
    // recovered − held − paid − carried out − returned.
    for year in app::db::budget_years::year_numbers(&mut conn)
        .await
        .expect("q")
    {
        let p = app::db::ledger::position(&mut conn, year).await.expect("q");
        assert!(p.reconciles(), "{year} does not reconcile: {p:?}");
    }
}

/// The `Location` a response sends the browser to, if any.
pub fn location(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

pub fn f(k: &str, v: &str) -> (String, String) {
    (k.to_string(), v.to_string())
}

/// LibreOffice converts `file` in `dir` to `to` (`csv`, `fods`), as a
/// spreadsheet user's program would read it.
pub fn soffice(dir: &std::path::Path, file: &std::path::Path, to: &str) {
    let out = std::process::Command::new("soffice")
        .args(["--headless", "--norestore", "--convert-to", to, "--outdir"])
        .arg(dir)
        .arg(file)
        .env("HOME", dir)
        .output()
        .expect("LibreOffice (soffice) is installed by scripts/setup.sh");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A complete canvas with five lines: investment € 2.500, return per stream known.
pub fn canvas(case_id: i64, edits: i64) -> Vec<(String, String)> {
    let mut form = vec![
        f("case_id", &case_id.to_string()),
        f("edits", &edits.to_string()),
        f("canvas[horizon]", "12"),
        f(
            "canvas[situation]",
            "Huurachterstand van vier maanden, dreigende uitzetting; twee kinderen.",
        ),
        f(
            "canvas[goal]",
            "In de woning blijven en de schulden regelen.",
        ),
        f(
            "canvas[providers]",
            "Drie: schuldhulp (WGS), jeugdhulp (Jeugdwet), wijkteam (Wmo).",
        ),
        f(
            "canvas[breakthrough]",
            "Huurachterstand in één keer aflossen.",
        ),
        f("canvas[legal_basis]", "Wmo 2015 art. 2.3.5 (maatwerk)"),
        f("canvas[life_domains][0]", "wonen"),
        f("canvas[blockers][0][law]", "PW"),
        f(
            "canvas[blockers][0][rule]",
            "Geen bijzondere bijstand voor schulden",
        ),
        f("canvas[blockers][0][organisation]", "Gemeente"),
        f("canvas[blockers][0][category]", "rule"),
        f("canvas[costs][0][description]", "Aflossen huurachterstand"),
        f("canvas[costs][0][supplier]", "Woningcorporatie"),
        f("canvas[costs][0][amount]", "2.500,00"),
        f("canvas[legitimacy][judgement]", "better"),
        f(
            "canvas[legitimacy][justification]",
            "Binnen maatwerk, eerlijk naar anderen",
        ),
        f("canvas[return_][judgement]", "better"),
        f(
            "canvas[return_][justification]",
            "Vermeden kosten ruim hoger",
        ),
        f("canvas[involvement][judgement]", "better"),
        f(
            "canvas[involvement][justification]",
            "Gezin en corporatie staan erachter",
        ),
    ];
    // side, row, stream, catalogue code, unit, quantity, unit price, start month, duration
    let lines: [TestLine; 5] = [
        (
            "threatening",
            0,
            "WMO",
            "WMO-02",
            "day",
            "3",
            "41",
            "4",
            "9",
        ),
        (
            "threatening",
            1,
            "JW",
            "JW-05",
            "day",
            "1",
            "156,33",
            "4",
            "3",
        ),
        (
            "threatening",
            2,
            "CORP",
            "WON-01",
            "one_off",
            "1",
            "7.500",
            "4",
            "",
        ),
        (
            "threatening",
            3,
            "PW",
            "PW-01",
            "month",
            "1",
            "1.401,50",
            "4",
            "24",
        ),
        (
            "realistic",
            0,
            "WGS",
            "WGS-01",
            "one_off",
            "1",
            "1.500",
            "1",
            "",
        ),
    ];
    for (side, i, stream, code, unit, qty, price, start, duration) in lines {
        let k = |name: &str| format!("canvas[{side}][{i}][{name}]");
        for (name, value) in [
            ("stream", stream),
            ("catalogue_code", code),
            ("unit", unit),
            ("quantity", qty),
            ("unit_price", price),
            ("start_month", start),
            ("duration", duration),
            ("probability", ""),
        ] {
            form.push((k(name), value.to_string()));
        }
    }
    form
}

/// side, row, stream, catalogue code, unit, quantity, unit price, start month, duration.
pub type TestLine = (
    &'static str,
    usize,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

pub fn refs(form: &[(String, String)]) -> Vec<(&str, String)> {
    form.iter().map(|(k, v)| (k.as_str(), v.clone())).collect()
}

pub async fn new_case(s: &S, prof: &str) -> i64 {
    let team: i64 = sqlx::query_scalar("SELECT team_id FROM user_teams t JOIN users u ON u.id = t.user_id WHERE u.username = 'professional'")
        .fetch_one(&s.pool)
        .await
        .expect("team");
    s.call(prof, "create_case", &[("team_id", team.to_string())])
        .await
        .ok()
}

/// A chargeback run over every case settled in the last nine years, as the
/// backoffice `back` creates it: its id and version.
pub async fn run_over_everything(s: &S, back: &str) -> (i64, i64) {
    let today = app::auth::today();
    let from = format!("{}-01-01", chrono::Datelike::year(&today) - 9);
    let run: i64 = s
        .call(
            back,
            "create_run",
            &[("period_from", from), ("period_to", today.to_string())],
        )
        .await
        .ok();
    let version = s
        .count(&format!(
            "SELECT version FROM chargeback_runs WHERE id = {run}"
        ))
        .await;
    (run, version)
}

/// The form that posts run `run` at `version`, booked today.
pub fn posting(run: i64, version: i64) -> [(&'static str, String); 3] {
    [
        ("run_id", run.to_string()),
        ("version", version.to_string()),
        ("booking_date", app::auth::today().to_string()),
    ]
}
