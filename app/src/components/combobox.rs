//! Choosing a catalogue item by typing words: the ARIA combobox pattern
//! (an input with a list box of suggestions, arrow keys to move, Enter to
//! choose, Escape to close, the number of suggestions announced). It enhances
//! a plain text input with a `<datalist>`, which is what works before and
//! without JavaScript.

use leptos::prelude::*;

use crate::model::catalogue_search::{search, stream_words};
use crate::model::{CatalogueOption, StreamOption};

/// Suggestions shown at once.
const SHOWN: usize = 8;

/// The catalogue and stream names a combobox searches.
#[derive(Clone)]
pub struct CatalogueChoices {
    pub items: Vec<CatalogueOption>,
    pub streams: Vec<StreamOption>,
}

impl CatalogueChoices {
    /// "Opvang per nacht · Wmo · per nacht · € 41,00", or that the code is unknown.
    pub fn describe(&self, code: &str) -> Option<String> {
        let code = code.trim();
        if code.is_empty() {
            return None;
        }
        Some(
            match self
                .items
                .iter()
                .find(|i| i.code.eq_ignore_ascii_case(code))
            {
                Some(item) => describe(item, &self.streams),
                None => format!("Onbekende code {code}: kies een item uit de catalogus."),
            },
        )
    }
}

fn describe(item: &CatalogueOption, streams: &[StreamOption]) -> String {
    format!(
        "{} · {} · {} · {}",
        item.name,
        stream_words(item, streams),
        item.unit_label,
        item.price
            .map_or_else(|| "geen prijs".to_string(), |p| p.to_string())
    )
}

/// A text input for a catalogue code that suggests items by words. `id`
/// names the input (its label points at it); `name` is what the form posts.
#[component]
pub fn CatalogueCombobox(
    id: String,
    name: String,
    label: String,
    value: String,
    choices: StoredValue<CatalogueChoices>,
    /// Whether the page runs with JavaScript: then the list box replaces the datalist.
    hydrated: Signal<bool>,
) -> impl IntoView {
    let text = RwSignal::new(value.clone());
    let open = RwSignal::new(false);
    let active = RwSignal::new(None::<usize>);
    let input = NodeRef::<leptos::html::Input>::new();
    let list_id = format!("{id}-lijst");
    let found = Memo::new(move |_| {
        choices.with_value(|c| {
            search(&c.items, &c.streams, &text.get(), SHOWN)
                .into_iter()
                .map(|item| {
                    (
                        item.code.clone(),
                        item.name.clone(),
                        describe(item, &c.streams),
                    )
                })
                .collect::<Vec<_>>()
        })
    });
    let option_id = {
        let id = id.clone();
        move |i: usize| format!("{id}-optie-{i}")
    };
    let choose = move |code: String| {
        text.set(code.clone());
        open.set(false);
        active.set(None);
        #[cfg(feature = "hydrate")]
        if let Some(el) = input.get_untracked() {
            el.set_value(&code);
            // Tell the form: it recalculates and saves as after typing.
            let init = web_sys::EventInit::new();
            init.set_bubbles(true);
            if let Ok(event) = web_sys::Event::new_with_event_init_dict("input", &init) {
                let _ = el.dispatch_event(&event);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&input, code);
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let n = found.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" if n > 0 => {
                ev.prevent_default();
                open.set(true);
                active.update(|a| *a = Some(a.map_or(0, |i| (i + 1) % n)));
            }
            "ArrowUp" if n > 0 => {
                ev.prevent_default();
                open.set(true);
                active.update(|a| *a = Some(a.map_or(n - 1, |i| (i + n - 1) % n)));
            }
            "Enter" if open.get_untracked() && active.get_untracked().is_some() => {
                ev.prevent_default();
                let chosen = active.get_untracked().and_then(|i| {
                    found.with_untracked(|f| f.get(i).map(|(code, _, _)| code.clone()))
                });
                if let Some(code) = chosen {
                    choose(code);
                }
            }
            "Escape" if open.get_untracked() => {
                ev.prevent_default();
                open.set(false);
                active.set(None);
            }
            _ => {}
        }
    };
    let chosen = move || choices.with_value(|c| c.describe(&text.get()));
    let described_id = format!("{id}-gekozen");
    let options = {
        let option_id = option_id.clone();
        move || {
            found
                .get()
                .into_iter()
                .enumerate()
                .map(|(i, (code, name, said))| {
                    let pick = code.clone();
                    view! {
                        <li id=option_id(i) role="option" class="combobox-option"
                            aria-selected=move || if active.get() == Some(i) { "true" } else { "false" }
                            on:mousedown=move |ev| { ev.prevent_default(); choose(pick.clone()); }>
                            <span class="combobox-code">{code}</span>" "
                            <span class="combobox-name">{name}</span>
                            <span class="combobox-meta">{said}</span>
                        </li>
                    }
                })
                .collect_view()
        }
    };
    view! {
        <div class="combobox">
            <input class="utrecht-textbox utrecht-textbox--html-input" id=id.clone() name=name value=value
                node_ref=input aria-label=label autocomplete="off" size="8"
                aria-describedby=described_id.clone()
                list=move || (!hydrated.get()).then_some("catalogus")
                role=move || hydrated.get().then_some("combobox")
                aria-autocomplete=move || hydrated.get().then_some("list")
                aria-controls=move || hydrated.get().then(|| list_id.clone())
                aria-expanded=move || hydrated.get().then(|| if open.get() && !found.with(Vec::is_empty) { "true" } else { "false" })
                aria-activedescendant=move || active.get().map(option_id.clone())
                on:input=move |ev| { text.set(event_target_value(&ev)); open.set(true); active.set(None); }
                on:keydown=on_key
                on:blur=move |_| open.set(false)/>
            <Show when=move || hydrated.get()>
                <ul id=format!("{id}-lijst") role="listbox" class="combobox-list" aria-label="Catalogusitems"
                    hidden=move || !open.get() || found.with(Vec::is_empty)>
                    {options.clone()}
                </ul>
                <span class="visually-hidden" aria-live="polite">{move || {
                    if !open.get() || text.with(|t| t.trim().is_empty()) {
                        String::new()
                    } else {
                        match found.with(Vec::len) {
                            0 => "Geen catalogusitems gevonden.".to_string(),
                            1 => "1 catalogusitem gevonden.".to_string(),
                            n => format!("{n} catalogusitems gevonden; kies met pijltje omlaag."),
                        }
                    }
                }}</span>
            </Show>
            <span class="combobox-chosen" id=described_id>{chosen}</span>
        </div>
    }
}
