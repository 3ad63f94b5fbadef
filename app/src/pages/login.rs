//! The sign-in page.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::SessionResource;
use crate::api::session::Login;
use crate::components::form::{FormMessage, TextField, last_error};
use crate::components::guard::RedirectTo;

#[component]
pub fn LoginPage() -> impl IntoView {
    let session = expect_context::<SessionResource>();
    let login = ServerAction::<Login>::new();
    let error = last_error(login.value());
    // Signed in (the form posts back here): the page asked for (`?terug=`),
    // or the start page.
    let asked = crate::components::params::query_text("terug");
    let target = move || crate::components::params::return_path(&asked());
    let password_message = error.get_untracked().and_then(|e| e.for_field("password"));
    view! {
        <Title text="Inloggen"/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                session.await.ok().and_then(|s| s.user).map(|_| view! { <RedirectTo path=target()/> })
            })}
        </Suspense>
        <div class="login">
            <h1 class="utrecht-heading-1">"Inloggen"</h1>
            <p class="utrecht-paragraph">"Log in met het account dat functioneel beheer voor u heeft aangemaakt."</p>
            <ActionForm action=login>
                <FormMessage error/>
                <TextField label="Gebruikersnaam" name="username" field="username" error autocomplete="username"/>
                <PasswordField message=password_message/>
                <button type="submit" class="utrecht-button utrecht-button--primary-action">
                    "Inloggen"
                </button>
            </ActionForm>
        </div>
    }
}

/// The password with a "show" toggle: the one part of the page that runs in
/// the browser. Without JavaScript the toggle does nothing and the field
/// stays hidden.
#[island]
fn PasswordField(message: Option<String>) -> impl IntoView {
    crate::components::island::hydrated();
    let show = RwSignal::new(false);
    let invalid = message.is_some();
    view! {
        <div class="utrecht-form-field utrecht-form-field--text" class:utrecht-form-field--invalid=invalid>
            <div class="utrecht-form-field__label">
                <label class="utrecht-form-label" for="veld-password">"Wachtwoord"</label>
            </div>
            {message.map(|m| view! {
                <div class="utrecht-form-field-error-message" id="veld-password-fout">{m}</div>
            })}
            <div class="utrecht-form-field__input">
                <input
                    class="utrecht-textbox utrecht-textbox--html-input"
                    id="veld-password"
                    name="password"
                    type=move || if show.get() { "text" } else { "password" }
                    autocomplete="current-password"
                    aria-invalid=invalid.then_some("true")
                    aria-describedby=invalid.then_some("veld-password-fout")
                />
            </div>
        </div>
        <div class="utrecht-form-field utrecht-form-field--checkbox">
            <div class="utrecht-form-field__input">
                <input
                    class="utrecht-checkbox utrecht-checkbox--html-input"
                    type="checkbox"
                    id="toon-wachtwoord"
                    prop:checked=show
                    on:change=move |_| show.update(|s| *s = !*s)
                />
            </div>
            <div class="utrecht-form-field__label">
                <label class="utrecht-form-label utrecht-form-label--checkbox" for="toon-wachtwoord">"Wachtwoord tonen"</label>
            </div>
        </div>
    }
}
