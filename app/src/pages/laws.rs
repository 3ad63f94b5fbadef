//! The laws a knelpunt can sit in (administrator, under Inrichting): the
//! financing streams, and the other laws and schemes the municipality
//! keeps (Toeslagen, DUO, Woningwet…); and who keeps the learning agenda.

use doorbraak::Role;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::agenda::{LawRow, SaveLaw, SetAgendaRoles, laws};
use crate::components::form::{FormMessage, SelectField, TextField, last_error, select_options};
use crate::components::guard::{Guarded, or_error, role_resource};
use crate::components::table::DataTable;

const ADMIN: &[Role] = &[Role::Administrator];

#[component]
pub fn LawsPage() -> impl IntoView {
    let save = ServerAction::<SaveLaw>::new();
    let roles = ServerAction::<SetAgendaRoles>::new();
    let view = role_resource(
        ADMIN,
        move || (save.version().get(), roles.version().get()),
        |_| laws(),
    );
    let query = use_query_map();
    view! {
        <Title text="Wetten en leeragenda"/>
        <Guarded roles=ADMIN>
            <h1 class="utrecht-heading-1">"Wetten en leeragenda"</h1>
            <p class="utrecht-paragraph">
                "Een knelpunt zit in een wet of regeling. De lijst bevat elke financieringsstroom (die beheert u bij de stromen) "
                "en de wetten die geen stroom zijn, zoals toeslagen, studiefinanciering of de Woningwet. Een wet die niet meer gebruikt wordt, zet u op niet actief; "
                "canvassen die haar noemen houden haar naam."
            </p>
            <p class="utrecht-paragraph"><a class="utrecht-link" href="/inrichting">"Terug naar Inrichting"</a></p>
            <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
                {move || {
                    let edit = query.with(|q| q.get("wet"));
                    Suspend::new(async move {
                        or_error(view.await, |(list, chosen)| view! { <Laws list chosen edit save roles/> })
                    })
                }}
            </Transition>
        </Guarded>
    }
}

#[component]
fn Laws(
    list: Vec<LawRow>,
    chosen: Vec<String>,
    edit: Option<String>,
    save: ServerAction<SaveLaw>,
    roles: ServerAction<SetAgendaRoles>,
) -> impl IntoView {
    let error = last_error(save.value());
    let roles_error = last_error(roles.value());
    let rows = list
        .iter()
        .map(|l| {
            view! {
                <tr class="utrecht-table__row">
                    <th class="utrecht-table__header-cell" scope="row">{l.code.clone()}</th>
                    <td class="utrecht-table__cell">{l.name.clone()}</td>
                    <td class="utrecht-table__cell">{if l.is_stream { "financieringsstroom" } else { "wet of regeling" }}</td>
                    <td class="utrecht-table__cell">{if l.active { "actief" } else { "niet actief" }}</td>
                    <td class="utrecht-table__cell">{(!l.is_stream).then(|| view! {
                        <a class="utrecht-link" href=format!("?wet={}#wet-bewerken", l.code)>{format!("{} wijzigen", l.code)}</a>
                    })}</td>
                </tr>
            }
        })
        .collect_view();
    let editing = edit.and_then(|code| {
        list.iter()
            .find(|l| l.code == code && !l.is_stream)
            .cloned()
    });
    let heading = editing.as_ref().map_or_else(
        || "Wet toevoegen".to_string(),
        |l| format!("{} wijzigen", l.code),
    );
    let fields = match editing.clone() {
        Some(l) => {
            let active = vec![
                ("true".to_string(), "Actief".to_string()),
                ("false".to_string(), "Niet actief".to_string()),
            ];
            view! {
                <input type="hidden" name="law[code]" value=l.code.clone()/>
                <input type="hidden" name="law[version]" value=l.version.to_string()/>
                <TextField label="Naam" name="law[name]" field="name" error value=l.name.clone()/>
                <SelectField label="Actief" name="law[active]" field="active" error options=select_options(&active, if l.active { "true" } else { "false" })/>
            }
            .into_any()
        }
        None => view! {
            <TextField label="Code" name="law[code]" field="code" error description="Hoofdletters, cijfers of _, bijvoorbeeld PENSIOEN."/>
            <TextField label="Naam" name="law[name]" field="name" error/>
        }
        .into_any(),
    };
    let boxes = [Role::Approver, Role::Alderman]
        .into_iter()
        .enumerate()
        .map(|(i, role)| {
            let id = format!("agenda-rol-{}", role.code());
            view! {
                <div class="utrecht-form-field utrecht-form-field--checkbox">
                    <input class="utrecht-checkbox utrecht-checkbox--html-input" type="checkbox" id=id.clone() name=format!("choice[roles][{i}]") value=role.code() checked=chosen.iter().any(|c| c == role.code())/>
                    <label class="utrecht-form-label utrecht-form-label--checkbox" for=id>{role.label_nl()}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <DataTable caption="Wetten en regelingen" headers=&["Code", "Naam", "Soort", "Actief", "Actie"]>{rows}</DataTable>
        <h2 class="utrecht-heading-2" id="wet-bewerken">{heading}</h2>
        {editing.is_some().then(|| view! { <p class="utrecht-paragraph"><a class="utrecht-link" href="?#wet-bewerken">"Een wet toevoegen"</a></p> })}
        <ActionForm action=save attr:aria-labelledby="wet-bewerken">
            <FormMessage error/>
            {fields}
            <button type="submit" class="utrecht-button utrecht-button--primary-action">"Wet opslaan"</button>
        </ActionForm>
        <h2 class="utrecht-heading-2" id="agenda-rollen">"Wie houdt de leeragenda bij?"</h2>
        <ActionForm action=roles attr:aria-labelledby="agenda-rollen">
            <FormMessage error=roles_error/>
            <fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset">
                <legend class="utrecht-form-fieldset__legend">"Rollen met toegang tot de leeragenda"</legend>
                {move || roles_error.get().and_then(|e| e.for_field("roles")).map(|m| view! { <div class="utrecht-form-field-error-message">{m}</div> })}
                {boxes}
            </fieldset>
            <button type="submit" class="utrecht-button utrecht-button--primary-action">"Rollen opslaan"</button>
        </ActionForm>
    }
}
