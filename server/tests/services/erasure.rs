//! Erasure at the end of retention, on the lived demo municipality: every
//! case that was closed or rejected in the closed year 2023 is past its
//! terms in 2045. The test marks every free text of every case with a
//! sentinel naming the case, erases, and shows that the sentinels of the
//! erased cases are gone from every table while every other case keeps its
//! own — and that the ledger, the fund, the journals, the reconciliation and
//! the dashboards did not move by a cent.

use std::collections::{BTreeMap, HashMap};

use app::context::Write;
use app::db;
use app::model::{DashboardQuery, HoldForm};
use app::services::{dashboard, reconcile, retention};
use sqlx::SqlitePool;

use super::{Demo, at, demo};

/// Text columns (of rows belonging to a case) the sentinel is written into,
/// with the SQL that gives the row's case.
const MARKED: &[(&str, &str, &str)] = &[
    ("cases", "waiting_note", "id"),
    ("case_events", "reason", "case_id"),
    ("payments", "supplier", "case_id"),
    ("payments", "reference", "case_id"),
    (
        "payment_reversals",
        "reason",
        "(SELECT case_id FROM payments p WHERE p.id = payment_id)",
    ),
    (
        "receipts",
        "note",
        "(SELECT case_id FROM payments p WHERE p.id = payment_id)",
    ),
    ("evaluations", "goal_note", "case_id"),
    (
        "evaluation_lines",
        "justification",
        "(SELECT case_id FROM evaluations e WHERE e.id = evaluation_id)",
    ),
    ("run_cases", "reason", "case_id"),
    ("case_keys", "reason", "case_id"),
    ("charge_reviews", "reason", "case_id"),
    ("claims", "reason", "case_id"),
    ("chargeback_runs", "reason", "reversed_case"),
];

/// The JSON paths of a canvas body that get a sentinel where they exist.
const CANVAS_PATHS: &[&str] = &[
    "$.texts.situation",
    "$.texts.goal",
    "$.texts.providers",
    "$.texts.breakthrough",
    "$.texts.legal_basis",
    "$.texts.threatening_summary",
    "$.texts.realistic_summary",
    "$.blockers[0].description",
    "$.costs[0].description",
    "$.costs[0].supplier",
    "$.threatening[0].item.Free.description",
    "$.threatening[0].item.Free.reason",
    "$.triangle.legitimacy.justification",
];

fn sentinel(case: i64) -> String {
    format!("QQ{case}QQ")
}

/// Every row of `table` as one text of all its columns but `skip`, in `order`.
async fn rows_as_text(pool: &SqlitePool, table: &str, skip: &str, order: &str) -> Vec<String> {
    let columns: Vec<String> =
        sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .fetch_all(pool)
            .await
            .expect("columns");
    let joined = columns
        .iter()
        .filter(|c| *c != skip)
        .map(|c| format!("coalesce(CAST(\"{c}\" AS TEXT), '∅')"))
        .collect::<Vec<_>>()
        .join(" || '|' || ");
    sqlx::query_scalar(&format!(
        "SELECT {joined} FROM \"{table}\" ORDER BY {order}"
    ))
    .fetch_all(pool)
    .await
    .unwrap_or_else(|e| panic!("{table}: {e}"))
}

/// Every value of every table as text: what a search of the whole database sees.
async fn everything(pool: &SqlitePool) -> String {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .expect("tables");
    let mut all = String::new();
    for table in tables {
        let rows = rows_as_text(pool, &table, "", "1").await;
        all.push_str(&format!("\n## {table}\n"));
        for row in rows {
            all.push_str(&row);
            all.push('\n');
        }
    }
    all
}

