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
                    // Signed out: sign in, then come back to this page.
                    None => view! { <RedirectTo path=here_after_sign_in()/> }.into_any(),
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

/// The sign-in page, returning to the page asked for. Only a page the
/// server renders for a signed-out visitor (a link, a bookmark, an expired
/// session on reload) carries the way back; in the browser a page loses its
/// user only by signing out, and the next person starts at the start page.
#[cfg(not(feature = "ssr"))]
fn here_after_sign_in() -> String {
    "/inloggen".to_string()
}

#[cfg(feature = "ssr")]
fn here_after_sign_in() -> String {
    let location = leptos_router::hooks::use_location();
    let (path, query) = (
        location.pathname.get_untracked(),
        location.search.get_untracked(),
    );
    let here = if query.is_empty() {
        path
    } else {
        format!("{path}?{}", query.trim_start_matches('?'))
    };
    crate::components::params::sign_in_returning_to(&here)
}

/// A redirect that is a real one (303 See Other) when the server renders
/// the page: without JavaScript the browser follows only that.
#[component]
pub fn RedirectTo(#[prop(into)] path: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(axum::http::StatusCode::SEE_OTHER);
    }
    view! { <Redirect path/> }
}

#[component]
fn NoAccess(roles: &'static [Role]) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(axum::http::StatusCode::FORBIDDEN);
    }
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

/// What a [`role_resource`] loaded, shown by `page`, or — when it could not
/// be loaded — the error with a heading in its place (a page never stays
/// empty). The server function that failed already gave the response its
/// status (404, 403, …).
pub fn or_error<T, V: IntoView + 'static>(
    value: Option<Result<T, AppError>>,
    page: impl FnOnce(T) -> V,
) -> AnyView {
    match loaded(value) {
        Ok(value) => page(value).into_any(),
        Err(error) => view! { <ErrorPage error/> }.into_any(),
    }
}

/// An error in place of a page: a heading that says what kind, and the message.
#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    let heading = match &error {
        AppError::NotFound(_) => "Niet gevonden",
        AppError::Forbidden | AppError::Unauthenticated => "Geen toegang",
        AppError::Invalid { .. } | AppError::Conflict(_) => "Dat lukte niet",
        _ => "Er ging iets mis",
    };
    view! {
        <h1 class="utrecht-heading-1">{heading}</h1>
        <div class="utrecht-alert utrecht-alert--error" role="alert">
            <p class="utrecht-paragraph">{error.to_string()}</p>
        </div>
        <p class="utrecht-paragraph"><a class="utrecht-link" href="/">"Terug naar de startpagina"</a></p>
    }
}
