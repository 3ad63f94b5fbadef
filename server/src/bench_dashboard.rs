//! `doorbraak bench-dashboard DB [TEAM|NULL] [STREAM|NULL] [FROM] [TO]`
//! (dates as 2025-01-01), for `scripts/bench-pages.sh`: times each of the
//! dashboard's queries as the server runs them (sqlx, one connection, warm
//! cache) and the same SQL with the same parameters run raw in the
//! `sqlite3` shell, prints both with their ratio, then the whole view
//! computed without the cache.

use std::process::{Command, Stdio};
use std::time::Instant;

use sqlx::Connection;

const RUNS: u32 = 20;

fn sql_literal(value: &str) -> String {
    if value == "NULL" || value.parse::<i64>().is_ok() {
        value.to_string()
    } else {
        format!("'{}'", value.replace('\'', "''"))
    }
}

/// Seconds the `sqlite3` shell takes for `script` on `db`.
fn shell(db: &str, script: &str) -> f64 {
    let started = Instant::now();
    let mut child = Command::new("sqlite3")
        .arg(db)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("sqlite3 is installed");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("write");
    assert!(child.wait().expect("wait").success(), "sqlite3 failed");
    started.elapsed().as_secs_f64()
}

pub async fn run(args: &[String]) -> anyhow::Result<()> {
    let db = args
        .first()
        .ok_or_else(|| anyhow::anyhow!("bench-dashboard needs a database file"))?
        .clone();
    let get = |i: usize, default: &str| args.get(i).cloned().unwrap_or(default.to_string());
    let (team, stream, from, to) = (
        get(1, "NULL"),
        get(2, "NULL"),
        get(3, "2025-01-01"),
        get(4, "2025-12-31"),
    );
    let day = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").expect("date");
    let (from_day, to_day) = (day(&from), day(&to));
    let from_at = app::db::timestamp(doorbraak::dates::dutch_day_start(from_day));
    let to_at = app::db::timestamp(doorbraak::dates::dutch_day_start(
        to_day.succ_opt().expect("next day"),
    ));
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{db}?mode=ro")).await?;
    let params = [
        ("?1", team.clone()),
        ("?2", stream.clone()),
        ("?3", from.clone()),
        ("?4", to.clone()),
        ("?5", from_at.clone()),
        ("?6", to_at.clone()),
    ];
    let preamble: String = params
        .iter()
        .map(|(k, v)| format!(".parameter set {k} {}\n", sql_literal(v)))
        .collect();
    let baseline = {
        let mut best = f64::MAX;
        for _ in 0..3 {
            best = best.min(shell(&db, &preamble));
        }
        best
    };
    eprintln!(
        "{:<26} {:>10} {:>12} {:>7}",
        "query", "sqlx ms", "sqlite3 ms", "ratio"
    );
    for (name, sql) in app::db::dashboard::queries() {
        let highest = (1..=6)
            .rev()
            .find(|i| sql.contains(&format!("?{i}")))
            .unwrap_or(0);
        // Warm the cache, then time the runs.
        fn bind<'q>(
            sql: &'q str,
            params: &'q [(&str, String)],
            highest: usize,
        ) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>> {
            let mut q = sqlx::query(sql);
            for (i, (_, v)) in params.iter().enumerate().take(highest) {
                q = match (i, v.as_str()) {
                    (_, "NULL") => q.bind(None::<String>),
                    (0, v) => q.bind(v.parse::<i64>().ok()),
                    (_, v) => q.bind(v.to_string()),
                };
            }
            q
        }
        bind(&sql, &params, highest).fetch_all(&mut conn).await?;
        let started = Instant::now();
        let mut rows = 0;
        for _ in 0..RUNS {
            rows = bind(&sql, &params, highest)
                .fetch_all(&mut conn)
                .await?
                .len();
        }
        let ours = started.elapsed().as_secs_f64() * 1000.0 / f64::from(RUNS);
        let mut script = preamble.clone();
        for _ in 0..RUNS {
            script.push_str(&sql);
            script.push_str(";\n");
        }
        let raw = ((shell(&db, &script) - baseline).max(0.0) * 1000.0) / f64::from(RUNS);
        eprintln!(
            "{name:<26} {ours:>10.2} {raw:>12.2} {:>7.2}   ({rows} rows)",
            if raw > 0.0 { ours / raw } else { f64::NAN }
        );
    }
    // The whole view, computed without the cache (what the first request
    // for a set of filters costs).
    let query = app::model::DashboardQuery {
        van: from.clone(),
        tot: to.clone(),
        team: if team == "NULL" {
            String::new()
        } else {
            team.clone()
        },
        wet: if stream == "NULL" {
            String::new()
        } else {
            stream.clone()
        },
        ..Default::default()
    };
    let today = app::auth::today();
    let mut times = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        app::services::dashboard::compute(&mut conn, today, query.clone())
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    eprintln!("whole view, uncached: median {:.1} ms (of 5)", times[2]);
    let started = Instant::now();
    app::services::agenda::load(&mut conn)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    eprintln!(
        "of which the learning agenda's groups: {:.1} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    reconcile(&mut conn, today).await
}

