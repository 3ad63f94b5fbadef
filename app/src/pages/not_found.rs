use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Pagina niet gevonden"/>
        <h1 class="utrecht-heading-1">"Pagina niet gevonden"</h1>
        <p class="utrecht-paragraph">"Deze pagina bestaat niet (meer). "<a class="utrecht-link" href="/">"Naar de startpagina"</a></p>
    }
}
