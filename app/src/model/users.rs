//! Who is signed in, users and teams as administration shows them.

use doorbraak::RoleSet;
use serde::{Deserialize, Serialize};

/// Who is signed in (if anyone) and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub municipality: String,
    /// The municipality's logo is at `/thema/logo`.
    pub has_logo: bool,
    pub user: Option<CurrentUser>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: RoleSet,
    pub team_ids: Vec<i64>,
    pub mandate_level: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub active: bool,
    pub mandate_level: Option<String>,
    pub version: i64,
    pub roles: RoleSet,
    pub team_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub id: i64,
    pub name: String,
    pub active: bool,
}

/// A team in the administrator's list: what deactivating it touches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamOverview {
    pub team: Team,
    /// Active users in the team.
    pub members: i64,
    /// Cases neither rejected nor closed.
    pub open_cases: i64,
}

/// The user form as posted (`input[username]`, `input[roles][0]`, …).
/// Every field has a default, so a missing field becomes a clear message
/// instead of a decoding error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserForm {
    /// Set when editing; absent when creating.
    pub id: Option<i64>,
    pub version: Option<i64>,
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub roles: Vec<String>,
    pub teams: Vec<i64>,
    pub mandate_level: String,
}

impl From<UserRecord> for CurrentUser {
    fn from(u: UserRecord) -> Self {
        CurrentUser {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            roles: u.roles,
            team_ids: u.team_ids,
            mandate_level: u.mandate_level,
        }
    }
}