/// The dashboard over all years against the fund page's positions and the
/// posted runs' charges, on this database: the national-scale check.
async fn reconcile(
    conn: &mut sqlx::SqliteConnection,
    today: chrono::NaiveDate,
) -> anyhow::Result<()> {
    use app::model::Cell;
    let d = app::services::dashboard::compute(conn, today, Default::default())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let fund = d
        .table("fonds")
        .ok_or_else(|| anyhow::anyhow!("no fund table"))?;
    let (mut years, mut differences) = (0, Vec::new());
    for row in &fund.rows {
        let year: i32 = row[0].text().parse()?;
        let p = app::db::ledger::position(conn, year).await?;
        let expected = [
            p.funded,
            p.carried_in,
            p.held,
            p.paid,
            p.recovered,
            p.carried_out,
            p.returned,
            p.available,
        ];
        let shown: Vec<Option<doorbraak::Money>> = [1, 2, 4, 5, 6, 7, 8, 9]
            .iter()
            .map(|i| row[*i].as_money())
            .collect();
        for (e, s) in expected.iter().zip(&shown) {
            if s.is_some_and(|s| s != *e) {
                differences.push(format!("fund {year}: {s:?} ≠ {e}"));
            }
        }
        years += 1;
    }
    let partners = d
        .table("partners")
        .ok_or_else(|| anyhow::anyhow!("no partners table"))?;
    let names: std::collections::BTreeMap<String, String> =
        sqlx::query_as("SELECT name, code FROM streams")
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect();
    let mut cells = 0;
    for row in partners.rows.iter().filter(|r| r[1].text() != "Totaal") {
        let (stream, year) = (&names[&row[0].text()], row[1].text());
        let raw: i64 = sqlx::query_scalar(
            "SELECT coalesce(sum(rc.amount_cents), 0) FROM run_charges rc JOIN chargeback_runs r ON r.id = rc.run_id
             WHERE r.status = 'posted' AND rc.stream_code = ?1 AND substr(r.booking_date, 1, 4) = ?2",
        )
        .bind(stream)
        .bind(&year)
        .fetch_one(&mut *conn)
        .await?;
        if let Cell::Money(m) = &row[3] {
            cells += 1;
            if m.cents() != raw {
                differences.push(format!("charged {stream} {year}: {m} ≠ {raw} cents"));
            }
        }
    }
    eprintln!(
        "reconciliation: {years} fund years against the fund page, {cells} charged cells against the posted runs: {}",
        if differences.is_empty() {
            "equal".to_string()
        } else {
            differences.join("; ")
        }
    );
    anyhow::ensure!(differences.is_empty(), "the dashboard does not reconcile");
    Ok(())
}