/// Writes a sentinel naming the case into every text of every case: the
/// append-only triggers are set aside for this preparation only.
async fn mark_every_text(pool: &SqlitePool) {
    let mut tx = pool.begin().await.expect("begin");
    let triggers: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'
           AND (name LIKE '%no_update' OR name LIKE '%_stay')",
    )
    .fetch_all(&mut *tx)
    .await
    .expect("triggers");
    for (name, _) in &triggers {
        sqlx::query(&format!("DROP TRIGGER {name}"))
            .execute(&mut *tx)
            .await
            .expect("drop");
    }
    for (table, column, case) in MARKED {
        sqlx::query(&format!(
            "UPDATE {table} SET {column} = 'QQ' || {case} || 'QQ {table}.{column}' WHERE {case} IS NOT NULL"
        ))
        .execute(&mut *tx)
        .await
        .unwrap_or_else(|e| panic!("{table}.{column}: {e}"));
    }
    for path in CANVAS_PATHS {
        sqlx::query(&format!(
            "UPDATE canvases SET body = json_replace(body, '{path}', 'QQ' || case_id || 'QQ {path}')"
        ))
        .execute(&mut *tx)
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    }
    // The audit trail: an event about each case, each charge and each claim.
    sqlx::query(
        "INSERT INTO audit_events (at, actor_name, action, object_type, object_id, before_json, after_json)
         SELECT '2024-01-01T00:00:00.000Z', 'test', 'case_waiting', 'case', CAST(id AS TEXT),
                json_object('note', 'QQ' || id || 'QQ before'), json_object('note', 'QQ' || id || 'QQ after')
         FROM cases
         UNION ALL
         SELECT '2024-01-01T00:00:00.000Z', 'test', 'charge_disputed', 'charge', run_id || ':' || case_id || ':' || stream_code,
                NULL, json_object('reason', 'QQ' || case_id || 'QQ charge')
         FROM run_charges
         UNION ALL
         SELECT '2024-01-01T00:00:00.000Z', 'test', 'claim_refused', 'claim', CAST(id AS TEXT),
                NULL, json_object('reason', 'QQ' || case_id || 'QQ claim')
         FROM claims",
    )
    .execute(&mut *tx)
    .await
    .expect("audit");
    for (_, sql) in &triggers {
        sqlx::query(sql).execute(&mut *tx).await.expect("recreate");
    }
    tx.commit().await.expect("commit");
}

/// Everything a total is made of, as text: the ledger and what is derived from it.
async fn money(pool: &SqlitePool) -> String {
    let mut all = String::new();
    for (table, order) in [
        ("ledger_transactions", "id"),
        ("ledger_postings", "id"),
        ("account_balances", "account"),
        ("holds", "case_id"),
        ("fund_years", "year"),
        ("year_closings", "year"),
        ("run_charges", "run_id, case_id, stream_code"),
        ("claims", "id"),
        ("invoices", "id"),
        ("canvas_returns", "case_id, version, stream_code"),
        ("canvas_knelpunten", "case_id, version, position"),
        ("evaluation_streams", "evaluation_id, stream_code"),
    ] {
        // Texts that erasure blanks are not part of any total.
        let rows = rows_as_text(pool, table, "reason", order).await;
        all.push_str(&format!("## {table}\n{}\n", rows.join("\n")));
    }
    let figures: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT case_id, version, investment_cents, total_avoided_cents FROM canvases ORDER BY case_id, version",
    )
    .fetch_all(pool)
    .await
    .expect("figures");
    all.push_str(&format!("## canvases\n{figures:?}\n"));
    all
}

