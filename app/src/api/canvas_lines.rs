//! Reusing scenario lines: copy them from an earlier canvas of the team or
//! from a team template, and save a canvas's lines as a template.

use leptos::prelude::*;

use crate::error::AppError;
pub use crate::model::{LineSource, SavedCanvas};

#[cfg(feature = "ssr")]
use crate::{context, services::canvas as service};
#[cfg(feature = "ssr")]
use doorbraak::Role;

/// Templates of the user's teams and the team's latest canvases with lines.
#[server(endpoint = "line_sources")]
pub async fn line_sources(case_id: i64) -> Result<Vec<LineSource>, AppError> {
    context::read(&[Role::Professional], async move |r| {
        service::line_sources(r, case_id).await
    })
    .await
}

/// Appends the lines of `source` to the draft canvas (saved at `edits`).
#[server(endpoint = "copy_lines")]
pub async fn copy_lines(case_id: i64, edits: i64, source: String) -> Result<SavedCanvas, AppError> {
    context::write(&[Role::Professional], async move |w| {
        service::copy_lines(w, case_id, edits, source).await
    })
    .await
}

/// Saves the lines of the case's canvas as a template of the case's team.
#[server(endpoint = "save_template")]
pub async fn save_template(case_id: i64, name: String) -> Result<i64, AppError> {
    context::write(&[Role::Professional], async move |w| {
        service::save_template(w, case_id, name).await
    })
    .await
}
