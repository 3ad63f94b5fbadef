//! Retention terms (*Bewaartermijnen*, administrator, under Inrichting):
//! the term per record class with its source, legal holds, and what the
//! nightly erasure would erase today.

use doorbraak::Role;
use doorbraak::retention::RecordClass;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::retention::{
    ErasurePlan, HoldRow, RetentionView, SetLegalHold, SetRetentionTerms, TermRow, retention,
};
use crate::components::form::{FormMessage, SelectField, TextField, last_error, select_options};
use crate::components::guard::{Guarded, or_error, role_resource};
use crate::components::table::DataTable;

const ADMIN: &[Role] = &[Role::Administrator];

/// At most this many due cases are listed by reference.
const LISTED: usize = 100;

#[component]
pub fn RetentionPage() -> impl IntoView {
    let terms = ServerAction::<SetRetentionTerms>::new();
    let hold = ServerAction::<SetLegalHold>::new();
    let view = role_resource(
        ADMIN,
        move || (terms.version().get(), hold.version().get()),
        |_| retention(),
    );
    view! {
        <Title text="Bewaartermijnen"/>
        <Guarded roles=ADMIN>
            <h1 class="utrecht-heading-1">"Bewaartermijnen"</h1>
            <p class="utrecht-paragraph">
                "Na de bewaartermijn wist Doorbraak de gegevens over het huishouden: elke vrije tekst van elke canvasversie, "
                "omschrijvingen en motiveringen, ontvangers en kenmerken van betalingen, redenen en notities in de geschiedenis, runs, bezwaren en vorderingen, "
                "en wat het logboek daarover vastlegde. Het kenmerk van de casus wordt een willekeurig nieuw kenmerk en data in de geschiedenis worden teruggebracht tot de maand. "
                "Bedragen, stromen, catalogusregels, gecodeerde knelpunten, statussen en boekingen blijven: elk totaal, elk fondsjaar, elk journaal en elk dashboard blijft gelijk."
            </p>
            <p class="utrecht-paragraph">
                "Een casus wordt gewist als elke termijn die erop van toepassing is, verstreken is: die van de inhoud vanaf het afsluiten of afwijzen, "
                "en als er geld voor is geboekt, de financiële termijn vanaf het afsluiten van elk begrotingsjaar waarin dat gebeurde. "
                "De wisronde draait elke nacht; op de server toont "<code>"doorbraak erase --dry-run"</code>" hetzelfde als de proefrun hieronder."
            </p>
            <p class="utrecht-paragraph"><a class="utrecht-link" href="/inrichting">"Terug naar Inrichting"</a></p>
            <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
                {move || Suspend::new(async move {
                    or_error(view.await, |v| view! { <Retention v terms hold/> })
                })}
            </Transition>
        </Guarded>
    }
}

