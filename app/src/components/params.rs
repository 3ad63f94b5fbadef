//! Typed route and query parameters: a page reads its object's id the one
//! way. An id that is missing or not a number is 0, which no object has, so
//! the page shows the server's 404 message.

use leptos::Params;
use leptos::prelude::*;
use leptos_router::hooks::{use_params, use_query};
use leptos_router::params::Params;

#[derive(Params, Debug, Clone, PartialEq, Eq)]
struct ObjectId {
    id: Option<i64>,
}

/// The `:id` of the page's path.
pub fn object_id() -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = use_params::<ObjectId>();
    move || params.read().as_ref().ok().and_then(|p| p.id).unwrap_or(0)
}

#[derive(Params, Debug, Clone, PartialEq, Eq)]
struct PageNumber {
    pagina: Option<usize>,
}

/// The list page the address asks for (`?pagina=2` is the second, index 1).
pub fn page_index() -> impl Fn() -> usize + Copy + Send + Sync + 'static {
    let query = use_query::<PageNumber>();
    move || {
        query
            .read()
            .as_ref()
            .ok()
            .and_then(|q| q.pagina)
            .unwrap_or(1)
            .saturating_sub(1)
    }
}

/// A text of the address's query (`?casus=DB-2026-0001`), empty when absent.
pub fn query_text(name: &'static str) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let query = leptos_router::hooks::use_query_map();
    move || query.read().get(name).unwrap_or_default()
}
