//! `doorbraak [serve] [--demo]` runs the server;
//! `doorbraak create-admin --username U --name N [--municipality M]` creates the
//! first administrator (password from DOORBRAAK_ADMIN_PASSWORD or standard input);
//! `doorbraak generate --cases 20000 [--seed 7] [--settled] [--no-history]` adds
//! generated cases (for benchmarks; `--settled`: all of them settled, ready for a
//! chargeback run). On a fresh database the set then lives through the earlier
//! years as the demo does — runs, claims, evaluations — unless `--settled` or
//! `--no-history`; `doorbraak bench-dashboard DB …` times the dashboard's
//! queries (see `scripts/bench-pages.sh`); `doorbraak check [FILE]` checks
//! that a database is whole (SQLite's checks and the ledger's reconciliation)
//! and exits non-zero with a report when it is not; `doorbraak backup FILE`
//! writes a checked copy while the server runs; `doorbraak restore FILE`
//! puts a checked backup in place of a database no server uses;
//! `doorbraak erase --dry-run | --apply [--case REF]` lists or erases the
//! household data of cases past their retention terms.

use std::io::Write as _;

use anyhow::{Context, bail};

/// mimalloc: measured faster than the system allocator under load (SSR
/// allocates many small strings).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use server::{Config, demo};
use tracing_subscriber::EnvFilter;

fn flag_value(args: &[String], flag: &str) -> Option<String> {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::from_env().context("invalid configuration")?;
    let filter = EnvFilter::try_new(&config.log)
        .with_context(|| format!("DOORBRAAK_LOG={:?} is not a valid filter", config.log))?;
    tracing_subscriber::fmt().with_env_filter(filter).init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None | Some("serve") | Some("--demo") => {
            serve(&config, args.iter().any(|a| a == "--demo")).await
        }
        Some("create-admin") => {
            let username = flag_value(&args, "--username").context("--username is required")?;
            let name = flag_value(&args, "--name").context("--name is required")?;
            let password = match std::env::var("DOORBRAAK_ADMIN_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    eprintln!("Password for {username} (at least 12 characters):");
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            let id = server::create_admin(
                &config,
                &username,
                &name,
                &password,
                flag_value(&args, "--municipality").as_deref(),
            )
            .await?;
            eprintln!("Administrator {username} created (id {id}).");
            Ok(())
        }
        Some("generate") => {
            let cases: usize = flag_value(&args, "--cases")
                .unwrap_or_else(|| "20000".into())
                .parse()
                .context("--cases takes a number")?;
            let seed: u64 = flag_value(&args, "--seed")
                .unwrap_or_else(|| "7".into())
                .parse()
                .context("--seed takes a number")?;
            let pool = server::connect(&config.database).await?;
            server::seed::load(&pool).await?;
            let all_settled = args.iter().any(|a| a == "--settled");
            let lived = !all_settled && !args.iter().any(|a| a == "--no-history");
            let fresh = demo::prepare(&pool, lived).await?;
            let started = std::time::Instant::now();
            let made = server::demo_cases::generate(&pool, cases, seed, all_settled).await?;
            eprintln!(
                "Generated {made} cases in {:.1} s.",
                started.elapsed().as_secs_f64()
            );
            // A fresh database lives through the earlier years as the demo
            // does: chargeback runs, claims, a closed year, then receipts,
            // evaluations and the learning agenda.
            if fresh && lived {
                let started = std::time::Instant::now();
                demo::live(&pool).await?;
                eprintln!(
                    "Lived through the earlier years in {:.1} s.",
                    started.elapsed().as_secs_f64()
                );
            }
            Ok(())
        }
        Some("bench-dashboard") => server::bench_dashboard::run(&args[1..]).await,
        Some("backup") => {
            let to = args
                .get(1)
                .context("backup needs a file to write: doorbraak backup FILE")?;
            let report = server::backup::backup(&config.database, std::path::Path::new(to)).await?;
            eprintln!(
                "Backup written to {to} and checked: {}.",
                report.checked.join(", ")
            );
            Ok(())
        }
        Some("restore") => {
            let from = args
                .get(1)
                .context("restore needs a backup file: doorbraak restore FILE")?;
            let kept =
                server::backup::restore(std::path::Path::new(from), &config.database).await?;
            eprintln!(
                "{} restored from {from}; the database it replaced is kept as {}.",
                config.database.display(),
                kept.display()
            );
            Ok(())
        }
        Some("check") => {
            let path = args
                .get(1)
                .map(std::path::PathBuf::from)
                .unwrap_or_else(|| config.database.clone());
            let report = server::check::check(&path).await?;
            for line in &report.checked {
                eprintln!("checked: {line}");
            }
            if report.is_whole() {
                eprintln!("{}: whole.", path.display());
                Ok(())
            } else {
                for line in &report.problems {
                    eprintln!("PROBLEM: {line}");
                }
                bail!(
                    "{}: {} problem(s) found; do not use this database until they are explained",
                    path.display(),
                    report.problems.len()
                )
            }
        }
        Some("erase") => erase(&config, &args[1..]).await,
        Some(other) => bail!(
            "unknown command {other:?}; use `serve [--demo]`, `create-admin`, `generate --cases N`, `backup FILE`, `restore FILE`, `check [FILE]` or `erase --dry-run|--apply [--case REF]`"
        ),
    }
}

