//! The Doorbraak server: configuration, the database pool and migrations,
//! the router with security headers, and startup. A library so tests can
//! start the real server on port 0.

pub mod backup;
pub mod bench_dashboard;
pub mod check;
pub mod config;
pub mod demo;
pub mod demo_cases;
pub mod demo_evaluations;
pub mod demo_history;
pub mod middleware;
pub mod seed;
pub mod theme;

use std::net::SocketAddr;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use app::auth::{AppState, AuthConfig};
use app::{App, shell};
use axum::Router;
use axum::extract::Request;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::serve::ListenerExt;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;

pub use config::Config;

/// Opens (creating when missing) the database and runs the migrations.
/// A failed migration stops the start.
pub async fn connect(path: &std::path::Path) -> anyhow::Result<SqlitePool> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.exists()
    {
        create_private_dir(dir)
            .with_context(|| format!("cannot create the database folder {}", dir.display()))?;
    }
    create_private_file(path)
        .with_context(|| format!("cannot create the database file {}", path.display()))?;
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
        .with_context(|| format!("invalid database path {}", path.display()))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        // A ping per acquire costs a round trip to the connection's thread;
        // a broken SQLite file connection is not something a ping would find.
        .test_before_acquire(false)
        .connect_with(options)
        .await
        .with_context(|| {
            format!(
                "cannot open the database at {} (is the folder writable?)",
                path.display()
            )
        })?;
    sqlx::migrate!("../migrations")
        .run(&pool)
        .await
        .context("a database migration failed")?;
    Ok(pool)
}

/// Creates a folder readable by the service user only (0700).
fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir)
}

