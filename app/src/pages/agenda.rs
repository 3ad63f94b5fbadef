//! The learning agenda (`/leeragenda`): the knelpunten of all submitted
//! canvases grouped by law, rule and organisation — households, money
//! spent, avoided costs projected and realised, the trend per quarter —
//! with counts below 5 shown as "< 5" and their amounts hidden; a form to
//! put a group on the agenda; and each item's page (`/leeragenda/:id`) with
//! its steps up the escalation ladder. Plain forms throughout.

use doorbraak::Role;
use doorbraak::agenda::Shown;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::agenda::{
    AgendaItemView, AgendaStep, AgendaView, PutOnAgenda, agenda, agenda_item,
};
use crate::components::form::{
    FormMessage, SelectField, TextArea, TextField, last_error, select_options,
};
use crate::components::format::dutch_date;
use crate::components::guard::{Guarded, or_error, role_resource};
use crate::components::table::DataTable;
use crate::model::group_value;

/// Who may open the pages; the administrator's setting narrows it further
/// on the server.
pub const AGENDA_ROLES: &[Role] = &[Role::Approver, Role::Alderman];

/// A count as the agenda shows it.
fn households(n: Shown<u32>) -> String {
    match n {
        Shown::Value(n) => n.to_string(),
        Shown::Suppressed => "< 5".to_string(),
    }
}

fn amount(m: Shown<doorbraak::Money>) -> String {
    match m {
        Shown::Value(m) => m.to_string(),
        Shown::Suppressed => "—".to_string(),
    }
}

#[component]
pub fn AgendaPage() -> impl IntoView {
    let put = ServerAction::<PutOnAgenda>::new();
    let view = role_resource(AGENDA_ROLES, move || put.version().get(), |_| agenda());
    view! {
        <Title text="Leeragenda"/>
        <Guarded roles=AGENDA_ROLES>
            <h1 class="utrecht-heading-1">"Leeragenda"</h1>
            <p class="utrecht-paragraph">
                "De knelpunten uit alle ingediende maatwerkcanvassen, gegroepeerd per wet, regel en organisatie. "
                "Een huishouden telt één keer per knelpunt. Aantallen onder 5 huishoudens staan er als \u{201c}< 5\u{201d}, zonder bedragen; "
                "soms is ook een tweede cel verborgen, zodat niemand het verborgen aantal kan terugrekenen."
            </p>
            <p class="utrecht-paragraph">
                <a class="utrecht-link" href="/export/leeragenda/leeragenda.csv" download>"Download de leeragenda (CSV)"</a>" · "
                <a class="utrecht-link" href="/export/leeragenda/leeragenda.xlsx" download>"Download de leeragenda (Excel)"</a>
            </p>
            <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
                {move || Suspend::new(async move {
                    or_error(view.await, |v| view! { <Agenda v put/> })
                })}
            </Transition>
        </Guarded>
    }
}