/// `doorbraak erase --dry-run | --apply [--case REF]`: lists, or erases, the
/// household data of the cases past their retention terms (or of one case).
async fn erase(config: &Config, args: &[String]) -> anyhow::Result<()> {
    let dry = args.iter().any(|a| a == "--dry-run");
    let apply = args.iter().any(|a| a == "--apply");
    if dry == apply {
        bail!(
            "erase needs exactly one of --dry-run (list what would be erased) or --apply (erase it)"
        );
    }
    let case = flag_value(args, "--case");
    if args.iter().any(|a| a == "--case") && case.is_none() {
        bail!("--case needs a case reference, e.g. --case DB-2019-0012");
    }
    anyhow::ensure!(
        config.database.exists(),
        "{} does not exist; set DOORBRAAK_DATABASE to the database to erase in",
        config.database.display()
    );
    let pool = server::connect(&config.database).await?;
    let now = app::auth::now();
    let plan =
        app::services::retention::run_job(&pool, now, apply, case.as_deref(), "doorbraak erase")
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    // The list goes to standard output (one case per line, for scripts);
    // the summary to standard error.
    let mut out = std::io::stdout().lock();
    for due in &plan.due {
        writeln!(
            out,
            "{}\t{}\tended {}\tterm passed {}",
            due.reference, due.class, due.ended_on, due.since
        )?;
    }
    for held in &plan.held {
        writeln!(out, "{held}\tlegal hold: kept")?;
    }
    let verb = if apply { "erased" } else { "would be erased" };
    eprintln!(
        "{} case(s) {verb}; {} past their terms but on legal hold; {} erased before.",
        plan.due.len(),
        plan.held.len(),
        plan.erased_before
    );
    pool.close().await;
    Ok(())
}

async fn serve(config: &Config, demo: bool) -> anyhow::Result<()> {
    let running = server::start(config, demo).await?;
    eprintln!("Doorbraak draait op http://{}", running.addr);
    if demo {
        eprintln!("Demo-accounts (wachtwoord '{}'):", demo::PASSWORD);
        for (username, name, roles, _, _) in demo::USERS {
            let roles: Vec<&str> = roles.iter().map(|r| r.label_nl()).collect();
            eprintln!("  {username:<18} {name} — {}", roles.join(", "));
        }
    }
    tokio::select! {
        result = running.task => { result??; }
        _ = tokio::signal::ctrl_c() => { tracing::info!("shutting down"); }
    }
    running.pool.close().await;
    Ok(())
}
