//! The start page: one section for each role the user holds, with the
//! tasks the page table (`crate::routes`) gives that role.

use doorbraak::Role;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::evaluations::my_worklist;
use crate::components::format::dutch_date;
use crate::components::guard::{Guarded, or_error, role_resource, signed_in_user};
use crate::model::{WorkItem, Worklist};

/// What a role does, in a sentence; its tasks come from the page table.
fn intro(role: Role) -> &'static str {
    match role {
        Role::Professional => {
            "U schrijft maatwerkcanvassen voor huishoudens die vastlopen, stelt de doorbraak voor en legt de uitkomst vast."
        }
        Role::Approver => {
            "U beoordeelt ingediende canvassen binnen uw mandaat: goedkeuren, afwijzen of terugsturen, met een reden."
        }
        Role::Backoffice => {
            "U betaalt goedgekeurde doorbraken, rekent af, boekt terug naar de financieringsstromen en bewaakt het doorbraakbudget."
        }
        Role::StreamOwner => {
            "U ziet wat er op uw financieringsstroom wordt teruggeboekt, met de onderbouwing, en accepteert of betwist het."
        }
        Role::Alderman => {
            "U ziet de resultaten: doorbraken, vermeden kosten per wet, het rendement en de stand van het revolverend fonds."
        }
        Role::Administrator => {
            "U beheert gebruikers, teams en de inrichting, en ziet de audit trail."
        }
    }
}

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="Start"/>
        <Guarded roles=&[]>
            <StartSections/>
        </Guarded>
    }
}

#[component]
fn StartSections() -> impl IntoView {
    let user = signed_in_user();
    let sections = user
        .roles
        .iter()
        .map(|role| {
            let tasks: Vec<_> = crate::routes::tasks(role).collect();
            let items = if tasks.is_empty() {
                view! { <li>"Voor deze rol zijn er nog geen pagina's."</li> }.into_any()
            } else {
                tasks
                    .into_iter()
                    .map(|(href, label)| view! { <li><a class="utrecht-link" href=href>{label}</a></li> })
                    .collect_view()
                    .into_any()
            };
            view! {
                <section class="role-section" aria-labelledby=format!("rol-{}", role.code())>
                    <h2 class="utrecht-heading-2" id=format!("rol-{}", role.code())>{role.label_nl()}</h2>
                    <p class="utrecht-paragraph">{intro(role)}</p>
                    {(role == Role::Professional).then(|| view! { <WorkWaiting/> })}
                    {(role == Role::Alderman).then(|| view! { <crate::pages::dashboard::DashboardSummary/> })}
                    <ul class="utrecht-unordered-list task-list">{items}</ul>
                </section>
            }
        })
        .collect_view();
    view! {
        <h1 class="utrecht-heading-1">{format!("Welkom, {}", user.display_name)}</h1>
        <p class="utrecht-paragraph utrecht-paragraph--lead">"Uw startpagina, per rol die u heeft."</p>
        <div class="role-sections">{sections}</div>
        <SignOutEverywhere/>
    }
}

/// What waits for the professional: drafts, canvases returned for
/// revision, evaluations due or overdue, receipts to record.
#[component]
fn WorkWaiting() -> impl IntoView {
    let list = role_resource(&[Role::Professional], || (), |_| my_worklist());
    view! {
        <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
            {move || Suspend::new(async move {
                or_error(list.await, |w: Worklist| {
                    let group = |title: &'static str, items: Vec<WorkItem>, say: fn(&WorkItem) -> String| {
                        (!items.is_empty()).then(|| {
                            let lis = items
                                .into_iter()
                                .map(|i| view! {
                                    <li class:overdue=i.overdue>
                                        <a class="utrecht-link" href=format!("/casussen/{}", i.case_id)>{i.reference.clone()}</a>
                                        {format!(" — {}", say(&i))}
                                    </li>
                                })
                                .collect_view();
                            view! {
                                <h3 class="utrecht-heading-3">{title}</h3>
                                <ul class="utrecht-unordered-list worklist">{lis}</ul>
                            }
                        })
                    };
                    let empty = w.drafts.is_empty() && w.returned.is_empty() && w.evaluations.is_empty() && w.receipts.is_empty();
                    view! {
                        <div class="worklist-block" data-worklist="">
                            {empty.then(|| view! { <p class="utrecht-paragraph">"Er wacht nu niets op u."</p> })}
                            {group("Concepten", w.drafts, |i| format!("laatst gewijzigd {}", dutch_date(&i.date)))}
                            {group("Teruggestuurd voor aanpassing", w.returned, |i| format!("teruggestuurd, laatst gewijzigd {}", dutch_date(&i.date)))}
                            {group("Evaluaties", w.evaluations, |i| if i.overdue {
                                format!("evaluatie te laat: verwacht vóór {}", dutch_date(&i.date))
                            } else {
                                format!("evaluatie verwacht vóór {}", dutch_date(&i.date))
                            })}
                            {group("Ontvangst bevestigen", w.receipts, |i| format!("betaald op {}: {}", dutch_date(&i.date), i.note))}
                        </div>
                    }
                })
            })}
        </Transition>
    }
}

/// Ends every session of the user, on every device (a lost laptop, a
/// shared computer): a plain form that also works without JavaScript.
#[component]
fn SignOutEverywhere() -> impl IntoView {
    let action = ServerAction::<crate::api::session::LogoutEverywhere>::new();
    view! {
        <section class="role-section" aria-labelledby="sessies">
            <h2 class="utrecht-heading-2" id="sessies">"Uw sessies"</h2>
            <p class="utrecht-paragraph">"Bent u ook op een ander apparaat aangemeld, bijvoorbeeld op een gedeelde of kwijtgeraakte computer? Beëindig dan al uw sessies."</p>
            <ActionForm action=action>
                <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Op alle apparaten afmelden"</button>
            </ActionForm>
        </section>
    }
}
