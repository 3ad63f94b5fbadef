//! The learning agenda (leeragenda) and the list of laws behind it: the
//! knelpunten of all submitted canvases grouped by law, rule and
//! organisation (the core groups and suppresses), agenda items climbing the
//! escalation ladder (the core decides each step), and the administrator's
//! list of laws and of the roles that keep the agenda.

use doorbraak::agenda::{self, Forum, GroupKey, Rung};
use doorbraak::{Role, RoleSet, StreamCode};
use sqlx::SqliteConnection;

use crate::context::{Read, Write};
use crate::db;
use crate::error::AppError;
use crate::input;
use crate::model::*;

const ROLES_KEY: &str = "agenda_roles";

/// The roles that may see and keep the agenda (the administrator's choice;
/// approvers and aldermen as migration 0011 sets it).
pub async fn agenda_roles(conn: &mut SqliteConnection) -> Result<RoleSet, AppError> {
    // Migration 0011 writes the setting; without it the database is damaged.
    let stored = db::settings::setting(conn, ROLES_KEY)
        .await?
        .ok_or_else(|| {
            AppError::from(db::decode::corrupt("settings", ROLES_KEY, "missing".into()))
        })?;
    let mut roles = RoleSet::default();
    for code in stored.split(',') {
        let code = code.trim();
        if code.is_empty() {
            continue;
        }
        let role = Role::from_code(code).ok_or_else(|| {
            AppError::from(db::decode::corrupt(
                "settings",
                ROLES_KEY,
                format!("role {code:?}"),
            ))
        })?;
        roles.insert(role);
    }
    Ok(roles)
}

/// Whether `user` may see and keep the agenda.
pub async fn may_keep(conn: &mut SqliteConnection, user: &CurrentUser) -> Result<bool, AppError> {
    let roles = agenda_roles(conn).await?;
    Ok(user.roles.iter().any(|r| roles.has(r)))
}

