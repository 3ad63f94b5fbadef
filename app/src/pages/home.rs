//! The start page: one section for each role the user holds.

use doorbraak::Role;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::guard::{Guarded, signed_in_user};

struct Task {
    label: &'static str,
    href: Option<&'static str>,
}

fn tasks(role: Role) -> (&'static str, Vec<Task>) {
    let t = |label, href| Task { label, href };
    match role {
        Role::Professional => (
            "U schrijft maatwerkcanvassen voor huishoudens die vastlopen, stelt de doorbraak voor en legt de uitkomst vast.",
            vec![t(
                "Casussen van uw team en een nieuw maatwerkcanvas",
                Some("/casussen"),
            )],
        ),
        Role::Approver => (
            "U beoordeelt ingediende canvassen binnen uw mandaat: goedkeuren, afwijzen of terugsturen, met een reden.",
            vec![t("Te beoordelen canvassen", Some("/beoordelen"))],
        ),
        Role::Backoffice => (
            "U betaalt goedgekeurde doorbraken, rekent af, boekt terug naar de financieringsstromen en bewaakt het doorbraakbudget.",
            vec![
                t("Betalen en afrekenen", Some("/betalen")),
                t("Doorbraakbudget per jaar", Some("/fonds")),
                t("Terugboekruns", Some("/terugboeken")),
                t("Vorderingen op externe partijen", Some("/vorderingen")),
                t("Bezwaren van budgethouders", Some("/bezwaren")),
                t("Jaarafrekening (vooraf boeken)", Some("/jaarafrekening")),
                t("Aansluiting", Some("/aansluiting")),
            ],
        ),
        Role::StreamOwner => (
            "U ziet wat er op uw financieringsstroom wordt teruggeboekt, met de onderbouwing, en accepteert of betwist het.",
            vec![t("Terugboekingen op uw stroom", Some("/mijn-stromen"))],
        ),
        Role::Alderman => (
            "U ziet de resultaten: doorbraken, vermeden kosten per wet, het rendement en de stand van het revolverend fonds.",
            vec![t("Dashboard vermeden kosten", None)],
        ),
        Role::Administrator => (
            "U beheert gebruikers, teams en de inrichting, en ziet de audit trail.",
            vec![
                t("Gebruikers", Some("/beheer/gebruikers")),
                t("Teams", Some("/beheer/teams")),
                t("Audit trail", Some("/beheer/audit")),
                t(
                    "Inrichting: stromen, mandaten, begrotingsjaren",
                    Some("/inrichting"),
                ),
                t("Kostencatalogus", Some("/inrichting/catalogus")),
                t("Budgethouders", Some("/inrichting/budgethouders")),
                t("API-tokens", Some("/beheer/tokens")),
            ],
        ),
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
            let (intro, items) = tasks(role);
            let items = items
                .into_iter()
                .map(|task| match task.href {
                    Some(href) => view! { <li><a class="utrecht-link" href=href>{task.label}</a></li> }.into_any(),
                    None => view! { <li>{task.label}" "<span class="utrecht-status-badge utrecht-status-badge--neutral">"volgt"</span></li> }.into_any(),
                })
                .collect_view();
            view! {
                <section class="role-section" aria-labelledby=format!("rol-{}", role.code())>
                    <h2 class="utrecht-heading-2" id=format!("rol-{}", role.code())>{role.label_nl()}</h2>
                    <p class="utrecht-paragraph">{intro}</p>
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

/// Ends every session of the user, on every device (a lost laptop, a
/// shared computer): a plain form that also works without JavaScript.
#[component]
fn SignOutEverywhere() -> impl IntoView {
    let action = ServerAction::<crate::api::session::LogoutEverywhere>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            #[cfg(feature = "hydrate")]
            if let Some(w) = web_sys::window() {
                let _ = w.location().set_href("/inloggen");
            }
        }
    });
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
