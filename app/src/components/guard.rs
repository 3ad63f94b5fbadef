//! Shows a page only to the roles it is for. The server checks every server
//! function anyway; this keeps a page from showing anything of itself to a
//! role that may not see it.

use doorbraak::Role;
use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::SessionResource;
use crate::error::AppError;
use crate::model::CurrentUser;

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

/// A page's data, created outside its [`Guarded`] part so that part can be
/// rebuilt without fetching again, and fetched only for the roles the page
/// is for (a refused call would set the page's HTTP status). `None` for
/// anyone else.
pub fn role_resource<S, T, Fut>(
    roles: &'static [Role],
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Resource<Option<Result<T, AppError>>>
where
    S: PartialEq + Clone + Send + Sync + 'static,
    T: serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, AppError>> + Send + 'static,
{
    let session = expect_context::<SessionResource>();
    let fetcher = std::sync::Arc::new(fetcher);
    Resource::new(source, move |s| {
        let fetcher = fetcher.clone();
        async move {
            let user = session.await.ok().and_then(|v| v.user);
            let allowed = user.is_some_and(|u| roles.is_empty() || u.roles.has_any(roles));
            if allowed {
                Some(fetcher(s).await)
            } else {
                None
            }
        }
    })
}

/// What a [`role_resource`] loaded; inside [`Guarded`] it is always there.
pub fn loaded<T>(value: Option<Result<T, AppError>>) -> Result<T, AppError> {
    value.unwrap_or(Err(AppError::Forbidden))
}