#[component]
fn Agenda(v: AgendaView, put: ServerAction<PutOnAgenda>) -> impl IntoView {
    let error = last_error(put.value());
    let law_name = |code: &str| v.law_name(code);
    let quarters = v.groups.quarters.clone();
    let rows = v
        .groups
        .groups
        .iter()
        .map(|g| {
            let item = v.item_of(&g.key);
            let trend = quarters
                .iter()
                .zip(&g.per_quarter)
                .map(|(q, n)| format!("{q}: {}", households(*n)))
                .collect::<Vec<_>>()
                .join(" · ");
            let categories = g
                .categories
                .iter()
                .map(|c| c.label_nl())
                .collect::<Vec<_>>()
                .join(", ");
            view! {
                <tr class="utrecht-table__row">
                    <th class="utrecht-table__header-cell" scope="row">{g.rule.clone()}</th>
                    <td class="utrecht-table__cell">{law_name(g.key.law.as_str())}</td>
                    <td class="utrecht-table__cell">{g.organisation.clone()}</td>
                    <td class="utrecht-table__cell">{if categories.is_empty() { "—".to_string() } else { categories }}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{households(g.households)}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{amount(g.spent)}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{amount(g.projected)}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{g.realised.map_or("nog niet geëvalueerd".to_string(), amount)}</td>
                    <td class="utrecht-table__cell">{trend}</td>
                    <td class="utrecht-table__cell">{match item {
                        Some(i) => view! { <a class="utrecht-link" href=format!("/leeragenda/{}", i.id)>{i.rung.clone()}</a> }.into_any(),
                        None => view! { <span>"niet geagendeerd"</span> }.into_any(),
                    }}</td>
                </tr>
            }
        })
        .collect_view();
    let choices: Vec<(String, String)> = std::iter::once((String::new(), "—".to_string()))
        .chain(
            v.groups
                .groups
                .iter()
                .filter(|g| v.item_of(&g.key).is_none())
                .map(|g| {
                    (
                        group_value(&g.key),
                        format!(
                            "{} — {} ({}; {} huishoudens)",
                            g.rule,
                            g.organisation,
                            law_name(g.key.law.as_str()),
                            households(g.households)
                        ),
                    )
                }),
        )
        .collect();
    let items = v
        .items
        .iter()
        .map(|i| {
            view! {
                <tr class="utrecht-table__row">
                    <th class="utrecht-table__header-cell" scope="row"><a class="utrecht-link" href=format!("/leeragenda/{}", i.id)>{i.title.clone()}</a></th>
                    <td class="utrecht-table__cell">{i.law_name.clone()}</td>
                    <td class="utrecht-table__cell">{i.owner.clone()}</td>
                    <td class="utrecht-table__cell">{i.rung.clone()}</td>
                    <td class="utrecht-table__cell">{i.steps.last().map(|s| dutch_date(&s.on_date)).unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2 class="utrecht-heading-2">"Knelpunten"</h2>
        <p class="utrecht-paragraph">{format!("Uit {} ingediende canvassen.", v.canvases)}</p>
        {if v.groups.groups.is_empty() {
            view! { <p class="utrecht-paragraph">"Er zijn nog geen knelpunten uit ingediende canvassen."</p> }.into_any()
        } else {
            view! {
                <DataTable caption="Knelpunten per wet, regel en organisatie" headers=&["Regel of bepaling", "Wet of regeling", "Organisatie", "Categorie", "Huishoudens", "Besteed aan doorbraken", "Verwacht vermeden", "Gerealiseerd vermeden", "Per kwartaal", "Leeragenda"]>{rows}</DataTable>
            }.into_any()
        }}
        <h2 class="utrecht-heading-2" id="agenderen">"Een knelpunt op de agenda zetten"</h2>
        <ActionForm action=put attr:aria-labelledby="agenderen">
            <FormMessage error/>
            <SelectField label="Knelpunt" name="item[group]" field="group" error options=select_options(&choices, "")/>
            <TextField label="Titel op de agenda" name="item[title]" field="title" error/>
            <TextField label="Eigenaar (wie trekt het)" name="item[owner]" field="owner" error description="Bijvoorbeeld: beleidsadviseur armoede en schulden."/>
            <TextArea label="Notitie bij het signaleren" name="item[note]" field="note" error/>
            <button type="submit" class="utrecht-button utrecht-button--primary-action">"Op de agenda zetten"</button>
        </ActionForm>
        <h2 class="utrecht-heading-2">"Agendapunten"</h2>
        {if v.items.is_empty() {
            view! { <p class="utrecht-paragraph">"Er staat nog niets op de leeragenda."</p> }.into_any()
        } else {
            view! {
                <DataTable caption="Agendapunten" headers=&["Titel", "Wet of regeling", "Eigenaar", "Stand", "Laatste stap"]>{items}</DataTable>
            }.into_any()
        }}
    }
}

#[component]
pub fn AgendaItemPage() -> impl IntoView {
    let id = crate::components::params::object_id();
    let step = ServerAction::<AgendaStep>::new();
    let view = role_resource(
        AGENDA_ROLES,
        move || (id(), step.version().get()),
        |(id, _)| agenda_item(id),
    );
    view! {
        <Title text="Agendapunt"/>
        <Guarded roles=AGENDA_ROLES>
            <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
                {move || Suspend::new(async move {
                    or_error(view.await, |item| view! { <AgendaItem item step/> })
                })}
            </Transition>
        </Guarded>
    }
}

/// Where an item can be escalated to; the form takes any other body too.
const BODIES: [&str; 4] = [
    "Regionale stuurgroep",
    "De uitvoerende organisatie",
    "Het ministerie (landelijke overbruggingsprocedure)",
    "College van B&W",
];

#[component]
fn AgendaItem(item: AgendaItemView, step: ServerAction<AgendaStep>) -> impl IntoView {
    let error = last_error(step.value());
    let steps = item
        .steps
        .iter()
        .map(|s| {
            view! {
                <li>
                    <strong>{dutch_date(&s.on_date)}</strong>{format!(" — {} door {}: ", s.rung, s.by)}{s.note.clone()}
                </li>
            }
        })
        .collect_view();
    let next: Vec<(String, String)> = [
        ("", "—"),
        ("team", "Agenderen bij het team"),
        ("management", "Agenderen bij het management"),
        ("escalated", "Escaleren (zeg hieronder aan wie)"),
        ("solved", "Opgelost"),
        ("not_solvable", "Niet oplosbaar"),
    ]
    .into_iter()
    .map(|(v, l)| (v.to_string(), l.to_string()))
    .collect();
    let bodies = BODIES
        .iter()
        .map(|b| view! { <option value=*b></option> })
        .collect_view();
    view! {
        <h1 class="utrecht-heading-1">{item.title.clone()}</h1>
        <p class="utrecht-paragraph"><a class="utrecht-link" href="/leeragenda">"Terug naar de leeragenda"</a></p>
        <dl class="facts">
            <dt>"Wet of regeling"</dt><dd>{item.law_name.clone()}</dd>
            <dt>"Regel of bepaling"</dt><dd>{item.rule_key.clone()}</dd>
            <dt>"Organisatie"</dt><dd>{item.organisation_key.clone()}</dd>
            <dt>"Eigenaar"</dt><dd>{item.owner.clone()}</dd>
            <dt>"Stand"</dt><dd data-rung=item.rung_code.clone()>{item.rung.clone()}</dd>
        </dl>
        <h2 class="utrecht-heading-2">"Stappen"</h2>
        <ol class="utrecht-ordered-list timeline">{steps}</ol>
        {(!item.ended).then(|| view! {
            <h2 class="utrecht-heading-2" id="volgende-stap">"Volgende stap"</h2>
            <ActionForm action=step attr:aria-labelledby="volgende-stap">
                <FormMessage error/>
                <input type="hidden" name="step[item_id]" value=item.id.to_string()/>
                <input type="hidden" name="step[version]" value=item.version.to_string()/>
                <SelectField label="Stap" name="step[to]" field="to" error options=select_options(&next, "")/>
                <datalist id="instanties">{bodies}</datalist>
                <TextField label="Geëscaleerd naar (bij escaleren)" name="step[escalated_to]" field="escalated_to" error description="Bijvoorbeeld de regionale stuurgroep, de uitvoerende organisatie of het ministerie via de overbruggingsprocedure." list="instanties"/>
                <TextArea label="Notitie" name="step[note]" field="note" error/>
                <button type="submit" class="utrecht-button utrecht-button--primary-action">"Stap vastleggen"</button>
            </ActionForm>
        })}
    }
}
