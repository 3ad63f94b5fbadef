//! A data table in the house style: caption, column headers, rows.

use leptos::prelude::*;

/// `children` are the body's `<tr>`s; wide tables scroll sideways.
#[component]
pub fn DataTable(
    #[prop(into)] caption: String,
    headers: &'static [&'static str],
    children: Children,
) -> impl IntoView {
    let head = headers
        .iter()
        .map(|h| view! { <th class="utrecht-table__header-cell" scope="col">{*h}</th> })
        .collect_view();
    let region = caption.clone();
    view! {
        // Focusable, so that a table wider than the screen scrolls by keyboard too.
        <div class="utrecht-table-container utrecht-table-container--overflow-inline" tabindex="0" role="region" aria-label=region>
            <table class="utrecht-table utrecht-table--html-table">
                <caption class="utrecht-table__caption">{caption}</caption>
                <thead class="utrecht-table__header"><tr class="utrecht-table__row">{head}</tr></thead>
                <tbody class="utrecht-table__body">{children()}</tbody>
            </table>
        </div>
    }
}
