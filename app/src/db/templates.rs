//! Where scenario lines can be copied from: canvas templates of a team and
//! the canvases of earlier cases.

use doorbraak::canvas::ScenarioLine;
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use crate::model::{LineSource, SourceKey};

/// The lines of a template or a canvas.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Lines {
    pub threatening: Vec<ScenarioLine>,
    pub realistic: Vec<ScenarioLine>,
}

fn decode(json: &str) -> Result<Lines, sqlx::Error> {
    serde_json::from_str(json).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// Saves a team template; `None` when the team has one with this name.
pub async fn insert(
    conn: &mut SqliteConnection,
    team_id: i64,
    name: &str,
    lines: &Lines,
    user_id: i64,
    now: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let json = serde_json::to_string(lines).map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    sqlx::query_scalar(
        "INSERT INTO canvas_templates (team_id, name, lines, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (team_id, name) DO NOTHING RETURNING id",
    )
    .bind(team_id)
    .bind(name)
    .bind(json)
    .bind(user_id)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await
}

/// Templates of these teams and the latest canvases with lines of their other
/// cases, newest first.
pub async fn sources(
    conn: &mut SqliteConnection,
    teams: &[i64],
    except_case: i64,
) -> Result<Vec<LineSource>, sqlx::Error> {
    let teams = serde_json::to_string(teams).unwrap_or_else(|_| "[]".into());
    #[derive(sqlx::FromRow)]
    struct SourceRow {
        kind: String,
        id: i64,
        name: String,
        threatening: i64,
        realistic: i64,
    }
    let rows: Vec<SourceRow> = sqlx::query_as(
        "SELECT 'template' AS kind, id, name,
                json_array_length(lines, '$.threatening') AS threatening,
                json_array_length(lines, '$.realistic') AS realistic
         FROM canvas_templates WHERE team_id IN (SELECT value FROM json_each(?1))
         UNION ALL
         SELECT * FROM (
             SELECT 'case', c.id, c.reference,
                    json_array_length(cv.body, '$.threatening'), json_array_length(cv.body, '$.realistic')
             FROM cases c JOIN canvases cv ON cv.case_id = c.id AND cv.version = c.current_version
             WHERE c.team_id IN (SELECT value FROM json_each(?1)) AND c.id <> ?2
               AND json_array_length(cv.body, '$.threatening') > 0
             ORDER BY c.updated_at DESC LIMIT 50)",
    )
    .bind(&teams)
    .bind(except_case)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| LineSource {
            key: if r.kind == "template" {
                SourceKey::Template(r.id)
            } else {
                SourceKey::Case(r.id)
            },
            name: r.name,
            threatening: r.threatening,
            realistic: r.realistic,
        })
        .collect())
}

/// A template's lines, if it belongs to one of these teams.
pub async fn template_lines(
    conn: &mut SqliteConnection,
    id: i64,
    teams: &[i64],
) -> Result<Option<Lines>, sqlx::Error> {
    let teams = serde_json::to_string(teams).unwrap_or_else(|_| "[]".into());
    let json: Option<String> = sqlx::query_scalar(
        "SELECT lines FROM canvas_templates WHERE id = ?1 AND team_id IN (SELECT value FROM json_each(?2))",
    )
    .bind(id)
    .bind(teams)
    .fetch_optional(&mut *conn)
    .await?;
    json.as_deref().map(decode).transpose()
}
