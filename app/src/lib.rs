//! Doorbraak's web application: pages, components and server functions
//! (Leptos, SSR + hydration). SQL lives in `db` and runs only on the server.
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod error;
pub mod flash;
pub mod model;
pub mod pages;
pub mod routes;

#[cfg(feature = "ssr")]
pub mod access_log;
#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod context;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod exports;
#[cfg(feature = "ssr")]
pub mod input;
#[cfg(feature = "hydrate")]
mod keep_form;
#[cfg(feature = "ssr")]
pub mod proxies;
#[cfg(feature = "ssr")]
pub mod services;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::components::layout::Header;
use crate::error::AppError;
use crate::model::SessionView;
use crate::pages::accrual::AccrualPage;
use crate::pages::agenda::{AgendaItemPage, AgendaPage};
use crate::pages::agreements::AgreementsPage;
use crate::pages::canvas::CanvasPage;
use crate::pages::cases::{ApprovalsPage, CasePage, CasesPage, ClosingPage, PaymentsPage};
use crate::pages::claims::ClaimsPage;
use crate::pages::dashboard::DashboardPage;
use crate::pages::evaluation::{EvaluationPage, RealisedPage};
use crate::pages::fund::FundPage;
use crate::pages::laws::LawsPage;
use crate::pages::reconcile::ReconcilePage;
use crate::pages::retention::RetentionPage;
use crate::pages::reviews::{DisputesPage, EvidencePage, OwnerPage, StreamOwnersPage};
use crate::pages::runs::{RunPage, RunsPage};
use crate::pages::setup::{CatalogueItemPage, CataloguePage, SetupPage};
use crate::pages::tokens::TokensPage;
use crate::pages::{
    audit::AuditPage,
    home::HomePage,
    login::LoginPage,
    not_found::NotFound,
    teams::TeamsPage,
    users::{UserEditPage, UsersPage},
};

/// The Content-Security-Policy of every response that runs no script.
#[cfg(feature = "ssr")]
pub const CSP_WITHOUT_SCRIPTS: &str = "default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'";