/// What the pages and exports show: fund positions, the reconciliation,
/// every posted run's journal as CSV, and the dashboards of every year.
async fn reports(demo: &Demo) -> (String, BTreeMap<i64, String>) {
    let mut conn = demo.pool.acquire().await.expect("conn");
    let mut shown = String::new();
    for year in db::budget_years::year_numbers(&mut conn)
        .await
        .expect("years")
    {
        let p = db::ledger::position(&mut conn, year)
            .await
            .expect("position");
        shown.push_str(&format!("fund {year}: {p:?}\n"));
    }
    let r = reconcile::reconcile(&mut conn).await.expect("reconcile");
    assert_eq!(r.differences(), 0, "the reconciliation shows differences");
    shown.push_str(&format!("{r:?}\n"));
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).expect("date");
    for jaar in ["2023", "2024", "2025", "2026"] {
        for team in ["", "1"] {
            let query = DashboardQuery {
                jaar: jaar.into(),
                team: team.into(),
                ..DashboardQuery::default()
            };
            let d = dashboard::compute(&mut conn, today, query)
                .await
                .expect("dashboard");
            shown.push_str(&serde_json::to_string(&d).expect("json"));
        }
    }
    let runs: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM chargeback_runs WHERE status = 'posted' ORDER BY id")
            .fetch_all(&mut *conn)
            .await
            .expect("runs");
    let mut journals = BTreeMap::new();
    for run in runs {
        let j = app::exports::journal(&mut conn, run)
            .await
            .expect("journal");
        journals.insert(run, doorbraak::journal::to_csv(&j.lines));
    }
    (shown, journals)
}

async fn references(pool: &SqlitePool) -> HashMap<i64, String> {
    sqlx::query_as::<_, (i64, String)>("SELECT id, reference FROM cases")
        .fetch_all(pool)
        .await
        .expect("references")
        .into_iter()
        .collect()
}

