//! Reusing scenario lines: copy them from an earlier canvas of the team or
//! from a team template, and save a canvas's lines as a template.

use leptos::prelude::*;

use crate::api::cases::SavedCanvas;
use crate::error::AppError;
use crate::model::LineSource;

#[cfg(feature = "ssr")]
use crate::api::cases::{load_case, load_draft, store_draft};
#[cfg(feature = "ssr")]
use crate::{auth, db};
#[cfg(feature = "ssr")]
use doorbraak::Role;

/// Templates of the user's teams and the team's latest canvases with lines.
#[server(endpoint = "line_sources")]
pub async fn line_sources(case_id: i64) -> Result<Vec<LineSource>, AppError> {
    auth::respond(
        async move {
            let user = auth::require(&[Role::Professional]).await?;
            let mut conn = auth::state()?.pool.acquire().await?;
            Ok(db::templates::sources(&mut conn, &user.team_ids, case_id).await?)
        }
        .await,
    )
}

/// Appends the lines of `source` to the draft canvas (saved at `edits`).
#[server(endpoint = "copy_lines")]
pub async fn copy_lines(case_id: i64, edits: i64, source: String) -> Result<SavedCanvas, AppError> {
    auth::respond(
        async move {
            let user = auth::require(&[Role::Professional]).await?;
            let unknown = || {
                AppError::invalid(
                    "source",
                    "Kies een sjabloon of een eerdere casus van uw team.",
                )
            };
            let (kind, id) = source.split_once('-').ok_or_else(unknown)?;
            let id: i64 = id.parse().map_err(|_| unknown())?;
            let mut tx = auth::state()?.pool.begin_with("BEGIN IMMEDIATE").await?;
            let case = load_draft(&mut tx, &user, case_id).await?;
            let lines = match kind {
                "sjabloon" => db::templates::template_lines(&mut tx, id, &user.team_ids).await?,
                "casus" => {
                    let source = load_case(&mut tx, &user, id).await.map_err(|_| unknown())?;
                    if !user.team_ids.contains(&source.team_id) {
                        return Err(unknown());
                    }
                    db::cases::canvas(&mut tx, id, source.current_version)
                        .await?
                        .map(|(c, _, _)| db::templates::Lines {
                            threatening: c.threatening,
                            realistic: c.realistic,
                        })
                }
                _ => None,
            }
            .ok_or_else(unknown)?;
            let (mut canvas, _, _) = db::cases::canvas(&mut tx, case_id, case.current_version)
                .await?
                .ok_or(AppError::Internal)?;
            canvas
                .append_lines(&lines.threatening, &lines.realistic)
                .map_err(|e| AppError::invalid("source", e.to_string()))?;
            let saved = store_draft(&mut tx, &user, &case, edits, &canvas).await?;
            auth::audit(
                &mut *tx,
                Some(&user),
                "canvas_lines_copied",
                "case",
                Some(case_id.to_string()),
                None,
                Some(serde_json::json!({ "source": source })),
            )
            .await?;
            tx.commit().await?;
            Ok(saved)
        }
        .await,
    )
}

/// Saves the lines of the case's canvas as a template of the case's team.
#[server(endpoint = "save_template")]
pub async fn save_template(case_id: i64, name: String) -> Result<i64, AppError> {
    auth::respond(
        async move {
            let user = auth::require(&[Role::Professional]).await?;
            let name = name.trim();
            if name.is_empty() || name.chars().count() > 100 {
                return Err(AppError::invalid(
                    "template_name",
                    "Geef het sjabloon een naam van hoogstens 100 tekens.",
                ));
            }
            crate::input::free_text("template_name", name)?;
            let mut tx = auth::state()?.pool.begin_with("BEGIN IMMEDIATE").await?;
            let case = load_case(&mut tx, &user, case_id).await?;
            if !user.team_ids.contains(&case.team_id) {
                return Err(AppError::NotFound(
                    "Deze casus bestaat niet of u heeft er geen toegang toe.".to_string(),
                ));
            }
            let (canvas, _, _) = db::cases::canvas(&mut tx, case_id, case.current_version)
                .await?
                .ok_or(AppError::Internal)?;
            if canvas.threatening.is_empty() && canvas.realistic.is_empty() {
                return Err(AppError::invalid(
                    "template_name",
                    "Dit canvas heeft nog geen opgeslagen scenarioregels.",
                ));
            }
            let lines = db::templates::Lines {
                threatening: canvas.threatening,
                realistic: canvas.realistic,
            };
            let now = db::timestamp(auth::now());
            let id = db::templates::insert(&mut tx, case.team_id, name, &lines, user.id, &now)
                .await?
                .ok_or_else(|| {
                    AppError::invalid(
                        "template_name",
                        "Uw team heeft al een sjabloon met deze naam.",
                    )
                })?;
            auth::audit(
                &mut *tx,
                Some(&user),
                "template_saved",
                "canvas_template",
                Some(id.to_string()),
                None,
                Some(serde_json::json!({ "name": name, "team_id": case.team_id })),
            )
            .await?;
            tx.commit().await?;
            Ok(id)
        }
        .await,
    )
}
