//! Administration of teams.

use doorbraak::Role;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::admin::{CreateTeam, SetTeamActive, list_teams};
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
        |_| list_teams(),
    );
    let error = last_error(create.value());
    let toggle_error = last_error(toggle.value());
    view! {
        <h1 class="utrecht-heading-1">"Teams"</h1>
        <FormMessage error=toggle_error/>
        <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
            {move || Suspend::new(async move {
                teams.await.map(|teams| {
                    let rows = teams.into_iter().map(|t| view! {
                        <tr class="utrecht-table__row">
                            <td class="utrecht-table__cell">{t.name.clone()}</td>
                            <td class="utrecht-table__cell">{if t.active { "actief" } else { "gedeactiveerd" }}</td>
                            <td class="utrecht-table__cell">
                                <ActionForm action=toggle>
                                    <input type="hidden" name="id" value=t.id.to_string()/>
                                    <input type="hidden" name="active" value=(!t.active).to_string()/>
                                    <button type="submit" class="utrecht-button utrecht-button--subtle">
                                        {if t.active { format!("{} deactiveren", t.name) } else { format!("{} activeren", t.name) }}
                                    </button>
                                </ActionForm>
                            </td>
                        </tr>
                    }).collect_view();
                    view! {
                        <DataTable caption="Alle teams" headers=&["Naam", "Status", "Actie"]>{rows}</DataTable>
                    }
                })
            })}
        </Transition>
        <h2 class="utrecht-heading-2" id="nieuw-team">"Nieuw team"</h2>
        <ActionForm action=create attr:aria-labelledby="nieuw-team">
            <FormMessage error/>
            <TextField label="Naam van het team" name="name" field="name" error autocomplete="off"/>
            <button type="submit" class="utrecht-button utrecht-button--primary-action" disabled=move || create.pending().get()>"Team toevoegen"</button>
        </ActionForm>
    }
}
