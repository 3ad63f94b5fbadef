//! `doorbraak check [FILE]`: is this database whole? SQLite's integrity
//! check and foreign-key check, then the money: every ledger transaction
//! balanced, every stored balance equal to its postings, every fund year
//! reconciled, and per year and stream ledger = posted runs = journals.
//! Also the readiness check behind `GET /health/ready`.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{Connection, SqlitePool};

/// What the check found: one line per finding, empty when whole.
#[derive(Debug, Default)]
pub struct Report {
    pub checked: Vec<String>,
    pub problems: Vec<String>,
}

impl Report {
    pub fn is_whole(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Opens `path` read-only: the check never changes what it checks.
async fn open(path: &Path) -> anyhow::Result<SqliteConnection> {
    anyhow::ensure!(path.is_file(), "{} is not a database file", path.display());
    let options =
        SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?.read_only(true);
    Ok(SqliteConnection::connect_with(&options).await?)
}

/// Checks the database file at `path`.
pub async fn check(path: &Path) -> anyhow::Result<Report> {
    let mut conn = open(path).await?;
    let mut report = Report::default();
    let integrity: Vec<String> = match sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await
    {
        Ok(rows) => rows,
        Err(e) => {
            report
                .problems
                .push(format!("the file is not a readable SQLite database: {e}"));
            return Ok(report);
        }
    };
    if integrity != ["ok"] {
        report.problems.extend(
            integrity
                .into_iter()
                .take(20)
                .map(|p| format!("integrity: {p}")),
        );
        return Ok(report);
    }
    report.checked.push("SQLite integrity check".into());
    let broken: Vec<(String, Option<i64>, String)> =
        sqlx::query_as("SELECT \"table\", rowid, parent FROM pragma_foreign_key_check")
            .fetch_all(&mut conn)
            .await?;
    for (table, row, parent) in broken.iter().take(20) {
        report.problems.push(format!(
            "foreign key: {table} row {} refers to a missing {parent}",
            row.map_or("?".into(), |r| r.to_string())
        ));
    }
    report.checked.push("foreign keys".into());
    let applied: i64 =
        sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations WHERE success = 1")
            .fetch_one(&mut conn)
            .await
            .unwrap_or(0);
    let known = sqlx::migrate!("../migrations").iter().count() as i64;
    if applied != known {
        report.problems.push(format!(
            "migrations: {applied} of {known} applied (start the server once to upgrade)"
        ));
    }
    report.checked.push("migrations".into());
    let view = app::services::reconcile::reconcile(&mut conn)
        .await
        .map_err(|e| anyhow::anyhow!("the ledger could not be read: {e}"))?;
    if view.unbalanced > 0 {
        report.problems.push(format!(
            "ledger: {} transactions do not balance",
            view.unbalanced
        ));
    }
    if view.drifted > 0 {
        report.problems.push(format!(
            "ledger: {} stored balances differ from their postings",
            view.drifted
        ));
    }
    for f in view.funds.iter().filter(|f| !f.reconciles) {
        report
            .problems
            .push(format!("fund {}: does not reconcile", f.year));
    }
    for l in view.lines.iter().filter(|l| !l.agrees()) {
        report.problems.push(format!(
            "{} {} {}: ledger {}, posted runs {}, journals {}",
            l.year,
            l.stream,
            l.kind.code(),
            l.ledger,
            l.runs,
            l.exports
        ));
    }
    report.checked.push(format!(
        "ledger: balanced transactions, balances, {} fund years, {} year × stream lines of runs and journals",
        view.funds.len(),
        view.lines.len()
    ));
    Ok(report)
}

/// Whether the running server can serve: the database answers, every
/// migration is applied, and the database's folder takes a write. The
/// answer names the part that fails and nothing else.
pub async fn ready(pool: &SqlitePool) -> Result<(), &'static str> {
    let database: String =
        sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
            .fetch_one(pool)
            .await
            .map_err(|_| "database")?;
    let database = Path::new(&database);
    let applied: i64 =
        sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations WHERE success = 1")
            .fetch_one(pool)
            .await
            .map_err(|_| "database")?;
    let known = sqlx::migrate!("../migrations").iter().count() as i64;
    if applied != known {
        return Err("migrations");
    }
    folder_takes_a_write(database).map_err(|_| "disk")?;
    Ok(())
}

/// The folder of `file`, and whether a file can be written (and removed) in it.
pub fn folder_takes_a_write(file: &Path) -> Result<(), (PathBuf, std::io::Error)> {
    let folder = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let probe = folder.join(format!(".doorbraak-probe-{}", std::process::id()));
    std::fs::write(&probe, b"ok")
        .and_then(|()| std::fs::remove_file(&probe))
        .map_err(|e| (folder.to_path_buf(), e))
}
