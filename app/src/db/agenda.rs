//! The learning agenda: the knelpunten of submitted canvases with the money
//! of their cases, and the agenda items with their steps (append-only).

use doorbraak::agenda::{Mention, Rung, quarter};
use doorbraak::canvas::BlockerCategory;
use sqlx::SqliteConnection;

use super::decode;
use crate::model::{AgendaItemView, AgendaStepView};

#[derive(sqlx::FromRow)]
struct MentionRecord {
    case_id: i64,
    submitted_at: String,
    law: Option<String>,
    rule: Option<String>,
    organisation: Option<String>,
    category: Option<String>,
    paid_cents: i64,
    avoided_cents: i64,
    realised_cents: Option<i64>,
}

/// Every knelpunt of every submitted canvas (the version in force), with
/// its case's payments, projected and (once evaluated) realised savings.
pub async fn mentions(conn: &mut SqliteConnection) -> Result<Vec<Mention>, sqlx::Error> {
    let rows: Vec<MentionRecord> = sqlx::query_as(
        "SELECT c.id AS case_id, c.submitted_at, k.law, k.rule, k.organisation, k.category,
                COALESCE(h.paid_cents, 0) AS paid_cents, cv.total_avoided_cents AS avoided_cents,
                (SELECT e.total_realised_cents FROM evaluations e
                  WHERE e.case_id = c.id AND e.moment = 'final' ORDER BY e.version DESC LIMIT 1) AS realised_cents
         FROM cases c
         JOIN canvases cv INDEXED BY canvases_figures ON cv.case_id = c.id AND cv.version = c.current_version
         JOIN canvas_knelpunten k ON k.case_id = c.id AND k.version = c.current_version
         LEFT JOIN holds h ON h.case_id = c.id
         WHERE c.status <> 'draft' AND c.submitted_at IS NOT NULL
         ORDER BY c.id, k.position",
    )
    .fetch_all(&mut *conn)
    .await?;
    const T: &str = "canvases";
    rows.into_iter()
        .map(|r| {
            let id = r.case_id;
            let text = |what: &str, v: Option<String>| {
                v.ok_or_else(|| decode::corrupt(T, id, format!("knelpunt without {what}")))
            };
            Ok(Mention {
                case: id,
                quarter: quarter(decode::dutch_date("cases", id, &r.submitted_at)?),
                law: decode::stream(T, id, &text("law", r.law)?)?,
                rule: text("rule", r.rule)?,
                organisation: text("organisation", r.organisation)?,
                category: r
                    .category
                    .map(|c| decode::code(T, id, "category", &c, BlockerCategory::from_code))
                    .transpose()?,
                spent: decode::money("holds", id, r.paid_cents)?,
                projected: decode::money(T, id, r.avoided_cents)?,
                realised: r
                    .realised_cents
                    .map(|c| decode::money("evaluations", id, c))
                    .transpose()?,
            })
        })
        .collect()
}

/// How many canvases have been submitted (the cases past their draft).
pub async fn submitted_canvases(conn: &mut SqliteConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM cases WHERE status <> 'draft' AND submitted_at IS NOT NULL",
    )
    .fetch_one(&mut *conn)
    .await
}

#[derive(sqlx::FromRow)]
struct ItemRecord {
    id: i64,
    law: String,
    law_name: Option<String>,
    rule_key: String,
    organisation_key: String,
    title: String,
    owner: String,
    rung: String,
    forum: Option<String>,
    escalated_to: Option<String>,
    version: i64,
    steps: String,
}

#[derive(serde::Deserialize)]
struct StepRecord {
    on_date: String,
    rung: String,
    forum: Option<String>,
    escalated_to: Option<String>,
    note: String,
    by: String,
}

fn rung(
    table: &'static str,
    id: i64,
    code: &str,
    forum: Option<&str>,
    to: Option<&str>,
) -> Result<Rung, sqlx::Error> {
    Rung::decode(code, forum, to)
        .ok_or_else(|| decode::corrupt(table, id, format!("rung {code:?} {forum:?} {to:?}")))
}

