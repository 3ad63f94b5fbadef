//! What an action did, said on the page it lands on: with or without
//! JavaScript, a form's success sends the browser to a page whose address
//! carries `?gedaan=<action>`, and the layout shows the sentence for it.
//! Only known codes become text: the address cannot inject a message.

/// The query parameter that names the action done.
pub const PARAM: &str = "gedaan";

/// The sentence for an action done, by its server function endpoint.
pub fn message(code: &str) -> Option<&'static str> {
    Some(match code {
        "create_budget_year" => "Het begrotingsjaar is aangemaakt.",
        "raise_reservation" => "De reservering is verhoogd.",
        "reduce_funding" => "De reservering is verlaagd.",
        "close_year" => "Het jaar is afgesloten.",
        "create_case" => "De casus is gestart. Vul het canvas in; het wordt als concept bewaard.",
        "save_canvas" => "Het concept is opgeslagen.",
        "submit_case" => "Het canvas is ingediend ter beoordeling.",
        "decide_case" => "Uw besluit is vastgelegd.",
        "revise_case" => "Er is een nieuwe versie van het canvas om te herzien.",
        "register_payment" => "De betaling is geregistreerd.",
        "settle_case" => "De casus is afgerekend.",
        "reverse_payment" => "De betaling is gecorrigeerd met een tegenboeking.",
        "reopen_settlement" => "De afrekening is heropend.",
        "set_waiting" => "De wachtstatus is bijgewerkt.",
        "invoice_claims" => "De verzamelfactuur is gemaakt.",
        "invoice_claim" => "De vordering is gefactureerd.",
        "close_claim" => "De vordering is afgesloten.",
        "save_agreement" => "Het convenant is opgeslagen.",
        "create_run" => "Het voorstel voor de terugboeking is gemaakt.",
        "set_run_case" => "Het voorstel is bijgewerkt.",
        "post_run" => "De terugboeking is geboekt.",
        "discard_run" => "Het voorstel is vervallen.",
        "reverse_run" => "Het correctievoorstel is gemaakt.",
        "issue_token" => "De sleutel is uitgegeven.",
        "revoke_token" => "De sleutel is ingetrokken.",
        "copy_lines" => "De regels zijn overgenomen.",
        "save_template" => "Het sjabloon is bewaard voor uw team.",
        "prebook_year" => "De toerekening is geboekt.",
        "true_up_year" => "De toerekening is afgerekend.",
        "review_charge" => "Uw beoordeling is vastgelegd.",
        "accept_charges" => "De terugboekingen zijn geaccepteerd.",
        "resolve_dispute" => "Het bezwaar is afgehandeld.",
        "set_stream_owner" => "De eigenaar van de stroom is vastgelegd.",
        "save_stream" => "De financieringsstroom is opgeslagen.",
        "save_mandate_level" => "Het mandaat is opgeslagen.",
        "set_default_horizon" => "De standaardhorizon is opgeslagen.",
        "save_catalogue_item" => "Het catalogusitem is opgeslagen.",
        "add_catalogue_price" => "De prijs is toegevoegd.",
        "index_catalogue" => "De prijzen zijn geïndexeerd.",
        "save_user" => "De gebruiker is opgeslagen.",
        "set_user_active" => "De gebruiker is bijgewerkt.",
        "reset_password" => "Het wachtwoord is opnieuw ingesteld.",
        "create_team" => "Het team is aangemaakt.",
        "set_team_active" => "Het team is bijgewerkt.",
        "record_evaluation" => "De evaluatie is vastgelegd.",
        "close_case" => "De casus is afgesloten.",
        "confirm_receipt" => "De ontvangst is bevestigd.",
        "put_on_agenda" => "Het knelpunt staat op de leeragenda.",
        "agenda_step" => "De stap is vastgelegd.",
        "save_law" => "De wet is opgeslagen.",
        "set_agenda_roles" => "De rollen van de leeragenda zijn opgeslagen.",
        _ => return None,
    })
}

