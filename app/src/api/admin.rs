//! Administration of people: users, roles, teams (functioneel beheer).

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{Team, UserForm, UserRecord};

#[cfg(feature = "ssr")]
use crate::{auth, db};
#[cfg(feature = "ssr")]
use doorbraak::{Role, RoleSet};

#[cfg(feature = "ssr")]
const ADMIN: &[doorbraak::Role] = &[doorbraak::Role::Administrator];

#[server(endpoint = "users")]
pub async fn list_users() -> Result<Vec<UserRecord>, AppError> {
    auth::respond(
        async {
            auth::require(ADMIN).await?;
            Ok(db::users::list(&auth::state()?.pool).await?)
        }
        .await,
    )
}

#[server(endpoint = "user")]
pub async fn get_user(id: i64) -> Result<UserRecord, AppError> {
    auth::respond(
        async move {
            auth::require(ADMIN).await?;
            db::users::get(&auth::state()?.pool, id)
                .await?
                .ok_or_else(|| AppError::NotFound("Deze gebruiker bestaat niet.".to_string()))
        }
        .await,
    )
}

#[server(endpoint = "teams")]
pub async fn list_teams() -> Result<Vec<Team>, AppError> {
    auth::respond(
        async {
            auth::require(ADMIN).await?;
            Ok(db::teams::list(&auth::state()?.pool).await?)
        }
        .await,
    )
}

/// The validated parts of a user form.
#[cfg(feature = "ssr")]
struct ValidUser {
    display_name: String,
    roles: RoleSet,
    teams: Vec<i64>,
    mandate_level: Option<String>,
}

#[cfg(feature = "ssr")]
fn validate_user(
    form: &UserForm,
    mandates: &doorbraak::mandate::MandateTable,
) -> Result<ValidUser, AppError> {
    let display_name = form.display_name.trim().to_string();
    if display_name.is_empty() {
        return Err(AppError::invalid("display_name", "Vul een naam in."));
    }
    if display_name.chars().count() > 100 {
        return Err(AppError::invalid(
            "display_name",
            "Een naam heeft hoogstens 100 tekens.",
        ));
    }
    crate::input::free_text("display_name", &display_name)?;
    let mut roles = RoleSet::default();
    for code in &form.roles {
        let role =
            Role::from_code(code).ok_or_else(|| AppError::invalid("roles", "Onbekende rol."))?;
        roles.insert(role);
    }
    if roles.is_empty() {
        return Err(AppError::invalid("roles", "Kies minstens één rol."));
    }
    if let Some(conflict) = roles.conflict() {
        return Err(AppError::invalid("roles", conflict.to_string()));
    }
    let mandate_level = match form.mandate_level.trim() {
        "" => None,
        code => {
            mandates
                .level(code)
                .map_err(|e| AppError::invalid("mandate_level", e.to_string()))?;
            Some(code.to_string())
        }
    };
    if roles.has(Role::Approver) && mandate_level.is_none() {
        return Err(AppError::invalid(
            "mandate_level",
            "Een beoordelaar heeft een mandaatniveau nodig.",
        ));
    }
    let mut teams = form.teams.clone();
    teams.sort_unstable();
    teams.dedup();
    if roles.has(Role::Professional) && teams.is_empty() {
        return Err(AppError::invalid(
            "teams",
            "Een doorbraakprofessional hoort bij minstens één team.",
        ));
    }
    Ok(ValidUser {
        display_name,
        roles,
        teams,
        mandate_level,
    })
}

#[cfg(feature = "ssr")]
fn check_username(username: &str) -> Result<(), AppError> {
    let ok_chars = username
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if !(3..=64).contains(&username.len()) || !ok_chars {
        return Err(AppError::invalid(
            "username",
            "Een gebruikersnaam heeft 3 tot 64 tekens: kleine letters, cijfers, punt, streepje of liggend streepje.",
        ));
    }
    crate::input::free_text("username", username)
}

#[cfg(feature = "ssr")]
fn user_json(u: &UserRecord) -> serde_json::Value {
    serde_json::json!({
        "username": u.username,
        "display_name": u.display_name,
        "active": u.active,
        "roles": u.roles.iter().map(|r| r.code()).collect::<Vec<_>>(),
        "teams": u.team_ids,
        "mandate_level": u.mandate_level,
    })
}

