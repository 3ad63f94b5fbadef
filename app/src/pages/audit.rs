//! The audit trail: who did what, when; filterable.

use doorbraak::Role;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::audit::audit_events;
use crate::components::form::select_options;
use crate::components::format::{dutch_time, urlencode};
use crate::components::guard::Guarded;
use crate::components::table::DataTable;

#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <Title text="Logboek"/>
        <Guarded roles=&[Role::Administrator]>
            <AuditTrail/>
        </Guarded>
    }
}

#[component]
fn AuditTrail() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        let get = |key: &str| q.get(key).unwrap_or_default();
        (
            get("actor"),
            get("action"),
            get("from"),
            get("to"),
            get("casus"),
            get("page").parse::<i64>().unwrap_or(0),
        )
    };
    let events = Resource::new(filter, |(actor, action, from, to, case, page)| {
        audit_events(actor, action, from, to, case, page)
    });
    view! {
        <h1 class="utrecht-heading-1">"Logboek"</h1>
        <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
            {move || Suspend::new(async move {
                let (actor, action, from, to, case, _) = query.with_untracked(|_| filter());
                let page = events.await;
                let mut actions = vec![(String::new(), "Alle".to_string())];
                actions.extend(page.as_ref().map(|p| p.actions.clone()).unwrap_or_default());
                let options = select_options(&actions, &action);
                let link = {
                    let q = format!("actor={}&action={}&from={}&to={}&casus={}", urlencode(&actor), urlencode(&action), urlencode(&from), urlencode(&to), urlencode(&case));
                    move |p: i64| format!("?{q}&page={p}")
                };
                let form = view! {
                    <Form method="GET" action="" attr:class="filter-form" attr:aria-label="Filter">
                        <div class="filters">
                            <div class="utrecht-form-field">
                                <label class="utrecht-form-label" for="f-actor">"Gebruiker"</label>
                                <input class="utrecht-textbox utrecht-textbox--html-input" id="f-actor" name="actor" value=actor.clone()/>
                            </div>
                            <div class="utrecht-form-field">
                                <label class="utrecht-form-label" for="f-action">"Handeling"</label>
                                <select class="utrecht-select utrecht-select--html-select" id="f-action" name="action" inner_html=options></select>
                            </div>
                            <div class="utrecht-form-field">
                                <label class="utrecht-form-label" for="f-from">"Vanaf"</label>
                                <input class="utrecht-textbox utrecht-textbox--html-input" type="date" id="f-from" name="from" value=from.clone()/>
                            </div>
                            <div class="utrecht-form-field">
                                <label class="utrecht-form-label" for="f-to">"Tot en met"</label>
                                <input class="utrecht-textbox utrecht-textbox--html-input" type="date" id="f-to" name="to" value=to.clone()/>
                            </div>
                            <div class="utrecht-form-field">
                                <label class="utrecht-form-label" for="f-casus">"Casus (kenmerk)"</label>
                                <div class="utrecht-form-field-description" id="f-casus-uitleg">"Wie zag of wijzigde deze casus: de casuspagina en elke lijst, run, bezwaar, vordering en download waarin hij stond."</div>
                                <input class="utrecht-textbox utrecht-textbox--html-input" id="f-casus" name="casus" aria-describedby="f-casus-uitleg" value=case.clone()/>
                            </div>
                            <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Filteren"</button>
                        </div>
                    </Form>
                };
                let body = match page {
                    Err(e) => view! { <div class="utrecht-alert utrecht-alert--error" role="alert"><p class="utrecht-paragraph">{e.to_string()}</p></div> }.into_any(),
                    Ok(page) => {
                        let rows = page.events.iter().map(|e| view! {
                            <tr class="utrecht-table__row">
                                <td class="utrecht-table__cell">{dutch_time(&e.at)}</td>
                                <td class="utrecht-table__cell">{e.actor.clone()}</td>
                                <td class="utrecht-table__cell">{e.action.clone()}</td>
                                <td class="utrecht-table__cell">{e.object.clone()}</td>
                                <td class="utrecht-table__cell audit-details">{e.before.clone().unwrap_or_default()}</td>
                                <td class="utrecht-table__cell audit-details">{e.after.clone().unwrap_or_default()}</td>
                                <td class="utrecht-table__cell">{e.address.clone().unwrap_or_default()}</td>
                            </tr>
                        }).collect_view();
                        let (prev, next) = (page.page > 0, page.has_more);
                        view! {
                            <DataTable caption={format!("Gebeurtenissen, pagina {}", page.page + 1)} headers=&["Tijdstip", "Gebruiker", "Handeling", "Betreft", "Was", "Werd", "Adres"]>{rows}</DataTable>
                            <nav class="pagination" aria-label="Paginering">
                                {prev.then(|| view! { <a class="utrecht-link" href=link(page.page - 1)>"Vorige pagina"</a> })}
                                {next.then(|| view! { <a class="utrecht-link" href=link(page.page + 1)>"Volgende pagina"</a> })}
                            </nav>
                        }.into_any()
                    }
                };
                view! { {form} {body} }
            })}
        </Transition>
    }
}