#[component]
fn Retention(
    v: RetentionView,
    terms: ServerAction<SetRetentionTerms>,
    hold: ServerAction<SetLegalHold>,
) -> impl IntoView {
    let RetentionView {
        terms: rows,
        holds,
        plan,
    } = v;
    let term_error = last_error(terms.value());
    let hold_error = last_error(hold.value());
    let table = rows
        .iter()
        .map(|t| {
            view! {
                <tr class="utrecht-table__row">
                    <th class="utrecht-table__header-cell" scope="row">{t.label.clone()}</th>
                    <td class="utrecht-table__cell">{format!("{} jaar {}", t.years, t.counted_from)}</td>
                    <td class="utrecht-table__cell">{format!("{} jaar", t.default_years)}</td>
                    <td class="utrecht-table__cell">{t.source.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let find = |code: &str| rows.iter().find(|t| t.class == code).cloned();
    let field = |t: Option<TermRow>| {
        t.map(|t| (t.years.to_string(), t.version.to_string()))
            .unwrap_or_default()
    };
    let (granted, granted_version) = field(find("granted"));
    let (not_granted, not_granted_version) = field(find("not_granted"));
    let (financial, financial_version) = field(find("financial"));
    let hold_choice = vec![
        ("on".to_string(), "Bewaarplicht instellen".to_string()),
        ("off".to_string(), "Bewaarplicht opheffen".to_string()),
    ];
    view! {
        <DataTable caption="Bewaartermijn per soort gegevens" headers=&["Soort gegevens", "Termijn", "Standaard", "Bron van de standaard"]>{table}</DataTable>
        <h2 class="utrecht-heading-2" id="termijnen-wijzigen">"Termijnen wijzigen"</h2>
        <ActionForm action=terms attr:aria-labelledby="termijnen-wijzigen">
            <FormMessage error=term_error/>
            <input type="hidden" name="terms[granted_version]" value=granted_version/>
            <input type="hidden" name="terms[not_granted_version]" value=not_granted_version/>
            <input type="hidden" name="terms[financial_version]" value=financial_version/>
            <TextField label="Casus met toegekende doorbraak (jaren na afsluiten)" name="terms[granted]" field="granted" error=term_error value=granted input_type="number" required=true/>
            <TextField label="Afgewezen canvas (jaren na afsluiten of afwijzen)" name="terms[not_granted]" field="not_granted" error=term_error value=not_granted input_type="number" required=true/>
            <TextField label="Financiële gegevens (jaren na afsluiten begrotingsjaar)" name="terms[financial]" field="financial" error=term_error value=financial input_type="number" required=true/>
            <button type="submit" class="utrecht-button utrecht-button--primary-action">"Termijnen opslaan"</button>
        </ActionForm>
        <h2 class="utrecht-heading-2" id="bewaarplicht">"Juridische bewaarplicht (legal hold)"</h2>
        <p class="utrecht-paragraph">
            "Een casus onder bewaarplicht wordt niet gewist, ook niet na de termijn: bijvoorbeeld bij een bezwaarprocedure, een rechtszaak of een verzoek van de accountant."
        </p>
        <Holds holds/>
        <ActionForm action=hold attr:aria-labelledby="bewaarplicht">
            <FormMessage error=hold_error/>
            <TextField label="Kenmerk van de casus" name="hold[reference]" field="reference" error=hold_error description="Bijvoorbeeld DB-2026-0012."/>
            <SelectField label="Actie" name="hold[hold]" field="hold" error=hold_error options=select_options(&hold_choice, "on")/>
            <TextField label="Reden" name="hold[reason]" field="reason" error=hold_error description="Geen namen of BSN: bijvoorbeeld het zaaknummer van de procedure."/>
            <button type="submit" class="utrecht-button utrecht-button--primary-action">"Bewaarplicht opslaan"</button>
        </ActionForm>
        <DryRun plan/>
    }
}

#[component]
fn Holds(holds: Vec<HoldRow>) -> impl IntoView {
    if holds.is_empty() {
        return view! { <p class="utrecht-paragraph">"Geen enkele casus staat onder bewaarplicht."</p> }.into_any();
    }
    let rows = holds
        .into_iter()
        .map(|h| {
            view! {
                <tr class="utrecht-table__row">
                    <th class="utrecht-table__header-cell" scope="row">{h.reference}</th>
                    <td class="utrecht-table__cell">{h.reason}</td>
                </tr>
            }
        })
        .collect_view();
    view! { <DataTable caption="Casussen onder bewaarplicht" headers=&["Kenmerk", "Reden"]>{rows}</DataTable> }.into_any()
}

/// A record class's code in a few words.
fn class_nl(code: &str) -> &str {
    RecordClass::from_code(code).map_or(code, |c| c.short_label())
}

#[component]
fn DryRun(plan: ErasurePlan) -> impl IntoView {
    let today = plan.today.map(doorbraak::dates::dutch).unwrap_or_default();
    let summary = if plan.due.is_empty() {
        format!("Op {today} is geen enkele casus aan de beurt om gewist te worden.")
    } else {
        let parts: Vec<String> = plan
            .per_class
            .iter()
            .map(|(c, n)| format!("{n} {}", class_nl(c)))
            .collect();
        format!(
            "Op {today} zou de wisronde {} {} wissen ({}).",
            plan.due.len(),
            if plan.due.len() == 1 {
                "casus"
            } else {
                "casussen"
            },
            parts.join(", ")
        )
    };
    let more = plan.due.len().saturating_sub(LISTED);
    let rows = plan
        .due
        .iter()
        .take(LISTED)
        .map(|d| {
            view! {
                <tr class="utrecht-table__row">
                    <th class="utrecht-table__header-cell" scope="row">{d.reference.clone()}</th>
                    <td class="utrecht-table__cell">{class_nl(&d.class).to_string()}</td>
                    <td class="utrecht-table__cell">{doorbraak::dates::dutch(d.ended_on)}</td>
                    <td class="utrecht-table__cell">{doorbraak::dates::dutch(d.since)}</td>
                </tr>
            }
        })
        .collect_view();
    let held = (!plan.held.is_empty()).then(|| {
        view! {
            <p class="utrecht-paragraph">
                {format!("Voorbij de termijn maar onder bewaarplicht, en dus niet gewist: {}.", plan.held.join(", "))}
            </p>
        }
    });
    view! {
        <h2 class="utrecht-heading-2" id="proefrun">"Proefrun: wat de wisronde vandaag zou wissen"</h2>
        <p class="utrecht-paragraph" data-testid="proefrun">{summary}</p>
        {(!plan.due.is_empty()).then(|| view! {
            <DataTable caption="Casussen die gewist zouden worden" headers=&["Kenmerk", "Soort", "Afgesloten of afgewezen op", "Termijn verstreken op"]>{rows}</DataTable>
        })}
        {(more > 0).then(|| view! { <p class="utrecht-paragraph">{format!("En nog {more} casussen.")}</p> })}
        {held}
        <p class="utrecht-paragraph">{format!("Eerder gewist: {} casussen.", plan.erased_before)}</p>
    }
}
