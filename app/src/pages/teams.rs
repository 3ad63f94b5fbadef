//! Administration of teams.

use doorbraak::Role;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::admin::{CreateTeam, SetTeamActive, teams_overview};
use crate::components::form::{FormMessage, TextField, last_error};
use crate::components::guard::Guarded;
use crate::components::table::DataTable;

#[component]
pub fn TeamsPage() -> impl IntoView {
    view! {
        <Title text="Teams"/>
        <Guarded roles=&[Role::Administrator]>
            <TeamsAdmin/>
        </Guarded>
    }
}

#[component]
fn TeamsAdmin() -> impl IntoView {
    let create = ServerAction::<CreateTeam>::new();
    let toggle = ServerAction::<SetTeamActive>::new();
    let teams = Resource::new(
        move || (create.version().get(), toggle.version().get()),
        |_| teams_overview(),
    );
    let query = leptos_router::hooks::use_query_map();
    // `?deactiveren=id`: the confirmation, a plain link that works without JavaScript.
    let confirming = move || {
        query
            .read()
            .get("deactiveren")
            .and_then(|id| id.parse::<i64>().ok())
    };
    let error = last_error(create.value());
    let toggle_error = last_error(toggle.value());
    view! {
        <h1 class="utrecht-heading-1">"Teams"</h1>
        <FormMessage error=toggle_error/>
        <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
            {move || { let asked = confirming(); Suspend::new(async move {
                teams.await.map(|teams| {
                    let confirm = asked.and_then(|id| teams.iter().find(|t| t.team.id == id && t.team.active).cloned());
                    let rows = teams.into_iter().map(|t| view! {
                        <tr class="utrecht-table__row">
                            <td class="utrecht-table__cell">{t.team.name.clone()}</td>
                            <td class="utrecht-table__cell">{if t.team.active { "actief" } else { "gedeactiveerd" }}</td>
                            <td class="utrecht-table__cell utrecht-table__cell--numeric">{t.members}</td>
                            <td class="utrecht-table__cell utrecht-table__cell--numeric">{t.open_cases}</td>
                            <td class="utrecht-table__cell">
                                {if t.team.active {
                                    view! { <a class="utrecht-link" href=format!("?deactiveren={}#bevestigen", t.team.id)>{format!("{} deactiveren…", t.team.name)}</a> }.into_any()
                                } else {
                                    view! {
                                        <ActionForm action=toggle>
                                            <input type="hidden" name="id" value=t.team.id.to_string()/>
                                            <input type="hidden" name="active" value="true"/>
                                            <button type="submit" class="utrecht-button utrecht-button--subtle">{format!("{} activeren", t.team.name)}</button>
                                        </ActionForm>
                                    }.into_any()
                                }}
                            </td>
                        </tr>
                    }).collect_view();
                    view! {
                        {confirm.map(|t| view! {
                            <div class="confirmation" id="bevestigen" data-confirm="deactiveren">
                                <p class="utrecht-paragraph"><strong>{format!(
                                    "U deactiveert team {}: {} actieve medewerkers, {} lopende casussen. Er kunnen geen nieuwe casussen in dit team worden gestart; lopende casussen gaan door.",
                                    t.team.name, t.members, t.open_cases
                                )}</strong></p>
                                <ActionForm action=toggle>
                                    <input type="hidden" name="id" value=t.team.id.to_string()/>
                                    <input type="hidden" name="active" value="false"/>
                                    <button type="submit" class="utrecht-button utrecht-button--primary-action">{format!("Bevestigen: {} deactiveren", t.team.name)}</button>
                                </ActionForm>
                                <p class="utrecht-paragraph"><a class="utrecht-link" href="?">"Annuleren"</a></p>
                            </div>
                        })}
                        <DataTable caption="Alle teams" headers=&["Naam", "Status", "Actieve medewerkers", "Lopende casussen", "Actie"]>{rows}</DataTable>
                    }
                })
            })}}
        </Transition>
        <h2 class="utrecht-heading-2" id="nieuw-team">"Nieuw team"</h2>
        <ActionForm action=create attr:aria-labelledby="nieuw-team">
            <FormMessage error/>
            <TextField label="Naam van het team" name="name" field="name" error autocomplete="off"/>
            <button type="submit" class="utrecht-button utrecht-button--primary-action" disabled=move || create.pending().get()>"Team toevoegen"</button>
        </ActionForm>
    }
}
