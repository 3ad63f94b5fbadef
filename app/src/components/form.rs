//! Form building blocks: a labelled field with its error next to it, and the
//! general error of a form.

use leptos::prelude::*;

use crate::error::AppError;

/// The error of the last submission, if any.
pub fn last_error<T, S>(value: S) -> Signal<Option<AppError>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || value.get().and_then(|r| r.err()))
}

/// The error of a plain form post to server function `S` that the server
/// sent back in the address (`?__err=`), for a page rendered without
/// JavaScript or an island's starting properties.
pub fn posted_error<S>() -> Option<AppError>
where
    S: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    ServerAction::<S>::new()
        .value()
        .get_untracked()
        .and_then(Result::err)
}

/// In an island: the refusal of a plain post (from the island's starting
/// properties, so server and browser render alike) until the action's own
/// next answer.
pub fn answered_error<S>(
    action: ServerAction<S>,
    refused: Option<AppError>,
) -> Signal<Option<AppError>>
where
    S: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let error = RwSignal::new(refused);
    Effect::new(move |_| {
        if let Some(answer) = action.value().get() {
            error.set(answer.err());
        }
    });
    error.into()
}

#[component]
pub fn TextField(
    label: &'static str,
    /// The posted name, e.g. `input[username]`.
    name: &'static str,
    /// The field key errors refer to, also used for the element id.
    field: &'static str,
    /// Tells the fields of one form from those of another on the same page
    /// (their element ids must be unique).
    #[prop(optional)]
    scope: &'static str,
    error: Signal<Option<AppError>>,
    #[prop(optional)] value: String,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional)] description: &'static str,
    /// The id of a `<datalist>` with suggestions.
    #[prop(optional)]
    list: &'static str,
) -> impl IntoView {
    let id = field_id(scope, field);
    let error_id = format!("{id}-fout");
    let description_id = format!("{id}-uitleg");
    let message = move || error.get().and_then(|e| e.for_field(field));
    let invalid = move || message().is_some();
    let described = {
        let (error_id, description_id) = (error_id.clone(), description_id.clone());
        move || {
            let mut ids = Vec::new();
            if !description.is_empty() {
                ids.push(description_id.clone());
            }
            if invalid() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="utrecht-form-field utrecht-form-field--text" class:utrecht-form-field--invalid=invalid>
            <div class="utrecht-form-field__label">
                <label class="utrecht-form-label" for=id.clone()>{label}</label>
            </div>
            {(!description.is_empty()).then(|| view! {
                <div class="utrecht-form-field-description" id=description_id.clone()>{description}</div>
            })}
            {move || message().map(|m| view! {
                <div class="utrecht-form-field-error-message" id=error_id.clone()>{m}</div>
            })}
            <div class="utrecht-form-field__input">
                <input
                    class="utrecht-textbox utrecht-textbox--html-input"
                    class:utrecht-textbox--invalid=invalid
                    id=id
                    name=name
                    type=input_type
                    value=value
                    autocomplete=(!autocomplete.is_empty()).then_some(autocomplete)
                    list=(!list.is_empty()).then_some(list)
                    required=required
                    aria-invalid=move || invalid().then_some("true")
                    aria-describedby=described
                />
            </div>
        </div>
    }
}

/// A message for errors that belong to no single field, and for success.
#[component]
pub fn FormMessage(error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().filter(AppError::is_general).map(|e| {
            view! {
                <div class="utrecht-alert utrecht-alert--error" role="alert">
                    <p class="utrecht-paragraph">{e.to_string()}</p>
                </div>
            }
        })
    }
}

