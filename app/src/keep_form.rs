//! A refused form comes back as typed. Pages are rendered by the server and
//! post as plain forms; when the server refuses a post, it sends the browser
//! back to the page with the error in the address (`?__path=…&__err=…`) and
//! the page is rendered afresh, with the message at the field. Just before a
//! form posts, what was typed in its visible fields is kept in this tab's
//! session storage; when the page comes back with an error for that form,
//! the fields are filled in again and the first field in error gets focus.
//! Passwords, hidden fields (such as a form's version) and the islands' own
//! forms are never kept, and the copy is removed as soon as a page loads.
//! Without JavaScript the page still shows the message; only the typing is
//! not kept.

use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::{
    Document, Element, HtmlElement, HtmlFormElement, HtmlInputElement, HtmlSelectElement,
    HtmlTextAreaElement,
};

const KEY: &str = "doorbraak-formulier";

/// A form as typed: which form, and its kept fields in document order.
#[derive(Serialize, Deserialize)]
struct Kept {
    action: String,
    /// Which of the page's forms with this action.
    index: u32,
    fields: Vec<(String, Typed)>,
}

#[derive(Serialize, Deserialize, PartialEq)]
enum Typed {
    Text(String),
    Checked(bool),
}

/// Restores a refused form, then keeps every form that posts from now on.
pub fn start() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(document) = window.document() else {
        return;
    };
    let Some(storage) = window.session_storage().ok().flatten() else {
        return;
    };
    if let Ok(Some(kept)) = storage.get_item(KEY) {
        let _ = storage.remove_item(KEY);
        let refused = window
            .location()
            .search()
            .ok()
            .and_then(|q| web_sys::UrlSearchParams::new_with_str(&q).ok())
            .and_then(|q| q.get("__path"));
        if let (Some(path), Ok(kept)) = (refused, serde_json::from_str::<Kept>(&kept))
            && path == kept.action
        {
            restore(&document, &kept);
        }
    }
    let keep = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
        let form = event
            .target()
            .and_then(|t| t.dyn_into::<HtmlFormElement>().ok());
        if let Some(kept) = form.and_then(|f| typed(&f.owner_document()?, &f))
            && let Ok(json) = serde_json::to_string(&kept)
        {
            let _ = storage.set_item(KEY, &json);
        }
    });
    let _ = document.add_event_listener_with_callback_and_bool(
        "submit",
        keep.as_ref().unchecked_ref(),
        true,
    );
    keep.forget();
}

/// The page's forms that post to `action`.
fn forms_to(document: &Document, action: &str) -> Vec<HtmlFormElement> {
    let Ok(all) = document.query_selector_all("form[method=post]") else {
        return Vec::new();
    };
    (0..all.length())
        .filter_map(|i| all.item(i)?.dyn_into::<HtmlFormElement>().ok())
        .filter(|f| f.get_attribute("action").as_deref() == Some(action))
        .collect()
}

/// The fields worth keeping, in document order: what a person typed or
/// chose, not passwords, hidden values or buttons.
fn fields(form: &HtmlFormElement) -> Vec<Element> {
    let Ok(all) = form.query_selector_all("input[name], textarea[name], select[name]") else {
        return Vec::new();
    };
    (0..all.length())
        .filter_map(|i| all.item(i)?.dyn_into::<Element>().ok())
        .filter(|e| match e.dyn_ref::<HtmlInputElement>() {
            Some(input) => !matches!(
                input.type_().as_str(),
                "password" | "hidden" | "submit" | "button" | "file" | "reset" | "image"
            ),
            None => true,
        })
        .collect()
}

fn name_of(e: &Element) -> String {
    e.get_attribute("name").unwrap_or_default()
}

fn value_of(e: &Element) -> Option<Typed> {
    if let Some(input) = e.dyn_ref::<HtmlInputElement>() {
        return Some(match input.type_().as_str() {
            "checkbox" | "radio" => Typed::Checked(input.checked()),
            _ => Typed::Text(input.value()),
        });
    }
    if let Some(text) = e.dyn_ref::<HtmlTextAreaElement>() {
        return Some(Typed::Text(text.value()));
    }
    e.dyn_ref::<HtmlSelectElement>()
        .map(|select| Typed::Text(select.value()))
}

/// What a form about to post holds; `None` for a form the page runs itself.
fn typed(document: &Document, form: &HtmlFormElement) -> Option<Kept> {
    if form.method() != "post" || form.closest("leptos-island").ok().flatten().is_some() {
        return None;
    }
    let action = form.get_attribute("action")?;
    let index = forms_to(document, &action).iter().position(|f| f == form)? as u32;
    let fields = fields(form)
        .iter()
        .map(|e| Some((name_of(e), value_of(e)?)))
        .collect::<Option<Vec<_>>>()?;
    Some(Kept {
        action,
        index,
        fields,
    })
}

/// Fills the refused form in again, if the page still has it as it was, and
/// moves focus to its first field in error.
fn restore(document: &Document, kept: &Kept) {
    let Some(form) = forms_to(document, &kept.action)
        .into_iter()
        .nth(kept.index as usize)
    else {
        return;
    };
    let elements = fields(&form);
    let same_form = elements.len() == kept.fields.len()
        && elements
            .iter()
            .zip(&kept.fields)
            .all(|(e, (name, _))| name_of(e) == *name);
    if !same_form {
        return;
    }
    // A field already changed since the page loaded keeps the new typing.
    for (e, (_, value)) in elements.iter().zip(&kept.fields) {
        match value {
            Typed::Checked(on) => {
                if let Some(input) = e.dyn_ref::<HtmlInputElement>()
                    && input.checked() == input.default_checked()
                {
                    input.set_checked(*on);
                }
            }
            Typed::Text(text) => {
                if let Some(input) = e.dyn_ref::<HtmlInputElement>() {
                    if input.value() == input.default_value() {
                        input.set_value(text);
                    }
                } else if let Some(area) = e.dyn_ref::<HtmlTextAreaElement>() {
                    if area.default_value().is_ok_and(|d| d == area.value()) {
                        area.set_value(text);
                    }
                } else if let Some(select) = e.dyn_ref::<HtmlSelectElement>() {
                    select.set_value(text);
                }
            }
        }
    }
    let first_error = form
        .query_selector("[aria-invalid=true]")
        .ok()
        .flatten()
        .or_else(|| form.query_selector("[role=alert]").ok().flatten())
        .and_then(|e| e.dyn_into::<HtmlElement>().ok());
    if let Some(target) = first_error {
        target.scroll_into_view();
        let _ = target.focus();
    }
}