/// Creates the database file, when missing, readable by the service user
/// only (0600); SQLite gives its -wal and -shm files the same mode.
fn create_private_file(path: &std::path::Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

fn auth_config(config: &Config) -> anyhow::Result<AuthConfig> {
    let mut auth = AuthConfig::with_secret(config.resolve_session_secret()?);
    auth.secure_cookies = config.secure_cookies;
    auth.idle_timeout = chrono::Duration::minutes(config.session_idle_minutes);
    auth.absolute_timeout = chrono::Duration::hours(config.session_max_hours);
    auth.trusted_proxies = config.trusted_proxies.clone();
    Ok(auth)
}

/// The application's routes, generated once per process. Generating them
/// runs the app with resource loading suppressed through a process-wide flag
/// (leptos_server), and a resource first polled meanwhile — a page rendering
/// for another server in the same process, as in the tests — would hang
/// forever (leptos issue #4773). Once is also all that is needed.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The dashboard's filters from an address's query pairs.
fn dashboard_query(pairs: &[(String, String)]) -> app::model::DashboardQuery {
    app::model::DashboardQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// The whole application as an axum router.
pub fn router(
    state: AppState,
    theme: theme::Theme,
    site_root: &std::path::Path,
    addr: SocketAddr,
    origins: Vec<String>,
) -> Router {
    let options = LeptosOptions::builder()
        .output_name("doorbraak")
        .site_root(site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build();
    let routes = route_list();
    let (exports, invoices, agenda, api) =
        (state.clone(), state.clone(), state.clone(), state.clone());
    let (results, open_data, health) = (state.clone(), state.clone(), state.clone());
    let guard = middleware::Guard {
        origins: std::sync::Arc::new(origins),
        auth: state.auth.clone(),
    };
    let context = move || {
        provide_context(state.clone());
        provide_context(app::auth::RequestUser::default());
        app::set_page_csp();
    };
    let fallback = leptos_axum::file_and_error_handler_with_context(context.clone(), shell);
    // The theme is read once at start: its stylesheet and logo are served as they are.
    let css = theme.css();
    let logo = theme
        .logo
        .map(|(bytes, kind)| (axum::body::Bytes::from(bytes), kind));
    Router::new()
        .route(
            "/thema.css",
            axum::routing::get(move || {
                let css = css.clone();
                async move { ([(axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8")], css) }
            }),
        )
        .route(
            "/thema/logo",
            axum::routing::get(move || {
                let logo = logo.clone();
                async move {
                    use axum::response::IntoResponse;
                    match logo {
                        Some((bytes, kind)) => ([(axum::http::header::CONTENT_TYPE, kind)], bytes).into_response(),
                        None => axum::http::StatusCode::NOT_FOUND.into_response(),
                    }
                }
            }),
        )
        .route(
            "/export/terugboekrun/{id}/{file}",
            axum::routing::get(
                move |axum::extract::Path((id, file)): axum::extract::Path<(i64, String)>,
                      request: Request| {
                    let state = exports.clone();
                    async move {
                        app::exports::download(state, request.into_parts().0, id, file).await
                    }
                },
            ),
        )
        .route(
            "/export/factuur/{id}/{file}",
            axum::routing::get(
                move |axum::extract::Path((id, file)): axum::extract::Path<(i64, String)>,
                      request: Request| {
                    let state = invoices.clone();
                    async move {
                        app::exports::invoice_download(state, request.into_parts().0, id, file)
                            .await
                    }
                },
            ),
        )
        .route(
            "/export/leeragenda/{file}",
            axum::routing::get(
                move |axum::extract::Path(file): axum::extract::Path<String>, request: Request| {
                    let state = agenda.clone();
                    async move { app::exports::agenda_download(state, request.into_parts().0, file).await }
                },
            ),
        )
        .route(
            "/health/live",
            axum::routing::get(|| async { ([(axum::http::header::CACHE_CONTROL, "no-store")], "ok") }),
        )
        .route(
            "/health/ready",
            axum::routing::get(move || {
                let pool = health.pool.clone();
                async move {
                    use axum::http::StatusCode;
                    let headers = [(axum::http::header::CACHE_CONTROL, "no-store")];
                    match check::ready(&pool).await {
                        Ok(()) => (StatusCode::OK, headers, axum::Json(serde_json::json!({ "status": "ready" }))),
                        Err(part) => (
                            StatusCode::SERVICE_UNAVAILABLE,
                            headers,
                            axum::Json(serde_json::json!({ "status": "not ready", "failing": part })),
                        ),
                    }
                }
            }),
        )
        .route(
            "/export/resultaten/{file}",
            axum::routing::get(
                move |axum::extract::Path(file): axum::extract::Path<String>,
                      axum::extract::Query(pairs): axum::extract::Query<Vec<(String, String)>>,
                      request: Request| {
                    let state = results.clone();
                    async move {
                        let query = dashboard_query(&pairs);
                        app::exports::dashboard_download(state, request.into_parts().0, file, query)
                            .await
                    }
                },
            ),
        )
        .route(
            "/api/v1/dashboard",
            axum::routing::get(
                move |axum::extract::Query(pairs): axum::extract::Query<Vec<(String, String)>>,
                      request: Request| {
                    let state = open_data.clone();
                    async move {
                        let query = dashboard_query(&pairs);
                        app::exports::api_dashboard(state, request.into_parts().0, query).await
                    }
                },
            ),
        )
        .route(
            "/api/v1/runs/{id}/journal",
            axum::routing::get(
                move |axum::extract::Path(id): axum::extract::Path<i64>, request: Request| {
                    let state = api.clone();
                    async move { app::exports::api_journal(state, request.into_parts().0, id).await }
                },
            ),
        )
        .leptos_routes_with_context(&options, routes, context, {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(fallback)
        .with_state(options)
        .layer(from_fn_with_state(guard.clone(), middleware::signed_form_errors))
        .layer(from_fn(middleware::body_limit))
        .layer(from_fn_with_state(guard.clone(), middleware::same_origin_only))
        .layer(from_fn_with_state(guard, middleware::security_headers))
        .layer(CompressionLayer::new())
}

/// Every ten minutes: forget sessions that can no longer be used and sign-in
/// failures older than the throttling window.
async fn housekeeping(pool: SqlitePool, auth: AuthConfig) {
    let mut tick = tokio::time::interval(Duration::from_secs(600));
    loop {
        tick.tick().await;
        let now = app::auth::now();
        let idle = app::db::timestamp(now - auth.idle_timeout);
        let created = app::db::timestamp(now - auth.absolute_timeout);
        let window = app::db::timestamp(now - auth.failure_window);
        if let Err(e) = app::db::sessions::purge_expired(&pool, &idle, &created).await {
            tracing::warn!(error = %e, "purging expired sessions failed");
        }
        if let Err(e) = app::db::throttle::purge_before(&pool, &window).await {
            tracing::warn!(error = %e, "purging old sign-in failures failed");
        }
        if let Err(e) = audit_ended_bursts(&pool, &window).await {
            tracing::warn!(error = %e, "auditing throttled sign-in bursts failed");
        }
    }
}

/// Erases the household data of every case past its retention terms, once
/// a day (the first time an hour after the start). A failure is logged and
/// changes nothing; the next day tries again.
async fn erase_daily(pool: SqlitePool) {
    let day = Duration::from_secs(24 * 3600);
    let mut tick =
        tokio::time::interval_at(tokio::time::Instant::now() + Duration::from_secs(3600), day);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match app::services::retention::run_job(
            &pool,
            app::auth::now(),
            true,
            None,
            "dagelijkse wisronde",
        )
        .await
        {
            Ok(done) => tracing::info!(cases = done.due.len(), "daily erasure done"),
            Err(e) => tracing::error!(error = %e, "the daily erasure failed; nothing was erased"),
        }
    }
}

/// Writes one audit event, with the number of attempts, for every burst of
/// throttled sign-ins that has been quiet for a whole window.
pub async fn audit_ended_bursts(
    pool: &SqlitePool,
    window_start: &str,
) -> Result<usize, sqlx::Error> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let bursts = app::db::throttle::take_ended_bursts(&mut tx, window_start).await?;
    let now = app::db::timestamp(app::auth::now());
    for burst in &bursts {
        let account = if burst.username.is_empty() {
            "onbekende gebruiker"
        } else {
            burst.username.as_str()
        };
        app::db::audit::record(
            &mut *tx,
            app::db::audit::NewEvent {
                at: now.clone(),
                actor_id: None,
                actor_name: "systeem",
                action: "login_throttled_burst",
                object_type: "user",
                object_id: Some(account.to_string()),
                before: None,
                after: Some(serde_json::json!({
                    "attempts": burst.attempts,
                    "first_at": burst.first_at,
                    "last_at": burst.last_at,
                })),
                address: Some(&burst.address),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(bursts.len())
}

/// A running server.
pub struct Running {
    pub addr: SocketAddr,
    pub pool: SqlitePool,
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
    /// Held while the server runs: `doorbraak restore` refuses meanwhile.
    pub in_use: std::fs::File,
}

/// Binds, migrates and serves in the background; `demo` loads the demo data
/// into an empty database.
pub async fn start(config: &Config, demo: bool) -> anyhow::Result<Running> {
    if let Some(schedule) = &config.backups {
        schedule.ready()?;
    }
    let pool = connect(&config.database).await?;
    let in_use = backup::hold(&config.database)?;
    seed::load(&pool)
        .await
        .context("loading the initial configuration failed")?;
    if demo && demo::load(&pool, config.demo_history).await? {
        tracing::info!("demo data loaded");
    }
    let data_dir = config.database.parent().map_or_else(
        || std::path::PathBuf::from("."),
        std::path::Path::to_path_buf,
    );
    let theme = theme::Theme::load(&data_dir)?;
    let municipality = match &theme.name {
        Some(name) => name.clone(),
        None => app::db::municipality_name(&pool)
            .await?
            .unwrap_or_else(|| "Gemeente".to_string()),
    };
    let state = AppState {
        sessions: Default::default(),
        municipality,
        has_logo: theme.logo.is_some(),
        access: app::access_log::AccessLog::start(pool.clone()),
        pool: pool.clone(),
        auth: auth_config(config)?,
    };
    anyhow::ensure!(
        config.public_url.is_some() || config.addr.ip().is_loopback(),
        "DOORBRAAK_PUBLIC_URL is needed when listening on {} (the origin people use, e.g. https://doorbraak.gemeente.nl)",
        config.addr
    );
    tokio::spawn(housekeeping(pool.clone(), state.auth.clone()));
    if let Some(schedule) = config.backups.clone() {
        tokio::spawn(backup::every(schedule, config.database.clone()));
    }
    if config.erasure {
        tokio::spawn(erase_daily(pool.clone()));
    }
    let listener = TcpListener::bind(config.addr)
        .await
        .with_context(|| format!("cannot listen on {}", config.addr))?;
    let addr = listener.local_addr()?;
    let app = router(
        state,
        theme,
        &config.site_root,
        addr,
        config.allowed_origins(addr),
    );
    // Without TCP_NODELAY every keep-alive response waits ~40 ms (Nagle).
    let listener = listener.tap_io(|s| {
        let _ = s.set_nodelay(true);
    });
    let task = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    });
    Ok(Running {
        addr,
        pool,
        task,
        in_use,
    })
}

/// Creates the first administrator of a real deployment.
pub async fn create_admin(
    config: &Config,
    username: &str,
    name: &str,
    password: &str,
    municipality: Option<&str>,
) -> anyhow::Result<i64> {
    use app::db;
    let pool = connect(&config.database).await?;
    let username = username.trim().to_lowercase();
    anyhow::ensure!(
        (3..=64).contains(&username.len())
            && username
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b)),
        "the username needs 3 to 64 characters: lower-case letters, digits, '.', '-' or '_'"
    );
    anyhow::ensure!(
        !name.trim().is_empty() && name.chars().count() <= 100,
        "the name needs 1 to 100 characters"
    );
    for text in [username.as_str(), name] {
        doorbraak::bsn::ensure_no_bsn(text).map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    app::auth::check_password_policy(password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let hash = app::auth::hash_password_async(password.to_string())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let now = db::timestamp(app::auth::now());
    let mut tx = pool.begin().await?;
    if let Some(m) = municipality {
        db::set_municipality_name(&mut *tx, m).await?;
    }
    let id = db::users::create(&mut *tx, &username, name.trim(), &hash, None, &now)
        .await?
        .ok_or_else(|| anyhow::anyhow!("a user named {username} already exists"))?;
    db::users::set_roles(
        &mut tx,
        id,
        doorbraak::RoleSet::of(&[doorbraak::Role::Administrator]),
    )
    .await?;
    db::audit::record(
        &mut *tx,
        db::audit::NewEvent {
            at: now,
            actor_id: None,
            actor_name: "systeem",
            action: "admin_created",
            object_type: "user",
            object_id: Some(id.to_string()),
            before: None,
            after: Some(serde_json::json!({ "username": username })),
            address: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[cfg(test)]
mod route_table {
    /// The router serves exactly the pages of the page table.
    #[tokio::test]
    async fn the_router_serves_exactly_the_page_table() {
        let routed: std::collections::BTreeSet<String> = super::route_list()
            .iter()
            .map(|r| {
                r.path()
                    .split('/')
                    .map(
                        |part| match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                            Some(name) => format!(":{name}"),
                            None => part.to_string(),
                        },
                    )
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .collect();
        let table: std::collections::BTreeSet<String> = app::routes::PAGES
            .iter()
            .map(|p| p.path.to_string())
            .collect();
        assert_eq!(routed, table);
    }
}