async fn check(conn: &mut SqliteConnection, user: &CurrentUser) -> Result<(), AppError> {
    if may_keep(conn, user).await? {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The agenda as the page and the downloads show it.
pub async fn load(conn: &mut SqliteConnection) -> Result<AgendaView, AppError> {
    let mentions = db::agenda::mentions(conn).await?;
    let groups = agenda::group(&mentions).map_err(|_| AppError::Internal)?;
    let law_names = db::laws::all(conn)
        .await?
        .into_iter()
        .map(|l| (l.code, l.name))
        .collect();
    Ok(AgendaView {
        groups,
        law_names,
        items: db::agenda::items(conn, None).await?,
        canvases: u32::try_from(db::agenda::submitted_canvases(conn).await?)
            .map_err(|_| AppError::Internal)?,
    })
}

pub async fn overview(r: &mut Read) -> Result<AgendaView, AppError> {
    check(&mut r.conn, &r.user).await?;
    load(&mut r.conn).await
}

/// One agenda item with its steps.
pub async fn item(r: &mut Read, id: i64) -> Result<AgendaItemView, AppError> {
    check(&mut r.conn, &r.user).await?;
    db::agenda::items(&mut r.conn, Some(id))
        .await?
        .pop()
        .ok_or_else(|| AppError::NotFound("Dit agendapunt bestaat niet.".into()))
}

/// Puts a group of knelpunten on the agenda, signalled, with its first note.
pub async fn put_on_agenda(w: &mut Write, input: NewAgendaItem) -> Result<i64, AppError> {
    check(&mut w.tx, &w.user).await?;
    let unknown = || AppError::invalid("group", "Kies een knelpunt uit de lijst.");
    let [law, rule, organisation]: [String; 3] =
        serde_json::from_str(&input.group).map_err(|_| unknown())?;
    let law = StreamCode::new(&law).map_err(|_| unknown())?;
    let key = GroupKey::new(law, &rule, &organisation);
    if key.rule != rule || key.organisation != organisation {
        return Err(unknown());
    }
    let title = input::text("title", &input.title, 300, "een titel")?;
    let owner = input::text("owner", &input.owner, 200, "de eigenaar")?;
    agenda::check_note(&input.note).map_err(|e| AppError::invalid("note", e.to_string()))?;
    let now = w.time.at.clone();
    let law_code = law.to_string();
    let id = db::agenda::insert_item(
        &mut w.tx,
        &db::agenda::NewItem {
            law: &law_code,
            rule_key: &key.rule,
            organisation_key: &key.organisation,
            title: &title,
            owner: &owner,
        },
        &now,
        w.user.id,
    )
    .await?
    .ok_or_else(|| AppError::Conflict("Dit knelpunt staat al op de leeragenda.".into()))?;
    let note = input.note.trim();
    db::agenda::insert_step(
        &mut w.tx,
        id,
        w.time.today,
        &Rung::Signalled,
        note,
        &now,
        w.user.id,
    )
    .await?;
    w.audit(
        "agenda_item_created",
        "agenda_item",
        Some(id.to_string()),
        None,
        Some(serde_json::json!({
            "law": law_code, "rule": key.rule, "organisation": key.organisation,
            "title": title, "owner": owner, "rung": "signalled", "note": note,
        })),
    );
    Ok(id)
}

/// Moves an agenda item a step up the ladder, with a dated note.
pub async fn step(w: &mut Write, input: AgendaStepForm) -> Result<(), AppError> {
    check(&mut w.tx, &w.user).await?;
    let (from, version) = db::agenda::item_rung(&mut w.tx, input.item_id)
        .await?
        .ok_or_else(|| AppError::NotFound("Dit agendapunt bestaat niet.".into()))?;
    if version != input.version {
        return Err(stale());
    }
    let to = match input.to.trim() {
        "team" => Rung::OnAgenda(Forum::Team),
        "management" => Rung::OnAgenda(Forum::Management),
        "escalated" => Rung::Escalated(input.escalated_to.clone()),
        "solved" => Rung::Solved,
        "not_solvable" => Rung::NotSolvable,
        _ => return Err(AppError::invalid("to", "Kies de volgende stap.")),
    };
    let to = agenda::step(&from, to, &input.note).map_err(|e| {
        let field = match e {
            agenda::AgendaError::EscalateToWhom => "escalated_to",
            agenda::AgendaError::NoteRequired | agenda::AgendaError::Text(_) => "note",
            _ => "to",
        };
        AppError::invalid(field, e.to_string())
    })?;
    let now = w.time.at.clone();
    if !db::agenda::set_rung(&mut w.tx, input.item_id, version, &to, &now).await? {
        return Err(stale());
    }
    let note = input.note.trim();
    db::agenda::insert_step(
        &mut w.tx,
        input.item_id,
        w.time.today,
        &to,
        note,
        &now,
        w.user.id,
    )
    .await?;
    w.audit(
        "agenda_item_moved",
        "agenda_item",
        Some(input.item_id.to_string()),
        Some(serde_json::json!({ "rung": from.to_string() })),
        Some(serde_json::json!({ "rung": to.to_string(), "note": note })),
    );
    Ok(())
}

fn stale() -> AppError {
    AppError::Conflict(
        "Iemand anders heeft dit agendapunt intussen bijgewerkt. Laad de pagina opnieuw.".into(),
    )
}

/// The administrator's list of laws, and who keeps the agenda.
pub async fn laws(r: &mut Read) -> Result<(Vec<LawRow>, Vec<String>), AppError> {
    let laws = db::laws::all(&mut r.conn).await?;
    let roles = agenda_roles(&mut r.conn)
        .await?
        .iter()
        .map(|r| r.code().to_string())
        .collect();
    Ok((laws, roles))
}

/// Adds a law (no version) or renames / (de)activates one.
pub async fn save_law(w: &mut Write, form: LawForm) -> Result<(), AppError> {
    let name = input::text("name", &form.name, 100, "de naam van de wet")?;
    let active = match form.active.trim() {
        "" | "true" => true,
        "false" => false,
        _ => return Err(AppError::invalid("active", "Kies actief of niet actief.")),
    };
    let now_json = serde_json::json!({ "name": name, "active": active });
    match form.version.trim() {
        "" => {
            let code = StreamCode::new(&form.code).map_err(|_| {
                AppError::invalid(
                    "code",
                    "Een code heeft 1 tot 15 letters, cijfers of _ (bijvoorbeeld TOESLAGEN).",
                )
            })?;
            let code = code.to_string();
            if !db::laws::insert(&mut w.tx, &code, &name).await? {
                return Err(AppError::invalid(
                    "code",
                    format!("De code {code} is al in gebruik (door een wet of een stroom)."),
                ));
            }
            w.audit("law_created", "law", Some(code), None, Some(now_json));
        }
        version => {
            let version: i64 = version.parse().map_err(|_| stale_law())?;
            let code = form.code.trim().to_string();
            if !db::laws::update(&mut w.tx, &code, &name, active, version).await? {
                return Err(stale_law());
            }
            w.audit("law_changed", "law", Some(code), None, Some(now_json));
        }
    }
    Ok(())
}

fn stale_law() -> AppError {
    AppError::Conflict(
        "Deze wet is intussen gewijzigd (of is een financieringsstroom). Laad de pagina opnieuw."
            .into(),
    )
}

/// Which roles keep the agenda: the approver (team leader, manager), the
/// alderman, or both; at least one.
pub async fn set_agenda_roles(w: &mut Write, codes: Vec<String>) -> Result<(), AppError> {
    const ALLOWED: [Role; 2] = [Role::Approver, Role::Alderman];
    let mut roles = Vec::new();
    for code in codes {
        match Role::from_code(code.trim()) {
            Some(role) if ALLOWED.contains(&role) => roles.push(role.code()),
            _ => return Err(AppError::invalid("roles", "Kies rollen uit de lijst.")),
        }
    }
    roles.sort_unstable();
    roles.dedup();
    if roles.is_empty() {
        return Err(AppError::invalid(
            "roles",
            "Kies minstens één rol die de leeragenda bijhoudt.",
        ));
    }
    let before: Vec<&str> = agenda_roles(&mut w.tx)
        .await?
        .iter()
        .map(Role::code)
        .collect();
    db::settings::set_setting(&mut w.tx, ROLES_KEY, &roles.join(",")).await?;
    w.audit(
        "agenda_roles_changed",
        "setting",
        Some(ROLES_KEY.into()),
        Some(serde_json::json!({ "roles": before })),
        Some(serde_json::json!({ "roles": roles })),
    );
    Ok(())
}
