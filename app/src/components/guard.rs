//! Shows a page only to the roles it is for. The server checks every server
//! function anyway; this keeps a page from showing anything of itself to a
//! role that may not see it.

use doorbraak::Role;
use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::SessionResource;
use crate::api::model::CurrentUser;

#[component]
pub fn Guarded(
    /// The roles that may see the page; empty means every signed-in user.
    roles: &'static [Role],
    children: ChildrenFn,
) -> impl IntoView {
    let session = expect_context::<SessionResource>();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
            {move || Suspend::new(async move {
                match session.await.ok().and_then(|s| s.user) {
                    None => view! { <Redirect path="/inloggen"/> }.into_any(),
                    Some(user) if roles.is_empty() || user.roles.has_any(roles) => {
                        provide_context(user);
                        children.with_value(|c| c()).into_any()
                    }
                    Some(_) => view! { <NoAccess roles/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn NoAccess(roles: &'static [Role]) -> impl IntoView {
    let needed = roles
        .iter()
        .map(|r| r.label_nl())
        .collect::<Vec<_>>()
        .join(" of ");
    view! {
        <h1 class="utrecht-heading-1">"Geen toegang"</h1>
        <div class="utrecht-alert utrecht-alert--warning" role="alert">
            <p class="utrecht-paragraph">{format!("Deze pagina is alleen voor de rol {needed}.")}</p>
        </div>
        <p class="utrecht-paragraph"><a class="utrecht-link" href="/">"Terug naar de startpagina"</a></p>
    }
}

/// The signed-in user inside a [`Guarded`] page.
pub fn signed_in_user() -> CurrentUser {
    expect_context::<CurrentUser>()
}