/// Creates a user (no `id`) or updates one (with `id` and the `version` the
/// form was loaded with; a stale version is refused). Returns the user's id.
#[server(endpoint = "save_user")]
pub async fn save_user(input: UserForm) -> Result<i64, AppError> {
    auth::respond(
        async move {
            let admin = auth::require(ADMIN).await?;
            let state = auth::state()?;
            let mandates = db::config::mandates(&mut *state.pool.acquire().await?).await?;
            let valid = validate_user(&input, &mandates)?;
            let now = db::timestamp(auth::now());
            // Hash outside the transaction: it is slow on purpose.
            let new_hash = match input.id {
                None => {
                    check_username(input.username.trim())?;
                    auth::check_password_policy(&input.password)?;
                    Some(auth::hash_password_async(input.password.clone()).await?)
                }
                Some(_) => None,
            };
            let mut tx = state.pool.begin_with("BEGIN IMMEDIATE").await?;
            if db::teams::count_active(&mut *tx, &valid.teams).await? != valid.teams.len() as i64 {
                return Err(AppError::invalid("teams", "Kies alleen bestaande, actieve teams."));
            }
            let (id, before) = match (input.id, new_hash) {
                (None, Some(hash)) => {
                    let username = input.username.trim();
                    let id = db::users::create(&mut *tx, username, &valid.display_name, &hash, valid.mandate_level.as_deref(), &now)
                        .await?
                        .ok_or_else(|| AppError::invalid("username", "Deze gebruikersnaam bestaat al."))?;
                    (id, None)
                }
                (Some(id), _) => {
                    let before = db::users::get(&mut *tx, id)
                        .await?
                        .ok_or_else(|| AppError::NotFound("Deze gebruiker bestaat niet.".to_string()))?;
                    let version = input.version.unwrap_or(0);
                    if before.version != version {
                        return Err(AppError::Conflict(
                            "Iemand anders heeft deze gebruiker intussen gewijzigd. Laad de pagina opnieuw.".to_string(),
                        ));
                    }
                    // Separation of duties: nobody changes their own roles.
                    if id == admin.id && before.roles != valid.roles {
                        return Err(AppError::invalid("roles", "U kunt uw eigen rollen niet wijzigen; dat doet een andere beheerder."));
                    }
                    db::users::update_profile(&mut *tx, id, version, &valid.display_name, valid.mandate_level.as_deref())
                        .await?;
                    (id, Some(user_json(&before)))
                }
                (None, None) => return Err(AppError::Internal),
            };
            db::users::set_roles(&mut tx, id, valid.roles).await?;
            db::users::set_teams(&mut tx, id, &valid.teams).await?;
            let after = db::users::get(&mut *tx, id).await?.map(|u| user_json(&u));
            let action = if before.is_some() { "user_updated" } else { "user_created" };
            auth::audit(&mut *tx, Some(&admin), action, "user", Some(id.to_string()), before, after).await?;
            tx.commit().await?;
            state.sessions.clear();
            Ok(id)
        }
        .await,
    )
}

/// Deactivates (ending every session) or reactivates a user.
#[server(endpoint = "set_user_active")]
pub async fn set_user_active(id: i64, active: bool) -> Result<(), AppError> {
    auth::respond(
        async move {
            let admin = auth::require(ADMIN).await?;
            if id == admin.id && !active {
                return Err(AppError::Conflict(
                    "U kunt uzelf niet deactiveren.".to_string(),
                ));
            }
            let state = auth::state()?;
            let mut tx = state.pool.begin().await?;
            if !db::users::set_active(&mut *tx, id, active).await? {
                return Err(AppError::NotFound(
                    "Deze gebruiker bestaat niet.".to_string(),
                ));
            }
            if !active {
                db::sessions::delete_for_user(&mut *tx, id).await?;
            }
            let action = if active {
                "user_activated"
            } else {
                "user_deactivated"
            };
            auth::audit(
                &mut *tx,
                Some(&admin),
                action,
                "user",
                Some(id.to_string()),
                None,
                None,
            )
            .await?;
            tx.commit().await?;
            state.sessions.clear();
            Ok(())
        }
        .await,
    )
}

/// Sets a new random password, ends the user's sessions, and returns the
/// password once so the administrator can pass it on.
#[server(endpoint = "reset_password")]
pub async fn reset_password(id: i64) -> Result<String, AppError> {
    auth::respond(
        async move {
            let admin = auth::require(ADMIN).await?;
            let password = auth::temporary_password();
            let hash = auth::hash_password_async(password.clone()).await?;
            let state = auth::state()?;
            let mut tx = state.pool.begin().await?;
            if !db::users::set_password(&mut *tx, id, &hash).await? {
                return Err(AppError::NotFound(
                    "Deze gebruiker bestaat niet.".to_string(),
                ));
            }
            db::sessions::delete_for_user(&mut *tx, id).await?;
            auth::audit(
                &mut *tx,
                Some(&admin),
                "password_reset",
                "user",
                Some(id.to_string()),
                None,
                None,
            )
            .await?;
            tx.commit().await?;
            state.sessions.clear();
            Ok(password)
        }
        .await,
    )
}

#[server(endpoint = "create_team")]
pub async fn create_team(name: String) -> Result<i64, AppError> {
    auth::respond(
        async move {
            let admin = auth::require(ADMIN).await?;
            let name = name.trim().to_string();
            if name.is_empty() {
                return Err(AppError::invalid("name", "Vul een naam in."));
            }
            if name.chars().count() > 100 {
                return Err(AppError::invalid(
                    "name",
                    "Een teamnaam heeft hoogstens 100 tekens.",
                ));
            }
            crate::input::free_text("name", &name)?;
            let state = auth::state()?;
            let mut tx = state.pool.begin().await?;
            let id = db::teams::create(&mut *tx, &name, &db::timestamp(auth::now()))
                .await?
                .ok_or_else(|| {
                    AppError::invalid("name", "Er bestaat al een team met deze naam.")
                })?;
            let after = serde_json::json!({ "name": name });
            auth::audit(
                &mut *tx,
                Some(&admin),
                "team_created",
                "team",
                Some(id.to_string()),
                None,
                Some(after),
            )
            .await?;
            tx.commit().await?;
            Ok(id)
        }
        .await,
    )
}

#[server(endpoint = "set_team_active")]
pub async fn set_team_active(id: i64, active: bool) -> Result<(), AppError> {
    auth::respond(
        async move {
            let admin = auth::require(ADMIN).await?;
            let state = auth::state()?;
            let mut tx = state.pool.begin().await?;
            if !db::teams::set_active(&mut *tx, id, active).await? {
                return Err(AppError::NotFound("Dit team bestaat niet.".to_string()));
            }
            let action = if active {
                "team_activated"
            } else {
                "team_deactivated"
            };
            auth::audit(
                &mut *tx,
                Some(&admin),
                action,
                "team",
                Some(id.to_string()),
                None,
                None,
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}
