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

/// Where to go after signing in (`?terug=/casussen/12`): a path on this
/// site, or the start page. Anything that could leave the site (`//host`,
/// `https://…`, a backslash) is the start page.
pub fn return_path(asked: &str) -> String {
    let local = asked.starts_with('/')
        && !asked.starts_with("//")
        && !asked.contains('\\')
        && asked.len() <= 500
        && !asked.chars().any(char::is_control)
        && !asked.starts_with("/inloggen");
    if local {
        asked.to_string()
    } else {
        "/".to_string()
    }
}

/// The sign-in page that returns to `path` afterwards.
pub fn sign_in_returning_to(path: &str) -> String {
    let mut encoded = String::with_capacity(path.len() + 20);
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                encoded.push(b as char)
            }
            _ => encoded.push_str(&format!("%{b:02X}")),
        }
    }
    format!("/inloggen?terug={encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_path_on_this_site_is_returned_to() {
        assert_eq!(
            return_path("/casussen/12?pagina=2"),
            "/casussen/12?pagina=2"
        );
        for away in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "",
            "casussen",
            "/inloggen?terug=/x",
        ] {
            assert_eq!(return_path(away), "/", "{away:?}");
        }
        assert_eq!(
            sign_in_returning_to("/terugboeken/5?casus=DB-2026-0001&pagina=2"),
            "/inloggen?terug=/terugboeken/5%3Fcasus%3DDB-2026-0001%26pagina%3D2"
        );
    }
}