/// The page a form came from, with `gedaan=<code>`: without the parameters
/// that asked for a confirmation, prefilled a form or told of an earlier
/// action (`?factuur=` of an invoice just made).
pub fn with_code(path: &str, code: &str) -> String {
    let (path, fragment) = split_fragment(path);
    let (base, query) = path.split_once('?').unwrap_or((path, ""));
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter(|p| {
            let name = p.split('=').next().unwrap_or_default();
            ![
                PARAM,
                "bevestigen",
                "kostenpost",
                "deactiveren",
                "factuur",
                "__path",
                "__err",
            ]
            .contains(&name)
        })
        .collect();
    append_code(&format!("{base}?{}{fragment}", kept.join("&")), code)
}

/// `path` with `gedaan=<code>` at the end of its query (before any `#fragment`).
pub fn append_code(path: &str, code: &str) -> String {
    let (path, fragment) = split_fragment(path);
    let path = path.trim_end_matches(['?', '&']);
    let joint = if path.contains('?') { '&' } else { '?' };
    format!("{path}{joint}{PARAM}={code}{fragment}")
}

fn split_fragment(path: &str) -> (&str, &str) {
    match path.find('#') {
        Some(at) => (&path[..at], &path[at..]),
        None => (path, ""),
    }
}

#[cfg(feature = "ssr")]
mod server {
    use axum::http::header::{ACCEPT, REFERER};
    use axum::http::request::Parts;
    use leptos::prelude::use_context;

    /// The endpoint of the server function being run (`register_payment`).
    fn endpoint(parts: &Parts) -> Option<String> {
        let code = parts.uri.path().rsplit('/').next()?.to_string();
        super::message(&code).map(|_| code)
    }

    /// After a successful plain form post (no JavaScript): back to the page
    /// it came from, saying what was done. A server function that sends the
    /// browser elsewhere calls [`redirect`] after this.
    pub fn back_after_form() {
        let Some(parts) = use_context::<Parts>() else {
            return;
        };
        let plain = parts
            .headers
            .get(ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
        let back = parts
            .headers
            .get(REFERER)
            .and_then(|v| v.to_str().ok())
            .and_then(local_path);
        if let (true, Some(back), Some(code)) = (plain, back, endpoint(&parts)) {
            leptos_axum::redirect(&super::with_code(&back, &code));
        }
    }

    /// Sends the browser to `path`, saying what was done there.
    pub fn redirect(path: &str) {
        match use_context::<Parts>().and_then(|p| endpoint(&p)) {
            Some(code) => leptos_axum::redirect(&super::append_code(path, &code)),
            None => leptos_axum::redirect(path),
        }
    }

    /// The path and query of a same-site address (`http://host/casussen/3?x=1`
    /// → `/casussen/3?x=1`); anything else is not followed.
    fn local_path(url: &str) -> Option<String> {
        let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
        let path = &rest[rest.find('/')?..];
        (!path.starts_with("//")).then(|| path.to_string())
    }
}

#[cfg(feature = "ssr")]
pub use server::{back_after_form, redirect};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_goes_into_the_query_and_confirmations_go() {
        assert_eq!(
            with_code("/casussen/3", "settle_case"),
            "/casussen/3?gedaan=settle_case"
        );
        assert_eq!(
            with_code(
                "/casussen/3?bevestigen=afrekenen&x=1#betaling",
                "settle_case"
            ),
            "/casussen/3?x=1&gedaan=settle_case#betaling"
        );
        assert_eq!(
            with_code("/a?gedaan=save_canvas", "submit_case"),
            "/a?gedaan=submit_case"
        );
        assert_eq!(
            with_code("/vorderingen?factuur=4&status=paid", "close_claim"),
            "/vorderingen?status=paid&gedaan=close_claim"
        );
        // A redirect made by the server keeps what it asked for.
        assert_eq!(
            append_code("/vorderingen?factuur=4", "invoice_claims"),
            "/vorderingen?factuur=4&gedaan=invoice_claims"
        );
        assert_eq!(
            append_code("/casussen/3#betaling", "register_payment"),
            "/casussen/3?gedaan=register_payment#betaling"
        );
        assert!(message("settle_case").is_some());
        assert!(message("<script>").is_none());
    }
}
