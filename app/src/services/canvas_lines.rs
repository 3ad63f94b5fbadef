//! Reusing scenario lines: copy them from an earlier canvas of the team or
//! from a team template, and save a canvas's lines as a template.

use super::cases::{load_case, load_draft, store_draft};
use crate::context::{Read, Write};
use crate::db;
use crate::error::AppError;
use crate::input;
use crate::model::*;

/// Templates of the user's teams and the team's latest canvases with lines.
pub async fn line_sources(r: &mut Read, case_id: i64) -> Result<Vec<LineSource>, AppError> {
    Ok(db::templates::sources(&mut r.conn, &r.user.team_ids, case_id).await?)
}

/// Appends the lines of `source` to the draft canvas (saved at `edits`).
pub async fn copy_lines(
    w: &mut Write,
    case_id: i64,
    edits: i64,
    source: String,
) -> Result<SavedCanvas, AppError> {
    let unknown = || {
        AppError::invalid(
            "source",
            "Kies een sjabloon of een eerdere casus van uw team.",
        )
    };
    let key: SourceKey = source.parse().map_err(|_| unknown())?;
    let case = load_draft(&mut w.tx, &w.user, case_id).await?;
    let lines = match key {
        SourceKey::Template(id) => {
            db::templates::template_lines(&mut w.tx, id, &w.user.team_ids).await?
        }
        SourceKey::Case(id) => {
            let source = load_case(&mut w.tx, &w.user, id)
                .await
                .map_err(|_| unknown())?;
            if !w.user.team_ids.contains(&source.team_id) {
                return Err(unknown());
            }
            db::cases::canvas(&mut w.tx, id, source.current_version)
                .await?
                .map(|(c, _, _)| db::templates::Lines {
                    threatening: c.threatening,
                    realistic: c.realistic,
                })
        }
    }
    .ok_or_else(unknown)?;
    let (mut canvas, _, _) = db::cases::canvas(&mut w.tx, case_id, case.current_version)
        .await?
        .ok_or(AppError::Internal)?;
    canvas
        .append_lines(&lines.threatening, &lines.realistic)
        .map_err(|e| AppError::invalid("source", e.to_string()))?;
    let saved = store_draft(w, &case, edits, &canvas).await?;
    w.audit(
        "canvas_lines_copied",
        "case",
        Some(case_id.to_string()),
        None,
        Some(serde_json::json!({ "source": source })),
    );
    Ok(saved)
}

/// Saves the lines of the case's canvas as a template of the case's team.
pub async fn save_template(w: &mut Write, case_id: i64, name: String) -> Result<i64, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::invalid(
            "template_name",
            "Geef het sjabloon een naam van hoogstens 100 tekens.",
        ));
    }
    input::free_text("template_name", name)?;
    let case = load_case(&mut w.tx, &w.user, case_id).await?;
    if !w.user.team_ids.contains(&case.team_id) {
        return Err(AppError::NotFound(
            "Deze casus bestaat niet of u heeft er geen toegang toe.".to_string(),
        ));
    }
    let (canvas, _, _) = db::cases::canvas(&mut w.tx, case_id, case.current_version)
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
    let now = w.time.at.clone();
    let id = db::templates::insert(&mut w.tx, case.team_id, name, &lines, w.user.id, &now)
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "template_name",
                "Uw team heeft al een sjabloon met deze naam.",
            )
        })?;
    w.audit(
        "template_saved",
        "canvas_template",
        Some(id.to_string()),
        None,
        Some(serde_json::json!({ "name": name, "team_id": case.team_id })),
    );
    Ok(id)
}
