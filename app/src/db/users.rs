//! Users, their roles and teams.

use doorbraak::{Role, RoleSet};

use crate::model::UserRecord;

/// What authentication needs of a user.
pub struct Credentials {
    pub id: i64,
    pub password_hash: String,
    pub active: bool,
}

pub async fn credentials<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    username: &str,
) -> Result<Option<Credentials>, sqlx::Error> {
    let row: Option<(i64, String, bool)> =
        sqlx::query_as("SELECT id, password_hash, active FROM users WHERE username = ?1")
            .bind(username)
            .fetch_optional(db)
            .await?;
    Ok(row.map(|(id, password_hash, active)| Credentials {
        id,
        password_hash,
        active,
    }))
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    active: bool,
    mandate_level: Option<String>,
    version: i64,
    roles: Option<String>,
    teams: Option<String>,
}

const SELECT_USER_COLUMNS: &str =
    "SELECT u.id, u.username, u.display_name, u.active, u.mandate_level, u.version,
        (SELECT group_concat(role, ',') FROM user_roles r WHERE r.user_id = u.id) AS roles,
        (SELECT group_concat(team_id, ',') FROM user_teams t WHERE t.user_id = u.id) AS teams";

impl UserRow {
    /// A role or team the code does not know is a corrupt row, not a role less.
    fn decode(self) -> Result<UserRecord, sqlx::Error> {
        let id = self.id;
        let parts = |list: Option<String>| -> Vec<String> {
            list.unwrap_or_default()
                .split(',')
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect()
        };
        let roles: RoleSet = parts(self.roles)
            .iter()
            .map(|code| super::decode::code("user_roles", id, "role", code, Role::from_code))
            .collect::<Result<_, _>>()?;
        let mut team_ids: Vec<i64> = parts(self.teams)
            .iter()
            .map(|t| {
                t.parse()
                    .map_err(|_| super::decode::corrupt("user_teams", id, format!("team {t:?}")))
            })
            .collect::<Result<_, _>>()?;
        team_ids.sort_unstable();
        Ok(UserRecord {
            id,
            username: self.username,
            display_name: self.display_name,
            active: self.active,
            mandate_level: self.mandate_level,
            version: self.version,
            roles,
            team_ids,
        })
    }
}

pub async fn get<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    id: i64,
) -> Result<Option<UserRecord>, sqlx::Error> {
    let row: Option<UserRow> = sqlx::query_as(&format!(
        "{SELECT_USER_COLUMNS} FROM users u WHERE u.id = ?1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await?;
    row.map(UserRow::decode).transpose()
}

/// The active user of a live session (see `sessions::find_live`), and when
/// the session was last seen: one query per request.
pub async fn by_session<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    token_hash: &str,
    idle_since: &str,
    created_since: &str,
) -> Result<Option<(UserRecord, String)>, sqlx::Error> {
    /// A user row and the session's last-seen time.
    #[derive(sqlx::FromRow)]
    struct SessionRow {
        #[sqlx(flatten)]
        user: UserRow,
        last_seen_at: String,
    }
    let row: Option<SessionRow> = sqlx::query_as(&format!(
        "{SELECT_USER_COLUMNS}, s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = ?1 AND s.last_seen_at >= ?2 AND s.created_at >= ?3 AND u.active = 1"
    ))
    .bind(token_hash)
    .bind(idle_since)
    .bind(created_since)
    .fetch_optional(db)
    .await?;
    row.map(|r| Ok((r.user.decode()?, r.last_seen_at)))
        .transpose()
}

pub async fn count<'e, E: sqlx::SqliteExecutor<'e>>(db: E) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(db)
        .await
}

pub async fn list<'e, E: sqlx::SqliteExecutor<'e>>(db: E) -> Result<Vec<UserRecord>, sqlx::Error> {
    let rows: Vec<UserRow> = sqlx::query_as(&format!(
        "{SELECT_USER_COLUMNS} FROM users u ORDER BY u.username"
    ))
    .fetch_all(db)
    .await?;
    rows.into_iter().map(UserRow::decode).collect()
}

/// Inserts a user; `None` when the username is taken.
pub async fn create<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    username: &str,
    display_name: &str,
    password_hash: &str,
    mandate_level: Option<&str>,
    now: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO users (username, display_name, password_hash, mandate_level, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (username) DO NOTHING RETURNING id",
    )
    .bind(username)
    .bind(display_name)
    .bind(password_hash)
    .bind(mandate_level)
    .bind(now)
    .fetch_optional(db)
    .await
}

/// Updates the profile if `version` is still current; false when it is stale.
pub async fn update_profile<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    id: i64,
    version: i64,
    display_name: &str,
    mandate_level: Option<&str>,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE users SET display_name = ?3, mandate_level = ?4, version = version + 1 WHERE id = ?1 AND version = ?2",
    )
    .bind(id)
    .bind(version)
    .bind(display_name)
    .bind(mandate_level)
    .execute(db)
    .await
    .map(|r| r.rows_affected() == 1)
}

pub async fn set_roles(
    conn: &mut sqlx::SqliteConnection,
    id: i64,
    roles: RoleSet,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM user_roles WHERE user_id = ?1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for role in roles.iter() {
        sqlx::query("INSERT INTO user_roles (user_id, role) VALUES (?1, ?2)")
            .bind(id)
            .bind(role.code())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn set_teams(
    conn: &mut sqlx::SqliteConnection,
    id: i64,
    team_ids: &[i64],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM user_teams WHERE user_id = ?1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for team in team_ids {
        sqlx::query("INSERT INTO user_teams (user_id, team_id) VALUES (?1, ?2)")
            .bind(id)
            .bind(team)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn set_active<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    id: i64,
    active: bool,
) -> Result<bool, sqlx::Error> {
    sqlx::query("UPDATE users SET active = ?2, version = version + 1 WHERE id = ?1")
        .bind(id)
        .bind(active)
        .execute(db)
        .await
        .map(|r| r.rows_affected() == 1)
}

pub async fn set_password<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    id: i64,
    hash: &str,
) -> Result<bool, sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = ?2, version = version + 1 WHERE id = ?1")
        .bind(id)
        .bind(hash)
        .execute(db)
        .await
        .map(|r| r.rows_affected() == 1)
}

/// Active administrators other than `except`.
pub async fn other_active_admins<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    except: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT count(*) FROM users u JOIN user_roles r ON r.user_id = u.id
         WHERE r.role = 'administrator' AND u.active = 1 AND u.id <> ?1",
    )
    .bind(except)
    .fetch_one(db)
    .await
}

/// (team, professional) for every active professional in a team.
pub async fn professionals_by_team<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.team_id, u.id FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'professional'
         JOIN user_teams t ON t.user_id = u.id WHERE u.active = 1 ORDER BY u.id",
    )
    .fetch_all(db)
    .await
}

/// The first active user with a role (for approvers: the widest mandate first).
pub async fn first_with_role<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    role: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role = ?1 AND u.active = 1
         ORDER BY u.mandate_level = 'manager' DESC, u.id LIMIT 1",
    )
    .bind(role)
    .fetch_optional(db)
    .await
}
