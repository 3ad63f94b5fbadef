//! Pages are server-rendered; only islands run in the browser. The body
//! carries `data-hydrated="true"` once every island on the page has
//! hydrated (at once on a page without islands).

#[cfg(feature = "hydrate")]
use std::sync::atomic::{AtomicUsize, Ordering};

/// Islands hydrated so far on this page.
#[cfg(feature = "hydrate")]
static HYDRATED: AtomicUsize = AtomicUsize::new(0);

/// Marks the body once as many islands have hydrated as the page holds.
#[cfg(feature = "hydrate")]
pub fn mark_if_all_hydrated() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let islands = document
        .query_selector_all("leptos-island")
        .map_or(0, |list| list.length() as usize);
    if HYDRATED.load(Ordering::SeqCst) >= islands
        && let Some(body) = document.body()
    {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}

/// Called by every island once it runs in the browser.
pub fn hydrated() {
    #[cfg(feature = "hydrate")]
    leptos::prelude::Effect::new(|_| {
        HYDRATED.fetch_add(1, Ordering::SeqCst);
        mark_if_all_hydrated();
    });
}
