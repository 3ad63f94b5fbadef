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