/// Gives a page the Content-Security-Policy that lets only its own scripts
/// run: the front end from this origin and the hydration script that
/// carries this response's nonce. No inline script without it, no `eval`.
/// Called in every request's context, after leptos_axum provided the nonce.
#[cfg(feature = "ssr")]
pub fn set_page_csp() {
    let (Some(nonce), Some(options)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
    );
    if let Ok(value) = axum::http::HeaderValue::from_str(&policy) {
        options.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The session as every component sees it.
pub type SessionResource = Resource<Result<SessionView, AppError>>;

/// The HTML document around the application.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="nl">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="data:,"/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body class="utrecht-theme utrecht-body">
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let session: SessionResource = Resource::new(|| (), |_| api::session::session());
    provide_context(session);
    view! {
        <Stylesheet id="leptos" href="/pkg/doorbraak.css"/>
        // The municipality's colours (`thema.json` in the data folder).
        <Stylesheet id="thema" href="/thema.css"/>
        // leptos_meta writes the title unescaped into the server's HTML.
        <Title formatter=|page: String| {
            let page = if cfg!(feature = "ssr") { components::form::html_escape(&page) } else { page };
            format!("{page} — Doorbraak")
        }/>
        <Router>
            <a class="utrecht-skip-link utrecht-skip-link--visible-on-focus" href="#inhoud">"Direct naar de inhoud"</a>
            <div class="utrecht-page">
                <Header/>
                <main id="inhoud" class="utrecht-page-content page-main" tabindex="-1">
                    <components::layout::DoneMessage/>
                    // Pages render completely on the server (no out-of-order streaming):
                    // the HTML is whole without JavaScript and hydrates deterministically.
                    <Routes fallback=|| view! { <NotFound/> }>
                        <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                        <Route path=path!("/inloggen") view=LoginPage ssr=SsrMode::Async/>
                        <Route path=path!("/beheer/gebruikers") view=UsersPage ssr=SsrMode::Async/>
                        <Route path=path!("/beheer/gebruikers/:id") view=UserEditPage ssr=SsrMode::Async/>
                        <Route path=path!("/beheer/teams") view=TeamsPage ssr=SsrMode::Async/>
                        <Route path=path!("/beheer/audit") view=AuditPage ssr=SsrMode::Async/>
                        <Route path=path!("/inrichting") view=SetupPage ssr=SsrMode::Async/>
                        <Route path=path!("/inrichting/catalogus") view=CataloguePage ssr=SsrMode::Async/>
                        <Route path=path!("/inrichting/catalogus/:id") view=CatalogueItemPage ssr=SsrMode::Async/>
                        <Route path=path!("/casussen") view=CasesPage ssr=SsrMode::Async/>
                        <Route path=path!("/casussen/:id") view=CasePage ssr=SsrMode::Async/>
                        <Route path=path!("/casussen/:id/canvas") view=CanvasPage ssr=SsrMode::Async/>
                        <Route path=path!("/casussen/:id/evaluatie") view=EvaluationPage ssr=SsrMode::Async/>
                        <Route path=path!("/leeragenda") view=AgendaPage ssr=SsrMode::Async/>
                        <Route path=path!("/leeragenda/:id") view=AgendaItemPage ssr=SsrMode::Async/>
                        <Route path=path!("/realisatie") view=RealisedPage ssr=SsrMode::Async/>
                        <Route path=path!("/resultaten") view=DashboardPage ssr=SsrMode::Async/>
                        <Route path=path!("/afsluiten") view=ClosingPage ssr=SsrMode::Async/>
                        <Route path=path!("/inrichting/wetten") view=LawsPage ssr=SsrMode::Async/>
                        <Route path=path!("/inrichting/bewaartermijnen") view=RetentionPage ssr=SsrMode::Async/>
                        <Route path=path!("/beoordelen") view=ApprovalsPage ssr=SsrMode::Async/>
                        <Route path=path!("/betalen") view=PaymentsPage ssr=SsrMode::Async/>
                        <Route path=path!("/fonds") view=FundPage ssr=SsrMode::Async/>
                        <Route path=path!("/terugboeken") view=RunsPage ssr=SsrMode::Async/>
                        <Route path=path!("/terugboeken/:id") view=RunPage ssr=SsrMode::Async/>
                        <Route path=path!("/vorderingen") view=ClaimsPage ssr=SsrMode::Async/>
                        <Route path=path!("/beheer/tokens") view=TokensPage ssr=SsrMode::Async/>
                        <Route path=path!("/bezwaren") view=DisputesPage ssr=SsrMode::Async/>
                        <Route path=path!("/jaarafrekening") view=AccrualPage ssr=SsrMode::Async/>
                        <Route path=path!("/aansluiting") view=ReconcilePage ssr=SsrMode::Async/>
                        <Route path=path!("/mijn-stromen") view=OwnerPage ssr=SsrMode::Async/>
                        <Route path=path!("/mijn-stromen/terugboeking") view=EvidencePage ssr=SsrMode::Async/>
                        <Route path=path!("/inrichting/budgethouders") view=StreamOwnersPage ssr=SsrMode::Async/>
                        <Route path=path!("/inrichting/convenanten") view=AgreementsPage ssr=SsrMode::Async/>
                    </Routes>
                </main>
            </div>
            <footer class="utrecht-page-footer page-footer">
                <p class="utrecht-paragraph utrecht-paragraph--small">"Doorbraak — open source (EUPL-1.2) voor de Doorbraakmethode"</p>
            </footer>
        </Router>
    }
}

/// The browser entry point. Pages are rendered on the server and work as
/// plain forms (a refused one comes back as typed: `keep_form`); only the
/// islands (the canvas editor, the password toggle) run in the browser. The body is marked hydrated once every island on the
/// page is, so tests (and people) can tell the page is interactive.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    keep_form::start();
    components::island::mark_if_all_hydrated();
}
