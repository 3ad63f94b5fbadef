//! Administration of users: list, create, edit roles and teams, (de)activate,
//! reset a password.

use doorbraak::{Role, RoleSet};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::admin::{ResetPassword, SaveUser, SetUserActive, get_user, list_teams, list_users};
use crate::components::form::{FormMessage, TextField, last_error, posted_error, select_options};
use crate::components::guard::Guarded;
use crate::components::table::DataTable;
use crate::error::AppError;
use crate::model::{Team, UserRecord};

const ADMIN: &[Role] = &[Role::Administrator];

#[component]
pub fn UsersPage() -> impl IntoView {
    view! {
        <Title text="Gebruikers"/>
        <Guarded roles=ADMIN>
            <UsersAdmin/>
        </Guarded>
    }
}

#[component]
fn UsersAdmin() -> impl IntoView {
    let save = ServerAction::<SaveUser>::new();
    let users = Resource::new(move || save.version().get(), |_| list_users());
    let teams = Resource::new(|| (), |_| list_teams());
    let error = last_error(save.value());
    view! {
        <h1 class="utrecht-heading-1">"Gebruikers"</h1>
        <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
            {move || Suspend::new(async move {
                let teams = teams.await.unwrap_or_default();
                users.await.map(|users| view! { <UserTable users teams/> })
            })}
        </Transition>
        <h2 class="utrecht-heading-2" id="nieuwe-gebruiker">"Nieuwe gebruiker"</h2>
        <ActionForm action=save attr:aria-labelledby="nieuwe-gebruiker">
            <FormMessage error/>
            <TextField label="Gebruikersnaam" name="input[username]" field="username" error autocomplete="off"
                description="3 tot 64 tekens: kleine letters, cijfers, punt of streepje."/>
            <TextField label="Naam" name="input[display_name]" field="display_name" error autocomplete="off"/>
            <TextField label="Wachtwoord" name="input[password]" field="password" error input_type="password"
                autocomplete="new-password" description="Minstens 12 tekens."/>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let teams = teams.await.unwrap_or_default();
                    view! { <RoleTeamFields error teams selected_roles=RoleSet::default() selected_teams=vec![] mandate=None/> }
                })}
            </Transition>
            <button type="submit" class="utrecht-button utrecht-button--primary-action" disabled=move || save.pending().get()>
                "Gebruiker aanmaken"
            </button>
        </ActionForm>
    }
}

fn team_names(ids: &[i64], teams: &[Team]) -> String {
    let names: Vec<&str> = ids
        .iter()
        .filter_map(|id| teams.iter().find(|t| t.id == *id))
        .map(|t| t.name.as_str())
        .collect();
    if names.is_empty() {
        "—".to_string()
    } else {
        names.join(", ")
    }
}

