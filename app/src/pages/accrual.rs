//! Accrual years: pre-booking and the year-end true-up (backoffice).

use doorbraak::Role;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::accrual::{AccrualView, PrebookYear, TrueUpYear, accrual_year};
use crate::components::form::{FormMessage, TextField, last_error};
use crate::components::guard::{Guarded, or_error, role_resource};
use crate::components::table::DataTable;
use crate::error::AppError;

const ROLES: &[Role] = &[Role::Backoffice];

#[component]
pub fn AccrualPage() -> impl IntoView {
    let query = use_query_map();
    let year = move || query.read().get("jaar").and_then(|y| y.parse::<i32>().ok());
    let prebook = ServerAction::<PrebookYear>::new();
    let true_up = ServerAction::<TrueUpYear>::new();
    let view = role_resource(
        ROLES,
        move || (year(), prebook.version().get(), true_up.version().get()),
        |(y, _, _)| accrual_year(y),
    );
    view! {
        <Title text="Vooraf boeken en afrekenen"/>
        <Guarded roles=ROLES>
            <Accrual view prebook true_up/>
        </Guarded>
    }
}

#[component]
fn Accrual(
    view: Resource<Option<Result<AccrualView, AppError>>>,
    prebook: ServerAction<PrebookYear>,
    true_up: ServerAction<TrueUpYear>,
) -> impl IntoView {
    let prebook_error = last_error(prebook.value());
    let true_up_error = last_error(true_up.value());
    view! {
        <h1 class="utrecht-heading-1">"Vooraf boeken en afrekenen"</h1>
        <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
            {move || Suspend::new(async move {
                or_error(view.await, |v| {
                    let y = v.year;
                    let rows = v.lines.iter().map(|l| view! {
                        <tr class="utrecht-table__row">
                            <td class="utrecht-table__cell">{l.stream.to_string()}</td>
                            <td class="utrecht-table__cell utrecht-table__cell--numeric">{l.prebooked.to_string()}</td>
                            <td class="utrecht-table__cell utrecht-table__cell--numeric">{l.realised.to_string()}</td>
                            <td class="utrecht-table__cell utrecht-table__cell--numeric">{l.trued_up.to_string()}</td>
                            <td class="utrecht-table__cell utrecht-table__cell--numeric">{l.open.to_string()}</td>
                        </tr>
                    }).collect_view();
                    let mode = match v.accrual {
                        None => format!("Het begrotingsjaar {y} bestaat niet."),
                        Some(false) => format!("{y} loopt op kasbasis: terugboekingen gaan direct naar het doorbraakbudget."),
                        Some(true) => format!("{y} loopt op transactiebasis: de verwachte besparingen worden vooraf geboekt en aan het eind van het jaar afgerekend."),
                    };
                    view! {
                        <nav class="pagination" aria-label="Begrotingsjaar">
                            <a class="utrecht-link" href=format!("?jaar={}", y - 1)>{format!("← {}", y - 1)}</a>
                            <a class="utrecht-link" href=format!("?jaar={}", y + 1)>{format!("{} →", y + 1)}</a>
                        </nav>
                        <p class="utrecht-paragraph">{mode}</p>
                        {(v.accrual == Some(true)).then(|| view! {
                            <h2 class="utrecht-heading-2" id="vooraf">"Vooraf boeken"</h2>
                            <ActionForm action=prebook attr:aria-labelledby="vooraf">
                                <FormMessage error=prebook_error/>
                                <input type="hidden" name="year" value=y.to_string()/>
                                <TextField label="Verwachte besparing per stroom" name="amounts" field="amounts" error=prebook_error description="Bijvoorbeeld: PW 10.000; JW 5.000,50"/>
                                <TextField label="Boekdatum" name="date" field="date" error=prebook_error input_type="date" value=format!("{y}-01-02")/>
                                <button type="submit" class="utrecht-button utrecht-button--primary-action" disabled=move || prebook.pending().get()>"Vooraf boeken"</button>
                            </ActionForm>
                            {(!v.trued_up).then(|| view! {
                                <h2 class="utrecht-heading-2" id="afrekenen">"Jaareinde afrekenen"</h2>
                                <ActionForm action=true_up attr:aria-labelledby="afrekenen">
                                    <FormMessage error=true_up_error/>
                                    <input type="hidden" name="year" value=y.to_string()/>
                                    <TextField label="Boekdatum" name="date" field="date" error=true_up_error input_type="date" value=format!("{y}-12-31")/>
                                    <button type="submit" class="utrecht-button utrecht-button--primary-action" disabled=move || true_up.pending().get()>"Verschil boeken"</button>
                                </ActionForm>
                            })}
                        })}
                        <DataTable caption=format!("Vooraf geboekt tegenover gerealiseerd, {y}") headers=&["Stroom", "Vooraf geboekt", "Gerealiseerd", "Afgerekend", "Nog af te rekenen"]>{rows}</DataTable>
                    }
                })
            })}
        </Transition>
    }
}
