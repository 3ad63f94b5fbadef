//! Teams.

use crate::model::{Team, TeamOverview};

pub async fn list<'e, E: sqlx::SqliteExecutor<'e>>(db: E) -> Result<Vec<Team>, sqlx::Error> {
    let rows: Vec<(i64, String, bool)> =
        sqlx::query_as("SELECT id, name, active FROM teams ORDER BY name")
            .fetch_all(db)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, active)| Team { id, name, active })
        .collect())
}

/// Every team with its active members and its cases still under way
/// (neither rejected nor closed), for the administrator's list.
pub async fn overview(conn: &mut sqlx::SqliteConnection) -> Result<Vec<TeamOverview>, sqlx::Error> {
    let rows: Vec<(i64, String, bool, i64, i64)> = sqlx::query_as(
        "SELECT t.id, t.name, t.active,
                (SELECT count(*) FROM user_teams ut JOIN users u ON u.id = ut.user_id
                 WHERE ut.team_id = t.id AND u.active = 1),
                (SELECT count(*) FROM cases c
                 WHERE c.team_id = t.id AND c.status NOT IN ('rejected', 'closed'))
         FROM teams t ORDER BY t.name",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, active, members, open_cases)| TeamOverview {
            team: Team { id, name, active },
            members,
            open_cases,
        })
        .collect())
}

/// Inserts a team; `None` when the name is taken.
pub async fn create<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    name: &str,
    now: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("INSERT INTO teams (name, created_at) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING RETURNING id")
        .bind(name)
        .bind(now)
        .fetch_optional(db)
        .await
}

pub async fn set_active<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    id: i64,
    active: bool,
) -> Result<bool, sqlx::Error> {
    sqlx::query("UPDATE teams SET active = ?2 WHERE id = ?1")
        .bind(id)
        .bind(active)
        .execute(db)
        .await
        .map(|r| r.rows_affected() == 1)
}

/// How many of `ids` are existing, active teams.
pub async fn count_active<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    ids: &[i64],
) -> Result<i64, sqlx::Error> {
    let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".to_string());
    sqlx::query_scalar(
        "SELECT count(*) FROM teams WHERE active = 1 AND id IN (SELECT value FROM json_each(?1))",
    )
    .bind(list)
    .fetch_one(db)
    .await
}
