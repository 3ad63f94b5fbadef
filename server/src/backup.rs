//! `doorbraak backup FILE` and `doorbraak restore FILE`. A backup is a
//! consistent copy made while the server runs and serves (SQLite's `VACUUM
//! INTO` reads one snapshot), checked before it is called done. A restore
//! checks the copy first, refuses while a server uses the database, keeps
//! the database it replaces, and swaps the files in one rename.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::{Context, bail};
use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};

/// The file a running server holds a shared lock on, beside its database.
pub fn in_use_file(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".in-use");
    PathBuf::from(name)
}

/// Marks `database` as in use for as long as the returned file is open.
pub fn hold(database: &Path) -> anyhow::Result<std::fs::File> {
    let path = in_use_file(database);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.lock_shared()
        .with_context(|| format!("cannot lock {}", path.display()))?;
    Ok(file)
}

/// A consistent copy of `database` in the new file `to`, checked whole.
pub async fn backup(database: &Path, to: &Path) -> anyhow::Result<crate::check::Report> {
    if to.exists() {
        bail!(
            "{} already exists; a backup never overwrites a file",
            to.display()
        );
    }
    if let Err((folder, e)) = crate::check::folder_takes_a_write(to) {
        bail!(
            "the backup folder {} is not writable: {e}",
            folder.display()
        );
    }
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", database.display()))?
        .read_only(true);
    let mut conn = SqliteConnection::connect_with(&options)
        .await
        .with_context(|| format!("cannot open the database {}", database.display()))?;
    let target = to
        .to_str()
        .context("the backup path is not valid UTF-8")?
        .to_string();
    sqlx::query("VACUUM INTO ?1")
        .bind(&target)
        .execute(&mut conn)
        .await
        .with_context(|| format!("the backup into {} failed", to.display()))?;
    conn.close().await?;
    let report = crate::check::check(to).await?;
    if !report.is_whole() {
        let _ = std::fs::remove_file(to);
        bail!(
            "the backup did not check whole and was removed: {}",
            report.problems.join("; ")
        );
    }
    Ok(report)
}

/// Replaces `database` with the backup `from`, after checking it whole and
/// making sure no server uses `database`. The replaced file is kept beside
/// it as `….before-restore`.
pub async fn restore(from: &Path, database: &Path) -> anyhow::Result<PathBuf> {
    let report = crate::check::check(from)
        .await
        .with_context(|| format!("{} cannot be restored", from.display()))?;
    if !report.is_whole() {
        bail!(
            "{} is not whole and was not restored: {}",
            from.display(),
            report.problems.join("; ")
        );
    }
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(in_use_file(database))
        .context("cannot check whether a server uses the database")?;
    if lock.try_lock().is_err() {
        bail!(
            "a running server uses {}; stop it before restoring",
            database.display()
        );
    }
    let with_suffix = |suffix: &str| {
        let mut name = database.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    let incoming = with_suffix(".restoring");
    std::fs::copy(from, &incoming).with_context(|| format!("cannot copy {}", from.display()))?;
    std::fs::File::open(&incoming)?.sync_all()?;
    // The replaced database is kept whole: with its write-ahead log, if any.
    let kept = with_suffix(".before-restore");
    for (part, suffix) in [("", ""), ("-wal", "-wal"), ("-shm", "-shm")] {
        let old = with_suffix(part);
        if old.exists() {
            let mut to = kept.as_os_str().to_owned();
            to.push(suffix);
            std::fs::rename(&old, PathBuf::from(to))
                .with_context(|| format!("cannot keep {}", old.display()))?;
        }
    }
    std::fs::rename(&incoming, database)
        .with_context(|| format!("cannot put the backup in place at {}", database.display()))?;
    drop(lock);
    Ok(kept)
}

/// Scheduled backups: a checked copy into `folder` every `every`, the
/// newest `keep` kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub folder: PathBuf,
    pub every: std::time::Duration,
    pub keep: usize,
}

const SCHEDULED_PREFIX: &str = "doorbraak-";

impl Schedule {
    /// Refuses a folder the server cannot write in, before it serves.
    pub fn ready(&self) -> anyhow::Result<()> {
        if !self.folder.is_dir() {
            std::fs::create_dir_all(&self.folder).with_context(|| {
                format!(
                    "the backup folder {} cannot be created",
                    self.folder.display()
                )
            })?;
        }
        if let Err((folder, e)) = crate::check::folder_takes_a_write(&self.folder.join("x")) {
            bail!(
                "the backup folder {} is not writable: {e}",
                folder.display()
            );
        }
        Ok(())
    }

    /// One scheduled backup now, then the oldest beyond `keep` removed.
    pub async fn run_once(&self, database: &Path) -> anyhow::Result<PathBuf> {
        let name = format!(
            "{SCHEDULED_PREFIX}{}.db",
            app::auth::now().format("%Y%m%d-%H%M%S%.3f")
        );
        let to = self.folder.join(name);
        backup(database, &to).await?;
        let mut made: Vec<PathBuf> = std::fs::read_dir(&self.folder)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(SCHEDULED_PREFIX) && n.ends_with(".db"))
            })
            .collect();
        // The names sort by the moment they were made.
        made.sort();
        let surplus = made.len().saturating_sub(self.keep);
        for old in &made[..surplus] {
            std::fs::remove_file(old)?;
        }
        Ok(to)
    }
}

/// Scheduled backups for as long as the server runs; a failure is logged
/// and tried again at the next turn.
pub async fn every(schedule: Schedule, database: PathBuf) {
    let mut tick = tokio::time::interval(schedule.every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match schedule.run_once(&database).await {
            Ok(to) => tracing::info!(file = %to.display(), "scheduled backup written and checked"),
            Err(e) => tracing::error!(error = %e, "the scheduled backup failed"),
        }
    }
}
