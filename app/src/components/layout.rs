//! The header with the municipality's name and the navigation by role.

use doorbraak::Role;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::SessionResource;
use crate::api::session::Logout;

struct NavItem {
    href: &'static str,
    label: &'static str,
    roles: &'static [Role],
}

const NAV: &[NavItem] = &[
    NavItem {
        href: "/",
        label: "Start",
        roles: &[],
    },
    NavItem {
        href: "/casussen",
        label: "Casussen",
        roles: &[Role::Professional],
    },
    NavItem {
        href: "/beoordelen",
        label: "Beoordelen",
        roles: &[Role::Approver],
    },
    NavItem {
        href: "/betalen",
        label: "Betalen",
        roles: &[Role::Backoffice],
    },
    NavItem {
        href: "/fonds",
        label: "Doorbraakbudget",
        roles: &[Role::Backoffice],
    },
    NavItem {
        href: "/terugboeken",
        label: "Terugboeken",
        roles: &[Role::Backoffice],
    },
    NavItem {
        href: "/vorderingen",
        label: "Vorderingen",
        roles: &[Role::Backoffice],
    },
    NavItem {
        href: "/jaarafrekening",
        label: "Jaarafrekening",
        roles: &[Role::Backoffice],
    },
    NavItem {
        href: "/aansluiting",
        label: "Aansluiting",
        roles: &[Role::Backoffice],
    },
    NavItem {
        href: "/bezwaren",
        label: "Bezwaren",
        roles: &[Role::Backoffice],
    },
    NavItem {
        href: "/mijn-stromen",
        label: "Mijn stromen",
        roles: &[Role::StreamOwner],
    },
    NavItem {
        href: "/beheer/gebruikers",
        label: "Gebruikers",
        roles: &[Role::Administrator],
    },
    NavItem {
        href: "/beheer/teams",
        label: "Teams",
        roles: &[Role::Administrator],
    },
    NavItem {
        href: "/inrichting",
        label: "Inrichting",
        roles: &[Role::Administrator],
    },
    NavItem {
        href: "/beheer/tokens",
        label: "API-tokens",
        roles: &[Role::Administrator],
    },
    NavItem {
        href: "/beheer/audit",
        label: "Audit trail",
        roles: &[Role::Administrator],
    },
];

#[component]
pub fn Header() -> impl IntoView {
    let session = expect_context::<SessionResource>();
    let logout = ServerAction::<Logout>::new();
    // After signing out, reload so every piece of state goes with the session.
    Effect::new(move |_| {
        if let Some(Ok(())) = logout.value().get() {
            #[cfg(feature = "hydrate")]
            if let Some(w) = web_sys::window() {
                let _ = w.location().set_href("/inloggen");
            }
        }
    });
    view! {
        <header class="utrecht-page-header page-header">
            <div class="brand">
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                <span class="brand-name">
                    <Suspense fallback=|| "Doorbraak">
                        {move || Suspend::new(async move {
                            session.await.map(|s| s.municipality).unwrap_or_else(|_| "Doorbraak".to_string())
                        })}
                    </Suspense>
                </span>
                <span class="brand-product">"Doorbraak"</span>
            </div>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let user = session.await.ok().and_then(|s| s.user);
                    user.map(|user| {
                        let items = NAV
                            .iter()
                            .filter(|i| i.roles.is_empty() || user.roles.has_any(i.roles))
                            .map(|i| view! { <li class="utrecht-nav-list__item"><A href=i.href attr:class="utrecht-link nav-link">{i.label}</A></li> })
                            .collect_view();
                        view! {
                            <nav class="utrecht-nav-bar main-nav" aria-label="Hoofdmenu">
                                <ul class="utrecht-nav-list main-nav-list">{items}</ul>
                            </nav>
                            <div class="account">
                                <span class="account-name">{user.display_name.clone()}</span>
                                <ActionForm action=logout>
                                    <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Uitloggen"</button>
                                </ActionForm>
                            </div>
                        }
                    })
                })}
            </Suspense>
        </header>
    }
}
