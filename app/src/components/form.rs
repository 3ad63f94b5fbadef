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

#[component]
pub fn TextField(
    label: &'static str,
    /// The posted name, e.g. `input[username]`.
    name: &'static str,
    /// The field key errors refer to, also used for the element id.
    field: &'static str,
    error: Signal<Option<AppError>>,
    #[prop(optional)] value: String,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional)] description: &'static str,
) -> impl IntoView {
    let id = format!("veld-{field}");
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
    error: Signal<Option<AppError>>,
    #[prop(optional)] value: String,
    #[prop(optional)] description: &'static str,
) -> impl IntoView {
    let id = format!("veld-{field}");
    let error_id = format!("{id}-fout");
    let description_id = format!("{id}-uitleg");
    let message = move || error.get().and_then(|e| e.for_field(field));
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
