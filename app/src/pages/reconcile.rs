//! Reconciliation (backoffice): ledger = runs = exports, per year and stream.

use doorbraak::Role;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::reconcile::{ReconcileView, reconciliation};
use crate::components::guard::{Guarded, or_error, role_resource};
use crate::components::table::DataTable;
use crate::error::AppError;

const ROLES: &[Role] = &[Role::Backoffice];

#[component]
pub fn ReconcilePage() -> impl IntoView {
    let view = role_resource(ROLES, || (), |_| reconciliation());
    view! {
        <Title text="Aansluiting"/>
        <Guarded roles=ROLES>
            <Reconcile view/>
        </Guarded>
    }
}

#[component]
fn Reconcile(view: Resource<Option<Result<ReconcileView, AppError>>>) -> impl IntoView {
    view! {
        <h1 class="utrecht-heading-1">"Aansluiting"</h1>
        <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
            {move || Suspend::new(async move {
                or_error(view.await, |r| {
                    let differences = r.differences();
                    let summary = if differences == 0 {
                        view! { <div class="utrecht-alert utrecht-alert--ok" role="status"><p class="utrecht-paragraph">"Alles sluit aan: grootboek, runs en exports zijn gelijk, en elk doorbraakbudget klopt."</p></div> }.into_any()
                    } else {
                        view! { <div class="utrecht-alert utrecht-alert--error" role="alert"><p class="utrecht-paragraph">{format!("{differences} verschil(len) gevonden: zie de rood gemarkeerde regels.")}</p></div> }.into_any()
                    };
                    let rows = r.lines.iter().map(|l| {
                        let bad = !l.agrees();
                        view! {
                            <tr class="utrecht-table__row" class:difference=bad>
                                <td class="utrecht-table__cell">{l.year}</td>
                                <td class="utrecht-table__cell">{l.stream.to_string()}</td>
                                <td class="utrecht-table__cell">{if l.kind == doorbraak::chargeback::ChargeKind::Claim { "Vordering" } else { "Intern" }}</td>
                                <td class="utrecht-table__cell utrecht-table__cell--numeric">{l.ledger.to_string()}</td>
                                <td class="utrecht-table__cell utrecht-table__cell--numeric">{l.runs.to_string()}</td>
                                <td class="utrecht-table__cell utrecht-table__cell--numeric">{l.exports.to_string()}</td>
                                <td class="utrecht-table__cell">{if bad { "Verschil" } else { "Sluit aan" }}</td>
                            </tr>
                        }
                    }).collect_view();
                    let funds = r.funds.iter().map(|f| {
                        let p = f.position;
                        view! {
                            <tr class="utrecht-table__row" class:difference=!f.reconciles>
                                <td class="utrecht-table__cell">{f.year}</td>
                                <td class="utrecht-table__cell utrecht-table__cell--numeric">{p.funded.to_string()}</td>
                                <td class="utrecht-table__cell utrecht-table__cell--numeric">{p.recovered.to_string()}</td>
                                <td class="utrecht-table__cell utrecht-table__cell--numeric">{p.held.to_string()}</td>
                                <td class="utrecht-table__cell utrecht-table__cell--numeric">{p.paid.to_string()}</td>
                                <td class="utrecht-table__cell utrecht-table__cell--numeric">{p.available.to_string()}</td>
                                <td class="utrecht-table__cell">{if f.reconciles { "Sluit aan" } else { "Verschil" }}</td>
                            </tr>
                        }
                    }).collect_view();
                    view! {
                        {summary}
                        <DataTable caption="Teruggeboekt en gevorderd per jaar en stroom: grootboek, terugboekingen en exports".to_string() headers=&["Jaar", "Stroom", "Soort", "Grootboek", "Terugboekingen", "Exports", "Aansluiting"]>{rows}</DataTable>
                        <DataTable caption="Doorbraakbudget per jaar: beschikbaar = gestort + terugontvangen − gereserveerd − betaald".to_string() headers=&["Jaar", "Gestort", "Terugontvangen", "Gereserveerd", "Betaald", "Beschikbaar", "Aansluiting"]>{funds}</DataTable>
                        <p class="utrecht-paragraph">{format!("Boekingen die niet op nul uitkomen: {}. Saldi die afwijken van hun boekingen: {}.", r.unbalanced, r.drifted)}</p>
                    }
                })
            })}
        </Transition>
    }
}