#[tokio::test]
async fn erasure_leaves_no_household_text_and_moves_no_cent() {
    let demo = demo().await;
    let pool = &demo.pool;
    mark_every_text(pool).await;
    let later = at("2045-06-01T10:00:00Z");

    // The dry run: the cases of the closed year 2023 and the rejected ones.
    let mut conn = pool.acquire().await.expect("conn");
    let (plan, due) = retention::plan(&mut conn, app::context::Moment::of(later).today)
        .await
        .expect("plan");
    drop(conn);
    assert!(
        due.len() >= 20,
        "the demo has cases past their terms in 2045: {plan:?}"
    );
    assert!(plan.per_class.iter().any(|(c, _)| c == "granted"));
    assert!(plan.per_class.iter().any(|(c, _)| c == "not_granted"));

    // One of them goes on legal hold; nothing is erased for it.
    let held_reference = plan.due[0].reference.clone();
    let held_id: i64 = sqlx::query_scalar("SELECT id FROM cases WHERE reference = ?1")
        .bind(&held_reference)
        .fetch_one(pool)
        .await
        .expect("held");
    let mut w = demo.write("beheer", at("2026-12-07T10:00:00Z")).await;
    retention::set_hold(
        &mut w,
        HoldForm {
            reference: held_reference.clone(),
            hold: "on".into(),
            reason: "Bezwaarprocedure BZ-2026-14".into(),
        },
    )
    .await
    .expect("hold");
    w.commit().await.expect("commit");
    let erased_ids: Vec<i64> = due.iter().copied().filter(|id| *id != held_id).collect();

    // A case on hold is refused by name, and nothing changes.
    let before_refusal = everything(pool).await;
    let mut w = Write::begin(pool, None::<app::model::CurrentUser>, later, "test")
        .await
        .expect("begin");
    let refused = retention::apply_one(&mut w, &held_reference, "test").await;
    drop(w);
    assert!(
        refused
            .expect_err("a held case is not erased")
            .to_string()
            .contains("juridische bewaarplicht"),
    );
    assert_eq!(
        everything(pool).await,
        before_refusal,
        "a refused erasure changes nothing"
    );

    let old_references = references(pool).await;
    let money_before = money(pool).await;
    let (shown_before, journals_before) = reports(&demo).await;
    let all_before = everything(pool).await;
    for id in old_references.keys() {
        assert!(
            all_before.contains(&sentinel(*id)),
            "case {id} carries its sentinel"
        );
    }

    // Erase, as the daily job does.
    let done = retention::run_job(pool, later, true, None, "dagelijkse wisronde")
        .await
        .expect("erase");
    assert_eq!(done.due.len(), erased_ids.len());
    assert_eq!(done.held, vec![held_reference.clone()]);

    let all_after = everything(pool).await;
    // Nor does the file: no erased text lingers in freed space or the log.
    let mut bytes = std::fs::read(&demo.path).expect("database file");
    bytes.extend(std::fs::read(demo.path.with_extension("db-wal")).unwrap_or_default());
    for id in &erased_ids {
        let marker = sentinel(*id);
        let found = bytes
            .windows(marker.len())
            .filter(|w| *w == marker.as_bytes())
            .count();
        assert_eq!(found, 0, "{marker} is still in the file's bytes");
    }
    let kept = sentinel(held_id);
    assert!(
        bytes.windows(kept.len()).any(|w| w == kept.as_bytes()),
        "the search sees what is there"
    );
    let new_references = references(pool).await;
    for id in &erased_ids {
        let marker = sentinel(*id);
        assert!(
            !all_after.contains(&marker),
            "a text of erased case {id} survived:\n{}",
            lines_with(&all_after, &marker)
        );
        let old = &old_references[id];
        assert!(
            !all_after.contains(old.as_str()),
            "the old reference {old} survived:\n{}",
            lines_with(&all_after, old)
        );
        assert!(new_references[id].starts_with("GEWIST-"));
    }
    for (id, _) in old_references
        .iter()
        .filter(|(id, _)| !erased_ids.contains(id))
    {
        let marker = sentinel(*id);
        assert_eq!(
            all_after.matches(&marker).count(),
            all_before.matches(&marker).count(),
            "case {id} was not due and keeps every text"
        );
        assert_eq!(new_references[id], old_references[id]);
    }

    // Every total, journal and dashboard is what it was.
    assert_eq!(
        money(pool).await,
        money_before,
        "the ledger and its figures"
    );
    let (shown_after, journals_after) = reports(&demo).await;
    assert_eq!(
        shown_after, shown_before,
        "fund, reconciliation and dashboards"
    );
    assert_eq!(journals_after.len(), journals_before.len());
    let erased_journal_lines = journals_before
        .values()
        .filter(|j| erased_ids.iter().any(|id| j.contains(&old_references[id])))
        .count();
    assert!(
        erased_journal_lines > 0,
        "some posted journals list erased cases"
    );
    for (run, before) in &journals_before {
        let mut after = journals_after[run].clone();
        for id in &erased_ids {
            after = after.replace(&new_references[id], &old_references[id]);
        }
        assert_eq!(
            &after, before,
            "run {run}'s journal apart from the references"
        );
    }

    // History times are coarsened to the start of their Dutch month.
    let times: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT at FROM case_events WHERE case_id IN ({})",
        erased_ids
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",")
    ))
    .fetch_all(pool)
    .await
    .expect("times");
    assert!(!times.is_empty());
    for t in &times {
        let day = db::decode::dutch_date("case_events", 0, t).expect("time");
        assert_eq!(
            chrono::Datelike::day(&day),
            1,
            "{t} is the start of a Dutch month"
        );
    }

    // The audit trail says that an erasure happened, and how many, not what.
    let (after_json, actor): (String, String) = sqlx::query_as(
        "SELECT after_json, actor_name FROM audit_events WHERE action = 'erasure_applied'",
    )
    .fetch_one(pool)
    .await
    .expect("erasure event");
    assert_eq!(actor, "systeem");
    let recorded: serde_json::Value = serde_json::from_str(&after_json).expect("json");
    assert_eq!(recorded["cases"], erased_ids.len());
    assert_eq!(recorded["job"], "dagelijkse wisronde");
    assert!(!after_json.contains("QQ") && !after_json.contains("DB-"));

    // A second erasure finds nothing and changes nothing.
    let mut w = Write::begin(pool, None::<app::model::CurrentUser>, later, "test")
        .await
        .expect("begin");
    let again = retention::apply(&mut w, "dagelijkse wisronde")
        .await
        .expect("again");
    w.commit().await.expect("commit");
    assert!(again.due.is_empty());
    assert_eq!(again.erased_before, erased_ids.len());
    assert_eq!(
        everything(pool).await,
        all_after,
        "erasing twice changes nothing"
    );

    refused_changes(pool, erased_ids[0], held_id).await;
}

