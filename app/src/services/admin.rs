//! Administration of people: users, roles, teams (functioneel beheer).

use doorbraak::{Role, RoleSet};

use crate::auth;
use crate::context::{Read, Write};
use crate::db;
use crate::error::AppError;
use crate::input;
use crate::model::*;

/// The validated parts of a user form.
struct ValidUser {
    display_name: String,
    roles: RoleSet,
    teams: Vec<i64>,
    mandate_level: Option<String>,
}

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
    input::free_text("display_name", &display_name)?;
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
    input::free_text("username", username)
}

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

pub async fn list_users(r: &mut Read) -> Result<Vec<UserRecord>, AppError> {
    Ok(db::users::list(&mut *r.conn).await?)
}

pub async fn get_user(r: &mut Read, id: i64) -> Result<UserRecord, AppError> {
    db::users::get(&mut *r.conn, id)
        .await?
        .ok_or_else(|| AppError::NotFound("Deze gebruiker bestaat niet.".to_string()))
}

pub async fn list_teams(r: &mut Read) -> Result<Vec<Team>, AppError> {
    Ok(db::teams::list(&mut *r.conn).await?)
}

pub async fn teams_overview(r: &mut Read) -> Result<Vec<TeamOverview>, AppError> {
    Ok(db::teams::overview(&mut r.conn).await?)
}

/// A new user's password, checked and hashed before any transaction
/// (hashing is slow on purpose); none when the form changes an existing user.
pub async fn new_password_hash(input: &UserForm) -> Result<Option<String>, AppError> {
    if input.id.is_some() {
        return Ok(None);
    }
    check_username(input.username.trim())?;
    auth::check_password_policy(&input.password)?;
    Ok(Some(
        auth::hash_password_async(input.password.clone()).await?,
    ))
}

/// Creates a user (no `id`) or updates one (with `id` and the `version` the
/// form was loaded with; a stale version is refused). Returns the user's id.
/// `new_hash` is [`new_password_hash`]'s answer for the same form.
pub async fn save_user(
    w: &mut Write,
    input: UserForm,
    new_hash: Option<String>,
) -> Result<i64, AppError> {
    let mandates = db::mandates::mandates(&mut w.tx).await?;
    let valid = validate_user(&input, &mandates)?;
    let now = w.time.at.clone();
    if db::teams::count_active(&mut *w.tx, &valid.teams).await? != valid.teams.len() as i64 {
        return Err(AppError::invalid(
            "teams",
            "Kies alleen bestaande, actieve teams.",
        ));
    }
    let (id, before) = match (input.id, new_hash) {
        (None, Some(hash)) => {
            let username = input.username.trim();
            let id = db::users::create(
                &mut *w.tx,
                username,
                &valid.display_name,
                &hash,
                valid.mandate_level.as_deref(),
                &now,
            )
            .await?
            .ok_or_else(|| AppError::invalid("username", "Deze gebruikersnaam bestaat al."))?;
            (id, None)
        }
        (Some(id), _) => {
            let before = db::users::get(&mut *w.tx, id)
                .await?
                .ok_or_else(|| AppError::NotFound("Deze gebruiker bestaat niet.".to_string()))?;
            let version = input.version.unwrap_or(0);
            if before.version != version {
                return Err(AppError::Conflict(
                    "Iemand anders heeft deze gebruiker intussen gewijzigd. Laad de pagina opnieuw.".to_string(),
                ));
            }
            // Separation of duties: nobody changes their own roles.
            if id == w.user.id && before.roles != valid.roles {
                return Err(AppError::invalid(
                    "roles",
                    "U kunt uw eigen rollen niet wijzigen; dat doet een andere beheerder.",
                ));
            }
            db::users::update_profile(
                &mut *w.tx,
                id,
                version,
                &valid.display_name,
                valid.mandate_level.as_deref(),
            )
            .await?;
            (id, Some(user_json(&before)))
        }
        (None, None) => return Err(AppError::Internal),
    };
    db::users::set_roles(&mut w.tx, id, valid.roles).await?;
    db::users::set_teams(&mut w.tx, id, &valid.teams).await?;
    let after = db::users::get(&mut *w.tx, id).await?.map(|u| user_json(&u));
    let action = if before.is_some() {
        "user_updated"
    } else {
        "user_created"
    };
    w.audit(action, "user", Some(id.to_string()), before, after);
    Ok(id)
}

/// Deactivates (ending every session) or reactivates a user.
pub async fn set_user_active(w: &mut Write, id: i64, active: bool) -> Result<(), AppError> {
    if id == w.user.id && !active {
        return Err(AppError::Conflict(
            "U kunt uzelf niet deactiveren.".to_string(),
        ));
    }
    if !db::users::set_active(&mut *w.tx, id, active).await? {
        return Err(AppError::NotFound(
            "Deze gebruiker bestaat niet.".to_string(),
        ));
    }
    if !active {
        db::sessions::delete_for_user(&mut *w.tx, id).await?;
    }
    let action = if active {
        "user_activated"
    } else {
        "user_deactivated"
    };
    w.audit(action, "user", Some(id.to_string()), None, None);
    Ok(())
}

/// Sets a new password (hashed before the transaction) and ends the
/// user's sessions.
pub async fn reset_password(w: &mut Write, id: i64, hash: &str) -> Result<(), AppError> {
    if !db::users::set_password(&mut *w.tx, id, hash).await? {
        return Err(AppError::NotFound(
            "Deze gebruiker bestaat niet.".to_string(),
        ));
    }
    db::sessions::delete_for_user(&mut *w.tx, id).await?;
    w.audit("password_reset", "user", Some(id.to_string()), None, None);
    Ok(())
}

pub async fn create_team(w: &mut Write, name: String) -> Result<i64, AppError> {
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
    input::free_text("name", &name)?;
    let id = db::teams::create(&mut *w.tx, &name, &w.time.at.clone())
        .await?
        .ok_or_else(|| AppError::invalid("name", "Er bestaat al een team met deze naam."))?;
    let after = serde_json::json!({ "name": name });
    w.audit(
        "team_created",
        "team",
        Some(id.to_string()),
        None,
        Some(after),
    );
    Ok(id)
}

pub async fn set_team_active(w: &mut Write, id: i64, active: bool) -> Result<(), AppError> {
    if !db::teams::set_active(&mut *w.tx, id, active).await? {
        return Err(AppError::NotFound("Dit team bestaat niet.".to_string()));
    }
    let action = if active {
        "team_activated"
    } else {
        "team_deactivated"
    };
    w.audit(action, "team", Some(id.to_string()), None, None);
    Ok(())
}