#[component]
fn UserTable(users: Vec<UserRecord>, teams: Vec<Team>) -> impl IntoView {
    let rows = users
        .into_iter()
        .map(|u| {
            let roles = u.roles.iter().map(|r| r.label_nl()).collect::<Vec<_>>().join(", ");
            view! {
                <tr class="utrecht-table__row">
                    <td class="utrecht-table__cell"><a class="utrecht-link" href=format!("/beheer/gebruikers/{}", u.id)>{u.username.clone()}</a></td>
                    <td class="utrecht-table__cell">{u.display_name.clone()}</td>
                    <td class="utrecht-table__cell">{roles}</td>
                    <td class="utrecht-table__cell">{team_names(&u.team_ids, &teams)}</td>
                    <td class="utrecht-table__cell">{if u.active { "actief" } else { "gedeactiveerd" }}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable caption="Alle gebruikers" headers=&["Gebruikersnaam", "Naam", "Rollen", "Teams", "Status"]>{rows}</DataTable>
    }
}

/// Roles, teams and mandate level: shared by the create and edit forms.
#[component]
fn RoleTeamFields(
    error: Signal<Option<AppError>>,
    teams: Vec<Team>,
    selected_roles: RoleSet,
    selected_teams: Vec<i64>,
    mandate: Option<String>,
) -> impl IntoView {
    let message = move |field: &'static str| move || error.get().and_then(|e| e.for_field(field));
    let role_boxes = Role::ALL
        .iter()
        .enumerate()
        .map(|(i, role)| {
            let id = format!("rol-{}", role.code());
            view! {
                <div class="utrecht-form-field utrecht-form-field--checkbox">
                    <div class="utrecht-form-field__input">
                        <input class="utrecht-checkbox utrecht-checkbox--html-input" type="checkbox" id=id.clone()
                            name=format!("input[roles][{i}]") value=role.code() checked=selected_roles.has(*role)/>
                    </div>
                    <div class="utrecht-form-field__label">
                        <label class="utrecht-form-label utrecht-form-label--checkbox" for=id>{role.label_nl()}</label>
                    </div>
                </div>
            }
        })
        .collect_view();
    let team_boxes = teams
        .iter()
        .filter(|t| t.active || selected_teams.contains(&t.id))
        .enumerate()
        .map(|(i, team)| {
            let id = format!("team-{}", team.id);
            view! {
                <div class="utrecht-form-field utrecht-form-field--checkbox">
                    <div class="utrecht-form-field__input">
                        <input class="utrecht-checkbox utrecht-checkbox--html-input" type="checkbox" id=id.clone()
                            name=format!("input[teams][{i}]") value=team.id.to_string() checked=selected_teams.contains(&team.id)/>
                    </div>
                    <div class="utrecht-form-field__label">
                        <label class="utrecht-form-label utrecht-form-label--checkbox" for=id>{team.name.clone()}</label>
                    </div>
                </div>
            }
        })
        .collect_view();
    let mut levels = vec![(String::new(), "Geen".to_string())];
    levels.extend(
        doorbraak::mandate::MandateTable::dutch_default()
            .levels()
            .iter()
            .map(|l| {
                let limit = l
                    .limit
                    .map_or("onbeperkt".to_string(), |m| format!("tot en met {m}"));
                (l.code.clone(), format!("{} ({limit})", l.name))
            }),
    );
    let levels = select_options(&levels, mandate.as_deref().unwrap_or_default());
    view! {
        <fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset" aria-describedby="rollen-fout">
            <legend class="utrecht-form-fieldset__legend">"Rollen"</legend>
            {move || message("roles")().map(|m| view! { <div class="utrecht-form-field-error-message" id="rollen-fout">{m}</div> })}
            {role_boxes}
        </fieldset>
        <fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset" aria-describedby="teams-fout">
            <legend class="utrecht-form-fieldset__legend">"Teams"</legend>
            {move || message("teams")().map(|m| view! { <div class="utrecht-form-field-error-message" id="teams-fout">{m}</div> })}
            {team_boxes}
        </fieldset>
        <div class="utrecht-form-field">
            <div class="utrecht-form-field__label">
                <label class="utrecht-form-label" for="veld-mandate_level">"Mandaatniveau (voor beoordelaars)"</label>
            </div>
            {move || message("mandate_level")().map(|m| view! { <div class="utrecht-form-field-error-message" id="veld-mandate_level-fout">{m}</div> })}
            <div class="utrecht-form-field__input">
                <select class="utrecht-select utrecht-select--html-select" id="veld-mandate_level" name="input[mandate_level]" inner_html=levels></select>
            </div>
        </div>
    }
}

#[component]
pub fn UserEditPage() -> impl IntoView {
    view! {
        <Title text="Gebruiker bewerken"/>
        <Guarded roles=ADMIN>
            <UserEdit/>
        </Guarded>
    }
}

#[component]
fn UserEdit() -> impl IntoView {
    let id = crate::components::params::object_id();
    let save = ServerAction::<SaveUser>::new();
    let set_active = ServerAction::<SetUserActive>::new();
    let user = Resource::new(
        move || (id(), save.version().get(), set_active.version().get()),
        |(id, _, _)| get_user(id),
    );
    let teams = Resource::new(|| (), |_| list_teams());
    let error = last_error(save.value());
    let active_error = last_error(set_active.value());
    let reset_error = Signal::stored(posted_error::<ResetPassword>());
    view! {
        <p class="utrecht-paragraph"><a class="utrecht-link" href="/beheer/gebruikers">"← Alle gebruikers"</a></p>
        <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
            {move || Suspend::new(async move {
                let teams = teams.await.unwrap_or_default();
                match user.await {
                    Err(e) => view! { <h1 class="utrecht-heading-1">"Gebruiker"</h1><div class="utrecht-alert utrecht-alert--error" role="alert"><p class="utrecht-paragraph">{e.to_string()}</p></div> }.into_any(),
                    Ok(u) => view! {
                        <h1 class="utrecht-heading-1">{format!("Gebruiker {}", u.username)}</h1>
                        <ActionForm action=save>
                            <FormMessage error/>
                            <input type="hidden" name="input[id]" value=u.id.to_string()/>
                            <input type="hidden" name="input[version]" value=u.version.to_string()/>
                            <TextField label="Naam" name="input[display_name]" field="display_name" error value=u.display_name.clone() autocomplete="off"/>
                            <RoleTeamFields error teams selected_roles=u.roles selected_teams=u.team_ids.clone() mandate=u.mandate_level.clone()/>
                            <button type="submit" class="utrecht-button utrecht-button--primary-action">"Opslaan"</button>
                        </ActionForm>
                        <h2 class="utrecht-heading-2">"Account"</h2>
                        <p class="utrecht-paragraph">{if u.active { "Dit account is actief." } else { "Dit account is gedeactiveerd: inloggen kan niet." }}</p>
                        <FormMessage error=active_error/>
                        <ActionForm action=set_active>
                            <input type="hidden" name="id" value=u.id.to_string()/>
                            <input type="hidden" name="active" value=(!u.active).to_string()/>
                            <button type="submit" class="utrecht-button utrecht-button--secondary-action">
                                {if u.active { "Deactiveren" } else { "Weer activeren" }}
                            </button>
                        </ActionForm>
                        <ResetPasswordForm user_id=u.id refused=reset_error.get_untracked()/>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Resets a password and shows the temporary one once: the answer exists
/// only in the browser that asked, so this part runs there.
#[island]
fn ResetPasswordForm(user_id: i64, refused: Option<AppError>) -> impl IntoView {
    crate::components::island::hydrated();
    let reset = ServerAction::<ResetPassword>::new();
    let error = crate::components::form::answered_error(reset, refused);
    view! {
        <FormMessage error/>
        {move || reset.value().get().and_then(Result::ok).map(|pw| view! {
            <div class="utrecht-alert utrecht-alert--info" role="status">
                <p class="utrecht-paragraph">"Nieuw tijdelijk wachtwoord (wordt maar één keer getoond): "<code class="utrecht-code">{pw}</code></p>
            </div>
        })}
        <ActionForm action=reset>
            <input type="hidden" name="id" value=user_id.to_string()/>
            <button type="submit" class="utrecht-button utrecht-button--secondary-action" disabled=move || reset.pending().get()>"Wachtwoord resetten"</button>
        </ActionForm>
    }
}