/// The lines of `all` that contain `needle` (for a failure message).
fn lines_with(all: &str, needle: &str) -> String {
    all.lines()
        .filter(|l| l.contains(needle))
        .take(5)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The triggers allow exactly the erasure: any other change is refused.
async fn refused_changes(pool: &SqlitePool, erased: i64, kept: i64) {
    let refused = [
        format!("UPDATE payments SET amount_cents = amount_cents + 1 WHERE case_id = {erased}"),
        format!("UPDATE payments SET supplier = 'Iemand' WHERE case_id = {erased}"),
        format!("UPDATE payments SET supplier = '[gewist]', reference = '[gewist]' WHERE case_id = {kept}"),
        format!("DELETE FROM payments WHERE case_id = {erased}"),
        format!("UPDATE canvases SET investment_cents = investment_cents + 1 WHERE case_id = {erased}"),
        format!("UPDATE canvases SET body = json_set(body, '$.texts.situation', 'Nieuw verhaal') WHERE case_id = {erased}"),
        format!("UPDATE canvases SET body = json_set(body, '$.texts.situation', '[gewist]') WHERE case_id = {kept} AND frozen = 1"),
        format!("DELETE FROM canvases WHERE case_id = {erased}"),
        format!("UPDATE case_events SET reason = '[gewist]' WHERE case_id = {kept} AND reason IS NOT NULL"),
        format!("UPDATE case_events SET to_status = 'draft' WHERE case_id = {erased}"),
        format!("UPDATE case_events SET reason = 'Toch iets' WHERE case_id = {erased}"),
        format!("DELETE FROM case_events WHERE case_id = {erased}"),
        format!("UPDATE audit_events SET after_json = '{{\"a\":1}}' WHERE object_type = 'case' AND object_id = '{erased}'"),
        format!("UPDATE audit_events SET before_json = NULL, after_json = NULL WHERE object_type = 'case' AND object_id = '{kept}' AND after_json IS NOT NULL"),
        "UPDATE audit_events SET before_json = NULL, after_json = NULL WHERE object_type = 'user' AND after_json IS NOT NULL".to_string(),
        format!("DELETE FROM audit_events WHERE object_id = '{erased}'"),
        format!("UPDATE cases SET reference = 'DB-2045-0001' WHERE id = {erased}"),
        format!("UPDATE cases SET erased_at = '2045-06-01T00:00:00.000Z' WHERE id = {kept}"),
        format!("UPDATE evaluations SET total_realised_cents = 0 WHERE case_id = {erased}"),
        format!("UPDATE claims SET amount_cents = amount_cents + 1 WHERE case_id = {erased} AND status IN ('paid', 'refused', 'withdrawn')"),
        "UPDATE ledger_postings SET amount_cents = amount_cents + 1".to_string(),
        "DELETE FROM ledger_transactions".to_string(),
    ];
    let before = everything(pool).await;
    let mut tried = 0;
    for sql in &refused {
        let result = sqlx::query(sql).execute(pool).await;
        match result {
            Err(e) => {
                let message = e.to_string();
                assert!(
                    [
                        "append-only",
                        "never",
                        "cannot",
                        "corrected",
                        "erased",
                        "legal hold"
                    ]
                    .iter()
                    .any(|w| message.contains(w)),
                    "{sql}: {message}"
                );
                tried += 1;
            }
            Ok(done) => assert_eq!(done.rows_affected(), 0, "{sql} was allowed"),
        }
    }
    assert!(
        tried >= 15,
        "most statements touched rows and were refused ({tried})"
    );
    assert_eq!(everything(pool).await, before, "nothing changed");
}