/// Every agenda item with its steps, open items first, newest first; with
/// `only`, just that item.
pub async fn items(
    conn: &mut SqliteConnection,
    only: Option<i64>,
) -> Result<Vec<AgendaItemView>, sqlx::Error> {
    let rows: Vec<ItemRecord> = sqlx::query_as(
        "SELECT i.id, i.law,
                COALESCE((SELECT name FROM streams WHERE code = i.law), (SELECT name FROM laws WHERE code = i.law)) AS law_name,
                i.rule_key, i.organisation_key, i.title, i.owner, i.rung, i.forum, i.escalated_to, i.version,
                (SELECT json_group_array(json_object('on_date', s.on_date, 'rung', s.rung, 'forum', s.forum,
                        'escalated_to', s.escalated_to, 'note', s.note, 'by', u.display_name))
                   FROM (SELECT * FROM agenda_steps WHERE item_id = i.id ORDER BY id) s
                   JOIN users u ON u.id = s.created_by) AS steps
         FROM agenda_items i
         WHERE ?1 IS NULL OR i.id = ?1
         ORDER BY i.rung IN ('solved', 'not_solvable'), i.id DESC",
    )
    .bind(only)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let id = r.id;
            let now = rung(
                "agenda_items",
                id,
                &r.rung,
                r.forum.as_deref(),
                r.escalated_to.as_deref(),
            )?;
            let steps: Vec<StepRecord> = serde_json::from_str(&r.steps)
                .map_err(|e| decode::corrupt("agenda_steps", id, e.to_string()))?;
            Ok(AgendaItemView {
                id,
                law_name: r.law_name.unwrap_or_else(|| r.law.clone()),
                law: r.law,
                rule_key: r.rule_key,
                organisation_key: r.organisation_key,
                title: r.title,
                owner: r.owner,
                rung: now.to_string(),
                rung_code: now.code().to_string(),
                ended: now.is_final(),
                version: r.version,
                steps: steps
                    .into_iter()
                    .map(|s| {
                        let at = rung(
                            "agenda_steps",
                            id,
                            &s.rung,
                            s.forum.as_deref(),
                            s.escalated_to.as_deref(),
                        )?;
                        Ok(AgendaStepView {
                            on_date: decode::date("agenda_steps", id, &s.on_date)?.to_string(),
                            rung: at.to_string(),
                            note: s.note,
                            by: s.by,
                        })
                    })
                    .collect::<Result<_, sqlx::Error>>()?,
            })
        })
        .collect()
}

/// The item's rung and version, for a step.
pub async fn item_rung(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Option<(Rung, i64)>, sqlx::Error> {
    let row: Option<(String, Option<String>, Option<String>, i64)> =
        sqlx::query_as("SELECT rung, forum, escalated_to, version FROM agenda_items WHERE id = ?1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    row.map(|(code, forum, to, version)| {
        Ok((
            rung("agenda_items", id, &code, forum.as_deref(), to.as_deref())?,
            version,
        ))
    })
    .transpose()
}

pub struct NewItem<'a> {
    pub law: &'a str,
    pub rule_key: &'a str,
    pub organisation_key: &'a str,
    pub title: &'a str,
    pub owner: &'a str,
}

/// Puts a group on the agenda; `None` when it is on it already.
pub async fn insert_item(
    conn: &mut SqliteConnection,
    item: &NewItem<'_>,
    now: &str,
    user_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO agenda_items (law, rule_key, organisation_key, title, owner, rung, created_at, created_by, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'signalled', ?6, ?7, ?6)
         ON CONFLICT (law, rule_key, organisation_key) DO NOTHING RETURNING id",
    )
    .bind(item.law)
    .bind(item.rule_key)
    .bind(item.organisation_key)
    .bind(item.title)
    .bind(item.owner)
    .bind(now)
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await
}

/// Moves an item loaded at `version` to `to`; `false` when someone moved it
/// in between.
pub async fn set_rung(
    conn: &mut SqliteConnection,
    id: i64,
    version: i64,
    to: &Rung,
    now: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE agenda_items SET rung = ?3, forum = ?4, escalated_to = ?5, version = version + 1, updated_at = ?6
         WHERE id = ?1 AND version = ?2",
    )
    .bind(id)
    .bind(version)
    .bind(to.code())
    .bind(to.forum().map(|f| f.code()))
    .bind(to.escalated_to())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a step with its dated note.
pub async fn insert_step(
    conn: &mut SqliteConnection,
    item_id: i64,
    on_date: chrono::NaiveDate,
    to: &Rung,
    note: &str,
    now: &str,
    user_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO agenda_steps (item_id, on_date, rung, forum, escalated_to, note, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .bind(item_id)
    .bind(on_date.to_string())
    .bind(to.code())
    .bind(to.forum().map(|f| f.code()))
    .bind(to.escalated_to())
    .bind(note)
    .bind(now)
    .bind(user_id)
    .execute(&mut *conn)
    .await
    .map(|_| ())
}
