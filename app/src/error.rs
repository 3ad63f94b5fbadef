//! The one error type of every server function: safe to show to the user (in
//! Dutch), mapped to an HTTP status. Database detail is logged on the server
//! and never sent.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("U bent niet ingelogd of uw sessie is verlopen. Log opnieuw in.")]
    Unauthenticated,
    #[error("U heeft geen toegang tot deze functie.")]
    Forbidden,
    /// Bad input; `field` names the form field the message belongs next to.
    #[error("{message}")]
    Invalid {
        field: Option<String>,
        message: String,
    },
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    NotFound(String),
    #[error("Onbekende gebruikersnaam of onjuist wachtwoord.")]
    BadCredentials,
    #[error("Te veel mislukte inlogpogingen. Probeer het over {minutes} minuten opnieuw.")]
    TooManyAttempts { minutes: i64 },
    #[error("Er ging iets mis aan onze kant. Probeer het later opnieuw.")]
    Internal,
    #[error("De verbinding met de server mislukte. Probeer het opnieuw.")]
    Transport(String),
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> AppError {
        AppError::Invalid {
            field: Some(field.to_string()),
            message: message.into(),
        }
    }

    /// The message for a form field, if this error belongs next to it.
    pub fn for_field(&self, name: &str) -> Option<String> {
        match self {
            AppError::Invalid {
                field: Some(f),
                message,
            } if f == name => Some(message.clone()),
            _ => None,
        }
    }

    /// Whether the error belongs to no particular field.
    pub fn is_general(&self) -> bool {
        !matches!(self, AppError::Invalid { field: Some(_), .. })
    }

    #[cfg(feature = "ssr")]
    pub fn status(&self) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        match self {
            AppError::Unauthenticated | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal | AppError::Transport(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        #[cfg(feature = "ssr")]
        tracing::debug!(error = %value, "a server function's arguments did not decode");
        let error = match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) => AppError::Invalid {
                field: None,
                message: "De invoer is onvolledig of ongeldig.".to_string(),
            },
            ServerFnErrorErr::Request(e) | ServerFnErrorErr::Response(e) => AppError::Transport(e),
            _ => AppError::Internal,
        };
        // On the server this runs inside the request (e.g. when the arguments
        // cannot be decoded): give the response the status that fits.
        #[cfg(feature = "ssr")]
        if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            options.set_status(error.status());
        }
        error
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        tracing::error!(error = %err, "database error");
        AppError::Internal
    }
}
