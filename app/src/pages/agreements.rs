//! Agreements (convenanten) with external payers (administrator, under
//! Inrichting): every version per stream, and a form for a new version or
//! for changing one — a version that was used only gets an end date.

use doorbraak::Role;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::agreements::{AgreementsView, SaveAgreement, agreements};
use crate::components::form::{FormMessage, SelectField, TextField, last_error, select_options};
use crate::components::format::dutch_date;
use crate::components::guard::{Guarded, or_error, role_resource};
use crate::components::table::DataTable;
use crate::error::AppError;
use crate::model::AgreementRow;

const ADMIN: &[Role] = &[Role::Administrator];

#[component]
pub fn AgreementsPage() -> impl IntoView {
    let save = ServerAction::<SaveAgreement>::new();
    let view = role_resource(ADMIN, move || save.version().get(), |_| agreements());
    view! {
        <Title text="Convenanten"/>
        <Guarded roles=ADMIN>
            <Agreements view save/>
        </Guarded>
    }
}

#[component]
fn Agreements(
    view: Resource<Option<Result<AgreementsView, AppError>>>,
    save: ServerAction<SaveAgreement>,
) -> impl IntoView {
    let query = use_query_map();
    view! {
        <h1 class="utrecht-heading-1">"Convenanten"</h1>
        <p class="utrecht-paragraph">
            "Een externe financier (bijvoorbeeld de zorgverzekeraar) draagt alleen bij waar een convenant dat zegt. "
            "Een terugboeking gebruikt de versie die gold op de afrekendatum van de casus; wat het convenant niet dekt, blijft op de Wmo. "
            "Een gebruikte versie verandert niet meer: leg een wijziging vast als nieuwe versie en geef de oude een einddatum."
        </p>
        <p class="utrecht-paragraph"><a class="utrecht-link" href="/inrichting">"Terug naar Inrichting"</a></p>
        <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
            {move || {
                let edit = query.with(|q| q.get("versie").and_then(|v| v.parse::<i64>().ok()));
                Suspend::new(async move {
                    or_error(view.await, |v| view! { <AgreementList v edit save/> })
                })
            }}
        </Transition>
    }
}

fn share_and_cap(row: &AgreementRow) -> (String, String) {
    let a = &row.agreement;
    (
        a.payer_share.to_string(),
        a.yearly_cap
            .map_or_else(|| "geen".to_string(), |c| c.to_string()),
    )
}

#[component]
fn AgreementList(
    v: AgreementsView,
    edit: Option<i64>,
    save: ServerAction<SaveAgreement>,
) -> impl IntoView {
    let error = last_error(save.value());
    let rows = v
        .versions
        .iter()
        .map(|row| {
            let a = &row.agreement;
            let (share, cap) = share_and_cap(row);
            let used = row
                .used_until
                .map_or_else(|| "nog niet".to_string(), |d| format!("t/m afrekendatum {}", dutch_date(&d.to_string())));
            view! {
                <tr class="utrecht-table__row">
                    <th class="utrecht-table__header-cell" scope="row">{format!("{} v{}", a.stream, a.version)}</th>
                    <td class="utrecht-table__cell">{a.reference.clone()}</td>
                    <td class="utrecht-table__cell">{a.period_nl()}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{share}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{cap}</td>
                    <td class="utrecht-table__cell">{if row.in_force_today { "van kracht" } else { "" }}</td>
                    <td class="utrecht-table__cell">{used}</td>
                    <td class="utrecht-table__cell"><a class="utrecht-link" href=format!("?versie={}#convenant-bewerken", a.id)>{format!("{} v{} wijzigen", a.stream, a.version)}</a></td>
                </tr>
            }
        })
        .collect_view();
    let editing = edit.and_then(|id| v.versions.iter().find(|r| r.agreement.id == id).cloned());
    let heading = editing.as_ref().map_or_else(
        || "Nieuwe versie van een convenant".to_string(),
        |r| format!("{} v{} wijzigen", r.agreement.stream, r.agreement.version),
    );
    let fields = match editing.clone() {
        Some(row) => {
            let a = row.agreement.clone();
            let used = row.used_until.is_some();
            let (share, cap) = (
                a.payer_share
                    .value()
                    .normalize()
                    .to_string()
                    .replace('.', ","),
                a.yearly_cap
                    .map(|c| c.to_input_string())
                    .unwrap_or_default(),
            );
            view! {
                <input type="hidden" name="input[id]" value=a.id.to_string()/>
                <input type="hidden" name="input[row_version]" value=row.row_version.to_string()/>
                {used.then(|| view! { <p class="utrecht-paragraph">"Deze versie is gebruikt voor een terugboeking: alleen de einddatum kan nog worden gezet."</p> })}
                <TextField label="Geldig vanaf" name="input[valid_from]" field="valid_from" error input_type="date" value=a.valid_from.to_string()/>
                <TextField label="Geldig tot en met (leeg: doorlopend)" name="input[valid_to]" field="valid_to" error input_type="date" value=a.valid_to.map(|d| d.to_string()).unwrap_or_default()/>
                <TextField label="Aandeel dat de financier draagt (%)" name="input[share]" field="share" error value=share/>
                <TextField label="Jaarplafond (leeg: geen)" name="input[cap]" field="cap" error value=cap/>
                <TextField label="Kenmerk van het convenant" name="input[reference]" field="reference" error value=a.reference.clone()/>
            }
            .into_any()
        }
        None => {
            let streams = v.streams.clone();
            view! {
                <SelectField label="Financieringsstroom" name="input[stream]" field="stream" error options=select_options(&streams, "")/>
                <TextField label="Geldig vanaf" name="input[valid_from]" field="valid_from" error input_type="date" value=v.today.to_string()/>
                <TextField label="Geldig tot en met (leeg: doorlopend)" name="input[valid_to]" field="valid_to" error input_type="date"/>
                <TextField label="Aandeel dat de financier draagt (%)" name="input[share]" field="share" error value="100".to_string() description="Het deel van het toegerekende bedrag dat de financier betaalt; de rest blijft op de Wmo."/>
                <TextField label="Jaarplafond (leeg: geen)" name="input[cap]" field="cap" error description="Het hoogste bedrag per kalenderjaar van de afrekendatum, bijvoorbeeld 25.000,00."/>
                <TextField label="Kenmerk van het convenant" name="input[reference]" field="reference" error/>
            }
            .into_any()
        }
    };
    view! {
        {if v.versions.is_empty() {
            view! { <p class="utrecht-paragraph">"Er zijn nog geen convenanten: externe financiers worden niet belast."</p> }.into_any()
        } else {
            view! { <DataTable caption="Convenanten per financier en versie" headers=&["Versie", "Kenmerk", "Periode", "Aandeel financier", "Jaarplafond", "Vandaag", "Gebruikt", "Actie"]>{rows}</DataTable> }.into_any()
        }}
        <h2 class="utrecht-heading-2" id="convenant-bewerken">{heading}</h2>
        {editing.is_some().then(|| view! { <p class="utrecht-paragraph"><a class="utrecht-link" href="?#convenant-bewerken">"Nieuwe versie vastleggen"</a></p> })}
        <ActionForm action=save attr:aria-labelledby="convenant-bewerken">
            <FormMessage error/>
            {fields}
            <button type="submit" class="utrecht-button utrecht-button--primary-action">"Convenant opslaan"</button>
        </ActionForm>
    }
}
