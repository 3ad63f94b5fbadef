//! The header with the municipality's name and the navigation by role
//! (from the page table in `crate::routes`).

use leptos::prelude::*;
use leptos_router::components::A;

use crate::SessionResource;
use crate::api::session::Logout;

#[component]
pub fn Header() -> impl IntoView {
    let session = expect_context::<SessionResource>();
    let logout = ServerAction::<Logout>::new();
    view! {
        <header class="utrecht-page-header page-header">
            <div class="brand">
                <Suspense fallback=|| view! { <span class="brand-name">"Doorbraak"</span> }>
                    {move || Suspend::new(async move {
                        let (name, logo) = session
                            .await
                            .map(|s| (s.municipality, s.has_logo))
                            .unwrap_or_else(|_| ("Doorbraak".to_string(), false));
                        view! {
                            {if logo {
                                view! { <img class="brand-logo" src="/thema/logo" alt="" height="40"/> }.into_any()
                            } else {
                                view! { <span class="brand-mark" aria-hidden="true">"◆"</span> }.into_any()
                            }}
                            <span class="brand-name">{name}</span>
                        }
                    })}
                </Suspense>
                <span class="brand-product">"Doorbraak"</span>
            </div>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let user = session.await.ok().and_then(|s| s.user);
                    user.map(|user| {
                        let items = crate::routes::navigation(user.roles)
                            .map(|(href, label)| view! { <li class="utrecht-nav-list__item"><A href=href attr:class="utrecht-link nav-link">{label}</A></li> })
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

/// What the last action did (`?gedaan=` in the address; see `crate::flash`).
#[component]
pub fn DoneMessage() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    move || {
        // After a refused form the address says what went wrong instead.
        query
            .with(|q| {
                q.get("__err")
                    .is_none()
                    .then(|| q.get(crate::flash::PARAM))
                    .flatten()
            })
            .and_then(|code| crate::flash::message(&code))
            .map(|text| {
                view! {
                    <div class="utrecht-alert utrecht-alert--ok" role="status" data-done="">
                        <p class="utrecht-paragraph">{text}</p>
                    </div>
                }
            })
    }
}