#[component]
pub fn TextArea(
    label: &'static str,
    name: &'static str,
    field: &'static str,
    /// Tells the fields of one form from those of another on the same page
    /// (their element ids must be unique).
    #[prop(optional)]
    scope: &'static str,
    error: Signal<Option<AppError>>,
    #[prop(optional)] value: String,
    #[prop(optional)] description: &'static str,
) -> impl IntoView {
    let id = field_id(scope, field);
    let error_id = format!("{id}-fout");
    let description_id = format!("{id}-uitleg");
    let message = move || error.get().and_then(|e| e.for_field(field));
    let value = textarea_text(&value);
    let described = {
        let (error_id, description_id) = (error_id.clone(), description_id.clone());
        move || {
            let mut ids = Vec::new();
            if !description.is_empty() {
                ids.push(description_id.clone());
            }
            if message().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="utrecht-form-field utrecht-form-field--text" class:utrecht-form-field--invalid=move || message().is_some()>
            <div class="utrecht-form-field__label">
                <label class="utrecht-form-label" for=id.clone()>{label}</label>
            </div>
            {(!description.is_empty()).then(|| view! {
                <div class="utrecht-form-field-description" id=description_id.clone()>{description}</div>
            })}
            {move || message().map(|m| view! { <div class="utrecht-form-field-error-message" id=error_id.clone()>{m}</div> })}
            <div class="utrecht-form-field__input">
                <textarea class="utrecht-textarea utrecht-textarea--html-textarea" id=id name=name rows="3"
                    aria-invalid=move || message().map(|_| "true") aria-describedby=described>{value}</textarea>
            </div>
        </div>
    }
}

/// The text of a `<textarea>` as a child in `view!`. Leptos writes a
/// textarea's children unescaped during server rendering (tachys:
/// ESCAPE_CHILDREN = false), so stored text would be markup there: it is
/// escaped for the HTML. In the browser the child is a text node, which
/// needs (and gets) no escaping.
pub fn textarea_text(text: &str) -> String {
    if cfg!(feature = "ssr") {
        html_escape(text)
    } else {
        text.to_string()
    }
}

/// Escapes text for HTML built by hand (select options, text-area content).
pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// `<option>`s as HTML, for `inner_html` on a `<select>`: the browser's
/// parser does not keep hydration markers inside a select.
pub fn select_options(options: &[(String, String)], selected: &str) -> String {
    options
        .iter()
        .map(|(value, label)| {
            let mark = if value == selected { " selected" } else { "" };
            format!(
                "<option value=\"{}\"{mark}>{}</option>",
                html_escape(value),
                html_escape(label)
            )
        })
        .collect()
}

/// The element id of a field: `veld-amount`, or `veld-verlagen-amount` in a scope.
fn field_id(scope: &str, field: &str) -> String {
    if scope.is_empty() {
        format!("veld-{field}")
    } else {
        format!("veld-{scope}-{field}")
    }
}

/// A labelled select with its error next to it; `options` from [`select_options`].
#[component]
pub fn SelectField(
    label: &'static str,
    name: &'static str,
    field: &'static str,
    /// Tells the fields of one form from those of another on the same page
    /// (their element ids must be unique).
    #[prop(optional)]
    scope: &'static str,
    error: Signal<Option<AppError>>,
    options: String,
) -> impl IntoView {
    let id = field_id(scope, field);
    let message = move || error.get().and_then(|e| e.for_field(field));
    view! {
        <div class="utrecht-form-field" class:utrecht-form-field--invalid=move || message().is_some()>
            <div class="utrecht-form-field__label"><label class="utrecht-form-label" for=id.clone()>{label}</label></div>
            {move || message().map(|m| view! { <div class="utrecht-form-field-error-message">{m}</div> })}
            <div class="utrecht-form-field__input">
                <select class="utrecht-select utrecht-select--html-select" id=id name=name inner_html=options></select>
            </div>
        </div>
    }
}

/// A check box with its label and error.
#[component]
pub fn CheckboxField(
    label: &'static str,
    name: &'static str,
    field: &'static str,
    /// Tells the fields of one form from those of another on the same page
    /// (their element ids must be unique).
    #[prop(optional)]
    scope: &'static str,
    error: Signal<Option<AppError>>,
    checked: bool,
) -> impl IntoView {
    let id = field_id(scope, field);
    let message = move || error.get().and_then(|e| e.for_field(field));
    view! {
        <div class="utrecht-form-field utrecht-form-field--checkbox">
            {move || message().map(|m| view! { <div class="utrecht-form-field-error-message">{m}</div> })}
            <input class="utrecht-checkbox utrecht-checkbox--html-input" type="checkbox" id=id.clone() name=name value="on" checked=checked/>
            <label class="utrecht-form-label utrecht-form-label--checkbox" for=id>{label}</label>
        </div>
    }
}

/// An error shown in place of what could not be loaded.
#[component]
pub fn ErrorAlert(message: String) -> impl IntoView {
    view! { <div class="utrecht-alert utrecht-alert--error" role="alert"><p class="utrecht-paragraph">{message}</p></div> }
}
