//! What every request passes on its way in and out: the CSRF check, the
//! body-size limit, security and caching headers, and the signature on
//! errors that travel in a redirect address.

use std::sync::Arc;

use app::auth::AuthConfig;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The largest request body accepted (a full canvas is far below it).
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// What the middleware needs to know.
#[derive(Clone)]
pub struct Guard {
    /// The origins a browser may post from.
    pub origins: Arc<Vec<String>>,
    pub auth: AuthConfig,
}

fn refuse(status: StatusCode, message: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message,
    )
        .into_response()
}

/// [`refuse`], closing the connection: the body that was not read is not
/// waited for.
fn refuse_and_close(status: StatusCode, message: &'static str) -> Response {
    let mut response = refuse(status, message);
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// Refuses state-changing requests from other sites (defence in depth next
/// to the SameSite=Strict cookie): a `Sec-Fetch-Site: cross-site`, an
/// `Origin` other than the configured public origin, and `text/plain`
/// bodies (the one body type a foreign page can post without a preflight,
/// and one no form of ours sends).
pub async fn same_origin_only(
    State(guard): State<Guard>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let headers = request.headers();
        let cross_site = headers
            .get("sec-fetch-site")
            .is_some_and(|v| v == "cross-site");
        let foreign_origin = headers
            .get(header::ORIGIN)
            .map(|o| {
                o.to_str()
                    .unwrap_or("")
                    .trim_end_matches('/')
                    .to_ascii_lowercase()
            })
            .is_some_and(|origin| !guard.origins.contains(&origin));
        if cross_site || foreign_origin {
            return refuse(
                StatusCode::FORBIDDEN,
                "Verzoek van een andere website geweigerd.",
            );
        }
        let plain_text = headers
            .get(header::CONTENT_TYPE)
            .and_then(|c| c.to_str().ok())
            .is_some_and(|c| c.trim().to_ascii_lowercase().starts_with("text/plain"));
        if plain_text {
            return refuse(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Dit soort verzoek wordt niet aangenomen.",
            );
        }
    }
    next.run(request).await
}

/// Refuses a request body over [`MAX_BODY_BYTES`] with a Dutch message.
pub async fn body_limit(request: Request, next: Next) -> Response {
    const TOO_LARGE: &str =
        "Het verzoek is te groot (hoogstens 2 MB). Maak teksten korter of verdeel het werk.";
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return refuse_and_close(StatusCode::PAYLOAD_TOO_LARGE, TOO_LARGE);
    }
    if declared.is_some() || request.method() == Method::GET || request.method() == Method::HEAD {
        // hyper stops a body at its declared length.
        return next.run(request).await;
    }
    // A body of unknown length (chunked) is read up to the limit first.
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
                .await
        }
        Err(_) => refuse_and_close(StatusCode::PAYLOAD_TOO_LARGE, TOO_LARGE),
    }
}

/// Headers on every response. Pages set their own CSP with the nonce of
/// their hydration script (`app::security_context`); everything else gets the
/// strict default. Nothing but the static front end may be cached: pages,
/// server-function answers and exports hold personal or financial data.
pub async fn security_headers(
    State(guard): State<Guard>,
    request: Request,
    next: Next,
) -> Response {
    let static_asset = request.uri().path().starts_with("/pkg/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let set = |headers: &mut HeaderMap, name: &'static str, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(headers, "x-content-type-options", "nosniff");
    set(headers, "x-frame-options", "DENY");
    set(headers, "referrer-policy", "same-origin");
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(app::CSP_WITHOUT_SCRIPTS),
        );
    }
    if !static_asset {
        set(headers, "cache-control", "no-store");
    }
    if guard.auth.secure_cookies {
        set(
            headers,
            "strict-transport-security",
            "max-age=31536000; includeSubDomains",
        );
    }
    response
}

/// The query of `uri` without the given parameters.
fn without_params(query: &str, names: &[&str]) -> String {
    query
        .split('&')
        .filter(|pair| {
            let name = pair.split('=').next().unwrap_or("");
            !pair.is_empty() && !names.contains(&name)
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn param<'q>(query: &'q str, name: &str) -> Option<&'q str> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// Errors in redirect addresses (`?__path=…&__err=…`, how a form posted
/// without JavaScript learns what went wrong) are shown only when this
/// server produced them for this browser's session: the redirect is signed
/// on the way out (`__sig`), and a page request whose error carries no valid
/// signature has the error removed before the page sees it.
pub async fn signed_form_errors(
    State(guard): State<Guard>,
    mut request: Request,
    next: Next,
) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    // A form's answer is signed for the session that posted it (read now:
    // the request goes to the handler).
    let api_session = is_api
        .then(|| app::auth::session_hash_in(request.headers(), &guard.auth))
        .flatten();
    if !is_api
        && let Some(query) = request.uri().query()
        && param(query, "__err").is_some()
    {
        let genuine = match (
            param(query, "__path"),
            param(query, "__err"),
            param(query, "__sig"),
        ) {
            (Some(path), Some(err), Some(sig)) => {
                let session = app::auth::session_hash_in(request.headers(), &guard.auth);
                app::auth::error_signature(&guard.auth, session.as_deref(), path, err) == sig
            }
            _ => false,
        };
        if !genuine {
            let rest = without_params(query, &["__path", "__err", "__sig"]);
            let path = request.uri().path().to_string();
            let rebuilt = if rest.is_empty() {
                path
            } else {
                format!("{path}?{rest}")
            };
            if let Ok(uri) = rebuilt.parse::<Uri>() {
                *request.uri_mut() = uri;
            }
        }
    }
    let mut response = next.run(request).await;
    if is_api
        && response.status().is_redirection()
        && let Some(location) = response
            .headers()
            .get(header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .map(str::to_string)
    {
        let (base, query) = location.split_once('?').unwrap_or((&location, ""));
        let query = without_params(query, &["__sig"]);
        let signed = match (param(&query, "__path"), param(&query, "__err")) {
            (Some(path), Some(err)) => {
                let sig =
                    app::auth::error_signature(&guard.auth, api_session.as_deref(), path, err);
                format!("{base}?{query}&__sig={sig}")
            }
            _ if query.is_empty() => base.to_string(),
            _ => format!("{base}?{query}"),
        };
        if let Ok(value) = HeaderValue::from_str(&signed) {
            response.headers_mut().insert(header::LOCATION, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_found_and_removed_by_name() {
        let q = "a=1&__path=%2Fapi%2Fx&__err=e30&b=2&__sig=ff";
        assert_eq!(param(q, "__err"), Some("e30"));
        assert_eq!(param(q, "c"), None);
        assert_eq!(without_params(q, &["__path", "__err", "__sig"]), "a=1&b=2");
        assert_eq!(without_params("__err=x", &["__err"]), "");
    }
}
